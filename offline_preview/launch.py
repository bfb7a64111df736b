"""Starts a Python policy pack process as the Pulumi CLI's Python language host does, and reads its port.

Kept free of gRPC and the Pulumi SDK so that the preview can start the pack (and the program) before it pays
for its own imports: on two cores the three processes' start-up overlaps.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import yaml

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
    """A policy pack process on its way up; `port()` waits for the port it prints first."""

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
        self.process = subprocess.Popen(
            [
                pack_interpreter(self.pack_dir),
                "-u",
                "-m",
                "pulumi.policy",
                ENGINE_ADDRESS,
                str(self.pack_dir),
            ],
            cwd=self.pack_dir,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self._first_line = b""
        self._ready_at = 0.0
        self._ready = threading.Event()
        self._reader = threading.Thread(target=self._read_first_line, daemon=True)
        self._reader.start()

    def _read_first_line(self) -> None:
        """Take the time the port line arrives, however late the preview gets round to asking for it."""
        assert self.process.stdout is not None
        self._first_line = self.process.stdout.readline()
        self._ready_at = time.perf_counter()
        self._ready.set()

    @property
    def cold_start_seconds(self) -> float:
        """From process start to the port printed."""
        return self._ready_at - self.started

    def port(self, timeout: float = 60.0) -> int:
        """The pack's gRPC port; a pack that exits or prints anything else has failed to start."""
        if not self._ready.wait(timeout):
            self.stop()
            raise PolicyPackError(
                f"policy pack {self.pack_dir} did not report its port within {timeout:.0f} s"
            )
        try:
            return int(self._first_line.strip())
        except ValueError:
            stderr = self.stop()
            output = (self._first_line.decode(errors="replace") + stderr).strip()
            raise PolicyPackError(f"policy pack {self.pack_dir} failed to start:\n{output}") from None

    def stop(self) -> str:
        """Stop the pack process and return whatever it wrote to stderr."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        stderr = self.process.stderr.read() if self.process.stderr and not self.process.stderr.closed else b""
        self._reader.join(timeout=1)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None and not stream.closed:
                stream.close()
        return stderr.decode(errors="replace")
