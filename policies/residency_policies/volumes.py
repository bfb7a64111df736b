"""Where a Kubernetes volume really keeps its bytes: the places behind a claim, a volume or a claim template.

A claim's bytes are where its StorageClass's provisioner puts them, or where the PersistentVolume it binds to
(`spec.volumeName`, a volume whose `claimRef` names it, a static volume of its class) keeps them; a volume's
are where its source says: a CSI driver's handle and attributes, or an in-tree source. The drivers and
sources are reviewed in `residency_facts/volumes.py`; each gives one `Place` here: a holder of the stack (a
bucket, a file system, an EBS volume), judged as itself, or a region and account read from the volume's own
configuration, or nothing that can be traced. pii-in-jurisdiction judges a place's region and account (and a
node-local volume on a cluster with EKS Hybrid Nodes, which may be on premises), pii-encryption its key, and
lineage carries the volume's classification into the holder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from residency_facts.operators import OPERATOR_VOLUME_CLAIMS
from residency_facts.volumes import (
    EBS,
    EFS,
    FSX_LUSTRE,
    FSX_OPENZFS,
    IN_TREE_SOURCES,
    NODE,
    OTHER_CLOUD,
    S3,
    SERVER,
    VOLUME_DRIVERS,
)

from .attributes import account_of, effective_region, is_kubernetes
from .classification import STORAGE_CLASSES, claim_specs, holds_ephemeral_volumes, storage_classes
from .locations import mechanism_key
from .model import Resource, Stack
from .node_volumes import EMPTY_DIR, node_data_volumes
from .values import UNKNOWN, Unknown, as_bool, child, elements, value_at, values_at
from .volume_sources import (
    LUSTRE,
    OPENZFS,
    PERSISTENT_VOLUME,
    Place,
    class_pinned,
    ebs_volume,
    efs_class,
    efs_volume,
    fsx_volume,
    host_place,
    hybrid_clusters,
    lustre_class,
    metadata,
    mountpoint,
    node_place,
    openzfs_class,
    pod_pinned,
    volume_pinned,
)


def is_volume(resource: Resource) -> bool:
    """Whether a Kubernetes object keeps volume bytes: a claim, a volume, claim templates, or the hostPath
    and emptyDir volumes its pods keep their data in (`node_volumes`)."""
    return _has_claims(resource) or bool(node_data_volumes(resource))


def _operator(resource: Resource) -> bool:
    """An operator's database cluster, whose spec describes its claims (`OPERATOR_VOLUME_CLAIMS`)."""
    return mechanism_key(resource.type) in OPERATOR_VOLUME_CLAIMS


def _has_claims(resource: Resource) -> bool:
    return is_kubernetes(resource) and (
        resource.type.endswith((":PersistentVolumeClaim", ":PersistentVolume", ":StatefulSet"))
        or holds_ephemeral_volumes(resource)
    )


def volume_places(resource: Resource, stack: Stack) -> list[Place]:
    """Every place a Kubernetes volume holder's bytes may be in (memoised on the resource)."""
    if "volume places" not in resource.memo:
        if resource.type.endswith(":PersistentVolume"):
            resource.memo["volume places"] = _volume(resource, stack)
        else:
            found: list[Place] = []
            node_data = _node_data(resource, stack)
            # A workload that keeps data only in node volumes (hostPath, emptyDir) has no claim spec (its
            # own spec is none).
            claims = () if node_data and not _has_claims(resource) and not _operator(resource) else None
            for spec in claim_specs(resource) if claims is None else claims:
                found.extend(_claim(spec, resource, stack))
            found.extend(node_data)
            resource.memo["volume places"] = found
    places: list[Place] = resource.memo["volume places"]
    return places


def _node_data(resource: Resource, stack: Stack) -> list[Place]:
    """The disks of the nodes that run a workload's pods, where its hostPath volumes keep their data: under
    no KMS key of the stack, and lost with the node (decision, reviewer blind-k8s14 a16). An emptyDir a
    database keeps its data directory in is on the same disk (the kubelet's directory), or in the node's
    memory for medium Memory (reviewer blind-k8s15 k21)."""
    found: list[Place] = []
    for volume in node_data_volumes(resource):
        if volume.source == EMPTY_DIR:
            where = "the node's memory" if volume.in_memory else "the node's disk"
            what = f"{where}, through the emptyDir {volume.volume!r} of {resource.label} ({volume.why})"
            review = "the emptyDir of whichever node runs the pod"
        else:
            what = (
                f"the node's disk, through the hostPath {volume.path} of {resource.label} (volume "
                f"{volume.volume!r}: {volume.why})"
            )
            review = "a directory of whichever node runs the pod"
        pinned = pod_pinned(resource, volume.pod)
        found.append(
            node_place(what, resource, stack, pinned, review, by_class=False, at_rest=not volume.in_memory)
        )
    return found


@dataclass
class _VolumeIndex:
    """A cluster's PersistentVolumes by what a claim binds them by: name, claimRef, class."""

    by_name: dict[str, list[Resource]] = field(default_factory=dict)
    by_claim: dict[tuple[Any, Any], list[Resource]] = field(default_factory=dict)
    by_class: dict[str, list[Resource]] = field(default_factory=dict)


def _volume_index(stack: Stack) -> dict[str | None, _VolumeIndex]:
    """The stack's PersistentVolumes indexed per cluster once: each claim finds its own in one look."""
    if "volume index" not in stack.memo:
        index: dict[str | None, _VolumeIndex] = {}
        for volume in stack.of_type(PERSISTENT_VOLUME):
            entry = index.setdefault(volume.provider_urn, _VolumeIndex())
            name = metadata(volume, "name")
            if isinstance(name, str):
                entry.by_name.setdefault(name, []).append(volume)
            if child(child(volume.props, "spec"), "claimRef") is not None:
                key = (
                    value_at(volume.props, "spec.claimRef.name"),
                    value_at(volume.props, "spec.claimRef.namespace"),
                )
                entry.by_claim.setdefault(key, []).append(volume)
            class_name = value_at(volume.props, "spec.storageClassName")
            if isinstance(class_name, str):
                entry.by_class.setdefault(class_name, []).append(volume)
        stack.memo["volume index"] = index
    found: dict[str | None, _VolumeIndex] = stack.memo["volume index"]
    return found


KMS_KEY_PARAMETER = "kmsKeyId"
"""The EBS CSI driver's StorageClass parameter naming the volumes' KMS key (docs/parameters.md of
kubernetes-sigs/aws-ebs-csi-driver); with none, EC2 uses the account's EBS default key."""


def _spellings(parameters: Any, name: str) -> list[str]:
    """The keys of a StorageClass's parameters that the EBS CSI driver reads as `name`: it lowercases every
    key before it reads it (pkg/driver/controller.go, `switch strings.ToLower(key)`). Parameters unknown
    at preview are read under the documented spelling, which then reads as unknown."""
    if not isinstance(parameters, dict):
        return [name]
    wanted = name.lower()
    return sorted(key for key in parameters if isinstance(key, str) and key.lower() == wanted)


BOUND = "bound"
"""How a claim binds: only to the volumes it names (`volumeName`, a volume's `claimRef`, class `""`)."""
STATIC = "static"
"""Or to a static volume of its class, before its class provisions one."""


def bound_volumes(spec: Any, claim: Resource, stack: Stack) -> tuple[list[Resource], str]:
    """The stack's PersistentVolumes a claim spec may bind to, and how (BOUND, STATIC); a name unknown at
    preview binds to the volumes `spec` was computed from."""
    index = _volume_index(stack).get(claim.provider_urn, _VolumeIndex())
    named = child(spec, "volumeName")
    if isinstance(named, Unknown):
        return [d for d in stack.dependencies(claim, "spec") if d.type == PERSISTENT_VOLUME], BOUND
    if isinstance(named, str) and named:
        return index.by_name.get(named, []), BOUND
    name, namespace = metadata(claim, "name"), metadata(claim, "namespace")
    reserved = [*index.by_claim.get((name, namespace), []), *index.by_claim.get((name, None), [])]
    if reserved:
        return reserved, BOUND
    class_name = child(spec, "storageClassName")
    static = index.by_class.get(class_name, []) if isinstance(class_name, str) else []
    return static, BOUND if class_name == "" else STATIC


def _claim(spec: Any, claim: Resource, stack: Stack) -> list[Place]:
    """A claim spec's places: the volume it binds to, else its class's provisioned volume and the static
    volumes of its class (Kubernetes binds a claim to a matching volume before it provisions one)."""
    volumes, how = bound_volumes(spec, claim, stack)
    found = [p for volume in volumes for p in volume_places(volume, stack)]
    if how == BOUND:
        if found:
            return found
        named = child(spec, "volumeName")
        if isinstance(named, Unknown):
            return [Place("a PersistentVolume whose name is unknown at preview (spec.volumeName)")]
        if isinstance(named, str) and named:
            return [
                Place(
                    f"PersistentVolume {named!r} (spec.volumeName), which this stack does not declare",
                    encryption=(
                        f"it binds to PersistentVolume {named!r}, which this stack does not declare",
                    ),
                )
            ]
        return [
            Place(
                "a PersistentVolume without a StorageClass, which this stack does not declare",
                encryption=(
                    'its storageClassName is "" (no provisioning), and no PersistentVolume of this '
                    "stack can bind it, so its encryption cannot be shown",
                ),
            )
        ]
    classes, shown = storage_classes(spec, claim, stack)
    if not classes:
        # It may bind to a static volume of its class, or be provisioned by a class out of sight.
        found.append(
            Place(
                f"the volumes of StorageClass {shown}, which is not in this stack",
                encryption=(
                    f"its StorageClass {shown} is not in this stack, so its encryption cannot be shown",
                ),
            )
        )
        return found
    for storage_class in classes:
        found.extend(_provisioned(storage_class, claim, stack, bool(volumes)))
    return found


def _driver_place(driver: Any, via: str) -> tuple[Place | None, Any]:
    """The review of a driver or provisioner name, or the place that says it cannot be reviewed."""
    if isinstance(driver, Unknown) or not isinstance(driver, str) or not driver:
        shown = "unknown at preview" if isinstance(driver, Unknown) else "not set"
        return Place(f"the volumes of {via}, whose driver is {shown}", unreviewed=f"({shown})"), None
    review = VOLUME_DRIVERS.get(driver)
    if review is None:
        return Place(f"the volumes of {via} (driver {driver})", unreviewed=driver), None
    return None, review


def _provisioned(storage_class: Resource, claim: Resource, stack: Stack, has_static: bool) -> list[Place]:
    """The place of a volume a StorageClass's provisioner creates for a claim."""
    provisioner = child(storage_class.props, "provisioner")
    via = f"{storage_class.label} (provisioner {provisioner})"
    unreviewed, review = _driver_place(provisioner, storage_class.label)
    if unreviewed is not None:
        return [unreviewed]
    parameters = child(storage_class.props, "parameters")
    region, account = effective_region(claim, stack), account_of(claim, stack)
    if review.kind == EBS:
        encrypted_keys, key_keys = (
            _spellings(parameters, "encrypted"),
            _spellings(parameters, KMS_KEY_PARAMETER),
        )
        twice = [f"{' and '.join(k)}" for k in (encrypted_keys, key_keys) if len(k) > 1]
        encrypted = as_bool(child(parameters, encrypted_keys[0])) if len(encrypted_keys) == 1 else None
        problems = tuple(
            f"{storage_class.label} sets parameters {spelt}, which the EBS CSI driver reads as one parameter "
            "(it ignores the case of their keys), keeping whichever it reads last"
            for spelt in twice
        ) or (
            ()
            if encrypted is True
            else (f'{storage_class.label} does not set parameters.encrypted to "true"',)
        )
        key_path = f"parameters.{key_keys[0] if key_keys else KMS_KEY_PARAMETER}"
        # A class that names no key (and does not turn encryption off) gets the account's EBS default key.
        names_no_key = (not key_keys or child(parameters, key_keys[0]) in (None, "")) and encrypted in (
            True,
            None,
        )
        return [
            Place(
                f"EBS volumes {via} creates",
                region,
                account,
                encryption=problems,
                key_owner=storage_class if encrypted is True and not twice else None,
                key_path=key_path,
                account_default=names_no_key,
            )
        ]
    if review.kind == EFS:
        return efs_class(storage_class, claim, stack, via)
    if review.kind == FSX_LUSTRE:
        return lustre_class(storage_class, claim, stack, via)
    if review.kind == FSX_OPENZFS:
        return openzfs_class(storage_class, claim, stack, via)
    if review.kind == NODE:
        if provisioner == "kubernetes.io/no-provisioner":
            if has_static:
                return []
            return [
                Place(
                    f"local PersistentVolumes of {storage_class.label}, none of which this stack declares",
                    encryption=(
                        f"{storage_class.label} provisions nothing, and no PersistentVolume of this stack "
                        "binds it",
                    ),
                )
            ]
        pinned = class_pinned(storage_class)
        return [node_place(f"the nodes' disks, through {via}", claim, stack, pinned, review.review)]
    if review.kind == SERVER:
        hosts = [v for key in ("server", "source") for v in values_at(parameters, key)]
        if not hosts:
            return [Place(f"the storage server {via} is configured with, outside its parameters")]
        return [p for host in hosts for p in host_place(host, storage_class, stack, via)]
    if review.kind == OTHER_CLOUD:
        return [Place(f"{via}", outside=review.review)]
    # Mountpoint for Amazon S3 provisions nothing: a claim of its class binds only to a static volume.
    if has_static:
        return []
    return [
        Place(
            f"{via}, which provisions no volumes",
            encryption=(
                f"{storage_class.label} provisions no volumes, and no PersistentVolume of this stack binds "
                "it",
            ),
        )
    ]


def _volume(volume: Resource, stack: Stack) -> list[Place]:
    """A PersistentVolume's place, by its CSI driver or in-tree source."""
    spec = child(volume.props, "spec")
    if isinstance(spec, Unknown):
        return [Place(f"{volume.label}'s source, unknown at preview")]
    csi = child(spec, "csi")
    if csi is not None:
        driver = child(csi, "driver")
        via = f"{volume.label} (driver {driver})"
        unreviewed, review = _driver_place(driver, volume.label)
        if unreviewed is not None:
            return [unreviewed]
        handle = child(csi, "volumeHandle")
        attributes = child(csi, "volumeAttributes")
        if review.kind == EBS:
            return ebs_volume(handle, volume, stack, via)
        if review.kind == EFS:
            return efs_volume(handle, attributes, volume, stack, via)
        if review.kind == S3:
            return mountpoint(attributes, volume, stack, via)
        if review.kind in (FSX_LUSTRE, FSX_OPENZFS):
            types = LUSTRE if review.kind == FSX_LUSTRE else OPENZFS
            dns = child(attributes, "dnsname") if review.kind == FSX_LUSTRE else child(attributes, "DNSName")
            return fsx_volume(handle, dns, types, volume, stack, via)
        if review.kind == NODE:
            return [
                node_place(
                    f"the nodes' disks, through {via}", volume, stack, volume_pinned(volume), review.review
                )
            ]
        if review.kind == SERVER:
            hosts = [v for key in ("server", "source") for v in values_at(attributes, key)]
            if not hosts:
                return [Place(f"the storage server of {via}, which its attributes do not name")]
            return [p for host in hosts for p in host_place(host, volume, stack, via)]
        if review.kind == OTHER_CLOUD:
            return [Place(via, outside=review.review)]
        return [Place(f"{via}, which mounts no static volume the pack can read")]
    for source, (kind, naming) in IN_TREE_SOURCES.items():
        value = child(spec, source)
        if value is None:
            continue
        via = f"{volume.label} (spec.{source})"
        named = child(value, naming)
        if kind == EBS:
            return ebs_volume(named, volume, stack, via)
        if kind == NODE:
            return [
                node_place(
                    f"the nodes' disks, through {via}",
                    volume,
                    stack,
                    volume_pinned(volume),
                    "a path on the node",
                )
            ]
        if kind == SERVER:
            hosts = elements(named) or [UNKNOWN]
            return [p for host in hosts for p in host_place(host, volume, stack, via)]
        return [Place(via, outside="another provider's storage, outside AWS")]
    return [Place(f"{volume.label}, whose source the pack does not know", unreviewed="(no known source)")]


__all__ = [
    "BOUND",
    "STATIC",
    "STORAGE_CLASSES",
    "Place",
    "bound_volumes",
    "hybrid_clusters",
    "is_volume",
    "volume_places",
]
