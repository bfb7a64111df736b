"""The recorded registrations of one preview, indexed for the map: residency facts, lineage and names."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from offline_preview.diagram.graph import known, top_level, values_at
from offline_preview.inventory import UNKNOWN, Inventory, ResourceView, plain

NAME_INPUTS = ("identifier", "clusterIdentifier", "bucket", "name", "domainName", "metadata.name", "arn")
"""Inputs holding a resource's physical name, by which a copy may name its source instead of a reference."""


class StackIndex:
    """Every registration with its residency facts (inventory), lineage both ways, and physical names."""

    def __init__(self, registrations: list[dict[str, Any]]) -> None:
        self.registrations = registrations
        self.inventory = Inventory(registrations)
        self.views: dict[str, ResourceView] = {view.urn: view for view in self.inventory.views()}
        self.by_urn = self.inventory.by_urn
        self._inputs: dict[str, dict[str, Any]] = {}
        self._dependents: dict[str, list[str]] = defaultdict(list)
        self._children: dict[str, list[str]] = defaultdict(list)
        self._names: dict[str, list[str]] | None = None
        for registration in registrations:
            urn = registration["urn"]
            referenced = set(registration.get("dependencies") or [])
            for urns in (registration.get("property_dependencies") or {}).values():
                referenced.update(urns)
            for other in sorted(referenced):
                self._dependents[other].append(urn)
            if registration.get("parent"):
                self._children[registration["parent"]].append(urn)

    def inputs(self, urn: str) -> dict[str, Any]:
        """A resource's inputs without secret wrappers."""
        if urn not in self._inputs:
            value = plain((self.by_urn.get(urn) or {}).get("inputs") or {})
            self._inputs[urn] = value if isinstance(value, dict) else {}
        return self._inputs[urn]

    def type_of(self, urn: str) -> str:
        """A resource's type token."""
        return str(self.by_urn[urn]["type"])

    def dependencies(self, urn: str, path: str) -> list[str]:
        """The resources the top-level input of a path was computed from; for a path that starts with `*`
        or `**`, those of every input it reaches into (tags aside)."""
        deps = (self.by_urn.get(urn) or {}).get("property_dependencies") or {}
        top = top_level(path)
        if top is not None:
            return [other for other in deps.get(top, []) if other in self.by_urn]
        inputs = self.inputs(urn)
        first, _, rest = path.partition(".")
        found: dict[str, None] = {}
        for name, urns in deps.items():
            if name in ("tags", "tagsAll"):
                continue
            # `*.x` reaches x in each input; `**.x` reaches x at any depth, the input itself included.
            reached = (rest if first.removesuffix("[]") == "*" else path) if rest else ""
            if not reached or values_at(inputs.get(name), reached):
                found.update(dict.fromkeys(u for u in urns if u in self.by_urn))
        return list(found)

    def dependents(self, urn: str) -> list[str]:
        """The resources with an input (or a dependency) computed from this one."""
        return list(self._dependents.get(urn, []))

    def children(self, urn: str) -> list[str]:
        """The resources parented to this one (a component's members)."""
        return list(self._children.get(urn, []))

    def region(self, urn: str) -> str | None:
        """The region a resource's data lives in; None when it has none or it is unknown at preview."""
        view = self.views.get(urn)
        if view is None or view.region in (None, UNKNOWN, "global"):
            return None
        return view.region

    def classification(self, urn: str) -> str | None:
        """A resource's `data-classification`; None when absent or unknown."""
        view = self.views.get(urn)
        if view is None or view.classification in (None, UNKNOWN):
            return None
        return view.classification

    def holds_data(self, urn: str) -> bool:
        """Whether residency_facts lists the resource's type as holding data."""
        view = self.views.get(urn)
        return bool(view and view.data_holding)

    def named(self, value: str) -> list[str]:
        """The resources whose physical name or ARN is this value."""
        if self._names is None:
            self._names = defaultdict(list)
            for registration in self.registrations:
                if not registration.get("custom"):
                    continue
                inputs = self.inputs(registration["urn"])
                for path in NAME_INPUTS:
                    for found in values_at(inputs, path):
                        name = known(found)
                        if name:
                            self._names[name].append(registration["urn"])
        return list(self._names.get(value, []))
