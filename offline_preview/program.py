"""Starts the program runner in a fresh process with the program's interpreter; reads its registrations."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from offline_preview.project import StackSettings

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
"""The directory that holds the `offline_preview` package, put on the runner's path for the import only."""

_BOOTSTRAP = (
    "import sys; root = sys.argv.pop(1); sys.path.insert(0, root); "
    "from offline_preview import program_runner; sys.path.remove(root); "
    "program_runner.main(sys.argv[1:])"
)


class ProgramError(Exception):
    """The program could not be run, or it failed: the preview cannot say what it would deploy."""


@dataclass
class ProgramRun:
    """What running the program under the mock runtime produced."""

    registrations: list[dict[str, Any]]
    invokes: list[dict[str, str]] = field(default_factory=list)
    diagnostics: list[dict[str, str]] = field(default_factory=list)
    output: str = ""


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


def start_program(settings: StackSettings, workdir: Path) -> tuple[subprocess.Popen[str], Path]:
    """Start the runner for one stack; returns the process and the path its result will be written to."""
    spec = {
        "project": settings.project,
        "stack": settings.stack,
        "organization": settings.organization,
        "program_dir": str(settings.project_dir),
        "main": str(settings.main),
        "config": settings.config,
        "secret_keys": settings.secret_keys,
        "disabled_default_providers": settings.disabled_default_providers,
    }
    spec_path = workdir / "program-spec.json"
    result_path = workdir / "program-result.json"
    spec_path.write_text(json.dumps(spec))
    process = subprocess.Popen(
        [interpreter_for(settings), "-c", _BOOTSTRAP, str(PACKAGE_ROOT), str(spec_path), str(result_path)],
        cwd=settings.project_dir,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return process, result_path


def finish_program(process: subprocess.Popen[str], result_path: Path, timeout: float = 600.0) -> ProgramRun:
    """Wait for the runner and return the registrations, or raise ProgramError with the program's error."""
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired as error:
        process.kill()
        process.communicate()
        raise ProgramError(f"the program did not finish within {timeout:.0f} s") from error
    if not result_path.exists():
        raise ProgramError(
            f"the program runner exited with code {process.returncode} and no result:\n{output}"
        )
    result = json.loads(result_path.read_text())
    if not result["ok"]:
        message = result["error"]
        if output.strip():
            message += "\n\nProgram output:\n" + output
        raise ProgramError(message)
    return ProgramRun(result["registrations"], result["invokes"], result["diagnostics"], output)


def run_program(settings: StackSettings) -> ProgramRun:
    """Run the stack's program in a fresh process and return what it registered."""
    with tempfile.TemporaryDirectory(prefix="offline-preview-") as workdir:
        process, result_path = start_program(settings, Path(workdir))
        return finish_program(process, result_path)
