"""Draws the residency map as a Mermaid flowchart that GitHub renders in a pull-request comment.

Only syntax that Mermaid has understood since version 10 is used (subgraphs with titles, `class` and
`classDef`, `linkStyle` by index, invisible links), so the map renders whichever Mermaid GitHub runs;
tests/mermaid renders it with a pinned Mermaid in Chromium as the proof.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from offline_preview.diagram.graph import UNCLASSIFIED, UNTRACEABLE, Flow, Node, crosses

SENSITIVITY = ("pii", UNTRACEABLE, UNCLASSIFIED, "unknown", "telemetry", "internal", "public", "anonymised")
"""Classifications, the most sensitive first: a flow is coloured by the most sensitive one it carries."""

CLASS_TITLES = {
    "pii": "PII",
    "telemetry": "telemetry",
    "anonymised": "anonymised",
    "internal": "internal",
    "public": "public",
    UNCLASSIFIED: "UNCLASSIFIED",
    UNTRACEABLE: "UNTRACEABLE",
    "unknown": "classification unknown",
}

# Fill, border and text colours per classification. Text is always dark on a light fill, so the map stays
# readable in GitHub's dark theme too; PII has the strongest border.
CLASS_STYLES = {
    "pii": "fill:#fbd5d5,stroke:#b00020,stroke-width:4px,color:#000",
    "telemetry": "fill:#ffe2b0,stroke:#a85400,stroke-width:2px,color:#000",
    "anonymised": "fill:#d3eed8,stroke:#1e7b34,stroke-width:2px,color:#000",
    "internal": "fill:#ececec,stroke:#666,stroke-width:1px,color:#000",
    "public": "fill:#dcebfb,stroke:#1f5fa8,stroke-width:1px,color:#000",
    "unclassified": "fill:#f3e5f5,stroke:#6a1b9a,stroke-width:3px,stroke-dasharray:5 3,color:#000",
    "outside": "fill:#ffffff,stroke:#333,stroke-width:1px,stroke-dasharray:4 3,color:#000",
    "resource": "fill:#ffffff,stroke:#333,stroke-width:1px,color:#000",
    # Marks over a classification's fill: a violation's heavy black dashes, a change's blue outline.
    "violation": "stroke:#000,stroke-width:5px,stroke-dasharray:10 4",
    "added": "stroke:#0b57d0,stroke-width:5px",
    "changed": "stroke:#0b57d0,stroke-width:3px,stroke-dasharray:3 3",
    "legend": "fill:#ffffff,stroke:#ffffff,color:#000",
}
CLASS_OF = {
    "pii": "pii",
    "telemetry": "telemetry",
    "anonymised": "anonymised",
    "internal": "internal",
    "public": "public",
}

FLOW_COLOURS = {
    "pii": "#b00020",
    UNTRACEABLE: "#6a1b9a",
    UNCLASSIFIED: "#6a1b9a",
    "unknown": "#6a1b9a",
    "telemetry": "#a85400",
    "internal": "#555555",
    "public": "#1f5fa8",
    "anonymised": "#1e7b34",
}

INIT = '%%{init: {"flowchart": {"wrappingWidth": 400, "nodeSpacing": 20, "rankSpacing": 40}}}%%'
"""Labels wrap at 400 px, not 200, so that resource names stay on one line; nodes sit a little closer."""

CHANGE_MARKS = {"create": "✚ added", "update": "✎ updated", "replace": "⟳ replaced", "delete": "✖ deleted"}
VIOLATION_MARK = "⚠"


@dataclass(frozen=True)
class Place:
    """A box of the map: a region, or somewhere outside every region."""

    key: str
    title: str


LOOSE_COLUMN = 4
"""How many nodes that no arrow touches are stacked one below another in a region before a new column."""


def css_class(classification: str | None, kind: str) -> str:
    """The Mermaid class of a node: its classification's, or its kind's."""
    if kind == "outside":
        return "outside"
    if classification in CLASS_OF:
        return CLASS_OF[classification]
    if kind == "store":
        return "unclassified"
    return "resource"


def most_sensitive(what: frozenset[str]) -> str:
    """The most sensitive classification of a set (an unknown name counts as unclassified)."""
    for name in SENSITIVITY:
        if name in what:
            return name
    return UNCLASSIFIED if what else "anonymised"


def describe(what: frozenset[str]) -> str:
    """What crosses, in words, the most sensitive first."""
    order = {name: index for index, name in enumerate(SENSITIVITY)}
    return ", ".join(CLASS_TITLES.get(w, w) for w in sorted(what, key=lambda w: (order.get(w, 0), w)))


def escape(text: str) -> str:
    """Text safe inside a quoted Mermaid label (Mermaid's entity codes for what would end or open a tag)."""
    return text.replace("#", "#35;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


def node_label(node: Node) -> str:
    """A node's label: its lines, escaped, the first in bold when it names a classification."""
    lines = [escape(line) for line in node.lines]
    if node.kind == "store" and lines:
        lines[0] = f"<b>{lines[0]}</b>" if " · " not in lines[0] else _bold_head(lines[0])
    if node.change in CHANGE_MARKS:
        lines.insert(0, CHANGE_MARKS[node.change])
    lines += [f"{VIOLATION_MARK} {escape(policy)}" for policy in node.violations]
    return "<br/>".join(lines)


def _bold_head(line: str) -> str:
    head, _, rest = line.partition(" · ")
    return f"<b>{head}</b><br/>{rest}"


def _shape(node: Node, label: str) -> str:
    if node.kind == "store":
        return f'[("{label}")]'
    if node.kind == "outside":
        return f'(["{label}"])'
    return f'["{label}"]'


def draw(
    places: Sequence[Place],
    nodes: Sequence[Node],
    flows: Sequence[Flow],
    flow_changes: Sequence[str | None],
    with_changes: bool,
) -> str:
    """The map as a ```mermaid block, then its legend as a second, small one right below it.

    The legend is a diagram of its own so that it cannot change the map's layout: inside the map, Mermaid
    places it beside the lowest region, which widens the map until its text is too small to read.
    """
    ids = {node.key: f"n{index}" for index, node in enumerate(nodes)}
    lines = ["```mermaid", INIT, "flowchart TB"]
    hidden_links = 0
    """Invisible links drawn so far: Mermaid numbers them with the arrows, for `linkStyle`."""
    by_place: dict[str, list[Node]] = {}
    for node in nodes:
        by_place.setdefault(node.place, []).append(node)
    touched = {end for flow in flows for end in (flow.source, flow.target)}
    for index, place in enumerate(places):
        members = by_place.get(place.key, [])
        if not members:
            continue
        lines.append(f'  subgraph p{index}["{escape(place.title)}"]')
        lines += [f"    {ids[node.key]}{_shape(node, node_label(node))}" for node in members]
        # Nodes no arrow touches would all sit side by side on one rank, widening the map until its text
        # is too small to read; invisible links stack them in short columns instead.
        loose = [ids[node.key] for node in members if node.key not in touched]
        here = {node.key for node in members}
        leaving = [
            ids[node.key]
            for node in members
            if any(f.source == node.key and f.target not in here for f in flows)
        ]
        for start in range(0, len(loose), LOOSE_COLUMN):
            column = loose[start : start + LOOSE_COLUMN]
            if start == 0 and leaving:
                # Below the stacked stores: the region's ways out are on its lowest rank, and the regions
                # they lead to are drawn under this one instead of beside it.
                for way_out in leaving:
                    lines.append(f"    {column[-1]} ~~~ {way_out}")
                    hidden_links += 1
            if len(column) > 1:
                lines.append("    " + " ~~~ ".join(column))
                hidden_links += len(column) - 1
        lines.append("  end")
    by_key = {node.key: node for node in nodes}
    styles: list[str] = []
    for number, (flow, change) in enumerate(zip(flows, flow_changes, strict=True), start=hidden_links):
        crossing = crosses(by_key[flow.source], by_key[flow.target])
        # What crosses, then how on a line of its own: an unwrapped label would widen the map.
        label = (
            escape(describe(flow.what))
            if flow.network
            else f"{escape(describe(flow.what))}<br/>{escape(flow.how)}"
        )
        if change in CHANGE_MARKS:
            label = f"{CHANGE_MARKS[change].split()[0]} {label}"
        arrow = "==>" if crossing else "-->"
        lines.append(f'  {ids[flow.source]} {arrow}|"{label}"| {ids[flow.target]}')
        colour = FLOW_COLOURS.get(most_sensitive(flow.what), FLOW_COLOURS[UNCLASSIFIED])
        width = 4 if crossing else 2
        dashes = ",stroke-dasharray:6 4" if most_sensitive(flow.what) in (UNTRACEABLE, UNCLASSIFIED) else ""
        styles.append(f"  linkStyle {number} stroke:{colour},stroke-width:{width}px{dashes}")
    for name in CLASS_STYLES:
        if name == "violation":
            chosen = [ids[n.key] for n in nodes if n.violations]
        elif name == "added":
            chosen = [ids[n.key] for n in nodes if n.change in ("create", "replace")]
        elif name == "changed":
            chosen = [ids[n.key] for n in nodes if n.change in ("update", "delete")]
        else:
            chosen = [ids[n.key] for n in nodes if css_class(n.classification, n.kind) == name]
        if chosen:
            lines.append(f"  class {','.join(chosen)} {name}")
    lines += styles
    lines += [f"  classDef {name} {style}" for name, style in CLASS_STYLES.items()]
    lines.append("```")
    return "\n".join([*lines, "", *_legend(with_changes)])


def _legend(with_changes: bool) -> list[str]:
    """The legend, a ```mermaid block of its own: one subgraph of two rows, its title explaining the arrows.

    Each column is a chain of two entries joined by an invisible link; in a top-to-bottom subgraph the
    chains stand side by side.
    """
    entries = [
        ("lg_pii", '[("PII")]', "pii"),
        ("lg_telemetry", '[("telemetry")]', "telemetry"),
        ("lg_anonymised", '[("anonymised")]', "anonymised"),
        ("lg_violation", f'["{VIOLATION_MARK} mandatory violation"]', "violation"),
        ("lg_internal", '[("internal, public")]', "internal"),
        ("lg_unclassified", '[("unclassified")]', "unclassified"),
        ("lg_outside", '(["outside this stack"])', "outside"),
    ]
    if with_changes:
        entries += [
            ("lg_added", f'["{CHANGE_MARKS["create"]} by this change"]', "added"),
            ("lg_changed", f'["{CHANGE_MARKS["update"]} by this change"]', "changed"),
        ]
    columns = (len(entries) + 1) // 2
    rows = [entries[:columns], entries[columns:]]
    lines = [
        "```mermaid",
        INIT,
        "flowchart TB",
        '  subgraph legend["Legend: a thick arrow leaves the region or account, a thin one stays in it"]',
        "    direction TB",
    ]
    for column in range(columns):
        chain = [row[column] for row in rows if column < len(row)]
        lines.append("    " + " ~~~ ".join(f"{name}{shape}:::{style}" for name, shape, style in chain))
    lines.append("  end")
    used = {style for _, _, style in entries}
    lines += [f"  classDef {name} {style}" for name, style in CLASS_STYLES.items() if name in used]
    lines.append("```")
    return lines
