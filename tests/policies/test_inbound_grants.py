"""A resource policy that lets another account only put data into a PII holder shares nothing of it.

The central-vault pattern lets workload accounts copy their recovery points into a vault
(`backup:CopyIntoBackupVault`); a partner sends events into a bus (`events:PutEvents`) or messages into a
queue (`sqs:SendMessage`). Those actions write into the holder and return nothing it holds, so the other
account reads no personal data (reviewer blind-aws12, c26 and c27: both were refused as shares). Any other
action beside them, a wildcard that may match one (`events:Put*` includes PutRule and PutTargets, which
route the bus's events out), or everyone as the principal, is still judged as a grant.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import OTHER_ACCOUNT, store
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

RULES = ("no-pii-replication", "anonymised-only-replication")
PARTNER = f"arn:aws:iam::{OTHER_ACCOUNT}:root"


def _policy(region: Region, kind: str, actions: Any, principal: Any = None) -> tuple[list[Res], Res]:
    holders: dict[str, tuple[str, str, str, dict[str, Any]]] = {
        "vault": ("aws:backup/vault:Vault", "aws:backup/vaultPolicy:VaultPolicy", "backupVaultName", {}),
        "bus": (
            "aws:cloudwatch/eventBus:EventBus",
            "aws:cloudwatch/eventBusPolicy:EventBusPolicy",
            "eventBusName",
            {},
        ),
        "queue": ("aws:sqs/queue:Queue", "aws:sqs/queuePolicy:QueuePolicy", "queueUrl", {}),
    }
    holder_type, policy_type, reference, extra = holders[kind]
    holder = store(region, holder_type, "customers", {"name": "customers", "kmsKeyArn": UNKNOWN, **extra})
    holder.deps["kmsKeyArn"] = [region.key]
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": principal if principal is not None else {"AWS": PARTNER},
                "Action": actions,
                "Resource": "*",
            }
        ],
    }
    policy = Res(
        policy_type,
        "customers-in",
        {reference: UNKNOWN, "policy": json.dumps(document)},
        region.provider,
        deps={reference: [holder]},
    )
    return [*region.resources, holder, policy], policy


INBOUND = {
    "vault": "backup:CopyIntoBackupVault",
    "bus": "events:PutEvents",
    "queue": ["sqs:SendMessage", "sqs:SendMessageBatch"],
}


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("kind", INBOUND)
def test_another_account_that_may_only_put_data_in_reads_nothing(kind: str, rule: str) -> None:
    stack, policy = _policy(eu_region(), kind, INBOUND[kind])
    found = [d for d in violations(stack, rule) if d.urn == policy.urn]
    assert found == [], messages(found)


OUTBOUND = {
    "vault": ["backup:CopyIntoBackupVault", "backup:StartRestoreJob"],
    "bus": "events:Put*",
    "queue": ["sqs:SendMessage", "sqs:ReceiveMessage"],
}


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("kind", OUTBOUND)
def test_an_action_beside_them_that_may_read_or_route_out_shares_the_holder(kind: str, rule: str) -> None:
    stack, policy = _policy(eu_region(), kind, OUTBOUND[kind])
    found = [d for d in violations(stack, rule) if d.urn == policy.urn]
    assert found and OTHER_ACCOUNT in messages(found), messages(found)


@pytest.mark.parametrize("kind", INBOUND)
def test_everyone_may_not_put_data_in_either(kind: str) -> None:
    """A write open to everyone is still open: judged as before (pii-not-public or a share with everyone)."""
    stack, policy = _policy(eu_region(), kind, INBOUND[kind], principal="*")
    everything = [d for rule in (*RULES, "pii-not-public") for d in violations(stack, rule)]
    assert [d for d in everything if d.urn == policy.urn], messages(everything)


def _key_policy(region: Region, actions: Any) -> list[Res]:
    """The PII database's key, whose policy lets the partner's producer use it (reviewer blind-aws14 c12: a
    producer into an SSE-KMS stream needs kms:GenerateDataKey on the stream's key)."""
    region.key.props["policy"] = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:role/referral-producer"},
                    "Action": actions,
                    "Resource": "*",
                    "Condition": {"StringEquals": {"kms:ViaService": "kinesis.eu-west-1.amazonaws.com"}},
                }
            ],
        }
    )
    return region.resources


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize(
    "actions",
    ["kms:GenerateDataKey", ["kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:Encrypt"]],
    ids=["generate", "generate-and-encrypt"],
)
def test_another_account_that_may_only_make_new_data_keys_decrypts_nothing(actions: Any, rule: str) -> None:
    region = eu_region()
    found = [d for d in violations(_key_policy(region, actions), rule) if d.urn == region.key.urn]
    assert found == [], messages(found)


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize(
    "actions",
    [
        ["kms:GenerateDataKey", "kms:Decrypt"],
        "kms:*",
        "kms:GenerateDataKey*",
        ["kms:GenerateDataKey", "kms:ReEncryptFrom"],
        ["kms:GenerateDataKey", "kms:CreateGrant"],
    ],
    ids=["decrypt", "all", "wildcard", "re-encrypt", "grant"],
)
def test_a_key_action_that_may_decrypt_or_delegate_shares_what_the_key_protects(
    actions: Any, rule: str
) -> None:
    region = eu_region()
    found = [d for d in violations(_key_policy(region, actions), rule) if d.urn == region.key.urn]
    assert found and OTHER_ACCOUNT in messages(found), messages(found)
