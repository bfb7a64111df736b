"""Rule 6, pii-not-public, through the network front doors of a store with security groups of their own.

An RDS Proxy and its endpoints, a Redshift-managed VPC endpoint, a Redshift Serverless workgroup and its
endpoints, an OpenSearch domain's VPC endpoint, an MSK multi-VPC connection, an S3 Files mount target
(`residency_facts/fronts.NETWORK_FRONTS`) take connections under their own security groups and pass them to
the store behind them: what those groups admit reaches the store, so they are judged as the store's own
(reviewer blind-aws13 a11). A front door whose store cannot be traced (its proxy or its targets are not
declared, it names a store the stack does not hold) and whose groups admit a source beyond its VPC fails
closed in a stack that holds protected data: what it passes to cannot be shown not to be personal data.
"""

from __future__ import annotations

from residency_facts.fronts import NETWORK_FRONTS

from .exposure_network import default_groups, group_exposure, security_groups
from .lineage import Lineage
from .model import Resource, Stack
from .settings import Settings
from .values import Unknown, known_strings, values_at
from .violations import Violation, exposure_violation

_MEMO = "network fronts"
_FIX = (
    "admit on the security groups of {front} only the security groups of the services that need the store "
    "(or CIDRs inside its VPC), never the internet, a peered or transit network, another account's group "
    "or a group the stack does not declare."
)

Fronted = tuple[Resource, str]
"""A front door and how it reaches the store, in words."""


def store_front_problems(store: Resource, stack: Stack, accounts: frozenset[str]) -> list[tuple[str, str]]:
    """What the security groups of the store's front doors admit beyond their VPC, each with how to fix it."""
    found: list[tuple[str, str]] = []
    fronted, _ = _index(stack)
    for front, how in fronted.get(store.urn, ()):
        fix = _FIX.format(front=front.label)
        for problem in _front_group_problems(front, stack, accounts):
            found.append(
                (f"{front.label}, {NETWORK_FRONTS[front.type].what} in front of it{how}: {problem}", fix)
            )
    return found


def untraced_front_exposure(stack: Stack, lineage: Lineage, settings: Settings) -> list[Violation]:
    """Front doors whose store cannot be traced and whose security groups admit a source beyond their VPC, in
    a stack that holds protected data."""
    _, untraced = _index(stack)
    if not untraced or not lineage.holds_any(settings.protected_classifications):
        return []
    found = []
    for front, unseen in untraced:
        problems = _front_group_problems(front, stack, settings.account_ids)
        if not problems:
            continue
        kinds = ", ".join(sorted(settings.protected_classifications))
        found.append(
            exposure_violation(
                front,
                f"what {front.label} passes connections to (a store this stack cannot trace, in a stack that "
                f"holds {kinds} data)",
                f"{front.label} is {NETWORK_FRONTS[front.type].what}, {unseen}, and {problems[0]}",
                "declare the store it fronts in this stack and name it by reference (its proxy and targets, "
                f"its cluster, domain or file system); {_FIX.format(front=front.label)}",
                settings,
            )
        )
    return found


def _front_group_problems(front: Resource, stack: Stack, accounts: frozenset[str]) -> list[str]:
    """What a front door's security groups (its VPC's default group, when it names none) admit beyond its
    VPC; a group the stack does not declare cannot be seen."""
    groups = security_groups(front, stack, NETWORK_FRONTS[front.type].security_groups)
    if not groups:
        groups = default_groups(front, stack)
    found: list[str] = []
    for group in groups:
        if isinstance(group, str):
            found.append(
                f"its security group {group} is not declared in this stack, so its rules cannot be seen"
            )
            continue
        found.extend(problem for problem, _ in group_exposure(group, front, stack, accounts))
    return found


def _index(stack: Stack) -> tuple[dict[str, list[Fronted]], list[tuple[Resource, str]]]:
    """Per store URN, the front doors that reach it; and the front doors whose store cannot be traced, with
    why. Built once per stack."""
    if _MEMO not in stack.memo:
        fronted: dict[str, list[Fronted]] = {}
        untraced: list[tuple[Resource, str]] = []
        for front in stack.of_type(*NETWORK_FRONTS):
            stores, unseen = _stores(front, stack, frozenset({front.urn}))
            for store, how in stores:
                if all(f is not front for f, _ in fronted.get(store.urn, ())):
                    fronted.setdefault(store.urn, []).append((front, how))
            if unseen:
                untraced.append((front, "; ".join(dict.fromkeys(unseen))))
        stack.memo[_MEMO] = (fronted, untraced)
    index: tuple[dict[str, list[Fronted]], list[tuple[Resource, str]]] = stack.memo[_MEMO]
    return index


def _stores(front: Resource, stack: Stack, seen: frozenset[str]) -> tuple[list[Fronted], list[str]]:
    """The stores a front door passes connections to, each with how; and what of it cannot be traced."""
    spec = NETWORK_FRONTS[front.type]
    found: list[Fronted] = []
    unseen: list[str] = []
    for path in spec.stores:
        named, missing = _named(front, path, stack)
        found.extend((store, "") for store in named)
        unseen.extend(missing)
    for path in spec.through:
        named, missing = _named(front, path, stack)
        unseen.extend(missing)
        inner_fronts = [n for n in named if n.type in NETWORK_FRONTS]
        if named and not inner_fronts:
            unseen.append(f"{front.label}'s {path} names no front door the pack reads")
        for inner in inner_fronts:
            if inner.urn in seen:
                continue
            stores, inner_unseen = _stores(inner, stack, seen | {inner.urn})
            found.extend((store, f" (through {inner.label}{how})") for store, how in stores)
            unseen.extend(inner_unseen)
    for registration_type, front_path, store_paths in spec.registered_by:
        registrations = [r for r in stack.of_type(registration_type) if stack.refers_to(r, front_path, front)]
        if not registrations:
            unseen.append(f"its targets ({registration_type}) are not declared in this stack")
        for registration in registrations:
            for path in store_paths:
                if not any(values_at(registration.props, path)):
                    continue
                named, missing = _named(registration, path, stack)
                found.extend((store, f" (its target {registration.label})") for store in named)
                unseen.extend(missing)
    return found, unseen


def _named(referrer: Resource, path: str, stack: Stack) -> tuple[list[Resource], list[str]]:
    """The stack's resources an input names (by lineage, else by identity), and what it names that the stack
    does not declare."""
    named = [d for d in stack.dependencies(referrer, path) if d is not referrer]
    missing: list[str] = []
    values = values_at(referrer.props, path)
    if not named:
        for value in known_strings(values):
            matches = [r for r in stack.named(value) if r is not referrer]
            if matches:
                named.extend(m for m in matches if m not in named)
            else:
                missing.append(
                    f"{referrer.label}'s {path} names {value!r}, which this stack does not declare"
                )
        if any(isinstance(v, Unknown) for v in values) and not named:
            missing.append(f"{referrer.label}'s {path} is unknown at preview and computed from no resource")
    return named, missing
