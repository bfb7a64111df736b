"""An output that names no region writes where its tool's documented default says (reviewer blind-k8s15 k02,
k06, k10; `residency_facts/sink_defaults.py`).

Fluent Bit's `s3` output defaults to us-east-1, the OpenTelemetry `awss3` exporter to us-east-1 and
`awskinesis` to us-west-2, Confluent's S3 sink to us-west-2, Fluentd's `s3` and Logstash's `s3` to us-east-1
(Fluentd after `AWS_REGION`); Vector's sinks and the `awscloudwatchlogs` exporter take the region the code
runs in; Fluent Bit's CloudWatch and Kinesis outputs require one. An output kind the table does not list,
writing to a bucket the stack does not declare with no region, fails closed. Each test is the compliant
baseline (a CronJob given the PII database's host, mounting a ConfigMap of its exporter's configuration) with
one configuration.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.policies.baseline import eu_region
from tests.policies.copies import store
from tests.policies.helm_releases import release
from tests.policies.policy_harness import Res, messages, violations
from tests.policies.test_code_destinations import _config, _job
from tests.policies.test_container_log_destinations import (
    PARAMETER_ARN,
    _container,
    _parameter,
    _reader,
    _secret_logs,
    _task,
)
from tests.policies.test_kafka_connect import _pipeline

NO_PII = "no-pii-replication"
ARGS = ["pg_dump -Fc -h $PGHOST app > /data/customers.dump"]

FLUENT_BIT_S3 = (
    "[OUTPUT]\n    Name s3\n    Match *\n    bucket customer-logs-archive\n    total_file_size 50M\n"
)
OTEL_S3 = (
    "exporters:\n  awss3:\n    s3uploader:\n      s3_bucket: customer-logs-archive\n      s3_prefix: logs\n"
)
DEFAULTED = {
    "a Fluent Bit s3 output": (FLUENT_BIT_S3, "us-east-1"),
    "a Fluent Bit YAML s3 output": (
        "pipeline:\n  outputs:\n    - name: s3\n      match: '*'\n      bucket: customer-logs-archive\n",
        "us-east-1",
    ),
    "a Fluentd s3 output": (
        "<match app.**>\n  @type s3\n  s3_bucket customer-logs-archive\n  <buffer time>\n    timekey 3600\n"
        "  </buffer>\n</match>\n",
        "us-east-1",
    ),
    "a Logstash s3 output": (
        'input { stdin {} }\noutput {\n  s3 {\n    bucket => "customer-logs-archive"\n'
        '    codec => "json_lines"\n  }\n}\n',
        "us-east-1",
    ),
    "an OpenTelemetry awss3 exporter": (OTEL_S3, "us-east-1"),
    "an OpenTelemetry awskinesis exporter": (
        "exporters:\n  awskinesis/logs:\n    aws:\n      stream_name: customer-logs\n",
        "us-west-2",
    ),
}


def _judged(text: str, env: list[dict[str, Any]] | None = None, extra: list[Res] | None = None) -> list[Any]:
    region = eu_region()
    job = _job(region, ARGS)
    if env:
        job.props["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["env"].extend(env)
    return violations([*region.resources, _config(region, text), job, *(extra or [])], NO_PII)


@pytest.mark.parametrize(("text", "default"), DEFAULTED.values(), ids=DEFAULTED.keys())
def test_an_output_naming_no_region_writes_to_its_tools_default_region(text: str, default: str) -> None:
    found = _judged(text)
    assert len(found) == 1, messages(found)
    assert f"to eu-west-1, {default}" in found[0].message
    assert "names no region, and the default of" in found[0].message


IN_REGION = {
    "a Fluent Bit s3 output": FLUENT_BIT_S3 + "    region eu-west-1\n",
    "a Fluentd s3 output": "<match **>\n  @type s3\n  s3_bucket customer-logs-archive\n"
    "  s3_region eu-west-1\n</match>\n",
    "a Logstash s3 output": 'output { s3 { bucket => "customer-logs-archive" region => "eu-west-1" } }\n',
    "an OpenTelemetry awss3 exporter": OTEL_S3 + "      region: eu-west-1\n",
    "an OpenTelemetry awskinesis exporter": "exporters:\n  awskinesis:\n    aws:\n      stream_name: logs\n"
    "      region: eu-west-1\n",
    # The region the code runs in: the AWS SDK's default chain (`sink_defaults.RegionDefault.ENVIRONMENT`).
    "a Vector aws_s3 sink": "sinks:\n  archive:\n    type: aws_s3\n    inputs: [app]\n"
    "    bucket: customer-logs\n",
    "an OpenTelemetry awscloudwatchlogs exporter": "exporters:\n  awscloudwatchlogs:\n"
    "    log_group_name: app\n",
    # Fluent Bit refuses to start a CloudWatch or Kinesis output without a region: nothing is sent.
    "a Fluent Bit cloudwatch_logs output": "[OUTPUT]\n    Name cloudwatch_logs\n    Match *\n"
    "    log_group_name /eks/app\n",
    "an output naming an endpoint": FLUENT_BIT_S3 + "    endpoint https://s3.eu-west-1.amazonaws.com\n",
}


@pytest.mark.parametrize("text", IN_REGION.values(), ids=IN_REGION.keys())
def test_an_output_in_the_stacks_region_passes(text: str) -> None:
    assert _judged(text) == [], messages(_judged(text))


def test_a_fluentd_s3_output_takes_the_region_its_environment_sets_first() -> None:
    text = "<match **>\n  @type s3\n  s3_bucket customer-logs-archive\n</match>\n"
    assert _judged(text, [{"name": "AWS_REGION", "value": "eu-west-1"}]) == []


def test_an_output_to_the_stacks_own_bucket_writes_to_that_bucket() -> None:
    # A bucket's name is global: S3 keeps the objects in the bucket's region, whatever the client's.
    region = eu_region()
    bucket = store(region, "aws:s3/bucketV2:BucketV2", "logs", {"bucket": "customer-logs-archive"})
    assert _judged(FLUENT_BIT_S3, extra=[bucket]) == [], messages(_judged(FLUENT_BIT_S3, extra=[bucket]))


UNPLACED = {
    "an output kind the table does not list": (
        "[OUTPUT]\n    Name acme_archive\n    Match *\n    bucket customer-logs-archive\n",
        "where its default region is has not been reviewed",
    ),
    "a region the pack cannot resolve": (
        FLUENT_BIT_S3 + "    region ${ARCHIVE_REGION}\n",
        "which names none the pack can read",
    ),
}


@pytest.mark.parametrize(("text", "shown"), UNPLACED.values(), ids=UNPLACED.keys())
def test_an_output_whose_region_cannot_be_told_fails_closed(text: str, shown: str) -> None:
    found = _judged(text)
    assert len(found) == 1, messages(found)
    assert shown in found[0].message and "customer-logs-archive" in found[0].message


def test_an_unlisted_output_kind_writing_to_the_stacks_bucket_is_judged_on_that_bucket() -> None:
    region = eu_region()
    bucket = store(region, "aws:s3/bucketV2:BucketV2", "logs", {"bucket": "customer-logs-archive"})
    text = "[OUTPUT]\n    Name acme_archive\n    Match *\n    bucket customer-logs-archive\n"
    assert _judged(text, extra=[bucket]) == []


@pytest.mark.parametrize(
    ("config", "blocked"),
    [
        ({"s3.bucket.name": "customers-cdc"}, True),
        ({"s3.bucket.name": "customers-cdc", "s3.region": "eu-west-1"}, False),
    ],
    ids=["default-region", "region-named"],
)
def test_a_connectors_s3_sink_naming_no_region_writes_to_us_west_2(
    config: dict[str, str], blocked: bool
) -> None:
    # Confluent's S3 sink: `s3.region` defaults to us-west-2.
    resources = _pipeline(eu_region(), "io.confluent.connect.s3.S3SinkConnector", config)
    found = violations(resources, NO_PII)
    assert bool(found) is blocked, messages(found)
    if blocked:
        assert all("us-west-2" in d.message for d in found), messages(found)


FIRELENS = {
    "s3 naming no region": ({"Name": "s3", "bucket": "customer-logs-archive"}, {}, True),
    "s3 in the region": ({"Name": "s3", "bucket": "customer-logs-archive", "region": "eu-west-1"}, {}, False),
    "s3 whose region is a secret option": (
        {"Name": "s3", "bucket": "customer-logs-archive"},
        {"region": "out"},
        False,
    ),
}


@pytest.mark.parametrize(("options", "secrets", "defaulted"), FIRELENS.values(), ids=FIRELENS.keys())
def test_a_firelens_output_naming_no_region_writes_to_its_plugins_default(
    options: dict[str, str], secrets: dict[str, str], defaulted: bool
) -> None:
    # A FireLens output runs the router's plugin its options name: Fluent Bit's s3 defaults to us-east-1. A
    # region given as a secret option is read through the parameter's value (`lineage_containers`; the bucket
    # the stack does not declare is in an account that cannot be traced, as before).
    region = eu_region()
    bucket, role = _reader(region)
    log = _secret_logs("awsfirelens", options, {k: PARAMETER_ARN.format(name=v) for k, v in secrets.items()})
    task = _task(region, role, _container(log))
    parameter = [_parameter(region, "out", "eu-west-1")] if secrets else []
    found = violations([*region.resources, *parameter, bucket, role, task], NO_PII)
    assert ("in us-east-1: it names no region" in messages(found)) is defaulted, messages(found)


@pytest.mark.parametrize(
    ("text", "blocked"), [(FLUENT_BIT_S3, True), (IN_REGION["a Fluent Bit s3 output"], False)]
)
def test_an_opaque_releases_output_naming_no_region_is_a_region_its_inputs_name(
    text: str, blocked: bool
) -> None:
    # An unreviewed chart's values embedding a log shipper's configuration: its outputs' defaults count as the
    # regions its inputs name (resource-type-triaged), in a stack that holds PII.
    region = eu_region()
    shipper = release(
        region, "acme-log-forwarder", {"config": {"outputs": text}}, "logging", "https://charts.acme.example"
    )
    found = violations([*region.resources, shipper], "resource-type-triaged")
    assert bool(found) is blocked, messages(found)
    if blocked:
        assert "in us-east-1: it names no region" in found[0].message


AIVEN_S3 = "io.aiven.kafka.connect.s3.AivenKafkaConnectS3SinkConnector"


@pytest.mark.parametrize(
    ("config", "blocked"),
    [
        ({"aws.s3.bucket.name": "customers-cdc"}, True),
        ({"aws.s3.bucket.name": "customers-cdc", "aws.s3.region": "eu-west-1"}, False),
    ],
    ids=["no-region", "region-named"],
)
def test_a_sink_connector_the_table_does_not_list_fails_closed_without_a_region(
    config: dict[str, str], blocked: bool
) -> None:
    resources = _pipeline(eu_region(), AIVEN_S3, config)
    found = violations(resources, NO_PII)
    assert bool(found) is blocked, messages(found)
    if blocked:
        assert "policies/residency_facts/sink_defaults.py" in messages(found)
