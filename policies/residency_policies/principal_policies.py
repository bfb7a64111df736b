"""A principal's identity policies as the stack declares them, and the permissions boundary that bounds them.

Every type of `residency_facts.principal_policies.POLICY_ATTACHMENTS` that names a principal gives it what it
holds: policy documents, managed policies by ARN (a policy the stack declares is read as a document), the
names of inline policies an exclusive resource keeps, a permissions boundary. They are indexed once per stack.

IAM grants a principal with a permissions boundary the intersection of its identity policies and the boundary
(decision, reviewer blind-access15 c03): a statement of the identity policies reaches something only where a
statement of the boundary allows an overlapping action on it. Only a boundary the pack can read narrows: a
policy the stack declares (its document known at preview) or an AWS managed policy it knows
(`AWS_MANAGED_POLICIES`, by the ARN services it reads or writes); a boundary it cannot read narrows nothing.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

from residency_facts.principal_policies import (
    AWS_MANAGED_POLICIES,
    EVERY_STORE,
    POLICY_ATTACHMENTS,
    ManagedPolicy,
    PolicyAttachment,
)

from .model import Resource, Stack, parse_arn
from .values import Unknown, as_mapping, elements, values_at

MANAGED_POLICY = "aws:iam/policy:Policy"
INLINE_POLICIES = {
    "aws:iam/role:Role": "aws:iam/rolePolicy:RolePolicy",
    "aws:iam/user:User": "aws:iam/userPolicy:UserPolicy",
    "aws:iam/group:Group": "aws:iam/groupPolicy:GroupPolicy",
}
"""Per principal type: the type of its inline policies, which an exclusive resource keeps by name."""
_INDEX = "principal policy attachments"


def policy_documents(value: Any) -> list[Mapping[str, Any]]:
    """The policy documents a value holds (JSON text or an object)."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return []
    mapping = as_mapping(value)
    if isinstance(mapping, Mapping):
        return [mapping]
    return [d for d in elements(value) if isinstance(d, Mapping)]


def policy_statements(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """A policy document's statements."""
    return [s for s in elements(document.get("Statement")) if isinstance(s, Mapping)]


@dataclass(frozen=True)
class Attached:
    """One managed policy ARN given to a principal, and the stack's policies it names (read as documents)."""

    attachment: Resource
    path: str
    value: Any
    declared: tuple[Resource, ...]


@dataclass(frozen=True)
class Kept:
    """One inline policy name an exclusive resource keeps on a principal; `declared` when the stack's inline
    policy of that name (or one it is computed from) is the principal's."""

    attachment: Resource
    path: str
    value: Any
    declared: bool


@dataclass(frozen=True)
class PrincipalPolicies:
    """What a principal's identity policies are, as far as the stack shows them."""

    documents: tuple[tuple[Resource, str], ...]
    """(owner, path) of each policy document: inline, inline policy resources, the stack's managed ones."""
    attached: tuple[Attached, ...]
    kept: tuple[Kept, ...]
    boundaries: tuple[tuple[Resource, str], ...]
    """(owner, path) of each permissions boundary set on it."""


def _index(stack: Stack) -> dict[str, list[tuple[Resource, PolicyAttachment]]]:
    """Per principal URN: the resources that give it identity policies, with how (built once per stack)."""
    found: dict[str, list[tuple[Resource, PolicyAttachment]]] | None = stack.memo.get(_INDEX)
    if found is None:
        found = defaultdict(list)
        for token, entries in POLICY_ATTACHMENTS.items():
            for attachment in stack.of_type(token):
                for entry in entries:
                    if not entry.principal:
                        found[attachment.urn].append((attachment, entry))
                        continue
                    for principal in stack.of_type(entry.principal_type):
                        if stack.refers_to(attachment, entry.principal, principal):
                            found[principal.urn].append((attachment, entry))
        stack.memo[_INDEX] = found
    return found


def principal_policies(stack: Stack, principal: Resource) -> PrincipalPolicies:
    """A principal's identity policies and boundary, from every type that gives them."""
    documents: list[tuple[Resource, str]] = []
    attached: list[Attached] = []
    names: list[tuple[Resource, str, Any]] = []
    boundaries: list[tuple[Resource, str]] = []
    for attachment, entry in _index(stack).get(principal.urn, []):
        documents.extend((attachment, path) for path in entry.documents)
        boundaries.extend(
            (attachment, path) for path in entry.boundaries if values_at(attachment.props, path)
        )
        for path in entry.arns:
            for value in values_at(attachment.props, path):
                declared = managed_policies_named(stack, attachment, path, value)
                attached.append(Attached(attachment, path, value, declared))
        names.extend((attachment, path, v) for path in entry.names for v in values_at(attachment.props, path))
    read = {owner.urn for owner, _ in documents}
    for item in attached:
        for managed in item.declared:
            if managed.urn not in read:
                read.add(managed.urn)
                documents.append((managed, "policy"))
    inline = [owner for owner, _ in documents if owner.type == INLINE_POLICIES.get(principal.type)]
    kept = [
        Kept(attachment, path, value, _keeps_declared(stack, attachment, path, value, inline))
        for attachment, path, value in names
    ]
    return PrincipalPolicies(tuple(documents), tuple(attached), tuple(kept), tuple(boundaries))


def managed_policies_named(stack: Stack, owner: Resource, path: str, value: Any) -> tuple[Resource, ...]:
    """The stack's managed policies a policy ARN input names: computed from one, or by its ARN (a first
    preview knows the name a literal ARN ends in, not the policy's ARN)."""
    if isinstance(value, Unknown):
        return tuple(d for d in stack.dependencies(owner, path) if d.type == MANAGED_POLICY)
    if not isinstance(value, str) or not value or aws_managed_name(value) is not None:
        return ()
    return tuple(r for r in stack.arn_match(value) if r.type == MANAGED_POLICY)


def _keeps_declared(
    stack: Stack, attachment: Resource, path: str, value: Any, inline: list[Resource]
) -> bool:
    if isinstance(value, Unknown):
        return any(d in inline for d in stack.dependencies(attachment, path))
    return any(values_at(policy.props, "name") == [value] for policy in inline)


def aws_managed_name(arn: Any) -> str | None:
    """The name of an AWS managed policy an ARN names (`arn:aws:iam::aws:policy/...`), else None."""
    parsed = parse_arn(arn)
    if parsed is None or parsed.service != "iam" or parsed.account != "aws":
        return None
    return parsed.resource.split("/")[-1]


def known_managed_policy(arn: Any) -> ManagedPolicy | None:
    """What an AWS managed policy the pack knows grants, when an ARN names one."""
    name = aws_managed_name(arn)
    return AWS_MANAGED_POLICIES.get(name) if name is not None else None


def managed_statements(policy: ManagedPolicy, writes: bool) -> list[Mapping[str, Any]]:
    """A known AWS managed policy as statements of the actions that read (or, with `writes`, write) the stores
    of its services, on `*`: what the pack judges of it."""
    services = policy.writes if writes else policy.reads
    if not services:
        return []
    actions = ["*"] if EVERY_STORE in services else [f"{service}:*" for service in services]
    return [{"Effect": "Allow", "Action": actions, "Resource": "*"}]


def boundary_statements(stack: Stack, principal: Resource, writes: bool) -> list[Mapping[str, Any]] | None:
    """The statements of a principal's permissions boundary, when the pack can read it; None when it has
    none or it cannot be read (an unreadable boundary narrows nothing)."""
    found: list[Mapping[str, Any]] = []
    bounded = False
    for owner, path in principal_policies(stack, principal).boundaries:
        for value in values_at(owner.props, path):
            declared = managed_policies_named(stack, owner, path, value)
            known = known_managed_policy(value)
            if known is not None:
                found.extend(managed_statements(known, writes))
            elif declared:
                for policy in declared:
                    documents = values_at(policy.props, "policy")
                    if not documents or any(isinstance(d, Unknown) for d in documents):
                        return None
                    found.extend(
                        s for d in documents for doc in policy_documents(d) for s in policy_statements(doc)
                    )
            else:
                return None
            bounded = True
    return found if bounded else None


def _actions(statement: Mapping[str, Any]) -> list[str] | None:
    """A statement's actions in lower case; None when it may be any action (NotAction, one not known)."""
    if "NotAction" in statement:
        return None
    actions = elements(statement.get("Action"))
    if any(not isinstance(a, str) for a in actions):
        return None
    return [a.lower() for a in actions]


def _overlap(first: str, second: str) -> bool:
    """Whether two action patterns may match one action (wildcards on both sides: when their fixed prefixes
    agree, which may say so of two that cannot, erring towards a grant)."""
    if fnmatchcase(first, second) or fnmatchcase(second, first):
        return True
    wildcards = ("*", "?")
    if not any(w in first for w in wildcards) or not any(w in second for w in wildcards):
        return False
    head, other = (p.split("*")[0].split("?")[0] for p in (first, second))
    return head.startswith(other) or other.startswith(head)


def bounding(
    boundary: list[Mapping[str, Any]] | None, statement: Mapping[str, Any] | None
) -> list[Mapping[str, Any]] | None:
    """The boundary's Allow statements that let an identity statement's actions through (None: no boundary;
    an empty list: the boundary lets none of them through). A statement of None is a policy that cannot be
    read, whose actions may be any."""
    if boundary is None:
        return None
    actions = _actions(statement) if statement is not None else None
    found = []
    for allowed in boundary:
        if allowed.get("Effect") != "Allow":
            continue
        limits = _actions(allowed)
        if actions is None or limits is None or any(_overlap(a, b) for a in actions for b in limits):
            found.append(allowed)
    return found


def resources_of(statement: Mapping[str, Any]) -> list[Any]:
    """What a statement's Resource names (`*` for NotResource, which names all but a few)."""
    if "NotResource" in statement:
        return ["*"]
    return elements(statement.get("Resource"))


__all__ = [
    "Attached",
    "Kept",
    "PrincipalPolicies",
    "aws_managed_name",
    "boundary_statements",
    "bounding",
    "known_managed_policy",
    "managed_policies_named",
    "managed_statements",
    "policy_documents",
    "policy_statements",
    "principal_policies",
    "resources_of",
]
