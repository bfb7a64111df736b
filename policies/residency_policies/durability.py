"""Rule 7, pii-no-data-loss: a PII store cannot be deleted by accident and can be restored.

Every protected store must be declared with `protect=True`; by type it must also have deletion protection,
keep a final snapshot, and keep automated backups (or point-in-time recovery, versioning, a backup policy)
for at least the configured number of days.
"""

from __future__ import annotations

from collections.abc import Callable

from .attributes import STATEFUL_SET
from .classification import protected_stores
from .model import Resource, Stack
from .settings import Settings
from .values import Unknown, as_bool, as_number, child, elements, is_set, value_at, values_at
from .violations import Violation, violation

NAME = "pii-no-data-loss"
DESCRIPTION = (
    "PII stores have deletion protection, keep a final snapshot, keep backups for at least the configured "
    "number of days, and are declared with protect=True."
)

S3_BUCKETS = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
BUCKET_VERSIONING = (
    "aws:s3/bucketVersioning:BucketVersioning",
    "aws:s3/bucketVersioningV2:BucketVersioningV2",
)
EFS_BACKUP_POLICY = "aws:efs/backupPolicy:BackupPolicy"
STORAGE_CLASS = "kubernetes:storage.k8s.io/v1:StorageClass"
PERSISTENT_VOLUME_CLAIM = "kubernetes:core/v1:PersistentVolumeClaim"

TRANSIENT = frozenset(
    {
        "aws:cloudwatch/logGroup:LogGroup",
        "aws:sqs/queue:Queue",
        "aws:kinesis/stream:Stream",
        "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
    }
)
"""Types whose data expires by design (logs, queues, streams): they are not records to keep, and the rule
leaves them out."""

Finding = tuple[str, str]
"""(what is wrong, how to fix it)."""


def _must_be_true(resource: Resource, path: str, fix: str) -> list[Finding]:
    value = as_bool(value_at(resource.props, path))
    if value is True:
        return []
    shown = "unknown at preview" if isinstance(value, Unknown) else "not set" if value is None else "false"
    return [(f"{path} is {shown}", fix)]


def _must_not_be_true(resource: Resource, path: str, fix: str) -> list[Finding]:
    value = as_bool(value_at(resource.props, path))
    if value is True:
        return [(f"{path} is true", fix)]
    if isinstance(value, Unknown):
        return [(f"{path} is unknown at preview", fix)]
    return []


def _final_snapshot(resource: Resource, name_path: str) -> list[Finding]:
    fix = f"set skipFinalSnapshot to false and give a {name_path}."
    found = _must_not_be_true(resource, "skipFinalSnapshot", fix)
    if not is_set(value_at(resource.props, name_path)):
        found.append((f"no {name_path} is set, so no final snapshot is kept", fix))
    return found


def _retention(resource: Resource, path: str, minimum: int, default: float | None = None) -> list[Finding]:
    value = as_number(value_at(resource.props, path))
    if value is None:
        value = default
    fix = f"keep backups for at least {minimum} days ({path})."
    if isinstance(value, Unknown):
        return [(f"{path} is unknown at preview", fix)]
    if value is None or value < minimum:
        shown = "not set" if value is None else f"{value:g} days"
        return [(f"backups are kept for {shown}, below the minimum of {minimum} days", fix)]
    return []


def _database(resource: Resource, settings: Settings) -> list[Finding]:
    minimum = settings.minimum_backup_retention_days
    return [
        *_must_be_true(resource, "deletionProtection", "set deletionProtection to true."),
        *_final_snapshot(resource, "finalSnapshotIdentifier"),
        *_retention(resource, "backupRetentionPeriod", minimum),
    ]


def _redshift(resource: Resource, settings: Settings) -> list[Finding]:
    minimum = settings.minimum_backup_retention_days
    return [
        *_final_snapshot(resource, "finalSnapshotIdentifier"),
        *_retention(resource, "automatedSnapshotRetentionPeriod", minimum, default=1),
    ]


def _dynamodb(resource: Resource, settings: Settings) -> list[Finding]:
    found = _must_be_true(resource, "deletionProtectionEnabled", "set deletionProtectionEnabled to true.")
    found += _must_be_true(resource, "pointInTimeRecovery.enabled", "turn on pointInTimeRecovery.")
    if as_bool(value_at(resource.props, "pointInTimeRecovery.enabled")) is True:
        # Point-in-time recovery keeps 35 days unless told otherwise.
        found += _retention(
            resource, "pointInTimeRecovery.recoveryPeriodInDays", settings.minimum_backup_retention_days, 35
        )
    return found


def _ebs_volume(resource: Resource, settings: Settings) -> list[Finding]:
    return _must_be_true(resource, "finalSnapshot", "set finalSnapshot to true.")


def _cache(resource: Resource, settings: Settings) -> list[Finding]:
    return _retention(resource, "snapshotRetentionLimit", settings.minimum_backup_retention_days)


def _replication_group(resource: Resource, settings: Settings) -> list[Finding]:
    found = _cache(resource, settings)
    if not is_set(value_at(resource.props, "finalSnapshotIdentifier")):
        found.append(("no finalSnapshotIdentifier is set", "give a finalSnapshotIdentifier."))
    return found


def _memorydb(resource: Resource, settings: Settings) -> list[Finding]:
    found = _cache(resource, settings)
    if not is_set(value_at(resource.props, "finalSnapshotName")):
        found.append(("no finalSnapshotName is set", "give a finalSnapshotName."))
    return found


def _no_force_destroy(resource: Resource, settings: Settings) -> list[Finding]:
    return _must_not_be_true(resource, "forceDestroy", "set forceDestroy to false.")


def _secret(resource: Resource, settings: Settings) -> list[Finding]:
    window = as_number(value_at(resource.props, "recoveryWindowInDays"))
    if window == 0:
        return [
            ("recoveryWindowInDays is 0, so deletion is immediate", "keep a recovery window of 7-30 days.")
        ]
    return []


BY_TYPE: dict[str, Callable[[Resource, Settings], list[Finding]]] = {
    "aws:rds/instance:Instance": _database,
    "aws:rds/cluster:Cluster": _database,
    "aws:docdb/cluster:Cluster": _database,
    "aws:neptune/cluster:Cluster": _database,
    "aws:redshift/cluster:Cluster": _redshift,
    "aws:dynamodb/table:Table": _dynamodb,
    "aws:ebs/volume:Volume": _ebs_volume,
    "aws:elasticache/replicationGroup:ReplicationGroup": _replication_group,
    "aws:elasticache/serverlessCache:ServerlessCache": _cache,
    "aws:memorydb/cluster:Cluster": _memorydb,
    "aws:backup/vault:Vault": _no_force_destroy,
    "aws:secretsmanager/secret:Secret": _secret,
}
"""Type-specific guards against data loss, beyond `protect=True` which every protected store needs."""


def check(stack: Stack, settings: Settings) -> list[Violation]:
    """Violations of pii-no-data-loss in a stack."""
    found: list[Violation] = []
    for resource, protected in protected_stores(stack, settings):
        if resource.type in TRANSIENT:
            continue
        kinds = ", ".join(sorted(protected))
        for problem, fix in problems(resource, stack, settings):
            found.append(_violation(resource, kinds, problem, fix, settings))
    return found


def problems(resource: Resource, stack: Stack, settings: Settings) -> list[Finding]:
    """What lets the store's data be lost, each with how to fix it."""
    found: list[Finding] = []
    if settings.require_protect and not resource.protect:
        found.append(
            (
                "it is not declared with protect=True",
                "pass ResourceOptions(protect=True) so Pulumi never deletes it.",
            )
        )
    check_type = BY_TYPE.get(resource.type)
    if check_type is not None:
        found.extend(check_type(resource, settings))
    if resource.type in S3_BUCKETS:
        found.extend(_bucket(resource, stack, settings))
    if resource.type == "aws:efs/fileSystem:FileSystem":
        found.extend(_file_system(resource, stack))
    if resource.type in (PERSISTENT_VOLUME_CLAIM, STATEFUL_SET):
        found.extend(_volume_claims(resource, stack))
    return found


def _bucket(bucket: Resource, stack: Stack, settings: Settings) -> list[Finding]:
    found = _no_force_destroy(bucket, settings)
    statuses = [
        value_at(v.props, "versioningConfiguration.status")
        for v in stack.of_type(*BUCKET_VERSIONING)
        if stack.refers_to(v, "bucket", bucket)
    ]
    statuses += ["Enabled" for v in values_at(bucket.props, "versioning.enabled") if as_bool(v) is True]
    statuses += ["Enabled" for v in values_at(bucket.props, "versionings[].enabled") if as_bool(v) is True]
    if "Enabled" not in statuses:
        found.append(("versioning is not enabled", "add an aws.s3.BucketVersioning with status Enabled."))
    return found


def _file_system(file_system: Resource, stack: Stack) -> list[Finding]:
    policies = [
        p for p in stack.of_type(EFS_BACKUP_POLICY) if stack.refers_to(p, "fileSystemId", file_system)
    ]
    if not any(value_at(p.props, "backupPolicy.status") == "ENABLED" for p in policies):
        return [("automatic backups are off", "add an aws.efs.BackupPolicy with status ENABLED.")]
    return []


def _volume_claims(resource: Resource, stack: Stack) -> list[Finding]:
    """Kubernetes volumes survive their claim only when their StorageClass retains them."""
    found: list[Finding] = []
    if resource.type == STATEFUL_SET:
        when_deleted = value_at(resource.props, "spec.persistentVolumeClaimRetentionPolicy.whenDeleted")
        if when_deleted == "Delete" or isinstance(when_deleted, Unknown):
            found.append(
                (
                    "its persistentVolumeClaimRetentionPolicy deletes the volumes with the StatefulSet",
                    "set whenDeleted to Retain.",
                )
            )
        specs = [child(t, "spec") for t in elements(value_at(resource.props, "spec.volumeClaimTemplates"))]
    else:
        specs = [child(resource.props, "spec")]
    classes = stack.of_type(STORAGE_CLASS)
    for spec in specs:
        name = child(spec, "storageClassName")
        if isinstance(name, str):
            matching = [c for c in classes if value_at(c.props, "metadata.name") == name]
        else:
            matching = [c for c in stack.dependencies(resource, "spec") if c.type == STORAGE_CLASS]
        if not matching:
            found.append(
                (
                    "its StorageClass is not in this stack, so it cannot be shown to retain the volumes",
                    "use a StorageClass declared in the stack with reclaimPolicy Retain.",
                )
            )
        for storage_class in matching:
            if child(storage_class.props, "reclaimPolicy") != "Retain":
                found.append(
                    (
                        f"{storage_class.label} deletes volumes when their claim is deleted",
                        "set its reclaimPolicy to Retain.",
                    )
                )
    return found


def _violation(resource: Resource, kinds: str, problem: str, fix: str, settings: Settings) -> Violation:
    return violation(
        resource,
        f"{kinds} store can lose its data: {problem}",
        f"personal data under {settings.law} must stay available and restorable in its region; an accidental "
        "delete or replacement would destroy it, and restoring from another region is not allowed.",
        fix,
    )
