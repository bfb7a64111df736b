"""A TargetGroupBinding registers a Service's pods in a load balancer's target group (the AWS Load Balancer
Controller keeps the targets in step with the pods): a balancer reachable from outside that forwards to that
target group publishes the pods, as a public Service would. The real stacks' front door is built so (ALB ->
target group -> TargetGroupBinding -> Service -> pods the application deploys).

Each test is the compliant baseline with the telemetry StatefulSet relabelled PII behind a ClusterIP Service
and a TargetGroupBinding, and one change (the balancer's scheme).
"""

from __future__ import annotations

from tests.policies.baseline import Region, eu_region
from tests.policies.policy_harness import Res, messages, violations
from tests.policies.test_published_credentials import _target_group_binding

POLICY = "pii-not-public"


def _pii_pods_bound(region: Region, internal: bool) -> tuple[Res, list[Res]]:
    region.telemetry.props["metadata"]["labels"] = {"data-classification": "pii"}
    region.telemetry.props["spec"]["template"] = {
        "metadata": {"labels": {"app": "customers-db"}},
        "spec": {"containers": [{"name": "postgres", "image": "postgres:17"}]},
    }
    service = Res(
        "kubernetes:core/v1:Service",
        "customers-db",
        {
            "metadata": {"name": "api-proxy", "namespace": "telemetry"},
            "spec": {"type": "ClusterIP", "selector": {"app": "customers-db"}, "ports": [{"port": 5432}]},
        },
        region.kubernetes,
    )
    bound = _target_group_binding(region, internal)
    bound[-1].props["metadata"]["namespace"] = "telemetry"
    return bound[-1], [*region.resources, service, *bound]


def test_a_binding_of_an_internal_balancer_publishes_nothing() -> None:
    _, resources = _pii_pods_bound(eu_region(), internal=True)
    assert violations(resources, POLICY) == []


def test_a_binding_of_an_internet_facing_balancer_publishes_the_pii_pods() -> None:
    binding, resources = _pii_pods_bound(eu_region(), internal=False)
    found = violations(resources, POLICY)
    assert [d.urn for d in found] == [binding.urn], messages(found)
    assert "timescaledb" in found[0].message and "internet-facing" in found[0].message
