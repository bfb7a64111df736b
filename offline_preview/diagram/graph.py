"""What the residency map is made of: places (regions and what lies outside them), nodes and flows."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from offline_preview.inventory import is_unknown

REGION = (
    r"(?:us-gov|us-iso|us-isob|us|eu|ap|sa|ca|me|af|il|mx|cn)-"
    r"(?:north|south|east|west|central|northeast|northwest|southeast|southwest)-\d{1,2}"
)
REGION_PATTERN = re.compile(REGION)
"""An AWS region name; `fullmatch` for a region value, `search` for one inside a hostname or URL."""
REGION_IN_TEXT = re.compile(rf"(?<![a-z0-9-])({REGION})(?![0-9])")

UNTRACEABLE = "untraceable"
"""What crosses, when the source of a copy cannot be traced: it may be anything, personal data included."""
UNCLASSIFIED = "unclassified"
"""What crosses, when the source is a data store without a `data-classification`."""

# Places outside every region: where a flow ends when its far end is not a region of this preview.
UNTRACEABLE_PLACE = "place:untraceable"
OTHER_ACCOUNTS = "place:accounts"
OUTSIDE_AWS = "place:outside-aws"
INTERNET = "place:internet"
OUTSIDE_PROJECT = "place:outside-project"
NO_REGION = "place:no-region"
DELETED = "place:deleted"

PLACE_TITLES = {
    UNTRACEABLE_PLACE: "region not traceable at preview",
    OTHER_ACCOUNTS: "other AWS accounts",
    OUTSIDE_AWS: "outside AWS",
    INTERNET: "the internet",
    OUTSIDE_PROJECT: "networks outside this project",
    NO_REGION: "no region (computed or not regional)",
    DELETED: "deleted by this change",
}

CHANGE_KINDS = frozenset({"create", "update", "delete", "same", "replace"})
"""The operations a deployed-state preview reports per URN, as `pulumi preview` names them."""

CHANGE_RANK = {"same": 0, "update": 1, "replace": 2, "delete": 2, "create": 3}
"""How much of a change an operation is: a flow shows the largest change among the resources making it."""


@dataclass(frozen=True)
class Flow:
    """Data that moves, or can move, from one node to another, and what makes it possible."""

    source: str
    """Key of the node the data leaves."""
    target: str
    """Key of the node the data reaches."""
    what: frozenset[str]
    """The classifications that cross (UNTRACEABLE, UNCLASSIFIED when not known)."""
    how: str
    """The mechanism in words: a copy mechanism of residency_facts, or a network path."""
    via: tuple[str, ...]
    """URNs of the resources that make the flow (the copying resource, the rules that open a path)."""
    network: bool = False
    """A network path (who can connect), rather than a copy the resources declare."""


@dataclass
class Node:
    """One box of the map: a resource of the stack, several data stores of one class, or an outside end."""

    key: str
    """The resource's URN, or a key starting `outside:` for ends that are not resources of the stack."""
    kind: str
    """`store` (holds data), `resource` (copies or exposes data) or `outside`."""
    place: str
    """The region it is in, or a `place:` key."""
    classification: str | None
    lines: list[str]
    """Its label, one entry per line."""
    urns: list[str] = field(default_factory=list)
    """The resources drawn as this node."""
    violations: list[str] = field(default_factory=list)
    """Names of the mandatory policies that reported a violation on it."""
    change: str | None = None
    """The largest change a deployed-state preview reports for its resources."""
    other_account: bool = False
    """An end outside the stack named by an ARN with an account: not shown to be this deployment's."""


def crosses(source: Node, target: Node) -> bool:
    """Whether data moving from one node to the other leaves its region or (possibly) its account."""
    return source.place != target.place or source.other_account or target.other_account


JSON_STEP = "{json}"
EVERY_VALUE = "*"
ANY_DEPTH = "**"
DESCRIBING_KEYS = frozenset({"tags", "tagsAll", "labels", "annotations", "description"})
"""Keys whose values describe a resource rather than configure it: `**` does not step into them (as the
pack's `residency_policies.values`, whose path steps the mechanisms are written in)."""


def _elements(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _descendants(value: Any) -> list[Any]:
    """The value and every value nested in it, describing keys skipped."""
    found: list[Any] = []
    pending = [value]
    while pending:
        item = pending.pop()
        found.append(item)
        if isinstance(item, dict):
            for key, inner in item.items():
                if key not in DESCRIBING_KEYS:
                    pending.extend(_elements(inner))
        elif isinstance(item, list):
            pending.extend(item)
    return found


def _parsed_json(value: Any) -> list[Any]:
    if isinstance(value, str) and not is_unknown(value):
        try:
            return _elements(json.loads(value))
        except ValueError:
            return []
    return _elements(value)


def values_at(value: Any, path: str) -> list[Any]:
    """Every value at a dotted wire-name path (`a.b[].c`), stepping into lists at every level.

    The steps of the pack's mechanisms too: `*` every value of a map, `**` every value at any depth (as the
    last step: every leaf), `{json}` the JSON text (a policy document) parsed before the next step,
    `key[name=value]` the objects at `key` whose `name` holds the value (case-insensitive) or is unknown. An
    unknown value stays unknown through every step: it may hold anything.
    """
    current = [value]
    parts = path.split(".")
    for index, part in enumerate(parts):
        key, _, selector = part.removesuffix("[]").partition("[")
        found: list[Any] = []
        for item in current:
            if is_unknown(item):
                found.append(item)
            elif key == JSON_STEP:
                found.extend(_parsed_json(item))
            elif key == EVERY_VALUE:
                if isinstance(item, dict):
                    for inner in item.values():
                        found.extend(_elements(inner))
            elif key == ANY_DEPTH:
                nested = _descendants(item)
                if index == len(parts) - 1:
                    found.extend(v for v in nested if not isinstance(v, dict | list))
                else:
                    found.extend(v for v in nested if isinstance(v, dict | list))
            elif isinstance(item, dict):
                found.extend(_elements(item.get(key)))
        current = _selected(found, selector.removesuffix("]")) if selector else found
    return current


def _selected(items: list[Any], selector: str) -> list[Any]:
    """The objects whose member holds the selector's value (`name=value`), or may: unknown at preview."""
    name, _, wanted = selector.partition("=")
    kept = []
    for item in items:
        member = item.get(name) if isinstance(item, dict) else item
        if is_unknown(member) or (isinstance(item, dict) and str(member).upper() == wanted.upper()):
            kept.append(item)
    return kept


def top_level(path: str) -> str | None:
    """The top-level input a path starts from (whose property dependencies it shares); None for `*`/`**`."""
    first = path.split(".")[0].partition("[")[0]
    return None if first in (ANY_DEPTH, EVERY_VALUE) else first


def is_set(value: Any) -> bool:
    """A value that says something: not absent, false or empty; an unknown may be anything, so it is set."""
    if is_unknown(value):
        return True
    if isinstance(value, str) and value.lower() == "false":
        return False
    return value not in (None, False, "") and not (isinstance(value, list | dict) and not value)


def strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every known string leaf of a wire value, with its key path."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from strings(inner, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from strings(inner, f"{path}[{index}]")
    elif isinstance(value, str) and not is_unknown(value):
        yield path, value


def known(value: Any) -> str | None:
    """A known, non-empty string, else None."""
    return value if isinstance(value, str) and value and not is_unknown(value) else None
