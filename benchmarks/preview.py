"""Offline preview figures: wall time per stack, the pack's cold start, Analyze throughput and linearity.

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
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from offline_preview.analysis import (  # noqa: E402 (the project root goes on the path first)
    PolicyPackProcess,
    analyze_request,
    analyze_stack_request,
    configure_pack,
)
from offline_preview.launch import LaunchedPack  # noqa: E402
from offline_preview.project import load_stack  # noqa: E402

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
PREFIX = "urn:pulumi:eu::residency::"
PROVIDER = PREFIX + "pulumi:providers:aws::aws-eu-west-1"
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


def cold_starts(pack: Path, stack: str) -> list[float]:
    """Process start to port printed, for the pack as the CLI starts it."""
    settings = load_stack(ROOT, stack)
    times = []
    for _ in range(REPEATS + 2):
        launched = LaunchedPack(pack, settings)
        launched.port()
        times.append(launched.cold_start_seconds)
        launched.stop()
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
import asyncio, runpy, sys
import pulumi
from pulumi.runtime.stack import wait_for_rpcs

class Mocks(pulumi.runtime.Mocks):
    def new_resource(self, args):
        return (None, args.inputs)
    def call(self, args):
        return {}

loop = asyncio.new_event_loop()
asyncio.set_event_loop(loop)
pulumi.runtime.set_mocks(Mocks(), project="scale", stack="bench", preview=True)
runpy.run_path(sys.argv[1], run_name="__main__")
loop.run_until_complete(wait_for_rpcs())
"""
"""The SDK's own mock runtime on the same program, as unit tests use it: `set_mocks`, then the RPCs."""

BARE_STACK = """\
import asyncio, runpy, sys
import pulumi
from google.protobuf import empty_pb2
from pulumi.runtime import mocks, settings
from pulumi.runtime.stack import run_in_stack

class Mocks(pulumi.runtime.Mocks):
    def new_resource(self, args):
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
"""
"""The same mocks run as the Python language host runs a program (`run_in_stack`), which the preview does."""


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
    header = (
        "resources",
        "wall s",
        "CPU s",
        "MiB",
        "mocks CPU",
        "MiB",
        "stack CPU",
        "MiB",
        "vs mocks",
        "vs stack",
    )
    print("  " + "  ".join(f"{title:>9}" for title in header))
    for count, (wall, cpu, memory), (_, bare_cpu, bare_memory), (_, stack_cpu, stack_memory) in scale(counts):
        cells = [
            str(count),
            f"{wall:.2f}",
            f"{cpu:.2f}",
            f"{memory:.0f}",
            f"{bare_cpu:.2f}",
            f"{bare_memory:.0f}",
            f"{stack_cpu:.2f}",
            f"{stack_memory:.0f}",
            f"{cpu / bare_cpu:.2f}x/{memory / bare_memory:.2f}x",
            f"{cpu / stack_cpu:.2f}x/{memory / stack_memory:.2f}x",
        ]
        print("  " + "  ".join(f"{cell:>9}" for cell in cells), flush=True)
    print("  (ratios: CPU/memory; goal within 1.2x)")


def synthetic(count: int) -> list[dict[str, Any]]:
    """A stack of `count` resources shaped like the real one: keys, PII databases, buckets, groups, logs."""
    registrations: list[dict[str, Any]] = [
        {
            "urn": PROVIDER,
            "type": "pulumi:providers:aws",
            "name": "aws-eu-west-1",
            "custom": True,
            "inputs": {
                "region": "eu-west-1",
                "defaultTags": '{"tags":{"jurisdiction":"EU","managed-by":"pulumi"}}',
                "version": "7.51.1",
            },
            "outputs": {},
        }
    ]
    key = ""
    for index in range(count - 1):
        kind = index % 5
        common: dict[str, Any] = {
            "custom": True,
            "provider": f"{PROVIDER}::{UNKNOWN}",
            "parent": "",
            "outputs": {},
        }
        registration: dict[str, Any]
        if kind == 0:
            key = PREFIX + f"aws:kms/key:Key::key-{index}"
            registration = {
                "urn": key,
                "type": "aws:kms/key:Key",
                "name": f"key-{index}",
                "inputs": {"enableKeyRotation": True, "multiRegion": False, "description": "PII key"},
                "protect": True,
            }
        elif kind == 1:
            registration = {
                "urn": PREFIX + f"aws:rds/instance:Instance::pii-{index}",
                "type": "aws:rds/instance:Instance",
                "name": f"pii-{index}",
                "inputs": {
                    "engine": "postgres",
                    "instanceClass": "db.m7g.large",
                    "storageEncrypted": True,
                    "kmsKeyId": UNKNOWN,
                    "publiclyAccessible": False,
                    "deletionProtection": True,
                    "skipFinalSnapshot": False,
                    "finalSnapshotIdentifier": f"pii-{index}-final",
                    "backupRetentionPeriod": 14,
                    "tags": {"data-classification": "pii"},
                },
                "property_dependencies": {"kmsKeyId": [key]},
                "dependencies": [key],
                "protect": True,
            }
        elif kind == 2:
            registration = {
                "urn": PREFIX + f"aws:s3/bucket:Bucket::anonymised-{index}",
                "type": "aws:s3/bucket:Bucket",
                "name": f"anonymised-{index}",
                "inputs": {"tags": {"data-classification": "anonymised"}},
            }
        elif kind == 3:
            registration = {
                "urn": PREFIX + f"aws:ec2/securityGroup:SecurityGroup::app-{index}",
                "type": "aws:ec2/securityGroup:SecurityGroup",
                "name": f"app-{index}",
                "inputs": {"vpcId": UNKNOWN, "description": "application"},
            }
        else:
            registration = {
                "urn": PREFIX + f"aws:cloudwatch/logGroup:LogGroup::logs-{index}",
                "type": "aws:cloudwatch/logGroup:LogGroup",
                "name": f"logs-{index}",
                "inputs": {"retentionInDays": 30, "tags": {"data-classification": "internal"}},
            }
        registrations.append({**common, **registration})
    for registration in registrations:
        registration["outputs"] = dict(registration["inputs"])
    return registrations


def throughput(pack: Path, counts: tuple[int, ...]) -> list[tuple[int, float, float]]:
    """For each size: seconds for every Analyze call, and seconds for the one AnalyzeStack call."""
    settings = load_stack(ROOT, "eu")
    process = PolicyPackProcess.start(pack, settings)
    figures = []
    try:
        configure_pack(process, settings, pack / "config" / "eu.json")
        from concurrent.futures import ThreadPoolExecutor

        for count in counts:
            registrations = synthetic(count)
            by_urn = {registration["urn"]: registration for registration in registrations}
            started = time.perf_counter()
            requests = [analyze_request(registration, by_urn) for registration in registrations]
            with ThreadPoolExecutor(max_workers=4) as pool:
                list(pool.map(lambda request: process.call("Analyze", request), requests))
            analyzed = time.perf_counter() - started
            started = time.perf_counter()
            process.call("AnalyzeStack", analyze_stack_request(registrations))
            figures.append((count, analyzed, time.perf_counter() - started))
    finally:
        process.stop()
    return figures


def main() -> None:
    """Print every figure (`--scale-only [N ...]` prints only the scale table, for N resources)."""
    if "--scale-only" in sys.argv:
        print(f"Machine: {machine()}")
        counts = tuple(int(arg) for arg in sys.argv[sys.argv.index("--scale-only") + 1 :]) or SCALE_COUNTS
        print_scale(counts)
        return
    pack = ROOT / "policies"
    print(f"Machine: {machine()}")
    print()
    print("Offline preview wall time (whole command, fresh process, min / median of 3):")
    for stack in ("eu", "india"):
        if (ROOT / f"Pulumi.{stack}.yaml").exists():
            times = preview_wall_time(stack)
            print(f"  {stack:6} {min(times):.2f} s / {statistics.median(times):.2f} s")
    print()
    starts = cold_starts(pack, "eu")
    print(f"Policy pack cold start (process start to port printed, min / median of {len(starts)}):")
    print(f"  {min(starts):.3f} s / {statistics.median(starts):.3f} s")
    print()
    print_scale(SCALE_COUNTS)
    print()
    print("Analyze throughput (real pack, eu config, synthetic resources):")
    header = ("resources", "Analyze s", "resources/s", "AnalyzeStack s", "ms/resource")
    print(
        "  " + "  ".join(f"{title:>{width}}" for title, width in zip(header, (9, 9, 11, 14, 11), strict=True))
    )
    figures = throughput(pack, (100, 1000, 10000))
    for count, analyzed, stack_seconds in figures:
        total = analyzed + stack_seconds
        print(
            f"  {count:>9}  {analyzed:>9.2f}  {count / analyzed:>11.0f}  {stack_seconds:>14.2f}  "
            f"{1000 * total / count:>11.3f}"
        )
    per_resource = [(analyzed + stack) / count for count, analyzed, stack in figures]
    ratio = per_resource[-1] / per_resource[1]
    verdict = "linear" if 0.67 <= ratio <= 1.5 else "not linear"
    print(f"  time per resource at 10,000 vs 1,000: {ratio:.2f}x ({verdict})")


if __name__ == "__main__":
    main()
