"""TelemetryStore: the region's TimescaleDB for raw telemetry, in its EKS cluster, and the exchange server
that is the peer region's inbox for its differentially private hourly release.

Two PostgreSQL 15 servers from the same pinned timescaledb-ha image:
- the store (`data-classification=telemetry`) holds raw telemetry with its subject identifiers. It is
  reachable only inside the cluster. Its CronJob releases each closed hour once (contributions bounded,
  discrete Laplace noise, a noisy threshold over the closed vocabularies), records the release in a ledger on
  the store, and the store pushes exactly those rows into the peer's inbox.
- the exchange (`data-classification=anonymised`) holds only the peer's releases: one inbox table, into which
  the peer's role `telemetry_inbox_<peer>` may only INSERT. It is the only server behind the replication
  endpoint: an internal network load balancer that admits only the peer VPC. Nothing replicates: no
  publication, subscription, slot or walsender (`max_wal_senders = 0`), since a REPLICATION role could read
  every change of a server whatever its grants (components/telemetry_sql/README.md).

Decisions a deployer must know:
- TLS everywhere, verified, no shared secret across stacks (certificates.py): a CA per region (its key only
  in this stack's encrypted state), a server certificate per server, and the client certificate the store
  pushes with. Both servers run `ssl=on`, TLS 1.3; pg_hba.conf refuses every TCP connection without TLS
  first (`hostssl` only); every client (the Jobs, the CronJobs, the push, the writers through their
  `writer_conninfos`) uses `sslmode=verify-full` against the CA. Each writing service logs in as its own role
  with a client certificate the CA issued it (no shared writer password). The peer logs in to the exchange
  only by a client certificate from the peer's CA (`peer_ca_certificate`, the one thing copied between
  stacks). Until that certificate is set the exchange admits no peer, and until the peer's endpoint is set
  too the store does not push (the component logs a warning; released hours wait in the ledger and are
  pushed, with the same values, once both are set).
- One primary per server (`REPLICAS`), not a knob: the image's plain entrypoint makes every pod an
  independent server, so more replicas behind one Service would split the data; high availability needs
  Patroni (which the image supports) and is future work. Each PodDisruptionBudget allows its single pod to be
  evicted (`maxUnavailable: 1`), so node-group upgrades drain: the server is briefly down while its pod moves
  (README, "Node-group upgrades").
- Workloads wait for the node group and the EBS CSI add-on (`workload_dependencies`), with timeouts sized for
  a first start (image pull, initdb).
- Volumes are gp3 EBS encrypted with this component's own in-region key. The key is protected, and volumes
  and claims are retained when a StatefulSet or the StorageClass is deleted, so telemetry survives a mistaken
  `pulumi destroy` (it stays in the region, still encrypted).
- PostgreSQL reads its `pg_hba.conf` from a ConfigMap (access.py): the telemetry SQL's rules first, then a
  baseline that rejects the peer range on both servers; rules that would admit the peer range to the store,
  or anyone without TLS, are refused at construction.
- NetworkPolicies (RegionalCluster leaves the namespace at deny-all but DNS) open 5432 only: the writer
  namespaces and the store's Jobs to the store; the exchange's Jobs to the exchange; the store out to the
  peer VPC (its push); the peer VPC in to the exchange pods, nothing else.
- The telemetry SQL (components/telemetry_sql) runs as Jobs of psql from the servers' own image, as each
  server's superuser, with the scripts from a ConfigMap and every password from a Secret through the
  environment. Order: create each database (after its StatefulSet is ready), the exchange's schema and the
  peer's inbox, the store's schema, then the peer link on the store. A changed script, variable or password
  runs the Jobs that use it again; every script is idempotent. The superuser passwords are set only when a
  server is first initialised, so rotating one needs a manual `ALTER ROLE` too.

Layout: one child component per concern, parented to the TelemetryStore and each in its own module:
TelemetryCertificates (certificates.py), TelemetryServer (server.py, used twice: the store and the exchange),
TelemetryNetworkPolicies (network_policies.py) and SqlJobs (sql_jobs.py). The TelemetryStore itself holds
what they share: the volume key and StorageClass, the passwords and their Secrets, the replication endpoint
and the writers' connection ConfigMaps. args.py holds TelemetryStoreArgs, access.py the pg_hba.conf rules,
common.py labels and container settings. Every resource that existed before the split keeps the name and,
through an alias to the TelemetryStore, the URN it had.

Not verifiable offline: that the pinned image starts with a read-only root filesystem (the paths it writes
to are mounted as emptyDir volumes, found by reading its Dockerfile and entrypoint) and has psql 15 or later
on its PATH for the Jobs, the certificates pulumi-tls issues (the tests issue equivalent ones with the
`cryptography` package), the kubelet's file modes on the Secret volume, the EBS CSI driver's use of the key,
the load balancer controllers' handling of the annotations and the NLB's host name, pulumi-kubernetes waiting
on the Jobs, and the NetworkPolicy agent. The tests run the declared Jobs' commands and servers against local
PostgreSQL 15 servers instead.
"""

from __future__ import annotations

from collections.abc import Sequence

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
from components.telemetry_store.access import SUPERUSER, TelemetryAccess, pg_hba
from components.telemetry_store.args import (
    DEFAULT_ANONYMISATION_SCHEDULE,
    DEFAULT_IMAGE_TAG,
    POSTGRES_MAJOR,
    POSTGRES_PORT,
    ServerResources,
    TelemetryStoreArgs,
)
from components.telemetry_store.certificates import (
    CA_CERTIFICATE,
    PEER_CA_CERTIFICATE,
    WRITER_CERTIFICATE,
    WRITER_KEY,
    TelemetryCertificates,
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
from components.telemetry_store.server import (
    EXCHANGE_SETTINGS,
    LOAD_BALANCER_TIMEOUT,
    REPLICAS,
    STORE_SETTINGS,
    TLS_DIRECTORY,
    TelemetryServer,
    exchange_settings,
)
from components.telemetry_store.sql_jobs import (
    ANONYMISATION_JOB,
    CA_MOUNT,
    DATABASE_JOB,
    PEER_LINK_JOB,
    SCHEMA_JOB,
    SQL_FILES,
    SQL_MOUNT,
    JobLimits,
    SqlJobs,
)
from residency_facts import CLASSIFICATION_TAG, Classification

__all__ = [
    "ANONYMISATION_JOB",
    "CA_MOUNT",
    "DATABASE_JOB",
    "DEFAULT_ANONYMISATION_SCHEDULE",
    "DEFAULT_IMAGE_TAG",
    "EXCHANGE_SETTINGS",
    "IMAGE_REPOSITORY",
    "PASSWORD_KEY",
    "PEER_LINK_JOB",
    "POSTGRES_MAJOR",
    "POSTGRES_PORT",
    "REPLICAS",
    "SCHEMA_JOB",
    "SQL_FILES",
    "SQL_MOUNT",
    "STORE_SETTINGS",
    "SUPERUSER",
    "TLS_DIRECTORY",
    "WRITER_CA_MOUNT",
    "WRITER_TLS_MOUNT",
    "JobLimits",
    "PostgresServer",
    "ServerResources",
    "SqlJobs",
    "TelemetryAccess",
    "TelemetryCertificates",
    "TelemetryNetworkPolicies",
    "TelemetryServer",
    "TelemetryStore",
    "TelemetryStoreArgs",
    "exchange_settings",
    "pg_hba",
    "restricted_container_security_context",
]


WRITER_CA_MOUNT = "/etc/telemetry-store"
"""Where a writer's pod may mount its namespace's `<name>-writer-connection` ConfigMap (CA and conninfos)."""
WRITER_TLS_MOUNT = "/etc/telemetry-writer"
"""Where a writer's pod mounts its `<name>-writer-<service>-tls` Secret (defaultMode 0600: libpq refuses a
key others may read); its conninfo names the files there."""


class TelemetryStore(pulumi.ComponentResource):
    """Raw telemetry in TimescaleDB; its private hourly release pushed into the peer's inbox, verified TLS."""

    namespace: pulumi.Output[str]
    store: PostgresServer
    exchange: PostgresServer
    writer_secret_names: dict[str, pulumi.Output[str]]
    """Writing service -> its client certificate's Secret, in each writer namespace."""
    ca_certificate: pulumi.Output[str]
    """This region's telemetry CA certificate (public): the peer stack's `residency:peer.caCertificate`."""
    writer_conninfos: pulumi.Output[dict[str, str]]
    """Writing service -> how it connects: its own role, verify-full against the region's CA, its client
    certificate and key, all from its Secret mounted at WRITER_TLS_MOUNT (no password anywhere)."""
    replication_hostname: pulumi.Output[str | None]
    storage_class_name: pulumi.Output[str]
    key_arn: pulumi.Output[str]

    def __init__(
        self, name: str, args: TelemetryStoreArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        args.validate(name)
        rules = TelemetryAccess.of(args)
        super().__init__("residency:components:TelemetryStore", name, None, opts)
        self._prefix = name
        self._args = args
        self._child = pulumi.ResourceOptions(parent=self)
        self.namespace = pulumi.Output.from_input(args.namespace)

        account = RegionalAccount.look_up(pulumi.InvokeOptions(parent=self))
        key, storage_class = self._encrypted_storage(account)
        certificates = TelemetryCertificates(
            self, name, args, pulumi.Output.concat("elb.", account.region, ".", account.dns_suffix)
        )

        # Credentials are generated at deploy time and kept only in Secrets (and Pulumi's encrypted state).
        # The writers have none: each service logs in by its own client certificate (certificates.py).
        store_superuser = self._password_secret("store-superuser")
        exchange_superuser = self._password_secret("exchange-superuser")

        self.store = TelemetryServer(
            self,
            name,
            args,
            "store",
            Classification.TELEMETRY,
            database_name=args.database_name,
            settings=STORE_SETTINGS,
            hba_rules=rules.store_rules,
            storage_gb=args.telemetry.storage_gib,
            resources=args.store_resources,
            storage_class=storage_class,
            superuser_secret=store_superuser[0],
            tls=certificates.store,
        ).server
        peer_ca_file = (
            f"{TLS_DIRECTORY}/{PEER_CA_CERTIFICATE}" if args.peer_ca_certificate is not None else None
        )
        self.exchange = TelemetryServer(
            self,
            name,
            args,
            "exchange",
            Classification.ANONYMISED,
            database_name=args.exchange_database_name,
            settings=exchange_settings(peer_ca_file),
            hba_rules=rules.exchange_rules,
            storage_gb=args.telemetry.exchange_storage_gib,
            resources=args.exchange_resources,
            storage_class=storage_class,
            superuser_secret=exchange_superuser[0],
            tls=certificates.exchange,
        ).server
        replication_service = self._replication_endpoint(self.exchange)

        # The telemetry SQL (components/telemetry_sql): who may reach each server, then the Jobs that set the
        # servers up in order and the CronJob that releases closed hours and pushes them.
        policies = TelemetryNetworkPolicies(self, name, args, self.store, self.exchange)
        SqlJobs(
            self,
            name,
            args,
            self.store,
            self.exchange,
            policies.by_server,
            certificates.ca_config_map_name,
        )

        self.writer_secret_names = certificates.writer_secret_names
        self.ca_certificate = certificates.ca_certificate
        self.writer_conninfos = self.store.host.apply(
            lambda host: {
                service: telemetry_sql.writer_conninfo(
                    host,
                    args.database_name,
                    f"{WRITER_TLS_MOUNT}/{CA_CERTIFICATE}",
                    POSTGRES_PORT,
                    service,
                    f"{WRITER_TLS_MOUNT}/{WRITER_CERTIFICATE}",
                    f"{WRITER_TLS_MOUNT}/{WRITER_KEY}",
                )
                for service in args.writers
            }
        )
        self._writer_connections()
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
                "writer_secret_names": self.writer_secret_names,
                "ca_certificate": self.ca_certificate,
                "writer_conninfos": self.writer_conninfos,
            }
        )

    def _writer_connections(self) -> None:
        """Per writer namespace, a ConfigMap with the CA certificate and each service's conninfo (no key)."""
        for index, namespace in enumerate(self._args.writer_namespaces):
            object_name = f"{self._prefix}-writer-connection"
            k8s.core.v1.ConfigMap(
                object_name if index == 0 else f"{object_name}-{index}",
                metadata=metadata(
                    namespace, object_name, {**PART_OF, CLASSIFICATION_TAG: Classification.INTERNAL.value}
                ),
                data=pulumi.Output.all(self.ca_certificate, self.writer_conninfos).apply(
                    lambda values: {
                        CA_CERTIFICATE: values[0],
                        **{f"{service}.conninfo": conninfo for service, conninfo in values[1].items()},
                    }
                ),
                opts=self._child,
            )

    def _encrypted_storage(self, account: RegionalAccount) -> tuple[aws.kms.Key, k8s.storage.v1.StorageClass]:
        """An in-region key for the volumes and the StorageClass that encrypts every volume with it."""
        name, args = self._prefix, self._args
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

    def _password_secret(self, purpose: str) -> tuple[pulumi.Output[str], pulumi.Output[str]]:
        """A Secret holding a generated password; returns its name and the password."""
        name = self._prefix
        password = random.RandomPassword(
            f"{name}-{purpose}-password",
            length=32,
            special=False,  # keeps connection strings free of characters that need quoting
            min_lower=4,
            min_upper=4,
            min_numeric=4,
            opts=self._child,
        ).result
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
            # Waits for the NLB and a ready exchange pod; neither can come before nodes and volumes.
            opts=pulumi.ResourceOptions(
                parent=self,
                depends_on=list(self._args.workload_dependencies),
                custom_timeouts=pulumi.CustomTimeouts(
                    create=LOAD_BALANCER_TIMEOUT, update=LOAD_BALANCER_TIMEOUT
                ),
            ),
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
