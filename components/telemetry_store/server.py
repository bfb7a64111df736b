"""TelemetryServer: one single-primary PostgreSQL server of a TelemetryStore (the store or the exchange).

A StatefulSet of one pod from the pinned timescaledb-ha image, its encrypted, retained volume claim, its
pg_hba.conf from a ConfigMap and its TLS files from a Secret (a changed file or certificate rolls the pod), a
headless Service for the StatefulSet, a ClusterIP Service its clients connect to and a PodDisruptionBudget.

TLS: `ssl=on` with the server certificate the region's CA issued, TLS 1.3 at least, and as `ssl_ca_file` the
CA a client certificate must chain to: on the store the region's own CA (the writers'), on the exchange the
peer's CA certificate (the peer's push). The Secret is
mounted with mode 0600 on every key. The pod's fsGroup (the postgres group, 1000) makes the kubelet give a
read-only Secret volume's files group read (Kubernetes' SetVolumeOwnership ORs in 0440), so a key arrives as
root-owned 0640: the one form besides owner-only 0600 that both the server and libpq accept for a key file
("u=rw,g=r (0640) or less if owned by root"). tests/components/test_telemetry_store.py starts real servers
from such files.

One primary per server, not a knob: the image's plain entrypoint makes every pod an independent server, so a
second replica behind one Service would split the data (high availability needs Patroni, future work). The
disruption budget therefore allows the single pod to be evicted (`maxUnavailable: 1`): a node drain (a
node-group upgrade) moves it to another node in the volume's zone, a brief, planned outage of that server
(README, "Node-group upgrades"), instead of blocking the drain until EKS gives up.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

import pulumi
import pulumi_kubernetes as k8s

from components import telemetry_sql
from components.telemetry_store.access import SUPERUSER, pg_hba
from components.telemetry_store.args import POSTGRES_PORT, ServerResources, TelemetryStoreArgs
from components.telemetry_store.certificates import (
    CA_CERTIFICATE,
    KEY_FILES,
    SERVER_CERTIFICATE,
    SERVER_KEY,
    ServerTls,
)
from components.telemetry_store.common import (
    IMAGE_REPOSITORY,
    PASSWORD_KEY,
    USER_ID,
    PostgresServer,
    StorePart,
    postgres_port,
    restricted_container_security_context,
    server_labels,
)
from residency_facts import Classification

REPLICAS = 1
"""A single primary per server; see the module docstring."""

DISRUPTION_BUDGET_MAX_UNAVAILABLE = 1
"""The single pod may be evicted by a drain: a brief outage, not a node-group update that never ends."""

FIRST_START_TIMEOUT = "30m"
"""How long `pulumi up` waits for a server (and the Services waiting for its pod) on a first start: a node
from the node group, a volume from the CSI driver, a 1 to 2 GiB image pull, initdb and the image's tuning; a
later restart may replay WAL. pulumi-kubernetes' own default is 10 minutes."""

LOAD_BALANCER_TIMEOUT = "30m"
"""The replication endpoint also waits for the NLB to be provisioned and its targets registered."""

TLS_DIRECTORY = "/tls"
"""Where a server's TLS files are mounted (from its Secret); certificates.py names the files."""

SERVER_SETTINGS: Mapping[str, str] = {"listen_addresses": "*"}
"""Settings of both servers beyond the image's and the telemetry SQL's."""

STORE_SETTINGS: Mapping[str, str] = {
    **SERVER_SETTINGS,
    **telemetry_sql.STORE_SERVER_SETTINGS,
    **telemetry_sql.server_tls_settings(
        f"{TLS_DIRECTORY}/{SERVER_CERTIFICATE}",
        f"{TLS_DIRECTORY}/{SERVER_KEY}",
        f"{TLS_DIRECTORY}/{CA_CERTIFICATE}",
    ),
}
"""The store: TLS on with its certificate, and the region's CA as `ssl_ca_file`, which every writer's client
certificate must chain to (pg_hba admits the writers by `cert`); no walsender is ever used."""


def exchange_settings(peer_ca_file: str | None) -> dict[str, str]:
    """The exchange: TLS on; the peers' CA certificates verify their client certificates once one is known."""
    return {
        **SERVER_SETTINGS,
        **telemetry_sql.EXCHANGE_SERVER_SETTINGS,
        **telemetry_sql.server_tls_settings(
            f"{TLS_DIRECTORY}/{SERVER_CERTIFICATE}", f"{TLS_DIRECTORY}/{SERVER_KEY}", peer_ca_file
        ),
    }


EXCHANGE_SETTINGS: Mapping[str, str] = exchange_settings(None)
"""The exchange before the peer's CA certificate is known (it then admits no certificate login)."""

_DATA_MOUNT = "/home/postgres/pgdata"
_PGDATA = f"{_DATA_MOUNT}/data"
"""A subdirectory of the volume, as the image expects, so the volume's lost+found is not inside PGDATA."""
_HBA_DIRECTORY = "/etc/residency"
_HBA_FILE = f"{_HBA_DIRECTORY}/pg_hba.conf"
KEY_MODE = 0o600
CERTIFICATE_MODE = 0o644


def command_line_value(value: str) -> str:
    """A postgresql.conf value as `postgres -c key=value` takes it: the file's quotes are not part of it.

    `-c ssl_cert_file='/tls/server.crt'` would name a file whose name starts with a quote; the settings the
    telemetry SQL gives are written for postgresql.conf, so their quotes are removed here (a value that needs
    a quote inside is refused rather than mangled).
    """
    if len(value) >= 2 and value[0] == value[-1] == "'":
        inner = value[1:-1]
        if "'" in inner or "\\" in inner:
            raise ValueError(f"setting value {value} cannot be passed on the command line")
        return inner
    return value


class TelemetryServer(StorePart):
    """A single-primary PostgreSQL StatefulSet with its volume, pg_hba.conf, Services and PDB."""

    server: PostgresServer
    """What a Job that runs SQL on this server needs to know about it."""

    def __init__(
        self,
        owner: pulumi.ComponentResource,
        prefix: str,
        args: TelemetryStoreArgs,
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
        tls: ServerTls,
    ) -> None:
        # Named like the objects it declares (<store>-store, <store>-exchange), as they always were.
        self._object_name = f"{prefix}-{server}"
        super().__init__("TelemetryServer", self._object_name, owner, prefix, args)
        self._build(
            server,
            classification,
            database_name=database_name,
            settings=settings,
            hba_rules=hba_rules,
            storage_gb=storage_gb,
            resources=resources,
            storage_class=storage_class,
            superuser_secret=superuser_secret,
            tls=tls,
        )
        self.register_outputs({"host": self.server.host, "superuser_secret_name": superuser_secret})

    def _build(
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
        tls: ServerTls,
    ) -> None:
        object_name = self._object_name
        workloads = list(self._args.workload_dependencies)
        first_start = pulumi.CustomTimeouts(create=FIRST_START_TIMEOUT, update=FIRST_START_TIMEOUT)
        labels = server_labels(self._prefix, server, classification)
        selector = {key: labels[key] for key in list(labels)[:3]}
        hba = pg_hba(hba_rules, self._args.peer_vpc_cidr)
        hba_config = k8s.core.v1.ConfigMap(
            f"{object_name}-pg-hba",
            metadata=self._metadata(f"{object_name}-pg-hba", labels),
            data={"pg_hba.conf": hba},
            opts=self._opts(),
        )
        headless = k8s.core.v1.Service(
            f"{object_name}-headless-service",
            metadata=self._metadata(f"{object_name}-headless", labels),
            spec=k8s.core.v1.ServiceSpecArgs(cluster_ip="None", selector=selector, ports=[postgres_port()]),
            # Waits for a ready pod, like the StatefulSet, so it waits as long.
            opts=self._opts(depends_on=workloads, custom_timeouts=first_start),
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
                        # A changed pg_hba.conf or certificate takes effect by rolling the pod.
                        annotations={
                            "residency/pg-hba-sha256": hashlib.sha256(hba.encode()).hexdigest(),
                            "residency/tls-sha256": tls.digest,
                        },
                    ),
                    spec=_pod_spec(
                        image_tag=self._args.image_tag,
                        database_name=database_name,
                        settings=settings,
                        resources=resources,
                        superuser_secret=superuser_secret,
                        hba_config=hba_config.metadata.name,
                        tls=tls,
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
            # No pod can start before there are nodes to run it and a driver to provision its volume.
            opts=self._opts(depends_on=workloads, custom_timeouts=first_start),
        )
        # Lets a drain evict the single primary (a brief outage); see the module docstring.
        k8s.policy.v1.PodDisruptionBudget(
            f"{object_name}-disruption-budget",
            metadata=self._metadata(object_name, labels),
            spec=k8s.policy.v1.PodDisruptionBudgetSpecArgs(
                max_unavailable=DISRUPTION_BUDGET_MAX_UNAVAILABLE,
                selector=k8s.meta.v1.LabelSelectorArgs(match_labels=selector),
            ),
            opts=self._opts(),
        )
        service = k8s.core.v1.Service(
            f"{object_name}-service",
            metadata=self._metadata(object_name, labels),
            spec=k8s.core.v1.ServiceSpecArgs(type="ClusterIP", selector=selector, ports=[postgres_port()]),
            opts=self._opts(depends_on=workloads, custom_timeouts=first_start),
        )
        self.server = PostgresServer(
            statefulset=statefulset,
            host=pulumi.Output.concat(
                service.metadata.name,
                ".",
                pulumi.Output.from_input(self._args.namespace),
                ".svc.cluster.local",
            ),
            port=POSTGRES_PORT,
            database_name=database_name,
            superuser_secret_name=superuser_secret,
            pod_labels=selector,
        )


def _pod_spec(
    *,
    image_tag: str,
    database_name: str,
    settings: Mapping[str, str],
    resources: ServerResources,
    superuser_secret: pulumi.Input[str],
    hba_config: pulumi.Input[str],
    tls: ServerTls,
) -> k8s.core.v1.PodSpecArgs:
    """A PostgreSQL pod: non-root, read-only root filesystem, password and TLS files from Secrets."""
    ready = _pg_isready(database_name)
    server_arguments = [
        argument
        for key, value in {**settings, "hba_file": _HBA_FILE}.items()
        for argument in ("-c", f"{key}={command_line_value(value)}")
    ]
    return k8s.core.v1.PodSpecArgs(
        automount_service_account_token=False,  # PostgreSQL never calls the Kubernetes API
        enable_service_links=False,
        termination_grace_period_seconds=120,
        security_context=k8s.core.v1.PodSecurityContextArgs(
            run_as_non_root=True,
            run_as_user=USER_ID,
            run_as_group=USER_ID,
            fs_group=USER_ID,
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
                    k8s.core.v1.VolumeMountArgs(name="tls", mount_path=TLS_DIRECTORY, read_only=True),
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
            k8s.core.v1.VolumeArgs(
                name="tls",
                secret=k8s.core.v1.SecretVolumeSourceArgs(
                    secret_name=tls.secret_name,
                    # Keys owner-only; fsGroup adds group read (root-owned 0640), which PostgreSQL accepts.
                    items=[
                        k8s.core.v1.KeyToPathArgs(
                            key=file, path=file, mode=KEY_MODE if file in KEY_FILES else CERTIFICATE_MODE
                        )
                        for file in tls.files
                    ],
                    default_mode=KEY_MODE,
                ),
            ),
            k8s.core.v1.VolumeArgs(name="run", empty_dir=k8s.core.v1.EmptyDirVolumeSourceArgs()),
            k8s.core.v1.VolumeArgs(name="tmp", empty_dir=k8s.core.v1.EmptyDirVolumeSourceArgs()),
            # PostgreSQL's parallel queries use POSIX shared memory; the container default is 64 MiB.
            k8s.core.v1.VolumeArgs(
                name="shm", empty_dir=k8s.core.v1.EmptyDirVolumeSourceArgs(medium="Memory", size_limit="1Gi")
            ),
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
