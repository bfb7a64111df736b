"""The typed, validated settings of one region stack, built from its stack configuration before any resource.

Data flows one way: `Pulumi.<stack>.yaml` (over the project defaults in `Pulumi.yaml`) -> `load_settings` ->
one frozen `StackSettings` -> components. `load_settings` is a pure function over a plain mapping of
namespaced keys (`{"aws:region": ..., "residency:network": {...}}`) so tests can call it directly;
`load_stack_settings` is the thin adapter that reads that mapping from the running Pulumi program.
What each key may hold is declared once, as a JSON Schema (`residency/schema.py`); this module adds only the
checks that compare two values, which a schema cannot express. Every bad value is reported with its key, the
file to fix and what is allowed, all problems in one error.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pulumi
import yaml

from residency.defaults import (
    DEFAULT_EPSILON_PER_HOUR,
    DEFAULT_LATENCY_BOUND_MS,
    DEFAULT_MAX_EVENTS_PER_GROUP,
    DEFAULT_MAX_GROUPS_PER_SUBJECT,
    DEFAULT_SMALL_GROUP_PROBABILITY,
    EKS_STANDARD_SUPPORT,
)
from residency.schema import (
    JURISDICTION_KEY,
    KNOWN_PROJECT_KEYS,
    PROJECT,
    REGION_KEY,
    SCHEMA,
    STACK_NAME,
    STRUCTURED_KEYS,
    TELEMETRY_RESTORE_KEY,
    WRITER_LABEL,
    shown,
)
from residency.schema import problems as schema_problems
from residency_facts import JURISDICTION_TAG, JURISDICTIONS, MANAGED_BY, MANAGED_BY_TAG, Jurisdiction
from residency_facts import jurisdiction_of_region as _jurisdiction_of_region

__all__ = [
    "JURISDICTION_KEY",
    "KNOWN_PROJECT_KEYS",
    "PROJECT",
    "REGION_KEY",
    "SECRET_PLACEHOLDER",
    "ConfigError",
    "StackSettings",
    "engine_config",
    "load_settings",
    "load_stack_settings",
    "project_defaults",
    "read_stack_files",
]

NETWORK, CLUSTER, LOAD_BALANCER, DNS, PII_DATABASE, TELEMETRY, PEER = STRUCTURED_KEYS


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
    """The in-cluster TimescaleDB for telemetry and its differentially private hourly release."""

    storage_gib: int
    exchange_storage_gib: int
    image_tag: str
    anonymisation_k: int
    anonymisation_schedule: str
    services: tuple[str, ...]
    """The closed vocabulary of services; any other value is counted under `other`."""
    metrics: tuple[str, ...]
    epsilon_per_hour: Decimal = DEFAULT_EPSILON_PER_HOUR
    """The decimal the stack file wrote (`1.0`), not a float's binary approximation."""
    max_groups_per_subject: int = DEFAULT_MAX_GROUPS_PER_SUBJECT
    max_events_per_group: int = DEFAULT_MAX_EVENTS_PER_GROUP
    latency_bound_ms: int = DEFAULT_LATENCY_BOUND_MS
    small_group_probability: float = DEFAULT_SMALL_GROUP_PROBABILITY
    writers: tuple[str, ...] = ()
    """The services that write raw telemetry, each with its own role and client certificate (default: the
    services list, hyphens as underscores)."""
    restore_in_progress: bool = False
    """`residency:telemetryRestore.inProgress`: the release CronJob is declared suspended (README)."""


def default_writers(services: Sequence[str]) -> tuple[str, ...]:
    """The writers a stack gets when it lists none: its services, each label's hyphens as underscores.

    Validation refuses a stack that lists no writers while a service name is too long to name a role (over
    40 characters), so every service here makes a label the SQL accepts.
    """
    return tuple(service.replace("-", "_") for service in services)


@dataclass(frozen=True)
class PeerSettings:
    """The other region this one exchanges anonymised telemetry with."""

    stack: str
    region: str
    jurisdiction: Jurisdiction
    vpc_cidr: str
    vpc_id: str | None
    """The peer's VPC; with it this stack declares its side of the peering connection."""
    account_id: str | None
    """The peer's account, when it is not this stack's own."""
    replication_host: str | None
    """Where this region's store pushes its release: the peer's exchange endpoint."""
    ca_certificate: str | None = None
    """The peer's public CA certificate (PEM): verifies the peer's exchange and its client certificate."""
    own_stack: str = ""
    """This stack's name, which decides with `stack` who requests the peering connection."""

    @property
    def requests_peering(self) -> bool:
        """Whether this stack requests the peering connection (and the peer accepts it).

        Derived, never configured, so the two stacks cannot disagree: the stack whose name sorts first
        requests (eu requests, india accepts), the same rule for any pair of stacks.
        """
        return self.own_stack < self.stack


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


# --- Reading and checking ---


CALENDAR_DAY_VARIABLE = "RESIDENCY_CALENDAR_DAY"
"""An ISO date that replaces today as the day the EKS version is judged on: for the test suite only.

The tests run the committed stacks with it set to the day the calendar was last checked
(`EKS_CALENDAR_CHECKED`), so they give the same verdict on any later day; a real `pulumi preview`/`up` and
the offline preview leave it unset and judge on today's date. A message names it whenever it was used.
"""


def utc_today() -> date:
    """Today in UTC, the time zone of the EKS calendar's dates."""
    return datetime.now(UTC).date()


def _judging_day() -> tuple[date, str]:
    """The day the EKS version is judged on, and how a message names where it came from."""
    override = os.environ.get(CALENDAR_DAY_VARIABLE)
    if override is None:
        return utc_today(), ""
    try:
        return date.fromisoformat(override), f" ({CALENDAR_DAY_VARIABLE})"
    except ValueError:
        raise ValueError(
            f"{CALENDAR_DAY_VARIABLE}: got {override!r}, not a date in YYYY-MM-DD form. It replaces today as "
            "the day the EKS version must be in standard support on, for tests only: unset it"
        ) from None


class _Problems:
    """Collects every problem so that one run reports them all."""

    def __init__(self, stack: str, project_default_keys: Collection[str]) -> None:
        self.stack = stack
        self.project_default_keys = project_default_keys
        self.items: list[str] = []
        self.keys: set[str] = set()

    def add(self, key: str, reason: str, allowed: str) -> None:
        top_level = key.split(".", 1)[0]
        where = f"Pulumi.{self.stack}.yaml"
        if top_level in self.project_default_keys:
            where += " (or its project default in Pulumi.yaml)"
        self.items.append(f"{key} in {where}: {reason}; allowed: {allowed}")
        self.keys.add(key)


def _decoded(value: Any) -> Any:
    """A structured value: the engine and the mocks pass objects as JSON strings, tests as Python values."""
    if isinstance(value, str) and value.lstrip().startswith(("{", "[")):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def _present(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The config with structured values decoded and known keys left unset (None) left out, at both levels.

    An unset key the schema knows is absent (missing if required); an unknown one is still a typo.
    """
    config: dict[str, Any] = {}
    for key, value in raw.items():
        value = _decoded(value)
        known = SCHEMA["properties"].get(key, {}).get("properties")
        if isinstance(value, Mapping) and known is not None:
            value = {name: item for name, item in value.items() if item is not None or name not in known}
        if value is not None or key not in SCHEMA["properties"]:
            config[key] = value
    return config


def _overlap(first: str, second: str) -> bool:
    return ipaddress.IPv4Network(first).overlaps(ipaddress.IPv4Network(second))


def _allowed(key: str) -> str:
    """The `x-allowed` text the schema declares for a key or field."""
    schema = SCHEMA["properties"][key.split(".", 1)[0]]
    if "." in key:
        schema = schema["properties"][key.split(".", 1)[1]]
    return str(schema["x-allowed"])


def load_settings(
    raw: Mapping[str, Any],
    stack: str,
    project_default_keys: Collection[str] = (),
    today: date | None = None,
) -> StackSettings:
    """Validate a stack's namespaced config into settings, or raise one ConfigError listing every problem.

    `project_default_keys` names the keys whose value may come from `Pulumi.yaml`; messages point there too.
    `today` is the day the EKS version must be in standard support on: by default today in UTC, or the day
    in the environment variable RESIDENCY_CALENDAR_DAY (which the test suite sets, and nothing else should).
    """
    problems = _Problems(stack, project_default_keys)
    if not STACK_NAME.fullmatch(stack):
        problems.add(
            "the stack name",
            f"got {shown(stack)}; resource names and the telemetry SQL objects derive from it",
            "lowercase letters and digits, starting with a letter, at most 20 characters",
        )
    config = _present(raw)
    code = config.get(JURISDICTION_KEY)
    jurisdiction = JURISDICTIONS.get(code) if isinstance(code, str) else None
    region_checked = False
    for problem in schema_problems(config):
        if not region_checked and problem.key.split(".", 1)[0] not in (JURISDICTION_KEY, REGION_KEY):
            # A region outside the jurisdiction is reported with the region, before the structured keys.
            region_checked = _check_region(problems, config, jurisdiction)
        allowed = problem.allowed
        if problem.key == REGION_KEY and jurisdiction is not None:
            allowed = _in_jurisdiction(jurisdiction)
        problems.add(problem.key, problem.reason, allowed)
    if not region_checked:
        _check_region(problems, config, jurisdiction)
    _check_relations(problems, config, stack)
    day, day_source = (today, "") if today is not None else _judging_day()
    _check_kubernetes_version(problems, config, day, day_source)
    if problems.items:
        raise ConfigError(stack, problems.items)

    assert jurisdiction is not None
    region = config[REGION_KEY]
    network, cluster = config[NETWORK], config[CLUSTER]
    load_balancer, dns, pii = config[LOAD_BALANCER], config[DNS], config[PII_DATABASE]
    telemetry, peer = config[TELEMETRY], config[PEER]
    peer_jurisdiction = _jurisdiction_of_region(peer["region"])
    assert peer_jurisdiction is not None
    return StackSettings(
        stack=stack,
        region=region,
        jurisdiction=jurisdiction,
        network=NetworkSettings(
            str(ipaddress.IPv4Network(network["vpcCidr"])),
            network["availabilityZones"],
            network["natGateways"],
        ),
        cluster=ClusterSettings(
            kubernetes_version=cluster["kubernetesVersion"],
            node_instance_types=tuple(cluster["nodeInstanceTypes"]),
            min_nodes=cluster["minNodes"],
            desired_nodes=cluster["desiredNodes"],
            max_nodes=cluster["maxNodes"],
            api_public_cidrs=tuple(cluster["apiPublicCidrs"]),
            admin_principal_arns=tuple(cluster.get("adminPrincipalArns") or ()),
        ),
        load_balancer=LoadBalancerSettings(
            load_balancer.get("certificateArn"), load_balancer["healthCheckPath"]
        ),
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
            services=tuple(telemetry["services"]),
            metrics=tuple(telemetry["metrics"]),
            epsilon_per_hour=Decimal(str(telemetry.get("epsilonPerHour", DEFAULT_EPSILON_PER_HOUR))),
            max_groups_per_subject=telemetry.get("maxGroupsPerSubject", DEFAULT_MAX_GROUPS_PER_SUBJECT),
            max_events_per_group=telemetry.get("maxEventsPerGroup", DEFAULT_MAX_EVENTS_PER_GROUP),
            latency_bound_ms=telemetry.get("latencyBoundMs", DEFAULT_LATENCY_BOUND_MS),
            small_group_probability=float(
                telemetry.get("smallGroupProbability", DEFAULT_SMALL_GROUP_PROBABILITY)
            ),
            writers=tuple(telemetry.get("writers", default_writers(telemetry["services"]))),
            restore_in_progress=bool(config.get(TELEMETRY_RESTORE_KEY, {}).get("inProgress", False)),
        ),
        peer=PeerSettings(
            stack=peer["stack"],
            region=peer["region"],
            jurisdiction=peer_jurisdiction,
            vpc_cidr=str(ipaddress.IPv4Network(peer["vpcCidr"])),
            vpc_id=peer.get("vpcId"),
            account_id=peer.get("accountId"),
            replication_host=peer.get("replicationHost"),
            ca_certificate=_normalised_pem(peer.get("caCertificate")),
            own_stack=stack,
        ),
    )


def _normalised_pem(pem: str | None) -> str | None:
    """A PEM block as files hold it: no surrounding blank lines, one final newline."""
    return None if pem is None else pem.strip() + "\n"


def replication_endpoint_domain(region: str) -> str:
    """Where the load balancer controller names a region's internal NLBs: `<name>.elb.<region>.amazonaws.com`.

    The exchange's server certificate names `*.` this domain (its NLB's name is only known once it exists), so
    the peer's `replicationHost` must lie in it for the push's verify-full to succeed.
    """
    return f"elb.{region}.amazonaws.com"


def _in_jurisdiction(jurisdiction: Jurisdiction) -> str:
    """The allowed text of a region key: the jurisdiction's regions."""
    return f"a region of jurisdiction {jurisdiction.code}: {', '.join(sorted(jurisdiction.regions))}"


def _check_region(problems: _Problems, config: Mapping[str, Any], jurisdiction: Jurisdiction | None) -> bool:
    """The region must lie in the stack's jurisdiction (a schema cannot compare the two); returns True."""
    region = config.get(REGION_KEY)
    actual = _jurisdiction_of_region(region) if isinstance(region, str) else None
    if jurisdiction is None or actual is None or region in jurisdiction.regions:
        return True  # nothing to compare, or the schema has reported it (a region of no jurisdiction)
    problems.add(
        REGION_KEY,
        f"got {shown(region)}, which is in jurisdiction {actual.code}, not {jurisdiction.code}: "
        f"personal data of {jurisdiction.code} must stay in its regions",
        _in_jurisdiction(jurisdiction),
    )
    return True


def _check_kubernetes_version(
    problems: _Problems, config: Mapping[str, Any], today: date, day_source: str = ""
) -> None:
    """The EKS version must be in standard support today, by the dated table in residency/defaults.py.

    `day_source` follows the day in the message when it is not the clock's (the suite's override).
    """
    cluster = config.get(CLUSTER)
    key = f"{CLUSTER}.kubernetesVersion"
    if not isinstance(cluster, Mapping) or key in problems.keys or CLUSTER in problems.keys:
        return
    version = cluster.get("kubernetesVersion")
    if not isinstance(version, str):
        return
    supported = [
        f"{minor} (until {end.isoformat()})"
        for minor, (released, end) in sorted(EKS_STANDARD_SUPPORT.items())
        if released <= today < end
    ]
    # The override is named, so one left set in a shell cannot pass for today.
    allowed = (
        f"a version in EKS standard support on {today.isoformat()}{day_source}: "
        f"{', '.join(supported) or 'none listed'} "
        "(EKS_STANDARD_SUPPORT in residency/defaults.py, from the EKS release calendar)"
    )
    if version not in EKS_STANDARD_SUPPORT:
        reason = (
            f"got {shown(version)}, which the dated EKS calendar in residency/defaults.py does not list "
            "(a newer minor: add its row with the dates from the EKS release calendar first)"
        )
    else:
        released, end = EKS_STANDARD_SUPPORT[version]
        if today >= end:
            reason = (
                f"got {shown(version)}, which left EKS standard support on {end.isoformat()}: extended "
                "support is billed extra per cluster hour and ends in an automatic upgrade (upgrade one "
                "minor version per `pulumi up`)"
            )
        elif today < released:
            reason = f"got {shown(version)}, which EKS releases only on {released.isoformat()}"
        else:
            return
    problems.add(key, reason, allowed)


def _check_relations(problems: _Problems, config: Mapping[str, Any], stack: str) -> None:
    """Checks that compare two values; each runs only when both values passed the schema."""

    def valid(key: str, *fields: str) -> Mapping[str, Any] | None:
        """The object at `key` when it and the named fields are present and passed the schema."""
        value = config.get(key)
        if not isinstance(value, Mapping) or key in problems.keys:
            return None
        if any(name not in value or f"{key}.{name}" in problems.keys for name in fields):
            return None
        return value

    region = config.get(REGION_KEY)

    network = valid(NETWORK, "availabilityZones", "natGateways")
    if network is not None and network["natGateways"] > network["availabilityZones"]:
        problems.add(
            f"{NETWORK}.natGateways",
            f"got {network['natGateways']}, more than availabilityZones ({network['availabilityZones']})",
            _allowed(f"{NETWORK}.natGateways"),
        )

    cluster = valid(CLUSTER, "minNodes", "desiredNodes", "maxNodes")
    if cluster is not None:
        low, desired, high = cluster["minNodes"], cluster["desiredNodes"], cluster["maxNodes"]
        if low > high:
            problems.add(
                f"{CLUSTER}.minNodes",
                f"got {low}, more than maxNodes ({high})",
                _allowed(f"{CLUSTER}.minNodes"),
            )
        elif not low <= desired <= high:
            problems.add(
                f"{CLUSTER}.desiredNodes",
                f"got {desired}, outside [minNodes, maxNodes] = [{low}, {high}]",
                _allowed(f"{CLUSTER}.desiredNodes"),
            )

    pii = valid(PII_DATABASE, "allocatedStorageGib", "maxAllocatedStorageGib")
    if pii is not None and pii["maxAllocatedStorageGib"] <= pii["allocatedStorageGib"]:
        ceiling, allocated = pii["maxAllocatedStorageGib"], pii["allocatedStorageGib"]
        problems.add(
            f"{PII_DATABASE}.maxAllocatedStorageGib",
            f"got {ceiling}, not more than allocatedStorageGib ({allocated})",
            _allowed(f"{PII_DATABASE}.maxAllocatedStorageGib"),
        )

    load_balancer = valid(LOAD_BALANCER, "certificateArn")
    if load_balancer is not None and isinstance(region, str):
        certificate_region = load_balancer["certificateArn"].split(":")[3]
        if certificate_region != region:
            problems.add(
                f"{LOAD_BALANCER}.certificateArn",
                f"got a certificate in {certificate_region}; an ALB can only use one from its own region",
                f"an ACM certificate ARN in {region}",
            )

    dns = valid(DNS, "domain", "hostedZone")
    if dns is not None:
        domain, zone = dns["domain"], dns["hostedZone"]
        if domain != zone and not domain.endswith(f".{zone}"):
            problems.add(
                f"{DNS}.domain", f"got {shown(domain)}, outside hostedZone {zone}", _allowed(f"{DNS}.domain")
            )

    telemetry = valid(TELEMETRY, "services")
    if telemetry is not None and "writers" not in telemetry:
        unnamed = [s for s in telemetry["services"] if not re.fullmatch(WRITER_LABEL, s.replace("-", "_"))]
        if unnamed:
            problems.add(
                f"{TELEMETRY}.writers",
                f"not set, and the service(s) {', '.join(map(shown, unnamed))} make no writer label (over 40 "
                "characters as a role name), so they could not write telemetry",
                "list the writers, with a label of at most 40 characters for each of those services",
            )

    own, peer = valid(NETWORK, "vpcCidr"), valid(PEER, "vpcCidr")
    if own is not None and peer is not None and _overlap(own["vpcCidr"], peer["vpcCidr"]):
        problems.add(
            f"{PEER}.vpcCidr",
            f"got {peer['vpcCidr']}, which overlaps this stack's {NETWORK}.vpcCidr {own['vpcCidr']} "
            "(peered VPCs cannot route overlapping ranges)",
            _allowed(f"{PEER}.vpcCidr"),
        )
    peer = valid(PEER, "stack")
    if peer is not None and peer["stack"] == stack:
        problems.add(
            f"{PEER}.stack",
            f"got {shown(peer['stack'])}, this stack's own name (the two names decide who requests the "
            "peering connection)",
            _allowed(f"{PEER}.stack"),
        )
    peer = valid(PEER, "accountId")
    if peer is not None and "vpcId" not in peer:
        problems.add(
            f"{PEER}.accountId",
            "set without peer.vpcId: the account names the owner of the peer's VPC",
            "set it together with peer.vpcId, or omit it for this stack's own account",
        )
    endpoint = valid(PEER, "replicationHost", "region")
    if endpoint is not None:
        domain = replication_endpoint_domain(endpoint["region"])
        host = endpoint["replicationHost"]
        if host.count(".") != domain.count(".") + 1 or not host.endswith(f".{domain}"):
            problems.add(
                f"{PEER}.replicationHost",
                f"got {shown(host)}, not a load balancer name <name>.{domain} in the peer's region: the "
                "peer's exchange certificate names only those, so the push's verify-full would refuse it",
                _allowed(f"{PEER}.replicationHost"),
            )
    peer = valid(PEER, "region")
    if peer is not None and peer["region"] == config.get(REGION_KEY):
        problems.add(
            f"{PEER}.region",
            f"got {shown(peer['region'])}, this stack's own region",
            _allowed(f"{PEER}.region"),
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
    for key in (REGION_KEY, JURISDICTION_KEY, *STRUCTURED_KEYS):
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
