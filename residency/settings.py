"""The typed, validated settings of one region stack, built from its stack configuration before any resource.

Data flows one way: `Pulumi.<stack>.yaml` (over the project defaults in `Pulumi.yaml`) -> `load_settings` ->
one frozen `StackSettings` -> components. `load_settings` is a pure function over a plain mapping of
namespaced keys (`{"aws:region": ..., "residency:network": {...}}`) so tests can call it directly;
`load_stack_settings` is the thin adapter that reads that mapping from the running Pulumi program.
Every bad value is reported with its key, the file to fix and what is allowed, all problems in one error.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import yaml

from residency.defaults import (
    MAXIMUM_BACKUP_RETENTION_DAYS,
    MIN_SUBJECTS_FLOOR,
    MINIMUM_BACKUP_RETENTION_DAYS,
    TELEMETRY_POSTGRES_MAJOR,
)
from residency.defaults import PII_POSTGRES_MAJOR as POSTGRES_MAJOR
from residency.defaults import TELEMETRY_IMAGE_TAG as DEFAULT_TELEMETRY_IMAGE_TAG
from residency_facts import JURISDICTION_TAG, JURISDICTIONS, MANAGED_BY, MANAGED_BY_TAG, Jurisdiction
from residency_facts import jurisdiction_of_region as _jurisdiction_of_region

PROJECT = "residency"
"""The Pulumi project name; also the namespace of every key this program reads."""

REGION_KEY = "aws:region"
JURISDICTION_KEY = f"{PROJECT}:jurisdiction"
PEER_PASSWORD_KEY = f"{PROJECT}:peerReplicationPassword"
"""Optional secret, set with `pulumi config set --secret`; never committed in a stack file."""


class ConfigError(pulumi.RunError):
    """Stack configuration that cannot be deployed; the message lists every problem, its file and remedy."""

    def __init__(self, stack: str, problems: list[str]) -> None:
        self.stack = stack
        self.problems = list(problems)
        count = f"{len(problems)} problem" + ("" if len(problems) == 1 else "s")
        lines = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(f"Stack '{stack}' cannot be deployed: {count} in its configuration:\n{lines}")


# --- The settings object ---


@dataclass(frozen=True)
class NetworkSettings:
    """The region's VPC: its address range, how many availability zones and NAT gateways it spans."""

    vpc_cidr: str
    availability_zones: int
    nat_gateways: int


@dataclass(frozen=True)
class ClusterSettings:
    """The region's EKS cluster: pinned version, node group size and who may reach the public API endpoint."""

    kubernetes_version: str
    node_instance_types: tuple[str, ...]
    min_nodes: int
    desired_nodes: int
    max_nodes: int
    api_public_cidrs: tuple[str, ...]
    """Empty means the API endpoint is private-only."""
    admin_principal_arns: tuple[str, ...]


@dataclass(frozen=True)
class LoadBalancerSettings:
    """The regional ALB: HTTPS when a certificate is configured, and the path its health checks probe."""

    certificate_arn: str | None
    health_check_path: str


@dataclass(frozen=True)
class DnsSettings:
    """Global DNS: the latency-routed domain, its public hosted zone and this region's pinned label."""

    domain: str
    hosted_zone: str
    region_label: str

    @property
    def pinned_hostname(self) -> str:
        """The hostname that always resolves to this region (for endpoints that carry personal data)."""
        return f"{self.region_label}.{self.domain}"


@dataclass(frozen=True)
class PiiDatabaseSettings:
    """The region's PostgreSQL that holds personal data."""

    instance_class: str
    allocated_storage_gib: int
    max_allocated_storage_gib: int
    backup_retention_days: int
    engine_version: str


@dataclass(frozen=True)
class TelemetrySettings:
    """The in-cluster TimescaleDB for telemetry and its anonymisation step."""

    storage_gib: int
    exchange_storage_gib: int
    image_tag: str
    anonymisation_k: int
    anonymisation_schedule: str


@dataclass(frozen=True)
class PeerSettings:
    """The other region this one exchanges anonymised telemetry with."""

    stack: str
    region: str
    jurisdiction: Jurisdiction
    vpc_cidr: str
    vpc_peering_connection_id: str | None
    replication_host: str | None
    replication_password: str | None = field(default=None, repr=False)
    """Plain text here; `__main__` wraps it in `pulumi.Output.secret` before it reaches any resource."""


@dataclass(frozen=True)
class StackSettings:
    """Everything one region stack is built from, validated before any resource is declared."""

    stack: str
    region: str
    jurisdiction: Jurisdiction
    network: NetworkSettings
    cluster: ClusterSettings
    load_balancer: LoadBalancerSettings
    dns: DnsSettings
    pii_database: PiiDatabaseSettings
    telemetry: TelemetrySettings
    peer: PeerSettings

    @property
    def default_tags(self) -> dict[str, str]:
        """Tags the region's AWS provider puts on every resource it manages."""
        return {JURISDICTION_TAG: self.jurisdiction.code, MANAGED_BY_TAG: MANAGED_BY}


# --- Value parsers: each returns the typed value or raises _Invalid with the reason ---


class _Invalid(Exception):
    """A value that does not parse; the message says why."""


Parser = Callable[[Any], Any]

_PRIVATE_RANGES = tuple(ipaddress.IPv4Network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_HOSTNAME = re.compile(rf"^(?:{_LABEL}\.)+[a-z]{{2,63}}$")
_STACK_NAME = re.compile(r"[a-z][a-z0-9]{0,19}")
_CRON_FIELD = r"[0-9*/,\-]+"
_CRON = re.compile(rf"^{_CRON_FIELD}(?:\s+{_CRON_FIELD}){{4}}$")


def _shown(value: Any) -> str:
    """A value as the user wrote it, for messages."""
    return json.dumps(value) if not isinstance(value, str) else repr(value)


def _text(pattern: str | re.Pattern[str] | None = None) -> Parser:
    """A non-empty string, optionally matching a pattern."""
    compiled = re.compile(pattern) if isinstance(pattern, str) else pattern

    def parse(value: Any) -> str:
        if not isinstance(value, str) or not value.strip():
            raise _Invalid(f"got {_shown(value)}, not a non-empty string")
        if compiled is not None and not compiled.fullmatch(value):
            raise _Invalid(f"got {_shown(value)}")
        return value

    return parse


def _integer(minimum: int, maximum: int | None = None) -> Parser:
    """A whole number within bounds (YAML `3`, not `"3"` or `true`)."""

    def parse(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _Invalid(f"got {_shown(value)}, not a whole number")
        if value < minimum or (maximum is not None and value > maximum):
            raise _Invalid(f"got {value}")
        return value

    return parse


def _ipv4_network(value: Any) -> ipaddress.IPv4Network:
    """An IPv4 network in CIDR notation with no host bits set."""
    if not isinstance(value, str) or "/" not in value:
        raise _Invalid(f"got {_shown(value)}, not an IPv4 CIDR such as 10.10.0.0/16")
    try:
        return ipaddress.IPv4Network(value, strict=True)
    except ValueError as error:
        raise _Invalid(f"got {_shown(value)}, not an IPv4 CIDR ({error})") from None


def _vpc_cidr(value: Any) -> str:
    """A private (RFC 1918) IPv4 range of /16 to /20, room for three subnet tiers in three zones."""
    network = _ipv4_network(value)
    if not any(network.subnet_of(private) for private in _PRIVATE_RANGES):
        raise _Invalid(f"got {_shown(value)}, which is not a private (RFC 1918) range")
    if not 16 <= network.prefixlen <= 20:
        raise _Invalid(f"got {_shown(value)}, prefix /{network.prefixlen}")
    return str(network)


def _public_cidr(value: Any) -> str:
    """A CIDR allowed to reach the cluster's public API endpoint: never the whole internet."""
    network = _ipv4_network(value)
    if network.prefixlen == 0:
        raise _Invalid(f"got {_shown(value)}, which opens the Kubernetes API to the whole internet")
    return str(network)


def _list_of(item: Parser, minimum_items: int = 0) -> Parser:
    """A YAML list whose items all parse; duplicates are refused as likely typos."""

    def parse(value: Any) -> tuple[Any, ...]:
        if not isinstance(value, list):
            raise _Invalid(f"got {_shown(value)}, not a list")
        if len(value) < minimum_items:
            raise _Invalid(f"got {len(value)} items, need at least {minimum_items}")
        items = []
        for index, entry in enumerate(value):
            try:
                items.append(item(entry))
            except _Invalid as invalid:
                raise _Invalid(f"item {index}: {invalid}") from None
        if len(set(items)) != len(items):
            raise _Invalid(f"got duplicates in {_shown(value)}")
        return tuple(items)

    return parse


def _known_region(value: Any) -> str:
    """An AWS region inside some known jurisdiction."""
    region = _text()(value)
    if _jurisdiction_of_region(region) is None:
        raise _Invalid(f"got {_shown(value)}, which lies in no known jurisdiction")
    return region


# --- The schema of each structured key ---


@dataclass(frozen=True)
class _Field:
    """One key inside a structured config object."""

    parse: Parser
    allowed: str
    required: bool = True


@dataclass(frozen=True)
class _Object:
    """One structured key under the `residency:` namespace."""

    key: str
    fields: Mapping[str, _Field]


def _all_regions() -> str:
    return "; ".join(f"{code}: {', '.join(sorted(j.regions))}" for code, j in sorted(JURISDICTIONS.items()))


NETWORK = _Object(
    f"{PROJECT}:network",
    {
        "vpcCidr": _Field(_vpc_cidr, "a private (RFC 1918) IPv4 CIDR from /16 to /20, e.g. 10.10.0.0/16"),
        "availabilityZones": _Field(
            _integer(2, 3), "2 or 3 (EKS and the Multi-AZ PII database need two zones)"
        ),
        "natGateways": _Field(_integer(1, 3), "1 to availabilityZones (one per zone survives a zone outage)"),
    },
)
CLUSTER = _Object(
    f"{PROJECT}:cluster",
    {
        "kubernetesVersion": _Field(_text(r"1\.\d{2}"), 'a pinned EKS minor version such as "1.33"'),
        "nodeInstanceTypes": _Field(
            _list_of(_text(r"[a-z][a-z0-9-]*\.[a-z0-9]+"), 1),
            "a non-empty list of EC2 types, e.g. [m6i.large]",
        ),
        "minNodes": _Field(_integer(1), "a whole number >= 1, <= maxNodes"),
        "desiredNodes": _Field(_integer(1), "a whole number from minNodes to maxNodes"),
        "maxNodes": _Field(_integer(1, 100), "a whole number from minNodes to 100"),
        "apiPublicCidrs": _Field(
            _list_of(_public_cidr),
            "a list of IPv4 CIDRs that may reach the public API endpoint, never 0.0.0.0/0; "
            "[] makes the endpoint private-only",
        ),
        "adminPrincipalArns": _Field(
            _list_of(_text(r"arn:aws[a-z-]*:iam::\d{12}:(role|user)/[\w+=,.@/-]+")),
            "a list of IAM role or user ARNs made cluster admins (the deployer is admin already)",
            required=False,
        ),
    },
)
LOAD_BALANCER = _Object(
    f"{PROJECT}:loadBalancer",
    {
        "certificateArn": _Field(
            _text(r"arn:aws:acm:[a-z0-9-]+:\d{12}:certificate/[0-9a-f-]+"),
            "an ACM certificate ARN in this stack's region; omit it for plain HTTP",
            required=False,
        ),
        "healthCheckPath": _Field(_text(r"/[A-Za-z0-9._~/-]*"), "an absolute URL path such as /healthz"),
    },
)
DNS = _Object(
    f"{PROJECT}:dns",
    {
        "domain": _Field(_text(_HOSTNAME), "a lowercase DNS name inside hostedZone, e.g. app.example.com"),
        "hostedZone": _Field(
            _text(_HOSTNAME), "the name of an existing public Route 53 zone, e.g. example.com"
        ),
        "regionLabel": _Field(_text(_LABEL), "one lowercase DNS label, e.g. eu (gives eu.<domain>)"),
    },
)
PII_DATABASE = _Object(
    f"{PROJECT}:piiDatabase",
    {
        "instanceClass": _Field(
            _text(r"db\.[a-z0-9]+\.[a-z0-9]+"), "an RDS instance class, e.g. db.m7g.large"
        ),
        "allocatedStorageGib": _Field(_integer(20, 65536), "20 to 65536"),
        "maxAllocatedStorageGib": _Field(
            _integer(20, 65536), "more than allocatedStorageGib, up to 65536 (storage autoscaling)"
        ),
        "backupRetentionDays": _Field(
            _integer(MINIMUM_BACKUP_RETENTION_DAYS, MAXIMUM_BACKUP_RETENTION_DAYS),
            f"{MINIMUM_BACKUP_RETENTION_DAYS} to {MAXIMUM_BACKUP_RETENTION_DAYS}",
        ),
        "engineVersion": _Field(
            _text(rf"{POSTGRES_MAJOR}\.\d+"),
            f'a pinned PostgreSQL {POSTGRES_MAJOR}.x minor offered by RDS, e.g. "{POSTGRES_MAJOR}.7"',
        ),
    },
)
TELEMETRY = _Object(
    f"{PROJECT}:telemetry",
    {
        "storageGib": _Field(_integer(1, 16384), "1 to 16384 (the raw telemetry volume)"),
        "exchangeStorageGib": _Field(_integer(1, 16384), "1 to 16384 (the anonymised exchange volume)"),
        "imageTag": _Field(
            _text(rf"pg{TELEMETRY_POSTGRES_MAJOR}\.\d+-ts\d+\.\d+\.\d+(-all)?(-oss)?"),
            f"a fully pinned timescale/timescaledb-ha tag of PostgreSQL {TELEMETRY_POSTGRES_MAJOR} "
            f"such as {DEFAULT_TELEMETRY_IMAGE_TAG} (no floating tags)",
        ),
        "anonymisationK": _Field(
            _integer(MIN_SUBJECTS_FLOOR), f"a whole number >= {MIN_SUBJECTS_FLOOR} (k-anonymity)"
        ),
        "anonymisationSchedule": _Field(_text(_CRON), 'a five-field cron expression, e.g. "*/15 * * * *"'),
    },
)
PEER = _Object(
    f"{PROJECT}:peer",
    {
        "stack": _Field(
            _text(_STACK_NAME),
            "the peer region's stack name, e.g. india: lowercase letters and digits, starting with a letter, "
            "at most 20 characters (it names the peer's telemetry SQL objects)",
        ),
        "region": _Field(_known_region, f"another region of a known jurisdiction ({_all_regions()})"),
        "vpcCidr": _Field(_vpc_cidr, "the peer stack's residency:network.vpcCidr, not overlapping this one"),
        "vpcPeeringConnectionId": _Field(
            _text(r"pcx-[0-9a-f]{8,17}"), "an accepted VPC peering connection id (pcx-...)", required=False
        ),
        "replicationHost": _Field(
            _text(_HOSTNAME),
            "the DNS name of the peer's telemetry replication endpoint; omit it until the peer is deployed",
            required=False,
        ),
    },
)

OBJECTS: tuple[_Object, ...] = (NETWORK, CLUSTER, LOAD_BALANCER, DNS, PII_DATABASE, TELEMETRY, PEER)
KNOWN_PROJECT_KEYS: frozenset[str] = frozenset(
    {JURISDICTION_KEY, PEER_PASSWORD_KEY, *(structured.key for structured in OBJECTS)}
)


# --- Reading and checking ---


class _Problems:
    """Collects every problem so that one run reports them all."""

    def __init__(self, stack: str, project_default_keys: Collection[str]) -> None:
        self.stack = stack
        self.project_default_keys = project_default_keys
        self.items: list[str] = []

    def add(self, key: str, reason: str, allowed: str) -> None:
        top_level = key.split(".", 1)[0]
        where = f"Pulumi.{self.stack}.yaml"
        if top_level in self.project_default_keys:
            where += " (or its project default in Pulumi.yaml)"
        self.items.append(f"{key} in {where}: {reason}; allowed: {allowed}")


def _decoded(value: Any) -> Any:
    """A structured value: the engine and the mocks pass objects as JSON strings, tests as Python values."""
    if isinstance(value, str) and value.lstrip().startswith(("{", "[")):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def _read_object(problems: _Problems, schema: _Object, raw: Mapping[str, Any]) -> dict[str, Any]:
    """The parsed fields of one structured key; problems are recorded, never raised."""
    allowed_keys = ", ".join(schema.fields)
    value = _decoded(raw.get(schema.key))
    if value is None:
        problems.add(schema.key, "missing", f"an object with keys {allowed_keys}")
        return {}
    if not isinstance(value, Mapping):
        problems.add(schema.key, f"got {_shown(value)}, not an object", f"an object with keys {allowed_keys}")
        return {}
    parsed: dict[str, Any] = {}
    for name in sorted(set(value) - set(schema.fields)):
        problems.add(f"{schema.key}.{name}", "unknown key", allowed_keys)
    for name, spec in schema.fields.items():
        key = f"{schema.key}.{name}"
        if value.get(name) is None:
            if spec.required:
                problems.add(key, "missing", spec.allowed)
            else:
                parsed[name] = None
            continue
        try:
            parsed[name] = spec.parse(value[name])
        except _Invalid as invalid:
            problems.add(key, str(invalid), spec.allowed)
    return parsed


def _overlap(first: str, second: str) -> bool:
    return ipaddress.IPv4Network(first).overlaps(ipaddress.IPv4Network(second))


def load_settings(
    raw: Mapping[str, Any],
    stack: str,
    project_default_keys: Collection[str] = (),
) -> StackSettings:
    """Validate a stack's namespaced config into settings, or raise one ConfigError listing every problem.

    `project_default_keys` names the keys whose value may come from `Pulumi.yaml`; messages point there too.
    """
    problems = _Problems(stack, project_default_keys)
    if not _STACK_NAME.fullmatch(stack):
        problems.add(
            "the stack name",
            f"got {_shown(stack)}; resource names and the telemetry SQL objects derive from it",
            "lowercase letters and digits, starting with a letter, at most 20 characters",
        )

    # Other aws:* keys would configure only Pulumi's default provider, which this program disables.
    for key in sorted(k for k in raw if k.startswith("aws:") and k != REGION_KEY):
        problems.add(
            key, "the program's explicit AWS provider ignores it", f"only {REGION_KEY} in the aws namespace"
        )
    for key in sorted(k for k in raw if k.startswith(f"{PROJECT}:") and k not in KNOWN_PROJECT_KEYS):
        problems.add(key, "unknown key", ", ".join(sorted(KNOWN_PROJECT_KEYS)))

    jurisdiction: Jurisdiction | None = None
    code = raw.get(JURISDICTION_KEY)
    known_codes = ", ".join(sorted(JURISDICTIONS))
    if code is None:
        problems.add(JURISDICTION_KEY, "missing", known_codes)
    elif code not in JURISDICTIONS:
        problems.add(
            JURISDICTION_KEY,
            f"got {_shown(code)}, unknown"
            " (a new jurisdiction is a reviewed edit of policies/residency_facts)",
            known_codes,
        )
    else:
        jurisdiction = JURISDICTIONS[code]

    region = raw.get(REGION_KEY)
    in_jurisdiction = (
        f"a region of jurisdiction {jurisdiction.code}: {', '.join(sorted(jurisdiction.regions))}"
        if jurisdiction
        else f"a region of a known jurisdiction ({_all_regions()})"
    )
    if region is None:
        problems.add(REGION_KEY, "missing", in_jurisdiction)
    elif not isinstance(region, str) or _jurisdiction_of_region(region) is None:
        problems.add(
            REGION_KEY, f"got {_shown(region)}, which lies in no known jurisdiction", in_jurisdiction
        )
    elif jurisdiction is not None and region not in jurisdiction.regions:
        actual = _jurisdiction_of_region(region)
        assert actual is not None
        problems.add(
            REGION_KEY,
            f"got {_shown(region)}, which is in jurisdiction {actual.code}, not {jurisdiction.code}: "
            f"personal data of {jurisdiction.code} must stay in its regions",
            in_jurisdiction,
        )

    network = _read_object(problems, NETWORK, raw)
    cluster = _read_object(problems, CLUSTER, raw)
    load_balancer = _read_object(problems, LOAD_BALANCER, raw)
    dns = _read_object(problems, DNS, raw)
    pii = _read_object(problems, PII_DATABASE, raw)
    telemetry = _read_object(problems, TELEMETRY, raw)
    peer = _read_object(problems, PEER, raw)

    password = raw.get(PEER_PASSWORD_KEY)
    if password is not None and (not isinstance(password, str) or not password):
        problems.add(PEER_PASSWORD_KEY, "not a non-empty string", "set it with `pulumi config set --secret`")

    _check_relations(problems, region, network, cluster, load_balancer, dns, pii, peer)
    if problems.items:
        raise ConfigError(stack, problems.items)

    assert jurisdiction is not None and isinstance(region, str)
    peer_jurisdiction = _jurisdiction_of_region(peer["region"])
    assert peer_jurisdiction is not None
    return StackSettings(
        stack=stack,
        region=region,
        jurisdiction=jurisdiction,
        network=NetworkSettings(network["vpcCidr"], network["availabilityZones"], network["natGateways"]),
        cluster=ClusterSettings(
            kubernetes_version=cluster["kubernetesVersion"],
            node_instance_types=cluster["nodeInstanceTypes"],
            min_nodes=cluster["minNodes"],
            desired_nodes=cluster["desiredNodes"],
            max_nodes=cluster["maxNodes"],
            api_public_cidrs=cluster["apiPublicCidrs"],
            admin_principal_arns=cluster["adminPrincipalArns"] or (),
        ),
        load_balancer=LoadBalancerSettings(load_balancer["certificateArn"], load_balancer["healthCheckPath"]),
        dns=DnsSettings(dns["domain"], dns["hostedZone"], dns["regionLabel"]),
        pii_database=PiiDatabaseSettings(
            instance_class=pii["instanceClass"],
            allocated_storage_gib=pii["allocatedStorageGib"],
            max_allocated_storage_gib=pii["maxAllocatedStorageGib"],
            backup_retention_days=pii["backupRetentionDays"],
            engine_version=pii["engineVersion"],
        ),
        telemetry=TelemetrySettings(
            storage_gib=telemetry["storageGib"],
            exchange_storage_gib=telemetry["exchangeStorageGib"],
            image_tag=telemetry["imageTag"],
            anonymisation_k=telemetry["anonymisationK"],
            anonymisation_schedule=telemetry["anonymisationSchedule"],
        ),
        peer=PeerSettings(
            stack=peer["stack"],
            region=peer["region"],
            jurisdiction=peer_jurisdiction,
            vpc_cidr=peer["vpcCidr"],
            vpc_peering_connection_id=peer["vpcPeeringConnectionId"],
            replication_host=peer["replicationHost"],
            replication_password=password,
        ),
    )


def _check_relations(
    problems: _Problems,
    region: Any,
    network: Mapping[str, Any],
    cluster: Mapping[str, Any],
    load_balancer: Mapping[str, Any],
    dns: Mapping[str, Any],
    pii: Mapping[str, Any],
    peer: Mapping[str, Any],
) -> None:
    """Checks that span several values; each runs only when the values it compares parsed."""
    zones, gateways = network.get("availabilityZones"), network.get("natGateways")
    if zones is not None and gateways is not None and gateways > zones:
        problems.add(
            f"{NETWORK.key}.natGateways",
            f"got {gateways}, more than availabilityZones ({zones})",
            NETWORK.fields["natGateways"].allowed,
        )

    if all(name in cluster for name in ("minNodes", "desiredNodes", "maxNodes")):
        low, desired, high = cluster["minNodes"], cluster["desiredNodes"], cluster["maxNodes"]
        if low > high:
            problems.add(
                f"{CLUSTER.key}.minNodes",
                f"got {low}, more than maxNodes ({high})",
                CLUSTER.fields["minNodes"].allowed,
            )
        elif not low <= desired <= high:
            problems.add(
                f"{CLUSTER.key}.desiredNodes",
                f"got {desired}, outside [minNodes, maxNodes] = [{low}, {high}]",
                CLUSTER.fields["desiredNodes"].allowed,
            )

    allocated, ceiling = pii.get("allocatedStorageGib"), pii.get("maxAllocatedStorageGib")
    if allocated is not None and ceiling is not None and ceiling <= allocated:
        problems.add(
            f"{PII_DATABASE.key}.maxAllocatedStorageGib",
            f"got {ceiling}, not more than allocatedStorageGib ({allocated})",
            PII_DATABASE.fields["maxAllocatedStorageGib"].allowed,
        )

    certificate = load_balancer.get("certificateArn")
    if certificate and isinstance(region, str) and certificate.split(":")[3] != region:
        problems.add(
            f"{LOAD_BALANCER.key}.certificateArn",
            f"got a certificate in {certificate.split(':')[3]}; an ALB can only use one from its own region",
            f"an ACM certificate ARN in {region}",
        )

    if "domain" in dns and "hostedZone" in dns:
        domain, zone = dns["domain"], dns["hostedZone"]
        if domain != zone and not domain.endswith(f".{zone}"):
            problems.add(
                f"{DNS.key}.domain",
                f"got {_shown(domain)}, outside hostedZone {zone}",
                DNS.fields["domain"].allowed,
            )

    if "vpcCidr" in network and "vpcCidr" in peer and _overlap(network["vpcCidr"], peer["vpcCidr"]):
        problems.add(
            f"{PEER.key}.vpcCidr",
            f"got {peer['vpcCidr']}, which overlaps this stack's {NETWORK.key}.vpcCidr {network['vpcCidr']} "
            "(peered VPCs cannot route overlapping ranges)",
            PEER.fields["vpcCidr"].allowed,
        )
    if "region" in peer and peer["region"] == region:
        problems.add(
            f"{PEER.key}.region",
            f"got {_shown(region)}, this stack's own region",
            PEER.fields["region"].allowed,
        )


# --- Where the raw mapping comes from ---


def _namespaced(project: str, key: str) -> str:
    return key if ":" in key else f"{project}:{key}"


def _is_declaration(value: Any) -> bool:
    """Whether a Pulumi.yaml config entry is a typed declaration rather than a shorthand value."""
    declaration_keys = {"type", "default", "value", "description", "secret", "items"}
    return isinstance(value, Mapping) and bool(value) and set(value) <= declaration_keys


def project_defaults(project_file: Path) -> dict[str, Any]:
    """The default of every config key `Pulumi.yaml` declares with a default or value, namespaced."""
    if not project_file.is_file():
        return {}
    project = yaml.safe_load(project_file.read_text()) or {}
    defaults: dict[str, Any] = {}
    for key, entry in (project.get("config") or {}).items():
        full_key = _namespaced(project["name"], key)
        if _is_declaration(entry):
            if "default" in entry:
                defaults[full_key] = entry["default"]
            elif "value" in entry:
                defaults[full_key] = entry["value"]
        else:
            defaults[full_key] = entry
    return defaults


SECRET_PLACEHOLDER = "[secret]"
"""Stands in for a `secure:` value from a stack file, which only the Pulumi CLI can decrypt."""


def read_stack_files(project_dir: Path, stack: str) -> tuple[dict[str, Any], set[str]]:
    """A stack's config as the engine merges it: `Pulumi.<stack>.yaml` over `Pulumi.yaml` defaults, per key.

    Returns the namespaced values and the keys that are secret (their values replaced by SECRET_PLACEHOLDER).
    """
    project = yaml.safe_load((project_dir / "Pulumi.yaml").read_text()) or {}
    stack_file = project_dir / f"Pulumi.{stack}.yaml"
    stack_config = (yaml.safe_load(stack_file.read_text()) or {}).get("config") or {}
    values = project_defaults(project_dir / "Pulumi.yaml")
    secret_keys: set[str] = set()
    for key, value in stack_config.items():
        full_key = _namespaced(project["name"], key)
        if isinstance(value, Mapping) and set(value) == {"secure"}:
            value = SECRET_PLACEHOLDER
            secret_keys.add(full_key)
        values[full_key] = value
    return values, secret_keys


def engine_config(values: Mapping[str, Any]) -> dict[str, str]:
    """Values in the form the engine hands a program: strings, with structured values as JSON."""
    return {key: value if isinstance(value, str) else json.dumps(value) for key, value in values.items()}


def _running_config() -> dict[str, Any]:
    """The running program's `residency:*` and `aws:*` config, however the engine or the mocks supplied it."""
    # The language host passes config in PULUMI_CONFIG; mocks and the automation API use set_all_config.
    # Only this enumeration finds mistyped keys; each value is then read the public way.
    keys = set(pulumi.runtime.get_config_env()) | set(pulumi.runtime.config.CONFIG.get())
    raw: dict[str, Any] = {}
    for key in sorted(k for k in keys if k.startswith((f"{PROJECT}:", "aws:"))):
        namespace, name = key.split(":", 1)
        raw[key] = pulumi.Config(namespace).get(name)
    for key in (REGION_KEY, JURISDICTION_KEY, PEER_PASSWORD_KEY, *(structured.key for structured in OBJECTS)):
        namespace, name = key.split(":", 1)
        value = pulumi.Config(namespace).get(name)
        if value is not None:
            raw[key] = value
    return raw


def load_stack_settings(project_dir: Path | None = None) -> StackSettings:
    """The settings of the stack the Pulumi program is running for (the adapter over `load_settings`)."""
    directory = project_dir if project_dir is not None else Path.cwd()
    return load_settings(
        _running_config(),
        pulumi.get_stack(),
        project_default_keys=frozenset(project_defaults(directory / "Pulumi.yaml")),
    )
