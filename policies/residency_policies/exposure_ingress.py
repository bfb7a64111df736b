"""Rule 6, pii-not-public, for Kubernetes publishers in front of Services: Ingresses, Gateway API routes and
the AWS Load Balancer Controller's GlobalAccelerator objects.

An Ingress is internet-facing when its own annotation, its IngressClass's IngressClassParams (this
cluster's, or the values of the controller's Helm release that creates them; EKS Auto Mode's, of the API
group `eks.amazonaws.com`) or another member of its IngressGroup says so, or when another controller
publishes it; a Gateway API route when a
LoadBalancerConfiguration of its Gateway or gateway class says so, or when another controller publishes it.
What such a publisher exposes is what its Services select and forward to; an accelerator puts its
endpoints' load balancers on public anycast addresses whatever their scheme.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .classification import held
from .exposure_network import LOAD_BALANCERS
from .exposure_services import forwarded_to, hand_made_endpoints, kind_tokens, same_cluster
from .lineage import Lineage
from .lineage_selections import backends, operator_pods_behind, selected_workloads
from .model import Resource, Stack
from .settings import Settings
from .values import UNKNOWN, Unknown, as_bool, child, value_at, values_at
from .violations import Violation, exposure_violation

INGRESS_KINDS = ("networking.k8s.io:Ingress", "extensions:Ingress")
ALB_CLASS = "alb"
ALB_CONTROLLER = "ingress.k8s.aws/alb"
ALB_SCHEME = "alb.ingress.kubernetes.io/scheme"
INGRESS_CLASS_ANNOTATION = "kubernetes.io/ingress.class"
INGRESS_CLASS_KINDS = ("networking.k8s.io:IngressClass",)
INGRESS_CLASS_PARAMS_KIND = "elbv2.k8s.aws:IngressClassParams"
AUTO_MODE_CONTROLLER = "eks.amazonaws.com/alb"
AUTO_MODE_PARAMS_KIND = "eks.amazonaws.com:IngressClassParams"
"""EKS Auto Mode's built-in ALB: its IngressClass names this controller and IngressClassParams of the API
group `eks.amazonaws.com`, whose `spec.scheme` and `spec.group.name` it reads
(docs.aws.amazon.com/eks/latest/userguide/auto-configure-alb.html)."""
PARAMS_KINDS = {ALB_CONTROLLER: INGRESS_CLASS_PARAMS_KIND, AUTO_MODE_CONTROLLER: AUTO_MODE_PARAMS_KIND}
"""Each controller whose scheme the pack reads, and the kind of the IngressClassParams it reads it from."""
HELM_RELEASE_KIND = "helm.sh:Release"
CONTROLLER_CHART = "aws-load-balancer-controller"
INTERNET_FACING = "internet-facing"
INGRESS_BACKENDS = (
    "spec.defaultBackend.service.name",
    "spec.rules[].http.paths[].backend.service.name",
    "spec.backend.serviceName",
    "spec.rules[].http.paths[].backend.serviceName",
)
"""Where an Ingress (networking.k8s.io/v1, and the older v1beta1 forms) names the Services it routes to."""


def _controller_releases(stack: Stack, of: Resource) -> list[Resource]:
    """The Helm releases of the AWS Load Balancer Controller's chart in the same cluster as an object."""
    found = []
    for release in same_cluster(stack, of, (HELM_RELEASE_KIND,)):
        chart = child(release.props, "chart")
        if isinstance(chart, str) and chart.rstrip("/").rsplit("/", 1)[-1] == CONTROLLER_CHART:
            found.append(release)
    return found


def _release_classes(release: Resource) -> tuple[Any, Any, list[Any]] | None:
    """What a controller release's values say of the IngressClass it creates: (class name, IngressClassParams
    name, schemes), or None when it creates none. Values unknown at preview give UNKNOWN for each.

    The chart creates the class (`ingressClass`, default `alb`) unless `createIngressClassResource` is
    false, and the class's IngressClassParams (named `ingressClassParams.name`, default the class's name)
    unless `ingressClassParams.create` is false; any `scheme` anywhere in the values counts, so a key the
    chart adds later is read too.
    """
    values = child(release.props, "values")
    if isinstance(values, Unknown) or values_at(release.props, "valueYamlFiles"):
        return UNKNOWN, UNKNOWN, [UNKNOWN]
    if as_bool(child(values, "createIngressClassResource")) is False:
        return None
    name = child(values, "ingressClass")
    name = ALB_CLASS if name is None else name
    params = child(values, "ingressClassParams")
    created = as_bool(child(params, "create"))
    params_name = child(params, "name") if created is not False else None
    if created is not False and params_name is None:
        params_name = name
    return name, params_name, _schemes_in(values)


def _schemes_in(value: Any) -> list[Any]:
    """Every value under a key called `scheme` (any case), at any depth of a values map."""
    if isinstance(value, Unknown):
        return [UNKNOWN]
    found: list[Any] = []
    if isinstance(value, Mapping):
        for key, item in value.items():
            if isinstance(key, str) and key.lower().endswith("scheme"):
                found.append(item)
            else:
                found.extend(_schemes_in(item))
    elif isinstance(value, (list, tuple)):
        for item in value:
            found.extend(_schemes_in(item))
    return found


def _public_scheme(schemes: list[Any], where: str) -> str | None:
    """Why a set of scheme settings may put a load balancer on the internet, or None when none does."""
    for scheme in schemes:
        if isinstance(scheme, Unknown):
            return f"its load balancer scheme ({where}) is unknown at preview"
        if scheme == INTERNET_FACING:
            return f"its load balancer is internet-facing ({where})"
    return None


ALB_GROUP = "alb.ingress.kubernetes.io/group.name"


def _ingress_scheme(ingress: Resource, stack: Stack) -> str | None:
    """Why an Ingress is (or may be) on the internet, or None when it is internal: its own settings, or those
    of a member of its IngressGroup.

    The AWS Load Balancer Controller merges every Ingress of an IngressGroup (the `group.name` annotation,
    or the `spec.group.name` of their class's IngressClassParams) into one ALB: one member whose own settings
    ask for internet-facing puts every member on the internet. A group name unknown at preview may join any
    group of the cluster, also one of Ingresses this stack does not declare: it fails closed.
    """
    own = _own_ingress_scheme(ingress, stack)
    if own is not None:
        return own
    group = _ingress_group(ingress, stack)
    if group is None:
        return None
    if isinstance(group, Unknown):
        return (
            "its IngressGroup (group.name) is unknown at preview, so the load balancer it shares cannot be "
            "seen"
        )
    for other in same_cluster(stack, ingress, INGRESS_KINDS):
        if other is ingress:
            continue
        theirs = _ingress_group(other, stack)
        if theirs != group and not isinstance(theirs, Unknown):
            continue
        why = _own_ingress_scheme(other, stack)
        if why is not None:
            return (
                f"it shares the load balancer of its IngressGroup {group!r} with {other.label}, where {why}"
            )
    return None


def _ingress_group(ingress: Resource, stack: Stack) -> str | Unknown | None:
    """The IngressGroup an Ingress joins: its class's IngressClassParams' `spec.group.name` (which the
    controller applies over the annotation), else its `group.name` annotation; None when it joins none."""
    annotations = child(child(ingress.props, "metadata"), "annotations")
    group: Any = child(annotations, ALB_GROUP)
    name = child(child(ingress.props, "spec"), "ingressClassName")
    if name is None:
        name = child(annotations, INGRESS_CLASS_ANNOTATION)
    for ingress_class in same_cluster(stack, ingress, INGRESS_CLASS_KINDS):
        if value_at(ingress_class.props, "metadata.name") != name:
            continue
        params = value_at(ingress_class.props, "spec.parameters.name")
        kind = PARAMS_KINDS.get(value_at(ingress_class.props, "spec.controller"), INGRESS_CLASS_PARAMS_KIND)
        for found in same_cluster(stack, ingress, (kind,)):
            if value_at(found.props, "metadata.name") == params:
                from_params = value_at(found.props, "spec.group.name")
                if from_params is not None:
                    group = from_params
    if isinstance(group, Unknown):
        return group
    return group if isinstance(group, str) and group else None


def _own_ingress_scheme(ingress: Resource, stack: Stack) -> str | None:
    """Why an Ingress's own settings (class, params, annotation) put it on the internet, or None.

    The AWS Load Balancer Controller makes an ALB internal unless the Ingress or its class's
    IngressClassParams asks for internet-facing (the params win over the annotation). The class and its
    params are read from this cluster's objects (never another cluster's, whose provider differs), or from
    the values of the controller's Helm release in this cluster, which creates them. A class neither
    declares, or params the class names and neither declares, cannot be seen and fail closed. Any other
    controller publishes the Ingress as that controller's own Service is published, which the pack cannot see
    from the Ingress: it may be on the internet.
    """
    metadata = child(ingress.props, "metadata")
    annotations = child(metadata, "annotations")
    name = child(child(ingress.props, "spec"), "ingressClassName")
    if name is None:
        name = child(annotations, INGRESS_CLASS_ANNOTATION)
    if isinstance(name, Unknown):
        return "its ingress class is unknown at preview"
    shown = name if isinstance(name, str) else "(none)"
    classes = [
        c
        for c in same_cluster(stack, ingress, INGRESS_CLASS_KINDS)
        if value_at(c.props, "metadata.name") == name
    ]
    releases = _controller_releases(stack, ingress)
    from_releases = [(r, found) for r in releases if (found := _release_classes(r)) is not None]
    schemes: list[tuple[list[Any], str]] = []
    if classes:
        for ingress_class in classes:
            controller = value_at(ingress_class.props, "spec.controller")
            if isinstance(controller, Unknown):
                return f"the controller of its ingress class {shown} is unknown at preview"
            if controller == AUTO_MODE_CONTROLLER:
                why = _auto_mode_scheme(ingress, ingress_class, shown, stack)
                if why is not None:
                    return why
                schemes.append((["internal"], f"EKS Auto Mode's IngressClassParams of {shown}"))
                continue
            if controller != ALB_CONTROLLER:
                return (
                    f"its ingress class {shown} is not the AWS Load Balancer Controller's or EKS Auto Mode's "
                    "(whose schemes the pack reads), so its controller may publish it on the internet"
                )
            params = value_at(ingress_class.props, "spec.parameters.name")
            if params is None:
                continue
            if isinstance(params, Unknown):
                return f"the IngressClassParams of its ingress class {shown} are unknown at preview"
            declared = [
                p
                for p in same_cluster(stack, ingress, (INGRESS_CLASS_PARAMS_KIND,))
                if value_at(p.props, "metadata.name") == params
            ]
            charted = [(r, f) for r, f in from_releases if f[1] == params or isinstance(f[1], Unknown)]
            if not declared and not charted:
                return (
                    f"its ingress class {shown} takes its scheme from IngressClassParams {params!r}, which "
                    "is not declared in this stack (nor created by a Helm release of the AWS Load Balancer "
                    "Controller it declares), so the scheme cannot be seen"
                )
            schemes.extend(([value_at(p.props, "spec.scheme")], p.label) for p in declared)
            schemes.extend((f[2], f"the values of {r.label}") for r, f in charted)
    else:
        charted = [(r, f) for r, f in from_releases if f[0] == name or isinstance(f[0], Unknown)]
        if not charted and name != ALB_CLASS:
            return (
                f"its ingress class {shown} is not declared in this stack (nor created by a Helm release of "
                "the AWS Load Balancer Controller it declares), so its controller may publish it on the "
                "internet"
            )
        # An `alb` class neither declares is the controller chart's default class, installed outside the
        # stack: taken to have no IngressClassParams, so the Ingress's own annotation decides (out of reach:
        # policies/README.md).
        schemes.extend((f[2], f"the values of {r.label}") for r, f in charted)
    for given, where in schemes:
        why = _public_scheme(given, where)
        if why is not None:
            return why
    scheme = child(annotations, ALB_SCHEME)
    if isinstance(scheme, Unknown):
        return "its load balancer scheme is unknown at preview"
    if scheme == INTERNET_FACING and not any(
        s for given, _ in schemes for s in given if s is not None and s != INTERNET_FACING
    ):
        return "its load balancer is internet-facing"
    return None


def _auto_mode_scheme(ingress: Resource, ingress_class: Resource, shown: str, stack: Stack) -> str | None:
    """Why an Ingress of an EKS Auto Mode class may be on the internet, or None when its class's
    IngressClassParams (this cluster's, of the API group `eks.amazonaws.com`) make it internal.

    Decision: only `scheme: internal` in the params shows it internal. The Auto Mode documentation sets the
    scheme in the params and does not state a default, nor which Ingress annotations Auto Mode honours, so
    params without a scheme, params the stack does not declare (no Helm chart creates Auto Mode's), and an
    Ingress annotation that asks for internet-facing all count as possibly internet-facing.
    """
    params = value_at(ingress_class.props, "spec.parameters.name")
    if isinstance(params, Unknown):
        return f"the IngressClassParams of its EKS Auto Mode ingress class {shown} are unknown at preview"
    declared = [
        p
        for p in same_cluster(stack, ingress, (AUTO_MODE_PARAMS_KIND,))
        if params is not None and value_at(p.props, "metadata.name") == params
    ]
    if not declared:
        named = f"IngressClassParams {params!r}, which this stack does not declare" if params else "none"
        return (
            f"its ingress class {shown} is EKS Auto Mode's, which takes its scheme from its "
            f"eks.amazonaws.com IngressClassParams ({named}), so the scheme cannot be seen"
        )
    for found in declared:
        scheme = value_at(found.props, "spec.scheme")
        if isinstance(scheme, Unknown):
            return f"its EKS Auto Mode load balancer scheme ({found.label}) is unknown at preview"
        if scheme == INTERNET_FACING:
            return f"its load balancer is internet-facing ({found.label})"
        if scheme != "internal":
            return (
                f"its ingress class {shown} is EKS Auto Mode's, whose IngressClassParams {found.label} "
                "do not set `scheme: internal`, so the pack cannot show the load balancer internal"
            )
    scheme = child(child(child(ingress.props, "metadata"), "annotations"), ALB_SCHEME)
    if isinstance(scheme, Unknown) or scheme == INTERNET_FACING:
        return "its load balancer scheme annotation asks for internet-facing (or is unknown at preview)"
    return None


GATEWAY_API = "gateway.networking.k8s.io"
GATEWAY_KIND = f"{GATEWAY_API}:Gateway"
GATEWAY_CLASS_KIND = f"{GATEWAY_API}:GatewayClass"
ROUTE_KINDS = tuple(
    f"{GATEWAY_API}:{kind}" for kind in ("HTTPRoute", "GRPCRoute", "TCPRoute", "TLSRoute", "UDPRoute")
)
"""Gateway API routes (standard and experimental kinds): each forwards a Gateway's traffic to Services."""
GATEWAY_CONTROLLERS = ("gateway.k8s.aws/alb", "gateway.k8s.aws/nlb")
"""The AWS Load Balancer Controller's Gateway API controllers, whose scheme the pack reads."""
LOAD_BALANCER_CONFIGURATION_KIND = "gateway.k8s.aws:LoadBalancerConfiguration"


def _gateway_scheme(route: Resource, stack: Stack) -> str | None:
    """Why a Gateway API route is (or may be) reachable from outside its VPC, or None when it is internal.

    A route is published by the Gateways it attaches to (`parentRefs`, in its namespace unless named). A
    Gateway of the AWS Load Balancer Controller's classes is internal unless a LoadBalancerConfiguration its
    class or itself references says internet-facing (internal is the controller's default); one the stack
    does not declare, or any other controller (VPC Lattice's shares the route with every VPC and account of a
    service network), cannot be shown to be internal.
    """
    namespace = value_at(route.props, "metadata.namespace")
    parents = values_at(route.props, "spec.parentRefs")
    if not parents:
        return "it names no Gateway (parentRefs), so what publishes it cannot be seen"
    for parent in parents:
        if isinstance(parent, Unknown) or isinstance(child(parent, "name"), Unknown):
            return "its Gateway (parentRefs) is unknown at preview"
        kind = child(parent, "kind")
        name = child(parent, "name")
        group = child(parent, "group")
        if kind not in (None, "Gateway") or group not in (None, GATEWAY_API):
            # A parent of another group (an Istio networking Gateway, a mesh's Service) is no Gateway API
            # Gateway of that name: what publishes the route through it is not read.
            shown = f"{group}/{kind or 'Gateway'}" if group else kind
            return f"it attaches to a {shown} {name!r}, which the pack does not read as a Gateway"
        where = child(parent, "namespace") or namespace
        gateways = [
            g
            for g in same_cluster(stack, route, (GATEWAY_KIND,))
            if value_at(g.props, "metadata.name") == name and value_at(g.props, "metadata.namespace") == where
        ]
        if not gateways:
            return (
                f"its Gateway {name!r} is not declared in this stack, so how it is published cannot be seen"
            )
        for gateway in gateways:
            why = _gateway_reach(gateway, route, stack)
            if why is not None:
                return why
    return None


def _gateway_reach(gateway: Resource, route: Resource, stack: Stack) -> str | None:
    class_name = value_at(gateway.props, "spec.gatewayClassName")
    if isinstance(class_name, Unknown):
        return f"the class of {gateway.label} is unknown at preview"
    classes = [
        c
        for c in same_cluster(stack, route, (GATEWAY_CLASS_KIND,))
        if value_at(c.props, "metadata.name") == class_name
    ]
    if not classes:
        return (
            f"the class {class_name!r} of {gateway.label} is not declared in this stack, so its controller "
            "cannot be seen"
        )
    references = [
        (gateway, value_at(gateway.props, "spec.infrastructure.parametersRef")),
        *((c, value_at(c.props, "spec.parametersRef")) for c in classes),
    ]
    for gateway_class in classes:
        controller = value_at(gateway_class.props, "spec.controllerName")
        if controller not in GATEWAY_CONTROLLERS:
            shown = "unknown at preview" if isinstance(controller, Unknown) else controller
            return (
                f"{gateway.label} is of class {class_name!r}, whose controller ({shown}) is not the AWS Load "
                "Balancer Controller's (whose scheme the pack reads), so it may publish the route beyond the "
                "VPC (on the internet, or to a service network's other VPCs and accounts)"
            )
    for owner, reference in references:
        if reference is None:
            continue
        name = child(reference, "name")
        if isinstance(reference, Unknown) or isinstance(name, Unknown):
            return f"the LoadBalancerConfiguration of {owner.label} is unknown at preview"
        if child(reference, "kind") != "LoadBalancerConfiguration":
            return f"{owner.label} takes parameters the pack does not read ({child(reference, 'kind')})"
        namespace = child(reference, "namespace") or value_at(owner.props, "metadata.namespace")
        configurations = [
            c
            for c in same_cluster(stack, route, (LOAD_BALANCER_CONFIGURATION_KIND,))
            if value_at(c.props, "metadata.name") == name
            and (namespace is None or value_at(c.props, "metadata.namespace") == namespace)
        ]
        if not configurations:
            return (
                f"{owner.label} takes its scheme from LoadBalancerConfiguration {name!r}, which is not "
                "declared in this stack, so the scheme cannot be seen"
            )
        for configuration in configurations:
            why = _public_scheme([value_at(configuration.props, "spec.scheme")], configuration.label)
            if why is not None:
                return f"{gateway.label}: {why}"
    return None


def _route_backends(route: Resource) -> list[tuple[Any, Any]]:
    """The Services a Gateway API route forwards to, by (namespace, name); None for a backend the pack does
    not follow (a ServiceImport, another namespace's Service through a ReferenceGrant)."""
    namespace = value_at(route.props, "metadata.namespace")
    names: list[tuple[Any, Any]] = []
    for backend in values_at(route.props, "spec.rules[].backendRefs[]"):
        if isinstance(backend, Unknown):
            names.append((namespace, UNKNOWN))
        elif (
            child(backend, "kind") not in (None, "Service")
            or child(backend, "group") not in (None, "", "core")
            or child(backend, "namespace") not in (None, namespace)
        ):
            names.append((namespace, None))
        else:
            names.append((namespace, child(backend, "name")))
    return names


ACCELERATOR_KIND = "aga.k8s.aws:GlobalAccelerator"
ACCELERATOR_ENDPOINTS = "spec.listeners[].endpointGroups[].endpoints[]"


def _named_balancers(accelerator: Resource, endpoint_id: Any, stack: Stack) -> list[Resource]:
    """The stack's load balancers an accelerator endpoint's `endpointID` names (by lineage or its ARN)."""
    balancers = stack.of_type(*LOAD_BALANCERS)
    if isinstance(endpoint_id, Unknown):
        return [b for b in stack.dependencies(accelerator, "spec") if b in balancers]
    if isinstance(endpoint_id, str) and endpoint_id:
        return [b for b in stack.named(endpoint_id) if b in balancers]
    return []


def _named_in(objects: list[Resource], name: Any, namespace: Any) -> list[Resource]:
    """The objects with this name in this namespace."""
    return [
        o
        for o in objects
        if value_at(o.props, "metadata.name") == name and value_at(o.props, "metadata.namespace") == namespace
    ]


def _accelerator_endpoints(accelerator: Resource, stack: Stack) -> tuple[list[tuple[Any, Any]], list[Any]]:
    """The Services an accelerator's endpoints publish, by (namespace, name), and the `endpointID`s that name
    no load balancer of the stack."""
    own = value_at(accelerator.props, "metadata.namespace")
    names: list[tuple[Any, Any]] = []
    unmatched: list[Any] = []
    for endpoint in values_at(accelerator.props, ACCELERATOR_ENDPOINTS) or [UNKNOWN]:
        kind = child(endpoint, "type")
        name = child(endpoint, "name")
        namespace = child(endpoint, "namespace") or own
        if isinstance(endpoint, Unknown) or isinstance(kind, Unknown):
            names.append((own, UNKNOWN))
        elif kind == "Service":
            names.append((namespace, name))
        elif kind == "Ingress":
            ingresses = _named_in(same_cluster(stack, accelerator, INGRESS_KINDS), name, namespace)
            names.extend(
                (namespace, v)
                for i in ingresses
                for path in INGRESS_BACKENDS
                for v in values_at(i.props, path)
            )
            if not ingresses:
                names.append((namespace, None))
        elif kind == "Gateway":
            routes = [
                r
                for r in same_cluster(stack, accelerator, ROUTE_KINDS)
                if any(
                    child(p, "name") == name
                    and (child(p, "namespace") or value_at(r.props, "metadata.namespace")) == namespace
                    for p in values_at(r.props, "spec.parentRefs")
                )
            ]
            names.extend(n for r in routes for n in _route_backends(r))
        elif not _named_balancers(accelerator, child(endpoint, "endpointID"), stack):
            unmatched.append(child(endpoint, "endpointID"))
    return names, unmatched


def accelerator_exposure(
    stack: Stack, lineage: Lineage, protected_by_urn: dict[str, frozenset[str]], settings: Settings
) -> list[Violation]:
    """The AWS Load Balancer Controller's GlobalAccelerator objects: what each endpoint's load balancer serves
    is put on the accelerator's public anycast addresses, whatever the balancer's own scheme.

    An Ingress, Service or Gateway endpoint publishes the Services it routes to (a Service publishes itself);
    an `EndpointID` endpoint (a balancer's ARN) is judged from the store's side (`PUBLIC_FRONTS`), and one
    that names no balancer of the stack, in a stack that holds PII, cannot be seen and fails closed.
    """
    found: list[Violation] = []
    classes = ", ".join(sorted({c for held_classes in protected_by_urn.values() for c in held_classes}))
    for accelerator in stack.of_type(*kind_tokens(stack, (ACCELERATOR_KIND,))):
        names, unmatched = _accelerator_endpoints(accelerator, stack)
        for shown in unmatched if protected_by_urn else []:
            found.append(
                exposure_violation(
                    accelerator,
                    f"{classes} data",
                    f"{accelerator.label} puts endpoint {shown!r} on Global Accelerator's public anycast "
                    "addresses, and it names no load balancer of this stack, so what it serves cannot be "
                    "seen",
                    "name a load balancer of this stack (its ARN from the resource), or remove the endpoint.",
                    settings,
                )
            )
        found.extend(
            published(
                accelerator,
                names,
                f"{accelerator.label} puts its load balancer on Global Accelerator's public anycast "
                "addresses",
                stack,
                lineage,
                protected_by_urn,
                settings,
                "remove the endpoint from the accelerator, or accelerate an application, never the store.",
            )
        )
    return found


def ingress_exposure(
    stack: Stack, lineage: Lineage, protected_by_urn: dict[str, frozenset[str]], settings: Settings
) -> list[Violation]:
    """Internet-facing Ingresses and Gateway API routes that publish a PII store, or pods the stack does not
    declare in a cluster that holds PII (what they serve cannot be seen)."""
    found: list[Violation] = []
    for ingress in stack.of_type(*kind_tokens(stack, INGRESS_KINDS)):
        why = _ingress_scheme(ingress, stack)
        if why is None:
            continue
        namespace = value_at(ingress.props, "metadata.namespace")
        names = [(namespace, v) for path in INGRESS_BACKENDS for v in values_at(ingress.props, path)]
        found.extend(
            published(
                ingress,
                names,
                why,
                stack,
                lineage,
                protected_by_urn,
                settings,
                f"annotate the Ingress {ALB_SCHEME}: internal (the AWS Load Balancer Controller's default, "
                "and no internet-facing IngressClassParams) and admit only this region's networks, or route "
                "it to an application, never to the store.",
            )
        )
    for route in stack.of_type(*kind_tokens(stack, ROUTE_KINDS)):
        why = _gateway_scheme(route, stack)
        if why is None:
            continue
        found.extend(
            published(
                route,
                _route_backends(route),
                why,
                stack,
                lineage,
                protected_by_urn,
                settings,
                "publish the route only through a Gateway of the AWS Load Balancer Controller whose "
                "LoadBalancerConfiguration is internal (the default), or route it to an application, never "
                "to the store.",
            )
        )
    return found


def published(
    publisher: Resource,
    names: list[tuple[Any, Any]],
    why: str,
    stack: Stack,
    lineage: Lineage,
    protected_by_urn: dict[str, frozenset[str]],
    settings: Settings,
    fix: str,
) -> list[Violation]:
    """What a publisher (Ingress, route) that may be reachable from outside exposes: the PII stores its
    Services (each named by namespace and name) select, or, in a cluster that holds PII, Services whose pods
    the stack does not declare."""
    found = []
    in_cluster = [
        r
        for r in stack.resources
        if r.urn in protected_by_urn
        and r.type.startswith("kubernetes:")
        and r.provider_urn == publisher.provider_urn
    ]
    for namespace, name in dict.fromkeys(names):
        services = [
            s
            for s in same_cluster(stack, publisher, ("core:Service",))
            if name is not None
            and value_at(s.props, "metadata.name") == name
            and value_at(s.props, "metadata.namespace") == namespace
        ]
        selected_backends = [b for s in services for b in backends(lineage, s)]
        selected = [b for s in services for b in selected_workloads(lineage, s)]
        # An operator's own Service of pods whose labels are known (a pgAdmin's): judged by what they read.
        selected.extend(operator_pods_behind(lineage, publisher, namespace, name))
        for service in services:
            found.extend(
                forwarded_to(service, publisher, why, stack, lineage, protected_by_urn, settings, fix)
            )
            if hand_made_endpoints(service, stack):
                selected.append(service)
        for backend in selected_backends:
            protected = lineage.effective(backend) & settings.protected_classifications
            if protected:
                found.append(
                    exposure_violation(
                        publisher,
                        held(lineage, backend, protected),
                        f"{publisher.label} publishes {backend.label} (through Service {name!r}): {why}",
                        fix,
                        settings,
                    )
                )
        if not selected and in_cluster:
            stores = ", ".join(sorted(r.label for r in in_cluster))
            shown = (
                name if isinstance(name, str) else "(unknown at preview, or not a Service of its namespace)"
            )
            found.append(
                exposure_violation(
                    publisher,
                    ", ".join(sorted({c for r in in_cluster for c in protected_by_urn[r.urn]})) + " data",
                    f"{publisher.label} routes to Service {shown}, whose pods this stack does not declare, "
                    f"in a cluster that holds {stores}: {why}, and what it publishes cannot be seen",
                    "declare the workload the Service selects in this stack (or the Service itself, with "
                    f"a selector), or {fix}",
                    settings,
                )
            )
    return found


def published_services(stack: Stack) -> list[tuple[Resource, list[tuple[Any, Any]], str]]:
    """The Ingresses, Gateway API routes and GlobalAccelerators that may be reachable from outside their VPC,
    each with the Services it forwards to, by (namespace, name; UNKNOWN: any of the namespace; None: one the
    pack does not follow), and why it is reachable."""
    found: list[tuple[Resource, list[tuple[Any, Any]], str]] = []
    for ingress in stack.of_type(*kind_tokens(stack, INGRESS_KINDS)):
        why = _ingress_scheme(ingress, stack)
        if why is not None:
            namespace = value_at(ingress.props, "metadata.namespace")
            names = [(namespace, v) for path in INGRESS_BACKENDS for v in values_at(ingress.props, path)]
            found.append((ingress, names, why))
    for route in stack.of_type(*kind_tokens(stack, ROUTE_KINDS)):
        why = _gateway_scheme(route, stack)
        if why is not None:
            found.append((route, _route_backends(route), why))
    for accelerator in stack.of_type(*kind_tokens(stack, (ACCELERATOR_KIND,))):
        names, _ = _accelerator_endpoints(accelerator, stack)
        found.append((accelerator, names, "Global Accelerator puts it on public anycast addresses"))
    return found
