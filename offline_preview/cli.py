"""`python -m offline_preview preview --stack eu`: a policy-enforced preview without the Pulumi CLI.

Exit codes, one meaning each:
- 0: no mandatory policy violation (advisory ones may be shown);
- 1: at least one mandatory policy violation, and nothing else went wrong;
- 2: the preview could not give a verdict: the program, a policy pack, the project or stack files, the policy
  config, the state file or the preview itself failed (the error is shown);
- 128 + N: stopped by signal N (130 for Ctrl-C, 143 for SIGTERM), after stopping every child process.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from offline_preview import processes
from offline_preview.launch import LaunchedPack, PolicyPackError
from offline_preview.processes import Cancelled
from offline_preview.program import DEFAULT_TIMEOUT, ProgramError, finish_program, start_program
from offline_preview.project import ProjectError, StackSettings, load_stack

if TYPE_CHECKING:
    from offline_preview.analysis import PackResult
    from offline_preview.inventory import ResourceView
    from offline_preview.state import Changes


class ProviderRefused(Exception):
    """Values a provider or cloud API would refuse (offline_preview.provider_constraints): no verdict."""


EXIT_OK = 0
EXIT_MANDATORY_VIOLATION = 1
EXIT_FAILURE = 2


def _positive_seconds(text: str) -> float:
    """A time limit in seconds, above zero."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be above 0 seconds")
    return value


def _add_pack_flags(command: argparse.ArgumentParser, default_note: str) -> None:
    """--policy-pack, --policy-pack-config and the time limit of each Analyzer call."""
    command.add_argument(
        "--policy-pack",
        action="append",
        default=None,
        help=f"a policy pack directory, relative to --cwd ({default_note}); repeatable",
    )
    command.add_argument(
        "--policy-pack-config",
        action="append",
        default=None,
        help="JSON config of the pack in the same position (default: <pack>/config/<stack>.json if present)",
    )
    command.add_argument(
        "--policy-timeout",
        type=_positive_seconds,
        default=None,
        metavar="SECONDS",
        help="time limit of each call to a policy pack (default 60)",
    )


def parser() -> argparse.ArgumentParser:
    """The command line, with pulumi preview's and pulumi policy analyze's flag names."""
    root = argparse.ArgumentParser(
        prog="python -m offline_preview",
        description="Offline, policy-enforced preview of a Pulumi Python program (no CLI or credentials).",
    )
    commands = root.add_subparsers(dest="command", required=True)
    preview = commands.add_parser("preview", help="preview a stack and run its policy packs")
    preview.add_argument(
        "-s",
        "--stack",
        required=True,
        help="the stack to preview: NAME, org/NAME or org/project/NAME (reads Pulumi.NAME.yaml)",
    )
    preview.add_argument("-C", "--cwd", default=".", help="run as if started in this directory (the project)")
    _add_pack_flags(preview, "default: policies/ if it exists")
    preview.add_argument("-j", "--json", action="store_true", help="print the result as JSON")
    preview.add_argument(
        "--diagram", metavar="FILE.md", help="write the residency map (Mermaid) to this file"
    )
    preview.add_argument(
        "--program-timeout",
        type=_positive_seconds,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"stop the program after this long (default {DEFAULT_TIMEOUT:g})",
    )
    preview.add_argument(
        "--state",
        metavar="EXPORT.json",
        help="preview against this deployed state (`pulumi stack export`): creates, updates, deletes, sames",
    )
    analyze = commands.add_parser(
        "analyze", help="run policy packs over a deployed state (as `pulumi policy analyze --file`)"
    )
    analyze.add_argument(
        "--file", required=True, help="a state file, as `pulumi stack export` writes it (version 3)"
    )
    analyze.add_argument("-C", "--cwd", default=".", help="resolve relative paths against this directory")
    _add_pack_flags(analyze, "at least one required")
    analyze.add_argument("-j", "--json", action="store_true", help="print the result as JSON")
    return root


@dataclass
class Outcome:
    """Everything a run found, for the text and the JSON report alike, whether it finished or failed."""

    stack: str
    project: str = ""
    views: list[ResourceView] = field(default_factory=list)
    results: list[PackResult] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)
    diagnostics: list[dict[str, str]] = field(default_factory=list)
    program_output: str = ""
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    changes: Changes | None = None

    @property
    def mandatory(self) -> int:
        """How many mandatory violations the packs reported."""
        return sum(1 for r in self.results for v in r.violations if v.enforcement_level == "mandatory")


def _stack_name(stack: str) -> tuple[str, str | None, str | None]:
    """(name, organization, project) from `NAME`, `org/NAME` or `org/project/NAME`, as `pulumi -s`."""
    parts = stack.split("/")
    if len(parts) > 3 or not all(parts):
        raise ProjectError(
            f"invalid stack name {stack!r}: use NAME, org/NAME or org/project/NAME (as `pulumi -s` does)"
        )
    organization = parts[0] if len(parts) > 1 else None
    project = parts[1] if len(parts) == 3 else None
    return parts[-1], organization, project


def _packs(
    paths: list[str] | None, configs: list[str] | None, cwd: Path, stack: str, default: bool
) -> tuple[list[tuple[Path, Path | None, bool]], list[str]]:
    """Each policy pack with its config file and whether that file was given; notes on duplicates."""
    explicit = paths is not None
    packs = [(cwd / path).resolve() for path in paths] if paths is not None else []
    if not explicit and default and (cwd / "policies" / "PulumiPolicy.yaml").exists():
        packs = [(cwd / "policies").resolve()]
    given = [(cwd / path).resolve() for path in configs or []]
    if given and len(given) != len(packs):
        raise ProjectError(
            "the number of --policy-pack-config paths must match the number of --policy-pack paths "
            "(one config for every pack, in the same order)"
        )
    result: list[tuple[Path, Path | None, bool]] = []
    notes: list[str] = []
    seen: dict[Path, Path | None] = {}
    for index, pack in enumerate(packs):
        config: Path | None = given[index] if given else None
        explicit_config = config is not None
        if config is None:
            default_config = pack / "config" / f"{stack}.json"
            config = default_config if default_config.exists() else None
        elif not config.exists():
            raise ProjectError(f"policy pack config {config} does not exist")
        if pack in seen:
            if seen[pack] != config:
                raise ProjectError(
                    f"--policy-pack {pack} is given twice with different configs "
                    f"({seen[pack]} and {config}); a pack runs once per preview: "
                    "give it once, with the config you mean"
                )
            notes.append(f"--policy-pack {pack} was given twice: it runs once")
            continue
        seen[pack] = config
        result.append((pack, config, explicit_config))
    return result, notes


def _check_writable(path: Path) -> None:
    """Refuse an output path that cannot be written before anything runs, not after a long preview."""
    parent = path.parent
    if path.is_dir():
        raise ProjectError(f"--diagram {path} is a directory; give a file path such as residency-eu.md")
    if not parent.is_dir():
        raise ProjectError(f"--diagram {path}: the directory {parent} does not exist")
    if (path.exists() and not os.access(path, os.W_OK)) or not os.access(parent, os.W_OK):
        raise ProjectError(f"--diagram {path} cannot be written (permission denied); choose another path")


def _missing_config_error(pack: Path, stack: str, error: PolicyPackError) -> PolicyPackError:
    """One message naming the config file to create, instead of one 'is required' line per policy."""
    return PolicyPackError(
        f"policy pack {pack} has no config for stack {stack!r}: create {pack / 'config' / (stack + '.json')} "
        "(see the pack's README for its keys) or pass --policy-pack-config FILE. "
        f"Without it the pack's policies lack their required settings:\n{error}"
    )


def _run_packs(
    outcome: Outcome,
    launched: list[LaunchedPack],
    packs: list[tuple[Path, Path | None, bool]],
    settings: StackSettings | None,
    registrations: list[dict[str, Any]],
    timeout: float | None,
    connected: list[Any],
) -> None:
    """Connect to each started pack, configure it, remediate then analyze; keep the results in `outcome`."""
    if not packs:
        # No pack, nothing to analyse: skip the analysis module's import (gRPC, the SDK's stubs, jsonschema).
        return
    from offline_preview.analysis import DEFAULT_CALL_TIMEOUT, PolicyConfigError, PolicyPackProcess, configure
    from offline_preview.analysis import run_packs as run_all

    configured = []
    for launch, (pack, config, explicit_config) in zip(launched, packs, strict=True):
        process = PolicyPackProcess(launch, call_timeout=timeout or DEFAULT_CALL_TIMEOUT)
        connected.append(process)
        try:
            configured.append(configure(process, settings, config))
        except PolicyConfigError as error:
            if config is None and not explicit_config and settings is not None:
                raise _missing_config_error(pack, settings.stack, error) from error
            raise
    outcome.results = run_all(configured, registrations)


def _pack_diagnostics(launched: list[LaunchedPack]) -> list[dict[str, str]]:
    """What each pack printed, one info diagnostic per line, as the CLI logs a plugin's output."""
    notes = []
    for launch in launched:
        for line in launch.output_lines():
            notes.append(
                {"severity": "info", "source": f"policy pack {launch.pack_dir.name}", "message": line}
            )
    return notes


def _stop_all(connected: list[Any], launched: list[LaunchedPack]) -> None:
    """Close every channel and stop every pack (each in parallel with the rest)."""
    for process in connected:
        process.channel.close()
    for launch in launched:
        launch.stop()


def _preview(arguments: argparse.Namespace, outcome: Outcome, workdir: Path) -> None:
    """Run the program, run the packs over what it registered; fill `outcome` (raises on failure)."""
    cwd = Path(arguments.cwd).resolve()
    stack, organization, project = _stack_name(arguments.stack)
    outcome.stack = stack
    if arguments.diagram:
        _check_writable(Path(arguments.diagram).resolve())
    settings = load_stack(cwd, stack)
    if project is not None and project != settings.project:
        raise ProjectError(
            f"stack {arguments.stack!r} names project {project!r}, "
            f"but {settings.project_dir / 'Pulumi.yaml'} is project {settings.project!r}"
        )
    if organization is not None:
        # The pack and the program see the organization the stack name gives, as under the CLI.
        settings = dataclasses.replace(settings, organization=organization)
    outcome.project = settings.project
    packs, outcome.notes = _packs(arguments.policy_pack, arguments.policy_pack_config, cwd, stack, True)
    state = None
    if arguments.state:
        from offline_preview.state import read_state

        state = read_state(cwd / arguments.state)

    started = start_program(settings, workdir, state)
    launched: list[LaunchedPack] = []
    connected: list[Any] = []
    try:
        # The packs start while the program runs, and this process imports gRPC and the SDK meanwhile:
        # all three are mostly interpreter start-up and imports.
        for pack, _, _ in packs:
            launched.append(LaunchedPack(pack, settings))
        if packs:
            # Imported now, while the program and the packs start on the other core, not after the program.
            import offline_preview.analysis  # noqa: F401
        try:
            run = finish_program(started, arguments.program_timeout)
        except ProgramError as error:
            outcome.program_output = error.output
            outcome.diagnostics = error.diagnostics
            raise
        outcome.program_output = run.output
        outcome.diagnostics = list(run.diagnostics)
        registrations = run.registrations
        if state is not None:
            from offline_preview.state import diff_against

            outcome.changes = diff_against(state, registrations)
            outcome.diagnostics.extend(outcome.changes.diagnostics)
        root = next((r for r in registrations if r["type"] == "pulumi:pulumi:Stack"), None)
        outcome.outputs = dict((root or {}).get("outputs") or {})
        try:
            _run_packs(outcome, launched, packs, settings, registrations, arguments.policy_timeout, connected)
        finally:
            _stop_all(connected, launched)
            outcome.diagnostics.extend(_pack_diagnostics(launched))
    finally:
        started.stop()
        _stop_all(connected, launched)

    # Values a provider's Check or a cloud API would refuse, which the mocks accepted: fail as pulumi would.
    from offline_preview.provider_constraints import check_registrations, report, unknown_key_refusals

    if refusals := unknown_key_refusals(run.unknown_input_keys) + check_registrations(registrations):
        raise ProviderRefused(report(refusals))

    from offline_preview.inventory import Inventory

    outcome.views = Inventory(registrations).views()
    if arguments.diagram:
        from offline_preview.diagram import ResidencyMap

        residency = ResidencyMap(
            settings.stack,
            settings.project_dir,
            registrations,
            violations=[violation for result in outcome.results for violation in result.violations],
            changes=outcome.changes.operations if outcome.changes is not None else None,
        )
        try:
            Path(arguments.diagram).write_text(residency.markdown() + "\n")
        except OSError as error:
            raise ProjectError(f"--diagram {arguments.diagram} could not be written: {error}") from error
    if outcome.changes is not None and outcome.changes.errors:
        raise ProgramError("\n".join(outcome.changes.errors))


def _analyze(arguments: argparse.Namespace, outcome: Outcome) -> None:
    """Run the packs over a state file, as `pulumi policy analyze --file`; fill `outcome`."""
    from offline_preview.state import read_state

    cwd = Path(arguments.cwd).resolve()
    if not arguments.policy_pack:
        raise ProjectError("at least one --policy-pack path must be specified")
    state = read_state(cwd / arguments.file)
    outcome.stack, outcome.project = state.stack, state.project
    outcome.notes.extend(state.notes)
    if not state.resources:
        outcome.notes.append(f"File {arguments.file} has no resources; nothing to analyze.")
        return
    packs, notes = _packs(arguments.policy_pack, arguments.policy_pack_config, cwd, state.stack, False)
    outcome.notes.extend(notes)
    settings = state.settings()
    launched: list[LaunchedPack] = []
    connected: list[Any] = []
    try:
        for pack, _, _ in packs:
            launched.append(LaunchedPack(pack, settings))
        registrations = state.analyzer_registrations()
        try:
            _run_packs(outcome, launched, packs, None, registrations, arguments.policy_timeout, connected)
        finally:
            _stop_all(connected, launched)
            outcome.diagnostics.extend(_pack_diagnostics(launched))
    finally:
        _stop_all(connected, launched)
    from offline_preview.inventory import Inventory

    outcome.views = Inventory(registrations).views()
    root = next((r for r in registrations if r["type"] == "pulumi:pulumi:Stack"), None)
    outcome.outputs = dict((root or {}).get("outputs") or {})


def run(arguments: argparse.Namespace) -> int:
    """Run one command, report it (text or JSON) and return the exit code; every failure is exit 2."""
    started = time.perf_counter()
    outcome = Outcome(stack=getattr(arguments, "stack", "") or "")
    code = EXIT_OK
    processes.install_signal_handlers()
    try:
        with tempfile.TemporaryDirectory(prefix="offline-preview-") as workdir:
            try:
                if arguments.command == "analyze":
                    _analyze(arguments, outcome)
                else:
                    _preview(arguments, outcome, Path(workdir))
                code = EXIT_MANDATORY_VIOLATION if outcome.mandatory else EXIT_OK
            finally:
                processes.stop_all()
    except Cancelled as cancelled:
        processes.stop_all()
        outcome.error = f"cancelled by {cancelled}: every child process was stopped and its files removed"
        code = cancelled.exit_code
    except ProgramError as error:
        outcome.error = f"preview failed: the program could not run\n{error.message}"
        code = EXIT_FAILURE
    except PolicyPackError as error:
        outcome.error = f"preview failed: a policy pack could not run\n{error}"
        code = EXIT_FAILURE
    except ProjectError as error:
        outcome.error = str(error)
        code = EXIT_FAILURE
    except ProviderRefused as error:
        outcome.error = str(error)
        code = EXIT_FAILURE
    except Exception as error:
        outcome.error = (
            f"the offline preview itself failed ({type(error).__name__}: {error}); this is a bug in "
            "offline_preview, please report it with the traceback below\n" + traceback.format_exc()
        )
        code = EXIT_FAILURE
    finally:
        processes.restore_signal_handlers()
    _report(arguments, outcome, time.perf_counter() - started)
    return code


def _report(arguments: argparse.Namespace, outcome: Outcome, seconds: float) -> None:
    """Print the outcome: the JSON document on stdout (always valid JSON), or the text and the error."""
    from offline_preview.render import document, text_lines

    if arguments.json:
        print(json.dumps(document(outcome), indent=2))
        # Warnings also go to stderr, where a CI log shows them beside the JSON a later step reads.
        for diagnostic in outcome.diagnostics:
            if diagnostic["severity"] in ("warning", "error"):
                print(f"{diagnostic['severity']}: {diagnostic['message']}", file=sys.stderr)
        for note in outcome.notes:
            print(note if note.startswith("warning: ") else f"note: {note}", file=sys.stderr)
        if outcome.error:
            print(_error_text(outcome.error), file=sys.stderr)
        return
    mode = "analyze" if arguments.command == "analyze" else "preview"
    if outcome.error is None or outcome.views:
        for line in text_lines(outcome, seconds, mode):
            print(line)
    elif outcome.program_output.strip() or outcome.diagnostics:
        # The program's output and diagnostics (an unanswered invoke is often why it failed) come first.
        for line in text_lines(outcome, seconds, mode, failed=True):
            print(line)
    for note in outcome.notes:
        print(note if note.startswith("warning: ") else f"note: {note}", file=sys.stderr)
    if outcome.error:
        if outcome.error.startswith("cancelled"):
            print(f"error: {outcome.error.splitlines()[0]}", file=sys.stderr)
        else:
            print(_error_text(outcome.error), file=sys.stderr)


def _error_text(error: str) -> str:
    """The error as the CLI prints it; a report whose lines are already `error: ...` stays as it is."""
    return error if error.startswith("error: ") else f"error: {error}"


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    arguments = parser().parse_args(argv)
    return run(arguments)
