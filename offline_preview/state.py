"""A deployed stack's state, read from what `pulumi stack export` writes (version 3), and a preview's changes.

Two uses, as the CLI has them:
- `analyze --file export.json` runs policy packs over the state alone, as `pulumi policy analyze --file`
  (pkg/cmd/pulumi/policy/policy_analyze.go and `AnalyzeSnapshot` in pkg/resource/deploy/analyze_snapshot.go):
  `Analyze` gets each live resource's inputs, `AnalyzeStack` their outputs, resources marked `delete` are
  skipped; secrets that cannot be decrypted offline read as `[secret]`;
- `preview --state export.json` runs the program against the state: a resource whose inputs did not change
  gets its real id and outputs from the state, and each resource's step (create, update, replace, delete,
  same) follows from the inputs' differences, with the engine's refusals for protected resources
  (`deleteProtectedError` in pkg/resource/deploy/step.go, the replace check in step_generator.go).

Kept free of gRPC and the Pulumi SDK: the program runner imports `classify` too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from offline_preview.project import ProjectError, Runtime, StackSettings
from offline_preview.wire import SECRET_SIGNATURE, SIGNATURE_KEY

REDACTED = "[secret]"
"""What a secret the offline preview cannot decrypt reads as, as `pulumi policy analyze --file` redacts it."""

ROOT_STACK_TYPE = "pulumi:pulumi:Stack"


def name_of(urn: str) -> str:
    """The resource name: the last `::` part of a URN."""
    return urn.rsplit("::", 1)[-1]


def valid_urn(urn: Any) -> bool:
    """`urn:pulumi:<stack>::<project>::<type>::<name>`, as `URN.IsValid` checks it."""
    return isinstance(urn, str) and urn.startswith("urn:pulumi:") and len(urn.split("::")) >= 4


def _decode(value: Any, redacted: list[int]) -> Any:
    """State values as the wire carries them: secrets decrypted (plaintext exports) or redacted."""
    if isinstance(value, dict):
        if value.get(SIGNATURE_KEY) == SECRET_SIGNATURE:
            if "plaintext" in value:
                try:
                    inner = json.loads(value["plaintext"])
                except (TypeError, json.JSONDecodeError):
                    inner = value["plaintext"]
                return {SIGNATURE_KEY: SECRET_SIGNATURE, "value": _decode(inner, redacted)}
            redacted[0] += 1
            return {SIGNATURE_KEY: SECRET_SIGNATURE, "value": REDACTED}
        return {key: _decode(inner, redacted) for key, inner in value.items()}
    if isinstance(value, list):
        return [_decode(inner, redacted) for inner in value]
    return value


@dataclass
class State:
    """The resources of one exported deployment, each shaped like a recorded registration."""

    path: Path
    resources: list[dict[str, Any]]
    stack: str
    project: str
    notes: list[str] = field(default_factory=list)
    secrets_redacted: int = 0

    def live(self) -> list[dict[str, Any]]:
        """Resources not pending deletion, in state order."""
        return [resource for resource in self.resources if not resource.get("delete")]

    def by_urn(self) -> dict[str, dict[str, Any]]:
        """Live resources by URN."""
        return {resource["urn"]: resource for resource in self.live()}

    def analyzer_registrations(self) -> list[dict[str, Any]]:
        """What `AnalyzeSnapshot` analyzes: live resources (inputs to Analyze, outputs to AnalyzeStack)."""
        return self.live()

    def settings(self) -> StackSettings:
        """The stack facts a pack's environment names; `analyze --file` has no project or config."""
        directory = self.path.parent
        return StackSettings(
            project=self.project,
            stack=self.stack,
            project_dir=directory,
            main=directory,
            runtime=Runtime("python"),
            config={},
            secret_keys=[],
        )


def read_state(path: Path) -> State:
    """Read a `pulumi stack export` file; a file that is not one is a clear error naming it."""
    try:
        text = path.read_text()
    except OSError as error:
        raise ProjectError(f"could not open file: {path}: {error.strerror or error}") from error
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ProjectError(f"reading deployment from {path}: {error}") from error
    if not isinstance(document, dict) or not isinstance(document.get("deployment"), dict):
        raise ProjectError(
            f"reading deployment from {path}: not a `pulumi stack export` file (no `deployment` object)"
        )
    version = document.get("version")
    if version != 3:
        raise ProjectError(
            f"reading deployment from {path}: deployment version {version!r} is not supported offline; "
            "export with a Pulumi CLI that writes version 3"
        )
    raw_resources = document["deployment"].get("resources") or []
    if not isinstance(raw_resources, list):
        raise ProjectError(f"reading deployment from {path}: `resources` is not a list")
    redacted = [0]
    resources = []
    for raw in raw_resources:
        if not isinstance(raw, dict) or not valid_urn(raw.get("urn")):
            urn = raw.get("urn") if isinstance(raw, dict) else raw
            raise ProjectError(f"state file {path} contains a resource with an invalid URN {urn!r}")
        timeouts = raw.get("customTimeouts") or {}
        resources.append(
            {
                "urn": raw["urn"],
                "type": raw.get("type", ""),
                "name": name_of(raw["urn"]),
                "custom": bool(raw.get("custom")),
                "id": raw.get("id", ""),
                "parent": raw.get("parent", ""),
                "provider": raw.get("provider", ""),
                "dependencies": list(raw.get("dependencies") or []),
                "property_dependencies": dict(raw.get("propertyDependencies") or {}),
                "inputs": _decode(raw.get("inputs") or {}, redacted),
                "outputs": _decode(raw.get("outputs") or {}, redacted),
                "protect": bool(raw.get("protect")),
                "delete": bool(raw.get("delete")),
                "external": bool(raw.get("external")),
                "ignore_changes": list(raw.get("ignoreChanges") or []),
                "replace_on_changes": list(raw.get("replaceOnChanges") or []),
                "additional_secret_outputs": list(raw.get("additionalSecretOutputs") or []),
                "aliases": list(raw.get("aliases") or []),
                "custom_timeouts": {k: float(v) for k, v in timeouts.items() if isinstance(v, int | float)},
                "retain_on_delete": bool(raw.get("retainOnDelete")),
                "deleted_with": raw.get("deletedWith", ""),
                "default_provider": raw.get("type", "").startswith("pulumi:providers:")
                and name_of(raw["urn"]).startswith("default"),
            }
        )
    stack, project = _stack_and_project(resources)
    state = State(path, resources, stack, project, secrets_redacted=redacted[0])
    if redacted[0]:
        state.notes.append(
            f"warning: could not decrypt secrets in {path}; analyzing with secret values redacted"
        )
    return state


def _stack_and_project(resources: list[dict[str, Any]]) -> tuple[str, str]:
    """The stack and project every URN names; `multiple` when they differ, `unknown` without resources."""
    pairs = {tuple(resource["urn"][len("urn:pulumi:") :].split("::")[:2]) for resource in resources}
    if not pairs:
        return "unknown", "unknown"
    if len(pairs) > 1:
        return "multiple", "multiple"
    stack, project = next(iter(pairs))
    return stack, project


# Changes ----------------------------------------------------------------------------------------------------


def _comparable(value: Any) -> Any:
    """A wire value for comparison: secrets by their value, resource references by id or URN."""
    if isinstance(value, dict):
        if value.get(SIGNATURE_KEY) == SECRET_SIGNATURE:
            return ("secret", _comparable(value.get("value")))
        if "urn" in value and SIGNATURE_KEY in value:
            return value.get("id") or value.get("urn")
        return {key: _comparable(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [_comparable(inner) for inner in value]
    return value


def _redacted(value: Any) -> bool:
    """Whether a compared value holds a secret the preview could not decrypt."""
    if isinstance(value, tuple):
        return value == ("secret", REDACTED) or _redacted(value[1])
    if isinstance(value, dict):
        return any(_redacted(inner) for inner in value.values())
    if isinstance(value, list):
        return any(_redacted(inner) for inner in value)
    return False


def changed_keys(new: dict[str, Any], old: dict[str, Any], ignore_changes: list[str]) -> list[str]:
    """Top-level input keys whose values differ, as the provider's Diff would see them offline.

    Keys the provider filled in (listed in the old state's `__defaults`) and internal `__` keys are not the
    program's; `ignoreChanges` paths drop their top-level key; a secret that cannot be decrypted offline is
    taken as unchanged (its value is not known here).
    """
    defaulted = set(old.get("__defaults") or []) if isinstance(old.get("__defaults"), list) else set()
    ignored = {path.split(".", 1)[0].split("[", 1)[0] for path in ignore_changes}
    changed = []
    for key in sorted(set(new) | set(old)):
        if key.startswith("__") or key in ignored:
            continue
        if key not in new and key in defaulted:
            continue
        before, after = _comparable(old.get(key)), _comparable(new.get(key))
        if before != after and not _redacted(before):
            changed.append(key)
    return changed


def classify(
    new: dict[str, Any], old: dict[str, Any] | None, provider_changed: bool = False
) -> tuple[str, list[str]]:
    """The step for one registration against its old state: create, same, update or replace, and why."""
    if old is None:
        return "create", []
    keys = changed_keys(new.get("inputs") or {}, old.get("inputs") or {}, new.get("ignore_changes") or [])
    triggers = new.get("replace_on_changes") or []
    replacing = [
        key
        for key in keys
        if "*" in triggers or key in {t.split(".", 1)[0].split("[", 1)[0] for t in triggers}
    ]
    if provider_changed:
        return "replace", keys or ["provider"]
    if replacing:
        return "replace", replacing
    return ("update", keys) if keys else ("same", [])


@dataclass
class Changes:
    """What a preview against a deployed state changes: each URN's step, plus the engine's refusals."""

    operations: dict[str, str]
    """URN -> `create` | `update` | `delete` | `same` | `replace`, each registered or deleted resource."""
    changed: dict[str, list[str]] = field(default_factory=dict)
    deleted_views: list[Any] = field(default_factory=list)
    diagnostics: list[dict[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _provider_urn(reference: str) -> str:
    """The URN part of a provider reference `urn::id`."""
    return reference.rsplit("::", 1)[0] if reference else ""


def diff_against(state: State, registrations: list[dict[str, Any]]) -> Changes:
    """Each registration's step against the state, the state's leftovers as deletes, protected refusals."""
    from offline_preview.inventory import Inventory

    old_by_urn = state.by_urn()
    operations: dict[str, str] = {}
    changes = Changes(operations)
    matched: set[str] = set()
    for registration in registrations:
        if registration.get("read"):
            continue
        urn = registration["urn"]
        candidates = [urn, *registration.get("aliases", [])]
        old_urn = next((candidate for candidate in candidates if candidate in old_by_urn), None)
        old = old_by_urn.get(old_urn) if old_urn else None
        if old_urn:
            matched.add(old_urn)
        provider_changed = bool(
            old is not None
            and registration.get("custom")
            and _provider_urn(registration.get("provider") or "") != _provider_urn(old.get("provider") or "")
        )
        operation, keys = classify(registration, old, provider_changed)
        operations[urn] = operation
        if keys:
            changes.changed[urn] = keys
        if operation == "replace" and old is not None and old.get("protect") and registration.get("protect"):
            changes.errors.append(
                f"unable to replace resource {urn!r}\nas it is currently marked for protection. "
                "To unprotect the resource, remove the `protect` flag from the resource in your Pulumi "
                "program and run `pulumi up`"
            )
        elif operation == "update" and old is not None and old.get("protect"):
            changes.diagnostics.append(
                {
                    "severity": "warning",
                    "source": name_of(urn),
                    "message": f"update of protected resource {urn}: changed {', '.join(keys)}; offline "
                    "there is no provider Diff to say whether these keys force a replacement, which the "
                    "engine refuses for a protected resource: check with `pulumi preview` before merging",
                }
            )
    deleted = [resource for urn, resource in old_by_urn.items() if urn not in matched]
    for resource in deleted:
        operations[resource["urn"]] = "delete"
        if resource.get("protect"):
            quoted = resource["urn"]
            changes.errors.append(
                f"resource {resource['urn']!r} cannot be deleted\nbecause it is protected. To unprotect the "
                "resource, either remove the `protect` flag from the resource in your Pulumi program and run "
                f"`pulumi up`, or use the command:\n`pulumi state unprotect '{quoted}'`"
            )
    if deleted:
        inventory = Inventory(state.live())
        deleted_urns = {resource["urn"] for resource in deleted}
        changes.deleted_views = [view for view in inventory.views() if view.urn in deleted_urns]
    return changes


def runner_state(state: State) -> dict[str, dict[str, Any]]:
    """What the program runner needs to answer unchanged resources: each live resource by URN."""
    return {
        resource["urn"]: {
            "id": resource["id"],
            "inputs": resource["inputs"],
            "outputs": resource["outputs"],
            "provider": resource["provider"],
        }
        for resource in state.live()
    }
