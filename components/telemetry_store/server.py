"""TelemetryServer: one single-primary PostgreSQL server of a TelemetryStore (the store or the exchange).

A StatefulSet of one pod from the pinned timescaledb-ha image, its encrypted, retained volume claim, its
pg_hba.conf from a ConfigMap (a changed file rolls the pod), a headless Service for the StatefulSet, a
ClusterIP Service its clients connect to and a PodDisruptionBudget. One primary per server, not a knob: the
image's plain entrypoint makes every pod an independent server, so more replicas behind one Service would
split the data (high availability needs Patroni, future work); the budget therefore keeps the single primary
from voluntary eviction, and node drains wait for a planned restart.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

import pulumi
import pulumi_kubernetes as k8s

from components.telemetry_store.access import SUPERUSER, pg_hba
from components.telemetry_store.args import POSTGRES_PORT, ServerResources, TelemetryStoreArgs
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

_DATA_MOUNT = "/home/postgres/pgdata"
_PGDATA = f"{_DATA_MOUNT}/data"
"""A subdirectory of the volume, as the image expects, so the volume's lost+found is not inside PGDATA."""
_HBA_DIRECTORY = "/etc/residency"
_HBA_FILE = f"{_HBA_DIRECTORY}/pg_hba.conf"


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
    ) -> None:
        object_name = self._object_name
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
            opts=self._opts(),
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
            opts=self._opts(),
        )
        # Keeps the single primary from voluntary eviction; see the module docstring.
        k8s.policy.v1.PodDisruptionBudget(
            f"{object_name}-disruption-budget",
            metadata=self._metadata(object_name, labels),
            spec=k8s.policy.v1.PodDisruptionBudgetSpecArgs(
                min_available=REPLICAS, selector=k8s.meta.v1.LabelSelectorArgs(match_labels=selector)
            ),
            opts=self._opts(),
        )
        service = k8s.core.v1.Service(
            f"{object_name}-service",
            metadata=self._metadata(object_name, labels),
            spec=k8s.core.v1.ServiceSpecArgs(type="ClusterIP", selector=selector, ports=[postgres_port()]),
            opts=self._opts(),
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
