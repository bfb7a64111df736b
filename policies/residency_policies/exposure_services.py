"""Rule 6, pii-not-public, for Kubernetes Services: what a public Service forwards to.

A Service of type LoadBalancer that is not internal for every controller that may publish it (the AWS Load
Balancer Controller reads its scheme annotation before the legacy internal one; the in-tree cloud provider,
which publishes a Service with no class, reads only the legacy one), or a NodePort, is public; so is one that
a controller other than an AWS load balancer publishes (a known exposing annotation, a `loadBalancerClass`
that is not AWS's: the AWS annotations decide nothing for it), and one whose `externalIPs` its nodes answer
on while they cannot be shown private (`exposure_nodes`). Besides the PII
pods it selects (lineage's backends), it forwards to its hand-made endpoints (EndpointSlices labelled with
its name, Endpoints named as it, an ExternalName's name): an address that is a store's host name or lies in
its subnets exposes the store, and in a stack that holds PII an address the pack cannot place, a public
Service with no selector, or one that selects no pod the stack declares, fails closed. The helpers that find
a cluster's objects by kind live here for the Ingress and route publishers too.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any

from .classification import held
from .exposure_network import (
    SECURITY_GROUP_INPUTS,
    address_in,
    cidr_problem,
    group_vpc_cidrs,
    security_groups,
    store_subnet_cidrs,
)
from .exposure_nodes import cluster_vpc_cidrs, declares_nodes, external_ips, node_reach
from .lineage import Lineage
from .lineage_selections import selected_workloads
from .locations import mechanism_key
from .model import Resource, Stack
from .settings import Settings
from .values import UNKNOWN, Unknown, as_bool, as_mapping, child, is_set, value_at, values_at
from .violations import Violation, exposure_violation

SKUPPER_PROXY = "skupper.io/proxy"
"""Skupper v1's annotation (a protocol: tcp, http, http2) that exposes a Service or a workload on its
network."""

ANNOTATION_PREFIXES = ("service.beta.kubernetes.io/", "service.kubernetes.io/")
"""The prefixes under which the AWS Load Balancer Controller reads its Service annotations
(kubernetes-sigs/aws-load-balancer-controller, pkg/annotations/constants.go)."""
SCHEME_SUFFIX = "aws-load-balancer-scheme"
INTERNAL_SUFFIX = "aws-load-balancer-internal"
TYPE_SUFFIX = "aws-load-balancer-type"
IN_TREE_INTERNAL = "service.beta.kubernetes.io/aws-load-balancer-internal"
"""The only annotation by which the in-tree cloud provider (kubernetes/cloud-provider-aws) makes a Service's
balancer internal: any value but empty or "false"; it never reads the scheme annotation."""
CONTROLLER_TYPES = frozenset({"external", "nlb-ip"})
"""`aws-load-balancer-type` values by which the AWS Load Balancer Controller takes a Service that names no
class (the in-tree provider leaves those to it)."""
_TRUE = frozenset({"1", "t", "true"})
"""What Go's strconv.ParseBool, with which the controller reads the legacy annotation, takes as true."""


AUTO_MODE_CLASS = "eks.amazonaws.com/nlb"
"""EKS Auto Mode's load balancer class, which reads `service.beta.kubernetes.io/aws-load-balancer-scheme`
(internal unless internet-facing; docs.aws.amazon.com/eks/latest/userguide/auto-configure-nlb.html) and
documents no legacy internal annotation."""
AWS_LOAD_BALANCER_CLASSES = frozenset({"service.k8s.aws/nlb", AUTO_MODE_CLASS})
"""`spec.loadBalancerClass` values whose controller reads the AWS annotations (the AWS Load Balancer
Controller's); no class at all may be the in-tree cloud provider's, which reads only its own annotation."""

EXPOSING_ANNOTATIONS = {
    "tailscale.com/funnel": "the Tailscale operator publishes it on the internet through Tailscale Funnel",
    "tailscale.com/expose": (
        "the Tailscale operator publishes it on the tailnet, to devices wherever they are"
    ),
}
"""Annotations (value "true") by which a controller other than a load balancer's publishes a Service of any
type (the Tailscale Kubernetes operator, https://tailscale.com/kb/1236/kubernetes-operator: a Service
annotated tailscale.com/expose, or of loadBalancerClass tailscale, joins the tailnet; funnel puts it on the
internet)."""

MESH_EXPORTS: tuple[tuple[str, str, frozenset[str] | None, tuple[str, str] | None, str], ...] = (
    (
        "annotations",
        "service.cilium.io/global",
        frozenset({"true"}),
        ("service.cilium.io/shared", "false"),
        "Cilium ClusterMesh load-balances it from every other cluster of the mesh",
    ),
    (
        "annotations",
        "io.cilium/global-service",
        frozenset({"true"}),
        ("io.cilium/shared-service", "false"),
        "Cilium ClusterMesh load-balances it from every other cluster of the mesh",
    ),
    (
        "labels",
        "mirror.linkerd.io/exported",
        frozenset({"true", "remote-discovery"}),
        None,
        "Linkerd's multicluster service mirror publishes it in every linked cluster",
    ),
    (
        "annotations",
        SKUPPER_PROXY,
        None,
        None,
        "Skupper publishes it on every site linked to its network (other clusters, clouds or hosts)",
    ),
)
"""Metadata by which a service mesh makes a Service's pods reachable from its other clusters, which the stack
does not declare and which may be in any region or account: (where, key, values that export (None: any
value), the key and value that keep its own pods from the other clusters, why). Cilium:
docs.cilium.io/en/stable/network/clustermesh/services/ (`service.cilium.io/global`,
`service.cilium.io/shared: "false"` keeps the local backends to this cluster; the `io.cilium/` names are the
older ones). Linkerd: linkerd.io/2/features/multicluster/ (the label `mirror.linkerd.io/exported`, `true` for
gateway mirroring, `remote-discovery` for pod-to-pod). Skupper v1: "Configuring services using annotations"
(Red Hat Service Interconnect 1.x, docs.redhat.com: `skupper.io/proxy: tcp|http|http2`, the one required
annotation, on a Service or a workload exposes it)."""

EXPOSING_CLASSES = {
    "tailscale": "the Tailscale operator publishes it on the tailnet, to devices wherever they are",
}
"""Reviewed `spec.loadBalancerClass` values of controllers that publish outside AWS."""


def public_service(service: Resource, stack: Stack, accounts: frozenset[str] = frozenset()) -> str | None:
    """Why a Kubernetes Service is published beyond its VPC (None: it is not): a load balancer that is not
    internal, a node port, a controller that publishes it outside AWS (an annotation of a known exposing
    controller, a load balancer class that is not AWS's), or external IPs on nodes not shown private."""
    annotations = child(child(service.props, "metadata"), "annotations")
    if isinstance(annotations, Unknown):
        return (
            "its annotations are unknown at preview, so whether a controller publishes it (an AWS scheme, "
            "Tailscale's expose or funnel) cannot be seen"
        )
    for key, why in EXPOSING_ANNOTATIONS.items():
        value = child(annotations, key)
        if isinstance(value, Unknown) or str(value).lower() == "true":
            shown = " (unknown at preview)" if isinstance(value, Unknown) else ""
            return f"it is annotated {key}{shown}: {why}"
    exported = mesh_export(service)
    if exported is not None:
        return exported
    kind = value_at(service.props, "spec.type")
    if kind == "NodePort":
        return "it is published on a node port of every node"
    if kind == "LoadBalancer":
        published = _load_balancer(service, annotations) or _source_ranges(service, annotations, stack)
        if published is not None:
            return published
        allocated = as_bool(value_at(service.props, "spec.allocateLoadBalancerNodePorts"))
        # Kubernetes publishes every LoadBalancer Service on a node port of every node as well (unless told
        # not to), and kube-proxy answers there whatever the balancer's scheme. Decision: judged against the
        # nodes where the stack declares them; a cluster whose nodes are managed elsewhere keeps its internal
        # balancers (failing closed there would refuse the product's standard front).
        judged = allocated is not False and declares_nodes(service, stack)
        reach = node_reach(service, stack, accounts) if judged else []
        if reach:
            shown = " (unknown at preview)" if isinstance(allocated, Unknown) else ""
            return (
                "it is a LoadBalancer Service, which Kubernetes also publishes on a node port of every node "
                f"(spec.allocateLoadBalancerNodePorts is not false{shown}), and its nodes cannot be shown "
                f"private: {'; '.join(reach)} (set allocateLoadBalancerNodePorts: false with IP targets, "
                "or keep the nodes private)"
            )
    if external_ips(service):
        reach = node_reach(service, stack, accounts)
        if reach:
            return (
                "it lists spec.externalIPs, which kube-proxy answers on every node, and its nodes cannot be "
                f"shown private: {'; '.join(reach)}"
            )
    return None


SOURCE_RANGES_ANNOTATION = "service.beta.kubernetes.io/load-balancer-source-ranges"


def _source_ranges(service: Resource, annotations: Any, stack: Stack) -> str | None:
    """Why an internal balancer is reachable from beyond its cluster's VPC: a source range (its
    `spec.loadBalancerSourceRanges`, else the source-ranges annotation) outside the VPC's CIDR blocks, such
    as a peered VPC of another region (decision: only a range shown outside a VPC the stack declares counts;
    a VPC the stack does not show leaves the ranges unjudged)."""
    ranges = values_at(service.props, "spec.loadBalancerSourceRanges[]")
    if not ranges:
        text = child(annotations, SOURCE_RANGES_ANNOTATION)
        ranges = [r.strip() for r in text.split(",") if r.strip()] if isinstance(text, str) else []
    if not ranges:
        return None
    vpc_cidrs = cluster_vpc_cidrs(service, stack)
    if not vpc_cidrs:
        return None
    for cidr in ranges:
        problem = cidr_problem(cidr, vpc_cidrs)
        if problem is not None and "cannot be shown" not in problem:
            return f"its load balancer admits {problem} (loadBalancerSourceRanges)"
    return None


def mesh_export(service: Resource) -> str | None:
    """Why a service mesh makes a Service reachable from its other clusters (None: none does)."""
    metadata = child(service.props, "metadata")
    for where, key, values, unless, why in MESH_EXPORTS:
        value = child(child(metadata, where), key)
        exports = is_set(value) if values is None else str(value).lower() in values
        if not (isinstance(value, Unknown) or exports):
            continue
        if unless is not None and str(child(child(metadata, where), unless[0])).lower() == unless[1]:
            continue
        shown = "unknown at preview" if isinstance(value, Unknown) else value
        return (
            f"its {where[:-1]} {key} is {shown}: {why}, other clusters that this stack does not declare "
            "and that may be in any region or account"
        )
    return None


def _load_balancer(service: Resource, annotations: Any) -> str | None:
    """Why a LoadBalancer Service's balancer is reachable from outside, judged by the controller its class
    names: the AWS annotations decide only for AWS's own controllers."""
    load_balancer_class = value_at(service.props, "spec.loadBalancerClass")
    if isinstance(load_balancer_class, Unknown):
        return "its loadBalancerClass is unknown at preview, so which controller publishes it cannot be seen"
    if isinstance(load_balancer_class, str) and load_balancer_class not in AWS_LOAD_BALANCER_CLASSES:
        if load_balancer_class in EXPOSING_CLASSES:
            return f"its loadBalancerClass is {load_balancer_class}: {EXPOSING_CLASSES[load_balancer_class]}"
        return (
            f"its loadBalancerClass {load_balancer_class!r} is not one the pack has reviewed (only the AWS "
            "Load Balancer Controller's service.k8s.aws/nlb, EKS Auto Mode's eks.amazonaws.com/nlb and the "
            "in-tree default read the AWS annotations), so its controller is taken to publish it on the "
            "internet"
        )
    if load_balancer_class == AUTO_MODE_CLASS:
        if child(annotations, "service.beta.kubernetes.io/" + SCHEME_SUFFIX) == "internal":
            return None
        return (
            "it is published through an internet-facing load balancer (EKS Auto Mode makes it "
            "internet-facing unless service.beta.kubernetes.io/aws-load-balancer-scheme says internal)"
        )
    controller_internal = _controller_internal(annotations)
    types = {str(v).lower() for v in _prefixed(annotations, TYPE_SUFFIX)}
    if load_balancer_class in AWS_LOAD_BALANCER_CLASSES or types & CONTROLLER_TYPES:
        if controller_internal:
            return None
        return (
            "it is published through an internet-facing load balancer (the AWS Load Balancer Controller "
            "makes it internet-facing unless its scheme annotation says internal, or, with no scheme "
            "annotation, the legacy aws-load-balancer-internal one is true)"
        )
    # No class: the in-tree cloud provider publishes it, unless the controller's webhook gave it the
    # controller's class when it was created. Internal only if both would make it so.
    in_tree = child(annotations, IN_TREE_INTERNAL)
    in_tree_internal = isinstance(in_tree, str) and in_tree not in ("", "false")
    if in_tree_internal and controller_internal:
        return None
    if not in_tree_internal:
        return (
            "it is published through an internet-facing load balancer (the in-tree cloud provider makes it "
            f"internet-facing unless {IN_TREE_INTERNAL} is set: it never reads the scheme annotation)"
        )
    return (
        "it is published through an internet-facing load balancer (the AWS Load Balancer Controller makes it "
        "internet-facing: its scheme annotation wins over the legacy one)"
    )


def _prefixed(annotations: Any, suffix: str) -> list[Any]:
    """The values of an AWS Load Balancer Controller annotation under each prefix it reads."""
    return [v for prefix in ANNOTATION_PREFIXES if (v := child(annotations, prefix + suffix)) is not None]


def _controller_internal(annotations: Any) -> bool:
    """Whether the AWS Load Balancer Controller makes a Service's balancer internal: its scheme annotation
    says internal (it is read first), else the legacy internal annotation is true. With neither, the
    controller's default scheme is its configuration, which the pack does not read: not shown internal."""
    schemes = _prefixed(annotations, SCHEME_SUFFIX)
    if schemes:
        return all(scheme == "internal" for scheme in schemes)
    legacy = _prefixed(annotations, INTERNAL_SUFFIX)
    return bool(legacy) and all(str(value).lower() in _TRUE for value in legacy)


def selectorless_services(
    stack: Stack, protected_by_urn: dict[str, frozenset[str]], settings: Settings
) -> list[Violation]:
    """Public Kubernetes Services with no selector (or one unknown at preview), in a stack that holds PII.

    Such a Service's endpoints are set by hand (Endpoints, EndpointSlice, or a controller the stack does not
    declare) and may be any address the nodes reach, the PII database's included (it admits the nodes), so
    what it publishes cannot be shown to be no PII store: it fails closed.
    """
    if not protected_by_urn:
        return []
    classes = ", ".join(sorted({c for found in protected_by_urn.values() for c in found}))
    stores = ", ".join(sorted(r.label for r in stack.resources if r.urn in protected_by_urn))
    found = []
    for service in stack.resources:
        if mechanism_key(service.type) != "core:Service":
            continue
        why = public_service(service, stack, settings.account_ids)
        if why is None:
            continue
        selector = as_mapping(value_at(service.props, "spec.selector"))
        if isinstance(selector, Mapping) and selector:
            continue
        shown = "is unknown at preview" if isinstance(selector, Unknown) else "is empty or missing"
        found.append(
            exposure_violation(
                service,
                f"{classes} data",
                f"{service.label} is published ({why}) and "
                f"its selector {shown}: its endpoints are set outside it (Endpoints, EndpointSlice) and may "
                f"be any address the nodes reach, in a stack that holds {stores}, so what it publishes "
                "cannot be seen",
                "give the Service a selector for pods this stack declares, or make it ClusterIP or "
                f"{INTERNAL_FIX}.",
                settings,
            )
        )
    return found


ENDPOINT_SLICE_KIND = "discovery.k8s.io:EndpointSlice"
ENDPOINTS_KIND = "core:Endpoints"
SERVICE_NAME_LABEL = "kubernetes.io/service-name"
INTERNAL_FIX = (
    "internal (loadBalancerClass service.k8s.aws/nlb and the annotation "
    "service.beta.kubernetes.io/aws-load-balancer-scheme: internal; with no class, also "
    'service.beta.kubernetes.io/aws-load-balancer-internal: "true", the only one the in-tree provider reads)'
)
"""How a fix message says to make a LoadBalancer Service internal for whichever controller publishes it."""
SERVICE_FIX = (
    f"make the Service ClusterIP, or make it {INTERNAL_FIX} and admit only this region's networks; never "
    "point its endpoints at a store."
)


def hand_made_endpoints(service: Resource, stack: Stack) -> list[tuple[Resource, str, Any]]:
    """The addresses the stack's EndpointSlices (labelled with the Service's name) and Endpoints (named as
    it) give a Service, and an ExternalName Service's external name, each with the object and the input that
    holds it: kube-proxy and the load balancer controllers forward to every one of them, whatever the
    Service's selector matches."""
    name = value_at(service.props, "metadata.name")
    namespace = value_at(service.props, "metadata.namespace")
    found: list[tuple[Resource, str, Any]] = []
    if value_at(service.props, "spec.type") == "ExternalName":
        # Its DNS name is a CNAME of the external name: a controller that follows it (ingress-nginx does)
        # forwards there.
        found.append((service, "spec", value_at(service.props, "spec.externalName")))
    for endpoint_slice in same_cluster(stack, service, (ENDPOINT_SLICE_KIND,)):
        labels = child(child(endpoint_slice.props, "metadata"), "labels")
        # Labels unknown at preview may name the Service: the slice counts as its.
        label = labels if isinstance(labels, Unknown) else child(labels, SERVICE_NAME_LABEL)
        if value_at(endpoint_slice.props, "metadata.namespace") != namespace:
            continue
        if not (label == name or isinstance(label, Unknown)):
            continue
        addresses = values_at(endpoint_slice.props, "endpoints[].addresses[]")
        if isinstance(child(endpoint_slice.props, "endpoints"), Unknown):
            addresses = [UNKNOWN]
        found.extend((endpoint_slice, "endpoints", a) for a in addresses)
    for endpoints in same_cluster(stack, service, (ENDPOINTS_KIND,)):
        if value_at(endpoints.props, "metadata.namespace") != namespace:
            continue
        if value_at(endpoints.props, "metadata.name") != name:
            continue
        addresses = [
            *values_at(endpoints.props, "subsets[].addresses[].ip"),
            *values_at(endpoints.props, "subsets[].notReadyAddresses[].ip"),
        ]
        if isinstance(child(endpoints.props, "subsets"), Unknown):
            addresses = [UNKNOWN]
        found.extend((endpoints, "subsets", a) for a in addresses)
    return found


def _network_stores(stack: Stack, protected_by_urn: dict[str, frozenset[str]]) -> list[Resource]:
    """The PII stores an address in the VPC may reach: the network-attached AWS ones."""
    return [
        r
        for r in stack.resources
        if r.urn in protected_by_urn
        and (r.type in SECURITY_GROUP_INPUTS or r.type == "aws:efs/fileSystem:FileSystem")
    ]


def forwarded_to(
    service: Resource,
    publisher: Resource,
    why: str,
    stack: Stack,
    lineage: Lineage,
    protected_by_urn: dict[str, frozenset[str]],
    settings: Settings,
    fix: str,
) -> list[Violation]:
    """What the hand-made endpoints of a Service a publisher (the Service itself, an Ingress, a route)
    exposes reach: a PII store named by an address (its host name or an address in its subnets), or, in a
    stack that holds PII, an address the pack cannot show to be no store's."""
    if not protected_by_urn:
        return []
    stores = _network_stores(stack, protected_by_urn)
    in_cluster = [
        r for r in stack.resources if r.urn in protected_by_urn and r.provider_urn == service.provider_urn
    ]
    subnets = {store.urn: store_subnet_cidrs(store, stack) for store in stores}
    found: list[Violation] = []
    lead = (
        f"{publisher.label} publishes {service.label}, which" if publisher is not service else service.label
    )
    for owner, prop, address in hand_made_endpoints(service, stack):
        where = "its external name" if owner is service else f"{owner.label}, set by hand"
        if isinstance(address, Unknown):
            reached = [d for d in stack.dependencies(owner, prop) if d in stores]
        elif isinstance(address, str):
            reached = [r for r in stack.mentioned_in(address) if r in stores]
            reached += [
                store for store in stores if store not in reached and address_in(address, subnets[store.urn])
            ]
        else:
            continue
        for store in reached:
            protected = protected_by_urn[store.urn]
            shown = (
                "an address unknown at preview computed from it" if isinstance(address, Unknown) else address
            )
            found.append(
                exposure_violation(
                    publisher,
                    held(lineage, store, protected),
                    f"{lead} forwards to {store.label} at {shown} ({where}): {why}",
                    fix,
                    settings,
                )
            )
        if reached:
            continue
        if isinstance(address, str) and not in_cluster and _placed_outside(address, stores, subnets, stack):
            continue
        shown = address if isinstance(address, str) else "an address unknown at preview"
        stores_shown = ", ".join(sorted(r.label for r in stack.resources if r.urn in protected_by_urn))
        classes = ", ".join(sorted({c for found_classes in protected_by_urn.values() for c in found_classes}))
        found.append(
            exposure_violation(
                publisher,
                f"{classes} data",
                f"{lead} forwards to {shown} ({where}), which the pack cannot show to be no PII store's "
                f"address (a host name or address it cannot place, or pods' addresses in a cluster that "
                f"holds PII), in a stack that holds {stores_shown}: {why}",
                fix,
                settings,
            )
        )
    return found


def _placed_outside(
    address: str, stores: list[Resource], subnets: dict[str, list[Any]], stack: Stack
) -> bool:
    """Whether an IP address is shown to be no network store's: for each store, outside its subnets (all
    known) or outside its VPC (its security groups' VPC, all known). A host name never is."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for store in stores:
        cidrs = subnets[store.urn]
        if cidrs and all(isinstance(c, str) for c in cidrs):
            continue
        groups = [g for g in security_groups(store, stack) if not isinstance(g, str)]
        vpc_cidrs = [c for g in groups for c in group_vpc_cidrs(g, stack)]
        if not vpc_cidrs or not all(isinstance(c, str) for c in vpc_cidrs):
            return False
        if any(ip in ipaddress.ip_network(c, strict=False) for c in vpc_cidrs if _is_network(c)):
            return False
    return True


def _is_network(text: str) -> bool:
    try:
        ipaddress.ip_network(text, strict=False)
    except ValueError:
        return False
    return True


def service_forwarding(
    stack: Stack, lineage: Lineage, protected_by_urn: dict[str, frozenset[str]], settings: Settings
) -> list[Violation]:
    """Public Services judged by what they forward to besides selected PII pods: hand-made endpoints, and a
    selector that matches no pod the stack declares (in a stack that holds PII, those pods cannot be seen)."""
    found: list[Violation] = []
    for service in stack.of_type(*kind_tokens(stack, ("core:Service",))):
        why = public_service(service, stack, settings.account_ids)
        if why is None:
            continue
        found.extend(
            forwarded_to(service, service, why, stack, lineage, protected_by_urn, settings, SERVICE_FIX)
        )
        selector = as_mapping(value_at(service.props, "spec.selector"))
        if not (isinstance(selector, Mapping) and selector) or not protected_by_urn:
            continue
        if selected_workloads(lineage, service) or hand_made_endpoints(service, stack):
            continue
        stores = ", ".join(sorted(r.label for r in stack.resources if r.urn in protected_by_urn))
        classes = ", ".join(sorted({c for found_classes in protected_by_urn.values() for c in found_classes}))
        found.append(
            exposure_violation(
                service,
                f"{classes} data",
                f"{service.label} is published ({why}) and "
                f"selects no pod this stack declares (selector {dict(selector)}): its pods, or endpoints set "
                f"outside the stack, cannot be seen, in a stack that holds {stores}",
                f"select pods this stack declares, or make the Service ClusterIP or {INTERNAL_FIX}.",
                settings,
            )
        )
    return found


def same_cluster(stack: Stack, of: Resource, keys: tuple[str, ...]) -> list[Resource]:
    """The stack's Kubernetes objects of these kinds in the same cluster as another (the same provider)."""
    return [r for r in stack.of_type(*kind_tokens(stack, keys)) if r.provider_urn == of.provider_urn]


def kind_tokens(stack: Stack, keys: tuple[str, ...]) -> list[str]:
    """The stack's type tokens of Kubernetes kinds given by `group:Kind`, in every version."""
    index: dict[str, list[str]] | None = stack.memo.get(_KIND_INDEX)
    if index is None:
        # Built once per stack: the rules ask for kinds per Service, Ingress and route they follow.
        index = {}
        for token in dict.fromkeys(r.type for r in stack.resources):
            index.setdefault(mechanism_key(token), []).append(token)
        stack.memo[_KIND_INDEX] = index
    return [t for key in keys for t in index.get(key, ())]


_KIND_INDEX = ("exposure", "kinds")
"""The key of the stack's type tokens by `group:Kind` in `Stack.memo`."""
