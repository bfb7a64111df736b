"""The residency map of one stack's preview: its data stores by region and classification, every flow, every
mandatory violation and, against a deployed state, what the change adds."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Protocol

import yaml

from offline_preview.diagram.copies import CopyFinder
from offline_preview.diagram.graph import (
    CHANGE_KINDS,
    CHANGE_RANK,
    DELETED,
    NO_REGION,
    OTHER_ACCOUNTS,
    OUTSIDE_AWS,
    OUTSIDE_PROJECT,
    PLACE_TITLES,
    REGION_PATTERN,
    UNCLASSIFIED,
    UNTRACEABLE_PLACE,
    Flow,
    Node,
    crosses,
)
from offline_preview.diagram.graph import INTERNET as INTERNET_PLACE
from offline_preview.diagram.mermaid import CLASS_TITLES, Place, describe, draw
from offline_preview.diagram.network import NetworkFinder
from offline_preview.diagram.stack import StackIndex
from residency_facts import DATA_HOLDING_TYPES, Classification, jurisdiction_of_region

OUTSIDE_ORDER = (
    UNTRACEABLE_PLACE,
    OTHER_ACCOUNTS,
    OUTSIDE_AWS,
    OUTSIDE_PROJECT,
    INTERNET_PLACE,
    NO_REGION,
    DELETED,
)
STACK_TYPE = "pulumi:pulumi:Stack"


class ReportedViolation(Protocol):
    """What the map needs of a policy violation (offline_preview.analysis.PolicyViolation has it)."""

    @property
    def policy_name(self) -> str: ...

    @property
    def enforcement_level(self) -> str: ...

    @property
    def urn(self) -> str: ...

    @property
    def message(self) -> str: ...


class ResidencyMap:
    """Builds the Mermaid residency map of one stack's preview.

    `violations` are the packs' results (the map draws the mandatory ones on the resource each names);
    `changes` maps URNs to the operation a deployed-state preview found (`create`, `update`, `delete`,
    `same`, `replace`) so that the map marks what the change adds or alters.
    """

    def __init__(
        self,
        stack: str,
        project_dir: Path,
        registrations: list[dict[str, Any]],
        violations: Iterable[ReportedViolation] = (),
        changes: Mapping[str, str] | None = None,
    ) -> None:
        self.stack = stack
        self.project_dir = project_dir
        self.index = StackIndex(registrations)
        self.violations = [v for v in violations if v.enforcement_level == "mandatory"]
        self.changes = dict(changes or {})
        unknown = sorted({op for op in self.changes.values() if op not in CHANGE_KINDS})
        if unknown:
            raise ValueError(
                f"residency map: unknown change operation(s) {unknown}; each URN maps to one of "
                f"{sorted(CHANGE_KINDS)}"
            )
        self._outside: dict[str, Node] = {}
        self._flows: list[Flow] | None = None
        self._graph: tuple[list[Place], list[Node], list[Flow]] | None = None
        self.stack_regions = _stack_regions(project_dir)
        self.home = self.stack_regions.get(stack) or self._most_common_region()

    # Flows -------------------------------------------------------------------------------------------------

    def flows(self) -> list[Flow]:
        """Every flow: the copies residency_facts knows and the network paths, one per pair and mechanism."""
        if self._flows is None:
            found = CopyFinder(self.index, self._outside).flows()
            found += NetworkFinder(self.index, self.project_dir, self.stack, self._outside).flows()
            merged: dict[tuple[str, str, str], Flow] = {}
            for flow in found:
                key = (flow.source, flow.target, "network" if flow.network else flow.how)
                if key in merged:
                    seen = merged[key]
                    how = seen.how if flow.how in seen.how.split(" and ") else f"{seen.how} and {flow.how}"
                    flow = Flow(
                        flow.source,
                        flow.target,
                        seen.what | flow.what,
                        how,
                        tuple(dict.fromkeys(seen.via + flow.via)),
                        flow.network,
                    )
                merged[key] = flow
            self._flows = list(merged.values())
        return self._flows

    # Nodes -------------------------------------------------------------------------------------------------

    def graph(self) -> tuple[list[Place], list[Node], list[Flow]]:
        """The places, nodes and flows the map draws, in drawing order (node `n<i>` is the i-th node)."""
        if self._graph is None:
            self._graph = self._build()
        return self._graph

    def _build(self) -> tuple[list[Place], list[Node], list[Flow]]:
        flows = self.flows()
        index = self.index
        nodes: dict[str, Node] = {}
        for urn, view in index.views.items():
            if view.data_holding and view.custom:
                nodes[urn] = self._resource_node(urn, "store")
        for flow in flows:
            for end in (flow.source, flow.target):
                if end in nodes:
                    continue
                nodes[end] = (
                    self._outside[end] if end in self._outside else self._resource_node(end, "resource")
                )
        self._mark_violations(nodes)
        self._mark_deleted(nodes)
        for node in nodes.values():
            ranked = [op for urn in node.urns if (op := self.changes.get(urn))]
            node.change = max(ranked, key=lambda op: CHANGE_RANK[op]) if ranked else None
        merged = self._merge_quiet_stores(nodes, flows)
        places = self._places(merged)
        order = {place.key: number for number, place in enumerate(places)}
        drawn = sorted(
            merged.values(),
            key=lambda n: (order[n.place], _class_order(n.classification), n.kind != "store", n.lines),
        )
        return places, drawn, flows

    def _resource_node(self, urn: str, kind: str) -> Node:
        view = self.index.views[urn]
        classification = self.index.classification(urn) or (
            view.classification if view.classification else None
        )
        lines = [_kind(view.type), view.name]
        if kind == "store":
            title = CLASS_TITLES.get(classification or UNCLASSIFIED, classification or "")
            lines = [f"{title} · {_kind(view.type)}", view.name]
        elif classification:
            lines = [f"{_kind(view.type)} ({CLASS_TITLES.get(classification, classification)})", view.name]
        place = self.index.region(urn) or (UNTRACEABLE_PLACE if view.region == "unknown" else NO_REGION)
        return Node(urn, kind, place, classification, lines, [urn])

    def _mark_violations(self, nodes: dict[str, Node]) -> None:
        """Every mandatory violation on the node of the resource it names (a node is added if need be)."""
        for violation in self.violations:
            urn = violation.urn
            if urn in self.index.by_urn and self.index.type_of(urn) != STACK_TYPE:
                node = nodes.get(urn)
                if node is None:
                    node = nodes[urn] = self._resource_node(urn, "resource")
            else:
                # A stack policy's violation that names no resource, or a URN the preview never registered.
                key = urn or "stack"
                if key not in nodes:
                    kind, name = _type_and_name(urn) if urn else (STACK_TYPE, self.stack)
                    lines = ["stack" if kind == STACK_TYPE else _kind(kind), name]
                    place = self.home if kind == STACK_TYPE and self.home else NO_REGION
                    nodes[key] = Node(key, "resource", place, None, lines, [urn] if urn else [])
                node = nodes[key]
            if violation.policy_name not in node.violations:
                node.violations.append(violation.policy_name)

    def _mark_deleted(self, nodes: dict[str, Node]) -> None:
        """Data stores the change deletes: their state is gone from the program, so only the URN says what."""
        for urn, op in self.changes.items():
            if op != "delete" or urn in nodes:
                continue
            kind, name = _type_and_name(urn)
            if kind in DATA_HOLDING_TYPES:
                nodes[urn] = Node(urn, "store", DELETED, None, [f"data store · {_kind(kind)}", name], [urn])

    def _merge_quiet_stores(self, nodes: dict[str, Node], flows: list[Flow]) -> dict[str, Node]:
        """Stores no flow touches and nothing marks, one node per region and classification: still listed.

        PII stores are never merged: each stays a box of its own, the first thing a reviewer looks for.
        """
        busy = {end for flow in flows for end in (flow.source, flow.target)}
        quiet: dict[tuple[str, str | None], list[Node]] = {}
        for node in nodes.values():
            if (
                node.kind != "store"
                or node.key in busy
                or node.violations
                or node.change not in (None, "same")
            ):
                continue
            if node.classification == Classification.PII.value:
                continue
            quiet.setdefault((node.place, node.classification), []).append(node)
        result = dict(nodes)
        for (place, classification), group in quiet.items():
            if len(group) < 2:
                continue
            for node in group:
                del result[node.key]
            title = CLASS_TITLES.get(classification or UNCLASSIFIED, classification or "")
            kinds = sorted({self.index.views[n.key].type for n in group})
            names = sorted((self.index.views[n.key].name, _kind(self.index.views[n.key].type)) for n in group)
            if len(kinds) == 1:
                lines = [f"{title} · {len(group)} {_kind(kinds[0])}s", *(name for name, _ in names)]
            else:
                lines = [f"{title} · {len(group)} data stores", *(f"{name} ({kind})" for name, kind in names)]
            key = f"group:{place}:{classification}"
            result[key] = Node(key, "store", place, classification, lines, [n.key for n in group])
        return result

    def _places(self, nodes: dict[str, Node]) -> list[Place]:
        used = {node.place for node in nodes.values()}
        regions = sorted(p for p in used if not p.startswith("place:") and p != self.home)
        ordered = ([self.home] if self.home in used else []) + regions
        places = [Place(region, self._region_title(region)) for region in ordered]
        places += [Place(key, PLACE_TITLES[key]) for key in OUTSIDE_ORDER if key in used]
        return places

    def _region_title(self, region: str) -> str:
        jurisdiction = jurisdiction_of_region(region)
        parts = [
            region,
            f"{jurisdiction.code} · {jurisdiction.law}"
            if jurisdiction
            else "outside every known jurisdiction",
        ]
        stacks = sorted(s for s, r in self.stack_regions.items() if r == region)
        if region == self.home:
            parts.append(f"this stack: {self.stack}")
        elif stacks:
            parts.append("stack " + ", ".join(stacks))
        return " · ".join(parts)

    def _most_common_region(self) -> str | None:
        regions = Counter(r for urn in self.index.by_urn if (r := self.index.region(urn)))
        return min(regions, key=lambda r: (-regions[r], r)) if regions else None

    # Output ------------------------------------------------------------------------------------------------

    def mermaid(self) -> str:
        """The map as a Mermaid block, ready for a pull-request comment."""
        places, nodes, flows = self.graph()
        return draw(places, nodes, flows, [self._flow_change(f) for f in flows], bool(self.changes))

    def _flow_change(self, flow: Flow) -> str | None:
        ends = [flow.source, flow.target]
        ranked = [op for urn in (*flow.via, *ends) if (op := self.changes.get(urn)) and op != "same"]
        return max(ranked, key=lambda op: CHANGE_RANK[op]) if ranked else None

    def markdown(self) -> str:
        """Heading, the map, the flows and violations it shows, and how it is drawn."""
        places, nodes, flows = self.graph()
        text = draw(places, nodes, flows, [self._flow_change(f) for f in flows], bool(self.changes))
        names = {urn: self.index.views[urn].name for urn in self.index.views}
        label = {
            node.key: node.lines[-1] if node.kind != "outside" else " ".join(node.lines) for node in nodes
        }
        place_of = {node.key: node.place for node in nodes}
        titles = {place.key: place.title.split(" · ")[0] for place in places}
        lines = [f"### Residency map: stack `{self.stack}`", "", text, ""]
        by_key = {node.key: node for node in nodes}
        crossing = [f for f in flows if crosses(by_key[f.source], by_key[f.target])]
        lines.append(
            f"{len(flows)} flow(s), {len(crossing)} leaving a region or account; "
            f"{len(self.violations)} mandatory violation(s)."
            if flows or self.violations
            else "No data flow and no mandatory violation found in this stack's resources."
        )
        if flows:
            lines += ["", "| From | To | What crosses | How | Made by |", "| --- | --- | --- | --- | --- |"]
            for flow in flows:
                change = self._flow_change(flow)
                how = f"{flow.how} ({change})" if change else flow.how
                lines.append(
                    f"| {_cell(label[flow.source])} ({_cell(titles[place_of[flow.source]])}) "
                    f"| {_cell(label[flow.target])} ({_cell(titles[place_of[flow.target]])}) "
                    f"| {_cell(describe(flow.what))} | {_cell(how)} "
                    f"| {_cell(', '.join(names.get(u, u) for u in flow.via))} |"
                )
        if self.violations:
            lines += ["", "| Mandatory policy | Resource | Violation |", "| --- | --- | --- |"]
            for violation in self.violations:
                resource = names.get(violation.urn, violation.urn or f"stack {self.stack}")
                wrong = _what_is_wrong(violation)
                lines.append(f"| {_cell(violation.policy_name)} | {_cell(resource)} | {_cell(wrong)} |")
        lines += ["", *HOW_IT_IS_DRAWN]
        return "\n".join(lines)


HOW_IT_IS_DRAWN = [
    "<details><summary>How this map is drawn</summary>",
    "",
    "Each box is a region (a resource's own `region` input, else its provider's; Kubernetes objects sit in",
    "their cluster's region) or somewhere outside every region. Cylinders are data stores, coloured by",
    "`data-classification`; stores that no flow touches are listed together per classification. An arrow is",
    "data moving the way it points: every copy, replication, share or export that the policy pack's",
    "`residency_facts` knows (from its source through the resource that copies to where the copy lands,",
    "untraceable ends included), and every network path: whoever can connect from another region can read",
    "what the path exposes; inside a region, a data store's workload connecting to another's. Its label is",
    "what crosses. A thick arrow leaves the region or account. Mandatory policy violations are drawn on the",
    "resource they name. Flows set up at run time (application code, the SQL replication itself) are not",
    "visible to a preview: the network paths that allow them are.",
    "",
    "</details>",
]


def _what_is_wrong(violation: ReportedViolation) -> str:
    """The violation itself: the last line of the message (the CLI puts the policy's description first),
    without the why and how that the preview's own output shows in full."""
    lines = [line for line in violation.message.strip().splitlines() if line.strip()]
    return lines[-1].split(" Why it matters:")[0] if lines else ""


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def _kind(resource_type: str) -> str:
    """`aws:rds/instance:Instance` -> `rds Instance`; `kubernetes:apps/v1:StatefulSet` -> `StatefulSet`."""
    parts = resource_type.split(":")
    if len(parts) != 3:
        return resource_type
    module = parts[1].split("/")[0]
    return parts[2] if parts[0] == "kubernetes" else f"{module} {parts[2]}"


def _type_and_name(urn: str) -> tuple[str, str]:
    """The type and name a URN names (`urn:pulumi:stack::project::parent$type::name`)."""
    parts = urn.split("::")
    if len(parts) < 4:
        return "resource", urn
    return parts[2].split("$")[-1], "::".join(parts[3:])


def _class_order(classification: str | None) -> int:
    order = ["pii", "telemetry", "anonymised", "internal", "public"]
    return order.index(classification) if classification in order else len(order)


def _stack_regions(project_dir: Path) -> dict[str, str]:
    """Each stack of the project with the region its config names."""
    found = {}
    for path in sorted(project_dir.glob("Pulumi.*.yaml")):
        try:
            config = (yaml.safe_load(path.read_text()) or {}).get("config") or {}
        except (yaml.YAMLError, AttributeError, OSError):
            continue
        region = config.get("aws:region") if isinstance(config, dict) else None
        if isinstance(region, str) and REGION_PATTERN.fullmatch(region):
            found[path.name[len("Pulumi.") : -len(".yaml")]] = region
    return found
