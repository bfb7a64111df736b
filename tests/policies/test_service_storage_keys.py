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


# S3 Metadata's journal and inventory tables (reviewer blind-aws13 a23): the keys, metadata and tags of every
# object of the bucket, kept in S3's AWS-managed table bucket under each table's own encryption.


def _metadata(
    region: Region, bucket: Res, encryption: dict[str, Any] | None, inventory: str = "ENABLED"
) -> Res:
    tables: dict[str, Any] = {
        "journalTableConfiguration": {"recordExpiration": {"expiration": "ENABLED", "days": 30}},
        "inventoryTableConfiguration": {"configurationState": inventory},
    }
    deps: list[Res] = []
    if encryption is not None:
        for table in tables.values():
            table["encryptionConfiguration"] = dict(encryption)
        if encryption.get("kmsKeyArn") == UNKNOWN:
            deps.append(region.key)
    return Res(
        "aws:s3/bucketMetadataConfiguration:BucketMetadataConfiguration",
        "docs-metadata",
        {"bucket": UNKNOWN, "metadataConfiguration": tables},
        region.provider,
        deps={"bucket": [bucket], "metadataConfiguration": deps},
    )


def _documents(region: Region, tags: dict[str, str] | None = None) -> Res:
    return store(region, "aws:s3/bucket:Bucket", "customer-docs", {"bucket": "acme-eu-customer-docs"}, tags)


def test_metadata_tables_of_a_pii_bucket_under_the_stacks_key_break_no_rule() -> None:
    region = eu_region()
    bucket = _documents(region)
    metadata = _metadata(region, bucket, {"sseAlgorithm": "aws:kms", "kmsKeyArn": UNKNOWN})
    assert _on([*region.resources, bucket, metadata], metadata) == ""


def test_metadata_tables_of_a_pii_bucket_under_s3_managed_keys_are_not_the_stacks() -> None:
    region = eu_region()
    bucket = _documents(region)
    metadata = _metadata(region, bucket, {"sseAlgorithm": "AES256"})
    found = _on([*region.resources, bucket, metadata], metadata)
    assert "journalTableConfiguration" in found and "inventoryTableConfiguration" in found, found


def test_metadata_tables_of_a_pii_bucket_without_encryption_take_s3_managed_keys() -> None:
    region = eu_region()
    bucket = _documents(region)
    metadata = _metadata(region, bucket, None, inventory="DISABLED")
    found = _on([*region.resources, bucket, metadata], metadata)
    assert "not set (S3 then uses AES256)" in found and "inventoryTableConfiguration" not in found, found


def test_metadata_tables_of_a_pii_bucket_under_a_literal_key_outside_the_stack_are_not_its() -> None:
    region = eu_region()
    bucket = _documents(region)
    key = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    metadata = _metadata(region, bucket, {"sseAlgorithm": "aws:kms", "kmsKeyArn": key})
    assert "kmsKeyArn" in _on([*region.resources, bucket, metadata], metadata)


def test_metadata_tables_of_a_bucket_of_no_personal_data_break_no_rule() -> None:
    region = eu_region()
    bucket = _documents(region, tags={"data-classification": "internal"})
    metadata = _metadata(region, bucket, {"sseAlgorithm": "AES256"})
    assert _on([*region.resources, bucket, metadata], metadata) == ""
