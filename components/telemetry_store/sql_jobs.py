"""SqlJobs: the telemetry SQL run as Kubernetes Jobs and a CronJob, a child component of TelemetryStore.

The SQL (components/telemetry_sql) runs as Jobs of psql from the servers' own image, as each server's
superuser, with the scripts from a ConfigMap and its superuser password from a Secret through the environment
(the writers and the peer have no password: they log in by client certificate); every
connection is TLS 1.3 with `sslmode=verify-full` against the region's CA (mounted from a ConfigMap). Order:
create each database (after its StatefulSet is ready and its NetworkPolicies exist), then the exchange's
schema and the peer's inbox, and the store's schema and roles, then the peer link on the store (where the
release is pushed), which exists only once the peer's endpoint and CA certificate are known. Two CronJobs on
the store, both UTC, `concurrencyPolicy: Forbid` and bounded by `activeDeadlineSeconds`: the release writes
closed hours into the ledger and connects nowhere; the push, on a fixed schedule of its own, sends the
ledger's rows to the peer, so when the peer hears from this region never depends on how long a release took
(components/telemetry_sql/README.md, "Timing"). A changed script, variable or password runs the Jobs that use
it again; a failed Job is replaced, so run again, on the next `pulumi up`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s

from components import telemetry_sql
from components.telemetry_store.access import SUPERUSER
from components.telemetry_store.args import TelemetryStoreArgs
from components.telemetry_store.certificates import (
    CA_CERTIFICATE,
    CLIENT_CERTIFICATE,
    CLIENT_KEY,
    PEER_CA_CERTIFICATE,
)
from components.telemetry_store.common import (
    IMAGE_REPOSITORY,
    PART_OF,
    USER_ID,
    PostgresServer,
    StorePart,
    from_secret,
    restricted_container_security_context,
    sql_client_labels,
)
from components.telemetry_store.server import TLS_DIRECTORY
from residency_facts import CLASSIFICATION_TAG, Classification

SQL_MOUNT = "/sql"
"""Where the SQL Jobs and the CronJob find the shipped scripts (the component's ConfigMap)."""
CA_MOUNT = "/tls-ca"
"""Where the SQL Jobs and the CronJob find the region's CA certificate, to verify the servers with."""
SQL_FILES: Mapping[str, str] = {
    "database": "database.sql",
    "exchange": "exchange.sql",
    "store": "store.sql",
    "peer-link": "peer-link.sql",
    "anonymise": "anonymise.sql",
    "push": "push.sql",
}
"""The script of each Job, by purpose, as a file in the ConfigMap."""


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
PEER_LINK_JOB = JobLimits(backoff_limit=4, active_deadline_seconds=600)
"""The link is configured on this region's store (no connection to the peer is made then)."""
ANONYMISATION_JOB = JobLimits(backoff_limit=2, active_deadline_seconds=1800)
"""The release: well above its worst hour (seconds; the benchmark's 48 hours take under 30 s)."""
PUSH_TIMEOUT_SECONDS = telemetry_sql.DEFAULT_PUSH_TIMEOUT_SECONDS
"""How long the push waits for the peer's exchange to commit before it gives up on it for this run."""
PUSH_CONNECT_SECONDS = 10
"""libpq's connect_timeout on the foreign server (components/telemetry_sql/store/0008_push_apart.sql)."""
PUSH_PEERS = 1
"""Peers a store pushes to: the one peer region of this stack."""
PUSH_JOB = JobLimits(
    backoff_limit=0,  # the next scheduled run pushes the same values again
    active_deadline_seconds=PUSH_PEERS * (PUSH_TIMEOUT_SECONDS + PUSH_CONNECT_SECONDS) + 60,
)
"""The push: each peer bounded by its timeout plus the connection, and a minute for psql and the pod, so a run
that hangs anyway (a libpq call the SQL deadline cannot interrupt) is killed before the next one is due."""


class SqlJobs(StorePart):
    """The Jobs in order (databases, exchange, store, peer link) and the release CronJob."""

    def __init__(
        self,
        owner: pulumi.ComponentResource,
        prefix: str,
        args: TelemetryStoreArgs,
        store: PostgresServer,
        exchange: PostgresServer,
        policies: Mapping[str, list[k8s.networking.v1.NetworkPolicy]],
        ca_config_map_name: pulumi.Input[str],
    ) -> None:
        super().__init__("SqlJobs", f"{prefix}-sql-jobs", owner, prefix, args)
        self._store = store
        self._exchange = exchange
        self._ca_config_map_name = ca_config_map_name
        self._sql_scripts = self._sql_config_map()
        self._build(policies)
        self.register_outputs({})

    def _sql_config_map(self) -> k8s.core.v1.ConfigMap:
        """The telemetry SQL's scripts, read from the package now and mounted into every Job."""
        scripts = {
            SQL_FILES["database"]: telemetry_sql.database_script(),
            SQL_FILES["exchange"]: telemetry_sql.exchange_job_script(),
            SQL_FILES["store"]: telemetry_sql.store_job_script(),
            SQL_FILES["peer-link"]: telemetry_sql.peer_link_script(),
            # The release connects nowhere; the push reads only the ledger (README.md, "Timing").
            SQL_FILES["anonymise"]: telemetry_sql.release_statement(self._args.privacy, push=False) + "\n",
            SQL_FILES["push"]: telemetry_sql.push_statement(timeout_seconds=PUSH_TIMEOUT_SECONDS) + "\n",
        }
        self._script_digests = {
            file: hashlib.sha256(text.encode()).hexdigest() for file, text in scripts.items()
        }
        # Scripts only: every password reaches psql as an environment variable filled from a Secret.
        return k8s.core.v1.ConfigMap(
            f"{self._prefix}-sql",
            metadata=self._metadata(
                f"{self._prefix}-sql", {**PART_OF, CLASSIFICATION_TAG: Classification.INTERNAL.value}
            ),
            data=scripts,
            opts=self._opts(),
        )

    def _build(self, policies: Mapping[str, list[k8s.networking.v1.NetworkPolicy]]) -> None:
        """The Jobs in order (databases, exchange, store, peer link) and the release CronJob."""
        args = self._args
        databases = {}
        for server_name, server in (("store", self._store), ("exchange", self._exchange)):
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
        # The exchange holds the peer's inbox (table, INSERT-only role) whether or not the peer is known.
        self._sql_job(
            "exchange-schema",
            "exchange",
            self._exchange,
            self._exchange.database_name,
            SQL_FILES["exchange"],
            telemetry_sql.exchange_variables(args.region, [args.peer_region], args.vocabulary),
            {},
            SCHEMA_JOB,
            depends_on=[databases["exchange"]],
        )
        store = self._sql_job(
            "store-schema",
            "store",
            self._store,
            self._store.database_name,
            SQL_FILES["store"],
            # Exactly the listed services' roles may log in (by certificate); the shared role cannot.
            telemetry_sql.store_job_variables(
                args.region, args.vocabulary, args.require_timescaledb, writers=list(args.writers)
            ),
            {},
            SCHEMA_JOB,
            depends_on=[databases["store"]],
        )
        release_after: list[pulumi.Resource] = [store, *policies["store"]]
        missing = [
            field_name
            for field_name, value in (
                ("peer_replication_host", args.peer_replication_host),
                ("peer_ca_certificate", args.peer_ca_certificate),
            )
            if value is None
        ]
        if missing:
            pulumi.log.warn(
                f"TelemetryStore {self._prefix}: no push to region {args.peer_region}: "
                f"{' and '.join(missing)} not set. Hours are released into the ledger meanwhile and pushed, "
                f"with the same values, once both are set and `pulumi up` runs again.",
                resource=self._owner,
            )
        else:
            assert args.peer_replication_host is not None
            link = telemetry_sql.PeerLink(
                peer_region=args.peer_region,
                host=args.peer_replication_host,
                port=args.peer_replication_port,
                database=self._exchange.database_name,  # the peer runs the same program
                server_ca_file=f"{TLS_DIRECTORY}/{PEER_CA_CERTIFICATE}",
                client_certificate_file=f"{TLS_DIRECTORY}/{CLIENT_CERTIFICATE}",
                client_key_file=f"{TLS_DIRECTORY}/{CLIENT_KEY}",
            )
            peer_link = self._sql_job(
                "peer-link",
                "store",
                self._store,
                self._store.database_name,
                SQL_FILES["peer-link"],
                telemetry_sql.peer_link_variables(link),
                {},
                PEER_LINK_JOB,
                depends_on=[store, *policies["store"]],
                new=True,
            )
            release_after.append(peer_link)
        self._cron_job(
            "anonymise",
            SQL_FILES["anonymise"],
            args.telemetry.anonymisation_schedule,
            ANONYMISATION_JOB,
            depends_on=[store, *policies["store"]],
            suspend=args.telemetry.restore_in_progress,
        )
        # A fixed schedule of its own: the push's timing depends on the ledger only, never on the release.
        self._cron_job(
            "push", SQL_FILES["push"], args.push_schedule, PUSH_JOB, depends_on=release_after, new=True
        )

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
        tls = telemetry_sql.client_tls_environment(f"{CA_MOUNT}/{CA_CERTIFICATE}")
        environment = [
            k8s.core.v1.EnvVarArgs(name="PGHOST", value=server.host),
            k8s.core.v1.EnvVarArgs(name="PGPORT", value=str(server.port)),
            k8s.core.v1.EnvVarArgs(name="PGDATABASE", value=database),
            k8s.core.v1.EnvVarArgs(name="PGUSER", value=SUPERUSER),
            # verify-full: the server's certificate must chain to the region's CA and name PGHOST.
            *(k8s.core.v1.EnvVarArgs(name=name, value=value) for name, value in tls.items()),
            k8s.core.v1.EnvVarArgs(name="PGCONNECT_TIMEOUT", value="10"),
            k8s.core.v1.EnvVarArgs(name="PGAPPNAME", value=f"{self._prefix}-{purpose}"),
            from_secret("PGPASSWORD", server.superuser_secret_name),
            *(from_secret(variable, secret) for variable, secret in secrets.items()),
        ]
        return k8s.core.v1.PodTemplateSpecArgs(
            metadata=k8s.meta.v1.ObjectMetaArgs(
                labels=sql_client_labels(self._prefix, server_name, purpose),
                # A changed script changes the template, so the Job runs again.
                annotations={"residency/sql-sha256": self._script_digests[script]},
            ),
            spec=sql_pod_spec(
                self._args.image_tag,
                arguments,
                environment,
                self._sql_scripts.metadata.name,
                self._ca_config_map_name,
            ),
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
        new: bool = False,
    ) -> k8s.batch.v1.Job:
        """A Job that runs one script once; pulumi-kubernetes waits for it to complete before dependents."""
        object_name = f"{self._prefix}-{purpose}"
        options = self._new_opts if new else self._opts
        return k8s.batch.v1.Job(
            f"{object_name}-job",
            metadata=k8s.meta.v1.ObjectMetaArgs(
                name=object_name,
                namespace=self._args.namespace,
                labels=sql_client_labels(self._prefix, server_name, purpose),
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
            opts=options(
                # No pod starts before the node group and the storage driver are there.
                depends_on=[*depends_on, *self._args.workload_dependencies],
                # The Job's name is fixed and its template immutable: a changed Job is deleted, then created.
                delete_before_replace=True,
                custom_timeouts=pulumi.CustomTimeouts(
                    create=limits.pulumi_timeout, update=limits.pulumi_timeout
                ),
            ),
        )

    def _cron_job(
        self,
        purpose: str,
        script: str,
        schedule: str,
        limits: JobLimits,
        *,
        depends_on: Sequence[pulumi.Resource],
        suspend: bool = False,
        new: bool = False,
    ) -> k8s.batch.v1.CronJob:
        """A CronJob that runs one statement on the store as its superuser, never two runs at once."""
        object_name = f"{self._prefix}-{purpose}"
        labels = sql_client_labels(self._prefix, "store", purpose)
        options = self._new_opts if new else self._opts
        return k8s.batch.v1.CronJob(
            f"{object_name}-cron-job",
            metadata=self._metadata(object_name, labels),
            spec=k8s.batch.v1.CronJobSpecArgs(
                schedule=schedule,
                time_zone="Etc/UTC",  # the hours it publishes are UTC hours
                # A run still going when the next is due finishes first; the SQL takes a lock as well.
                concurrency_policy="Forbid",
                suspend=suspend,
                starting_deadline_seconds=600,
                successful_jobs_history_limit=3,
                failed_jobs_history_limit=3,
                job_template=k8s.batch.v1.JobTemplateSpecArgs(
                    metadata=k8s.meta.v1.ObjectMetaArgs(labels=labels),
                    spec=k8s.batch.v1.JobSpecArgs(
                        backoff_limit=limits.backoff_limit,
                        # Kills a run that hangs anyway, so the next one can start.
                        active_deadline_seconds=limits.active_deadline_seconds,
                        template=self._sql_pod_template(
                            purpose, "store", self._store, self._store.database_name, script, {}, {}
                        ),
                    ),
                ),
            ),
            opts=options(depends_on=[*depends_on, *self._args.workload_dependencies]),
        )


def sql_pod_spec(
    image_tag: str,
    arguments: pulumi.Input[Sequence[str]],
    environment: Sequence[k8s.core.v1.EnvVarArgs],
    scripts_config_map: pulumi.Input[str],
    ca_config_map: pulumi.Input[str],
) -> k8s.core.v1.PodSpecArgs:
    """psql from the servers' own image: non-root, read-only root filesystem, scripts and CA read-only."""
    return k8s.core.v1.PodSpecArgs(
        restart_policy="Never",  # the Job makes a new pod per retry, and failed pods keep their logs
        automount_service_account_token=False,
        enable_service_links=False,
        security_context=k8s.core.v1.PodSecurityContextArgs(
            run_as_non_root=True,
            run_as_user=USER_ID,
            run_as_group=USER_ID,
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
                    k8s.core.v1.VolumeMountArgs(name="ca", mount_path=CA_MOUNT, read_only=True),
                    k8s.core.v1.VolumeMountArgs(name="tmp", mount_path="/tmp"),
                ],
            )
        ],
        volumes=[
            k8s.core.v1.VolumeArgs(
                name="sql", config_map=k8s.core.v1.ConfigMapVolumeSourceArgs(name=scripts_config_map)
            ),
            k8s.core.v1.VolumeArgs(
                name="ca", config_map=k8s.core.v1.ConfigMapVolumeSourceArgs(name=ca_config_map)
            ),
            k8s.core.v1.VolumeArgs(name="tmp", empty_dir=k8s.core.v1.EmptyDirVolumeSourceArgs()),
        ],
    )
