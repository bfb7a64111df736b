"""The Fluent Operator's outputs ship the pod logs its Fluent Bit collects on every node.

The Fluent Operator (github.com/fluent/fluent-operator, CRDs at v3.10.0) runs Fluent Bit as a DaemonSet
(`FluentBit`) whose `ClusterInput` `tail` reads `/var/log/containers/*.log` (the operator's chart declares
it by default) and whose `ClusterOutput` and `Output` plugins send what it collects: `es.host`, `loki.host`,
`http.host`, `cloudWatch.region`, `s3.region`, the vendors' `datadog`, `stackdriver`, `azureBlob`,
`azureLogAnalytics`; Fluentd's (`fluentd.fluent.io`) outputs list the same under `spec.outputs[]`. Each
test is the compliant baseline, a PII Deployment reading the baseline's database (whose logs are on the
nodes), the tail input and one output.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import PII
from tests.policies.operator_objects import custom_resource
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

NO_PII = "no-pii-replication"
TRIAGED = "resource-type-triaged"
FLUENT_BIT = "fluentbit.fluent.io/v1alpha2"
FLUENTD = "fluentd.fluent.io/v1alpha1"
ENABLED = {"fluentbit.fluent.io/enabled": "true"}


def _api(region: Region) -> Res:
    container = {
        "name": "api",
        "image": "example/customers-api:1.4",
        "env": [{"name": "PGHOST", "value": UNKNOWN}],
    }
    return Res(
        "kubernetes:apps/v1:Deployment",
        "customers-api",
        {
            "metadata": {"name": "customers-api", "namespace": "app", "labels": dict(PII)},
            "spec": {
                "selector": {"matchLabels": {"app": "customers-api"}},
                "template": {
                    "metadata": {"labels": {"app": "customers-api"}},
                    "spec": {"containers": [container]},
                },
            },
        },
        region.kubernetes,
        deps={"spec": [region.database]},
    )


def _tail(region: Region) -> Res:
    spec = {"tail": {"tag": "kube.*", "path": "/var/log/containers/*.log", "parser": "cri"}}
    return custom_resource(region, FLUENT_BIT, "ClusterInput", "tail", spec, namespace=None, labels=ENABLED)


def _output(
    region: Region, plugin: dict[str, Any], group: str = FLUENT_BIT, kind: str = "ClusterOutput"
) -> Res:
    spec = (
        {"matchRegex": "(?:kube|service)\\.(.*)", **plugin} if group == FLUENT_BIT else {"outputs": [plugin]}
    )
    namespace = None if kind.startswith("Cluster") else "logging"
    return custom_resource(region, group, kind, "out", spec, namespace=namespace, labels=ENABLED)


def _stack(output: Res, region: Region) -> list[Res]:
    return [*region.resources, _api(region), _tail(region), output]


ELSEWHERE = {
    "an Elasticsearch host outside AWS": (
        {"es": {"host": "logs.acme-elastic.es.io", "port": 443}},
        FLUENT_BIT,
    ),
    "CloudWatch in another region": (
        {"cloudWatch": {"region": "us-east-1", "logGroupName": "/eks/app"}},
        FLUENT_BIT,
    ),
    "Google Cloud Logging": ({"stackdriver": {"googleServiceCredentials": "/creds.json"}}, FLUENT_BIT),
    "Datadog": (
        {"datadog": {"apikey": {"valueFrom": {"secretKeyRef": {"name": "dd", "key": "key"}}}}},
        FLUENT_BIT,
    ),
    "a Fluentd output to S3 in another region": (
        {"s3": {"s3Bucket": "acme-logs-us", "s3Region": "us-east-1"}},
        FLUENTD,
    ),
}


@pytest.mark.parametrize(("plugin", "group"), ELSEWHERE.values(), ids=ELSEWHERE.keys())
@pytest.mark.parametrize("kind", ["ClusterOutput", "Output"])
def test_an_output_shipping_the_nodes_pod_logs_elsewhere_copies_the_pii_pods_logs(
    plugin: dict[str, Any], group: str, kind: str
) -> None:
    region = eu_region()
    output = _output(region, plugin, group, kind)
    found = [d for d in violations(_stack(output, region), NO_PII) if d.urn == output.urn]
    assert found, messages(violations(_stack(output, region), NO_PII))
    assert "the logs of kubernetes:apps/v1:Deployment 'customers-api'" in found[0].message


@pytest.mark.parametrize(
    ("plugin", "group"),
    [
        ({"cloudWatch": {"region": "eu-west-1", "logGroupName": "/eks/app"}}, FLUENT_BIT),
        ({"es": {"host": "elasticsearch.logging.svc", "port": 9200}}, FLUENT_BIT),
        ({"cloudWatch": {"region": "eu-west-1", "logGroupName": "/eks/app"}}, FLUENTD),
    ],
    ids=["CloudWatch in region", "Elasticsearch in the cluster", "a Fluentd output to CloudWatch in region"],
)
def test_an_output_shipping_the_logs_within_the_region_passes(plugin: dict[str, Any], group: str) -> None:
    region = eu_region()
    output = _output(region, plugin, group)
    found = [d for rule in (NO_PII, TRIAGED) for d in violations(_stack(output, region), rule)]
    assert found == [], messages(found)


def test_the_operators_inputs_filters_and_fluent_bit_are_triaged() -> None:
    # They collect and transform; only the outputs send. None fails closed for touching the cluster's logs.
    region = eu_region()
    filters = custom_resource(
        region,
        FLUENT_BIT,
        "ClusterFilter",
        "kubernetes",
        {"match": "kube.*", "filters": [{"kubernetes": {}}]},
        namespace=None,
    )
    fluent_bit = custom_resource(
        region,
        FLUENT_BIT,
        "FluentBit",
        "fluent-bit",
        {"image": "ghcr.io/fluent/fluent-operator/fluent-bit:3.1"},
        namespace="logging",
    )
    config = custom_resource(
        region,
        FLUENT_BIT,
        "ClusterFluentBitConfig",
        "fluent-bit-config",
        {"inputSelector": {"matchLabels": ENABLED}, "outputSelector": {"matchLabels": ENABLED}},
        namespace=None,
    )
    stack = [*region.resources, _api(region), _tail(region), filters, fluent_bit, config]
    assert violations(stack, TRIAGED) == []
