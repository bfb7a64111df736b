"""Where copied data comes from and where it lands: lineage through a stack, for the replication rules.

A copy names its source and destination by ARN, identifier or name, and at preview those values are often
unknown. The engine still records which resources each input was computed from (property dependencies), so
a source is followed back to the resource that holds the data, through pointers (DMS endpoints, DataSync
locations, log delivery ends), relays (a global cluster's source, a key replica's primary) and components.
What cannot be followed is "untraceable": the rules treat it as possibly anywhere and possibly anything.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from residency_facts import (
    CLASSIFICATION_TAG,
    COPY_MECHANISMS,
    ENDPOINT_LOCATIONS,
    SELF,
    Classification,
    CopyMechanism,
)

from .attributes import (
    classifications,
    effective_region,
    effective_tags,
    is_component,
    parse_arn,
    region_named_in,
)
from .classification import is_data_holding
from .model import Resource, Stack
from .settings import Settings
from .values import UNKNOWN, Unknown, any_set, as_mapping, child, elements, known_strings, value_at, values_at

STACK_ACCOUNT = "this stack's account"
"""The account of every resource the stack declares (the account its providers deploy to)."""

KMS_KEY_TYPES = frozenset(
    {
        "aws:kms/key:Key",
        "aws:kms/externalKey:ExternalKey",
        "aws:kms/replicaKey:ReplicaKey",
        "aws:kms/replicaExternalKey:ReplicaExternalKey",
    }
)
BACKUP_PLAN = "aws:backup/plan:Plan"
BACKUP_SELECTION = "aws:backup/selection:Selection"
LIFECYCLE_POLICY = "aws:dlm/lifecyclePolicy:LifecyclePolicy"
LOG_ACCOUNT_POLICY = "aws:cloudwatch/logAccountPolicy:LogAccountPolicy"
OBSERVABILITY_LINK = "aws:oam/link:Link"
SNAPSHOT_TARGET_TYPES = ("aws:ebs/volume:Volume", "aws:ec2/instance:Instance")
RESOURCE_TAG_CONDITION = "aws:ResourceTag/"


@dataclass(frozen=True)
class Location:
    """Some data as far as lineage can tell: what it is, where it is and whose account it is in."""

    description: str
    region: str | None
    """None when the region cannot be traced."""
    account: str | None
    """STACK_ACCOUNT for the stack's own resources, an account id from an ARN, None when untraceable."""
    classifications: frozenset[str] = frozenset()
    """Empty when unclassified or untraceable."""
    local: bool = False
    """Named by a bare identifier, which AWS APIs resolve in the caller's own region and account."""

    @property
    def where(self) -> str:
        """The region, or a note that it is unknown."""
        return self.region or "an untraceable region"


def untraceable(description: str) -> Location:
    """Data whose region, account and classification cannot be traced."""
    return Location(description=description, region=None, account=None)


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
        untraced = any(d.region is None for d in self.destinations)
        if regions:
            parts.append(
                "to " + ", ".join(regions) + (" and regions that cannot be traced" if untraced else "")
            )
        elif untraced:
            parts.append("to regions that cannot be traced")
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


class Lineage:
    """Traces the sources and destinations of every copy mechanism in a stack."""

    def __init__(self, stack: Stack, settings: Settings) -> None:
        self.stack = stack
        self.settings = settings

    def movements(self) -> list[Movement]:
        """Every active copy mechanism in the stack, traced."""
        found = []
        for resource in self.stack.resources:
            for mechanism in COPY_MECHANISMS.get(resource.type, ()):
                if self._active(resource, mechanism):
                    found.append(self._movement(resource, mechanism))
        return found

    def _active(self, resource: Resource, mechanism: CopyMechanism) -> bool:
        props = resource.props
        if resource.type == LOG_ACCOUNT_POLICY:
            kind = child(props, "policyType")
            return isinstance(kind, Unknown) or kind == "SUBSCRIPTION_FILTER_POLICY"
        if resource.type == OBSERVABILITY_LINK:
            kinds = values_at(props, "resourceTypes")
            return UNKNOWN in kinds or "AWS::Logs::LogGroup" in kinds
        return any_set(props, mechanism.active_when or mechanism.sources)

    def _movement(self, resource: Resource, mechanism: CopyMechanism) -> Movement:
        own_region = effective_region(resource, self.stack)
        own = own_region if isinstance(own_region, str) else None
        sources = self._sources(resource, mechanism, own)
        if not sources:
            sources = [untraceable(f"the data {mechanism.moves} reads (no source can be traced)")]
        destinations: list[Location] = []
        literal_region = False
        for path in mechanism.destination_regions:
            for value in values_at(resource.props, path):
                if isinstance(value, Unknown):
                    destinations.append(untraceable(f"{path} (unknown at preview)"))
                    literal_region = True
                elif isinstance(value, str) and value:
                    region = region_named_in(value) if value.startswith("arn:") else value
                    destinations.append(Location(f"{path}={value}", region, STACK_ACCOUNT))
                    literal_region = True
        for path in mechanism.destinations:
            destinations.extend(self._destination(resource, path, path in mechanism.global_names, own))
        if mechanism.lands_in_own_region and not literal_region:
            destinations.append(Location(f"{resource.label} itself", own, STACK_ACCOUNT))
        if mechanism.spans_regions:
            destinations.append(untraceable(f"every region {mechanism.moves} spans"))
        if not destinations:
            destinations.append(untraceable(f"where {mechanism.moves} delivers"))
        shares = []
        for path in mechanism.shared_with:
            for value in values_at(resource.props, path):
                if isinstance(value, Unknown):
                    shares.append(f"{path} (unknown at preview)")
                elif isinstance(value, str) and value and value not in self.settings.account_ids:
                    shares.append(value)
        outside = any_set(resource.props, mechanism.outside_aws) if mechanism.outside_aws else False
        return Movement(resource, mechanism, sources, destinations, shares, outside)

    def _sources(
        self, resource: Resource, mechanism: CopyMechanism, own_region: str | None
    ) -> list[Location]:
        if resource.type == BACKUP_PLAN:
            return self._backup_plan_sources(resource)
        if resource.type == LIFECYCLE_POLICY:
            return self._tagged(
                value_at(resource.props, "policyDetails.targetTags"), SNAPSHOT_TARGET_TYPES, own_region
            )
        if mechanism.every_resource_of_type:
            everything = [self.locate(r) for r in self.stack.of_type(mechanism.every_resource_of_type)]
            return [*everything, untraceable(f"every {mechanism.every_resource_of_type} outside this stack")]
        literal_regions = [
            v for path in mechanism.source_regions for v in known_strings(values_at(resource.props, path))
        ]
        sources = []
        for path in mechanism.sources:
            for location in self.trace(resource, path, path in mechanism.global_names, own_region):
                if location.local and literal_regions:
                    location = replace(location, region=literal_regions[0])
                sources.append(location)
        return sources

    def _destination(
        self, resource: Resource, path: str, global_names: bool, own: str | None
    ) -> list[Location]:
        if resource.type == LOG_ACCOUNT_POLICY:
            document = as_mapping(value_at(resource.props, path))
            if isinstance(document, Mapping):
                arn = child(document, "DestinationArn")
                return [self._literal(resource, arn, path, False, own)] if isinstance(arn, str) else []
        return self.trace(resource, path, global_names, own)

    def trace(
        self, resource: Resource, path: str, global_names: bool, own_region: str | None
    ) -> list[Location]:
        """The data a property path of a resource names: by lineage, else by its literal value."""
        if path == SELF:
            return [self.locate(resource)]
        found: list[Location] = []
        dependencies = self.stack.dependencies(resource, path)
        for dependency in dependencies:
            found.extend(self._follow(dependency, {resource.urn}))
        dependency_names = {
            name
            for d in dependencies
            for p in ("arn", "name", "identifier", "bucket")
            for name in _strings_at(d, p)
        }
        for value in values_at(resource.props, path):
            if isinstance(value, Unknown):
                if not found:
                    found.append(untraceable(f"{path} of {resource.label} (unknown at preview, no lineage)"))
            elif isinstance(value, str) and value and value not in dependency_names:
                found.append(self._literal(resource, value, path, global_names, own_region))
        return found

    def _literal(
        self, resource: Resource, value: str, path: str, global_names: bool, own_region: str | None
    ) -> Location:
        """The data a literal ARN, name or hostname refers to."""
        arn = parse_arn(value)
        name = arn.resource_name if arn else value.split("/")[0]
        in_stack = self.stack.named(value) or (self.stack.named(name) if name else [])
        if in_stack:
            return self._merge([self.locate(r) for r in in_stack], value)
        if arn is not None:
            return Location(value, arn.region or None, arn.account or None)
        region = region_named_in(value)
        if region is not None:
            return Location(value, region, None)
        if global_names or "." in value or "://" in value:
            return untraceable(f"{value} ({path} of {resource.label})")
        return Location(value, own_region, STACK_ACCOUNT, local=True)

    def _merge(self, locations: list[Location], description: str) -> Location:
        """One location for a literal that names several of the stack's resources (the most cautious)."""
        if len(locations) == 1:
            return locations[0]
        regions = {location.region for location in locations}
        return Location(
            description,
            regions.pop() if len(regions) == 1 else None,
            STACK_ACCOUNT,
            frozenset().union(*(location.classifications for location in locations)),
        )

    def locate(self, resource: Resource) -> Location:
        """The stack's own resource as a location of data."""
        region = effective_region(resource, self.stack)
        return Location(
            resource.label,
            region if isinstance(region, str) else None,
            STACK_ACCOUNT,
            self.data_classifications(resource),
        )

    def data_classifications(self, resource: Resource) -> frozenset[str]:
        """What a resource holds: its classification, and for a key also that of the data it encrypts."""
        declared = classifications(resource)
        own = declared if isinstance(declared, frozenset) else frozenset()
        if resource.type in KMS_KEY_TYPES:
            for user in self._key_users(resource):
                used = classifications(user)
                if isinstance(used, frozenset):
                    own |= used
        return own

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
        declared = classifications(resource)
        if (
            is_data_holding(resource, self.settings)
            or resource.type in KMS_KEY_TYPES
            or (isinstance(declared, frozenset) and declared)
        ):
            return [self.locate(resource)]
        found: list[Location] = []
        if resource.type in ENDPOINT_LOCATIONS:
            for path in ENDPOINT_LOCATIONS[resource.type]:
                found.extend(self._follow_path(resource, path, seen, global_names=True))
        elif resource.type in COPY_MECHANISMS:
            for mechanism in COPY_MECHANISMS[resource.type]:
                for path in mechanism.sources:
                    found.extend(self._follow_path(resource, path, seen, path in mechanism.global_names))
        elif is_component(resource):
            for member in self.stack.children(resource):
                found.extend(self._follow(member, seen))
        return found

    def _follow_path(
        self, resource: Resource, path: str, seen: set[str], global_names: bool
    ) -> list[Location]:
        if path == SELF:
            return [self.locate(resource)]
        dependencies = self.stack.dependencies(resource, path)
        if dependencies:
            return [location for d in dependencies for location in self._follow(d, seen)]
        region = effective_region(resource, self.stack)
        own = region if isinstance(region, str) else None
        return self.trace(resource, path, global_names, own)

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
        found = []
        for resource in self.stack.resources:
            if types is not None and resource.type not in types:
                continue
            if types is None and not is_data_holding(resource, self.settings):
                continue
            tags = effective_tags(resource)
            if isinstance(tags, Mapping) and any(tags.get(k) == v for k, v in pairs):
                found.append(self.locate(resource))
        declared = {str(v) for k, v in pairs if k == CLASSIFICATION_TAG and isinstance(v, str)}
        if declared:
            # Resources outside the stack carrying the selected classification hold that kind of data.
            description = f"any resource tagged {CLASSIFICATION_TAG}={sorted(declared)}"
            found.append(Location(description, own, STACK_ACCOUNT, frozenset(declared)))
        else:
            found.append(untraceable("resources outside this stack selected by tag " + repr(dict(pairs))))
        return found

    def _backup_plan_sources(self, plan: Resource) -> list[Location]:
        """The resources a backup plan copies: those its selections assign to it."""
        region = effective_region(plan, self.stack)
        own = region if isinstance(region, str) else None
        found: list[Location] = []
        for selection in self.stack.of_type(BACKUP_SELECTION):
            if self.stack.refers_to(selection, "planId", plan):
                found.extend(self._selection_sources(selection, own))
        return found

    def _selection_sources(self, selection: Resource, own: str | None) -> list[Location]:
        """The resources one backup selection picks: by ARN or lineage, by wildcard, or by tag."""
        found: list[Location] = []
        dependencies = self.stack.dependencies(selection, "resources")
        for dependency in dependencies:
            found.extend(self._follow(dependency, {selection.urn}))
        for value in values_at(selection.props, "resources"):
            if value == "*":
                found.extend(
                    self.locate(r) for r in self.stack.resources if is_data_holding(r, self.settings)
                )
                found.append(untraceable("every resource outside this stack (selection '*')"))
            elif isinstance(value, Unknown):
                if not dependencies:
                    found.append(
                        untraceable(f"resources of {selection.label} (unknown at preview, no lineage)")
                    )
            elif isinstance(value, str) and value and not dependencies:
                found.append(self._literal(selection, value, "resources", False, own))
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


def _strings_at(resource: Resource, path: str) -> list[str]:
    return known_strings(values_at(resource.props, path))


def anonymised_only(location: Location) -> bool:
    """Whether the data at a location is classified anonymised and nothing else."""
    return location.classifications == frozenset({Classification.ANONYMISED.value})
