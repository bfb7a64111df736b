"""A Data Catalog resource policy grants what its statements' `Resource` entries name, to their principals.

A Glue resource policy is one per account and region: it names no target input, only ARNs of the catalog,
its databases, tables and connections in each statement. A table is a pointer at its data (its location);
a grant of it to another account is the first half of a share of that data (decision: a grant of a PII holder,
or of what points at one, to another account is a share), and a connection hands over the database it
connects to. Each statement is judged with its own principals. Each test is the baseline region, a PII lake
bucket with its catalog table, and one policy.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import store
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

NO_PII = "no-pii-replication"
ANONYMISED_ONLY = "anonymised-only-replication"
OTHER_ACCOUNT = "999988887777"
CATALOG = "arn:aws:glue:eu-west-1:123456789012"


def _lake(region: Region, classification: str = "pii") -> list[Res]:
    """A bucket, its catalog database and a table over it (the table names the bucket by lineage)."""
    bucket = store(
        region,
        "aws:s3/bucket:Bucket",
        f"lake-{classification}",
        {"bucket": f"lake-{classification}"},
        {"data-classification": classification},
    )
    database = Res(
        "aws:glue/catalogDatabase:CatalogDatabase",
        f"db-{classification}",
        {"name": f"db_{classification}"},
        region.provider,
    )
    table = Res(
        "aws:glue/catalogTable:CatalogTable",
        f"customers-{classification}",
        {"name": "customers", "databaseName": UNKNOWN, "storageDescriptor": {"location": UNKNOWN}},
        region.provider,
        deps={"databaseName": [database], "storageDescriptor": [bucket]},
    )
    return [bucket, database, table]


def _statement(principal: str, *resources: str) -> dict[str, Any]:
    return {
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{principal}:root"},
        "Action": ["glue:GetDatabase", "glue:GetTable", "glue:GetPartitions"],
        "Resource": list(resources),
    }


def _policy(region: Region, *statements: dict[str, Any]) -> Res:
    document = json.dumps({"Version": "2012-10-17", "Statement": list(statements)})
    return Res("aws:glue/resourcePolicy:ResourcePolicy", "catalog", {"policy": document}, region.provider)


def _blocked(resources: list[Res], grant: Res, policy: str = NO_PII) -> str:
    found = violations(resources, policy)
    assert grant.urn in [d.urn for d in found], messages(found)
    return "\n".join(d.message for d in found if d.urn == grant.urn)


TABLE = f"{CATALOG}:table/db_pii/customers"


@pytest.mark.parametrize(
    "resources",
    [
        [f"{CATALOG}:catalog", f"{CATALOG}:database/db_pii", TABLE],
        [f"{CATALOG}:catalog", f"{CATALOG}:database/db_pii", f"{CATALOG}:table/db_pii/*"],
        ["*"],
    ],
    ids=["the table", "a wildcard over its database", "everything"],
)
def test_a_catalog_policy_granting_another_account_the_pii_table_is_a_share(resources: list[str]) -> None:
    region = eu_region()
    policy = _policy(region, _statement(OTHER_ACCOUNT, *resources))
    stack = [*region.resources, *_lake(region), policy]
    for rule in (NO_PII, ANONYMISED_ONLY):
        message = _blocked(stack, policy, rule)
        assert "aws:s3/bucket:Bucket 'lake-pii'" in message and f"account {OTHER_ACCOUNT}" in message


def test_a_catalog_policy_granting_the_deployments_own_account_is_no_share() -> None:
    region = eu_region()
    policy = _policy(region, _statement("123456789012", f"{CATALOG}:catalog", TABLE))
    assert violations([*region.resources, *_lake(region), policy], NO_PII) == []


def test_each_statement_grants_only_what_it_names() -> None:
    # The other account is granted the anonymised table only; the PII table is granted to the deployment.
    region = eu_region()
    anonymised = f"{CATALOG}:table/db_anonymised/customers"
    policy = _policy(
        region,
        _statement("123456789012", f"{CATALOG}:catalog", f"{CATALOG}:database/db_pii", TABLE),
        _statement(OTHER_ACCOUNT, f"{CATALOG}:catalog", f"{CATALOG}:database/db_anonymised", anonymised),
    )
    stack = [*region.resources, *_lake(region), *_lake(region, "anonymised"), policy]
    for rule in (NO_PII, ANONYMISED_ONLY):
        assert violations(stack, rule) == [], rule


def test_a_table_the_stack_does_not_declare_cannot_be_shown_to_be_anonymised() -> None:
    region = eu_region()
    policy = _policy(region, _statement(OTHER_ACCOUNT, f"{CATALOG}:table/sales/orders"))
    message = _blocked([*region.resources, *_lake(region), policy], policy, ANONYMISED_ONLY)
    assert "sales/orders" in message


def test_a_catalog_policy_granting_another_account_a_connection_to_the_pii_database_is_a_share() -> None:
    region = eu_region()
    connection = Res(
        "aws:glue/connection:Connection",
        "crm",
        {"name": "crm", "connectionProperties": {"JDBC_CONNECTION_URL": UNKNOWN}},
        region.provider,
        deps={"connectionProperties": [region.database]},
    )
    policy = _policy(region, _statement(OTHER_ACCOUNT, f"{CATALOG}:connection/crm"))
    assert "aws:rds/instance:Instance 'pii-db'" in _blocked([*region.resources, connection, policy], policy)


@pytest.mark.preview_only("a document computed from other resources is unknown only at a first preview")
def test_a_catalog_policy_unknown_at_preview_in_a_catalog_of_pii_fails_closed() -> None:
    region = eu_region()
    role = Res("aws:iam/role:Role", "reader", {"assumeRolePolicy": "{}"}, region.provider)
    policy = Res(
        "aws:glue/resourcePolicy:ResourcePolicy",
        "catalog",
        {"policy": UNKNOWN},
        region.provider,
        deps={"policy": [role]},
    )
    message = _blocked([*region.resources, *_lake(region), role, policy], policy)
    assert "cannot be judged at preview" in message and "aws:s3/bucket:Bucket 'lake-pii'" in message
