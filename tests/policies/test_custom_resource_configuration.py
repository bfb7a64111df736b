"""resource-type-triaged: an untriaged custom resource (or an opaque Helm release) is configured with what the
ConfigMaps and Secrets it takes variables or files from name, wherever its inputs reference them (the
containers of a Tekton Task's steps, a SparkApplication's driver and executors, a chart's `extraEnvFrom` given
as YAML text), and with what the roles it names may reach (reviewer blind-k8s14 a08, a09, a10).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

POLICY = "resource-type-triaged"
INTERNAL = {"data-classification": "internal"}


def _configuration(region: Region, kind: str, name: str, computed_from_the_database: bool) -> Res:
    """A ConfigMap or Secret of namespace `app`, labelled internal, holding the PII database's address (a
    value computed from it) or only a literal host of its own."""
    data = "stringData" if kind == "Secret" else "data"
    return Res(
        f"kubernetes:core/v1:{kind}",
        name,
        {
            "metadata": {"name": name, "namespace": "app", "labels": INTERNAL},
            data: {"PGHOST": UNKNOWN if computed_from_the_database else "reports.internal", "PGPORT": "5432"},
        },
        region.kubernetes,
        deps={data: [region.database]} if computed_from_the_database else {},
    )


def _tekton_task(region: Region, configuration: str) -> Res:
    """A Tekton Task whose step takes its environment from the configuration and uploads a dump."""
    return Res(
        "kubernetes:tekton.dev/v1:Task",
        "offsite-backup",
        {
            "metadata": {"name": "offsite-backup", "namespace": "app"},
            "spec": {
                "steps": [
                    {
                        "name": "dump",
                        "image": "registry.example.com/pg-tools:17",
                        "envFrom": [{"configMapRef": {"name": configuration}}],
                        "script": "pg_dump -Fc > /workspace/app.dump",
                    }
                ]
            },
        },
        region.kubernetes,
    )


def _spark_application(region: Region, secret: str, spark_conf: dict[str, Any] | None = None) -> Res:
    """A SparkApplication whose driver and executors take their environment from the Secret."""
    env_from = [{"secretRef": {"name": secret}}]
    return Res(
        "kubernetes:sparkoperator.k8s.io/v1beta2:SparkApplication",
        "customers-to-lake",
        {
            "metadata": {"name": "customers-to-lake", "namespace": "app"},
            "spec": {
                "type": "Python",
                "mainApplicationFile": "local:///opt/jobs/table_to_parquet.py",
                "sparkConf": spark_conf or {},
                "driver": {"cores": 1, "envFrom": env_from},
                "executor": {"instances": 2, "envFrom": env_from},
            },
        },
        region.kubernetes,
    )


def _airflow_release(region: Region, secret: str) -> Res:
    """The Airflow chart as a Helm v3 release, its `extraEnvFrom` a YAML text naming the Secret."""
    return Res(
        "kubernetes:helm.sh/v3:Release",
        "airflow",
        {
            "name": "airflow",
            "chart": "airflow",
            "namespace": "app",
            "repositoryOpts": {"repo": "https://airflow.apache.org"},
            "values": {
                "executor": "KubernetesExecutor",
                "extraEnvFrom": f"- secretRef:\n    name: {secret}\n",
            },
        },
        region.kubernetes,
    )


def test_a_tekton_task_taking_the_pii_database_address_from_a_config_map_is_blocked() -> None:
    region = eu_region()
    config = _configuration(region, "ConfigMap", "db-config", computed_from_the_database=True)
    task = _tekton_task(region, "db-config")
    found = violations([*region.resources, config, task], POLICY)
    assert [d.urn for d in found] == [task.urn], messages(found)
    assert "kubernetes:tekton.dev/v1:Task is not triaged" in found[0].message
    assert "ConfigMap 'db-config', which it takes its configuration from" in found[0].message
    assert "aws:rds/instance:Instance 'pii-db' (pii)" in found[0].message


def test_a_tekton_task_taking_a_config_map_that_names_no_resident_data_passes() -> None:
    region = eu_region()
    config = _configuration(region, "ConfigMap", "db-config", computed_from_the_database=False)
    assert violations([*region.resources, config, _tekton_task(region, "db-config")], POLICY) == []


def test_a_spark_application_taking_the_pii_database_url_from_a_secret_is_blocked() -> None:
    region = eu_region()
    secret = _configuration(region, "Secret", "customers-jdbc", computed_from_the_database=True)
    application = _spark_application(region, "customers-jdbc")
    found = violations([*region.resources, secret, application], POLICY)
    assert [d.urn for d in found] == [application.urn], messages(found)
    assert "Secret 'customers-jdbc', which it takes its configuration from" in found[0].message


@pytest.mark.parametrize(("account", "blocked"), [("999999999999", True), ("123456789012", False)])
def test_a_spark_application_writing_as_a_role_of_another_account_is_blocked(
    account: str, blocked: bool
) -> None:
    region = eu_region()
    secret = _configuration(region, "Secret", "lake-settings", computed_from_the_database=False)
    application = _spark_application(
        region,
        "lake-settings",
        {
            "spark.hadoop.fs.s3a.bucket.lake.aws.credentials.provider": (
                "org.apache.hadoop.fs.s3a.auth.AssumedRoleCredentialProvider"
            ),
            "spark.hadoop.fs.s3a.bucket.lake.assumed.role.arn": f"arn:aws:iam::{account}:role/lake-writer",
        },
    )
    found = violations([*region.resources, secret, application], POLICY)
    assert [d.urn for d in found] == ([application.urn] if blocked else []), messages(found)
    if blocked:
        assert "a role of account 999999999999" in found[0].message
        assert "outside this deployment's accounts" in found[0].message


@pytest.mark.parametrize("computed_from_the_database", [True, False])
def test_a_chart_whose_extra_env_from_text_names_a_secret_of_the_pii_database_is_blocked(
    computed_from_the_database: bool,
) -> None:
    region = eu_region()
    secret = _configuration(region, "Secret", "airflow-connections", computed_from_the_database)
    release = _airflow_release(region, "airflow-connections")
    found = violations([*region.resources, secret, release], POLICY)
    assert [d.urn for d in found] == ([release.urn] if computed_from_the_database else []), messages(found)
    if computed_from_the_database:
        assert "Secret 'airflow-connections', which it takes its configuration from" in found[0].message


def test_a_region_elsewhere_in_the_secret_an_untriaged_kind_reads_is_blocked() -> None:
    region = eu_region()
    secret = Res(
        "kubernetes:core/v1:Secret",
        "lake-settings",
        {
            "metadata": {"name": "lake-settings", "namespace": "app", "labels": INTERNAL},
            "stringData": {"AIRFLOW_CONN_REPORTS_S3": "aws://?region_name=us-east-1"},
        },
        region.kubernetes,
    )
    application = _spark_application(region, "lake-settings")
    found = violations([*region.resources, secret, application], POLICY)
    assert [d.urn for d in found] == [application.urn], messages(found)
    assert "us-east-1" in found[0].message


# Triaged code of a custom resource reads the same references: an OpenTelemetryCollector's `spec.envFrom` ---


@pytest.mark.parametrize(("where", "blocked"), [("us-east-1", True), ("eu-west-1", False)])
def test_a_collector_taking_the_pii_database_dsn_from_its_env_from_secret_reads_it(
    where: str, blocked: bool
) -> None:
    region = eu_region()
    secret = _configuration(region, "Secret", "customers-dsn", computed_from_the_database=True)
    config = {
        "receivers": {"sqlquery": {"driver": "postgres", "datasource": "host=${env:PGHOST} dbname=app"}},
        "exporters": {"awscloudwatchlogs": {"region": where, "log_group_name": "customers"}},
        "service": {"pipelines": {"logs": {"receivers": ["sqlquery"], "exporters": ["awscloudwatchlogs"]}}},
    }
    collector = Res(
        "kubernetes:opentelemetry.io/v1beta1:OpenTelemetryCollector",
        "customers-export",
        {
            "metadata": {"name": "customers-export", "namespace": "app"},
            "spec": {
                "mode": "deployment",
                "envFrom": [{"secretRef": {"name": "customers-dsn"}}],
                "config": config,
            },
        },
        region.kubernetes,
    )
    found = violations([*region.resources, secret, collector], "no-pii-replication")
    assert [d.urn for d in found] == ([collector.urn] if blocked else []), messages(found)
    if blocked:
        assert "aws:rds/instance:Instance 'pii-db' (pii)" in found[0].message
