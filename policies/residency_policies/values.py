"""Reading resource properties that may be unknown at preview, without letting the unknown escape.

pulumi-policy wraps properties in a proxy that raises UnknownValueError when a value is unknown; the SDK
turns an escaping error into an advisory note, which would let an unknown region or source slip through a
mandatory rule. Every read goes through these helpers, which return UNKNOWN instead so that each rule
decides what an unknown means for it.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any, Final

from pulumi_policy.proxy import (
    UNKNOWN_ARCHIVE_VALUE,
    UNKNOWN_ARRAY_VALUE,
    UNKNOWN_ASSET_VALUE,
    UNKNOWN_BOOLEAN_VALUE,
    UNKNOWN_NUMBER_VALUE,
    UNKNOWN_OBJECT_VALUE,
    UNKNOWN_STRING_VALUE,
    UnknownValueError,
)

from residency_facts import SELF

_SENTINELS: Final = frozenset(
    {
        UNKNOWN_ARCHIVE_VALUE,
        UNKNOWN_ARRAY_VALUE,
        UNKNOWN_ASSET_VALUE,
        UNKNOWN_BOOLEAN_VALUE,
        UNKNOWN_NUMBER_VALUE,
        UNKNOWN_OBJECT_VALUE,
        UNKNOWN_STRING_VALUE,
    }
)


class Unknown:
    """A value that is not known until the resource is created, as in `pulumi preview`."""

    def __repr__(self) -> str:
        return "<unknown>"


UNKNOWN: Final = Unknown()


def _is_sentinel(value: Any) -> bool:
    return isinstance(value, str) and value in _SENTINELS


def _clean(value: Any) -> Any:
    return UNKNOWN if _is_sentinel(value) else value


_ABSENT: Final = object()
_PLAIN_SCALARS: Final = frozenset({bool, int, float})
"""Types whose values are read as themselves: neither a container nor possibly a sentinel."""

# The properties the rules read are plain JSON values (`wire`, `model.plain`): dicts, lists, strings,
# numbers, booleans and None. The readers below take those by their exact type first, which gives what the
# generic reading (Mapping, Sequence, the SDK's proxies) gives them at a fraction of the cost: a stack's
# analysis reads its properties hundreds of thousands of times. `tests/policies/test_values.py` holds the
# two readings to the same results.


_NOT_MAPPINGS: Final = frozenset({str, list, bool, int, float, type(None)})
"""The plain types that are no Mapping: `is_mapping` answers for them without asking the ABC."""


def is_mapping(value: Any) -> bool:
    """isinstance(value, Mapping), by exact type first: the ABC's check costs several times a type test, and
    the walkers of a configuration ask it of every node (most of them strings)."""
    kind = type(value)
    if kind is dict:
        return True
    if kind in _NOT_MAPPINGS:
        return False
    return isinstance(value, Mapping)


def child(value: Any, key: str) -> Any:
    """value[key]: None when absent, UNKNOWN when unknown."""
    if type(value) is dict:
        found = value.get(key, _ABSENT)
        if found is _ABSENT:
            return None
        return UNKNOWN if isinstance(found, str) and found in _SENTINELS else found
    if value is UNKNOWN or _is_sentinel(value):
        return UNKNOWN
    if not is_mapping(value):
        return None
    try:
        return _clean(value[key])
    except KeyError:
        return None
    except UnknownValueError:
        return UNKNOWN


def _clean_list(value: list[Any]) -> list[Any]:
    return [UNKNOWN if isinstance(item, str) and item in _SENTINELS else item for item in value]


def elements(value: Any) -> list[Any]:
    """The elements of a list-valued property; a single value counts as one element, None as none."""
    kind = type(value)
    if kind is list:
        return _clean_list(value)
    if kind is dict or kind in _PLAIN_SCALARS:
        return [value]
    if kind is str:
        return [UNKNOWN] if value in _SENTINELS else [value]
    if value is None:
        return []
    if value is UNKNOWN or _is_sentinel(value):
        return [UNKNOWN]
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Sequence):
        return [value]
    items: list[Any] = []
    for index in range(len(value)):
        try:
            items.append(_clean(value[index]))
        except UnknownValueError:
            items.append(UNKNOWN)
    return items


def _add_child(found: list[Any], value: dict[str, Any], key: str) -> None:
    """found.extend(elements(child(value, key))) for a plain dict."""
    inner = value.get(key)
    if inner is None:
        return
    kind = type(inner)
    if kind is list:
        found.extend(_clean_list(inner))
    elif kind is str:
        found.append(UNKNOWN if inner in _SENTINELS else inner)
    elif kind is dict or kind in _PLAIN_SCALARS:
        found.append(inner)
    else:
        found.extend(elements(_clean(inner)))


SKIPPED_KEYS: Final = frozenset({"tags", "tagsAll", "labels", "annotations", "description"})
"""Keys whose values describe a resource rather than configure it: deep scans (`**`) skip them."""

JSON_STEP: Final = "{json}"
SPARK_LOCATIONS_STEP: Final = "{spark-locations}"
NETWORK_CONNECTORS_STEP: Final = "{network-connectors}"
BOOTSTRAP_SERVERS_STEP: Final = "{bootstrap-servers}"
EVERY_VALUE: Final = "*"
ANY_DEPTH: Final = "**"

_SPARK_SETTING = re.compile(r"(?:^|\s)([A-Za-z0-9_.-]+)=(\S+)")
"""One `key=value` of a Spark `--conf` text (`k=v --conf k2=v2`, as Glue and EMR Serverless take it)."""


_NETWORK_CONNECTOR = re.compile(r"""<networkConnector\b[^>]*?\buri\s*=\s*["']([^"']*)["']""", re.IGNORECASE)
_CONNECTOR_SCHEMES = re.compile(r"^(?:static|masterslave|multicast|fanout|failover)\s*:\s*", re.IGNORECASE)


def _network_connectors(value: Any) -> list[Any]:
    """The brokers an ActiveMQ configuration's `<networkConnector uri="static:(ssl://host:61617,...)">`
    elements forward messages to, one URI each (its options after `?` left out)."""
    if value is UNKNOWN or _is_sentinel(value):
        return [UNKNOWN]
    if not isinstance(value, str):
        return []
    found: list[Any] = []
    for uri in _NETWORK_CONNECTOR.findall(value):
        inner = _CONNECTOR_SCHEMES.sub("", uri.strip()).strip("()")
        inner = inner.split(")?")[0].strip("()")
        found.extend(part.split("?")[0].strip() for part in inner.split(",") if part.strip())
    return found


KAFKA_BOOTSTRAP_SERVERS: Final = "bootstrap.servers"


def _bootstrap_servers(value: Any) -> list[Any]:
    """The brokers a Kafka client's properties (a map with `bootstrap.servers`, `host:port,host:port`) connect
    to, each as a URL (`kafka://host:port` when it names no scheme), so that a host on the internet reads as
    outside AWS and an AWS host by the region it names."""
    servers = child(value, KAFKA_BOOTSTRAP_SERVERS) if value is not UNKNOWN else UNKNOWN
    if servers is UNKNOWN or _is_sentinel(servers):
        return [UNKNOWN]
    if not isinstance(servers, str):
        return []
    return [
        server if "://" in server else f"kafka://{server}"
        for server in (part.strip() for part in servers.split(","))
        if server
    ]


def _spark_locations(value: Any) -> list[Any]:
    """The locations a Spark `--conf` text sets (`spark.shuffle.glue.s3ShuffleBucket=s3://bucket/`): every
    value that is a URL, where the job reads or writes; other settings name no place."""
    if value is UNKNOWN or _is_sentinel(value):
        return [UNKNOWN]
    if not isinstance(value, str):
        return []
    return [setting for _, setting in _SPARK_SETTING.findall(value) if "://" in setting]


def _parsed_json(value: Any) -> Any:
    if isinstance(value, str) and not _is_sentinel(value):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return value


def _map_values(value: Any) -> list[Any]:
    if type(value) is dict:
        plain: list[Any] = []
        for key in value:
            _add_child(plain, value, key)
        return plain
    if value is UNKNOWN or _is_sentinel(value):
        return [UNKNOWN]
    if not isinstance(value, Mapping):
        return []
    found: list[Any] = []
    for key in value:
        found.extend(elements(child(value, key)))
    return found


def descendants(value: Any) -> list[Any]:
    """The value and every value nested in it (mappings and lists), described-only keys skipped."""
    found: list[Any] = []
    pending = [value]
    while pending:
        item = pending.pop()
        found.append(item)
        kind = type(item)
        if kind is dict:
            for key in item:
                if key not in SKIPPED_KEYS:
                    _add_child(pending, item, key)
        elif kind is list:
            pending.extend(_clean_list(item))
        elif kind is str or kind in _PLAIN_SCALARS or item is None or item is UNKNOWN:
            continue
        elif isinstance(item, Mapping):
            for key in item:
                if key not in SKIPPED_KEYS:
                    pending.extend(elements(child(item, key)))
        elif isinstance(item, Sequence) and not isinstance(item, str | bytes):
            pending.extend(elements(item))
    return found


def leaves(value: Any) -> list[Any]:
    """Every scalar value nested in a value (UNKNOWN included), described-only keys skipped."""
    return [v for v in descendants(value) if _is_leaf(v)]


def _is_leaf(value: Any) -> bool:
    kind = type(value)
    if kind is dict or kind is list:
        return False
    if kind is str or kind in _PLAIN_SCALARS or value is None or value is UNKNOWN:
        return True
    return not isinstance(value, Mapping) and not _is_list(value)


def _is_list(value: Any) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, str | bytes)


@functools.lru_cache(maxsize=4096)
def _steps(path: str) -> tuple[tuple[str, bool, tuple[str, str] | None], ...]:
    """A path's steps (`[]` removed), each with whether it is the last and its selector (`[name=value]`):
    parsed once per path."""
    parts = path.split(".")
    steps = []
    for index, part in enumerate(parts):
        key, selector = part.removesuffix("[]"), None
        if key.endswith("]") and "[" in key and "=" in key:
            key, _, condition = key[:-1].partition("[")
            name, _, wanted = condition.partition("=")
            selector = (name, wanted.upper())
        steps.append((key, index == len(parts) - 1, selector))
    return tuple(steps)


def _values_at_key(current: list[Any], key: str) -> list[Any]:
    found: list[Any] = []
    for item in current:
        if type(item) is dict:
            _add_child(found, item, key)
        else:
            found.extend(elements(child(item, key)))
    return found


def _selected(items: list[Any], selector: tuple[str, str]) -> list[Any]:
    """The objects whose member `name` holds `value` (case-insensitive; a boolean as `true` / `false`), or is
    unknown at preview (it may hold it); an unknown object may be one."""
    name, wanted = selector
    kept: list[Any] = []
    for item in items:
        if item is UNKNOWN or _is_sentinel(item):
            kept.append(item)
        elif isinstance(item, Mapping):
            member = child(item, name)
            if member is UNKNOWN or _is_sentinel(member):
                kept.append(item)
            elif isinstance(member, bool):
                if str(member).upper() == wanted:
                    kept.append(item)
            elif isinstance(member, str) and member.upper() == wanted:
                kept.append(item)
    return kept


def values_at(props: Any, path: str) -> list[Any]:
    """Every value at a dotted wire-name path; lists are stepped into at every level (`[]` is optional).

    `*` steps into every value of a map, `**` into every value at any depth (as the last step: every leaf)
    and `{json}` parses JSON text (a policy document) before the next step, `{spark-locations}` yields the
    URLs a Spark `--conf` text sets, `{network-connectors}` the broker URIs of an ActiveMQ configuration's
    network connectors, `{bootstrap-servers}` the brokers of a Kafka client's properties
    (`bootstrap.servers`). `key[name=value]` keeps, of the objects at `key`, those whose `name` holds `value`
    (case-insensitive; `true` / `false` for a boolean) or is unknown: a list of name/value parameters, such as
    a Firehose processor's `parameters[parameterName=LambdaArn]`, an option group's
    `optionSettings[name=IAM_ROLE_ARN]`, `keyRegistrations[defaultKey=true]` (the value has no dot).
    """
    current: list[Any] = [props]
    for key, last, selector in _steps(path):
        if not current:
            break
        if selector is not None:
            current = _selected(_values_at_key(current, key), selector)
            continue
        found: list[Any] = []
        for item in current:
            if key == JSON_STEP:
                found.extend(elements(_parsed_json(item)))
            elif key == SPARK_LOCATIONS_STEP:
                found.extend(_spark_locations(item))
            elif key == NETWORK_CONNECTORS_STEP:
                found.extend(_network_connectors(item))
            elif key == BOOTSTRAP_SERVERS_STEP:
                found.extend(_bootstrap_servers(item))
            elif key == EVERY_VALUE:
                found.extend(_map_values(item))
            elif key == ANY_DEPTH:
                if last:
                    found.extend(leaves(item))
                else:
                    # Only objects and lists can hold the next key: an unknown scalar is not a whole object.
                    found.extend(v for v in descendants(item) if isinstance(v, Mapping) or _is_list(v))
            elif type(item) is dict:
                _add_child(found, item, key)
            else:
                found.extend(elements(child(item, key)))
        current = found
    return current


def top_level(path: str) -> str | None:
    """The top-level input a path starts from (whose property dependencies it shares); None for `**...`."""
    first = path.split(".")[0].partition("[")[0]
    return None if first in (ANY_DEPTH, EVERY_VALUE) else first


def value_at(props: Any, path: str) -> Any:
    """The single value at a path: None when absent, UNKNOWN when unknown, else the first found."""
    found = values_at(props, path)
    return found[0] if found else None


def is_set(value: Any) -> bool:
    """A value that says something: not absent, false or empty. An unknown value may be anything, so it is."""
    if value is UNKNOWN:
        return True
    return value not in (None, False, "") and not (isinstance(value, Sequence | Mapping) and len(value) == 0)


def any_set(props: Any, paths: Sequence[str]) -> bool:
    """Whether any of the paths holds a value that says something (SELF always does)."""
    return any(path == SELF or any(is_set(v) for v in values_at(props, path)) for path in paths)


def as_list(value: Any) -> list[Any] | Unknown | None:
    """A list, also from the JSON text that SDKs send for a provider's list-typed inputs."""
    value = _clean(value)
    if value is UNKNOWN:
        return UNKNOWN
    if isinstance(value, str):
        parsed = _parsed_json(value)
        return list(parsed) if isinstance(parsed, list) else None
    if value is None:
        return None
    return elements(value)


def as_mapping(value: Any) -> Mapping[str, Any] | Unknown | None:
    """A mapping, also from the JSON text that SDKs send for a provider's object-typed inputs."""
    value = _clean(value)
    if value is UNKNOWN or is_mapping(value):
        return value
    if isinstance(value, str):
        return _parsed_object(value)
    return None


@functools.lru_cache(maxsize=256)
def _parsed_object(text: str) -> Mapping[str, Any] | None:
    # Every resource of a provider carries the same default-tags text: parse it once. Callers only read it.
    try:
        parsed = json.loads(text)
    except ValueError:
        return None
    return parsed if isinstance(parsed, Mapping) else None


def as_bool(value: Any) -> bool | Unknown | None:
    """A boolean, also from the JSON text `"true"` that SDKs send for a provider's non-string inputs."""
    value = _clean(value)
    if value is UNKNOWN or isinstance(value, bool) or value is None:
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None


def as_number(value: Any) -> float | Unknown | None:
    """A number, also from its text form."""
    value = _clean(value)
    if value is UNKNOWN or value is None:
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def known_strings(values: Sequence[Any]) -> list[str]:
    """The known, non-empty strings among values."""
    return [v for v in values if isinstance(v, str) and v and not _is_sentinel(v)]


def selector_matches(selector: Mapping[str, Any], labels: Mapping[str, Any]) -> bool:
    """Whether labels satisfy a Kubernetes label selector (`matchLabels`, `matchExpressions`)."""
    wanted = as_mapping(child(selector, "matchLabels")) or {}
    if isinstance(wanted, Mapping) and any(labels.get(k) != v for k, v in wanted.items()):
        return False
    for expression in elements(child(selector, "matchExpressions")):
        key, operator = child(expression, "key"), child(expression, "operator")
        values = elements(child(expression, "values"))
        present = key in labels
        held = labels.get(key)
        if operator == "In" and held not in values:
            return False
        if operator == "NotIn" and held in values:
            return False
        if operator == "Exists" and not present:
            return False
        if operator == "DoesNotExist" and present:
            return False
    return True
