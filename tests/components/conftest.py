"""Shared harness for component tests: Pulumi's mock runtime with every registration recorded.

`cloud.run(program)` runs a program under the mocks and returns only once every registration and output
has settled, so a test then asserts on what was registered (inputs, parent, provider, protect) directly;
nothing is asserted inside an apply that might never run.

Building a component under the mocks takes a second or two, and most tests of a module build it from the same
arguments only to read a different part of it. `cloud.run_shared(key, program)` runs `program` once per test
module and key, and every later test of the module with that key reads the same finished run (the same
registrations, invokes, mocked state and component object). It falls back to a run of the test's own when
the test could have changed what the program builds: it asks for `monkeypatch` or any fixture but `cloud`
and `tmp_path` itself, or the mocks or the monitor have been patched in a way the key does not name. A test
that changes the shared run (an input, a state) fails at teardown, naming itself.
"""

from __future__ import annotations

import dataclasses
import hashlib
import inspect
import pickle
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field
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
class SharedRun:
    """One finished run that later tests of a module read again: its monitor, mocks and result."""

    mocks: ComponentMocks
    monitor: RecordingMonitor
    result: Any
    digest: str
    """What the run recorded, hashed: a test that changed it is caught at its teardown."""
    constraints_passed: bool = False


_SHARED_RUNS: dict[tuple[Hashable, ...], SharedRun] = {}
"""Finished runs by test module, key and patches of the mocks (this process's; each module has its own)."""

SHAREABLE_FIXTURES = frozenset({"cloud", "tmp_path"})
"""Fixtures a test may ask for and still read a shared run: none of them can change what a program builds."""


def _recorded_digest(monitor: RecordingMonitor) -> str:
    """A hash of everything a test reads from a finished run."""
    recorded = (monitor.registrations, monitor.invocations, monitor.stack_outputs, monitor.resources)
    return hashlib.sha256(pickle.dumps(recorded, protocol=pickle.HIGHEST_PROTOCOL)).hexdigest()


def _patches(instance: object) -> tuple[tuple[str, str], ...]:
    """The methods replaced on one instance (monkeypatched onto it), by attribute and qualified name."""

    def named(value: Any) -> str:
        return f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', type(value).__name__)}"

    return tuple(sorted((name, named(value)) for name, value in vars(instance).items() if callable(value)))


@dataclass
class MockCloud:
    """Runs a program under mocks and answers questions about what it registered."""

    mocks: ComponentMocks
    monitor: RecordingMonitor
    scope: str = ""
    """The test module; shared runs are kept per module."""
    may_share: bool = False
    """Whether this test may read a shared run (see the module docstring)."""
    shared: SharedRun | None = field(default=None, repr=False)
    """The shared run this test reads, if any."""

    def run(self, program: Callable[[], T]) -> T:
        """Run `program` to completion: every registration and output has settled when this returns."""
        if self.shared is not None:
            raise AssertionError(
                "this test already reads a shared run (cloud.run_shared) and now runs another program: "
                "a test that runs more than one program must use cloud.run for each"
            )
        holder: list[T] = []

        @pulumi.runtime.test
        def body() -> None:
            holder.append(program())

        body()
        return holder[0]

    def run_shared(self, key: Hashable, program: Callable[[], T]) -> T:
        """`run(program)`, or the module's earlier run with this key: `key` must name all that `program` uses.

        A run of the test's own when the test may have changed what `program` builds (module docstring).
        """
        if not self.may_share or self.monitor.registrations or _patches(self.monitor):
            return self.run(program)
        full_key = (self.scope, key, _patches(self.mocks))
        shared = _SHARED_RUNS.get(full_key)
        if shared is None:
            result = self.run(program)
            shared = SharedRun(self.mocks, self.monitor, result, _recorded_digest(self.monitor))
            _SHARED_RUNS[full_key] = shared
        self.mocks, self.monitor, self.shared = shared.mocks, shared.monitor, shared
        return shared.result

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
def cloud(request: pytest.FixtureRequest) -> Iterator[MockCloud]:
    """Fresh mocks for one test, outside preview so that computed outputs have plausible values.

    After the test, everything it registered must pass the provider-side constraints the mocks never apply
    (offline_preview.provider_constraints), so every component test also proves a real `pulumi up` accepts it.
    """
    mocks = ComponentMocks(preview=False)
    monitor = RecordingMonitor(mocks)
    pulumi.runtime.set_mocks(mocks, project="residency", stack="test", preview=False, monitor=monitor)
    asked = set(inspect.signature(request.function).parameters)
    callspec = getattr(request.node, "callspec", None)
    asked -= set(callspec.params) if callspec is not None else set()
    cloud = MockCloud(
        mocks=mocks, monitor=monitor, scope=request.module.__name__, may_share=asked <= SHAREABLE_FIXTURES
    )
    yield cloud
    shared = cloud.shared
    if shared is not None:
        assert _recorded_digest(shared.monitor) == shared.digest, (
            f"{request.node.nodeid} changed a run other tests of its module share (cloud.run_shared): "
            "copy what it changes, or build with cloud.run"
        )
        if shared.constraints_passed:
            return
    refusals = check_registrations(dataclasses.asdict(r) for r in cloud.monitor.registrations)
    assert not refusals, report(refusals)
    if shared is not None:
        shared.constraints_passed = True
