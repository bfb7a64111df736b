"""A PII reader that sends to its own node's address hands what it reads to the agent listening there
(reviewer blind-k8s16 v05).

The agent-mode collector of the OpenTelemetry docs: the application takes its node's address from the
downward API (`HOST_IP` from `status.hostIP`) and exports to `http://$(HOST_IP):4317`; an agent DaemonSet
publishes port 4317 on every node (`hostPort`, or `hostNetwork`) and exports where its configuration says.
The agent is a relay: it reads what the application reads. A port of the node where nothing the stack
declares listens cannot be judged, and fails closed. The baseline is a PII Deployment and an agent
DaemonSet that keeps what it receives in its X-Ray region.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import PII
from tests.policies.policy_harness import UNKNOWN, Res, kubernetes_provider, messages, violations

NO_PII = "no-pii-replication"
HOST_IP = {"name": "HOST_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.hostIP"}}}


def _reader(region: Region, *env: dict[str, Any]) -> Res:
    """A PII Deployment whose containers' environment is the database's host and `env`."""
    container = {
        "name": "checkout",
        "image": "example/checkout:5.1",
        "env": [{"name": "PGHOST", "value": UNKNOWN}, *env],
    }
    return Res(
        "kubernetes:apps/v1:Deployment",
        "checkout",
        {
            "metadata": {"name": "checkout", "namespace": "app", "labels": dict(PII)},
            "spec": {
                "selector": {"matchLabels": {"app": "checkout"}},
                "template": {
                    "metadata": {"labels": {"app": "checkout"}},
                    "spec": {"containers": [container]},
                },
            },
        },
        region.kubernetes,
        deps={"spec": [region.database]},
    )


def _sending(
    region: Region, endpoint: str = "http://$(HOST_IP):4317", field: dict[str, Any] = HOST_IP
) -> Res:
    return _reader(region, field, {"name": "OTEL_EXPORTER_OTLP_ENDPOINT", "value": endpoint})


def _agent(
    region: Region, region_name: str, port: dict[str, Any] | None = None, host_network: bool = False
) -> list[Res]:
    """An OpenTelemetry Collector DaemonSet on every node, exporting to X-Ray in a region."""
    config = Res(
        "kubernetes:core/v1:ConfigMap",
        "otel-agent",
        {
            "metadata": {"name": "otel-agent", "namespace": "observability"},
            "data": {
                "config.yaml": "receivers:\n  otlp:\n    protocols:\n      grpc:\n"
                "        endpoint: 0.0.0.0:4317\n"
                f"exporters:\n  awsxray:\n    region: {region_name}\n"
                "service:\n  pipelines:\n    traces:\n      receivers: [otlp]\n      exporters: [awsxray]\n"
            },
        },
        region.kubernetes,
    )
    pod: dict[str, Any] = {
        "containers": [
            {
                "name": "collector",
                "image": "otel/opentelemetry-collector-contrib:0.119.0",
                "args": ["--config=/conf/config.yaml"],
                "ports": [port if port is not None else {"containerPort": 4317, "hostPort": 4317}],
                "volumeMounts": [{"name": "conf", "mountPath": "/conf"}],
            }
        ],
        "volumes": [{"name": "conf", "configMap": {"name": "otel-agent"}}],
    }
    if host_network:
        pod["hostNetwork"] = True
    agent = Res(
        "kubernetes:apps/v1:DaemonSet",
        "otel-agent",
        {
            "metadata": {"name": "otel-agent", "namespace": "observability"},
            "spec": {
                "selector": {"matchLabels": {"app": "otel-agent"}},
                "template": {"metadata": {"labels": {"app": "otel-agent"}}, "spec": pod},
            },
        },
        region.kubernetes,
    )
    return [config, agent]


def _about(resources: list[Res], resource: Res) -> str:
    return messages([d for d in violations(resources, NO_PII) if d.urn == resource.urn])


def _relayed(resources: list[Res], agent: Res) -> str:
    about = _about(resources, agent)
    assert "pii" in about and "us-east-1" in about, messages(violations(resources, NO_PII))
    return about


# The agent on the sender's node (v05) --------------------------------------------------------------------

ENDPOINTS = {
    "a URL": "http://$(HOST_IP):4317",
    "host and port": "$(HOST_IP):4317",
    "a braced reference": "${HOST_IP}:4317",
    "a port variable": "http://$(HOST_IP):$(OTLP_PORT)",
}


@pytest.mark.parametrize("endpoint", ENDPOINTS.values(), ids=list(ENDPOINTS))
def test_an_agent_on_the_senders_node_relays_what_it_is_sent(endpoint: str) -> None:
    region = eu_region()
    reader = _sending(region, endpoint)
    reader.props["spec"]["template"]["spec"]["containers"][0]["env"].append(
        {"name": "OTLP_PORT", "value": "4317"}
    )
    agent = _agent(region, "us-east-1")
    about = _relayed([*region.resources, reader, *agent], agent[1])
    assert "status.hostIP" in about and "(hostPort 4317)" in about


@pytest.mark.parametrize("field", ["status.hostIPs", "spec.nodeName"])
def test_every_downward_field_naming_the_node_reaches_its_agent(field: str) -> None:
    region = eu_region()
    variable = {"name": "HOST_IP", "valueFrom": {"fieldRef": {"fieldPath": field}}}
    agent = _agent(region, "us-east-1")
    _relayed([*region.resources, _sending(region, field=variable), *agent], agent[1])


def test_a_host_network_agent_listens_on_its_container_port() -> None:
    region = eu_region()
    agent = _agent(region, "us-east-1", {"containerPort": 4317}, host_network=True)
    assert "(hostNetwork 4317)" in _relayed([*region.resources, _sending(region), *agent], agent[1])


def test_a_node_address_without_a_port_reaches_every_agent_of_the_node() -> None:
    # Datadog's `DD_AGENT_HOST` from `status.hostIP`: the library's default port, which the pack cannot see.
    region = eu_region()
    agent = _agent(region, "us-east-1")
    reader = _reader(
        region, {"name": "DD_AGENT_HOST", "valueFrom": {"fieldRef": {"fieldPath": "status.hostIP"}}}
    )
    _relayed([*region.resources, reader, *agent], agent[1])


def test_an_agent_on_the_senders_node_exporting_in_region_is_clean() -> None:
    region = eu_region()
    resources = [*region.resources, _sending(region), *_agent(region, "eu-west-1")]
    assert violations(resources, NO_PII) == [], messages(violations(resources, NO_PII))


def test_an_agent_on_another_port_reads_nothing_the_sender_sends() -> None:
    region = eu_region()
    agent = _agent(region, "us-east-1", {"containerPort": 2000, "hostPort": 2000})
    resources = [*region.resources, _sending(region), *agent]
    assert _about(resources, agent[1]) == ""


def test_an_agent_of_another_cluster_reads_nothing_the_sender_sends() -> None:
    region = eu_region()
    other = Res("aws:eks/cluster:Cluster", "other", {"version": "1.33", "roleArn": UNKNOWN}, region.provider)
    agent = _agent(region, "us-east-1")
    for resource in agent:
        resource.provider = kubernetes_provider(other, "other-cluster")
    resources = [*region.resources, other, _sending(region), *agent]
    assert _about(resources, agent[1]) == ""


def test_the_pods_own_address_is_no_node_address() -> None:
    region = eu_region()
    own = {"name": "HOST_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}}
    agent = _agent(region, "us-east-1")
    resources = [*region.resources, _sending(region, field=own), *agent]
    assert violations(resources, NO_PII) == [], messages(violations(resources, NO_PII))


# A port of the node nothing of the stack listens on (decision) --------------------------------------------


def test_a_port_of_the_node_no_workload_of_the_stack_listens_on_fails_closed() -> None:
    region = eu_region()
    reader = _sending(region)
    about = _about([*region.resources, reader], reader)
    assert "port 4317 of its node" in about and "declare that agent in the stack" in about, about


def test_a_node_name_kept_for_labels_is_no_destination() -> None:
    region = eu_region()
    reader = _reader(region, {"name": "NODE_NAME", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}})
    resources = [*region.resources, reader]
    assert violations(resources, NO_PII) == [], messages(violations(resources, NO_PII))
