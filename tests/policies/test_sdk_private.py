"""What the pack's analyzer relies on in pulumi-policy beyond its public API, checked so an upgrade says so.

pulumi-policy's Python `PolicyPack` takes no analyzer and has no hook that could refuse a policy config at
Configure (a config schema holds per-key JSON-schema properties only, and cannot say that a region must lie
in the jurisdiction another key names). So `residency_policies/analyzer.py` subclasses the SDK's private
servicer class and puts its subclass where `PolicyPack` looks the class up. Each test here fails with a
message that names the private name and what changed, rather than leaving the pack to silently lose its
Configure checks or its one conversion per AnalyzeStack.
"""

from __future__ import annotations

import inspect
from typing import Any

import pulumi_policy
import pulumi_policy.policy as sdk
import pytest
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc
from pulumi_policy import PolicyPack

from residency_policies import analyzer

pytestmark = pytest.mark.mode_independent

PRIVATE = "pulumi_policy.policy._PolicyAnalyzerServicer"
UPGRADE = (
    f"residency_policies/analyzer.py relies on the private {PRIVATE} of pulumi-policy "
    f"(installed: {pulumi_policy.__name__} {sdk.VERSION}); "
)
REVIEW = (
    " Review analyzer.py against the new pulumi-policy: the pack's Configure must still refuse a config "
    "the rules cannot run with (INVALID_ARGUMENT), and AnalyzeStack must still convert the stack once."
)


def _sdk_servicer() -> Any:
    """The SDK's class, also once `analyzer.install()` has replaced the module attribute."""
    found = analyzer.ResidencyAnalyzer.__bases__[0]
    assert found.__name__ == "_PolicyAnalyzerServicer", UPGRADE + "it is not the analyzer's base." + REVIEW
    return found


def test_the_private_servicer_class_still_exists_as_the_analyzer_service() -> None:
    servicer = getattr(sdk, "_PolicyAnalyzerServicer", None)
    assert inspect.isclass(servicer), UPGRADE + "the class is gone." + REVIEW
    assert issubclass(servicer, analyzer_pb2_grpc.AnalyzerServicer), (
        UPGRADE + "it no longer implements the Analyzer gRPC service." + REVIEW
    )
    assert servicer in (_sdk_servicer(), analyzer.ResidencyAnalyzer), (
        UPGRADE + "the analyzer subclasses another class." + REVIEW
    )


def test_policy_pack_builds_its_servicer_from_the_module_attribute_install_replaces() -> None:
    """`install` works only while PolicyPack looks `_PolicyAnalyzerServicer` up as a global when it runs."""
    names = PolicyPack.__init__.__code__.co_names
    assert "_PolicyAnalyzerServicer" in names, (
        UPGRADE + "PolicyPack no longer builds its servicer from that module attribute, so install() would "
        "not put the pack's analyzer in service." + REVIEW
    )
    assert PolicyPack.__init__.__globals__ is vars(sdk), UPGRADE + "PolicyPack is in another module." + REVIEW


def test_the_servicer_takes_the_arguments_the_analyzer_and_its_tests_give_it() -> None:
    parameters = list(inspect.signature(_sdk_servicer().__init__).parameters)
    assert parameters[:5] == ["self", "name", "version", "policies", "enforcement_level"], (
        UPGRADE + f"its constructor now takes {parameters}." + REVIEW
    )


@pytest.mark.parametrize("method", ["Configure", "AnalyzeStack"])
def test_the_methods_the_analyzer_overrides_keep_their_shape(method: str) -> None:
    found = getattr(_sdk_servicer(), method, None)
    assert callable(found), UPGRADE + f"it has no {method}." + REVIEW
    parameters = list(inspect.signature(found).parameters)
    assert len(parameters) == 3, UPGRADE + f"{method} now takes {parameters}." + REVIEW
    assert method in vars(analyzer.ResidencyAnalyzer), f"ResidencyAnalyzer no longer overrides {method}"


def test_the_stack_request_carries_nothing_the_analyzer_would_drop() -> None:
    """The analyzer hands the SDK the request without its resources; any other field goes through as is."""
    fields = [field.name for field in analyzer_pb2.AnalyzeStackRequest.DESCRIPTOR.fields]
    assert "resources" in fields, "AnalyzeStackRequest no longer carries resources: review analyzer.py"
    source = inspect.getsource(_sdk_servicer().AnalyzeStack)
    assert "request.resources" in source, (
        UPGRADE + "its AnalyzeStack no longer reads the resources from request.resources." + REVIEW
    )


def test_install_puts_the_packs_analyzer_where_policy_pack_looks() -> None:
    original = sdk._PolicyAnalyzerServicer
    try:
        analyzer.install()
        assert sdk._PolicyAnalyzerServicer is analyzer.ResidencyAnalyzer
    finally:
        sdk._PolicyAnalyzerServicer = original  # type: ignore[misc]


def test_the_pack_freezes_what_it_loaded_after_installing_its_analyzer_and_before_it_serves() -> None:
    """The pack's process leaves its start-up objects out of full collections (`analyzer.freeze_loaded`):
    its `__main__` calls it once the rules are imported, before `PolicyPack` starts serving."""
    import ast
    from pathlib import Path

    main = Path(analyzer.__file__).resolve().parents[1] / "__main__.py"
    calls = [
        ast.unparse(node.func)
        for node in ast.walk(ast.parse(main.read_text()))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name | ast.Attribute)
    ]
    assert "analyzer.freeze_loaded" in calls, f"{main} no longer calls analyzer.freeze_loaded()"
    order = [call for call in calls if call in ("analyzer.install", "analyzer.freeze_loaded", "PolicyPack")]
    assert order == ["analyzer.install", "analyzer.freeze_loaded", "PolicyPack"], order


def test_the_sdk_keeps_the_policies_where_the_analyzers_analyze_reads_them() -> None:
    """ResidencyAnalyzer.Analyze answers at once when no policy validates resources, reading the policies
    from the SDK's private attribute; the SDK's own Analyze still skips every stack policy."""
    from residency_policies.registry import PACK_NAME, policies

    assert "Analyze" in vars(analyzer.ResidencyAnalyzer), "ResidencyAnalyzer no longer overrides Analyze"
    parameters = list(inspect.signature(_sdk_servicer().Analyze).parameters)
    assert len(parameters) == 3, UPGRADE + f"Analyze now takes {parameters}." + REVIEW
    pack = policies()
    servicer = analyzer.ResidencyAnalyzer(PACK_NAME, "0.0.1", pack, pulumi_policy.EnforcementLevel.MANDATORY)
    assert vars(servicer).get(analyzer.POLICIES_ATTRIBUTE) is pack, (
        UPGRADE + f"it no longer keeps the policies in {analyzer.POLICIES_ATTRIBUTE}." + REVIEW
    )
    source = inspect.getsource(_sdk_servicer().Analyze)
    assert "ResourceValidationPolicy" in source and "continue" in source, (
        UPGRADE + "its Analyze no longer skips the policies that are not resource policies." + REVIEW
    )


def test_analyze_answers_as_the_sdks_analyze_with_and_without_a_resource_policy() -> None:
    """Without a resource policy the analyzer's quick answer is the SDK's (no diagnostics); with one it is
    the SDK's Analyze that runs it and reports."""
    from pulumi_policy import EnforcementLevel, ResourceValidationPolicy

    from residency_policies.registry import PACK_NAME, policies
    from tests.policies.policy_harness import EU_CONFIG, Res, analyze_request, configure_request

    request = analyze_request(Res("aws:s3/bucket:Bucket", "logs", {"bucket": "logs"}))

    def configured(pack: list[Any], servicer_class: Any) -> Any:
        servicer = servicer_class(PACK_NAME, "0.1.0", pack, EnforcementLevel.MANDATORY)
        servicer.Configure(configure_request(servicer.GetAnalyzerInfo(None, None), EU_CONFIG), None)
        return servicer

    ours = configured(policies(), analyzer.ResidencyAnalyzer).Analyze(request, None)
    theirs = configured(policies(), _sdk_servicer()).Analyze(request, None)
    assert ours == theirs == analyzer_pb2.AnalyzeResponse()

    def every_bucket(args: Any, report_violation: Any) -> None:
        report_violation(f"{args.name} is a bucket", None)

    extra = ResourceValidationPolicy(
        name="every-bucket", description="reports every bucket", validate=every_bucket
    )
    ours = configured([*policies(), extra], analyzer.ResidencyAnalyzer).Analyze(request, None)
    theirs = configured([*policies(), extra], _sdk_servicer()).Analyze(request, None)
    assert [d.message.splitlines()[-1] for d in ours.diagnostics] == ["logs is a bucket"]
    assert ours == theirs
