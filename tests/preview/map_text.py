"""Reading a residency map back: the nodes, edges, classes and boxes of the Mermaid text the map emits.

The tests assert on what is drawn (an arrow's direction, a node's class), so they read the Mermaid text
itself rather than the objects it was drawn from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from tests.session_cache import recorded_registrations

from .conftest import REPOSITORY

REAL_STACKS = {"eu": "eu-west-1", "india": "ap-south-1"}

_SUBGRAPH = re.compile(r'^\s*subgraph (\w+)\["(.*)"\]$')
_NODE = re.compile(r'^\s*(n\d+)(\[\(|\(\[|\[)"(.*)"(?:\)\]|\]\)|\])$')
_EDGE = re.compile(r'^\s*(n\d+) (==>|-->)\|"(.*)"\| (n\d+)$')
_CLASS = re.compile(r"^\s*class ([\w,]+) (\w+)$")
_LINK_STYLE = re.compile(r"^\s*linkStyle (\d+) (.*)$")
_LEGEND_ENTRY = re.compile(r'(lg_\w+)(\[\(|\(\[|\[)"(.*?)"(?:\)\]|\]\)|\]):::(\w+)')
_SHAPES = {"[(": "store", "([": "outside", "[": "resource"}


def unescape(text: str) -> str:
    """A label as a reader sees it: Mermaid entities decoded, line breaks as newlines, no bold tags."""
    text = text.replace("<br/>", "\n").replace("<b>", "").replace("</b>", "")
    for entity, char in (("#quot;", '"'), ("#lt;", "<"), ("#gt;", ">"), ("#35;", "#")):
        text = text.replace(entity, char)
    return text


@dataclass
class DrawnNode:
    """A node as drawn: its id, shape, label lines, classes and the box (subgraph title) it is in."""

    id: str
    shape: str
    lines: list[str]
    box: str
    classes: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class DrawnEdge:
    """An arrow as drawn: from, to, thick (==>) or thin (-->), its label and its linkStyle."""

    source: str
    target: str
    thick: bool
    label: str
    style: str


@dataclass
class DrawnMap:
    """Everything a residency map's Mermaid block draws."""

    text: str
    nodes: dict[str, DrawnNode]
    edges: list[DrawnEdge]
    boxes: dict[str, str]
    """Subgraph id -> title."""

    def named(self, name: str) -> DrawnNode:
        """The one node with a label line that is, or ends with, this resource name."""
        found = [n for n in self.nodes.values() if any(line.split(" ")[-1] == name for line in n.lines)]
        assert len(found) == 1, f"{len(found)} nodes named {name!r} in:\n{self.text}"
        return found[0]

    def edges_from(self, node: DrawnNode) -> list[DrawnEdge]:
        """The arrows leaving a node."""
        return [edge for edge in self.edges if edge.source == node.id]

    def edges_to(self, node: DrawnNode) -> list[DrawnEdge]:
        """The arrows reaching a node."""
        return [edge for edge in self.edges if edge.target == node.id]


def read_map(markdown: str) -> DrawnMap:
    """Parse a residency map's two ```mermaid blocks, the map and its legend; fails on a line never emitted.

    Only the map's block counts links for `linkStyle`: each Mermaid diagram numbers its own.
    """
    blocks = [part.split("\n```", 1)[0] for part in markdown.split("```mermaid\n")[1:]]
    assert len(blocks) == 2, f"a map and its legend, not {len(blocks)} Mermaid block(s)"
    assert "subgraph legend[" in blocks[1] and "subgraph legend[" not in blocks[0], markdown
    block = blocks[0] + "\n" + blocks[1]
    map_lines = blocks[0].count("\n") + 1
    nodes: dict[str, DrawnNode] = {}
    raw_edges: list[tuple[str, str, bool, str]] = []
    styles: dict[int, str] = {}
    boxes: dict[str, str] = {}
    box = ""
    links = 0
    for number, line in enumerate(block.splitlines()):
        if number == map_lines:
            first_flow = links - len(raw_edges)
        if match := _SUBGRAPH.match(line):
            boxes[match.group(1)] = box = unescape(match.group(2))
        elif line.strip() == "end":
            box = ""
        elif match := _NODE.match(line):
            shape = _SHAPES[match.group(2)]
            nodes[match.group(1)] = DrawnNode(
                match.group(1), shape, unescape(match.group(3)).split("\n"), box
            )
        elif match := _EDGE.match(line):
            raw_edges.append(
                (match.group(1), match.group(4), match.group(2) == "==>", unescape(match.group(3)))
            )
            links += 1
        elif match := _CLASS.match(line):
            for node in match.group(1).split(","):
                if node in nodes:
                    nodes[node].classes.add(match.group(2))
        elif match := _LINK_STYLE.match(line):
            styles[int(match.group(1))] = match.group(2)
        elif box.startswith("Legend") and (entries := _LEGEND_ENTRY.findall(line)):
            for name, shape, label, css in entries:
                nodes[name] = DrawnNode(name, _SHAPES[shape], unescape(label).split("\n"), box, {css})
            links += line.count("~~~")
        elif "~~~" in line:
            links += line.count("~~~")
    edges = [
        DrawnEdge(source, target, thick, label, styles.get(first_flow + index, ""))
        for index, (source, target, thick, label) in enumerate(raw_edges)
    ]
    return DrawnMap(block, nodes, edges, boxes)


def real_stack_registrations(stack: str) -> tuple[dict[str, Any], ...]:
    """The registrations of a real stack under the offline preview's recorder (recorded once a session)."""
    return recorded_registrations(REPOSITORY, stack)
