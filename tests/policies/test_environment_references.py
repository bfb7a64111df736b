"""Code sends where its configuration points once its references to the environment are expanded.

An exporter endpoint written `${env:BACKEND}` (the OpenTelemetry Collector), `${BACKEND}` (Fluent Bit,
Vector) or `$(BACKEND)` (Kubernetes) sends where the variable says; the URL sits under the variable's name,
not under an endpoint key (`residency_policies/environment.py`). Each test is the compliant baseline plus
code that reads personal data (a collector labelled as the PII traces it receives, or a Deployment reading
the PII database) and one configuration.
"""

from __future__ import annotations

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import PII
from tests.policies.operator_objects import custom_resource
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

NO_PII = "no-pii-replication"
SAAS = "https://otlp.eu.signoz.cloud:443"
IN_CLUSTER = "http://tempo.observability.svc:4318"


def _collector(region: Region, endpoint: str, env: list[dict[str, str]]) -> Res:
    """An OpenTelemetry Operator collector receiving the PII services' traces (labelled pii)."""
    return custom_resource(
        region,
        "opentelemetry.io/v1beta1",
        "OpenTelemetryCollector",
        "traces",
        {
            "mode": "deployment",
            "env": env,
            "config": {
                "receivers": {"otlp": {"protocols": {"grpc": {"endpoint": "0.0.0.0:4317"}}}},
                "exporters": {"otlphttp": {"endpoint": endpoint}},
                "service": {"pipelines": {"traces": {"receivers": ["otlp"], "exporters": ["otlphttp"]}}},
            },
        },
        namespace="observability",
        labels=PII,
    )


@pytest.mark.parametrize(
    ("endpoint", "env", "blocked"),
    [
        ("${env:BACKEND}", [{"name": "BACKEND", "value": SAAS}], True),
        ("${BACKEND}", [{"name": "BACKEND", "value": SAAS}], True),
        ("${env:BACKEND:-" + SAAS + "}", [], True),
        ("${env:BACKEND:-" + SAAS + "}", [{"name": "OTHER", "value": "x"}], True),
        ("${env:BACKEND}", [{"name": "BACKEND", "value": IN_CLUSTER}], False),
        ("${env:BACKEND}", [{"name": "BACKEND", "value": UNKNOWN}], False),
    ],
    ids=["env-syntax", "braced", "default-no-env", "default", "in-cluster", "unknown"],
)
def test_an_operator_collector_exports_where_its_endpoints_environment_reference_points(
    endpoint: str, env: list[dict[str, str]], blocked: bool
) -> None:
    region = eu_region()
    collector = _collector(region, endpoint, env)
    found = violations([*region.resources, collector], NO_PII)
    assert [d.urn for d in found] == ([collector.urn] if blocked else []), messages(found)
    if blocked:
        assert "outside AWS" in found[0].message


def _workload_with_config(region: Region, target: str, reference: str) -> list[Res]:
    """A Deployment reading the PII database whose mounted configuration file sends its events to an
    endpoint written as a reference to a variable of the Deployment's own environment."""
    config = Res(
        "kubernetes:core/v1:ConfigMap",
        "events-config",
        {
            "metadata": {"name": "events-config", "namespace": "app"},
            "data": {"config.yaml": f"exporters:\n  otlphttp:\n    endpoint: {reference}\n"},
        },
        region.kubernetes,
    )
    labels = {"app": "events"}
    deployment = Res(
        "kubernetes:apps/v1:Deployment",
        "events",
        {
            "metadata": {"name": "events", "namespace": "app"},
            "spec": {
                "selector": {"matchLabels": labels},
                "template": {
                    "metadata": {"labels": labels},
                    "spec": {
                        "containers": [
                            {
                                "name": "events",
                                "image": "example/events:1.0",
                                "env": [
                                    {"name": "DB_HOST", "value": UNKNOWN},
                                    {"name": "EVENTS_TARGET", "value": target},
                                ],
                                "volumeMounts": [{"name": "config", "mountPath": "/etc/events"}],
                            }
                        ],
                        "volumes": [{"name": "config", "configMap": {"name": "events-config"}}],
                    },
                },
            },
        },
        region.kubernetes,
        deps={"spec": [region.database]},
    )
    return [config, deployment]


@pytest.mark.parametrize("reference", ["${env:EVENTS_TARGET}", "${EVENTS_TARGET}", "$(EVENTS_TARGET)"])
def test_a_workloads_configuration_file_sends_where_its_own_environment_says(reference: str) -> None:
    region = eu_region()
    objects = _workload_with_config(region, SAAS, reference)
    found = violations([*region.resources, *objects], NO_PII)
    assert [d.urn for d in found] == [objects[1].urn], messages(found)
    assert "outside AWS" in found[0].message


def test_a_workloads_configuration_file_sending_into_its_cluster_through_its_environment_stays() -> None:
    region = eu_region()
    objects = _workload_with_config(region, IN_CLUSTER, "${env:EVENTS_TARGET}")
    assert violations([*region.resources, *objects], NO_PII) == []
