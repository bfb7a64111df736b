"""Credentials of a cluster that holds or reads PII, handed to another region or account.

A token of a ServiceAccount (a Secret of type `kubernetes.io/service-account-token`, which the token
controller fills in) or a client certificate (a CertificateSigningRequest's) signs whoever holds it in to the
cluster with that identity's rights. Decision (reviewer blind-k8s13 k12): a resource whose inputs are computed
from such a credential (a property dependency, followed through resources that have no region, such as a
component) and that lies in another region, another account or a place that cannot be traced (an Argo CD
cluster Secret in another region's hub cluster, a secret of another region's Secrets Manager) gives that place
cluster access, judged as an access entry of another account is (`cluster_access.py`), when the identity has a
right over the cluster's PII (`kubernetes_rbac.RIGHTS`, through the stack's RBAC; a certificate's identity is
not read: every right). The same token used in its own cluster and region is not.
"""

from __future__ import annotations

from residency_facts.kubernetes_rbac import (
    CLUSTER_CREDENTIAL_KINDS,
    SERVICE_ACCOUNT_NAME_ANNOTATION,
    SERVICE_ACCOUNT_TOKEN_SECRET,
)

from .attributes import STACK_ACCOUNT, account_of, effective_region
from .cluster_rights import Identity, granted_to
from .exposure_credentials import pii_namespaces
from .lineage import Lineage
from .locations import mechanism_key
from .model import Resource, Stack
from .settings import Settings
from .values import Unknown, child, value_at

_HOPS = 4
"""How far copies are followed through resources that have no region of their own."""


def cluster_credentials(stack: Stack) -> list[tuple[Resource, str]]:
    """The stack's Kubernetes objects whose outputs are credentials of their cluster, each in words."""
    found: list[tuple[Resource, str]] = []
    for resource in stack.resources:
        if not resource.type.startswith("kubernetes:"):
            continue
        key = mechanism_key(resource.type)
        if key == "core:Secret" and value_at(resource.props, "type") == SERVICE_ACCOUNT_TOKEN_SECRET:
            account = child(value_at(resource.props, "metadata.annotations"), SERVICE_ACCOUNT_NAME_ANNOTATION)
            shown = account if isinstance(account, str) else "(unknown at preview)"
            found.append((resource, f"a token of the ServiceAccount {shown}"))
        elif key in CLUSTER_CREDENTIAL_KINDS:
            found.append((resource, "a client certificate of the cluster"))
    return found


def credential_rights(credential: Resource, stack: Stack, lineage: Lineage, settings: Settings) -> list[str]:
    """What of the cluster's PII a credential's identity may reach, in words (empty: nothing)."""
    if mechanism_key(credential.type) != "core:Secret":
        return ["every right (whom a certificate signs in is not read)"]
    namespace = value_at(credential.props, "metadata.namespace") or "default"
    account = child(value_at(credential.props, "metadata.annotations"), SERVICE_ACCOUNT_NAME_ANNOTATION)
    if account is None:
        return []
    identity = Identity(namespace, account, f"{namespace}/{account}")
    places = pii_namespaces(credential, stack, lineage, settings)
    by_binding: dict[str, list[str]] = {}
    for grant in granted_to([identity], credential, stack):
        elsewhere = isinstance(grant.namespace, str) and grant.namespace not in places
        if grant.right.namespaced and elsewhere:
            continue
        scope = "cluster-wide" if grant.namespace is None else f"in namespace {grant.namespace}"
        rights = by_binding.setdefault(f"{grant.role}, {scope}", [])
        if grant.right.what not in rights:
            rights.append(grant.right.what)
    found = []
    for through, rights in by_binding.items():
        more = f" and {len(rights) - 4} more rights" if len(rights) > 4 else ""
        found.append(f"{', '.join(rights[:4])}{more} ({through})")
    return found


def credential_copies(credential: Resource, stack: Stack, settings: Settings) -> list[tuple[Resource, str]]:
    """The resources outside the stack's regions and accounts (or untraceable) whose inputs are computed from
    a credential, each with where it is."""
    found: list[tuple[Resource, str]] = []
    seen = {credential.urn}
    pending = [(credential, 0)]
    while pending:
        source, hops = pending.pop()
        for dependent in stack.dependents(source):
            if dependent.urn in seen or dependent.type.startswith("pulumi:providers:"):
                continue
            seen.add(dependent.urn)
            where = _outside(dependent, stack, settings)
            if where is not None:
                found.append((dependent, where))
            elif effective_region(dependent, stack) is None and hops < _HOPS:
                pending.append((dependent, hops + 1))
    return found


def _outside(resource: Resource, stack: Stack, settings: Settings) -> str | None:
    """Where a resource is when that is outside the stack's regions and accounts, or cannot be traced."""
    region = effective_region(resource, stack)
    account = account_of(resource, stack)
    if isinstance(region, Unknown):
        return "a cluster or region that cannot be traced"
    if isinstance(region, str) and region not in settings.allowed_regions:
        return region
    if region is not None and account is None:
        return "an account that cannot be traced"
    if account not in (None, STACK_ACCOUNT) and settings.account_ids and account not in settings.account_ids:
        return f"account {account}"
    return None
