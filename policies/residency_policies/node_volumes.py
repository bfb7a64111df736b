"""What a Kubernetes workload's pods do with their nodes' directories: read what the other pods keep there, or
keep their own data there.

A hostPath on a directory where the node keeps its pods' logs and volumes (`node_paths.NODE_OUTPUT_PATHS`,
one above or inside) reads them (`lineage_nodes`). A hostPath a pod writes its own data to is a volume on
the node's disk (decision, reviewer blind-k8s14 a16): where a database image keeps its data directory
(`node_paths.DATABASE_DATA_DIRECTORIES`), or any writable hostPath of a workload that declares a
classification, outside the node's system directories and device or socket mounts. Such a workload holds
data at rest, as a claim on a node-local class does: the volume rules judge it (`volumes`), and it is lost
with its node.

A database's data directory on a volume that lives only as long as its pod is lost with the pod (decision,
reviewer blind-k8s15 k21): an emptyDir, which the kubelet keeps on the node's disk (or in its memory,
medium Memory) and deletes with the pod, is a node volume of the same kind as a hostPath; a generic
ephemeral volume's claim is deleted with its pod (`ephemeral_data_volumes`). Only a data directory counts
(a socket directory, `/tmp`, `/dev/shm` are the scratch space these volumes are for), and not in a pod that
runs to completion (`node_paths.RUN_TO_COMPLETION_KINDS`).
"""

from __future__ import annotations

from typing import Any, NamedTuple

from residency_facts import CLASSIFICATION_TAG
from residency_facts.node_paths import (
    DATABASE_DATA_DIRECTORIES,
    DATABASE_DATA_VARIABLES,
    EVERYTHING,
    HOST_PATH_DEVICE_TYPES,
    NODE_OUTPUT_PATHS,
    NODE_SYSTEM_PATHS,
    RUN_TO_COMPLETION_KINDS,
)

from .attributes import POD_VOLUME_PATHS, ephemeral_claim_templates, is_kubernetes
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


HOST_PATH = "hostPath"
EMPTY_DIR = "emptyDir"


class NodeVolume(NamedTuple):
    """A volume of the node a workload's pods keep their own data in: a hostPath, or an emptyDir."""

    volume: str
    """The volume's name in the pod spec."""
    path: str
    """The directory of the node (a hostPath's; empty for an emptyDir, which the kubelet places)."""
    why: str
    """Why it holds the pods' data, for a message."""
    pod: str
    """Where the workload holds the pod spec that declares it (`spec.template.spec`)."""
    source: str = HOST_PATH
    """HOST_PATH (kept with the node) or EMPTY_DIR (deleted with the pod)."""
    in_memory: bool = False
    """An emptyDir of medium Memory: a tmpfs in the node's memory, not at rest on a disk."""


def node_data_volumes(resource: Resource) -> tuple[NodeVolume, ...]:
    """The hostPath and emptyDir volumes a Kubernetes workload's pods keep their own data in (see the
    module)."""
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
    pod_scoped = _keeps_stores(resource)
    found: dict[str, NodeVolume] = {}
    for volumes_path in POD_VOLUME_PATHS:
        volumes = [v for v in values_at(resource.props, volumes_path) if isinstance(child(v, "name"), str)]
        host_paths = {
            child(v, "name"): child(v, "hostPath") for v in volumes if child(v, "hostPath") is not None
        }
        empty_dirs = {
            child(v, "name"): child(v, "emptyDir") for v in volumes if pod_scoped and _is_empty_dir(v)
        }
        if not host_paths and not empty_dirs:
            continue
        pod = volumes_path.rsplit(".", 1)[0]
        for container in _containers(resource, pod):
            image = child(container, "image")
            for mount in elements(child(container, "volumeMounts")):
                name = child(mount, "name")
                if name in found or (name not in host_paths and name not in empty_dirs):
                    continue
                database = _holds_data_directory(container, mount)
                if name in empty_dirs:
                    if database:
                        why = f"the data directory of the database {image}"
                        memory = child(empty_dirs[name], "medium") == "Memory"
                        found[name] = NodeVolume(name, "", why, pod, EMPTY_DIR, memory)
                    continue
                host_path = host_paths[name]
                path = child(host_path, "path")
                shown = path if isinstance(path, str) else "(unknown at preview)"
                if child(host_path, "type") in HOST_PATH_DEVICE_TYPES:
                    continue
                if database:
                    found[name] = NodeVolume(name, shown, f"the data directory of the database {image}", pod)
                elif labelled and child(mount, "readOnly") is not True and _keeps_data(path):
                    why = f"a writable directory of the node, of a workload labelled {shown_label}"
                    found[name] = NodeVolume(name, shown, why, pod)
    return list(found.values())


def ephemeral_data_volumes(resource: Resource) -> tuple[tuple[str, str], ...]:
    """The generic ephemeral volumes a Kubernetes workload's pods keep a database's data directory in, each
    with the database's image: each pod's claim is deleted with the pod, so the next pod starts on a new,
    empty volume (see the module)."""
    if not is_kubernetes(resource) or not _keeps_stores(resource):
        return ()
    names = {name for name, _ in ephemeral_claim_templates(resource)}
    if not names:
        return ()
    found: dict[str, str] = {}
    for volumes_path in POD_VOLUME_PATHS:
        for container in _containers(resource, volumes_path.rsplit(".", 1)[0]):
            for mount in elements(child(container, "volumeMounts")):
                name = child(mount, "name")
                if name in names and name not in found and _holds_data_directory(container, mount):
                    found[str(name)] = str(child(container, "image"))
    return tuple(found.items())


def _containers(resource: Resource, pod: str) -> list[Any]:
    return [c for key in ("containers", "initContainers") for c in values_at(resource.props, f"{pod}.{key}")]


def _keeps_stores(resource: Resource) -> bool:
    """Whether the workload's pods are meant to keep running (not a Job's, which run to completion): only
    then is a database on a volume of the pod's lifetime a store that loses its data."""
    return resource.type.rsplit(":", 1)[-1] not in RUN_TO_COMPLETION_KINDS


def _is_empty_dir(volume: Any) -> bool:
    return child(volume, "emptyDir") is not None


def _holds_data_directory(container: Any, mount: Any) -> bool:
    """Whether a container's mount is a database image's data directory (above it or inside it): where its
    data directory variable points (`node_paths.DATABASE_DATA_VARIABLES`), else the image's default."""
    repository = _repository(child(container, "image"))
    variables = DATABASE_DATA_VARIABLES.get(repository, ())
    moved = [
        value
        for entry in (elements(child(container, "env")) if variables else ())
        if child(entry, "name") in variables and isinstance(value := child(entry, "value"), str)
    ]
    defaults = DATABASE_DATA_DIRECTORIES.get(repository, ())
    directories = [m for m in moved if m.startswith("/")] or list(defaults)
    mounted = child(mount, "mountPath")
    return isinstance(mounted, str) and any(_overlaps(mounted, d) for d in directories)


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
