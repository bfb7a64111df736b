"""A workload that mounts the node's pod logs or pod volumes reads what every pod on its nodes writes.

Log shippers (Fluent Bit, Vector, the OpenTelemetry collector's filelog receiver) tail the container logs
the kubelet and the container runtime keep under /var/log/pods and /var/log/containers, mounted from the
node by a hostPath volume; a hostPath on /var/lib/kubelet/pods reads the pods' volumes. In a cluster whose
pods read PII, such a workload reads what they write, and is judged on where its configuration sends it.
Each test is the compliant baseline plus a Deployment reading the PII database and one change.
"""

from __future__ import annotations

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.policy_harness import Res, messages, violations
from tests.policies.test_cluster_access import _database_reader

NO_PII = "no-pii-replication"
TO_ELASTIC_CLOUD = (
    "[INPUT]\n    Name tail\n    Path /var/log/containers/*.log\n"
    "[OUTPUT]\n    Name es\n    Match *\n    Host logs-prod.es.europe-west1.gcp.cloud.es.io\n    Port 443\n"
)
TO_CLOUDWATCH_HERE = (
    "[INPUT]\n    Name tail\n    Path /var/log/containers/*.log\n"
    "[OUTPUT]\n    Name cloudwatch_logs\n    Match *\n    region eu-west-1\n"
    "    log_group_name /eks/eu-apps/containers\n"
)


def _log_shipper(region: Region, config: str, host_path: str = "/var/log") -> list[Res]:
    """A Fluent Bit DaemonSet mounting a node directory and its configuration."""
    config_map = Res(
        "kubernetes:core/v1:ConfigMap",
        "fluent-bit",
        {"metadata": {"name": "fluent-bit", "namespace": "logging"}, "data": {"fluent-bit.conf": config}},
        region.kubernetes,
    )
    labels = {"app": "fluent-bit"}
    daemon_set = Res(
        "kubernetes:apps/v1:DaemonSet",
        "fluent-bit",
        {
            "metadata": {"name": "fluent-bit", "namespace": "logging"},
            "spec": {
                "selector": {"matchLabels": labels},
                "template": {
                    "metadata": {"labels": labels},
                    "spec": {
                        "containers": [
                            {
                                "name": "fluent-bit",
                                "image": "cr.fluentbit.io/fluent/fluent-bit:3.1",
                                "volumeMounts": [
                                    {"name": "node", "mountPath": "/host", "readOnly": True},
                                    {"name": "config", "mountPath": "/fluent-bit/etc/"},
                                ],
                            }
                        ],
                        "volumes": [
                            {"name": "node", "hostPath": {"path": host_path}},
                            {"name": "config", "configMap": {"name": "fluent-bit"}},
                        ],
                    },
                },
            },
        },
        region.kubernetes,
    )
    return [config_map, daemon_set]


def test_a_log_shipper_sending_the_nodes_logs_outside_aws_ships_what_the_pii_pods_write() -> None:
    region = eu_region()
    shipper = _log_shipper(region, TO_ELASTIC_CLOUD)
    found = violations([*region.resources, _database_reader(region), *shipper], NO_PII)
    assert [d.urn for d in found] == [shipper[1].urn], messages(found)
    assert "the logs of kubernetes:apps/v1:Deployment 'customer-api'" in found[0].message
    assert "aws:rds/instance:Instance 'pii-db'" in found[0].message


def test_a_log_shipper_sending_the_nodes_logs_to_this_region_stays() -> None:
    region = eu_region()
    shipper = _log_shipper(region, TO_CLOUDWATCH_HERE)
    assert violations([*region.resources, _database_reader(region), *shipper], NO_PII) == []


def test_a_log_shipper_in_a_cluster_whose_pods_read_no_pii_ships_no_pii() -> None:
    region = eu_region()
    reader = _database_reader(region)
    reader.deps = {}
    assert violations([*region.resources, reader, *_log_shipper(region, TO_ELASTIC_CLOUD)], NO_PII) == []


@pytest.mark.parametrize(
    ("host_path", "reads"),
    [
        ("/var/log/pods", True),
        ("/var/log/containers/", True),
        ("/var/lib/docker/containers", True),
        ("/var/lib/kubelet/pods", True),
        ("/var/lib", True),
        ("/", True),
        ("/etc/machine-id", False),
        ("/var/run/fluent-bit", False),
    ],
)
def test_what_a_host_path_reads_of_the_pods_on_the_node(host_path: str, reads: bool) -> None:
    region = eu_region()
    shipper = _log_shipper(region, TO_ELASTIC_CLOUD, host_path)
    found = violations([*region.resources, _database_reader(region), *shipper], NO_PII)
    assert bool(found) is reads, messages(found)


def _operator_collector(region: Region, endpoint: str) -> Res:
    """An OpenTelemetry Operator collector in DaemonSet mode whose filelog receiver reads the pods' logs."""
    return Res(
        "kubernetes:opentelemetry.io/v1beta1:OpenTelemetryCollector",
        "logs-agent",
        {
            "metadata": {"name": "logs-agent", "namespace": "observability"},
            "spec": {
                "mode": "daemonset",
                "volumes": [{"name": "pods", "hostPath": {"path": "/var/log/pods"}}],
                "volumeMounts": [{"name": "pods", "mountPath": "/var/log/pods", "readOnly": True}],
                "config": {
                    "receivers": {"filelog": {"include": ["/var/log/pods/*/*/*.log"]}},
                    "exporters": {"otlphttp": {"endpoint": endpoint}},
                    "service": {"pipelines": {"logs": {"receivers": ["filelog"], "exporters": ["otlphttp"]}}},
                },
            },
        },
        region.kubernetes,
    )


@pytest.mark.parametrize(
    ("endpoint", "blocked"),
    [("https://otlp.eu01.nr-data.net", True), ("http://collector.observability.svc:4318", False)],
    ids=["vendor", "in-cluster"],
)
def test_an_operator_collector_reading_the_pods_logs_is_judged_on_its_exporters(
    endpoint: str, blocked: bool
) -> None:
    # The OpenTelemetry Operator runs the collector its custom resource configures: code, as a DaemonSet is.
    region = eu_region()
    collector = _operator_collector(region, endpoint)
    found = violations([*region.resources, _database_reader(region), collector], NO_PII)
    assert [d.urn for d in found] == ([collector.urn] if blocked else []), messages(found)
    assert violations([*region.resources, _database_reader(region), collector], "resource-type-triaged") == []
