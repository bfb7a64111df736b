"""Which of the stack's Kubernetes workloads are published outside their VPC, and by what.

Published as pii-not-public judges publishers: by a Service that `exposure_services.public_service` finds
public (a load balancer that is not internal, a node port, external IPs, a controller or mesh that publishes
it), by an internet-facing Ingress, a route of a Gateway that is not internal, or the controller's
GlobalAccelerator (`exposure_ingress.published_services`), by a TargetGroupBinding whose target group a
balancer reachable from outside forwards to (`exposure_fronts.target_group_reach`), on its nodes' own
addresses (host networking or host ports on nodes not shown private, `exposure_nodes`), or by a tunnel agent
that routes to its Service or runs in its pods (`exposure_tunnels`). A Service's pods are the workloads whose
pod labels its selector matches (a selector unknown at preview: every workload of its namespace).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from .attributes import is_kubernetes
from .classification import held
from .exposure_fronts import target_group_reach
from .exposure_ingress import published_services
from .exposure_nodes import host_listeners, node_reach
from .exposure_services import kind_tokens, public_service, same_cluster
from .exposure_tunnels import routed_services, tunnel_containers
from .lineage import Lineage
from .lineage_code import POD_SPEC_PATHS
from .lineage_selections import selected_workloads
from .locations import mechanism_key
from .model import Resource, Stack
from .settings import Settings
from .values import Unknown, as_mapping, is_set, value_at
from .violations import Violation, exposure_violation

TARGET_GROUP_BINDING = "elbv2.k8s.aws:TargetGroupBinding"


class Publication(NamedTuple):
    """A workload published outside its VPC: by what, and why that reaches beyond the VPC."""

    workload: Resource
    publisher: Resource
    why: str


def runs_pods(resource: Resource) -> bool:
    """Whether a Kubernetes object carries a pod spec (a Pod, a controller, a CronJob, a pod template)."""
    return is_kubernetes(resource) and any(
        is_set(value_at(resource.props, f"{base}.containers")) for base in POD_SPEC_PATHS
    )


def published_workloads(stack: Stack, lineage: Lineage, settings: Settings) -> list[Publication]:
    """Every workload of the stack that something publishes outside its VPC, once per publisher."""
    memo_key = ("exposure", "published", settings.account_ids)
    cached: list[Publication] | None = stack.memo.get(memo_key)
    if cached is not None:
        return cached
    found: list[Publication] = []
    for service in stack.of_type(*kind_tokens(stack, ("core:Service",))):
        why = public_service(service, stack, settings.account_ids)
        if why is not None:
            found.extend(
                Publication(w, service, f"{service.label} publishes it: {why}")
                for w in _pods(lineage, service)
            )
    for publisher, names, why in published_services(stack):
        for service in _services_named(stack, publisher, names):
            found.extend(
                Publication(w, publisher, f"{publisher.label} publishes it through {service.label}: {why}")
                for w in _pods(lineage, service)
            )
    for binding in stack.of_type(*kind_tokens(stack, (TARGET_GROUP_BINDING,))):
        reach = target_group_reach(binding, "spec.targetGroupARN", stack, settings.account_ids)
        if not reach:
            continue
        names = [
            (value_at(binding.props, "metadata.namespace"), value_at(binding.props, "spec.serviceRef.name"))
        ]
        for service in _services_named(stack, binding, names):
            found.extend(
                Publication(
                    w, binding, f"{binding.label} registers it through {service.label}: {'; '.join(reach)}"
                )
                for w in _pods(lineage, service)
            )
    for resource in stack.resources:
        if not runs_pods(resource):
            continue
        how = host_listeners(resource)
        if how:
            reach = node_reach(resource, stack, settings.account_ids)
            if reach:
                why = f"{'; '.join(how)}, on nodes that cannot be shown private: {'; '.join(reach)}"
                found.append(Publication(resource, resource, why))
        images = tunnel_containers(resource)
        if images:
            agent = f"{resource.label} runs a tunnel agent ({', '.join(sorted(set(images)))})"
            found.append(Publication(resource, resource, f"{agent} in its own pods"))
            for service, name in routed_services(resource, stack, lineage):
                found.extend(
                    Publication(w, resource, f"{agent} whose configuration routes to {name}")
                    for w in _pods(lineage, service)
                )
    stack.memo[memo_key] = found
    return found


def bound_holders(stack: Stack, lineage: Lineage, settings: Settings) -> list[Violation]:
    """PII workloads a TargetGroupBinding registers in the target group of a balancer reachable from
    outside (the other publishers are judged by `exposure`, `exposure_ingress`, `exposure_nodes` and
    `exposure_tunnels`)."""
    found = []
    for publication in published_workloads(stack, lineage, settings):
        if mechanism_key(publication.publisher.type) != TARGET_GROUP_BINDING:
            continue
        publisher, workload = publication.publisher, publication.workload
        protected = lineage.effective(workload) & settings.protected_classifications
        if protected:
            found.append(
                exposure_violation(
                    publisher,
                    held(lineage, workload, protected),
                    f"{publisher.label} publishes {workload.label}: {publication.why}",
                    "bind the target group of an internal load balancer that admits only this region's "
                    "networks, or bind an application that serves no personal data, never the store's pods.",
                    settings,
                )
            )
    return found


def _pods(lineage: Lineage, service: Resource) -> list[Resource]:
    """The workloads whose pods a Service forwards to: those its selector matches, or every workload of its
    namespace in its cluster when the selector is unknown at preview."""
    selector = as_mapping(value_at(service.props, "spec.selector"))
    if isinstance(selector, Unknown):
        namespace = value_at(service.props, "metadata.namespace")
        return [
            r
            for r in lineage.stack.resources
            if runs_pods(r)
            and r.provider_urn == service.provider_urn
            and (isinstance(namespace, Unknown) or value_at(r.props, "metadata.namespace") == namespace)
        ]
    if not isinstance(selector, Mapping) or not selector:
        return []
    return [w for w in selected_workloads(lineage, service) if runs_pods(w)]


def _services_named(stack: Stack, publisher: Resource, names: list[tuple[Any, Any]]) -> list[Resource]:
    """The stack's Services of the publisher's cluster that (namespace, name) pairs name; a name unknown at
    preview names every Service of its namespace."""
    services = same_cluster(stack, publisher, ("core:Service",))
    found: list[Resource] = []
    for namespace, name in dict.fromkeys((n, v) for n, v in names if not isinstance(v, (dict, list))):
        if name is None:
            continue
        for service in services:
            if value_at(service.props, "metadata.namespace") != namespace:
                continue
            named = isinstance(name, Unknown) or value_at(service.props, "metadata.name") == name
            if named and service not in found:
                found.append(service)
    return found
