"""How lineage reads what a workload mounts of its nodes: the pod logs, container file systems and pod
volumes every pod of the node writes.

A log shipper (Fluent Bit, Vector, the OpenTelemetry collector's filelog receiver) mounts the node's
/var/log/pods or /var/log/containers by a hostPath; in a cluster whose pods read PII, it reads what they log.
Such a workload's code reads what the other code of its cluster reads (`node_output_sources`), and is
judged on its own destinations as any code is. An operator's output whose agent the operator runs as such a
DaemonSet (the Fluent Operator's ClusterOutput: `mechanisms.NODE_LOG_SHIPPERS`) reads the nodes' pod logs by
definition.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from residency_facts.mechanisms import MESH_TELEMETRY, NODE_LOG_SHIPPERS

from .attributes import is_kubernetes
from .lineage_charts import chart_node_reads
from .locations import Location, Movement, mechanism_key
from .model import Resource
from .values import Unknown, child, is_mapping

if TYPE_CHECKING:
    from .lineage import Lineage


NODE_OUTPUT_PATHS = (
    "/var/log/pods",
    "/var/log/containers",
    "/var/lib/docker/containers",
    "/var/lib/containerd",
    "/var/lib/kubelet/pods",
)
"""Where a node keeps what its pods write: the container logs the kubelet and the container runtime keep
(kubernetes.io/docs/concepts/cluster-administration/logging/), the containers' file systems, and the pods'
volumes (the kubelet's pods directory)."""


def node_output_mount(resource: Resource) -> str | None:
    """The hostPath through which a Kubernetes workload's pods read what the other pods on their node write
    (one of NODE_OUTPUT_PATHS, a directory above one, or one inside), or None; `unknown at preview` when a
    hostPath's path cannot be read; for a release of a reviewed log shipper or backup chart, what it reads;
    for an operator's output that ships the nodes' pod logs (`NODE_LOG_SHIPPERS`), what it ships."""
    if not is_kubernetes(resource):
        return None
    if _NODE_OUTPUT not in resource.memo:
        # The same for every lineage of the stack (two per stack) and each time one asks: read once.
        resource.memo[_NODE_OUTPUT] = _node_output_mount(resource)
    found: str | None = resource.memo[_NODE_OUTPUT]
    return found


_NODE_OUTPUT = "node output mount"
"""The key of a Kubernetes resource's memo that keeps what `node_output_mount` found."""


def _node_output_mount(resource: Resource) -> str | None:
    reads = chart_node_reads(resource)
    if reads is not None:
        # A reviewed chart whose DaemonSet mounts the node's logs or volumes: its values say no hostPath.
        return reads
    key = mechanism_key(resource.type)
    shipped = NODE_LOG_SHIPPERS.get(key) or MESH_TELEMETRY.get(key)
    if shipped is not None:
        return shipped
    pending: list[Any] = [resource.props]
    while pending:
        item = pending.pop()
        if is_mapping(item):
            host_path = item.get("hostPath")
            if isinstance(host_path, Mapping | Unknown):
                path = child(host_path, "path")
                if isinstance(path, Unknown) or isinstance(host_path, Unknown):
                    return "a hostPath unknown at preview"
                if isinstance(path, str) and _reaches_node_output(path):
                    return path
            pending.extend(v for k, v in item.items() if k != "hostPath")
        elif isinstance(item, list):
            pending.extend(item)
    return None


def _reaches_node_output(path: str) -> bool:
    normalised = "/" + path.strip("/")
    if normalised == "/":
        return True
    return any(
        normalised == place or place.startswith(normalised + "/") or normalised.startswith(place + "/")
        for place in NODE_OUTPUT_PATHS
    )


def node_output_sources(lineage: Lineage, readers: list[Movement], movements: list[Movement]) -> None:
    """Adds to each node-output reader's sources what the other code of its cluster reads: the pods of that
    code write it to their logs and volumes on the nodes the reader mounts (a log line of a customer record
    is that record). Indexed by cluster once, so the work stays linear in the movements."""
    by_cluster: dict[str | None, list[tuple[Resource, Location]]] = {}
    for movement in movements:
        if movement.mechanism.runs_code and is_kubernetes(movement.resource):
            for source in movement.sources:
                by_cluster.setdefault(movement.resource.provider_urn, []).append((movement.resource, source))
    for reader in readers:
        seen = {id(s) for s in reader.sources}
        mount = node_output_mount(reader.resource)
        mesh = mechanism_key(reader.resource.type) in MESH_TELEMETRY
        for workload, source in by_cluster.get(reader.resource.provider_urn, []):
            if workload is reader.resource or id(source) in seen:
                continue
            classes = lineage.classes(source)
            if not classes:
                continue
            chain = lineage.chain(source, sorted(classes)[0])
            reader.sources.append(
                Location(
                    f"the requests of {workload.label}, which reads {chain}, that {reader.resource.label} "
                    f"reports ({mount})"
                    if mesh
                    else f"the logs of {workload.label}, which reads {chain}, on the nodes "
                    f"{reader.resource.label} mounts ({mount})",
                    source.region,
                    source.account,
                    classes,
                )
            )
