"""Policy pack figures: cold start, Analyze and AnalyzeStack throughput and their linearity.

Run from the project root: `.venv/bin/python benchmarks/policy_pack.py`. It prints figures only (no pass or
fail); the README's table is copied from its output. The pack is started as the Pulumi CLI starts it and
driven over its gRPC Analyzer service. Machines differ and so does their load: the load average is printed
with the figures.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
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
from offline_preview.project import load_stack  # noqa: E402

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
PREFIX = "urn:pulumi:eu::residency::"
PROVIDER = PREFIX + "pulumi:providers:aws::aws-eu-west-1"
REPEATS = 5


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


def cold_starts(pack: Path, stack: str) -> list[float]:
    """Process start to port printed, for the pack as the CLI starts it."""
    settings = load_stack(ROOT, stack)
    times = []
    for _ in range(REPEATS):
        launched = LaunchedPack(pack, settings)
        launched.port()
        times.append(launched.cold_start_seconds)
        launched.stop()
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


def throughput(pack: Path, counts: tuple[int, ...]) -> list[tuple[int, float, float]]:
    """For each size: seconds for every Analyze call, and seconds for the one AnalyzeStack call."""
    settings = load_stack(ROOT, "eu")
    process = PolicyPackProcess.start(pack, settings)
    figures = []
    try:
        configure_pack(process, settings, pack / "config" / "eu.json")
        for count in counts:
            registrations = synthetic(count)
            by_urn = {registration["urn"]: registration for registration in registrations}
            started = time.perf_counter()
            requests = [analyze_request(registration, by_urn) for registration in registrations]
            with ThreadPoolExecutor(max_workers=4) as pool:
                list(pool.map(lambda request: process.call("Analyze", request), requests))
            analyzed = time.perf_counter() - started
            started = time.perf_counter()
            response = process.call("AnalyzeStack", analyze_stack_request(registrations))
            stack_seconds = time.perf_counter() - started
            if any(d.enforcementLevel == 1 for d in response.diagnostics):
                raise SystemExit(
                    f"the synthetic stack of {count} breaks a rule: {response.diagnostics[0].message}"
                )
            figures.append((count, analyzed, stack_seconds))
    finally:
        process.stop()
    return figures


def main() -> None:
    """Print every figure."""
    pack = ROOT / "policies"
    print(f"Machine: {machine()}")
    print()
    starts = cold_starts(pack, "eu")
    print(f"Policy pack cold start (process start to port printed, min / median of {len(starts)}):")
    print(f"  {min(starts):.3f} s / {statistics.median(starts):.3f} s")
    print()
    print("Throughput (real pack, eu config, synthetic resources; Analyze per resource, AnalyzeStack once):")
    header = ("resources", "Analyze s", "Analyze/s", "AnalyzeStack s", "AnalyzeStack/s", "ms/resource")
    widths = (9, 9, 9, 14, 14, 11)
    print("  " + "  ".join(f"{title:>{width}}" for title, width in zip(header, widths, strict=True)))
    figures = throughput(pack, (100, 1000, 10000))
    for count, analyzed, stack_seconds in figures:
        total = analyzed + stack_seconds
        print(
            f"  {count:>9}  {analyzed:>9.2f}  {count / analyzed:>9.0f}  {stack_seconds:>14.2f}  "
            f"{count / stack_seconds:>14.0f}  {1000 * total / count:>11.3f}"
        )
    per_resource = [(analyzed + stack) / count for count, analyzed, stack in figures]
    ratio = per_resource[-1] / per_resource[1]
    verdict = "linear" if 0.67 <= ratio <= 1.5 else "not linear"
    print(f"  time per resource at 10,000 vs 1,000: {ratio:.2f}x ({verdict})")


if __name__ == "__main__":
    main()
