"""Rule resource-type-triaged: a resource of a type the triage has not placed may not touch resident data.

The pack defends the residency rule only for the types `policies/residency_facts/triage.py` places: for a
type it has never reviewed (a new pulumi-aws type, another provider, a Kubernetes custom resource) it cannot
know whether the resource copies, exposes or holds data. So such a resource, and one of a type that creates
resources the pack cannot see (CloudFormation, Cloud Control, a Helm v3 release), is a violation as soon as
its inputs depend on (property dependencies) or name (an ARN, id, endpoint, stream, bucket, namespace, ...)
a resource that holds personal data or telemetry, or declare such data themselves.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any

from residency_facts import CLASSIFICATION_TAG, Category
from residency_facts.charts import ChartRole
from residency_facts.triage import (
    ACK_ACCOUNT_MAP,
    ACK_ENDPOINT,
    ACK_GROUP_SUFFIX,
    ACK_NAMESPACE_PLACES,
    ACK_OWNER_ACCOUNT,
    ACK_TEAM,
    ACK_TEAM_MAP,
    DAPR_COMPONENT,
    DAPR_COMPONENT_TYPE,
    DAPR_OUTSIDE_AWS,
    DYNAMIC_PROVIDER_INPUT,
    DYNAMIC_TYPES,
    OPAQUE_REMEDIES,
    OPAQUE_VALUE_SOURCES,
    PROVIDER_CONFIG_DEFAULT,
    PROVIDER_CONFIG_KINDS,
    PROVIDER_CONFIG_REFERENCE,
    REVIEWED_DYNAMIC_PROVIDERS,
    VENDOR_COLLECTORS,
)

from .addons import addon_gaps, reviewed_addon
from .attributes import REGION_PATTERN
from .charts import review_gaps, reviewed_chart
from .environment import decoded_data, environment
from .lineage import Lineage
from .lineage_code import configuration_reads, declared_in_aws, mounted_configuration, places_outside_aws
from .lineage_literals import endpoint_outside_aws, regionless_aws_hosts
from .lineage_names import of_kinds
from .lineage_selections import SERVICE_KIND, VELERO_AWS_PROVIDERS, selected_workloads
from .locations import Location, mechanism_key
from .model import Resource, Stack
from .release_values import HELM_RELEASE, UNREADABLE_VALUES_FIX, unreadable_value_files
from .settings import Settings
from .sink_blocks import default_places, sink_blocks
from .values import ANY_DEPTH, Unknown, child, elements, is_set, value_at, values_at
from .violations import Violation, violation

NAMESPACE_KIND = "core:Namespace"

NAME = "resource-type-triaged"
DESCRIPTION = (
    "A resource of a type the triage table does not place (or one that creates resources the pack cannot "
    "see: templates, Cloud Control, Helm releases) may not depend on, name or declare personal data or "
    "telemetry."
)

_DECLARED = re.compile(r"""["']?""" + CLASSIFICATION_TAG + r"""["']?\s*[:=]\s*["']?([a-z]+)""")


def check(stack: Stack, settings: Settings) -> list[Violation]:
    """Violations of resource-type-triaged in a stack."""
    lineage: Lineage | None = None
    found: list[Violation] = []
    for resource in stack.resources:
        if resource.is_component:
            continue
        categories = resource.categories
        if categories is not None and Category.OPAQUE not in categories:
            continue
        lineage = lineage or Lineage.of(stack, settings)
        chart = reviewed_chart(resource)
        addon = reviewed_addon(resource)
        gaps = (
            review_gaps(resource, chart)
            if chart is not None
            else addon_gaps(resource)
            if addon is not None
            else []
        )
        if (chart is not None or addon is not None) and not gaps:
            # A reviewed chart is judged by what its review says it does (a controller reads no data; a log
            # shipper's or a backup tool's code is judged by lineage on its destinations; a tunnel's or a UI's
            # publication by pii-not-public), and a reviewed EKS add-on by what it runs (residency_facts/
            # addons.py): naming the stack's resources is no copy. The places its values name are still
            # judged below.
            touched: list[tuple[Location, str]] = []
            declared: frozenset[str] = frozenset()
        else:
            touched = _touched(resource, stack, lineage, settings)
            declared = _declared(resource) & settings.resident_classifications
        elsewhere = (
            _regions_elsewhere(resource, lineage, settings, opaque=categories is not None)
            if lineage.holds_any(settings.resident_classifications)
            else []
        )
        dynamic = (
            resource.type in DYNAMIC_TYPES
            and lineage.holds_any(settings.resident_classifications)
            and dynamic_provider_digest(resource) not in REVIEWED_DYNAMIC_PROVIDERS
        )
        unread = _unread_values(resource, lineage, settings)
        if touched or declared or elsewhere or dynamic or unread:
            found.append(
                _violation(
                    resource,
                    lineage,
                    touched,
                    declared,
                    elsewhere,
                    categories is None,
                    settings,
                    gaps,
                    unread,
                )
            )
    return found


def _unread_values(resource: Resource, lineage: Lineage, settings: Settings) -> list[str]:
    """The values files a Helm release takes its values from that the pack cannot read (a FileAsset:
    `release_values`), in a stack that holds resident data, unless its chart's review says it reads no data
    (a controller): where such a release sends or what it publishes cannot be judged (reviewer blind-k8s15
    k12)."""
    if resource.type != HELM_RELEASE:
        return []
    chart = reviewed_chart(resource)
    if chart is not None and chart.role is ChartRole.CONTROLLER:
        return []
    files = unreadable_value_files(resource.props)
    return files if files and lineage.holds_any(settings.resident_classifications) else []


def dynamic_provider_digest(resource: Resource) -> str | None:
    """The SHA-256 of a dynamic resource's serialised provider code, or None when it is not known text."""
    code = resource.props.get(DYNAMIC_PROVIDER_INPUT)
    return hashlib.sha256(code.encode()).hexdigest() if isinstance(code, str) else None


def _outside(elsewhere: list[str], settings: Settings) -> str:
    if len(elsewhere) != 1:
        return "outside the allowed regions"
    if elsewhere[0].startswith(_ACCOUNT_PLACES):
        return "outside this deployment's accounts"
    if elsewhere[0].endswith("outside AWS)"):
        return "outside AWS"
    return settings.outside(elsewhere[0])


_ACCOUNT_PLACES = ("account ", "a role of account ", "an account that cannot be traced")
"""How `_roles_elsewhere` and `_ack_accounts_elsewhere` begin the places they find: accounts, not regions."""


def _regions_elsewhere(resource: Resource, lineage: Lineage, settings: Settings, opaque: bool) -> list[str]:
    """The regions outside the allowed ones that an opaque resource's inputs name (a backup location, an
    exporter's bucket region), the AWS hosts they name that name no region (S3's global endpoint, served
    from us-east-1 or from a bucket's unknown region), and the places outside AWS they name as code's
    configuration would (an endpoint, a log shipper's host): what it creates may move the stack's resident
    data there. Its inputs include what the stack's ConfigMaps and Secrets it reads hold."""
    stack = lineage.stack
    named: set[str] = set()
    hosts: dict[str, str] = {}
    read = [*_value_source_texts(resource, stack), *_configuration_texts(lineage, resource)]
    inputs = [*_all_leaves(resource.props), *read]
    controlled = _controller_inputs(lineage, resource)
    for value in [*inputs, *(v for _, values in controlled for v in values)]:
        if isinstance(value, str):
            named.update(REGION_PATTERN.findall(value))
            for host, region, why in regionless_aws_hosts(value):
                if not stack.named(host) and (region is None or region not in settings.allowed_regions):
                    hosts.setdefault(host, f"{host} (which names no region: {why})")
    # Places outside AWS a chart's values or an add-on's configuration send to (a collector's exporter
    # endpoint, a log shipper's host), and vendors that a collector ships to by definition; an untriaged
    # custom resource's hosts (a certificate's DNS names) are no destination the pack can tell.
    outside = (
        [p for p in places_outside_aws(resource.props) if not stack.named(p.split(" ", 1)[0])]
        + _vendor_collector(resource)
        if opaque
        else []
    )
    return (
        sorted(named - settings.allowed_regions)
        + [hosts[h] for h in sorted(hosts)]
        + outside
        + _defaulted_outputs(resource, [resource.props, *read], stack, settings)
        + _chart_locations_outside_aws(resource)
        + _dapr_outside_aws(resource)
        + _roles_elsewhere(inputs, settings)
        + [role for via, values in controlled for role in _roles_elsewhere(values, settings, via)]
        + _ack_places_elsewhere(lineage, resource, settings)
    )


def _defaulted_outputs(resource: Resource, values: list[Any], stack: Stack, settings: Settings) -> list[str]:
    """The outputs of the configuration an opaque resource carries (a chart's values, an add-on's
    configuration) that name no region and write to their tool's default outside the allowed regions, or
    to a place that cannot be told (`sink_blocks`; reviewer blind-k8s15 k02, k06, k10)."""
    places = default_places(
        sink_blocks(values), environment(values), lambda name: declared_in_aws(stack, name), resource.label
    )
    return [p.description for p in places if p.region is None or p.region not in settings.allowed_regions]


def _roles_elsewhere(inputs: list[Any], settings: Settings, via: str = "") -> list[str]:
    """The IAM roles of accounts outside `accountIds` a resource's inputs name (an add-on's pod identity
    associations, a chart's IRSA annotation, a Crossplane ProviderConfig's `assumeRoleChain`, an S3A
    assumed role in a SparkApplication's `sparkConf`): what it creates or runs runs as them and writes where
    they may, in their account (reviewer blind-k8s14 a09, a17). Not judged when the rule's config lists no
    account."""
    if not settings.account_ids:
        return []
    found: dict[str, str] = {}
    for value in inputs:
        if isinstance(value, str) and ":role/" in value:
            for arn, account in ROLE_ARN.findall(value):
                if account not in settings.account_ids:
                    found.setdefault(
                        arn,
                        f"a role of account {account} ({arn}{via}: not one of this deployment's accounts, "
                        "and what it creates runs as it)",
                    )
    return [found[a] for a in sorted(found)]


def _value_source_texts(resource: Resource, stack: Stack) -> list[Any]:
    """What the stack's ConfigMaps and Secrets hold that an opaque resource takes its values from
    (`OPAQUE_VALUE_SOURCES`: a Flux HelmRelease's valuesFrom), decoded as its controller reads them."""
    path = OPAQUE_VALUE_SOURCES.get(mechanism_key(resource.type))
    if path is None:
        return []
    namespace = value_at(resource.props, "metadata.namespace")
    found: list[Any] = []
    for reference in values_at(resource.props, path):
        kind, name = child(reference, "kind"), child(reference, "name")
        for config in stack.resources:
            if (
                config.provider_urn == resource.provider_urn
                and mechanism_key(config.type) == f"core:{kind}"
                and value_at(config.props, "metadata.name") == name
                and value_at(config.props, "metadata.namespace") == namespace
            ):
                found.extend(_all_leaves(config.props))
                found.extend(text for _, text in decoded_data(config))
    return found


def _configuration_texts(lineage: Lineage, resource: Resource) -> list[Any]:
    """What the stack's ConfigMaps and Secrets a resource takes variables or files from hold (its embedded
    containers' `envFrom`, a chart's `extraEnvFrom`), decoded as its pods read them."""
    found: list[Any] = []
    for config in mounted_configuration(lineage, resource):
        found.extend(_all_leaves(config.props))
        found.extend(text for _, text in decoded_data(config))
    return found


def _namespace_of(lineage: Lineage, resource: Resource) -> Resource | None:
    """The stack's Namespace a Kubernetes object is in (its cluster's), if the stack declares it."""
    namespace = value_at(resource.props, "metadata.namespace")
    for candidate in of_kinds(lineage, NAMESPACE_KIND):
        if candidate.provider_urn == resource.provider_urn and value_at(candidate.props, "metadata.name") == (
            namespace
        ):
            return candidate
    return None


def _is_ack(resource: Resource) -> bool:
    group = mechanism_key(resource.type).split(":")[0]
    return resource.type.startswith("kubernetes:") and (f".{group}").endswith(ACK_GROUP_SUFFIX)


def _controller_inputs(lineage: Lineage, resource: Resource) -> list[tuple[str, list[Any]]]:
    """What a controller reads besides an untriaged object's inputs to decide where it creates it
    (`triage.ACK_*`, `triage.PROVIDER_CONFIG_*`), each with where it is read: an ACK Namespace's default
    region, a Crossplane managed resource's ProviderConfig (its assumed roles, endpoint and region)."""
    if not resource.type.startswith("kubernetes:"):
        return []
    found: list[tuple[str, list[Any]]] = []
    if _is_ack(resource):
        namespace = _namespace_of(lineage, resource)
        if namespace is not None:
            annotations = value_at(namespace.props, "metadata.annotations")
            places = [child(annotations, key) for key in ACK_NAMESPACE_PLACES]
            found.append((f", the annotations of its Namespace {namespace.label}", places))
    spec = child(resource.props, "spec")
    if is_set(child(spec, "forProvider")) or is_set(child(spec, "providerConfigRef")):
        name = value_at(resource.props, PROVIDER_CONFIG_REFERENCE) or PROVIDER_CONFIG_DEFAULT
        group = mechanism_key(resource.type).split(":")[0]
        for config in _provider_configs(lineage):
            config_group = mechanism_key(config.type).split(":")[0]
            if (
                config.provider_urn == resource.provider_urn
                and (group == config_group or group.endswith(f".{config_group}"))
                and value_at(config.props, "metadata.name") == name
            ):
                found.append(
                    (f", assumed through its ProviderConfig {config.label}", _all_leaves(config.props))
                )
    return found


def _provider_configs(lineage: Lineage) -> list[Resource]:
    """The stack's Crossplane ProviderConfigs of every provider (any API group), found once per stack."""
    found: list[Resource] | None = lineage.stack.memo.get("provider-configs")
    if found is None:
        found = [
            r
            for r in lineage.stack.resources
            if r.type.startswith("kubernetes:")
            and mechanism_key(r.type).split(":")[-1] in PROVIDER_CONFIG_KINDS
        ]
        lineage.stack.memo["provider-configs"] = found
    return found


def _ack_places_elsewhere(lineage: Lineage, resource: Resource, settings: Settings) -> list[str]:
    """Where an ACK controller creates an untriaged ACK object, when it is elsewhere: at an endpoint outside
    AWS its Namespace's `endpoint-url` annotation names, or in an account not one of `accountIds`, that of
    the role the stack's `ack-role-team-map` gives the Namespace's `team-id` annotation (untraceable when no
    map of the stack gives one), else of the role the `ack-role-account-map` gives its `owner-account-id`
    annotation, else that account itself (`triage.ACK_*`; reviewer blind-k8s14 a03)."""
    namespace = _namespace_of(lineage, resource) if _is_ack(resource) else None
    if namespace is None:
        return []
    annotations = value_at(namespace.props, "metadata.annotations")
    endpoint = child(annotations, ACK_ENDPOINT)
    if isinstance(endpoint, str) and endpoint_outside_aws(endpoint.strip()):
        return [f"{endpoint.strip()} (the {ACK_ENDPOINT} of its Namespace {namespace.label}, outside AWS)"]
    if not settings.account_ids:
        return []
    team, owner = child(annotations, ACK_TEAM), child(annotations, ACK_OWNER_ACCOUNT)
    if team is not None:
        annotation, value, role_map = ACK_TEAM, team, ACK_TEAM_MAP
    elif owner is not None:
        annotation, value, role_map = ACK_OWNER_ACCOUNT, owner, ACK_ACCOUNT_MAP
    else:
        return []
    where = f"the annotation {annotation} of its Namespace {namespace.label}"
    if isinstance(value, Unknown):
        return [f"an account that cannot be traced ({where} is unknown at preview)"]
    mapped = _ack_mapped_role(lineage, resource, role_map, str(value).strip())
    if mapped is not None:
        role, account = mapped
        why = f"{where} is {str(value).strip()!r}, which {role_map} maps to {role}"
    elif annotation == ACK_OWNER_ACCOUNT:
        account, why = str(value).strip(), f"{where}"
    else:
        return [
            f"an account that cannot be traced ({where} is {str(value).strip()!r}, and no {role_map} "
            "ConfigMap of the stack maps it to a role)"
        ]
    if account in settings.account_ids:
        return []
    return [f"account {account} ({why}: ACK's cross-account resource management creates it there)"]


def _ack_mapped_role(lineage: Lineage, resource: Resource, role_map: str, key: str) -> tuple[str, str] | None:
    """The role (and its account) the stack's ACK role map gives an id, by `<service>.<id>` first."""
    service = mechanism_key(resource.type).split(".")[0]
    for config in of_kinds(lineage, "core:ConfigMap"):
        if (
            config.provider_urn != resource.provider_urn
            or value_at(config.props, "metadata.name") != role_map
        ):
            continue
        for name in (f"{service}.{key}", key):
            role = child(child(config.props, "data"), name)
            found = ROLE_ARN.search(role) if isinstance(role, str) else None
            if found is not None:
                return found.group(1), found.group(2)
    return None


ROLE_ARN = re.compile(r"(arn:aws[a-z-]*:iam::(\d{12}):role/[\w+=,.@/-]+)")
"""An IAM role's ARN and its account."""

_VELERO_CHART = re.compile(r"(?:^|/)velero$")
"""The Velero chart, by name or as the last segment of a repository path (`vmware-tanzu/velero`, OCI)."""


def _chart_locations_outside_aws(resource: Resource) -> list[str]:
    """The Velero backup and snapshot locations a Helm release's values declare outside AWS: a provider
    other than the AWS plugin's, or an `s3Url` that is not an AWS host (MinIO, another cloud's S3 API).

    The chart creates a BackupStorageLocation and VolumeSnapshotLocation per entry of
    `configuration.backupStorageLocation` / `configuration.volumeSnapshotLocation` (lists since chart 3;
    vmware-tanzu/helm-charts, charts/velero/values.yaml) and its `schedules` back up every namespace unless
    they list some: the names and regions the values hold say nothing when the provider is another cloud's.
    """
    chart = child(resource.props, "chart")
    if not isinstance(chart, str) or not _VELERO_CHART.search(chart.strip().rstrip("/")):
        return []
    found = []
    for kind in ("backupStorageLocation", "volumeSnapshotLocation"):
        for entry in values_at(resource.props, f"values.configuration.{kind}"):
            for location in elements(entry) if isinstance(entry, list) else [entry]:
                if not isinstance(location, Mapping):
                    continue
                name = child(location, "name")
                provider = child(location, "provider")
                s3_url = child(child(location, "config"), "s3Url")
                if isinstance(provider, str) and provider not in VELERO_AWS_PROVIDERS:
                    found.append(f"the Velero {kind} {name!r} on provider {provider!r}, outside AWS")
                elif isinstance(s3_url, str) and endpoint_outside_aws(s3_url):
                    found.append(f"the Velero {kind} {name!r} on {s3_url}, outside AWS")
    return found


def _dapr_outside_aws(resource: Resource) -> list[str]:
    """The service outside AWS a Dapr Component's type is (`triage.DAPR_OUTSIDE_AWS`: `state.azure.cosmosdb`
    keeps the sidecar's state in Azure), whatever its metadata names."""
    if not resource.type.startswith("kubernetes:") or mechanism_key(resource.type) != DAPR_COMPONENT:
        return []
    kind = value_at(resource.props, DAPR_COMPONENT_TYPE)
    parts = kind.strip().lower().split(".") if isinstance(kind, str) else []
    if len(parts) < 2 or parts[1] not in DAPR_OUTSIDE_AWS:
        return []
    return [f"the Dapr component type {kind.strip()!r}: {DAPR_OUTSIDE_AWS[parts[1]]}"]


def _vendor_collector(resource: Resource) -> list[str]:
    """The vendor a collector chart or EKS add-on ships the cluster's logs and metrics to by definition
    (`triage.VENDOR_COLLECTORS`), whatever its values say."""
    for path in ("chart", "addonName"):
        name = child(resource.props, path)
        if isinstance(name, str):
            last = name.strip().rstrip("/").rsplit("/", 1)[-1]
            if last in VENDOR_COLLECTORS:
                return [f"{VENDOR_COLLECTORS[last]} ({path} {last!r}, outside AWS)"]
    return []


def _all_leaves(value: Any) -> list[Any]:
    """Every scalar nested in a value, labels and tags included (a chart's values may be anywhere)."""
    return [v for v in _all_nodes(value) if not isinstance(v, Mapping | list)]


def _all_nodes(value: Any) -> list[Any]:
    found: list[Any] = []
    pending = [value]
    while pending:
        item = pending.pop()
        found.append(item)
        if isinstance(item, Mapping):
            for key in item:
                pending.extend(elements(child(item, key)))
        elif isinstance(item, list):
            pending.extend(elements(item))
    return found


def _touched(
    resource: Resource, stack: Stack, lineage: Lineage, settings: Settings
) -> list[tuple[Location, str]]:
    """The resident data the resource's inputs depend on or name, each with its classification."""
    locations: list[Location] = []
    touched: list[Resource] = list(stack.dependencies(resource, ANY_DEPTH))
    for value in values_at(resource.props, ANY_DEPTH):
        if isinstance(value, str) and value:
            touched.extend(n for n in stack.mentioned_in(value, lineage.region) if n is not resource)
    for other in dict.fromkeys(touched):
        locations.extend(lineage.follow(other, {resource.urn}))
        # What code behind it reads (the pods of a Service it names, a workload itself) is what a kind the
        # pack cannot read may move: a mirror of the Service's requests, a copy of its pods' files.
        for reader in (
            selected_workloads(lineage, other) if mechanism_key(other.type) == SERVICE_KIND else [other]
        ):
            for kind in sorted(lineage.code_reads(reader)):
                locations.append(
                    Location(f"what {reader.label} reads", None, None, classifications=frozenset({kind}))
                )
    found: dict[str, tuple[Location, str]] = {}
    for location in locations:
        resident = lineage.classes(location) & settings.resident_classifications
        for classification in sorted(resident):
            found.setdefault(f"{location.description}:{classification}", (location, classification))
    # What the ConfigMaps and Secrets it takes variables or files from name, wherever its inputs reference
    # them (the containers of a Tekton Task's steps, a SparkApplication's driver, a chart's `extraEnvFrom`):
    # what it runs is configured with that data (reviewer blind-k8s14 a08, a09, a10).
    for config in mounted_configuration(lineage, resource):
        for location in configuration_reads(lineage, config, lineage.own_region(resource), resource):
            resident = lineage.classes(location) & settings.resident_classifications
            named = location.resource.label if location.resource is not None else location.description
            for classification in sorted(resident):
                via = Location(
                    f"{config.label}, which it takes its configuration from and which names {named}",
                    location.region,
                    location.account,
                    classifications=frozenset({classification}),
                )
                found.setdefault(f"{via.description}:{classification}", (via, classification))
    return list(found.values())


def _declared(resource: Resource) -> frozenset[str]:
    """The classifications an opaque resource's inputs declare: its tags, or a template's or document's
    (`data-classification: pii`, or a CloudFormation tag `{"Key": "data-classification", "Value": "pii"}`)."""
    found: set[str] = set()
    nodes = _all_nodes(resource.props)
    for value in list(nodes):
        if not isinstance(value, str):
            continue
        found.update(_DECLARED.findall(value))
        try:
            nodes.extend(_all_nodes(json.loads(value)))
        except ValueError:
            continue
    for node in nodes:
        if not isinstance(node, Mapping):
            continue
        if node.get("Key") == CLASSIFICATION_TAG:
            found.add(str(node.get("Value")))
        # A label or tag map anywhere in the inputs: a chart's `commonLabels`, a template's labels.
        if isinstance(node.get(CLASSIFICATION_TAG), str):
            found.add(str(node[CLASSIFICATION_TAG]))
    found.update(v for v in values_at(resource.props, "tags." + CLASSIFICATION_TAG) if isinstance(v, str))
    return frozenset(found)


def _violation(
    resource: Resource,
    lineage: Lineage,
    touched: list[tuple[Location, str]],
    declared: frozenset[str],
    elsewhere: list[str],
    untriaged: bool,
    settings: Settings,
    gaps: list[str] | None = None,
    unread: list[str] | None = None,
) -> Violation:
    if resource.type in DYNAMIC_TYPES:
        return _dynamic_violation(resource, settings)
    what = (
        f"its type {resource.type} is not triaged (policies/residency_facts/triage.py does not place it)"
        if untriaged
        else f"its type {resource.type} creates resources the pack cannot see"
    )
    chart = reviewed_chart(resource)
    if chart is not None and gaps:
        what += (
            f" (its chart {chart.name}, {chart.role}, is reviewed in policies/residency_facts/charts.py, but "
            f"the review does not cover this release: {'; '.join(gaps)})"
        )
    addon = reviewed_addon(resource)
    if addon is not None and gaps:
        what += (
            f" (its add-on {addon.name}, {addon.does}, is reviewed in policies/residency_facts/addons.py, "
            f"but the review does not cover this add-on: {'; '.join(gaps)})"
        )
    reaches = []
    if touched:
        reaches.append(
            "its inputs depend on or name "
            + "; ".join(f"{lineage.chain(location, c)} in {location.where}" for location, c in touched)
        )
    if declared:
        reaches.append(f"it declares {CLASSIFICATION_TAG} {', '.join(sorted(declared))} in its inputs")
    if elsewhere:
        reaches.append(
            f"its inputs name {', '.join(elsewhere)}, {_outside(elsewhere, settings)}, in a stack that "
            "holds personal data or telemetry (what it creates may copy that data there)"
        )
    if unread:
        reaches.append(
            f"its values come from files the pack cannot read (valueYamlFiles: {', '.join(unread)}), in a "
            "stack that holds personal data or telemetry, so what its chart is configured with (where it "
            "sends, what it publishes) cannot be judged"
        )
    remedy = f"{OPAQUE_REMEDIES[resource.type]}; or " if resource.type in OPAQUE_REMEDIES else ""
    if unread:
        remedy = f"{UNREADABLE_VALUES_FIX}; or {remedy}"
    return violation(
        resource,
        f"{what}, and {' and '.join(reaches)}",
        f"the pack cannot tell whether such a resource copies, exposes or holds the personal data and "
        f"telemetry that {settings.law} keeps in its region, so it fails closed.",
        remedy + f"triage {resource.type} in policies/residency_facts/triage.py (and give it a copy, pointer "
        "or grant mechanism in mechanisms.py when it needs one; see policies/README.md), or keep it away "
        "from personal data and telemetry.",
    )


def _dynamic_violation(resource: Resource, settings: Settings) -> Violation:
    digest = dynamic_provider_digest(resource)
    shown = f"SHA-256 {digest}" if digest else "unknown: its `__provider` input is not known text"
    return violation(
        resource,
        f"Pulumi dynamic resource ({resource.type}) in a stack that holds personal data or telemetry: its "
        f"provider's code runs at `pulumi up` with the deployer's credentials and may read, copy or share "
        f"any of it, whatever its inputs name; the code is not reviewed ({shown})",
        f"the pack cannot read what the code does, and {settings.law} keeps the personal data and telemetry "
        "in its region, so it fails closed.",
        "replace it with resources of the AWS provider the pack judges, or review its provider's code (the "
        "class passed to `pulumi.dynamic.Resource` and everything it calls): if it moves no personal data or "
        "telemetry out of the region or account, add the SHA-256 of its `__provider` input shown here, with "
        "what the code does, to REVIEWED_DYNAMIC_PROVIDERS in policies/residency_facts/triage.py.",
    )
