"""Rule 7, pii-no-data-loss: a PII store cannot be deleted by accident and can be restored.

Every protected store (declared, or holding PII through lineage) must be declared with `protect=True`; by
type it must also have deletion protection, keep a final snapshot, and keep automated backups (or
point-in-time recovery, versioning whose noncurrent versions outlive the minimum, a backup policy or an
AWS Backup selection) for at least the configured number of days. The KMS key that encrypts a protected store
is part of it: deleting the key destroys the store, its snapshots and its backups at once, so the key too
must be protected and keep the longest deletion window.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from residency_facts import Category
from residency_facts.mechanisms import DELETION_KEEPS_VALUE, LOG_EXPORTS
from residency_facts.operators import OPERATOR_VOLUME_CLAIMS

from .attributes import effective_tags
from .classification import claim_specs, held, holds_ephemeral_volumes, protected_stores, storage_classes
from .durability_guards import BY_TYPE, EXPIRY, Finding, no_force_destroy
from .encryption import LOG_GROUP
from .lineage import KMS_KEY_TYPES, Lineage
from .locations import mechanism_key
from .model import Resource, Stack
from .node_volumes import EMPTY_DIR, ephemeral_data_volumes, node_data_volumes
from .settings import Settings
from .values import (
    UNKNOWN,
    Unknown,
    as_bool,
    as_number,
    child,
    is_set,
    known_strings,
    value_at,
    values_at,
)
from .violations import Violation, violation
from .volumes import BOUND, bound_volumes

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
BACKUP_SELECTION = "aws:backup/selection:Selection"
BACKUP_PLAN = "aws:backup/plan:Plan"
BACKUP_VAULT = "aws:backup/vault:Vault"
VAULT_LOCK = "aws:backup/vaultLockConfiguration:VaultLockConfiguration"
BUCKET_LIFECYCLES = (
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
)
STORAGE_CLASS = "kubernetes:storage.k8s.io/v1:StorageClass"
IMPORTED_MATERIAL_KEY_TYPES = frozenset(
    {"aws:kms/externalKey:ExternalKey", "aws:kms/replicaExternalKey:ReplicaExternalKey"}
)
"""KMS keys whose material is imported (origin EXTERNAL): it may be given an expiry (`validTo`)."""
KEY_DELETION_WINDOW_DAYS = 30
"""The longest waiting period AWS KMS allows before it deletes a key (and the default)."""
PERSISTENT_VOLUME_CLAIM = "kubernetes:core/v1:PersistentVolumeClaim"

TRANSIENT = frozenset(
    {
        "aws:cloudwatch/logGroup:LogGroup",
        # An archive keeps its bus's events for `retentionDays`, to replay them, as a log group keeps logs.
        "aws:cloudwatch/eventArchive:EventArchive",
        "aws:sqs/queue:Queue",
        "aws:kinesis/stream:Stream",
        "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
        "aws:dax/cluster:Cluster",
        "aws:appsync/apiCache:ApiCache",
        "aws:kms/ciphertext:Ciphertext",
        # A DMS replication instance holds only what its tasks move, in flight; the store is the source.
        "aws:dms/replicationInstance:ReplicationInstance",
    }
)
"""Types whose data expires by design (logs, queues, streams) or that hold a copy of a store kept elsewhere
(caches): they are not records to keep, and the rule leaves them out."""


def check(stack: Stack, settings: Settings) -> list[Violation]:
    """Violations of pii-no-data-loss in a stack."""
    found: list[Violation] = []
    lineage = Lineage.of(stack, settings)
    judged: set[str] = set()
    exported: list[tuple[Resource, str]] = []
    for resource, protected in protected_stores(stack, settings, lineage):
        kinds = held(lineage, resource, protected)
        exported.extend(
            (group, f"the {log} log of {resource.label}") for group, log in _exports(resource, stack)
        )
        if resource.type in TRANSIENT and resource.type in EXPIRY:
            # A log group is kept for what it holds only as long as its retention says (decision, issue #8).
            judged.add(resource.urn)
            for problem, fix in EXPIRY[resource.type](resource, settings):
                found.append(_violation(resource, kinds, problem, fix, settings))
            continue
        if resource.type in TRANSIENT or resource.type in DELETION_KEEPS_VALUE or _only_ephemeral(resource):
            # A secret's version keeps nothing its secret loses with it: the secret is judged.
            continue
        for problem, fix in problems(resource, stack, settings):
            found.append(_violation(resource, kinds, problem, fix, settings))
    for group, what in exported:
        if group.urn in judged:
            continue
        judged.add(group.urn)
        for problem, fix in EXPIRY[LOG_GROUP](group, settings):
            found.append(
                _violation(
                    group, f"{what} (its statements, with the values they carry)", problem, fix, settings
                )
            )
    for key in stack.of_type(*KMS_KEY_TYPES):
        protects = _protected_by(key, lineage, settings)
        if protects:
            for problem, fix in _key_problems(key, settings):
                found.append(_violation(key, f"the key of {protects}", problem, fix, settings))
    return found


def _exports(store: Resource, stack: Stack) -> list[tuple[Resource, str]]:
    """The stack's log groups a protected store exports its logs into (`enabledCloudwatchLogsExports`, by the
    name the service gives them), whatever their own label: each with the log's name."""
    spec = LOG_EXPORTS.get(store.type)
    name = value_at(store.props, spec[0]) if spec is not None else None
    if spec is None or not isinstance(name, str):
        return []
    found: list[tuple[Resource, str]] = []
    for log in known_strings(values_at(store.props, "enabledCloudwatchLogsExports")):
        wanted = spec[1].format(name=name, log=log)
        found.extend(
            (group, log) for group in stack.of_type(LOG_GROUP) if child(group.props, "name") == wanted
        )
    return found


def _only_ephemeral(resource: Resource) -> bool:
    """A workload that holds data only in its pods' generic ephemeral volumes, which Kubernetes deletes with
    each pod by design (scratch space, like a cache): nothing there is meant to be kept, unless a database
    keeps its data directory there (`ephemeral_data_volumes`)."""
    return (
        holds_ephemeral_volumes(resource)
        and not resource.is_a(Category.HOLDS)
        and not node_data_volumes(resource)
        and not ephemeral_data_volumes(resource)
    )


def _protected_by(key: Resource, lineage: Lineage, settings: Settings) -> str:
    """The protected stores a key encrypts, in words (empty when it encrypts none)."""
    stores = []
    for user in lineage.key_users(key):
        protected = lineage.effective(user) & settings.protected_classifications
        if protected and user.type not in KMS_KEY_TYPES:
            stores.append(f"{user.label} ({', '.join(sorted(protected))})")
    return ", ".join(sorted(set(stores)))


def _key_problems(key: Resource, settings: Settings) -> list[Finding]:
    """What lets a key be deleted, which destroys every byte it encrypts (backups and snapshots included)."""
    found: list[Finding] = []
    if settings.require_protect and not key.protect:
        found.append(
            (
                "it is not declared with protect=True, so a replacement or `pulumi destroy` schedules its "
                "deletion",
                "pass ResourceOptions(protect=True) on the key.",
            )
        )
    expires = value_at(key.props, "validTo") if key.type in IMPORTED_MATERIAL_KEY_TYPES else None
    if is_set(expires):
        shown = "unknown at preview" if isinstance(expires, Unknown) else str(expires)
        found.append(
            (
                f"its imported key material expires (validTo is {shown}): KMS then deletes the material, and "
                "every store, snapshot and backup under the key stays unreadable until the same material is "
                "imported again, which only its holder outside AWS can do",
                "leave validTo unset (the material then never expires), keep the key material in escrow, and "
                "rotate by importing new material on a schedule rather than letting it lapse.",
            )
        )
    enabled = as_bool(value_at(key.props, "isEnabled"))
    if enabled is False or isinstance(enabled, Unknown):
        shown = "unknown at preview" if isinstance(enabled, Unknown) else "false"
        found.append(
            (
                f"its isEnabled is {shown}: nothing under a disabled key can be read, and RDS puts a "
                "database whose key stays unavailable into a state it can only be restored from",
                "leave isEnabled true (its default).",
            )
        )
    window = as_number(value_at(key.props, "deletionWindowInDays"))
    if window is not None and (isinstance(window, Unknown) or window < KEY_DELETION_WINDOW_DAYS):
        shown = "unknown at preview" if isinstance(window, Unknown) else f"{window:g} days"
        found.append(
            (
                f"its deletionWindowInDays is {shown}, shorter than the {KEY_DELETION_WINDOW_DAYS} days AWS "
                "allows at most to notice and cancel a scheduled deletion",
                f"set deletionWindowInDays to {KEY_DELETION_WINDOW_DAYS} (or leave it unset, the default).",
            )
        )
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
    expiry = EXPIRY.get(resource.type)
    if expiry is not None:
        found.extend(expiry(resource, settings))
    if resource.type in S3_BUCKETS:
        found.extend(_bucket(resource, stack, settings))
    if resource.type == "aws:efs/fileSystem:FileSystem":
        found.extend(_file_system(resource, stack, settings))
    if resource.type.startswith("kubernetes:") and (
        resource.type.endswith((":StatefulSet", ":PersistentVolume"))
        or "PersistentVolumeClaim" in resource.type
        # An operator's database cluster keeps its data on the claims it creates from its spec.
        or mechanism_key(resource.type) in OPERATOR_VOLUME_CLAIMS
    ):
        found.extend(_volume_claims(resource, stack))
    if resource.type.startswith("kubernetes:snapshot.storage.k8s.io/"):
        found.extend(_volume_snapshot(resource, stack))
    found.extend(_node_data(resource))
    return found


def _node_data(resource: Resource) -> list[Finding]:
    """A hostPath volume a workload keeps its data in is lost with its node (decision, reviewer blind-k8s14
    a16): a managed node group replaces its nodes on every upgrade, Karpenter on drift or expiry, and nothing
    of Kubernetes keeps or backs up a node's directory, whatever the workload's protect or reclaim policy.
    A database's data directory on an emptyDir or a generic ephemeral volume is lost with its pod
    (decision, reviewer blind-k8s15 k21): Kubernetes deletes both with the pod."""
    fix = (
        "keep the data on a PersistentVolumeClaim (a volumeClaimTemplate) of an EBS StorageClass with "
        "reclaimPolicy Retain and the stack's KMS key."
    )
    found: list[Finding] = []
    for volume in node_data_volumes(resource):
        what = volume.why.split(",")[0]
        if volume.source == EMPTY_DIR:
            where = "in the node's memory (medium Memory)" if volume.in_memory else "on the node's disk"
            found.append(
                (
                    f"its volume {volume.volume!r} keeps {what} in an emptyDir ({where}), and Kubernetes "
                    "deletes it with the pod: on every reschedule, eviction, drain or node replacement",
                    fix,
                )
            )
        else:
            found.append(
                (
                    f"its volume {volume.volume!r} keeps {what} on the node's disk (hostPath {volume.path}), "
                    "which is lost when the node is replaced or deleted",
                    fix,
                )
            )
    for name, image in ephemeral_data_volumes(resource):
        found.append(
            (
                f"its volume {name!r} keeps the data directory of the database {image} in a generic "
                "ephemeral volume, and Kubernetes deletes its claim with the pod: every new pod starts on an "
                "empty volume",
                fix,
            )
        )
    return found


VOLUME_SNAPSHOT_CLASS_ANNOTATION = "snapshot.storage.kubernetes.io/is-default-class"


def _volume_snapshot(snapshot: Resource, stack: Stack) -> list[Finding]:
    """A CSI snapshot's deletion policy (a content object's own, a snapshot's VolumeSnapshotClass's) says
    whether deleting the Kubernetes object deletes the EBS snapshot too.

    A snapshot class the stack does not declare is not judged: the snapshot is a copy of a claim that is
    judged itself, and the class's policy cannot be read.
    """
    fix = "set deletionPolicy to Retain."
    if snapshot.type.endswith(":VolumeSnapshotContent"):
        policy = value_at(snapshot.props, "spec.deletionPolicy")
        if policy == "Retain":
            return []
        return [(f"its spec.deletionPolicy is {_shown(policy)}, so deleting it deletes the snapshot", fix)]
    if not snapshot.type.endswith(":VolumeSnapshot"):
        return []
    name = value_at(snapshot.props, "spec.volumeSnapshotClassName")
    classes = [
        c
        for c in stack.resources
        if c.type.startswith("kubernetes:snapshot.storage.k8s.io/")
        and c.type.endswith(":VolumeSnapshotClass")
        and c.provider_urn == snapshot.provider_urn
    ]
    if isinstance(name, str):
        matching = [c for c in classes if value_at(c.props, "metadata.name") == name]
    elif isinstance(name, Unknown):
        matching = [c for c in stack.dependencies(snapshot, "spec") if c in classes]
    else:
        matching = [
            c
            for c in classes
            if str(child(value_at(c.props, "metadata.annotations"), VOLUME_SNAPSHOT_CLASS_ANNOTATION)).lower()
            == "true"
        ]
    return [
        (
            f"{c.label} has deletionPolicy {_shown(child(c.props, 'deletionPolicy'))}, so deleting the "
            "VolumeSnapshot deletes the snapshot",
            f"set {c.label}'s deletionPolicy to Retain.",
        )
        for c in matching
        if child(c.props, "deletionPolicy") != "Retain"
    ]


def _shown(value: object) -> str:
    return "unknown at preview" if isinstance(value, Unknown) else "not set" if value is None else str(value)


def _bucket(bucket: Resource, stack: Stack, settings: Settings) -> list[Finding]:
    found = no_force_destroy(bucket, settings)
    statuses = [
        value_at(v.props, "versioningConfiguration.status")
        for v in stack.of_type(*BUCKET_VERSIONING)
        if stack.refers_to(v, "bucket", bucket)
    ]
    statuses += ["Enabled" for v in values_at(bucket.props, "versioning.enabled") if as_bool(v) is True]
    statuses += ["Enabled" for v in values_at(bucket.props, "versionings[].enabled") if as_bool(v) is True]
    if "Enabled" not in statuses:
        found.append(("versioning is not enabled", "add an aws.s3.BucketVersioning with status Enabled."))
    minimum = settings.minimum_backup_retention_days
    # The deprecated inline rules (`lifecycleRules`, `enabled` and `noncurrentVersionExpiration.days`).
    for rule in values_at(bucket.props, "lifecycleRules"):
        if as_bool(child(rule, "enabled")) is False:
            continue
        days = as_number(value_at(rule, "noncurrentVersionExpiration.days"))
        if isinstance(days, Unknown) or (days is not None and days < minimum):
            shown = "an unknown number of" if isinstance(days, Unknown) else f"{days:g}"
            found.append(
                (
                    f"its lifecycleRules expire noncurrent versions after {shown} days, below the minimum of "
                    f"{minimum} days, so an overwritten or deleted object cannot be restored",
                    f"keep noncurrent versions for at least {minimum} days (noncurrentVersionExpiration"
                    ".days).",
                )
            )
    for lifecycle in stack.of_type(*BUCKET_LIFECYCLES):
        if not stack.refers_to(lifecycle, "bucket", bucket):
            continue
        for rule in values_at(lifecycle.props, "rules"):
            if child(rule, "status") not in ("Enabled", UNKNOWN) and not isinstance(
                child(rule, "status"), Unknown
            ):
                continue
            days = as_number(value_at(rule, "noncurrentVersionExpiration.noncurrentDays"))
            if isinstance(days, Unknown) or (days is not None and days < minimum):
                shown = "an unknown number of" if isinstance(days, Unknown) else f"{days:g}"
                found.append(
                    (
                        f"{lifecycle.label} expires noncurrent versions after {shown} days, below the "
                        f"minimum of {minimum} days, so an overwritten or deleted object cannot be restored",
                        f"keep noncurrent versions for at least {minimum} days (noncurrentDays).",
                    )
                )
    return found


def _file_system(file_system: Resource, stack: Stack, settings: Settings) -> list[Finding]:
    policies = [
        p for p in stack.of_type(EFS_BACKUP_POLICY) if stack.refers_to(p, "fileSystemId", file_system)
    ]
    if any(value_at(p.props, "backupPolicy.status") == "ENABLED" for p in policies):
        return []
    selections = _selections_of(file_system, stack)
    short = [why for why in (_plan_retention(s, stack, settings) for s in selections) if why]
    if len(short) < len(selections):
        return []
    fix = "add an aws.efs.BackupPolicy with status ENABLED, or an aws.backup.Selection that selects it."
    if short:
        return [
            (
                f"its only AWS Backup selections keep too little: {'; '.join(short)}",
                f"keep its recovery points for at least {settings.minimum_backup_retention_days} days "
                "(the plan rules' lifecycle.deleteAfter), or " + fix[0].lower() + fix[1:],
            )
        ]
    return [("automatic backups are off", fix)]


def _selections_of(store: Resource, stack: Stack) -> list[Resource]:
    """The AWS Backup selections of the stack that assign the store to a plan (by reference, `*` or tag)."""
    tags = effective_tags(store)
    found = []
    for selection in stack.of_type(BACKUP_SELECTION):
        if stack.refers_to(selection, "notResources", store):
            continue  # Excluded, whatever else selects it.
        if stack.refers_to(selection, "resources", store) or "*" in values_at(selection.props, "resources"):
            found.append(selection)
            continue
        for condition in values_at(selection.props, "selectionTags"):
            key, value = child(condition, "key"), child(condition, "value")
            if isinstance(tags, Mapping) and isinstance(key, str) and tags.get(key) == value:
                found.append(selection)
                break
    return found


def _plan_retention(selection: Resource, stack: Stack, settings: Settings) -> str:
    """Why a selection's plan does not keep recovery points for the minimum, in words (empty when it does).

    A selection only assigns resources to a plan; how long the backups last is each plan rule's
    `lifecycle.deleteAfter` (no lifecycle: kept until deleted by hand). The plan keeps enough when one of its
    rules does; a plan the stack does not declare cannot be shown to keep anything.
    """
    minimum = settings.minimum_backup_retention_days
    plans = [plan for plan in stack.of_type(BACKUP_PLAN) if stack.refers_to(selection, "planId", plan)]
    if not plans:
        return f"{selection.label}'s plan is not in this stack, so its retention cannot be shown"
    kept: list[str] = []
    for plan in plans:
        for rule in values_at(plan.props, "rules"):
            days = as_number(value_at(rule, "lifecycle.deleteAfter"))
            refused = _locked_out(plan, rule, days, stack)
            if refused:
                kept.append(f"{plan.label} rule {child(rule, 'ruleName')} nothing ({refused})")
                continue
            if days is None:
                return ""
            if isinstance(days, Unknown):
                kept.append(f"{plan.label} rule {child(rule, 'ruleName')} an unknown number of days")
            elif days >= minimum:
                return ""
            else:
                kept.append(f"{plan.label} rule {child(rule, 'ruleName')} {days:g} days")
    if not kept:
        return f"{selection.label}'s plan has no rule, so it takes no backup"
    return f"{selection.label}'s plan keeps recovery points for {', '.join(kept)}, below {minimum} days"


def _locked_out(plan: Resource, rule: Any, days: Any, stack: Stack) -> str:
    """Why a vault lock makes a plan rule's backups fail, in words (empty when none does): AWS Backup fails a
    backup whose retention lies outside its target vault's lock (`minRetentionDays`, `maxRetentionDays`; no
    `deleteAfter` is kept for ever, above any maximum)."""
    target = child(rule, "targetVaultName")
    vaults = [
        v
        for v in stack.dependencies(plan, "rules")
        if v.type == BACKUP_VAULT and (not isinstance(target, str) or target in v.identities)
    ] or [v for name in known_strings([target]) for v in stack.named(name) if v.type == BACKUP_VAULT]
    for lock in stack.of_type(VAULT_LOCK):
        if not any(stack.refers_to(lock, "backupVaultName", vault) for vault in vaults):
            continue
        most = as_number(value_at(lock.props, "maxRetentionDays"))
        least = as_number(value_at(lock.props, "minRetentionDays"))
        if isinstance(days, Unknown):
            continue
        if isinstance(most, (int, float)) and (days is None or days > most):
            return f"{lock.label} allows at most {most:g} days, so every backup fails"
        if isinstance(least, (int, float)) and days is not None and days < least:
            return f"{lock.label} requires at least {least:g} days, so every backup fails"
    return ""


def _volume_claims(resource: Resource, stack: Stack) -> list[Finding]:
    """Kubernetes volumes survive their claim only when their StorageClass retains them."""
    found: list[Finding] = []
    if resource.type.endswith(":StatefulSet"):
        when_deleted = value_at(resource.props, "spec.persistentVolumeClaimRetentionPolicy.whenDeleted")
        if when_deleted == "Delete" or isinstance(when_deleted, Unknown):
            found.append(
                (
                    "its persistentVolumeClaimRetentionPolicy deletes the volumes with the StatefulSet",
                    "set whenDeleted to Retain.",
                )
            )
    if resource.type.endswith(":PersistentVolume"):
        return _reclaimed([resource])
    for spec in claim_specs(resource):
        volumes, how = bound_volumes(spec, resource, stack)
        found.extend(_reclaimed(volumes))
        if how == BOUND and volumes:
            continue  # A claim bound to the stack's volumes keeps what they keep.
        matching, _ = storage_classes(spec, resource, stack)
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


def _reclaimed(volumes: list[Resource]) -> list[Finding]:
    """PersistentVolumes that delete (or scrub) their bytes when their claim is released: a volume created
    by hand is retained unless its `persistentVolumeReclaimPolicy` says otherwise."""
    found: list[Finding] = []
    for volume in volumes:
        policy = value_at(volume.props, "spec.persistentVolumeReclaimPolicy")
        if policy is None or policy == "Retain":
            continue
        shown = "unknown at preview" if isinstance(policy, Unknown) else policy
        found.append(
            (
                f"{volume.label} has persistentVolumeReclaimPolicy {shown}, which deletes its bytes when its "
                "claim is released",
                "set persistentVolumeReclaimPolicy to Retain.",
            )
        )
    return found


def _violation(resource: Resource, kinds: str, problem: str, fix: str, settings: Settings) -> Violation:
    return violation(
        resource,
        f"{kinds} can be lost: {problem}",
        f"personal data under {settings.law} must stay available and restorable in its region; an accidental "
        "delete or replacement would destroy it, and restoring from another region is not allowed.",
        fix,
    )
