"""Copies and replications: every active copy mechanism of residency_facts, from its sources to its landing.

The tables are the policy pack's (COPY_MECHANISMS, ENDPOINT_LOCATIONS): a resource type, the properties that
name what it copies and where the copy lands, whether it lands in its own region, spans regions, shares
with accounts or delivers outside AWS. Sources and destinations are followed through property dependencies
(the engine records which resources each input was computed from), through pointers (DMS endpoints, DataSync
locations) and relays (a key replica's primary, a global cluster's source) to the data store behind them.
What cannot be followed is drawn as untraceable, never left out: the map fails closed as the pack does.
"""

from __future__ import annotations

from dataclasses import dataclass

from offline_preview.diagram.graph import (
    ANY_DEPTH,
    EVERY_VALUE,
    OTHER_ACCOUNTS,
    OUTSIDE_AWS,
    REGION_IN_TEXT,
    REGION_PATTERN,
    UNCLASSIFIED,
    UNTRACEABLE,
    UNTRACEABLE_PLACE,
    Flow,
    Node,
    is_set,
    known,
    values_at,
)
from offline_preview.diagram.stack import StackIndex
from offline_preview.inventory import is_unknown
from residency_facts import COPY_MECHANISMS, ENDPOINT_LOCATIONS, NON_DATA_ARN_SERVICES, SELF, CopyMechanism

KMS_KEY_TYPES = frozenset(
    {
        "aws:kms/key:Key",
        "aws:kms/externalKey:ExternalKey",
        "aws:kms/replicaKey:ReplicaKey",
        "aws:kms/replicaExternalKey:ReplicaExternalKey",
    }
)
"""Keys carry the classification of the data they encrypt: a multi-region key copies access to it."""
BACKUP_PLAN = "aws:backup/plan:Plan"
BACKUP_SELECTION = "aws:backup/selection:Selection"


@dataclass(frozen=True)
class Location:
    """Where some data is: a node key (a stack resource's URN or an outside end) and what it is."""

    key: str
    what: frozenset[str]


class CopyFinder:
    """Finds the copy flows of a stack; ends outside the stack are added to `outside`."""

    def __init__(self, stack: StackIndex, outside: dict[str, Node]) -> None:
        self.stack = stack
        self.outside = outside

    def flows(self) -> list[Flow]:
        """Every active copy mechanism, as flows from its sources through it to its destinations."""
        flows: list[Flow] = []
        for registration in self.stack.registrations:
            if not registration.get("custom"):
                continue
            urn = registration["urn"]
            for mechanism in COPY_MECHANISMS.get(registration["type"], ()):
                if self._active(urn, mechanism):
                    flows.extend(self._movement(urn, mechanism))
        return flows

    def _active(self, urn: str, mechanism: CopyMechanism) -> bool:
        # A mechanism that names neither a switch nor a source (an account-wide log subscription, an
        # observability link) copies whenever the resource exists.
        paths = mechanism.active_when or mechanism.sources
        if not paths:
            return True
        inputs = self.stack.inputs(urn)
        return any(path == SELF or any(is_set(v) for v in values_at(inputs, path)) for path in paths)

    def _movement(self, urn: str, mechanism: CopyMechanism) -> list[Flow]:
        sources = self._dedupe(self._sources(urn, mechanism))
        if not sources:
            sources = [self._untraceable(f"what {mechanism.moves} reads (no source can be traced)")]
        destinations = self._dedupe(self._destinations(urn, mechanism))
        crossing = frozenset().union(*(source.what for source in sources))
        flows = [
            Flow(source.key, urn, source.what, mechanism.moves, (urn,))
            for source in sources
            if source.key != urn
        ]
        flows += [
            Flow(urn, destination.key, crossing, mechanism.moves, (urn,))
            for destination in destinations
            if destination.key != urn
        ]
        return flows

    # Sources -----------------------------------------------------------------------------------------------

    def _sources(self, urn: str, mechanism: CopyMechanism) -> list[Location]:
        stack = self.stack
        if stack.type_of(urn) == BACKUP_PLAN:
            return self._backup_plan_sources(urn)
        if mechanism.every_resource_of_type:
            wanted = mechanism.every_resource_of_type
            found = [self.locate(other) for other in stack.by_urn if stack.type_of(other) == wanted]
            return [*found, self._untraceable(f"every {wanted} outside this stack")]
        regions = [
            region
            for path in mechanism.source_regions
            for value in values_at(stack.inputs(urn), path)
            if (region := known(value))
        ]
        found = []
        for path in mechanism.sources:
            for location in self.trace(urn, path, path in mechanism.global_names):
                if regions and location.key.startswith("outside:named:"):
                    # A bare identifier with a separate source region: the source is in that region.
                    location = self._outside_in(regions[0], location)
                found.append(location)
        return found

    def _backup_plan_sources(self, plan: str) -> list[Location]:
        """What a backup plan copies: the resources its selections assign to it."""
        found: list[Location] = []
        for selection in self.stack.by_urn:
            if self.stack.type_of(selection) != BACKUP_SELECTION:
                continue
            if plan not in self.stack.dependencies(selection, "planId"):
                continue
            picked = self.trace(selection, "resources", False)
            if "*" in values_at(self.stack.inputs(selection), "resources"):
                picked = [self.locate(u) for u in self.stack.by_urn if self.stack.holds_data(u)]
            if not picked or is_set(self.stack.inputs(selection).get("selectionTags")):
                picked.append(self._untraceable(f"resources selected by tag by {self._label(selection)}"))
            found.extend(picked)
        return found

    def trace(self, urn: str, path: str, global_names: bool) -> list[Location]:
        """The data a property path of a resource names: by lineage, else by its literal value."""
        if path == SELF:
            return [self.locate(urn)]
        return self._trace(urn, path, global_names, {urn})

    def _trace(self, urn: str, path: str, global_names: bool, seen: set[str]) -> list[Location]:
        dependencies = self.stack.dependencies(urn, path)
        found = [location for other in dependencies for location in self._follow(other, seen)]
        names = {
            name
            for other in dependencies
            for candidate in ("arn", "name", "identifier", "bucket")
            for value in values_at(self.stack.inputs(other), candidate)
            if (name := known(value))
        }
        free_form = _free_form(path)
        for value in values_at(self.stack.inputs(urn), path):
            if is_unknown(value):
                # Every value of the resource (`**`) may be unknown for reasons that move nothing.
                if not dependencies and path != ANY_DEPTH:
                    found.append(self._untraceable(f"{path} of {self._label(urn)} (unknown at preview)"))
            elif (text := known(value)) and text not in names:
                location = self._literal(urn, text, global_names, free_form)
                if location is not None:
                    found.append(location)
        return found

    def _follow(self, urn: str, seen: set[str]) -> list[Location]:
        """The data behind a resource an input was computed from; nothing when it holds or points at none."""
        if urn in seen:
            return []
        seen = seen | {urn}
        stack = self.stack
        kind = stack.type_of(urn)
        if stack.holds_data(urn) or stack.classification(urn) or kind in KMS_KEY_TYPES:
            return [self.locate(urn)]
        found: list[Location] = []
        if kind in ENDPOINT_LOCATIONS:
            for path in ENDPOINT_LOCATIONS[kind]:
                found.extend(self._trace(urn, path, True, seen))
        elif kind in COPY_MECHANISMS:
            for mechanism in COPY_MECHANISMS[kind]:
                for path in mechanism.sources:
                    if path == SELF:
                        found.append(self.locate(urn))
                    else:
                        found.extend(self._trace(urn, path, path in mechanism.global_names, seen))
        elif not stack.by_urn[urn].get("custom"):
            for member in stack.children(urn):
                found.extend(self._follow(member, seen))
        return found

    def _literal(self, urn: str, value: str, global_names: bool, free_form: bool = False) -> Location | None:
        """The data a literal ARN, name or hostname refers to; None for a value of a free-form input (`*`,
        `**`: every value a service or code is configured with) that names no data, as the pack reads it."""
        in_stack = self.stack.named(value)
        if not in_stack and value.startswith("arn:"):
            in_stack = self.stack.named(value.rsplit(":", 1)[-1].split("/")[-1])
        if in_stack:
            return self.locate(in_stack[0])
        parts = value.split(":", 5)
        if value.startswith("arn:") and len(parts) == 6:
            if free_form and parts[2] in NON_DATA_ARN_SERVICES:
                return None
            return self._external(parts[5], parts[3] or None, frozenset({UNTRACEABLE}), parts[4] or None)
        match = REGION_IN_TEXT.search(value)
        if match:
            return self._external(value, match.group(1), frozenset({UNTRACEABLE}))
        if free_form:
            # A script path, a job type, a flag: free-form configuration that names no place.
            return None
        if global_names or "." in value or "://" in value:
            return self._untraceable(f"{value} (a global name that pins no region)")
        # AWS resolves a bare identifier in the caller's own region.
        key = f"outside:named:{value}"
        self.outside.setdefault(
            key,
            Node(key, "outside", self._own_place(urn), None, [f"{value}", "not in this stack"]),
        )
        return Location(key, frozenset({UNTRACEABLE}))

    def locate(self, urn: str) -> Location:
        """A stack resource as a location of data, with what it holds."""
        what = {self.stack.classification(urn) or UNCLASSIFIED}
        if self.stack.type_of(urn) in KMS_KEY_TYPES:
            # A key is worth what it encrypts: its own tag and the classification of every user.
            what |= {c for user in self.stack.dependents(urn) if (c := self.stack.classification(user))}
            if len(what) > 1:
                what.discard(UNCLASSIFIED)
        return Location(urn, frozenset(what))

    # Destinations ------------------------------------------------------------------------------------------

    def _destinations(self, urn: str, mechanism: CopyMechanism) -> list[Location]:
        stack = self.stack
        inputs = stack.inputs(urn)
        own = stack.region(urn)
        found: list[Location] = []
        literal_region = False
        for path in mechanism.destination_regions:
            for value in values_at(inputs, path):
                literal_region = True
                text = known(value)
                if text is None:
                    found.append(self._untraceable(f"{path} of {self._label(urn)} (unknown at preview)"))
                    continue
                region = text.split(":")[3] if text.startswith("arn:") and text.count(":") >= 5 else text
                if region == own:
                    found.append(Location(urn, frozenset()))
                else:
                    found.append(self._external(f"{mechanism.moves} in {region}", region, frozenset()))
        for path in mechanism.destinations:
            found.extend(self.trace(urn, path, path in mechanism.global_names))
        if mechanism.lands_in_own_region and not literal_region:
            found.append(Location(urn, frozenset()))
        if mechanism.spans_regions:
            found.append(self._untraceable(f"every region {mechanism.moves} spans"))
        for path in mechanism.shared_with:
            for value in values_at(inputs, path):
                account = known(value)
                label = f"account {account}" if account else f"{path} (unknown at preview)"
                key = f"outside:account:{label}"
                self.outside.setdefault(
                    key, Node(key, "outside", OTHER_ACCOUNTS, None, [f"shared with {label}"])
                )
                found.append(Location(key, frozenset()))
        if any(is_set(v) for path in mechanism.outside_aws for v in values_at(inputs, path)):
            key = f"outside:aws:{mechanism.moves}"
            self.outside.setdefault(
                key, Node(key, "outside", OUTSIDE_AWS, None, [f"{mechanism.moves} target"])
            )
            found.append(Location(key, frozenset()))
        if not found:
            found.append(self._untraceable(f"where {mechanism.moves} delivers"))
        return found

    # Outside ends ------------------------------------------------------------------------------------------

    def _external(
        self, label: str, region: str | None, what: frozenset[str], account: str | None = None
    ) -> Location:
        """Data outside this stack, in a known region (or an untraceable one), perhaps in a named account."""
        if account:
            label = f"{label} in account {account}"
        if region is None or not REGION_PATTERN.fullmatch(region):
            return self._untraceable(label)
        key = f"outside:region:{region}:{label}"
        node = Node(key, "outside", region, None, _wrap(label), other_account=bool(account))
        self.outside.setdefault(key, node)
        return Location(key, what)

    def _outside_in(self, region: str, location: Location) -> Location:
        node = self.outside[location.key]
        return self._external(" ".join(node.lines[:1]), region, location.what)

    def _untraceable(self, label: str) -> Location:
        key = f"outside:untraceable:{label}"
        self.outside.setdefault(key, Node(key, "outside", UNTRACEABLE_PLACE, None, _wrap(label)))
        return Location(key, frozenset({UNTRACEABLE}))

    def _own_place(self, urn: str) -> str:
        return self.stack.region(urn) or UNTRACEABLE_PLACE

    def _label(self, urn: str) -> str:
        return f"{self.stack.type_of(urn)} '{self.stack.by_urn[urn]['name']}'"

    @staticmethod
    def _dedupe(locations: list[Location]) -> list[Location]:
        merged: dict[str, frozenset[str]] = {}
        for location in locations:
            merged[location.key] = merged.get(location.key, frozenset()) | location.what
        return [Location(key, what) for key, what in merged.items()]


def _free_form(path: str) -> bool:
    """Whether a path reads every value of a map or of any depth (`*`, `**`) rather than one named input."""
    return any(part.removesuffix("[]") in (EVERY_VALUE, ANY_DEPTH) for part in path.split("."))


def _wrap(text: str, width: int = 32) -> list[str]:
    """A long label as lines of about `width` characters, broken at spaces."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [text]
