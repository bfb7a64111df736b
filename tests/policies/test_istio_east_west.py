"""An Istio east-west gateway publishes the cluster's Services to the mesh's other clusters (reviewer
blind-k8s12, l09).

Istio multi-network meshes expose every Service whose host a Gateway's AUTO_PASSTHROUGH server matches
(`servers[].tls.mode: AUTO_PASSTHROUGH`, `hosts: ["*.local"]`) to the pods of the other clusters, which the
remote secrets (Secrets labelled `istio/multiCluster: "true"`, a kubeconfig of each cluster's API server)
name. Each test is the baseline (a PII-reading application behind a Service), the gateway and one change of
the remote clusters.
"""

from __future__ import annotations

import json

from tests.policies.baseline import Region, eu_region
from tests.policies.operator_objects import custom_resource
from tests.policies.policy_harness import Res, messages, violations
from tests.policies.test_request_copies import _app

POLICY = "pii-not-public"


def _gateway(region: Region, mode: str = "AUTO_PASSTHROUGH") -> Res:
    spec = {
        "selector": {"istio": "eastwestgateway"},
        "servers": [
            {
                "port": {"number": 15443, "name": "tls", "protocol": "TLS"},
                "tls": {"mode": mode},
                "hosts": ["*.local"],
            }
        ],
    }
    return custom_resource(region, "networking.istio.io/v1", "Gateway", "cross-network", spec, "istio-system")


def _remote(region: Region, server: str) -> Res:
    kubeconfig = json.dumps(
        {"apiVersion": "v1", "kind": "Config", "clusters": [{"name": "c", "cluster": {"server": server}}]}
    )
    return Res(
        "kubernetes:core/v1:Secret",
        "istio-remote-secret",
        {
            "metadata": {
                "name": "istio-remote-secret",
                "namespace": "istio-system",
                "labels": {"istio/multiCluster": "true"},
            },
            "stringData": {"remote": kubeconfig},
        },
        region.kubernetes,
    )


def _found(resources: list[Res], gateway: Res) -> list:
    return [d for d in violations(resources, POLICY) if d.urn == gateway.urn]


def test_an_east_west_gateway_to_a_cluster_of_the_same_region_is_not_public() -> None:
    region = eu_region()
    gateway = _gateway(region)
    remote = _remote(region, "https://ABC.gr7.eu-west-1.eks.amazonaws.com")
    assert _found([*region.resources, *_app(region), gateway, remote], gateway) == []


def test_an_east_west_gateway_to_another_regions_cluster_publishes_the_pii_application() -> None:
    region = eu_region()
    gateway = _gateway(region)
    resources = [
        *region.resources,
        *_app(region),
        gateway,
        _remote(region, "https://ABC.gr7.ap-south-1.eks.amazonaws.com"),
    ]
    assert "ap-south-1" in messages(_found(resources, gateway)), messages(violations(resources, POLICY))


def test_an_east_west_gateway_with_no_remote_cluster_the_stack_shows_fails_closed() -> None:
    region = eu_region()
    gateway = _gateway(region)
    resources = [*region.resources, *_app(region), gateway]
    assert _found(resources, gateway), messages(violations(resources, POLICY))


def test_an_ordinary_tls_gateway_is_not_an_east_west_one() -> None:
    region = eu_region()
    gateway = _gateway(region, "SIMPLE")
    resources = [*region.resources, *_app(region), gateway]
    assert _found(resources, gateway) == []
