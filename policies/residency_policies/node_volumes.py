"""What a Kubernetes workload's pods do with their nodes' directories: read what the other pods keep there, or
keep their own data there.

A hostPath on a directory where the node keeps its pods' logs and volumes (`node_paths.NODE_OUTPUT_PATHS`,
one above or inside) reads them (`lineage_nodes`). A hostPath a pod writes its own data to is a volume on
the node's disk (decision, reviewer blind-k8s14 a16): where a database image keeps its data directory
(`node_paths.DATABASE_DATA_DIRECTORIES`), or any writable hostPath of a workload that declares a
classification, outside the node's system directories and device or socket mounts. Such a workload holds
data at rest, as a claim on a node-local class does: the volume rules judge it (`volumes`), and it is lost
with its node.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from residency_facts import CLASSIFICATION_TAG
from residency_facts.node_paths import (
    DATABASE_DATA_DIRECTORIES,
    EVERYTHING,
    HOST_PATH_DEVICE_TYPES,
    NODE_OUTPUT_PATHS,
    NODE_SYSTEM_PATHS,
)

from .attributes import POD_VOLUME_PATHS, is_kubernetes
from .model import Resource
from .values import Unknown, child, elements, is_set, values_at


def held_under(path: str) -> str | None:
    """What of the pods a hostPath reads: what the node directory it is, or is inside, holds; everything a
    directory above one holds (the node's root `/`, /var/lib); None for another directory."""
    normalised = _normalised(path)
    if normalised == "/":
        return EVERYTHING
    held = set()
    for place, what in NODE_OUTPUT_PATHS.items():
        if normalised == place or normalised.startswith(place + "/"):
            return what
        if place.startswith(normalised + "/"):
            held.add(what)
    if not held:
        return None
    return held.pop() if len(held) == 1 else EVERYTHING


class NodeVolume(NamedTuple):
    """A hostPath volume a workload's pods keep their own data in."""

    volume: str
    """The volume's name in the pod spec."""
    path: str
    """The directory of the node."""
    why: str
    """Why it holds the pods' data, for a message."""
    pod: str
    """Where the workload holds the pod spec that declares it (`spec.template.spec`)."""


def node_data_volumes(resource: Resource) -> tuple[NodeVolume, ...]:
    """The hostPath volumes a Kubernetes workload's pods keep their own data in (see the module)."""
    if not is_kubernetes(resource):
        return ()
    if _NODE_DATA not in resource.memo:
        resource.memo[_NODE_DATA] = tuple(_node_data_volumes(resource))
    found: tuple[NodeVolume, ...] = resource.memo[_NODE_DATA]
    return found


_NODE_DATA = "node data volumes"
"""The key of a Kubernetes resource's memo that keeps what `node_data_volumes` found."""


def _node_data_volumes(resource: Resource) -> list[NodeVolume]:
    label = child(child(child(resource.props, "metadata"), "labels"), CLASSIFICATION_TAG)
    labelled = isinstance(label, Unknown) or is_set(label)
    shown_label = "(unknown at preview)" if isinstance(label, Unknown) else str(label)
    found: dict[str, NodeVolume] = {}
    for volumes_path in POD_VOLUME_PATHS:
        host_paths = {
            child(v, "name"): child(v, "hostPath")
            for v in values_at(resource.props, volumes_path)
            if isinstance(child(v, "name"), str) and child(v, "hostPath") is not None
        }
        if not host_paths:
            continue
        pod = volumes_path.rsplit(".", 1)[0]
        containers = [
            c for key in ("containers", "initContainers") for c in values_at(resource.props, f"{pod}.{key}")
        ]
        for container in containers:
            data_directories = DATABASE_DATA_DIRECTORIES.get(_repository(child(container, "image")), ())
            for mount in elements(child(container, "volumeMounts")):
                name = child(mount, "name")
                if name not in host_paths or name in found:
                    continue
                host_path = host_paths[name]
                path = child(host_path, "path")
                shown = path if isinstance(path, str) else "(unknown at preview)"
                if child(host_path, "type") in HOST_PATH_DEVICE_TYPES:
                    continue
                mounted = child(mount, "mountPath")
                if isinstance(mounted, str) and any(_overlaps(mounted, d) for d in data_directories):
                    image = child(container, "image")
                    found[name] = NodeVolume(name, shown, f"the data directory of the database {image}", pod)
                elif labelled and child(mount, "readOnly") is not True and _keeps_data(path):
                    why = f"a writable directory of the node, of a workload labelled {shown_label}"
                    found[name] = NodeVolume(name, shown, why, pod)
    return list(found.values())


def _keeps_data(path: Any) -> bool:
    """Whether a writable hostPath may keep a pod's data: not a directory of the node's pods (read, not
    written: `lineage_nodes`) nor one of its system directories; unknown at preview, it may."""
    if not isinstance(path, str):
        return True
    if held_under(path) is not None:
        return False
    normalised = _normalised(path)
    return not any(normalised == p or normalised.startswith(p + "/") for p in NODE_SYSTEM_PATHS)


def _overlaps(mounted: str, directory: str) -> bool:
    """Whether a mount path is a data directory, above it or inside it."""
    a, b = _normalised(mounted), _normalised(directory)
    return a == b or b.startswith(a.rstrip("/") + "/") or a.startswith(b + "/")


def _repository(image: Any) -> str:
    """An image reference's repository without its registry, tag or digest, and without the `library/` (or
    ECR Public's `docker/library/`) prefix of Docker's official images: `postgres:17` and
    `public.ecr.aws/docker/library/postgres:17` are both `postgres`."""
    if not isinstance(image, str):
        return ""
    name = image.split("@")[0]
    parts = name.split("/")
    if len(parts) > 1 and ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"):
        parts = parts[1:]
    last = parts[-1].split(":")[0] if parts else ""
    repository = "/".join([*parts[:-1], last]).lower()
    for prefix in ("docker/library/", "library/"):
        if repository.startswith(prefix):
            return repository[len(prefix) :]
    return repository


def _normalised(path: str) -> str:
    return "/" + path.strip("/")
