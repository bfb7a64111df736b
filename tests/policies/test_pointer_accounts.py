"""A pointer is owned where it is declared: one declared in another account than the data it names shares it.

A Glue catalog entry created in another account's Data Catalog (`catalogId`, allowed by that catalog's
resource policy) belongs to that account: its Athena, EMR and Redshift Spectrum read the data through it
and keep what they read there, and the entry itself holds the data's schema and location. So does a
QuickSight resource created in another account (`awsAccountId`). Such a pointer at PII is a copy into that
account (`mechanisms.DECLARED_IN_ACCOUNT`, reviewer blind-data15 a04); in the data's own account, or over
anonymised data, it is not. Each test is the baseline region and one pointer at a PII bucket or database.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from residency_facts import categories_of
from residency_facts.mechanisms import DECLARED_IN_ACCOUNT, REVIEWED_ACCOUNT_INPUTS
from tests.policies.baseline import Region, eu_region
from tests.policies.copies import OTHER_ACCOUNT, store
from tests.policies.policy_harness import UNKNOWN, Res, aws_provider, messages, violations
from tests.policies.sdk_schema import input_schema
from tests.policies.sdk_types import sdk_types

NO_PII = "no-pii-replication"
ANONYMISED_ONLY = "anonymised-only-replication"
OWN = "123456789012"
TABLE = "aws:glue/catalogTable:CatalogTable"


def _lake(region: Region, tags: dict[str, str] | None = None) -> Res:
    return store(region, "aws:s3/bucket:Bucket", "lake", {"bucket": "customers-lake"}, tags)


def _table(region: Region, lake: Res, **where: Any) -> Res:
    """A Glue table over the lake bucket (its location computed from the bucket)."""
    props = {"name": "customers", "databaseName": "shared_crm", "storageDescriptor": {"location": UNKNOWN}}
    return Res(TABLE, "customers", props | where, region.provider, deps={"storageDescriptor": [lake]})


def _on(found: list[Any], pointer: Res) -> list[Any]:
    return [d for d in found if d.urn == pointer.urn]


@pytest.mark.parametrize("policy", [NO_PII, ANONYMISED_ONLY])
def test_a_glue_table_in_another_accounts_catalog_over_the_pii_bucket_is_a_copy_into_that_account(
    policy: str,
) -> None:
    region = eu_region()
    lake = _lake(region)
    table = _table(region, lake, catalogId=OTHER_ACCOUNT)
    found = _on(violations([*region.resources, lake, table], policy), table)
    assert len(found) == 1, messages(found)
    assert (
        f"account {OTHER_ACCOUNT}" in found[0].message and "aws:s3/bucket:Bucket 'lake'" in found[0].message
    )


@pytest.mark.parametrize(
    "catalog", [{}, {"catalogId": OWN}], ids=["providers-catalog", "own-account-catalog"]
)
def test_a_glue_table_in_the_deployments_own_catalog_stays(catalog: dict[str, str]) -> None:
    region = eu_region()
    lake = _lake(region)
    table = _table(region, lake, **catalog)
    assert _on(violations([*region.resources, lake, table], NO_PII), table) == []


def test_a_glue_table_in_another_accounts_catalog_over_anonymised_data_may_be_shared() -> None:
    region = eu_region()
    lake = _lake(region, {"data-classification": "anonymised"})
    table = _table(region, lake, catalogId=OTHER_ACCOUNT)
    resources = [*region.resources, lake, table]
    assert _on(violations(resources, NO_PII), table) == []
    assert _on(violations(resources, ANONYMISED_ONLY), table) == []


def test_a_table_whose_catalog_is_computed_from_a_database_of_another_account_is_in_that_account() -> None:
    region = eu_region()
    lake = _lake(region)
    database = Res(
        "aws:glue/catalogDatabase:CatalogDatabase",
        "shared",
        {"name": "shared_crm", "catalogId": OTHER_ACCOUNT},
        region.provider,
    )
    table = _table(region, lake, catalogId=UNKNOWN)
    table.deps["catalogId"] = [database]
    found = _on(violations([*region.resources, lake, database, table], NO_PII), table)
    assert len(found) == 1 and f"account {OTHER_ACCOUNT}" in found[0].message, messages(found)


@pytest.mark.parametrize(
    ("token", "props", "path"),
    [
        (
            "aws:glue/partition:Partition",
            {"databaseName": "shared_crm", "tableName": "customers", "partitionValues": ["2026"]},
            "storageDescriptor",
        ),
        ("aws:glue/catalogDatabase:CatalogDatabase", {"name": "shared_crm"}, "locationUri"),
    ],
    ids=["partition", "database"],
)
def test_another_glue_catalog_entry_in_another_accounts_catalog_over_pii_is_a_copy_into_that_account(
    token: str, props: dict[str, Any], path: str
) -> None:
    region = eu_region()
    lake = _lake(region)
    value = {"location": UNKNOWN} if path == "storageDescriptor" else UNKNOWN
    entry = Res(
        token,
        "entry",
        props | {path: value, "catalogId": OTHER_ACCOUNT},
        region.provider,
        deps={path: [lake]},
    )
    found = _on(violations([*region.resources, lake, entry], NO_PII), entry)
    assert len(found) == 1 and f"account {OTHER_ACCOUNT}" in found[0].message, messages(found)


def test_a_glue_table_over_the_pii_bucket_under_a_provider_of_another_account_is_a_copy_into_it() -> None:
    region = eu_region()
    lake = _lake(region)
    provider = aws_provider("analytics")
    provider.props["assumeRoles"] = json.dumps(
        [{"roleArn": f"arn:aws:iam::{OTHER_ACCOUNT}:role/deployer", "sessionName": "pulumi"}]
    )
    table = _table(region, lake)
    table.provider = provider
    found = _on(violations([*region.resources, lake, table], NO_PII), table)
    assert len(found) == 1 and f"account {OTHER_ACCOUNT}" in found[0].message, messages(found)


def _data_source(region: Region, **where: Any) -> Res:
    """A QuickSight data source on the baseline's PII database, named by its identifier."""
    props = {
        "dataSourceId": "crm",
        "name": "crm",
        "type": "POSTGRESQL",
        "parameters": {"rds": {"instanceId": "pii-db", "database": "app"}},
    }
    return Res("aws:quicksight/dataSource:DataSource", "crm", props | where, region.provider)


def test_a_quicksight_data_source_created_in_another_account_on_the_pii_database_is_a_copy_there() -> None:
    region = eu_region()
    source = _data_source(region, awsAccountId=OTHER_ACCOUNT)
    found = _on(violations([*region.resources, source], NO_PII), source)
    assert len(found) == 1 and f"account {OTHER_ACCOUNT}" in found[0].message, messages(found)


def test_a_quicksight_data_source_in_the_deployments_account_stays() -> None:
    region = eu_region()
    source = _data_source(region, awsAccountId=OWN)
    assert _on(violations([*region.resources, source], NO_PII), source) == []


def test_an_athena_catalog_that_reads_another_accounts_glue_catalog_shares_nothing_of_this_one() -> None:
    # Decision (blind-data15 a04): Athena in this account reads that account's tables into this one; what
    # that catalog holds is that account's, and the stack's own data is not named.
    region = eu_region()
    catalog = Res(
        "aws:athena/dataCatalog:DataCatalog",
        "analytics",
        {"name": "analytics", "type": "GLUE", "parameters": {"catalog-id": OTHER_ACCOUNT}},
        region.provider,
    )
    assert _on(violations([*region.resources, catalog], NO_PII), catalog) == []


_ACCOUNT_INPUTS = ("catalogId", "awsAccountId")


@pytest.mark.mode_independent
def test_every_type_whose_input_names_its_catalog_or_account_is_placed_there_or_reviewed() -> None:
    named = {
        token
        for token in sdk_types("aws")
        if token.split(":")[1].split("/")[0] in ("glue", "quicksight", "lakeformation", "athena")
        and any(name in input_schema(token) for name in _ACCOUNT_INPUTS)
    }
    assert named == set(DECLARED_IN_ACCOUNT) | set(REVIEWED_ACCOUNT_INPUTS)
    assert all(DECLARED_IN_ACCOUNT[t] in input_schema(t) for t in DECLARED_IN_ACCOUNT)
    assert all(categories_of(t) is not None for t in named)
