"""How lineage reads a Helm release of a reviewed chart whose code reads its cluster's data.

A node log shipper's chart (Fluent Bit, Vector, the OpenTelemetry Collector, ...) and a backup tool's (Velero)
run code on every node that reads what the cluster's pods write (their logs, their volumes): the release is
code configured with its values, read as a node output reader (`lineage_nodes`) and judged on the
destinations its values name, as a DaemonSet mounting /var/log is. A backup tool reads, besides, every object
of its cluster that holds data (its server backs up every namespace its schedules or its CLI ask for). An
output whose region the values leave to the chart's default writes to that default (`ChartDefault`). Values
in files the pack cannot read (a FileAsset of `valueYamlFiles`: `release_values`) may name any destination:
where such a release writes cannot be traced (reviewer blind-k8s15 k12).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING

from residency_facts import ANY, CopyMechanism
from residency_facts.charts import READING_ROLES, ChartRole

from .charts import reviewed_chart, unreadable_values
from .locations import Location, holds_data
from .model import Resource
from .release_values import unreadable_value_files
from .values import Unknown, as_bool, child

if TYPE_CHECKING:
    from .lineage import Lineage


@functools.cache
def _chart_code(name: str, role: ChartRole) -> CopyMechanism:
    return CopyMechanism(
        f"the code of the {name} chart ({role})", sources=(ANY,), destinations=(ANY,), runs_code=True
    )


def chart_mechanisms(resource: Resource) -> tuple[CopyMechanism, ...]:
    """The code a release of a reviewed chart runs with its cluster's data (none for other resources)."""
    chart = reviewed_chart(resource)
    return (_chart_code(chart.name, chart.role),) if chart is not None and chart.role in READING_ROLES else ()


def chart_node_reads(resource: Resource) -> str | None:
    """What of its nodes a release of a reviewed reading chart reads, in words (None for any other)."""
    chart = reviewed_chart(resource)
    if chart is None or chart.role not in READING_ROLES:
        return None
    if chart.role is ChartRole.NODE_LOG_SHIPPER:
        return "every node's pod logs, which its chart's DaemonSet tails"
    return "every node's pod volumes, which its chart's node agent reads"


def chart_sources(lineage: Lineage, resource: Resource) -> list[Location]:
    """What a backup chart backs up besides the pods' volumes: every object of its cluster that holds data."""
    chart = reviewed_chart(resource)
    if chart is None or chart.role is not ChartRole.BACKUP:
        return []
    return [
        lineage.locate(member)
        for member in lineage.stack.resources
        if member is not resource
        and member.provider_urn == resource.provider_urn
        and member.type.startswith("kubernetes:")
        and (holds_data(member, lineage.settings) or lineage.declared(member))
    ]


def chart_destinations(lineage: Lineage, resource: Resource) -> list[Location]:
    """The regions a reading chart's outputs write to by the chart's default, when its values turn the output
    on (or leave it on by default) and name no region for it; and an untraceable place when its values come
    from files the pack cannot read."""
    chart = reviewed_chart(resource)
    if chart is None:
        return []
    values = child(resource.props, "values")
    found: list[Location] = []
    files = unreadable_value_files(resource.props)
    if files and chart.role in READING_ROLES:
        # Code is judged on the places it definitely sends to: the unread files hold its outputs (`host`).
        where = f"where {resource.label} writes what its chart reads: {unreadable_values(files)}"
        found.append(Location(where, None, None, host=True))
    for default in chart.defaults:
        section = child(values, default.section)
        if isinstance(section, Unknown):
            # Unknown at preview: the review does not cover the release (`charts.review_gaps`).
            continue
        switch = as_bool(child(section, "enabled")) if isinstance(section, Mapping) else None
        enabled = default.enabled_by_default if switch is None else switch is not False
        region = child(section, default.region_key) if isinstance(section, Mapping) else None
        if enabled and region is None:
            found.append(
                Location(
                    f"{default.section}.{default.region_key} of {resource.label}, unset: the chart's default "
                    f"{default.region}",
                    default.region,
                    lineage.account(resource),
                )
            )
    return found
