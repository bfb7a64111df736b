"""The outputs a configuration defines, by tool and kind, and where each writes when it names no region.

Read from code's configuration (its inputs, the ConfigMaps and Secrets it reads, a chart's values, a
connector's config): a Fluent Bit `[OUTPUT]` section (classic) or `pipeline.outputs` entry (YAML), a Fluentd
`<match>` or `<store>` directive, a Logstash `output { <plugin> { ... } }`, an OpenTelemetry Collector's
`exporters` (`<type>[/<name>]`), a Vector `sinks` entry (`type`), a FireLens log configuration's `options`
(`Name`, or Fluentd's `@type`), and a Kafka Connect connector (`class` or `connector.class` beside its
config). Each output's options are kept with lower-case, dotted keys.

`default_places` judges them against `residency_facts/sink_defaults.py` (reviewer blind-k8s15 k02, k06, k10):
an output that names a region, or an endpoint, is read by what it names elsewhere; one that names none writes
to its tool's documented default (a FIXED region), or where the code runs (ENVIRONMENT), or nowhere (the tool
requires a region); a kind the table does not list that writes to a bucket, stream or queue the stack does
not declare, with no region, cannot be placed and fails closed. So does an output whose region option holds
no region the pack can read (a reference it cannot resolve), unless it writes to one of the stack's buckets.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Callable, Iterator, Mapping
from typing import Any, NamedTuple

import yaml

from residency_facts.containers import FIRELENS_DRIVER
from residency_facts.sink_defaults import (
    FLUENT_BIT,
    FLUENTD,
    KAFKA_CONNECT,
    LOGSTASH,
    OPENTELEMETRY,
    SINK_DEFAULTS,
    UNREVIEWED_PLACE_WORDS,
    VECTOR,
    RegionDefault,
    SinkDefault,
)

from .attributes import REGION_PATTERN
from .lineage_literals import may_name
from .values import is_mapping


class SinkBlock(NamedTuple):
    """One output of a tool's configuration."""

    tool: str
    kind: str
    options: tuple[tuple[str, str], ...]
    """Its options with string values, keys in lower case (nested keys dotted: `s3uploader.region`)."""

    def option(self, key: str) -> str | None:
        """The value of an option, if it is set."""
        return next((v for k, v in self.options if k == key), None)


class DefaultPlace(NamedTuple):
    """Where an output writes that its configuration does not say: a region, or None (untraceable)."""

    description: str
    region: str | None
    global_place: bool


_DEFAULTS = {(tool, kind.lower()): default for (tool, kind), default in SINK_DEFAULTS.items()}

SECRET_OPTION = "(a FireLens secret option)"
"""The value kept for an option a FireLens configuration takes from a secret, which is read through it."""


def default_places(
    blocks: tuple[SinkBlock, ...],
    variables: Mapping[str, str],
    declared: Callable[[str], bool],
    what: str,
) -> list[DefaultPlace]:
    """The places the outputs of a configuration write to that no option names (see the module); `declared`
    tells a name of the stack's resources, `what` is the configuration's owner, for messages."""
    found: list[DefaultPlace] = []
    for block in blocks:
        default = _DEFAULTS.get((block.tool, block.kind.lower()))
        place = _place(block, default)
        region_keys = default.region_keys if default is not None else ()
        region = next((block.option(k) for k in region_keys if block.option(k) is not None), None)
        if default is None:
            if block.tool == KAFKA_CONNECT and "sink" not in block.kind.lower():
                continue  # A source connector reads: where it writes is its Kafka cluster.
            region = region or next((v for k, v in block.options if _names(k, ("region",))), None)
        endpoint_keys = default.endpoint_keys if default is not None else ("endpoint",)
        if any(block.option(k) for k in endpoint_keys) or (region and REGION_PATTERN.search(region)):
            continue  # An endpoint's host, or the region named, is read as any the configuration names.
        if region == SECRET_OPTION:
            continue
        output = f"the {block.tool} {block.kind} output of {what}"
        in_stack = place is not None and declared(place)
        if region:
            if not (in_stack and (default is None or default.global_place)):
                found.append(_unread_region(output, place, region))
            continue
        if default is None:
            if place is not None and not in_stack:
                found.append(_unreviewed(output, place))
            continue
        if default.how is not RegionDefault.FIXED or (in_stack and default.global_place):
            continue
        if any(REGION_PATTERN.search(variables.get(v, "")) for v in default.variables):
            continue  # The variable it takes first names a region, read as the configuration's.
        target = f" into {place}" if place else ""
        keys = ", ".join(default.region_keys)
        found.append(
            DefaultPlace(
                f"{output} writes{target} in {default.region}: it names no region, and the default of "
                f"{block.kind} is {default.region} ({default.source}); name the stack's region ({keys})",
                default.region,
                default.global_place and not in_stack,
            )
        )
    return found


def _place(block: SinkBlock, default: SinkDefault | None) -> str | None:
    """The bucket, stream or queue an output writes to, by the table's keys (or, for a kind it does not list,
    by an option naming one)."""
    if default is not None:
        return next((v for k in default.place_keys if (v := block.option(k))), None)
    return next((v for k, v in block.options if v and _names(k, UNREVIEWED_PLACE_WORDS)), None)


def _names(key: str, words: tuple[str, ...]) -> bool:
    """Whether a segment of a dotted option key holds one of the words (`aws.s3.bucket.name`: a bucket)."""
    return any(word in segment for segment in key.split(".") for word in words)


def _unread_region(output: str, place: str | None, region: str) -> DefaultPlace:
    target = f" into {place}" if place else ""
    return DefaultPlace(
        f"{output} writes{target} in the region {region!r}, which names none the pack can read (a reference "
        "it cannot resolve): write the region of the stack",
        None,
        True,
    )


def _unreviewed(output: str, place: str) -> DefaultPlace:
    return DefaultPlace(
        f"{output} writes into {place}, which this stack does not declare, and names no region: where its "
        "default region is has not been reviewed, so the bucket or stream may be in any region and account; "
        "name its region, declare it in the stack, or review the kind's default in "
        "policies/residency_facts/sink_defaults.py",
        None,
        True,
    )


# Reading the outputs ---------------------------------------------------------------------------------------


def sink_blocks(values: list[Any]) -> tuple[SinkBlock, ...]:
    """Every output the configuration values define (structures and configuration texts), once each."""
    found: dict[SinkBlock, None] = {}
    for value in values:
        for block in _walk(value):
            found[block] = None
    return tuple(found)


def _walk(value: Any) -> Iterator[SinkBlock]:
    pending = [value]
    while pending:
        item = pending.pop()
        if is_mapping(item):
            yield from _structured(item)
            pending.extend(item[k] for k in item)
        elif isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, str) and ("\n" in item or item.lstrip().startswith("{")):
            yield from _text_blocks(item)


def _structured(item: Mapping[str, Any]) -> Iterator[SinkBlock]:
    """The outputs one mapping of a structure defines: its exporters, sinks, outputs, or a connector."""
    exporters = item.get("exporters")
    if isinstance(exporters, Mapping):
        for key in exporters:
            kind = str(key).split("/", 1)[0]
            yield SinkBlock(OPENTELEMETRY, kind, _options(exporters[key]))
    sinks = item.get("sinks")
    if isinstance(sinks, Mapping):
        for key in sinks:
            sink = sinks[key]
            if is_mapping(sink) and isinstance(sink.get("type"), str):
                yield SinkBlock(VECTOR, sink["type"], _options(sink))
    outputs = item.get("outputs")
    if isinstance(outputs, list):
        for output in outputs:
            if is_mapping(output) and isinstance(output.get("name"), str):
                yield SinkBlock(FLUENT_BIT, output["name"], _options(output))
    options = item.get("options")
    if item.get("logDriver") == FIRELENS_DRIVER and isinstance(options, Mapping):
        # A FireLens output: the task's log router (Fluent Bit, or Fluentd by `@type`) runs the plugin its
        # options name with those options (`residency_facts/containers.py`).
        # An option given through `secretOptions` is read through the secret's value (`lineage_containers`).
        secret = tuple(
            (str(s.get("name", "")).lower(), SECRET_OPTION)
            for s in item.get("secretOptions") or ()
            if isinstance(s, Mapping)
        )
        found = (*_options(options), *secret)
        fluentd = any(k == "@type" for k, _ in found)
        yield _named(FLUENTD if fluentd else FLUENT_BIT, list(found), "@type" if fluentd else "name")
    connector_class = item.get("connector.class")
    if isinstance(connector_class, str):
        yield SinkBlock(KAFKA_CONNECT, connector_class, _options(item))
    elif isinstance(item.get("class"), str) and is_mapping(item.get("config")):
        yield SinkBlock(KAFKA_CONNECT, item["class"], _options(item["config"]))


def _options(value: Any, prefix: str = "") -> tuple[tuple[str, str], ...]:
    """A block's options with string values (numbers and booleans as text), nested keys dotted, lower case."""
    found: list[tuple[str, str]] = []
    if is_mapping(value):
        for key in value:
            inner, name = value[key], f"{prefix}{str(key).lower()}"
            if is_mapping(inner):
                found.extend(_options(inner, f"{name}."))
            elif isinstance(inner, str | int | float) and not isinstance(inner, bool):
                found.append((name, str(inner).strip().strip("\"'")))
    return tuple(found)


_WORDS = ("[output]", "<match", "<store", "=>", "exporters", "sinks", "outputs", "connector.class")
"""What a text must hold for one of the readers below to find an output in it."""


@functools.lru_cache(maxsize=1024)
def _text_blocks(text: str) -> tuple[SinkBlock, ...]:
    """The outputs a configuration text defines, once per text (the telemetry SQL holds none)."""
    if not may_name(text, _WORDS):
        return ()
    lowered = text.lower()
    found: list[SinkBlock] = []
    if "[output]" in lowered:
        found.extend(_fluent_bit(text))
    if "<match" in lowered or "<store" in lowered:
        found.extend(_fluentd(text))
    if "=>" in text and "output" in lowered:
        found.extend(_logstash(text))
    if any(w in lowered for w in ("exporters", "sinks", "outputs", "connector.class")):
        parsed = structure_of(text)
        if isinstance(parsed, Mapping | list):
            found.extend(b for b in _walk(parsed))
    return tuple(found)


_SECTION = re.compile(r"^\s*\[([A-Za-z_]+)\]\s*$")


def _fluent_bit(text: str) -> Iterator[SinkBlock]:
    """Fluent Bit's classic configuration: `[OUTPUT]` sections of `Key value` lines."""
    options: list[tuple[str, str]] | None = None
    for line in [*text.splitlines(), "[END]"]:
        section = _SECTION.match(line)
        if section:
            if options is not None:
                yield _named(FLUENT_BIT, options, "name")
            options = [] if section.group(1).upper() == "OUTPUT" else None
            continue
        parts = line.strip().split(None, 1)
        if options is not None and len(parts) == 2 and not parts[0].startswith("#"):
            options.append((parts[0].lower(), parts[1].strip()))


_DIRECTIVE = re.compile(r"^\s*<(/?)([a-z]+)\b[^>]*>\s*$", re.IGNORECASE)


def _fluentd(text: str) -> Iterator[SinkBlock]:
    """Fluentd's `<match>` and `<store>` directives: their own `key value` lines (`@type`), not those of the
    `<buffer>` or `<format>` sections inside them."""
    stack: list[list[tuple[str, str]] | None] = []
    for line in text.splitlines():
        directive = _DIRECTIVE.match(line)
        if directive:
            closing, name = directive.group(1), directive.group(2).lower()
            if closing:
                options = stack.pop() if stack else None
                if options is not None:
                    yield _named(FLUENTD, options, "@type")
            else:
                stack.append([] if name in ("match", "store") else None)
            continue
        parts = line.strip().split(None, 1)
        if stack and stack[-1] is not None and len(parts) == 2 and not parts[0].startswith("#"):
            stack[-1].append((parts[0].lower(), parts[1].strip().strip("\"'")))


_LOGSTASH_OPEN = re.compile(r"([A-Za-z_][\w-]*)\s*\{")
_LOGSTASH_OPTION = re.compile(r"""([A-Za-z_][\w.-]*)\s*=>\s*("[^"]*"|'[^']*'|[^\s{}\[\]]+)""")


def _logstash(text: str) -> Iterator[SinkBlock]:
    """Logstash's `output { <plugin> { key => value ... } ... }`: each plugin's own options."""
    depth, in_output, plugin_depth = 0, False, 0
    plugin: str | None = None
    options: list[tuple[str, str]] = []
    position = 0
    for match in re.finditer(r"[A-Za-z_][\w-]*\s*\{|\{|\}", text):
        token = match.group(0)
        segment = text[position : match.start()]
        position = match.end()
        if plugin is not None:
            options.extend((k.lower(), v.strip("\"'")) for k, v in _LOGSTASH_OPTION.findall(segment))
        if token == "}":
            if plugin is not None and depth == plugin_depth:
                yield SinkBlock(LOGSTASH, plugin, tuple(options))
                plugin, options = None, []
            depth -= 1
            if depth <= 0:
                in_output, depth = False, 0
            continue
        depth += 1
        name = _LOGSTASH_OPEN.match(token)
        word = name.group(1) if name else ""
        if depth == 1:
            in_output = word == "output"
        elif in_output and plugin is None and depth == 2 and word and word not in ("if", "else"):
            plugin, plugin_depth, options = word, depth, []


def structure_of(text: str) -> Any:
    """A configuration file's structure when it is YAML (JSON included) or TOML, else None."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        pass
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None


def _named(tool: str, options: list[tuple[str, str]], key: str) -> SinkBlock:
    kind = next((v for k, v in options if k == key), "")
    return SinkBlock(tool, kind, tuple(options))
