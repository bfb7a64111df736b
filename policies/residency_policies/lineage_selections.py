"""How lineage reads what a copy or a Service selects rather than names.

AWS Backup plans copy what their selections pick (by ARN or lineage, `*`, or tags and ResourceTag
conditions); lifecycle policies and organisation backup policies pick by tag, and a classification tag
selects that classification's data outside the stack too; a Velero backup covers the namespaces it lists,
or its whole cluster. A Kubernetes Service carries what the pods it selects hold (one index of the stack's
Kubernetes objects by namespace), an ExternalName Service is an alias of the host it names, and an Istio
ServiceEntry's hosts are aliases of its endpoints.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from residency_facts import CLASSIFICATION_TAG, CopyMechanism
from residency_facts.mechanisms import AI_SERVICE_MODULES, NETWORK_CONNECTORS, NETWORK_SPACES
from residency_facts.operators import OPERATOR_PODS

from .attributes import STACK_ACCOUNT, account_of, effective_tags, is_kubernetes, region_named_in
from .lineage_code import as_url, public_place
from .lineage_literals import endpoint_outside_aws, hosts_elsewhere
from .locations import Location, holds_data, mechanism_key, mechanisms_of, untraceable
from .model import Resource, Stack
from .private_networks import is_private, private_places
from .values import Unknown, as_mapping, child, elements, is_set, known_strings, value_at, values_at

if TYPE_CHECKING:
    from .lineage import Lineage

BACKUP_SELECTION = "aws:backup/selection:Selection"
NAMESPACE_KINDS = ("core:Namespace",)
SERVICE_KIND = "core:Service"
VELERO_BACKUPS = ("velero.io:Backup", "velero.io:Schedule")
VELERO_STORAGE_LOCATION = "velero.io:BackupStorageLocation"
VELERO_SNAPSHOT_LOCATION = "velero.io:VolumeSnapshotLocation"
VELERO_LOCATIONS = (VELERO_STORAGE_LOCATION, VELERO_SNAPSHOT_LOCATION)
VELERO_AWS_PROVIDERS = frozenset({"aws", "velero.io/aws"})
"""The provider names of Velero's AWS object store and volume snapshotter plugin."""
SNAPSHOT_TARGET_TYPES = ("aws:ebs/volume:Volume", "aws:ec2/instance:Instance")
RESOURCE_TAG_CONDITION = "aws:ResourceTag/"


def backends(lineage: Lineage, service: Resource) -> list[Resource]:
    """The stack's data-holding workloads a Kubernetes Service selects."""
    return [
        location.resource
        for location in service_backends(lineage, service, {service.urn})
        if location.resource is not None and holds_data(location.resource, lineage.settings)
    ]


def external_name_places(lineage: Lineage, service: Resource, seen: set[str]) -> list[Location]:
    """Where an ExternalName Service points: a cluster-local name of it (`x.ns.svc`) is a DNS alias of
    that host, so code sending to the alias sends there, and code reading it reads what is there."""
    spec = child(service.props, "spec")
    kind, name = child(spec, "type"), child(spec, "externalName")
    if kind != "ExternalName" and not is_set(name):
        return []
    if isinstance(name, Unknown) or isinstance(kind, Unknown):
        dependencies = lineage.stack.dependencies(service, "spec")
        if dependencies:
            return [location for d in dependencies for location in lineage.follow(d, seen)]
        return [
            Location(
                f"the host the ExternalName {service.label} points at (unknown at preview, no lineage)",
                None,
                None,
                host=True,
            )
        ]
    if not isinstance(name, str) or not name:
        return []
    host = name.strip().lower().rstrip(".")
    named = [r for r in lineage.mentioned(host) if r is not service]
    if named:
        return [location for r in named for location in lineage.follow(r, seen)]
    if endpoint_outside_aws(as_url(host)):
        return [
            Location(
                f"{host} (the ExternalName {service.label} points outside AWS)", None, None, outside=True
            )
        ]
    regionless = hosts_elsewhere(lineage, host, lineage.own_region(service))
    if regionless:
        return regionless
    region = region_named_in(host)
    if region is not None:
        return [Location(f"{host} (the ExternalName {service.label} points there)", region, STACK_ACCOUNT)]
    return []


SERVICE_ENTRY_KIND = "networking.istio.io:ServiceEntry"


def service_entry_places(lineage: Lineage, entry: Resource, seen: set[str]) -> list[Location]:
    """Where an Istio ServiceEntry's hosts resolve: its endpoints' addresses, else (no endpoints) the hosts
    themselves by DNS. A host or address outside AWS is a place outside AWS; a stack resource it names is
    followed; a private address is placed by the stack's networks and routes (`private_networks`)."""
    endpoints = value_at(entry.props, "spec.endpoints")
    addresses = (
        list(values_at(entry.props, "spec.endpoints[].address"))
        if endpoints
        else list(values_at(entry.props, "spec.hosts[]"))
    )
    found: list[Location] = []
    for address in addresses:
        if isinstance(address, Unknown) or isinstance(endpoints, Unknown):
            dependencies = lineage.stack.dependencies(entry, "spec")
            found.extend(location for d in dependencies for location in lineage.follow(d, seen))
            if not dependencies:
                found.append(
                    Location(f"the endpoints of {entry.label} (unknown at preview)", None, None, host=True)
                )
            continue
        if not isinstance(address, str) or not address:
            continue
        host = address.strip().lower().rstrip(".")
        named = [r for r in lineage.mentioned(host) if r is not entry]
        if named:
            found.extend(location for r in named for location in lineage.follow(r, seen))
        elif endpoint_outside_aws(as_url(host)) or public_place(host):
            found.append(
                Location(f"{host} (where {entry.label} resolves, outside AWS)", None, None, outside=True)
            )
        elif is_private(host):
            found.extend(private_places(lineage.stack, host, lineage.own_region(entry), entry.label))
        elif (region := region_named_in(host)) is not None:
            found.append(Location(f"{host} (where {entry.label} resolves)", region, STACK_ACCOUNT))
    return found


def service_backends(lineage: Lineage, service: Resource, seen: set[str]) -> list[Location]:
    """The workloads a Kubernetes Service selects, in its namespace."""
    found = []
    for workload in selected_workloads(lineage, service):
        found.extend(lineage.follow(workload, seen))
    return found


def selected_workloads(lineage: Lineage, service: Resource) -> list[Resource]:
    """The Kubernetes objects in a Service's namespace and cluster whose pod template labels its selector
    matches (data holders or not).

    Another cluster's objects (another provider) are never a Service's pods, whatever their namespace and
    labels. Lineage follows a Service each time something names it: the match is made once per Service,
    from one index of the stack's Kubernetes objects by namespace (a scan of the whole stack per Service
    per reference grew with the square of the stack).
    """
    if service.urn in lineage.workloads_of:
        return lineage.workloads_of[service.urn]
    selector = as_mapping(value_at(service.props, "spec.selector"))
    found = workloads_matching(lineage, service, value_at(service.props, "metadata.namespace"), selector)
    lineage.workloads_of[service.urn] = found
    return found


def workloads_matching(lineage: Lineage, of: Resource, namespace: Any, selector: Any) -> list[Resource]:
    """The Kubernetes objects of `of`'s cluster in a namespace whose pod template labels match a selector
    (a mapping of labels, every one of which must match; an empty or unknown selector matches nothing)."""
    found: list[Resource] = []
    if isinstance(selector, Mapping) and selector:
        for workload, labels in _in_index(_kubernetes_index(lineage)[0], namespace):
            if workload is of or workload.provider_urn != of.provider_urn:
                continue
            if isinstance(labels, Mapping) and all(labels.get(k) == v for k, v in selector.items()):
                found.append(workload)
    return found


def in_namespace(lineage: Lineage, namespace: Resource) -> list[Resource]:
    """The stack's Kubernetes objects in a Namespace, in its cluster."""
    name = value_at(namespace.props, "metadata.name")
    return [
        r
        for r, _ in _in_index(
            _kubernetes_index(lineage)[1],
            name,
        )
        if r.provider_urn == namespace.provider_urn
    ]


_TEMPLATE = "spec.template.metadata.labels"
_POD_LABELS = {"core:Pod": "metadata.labels"}
"""Where an object keeps the labels of its pods, which a Service's selector matches: a workload controller its
pod template's, a bare Pod its own."""


def pod_labels(resource: Resource) -> Any:
    """The labels of an object's pods: its pod template's, a bare Pod's own, or those an operator gives the
    pods of its object (`operators.OPERATOR_PODS`: a pgAdmin's)."""
    operator = OPERATOR_PODS.get(mechanism_key(resource.type))
    if operator is not None:
        name = value_at(resource.props, "metadata.name")
        if not isinstance(name, str):
            return None
        return {key: value.format(name=name) for key, value in operator[0].items()}
    return as_mapping(value_at(resource.props, _POD_LABELS.get(mechanism_key(resource.type), _TEMPLATE)))


def operator_pods_behind(lineage: Lineage, of: Resource, namespace: Any, name: Any) -> list[Resource]:
    """The operator objects of a publisher's cluster and namespace whose pods the Service an operator creates
    for them, by that name, forwards to (a pgAdmin's `spec.serviceName`)."""
    if not isinstance(name, str):
        return []
    return [
        r
        for r in lineage.stack.resources
        if mechanism_key(r.type) in OPERATOR_PODS
        and r.provider_urn == of.provider_urn
        and value_at(r.props, "metadata.namespace") == namespace
        and value_at(r.props, OPERATOR_PODS[mechanism_key(r.type)][1]) == name
    ]


def _kubernetes_index(lineage: Lineage) -> tuple[NamespaceIndex, NamespaceIndex]:
    """The stack's Kubernetes objects by namespace, with their pod template labels; and the data holders
    among them by namespace. Built on first use, once per lineage."""
    if lineage.kubernetes_index is None:
        objects: NamespaceIndex = ({}, [])
        holders: NamespaceIndex = ({}, [])
        for position, resource in enumerate(lineage.stack.resources):
            if not is_kubernetes(resource):
                continue
            namespace = value_at(resource.props, "metadata.namespace")
            labels = pod_labels(resource)
            _index_by(objects, namespace, (position, resource, labels))
            if holds_data(resource, lineage.settings):
                _index_by(holders, namespace, (position, resource, labels))
        lineage.kubernetes_index = (objects, holders)
    return lineage.kubernetes_index


def _in_index(index: NamespaceIndex, namespace: Any) -> list[tuple[Resource, Any]]:
    """The indexed objects whose namespace equals this one, in the stack's order."""
    by_value, unhashable = index
    try:
        found = list(by_value.get(namespace, ()))
    except TypeError:
        found = []
    # A namespace that is a list or a map (never a valid one, but inputs may hold anything) is compared
    # as the scan compared it, by equality.
    found.extend(entry for value, entry in unhashable if value == namespace)
    return [(resource, labels) for _, resource, labels in sorted(found, key=lambda entry: entry[0])]


def velero_sources(lineage: Lineage, backup: Resource, mechanism: CopyMechanism) -> list[Location]:
    """A Velero backup covers the namespaces it lists, or all of its cluster's when it lists none.

    A listed namespace is a Kubernetes name, matched exactly in the backup's cluster (a short name such as
    `app` is too short to be looked for inside other values, yet names the namespace all the same): the
    Namespace object and every data holder the stack places in it, declared Namespace or not.
    """
    path = mechanism.sources[0]
    listed = values_at(backup.props, path)
    if listed and "*" not in listed:
        found = lineage.trace(backup, path, False, lineage.own_region(backup))
        for name in known_strings(listed):
            for namespace in lineage.stack.resources:
                if (
                    mechanism_key(namespace.type) in NAMESPACE_KINDS
                    and namespace.provider_urn == backup.provider_urn
                    and value_at(namespace.props, "metadata.name") == name
                ):
                    found.append(lineage.locate(namespace))
            found.extend(
                lineage.locate(holder)
                for holder, _ in _in_index(_kubernetes_index(lineage)[1], name)
                if holder.provider_urn == backup.provider_urn
            )
        return found
    cluster = [
        r
        for r in lineage.stack.resources
        if is_kubernetes(r) and holds_data(r, lineage.settings) and r.provider_urn == backup.provider_urn
    ]
    return [
        *(lineage.locate(r) for r in cluster),
        untraceable(f"every namespace of the cluster {backup.label} backs up"),
    ]


def velero_destinations(lineage: Lineage, backup: Resource, mechanism: CopyMechanism) -> list[Location]:
    """Where a Velero backup or schedule writes: the BackupStorageLocation its `storageLocation` names (by
    its Kubernetes name, in the backup's cluster), else the cluster's default location, and the
    VolumeSnapshotLocations it names. A location the stack does not declare cannot be read: untraceable.

    Velero's API (velero.io/docs/main/api-types/backup/, .../schedule/): a Backup's `spec.storageLocation`
    and `spec.volumeSnapshotLocations`, a Schedule's under `spec.template`; a backup that names no location
    goes to the default one (`spec.default: true`, or the one named `default`:
    velero.io/docs/main/api-types/backupstoragelocation/).
    """
    found: list[Location] = []
    template = "spec.template" if backup.type.endswith(":Schedule") else "spec"
    for path, kind, default in (
        (f"{template}.storageLocation", VELERO_STORAGE_LOCATION, True),
        (f"{template}.volumeSnapshotLocations", VELERO_SNAPSHOT_LOCATION, False),
    ):
        values = [v for v in values_at(backup.props, path) if is_set(v)]
        if any(isinstance(v, Unknown) for v in values):
            found.extend(lineage.trace(backup, path, False, lineage.own_region(backup)))
            continue
        names = known_strings(values)
        if not names and default:
            declared = _velero_locations(lineage, backup, kind)
            defaults = [r for r in declared if value_at(r.props, "spec.default") is True] or [
                r for r in declared if value_at(r.props, "metadata.name") == "default"
            ]
            if not defaults:
                found.append(
                    untraceable(
                        f"the default backup storage location of {backup.label}'s cluster, which the stack "
                        "does not declare (a chart's or one made by hand): its provider and region cannot be "
                        "read; declare the location, or name one of the stack's in storageLocation"
                    )
                )
            for location in defaults:
                found.extend(velero_location_places(lineage, location, {backup.urn}))
        for name in names:
            named = [
                r
                for r in _velero_locations(lineage, backup, kind)
                if value_at(r.props, "metadata.name") == name
            ]
            if not named:
                found.append(
                    untraceable(
                        f"the Velero location {name!r} {backup.label} writes to, which the stack does not "
                        "declare: its provider and region cannot be read; declare it in the stack"
                    )
                )
            for location in named:
                found.extend(velero_location_places(lineage, location, {backup.urn}))
    return found


def _velero_locations(lineage: Lineage, backup: Resource, kind: str) -> list[Resource]:
    """The stack's Velero locations of a kind in the backup's cluster."""
    return [
        r
        for r in lineage.stack.resources
        if mechanism_key(r.type) == kind and r.provider_urn == backup.provider_urn
    ]


def velero_location_places(lineage: Lineage, location: Resource, seen: set[str]) -> list[Location]:
    """Where a Velero location keeps what it is given: in AWS only with the AWS plugin's provider, on AWS's
    own S3 host (no `s3Url`, or an AWS host) in the region its config names, else outside AWS or untraceable.

    The provider is the object store plugin (`aws` or `velero.io/aws` is the AWS plugin; `velero.io/gcp`,
    `velero.io/azure` and other plugins store outside AWS); with the AWS plugin, `config.s3Url` points it at
    any S3-compatible server (MinIO, another cloud's), and without `config.region` the bucket's region is
    asked of S3 (github.com/vmware-tanzu/velero-plugin-for-aws, backupstoragelocation.md and
    volumesnapshotlocation.md).
    """
    seen = seen | {location.urn}
    label = location.label
    provider = value_at(location.props, "spec.provider")
    if isinstance(provider, Unknown) or not isinstance(provider, str):
        dependencies = lineage.stack.dependencies(location, "spec")
        if dependencies:
            return [found for d in dependencies for found in lineage.follow(d, seen)]
        return [untraceable(f"the object store of {label} (its provider is unknown or unset)")]
    if provider not in VELERO_AWS_PROVIDERS:
        return [
            Location(
                f"{label} (provider {provider!r}: a Velero object store outside AWS; use the AWS plugin, "
                "provider aws, on a bucket of the stack in its region)",
                None,
                None,
                outside=True,
            )
        ]
    found: list[Location] = []
    for key in ("s3Url", "publicUrl"):
        url = value_at(location.props, f"spec.config.{key}")
        if isinstance(url, Unknown):
            found.extend(lineage.trace(location, f"spec.config.{key}", True, lineage.own_region(location)))
            if not lineage.stack.dependencies(location, "spec"):
                found.append(untraceable(f"spec.config.{key} of {label} (unknown at preview, no lineage)"))
        elif isinstance(url, str) and url:
            found.extend(_s3_url_places(lineage, location, key, url))
    kind = mechanism_key(location.type)
    for path in (
        ("spec.objectStorage.bucket", "spec.config.region")
        if kind == VELERO_STORAGE_LOCATION
        else ("spec.config.region",)
    ):
        value = value_at(location.props, path)
        if path.endswith("region") and isinstance(value, str) and value:
            # The region the plugin writes to, in the account of the cluster's credentials (IRSA, Pod
            # Identity: the cluster's own account unless a credential says otherwise).
            found.append(Location(f"{path}={value} of {label}", value, account_of(location)))
            continue
        if path.endswith("region") and not is_set(value):
            if kind == VELERO_SNAPSHOT_LOCATION:
                found.append(untraceable(f"the region of {label}'s snapshots (spec.config.region unset)"))
            continue
        found.extend(lineage.trace(location, path, True, lineage.own_region(location)))
    return found


def _s3_url_places(lineage: Lineage, location: Resource, key: str, url: str) -> list[Location]:
    """The place a Velero location's S3 URL names: an AWS host is judged by the region it names (or as a
    regionless host); any other server (MinIO in the cluster, another cloud's S3 API) is outside AWS or
    cannot be placed."""
    host = url.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0].lower().rstrip(".")
    if host.endswith((".amazonaws.com", ".amazonaws.com.cn")):
        region = region_named_in(host)
        if region is not None:
            return [Location(f"spec.config.{key}={url} of {location.label}", region, STACK_ACCOUNT)]
        return hosts_elsewhere(lineage, host, lineage.own_region(location)) or [
            untraceable(f"spec.config.{key}={url} of {location.label} (an AWS host that names no region)")
        ]
    if endpoint_outside_aws(as_url(url)):
        return [
            Location(
                f"{url} (spec.config.{key} of {location.label}: an S3-compatible server outside AWS)",
                None,
                None,
                outside=True,
            )
        ]
    return [
        untraceable(
            f"{url} (spec.config.{key} of {location.label}: an S3-compatible server that is not AWS's, whose "
            "storage the pack cannot place; use S3's regional endpoint, or no s3Url)"
        )
    ]


def tagged(lineage: Lineage, tags: Any, types: Iterable[str], own_region: str | None) -> list[Location]:
    """The data a tag selector picks: the stack's matching resources, and any resource elsewhere."""
    selector = as_mapping(tags)
    if not isinstance(selector, Mapping):
        return []
    wanted = {str(k): child(selector, k) for k in selector}
    return _selected(lineage, wanted.items(), types, own_region)


def _selected(
    lineage: Lineage, pairs: Iterable[tuple[str, Any]], types: Iterable[str] | None, own: str | None
) -> list[Location]:
    pairs = list(pairs)
    wanted_types = set(types) if types is not None else None
    found = []
    for resource in lineage.stack.resources:
        if wanted_types is not None and resource.type not in wanted_types:
            continue
        if wanted_types is None and not holds_data(resource, lineage.settings):
            continue
        tags = effective_tags(resource)
        if isinstance(tags, Mapping) and any(
            tags.get(k) == v or (isinstance(v, list) and tags.get(k) in v) for k, v in pairs
        ):
            found.append(lineage.locate(resource))
    declared: set[str] = set()
    for key, value in pairs:
        if key == CLASSIFICATION_TAG:
            declared.update(str(v) for v in elements(value) if isinstance(v, str))
    if declared:
        # Resources outside the stack carrying the selected classification hold that kind of data.
        description = f"any resource tagged {CLASSIFICATION_TAG}={sorted(declared)}"
        found.append(Location(description, own, STACK_ACCOUNT, frozenset(declared)))
    else:
        found.append(untraceable("resources outside this stack selected by tag " + repr(dict(pairs))))
    return found


def backup_plan_sources(lineage: Lineage, plan: Resource) -> list[Location]:
    """The resources a backup plan copies: those its selections assign to it."""
    own = lineage.own_region(plan)
    found: list[Location] = []
    for selection in lineage.stack.of_type(BACKUP_SELECTION):
        if lineage.stack.refers_to(selection, "planId", plan):
            found.extend(_selection_sources(lineage, selection, own))
    return found


def _selection_sources(lineage: Lineage, selection: Resource, own: str | None) -> list[Location]:
    """The resources one backup selection picks: by ARN or lineage, by wildcard, or by tag."""
    found: list[Location] = []
    for value in values_at(selection.props, "resources"):
        if value == "*":
            found.extend(
                lineage.locate(r) for r in lineage.stack.resources if holds_data(r, lineage.settings)
            )
            found.append(untraceable("every resource outside this stack (selection '*')"))
    if not found:
        found.extend(lineage.trace(selection, "resources", False, own))
    pairs: list[tuple[str, Any]] = []
    for condition in values_at(selection.props, "selectionTags"):
        pairs.append((str(child(condition, "key")), child(condition, "value")))
    for condition in values_at(selection.props, "conditions.stringEquals"):
        key = child(condition, "key")
        if isinstance(key, str) and key.startswith(RESOURCE_TAG_CONDITION):
            pairs.append((key.removeprefix(RESOURCE_TAG_CONDITION), child(condition, "value")))
    if pairs:
        found.extend(_selected(lineage, pairs, None, own))
    return found


def organization_backup_sources(lineage: Lineage, policy: Resource, own: str | None) -> list[Location]:
    """What an organisation backup policy selects, in every account it is attached to."""
    base = "content.{json}.plans.*.selections.tags.*"
    pairs: list[tuple[str, Any]] = []
    for selection in values_at(policy.props, base):
        key = child(child(selection, "tag_key"), "@@assign")
        value = child(child(selection, "tag_value"), "@@assign")
        if isinstance(key, str):
            pairs.append((key, value))
    found = _selected(lineage, pairs, None, own) if pairs else []
    if not pairs:
        found.append(untraceable("every resource the organisation backup policy's plans select"))
    return found


AI_OPT_OUT_POLICY = "AISERVICES_OPT_OUT_POLICY"
_OPTED_IN = "optIn"


def ai_opt_in_sources(lineage: Lineage, policy: Resource) -> list[Location]:
    """What an AI services opt-out policy hands AWS: the stack's resources that hold or move the content of
    each service it opts in (`services.<name>.opt_out_policy.@@assign` optIn, `default` for all of them), or
    of every reviewed service when its content, or a choice, is unknown at preview."""
    content = value_at(policy.props, "content.{json}")
    services = as_mapping(child(content, "services"))
    if isinstance(value_at(policy.props, "content"), Unknown) or isinstance(services, Unknown):
        opted = set(AI_SERVICE_MODULES)
    else:
        opted = set()
        for name, service in (services or {}).items():
            choice = child(child(service, "opt_out_policy"), "@@assign")
            if isinstance(choice, Unknown) or choice == _OPTED_IN:
                opted |= set(AI_SERVICE_MODULES) if name == "default" else {name}
    modules = {module for name in opted for module in AI_SERVICE_MODULES.get(name, ())}
    if not modules:
        return []
    return [
        lineage.locate(resource)
        for resource in lineage.stack.resources
        if resource.type.startswith("aws:")
        and resource.type.split(":")[1].split("/")[0] in modules
        and (holds_data(resource, lineage.settings) or mechanisms_of(resource.type))
    ]


IndexedObject = tuple[int, Resource, Any]
NamespaceIndex = tuple[dict[Any, list[IndexedObject]], list[tuple[Any, IndexedObject]]]
"""Kubernetes objects by their namespace value, each with its position in the stack and its pod template
labels; and those whose namespace value cannot be a dict key, with that value."""


def _index_by(index: NamespaceIndex, namespace: Any, entry: IndexedObject) -> None:
    by_value, unhashable = index
    try:
        by_value.setdefault(namespace, []).append(entry)
    except TypeError:
        unhashable.append((namespace, entry))


def network_space_sources(lineage: Lineage, resource: Resource, path: str) -> list[Location] | None:
    """What a share of network space shares (`mechanisms.NETWORK_SPACES`: a subnet; nothing for a network
    connector, `NETWORK_CONNECTORS`: a transit gateway, a prefix list): the stack's data holders
    placed in it, directly (naming it: an instance, a node group) or through any number of resources in
    between, each naming the one before (a subnet group a database names; a network interface in the subnet
    and its attachment to an instance), and the holders such a resource in between names (a mount target's
    file system), named by lineage or by any identity (a group's name written by hand). None when the path
    names anything else, or a space the stack does not declare (then it is traced as any source)."""
    stack = lineage.stack
    dependencies = stack.dependencies(resource, path)
    if dependencies and all(d.type in NETWORK_CONNECTORS for d in dependencies):
        return []
    if not dependencies or any(d.type not in NETWORK_SPACES for d in dependencies):
        return None
    holders = [r for r in stack.resources if holds_data(r, lineage.settings)]
    holding = {id(h) for h in holders}
    found: list[Location] = []
    for space in dependencies:
        seen: set[int] = {id(space)}
        between: list[Resource] = [space]
        while between:
            placed = [
                r for r in stack.resources if id(r) not in seen and any(_names(stack, r, b) for b in between)
            ]
            seen.update(id(r) for r in placed)
            named = [
                h
                for h in holders
                if id(h) not in seen and any(_names(stack, b, h) for b in between if b is not space)
            ]
            seen.update(id(h) for h in named)
            found.extend(lineage.locate(r) for r in [*placed, *named] if id(r) in holding)
            between = [r for r in placed if id(r) not in holding]
    return found


def _names(stack: Stack, referrer: Resource, target: Resource) -> bool:
    """Whether any input of referrer names target (by lineage or one of its identities)."""
    props = referrer.props if isinstance(referrer.props, dict) else {}
    return any(stack.refers_to(referrer, prop, target) for prop in props if prop not in ("tags", "tagsAll"))
