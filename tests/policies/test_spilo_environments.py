"""Zalando's postgres-operator: where a cluster's WAL archive goes when Spilo's variables are set elsewhere
than the cluster's `spec.env`.

The operator builds the Spilo container's environment in this order, the first setting of a variable
winning (pkg/cluster/k8sres.go, generateSpiloPodEnvVars, v2.0.1): the cluster's `spec.env`, then the
Secret of the OperatorConfiguration's `kubernetes.pod_environment_secret`, then its
`kubernetes.pod_environment_configmap` (`namespace/name`), then the operator's own `aws_or_gcp` settings
(`wal_s3_bucket` becomes WAL_S3_BUCKET); the cluster's `spec.envFrom` ConfigMaps and Secrets come last, as
Kubernetes lets `env` override `envFrom`. `aws_or_gcp.aws_region` is the region of the operator's EBS
volume resizer, not of backups (docs/reference/operator_parameters.md: "You have to define AWS_REGION as a
custom environment variable"). Spilo archives to S3, Google Cloud Storage (WAL_GS_BUCKET or WAL_GCS_BUCKET,
WALE_GS_PREFIX or WALE_GCS_PREFIX, WALG_GS_PREFIX), OpenStack Swift (WAL_SWIFT_BUCKET, WALE_SWIFT_PREFIX),
Azure (WALG_AZ_PREFIX, AZURE_STORAGE_ACCOUNT) or an SSH server (WALG_SSH_PREFIX): zalando/spilo
ENVIRONMENT.rst and configure_spilo.py (write_wale_environment).

Each test is the compliant baseline (a PII cluster archiving where the operator's configuration says, the
stack's eu-west-1 bucket) and one change.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.operator_objects import BACKUP_BUCKET, backup_bucket, custom_resource
from tests.policies.policy_harness import RULES, Res, messages, run_pack, violations

NO_PII = "no-pii-replication"
ANONYMISED_ONLY = "anonymised-only-replication"
PII = {"data-classification": "pii"}
ZALANDO = "acid.zalan.do/v1"
OPERATOR_NAMESPACE = "postgres-operator"
ELSEWHERE = {"WAL_S3_BUCKET": "acme-wal-us-east-1", "AWS_REGION": "us-east-1"}


def _cluster(region: Region, **spec: Any) -> Res:
    """A PII Zalando cluster in the namespace `app` that sets no WAL variable of its own."""
    return custom_resource(
        region,
        ZALANDO,
        "postgresql",
        "acid-customers",
        {
            "teamId": "acid",
            "numberOfInstances": 2,
            "volume": {"size": "20Gi", "storageClass": "telemetry-gp3"},
            "postgresql": {"version": "17"},
            **spec,
        },
        labels=PII,
        protect=True,
    )


def _configuration(region: Region, aws_or_gcp: dict[str, Any], **kubernetes: str) -> Res:
    configuration: dict[str, Any] = {"aws_or_gcp": aws_or_gcp}
    if kubernetes:
        configuration["kubernetes"] = kubernetes
    return custom_resource(
        region,
        ZALANDO,
        "OperatorConfiguration",
        "postgres-operator",
        None,
        namespace=OPERATOR_NAMESPACE,
        configuration=configuration,
    )


def _config_map(region: Region, name: str, namespace: str, data: dict[str, str]) -> Res:
    return Res(
        "kubernetes:core/v1:ConfigMap",
        f"{namespace}-{name}",
        {"metadata": {"name": name, "namespace": namespace}, "data": dict(data)},
        region.kubernetes,
    )


def _secret(region: Region, name: str, namespace: str, data: dict[str, str]) -> Res:
    """A Secret as Kubernetes holds it: its `data` base64-encoded."""
    encoded = {key: base64.b64encode(value.encode()).decode() for key, value in data.items()}
    return Res(
        "kubernetes:core/v1:Secret",
        f"{namespace}-{name}",
        {"metadata": {"name": name, "namespace": namespace}, "data": encoded},
        region.kubernetes,
    )


def _stack(*extra: Res, aws_or_gcp: dict[str, Any] | None = None, **kubernetes: str) -> tuple[list[Res], Res]:
    region = eu_region()
    cluster = _cluster(region)
    configuration = _configuration(
        region, {"wal_s3_bucket": BACKUP_BUCKET} if aws_or_gcp is None else aws_or_gcp, **kubernetes
    )
    return [*region.resources, *backup_bucket(region), configuration, *extra, cluster], cluster


def _blocked(resources: list[Res], resource: Res, policy: str = NO_PII) -> str:
    found = violations(resources, policy)
    assert resource.urn in [d.urn for d in found], messages(found)
    return next(d.message for d in found if d.urn == resource.urn)


def _every_rule(resources: list[Res], resource: Res) -> list[str]:
    return [
        f"{d.policy}: {d.message}"
        for d in run_pack(resources)
        if d.level == "mandatory" and d.policy in RULES and d.urn == resource.urn
    ]


def test_a_pod_environment_that_keeps_the_operators_in_region_bucket_breaks_no_rule() -> None:
    region = eu_region()
    environment = _config_map(region, "pod-env", OPERATOR_NAMESPACE, {"ALLOW_NOSSL": "true"})
    resources, cluster = _stack(environment, pod_environment_configmap=f"{OPERATOR_NAMESPACE}/pod-env")
    assert _every_rule(resources, cluster) == []


def test_the_operators_aws_region_is_not_where_the_wal_archive_goes() -> None:
    # aws_region is the EBS resizer's region: the stack's eu-west-1 bucket still holds the archive.
    resources, cluster = _stack(aws_or_gcp={"wal_s3_bucket": BACKUP_BUCKET, "aws_region": "us-east-1"})
    assert _every_rule(resources, cluster) == []


def test_a_pod_environment_config_map_archiving_to_another_region_is_blocked() -> None:
    region = eu_region()
    environment = _config_map(region, "pod-env", OPERATOR_NAMESPACE, ELSEWHERE)
    resources, cluster = _stack(environment, pod_environment_configmap=f"{OPERATOR_NAMESPACE}/pod-env")
    assert "us-east-1" in _blocked(resources, cluster)


def test_a_pod_environment_secret_archiving_to_another_region_is_blocked() -> None:
    region = eu_region()
    environment = _secret(region, "pod-env", "app", ELSEWHERE)
    resources, cluster = _stack(environment, pod_environment_secret="pod-env")
    assert "us-east-1" in _blocked(resources, cluster)


def test_a_pod_environment_the_stack_does_not_declare_fails_closed() -> None:
    resources, cluster = _stack(pod_environment_configmap=f"{OPERATOR_NAMESPACE}/pod-env")
    assert "pod-env" in _blocked(resources, cluster, ANONYMISED_ONLY)


def test_a_clusters_env_from_config_map_archiving_to_another_region_is_blocked() -> None:
    # The operator's configuration names no WAL bucket: the cluster's envFrom variables are Spilo's.
    region = eu_region()
    environment = _config_map(region, "wal-env", "app", ELSEWHERE)
    cluster = _cluster(region, envFrom=[{"configMapRef": {"name": "wal-env"}}])
    configuration = _configuration(region, {})
    resources = [*region.resources, configuration, environment, cluster]
    assert "us-east-1" in _blocked(resources, cluster)


def test_a_clusters_env_from_secret_the_stack_does_not_declare_fails_closed() -> None:
    region = eu_region()
    cluster = _cluster(region, envFrom=[{"secretRef": {"name": "wal-env"}}])
    resources = [*region.resources, _configuration(region, {}), cluster]
    assert "wal-env" in _blocked(resources, cluster, ANONYMISED_ONLY)


OTHER_ARCHIVES = {
    "OpenStack Swift": {"WALE_SWIFT_PREFIX": "swift://wal/acid-customers"},
    "a Swift bucket": {"WAL_SWIFT_BUCKET": "wal"},
    "a GCS bucket under its other name": {"WAL_GCS_BUCKET": "acme-wal"},
    "a GCS prefix under its other name": {"WALE_GCS_PREFIX": "gs://acme-wal/spilo"},
    "an SSH server": {"WALG_SSH_PREFIX": "ssh://backups.example.net/spilo"},
}


@pytest.mark.parametrize("variables", OTHER_ARCHIVES.values(), ids=OTHER_ARCHIVES.keys())
def test_a_cluster_archiving_beyond_s3_is_blocked(variables: dict[str, str]) -> None:
    # The operator's configuration names no WAL bucket, which leaves the cluster's own archive settings.
    region = eu_region()
    env = [{"name": name, "value": value} for name, value in variables.items()]
    cluster = _cluster(region, env=env)
    resources = [*region.resources, _configuration(region, {}), cluster]
    _blocked(resources, cluster, ANONYMISED_ONLY)


def test_the_operators_bucket_overrides_a_clusters_env_from() -> None:
    # The operator's variables are the container's `env`, which Kubernetes puts before its `envFrom`.
    region = eu_region()
    in_region = _config_map(
        region, "wal-env", "app", {"WAL_S3_BUCKET": BACKUP_BUCKET, "AWS_REGION": "eu-west-1"}
    )
    cluster = _cluster(region, envFrom=[{"configMapRef": {"name": "wal-env"}}])
    configuration = _configuration(region, {"wal_s3_bucket": "acme-wal-us-east-1"})
    resources = [*region.resources, *backup_bucket(region), configuration, in_region, cluster]
    _blocked(resources, cluster, ANONYMISED_ONLY)
