"""Copies of the requests a PII-reading application answers: a Gateway API RequestMirror filter and a load
balancer's access logs (reviewer blind-k8s12, l24 and l20).

A request to an application that reads personal data carries it (a sign-up form, a profile update), and its
access log keeps the client's address and the URL. An HTTPRoute whose `RequestMirror` filter
(`rules[].filters[].requestMirror.backendRef`, or a backendRef's own filters) names an ExternalName Service
of a host outside AWS sends a copy of every request there; an Ingress annotated
`alb.ingress.kubernetes.io/load-balancer-attributes: access_logs.s3.enabled=true,access_logs.s3.bucket=...`
(a Service's `service.beta.kubernetes.io/aws-load-balancer-attributes`, or the in-tree
`...-access-log-enabled` and `...-access-log-s3-bucket-name`) writes the logs to that bucket. Each test is the
baseline (a PII Deployment behind a Service) and one route, Ingress or Service.
"""

from __future__ import annotations

from typing import Any

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import PII
from tests.policies.operator_objects import custom_resource
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

NO_PII = "no-pii-replication"


def _app(region: Region, service_annotations: dict[str, str] | None = None) -> list[Res]:
    deployment = Res(
        "kubernetes:apps/v1:Deployment",
        "profile",
        {
            "metadata": {"name": "profile", "namespace": "app", "labels": dict(PII)},
            "spec": {
                "selector": {"matchLabels": {"app": "profile"}},
                "template": {
                    "metadata": {"labels": {"app": "profile"}},
                    "spec": {
                        "containers": [
                            {
                                "name": "profile",
                                "image": "example/profile:2",
                                "env": [{"name": "PGHOST", "value": UNKNOWN}],
                            }
                        ]
                    },
                },
            },
        },
        region.kubernetes,
        deps={"spec": [region.database]},
    )
    metadata: dict[str, Any] = {"name": "profile", "namespace": "app"}
    spec: dict[str, Any] = {"selector": {"app": "profile"}, "ports": [{"port": 80, "targetPort": 8080}]}
    if service_annotations is not None:
        metadata["annotations"] = service_annotations
        spec["type"] = "LoadBalancer"
    service = Res(
        "kubernetes:core/v1:Service", "profile-svc", {"metadata": metadata, "spec": spec}, region.kubernetes
    )
    return [deployment, service]


def _external(region: Region, host: str) -> Res:
    return Res(
        "kubernetes:core/v1:Service",
        "staging",
        {
            "metadata": {"name": "profile-staging", "namespace": "app"},
            "spec": {"type": "ExternalName", "externalName": host, "ports": [{"port": 443}]},
        },
        region.kubernetes,
    )


def _route(region: Region, mirror: str, on_backend: bool = False) -> Res:
    mirror_filter = {"type": "RequestMirror", "requestMirror": {"backendRef": {"name": mirror, "port": 443}}}
    backend: dict[str, Any] = {"name": "profile", "port": 80}
    rule: dict[str, Any] = {"backendRefs": [backend]}
    if on_backend:
        backend["filters"] = [mirror_filter]
    else:
        rule["filters"] = [mirror_filter]
    spec = {"parentRefs": [{"group": "", "kind": "Service", "name": "profile", "port": 80}], "rules": [rule]}
    return custom_resource(region, "gateway.networking.k8s.io/v1", "HTTPRoute", "profile", spec)


def test_a_route_mirroring_to_a_service_of_the_cluster_keeps_the_requests_in_it() -> None:
    region = eu_region()
    route = _route(region, "profile")
    resources = [*region.resources, *_app(region), route]
    assert [d for d in violations(resources, NO_PII) if d.urn == route.urn] == []


def test_a_route_mirroring_pii_requests_to_a_host_outside_aws_is_blocked() -> None:
    for on_backend in (False, True):
        region = eu_region()
        route = _route(region, "profile-staging", on_backend)
        resources = [
            *region.resources,
            *_app(region),
            _external(region, "profile.staging-us.example.com"),
            route,
        ]
        found = [d for d in violations(resources, NO_PII) if d.urn == route.urn]
        assert "request mirror" in messages(found), messages(violations(resources, NO_PII))
        assert "cannot be traced" in messages(found)


def _virtual_service(region: Region, mirror: str) -> Res:
    spec = {
        "hosts": ["profile.app.svc.cluster.local"],
        "http": [
            {
                "route": [{"destination": {"host": "profile.app.svc.cluster.local", "port": {"number": 80}}}],
                "mirror": {"host": mirror, "port": {"number": 443}},
                "mirrorPercentage": {"value": 100.0},
            }
        ],
    }
    return custom_resource(region, "networking.istio.io/v1", "VirtualService", "profile", spec)


def test_an_istio_mirror_to_a_service_entry_outside_aws_is_blocked() -> None:
    region = eu_region()
    entry = custom_resource(
        region,
        "networking.istio.io/v1",
        "ServiceEntry",
        "staging-us",
        {"hosts": ["api.staging-us.example.com"], "location": "MESH_EXTERNAL", "resolution": "DNS"},
    )
    route = _virtual_service(region, "api.staging-us.example.com")
    resources = [*region.resources, *_app(region), entry, route]
    found = [d for d in violations(resources, NO_PII) if d.urn == route.urn]
    assert "Istio VirtualService's mirror" in messages(found), messages(violations(resources, NO_PII))


def test_an_istio_mirror_to_a_service_of_the_cluster_stays() -> None:
    region = eu_region()
    route = _virtual_service(region, "profile.app.svc.cluster.local")
    resources = [*region.resources, *_app(region), route]
    assert [d for d in violations(resources, NO_PII) if d.urn == route.urn] == []


def _ingress(region: Region, attributes: str) -> Res:
    return Res(
        "kubernetes:networking.k8s.io/v1:Ingress",
        "profile-ingress",
        {
            "metadata": {
                "name": "profile",
                "namespace": "app",
                "annotations": {
                    "alb.ingress.kubernetes.io/scheme": "internal",
                    "alb.ingress.kubernetes.io/load-balancer-attributes": attributes,
                },
            },
            "spec": {
                "ingressClassName": "alb",
                "rules": [
                    {
                        "http": {
                            "paths": [
                                {
                                    "path": "/",
                                    "pathType": "Prefix",
                                    "backend": {"service": {"name": "profile", "port": {"number": 80}}},
                                }
                            ]
                        }
                    }
                ],
            },
        },
        region.kubernetes,
    )


def _log_bucket(region: Region) -> Res:
    return Res(
        "aws:s3/bucket:Bucket",
        "alb-logs",
        {"bucket": "eu-alb-access-logs", "tags": {"data-classification": "pii"}},
        region.provider,
        protect=True,
    )


def test_access_logs_into_the_stacks_bucket_in_region_stay() -> None:
    region = eu_region()
    ingress = _ingress(region, "access_logs.s3.enabled=true,access_logs.s3.bucket=eu-alb-access-logs")
    resources = [*region.resources, *_app(region), _log_bucket(region), ingress]
    assert [d for d in violations(resources, NO_PII) if d.urn == ingress.urn] == []


def test_access_logs_into_a_bucket_the_stack_does_not_declare_are_blocked() -> None:
    region = eu_region()
    ingress = _ingress(region, "access_logs.s3.enabled=true,access_logs.s3.bucket=central-alb-access-logs")
    resources = [*region.resources, *_app(region), ingress]
    found = [d for d in violations(resources, NO_PII) if d.urn == ingress.urn]
    assert "central-alb-access-logs" in messages(found), messages(violations(resources, NO_PII))


def test_a_load_balancer_services_access_logs_are_judged_too() -> None:
    for given in (
        {
            "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
            "service.beta.kubernetes.io/aws-load-balancer-internal": "true",
            "service.beta.kubernetes.io/aws-load-balancer-attributes": (
                "access_logs.s3.enabled=true,access_logs.s3.bucket=central-nlb-logs"
            ),
        },
        {
            "service.beta.kubernetes.io/aws-load-balancer-internal": "true",
            "service.beta.kubernetes.io/aws-load-balancer-access-log-enabled": "true",
            "service.beta.kubernetes.io/aws-load-balancer-access-log-s3-bucket-name": "central-nlb-logs",
        },
    ):
        region = eu_region()
        app = _app(region, given)
        resources = [*region.resources, *app]
        found = [d for d in violations(resources, NO_PII) if d.urn == app[1].urn]
        assert "central-nlb-logs" in messages(found), messages(violations(resources, NO_PII))
