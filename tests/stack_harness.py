"""Run the real `__main__.py` for one stack under Pulumi's mock runtime and record what the engine would see.

The program runs as the Python language host runs it: inside `run_in_stack`, so its exports reach the root
stack's `RegisterResourceOutputs`, with the stack's config merged from its stack files as the CLI merges it.
A fresh root stack per run lets several stacks run in one test process.
"""

from __future__ import annotations

import dataclasses
import os
import runpy
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime import config as runtime_config
from pulumi.runtime import settings as runtime_settings
from pulumi.runtime.stack import run_in_stack
from pulumi.runtime.sync_await import _sync_await

from offline_preview.cloud_mocks import PlausibleCloudMocks
from offline_preview.provider_constraints import check_registrations, report
from residency.settings import PROJECT, engine_config, read_stack_files
from tests.recording import Invocation, RecordingMonitor, Registration
from tests.session_cache import shared

PROGRAM_DIR = Path(__file__).resolve().parent.parent
"""The project whose `__main__.py` every run executes, whatever directory its stack files come from."""

SECRET_SIGNATURE = "4dabf18193072939515e22adb298388d"
"""The key Pulumi's wire format marks a secret value with."""


class InClusterMocks(PlausibleCloudMocks):
    """Plausible answers, plus what the AWS Load Balancer Controller publishes on a LoadBalancer Service.

    A Kubernetes object's provider carries no AWS region, so the mocks are told the stack's region.
    """

    def __init__(self, region: str) -> None:
        super().__init__(preview=False)
        self.region = region

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        """Give LoadBalancer Services the status the controller writes once the NLB exists."""
        resource_id, state = super().new_resource(args)
        spec = args.inputs.get("spec") or {}
        if args.typ == "kubernetes:core/v1:Service" and spec.get("type") == "LoadBalancer":
            hostname = f"k8s-{args.name[:20]}-0123456789.elb.{self.region}.amazonaws.com"
            state = {**state, "status": {"loadBalancer": {"ingress": [{"hostname": hostname}]}}}
        return resource_id, state


@dataclass
class StackRun:
    """What one run of the program registered, invoked and exported."""

    stack: str
    config: dict[str, Any]
    registrations: list[Registration]
    invocations: list[Invocation]
    outputs: dict[str, Any]
    providers: dict[str, Registration] = field(default_factory=dict)
    """Provider registrations by URN."""
    error: BaseException | None = None
    """What the program raised, when the run was allowed to fail."""
    states: dict[str, dict[str, Any]] = field(default_factory=dict)
    """What the mocked cloud returned for each resource (inputs, computed outputs and `id`), by URN."""

    def of_type(self, type_token: str) -> list[Registration]:
        return [r for r in self.registrations if r.type == type_token]

    def provider_of(self, registration: Registration) -> Registration | None:
        return self.providers.get(registration.provider_urn)

    def one(self, type_token: str, name: str) -> Registration:
        """The single registration with this type and logical name."""
        matches = [r for r in self.of_type(type_token) if r.name == name]
        assert len(matches) == 1, f"expected one {type_token} named {name}, found {len(matches)}"
        return matches[0]

    def output(self, registration: Registration, key: str) -> Any:
        """One value the mocked cloud returned for a resource (`id` for its physical id)."""
        return self.states[registration.urn][key]


def is_secret(value: Any) -> bool:
    """Whether an exported value travelled to the engine marked secret."""
    return isinstance(value, Mapping) and SECRET_SIGNATURE in value


def unwrap(value: Any) -> Any:
    """An exported value without its secret marking."""
    return value["value"] if is_secret(value) else value


def run_stack(stack: str, config_dir: Path = PROGRAM_DIR, allow_error: bool = False) -> StackRun:
    """Run `__main__.py` for `stack`, its config read from `config_dir`'s Pulumi.yaml and Pulumi.<stack>.yaml.

    A failing program raises, unless `allow_error`: then its error is in the result with what it registered.
    """
    values, secret_keys = read_stack_files(config_dir, stack)
    mocks = InClusterMocks(region=str(values.get("aws:region")))
    monitor = RecordingMonitor(mocks)
    # Other tests in this process may rely on the root stack and config they set up: put them back afterwards.
    previous_root = runtime_settings.ROOT.get()
    previous_config = dict(runtime_config.CONFIG.get())
    previous_secret_keys = set(runtime_config._SECRET_KEYS.get())
    pulumi.runtime.set_mocks(mocks, project=PROJECT, stack=stack, preview=False, monitor=monitor)
    # set_mocks installs a root stack whose outputs are already registered; the language host gives each run
    # a fresh one, and only then do `pulumi.export` values reach RegisterResourceOutputs.
    runtime_settings.ROOT.set(None)
    pulumi.runtime.set_all_config(engine_config(values), sorted(secret_keys))
    previous_dir = Path.cwd()
    os.chdir(config_dir)  # the language host runs the program in its project directory
    error: BaseException | None = None
    try:
        program = str(PROGRAM_DIR / "__main__.py")

        def run_program() -> None:
            runpy.run_path(program, run_name="__main__")

        _sync_await(run_in_stack(run_program))
    except Exception as raised:
        if not allow_error:
            raise
        error = raised
    finally:
        os.chdir(previous_dir)
        pulumi.runtime.set_all_config(previous_config, sorted(previous_secret_keys))
        runtime_settings.ROOT.set(previous_root)
    if error is None:
        # The values the providers and AWS would refuse, which the mocks accepted: a failed `pulumi up`.
        refusals = check_registrations(dataclasses.asdict(r) for r in monitor.registrations)
        if refusals:
            raise AssertionError(report(refusals))
    providers = {r.urn: r for r in monitor.registrations if r.type.startswith("pulumi:providers:")}
    return StackRun(
        stack=stack,
        config=values,
        registrations=monitor.registrations,
        invocations=monitor.invocations,
        outputs=monitor.stack_outputs,
        providers=providers,
        error=error,
        states={
            urn: {**dict(resource.state), "id": resource.id} for urn, resource in monitor.resources.items()
        },
    )


def committed_run(stack: str) -> StackRun:
    """One run of a committed stack per test session, shared by the modules (and workers) that only read it.

    A run takes seconds of CPU, and the stack and URN tests read the same runs (tests.session_cache).
    """
    return shared(("tests.stack_harness.run_stack", str(PROGRAM_DIR), stack), lambda: run_stack(stack))
