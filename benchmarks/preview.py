"""Offline preview figures: wall time per stack and at scale (the pack's own: benchmarks/policy_pack.py).

Run from the project root: `.venv/bin/python benchmarks/preview.py`. It prints figures only (no pass or fail);
the README's table is copied from its output. Machines differ and so does their load: the load average is
printed with the figures.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPEATS = 3
SCALE_COUNTS = (100, 1000, 10000)


def machine() -> str:
    """CPU model, cores and the current load."""
    model = platform.processor() or "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return f"{model}; nproc {os.cpu_count()}; load average {load}; Python {platform.python_version()}"


def preview_wall_time(stack: str) -> list[float]:
    """Wall time of the whole command (program, pack, report) for one stack, each run a fresh process."""
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "offline_preview", "preview", "--stack", stack, "--json"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        times.append(time.perf_counter() - started)
        if result.returncode not in (0, 1):
            raise SystemExit(f"preview of {stack} failed:\n{result.stderr}")
    return times


SCALE_PROGRAM = """\
import os

import pulumi
import pulumi_aws as aws

count = int(os.environ["SCALE_RESOURCES"])
provider = aws.Provider("eu", region="eu-west-1")
for index in range(count):
    aws.s3.Bucket(
        f"bucket-{index}",
        tags={"data-classification": "anonymised", "index": str(index)},
        opts=pulumi.ResourceOptions(provider=provider),
    )
pulumi.export("count", count)
"""

BARE_RUNTIME = """\
import asyncio, os, runpy, sys
import pulumi
from pulumi.runtime.stack import wait_for_rpcs

class Mocks(pulumi.runtime.Mocks):
    registered = 0
    def new_resource(self, args):
        Mocks.registered += 1
        return (None, args.inputs)
    def call(self, args):
        return {}

loop = asyncio.new_event_loop()
asyncio.set_event_loop(loop)
pulumi.runtime.set_mocks(Mocks(), project="scale", stack="bench", preview=True)
runpy.run_path(sys.argv[1], run_name="__main__")
loop.run_until_complete(wait_for_rpcs())
expected = int(os.environ["SCALE_RESOURCES"]) + 1
if Mocks.registered != expected:
    print(f"registered {Mocks.registered} of {expected} resources", file=sys.stderr)
    sys.exit(3)
"""
"""The SDK's own mock runtime on the same program, as unit tests use it: `set_mocks`, then the RPCs.

This is the issue's "bare mock runtime": the same program and inputs, every resource registered through the
SDK's MockMonitor and every RPC and output awaited (`wait_for_rpcs`, as `pulumi.runtime.test` awaits them).
It checks that the mocks saw every bucket and the provider, so that a baseline that skipped registrations
cannot flatter the ratio. It does without what a preview needs beyond that: the stack's outputs (set_mocks
registers the stack before the program exports), the engine's view of each registration, a report.
"""

BARE_STACK = """\
import asyncio, os, runpy, sys
import pulumi
from google.protobuf import empty_pb2
from pulumi.runtime import mocks, settings
from pulumi.runtime.stack import run_in_stack

class Mocks(pulumi.runtime.Mocks):
    registered = 0
    def new_resource(self, args):
        Mocks.registered += 1
        return (None, args.inputs)
    def call(self, args):
        return {}

monitor = mocks.MockMonitor(Mocks())
features = set(monitor.GetDeploymentInfo(empty_pb2.Empty()).supportedFeatures)
settings.configure(mocks.MockSettings(monitor=monitor, monitor_features=features,
    engine=mocks.MockEngine(None), project="scale", stack="bench", dry_run=True,
    organization="organization", callbacks=None))
loop = asyncio.new_event_loop()
asyncio.set_event_loop(loop)
loop.run_until_complete(run_in_stack(lambda: runpy.run_path(sys.argv[1], run_name="__main__")))
expected = int(os.environ["SCALE_RESOURCES"]) + 1
if Mocks.registered != expected:
    print(f"registered {Mocks.registered} of {expected} resources", file=sys.stderr)
    sys.exit(3)
"""
"""The same mocks run as the Python language host runs a program (`run_in_stack`), which the preview does.

Its `wait_for_rpcs` starts before any registration has, and so waits on every pending output at once, round
after round; the preview's runner yields once first (program_runner.run_then_let_registrations_start).
"""


def scale_project(directory: Path) -> Path:
    """A project whose program declares SCALE_RESOURCES buckets behind one explicit provider."""
    (directory / "Pulumi.yaml").write_text("name: scale\nruntime: python\n")
    (directory / "Pulumi.bench.yaml").write_text("config:\n  aws:region: eu-west-1\n")
    (directory / "__main__.py").write_text(SCALE_PROGRAM)
    return directory


def _measured(arguments: list[str], count: int, cwd: Path) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (the whole process tree) and peak memory (MiB, its largest process)."""
    environment = {**os.environ, "SCALE_RESOURCES": str(count)}
    started = time.perf_counter()
    process = subprocess.Popen(arguments, cwd=cwd, env=environment, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        raise SystemExit(f"{arguments} failed with exit code {process.returncode}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


Figure = tuple[float, float, float]


def scale(counts: tuple[int, ...]) -> Iterator[tuple[int, Figure, Figure, Figure]]:
    """For each size, as it is measured: (wall, CPU, MiB) of the preview, of `set_mocks` alone and of
    `run_in_stack` alone."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="offline-preview-bench-") as directory:
        project = scale_project(Path(directory))
        command = [
            sys.executable,
            "-m",
            "offline_preview",
            "preview",
            "-s",
            "bench",
            "-C",
            str(project),
            "--json",
            # 10,000 resources on a loaded machine take longer than the default limit of 600 s.
            "--program-timeout",
            "7200",
        ]
        main = str(project / "__main__.py")
        for count in counts:
            preview = _measured(command, count, ROOT)
            bare = _measured([sys.executable, "-c", BARE_RUNTIME, main], count, project)
            stack = _measured([sys.executable, "-c", BARE_STACK, main], count, project)
            yield count, preview, bare, stack


def print_scale(counts: tuple[int, ...]) -> None:
    """The preview against the SDK's bare mock runtime: wall, CPU and peak memory, and their ratios.

    CPU seconds are the fairer ratio on a shared machine (wall time also measures the other jobs). Two
    baselines: `set_mocks` as unit tests use it, and the same mocks under `run_in_stack`, the language host's
    way of running a program, which the preview keeps (stack outputs, errors and shutdown as the engine sees
    them).
    """
    print(
        "Preview of synthetic programs (N buckets, no pack) vs the SDK's bare mock runtime, fresh processes:"
    )
    header = ("resources", "", "wall s", "CPU s", "MiB", "vs mocks")
    print("  " + "  ".join(f"{title:>9}" for title in header))
    for count, preview, bare, stack in scale(counts):
        for label, (wall, cpu, memory) in (("preview", preview), ("set_mocks", bare), ("in stack", stack)):
            ratio = "" if label == "set_mocks" else _ratios((wall, cpu, memory), bare)
            size = str(count) if label == "preview" else ""
            cells = [size, label, f"{wall:.2f}", f"{cpu:.2f}", f"{memory:.0f}"]
            print("  " + "  ".join(f"{cell:>9}" for cell in cells) + f"  {ratio}", flush=True)
    print("  (vs mocks: wall / CPU / peak memory against set_mocks; goal within 1.2x)")


def _ratios(figure: Figure, baseline: Figure) -> str:
    """`wall x / CPU x / memory x` of one run against the baseline's."""
    return " / ".join(f"{value / base:.2f}x" for value, base in zip(figure, baseline, strict=True))


def main() -> None:
    """Print every figure (`--scale-only [N ...]` prints only the scale table, for N resources)."""
    if "--scale-only" in sys.argv:
        print(f"Machine: {machine()}")
        counts = tuple(int(arg) for arg in sys.argv[sys.argv.index("--scale-only") + 1 :]) or SCALE_COUNTS
        print_scale(counts)
        return
    print(f"Machine: {machine()}")
    print()
    print("Offline preview wall time (whole command, fresh process, min / median of 3):")
    for stack in ("eu", "india"):
        if (ROOT / f"Pulumi.{stack}.yaml").exists():
            times = preview_wall_time(stack)
            print(f"  {stack:6} {min(times):.2f} s / {statistics.median(times):.2f} s")
    print()
    print_scale(SCALE_COUNTS)


if __name__ == "__main__":
    main()
