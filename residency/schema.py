"""The stack configuration's schema: every key, its type and bounds, declared once as a JSON Schema.

`SCHEMA` is a JSON Schema (draft 2020-12) over the namespaced config mapping (`{"aws:region": ...,
"residency:network": {...}}`). Each property carries two annotations beside the standard keywords:
`x-allowed`, the "allowed: ..." text a problem with that key ends with, and optionally `x-reasons`, the
reason to give when one keyword fails (else the keyword's generic reason below). `problems` runs jsonschema
over a config and turns its errors into one (key, reason, allowed) per key, so a bad value is reported with
its key and what is allowed, never as jsonschema's own wording. What a schema cannot say, because it compares
two values (natGateways against availabilityZones, a certificate's region against the stack's), stays with
the settings (`residency/settings.py`).

Two deliberate departures from plain JSON Schema, both in `_VALIDATOR`: `integer` means a whole number
written as one (not `2.0`, not `true`), and patterns are anchored with `\\Z`, because Python's `$` also
matches before a trailing newline.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import jsonschema
from jsonschema.exceptions import ValidationError

from residency.defaults import (
    DEFAULT_EPSILON_PER_HOUR,
    DEFAULT_LATENCY_BOUND_MS,
    DEFAULT_MAX_EVENTS_PER_GROUP,
    DEFAULT_MAX_GROUPS_PER_SUBJECT,
    DEFAULT_SMALL_GROUP_PROBABILITY,
    EPSILON_CEILING,
    EPSILON_FLOOR,
    EPSILON_STEP,
    IDENTIFIER_SHAPED,
    LATENCY_BOUND_MS_BOUNDS,
    MAX_EVENTS_PER_GROUP_BOUNDS,
    MAX_GROUPS_PER_SUBJECT_BOUNDS,
    MAX_VOCABULARY_SIZE,
    MAXIMUM_BACKUP_RETENTION_DAYS,
    MIN_SUBJECTS_FLOOR,
    MINIMUM_BACKUP_RETENTION_DAYS,
    PII_POSTGRES_MAJOR,
    RESERVED_VOCABULARY_NAME,
    SMALL_GROUP_PROBABILITY_CEILING,
    TELEMETRY_IMAGE_TAG,
    TELEMETRY_POSTGRES_MAJOR,
    VOCABULARY_LABEL,
)
from residency_facts import JURISDICTIONS

PROJECT = "residency"
"""The Pulumi project name; also the namespace of every key this program reads."""

REGION_KEY = "aws:region"
JURISDICTION_KEY = f"{PROJECT}:jurisdiction"
REMOVED_KEYS: dict[str, str] = {
    f"{PROJECT}:peerReplicationPassword": (
        "removed: the cross-region telemetry link authenticates by client certificate and has no password "
        "(delete it with `pulumi config rm residency:peerReplicationPassword`)"
    ),
}
"""Keys an older version of the program read: refused with what replaced them, never silently ignored."""

LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
HOSTNAME = rf"(?:{LABEL}\.)+[a-z]{{2,63}}"
STACK_NAME = re.compile(r"[a-z][a-z0-9]{0,19}")
WRITER_LABEL = r"[a-z][a-z0-9_]{0,39}"
"""A writing service's label: it names the store role telemetry_writer_<label> (the telemetry SQL's rule)."""
_CRON_FIELD = r"[0-9*/,\-]+"
_PRIVATE_RANGES = tuple(ipaddress.IPv4Network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))
ALL_REGIONS: tuple[str, ...] = tuple(sorted({r for j in JURISDICTIONS.values() for r in j.regions}))


def shown(value: Any) -> str:
    """A value as the user wrote it, for messages."""
    return json.dumps(value) if not isinstance(value, str) else repr(value)


def all_regions() -> str:
    """Every jurisdiction's regions, for messages."""
    return "; ".join(f"{code}: {', '.join(sorted(j.regions))}" for code, j in sorted(JURISDICTIONS.items()))


# --- The building blocks of the schema ---

_NOT_BLANK: dict[str, Any] = {"minLength": 1, "not": {"pattern": r"^\s*\Z"}}


def _text(allowed: str, pattern: str | None = None, **extra: Any) -> dict[str, Any]:
    """A non-empty string, matching `pattern` whole when one is given."""
    schema: dict[str, Any] = {"type": "string", **_NOT_BLANK, "x-allowed": allowed, **extra}
    if pattern is not None:
        schema["pattern"] = rf"^(?:{pattern})\Z"
    return schema


def _integer(allowed: str, minimum: int, maximum: int | None = None) -> dict[str, Any]:
    """A whole number within bounds (YAML `3`, not `"3"` or `true`)."""
    schema: dict[str, Any] = {"type": "integer", "minimum": minimum, "x-allowed": allowed}
    if maximum is not None:
        schema["maximum"] = maximum
    return schema


def _list(allowed: str, items: dict[str, Any], minimum_items: int = 0) -> dict[str, Any]:
    """A YAML list whose items all match; duplicates are refused as likely typos."""
    return {
        "type": "array",
        "items": items,
        "minItems": minimum_items,
        "uniqueItems": True,
        "x-allowed": allowed,
    }


def _vocabulary(dimension: str, example: str) -> dict[str, Any]:
    """A closed vocabulary: the only values of one grouping dimension that may cross to the peer."""
    schema = _list(
        f"1 to {MAX_VOCABULARY_SIZE} distinct lower-case {dimension} names such as {example} "
        "(letters, digits, hyphens; no number of 3+ digits, no hexadecimal run, no "
        f"ip/id/user/device/session/uuid part, not {RESERVED_VOCABULARY_NAME!r}); "
        "the same list in both stacks",
        {"type": "string", "format": "vocabulary-name"},
        minimum_items=1,
    )
    schema["maxItems"] = MAX_VOCABULARY_SIZE
    return schema


def _object(key: str, fields: dict[str, dict[str, Any]], optional: tuple[str, ...] = ()) -> dict[str, Any]:
    """One structured key under the `residency:` namespace; every field not listed optional is required."""
    return {
        "type": "object",
        "properties": fields,
        "required": [name for name in fields if name not in optional],
        "additionalProperties": False,
        "x-allowed": f"an object with keys {', '.join(fields)}",
    }


# --- The schema ---

_VPC_CIDR = "a private (RFC 1918) IPv4 CIDR from /16 to /20, e.g. 10.10.0.0/16"
_NOT_A_CIDR = {"type": "got {shown}, not an IPv4 CIDR such as 10.10.0.0/16"}

STRUCTURED_KEYS: dict[str, dict[str, Any]] = {
    f"{PROJECT}:network": _object(
        f"{PROJECT}:network",
        {
            "vpcCidr": {
                "type": "string",
                "format": "vpc-cidr",
                "x-allowed": _VPC_CIDR,
                "x-reasons": _NOT_A_CIDR,
            },
            "availabilityZones": _integer("2 or 3 (EKS and the Multi-AZ PII database need two zones)", 2, 3),
            "natGateways": _integer("1 to availabilityZones (one per zone survives a zone outage)", 1, 3),
        },
    ),
    f"{PROJECT}:cluster": _object(
        f"{PROJECT}:cluster",
        {
            "kubernetesVersion": _text(
                'an EKS minor version in standard support, such as "1.35" (the dated table '
                "EKS_STANDARD_SUPPORT in residency/defaults.py)",
                r"1\.\d{2}",
            ),
            "nodeInstanceTypes": _list(
                "a non-empty list of EC2 types, e.g. [m6i.large]",
                _text("", r"[a-z][a-z0-9-]*\.[a-z0-9]+"),
                minimum_items=1,
            ),
            "minNodes": _integer("a whole number >= 1, <= maxNodes", 1),
            "desiredNodes": _integer("a whole number from minNodes to maxNodes", 1),
            "maxNodes": _integer("a whole number from minNodes to 100", 1, 100),
            "apiPublicCidrs": _list(
                "a list of IPv4 CIDRs that may reach the public API endpoint, never 0.0.0.0/0; "
                "[] makes the endpoint private-only",
                {"type": "string", "format": "public-cidr", "x-reasons": _NOT_A_CIDR},
            ),
            "adminPrincipalArns": _list(
                "a list of IAM role or user ARNs made cluster admins (the deployer is admin already)",
                _text("", r"arn:aws[a-z-]*:iam::\d{12}:(role|user)/[\w+=,.@/-]+"),
            ),
        },
        optional=("adminPrincipalArns",),
    ),
    f"{PROJECT}:loadBalancer": _object(
        f"{PROJECT}:loadBalancer",
        {
            "certificateArn": _text(
                "an ACM certificate ARN in this stack's region; omit it for plain HTTP",
                r"arn:aws:acm:[a-z0-9-]+:\d{12}:certificate/[0-9a-f-]+",
            ),
            "healthCheckPath": _text("an absolute URL path such as /healthz", r"/[A-Za-z0-9._~/-]*"),
        },
        optional=("certificateArn",),
    ),
    f"{PROJECT}:dns": _object(
        f"{PROJECT}:dns",
        {
            "domain": _text("a lowercase DNS name inside hostedZone, e.g. app.example.com", HOSTNAME),
            "hostedZone": _text("the name of an existing public Route 53 zone, e.g. example.com", HOSTNAME),
            "regionLabel": _text("one lowercase DNS label, e.g. eu (gives eu.<domain>)", LABEL),
        },
    ),
    f"{PROJECT}:piiDatabase": _object(
        f"{PROJECT}:piiDatabase",
        {
            "instanceClass": _text("an RDS instance class, e.g. db.m7g.large", r"db\.[a-z0-9]+\.[a-z0-9]+"),
            "allocatedStorageGib": _integer("20 to 65536", 20, 65536),
            "maxAllocatedStorageGib": _integer(
                "more than allocatedStorageGib, up to 65536 (storage autoscaling)", 20, 65536
            ),
            "backupRetentionDays": _integer(
                f"{MINIMUM_BACKUP_RETENTION_DAYS} to {MAXIMUM_BACKUP_RETENTION_DAYS}",
                MINIMUM_BACKUP_RETENTION_DAYS,
                MAXIMUM_BACKUP_RETENTION_DAYS,
            ),
            "engineVersion": _text(
                f'the PostgreSQL major only, "{PII_POSTGRES_MAJOR}": RDS chooses the minor and upgrades it '
                "(auto minor version upgrade)",
                PII_POSTGRES_MAJOR,
                **{
                    "x-reasons": {
                        "pattern": "got {shown}, a pinned minor: once RDS upgrades the instance, the next "
                        "`pulumi up --refresh` asks RDS for a downgrade, which it refuses"
                    }
                },
            ),
        },
    ),
    f"{PROJECT}:telemetry": _object(
        f"{PROJECT}:telemetry",
        {
            "storageGib": _integer("1 to 16384 (the raw telemetry volume)", 1, 16384),
            "exchangeStorageGib": _integer("1 to 16384 (the anonymised exchange volume)", 1, 16384),
            "imageTag": _text(
                f"a fully pinned timescale/timescaledb-ha tag of PostgreSQL {TELEMETRY_POSTGRES_MAJOR} "
                f"such as {TELEMETRY_IMAGE_TAG} (no floating tags)",
                rf"pg{TELEMETRY_POSTGRES_MAJOR}\.\d+-ts\d+\.\d+\.\d+(-all)?(-oss)?",
            ),
            "anonymisationK": _integer(
                f"a whole number >= {MIN_SUBJECTS_FLOOR} (k-anonymity)", MIN_SUBJECTS_FLOOR
            ),
            "anonymisationSchedule": _text(
                'a five-field cron expression, e.g. "*/15 * * * *"',
                rf"{_CRON_FIELD}(?:\s+{_CRON_FIELD}){{4}}",
            ),
            "epsilonPerHour": {
                "type": "number",
                "minimum": float(EPSILON_FLOOR),
                "maximum": float(EPSILON_CEILING),
                "format": "epsilon",
                "x-allowed": (
                    f"a number from {EPSILON_FLOOR} to {EPSILON_CEILING} in steps of {EPSILON_STEP} "
                    f"(privacy loss per person per hour; default {DEFAULT_EPSILON_PER_HOUR}: larger weakens "
                    "the guarantee, smaller drowns the statistics)"
                ),
                "x-reasons": {"type": "got {shown}, not a number"},
            },
            "maxGroupsPerSubject": _integer(
                f"{MAX_GROUPS_PER_SUBJECT_BOUNDS[0]} to {MAX_GROUPS_PER_SUBJECT_BOUNDS[1]} (groups a person "
                f"counts in per hour; default {DEFAULT_MAX_GROUPS_PER_SUBJECT})",
                *MAX_GROUPS_PER_SUBJECT_BOUNDS,
            ),
            "maxEventsPerGroup": _integer(
                f"{MAX_EVENTS_PER_GROUP_BOUNDS[0]} to {MAX_EVENTS_PER_GROUP_BOUNDS[1]} (events a person "
                f"counts with per group and hour; default {DEFAULT_MAX_EVENTS_PER_GROUP})",
                *MAX_EVENTS_PER_GROUP_BOUNDS,
            ),
            "latencyBoundMs": _integer(
                f"{LATENCY_BOUND_MS_BOUNDS[0]} to {LATENCY_BOUND_MS_BOUNDS[1]} (latencies are clamped to it; "
                f"default {DEFAULT_LATENCY_BOUND_MS})",
                *LATENCY_BOUND_MS_BOUNDS,
            ),
            "smallGroupProbability": {
                "type": "number",
                "exclusiveMinimum": 0,
                "maximum": SMALL_GROUP_PROBABILITY_CEILING,
                "x-allowed": (
                    f"a number above 0, at most {SMALL_GROUP_PROBABILITY_CEILING} (the chance that a group "
                    "of at most anonymisationK people is released; "
                    f"default {DEFAULT_SMALL_GROUP_PROBABILITY})"
                ),
                "x-reasons": {"type": "got {shown}, not a number"},
            },
            "services": _vocabulary("service", "[gateway, checkout]"),
            "metrics": _vocabulary("metric", "[request]"),
            "writers": {
                **_list(
                    f"0 to {MAX_VOCABULARY_SIZE} distinct service labels such as [gateway, checkout] "
                    "(lower-case letters, digits and _, at most 40 characters, starting with a letter): "
                    "each gets its own writer role and client certificate, no other service can write; "
                    "default: the services list, its hyphens as _ (a service name longer than 40 "
                    "characters needs writers listed)",
                    _text("", WRITER_LABEL),
                ),
                "maxItems": MAX_VOCABULARY_SIZE,
            },
        },
        optional=(
            "writers",
            "epsilonPerHour",
            "maxGroupsPerSubject",
            "maxEventsPerGroup",
            "latencyBoundMs",
            "smallGroupProbability",
        ),
    ),
    f"{PROJECT}:peer": _object(
        f"{PROJECT}:peer",
        {
            "stack": _text(
                "the peer region's stack name, e.g. india: lowercase letters and digits, starting with a "
                "letter, at most 20 characters (it names the peer's telemetry SQL objects)",
                STACK_NAME.pattern,
            ),
            "region": _text(
                f"another region of a known jurisdiction ({all_regions()})",
                None,
                enum=list(ALL_REGIONS),
                **{"x-reasons": {"enum": "got {shown}, which lies in no known jurisdiction"}},
            ),
            "vpcCidr": {
                "type": "string",
                "format": "vpc-cidr",
                "x-reasons": _NOT_A_CIDR,
                "x-allowed": "the peer stack's residency:network.vpcCidr, not overlapping this one",
            },
            "vpcId": _text(
                "the peer stack's VPC id, its `vpcId` stack output (vpc- and 8 or 17 hex digits); omit it "
                "until the peer is deployed: with it each stack declares its side of the peering connection",
                r"vpc-(?:[0-9a-f]{8}|[0-9a-f]{17})",
            ),
            "accountId": _text(
                "the peer's 12-digit AWS account id, when the peer lives in another account; omit it for "
                "this stack's own account",
                r"\d{12}",
            ),
            "replicationHost": _text(
                "the DNS name of the peer's telemetry replication endpoint (its stack output "
                "telemetryReplicationEndpoint, <name>.elb.<peer region>.amazonaws.com); "
                "omit it until the peer is deployed",
                HOSTNAME,
            ),
            "caCertificate": {
                "type": "string",
                "format": "ca-certificate",
                "x-allowed": (
                    "the peer's public telemetry CA certificate, one PEM CERTIFICATE block (`pulumi config "
                    "set --path residency:peer.caCertificate "
                    '"$(pulumi stack output telemetryCaCertificate -s <peer>)"`); '
                    "plain config, never a key; omit it until the peer is deployed"
                ),
                "x-reasons": {"type": "got {shown}, not a PEM string"},
            },
        },
        optional=("vpcId", "accountId", "replicationHost", "caCertificate"),
    ),
}

TELEMETRY_RESTORE_KEY = f"{PROJECT}:telemetryRestore"
"""Optional, a key of its own so a stack sets it alone (Pulumi replaces an object value whole): `inProgress`
true while the telemetry store is restored or failed over, and the release CronJob is declared suspended."""

KNOWN_PROJECT_KEYS: frozenset[str] = frozenset({JURISDICTION_KEY, *STRUCTURED_KEYS, TELEMETRY_RESTORE_KEY})
KEY_ORDER: tuple[str, ...] = (JURISDICTION_KEY, REGION_KEY, *STRUCTURED_KEYS, TELEMETRY_RESTORE_KEY)
"""The order problems are reported in, after the unknown keys."""

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "The namespaced configuration of one residency region stack",
    "type": "object",
    "properties": {
        JURISDICTION_KEY: {
            "enum": sorted(JURISDICTIONS),
            "x-allowed": ", ".join(sorted(JURISDICTIONS)),
            "x-reasons": {
                "enum": "got {shown}, unknown"
                " (a new jurisdiction is a reviewed edit of policies/residency_facts)"
            },
        },
        # The allowed regions depend on the jurisdiction: the settings name them in the message.
        REGION_KEY: {
            "enum": list(ALL_REGIONS),
            "x-allowed": f"a region of a known jurisdiction ({all_regions()})",
            "x-reasons": {"enum": "got {shown}, which lies in no known jurisdiction"},
        },
        **STRUCTURED_KEYS,
        TELEMETRY_RESTORE_KEY: _object(
            TELEMETRY_RESTORE_KEY,
            {
                "inProgress": {
                    "type": "boolean",
                    "x-allowed": (
                        "true while the telemetry store is being restored or failed over (the release "
                        "CronJob is suspended until the runbook's acknowledge_restore step is done and the "
                        "key removed), else false"
                    ),
                    "x-reasons": {"type": "got {shown}, not true or false"},
                },
            },
        ),
    },
    "required": [JURISDICTION_KEY, REGION_KEY, *STRUCTURED_KEYS],
    # Other aws:* keys would configure only Pulumi's default provider, which this program disables; other
    # residency:* keys are typos. Keys of other namespaces (pulumi:, kubernetes:) are not this schema's.
    "propertyNames": {
        "if": {"pattern": f"^(aws|{PROJECT}):"},
        "then": {"enum": sorted({REGION_KEY, *KNOWN_PROJECT_KEYS})},
    },
}


# --- Checking a config against it ---


class _Invalid(Exception):
    """A value a format check refuses; the message says why."""


_FORMATS = jsonschema.FormatChecker(formats=())


def _ipv4_network(value: str) -> ipaddress.IPv4Network:
    """An IPv4 network in CIDR notation with no host bits set."""
    if "/" not in value:
        raise _Invalid(f"got {shown(value)}, not an IPv4 CIDR such as 10.10.0.0/16")
    try:
        return ipaddress.IPv4Network(value, strict=True)
    except ValueError as error:
        raise _Invalid(f"got {shown(value)}, not an IPv4 CIDR ({error})") from None


@_FORMATS.checks("vpc-cidr", raises=_Invalid)
def _vpc_cidr(value: object) -> bool:
    """A private (RFC 1918) IPv4 range of /16 to /20, room for three subnet tiers in three zones."""
    if not isinstance(value, str):
        return True  # the type keyword reports it
    network = _ipv4_network(value)
    if not any(network.subnet_of(private) for private in _PRIVATE_RANGES):
        raise _Invalid(f"got {shown(value)}, which is not a private (RFC 1918) range")
    if not 16 <= network.prefixlen <= 20:
        raise _Invalid(f"got {shown(value)}, prefix /{network.prefixlen}")
    return True


@_FORMATS.checks("public-cidr", raises=_Invalid)
def _public_cidr(value: object) -> bool:
    """A CIDR allowed to reach the cluster's public API endpoint: never the whole internet."""
    if not isinstance(value, str):
        return True
    if _ipv4_network(value).prefixlen == 0:
        raise _Invalid(f"got {shown(value)}, which opens the Kubernetes API to the whole internet")
    return True


_VOCABULARY_LABEL = re.compile(rf"^(?:{VOCABULARY_LABEL})\Z")
_IDENTIFIER_SHAPED = re.compile(IDENTIFIER_SHAPED)


@_FORMATS.checks("vocabulary-name", raises=_Invalid)
def _vocabulary_name(value: object) -> bool:
    """A name of a closed vocabulary: a lower-case label that names a kind of thing, never one thing."""
    if not isinstance(value, str):
        return True
    if not _VOCABULARY_LABEL.match(value):
        raise _Invalid(f"got {shown(value)}, not a lower-case name (letters, digits, hyphens, 1 to 63)")
    if value == RESERVED_VOCABULARY_NAME:
        raise _Invalid(f"got {shown(value)}, reserved for the values outside the vocabulary")
    if _IDENTIFIER_SHAPED.search(value):
        raise _Invalid(
            f"got {shown(value)}, which looks like an identifier (a number, a hexadecimal run or an "
            "ip/id/user/device/session/uuid part): a grouping value that crosses to the peer must name a "
            "kind of thing, never one person, device or address"
        )
    return True


@_FORMATS.checks("epsilon", raises=_Invalid)
def _epsilon(value: object) -> bool:
    """Epsilon in steps of 0.001, read as the decimal the stack file wrote (not the float's binary value)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return True
    if (Decimal(str(value)) / EPSILON_STEP) % 1 != 0:
        raise _Invalid(f"got {shown(value)}, more than three decimal places")
    return True


_PEM_CERTIFICATE = re.compile(
    r"-----BEGIN CERTIFICATE-----\r?\n([A-Za-z0-9+/=\r\n]+)-----END CERTIFICATE-----\r?\n?"
)


@_FORMATS.checks("ca-certificate", raises=_Invalid)
def _ca_certificate(value: object) -> bool:
    """One PEM certificate block whose body is base64 DER; a private key is refused by name."""
    if not isinstance(value, str):
        return True
    if "PRIVATE KEY" in value:
        # Never echo it: the value is a key someone pasted into plain, committed config.
        raise _Invalid(
            "got a PEM private key: a key must never be in stack config (rotate that key now); "
            "set the peer's public CA certificate instead"
        )
    match = _PEM_CERTIFICATE.fullmatch(value.strip() + "\n")
    if match is None:
        raise _Invalid("got text that is not exactly one PEM CERTIFICATE block")
    try:
        der = base64.b64decode("".join(match.group(1).split()), validate=True)
    except (binascii.Error, ValueError):
        raise _Invalid("got a PEM CERTIFICATE block whose body is not base64") from None
    if not der.startswith(b"\x30"):
        raise _Invalid("got a PEM CERTIFICATE block that holds no DER certificate")
    return True


def _is_whole_number(checker: Any, instance: object) -> bool:
    return isinstance(instance, int) and not isinstance(instance, bool)


_VALIDATOR = jsonschema.validators.extend(
    jsonschema.Draft202012Validator,
    type_checker=jsonschema.Draft202012Validator.TYPE_CHECKER.redefine("integer", _is_whole_number),
)(SCHEMA, format_checker=_FORMATS)

_TYPE_REASONS = {
    "integer": "not a whole number",
    "string": "not a non-empty string",
    "array": "not a list",
    "object": "not an object",
}
_PRIORITY = {
    "type": 0,
    "enum": 1,
    "minLength": 1,
    "not": 1,
    "format": 2,
    "pattern": 2,
    "minimum": 2,
    "exclusiveMinimum": 2,
    "maximum": 2,
}
"""Which failure of one value to report: the most basic first, as a reader would fix them."""


@dataclass(frozen=True)
class Problem:
    """One key's problem: the key (`residency:network.vpcCidr`), why, and what is allowed."""

    key: str
    reason: str
    allowed: str


def _field_schema(path: tuple[str, ...]) -> dict[str, Any]:
    """The schema of the key or field at a path of names."""
    schema: dict[str, Any] = SCHEMA
    for name in path:
        schema = schema["properties"][name]
    return schema


def _rank(path: tuple[str, ...]) -> tuple[int, ...]:
    """Where a key or field stands in the schema's order (unknown ones first, as typos explain the rest)."""
    top = KEY_ORDER.index(path[0]) + 1 if path[0] in KEY_ORDER else 0
    fields = list(_field_schema(path[:1]).get("properties", {})) if top else []
    field = fields.index(path[1]) + 1 if len(path) > 1 and path[1] in fields else 0
    return (top, field)


def _scalar_reason(error: ValidationError, schema: Mapping[str, Any]) -> str:
    """Why one value failed one keyword, in the words of the settings' messages."""
    custom = schema.get("x-reasons", {}).get(error.validator)
    if custom is not None:
        return str(custom).format(shown=shown(error.instance))
    if error.validator == "type":
        return f"got {shown(error.instance)}, {_TYPE_REASONS[str(error.validator_value)]}"
    if error.validator in ("minLength", "not"):
        return f"got {shown(error.instance)}, not a non-empty string"
    if error.validator == "format" and error.cause is not None:
        return str(error.cause)
    return f"got {shown(error.instance)}"


def problems(config: Mapping[str, Any]) -> Iterator[Problem]:
    """The problems of a config (None values already left out), one per key, in the schema's order."""
    found: dict[tuple[str, ...], tuple[tuple[int, ...], Problem]] = {}

    def keep(path: tuple[str, ...], order: tuple[int, ...], problem: Problem) -> None:
        if path not in found or order < found[path][0]:
            found[path] = (order, problem)

    for error in _VALIDATOR.iter_errors(config):
        path = tuple(str(part) for part in error.absolute_path)
        if "propertyNames" in error.relative_schema_path:
            name = str(error.instance)
            if name in REMOVED_KEYS:
                reason, allowed = REMOVED_KEYS[name], ", ".join(sorted(KNOWN_PROJECT_KEYS))
            elif name.startswith("aws:"):
                reason, allowed = (
                    "the program's explicit AWS provider ignores it",
                    f"only {REGION_KEY} in the aws namespace",
                )
            else:
                reason, allowed = "unknown key", ", ".join(sorted(KNOWN_PROJECT_KEYS))
            keep((name,), (0,), Problem(name, reason, allowed))
        elif error.validator == "required":
            for name in error.validator_value:
                if name not in error.instance:
                    field = (*path, name)
                    keep(field, (0,), Problem(".".join(field), "missing", _field_schema(field)["x-allowed"]))
        elif error.validator == "additionalProperties":
            known = _field_schema(path)["properties"]
            for name in sorted(set(error.instance) - set(known)):
                keep((*path, name), (0,), Problem(".".join((*path, name)), "unknown key", ", ".join(known)))
        else:
            names = tuple(part for part in path if not part.isdigit())
            schema = _field_schema(names)
            allowed = schema["x-allowed"]
            order: tuple[int, ...]
            if len(path) > len(names):  # an item of a list: the first bad item, after the list's own checks
                index = int(path[-1])
                item_schema = schema["items"]
                order = (2, index, _PRIORITY.get(str(error.validator), 3))
                reason = f"item {index}: {_scalar_reason(error, item_schema)}"
            elif error.validator == "minItems":
                order = (1,)
                reason = f"got {len(error.instance)} items, need at least {error.validator_value}"
            elif error.validator == "maxItems":
                order = (1,)
                reason = f"got {len(error.instance)} items, at most {error.validator_value} allowed"
            elif error.validator == "uniqueItems":
                order, reason = (3,), f"got duplicates in {shown(error.instance)}"
            else:
                order = (_PRIORITY.get(str(error.validator), 3),)
                reason = _scalar_reason(error, schema)
            keep(names, order, Problem(".".join(names), reason, allowed))
    for path in sorted(found, key=lambda p: (_rank(p), p)):
        yield found[path][1]
