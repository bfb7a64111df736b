"""Rule 6, pii-not-public, for Helm releases of reviewed remote-access and cluster UI charts.

A tunnel or remote-access agent's chart (cloudflared, Teleport's kube agent, Twingate's connector, Tailscale's
operator, ngrok's operator: `residency_facts/charts.py`) lets its vendor's edge reach the cluster by routes,
or Kubernetes access, kept on the vendor's side. Its values' routes to a Service of PII pods or to a PII
store's host (or values computed from such a store) publish it wherever the cluster is; in a cluster that
holds PII or whose pods read it, what it publishes cannot be seen and it fails closed, as the tunnel rule does
for workloads (`exposure_tunnels`), unless the chart keeps its routes in its values (they are then judged) or
its remote access is switched off (`access_switch`).

A cluster UI's chart (the Kubernetes Dashboard, Headlamp) serves the Kubernetes API with broad rights
(Secrets, pods, exec): published outside the VPC by its values (a Service of type LoadBalancer whose
annotations do not make it internal as the pack reads a declared Service's, a node port, external IPs, an
Ingress or a route the chart creates, whose class and scheme the pack does not see, host networking or host
ports), it publishes every Secret and pod of a cluster that holds or reads PII.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from residency_facts.charts import ChartRole, ReviewedChart

from .charts import HELM_RELEASE, release_namespace, reviewed_chart
from .cluster_access import cluster_holds
from .exposure_services import public_service
from .exposure_tunnels import agent_reach, route_violations
from .lineage import Lineage
from .model import Resource, Stack
from .settings import Settings
from .values import Unknown, as_bool, child, elements, value_at, values_at
from .violations import Violation, exposure_violation

_REMOTE_FIX = (
    "do not give a vendor's edge a way into a cluster that holds or reads personal data: keep the agent's "
    "routes in its values (or a ConfigMap of this stack) and route only to applications that serve no "
    "personal data, or run it in a cluster without personal data; reach PII stores from this region's "
    "networks only."
)
_UI_FIX = (
    "do not publish a cluster UI outside the VPC: keep its Services ClusterIP (reach it with kubectl "
    "port-forward) or behind an internal load balancer (both service.beta.kubernetes.io/aws-load-balancer-"
    "internal and the scheme annotation internal), disable its Ingress and routes (declare your own internal "
    "Ingress in this stack so that the pack judges it), and no host networking."
)
_ROUTE_KEYS = frozenset({"ingress", "httproute", "httproutes", "grpcroute", "route", "routes", "gateway"})
"""Values keys (any case) of the Ingress, Gateway API route or Gateway a chart creates when `enabled`."""


def chart_exposure(
    stack: Stack, lineage: Lineage, protected_by_urn: dict[str, frozenset[str]], settings: Settings
) -> list[Violation]:
    """Releases of reviewed remote-access and cluster UI charts that publish PII."""
    found: list[Violation] = []
    for release in stack.of_type(HELM_RELEASE):
        chart = reviewed_chart(release)
        if chart is None or chart.role not in (ChartRole.REMOTE_ACCESS, ChartRole.CLUSTER_UI):
            continue
        what = f"{release.label} installs the {chart.name} chart ({chart.role})"
        if chart.role is ChartRole.REMOTE_ACCESS:
            found.extend(_remote_access(release, chart, what, stack, lineage, protected_by_urn, settings))
        else:
            found.extend(_published_ui(release, what, stack, lineage, settings))
    return found


def _remote_access(
    release: Resource,
    chart: ReviewedChart,
    what: str,
    stack: Stack,
    lineage: Lineage,
    protected_by_urn: dict[str, frozenset[str]],
    settings: Settings,
) -> list[Violation]:
    values = child(release.props, "values")
    namespace = release_namespace(release)
    found, _ = route_violations(
        release,
        what,
        [values],
        namespace if isinstance(namespace, str) else "default",
        stack,
        lineage,
        protected_by_urn,
        settings,
    )
    found.extend(_computed_from_protected(release, what, lineage, settings))
    if found:
        return found
    why = _vendor_side(values, chart)
    if why is None:
        return []
    kinds = agent_reach(release, stack, lineage, protected_by_urn, settings)
    if not kinds:
        return []
    return [
        exposure_violation(
            release,
            kinds,
            f"{what}: {why}, so what its vendor's edge reaches cannot be seen",
            _REMOTE_FIX,
            settings,
        )
    ]


def _vendor_side(values: Any, chart: ReviewedChart) -> str | None:
    """Why a remote-access chart's routes cannot be read (None: its values hold them, or its remote access
    is switched off)."""
    if isinstance(values, Unknown):
        return "its values are unknown at preview"
    if chart.access_switch is not None:
        path, off = chart.access_switch
        switch = value_at(values, path)
        if switch is None or (isinstance(switch, str | bool) and str(switch).lower() in off):
            return None
        shown = "unknown at preview" if isinstance(switch, Unknown) else repr(switch)
        return f"its {path} is {shown}, which gives its vendor's network access to the cluster"
    if not chart.routes:
        return "its routes (or its Kubernetes access) are kept on its vendor's side"
    everything = as_bool(value_at(values, chart.routes_everything)) if chart.routes_everything else None
    if everything is True or isinstance(everything, Unknown):
        return f"its {chart.routes_everything} routes the cluster's whole network"
    if any(isinstance(v, Unknown) for v in values_at(values, f"{chart.routes}.**")) or isinstance(
        value_at(values, chart.routes), Unknown
    ):
        return f"its routes ({chart.routes}) are unknown at preview"
    return None


def _computed_from_protected(
    release: Resource, what: str, lineage: Lineage, settings: Settings
) -> list[Violation]:
    """A release whose values are computed from a PII store (a database's address a remote-access agent
    proxies): its vendor's edge reaches that store."""
    found: list[Violation] = []
    for dependency in lineage.stack.dependencies(release, "values"):
        for location in lineage.follow(dependency, {release.urn}):
            protected = lineage.classes(location) & settings.protected_classifications
            if protected and location.resource is not None:
                found.append(
                    exposure_violation(
                        release,
                        f"{', '.join(sorted(protected))} data of {location.resource.label}",
                        f"{what} whose values are computed from {location.resource.label}: its vendor's edge "
                        "reaches what they name",
                        _REMOTE_FIX,
                        settings,
                    )
                )
    return found


def _cluster_protected(release: Resource, stack: Stack, lineage: Lineage, settings: Settings) -> str:
    """What protected data the release's cluster holds or its pods read, in words (empty: none)."""
    held, readers = cluster_holds(release, stack, lineage, settings)
    held &= settings.protected_classifications
    read = {k: v for k, v in readers.items() if k in settings.protected_classifications}
    parts = [f"{k} data of its cluster" for k in sorted(held)]
    parts += [
        f"{k} data its cluster's pods read ({', '.join(sorted(set(v)))})" for k, v in sorted(read.items())
    ]
    return "; ".join(parts)


def _published_ui(
    release: Resource, what: str, stack: Stack, lineage: Lineage, settings: Settings
) -> list[Violation]:
    reasons = publications(release, stack, settings)
    if not reasons:
        return []
    kinds = _cluster_protected(release, stack, lineage, settings)
    if not kinds:
        return []
    return [
        exposure_violation(
            release,
            kinds,
            f"{what}, which serves the Kubernetes API's Secrets and pods, and its values publish it: "
            f"{'; '.join(reasons)}",
            _UI_FIX,
            settings,
        )
    ]


def publications(release: Resource, stack: Stack, settings: Settings) -> list[str]:
    """How a chart's values publish what it serves beyond the VPC (empty: they do not)."""
    values = child(release.props, "values")
    if isinstance(values, Unknown):
        return ["its values are unknown at preview"]
    found: list[str] = []
    pending: list[tuple[str, Any, Any]] = [("values", values, None)]
    while pending:
        path, item, parent = pending.pop()
        if isinstance(item, list):
            pending.extend((f"{path}[]", e, parent) for e in elements(item))
            continue
        if not isinstance(item, Mapping):
            continue
        found.extend(_service_publication(release, path, item, parent, stack, settings))
        key = path.rsplit(".", 1)[-1].removesuffix("[]").lower()
        enabled = child(item, "enabled")
        if key in _ROUTE_KEYS and (as_bool(enabled) is True or isinstance(enabled, Unknown)):
            found.append(
                f"{path}.enabled creates an Ingress or route whose class and scheme the pack cannot see"
            )
        for name in ("hostNetwork",):
            switch = child(item, name)
            if as_bool(switch) is True or isinstance(switch, Unknown):
                found.append(f"{path}.{name} puts its pods on their nodes' own addresses")
        port = child(item, "hostPort")
        if port not in (None, 0, "") and not isinstance(port, Mapping):
            found.append(f"{path}.hostPort publishes it on its node's address")
        for key_name in item:
            pending.append((f"{path}.{key_name}", child(item, key_name), item))
    return list(dict.fromkeys(found))


def _service_publication(
    release: Resource, path: str, item: Mapping[str, Any], parent: Any, stack: Stack, settings: Settings
) -> list[str]:
    """Why a values map that describes a Service (its `type`) publishes it: judged as the pack judges a
    declared Service, with the map's `annotations` (or its parent's `serviceAnnotations`, as the Kubernetes
    Dashboard's chart has them), `loadBalancerClass` and `externalIPs`."""
    kind = child(item, "type")
    key = path.rsplit(".", 1)[-1].lower()
    if isinstance(kind, Unknown) and ("service" in key or "proxy" in key):
        return [f"{path}.type is unknown at preview"]
    if kind not in ("LoadBalancer", "NodePort") and not child(item, "externalIPs"):
        return []
    annotations = child(item, "annotations")
    if annotations is None and isinstance(parent, Mapping):
        annotations = child(parent, "serviceAnnotations")
    spec: dict[str, Any] = {"type": kind}
    for name in ("loadBalancerClass", "externalIPs"):
        if child(item, name) is not None:
            spec[name] = child(item, name)
    service = Resource(
        "kubernetes:core/v1:Service",
        f"{release.name} ({path})",
        f"{release.urn}${path}",
        {"metadata": {"annotations": annotations or {}}, "spec": spec},
        provider_type=release.provider_type,
        provider_urn=release.provider_urn,
    )
    why = public_service(service, stack, settings.account_ids)
    return [f"{path} ({kind}): {why}"] if why is not None else []
