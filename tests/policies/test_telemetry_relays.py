"""Code that reads PII pods' data sends where its exporters say, through any number of in-cluster relays
(reviewer blind-k8s12: l01, l02, l03, l05, l26).

A PII reader's traces or logs reach a relay in the cluster, which sends them on: Fluent Bit forwarding to a
fluentd Deployment behind a Service of the stack (l03), an app exporting OTLP to an OpenTelemetryCollector by
the Service the operator makes for it (`<name>-collector.<namespace>.svc`, l26), a collector the operator
injects as a sidecar into the PII pods (`sidecar.opentelemetry.io/inject`, l02), an Instrumentation it
injects into them (`instrumentation.opentelemetry.io/inject-<language>`, its `spec.exporter.endpoint`, l01).
A relay reads what it is sent and is judged on where it sends. The Datadog Operator's DatadogAgent runs the
agent on every node (every container's logs, metrics and traces) and ships to Datadog's site (l05).
Each test is the compliant baseline (a PII Deployment reading the database), one relay and one change.
"""

from __future__ import annotations

from typing import Any

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import PII
from tests.policies.operator_objects import custom_resource
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

NO_PII = "no-pii-replication"
OTEL = "opentelemetry.io/v1beta1"


def _reader(region: Region, env: list[dict[str, Any]] | None = None, annotations: Any = None) -> Res:
    container = {
        "name": "checkout",
        "image": "example/checkout:5.1",
        "env": [{"name": "PGHOST", "value": UNKNOWN}, *(env or [])],
    }
    template: dict[str, Any] = {"labels": {"app": "checkout"}}
    if annotations is not None:
        template["annotations"] = annotations
    return Res(
        "kubernetes:apps/v1:Deployment",
        "checkout",
        {
            "metadata": {"name": "checkout", "namespace": "app", "labels": dict(PII)},
            "spec": {
                "selector": {"matchLabels": {"app": "checkout"}},
                "template": {"metadata": template, "spec": {"containers": [container]}},
            },
        },
        region.kubernetes,
        deps={"spec": [region.database]},
    )


def _collector(
    region: Region, region_name: str, mode: str = "deployment", namespace: str = "observability"
) -> Res:
    config = {
        "receivers": {"otlp": {"protocols": {"grpc": {"endpoint": "0.0.0.0:4317"}}}},
        "exporters": {"awsxray": {"region": region_name}},
        "service": {"pipelines": {"traces": {"receivers": ["otlp"], "exporters": ["awsxray"]}}},
    }
    return custom_resource(
        region,
        OTEL,
        "OpenTelemetryCollector",
        "gateway",
        {"mode": mode, "config": config},
        namespace=namespace,
    )


def _blocked(resources: list[Res], relay: Res, where: str) -> None:
    found = violations(resources, NO_PII)
    about = messages([d for d in found if d.urn == relay.urn])
    assert "pii" in about and where in about, messages(found)


# OTLP to a collector by the Service the operator makes for it (l26) ------------------------------------


def _otlp_stack(region_name: str, host: str) -> tuple[list[Res], Res]:
    region = eu_region()
    collector = _collector(region, region_name)
    reader = _reader(region, [{"name": "OTEL_EXPORTER_OTLP_ENDPOINT", "value": f"http://{host}:4317"}])
    return [*region.resources, collector, reader], collector


def test_a_collector_exporting_in_region_what_a_pii_reader_sends_it_is_clean() -> None:
    resources, _ = _otlp_stack("eu-west-1", "gateway-collector.observability.svc.cluster.local")
    assert violations(resources, NO_PII) == [], messages(violations(resources, NO_PII))


def test_a_collector_relaying_a_pii_readers_traces_to_another_region_is_blocked() -> None:
    for host in ("gateway-collector.observability.svc.cluster.local", "gateway-collector.observability"):
        resources, collector = _otlp_stack("us-east-1", host)
        _blocked(resources, collector, "us-east-1")


# A sidecar collector injected into the PII pods (l02) ----------------------------------------------------


def test_a_sidecar_collector_injected_into_pii_pods_is_judged_on_its_exporters() -> None:
    for value in ("gateway", "true"):
        region = eu_region()
        collector = _collector(region, "us-east-1", mode="sidecar", namespace="app")
        reader = _reader(region, annotations={"sidecar.opentelemetry.io/inject": value})
        _blocked([*region.resources, collector, reader], collector, "us-east-1")


def test_a_sidecar_collector_not_injected_reads_nothing() -> None:
    region = eu_region()
    collector = _collector(region, "us-east-1", mode="sidecar", namespace="app")
    reader = _reader(region, annotations={"sidecar.opentelemetry.io/inject": "false"})
    resources = [*region.resources, collector, reader]
    assert [d for d in violations(resources, NO_PII) if d.urn == collector.urn] == []


# An Instrumentation injected into the PII pods (l01) ------------------------------------------------------


def test_an_instrumentation_injected_into_pii_pods_exports_where_its_endpoint_says() -> None:
    region = eu_region()
    instrumentation = custom_resource(
        region,
        "opentelemetry.io/v1alpha1",
        "Instrumentation",
        "java",
        {"exporter": {"endpoint": "https://api.honeycomb.io:443"}, "propagators": ["tracecontext"]},
    )
    reader = _reader(region, annotations={"instrumentation.opentelemetry.io/inject-java": "true"})
    _blocked([*region.resources, instrumentation, reader], instrumentation, "outside AWS")


# A log forwarder to an aggregator behind a Service of the stack (l03) ------------------------------------


def _aggregator(region: Region, region_name: str) -> list[Res]:
    config = Res(
        "kubernetes:core/v1:ConfigMap",
        "fluentd-config",
        {
            "metadata": {"name": "fluentd-config", "namespace": "logging"},
            "data": {
                "fluent.conf": "<source>\n  @type forward\n  port 24224\n</source>\n<match kube.**>\n"
                f"  @type cloudwatch_logs\n  region {region_name}\n  log_group_name /eks/app\n</match>\n"
            },
        },
        region.kubernetes,
    )
    fluentd = Res(
        "kubernetes:apps/v1:Deployment",
        "fluentd",
        {
            "metadata": {"name": "fluentd", "namespace": "logging"},
            "spec": {
                "selector": {"matchLabels": {"app": "fluentd"}},
                "template": {
                    "metadata": {"labels": {"app": "fluentd"}},
                    "spec": {
                        "containers": [
                            {
                                "name": "fluentd",
                                "image": "fluent/fluentd-kubernetes-daemonset:v1-debian-cloudwatch",
                                "volumeMounts": [{"name": "config", "mountPath": "/fluentd/etc"}],
                            }
                        ],
                        "volumes": [{"name": "config", "configMap": {"name": "fluentd-config"}}],
                    },
                },
            },
        },
        region.kubernetes,
    )
    service = Res(
        "kubernetes:core/v1:Service",
        "fluentd-svc",
        {
            "metadata": {"name": "fluentd", "namespace": "logging"},
            "spec": {"selector": {"app": "fluentd"}, "ports": [{"port": 24224}]},
        },
        region.kubernetes,
    )
    return [config, fluentd, service]


def _forwarding(region_name: str) -> tuple[list[Res], Res]:
    region = eu_region()
    reader = _reader(region, [{"name": "LOG_FORWARD", "value": "fluentd.logging.svc.cluster.local:24224"}])
    aggregator = _aggregator(region, region_name)
    return [*region.resources, reader, *aggregator], aggregator[1]


def test_an_aggregator_keeping_forwarded_logs_in_region_is_clean() -> None:
    resources, _ = _forwarding("eu-west-1")
    assert violations(resources, NO_PII) == [], messages(violations(resources, NO_PII))


def test_an_aggregator_behind_a_service_relaying_pii_logs_to_another_region_is_blocked() -> None:
    resources, fluentd = _forwarding("us-east-1")
    _blocked(resources, fluentd, "us-east-1")


def test_a_node_log_shipper_forwarding_to_the_aggregator_reaches_it_too() -> None:
    region = eu_region()
    shipper = Res(
        "kubernetes:apps/v1:DaemonSet",
        "fluent-bit",
        {
            "metadata": {"name": "fluent-bit", "namespace": "logging"},
            "spec": {
                "selector": {"matchLabels": {"app": "fluent-bit"}},
                "template": {
                    "metadata": {"labels": {"app": "fluent-bit"}},
                    "spec": {
                        "containers": [
                            {
                                "name": "fluent-bit",
                                "image": "fluent/fluent-bit:3.2",
                                "args": ["-o", "forward://fluentd.logging.svc.cluster.local:24224"],
                                "volumeMounts": [{"name": "logs", "mountPath": "/var/log/pods"}],
                            }
                        ],
                        "volumes": [{"name": "logs", "hostPath": {"path": "/var/log/pods"}}],
                    },
                },
            },
        },
        region.kubernetes,
    )
    aggregator = _aggregator(region, "us-east-1")
    resources = [*region.resources, _reader(region), shipper, *aggregator]
    _blocked(resources, aggregator[1], "us-east-1")


# The Datadog Operator's agent (l05) --------------------------------------------------------------------


def test_a_datadog_agent_on_a_cluster_whose_pods_read_pii_ships_outside_aws() -> None:
    region = eu_region()
    agent = custom_resource(
        region,
        "datadoghq.com/v2alpha1",
        "DatadogAgent",
        "datadog",
        {
            "global": {"site": "datadoghq.eu"},
            "features": {"logCollection": {"enabled": True, "containerCollectAll": True}},
        },
        namespace="datadog",
    )
    _blocked([*region.resources, _reader(region), agent], agent, "outside AWS")
