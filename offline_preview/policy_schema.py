"""Policy config validated as the Pulumi CLI validates it: gojsonschema's draft semantics and messages.

The CLI (pkg/resource/analyzer/config.go, `validatePolicyConfig`) wraps each policy's schema properties in
`{"type": "object", "properties": ..., "required": ...}` and validates with gojsonschema, whose default draft
is a hybrid of draft-04 to draft-07: `exclusiveMinimum: true` (draft-04, a flag beside `minimum`) and
`exclusiveMinimum: 5` (draft-06+, a bound) both work, and `format` is checked. Each error reads
`<field>: <description>` (gojsonschema's DefaultLocale), with `(root): ` trimmed, e.g.
`jurisdiction is required` or `allowedRegions: Array must have at least 1 items`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import jsonschema
from jsonschema import validators
from jsonschema.exceptions import ValidationError

_DRAFT7 = jsonschema.Draft7Validator


def _bound(name: str, limit: str) -> Any:
    """A draft-04/draft-06+ hybrid of `exclusiveMinimum` / `exclusiveMaximum`."""

    def check(validator: Any, value: Any, instance: Any, schema: dict[str, Any]) -> Iterator[ValidationError]:
        if not validator.is_type(instance, "number"):
            return
        if isinstance(value, bool):
            # Draft-04: a flag that makes `minimum` / `maximum` exclusive; the bound itself reports.
            return
        below = instance <= value if limit == "minimum" else instance >= value
        if below:
            yield ValidationError(
                f"{instance} violates {name} {value}", validator=name, validator_value=value
            )

    return check


def _inclusive(limit: str) -> Any:
    """`minimum` / `maximum`, exclusive when a draft-04 `exclusiveMinimum: true` sits beside them."""
    exclusive_key = "exclusiveMinimum" if limit == "minimum" else "exclusiveMaximum"

    def check(validator: Any, value: Any, instance: Any, schema: dict[str, Any]) -> Iterator[ValidationError]:
        if not validator.is_type(instance, "number"):
            return
        exclusive = schema.get(exclusive_key) is True
        if limit == "minimum":
            failed = instance <= value if exclusive else instance < value
        else:
            failed = instance >= value if exclusive else instance > value
        if failed:
            kind = exclusive_key if exclusive else limit
            yield ValidationError(
                f"{instance} violates {kind} {value}", validator=kind, validator_value=value
            )

    return check


HybridValidator = validators.extend(
    _DRAFT7,
    {
        "minimum": _inclusive("minimum"),
        "maximum": _inclusive("maximum"),
        "exclusiveMinimum": _bound("exclusiveMinimum", "minimum"),
        "exclusiveMaximum": _bound("exclusiveMaximum", "maximum"),
    },
)
"""Draft-07 with draft-04's boolean exclusive bounds: gojsonschema's default hybrid draft."""


def _number(value: Any) -> str:
    """A bound as Go prints it: 7, not 7.0."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _type_name(value: Any) -> str:
    """gojsonschema's name for a JSON value's type (an integral number is an integer)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _descriptions(error: ValidationError) -> list[tuple[str, str]]:
    """(field, description) pairs for one jsonschema error, in gojsonschema's words."""
    path = [str(part) for part in error.absolute_path]
    field = ".".join(path) if path else "(root)"
    kind: Any = error.validator
    value: Any = error.validator_value
    instance: Any = error.instance
    if kind == "required":
        missing = [name for name in value if isinstance(instance, dict) and name not in instance]
        return [(field, f"{name} is required") for name in missing]
    if kind == "additionalProperties":
        allowed = set((error.schema.get("properties") or {}) if isinstance(error.schema, dict) else {})
        extra = [name for name in instance if name not in allowed] if isinstance(instance, dict) else []
        return [(field, f"Additional property {name} is not allowed") for name in extra]
    simple = {
        "type": lambda: (
            f"Invalid type. Expected: {value if isinstance(value, str) else '/'.join(value)}, "
            f"given: {_type_name(instance)}"
        ),
        "enum": lambda: (
            f"{path[-1] if path else '(root)'} must be one of the following: "
            + ", ".join(json.dumps(option) for option in value)
        ),
        "minItems": lambda: f"Array must have at least {_number(value)} items",
        "maxItems": lambda: f"Array must have at most {_number(value)} items",
        "uniqueItems": lambda: "array items must be unique",
        "minLength": lambda: f"String length must be greater than or equal to {_number(value)}",
        "maxLength": lambda: f"String length must be less than or equal to {_number(value)}",
        "pattern": lambda: f"Does not match pattern '{value}'",
        "format": lambda: f"Does not match format '{value}'",
        "multipleOf": lambda: f"Must be a multiple of {_number(value)}",
        "minimum": lambda: f"Must be greater than or equal to {_number(value)}",
        "exclusiveMinimum": lambda: f"Must be greater than {_number(value)}",
        "maximum": lambda: f"Must be less than or equal to {_number(value)}",
        "exclusiveMaximum": lambda: f"Must be less than {_number(value)}",
        "minProperties": lambda: f"Must have at least {_number(value)} properties",
        "maxProperties": lambda: f"Must have at most {_number(value)} properties",
        "anyOf": lambda: "Must validate at least one schema (anyOf)",
        "oneOf": lambda: "Must validate one and only one schema (oneOf)",
        "allOf": lambda: "Must validate all the schemas (allOf)",
        "not": lambda: "Must not validate the schema (not)",
        "const": lambda: f"{path[-1] if path else '(root)'} does not match: {json.dumps(value)}",
    }
    describe = simple.get(str(kind))
    return [(field, describe() if describe else error.message)]


def validation_errors(schema: dict[str, Any], document: dict[str, Any]) -> list[str]:
    """Every error of `document` against `schema`, as the CLI words them (sorted, `(root): ` trimmed)."""
    validator = HybridValidator(schema, format_checker=jsonschema.FormatChecker())
    errors: list[str] = []
    for error in validator.iter_errors(document):
        for field, description in _descriptions(error):
            errors.append(description if field == "(root)" else f"{field}: {description}")
    return sorted(errors)
