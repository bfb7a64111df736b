"""Rule 6, pii-not-public, for multi-cluster networks: what they publish to clusters the stack does not
declare.

A Multi-Cluster Services `ServiceExport` (multicluster.x-k8s.io; on EKS the AWS Cloud Map MCS controller)
exports the Service of its own name and namespace to every cluster of its ClusterSet. Skupper publishes a
Service or a workload annotated `skupper.io/proxy` (v1; the Service case is `exposure_services.MESH_EXPORTS`)
and the pods a `Connector` selects (v2, `spec.selector`, a label selector such as `app=db`) on every site
linked to its network; Cilium ClusterMesh and Linkerd publish a Service by its metadata
(`exposure_services.MESH_EXPORTS`). Those clusters and sites are not in the stack and may be in any region or
account, so what they reach is judged as published: the PII pods the exported Service selects (in a cluster
that holds PII, a Service whose pods the stack does not declare fails closed, as for an Ingress), the PII
workload itself, and, for a Connector, the PII pods its selector matches; a selector or namespace unknown at
preview, or one the pack cannot parse, fails closed in a cluster that holds PII.

An application that serves personal data (a workload whose classification, labelled or inherited, is
protected) is published too when a multi-cluster network exports it, although the same application behind the
product's load balancer is not: the load balancer is the front the design gives the product's users, and what
the application returns them is application code's; an export joins the workloads of clusters elsewhere to the
callers the application trusts inside its own cluster (no front, often no authentication), which makes the
other region's cluster a reader of the application's data. Sources: the Skupper v1 annotations
as Red Hat Service Interconnect 1.x documents them; the v2 Connector's `selector`, `host` and `routingKey` as
skupper.io documents v2alpha1 (not checked against its CRD schema).
"""

from __future__ import annotations

import re
from typing import Any

from .attributes import REGION_PATTERN
from .classification import held
from .environment import decoded_data
from .exposure_ingress import published
from .exposure_services import SKUPPER_PROXY, kind_tokens, mesh_export, same_cluster
from .lineage import Lineage
from .lineage_selections import backends, selected_workloads, workloads_matching
from .locations import mechanism_key
from .model import Resource, Stack
from .settings import Settings
from .values import UNKNOWN, Unknown, child, is_set, value_at, values_at
from .violations import Violation, exposure_violation

SERVICE_EXPORT = "multicluster.x-k8s.io:ServiceExport"
ISTIO_GATEWAY = "networking.istio.io:Gateway"
EAST_WEST_MODE = "AUTO_PASSTHROUGH"
"""The server TLS mode of Istio's east-west gateways (istio/api networking/v1alpha3/gateway.proto): it routes
by SNI to any Service its hosts match, for the pods of the mesh's other clusters."""
REMOTE_SECRET_LABEL = "istio/multiCluster"
"""The label of the Secrets giving istiod another cluster's API server (`istioctl create-remote-secret`)."""
SKUPPER_CONNECTOR = "skupper.io:Connector"
_ELSEWHERE = "which this stack does not declare and which may be in any region or account"
_FIX = (
    "keep Services and pods that serve personal data out of multi-cluster networks (no ServiceExport, "
    "Skupper annotation or Connector for them); share only anonymised data across clusters."
)
_LABEL = re.compile(r"^\s*([A-Za-z0-9./_-]+)\s*==?\s*([A-Za-z0-9._-]*)\s*$")
"""One equality requirement of a label selector string (`key=value`, `key==value`)."""


def multicluster_exposure(
    stack: Stack, lineage: Lineage, protected_by_urn: dict[str, frozenset[str]], settings: Settings
) -> list[Violation]:
    """ServiceExports, Skupper-annotated workloads and Skupper Connectors that publish PII."""
    found: list[Violation] = []
    for export in stack.of_type(*kind_tokens(stack, (SERVICE_EXPORT,))):
        metadata = child(export.props, "metadata")
        name, namespace = child(metadata, "name"), child(metadata, "namespace")
        why = f"its ServiceExport exports it to every cluster of its ClusterSet, {_ELSEWHERE}"
        found.extend(
            published(export, [(namespace, name)], why, stack, lineage, protected_by_urn, settings, _FIX)
        )
        for service in same_cluster(stack, export, ("core:Service",)):
            if value_at(service.props, "metadata.name") == name and (
                value_at(service.props, "metadata.namespace") == namespace
            ):
                found.extend(_applications(export, service, why, lineage, settings))
    for service in stack.of_type(*kind_tokens(stack, ("core:Service",))):
        exported = mesh_export(service)
        if exported is not None:
            found.extend(_applications(service, service, exported, lineage, settings))
    for resource in stack.resources:
        if not resource.type.startswith("kubernetes:") or mechanism_key(resource.type) == "core:Service":
            continue
        if not is_set(child(child(child(resource.props, "metadata"), "annotations"), SKUPPER_PROXY)):
            continue
        protected = lineage.effective(resource) & settings.protected_classifications
        if protected:
            found.append(
                exposure_violation(
                    resource,
                    held(lineage, resource, protected),
                    f"{resource.label} is annotated {SKUPPER_PROXY}: Skupper publishes its pods on every "
                    f"site linked to its network, {_ELSEWHERE}",
                    _FIX,
                    settings,
                )
            )
    for connector in stack.of_type(*kind_tokens(stack, (SKUPPER_CONNECTOR,))):
        found.extend(_connector(connector, stack, lineage, protected_by_urn, settings))
    for gateway in stack.of_type(*kind_tokens(stack, (ISTIO_GATEWAY,))):
        found.extend(_east_west(gateway, stack, lineage, protected_by_urn, settings))
    return found


def _east_west(
    gateway: Resource,
    stack: Stack,
    lineage: Lineage,
    protected_by_urn: dict[str, frozenset[str]],
    settings: Settings,
) -> list[Violation]:
    """The Services an Istio east-west gateway (an AUTO_PASSTHROUGH server) publishes to the mesh's other
    clusters, when one of them may be outside the allowed regions (the remote secrets' API servers)."""
    hosts = [
        host
        for server in values_at(gateway.props, "spec.servers[]")
        if child(child(server, "tls"), "mode") in (EAST_WEST_MODE, UNKNOWN)
        or isinstance(child(server, "tls"), Unknown)
        for host in values_at(server, "hosts[]")
    ]
    if not hosts:
        return []
    elsewhere = _remote_clusters(gateway, stack, settings)
    if elsewhere is None:
        return []
    why = (
        f"its Istio east-west gateway {gateway.label} (AUTO_PASSTHROUGH) publishes it to the mesh's other "
        f"clusters: {elsewhere}"
    )
    found: list[Violation] = []
    services = [s for s in same_cluster(stack, gateway, ("core:Service",)) if _matches(s, hosts)]
    names = [(value_at(s.props, "metadata.namespace"), value_at(s.props, "metadata.name")) for s in services]
    found.extend(published(gateway, names, why, stack, lineage, protected_by_urn, settings, _FIX))
    for service in services:
        found.extend(_applications(gateway, service, why, lineage, settings))
    return found


def _remote_clusters(gateway: Resource, stack: Stack, settings: Settings) -> str | None:
    """Where the mesh's other clusters are, by the remote secrets of the gateway's cluster: None when every
    one names an API server in an allowed region."""
    regions: set[str] = set()
    secrets = [
        s
        for s in same_cluster(stack, gateway, ("core:Secret",))
        if str(child(value_at(s.props, "metadata.labels"), REMOTE_SECRET_LABEL)).lower() == "true"
    ]
    if not secrets:
        return f"clusters no remote secret of the stack names, {_ELSEWHERE}"
    for secret in secrets:
        texts = [v for v in values_at(secret.props, "**") if isinstance(v, str)]
        texts.extend(text for _, text in decoded_data(secret))
        named = {r for text in texts for r in REGION_PATTERN.findall(text)}
        if not named:
            return f"a cluster whose API server {secret.label} names no region, {_ELSEWHERE}"
        regions |= named
    outside = sorted(regions - settings.allowed_regions)
    if not outside:
        return None
    return f"clusters in {', '.join(outside)} (the API servers its cluster's remote secrets name)"


def _matches(service: Resource, hosts: list[Any]) -> bool:
    """Whether a gateway server's hosts (`[namespace/]name`, `*` and `*.` wildcards) match a Service."""
    name, namespace = value_at(service.props, "metadata.name"), value_at(service.props, "metadata.namespace")
    fqdn = f"{name}.{namespace}.svc.cluster.local"
    for host in hosts:
        if isinstance(host, Unknown):
            return True
        if not isinstance(host, str):
            continue
        where, _, pattern = host.rpartition("/")
        if where not in ("", "*", ".", namespace):
            continue
        if pattern == "*" or (pattern.startswith("*.") and fqdn.endswith(pattern[1:])) or pattern == fqdn:
            return True
    return False


def _applications(
    publisher: Resource, service: Resource, why: str, lineage: Lineage, settings: Settings
) -> list[Violation]:
    """The applications serving protected data behind a Service a multi-cluster network exports (the data
    holders among its pods are judged with every publisher's, in `published` and `exposure_services`)."""
    holders = {r.urn for r in backends(lineage, service)}
    found = []
    through = "" if publisher is service else f" (through {service.label})"
    for workload in selected_workloads(lineage, service):
        protected = lineage.effective(workload) & settings.protected_classifications
        if protected and workload.urn not in holders:
            found.append(
                exposure_violation(
                    publisher,
                    held(lineage, workload, protected),
                    f"{publisher.label} exports {workload.label}{through}, an application "
                    f"that serves them: {why}, whose workloads then call it as if they ran in its cluster",
                    _FIX,
                    settings,
                )
            )
    return found


def _connector(
    connector: Resource,
    stack: Stack,
    lineage: Lineage,
    protected_by_urn: dict[str, frozenset[str]],
    settings: Settings,
) -> list[Violation]:
    why = f"its Skupper Connector publishes them on every site linked to its network, {_ELSEWHERE}"
    namespace = value_at(connector.props, "metadata.namespace")
    selector = _selector(value_at(connector.props, "spec.selector"))
    host = value_at(connector.props, "spec.host")
    found = []
    if selector is not None and not isinstance(namespace, Unknown):
        for workload in workloads_matching(lineage, connector, namespace, selector):
            protected = lineage.effective(workload) & settings.protected_classifications
            if protected:
                found.append(
                    exposure_violation(
                        connector,
                        held(lineage, workload, protected),
                        f"{connector.label} selects {workload.label}: {why}",
                        _FIX,
                        settings,
                    )
                )
        if not is_set(host):
            return found
    in_cluster = [
        r for r in stack.resources if r.urn in protected_by_urn and r.provider_urn == connector.provider_urn
    ]
    if in_cluster and not found:
        shown = "a host (spec.host)" if is_set(host) else "a selector or namespace the pack cannot read"
        kinds = ", ".join(sorted({c for r in in_cluster for c in protected_by_urn[r.urn]}))
        stores = ", ".join(sorted(r.label for r in in_cluster))
        found.append(
            exposure_violation(
                connector,
                f"{kinds} data",
                f"{connector.label} names {shown}, in a cluster that holds {stores}: {why}, and what it "
                "publishes cannot be seen",
                f"give the Connector a literal selector of pods the stack declares, or {_FIX}",
                settings,
            )
        )
    return found


def _selector(value: Any) -> dict[str, str] | None:
    """A Connector's label selector string as the labels it requires (None: unknown, or not equalities)."""
    if not isinstance(value, str) or not value.strip():
        return None
    required: dict[str, str] = {}
    for part in value.split(","):
        match = _LABEL.match(part)
        if match is None:
            return None
        required[match.group(1)] = match.group(2)
    return required
