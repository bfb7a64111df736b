"""A release of a reviewed node log shipper chart reads every pod's logs and is judged on where it sends them.

Fluent Bit, AWS for Fluent Bit, Vector, Promtail and the OpenTelemetry Collector tail the container logs of
every node (`residency_facts/charts.py`): in a cluster whose pods read PII, the release ships what they log,
as a DaemonSet mounting /var/log does (`test_node_log_readers.py`). It is judged as code on the destinations
its values name (environment references resolved from the chart's own environment values, and the region an
output writes to when the values name none), and no longer fails closed for naming the stack's own log group.
Each test is the compliant baseline plus a Deployment reading the PII database and one release.
"""

from __future__ import annotations

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import PII
from tests.policies.helm_releases import release
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations
from tests.policies.test_cluster_access import _database_reader

NO_PII = "no-pii-replication"
TRIAGED = "resource-type-triaged"


def _log_group(region: Region) -> Res:
    """The stack's PII log group of the containers' logs, in eu-west-1 under the stack's key."""
    return Res(
        "aws:cloudwatch/logGroup:LogGroup",
        "containers",
        {"name": "/eks/eu/containers", "kmsKeyId": UNKNOWN, "retentionInDays": 365, "tags": dict(PII)},
        region.provider,
        protect=True,
        deps={"kmsKeyId": [region.key]},
    )


def _outputs(group: str, region_name: str = "eu-west-1") -> str:
    return (
        "[OUTPUT]\n    Name cloudwatch_logs\n    Match *\n"
        f"    region {region_name}\n    log_group_name {group}\n    log_stream_prefix pods-\n"
    )


def _fluent_bit_to(region: Region, logs: Res) -> Res:
    """The fluent-bit chart shipping to the stack's log group, its outputs computed from the group's name."""
    return release(region, "fluent-bit", {"config": {"outputs": UNKNOWN}}, "logging", deps={"values": [logs]})


def test_a_log_shipper_chart_shipping_to_the_stacks_pii_log_group_in_the_region_is_allowed() -> None:
    region = eu_region()
    logs = _log_group(region)
    shipper = _fluent_bit_to(region, logs)
    stack = [*region.resources, _database_reader(region), logs, shipper]
    assert violations(stack, TRIAGED) == [], messages(violations(stack, TRIAGED))
    assert violations(stack, NO_PII) == [], messages(violations(stack, NO_PII))


def test_a_log_shipper_chart_shipping_the_pods_logs_to_another_region_is_a_copy_of_what_they_read() -> None:
    region = eu_region()
    shipper = release(
        region, "fluent-bit", {"config": {"outputs": _outputs("/eks/eu/containers", "us-east-1")}}
    )
    found = violations([*region.resources, _database_reader(region), shipper], NO_PII)
    assert [d.urn for d in found] == [shipper.urn], messages(found)
    assert "the logs of kubernetes:apps/v1:Deployment 'customer-api'" in found[0].message
    assert "us-east-1" in found[0].message


def _collector(region: Region, target: str) -> Res:
    """The opentelemetry-collector chart tailing the pods' logs, its exporter endpoint an `${env:X}`
    reference to a variable its `extraEnvs` set."""
    return release(
        region,
        "opentelemetry-collector",
        {
            "mode": "daemonset",
            "image": {"repository": "otel/opentelemetry-collector-k8s"},
            "presets": {"logsCollection": {"enabled": True}},
            "extraEnvs": [{"name": "OTLP_TARGET", "value": target}],
            "config": {
                "exporters": {"otlp/backend": {"endpoint": "${env:OTLP_TARGET}"}},
                "service": {"pipelines": {"logs": {"receivers": ["filelog"], "exporters": ["otlp/backend"]}}},
            },
        },
        "observability",
    )


def test_a_collector_chart_whose_exporter_endpoint_is_an_environment_reference_sends_where_it_points() -> (
    None
):
    region = eu_region()
    collector = _collector(region, "https://api.honeycomb.io:443")
    stack = [*region.resources, _database_reader(region), collector]
    found = violations(stack, NO_PII)
    assert [d.urn for d in found] == [collector.urn], messages(found)
    assert "to eu-west-1 and outside AWS" in found[0].message
    triaged = violations(stack, TRIAGED)
    assert [d.urn for d in triaged] == [collector.urn], messages(triaged)
    assert "https://api.honeycomb.io:443 (an endpoint outside AWS" in triaged[0].message


def test_a_collector_chart_whose_environment_reference_points_into_the_cluster_is_allowed() -> None:
    region = eu_region()
    collector = _collector(region, "gateway.observability.svc:4317")
    stack = [*region.resources, _database_reader(region), collector]
    assert violations(stack, NO_PII) == [], messages(violations(stack, NO_PII))
    assert violations(stack, TRIAGED) == [], messages(violations(stack, TRIAGED))


@pytest.mark.parametrize(
    ("values", "blocked"),
    [
        ({"cloudWatchLogs": {"logGroupName": "/eks/eu/containers"}}, True),
        ({"cloudWatchLogs": {"logGroupName": "/eks/eu/containers", "region": "eu-west-1"}}, False),
        (
            {"cloudWatchLogs": {"enabled": False}, "firehose": {"enabled": True, "deliveryStream": "logs"}},
            True,
        ),
        ({"cloudWatchLogs": {"enabled": False}}, False),
    ],
    ids=["default-region", "region-named", "enabled-output-default-region", "every-output-off"],
)
def test_a_log_shipper_chart_writes_where_its_outputs_default_to_when_its_values_name_no_region(
    values: dict[str, object], blocked: bool
) -> None:
    # aws-for-fluent-bit's outputs write to us-east-1 unless the values name a region; CloudWatch Logs is on
    # by default.
    region = eu_region()
    shipper = release(region, "aws-for-fluent-bit", values, "logging")
    found = violations([*region.resources, _database_reader(region), shipper], NO_PII)
    assert [d.urn for d in found] == ([shipper.urn] if blocked else []), messages(found)
    if blocked:
        assert "to eu-west-1, us-east-1" in found[0].message


def test_a_log_shipper_chart_in_a_cluster_whose_pods_read_no_pii_ships_no_pii() -> None:
    region = eu_region()
    reader = _database_reader(region)
    reader.deps = {}
    shipper = release(region, "fluent-bit", {"config": {"outputs": _outputs("/x", "us-east-1")}})
    assert violations([*region.resources, reader, shipper], NO_PII) == []


def test_a_log_shipper_chart_reading_a_configuration_map_of_the_stack_sends_where_it_says() -> None:
    # The chart's `existingConfigMap` replaces its own configuration with the stack's ConfigMap.
    region = eu_region()
    config = Res(
        "kubernetes:core/v1:ConfigMap",
        "shipper-config",
        {
            "metadata": {"name": "shipper-config", "namespace": "logging"},
            "data": {
                "fluent-bit.conf": "[OUTPUT]\n    Name es\n    Host logs.es.europe-west1.gcp.cloud.es.io\n"
            },
        },
        region.kubernetes,
    )
    shipper = release(region, "fluent-bit", {"existingConfigMap": "shipper-config"}, "logging")
    found = violations([*region.resources, _database_reader(region), config, shipper], NO_PII)
    assert [d.urn for d in found] == [shipper.urn], messages(found)
    assert "outside AWS" in found[0].message


@pytest.mark.parametrize(
    ("change", "shown"),
    [
        ({"repository": "https://charts.example.com"}, "it is installed from charts.example.com"),
        (
            {
                "values": {
                    "config": {"outputs": UNKNOWN},
                    "extraContainers": [{"name": "x", "image": "acme/x:1"}],
                }
            },
            "its values run the image acme/x:1",
        ),
        (
            {"values": {"config": {"outputs": UNKNOWN}, "extraObjects": [{"kind": "CronJob"}]}},
            "its values add objects of their own (extraObjects)",
        ),
    ],
    ids=["other-repository", "other-image", "extra-objects"],
)
def test_a_reviewed_chart_whose_release_the_review_does_not_cover_fails_closed_as_an_opaque_one(
    change: dict[str, object], shown: str
) -> None:
    # The review holds for the chart as published and for its own images: anything else in the release may
    # read the log group it names, as an unreviewed chart may.
    region = eu_region()
    logs = _log_group(region)
    shipper = _fluent_bit_to(region, logs)
    if "repository" in change:
        shipper.props["repositoryOpts"] = {"repo": change["repository"]}
    if "values" in change:
        shipper.props["values"] = change["values"]
    found = violations([*region.resources, _database_reader(region), logs, shipper], TRIAGED)
    assert [d.urn for d in found] == [shipper.urn], messages(found)
    assert shown in found[0].message
    assert "aws:cloudwatch/logGroup:LogGroup 'containers' (pii)" in found[0].message
