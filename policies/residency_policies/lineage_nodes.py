"""How lineage reads what a workload mounts of its nodes: the pod logs, container file systems and pod
volumes every pod of the node writes.

A log shipper (Fluent Bit, Vector, the OpenTelemetry collector's filelog receiver) mounts the node's
/var/log/pods or /var/log/containers by a hostPath; in a cluster whose pods read PII, it reads what they log.
A workload that mounts the kubelet's pod or plugin directories (where the volumes of the node's pods are
mounted and staged), the node's devices, or runs a privileged container (which sees them all) reads what
they hold (`residency_facts.node_paths`). Such a workload's code reads what the other code of its cluster
reads (`node_output_sources`), and is judged on its own destinations as any code is: a CSI node plugin that
mounts them and sends nowhere stays compliant. An operator's output whose agent the operator runs as such a
DaemonSet (the Fluent Operator's ClusterOutput: `mechanisms.NODE_LOG_SHIPPERS`) reads the nodes' pod logs by
definition.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from residency_facts.mechanisms import MESH_TELEMETRY, NODE_LOG_SHIPPERS
from residency_facts.node_paths import EVERYTHING, LOGS, PRIVILEGED_NODE_READ, VOLUMES

from .attributes import is_kubernetes
from .lineage_charts import chart_node_reads
from .locations import Location, Movement, mechanism_key
from .model import Resource
from .node_volumes import held_under
from .values import Unknown, child, is_mapping
from .volumes import is_volume

if TYPE_CHECKING:
    from .lineage import Lineage


class NodeRead(NamedTuple):
    """What a workload reads of its nodes' pods, and through what (for a message)."""

    mount: str
    """The hostPath, the privileged container, the chart or the operator's agent that reads it."""
    held: str
    """What of the pods it reads: their logs, their volumes, or both (`residency_facts.node_paths`)."""


def node_output_mount(resource: Resource) -> str | None:
    """The hostPath through which a Kubernetes workload's pods read what the other pods on their node write
    (one of `node_paths.NODE_OUTPUT_PATHS`, a directory above one, or one inside), or None; `unknown at
    preview` when a hostPath's path cannot be read; a privileged container; for a release of a reviewed log
    shipper or backup chart, what it reads; for an operator's output that ships the nodes' pod logs
    (`NODE_LOG_SHIPPERS`), what it ships."""
    read = node_output_read(resource)
    return None if read is None else read.mount


def node_output_read(resource: Resource) -> NodeRead | None:
    """What `node_output_mount` finds, with what of the pods it reads."""
    if not is_kubernetes(resource):
        return None
    if _NODE_OUTPUT not in resource.memo:
        # The same for every lineage of the stack (two per stack) and each time one asks: read once.
        resource.memo[_NODE_OUTPUT] = _node_output_read(resource)
    found: NodeRead | None = resource.memo[_NODE_OUTPUT]
    return found


_NODE_OUTPUT = "node output mount"
"""The key of a Kubernetes resource's memo that keeps what `node_output_read` found."""


def _node_output_read(resource: Resource) -> NodeRead | None:
    reads = chart_node_reads(resource)
    if reads is not None:
        # A reviewed chart whose DaemonSet mounts the node's logs or volumes: its values say no hostPath.
        return NodeRead(reads, LOGS)
    key = mechanism_key(resource.type)
    shipped = NODE_LOG_SHIPPERS.get(key) or MESH_TELEMETRY.get(key)
    if shipped is not None:
        return NodeRead(shipped, LOGS)
    privileged: NodeRead | None = None
    pending: list[Any] = [resource.props]
    while pending:
        item = pending.pop()
        if is_mapping(item):
            host_path = item.get("hostPath")
            if isinstance(host_path, Mapping | Unknown):
                path = child(host_path, "path")
                if isinstance(path, Unknown) or isinstance(host_path, Unknown):
                    return NodeRead("a hostPath unknown at preview", EVERYTHING)
                held = held_under(path) if isinstance(path, str) else None
                if held is not None:
                    return NodeRead(path, held)
            flag = child(item.get("securityContext"), "privileged")
            if privileged is None and (flag is True or isinstance(flag, Unknown)):
                shown = PRIVILEGED_NODE_READ if flag is True else "a privileged flag unknown at preview"
                privileged = NodeRead(shown, EVERYTHING)
            pending.extend(v for k, v in item.items() if k != "hostPath")
        elif isinstance(item, list):
            pending.extend(item)
    # A hostPath names what is read more closely than a privileged container does: it is said first.
    return privileged


def _volume_holders(lineage: Lineage) -> dict[str | None, list[Resource]]:
    """The Kubernetes objects of each cluster whose volumes hold resident data (claims, volumes, claim
    templates, hostPath data), indexed once per lineage."""
    resident = lineage.settings.resident_classifications
    found: dict[str | None, list[Resource]] = {}
    for resource in lineage.stack.resources:
        if is_volume(resource) and lineage.effective(resource) & resident:
            found.setdefault(resource.provider_urn, []).append(resource)
    return found


def _volume_sources(
    lineage: Lineage, reader: Resource, holders: list[Resource], mount: str | None
) -> list[Location]:
    """What a reader of the nodes' volumes reads of the volume holders of its cluster: the kubelet mounts
    every volume of a node's pods there, whoever reads it (reviewer blind-k8s14 a12)."""
    found = []
    for holder in holders:
        here = lineage.locate(holder)
        classes = lineage.classes(here)
        found.append(
            Location(
                f"the volumes of {lineage.chain(here, sorted(classes)[0])}, on the nodes {reader.label} "
                f"mounts ({mount})",
                here.region,
                here.account,
                classes,
            )
        )
    return found


def node_output_sources(lineage: Lineage, readers: list[Movement], movements: list[Movement]) -> None:
    """Adds to each node-output reader's sources what the other code of its cluster reads: the pods of that
    code write it to their logs and volumes on the nodes the reader mounts (a log line of a customer record
    is that record). Indexed by cluster once, so the work stays linear in the movements."""
    by_cluster: dict[str | None, list[tuple[Resource, Location]]] = {}
    for movement in movements:
        if movement.mechanism.runs_code and is_kubernetes(movement.resource):
            for source in movement.sources:
                by_cluster.setdefault(movement.resource.provider_urn, []).append((movement.resource, source))
    volumes: dict[str | None, list[Resource]] | None = None
    for reader in readers:
        seen = {id(s) for s in reader.sources}
        read = node_output_read(reader.resource)
        mount, held = (read.mount, read.held) if read is not None else (None, LOGS)
        mesh = mechanism_key(reader.resource.type) in MESH_TELEMETRY
        listed: set[str] = set()
        if held in (VOLUMES, EVERYTHING):
            if volumes is None:
                volumes = _volume_holders(lineage)
            holders = [h for h in volumes.get(reader.resource.provider_urn, []) if h is not reader.resource]
            reader.sources.extend(_volume_sources(lineage, reader.resource, holders, mount))
            # A holder's own pods that read it read the same volumes: said once.
            listed = {h.urn for h in holders}
        for workload, source in by_cluster.get(reader.resource.provider_urn, []):
            if workload is reader.resource or id(source) in seen:
                continue
            if source.resource is not None and source.resource.urn in listed:
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
                    else f"the {held} of {workload.label}, which reads {chain}, on the nodes "
                    f"{reader.resource.label} mounts ({mount})",
                    source.region,
                    source.account,
                    classes,
                )
            )
