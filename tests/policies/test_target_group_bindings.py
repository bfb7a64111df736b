"""pii-not-public for the AWS Load Balancer Controller's TargetGroupBinding: it registers the pods of the
Service its `spec.serviceRef` names in the target group its `spec.targetGroupARN` (or `targetGroupName`)
names, so those pods are reached through every load balancer that forwards to that group
(aws-load-balancer-controller v3.5.0 helm/aws-load-balancer-controller/crds/crds.yaml, TargetGroupBinding
v1beta1). Each test is the compliant baseline (the PII pods' ClusterIP Service bound to the target group of
an internal NLB of the stack) and one change.
"""

from __future__ import annotations

from typing import Any

from tests.policies.baseline import Region, eu_region, network_balancer
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

POLICY = "pii-not-public"


def _pii_pods(region: Region) -> Res:
    """The baseline's StatefulSet, holding PII, its pods labelled app=timescaledb."""
    region.telemetry.props["spec"]["template"] = {"metadata": {"labels": {"app": "timescaledb"}}}
    region.telemetry.props["metadata"]["labels"]["data-classification"] = "pii"
    claim = region.telemetry.props["spec"]["volumeClaimTemplates"][0]
    claim["metadata"]["labels"]["data-classification"] = "pii"
    return region.telemetry


def _service(region: Region) -> Res:
    return Res(
        "kubernetes:core/v1:Service",
        "timescaledb",
        {
            "metadata": {"name": "timescaledb", "namespace": "telemetry"},
            "spec": {"type": "ClusterIP", "selector": {"app": "timescaledb"}, "ports": [{"port": 5432}]},
        },
        region.kubernetes,
    )


def _binding(region: Region, spec: dict[str, Any], group: Res | None) -> Res:
    return Res(
        "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding",
        "timescaledb",
        {
            "apiVersion": "elbv2.k8s.aws/v1beta1",
            "kind": "TargetGroupBinding",
            "metadata": {"name": "timescaledb", "namespace": "telemetry"},
            "spec": {"serviceRef": {"name": "timescaledb", "port": 5432}, "targetType": "ip", **spec},
        },
        region.kubernetes,
        deps={"spec": [group]} if group is not None else {},
    )


def _stack(internal: bool = True, **spec: Any) -> tuple[list[Res], Res]:
    region = eu_region()
    _pii_pods(region)
    balancer, group, _attachment, listener = network_balancer(region, "pg", "10.10.1.10", internal=internal)
    binding = _binding(region, spec or {"targetGroupARN": UNKNOWN}, None if spec else group)
    resources = [*region.resources, _service(region), balancer, group, listener, binding]
    return resources, binding


def _about(resources: list[Res], resource: Res) -> str:
    found = violations(resources, POLICY)
    assert resource.urn in [d.urn for d in found], messages(found)
    return messages([d for d in found if d.urn == resource.urn])


def test_pii_pods_bound_to_an_internal_balancers_target_group_stay_private() -> None:
    resources, _ = _stack()
    assert violations(resources, POLICY) == []


def test_pii_pods_bound_to_an_internet_facing_balancers_target_group_are_public() -> None:
    resources, binding = _stack(internal=False)
    about = _about(resources, binding)
    assert "kubernetes:apps/v1:StatefulSet 'timescaledb'" in about and "internet-facing" in about


def test_pii_pods_bound_to_a_target_group_named_by_its_name_are_judged_by_its_balancer() -> None:
    resources, binding = _stack(internal=False, targetGroupName="pg-tg")
    assert "internet-facing" in _about(resources, binding)


def test_pii_pods_bound_to_a_target_group_the_stack_does_not_declare_fail_closed() -> None:
    resources, binding = _stack(
        targetGroupARN="arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/shared/0123456789abcdef"
    )
    assert "does not declare" in _about(resources, binding)
