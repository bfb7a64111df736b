"""How lineage follows what code sends to its own node (`residency_facts.relays.NODE_ADDRESS_FIELDS`).

A pod learns its node's address from the downward API (`status.hostIP`, `status.hostIPs`, `spec.nodeName`)
and sends to a port there: what listens on that port of every node is a workload of the cluster whose pods
publish it on their node, by a container's `hostPort`, or by `hostNetwork` with that container port (an
agent DaemonSet; reviewer blind-k8s16 v05). Such a workload is a relay (`lineage_relays`): it reads what its
senders read. A sender that names the address with no port (`DD_AGENT_HOST` alone: its library's default
port) sends to any of them.

Decision: a node address with a port no workload of the stack listens on cannot be resolved. What receives
there is something the stack does not declare (an agent a Helm chart or an add-on runs, a process of the
node's own set-up), so the sender fails closed, naming the port; a node address with no port and no listener
(a node name kept for metrics labels) is no destination. A hostNetwork workload that declares no container
ports is not taken to listen on every port.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, NamedTuple

from residency_facts.relays import NODE_ADDRESS_FIELDS
from residency_facts.workloads import POD_SPEC_PATHS

from .locations import Location
from .model import Resource
from .values import Unknown, as_bool, as_number, child, elements, value_at, values_at

if TYPE_CHECKING:
    from .lineage import Lineage

_MEMO = "node sends"


class NodeSend(NamedTuple):
    """Code sending to its own node: how it writes the address, the field it comes from, and the port
    (None: none named; `unread`: a reference the pack cannot read)."""

    written: str
    field: str
    port: int | None
    unread: bool = False


def node_sends(lineage: Lineage, sender: Resource) -> tuple[NodeSend, ...]:
    """Where the sender's configuration sends to its own node: each reference to a variable the downward
    API gives its node's address (`$(HOST_IP)`, `${HOST_IP}`, `$HOST_IP`) and the port written after it; a
    variable referenced nowhere with a port, once with none."""
    found: tuple[NodeSend, ...] | None = sender.memo.get(_MEMO)
    if found is None:
        found = sender.memo[_MEMO] = tuple(dict.fromkeys(_node_sends(lineage, sender)))
    return found


def _node_sends(lineage: Lineage, sender: Resource) -> list[NodeSend]:
    from .environment import environment
    from .lineage_code import mounted_configuration  # lineage_code imports lineage, which imports this

    fields = _address_variables(sender)
    if not fields:
        return []
    mounted = mounted_configuration(lineage, sender)
    variables = environment([sender.props], mounted)
    texts = [
        v for r in (sender, *mounted) for v in values_at(r.props, "**") if isinstance(v, str) and "$" in v
    ]
    found: list[NodeSend] = []
    for name, field in fields.items():
        reference = re.compile(rf"\$\({name}\)|\$\{{(?:env:)?{name}\}}|\${name}(?!\w)")
        ported = False
        for text in texts:
            for match in _with_port(reference, text):
                written, port = match
                if port is None:
                    continue
                ported = True
                number = _port(port, variables)
                found.append(NodeSend(written, field, number, unread=number is None))
        if not ported:
            found.append(NodeSend(f"$({name})", field, None))
    return found


_PORT = re.compile(r":(\d{1,5}|\$\(\w+\)|\$\{\w+\}|\$\w+)")
"""The port written after a node address: a number, or a reference to a variable."""


def _with_port(reference: re.Pattern[str], text: str) -> list[tuple[str, str | None]]:
    """Each reference to the variable in a text, as written with its port, and the port (None: none)."""
    found: list[tuple[str, str | None]] = []
    for match in reference.finditer(text):
        port = _PORT.match(text, match.end())
        found.append((match.group(0) + (port.group(0) if port else ""), port.group(1) if port else None))
    return found


def _port(written: str, variables: dict[str, str]) -> int | None:
    """A port as written, or as the variable it references says (None when neither is a number)."""
    if written.isdigit():
        return int(written)
    name = written.strip("$(){}")
    value = variables.get(name, "")
    return int(value) if value.strip().isdigit() else None


def _address_variables(sender: Resource) -> dict[str, str]:
    """The variables of the sender's containers the downward API gives their node's address, with the
    field."""
    found: dict[str, str] = {}
    for base in POD_SPEC_PATHS:
        for containers in ("containers", "initContainers"):
            for variable in values_at(sender.props, f"{base}.{containers}[].env[]"):
                field = value_at(child(variable, "valueFrom"), "fieldRef.fieldPath")
                name = child(variable, "name")
                if (
                    isinstance(name, str)
                    and re.fullmatch(r"[A-Za-z_]\w*", name)
                    and field in NODE_ADDRESS_FIELDS
                ):
                    found[name] = field
    return found


def node_listeners(lineage: Lineage, sender: Resource, port: int | None) -> list[tuple[Resource, str]]:
    """The workloads of the sender's cluster whose pods listen on a port of their node (any port: None),
    with how."""
    found: list[tuple[Resource, str]] = []
    for workload in lineage.stack.resources:
        if (
            workload is sender
            or workload.provider_urn != sender.provider_urn
            or not workload.type.startswith("kubernetes:")
        ):
            continue
        how = _listens(workload, port)
        if how:
            found.append((workload, how))
    return found


def _listens(workload: Resource, port: int | None) -> str:
    """How a workload's pods listen on a port of their node ('' when they do not)."""
    for base in POD_SPEC_PATHS:
        spec = value_at(workload.props, base)
        if spec is None:
            continue
        host_network = as_bool(child(spec, "hostNetwork"))
        for containers in ("containers", "initContainers"):
            for container in elements(child(spec, containers)):
                for declared in elements(child(container, "ports")):
                    host_port = child(declared, "hostPort")
                    if host_network is True and host_port in (None, 0):
                        host_port = child(declared, "containerPort")
                    if host_port in (None, 0):
                        continue
                    number = as_number(host_port)
                    if port is None or isinstance(number, Unknown) or number == port:
                        how = "hostNetwork" if host_network is True else "hostPort"
                        return f"{how} {_shown(host_port)}"
    return ""


def _shown(value: Any) -> str:
    """A port as a message shows it (the engine sends numbers as floats: 4317.0 is 4317)."""
    if isinstance(value, Unknown):
        return "unknown at preview"
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def node_relays(lineage: Lineage, sender: Resource) -> list[tuple[Resource, str]]:
    """The workloads the sender sends to on its own node, with how."""
    found: list[tuple[Resource, str]] = []
    for send in node_sends(lineage, sender):
        port = None if send.unread else send.port
        for workload, how in node_listeners(lineage, sender, port):
            found.append(
                (workload, f"{send.written}, its node's address ({send.field}), where it listens ({how})")
            )
    return found


def unreceived_node_sends(lineage: Lineage, sender: Resource) -> list[Location]:
    """The ports of its own node code sends to where no workload of the stack listens: fail closed."""
    found: list[Location] = []
    for send in node_sends(lineage, sender):
        if send.port is None and not send.unread:
            continue
        if node_listeners(lineage, sender, None if send.unread else send.port):
            continue
        port = f"port {send.port}" if send.port is not None else "a port the pack cannot read"
        found.append(
            Location(
                f"{port} of its node, where {sender.label} sends ({send.written}, the downward API's "
                f"{send.field}) and no workload of the stack listens (a hostPort, or hostNetwork with that "
                "container port): what receives it there (an agent a Helm chart or an add-on runs, a process "
                "of the node's own set-up) cannot be judged; declare that agent in the stack, or send to a "
                "Service of the stack",
                None,
                None,
                host=True,
                review=True,
            )
        )
    return found
