"""What a CloudTrail trail's or event data store's selectors select of the stack's data, beyond the ARNs they
name.

A data event records a request to a holder with its parameters (an object's key, an item's key), so what
records data events holds (parts of) what the requests name: a trail delivers them, an event data store keeps
them (reviewer blind-aws13 a26). A selector that names ARNs exactly (`resources.ARN` `equals`) selects those,
read as any ARN its inputs name; one that names its resource type without exact ARNs (no `resources.ARN`
field, a `startsWith` prefix, a negated condition), or a basic selector's whole-service value (`arn:aws:s3`,
`arn:aws:s3:::`), selects every holder of the type (`residency_facts.mechanisms.DATA_EVENT_TYPES`) in its
scope: the store's or trail's own region unless it is multi-region (an event data store is by default), its
own account unless it is organisation-wide. A prefix keeps only the holders whose known ARN starts with it
(an ARN unknown at preview may). A value unknown at preview selects every reviewed type.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from residency_facts.mechanisms import DATA_EVENT_TYPES

from .locations import Location
from .model import Resource
from .values import Unknown, as_bool, child, elements, known_strings, value_at, values_at

if TYPE_CHECKING:
    from .lineage import Lineage

EVENT_DATA_STORE = "aws:cloudtrail/eventDataStore:EventDataStore"
TRAIL = "aws:cloudtrail/trail:Trail"
SCOPES: dict[str, tuple[tuple[str, bool], tuple[str, bool]]] = {
    EVENT_DATA_STORE: (("multiRegionEnabled", True), ("organizationEnabled", False)),
    TRAIL: (("isMultiRegionTrail", False), ("isOrganizationTrail", False)),
}
"""Per type, ((multi-region switch, its default), (organisation switch, its default))."""
EVENT_SELECTING = frozenset(SCOPES)
_WHOLE_SERVICE = re.compile(r"^arn:aws[\w-]*:[a-z0-9-]+(?::+)?$")
"""A basic selector's value that selects every resource of its type (`arn:aws:s3`, `arn:aws:s3:::`)."""


def selected_holders(lineage: Lineage, resource: Resource) -> list[Location]:
    """The stack's holders a trail's or event data store's selectors select by type (see the module)."""
    types: dict[str, tuple[str, ...] | None] = {}
    for selector in values_at(resource.props, "advancedEventSelectors"):
        for event_type, prefixes in _advanced(selector):
            _add(types, event_type, prefixes)
    if resource.type == TRAIL:
        for data in values_at(resource.props, "eventSelectors[].dataResources[]"):
            event_type = child(data, "type")
            values = elements(child(data, "values"))
            if isinstance(event_type, str) and any(
                isinstance(v, Unknown) or (isinstance(v, str) and _WHOLE_SERVICE.match(v)) for v in values
            ):
                _add(types, event_type, None)
    if not types:
        return []
    (region_switch, region_default), (organisation_switch, organisation_default) = SCOPES[resource.type]
    every_region = _switch(resource, region_switch, region_default)
    every_account = _switch(resource, organisation_switch, organisation_default)
    own_region, own_account = lineage.own_region(resource), lineage.account(resource)
    found: list[Location] = []
    for event_type, prefixes in types.items():
        for holder in lineage.stack.of_type(*DATA_EVENT_TYPES.get(event_type, ())):
            if not every_region and lineage.own_region(holder) != own_region:
                continue
            if not every_account and lineage.account(holder) != own_account:
                continue
            if prefixes is not None and not _prefixed(holder, prefixes):
                continue
            found.append(lineage.locate(holder))
    return found


def _advanced(selector: Any) -> list[tuple[str, tuple[str, ...] | None]]:
    """(type, ARN prefixes or None for all) of the data events one advanced selector selects by type; none
    when it selects management events, or names its ARNs exactly (read as ARNs)."""
    fields: dict[Any, Any] = {}
    for field in elements(child(selector, "fieldSelectors")):
        if isinstance(field, Mapping):
            fields[child(field, "field")] = field
        else:
            return [(t, None) for t in DATA_EVENT_TYPES]  # Unknown at preview: it may select anything.
    category = elements(child(fields.get("eventCategory"), "equals"))
    if category and all(isinstance(c, str) for c in category) and "Data" not in category:
        return []
    named = elements(child(fields.get("resources.type"), "equals"))
    event_types = (
        list(known_strings(named))
        if named and all(isinstance(t, str) for t in named)
        else list(DATA_EVENT_TYPES)
    )
    arn = fields.get("resources.ARN")
    if arn is not None and _exact(arn):
        return []
    prefixes = None
    if arn is not None and set(k for k in arn if child(arn, k)) <= {"field", "startsWith"}:
        starts = elements(child(arn, "startsWith"))
        if starts and all(isinstance(s, str) for s in starts):
            prefixes = tuple(starts)
    return [(t, prefixes) for t in event_types]


def _exact(arn: Mapping[str, Any]) -> bool:
    """Whether a `resources.ARN` field selector names its ARNs only by `equals` (read as ARNs)."""
    return bool(elements(child(arn, "equals"))) and all(
        not child(arn, k) for k in arn if k not in ("field", "equals")
    )


def _add(types: dict[str, tuple[str, ...] | None], event_type: str, prefixes: tuple[str, ...] | None) -> None:
    if event_type in types and (types[event_type] is None or prefixes is None):
        types[event_type] = None
    elif event_type in types:
        types[event_type] = (*(types[event_type] or ()), *prefixes) if prefixes else types[event_type]
    else:
        types[event_type] = prefixes


def _switch(resource: Resource, path: str, default: bool) -> bool:
    """A scope switch: its value, its default when unset; unknown at preview widens the scope."""
    value = value_at(resource.props, path)
    if value is None:
        return default
    return isinstance(value, Unknown) or as_bool(value) is True


def _prefixed(holder: Resource, prefixes: tuple[str, ...]) -> bool:
    """Whether a holder's ARN starts with one of the prefixes; an ARN unknown at preview may."""
    arns = [i for i in holder.identities if i.startswith("arn:")]
    return not arns or any(a.startswith(p) for a in arns for p in prefixes)
