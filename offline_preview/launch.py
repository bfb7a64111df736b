"""Starts a Python policy pack process as the Pulumi CLI's Python language host does, and reads its port.

Kept free of gRPC and the Pulumi SDK so that the preview can start the pack (and the program) before it pays
for its own imports: on two cores the three processes' start-up overlaps.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import yaml

from offline_preview import processes
from offline_preview.project import StackSettings, virtualenv_python

ENGINE_ADDRESS = "127.0.0.1:0"
"""The engine address the pack is given: nothing listens there, and a Python pack never dials it."""


class PolicyPackError(Exception):
    """The pack could not be started, configured or run: the preview cannot say whether the stack complies."""


def pack_interpreter(pack_dir: Path) -> str:
    """The pack's virtualenv interpreter when PulumiPolicy.yaml names one, else this interpreter."""
    manifest = yaml.safe_load((pack_dir / "PulumiPolicy.yaml").read_text()) or {}
    runtime = manifest.get("runtime")
    options = runtime.get("options", {}) if isinstance(runtime, dict) else {}
    name = runtime.get("name") if isinstance(runtime, dict) else runtime
    if name != "python":
        raise PolicyPackError(f"{pack_dir}: only Python policy packs can run offline (runtime is {name!r})")
    python = virtualenv_python(pack_dir, options or {})
    if python is None:
        return sys.executable
    if not python.exists():
        raise PolicyPackError(
            f"{pack_dir}/PulumiPolicy.yaml names virtualenv {python.parent.parent}, which is missing"
        )
    return str(python)


class LaunchedPack:
    """A policy pack process on its way up; `port()` waits for the port it prints first.

    Its stdout after the port line and its whole stderr are drained as they arrive (a pack that prints more
    than a pipe holds would otherwise block forever) and kept, so the preview can show them as the CLI does:
    each line as a diagnostic of the pack.
    """

    def __init__(self, pack_dir: Path, settings: StackSettings) -> None:
        self.pack_dir = pack_dir.resolve()
        if not (self.pack_dir / "PulumiPolicy.yaml").exists():
            raise PolicyPackError(f"policy pack not found at {self.pack_dir}: no PulumiPolicy.yaml")
        environment = dict(os.environ)
        # What the language host puts in the pack's environment after the engine's ConfigureStack call.
        environment.update(
            {
                "PULUMI_ORGANIZATION": settings.organization,
                "PULUMI_PROJECT": settings.project,
                "PULUMI_STACK": settings.stack,
                "PULUMI_DRY_RUN": "true",
                "PULUMI_CONFIG": json.dumps(settings.config),
            }
        )
        self.started = time.perf_counter()
        self._ready_at = 0.0
        self.process = processes.spawn(
            [
                pack_interpreter(self.pack_dir),
                "-u",
                "-m",
                "pulumi.policy",
                ENGINE_ADDRESS,
                str(self.pack_dir),
            ],
            cwd=self.pack_dir,
            environment=environment,
        )
        self.stdout = processes.Drain(self.process.stdout, self._mark_ready)
        self.stderr = processes.Drain(self.process.stderr)

    def _mark_ready(self, _line: bytes) -> None:
        """Take the time the port line arrives, however late the preview gets round to asking for it."""
        if not self._ready_at:
            self._ready_at = time.perf_counter()

    @property
    def cold_start_seconds(self) -> float:
        """From process start to the port printed."""
        return self._ready_at - self.started

    def port(self, timeout: float = 60.0) -> int:
        """The pack's gRPC port; a pack that exits or prints anything else has failed to start."""
        if not self.stdout.first_line.wait(timeout):
            output = self.stop()
            message = f"policy pack {self.pack_dir} did not report its port within {timeout:.0f} s"
            raise PolicyPackError(f"{message}\n{output}".strip())
        first = self.stdout.lines[0] if self.stdout.lines else b""
        try:
            return int(first.strip())
        except ValueError:
            output = self.stop()
            printed = first.decode(errors="replace") + output
            message = f"policy pack {self.pack_dir} failed to start:\n{printed}"
            raise PolicyPackError(message.strip()) from None

    def output(self) -> str:
        """What the pack printed besides its port: stdout after the first line, then stderr."""
        return self.stdout.text(skip=1) + self.stderr.text()

    def output_lines(self) -> list[str]:
        """The pack's output as non-empty lines, as the CLI logs each line of a plugin's output."""
        return [line for line in self.output().splitlines() if line.strip()]

    def stop(self) -> str:
        """Stop the pack process (and anything it started) and return what it printed besides its port."""
        # Even a pack that has exited may have left children in its group.
        processes.stop(self.process)
        self.stdout.join(timeout=2)
        self.stderr.join(timeout=2)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None and not stream.closed:
                stream.close()
        return self.output()
