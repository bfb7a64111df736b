"""What configuration says once its references to the environment are expanded, as the code reads it.

Collectors and shippers expand environment variables in their configuration before they use it: the
OpenTelemetry Collector `${env:X}` (and `${env:X:-default}`), Fluent Bit, Vector and Promtail `${X}`, Vector
and shells `$X`, Kubernetes `$(X)` in a container's command, arguments and environment. An exporter whose
endpoint is `${env:OTLP_TARGET}` sends where `OTLP_TARGET` says, and the value may sit under any key: a
container's `env` list, an operator's `spec.env`, a chart's `extraEnvs`. So whatever reads a configuration's
destinations (`lineage_code`: endpoints, hosts, other clouds' stores) reads it expanded, with the variables
the same configuration defines (a workload's own inputs and the ConfigMaps and Secrets it mounts together).

A reference to a variable the configuration does not define (one from a Secret, unknown at preview) is left as
it is: where it points is not read (`policies/README.md`, "What remains out of reach").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from .values import child, elements

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_REFERENCE = re.compile(
    rf"\$\{{env:(?P<env>{_NAME})(?::-(?P<env_default>[^}}]*))?\}}"
    rf"|\$\{{(?P<braced>{_NAME})(?::?-(?P<braced_default>[^}}]*))?\}}"
    rf"|\$\((?P<kubernetes>{_NAME})\)"
    rf"|\$(?P<bare>{_NAME})"
)
"""A reference to an environment variable, in each syntax the collectors and Kubernetes expand."""
_ENVIRONMENT_KEY = re.compile(r"env", re.IGNORECASE)
"""A key whose map holds environment variables by name (`env`, `extraEnvVars`, `environment`)."""
_VARIABLE = re.compile(rf"^{_NAME}$")


def environment(values: Iterable[Any]) -> dict[str, str]:
    """The environment variables configuration defines: the `{name, value}` entries of any list (a
    container's `env`, an operator's `spec.env`, a chart's `extraEnvs`), and the string maps under a key
    naming an environment (`extraEnvVars: {X: value}`); values unknown at preview are not defined."""
    found: dict[str, str] = {}
    pending = list(values)
    while pending:
        item = pending.pop()
        if isinstance(item, Mapping):
            name, value = child(item, "name"), child(item, "value")
            if isinstance(name, str) and isinstance(value, str) and _VARIABLE.match(name):
                found.setdefault(name, value)
            for key in item:
                inner = child(item, key)
                if _ENVIRONMENT_KEY.search(str(key)) and isinstance(inner, Mapping):
                    for variable in inner:
                        text = child(inner, variable)
                        if isinstance(text, str) and _VARIABLE.match(str(variable)):
                            found.setdefault(str(variable), text)
                pending.extend(elements(inner) if isinstance(inner, list) else [inner])
        elif isinstance(item, list):
            pending.extend(elements(item))
    return found


def expanded(value: Any, variables: Mapping[str, str]) -> Any:
    """The value with every reference to a defined variable expanded in its strings (a default given in the
    reference stands for a variable the configuration does not define); the same object when none changes."""
    if isinstance(value, str):
        return _expanded_text(value, variables) if "$" in value else value
    if isinstance(value, Mapping):
        changed = {key: expanded(child(value, key), variables) for key in value}
        if all(changed[key] is child(value, key) for key in value):
            return value
        return changed
    if isinstance(value, list):
        items = elements(value)
        new = [expanded(item, variables) for item in items]
        return value if all(a is b for a, b in zip(new, items, strict=True)) else new
    return value


def _expanded_text(text: str, variables: Mapping[str, str]) -> str:
    def replace(match: re.Match[str]) -> str:
        for group in ("env", "braced", "kubernetes", "bare"):
            name = match.group(group)
            if name is None:
                continue
            if name in variables:
                return variables[name]
            default = match.groupdict().get(f"{group}_default")
            return default if default is not None else match.group(0)
        return match.group(0)

    return _REFERENCE.sub(replace, text)
