"""A Pulumi mock monitor that records what a program asked the engine for, shared by the test harnesses.

Both the component tests and the whole-stack tests assert on the registrations and invokes the engine would
receive, so they share one record of them. URNs are the engine's (the parent's whole qualified type chain
prefixes the type), not the SDK mock monitor's, which keeps only the parent's last type and so gives a
resource two levels below the stack a URN no deployment would ever have.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pulumi
from google.protobuf import json_format
from pulumi.runtime import rpc
from pulumi.runtime.mocks import MockMonitor

ROOT_STACK_TYPE = "pulumi:pulumi:Stack"


def engine_urn(stack: str, project: str, parent: str, type_: str, name: str) -> str:
    """The URN the engine gives a resource: its parent's qualified type chain (the root stack left out)."""
    qualified = type_
    if parent:
        parent_chain = parent.split("::")[2]
        if parent_chain != ROOT_STACK_TYPE:
            qualified = f"{parent_chain}${type_}"
    return f"urn:pulumi:{stack}::{project}::{qualified}::{name}"


@dataclass(frozen=True)
class AliasSpec:
    """One alias as the program sent it: a whole old URN, or the parts the engine fills in (alias specs)."""

    urn: str = ""
    name: str = ""
    type: str = ""
    stack: str = ""
    project: str = ""
    parent_urn: str = ""
    no_parent: bool = False


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
    dependencies: tuple[str, ...] = ()
    property_dependencies: dict[str, tuple[str, ...]] = field(default_factory=dict)
    aliases: tuple[AliasSpec, ...] = ()
    options: dict[str, Any] = field(default_factory=dict)
    """The other options the engine keeps in the state or acts on (replacement, deletion, timeouts)."""

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


def _aliases(request: Any) -> tuple[AliasSpec, ...]:
    """The aliases of a registration: specs when the SDK sent specs, URNs when it computed them itself."""
    aliases = [AliasSpec(urn=urn) for urn in request.aliasURNs]
    for alias in request.aliases:
        if alias.WhichOneof("alias") == "urn":
            aliases.append(AliasSpec(urn=alias.urn))
            continue
        spec = alias.spec
        aliases.append(
            AliasSpec(
                name=spec.name,
                type=spec.type,
                stack=spec.stack,
                project=spec.project,
                parent_urn=spec.parentUrn,
                no_parent=spec.noParent,
            )
        )
    return tuple(aliases)


def _options(request: Any) -> dict[str, Any]:
    """The options besides provider, parent, protect and dependencies that decide how the engine acts."""
    options: dict[str, Any] = {
        "ignoreChanges": sorted(request.ignoreChanges),
        "replaceOnChanges": sorted(request.replaceOnChanges),
        "additionalSecretOutputs": sorted(request.additionalSecretOutputs),
        "deletedWith": request.deletedWith,
        "importId": request.importId,
        "version": request.version,
    }
    if request.deleteBeforeReplaceDefined:
        options["deleteBeforeReplace"] = request.deleteBeforeReplace
    if request.HasField("retainOnDelete"):
        options["retainOnDelete"] = request.retainOnDelete
    if request.HasField("customTimeouts"):
        options["customTimeouts"] = json_format.MessageToDict(request.customTimeouts)
    if request.HasField("replacement_trigger"):
        options["replacementTrigger"] = json_format.MessageToDict(request.replacement_trigger)
    return options


class RecordingMonitor(MockMonitor):
    """A mock resource monitor that keeps every registration, every invoke and the root stack's outputs."""

    def __init__(self, mocks: pulumi.runtime.Mocks) -> None:
        super().__init__(mocks)
        self.registrations: list[Registration] = []
        self.invocations: list[Invocation] = []
        self.stack_outputs: dict[str, Any] = {}

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        """The engine's URN, which the SDK's mock monitor gets wrong below the first component level."""
        return engine_urn(pulumi.get_stack(), pulumi.get_project(), parent, type_, name)

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
                    dependencies=tuple(request.dependencies),
                    property_dependencies={
                        key: tuple(value.urns) for key, value in request.propertyDependencies.items()
                    },
                    aliases=_aliases(request),
                    options=_options(request),
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
