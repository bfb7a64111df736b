"""Workloads that run only reviewed SQL (`residency_facts.reviewed_code`): what they send is the review's.

Every container (init containers included) must run `psql` with only the options `reviewed_code` lists and
one `--file` under a mount of a ConfigMap volume of the stack, whose key at that path holds text whose SHA-256
is reviewed. Anything else (another command, `-c`, a second file, a file of another volume, a ConfigMap the
stack does not declare or whose text is unknown) is not reviewed: the workload is judged as code.
"""

from __future__ import annotations

import functools
import hashlib
import re
from typing import TYPE_CHECKING, Any

from residency_facts.reviewed_code import (
    PSQL_FILE_OPTIONS,
    PSQL_FLAG_OPTIONS,
    PSQL_VALUE_OPTIONS,
    REVIEWED_SQL,
    ReviewedSql,
)
from residency_facts.workloads import POD_SPEC_PATHS

from .model import Resource
from .values import child, value_at, values_at

if TYPE_CHECKING:
    from .lineage import Lineage

CONFIG_MAP = "kubernetes:core/v1:ConfigMap"


def reviewed_sql(lineage: Lineage, workload: Resource) -> tuple[str, ReviewedSql] | None:
    """The reviewed file every container of a workload runs, and its review; None when any runs other code."""
    found: list[tuple[str, ReviewedSql]] = []
    for base in POD_SPEC_PATHS:
        spec = value_at(workload.props, base)
        if not isinstance(spec, dict) or "containers" not in spec:
            continue
        volumes = {child(v, "name"): v for v in values_at(spec, "volumes")}
        for container in [*values_at(spec, "initContainers"), *values_at(spec, "containers")]:
            review = _container_review(lineage, workload, container, volumes)
            if review is None:
                return None
            found.append(review)
    if not found or len({sha for sha, _ in found}) != 1:
        return None
    if found[0][1].links and connection(workload)[0] is None:
        # A link whose server cannot be told cannot say which other SQL may use it: judged as code.
        return None
    return found[0]


def connection(workload: Resource) -> tuple[str | None, str | None]:
    """The server (`PGHOST`) and login (`PGUSER`) every container of a psql workload connects with, when
    each is one literal value; None for what differs or cannot be read."""
    found: dict[str, set[Any]] = {"PGHOST": set(), "PGUSER": set()}
    for base in POD_SPEC_PATHS:
        spec = value_at(workload.props, base)
        if not isinstance(spec, dict) or "containers" not in spec:
            continue
        for container in [*values_at(spec, "initContainers"), *values_at(spec, "containers")]:
            values = {child(v, "name"): v for v in values_at(container, "env")}
            for name, seen in found.items():
                seen.add(child(values.get(name), "value") if name in values else None)
    host, user = ([v for v in found[n] if isinstance(v, str) and v] for n in ("PGHOST", "PGUSER"))
    return (
        host[0] if len(found["PGHOST"]) == 1 and host else None,
        user[0] if len(found["PGUSER"]) == 1 and user else None,
    )


def _container_review(
    lineage: Lineage, workload: Resource, container: Any, volumes: dict[Any, Any]
) -> tuple[str, ReviewedSql] | None:
    command = child(container, "command")
    args = child(container, "args") or []
    if command != ["psql"] or not isinstance(args, list) or not all(isinstance(a, str) for a in args):
        return None
    files: list[str] = []
    index = 0
    while index < len(args):
        arg = args[index]
        if arg in PSQL_FLAG_OPTIONS:
            index += 1
        elif arg in PSQL_VALUE_OPTIONS or arg in PSQL_FILE_OPTIONS:
            if index + 1 >= len(args):
                return None
            if arg in PSQL_FILE_OPTIONS:
                files.append(args[index + 1])
            index += 2
        else:
            return None
    if len(files) != 1:
        return None
    text = _file_text(lineage, workload, container, volumes, files[0])
    if text is None:
        return None
    return review_of(text)


@functools.lru_cache(maxsize=256)
def review_of(text: str) -> tuple[str, ReviewedSql] | None:
    """The review of a SQL text and the digest it is recorded under: its own SHA-256, else that of its
    `template` for a review whose numbers are parameters (`ReviewedSql.numbers`); None when unreviewed."""
    digest = hashlib.sha256(text.encode()).hexdigest()
    review = REVIEWED_SQL.get(digest)
    if review is not None:
        return digest, review
    digest = hashlib.sha256(template(text).encode()).hexdigest()
    review = REVIEWED_SQL.get(digest)
    return (digest, review) if review is not None and review.numbers else None


_NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?:[eE][-+]?\d+)?(?![\w.])")


def template(text: str) -> str:
    """A SQL text with every number written as `0` (not the digits of a name: `release_to_ledger2`,
    `0008_push_apart.sql`)."""
    return _NUMBER.sub("0", text)


def _file_text(
    lineage: Lineage, workload: Resource, container: Any, volumes: dict[Any, Any], path: str
) -> str | None:
    """The text of the ConfigMap key a container's path reads, when a ConfigMap volume of the stack holds
    it."""
    for mount in values_at(container, "volumeMounts"):
        mount_path = child(mount, "mountPath")
        if not isinstance(mount_path, str) or not path.startswith(mount_path.rstrip("/") + "/"):
            continue
        volume = volumes.get(child(mount, "name"))
        name = value_at(volume, "configMap.name")
        if not isinstance(name, str) or child(mount, "subPath") is not None:
            return None
        key = path[len(mount_path.rstrip("/")) + 1 :]
        namespace = value_at(workload.props, "metadata.namespace")
        for config_map in lineage.stack.of_type(CONFIG_MAP):
            if (
                config_map.provider_urn == workload.provider_urn
                and value_at(config_map.props, "metadata.name") == name
                and value_at(config_map.props, "metadata.namespace") == namespace
            ):
                text = child(child(config_map.props, "data"), key)
                return text if isinstance(text, str) else None
        return None
    return None
