"""OpenSearch Ingestion pipeline bodies: the Data Prepper YAML an `aws.osis.Pipeline` runs.

A body (`pipelineConfigurationBody`) holds a `version` and one or more sub-pipelines by name, each with one
`source` plugin, a list of `processor` plugins and a list of `sink` plugins (each a mapping of the plugin's
name to its settings). What a plugin names is read by its settings, as Data Prepper's documentation of the
plugins gives them (opensearch.org/docs/latest/data-prepper/pipelines/configuration/; checked for the `s3`,
`dynamodb`, `rds` and `documentdb` sources and the `opensearch` and `s3` sinks): an S3 bucket by `bucket`,
`s3_bucket` or the `name` of a `scan.buckets[].bucket` entry; a region by `region` or `s3_region` (the
plugin's `aws.region`, an export's or a dead-letter queue's); the role it acts as by `sts_role_arn` (or any
`..._role_arn`); hosts by `hosts`, `hostname`, `bootstrap_servers`, `queue_url`; any other value (a table's
`table_arn`, an instance's `db_identifier`, a stream's name) as a name among the resources of the plugin's
service. Other plugins are read the same way, by their settings' names.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from .sdk_payloads import Named

SECTIONS = ("source", "processor", "sink")
PLUGIN_SERVICES: dict[str, tuple[str, ...]] = {
    "s3": ("s3",),
    "dynamodb": ("dynamodb",),
    "rds": ("rds",),
    "documentdb": ("docdb", "rds"),
    "kafka": ("msk", "kafka"),
    "opensearch": ("opensearch", "es", "aoss"),
    "kinesis": ("kinesis",),
    "sqs": ("sqs",),
    "cloudwatch_logs": ("cloudwatch", "logs"),
    "aws_lambda": ("lambda",),
}
"""The services whose resources a plugin's settings name, by plugin (its own name otherwise)."""
_BUCKET_KEYS = frozenset({"bucket", "s3_bucket"})
_REGION_KEYS = frozenset({"region", "s3_region"})
_HOST_KEYS = frozenset({"hosts", "hostname", "host", "bootstrap_servers", "queue_url", "url", "endpoint"})
_NOT_NAMES = frozenset(
    {"codec", "compression", "index", "index_type", "threshold", "object_key", "filter", "acknowledgments"}
)
"""Settings that say how a plugin reads or writes, not what it reads or writes (an index within a domain,
a key prefix within a bucket)."""


@dataclass(frozen=True)
class Plugin:
    """One plugin of one sub-pipeline."""

    pipeline: str
    section: str
    """source, processor or sink."""
    name: str
    settings: Any

    @property
    def label(self) -> str:
        """How a message names it (`crm-pipeline sink opensearch`)."""
        return f"{self.pipeline} {self.section} {self.name}"


@dataclass(frozen=True)
class Reading:
    """What one plugin's settings name."""

    names: tuple[Named, ...]
    regions: tuple[str, ...]
    roles: tuple[str, ...]
    """The ARNs of the roles it acts as."""
    hosts: tuple[str, ...]


def plugins(body: str) -> list[Plugin] | None:
    """The plugins of a body, or None when it is not Data Prepper YAML (it does not parse as a mapping)."""
    parsed = _load(body)
    if not isinstance(parsed, Mapping):
        return None
    found: list[Plugin] = []
    for pipeline, spec in parsed.items():
        if not isinstance(spec, Mapping):
            continue
        for section in SECTIONS:
            for entry in _entries(spec.get(section)):
                for name, settings in entry.items():
                    found.append(Plugin(str(pipeline), section, str(name), settings))
    return found


@functools.lru_cache(maxsize=64)
def _load(body: str) -> Any:
    try:
        return yaml.safe_load(body)
    except yaml.YAMLError:
        return None


def _entries(value: Any) -> list[Mapping[str, Any]]:
    if isinstance(value, Mapping):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, Mapping)]
    return []


def read(plugin: Plugin) -> Reading:
    """What a plugin's settings name (see the module's docstring)."""
    names: list[Named] = []
    regions: list[str] = []
    roles: list[str] = []
    hosts: list[str] = []
    services = PLUGIN_SERVICES.get(plugin.name, (plugin.name,))

    def visit(value: Any, key: str, parent: str, member: str) -> None:
        if isinstance(value, Mapping):
            for inner, item in value.items():
                if str(inner) not in _NOT_NAMES:
                    visit(item, str(inner), key, f"{member}.{inner}")
            return
        if isinstance(value, list):
            for item in value:
                visit(item, key, parent, member)
            return
        if not isinstance(value, str) or not value:
            return
        if key in _REGION_KEYS:
            regions.append(value)
        elif key.endswith("role_arn"):
            roles.append(value)
        elif key in _HOST_KEYS:
            hosts.append(value)
        elif key in _BUCKET_KEYS or (key == "name" and parent == "bucket"):
            names.append(Named(value, ("s3",), member, global_name=True))
        else:
            names.append(Named(value, services, member))

    visit(plugin.settings, plugin.name, "", plugin.label)
    return Reading(tuple(names), tuple(regions), tuple(roles), tuple(hosts))
