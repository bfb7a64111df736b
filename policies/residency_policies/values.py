"""Reading resource properties that may be unknown at preview, without letting the unknown escape.

pulumi-policy wraps properties in a proxy that raises UnknownValueError when a value is unknown; the SDK
turns an escaping error into an advisory note, which would let an unknown region or source slip through a
mandatory rule. Every read goes through these helpers, which return UNKNOWN instead so that each rule
decides what an unknown means for it.
"""

from __future__ import annotations

import functools
import json
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


def child(value: Any, key: str) -> Any:
    """value[key]: None when absent, UNKNOWN when unknown."""
    if value is UNKNOWN or _is_sentinel(value):
        return UNKNOWN
    if not isinstance(value, Mapping):
        return None
    try:
        return _clean(value[key])
    except KeyError:
        return None
    except UnknownValueError:
        return UNKNOWN


def elements(value: Any) -> list[Any]:
    """The elements of a list-valued property; a single value counts as one element, None as none."""
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


def values_at(props: Any, path: str) -> list[Any]:
    """Every value at a dotted wire-name path; lists are stepped into at every level (`[]` is optional)."""
    current: list[Any] = [props]
    for part in path.split("."):
        key = part.removesuffix("[]")
        found: list[Any] = []
        for item in current:
            found.extend(elements(child(item, key)))
        current = found
    return current


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


def as_mapping(value: Any) -> Mapping[str, Any] | Unknown | None:
    """A mapping, also from the JSON text that SDKs send for a provider's object-typed inputs."""
    value = _clean(value)
    if value is UNKNOWN or isinstance(value, Mapping):
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
