"""The preview as people and machines read it: a resource tree, the policy violations, the JSON document."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from offline_preview.analysis import PackResult, PolicyViolation
from offline_preview.inventory import ResourceView

ROOT_STACK_TYPE = "pulumi:pulumi:Stack"


def _children(views: list[ResourceView]) -> dict[str | None, list[ResourceView]]:
    """Views grouped by parent; resources whose parent is unknown hang off the root."""
    known = {view.urn for view in views}
    children: dict[str | None, list[ResourceView]] = {}
    for view in views:
        parent = view.parent if view.parent in known else None
        if view.type == ROOT_STACK_TYPE:
            parent = None
        children.setdefault(parent, []).append(view)
    return children


def _order(views: Iterable[ResourceView]) -> list[ResourceView]:
    """Stack first, then providers, then components, then resources, each by name."""

    def rank(view: ResourceView) -> tuple[int, str, str]:
        if view.type == ROOT_STACK_TYPE:
            group = 0
        elif view.type.startswith("pulumi:providers:"):
            group = 1
        elif not view.custom:
            group = 2
        else:
            group = 3
        return group, view.type, view.name

    return sorted(views, key=rank)


def tree_lines(views: list[ResourceView]) -> list[str]:
    """The resource tree, one `+` (create) row per resource, with region and classification columns."""
    children = _children(views)
    rows: list[tuple[str, str, str, str]] = []

    def walk(parent: str | None, prefix: str) -> None:
        items = _order(children.get(parent, []))
        for index, view in enumerate(items):
            last = index == len(items) - 1
            branch = "" if parent is None else ("└─ " if last else "├─ ")
            region = view.region or ""
            if view.region_note and view.region_note not in (
                "resource region",
                "default provider",
                "provider config",
            ):
                region = f"{region} ({view.region_note})" if region else view.region_note
            elif view.region_note == "resource region":
                region = f"{region} (own region)"
            classification = view.classification or ("UNCLASSIFIED" if view.data_holding else "")
            rows.append((prefix + branch + view.type, view.name, region, classification))
            walk(view.urn, prefix + ("" if parent is None else ("   " if last else "│  ")))

    walk(None, "")
    widths = [max([len(header)] + [len(row[i]) for row in rows]) for i, header in enumerate(_HEADERS)]
    lines = ["     " + "  ".join(header.ljust(widths[i]) for i, header in enumerate(_HEADERS)).rstrip()]
    for row in rows:
        lines.append(" +   " + "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
    return lines


_HEADERS = ("Type", "Name", "Region", "Classification")


def violation_lines(results: list[PackResult], views: list[ResourceView]) -> list[str]:
    """The policy section: each pack, then each violation with its level, policy, resource and message."""
    names = {view.urn: f"{view.type}: {view.name}" for view in views}
    lines = ["Policies:"]
    for result in results:
        mandatory = [v for v in result.violations if v.enforcement_level == "mandatory"]
        mark = "❌" if mandatory else "✅"
        lines.append(f"    {mark} {result.name}@v{result.version} (local: {result.path})")
        for violation in sorted(result.violations, key=_violation_order):
            resource = names.get(violation.urn, violation.urn)
            lines.append(f"        - [{violation.enforcement_level}]  {violation.policy_name}  ({resource})")
            for message_line in violation.message.splitlines():
                lines.append(f"          {message_line}")
    return lines


def _violation_order(violation: PolicyViolation) -> tuple[int, str, str]:
    """Mandatory first, then by policy and resource."""
    return (0 if violation.enforcement_level == "mandatory" else 1), violation.policy_name, violation.urn


def document(stack: str, views: list[ResourceView], results: list[PackResult]) -> dict[str, Any]:
    """The `--json` document."""
    return {
        "stack": stack,
        "resources": [view.to_json() for view in sorted(views, key=lambda view: view.urn)],
        "policyViolations": [
            violation.to_json()
            for result in results
            for violation in sorted(result.violations, key=_violation_order)
        ],
    }
