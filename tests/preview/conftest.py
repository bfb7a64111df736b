"""Shared helpers for the offline preview tests: fixture projects, the CLI as a subprocess, recorded runs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from offline_preview.program import run_program
from offline_preview.project import load_stack

FIXTURES = Path(__file__).resolve().parent / "fixtures"
REPOSITORY = Path(__file__).resolve().parents[2]
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
SECRET = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270"}
SIGNATURE_KEY = "4dabf18193072939515e22adb298388d"
RESOURCE_SIGNATURE = "5cf8f73096256a8f31e491e813e4eb8e"


def preview(
    *arguments: str, timeout: float = 600, env: dict[str, str] | None = None, command: str = "preview"
) -> subprocess.CompletedProcess[str]:
    """Run `python -m offline_preview preview ...` in a fresh process, as a user or CI would.

    `timeout` bounds the run, so that a preview that hangs fails its test rather than blocking the suite.
    """
    return subprocess.run(
        [sys.executable, "-m", "offline_preview", command, *arguments],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def record(project: str, stack: str = "test") -> dict[str, dict[str, Any]]:
    """Run a fixture program under the recorder and return its registrations by URN."""
    run = run_program(load_stack(FIXTURES / project, stack), timeout=180)
    return {registration["urn"]: registration for registration in run.registrations}


@pytest.fixture(scope="session")
def basic() -> dict[str, dict[str, Any]]:
    """The registrations of the basic fixture program (recorded once: a run takes a couple of seconds)."""
    return record("basic")
