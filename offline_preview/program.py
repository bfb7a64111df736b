"""Starts the program runner in a fresh process with the program's interpreter; reads its registrations."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from offline_preview import processes
from offline_preview.project import StackSettings
from offline_preview.state import State, runner_state

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
"""The directory that holds the `offline_preview` package, put on the runner's path for the import only."""

_BOOTSTRAP = (
    "import sys; root = sys.argv.pop(1); sys.path.insert(0, root); "
    "from offline_preview import program_runner; sys.path.remove(root); "
    "program_runner.main(sys.argv[1:])"
)


class ProgramError(Exception):
    """The program could not be run, or it failed: the preview cannot say what it would deploy.

    Carries what the program printed and the diagnostics it produced before it failed (an unanswered invoke
    is often why a program then fails), so both are shown with the error.
    """

    def __init__(
        self, message: str, output: str = "", diagnostics: list[dict[str, str]] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.output = output
        self.diagnostics = diagnostics or []

    def __str__(self) -> str:
        if self.output.strip():
            return f"{self.message}\n\nProgram output:\n{self.output.rstrip()}"
        return self.message


@dataclass
class ProgramRun:
    """What running the program under the mock runtime produced."""

    registrations: list[dict[str, Any]]
    invokes: list[dict[str, str]] = field(default_factory=list)
    diagnostics: list[dict[str, str]] = field(default_factory=list)
    output: str = ""
    unknown_input_keys: list[dict[str, Any]] = field(default_factory=list)
    """Input keys the provider's schema lacks (offline_preview.input_keys), found in the program's process."""


def interpreter_for(settings: StackSettings) -> str:
    """The program's virtualenv interpreter when `Pulumi.yaml` names one, else this interpreter."""
    python = settings.python_executable()
    if python is None:
        return sys.executable
    if not python.exists():
        raise ProgramError(
            f"the virtualenv {python.parent.parent} named in {settings.project_dir / 'Pulumi.yaml'} "
            "does not exist; "
            "create it and install the program's dependencies (make preview does both)"
        )
    return str(python)


class StartedProgram:
    """The runner process, the drain of its output and the path its result will be written to."""

    def __init__(self, process: subprocess.Popen[bytes], result_path: Path) -> None:
        self.process = process
        self.result_path = result_path
        self.output = processes.Drain(process.stdout)

    def stop(self) -> None:
        """Stop the runner and anything the program started."""
        processes.stop(self.process)
        self.output.join(timeout=2)
        if self.process.stdout is not None and not self.process.stdout.closed:
            self.process.stdout.close()


def runner_spec(settings: StackSettings, state: State | None = None, dry_run: bool = True) -> dict[str, Any]:
    """What the runner needs to run one stack's program: the program, its stack, config and deployed state."""
    return {
        "project": settings.project,
        "stack": settings.stack,
        "organization": settings.organization,
        "program_dir": str(settings.project_dir),
        "main": str(settings.main),
        "config": settings.config,
        "secret_keys": settings.secret_keys,
        "disabled_default_providers": settings.disabled_default_providers,
        "state": runner_state(state) if state is not None else {},
        "dry_run": dry_run,
    }


def start_program(
    settings: StackSettings, workdir: Path, state: State | None = None, dry_run: bool = True
) -> StartedProgram:
    """Start the runner for one stack in its own process group.

    With a deployed `state`, a resource whose inputs did not change gets its id and outputs from it. With
    `dry_run` False the mocks give computed outputs plausible values instead of unknowns (what a deployment
    would have produced): the state generator of the tests uses that.
    """
    spec = runner_spec(settings, state, dry_run)
    spec_path = workdir / "program-spec.json"
    result_path = workdir / "program-result.json"
    spec_path.write_text(json.dumps(spec))
    process = processes.spawn(
        [interpreter_for(settings), "-c", _BOOTSTRAP, str(PACKAGE_ROOT), str(spec_path), str(result_path)],
        cwd=settings.project_dir,
        merge_stderr=True,
    )
    return StartedProgram(process, result_path)


DEFAULT_TIMEOUT = 600.0
"""The program's time limit by default (`--program-timeout`)."""


def finish_program(started: StartedProgram, timeout: float = DEFAULT_TIMEOUT) -> ProgramRun:
    """Wait for the runner and return the registrations, or raise ProgramError with the program's error."""
    process = started.process
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired as error:
        started.stop()
        raise ProgramError(
            f"the program did not finish within {timeout:g} s (--program-timeout); it was stopped",
            started.output.text(),
        ) from error
    started.output.join()
    # A program may print any bytes; they are shown, never a reason for the preview itself to crash.
    output = started.output.text()
    if not started.result_path.exists():
        raise ProgramError(f"the program runner exited with code {process.returncode} and no result", output)
    result = json.loads(started.result_path.read_text())
    if not result["ok"]:
        raise ProgramError(result["error"], output, result.get("diagnostics") or [])
    return ProgramRun(
        result["registrations"],
        result["invokes"],
        result["diagnostics"],
        output,
        result.get("unknown_input_keys") or [],
    )


def run_program(
    settings: StackSettings,
    timeout: float = DEFAULT_TIMEOUT,
    state: State | None = None,
    dry_run: bool = True,
) -> ProgramRun:
    """Run the stack's program in a fresh process and return what it registered."""
    with tempfile.TemporaryDirectory(prefix="offline-preview-") as workdir:
        started = start_program(settings, Path(workdir), state, dry_run)
        try:
            return finish_program(started, timeout)
        finally:
            started.stop()
