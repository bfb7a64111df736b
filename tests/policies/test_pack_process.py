"""The pack as the Pulumi CLI runs it: its own process, from PulumiPolicy.yaml's virtualenv, over gRPC.

The CLI (through the Python language host's RunPlugin) runs `<virtualenv>/bin/python -u -m pulumi.policy
<engine address> <policy pack directory>` with the pack directory as working directory, reads the port the
pack prints on its first stdout line, and then calls GetAnalyzerInfo, Configure, Analyze and AnalyzeStack.
"""

from __future__ import annotations

import copy
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
import yaml
from google.protobuf import empty_pb2
from pulumi.runtime import proto
from pulumi.runtime.proto import analyzer_pb2_grpc

from tests.policies.baseline import eu_region
from tests.policies.policy_harness import (
    EU_CONFIG,
    POLICIES_DIR,
    RULES,
    analyze_request,
    analyze_stack_request,
    configure_request,
    diagnostics,
    stack_of,
)

pytestmark = pytest.mark.mode_independent


def _virtualenv_python() -> Path:
    """The interpreter PulumiPolicy.yaml names, resolved against the pack directory as the CLI resolves it."""
    project = yaml.safe_load((POLICIES_DIR / "PulumiPolicy.yaml").read_text())
    assert project["runtime"]["name"] == "python"
    virtualenv = Path(project["runtime"]["options"]["virtualenv"])
    return (POLICIES_DIR / virtualenv).resolve() / "bin" / "python"


class RunningPack:
    """The pack's process, its start-up time and its import log."""

    def __init__(self, process: subprocess.Popen[bytes], port: int, started_in: float) -> None:
        self.process = process
        self.port = port
        self.started_in = started_in
        self.stub = analyzer_pb2_grpc.AnalyzerStub(grpc.insecure_channel(f"127.0.0.1:{port}"))

    def imports(self) -> str:
        """Everything the interpreter imported, from `-X importtime` (stderr), once the process has ended."""
        self.process.terminate()
        _, stderr = self.process.communicate(timeout=30)
        return stderr.decode()


@pytest.fixture(scope="module")
def pack() -> Iterator[RunningPack]:
    python = _virtualenv_python()
    assert python.exists(), f"{python} is missing: the virtualenv PulumiPolicy.yaml names"
    started = time.monotonic()
    process = subprocess.Popen(
        [str(python), "-X", "importtime", "-u", "-m", "pulumi.policy", "127.0.0.1:0", str(POLICIES_DIR)],
        cwd=POLICIES_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert process.stdout is not None and process.stderr is not None
        first_line = process.stdout.readline().decode().strip()
        if not first_line.isdigit():
            process.kill()
            pytest.fail(
                f"the pack did not print its port: {first_line!r}\n{process.stderr.read().decode()[-3000:]}"
            )
        port = int(first_line)
        yield RunningPack(process, port, time.monotonic() - started)
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)


def test_the_pack_starts_and_lists_every_rule_with_its_config_schema(pack: RunningPack) -> None:
    info = pack.stub.GetAnalyzerInfo(empty_pb2.Empty(), timeout=30)
    assert info.name == "residency" and info.supportsConfig
    assert {policy.name for policy in info.policies} == set(RULES)
    for policy in info.policies:
        assert policy.enforcementLevel == proto.MANDATORY, policy.name
        assert "jurisdiction" in policy.configSchema.properties, policy.name
        assert list(policy.configSchema.required) == ["jurisdiction"], policy.name
        assert policy.description and policy.remediation_steps, policy.name
    print(f"pack start-up to port: {pack.started_in:.2f} s", file=sys.stderr)


def test_the_pack_enforces_its_rules_over_grpc(pack: RunningPack) -> None:
    info = pack.stub.GetAnalyzerInfo(empty_pb2.Empty(), timeout=30)
    pack.stub.Configure(configure_request(info, EU_CONFIG), timeout=30)
    region = eu_region()
    stack = stack_of(region.resources)
    responses = [pack.stub.Analyze(analyze_request(resource), timeout=30) for resource in stack]
    responses.append(pack.stub.AnalyzeStack(analyze_stack_request(stack), timeout=30))
    assert [d for d in diagnostics(responses) if d.level == "mandatory"] == []
    region.database.props["publiclyAccessible"] = True
    found = diagnostics(
        [pack.stub.AnalyzeStack(analyze_stack_request(stack_of(region.resources)), timeout=30)]
    )
    assert [(d.policy, d.urn) for d in found] == [("pii-not-public", region.database.urn)]


def test_a_config_the_rules_cannot_use_is_an_analyzer_error_over_grpc(pack: RunningPack) -> None:
    """As the CLI sees it: Configure fails with INVALID_ARGUMENT naming the policy and the key, and the pack
    keeps the config it had (a refused config never half-applies)."""
    info = pack.stub.GetAnalyzerInfo(empty_pb2.Empty(), timeout=30)
    outside = copy.deepcopy(EU_CONFIG)
    outside["pii-in-jurisdiction"]["allowedRegions"] = ["ap-south-1"]
    with pytest.raises(grpc.RpcError) as refused:
        pack.stub.Configure(configure_request(info, outside), timeout=30)
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    details = refused.value.details() or ""
    assert "policy config for 'pii-in-jurisdiction': 'allowedRegions' lists ['ap-south-1']" in details
    assert "--policy-pack-config" in details
    pack.stub.Configure(configure_request(info, EU_CONFIG), timeout=30)
    stack = stack_of(eu_region().resources)
    found = diagnostics([pack.stub.AnalyzeStack(analyze_stack_request(stack), timeout=30)])
    assert [d for d in found if d.level == "mandatory"] == []


def test_the_pack_never_imports_a_cloud_provider_sdk(pack: RunningPack) -> None:
    """Neither to start nor to analyse a stack (what a first analysis imports counts too)."""
    info = pack.stub.GetAnalyzerInfo(empty_pb2.Empty(), timeout=30)
    pack.stub.Configure(configure_request(info, EU_CONFIG), timeout=30)
    stack = stack_of(eu_region().resources)
    for resource in stack:
        pack.stub.Analyze(analyze_request(resource), timeout=30)
    pack.stub.AnalyzeStack(analyze_stack_request(stack), timeout=30)
    imported = pack.imports()
    assert "residency_policies.registry" in imported, "the import log does not show the pack's own modules"
    assert "pulumi_policy" in imported
    assert "pulumi_aws" not in imported
    assert "pulumi_kubernetes" not in imported
