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

from residency_facts.operators import OPERATOR_PODS
from residency_facts.workloads import POD_SPEC_PATHS

from .attributes import is_kubernetes
from .exposure_fronts import target_group_reach
from .exposure_ingress import published_services
from .exposure_nodes import host_listeners, node_reach
from .exposure_services import kind_tokens, public_service, same_cluster
from .exposure_tunnels import routed_services, tunnel_containers
from .lineage import Lineage
from .lineage_selections import backends, operator_pods_behind, selected_workloads
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
    """Whether a Kubernetes object runs pods: it carries a pod spec (a Pod, a controller, a CronJob, a pod
    template), or an operator runs pods for it whose labels are known (`operators.OPERATOR_PODS`)."""
    return is_kubernetes(resource) and (
        mechanism_key(resource.type) in OPERATOR_PODS
        or any(is_set(value_at(resource.props, f"{base}.containers")) for base in POD_SPEC_PATHS)
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
        for through, workload in _pods_named(lineage, publisher, names):
            found.append(
                Publication(workload, publisher, f"{publisher.label} publishes it through {through}: {why}")
            )
    for binding in stack.of_type(*kind_tokens(stack, (TARGET_GROUP_BINDING,))):
        reach = target_group_reach(binding, "spec.targetGroupARN", stack, settings.account_ids)
        if not reach:
            continue
        names = [
            (value_at(binding.props, "metadata.namespace"), value_at(binding.props, "spec.serviceRef.name"))
        ]
        for through, workload in _pods_named(lineage, binding, names):
            found.append(
                Publication(
                    workload, binding, f"{binding.label} registers it through {through}: {'; '.join(reach)}"
                )
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


def _pods_named(
    lineage: Lineage, publisher: Resource, names: list[tuple[Any, Any]]
) -> list[tuple[str, Resource]]:
    """The workloads the Services (namespace, name) names forward to, each with the Service in words: the
    stack's Services' pods, and the operator objects whose own Service (a pgAdmin's) has that name."""
    found: list[tuple[str, Resource]] = []
    for service in _services_named(lineage.stack, publisher, names):
        found.extend((service.label, w) for w in _pods(lineage, service))
    for namespace, name in names:
        for operated in operator_pods_behind(lineage, publisher, namespace, name):
            found.append((f"the Service {name!r} the operator creates for {operated.label}", operated))
    return found


def published_readers(stack: Stack, lineage: Lineage, settings: Settings) -> list[Violation]:
    """Operator UIs published outside their VPC that read PII (a pgAdmin of the PII PostgresClusters its
    server groups select): whoever it lets in reads what it reads."""
    found = []
    for publication in published_workloads(stack, lineage, settings):
        publisher, workload = publication.publisher, publication.workload
        if mechanism_key(workload.type) not in OPERATOR_PODS:
            continue
        protected = lineage.code_reads(workload) & settings.protected_classifications
        if mechanism_key(publisher.type) == "core:Service" and any(
            lineage.effective(b) & protected for b in backends(lineage, publisher)
        ):
            continue  # Reported by exposure as the Service's backends: the clusters it reads.
        if protected:
            kinds = f"{', '.join(sorted(protected))} data"
            found.append(
                exposure_violation(
                    publisher,
                    kinds,
                    f"{publisher.label} publishes {workload.label}, which reads {kinds} and serves it to "
                    f"whoever signs in: {publication.why}",
                    "keep the UI behind a ClusterIP Service reached from this region's networks only (a "
                    "bastion, a VPN into the VPC), or let it select no cluster that holds personal data.",
                    settings,
                )
            )
    return found


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
