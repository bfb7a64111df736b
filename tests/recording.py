"""A Pulumi mock monitor that records what a program asked the engine for, shared by the test harnesses.

Both the component tests and the whole-stack tests assert on the registrations and invokes the engine would
receive, so they share one record of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi.runtime import rpc
from pulumi.runtime.mocks import MockMonitor

ROOT_STACK_TYPE = "pulumi:pulumi:Stack"


@dataclass(frozen=True)
class Registration:
    """One RegisterResource call as the engine receives it."""

    type: str
    name: str
    urn: str
    parent: str
    custom: bool
    provider: str
    """The provider reference `<provider urn>::<id>`; empty means Pulumi's default provider."""
    inputs: dict[str, Any]
    protect: bool

    @property
    def provider_urn(self) -> str:
        """The URN of the provider this resource was sent to; empty for Pulumi's default provider."""
        return self.provider.rsplit("::", 1)[0] if self.provider else ""


@dataclass(frozen=True)
class Invocation:
    """One provider function call (an invoke), its arguments and the provider it was sent to."""

    token: str
    args: dict[str, Any]
    provider: str


class RecordingMonitor(MockMonitor):
    """A mock resource monitor that keeps every registration, every invoke and the root stack's outputs."""

    def __init__(self, mocks: pulumi.runtime.Mocks) -> None:
        super().__init__(mocks)
        self.registrations: list[Registration] = []
        self.invocations: list[Invocation] = []
        self.stack_outputs: dict[str, Any] = {}

    def RegisterResource(self, request: Any) -> Any:
        """Register through the mocks, then record what was asked (the root stack aside)."""
        response = super().RegisterResource(request)
        if request.type != ROOT_STACK_TYPE:
            self.registrations.append(
                Registration(
                    type=request.type,
                    name=request.name,
                    urn=response.urn,
                    parent=request.parent,
                    custom=bool(request.custom),
                    provider=request.provider,
                    inputs=rpc.deserialize_properties(request.object),
                    protect=bool(request.protect),
                )
            )
        return response

    def Invoke(self, request: Any) -> Any:
        """Record the call, then answer it through the mocks (a call the mocks refuse is still recorded)."""
        arguments = rpc.deserialize_properties(request.args)
        self.invocations.append(Invocation(token=request.tok, args=arguments, provider=request.provider))
        return super().Invoke(request)

    def RegisterResourceOutputs(self, request: Any) -> Any:
        """Keep the root stack's outputs: what `pulumi.export` sent."""
        if request.urn.split("::")[2] == ROOT_STACK_TYPE:
            self.stack_outputs = rpc.deserialize_properties(request.outputs)
        return super().RegisterResourceOutputs(request)
