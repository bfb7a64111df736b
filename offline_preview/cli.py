"""`python -m offline_preview preview --stack eu`: a policy-enforced preview without the Pulumi CLI.

Exit codes: 0 when no mandatory policy is violated, 1 when one is, 2 when the program or a policy pack fails
(or the project cannot be read), with the error shown.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from offline_preview.launch import LaunchedPack, PolicyPackError
from offline_preview.program import ProgramError, finish_program, start_program
from offline_preview.project import ProjectError, StackSettings, load_stack

if TYPE_CHECKING:
    from offline_preview.analysis import PackResult, PolicyPackProcess
    from offline_preview.inventory import ResourceView

EXIT_OK = 0
EXIT_MANDATORY_VIOLATION = 1
EXIT_FAILURE = 2


def parser() -> argparse.ArgumentParser:
    """The command line, with pulumi preview's flag names."""
    root = argparse.ArgumentParser(
        prog="python -m offline_preview",
        description="Offline, policy-enforced preview of a Pulumi Python program (no CLI or credentials).",
    )
    commands = root.add_subparsers(dest="command", required=True)
    preview = commands.add_parser("preview", help="preview a stack and run its policy packs")
    preview.add_argument(
        "-s", "--stack", required=True, help="the stack to preview (reads Pulumi.<stack>.yaml)"
    )
    preview.add_argument("-C", "--cwd", default=".", help="run as if started in this directory (the project)")
    preview.add_argument(
        "--policy-pack",
        action="append",
        default=None,
        help="a policy pack directory, relative to --cwd (default: policies/ if it exists); repeatable",
    )
    preview.add_argument(
        "--policy-pack-config",
        action="append",
        default=None,
        help="JSON config of the pack in the same position (default: <pack>/config/<stack>.json if present)",
    )
    preview.add_argument("--json", action="store_true", help="print the result as JSON")
    preview.add_argument(
        "--diagram", metavar="FILE.md", help="write the residency map (Mermaid) to this file"
    )
    return root


def _packs(arguments: argparse.Namespace, cwd: Path) -> list[tuple[Path, Path | None]]:
    """Each policy pack with its config file, resolved against --cwd as pulumi resolves them."""
    explicit = arguments.policy_pack is not None
    packs = [cwd / path for path in arguments.policy_pack] if explicit else []
    if not explicit and (cwd / "policies" / "PulumiPolicy.yaml").exists():
        packs = [cwd / "policies"]
    configs = [cwd / path for path in arguments.policy_pack_config or []]
    if configs and len(configs) != len(packs):
        raise ProjectError(
            "--policy-pack-config must be given once for every --policy-pack, in the same order"
        )
    result: list[tuple[Path, Path | None]] = []
    for index, pack in enumerate(packs):
        config: Path | None = configs[index] if configs else None
        if config is None:
            default = pack / "config" / f"{arguments.stack}.json"
            config = default if default.exists() else None
        elif not config.exists():
            raise ProjectError(f"policy pack config {config} does not exist")
        result.append((pack, config))
    return result


def preview(arguments: argparse.Namespace) -> int:
    """Run the program, run the packs over what it registered, report; return the exit code."""
    started = time.perf_counter()
    cwd = Path(arguments.cwd).resolve()
    try:
        settings = load_stack(cwd, arguments.stack)
        packs = _packs(arguments, cwd)
    except ProjectError as error:
        return _fail(str(error))

    launched: list[LaunchedPack] = []
    connected: list[PolicyPackProcess] = []
    results: list[PackResult] = []
    with tempfile.TemporaryDirectory(prefix="offline-preview-") as workdir:
        try:
            program, result_path = start_program(settings, Path(workdir))
        except ProgramError as error:
            return _fail(str(error))
        try:
            # The packs start while the program runs, and this process imports gRPC and the SDK meanwhile:
            # all three are mostly interpreter start-up and imports.
            for pack, _ in packs:
                launched.append(LaunchedPack(pack, settings))
            from offline_preview.analysis import PolicyPackProcess, run_pack

            run = finish_program(program, result_path)
            for launch, (_, config) in zip(launched, packs, strict=True):
                connected.append(PolicyPackProcess(launch))
                results.append(run_pack(connected[-1], settings, config, run.registrations))
        except ProgramError as error:
            return _fail(f"preview failed: the program could not run\n{error}")
        except PolicyPackError as error:
            return _fail(f"preview failed: a policy pack could not run\n{error}")
        finally:
            if program.poll() is None:
                program.kill()
                program.wait()
            for process in connected:
                process.channel.close()
            for launch in launched:
                launch.stop()

    # Values a provider's Check or a cloud API would refuse, which the mocks accepted: fail as pulumi would.
    from offline_preview.provider_constraints import check_registrations, report

    if refusals := check_registrations(run.registrations):
        print(report(refusals), file=sys.stderr)
        return EXIT_FAILURE

    from offline_preview.diagram import ResidencyMap
    from offline_preview.inventory import Inventory
    from offline_preview.render import document

    views = Inventory(run.registrations).views()
    if arguments.diagram:
        residency = ResidencyMap(
            settings.stack,
            settings.project_dir,
            run.registrations,
            violations=[violation for result in results for violation in result.violations],
        )
        Path(arguments.diagram).write_text(residency.markdown() + "\n")
    mandatory = sum(1 for r in results for v in r.violations if v.enforcement_level == "mandatory")
    if arguments.json:
        print(json.dumps(document(settings.stack, views, results), indent=2))
        for note in run.diagnostics:
            if note["severity"] in ("warning", "error"):
                print(f"{note['severity']}: {note['message']}", file=sys.stderr)
    else:
        _print_human(
            settings, views, results, run.output, run.diagnostics, time.perf_counter() - started, mandatory
        )
    return EXIT_MANDATORY_VIOLATION if mandatory else EXIT_OK


def _print_human(
    settings: StackSettings,
    views: list[ResourceView],
    results: list[PackResult],
    output: str,
    diagnostics: list[dict[str, str]],
    seconds: float,
    mandatory: int,
) -> None:
    """The preview as `pulumi preview` lays it out."""
    from offline_preview.render import tree_lines, violation_lines

    print(f"Previewing update ({settings.stack}) offline: project {settings.project}, mock runtime")
    print()
    for line in tree_lines(views):
        print(line)
    notes = [d for d in diagnostics if d["severity"] in ("info", "warning")]
    if output.strip() or notes:
        print()
        print("Diagnostics:")
        for line in output.strip().splitlines():
            print(f"    {line}")
        for note in notes:
            print(f"    {note['severity']}: {note['message']}")
    print()
    if results:
        for line in violation_lines(results, views):
            print(line)
    else:
        print("Policies: none (no policy pack given and no policies/ directory)")
    print()
    print("Resources:")
    print(f"    + {len(views)} to create")
    print()
    verdict = f"{mandatory} mandatory policy violation(s)" if mandatory else "no mandatory policy violation"
    print(f"Duration: {seconds:.1f}s; {verdict}")


def _fail(message: str) -> int:
    """Show the error as the CLI does and return the failure exit code."""
    print(f"error: {message}", file=sys.stderr)
    return EXIT_FAILURE


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    arguments = parser().parse_args(argv)
    if arguments.command == "preview":
        return preview(arguments)
    return EXIT_FAILURE
