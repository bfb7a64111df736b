"""Where code sends is read after its configuration's references to its environment variables are resolved.

A collector's exporter `endpoint: ${env:BACKEND}` (the OpenTelemetry Collector's `${env:NAME}`, and `${NAME}`,
opentelemetry.io/docs/collector/configuration/#environment-variables) names the URL its `BACKEND` variable
holds; Kubernetes expands `$(NAME)` in a container's `command`, `args` and `env` values from the variables
declared before it (kubernetes.io/docs/tasks/inject-data-application/define-interdependent-environment-
variables/), a shell `$NAME` and `${NAME}`. The variables are those the object sets (`env` lists, an
OpenTelemetryCollector's `spec.env`) and those of the ConfigMaps and Secrets it takes them from. Each test is
the compliant baseline plus code whose destination is only such a reference.
"""

from __future__ import annotations

from typing import Any

import pytest

from residency_policies.environment import expanded
from tests.policies.baseline import Region, eu_region
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

NO_PII = "no-pii-replication"
ANONYMISED_ONLY = "anonymised-only-replication"
OUTSIDE = "https://otel.vendor-example.io:4318"
IN_REGION = "https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1234/api/v1/remote_write"


def _collector(region: Region, backend: str, reference: str = "${env:BACKEND}") -> Res:
    """An OpenTelemetry Operator collector, labelled telemetry, whose exporter names only a variable."""
    return Res(
        "kubernetes:opentelemetry.io/v1beta1:OpenTelemetryCollector",
        "traces",
        {
            "metadata": {
                "name": "traces",
                "namespace": "observability",
                "labels": {"data-classification": "telemetry"},
            },
            "spec": {
                "mode": "deployment",
                "env": [{"name": "BACKEND", "value": backend}],
                "config": {
                    "receivers": {"otlp": {"protocols": {"grpc": {"endpoint": "0.0.0.0:4317"}}}},
                    "exporters": {"otlphttp": {"endpoint": reference}},
                    "service": {"pipelines": {"traces": {"receivers": ["otlp"], "exporters": ["otlphttp"]}}},
                },
            },
        },
        region.kubernetes,
    )


@pytest.mark.parametrize(
    "reference", ["${env:BACKEND}", "${BACKEND}", "${env:BACKEND:-http://localhost:4318}"]
)
def test_a_collector_exporting_to_a_variable_that_holds_a_url_outside_aws_copies_telemetry_there(
    reference: str,
) -> None:
    region = eu_region()
    collector = _collector(region, OUTSIDE, reference)
    found = violations([*region.resources, collector], ANONYMISED_ONLY)
    assert [d.urn for d in found] == [collector.urn], messages(found)
    assert "outside AWS" in found[0].message


def test_a_collector_exporting_to_a_variable_that_holds_an_in_region_url_passes() -> None:
    region = eu_region()
    assert violations([*region.resources, _collector(region, IN_REGION)], ANONYMISED_ONLY) == []


def _worker(region: Region, env: list[dict[str, Any]], **container: Any) -> Res:
    """A PII Deployment given the database's address, with more variables."""
    spec = {
        "name": "worker",
        "image": "example/worker:2.0",
        "env": [{"name": "PGHOST", "value": UNKNOWN}, *env],
    }
    return Res(
        "kubernetes:apps/v1:Deployment",
        "worker",
        {
            "metadata": {"name": "worker", "namespace": "app", "labels": {"data-classification": "pii"}},
            "spec": {
                "selector": {"matchLabels": {"app": "worker"}},
                "template": {
                    "metadata": {"labels": {"app": "worker"}},
                    "spec": {"containers": [{**spec, **container}]},
                },
            },
        },
        region.kubernetes,
        deps={"spec": [region.database]},
    )


def test_a_kubernetes_dependent_variable_names_the_url_of_the_variable_it_expands() -> None:
    region = eu_region()
    worker = _worker(
        region,
        [
            {"name": "COLLECTOR", "value": OUTSIDE},
            {"name": "OTEL_EXPORTER_OTLP_ENDPOINT", "value": "$(COLLECTOR)"},
        ],
    )
    found = violations([*region.resources, worker], NO_PII)
    assert [d.urn for d in found] == [worker.urn], messages(found)


def test_a_mounted_configuration_file_refers_to_a_variable_of_the_pods_environment() -> None:
    region = eu_region()
    config = Res(
        "kubernetes:core/v1:ConfigMap",
        "collector",
        {
            "metadata": {"name": "collector", "namespace": "app"},
            "data": {"config.yaml": "exporters:\n  otlphttp:\n    endpoint: ${env:TARGET}\n"},
        },
        region.kubernetes,
    )
    worker = _worker(
        region,
        [{"name": "TARGET", "valueFrom": {"configMapKeyRef": {"name": "targets", "key": "otlp"}}}],
        volumeMounts=[{"name": "conf", "mountPath": "/etc/otel"}],
    )
    worker.props["spec"]["template"]["spec"]["volumes"] = [
        {"name": "conf", "configMap": {"name": "collector"}}
    ]
    targets = Res(
        "kubernetes:core/v1:ConfigMap",
        "targets",
        {"metadata": {"name": "targets", "namespace": "app"}, "data": {"otlp": OUTSIDE}},
        region.kubernetes,
    )
    found = violations([*region.resources, config, targets, worker], NO_PII)
    assert [d.urn for d in found] == [worker.urn], messages(found)


def test_a_shell_command_sends_where_its_variable_points() -> None:
    region = eu_region()
    worker = _worker(
        region,
        [{"name": "LOGS", "value": OUTSIDE}],
        command=["sh", "-c"],
        args=["OTEL_EXPORTER_OTLP_ENDPOINT=$LOGS otel-cli exec -- pg_dump customers"],
    )
    found = violations([*region.resources, worker], NO_PII)
    assert [d.urn for d in found] == [worker.urn], messages(found)


def test_an_alloy_configuration_sends_where_its_sys_env_variable_points() -> None:
    region = eu_region()
    config = Res(
        "kubernetes:core/v1:ConfigMap",
        "alloy",
        {
            "metadata": {"name": "alloy", "namespace": "app"},
            "data": {
                "config.alloy": 'otelcol.exporter.otlphttp "default" {\n  client {\n'
                '    endpoint = sys.env("TARGET")\n  }\n}\n'
            },
        },
        region.kubernetes,
    )
    worker = _worker(
        region,
        [{"name": "TARGET", "valueFrom": {"configMapKeyRef": {"name": "targets", "key": "otlp"}}}],
        volumeMounts=[{"name": "conf", "mountPath": "/etc/alloy"}],
    )
    worker.props["spec"]["template"]["spec"]["volumes"] = [{"name": "conf", "configMap": {"name": "alloy"}}]
    targets = Res(
        "kubernetes:core/v1:ConfigMap",
        "targets",
        {"metadata": {"name": "targets", "namespace": "app"}, "data": {"otlp": OUTSIDE}},
        region.kubernetes,
    )
    found = violations([*region.resources, config, targets, worker], NO_PII)
    assert [d.urn for d in found] == [worker.urn], messages(found)


def test_the_kubernetes_escape_of_a_reference_is_no_reference() -> None:
    """`$$(NAME)` is Kubernetes' escape: the container sees `$(NAME)`, not the variable's value; Alloy's
    `sys.env("NAME")` is a reference."""
    variables = {"NAME": "https://elsewhere.example"}
    assert expanded("--target=$$(NAME)", variables) == "--target=$$(NAME)"
    assert expanded("--target=$(NAME)", variables) == "--target=https://elsewhere.example"
    assert expanded('endpoint = sys.env("NAME")', variables) == "endpoint = https://elsewhere.example"
