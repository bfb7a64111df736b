"""How lineage reads the External Secrets Operator: what an ExternalSecret copies into its cluster, from
which store, region and account; what a PushSecret copies into its stores; the Secrets workloads mount by
the name an ExternalSecret gives them (`residency_facts/operators.py`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from residency_facts.operators import (
    CLUSTER_EXTERNAL_SECRET,
    CLUSTER_PUSH_SECRET,
    CLUSTER_SECRET_STORE,
    EXTERNAL_SECRET,
    SECRET_STORE,
)

from .attributes import STACK_ACCOUNT, is_kubernetes
from .lineage_literals import literal_locations, parse_arn
from .lineage_names import objects_named, traced, untraceable
from .lineage_selections import _in_index, _kubernetes_index
from .locations import Location, mechanism_key
from .model import Resource
from .values import Unknown, as_mapping, child, is_set, known_strings, value_at, values_at

if TYPE_CHECKING:
    from .lineage import Lineage

SECRET_TYPES = ("aws:ssm/parameter:Parameter", "aws:secretsmanager/secret:Secret")
"""What an External Secrets Operator AWS store reads: Parameter Store parameters, Secrets Manager secrets."""


def secret_store_places(lineage: Lineage, store: Resource, seen: set[str]) -> list[Location]:
    """Where a SecretStore or ClusterSecretStore reads and writes: AWS's Parameter Store or Secrets Manager
    in `spec.provider.aws.region`, in the account of the role it assumes (`role`, else the cluster's); the
    fake provider and the cluster's own Kubernetes API, in the cluster; any other provider (Vault, another
    cloud's vault, a SaaS) outside AWS."""
    label = store.label
    provider = as_mapping(value_at(store.props, "spec.provider"))
    if isinstance(provider, Unknown) or not isinstance(provider, Mapping):
        dependencies = lineage.stack.dependencies(store, "spec")
        if dependencies:
            return [found for d in dependencies for found in lineage.follow(d, seen)]
        return [untraceable(f"the provider of {label} (unknown at preview or unset)")]
    names = sorted(str(name) for name in provider)
    if names == ["aws"]:
        account = _role_account(lineage, store)
        region = value_at(store.props, "spec.provider.aws.region")
        if isinstance(region, str) and region:
            return [Location(f"spec.provider.aws.region={region} of {label}", region, account)]
        if isinstance(region, Unknown):
            return traced(lineage, store, "spec.provider.aws.region")
        return [untraceable(f"the region of {label} (spec.provider.aws.region unset)")]
    if names == ["fake"] or (
        names == ["kubernetes"] and not is_set(value_at(store.props, "spec.provider.kubernetes.server.url"))
    ):
        return [Location(f"{label} (in its own cluster)", lineage.own_region(store), lineage.account(store))]
    return [
        Location(
            f"{label} (provider {', '.join(names)}: a secret store outside AWS; use the aws provider in the "
            "stack's region)",
            None,
            None,
            outside=True,
        )
    ]


def _role_account(lineage: Lineage, store: Resource) -> str | None:
    """The account a store's AWS provider reads in: its assumed role's (a role of the stack's it was
    computed from, a literal ARN's account), else that of the cluster's own credentials (IRSA, Pod
    Identity); static keys of its own (`auth.secretRef`) are of an account that cannot be traced."""
    role = value_at(store.props, "spec.provider.aws.role")
    roles = [d for d in lineage.stack.dependencies(store, "spec") if d.type == "aws:iam/role:Role"]
    if is_set(role) and roles:
        # Computed from the stack's role (its ARN once deployed): the role's account wins.
        return lineage.account(roles[0])
    if isinstance(role, str) and role:
        arn = parse_arn(role)
        if arn is not None and arn.account:
            return STACK_ACCOUNT if arn.account in lineage.settings.account_ids else arn.account
        return None
    if isinstance(role, Unknown) or is_set(value_at(store.props, "spec.provider.aws.auth.secretRef")):
        return None
    reference = value_at(store.props, "spec.provider.aws.auth.jwt.serviceAccountRef")
    if is_set(reference):
        # The store authenticates as a ServiceAccount: the IRSA role its annotation names is the account.
        from .cluster_access import SERVICE_ACCOUNT, credential_accounts  # cluster_access imports lineage

        namespace = child(reference, "namespace") or value_at(store.props, "metadata.namespace")
        for account in lineage.stack.of_type(SERVICE_ACCOUNT):
            if (
                account.provider_urn == store.provider_urn
                and value_at(account.props, "metadata.name") == child(reference, "name")
                and value_at(account.props, "metadata.namespace") == namespace
            ):
                owners = credential_accounts(account, lineage.stack)
                if not owners:
                    break
                owner = owners[0]
                if owner in lineage.settings.account_ids or owner == STACK_ACCOUNT:
                    return STACK_ACCOUNT
                return owner if owner.isdigit() else None
    return lineage.account(store)


def _stores(
    lineage: Lineage, resource: Resource, reference: Any, path: str
) -> tuple[list[Resource], list[Location]]:
    """The stores a `secretStoreRef` names (kind SecretStore in the namespace, or ClusterSecretStore)."""
    cluster_wide = child(reference, "kind") == "ClusterSecretStore"
    kind = CLUSTER_SECRET_STORE if cluster_wide else SECRET_STORE
    name = child(reference, "name")
    # A cluster-scoped referrer (a ClusterExternalSecret) uses the SecretStore of each namespace it selects.
    anywhere = cluster_wide or not is_set(value_at(resource.props, "metadata.namespace"))
    return objects_named(lineage, resource, kind, [name] if is_set(name) else [], path, anywhere)


def external_secret_sources(lineage: Lineage, resource: Resource, base: str = "spec") -> list[Location]:
    """What an ExternalSecret copies into its cluster: the parameters and secrets it names, read in its
    stores' region and account (a stack's parameter of that name elsewhere is another parameter), and the
    stores' places themselves (what it pulls comes from there): its `secretStoreRef`, and the store an entry
    names for itself (`sourceRef.storeRef`)."""
    if mechanism_key(resource.type) == CLUSTER_EXTERNAL_SECRET:
        base = "spec.externalSecretSpec"
    path = f"{base}.secretStoreRef"
    stores, missing = _stores(lineage, resource, value_at(resource.props, path), path)
    for entry_path in (f"{base}.data[].sourceRef.storeRef", f"{base}.dataFrom[].sourceRef.storeRef"):
        for reference in values_at(resource.props, entry_path):
            entry_stores, entry_missing = _stores(lineage, resource, reference, entry_path)
            stores.extend(s for s in entry_stores if s not in stores)
            missing.extend(entry_missing)
    if not stores and not missing:
        missing = [untraceable(f"the store of {resource.label} ({path} names none)")]
    places = [*missing, *(p for s in stores for p in secret_store_places(lineage, s, {resource.urn}))]
    regions = {p.region for p in places if p.region is not None}
    region = next(iter(regions)) if len(regions) == 1 else None
    account = next((p.account for p in places if p.region is not None), None)
    found: list[Location] = [*places]
    computed = bool(lineage.stack.dependencies(resource, "spec"))
    for key_path in (f"{base}.data[].remoteRef.key", f"{base}.dataFrom[].extract.key"):
        values = [v for v in values_at(resource.props, key_path) if is_set(v)]
        if computed or any(isinstance(v, Unknown) for v in values):
            # Computed from the stack's parameters or secrets (an RDS-managed master secret): lineage wins.
            found.extend(lineage.trace(resource, key_path, False, region))
            continue
        for key in known_strings(values):
            found.extend(_secret_named(lineage, resource, key, region, account))
    if any(is_set(v) for v in values_at(resource.props, f"{base}.dataFrom[].find")):
        # A search by name or tags may return any parameter or secret of the store's region.
        found.extend(
            lineage.locate(r)
            for r in lineage.stack.of_type(*SECRET_TYPES)
            if region is None or lineage.own_region(r) == region
        )
    return found


def _secret_named(
    lineage: Lineage, resource: Resource, key: str, region: str | None, account: str | None
) -> list[Location]:
    arn = parse_arn(key)
    if arn is not None:
        return literal_locations(lineage, resource, key, "remoteRef.key", False, region, False)
    named = [
        r
        for r in lineage.mentioned(key, resource)
        if r.type in SECRET_TYPES and (region is None or lineage.own_region(r) == region)
    ]
    if named:
        return [lineage.locate(r) for r in named]
    return [Location(f"{key} (read through {resource.label}'s store)", region, account, local=True)]


def _push_base(resource: Resource) -> str:
    """Where a PushSecret's spec is: its own, or a ClusterPushSecret's `pushSecretSpec`."""
    return "spec.pushSecretSpec" if mechanism_key(resource.type) == CLUSTER_PUSH_SECRET else "spec"


def push_secret_destinations(lineage: Lineage, resource: Resource) -> list[Location]:
    """Where a PushSecret (or a ClusterPushSecret) writes: the stores its `secretStoreRefs` name."""
    found: list[Location] = []
    path = f"{_push_base(resource)}.secretStoreRefs"
    for reference in values_at(resource.props, path):
        stores, missing = _stores(lineage, resource, reference, path)
        found.extend(missing)
        found.extend(p for s in stores for p in secret_store_places(lineage, s, {resource.urn}))
    return found or [untraceable(f"the stores {resource.label} pushes to ({path} names none)")]


def pushed_secret_sources(lineage: Lineage, resource: Resource) -> list[Location]:
    """What a PushSecret pushes: the Kubernetes Secret it selects, in its namespace (a Secret of the stack,
    or what an ExternalSecret of the stack copied into a Secret of that name); a ClusterPushSecret's, in
    any namespace of its cluster (those its selectors pick)."""
    path = f"{_push_base(resource)}.selector.secret.name"
    name = value_at(resource.props, path)
    if isinstance(name, Unknown) or lineage.stack.dependencies(resource, "spec"):
        return traced(lineage, resource, path)
    found = [
        location
        for secret in kubernetes_secrets(lineage, resource, name)
        for location in (
            [lineage.locate(secret)]
            if mechanism_key(secret.type) == "core:Secret"
            else external_secret_sources(lineage, secret)
        )
    ]
    return found or [
        untraceable(f"the Secret {name!r} {resource.label} pushes, which the stack does not declare")
    ]


def kubernetes_secrets(lineage: Lineage, referrer: Resource, name: Any) -> list[Resource]:
    """The stack's Secrets of a name in the referrer's namespace (any, for a cluster-scoped referrer) and
    cluster, and the ExternalSecrets that create a Secret of that name there (`spec.target.name`, else
    their own name)."""
    namespace = value_at(referrer.props, "metadata.namespace")
    candidates = (
        [r for r in lineage.stack.resources if is_kubernetes(r)]
        if namespace is None
        else [r for r, _ in _in_index(_kubernetes_index(lineage)[0], namespace)]
    )
    found = []
    for candidate in candidates:
        if candidate.provider_urn != referrer.provider_urn:
            continue
        key = mechanism_key(candidate.type)
        if (key == "core:Secret" and value_at(candidate.props, "metadata.name") == name) or (
            key == EXTERNAL_SECRET and target_name(candidate) == name
        ):
            found.append(candidate)
    return found


def target_name(external_secret: Resource) -> Any:
    """The name of the Secret an ExternalSecret creates: `spec.target.name`, else its own name."""
    return value_at(external_secret.props, "spec.target.name") or value_at(
        external_secret.props, "metadata.name"
    )
