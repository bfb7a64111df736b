"""Rule 6, pii-not-public, for the AWS Load Balancer Controller's TargetGroupBinding.

A TargetGroupBinding registers the pods of the Service its `spec.serviceRef` names (in its namespace) in an
existing target group, named by `spec.targetGroupARN` or `spec.targetGroupName` (aws-load-balancer-controller
v3.5.0, TargetGroupBinding v1beta1): every load balancer whose listeners forward to that group reaches those
pods, as it reaches an AWS target group attachment's target. The balancer's reach is judged as for a store
behind it (`exposure_fronts.balancer_reach`: its scheme, endpoint services, security groups and fronts); a
target group the stack does not declare, in a cluster that holds PII, cannot be seen and fails closed.
"""

from __future__ import annotations

from .exposure_fronts import balancer_reach, balancers_forwarding_to
from .exposure_ingress import published
from .exposure_services import kind_tokens
from .lineage import Lineage
from .model import Resource, Stack
from .settings import Settings
from .values import child, is_set, value_at, values_at
from .violations import Violation

BINDING_KIND = "elbv2.k8s.aws:TargetGroupBinding"
TARGET_GROUPS = ("aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup")
_FIX = (
    "bind the Service to the target group of an internal load balancer that admits only this region's "
    "networks, or bind an application, never the store."
)


def binding_exposure(
    stack: Stack, lineage: Lineage, protected_by_urn: dict[str, frozenset[str]], settings: Settings
) -> list[Violation]:
    """TargetGroupBindings whose target group a balancer reachable from outside forwards to, publishing the
    PII pods of their Service (or, in a cluster that holds PII, a group the stack does not declare)."""
    found: list[Violation] = []
    for binding in stack.of_type(*kind_tokens(stack, (BINDING_KIND,))):
        why = _reach(binding, stack, settings.account_ids)
        if why is None:
            continue
        namespace = value_at(binding.props, "metadata.namespace")
        service = value_at(binding.props, "spec.serviceRef.name")
        found.extend(
            published(binding, [(namespace, service)], why, stack, lineage, protected_by_urn, settings, _FIX)
        )
    return found


def _reach(binding: Resource, stack: Stack, accounts: frozenset[str]) -> str | None:
    """Why the target group a binding registers pods in is reachable from outside its VPC, or None."""
    groups = _target_groups(binding, stack)
    if not groups:
        named = [
            str(v)
            for path in ("spec.targetGroupARN", "spec.targetGroupName")
            for v in values_at(binding.props, path)
            if is_set(v)
        ]
        shown = ", ".join(named) or "none"
        return (
            f"it registers the Service's pods in target group {shown}, which this stack does not declare, "
            "so the load balancers that forward to it cannot be seen"
        )
    reasons = [
        problem
        for balancer in balancers_forwarding_to(lambda group: group in groups, stack)
        for problem, _ in balancer_reach(
            balancer, f"{binding.label}, through {groups[0].label}", stack, accounts
        )
    ]
    return "; ".join(reasons) if reasons else None


def _target_groups(binding: Resource, stack: Stack) -> list[Resource]:
    """The stack's target groups a binding names: by its ARN (lineage or identity), or by its name."""
    name = value_at(binding.props, "spec.targetGroupName")
    return [
        group
        for group in stack.of_type(*TARGET_GROUPS)
        if stack.refers_to(binding, "spec.targetGroupARN", group)
        or (is_set(name) and child(group.props, "name") == name)
    ]
