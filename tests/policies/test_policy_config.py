"""The pack's config: each policy has a JSON schema with defaults; the stack config files satisfy them."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from google.protobuf import json_format

from residency_policies import registry
from residency_policies.settings import SettingsError
from tests.policies.baseline import eu_region
from tests.policies.policy_harness import (
    EU_CONFIG,
    INDIA_CONFIG,
    POLICIES_DIR,
    RULES,
    analyze_stack_request,
    analyzer_servicer,
    configured_servicer,
    run_pack,
    stack_of,
)

PROJECT_DIR = POLICIES_DIR.parent


def _schemas() -> dict[str, dict[str, Any]]:
    """Each policy's config schema as the CLI builds it from GetAnalyzerInfo (an object of the properties)."""
    info = analyzer_servicer().GetAnalyzerInfo(None, None)
    return {
        policy.name: {
            "type": "object",
            "properties": json_format.MessageToDict(policy.configSchema.properties),
            "required": list(policy.configSchema.required),
        }
        for policy in info.policies
    }


def _with_defaults(schema: dict[str, Any], given: Any) -> dict[str, Any]:
    """A policy's config as the CLI validates it: schema defaults, overlaid with the file's properties."""
    config = {name: spec["default"] for name, spec in schema["properties"].items() if "default" in spec}
    if isinstance(given, dict):
        config.update({k: v for k, v in given.items() if k != "enforcementLevel"})
    return config


def test_the_pack_declares_the_seven_rules_each_with_a_config_schema() -> None:
    schemas = _schemas()
    assert list(schemas) == list(RULES)
    for name, schema in schemas.items():
        assert schema["required"] == ["jurisdiction"], name
        tunables = {k: v for k, v in schema["properties"].items() if k != "jurisdiction"}
        assert tunables, f"{name} has nothing to configure"
        assert all("default" in spec for spec in tunables.values()), f"{name} has a tunable without a default"
        jsonschema.Draft7Validator.check_schema(schema)


@pytest.mark.parametrize("stack", ["eu", "india"])
def test_the_stack_config_files_validate_against_every_schema(stack: str) -> None:
    config = EU_CONFIG if stack == "eu" else INDIA_CONFIG
    schemas = _schemas()
    assert sorted(config) == sorted(RULES)
    for name, schema in schemas.items():
        given = config[name]
        assert given["enforcementLevel"] == "mandatory"
        unknown = set(given) - set(schema["properties"]) - {"enforcementLevel"}
        assert not unknown, f"{stack}.json: {name} has keys no schema declares: {unknown}"
        jsonschema.validate(_with_defaults(schema, given), schema)


@pytest.mark.parametrize("stack", ["eu", "india"])
def test_each_config_file_matches_its_stack_file(stack: str) -> None:
    stack_config = yaml.safe_load((PROJECT_DIR / f"Pulumi.{stack}.yaml").read_text())["config"]
    config = EU_CONFIG if stack == "eu" else INDIA_CONFIG
    assert {c["jurisdiction"] for c in config.values()} == {stack_config["residency:jurisdiction"]}
    assert config["pii-in-jurisdiction"]["allowedRegions"] == [stack_config["aws:region"]]


def test_bad_values_fail_the_schema_as_they_would_in_the_cli() -> None:
    schemas = _schemas()
    for name, bad in [
        ("pii-in-jurisdiction", {"jurisdiction": "US"}),
        ("pii-no-data-loss", {"jurisdiction": "EU", "minimumBackupRetentionDays": 0}),
        ("no-pii-replication", {"jurisdiction": "EU", "accountIds": ["12345"]}),
        ("pii-encryption", {"jurisdiction": "EU", "protectedClassifications": ["secret"]}),
        ("data-classification-required", {}),
    ]:
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(_with_defaults(schemas[name], bad), schemas[name])


@pytest.mark.mode_independent
@pytest.mark.parametrize(
    ("policy", "key", "value", "said"),
    [
        ("pii-no-data-loss", "minimumBackupRetention", 30, "unknown keys ['minimumBackupRetention']"),
        ("pii-in-jurisdiction", "allowedRegions", ["ap-south-1"], "'allowedRegions' lists ['ap-south-1']"),
        ("no-pii-replication", "accountIds", "123456789012", "'accountIds' must be a list of strings"),
        ("pii-no-data-loss", "minimumBackupRetentionDays", 7.5, "'minimumBackupRetentionDays' must be an"),
        ("pii-encryption", "jurisdiction", "US", "must set 'jurisdiction' to one of ['EU', 'IN']"),
    ],
)
def test_a_config_the_rules_cannot_use_is_refused_at_configure_not_reported_on_the_stack(
    policy: str, key: str, value: Any, said: str
) -> None:
    """A misspelled key, a region outside the jurisdiction or a malformed value is the pack's configuration
    error: Configure refuses it (the CLI then fails the preview), naming the policy, the key and the file."""
    config = copy.deepcopy(EU_CONFIG)
    config[policy][key] = value
    with pytest.raises(SettingsError) as refused:
        configured_servicer(config)
    message = str(refused.value)
    assert f"policy config for '{policy}'" in message and said in message
    assert "--policy-pack-config (policies/config/<stack>.json)" in message
    assert message.count("policy config for") == 1, "only the broken policy is named"


@pytest.mark.mode_independent
def test_a_config_error_that_reaches_the_analysis_fails_it_instead_of_reporting_a_violation() -> None:
    """A pack analysed without Configure (no config at all) cannot judge the stack: the analysis fails."""
    servicer = analyzer_servicer()
    with pytest.raises(SettingsError, match="must set 'jurisdiction'"):
        servicer.AnalyzeStack(analyze_stack_request(stack_of(eu_region().resources)), None)


def test_a_third_region_is_only_a_new_config_file(tmp_path: Path) -> None:
    third = copy.deepcopy(EU_CONFIG)
    third["pii-in-jurisdiction"]["allowedRegions"] = ["eu-central-1"]
    config_file = tmp_path / "frankfurt.json"
    config_file.write_text(json.dumps(third))
    schemas = _schemas()
    for name, schema in schemas.items():
        jsonschema.validate(_with_defaults(schema, third[name]), schema)
    region = eu_region()
    region.provider.props["region"] = "eu-central-1"
    assert [d for d in run_pack(region.resources, third) if d.level == "mandatory"] == []
    assert [d.policy for d in run_pack(region.resources, EU_CONFIG) if d.level == "mandatory"] == [
        "pii-in-jurisdiction",
        "pii-in-jurisdiction",
    ]


def test_the_pack_readme_documents_every_rule_and_config_key_with_its_default() -> None:
    readme = (POLICIES_DIR / "README.md").read_text()
    for rule in registry.RULES:
        assert f"`{rule.name}`" in readme, rule.name
        for key, spec in rule.properties.items():
            assert f"`{key}`" in readme, f"{rule.name}: {key}"
            if "default" in spec:
                assert f"`{key}` (`{json.dumps(spec['default'])}`)" in readme, f"{rule.name}: {key} default"
