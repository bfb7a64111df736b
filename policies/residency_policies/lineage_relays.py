"""How lineage follows what code sends to other code in its cluster: relays (`residency_facts/relays.py`).

Code passes on no classification (`lineage._propagate`): what it writes is out of reach. But code in a
Kubernetes cluster that sends its traces, logs or metrics to other code of the cluster hands that code what
it reads (a log line of a customer record is that record), and the relay sends it on where its own exporters
say: a node log shipper forwarding to a fluentd Deployment behind a Service, an application exporting OTLP to
an OpenTelemetryCollector by the Service the operator makes for it, a collector or an Instrumentation the
operator injects into the application's pods. Each relay reads what its senders read, through any number of
relays, and is judged on its own destinations as any code is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from residency_facts.relays import (
    COLLECTOR,
    COLLECTOR_SERVICE_SUFFIXES,
    INSTRUMENTATION,
    INSTRUMENTATION_ANNOTATION_PREFIX,
    KNATIVE_BROKER,
    KNATIVE_BROKER_INGRESSES,
    KNATIVE_CHANNEL_SUFFIX,
    KNATIVE_SUBSCRIPTION,
    KNATIVE_TRIGGER,
    SIDECAR_ANNOTATION,
)
from residency_facts.workloads import POD_SPEC_PATHS

from .attributes import is_kubernetes
from .cluster_dns import LABEL, hosts_in, namespace_of, resolved_services, whole_host
from .lineage_names import of_kinds
from .lineage_node_ports import node_relays
from .lineage_selections import selected_workloads
from .locations import Location, Movement, mechanism_key
from .model import Resource
from .values import Unknown, child, elements, is_mapping, value_at, values_at

if TYPE_CHECKING:
    from .lineage import Lineage

SERVICE = "core:Service"
NAMESPACE = "core:Namespace"


def feed_relays(lineage: Lineage, movements: list[Movement], unread: list[Movement]) -> None:
    """Adds to each relay's code movements what the code that sends to it reads, until nothing changes; a
    relay that read nothing before (not in `movements`) joins them."""
    code = [m for m in (*movements, *unread) if m.mechanism.runs_code and is_kubernetes(m.resource)]
    if not code:
        return
    by_resource: dict[str, list[Movement]] = {}
    for movement in code:
        by_resource.setdefault(movement.resource.urn, []).append(movement)
    relays = {urn: relays_of(lineage, found[0].resource) for urn, found in by_resource.items()}
    fed: set[tuple[str, str, frozenset[str]]] = set()
    changed = True
    while changed:
        changed = False
        for urn, senders in by_resource.items():
            sender = senders[0].resource
            read = frozenset(c for m in senders for s in m.sources for c in lineage.classes(s))
            if not read:
                continue
            for relay, how in relays[urn]:
                key = (urn, relay.urn, read)
                if relay.urn == urn or key in fed or relay.urn not in by_resource:
                    continue
                fed.add(key)
                source = Location(
                    f"what {sender.label} reads and sends it ({how})",
                    lineage.own_region(sender),
                    lineage.account(sender),
                    read,
                )
                for movement in by_resource[relay.urn]:
                    movement.sources.append(source)
                    if movement in unread:
                        unread.remove(movement)
                        movements.append(movement)
                changed = True


def relays_of(lineage: Lineage, sender: Resource) -> list[tuple[Resource, str]]:
    """The code of the sender's cluster it sends to, and how: the workloads behind the Services and the
    collectors behind the operator's Services its configuration names, and what the operator injects into
    its pods."""
    # What a sender names depends on the stack alone: worked out once for both lineages of the stack.
    memo: dict[str, list[tuple[Resource, str]]] = lineage.stack.memo.setdefault("relays", {})
    if sender.urn not in memo:
        memo[sender.urn] = _relays_of(lineage, sender)
    return memo[sender.urn]


def _relays_of(lineage: Lineage, sender: Resource) -> list[tuple[Resource, str]]:
    found: list[tuple[Resource, str]] = []
    namespace = namespace_of(value_at(sender.props, "metadata.namespace"))
    services, collectors = _service_index(lineage)
    cluster = sender.provider_urn
    # A name matters only when it is a Service of the index: a text that holds none of their names is not
    # scanned for hosts (the telemetry SQL, 100 KB), nor a host none of whose labels is one.
    names = {
        name
        for index in (services, collectors)
        for (where_cluster, _, name) in index
        if where_cluster == cluster
    }
    knative = _knative_index(lineage)
    named: list[tuple[str, str]] = []
    for text in _texts(lineage, sender):
        if knative and any(needle in text for needle in (*KNATIVE_BROKER_INGRESSES, KNATIVE_CHANNEL_SUFFIX)):
            # Knative's addresses name the system namespace's ingress or a channel's Service, not a Service
            # of the stack.
            found.extend(_knative_relays(knative, sender, text))
        if any(name in text for name in names):
            named.extend((host, host) for host in hosts_in(text) if names & set(host.rstrip(".").split(".")))
    named.extend(
        (host, written)
        for written in _whole_values(lineage, sender)
        if (host := whole_host(written)) is not None
    )
    for host, written in dict.fromkeys(named):
        for where, name in resolved_services(host, namespace):
            for service in services.get((cluster, where, name), ()):
                found.extend(
                    (w, f"{written}, the Service {service.label}")
                    for w in selected_workloads(lineage, service)
                )
            for collector in collectors.get((cluster, where, name), ()):
                found.append((collector, f"{written}, the Service the operator makes for it"))
    found.extend(_injected(lineage, sender))
    found.extend(node_relays(lineage, sender))
    return list(dict.fromkeys(found))


_BROKER_ADDRESS = re.compile(
    rf"(?<![\w-])(?:{'|'.join(KNATIVE_BROKER_INGRESSES)})\.{LABEL}(?:\.svc(?:\.cluster\.local)?)?\.?(?::\d+)?"
    rf"/({LABEL})/({LABEL})(?![\w.-])"
)
"""A Knative Broker's address: the system namespace's ingress Service, at `/<namespace>/<broker>`."""
_CHANNEL_ADDRESS = re.compile(
    rf"(?<![\w.-])({LABEL}){KNATIVE_CHANNEL_SUFFIX}\.({LABEL})(?:\.svc(?:\.cluster\.local)?)?\.?(?![\w-]|\.[\w-])"
)
"""A Knative channel's address: its Service `<channel>-kn-channel.<namespace>`."""


def _knative_index(lineage: Lineage) -> list[tuple[Resource, tuple[Any, Any, Any]]]:
    """The stack's Knative Brokers, Triggers and Subscriptions with what they receive: ("broker" or
    "channel", namespace, name) of the Broker they are or are on, or of the channel they subscribe to;
    built once per stack."""
    memo: list[tuple[Resource, tuple[Any, Any, Any]]] | None = lineage.stack.memo.get("knative-relays")
    if memo is None:
        memo = []
        for resource in of_kinds(lineage, KNATIVE_BROKER, KNATIVE_TRIGGER, KNATIVE_SUBSCRIPTION):
            namespace = value_at(resource.props, "metadata.namespace")
            key = mechanism_key(resource.type)
            if key == KNATIVE_BROKER:
                memo.append((resource, ("broker", namespace, value_at(resource.props, "metadata.name"))))
            elif key == KNATIVE_TRIGGER:
                broker = value_at(resource.props, "spec.brokerRef.name") or value_at(
                    resource.props, "spec.broker"
                )
                where = value_at(resource.props, "spec.brokerRef.namespace") or namespace
                memo.append((resource, ("broker", where, broker)))
            else:
                memo.append((resource, ("channel", namespace, value_at(resource.props, "spec.channel.name"))))
        lineage.stack.memo["knative-relays"] = memo
    return memo


def _knative_relays(
    index: list[tuple[Resource, tuple[Any, Any, Any]]], sender: Resource, text: str
) -> list[tuple[Resource, str]]:
    """The Knative Brokers, Triggers and Subscriptions of the sender's cluster that receive what it sends
    to the Broker or channel addresses a text names (a name unknown at preview may be any)."""
    named = [("broker", m.group(1), m.group(2), m.group(0)) for m in _BROKER_ADDRESS.finditer(text)]
    named.extend(("channel", m.group(2), m.group(1), m.group(0)) for m in _CHANNEL_ADDRESS.finditer(text))
    found: list[tuple[Resource, str]] = []
    for kind, namespace, name, written in named:
        for resource, (receives, where, target) in index:
            if resource.provider_urn != sender.provider_urn or receives != kind:
                continue
            if all(isinstance(v, Unknown) or v == w for v, w in ((where, namespace), (target, name))):
                found.append((resource, f"{written}, the Knative {kind} {namespace}/{name}"))
    return found


def _service_index(
    lineage: Lineage,
) -> tuple[dict[tuple[Any, Any, str], list[Resource]], dict[tuple[Any, Any, str], list[Resource]]]:
    """The stack's Services and the OpenTelemetry collectors' operator-made Services, by (cluster,
    namespace, name): built once per stack."""
    memo = lineage.stack.memo.get("relay-services")
    if memo is None:
        services: dict[tuple[Any, Any, str], list[Resource]] = {}
        for service in of_kinds(lineage, SERVICE):
            name = value_at(service.props, "metadata.name")
            if isinstance(name, str):
                key = (
                    service.provider_urn,
                    namespace_of(value_at(service.props, "metadata.namespace")),
                    name,
                )
                services.setdefault(key, []).append(service)
        collectors: dict[tuple[Any, Any, str], list[Resource]] = {}
        for collector in of_kinds(lineage, COLLECTOR):
            name = value_at(collector.props, "metadata.name")
            if isinstance(name, str):
                for suffix in COLLECTOR_SERVICE_SUFFIXES:
                    key = (
                        collector.provider_urn,
                        namespace_of(value_at(collector.props, "metadata.namespace")),
                        name + suffix,
                    )
                    collectors.setdefault(key, []).append(collector)
        memo = (services, collectors)
        lineage.stack.memo["relay-services"] = memo
    return memo


def _texts(lineage: Lineage, sender: Resource) -> Iterable[str]:
    """Every text of the sender's inputs and of the ConfigMaps and Secrets its pods read."""
    from .lineage_code import mounted_configuration  # lineage_code imports lineage, which imports this

    for resource in (sender, *mounted_configuration(lineage, sender)):
        for value in values_at(resource.props, "**"):
            if isinstance(value, str) and ("." in value or "://" in value):
                yield value.lower()


def _whole_values(lineage: Lineage, sender: Resource) -> list[str]:
    """The whole values of the sender's inputs and of the ConfigMaps and Secrets its pods read that may name
    a host: not the names of objects, variables or labels (`_NOT_HOSTS`, a key or variable whose name ends
    in `name` and says nothing of a host), nor a command's program."""
    from .environment import configuration_texts
    from .lineage_code import mounted_configuration

    found: list[str] = []
    pending: list[tuple[Any, str]] = [(sender.props, "")]
    for config in mounted_configuration(lineage, sender):
        pending.extend((value, str(key)) for key, value in configuration_texts(config))
    while pending:
        value, key = pending.pop()
        if isinstance(value, str):
            found.append(value)
        elif is_mapping(value):
            variable = child(value, "name")
            if isinstance(variable, str) and child(value, "value") is not None and _names_no_host(variable):
                continue
            pending.extend(
                (child(value, str(k)), str(k))
                for k in value
                if str(k) not in _NOT_HOSTS and not _names_no_host(str(k))
            )
        elif isinstance(value, list):
            items = elements(value)
            pending.extend((item, key) for item in (items[1:] if key == "command" else items))
    return found


def _names_no_host(key: str) -> bool:
    """Whether a key or variable names a name (`serviceName`, `OTEL_SERVICE_NAME`), not a host."""
    lowered = key.lower()
    return lowered.endswith("name") and "host" not in lowered


_NOT_HOSTS = frozenset(
    {
        "metadata",
        "selector",
        "matchLabels",
        "matchExpressions",
        "nodeSelector",
        "affinity",
        "tolerations",
        "topologySpreadConstraints",
        "image",
        "imagePullPolicy",
        "key",
        "path",
        "mountPath",
        "subPath",
        "fieldRef",
        "resourceFieldRef",
        "subdomain",
        "kind",
        "apiVersion",
    }
)
"""Keys whose values name Kubernetes objects, labels, files or fields, never a host (a StatefulSet's
`serviceName` and a pod's `subdomain` name the Service that governs its own pods)."""


def _injected(lineage: Lineage, pod: Resource) -> list[tuple[Resource, str]]:
    """The collectors (sidecar mode) and Instrumentations the OpenTelemetry Operator injects into the pods
    of a workload, by its pod template's annotations, else its Namespace's."""
    annotations = _pod_annotations(lineage, pod)
    if not annotations:
        return []
    namespace = value_at(pod.props, "metadata.namespace")
    found: list[tuple[Resource, str]] = []
    for key, value in annotations.items():
        if key == SIDECAR_ANNOTATION:
            candidates = [
                c for c in of_kinds(lineage, COLLECTOR) if value_at(c.props, "spec.mode") == "sidecar"
            ]
            kinds = "sidecar collector"
        elif isinstance(key, str) and key.startswith(INSTRUMENTATION_ANNOTATION_PREFIX):
            candidates = of_kinds(lineage, INSTRUMENTATION)
            kinds = "instrumentation"
        else:
            continue
        for target in _chosen(pod, candidates, namespace, value):
            found.append((target, f"the {kinds} the operator injects into its pods by {key}"))
    return found


def _chosen(pod: Resource, candidates: list[Resource], namespace: Any, value: Any) -> list[Resource]:
    """The injected objects an annotation's value picks: `true` those of the pod's namespace, a name or
    `<namespace>/<name>` that one, `false` none; a value unknown at preview any of them."""
    same_cluster = [c for c in candidates if c.provider_urn == pod.provider_urn]
    if isinstance(value, Unknown):
        return same_cluster
    if not isinstance(value, str) or value.strip().lower() == "false":
        return []
    wanted = value.strip()
    where, _, name = wanted.rpartition("/")
    where = where or namespace
    return [
        c
        for c in same_cluster
        if value_at(c.props, "metadata.namespace") == where
        and (wanted.lower() == "true" or value_at(c.props, "metadata.name") == name)
    ]


def _pod_annotations(lineage: Lineage, pod: Resource) -> Mapping[str, Any]:
    """The annotations the operator reads for a workload's pods: the namespace's, overridden by the pod
    template's."""
    found: dict[str, Any] = {}
    namespace = value_at(pod.props, "metadata.namespace")
    for candidate in of_kinds(lineage, NAMESPACE):
        if (
            candidate.provider_urn == pod.provider_urn
            and value_at(candidate.props, "metadata.name") == namespace
        ):
            found.update(_mapping(value_at(candidate.props, "metadata.annotations")))
    for path in POD_SPEC_PATHS:
        if not path.endswith("spec") or mechanism_key(pod.type) == COLLECTOR:
            continue
        metadata = path.removesuffix("spec") + "metadata" if path != "spec" else "metadata"
        if path == "spec" and mechanism_key(pod.type) != "core:Pod":
            continue
        found.update(_mapping(child(value_at(pod.props, metadata), "annotations")))
    return found


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}
