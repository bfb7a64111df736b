"""A release of a reviewed cluster UI chart published outside the VPC publishes its cluster (pii-not-public).

The Kubernetes Dashboard and Headlamp are web UIs over the Kubernetes API (Secrets, pods, exec:
`residency_facts/charts.py`). Their values publish them through a Service of type LoadBalancer or NodePort,
an Ingress or a route: in a cluster that holds PII or whose pods read it, a load balancer the pack cannot show
internal (the AWS annotations read as for a declared Service), a node port, an Ingress or route the chart
creates (whose class and scheme the pack does not see) publishes every Secret and pod of it.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.policies.baseline import eu_region
from tests.policies.helm_releases import release
from tests.policies.operator_objects import pii_claim
from tests.policies.policy_harness import messages, violations
from tests.policies.test_cluster_access import _database_reader

PUBLIC = "pii-not-public"
INTERNET_FACING = {
    "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
    "service.beta.kubernetes.io/aws-load-balancer-type": "external",
    "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
}
INTERNAL = {
    "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
    "service.beta.kubernetes.io/aws-load-balancer-internal": "true",
}


@pytest.mark.parametrize(
    ("chart", "values", "blocked"),
    [
        (
            "kubernetes-dashboard",
            {"kong": {"proxy": {"type": "LoadBalancer", "annotations": INTERNET_FACING}}},
            True,
        ),
        ("kubernetes-dashboard", {"kong": {"proxy": {"type": "LoadBalancer"}}}, True),
        (
            "kubernetes-dashboard",
            {"kong": {"proxy": {"type": "LoadBalancer", "annotations": INTERNAL}}},
            False,
        ),
        (
            "kubernetes-dashboard",
            {"app": {"ingress": {"enabled": True, "hosts": ["dash.example.com"]}}},
            True,
        ),
        ("kubernetes-dashboard", {"app": {"ingress": {"enabled": False}}}, False),
        ("kubernetes-dashboard", {}, False),
        ("headlamp", {"service": {"type": "NodePort"}}, True),
        ("headlamp", {"httpRoute": {"enabled": True}}, True),
        ("headlamp", {"hostNetwork": True}, True),
        ("headlamp", {"service": {"type": "ClusterIP"}}, False),
    ],
    ids=[
        "internet-facing-nlb",
        "load-balancer-without-annotations",
        "internal-nlb",
        "ingress",
        "ingress-off",
        "defaults",
        "node-port",
        "route",
        "host-network",
        "cluster-ip",
    ],
)
def test_a_cluster_ui_chart_published_outside_the_vpc_publishes_a_pii_cluster(
    chart: str, values: dict[str, Any], blocked: bool
) -> None:
    region = eu_region()
    ui = release(region, chart, values, "ui")
    found = violations([*region.resources, pii_claim(region), ui], PUBLIC)
    assert [d.urn for d in found] == ([ui.urn] if blocked else []), messages(found)
    if blocked:
        assert f"the {chart} chart (a cluster UI or API proxy)" in found[0].message


def test_a_published_cluster_ui_chart_in_a_cluster_whose_pods_read_pii_is_blocked() -> None:
    region = eu_region()
    ui = release(region, "kubernetes-dashboard", {"kong": {"proxy": {"type": "LoadBalancer"}}}, "ui")
    found = violations([*region.resources, _database_reader(region), ui], PUBLIC)
    assert [d.urn for d in found] == [ui.urn], messages(found)


def test_a_published_cluster_ui_chart_in_a_cluster_without_pii_is_allowed() -> None:
    region = eu_region()
    ui = release(region, "kubernetes-dashboard", {"kong": {"proxy": {"type": "LoadBalancer"}}}, "ui")
    assert violations([*region.resources, ui], PUBLIC) == []
