"""SqlJobs: the telemetry SQL run as Kubernetes Jobs and a CronJob, a child component of TelemetryStore.

The SQL (components/telemetry_sql) runs as Jobs of psql from the servers' own image, as each server's
superuser, with the scripts from a ConfigMap and every password from a Secret through the environment. Order:
create each database (after its StatefulSet is ready and its NetworkPolicies exist), the exchange's schema and
roles, the store's schema (it names its exchange), then the subscription to the peer, which exists only once
the peer's endpoint and password are known. A CronJob on the store publishes closed hours (UTC,
`concurrencyPolicy: Forbid`). A changed script, variable or password runs the Jobs that use it again; a
failed Job is replaced, so run again, on the next `pulumi up`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s

from components import telemetry_sql
from components.telemetry_store.access import SUPERUSER, TelemetryAccess
from components.telemetry_store.args import TelemetryStoreArgs
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
from residency_facts import CLASSIFICATION_TAG, Classification

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


@dataclass(frozen=True)
class Passwords:
    """The Secrets (and values) the SQL Jobs read; values only to run a Job again when one rotates."""

    store_superuser: pulumi.Output[str]
    exchange_superuser: pulumi.Output[str]
    writer: tuple[pulumi.Output[str], pulumi.Output[str]]
    publisher: tuple[pulumi.Output[str], pulumi.Output[str]]
    replication: tuple[pulumi.Output[str], pulumi.Output[str]]
    peer_replication: tuple[pulumi.Output[str], pulumi.Output[str]] | None


class SqlJobs(StorePart):
    """The Jobs in order (databases, exchange, store, subscription) and the anonymisation CronJob."""

    def __init__(
        self,
        owner: pulumi.ComponentResource,
        prefix: str,
        args: TelemetryStoreArgs,
        access: TelemetryAccess,
        store: PostgresServer,
        exchange: PostgresServer,
        passwords: Passwords,
        policies: Mapping[str, list[k8s.networking.v1.NetworkPolicy]],
    ) -> None:
        super().__init__("SqlJobs", f"{prefix}-sql-jobs", owner, prefix, args)
        self._access = access
        self._store = store
        self._exchange = exchange
        self._sql_scripts = self._sql_config_map()
        self._build(passwords, policies)
        self.register_outputs({})

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
            f"{self._prefix}-sql",
            metadata=self._metadata(
                f"{self._prefix}-sql", {**PART_OF, CLASSIFICATION_TAG: Classification.INTERNAL.value}
            ),
            data=scripts,
            opts=self._opts(),
        )

    def _build(
        self, passwords: Passwords, policies: Mapping[str, list[k8s.networking.v1.NetworkPolicy]]
    ) -> None:
        """The Jobs in order (databases, exchange, store, subscription) and the anonymisation CronJob."""
        args = self._args
        sslmode = self._access.sslmode
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
        exchange = self._sql_job(
            "exchange-schema",
            "exchange",
            self._exchange,
            self._exchange.database_name,
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
        store_variables = self._exchange.host.apply(
            lambda host: telemetry_sql.store_variables(
                args.region,
                host,
                self._exchange.port,
                self._exchange.database_name,
                sslmode,
                args.require_timescaledb,
            )
        )
        store = self._sql_job(
            "store-schema",
            "store",
            self._store,
            self._store.database_name,
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
                f"TelemetryStore {self._prefix}: no subscription to region {args.peer_region}: "
                f"{' and '.join(missing)} not set. This region receives no anonymised telemetry from "
                f"{args.peer_region} until both are set and `pulumi up` runs again.",
                resource=self._owner,
            )
        else:
            assert args.peer_replication_host is not None and passwords.peer_replication is not None
            self._sql_job(
                "subscription",
                "exchange",
                self._exchange,
                self._exchange.database_name,
                SQL_FILES["subscription"],
                telemetry_sql.subscription_variables(
                    args.peer_region,
                    args.peer_replication_host,
                    args.peer_replication_port,
                    self._exchange.database_name,  # the peer runs the same program
                    sslmode,
                ),
                {telemetry_sql.PEER_REPLICATION_PASSWORD_ENV: passwords.peer_replication[0]},
                SUBSCRIPTION_JOB,
                depends_on=[exchange, *policies["peer"]],
                rotated_with=[passwords.peer_replication[1]],
            )
        self._anonymisation_cron_job(depends_on=[store, *policies["store"]])

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
            k8s.core.v1.EnvVarArgs(name="PGSSLMODE", value=self._access.sslmode),
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
            spec=sql_pod_spec(self._args.image_tag, arguments, environment, self._sql_scripts.metadata.name),
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
        object_name = f"{self._prefix}-{purpose}"
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
            opts=self._opts(
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
        object_name = f"{self._prefix}-anonymise"
        limits = ANONYMISATION_JOB
        labels = sql_client_labels(self._prefix, "store", "anonymise")
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
                            self._store,
                            self._store.database_name,
                            SQL_FILES["anonymise"],
                            {},
                            {},
                        ),
                    ),
                ),
            ),
            opts=self._opts(depends_on=list(depends_on)),
        )


def sql_pod_spec(
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
