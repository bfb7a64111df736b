"""Policy pack figures: cold start, Analyze and AnalyzeStack throughput and their linearity.

Run from the project root: `nice .venv/bin/python benchmarks/policy_pack.py [--pack DIR]` (`--pack` measures
another checkout's pack, such as main's, with this client: before and after figures of one change). It
prints figures only (no pass or fail); the README's table is copied from its output. The pack is started as
the Pulumi CLI starts it and driven over its gRPC Analyzer service.

Machines differ and so does their load: the load average is printed with the figures, and beside each wall
time the CPU seconds of the pack's process itself (user + system, from /proc), which other processes on a
shared machine inflate far less. Requests are built before the clock starts (the engine builds them in
Go, not in this client), so a throughput is the pack's answering time plus the gRPC round trips.
"""

from __future__ import annotations

import argparse
import compileall
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
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
from offline_preview.program import run_program  # noqa: E402
from offline_preview.project import load_stack  # noqa: E402

CALL_TIMEOUT = 900.0
"""Long enough for a slow pack on a loaded machine to finish: a figure, not the preview's time limit."""

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
PREFIX = "urn:pulumi:eu::residency::"
PROVIDER = PREFIX + "pulumi:providers:aws::aws-eu-west-1"
REPEATS = 5
KUBERNETES_COUNTS = (1000, 4000)
"""Kept below 10,000: a pack that scans the stack per Service (main before this change) takes minutes."""


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


def cpu_seconds(pid: int) -> float:
    """User plus system CPU seconds a process has used so far (Linux /proc; 0 elsewhere)."""
    stat = Path(f"/proc/{pid}/stat")
    if not stat.exists():
        return 0.0
    fields = stat.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def byte_compile(pack: Path) -> None:
    """Byte-compile the pack's own packages, as its first start does where Python may write byte-code.

    Without this, a shell with PYTHONDONTWRITEBYTECODE set would measure compiling the pack's sources on
    every start instead of starting it. (The pack's virtualenv is compiled when it is installed.)
    """
    for package in sorted(p.parent for p in pack.glob("*/__init__.py")):
        compileall.compile_dir(package, quiet=1)


def cold_starts(pack: Path, stack: str) -> list[tuple[float, float, float]]:
    """For each start: wall seconds to the port printed, the pack's CPU seconds by then, and wall seconds
    until it is configured (ConfigureStack, GetAnalyzerInfo, GetPluginInfo, Configure, in the CLI's order)."""
    settings = load_stack(ROOT, stack)
    times = []
    for _ in range(REPEATS):
        launched = LaunchedPack(pack, settings)
        launched.port()
        cpu = cpu_seconds(launched.process.pid)
        process = PolicyPackProcess(launched, call_timeout=CALL_TIMEOUT)
        configure_pack(process, settings, pack / "config" / f"{stack}.json")
        configured = time.perf_counter() - launched.started
        times.append((launched.cold_start_seconds, cpu, configured))
        process.stop()
    return times


def synthetic(count: int) -> list[dict[str, Any]]:
    """A stack of `count` resources shaped like the real one, with the lineage the rules follow.

    In turn: a KMS key, a PII database encrypted with it, a same-region snapshot of the database, an
    anonymised bucket, a security group, a log group and a same-region replica of the anonymised bucket.
    """
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
    key = database = bucket = ""
    for index in range(count - 1):
        kind = index % 7
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
            database = PREFIX + f"aws:rds/instance:Instance::pii-{index}"
            registration = {
                "urn": database,
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
                "urn": PREFIX + f"aws:rds/snapshot:Snapshot::snapshot-{index}",
                "type": "aws:rds/snapshot:Snapshot",
                "name": f"snapshot-{index}",
                "inputs": {
                    "dbInstanceIdentifier": UNKNOWN,
                    "dbSnapshotIdentifier": f"snapshot-{index}",
                    "tags": {"data-classification": "pii"},
                },
                "property_dependencies": {"dbInstanceIdentifier": [database]},
                "dependencies": [database],
                "protect": True,
            }
        elif kind == 3:
            bucket = PREFIX + f"aws:s3/bucket:Bucket::anonymised-{index}"
            registration = {
                "urn": bucket,
                "type": "aws:s3/bucket:Bucket",
                "name": f"anonymised-{index}",
                "inputs": {"tags": {"data-classification": "anonymised"}},
            }
        elif kind == 4:
            registration = {
                "urn": PREFIX + f"aws:ec2/securityGroup:SecurityGroup::app-{index}",
                "type": "aws:ec2/securityGroup:SecurityGroup",
                "name": f"app-{index}",
                "inputs": {"vpcId": UNKNOWN, "description": "application"},
            }
        elif kind == 5:
            registration = {
                "urn": PREFIX + f"aws:cloudwatch/logGroup:LogGroup::logs-{index}",
                "type": "aws:cloudwatch/logGroup:LogGroup",
                "name": f"logs-{index}",
                "inputs": {"retentionInDays": 30, "tags": {"data-classification": "internal"}},
            }
        else:
            registration = {
                "urn": PREFIX
                + f"aws:s3/bucketReplicationConfig:BucketReplicationConfig::replication-{index}",
                "type": "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
                "name": f"replication-{index}",
                "inputs": {
                    "bucket": UNKNOWN,
                    "role": "arn:aws:iam::123456789012:role/replication",
                    "rules": [{"status": "Enabled", "destination": {"bucket": UNKNOWN}}],
                },
                "property_dependencies": {"bucket": [bucket], "rules": [bucket]},
                "dependencies": [bucket],
            }
        registrations.append({**common, **registration})
    for registration in registrations:
        registration["outputs"] = dict(registration["inputs"])
    return registrations


def kubernetes_synthetic(count: int) -> list[dict[str, Any]]:
    """A stack of `count` resources whose second half is Kubernetes: per namespace, a StatefulSet, the
    Service that selects it and a Deployment that names the Service (lineage follows each Service)."""
    registrations = synthetic(count // 2)
    cluster = PREFIX + "aws:eks/cluster:Cluster::cluster"
    kubernetes = PREFIX + "pulumi:providers:kubernetes::cluster"
    registrations.append(
        {
            "urn": cluster,
            "type": "aws:eks/cluster:Cluster",
            "name": "cluster",
            "custom": True,
            "provider": f"{PROVIDER}::{UNKNOWN}",
            "parent": "",
            "inputs": {"roleArn": UNKNOWN, "tags": {"data-classification": "internal"}},
        }
    )
    registrations.append(
        {
            "urn": kubernetes,
            "type": "pulumi:providers:kubernetes",
            "name": "cluster",
            "custom": True,
            "parent": "",
            "inputs": {"kubeconfig": UNKNOWN},
            "property_dependencies": {"kubeconfig": [cluster]},
            "dependencies": [cluster],
        }
    )
    index = 0
    while len(registrations) < count:
        namespace, app = f"team-{index}", f"store-{index}"
        common = {"custom": True, "provider": f"{kubernetes}::{UNKNOWN}", "parent": ""}
        labels = {"data-classification": "internal"}
        objects: list[tuple[str, str, dict[str, Any]]] = [
            ("core/v1:Namespace", namespace, {"metadata": {"name": namespace}}),
            (
                "apps/v1:StatefulSet",
                app,
                {
                    "metadata": {"name": app, "namespace": namespace, "labels": labels},
                    "spec": {
                        "template": {"metadata": {"labels": {"app": app}}},
                        "volumeClaimTemplates": [{"metadata": {"name": "data", "labels": labels}}],
                    },
                },
            ),
            (
                "core/v1:Service",
                app,
                {
                    "metadata": {"name": app, "namespace": namespace},
                    "spec": {"selector": {"app": app}, "ports": [{"port": 5432}]},
                },
            ),
            (
                "apps/v1:Deployment",
                f"api-{index}",
                {
                    "metadata": {"name": f"api-{index}", "namespace": namespace},
                    "spec": {
                        "template": {
                            "metadata": {"labels": {"app": f"api-{index}"}},
                            "spec": {
                                "containers": [
                                    {
                                        "name": "api",
                                        "image": "example/api:1",
                                        "env": [{"name": "STORE", "value": f"{app}.{namespace}.svc"}],
                                    }
                                ]
                            },
                        }
                    },
                },
            ),
        ]
        for kind, name, inputs in objects:
            token = f"kubernetes:{kind}"
            registrations.append(
                {**common, "urn": f"{PREFIX}{token}::{name}", "type": token, "name": name, "inputs": inputs}
            )
        index += 1
    for registration in registrations:
        registration["outputs"] = dict(registration["inputs"])
    return registrations


Figures = tuple[int, float, float, float, float]
"""Resources; Analyze wall and pack CPU seconds (every call); AnalyzeStack wall and pack CPU seconds."""


def throughput(
    pack: Path,
    counts: tuple[int, ...],
    shape: Callable[[int], list[dict[str, Any]]] = synthetic,
    stack: str = "eu",
) -> list[Figures]:
    """For each size: seconds for every Analyze call, and seconds for the one AnalyzeStack call."""
    settings = load_stack(ROOT, stack)
    process = PolicyPackProcess(LaunchedPack(pack, settings), call_timeout=CALL_TIMEOUT)
    pid = process.process.pid
    figures = []
    try:
        configure_pack(process, settings, pack / "config" / f"{stack}.json")
        for count in counts:
            registrations = shape(count)
            by_urn = {registration["urn"]: registration for registration in registrations}
            requests = [analyze_request(registration, by_urn) for registration in registrations]
            stack_request = analyze_stack_request(registrations)
            cpu, started = cpu_seconds(pid), time.perf_counter()
            with ThreadPoolExecutor(max_workers=4) as pool:
                list(pool.map(lambda request: process.call("Analyze", request), requests))
            analyzed, analyzed_cpu = time.perf_counter() - started, cpu_seconds(pid) - cpu
            cpu, started = cpu_seconds(pid), time.perf_counter()
            response = process.call("AnalyzeStack", stack_request)
            stack_seconds, stack_cpu = time.perf_counter() - started, cpu_seconds(pid) - cpu
            if any(d.enforcementLevel == 1 for d in response.diagnostics):
                message = response.diagnostics[0].message
                raise SystemExit(f"the {stack} stack of {count} breaks a rule: {message}")
            figures.append((count, analyzed, analyzed_cpu, stack_seconds, stack_cpu))
    finally:
        process.stop()
    return figures


def _median_min(values: list[float]) -> str:
    return f"{min(values):.3f} s / {statistics.median(values):.3f} s"


def main() -> None:
    """Print every figure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pack", type=Path, default=ROOT / "policies", help="the policy pack directory")
    pack = parser.parse_args().pack.resolve()
    print(f"Machine: {machine()}")
    print(f"Pack: {pack}")
    print()
    byte_compile(pack)
    starts = cold_starts(pack, "eu")
    print(f"Policy pack cold start (min / median of {len(starts)}; the pack's own modules byte-compiled):")
    print(f"  process start to port printed, wall: {_median_min([wall for wall, _, _ in starts])}")
    print(f"  process start to port printed, pack CPU: {_median_min([cpu for _, cpu, _ in starts])}")
    print(f"  process start to configured, wall: {_median_min([done for _, _, done in starts])}")
    print()
    print("Throughput (real pack, eu config, synthetic resources; Analyze per resource, AnalyzeStack once):")
    header = (
        "resources",
        "Analyze s",
        "Analyze/s",
        "CPU/s",
        "AnalyzeStack s",
        "AnalyzeStack/s",
        "CPU/s",
        "ms/resource",
    )
    widths = (9, 9, 9, 7, 14, 14, 7, 11)
    print("  " + "  ".join(f"{title:>{width}}" for title, width in zip(header, widths, strict=True)))
    figures = throughput(pack, (100, 1000, 10000))
    for count, analyzed, analyzed_cpu, stack_seconds, stack_cpu in figures:
        total = analyzed + stack_seconds
        print(
            f"  {count:>9}  {analyzed:>9.2f}  {count / analyzed:>9.0f}  {_rate(count, analyzed_cpu):>7}  "
            f"{stack_seconds:>14.2f}  {count / stack_seconds:>14.0f}  {_rate(count, stack_cpu):>7}  "
            f"{1000 * total / count:>11.3f}"
        )
    print("  (CPU/s: resources per CPU second of the pack's process)")
    per_resource = [(analyzed + stack) / count for count, analyzed, _, stack, _ in figures]
    ratio = per_resource[-1] / per_resource[1]
    verdict = "linear" if 0.67 <= ratio <= 1.5 else "not linear"
    print(f"  time per resource at 10,000 vs 1,000: {ratio:.2f}x ({verdict})")
    stack_cpu_per_resource = [stack_cpu / count for count, _, _, _, stack_cpu in figures]
    if stack_cpu_per_resource[1] > 0:
        cpu_ratio = stack_cpu_per_resource[-1] / stack_cpu_per_resource[1]
        print(f"  AnalyzeStack pack CPU per resource at 10,000 vs 1,000: {cpu_ratio:.2f}x")
    print()
    print("AnalyzeStack of a stack half Kubernetes (per namespace a StatefulSet, its Service, a Deployment):")
    print("  resources  AnalyzeStack s  AnalyzeStack/s    CPU/s")
    kubernetes = throughput(pack, KUBERNETES_COUNTS, kubernetes_synthetic)
    for count, _, _, stack_seconds, stack_cpu in kubernetes:
        rate = _rate(count, stack_cpu)
        print(f"  {count:>9}  {stack_seconds:>14.2f}  {count / stack_seconds:>14.0f}  {rate:>7}")
    print()
    print("The real stacks as a first preview records them (code and configuration texts included, such as")
    print("the telemetry SQL every telemetry workload mounts; the first figures of a fresh pack process):")
    print("  stack  resources  Analyze s  AnalyzeStack s  pack CPU s  resources per pack CPU second")
    for stack in ("eu", "india"):
        recorded = [dict(r) for r in run_program(load_stack(ROOT, stack)).registrations]
        [(count, analyzed, analyzed_cpu, stack_seconds, stack_cpu)] = throughput(
            pack, (len(recorded),), _always(recorded), stack
        )
        cpu = analyzed_cpu + stack_cpu
        print(
            f"  {stack:>5}  {count:>9}  {analyzed:>9.2f}  {stack_seconds:>14.2f}  {cpu:>10.2f}  "
            f"{_rate(count, cpu):>29}"
        )


def _always(registrations: list[dict[str, Any]]) -> Callable[[int], list[dict[str, Any]]]:
    """A shape that gives these registrations whatever the count asked."""
    return lambda _: registrations


def _rate(count: int, seconds: float) -> str:
    """Resources per second, or `-` when the time is below what /proc can resolve."""
    return f"{count / seconds:.0f}" if seconds >= 0.05 else "-"


if __name__ == "__main__":
    main()
