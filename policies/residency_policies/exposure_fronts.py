"""Rule 6, pii-not-public, through load balancers and the public front doors in front of them.

A load balancer whose listeners (or listener rules) forward to a target group that targets a PII store, by
reference or by an IP target in the store's subnets, exposes the store when it is reachable from outside:
internet-facing; internal with a security group that admits sources beyond the VPC (a peered or transit
network: they reach the store through it); behind an endpoint service that admits everyone, another account
or another region's consumers; or behind a public front door (Global Accelerator, API Gateway VPC links
and private integrations, CloudFront VPC origins, VPC Lattice targets, the load balancer controller's
accelerators, or a balancer reachable from outside that targets it). Any other non-neutral resource that
names the balancer fails closed, naming its type.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from residency_facts import Category

from .attributes import effective_region
from .exposure_ingress import ACCELERATOR_ENDPOINTS
from .exposure_network import (
    LOAD_BALANCERS,
    address_in,
    group_exposure,
    internet_facing,
    security_groups,
    store_subnet_cidrs,
)
from .model import Resource, Stack, parse_arn
from .values import Unknown, child, known_strings, values_at

TARGET_GROUP_ATTACHMENTS = (
    "aws:lb/targetGroupAttachment:TargetGroupAttachment",
    "aws:alb/targetGroupAttachment:TargetGroupAttachment",
)
LISTENERS = ("aws:lb/listener:Listener", "aws:alb/listener:Listener")
ENDPOINT_SERVICE = "aws:ec2/vpcEndpointService:VpcEndpointService"
ENDPOINT_SERVICE_PRINCIPAL = "aws:ec2/vpcEndpointServiceAllowedPrinciple:VpcEndpointServiceAllowedPrinciple"


def load_balancer_exposure(store: Resource, stack: Stack, accounts: frozenset[str]) -> list[tuple[str, str]]:
    """A load balancer reachable from outside whose target group targets the store passes that to it.

    A target is the store when it names the store (lineage or identity), or when it is an IP address in one
    of the store's subnets (an RDS or cache endpoint resolves to an address there, which an NLB IP target
    accepts). A balancer is reachable from outside when it is internet-facing, when an endpoint service
    (PrivateLink) in front of it admits everyone or another account, or when something AWS serves from
    outside the VPC fronts it (`_fronts`): an internal balancer alone is fine, a public front door to it is
    exposure.
    """
    found = []
    subnets: list[Any] | None = None
    for attachment in stack.of_type(*TARGET_GROUP_ATTACHMENTS):
        if stack.refers_to(attachment, "targetId", store):
            how = attachment.label
        else:
            if subnets is None:
                subnets = store_subnet_cidrs(store, stack)
            address = address_in(child(attachment.props, "targetId"), subnets)
            if address is None:
                continue
            how = f"{attachment.label}, an IP target in the store's subnet {address}"
        for balancer in _forwarding_balancers(attachment, stack):
            found.extend(balancer_reach(balancer, how, stack, accounts))
    return found


def balancer_reach(
    balancer: Resource, how: str, stack: Stack, accounts: frozenset[str]
) -> list[tuple[str, str]]:
    """How a balancer that forwards to a store (`how`: through which target) makes it reachable from outside
    its VPC, each with how to fix it: its scheme, its endpoint services, its security groups, its fronts."""
    found = []
    if internet_facing(balancer):
        found.append(
            (
                f"the internet-facing {balancer.label} forwards to it ({how})",
                "remove the target, or make the load balancer internal and admit only this "
                "region's services.",
            )
        )
    for service, principal in _endpoint_services(balancer, stack, accounts):
        found.append(
            (
                f"{service.label} opens {balancer.label}, which forwards to it ({how}), to {principal}",
                "allow only principals of this deployment's accounts on the endpoint service "
                "(never `*`), require acceptance, or remove the target.",
            )
        )
    for why in _balancer_sources(balancer, stack, accounts):
        found.append(
            (
                f"{balancer.label} forwards to it ({how}), and its security group admits a source "
                f"beyond the store's VPC, which so reaches the store: {why}",
                "admit on the balancer's security groups only this region's VPC networks (no peered "
                "or transit network of another account or region), or remove the store from its "
                "targets.",
            )
        )
    for why in _fronts(balancer, stack, accounts, frozenset({balancer.urn})):
        found.append(
            (
                f"{balancer.label}, which forwards to it ({how}), is reachable from outside its VPC: {why}",
                "remove the public front door (or point it at an application that serves no personal "
                "data), or remove the store from the balancer's targets.",
            )
        )
    return found


def _balancer_sources(balancer: Resource, stack: Stack, accounts: frozenset[str]) -> list[str]:
    """What the security groups of a balancer in front of a store admit beyond its VPC (a peered or transit
    network, another account's group): the balancer passes them on, so they count as the store's sources.
    An internet-facing balancer is judged as such already; a group the stack does not declare fails closed.
    """
    if internet_facing(balancer):
        return []
    found: list[str] = []
    for group in security_groups(balancer, stack, ("securityGroups",)):
        if isinstance(group, str):
            found.append(
                f"its security group {group} is not declared in this stack, so its rules cannot be seen"
            )
            continue
        found.extend(problem for problem, _ in group_exposure(group, balancer, stack, accounts))
    return found


LISTENER_RULES = ("aws:lb/listenerRule:ListenerRule", "aws:alb/listenerRule:ListenerRule")
_FORWARDS = {
    "listener": ("defaultActions[].targetGroupArn", "defaultActions[].forward.targetGroups[].arn"),
    "rule": ("actions[].targetGroupArn", "actions[].forward.targetGroups[].arn"),
}
"""Where a listener (its default actions) and a listener rule (its actions) name the target groups they
forward to."""


def _forwarding_balancers(attachment: Resource, stack: Stack, path: str = "targetGroupArn") -> list[Resource]:
    """The balancers whose listeners (default actions, or rules) forward to the target group an input of an
    attachment (or of a TargetGroupBinding) names."""
    return balancers_forwarding_to(lambda group: stack.refers_to(attachment, path, group), stack)


def balancers_forwarding_to(is_group: Callable[[Resource], bool], stack: Stack) -> list[Resource]:
    """The balancers whose listeners (default actions, or rules) forward to a target group that passes."""
    listeners: list[Resource] = []
    for listener in stack.of_type(*LISTENERS):
        if any(_forwards_to(listener, path, is_group, stack) for path in _FORWARDS["listener"]):
            listeners.append(listener)
    for rule in stack.of_type(*LISTENER_RULES):
        if any(_forwards_to(rule, path, is_group, stack) for path in _FORWARDS["rule"]):
            listeners.extend(
                listener
                for listener in stack.of_type(*LISTENERS)
                if stack.refers_to(rule, "listenerArn", listener) and listener not in listeners
            )
    found: list[Resource] = []
    for listener in listeners:
        for balancer in stack.of_type(*LOAD_BALANCERS):
            if stack.refers_to(listener, "loadBalancerArn", balancer) and balancer not in found:
                found.append(balancer)
    return found


def _forwards_to(
    action_owner: Resource, path: str, is_group: Callable[[Resource], bool], stack: Stack
) -> bool:
    """Whether a listener's or rule's actions name a target group that passes."""
    return any(
        is_group(group)
        for group in [
            *stack.dependencies(action_owner, path),
            *(g for v in known_strings(values_at(action_owner.props, path)) for g in stack.named(v)),
        ]
    )


TARGET_GROUPS = ("aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup")


def target_group_reach(owner: Resource, path: str, stack: Stack, accounts: frozenset[str]) -> list[str]:
    """Why what registers in the target group an input names (a TargetGroupBinding's `spec.targetGroupARN`)
    is reachable from outside its VPC: a balancer forwarding to it is internet-facing, behind an endpoint
    service open beyond the deployment, admits sources beyond the VPC or has a public front door. Empty when
    no balancer of the stack that forwards to it is; a target group the stack does not declare cannot be
    seen."""
    if not any(stack.refers_to(owner, path, group) for group in stack.of_type(*TARGET_GROUPS)):
        return [
            f"the target group it registers in ({path}) is not declared in this stack, so the load balancer "
            "that forwards to it cannot be seen"
        ]
    found: list[str] = []
    for balancer in _forwarding_balancers(owner, stack, path):
        if internet_facing(balancer):
            found.append(f"the internet-facing {balancer.label} forwards to its target group")
        found.extend(
            f"{service.label} opens {balancer.label}, which forwards to its target group, to {principal}"
            for service, principal in _endpoint_services(balancer, stack, accounts)
        )
        found.extend(
            f"{balancer.label} forwards to its target group and admits a source beyond the VPC: {why}"
            for why in _balancer_sources(balancer, stack, accounts)
        )
        found.extend(
            f"{balancer.label} forwards to its target group and is reachable from outside its VPC: {why}"
            for why in _fronts(balancer, stack, accounts, frozenset({balancer.urn}))
        )
    return found


PUBLIC_FRONTS: dict[str, tuple[tuple[str, ...], str]] = {
    "aws:globalaccelerator/endpointGroup:EndpointGroup": (
        ("endpointConfigurations[].endpointId",),
        "a Global Accelerator endpoint group, which routes its accelerator's public anycast addresses to it",
    ),
    "aws:globalaccelerator/crossAccountAttachment:CrossAccountAttachment": (
        ("resources[].endpointId",),
        "a Global Accelerator cross-account attachment, which lets its principals' accelerators route the "
        "internet to it",
    ),
    "aws:apigateway/vpcLink:VpcLink": (
        ("targetArn", "targetArns"),
        "a REST API VPC link, through which API Gateway's endpoints forward requests to it",
    ),
    "aws:apigateway/integration:Integration": (
        ("integrationTarget",),
        "a REST API private integration (VPC link V2), through which the API's endpoint forwards requests "
        "to it",
    ),
    "aws:apigatewayv2/integration:Integration": (
        ("integrationUri",),
        "an HTTP API private integration (VPC link), through which the API's endpoint forwards requests "
        "to it",
    ),
    "aws:cloudfront/vpcOrigin:VpcOrigin": (
        ("vpcOriginEndpointConfig.arn",),
        "a CloudFront VPC origin, through which CloudFront's edge locations forward viewers' requests to it",
    ),
    "kubernetes:aga.k8s.aws/v1beta1:GlobalAccelerator": (
        (f"{ACCELERATOR_ENDPOINTS}.endpointID",),
        "a GlobalAccelerator of the AWS Load Balancer Controller, which routes its accelerator's public "
        "anycast addresses to it",
    ),
    "aws:vpclattice/targetGroupAttachment:TargetGroupAttachment": (
        ("target.id",),
        "a VPC Lattice target, which every VPC and account of its service's service networks reaches",
    ),
}
"""Resources AWS serves from outside a balancer's VPC that forward to the balancer or one of its listeners,
each with the paths that name it and what it is, in wire names."""

NOT_FRONTS = frozenset(
    {
        *(
            f"aws:{module}/{name}"
            for module in ("lb", "alb")
            for name in (
                "listener:Listener",
                "listenerRule:ListenerRule",
                "listenerCertificate:ListenerCertificate",
                "targetGroup:TargetGroup",
                "targetGroupAttachment:TargetGroupAttachment",
            )
        ),
        ENDPOINT_SERVICE,
        ENDPOINT_SERVICE_PRINCIPAL,
    }
)
"""Types that name a balancer without fronting it from outside (its own parts; endpoint services, judged by
the principals they admit)."""
NOT_FRONT_PREFIXES = ("aws:iam/",)
"""Services whose resources name a balancer to grant calls on it (IAM policies), never to carry traffic."""


def _fronts(balancer: Resource, stack: Stack, accounts: frozenset[str], seen: frozenset[str]) -> list[str]:
    """Why a balancer is reachable from outside its VPC through something in front of it, besides its own
    scheme and endpoint services.

    A known front (`PUBLIC_FRONTS`) that names the balancer or one of its listeners exposes it; so does a
    balancer reachable from outside that targets it (an NLB with an ALB target), through any number of
    balancers. Any other resource that is not neutral and names the balancer or a listener of it may front it
    in a way the pack does not read: it fails closed, naming the type to review.
    """
    parts = [
        balancer,
        *(lst for lst in stack.of_type(*LISTENERS) if stack.refers_to(lst, "loadBalancerArn", balancer)),
    ]
    found: list[str] = []
    judged: set[str] = set()
    for front_type, (paths, what) in PUBLIC_FRONTS.items():
        for front in stack.of_type(front_type):
            if any(stack.refers_to(front, path, part) for path in paths for part in parts):
                judged.add(front.urn)
                found.append(f"{front.label} is {what}")
            elif literal := _may_name(front, paths, balancer, stack):
                judged.add(front.urn)
                found.append(
                    f"{front.label} is {what} if the literal ARN {literal} names it: a first preview cannot "
                    f"tell, since AWS generates {balancer.label}'s ARN (pass the balancer's arn output "
                    "instead)"
                )
    for attachment in stack.of_type(*TARGET_GROUP_ATTACHMENTS):
        if not stack.refers_to(attachment, "targetId", balancer):
            continue
        judged.add(attachment.urn)
        for outer in _forwarding_balancers(attachment, stack):
            if outer.urn in seen:
                continue
            if internet_facing(outer):
                found.append(f"the internet-facing {outer.label} forwards to it ({attachment.label})")
            for service, principal in _endpoint_services(outer, stack, accounts):
                found.append(
                    f"{service.label} opens {outer.label}, which forwards to it ({attachment.label}), to "
                    f"{principal}"
                )
            found.extend(
                f"{outer.label} forwards to it ({attachment.label}), and {why}"
                for why in _fronts(outer, stack, accounts, seen | {outer.urn})
            )
    for part in parts:
        for dependent in stack.dependents(part):
            if dependent.urn in judged or dependent.type in NOT_FRONTS or dependent in parts:
                continue
            if dependent.type.startswith(NOT_FRONT_PREFIXES):
                continue
            categories = dependent.categories
            if categories is not None and categories <= {Category.NEUTRAL}:
                continue
            if dependent.type in PUBLIC_FRONTS:
                continue
            judged.add(dependent.urn)
            found.append(
                f"{dependent.label} names {part.label}, and the pack does not read whether that type serves "
                "it from outside the VPC (review the type's triage in policies/residency_facts)"
            )
    return found


def _may_name(front: Resource, paths: tuple[str, ...], balancer: Resource, stack: Stack) -> str | None:
    """A literal load balancer ARN of a front that names nothing the stack declares, but may be this
    balancer's: its ARN is unknown (a first preview), the literal is in its region, and its name, when
    known, is the literal's (`namePrefix` a prefix of it)."""
    if isinstance(child(balancer.props, "arn"), str):
        return None
    name, prefix = child(balancer.props, "name"), child(balancer.props, "namePrefix")
    region = effective_region(balancer, stack)
    for path in paths:
        for text in known_strings(values_at(front.props, path)):
            arn = parse_arn(text)
            if arn is None or arn.service != "elasticloadbalancing" or not arn.names[1:]:
                continue
            if isinstance(region, str) and arn.region != region:
                continue
            literal_name = arn.names[-1]
            if isinstance(name, str) and name and name != literal_name:
                continue
            if isinstance(prefix, str) and not literal_name.startswith(prefix):
                continue
            if not stack.arn_match(text, lambda r: effective_region(r, stack), excluding=front):
                return text
    return None


def _endpoint_services(
    balancer: Resource, stack: Stack, accounts: frozenset[str]
) -> list[tuple[Resource, str]]:
    """The endpoint services in front of a balancer, each with a principal outside the deployment."""
    found = []
    for service in stack.of_type(ENDPOINT_SERVICE):
        if not stack.refers_to(service, "networkLoadBalancerArns", balancer):
            continue
        principals: list[tuple[Any, bool]] = [
            (p, bool(stack.dependencies(service, "allowedPrincipals")))
            for p in values_at(service.props, "allowedPrincipals")
        ]
        for allowed in stack.of_type(ENDPOINT_SERVICE_PRINCIPAL):
            if stack.refers_to(allowed, "vpcEndpointServiceId", service):
                principals.append(
                    (child(allowed.props, "principalArn"), bool(stack.dependencies(allowed, "principalArn")))
                )
        for principal, computed in principals:
            outside = _outside_principal(principal, computed, stack, accounts)
            if outside:
                found.append((service, outside))
        # Cross-region PrivateLink: consumers in another region reach the balancer through the service.
        own = effective_region(service, stack)
        for region in values_at(service.props, "supportedRegions"):
            if isinstance(region, Unknown):
                found.append((service, "consumers in regions unknown at preview (supportedRegions)"))
            elif isinstance(region, str) and region and region != own:
                found.append((service, f"consumers in {region} (supportedRegions, cross-region PrivateLink)"))
    return found


def _outside_principal(principal: Any, computed: bool, stack: Stack, accounts: frozenset[str]) -> str | None:
    """How a principal an endpoint service admits is named when it is outside the deployment, else None."""
    if isinstance(principal, Unknown):
        return None if computed else "principals unknown at preview"
    if not isinstance(principal, str) or not principal:
        return None
    if principal == "*":
        return "everyone (*)"
    if stack.named(principal):
        return None
    arn = parse_arn(principal)
    account = arn.account if arn is not None else ""
    if account and account in accounts:
        return None
    return f"account {account}" if account else f"{principal} (an account that cannot be traced)"
