"""pii-no-data-loss reads the guard every data holder offers, not only the common ones: deletion protection
on a QLDB ledger or a DSQL cluster, point-in-time recovery on a Keyspaces table, backup retention on a
DocumentDB elastic cluster or a Redis cluster, a forced delete that empties an ECR repository or a
directory, table or vector bucket, an inline lifecycle rule that expires noncurrent versions, the final
backup of an ONTAP volume."""

from __future__ import annotations

import pytest

from tests.policies.baseline import eu_region
from tests.policies.copies import store
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

POLICY = "pii-no-data-loss"


def _found(type_: str, props: dict) -> tuple[Res, str]:
    region = eu_region()
    holder = store(region, type_, "customers", props)
    holder.protect = True
    found = violations([*region.resources, holder], POLICY)
    assert {d.urn for d in found} <= {holder.urn}, messages(found)
    return holder, messages(found)


UNGUARDED = [
    ("aws:qldb/ledger:Ledger", {"deletionProtection": False}, "deletionProtection is false"),
    ("aws:dsql/cluster:Cluster", {"deletionProtectionEnabled": False}, "deletionProtectionEnabled is false"),
    (
        "aws:dsql/cluster:Cluster",
        {"deletionProtectionEnabled": True, "forceDestroy": True},
        "forceDestroy is true",
    ),
    ("aws:keyspaces/table:Table", {}, "pointInTimeRecovery.status is not set"),
    (
        "aws:keyspaces/table:Table",
        {"pointInTimeRecovery": {"status": "DISABLED"}},
        "pointInTimeRecovery.status",
    ),
    ("aws:docdb/elasticCluster:ElasticCluster", {"backupRetentionPeriod": 1}, "backups are kept for 1 days"),
    ("aws:docdb/elasticCluster:ElasticCluster", {}, "backups are kept for 1 days"),
    ("aws:elasticache/cluster:Cluster", {"engine": "redis"}, "backups are kept for not set"),
    (
        "aws:elasticache/cluster:Cluster",
        {"engine": "valkey", "snapshotRetentionLimit": 7},
        "finalSnapshotIdentifier",
    ),
    ("aws:ecr/repository:Repository", {"forceDelete": True}, "forceDelete is true"),
    ("aws:s3/directoryBucket:DirectoryBucket", {"forceDestroy": True}, "forceDestroy is true"),
    ("aws:s3tables/tableBucket:TableBucket", {"forceDestroy": True}, "forceDestroy is true"),
    ("aws:s3/vectorsVectorBucket:VectorsVectorBucket", {"forceDestroy": True}, "forceDestroy is true"),
    ("aws:fsx/ontapVolume:OntapVolume", {"skipFinalBackup": True}, "skipFinalBackup is true"),
    ("aws:redshift/clusterSnapshot:ClusterSnapshot", {"manualSnapshotRetentionPeriod": 1}, "kept for 1 days"),
    ("aws:redshiftserverless/snapshot:Snapshot", {"retentionPeriod": 3}, "kept for 3 days"),
    ("aws:odb/autonomousDatabase:AutonomousDatabase", {"backupRetentionPeriodInDays": 1}, "kept for 1 days"),
]


@pytest.mark.parametrize(("type_", "props", "expected"), UNGUARDED, ids=lambda v: str(v)[:40])
def test_a_pii_store_without_its_types_guard_can_be_lost(type_: str, props: dict, expected: str) -> None:
    _, found = _found(type_, props)
    assert expected in found


GUARDED = [
    ("aws:qldb/ledger:Ledger", {}),
    ("aws:dsql/cluster:Cluster", {"deletionProtectionEnabled": True}),
    ("aws:keyspaces/table:Table", {"pointInTimeRecovery": {"status": "ENABLED"}}),
    ("aws:docdb/elasticCluster:ElasticCluster", {"backupRetentionPeriod": 14}),
    (
        "aws:elasticache/cluster:Cluster",
        {"engine": "redis", "snapshotRetentionLimit": 7, "finalSnapshotIdentifier": "f"},
    ),
    ("aws:elasticache/cluster:Cluster", {"engine": "memcached"}),
    ("aws:ecr/repository:Repository", {}),
    ("aws:s3/directoryBucket:DirectoryBucket", {}),
    ("aws:fsx/ontapVolume:OntapVolume", {}),
    ("aws:redshift/clusterSnapshot:ClusterSnapshot", {"manualSnapshotRetentionPeriod": -1}),
    ("aws:redshiftserverless/snapshot:Snapshot", {}),
    ("aws:odb/autonomousDatabase:AutonomousDatabase", {"backupRetentionPeriodInDays": 30}),
]


@pytest.mark.parametrize(("type_", "props"), GUARDED, ids=lambda v: str(v)[:40])
def test_a_pii_store_with_its_types_guard_is_kept(type_: str, props: dict) -> None:
    assert _found(type_, props)[1] == ""


def _bucket_with_inline_lifecycle(noncurrent_days: int) -> tuple[Res, str]:
    return _found(
        "aws:s3/bucket:Bucket",
        {
            "versioning": {"enabled": True},
            "lifecycleRules": [{"enabled": True, "noncurrentVersionExpiration": {"days": noncurrent_days}}],
        },
    )


def test_an_inline_lifecycle_rule_expiring_noncurrent_versions_early_can_lose_pii() -> None:
    assert "expire noncurrent versions after 1 days" in _bucket_with_inline_lifecycle(1)[1]


def test_an_inline_lifecycle_rule_keeping_noncurrent_versions_long_enough_is_kept() -> None:
    assert _bucket_with_inline_lifecycle(30)[1] == ""


def test_a_disabled_inline_lifecycle_rule_expires_nothing() -> None:
    _, found = _found(
        "aws:s3/bucket:Bucket",
        {
            "versioning": {"enabled": True},
            "lifecycleRules": [{"enabled": False, "noncurrentVersionExpiration": {"days": 1}}],
        },
    )
    assert found == ""


def _file_system_backed_up(selection: dict, lock: dict | None = None) -> list[Res]:
    """A PII file system under the stack's key whose only backups are an AWS Backup selection of a plan
    keeping 35 days in a vault (locked by `lock` when given)."""
    region = eu_region()
    file_system = store(
        region, "aws:efs/fileSystem:FileSystem", "home", {"encrypted": True, "kmsKeyId": UNKNOWN}
    )
    file_system.protect = True
    file_system.deps["kmsKeyId"] = [region.key]
    vault = Res("aws:backup/vault:Vault", "vault", {"name": "vault", "kmsKeyArn": UNKNOWN}, region.provider)
    vault.deps["kmsKeyArn"] = [region.key]
    plan = Res(
        "aws:backup/plan:Plan",
        "daily",
        {
            "name": "daily",
            "rules": [{"ruleName": "daily", "targetVaultName": UNKNOWN, "lifecycle": {"deleteAfter": 35}}],
        },
        region.provider,
        deps={"rules": [vault]},
    )
    chosen = Res(
        "aws:backup/selection:Selection",
        "home",
        {
            "name": "home",
            "planId": UNKNOWN,
            "iamRoleArn": "arn:aws:iam::123456789012:role/backup",
            **selection,
        },
        region.provider,
        deps={"planId": [plan], **({"notResources": [file_system]} if "notResources" in selection else {})},
    )
    if "resources" in selection and selection["resources"] == [UNKNOWN]:
        chosen.deps["resources"] = [file_system]
    extra = []
    if lock is not None:
        extra.append(
            Res(
                "aws:backup/vaultLockConfiguration:VaultLockConfiguration",
                "vault-lock",
                {"backupVaultName": UNKNOWN, **lock},
                region.provider,
                deps={"backupVaultName": [vault]},
            )
        )
    return [*region.resources, file_system, vault, plan, chosen, *extra]


def test_a_selection_that_excludes_the_store_by_not_resources_backs_nothing_up() -> None:
    stack = _file_system_backed_up({"resources": ["*"], "notResources": [UNKNOWN]})
    assert "automatic backups are off" in messages(violations(stack, POLICY))


def test_a_selection_of_everything_backs_the_store_up() -> None:
    assert violations(_file_system_backed_up({"resources": ["*"]}), POLICY) == []


def test_a_vault_lock_whose_maximum_is_below_the_plans_retention_fails_every_backup() -> None:
    stack = _file_system_backed_up({"resources": [UNKNOWN]}, {"minRetentionDays": 1, "maxRetentionDays": 3})
    assert "vault-lock" in messages(violations(stack, POLICY))


def test_a_vault_lock_whose_range_holds_the_plans_retention_keeps_the_backups() -> None:
    stack = _file_system_backed_up({"resources": [UNKNOWN]}, {"minRetentionDays": 7, "maxRetentionDays": 365})
    assert violations(stack, POLICY) == []
