"""Rule 5, pii-encryption: PII at rest is encrypted with a customer-managed, single-region, in-region key.

A key is verified by lineage to the KMS key the stack declares (not multi-region, in the store's region), or
by its literal ARN (its region, and no `mrk-` multi-region id). An AWS-managed key (`alias/aws/...`), a key
replica, a key in another region and a key that cannot be traced are all violations for PII.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .attributes import STATEFUL_SET, effective_region, parse_arn
from .classification import protected_stores
from .lineage import KMS_KEY_TYPES
from .model import Resource, Stack
from .settings import Settings
from .values import Unknown, as_bool, child, elements, is_set, value_at, values_at
from .violations import Violation, violation

NAME = "pii-encryption"
DESCRIPTION = (
    "PII at rest is encrypted with a customer-managed, single-region KMS key in the same region as the data."
)

KMS_ALIAS = "aws:kms/alias:Alias"
STORAGE_CLASS = "kubernetes:storage.k8s.io/v1:StorageClass"
PERSISTENT_VOLUME_CLAIM = "kubernetes:core/v1:PersistentVolumeClaim"
S3_BUCKETS = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2", "aws:s3/directoryBucket:DirectoryBucket")
S3_ENCRYPTION_CONFIGURATIONS = (
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
)
KMS_ALGORITHMS = ("aws:kms", "aws:kms:dsse")

INHERITED = frozenset(
    {
        "aws:rds/snapshot:Snapshot",
        "aws:rds/clusterSnapshot:ClusterSnapshot",
        "aws:ebs/snapshot:Snapshot",
        "aws:ebs/volumeCopy:VolumeCopy",
    }
)
"""Types encrypted exactly as their source, which the rule checks in its place."""


@dataclass(frozen=True)
class AtRest:
    """How a resource type turns on encryption at rest, and which inputs name its keys."""

    enabled: tuple[tuple[str, Any], ...] = ()
    """(path, value) pairs that must all hold."""
    keys: tuple[str, ...] = ()
    """Paths of keys that must be customer-managed, single-region and in-region."""
    keys_when: tuple[tuple[str, str], ...] = ()
    """(condition path, key path): the key is required when the condition is set."""


_DATABASE = AtRest(
    enabled=(("storageEncrypted", True),),
    keys=("kmsKeyId",),
    keys_when=(
        ("performanceInsightsEnabled", "performanceInsightsKmsKeyId"),
        ("manageMasterUserPassword", "masterUserSecretKmsKeyId"),
    ),
)

AT_REST: dict[str, AtRest] = {
    "aws:rds/instance:Instance": _DATABASE,
    "aws:rds/cluster:Cluster": _DATABASE,
    "aws:docdb/cluster:Cluster": AtRest(enabled=(("storageEncrypted", True),), keys=("kmsKeyId",)),
    "aws:neptune/cluster:Cluster": AtRest(enabled=(("storageEncrypted", True),), keys=("kmsKeyArn",)),
    "aws:redshift/cluster:Cluster": AtRest(enabled=(("encrypted", True),), keys=("kmsKeyId",)),
    "aws:ebs/volume:Volume": AtRest(enabled=(("encrypted", True),), keys=("kmsKeyId",)),
    "aws:ebs/snapshotCopy:SnapshotCopy": AtRest(enabled=(("encrypted", True),), keys=("kmsKeyId",)),
    "aws:efs/fileSystem:FileSystem": AtRest(enabled=(("encrypted", True),), keys=("kmsKeyId",)),
    "aws:dynamodb/table:Table": AtRest(
        enabled=(("serverSideEncryption.enabled", True),), keys=("serverSideEncryption.kmsKeyArn",)
    ),
    "aws:dynamodb/tableReplica:TableReplica": AtRest(keys=("kmsKeyArn",)),
    "aws:elasticache/replicationGroup:ReplicationGroup": AtRest(
        enabled=(("atRestEncryptionEnabled", True),), keys=("kmsKeyId",)
    ),
    "aws:elasticache/serverlessCache:ServerlessCache": AtRest(keys=("kmsKeyId",)),
    "aws:memorydb/cluster:Cluster": AtRest(keys=("kmsKeyArn",)),
    "aws:opensearch/domain:Domain": AtRest(
        enabled=(("encryptAtRest.enabled", True),), keys=("encryptAtRest.kmsKeyId",)
    ),
    "aws:elasticsearch/domain:Domain": AtRest(
        enabled=(("encryptAtRest.enabled", True),), keys=("encryptAtRest.kmsKeyId",)
    ),
    "aws:kinesis/stream:Stream": AtRest(enabled=(("encryptionType", "KMS"),), keys=("kmsKeyId",)),
    "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": AtRest(
        enabled=(
            ("serverSideEncryption.enabled", True),
            ("serverSideEncryption.keyType", "CUSTOMER_MANAGED_CMK"),
        ),
        keys=("serverSideEncryption.keyArn",),
    ),
    "aws:secretsmanager/secret:Secret": AtRest(keys=("kmsKeyId",)),
    "aws:backup/vault:Vault": AtRest(keys=("kmsKeyArn",)),
    "aws:sqs/queue:Queue": AtRest(keys=("kmsMasterKeyId",)),
    "aws:cloudwatch/logGroup:LogGroup": AtRest(keys=("kmsKeyId",)),
    "aws:rds/snapshotCopy:SnapshotCopy": AtRest(keys=("kmsKeyId",)),
    "aws:rds/clusterSnapshotCopy:ClusterSnapshotCopy": AtRest(keys=("kmsKeyId",)),
    "aws:msk/cluster:Cluster": AtRest(keys=("encryptionInfo.encryptionAtRestKmsKeyArn",)),
    "aws:dsql/cluster:Cluster": AtRest(keys=("kmsEncryptionKey",)),
    "aws:docdb/elasticCluster:ElasticCluster": AtRest(keys=("kmsKeyId",)),
    "aws:redshiftserverless/namespace:Namespace": AtRest(keys=("kmsKeyId",)),
    "aws:keyspaces/table:Table": AtRest(
        enabled=(("encryptionSpecification.type", "CUSTOMER_MANAGED_KMS_KEY"),),
        keys=("encryptionSpecification.kmsKeyIdentifier",),
    ),
    "aws:fsx/lustreFileSystem:LustreFileSystem": AtRest(keys=("kmsKeyId",)),
    "aws:fsx/ontapFileSystem:OntapFileSystem": AtRest(keys=("kmsKeyId",)),
    "aws:fsx/openZfsFileSystem:OpenZfsFileSystem": AtRest(keys=("kmsKeyId",)),
    "aws:fsx/windowsFileSystem:WindowsFileSystem": AtRest(keys=("kmsKeyId",)),
}
"""Encryption at rest of every AWS data-holding type that offers a customer-managed key, in wire names."""


def check(stack: Stack, settings: Settings) -> list[Violation]:
    """Violations of pii-encryption in a stack."""
    found: list[Violation] = []
    for resource, protected in protected_stores(stack, settings):
        if resource.type in INHERITED:
            continue
        for problem in problems(resource, stack):
            found.append(_violation(resource, problem, protected, settings))
    return found


def problems(resource: Resource, stack: Stack) -> list[str]:
    """Why the resource is not encrypted with a customer-managed, single-region key in its own region."""
    region = effective_region(resource, stack)
    if resource.type in S3_BUCKETS:
        return _bucket_problems(resource, stack, region)
    if resource.type in (PERSISTENT_VOLUME_CLAIM, STATEFUL_SET):
        return _volume_claim_problems(resource, stack)
    spec = AT_REST.get(resource.type)
    if spec is None:
        return ["the pack does not know how this type is encrypted with a customer-managed key"]
    found = []
    for path, wanted in spec.enabled:
        value = value_at(resource.props, path)
        actual = as_bool(value) if isinstance(wanted, bool) else value
        if actual != wanted:
            shown = "unknown at preview" if isinstance(value, Unknown) else repr(value)
            found.append(f"encryption at rest is not on ({path} is {shown}, must be {wanted!r})")
    paths = list(spec.keys) + [
        key for condition, key in spec.keys_when if is_set(value_at(resource.props, condition))
    ]
    for path in paths:
        found.extend(f"{path}: {problem}" for problem in key_problems(stack, resource, path, region))
    return found


def key_problems(stack: Stack, resource: Resource, path: str, region: Any) -> list[str]:
    """Why the key an input names is not customer-managed, single-region and in `region` (empty if it is)."""
    keys = [d for d in stack.dependencies(resource, path) if d.type in KMS_KEY_TYPES or d.type == KMS_ALIAS]
    if keys:
        return [problem for key in keys for problem in _key_resource_problems(stack, key, region, set())]
    return _literal_key_problems(stack, value_at(resource.props, path), region)


def _key_resource_problems(stack: Stack, key: Resource, region: Any, seen: set[str]) -> list[str]:
    if key.urn in seen:
        return []
    seen.add(key.urn)
    if key.type == KMS_ALIAS:
        targets = [d for d in stack.dependencies(key, "targetKeyId") if d.type in KMS_KEY_TYPES]
        if targets:
            return [p for target in targets for p in _key_resource_problems(stack, target, region, seen)]
        return _literal_key_problems(stack, child(key.props, "targetKeyId"), region)
    if key.type in ("aws:kms/replicaKey:ReplicaKey", "aws:kms/replicaExternalKey:ReplicaExternalKey"):
        return [f"{key.label} is a replica of a multi-region key"]
    found = []
    multi_region = as_bool(child(key.props, "multiRegion"))
    if multi_region is True or isinstance(multi_region, Unknown):
        found.append(f"{key.label} is {'possibly ' if multi_region is not True else ''}a multi-region key")
    key_region = effective_region(key, stack)
    if not isinstance(key_region, str) or not isinstance(region, str):
        found.append(f"{key.label} cannot be shown to be in the data's region")
    elif key_region != region:
        found.append(f"{key.label} is in {key_region}, not in the data's region {region}")
    return found


def _literal_key_problems(stack: Stack, value: Any, region: Any) -> list[str]:
    if value is None or value == "":
        return ["no customer-managed key is set (the AWS-managed default key applies)"]
    if isinstance(value, Unknown):
        return ["the key is unknown at preview and cannot be traced to a key declared in this stack"]
    text = str(value)
    if "alias/aws/" in text:
        return [f"{text} is an AWS-managed key, not a customer-managed one"]
    arn = parse_arn(text)
    name = arn.resource if arn else text
    if name.startswith("alias/"):
        aliases = [a for a in stack.of_type(KMS_ALIAS) if child(a.props, "name") == name]
        if aliases:
            return [p for alias in aliases for p in _key_resource_problems(stack, alias, region, set())]
        return [
            f"{text} is an alias that cannot be traced to a key, so it cannot be shown to be single-region"
        ]
    found = []
    key_id = name.removeprefix("key/")
    if key_id.startswith("mrk-"):
        found.append(f"{text} is a multi-region key")
    if arn is not None and isinstance(region, str) and arn.region != region:
        found.append(f"{text} is in {arn.region}, not in the data's region {region}")
    return found


def _bucket_problems(bucket: Resource, stack: Stack, region: Any) -> list[str]:
    """Default encryption of an S3 bucket: inline (deprecated inputs) or a separate configuration resource."""
    rules: list[tuple[Resource, str, Any]] = []
    for algorithm_path, key_path in (
        (
            "serverSideEncryptionConfiguration.rule.applyServerSideEncryptionByDefault.sseAlgorithm",
            "serverSideEncryptionConfiguration.rule.applyServerSideEncryptionByDefault.kmsMasterKeyId",
        ),
        (
            "serverSideEncryptionConfigurations[].rules[].applyServerSideEncryptionByDefaults[].sseAlgorithm",
            "serverSideEncryptionConfigurations[].rules[].applyServerSideEncryptionByDefaults[].kmsMasterKeyId",
        ),
    ):
        for algorithm in values_at(bucket.props, algorithm_path):
            rules.append((bucket, key_path, algorithm))
    for configuration in stack.of_type(*S3_ENCRYPTION_CONFIGURATIONS):
        if stack.refers_to(configuration, "bucket", bucket):
            for algorithm in values_at(
                configuration.props, "rules[].applyServerSideEncryptionByDefault.sseAlgorithm"
            ):
                rules.append(
                    (configuration, "rules[].applyServerSideEncryptionByDefault.kmsMasterKeyId", algorithm)
                )
    if not rules:
        return ["it has no default encryption with a KMS key (S3 then uses S3-managed keys)"]
    found = []
    for owner, key_path, algorithm in rules:
        if algorithm not in KMS_ALGORITHMS:
            found.append(f"its default encryption uses {algorithm!r}, not a KMS key ({owner.label})")
            continue
        found.extend(f"{key_path}: {p}" for p in key_problems(stack, owner, key_path, region))
    return found


def _volume_claim_problems(resource: Resource, stack: Stack) -> list[str]:
    """A Kubernetes volume claim is encrypted by its StorageClass: encrypted EBS with an in-region key."""
    if resource.type == STATEFUL_SET:
        specs = [child(t, "spec") for t in elements(value_at(resource.props, "spec.volumeClaimTemplates"))]
    else:
        specs = [child(resource.props, "spec")]
    classes = stack.of_type(STORAGE_CLASS)
    found = []
    for spec in specs:
        name = child(spec, "storageClassName")
        if isinstance(name, str):
            matching = [c for c in classes if value_at(c.props, "metadata.name") == name]
        elif isinstance(name, Unknown):
            matching = [c for c in stack.dependencies(resource, "spec") if c.type == STORAGE_CLASS]
        else:
            found.append("it uses the cluster's default StorageClass, whose encryption the stack cannot show")
            continue
        if not matching:
            found.append(
                f"its StorageClass {name if isinstance(name, str) else '(unknown)'} is not in this stack"
            )
        for storage_class in matching:
            found.extend(_storage_class_problems(storage_class, stack, resource))
    return found


def _storage_class_problems(storage_class: Resource, stack: Stack, claim: Resource) -> list[str]:
    encrypted = child(child(storage_class.props, "parameters"), "encrypted")
    if as_bool(encrypted) is not True:
        return [f'{storage_class.label} does not set parameters.encrypted to "true"']
    region = effective_region(claim, stack)
    return [
        f"{storage_class.label} parameters.kmsKeyId: {p}"
        for p in _storage_class_key(storage_class, stack, region)
    ]


def _storage_class_key(storage_class: Resource, stack: Stack, region: Any) -> list[str]:
    keys = [
        d
        for d in stack.dependencies(storage_class, "parameters")
        if d.type in KMS_KEY_TYPES or d.type == KMS_ALIAS
    ]
    if keys:
        return [p for key in keys for p in _key_resource_problems(stack, key, region, set())]
    return _literal_key_problems(stack, child(child(storage_class.props, "parameters"), "kmsKeyId"), region)


def _violation(resource: Resource, problem: str, protected: frozenset[str], settings: Settings) -> Violation:
    kinds = ", ".join(sorted(protected))
    return violation(
        resource,
        f"{kinds} data at rest is not encrypted with a customer-managed, single-region key in its region: "
        f"{problem}",
        f"{settings.law} requires personal data to be protected; a key this stack does not own, or one that "
        "can be replicated to or used from another region, lets the data be decrypted outside the "
        "jurisdiction's control.",
        "encrypt it with an aws.kms.Key declared in the same stack and region (multi_region off, rotation "
        "on) and pass that key's ARN.",
    )
