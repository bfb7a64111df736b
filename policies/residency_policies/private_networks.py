"""Where a private address code names lies: a VPC of the stack, a network its routes lead to, or untraceable.

Decision (reviewer blind-k8s13 k04, k05): a private address is the stack's own network only inside a CIDR
block of one of its VPCs (their associated blocks included) or the service range of one of its EKS clusters
(`residency_facts/networks.py`); inside a block a route of the stack sends through a VPC peering connection,
a transit gateway (its own routes followed to their attachments), a VPN or another gateway, it is in the
network that route leads to: the peer VPC's region and account (a peering's `peerRegion` and `peerOwnerId`,
else the requester's own; an accepter's requester when the stack declares it), a VPC a transit gateway
attaches, an on-premises network outside AWS. Any other private address may be anywhere the VPCs route (a
propagated route, a prefix list, a network the stack does not declare): untraceable, and it says what to
review. The most specific route wins, a transit gateway's own route over the VPC's route to it.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from dataclasses import dataclass
from typing import Any

from residency_facts.networks import (
    ATTACHED_VPCS,
    EKS_DEFAULT_SERVICE_RANGES,
    FIXED_NETWORKS,
    LOCAL_RANGES,
    ON_PREMISES,
    OWN_NETWORKS,
    PEERINGS,
    PRIVATE_RANGES,
    ROUTE_TARGETS,
    ROUTES,
)

from .attributes import EKS_CLUSTER, STACK_ACCOUNT, account_of, effective_region
from .locations import Location
from .model import Resource, Stack
from .values import Unknown, child, is_mapping, is_set, values_at

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

_PRIVATE = tuple(ipaddress.ip_network(n) for n in PRIVATE_RANGES)
_LOCAL = tuple(ipaddress.ip_network(n) for n in LOCAL_RANGES)
_ADDRESS = re.compile(r"(?<![\w.])(\d{1,3}(?:\.\d{1,3}){3})(?![\w.]*\d)(?!\s*/\s*\d)")
"""An IPv4 address in a text that is not the start of a CIDR (`10.20.0.0/16` names a range, not a server)."""


@dataclass(frozen=True)
class _Own:
    network: Network
    resource: Resource


@dataclass(frozen=True)
class _Route:
    network: Network
    onward: bool
    """A transit gateway's or VPN's own route: beyond the VPC's first hop, it wins a tie."""
    places: tuple[Location, ...]


@dataclass(frozen=True)
class _Networks:
    own: tuple[_Own, ...]
    unknown: tuple[str, ...]
    """The stack's resources whose network is unknown at preview, as labels."""
    routes: tuple[_Route, ...]


@functools.lru_cache(maxsize=1024)
def private_addresses_in(text: str) -> tuple[str, ...]:
    """The private host addresses a text names (not CIDR ranges, network addresses, loopback, link-local)."""
    if not re.search(r"\.\d{1,3}\.\d{1,3}\.\d", text):
        return ()
    found: dict[str, None] = {}
    for address in _ADDRESS.findall(text):
        if address.endswith(".0"):
            continue
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            continue
        if any(ip in n for n in _PRIVATE):
            found[address] = None
    return tuple(found)


def is_private(address: str) -> bool:
    """Whether a bare address is private (placed by the stack's networks), not loopback or link-local."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in n for n in _PRIVATE) and not any(ip in n for n in _LOCAL)


def private_places(stack: Stack, address: str, own_region: str | None, what: str) -> list[Location]:
    """Where a private address lies, as seen from code in `own_region` (`what`, for the description): nothing
    when it is a VPC of the stack in that region, else the network its most specific route leads to, else an
    untraceable place naming what to review."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return []
    networks = _networks(stack)
    owners = [o for o in networks.own if o.network.version == ip.version and ip in o.network]
    if owners:
        regions = {effective_region(o.resource, stack) for o in owners}
        if own_region in regions or not all(isinstance(r, str) for r in regions):
            return []
        owner = owners[0].resource
        region = effective_region(owner, stack)
        return [
            Location(
                f"{address}, an address in {owner.label} ({region}) that {what} names",
                region if isinstance(region, str) else None,
                account_of(owner, stack),
            )
        ]
    routes = [r for r in networks.routes if r.network.version == ip.version and ip in r.network]
    if routes:
        best = max(routes, key=lambda r: (r.network.prefixlen, r.onward))
        return [
            Location(
                f"{address} ({what} names it; {place.description})",
                place.region,
                place.account,
                outside=place.outside,
                # Code definitely sends there: a place whose region cannot be told is still a place.
                host=place.region is None and not place.outside,
                review=place.review,
            )
            for place in best.places
        ]
    unknown = (
        f"; the network of {', '.join(networks.unknown)} is unknown at preview" if networks.unknown else ""
    )
    shown = ", ".join(str(o.network) for o in networks.own) or "none declared"
    return [
        Location(
            f"{address}, a private address {what} names outside the stack's networks ({shown}) and every "
            f"route the stack declares{unknown}: it may be any network the VPC routes to (a peered, transit "
            "or on-premises network) and cannot be traced; review where it is, and declare the route or the "
            "VPC that holds it",
            None,
            None,
            host=True,
            review=True,
        )
    ]


_MEMO = ("private networks",)


def _networks(stack: Stack) -> _Networks:
    """The stack's own networks and its routes beyond them, once per stack."""
    found: _Networks | None = stack.memo.get(_MEMO)
    if found is None:
        found = stack.memo[_MEMO] = _index(stack)
    return found


def _index(stack: Stack) -> _Networks:
    own: list[_Own] = []
    unknown: list[str] = []
    for token, paths in OWN_NETWORKS.items():
        for resource in stack.of_type(token):
            blocks = [v for path in paths for v in values_at(resource.props, path)]
            if token == EKS_CLUSTER and not any(is_set(b) for b in blocks):
                blocks = list(EKS_DEFAULT_SERVICE_RANGES)
            for block in blocks:
                network = _network(block)
                if network is not None:
                    own.append(_Own(network, resource))
                elif isinstance(block, Unknown):
                    unknown.append(resource.label)
    for token, fixed in FIXED_NETWORKS.items():
        for resource in stack.of_type(token):
            own.extend(_Own(ipaddress.ip_network(n), resource) for n in fixed)
    routes: list[_Route] = []
    for token, shape in ROUTES.items():
        for resource in stack.of_type(token):
            entries = values_at(resource.props, f"{shape.routes}[]") if shape.routes else [resource.props]
            for entry in entries:
                if not is_mapping(entry) or child(entry, "blackhole") is True:
                    continue
                places = _targets(stack, resource, entry, shape.routes)
                for key in shape.destinations:
                    network = _network(child(entry, key))
                    if network is not None and places and _private_network(network):
                        routes.append(_Route(network, shape.onward, tuple(places)))
    return _Networks(tuple(own), tuple(dict.fromkeys(unknown)), tuple(routes))


def _private_network(network: Network) -> bool:
    """Whether a route's destination lies in a private range (a default route does not place an address)."""
    return any(network.version == n.version and network.subnet_of(n) for n in _PRIVATE)  # type: ignore[arg-type]


def _network(value: Any) -> Network | None:
    if not isinstance(value, str) or "/" not in value:
        return None
    try:
        return ipaddress.ip_network(value.strip(), strict=False)
    except ValueError:
        return None


def _targets(stack: Stack, route: Resource, entry: Any, routes_path: str) -> list[Location]:
    """Where one route leads: its first target key's resources placed, else the target in words."""
    for key, target in ROUTE_TARGETS.items():
        value = child(entry, key)
        if not is_set(value):
            continue
        named = stack.named(value) if isinstance(value, str) else []
        referenced = stack.dependencies(route, routes_path or key)
        candidates = [r for r in named or referenced if r.type in target.placed_by]
        if routes_path and not named and len(candidates) > 1:
            # An inline route among several: only an exact name tells which target is its own.
            candidates = []
        places = [p for c in candidates for p in _place_of(stack, c)]
        if places:
            return places
        shown = (
            value
            if isinstance(value, str)
            else ", ".join(r.label for r in referenced) or "unknown at preview"
        )
        return [
            Location(
                f"routed by {route.label} through {target.words} ({shown}), which the pack cannot place: "
                "review which network that is",
                None,
                None,
                review=True,
            )
        ]
    return []


def _place_of(stack: Stack, target: Resource) -> list[Location]:
    """Where a route target leads: a peering's other side, the VPC an attachment attaches, or a network
    outside AWS."""
    if target.type in ON_PREMISES:
        through = f"{ON_PREMISES[target.type]} {target.label}"
        return [
            Location(
                f"an on-premises network reached through {through}, outside AWS", None, None, outside=True
            )
        ]
    if target.type in ATTACHED_VPCS:
        vpc = next(iter(stack.dependencies(target, ATTACHED_VPCS[target.type])), target)
        region = _known(effective_region(vpc, stack))
        where = region or "an untraceable region"
        return [Location(f"the VPC {target.label} attaches ({where})", region, account_of(vpc, stack))]
    shape = PEERINGS.get(target.type)
    if shape is None:
        return []
    if not shape.requester:
        requesters = [
            d
            for d in stack.dependencies(target, shape.connection)
            if d.type in PEERINGS and PEERINGS[d.type].requester
        ]
        if requesters:
            requester = requesters[0]
            return [
                Location(
                    f"the requester's VPC of {requester.label}, accepted by {target.label}",
                    _known(effective_region(requester, stack)),
                    account_of(requester, stack),
                )
            ]
    peer_region: Any = child(target.props, shape.region)
    peer_account: Any = child(target.props, shape.account)
    if shape.requester and not is_set(peer_region):
        peer_region = effective_region(target, stack)
    if shape.requester and not is_set(peer_account):
        peer_account = account_of(target, stack)
    placed_region = _known(peer_region)
    placed_account = _known(peer_account)
    shown_account = "this stack's account" if placed_account == STACK_ACCOUNT else placed_account
    return [
        Location(
            f"a network peered by {target.label}: {placed_region or 'an untraceable region'}, "
            f"{shown_account or 'an untraceable account'}",
            placed_region,
            placed_account,
        )
    ]


def _known(value: Any) -> str | None:
    """A region or account when it is a known, non-empty text."""
    return value if isinstance(value, str) and value else None
