"""Where data comes from and where it lands: lineage through a stack, and the classification it carries.

A copy names its source and destination by ARN, identifier or name, and at preview those values are often
unknown. The engine still records which resources each input was computed from (property dependencies), so
a source is followed back to the resource that holds the data, through pointers (DMS endpoints, DataSync
locations, Glue connections, whatever their own tags say), relays (a global cluster's source, a key
replica's primary) and components. In a preview of a deployed stack the same inputs hold known ids and
ARNs: a property dependency always wins over the literal value computed from it, and a literal that names a
resource of the stack is matched by any of its identities (an ARN only by the whole ARN, or by its name in
its own service and region). What cannot be followed is "untraceable": the rules treat it as possibly
anywhere, in any account, and possibly anything.

Classification comes from lineage as well as from labels: whatever receives data from a resource holds what
that resource holds, through any number of hops (a replica of a replica, a snapshot of a store and a copy of
that snapshot, an export into a staging bucket and that bucket's replication), whatever its own tag says.
"""

from __future__ import annotations

import base64
import functools
import ipaddress
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from residency_facts import (
    ANY,
    CLASSIFICATION_TAG,
    COPY_MECHANISMS,
    NON_DATA_ARN_SERVICES,
    POINTERS,
    RESIDENT_CLASSIFICATIONS,
    SELF,
    Category,
    Classification,
    CopyMechanism,
)
from residency_facts.mechanisms import PUBLIC_ENDPOINT_POINTERS

from .attributes import (
    REGION_PATTERN,
    STACK_ACCOUNT,
    account_of,
    classifications,
    effective_region,
    effective_tags,
    is_kubernetes,
    parse_arn,
    region_named_in,
    region_of_zone_or_region,
)
from .classification import declared_classifications, holds_ephemeral_volumes
from .model import Resource, Stack, arn_services, arns_in
from .settings import Settings
from .values import (
    Unknown,
    as_mapping,
    child,
    elements,
    is_set,
    known_strings,
    value_at,
    values_at,
)

__all__ = [
    "KMS_KEY_TYPES",
    "ROLE",
    "STACK_ACCOUNT",
    "Lineage",
    "Location",
    "Movement",
    "anonymised_only",
    "mechanisms_of",
    "pointer_paths",
    "regionless_aws_hosts",
    "untraceable",
]

KMS_KEY_TYPES = frozenset(
    {
        "aws:kms/key:Key",
        "aws:kms/externalKey:ExternalKey",
        "aws:kms/replicaKey:ReplicaKey",
        "aws:kms/replicaExternalKey:ReplicaExternalKey",
    }
)
ROLE = "aws:iam/role:Role"
"""An IAM role: what its policies reach is what code, a database feature or a Transfer user running as it
reaches (`role_reach`), and what another account that may assume it is granted (`grants`)."""
BACKUP_PLAN = "aws:backup/plan:Plan"
BACKUP_SELECTION = "aws:backup/selection:Selection"
LIFECYCLE_POLICY = "aws:dlm/lifecyclePolicy:LifecyclePolicy"
ORGANIZATION_POLICY = "aws:organizations/policy:Policy"
ATHENA_WORKGROUP = "aws:athena/workgroup:Workgroup"
CATALOG_TABLES = ("aws:glue/catalogTable:CatalogTable", "aws:glue/partition:Partition")
"""What an Athena workgroup's queries may read: every table of the catalog in its account and region."""
RESOURCE_ASSOCIATION = "aws:ram/resourceAssociation:ResourceAssociation"
PRINCIPAL_ASSOCIATION = "aws:ram/principalAssociation:PrincipalAssociation"
RESOURCE_SHARE = "aws:ram/resourceShare:ResourceShare"
NAMESPACE_KINDS = ("core:Namespace",)
SERVICE_KIND = "core:Service"
VELERO_BACKUPS = ("velero.io:Backup", "velero.io:Schedule")
SNAPSHOT_TARGET_TYPES = ("aws:ebs/volume:Volume", "aws:ec2/instance:Instance")
RESOURCE_TAG_CONDITION = "aws:ResourceTag/"

_ACCOUNT_IN_TEXT = re.compile(r"(?<![0-9])([0-9]{12})(?![0-9])")
_BARE_ACCOUNT = re.compile(r"""(?:^|(?<=["']))([0-9]{12})(?:$|(?=["']))""")
"""A 12-digit account id that is a whole value, or a quoted one inside a document (never part of an ARN)."""


@dataclass(frozen=True)
class Location:
    """Some data as far as lineage can tell: what it is, where it is and whose account it is in."""

    description: str
    region: str | None
    """None when the region cannot be traced."""
    account: str | None
    """STACK_ACCOUNT for the stack's own resources, an account id from an ARN, None when untraceable."""
    classifications: frozenset[str] = frozenset()
    """What lies there when it is not a resource of the stack (whose classification lineage computes)."""
    local: bool = False
    """Named by a bare identifier, which AWS APIs resolve in the caller's own region and account."""
    resource: Resource | None = None
    """The stack's resource, when the data is in one."""
    outside: bool = False
    """An endpoint outside AWS (an HTTPS URL on the internet, a connection to one): no region holds it."""
    host: bool = False
    """An AWS host that configuration names without naming the stack's region (S3's global endpoint): a
    place the data is definitely sent to, whose region is another one or cannot be told."""

    @property
    def where(self) -> str:
        """The region, or a note that it is unknown."""
        return self.region or "an untraceable region"


def untraceable(description: str) -> Location:
    """Data whose region, account and classification cannot be traced."""
    return Location(description=description, region=None, account=None)


_KEYS = frozenset(COPY_MECHANISMS) | frozenset(POINTERS)


def mechanism_key(token: str) -> str:
    """The key of a type in the mechanism tables: its token, or `group:Kind` for a Kubernetes object."""
    if not token.startswith("kubernetes:"):
        return token
    _, group_version, kind = [*token.split(":"), "", ""][:3]
    group = group_version.split("/")[0]
    for suffix in ("List", "Patch"):
        if kind.endswith(suffix) and f"{group}:{kind.removesuffix(suffix)}" in _KEYS:
            kind = kind.removesuffix(suffix)
    return f"{group}:{kind}"


def mechanisms_of(token: str) -> tuple[CopyMechanism, ...]:
    """How a type copies data (empty when it does not)."""
    return COPY_MECHANISMS.get(mechanism_key(token), ())


def pointer_paths(token: str) -> tuple[str, ...]:
    """Where a pointer type names the data it points at (empty when it is no pointer)."""
    return POINTERS.get(mechanism_key(token), ())


@dataclass
class Movement:
    """One active copy mechanism on one resource: its traced sources and destinations."""

    resource: Resource
    mechanism: CopyMechanism
    sources: list[Location]
    destinations: list[Location]
    shares: list[str] = field(default_factory=list)
    """Accounts, organisations or groups outside the deployment that the data is shared with."""
    outside_aws: bool = False

    @property
    def leaves_region(self) -> bool:
        """Whether the data may end up in a region other than the one it is in."""
        regions = [location.region for location in [*self.sources, *self.destinations]]
        return self.outside_aws or None in regions or len(set(regions)) > 1

    def leaves_account(self, settings: Settings) -> bool:
        """Whether the data may end up in an account other than the deployment's."""
        accounts = [location.account for location in [*self.sources, *self.destinations]]
        explicit = {a for a in accounts if a not in (None, STACK_ACCOUNT)}
        return (
            bool(self.shares)
            or self.outside_aws
            or None in accounts
            or any(a not in settings.account_ids for a in explicit)
            or len(explicit) > 1
        )

    def route(self, settings: Settings) -> str:
        """Where the data goes, in words."""
        parts = []
        regions = sorted({d.region for d in self.destinations if d.region is not None})
        untraced = any(d.region is None and not d.outside for d in self.destinations)
        documents = sorted(
            {
                d.description
                for d in self.destinations
                if d.description.startswith("the sinks")
                or d.host
                # Where a database's roles may write, when it cannot be traced, is what to review.
                or (self.mechanism.roles and d.region is None and not d.outside)
            }
        )
        which = f" ({'; '.join(documents)})" if documents else ""
        if regions:
            parts.append(
                "to "
                + ", ".join(regions)
                + (f" and regions that cannot be traced{which}" if untraced else which if documents else "")
            )
        elif untraced:
            parts.append(f"to regions that cannot be traced{which}")
        if self.outside_aws:
            parts.append("outside AWS")
        if self.shares:
            parts.append("shared with " + ", ".join(sorted(self.shares)))
        accounts = {d.account for d in [*self.sources, *self.destinations]}
        foreign = sorted(
            a for a in accounts if a not in (None, STACK_ACCOUNT) and a not in settings.account_ids
        )
        if foreign:
            parts.append("into account " + ", ".join(foreign))
        elif None in accounts and not self.outside_aws and not self.shares:
            parts.append("into an account that cannot be traced")
        return " and ".join(parts)


def _holds(resource: Resource, settings: Settings) -> bool:
    return (
        resource.is_a(Category.HOLDS)
        or resource.is_a(Category.IN_TRANSIT)
        or resource.type in settings.additional_data_holding_types
        or holds_ephemeral_volumes(resource)
    )


class Lineage:
    """Traces every copy mechanism of a stack and the classification data carries through them."""

    @classmethod
    def of(cls, stack: Stack, settings: Settings) -> Lineage:
        """The stack's lineage under these settings, built once and shared by the rules that need it."""
        key = ("lineage", settings.account_ids, settings.additional_data_holding_types)
        if key not in stack.memo:
            stack.memo[key] = cls(stack, settings)
        lineage: Lineage = stack.memo[key]
        return lineage

    def __init__(self, stack: Stack, settings: Settings) -> None:
        self.stack = stack
        self.settings = settings
        self._regions: dict[str, str | Unknown | None] = {}
        # What the movements are traced with reads declared classifications only (a role's reach).
        self._effective: dict[str, frozenset[str]] = {}
        self._origin: dict[tuple[str, str], tuple[str, Movement]] = {}
        self._kubernetes: tuple[_NamespaceIndex, _NamespaceIndex] | None = None
        self._workloads_of: dict[str, list[Resource]] = {}
        self._configurations: dict[tuple[Any, Any, Any], list[tuple[int, Resource]]] | None = None
        self._configuration_positions: dict[str, int] = {}
        self._mentioned: dict[tuple[str, str], list[Resource]] = {}
        self._holding: dict[frozenset[str], bool] = {}
        self.movements: list[Movement] = []
        for resource in stack.resources:
            for mechanism in mechanisms_of(resource.type):
                if self._active(resource, mechanism):
                    movement = self._movement(resource, mechanism)
                    if movement.sources:
                        self.movements.append(movement)
        self._propagate()

    # Regions and classification ------------------------------------------------------------------------

    def region(self, resource: Resource) -> str | Unknown | None:
        """The resource's effective region (cached: lineage asks often)."""
        if resource.urn not in self._regions:
            self._regions[resource.urn] = effective_region(resource, self.stack)
        return self._regions[resource.urn]

    def own_region(self, resource: Resource) -> str | None:
        """The resource's region when it is known."""
        region = self.region(resource)
        return region if isinstance(region, str) else None

    def declared(self, resource: Resource) -> frozenset[str]:
        """What a resource says it holds: its classification, and for a key that of the data it encrypts."""
        if "declared" not in resource.memo:
            resource.memo["declared"] = self._declared(resource)
        declared: frozenset[str] = resource.memo["declared"]
        return declared

    def _declared(self, resource: Resource) -> frozenset[str]:
        found = declared_classifications(resource, self.stack)
        own = found if isinstance(found, frozenset) else frozenset()
        if resource.type in KMS_KEY_TYPES:
            for user in self._key_users(resource):
                used = classifications(user)
                if isinstance(used, frozenset):
                    own |= used
        return own

    def effective(self, resource: Resource) -> frozenset[str]:
        """What a resource holds: what it declares and what it received from every resource upstream."""
        return self._effective.get(resource.urn, self.declared(resource))

    def classes(self, location: Location) -> frozenset[str]:
        """What the data at a location is classified as."""
        if location.resource is not None:
            return self.effective(location.resource)
        return location.classifications

    def code_reads(self, resource: Resource) -> frozenset[str]:
        """What code a resource runs is configured to read: the classifications of its code's sources."""
        found: set[str] = set()
        for movement in self.movements:
            if movement.resource is resource and movement.mechanism.runs_code:
                for source in movement.sources:
                    found |= self.classes(source)
        return frozenset(found)

    def holds_any(self, classifications: Iterable[str]) -> bool:
        """Whether any resource of the stack holds data of one of these classifications (declared or through
        lineage); cached on this lineage, which is the stack's under one settings."""
        wanted = frozenset(classifications)
        if wanted not in self._holding:
            self._holding[wanted] = any(self.effective(r) & wanted for r in self.stack.resources)
        return self._holding[wanted]

    def inherited(self, resource: Resource) -> frozenset[str]:
        """The classifications a resource holds only through lineage, not by its own label."""
        return self.effective(resource) - self.declared(resource)

    def chain(self, location: Location, classification: str) -> str:
        """How data of a classification reached a location: `A (pii) -> B (labelled anonymised) -> C`."""
        if location.resource is None:
            return f"{location.description} ({classification})"
        hops: list[str] = []
        urn: str | None = location.resource.urn
        seen: set[str] = set()
        while urn is not None and urn not in seen:
            seen.add(urn)
            resource = self.stack.get(urn)
            if resource is None:
                break
            declared = self.declared(resource)
            if classification in declared:
                hops.append(f"{resource.label} ({classification})")
                break
            label = ", ".join(sorted(declared)) if declared else ""
            hops.append(f"{resource.label} ({'labelled ' + label if label else 'unlabelled'})")
            origin = self._origin.get((urn, classification))
            if origin is None:
                break
            urn = origin[0]
        return " -> ".join(reversed(hops))

    def _propagate(self) -> None:
        """Carry classifications along every movement into what receives the data, until nothing changes."""
        edges: dict[str, list[tuple[Location, Movement]]] = {}
        for movement in self.movements:
            if movement.mechanism.runs_code:
                # What code writes is out of reach: it may transform what it reads, or not write it at all.
                continue
            targets = [d.resource for d in movement.destinations if d.resource is not None]
            if movement.mechanism.lands_in_own_region:
                targets.append(movement.resource)
            for target in dict.fromkeys(t for t in targets if _holds(t, self.settings)):
                for source in movement.sources:
                    if source.resource is not target:
                        edges.setdefault(target.urn, []).append((source, movement))
        effective = {r.urn: self.declared(r) for r in self.stack.resources}
        changed = True
        while changed:
            changed = False
            for target_urn, incoming in edges.items():
                for source, movement in incoming:
                    carried = (
                        effective.get(source.resource.urn, frozenset())
                        if source.resource
                        else (source.classifications)
                    )
                    new = carried - effective[target_urn]
                    if new:
                        effective[target_urn] = effective[target_urn] | new
                        for classification in new:
                            if source.resource is not None:
                                self._origin.setdefault(
                                    (target_urn, classification), (source.resource.urn, movement)
                                )
                        changed = True
        self._effective = effective

    # Movements -----------------------------------------------------------------------------------------

    def _active(self, resource: Resource, mechanism: CopyMechanism) -> bool:
        props = resource.props
        for path, wanted in mechanism.active_values:
            found = values_at(props, path)
            if not any(isinstance(v, Unknown) or v in wanted for v in found):
                return False
        paths = mechanism.active_when or (*mechanism.sources, *mechanism.source_roles)
        if not paths:
            return True
        return any(path == SELF or any(is_set(v) for v in values_at(props, path)) for path in paths)

    def _movement(self, resource: Resource, mechanism: CopyMechanism) -> Movement:
        own = self.own_region(resource)
        code = mechanism.runs_code
        sources = self._sources(resource, mechanism, own)
        if mechanism.serves_applications:
            # An origin that holds no data is an application; only data stores' and AWS hosts' content counts.
            sources = [s for s in sources if s.resource is not None or "amazonaws.com" in s.description]
            if not sources:
                return Movement(resource, mechanism, [], [])
        if not sources and not code:
            sources = [untraceable(f"the data {mechanism.moves} reads (no source can be traced)")]
        outside = self._outside_aws(resource, mechanism)
        destinations: list[Location] = []
        literal_region = False
        for path in mechanism.destination_regions:
            for value in values_at(resource.props, path):
                if isinstance(value, Unknown):
                    destinations.append(untraceable(f"{path} (unknown at preview)"))
                    literal_region = True
                elif isinstance(value, str) and value:
                    region = region_named_in(value) if value.startswith("arn:") else value
                    region = region_of_zone_or_region(region) if region else None
                    destinations.append(Location(f"{path}={value}", region, account_of(resource)))
                    literal_region = True
        for path in mechanism.destinations:
            destinations.extend(self.trace(resource, path, path in mechanism.global_names, own, code))
        for path in mechanism.documents:
            if any(isinstance(v, Unknown) for v in values_at(resource.props, path)):
                destinations.append(
                    untraceable(
                        f"the sinks {path} names (unknown at preview: computed from other resources, it "
                        "names them among literals a preview cannot read; build it from literal names, such "
                        "as the source's ARN from its name, so that its sinks can be judged)"
                    )
                )
        if code:
            sources.extend(self._declared_reads(resource))
            sources.extend(self._role_reads(resource))
            places = self._configuration_places(resource, own)
            destinations.extend(places)
            # What the configuration names is read as well as written: a Secret's database host, a
            # connector's source table.
            sources.extend(p for p in places if p.resource is not None)
        for path in mechanism.roles:
            destinations.extend(self.role_reach(resource, path, writes=True))
        if mechanism.roles and not destinations:
            # Roles that may write nothing (an import's, which only reads) deliver nothing.
            return Movement(resource, mechanism, [], [])
        if mechanism.lands_in_own_region and not literal_region:
            destinations.append(
                Location(f"{resource.label} itself", own, account_of(resource), resource=resource)
            )
        if ANY in mechanism.destinations and not destinations and not mechanism.spans_regions and not outside:
            # A service configured with no place to deliver to delivers nothing.
            return Movement(resource, mechanism, [], [])
        if mechanism.spans_regions:
            destinations.append(untraceable(f"every region {mechanism.moves} spans"))
        if not destinations and not code and not outside:
            destinations.append(untraceable(f"where {mechanism.moves} delivers"))
        if code:
            # Code is judged on what it is definitely configured with: an untraceable value may be anything,
            # an endpoint outside AWS (a connection to an HTTP API) is a place elsewhere.
            sources = [s for s in sources if s.region is not None]
            destinations = [d for d in destinations if d.region is not None or d.outside or d.host]
        shares = self._shares(resource, mechanism)
        outside = outside or any(d.outside for d in destinations)
        return Movement(resource, mechanism, sources, destinations, shares, outside)

    def _declared_reads(self, resource: Resource) -> list[Location]:
        """Code that declares a resident classification (a collector labelled telemetry) reads such data."""
        if self.declared(resource) & RESIDENT_CLASSIFICATIONS:
            return [self.locate(resource)]
        return []

    def _role_reads(self, resource: Resource) -> list[Location]:
        """What code may read through the IAM roles it runs as (a state machine's, a task's, a function's
        execution role): the stack's stores their policies name, every store for `*`."""
        return [t for t in self.role_reach(resource, ANY) if t.resource is not None]

    def _configuration_places(self, resource: Resource, own: str | None) -> list[Location]:
        """The places code is configured to send to besides its own inputs: what the ConfigMaps and Secrets
        a Kubernetes workload mounts or reads its environment from name (an exporter's region), and every
        exporter or sink endpoint outside AWS, in its inputs or in those objects."""
        found: list[Location] = []
        texts: list[Any] = [resource.props]
        connectors = self._kafka_connect_group(resource)
        for connector in connectors:
            # A Connect cluster runs every connector assigned to it in one worker: one configuration.
            texts.append(connector.props)
            found.extend(self.trace(connector, "spec.config.*", False, own, True))
            found.extend(_sink_urls(connector))
        for config in self._mounted_configuration(resource, connectors):
            texts.append(config.props)
            for path in CONFIGURATION_DATA:
                found.extend(self.trace(config, path, False, own, True))
            for path, text in _decoded_data(config):
                texts.append(text)
                found.extend(self._literal(config, text, path, False, own, True))
        found.extend(_sink_urls(resource))
        for text in texts:
            for endpoint in dict.fromkeys(_endpoints_in(text)):
                found.append(Location(f"{endpoint} (an endpoint outside AWS)", None, None, outside=True))
        return found

    def _kafka_connect_group(self, resource: Resource) -> list[Resource]:
        """The other members of a Strimzi Kafka Connect cluster: the KafkaConnect and the KafkaConnectors
        assigned to it (label strimzi.io/cluster), in its namespace."""
        key = mechanism_key(resource.type)
        if key not in KAFKA_CONNECT_KINDS:
            return []
        namespace = value_at(resource.props, "metadata.namespace")
        if key == "kafka.strimzi.io:KafkaConnect":
            cluster = value_at(resource.props, "metadata.name")
        else:
            cluster = child(value_at(resource.props, "metadata.labels"), STRIMZI_CLUSTER_LABEL)
        found = []
        for member in self.stack.resources:
            member_key = mechanism_key(member.type)
            if member is resource or member_key not in KAFKA_CONNECT_KINDS:
                continue
            if member.provider_urn != resource.provider_urn:
                continue
            if value_at(member.props, "metadata.namespace") != namespace:
                continue
            if member_key == "kafka.strimzi.io:KafkaConnect":
                name = value_at(member.props, "metadata.name")
            else:
                name = child(value_at(member.props, "metadata.labels"), STRIMZI_CLUSTER_LABEL)
            if name == cluster or isinstance(name, Unknown) or isinstance(cluster, Unknown):
                found.append(member)
        return found

    def _mounted_configuration(self, workload: Resource, members: Iterable[Resource] = ()) -> list[Resource]:
        """The stack's ConfigMaps and Secrets a Kubernetes workload's pods mount or take environment from, and
        those a Kafka config provider placeholder names (`${secrets:<namespace>/<name>:<key>}`) in it or in
        the other members of its configuration (a Connect cluster's connectors)."""
        if not is_kubernetes(workload):
            return []
        names: set[str] = set()
        for base in (*POD_SPEC_PATHS, "spec.externalConfiguration"):
            for path in CONFIGURATION_REFERENCES:
                names.update(v for v in values_at(workload.props, f"{base}.{path}") if isinstance(v, str))
        # A ConfigMap named by its output (autonamed, unknown at a first preview) is found by lineage.
        index = self._configuration_index()
        computed = [
            (self._configuration_positions[d.urn], d)
            for d in self.stack.dependencies(workload, "**")
            if d.urn in self._configuration_positions and d.provider_urn == workload.provider_urn
        ]
        qualified: set[tuple[str, str]] = set()
        for owner in (workload, *members):
            for text in known_strings(values_at(owner.props, ANY)):
                qualified.update(_CONFIG_PROVIDER_PLACEHOLDER.findall(text))
        if not names and not computed and not qualified:
            return []
        namespace = value_at(workload.props, "metadata.namespace")
        found: list[tuple[int, Resource]] = list(computed)
        for name in names:
            try:
                found.extend(index.get((workload.provider_urn, namespace, name), ()))
            except TypeError:
                # A namespace that is a list or a map (never a valid one) names no ConfigMap.
                continue
        for other_namespace, name in qualified:
            found.extend(index.get((workload.provider_urn, other_namespace, name), ()))
        return [resource for _, resource in sorted(dict(found).items())]

    def _configuration_index(self) -> dict[tuple[Any, Any, Any], list[tuple[int, Resource]]]:
        """The stack's ConfigMaps and Secrets by provider, namespace and name (with their position in the
        stack), built once per lineage: every workload looked them up by a scan of the whole stack."""
        if self._configurations is None:
            self._configurations = {}
            for position, resource in enumerate(self.stack.resources):
                if mechanism_key(resource.type) not in CONFIGURATION_KINDS:
                    continue
                self._configuration_positions[resource.urn] = position
                namespace = value_at(resource.props, "metadata.namespace")
                name = value_at(resource.props, "metadata.name")
                try:
                    key = (resource.provider_urn, namespace, name)
                    self._configurations.setdefault(key, []).append((position, resource))
                except TypeError:
                    continue
        return self._configurations

    def role_reach(self, resource: Resource, path: str, writes: bool = False) -> list[Location]:
        """What the IAM roles a path of a resource names may reach (with `writes`, where they may write), by
        their policies; a role named by a literal the stack does not declare is untraceable."""
        from .grants import role_targets  # grants builds on lineage

        dependencies = self.stack.dependencies(resource, path)
        roles = [d for d in dependencies if d.type == ROLE]
        unseen: list[str] = []
        for value in known_strings(values_at(resource.props, path)):
            if not (value.startswith("arn:") and ":role/" in value) and path == ANY:
                continue
            named = [r for r in self.stack.arn_match(value, self.region) if r.type == ROLE]
            roles.extend(named)
            if not named and not dependencies:
                unseen.append(value)
        found = [untraceable(f"what the role {value!r} of {resource.label} may reach") for value in unseen]
        if any(isinstance(v, Unknown) for v in values_at(resource.props, path)) and not dependencies:
            found.append(untraceable(f"what the role {path} of {resource.label} names may reach"))
        for role in dict.fromkeys(roles):
            found.extend(role_targets(self, role, writes))
        return found

    def _shares(self, resource: Resource, mechanism: CopyMechanism) -> list[str]:
        if resource.type == RESOURCE_ASSOCIATION:
            return self._resource_share_principals(resource)
        shares = []
        for path in mechanism.shared_with:
            for value in values_at(resource.props, path):
                if isinstance(value, Unknown):
                    shares.append(f"{path} (unknown at preview)")
                elif isinstance(value, str | int | float) and not isinstance(value, bool) and str(value):
                    account = _account_named(str(value))
                    if account is None or account not in self.settings.account_ids:
                        shares.append(str(value))
        return shares

    def _resource_share_principals(self, association: Resource) -> list[str]:
        """The principals outside the deployment a resource share reaches (untraceable: say so)."""
        shares = [
            s
            for s in self.stack.of_type(RESOURCE_SHARE)
            if self.stack.refers_to(association, "resourceShareArn", s)
        ]
        if not shares:
            return ["a resource share that is not declared in this stack (its principals cannot be seen)"]
        found = []
        for share in shares:
            principals = [
                p
                for p in self.stack.of_type(PRINCIPAL_ASSOCIATION)
                if self.stack.refers_to(p, "resourceShareArn", share)
            ]
            if not principals:
                found.append(f"the principals of {share.label}, added outside this stack")
            for principal in principals:
                value = child(principal.props, "principal")
                account = _account_named(value) if isinstance(value, str) else None
                if account is None or account not in self.settings.account_ids:
                    found.append(
                        str(value) if isinstance(value, str) else f"{principal.label} (unknown at preview)"
                    )
        return found

    def _outside_aws(self, resource: Resource, mechanism: CopyMechanism) -> bool:
        if mechanism.outside_aws and any(
            is_set(v) for path in mechanism.outside_aws for v in values_at(resource.props, path)
        ):
            return True
        for path, inside in mechanism.outside_aws_unless:
            for value in values_at(resource.props, path):
                if isinstance(value, Unknown) or (isinstance(value, str) and value not in inside):
                    return True
        for path, outside in mechanism.outside_aws_when:
            # Unknown at preview says nothing: what the value is computed from (a connection) is followed.
            if any(isinstance(v, str) and v in outside for v in values_at(resource.props, path)):
                return True
        return False

    def _sources(self, resource: Resource, mechanism: CopyMechanism, own: str | None) -> list[Location]:
        if resource.type == BACKUP_PLAN:
            return self._backup_plan_sources(resource)
        if resource.type == LIFECYCLE_POLICY:
            return self._tagged(
                value_at(resource.props, "policyDetails.targetTags"), SNAPSHOT_TARGET_TYPES, own
            )
        if resource.type == ORGANIZATION_POLICY:
            return self._organization_backup_sources(resource, own)
        key = mechanism_key(resource.type)
        if key in VELERO_BACKUPS:
            return self._velero_sources(resource, mechanism)
        found: list[Location] = []
        if resource.type == ATHENA_WORKGROUP:
            for table in self.stack.of_type(*CATALOG_TABLES):
                if self.own_region(table) == own and account_of(table) == account_of(resource):
                    found.extend(self._follow(table, {resource.urn}))
        if mechanism.every_resource_of_type:
            found.extend(self.locate(r) for r in self.stack.of_type(mechanism.every_resource_of_type))
            found.append(untraceable(f"every {mechanism.every_resource_of_type} outside this stack"))
        for member_type, member_path in mechanism.members:
            found.extend(
                self.locate(member)
                for member in self.stack.of_type(member_type)
                if self.stack.refers_to(member, member_path, resource)
            )
        literal_regions = [
            v for path in mechanism.source_regions for v in known_strings(values_at(resource.props, path))
        ]
        for path in mechanism.source_roles:
            found.extend(self.role_reach(resource, path))
        for path in mechanism.sources:
            for location in self.trace(
                resource, path, path in mechanism.global_names, own, mechanism.runs_code
            ):
                if location.local and literal_regions:
                    location = replace(location, region=literal_regions[0])
                found.append(location)
        return found

    # Tracing -------------------------------------------------------------------------------------------

    def trace(
        self, resource: Resource, path: str, global_names: bool, own_region: str | None, code: bool = False
    ) -> list[Location]:
        """The data a property path of a resource names: by lineage, else by its literal value.

        A property dependency wins over the literal value computed from it: a known value that names one of
        the input's dependencies (any of its identities) is that dependency, and only a value that names
        none of them is read as a literal on its own.
        """
        if path == SELF:
            return [self.locate(resource)]
        dependencies = self.stack.dependencies(resource, path)
        used: dict[str, Resource] = {}
        literals: list[str] = []
        elsewhere: list[Location] = []
        unknown = False
        for value in values_at(resource.props, path):
            if isinstance(value, Unknown):
                unknown = True
            elif isinstance(value, str) and value:
                named = self._dependencies_named(dependencies, value)
                if named:
                    used.update((d.urn, d) for d in named)
                    elsewhere.extend(self._regions_besides(value, named))
                    if code or ANY in path:
                        elsewhere.extend(self.places_in_text(value, own_region))
                elif dependencies and not self._others_named(resource, value):
                    # A value the state does not list among the dependency's outputs (a bare id kept beside
                    # them, an ARN of an output no identity names, such as a Redshift namespace's): computed
                    # from the dependency, which wins. A place the literal names besides is judged too. The
                    # resource itself may echo the value among its own outputs (a key grant's keyId): that
                    # names no other.
                    used.update((d.urn, d) for d in dependencies)
                    if not _computed_id(value):
                        literals.append(value)
                else:
                    literals.append(value)
        if unknown:
            used.update((d.urn, d) for d in dependencies)
        found: list[Location] = []
        for dependency in used.values():
            found.extend(self._follow(dependency, {resource.urn}))
        if unknown and not dependencies and not code and path != ANY:
            found.append(untraceable(f"{path} of {resource.label} (unknown at preview, no lineage)"))
        for value in literals:
            found.extend(self._literal(resource, value, path, global_names, own_region, code))
        return found + elsewhere

    def _regions_besides(self, value: str, named: list[Resource]) -> list[Location]:
        """The regions a text names besides those of the stack's resources it names.

        A command line, a pipeline document or a query may name the database it reads and, in the same
        text, the region it writes to (`pg_dump -h pii-db ... | aws s3 cp - s3://... --region us-east-1`): the
        resource it names does not make the other places it names disappear.
        """
        if parse_arn(value) is not None:
            return []
        own = {self.own_region(r) for r in named}
        return [
            Location(f"{value} (names {region})", region, STACK_ACCOUNT)
            for region in regions_in_text(value)
            if region not in own
        ]

    def mentioned(self, value: str, excluding: Resource | None = None) -> list[Resource]:
        """The stack's resources a text names, in this lineage's regions and accounts, never `excluding` (the
        resource whose input holds it); cached per text and referrer: a value is looked up by each step that
        traces it."""
        key = (value, excluding.urn if excluding is not None else "")
        if key not in self._mentioned:
            self._mentioned[key] = self.stack.mentioned_in(
                value, self.region, self.settings.account_ids, excluding
            )
        return list(self._mentioned[key])

    def _others_named(self, resource: Resource, value: str) -> list[Resource]:
        """The stack's resources other than this one that a value names."""
        mentioned = self.mentioned(value, resource)
        return [r for r in mentioned if r is not resource]

    def _dependencies_named(self, dependencies: list[Resource], value: str) -> list[Resource]:
        """The dependencies a known value was computed from: those it names by one of their identities."""
        if not dependencies:
            return []
        mentioned = self.mentioned(value)
        found = []
        for dependency in dependencies:
            inside = dependency.is_component and any(
                m in mentioned for m in self.stack.descendants(dependency)
            )
            if dependency in mentioned or inside:
                found.append(dependency)
        return found

    def _literal(
        self,
        resource: Resource,
        value: str,
        path: str,
        global_names: bool,
        own_region: str | None,
        code: bool,
    ) -> list[Location]:
        """The data a literal ARN, name, host or URL refers to."""
        free_form = code or ANY in path or "*" in path.split(".")
        in_stack = [r for r in self.mentioned(value, resource) if r is not resource]
        hosts = self.places_in_text(value, own_region) if free_form else []
        if in_stack:
            found = [location for r in in_stack for location in self._follow(r, {resource.urn})]
            found.extend(self._regions_besides(value, in_stack))
            return found + hosts
        arn = parse_arn(value)
        if arn is not None:
            if free_form and arn.service in NON_DATA_ARN_SERVICES:
                return []
            if arn.service == "apigateway" and arn.account and not arn.account.isdigit():
                # A service integration's URI (arn:aws:apigateway:<region>:<service>:action/...): the call
                # goes to that service's API in that region, in the account of the integration's caller.
                return [
                    Location(
                        f"{value} (the {arn.account} API in {arn.region or 'no region'})",
                        arn.region or None,
                        account_of(resource),
                    ),
                    *(
                        location
                        for inner in arns_in(arn.resource)
                        for location in self._literal(resource, inner, path, global_names, own_region, code)
                    ),
                ]
            named = Location(value, arn.region or None, arn.account or None)
            return [named, *(self.locate(r) for r in self._generated_candidates(value, resource))]
        region = region_named_in(value)
        if region is not None:
            account = _account_named(value)
            if account is None and free_form:
                # A host named in code or configuration, in an account the text does not say.
                account = STACK_ACCOUNT
            if not free_form:
                return [Location(value, region, account)]
            # A text may name several regions (two endpoints, an exporter's and a backup's): each counts.
            regions = regions_in_text(value) or (region,)
            return [*(Location(value, r, account) for r in regions), *hosts]
        if free_form:
            return hosts
        if endpoint_outside_aws(value):
            return [Location(f"{value} ({path} of {resource.label}, outside AWS)", None, None, outside=True)]
        if global_names or "." in value or "://" in value:
            return [untraceable(f"{value} ({path} of {resource.label})")]
        return [Location(value, own_region, account_of(resource), local=True)]

    def places_in_text(self, value: str, own_region: str | None) -> list[Location]:
        """The places a free-form text names besides the stack's resources: AWS hosts that name no region,
        and accounts outside the deployment named by a bare id."""
        return [*self.hosts_elsewhere(value, own_region), *self._accounts_elsewhere(value, own_region)]

    def _accounts_elsewhere(self, value: str, own_region: str | None) -> list[Location]:
        """The accounts outside the deployment a configuration names by a bare account id (a whole value, or
        a quoted value inside a document: an SDK call's `ValuesToAdd`, `S3BucketOwner`): code or a service
        given it may share or write the data it reads there. ARNs are judged as ARNs."""
        found = []
        for account in _bare_accounts(value):
            if account not in self.settings.account_ids:
                found.append(
                    Location(f"account {account} (named by {value[:120]!r})", own_region, account, host=True)
                )
        return found

    def hosts_elsewhere(self, value: str, own_region: str | None) -> list[Location]:
        """The AWS hosts a text names that name no region, as places elsewhere (or in no traceable region).

        Code given `https://bucket.s3.amazonaws.com/`, `s3.amazonaws.com/bucket` or `s3-external-1` sends
        its data to a legacy global endpoint (served from us-east-1) or to a bucket whose region the host
        does not say: a host that does not name the stack's region is no proof of staying in it. A host that
        is an identity of the stack's own resource (a bucket's global domain name) is that resource.
        """
        found = []
        for host, region, why in regionless_aws_hosts(value):
            if self.stack.named(host):
                continue
            fix = f"name the endpoint of its own region ({_regional_example(host, own_region)})"
            found.append(Location(f"{host} names no region: {why}; {fix}", region, STACK_ACCOUNT, host=True))
        return found

    def _generated_candidates(self, arn_text: str, referrer: Resource) -> list[Resource]:
        """The stack's data holders an ARN with an id AWS generates may name while their ARNs are unknown.

        At a first preview no literal can name what the same preview creates (a Redshift namespace's ARN
        ends in a UUID AWS picks), yet the stack's holder of that service, region and account may be the
        one it names: data copied there is taken to land in each of them, so that what they pass on is
        judged as what they may hold. Once deployed, their ARNs are known and only an exact match counts.
        """
        arn = parse_arn(arn_text)
        if arn is None or not _GENERATED_ID.search(arn.resource_name):
            return []
        accounts = self.settings.account_ids
        if arn.account and accounts and arn.account not in accounts:
            return []
        return [
            r
            for r in self.stack.resources
            if r is not referrer
            and _holds(r, self.settings)
            and arn.service in arn_services(r.type)
            and self.own_region(r) in (arn.region, None)
            and not any(i.startswith("arn:") for i in r.identities)
        ]

    def locate(self, resource: Resource) -> Location:
        """The stack's own resource as a location of data."""
        return Location(
            resource.label,
            self.own_region(resource),
            account_of(resource),
            self.declared(resource),
            resource=resource,
        )

    def key_users(self, key: Resource) -> list[Resource]:
        """The resources that use a key, directly or through one of its aliases."""
        return self._key_users(key)

    def _key_users(self, key: Resource) -> list[Resource]:
        users = self.stack.dependents(key)
        for alias in [u for u in users if u.type == "aws:kms/alias:Alias"]:
            users.extend(self.stack.dependents(alias))
        return [u for u in users if u.type not in KMS_KEY_TYPES]

    def _follow(self, resource: Resource, seen: set[str]) -> list[Location]:
        """The data behind a resource an input was computed from; nothing when it holds or points at none."""
        if resource.urn in seen:
            return []
        seen = seen | {resource.urn}
        paths = pointer_paths(resource.type)
        private = PUBLIC_ENDPOINT_POINTERS.get(resource.type)
        if private is not None and not any(is_set(v) for v in values_at(resource.props, private)):
            # A connection to a public HTTP endpoint: whatever is sent through it leaves AWS.
            return [Location(f"the HTTP endpoints {resource.label} connects to", None, None, outside=True)]
        if paths and not resource.is_a(Category.HOLDS):
            # A pointer is followed to what it points at, whatever its own tags say.
            found: list[Location] = []
            for path in paths:
                found.extend(self._follow_path(resource, path, seen))
            return found
        if mechanism_key(resource.type) == SERVICE_KIND:
            return [
                self.locate(resource),
                *self._service_backends(resource, seen),
                *self._external_name(resource, seen),
            ]
        if mechanism_key(resource.type) in NAMESPACE_KINDS:
            return [self.locate(resource), *(self.locate(r) for r in self._in_namespace(resource))]
        declared = classifications(resource)
        if (
            _holds(resource, self.settings)
            or resource.type in KMS_KEY_TYPES
            or (isinstance(declared, frozenset) and declared)
        ):
            return [self.locate(resource)]
        found = []
        if resource.is_component:
            for member in self.stack.children(resource):
                found.extend(self._follow(member, seen))
            return found
        for mechanism in mechanisms_of(resource.type):
            if mechanism.runs_code:
                continue
            for path in mechanism.sources:
                if path != SELF:
                    found.extend(self._follow_path(resource, path, seen))
        return found

    def _follow_path(self, resource: Resource, path: str, seen: set[str]) -> list[Location]:
        if path == SELF:
            return [self.locate(resource)]
        dependencies = self.stack.dependencies(resource, path)
        if dependencies:
            return [location for d in dependencies for location in self._follow(d, seen)]
        return self.trace(resource, path, True, self.own_region(resource))

    def backends(self, service: Resource) -> list[Resource]:
        """The stack's data-holding workloads a Kubernetes Service selects."""
        return [
            location.resource
            for location in self._service_backends(service, {service.urn})
            if location.resource is not None and _holds(location.resource, self.settings)
        ]

    def _external_name(self, service: Resource, seen: set[str]) -> list[Location]:
        """Where an ExternalName Service points: a cluster-local name of it (`x.ns.svc`) is a DNS alias of
        that host, so code sending to the alias sends there, and code reading it reads what is there."""
        spec = child(service.props, "spec")
        kind, name = child(spec, "type"), child(spec, "externalName")
        if kind != "ExternalName" and not is_set(name):
            return []
        if isinstance(name, Unknown) or isinstance(kind, Unknown):
            dependencies = self.stack.dependencies(service, "spec")
            if dependencies:
                return [location for d in dependencies for location in self._follow(d, seen)]
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
        named = [r for r in self.mentioned(host) if r is not service]
        if named:
            return [location for r in named for location in self._follow(r, seen)]
        if endpoint_outside_aws(_as_url(host)):
            return [
                Location(
                    f"{host} (the ExternalName {service.label} points outside AWS)", None, None, outside=True
                )
            ]
        regionless = self.hosts_elsewhere(host, self.own_region(service))
        if regionless:
            return regionless
        region = region_named_in(host)
        if region is not None:
            return [
                Location(f"{host} (the ExternalName {service.label} points there)", region, STACK_ACCOUNT)
            ]
        return []

    def _service_backends(self, service: Resource, seen: set[str]) -> list[Location]:
        """The workloads a Kubernetes Service selects, in its namespace."""
        found = []
        for workload in self.selected_workloads(service):
            found.extend(self._follow(workload, seen))
        return found

    def selected_workloads(self, service: Resource) -> list[Resource]:
        """The Kubernetes objects in a Service's namespace and cluster whose pod template labels its selector
        matches (data holders or not).

        Another cluster's objects (another provider) are never a Service's pods, whatever their namespace and
        labels. Lineage follows a Service each time something names it: the match is made once per Service,
        from one index of the stack's Kubernetes objects by namespace (a scan of the whole stack per Service
        per reference grew with the square of the stack).
        """
        if service.urn in self._workloads_of:
            return self._workloads_of[service.urn]
        found: list[Resource] = []
        selector = as_mapping(value_at(service.props, "spec.selector"))
        if isinstance(selector, Mapping) and selector:
            namespace = value_at(service.props, "metadata.namespace")
            for workload, labels in self._in_index(self._kubernetes_index()[0], namespace):
                if workload is service or workload.provider_urn != service.provider_urn:
                    continue
                if isinstance(labels, Mapping) and all(labels.get(k) == v for k, v in selector.items()):
                    found.append(workload)
        self._workloads_of[service.urn] = found
        return found

    def _in_namespace(self, namespace: Resource) -> list[Resource]:
        name = value_at(namespace.props, "metadata.name")
        return [
            r
            for r, _ in self._in_index(self._kubernetes_index()[1], name)
            if r.provider_urn == namespace.provider_urn
        ]

    def _kubernetes_index(self) -> tuple[_NamespaceIndex, _NamespaceIndex]:
        """The stack's Kubernetes objects by namespace, with their pod template labels; and the data holders
        among them by namespace. Built on first use, once per lineage."""
        if self._kubernetes is None:
            objects: _NamespaceIndex = ({}, [])
            holders: _NamespaceIndex = ({}, [])
            for position, resource in enumerate(self.stack.resources):
                if not is_kubernetes(resource):
                    continue
                namespace = value_at(resource.props, "metadata.namespace")
                labels = as_mapping(value_at(resource.props, "spec.template.metadata.labels"))
                _index_by(objects, namespace, (position, resource, labels))
                if _holds(resource, self.settings):
                    _index_by(holders, namespace, (position, resource, labels))
            self._kubernetes = (objects, holders)
        return self._kubernetes

    @staticmethod
    def _in_index(index: _NamespaceIndex, namespace: Any) -> list[tuple[Resource, Any]]:
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

    def _velero_sources(self, backup: Resource, mechanism: CopyMechanism) -> list[Location]:
        """A Velero backup covers the namespaces it lists, or all of its cluster's when it lists none."""
        path = mechanism.sources[0]
        listed = values_at(backup.props, path)
        if listed and "*" not in listed:
            return self.trace(backup, path, False, self.own_region(backup))
        cluster = [
            r
            for r in self.stack.resources
            if is_kubernetes(r) and _holds(r, self.settings) and r.provider_urn == backup.provider_urn
        ]
        return [
            *(self.locate(r) for r in cluster),
            untraceable(f"every namespace of the cluster {backup.label} backs up"),
        ]

    def _tagged(self, tags: Any, types: Iterable[str], own_region: str | None) -> list[Location]:
        """The data a tag selector picks: the stack's matching resources, and any resource elsewhere."""
        selector = as_mapping(tags)
        if not isinstance(selector, Mapping):
            return []
        wanted = {str(k): child(selector, k) for k in selector}
        return self._selected(wanted.items(), types, own_region)

    def _selected(
        self, pairs: Iterable[tuple[str, Any]], types: Iterable[str] | None, own: str | None
    ) -> list[Location]:
        pairs = list(pairs)
        wanted_types = set(types) if types is not None else None
        found = []
        for resource in self.stack.resources:
            if wanted_types is not None and resource.type not in wanted_types:
                continue
            if wanted_types is None and not _holds(resource, self.settings):
                continue
            tags = effective_tags(resource)
            if isinstance(tags, Mapping) and any(
                tags.get(k) == v or (isinstance(v, list) and tags.get(k) in v) for k, v in pairs
            ):
                found.append(self.locate(resource))
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

    def _backup_plan_sources(self, plan: Resource) -> list[Location]:
        """The resources a backup plan copies: those its selections assign to it."""
        own = self.own_region(plan)
        found: list[Location] = []
        for selection in self.stack.of_type(BACKUP_SELECTION):
            if self.stack.refers_to(selection, "planId", plan):
                found.extend(self._selection_sources(selection, own))
        return found

    def _selection_sources(self, selection: Resource, own: str | None) -> list[Location]:
        """The resources one backup selection picks: by ARN or lineage, by wildcard, or by tag."""
        found: list[Location] = []
        for value in values_at(selection.props, "resources"):
            if value == "*":
                found.extend(self.locate(r) for r in self.stack.resources if _holds(r, self.settings))
                found.append(untraceable("every resource outside this stack (selection '*')"))
        if not found:
            found.extend(self.trace(selection, "resources", False, own))
        pairs: list[tuple[str, Any]] = []
        for condition in elements(value_at(selection.props, "selectionTags")):
            pairs.append((str(child(condition, "key")), child(condition, "value")))
        for condition in values_at(selection.props, "conditions.stringEquals"):
            key = child(condition, "key")
            if isinstance(key, str) and key.startswith(RESOURCE_TAG_CONDITION):
                pairs.append((key.removeprefix(RESOURCE_TAG_CONDITION), child(condition, "value")))
        if pairs:
            found.extend(self._selected(pairs, None, own))
        return found

    def _organization_backup_sources(self, policy: Resource, own: str | None) -> list[Location]:
        """What an organisation backup policy selects, in every account it is attached to."""
        base = "content.{json}.plans.*.selections.tags.*"
        pairs: list[tuple[str, Any]] = []
        for selection in values_at(policy.props, base):
            key = child(child(selection, "tag_key"), "@@assign")
            value = child(child(selection, "tag_value"), "@@assign")
            if isinstance(key, str):
                pairs.append((key, value))
        found = self._selected(pairs, None, own) if pairs else []
        if not pairs:
            found.append(untraceable("every resource the organisation backup policy's plans select"))
        return found


POD_SPEC_PATHS = ("spec", "spec.template.spec", "spec.jobTemplate.spec.template.spec", "template.spec")
"""Where a Pod, a workload controller, a CronJob and a PodTemplate hold their pods' spec."""
CONFIGURATION_REFERENCES = (
    "volumes[].configMap.name",
    "volumes[].secret.secretName",
    "volumes[].projected.sources[].configMap.name",
    "volumes[].projected.sources[].secret.name",
    "containers[].envFrom[].configMapRef.name",
    "containers[].envFrom[].secretRef.name",
    "containers[].env[].valueFrom.configMapKeyRef.name",
    "containers[].env[].valueFrom.secretKeyRef.name",
    "initContainers[].envFrom[].configMapRef.name",
    "initContainers[].envFrom[].secretRef.name",
    "initContainers[].env[].valueFrom.configMapKeyRef.name",
    "initContainers[].env[].valueFrom.secretKeyRef.name",
)
"""Where a pod spec names the ConfigMaps and Secrets that configure its containers."""
CONFIGURATION_KINDS = ("core:ConfigMap", "core:Secret")
KAFKA_CONNECT_KINDS = ("kafka.strimzi.io:KafkaConnect", "kafka.strimzi.io:KafkaConnector")
STRIMZI_CLUSTER_LABEL = "strimzi.io/cluster"
_CONFIG_PROVIDER_PLACEHOLDER = re.compile(r"\$\{[\w.-]+:([a-z0-9][a-z0-9.-]*)/([a-z0-9][a-z0-9.-]*):[^}]*\}")
"""A Kafka config provider placeholder that reads a namespaced Secret or ConfigMap (Strimzi's
KubernetesSecretConfigProvider and KubernetesConfigMapConfigProvider, under whatever alias)."""
_URL = re.compile(r"^https?://", re.IGNORECASE)


def _sink_urls(connector: Resource) -> list[Location]:
    """The URLs outside AWS a Kafka Connect sink connector (its class names a sink, or is unknown) delivers
    to: every URL in its `spec.config`, whatever the key (each connector names its own)."""
    if mechanism_key(connector.type) != "kafka.strimzi.io:KafkaConnector":
        return []
    connector_class = value_at(connector.props, "spec.class")
    if isinstance(connector_class, str) and "sink" not in connector_class.lower():
        return []
    return [
        Location(f"{url} (an endpoint outside AWS, {connector.label})", None, None, outside=True)
        for url in known_strings(values_at(connector.props, "spec.config.*"))
        if _URL.match(url) and endpoint_outside_aws(url)
    ]


CONFIGURATION_DATA = ("data.*", "stringData.*", "binaryData.*")
"""The configuration a ConfigMap or Secret holds (a collector's config file, environment values)."""

ENCODED_DATA = {"core:Secret": "data", "core:ConfigMap": "binaryData"}
"""Where a Secret (its `data`) and a ConfigMap (its `binaryData`) hold base64-encoded values."""


def _decoded_data(config: Resource) -> list[tuple[str, str]]:
    """The base64 values of a Secret's `data` or a ConfigMap's `binaryData` that decode to text, with their
    paths: the container reads them decoded, as it reads `stringData`."""
    key = ENCODED_DATA.get(mechanism_key(config.type))
    data = as_mapping(child(config.props, key)) if key else None
    found = []
    for name, value in data.items() if isinstance(data, Mapping) else ():
        if not isinstance(value, str):
            continue
        try:
            text = base64.b64decode(value, validate=True).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            continue
        found.append((f"{key}.{name}", text))
    return found


_ENDPOINT_KEY = re.compile(r"endpoint|exporter|webhook|sink|destination", re.IGNORECASE)
_ENDPOINT_IN_TEXT = re.compile(
    r"""(?<![\w.-])["']?[\w.-]*(?:endpoint|exporter|webhook|sink|destination)[\w.-]*["']?\s*[:=]\s*["']?"""
    r"""([a-z][a-z0-9+.-]*://[^\s"',;}\]]+)""",
    re.IGNORECASE,
)
"""A key that says where code sends what it collects (an OpenTelemetry exporter's `endpoint`,
`OTEL_EXPORTER_OTLP_ENDPOINT`, a webhook, a sink), followed by a URL, in a configuration file's text."""
_BARE_HOST = r"(?:(?:[a-z0-9-]+\.)+[a-z]{2,}|\d{1,3}(?:\.\d{1,3}){3})(?::\d{1,5})?"
_BARE_ENDPOINT = re.compile(rf"^{_BARE_HOST}(?:/\S*)?$", re.IGNORECASE)
_BARE_ENDPOINT_IN_TEXT = re.compile(
    r"""(?<![\w.-])["']?[\w.-]*(?:endpoint|exporter|webhook|sink|destination)[\w.-]*["']?\s*[:=]\s*["']?"""
    rf"""({_BARE_HOST})(?=["'\s,;}}\]/]|$)""",
    re.IGNORECASE,
)
"""An endpoint written without a scheme, as `host:port` (the OpenTelemetry otlp gRPC exporter's usual form,
`ingest.vendor.example:4317`): under an endpoint key it is a place the code sends to all the same."""


def _as_url(value: str) -> str:
    """A scheme-less `host[:port][/path]` read as a URL (so its host is judged); other text unchanged."""
    text = value.strip()
    return f"tcp://{text}" if _BARE_ENDPOINT.match(text) else text


def _endpoints_in(value: Any, key: str = "") -> list[str]:
    """The URLs outside AWS that a configuration sends to: values of endpoint, exporter, webhook, sink or
    destination keys (and environment variables so named), inside structures and configuration texts."""
    found: list[str] = []
    if isinstance(value, Mapping):
        name = value.get("name")
        if isinstance(name, str) and "value" in value and _ENDPOINT_KEY.search(name):
            # An environment variable: {name: OTEL_EXPORTER_OTLP_ENDPOINT, value: https://...}.
            found.extend(_endpoints_in(value.get("value"), name))
        for inner_key, inner in value.items():
            if inner_key not in ("tags", "tagsAll", "labels", "annotations"):
                found.extend(_endpoints_in(inner, str(inner_key)))
    elif isinstance(value, list):
        for inner in value:
            found.extend(_endpoints_in(inner, key))
    elif isinstance(value, str):
        if _ENDPOINT_KEY.search(key) and endpoint_outside_aws(_as_url(value)):
            found.append(value)
        found.extend(_endpoints_in_text(value))
    return found


@functools.lru_cache(maxsize=1024)
def _endpoints_in_text(text: str) -> tuple[str, ...]:
    """The endpoints outside AWS that a configuration text names under an endpoint key, once per text: the
    ConfigMap every workload of a cluster mounts (the telemetry SQL, 100 KB) is scanned once, not per
    workload and per rule."""
    urls = [url for url in _ENDPOINT_IN_TEXT.findall(text) if endpoint_outside_aws(url)]
    return (*urls, *(h for h in _BARE_ENDPOINT_IN_TEXT.findall(text) if endpoint_outside_aws(_as_url(h))))


_URL_HOST = re.compile(r"^[a-z][a-z0-9+.-]*://(?:[^@/\s]*@)?(\[[^\]]*\]|[^/:?#\s]+)", re.IGNORECASE)
_INSIDE_HOST_SUFFIXES = (
    ".amazonaws.com",
    ".amazonaws.com.cn",
    ".on.aws",
    ".api.aws",
    ".svc",
    ".cluster.local",
    ".internal",
    ".local",
    ".localhost",
)
"""Hosts of AWS services and of the cluster or VPC itself (an AWS host is judged by the region it names)."""


def endpoint_outside_aws(value: Any) -> bool:
    """Whether a value is a URL whose host is on the internet: not AWS's, not the cluster's or VPC's, not a
    private address."""
    if not isinstance(value, str):
        return False
    match = _URL_HOST.match(value.strip())
    if match is None:
        return False
    host = match.group(1).strip("[]").lower().rstrip(".")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return "." in host and not host.endswith(_INSIDE_HOST_SUFFIXES)
    return address.is_global


_AWS_HOST_IN_TEXT = re.compile(
    r"(?<![a-z0-9.-])((?:[a-z0-9-]+\.)+(?:amazonaws\.com(?:\.cn)?|api\.aws|on\.aws))(?![a-z0-9-])",
    re.IGNORECASE,
)
"""A host under one of AWS's domains, inside a URL, a `host:port`, a command line or a configuration file."""
_S3_VIRTUAL_HOST = re.compile(r"^(?P<bucket>.+)\.(?P<endpoint>s3(?:[.-][a-z0-9.-]+)?)\.amazonaws\.com$")
_US_EAST_1_ENDPOINTS = frozenset({"s3", "s3-external-1", "queue", "sdb"})
"""Legacy global endpoints of regional services that AWS serves from us-east-1 (S3's path-style and
`s3-external-1` endpoints, SQS's `queue.amazonaws.com`, SimpleDB)."""
_NO_DATA_GLOBAL_SERVICES = frozenset({"sts", "iam", "route53", "organizations", "cloudfront", "eks"})
"""Global services whose regionless host is no place data is kept: STS and IAM (a token audience, a role's
trust), Route 53, Organizations and CloudFront's control planes, and `eks.amazonaws.com` (EKS's service
principal and Kubernetes annotation prefix; its API is regional)."""


def regionless_aws_hosts(text: Any) -> list[tuple[str, str | None, str]]:
    """The AWS hosts a text names that name no region: each with the region it is served from (None when
    the host does not say) and why, for a message."""
    if not isinstance(text, str) or "." not in text:
        return []
    return list(_regionless_hosts_in(text))


@functools.lru_cache(maxsize=1024)
def regions_in_text(text: str) -> tuple[str, ...]:
    """The region codes a text names, in order, once each, scanned once per text (as `_endpoints_in_text`)."""
    return tuple(dict.fromkeys(REGION_PATTERN.findall(text)))


@functools.lru_cache(maxsize=1024)
def _bare_accounts(text: str) -> tuple[str, ...]:
    """The bare account ids a text holds as a whole value or a quoted one, in order, once each."""
    return tuple(dict.fromkeys(_BARE_ACCOUNT.findall(text)))


@functools.lru_cache(maxsize=1024)
def _regionless_hosts_in(text: str) -> tuple[tuple[str, str | None, str], ...]:
    """`regionless_aws_hosts` of a text, scanned once per text: code and configuration are traced by every
    rule and from every workload that mounts them."""
    found: dict[str, tuple[str, str | None, str]] = {}
    for match in _AWS_HOST_IN_TEXT.finditer(text):
        host = match.group(1).lower()
        if host in found or REGION_PATTERN.search(host):
            continue
        labels = host.split(".")
        if len(labels) == 3 and labels[0] in _NO_DATA_GLOBAL_SERVICES:
            continue
        bucket = _S3_VIRTUAL_HOST.match(host)
        service = labels[0]
        if bucket is not None:
            service = bucket.group("endpoint")
        if service.startswith("s3-accelerate"):
            found[host] = (
                host,
                None,
                "S3 Transfer Acceleration's endpoint, which takes data in at the nearest AWS edge location, "
                "in any country",
            )
        elif bucket is not None and service == "s3":
            # Resolves to the bucket's own region, which only the stack's own bucket would tell.
            found[host] = (
                host,
                None,
                f"S3's global endpoint for the bucket {bucket.group('bucket')!r}, which is not in this "
                "stack, so its region cannot be told",
            )
        elif service in _US_EAST_1_ENDPOINTS:
            found[host] = (host, "us-east-1", "a legacy global endpoint, served from us-east-1")
        else:
            found[host] = (host, None, "a global endpoint whose region cannot be told")
    return tuple(found.values())


def _regional_example(host: str, own_region: str | None) -> str:
    """The host of the same service in the stack's region, for a message."""
    region = own_region or "<region>"
    bucket = _S3_VIRTUAL_HOST.match(host)
    if bucket is not None:
        return f"{bucket.group('bucket')}.s3.{region}.amazonaws.com"
    service = host.split(".")[0]
    service = "s3" if service.startswith("s3") else "sqs" if service == "queue" else service
    suffix = ".".join(host.split(".")[1:])
    return f"{service}.{region}.{suffix}"


_GENERATED_ID = re.compile(
    r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$|^[0-9a-f]{16,}$", re.IGNORECASE
)
"""An id AWS generates (a UUID, a long hexadecimal id): no literal can name it before the resource exists."""

_Indexed = tuple[int, Resource, Any]
_NamespaceIndex = tuple[dict[Any, list[_Indexed]], list[tuple[Any, _Indexed]]]
"""Kubernetes objects by their namespace value, each with its position in the stack and its pod template
labels; and those whose namespace value cannot be a dict key, with that value."""


def _index_by(index: _NamespaceIndex, namespace: Any, entry: _Indexed) -> None:
    by_value, unhashable = index
    try:
        by_value.setdefault(namespace, []).append(entry)
    except TypeError:
        unhashable.append((namespace, entry))


def _computed_id(value: str) -> bool:
    """Whether a literal is a bare identifier (no ARN, host, URL, path or region) that a provider computes."""
    if value.startswith("arn:") or any(mark in value for mark in ("://", "/", ".", " ", ":")):
        return False
    return region_named_in(value) is None


def _account_named(text: Any) -> str | None:
    """The account an account id, an ARN or a text holding a 12-digit account names."""
    if isinstance(text, int | float) and not isinstance(text, bool):
        text = str(int(text)).zfill(12)
    if not isinstance(text, str):
        return None
    arn = parse_arn(text)
    if arn is not None:
        return arn.account or None
    match = _ACCOUNT_IN_TEXT.search(text)
    return match.group(1) if match else None


def anonymised_only(classes: frozenset[str]) -> bool:
    """Whether data classified so is classified anonymised and nothing else."""
    return classes == frozenset({Classification.ANONYMISED.value})
