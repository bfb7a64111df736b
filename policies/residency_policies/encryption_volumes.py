"""pii-encryption of Kubernetes volumes: the key of the place each volume keeps its bytes in.

Where a claim, a volume or a claim template keeps its bytes is `volumes.volume_places`; here each place is
judged for its key: an EBS class's `encrypted` and `kmsKeyId` (a class that names no key, under the
account's EBS default key when the stack sets it in the cluster's region and account), a holder of the stack
as itself (a file system, a bucket, an EBS volume), the key a driver writes with (Mountpoint's
`sse-kms-key-id`), and what the volume's own configuration says (a node's disk, a provisioner that ignores
`encrypted`, a driver the pack has not reviewed). A CSI snapshot keeps its source's key and is judged on
its source.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from residency_facts import Category

from .attributes import effective_region
from .encryption_keys import (
    KMS_ALIAS,
    account_default_key_problems,
    key_resource_problems,
    literal_key_problems,
)
from .lineage import KMS_KEY_TYPES
from .model import Resource, Stack
from .values import is_set, known_strings, value_at, values_at
from .volumes import Place, volume_places

Judge = Callable[[Resource], list[str]]
"""The rule's judgement of a holder of the stack (`encryption.problems` under the deployment's accounts)."""


def volume_problems(resource: Resource, stack: Stack, judge: Judge) -> list[str]:
    """Why the bytes of a Kubernetes volume holder are not under a customer-managed key of the stack."""
    found: list[str] = []
    for place in volume_places(resource, stack):
        found.extend(_place_problems(place, resource, stack, judge))
    return list(dict.fromkeys(found))


def _place_problems(place: Place, resource: Resource, stack: Stack, judge: Judge) -> list[str]:
    if not place.at_rest:
        return []  # In a node's memory only: no disk, no key to ask of it.
    if place.account_default:
        region = place.region if isinstance(place.region, str) else effective_region(resource, stack)
        by_default = account_default_key_problems(stack, place.region, place.account, region)
        if by_default is not None:
            return [f"{place.what}: {p}" for p in by_default]
    if place.unreviewed:
        return [
            f"{place.what}: the storage driver {place.unreviewed} is not one the pack has reviewed "
            "(policies/residency_facts/volumes.py), so the encryption of its bytes cannot be shown"
        ]
    if place.outside:
        return [f"{place.what} is outside AWS ({place.outside}), under no KMS key of the stack"]
    found = list(place.encryption)
    if place.holder is not None and place.holder_encrypts:
        found.extend(f"{place.holder.label}: {p}" for p in judge(place.holder))
    elif not (found or place.key_owner is not None or place.same_bytes):
        # Nothing shows a key: a server, a volume or a source the pack cannot read.
        found.append(f"{place.what}: nothing shows the key its bytes are encrypted with")
    if place.key_owner is not None:
        region = place.region if isinstance(place.region, str) else effective_region(resource, stack)
        found.extend(
            f"{place.key_owner.label} {place.key_path}: {p}" for p in _key_problems(place, stack, region)
        )
    return found


def _key_problems(place: Place, stack: Stack, region: Any) -> list[str]:
    """The key a driver writes with: a key of the stack the path was computed from, else its literal."""
    owner = place.key_owner
    assert owner is not None
    keys = [
        d for d in stack.dependencies(owner, place.key_path) if d.type in KMS_KEY_TYPES or d.type == KMS_ALIAS
    ]
    if keys:
        return [p for key in keys for p in key_resource_problems(stack, key, region, set())]
    value = place.key_value if place.key_value is not None else value_at(owner.props, place.key_path)
    return literal_key_problems(stack, value, region)


VOLUME_SNAPSHOT_KINDS = (":VolumeSnapshot", ":VolumeSnapshotContent")
SNAPSHOT_SOURCES = (
    "spec.source.persistentVolumeClaimName",
    "spec.source.volumeSnapshotContentName",
    "spec.source.volumeHandle",
    "spec.source.snapshotHandle",
)
"""Where a CSI snapshot names what it was taken from: a claim, or a content object; a content object the
volume (`vol-...`) or the existing EBS snapshot (`snap-...`) it stands for."""


def snapshot_problems(
    snapshot: Resource, stack: Stack, judge: Judge, seen: frozenset[str] = frozenset()
) -> list[str]:
    """A CSI volume snapshot has no StorageClass: an EBS snapshot keeps the key of the volume it was taken
    from, so it is encrypted as its source is, and judged on its source (a claim's StorageClass, a content
    object's volume or snapshot); a source the stack does not declare cannot be shown."""
    sources = [s for s in _snapshot_sources(snapshot, stack) if s.urn not in seen]
    if not sources:
        named = [v for path in SNAPSHOT_SOURCES for v in values_at(snapshot.props, path) if is_set(v)]
        shown = ", ".join(str(v) for v in named) or "nothing"
        return [
            f"its source ({shown}) is not a claim, volume or snapshot of this stack, so the key the snapshot "
            "keeps cannot be shown"
        ]
    found: list[str] = []
    for source in sources:
        if source.type.endswith(VOLUME_SNAPSHOT_KINDS):
            inner = snapshot_problems(source, stack, judge, seen | {snapshot.urn})
        elif source.type.startswith("kubernetes:"):
            inner = volume_problems(source, stack, judge)
        else:
            inner = judge(source)
        found.extend(f"it keeps the encryption of {source.label}: {p}" for p in inner)
    return found


def _snapshot_sources(snapshot: Resource, stack: Stack) -> list[Resource]:
    """The stack's claims, content objects, volumes and snapshots a CSI snapshot was taken from (by lineage,
    else by name in the snapshot's cluster)."""
    found: dict[str, Resource] = {}
    for path in SNAPSHOT_SOURCES:
        for dependency in stack.dependencies(snapshot, path):
            if dependency is not snapshot and dependency.is_a(Category.HOLDS):
                found.setdefault(dependency.urn, dependency)
        for value in known_strings(values_at(snapshot.props, path)):
            for named in stack.named(value):
                same_cluster = named.provider_urn == snapshot.provider_urn
                if (
                    named is not snapshot
                    and named.is_a(Category.HOLDS)
                    and (same_cluster or not named.type.startswith("kubernetes:"))
                ):
                    found.setdefault(named.urn, named)
    return list(found.values())
