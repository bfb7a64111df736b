"""How lineage reads a literal value: the places an ARN, a name, a host, a URL or an account id names.

A literal that names a resource of the stack is that resource (matched by any of its identities); an ARN
names its region and account; an API Gateway service integration's URI names the service's API in its
region; an AWS host that names no region (S3's global endpoint, a legacy us-east-1 endpoint) is a place
elsewhere; a bare account id outside the deployment is a place in that account; a URL whose host is on the
internet is outside AWS; an ARN whose id AWS generates may name the stack's holders whose ARNs are unknown.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from typing import TYPE_CHECKING, Any

from residency_facts import ANY, NON_DATA_ARN_SERVICES
from residency_facts.region_codes import ELASTICACHE_REGION_CODES

from .attributes import (
    CACHE_HOST_CODE,
    REGION_HINT,
    REGION_PATTERN,
    STACK_ACCOUNT,
    cache_regions,
    parse_arn,
    region_named_in,
)
from .lineage_profiles import profile_locations
from .locations import GENERATED_ID_NOTE, Location, holds_data, untraceable
from .model import Resource, arn_services, arns_in

if TYPE_CHECKING:
    from .lineage import Lineage

_ACCOUNT_IN_TEXT = re.compile(r"(?<![0-9])([0-9]{12})(?![0-9])")
_BARE_ACCOUNT = re.compile(r"""(?:^|(?<=["']))([0-9]{12})(?:$|(?=["']))""")
"""A 12-digit account id that is a whole value, or a quoted one inside a document (never part of an ARN)."""
_TWELVE_DIGITS = re.compile(r"[0-9]{12}")
_QUOTED_TWELVE_DIGITS = re.compile(r"""["'][0-9]{12}""")
"""With `_TWELVE_DIGITS` at the start of a text, what every match of `_BARE_ACCOUNT` begins with, found far
quicker than by the pattern's look-behind (`may_hold_bare_account`)."""


def regions_besides(lineage: Lineage, value: str, named: list[Resource]) -> list[Location]:
    """The regions a text names besides those of the stack's resources it names.

    A command line, a pipeline document or a query may name the database it reads and, in the same
    text, the region it writes to (`pg_dump -h pii-db ... | aws s3 cp - s3://... --region us-east-1`): the
    resource it names does not make the other places it names disappear.
    """
    if parse_arn(value) is not None:
        return []
    own = {lineage.own_region(r) for r in named}
    return [
        Location(f"{value} (names {region})", region, STACK_ACCOUNT)
        for region in regions_in_text(value)
        if region not in own
    ]


def literal_locations(
    lineage: Lineage,
    resource: Resource,
    value: str,
    path: str,
    global_names: bool,
    own_region: str | None,
    code: bool,
    destination: bool = False,
) -> list[Location]:
    """The data a literal ARN, name, host or URL refers to.

    As a copy's destination, an id AWS generates (`fs-0123...`, a DataSync `location/loc-0123...`, a mirror
    target `tmt-0123...`) of a resource the stack does not declare proves no region or account for what it
    points to (a location may point outside AWS, a target may be shared from another account): it is
    untraceable. A first preview cannot match it to what the same preview creates; once deployed it does.
    """
    free_form = code or ANY in path or "*" in path.split(".")
    in_stack = [r for r in lineage.mentioned(value, resource) if r is not resource]
    if not in_stack and not free_form and resource.type.startswith("aws:"):
        # An AWS input that names one resource names it by its whole value, however short (`crm`): only
        # words inside other text must be long enough not to match by chance. (Kubernetes objects name each
        # other by their Kubernetes names, read by `lineage_names`.)
        in_stack = [r for r in lineage.stack.named(value) if r is not resource and r.type.startswith("aws:")]
    hosts = places_in_text(lineage, value, own_region) if free_form else []
    if in_stack:
        found = [location for r in in_stack for location in lineage.follow(r, {resource.urn})]
        found.extend(regions_besides(lineage, value, in_stack))
        return found + hosts
    profiles = profile_locations(value, lineage.account(resource))
    if profiles is not None:
        # A Bedrock cross-region profile is served in its geography's regions, not where its ARN says.
        return profiles + hosts
    if destination and not free_form and names_generated_id(value):
        return [
            untraceable(
                f"{value} ({path} of {resource.label}: {GENERATED_ID_NOTE}, of a resource this stack does "
                "not declare or a first preview cannot match, which proves no region or account for what it "
                "points to; pass the resource's output instead of its literal id)"
            ),
            *(lineage.locate(r) for r in _generated_candidates(lineage, value, resource)),
        ]
    arn = parse_arn(value)
    if arn is not None:
        if free_form and arn.service in NON_DATA_ARN_SERVICES:
            return []
        if arn.service == "apigateway" and arn.account and not arn.account.isdigit():
            # A service integration's URI (arn:aws:apigateway:<region>:<service>:action/...): the call
            # goes to that service's API in that region, in the account of the integration's caller.
            return [
                Location(
                    f"{value} (the {arn.account} API in {arn.region or 'no region'})",
                    arn.region or None,
                    lineage.account(resource),
                ),
                *(
                    location
                    for inner in arns_in(arn.resource)
                    for location in literal_locations(
                        lineage, resource, inner, path, global_names, own_region, code
                    )
                ),
            ]
        named = Location(value, arn.region or None, arn.account or None)
        return [named, *(lineage.locate(r) for r in _generated_candidates(lineage, value, resource))]
    region = region_named_in(value)
    if region is not None:
        account = account_named(value)
        if account is None and free_form:
            # A host named in code or configuration, in an account the text does not say.
            account = STACK_ACCOUNT
        if not free_form:
            return [Location(value, region, account)]
        # A text may name several regions (two endpoints, an exporter's and a backup's): each counts.
        regions = regions_in_text(value) or (region,)
        return [*(Location(value, r, account) for r in regions), *hosts]
    if free_form:
        return hosts
    if endpoint_outside_aws(value):
        return [Location(f"{value} ({path} of {resource.label}, outside AWS)", None, None, outside=True)]
    if global_names or "." in value or "://" in value:
        return [untraceable(f"{value} ({path} of {resource.label})")]
    return [Location(value, own_region, lineage.account(resource), local=True)]


def places_in_text(lineage: Lineage, value: str, own_region: str | None) -> list[Location]:
    """The places a free-form text names besides the stack's resources: AWS hosts that name no region,
    and accounts outside the deployment named by a bare id."""
    return [*hosts_elsewhere(lineage, value, own_region), *_accounts_elsewhere(lineage, value, own_region)]


def _accounts_elsewhere(lineage: Lineage, value: str, own_region: str | None) -> list[Location]:
    """The accounts outside the deployment a configuration names by a bare account id (a whole value, or
    a quoted value inside a document: an SDK call's `ValuesToAdd`, `S3BucketOwner`): code or a service
    given it may share or write the data it reads there. ARNs are judged as ARNs."""
    found = []
    for account in _bare_accounts(value):
        if account not in lineage.settings.account_ids:
            found.append(
                Location(f"account {account} (named by {value[:120]!r})", own_region, account, host=True)
            )
    return found


def hosts_elsewhere(lineage: Lineage, value: str, own_region: str | None) -> list[Location]:
    """The AWS hosts a text names that name no region, as places elsewhere (or in no traceable region).

    Code given `https://bucket.s3.amazonaws.com/`, `s3.amazonaws.com/bucket` or `s3-external-1` sends
    its data to a legacy global endpoint (served from us-east-1) or to a bucket whose region the host
    does not say: a host that does not name the stack's region is no proof of staying in it. A host that
    is an identity of the stack's own resource (a bucket's global domain name) is that resource.
    """
    found = []
    for host, region, why in regionless_aws_hosts(value):
        if lineage.stack.named(host):
            continue
        fix = f"name the endpoint of its own region ({_regional_example(host, own_region)})"
        found.append(Location(f"{host} names no region: {why}; {fix}", region, STACK_ACCOUNT, host=True))
    return found


def _generated_candidates(lineage: Lineage, arn_text: str, referrer: Resource) -> list[Resource]:
    """The stack's data holders an ARN with an id AWS generates may name while their ARNs are unknown.

    At a first preview no literal can name what the same preview creates (a Redshift namespace's ARN
    ends in a UUID AWS picks), yet the stack's holder of that service, region and account may be the
    one it names: data copied there is taken to land in each of them, so that what they pass on is
    judged as what they may hold. Once deployed, their ARNs are known and only an exact match counts.
    """
    arn = parse_arn(arn_text)
    if arn is None or not _GENERATED_ID.search(arn.resource_name):
        return []
    accounts = lineage.settings.account_ids
    if arn.account and accounts and arn.account not in accounts:
        return []
    return [
        r
        for r in lineage.stack.resources
        if r is not referrer
        and holds_data(r, lineage.settings)
        and arn.service in arn_services(r.type)
        and lineage.own_region(r) in (arn.region, None)
        and not any(i.startswith("arn:") for i in r.identities)
    ]


_URL_HOST = re.compile(r"^[a-z][a-z0-9+.-]*://(?:[^@/\s]*@)?(\[[^\]]*\]|[^/:?#\s]+)", re.IGNORECASE)
_INSIDE_HOST_SUFFIXES = (
    ".amazonaws.com",
    ".amazonaws.com.cn",
    ".on.aws",
    ".api.aws",
    ".svc",
    ".cluster.local",
    ".internal",
    ".local",
    ".localhost",
)
"""Hosts of AWS services and of the cluster or VPC itself (an AWS host is judged by the region it names)."""


def endpoint_outside_aws(value: Any) -> bool:
    """Whether a value is a URL whose host is on the internet: not AWS's, not the cluster's or VPC's, not a
    private address."""
    if not isinstance(value, str):
        return False
    match = _URL_HOST.match(value.strip())
    if match is None:
        return False
    host = match.group(1).strip("[]").lower().rstrip(".")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return "." in host and not host.endswith(_INSIDE_HOST_SUFFIXES)
    return address.is_global


_AWS_HOST_IN_TEXT = re.compile(
    r"(?<![a-z0-9.-])((?:[a-z0-9-]+\.)+(?:amazonaws\.com(?:\.cn)?|api\.aws|on\.aws))(?![a-z0-9-])",
    re.IGNORECASE,
)
"""A host under one of AWS's domains, inside a URL, a `host:port`, a command line or a configuration file."""
_S3_VIRTUAL_HOST = re.compile(r"^(?P<bucket>.+)\.(?P<endpoint>s3(?:[.-][a-z0-9.-]+)?)\.amazonaws\.com$")
_US_EAST_1_ENDPOINTS = frozenset({"s3", "s3-external-1", "queue", "sdb"})
"""Legacy global endpoints of regional services that AWS serves from us-east-1 (S3's path-style and
`s3-external-1` endpoints, SQS's `queue.amazonaws.com`, SimpleDB)."""
_NO_DATA_GLOBAL_SERVICES = frozenset({"sts", "iam", "route53", "organizations", "cloudfront", "eks"})
"""Global services whose regionless host is no place data is kept: STS and IAM (a token audience, a role's
trust), Route 53, Organizations and CloudFront's control planes, and `eks.amazonaws.com` (EKS's service
principal and Kubernetes annotation prefix; its API is regional)."""


def regionless_aws_hosts(text: Any) -> list[tuple[str, str | None, str]]:
    """The AWS hosts a text names that name no region: each with the region it is served from (None when
    the host does not say) and why, for a message."""
    if not isinstance(text, str) or "." not in text:
        return []
    return list(_regionless_hosts_in(text))


@functools.lru_cache(maxsize=1024)
def regions_in_text(text: str) -> tuple[str, ...]:
    """The region codes a text names, in order, once each, scanned once per text (as `_endpoints_in_text`),
    and the regions its ElastiCache hosts name by their short codes (`residency_facts/region_codes.py`)."""
    named = REGION_PATTERN.findall(text) if REGION_HINT.search(text) else []
    return tuple(dict.fromkeys([*named, *cache_regions(text)]))


@functools.lru_cache(maxsize=1024)
def _bare_accounts(text: str) -> tuple[str, ...]:
    """The bare account ids a text holds as a whole value or a quoted one, in order, once each."""
    if not may_hold_bare_account(text):
        return ()
    return tuple(dict.fromkeys(_BARE_ACCOUNT.findall(text)))


def may_hold_bare_account(text: str) -> bool:
    """Whether `_BARE_ACCOUNT` could match: twelve digits that open the text or follow a quote (a long
    number inside the telemetry SQL is neither)."""
    return bool(_TWELVE_DIGITS.match(text) or _QUOTED_TWELVE_DIGITS.search(text))


CASE_ALIKE = "\u0130\u0131\u017f"
"""The characters besides ASCII letters that `re.IGNORECASE` matches to an ASCII letter although their lower
case is none: the dotted capital and the dotless small I to `i`, the long S to `s` (the Kelvin sign's lower
case is `k`). `tests/policies/test_values.py` finds them again in all of Unicode."""


def may_name(text: str, words: tuple[str, ...]) -> bool:
    """Whether a case-insensitive pattern that needs one of these lower-case ASCII words could match the text.

    A substring test of the lower-cased text is far quicker than letting such a pattern try every position
    of a long text (the 100 KB telemetry SQL names no endpoint). A text with a `CASE_ALIKE` character is
    left to the pattern.
    """
    if not text.isascii() and any(alike in text for alike in CASE_ALIKE):
        return True
    lowered = text.lower()
    return any(word in lowered for word in words)


def token_before(text: str, start: int) -> str:
    """The word of a text that ends just before `start`: what precedes a name up to a space, a quote or a
    separator of values (`=`, `,`, `;`), looked at over 300 characters at most."""
    return _WORD_BREAK.split(text[max(0, start - 300) : start])[-1]


_WORD_BREAK = re.compile(r"[\s\"'=,;]")


def in_path(token: str) -> bool:
    """Whether a text that ends just before a name is a file path or a unix socket's address up to one of its
    directories (`/var/lib/kubelet/plugins/`, `./`, `~/`, `unix:/csi/`): the name is then a directory's or a
    file's, not a host's. A path after a host (`host:/srv/`) and an SMB share (`//server/share`) are not."""
    if not token.endswith("/") or token.endswith("//"):
        return False
    return token.startswith(_PATH_STARTS) and not token.startswith("//")


_PATH_STARTS = ("/", "./", "../", "~/", "unix:", "file:")
"""How a file path or a unix socket's address begins (`unix:/csi/csi.sock`, gRPC's form of a socket)."""


_AWS_HOST_SUFFIXES = ("amazonaws.com", "api.aws", "on.aws")
"""What every match of `_AWS_HOST_IN_TEXT` holds."""


@functools.lru_cache(maxsize=1024)
def _regionless_hosts_in(text: str) -> tuple[tuple[str, str | None, str], ...]:
    """`regionless_aws_hosts` of a text, scanned once per text: code and configuration are traced by every
    rule and from every workload that mounts them."""
    found: dict[str, tuple[str, str | None, str]] = {}
    if not may_name(text, _AWS_HOST_SUFFIXES):
        return ()
    for match in _AWS_HOST_IN_TEXT.finditer(text):
        host = match.group(1).lower()
        if host in found or REGION_PATTERN.search(host):
            continue
        code = CACHE_HOST_CODE.search(host)
        if code is not None and code.group(1) in ELASTICACHE_REGION_CODES:
            continue  # An ElastiCache host names its region by a short code (reviewer blind-k8s15 k15).
        if in_path(token_before(text, match.start())):
            continue  # A directory of a file path or a unix socket, on the node (blind-k8s14 c10).
        labels = host.split(".")
        if len(labels) == 3 and labels[0] in _NO_DATA_GLOBAL_SERVICES:
            continue
        bucket = _S3_VIRTUAL_HOST.match(host)
        service = labels[0]
        if bucket is not None:
            service = bucket.group("endpoint")
        if service.startswith("s3-accelerate"):
            found[host] = (
                host,
                None,
                "S3 Transfer Acceleration's endpoint, which takes data in at the nearest AWS edge location, "
                "in any country",
            )
        elif bucket is not None and service == "s3":
            # Resolves to the bucket's own region, which only the stack's own bucket would tell.
            found[host] = (
                host,
                None,
                f"S3's global endpoint for the bucket {bucket.group('bucket')!r}, which is not in this "
                "stack, so its region cannot be told",
            )
        elif service in _US_EAST_1_ENDPOINTS:
            found[host] = (host, "us-east-1", "a legacy global endpoint, served from us-east-1")
        else:
            found[host] = (host, None, "a global endpoint whose region cannot be told")
    return tuple(found.values())


def _regional_example(host: str, own_region: str | None) -> str:
    """The host of the same service in the stack's region, for a message."""
    region = own_region or "<region>"
    code = CACHE_HOST_CODE.search(host)
    if code is not None:
        # An ElastiCache host names its region by a short code: the code of the stack's region.
        own_code = next((c for c, r in ELASTICACHE_REGION_CODES.items() if r == own_region), "<region code>")
        return f"{host[: code.start(1)]}{own_code}{host[code.end(1) :]}"
    bucket = _S3_VIRTUAL_HOST.match(host)
    if bucket is not None:
        return f"{bucket.group('bucket')}.s3.{region}.amazonaws.com"
    service = host.split(".")[0]
    service = "s3" if service.startswith("s3") else "sqs" if service == "queue" else service
    suffix = ".".join(host.split(".")[1:])
    return f"{service}.{region}.{suffix}"


_GENERATED_ID = re.compile(
    r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$|^[0-9a-f]{16,}$", re.IGNORECASE
)
"""An id AWS generates (a UUID, a long hexadecimal id): no literal can name it before the resource exists."""


_PREFIXED_ID = re.compile(r"^[a-z][a-z0-9]{0,9}-[0-9a-f]{8}(?:[0-9a-f]{9})?$")
"""An id AWS generates with its resource's prefix (`fs-`, `loc-`, `tmt-`, `eni-`, `vol-`, `snap-`): 8 or 17
hexadecimal digits."""


_POINTER_ARNS = (
    ("datasync", "location/"),
    ("ec2", "traffic-mirror-target/"),
)
"""ARNs (service, resource prefix) of resources that point at data held elsewhere (a DataSync location, at
an Azure container or an on-premises share; a mirror target, at an interface or balancer of any account that
shares it): the ARN's own region and account say nothing of where the data goes."""


def names_generated_id(value: str) -> bool:
    """Whether a literal is an id AWS generates (`fs-0123...`, a UUID), which names no region or account, or
    the ARN, with such an id, of a resource that points elsewhere (a DataSync location)."""
    arn = parse_arn(value)
    if arn is None:
        return bool(_PREFIXED_ID.match(value) or _GENERATED_ID.match(value))
    pointer = any(
        arn.service == service and arn.resource.startswith(prefix) for service, prefix in _POINTER_ARNS
    )
    return pointer and bool(_PREFIXED_ID.match(arn.resource_name) or _GENERATED_ID.match(arn.resource_name))


def computed_id(value: str) -> bool:
    """Whether a literal is a bare identifier (no ARN, host, URL, path or region) that a provider computes."""
    # Written out rather than as any(...) over the marks: lineage asks this of every literal it traces.
    if value.startswith("arn:") or "/" in value or "." in value or " " in value or ":" in value:
        return False
    return region_named_in(value) is None


def organisation_named(text: str) -> bool:
    """Whether a text names an AWS Organizations organisation or organisational unit (its id, `o-...`,
    `ou-...`, or an `organizations` ARN): every account in it, which the config cannot show to be the
    deployment's (it lists accounts, not organisations). The account in such an ARN is the organisation's
    management account, not the principal."""
    if text.startswith(("o-", "ou-")):
        return True
    arn = parse_arn(text)
    if arn is not None:
        return arn.service == "organizations"
    return ":organization/" in text or ":organizations::" in text


def account_named(text: Any) -> str | None:
    """The account an account id, an ARN or a text holding a 12-digit account names."""
    if isinstance(text, int | float) and not isinstance(text, bool):
        text = str(int(text)).zfill(12)
    if not isinstance(text, str):
        return None
    arn = parse_arn(text)
    if arn is not None:
        return arn.account or None
    match = _ACCOUNT_IN_TEXT.search(text)
    return match.group(1) if match else None
