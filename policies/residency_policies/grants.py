"""Who a resource policy, share, permission or public switch gives access to data (`mechanisms.GRANTS`).

A grant names what it opens (a bucket, a key, a table, a function) and to whom: the principals of its policy
documents' Allow statements, principals set directly (a Lambda permission, a KMS grant, a RAM principal), or
a public switch (a function URL without authentication, a public broker). `*` is everyone, unless a
condition ties it to accounts (`aws:PrincipalAccount`, `aws:SourceAccount`, ...) or to a network
(`aws:SourceVpce`, `aws:SourceVpc`); an organisation, an account outside `accountIds` and a principal that
cannot be traced are other accounts. Service principals act for the account that owns the resource.

An IAM role is a grant of what its policies allow to whoever its trust policy admits: a role that another
account (or everyone) may assume shares every resource its policies name (`*`: every data store of the
account).

Two cases fail closed rather than pass unseen. A policy document computed from other resources' outputs is
unknown at a first preview: on personal data or telemetry it is presumed to grant another account (it cannot
be shown not to) until it is built from values a preview knows. A grant to another account of something the
stack cannot trace (a literal id or ARN a first preview cannot match) is a grant of data that cannot be shown
to be anonymised, in a stack that holds personal data or telemetry.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from residency_facts import GRANTS, RESIDENT_CLASSIFICATIONS, SELF, Category, Grant

from .lineage import ROLE, Lineage, Location, mechanism_key, untraceable
from .model import Resource, Stack, parse_arn
from .settings import Settings
from .values import UNKNOWN, Unknown, as_mapping, elements, known_strings, values_at

EVERYONE = "everyone (*)"

ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
ROLE_POLICY_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
POLICY_ATTACHMENT = "aws:iam/policyAttachment:PolicyAttachment"
MANAGED_POLICY = "aws:iam/policy:Policy"

ACCOUNT_CONDITIONS = frozenset(
    {
        "aws:principalaccount",
        "aws:sourceaccount",
        "aws:sourceowner",
        "aws:resourceaccount",
        "kms:calleraccount",
        "aws:principalarn",
        "aws:sourcearn",
    }
)
NETWORK_CONDITIONS = frozenset({"aws:sourcevpce", "aws:sourcevpc"})

BROAD_MANAGED_POLICIES = (
    "AdministratorAccess",
    "PowerUserAccess",
    "ReadOnlyAccess",
    "DataScientist",
    "DatabaseAdministrator",
    "ViewOnlyAccess",
)
"""AWS managed policies (and any whose name contains FullAccess or ReadOnly) that reach the account's data."""

SHAREABLE_ALONE = (frozenset({"anonymised"}), frozenset({"public"}), frozenset({"anonymised", "public"}))
"""What may be granted to other accounts or everyone: anonymised data, or data classified public."""


@dataclass(frozen=True)
class Share:
    """Access to data granted to a principal outside the deployment (or to everyone)."""

    resource: Resource
    grant: str
    target: Location
    principal: str
    public: bool
    holds_data: bool
    unreadable: str = ""
    """The path of the policy document that is unknown at preview, when the grant is presumed from it."""


def grants_of(token: str) -> tuple[Grant, ...]:
    """How a type grants access (empty when it grants none)."""
    return GRANTS.get(mechanism_key(token), ())


def _documents(value: Any) -> list[Mapping[str, Any]]:
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


def _statements(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [s for s in elements(document.get("Statement")) if isinstance(s, Mapping)]


def _condition_values(statement: Mapping[str, Any], keys: frozenset[str]) -> list[str] | None:
    """The values of the statement's conditions on these keys; None when it has none."""
    condition = statement.get("Condition")
    if not isinstance(condition, Mapping):
        return None
    found: list[str] | None = None
    for operator, tests in condition.items():
        if not isinstance(tests, Mapping) or str(operator).startswith("ForAnyValue"):
            continue
        for key, values in tests.items():
            if str(key).lower() in keys:
                found = (found or []) + [str(v) for v in elements(values)]
    return found


class Principals:
    """Sorts the principals a grant names into this deployment's, other accounts' and everyone."""

    def __init__(self, stack: Stack, settings: Settings) -> None:
        self.stack = stack
        self.settings = settings

    def outside(self, principal: Any, granter: Resource) -> str | None:
        """How a principal outside the deployment is named in a message; None when it is inside."""
        if isinstance(principal, Unknown):
            return None
        if not isinstance(principal, str | int | float) or isinstance(principal, bool):
            return None
        text = str(principal)
        if text == "*":
            return EVERYONE
        if text.endswith(".amazonaws.com") or text.endswith(".amazonaws.com.cn"):
            return None
        if text in ("http://acs.amazonaws.com/groups/global/AllUsers",):
            return EVERYONE
        if text == "http://acs.amazonaws.com/groups/global/AuthenticatedUsers":
            return "every AWS account (AuthenticatedUsers)"
        if self.stack.named(text):
            return None
        if text.startswith(("o-", "ou-")) or ":organization/" in text or ":organizations::" in text:
            return f"the organisation {text}"
        arn = parse_arn(text)
        account = arn.account if arn is not None else (text if text.isdigit() else None)
        if arn is not None and arn.service == "iam" and arn.account == "aws":
            return None
        if account is None:
            if len(text) == 64 and all(c in "0123456789abcdef" for c in text):
                return f"the canonical user {text}"
            return f"{text} (an account that cannot be traced)"
        account = account.zfill(12)
        if account in self.settings.account_ids:
            return None
        return f"account {account}"

    def of_statement(self, statement: Mapping[str, Any], granter: Resource) -> list[str]:
        """The principals outside the deployment an Allow statement admits."""
        if statement.get("Effect") != "Allow":
            return []
        if "NotPrincipal" in statement:
            return [EVERYONE]
        principal = statement.get("Principal")
        values: list[Any] = []
        if isinstance(principal, str):
            values = [principal]
        elif isinstance(principal, Mapping):
            for kind, named in principal.items():
                if kind in ("AWS", "CanonicalUser", "Federated"):
                    values.extend(elements(named))
        found: list[str] = []
        for value in values:
            outside = self.outside(value, granter)
            if outside == EVERYONE:
                accounts = _condition_values(statement, ACCOUNT_CONDITIONS)
                if accounts is not None:
                    found.extend(o for o in (self.outside(a, granter) for a in accounts) if o)
                    continue
                if _condition_values(statement, NETWORK_CONDITIONS) is not None:
                    continue
                organisations = _condition_values(statement, frozenset({"aws:principalorgid"}))
                if organisations is not None:
                    found.extend(f"the organisation {o}" for o in organisations)
                    continue
            if outside:
                found.append(outside)
        return found


def _targets(lineage: Lineage, resource: Resource, grant: Grant) -> list[Location]:
    """What a grant opens: the data its target paths name, and code (a function) granted directly."""
    targets: list[Location] = []
    for path in grant.targets:
        if path == SELF:
            targets.append(lineage.locate(resource))
            continue
        targets.extend(lineage.trace(resource, path, True, lineage.own_region(resource)))
        for dependency in lineage.stack.dependencies(resource, path):
            if lineage.code_reads(dependency):
                targets.append(lineage.locate(dependency))
    return targets


def _holds_data(lineage: Lineage, location: Location) -> bool:
    resource = location.resource
    if resource is None:
        return bool(location.classifications)
    return bool(
        resource.is_a(Category.HOLDS)
        or resource.is_a(Category.IN_TRANSIT)
        or lineage.effective(resource)
        or lineage.code_reads(resource)
    )


def granted_classes(lineage: Lineage, share: Share) -> frozenset[str]:
    """What a grant opens: the target's data, or for code (a function) the data it is configured to read."""
    classes = lineage.classes(share.target)
    if share.target.resource is not None:
        classes = classes | (lineage.code_reads(share.target.resource) & RESIDENT_CLASSIFICATIONS)
    return classes


def _granted(
    lineage: Lineage, principals: Principals, resource: Resource, grant: Grant
) -> list[tuple[str, str]]:
    """The principals outside the deployment a grant admits, `everyone` included.

    Each comes with the path of the policy document it is presumed from when that document is computed from
    other resources and unknown at preview (empty when it was read).
    """
    found: list[tuple[str, str]] = []
    for path in grant.policies:
        values = values_at(resource.props, path)
        for value in values:
            if isinstance(value, Unknown):
                dependencies = lineage.stack.dependencies(resource, path)
                if not dependencies:
                    found.append((f"the principals of {path} (unknown at preview)", ""))
                else:
                    sources = ", ".join(d.label for d in dependencies)
                    found.append(
                        (f"whoever its {path} names (computed from {sources}, unknown at preview)", path)
                    )
                continue
            for document in _documents(value):
                for statement in _statements(document):
                    found.extend((p, "") for p in principals.of_statement(statement, resource))
    found.extend((principal, "") for principal in _named_principals(lineage, principals, resource, grant))
    return found


def _named_principals(
    lineage: Lineage, principals: Principals, resource: Resource, grant: Grant
) -> list[str]:
    """The principals outside the deployment a grant's principal fields and public switches admit."""
    found: list[str] = []
    for path in grant.principals:
        dependencies = lineage.stack.dependencies(resource, path)
        for value in values_at(resource.props, path):
            if isinstance(value, Unknown):
                if not dependencies:
                    found.append(f"{path} (unknown at preview)")
                continue
            outside = principals.outside(value, resource)
            if outside and not (
                dependencies and any(d in lineage.stack.mentioned_in(str(value)) for d in dependencies)
            ):
                found.append(outside)
    for path, wanted in grant.public:
        for value in values_at(resource.props, path) if wanted else [True]:
            if not wanted or isinstance(value, Unknown) or value in wanted:
                found.append(
                    EVERYONE if not isinstance(value, Unknown) else f"possibly everyone ({path} unknown)"
                )
    return found


def _resident_stack(lineage: Lineage) -> bool:
    """Whether the stack holds personal data or telemetry anywhere (declared or through lineage)."""
    return lineage.holds_any(RESIDENT_CLASSIFICATIONS)


def shares(stack: Stack, lineage: Lineage, settings: Settings) -> list[Share]:
    """Every grant of data to a principal outside the deployment, or to everyone.

    A target the stack cannot trace (no resource of the stack) counts as holding data in a stack that holds
    personal data or telemetry: what it is cannot be shown. A principal presumed from a document unknown at
    preview counts only on targets that hold personal data or telemetry (or code configured with them).
    """
    principals = Principals(stack, settings)
    found: list[Share] = []
    for resource in stack.resources:
        if resource.type == ROLE:
            found.extend(_role_shares(lineage, principals, resource))
            continue
        for grant in grants_of(resource.type):
            if grant.judged_by and not (grant.policies or grant.principals or grant.public):
                continue
            granted = _granted(lineage, principals, resource, grant)
            if not granted:
                continue
            for target in _targets(lineage, resource, grant):
                holds = _holds_data(lineage, target) or (target.resource is None and _resident_stack(lineage))
                for principal, unreadable in dict.fromkeys(granted):
                    share = Share(
                        resource, grant.grants, target, principal, "everyone" in principal, holds, unreadable
                    )
                    if unreadable and not granted_classes(lineage, share) & RESIDENT_CLASSIFICATIONS:
                        continue
                    found.append(share)
    return found


def unreadable_fix(share: Share) -> str:
    """How to make a grant whose document is unknown at preview judgeable."""
    return (
        f"build {share.resource.label}'s {share.unreadable} from values a preview knows, so the pack can "
        "read whom it grants: the account id from aws.get_caller_identity (invokes resolve at preview), the "
        "store's ARN from its known name (arn:aws:s3:::<bucket>, arn:aws:dynamodb:<region>:<account>:table/"
        "<name>) rather than from the store's outputs, and grant only principals of this deployment's "
        "accounts."
    )


def public_shares(stack: Stack, lineage: Lineage, settings: Settings) -> Iterator[Share]:
    """The grants that open data to everyone."""
    return (share for share in shares(stack, lineage, settings) if share.public)


def shareable(classes: frozenset[str]) -> bool:
    """Whether data so classified may be granted to other accounts or to everyone."""
    return classes in SHAREABLE_ALONE


# IAM roles ---------------------------------------------------------------------------------------------


def _role_shares(lineage: Lineage, principals: Principals, role: Resource) -> list[Share]:
    """What a role that principals outside the deployment may assume gives them."""
    trusted: list[str] = []
    for value in values_at(role.props, "assumeRolePolicy"):
        if isinstance(value, Unknown):
            if not lineage.stack.dependencies(role, "assumeRolePolicy"):
                trusted.append("the principals of its trust policy (unknown at preview)")
            continue
        for document in _documents(value):
            for statement in _statements(document):
                trusted.extend(_trusted(principals, statement, role))
    if not trusted:
        return []
    found = []
    for target in role_targets(lineage, role):
        holds = _holds_data(lineage, target)
        for principal in dict.fromkeys(trusted):
            found.append(Share(role, "a role another account may assume", target, principal, False, holds))
    return found


def _trusted(principals: Principals, statement: Mapping[str, Any], role: Resource) -> list[str]:
    """Who outside the deployment may assume the role by a trust statement (in-stack federation is inside)."""
    principal = statement.get("Principal")
    if isinstance(principal, Mapping) and "Federated" in principal:
        outside = []
        for provider in elements(principal["Federated"]):
            if isinstance(provider, str) and (
                principals.stack.named(provider) or provider.endswith(".amazonaws.com")
            ):
                continue
            arn = parse_arn(provider)
            if arn is not None and arn.account in principals.settings.account_ids:
                continue
            outside.append(f"identities federated through {provider}")
        rest = {k: v for k, v in principal.items() if k != "Federated"}
        statement = {**statement, "Principal": rest}
        return outside + (principals.of_statement(statement, role) if rest else [])
    return principals.of_statement(statement, role)


def role_targets(lineage: Lineage, role: Resource, writes: bool = False) -> list[Location]:
    """What a role's policies reach: the resources they name, and every data store for `*` (lineage's
    `role_reach` finds the roles a resource runs as and asks this for each).

    With `writes`, only where the role may write: statements whose actions only read (`Get*`, `List*`,
    `Describe*`, `kms:Decrypt`) and read-only managed policies reach nothing, and a policy the pack cannot
    read (an AWS managed policy it does not know, a customer managed one the stack does not declare) may
    write anywhere.
    """
    stack = lineage.stack
    documents: list[tuple[Resource, str]] = [(role, "inlinePolicies[].policy")]
    for policy in stack.of_type(ROLE_POLICY):
        if stack.refers_to(policy, "role", role):
            documents.append((policy, "policy"))
    attached: list[Any] = list(values_at(role.props, "managedPolicyArns"))
    for attachment in stack.of_type(ROLE_POLICY_ATTACHMENT):
        if stack.refers_to(attachment, "role", role):
            attached.extend(values_at(attachment.props, "policyArn"))
            for managed in stack.dependencies(attachment, "policyArn"):
                if managed.type == MANAGED_POLICY:
                    documents.append((managed, "policy"))
    for attachment in stack.of_type(POLICY_ATTACHMENT):
        if stack.refers_to(attachment, "roles", role):
            attached.extend(values_at(attachment.props, "policyArn"))
            documents.extend(
                (d, "policy") for d in stack.dependencies(attachment, "policyArn") if d.type == MANAGED_POLICY
            )
    documents.extend(
        (d, "policy") for d in stack.dependencies(role, "managedPolicyArns") if d.type == MANAGED_POLICY
    )
    declared = {owner.urn for owner, _ in documents}
    for arn in known_strings(attached):
        for managed in stack.named(arn):
            if managed.type == MANAGED_POLICY and managed.urn not in declared:
                declared.add(managed.urn)
                documents.append((managed, "policy"))
    found: list[Location] = []
    everything = False
    for owner, path in documents:
        for value in values_at(owner.props, path):
            if isinstance(value, Unknown):
                # A document computed at preview names what it was computed from.
                for dependency in stack.dependencies(owner, path):
                    if dependency is not role:
                        found.extend(lineage.trace(owner, path, True, lineage.own_region(owner)))
                        break
                continue
            for document in _documents(value):
                for statement in _statements(document):
                    if statement.get("Effect") != "Allow" or (writes and not _may_write(statement)):
                        continue
                    for resource_arn in elements(statement.get("Resource")):
                        if resource_arn == "*":
                            everything = True
                        elif isinstance(resource_arn, str):
                            found.extend(_named(lineage, owner, resource_arn))
    for arn in known_strings(attached):
        parsed = parse_arn(arn)
        if parsed is not None and parsed.account == "aws":
            name = parsed.resource.split("/")[-1]
            read_only = "ReadOnly" in name or "ViewOnly" in name
            if writes and read_only:
                continue
            if name in BROAD_MANAGED_POLICIES or "FullAccess" in name or read_only:
                everything = True
            elif writes:
                found.append(untraceable(f"where the AWS managed policy {name} lets {role.label} write"))
        elif writes and not any(d.type == MANAGED_POLICY for d in stack.named(arn)):
            # A customer managed policy the stack does not declare: what it allows cannot be read.
            found.append(untraceable(f"where the policy {arn} lets {role.label} write"))
    if everything:
        found.extend(lineage.locate(r) for r in stack.resources if _holds_data(lineage, lineage.locate(r)))
        found.append(untraceable("every data store of the account"))
    return found


_READ_VERBS = ("get", "list", "describe", "decrypt")
"""Action names that only read: a statement of nothing else writes nowhere."""


def _may_write(statement: Mapping[str, Any]) -> bool:
    """Whether an Allow statement may write (any action that is not a read; NotAction may be anything)."""
    if "NotAction" in statement:
        return True
    actions = elements(statement.get("Action"))
    for action in actions:
        if not isinstance(action, str):
            return True
        verb = action.lower().partition(":")[2]
        if not verb.startswith(_READ_VERBS):
            return True
    return not actions


def _named(lineage: Lineage, owner: Resource, arn_pattern: str) -> list[Location]:
    """The stack's data a policy's Resource entry names (a trailing wildcard names what it prefixes)."""
    base = arn_pattern.split("*")[0].rstrip("/")
    matches = lineage.stack.arn_match(base, lineage.region) if base else []
    if not matches and "*" in arn_pattern:
        matches = [
            r
            for r in lineage.stack.resources
            if any(i.startswith(base) for i in r.identities if i.startswith("arn:"))
        ]
    if matches:
        return [lineage.locate(r) for r in matches]
    if "*" in arn_pattern:
        return [untraceable(arn_pattern)]
    # A resource outside the stack: where its ARN says it is (an S3 ARN names no region).
    arn = parse_arn(arn_pattern)
    return [Location(arn_pattern, arn.region or None, arn.account or None)] if arn is not None else []


__all__ = [
    "EVERYONE",
    "ROLE",
    "UNKNOWN",
    "Share",
    "granted_classes",
    "grants_of",
    "public_shares",
    "role_targets",
    "shareable",
    "shares",
    "unreadable_fix",
]
