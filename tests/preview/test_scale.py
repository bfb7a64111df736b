"""The runner's one yield before the SDK waits for its RPCs: cheaper waiting, the same registrations.

`offline_preview.program_runner.run_then_let_registrations_start` yields to the event loop once after the
program returns, so that `run_in_stack`'s `wait_for_rpcs` awaits the registrations one by one instead of
waiting on every pending output at once, round after round. These tests run the real runner in a fresh
process (the SDK's settings are process-wide) with `asyncio.wait` counted, once as the preview runs it and
once with the program run as `run_in_stack` would run it without the yield. They count calls, never time
them (benchmarks/preview.py measures the time).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from offline_preview.program import PACKAGE_ROOT, runner_spec
from offline_preview.project import load_stack

from .conftest import FIXTURES

_COUNTING_RUNNER = """\
import asyncio, json, os, runpy, sys
sys.path.insert(0, sys.argv[1])
from offline_preview import program_runner

spec_path, result_path, mode = sys.argv[2:5]  # the runner replaces sys.argv with the program's
pending_per_wait = []
original_wait = asyncio.wait

async def counting_wait(tasks, *arguments, **options):
    tasks = list(tasks)
    pending_per_wait.append(len(tasks))
    return await original_wait(tasks, *arguments, **options)

asyncio.wait = counting_wait
if mode == "without-yield":
    def run_only(main):
        runpy.run_path(str(main), run_name="__main__")
    program_runner.run_then_let_registrations_start = run_only
spec = json.loads(open(spec_path).read())
result = program_runner.run(spec)
result["pending_per_wait"] = pending_per_wait
with open(result_path, "w") as out:
    out.write(json.dumps(result))
os._exit(0)
"""

BUCKETS = 60

_SCALE_PROGRAM = """\
import pulumi
import pulumi_aws as aws

provider = aws.Provider("eu", region="eu-west-1")
for index in range(BUCKETS):
    aws.s3.Bucket(
        f"bucket-{index}",
        tags={"data-classification": "anonymised", "index": str(index)},
        opts=pulumi.ResourceOptions(provider=provider),
    )
pulumi.export("count", BUCKETS)
""".replace("BUCKETS", str(BUCKETS))


def _run(project: Path, stack: str, mode: str, workdir: Path) -> dict[str, Any]:
    """The runner's result for the project's stack, with the sizes of every `asyncio.wait` it made."""
    spec_path = workdir / f"spec-{mode}.json"
    result_path = workdir / f"result-{mode}.json"
    spec_path.write_text(json.dumps(runner_spec(load_stack(project, stack))))
    completed = subprocess.run(
        [sys.executable, "-c", _COUNTING_RUNNER, str(PACKAGE_ROOT), str(spec_path), str(result_path), mode],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result_path.exists(), f"the runner wrote no result:\n{completed.stdout}\n{completed.stderr}"
    result: dict[str, Any] = json.loads(result_path.read_text())
    return result


@pytest.fixture(scope="module")
def scale_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project of BUCKETS buckets behind one explicit provider, as benchmarks/preview.py declares them."""
    directory = tmp_path_factory.mktemp("scale")
    (directory / "Pulumi.yaml").write_text("name: scale\nruntime: python\n")
    (directory / "Pulumi.bench.yaml").write_text("config:\n  aws:region: eu-west-1\n")
    (directory / "__main__.py").write_text(_SCALE_PROGRAM)
    return directory


def test_the_sdk_waits_for_the_registrations_not_for_every_pending_output(
    scale_project: Path, tmp_path: Path
) -> None:
    """After the yield, wait_for_rpcs never waits on the outputs of the whole program at once.

    Without it, the SDK's wait visits every pending output (dozens per bucket) on each of several rounds; the
    second half of this test shows that the fall-through still happens without the yield, so that the first
    half tests the yield and not an SDK that no longer needs it (if the SDK changes, revisit the runner).
    """
    preview = _run(scale_project, "bench", "with-yield", tmp_path)
    assert preview["ok"], preview["error"]
    assert len(preview["registrations"]) == BUCKETS + 2  # the stack, the provider, the buckets
    assert sum(preview["pending_per_wait"]) < BUCKETS, (
        f"wait_for_rpcs waited on {preview['pending_per_wait']} pending outputs: the registrations had not "
        "started when the program returned (see program_runner.run_then_let_registrations_start)"
    )

    unyielded = _run(scale_project, "bench", "without-yield", tmp_path)
    assert unyielded["ok"], unyielded["error"]
    assert max(unyielded["pending_per_wait"], default=0) > BUCKETS * 10, (
        "without the yield the SDK no longer waits on every pending output at once: the yield in "
        f"program_runner may no longer be needed (waits: {unyielded['pending_per_wait']})"
    )


def _before_its_users(registrations: list[dict[str, Any]]) -> list[str]:
    """Registrations recorded before their parent, provider or a dependency: none, under the engine too."""
    position = {registration["urn"]: index for index, registration in enumerate(registrations)}
    early = []
    for index, registration in enumerate(registrations):
        needed = [registration["parent"], registration["provider"].rsplit("::", 1)[0]]
        needed += registration["dependencies"]
        early += [f"{registration['urn']} before {urn}" for urn in needed if position.get(urn, -1) > index]
    return early


def _as_the_engine_compares(registrations: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Registrations by URN, dependency lists as sets: the SDK sends them from a set, in hash order."""
    compared = {}
    for registration in registrations:
        compared[registration["urn"]] = {
            **registration,
            "dependencies": sorted(registration["dependencies"]),
            "property_dependencies": {
                key: sorted(urns) for key, urns in registration["property_dependencies"].items()
            },
        }
    return compared


@pytest.mark.parametrize("fixture", ["basic", "references", "transforms"])
def test_the_yield_changes_no_registration_or_output(fixture: str, tmp_path: Path) -> None:
    """What the runner records with the yield is what it records without it, field for field.

    The fixtures cover components and their providers, default providers, outputs passed as inputs,
    resources passed as inputs, secrets, stack outputs, and resource and stack transforms. The order of
    independent registrations is not compared: the SDK sends them from a thread pool, so it varies from run
    to run, as the order in which the engine receives them does; every registration still comes after its
    parent, its provider and its dependencies. Nor is the order within a dependency list: the SDK builds it
    from a set, so it follows the process's string hash seed.
    """
    project = FIXTURES / fixture
    stack = "test"
    with_yield = _run(project, stack, "with-yield", tmp_path)
    without_yield = _run(project, stack, "without-yield", tmp_path)
    assert with_yield["ok"] == without_yield["ok"]
    assert with_yield["error"] == without_yield["error"]
    recorded = _as_the_engine_compares(with_yield["registrations"])
    assert len(recorded) == len(with_yield["registrations"]) == len(without_yield["registrations"])
    assert recorded == _as_the_engine_compares(without_yield["registrations"])
    assert _before_its_users(with_yield["registrations"]) == []
    assert _before_its_users(without_yield["registrations"]) == []
    assert sorted(map(json.dumps, with_yield["invokes"])) == sorted(map(json.dumps, without_yield["invokes"]))
    assert sorted(map(json.dumps, with_yield["diagnostics"])) == sorted(
        map(json.dumps, without_yield["diagnostics"])
    )
