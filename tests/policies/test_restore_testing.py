"""pii-encryption judges what an AWS Backup restore testing selection restores: temporary copies of PII
stores, kept up to its `validationWindowHours`, encrypted as its `restoreMetadataOverrides` say (AWS Backup's
"Restore testing inferred metadata": a DynamoDB table is restored with `encryptionType` `Default`, AWS's own
key, unless `encryptionType` and `kmsMasterKeyArn` are overridden; an EBS volume keeps its recovery point's
key unless `kmsKeyId` is overridden)."""

from __future__ import annotations

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import store
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

POLICY = "pii-encryption"
SELECTION = "aws:backup/restoreTestingSelection:RestoreTestingSelection"
ELSEWHERE_KEY = "arn:aws:kms:us-east-1:123456789012:key/0b7e8a52-8a3c-4f27-9f5a-1c2d3e4f5a6b"


def _table(region: Region) -> Res:
    return Res(
        "aws:dynamodb/table:Table",
        "customers",
        {
            **store(region, "aws:dynamodb/table:Table", "customers").props,
            "name": "customers",
            "hashKey": "id",
            "attributes": [{"name": "id", "type": "S"}],
            "serverSideEncryption": {"enabled": True, "kmsKeyArn": UNKNOWN},
            "pointInTimeRecovery": {"enabled": True},
            "deletionProtectionEnabled": True,
        },
        region.provider,
        protect=True,
        deps={"serverSideEncryption": [region.key]},
    )


def _selection(region: Region, protected: Res, kind: str, overrides: dict | None, key: bool = False) -> Res:
    props: dict = {
        "name": "restore_check",
        "restoreTestingPlanName": "monthly",
        "protectedResourceType": kind,
        "protectedResourceArns": [UNKNOWN],
        "iamRoleArn": UNKNOWN,
        "validationWindowHours": 24,
    }
    deps: dict = {"protectedResourceArns": [protected]}
    if overrides is not None:
        props["restoreMetadataOverrides"] = overrides
    if key:
        deps["restoreMetadataOverrides"] = [region.key]
    return Res(SELECTION, "restore-check", props, region.provider, deps=deps)


def test_a_restore_test_of_a_pii_table_under_the_inferred_aws_owned_key_is_blocked() -> None:
    region = eu_region()
    table = _table(region)
    selection = _selection(region, table, "DynamoDB", None)
    found = violations([*region.resources, table, selection], POLICY)
    assert [d.urn for d in found] == [selection.urn], messages(found)
    assert "encryptionType" in found[0].message and "kmsMasterKeyArn" in found[0].message


@pytest.mark.parametrize(
    "overrides",
    [{"encryptionType": "Default"}, {"encryptionType": "KMS", "kmsMasterKeyArn": ELSEWHERE_KEY}],
    ids=["aws-owned", "key-elsewhere"],
)
def test_a_restore_test_of_a_pii_table_under_a_key_not_the_stacks_is_blocked(overrides: dict) -> None:
    region = eu_region()
    table = _table(region)
    selection = _selection(region, table, "DynamoDB", overrides)
    found = violations([*region.resources, table, selection], POLICY)
    assert [d.urn for d in found] == [selection.urn], messages(found)


def test_a_restore_test_of_a_pii_table_under_the_stacks_key_is_allowed() -> None:
    region = eu_region()
    table = _table(region)
    selection = _selection(
        region, table, "DynamoDB", {"encryptionType": "KMS", "kmsMasterKeyArn": UNKNOWN}, True
    )
    assert violations([*region.resources, table, selection], POLICY) == []


def test_a_restore_test_of_a_pii_volume_keeps_its_recovery_points_key() -> None:
    region = eu_region()
    volume = store(
        region,
        "aws:ebs/volume:Volume",
        "data",
        {"availabilityZone": "eu-west-1a", "size": 20, "encrypted": True},
    )
    volume.props["kmsKeyId"] = UNKNOWN
    volume.deps["kmsKeyId"] = [region.key]
    assert violations([*region.resources, volume, _selection(region, volume, "EBS", None)], POLICY) == []


def test_a_restore_test_of_a_pii_volume_under_a_key_elsewhere_is_blocked() -> None:
    region = eu_region()
    volume = store(
        region,
        "aws:ebs/volume:Volume",
        "data",
        {"availabilityZone": "eu-west-1a", "size": 20, "encrypted": True},
    )
    volume.props["kmsKeyId"] = UNKNOWN
    volume.deps["kmsKeyId"] = [region.key]
    selection = _selection(region, volume, "EBS", {"kmsKeyId": ELSEWHERE_KEY})
    found = violations([*region.resources, volume, selection], POLICY)
    assert [d.urn for d in found] == [selection.urn], messages(found)
    assert "kmsKeyId" in found[0].message


def test_a_restore_test_of_a_table_that_holds_no_pii_is_not_judged() -> None:
    region = eu_region()
    table = _table(region)
    table.props["tags"] = {"data-classification": "anonymised"}
    selection = _selection(region, table, "DynamoDB", None)
    assert violations([*region.resources, table, selection], POLICY) == []


def test_a_restore_test_of_every_table_covers_the_pii_table() -> None:
    region = eu_region()
    table = _table(region)
    selection = _selection(region, table, "DynamoDB", {"EncryptionType": "Default"})
    selection.props["protectedResourceArns"] = ["*"]
    selection.deps = {}
    found = violations([*region.resources, table, selection], POLICY)
    assert [d.urn for d in found] == [selection.urn], messages(found)
    assert "encryptionType 'Default'" in found[0].message, messages(found)


def test_a_restore_test_of_a_type_unknown_at_preview_fails_closed() -> None:
    region = eu_region()
    table = _table(region)
    selection = _selection(region, table, "DynamoDB", None)
    selection.props["protectedResourceType"] = UNKNOWN
    found = violations([*region.resources, table, selection], POLICY)
    assert [d.urn for d in found] == [selection.urn], messages(found)
