"""Container definitions of AWS's container services, and where their log drivers send a container's output.

An ECS task definition (`containerDefinitions`) and a Batch job definition (`containerProperties`,
`ecsProperties`, `nodeProperties`) carry their containers as one JSON text. Each container's
`logConfiguration` names a Docker log driver and its `options`: where every line the container writes to its
standard output goes (an application logs the rows it reads). Drivers as ECS documents them (API reference,
`LogConfiguration`: awslogs, awsfirelens, fluentd, gelf, journald, json-file, splunk, syslog; Docker's own
`local`, `none` and `logentries` on EC2 capacity), checked 2026-12-03.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

CONTAINER_DOCUMENTS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "aws:ecs/taskDefinition:TaskDefinition": ("containerDefinitions.{json}",),
        # A daemon task definition takes its containers as a list of objects, not as JSON text.
        "aws:ecs/daemonTaskDefinition:DaemonTaskDefinition": ("containerDefinitions",),
        "aws:batch/jobDefinition:JobDefinition": (
            "containerProperties.{json}",
            "ecsProperties.{json}.taskProperties.containers",
            "nodeProperties.{json}.nodeRangeProperties.container",
            "nodeProperties.{json}.nodeRangeProperties.ecsProperties.taskProperties.containers",
        ),
    }
)
"""Where each type's containers are, as paths (`{json}` parses the text the SDK sends): the JSON inputs hold
a list of containers (ECS; a daemon task definition's is a list of objects), one container (Batch
`containerProperties`), or tasks of containers (Batch ECS and multi-node properties). Batch's
`eksProperties` is a Kubernetes pod, read as such by its text."""

LOCAL_LOG_DRIVERS = frozenset({"json-file", "local", "journald", "none"})
"""Drivers that keep a container's output on the host that runs it (or discard it): nothing leaves."""

LOG_DRIVER_ADDRESSES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "awslogs": ("awslogs-endpoint",),
        "splunk": ("splunk-url",),
        "gelf": ("gelf-address",),
        "syslog": ("syslog-address",),
        "fluentd": ("fluentd-address",),
    }
)
"""Drivers that send a container's output to the address an option names (`awslogs` to CloudWatch Logs in
`awslogs-region`, a region read as any region the configuration names, or at `awslogs-endpoint`; Splunk's
HTTP Event Collector; a Graylog, syslog or Fluentd server): that address is where it goes, whatever host
it names (a URL under such a key is a destination, not a link)."""

OUTSIDE_LOG_DRIVERS: Mapping[str, str] = MappingProxyType({"logentries": "Logentries (Rapid7's log service)"})
"""Drivers that send to their vendor's service by definition, outside AWS."""

FIRELENS_DRIVER = "awsfirelens"
"""FireLens: the task's log router (Fluent Bit or Fluentd) sends the output to the output plugin its options
name (`Name`: `cloudwatch_logs`, `kinesis_firehose`, `kinesis_streams`, `s3`, `es`, `opensearch`, `http`,
`forward`, `datadog`, ...), with the plugin's own options (`region`, `Host`, `bucket`, `delivery_stream`),
read as the configuration's text, and any URL among them as a destination."""

FIRELENS_BUILT_IN_CONFIGS = "/fluent-bit/configs/"
"""Where the AWS for Fluent Bit image keeps the configuration files it ships (`parse-json.conf`,
`minimize-log-loading.conf`: parsers and filters, no output); a log router's `config-file-type` `file`
under this directory adds none. Any other file (in the router's own image, or `s3`) may add outputs the
pack cannot read."""

FIRELENS_PLACE_OPTIONS = frozenset(
    {"host", "uri", "url", "endpoint", "region", "bucket", "delivery_stream", "stream", "log_group_name"}
)
"""The FireLens output options (compared in lower case) that say where the output goes: its host, URL or
endpoint, its region, and the bucket, stream or log group it writes to. Given through `secretOptions` (a
Systems Manager parameter or a Secrets Manager secret), each is read through the value it names; the other
options a secret gives (an API key, a password) name no place."""
