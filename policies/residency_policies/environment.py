"""What configuration says once its references to the environment are expanded, as the code reads it.

Collectors and shippers expand environment variables in their configuration before they use it: the
OpenTelemetry Collector `${env:X}` (and `${env:X:-default}`), Fluent Bit, Vector and Promtail `${X}`, Vector
and shells `$X`, Kubernetes `$(X)` in a container's command, arguments and environment. An exporter whose
endpoint is `${env:OTLP_TARGET}` sends where `OTLP_TARGET` says, and the value may sit under any key: a
container's `env` list, an operator's `spec.env`, a chart's `extraEnvs`. So whatever reads a configuration's
destinations (`lineage_code`: endpoints, hosts, other clouds' stores) reads it expanded, with the variables
the same configuration defines (a workload's own inputs and the ConfigMaps and Secrets it mounts together).

Grafana Alloy's `sys.env("X")` is a reference too; Kubernetes' `$$(X)` is the escape of `$(X)`, not one.
A variable is also defined by a `valueFrom` key of the stack's ConfigMap or Secret the workload reads, and by
the keys of the ConfigMaps and Secrets it mounts or takes variables from (`envFrom`); a name given two values
keeps the first. This module is the pack's one resolver of such references, and reads those objects' data
as the container does (`configuration_texts`).

A reference to a variable the configuration does not define (one from a Secret, unknown at preview) is left as
it is: where it points is not read (`policies/README.md`, "What remains out of reach").
"""

from __future__ import annotations

import base64
import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import yaml

from .lineage_literals import may_name
from .locations import mechanism_key
from .values import Unknown, as_mapping, child, elements, is_mapping

if TYPE_CHECKING:
    from .model import Resource

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_REFERENCE = re.compile(
    rf"\$\{{env:(?P<env>{_NAME})(?::-(?P<env_default>[^}}]*))?\}}"
    rf"|\$\{{(?P<braced>{_NAME})(?::?-(?P<braced_default>[^}}]*))?\}}"
    rf"|(?<!\$)\$\((?P<kubernetes>{_NAME})\)"
    rf"|\$(?P<bare>{_NAME})"
    rf"|sys\.env\(\s*\"(?P<alloy>{_NAME})\"\s*\)"
)
"""A reference to an environment variable, in each syntax the collectors and Kubernetes expand."""
_ENVIRONMENT_KEY = re.compile(r"env", re.IGNORECASE)
"""A key whose map holds environment variables by name (`env`, `extraEnvVars`, `environment`)."""
_VARIABLE = re.compile(rf"^{_NAME}$")


def environment(values: Iterable[Any], configurations: Sequence[Resource] = ()) -> dict[str, str]:
    """The environment variables configuration defines: the `{name, value}` entries of any list (a
    container's `env`, an operator's `spec.env`, a chart's `extraEnvs`; a `valueFrom` key of one of the
    `configurations`, the stack's ConfigMaps and Secrets the workload reads), the string maps under a key
    naming an environment (`extraEnvVars: {X: value}`), and the keys of those objects that name a variable;
    values unknown at preview are not defined."""
    found: dict[str, str] = {}
    pending = list(values)
    while pending:
        item = pending.pop()
        if is_mapping(item):
            name, value = child(item, "name"), child(item, "value")
            reference = value_reference(child(item, "valueFrom"))
            if reference is not None and configurations:
                value, _ = referenced_value(configurations, *reference)
            if isinstance(name, str) and isinstance(value, str) and _VARIABLE.match(name):
                found.setdefault(name, value)
            for key in item:
                inner = child(item, key)
                if _ENVIRONMENT_KEY.search(str(key)) and is_mapping(inner):
                    for variable in inner:
                        text = child(inner, variable)
                        if isinstance(text, str) and _VARIABLE.match(str(variable)):
                            found.setdefault(str(variable), text)
                pending.extend(elements(inner) if isinstance(inner, list) else [inner])
        elif isinstance(item, list):
            pending.extend(elements(item))
    for config in configurations:
        for name, text in configuration_texts(config):
            if isinstance(text, str) and _VARIABLE.match(name):
                found.setdefault(name, text)
    return found


def expanded(value: Any, variables: Mapping[str, str]) -> Any:
    """The value with every reference to a defined variable expanded in its strings (a default given in the
    reference stands for a variable the configuration does not define); the same object when none changes."""
    if isinstance(value, str):
        names, defaults = _references(value)
        return _expanded_text(value, variables) if defaults or names & variables.keys() else value
    if is_mapping(value):
        changed = {key: expanded(child(value, key), variables) for key in value}
        if all(changed[key] is child(value, key) for key in value):
            return value
        return changed
    if isinstance(value, list):
        items = elements(value)
        new = [expanded(item, variables) for item in items]
        return value if all(a is b for a, b in zip(new, items, strict=True)) else new
    return value


_GROUPS = ("env", "braced", "kubernetes", "bare", "alloy")


@functools.lru_cache(maxsize=4096)
def _references(text: str) -> tuple[frozenset[str], bool]:
    """The variables a text refers to, and whether a reference gives a default, once per text (a 100 KB
    configuration file is scanned once)."""
    if "$" not in text and "sys.env" not in text:
        return frozenset(), False
    matches = list(_REFERENCE.finditer(text))
    names = frozenset(name for match in matches for name in (match.group(g) for g in _GROUPS) if name)
    defaults = any(
        match.group("env_default") is not None or match.group("braced_default") is not None
        for match in matches
    )
    return names, defaults


def _expanded_text(text: str, variables: Mapping[str, str]) -> str:
    def replace(match: re.Match[str]) -> str:
        for group in _GROUPS:
            name = match.group(group)
            if name is None:
                continue
            if name in variables:
                return variables[name]
            default = match.groupdict().get(f"{group}_default")
            return default if default is not None else match.group(0)
        return match.group(0)

    return _REFERENCE.sub(replace, text)


ENCODED_DATA = {"core:Secret": "data", "core:ConfigMap": "binaryData"}
"""Where a Secret (its `data`) and a ConfigMap (its `binaryData`) hold base64-encoded values."""


def decoded_data(config: Resource) -> list[tuple[str, str]]:
    """The base64 values of a Secret's `data` or a ConfigMap's `binaryData` that decode to text, with their
    paths: the container reads them decoded, as it reads `stringData`."""
    key = ENCODED_DATA.get(mechanism_key(config.type))
    data = as_mapping(child(config.props, key)) if key else None
    found = []
    for name, value in data.items() if isinstance(data, Mapping) else ():
        if not isinstance(value, str):
            continue
        try:
            text = base64.b64decode(value, validate=True).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            continue
        found.append((f"{key}.{name}", text))
    return found


def configuration_texts(config: Resource) -> list[tuple[str, Any]]:
    """A ConfigMap's or Secret's keys with their values as the container reads them: `data` and `stringData`
    as they are, a Secret's `data` and a ConfigMap's `binaryData` decoded from base64 (a value unknown at
    preview stays unknown; one that does not decode is left out)."""
    encoded = ENCODED_DATA.get(mechanism_key(config.type))
    decoded = dict(decoded_data(config))
    found: list[tuple[str, Any]] = []
    for path in ("data", "stringData", "binaryData"):
        mapping = as_mapping(child(config.props, path))
        for key in mapping if isinstance(mapping, Mapping) else ():
            value = child(mapping, str(key))
            if path != encoded or isinstance(value, Unknown):
                found.append((str(key), value))
            elif f"{path}.{key}" in decoded:
                found.append((str(key), decoded[f"{path}.{key}"]))
    return found


_REFERENCE_NAMES: dict[str, tuple[str, ...]] = {
    "configmapref": ("name",),
    "secretref": ("name",),
    "configmapkeyref": ("name",),
    "secretkeyref": ("name",),
    "configmap": ("name",),
    "secret": ("secretName", "name"),
}
"""Keys whose map names a ConfigMap or Secret, by the member that holds its name: `envFrom`'s
`configMapRef` / `secretRef`, a variable's `valueFrom` `configMapKeyRef` / `secretKeyRef`, a volume's
`configMap.name` / `secret.secretName`, a projected volume's `configMap.name` / `secret.name`."""
_REFERENCE_WORDS = ("configmap", "secret")
"""What every text `configuration_names_in` parses holds (case-insensitively)."""


def configuration_names_in(value: Any, texts: bool = False) -> set[str]:
    """The names of the ConfigMaps and Secrets a configuration takes variables or files from, at any depth:
    a pod spec wherever a custom resource embeds it (a Tekton Task's `steps`, a SparkApplication's
    `driver.envFrom`, an operator's `spec.env`), by the keys of `_REFERENCE_NAMES` and any `secretName`.
    With `texts`, a string that is a YAML list or map is read as one (a chart's `extraEnvFrom` given as a
    template text)."""
    found: set[str] = set()
    pending = [value]
    while pending:
        item = pending.pop()
        if is_mapping(item):
            for key in item:
                inner = child(item, key)
                members = _REFERENCE_NAMES.get(str(key).lower())
                if members is not None and is_mapping(inner):
                    found.update(
                        name for name in (child(inner, m) for m in members) if isinstance(name, str) and name
                    )
                elif key == "secretName" and isinstance(inner, str) and inner:
                    found.add(inner)
                pending.append(inner)
        elif isinstance(item, list):
            pending.extend(elements(item))
        elif texts and isinstance(item, str) and "\n" in item and may_name(item, _REFERENCE_WORDS):
            parsed = _yaml_structure(item)
            if isinstance(parsed, Mapping | list):
                pending.append(parsed)
    return found


_FILE_NAME = re.compile(r"\.[A-Za-z0-9]{2,10}$")
"""A mounted key path that names a file of some format (`application.properties`), not a single value."""


def mounts_whole_secret(value: Any, name: Any) -> bool:
    """Whether a configuration mounts a Secret as files without naming which: a volume's `secret` (its
    `secretName`) or a projected source's `secret` (its `name`), at any depth (a pod spec wherever a kind
    embeds it, a chart's `extraVolumes`), naming `name` or a name unknown at preview, with no `items` or
    with an item whose `path` is a file name (`backup.conf`) or unknown. A Secret taken only as environment
    (`envFrom`, `secretKeyRef`), or mounted as named values (`items` with paths such as `password`), is
    not."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, list):
            pending.extend(elements(item))
            continue
        if not is_mapping(item):
            continue
        for key in item:
            inner = child(item, key)
            if str(key) == "secret" and is_mapping(inner):
                named = child(inner, "secretName")
                named = child(inner, "name") if named is None else named
                if (isinstance(named, Unknown) or named == name) and not _names_no_files(
                    child(inner, "items")
                ):
                    return True
            pending.append(inner)
    return False


def _names_no_files(items: Any) -> bool:
    """Whether a Secret volume's `items` name every file it mounts, none of them a file of some format."""
    if not isinstance(items, list) or not items:
        return False
    paths = [child(entry, "path") for entry in elements(items)]
    return all(isinstance(path, str) and not _FILE_NAME.search(path) for path in paths)


@functools.lru_cache(maxsize=256)
def _yaml_structure(text: str) -> Any:
    """A text parsed as YAML, or None when it is not YAML."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return None


def value_reference(value_from: Any) -> tuple[str, Any, Any] | None:
    """The ConfigMap or Secret key a variable takes its value from, `(kind, name, key)`; `("", None, None)`
    for a source the pack does not read (a field or resource reference); None without `valueFrom`."""
    for field, kind in (("configMapKeyRef", "core:ConfigMap"), ("secretKeyRef", "core:Secret")):
        reference = child(value_from, field)
        if isinstance(reference, Mapping | Unknown):
            return kind, child(reference, "name"), child(reference, "key")
    return None if value_from is None else ("", None, None)


def referenced_value(
    configurations: Sequence[Resource], kind: str, name: Any, key: Any
) -> tuple[Any, Resource | None]:
    """The value of a ConfigMap's or Secret's key among the stack's objects the pod reads, and the object
    (None, None when none of them is it)."""
    for config in configurations:
        if mechanism_key(config.type) != kind:
            continue
        if child(child(config.props, "metadata"), "name") != name:
            continue
        for found_key, text in configuration_texts(config):
            if found_key == key:
                return text, config
    return None, None
