"""How lineage reads the operators' custom resources that copy data (`residency_facts/operators.py`).

An operator names where a copy lands as an object store (a bucket or `s3://` URI, an S3 endpoint, a region)
and names other Kubernetes objects by their Kubernetes names (a cluster, an ObjectStore, a Kasten profile, a
secret store), a database cluster by the host of a Service the operator creates for it, and namespaces by a
label selector. A store is placed by what it says: an endpoint by its host, a region field by its value, a
bucket of the stack by the bucket; a bucket the stack does not declare is in an account that cannot be
traced (and in a region only when a field names one); another cloud's storage is outside AWS.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from residency_facts.operators import (
    CLUSTER_EXTERNAL_SECRET,
    CLUSTER_SECRET_STORE,
    EXTERNAL_SECRET,
    OBJECT_STORE_POINTERS,
    OPERATOR_SERVICES,
    PUSH_SECRET,
    SECRET_STORE,
    SECRET_STORES,
)
from residency_facts.shapes import CopyMechanism, NamedObject, ObjectStore

from .attributes import STACK_ACCOUNT, is_kubernetes, region_named_in
from .lineage_code import as_url
from .lineage_literals import endpoint_outside_aws, hosts_elsewhere, literal_locations, parse_arn
from .lineage_selections import NAMESPACE_KINDS, _in_index, _kubernetes_index
from .locations import Location, holds_data, mechanism_key
from .model import Resource
from .values import Unknown, as_mapping, child, elements, is_set, known_strings, value_at, values_at

if TYPE_CHECKING:
    from .lineage import Lineage

S3_BUCKET_TYPES = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
SECRET_TYPES = ("aws:ssm/parameter:Parameter", "aws:secretsmanager/secret:Secret")
"""What an External Secrets Operator AWS store reads: Parameter Store parameters, Secrets Manager secrets."""
OUTSIDE_SCHEMES = frozenset({"gs", "gcs", "azure", "wasb", "wasbs", "abfs", "abfss"})
"""URI schemes of another cloud's object storage (Google Cloud Storage, Azure)."""
NAME_KEYS = ("k10.kasten.io/appNamespace", "kubernetes.io/metadata.name")
"""Label keys whose value is a namespace's own name (Kasten's, and the one Kubernetes sets on every one)."""


def untraceable(description: str) -> Location:
    """A place whose region, account and classification cannot be traced, and whose description says what
    to review (violations name it)."""
    return Location(description=description, region=None, account=None, review=True)


# Object stores --------------------------------------------------------------------------------------------


def store_places(lineage: Lineage, resource: Resource, store: ObjectStore) -> list[Location]:
    """Where the copies kept in an object store of a resource are: for every element of `each`, or for
    the resource's inputs, by its endpoint, region and bucket."""
    scopes = (
        [(f"{store.each}[].", element) for element in values_at(resource.props, store.each)]
        if store.each
        else [("", resource.props)]
    )
    found: list[Location] = []
    for prefix, scope in scopes:
        found.extend(_one_store(lineage, resource, store, prefix, scope))
    return found


def _field(store: ObjectStore, scope: Any, name: str) -> Any:
    """A field of a store: a path in its scope, or the value of an environment variable of `store.env`."""
    if not name:
        return None
    if store.env:
        for variable in values_at(scope, store.env):
            if child(variable, "name") == name:
                return child(variable, "value")
        return None
    return value_at(scope, name)


def _full(store: ObjectStore, prefix: str, field: str) -> str:
    """The path of a store's field in the resource's inputs (an environment variable: its list's values)."""
    return f"{store.env}[].value" if store.env else f"{prefix}{field}"


def _one_store(
    lineage: Lineage, resource: Resource, store: ObjectStore, prefix: str, scope: Any
) -> list[Location]:
    label = resource.label
    bucket, endpoint, region = (_field(store, scope, n) for n in (store.bucket, store.endpoint, store.region))
    outside = [p for p in store.outside_aws if is_set(_field(store, scope, p))]
    for path, allowed in store.outside_aws_unless:
        value = _field(store, scope, path)
        if isinstance(value, Unknown) or (isinstance(value, str) and value and value not in allowed):
            outside.append(f"{path}={value if isinstance(value, str) else 'unknown at preview'}")
    if outside:
        return [
            Location(
                f"{label} ({', '.join(outside)}: another cloud's object storage, outside AWS; keep the "
                "copies in an S3 bucket of the stack in its region)",
                None,
                None,
                outside=True,
            )
        ]
    if not any(is_set(v) for v in (bucket, endpoint, region)):
        return []
    found: list[Location] = []
    regions: list[str] = []
    if isinstance(endpoint, str) and endpoint:
        places = _endpoint_places(lineage, resource, endpoint)
        found.extend(places)
        regions.extend(p.region for p in places if p.region is not None)
    elif isinstance(endpoint, Unknown):
        found.extend(_traced(lineage, resource, _full(store, prefix, store.endpoint)))
    if isinstance(region, str) and region:
        found.append(Location(f"{store.region}={region} of {label}", region, lineage.account(resource)))
        regions.append(region)
    elif isinstance(region, Unknown):
        found.extend(_traced(lineage, resource, _full(store, prefix, store.region)))
    if isinstance(bucket, Unknown):
        found.extend(_traced(lineage, resource, _full(store, prefix, store.bucket)))
    elif isinstance(bucket, str) and bucket:
        found.extend(_bucket_places(lineage, resource, _full(store, prefix, store.bucket), bucket, regions))
    return found


def _computed_from(lineage: Lineage, resource: Resource, path: str, value: str) -> list[Location] | None:
    """The data of the resources a known value was computed from (a property dependency of its input that
    it names), which win over the literal; None when it names none of them."""
    dependencies = lineage.stack.dependencies(resource, path.split(".")[0])
    if not dependencies:
        return None
    computed = [d for d in lineage.mentioned(value, resource) if d in dependencies]
    if not computed:
        return None
    return [location for d in computed for location in lineage.follow(d, {resource.urn})]


def _traced(lineage: Lineage, resource: Resource, path: str) -> list[Location]:
    """What a value unknown at preview was computed from, else untraceable."""
    found = lineage.trace(resource, path, True, lineage.own_region(resource))
    return found or [untraceable(f"{path} of {resource.label} (unknown at preview, no lineage)")]


def _endpoint_places(lineage: Lineage, resource: Resource, url: str) -> list[Location]:
    """The place an S3 endpoint names: an AWS host by the region it names (or as a regionless host), a
    server on the internet outside AWS, any other (a MinIO in the cluster) a place that cannot be told."""
    host = url.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0].lower().rstrip(".")
    if host.endswith((".amazonaws.com", ".amazonaws.com.cn")):
        region = region_named_in(host)
        if region is not None:
            return [Location(f"{url} (the S3 endpoint of {resource.label})", region, STACK_ACCOUNT)]
        return hosts_elsewhere(lineage, host, lineage.own_region(resource)) or [
            untraceable(f"{url} of {resource.label} (an AWS host that names no region)")
        ]
    if endpoint_outside_aws(as_url(url if "://" in url else f"https://{url}")):
        return [
            Location(
                f"{url} (the S3-compatible server of {resource.label}, outside AWS)", None, None, outside=True
            )
        ]
    return [
        untraceable(
            f"{url} (the S3-compatible server of {resource.label}, which is not AWS's and whose storage the "
            "pack cannot place; use S3's regional endpoint of the stack's region)"
        )
    ]


def _bucket_places(
    lineage: Lineage, resource: Resource, path: str, value: str, regions: list[str]
) -> list[Location]:
    """The bucket a bucket field or URI names: the stack's bucket, followed; another cloud's, outside AWS;
    any other in an account that cannot be traced, in the region the store names (else untraceable)."""
    scheme, _, rest = value.partition("://") if "://" in value else ("", "", value)
    scheme = scheme.lower()
    if scheme in OUTSIDE_SCHEMES:
        return [Location(f"{value} ({path} of {resource.label}: outside AWS)", None, None, outside=True)]
    if scheme in ("http", "https"):
        host = rest.split("/", 1)[0].lower()
        if not host.endswith((".amazonaws.com", ".amazonaws.com.cn")):
            return _endpoint_places(lineage, resource, value)
        name = (
            host.split(".s3", 1)[0] if ".s3" in host and not host.startswith("s3") else rest.split("/")[1:2]
        )
        bucket = name if isinstance(name, str) else (name[0] if name else "")
        regions = [*regions, *([r] if (r := region_named_in(host)) else [])]
    else:
        bucket = rest.split("/", 1)[0]
    computed = _computed_from(lineage, resource, path, value)
    if computed is not None:
        return computed
    named = [r for r in lineage.mentioned(bucket, resource) if r.type in S3_BUCKET_TYPES]
    if named:
        return [location for r in named for location in lineage.follow(r, {resource.urn})]
    region = regions[0] if regions else region_named_in(bucket)
    what = (
        f"the bucket {bucket!r} ({path} of {resource.label}), which the stack does not declare: its account "
        "cannot be traced"
    )
    if region is None:
        return [untraceable(f"{what}, nor its region (no endpoint or region names one)")]
    return [Location(what, region, None)]


def pointer_places(lineage: Lineage, pointer: Resource) -> list[Location]:
    """Where an object store pointer (a barman-cloud ObjectStore, a Kasten profile) keeps what it is given."""
    found: list[Location] = []
    for store in OBJECT_STORE_POINTERS.get(mechanism_key(pointer.type), ()):
        found.extend(store_places(lineage, pointer, store))
    return found


# Kubernetes objects named by their Kubernetes names --------------------------------------------------------


def named_objects(
    lineage: Lineage, resource: Resource, named: NamedObject
) -> tuple[list[Resource], list[Location]]:
    """The stack's objects a resource names at a path, in its cluster (and namespace), and what cannot be
    traced: a name the stack does not declare, or a value unknown at preview with no lineage."""
    values = [v for v in values_at(resource.props, named.path) if is_set(v)]
    return objects_named(lineage, resource, named.kind, values, named.path, named.any_namespace)


def objects_named(
    lineage: Lineage, resource: Resource, kind: str, values: list[Any], path: str, any_namespace: bool
) -> tuple[list[Resource], list[Location]]:
    """The stack's objects of a kind (`group:Kind`) that these values name by their Kubernetes names."""
    if not values:
        return [], []
    found: list[Resource] = []
    missing: list[Location] = []
    if any(isinstance(v, Unknown) for v in values):
        top = path.split(".")[0]
        of_kind = [d for d in lineage.stack.dependencies(resource, top) if mechanism_key(d.type) == kind]
        found.extend(of_kind)
        if not of_kind:
            # A name computed from another resource names what that resource holds.
            missing.extend(_traced(lineage, resource, path))
    namespace = value_at(resource.props, "metadata.namespace")
    for name in known_strings(values):
        computed = _computed_from(lineage, resource, path, name)
        if computed is not None:
            missing.extend(computed)
            continue
        matching = [
            r
            for r in lineage.stack.resources
            if mechanism_key(r.type) == kind
            and r.provider_urn == resource.provider_urn
            and value_at(r.props, "metadata.name") == name
            and (any_namespace or value_at(r.props, "metadata.namespace") == namespace)
        ]
        if not matching:
            missing.append(
                untraceable(
                    f"the {kind.split(':')[-1]} {name!r} that {resource.label} names ({path}), which the "
                    "stack does not declare in its cluster: what it holds or where it keeps it cannot be "
                    "read; declare it in the stack"
                )
            )
        found.extend(matching)
    if not found and not missing:
        missing.append(untraceable(f"{path} of {resource.label} (unknown at preview, no lineage)"))
    return list(dict.fromkeys(found)), missing


def named_locations(
    lineage: Lineage, resource: Resource, mechanism: CopyMechanism, roles: tuple[str, ...]
) -> list[Location]:
    """The data (or places) of the objects a mechanism names in these roles."""
    found: list[Location] = []
    for named in mechanism.named:
        if named.role not in roles:
            continue
        objects, missing = named_objects(lineage, resource, named)
        found.extend(missing)
        for other in objects:
            if named.role in ("source", "destination"):
                found.extend(lineage.follow(other, {resource.urn}))
            else:
                for movement in lineage.movements_of(other):
                    found.extend(
                        movement.destinations if named.role == "destinations_of" else movement.sources
                    )
    return found


def cluster_host_locations(lineage: Lineage, resource: Resource, path: str) -> list[Location]:
    """The database clusters a host names: `<cluster><suffix>[.<namespace>[.svc[.cluster.local]]]`, a
    Service an operator creates for a cluster of the stack in the resource's Kubernetes cluster; another
    cluster-local host cannot be traced, and any other host is read as a literal (an RDS endpoint)."""
    found: list[Location] = []
    own_namespace = value_at(resource.props, "metadata.namespace")
    values = [v for v in values_at(resource.props, path) if is_set(v)]
    if any(isinstance(v, Unknown) for v in values):
        found.extend(_traced(lineage, resource, path))
    for host in known_strings(values):
        computed = _computed_from(lineage, resource, path, host)
        if computed is not None:
            # A host computed from a resource of the stack (a database's address) is that resource.
            found.extend(computed)
            continue
        name, _, domain = host.strip().lower().rstrip(".").partition(".")
        namespace = domain.split(".", 1)[0] if domain else own_namespace
        local = not domain or domain.count(".") == 0 or domain.endswith((".svc", ".svc.cluster.local"))
        clusters = [
            r
            for r in lineage.stack.resources
            if mechanism_key(r.type) in OPERATOR_SERVICES
            and r.provider_urn == resource.provider_urn
            and value_at(r.props, "metadata.namespace") == namespace
            and any(
                value_at(r.props, "metadata.name") == name.removesuffix(suffix)
                for suffix in OPERATOR_SERVICES[mechanism_key(r.type)]
                if name.endswith(suffix)
            )
        ]
        if clusters:
            found.extend(location for r in clusters for location in lineage.follow(r, {resource.urn}))
        elif local:
            found.append(
                untraceable(
                    f"{host} ({path} of {resource.label}: a host in the cluster that no database cluster of "
                    "the stack serves)"
                )
            )
        else:
            found.extend(
                literal_locations(lineage, resource, host, path, False, lineage.own_region(resource), False)
            )
    return found


# Namespaces a Kasten policy selects ---------------------------------------------------------------------


def selected_namespaces(lineage: Lineage, resource: Resource, path: str) -> list[Location]:
    """The data of the namespaces a label selector picks in the resource's cluster (matchLabels and
    matchExpressions over each namespace's labels; Kasten's `k10.kasten.io/appNamespace` and Kubernetes'
    `kubernetes.io/metadata.name` are its name). An empty selector picks every namespace; a holder in a
    namespace the stack does not declare is taken as picked when the selector reads other labels (its
    namespace's labels cannot be read)."""
    selector = as_mapping(value_at(resource.props, path))
    holders = [
        (holder, value_at(holder.props, "metadata.namespace"))
        for holder in lineage.stack.resources
        if is_kubernetes(holder)
        and holds_data(holder, lineage.settings)
        and holder.provider_urn == resource.provider_urn
    ]
    if isinstance(selector, Unknown):
        return _traced(lineage, resource, path)
    if not isinstance(selector, Mapping) or not (
        child(selector, "matchLabels") or child(selector, "matchExpressions")
    ):
        return [
            *(lineage.locate(holder) for holder, _ in holders),
            untraceable(f"every namespace of the cluster {resource.label} selects (its selector names none)"),
        ]
    declared = {
        value_at(n.props, "metadata.name"): n
        for n in lineage.stack.resources
        if mechanism_key(n.type) in NAMESPACE_KINDS and n.provider_urn == resource.provider_urn
    }
    found: list[Location] = []
    names_only = _reads_names_only(selector)
    for name, namespace in declared.items():
        labels = as_mapping(value_at(namespace.props, "metadata.labels"))
        if _matches(selector, name, labels if isinstance(labels, Mapping) else {}):
            found.append(lineage.locate(namespace))
    for holder, name in holders:
        if name in declared:
            if any(location.resource is declared[name] for location in found):
                found.append(lineage.locate(holder))
        elif _matches(selector, name, {}) or not names_only:
            found.append(lineage.locate(holder))
    return found


def _reads_names_only(selector: Mapping[str, Any]) -> bool:
    labels = as_mapping(child(selector, "matchLabels"))
    keys = [*labels] if isinstance(labels, Mapping) else []
    keys += [child(e, "key") for e in elements(child(selector, "matchExpressions"))]
    return all(key in NAME_KEYS for key in keys)


def _matches(selector: Mapping[str, Any], name: Any, labels: Mapping[str, Any]) -> bool:
    """Whether a namespace's labels (its name under NAME_KEYS) satisfy a Kubernetes label selector."""
    labels = {**labels, **dict.fromkeys(NAME_KEYS, name)}
    wanted = as_mapping(child(selector, "matchLabels")) or {}
    if isinstance(wanted, Mapping) and any(labels.get(k) != v for k, v in wanted.items()):
        return False
    for expression in elements(child(selector, "matchExpressions")):
        key, operator = child(expression, "key"), child(expression, "operator")
        values = elements(child(expression, "values"))
        present = key in labels
        held = labels.get(key)
        if operator == "In" and held not in values:
            return False
        if operator == "NotIn" and held in values:
            return False
        if operator == "Exists" and not present:
            return False
        if operator == "DoesNotExist" and present:
            return False
    return True


# The External Secrets Operator's stores ------------------------------------------------------------------


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
            return _traced(lineage, store, "spec.provider.aws.region")
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
    store's region and account (a stack's parameter of that name elsewhere is another parameter), and the
    store's place itself (what it pulls comes from there)."""
    if mechanism_key(resource.type) == CLUSTER_EXTERNAL_SECRET:
        base = "spec.externalSecretSpec"
    path = f"{base}.secretStoreRef"
    stores, missing = _stores(lineage, resource, value_at(resource.props, path), path)
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


def push_secret_destinations(lineage: Lineage, resource: Resource) -> list[Location]:
    """Where a PushSecret writes: the stores its `secretStoreRefs` name."""
    found: list[Location] = []
    for reference in values_at(resource.props, "spec.secretStoreRefs"):
        stores, missing = _stores(lineage, resource, reference, "spec.secretStoreRefs")
        found.extend(missing)
        found.extend(p for s in stores for p in secret_store_places(lineage, s, {resource.urn}))
    return found or [untraceable(f"the stores {resource.label} pushes to (spec.secretStoreRefs names none)")]


def pushed_secret_sources(lineage: Lineage, resource: Resource) -> list[Location]:
    """What a PushSecret pushes: the Kubernetes Secret it selects, in its namespace (a Secret of the stack,
    or what an ExternalSecret of the stack copied into a Secret of that name)."""
    name = value_at(resource.props, "spec.selector.secret.name")
    if isinstance(name, Unknown) or lineage.stack.dependencies(resource, "spec"):
        return _traced(lineage, resource, "spec.selector.secret.name")
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
    """The stack's Secrets of a name in the referrer's namespace and cluster, and the ExternalSecrets that
    create a Secret of that name there (`spec.target.name`, else their own name)."""
    namespace = value_at(referrer.props, "metadata.namespace")
    found = []
    for candidate, _ in _in_index(_kubernetes_index(lineage)[0], namespace):
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


def operator_sources(lineage: Lineage, resource: Resource, mechanism: CopyMechanism) -> list[Location]:
    """The sources a mechanism names the operators' way (object stores, named objects, hosts, selectors)."""
    key = mechanism_key(resource.type)
    if key in (EXTERNAL_SECRET, CLUSTER_EXTERNAL_SECRET):
        return external_secret_sources(lineage, resource)
    if key == PUSH_SECRET:
        return pushed_secret_sources(lineage, resource)
    found: list[Location] = []
    for store in mechanism.source_stores:
        found.extend(store_places(lineage, resource, store))
    for path in mechanism.cluster_hosts:
        found.extend(cluster_host_locations(lineage, resource, path))
    if mechanism.namespace_selector:
        found.extend(selected_namespaces(lineage, resource, mechanism.namespace_selector))
    found.extend(named_locations(lineage, resource, mechanism, ("source", "sources_of")))
    return found


def operator_destinations(lineage: Lineage, resource: Resource, mechanism: CopyMechanism) -> list[Location]:
    """The destinations a mechanism names the operators' way: its object stores (or its default store, when
    it sets none) and the objects it names as destinations."""
    if mechanism_key(resource.type) == PUSH_SECRET:
        return push_secret_destinations(lineage, resource)
    found: list[Location] = []
    for store in mechanism.object_stores:
        found.extend(store_places(lineage, resource, store))
    found.extend(named_locations(lineage, resource, mechanism, ("destination", "destinations_of")))
    configurations = (
        [
            c
            for c in lineage.stack.resources
            if mechanism_key(c.type) == mechanism.defaults_from and c.provider_urn == resource.provider_urn
        ]
        if mechanism.defaults_from and not found
        else []
    )
    for configuration in configurations:
        # The operator-wide stores (none set: the operator keeps no copy there).
        found.extend(pointer_places(lineage, configuration))
    if mechanism.default_store and not found and not configurations:
        found.append(untraceable(mechanism.default_store))
    return found


def operator_places(lineage: Lineage, resource: Resource, seen: set[str]) -> list[Location] | None:
    """Where an operator's pointer keeps what it is given, or None when the type is no such pointer."""
    key = mechanism_key(resource.type)
    if key in OBJECT_STORE_POINTERS:
        return pointer_places(lineage, resource)
    if key in SECRET_STORES:
        return secret_store_places(lineage, resource, seen)
    return None


USES_OPERATOR_READERS = frozenset({EXTERNAL_SECRET, CLUSTER_EXTERNAL_SECRET, PUSH_SECRET})
"""Kinds whose mechanism paths are read only by this module (not traced as plain paths)."""
