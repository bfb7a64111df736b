"""A pointer is used where it is: a pointer in another region than the data it names copies it there.

QuickSight, Athena and the Glue Data Catalog, AppSync, Lake Formation and Glue jobs read what their data
sources, tables, locations and connections point at from the pointer's own region, and keep what they read
there (SPICE, query results, caches). A pointer declared in another region (its own `region` input, pulumi-aws
7's per-resource region, or its provider's) than the data it points at is a copy of that data into its region;
in the data's own region it is not. Each test is the baseline region and one pointer at its PII database or
a PII bucket.
"""

from __future__ import annotations

from typing import Any

import pytest

from residency_facts import POINTERS
from residency_facts.mechanisms import READ_WHERE_DECLARED
from tests.policies.baseline import Region, eu_region
from tests.policies.copies import mumbai, store
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

NO_PII = "no-pii-replication"
ANONYMISED_ONLY = "anonymised-only-replication"


def _data_source(baseline: Region, **where: Any) -> Res:
    """A QuickSight data source on the baseline's PII database, named by its identifier."""
    props = {
        "dataSourceId": "crm",
        "name": "crm",
        "type": "POSTGRESQL",
        "parameters": {"rds": {"instanceId": "pii-db", "database": "app"}},
        **where,
    }
    return Res("aws:quicksight/dataSource:DataSource", "crm", props, baseline.provider)


def _blocked(resources: list[Res], pointer: Res, policy: str = NO_PII) -> str:
    found = violations(resources, policy)
    assert pointer.urn in [d.urn for d in found], messages(found)
    return "\n".join(d.message for d in found if d.urn == pointer.urn)


@pytest.mark.parametrize("policy", [NO_PII, ANONYMISED_ONLY])
def test_a_quicksight_data_source_in_another_region_on_the_pii_database_is_a_copy_there(policy: str) -> None:
    region = eu_region()
    source = _data_source(region, region="us-east-1")
    message = _blocked([*region.resources, source], source, policy)
    assert "aws:rds/instance:Instance 'pii-db'" in message and "to us-east-1" in message


def test_a_quicksight_data_source_in_the_databases_region_stays() -> None:
    region = eu_region()
    source = _data_source(region, region="eu-west-1")
    assert violations([*region.resources, source], NO_PII) == []
    assert violations([*region.resources, _data_source(region)], NO_PII) == []


def test_a_data_source_under_a_provider_of_another_region_is_a_copy_there() -> None:
    region = eu_region()
    source = Res(
        "aws:quicksight/dataSource:DataSource",
        "crm",
        {
            "dataSourceId": "crm",
            "name": "crm",
            "type": "POSTGRESQL",
            "parameters": {"rds": {"instanceId": UNKNOWN, "database": "app"}},
        },
        mumbai(),
        deps={"parameters": [region.database]},
    )
    assert "to ap-south-1" in _blocked([*region.resources, source], source)


def test_a_glue_table_in_another_region_on_the_pii_bucket_is_a_copy_there() -> None:
    region = eu_region()
    bucket = store(region, "aws:s3/bucket:Bucket", "lake", {"bucket": "customers-lake"})
    table = Res(
        "aws:glue/catalogTable:CatalogTable",
        "customers",
        {
            "name": "customers",
            "databaseName": "lake",
            "region": "us-east-1",
            "storageDescriptor": {"location": UNKNOWN},
        },
        region.provider,
        deps={"storageDescriptor": [bucket]},
    )
    message = _blocked([*region.resources, bucket, table], table)
    assert "aws:s3/bucket:Bucket 'lake'" in message and "us-east-1" in message


def test_an_appsync_data_source_in_another_region_on_the_pii_table_is_a_copy_there() -> None:
    region = eu_region()
    table = store(region, "aws:dynamodb/table:Table", "customers", {"name": "customers"})
    source = Res(
        "aws:appsync/dataSource:DataSource",
        "customers",
        {
            "apiId": "abcdefghijklmnopqrstuvwxyz",
            "name": "customers",
            "type": "AMAZON_DYNAMODB",
            "region": "us-east-1",
            "dynamodbConfig": {"tableName": UNKNOWN, "region": "eu-west-1"},
        },
        region.provider,
        deps={"dynamodbConfig": [table]},
    )
    assert "us-east-1" in _blocked([*region.resources, table, source], source)


@pytest.mark.mode_independent
def test_every_pointer_read_where_it_is_declared_is_a_reviewed_pointer() -> None:
    assert set(READ_WHERE_DECLARED) <= set(POINTERS), set(READ_WHERE_DECLARED) - set(POINTERS)


def test_a_datasync_location_in_another_region_is_judged_by_the_task_that_reads_it() -> None:
    region = eu_region()
    bucket = store(region, "aws:s3/bucket:Bucket", "archive", {"bucket": "archive-eu"})
    location = Res(
        "aws:datasync/s3Location:S3Location",
        "archive",
        {"s3BucketArn": UNKNOWN, "subdirectory": "/", "region": "us-east-1"},
        region.provider,
        deps={"s3BucketArn": [bucket]},
    )
    assert violations([*region.resources, bucket, location], NO_PII) == []
