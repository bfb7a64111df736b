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
  In front of it, the component puts the telemetry SQL's rules, derived from `vpc_cidr`, `peer_vpc_cidr`
  and the database names (access.py): the writers from this VPC to the store, the replication role from the
  peer's VPC to the exchange. Rules that would admit the peer range to the store are refused at construction.
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
- The servers have no TLS certificates yet, so TLS is off inside the component (access.py,
  SERVERS_HAVE_CERTIFICATES; not an argument and not a stack setting): rules are `host`, not `hostssl`, and
  clients use `sslmode=prefer`. Cross-region traffic runs only over the private VPC peering link between the
  two VPCs; certificates (then `hostssl`, `sslmode=require`, `verify-full`) are a follow-up.

Layout: one child component per concern, parented to the TelemetryStore and each in its own module:
TelemetryServer (server.py, used twice: the store and the exchange), TelemetryNetworkPolicies
(network_policies.py) and SqlJobs (sql_jobs.py). The TelemetryStore itself holds what they share: the volume
key and StorageClass, the passwords and their Secrets, and the replication endpoint. args.py holds
TelemetryStoreArgs, access.py the pg_hba.conf and TLS decisions, common.py labels and container settings.
Every resource keeps the name and, through an alias to the TelemetryStore, the URN it had before the split.

Not verifiable offline: that the pinned image starts with a read-only root filesystem (the paths it writes
to are mounted as emptyDir volumes, found by reading its Dockerfile and entrypoint) and has psql 15 or later
on its PATH for the Jobs, the EBS CSI driver's use of the key, the load balancer controllers' handling of the
annotations, pulumi-kubernetes waiting on the Jobs, and the NetworkPolicy agent. The tests run the declared
Jobs' commands against local PostgreSQL 15 servers instead.
"""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s
import pulumi_random as random

from components.kms_key_policy import (
    administration_statement,
    key_policy_document,
    service_endpoint,
    use_through_services_statement,
)
from components.regional_key import RegionalAccount, protected_data_key
from components.telemetry_store import access
from components.telemetry_store.access import SUPERUSER, TelemetryAccess, pg_hba
from components.telemetry_store.args import (
    DEFAULT_ANONYMISATION_SCHEDULE,
    DEFAULT_IMAGE_TAG,
    POSTGRES_MAJOR,
    POSTGRES_PORT,
    ServerResources,
    TelemetryStoreArgs,
)
from components.telemetry_store.common import (
    IMAGE_REPOSITORY,
    PART_OF,
    PASSWORD_KEY,
    PostgresServer,
    metadata,
    postgres_port,
    restricted_container_security_context,
    server_labels,
)
from components.telemetry_store.network_policies import TelemetryNetworkPolicies
from components.telemetry_store.server import EXCHANGE_SETTINGS, REPLICAS, STORE_SETTINGS, TelemetryServer
from components.telemetry_store.sql_jobs import (
    ANONYMISATION_JOB,
    DATABASE_JOB,
    SCHEMA_JOB,
    SQL_FILES,
    SQL_MOUNT,
    SUBSCRIPTION_JOB,
    JobLimits,
    Passwords,
    SqlJobs,
)
from residency_facts import CLASSIFICATION_TAG, Classification

__all__ = [
    "ANONYMISATION_JOB",
    "DATABASE_JOB",
    "DEFAULT_ANONYMISATION_SCHEDULE",
    "DEFAULT_IMAGE_TAG",
    "EXCHANGE_SETTINGS",
    "IMAGE_REPOSITORY",
    "PASSWORD_KEY",
    "POSTGRES_MAJOR",
    "POSTGRES_PORT",
    "REPLICAS",
    "SCHEMA_JOB",
    "SQL_FILES",
    "SQL_MOUNT",
    "STORE_SETTINGS",
    "SUBSCRIPTION_JOB",
    "SUPERUSER",
    "JobLimits",
    "PostgresServer",
    "ServerResources",
    "SqlJobs",
    "TelemetryAccess",
    "TelemetryNetworkPolicies",
    "TelemetryServer",
    "TelemetryStore",
    "TelemetryStoreArgs",
    "pg_hba",
    "restricted_container_security_context",
]


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
        # Read here, not imported by value: the TLS decision is the component's, see access.py.
        rules = TelemetryAccess.of(args, require_tls=access.SERVERS_HAVE_CERTIFICATES)
        super().__init__("residency:components:TelemetryStore", name, None, opts)
        self._prefix = name
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

        self.store = TelemetryServer(
            self,
            name,
            args,
            "store",
            Classification.TELEMETRY,
            database_name=args.database_name,
            settings=STORE_SETTINGS,
            hba_rules=rules.store_rules,
            storage_gb=args.storage_size_gb,
            resources=args.store_resources,
            storage_class=storage_class,
            superuser_secret=store_superuser[0],
        ).server
        self.exchange = TelemetryServer(
            self,
            name,
            args,
            "exchange",
            Classification.ANONYMISED,
            database_name=args.exchange_database_name,
            settings=EXCHANGE_SETTINGS,
            hba_rules=rules.exchange_rules,
            storage_gb=args.exchange_storage_size_gb,
            resources=args.exchange_resources,
            storage_class=storage_class,
            superuser_secret=exchange_superuser[0],
        ).server
        replication_service = self._replication_endpoint(self.exchange)

        # The telemetry SQL (components/telemetry_sql): who may reach each server, then the Jobs that set the
        # servers up in order and the CronJob that publishes closed hours.
        policies = TelemetryNetworkPolicies(self, name, args, self.store, self.exchange)
        passwords = Passwords(
            store_superuser=store_superuser[0],
            exchange_superuser=exchange_superuser[0],
            writer=writer,
            publisher=publisher,
            replication=replication,
            peer_replication=peer_replication,
        )
        SqlJobs(self, name, args, rules, self.store, self.exchange, passwords, policies.by_server)

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

    def _encrypted_storage(self) -> tuple[aws.kms.Key, k8s.storage.v1.StorageClass]:
        """An in-region key for the volumes and the StorageClass that encrypts every volume with it."""
        name, args = self._prefix, self._args
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
        name = self._prefix
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
            metadata=metadata(
                self._args.namespace,
                f"{name}-{purpose}-password",
                {**PART_OF, CLASSIFICATION_TAG: Classification.INTERNAL.value},
            ),
            type="Opaque",
            string_data={PASSWORD_KEY: password},
            opts=self._child,
        )
        return secret.metadata.name, password

    def _replication_endpoint(self, exchange: PostgresServer) -> k8s.core.v1.Service:
        """An internal network load balancer in front of the exchange, admitting only the peer VPC's range."""
        labels = {
            **server_labels(self._prefix, "exchange", Classification.ANONYMISED),
            "app.kubernetes.io/component": "replication",
        }
        return k8s.core.v1.Service(
            f"{self._prefix}-replication-service",
            metadata=k8s.meta.v1.ObjectMetaArgs(
                name=f"{self._prefix}-replication",
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
                ports=[postgres_port()],
            ),
            opts=self._child,
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
