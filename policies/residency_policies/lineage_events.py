"""What an EventBridge rule hands its targets: the events on its bus that match it, or nothing for a schedule.

A rule holds no data; an `EventTarget` delivers what its rule selects. A rule with a pattern selects events
of its bus: a bus of the stack (whatever it carries by lineage), a bus named by ARN or name (placed as any
literal), or, when it names none (or `default`), the default bus of the rule's own region and account,
which carries whatever that account's services and code put on it: unclassified, so it may not cross a
border (rule 4). A rule with only a `scheduleExpression` is a timer: its targets receive a fixed event
(`input` or the scheduled-event envelope), no data, so a target of timers alone copies nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .locations import Location
from .model import Resource
from .values import is_set, known_strings

if TYPE_CHECKING:
    from .lineage import Lineage

EVENT_RULE = "aws:cloudwatch/eventRule:EventRule"
DEFAULT_BUS = "default"


def is_timer(rule: Resource) -> bool:
    """Whether a rule only fires on a schedule (no event pattern selects events of a bus)."""
    schedules = any(is_set(v) for v in rule.values_at("scheduleExpression"))
    return schedules and not any(is_set(v) for v in rule.values_at("eventPattern"))


def rule_places(lineage: Lineage, rule: Resource, seen: set[str]) -> list[Location]:
    """The data a rule hands its targets (nothing for a timer)."""
    if is_timer(rule):
        return []
    named = [v for v in known_strings(rule.values_at("eventBusName")) if v != DEFAULT_BUS]
    if lineage.stack.dependencies(rule, "eventBusName") or named:
        buses = lineage.trace(rule, "eventBusName", False, lineage.own_region(rule))
        for bus in lineage.stack.dependencies(rule, "eventBusName"):
            if bus.urn not in seen and not any(b.resource is bus for b in buses):
                buses.append(lineage.locate(bus))
        return buses
    region = lineage.own_region(rule)
    return [
        Location(
            f"the default event bus of {region or 'an untraceable region'}", region, lineage.account(rule)
        )
    ]


def timers_only(lineage: Lineage, resource: Resource, path: str) -> bool:
    """Whether every rule a path names is a rule of the stack that only fires on a schedule."""
    rules = [r for r in lineage.stack.dependencies(resource, path) if r.type == EVENT_RULE]
    rules.extend(
        r
        for value in known_strings(resource.values_at(path))
        for r in lineage.stack.named(value)
        if r.type == EVENT_RULE
    )
    return bool(rules) and all(is_timer(r) for r in rules)
