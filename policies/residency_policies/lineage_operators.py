"""How lineage reads the operators' custom resources that copy data (`residency_facts/operators.py`).

An operator names where a copy lands as an object store (a bucket or `s3://` URI, an S3 endpoint, a region)
and names other Kubernetes objects by their Kubernetes names (a cluster, an ObjectStore, a Kasten profile, a
secret store), a database cluster by the host of a Service the operator creates for it, and namespaces by a
label selector. A store is placed by what it says: an endpoint by its host, a region field by its value, a
bucket of the stack by the bucket; a bucket the stack does not declare is in an account that cannot be
traced (and in a region only when a field names one); another cloud's storage is outside AWS. What a
resource names by Kubernetes names is read by `lineage_names`, the External Secrets Operator by
`lineage_secrets`; this module reads object stores, Service hosts and namespace selectors, and dispatches.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from residency_facts.operators import (
    CLUSTER_EXTERNAL_SECRET,
    CLUSTER_PUSH_SECRET,
    EXTERNAL_SECRET,
    NAMED_POINTERS,
    OBJECT_STORE_POINTERS,
    OPERATOR_SERVICES,
    PUSH_SECRET,
    SECRET_STORES,
)
from residency_facts.shapes import CopyMechanism, ObjectStore

from .attributes import STACK_ACCOUNT, region_named_in
from .lineage_alerts import ALERT_KINDS, alert_destinations, alert_sources
from .lineage_code import as_url
from .lineage_environments import Value, field, store_fields
from .lineage_literals import endpoint_outside_aws, hosts_elsewhere, literal_locations
from .lineage_names import computed_from, named_locations, named_objects, of_kinds, traced, untraceable
from .lineage_secrets import (
    external_secret_sources,
    push_secret_destinations,
    pushed_secret_sources,
    secret_contents,
    secret_store_places,
)
from .lineage_selections import NAMESPACE_KINDS, _in_index, _kubernetes_index
from .locations import Location, mechanism_key
from .model import Resource
from .values import (
    Unknown,
    as_mapping,
    child,
    elements,
    is_set,
    known_strings,
    selector_matches,
    value_at,
    values_at,
)

if TYPE_CHECKING:
    from .lineage import Lineage

S3_BUCKET_TYPES = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
OUTSIDE_SCHEMES = frozenset({"gs", "gcs", "azure", "wasb", "wasbs", "abfs", "abfss"})
"""URI schemes of another cloud's object storage (Google Cloud Storage, Azure)."""
NAME_KEYS = ("k10.kasten.io/appNamespace", "kubernetes.io/metadata.name")
"""Label keys whose value is a namespace's own name (Kasten's, and the one Kubernetes sets on every one)."""


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


def _from_elsewhere(store: ObjectStore, scope: Any) -> list[str]:
    """The environment variables of a store whose values come from elsewhere (`valueFrom`)."""
    if not store.env:
        return []
    fields = {store.bucket, store.endpoint, store.region} - {""}
    return [
        str(child(variable, "name"))
        for variable in values_at(scope, store.env)
        if child(variable, "name") in fields and is_set(child(variable, "valueFrom"))
    ]


def _one_store(
    lineage: Lineage, resource: Resource, store: ObjectStore, prefix: str, scope: Any
) -> list[Location]:
    label = resource.label
    variables, missing = store_fields(lineage, resource, store, prefix, scope)

    def at(name: str) -> Value:
        return field(variables, resource, prefix, scope, name)

    bucket, endpoint, region = (at(n) for n in (store.bucket, store.endpoint, store.region))
    outside = [p for p in store.outside_aws if is_set(at(p).value)]
    outside.extend(_other_values(store.outside_aws_unless, at))
    if outside:
        return [
            *missing,
            Location(
                f"{label} ({', '.join(outside)}: another cloud's object storage, outside AWS; keep the "
                "copies in an S3 bucket of the stack in its region)",
                None,
                None,
                outside=True,
            ),
        ]
    unplaced = [f"{p}={at(p).value}" for p in store.unplaced if is_set(at(p).value)]
    unplaced.extend(_other_values(store.unplaced_unless, at))
    if unplaced:
        missing.append(
            untraceable(
                f"{', '.join(unplaced)} of {label}: a place the pack cannot place; keep the copies in an S3 "
                "bucket of the stack in its region"
            )
        )
    indirect = _from_elsewhere(store, scope)
    if indirect:
        return [
            *missing,
            untraceable(
                f"{', '.join(indirect)} of {label}, which take their values from a ConfigMap or Secret "
                "(valueFrom) the pack does not read: set them in spec.env"
            ),
        ]
    if not any(is_set(v.value) for v in (bucket, endpoint, region)):
        return missing
    found: list[Location] = list(missing)
    regions: list[str] = []
    if isinstance(endpoint.value, str) and endpoint.value:
        places = _endpoint_places(lineage, endpoint.owner, endpoint.value)
        found.extend(places)
        regions.extend(p.region for p in places if p.region is not None)
    elif isinstance(endpoint.value, Unknown):
        found.extend(traced(lineage, endpoint.owner, endpoint.path))
    if isinstance(region.value, str) and region.value:
        found.append(
            Location(
                f"{store.region}={region.value} of {region.owner.label}",
                region.value,
                lineage.account(resource),
            )
        )
        regions.append(region.value)
    elif isinstance(region.value, Unknown):
        found.extend(traced(lineage, region.owner, region.path))
    if isinstance(bucket.value, Unknown):
        found.extend(traced(lineage, bucket.owner, bucket.path))
    elif isinstance(bucket.value, str) and bucket.value:
        found.extend(_bucket_places(lineage, bucket.owner, bucket.path, bucket.value, regions))
    return found


def _other_values(expected: tuple[tuple[str, tuple[str, ...]], ...], at: Callable[[str], Value]) -> list[str]:
    """`path=value` for each path whose value is set to another than the expected ones (or unknown)."""
    found = []
    for path, allowed in expected:
        value = at(path).value
        if isinstance(value, Unknown) or (isinstance(value, str) and value and value not in allowed):
            found.append(f"{path}={value if isinstance(value, str) else 'unknown at preview'}")
    return found


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
    computed = computed_from(lineage, resource, path, value)
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
    return _unique(found)


def cluster_host_locations(lineage: Lineage, resource: Resource, path: str) -> list[Location]:
    """The database clusters a host names: `<cluster><suffix>[.<namespace>[.svc[.cluster.local]]]`, a
    Service an operator creates for a cluster of the stack in the resource's Kubernetes cluster; another
    cluster-local host cannot be traced, and any other host is read as a literal (an RDS endpoint)."""
    found: list[Location] = []
    own_namespace = value_at(resource.props, "metadata.namespace")
    values = [v for v in values_at(resource.props, path) if is_set(v)]
    if any(isinstance(v, Unknown) for v in values):
        found.extend(traced(lineage, resource, path))
    for host in known_strings(values):
        computed = computed_from(lineage, resource, path, host)
        if computed is not None:
            # A host computed from a resource of the stack (a database's address) is that resource.
            found.extend(computed)
            continue
        name, _, domain = host.strip().lower().rstrip(".").partition(".")
        namespace = domain.split(".", 1)[0] if domain else own_namespace
        local = not domain or domain.count(".") == 0 or domain.endswith((".svc", ".svc.cluster.local"))
        clusters = [
            r
            for r in of_kinds(lineage, *OPERATOR_SERVICES)
            if r.provider_urn == resource.provider_urn
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
        for holder, _ in _in_index_all(lineage)
        if holder.provider_urn == resource.provider_urn
    ]
    if isinstance(selector, Unknown):
        return traced(lineage, resource, path)
    if not isinstance(selector, Mapping) or not (
        child(selector, "matchLabels") or child(selector, "matchExpressions")
    ):
        return [
            *(lineage.locate(holder) for holder, _ in holders),
            untraceable(f"every namespace of the cluster {resource.label} selects (its selector names none)"),
        ]
    declared = {
        value_at(n.props, "metadata.name"): n
        for n in of_kinds(lineage, *NAMESPACE_KINDS)
        if n.provider_urn == resource.provider_urn
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


def _in_index_all(lineage: Lineage) -> list[tuple[Resource, Any]]:
    """Every Kubernetes data holder of the stack (the one index lineage keeps of them by namespace)."""
    by_value, unhashable = _kubernetes_index(lineage)[1]
    entries = [entry for found in by_value.values() for entry in found] + [entry for _, entry in unhashable]
    return [(resource, labels) for _, resource, labels in sorted(entries, key=lambda entry: entry[0])]


def _reads_names_only(selector: Mapping[str, Any]) -> bool:
    labels = as_mapping(child(selector, "matchLabels"))
    keys = [*labels] if isinstance(labels, Mapping) else []
    keys += [child(e, "key") for e in elements(child(selector, "matchExpressions"))]
    return all(key in NAME_KEYS for key in keys)


def _matches(selector: Mapping[str, Any], name: Any, labels: Mapping[str, Any]) -> bool:
    """Whether a namespace's labels (its name under NAME_KEYS) satisfy a Kubernetes label selector."""
    return selector_matches(selector, {**labels, **dict.fromkeys(NAME_KEYS, name)})


def operator_sources(lineage: Lineage, resource: Resource, mechanism: CopyMechanism) -> list[Location]:
    """The sources a mechanism names the operators' way (object stores, named objects, hosts, selectors)."""
    key = mechanism_key(resource.type)
    if key in ALERT_KINDS:
        return alert_sources(lineage, resource)
    if key in (EXTERNAL_SECRET, CLUSTER_EXTERNAL_SECRET):
        return external_secret_sources(lineage, resource)
    if key in (PUSH_SECRET, CLUSTER_PUSH_SECRET):
        return pushed_secret_sources(lineage, resource)
    found: list[Location] = []
    for store in mechanism.source_stores:
        found.extend(store_places(lineage, resource, store))
    for path in mechanism.cluster_hosts:
        found.extend(cluster_host_locations(lineage, resource, path))
    if mechanism.namespace_selector:
        found.extend(selected_namespaces(lineage, resource, mechanism.namespace_selector))
    for path in mechanism.namespaces:
        found.extend(named_namespaces(lineage, resource, path))
    for path, kind in mechanism.object_selectors:
        found.extend(selected_objects(lineage, resource, path, kind))
    found.extend(named_locations(lineage, resource, mechanism, ("source", "sources_of")))
    return found


def named_namespaces(lineage: Lineage, resource: Resource, path: str) -> list[Location]:
    """The data of the namespaces a path names by their names, in the resource's cluster: the Namespace and
    every data holder the stack places there, declared Namespace or not (a value unknown at preview: what it
    was computed from)."""
    values = [v for v in values_at(resource.props, path) if is_set(v)]
    found: list[Location] = []
    if any(isinstance(v, Unknown) for v in values):
        found.extend(traced(lineage, resource, path))
    holders = _kubernetes_index(lineage)[1]
    for name in known_strings(values):
        found.extend(
            lineage.locate(n)
            for n in of_kinds(lineage, *NAMESPACE_KINDS)
            if n.provider_urn == resource.provider_urn and value_at(n.props, "metadata.name") == name
        )
        found.extend(
            lineage.locate(holder)
            for holder, _ in _in_index(holders, name)
            if holder.provider_urn == resource.provider_urn
        )
    return found


def selected_objects(lineage: Lineage, resource: Resource, path: str, kind: str) -> list[Location]:
    """The data of the objects of a kind in the resource's namespace and cluster that the label selectors at
    a path match (an empty selector: every one; one unknown at preview: every one)."""
    selectors = values_at(resource.props, path)
    namespace = value_at(resource.props, "metadata.namespace")
    candidates = [
        r
        for r in of_kinds(lineage, kind)
        if r.provider_urn == resource.provider_urn and value_at(r.props, "metadata.namespace") == namespace
    ]
    found: list[Location] = []
    for candidate in candidates:
        labels = as_mapping(value_at(candidate.props, "metadata.labels"))
        for selector in selectors:
            if isinstance(selector, Unknown) or (
                isinstance(selector, Mapping)
                and _matches(
                    selector,
                    value_at(candidate.props, "metadata.name"),
                    labels if isinstance(labels, Mapping) else {},
                )
            ):
                found.extend(lineage.follow(candidate, {resource.urn}))
                break
    return found


def operator_destinations(lineage: Lineage, resource: Resource, mechanism: CopyMechanism) -> list[Location]:
    """The destinations a mechanism names the operators' way: its object stores (or, when they name none,
    the operator-wide configuration's, its fallback stores' and its default store) and the objects it names
    as destinations."""
    if mechanism_key(resource.type) in ALERT_KINDS:
        return alert_destinations(lineage, resource)
    if mechanism_key(resource.type) in (PUSH_SECRET, CLUSTER_PUSH_SECRET):
        return push_secret_destinations(lineage, resource)
    found: list[Location] = []
    fallbacks = [s for s in mechanism.object_stores if s.fallback and mechanism.defaults_from]
    for store in mechanism.object_stores:
        if store not in fallbacks:
            found.extend(store_places(lineage, resource, store))
    found.extend(named_locations(lineage, resource, mechanism, ("destination", "destinations_of")))
    for path, what in mechanism.unread_destinations:
        if any(is_set(v) for v in values_at(resource.props, path)):
            found.append(untraceable(f"{what} ({path} of {resource.label}), which the pack does not read"))
    for path, reviewed, what in mechanism.unreviewed_values:
        for value in values_at(resource.props, path):
            if is_set(value) and value not in reviewed:
                shown = "unknown at preview" if isinstance(value, Unknown) else str(value)
                found.append(
                    untraceable(f"{what} ({path} {shown} of {resource.label}), which the pack does not read")
                )
    if mechanism.defaults_from and not found:
        configurations = [
            c for c in of_kinds(lineage, mechanism.defaults_from) if c.provider_urn == resource.provider_urn
        ]
        for configuration in configurations:
            # The operator-wide stores (none set: the operator keeps no copy there).
            found.extend(pointer_places(lineage, configuration))
        for store in fallbacks:
            found.extend(store_places(lineage, resource, store))
        if mechanism.default_store and not configurations:
            found.append(untraceable(mechanism.default_store))
    elif mechanism.default_store and not found:
        found.append(untraceable(mechanism.default_store))
    return _unique(found)


def _unique(locations: list[Location]) -> list[Location]:
    """Locations without repeats (several stores of one resource read the same unreadable ConfigMap)."""
    seen: set[tuple[str, str | None, str | None]] = set()
    found = []
    for location in locations:
        key = (location.description, location.region, location.account)
        if key not in seen:
            seen.add(key)
            found.append(location)
    return found


def operator_places(lineage: Lineage, resource: Resource, seen: set[str]) -> list[Location] | None:
    """Where an operator's pointer keeps what it is given, and what an ExternalSecret's Secret holds (in
    its cluster), or None when the type is neither."""
    key = mechanism_key(resource.type)
    if key in OBJECT_STORE_POINTERS:
        return pointer_places(lineage, resource)
    if key in NAMED_POINTERS:
        found: list[Location] = []
        for named in NAMED_POINTERS[key]:
            objects, missing = named_objects(lineage, resource, named)
            found.extend(missing)
            found.extend(location for other in objects for location in lineage.follow(other, seen))
        return found
    if key in SECRET_STORES:
        return secret_store_places(lineage, resource, seen)
    if key in (EXTERNAL_SECRET, CLUSTER_EXTERNAL_SECRET):
        return secret_contents(lineage, resource)
    return None


USES_OPERATOR_READERS = frozenset(
    {EXTERNAL_SECRET, CLUSTER_EXTERNAL_SECRET, PUSH_SECRET, CLUSTER_PUSH_SECRET, *ALERT_KINDS}
)
"""Kinds whose mechanism paths are read only by this module (not traced as plain paths)."""
