"""Shared harness for component tests: Pulumi's mock runtime with every registration recorded.

`cloud.run(program)` runs a program under the mocks and returns only once every registration and output
has settled, so a test then asserts on what was registered (inputs, parent, provider, protect) directly;
nothing is asserted inside an apply that might never run.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import pulumi
import pulumi_aws as aws
import pytest
from pulumi.runtime.mocks import MockResourceArgs
from pulumi.runtime.sync_await import _sync_await

from offline_preview.cloud_mocks import PlausibleCloudMocks
from offline_preview.provider_constraints import check_registrations, report
from tests.recording import Invocation, RecordingMonitor, Registration

T = TypeVar("T")


class ComponentMocks(PlausibleCloudMocks):
    """The shared plausible mocks plus the EKS-created cluster security group, which nodes attach."""

    def new_resource(self, args: MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        """Add the outputs the shared mocks leave out."""
        resource_id, state = super().new_resource(args)
        if args.typ == "aws:eks/cluster:Cluster" and not self.preview:
            vpc_config = dict(state.get("vpcConfig") or {})
            vpc_config["clusterSecurityGroupId"] = f"sg-{args.name}-cluster"
            state["vpcConfig"] = vpc_config
        return resource_id, state


@dataclass
class MockCloud:
    """Runs a program under mocks and answers questions about what it registered."""

    mocks: ComponentMocks
    monitor: RecordingMonitor

    def run(self, program: Callable[[], T]) -> T:
        """Run `program` to completion: every registration and output has settled when this returns."""
        holder: list[T] = []

        @pulumi.runtime.test
        def body() -> None:
            holder.append(program())

        body()
        return holder[0]

    def resolve(self, value: pulumi.Input[Any]) -> Any:
        """The settled value of an output from a finished run."""
        return _sync_await(pulumi.Output.from_input(value).future())

    def is_secret(self, value: pulumi.Output[Any]) -> bool:
        """Whether an output from a finished run is marked secret."""
        return bool(_sync_await(value.is_secret()))

    def invocations_of(self, token: str) -> list[Invocation]:
        """The invokes of one provider function."""
        return [i for i in self.monitor.invocations if i.token == token]

    def aws_provider(self, region: str) -> aws.Provider:
        """An explicit regional AWS provider, as the program's entry point creates one per stack."""
        return aws.Provider(f"aws-{region}", region=region)

    @property
    def registrations(self) -> list[Registration]:
        """Everything registered so far, in order."""
        return list(self.monitor.registrations)

    def of_type(self, type_token: str) -> list[Registration]:
        """Registrations of one resource type."""
        return [r for r in self.monitor.registrations if r.type == type_token]

    def one(self, type_token: str, name: str) -> Registration:
        """The single registration with this type and logical name."""
        matches = [r for r in self.of_type(type_token) if r.name == name]
        assert len(matches) == 1, f"expected one {type_token} named {name}, found {len(matches)}"
        return matches[0]

    def id_of(self, registration: Registration) -> str:
        """The physical id the mocked cloud gave a resource (what its `.id` output resolves to)."""
        return str(self.monitor.resources[registration.urn].id)

    def outputs_of(self, registration: Registration) -> dict[str, Any]:
        """The state the mocked cloud returned for a resource (inputs plus computed outputs)."""
        return dict(self.monitor.resources[registration.urn].state)

    def region_of(self, registration: Registration) -> str | None:
        """The region a resource lands in: its own `region` input, else its provider's."""
        if registration.inputs.get("region"):
            return str(registration.inputs["region"])
        for candidate in self.monitor.registrations:
            if candidate.urn == registration.provider_urn:
                region = candidate.inputs.get("region")
                return str(region) if region else None
        return None


@pytest.fixture
def cloud() -> Iterator[MockCloud]:
    """Fresh mocks for one test, outside preview so that computed outputs have plausible values.

    After the test, everything it registered must pass the provider-side constraints the mocks never apply
    (offline_preview.provider_constraints), so every component test also proves a real `pulumi up` accepts it.
    """
    mocks = ComponentMocks(preview=False)
    monitor = RecordingMonitor(mocks)
    pulumi.runtime.set_mocks(mocks, project="residency", stack="test", preview=False, monitor=monitor)
    yield MockCloud(mocks=mocks, monitor=monitor)
    refusals = check_registrations(dataclasses.asdict(r) for r in monitor.registrations)
    assert not refusals, report(refusals)
