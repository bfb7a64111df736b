"""Copies a service keeps in storage of its own: Athena's managed query results (under the workgroup's
`managedQueryResultsConfiguration.encryptionConfiguration.kmsKey`, else a key AWS owns) and QuickSight's SPICE
(under the account's default key a `KeyRegistration` registers for the region, else an AWS-managed key).

Reviewer blind-aws12 (c09, c10): a workgroup querying a PII table with managed results and no key, and a SPICE
data set of a PII bucket in an account that registers no key, both passed: neither copy is in a bucket of the
stack, where the writers' checks look. The compliant baselines use the stack's key.
"""

from __future__ import annotations

from typing import Any

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import mumbai, store
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

ENCRYPTION = "pii-encryption"


def _on(resources: list[Res], resource: Res) -> str:
    return messages([d for d in violations(resources, ENCRYPTION) if d.urn == resource.urn])


def _lake(region: Region) -> list[Res]:
    bucket = store(region, "aws:s3/bucket:Bucket", "customer-data", {"bucket": "acme-eu-customer-data"})
    table = Res(
        "aws:glue/catalogTable:CatalogTable",
        "customers",
        {
            "databaseName": "crm",
            "name": "customers",
            "storageDescriptor": {"location": "s3://acme-eu-customer-data/customers/"},
        },
        region.provider,
    )
    return [bucket, table]


def _workgroup(region: Region, managed: dict[str, Any]) -> Res:
    workgroup = Res(
        "aws:athena/workgroup:Workgroup",
        "analysts",
        {"name": "analysts", "configuration": {"managedQueryResultsConfiguration": managed}},
        region.provider,
    )
    if managed.get("encryptionConfiguration", {}).get("kmsKey") is UNKNOWN:
        workgroup.deps["configuration"] = [region.key]
    return workgroup


def test_managed_query_results_under_the_stacks_key_break_no_rule() -> None:
    region = eu_region()
    workgroup = _workgroup(region, {"enabled": True, "encryptionConfiguration": {"kmsKey": UNKNOWN}})
    assert _on([*region.resources, *_lake(region), workgroup], workgroup) == ""


def test_managed_query_results_of_pii_tables_without_a_key_are_under_aws_key() -> None:
    region = eu_region()
    workgroup = _workgroup(region, {"enabled": True})
    found = _on([*region.resources, *_lake(region), workgroup], workgroup)
    assert "managedQueryResultsConfiguration" in found and "key AWS owns" in found, found


def test_managed_query_results_under_an_aws_managed_key_are_not_the_stacks() -> None:
    region = eu_region()
    workgroup = _workgroup(
        region, {"enabled": True, "encryptionConfiguration": {"kmsKey": "alias/aws/athena"}}
    )
    found = _on([*region.resources, *_lake(region), workgroup], workgroup)
    assert "AWS-managed" in found, found


def test_a_workgroup_without_managed_results_keeps_nothing_of_its_own() -> None:
    region = eu_region()
    workgroup = _workgroup(region, {"enabled": False})
    assert _on([*region.resources, *_lake(region), workgroup], workgroup) == ""


def _data_set(region: Region, mode: str = "SPICE") -> Res:
    return store(
        region,
        "aws:quicksight/dataSet:DataSet",
        "customers-set",
        {"dataSetId": "customers", "name": "customers", "importMode": mode},
    )


def _registration(provider: Res, key: Any, deps: list[Res]) -> Res:
    return Res(
        "aws:quicksight/keyRegistration:KeyRegistration",
        "spice-key",
        {"keyRegistrations": [{"keyArn": key, "defaultKey": True}]},
        provider,
        deps={"keyRegistrations": deps},
    )


def test_a_spice_data_set_under_the_stacks_registered_default_key_breaks_no_rule() -> None:
    region = eu_region()
    data_set = _data_set(region)
    registration = _registration(region.provider, UNKNOWN, [region.key])
    assert _on([*region.resources, data_set, registration], data_set) == ""


def test_a_pii_spice_data_set_with_no_registered_key_is_under_an_aws_managed_key() -> None:
    region = eu_region()
    data_set = _data_set(region)
    found = _on([*region.resources, data_set], data_set)
    assert "KeyRegistration" in found and "SPICE" in found, found


def test_a_key_registered_in_another_region_does_not_encrypt_this_regions_spice() -> None:
    region = eu_region()
    data_set = _data_set(region)
    registration = _registration(mumbai(), "arn:aws:kms:ap-south-1:123456789012:key/abcd", [])
    found = _on([*region.resources, data_set, registration], data_set)
    assert "KeyRegistration" in found, found


def test_a_direct_query_data_set_keeps_no_spice_copy() -> None:
    region = eu_region()
    data_set = _data_set(region, "DIRECT_QUERY")
    assert _on([*region.resources, data_set], data_set) == ""
