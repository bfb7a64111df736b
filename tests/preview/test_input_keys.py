"""Input keys pulumi-aws's schema lacks are refused as its Check refuses them (offline_preview.input_keys).

The registrations here are written as they travel on the wire: the SDK has turned every key it knows into
camelCase and left the ones it does not know as written.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from offline_preview import wire
from offline_preview.input_keys import unknown_keys
from offline_preview.program import run_program
from offline_preview.project import load_stack
from tests.session_cache import recorded_registrations
from tests.urn_fixtures import PROGRAM_DIR, connected_stack_config

from .conftest import REPOSITORY

DLM = "aws:dlm/lifecyclePolicy:LifecyclePolicy"


def _policy(schedule: dict[str, Any]) -> dict[str, Any]:
    return {
        "executionRoleArn": "arn:aws:iam::123456789012:role/dlm",
        "description": "daily",
        "policyDetails": {
            "resourceTypes": ["VOLUME"],
            "targetTags": {"any key": "is a tag", "share_rules": "is a tag too"},
            "schedules": [{"name": "first", "createRule": {"interval": 24}}, schedule],
        },
    }


def _paths(type_token: str, inputs: dict[str, Any], custom: bool = True) -> list[str]:
    registration = {"type": type_token, "name": "daily", "urn": "urn:x", "inputs": inputs, "custom": custom}
    return [key.path for key in unknown_keys([registration])]


def test_known_nested_keys_of_every_list_item_pass() -> None:
    assert _paths(DLM, _policy({"name": "second", "shareRule": {"targetAccounts": ["123456789012"]}})) == []


def test_a_misspelt_key_in_the_second_list_item_is_found_with_its_path() -> None:
    schedule = {"name": "second", "share_rules": [{"target_accounts": ["210987654321"]}]}
    assert _paths(DLM, _policy(schedule)) == ["policyDetails.schedules[1].share_rules"]


def test_a_misspelt_key_below_a_known_one_is_found() -> None:
    schedule = {"name": "second", "shareRule": {"target_account": ["210987654321"]}}
    assert _paths(DLM, _policy(schedule)) == ["policyDetails.schedules[1].shareRule.target_account"]


def test_a_top_level_unknown_key_is_found() -> None:
    assert _paths(DLM, {**_policy({"name": "second"}), "policy_detail": {}}) == ["policy_detail"]


def test_secret_and_output_wrapped_objects_are_read_and_unknowns_skipped() -> None:
    schedule = {
        wire.SIGNATURE_KEY: wire.SECRET_SIGNATURE,
        "value": {"name": "second", "share_rules": []},
    }
    assert _paths(DLM, _policy(schedule)) == ["policyDetails.schedules[1].share_rules"]
    output = {wire.SIGNATURE_KEY: wire.OUTPUT_VALUE_SIGNATURE, "value": {"name": "second", "sharing": []}}
    assert _paths(DLM, _policy(output)) == ["policyDetails.schedules[1].sharing"]
    assert _paths(DLM, _policy(wire.UNKNOWN)) == []  # type: ignore[arg-type]


def test_bridge_keys_maps_json_strings_components_and_other_packages_are_not_checked() -> None:
    bucket_policy = {"bucket": "b", "policy": '{"Statement": [{"Sid": "any key at all"}]}', "__defaults": []}
    assert _paths("aws:s3/bucketPolicy:BucketPolicy", bucket_policy) == []
    assert _paths(DLM, _policy({"name": "second", "share_rules": []}), custom=False) == []
    deployment = {"spec": {"anything": {"goes": 1}}}
    assert _paths("kubernetes:apps/v1:Deployment", deployment) == []
    assert _paths("aws:nosuchmodule/thing:Thing", {"x": 1}) == []


def test_a_resource_whose_args_class_is_named_init_args_is_read_by_its_own_args() -> None:
    # s3's nested `BucketVersioningArgs` (Bucket's `versioning` block) took the name; the resource's own
    # args are `BucketVersioningInitArgs`.
    versioning = "aws:s3/bucketVersioning:BucketVersioning"
    assert _paths(versioning, {"bucket": "b", "versioningConfiguration": {"status": "Enabled"}}) == []
    misspelt = {"bucket": "b", "versioningConfiguration": {"state": "Enabled"}}
    assert _paths(versioning, misspelt) == ["versioningConfiguration.state"]


def test_a_module_named_by_a_python_keyword_is_found() -> None:
    permission = {"action": "lambda:InvokeFunction", "function": "f", "principal": "s3.amazonaws.com"}
    assert _paths("aws:lambda/permission:Permission", permission) == []
    misspelt = {**permission, "source_acount": "123456789012"}
    assert _paths("aws:lambda/permission:Permission", misspelt) == ["source_acount"]


@pytest.mark.parametrize("stack", ["eu", "india"])
def test_the_real_stacks_committed_and_connected_use_only_keys_the_provider_knows(
    stack: str, tmp_path: Path
) -> None:
    """Every pulumi-aws input of both stacks, also once connected (the peering's requester in eu, its
    accepter in india, whose args are `VpcPeeringConnectionAccepterInitArgs`), as the program's process
    checks them."""
    assert unknown_keys(recorded_registrations(REPOSITORY, stack)) == []
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(PROGRAM_DIR / name, tmp_path / name)
    for package in ("components", "residency", ".venv"):
        (tmp_path / package).symlink_to(PROGRAM_DIR / package)
    config = {"config": connected_stack_config(stack)}
    (tmp_path / f"Pulumi.{stack}.yaml").write_text(yaml.safe_dump(config))
    run = run_program(load_stack(tmp_path, stack))
    assert any(r["type"].startswith("aws:ec2/vpcPeeringConnection") for r in run.registrations)
    assert run.unknown_input_keys == []
