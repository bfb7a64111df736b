"""What the residency workflow computes: the stack matrix, and which rules a pull request changes.

`python .github/scripts/residency_ci.py stacks [--cloud-stacks JSON]` reads every `Pulumi.<stack>.yaml` beside
`Pulumi.yaml` and writes two matrices to $GITHUB_OUTPUT: `matrix` (every stack: the offline preview) and
`cloud` (the stacks whose bootstrap is done, named in the repository variable CLOUD_STACKS: the real preview
and the deployment, on the stack's in-region runner).

`python .github/scripts/residency_ci.py rule-changes --base DIR --proposed DIR --stack NAME --output FILE`
compares the judge of the base commit (its `policies/`: rules, config, facts) with the pull request's,
writes a Markdown report and `changed=true|false` to $GITHUB_OUTPUT. Each pack is started as the CLI starts it
and asked for its policies over gRPC, so a rule added, removed, renamed or changed in level, description or
config schema is named; a changed value in the stack's policy config is named with both values; changed code
is listed by file (a shared module can change any rule, and the report says so).

The workflow runs this file and the offline preview from the base commit's checkout, never the pull
request's, so a pull request cannot change how it is judged.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

STACK_NAME = re.compile(r"^[a-z][a-z0-9]{0,19}$")
"""The region program's stack-name rule (residency/settings.py): stack names become identifiers here too."""

JUDGE_DIR = "policies"
"""What judges a program: the pack, its config and the facts it reads (policies/residency_facts)."""

NOT_JUDGE = {".venv", "venv", "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache"}
"""Local build products under policies/ that are not part of the judge."""

SHARED_CODE = ("residency_facts/", "residency_policies/model.py", "residency_policies/values.py",
               "residency_policies/attributes.py", "residency_policies/settings.py",
               "residency_policies/registry.py", "residency_policies/lineage.py", "__main__.py")  # fmt: skip
"""Files that every rule reads: a change there can change any rule's verdict."""


class CiError(Exception):
    """The repository is not in a state the workflow can act on; the message says what to fix."""


# --- The stack matrix ---


@dataclass(frozen=True)
class Stack:
    """One region stack and the repository variables that configure its cloud jobs."""

    name: str
    region: str

    def entry(self) -> dict[str, str]:
        """The stack's matrix entry; variable names are the stack's name upper-cased."""
        suffix = self.name.upper()
        return {
            "stack": self.name,
            "region": self.region,
            "preview-role-variable": f"AWS_PREVIEW_ROLE_ARN_{suffix}",
            "deploy-role-variable": f"AWS_DEPLOY_ROLE_ARN_{suffix}",
            "bucket-variable": f"PULUMI_STATE_BUCKET_{suffix}",
            "runner": f"residency-{self.name}-runner",
        }


def find_stacks(project_dir: Path) -> list[Stack]:
    """Every `Pulumi.<stack>.yaml` beside `Pulumi.yaml`, with its `aws:region`; refuses a non-stack."""
    stacks = []
    for path in sorted(project_dir.glob("Pulumi.*.yaml")):
        name = path.name[len("Pulumi.") : -len(".yaml")]
        if not STACK_NAME.match(name):
            raise CiError(f"{path.name}: stack name {name!r} must match {STACK_NAME.pattern}")
        config = (yaml.safe_load(path.read_text()) or {}).get("config") or {}
        region = config.get("aws:region")
        if not isinstance(region, str) or not region:
            raise CiError(f"{path.name}: no aws:region, so the stack's jobs cannot be placed in its region")
        stacks.append(Stack(name, region))
    if not stacks:
        raise CiError(f"no Pulumi.<stack>.yaml in {project_dir}: nothing to preview")
    return stacks


def cloud_stacks(stacks: Sequence[Stack], configured: str) -> list[Stack]:
    """The stacks named in CLOUD_STACKS (a JSON list); a name without a stack file is an error."""
    if not configured.strip():
        return []
    try:
        names = json.loads(configured)
    except json.JSONDecodeError as error:
        raise CiError(f'CLOUD_STACKS must be a JSON list of stack names, e.g. ["eu"]: {error}') from None
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise CiError(f"CLOUD_STACKS must be a JSON list of stack names, found {configured!r}")
    known = {stack.name for stack in stacks}
    unknown = sorted(set(names) - known)
    if unknown:
        raise CiError(
            f"CLOUD_STACKS names {unknown}, which have no Pulumi.<stack>.yaml (stacks: {sorted(known)})"
        )
    return [stack for stack in stacks if stack.name in names]


# --- Rule changes ---


@dataclass(frozen=True)
class PolicyInfo:
    """What a pack says about one policy over GetAnalyzerInfo."""

    name: str
    enforcement_level: int
    description: str
    config_schema: str


def judge_files(judge: Path) -> dict[str, str]:
    """Every file of the judge, relative path -> SHA-256, local build products left out."""
    found = {}
    for path in sorted(judge.rglob("*")):
        relative = path.relative_to(judge)
        if path.is_file() and not NOT_JUDGE & set(relative.parts):
            found[relative.as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def pack_interpreter(pack_dir: Path) -> Path:
    """The interpreter PulumiPolicy.yaml's virtualenv names, resolved against the pack as the CLI does."""
    manifest = yaml.safe_load((pack_dir / "PulumiPolicy.yaml").read_text()) or {}
    virtualenv = ((manifest.get("runtime") or {}).get("options") or {}).get("virtualenv")
    if not virtualenv:
        return Path(sys.executable)
    python = (pack_dir / str(virtualenv)).resolve() / "bin" / "python"
    if not python.exists():
        raise CiError(f"{pack_dir}: the pack's virtualenv {python.parent.parent} is missing; run make there")
    return python


def pack_policies(pack_dir: Path, timeout: float = 60.0) -> dict[str, PolicyInfo]:
    """Start the pack as the CLI does and ask it for its policies (GetAnalyzerInfo)."""
    import grpc
    from google.protobuf import empty_pb2, json_format
    from pulumi.runtime.proto import analyzer_pb2_grpc

    process = subprocess.Popen(
        [str(pack_interpreter(pack_dir)), "-u", "-m", "pulumi.policy", "127.0.0.1:0", "."],
        cwd=pack_dir,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert process.stdout is not None and process.stderr is not None
        first_line = process.stdout.readline().decode().strip()
        if not first_line.isdigit():
            process.kill()
            raise CiError(
                f"the pack in {pack_dir} did not start: {first_line} {process.stderr.read().decode()}"
            )
        with grpc.insecure_channel(f"127.0.0.1:{first_line}") as channel:
            info = analyzer_pb2_grpc.AnalyzerStub(channel).GetAnalyzerInfo(empty_pb2.Empty(), timeout=timeout)
        return {
            policy.name: PolicyInfo(
                name=policy.name,
                enforcement_level=policy.enforcementLevel,
                description=policy.description,
                config_schema=json.dumps(json_format.MessageToDict(policy.configSchema), sort_keys=True),
            )
            for policy in info.policies
        }
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=10)
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def _config(judge: Path, stack: str) -> dict[str, Any] | None:
    path = judge / "config" / f"{stack}.json"
    return json.loads(path.read_text()) if path.exists() else None


@dataclass
class RuleChanges:
    """How the proposed judge differs from the base judge, rule by rule where that can be said."""

    added: list[str]
    removed: list[str]
    changed: dict[str, list[str]]
    config_changes: list[str]
    files: list[str]

    @property
    def any(self) -> bool:
        """Whether the pull request changes the judge at all."""
        return bool(self.added or self.removed or self.changed or self.config_changes or self.files)

    def markdown(self, stack: str) -> str:
        """The report for the pull-request comment."""
        if not self.any:
            return (
                "The judge (`policies/`: rules, config, facts) is unchanged: the base branch's rules judged."
            )
        lines = [
            "**This pull request changes the judge.** Previewed twice: base rules and proposed rules.",
            "",
        ]
        lines += [f"- rule added: `{name}`" for name in self.added]
        lines += [f"- rule removed: `{name}`" for name in self.removed]
        for name, what in sorted(self.changed.items()):
            lines.append(f"- rule `{name}` changed: {', '.join(what)}")
        lines += [f"- `policies/config/{stack}.json`: {change}" for change in self.config_changes]
        shared = [f for f in self.files if f.startswith(SHARED_CODE)]
        lines += [f"- file changed: `policies/{f}`" for f in self.files]
        if shared:
            lines.append(
                "- shared code changed ("
                + ", ".join(f"`{f}`" for f in shared)
                + "): any rule may judge differently"
            )
        return "\n".join(lines)


def _flatten(value: Any, prefix: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, Mapping):
        for key in sorted(value):
            yield from _flatten(value[key], f"{prefix}.{key}" if prefix else str(key))
    else:
        yield prefix, json.dumps(value, sort_keys=True)


def compare(
    base: Path,
    proposed: Path,
    stack: str,
    base_policies: Mapping[str, PolicyInfo],
    proposed_policies: Mapping[str, PolicyInfo],
) -> RuleChanges:
    """Compare two judges (their `policies/` directories) for one stack."""
    changed: dict[str, list[str]] = {}
    for name in sorted(set(base_policies) & set(proposed_policies)):
        before, after = base_policies[name], proposed_policies[name]
        what = [
            label
            for label, differs in (
                ("enforcement level", before.enforcement_level != after.enforcement_level),
                ("description", before.description != after.description),
                ("config schema", before.config_schema != after.config_schema),
            )
            if differs
        ]
        if what:
            changed[name] = what
    config_changes = []
    before_config, after_config = _config(base, stack), _config(proposed, stack)
    if before_config != after_config:
        if before_config is None:
            config_changes.append(
                "added: the base branch has no rules for this stack, so the base preview fails closed; "
                "land this config in its own pull request first"
            )
        elif after_config is None:
            config_changes.append("removed")
        else:
            before_values, after_values = dict(_flatten(before_config)), dict(_flatten(after_config))
            for key in sorted(set(before_values) | set(after_values)):
                if before_values.get(key) != after_values.get(key):
                    config_changes.append(
                        f"`{key}` {before_values.get(key, '(unset)')} -> {after_values.get(key, '(unset)')}"
                    )
    base_files, proposed_files = judge_files(base), judge_files(proposed)
    files = sorted(
        name
        for name in set(base_files) | set(proposed_files)
        if base_files.get(name) != proposed_files.get(name)
    )
    return RuleChanges(
        added=sorted(set(proposed_policies) - set(base_policies)),
        removed=sorted(set(base_policies) - set(proposed_policies)),
        changed=changed,
        config_changes=config_changes,
        files=files,
    )


# --- Command line ---


def _write_outputs(values: Mapping[str, str]) -> None:
    target = os.environ.get("GITHUB_OUTPUT")
    lines = "".join(f"{key}={value}\n" for key, value in values.items())
    if target:
        with open(target, "a") as output:
            output.write(lines)
    else:
        sys.stdout.write(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; exit 2 with the reason on anything the workflow cannot act on."""
    parser = argparse.ArgumentParser(prog="residency_ci")
    commands = parser.add_subparsers(dest="command", required=True)
    stacks_command = commands.add_parser("stacks", help="the stack matrices")
    stacks_command.add_argument("--project", default=".", type=Path)
    stacks_command.add_argument("--cloud-stacks", default="")
    changes_command = commands.add_parser("rule-changes", help="what a pull request changes in the judge")
    changes_command.add_argument("--base", required=True, type=Path, help="the base commit's checkout")
    changes_command.add_argument("--proposed", required=True, type=Path, help="the pull request's checkout")
    changes_command.add_argument("--stack", required=True)
    changes_command.add_argument("--output", required=True, type=Path)
    arguments = parser.parse_args(argv)
    try:
        if arguments.command == "stacks":
            stacks = find_stacks(arguments.project)
            cloud = cloud_stacks(stacks, arguments.cloud_stacks)
            _write_outputs(
                {
                    "matrix": json.dumps([s.entry() for s in stacks]),
                    "cloud": json.dumps([s.entry() for s in cloud]),
                }
            )
            return 0
        base, proposed = arguments.base / JUDGE_DIR, arguments.proposed / JUDGE_DIR
        changes = compare(base, proposed, arguments.stack, pack_policies(base), pack_policies(proposed))
        arguments.output.write_text(changes.markdown(arguments.stack) + "\n")
        _write_outputs({"changed": "true" if changes.any else "false"})
        return 0
    except CiError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
