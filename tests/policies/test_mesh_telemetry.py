"""An Istio Telemetry sends what the mesh's proxies see of every request to its providers (reviewer issue #8,
Kubernetes case 2).

The baseline is a cluster whose exporter Deployment reads the PII database, an IstioOperator whose mesh
configuration defines an OpenTelemetry provider served by a collector in the cluster, and a mesh-wide
Telemetry (root namespace `istio-system`) that sends access logs to it. The proxies' access logs and traces
carry the requests of the mesh's workloads (paths, headers, addresses), so a Telemetry is code that reads
what every workload of its cluster reads, and sends it where its providers' services are. Each test changes
one thing: the provider's service is a SaaS ingestion host, a host on the internet, a ServiceEntry host that
resolves outside AWS, Stackdriver, or a provider no mesh configuration defines; the Telemetry names none and
the mesh's default provider is a SaaS host; the mesh configuration is the `istio` ConfigMap's text. Built-in
providers, a disabled entry and a cluster whose workloads read no personal data stay.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.policies.baseline import eu_region
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

NO_PII = "no-pii-replication"
COLLECTOR = "opentelemetry-collector.observability.svc.cluster.local"


def _case(
    service: str = COLLECTOR,
    kind: str = "opentelemetry",
    access_logging: list[dict[str, Any]] | None = None,
    defaults: dict[str, list[str]] | None = None,
    reads_pii: bool = True,
    as_config_map: bool = False,
) -> tuple[list[Res], Res]:
    region = eu_region()
    exporter = Res(
        "kubernetes:apps/v1:Deployment",
        "exporter",
        {
            "metadata": {"name": "exporter", "namespace": "app"},
            "spec": {
                "selector": {"matchLabels": {"app": "exporter"}},
                "template": {
                    "metadata": {"labels": {"app": "exporter"}},
                    "spec": {
                        "containers": [
                            {
                                "name": "exporter",
                                "image": "example/exporter:2.1.0",
                                "env": [
                                    {"name": "DATABASE_HOST", "value": UNKNOWN if reads_pii else "cache"}
                                ],
                            }
                        ]
                    },
                },
            },
        },
        region.kubernetes,
        deps={"spec": [region.database]} if reads_pii else {},
    )
    provider: dict[str, Any] = {"name": "otel", kind: {"service": service, "port": 4317}}
    if kind == "stackdriver":
        provider = {"name": "otel", "stackdriver": {}}
    mesh: dict[str, Any] = {"extensionProviders": [provider]}
    if defaults is not None:
        mesh["defaultProviders"] = defaults
    if as_config_map:
        import yaml

        configuration = Res(
            "kubernetes:core/v1:ConfigMap",
            "istio",
            {
                "metadata": {"name": "istio", "namespace": "istio-system"},
                "data": {"mesh": yaml.safe_dump(mesh)},
            },
            region.kubernetes,
        )
    else:
        configuration = Res(
            "kubernetes:install.istio.io/v1alpha1:IstioOperator",
            "istio",
            {"metadata": {"name": "istio", "namespace": "istio-system"}, "spec": {"meshConfig": mesh}},
            region.kubernetes,
        )
    telemetry = Res(
        "kubernetes:telemetry.istio.io/v1:Telemetry",
        "mesh-default",
        {
            "metadata": {"name": "mesh-default", "namespace": "istio-system"},
            "spec": {"accessLogging": access_logging or [{"providers": [{"name": "otel"}]}]},
        },
        region.kubernetes,
    )
    return [*region.resources, exporter, configuration, telemetry], telemetry


def _about(resources: list[Res], telemetry: Res) -> str:
    return messages([d for d in violations(resources, NO_PII) if d.urn == telemetry.urn])


def test_a_telemetry_sending_to_a_collector_of_its_cluster_stays() -> None:
    resources, _ = _case()
    assert violations(resources, NO_PII) == []
    assert violations(resources, "resource-type-triaged") == []


OUTSIDE = {
    "a SaaS ingestion host": ("otlp.eu01.nr-data.net", "opentelemetry", "New Relic"),
    "a host on the internet": ("logs.observability-vendor.example.com", "envoyOtelAls", "outside AWS"),
    "a namespaced host": ("observability/ingest.tracing-vendor.example.com", "zipkin", "outside AWS"),
    "Stackdriver": ("", "stackdriver", "Google Cloud"),
}


@pytest.mark.parametrize(("service", "kind", "shown"), OUTSIDE.values(), ids=list(OUTSIDE))
def test_a_telemetry_whose_provider_sends_outside_aws_is_blocked(service: str, kind: str, shown: str) -> None:
    resources, telemetry = _case(service, kind)
    found = _about(resources, telemetry)
    assert shown in found and "exporter" in found and "pii-db" in found


def test_a_provider_no_mesh_configuration_defines_fails_closed() -> None:
    resources, telemetry = _case(access_logging=[{"providers": [{"name": "saas-logs"}]}])
    assert "'saas-logs', which no mesh configuration" in _about(resources, telemetry)


def test_the_meshs_default_provider_counts_for_an_entry_that_names_none() -> None:
    resources, telemetry = _case(
        "otlp.eu01.nr-data.net", access_logging=[{}], defaults={"accessLogging": ["otel"]}
    )
    assert "New Relic" in _about(resources, telemetry)


def test_the_mesh_configuration_of_the_istio_config_map_is_read() -> None:
    resources, telemetry = _case("otlp.eu01.nr-data.net", as_config_map=True)
    assert "New Relic" in _about(resources, telemetry)


def test_a_provider_behind_a_service_entry_resolving_outside_aws_is_blocked() -> None:
    resources, telemetry = _case("collector.mesh.internal")
    entry = Res(
        "kubernetes:networking.istio.io/v1:ServiceEntry",
        "collector",
        {
            "metadata": {"name": "collector", "namespace": "istio-system"},
            "spec": {
                "hosts": ["collector.mesh.internal"],
                "endpoints": [{"address": "ingest.tracing-vendor.example.com"}],
                "resolution": "DNS",
                "ports": [{"number": 4317, "name": "grpc", "protocol": "GRPC"}],
            },
        },
        resources[-1].provider,
    )
    assert "ingest.tracing-vendor.example.com" in _about([*resources, entry], telemetry)


STAYS = {
    "the built-in envoy provider": [{"providers": [{"name": "envoy"}]}],
    "a disabled entry": [{"providers": [{"name": "otel"}], "disabled": True}],
}


@pytest.mark.parametrize("access_logging", STAYS.values(), ids=list(STAYS))
def test_providers_that_send_nowhere_stay(access_logging: list[dict[str, Any]]) -> None:
    resources, _ = _case("otlp.eu01.nr-data.net", access_logging=access_logging)
    assert violations(resources, NO_PII) == []


def test_a_mesh_whose_workloads_read_no_personal_data_may_report_anywhere() -> None:
    resources, _ = _case("otlp.eu01.nr-data.net", reads_pii=False)
    assert violations(resources, NO_PII) == []


def test_the_mesh_configuration_of_an_istiod_helm_release_is_read() -> None:
    resources, telemetry = _case("otlp.eu01.nr-data.net")
    operator = next(r for r in resources if r.type.endswith("IstioOperator"))
    release = Res(
        "kubernetes:helm.sh/v3:Release",
        "istiod",
        {
            "chart": "istiod",
            "version": "1.27.1",
            "namespace": "istio-system",
            "repositoryOpts": {"repo": "https://istio-release.storage.googleapis.com/charts"},
            "values": {"meshConfig": operator.props["spec"]["meshConfig"]},
        },
        operator.provider,
    )
    resources = [r for r in resources if r is not operator]
    assert "New Relic" in _about([*resources, release], telemetry)
