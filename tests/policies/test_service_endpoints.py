"""pii-not-public judges a public Kubernetes Service by what it forwards to: the pods its selector matches,
and the EndpointSlices (labelled `kubernetes.io/service-name`) and Endpoints that name it, which may be set by
hand to any address, the PII database's included.

The baseline is the compliant region with the database in a subnet group, and a public LoadBalancer Service
for a web Deployment. Each test changes one thing: the selector matches no pod, or a hand-made EndpointSlice
or Endpoints object adds an address (the database's, by IP or by name, or one elsewhere).
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.policies.baseline import Region, eu_region, in_database_subnets
from tests.policies.policy_harness import MODE, PREVIEW, UNKNOWN, Res, computed_outputs, messages, violations

POLICY = "pii-not-public"
NAMESPACE = "web"
DATABASE_ADDRESS = "10.10.1.25"
"""An address in the database's subnet."""
APPLICATION_ADDRESS = "10.10.2.40"
"""An address in the application subnet, which holds no store."""


@dataclass
class Public:
    """The baseline region with a public Service for a web Deployment."""

    region: Region
    service: Res
    resources: list[Res]


def _public() -> Public:
    region = eu_region()
    data, subnet_group = in_database_subnets(region)
    application = Res(
        "aws:ec2/subnet:Subnet",
        "application-a",
        {"vpcId": UNKNOWN, "cidrBlock": "10.10.2.0/24", "availabilityZone": "eu-west-1a"},
        region.provider,
        deps={"vpcId": [region.vpc]},
    )
    deployment = Res(
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
        region.kubernetes,
    )
    service = Res(
        "kubernetes:core/v1:Service",
        "web",
        {
            "metadata": {"name": "web", "namespace": NAMESPACE},
            "spec": {
                "type": "LoadBalancer",
                "selector": {"app": "web"},
                "ports": [{"port": 443, "targetPort": 8443}],
            },
        },
        region.kubernetes,
    )
    resources = [*region.resources, data, application, subnet_group, deployment, service]
    return Public(region, service, resources)


def _slice(case: Public, address_type: str, address: str, deps: list[Res] | None = None) -> Res:
    return Res(
        "kubernetes:discovery.k8s.io/v1:EndpointSlice",
        "web-extra",
        {
            "metadata": {
                "name": "web-extra",
                "namespace": NAMESPACE,
                "labels": {
                    "kubernetes.io/service-name": "web",
                    "endpointslice.kubernetes.io/managed-by": "example.com/by-hand",
                },
            },
            "addressType": address_type,
            "ports": [{"name": "", "port": 5432, "protocol": "TCP"}],
            "endpoints": [{"addresses": [address]}],
        },
        case.region.kubernetes,
        deps={"endpoints": deps} if deps else {},
    )


def _about_service(found: list, case: Public) -> str:
    return messages(
        [d for d in found if d.urn == case.service.urn or "EndpointSlice" in d.urn or "Endpoints" in d.urn]
    )


def test_a_public_service_for_an_application_is_allowed() -> None:
    assert violations(_public().resources, POLICY) == []


def test_a_public_service_whose_selector_matches_no_pod_fails_closed() -> None:
    case = _public()
    case.service.props["spec"]["selector"] = {"app": "web-v2"}
    found = violations(case.resources, POLICY)
    assert "selects no pod this stack declares" in _about_service(found, case), messages(found)


def test_a_hand_made_endpoint_slice_for_an_address_outside_every_store_is_allowed() -> None:
    case = _public()
    assert violations([*case.resources, _slice(case, "IPv4", APPLICATION_ADDRESS)], POLICY) == []


def test_a_hand_made_endpoint_slice_to_the_databases_address_is_blocked() -> None:
    case = _public()
    found = violations([*case.resources, _slice(case, "IPv4", DATABASE_ADDRESS)], POLICY)
    shown = _about_service(found, case)
    assert f"forwards to aws:rds/instance:Instance 'pii-db' at {DATABASE_ADDRESS}" in shown, messages(found)


def test_a_hand_made_endpoint_slice_to_the_databases_host_name_is_blocked() -> None:
    case = _public()
    address = UNKNOWN if MODE.get() == PREVIEW else computed_outputs(case.region.database)["address"]
    found = violations([*case.resources, _slice(case, "FQDN", address, [case.region.database])], POLICY)
    assert "forwards to aws:rds/instance:Instance 'pii-db'" in _about_service(found, case), messages(found)


def test_a_hand_made_endpoint_slice_to_a_host_the_stack_cannot_place_fails_closed() -> None:
    case = _public()
    found = violations([*case.resources, _slice(case, "FQDN", "db.partner.example.com")], POLICY)
    assert "db.partner.example.com" in _about_service(found, case), messages(found)


def test_hand_made_endpoints_to_the_databases_address_are_blocked() -> None:
    case = _public()
    case.service.props["spec"].pop("selector")
    endpoints = Res(
        "kubernetes:core/v1:Endpoints",
        "web",
        {
            "metadata": {"name": "web", "namespace": NAMESPACE},
            "subsets": [
                {"addresses": [{"ip": DATABASE_ADDRESS}], "ports": [{"port": 5432, "protocol": "TCP"}]}
            ],
        },
        case.region.kubernetes,
    )
    found = violations([*case.resources, endpoints], POLICY)
    shown = _about_service(found, case)
    assert f"forwards to aws:rds/instance:Instance 'pii-db' at {DATABASE_ADDRESS}" in shown, messages(found)


def test_an_internet_facing_ingress_to_a_service_whose_endpoint_is_the_database_is_blocked() -> None:
    case = _public()
    case.service.props["spec"]["type"] = "ClusterIP"
    ingress_class = Res(
        "kubernetes:networking.k8s.io/v1:IngressClass",
        "alb",
        {"metadata": {"name": "alb"}, "spec": {"controller": "ingress.k8s.aws/alb"}},
        case.region.kubernetes,
    )
    ingress = Res(
        "kubernetes:networking.k8s.io/v1:Ingress",
        "web",
        {
            "metadata": {
                "name": "web",
                "namespace": NAMESPACE,
                "annotations": {"alb.ingress.kubernetes.io/scheme": "internet-facing"},
            },
            "spec": {
                "ingressClassName": "alb",
                "defaultBackend": {"service": {"name": "web", "port": {"number": 443}}},
            },
        },
        case.region.kubernetes,
    )
    resources = [*case.resources, ingress_class, ingress]
    assert violations(resources, POLICY) == []
    found = violations([*resources, _slice(case, "IPv4", DATABASE_ADDRESS)], POLICY)
    shown = messages([d for d in found if d.urn == ingress.urn])
    assert f"forwards to aws:rds/instance:Instance 'pii-db' at {DATABASE_ADDRESS}" in shown, messages(found)


def test_an_internet_facing_ingress_to_an_external_name_service_for_the_database_is_blocked() -> None:
    case = _public()
    address = UNKNOWN if MODE.get() == PREVIEW else computed_outputs(case.region.database)["address"]
    external = Res(
        "kubernetes:core/v1:Service",
        "customers-db",
        {
            "metadata": {"name": "customers-db", "namespace": NAMESPACE},
            "spec": {"type": "ExternalName", "externalName": address},
        },
        case.region.kubernetes,
        deps={"spec": [case.region.database]},
    )
    ingress = Res(
        "kubernetes:networking.k8s.io/v1:Ingress",
        "customers",
        {
            "metadata": {"name": "customers", "namespace": NAMESPACE},
            "spec": {
                "ingressClassName": "nginx",
                "defaultBackend": {"service": {"name": "customers-db", "port": {"number": 5432}}},
            },
        },
        case.region.kubernetes,
    )
    found = violations([*case.resources, external, ingress], POLICY)
    shown = messages([d for d in found if d.urn == ingress.urn])
    assert "forwards to aws:rds/instance:Instance 'pii-db'" in shown and "its external name" in shown, shown
