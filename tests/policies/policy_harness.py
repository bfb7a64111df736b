"""Runs the residency pack on hand-built resources exactly as the Pulumi engine drives it, in process.

The engine sends protobuf requests to the pack's Analyzer service; this harness builds the same requests
(properties as a protobuf Struct, preview unknowns as the engine's sentinel strings, the provider's inputs,
resource options, parents and property dependencies) and hands them to pulumi-policy's own servicer, so the
policies see what the SDK's server builds from a real request: props through `deserialize_properties` and the
unknown-checking proxy, the provider as a PolicyProviderResource, options as PolicyResourceOptions. Config
reaches the pack as the CLI sends it: the schema defaults overlaid with the policy config file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from google.protobuf import json_format, struct_pb2
from pulumi.runtime import proto
from pulumi_policy import EnforcementLevel
from pulumi_policy.policy import _PolicyAnalyzerServicer
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE

from residency_policies.registry import PACK_NAME, policies

UNKNOWN = UNKNOWN_STRING_VALUE
"""What the engine sends for a value that is unknown at preview."""

POLICIES_DIR = Path(__file__).resolve().parents[2] / "policies"
EU_CONFIG: dict[str, Any] = json.loads((POLICIES_DIR / "config" / "eu.json").read_text())
INDIA_CONFIG: dict[str, Any] = json.loads((POLICIES_DIR / "config" / "india.json").read_text())

RULES = (
    "data-classification-required",
    "pii-in-jurisdiction",
    "no-pii-replication",
    "anonymised-only-replication",
    "pii-encryption",
    "pii-not-public",
    "pii-no-data-loss",
    "resource-type-triaged",
)
"""The pack's rules by name: the seven residency rules in the order of the issue that defines them, then the
rule that fails closed on untriaged types."""

_LEVELS = {
    "advisory": proto.ADVISORY,
    "mandatory": proto.MANDATORY,
    "remediate": proto.REMEDIATE,
    "disabled": proto.DISABLED,
}
_LEVEL_NAMES = {value: name for name, value in _LEVELS.items()}


@dataclass(eq=False)
class Res:
    """A resource as the engine registers it: type, name, inputs, provider, options and lineage."""

    type: str
    name: str
    props: dict[str, Any] = field(default_factory=dict)
    provider: Res | None = None
    protect: bool = False
    parent: Res | None = None
    deps: dict[str, list[Res]] = field(default_factory=dict)
    """Top-level input name -> the resources its value was computed from."""

    @property
    def urn(self) -> str:
        """The URN the engine would give it in the eu stack of the residency project."""
        return f"urn:pulumi:eu::residency::{self.type}::{self.name}"


def aws_provider(
    name: str = "eu", region: str | None = "eu-west-1", tags: dict[str, str] | None = None
) -> Res:
    """An explicit AWS provider with its inputs as the Python SDK sends them (default tags as JSON text)."""
    props: dict[str, Any] = {
        "defaultTags": json.dumps({"tags": tags or {"jurisdiction": "EU", "managed-by": "pulumi"}})
    }
    if region is not None:
        props["region"] = region
    return Res("pulumi:providers:aws", name, props)


def kubernetes_provider(cluster: Res, name: str = "eu-cluster") -> Res:
    """A Kubernetes provider built from an EKS cluster's kubeconfig, unknown at preview."""
    return Res("pulumi:providers:kubernetes", name, {"kubeconfig": UNKNOWN}, deps={"kubeconfig": [cluster]})


def _struct(values: dict[str, Any]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(values)
    return struct


def _provider_message(provider: Res | None) -> proto.AnalyzerProviderResource | None:
    if provider is None:
        return None
    return proto.AnalyzerProviderResource(
        type=provider.type, properties=_struct(provider.props), urn=provider.urn, name=provider.name
    )


def _resource_fields(resource: Res) -> dict[str, Any]:
    """What an Analyze request and a stack's AnalyzerResource both say about a resource."""
    return {
        "type": resource.type,
        "properties": _struct(resource.props),
        "urn": resource.urn,
        "name": resource.name,
        "options": _options(resource),
        "provider": _provider_message(resource.provider),
    }


def _options(resource: Res) -> proto.AnalyzerResourceOptions:
    return proto.AnalyzerResourceOptions(
        protect=resource.protect, parent=resource.parent.urn if resource.parent else ""
    )


@dataclass(frozen=True)
class Diagnostic:
    """One violation the pack reported."""

    policy: str
    level: str
    urn: str
    message: str


def configure_request(
    info: proto.AnalyzerInfo, config: dict[str, Any] | None
) -> proto.ConfigureAnalyzerRequest:
    """The Configure request the CLI sends: each policy's schema defaults overlaid with the config file."""
    request = proto.ConfigureAnalyzerRequest()
    for policy in info.policies:
        properties = {
            name: spec["default"]
            for name, spec in json_format.MessageToDict(policy.configSchema.properties).items()
            if "default" in spec
        }
        level = policy.enforcementLevel
        given = (config or {}).get(policy.name)
        if isinstance(given, str):
            level = _LEVELS[given]
        elif isinstance(given, dict):
            given = dict(given)
            if "enforcementLevel" in given:
                level = _LEVELS[given.pop("enforcementLevel")]
            properties.update(given)
        request.policyConfig[policy.name].CopyFrom(
            proto.PolicyConfig(enforcementLevel=level, properties=_struct(properties))
        )
    return request


def configured_servicer(config: dict[str, Any] | None) -> _PolicyAnalyzerServicer:
    """The SDK's analyzer servicer for the pack, configured as the CLI configures it from a config file."""
    servicer = _PolicyAnalyzerServicer(PACK_NAME, "0.1.0", policies(), EnforcementLevel.MANDATORY)
    servicer.Configure(configure_request(servicer.GetAnalyzerInfo(None, None), config), None)
    return servicer


def stack_of(resources: list[Res]) -> list[Res]:
    """The resources with their providers, parents and dependencies, as the engine's stack holds them."""
    found: dict[int, Res] = {}

    def visit(resource: Res) -> None:
        if id(resource) in found:
            return
        found[id(resource)] = resource
        for other in [
            resource.provider,
            resource.parent,
            *(d for deps in resource.deps.values() for d in deps),
        ]:
            if other is not None:
                visit(other)

    for resource in resources:
        visit(resource)
    return list(found.values())


def analyze_request(resource: Res) -> proto.AnalyzeRequest:
    """The Analyze request the engine sends when a resource is registered."""
    return proto.AnalyzeRequest(**_resource_fields(resource))


def analyze_stack_request(stack: list[Res]) -> proto.AnalyzeStackRequest:
    """The AnalyzeStack request the engine sends once every resource is registered."""
    return proto.AnalyzeStackRequest(
        resources=[
            proto.AnalyzerResource(
                **_resource_fields(resource),
                parent=resource.parent.urn if resource.parent else "",
                propertyDependencies={
                    prop: proto.AnalyzerPropertyDependencies(urns=[d.urn for d in deps])
                    for prop, deps in resource.deps.items()
                },
            )
            for resource in stack
        ]
    )


def diagnostics(responses: list[proto.AnalyzeResponse]) -> list[Diagnostic]:
    """The diagnostics of Analyze and AnalyzeStack responses."""
    return [
        Diagnostic(d.policyName, _LEVEL_NAMES[d.enforcementLevel], d.urn, d.message)
        for response in responses
        for d in response.diagnostics
    ]


def run_pack(resources: list[Res], config: dict[str, Any] | None = EU_CONFIG) -> list[Diagnostic]:
    """Analyze every resource, then the whole stack, and return every diagnostic the pack reported."""
    servicer = configured_servicer(config)
    stack = stack_of(resources)
    responses = [servicer.Analyze(analyze_request(resource), None) for resource in stack]
    responses.append(servicer.AnalyzeStack(analyze_stack_request(stack), None))
    return diagnostics(responses)


def violations(
    resources: list[Res], policy: str, config: dict[str, Any] | None = EU_CONFIG
) -> list[Diagnostic]:
    """The mandatory violations of one policy."""
    return [d for d in run_pack(resources, config) if d.policy == policy and d.level == "mandatory"]


def messages(found: list[Diagnostic]) -> str:
    """All messages, for assertion output."""
    return "\n".join(d.message for d in found)
