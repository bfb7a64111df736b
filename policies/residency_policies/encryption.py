"""Rule 5, pii-encryption: PII at rest is encrypted with a customer-managed, single-region, in-region key.

A key is verified by lineage (or any of its identities) to the KMS key the stack declares: not multi-region,
in the store's region. A literal ARN of a key the stack does not declare cannot be shown to be
customer-managed (the account's AWS-managed `aws/rds` key has an ARN of the same form): a violation for PII,
as are an AWS-managed key (`alias/aws/...`), a key replica, a key in another region and a key that cannot
be traced.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from residency_facts import LAUNCHING_TYPES, Category
from residency_facts.mechanisms import LOG_EXPORTS

from .attributes import effective_region
from .classification import held, is_data_holding, launch_templates, protected_stores
from .encryption_addon_logs import addon_log_problems
from .encryption_api_logs import api_log_problems
from .encryption_gateway_logs import gateway_log_problems
from .encryption_keys import ACCOUNTS, KMS_ALIAS, key_problems, key_resource_problems, volume_key_problems
from .encryption_nodes import (
    default_root_volume_problems,
    node_class_problems,
    node_groups_of_protected_clusters,
)
from .encryption_restores import RESTORE_TESTING_SELECTION, restore_test_problems, restored_classifications
from .encryption_service_storage import service_storage_problems
from .encryption_types import AT_REST, INHERITED, KEPT_BY_SERVICE, NO_CUSTOMER_KEY, WRITER_ENCRYPTION
from .encryption_volumes import VOLUME_SNAPSHOT_KINDS, snapshot_problems, volume_problems
from .encryption_writers import REDSHIFT_STATEMENT, unload_problems, writer_problems, written_buckets
from .lineage import KMS_KEY_TYPES, Lineage
from .model import Resource, Stack
from .proxy_debug_logs import debug_log_problems
from .settings import Settings
from .values import Unknown, as_bool, child, elements, is_set, known_strings, value_at, values_at
from .violations import Violation, violation

NAME = "pii-encryption"
DESCRIPTION = (
    "PII at rest is encrypted with a customer-managed, single-region KMS key in the same region as the data."
)

AMI_COPY = "aws:ec2/amiCopy:AmiCopy"
FIREHOSE = "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream"
FIREHOSE_SOURCES = ("kinesisSourceConfiguration", "mskSourceConfiguration")
S3_BUCKETS = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2", "aws:s3/directoryBucket:DirectoryBucket")
S3_ENCRYPTION_CONFIGURATIONS = (
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
)
KMS_ALGORITHMS = ("aws:kms", "aws:kms:dsse")
EBS_VOLUME = "aws:ebs/volume:Volume"


def check(stack: Stack, settings: Settings) -> list[Violation]:
    """Violations of pii-encryption in a stack."""
    found: list[Violation] = []
    lineage = Lineage.of(stack, settings)
    for resource, protected in [
        *protected_stores(stack, settings, lineage),
        *_carriers(stack, settings, lineage),
        *_kept_by_service(stack, settings, lineage),
    ]:
        if resource.type in INHERITED or resource.type in NO_CUSTOMER_KEY:
            continue
        for problem in problems(resource, stack, settings.account_ids):
            found.append(_violation(resource, problem, protected, lineage, settings))
        for problem in _implicit_log_groups(resource, stack):
            found.append(_violation(resource, problem, protected, lineage, settings))
    for subject, why, protected in addon_log_problems(stack, lineage, settings):
        for problem in [why] if why is not None else problems(subject, stack, settings.account_ids):
            found.append(_violation(subject, problem, protected, lineage, settings))
    for subject, problem, protected in debug_log_problems(stack, lineage, settings):
        found.append(_violation(subject, problem, protected, lineage, settings))
    for api, problem, protected in api_log_problems(stack, lineage, settings):
        found.append(_violation(api, problem, protected, lineage, settings))
    for setter, problem, protected in gateway_log_problems(stack, lineage, settings):
        found.append(_violation(setter, problem, protected, lineage, settings))
    for holder, problem, protected in service_storage_problems(stack, lineage, settings):
        found.append(_violation(holder, problem, protected, lineage, settings))
    for writer in stack.of_type(*WRITER_ENCRYPTION):
        for spec in WRITER_ENCRYPTION[writer.type]:
            buckets = written_buckets(writer, spec, stack)
            protected = (
                frozenset().union(*(lineage.effective(b) for b in buckets))
                & settings.protected_classifications
            )
            if protected:
                for problem in writer_problems(writer, spec, stack, buckets):
                    found.append(_violation(writer, problem, protected, lineage, settings))
    for statement in stack.of_type(REDSHIFT_STATEMENT):
        for buckets, problem in unload_problems(statement, stack):
            protected = (
                frozenset().union(*(lineage.effective(b) for b in buckets))
                & settings.protected_classifications
            )
            if protected:
                found.append(_violation(statement, problem, protected, lineage, settings))
    for selection in stack.of_type(RESTORE_TESTING_SELECTION):
        protected = restored_classifications(selection, stack, lineage) & settings.protected_classifications
        if protected:
            for problem in restore_test_problems(selection, stack):
                found.append(_violation(selection, problem, protected, lineage, settings))
    for node_class, problem, protected in node_class_problems(stack, lineage, settings):
        found.append(_violation(node_class, problem, protected, lineage, settings))
    for group, protected in node_groups_of_protected_clusters(stack, lineage, settings):
        if protected <= lineage.effective(group):
            continue  # A group that holds PII itself is judged as a holder above.
        for problem in _node_group_disks(group, stack):
            why = f"its cluster's pods write to its nodes' disks: {problem}"
            found.append(_violation(group, why, protected, lineage, settings))
    for item in stack.of_type(*S3_OBJECTS):
        protected = _object_protection(item, stack, lineage, settings)
        if protected:
            for problem in _object_problems(item, stack):
                found.append(_violation(item, problem, protected, lineage, settings))
    return found


def _carriers(
    stack: Stack, settings: Settings, lineage: Lineage
) -> Iterator[tuple[Resource, frozenset[str]]]:
    """What holds data in transit and keeps it at rest meanwhile (a topic until delivery, a bus, a broker's
    persistent messages), with a customer key on offer (`AT_REST`), and carries protected data."""
    for resource in stack.resources:
        if (
            resource.type in AT_REST
            and resource.is_a(Category.IN_TRANSIT)
            and not is_data_holding(resource, settings)
        ):
            protected = lineage.effective(resource) & settings.protected_classifications
            if protected:
                yield resource, protected


def _kept_by_service(
    stack: Stack, settings: Settings, lineage: Lineage
) -> Iterator[tuple[Resource, frozenset[str]]]:
    """Code and copies whose service keeps what they run over at rest (`KEPT_BY_SERVICE`: an Airflow
    environment's metadata database, a state machine's execution history), where what they hold, the code they
    run reads, or what they copy is protected."""
    for resource in stack.of_type(*KEPT_BY_SERVICE):
        if is_data_holding(resource, settings):
            continue  # Judged as a holder.
        found = set(lineage.effective(resource)) | lineage.code_reads(resource)
        for source in lineage.sources_of(resource):
            found |= lineage.classes(source)
        protected = frozenset(found) & settings.protected_classifications
        if protected:
            yield resource, protected


S3_OBJECTS = (
    "aws:s3/bucketObject:BucketObject",
    "aws:s3/bucketObjectv2:BucketObjectv2",
    "aws:s3/objectCopy:ObjectCopy",
)
"""Objects, whose own `serverSideEncryption` and `kmsKeyId` override their bucket's default encryption."""


def _object_protection(item: Resource, stack: Stack, lineage: Lineage, settings: Settings) -> frozenset[str]:
    """The protected classifications an object holds: its own, or its bucket's (it lies in the bucket)."""
    held_here = lineage.effective(item) & settings.protected_classifications
    buckets = stack.dependencies(item, "bucket") or [
        b
        for v in known_strings(values_at(item.props, "bucket"))
        for b in stack.named(v)
        if b.type in S3_BUCKETS
    ]
    for bucket in buckets:
        held_here |= lineage.effective(bucket) & settings.protected_classifications
    return held_here


def _object_problems(item: Resource, stack: Stack) -> list[str]:
    """An object that sets its own encryption must set the bucket's kind: KMS with the stack's key."""
    algorithm = value_at(item.props, "serverSideEncryption")
    key = value_at(item.props, "kmsKeyId")
    if algorithm is None and not is_set(key):
        return []  # The bucket's default encryption applies, checked on the bucket.
    if isinstance(algorithm, Unknown):
        return ["serverSideEncryption is unknown at preview, and overrides the bucket's default encryption"]
    if algorithm not in KMS_ALGORITHMS:
        return [
            f"serverSideEncryption is {algorithm!r}, which overrides the bucket's default: the object is "
            "under an S3-managed key (set aws:kms with the stack's key, or leave it unset)"
        ]
    region = effective_region(item, stack)
    return [f"kmsKeyId: {problem}" for problem in key_problems(stack, item, "kmsKeyId", region)]


LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"


def _implicit_log_groups(resource: Resource, stack: Stack) -> list[str]:
    """The log groups a PII store's exported logs (statements, with their values) land in that the stack does
    not declare: the service creates them with AWS's key and no expiry, out of every rule's sight."""
    spec = LOG_EXPORTS.get(resource.type)
    if spec is None:
        return []
    logs = values_at(resource.props, "enabledCloudwatchLogsExports")
    if not logs:
        return []
    name_path, pattern = spec
    name = value_at(resource.props, name_path)
    declared = {v for group in stack.of_type(LOG_GROUP) for v in known_strings([child(group.props, "name")])}
    found = []
    for log in logs:
        if not isinstance(name, str) or not name or not isinstance(log, str):
            found.append(
                f"enabledCloudwatchLogsExports: the service creates the log groups its logs go to, and their "
                f"names cannot be known at preview ({name_path} is {'unknown' if name else 'not set'}): set "
                f"{name_path} and declare each log group in this stack"
            )
            break
        group = pattern.format(name=name, log=log)
        if group not in declared:
            found.append(
                f"enabledCloudwatchLogsExports exports its {log} log to {group}, a log group this stack does "
                "not declare, which the service creates with an AWS-owned key and no expiry: declare it "
                f"(aws.cloudwatch.LogGroup named {group}, kmsKeyId the stack's key, data-classification pii)"
            )
    return found


def problems(resource: Resource, stack: Stack, accounts: frozenset[str] = frozenset()) -> list[str]:
    """Why the resource is not encrypted with a customer-managed, single-region key in its own region."""
    ACCOUNTS.set(accounts)
    region = effective_region(resource, stack)
    if resource.type in S3_BUCKETS:
        return _bucket_problems(resource, stack, region)

    def judge(holder: Resource) -> list[str]:
        return problems(holder, stack, accounts)

    if resource.type.startswith("kubernetes:") and resource.type.endswith(VOLUME_SNAPSHOT_KINDS):
        return snapshot_problems(resource, stack, judge)
    if resource.type.startswith("kubernetes:"):
        return volume_problems(resource, stack, judge)
    if resource.type in LAUNCHING_TYPES or resource.type == AMI_COPY:
        return _volume_problems(resource, stack, region)
    if resource.type == CACHE_CLUSTER:
        return _cache_cluster_problems(resource)
    spec = AT_REST.get(resource.type)
    if spec is None:
        return ["the pack does not know how this type is encrypted with a customer-managed key"]
    if spec.only_for is not None:
        kind = value_at(resource.props, spec.only_for[0])
        if isinstance(kind, str) and kind not in spec.only_for[1]:
            return []  # A configuration type that offers no customer key (reviewed with the entry).
    if resource.type == SERVERLESS_COLLECTION and not is_set(value_at(resource.props, "encryptionConfigs")):
        return _collection_policy_problems(resource, stack, region)
    if resource.type == FIREHOSE and any(is_set(value_at(resource.props, p)) for p in FIREHOSE_SOURCES):
        # AWS allows a customer key only for Direct PUT streams; a stream that reads a Kinesis stream or an
        # MSK cluster keeps records encrypted as its source does, which the rule checks on the source.
        return []
    if spec.keeps_source_key and not is_set(value_at(resource.props, spec.keys[0])):
        destination = value_at(resource.props, "destinationRegion")
        if destination in (None, "") or destination == region:
            # Same region, no key of its own: the copy keeps its source's key, checked on the source.
            return []
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
    paths += [key for condition, key in spec.keys_unless if not is_set(value_at(resource.props, condition))]
    for type_path, types, key in spec.keys_for:
        kind = value_at(resource.props, type_path)
        if not isinstance(kind, str) or kind in types:
            paths.append(key)
    judge_key = volume_key_problems if resource.type == EBS_VOLUME else key_problems
    for path in paths:
        found.extend(f"{path}: {problem}" for problem in judge_key(stack, resource, path, region))
    for member_type, parent_path, condition, key_path in spec.members:
        for member in _members(stack, resource, member_type, parent_path):
            if is_set(value_at(member.props, condition)):
                found.extend(
                    f"{member.label} {key_path}: {problem}"
                    for problem in key_problems(stack, member, key_path, region)
                )
    for parent_path, key_path in spec.parent_keys:
        parents = stack.dependencies(resource, parent_path) or [
            p for v in known_strings(values_at(resource.props, parent_path)) for p in stack.named(v)
        ]
        if not parents:
            found.append(f"{parent_path}: the parent that holds its key is not in this stack")
        for parent in parents:
            found.extend(
                f"{parent.label} {key_path}: {problem}"
                for problem in key_problems(stack, parent, key_path, region)
            )
    return found


def _members(stack: Stack, holder: Resource, member_type: str, path: str) -> list[Resource]:
    """The stack's members of a holder (a cluster's instances) that name it by `path`: by lineage, or by a
    literal identity (an index of the members by the names they give, built once per stack)."""
    found = {m.urn: m for m in stack.dependents(holder, [path.split(".")[0]]) if m.type == member_type}
    index_key = ("members by name", member_type, path)
    if index_key not in stack.memo:
        index: dict[str, list[Resource]] = {}
        for member in stack.of_type(member_type):
            for name in known_strings(values_at(member.props, path)):
                index.setdefault(name, []).append(member)
        stack.memo[index_key] = index
    for identity in holder.identities:
        for member in stack.memo[index_key].get(identity, []):
            found.setdefault(member.urn, member)
    return list(found.values())


CACHE_CLUSTER = "aws:elasticache/cluster:Cluster"


def _cache_cluster_problems(cluster: Resource) -> list[str]:
    """ElastiCache encrypts at rest only replication groups: a member of one is encrypted as its group (judged
    there); Memcached keeps its data in memory only; a Redis or Valkey cluster of its own keeps its data and
    snapshots unencrypted, while a replication group of one node takes the stack's key."""
    if value_at(cluster.props, "engine") == "memcached" or is_set(
        value_at(cluster.props, "replicationGroupId")
    ):
        return []
    return [
        "a Redis or Valkey cluster outside a replication group is not encrypted at rest (nor are its "
        "snapshots): declare an aws.elasticache.ReplicationGroup (one node will do) with "
        "atRestEncryptionEnabled and kmsKeyId the stack's key instead"
    ]


SERVERLESS_COLLECTION = "aws:opensearch/serverlessCollection:ServerlessCollection"
SERVERLESS_SECURITY_POLICY = "aws:opensearch/serverlessSecurityPolicy:ServerlessSecurityPolicy"


def _collection_policy_problems(resource: Resource, stack: Stack, region: Any) -> list[str]:
    """The key of an OpenSearch Serverless collection that sets none itself: the encryption security
    policies (`type` encryption) whose collection rules name it, exactly or by a prefix pattern
    (`collection/customers*`). AWS refuses to create a collection no encryption policy matches, so one always
    does: each matching policy of the stack must name an acceptable key (`KmsARN`, not `AWSOwnedKey`). A
    policy whose document is unknown at preview, computed from the stack's keys only, is judged by those keys
    when no readable policy matches (which collections it covers cannot be read yet); with no policy of the
    stack to match, the key is chosen outside the stack, possibly AWS's own."""
    name = value_at(resource.props, "name")
    policies = [
        p for p in stack.of_type(SERVERLESS_SECURITY_POLICY) if value_at(p.props, "type") == "encryption"
    ]
    matching: list[tuple[Resource, Mapping[str, Any]]] = []
    unread: list[Resource] = []
    for policy in policies:
        document = value_at(policy.props, "policy.{json}")
        if isinstance(document, Unknown) or isinstance(value_at(policy.props, "policy"), Unknown):
            unread.append(policy)
        elif isinstance(document, Mapping) and isinstance(name, str) and _covers(document, name):
            matching.append((policy, document))
    found: list[str] = []
    for policy, document in matching:
        if as_bool(document.get("AWSOwnedKey")) is True or not is_set(document.get("KmsARN")):
            found.append(f"{policy.label} (the encryption policy that covers it) uses an AWS-owned key")
            continue
        found.extend(
            f"{policy.label} KmsARN: {problem}"
            for problem in key_problems(stack, policy, "policy.{json}.KmsARN", region)
        )
    if matching:
        return found
    for policy in unread:
        sources = stack.dependencies(policy, "policy")
        keys = [d for d in sources if d.type in KMS_KEY_TYPES or d.type == KMS_ALIAS]
        if not sources or len(keys) != len(sources):
            found.append(
                f"{policy.label}'s policy is unknown at preview and computed from more than the stack's "
                "keys, so the key it gives the collection cannot be read: build it from the key's ARN alone"
            )
            continue
        found.extend(
            f"{policy.label}: {problem}"
            for key in keys
            for problem in key_resource_problems(stack, key, region, set())
        )
    if unread:
        return found
    shown = repr(name) if isinstance(name, str) else "(its name is unknown at preview)"
    return [
        f"no encryption security policy of this stack covers the collection {shown} and it sets no "
        "encryptionConfigs: a policy outside the stack chooses its key, possibly an AWS-owned one (declare "
        "an aws.opensearch.ServerlessSecurityPolicy of type encryption for it with KmsARN the stack's key)"
    ]


def _covers(document: Mapping[str, Any], name: str) -> bool:
    """Whether an encryption policy's collection rules name a collection (`collection/<name>`, or a prefix
    pattern ending in `*`)."""
    for rule in elements(document.get("Rules")):
        if not isinstance(rule, Mapping) or str(rule.get("ResourceType", "")).lower() != "collection":
            continue
        for pattern in known_strings(elements(rule.get("Resource"))):
            wanted = pattern.removeprefix("collection/")
            if wanted == name or (wanted.endswith("*") and name.startswith(wanted[:-1])):
                return True
    return False


def _node_group_disks(group: Resource, stack: Stack) -> list[str]:
    """Why a managed node group's disks may be unencrypted: its launch templates' mappings, else EKS's
    default root volume (decision: a node's disk must be encrypted, under the AWS-managed key if need be; a
    customer key there needs the Auto Scaling service-linked role in its key policy, which the pack does not
    demand of node groups, unlike the volumes it judges as PII holders)."""
    templates = launch_templates(group, stack)
    if templates is None:
        return default_root_volume_problems(group, stack)
    if not templates:
        return ["its launch template is not in this stack, so its volumes' encryption cannot be shown"]
    found: list[str] = []
    for template in templates:
        flags = values_at(template.props, "blockDeviceMappings[].ebs.encrypted")
        if not flags:
            found.append(
                f"{template.label} maps no block devices, so the image's volumes decide their encryption"
            )
        for encrypted in flags:
            if as_bool(encrypted) is not True:
                shown = "unknown at preview" if isinstance(encrypted, Unknown) else repr(encrypted)
                found.append(
                    f"{template.label}: blockDeviceMappings[].ebs.encrypted is {shown}, must be true"
                )
    return found


def _volume_problems(resource: Resource, stack: Stack, region: Any) -> list[str]:
    """An instance's volumes (or those of the instances a template, group or fleet launches) are encrypted."""
    templates = launch_templates(resource, stack)
    if templates is not None:
        if not templates:
            return ["its launch template is not in this stack, so its volumes' encryption cannot be shown"]
        return [f"{t.label}: {p}" for t in templates for p in _volume_problems(t, stack, region)]
    prefix = {
        "aws:ec2/launchTemplate:LaunchTemplate": ("blockDeviceMappings[].ebs.",),
        "aws:ec2/launchConfiguration:LaunchConfiguration": ("rootBlockDevice.", "ebsBlockDevices[]."),
        "aws:ec2/spotFleetRequest:SpotFleetRequest": (
            "launchSpecifications[].rootBlockDevices[].",
            "launchSpecifications[].ebsBlockDevices[].",
        ),
        AMI_COPY: ("",),
    }.get(resource.type, ("rootBlockDevice.", "ebsBlockDevices[]."))
    if resource.type in ("aws:eks/nodeGroup:NodeGroup", "aws:autoscaling/group:Group", "aws:ec2/fleet:Fleet"):
        return [
            "it names no launch template, so its instances' volumes take the account's default encryption"
        ]
    found = []
    devices = 0
    for base in prefix:
        for encrypted in values_at(resource.props, base + "encrypted"):
            devices += 1
            if as_bool(encrypted) is not True:
                shown = "unknown at preview" if isinstance(encrypted, Unknown) else repr(encrypted)
                found.append(f"{base}encrypted is {shown}, must be true")
        if values_at(resource.props, base + "encrypted"):
            found.extend(
                f"{base}kmsKeyId: {p}"
                for p in volume_key_problems(stack, resource, base + "kmsKeyId", region)
            )
    if resource.type == "aws:ec2/launchTemplate:LaunchTemplate" and not devices:
        found.append("it maps no block devices, so the image's volumes decide their encryption")
    instance = resource.type in (
        "aws:ec2/instance:Instance",
        "aws:ec2/spotInstanceRequest:SpotInstanceRequest",
    )
    if instance and not values_at(resource.props, "rootBlockDevice.encrypted"):
        found.append("its root volume is not encrypted by its own settings (rootBlockDevice.encrypted)")
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


def _violation(
    resource: Resource, problem: str, protected: frozenset[str], lineage: Lineage, settings: Settings
) -> Violation:
    return violation(
        resource,
        f"{held(lineage, resource, protected)} at rest is not encrypted with a customer-managed, "
        f"single-region key in its region: {problem}",
        f"{settings.law} requires personal data to be protected; a key this stack does not own, or one that "
        "can be replicated to or used from another region, lets the data be decrypted outside the "
        "jurisdiction's control.",
        "encrypt it with an aws.kms.Key declared in the same stack and region (multi_region off, rotation "
        "on) and pass that key's ARN.",
    )
