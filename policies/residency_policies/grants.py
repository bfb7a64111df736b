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

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from fnmatch import fnmatchcase
from typing import Any

from residency_facts import (
    GRANTS,
    RESIDENT_CLASSIFICATIONS,
    SELF,
    SERVED_FROM,
    SERVED_THROUGH,
    Category,
    Grant,
)
from residency_facts.issuers import CALLER_KEYS, CALLER_VARIABLES, KEYED_ACTIONS
from residency_facts.mechanisms import (
    DATABASE_LOGIN_ARNS,
    INBOUND_ACTIONS,
    KEY_SERVICES,
    NON_READING_ACTIONS,
    SERVED_BY_SOURCES,
)
from residency_facts.principal_policies import EVERY_STORE

from .attributes import STACK_ACCOUNT, account_of
from .grants_catalog import every_table, statement_targets, whole_catalog
from .identity_providers import pools_admit_anyone
from .lineage import KMS_KEY_TYPES, Lineage
from .lineage_literals import organisation_named
from .lineage_principals import ROLE
from .locations import GENERATED_ID_NOTE, Location, holds_data, mechanism_key, runs_code, untraceable
from .model import Resource, Stack, arn_services, parse_arn
from .principal_policies import (
    Attached,
    aws_managed_name,
    boundary_statements,
    bounding,
    known_managed_policy,
    managed_statements,
    principal_policies,
    resources_of,
)
from .principal_policies import policy_documents as _documents
from .principal_policies import policy_statements as _statements
from .settings import Settings
from .values import (
    UNKNOWN,
    Unknown,
    as_bool,
    child,
    elements,
    is_set,
    known_strings,
    value_at,
    values_at,
)

EVERYONE = "everyone (*)"
LAKE_FORMATION_IAM = "IAM_ALLOWED_PRINCIPALS"
"""Lake Formation's group of the account's own IAM principals (its default permissions' usual principal)."""

ACCOUNT_CONDITIONS = frozenset(
    {
        "aws:principalaccount",
        "aws:sourceaccount",
        "aws:sourceowner",
        "kms:calleraccount",
        "aws:principalarn",
        "aws:sourcearn",
        "s3:dataaccesspointaccount",
        "s3:dataaccesspointarn",
    }
)
"""Keys that name the caller's account (or an ARN in it). `aws:ResourceAccount` is not one: in a resource
policy it is the account of the resource itself, whoever calls. `s3:DataAccessPointAccount` and
`s3:DataAccessPointArn` admit only requests made through access points of that account (AWS's documented
delegation of a bucket's access control to its access points): each access point's own policy is a grant of
the bucket (`SERVED_FROM`), judged as such; an access point the stack does not declare is the account's
own, as an undeclared role is."""
NETWORK_CONDITIONS = frozenset({"aws:sourcevpce", "aws:sourcevpc"})
MOUNT_TARGET_ONLY = ("bool", "elasticfilesystem:accessedviamounttarget", ["true"])
"""A test that admits only NFS clients reaching an EFS file system through its mount targets, which sit in the
file system's own VPC (the Service Authorization Reference lists `elasticfilesystem:AccessedViaMountTarget`
for ClientMount, ClientWrite and ClientRootAccess; the EFS guide's policy examples use it): narrowed to the
store's network, as `aws:SourceVpc` of the stack's VPC is. Only `"true"` as a string is read (a JSON boolean
or another spelling is not, and fails closed). In another service's policy the key is absent from every
request, so the test admits nobody."""
ORGANISATION_CONDITIONS = frozenset(
    {"aws:principalorgid", "aws:principalorgpaths", "aws:sourceorgid", "aws:sourceorgpaths"}
)
SOURCE_CONDITIONS = frozenset(
    {"aws:sourceaccount", "aws:sourceowner", "aws:sourcearn", "aws:principalaccount"}
)
"""Keys that tie a service principal to the account or resource it acts for (the confused-deputy guard)."""
ENCRYPTION_CONTEXT = "kms:encryptioncontext:"
"""A key policy may tie a service to the resources it encrypts for by an ARN in the encryption context
(CloudWatch Logs' `kms:EncryptionContext:aws:logs:arn`)."""
RESTRICTING_OPERATORS = frozenset(
    {"stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike"}
)
"""Operators under which a request matches only when its key holds one of the values. Every other operator
admits requests beyond the values: a negated one (`StringNotEquals`) everyone else, `...IfExists` a request
without the key, `ForAllValues:` a request without the key, `ForAnyValue:` / `Null` / `Bool` / numeric and
date tests no account at all."""
WILDCARDS = ("*", "?")
SERVICE_SUFFIXES = (".amazonaws.com", ".amazonaws.com.cn")
ROLES_ANYWHERE = "rolesanywhere.amazonaws.com"
COGNITO_IDENTITY = "cognito-identity.amazonaws.com"
OIDC_PROVIDER = "aws:iam/openIdConnectProvider:OpenIdConnectProvider"
IDENTITY_POOL = "aws:cognito/identityPool:IdentityPool"
TRUST_ANCHOR = "aws:rolesanywhere/trustAnchor:TrustAnchor"
EKS_CLUSTER = "aws:eks/cluster:Cluster"
VPC_ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
VPC = "aws:ec2/vpc:Vpc"
STACK_PRINCIPALS = ("aws:iam/role:Role", "aws:iam/user:User", "aws:iam/samlProvider:SamlProvider")
"""Dependencies of a computed trust policy that name principals of the stack itself."""

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


def grants_here(resource: Resource) -> tuple[Grant, ...]:
    """How a resource grants access: its type's grants whose `when` holds (a value unknown at preview
    holds: what it is cannot be shown to grant nothing)."""
    return tuple(
        grant
        for grant in grants_of(resource.type)
        if all(
            isinstance(value, Unknown) or value in wanted
            for path, wanted in grant.when
            for value in values_at(resource.props, path) or [UNKNOWN]
        )
    )


Test = tuple[str, str, list[str]]
"""One condition test of a statement: (operator, key, values), operator and key in lower case."""


def _tests(statement: Mapping[str, Any]) -> list[Test]:
    """Every (operator, key, values) test of a statement's Condition block."""
    condition = statement.get("Condition")
    if not isinstance(condition, Mapping):
        return []
    found: list[Test] = []
    for operator, tests in condition.items():
        if not isinstance(tests, Mapping):
            continue
        operator = str(operator).lower()
        for key, values in tests.items():
            found.append(
                (operator, str(key).lower(), [_condition_value(operator, v) for v in elements(values)])
            )
    return found


def _condition_value(operator: str, value: Any) -> str:
    """A condition value as IAM compares it: a JSON boolean as `true`/`false`, a Bool test's value in any
    case (IAM takes `True` as `true`), anything else as written."""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    return text.lower() if operator.startswith("bool") else text


def _restricting(tests: list[Test], keys: frozenset[str] | None = None, prefix: str = "") -> list[Test]:
    """The tests a request must match with one of the values, on these keys (or keys with this prefix)."""
    return [
        (operator, key, values)
        for operator, key, values in tests
        if operator in RESTRICTING_OPERATORS
        and values
        and ((keys is not None and key in keys) or (prefix and key.startswith(prefix)))
    ]


def is_service(principal: Any) -> bool:
    """Whether a principal is an AWS service principal (`cloudfront.amazonaws.com`)."""
    return isinstance(principal, str) and principal.endswith(SERVICE_SUFFIXES) and "/" not in principal


class Principals:
    """Sorts the principals a grant names into this deployment's, other accounts' and everyone.

    A role of the stack is inside only when nobody outside the deployment may become it: whom its trust
    policy admits, through the roles that may assume it (role chains), is whom a grant to it admits
    (`assumers`). A role of the deployment's accounts that the stack does not declare (a literal ARN: an
    administrators' or SSO role) is taken as the account's own (decision, policies/README.md): its trust is
    the account's IAM governance, which the pack cannot read, as it cannot read who the organisation's
    identity provider maps to a role.
    """

    def __init__(self, stack: Stack, settings: Settings, lineage: Lineage | None = None) -> None:
        self.stack = stack
        self.settings = settings
        self.lineage = lineage
        self._assumers: dict[str, list[str]] = {}
        self._becoming: list[str] = []
        """The roles whose assumers are being worked out (a chain that comes back to one adds nobody)."""

    def roles(self, text: str) -> list[Resource]:
        """The stack's roles a principal names: by an identity, or by an ARN of the deployment's accounts."""
        named = [r for r in self.stack.named(text) if r.type == ROLE]
        arn = parse_arn(text)
        if named or arn is None or arn.service != "iam" or not arn.resource.startswith("role/"):
            return named
        if self.settings.account_ids and arn.account not in self.settings.account_ids:
            return []
        accounts = self.settings.account_ids or None
        return [r for r in self.stack.arn_match(text, None, accounts) if r.type == ROLE]

    def assumers(self, role: Resource) -> list[str]:
        """Who outside the deployment may become a role of the stack: whom its trust admits, transitively
        through the stack's roles it trusts, and those that may assume it where it trusts its own account."""
        if self.lineage is None or role.urn in self._becoming:
            return []
        cached = self._assumers.get(role.urn)
        if cached is not None:
            return cached
        self._becoming.append(role.urn)
        try:
            found = list(dict.fromkeys(t for t, _ in _trust_of(self.lineage, self, role)))
        finally:
            self._becoming.pop()
        if not self._becoming:
            # A result worked out inside a chain may lack what the chain's start adds: kept only at the top.
            self._assumers[role.urn] = found
        return found

    def becoming(self, roles: list[Resource]) -> str | None:
        """How those outside who may become one of these roles are named; None when nobody outside may."""
        found = [f"{who} by assuming {role.label}" for role in roles for who in self.assumers(role)]
        return ", ".join(dict.fromkeys(found)) or None

    def outside(self, principal: Any, granter: Resource) -> str | None:
        """How a principal outside the deployment is named in a message; None when it is inside.

        A service principal is judged with the conditions that tie it to a source (`service`), not here.
        """
        if isinstance(principal, Unknown):
            return None
        if not isinstance(principal, str | int | float) or isinstance(principal, bool):
            return None
        text = str(principal)
        if text == "*":
            return EVERYONE
        if is_service(text) or text == LAKE_FORMATION_IAM:
            return None
        roles = self.roles(text)
        if roles:
            return self.becoming(roles)
        if text in ("http://acs.amazonaws.com/groups/global/AllUsers",):
            return EVERYONE
        if text == "http://acs.amazonaws.com/groups/global/AuthenticatedUsers":
            return "every AWS account (AuthenticatedUsers)"
        if self.stack.named(text):
            return None
        if organisation_named(text):
            return f"the organisation {text}"
        arn = parse_arn(text)
        account = arn.account if arn is not None else (text if text.isdigit() else None)
        if arn is not None and arn.service == "iam" and arn.account == "aws":
            return None
        if account is None and any(w in text for w in WILDCARDS) and text.strip("0123456789*?") == "":
            account = text
        if account is None:
            if len(text) == 64 and all(c in "0123456789abcdef" for c in text):
                return f"the canonical user {text}"
            return f"{text} (an account that cannot be traced)"
        if any(w in account for w in WILDCARDS):
            return f"accounts matching {account}"
        if not account:
            return f"{text} (an account that cannot be traced)"
        account = account.zfill(12)
        if account in self.settings.account_ids:
            return None
        return f"account {account}"

    def _network(self, key: str, values: list[str]) -> list[str]:
        """The networks outside the deployment a VPC endpoint or VPC condition admits requests from."""
        wanted = VPC_ENDPOINT if key == "aws:sourcevpce" else VPC
        what = "a VPC endpoint" if key == "aws:sourcevpce" else "a VPC"
        return [
            f"requests through {value} ({what} the stack does not declare)"
            for value in values
            if not any(r.type == wanted for r in self.stack.named(value))
        ]

    def narrowed(self, statement: Mapping[str, Any], granter: Resource) -> list[str] | None:
        """Whom the conditions of a statement for everyone admit: None when no condition narrows it.

        Every test of a Condition block must hold, so one test that admits only this deployment (an account
        of it, a VPC endpoint or VPC the stack declares) is enough; else the narrowest test found says
        whom it admits (other accounts, an organisation, networks the stack does not declare).
        """
        tests = _tests(statement)
        best: list[str] | None = None
        for _, _key, values in _restricting(tests, ACCOUNT_CONDITIONS):
            found = [o for o in (self.outside(v, granter) for v in values) if o]
            if not found:
                return []
            best = best if best is not None else found
        for _, key, values in _restricting(tests, NETWORK_CONDITIONS):
            found = self._network(key, values)
            if not found:
                return []
            best = best if best is not None else found
        if MOUNT_TARGET_ONLY in tests:
            return []
        for _, _key, values in _restricting(tests, ORGANISATION_CONDITIONS):
            best = best if best is not None else [f"the organisation {v}" for v in values]
        return best

    def service(self, service: str, tests: list[Test], granter: Resource) -> str | None:
        """How a service principal outside the deployment is named; None when a condition ties it to this
        deployment's accounts or resources (aws:SourceArn, aws:SourceAccount, an encryption context ARN)."""
        pins = _restricting(tests, SOURCE_CONDITIONS, ENCRYPTION_CONTEXT)
        outside: list[str] = []
        for _, key, values in pins:
            if key.startswith(ENCRYPTION_CONTEXT) and not all(parse_arn(v) for v in values):
                continue
            found = [o for o in (self.outside(v, granter) for v in values) if o]
            if not found:
                return None
            outside = outside or found
        if outside:
            return f"{service} acting for {', '.join(outside)}"
        return (
            f"{service} acting for any account (no aws:SourceArn or aws:SourceAccount condition ties it to "
            "this deployment's resources or accounts)"
        )

    def of_statement(self, statement: Mapping[str, Any], granter: Resource, trust: bool = False) -> list[str]:
        """The principals outside the deployment an Allow statement admits.

        In a trust policy (`trust`) a service principal acts for whoever passes it the role, which only the
        role's own account may (iam:PassRole): inside; IAM Roles Anywhere, which hands the role to holders of
        certificates instead, is judged by `_trusted`.
        """
        if statement.get("Effect") != "Allow":
            return []
        if "NotPrincipal" in statement:
            return [EVERYONE]
        principal = statement.get("Principal")
        values: list[Any] = []
        services: list[str] = []
        if isinstance(principal, str):
            values = [principal]
        elif isinstance(principal, Mapping):
            for kind, named in principal.items():
                if kind in ("AWS", "CanonicalUser", "Federated"):
                    values.extend(elements(named))
                elif kind == "Service":
                    services.extend(str(s) for s in elements(named) if isinstance(s, str))
        found: list[str] = []
        for service in services if not trust else []:
            outside = self.service(service, _tests(statement), granter)
            if outside:
                found.append(outside)
        for value in values:
            outside = self.outside(value, granter)
            if is_service(value) and not trust:
                outside = self.service(str(value), _tests(statement), granter)
            if outside == EVERYONE:
                narrowed = self.narrowed(statement, granter)
                if narrowed is not None:
                    found.extend(narrowed)
                    continue
            if outside:
                found.append(outside)
        return found


def _targets(lineage: Lineage, resource: Resource, grant: Grant) -> list[Location]:
    """What a grant opens: the data its target paths name, followed through what serves data held elsewhere
    (an access point, a location, an API: `_served`), and code (a function) granted directly."""
    targets: list[Location] = every_table(lineage, resource) if grant.catalog_wide else []
    for path in grant.targets:
        if path == SELF:
            targets.extend(_served(lineage, lineage.locate(resource), set()))
            continue
        if path == LF_TAG_POLICY:
            if is_set(value_at(resource.props, path)):
                targets.extend(_lf_tagged(lineage, resource))
            continue
        targets.extend(_trace_served(lineage, resource, path, {resource.urn}, roles=False))
        for dependency in lineage.stack.dependencies(resource, path):
            if lineage.code_reads(dependency):
                targets.append(lineage.locate(dependency))
    # What is served through several paths (a target group a listener names and forwards to) counts once.
    unique = {(t.resource.urn if t.resource is not None else t.description): t for t in reversed(targets)}
    return list(reversed(unique.values()))


def _serves(resource: Resource, roles: bool) -> bool:
    key = mechanism_key(resource.type)
    return (
        key in SERVED_FROM
        or key in SERVED_THROUGH
        or key in SERVED_BY_SOURCES
        or (roles and resource.type == ROLE)
    )


def _trace_served(
    lineage: Lineage, resource: Resource, path: str, seen: set[str], roles: bool = True
) -> list[Location]:
    """The data a path names, and what the resources it names that serve data held elsewhere serve (by
    lineage or by a literal that names them); a role serves what its policies reach (`roles`)."""
    found: list[Location] = []
    dependencies = lineage.stack.dependencies(resource, path)
    for location in lineage.trace(resource, path, True, lineage.own_region(resource)):
        if location.resource in dependencies and runs_code(location.resource):
            # Code granted directly opens what it reads, and only when it reads something (`_targets`).
            continue
        found.extend(_served(lineage, location, seen))
    servers = [d for d in dependencies if _serves(d, roles)]
    for value in known_strings(values_at(resource.props, path)):
        servers.extend(m for m in lineage.mentioned(value, resource) if _serves(m, roles))
    for server in dict.fromkeys(servers):
        if server.urn not in seen:
            found.extend(_served(lineage, lineage.locate(server), seen))
    return found


LF_TAG_POLICY = "lfTagPolicy"
RESOURCE_LF_TAGS = (
    "aws:lakeformation/resourceLfTags:ResourceLfTags",
    "aws:lakeformation/resourceLfTag:ResourceLfTag",
)
INTEGRATION = "aws:apigateway/integration:Integration"
HTTP_INTEGRATION = "aws:apigatewayv2/integration:Integration"
HTTP_API = "aws:apigatewayv2/api:Api"
INTEGRATION_FIELDS: dict[str, tuple[str, str, str]] = {
    INTEGRATION: ("type", "uri", "credentials"),
    HTTP_INTEGRATION: ("integrationType", "integrationUri", "credentialsArn"),
}
"""Per integration type: the inputs of its kind, its URI and the role it calls the backend as."""


def api_serves(lineage: Lineage, api: Resource) -> list[Location]:
    """What an API Gateway API serves its callers: a REST API what its integrations and its body's serve
    (`SERVED_THROUGH`, `SERVED_FROM`), an HTTP or WebSocket API what its integrations serve."""
    if api.type != HTTP_API:
        return _served(lineage, lineage.locate(api), set())
    found: list[Location] = []
    for integration in lineage.stack.of_type(HTTP_INTEGRATION):
        if lineage.stack.refers_to(integration, "apiId", api):
            found.extend(_integration_serves(lineage, integration, {api.urn}))
    return found


def _served(lineage: Lineage, location: Location, seen: set[str]) -> list[Location]:
    """A grant's target and what it serves (`mechanisms.SERVED_FROM`, `SERVED_THROUGH`, `SERVED_BY_SOURCES`),
    transitively: a grant on an access point is a grant on its bucket, one on a resource share a grant of
    what it shares. A role serves what its policies reach. A serving path that names nothing the stack can
    trace is untraceable."""
    resource = location.resource
    if resource is None or resource.urn in seen:
        return [location]
    seen = seen | {resource.urn}
    found = [location]
    if resource.type == ROLE:
        return found + role_targets(lineage, resource)
    key = mechanism_key(resource.type)
    if key in SERVED_BY_SOURCES:
        for movement in lineage.movements:
            if movement.resource is resource:
                for source in movement.sources:
                    found.extend(_served(lineage, source, seen))
    for path in SERVED_FROM.get(key, ()):
        if not values_at(resource.props, path):
            continue
        traced = _trace_served(lineage, resource, path, seen)
        # Code it names serves what it reads (and, reading nothing, nothing): traced, not untraceable.
        code = [d for d in lineage.stack.dependencies(resource, path) if runs_code(d)]
        if not traced and not code:
            traced = [untraceable(f"what {resource.label} serves through {path}")]
        found.extend(traced)
        found.extend(lineage.locate(d) for d in code if lineage.code_reads(d))
    for token, via in SERVED_THROUGH.get(key, ()):
        for member in lineage.stack.of_type(token):
            if via and not lineage.stack.refers_to(member, via, resource):
                continue
            if not via and (
                lineage.own_region(member) != lineage.own_region(resource)
                or account_of(member) != account_of(resource)
            ):
                continue
            if member.type == INTEGRATION:
                found.extend(_integration_serves(lineage, member, seen))
            else:
                found.extend(_served(lineage, lineage.locate(member), seen))
    return found


def _integration_serves(lineage: Lineage, integration: Resource, seen: set[str]) -> list[Location]:
    """What an API integration serves (a REST API's, an HTTP or WebSocket API's): an AWS service integration
    what its role may reach (the service action in its URI names no resource), a Lambda integration what its
    function reads. HTTP and mock integrations serve what an application returns: out of reach
    (policies/README.md)."""
    kind_path, uri_path, role_path = INTEGRATION_FIELDS[integration.type]
    kind = value_at(integration.props, kind_path)
    if kind in ("HTTP", "HTTP_PROXY", "MOCK"):
        return []
    found: list[Location] = []
    for path in (uri_path, role_path):
        found.extend(
            location
            for location in _trace_served(lineage, integration, path, seen)
            if location.resource is not None
        )
        for dependency in lineage.stack.dependencies(integration, path):
            if lineage.code_reads(dependency):
                found.append(lineage.locate(dependency))
    credentials = value_at(integration.props, role_path)
    if (
        isinstance(credentials, str)
        and credentials
        and not any(
            r.type == ROLE
            for r in lineage.stack.arn_match(credentials, None, lineage.settings.account_ids or None)
        )
    ):
        found.append(untraceable(f"what the role {credentials!r} of {integration.label} may reach"))
    if kind is None or isinstance(kind, Unknown):
        found.append(untraceable(f"what {integration.label} serves (its type is unknown at preview)"))
    return found


def _lf_tagged(lineage: Lineage, permissions: Resource) -> list[Location]:
    """What a Lake Formation grant by LF-tag expression opens: the tables and databases of the stack whose
    LF-tags match every expression (a database's tags pass to its tables); an expression the pack cannot
    read, or one that matches nothing the stack tags (resources may be tagged outside it), is untraceable."""
    expressions = values_at(permissions.props, f"{LF_TAG_POLICY}.expressions")
    wanted: list[tuple[str, frozenset[str]]] = []
    for expression in expressions:
        key = child(expression, "key")
        values = child(expression, "values")
        if (
            not isinstance(key, str)
            or isinstance(values, Unknown)
            or any(not isinstance(v, str) for v in elements(values))
        ):
            return [
                untraceable(
                    f"the resources {permissions.label}'s LF-tag expression matches (unknown at preview)"
                )
            ]
        wanted.append((key, frozenset(str(v) for v in elements(values))))
    if not wanted:
        return [
            untraceable(f"the resources {permissions.label}'s LF-tag policy matches (no readable expression)")
        ]
    found: list[Location] = []
    for tagging in lineage.stack.of_type(*RESOURCE_LF_TAGS):
        tags: dict[str, set[str]] = {}
        for tag in values_at(tagging.props, "lfTags") + values_at(tagging.props, "lfTag"):
            key, value = child(tag, "key"), child(tag, "value")
            if isinstance(key, str):
                tags.setdefault(key, set()).add(value if isinstance(value, str) else "*")
        if all(tags.get(key, set()) & (values | {"*"}) for key, values in wanted):
            for path in ("table.**", "tableWithColumns.**", "database.**"):
                if values_at(tagging.props, path.removesuffix(".**")):
                    found.extend(_trace_served(lineage, tagging, path, {permissions.urn}))
    if not found:
        found.append(
            untraceable(
                f"the resources {permissions.label}'s LF-tag expression matches (none the stack tags)"
            )
        )
    return found


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
                    admitted = principals.of_statement(statement, resource)
                    found.extend((p, "") for p in _reading(statement, admitted))
    found.extend((principal, "") for principal in _named_principals(lineage, principals, resource, grant))
    return found


def _reading(statement: Mapping[str, Any], admitted: list[str]) -> list[str]:
    """The admitted principals that a statement lets read: all of them, except that a statement of nothing
    but `INBOUND_ACTIONS` (putting data in) reads nothing, unless it admits everyone (then open to all)."""
    if "NotAction" in statement:
        return admitted
    actions = elements(statement.get("Action"))
    if not actions or not all(isinstance(a, str) and a.lower() in INBOUND_ACTIONS for a in actions):
        return admitted
    return [p for p in admitted if "everyone" in p]


def _named_principals(
    lineage: Lineage, principals: Principals, resource: Resource, grant: Grant
) -> list[str]:
    """The principals outside the deployment a grant's principal fields and public switches admit."""
    found: list[str] = []
    for path in grant.principals:
        dependencies = lineage.stack.dependencies(resource, path)
        # A role the principal was computed from (`grantee_principal=role.arn`): whoever may become it.
        through = principals.becoming([d for d in dependencies if d.type == ROLE])
        if through and values_at(resource.props, path):
            found.append(through)
        for value in values_at(resource.props, path):
            if isinstance(value, Unknown):
                if not dependencies:
                    found.append(f"{path} (unknown at preview)")
                continue
            outside = principals.outside(value, resource)
            if is_service(value):
                outside = _pinned_service(lineage, principals, resource, grant, str(value))
            if outside and not (
                dependencies and any(d in lineage.stack.mentioned_in(str(value)) for d in dependencies)
            ):
                found.append(outside)
    for path, wanted in grant.public:
        for value in values_at(resource.props, path) if wanted else [True]:
            if not wanted or isinstance(value, Unknown) or value in wanted:
                who = grant.public_as or EVERYONE
                found.append(who if not isinstance(value, Unknown) else f"possibly {who} ({path} unknown)")
    return found


def _pinned_service(
    lineage: Lineage, principals: Principals, resource: Resource, grant: Grant, service: str
) -> str | None:
    """A service principal set in a principal field, judged with the fields that tie it to a source (a
    function permission's `sourceAccount` / `sourceArn`): None when they tie it to this deployment."""
    tests: list[Test] = []
    for path, key in grant.sources:
        for value in values_at(resource.props, path):
            if isinstance(value, Unknown):
                sources = lineage.stack.dependencies(resource, path)
                if not sources:
                    return f"{service} acting for whatever {path} names (unknown at preview, no lineage)"
                foreign = [
                    s.label
                    for s in sources
                    if account_of(s) not in (STACK_ACCOUNT, *principals.settings.account_ids)
                ]
                if not foreign:
                    return None
                return f"{service} acting for {', '.join(foreign)} (outside this deployment's accounts)"
            if isinstance(value, str) and value:
                tests.append(("arnlike", key.lower(), [value]))
    outside = principals.service(service, tests, resource)
    if outside and grant.sources:
        fields = " or ".join(path for path, _ in grant.sources)
        outside = outside.replace("no aws:SourceArn or aws:SourceAccount condition", f"no {fields}")
    return outside


def _resident_stack(lineage: Lineage) -> bool:
    """Whether the stack holds personal data or telemetry anywhere (declared or through lineage)."""
    return lineage.holds_any(RESIDENT_CLASSIFICATIONS)


def shares(stack: Stack, lineage: Lineage, settings: Settings) -> list[Share]:
    """Every grant of data to a principal outside the deployment, or to everyone.

    A target the stack cannot trace (no resource of the stack) counts as holding data in a stack that holds
    personal data or telemetry: what it is cannot be shown. A principal presumed from a document unknown at
    preview counts only on targets that hold personal data or telemetry (or code configured with them).
    """
    principals = Principals(stack, settings, lineage)
    found: list[Share] = []
    for resource in stack.resources:
        if resource.type == ROLE:
            found.extend(_role_shares(lineage, principals, resource))
            continue
        for grant in grants_here(resource):
            if grant.judged_by and not (grant.policies or grant.principals or grant.public):
                continue
            if grant.statement_targets:
                found.extend(_statement_shares(lineage, principals, resource, grant))
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


def _statement_shares(
    lineage: Lineage, principals: Principals, resource: Resource, grant: Grant
) -> list[Share]:
    """The shares of an account-wide policy (a Data Catalog's), statement by statement: each opens what its
    own `Resource` entries name (`grants_catalog`) to its own principals; a document unknown at preview may
    open the whole catalog to anyone, and fails closed where that holds resident data."""
    resident = _resident_stack(lineage)
    found: list[Share] = []

    def add(targets: list[Location], admitted: list[str], unreadable: str) -> None:
        unique = {(t.resource.urn if t.resource is not None else t.description): t for t in targets}
        for target in unique.values():
            holds = _holds_data(lineage, target) or (target.resource is None and resident)
            for principal in dict.fromkeys(admitted):
                share = Share(
                    resource, grant.grants, target, principal, "everyone" in principal, holds, unreadable
                )
                if unreadable and not granted_classes(lineage, share) & RESIDENT_CLASSIFICATIONS:
                    continue
                found.append(share)

    for path in grant.policies:
        for value in values_at(resource.props, path):
            if isinstance(value, Unknown):
                computed = ", ".join(d.label for d in lineage.stack.dependencies(resource, path))
                who = f"whoever its {path} names (computed from {computed or 'nothing'}, unknown at preview)"
                add(whole_catalog(lineage, resource), [who], path)
                continue
            for document in _documents(value):
                for statement in _statements(document):
                    admitted = _reading(statement, principals.of_statement(statement, resource))
                    if not admitted:
                        continue
                    entries = (
                        ["*"]
                        if "NotResource" in statement
                        else known_strings(elements(statement.get("Resource")))
                    )
                    add([t for e in entries for t in statement_targets(lineage, resource, e)], admitted, "")
    return found


def public_shares(stack: Stack, lineage: Lineage, settings: Settings) -> Iterator[Share]:
    """The grants that open data to everyone."""
    return (share for share in shares(stack, lineage, settings) if share.public)


def shareable(classes: frozenset[str]) -> bool:
    """Whether data so classified may be granted to other accounts or to everyone."""
    return classes in SHAREABLE_ALONE


# IAM roles ---------------------------------------------------------------------------------------------


def _role_shares(lineage: Lineage, principals: Principals, role: Resource) -> list[Share]:
    """What a role that principals outside the deployment may assume gives them.

    A trust policy computed from other resources is unknown at a first preview: it is judged by what it was
    computed from (the stack's roles and users, its EKS cluster's issuer, an identity pool or a trust anchor
    the pack can judge); computed from anything else it cannot be read, and on a role that reaches personal
    data or telemetry it fails closed, as a computed resource policy does. So does a policy of the role the
    pack cannot read, in a stack that holds personal data or telemetry (reviewer blind-access15 a10).
    """
    trusted = _trust_of(lineage, principals, role)
    if not trusted:
        return []
    found = []
    # Each identity of an identity pool reaches only what the role's statements not narrowed to the caller
    # reach (decision, reviewer blind-access15 a34, c16).
    everyone_reaches: set[str] | None = None
    if any(isinstance(principal, PoolIdentities) for principal, _ in trusted):
        everyone_reaches = {_key(t) for t in role_targets(lineage, role, callers_own=False)}
    for target in role_targets(lineage, role):
        # What a policy the pack cannot read grants cannot be shown not to be resident data.
        holds = _holds_data(lineage, target) or (target.review and _resident_stack(lineage))
        for principal, unreadable in dict.fromkeys(trusted):
            if (
                isinstance(principal, PoolIdentities)
                and everyone_reaches is not None
                and _key(target) not in everyone_reaches
            ):
                continue
            share = Share(
                role, "a role another account may assume", target, principal, False, holds, unreadable
            )
            if unreadable and not granted_classes(lineage, share) & RESIDENT_CLASSIFICATIONS:
                continue
            found.append(share)
    return found


def _trust_of(lineage: Lineage, principals: Principals, role: Resource) -> list[tuple[str, str]]:
    """Who outside the deployment a role's trust policy admits, each with the path of the trust document it
    is presumed from when that is unknown at preview (empty when it was read).

    A principal of the stack's roles in the trust admits whoever may become that role; a trust in the
    role's own account (its root, its id) admits the account's principals whose policies allow them to
    assume it, and so whoever may become the stack's roles that may (`_assuming_roles`).
    """
    trusted: list[tuple[str, str]] = []
    for value in values_at(role.props, "assumeRolePolicy"):
        if isinstance(value, Unknown):
            dependencies = lineage.stack.dependencies(role, "assumeRolePolicy")
            if not dependencies:
                trusted.append(("the principals of its trust policy (unknown at preview)", ""))
            for dependency in dependencies:
                judged = _computed_trust(lineage, principals, dependency)
                if judged is None:
                    trusted.append(
                        (
                            f"whoever its assumeRolePolicy admits (computed from {dependency.label}, "
                            "unknown at preview)",
                            "assumeRolePolicy",
                        )
                    )
                trusted.extend((t, "") for t in judged or [])
            continue
        for document in _documents(value):
            for statement in _statements(document):
                trusted.extend((t, "") for t in _trusted(lineage, principals, statement, role))
    if _trusts_own_account(principals, role):
        through = principals.becoming(_assuming_roles(lineage, role))
        if through:
            trusted.append((through, ""))
    return trusted


def _computed_trust(lineage: Lineage, principals: Principals, dependency: Resource) -> list[str] | None:
    """Whom a trust policy computed from a resource admits, when the resource says it; None when it cannot
    be told before the document is known."""
    if dependency.type == ROLE:
        through = principals.becoming([dependency])
        return [through] if through else []
    if dependency.type in STACK_PRINCIPALS or dependency.type == EKS_CLUSTER:
        return []
    if dependency.type == OIDC_PROVIDER and _eks_issuer(lineage, dependency):
        return []
    if dependency.type == IDENTITY_POOL:
        return _pool_identities(lineage, dependency, authenticated_only=False)
    if dependency.type == TRUST_ANCHOR:
        return _anchor_holders(principals, dependency)
    return None


def _eks_issuer(lineage: Lineage, provider: Resource) -> bool:
    """Whether an OIDC provider is the stack's EKS cluster's issuer: it vouches only for the service
    accounts of that cluster, whose workloads the stack runs."""
    return any(d.type == EKS_CLUSTER for d in lineage.stack.dependencies(provider, "url"))


class PoolIdentities(str):
    """A principal that is each identity of a Cognito identity pool: the policy variable
    `${cognito-identity.amazonaws.com:sub}` names the caller, so a statement narrowed to it gives each only
    its own rows or objects (`_per_caller`)."""


def _pool_identities(lineage: Lineage, pool: Resource, authenticated_only: bool) -> list[str]:
    """Who gets a Cognito identity pool's identities: everyone when it allows unauthenticated ones (and the
    trust does not exclude them), the users its login providers vouch for (social logins, a developer
    provider, an OpenID Connect provider other than the stack's EKS issuer, a SAML provider outside the
    deployment), everyone when a user pool of the stack it admits lets anyone sign up (reviewer
    blind-access15 a34); its logins through the stack's other user pools stay inside."""
    return [PoolIdentities(who) for who in _pool_admits(lineage, pool, authenticated_only)]


def _pool_admits(lineage: Lineage, pool: Resource, authenticated_only: bool) -> list[str]:
    found: list[str] = []
    unauthenticated = as_bool(child(pool.props, "allowUnauthenticatedIdentities"))
    if not authenticated_only and unauthenticated is not False and unauthenticated is not None:
        found.append(f"everyone (unauthenticated identities of {pool.label})")
    found.extend(
        f"everyone (identities of {pool.label}, through its user pool logins: {why})"
        for why in pools_admit_anyone(pool, "cognitoIdentityProviders[].providerName", lineage.stack)
    )
    for path in ("supportedLoginProviders", "openidConnectProviderArns", "samlProviderArns"):
        value = child(pool.props, path)
        if isinstance(value, Unknown):
            found.append(f"identities {pool.label}'s {path} vouch for (unknown at preview)")
            continue
        named = list(value) if isinstance(value, Mapping) else known_strings(elements(value))
        if any(isinstance(v, Unknown) for v in elements(value)):
            # Providers named by their ARN outputs, unknown at preview: judged by what they were taken from.
            dependencies = lineage.stack.dependencies(pool, path)
            if not dependencies:
                found.append(f"identities {pool.label}'s {path} vouch for (unknown at preview)")
            for dependency in dependencies:
                own = dependency.type == "aws:iam/samlProvider:SamlProvider" or _eks_issuer(
                    lineage, dependency
                )
                if not own:
                    found.append(f"identities {dependency.label} vouches for ({path} of {pool.label})")
        for provider in named:
            if path != "supportedLoginProviders" and _own_identity_provider(lineage, path, str(provider)):
                continue
            declared = lineage.stack.named(str(provider)) if path != "supportedLoginProviders" else []
            label = declared[0].label if declared else provider
            found.append(f"identities {label} vouches for ({path} of {pool.label})")
    developer = child(pool.props, "developerProviderName")
    if is_set(developer):
        found.append(f"identities the developer provider {developer} of {pool.label} vouches for")
    return found


def _own_identity_provider(lineage: Lineage, path: str, provider_arn: str) -> bool:
    """Whether an identity provider a pool names vouches only for the deployment's own: a SAML provider of
    the deployment (the organisation's), the stack's EKS cluster's issuer. Any other OpenID Connect
    provider vouches for whoever it issues tokens to, and a pool pins no subject."""
    declared = lineage.stack.named(provider_arn)
    if path == "samlProviderArns":
        arn = parse_arn(provider_arn)
        return bool(declared) or (arn is not None and arn.account in lineage.settings.account_ids)
    return any(d.type == OIDC_PROVIDER and _eks_issuer(lineage, d) for d in declared)


def _anchor_holders(principals: Principals, anchor: Resource) -> list[str]:
    """Who may present a certificate an IAM Roles Anywhere trust anchor accepts: inside only for an anchor
    on an AWS Private CA of this deployment (declared by the stack, or in one of its accounts)."""
    source = child(anchor.props, "source")
    kind = child(source, "sourceType")
    if kind == "AWS_ACM_PCA":
        authority = child(child(source, "sourceData"), "acmPcaArn")
        dependencies = principals.stack.dependencies(anchor, "source")
        if isinstance(authority, Unknown) and any(
            d.type == "aws:acmpca/certificateAuthority:CertificateAuthority" for d in dependencies
        ):
            return []
        if isinstance(authority, str) and (
            principals.stack.named(authority) or principals.outside(authority, anchor) is None
        ):
            return []
    return [
        f"holders of certificates {anchor.label} accepts (IAM Roles Anywhere, a certificate authority "
        "outside this deployment)"
    ]


def _trusted(
    lineage: Lineage, principals: Principals, statement: Mapping[str, Any], role: Resource
) -> list[str]:
    """Who outside the deployment may assume the role by a trust statement."""
    if statement.get("Effect") != "Allow":
        return []
    principal = statement.get("Principal")
    outside: list[str] = []
    if isinstance(principal, Mapping) and ROLES_ANYWHERE in known_strings(elements(principal.get("Service"))):
        outside.extend(_roles_anywhere(principals, statement, role))
    if isinstance(principal, Mapping) and "Federated" in principal:
        for provider in elements(principal["Federated"]):
            outside.extend(_federated(lineage, principals, statement, provider))
        rest = {k: v for k, v in principal.items() if k != "Federated"}
        statement = {**statement, "Principal": rest}
        return outside + (principals.of_statement(statement, role, trust=True) if rest else [])
    return outside + principals.of_statement(statement, role, trust=True)


def _roles_anywhere(principals: Principals, statement: Mapping[str, Any], role: Resource) -> list[str]:
    """Who gets a role IAM Roles Anywhere may assume: holders of certificates of the anchors its
    aws:SourceArn condition names (any anchor of the account without one)."""
    anchors = [
        v for _, _, values in _restricting(_tests(statement), frozenset({"aws:sourcearn"})) for v in values
    ]
    if not anchors:
        return [
            "holders of certificates of any IAM Roles Anywhere trust anchor of the account (no aws:SourceArn "
            "condition names the stack's anchor)"
        ]
    found: list[str] = []
    for arn in anchors:
        declared = [r for r in principals.stack.named(arn) if r.type == TRUST_ANCHOR]
        if not declared:
            found.append(
                f"holders of certificates of {arn} (an IAM Roles Anywhere anchor the stack does not declare)"
            )
        for anchor in declared:
            found.extend(_anchor_holders(principals, anchor))
    return found


EKS_ISSUER = re.compile(r"^oidc\.eks\.([a-z]{2}(?:-[a-z]+)+-\d+)\.amazonaws\.com(?:\.cn)?/id/")
"""An EKS cluster's OIDC issuer (`oidc.eks.<region>.amazonaws.com/id/<id>`), which names the cluster's
region."""


def _federated(
    lineage: Lineage, principals: Principals, statement: Mapping[str, Any], provider: Any
) -> list[str]:
    """Whom a federated principal of a trust statement admits from outside the deployment.

    An OIDC provider admits whom its issuer vouches for: inside only with the subject pinned (a test that
    requires `<issuer>:sub` to equal a value without wildcards) or when it is the stack's EKS cluster's
    issuer. A SAML provider of the deployment is the organisation's own identity provider. Cognito is
    judged by the identity pools its `aud` condition names.
    """
    if not isinstance(provider, str):
        return []
    tests = _tests(statement)
    if provider == COGNITO_IDENTITY:
        return _cognito(lineage, tests)
    declared = principals.stack.named(provider)
    arn = parse_arn(provider)
    in_deployment = bool(declared) or (arn is not None and arn.account in principals.settings.account_ids)
    if not in_deployment:
        return [f"identities federated through {provider}"]
    if arn is not None and arn.resource.startswith("saml-provider/"):
        return []
    if any(d.type == OIDC_PROVIDER and _eks_issuer(lineage, d) for d in declared):
        return []
    urls = [child(d.props, "url") for d in declared if d.type == OIDC_PROVIDER]
    issuer = next((u.removeprefix("https://") for u in urls if isinstance(u, str)), "")
    if not issuer:
        issuer = arn.resource.removeprefix("oidc-provider/") if arn is not None else provider
    cluster_region = EKS_ISSUER.match(issuer.lower())
    if cluster_region is not None and cluster_region.group(1) not in principals.settings.allowed_regions:
        # An EKS cluster's issuer names its region: the pods it vouches for run there, whatever the subject.
        return [
            f"service accounts of an EKS cluster in {cluster_region.group(1)} (its OIDC issuer {issuer}), "
            "whose pods read what the role reaches there"
        ]
    subject = f"{issuer}:sub".lower()
    pinned = [
        values
        for operator, key, values in _restricting(tests, frozenset({subject}))
        if not (operator.startswith("stringlike") and any(w in v for v in values for w in WILDCARDS))
    ]
    if pinned:
        return []
    return [f"identities of {issuer} whose subject the trust does not pin (no exact {issuer}:sub condition)"]


def _cognito(lineage: Lineage, tests: list[Test]) -> list[str]:
    """Whom a trust in Cognito identity federation admits: the identities of the pools its `aud` names."""
    pools = [
        v for _, _, values in _restricting(tests, frozenset({f"{COGNITO_IDENTITY}:aud"})) for v in values
    ]
    if not pools:
        return [f"identities of any Cognito identity pool (no {COGNITO_IDENTITY}:aud condition)"]
    amr = f"{COGNITO_IDENTITY}:amr"
    authenticated = any(
        key == amr and values and all(v == "authenticated" for v in values) and "not" not in operator
        for operator, key, values in tests
    )
    found: list[str] = []
    for pool_id in pools:
        declared = [r for r in lineage.stack.named(pool_id) if r.type == IDENTITY_POOL]
        if not declared:
            found.append(f"identities of the Cognito identity pool {pool_id} (not declared by the stack)")
        for pool in declared:
            found.extend(_pool_identities(lineage, pool, authenticated_only=authenticated))
    return found


def _key(location: Location) -> str:
    return location.resource.urn if location.resource is not None else location.description


def role_targets(
    lineage: Lineage, role: Resource, writes: bool = False, callers_own: bool = True
) -> list[Location]:
    """What a role's policies reach: the resources they name, and every data store for `*` (lineage's
    `role_reach` finds the roles a resource runs as and asks this for each).

    Only statements with an action that may read a store reach it: KMS permissions (`KEY_SERVICES`) and
    actions that return nothing a store holds (`NON_READING_ACTIONS`) reach nothing, and a key is never
    what a role reads (a statement can only name it for KMS actions; a document computed from one names it
    so). `*` reaches every data store of the stack (a holder, or code that reads), never what only fronts
    one (a security group, a subnet group), and every one of the account besides. An AWS managed policy the
    pack knows (`AWS_MANAGED_POLICIES`) reaches the stores of the services it reads; a policy it cannot read
    (another AWS managed one, a customer managed one the stack does not declare, an ARN unknown at preview,
    an inline policy an exclusive resource keeps that the stack does not declare) reaches what cannot be
    traced, and says what to review. A permissions boundary the pack can read bounds all of them
    (`principal_policies.bounding`).

    With `writes`, only where the role may write: statements whose actions only read (`Get*`, `List*`,
    `Describe*`, `kms:Decrypt`) and read-only managed policies reach nothing, and a policy the pack cannot
    read may write anywhere. Without `callers_own`, statements narrowed to each caller's own rows or objects
    (`_per_caller`) reach nothing: what every identity of an identity pool reaches.
    """
    stack = lineage.stack
    policies = principal_policies(stack, role)
    boundary = boundary_statements(stack, role, writes)
    if boundary is not None:
        # A boundary statement that reads no store lets no read through (nor, with `writes`, any write).
        boundary = [b for b in boundary if b.get("Effect") == "Allow" and _may_reach(b, writes)]
    reach = _Reach(lineage, role, boundary, writes)
    for owner, path in policies.documents:
        for value in values_at(owner.props, path):
            if isinstance(value, Unknown):
                if bounding(reach.boundary, None) == []:
                    continue
                # A document computed at preview names what it was computed from; from nothing the stack
                # declares (an invoke whose answer is unknown), it cannot be read.
                if not stack.dependencies(owner, path):
                    reach.unreadable(
                        f"the policy document {path} of {owner.label}", "it is unknown at preview"
                    )
                for dependency in stack.dependencies(owner, path):
                    if dependency is not role:
                        reach.found.extend(lineage.trace(owner, path, True, lineage.own_region(owner)))
                        break
                continue
            for document in _documents(value):
                for statement in _statements(document):
                    if statement.get("Effect") != "Allow" or not _may_reach(statement, writes):
                        continue
                    if not callers_own and _per_caller(statement):
                        continue
                    reach.statement(owner, statement)
    for item in policies.attached:
        if not item.declared:
            reach.attached(item)
    for kept in policies.kept:
        if not kept.declared:
            shown = repr(kept.value) if isinstance(kept.value, str) else f"{kept.path} (unknown at preview)"
            reach.unreadable(
                f"the inline policy {shown} ({kept.path} of {kept.attachment.label})",
                "no inline policy of the stack by that name is the role's",
            )
    return [f for f in reach.locations() if f.resource is None or f.resource.type not in KMS_KEY_TYPES]


class _Reach:
    """What a role's statements reach so far, bounded by its permissions boundary when the pack reads one."""

    def __init__(
        self, lineage: Lineage, role: Resource, boundary: list[Mapping[str, Any]] | None, writes: bool
    ) -> None:
        self.lineage = lineage
        self.role = role
        self.boundary = boundary
        self.writes = writes
        self.found: list[Location] = []
        self._everything: list[Location] | None = None

    def everything(self) -> list[Location]:
        """Every data store of the stack (a holder, or code that reads) and of the account."""
        if self._everything is None:
            lineage = self.lineage
            self._everything = [
                lineage.locate(r)
                for r in lineage.stack.resources
                if holds_data(r, lineage.settings) or lineage.code_reads(r)
            ]
            self._everything.append(untraceable("every data store of the account"))
        return self._everything

    def statement(self, owner: Resource, statement: Mapping[str, Any]) -> None:
        """Add what an Allow statement that may reach a store reaches, within the boundary."""
        bounds = bounding(self.boundary, statement)
        if bounds == []:
            return
        for resource_arn in resources_of(statement):
            if resource_arn == "*":
                self._add(owner, self.everything(), bounds)
            elif isinstance(resource_arn, str):
                self._add(owner, _named(self.lineage, owner, resource_arn), bounds)

    def attached(self, item: Attached) -> None:
        """Add what a managed policy the stack does not declare reaches."""
        value = item.value
        name = aws_managed_name(value)
        known = known_managed_policy(value)
        if known is not None:
            for statement in managed_statements(known, self.writes):
                self._services(statement, known.writes if self.writes else known.reads)
            return
        given = f"{item.path} of {item.attachment.label}"
        if name is not None:
            if self.writes and ("ReadOnly" in name or "ViewOnly" in name):
                return
            self.unreadable(
                f"the AWS managed policy {name} ({given})",
                "the pack does not know what it grants (principal_policies.AWS_MANAGED_POLICIES)",
            )
        elif isinstance(value, Unknown):
            computed = ", ".join(d.label for d in self.lineage.stack.dependencies(item.attachment, item.path))
            self.unreadable(
                f"the policy {given} names",
                f"its ARN is unknown at preview, computed from {computed or 'an invoke or nothing'}",
            )
        elif isinstance(value, str) and value:
            self.unreadable(f"the policy {value} ({given})", "the stack does not declare that policy")

    def unreadable(self, policy: str, reason: str) -> None:
        """Add what a policy whose document cannot be read reaches: what cannot be traced (with `writes`:
        anywhere)."""
        role = self.role.label
        if self.writes:
            self.add_bounded(untraceable(f"where {policy} lets {role} write"))
            return
        self.add_bounded(
            Location(
                f"what {policy} lets {role} read, which the pack cannot read ({reason})",
                None,
                None,
                review=True,
            )
        )

    def add_bounded(self, location: Location) -> None:
        """Add what a policy that cannot be read reaches, unless the boundary lets no action through."""
        if bounding(self.boundary, None) != []:
            self.found.append(location)

    def _services(self, statement: Mapping[str, Any], services: tuple[str, ...]) -> None:
        bounds = bounding(self.boundary, statement)
        if bounds == []:
            return
        if EVERY_STORE in services:
            self._add(self.role, self.everything(), bounds)
            return
        lineage = self.lineage
        stores = [
            lineage.locate(r)
            for r in lineage.stack.resources
            if (holds_data(r, lineage.settings) or lineage.code_reads(r))
            and set(arn_services(r.type)) & set(services)
        ]
        stores.append(untraceable(f"every {', '.join(services)} store of the account"))
        self._add(self.role, stores, bounds)

    def _add(
        self, owner: Resource, locations: list[Location], bounds: list[Mapping[str, Any]] | None
    ) -> None:
        if bounds is None:
            self.found.extend(locations)
            return
        self.found.extend(
            place for place in locations if any(_covers(self.lineage, owner, b, place) for b in bounds)
        )

    def locations(self) -> list[Location]:
        """Everything reached, each once."""
        unique: dict[tuple[Any, ...], Location] = {}
        for location in self.found:
            place = location.resource.urn if location.resource is not None else location.description
            unique.setdefault((place, location.region, location.account, location.via), location)
        return list(unique.values())


def _covers(lineage: Lineage, owner: Resource, allowed: Mapping[str, Any], location: Location) -> bool:
    """Whether a boundary statement's resources include a place a role's statement reaches."""
    for pattern in resources_of(allowed):
        if pattern == "*":
            return True
        if not isinstance(pattern, str):
            return True
        if location.resource is None:
            if fnmatchcase(location.description, pattern):
                return True
            continue
        if any(fnmatchcase(i, pattern) for i in location.resource.identities if i.startswith("arn:")):
            return True
        if any(n.resource is location.resource for n in _named(lineage, owner, pattern)):
            return True
    return False


def _trusts_own_account(principals: Principals, role: Resource) -> bool:
    """Whether a role's trust policy admits its own account (`arn:aws:iam::<account>:root` or the account's
    id), which lets every principal of the account whose identity policies allow it assume the role."""
    for value in values_at(role.props, "assumeRolePolicy"):
        for document in _documents(value):
            for statement in _statements(document):
                principal = statement.get("Principal")
                if statement.get("Effect") != "Allow" or not isinstance(principal, Mapping):
                    continue
                for named in known_strings(elements(principal.get("AWS"))):
                    arn = parse_arn(named)
                    account = arn.account if arn is not None and arn.resource == "root" else named
                    if account in principals.settings.account_ids:
                        return True
    return False


_ASSUMING_MANAGED_POLICIES = ("AdministratorAccess", "PowerUserAccess")
"""AWS managed policies that allow sts:AssumeRole on every role."""


def _assuming_roles(lineage: Lineage, role: Resource) -> list[Resource]:
    """The stack's other roles whose identity policies allow sts:AssumeRole on this role (by its ARN, a
    wildcard that covers it, or `*`)."""
    stack = lineage.stack
    found: list[Resource] = []
    for other in stack.of_type(ROLE):
        if other is role:
            continue
        policies = principal_policies(stack, other)
        broad = any(aws_managed_name(a.value) in _ASSUMING_MANAGED_POLICIES for a in policies.attached)
        if broad or any(
            _allows_assuming(lineage, owner, statement, role)
            for owner, path in policies.documents
            for value in values_at(owner.props, path)
            for document in _documents(value)
            for statement in _statements(document)
        ):
            found.append(other)
    return found


def _allows_assuming(lineage: Lineage, owner: Resource, statement: Mapping[str, Any], role: Resource) -> bool:
    """Whether an identity policy statement allows assuming the role."""
    if statement.get("Effect") != "Allow":
        return False
    actions = known_strings(elements(statement.get("Action")))
    if "NotAction" not in statement and not any(fnmatchcase("sts:assumerole", a.lower()) for a in actions):
        return False
    for resource_arn in known_strings(elements(statement.get("Resource"))):
        if resource_arn == "*" or any(fnmatchcase(arn, resource_arn) for arn in _role_arns(lineage, role)):
            return True
    return False


def _role_arns(lineage: Lineage, role: Resource) -> list[str]:
    """The ARNs a role of the stack may have: its known ARN, else one per account of the deployment from its
    name and path (a first preview knows the name, not the ARN)."""
    known = [i for i in role.identities if i.startswith("arn:") and ":role/" in i]
    name = child(role.props, "name")
    path = child(role.props, "path")
    prefix = path if isinstance(path, str) and path.startswith("/") else "/"
    owner = account_of(role)
    accounts = set(lineage.settings.account_ids) | ({owner} if owner and owner != STACK_ACCOUNT else set())
    if isinstance(name, str):
        known.extend(f"arn:aws:iam::{account}:role{prefix}{name}" for account in sorted(accounts))
    return known


def _per_caller(statement: Mapping[str, Any]) -> bool:
    """Whether a statement gives each caller of an identity pool only its own data: every resource it names
    is under the caller's identity (`arn:aws:s3:::bucket/${cognito-identity.amazonaws.com:sub}/*`), or a
    test that every request must pass holds a partition key or prefix to it (`dynamodb:LeadingKeys`); a
    `ForAllValues:` test only when every action carries the key (`issuers.KEYED_ACTIONS`: a Scan has none,
    and the test holds for it)."""
    resources = known_strings(elements(statement.get("Resource")))
    if resources and "NotResource" not in statement and all(_names_caller(r) for r in resources):
        return True
    actions = [a.lower() for a in known_strings(elements(statement.get("Action")))]
    for operator, key, values in _tests(statement):
        if key not in CALLER_KEYS or not values or not all(_names_caller(v) for v in values):
            continue
        if operator in RESTRICTING_OPERATORS:
            return True
        keyed = "NotAction" not in statement and actions and all(a in KEYED_ACTIONS for a in actions)
        if operator.removeprefix("forallvalues:") in RESTRICTING_OPERATORS and keyed:
            return True
    return False


def _names_caller(text: str) -> bool:
    return any(variable in text for variable in CALLER_VARIABLES)


_READ_VERBS = ("get", "list", "describe", "decrypt")
"""Action names that only read: a statement of nothing else writes nowhere."""


def _may_reach(statement: Mapping[str, Any], writes: bool) -> bool:
    """Whether an Allow statement of a role's policy may read a store (with `writes`, write one): not when
    its every action is a KMS one (`KEY_SERVICES`) or, for reads, one that returns nothing a store holds
    (`NON_READING_ACTIONS`); NotAction may be anything."""
    if writes and not _may_write(statement):
        return False
    if "NotAction" in statement:
        return True
    actions = elements(statement.get("Action"))
    if not actions:
        return True
    for action in actions:
        if not isinstance(action, str):
            return True
        lowered = action.lower()
        if lowered.partition(":")[0] in KEY_SERVICES or (not writes and lowered in NON_READING_ACTIONS):
            continue
        return True
    return False


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
    logins = _database_logins(lineage, arn_pattern)
    if logins is not None:
        return logins
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


def _database_logins(lineage: Lineage, arn_pattern: str) -> list[Location] | None:
    """The databases an IAM database authentication ARN logs in to (`DATABASE_LOGIN_ARNS`): the stack's
    database whose resource id it names, every one of its region and account it may name by a wildcard; an
    id while a database of its region and account has none yet (a first preview knows none) cannot be shown
    to be none of the stack's: untraceable, to review; with no such database, one outside the stack. None
    for another ARN."""
    arn = parse_arn(arn_pattern)
    if arn is None or arn.service not in DATABASE_LOGIN_ARNS:
        return None
    prefix, types = DATABASE_LOGIN_ARNS[arn.service]
    if not arn.resource.startswith(prefix):
        return None
    resource_id = arn.resource[len(prefix) :].split("/")[0]
    databases = [
        r
        for r in lineage.stack.of_type(*types)
        if (not arn.region or fnmatchcase(lineage.own_region(r) or "", arn.region))
        and (not arn.account or arn.account in {lineage.account(r), *lineage.settings.account_ids})
    ]
    if any(w in resource_id for w in WILDCARDS):
        matched = [
            r
            for r in databases
            if not (ids := [i for i in r.identities if i.startswith(("db-", "cluster-", "prx-"))])
            or any(fnmatchcase(i, resource_id) for i in ids)
        ]
    else:
        matched = [r for r in databases if resource_id in r.identities]
    if matched:
        return [lineage.locate(r) for r in matched]
    if not any(not [i for i in r.identities if i.startswith(("db-", "cluster-", "prx-"))] for r in databases):
        # Every database of its region and account has a known id, none this one: a database elsewhere.
        return [Location(arn_pattern, arn.region or None, arn.account or None)]
    return [
        replace(
            untraceable(
                f"{arn_pattern} (a database login by resource id, {GENERATED_ID_NOTE}: no database of the "
                "stack has it at preview; build the policy with pulumi.Output.json_dumps from the "
                "database's resource_id output, so that its lineage is recorded)"
            ),
            review=True,
        )
    ]


__all__ = [
    "EVERYONE",
    "ROLE",
    "UNKNOWN",
    "Share",
    "granted_classes",
    "grants_here",
    "grants_of",
    "public_shares",
    "role_targets",
    "shareable",
    "shares",
]
