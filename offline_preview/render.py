"""The preview as people and machines read it: a resource tree, policies, outputs, the JSON document.

Laid out as the CLI's progress display lays out a preview (pkg/backend/display/progress.go): type
display names (`tokens.Type.DisplayName` in sdk/go/common/tokens/tokens.go:
`random:index/randomPassword:RandomPassword` shows as `random:index:RandomPassword`), resources without a
parent under the stack, a Policies section with `[remediate]` lines before the violations, and an Outputs
section.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from offline_preview.inventory import ResourceView, is_unknown
from offline_preview.wire import SECRET_SIGNATURE, SIGNATURE_KEY

if TYPE_CHECKING:
    from offline_preview.analysis import PackResult, PolicyViolation
    from offline_preview.cli import Outcome

ROOT_STACK_TYPE = "pulumi:pulumi:Stack"

OPERATION_SYMBOLS = {"create": "+", "update": "~", "delete": "-", "replace": "+-", "same": " "}
"""The CLI's step symbols."""


def display_name(type_token: str) -> str:
    """`pkg:module/file:Type` -> `pkg:module:Type` when `file` is `Type` in camelCase, as the CLI shows it."""
    parts = type_token.split(":")
    if len(parts) != 3 or not parts[2]:
        return type_token
    package, module, name = parts
    slash = module.rfind("/")
    if slash == -1:
        return type_token
    if module[slash + 1 :] != name[0].lower() + name[1:]:
        return type_token
    return f"{package}:{module[:slash]}:{name}"


def _children(views: list[ResourceView]) -> dict[str | None, list[ResourceView]]:
    """Views grouped by parent; one without a (known) parent hangs off the stack, as the CLI shows it."""
    known = {view.urn for view in views}
    root = next((view.urn for view in views if view.type == ROOT_STACK_TYPE), None)
    children: dict[str | None, list[ResourceView]] = {}
    for view in views:
        parent = view.parent if view.parent in known else root
        if view.type == ROOT_STACK_TYPE:
            parent = None
        children.setdefault(parent, []).append(view)
    return children


def _order(views: Iterable[ResourceView]) -> list[ResourceView]:
    """Stack first, then providers, then components, then resources, each by type and name."""

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


def tree_lines(views: list[ResourceView], operations: dict[str, str] | None = None) -> list[str]:
    """The resource tree, one row per resource with its step, region and classification."""
    children = _children(views)
    rows: list[tuple[str, str, str, str, str]] = []

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
            operation = (operations or {}).get(view.urn, "create")
            rows.append(
                (
                    OPERATION_SYMBOLS.get(operation, "?"),
                    prefix + branch + display_name(view.type),
                    view.name,
                    region,
                    classification,
                )
            )
            walk(view.urn, prefix + ("" if parent is None else ("   " if last else "│  ")))

    walk(None, "")
    widths = [max([len(header)] + [len(row[i + 1]) for row in rows]) for i, header in enumerate(_HEADERS)]
    lines = ["     " + "  ".join(header.ljust(widths[i]) for i, header in enumerate(_HEADERS)).rstrip()]
    for row in rows:
        cells = "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[1:])).rstrip()
        lines.append(f" {row[0]:<2}  {cells}")
    return lines


_HEADERS = ("Type", "Name", "Region", "Classification")


def violation_lines(results: list[PackResult], views: list[ResourceView]) -> list[str]:
    """Each pack, its `[remediate]` lines, then each violation with its level, policy, resource, message."""
    names = {view.urn: f"{display_name(view.type)}: {view.name}" for view in views}
    lines = ["Policies:"]
    for result in results:
        mark = "✅"
        for violation in result.violations:
            if violation.enforcement_level == "mandatory":
                mark = "❌"
                break
            mark = "⚠️"
        lines.append(f"    {mark} {result.name}@v{result.version} (local: {result.path})")
        counts: dict[str, int] = {}
        for remediation in result.remediations:
            counts[remediation.policy_name] = counts.get(remediation.policy_name, 0) + 1
        for policy in sorted(counts):
            count = counts[policy]
            lines.append(f"        - [remediate]  {policy}  ({count} resource{'' if count == 1 else 's'})")
        for violation in sorted(result.violations, key=_violation_order):
            resource = names.get(violation.urn, violation.urn)
            lines.append(f"        - [{violation.enforcement_level}]  {violation.policy_name}  ({resource})")
            for message_line in violation.message.splitlines():
                lines.append(f"          {message_line}")
    return lines


def _violation_order(violation: PolicyViolation) -> tuple[int, str, str]:
    """Mandatory first, then by policy and resource."""
    return (0 if violation.enforcement_level == "mandatory" else 1), violation.policy_name, violation.urn


def output_value(value: Any) -> Any:
    """A stack output as the preview shows it: unknowns as `output<string>`, secrets as `[secret]`."""
    if is_unknown(value):
        return "output<string>"
    if isinstance(value, dict):
        if value.get(SIGNATURE_KEY) == SECRET_SIGNATURE:
            return "[secret]"
        return {key: output_value(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [output_value(inner) for inner in value]
    if isinstance(value, float) and value.is_integer():
        # Protobuf carries every number as a double; the program exported an integer.
        return int(value)
    return value


def output_lines(outputs: dict[str, Any]) -> list[str]:
    """The Outputs section: one `name: value` per stack output, sorted by name."""
    if not outputs:
        return []
    lines = ["Outputs:"]
    for name in sorted(outputs):
        value = output_value(outputs[name])
        shown = value if isinstance(value, str) else json.dumps(value)
        lines.append(f"    {name}: {shown}")
    return lines


def _summary_lines(outcome: Outcome, mode: str) -> list[str]:
    """The Resources section: how many of each step (a preview against no state creates everything)."""
    if mode == "analyze":
        return ["Resources:", f"    {len(outcome.views)} analyzed"]
    operations = outcome.changes.operations if outcome.changes is not None else {}
    counts: dict[str, int] = {}
    for view in outcome.views:
        operation = operations.get(view.urn, "create")
        counts[operation] = counts.get(operation, 0) + 1
    if outcome.changes is not None:
        counts["delete"] = len(outcome.changes.deleted_views)
    lines = ["Resources:"]
    for operation, label in (
        ("create", "to create"),
        ("update", "to update"),
        ("delete", "to delete"),
        ("replace", "to replace"),
    ):
        if counts.get(operation):
            lines.append(f"    {OPERATION_SYMBOLS[operation]} {counts[operation]} {label}")
    if counts.get("same"):
        lines.append(f"    {counts['same']} unchanged")
    return lines


def text_lines(outcome: Outcome, seconds: float, mode: str, failed: bool = False) -> list[str]:
    """The whole text report."""
    lines: list[str] = []
    if mode == "analyze":
        lines.append(f"Analyzing ({outcome.stack}) offline: project {outcome.project}, deployed state")
    else:
        against = "deployed state" if outcome.changes is not None else "empty state"
        lines.append(
            f"Previewing update ({outcome.stack}) offline: project {outcome.project}, mock runtime, {against}"
        )
    lines.append("")
    if not failed:
        views = list(outcome.views)
        if outcome.changes is not None:
            views += outcome.changes.deleted_views
        operations = outcome.changes.operations if outcome.changes is not None else None
        lines.extend(tree_lines(views, operations))
    notes = [d for d in outcome.diagnostics if d["severity"] in ("info", "warning", "error")]
    if outcome.program_output.strip() or notes:
        lines += ["", "Diagnostics:"]
        for line in outcome.program_output.strip().splitlines():
            lines.append(f"    {line}")
        for note in notes:
            source = f"{note['source']}: " if note.get("source") else ""
            lines.append(f"    {note['severity']}: {source}{note['message']}")
    if failed:
        return lines
    lines.append("")
    if outcome.results:
        lines.extend(violation_lines(outcome.results, outcome.views))
    else:
        lines.append("Policies: none (no policy pack given and no policies/ directory)")
    if outcome.outputs:
        lines.append("")
        lines.extend(output_lines(outcome.outputs))
    lines.append("")
    lines.extend(_summary_lines(outcome, mode))
    lines.append("")
    mandatory = outcome.mandatory
    verdict = f"{mandatory} mandatory policy violation(s)" if mandatory else "no mandatory policy violation"
    lines.append(f"Duration: {seconds:.1f}s; {verdict}")
    return lines


def document(outcome: Outcome) -> dict[str, Any]:
    """The `--json` document: the same facts as the text, valid JSON whether or not the run succeeded."""
    operations = outcome.changes.operations if outcome.changes is not None else {}
    resources = []
    for view in sorted(outcome.views, key=lambda view: view.urn):
        entry = view.to_json()
        if outcome.changes is not None:
            entry["op"] = operations.get(view.urn, "create")
        resources.append(entry)
    if outcome.changes is not None:
        for view in outcome.changes.deleted_views:
            resources.append({**view.to_json(), "op": "delete"})
    return {
        "stack": outcome.stack,
        "resources": resources,
        "policyViolations": [
            violation.to_json()
            for result in outcome.results
            for violation in sorted(result.violations, key=_violation_order)
        ],
        "remediations": [
            remediation.to_json() for result in outcome.results for remediation in result.remediations
        ],
        "outputs": {name: output_value(value) for name, value in sorted(outcome.outputs.items())},
        "changes": dict(sorted(operations.items())) if outcome.changes is not None else None,
        "diagnostics": outcome.diagnostics,
        "programOutput": outcome.program_output,
        "notes": outcome.notes,
        "error": outcome.error,
    }
