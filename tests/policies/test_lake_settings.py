"""Lake Formation's data lake settings open their account's Data Catalog of their region to whom they name.

A data lake administrator may grant itself any table, a read-only administrator sees every table's schema
and location, a default permission gives every new table to its principal, and an account on
`externalDataFilteringAllowLists` (with `allowExternalDataFiltering`) runs engines that Lake Formation
trusts to filter the governed tables and vends credentials for their data to (decision, reviewer
blind-data15 a22). Each is a grant of every table of the catalog: a principal outside
the deployment's accounts is a share of what the tables point at, and of the tables the stack does not
declare, which cannot be shown to hold no personal data in a stack that holds some.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import OTHER_ACCOUNT, store
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

NO_PII = "no-pii-replication"
ANONYMISED_ONLY = "anonymised-only-replication"
OWN = "123456789012"
SETTINGS = "aws:lakeformation/dataLakeSettings:DataLakeSettings"


def _lake(region: Region) -> list[Res]:
    """A PII lake bucket and the catalog table over it."""
    bucket = store(region, "aws:s3/bucket:Bucket", "lake", {"bucket": "customers-lake"})
    table = Res(
        "aws:glue/catalogTable:CatalogTable",
        "customers",
        {"name": "customers", "databaseName": "crm", "storageDescriptor": {"location": UNKNOWN}},
        region.provider,
        deps={"storageDescriptor": [bucket]},
    )
    return [bucket, table]


def _settings(region: Region, props: dict[str, Any]) -> Res:
    return Res(
        SETTINGS, "settings", {"admins": [f"arn:aws:iam::{OWN}:role/lake-admin"]} | props, region.provider
    )


def _filtering(allowed: Any, *accounts: str) -> dict[str, Any]:
    return {
        "allowExternalDataFiltering": allowed,
        "externalDataFilteringAllowLists": list(accounts),
        "authorizedSessionTagValueLists": ["Amazon EMR"],
    }


def _on(found: list[Any], resource: Res) -> list[Any]:
    return [d for d in found if d.urn == resource.urn]


@pytest.mark.parametrize(
    "props",
    [
        _filtering(True, OWN, OTHER_ACCOUNT),
        _filtering(UNKNOWN, OTHER_ACCOUNT),
        {"admins": [f"arn:aws:iam::{OTHER_ACCOUNT}:role/lake-admin"]},
        {"readOnlyAdmins": [f"arn:aws:iam::{OTHER_ACCOUNT}:role/auditor"]},
        {
            "createTableDefaultPermissions": [
                {"principal": f"arn:aws:iam::{OTHER_ACCOUNT}:root", "permissions": ["ALL"]}
            ]
        },
    ],
    ids=[
        "external-filtering",
        "external-filtering-unknown",
        "administrator",
        "read-only-administrator",
        "default-table-permissions",
    ],
)
def test_lake_settings_naming_another_account_share_the_catalogs_pii_tables(props: dict[str, Any]) -> None:
    region = eu_region()
    settings = _settings(region, props)
    found = _on(violations([*region.resources, *_lake(region), settings], NO_PII), settings)
    assert found, messages(found)
    assert any(
        f"account {OTHER_ACCOUNT}" in d.message and "aws:s3/bucket:Bucket 'lake'" in d.message for d in found
    ), messages(found)


@pytest.mark.parametrize(
    "props",
    [
        _filtering(True, OWN),
        _filtering(False, OTHER_ACCOUNT),
        {"readOnlyAdmins": [f"arn:aws:iam::{OWN}:role/a"]},
        {"createTableDefaultPermissions": [{"principal": "IAM_ALLOWED_PRINCIPALS", "permissions": ["ALL"]}]},
    ],
    ids=["own-account-filtering", "filtering-off", "own-read-only-administrator", "iam-allowed-principals"],
)
def test_lake_settings_within_the_deployments_accounts_share_nothing(props: dict[str, Any]) -> None:
    region = eu_region()
    settings = _settings(region, props)
    assert _on(violations([*region.resources, *_lake(region), settings], NO_PII), settings) == []


def test_external_filtering_for_another_account_opens_tables_the_stack_does_not_declare() -> None:
    # The catalog may hold tables of crawlers or other stacks: in a stack that holds personal data, what
    # they point at cannot be shown to be anonymised.
    region = eu_region()
    settings = _settings(region, _filtering(True, OTHER_ACCOUNT))
    found = _on(violations([*region.resources, settings], ANONYMISED_ONLY), settings)
    assert found and all("does not declare" in d.message for d in found), messages(found)
