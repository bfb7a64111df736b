"""How lineage reads the environment variables that name an operator's object store (Spilo's WAL_S3_BUCKET).

A store of `residency_facts.shapes.ObjectStore` may be named by variables rather than paths: those of a
`{name, value}` list (`env`), and the data of the ConfigMaps and Secrets it names (`env_from`: a
container's `envFrom`, an operator's pod environment, `namespace/name` or a name). A variable keeps the
first value it is given, the list's before the objects', and the objects' in the table's order (the
operator's precedence). A named object the stack does not declare, or whose data is unknown at preview,
cannot be read: it may set any variable, so it fails closed, naming it.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from residency_facts.shapes import NamedObject, ObjectStore

from .lineage_names import of_kinds, traced, untraceable
from .locations import Location, mechanism_key
from .model import Resource
from .values import Unknown, as_mapping, child, value_at, values_at

if TYPE_CHECKING:
    from .lineage import Lineage


class Value(NamedTuple):
    """A store's field: its value, the resource whose input holds it, and that input's path."""

    value: Any
    owner: Resource
    path: str


def store_fields(
    lineage: Lineage, resource: Resource, store: ObjectStore, prefix: str, scope: Any
) -> tuple[dict[str, Value] | None, list[Location]]:
    """The variables a store's fields name, and what cannot be read of them; None for a store whose fields
    are paths of its scope."""
    if not (store.env or store.env_from):
        return None, []
    variables: dict[str, Value] = {}
    if store.env:
        for variable in values_at(scope, store.env):
            name = child(variable, "name")
            if isinstance(name, str):
                variables.setdefault(name, Value(child(variable, "value"), resource, f"{store.env}[].value"))
    missing: list[Location] = []
    for named in store.env_from:
        for found in _environment_objects(lineage, resource, named, missing):
            for name, value in _object_variables(lineage, found, missing).items():
                variables.setdefault(name, value)
    return variables, missing


def field(
    variables: dict[str, Value] | None, resource: Resource, prefix: str, scope: Any, name: str
) -> Value:
    """One field of a store: a variable, or a path of its scope (unset: None)."""
    if variables is not None:
        return variables.get(name, Value(None, resource, name))
    return Value(value_at(scope, name) if name else None, resource, f"{prefix}{name}")


def _environment_objects(
    lineage: Lineage, resource: Resource, named: NamedObject, missing: list[Location]
) -> list[Resource]:
    """The stack's ConfigMaps or Secrets a path names (`namespace/name`, or a name in the referrer's
    namespace, in any namespace when the table says so), in the referrer's cluster."""
    found: list[Resource] = []
    own_namespace = value_at(resource.props, "metadata.namespace")
    kind = named.kind.split(":")[-1]
    for value in values_at(resource.props, named.path):
        if isinstance(value, Unknown):
            missing.extend(traced(lineage, resource, named.path))
            continue
        if not isinstance(value, str) or not value:
            continue
        namespace, _, name = value.rpartition("/")
        wanted = namespace or (None if named.any_namespace else own_namespace)
        matching = [
            r
            for r in of_kinds(lineage, named.kind)
            if r.provider_urn == resource.provider_urn
            and value_at(r.props, "metadata.name") == name
            and (wanted is None or value_at(r.props, "metadata.namespace") == wanted)
        ]
        if not matching:
            missing.append(
                untraceable(
                    f"the {kind} {value!r} whose variables {resource.label} takes ({named.path}), which the "
                    "stack does not declare in its cluster: they may say where it keeps its copies; declare "
                    "it in the stack"
                )
            )
        found.extend(matching)
    return found


def _object_variables(lineage: Lineage, config: Resource, missing: list[Location]) -> dict[str, Value]:
    """A ConfigMap's `data`, or a Secret's `stringData` and base64 `data`, as variables."""
    secret = mechanism_key(config.type) == "core:Secret"
    variables: dict[str, Value] = {}
    for key, encoded in (("stringData", False), ("data", secret)):
        data = as_mapping(child(config.props, key))
        if isinstance(data, Unknown):
            missing.extend(traced(lineage, config, key))
            continue
        for name, value in data.items() if isinstance(data, Mapping) else ():
            text = _decoded(value) if encoded else value
            variables.setdefault(str(name), Value(text, config, f"{key}.{name}"))
    return variables


def _decoded(value: Any) -> Any:
    """A Secret's base64 value as its text (an unknown value stays unknown; one that does not decode is
    read as it is)."""
    if not isinstance(value, str):
        return value
    try:
        return base64.b64decode(value, validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return value
