"""Run the real `bootstrap/__main__.py` for one stack under Pulumi's mock runtime; record what it registers.

As tests/stack_harness.py does for the region program: the stack's config is merged from its stack files as
the CLI merges it, the program runs inside `run_in_stack` in its project directory, and the process's root
stack and config are put back afterwards.
"""

from __future__ import annotations

import json
import os
import runpy
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime import config as runtime_config
from pulumi.runtime import settings as runtime_settings
from pulumi.runtime.stack import run_in_stack
from pulumi.runtime.sync_await import _sync_await

from offline_preview.cloud_mocks import ACCOUNT_ID, PlausibleCloudMocks
from residency.settings import engine_config, read_stack_files
from residency_bootstrap.settings import PROJECT
from tests.recording import RecordingMonitor, Registration

BOOTSTRAP_DIR = Path(__file__).resolve().parents[2] / "bootstrap"
EGRESS_ADDRESS = "198.51.100.7"
"""The public address the mocks give the runner's Elastic IP (documentation range, RFC 5737)."""


class BootstrapMocks(PlausibleCloudMocks):
    """The shared plausible mocks plus the Elastic IP's public address, which the program exports."""

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        """Give the Elastic IP an address and an allocation id."""
        resource_id, state = super().new_resource(args)
        if args.typ == "aws:ec2/eip:Eip":
            state = {**state, "publicIp": EGRESS_ADDRESS, "allocationId": f"eipalloc-{args.name}"}
        return resource_id, state


@dataclass
class BootstrapRun:
    """What one run of the bootstrap program registered and exported."""

    stack: str
    registrations: list[Registration]
    outputs: dict[str, Any]
    warnings: list[str]

    def of_type(self, type_token: str) -> list[Registration]:
        """Every registration of one type."""
        return [r for r in self.registrations if r.type == type_token]

    def one(self, type_token: str, name_suffix: str = "") -> Registration:
        """The one registration of a type (whose name ends with `name_suffix`); fails otherwise."""
        found = [r for r in self.of_type(type_token) if r.name.endswith(name_suffix)]
        assert len(found) == 1, f"{len(found)} {type_token} ending {name_suffix!r}: {[r.name for r in found]}"
        return found[0]

    def document(self, registration: Registration, key: str = "policy") -> dict[str, Any]:
        """A JSON policy input of a registration, parsed."""
        value = registration.inputs[key]
        assert isinstance(value, str), f"{registration.name}.{key} is not a settled JSON string: {value!r}"
        parsed: dict[str, Any] = json.loads(value)
        return parsed

    def provider_region(self, registration: Registration) -> str | None:
        """The region of the explicit provider a resource was sent to."""
        providers = {r.urn: r for r in self.registrations if r.type == "pulumi:providers:aws"}
        provider = providers.get(registration.provider_urn)
        return None if provider is None else provider.inputs.get("region")


def unwrap(value: Any) -> Any:
    """An exported value without its secret marking."""
    if isinstance(value, Mapping) and "4dabf18193072939515e22adb298388d" in value:
        return value["value"]
    return value


def run_bootstrap(
    stack: str, overrides: Mapping[str, Any] | None = None, secrets: Mapping[str, str] | None = None
) -> BootstrapRun:
    """Run the bootstrap program for `stack` from its stack file, with config overrides and secrets."""
    values, secret_keys = read_stack_files(BOOTSTRAP_DIR, stack)
    values.update(overrides or {})
    for key, value in (secrets or {}).items():
        values[key] = value
        secret_keys.add(key)
    mocks = BootstrapMocks(preview=False)
    monitor = RecordingMonitor(mocks)
    warnings: list[str] = []
    previous_root = runtime_settings.ROOT.get()
    previous_config = dict(runtime_config.CONFIG.get())
    previous_secret_keys = set(runtime_config._SECRET_KEYS.get())
    pulumi.runtime.set_mocks(mocks, project=PROJECT, stack=stack, preview=False, monitor=monitor)
    runtime_settings.ROOT.set(None)
    pulumi.runtime.set_all_config(engine_config(values), sorted(secret_keys))
    previous_dir = Path.cwd()
    original_warn = pulumi.log.warn

    def record_warning(message: str, *args: Any, **kwargs: Any) -> None:
        warnings.append(message)
        original_warn(message, *args, **kwargs)

    program = str(BOOTSTRAP_DIR / "__main__.py")

    def run_program() -> None:
        runpy.run_path(program, run_name="__main__")

    # The program warns through pulumi.log; under mocks there is no engine to receive it, so keep a copy.
    setattr(pulumi.log, "warn", record_warning)  # noqa: B010
    os.chdir(BOOTSTRAP_DIR)
    try:
        _sync_await(run_in_stack(run_program))
    finally:
        os.chdir(previous_dir)
        setattr(pulumi.log, "warn", original_warn)  # noqa: B010
        pulumi.runtime.set_all_config(previous_config, sorted(previous_secret_keys))
        runtime_settings.ROOT.set(previous_root)
    return BootstrapRun(stack, monitor.registrations, monitor.stack_outputs, warnings)


__all__ = ["ACCOUNT_ID", "BOOTSTRAP_DIR", "EGRESS_ADDRESS", "BootstrapRun", "run_bootstrap", "unwrap"]
