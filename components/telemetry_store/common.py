"""What the parts of a TelemetryStore share: the image, its user, labels, metadata and Secret references."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from components.child_component import ChildComponent
from components.telemetry_store.args import POSTGRES_PORT, TelemetryStoreArgs
from residency_facts import CLASSIFICATION_TAG, Classification

IMAGE_REPOSITORY = "docker.io/timescale/timescaledb-ha"
PASSWORD_KEY = "password"
"""The key of every password Secret this component writes."""
USER_ID = 1000
"""The `postgres` user of the timescaledb-ha image."""
SQL_CLIENT = "telemetry-sql"
"""The `app.kubernetes.io/name` of every Job and CronJob pod; the servers' pods are `timescaledb`."""
SQL_SERVER_LABEL = "residency/sql-server"
"""On a Job pod: the one server (store or exchange) its NetworkPolicy lets it reach."""
PART_OF = {"app.kubernetes.io/part-of": "telemetry-store"}


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


def server_labels(prefix: str, server: str, classification: Classification) -> dict[str, str]:
    """Labels of a server's objects; the first three select its pods."""
    return {
        "app.kubernetes.io/name": "timescaledb",
        "app.kubernetes.io/instance": prefix,
        "app.kubernetes.io/component": server,
        **PART_OF,
        CLASSIFICATION_TAG: classification.value,
    }


def sql_clients_of(prefix: str, server: str) -> dict[str, str]:
    """The selector of every Job pod that runs SQL on one server."""
    return {
        "app.kubernetes.io/name": SQL_CLIENT,
        "app.kubernetes.io/instance": prefix,
        SQL_SERVER_LABEL: server,
    }


def sql_client_labels(prefix: str, server: str, purpose: str) -> dict[str, str]:
    """Labels of a Job's pods: the selector of the server's SQL clients, plus what the Job is for."""
    return {**sql_clients_of(prefix, server), "app.kubernetes.io/component": purpose, **PART_OF}


def metadata(
    namespace: pulumi.Input[str], object_name: str, labels: Mapping[str, str]
) -> k8s.meta.v1.ObjectMetaArgs:
    """Metadata of a namespaced object of this component."""
    return k8s.meta.v1.ObjectMetaArgs(name=object_name, namespace=namespace, labels=dict(labels))


def postgres_port() -> k8s.core.v1.ServicePortArgs:
    """PostgreSQL's port on every Service of the component."""
    return k8s.core.v1.ServicePortArgs(
        name="postgresql", port=POSTGRES_PORT, target_port="postgresql", protocol="TCP"
    )


def from_secret(variable: str, secret_name: pulumi.Input[str]) -> k8s.core.v1.EnvVarArgs:
    """An environment variable filled by Kubernetes from a password Secret, never a literal."""
    return k8s.core.v1.EnvVarArgs(
        name=variable,
        value_from=k8s.core.v1.EnvVarSourceArgs(
            secret_key_ref=k8s.core.v1.SecretKeySelectorArgs(name=secret_name, key=PASSWORD_KEY)
        ),
    )


def restricted_container_security_context() -> k8s.core.v1.SecurityContextArgs:
    """A container security context that passes the `restricted` Pod Security Standard (also for Jobs)."""
    return k8s.core.v1.SecurityContextArgs(
        run_as_non_root=True,
        run_as_user=USER_ID,
        run_as_group=USER_ID,
        allow_privilege_escalation=False,
        privileged=False,
        read_only_root_filesystem=True,
        capabilities=k8s.core.v1.CapabilitiesArgs(drop=["ALL"]),
        seccomp_profile=k8s.core.v1.SeccompProfileArgs(type="RuntimeDefault"),
    )


class StorePart(ChildComponent):
    """One concern of a TelemetryStore (a server, the NetworkPolicies, the SQL Jobs) as a child component."""

    def __init__(
        self, part: str, name: str, owner: pulumi.ComponentResource, prefix: str, args: TelemetryStoreArgs
    ) -> None:
        super().__init__(f"residency:telemetryStore:{part}", name, owner, prefix)
        self._args = args

    def _new_opts(self, **kwargs: Any) -> pulumi.ResourceOptions:
        """Options of a resource that was never declared under the owner itself: parented here, no alias."""
        return pulumi.ResourceOptions(parent=self, **kwargs)

    def _metadata(self, object_name: str, labels: Mapping[str, str]) -> k8s.meta.v1.ObjectMetaArgs:
        """Metadata of an object in the telemetry namespace."""
        return metadata(self._args.namespace, object_name, labels)
