"""The input properties of a pulumi-aws resource type, read from the SDK's source, in wire (camelCase) names.

The triage's property paths must name inputs that exist: a typo would make a rule read nothing. The SDK's
`<Resource>Args` class and the `*Args` input types it refers to list every input, each with its wire name
(`@pulumi.getter(name="sourceFileSystemId")`, or the Python name when both agree).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

from tests.policies.sdk_types import PACKAGES

Schema = dict[str, "Schema"]
"""Wire name -> the schema of its value (empty for a scalar, a map or a list of scalars)."""

_CLASS = re.compile(r"^class (\w+Args)(?:\([^)]*\))?:\n(.*?)(?=^class |\Z)", re.S | re.M)
_GETTER = re.compile(r"@pulumi\.getter(?:\(name=\"(\w+)\"\))?\n(?:\s+@.*\n)*\s+def (\w+)\(self\) -> ([^:]+):")


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


@cache
def _classes(path: Path) -> dict[str, str]:
    return {match.group(1): match.group(2) for match in _CLASS.finditer(path.read_text())}


@cache
def _resource_file(module_dir: Path, token: str) -> Path | None:
    """The module that defines the resource: the one whose class registers the token."""
    for path in module_dir.glob("*.py"):
        if f"'{token}'" in path.read_text():
            return path
    return None


def _module_dir(service: str) -> Path:
    directory = PACKAGES["aws"] / service
    return directory if directory.is_dir() else PACKAGES["aws"] / f"{service}_"


def _schema(body: str, inputs: Path, seen: frozenset[str]) -> Schema:
    """The wire names a class body declares, each with the schema of the input types it refers to."""
    schema: Schema = {}
    for wire, python, annotation in _GETTER.findall(body):
        nested: Schema = {}
        for inner in re.findall(r"'(\w+Args)'", annotation):
            inner_body = _classes(inputs).get(inner)
            if inner_body is not None and inner not in seen:
                nested.update(_schema(inner_body, inputs, seen | {inner}))
        schema[wire or _camel(python)] = nested
    return schema


@cache
def input_schema(token: str) -> Schema:
    """The inputs of an AWS resource type (empty when the SDK has no such type)."""
    _, module, name = token.split(":")
    directory = _module_dir(module.split("/")[0])
    resource_file = _resource_file(directory, token)
    if resource_file is None:
        return {}
    classes = _classes(resource_file)
    # When an input type already has the resource's name, the SDK calls the resource's `<Name>InitArgs`.
    body = classes.get(f"{name}Args", classes.get(f"{name}InitArgs"))
    return _schema(body, directory / "_inputs.py", frozenset()) if body is not None else {}


_FREE_FORM_STEPS = ("*", "**", "{json}", "{spark-locations}", "{network-connectors}", "{bootstrap-servers}")


def missing_step(schema: Schema, path: str) -> str | None:
    """The first step of a property path that the schema does not have, or None when the path exists.

    Steps that leave the schema (`*`, `**`, `{json}`, `{spark-locations}`,
    `{network-connectors}`, `{bootstrap-servers}`) end the check: what follows is
    free-form. A selector (`optionSettings[name=IAM_ROLE_ARN]`) keeps some of the objects at its key, and
    needs their member.
    """
    current: Any = schema
    for part in path.split("."):
        key, _, selector = part.removesuffix("[]").partition("[")
        if key in _FREE_FORM_STEPS or not isinstance(current, dict) or not current:
            return None
        if key not in current:
            return key
        current = current[key]
        member = selector.partition("=")[0]
        if member and isinstance(current, dict) and current and member not in current:
            return f"{key}[{member}]"
    return None
