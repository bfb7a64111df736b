"""The stack the pack's analyzer converts once is the stack pulumi-policy would hand each policy.

`residency_policies.wire` replaces the SDK's per-policy conversion of an AnalyzeStack request (protobuf to
`json_format` dicts, `deserialize_properties`, the unknown-checking proxy, then `model.plain`). These tests
hold it to the SDK's own path: the same model (values, types and key order) for the real stacks as a first
preview and as a deployed stack sees them, and for every kind of value a Struct carries; and the same
diagnostics from the pack's analyzer as from pulumi-policy's, on clean stacks and on stacks that break each
rule.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from typing import Any

import pulumi
import pytest
from google.protobuf import struct_pb2
from pulumi.runtime import proto
from pulumi_policy import EnforcementLevel, StackValidationPolicy
from pulumi_policy.deserialize import (
    SPECIAL_ARCHIVE_SIG,
    SPECIAL_ASSET_SIG,
    SPECIAL_SECRET_SIG,
    SPECIAL_SIG_KEY,
)

from offline_preview.analysis import analyze_stack_request
from residency_policies import wire
from residency_policies.analyzer import ResidencyAnalyzer
from residency_policies.model import Resource, from_policy_resource
from residency_policies.registry import PACK_NAME, policies
from tests.policies.policy_harness import (
    EU_CONFIG,
    INDIA_CONFIG,
    UNKNOWN,
    configure_request,
    diagnostics,
)
from tests.policies.test_real_stacks import CHANGES, RECORDINGS, _database, _recorded

pytestmark = pytest.mark.mode_independent

SDK_ANALYZER = ResidencyAnalyzer.__bases__[0]
"""pulumi-policy's own servicer, which converts the request for every policy."""


def _shape(value: Any) -> Any:
    """A value with its types and key order made comparable (an asset by its kind and source)."""
    if isinstance(value, Mapping):
        return ("dict", [(key, _shape(inner)) for key, inner in value.items()])
    if isinstance(value, list | tuple):
        return (type(value).__name__, [_shape(inner) for inner in value])
    if isinstance(value, pulumi.AssetArchive):
        return ("AssetArchive", _shape(value.assets))
    if isinstance(value, pulumi.Asset | pulumi.Archive):
        fields = ("path", "text", "uri")
        return (type(value).__name__, [getattr(value, f, None) for f in fields])
    return (type(value).__name__, value)


def _described(resource: Resource) -> Any:
    return _shape(
        [
            resource.type,
            resource.name,
            resource.urn,
            resource.props,
            resource.provider_type,
            resource.provider_urn,
            resource.provider_props,
            resource.protect,
            resource.parent_urn,
            {prop: list(urns) for prop, urns in resource.property_dependencies.items()},
        ]
    )


def _sdk_model(request: proto.AnalyzeStackRequest) -> list[Resource]:
    """The model the policies built before: from the resources pulumi-policy's AnalyzeStack hands them."""
    seen: list[Resource] = []

    def capture(args: Any, _report: Any) -> None:
        seen.extend(from_policy_resource(resource) for resource in args.resources)

    policy = StackValidationPolicy(name="capture", description="capture", validate=capture)
    servicer = SDK_ANALYZER(PACK_NAME, "0.1.0", [policy], EnforcementLevel.MANDATORY)
    servicer.AnalyzeStack(request, None)
    return seen


def _assert_same_model(request: proto.AnalyzeStackRequest) -> None:
    expected = [_described(r) for r in _sdk_model(request)]
    converted = [_described(r) for r in wire.resources(request.resources)]
    assert len(converted) == len(expected) == len(request.resources)
    for built, wanted in zip(converted, expected, strict=True):
        assert built == wanted


@pytest.mark.parametrize("recording", RECORDINGS)
@pytest.mark.parametrize("stack", ["eu", "india"])
def test_the_real_stacks_convert_to_the_model_the_sdk_builds(stack: str, recording: str) -> None:
    registrations = list(_recorded(stack, recording))
    assert len(registrations) > 100
    _assert_same_model(analyze_stack_request(registrations))


def _struct(values: dict[str, Any]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(values)
    return struct


EVERY_KIND: dict[str, Any] = {
    "text": "eu-west-1",
    "empty": "",
    "unicode": "données personnelles ✓",
    "unknown": UNKNOWN,
    "true": True,
    "false": False,
    "null": None,
    "integer": 14,
    "zero": 0,
    "negative": -3.5,
    "large": 2.0**53,
    "list": [1, "two", None, [True, {"nested": UNKNOWN}], []],
    "emptyList": [],
    "emptyObject": {},
    "object": {"z": 1, "a": {"b": [{"c": "d"}]}, "m": None},
    "secret": {SPECIAL_SIG_KEY: SPECIAL_SECRET_SIG, "value": {"password": "hunter2", "n": 1}},
    "asset": {SPECIAL_SIG_KEY: SPECIAL_ASSET_SIG, "text": "print('hello')"},
    "fileAsset": {SPECIAL_SIG_KEY: SPECIAL_ASSET_SIG, "path": "lambda.py"},
    "archive": {
        SPECIAL_SIG_KEY: SPECIAL_ARCHIVE_SIG,
        "assets": {"index.py": {SPECIAL_SIG_KEY: SPECIAL_ASSET_SIG, "uri": "https://example.com/i.py"}},
    },
    "fileArchive": {SPECIAL_SIG_KEY: SPECIAL_ARCHIVE_SIG, "path": "code.zip"},
    "inList": [{SPECIAL_SIG_KEY: SPECIAL_SECRET_SIG, "value": "s3cr3t"}],
}
"""Every kind of value a property may hold, as the engine marshals it for an analyzer."""


def _every_kind_request() -> proto.AnalyzeStackRequest:
    prefix = "urn:pulumi:eu::residency::"
    provider = proto.AnalyzerProviderResource(
        type="pulumi:providers:aws",
        urn=prefix + "pulumi:providers:aws::eu",
        name="eu",
        properties=_struct({"region": "eu-west-1", "defaultTags": '{"tags":{"jurisdiction":"EU"}}'}),
    )
    other_provider = proto.AnalyzerProviderResource(
        type="pulumi:providers:aws",
        urn=prefix + "pulumi:providers:aws::eu",
        name="eu",
        properties=_struct({"region": "eu-central-1"}),
    )
    component_type = "residency:components:PiiDatabase"
    component = proto.AnalyzerResource(type=component_type, urn=f"{prefix}{component_type}::db", name="db")
    resources = [
        component,
        proto.AnalyzerResource(
            type="aws:s3/bucket:Bucket",
            urn=prefix + "aws:s3/bucket:Bucket::every-kind",
            name="every-kind",
            properties=_struct(EVERY_KIND),
            provider=provider,
            options=proto.AnalyzerResourceOptions(protect=True, parent=component.urn),
            parent=component.urn,
            propertyDependencies={
                "object": proto.AnalyzerPropertyDependencies(urns=[component.urn, prefix + "not::here"]),
                "list": proto.AnalyzerPropertyDependencies(urns=[prefix + "not::here"]),
            },
        ),
        # A parent the request does not hold: the option's parent stands, as the SDK leaves it.
        proto.AnalyzerResource(
            type="aws:s3/bucket:Bucket",
            urn=prefix + "aws:s3/bucket:Bucket::orphan",
            name="orphan",
            properties=_struct({"bucket": "orphan"}),
            provider=other_provider,
            options=proto.AnalyzerResourceOptions(parent=prefix + "gone::parent"),
            parent=prefix + "gone::parent",
        ),
        # The same provider again: its converted inputs are shared, and still its own.
        proto.AnalyzerResource(
            type="aws:s3/bucket:Bucket",
            urn=prefix + "aws:s3/bucket:Bucket::again",
            name="again",
            provider=provider,
        ),
    ]
    return proto.AnalyzeStackRequest(resources=resources)


def test_every_kind_of_value_converts_as_the_sdk_converts_it() -> None:
    request = _every_kind_request()
    _assert_same_model(request)
    [_, every_kind, orphan, again] = wire.resources(request.resources)
    # The comparison above would pass on two equally wrong models: pin what the SDK's path gives.
    assert every_kind.props["secret"] == {"password": "hunter2", "n": 1}
    assert every_kind.props["integer"] == 14 and isinstance(every_kind.props["integer"], float)
    assert isinstance(every_kind.props["asset"], pulumi.StringAsset)
    assert every_kind.parent_urn == request.resources[0].urn
    assert every_kind.property_dependencies == {"object": (request.resources[0].urn,), "list": ()}
    assert orphan.parent_urn == "urn:pulumi:eu::residency::gone::parent"
    assert orphan.provider_props == {"region": "eu-central-1"}
    assert again.provider_props == every_kind.provider_props


@pytest.mark.parametrize("number", [math.inf, -math.inf, math.nan])
def test_a_number_json_cannot_hold_fails_the_conversion_as_in_the_sdk(number: float) -> None:
    request = proto.AnalyzeStackRequest(
        resources=[
            proto.AnalyzerResource(
                type="aws:s3/bucket:Bucket", urn="urn:x", name="x", properties=_struct({"n": number})
            )
        ]
    )
    with pytest.raises(ValueError):
        _sdk_model(request)
    with pytest.raises(ValueError):
        wire.resources(request.resources)


def _verdicts(servicer_class: type, request: proto.AnalyzeStackRequest, config: dict[str, Any]) -> Any:
    servicer = servicer_class(PACK_NAME, "0.1.0", policies(), EnforcementLevel.MANDATORY)
    servicer.Configure(configure_request(servicer.GetAnalyzerInfo(None, None), config), None)
    return diagnostics([servicer.AnalyzeStack(request, None)])


@pytest.mark.parametrize("recording", RECORDINGS)
@pytest.mark.parametrize("change", [None, *sorted(CHANGES)])
def test_the_pack_reports_what_the_sdks_analyzer_reports(change: str | None, recording: str) -> None:
    registrations = copy.deepcopy(list(_recorded("eu", recording)))
    if change is not None:
        CHANGES[change][1](_database(registrations), registrations)
    request = analyze_stack_request(registrations)
    ours = _verdicts(ResidencyAnalyzer, request, EU_CONFIG)
    assert ours == _verdicts(SDK_ANALYZER, request, EU_CONFIG)
    if change is not None:
        assert CHANGES[change][0] in {d.policy for d in ours if d.level == "mandatory"}


def test_the_pack_reports_what_the_sdks_analyzer_reports_for_india() -> None:
    request = analyze_stack_request(list(_recorded("india")))
    assert _verdicts(ResidencyAnalyzer, request, INDIA_CONFIG) == _verdicts(
        SDK_ANALYZER, request, INDIA_CONFIG
    )
