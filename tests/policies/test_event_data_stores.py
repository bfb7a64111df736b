"""What CloudTrail's data events carry: the requests to a holder, with their parameters (an item's key, an
object's key), kept by an event data store or delivered by a trail wherever its selectors' scope reaches.

Reviewer blind-aws13 (a26): a CloudTrail Lake event data store in us-east-1 (multi-region, the default)
collecting the data events of the EU PII table passed, while a trail of the same events was blocked (a25).
A store is a destination of what its selectors select, in its own region and account; a selector of a type
that names no ARN exactly selects every holder of the type in the store's scope (every region when
multi-region, every account when organisation-wide). Each test changes one thing of an in-region store.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import PII, store
from tests.policies.policy_harness import UNKNOWN, Res, aws_provider, messages, violations

NO_PII = "no-pii-replication"
ANONYMISED_ONLY = "anonymised-only-replication"
ENCRYPTION = "pii-encryption"
JURISDICTION = "pii-in-jurisdiction"
RULES = (NO_PII, ANONYMISED_ONLY)
TABLE_ARN = "arn:aws:dynamodb:eu-west-1:123456789012:table/customers"
STORE = "aws:cloudtrail/eventDataStore:EventDataStore"


def _table(region: Region) -> Res:
    return store(region, "aws:dynamodb/table:Table", "customers", {"name": "customers"})


def _selector(*fields: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"name": "data events", "fieldSelectors": [{"field": "eventCategory", "equals": ["Data"]}, *fields]}
    ]


TABLES = {"field": "resources.type", "equals": ["AWS::DynamoDB::Table"]}
THE_TABLE = {"field": "resources.ARN", "equals": [TABLE_ARN]}


def _store(
    provider: Res,
    selectors: list[dict[str, Any]],
    key: Res | None,
    multi_region: bool | None = False,
    tags: dict[str, str] = PII,
) -> Res:
    props: dict[str, Any] = {
        "name": "customer-data-events",
        "retentionPeriod": 365,
        "terminationProtectionEnabled": True,
        "advancedEventSelectors": selectors,
        "tags": dict(tags),
    }
    if multi_region is not None:
        props["multiRegionEnabled"] = multi_region
    deps = {}
    if key is not None:
        props["kmsKeyId"] = UNKNOWN
        deps["kmsKeyId"] = [key]
    return Res(STORE, "customer-data-events", props, provider, protect=True, deps=deps)


def _us() -> Res:
    return aws_provider("us", "us-east-1")


def _on(resources: list[Res], policy: str, resource: Res) -> str:
    return messages([d for d in violations(resources, policy) if d.urn == resource.urn])


@pytest.mark.parametrize("policy", (*RULES, ENCRYPTION, JURISDICTION))
def test_an_in_region_store_of_the_pii_tables_data_events_under_the_stacks_key_stays(policy: str) -> None:
    region = eu_region()
    table = _table(region)
    events = _store(region.provider, _selector(TABLES, THE_TABLE), region.key)
    assert _on([*region.resources, table, events], policy, events) == ""


@pytest.mark.parametrize("policy", RULES)
def test_a_store_in_another_region_of_the_pii_tables_data_events_copies_them_there(policy: str) -> None:
    region = eu_region()
    table = _table(region)
    events = _store(_us(), _selector(TABLES, THE_TABLE), None, multi_region=None, tags={})
    found = _on([*region.resources, table, events], policy, events)
    assert "us-east-1" in found and "customers" in found, found


@pytest.mark.parametrize("policy", RULES)
def test_a_multi_region_store_elsewhere_of_every_tables_data_events_copies_the_pii_table(policy: str) -> None:
    region = eu_region()
    table = _table(region)
    events = _store(_us(), _selector(TABLES), None, multi_region=True, tags={})
    found = _on([*region.resources, table, events], policy, events)
    assert "us-east-1" in found and "customers" in found, found


@pytest.mark.parametrize("policy", RULES)
def test_a_single_region_store_elsewhere_of_every_tables_data_events_collects_none_of_the_eu_tables(
    policy: str,
) -> None:
    region = eu_region()
    table = _table(region)
    events = _store(_us(), _selector(TABLES), None, multi_region=False, tags={})
    assert _on([*region.resources, table, events], policy, events) == ""


@pytest.mark.parametrize("policy", RULES)
def test_a_store_elsewhere_of_management_events_only_copies_no_data(policy: str) -> None:
    region = eu_region()
    table = _table(region)
    management = [{"name": "mgmt", "fieldSelectors": [{"field": "eventCategory", "equals": ["Management"]}]}]
    events = _store(_us(), management, None, multi_region=True, tags={})
    assert _on([*region.resources, table, events], policy, events) == ""


def test_an_in_region_store_of_the_pii_tables_data_events_labelled_internal_holds_pii() -> None:
    region = eu_region()
    table = _table(region)
    events = _store(
        region.provider, _selector(TABLES, THE_TABLE), None, tags={"data-classification": "internal"}
    )
    found = _on([*region.resources, table, events], ENCRYPTION, events)
    assert "inherited through lineage" in found and "kmsKeyId" in found, found


@pytest.mark.parametrize("policy", RULES)
def test_a_store_elsewhere_selecting_tables_by_an_arn_prefix_of_the_eu_table_copies_it(policy: str) -> None:
    region = eu_region()
    table = _table(region)
    prefix = {"field": "resources.ARN", "startsWith": ["arn:aws:dynamodb:eu-west-1:123456789012:table/cust"]}
    events = _store(_us(), _selector(TABLES, prefix), None, multi_region=True, tags={})
    found = _on([*region.resources, table, events], policy, events)
    assert "customers" in found, found


def test_a_trail_of_every_tables_data_events_into_a_bucket_elsewhere_copies_the_pii_table() -> None:
    region = eu_region()
    table = _table(region)
    bucket = Res("aws:s3/bucket:Bucket", "trail-logs", {"bucket": "acme-trail-logs", "tags": {}}, _us())
    trail = Res(
        "aws:cloudtrail/trail:Trail",
        "data-events",
        {
            "name": "data-events",
            "s3BucketName": UNKNOWN,
            "eventSelectors": [
                {"dataResources": [{"type": "AWS::DynamoDB::Table", "values": ["arn:aws:dynamodb"]}]}
            ],
        },
        region.provider,
        deps={"s3BucketName": [bucket]},
    )
    found = _on([*region.resources, table, bucket, trail], NO_PII, trail)
    assert "customers" in found and "us-east-1" in found, found
