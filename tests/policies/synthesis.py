"""Builds, from a copy mechanism's own description, a resource that uses it to move the baseline's PII away.

Every source path gets an unknown value computed from the baseline's PII database (as the engine sends a
reference at preview), every destination path a literal in ap-south-1 and another account, every switch the
mechanism needs is turned on. If the pack does not block the result, the mechanism's paths do not reach the
rule: a typo, a path the rule never reads, or a switch it misjudges.
"""

from __future__ import annotations

import json
from typing import Any

from residency_facts import ANY, POINTERS, SELF, CopyMechanism
from residency_facts.shapes import ObjectStore
from residency_facts.triage import KUBERNETES_OPERATORS
from tests.policies.baseline import Region
from tests.policies.copies import OTHER_ACCOUNT, PII
from tests.policies.policy_harness import UNKNOWN, Res, aws_provider, kubernetes_provider

ELSEWHERE = "ap-south-1"
SYNTHETIC = "configuration"
"""The input a free-form path (`**`) is given under."""


def _nest(parts: list[str], value: Any) -> Any:
    """The value at the end of a path, wrapped in the maps and lists the path steps through."""
    if not parts:
        return value
    head, rest = parts[0], parts[1:]
    key = head.removesuffix("[]")
    if key == "{json}":
        return json.dumps(_nest(rest, value))
    inner = _nest(rest, value)
    if key.endswith("]") and "[" in key:
        # A selector (`parameters[parameterName=LambdaArn]`): one element of the list, so named.
        key, _, condition = key[:-1].partition("[")
        name, _, wanted = condition.partition("=")
        return {key: [{name: wanted, **inner}]}
    if key in ("*", "**"):
        return {"synthetic": inner}
    return {key: [inner] if head.endswith("[]") else inner}


def _set(props: dict[str, Any], path: str, value: Any) -> str:
    """Put a value at a path; returns the top-level input it lives under."""
    parts = path.split(".")
    if parts[0] in ("**", "*"):
        parts = [SYNTHETIC, *parts[1:]] if len(parts) > 1 else [SYNTHETIC, "value"]
    _merge(props, _nest(parts, value))
    return parts[0].removesuffix("[]")


def _merge(into: dict[str, Any], extra: dict[str, Any]) -> None:
    for key, value in extra.items():
        if isinstance(into.get(key), dict) and isinstance(value, dict):
            _merge(into[key], value)
        elif isinstance(into.get(key), list) and isinstance(value, list) and into[key] and value:
            if isinstance(into[key][0], dict) and isinstance(value[0], dict):
                _merge(into[key][0], value[0])
        else:
            into.setdefault(key, value)


def _destination_value(path: str) -> str:
    """A destination in another region and account, as an ARN the path can hold."""
    if "region" in path.lower() or "zone" in path.lower():
        return ELSEWHERE
    return f"arn:aws:s3:{ELSEWHERE}:{OTHER_ACCOUNT}:synthetic-destination"


def provider_elsewhere() -> Res:
    """An AWS provider in ap-south-1."""
    return aws_provider("mumbai", ELSEWHERE, {"jurisdiction": "IN", "managed-by": "pulumi"})


def _reader(region: Region) -> Res:
    """An IAM role whose policy reads everything."""
    statement = {"Effect": "Allow", "Action": "*", "Resource": "*"}
    return Res(
        "aws:iam/role:Role",
        "synthetic-reader",
        {
            "assumeRolePolicy": json.dumps({"Version": "2012-10-17", "Statement": []}),
            "inlinePolicies": [
                {"name": "all", "policy": json.dumps({"Version": "2012-10-17", "Statement": [statement]})}
            ],
        },
        region.provider,
    )


def _store_fields(store: ObjectStore, props: dict[str, Any], bucket: Any) -> str:
    """Fill an object store's bucket (and region, else endpoint) with ap-south-1 values, or the bucket alone
    with a value computed from the PII database; returns the top-level input it lives under."""
    fields = {store.bucket: bucket}
    if bucket != UNKNOWN:
        if store.region:
            fields[store.region] = ELSEWHERE
        elif store.endpoint:
            fields[store.endpoint] = f"https://s3.{ELSEWHERE}.amazonaws.com"
    fields = {k: v for k, v in fields.items() if k}
    if store.env:
        return _set(props, store.env, [{"name": name, "value": value} for name, value in fields.items()])
    if store.each:
        element: dict[str, Any] = {}
        for path, value in fields.items():
            _merge(element, _nest(path.split("."), value))
        return _set(props, store.each, [element])
    return next(_set(props, path, value) for path, value in fields.items())


def _operator_paths(
    mechanism: CopyMechanism, props: dict[str, Any], deps: dict[str, list[Res]], region: Region
) -> None:
    """The operators' paths (`residency_facts/operators.py`): object stores in ap-south-1; source stores,
    hosts and source names computed from the PII database; destination names the stack does not declare."""
    for store in mechanism.object_stores:
        if store.bucket:
            _store_fields(store, props, f"s3://synthetic-{ELSEWHERE}/copies")
    for store in mechanism.source_stores:
        if store.bucket:
            deps.setdefault(_store_fields(store, props, UNKNOWN), []).append(region.database)
    for path in mechanism.cluster_hosts:
        deps.setdefault(_set(props, path, UNKNOWN), []).append(region.database)
    for named in mechanism.named:
        if named.role in ("source", "sources_of"):
            deps.setdefault(_set(props, named.path, UNKNOWN), []).append(region.database)
        else:
            _set(props, named.path, "synthetic-destination")


def moving_pii(token: str, mechanism: CopyMechanism, region: Region) -> tuple[Res, list[Res]]:
    """A resource of `token` that uses `mechanism` to move the baseline's PII out of eu-west-1."""
    props: dict[str, Any] = {}
    deps: dict[str, list[Res]] = {}
    extra: list[Res] = []
    provider = region.provider
    # A path that names both ends (a two-way link) is a source once, and its other paths are destinations.
    sources = [p for p in mechanism.sources if p not in mechanism.destinations] or list(mechanism.sources[:1])
    for path in sources:
        if path == SELF:
            props["tags"] = dict(PII)
            # A Kubernetes object declares its classification by label.
            props.setdefault("metadata", {})["labels"] = dict(PII)
            continue
        top = _set(props, path if path != ANY else "**", UNKNOWN)
        deps.setdefault(top, []).append(region.database)
    _operator_paths(mechanism, props, deps, region)
    for path in mechanism.source_roles:
        # A role that may read every store, the baseline's PII database included.
        reader = _reader(region)
        deps.setdefault(_set(props, path, UNKNOWN), []).append(reader)
        extra.append(reader)
    destinations = [p for p in mechanism.destinations if p != ANY and p not in sources]
    for path in destinations:
        # A path that also names a source gets its own element: `*` a key of its own.
        _set(props, path.replace("*", "destination"), _destination_value(path))
    for path in mechanism.destination_regions:
        _set(props, path, ELSEWHERE)
    for path in mechanism.shared_with:
        _set(props, path, OTHER_ACCOUNT)
    for path in mechanism.destinations_of:
        # A copy the stack does not declare, delivering where cannot be traced.
        _set(props, path, "copy-of-another-stack")
    if ANY in mechanism.destinations:
        _set(props, "**.destination", ELSEWHERE)
    for path in mechanism.roles:
        # A role the stack does not declare: what it may write cannot be read.
        _set(props, path, f"arn:aws:iam::{OTHER_ACCOUNT}:role/synthetic-writer")
    for path, wanted in mechanism.active_values:
        _set(props, path, wanted[0])
    for path in mechanism.active_when:
        if path != SELF:
            _set(props, path, "enabled")
    lands_here = (
        not (
            destinations
            or mechanism.destination_regions
            or mechanism.shared_with
            or mechanism.destinations_of
            or mechanism.spans_regions
            or mechanism.roles
            or mechanism.object_stores
            or mechanism.default_store
            or any(named.role in ("destination", "destinations_of") for named in mechanism.named)
        )
        and ANY not in mechanism.destinations
    )
    if lands_here:
        # The copy lands in the resource itself: put it in another region.
        provider = provider_elsewhere()
    kubernetes = (
        token.startswith(("core:", "apps:", "batch:", "extensions:", "velero.io:", "snapshot.storage"))
        or token.split(":")[0] in KUBERNETES_OPERATORS
    )
    type_token = token
    if kubernetes:
        group, kind = token.split(":")
        type_token = f"kubernetes:{group}/v1:{kind}"
        provider = region.kubernetes
        if lands_here:
            cluster = Res(
                "aws:eks/cluster:Cluster", "mumbai-cluster", {"version": "1.33"}, provider_elsewhere()
            )
            provider = kubernetes_provider(cluster, "mumbai-cluster")
    resource = Res(type_token, "synthetic", props, provider, deps=deps)
    copying_name = token.split(":")[-1]
    for member_type, member_path in mechanism.members:
        member = Res(member_type, f"{copying_name.lower()}-member", {"tags": dict(PII)}, region.provider)
        _set(member.props, member_path, UNKNOWN)
        member.deps[member_path.split(".")[0]] = [resource]
        extra.append(member)
    for member_type in mechanism.account_members:
        # A resource of the type beside it (a configured table) that points at the baseline's PII database.
        member = Res(member_type, f"{copying_name.lower()}-account-member", {}, region.provider)
        for path in POINTERS.get(member_type, ()):
            member.deps[_set(member.props, path.replace("**", "reference"), UNKNOWN)] = [region.database]
        extra.append(member)
    if mechanism.every_resource_of_type:
        extra.append(
            Res(mechanism.every_resource_of_type, "every-member", {"tags": dict(PII)}, region.provider)
        )
    return resource, [resource, *extra]
