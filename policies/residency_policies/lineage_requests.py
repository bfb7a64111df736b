"""How lineage reads copies of the requests a Kubernetes application answers (`residency_facts/requests.py`).

A request to an application that reads personal data carries it (a form, a profile update), and the access
log of the load balancer in front of it keeps the client's address and the URL. Two kinds of objects copy
those requests without running code: a Gateway API route's RequestMirror filter sends a copy of each request
to the mirror's backend (an ExternalName Service's host, or the pods of a Service of the cluster), and the
AWS Load Balancer Controller (or the in-tree provider) writes the access logs of an Ingress's or a Service's
load balancer to the bucket its annotations name. Each is a movement of what the application's code reads,
judged by rules 3 and 4 as any copy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from residency_facts.requests import (
    ACCESS_LOG_ATTRIBUTES,
    ACCESS_LOG_BUCKET,
    ACCESS_LOG_SWITCH,
    ISTIO_MIRROR_HOSTS,
    ISTIO_ROUTED_HOSTS,
    MIRROR_FILTER_PATHS,
    ROUTE_BACKEND_PATHS,
)
from residency_facts.shapes import CopyMechanism

from .lineage_names import of_kinds
from .lineage_selections import external_name_places, selected_workloads, service_entry_places
from .locations import Location, Movement, mechanism_key, untraceable
from .model import Resource
from .values import Unknown, child, value_at, values_at

if TYPE_CHECKING:
    from .lineage import Lineage

SERVICE = "core:Service"
INGRESS_KINDS = ("networking.k8s.io:Ingress", "extensions:Ingress")
ROUTE_KINDS = ("gateway.networking.k8s.io:HTTPRoute", "gateway.networking.k8s.io:GRPCRoute")
VIRTUAL_SERVICE = "networking.istio.io:VirtualService"
SERVICE_ENTRY = "networking.istio.io:ServiceEntry"
BUCKETS = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")

ISTIO_MIRROR = CopyMechanism("an Istio VirtualService's mirror (a copy of every request it routes)")
MIRROR = CopyMechanism("a Gateway API route's request mirror (a copy of every request it routes)")
ACCESS_LOGS = CopyMechanism("a load balancer's access logs (client addresses and URLs of every request)")


def request_movements(lineage: Lineage) -> list[Movement]:
    """The request mirrors and access logs of the stack's routes, Ingresses and Services that carry what
    their applications' code reads."""
    reads: dict[str, frozenset[str]] = {}
    for movement in lineage.movements:
        if movement.mechanism.runs_code:
            read = frozenset(c for s in movement.sources for c in lineage.classes(s))
            reads[movement.resource.urn] = reads.get(movement.resource.urn, frozenset()) | read
    found: list[Movement] = []
    for route in of_kinds(lineage, *ROUTE_KINDS):
        mirrors = [m for path in MIRROR_FILTER_PATHS for m in values_at(route.props, path)]
        if not mirrors:
            continue
        sources = _requests(lineage, route, _route_services(lineage, route), reads)
        if not sources:
            continue
        destinations: list[Location] = []
        for reference in mirrors:
            destinations.extend(_mirror_places(lineage, route, reference))
        found.append(Movement(route, MIRROR, sources, destinations))
    for route in of_kinds(lineage, VIRTUAL_SERVICE):
        hosts = [h for path in ISTIO_MIRROR_HOSTS for h in values_at(route.props, path)]
        if not hosts:
            continue
        routed = [h for path in ISTIO_ROUTED_HOSTS for h in values_at(route.props, path)]
        sources = _requests(
            lineage, route, _services_named(lineage, route, [_host_name(h) for h in routed]), reads
        )
        if sources:
            destinations = [p for host in hosts for p in _istio_places(lineage, route, host)]
            found.append(Movement(route, ISTIO_MIRROR, sources, destinations))
    for publisher in of_kinds(lineage, *INGRESS_KINDS, SERVICE):
        bucket = _access_log_bucket(publisher)
        if bucket is None:
            continue
        services = (
            _ingress_services(lineage, publisher) if mechanism_key(publisher.type) != SERVICE else [publisher]
        )
        sources = _requests(lineage, publisher, services, reads)
        if sources:
            found.append(
                Movement(publisher, ACCESS_LOGS, sources, [_bucket_place(lineage, publisher, bucket)])
            )
    return found


def _requests(
    lineage: Lineage, publisher: Resource, services: list[Resource], reads: Mapping[str, frozenset[str]]
) -> list[Location]:
    """The requests to the pods of the Services: what those pods' code reads, or holds."""
    sources: list[Location] = []
    for service in services:
        for workload in selected_workloads(lineage, service):
            classes = reads.get(workload.urn, frozenset()) | lineage.effective(workload)
            if classes:
                sources.append(
                    Location(
                        f"the requests {publisher.label} routes to {workload.label} "
                        f"(through {service.label})",
                        lineage.own_region(workload),
                        lineage.account(workload),
                        classes,
                    )
                )
    return sources


def _services_named(lineage: Lineage, of: Resource, names: list[tuple[Any, Any]]) -> list[Resource]:
    """The stack's Services of `of`'s cluster named by (name, namespace) pairs (namespace None: `of`'s)."""
    own = value_at(of.props, "metadata.namespace")
    wanted = {(name, namespace or own) for name, namespace in names if isinstance(name, str)}
    return [
        s
        for s in of_kinds(lineage, SERVICE)
        if s.provider_urn == of.provider_urn
        and (value_at(s.props, "metadata.name"), value_at(s.props, "metadata.namespace")) in wanted
    ]


def _route_services(lineage: Lineage, route: Resource) -> list[Resource]:
    """The Services a route sends to (its backendRefs of kind Service) and, for a mesh (GAMMA) route, the
    Services it is attached to (its parentRefs of kind Service)."""
    names: list[tuple[Any, Any]] = []
    for path in ROUTE_BACKEND_PATHS:
        for reference in values_at(route.props, path):
            if child(reference, "kind") in (None, "Service") and child(reference, "group") in (None, ""):
                names.append((child(reference, "name"), child(reference, "namespace")))
    return _services_named(lineage, route, names)


def _ingress_services(lineage: Lineage, ingress: Resource) -> list[Resource]:
    names = [
        (name, None)
        for path in ("spec.rules[].http.paths[].backend.service.name", "spec.defaultBackend.service.name")
        for name in values_at(ingress.props, path)
    ]
    return _services_named(lineage, ingress, names)


def _mirror_places(lineage: Lineage, route: Resource, reference: Any) -> list[Location]:
    """Where a mirror's backendRef sends the copies: an ExternalName Service's host, else the pods of a
    Service of the cluster (in its region), else a backend the stack does not declare (untraceable)."""
    kind = child(reference, "kind")
    name, namespace = child(reference, "name"), child(reference, "namespace")
    if isinstance(name, Unknown) or kind not in (None, "Service"):
        return [_review(f"the mirror backend {kind or 'Service'} {name} of {route.label}")]
    services = _services_named(lineage, route, [(name, namespace)])
    if not services:
        return [
            untraceable(
                f"the mirror backend Service {name} of {route.label}, which the stack does not declare"
            )
        ]
    found: list[Location] = []
    for service in services:
        external = external_name_places(lineage, service, {route.urn})
        found.extend(
            external
            or [
                Location(
                    f"the pods of {service.label}", lineage.own_region(service), lineage.account(service)
                )
            ]
        )
    return found


def _host_name(host: Any) -> tuple[Any, Any]:
    """A Service's (name, namespace) from a mesh host: `name[.namespace[.svc[.cluster.local]]]`."""
    if not isinstance(host, str):
        return (None, None)
    parts = host.lower().removesuffix(".cluster.local").removesuffix(".svc").split(".")
    return (parts[0], parts[1] if len(parts) == 2 else None) if len(parts) <= 2 else (None, None)


def _istio_places(lineage: Lineage, route: Resource, host: Any) -> list[Location]:
    """Where an Istio mirror host is: a Service of the cluster (its ExternalName, or its pods), a
    ServiceEntry's host (where it resolves), else a host the stack does not declare (untraceable)."""
    if not isinstance(host, str):
        return [_review(f"the mirror host of {route.label}, unknown at preview")]
    services = _services_named(lineage, route, [_host_name(host)])
    if services:
        return [
            place
            for service in services
            for place in external_name_places(lineage, service, {route.urn})
            or [
                Location(
                    f"the pods of {service.label}", lineage.own_region(service), lineage.account(service)
                )
            ]
        ]
    entries = [
        e
        for e in of_kinds(lineage, SERVICE_ENTRY)
        if e.provider_urn == route.provider_urn and host in values_at(e.props, "spec.hosts[]")
    ]
    places = [p for entry in entries for p in service_entry_places(lineage, entry, {route.urn})]
    return places or [_review(f"the mirror host {host} of {route.label}, which the stack does not declare")]


def _access_log_bucket(publisher: Resource) -> str | None:
    """The bucket a publisher's load balancer writes its access logs to, by its annotations (None: off)."""
    annotations = child(child(publisher.props, "metadata"), "annotations")
    if not isinstance(annotations, Mapping):
        return None
    for key in ACCESS_LOG_ATTRIBUTES:
        text = annotations.get(key)
        if isinstance(text, str):
            attributes = dict(
                (k.strip(), v.strip()) for k, _, v in (pair.partition("=") for pair in text.split(","))
            )
            if attributes.get("access_logs.s3.enabled", "").lower() == "true":
                return attributes.get("access_logs.s3.bucket", "")
    switch = annotations.get(ACCESS_LOG_SWITCH)
    if isinstance(switch, str) and switch.strip().lower() == "true":
        bucket = annotations.get(ACCESS_LOG_BUCKET)
        return bucket if isinstance(bucket, str) else ""
    return None


def _bucket_place(lineage: Lineage, publisher: Resource, name: str) -> Location:
    """The stack's bucket of that name, else a bucket the stack does not declare (untraceable account)."""
    for bucket in lineage.stack.of_type(*BUCKETS):
        if name and name in (value_at(bucket.props, "bucket"), *bucket.identities):
            return lineage.locate(bucket)
    return _review(
        f"the access log bucket {name or '(unnamed)'} of {publisher.label}, which the stack does not declare "
        "(its account and region cannot be traced)"
    )


def _review(description: str) -> Location:
    """An untraceable place whose description the violation shows (what to review)."""
    return replace(untraceable(description), review=True)
