"""pii-no-data-loss's guards by type: the inputs that keep a store of each type from being deleted, and its
backups kept for the minimum (beyond `protect=True`, which every protected store needs)."""

from __future__ import annotations

from collections.abc import Callable

from .model import Resource
from .settings import Settings
from .values import UNKNOWN, Unknown, as_bool, as_number, child, is_set, value_at, values_at

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


def no_force_destroy(resource: Resource, settings: Settings) -> list[Finding]:
    """A store whose deletion empties it first (`forceDestroy`) loses its data with it."""
    return _must_not_be_true(resource, "forceDestroy", "set forceDestroy to false.")


def _secret(resource: Resource, settings: Settings) -> list[Finding]:
    window = as_number(value_at(resource.props, "recoveryWindowInDays"))
    if window == 0:
        return [
            ("recoveryWindowInDays is 0, so deletion is immediate", "keep a recovery window of 7-30 days.")
        ]
    return []


def _cognito(resource: Resource, settings: Settings) -> list[Finding]:
    if value_at(resource.props, "deletionProtection") != "ACTIVE":
        return [("deletionProtection is not ACTIVE", "set deletionProtection to ACTIVE.")]
    return []


def _lightsail_database(resource: Resource, settings: Settings) -> list[Finding]:
    return [
        *_must_not_be_true(resource, "skipFinalSnapshot", "set skipFinalSnapshot to false."),
        *(
            []
            if is_set(value_at(resource.props, "finalSnapshotName"))
            else [("no finalSnapshotName is set", "give a finalSnapshotName.")]
        ),
        *(
            [("backupRetentionEnabled is false", "turn backupRetentionEnabled on.")]
            if as_bool(value_at(resource.props, "backupRetentionEnabled")) is False
            else []
        ),
    ]


def _fsx(resource: Resource, settings: Settings) -> list[Finding]:
    return [
        *_must_not_be_true(resource, "skipFinalBackup", "set skipFinalBackup to false."),
        *_retention(resource, "automaticBackupRetentionDays", settings.minimum_backup_retention_days, 0),
    ]


def _instance(resource: Resource, settings: Settings) -> list[Finding]:
    found = _must_be_true(resource, "disableApiTermination", "set disableApiTermination to true.")
    # A shutdown from inside the instance (`shutdown -h`, a failed upgrade) terminates it when its
    # shutdown behaviour is terminate, whatever disableApiTermination says; its volumes then go with it
    # unless each is kept on termination (the root volume's and block devices' default is to delete).
    behaviour = value_at(resource.props, "instanceInitiatedShutdownBehavior")
    if behaviour == "terminate" or isinstance(behaviour, Unknown):
        deleted = _volumes_deleted_on_termination(resource)
        if deleted:
            shown = "unknown at preview" if isinstance(behaviour, Unknown) else "terminate"
            found.append(
                (
                    f"its instanceInitiatedShutdownBehavior is {shown}, so a shutdown inside the instance "
                    f"terminates it (disableApiTermination does not stop that) and deletes {deleted}",
                    'set instanceInitiatedShutdownBehavior to "stop", or deleteOnTermination to false on '
                    "every volume.",
                )
            )
    return found


def _volumes_deleted_on_termination(instance: Resource) -> str:
    """The instance's volumes that terminating it deletes, in words (empty when none is)."""
    deleted = []
    root = value_at(instance.props, "rootBlockDevice")
    if as_bool(child(root, "deleteOnTermination")) is not False:
        deleted.append("its root volume")
    for device in values_at(instance.props, "ebsBlockDevices"):
        if as_bool(child(device, "deleteOnTermination")) is not False:
            deleted.append(f"its volume {child(device, 'deviceName')}")
    return ", ".join(deleted)


def _must_not_be_false(resource: Resource, path: str, fix: str) -> list[Finding]:
    """A guard on by default (QLDB's deletion protection) that the store turns off."""
    value = as_bool(value_at(resource.props, path))
    if value is False:
        return [(f"{path} is false", fix)]
    if isinstance(value, Unknown):
        return [(f"{path} is unknown at preview", fix)]
    return []


def _forced(path: str) -> Callable[[Resource, Settings], list[Finding]]:
    """A store whose deletion first empties it (`forceDestroy`, `forceDelete`) loses its data with it."""
    return lambda r, s: _must_not_be_true(r, path, f"set {path} to false.")


def _kept_days(path: str, default: float | None = None) -> Callable[[Resource, Settings], list[Finding]]:
    """Backups or a snapshot kept for the minimum; -1 keeps it for ever (Redshift's snapshots)."""

    def check(resource: Resource, settings: Settings) -> list[Finding]:
        value = as_number(value_at(resource.props, path))
        if value == -1 or (value is None and default == -1):
            return []
        return _retention(resource, path, settings.minimum_backup_retention_days, default)

    return check


def _dsql(resource: Resource, settings: Settings) -> list[Finding]:
    return [
        *_must_be_true(resource, "deletionProtectionEnabled", "set deletionProtectionEnabled to true."),
        *_must_not_be_true(resource, "forceDestroy", "set forceDestroy to false."),
    ]


def _keyspaces(resource: Resource, settings: Settings) -> list[Finding]:
    status = value_at(resource.props, "pointInTimeRecovery.status")
    if status == "ENABLED":
        return []
    shown = "unknown at preview" if isinstance(status, Unknown) else "not set" if status is None else status
    return [(f"pointInTimeRecovery.status is {shown}", 'set pointInTimeRecovery.status to "ENABLED".')]


def _log_group_expiry(resource: Resource, settings: Settings) -> list[Finding]:
    """A log group deletes its events after `retentionInDays` (0 or unset: never); the DELIVERY class keeps
    them 2 days, whatever `retentionInDays` says (CloudWatch Logs forces it)."""
    minimum = settings.minimum_backup_retention_days
    fix = (
        f"keep its events for at least {minimum} days (retentionInDays of {minimum} or more, or 0 to keep "
        "them for ever, in the STANDARD or INFREQUENT_ACCESS class)."
    )
    group_class = value_at(resource.props, "logGroupClass")
    if isinstance(group_class, Unknown):
        return [("its logGroupClass is unknown at preview (the DELIVERY class keeps events 2 days)", fix)]
    if group_class == "DELIVERY" and minimum > DELIVERY_CLASS_DAYS:
        return [
            (
                f"its logGroupClass is DELIVERY, whose events CloudWatch Logs deletes after "
                f"{DELIVERY_CLASS_DAYS} days whatever retentionInDays says, below the minimum of {minimum} "
                "days",
                fix,
            )
        ]
    return _expires(as_number(value_at(resource.props, "retentionInDays")), "retentionInDays", minimum, fix)


DELIVERY_CLASS_DAYS = 2
"""How long CloudWatch Logs keeps the events of a log group of the DELIVERY class (a forced retention)."""
TIMESTREAM_DEFAULTS = (6, 73000)
"""A Timestream table's memory store hours and magnetic store days when it sets no `retentionProperties`."""


def _expires(days: float | Unknown | None, path: str, minimum: int, fix: str) -> list[Finding]:
    """What a holder loses when it deletes what it holds after `days` (None or 0: it keeps it for ever)."""
    if isinstance(days, Unknown):
        return [
            (
                f"its {path} is unknown at preview, so it cannot be shown to keep what it holds for the "
                f"minimum of {minimum} days",
                fix,
            )
        ]
    if days is None or days == 0 or days >= minimum:
        return []
    return [
        (
            f"it deletes what it holds {days:g} days after it arrives ({path}), below the minimum of "
            f"{minimum} days, so nothing of it can be restored after that",
            fix,
        )
    ]


def _timestream_expiry(resource: Resource, settings: Settings) -> list[Finding]:
    """A Timestream table deletes a record once it is older than both its stores keep it: the memory store
    for `memoryStoreRetentionPeriodInHours`, then the magnetic store until its age reaches
    `magneticStoreRetentionPeriodInDays` (ages are the records' timestamps)."""
    minimum = settings.minimum_backup_retention_days
    fix = (
        f"keep records for at least {minimum} days (retentionProperties.magneticStoreRetentionPeriodInDays)."
    )
    retention = value_at(resource.props, "retentionProperties")
    if retention is None:
        return []
    hours = as_number(child(retention, "memoryStoreRetentionPeriodInHours"))
    days = as_number(child(retention, "magneticStoreRetentionPeriodInDays"))
    if isinstance(retention, Unknown) or isinstance(hours, Unknown) or isinstance(days, Unknown):
        return _expires(UNKNOWN, "retentionProperties", minimum, fix)
    kept = max(
        (hours if hours is not None else TIMESTREAM_DEFAULTS[0]) / 24,
        days if days is not None else TIMESTREAM_DEFAULTS[1],
    )
    return _expires(kept, "retentionProperties, memory and magnetic stores", minimum, fix)


def _keyspaces_expiry(resource: Resource, settings: Settings) -> list[Finding]:
    """A Keyspaces table's `defaultTimeToLive` (seconds; 0 or unset: rows do not expire) expires every row
    that long after its last write; point-in-time recovery restores rows with their expiry, so an expired
    row stays lost. A TTL a write sets itself (`USING TTL`) is the application's, as its deletes are."""
    minimum = settings.minimum_backup_retention_days
    seconds = as_number(value_at(resource.props, "defaultTimeToLive"))
    days = seconds if isinstance(seconds, Unknown) or seconds is None else seconds / 86400
    fix = (
        f"set defaultTimeToLive to 0 (rows do not expire) or at least {minimum * 86400} seconds ({minimum} "
        "days)."
    )
    return _expires(days, "defaultTimeToLive", minimum, fix)


EXPIRY: dict[str, Callable[[Resource, Settings], list[Finding]]] = {
    "aws:cloudwatch/logGroup:LogGroup": _log_group_expiry,
    "aws:timestreamwrite/table:Table": _timestream_expiry,
    "aws:keyspaces/table:Table": _keyspaces_expiry,
}
"""Holders that delete what they hold after a period they are configured with: a protected one must keep
it for at least the minimum (decision, blind spot 1 of issue #8; log groups are judged on this alone)."""


def _cache_cluster(resource: Resource, settings: Settings) -> list[Finding]:
    """A Redis or Valkey cluster outside a replication group keeps snapshots of its own; Memcached keeps its
    data in memory only (a cache, nothing to restore), and a member of a group is judged as its group."""
    engine = value_at(resource.props, "engine")
    if engine == "memcached" or is_set(value_at(resource.props, "replicationGroupId")):
        return []
    return _replication_group(resource, settings)


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
    "aws:backup/vault:Vault": no_force_destroy,
    "aws:secretsmanager/secret:Secret": _secret,
    "aws:cognito/userPool:UserPool": _cognito,
    "aws:lightsail/database:Database": _lightsail_database,
    "aws:fsx/lustreFileSystem:LustreFileSystem": _fsx,
    "aws:fsx/windowsFileSystem:WindowsFileSystem": _fsx,
    "aws:fsx/openZfsFileSystem:OpenZfsFileSystem": _fsx,
    "aws:fsx/ontapFileSystem:OntapFileSystem": _fsx,
    "aws:ec2/instance:Instance": _instance,
    "aws:neptunegraph/graph:Graph": lambda r, s: _must_be_true(
        r, "deletionProtection", "turn on deletionProtection."
    ),
    "aws:dynamodb/tableReplica:TableReplica": lambda r, s: _must_be_true(
        r, "deletionProtectionEnabled", "set deletionProtectionEnabled to true."
    ),
    # QLDB's deletion protection is on unless turned off.
    "aws:qldb/ledger:Ledger": lambda r, s: _must_not_be_false(
        r, "deletionProtection", "leave deletionProtection on (true, its default)."
    ),
    "aws:dsql/cluster:Cluster": _dsql,
    "aws:keyspaces/table:Table": _keyspaces,
    # An elastic cluster keeps automated snapshots 1 day unless told otherwise.
    "aws:docdb/elasticCluster:ElasticCluster": _kept_days("backupRetentionPeriod", 1),
    "aws:elasticache/cluster:Cluster": _cache_cluster,
    "aws:odb/autonomousDatabase:AutonomousDatabase": _kept_days("backupRetentionPeriodInDays"),
    # A manual snapshot is kept for ever (-1) unless it says otherwise.
    "aws:redshift/clusterSnapshot:ClusterSnapshot": _kept_days("manualSnapshotRetentionPeriod", -1),
    "aws:redshiftserverless/snapshot:Snapshot": _kept_days("retentionPeriod", -1),
    "aws:fsx/ontapVolume:OntapVolume": lambda r, s: _must_not_be_true(
        r, "skipFinalBackup", "set skipFinalBackup to false."
    ),
    "aws:ecr/repository:Repository": _forced("forceDelete"),
    "aws:ecrpublic/repository:Repository": _forced("forceDestroy"),
    "aws:lightsail/bucket:Bucket": _forced("forceDelete"),
    "aws:s3/directoryBucket:DirectoryBucket": _forced("forceDestroy"),
    "aws:s3tables/tableBucket:TableBucket": _forced("forceDestroy"),
    "aws:s3/vectorsVectorBucket:VectorsVectorBucket": _forced("forceDestroy"),
}
"""Type-specific guards against data loss, beyond `protect=True` which every protected store needs."""
