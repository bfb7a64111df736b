"""TelemetryStoreArgs: what a TelemetryStore is built from, checked before any resource is declared."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import pulumi

from components import telemetry_sql
from residency.defaults import TELEMETRY_IMAGE_TAG, TELEMETRY_POSTGRES_MAJOR
from residency.settings import TelemetrySettings
from residency_facts import CLASSIFICATION_TAG

DEFAULT_IMAGE_TAG = TELEMETRY_IMAGE_TAG
"""The default image tag of both servers (residency/defaults.py, which the stack settings check against)."""
POSTGRES_MAJOR = TELEMETRY_POSTGRES_MAJOR
POSTGRES_PORT = 5432
DEFAULT_ANONYMISATION_SCHEDULE = "20 * * * *"
"""Hourly, once the previous hour has closed and the SQL's 15-minute grace period has passed (UTC)."""
DEFAULT_PUSH_SCHEDULE = "50 * * * *"
"""The push's fixed schedule (UTC): once an hour, apart from the release, whatever the release's duration."""

_KUBERNETES_NAME = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
MAXIMUM_NAME_LENGTH = 40
"""Room for the suffixes derived from the name within Kubernetes' 63-character names and labels."""
_IMAGE_TAG = re.compile(rf"^pg{POSTGRES_MAJOR}\.\d+-ts\d+\.\d+\.\d+(-all)?(-oss)?$")
_POSTGRES_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
_CPU = re.compile(r"^(\d+(\.\d+)?)(m?)$")
_MEMORY = re.compile(r"^(\d+)(Mi|Gi)$")
_CRON_FIELD = r"[0-9*/,\-]+"
_CRON = re.compile(rf"^{_CRON_FIELD}(\s+{_CRON_FIELD}){{4}}$")
_LABEL = r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"
_HOSTNAME = re.compile(rf"^(?=.{{1,253}}$){_LABEL}(\.{_LABEL})*$")
_PEM_CERTIFICATE = re.compile(r"^-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+-----END CERTIFICATE-----\n$")


def _cpu_millicores(quantity: str) -> float:
    """A Kubernetes CPU quantity ("500m", "2", "1.5") in millicores."""
    match = _CPU.match(quantity)
    if not match:
        raise ValueError(f"{quantity!r} is not a CPU quantity such as 500m or 2")
    value = float(match.group(1))
    return value if match.group(3) else value * 1000


def _memory_mebibytes(quantity: str) -> int:
    """A Kubernetes memory quantity ("512Mi", "4Gi") in MiB."""
    match = _MEMORY.match(quantity)
    if not match:
        raise ValueError(f"{quantity!r} is not a memory quantity such as 512Mi or 4Gi")
    return int(match.group(1)) * (1024 if match.group(2) == "Gi" else 1)


@dataclass(frozen=True)
class ServerResources:
    """CPU and memory requests and limits of one PostgreSQL container."""

    cpu_request: str
    cpu_limit: str
    memory_request: str
    memory_limit: str

    def validate(self, field_name: str) -> None:
        """Raise ValueError naming the field when a quantity is malformed or a request exceeds its limit."""
        try:
            cpu = _cpu_millicores(self.cpu_request), _cpu_millicores(self.cpu_limit)
            memory = _memory_mebibytes(self.memory_request), _memory_mebibytes(self.memory_limit)
        except ValueError as error:
            raise ValueError(f"{field_name}: {error}") from error
        if cpu[0] > cpu[1] or memory[0] > memory[1]:
            raise ValueError(f"{field_name}: a request exceeds its limit")


@dataclass(frozen=True, kw_only=True)
class TelemetryStoreArgs:
    """Inputs of a TelemetryStore."""

    namespace: pulumi.Input[str]
    """The telemetry namespace (created, with its default-deny and DNS policies, by RegionalCluster)."""
    peer_vpc_cidr: str
    """The peer region's VPC range: the only source the replication endpoint admits."""
    ebs_csi_role_arn: pulumi.Input[str]
    """The EBS CSI driver's IAM role; the volume key lets it (and only through EC2) use the key."""
    region: str
    """This region's label in the telemetry SQL (the stack name, e.g. eu); it names its inbox on the peer."""
    peer_region: str
    """The peer region's label (its stack name): the inbox this region's exchange holds for it."""
    vpc_cidr: str
    """This region's VPC range: where the writers connect from (pg_hba.conf)."""
    telemetry: TelemetrySettings
    """The stack's validated telemetry settings, whole: the release's privacy parameters and closed
    vocabularies, the CronJob schedule, the writing services, the restore flag, the image and the volumes."""
    push_schedule: str = DEFAULT_PUSH_SCHEDULE
    """Cron schedule (UTC) of the push CronJob: fixed, so the push's timing reveals nothing of the release."""
    peer_replication_host: str | None = None
    """The peer's exchange endpoint (its stack's telemetryReplicationEndpoint), where the store pushes."""
    peer_replication_port: int = POSTGRES_PORT
    peer_ca_certificate: str | None = None
    """The peer's public CA certificate (PEM). It verifies the peer's exchange when the store pushes, and the
    peer's client certificate on this exchange; without it this region neither pushes nor receives."""
    writer_namespaces: Sequence[pulumi.Input[str]] = ()
    """Namespaces whose pods may reach the store (the writers run there; each gets the writers' Secrets and
    connection ConfigMap); nothing else outside the telemetry namespace reaches it."""
    workload_dependencies: Sequence[pulumi.Resource] = ()
    """What must exist before a pod can start: the cluster's node group and its EBS CSI add-on."""
    require_timescaledb: bool = True
    """The store Job fails rather than keep raw telemetry in a plain table (False: stock PostgreSQL only)."""
    store_resources: ServerResources = ServerResources("500m", "2", "2Gi", "2Gi")
    exchange_resources: ServerResources = ServerResources("250m", "1", "1Gi", "1Gi")
    database_name: str = "telemetry"
    exchange_database_name: str = "telemetry_exchange"
    volume_tags: Mapping[str, str] = field(default_factory=dict)
    """AWS tags for the EBS volumes, which the CSI driver creates outside Pulumi's default tags."""

    @property
    def privacy(self) -> telemetry_sql.PrivacyParameters:
        """The release's privacy parameters (validated by telemetry_sql, as the SQL validates them again)."""
        telemetry = self.telemetry
        return telemetry_sql.PrivacyParameters(
            epsilon_per_hour=Decimal(telemetry.epsilon_per_hour),
            min_subjects=telemetry.anonymisation_k,
            max_groups_per_subject=telemetry.max_groups_per_subject,
            max_events_per_group=telemetry.max_events_per_group,
            latency_bound_ms=telemetry.latency_bound_ms,
            small_group_probability=telemetry.small_group_probability,
        )

    @property
    def vocabulary(self) -> telemetry_sql.Vocabulary:
        """The closed vocabularies of the release's grouping dimensions."""
        return telemetry_sql.Vocabulary(
            services=tuple(self.telemetry.services), metrics=tuple(self.telemetry.metrics)
        )

    @property
    def writers(self) -> tuple[str, ...]:
        """The services that write raw telemetry, each with its own role and client certificate."""
        return tuple(self.telemetry.writers)

    @property
    def image_tag(self) -> str:
        """The pinned timescaledb-ha tag of both servers."""
        return self.telemetry.image_tag

    @property
    def pushes_to_peer(self) -> bool:
        """Whether the store can push: it knows where the peer's exchange is and how to verify it."""
        return self.peer_replication_host is not None and self.peer_ca_certificate is not None

    def validate(self, name: str) -> None:
        """Raise ValueError naming the first field whose value would deploy an unsafe or invalid store."""
        if len(name) > MAXIMUM_NAME_LENGTH or not _KUBERNETES_NAME.match(name):
            raise ValueError(
                f"TelemetryStore name {name!r} must be at most {MAXIMUM_NAME_LENGTH} lowercase letters, "
                "digits and hyphens, starting with a letter: it names the Kubernetes objects"
            )
        try:
            peer = ipaddress.ip_network(self.peer_vpc_cidr, strict=True)
        except ValueError as error:
            raise ValueError(f"peer_vpc_cidr {self.peer_vpc_cidr!r} is not a network in CIDR form") from error
        try:
            ipaddress.ip_network(self.vpc_cidr, strict=True)
        except ValueError as error:
            raise ValueError(f"vpc_cidr {self.vpc_cidr!r} is not a network in CIDR form") from error
        if not peer.is_private or peer.prefixlen < 8:
            raise ValueError(
                f"peer_vpc_cidr {self.peer_vpc_cidr} must be a private VPC range (/8 or longer): "
                "the replication endpoint must never admit the internet"
            )
        for size_field in ("storage_gib", "exchange_storage_gib"):
            size = getattr(self.telemetry, size_field)
            if not 1 <= size <= 16384:
                raise ValueError(f"telemetry.{size_field} is {size}; gp3 holds 1 to 16384 GiB")
        if not _IMAGE_TAG.match(self.image_tag):
            raise ValueError(
                f"telemetry.image_tag {self.image_tag!r} must pin PostgreSQL {POSTGRES_MAJOR} and a "
                f"TimescaleDB release, e.g. {DEFAULT_IMAGE_TAG}: floating tags change the database under a "
                "running store"
            )
        self.store_resources.validate("store_resources")
        self.exchange_resources.validate("exchange_resources")
        for database_field in ("database_name", "exchange_database_name"):
            if not _POSTGRES_IDENTIFIER.match(getattr(self, database_field)):
                raise ValueError(f"{database_field} must be a lowercase PostgreSQL identifier")
        if self.database_name == self.exchange_database_name:
            raise ValueError("exchange_database_name must differ from database_name")
        if CLASSIFICATION_TAG in self.volume_tags:
            raise ValueError(f"volume_tags: {CLASSIFICATION_TAG} is set by the component")
        for region_field in ("region", "peer_region"):
            try:
                telemetry_sql.validate_region(getattr(self, region_field))
            except ValueError as error:
                raise ValueError(f"{region_field}: {error}") from error
        if self.region == self.peer_region:
            raise ValueError(
                f"peer_region: {self.peer_region!r} is this region; a region cannot be its own peer"
            )
        try:
            telemetry_sql.validate_min_subjects(self.telemetry.anonymisation_k)
        except ValueError as error:
            raise ValueError(f"telemetry.anonymisation_k: {error}") from error
        try:
            self.privacy  # noqa: B018 (built to be validated)
        except (ValueError, ArithmeticError) as error:
            raise ValueError(
                f"telemetry privacy parameters (epsilon_per_hour, max_*, ...): {error}"
            ) from error
        try:
            self.vocabulary  # noqa: B018
        except ValueError as error:
            raise ValueError(f"telemetry.services / telemetry.metrics: {error}") from error
        if len(set(self.writers)) != len(self.writers):
            raise ValueError(f"telemetry.writers {list(self.writers)!r} lists a service twice")
        for service in self.writers:
            try:
                telemetry_sql.writer_role(service)
            except ValueError as error:
                raise ValueError(f"telemetry.writers: {error}") from error
        if self.writers and not self.writer_namespaces:
            raise ValueError(
                "writers are listed but writer_namespaces is empty: their certificates' Secrets and the "
                "NetworkPolicy that lets them reach the store need the namespace they run in"
            )
        if self.peer_ca_certificate is not None and not _PEM_CERTIFICATE.match(self.peer_ca_certificate):
            raise ValueError(
                "peer_ca_certificate must be one PEM CERTIFICATE block ending in a newline (the peer's "
                "telemetryCaCertificate output), never a key"
            )
        for schedule_field, schedule in (
            ("telemetry.anonymisation_schedule", self.telemetry.anonymisation_schedule),
            ("push_schedule", self.push_schedule),
        ):
            if not _CRON.fullmatch(schedule):
                raise ValueError(f"{schedule_field} {schedule!r} is not a five-field cron expression")
        if self.peer_replication_host is not None and not _HOSTNAME.fullmatch(self.peer_replication_host):
            raise ValueError(
                f"peer_replication_host {self.peer_replication_host!r} is not a lowercase DNS name"
            )
        if not 0 < self.peer_replication_port < 65536:
            raise ValueError(f"peer_replication_port {self.peer_replication_port} is not a TCP port")
