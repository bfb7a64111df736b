"""The Analyzer driver: policy config reconciled as the CLI does, properties marshalled as the engine does."""

from __future__ import annotations

import pytest
from google.protobuf import json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2

from offline_preview.analysis import (
    PolicyConfig,
    PolicyConfigError,
    analyze_stack_request,
    analyzer_properties,
    reconcile_policy_config,
)

from .conftest import SECRET, UNKNOWN


def _info(initial: dict[str, analyzer_pb2.PolicyConfig] | None = None) -> analyzer_pb2.AnalyzerInfo:
    """A pack with one configurable mandatory policy and one advisory policy without config."""
    schema = struct_pb2.Struct()
    schema.update(
        {
            "minimumDays": {"type": "integer", "minimum": 7, "default": 14},
            "regions": {"type": "array", "items": {"type": "string"}},
        }
    )
    return analyzer_pb2.AnalyzerInfo(
        name="pack",
        version="1.2.0",
        supportsConfig=True,
        policies=[
            analyzer_pb2.PolicyInfo(
                name="retention",
                enforcementLevel=analyzer_pb2.MANDATORY,
                configSchema=analyzer_pb2.PolicyConfigSchema(properties=schema, required=["regions"]),
            ),
            analyzer_pb2.PolicyInfo(name="labels", enforcementLevel=analyzer_pb2.ADVISORY),
        ],
        initialConfig=initial or {},
    )


def test_schema_defaults_apply_and_the_file_merges_over_them() -> None:
    """A default the file does not mention stays; the file's values win; levels come from the policies."""
    config = reconcile_policy_config(_info(), {"retention": PolicyConfig("", {"regions": ["eu-west-1"]})})
    assert config["retention"] == PolicyConfig("mandatory", {"minimumDays": 14, "regions": ["eu-west-1"]})
    assert config["labels"] == PolicyConfig("advisory", None)


def test_the_packs_initial_config_sits_between_defaults_and_the_file() -> None:
    """Initial config overrides schema defaults; the file overrides both."""
    properties = struct_pb2.Struct()
    properties.update({"minimumDays": 21, "regions": ["eu-west-1"]})
    initial = {
        "retention": analyzer_pb2.PolicyConfig(enforcementLevel=analyzer_pb2.MANDATORY, properties=properties)
    }
    config = reconcile_policy_config(_info(initial), {})
    assert config["retention"].properties == {"minimumDays": 21, "regions": ["eu-west-1"]}
    config = reconcile_policy_config(_info(initial), {"retention": PolicyConfig("", {"minimumDays": 30})})
    assert config["retention"].properties == {"minimumDays": 30, "regions": ["eu-west-1"]}


def test_all_sets_every_level_and_a_policy_entry_overrides_it() -> None:
    """`"all": "advisory"` then `"labels": "disabled"`, as the CLI applies them."""
    config = reconcile_policy_config(
        _info(),
        {
            "all": PolicyConfig("advisory"),
            "labels": PolicyConfig("disabled"),
            "retention": PolicyConfig("", {"regions": ["x"]}),
        },
    )
    assert config["retention"].enforcement_level == "advisory"
    assert config["labels"].enforcement_level == "disabled"


def test_config_that_breaks_a_policys_schema_is_refused_in_the_clis_words() -> None:
    """A missing required key, a value under the minimum: update.go's lines in gojsonschema's words."""
    with pytest.raises(PolicyConfigError) as missing:
        reconcile_policy_config(_info(), {})
    assert missing.value.errors == ["validating policy config: pack 1.2.0  retention: regions is required"]
    with pytest.raises(PolicyConfigError) as low:
        reconcile_policy_config(_info(), {"retention": PolicyConfig("", {"regions": [], "minimumDays": 3})})
    assert low.value.errors == [
        "validating policy config: pack 1.2.0  retention: minimumDays: Must be greater than or equal to 7"
    ]


def test_properties_keep_unknowns_and_secrets_and_drop_internal_keys() -> None:
    """The engine marshals with KeepUnknowns and KeepSecrets and skips top-level `__` keys."""
    wire = {"a": UNKNOWN, "b": {**SECRET, "value": "s"}, "__defaults": [], "c": {"__inner": 1}}
    assert json_format.MessageToDict(analyzer_properties(wire)) == {
        "a": UNKNOWN,
        "b": {**SECRET, "value": "s"},
        "c": {"__inner": 1.0},
    }


def test_resource_references_become_the_id_or_the_urn() -> None:
    """Without KeepResources, a custom resource reference is its id, a component's is its URN."""
    signature = {"4dabf18193072939515e22adb298388d": "5cf8f73096256a8f31e491e813e4eb8e"}
    wire = {"key": {**signature, "urn": "urn:key", "id": UNKNOWN}, "parent": {**signature, "urn": "urn:comp"}}
    assert json_format.MessageToDict(analyzer_properties(wire)) == {"key": UNKNOWN, "parent": "urn:comp"}


def test_analyze_stack_sends_outputs_parents_and_only_non_empty_property_dependencies() -> None:
    """AnalyzerResource carries parent, dependencies and property dependencies, as the engine builds them."""
    request = analyze_stack_request(
        [
            {
                "urn": "urn:a",
                "type": "t:m:A",
                "name": "a",
                "parent": "urn:p",
                "inputs": {"x": 1},
                "outputs": {"x": 1, "y": 2},
                "dependencies": ["urn:b"],
                "property_dependencies": {"x": ["urn:b"], "y": []},
                "protect": True,
            }
        ]
    )
    resource = request.resources[0]
    assert json_format.MessageToDict(resource.properties) == {"x": 1.0, "y": 2.0}
    assert resource.parent == "urn:p"
    assert list(resource.dependencies) == ["urn:b"]
    assert {k: list(v.urns) for k, v in resource.propertyDependencies.items()} == {"x": ["urn:b"]}
    assert resource.options.protect is True
