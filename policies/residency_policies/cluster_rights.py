"""What the stack's RBAC bindings let a workload's credentials do in its cluster.

A pod acts as its ServiceAccount (`serviceAccountName`, else `default`) when a token is mounted: the pod's
`automountServiceAccountToken` decides, else its ServiceAccount's, else it is mounted; a projected
`serviceAccountToken` volume mounts one whatever they say, and a Secret of type
`kubernetes.io/service-account-token` it mounts is the token of the account the Secret names. A
RoleBinding or ClusterRoleBinding applies to the account when a subject names it (a ServiceAccount of its
namespace, a RoleBinding's subject without a namespace being of the binding's; the user
`system:serviceaccount:<namespace>:<name>`; the groups `system:serviceaccounts`,
`system:serviceaccounts:<namespace>`, `system:authenticated`), and to every request without a token when a
subject is `system:anonymous` or `system:unauthenticated`. The role is the stack's Role (of the binding's
namespace) or ClusterRole of that name in the cluster, a built-in ClusterRole encoded in
`residency_facts.kubernetes_rbac`, or both; an aggregated ClusterRole holds the rules of every ClusterRole its
selectors match (the stack's and the built-ins', transitively). A role neither declares, a role or rule
unknown at preview, and a subject unknown at preview fail closed: every right. A ClusterRoleBinding grants
everywhere, a RoleBinding only in its namespace and never a cluster-scoped resource.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from residency_facts.kubernetes_rbac import (
    ANONYMOUS_SUBJECTS,
    BUILT_IN_ROLES,
    RIGHTS,
    SERVICE_ACCOUNT_GROUPS,
    SERVICE_ACCOUNT_NAME_ANNOTATION,
    SERVICE_ACCOUNT_TOKEN_SECRET,
    SERVICE_ACCOUNT_USER,
    Right,
)
from residency_facts.workloads import POD_SPEC_PATHS

from .exposure_services import same_cluster
from .lineage import Lineage
from .lineage_code import mounted_configuration
from .locations import mechanism_key
from .model import Resource, Stack
from .values import UNKNOWN, Unknown, as_bool, as_mapping, child, elements, is_set, value_at, values_at

ROLE_BINDING = "rbac.authorization.k8s.io:RoleBinding"
CLUSTER_ROLE_BINDING = "rbac.authorization.k8s.io:ClusterRoleBinding"
ROLE = "rbac.authorization.k8s.io:Role"
CLUSTER_ROLE = "rbac.authorization.k8s.io:ClusterRole"
SERVICE_ACCOUNT = "core:ServiceAccount"
_EVERYTHING = (("*",), ("*",), ("*",), ())
"""A rule that grants every right: what a role or rule the pack cannot read is taken to be."""

RuleTuple = tuple[tuple[Any, ...], tuple[Any, ...], tuple[Any, ...], tuple[str, ...]]
"""(apiGroups, resources, verbs, resourceNames) of one rule."""


class Identity(NamedTuple):
    """Who a workload's requests are: a ServiceAccount (namespace, name; UNKNOWN: any), or no one."""

    namespace: Any
    name: Any
    how: str
    anonymous: bool = False


class Granted(NamedTuple):
    """A right a binding gives an identity: where (None: every namespace), and over which named objects
    (None: every one)."""

    right: Right
    binding: Resource
    role: str
    namespace: Any
    names: frozenset[str] | None
    identity: Identity


def _namespace(resource: Resource) -> Any:
    namespace = value_at(resource.props, "metadata.namespace")
    return "default" if namespace is None else namespace


def identities(workload: Resource, stack: Stack, lineage: Lineage) -> list[Identity]:
    """Who a workload's pods are to the API server: its ServiceAccount when a token is mounted, the accounts
    of the token Secrets it mounts, and, always, a request without a token."""
    namespace = _namespace(workload)
    found: list[Identity] = [Identity(namespace, None, "a request without its token", anonymous=True)]
    for base in POD_SPEC_PATHS:
        spec = value_at(workload.props, base)
        if not is_set(child(spec, "containers")):
            continue
        account = child(spec, "serviceAccountName")
        account = child(spec, "serviceAccount") if account is None else account
        account = "default" if account is None else account
        shown = f"{namespace}/{account}" if isinstance(account, str) else f"{namespace}/(unknown at preview)"
        why = _token(spec, namespace, account, workload, stack)
        if why is not None:
            found.append(
                Identity(namespace, UNKNOWN if isinstance(account, Unknown) else account, f"{shown} ({why})")
            )
    for secret in mounted_configuration(lineage, workload):
        if (
            mechanism_key(secret.type) != "core:Secret"
            or value_at(secret.props, "type") != SERVICE_ACCOUNT_TOKEN_SECRET
        ):
            continue
        account = child(value_at(secret.props, "metadata.annotations"), SERVICE_ACCOUNT_NAME_ANNOTATION)
        if account is None:
            continue
        shown = account if isinstance(account, str) else "(unknown at preview)"
        found.append(
            Identity(namespace, account, f"{namespace}/{shown} (the token Secret {secret.label} it mounts)")
        )
    return found


def _token(spec: Any, namespace: Any, account: Any, workload: Resource, stack: Stack) -> str | None:
    """Why a pod has its ServiceAccount's token, or None when it has none."""
    if values_at(spec, "volumes[].projected.sources[].serviceAccountToken"):
        return "a projected serviceAccountToken volume"
    own = as_bool(child(spec, "automountServiceAccountToken"))
    if own is True:
        return "automountServiceAccountToken true on its pods"
    if own is False:
        return None
    if isinstance(own, Unknown):
        return "automountServiceAccountToken unknown at preview"
    for declared in same_cluster(stack, workload, (SERVICE_ACCOUNT,)):
        if _namespace(declared) == namespace and value_at(declared.props, "metadata.name") == account:
            setting = as_bool(child(declared.props, "automountServiceAccountToken"))
            if setting is False:
                return None
            if isinstance(setting, Unknown):
                return "its ServiceAccount's automountServiceAccountToken is unknown at preview"
    return "its token is mounted: automountServiceAccountToken is not false on its pods or its ServiceAccount"


def granted(workload: Resource, stack: Stack, lineage: Lineage) -> list[Granted]:
    """Every right of `RIGHTS` the stack's bindings in a workload's cluster give its identities."""
    return granted_to(identities(workload, stack, lineage), workload, stack)


def granted_to(people: list[Identity], member: Resource, stack: Stack) -> list[Granted]:
    """Every right of `RIGHTS` the stack's bindings in the cluster of `member` give these identities."""
    found: list[Granted] = []
    for binding in same_cluster(stack, member, (ROLE_BINDING, CLUSTER_ROLE_BINDING)):
        cluster_wide = mechanism_key(binding.type) == CLUSTER_ROLE_BINDING
        where = None if cluster_wide else _namespace(binding)
        matched = [person for person in people if _applies(binding, where, person)]
        if not matched:
            continue
        rules, role = role_rules(binding, stack)
        for right in RIGHTS:
            if not cluster_wide and not right.namespaced:
                continue
            names = _granted_names(rules, right)
            if names is False:
                continue
            found.extend(
                Granted(right, binding, role, where, names if isinstance(names, frozenset) else None, person)
                for person in matched
            )
    return found


def _applies(binding: Resource, where: Any, person: Identity) -> bool:
    """Whether a binding's subjects include an identity (a subject unknown at preview may be anyone)."""
    subjects = value_at(binding.props, "subjects")
    if isinstance(subjects, Unknown):
        return True
    for subject in elements(subjects):
        kind, name = child(subject, "kind"), child(subject, "name")
        if isinstance(kind, Unknown) or isinstance(name, Unknown) or isinstance(subject, Unknown):
            return True
        if (kind, name) in ANONYMOUS_SUBJECTS:
            return True
        if person.anonymous or not isinstance(name, str):
            continue
        namespace = person.namespace
        if kind == "ServiceAccount":
            own = child(subject, "namespace") or where
            if _same(own, namespace) and _same(name, person.name):
                return True
        elif kind == "User" and isinstance(namespace, str):
            prefix = SERVICE_ACCOUNT_USER.format(namespace=namespace, name="")
            if name == prefix + str(person.name) or (
                isinstance(person.name, Unknown) and name.startswith(prefix)
            ):
                return True
        elif kind == "Group" and isinstance(namespace, str):
            groups = {group.format(namespace=namespace) for group in SERVICE_ACCOUNT_GROUPS}
            if name in groups:
                return True
    return False


def _same(a: Any, b: Any) -> bool:
    return isinstance(a, Unknown) or isinstance(b, Unknown) or a == b


def role_rules(binding: Resource, stack: Stack) -> tuple[list[RuleTuple], str]:
    """The rules of the role a binding names, and how the role is named in a message."""
    reference = value_at(binding.props, "roleRef")
    kind, name = child(reference, "kind"), child(reference, "name")
    if isinstance(reference, Unknown) or isinstance(kind, Unknown) or isinstance(name, Unknown):
        return [_EVERYTHING], "a role unknown at preview"
    if kind == "Role":
        roles = [
            r
            for r in same_cluster(stack, binding, (ROLE,))
            if value_at(r.props, "metadata.name") == name and _same(_namespace(r), _namespace(binding))
        ]
        if not roles:
            return [
                _EVERYTHING
            ], f"Role {name!r}, which the stack does not declare in namespace {_namespace(binding)}"
        return [rule for r in roles for rule in _own_rules(r)], f"Role {name!r}"
    roles = [
        r for r in same_cluster(stack, binding, (CLUSTER_ROLE,)) if value_at(r.props, "metadata.name") == name
    ]
    if not roles and name not in BUILT_IN_ROLES:
        return [
            _EVERYTHING
        ], f"ClusterRole {name!r}, which the stack does not declare (nor is it a built-in role)"
    return _cluster_role_rules(name, roles, binding, stack, set()), f"ClusterRole {name!r}"


def _own_rules(role: Resource) -> list[RuleTuple]:
    rules = value_at(role.props, "rules")
    if isinstance(rules, Unknown):
        return [_EVERYTHING]
    found: list[RuleTuple] = []
    for rule in elements(rules):
        if isinstance(rule, Unknown):
            found.append(_EVERYTHING)
            continue
        parts = []
        for key in ("apiGroups", "resources", "verbs"):
            value = child(rule, key)
            parts.append(("*",) if isinstance(value, Unknown) else tuple(elements(value)))
        names = child(rule, "resourceNames")
        listed = () if isinstance(names, Unknown) else tuple(n for n in elements(names) if isinstance(n, str))
        found.append((parts[0], parts[1], parts[2], listed))
    return found


def _cluster_role_rules(
    name: Any, declared: list[Resource], binding: Resource, stack: Stack, seen: set[Any]
) -> list[RuleTuple]:
    """A ClusterRole's rules: its own (the stack's objects of that name, the built-in role of that name) and
    those of every ClusterRole its aggregation selectors match."""
    if name in seen:
        return []
    seen.add(name)
    rules: list[RuleTuple] = []
    selectors: list[Any] = []
    for role in declared:
        rules.extend(_own_rules(role))
        aggregation = value_at(role.props, "aggregationRule")
        if isinstance(aggregation, Unknown):
            return [_EVERYTHING]
        selectors.extend(elements(child(aggregation, "clusterRoleSelectors")))
    built_in = BUILT_IN_ROLES.get(name) if isinstance(name, str) else None
    if built_in is not None:
        rules.extend((r.groups, r.resources, r.verbs, ()) for r in built_in.rules)
        selectors.extend({"matchLabels": dict(s)} for s in built_in.aggregates)
    if not selectors:
        return rules
    members: dict[str, list[Resource]] = {}
    for role in same_cluster(stack, binding, (CLUSTER_ROLE,)):
        labels = as_mapping(value_at(role.props, "metadata.labels"))
        if any(_selects(s, labels) for s in selectors):
            members.setdefault(str(value_at(role.props, "metadata.name")), []).append(role)
    for member, built in BUILT_IN_ROLES.items():
        if any(_selects(s, built.labels) for s in selectors):
            members.setdefault(member, [])
    for member, roles in members.items():
        rules.extend(_cluster_role_rules(member, roles, binding, stack, seen))
    return rules


def _selects(selector: Any, labels: Any) -> bool:
    """Whether a label selector (matchLabels, matchExpressions) matches labels; unknown ones may."""
    if isinstance(selector, Unknown) or isinstance(labels, Unknown):
        return True
    labels = labels if isinstance(labels, Mapping) else {}
    wanted = as_mapping(child(selector, "matchLabels"))
    if isinstance(wanted, Unknown):
        return True
    if isinstance(wanted, Mapping) and any(labels.get(k) != v for k, v in wanted.items()):
        return False
    for expression in elements(child(selector, "matchExpressions")):
        key, operator = child(expression, "key"), child(expression, "operator")
        values = elements(child(expression, "values"))
        if operator == "In" and labels.get(key) not in values:
            return False
        if operator == "NotIn" and labels.get(key) in values:
            return False
        if operator == "Exists" and key not in labels:
            return False
        if operator == "DoesNotExist" and key in labels:
            return False
    return True


def _granted_names(rules: list[RuleTuple], right: Right) -> frozenset[str] | bool:
    """Whether rules give a right: False, True (over every object), or the names their resourceNames list."""
    names: set[str] = set()
    for groups, resources, verbs, listed in rules:
        if not (
            _matches(groups, right.group) and _resource(resources, right.resource) and _verb(verbs, right)
        ):
            continue
        if not listed:
            return True
        names.update(listed)
    return frozenset(names) if names else False


def _matches(listed: tuple[Any, ...], wanted: str) -> bool:
    return any(isinstance(v, Unknown) or v in ("*", wanted) for v in listed)


def _resource(listed: tuple[Any, ...], wanted: str) -> bool:
    """RBAC's resource match: `*`, the resource itself, or `*/<subresource>`."""
    subresource = wanted.split("/", 1)[1] if "/" in wanted else None
    return any(
        isinstance(v, Unknown) or v in ("*", wanted) or (subresource is not None and v == f"*/{subresource}")
        for v in listed
    )


def _verb(listed: tuple[Any, ...], right: Right) -> bool:
    if not right.verbs:
        return bool(listed)
    return any(isinstance(v, Unknown) or v == "*" or v in right.verbs for v in listed)
