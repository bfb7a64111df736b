"""A file system policy for everyone (`*`) that holds only when `elasticfilesystem:AccessedViaMountTarget` is
true admits only clients that reach the file system through its mount targets, which sit in the file
system's own VPC: as a grant narrowed to the stack's VPC (`aws:SourceVpc`), it shares nothing with another
account. Each test is a PII EFS file system with a policy; the baseline policy denies insecure transport only.
"""

from __future__ import annotations

import json

import pytest

from tests.policies.baseline import eu_region
from tests.policies.copies import store
from tests.policies.policy_harness import Res, messages, violations_of_every_rule

_DENY_INSECURE = {
    "Effect": "Deny",
    "Principal": {"AWS": "*"},
    "Action": "*",
    "Resource": "*",
    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
}


def _mounts(condition: dict | None) -> dict:
    statement = {
        "Effect": "Allow",
        "Principal": {"AWS": "*"},
        "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
        "Resource": "*",
    }
    if condition is not None:
        statement["Condition"] = condition
    return statement


def _stack(*statements: dict) -> tuple[list[Res], Res]:
    region = eu_region()
    file_system = store(
        region, "aws:efs/fileSystem:FileSystem", "uploads", {"encrypted": True, "kmsKeyId": "k"}
    )
    file_system.deps["kmsKeyId"] = [region.key]
    policy = Res(
        "aws:efs/fileSystemPolicy:FileSystemPolicy",
        "uploads",
        {
            "fileSystemId": "fs-0uploads",
            "policy": json.dumps({"Version": "2012-10-17", "Statement": list(statements)}),
        },
        region.provider,
        deps={"fileSystemId": [file_system]},
    )
    return [*region.resources, file_system, policy], policy


def _grants(found: list, policy: Res) -> list:
    return [d for d in found if d.urn == policy.urn and d.level == "mandatory"]


def test_the_baseline_policy_grants_nothing() -> None:
    stack, policy = _stack(_DENY_INSECURE)
    assert _grants(violations_of_every_rule(stack), policy) == []


def test_mounts_for_everyone_through_the_mount_targets_only_share_nothing() -> None:
    stack, policy = _stack(
        _mounts({"Bool": {"elasticfilesystem:AccessedViaMountTarget": "true"}}), _DENY_INSECURE
    )
    found = _grants(violations_of_every_rule(stack), policy)
    assert found == [], messages(found)


@pytest.mark.parametrize("written", [True, "True", ["true"]], ids=["json-boolean", "capitalised", "list"])
def test_mounts_for_everyone_through_the_mount_targets_only_share_nothing_however_true_is_written(
    written: object,
) -> None:
    """IAM's Bool operator takes a JSON boolean, any case of true and a list as well as the string "true"
    (reviewer blind-aws10: a JSON boolean failed closed as a share with everyone)."""
    stack, policy = _stack(
        _mounts({"Bool": {"elasticfilesystem:AccessedViaMountTarget": written}}), _DENY_INSECURE
    )
    found = _grants(violations_of_every_rule(stack), policy)
    assert found == [], messages(found)


@pytest.mark.parametrize(
    "written", [False, "False", ["true", "false"]], ids=["json-boolean", "capitalised", "either"]
)
def test_mounts_for_everyone_when_not_through_a_mount_target_share_the_file_system(written: object) -> None:
    """A JSON false, or a list that admits false as well, narrows nothing."""
    stack, policy = _stack(
        _mounts({"Bool": {"elasticfilesystem:AccessedViaMountTarget": written}}), _DENY_INSECURE
    )
    assert _grants(violations_of_every_rule(stack), policy)


def test_mounts_for_everyone_without_the_condition_share_the_file_system() -> None:
    stack, policy = _stack(_mounts(None), _DENY_INSECURE)
    found = _grants(violations_of_every_rule(stack), policy)
    assert found and all("everyone" in d.message for d in found), messages(found)


def test_mounts_for_everyone_unless_through_a_mount_target_share_the_file_system() -> None:
    stack, policy = _stack(_mounts({"Bool": {"elasticfilesystem:AccessedViaMountTarget": "false"}}))
    assert _grants(violations_of_every_rule(stack), policy)
