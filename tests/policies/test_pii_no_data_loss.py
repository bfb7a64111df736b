"""pii-no-data-loss: PII stores have deletion protection, a final snapshot, backups and protect=True."""

from __future__ import annotations

import copy

from tests.policies.baseline import eu_region
from tests.policies.copies import store
from tests.policies.policy_harness import EU_CONFIG, UNKNOWN, Res, messages, violations

POLICY = "pii-no-data-loss"


def test_compliant_baseline_has_no_violation() -> None:
    assert violations(eu_region().resources, POLICY) == []


def test_a_store_without_protect_is_blocked() -> None:
    region = eu_region()
    region.database.protect = False
    found = violations(region.resources, POLICY)
    assert [d.urn for d in found] == [region.database.urn]
    assert "not declared with protect=True" in found[0].message
    assert "GDPR" in found[0].message and "ResourceOptions(protect=True)" in found[0].message


def test_the_protect_requirement_can_be_turned_off_in_config() -> None:
    region = eu_region()
    region.database.protect = False
    config = copy.deepcopy(EU_CONFIG)
    config[POLICY]["requireProtect"] = False
    assert violations(region.resources, POLICY, config) == []


def test_a_database_without_deletion_protection_is_blocked() -> None:
    region = eu_region()
    region.database.props["deletionProtection"] = False
    assert "deletionProtection is false" in messages(violations(region.resources, POLICY))


def test_a_database_that_skips_its_final_snapshot_is_blocked() -> None:
    region = eu_region()
    region.database.props["skipFinalSnapshot"] = True
    assert "skipFinalSnapshot is true" in messages(violations(region.resources, POLICY))


def test_a_database_without_a_final_snapshot_name_is_blocked() -> None:
    region = eu_region()
    del region.database.props["finalSnapshotIdentifier"]
    assert "no finalSnapshotIdentifier is set" in messages(violations(region.resources, POLICY))


def test_backup_retention_below_the_minimum_is_blocked() -> None:
    region = eu_region()
    region.database.props["backupRetentionPeriod"] = 3
    assert "kept for 3 days, below the minimum of 7 days" in messages(violations(region.resources, POLICY))


def test_the_minimum_backup_retention_comes_from_config() -> None:
    region = eu_region()
    config = copy.deepcopy(EU_CONFIG)
    config[POLICY]["minimumBackupRetentionDays"] = 21
    assert "kept for 14 days, below the minimum of 21 days" in messages(
        violations(region.resources, POLICY, config)
    )


def test_backup_retention_missing_or_unknown_is_blocked() -> None:
    region = eu_region()
    region.database.props["backupRetentionPeriod"] = UNKNOWN
    assert "backupRetentionPeriod is unknown at preview" in messages(violations(region.resources, POLICY))
    del region.database.props["backupRetentionPeriod"]
    assert "kept for not set" in messages(violations(region.resources, POLICY))


def test_a_pii_table_without_point_in_time_recovery_is_blocked() -> None:
    region = eu_region()
    table = store(region, "aws:dynamodb/table:Table", "profiles", {"deletionProtectionEnabled": True})
    table.protect = True
    assert "pointInTimeRecovery.enabled is not set" in messages(
        violations([*region.resources, table], POLICY)
    )
    table.props["pointInTimeRecovery"] = {"enabled": True}
    assert violations([*region.resources, table], POLICY) == []


def test_a_pii_bucket_needs_versioning() -> None:
    region = eu_region()
    bucket = store(region, "aws:s3/bucket:Bucket", "documents", {"bucket": "documents-eu"})
    bucket.protect = True
    assert "versioning is not enabled" in messages(violations([*region.resources, bucket], POLICY))
    versioning = Res(
        "aws:s3/bucketVersioning:BucketVersioning",
        "documents-versioning",
        {"bucket": UNKNOWN, "versioningConfiguration": {"status": "Enabled"}},
        region.provider,
        deps={"bucket": [bucket]},
    )
    assert violations([*region.resources, bucket, versioning], POLICY) == []
    bucket.props["forceDestroy"] = True
    assert "forceDestroy is true" in messages(violations([*region.resources, bucket, versioning], POLICY))


def test_a_pii_file_system_needs_automatic_backups() -> None:
    region = eu_region()
    file_system = store(region, "aws:efs/fileSystem:FileSystem", "documents", {"encrypted": True})
    file_system.protect = True
    assert "automatic backups are off" in messages(violations([*region.resources, file_system], POLICY))
    policy = Res(
        "aws:efs/backupPolicy:BackupPolicy",
        "documents-backup",
        {"fileSystemId": UNKNOWN, "backupPolicy": {"status": "ENABLED"}},
        region.provider,
        deps={"fileSystemId": [file_system]},
    )
    assert violations([*region.resources, file_system, policy], POLICY) == []


def test_pii_volumes_in_kubernetes_must_be_retained() -> None:
    region = eu_region()
    region.telemetry.props["spec"]["volumeClaimTemplates"][0]["metadata"]["labels"]["data-classification"] = (
        "pii"
    )
    region.telemetry.protect = True
    assert violations(region.resources, POLICY) == []
    region.storage_class.props["reclaimPolicy"] = "Delete"
    assert "deletes volumes when their claim is deleted" in messages(violations(region.resources, POLICY))
    region.storage_class.props["reclaimPolicy"] = "Retain"
    region.telemetry.props["spec"]["persistentVolumeClaimRetentionPolicy"] = {"whenDeleted": "Delete"}
    assert "deletes the volumes with the StatefulSet" in messages(violations(region.resources, POLICY))


def test_telemetry_is_not_this_rules_concern_by_default() -> None:
    region = eu_region()
    region.storage_class.props["reclaimPolicy"] = "Delete"
    assert violations(region.resources, POLICY) == []


def test_the_key_of_a_pii_store_without_protect_is_blocked() -> None:
    """Deleting the key is deleting the data, its snapshots and its backups: the key is protected too."""
    region = eu_region()
    region.key.protect = False
    found = violations(region.resources, POLICY)
    assert [d.urn for d in found] == [region.key.urn]
    assert "the key of aws:rds/instance:Instance 'pii-db' (pii) can be lost" in found[0].message
    assert "protect=True" in found[0].message


def test_the_key_of_a_pii_store_with_a_short_deletion_window_is_blocked() -> None:
    region = eu_region()
    region.key.props["deletionWindowInDays"] = 7
    found = violations(region.resources, POLICY)
    assert [d.urn for d in found] == [region.key.urn]
    assert "deletionWindowInDays is 7 days, shorter than the 30 days" in found[0].message


def test_a_key_that_encrypts_no_pii_needs_no_protection() -> None:
    region = eu_region()
    region.telemetry_key.props["deletionWindowInDays"] = 7
    assert violations(region.resources, POLICY) == []
