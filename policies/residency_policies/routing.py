"""no-pii-replication, for requests: a name or origin group of the stack that answers from another region.

A user's request carries personal data (a sign-up, a session, a profile update). A Route 53 record set (the
records of one zone, name and type) whose members target this region's front (a load balancer, an API, a
distribution the stack declares in an allowed region) and another region's (a failover secondary, a
weighted, latency, geolocation or any other member), or a CloudFront origin group whose members are origins
in this region and another, answers those requests in the other region when routing picks it. The program
keeps personal data on its region-pinned name (`components/global_dns.py`), whose only record aliases this
region's balancer. A target is placed by its dependency's region, else by the region an AWS host names
(`<name>.ap-south-1.elb.amazonaws.com`); a CloudFront distribution of the stack, a global service, by its
origins, whichever region its provider names (one in front of another region's balancer answers there, one
in front of this region's answers here); a target the pack cannot place (a host outside AWS, a value unknown
at preview with no dependency) is not judged (policies/README.md, "What remains out of reach").
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from residency_facts import Classification

from .attributes import classifications, effective_region, region_named_in
from .lineage import Lineage
from .model import Resource, Stack
from .settings import Settings
from .values import Unknown, child, known_strings, values_at
from .violations import Violation, violation

RECORD = "aws:route53/record:Record"
ROUTED_RECORD_TYPES = frozenset({"A", "AAAA", "CNAME", "MX", "SRV", "HTTPS", "SVCB"})
"""Record types a client resolves to reach a service (an alias is an A, AAAA or CNAME record); a TXT, CAA or
NS record's values route no request, whatever region they mention. A type unknown at preview may be one."""
ENDPOINT_GROUPS = (
    "aws:globalaccelerator/endpointGroup:EndpointGroup",
    "aws:globalaccelerator/customRoutingEndpointGroup:CustomRoutingEndpointGroup",
)
DISTRIBUTIONS = (
    "aws:cloudfront/distribution:Distribution",
    "aws:cloudfront/multitenantDistribution:MultitenantDistribution",
)
PII = Classification.PII.value

Target = tuple[str, str | None]
"""What a record or origin sends requests to, and its region (None: the pack cannot place it)."""


def request_routing(stack: Stack, lineage: Lineage, settings: Settings) -> list[Violation]:
    """Record sets and origin groups of a stack that holds PII which answer its requests elsewhere too."""
    if not stack.of_type(RECORD, *DISTRIBUTIONS, *ENDPOINT_GROUPS) or not _holds_pii(stack, lineage):
        return []
    found = [
        _record_violation(r, name, mine, theirs, settings)
        for r, name, mine, theirs in _record_sets(stack, settings)
    ]
    for distribution in stack.of_type(*DISTRIBUTIONS):
        for group, mine, theirs in _origin_groups(distribution, stack, settings):
            found.append(_origin_violation(distribution, group, mine, theirs, settings))
    found.extend(_endpoint_group_violations(stack, settings))
    return found


def _holds_pii(stack: Stack, lineage: Lineage) -> bool:
    for resource in stack.resources:
        declared = classifications(resource)
        if (not isinstance(declared, Unknown) and PII in declared) or PII in lineage.inherited(resource):
            return True
    return False


def _place(
    value: Any, dependencies: list[Resource], stack: Stack, seen: frozenset[str] = frozenset()
) -> list[Target]:
    """Where a target value sends requests: its dependencies' regions, else the region its AWS host names;
    a distribution of the stack, which is global, where its origins answer them."""
    found: list[Target] = []
    for text in known_strings([value]):
        named = stack.named(text)
        if named:
            dependencies = [*dependencies, *named]
        else:
            found.append((text, region_named_in(text) if "amazonaws.com" in text else None))
    for d in dict.fromkeys(dependencies):
        if d.type in DISTRIBUTIONS:
            if d.urn not in seen:
                found.extend(_origins_of(d, stack, seen | {d.urn}))
        else:
            found.append((d.label, r if isinstance(r := effective_region(d, stack), str) else None))
    return found


def _origins_of(distribution: Resource, stack: Stack, seen: frozenset[str]) -> list[Target]:
    """Where a distribution answers requests: at each of its origins (the distribution named in front)."""
    dependencies = stack.dependencies(distribution, "origins")
    found: list[Target] = []
    for origin in values_at(distribution.props, "origins[]"):
        domain = child(origin, "domainName")
        # The origins' dependencies are the whole list's: an origin unknown at preview is one of them.
        places = _place(domain, dependencies if isinstance(domain, Unknown) else [], stack, seen)
        found.extend((f"{distribution.label} -> {what}", region) for what, region in places)
    return found


def _record_targets(record: Resource, stack: Stack) -> list[Target]:
    found: list[Target] = []
    for path in ("aliases", "records"):
        dependencies = stack.dependencies(record, path)
        values = values_at(record.props, f"{path}[].name" if path == "aliases" else f"{path}[]")
        if dependencies:
            found.extend(_place(None, dependencies, stack))
        for value in values:
            found.extend(_place(value, [], stack))
    return found


def _zone(record: Resource, stack: Stack) -> Any:
    zone = child(record.props, "zoneId")
    if isinstance(zone, str):
        return zone
    urns = frozenset(d.urn for d in stack.dependencies(record, "zoneId"))
    return urns or None


def _record_sets(stack: Stack, settings: Settings) -> list[tuple[Resource, str, list[Target], list[Target]]]:
    """Records that send requests out of the region, in a set whose other members answer them in it."""
    by_name: dict[tuple[str, Any], list[tuple[Any, Resource]]] = defaultdict(list)
    for record in stack.of_type(RECORD):
        name, kind = child(record.props, "name"), child(record.props, "type")
        if isinstance(kind, str) and kind.upper() not in ROUTED_RECORD_TYPES:
            continue
        if isinstance(name, str) and name:
            by_name[(name.lower().rstrip("."), kind)].append((_zone(record, stack), record))
    found = []
    for (name, _), members in by_name.items():
        targets = {record.urn: _record_targets(record, stack) for _, record in members}
        for zone, record in members:
            # Records of one name in another zone (a private zone, another domain's) are another set; a zone
            # unknown at preview may be any of them.
            peers = [r for z, r in members if z is None or zone is None or z == zone]
            mine = [t for r in peers for t in targets[r.urn] if t[1] in settings.allowed_regions]
            theirs = [
                t for t in targets[record.urn] if t[1] is not None and t[1] not in settings.allowed_regions
            ]
            # A name answered only elsewhere sends every request for it there (reviewer blind-full14 v14).
            if theirs:
                found.append((record, name, mine, theirs))
    return found


def _origin_groups(
    distribution: Resource, stack: Stack, settings: Settings
) -> list[tuple[str, list[Target], list[Target]]]:
    dependencies = stack.dependencies(distribution, "origins")
    origins = {child(o, "originId"): o for o in values_at(distribution.props, "origins[]")}
    found = []
    for group in values_at(distribution.props, "originGroups[]"):
        places: list[Target] = []
        for member in values_at(group, "members[]"):
            domain = child(origins.get(child(member, "originId")), "domainName")
            # The origins' dependencies are the whole list's: an origin unknown at preview is one of them.
            places.extend(_place(domain, dependencies if isinstance(domain, Unknown) else [], stack))
        mine = [t for t in places if t[1] in settings.allowed_regions]
        theirs = [t for t in places if t[1] is not None and t[1] not in settings.allowed_regions]
        if mine and theirs:
            found.append((str(child(group, "originId")), mine, theirs))
    return found


def _shown(targets: list[Target]) -> str:
    return ", ".join(sorted({f"{what} ({region})" for what, region in targets}))


def _why(settings: Settings) -> str:
    return (
        f"users' requests carry personal data, which {settings.law} keeps in {settings.jurisdiction.name}: a "
        "request answered in another region is processed and stored there."
    )


_FIX = (
    "serve personal data only under a name whose records all target this region (the program's region-pinned "
    "name, a plain alias with no routing policy), and send other regions only traffic that carries no "
    "personal data, from each region's own stack (as GlobalDns declares its latency record)."
)


def _record_violation(
    record: Resource, name: str, mine: list[Target], theirs: list[Target], settings: Settings
) -> Violation:
    here = f", which this stack answers from {_shown(mine)}," if mine else ""
    return violation(record, f"answers requests for {name}{here} from {_shown(theirs)}", _why(settings), _FIX)


def _endpoint_group_violations(stack: Stack, settings: Settings) -> list[Violation]:
    """Global Accelerator endpoint groups in another region: the accelerator sends a listener's requests to
    any of its groups (by health, traffic dials and proximity), so a group elsewhere answers them there."""
    by_listener: dict[Any, list[Resource]] = defaultdict(list)
    for group in stack.of_type(*ENDPOINT_GROUPS):
        listener = child(group.props, "listenerArn")
        urns = frozenset(d.urn for d in stack.dependencies(group, "listenerArn"))
        by_listener[urns or (listener if isinstance(listener, str) else group.urn)].append(group)
    found = []
    for groups in by_listener.values():
        regions = {g.urn: child(g.props, "endpointGroupRegion") for g in groups}
        mine = [(g.label, r) for g in groups if (r := regions[g.urn]) in settings.allowed_regions]
        for group in groups:
            region = regions[group.urn]
            if isinstance(region, str) and region not in settings.allowed_regions:
                here = f", which this stack answers from {_shown(mine)}," if mine else ""
                found.append(
                    violation(
                        group,
                        f"answers its accelerator listener's requests{here} from {region} "
                        f"(endpointGroupRegion)",
                        _why(settings),
                        "keep every endpoint group of a listener that serves personal data in this region; "
                        "serve other regions from their own stacks' accelerators or names.",
                    )
                )
    return found


def _origin_violation(
    distribution: Resource, group: str, mine: list[Target], theirs: list[Target], settings: Settings
) -> Violation:
    return violation(
        distribution,
        f"origin group {group} fails over from {_shown(mine)} to {_shown(theirs)}, which answers the "
        "requests there",
        _why(settings),
        "fail over only to origins in this region (a maintenance page in the region's bucket), or serve "
        "personal data from a distribution whose origins are all in this region.",
    )
