"""TelemetryStore: the region's TimescaleDB for raw telemetry, in its EKS cluster, and the exchange server
through which only anonymised telemetry replicates to the peer region.

Two PostgreSQL 15 servers from the same pinned timescaledb-ha image:
- the store (`data-classification=telemetry`) holds raw telemetry with its subject identifiers. It is
  reachable only inside the cluster, and runs without logical decoding (`wal_level` stays `replica`).
- the exchange (`data-classification=anonymised`) holds only the anonymised aggregates the store pushes to
  it, publishes them by logical replication (`wal_level=logical`) and subscribes to the peer's. It is the only
  server behind the replication endpoint: an internal network load balancer that admits only the peer VPC.
The split follows the telemetry SQL (issue 5): a role with the REPLICATION attribute can decode every change
in the database it connects to, whatever its table privileges, so the role the peer logs in with must never
exist on a server holding raw telemetry.

Decisions a deployer must know:
- One primary per server (`REPLICAS`), not a knob: the image's plain entrypoint makes every pod an
  independent server, so more replicas behind one Service would split the data; high availability needs
  Patroni (which the image supports) and is future work. Each PodDisruptionBudget therefore keeps its single
  primary from voluntary eviction: a node drain or node-group upgrade waits until an operator restarts the
  pod deliberately (planned downtime).
- Volumes are gp3 EBS encrypted with this component's own in-region key. The key is protected, and volumes
  and claims are retained when a StatefulSet or the StorageClass is deleted, so telemetry survives a mistaken
  `pulumi destroy` (it stays in the region, still encrypted).
- PostgreSQL reads its `pg_hba.conf` from a ConfigMap. The baseline rejects the peer range on both servers.
  The caller's rules (`exchange_hba_rules`) admit the replication role in front of that baseline. Rules that
  would admit the peer range to the store are refused at construction.
- NetworkPolicies (RegionalCluster leaves the namespace at deny-all but DNS) open 5432 only: the writer
  namespaces and the store's Jobs to the store; the store and the exchange's Jobs to the exchange; each Job
  to its own server; and the peer VPC range to and from the exchange pods, nothing else.
- The telemetry SQL (components/telemetry_sql) runs as Jobs of psql from the servers' own image, as each
  server's superuser, with the scripts from a ConfigMap and every password from a Secret through the
  environment. Order: create each database (after its StatefulSet is ready), the exchange's schema and
  roles, the store's schema (it names its exchange), then the subscription to the peer. A CronJob on the
  store publishes closed hours (`concurrencyPolicy: Forbid`, UTC). It runs as the superuser because the SQL
  lets nobody else run the anonymisation or use the exchange credentials it holds.
- The subscription Job exists only once `peer_replication_host` and `peer_replication_password` are known
  (the peer is deployed); until then the component logs a warning. It fails until the peer's exchange is
  reachable (peering routed, peer configured): Kubernetes retries it for 15 minutes, and a Job that still
  failed is replaced, so run again, on the next `pulumi up`. A changed script, variable or password runs the
  Jobs that use it again; every script is idempotent. The superuser passwords are set only when a server is
  first initialised, so rotating one needs a manual `ALTER ROLE` too.
- The servers have no TLS certificates yet, so `require_tls` is False in the stacks: rules are `host`, not
  `hostssl`, and clients use `sslmode=prefer`. Cross-region traffic runs only over the private VPC peering
  link between the two VPCs; certificates (then `require_tls=True`, `verify-full`) are a follow-up.

Not verifiable offline: that the pinned image starts with a read-only root filesystem (the paths it writes
to are mounted as emptyDir volumes, found by reading its Dockerfile and entrypoint) and has psql 15 or later
on its PATH for the Jobs, the EBS CSI driver's use of the key, the load balancer controllers' handling of the
annotations, pulumi-kubernetes waiting on the Jobs, and the NetworkPolicy agent. The tests run the declared
Jobs' commands against local PostgreSQL 15 servers instead.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s
import pulumi_random as random

from components import telemetry_sql
from components.kms_key_policy import (
    administration_statement,
    key_policy_document,
    service_endpoint,
    use_through_services_statement,
)
from components.regional_key import RegionalAccount, protected_data_key
from residency_facts import CLASSIFICATION_TAG, Classification

IMAGE_REPOSITORY = "docker.io/timescale/timescaledb-ha"
DEFAULT_IMAGE_TAG = "pg15.18-ts2.28.2"
"""PostgreSQL 15.18 with TimescaleDB 2.28.2: PostgreSQL 15 because the telemetry SQL (issue 5) targets 15.

Tag scheme and versions from github.com/timescale/timescaledb-docker-ha (build_scripts/versions.yaml, June
2026). Verify before a first deployment: `docker manifest inspect docker.io/timescale/timescaledb-ha:<tag>`.
"""

POSTGRES_MAJOR = "15"
POSTGRES_PORT = 5432
REPLICAS = 1
"""A single primary per server; see the module docstring."""

SUPERUSER = "postgres"
"""The image's superuser; the entrypoint initialises each server as this role."""
PASSWORD_KEY = "password"
"""The key of every password Secret this component writes."""

STORE_SETTINGS: Mapping[str, str] = {
    "listen_addresses": "*",
    "password_encryption": "scram-sha-256",
}
"""Server settings of the store beyond the image's; logical decoding stays off."""

EXCHANGE_SETTINGS: Mapping[str, str] = {
    "listen_addresses": "*",
    "password_encryption": "scram-sha-256",
    # The exchange publishes the anonymised table to the peer and subscribes to the peer's.
    "wal_level": "logical",
    "max_wal_senders": "10",
    "max_replication_slots": "10",
    # A peer that stays away must not fill the disk with retained WAL.
    "max_slot_wal_keep_size": "2GB",
}
"""Server settings of the exchange (as the telemetry SQL's EXCHANGE_SERVER_SETTINGS asks)."""

_USER_ID = 1000
"""The `postgres` user of the timescaledb-ha image."""
_DATA_MOUNT = "/home/postgres/pgdata"
_PGDATA = f"{_DATA_MOUNT}/data"
"""A subdirectory of the volume, as the image expects, so the volume's lost+found is not inside PGDATA."""
_HBA_DIRECTORY = "/etc/residency"
_HBA_FILE = f"{_HBA_DIRECTORY}/pg_hba.conf"

SQL_MOUNT = "/sql"
"""Where the SQL Jobs and the CronJob find the shipped scripts (the component's ConfigMap)."""
SQL_FILES: Mapping[str, str] = {
    "database": "database.sql",
    "exchange": "exchange.sql",
    "store": "store.sql",
    "subscription": "subscription.sql",
    "anonymise": "anonymise.sql",
}
"""The script of each Job, by purpose, as a file in the ConfigMap."""
SQL_CLIENT = "telemetry-sql"
"""The `app.kubernetes.io/name` of every Job and CronJob pod; the servers' pods are `timescaledb`."""
SQL_SERVER_LABEL = "residency/sql-server"
"""On a Job pod: the one server (store or exchange) its NetworkPolicy lets it reach."""
DEFAULT_ANONYMISATION_SCHEDULE = "20 * * * *"
"""Hourly, once the previous hour has closed and the SQL's 15-minute grace period has passed (UTC)."""


@dataclass(frozen=True)
class JobLimits:
    """How often Kubernetes retries a Job's pod and how long the Job may take before it is marked failed."""

    backoff_limit: int
    active_deadline_seconds: int

    @property
    def pulumi_timeout(self) -> str:
        """How long `pulumi up` waits for the Job: past the Job's own deadline, so Kubernetes decides."""
        return f"{self.active_deadline_seconds // 60 + 5}m"


DATABASE_JOB = JobLimits(backoff_limit=4, active_deadline_seconds=300)
SCHEMA_JOB = JobLimits(backoff_limit=4, active_deadline_seconds=600)
SUBSCRIPTION_JOB = JobLimits(backoff_limit=6, active_deadline_seconds=900)
"""Retries with Kubernetes' back-off (10 s doubling to 6 min) cover a peer exchange still starting."""
ANONYMISATION_JOB = JobLimits(backoff_limit=2, active_deadline_seconds=1800)

_KUBERNETES_NAME = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
_MAXIMUM_NAME_LENGTH = 40
"""Room for the suffixes derived from the name within Kubernetes' 63-character names and labels."""
_IMAGE_TAG = re.compile(rf"^pg{POSTGRES_MAJOR}\.\d+-ts\d+\.\d+\.\d+(-all)?(-oss)?$")
_POSTGRES_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
_HBA_RULE = re.compile(r"(local|host|hostssl|hostnossl|hostgssenc|hostnogssenc)([ \t]+[^\s#]+){2,}")
_CPU = re.compile(r"^(\d+(\.\d+)?)(m?)$")
_MEMORY = re.compile(r"^(\d+)(Mi|Gi)$")
_CRON_FIELD = r"[0-9*/,\-]+"
_CRON = re.compile(rf"^{_CRON_FIELD}(\s+{_CRON_FIELD}){{4}}$")
_LABEL = r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"
_HOSTNAME = re.compile(rf"^(?=.{{1,253}}$){_LABEL}(\.{_LABEL})*$")


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
    """This region's label in the telemetry SQL (the stack name, e.g. eu); it names the published table."""
    peer_region: str
    """The peer region's label (its stack name): the table and subscription this region receives."""
    require_tls: bool
    """Whether every SQL connection must use TLS; no default, because the servers have no certificates yet."""
    anonymisation_k: int = telemetry_sql.DEFAULT_MIN_SUBJECTS
    """k: a (hour, service) group with fewer distinct subjects is suppressed; at least the SQL's floor."""
    anonymisation_schedule: str = DEFAULT_ANONYMISATION_SCHEDULE
    """Cron schedule (UTC) of the anonymisation CronJob on the store."""
    peer_replication_host: str | None = None
    """The peer's replication endpoint (its stack's telemetryReplicationEndpoint); none: no subscription."""
    peer_replication_port: int = POSTGRES_PORT
    writer_namespaces: Sequence[pulumi.Input[str]] = ()
    """Namespaces whose pods may reach the store (as telemetry_writer); nothing else outside reaches it."""
    require_timescaledb: bool = True
    """The store Job fails rather than keep raw telemetry in a plain table (False: stock PostgreSQL only)."""
    image_tag: str = DEFAULT_IMAGE_TAG
    """A pinned timescaledb-ha tag of PostgreSQL 15 (pg15.<minor>-ts<x.y.z>), for both servers."""
    storage_size_gb: int = 100
    """The store's volume (raw telemetry)."""
    exchange_storage_size_gb: int = 20
    """The exchange's volume (anonymised aggregates of this and the peer region)."""
    store_resources: ServerResources = ServerResources("500m", "2", "2Gi", "2Gi")
    exchange_resources: ServerResources = ServerResources("250m", "1", "1Gi", "1Gi")
    database_name: str = "telemetry"
    exchange_database_name: str = "telemetry_exchange"
    store_hba_rules: Sequence[str] = ()
    """pg_hba.conf lines placed before the store's baseline (e.g. the telemetry SQL's store rules)."""
    exchange_hba_rules: Sequence[str] = ()
    """pg_hba.conf lines placed before the exchange's baseline; the peer can connect only through these."""
    peer_replication_password: pulumi.Input[str] | None = None
    """The peer region's replication password, for this region's subscription; kept in a Secret."""
    volume_tags: Mapping[str, str] = field(default_factory=dict)
    """AWS tags for the EBS volumes, which the CSI driver creates outside Pulumi's default tags."""

    def validate(self, name: str) -> None:
        """Raise ValueError naming the first field whose value would deploy an unsafe or invalid store."""
        if len(name) > _MAXIMUM_NAME_LENGTH or not _KUBERNETES_NAME.match(name):
            raise ValueError(
                f"TelemetryStore name {name!r} must be at most {_MAXIMUM_NAME_LENGTH} lowercase letters, "
                "digits and hyphens, starting with a letter: it names the Kubernetes objects"
            )
        try:
            peer = ipaddress.ip_network(self.peer_vpc_cidr, strict=True)
        except ValueError as error:
            raise ValueError(f"peer_vpc_cidr {self.peer_vpc_cidr!r} is not a network in CIDR form") from error
        if not peer.is_private or peer.prefixlen < 8:
            raise ValueError(
                f"peer_vpc_cidr {self.peer_vpc_cidr} must be a private VPC range (/8 or longer): "
                "the replication endpoint must never admit the internet"
            )
        for size_field in ("storage_size_gb", "exchange_storage_size_gb"):
            if not 1 <= getattr(self, size_field) <= 16384:
                raise ValueError(f"{size_field} is {getattr(self, size_field)}; gp3 holds 1 to 16384 GiB")
        if not _IMAGE_TAG.match(self.image_tag):
            raise ValueError(
                f"image_tag {self.image_tag!r} must pin PostgreSQL {POSTGRES_MAJOR} and a TimescaleDB "
                f"release, e.g. {DEFAULT_IMAGE_TAG}: floating tags change the database under a running store"
            )
        self.store_resources.validate("store_resources")
        self.exchange_resources.validate("exchange_resources")
        for database_field in ("database_name", "exchange_database_name"):
            if not _POSTGRES_IDENTIFIER.match(getattr(self, database_field)):
                raise ValueError(f"{database_field} must be a lowercase PostgreSQL identifier")
        if self.database_name == self.exchange_database_name:
            raise ValueError("exchange_database_name must differ from database_name")
        for rules_field in ("store_hba_rules", "exchange_hba_rules"):
            for rule in getattr(self, rules_field):
                if not _HBA_RULE.fullmatch(rule):
                    raise ValueError(f"{rules_field}: {rule!r} is not a single pg_hba.conf line")
        for rule in self.store_hba_rules:
            if _admits_from(rule, peer):
                raise ValueError(
                    f"store_hba_rules: {rule!r} admits the peer region to raw telemetry; "
                    "only the exchange may be reachable from the peer"
                )
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
            telemetry_sql.validate_min_subjects(self.anonymisation_k)
        except ValueError as error:
            raise ValueError(f"anonymisation_k: {error}") from error
        if not _CRON.fullmatch(self.anonymisation_schedule):
            raise ValueError(
                f"anonymisation_schedule {self.anonymisation_schedule!r} is not a five-field cron expression"
            )
        if self.peer_replication_host is not None and not _HOSTNAME.fullmatch(self.peer_replication_host):
            raise ValueError(
                f"peer_replication_host {self.peer_replication_host!r} is not a lowercase DNS name"
            )
        if not 0 < self.peer_replication_port < 65536:
            raise ValueError(f"peer_replication_port {self.peer_replication_port} is not a TCP port")


def _admits_from(rule: str, network: ipaddress.IPv4Network | ipaddress.IPv6Network) -> bool:
    """Whether a host rule lets clients from (part of) a network authenticate."""
    columns = rule.split()
    if columns[0] == "local" or len(columns) < 5 or columns[4] == "reject":
        return False
    address = columns[3]
    if address in ("all", "samehost", "samenet"):
        return True
    try:
        admitted = ipaddress.ip_network(address, strict=False)
    except ValueError:
        return True  # a host name could resolve into the peer range: treat it as admitting
    return admitted.version == network.version and admitted.overlaps(network)


def pg_hba(leading_rules: Sequence[str], peer_vpc_cidr: str) -> str:
    """A server's pg_hba.conf: the seam's rules first, then a baseline that rejects the peer range."""
    baseline = [
        f"local  all  {SUPERUSER}  peer",
        "local  all  all  scram-sha-256",
        f"host   all  all  {peer_vpc_cidr}  reject",
        "host   all  all  0.0.0.0/0  scram-sha-256",
        "host   all  all  ::/0  scram-sha-256",
    ]
    lines = ["# Written by the TelemetryStore component; the first matching line decides.", *leading_rules]
    return "\n".join([*lines, *baseline]) + "\n"


def restricted_container_security_context() -> k8s.core.v1.SecurityContextArgs:
    """A container security context that passes the `restricted` Pod Security Standard (also for Jobs)."""
    return k8s.core.v1.SecurityContextArgs(
        run_as_non_root=True,
        run_as_user=_USER_ID,
        run_as_group=_USER_ID,
        allow_privilege_escalation=False,
        privileged=False,
        read_only_root_filesystem=True,
        capabilities=k8s.core.v1.CapabilitiesArgs(drop=["ALL"]),
        seccomp_profile=k8s.core.v1.SeccompProfileArgs(type="RuntimeDefault"),
    )


@dataclass(frozen=True)
class PostgresServer:
    """One of the component's PostgreSQL servers, as a Job that runs SQL on it needs to know it."""

    statefulset: k8s.apps.v1.StatefulSet
    """Depend on it: pulumi-kubernetes reports it ready only once PostgreSQL answers its readiness probe."""
    host: pulumi.Output[str]
    """The in-cluster DNS name of its ClusterIP Service."""
    port: int
    database_name: str
    superuser_secret_name: pulumi.Output[str]
    """Secret with the superuser's password under PASSWORD_KEY (the user is SUPERUSER)."""
    pod_labels: Mapping[str, str]


class TelemetryStore(pulumi.ComponentResource):
    """Raw telemetry in TimescaleDB, anonymised aggregates in an exchange the peer replicates from."""

    namespace: pulumi.Output[str]
    store: PostgresServer
    exchange: PostgresServer
    writer_secret_name: pulumi.Output[str]
    publisher_secret_name: pulumi.Output[str]
    replication_secret_name: pulumi.Output[str]
    peer_replication_secret_name: pulumi.Output[str] | None
    replication_password: pulumi.Output[str]
    replication_hostname: pulumi.Output[str | None]
    storage_class_name: pulumi.Output[str]
    key_arn: pulumi.Output[str]

    def __init__(
        self, name: str, args: TelemetryStoreArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        args.validate(name)
        super().__init__("residency:components:TelemetryStore", name, None, opts)
        self._name = name
        self._args = args
        self._child = pulumi.ResourceOptions(parent=self)
        self.namespace = pulumi.Output.from_input(args.namespace)

        key, storage_class = self._encrypted_storage()

        # Credentials are generated at deploy time and kept only in Secrets (and Pulumi's encrypted state).
        store_superuser = self._password_secret("store-superuser")
        exchange_superuser = self._password_secret("exchange-superuser")
        writer = self._password_secret("writer")
        publisher = self._password_secret("publisher")
        replication = self._password_secret("replication")
        peer_replication = (
            self._password_secret("peer-replication", args.peer_replication_password)
            if args.peer_replication_password is not None
            else None
        )

        self.store = self._server(
            "store",
            Classification.TELEMETRY,
            database_name=args.database_name,
            settings=STORE_SETTINGS,
            hba_rules=args.store_hba_rules,
            storage_gb=args.storage_size_gb,
            resources=args.store_resources,
            storage_class=storage_class,
            superuser_secret=store_superuser[0],
        )
        self.exchange = self._server(
            "exchange",
            Classification.ANONYMISED,
            database_name=args.exchange_database_name,
            settings=EXCHANGE_SETTINGS,
            hba_rules=args.exchange_hba_rules,
            storage_gb=args.exchange_storage_size_gb,
            resources=args.exchange_resources,
            storage_class=storage_class,
            superuser_secret=exchange_superuser[0],
        )
        replication_service = self._replication_endpoint(self.exchange)

        # The telemetry SQL (components/telemetry_sql): who may reach each server, then the Jobs that set the
        # servers up in order and the CronJob that publishes closed hours.
        policies = self._network_policies()
        self._sql_scripts = self._sql_config_map()
        passwords = _Passwords(
            store_superuser=store_superuser[0],
            exchange_superuser=exchange_superuser[0],
            writer=writer,
            publisher=publisher,
            replication=replication,
            peer_replication=peer_replication,
        )
        self._sql_jobs(passwords, policies)

        self.writer_secret_name = writer[0]
        self.publisher_secret_name = publisher[0]
        self.replication_secret_name = replication[0]
        self.peer_replication_secret_name = peer_replication[0] if peer_replication else None
        self.replication_password = pulumi.Output.secret(replication[1])
        self.replication_hostname = replication_service.status.apply(_load_balancer_hostname)
        self.storage_class_name = storage_class.metadata.name
        self.key_arn = key.arn
        self.register_outputs(
            {
                "store_host": self.store.host,
                "exchange_host": self.exchange.host,
                "replication_hostname": self.replication_hostname,
                "storage_class_name": self.storage_class_name,
                "key_arn": self.key_arn,
                "store_superuser_secret_name": self.store.superuser_secret_name,
                "exchange_superuser_secret_name": self.exchange.superuser_secret_name,
                "writer_secret_name": self.writer_secret_name,
                "publisher_secret_name": self.publisher_secret_name,
                "replication_secret_name": self.replication_secret_name,
                "replication_password": self.replication_password,
            }
        )

    def _labels(self, server: str, classification: Classification) -> dict[str, str]:
        """Labels of a server's objects; the first three select its pods."""
        return {
            "app.kubernetes.io/name": "timescaledb",
            "app.kubernetes.io/instance": self._name,
            "app.kubernetes.io/component": server,
            "app.kubernetes.io/part-of": "telemetry-store",
            CLASSIFICATION_TAG: classification.value,
        }

    def _metadata(self, object_name: str, labels: Mapping[str, str]) -> k8s.meta.v1.ObjectMetaArgs:
        """Metadata of a namespaced object of this component."""
        return k8s.meta.v1.ObjectMetaArgs(
            name=object_name, namespace=self._args.namespace, labels=dict(labels)
        )

    def _encrypted_storage(self) -> tuple[aws.kms.Key, k8s.storage.v1.StorageClass]:
        """An in-region key for the volumes and the StorageClass that encrypts every volume with it."""
        name, args = self._name, self._args
        account = RegionalAccount.look_up(pulumi.InvokeOptions(parent=self))
        telemetry = Classification.TELEMETRY.value
        key = protected_data_key(
            f"{name}-volume-key",
            f"Telemetry volumes of {name}",
            account.key_policy(_volume_key_policy, args.ebs_csi_role_arn),
            {CLASSIFICATION_TAG: telemetry},
            self._child,
        )
        # The CSI driver tags the volumes it creates; the exchange's volume holds only anonymised data but
        # shares the class, so volumes carry the stricter classification.
        volume_tags = {**args.volume_tags, CLASSIFICATION_TAG: telemetry}
        storage_class = k8s.storage.v1.StorageClass(
            f"{name}-storage-class",
            metadata=k8s.meta.v1.ObjectMetaArgs(
                name=f"{name}-encrypted-gp3",
                labels={"app.kubernetes.io/part-of": "telemetry-store", CLASSIFICATION_TAG: telemetry},
            ),
            provisioner="ebs.csi.aws.com",
            parameters={
                "type": "gp3",
                "encrypted": "true",
                "kmsKeyId": key.arn,
                "csi.storage.k8s.io/fstype": "ext4",
                **{
                    f"tagSpecification_{index}": f"{tag}={value}"
                    for index, (tag, value) in enumerate(sorted(volume_tags.items()), start=1)
                },
            },
            reclaim_policy="Retain",
            volume_binding_mode="WaitForFirstConsumer",
            allow_volume_expansion=True,
            opts=self._child,
        )
        return key, storage_class

    def _password_secret(
        self, purpose: str, given: pulumi.Input[str] | None = None
    ) -> tuple[pulumi.Output[str], pulumi.Output[str]]:
        """A Secret holding a password (generated unless given); returns its name and the password."""
        name = self._name
        if given is None:
            password = random.RandomPassword(
                f"{name}-{purpose}-password",
                length=32,
                special=False,  # keeps connection strings free of characters that need quoting
                min_lower=4,
                min_upper=4,
                min_numeric=4,
                opts=self._child,
            ).result
        else:
            password = pulumi.Output.secret(given)
        secret = k8s.core.v1.Secret(
            f"{name}-{purpose}-password",
            metadata=self._metadata(
                f"{name}-{purpose}-password",
                {
                    "app.kubernetes.io/part-of": "telemetry-store",
                    CLASSIFICATION_TAG: Classification.INTERNAL.value,
                },
            ),
            type="Opaque",
            string_data={PASSWORD_KEY: password},
            opts=self._child,
        )
        return secret.metadata.name, password

    def _server(
        self,
        server: str,
        classification: Classification,
        *,
        database_name: str,
        settings: Mapping[str, str],
        hba_rules: Sequence[str],
        storage_gb: int,
        resources: ServerResources,
        storage_class: k8s.storage.v1.StorageClass,
        superuser_secret: pulumi.Output[str],
    ) -> PostgresServer:
        """A single-primary PostgreSQL StatefulSet with its volume, pg_hba.conf, Services and PDB."""
        object_name = f"{self._name}-{server}"
        labels = self._labels(server, classification)
        selector = {key: labels[key] for key in list(labels)[:3]}
        hba = pg_hba(hba_rules, self._args.peer_vpc_cidr)
        hba_config = k8s.core.v1.ConfigMap(
            f"{object_name}-pg-hba",
            metadata=self._metadata(f"{object_name}-pg-hba", labels),
            data={"pg_hba.conf": hba},
            opts=self._child,
        )
        headless = k8s.core.v1.Service(
            f"{object_name}-headless-service",
            metadata=self._metadata(f"{object_name}-headless", labels),
            spec=k8s.core.v1.ServiceSpecArgs(cluster_ip="None", selector=selector, ports=[_postgres_port()]),
            opts=self._child,
        )
        statefulset = k8s.apps.v1.StatefulSet(
            f"{object_name}-statefulset",
            metadata=self._metadata(object_name, labels),
            spec=k8s.apps.v1.StatefulSetSpecArgs(
                service_name=headless.metadata.name,
                replicas=REPLICAS,
                selector=k8s.meta.v1.LabelSelectorArgs(match_labels=selector),
                persistent_volume_claim_retention_policy=k8s.apps.v1.StatefulSetPersistentVolumeClaimRetentionPolicyArgs(
                    when_deleted="Retain", when_scaled="Retain"
                ),
                template=k8s.core.v1.PodTemplateSpecArgs(
                    metadata=k8s.meta.v1.ObjectMetaArgs(
                        labels=labels,
                        # A changed pg_hba.conf takes effect by rolling the pod.
                        annotations={"residency/pg-hba-sha256": hashlib.sha256(hba.encode()).hexdigest()},
                    ),
                    spec=_pod_spec(
                        image_tag=self._args.image_tag,
                        database_name=database_name,
                        settings=settings,
                        resources=resources,
                        superuser_secret=superuser_secret,
                        hba_config=hba_config.metadata.name,
                    ),
                ),
                volume_claim_templates=[
                    k8s.core.v1.PersistentVolumeClaimArgs(
                        metadata=k8s.meta.v1.ObjectMetaArgs(name="data", labels=labels),
                        spec=k8s.core.v1.PersistentVolumeClaimSpecArgs(
                            access_modes=["ReadWriteOnce"],
                            storage_class_name=storage_class.metadata.name,
                            resources=k8s.core.v1.VolumeResourceRequirementsArgs(
                                requests={"storage": f"{storage_gb}Gi"}
                            ),
                        ),
                    )
                ],
            ),
            opts=self._child,
        )
        # Keeps the single primary from voluntary eviction; see the module docstring.
        k8s.policy.v1.PodDisruptionBudget(
            f"{object_name}-disruption-budget",
            metadata=self._metadata(object_name, labels),
            spec=k8s.policy.v1.PodDisruptionBudgetSpecArgs(
                min_available=REPLICAS, selector=k8s.meta.v1.LabelSelectorArgs(match_labels=selector)
            ),
            opts=self._child,
        )
        service = k8s.core.v1.Service(
            f"{object_name}-service",
            metadata=self._metadata(object_name, labels),
            spec=k8s.core.v1.ServiceSpecArgs(type="ClusterIP", selector=selector, ports=[_postgres_port()]),
            opts=self._child,
        )
        return PostgresServer(
            statefulset=statefulset,
            host=pulumi.Output.concat(service.metadata.name, ".", self.namespace, ".svc.cluster.local"),
            port=POSTGRES_PORT,
            database_name=database_name,
            superuser_secret_name=superuser_secret,
            pod_labels=selector,
        )

    def _replication_endpoint(self, exchange: PostgresServer) -> k8s.core.v1.Service:
        """An internal network load balancer in front of the exchange, admitting only the peer VPC's range."""
        labels = {
            **self._labels("exchange", Classification.ANONYMISED),
            "app.kubernetes.io/component": "replication",
        }
        return k8s.core.v1.Service(
            f"{self._name}-replication-service",
            metadata=k8s.meta.v1.ObjectMetaArgs(
                name=f"{self._name}-replication",
                namespace=self._args.namespace,
                labels=labels,
                annotations={
                    # Both controllers are told: the in-tree one reads `internal`, the AWS Load Balancer
                    # Controller reads `scheme`. Neither may ever create an internet-facing balancer.
                    "service.beta.kubernetes.io/aws-load-balancer-type": "nlb",
                    "service.beta.kubernetes.io/aws-load-balancer-internal": "true",
                    "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
                    # Instance targets with the Local traffic policy keep the client's address, so the
                    # NetworkPolicy and pg_hba.conf can recognise the peer range.
                    "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "instance",
                },
            ),
            spec=k8s.core.v1.ServiceSpecArgs(
                type="LoadBalancer",
                load_balancer_source_ranges=[self._args.peer_vpc_cidr],
                external_traffic_policy="Local",
                selector=dict(exchange.pod_labels),
                ports=[_postgres_port()],
            ),
            opts=self._child,
        )

    def _sql_client_labels(self, server: str, purpose: str) -> dict[str, str]:
        """Labels of a Job's pods: the selector of the server's SQL clients, plus what the Job is for."""
        return {
            **self._sql_clients_of(server),
            "app.kubernetes.io/component": purpose,
            "app.kubernetes.io/part-of": "telemetry-store",
        }

    def _sql_clients_of(self, server: str) -> dict[str, str]:
        """The selector of every Job pod that runs SQL on one server."""
        return {
            "app.kubernetes.io/name": SQL_CLIENT,
            "app.kubernetes.io/instance": self._name,
            SQL_SERVER_LABEL: server,
        }

    def _network_policies(self) -> dict[str, list[k8s.networking.v1.NetworkPolicy]]:
        """Who reaches each server, on 5432 only; the peer region reaches the exchange pods and nothing else.

        RegionalCluster denies everything but DNS in the namespace; these policies open exactly the paths the
        servers, their Jobs and the peer need. Returned by the server whose Jobs must wait for them.
        """
        args = self._args
        store_pods, exchange_pods = dict(self.store.pod_labels), dict(self.exchange.pod_labels)
        store_clients, exchange_clients = self._sql_clients_of("store"), self._sql_clients_of("exchange")
        postgres = [k8s.networking.v1.NetworkPolicyPortArgs(protocol="TCP", port=POSTGRES_PORT)]

        def pods(labels: Mapping[str, str]) -> k8s.networking.v1.NetworkPolicyPeerArgs:
            return k8s.networking.v1.NetworkPolicyPeerArgs(
                pod_selector=k8s.meta.v1.LabelSelectorArgs(match_labels=dict(labels))
            )

        def namespace(name: pulumi.Input[str]) -> k8s.networking.v1.NetworkPolicyPeerArgs:
            return k8s.networking.v1.NetworkPolicyPeerArgs(
                namespace_selector=k8s.meta.v1.LabelSelectorArgs(
                    match_labels={"kubernetes.io/metadata.name": name}
                )
            )

        peer_region = k8s.networking.v1.NetworkPolicyPeerArgs(
            ip_block=k8s.networking.v1.IPBlockArgs(cidr=args.peer_vpc_cidr)
        )

        def ingress(
            *sources: k8s.networking.v1.NetworkPolicyPeerArgs,
        ) -> k8s.networking.v1.NetworkPolicyIngressRuleArgs:
            return k8s.networking.v1.NetworkPolicyIngressRuleArgs(from_=list(sources), ports=postgres)

        def egress(
            *targets: k8s.networking.v1.NetworkPolicyPeerArgs,
        ) -> k8s.networking.v1.NetworkPolicyEgressRuleArgs:
            return k8s.networking.v1.NetworkPolicyEgressRuleArgs(to=list(targets), ports=postgres)

        store = [
            # Services write raw telemetry, the store's Jobs migrate it, and it pushes only to its exchange.
            self._network_policy(
                "store",
                store_pods,
                ingress=[ingress(*(namespace(name) for name in args.writer_namespaces), pods(store_clients))],
                egress=[egress(pods(exchange_pods))],
            ),
            self._network_policy("store-sql-jobs", store_clients, egress=[egress(pods(store_pods))]),
        ]
        exchange = [
            self._network_policy(
                "exchange", exchange_pods, ingress=[ingress(pods(store_pods), pods(exchange_clients))]
            ),
            self._network_policy("exchange-sql-jobs", exchange_clients, egress=[egress(pods(exchange_pods))]),
        ]
        # The only cross-region path: the peer's subscription in, this exchange's subscription out.
        peer = [
            self._network_policy(
                "exchange-peer", exchange_pods, ingress=[ingress(peer_region)], egress=[egress(peer_region)]
            )
        ]
        return {"store": store, "exchange": exchange, "peer": peer}

    def _network_policy(
        self,
        purpose: str,
        selected: Mapping[str, str],
        ingress: list[k8s.networking.v1.NetworkPolicyIngressRuleArgs] | None = None,
        egress: list[k8s.networking.v1.NetworkPolicyEgressRuleArgs] | None = None,
    ) -> k8s.networking.v1.NetworkPolicy:
        """A NetworkPolicy for the pods with these labels, adding to the namespace's default deny."""
        object_name = f"{self._name}-{purpose}"
        types = (["Ingress"] if ingress else []) + (["Egress"] if egress else [])
        return k8s.networking.v1.NetworkPolicy(
            f"{object_name}-network-policy",
            metadata=self._metadata(object_name, {"app.kubernetes.io/part-of": "telemetry-store"}),
            spec=k8s.networking.v1.NetworkPolicySpecArgs(
                pod_selector=k8s.meta.v1.LabelSelectorArgs(match_labels=dict(selected)),
                policy_types=types,
                ingress=ingress,
                egress=egress,
            ),
            opts=self._child,
        )

    def _sql_config_map(self) -> k8s.core.v1.ConfigMap:
        """The telemetry SQL's scripts, read from the package now and mounted into every Job."""
        scripts = {
            SQL_FILES["database"]: telemetry_sql.database_script(),
            SQL_FILES["exchange"]: telemetry_sql.exchange_job_script(),
            SQL_FILES["store"]: telemetry_sql.store_job_script(),
            SQL_FILES["subscription"]: telemetry_sql.subscription_script(),
            SQL_FILES["anonymise"]: telemetry_sql.anonymise_statement(self._args.anonymisation_k) + "\n",
        }
        self._script_digests = {
            file: hashlib.sha256(text.encode()).hexdigest() for file, text in scripts.items()
        }
        # Scripts only: every password reaches psql as an environment variable filled from a Secret.
        return k8s.core.v1.ConfigMap(
            f"{self._name}-sql",
            metadata=self._metadata(
                f"{self._name}-sql",
                {
                    "app.kubernetes.io/part-of": "telemetry-store",
                    CLASSIFICATION_TAG: Classification.INTERNAL.value,
                },
            ),
            data=scripts,
            opts=self._child,
        )

    def _sql_jobs(
        self, passwords: _Passwords, policies: Mapping[str, list[k8s.networking.v1.NetworkPolicy]]
    ) -> None:
        """The Jobs in order (databases, exchange, store, subscription) and the anonymisation CronJob."""
        args = self._args
        sslmode = self._sslmode()
        databases = {}
        for server_name, server in (("store", self.store), ("exchange", self.exchange)):
            databases[server_name] = self._sql_job(
                f"{server_name}-database",
                server_name,
                server,
                "postgres",  # CREATE DATABASE runs in the maintenance database
                SQL_FILES["database"],
                {"database": server.database_name},
                {},
                DATABASE_JOB,
                depends_on=[server.statefulset, *policies[server_name]],
            )
        exchange = self._sql_job(
            "exchange-schema",
            "exchange",
            self.exchange,
            self.exchange.database_name,
            SQL_FILES["exchange"],
            telemetry_sql.exchange_variables(args.region, [args.peer_region]),
            {
                telemetry_sql.REPLICATION_PASSWORD_ENV: passwords.replication[0],
                telemetry_sql.PUBLISHER_PASSWORD_ENV: passwords.publisher[0],
            },
            SCHEMA_JOB,
            depends_on=[databases["exchange"]],
            rotated_with=[passwords.replication[1], passwords.publisher[1]],
        )
        # The store's configuration names its exchange, where the anonymisation step pushes.
        store_variables = self.exchange.host.apply(
            lambda host: telemetry_sql.store_variables(
                args.region,
                host,
                self.exchange.port,
                self.exchange.database_name,
                sslmode,
                args.require_timescaledb,
            )
        )
        store = self._sql_job(
            "store-schema",
            "store",
            self.store,
            self.store.database_name,
            SQL_FILES["store"],
            store_variables,
            {
                telemetry_sql.PUBLISHER_PASSWORD_ENV: passwords.publisher[0],
                telemetry_sql.WRITER_PASSWORD_ENV: passwords.writer[0],
            },
            SCHEMA_JOB,
            depends_on=[databases["store"], exchange],
            rotated_with=[passwords.publisher[1], passwords.writer[1]],
        )
        missing = [
            field_name
            for field_name, value in (
                ("peer_replication_host", args.peer_replication_host),
                ("peer_replication_password", passwords.peer_replication),
            )
            if value is None
        ]
        if missing:
            pulumi.log.warn(
                f"TelemetryStore {self._name}: no subscription to region {args.peer_region}: "
                f"{' and '.join(missing)} not set. This region receives no anonymised telemetry from "
                f"{args.peer_region} until both are set and `pulumi up` runs again.",
                resource=self,
            )
        else:
            assert args.peer_replication_host is not None and passwords.peer_replication is not None
            self._sql_job(
                "subscription",
                "exchange",
                self.exchange,
                self.exchange.database_name,
                SQL_FILES["subscription"],
                telemetry_sql.subscription_variables(
                    args.peer_region,
                    args.peer_replication_host,
                    args.peer_replication_port,
                    self.exchange.database_name,  # the peer runs the same program
                    sslmode,
                ),
                {telemetry_sql.PEER_REPLICATION_PASSWORD_ENV: passwords.peer_replication[0]},
                SUBSCRIPTION_JOB,
                depends_on=[exchange, *policies["peer"]],
                rotated_with=[passwords.peer_replication[1]],
            )
        self._anonymisation_cron_job(depends_on=[store, *policies["store"]])

    def _sslmode(self) -> str:
        """libpq's sslmode for every SQL connection: `prefer` uses TLS once a server offers it."""
        return "require" if self._args.require_tls else "prefer"

    def _sql_pod_template(
        self,
        purpose: str,
        server_name: str,
        server: PostgresServer,
        database: str,
        script: str,
        variables: pulumi.Input[Mapping[str, str]],
        secrets: Mapping[str, pulumi.Input[str]],
    ) -> k8s.core.v1.PodTemplateSpecArgs:
        """A pod that runs one shipped script with psql as the server's superuser, then exits."""
        arguments = pulumi.Output.from_input(variables).apply(
            lambda values: telemetry_sql.psql_arguments(f"{SQL_MOUNT}/{script}", values)
        )
        environment = [
            k8s.core.v1.EnvVarArgs(name="PGHOST", value=server.host),
            k8s.core.v1.EnvVarArgs(name="PGPORT", value=str(server.port)),
            k8s.core.v1.EnvVarArgs(name="PGDATABASE", value=database),
            k8s.core.v1.EnvVarArgs(name="PGUSER", value=SUPERUSER),
            k8s.core.v1.EnvVarArgs(name="PGSSLMODE", value=self._sslmode()),
            k8s.core.v1.EnvVarArgs(name="PGCONNECT_TIMEOUT", value="10"),
            k8s.core.v1.EnvVarArgs(name="PGAPPNAME", value=f"{self._name}-{purpose}"),
            _from_secret("PGPASSWORD", server.superuser_secret_name),
            *(_from_secret(variable, secret) for variable, secret in secrets.items()),
        ]
        return k8s.core.v1.PodTemplateSpecArgs(
            metadata=k8s.meta.v1.ObjectMetaArgs(
                labels=self._sql_client_labels(server_name, purpose),
                # A changed script changes the template, so the Job runs again.
                annotations={"residency/sql-sha256": self._script_digests[script]},
            ),
            spec=_sql_pod_spec(self._args.image_tag, arguments, environment, self._sql_scripts.metadata.name),
        )

    def _sql_job(
        self,
        purpose: str,
        server_name: str,
        server: PostgresServer,
        database: str,
        script: str,
        variables: pulumi.Input[Mapping[str, str]],
        secrets: Mapping[str, pulumi.Input[str]],
        limits: JobLimits,
        *,
        depends_on: Sequence[pulumi.Resource],
        rotated_with: Sequence[pulumi.Output[str]] = (),
    ) -> k8s.batch.v1.Job:
        """A Job that runs one script once; pulumi-kubernetes waits for it to complete before dependents."""
        object_name = f"{self._name}-{purpose}"
        return k8s.batch.v1.Job(
            f"{object_name}-job",
            metadata=k8s.meta.v1.ObjectMetaArgs(
                name=object_name,
                namespace=self._args.namespace,
                labels=self._sql_client_labels(server_name, purpose),
                # A Job that failed (say, the peer was not up yet) is replaced, so run again, on the next
                # `pulumi up` instead of being waited for forever.
                annotations={"pulumi.com/replaceUnready": "true"},
            ),
            spec=k8s.batch.v1.JobSpecArgs(
                backoff_limit=limits.backoff_limit,
                active_deadline_seconds=limits.active_deadline_seconds,
                template=self._sql_pod_template(
                    purpose, server_name, server, database, script, variables, secrets
                ),
            ),
            opts=pulumi.ResourceOptions(
                parent=self,
                depends_on=list(depends_on),
                # The Job's name is fixed and its template immutable: a changed Job is deleted, then created.
                delete_before_replace=True,
                custom_timeouts=pulumi.CustomTimeouts(
                    create=limits.pulumi_timeout, update=limits.pulumi_timeout
                ),
                # A rotated password runs the Job again, so the server learns it; kept secret in the state.
                replacement_trigger=pulumi.Output.secret(pulumi.Output.all(*rotated_with))
                if rotated_with
                else None,
            ),
        )

    def _anonymisation_cron_job(self, depends_on: Sequence[pulumi.Resource]) -> k8s.batch.v1.CronJob:
        """Publishes each closed, unpublished hour to the exchange, k-suppressed, as the store's superuser."""
        object_name = f"{self._name}-anonymise"
        limits = ANONYMISATION_JOB
        labels = self._sql_client_labels("store", "anonymise")
        return k8s.batch.v1.CronJob(
            f"{object_name}-cron-job",
            metadata=self._metadata(object_name, labels),
            spec=k8s.batch.v1.CronJobSpecArgs(
                schedule=self._args.anonymisation_schedule,
                time_zone="Etc/UTC",  # the hours it publishes are UTC hours
                # A run still going when the next is due finishes first; the SQL takes a lock as well.
                concurrency_policy="Forbid",
                starting_deadline_seconds=600,
                successful_jobs_history_limit=3,
                failed_jobs_history_limit=3,
                job_template=k8s.batch.v1.JobTemplateSpecArgs(
                    metadata=k8s.meta.v1.ObjectMetaArgs(labels=labels),
                    spec=k8s.batch.v1.JobSpecArgs(
                        backoff_limit=limits.backoff_limit,
                        active_deadline_seconds=limits.active_deadline_seconds,
                        template=self._sql_pod_template(
                            "anonymise",
                            "store",
                            self.store,
                            self.store.database_name,
                            SQL_FILES["anonymise"],
                            {},
                            {},
                        ),
                    ),
                ),
            ),
            opts=pulumi.ResourceOptions(parent=self, depends_on=list(depends_on)),
        )


def _pod_spec(
    *,
    image_tag: str,
    database_name: str,
    settings: Mapping[str, str],
    resources: ServerResources,
    superuser_secret: pulumi.Input[str],
    hba_config: pulumi.Input[str],
) -> k8s.core.v1.PodSpecArgs:
    """A PostgreSQL pod: non-root, read-only root filesystem, superuser password from a Secret."""
    ready = _pg_isready(database_name)
    server_arguments = [
        argument
        for key, value in {**settings, "hba_file": _HBA_FILE}.items()
        for argument in ("-c", f"{key}={value}")
    ]
    return k8s.core.v1.PodSpecArgs(
        automount_service_account_token=False,  # PostgreSQL never calls the Kubernetes API
        enable_service_links=False,
        termination_grace_period_seconds=120,
        security_context=k8s.core.v1.PodSecurityContextArgs(
            run_as_non_root=True,
            run_as_user=_USER_ID,
            run_as_group=_USER_ID,
            fs_group=_USER_ID,
            fs_group_change_policy="OnRootMismatch",
            seccomp_profile=k8s.core.v1.SeccompProfileArgs(type="RuntimeDefault"),
        ),
        containers=[
            k8s.core.v1.ContainerArgs(
                name="postgres",
                image=f"{IMAGE_REPOSITORY}:{image_tag}",
                command=["/docker-entrypoint.sh"],
                args=["postgres", *server_arguments],
                ports=[k8s.core.v1.ContainerPortArgs(name="postgresql", container_port=POSTGRES_PORT)],
                env=[
                    k8s.core.v1.EnvVarArgs(name="PGDATA", value=_PGDATA),
                    k8s.core.v1.EnvVarArgs(name="POSTGRES_USER", value=SUPERUSER),
                    k8s.core.v1.EnvVarArgs(name="POSTGRES_DB", value=database_name),
                    k8s.core.v1.EnvVarArgs(name="POSTGRES_INITDB_ARGS", value="--data-checksums"),
                    k8s.core.v1.EnvVarArgs(
                        name="POSTGRES_PASSWORD",
                        value_from=k8s.core.v1.EnvVarSourceArgs(
                            secret_key_ref=k8s.core.v1.SecretKeySelectorArgs(
                                name=superuser_secret, key=PASSWORD_KEY
                            )
                        ),
                    ),
                ],
                resources=k8s.core.v1.ResourceRequirementsArgs(
                    requests={"cpu": resources.cpu_request, "memory": resources.memory_request},
                    limits={"cpu": resources.cpu_limit, "memory": resources.memory_limit},
                ),
                # Generous: the first start runs initdb and the image's tuning; a restart may replay WAL.
                startup_probe=k8s.core.v1.ProbeArgs(
                    exec_=ready, period_seconds=10, timeout_seconds=5, failure_threshold=90
                ),
                readiness_probe=k8s.core.v1.ProbeArgs(
                    exec_=ready, period_seconds=10, timeout_seconds=5, failure_threshold=3
                ),
                liveness_probe=k8s.core.v1.ProbeArgs(
                    exec_=ready, period_seconds=20, timeout_seconds=5, failure_threshold=6
                ),
                security_context=restricted_container_security_context(),
                volume_mounts=[
                    k8s.core.v1.VolumeMountArgs(name="data", mount_path=_DATA_MOUNT),
                    k8s.core.v1.VolumeMountArgs(name="pg-hba", mount_path=_HBA_DIRECTORY, read_only=True),
                    # The only other paths the entrypoint and the server write to.
                    k8s.core.v1.VolumeMountArgs(name="run", mount_path="/var/run/postgresql"),
                    k8s.core.v1.VolumeMountArgs(name="tmp", mount_path="/tmp"),
                    k8s.core.v1.VolumeMountArgs(name="shm", mount_path="/dev/shm"),
                ],
            )
        ],
        volumes=[
            k8s.core.v1.VolumeArgs(
                name="pg-hba", config_map=k8s.core.v1.ConfigMapVolumeSourceArgs(name=hba_config)
            ),
            k8s.core.v1.VolumeArgs(name="run", empty_dir=k8s.core.v1.EmptyDirVolumeSourceArgs()),
            k8s.core.v1.VolumeArgs(name="tmp", empty_dir=k8s.core.v1.EmptyDirVolumeSourceArgs()),
            # PostgreSQL's parallel queries use POSIX shared memory; the container default is 64 MiB.
            k8s.core.v1.VolumeArgs(
                name="shm", empty_dir=k8s.core.v1.EmptyDirVolumeSourceArgs(medium="Memory", size_limit="1Gi")
            ),
        ],
    )


def _postgres_port() -> k8s.core.v1.ServicePortArgs:
    """PostgreSQL's port on every Service of the component."""
    return k8s.core.v1.ServicePortArgs(
        name="postgresql", port=POSTGRES_PORT, target_port="postgresql", protocol="TCP"
    )


@dataclass(frozen=True)
class _Passwords:
    """The Secrets (and values) the SQL Jobs read; values only to run a Job again when one rotates."""

    store_superuser: pulumi.Output[str]
    exchange_superuser: pulumi.Output[str]
    writer: tuple[pulumi.Output[str], pulumi.Output[str]]
    publisher: tuple[pulumi.Output[str], pulumi.Output[str]]
    replication: tuple[pulumi.Output[str], pulumi.Output[str]]
    peer_replication: tuple[pulumi.Output[str], pulumi.Output[str]] | None


def _from_secret(variable: str, secret_name: pulumi.Input[str]) -> k8s.core.v1.EnvVarArgs:
    """An environment variable filled by Kubernetes from a password Secret, never a literal."""
    return k8s.core.v1.EnvVarArgs(
        name=variable,
        value_from=k8s.core.v1.EnvVarSourceArgs(
            secret_key_ref=k8s.core.v1.SecretKeySelectorArgs(name=secret_name, key=PASSWORD_KEY)
        ),
    )


def _sql_pod_spec(
    image_tag: str,
    arguments: pulumi.Input[Sequence[str]],
    environment: Sequence[k8s.core.v1.EnvVarArgs],
    scripts_config_map: pulumi.Input[str],
) -> k8s.core.v1.PodSpecArgs:
    """psql from the servers' own image: non-root, read-only root filesystem, scripts mounted read-only."""
    return k8s.core.v1.PodSpecArgs(
        restart_policy="Never",  # the Job makes a new pod per retry, and failed pods keep their logs
        automount_service_account_token=False,
        enable_service_links=False,
        security_context=k8s.core.v1.PodSecurityContextArgs(
            run_as_non_root=True,
            run_as_user=_USER_ID,
            run_as_group=_USER_ID,
            seccomp_profile=k8s.core.v1.SeccompProfileArgs(type="RuntimeDefault"),
        ),
        containers=[
            k8s.core.v1.ContainerArgs(
                name="psql",
                image=f"{IMAGE_REPOSITORY}:{image_tag}",
                command=["psql"],
                args=arguments,
                env=list(environment),
                resources=k8s.core.v1.ResourceRequirementsArgs(
                    requests={"cpu": "50m", "memory": "64Mi"}, limits={"cpu": "500m", "memory": "256Mi"}
                ),
                security_context=restricted_container_security_context(),
                volume_mounts=[
                    k8s.core.v1.VolumeMountArgs(name="sql", mount_path=SQL_MOUNT, read_only=True),
                    k8s.core.v1.VolumeMountArgs(name="tmp", mount_path="/tmp"),
                ],
            )
        ],
        volumes=[
            k8s.core.v1.VolumeArgs(
                name="sql", config_map=k8s.core.v1.ConfigMapVolumeSourceArgs(name=scripts_config_map)
            ),
            k8s.core.v1.VolumeArgs(name="tmp", empty_dir=k8s.core.v1.EmptyDirVolumeSourceArgs()),
        ],
    )


def _pg_isready(database_name: str) -> k8s.core.v1.ExecActionArgs:
    """A probe that asks the server over TCP whether it accepts connections (no login needed)."""
    return k8s.core.v1.ExecActionArgs(
        command=[
            "pg_isready",
            "--host=127.0.0.1",
            f"--port={POSTGRES_PORT}",
            f"--dbname={database_name}",
            f"--username={SUPERUSER}",
            "--timeout=3",
        ]
    )


def _load_balancer_hostname(status: k8s.core.v1.outputs.ServiceStatus | None) -> str | None:
    """The DNS name the load balancer controller published, once it has."""
    ingress: Sequence[k8s.core.v1.outputs.LoadBalancerIngress] = []
    if status is not None and status.load_balancer is not None:
        ingress = status.load_balancer.ingress or []
    return (ingress[0].hostname or ingress[0].ip) if ingress else None


def _volume_key_policy(
    partition: str, dns_suffix: str, region: str, account_id: str, ebs_csi_role_arn: str
) -> str:
    """Key policy: the account administers; the EBS CSI driver role uses it only through EC2 in the region."""
    return key_policy_document(
        [
            administration_statement(partition, account_id),
            use_through_services_statement(
                "EbsCsiDriverUsesKeyThroughEc2InRegion",
                ebs_csi_role_arn,
                [service_endpoint("ec2", region, dns_suffix)],
            ),
        ]
    )
