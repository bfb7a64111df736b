"""The places a Kubernetes volume's reviewed drivers and sources give: what names the place, and how.

Each function reads one kind of `residency_facts/volumes.py` (an EBS volume, an EFS or S3 Files file system,
a Mountpoint bucket, an FSx file system, a storage server by host, a node's disks) into a `Place`: a holder
of the stack when the volume names one (by lineage, else by any of its identities), else the region and
account its own configuration names, else nothing that can be traced. `volumes` decides which applies.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from residency_facts.volumes import (
    EFS_CROSS_ACCOUNT_SECRETS,
    EFS_ROLE_KEY,
    HYBRID_COMPUTE_LABEL,
    HYBRID_COMPUTE_TYPE,
)

from .attributes import (
    EKS_CLUSTER,
    account_of,
    effective_region,
    is_component,
    region_named_in,
    region_of_zone_or_region,
)
from .model import Resource, Stack, parse_arn
from .values import UNKNOWN, Unknown, as_bool, child, elements, is_set, known_strings, value_at, values_at

PERSISTENT_VOLUME = "kubernetes:core/v1:PersistentVolume"
SECRET = "kubernetes:core/v1:Secret"
EBS_VOLUME = "aws:ebs/volume:Volume"
EFS_FILE_SYSTEM = "aws:efs/fileSystem:FileSystem"
EFS_MOUNT_TARGET = "aws:efs/mountTarget:MountTarget"
S3_FILES_FILE_SYSTEM = "aws:s3/filesFileSystem:FilesFileSystem"
S3_BUCKETS = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2", "aws:s3/directoryBucket:DirectoryBucket")
LUSTRE = ("aws:fsx/lustreFileSystem:LustreFileSystem",)
OPENZFS = ("aws:fsx/openZfsFileSystem:OpenZfsFileSystem", "aws:fsx/openZfsVolume:OpenZfsVolume")
SUBNET = "aws:ec2/subnet:Subnet"
FILE_SYSTEMS = (EFS_FILE_SYSTEM, S3_FILES_FILE_SYSTEM, *LUSTRE, *OPENZFS)
"""The stack's file systems a server's host may name (an EFS DNS name, a Lustre or OpenZFS DNS name)."""


@dataclass(frozen=True)
class Place:
    """Where some of a volume's bytes are, as far as the pack can tell."""

    what: str
    """The place in words, with what names it: `the S3 bucket 'x' (PersistentVolume 'pv', s3.csi.aws.com)`."""
    region: str | Unknown | None = None
    """None when it cannot be traced."""
    account: str | None = None
    """An account id, STACK_ACCOUNT, or None when it cannot be traced."""
    holder: Resource | None = None
    """The stack's resource that holds the bytes: judged as itself (its region, account and encryption)."""
    holder_encrypts: bool = True
    """Whether the holder's own encryption is the bytes' (not when the driver writes under a key of its
    own)."""
    outside: str = ""
    """Why the bytes are outside AWS (another provider's storage)."""
    unreviewed: str = ""
    """A driver or provisioner the pack has not reviewed, to triage in residency_facts/volumes.py."""
    on_premises: str = ""
    """Why the bytes may be on premises (a node-local volume on a cluster with EKS Hybrid Nodes)."""
    encryption: tuple[str, ...] = ()
    """Why the bytes are not under a customer-managed key of the stack, as far as the volume itself says."""
    key_owner: Resource | None = None
    """The resource whose `key_path` names the key the driver encrypts the bytes with."""
    key_path: str = ""
    key_value: Any = None
    """The key's literal value when the path holds it inside a text (a mount option)."""
    same_bytes: bool = False
    """Another place of the same volume holds these bytes (a region its mount options name besides the
    bucket): its encryption is judged there."""
    account_default: bool = False
    """New EBS volumes that name no key: encrypted with the account's EBS default key when the stack sets it
    in the place's region and account (`encryption_keys.account_default_key_problems`)."""
    at_rest: bool = True
    """False for bytes kept only in a node's memory (an emptyDir of medium Memory, a tmpfs): no disk holds
    them, so no key is asked of them (their loss with the pod is pii-no-data-loss's)."""

    @property
    def traced(self) -> bool:
        """Whether the region and account are known."""
        return isinstance(self.region, str) and self.account is not None


def same_cluster(stack: Stack, resource: Resource, *types: str) -> list[Resource]:
    """The stack's objects of these types in the same cluster (the same Kubernetes provider)."""
    return [r for r in stack.of_type(*types) if r.provider_urn == resource.provider_urn]


def metadata(resource: Resource, key: str) -> Any:
    """A Kubernetes object's metadata field (its name, namespace)."""
    return child(child(resource.props, "metadata"), key)


def _holder(value: Any, owner: Resource, prop: str, types: tuple[str, ...], stack: Stack) -> list[Resource]:
    """The stack's holders of these types a value names: by lineage, else by any identity."""
    dependencies = [d for d in stack.dependencies(owner, prop) if d.type in types]
    if dependencies:
        if isinstance(value, str):
            named = [
                d
                for d in dependencies
                if value in d.identities or any(i in value for i in d.identities if len(i) > 5)
            ]
            return named or dependencies
        return dependencies
    if isinstance(value, str):
        return [r for r in stack.named(value) if r.type in types]
    return []


def _holder_place(holder: Resource, via: str, stack: Stack, account: str | Unknown | None = UNKNOWN) -> Place:
    return Place(
        f"{holder.label} ({via})",
        effective_region(holder, stack),
        account_of(holder, stack) if isinstance(account, Unknown) else account,
        holder=holder,
    )


def ebs_volume(handle: Any, volume: Resource, stack: Stack, via: str) -> list[Place]:
    """A static EBS volume: attached to the cluster's nodes, so in their region and account (EBS attaches
    only in the instance's zone and account); encrypted as the volume is."""
    holders = _holder(handle, volume, "spec", (EBS_VOLUME,), stack)
    if holders:
        return [_holder_place(holder, via, stack) for holder in holders]
    shown = handle if isinstance(handle, str) else "unknown at preview"
    region = effective_region(volume, stack)
    if isinstance(handle, str) and handle.startswith("aws://"):
        region = region_of_zone_or_region(handle.removeprefix("aws://").split("/")[0]) or region
    return [
        Place(
            f"the EBS volume {shown} ({via})",
            region,
            account_of(volume, stack),
            encryption=(
                f"{shown} is not an EBS volume this stack declares, so its encryption cannot be shown",
            ),
        )
    ]


def _secret_value(stack: Stack, resource: Resource, name: Any, namespace: Any, key: str) -> tuple[bool, Any]:
    """Whether the stack declares the Secret, and the key's value in it (None when absent, UNKNOWN when
    unknown)."""
    if not isinstance(name, str):
        return False, UNKNOWN
    for secret in same_cluster(stack, resource, SECRET):
        if metadata(secret, "name") != name or metadata(secret, "namespace") not in (namespace, None):
            continue
        value = value_at(secret.props, f"stringData.{key}")
        if value is None:
            encoded = value_at(secret.props, f"data.{key}")
            if isinstance(encoded, str):
                try:
                    value = base64.b64decode(encoded, validate=True).decode("utf-8")
                except ValueError:
                    value = UNKNOWN
            else:
                value = encoded
        return True, value
    return False, UNKNOWN


def _role_account(value: Any) -> str | None:
    """The account of a cross-account role ARN; None when it cannot be read."""
    arn = parse_arn(value)
    return arn.account if arn is not None and arn.account else None


def efs_class(storage_class: Resource, claim: Resource, stack: Stack, via: str) -> list[Place]:
    """An access point the EFS CSI driver creates on `fileSystemId` (an EFS file system, or an S3 Files one
    with provisioningMode s3files-ap), in the account of the role a cross-account Secret names and the
    region of the `az` parameter's zone when set."""
    parameters = child(storage_class.props, "parameters")
    mode = child(parameters, "provisioningMode")
    types = (S3_FILES_FILE_SYSTEM,) if mode == "s3files-ap" else (EFS_FILE_SYSTEM,)
    account: str | Unknown | None = UNKNOWN
    for prefix in EFS_CROSS_ACCOUNT_SECRETS:
        name = child(parameters, f"{prefix}-name")
        if name is None:
            continue
        declared, role = _secret_value(
            stack, storage_class, name, child(parameters, f"{prefix}-namespace"), EFS_ROLE_KEY
        )
        if not declared or isinstance(role, Unknown) or role is not None:
            account = _role_account(role)
    zone = child(parameters, "az")
    named = child(parameters, "fileSystemId")
    for reference in ("fileSystemIdConfigRef", "fileSystemIdSecretRef"):
        if is_set(child(parameters, reference)):
            return [
                Place(
                    f"the file system {storage_class.label} names by parameters.{reference}",
                    encryption=(
                        f"{storage_class.label} names its file system by parameters.{reference}, which the "
                        "pack does not read, so its encryption cannot be shown",
                    ),
                )
            ]
    holders = _holder(named, storage_class, "parameters", types, stack)
    places = [_holder_place(holder, via, stack, account) for holder in holders]
    if not places:
        places.append(
            _undeclared_file_system(
                named,
                via,
                claim,
                stack,
                account,
                f"{storage_class.label} parameters.fileSystemId does not name an EFS file system of this "
                "stack, so the encryption of the claim's data cannot be shown",
            )
        )
    if not (isinstance(zone, str) and zone):
        return places
    zone_region = region_of_zone_or_region(zone)
    return [
        place
        if zone_region == place.region
        else Place(
            f"{place.what}, mounted in zone {zone}",
            zone_region,
            place.account,
            holder=place.holder,
            encryption=place.encryption,
        )
        for place in places
    ]


def _undeclared_file_system(
    named: Any, via: str, resource: Resource, stack: Stack, account: str | Unknown | None, why: str
) -> Place:
    """An EFS file system the stack does not declare: in the resource's region, and in its account unless
    the mount says otherwise; its encryption cannot be shown."""
    shown = named if isinstance(named, str) else "unknown at preview"
    return Place(
        f"the file system {shown} ({via})",
        effective_region(resource, stack),
        account_of(resource, stack) if isinstance(account, Unknown) else account,
        encryption=(why,),
    )


def efs_volume(handle: Any, attributes: Any, volume: Resource, stack: Stack, via: str) -> list[Place]:
    """A static EFS (or S3 Files) volume: `[s3files:]fs-id[:subpath[:fsap-id]]`, mounted across accounts when
    `crossaccount` is set (its attribute, or the efs-utils mount option) or its node-publish Secret names a
    role, by a mount target address when `mounttargetip` is set."""
    text = handle if isinstance(handle, str) else ""
    # The handle's prefix says which (`s3files:`), but a handle computed from a file system's id may not.
    types = (EFS_FILE_SYSTEM, S3_FILES_FILE_SYSTEM)
    file_system = text.removeprefix("s3files:").split(":")[0] if text else handle
    account: str | Unknown | None = UNKNOWN
    options = [str(o).strip().lower() for o in known_strings(values_at(volume.props, "spec.mountOptions"))]
    if as_bool(child(attributes, "crossaccount")) is True or "crossaccount" in options:
        account = None
    secret = value_at(volume.props, "spec.csi.nodePublishSecretRef")
    if secret is not None:
        declared, role = _secret_value(
            stack, volume, child(secret, "name"), child(secret, "namespace"), EFS_ROLE_KEY
        )
        if not declared or isinstance(role, Unknown) or role is not None:
            account = _role_account(role)
    holders = _holder(file_system, volume, "spec", types, stack)
    places = [_holder_place(holder, via, stack, account) for holder in holders]
    if not places:
        shown = file_system if isinstance(file_system, str) else "unknown at preview"
        places.append(
            _undeclared_file_system(
                file_system,
                via,
                volume,
                stack,
                account,
                f"volumeHandle {shown} is not a file system this stack declares, so its encryption cannot be "
                "shown",
            )
        )
    address = child(attributes, "mounttargetip")
    if not is_set(address) or any(
        isinstance(address, str) and address in known_strings(values_at(t.props, "ipAddress"))
        for t in stack.of_type(EFS_MOUNT_TARGET)
    ):
        return places
    return [
        Place(
            f"{place.what}, mounted through the address {address} (volumeAttributes.mounttargetip), "
            "which is no mount target of this stack",
            holder=place.holder,
            encryption=place.encryption,
        )
        for place in places
    ]


def _mount_options(volume: Resource) -> dict[str, Any]:
    """Mountpoint's options by name (`region us-east-1`, `--region=us-east-1`, `endpoint-url ...`)."""
    found: dict[str, Any] = {}
    for option in values_at(volume.props, "spec.mountOptions"):
        if isinstance(option, Unknown):
            found.setdefault("(unknown)", UNKNOWN)
            continue
        text = str(option).strip().removeprefix("--")
        name, _, value = text.replace("=", " ", 1).partition(" ")
        found[name.strip()] = value.strip()
    return found


def mountpoint(attributes: Any, volume: Resource, stack: Stack, via: str) -> list[Place]:
    """Mountpoint for Amazon S3: the bucket `bucketName`, in the region its mount options name (`region`,
    `endpoint-url`) or the bucket's own; in the account `expected-bucket-owner` names when the stack does not
    declare the bucket; written under the key `sse-kms-key-id` names, else under the bucket's default
    encryption. Cache, permission and prefix options are no place."""
    options = _mount_options(volume)
    bucket = child(attributes, "bucketName")
    shown = bucket if isinstance(bucket, str) else "unknown at preview"
    sse, key = options.get("sse"), options.get("sse-kms-key-id")
    problems: tuple[str, ...] = ()
    if isinstance(sse, str) and sse not in ("aws:kms", "aws:kms:dsse"):
        problems = (
            f"its mount option sse {sse} writes objects under an S3-managed key, not a KMS key of the stack",
        )
    own_key = not problems and (sse is not None or key is not None)
    keyed: dict[str, Any] = {"key_owner": volume if own_key else None, "key_path": "spec", "key_value": key}
    named: list[tuple[str, str | None, str]] = []
    if isinstance(options.get("region"), str) and options["region"]:
        named.append((f"mount option region {options['region']}", options["region"], ""))
    endpoint = options.get("endpoint-url")
    if isinstance(endpoint, str) and endpoint:
        host = endpoint.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
        aws = host.endswith((".amazonaws.com", ".amazonaws.com.cn", ".api.aws"))
        named.append(
            (
                f"mount option endpoint-url {endpoint}",
                region_named_in(host),
                "" if aws else f"{host} is not an AWS endpoint",
            )
        )
    places: list[Place] = []
    if "(unknown)" in options:
        places.append(Place(f"the S3 bucket {shown}, by mount options unknown at preview ({via})"))
    holders = _holder(bucket, volume, "spec", S3_BUCKETS, stack)
    for holder in holders:
        place = _holder_place(holder, via, stack)
        places.append(
            Place(
                place.what,
                place.region,
                place.account,
                holder=holder,
                holder_encrypts=not (own_key or problems),
                encryption=problems,
                **keyed,
            )
        )
        places.extend(
            Place(
                f"{holder.label}, through its {what} ({via})",
                region,
                place.account,
                outside=outside,
                same_bytes=True,
            )
            for what, region, outside in named
            if outside or region != place.region
        )
    if holders:
        return places
    owner = options.get("expected-bucket-owner")
    account = owner if isinstance(owner, str) and owner else None
    arn = parse_arn(bucket)
    if arn is not None and arn.region:
        # An access point (or Outposts) ARN as bucketName names the region and account it is in, whatever
        # the mount options say.
        named.insert(0, (f"ARN's region {arn.region}", arn.region, ""))
        account = arn.account or account
    unshown = (
        ()
        if own_key or problems
        else (
            f"the bucket {shown} is not in this stack, so its default encryption cannot be shown (set the "
            "mount "
            "options sse aws:kms and sse-kms-key-id to the stack's key, or declare the bucket)",
        )
    )
    if not named:
        # A bucket outside the stack in a region nothing names: Mountpoint finds it wherever it is.
        places.append(
            Place(
                f"the S3 bucket {shown}, in a region no mount option names ({via})",
                None,
                account,
                encryption=problems + unshown,
                **keyed,
            )
        )
        return places
    for index, (what, region, outside) in enumerate(named):
        first: dict[str, Any] = (
            {"encryption": problems + unshown, **keyed} if index == 0 else {"same_bytes": True}
        )
        places.append(
            Place(f"the S3 bucket {shown}, by its {what} ({via})", region, account, outside=outside, **first)
        )
    return places


def fsx_volume(
    handle: Any, dns: Any, types: tuple[str, ...], volume: Resource, stack: Stack, via: str
) -> list[Place]:
    """A static FSx volume: the file system the handle or its DNS name names, in the region the DNS name
    names (`fs-x.fsx.us-east-1.amazonaws.com`)."""
    holders = _holder(handle, volume, "spec", types, stack) or (
        [r for r in stack.named(dns) if r.type in types] if isinstance(dns, str) else []
    )
    if holders:
        return [_holder_place(holder, via, stack) for holder in holders]
    shown = handle if isinstance(handle, str) else "unknown at preview"
    region = region_named_in(dns) if isinstance(dns, str) else None
    return [
        Place(
            f"the file system {shown} ({via}{', ' + dns if isinstance(dns, str) else ''})",
            region if region is not None else (None if is_set(dns) else effective_region(volume, stack)),
            account_of(volume, stack),
            encryption=(
                f"volumeHandle {shown} is not a file system this stack declares, so its encryption cannot "
                "be shown",
            ),
        )
    ]


def lustre_class(storage_class: Resource, claim: Resource, stack: Stack, via: str) -> list[Place]:
    """A Lustre file system the FSx CSI driver creates in `subnetId`, under `kmsKeyId`; linked to the bucket
    `s3ImportPath` / `s3ExportPath` names, which then holds the claim's bytes too."""
    parameters = child(storage_class.props, "parameters")
    subnets = [d for d in stack.dependencies(storage_class, "parameters") if d.type == SUBNET]
    region = effective_region(subnets[0], stack) if subnets else effective_region(claim, stack)
    places = [
        Place(
            f"an FSx for Lustre file system {via} creates",
            region,
            account_of(claim, stack),
            key_owner=storage_class,
            key_path="parameters.kmsKeyId",
        )
    ]
    for path in ("s3ImportPath", "s3ExportPath"):
        value = child(parameters, path)
        if not is_set(value):
            continue
        bucket = value.removeprefix("s3://").split("/")[0] if isinstance(value, str) else value
        holders = _holder(bucket, storage_class, "parameters", S3_BUCKETS, stack)
        places.extend(_holder_place(holder, f"{via}, parameters.{path}", stack) for holder in holders)
        if not holders:
            places.append(
                Place(
                    f"the S3 bucket of parameters.{path} {value} ({via}), which this stack does not declare"
                )
            )
    return places


def openzfs_class(storage_class: Resource, claim: Resource, stack: Stack, via: str) -> list[Place]:
    """An OpenZFS file system (ResourceType filesystem, under `KmsKeyId`) or volume (of `ParentVolumeId`'s
    file system) the FSx for OpenZFS driver creates; its parameters are JSON values."""
    parameters = child(storage_class.props, "parameters")
    kind = str(child(parameters, "ResourceType") or "").strip('"').lower()
    if kind == "volume":
        parent = child(parameters, "ParentVolumeId")
        text = parent.strip('"') if isinstance(parent, str) else parent
        holders = _holder(text, storage_class, "parameters", OPENZFS, stack)
        if holders:
            return [_holder_place(holder, via, stack) for holder in holders]
        return [
            Place(
                f"a volume of the OpenZFS volume {text} ({via})",
                effective_region(claim, stack),
                account_of(claim, stack),
                encryption=(
                    f"{storage_class.label} parameters.ParentVolumeId is not a volume of this stack, so its "
                    "encryption cannot be shown",
                ),
            )
        ]
    key = child(parameters, "KmsKeyId")
    return [
        Place(
            f"an FSx for OpenZFS file system {via} creates",
            effective_region(claim, stack),
            account_of(claim, stack),
            key_owner=storage_class,
            key_path="parameters.KmsKeyId",
            key_value=key.strip('"') if isinstance(key, str) else key,
        )
    ]


def host_place(host: Any, owner: Resource, stack: Stack, via: str) -> list[Place]:
    """A storage server named by host: a file system of the stack (its DNS name, a mount target's address),
    else a host that names an AWS region (a file system outside the stack), else nothing traceable."""
    if isinstance(host, Unknown):
        holders = [
            d
            for d in stack.dependencies(owner, "spec" if owner.type == PERSISTENT_VOLUME else "parameters")
            if d.type in FILE_SYSTEMS or d.type == EFS_MOUNT_TARGET
        ]
        if not holders:
            return [Place(f"a storage server unknown at preview ({via})")]
    else:
        text = str(host).split(":")[0] if not str(host).startswith("[") else str(host)
        holders = [r for r in stack.named(text) if r.type in FILE_SYSTEMS or r.type == EFS_MOUNT_TARGET]
        # A file system's DNS name starts with its id (`fs-0123.efs.eu-west-1.amazonaws.com`).
        holders += [r for r in stack.named(text.split(".")[0]) if r.type in FILE_SYSTEMS]
    # A mount target stands for its file system.
    systems: dict[str, Resource] = {}
    for holder in holders:
        if holder.type != EFS_MOUNT_TARGET:
            systems.setdefault(holder.urn, holder)
        for system in stack.dependencies(holder, "fileSystemId") if holder.type == EFS_MOUNT_TARGET else []:
            if system.type == EFS_FILE_SYSTEM:
                systems.setdefault(system.urn, system)
    if systems:
        return [_holder_place(system, via, stack) for system in systems.values()]
    region = region_named_in(str(host))
    return [
        Place(
            f"the storage server {host} ({via})",
            region,
            None,
            encryption=(
                f"the server {host} is not a file system this stack declares, so its encryption cannot be "
                "shown",
            ),
        )
    ]


def _nodes(resource: Resource, stack: Stack) -> tuple[list[Resource], bool]:
    """The EKS clusters a Kubernetes object's provider was built from, and whether all were found."""
    provider = stack.get(resource.provider_urn)
    clusters: list[Resource] = []
    if provider is not None:
        for source in stack.dependencies(provider, "kubeconfig"):
            if source.type == EKS_CLUSTER:
                clusters.append(source)
            elif is_component(source):
                clusters.extend(c for c in stack.children(source) if c.type == EKS_CLUSTER)
    return clusters, bool(clusters)


def hybrid_clusters(resource: Resource, stack: Stack) -> tuple[list[Resource], bool]:
    """The clusters of a Kubernetes object that may run nodes on premises (EKS Hybrid Nodes: their
    `remoteNetworkConfig.remoteNodeNetworks`, or unknown at preview), and whether its cluster was traced."""
    clusters, traced = _nodes(resource, stack)
    hybrid = [
        c
        for c in clusters
        if any(is_set(v) for v in values_at(c.props, "remoteNetworkConfig.remoteNodeNetworks"))
    ]
    return hybrid, traced


def node_place(
    what: str,
    resource: Resource,
    stack: Stack,
    pinned: bool,
    review: str,
    by_class: bool = True,
    at_rest: bool = True,
) -> Place:
    """A node-local volume: on the disks of whichever node runs the pod, under no KMS key of the stack; in
    AWS only when the cluster has no hybrid nodes, or the volume is pinned to its EC2 nodes. A volume no class
    provisions (a pod's hostPath) is told so without a class's parameters; one in the node's memory (an
    emptyDir of medium Memory) is on no disk (`at_rest` False)."""
    shown = "a class's encrypted parameter is" if by_class else "the node's disk is under"
    encryption = (f"{what}: {review}; {shown} no KMS key of the stack",) if at_rest else ()
    hybrid, traced = hybrid_clusters(resource, stack)
    region, account = effective_region(resource, stack), account_of(resource, stack)
    if not traced:
        return Place(
            f"{what}, on nodes of a cluster this stack does not declare",
            None,
            account,
            on_premises="its cluster is not declared, so nodes on premises cannot be ruled out",
            encryption=encryption,
            at_rest=at_rest,
        )
    if hybrid and not pinned:
        names = ", ".join(c.label for c in hybrid)
        return Place(
            what,
            region,
            account,
            on_premises=(
                f"{names} runs EKS Hybrid Nodes on premises (remoteNetworkConfig), and the volume "
                "is not pinned to its EC2 nodes"
            ),
            encryption=encryption,
            at_rest=at_rest,
        )
    return Place(what, region, account, encryption=encryption, at_rest=at_rest)


def _pins(expressions: Any, key_name: str, operator_name: str) -> bool:
    """Whether node selector expressions keep a volume off hybrid nodes (compute-type NotIn [hybrid], or In
    values without it)."""
    for expression in elements(expressions):
        if child(expression, key_name) != HYBRID_COMPUTE_LABEL:
            continue
        values = [str(v) for v in elements(child(expression, "values"))]
        operator = child(expression, operator_name) if operator_name else "In"
        if operator == "NotIn" and HYBRID_COMPUTE_TYPE in values:
            return True
        if operator == "In" and values and HYBRID_COMPUTE_TYPE not in values:
            return True
    return False


def volume_pinned(volume: Resource) -> bool:
    """Whether every node selector term of a volume's node affinity keeps it off hybrid nodes."""
    terms = values_at(volume.props, "spec.nodeAffinity.required.nodeSelectorTerms")
    return bool(terms) and all(_pins(child(t, "matchExpressions"), "key", "operator") for t in terms)


def pod_pinned(resource: Resource, pod: str) -> bool:
    """Whether a pod spec keeps its pods off hybrid nodes: its nodeSelector's compute type is another, or
    every term of its required node affinity pins it."""
    selected = child(child(value_at(resource.props, pod), "nodeSelector"), HYBRID_COMPUTE_LABEL)
    if isinstance(selected, str) and selected != HYBRID_COMPUTE_TYPE:
        return True
    terms = elements(
        value_at(
            resource.props,
            f"{pod}.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms",
        )
    )
    return bool(terms) and all(_pins(child(t, "matchExpressions"), "key", "operator") for t in terms)


def class_pinned(storage_class: Resource) -> bool:
    """Whether every allowed topology of a class keeps its volumes off hybrid nodes."""
    terms = elements(child(storage_class.props, "allowedTopologies"))
    return bool(terms) and all(_pins(child(t, "matchLabelExpressions"), "key", "") for t in terms)
