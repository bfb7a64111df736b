"""pii-not-public reads how a cluster publishes its Services: Ingress classes, the AWS Load Balancer
Controller's configuration (IngressClassParams, its Helm chart's values, Gateway API
LoadBalancerConfiguration, its GlobalAccelerator objects) and Gateway API routes.

The baseline is a PII database in the cluster behind a ClusterIP Service, published by an Ingress of the
AWS Load Balancer Controller's class `alb` that the stack declares, with no scheme: internal, the
controller's default. Each test changes one thing that decides whether that load balancer is on the
internet: the class's IngressClassParams, the controller chart's values, another cluster's objects of the
same name, a class the stack does not declare; or publishes the Service through a Gateway API route.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.operator_objects import pii_database_pods
from tests.policies.policy_harness import UNKNOWN, Res, kubernetes_provider, messages, violations

POLICY = "pii-not-public"
NAMESPACE = "app"
CHART = "aws-load-balancer-controller"


@dataclass
class Published:
    """The baseline region with a PII database in the cluster and an internal Ingress in front of it."""

    region: Region
    database: Res
    service: Res
    ingress: Res
    ingress_class: Res

    @property
    def resources(self) -> list[Res]:
        """Every resource of the case."""
        return [*self.region.resources, self.database, self.service, self.ingress, self.ingress_class]


def _database(region: Region) -> Res:
    return pii_database_pods(region, NAMESPACE)


def _ingress_class(region: Region, parameters: str | None = None, name: str = "alb") -> Res:
    spec: dict[str, object] = {"controller": "ingress.k8s.aws/alb"}
    if parameters is not None:
        spec["parameters"] = {"apiGroup": "elbv2.k8s.aws", "kind": "IngressClassParams", "name": parameters}
    return Res(
        "kubernetes:networking.k8s.io/v1:IngressClass",
        f"class-{name}",
        {"metadata": {"name": name}, "spec": spec},
        region.kubernetes,
    )


def _published(region: Region | None = None) -> Published:
    region = region or eu_region()
    database = _database(region)
    service = Res(
        "kubernetes:core/v1:Service",
        "customers-db",
        {
            "metadata": {"name": "customers-db", "namespace": NAMESPACE},
            "spec": {"selector": {"app": "customers-db"}, "ports": [{"port": 5432, "targetPort": 5432}]},
        },
        region.kubernetes,
    )
    ingress = Res(
        "kubernetes:networking.k8s.io/v1:Ingress",
        "customers",
        {
            "metadata": {"name": "customers", "namespace": NAMESPACE},
            "spec": {
                "ingressClassName": "alb",
                "defaultBackend": {"service": {"name": "customers-db", "port": {"number": 5432}}},
            },
        },
        region.kubernetes,
    )
    return Published(region, database, service, ingress, _ingress_class(region))


def _params(provider: Res, scheme: str, name: str = "public") -> Res:
    return Res(
        "kubernetes:elbv2.k8s.aws/v1beta1:IngressClassParams",
        f"params-{name}-{provider.name}",
        {"metadata": {"name": name}, "spec": {"scheme": scheme}},
        provider,
    )


def _about_ingress(found: list, case: Published) -> str:
    return messages([d for d in found if d.urn == case.ingress.urn])


def test_an_internal_ingress_of_a_declared_alb_class_is_allowed() -> None:
    assert violations(_published().resources, POLICY) == []


def test_ingress_class_params_that_make_the_class_internet_facing_are_blocked() -> None:
    case = _published()
    case.ingress_class = _ingress_class(case.region, "public")
    params = _params(case.region.kubernetes, "internet-facing")
    found = violations([*case.resources, params], POLICY)
    assert "internet-facing" in _about_ingress(found, case), messages(found)


def test_ingress_class_params_of_another_cluster_do_not_stand_for_this_clusters() -> None:
    # This cluster's class names params this cluster does not have; another cluster's of the same name
    # (internal) say nothing of them, so the scheme cannot be seen.
    case = _published()
    case.ingress_class = _ingress_class(case.region, "public")
    other_cluster = Res(
        "aws:eks/cluster:Cluster",
        "other-cluster",
        {"version": "1.33", "roleArn": UNKNOWN},
        case.region.provider,
    )
    elsewhere = _params(kubernetes_provider(other_cluster, "other-cluster"), "internal")
    found = violations([*case.resources, other_cluster, elsewhere], POLICY)
    assert "IngressClassParams 'public', which is not declared" in _about_ingress(found, case), messages(
        found
    )


def test_internal_ingress_class_params_of_this_cluster_are_allowed_beside_another_clusters() -> None:
    case = _published()
    case.ingress_class = _ingress_class(case.region, "public")
    own = _params(case.region.kubernetes, "internal")
    other_cluster = Res(
        "aws:eks/cluster:Cluster",
        "other-cluster",
        {"version": "1.33", "roleArn": UNKNOWN},
        case.region.provider,
    )
    elsewhere = _params(kubernetes_provider(other_cluster, "other-cluster"), "internet-facing")
    assert violations([*case.resources, own, other_cluster, elsewhere], POLICY) == []


def test_an_ingress_class_of_another_cluster_does_not_decide_this_clusters_controller() -> None:
    case = _published()
    other_cluster = Res(
        "aws:eks/cluster:Cluster",
        "other-cluster",
        {"version": "1.33", "roleArn": UNKNOWN},
        case.region.provider,
    )
    elsewhere = _ingress_class(case.region)
    elsewhere.provider = kubernetes_provider(other_cluster, "other-cluster")
    elsewhere.name = "class-alb-elsewhere"
    case.ingress_class = _ingress_class(case.region, "public")
    params = _params(case.region.kubernetes, "internet-facing")
    found = violations([*case.resources, other_cluster, elsewhere, params], POLICY)
    assert "internet-facing" in _about_ingress(found, case), messages(found)


def test_ingress_class_params_the_stack_does_not_declare_fail_closed() -> None:
    case = _published()
    case.ingress_class = _ingress_class(case.region, "public")
    found = violations(case.resources, POLICY)
    assert "IngressClassParams 'public'" in _about_ingress(found, case), messages(found)


def _controller_release(region: Region, values: object) -> Res:
    return Res(
        "kubernetes:helm.sh/v3:Release",
        "load-balancer-controller",
        {
            "name": CHART,
            "chart": CHART,
            "version": "1.13.4",
            "repositoryOpts": {"repo": "https://aws.github.io/eks-charts"},
            "namespace": "kube-system",
            "values": values,
        },
        region.kubernetes,
    )


def _from_release(scheme: object) -> tuple[Published, Res]:
    """The baseline with the `alb` class created by the controller's chart instead of declared by hand."""
    case = _published()
    release = _controller_release(
        case.region,
        {"clusterName": UNKNOWN, "ingressClassParams": {"create": True, "spec": {"scheme": scheme}}},
    )
    return case, release


def _without_class(case: Published) -> list[Res]:
    return [r for r in case.resources if r is not case.ingress_class]


def test_an_ingress_class_the_controllers_chart_creates_internal_is_allowed() -> None:
    case, release = _from_release("internal")
    assert violations([*_without_class(case), release], POLICY) == []


def test_an_ingress_class_the_controllers_chart_makes_internet_facing_is_blocked() -> None:
    case, release = _from_release("internet-facing")
    found = violations([*_without_class(case), release], POLICY)
    assert "internet-facing" in _about_ingress(found, case) and "Release" in _about_ingress(found, case)


def test_controller_chart_values_unknown_at_preview_fail_closed() -> None:
    case = _published()
    release = _controller_release(case.region, UNKNOWN)
    found = violations([*_without_class(case), release], POLICY)
    assert "unknown at preview" in _about_ingress(found, case), messages(found)


def test_an_alb_class_neither_the_stack_nor_a_chart_it_declares_creates_is_judged_by_the_annotation() -> None:
    # The chart's default class, installed outside the stack, is taken to have no IngressClassParams.
    case = _published()
    assert violations(_without_class(case), POLICY) == []
    case.ingress.props["metadata"]["annotations"] = {"alb.ingress.kubernetes.io/scheme": "internet-facing"}
    found = violations(_without_class(case), POLICY)
    assert "its load balancer is internet-facing" in _about_ingress(found, case), messages(found)


def test_another_class_neither_the_stack_nor_a_chart_it_declares_creates_fails_closed() -> None:
    case = _published()
    case.ingress.props["spec"]["ingressClassName"] = "alb-public"
    found = violations(_without_class(case), POLICY)
    assert "alb-public is not declared in this stack" in _about_ingress(found, case), messages(found)


# EKS Auto Mode's built-in ALB -------------------------------------------------------------------------------
# Its IngressClass names the controller `eks.amazonaws.com/alb` and IngressClassParams of the API group
# `eks.amazonaws.com` (docs.aws.amazon.com/eks/latest/userguide/auto-configure-alb.html), whose `spec.scheme`
# decides the load balancer's reach.


def _auto_mode(case: Published, scheme: object, params_kind_group: str = "eks.amazonaws.com") -> Res:
    """The baseline's class turned into EKS Auto Mode's, and its IngressClassParams with `scheme`."""
    case.ingress_class = Res(
        "kubernetes:networking.k8s.io/v1:IngressClass",
        "class-alb",
        {
            "metadata": {"name": "alb"},
            "spec": {
                "controller": "eks.amazonaws.com/alb",
                "parameters": {"apiGroup": "eks.amazonaws.com", "kind": "IngressClassParams", "name": "alb"},
            },
        },
        case.region.kubernetes,
    )
    version = "v1" if params_kind_group == "eks.amazonaws.com" else "v1beta1"
    spec = {} if scheme is None else {"scheme": scheme}
    return Res(
        f"kubernetes:{params_kind_group}/{version}:IngressClassParams",
        "params-alb",
        {"metadata": {"name": "alb"}, "spec": spec},
        case.region.kubernetes,
    )


def test_an_internal_ingress_of_eks_auto_modes_alb_is_allowed() -> None:
    case = _published()
    params = _auto_mode(case, "internal")
    assert violations([*case.resources, params], POLICY) == []


def test_an_internet_facing_ingress_of_eks_auto_modes_alb_is_blocked() -> None:
    case = _published()
    params = _auto_mode(case, "internet-facing")
    found = violations([*case.resources, params], POLICY)
    assert "internet-facing" in _about_ingress(found, case), messages(found)


@pytest.mark.parametrize("scheme", [None, UNKNOWN], ids=["unset", "unknown"])
def test_eks_auto_mode_params_that_do_not_say_internal_fail_closed(scheme: object) -> None:
    case = _published()
    params = _auto_mode(case, scheme)
    found = violations([*case.resources, params], POLICY)
    assert "EKS Auto Mode" in _about_ingress(found, case), messages(found)


def test_eks_auto_mode_reads_no_load_balancer_controller_params() -> None:
    # The Auto Mode class names params of its own API group; the self-managed controller's of the same name
    # are another object, which Auto Mode does not read.
    case = _published()
    params = _auto_mode(case, "internal", params_kind_group="elbv2.k8s.aws")
    found = violations([*case.resources, params], POLICY)
    assert "IngressClassParams 'alb'" in _about_ingress(found, case), messages(found)


def test_an_eks_auto_mode_ingress_whose_group_member_is_internet_facing_is_blocked() -> None:
    case = _published()
    params = _auto_mode(case, "internal")
    params.props["spec"]["group"] = {"name": "shared"}
    other = Res(
        "kubernetes:networking.k8s.io/v1:Ingress",
        "edge",
        {
            "metadata": {
                "name": "edge",
                "namespace": NAMESPACE,
                "annotations": {
                    "alb.ingress.kubernetes.io/group.name": "shared",
                    "alb.ingress.kubernetes.io/scheme": "internet-facing",
                },
            },
            "spec": {"ingressClassName": "alb-public", "defaultBackend": {"service": {"name": "web"}}},
        },
        case.region.kubernetes,
    )
    found = violations([*case.resources, params, other], POLICY)
    assert "IngressGroup 'shared'" in _about_ingress(found, case), messages(found)


# Gateway API ------------------------------------------------------------------------------------------------

GATEWAY_API = "kubernetes:gateway.networking.k8s.io"


def _gateway(region: Region, controller: str, config: str | None) -> list[Res]:
    gateway_class = Res(
        f"{GATEWAY_API}/v1:GatewayClass",
        "aws-alb",
        {"metadata": {"name": "aws-alb"}, "spec": {"controllerName": controller}},
        region.kubernetes,
    )
    spec: dict[str, object] = {
        "gatewayClassName": "aws-alb",
        "listeners": [{"name": "http", "protocol": "HTTP", "port": 80}],
    }
    found = [gateway_class]
    if config is not None:
        spec["infrastructure"] = {
            "parametersRef": {"group": "gateway.k8s.aws", "kind": "LoadBalancerConfiguration", "name": "edge"}
        }
        found.append(
            Res(
                "kubernetes:gateway.k8s.aws/v1beta1:LoadBalancerConfiguration",
                "edge",
                {"metadata": {"name": "edge", "namespace": NAMESPACE}, "spec": {"scheme": config}},
                region.kubernetes,
            )
        )
    found.append(
        Res(
            f"{GATEWAY_API}/v1:Gateway",
            "edge",
            {"metadata": {"name": "edge", "namespace": NAMESPACE}, "spec": spec},
            region.kubernetes,
        )
    )
    return found


def _route(region: Region, kind: str = "HTTPRoute", version: str = "v1") -> Res:
    return Res(
        f"{GATEWAY_API}/{version}:{kind}",
        "customers",
        {
            "metadata": {"name": "customers", "namespace": NAMESPACE},
            "spec": {
                "parentRefs": [{"name": "edge"}],
                "rules": [{"backendRefs": [{"name": "customers-db", "port": 5432}]}],
            },
        },
        region.kubernetes,
    )


def _routed(controller: str, config: str | None, kind: str = "HTTPRoute", version: str = "v1") -> list[Res]:
    case = _published()
    return [
        *(r for r in case.resources if r not in (case.ingress, case.ingress_class)),
        *_gateway(case.region, controller, config),
        _route(case.region, kind, version),
    ]


def test_a_route_through_an_internal_load_balancer_controller_gateway_is_allowed() -> None:
    assert violations(_routed("gateway.k8s.aws/alb", "internal"), POLICY) == []


@pytest.mark.parametrize(
    ("kind", "version"),
    [("HTTPRoute", "v1"), ("GRPCRoute", "v1"), ("TCPRoute", "v1alpha2"), ("TLSRoute", "v1alpha2")],
)
def test_a_route_through_an_internet_facing_gateway_is_blocked(kind: str, version: str) -> None:
    found = violations(_routed("gateway.k8s.aws/alb", "internet-facing", kind, version), POLICY)
    shown = messages([d for d in found if d.urn.endswith(f"{kind}::customers")])
    assert "publishes kubernetes:apps/v1:StatefulSet 'customers-db'" in shown, messages(found)


def test_a_route_through_a_vpc_lattice_gateway_fails_closed() -> None:
    found = violations(_routed("application-networking.k8s.aws/gateway-api-controller", None), POLICY)
    shown = messages([d for d in found if d.urn.endswith("HTTPRoute::customers")])
    assert "application-networking.k8s.aws/gateway-api-controller" in shown, messages(found)


# The controller's GlobalAccelerator ------------------------------------------------------------------------


def _accelerator(region: Region, endpoint: dict[str, object]) -> Res:
    return Res(
        "kubernetes:aga.k8s.aws/v1beta1:GlobalAccelerator",
        "customers",
        {
            "metadata": {"name": "customers", "namespace": NAMESPACE},
            "spec": {
                "name": "customers",
                "ipAddressType": "IPV4",
                "listeners": [
                    {
                        "protocol": "TCP",
                        "portRanges": [{"fromPort": 5432, "toPort": 5432}],
                        "clientAffinity": "NONE",
                        "endpointGroups": [{"endpoints": [endpoint]}],
                    }
                ],
            },
        },
        region.kubernetes,
    )


def test_an_accelerator_of_an_application_ingress_is_allowed() -> None:
    case = _published()
    application = Res(
        "kubernetes:apps/v1:Deployment",
        "web",
        {
            "metadata": {"name": "web", "namespace": NAMESPACE},
            "spec": {
                "selector": {"matchLabels": {"app": "web"}},
                "template": {
                    "metadata": {"labels": {"app": "web"}},
                    "spec": {"containers": [{"name": "web", "image": "example/web:1.0"}]},
                },
            },
        },
        case.region.kubernetes,
    )
    service = Res(
        "kubernetes:core/v1:Service",
        "web",
        {
            "metadata": {"name": "web", "namespace": NAMESPACE},
            "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]},
        },
        case.region.kubernetes,
    )
    accelerator = _accelerator(case.region, {"type": "Service", "name": "web"})
    assert violations([*case.resources, application, service, accelerator], POLICY) == []


def test_an_accelerator_of_the_internal_ingress_in_front_of_the_store_is_blocked() -> None:
    case = _published()
    accelerator = _accelerator(case.region, {"type": "Ingress", "name": "customers"})
    found = violations([*case.resources, accelerator], POLICY)
    shown = messages([d for d in found if d.urn == accelerator.urn])
    assert "publishes kubernetes:apps/v1:StatefulSet 'customers-db'" in shown, messages(found)
    assert "Global Accelerator's public anycast addresses" in shown


def test_an_accelerator_endpoint_naming_no_balancer_of_the_stack_fails_closed() -> None:
    case = _published()
    arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/net/partner/50dc6c495c0c9188"
    accelerator = _accelerator(case.region, {"type": "EndpointID", "endpointID": arn})
    found = violations([*case.resources, accelerator], POLICY)
    assert "names no load balancer of this stack" in messages([d for d in found if d.urn == accelerator.urn])


def test_a_public_service_does_not_publish_another_clusters_pods() -> None:
    # Its selector matches the PII database's labels only in another cluster: it publishes no pod the stack
    # declares (which fails closed), never that cluster's database.
    case = _published()
    other_cluster = Res(
        "aws:eks/cluster:Cluster",
        "other-cluster",
        {"version": "1.33", "roleArn": UNKNOWN},
        case.region.provider,
    )
    public = Res(
        "kubernetes:core/v1:Service",
        "customers-public",
        {
            "metadata": {"name": "customers-public", "namespace": NAMESPACE},
            "spec": {"type": "LoadBalancer", "selector": {"app": "customers-db"}, "ports": [{"port": 5432}]},
        },
        kubernetes_provider(other_cluster, "other-cluster"),
    )
    found = [d for d in violations([*case.resources, other_cluster, public], POLICY) if d.urn == public.urn]
    assert "selects no pod this stack declares" in messages(found)
    assert "publishes kubernetes:apps/v1:StatefulSet 'customers-db'" not in messages(found)


# Ingress groups share one load balancer ---------------------------------------------------------------------


def _grouped(case: Published, scheme: str | None) -> Res:
    """The baseline's Ingress in group `tools`, and an application's Ingress in the same group."""
    case.ingress.props["metadata"]["annotations"] = {"alb.ingress.kubernetes.io/group.name": "tools"}
    annotations = {"alb.ingress.kubernetes.io/group.name": "tools"}
    if scheme is not None:
        annotations["alb.ingress.kubernetes.io/scheme"] = scheme
    return Res(
        "kubernetes:networking.k8s.io/v1:Ingress",
        "assets",
        {
            "metadata": {"name": "assets", "namespace": NAMESPACE, "annotations": annotations},
            "spec": {
                "ingressClassName": "alb",
                "defaultBackend": {"service": {"name": "assets", "port": {"number": 80}}},
            },
        },
        case.region.kubernetes,
    )


def test_an_ingress_group_whose_members_are_all_internal_is_allowed() -> None:
    case = _published()
    assert violations([*case.resources, _grouped(case, "internal")], POLICY) == []


def test_an_ingress_in_a_group_another_member_makes_internet_facing_is_blocked() -> None:
    case = _published()
    found = violations([*case.resources, _grouped(case, "internet-facing")], POLICY)
    shown = _about_ingress(found, case)
    assert "shares the load balancer of its IngressGroup 'tools'" in shown, messages(found)
    assert "publishes kubernetes:apps/v1:StatefulSet 'customers-db'" in shown


# Istio's Gateway API implementation (reviewer issue #8, Kubernetes case 2) ----------------------------------


def test_a_tls_route_through_an_istio_gateway_fails_closed() -> None:
    # Istio's controller provisions a LoadBalancer Service for the Gateway, internet-facing unless told
    # otherwise: the pack does not read its annotations, so the route cannot be shown internal.
    found = violations(_routed("istio.io/gateway-controller", None, "TLSRoute", "v1alpha2"), POLICY)
    shown = messages([d for d in found if d.urn.endswith("TLSRoute::customers")])
    assert "istio.io/gateway-controller" in shown and "customers-db" in shown, messages(found)


@pytest.mark.parametrize(
    "parent",
    [
        {"group": "networking.istio.io", "kind": "Gateway", "name": "edge"},
        {"group": "", "kind": "Service", "name": "edge"},
    ],
    ids=["an istio networking gateway", "a mesh service"],
)
def test_a_route_attached_to_a_parent_of_another_group_is_not_read_as_the_gateway_of_that_name(
    parent: dict[str, str],
) -> None:
    resources = _routed("gateway.k8s.aws/alb", "internal", "TLSRoute", "v1alpha2")
    route = next(r for r in resources if r.type.endswith("TLSRoute"))
    route.props["spec"]["parentRefs"] = [parent]
    found = violations(resources, POLICY)
    shown = messages([d for d in found if d.urn == route.urn])
    assert "which the pack does not read as a Gateway" in shown, messages(found)


def test_a_route_to_a_backend_of_another_group_fails_closed() -> None:
    resources = _routed("gateway.k8s.aws/alb", "internet-facing", "TLSRoute", "v1alpha2")
    route = next(r for r in resources if r.type.endswith("TLSRoute"))
    route.props["spec"]["rules"] = [
        {"backendRefs": [{"group": "networking.istio.io", "kind": "Hostname", "name": "customers-db.app"}]}
    ]
    found = violations(resources, POLICY)
    shown = messages([d for d in found if d.urn == route.urn])
    assert "whose pods this stack does not declare" in shown, messages(found)
