"""How lineage reads the External Secrets Operator: what an ExternalSecret copies into its cluster, from
which store, region and account; what a PushSecret copies into its stores; the Secrets workloads mount by
the name an ExternalSecret gives them (`residency_facts/operators.py`).

An ExternalSecret's copy lands in the Secret it creates, in its own cluster (the cluster's region and
account, never the store's); only a PushSecret writes into a store's place. A literal key names the stack's
parameter or secret only through an AWS store of its service, in the store's region and account: any other
store (Vault, another cloud's vault, a webhook, the fake provider) reads its own secrets. What an
ExternalSecret pulls from a place the stack does not declare is what it declares it creates (its own
`data-classification` label, or its target template's: `pulled_classifications`); decision (README,
"Inbound copies of what is not personal data"): anonymised-only-replication lets such a pull into the
jurisdiction and this deployment's accounts pass when that label is internal, public or anonymised
(credentials from Vault), and a source the stack declares keeps its own classification (lineage wins).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, NamedTuple

from residency_facts import CLASSIFICATION_TAG, SELF
from residency_facts.operators import (
    AWS_STORE_SERVICES,
    CLUSTER_EXTERNAL_SECRET,
    CLUSTER_PUSH_SECRET,
    CLUSTER_SECRET_STORE,
    EXTERNAL_SECRET,
    SECRET_STORE,
)

from .attributes import STACK_ACCOUNT, classifications, is_kubernetes
from .lineage_literals import literal_locations, parse_arn
from .lineage_names import objects_named, traced, untraceable
from .lineage_selections import _in_index, _kubernetes_index
from .locations import Location, mechanism_key, mechanisms_of
from .model import Resource
from .values import Unknown, as_mapping, child, is_set, selector_matches, value_at, values_at

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
    if not is_set(role):
        # `additionalRoles` are assumed in order before `role`: unset, the last one is the store's.
        chain = values_at(store.props, "spec.provider.aws.additionalRoles[]")
        role = chain[-1] if chain else role
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
    """What an ExternalSecret copies into its cluster: the stores' places themselves (what it pulls comes
    from there): its `secretStoreRef`, and the store an entry names for itself (`sourceRef.storeRef`); and
    what each entry's key names through its store. A key computed from the stack's parameters or secrets
    (an RDS-managed master secret) is that resource, whatever the store (lineage wins); a literal key names
    the stack's parameter or secret only through an AWS store of its service (`AWS_STORE_SERVICES`), in the
    store's region and account (a stack's parameter of that name elsewhere is another parameter); through
    any other store (Vault, another cloud's vault, a webhook, the fake provider) it is that store's own."""
    if mechanism_key(resource.type) == CLUSTER_EXTERNAL_SECRET:
        base = "spec.externalSecretSpec"
    path = f"{base}.secretStoreRef"
    default, missing = _readers(lineage, resource, value_at(resource.props, path), path)
    readers = list(default)
    entries: list[tuple[str, Any, list[_Reader]]] = []
    for list_path, key_path in ((f"{base}.data", "remoteRef.key"), (f"{base}.dataFrom", "extract.key")):
        for entry in values_at(resource.props, list_path):
            reference = value_at(entry, "sourceRef.storeRef")
            own = default
            if is_set(reference):
                own, unknown = _readers(lineage, resource, reference, f"{list_path}[].sourceRef.storeRef")
                readers.extend(r for r in own if r not in readers)
                missing.extend(unknown)
            if missing and not own:
                own = [_UNKNOWN_READER]
            entries.append((f"{list_path}[].{key_path}", value_at(entry, key_path), own))
            if is_set(value_at(entry, "find")):
                entries.append(("find", None, own))
    if not readers and not missing:
        missing = [untraceable(f"the store of {resource.label} ({path} names none)")]
    found: list[Location] = [*missing, *(p for r in readers for p in r.places)]
    dependencies = lineage.stack.dependencies(resource, "spec")
    for key_path, key, entry_readers in entries:
        if key_path == "find":
            # A search by name or tags may return any parameter or secret its stores may read.
            found.extend(
                lineage.locate(s) for r in entry_readers for s in _readable(lineage, r, None, resource)
            )
        elif isinstance(key, Unknown) or (
            isinstance(key, str)
            and key
            and _computed(lineage, resource, key, any(r.types != () for r in entry_readers))
        ):
            # Computed from the stack's parameters or secrets (an RDS-managed master secret): lineage wins.
            found.extend(location for d in dependencies for location in lineage.follow(d, {resource.urn}))
        elif isinstance(key, str) and key:
            for reader in entry_readers:
                found.extend(_secret_named(lineage, resource, key, reader))
    return found


class _Reader(NamedTuple):
    """A store as an ExternalSecret reads through it: its places, and for an AWS store the types its
    service reads in its region and account (None: a store the stack does not declare, which may be any)."""

    places: tuple[Location, ...]
    types: tuple[str, ...] | None
    region: str | None
    account: str | None


_UNKNOWN_READER = _Reader((), None, None, None)


def _readers(
    lineage: Lineage, resource: Resource, reference: Any, path: str
) -> tuple[list[_Reader], list[Location]]:
    """The stores a `secretStoreRef` names, as readers, and what cannot be traced of them."""
    stores, missing = _stores(lineage, resource, reference, path)
    readers = []
    for store in stores:
        places = tuple(secret_store_places(lineage, store, {resource.urn}))
        regions = {p.region for p in places if p.region is not None}
        region = next(iter(regions)) if len(regions) == 1 else None
        account = next((p.account for p in places if p.region is not None), None)
        readers.append(_Reader(places, _store_types(store), region, account))
    return readers, missing


def _store_types(store: Resource) -> tuple[str, ...] | None:
    """What a store's keys name among the stack's resources: its AWS service's types (both while the
    service is unknown or unset); nothing for any other provider, which reads its own secrets."""
    provider = as_mapping(value_at(store.props, "spec.provider"))
    if not isinstance(provider, Mapping) or "aws" not in provider:
        return None if isinstance(provider, Unknown) or not isinstance(provider, Mapping) else ()
    service = value_at(store.props, "spec.provider.aws.service")
    if isinstance(service, str) and service in AWS_STORE_SERVICES:
        return AWS_STORE_SERVICES[service]
    return SECRET_TYPES


def _computed(lineage: Lineage, resource: Resource, key: str, aws: bool) -> bool:
    """Whether a known key was computed from the ExternalSecret's dependencies: it names one of them, or,
    read through an AWS store, names no other resource of the stack (an output no identity names, an
    RDS-managed master secret's ARN); a key of another store that names none of them is that store's."""
    dependencies = lineage.stack.dependencies(resource, "spec")
    if not dependencies:
        return False
    named = lineage.mentioned(key, resource)
    return any(d in named for d in dependencies) or (aws and not named)


def _readable(lineage: Lineage, reader: _Reader, key: str | None, resource: Resource) -> list[Resource]:
    """The stack's parameters and secrets a store may read (named by the key, when given): of its service's
    types, in its region and account (any of them while the store cannot be placed; one whose own region
    or account cannot be traced may be there)."""
    if reader.types == ():
        return []
    types = reader.types or SECRET_TYPES
    candidates = lineage.mentioned(key, resource) if key is not None else lineage.stack.of_type(*types)
    return [
        r
        for r in candidates
        if r.type in types
        and (reader.region is None or lineage.own_region(r) in (None, reader.region))
        and (reader.account is None or _same_account(lineage, lineage.account(r), reader.account))
    ]


def _same_account(lineage: Lineage, one: str | None, other: str) -> bool:
    """Whether a resource's account may be a store's: the same, both this deployment's, or the resource's
    untraceable (a provider whose credentials do not say), which may be any."""
    ours = {STACK_ACCOUNT, *lineage.settings.account_ids}
    return one is None or one == other or (one in ours and other in ours)


def _secret_named(lineage: Lineage, resource: Resource, key: str, reader: _Reader) -> list[Location]:
    """What a literal key names through one store: nothing beyond the store's place for a store that is no
    AWS store (the store's place stands for what it holds); the stack's parameter or secret of that name
    where the store reads, else a parameter outside the stack there."""
    if reader.types == ():
        return []
    if parse_arn(key) is not None:
        return literal_locations(lineage, resource, key, "remoteRef.key", False, reader.region, False)
    named = _readable(lineage, reader, key, resource)
    if named:
        return [lineage.locate(r) for r in named]
    return [
        Location(f"{key} (read through {resource.label}'s store)", reader.region, reader.account, local=True)
    ]


def secret_contents(lineage: Lineage, external_secret: Resource) -> list[Location]:
    """What the Secret an ExternalSecret creates holds, where it holds it: each thing it pulls, in the
    ExternalSecret's own cluster (the cluster's region and account, never the store's); what it pulls from
    a place the stack does not declare is what the ExternalSecret declares it creates."""
    region, account = lineage.own_region(external_secret), lineage.account(external_secret)
    declared = pulled_classifications(lineage, external_secret)
    where = f"copied into the Secret {target_name(external_secret)!r} of {external_secret.label}"
    return [
        replace(
            source,
            description=f"{source.description}, {where}",
            region=region,
            account=account,
            classifications=source.classifications
            if source.resource is not None or source.classifications
            else declared,
            local=False,
            outside=False,
            host=False,
            review=False,
        )
        for source in lineage.sources_of(external_secret)
    ]


def pulled_classifications(lineage: Lineage, resource: Resource) -> frozenset[str]:
    """What an inbound copy declares it creates (`CopyMechanism.pulled_classification`: an ExternalSecret's
    own `data-classification` label, its target template's); nothing while a label is unknown at preview,
    which cannot be shown to be one that passes."""
    found: set[str] = set()
    for path in {p for m in mechanisms_of(resource.type) for p in m.pulled_classification}:
        if path == SELF:
            found |= lineage.declared(resource)
            continue
        labels = as_mapping(value_at(resource.props, path))
        value = child(labels, CLASSIFICATION_TAG) if isinstance(labels, Mapping) else labels
        if isinstance(value, Unknown):
            return frozenset()
        if isinstance(value, str) and value:
            found.add(value)
    if isinstance(classifications(resource), Unknown):
        return frozenset()
    return frozenset(found)


def _push_base(resource: Resource) -> str:
    """Where a PushSecret's spec is: its own, or a ClusterPushSecret's `pushSecretSpec`."""
    return "spec.pushSecretSpec" if mechanism_key(resource.type) == CLUSTER_PUSH_SECRET else "spec"


def push_secret_destinations(lineage: Lineage, resource: Resource) -> list[Location]:
    """Where a PushSecret (or a ClusterPushSecret) writes: the stores its `secretStoreRefs` name, or pick by
    their `labelSelector` (none of the stack's: the stores it picks cannot be read)."""
    found: list[Location] = []
    path = f"{_push_base(resource)}.secretStoreRefs"
    for reference in values_at(resource.props, path):
        selector = as_mapping(child(reference, "labelSelector"))
        if is_set(child(reference, "name")) or selector is None:
            stores, missing = _stores(lineage, resource, reference, path)
        else:
            stores, missing = _labelled_stores(lineage, resource, reference, selector, path)
        found.extend(missing)
        found.extend(p for s in stores for p in secret_store_places(lineage, s, {resource.urn}))
    return found or [untraceable(f"the stores {resource.label} pushes to ({path} names none)")]


def _labelled_stores(
    lineage: Lineage, resource: Resource, reference: Any, selector: Any, path: str
) -> tuple[list[Resource], list[Location]]:
    """The stores of a reference's kind whose labels its `labelSelector` matches (a SecretStore of the
    referrer's namespace, any ClusterSecretStore), in the referrer's cluster."""
    cluster_wide = child(reference, "kind") == "ClusterSecretStore"
    kind = CLUSTER_SECRET_STORE if cluster_wide else SECRET_STORE
    namespace = value_at(resource.props, "metadata.namespace")
    stores = [
        r
        for r in lineage.stack.resources
        if mechanism_key(r.type) == kind
        and r.provider_urn == resource.provider_urn
        and (cluster_wide or namespace is None or value_at(r.props, "metadata.namespace") == namespace)
        and _labelled(selector, r)
    ]
    if stores:
        return stores, []
    return [], [
        untraceable(
            f"the {kind.split(':')[-1]}s {resource.label} picks by labels ({path}[].labelSelector), none of "
            "which the stack declares: where they keep what it pushes cannot be read; name the stores"
        )
    ]


def _labelled(selector: Any, resource: Resource, path: str = "metadata.labels") -> bool:
    """Whether a resource's labels match a label selector (unknown labels or selector: taken to match)."""
    labels = as_mapping(value_at(resource.props, path))
    if isinstance(selector, Unknown) or isinstance(labels, Unknown):
        return True
    return isinstance(selector, Mapping) and selector_matches(selector, labels or {})


def pushed_secret_sources(lineage: Lineage, resource: Resource) -> list[Location]:
    """What a PushSecret pushes: the Kubernetes Secret it selects, in its namespace (a Secret of the stack,
    or what an ExternalSecret of the stack copied into a Secret of that name), or every Secret there whose
    labels its `selector` matches; a ClusterPushSecret's, in any namespace of its cluster (those its
    selectors pick)."""
    path = f"{_push_base(resource)}.selector.secret.name"
    name = value_at(resource.props, path)
    selector = value_at(resource.props, f"{_push_base(resource)}.selector.secret.selector")
    if isinstance(name, Unknown) or lineage.stack.dependencies(resource, "spec"):
        return traced(lineage, resource, path)
    secrets = (
        kubernetes_secrets(lineage, resource, name)
        if is_set(name) or not is_set(selector)
        else labelled_secrets(lineage, resource, selector)
    )
    found = [
        location
        for secret in secrets
        for location in (
            [lineage.locate(secret)]
            if mechanism_key(secret.type) == "core:Secret"
            else secret_contents(lineage, secret)
        )
    ]
    if found:
        return found
    what = (
        f"the Secret {name!r}"
        if is_set(name)
        else "the Secrets whose labels its selector.secret.selector matches"
    )
    return [untraceable(f"{what} {resource.label} pushes, which the stack does not declare")]


def kubernetes_secrets(lineage: Lineage, referrer: Resource, name: Any) -> list[Resource]:
    """The stack's Secrets of a name in the referrer's namespace (any, for a cluster-scoped referrer) and
    cluster, and the ExternalSecrets that create a Secret of that name there (`spec.target.name`, else
    their own name)."""
    return _secrets_where(
        lineage,
        referrer,
        lambda secret: value_at(secret.props, "metadata.name") == name,
        lambda external: target_name(external) == name,
    )


def labelled_secrets(lineage: Lineage, referrer: Resource, selector: Any) -> list[Resource]:
    """The stack's Secrets in the referrer's namespace (any, for a cluster-scoped referrer) and cluster
    whose labels a selector matches, and the ExternalSecrets whose target template labels their Secret so."""
    return _secrets_where(
        lineage,
        referrer,
        lambda secret: _labelled(selector, secret),
        lambda external: _labelled(selector, external, "spec.target.template.metadata.labels"),
    )


def _secrets_where(
    lineage: Lineage,
    referrer: Resource,
    secret: Callable[[Resource], bool],
    external: Callable[[Resource], bool],
) -> list[Resource]:
    """The stack's Secrets and ExternalSecrets in the referrer's namespace and cluster that pass a test."""
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
        if (key == "core:Secret" and secret(candidate)) or (key == EXTERNAL_SECRET and external(candidate)):
            found.append(candidate)
    return found


def target_name(external_secret: Resource) -> Any:
    """The name of the Secret an ExternalSecret creates: `spec.target.name`, else its own name."""
    return value_at(external_secret.props, "spec.target.name") or value_at(
        external_secret.props, "metadata.name"
    )
