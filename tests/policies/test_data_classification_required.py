"""data-classification-required: every data-holding resource carries a valid data-classification."""

from __future__ import annotations

import copy

from tests.policies.baseline import eu_region
from tests.policies.policy_harness import EU_CONFIG, UNKNOWN, Res, run_pack, violations

POLICY = "data-classification-required"


def test_compliant_baseline_has_no_violation() -> None:
    assert violations(eu_region().resources, POLICY) == []


def test_database_without_classification_tag_is_blocked() -> None:
    region = eu_region()
    region.database.props["tags"] = {}
    found = violations(region.resources, POLICY)
    assert [d.urn for d in found] == [region.database.urn]
    assert "aws:rds/instance:Instance 'pii-db'" in found[0].message
    assert "no data-classification tag" in found[0].message
    assert "GDPR" in found[0].message
    assert "How to fix" in found[0].message


def test_unknown_classification_value_is_blocked() -> None:
    region = eu_region()
    region.database.props["tags"] = {"data-classification": "confidential"}
    found = violations(region.resources, POLICY)
    assert [d.urn for d in found] == [region.database.urn]
    assert "'confidential'" in found[0].message


def test_classification_from_provider_default_tags_counts() -> None:
    region = eu_region()
    region.database.props["tags"] = {}
    region.provider.props["defaultTags"] = '{"tags": {"data-classification": "pii", "jurisdiction": "EU"}}'
    assert violations(region.resources, POLICY) == []


def test_classification_from_engine_computed_tags_all_counts() -> None:
    region = eu_region()
    region.database.props["tags"] = {}
    region.database.props["tagsAll"] = {"data-classification": "pii"}
    assert violations(region.resources, POLICY) == []


def test_tags_unknown_at_preview_are_blocked() -> None:
    region = eu_region()
    region.database.props["tags"] = UNKNOWN
    found = violations(region.resources, POLICY)
    assert [d.urn for d in found] == [region.database.urn]
    assert "unknown at preview" in found[0].message


def test_stateful_set_volume_claim_template_without_label_is_blocked() -> None:
    region = eu_region()
    region.telemetry.props["spec"]["volumeClaimTemplates"][0]["metadata"]["labels"] = {}
    found = violations(region.resources, POLICY)
    assert [d.urn for d in found] == [region.telemetry.urn]
    assert "volume claim template 'data'" in found[0].message


def test_stateful_set_without_volume_claim_templates_holds_no_data() -> None:
    region = eu_region()
    region.telemetry.props["spec"] = {"serviceName": "stateless"}
    region.telemetry.props["metadata"] = {}
    assert violations(region.resources, POLICY) == []


def test_persistent_volume_claim_without_label_is_blocked() -> None:
    region = eu_region()
    claim = Res(
        "kubernetes:core/v1:PersistentVolumeClaim",
        "uploads",
        {"metadata": {"labels": {"app": "uploads"}}, "spec": {"storageClassName": "telemetry-gp3"}},
        region.kubernetes,
    )
    found = violations([*region.resources, claim], POLICY)
    assert [d.urn for d in found] == [claim.urn]
    assert "no data-classification label" in found[0].message


def test_bucket_without_classification_is_blocked() -> None:
    region = eu_region()
    bucket = Res("aws:s3/bucket:Bucket", "exports", {"bucket": "exports"}, region.provider)
    assert [d.urn for d in violations([*region.resources, bucket], POLICY)] == [bucket.urn]


def test_resource_that_holds_no_data_needs_no_classification() -> None:
    region = eu_region()
    region.database_group.props["tags"] = {}
    assert violations(region.resources, POLICY) == []


def test_additional_data_holding_types_come_from_config() -> None:
    region = eu_region()
    # Hosted configuration is triaged neutral (configuration, not data); a stack may decide otherwise.
    instance = Res(
        "aws:appconfig/hostedConfigurationVersion:HostedConfigurationVersion",
        "flags",
        {"contentType": "application/json", "content": "{}"},
        region.provider,
    )
    assert violations([*region.resources, instance], POLICY) == []
    config = copy.deepcopy(EU_CONFIG)
    config[POLICY]["additionalDataHoldingTypes"] = [instance.type]
    assert [d.urn for d in violations([*region.resources, instance], POLICY, config)] == [instance.urn]


def test_policy_config_can_make_the_rule_advisory() -> None:
    region = eu_region()
    region.database.props["tags"] = {}
    config = copy.deepcopy(EU_CONFIG)
    config[POLICY]["enforcementLevel"] = "advisory"
    found = [d for d in run_pack(region.resources, config) if d.policy == POLICY]
    assert [d.level for d in found] == ["advisory"]
