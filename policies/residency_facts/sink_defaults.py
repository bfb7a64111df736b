"""Where the AWS outputs of log shippers, collectors and connectors write when their configuration names no
region: each tool's documented default, reviewed (reviewer blind-k8s15 k02, k06, k10).

A Fluent Bit `[OUTPUT]`, a Fluentd `<match>` / `<store>`, a Logstash `output { ... }` plugin, an OpenTelemetry
Collector exporter, a Vector sink and a Kafka Connect connector are read by their kind (their plugin's name,
their exporter's type, their connector's class). An output that names its region writes there (the region
is read as any region a configuration names); one that names none writes where its tool's default says:

- FIXED: a region the tool's code sets (Fluent Bit's `s3` output: us-east-1), unless the container's
  environment sets one of `variables` first (Fluentd's `s3_region` takes `AWS_REGION`);
- ENVIRONMENT: the AWS SDK's default region chain (`AWS_REGION`, the shared configuration, the node's instance
  metadata): the region the code runs in, or a variable its environment sets, which the pack reads;
- REQUIRED: the tool refuses to start without one, so nothing is sent.

A bucket's name is global (`global_place`): an output that names one of the stack's buckets writes to it,
wherever its client's region points. A stream's, a queue's or a log group's name is resolved in the client's
region. A kind this table does not list, writing to a bucket or a stream the stack does not declare with no
region, cannot be placed: it fails closed, naming the kind to review here. Sources checked 2026-12-03.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import NamedTuple


class RegionDefault(StrEnum):
    """How a tool chooses the region of an output that names none."""

    FIXED = "a region the tool's code sets"
    ENVIRONMENT = "the AWS SDK's default region chain (the region the code runs in)"
    REQUIRED = "none: the tool refuses to start without a region"


FLUENT_BIT = "Fluent Bit"
FLUENTD = "Fluentd"
LOGSTASH = "Logstash"
OPENTELEMETRY = "OpenTelemetry Collector"
VECTOR = "Vector"
KAFKA_CONNECT = "Kafka Connect"


class SinkDefault(NamedTuple):
    """One output kind of one tool: the keys that name its region, endpoint and place, and its default."""

    how: RegionDefault
    region_keys: tuple[str, ...]
    place_keys: tuple[str, ...]
    """The options that name the bucket, stream, queue or log group it writes to (lower case, dotted)."""
    source: str
    region: str = ""
    """The region a FIXED default names."""
    variables: tuple[str, ...] = ()
    """Environment variables a FIXED default takes first (`ENV["AWS_REGION"] || "us-east-1"`)."""
    endpoint_keys: tuple[str, ...] = ("endpoint",)
    """Options that name an endpoint, judged by its host instead."""
    global_place: bool = False
    """The place is an S3 bucket, whose name is global."""


_OTEL = "opentelemetry-collector-contrib"
_AWSUTIL = f"{_OTEL} internal/aws/awsutil/conn.go GetAWSConfig: config, then AWS_REGION, then EC2 metadata"

SINK_DEFAULTS: Mapping[tuple[str, str], SinkDefault] = MappingProxyType(
    {
        (FLUENT_BIT, "s3"): SinkDefault(
            RegionDefault.FIXED,
            ("region",),
            ("bucket",),
            "docs.fluentbit.io/manual/pipeline/outputs/s3: region, Default us-east-1",
            region="us-east-1",
            global_place=True,
        ),
        **{
            (FLUENT_BIT, kind): SinkDefault(
                RegionDefault.REQUIRED,
                ("region",),
                places,
                f"fluent-bit plugins/out_{kind}: \"'region' is a required field\", the output fails to start",
            )
            for kind, places in (
                ("cloudwatch_logs", ("log_group_name",)),
                ("kinesis_firehose", ("delivery_stream",)),
                ("kinesis_streams", ("stream",)),
            )
        },
        (FLUENTD, "s3"): SinkDefault(
            RegionDefault.FIXED,
            ("s3_region",),
            ("s3_bucket",),
            "fluent-plugin-s3 lib/fluent/plugin/out_s3.rb: config_param :s3_region, default: "
            'ENV["AWS_REGION"] || "us-east-1"',
            region="us-east-1",
            variables=("AWS_REGION",),
            endpoint_keys=("s3_endpoint",),
            global_place=True,
        ),
        **{
            (LOGSTASH, kind): SinkDefault(
                RegionDefault.FIXED,
                ("region",),
                places,
                "logstash-mixin-aws lib/logstash/plugin_mixins/aws_config/generic.rb: config :region, "
                "default US_EAST_1 (the s3, sqs, sns and cloudwatch outputs)",
                region="us-east-1",
                global_place=kind == "s3",
            )
            for kind, places in (("s3", ("bucket",)), ("sqs", ("queue",)), ("sns", ()), ("cloudwatch", ()))
        },
        (OPENTELEMETRY, "awss3"): SinkDefault(
            RegionDefault.FIXED,
            ("s3uploader.region",),
            ("s3uploader.s3_bucket",),
            f"{_OTEL} exporter/awss3exporter/factory.go createDefaultConfig: S3Uploader Region us-east-1",
            region="us-east-1",
            endpoint_keys=("s3uploader.endpoint",),
            global_place=True,
        ),
        (OPENTELEMETRY, "awskinesis"): SinkDefault(
            RegionDefault.FIXED,
            ("aws.region",),
            ("aws.stream_name",),
            f"{_OTEL} exporter/awskinesisexporter/factory.go createDefaultConfig: AWS Region us-west-2",
            region="us-west-2",
            endpoint_keys=("aws.kinesis_endpoint",),
        ),
        **{
            (OPENTELEMETRY, kind): SinkDefault(RegionDefault.ENVIRONMENT, ("region",), places, _AWSUTIL)
            for kind, places in (("awscloudwatchlogs", ("log_group_name",)), ("awsemf", ()), ("awsxray", ()))
        },
        **{
            (VECTOR, kind): SinkDefault(
                RegionDefault.ENVIRONMENT,
                ("region",),
                places,
                "vector.dev/docs/reference/configuration/sinks/: `region` optional; Vector's AWS sinks take "
                "the AWS SDK's default region provider chain when it is unset",
                global_place=kind == "aws_s3",
            )
            for kind, places in (
                ("aws_s3", ("bucket",)),
                ("aws_kinesis_streams", ("stream_name",)),
                ("aws_kinesis_firehose", ("stream_name",)),
                ("aws_cloudwatch_logs", ("group_name",)),
                ("aws_cloudwatch_metrics", ()),
                ("aws_sqs", ("queue_url",)),
                ("aws_sns", ("topic_arn",)),
            )
        },
        (KAFKA_CONNECT, "io.confluent.connect.s3.S3SinkConnector"): SinkDefault(
            RegionDefault.FIXED,
            ("s3.region",),
            ("s3.bucket.name",),
            "docs.confluent.io Amazon S3 Sink connector configuration reference: s3.region, "
            "Default us-west-2",
            region="us-west-2",
            endpoint_keys=("store.url",),
            global_place=True,
        ),
        (KAFKA_CONNECT, "com.amazon.kinesis.kafka.AmazonKinesisSinkConnector"): SinkDefault(
            RegionDefault.REQUIRED,
            ("region",),
            ("streamname",),
            "awslabs/kinesis-kafka-connector AmazonKinesisSinkConfig: region defined with no default "
            "(required)",
        ),
        (KAFKA_CONNECT, "com.amazon.kinesis.kafka.FirehoseSinkConnector"): SinkDefault(
            RegionDefault.ENVIRONMENT,
            ("region",),
            ("deliverystream",),
            "awslabs/kinesis-kafka-connector FirehoseSinkTask: withRegion only when set, else the AWS SDK's "
            "default region chain",
            endpoint_keys=("kinesisendpoint",),
        ),
        (KAFKA_CONNECT, "org.apache.camel.kafkaconnector.awss3sink.CamelAwss3sinkSinkConnector"): SinkDefault(
            RegionDefault.REQUIRED,
            ("camel.kamelet.aws-s3-sink.region",),
            ("camel.kamelet.aws-s3-sink.bucketnameorarn",),
            "camel.apache.org camel-aws-s3-sink-kafka-connector: region Required",
        ),
    }
)
"""Each reviewed output kind, by tool and kind (a Kafka Connect connector by its class; keys lower case)."""

UNREVIEWED_PLACE_WORDS = ("bucket", "stream", "queue")
"""What an option of an output kind the table does not list names when it says where the output writes: a
bucket, a stream or a delivery stream, a queue (an output that names none writes where its host says)."""
