"""Received e-mail is written where its rules say: an SES receipt rule's S3 actions and a Mail Manager rule
set's `writeToS3` actions put every message (customers' names, addresses, attachments) into a bucket, through
a role of their own (reviewer blind-aws13 a29).

The baseline stores the mail of support@ in the stack's PII bucket in eu-west-1 under the stack's key,
written by a role of the deployment's account. Each test changes one thing: a bucket the stack does not
declare (S3's namespace is global: it may be in any region and account), or a writer role of another
account (the write lands in that role's account).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import OTHER_ACCOUNT, store
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

RULES = ("no-pii-replication", "anonymised-only-replication")
OWN_ROLE = "arn:aws:iam::123456789012:role/ses-mail-writer"
FOREIGN_ROLE = f"arn:aws:iam::{OTHER_ACCOUNT}:role/ses-mail-archive-writer"
UNDECLARED = "acme-group-mail-archive"


def _found(resources: list[Res]) -> list[Any]:
    return [d for rule in RULES for d in violations(resources, rule)]


def _receipt_rule(region: Region, bucket: Res | None, role: str) -> Res:
    action: dict[str, Any] = {
        "bucketName": UNDECLARED if bucket is None else UNKNOWN,
        "objectKeyPrefix": "eu-support/",
        "kmsKeyArn": UNKNOWN,
        "iamRoleArn": role,
        "position": 1,
    }
    return Res(
        "aws:ses/receiptRule:ReceiptRule",
        "store-support-mail",
        {
            "name": "store-support-mail",
            "ruleSetName": "support",
            "recipients": ["support@eu.example.com"],
            "s3Actions": [action],
        },
        region.provider,
        deps={"s3Actions": [region.key] if bucket is None else [region.key, bucket]},
    )


def _rule_set(region: Region, bucket: Res | None, role: str) -> Res:
    write = {"s3Bucket": UNDECLARED if bucket is None else UNKNOWN, "roleArn": role}
    return Res(
        "aws:mailmanager/ruleSet:RuleSet",
        "support-rules",
        {"name": "support", "rules": [{"actions": [{"writeToS3": write}]}]},
        region.provider,
        deps={"rules": [] if bucket is None else [bucket]},
    )


WRITERS = {"ses receipt rule": _receipt_rule, "mail manager rule set": _rule_set}


def _mailbox(region: Region) -> Res:
    return store(region, "aws:s3/bucket:Bucket", "support-mail", {"bucket": "acme-eu-support-mail"})


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_mail_written_into_the_stacks_bucket_in_region_by_its_own_role_stays(writer: str) -> None:
    region = eu_region()
    bucket = _mailbox(region)
    rule = WRITERS[writer](region, bucket, OWN_ROLE)
    assert _found([*region.resources, bucket, rule]) == []


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_mail_written_into_a_bucket_the_stack_does_not_declare_is_untraceable(writer: str) -> None:
    region = eu_region()
    rule = WRITERS[writer](region, None, OWN_ROLE)
    found = _found([*region.resources, rule])
    assert {d.urn for d in found} == {rule.urn}, messages(found)
    assert "regions that cannot be traced" in messages(found)


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_mail_written_by_another_accounts_role_is_shared_with_that_account(writer: str) -> None:
    region = eu_region()
    bucket = _mailbox(region)
    rule = WRITERS[writer](region, bucket, FOREIGN_ROLE)
    found = _found([*region.resources, bucket, rule])
    assert {d.urn for d in found} == {rule.urn}, messages(found)
    assert f"shared with {FOREIGN_ROLE}" in messages(found)
