"""KMS key policies for in-region keys: the account administers a key, services in the region use it."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

KEY_ADMINISTRATION_ACTIONS: tuple[str, ...] = (
    "kms:CancelKeyDeletion",
    "kms:CreateAlias",
    "kms:DeleteAlias",
    "kms:DescribeKey",
    "kms:DisableKey",
    "kms:DisableKeyRotation",
    "kms:EnableKey",
    "kms:EnableKeyRotation",
    "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:ListAliases",
    "kms:ListGrants",
    "kms:ListKeyPolicies",
    "kms:ListKeyRotations",
    "kms:ListResourceTags",
    "kms:PutKeyPolicy",
    "kms:RevokeGrant",
    "kms:RotateKeyOnDemand",
    "kms:ScheduleKeyDeletion",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:UpdateAlias",
    "kms:UpdateKeyDescription",
)
"""Managing a key without using it: no Encrypt, Decrypt, GenerateDataKey or CreateGrant."""

KEY_USE_ACTIONS: tuple[str, ...] = (
    "kms:CreateGrant",
    "kms:Decrypt",
    "kms:DescribeKey",
    "kms:Encrypt",
    "kms:GenerateDataKey*",
    "kms:ListGrants",
    "kms:ReEncrypt*",
)
"""What a service needs to encrypt a resource with a customer-managed key (as AWS-managed keys grant)."""


def account_root_arn(partition: str, account_id: str) -> str:
    """The ARN that stands for the whole account (IAM policies in it decide) in a key policy."""
    return f"arn:{partition}:iam::{account_id}:root"


def service_endpoint(service: str, region: str, dns_suffix: str) -> str:
    """A service's regional endpoint as the `kms:ViaService` condition names it."""
    return f"{service}.{region}.{dns_suffix}"


def administration_statement(partition: str, account_id: str) -> dict[str, Any]:
    """The account administers the key (so it can never be locked out) but cannot use it directly."""
    return {
        "Sid": "AccountAdministersKey",
        "Effect": "Allow",
        "Principal": {"AWS": account_root_arn(partition, account_id)},
        "Action": list(KEY_ADMINISTRATION_ACTIONS),
        "Resource": "*",
    }


def use_through_services_statement(
    sid: str, principal_arn: str, via_services: Sequence[str]
) -> dict[str, Any]:
    """A principal may use the key only when the request comes through one of the given regional services."""
    return {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": {"AWS": principal_arn},
        "Action": list(KEY_USE_ACTIONS),
        "Resource": "*",
        "Condition": {"StringEquals": {"kms:ViaService": list(via_services)}},
    }


def key_policy_document(statements: Sequence[Mapping[str, Any]]) -> str:
    """Render statements as a key policy JSON document."""
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)}, sort_keys=True)


CLOUDWATCH_LOGS_ACTIONS: tuple[str, ...] = (
    "kms:Decrypt*",
    "kms:Describe*",
    "kms:Encrypt*",
    "kms:GenerateDataKey*",
    "kms:ReEncrypt*",
)
"""What CloudWatch Logs needs to encrypt and decrypt a log group's events with a customer-managed key."""


def log_group_arn(partition: str, region: str, account_id: str, log_group_name: str) -> str:
    """A log group's ARN as CloudWatch Logs puts it in the `aws:logs:arn` encryption context."""
    return f"arn:{partition}:logs:{region}:{account_id}:log-group:{log_group_name}"


def cloudwatch_logs_statement(
    sid: str, region: str, dns_suffix: str, log_group_arns: Sequence[str]
) -> dict[str, Any]:
    """CloudWatch Logs in the region may use the key, and only for the named log groups."""
    return {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": {"Service": service_endpoint("logs", region, dns_suffix)},
        "Action": list(CLOUDWATCH_LOGS_ACTIONS),
        "Resource": "*",
        "Condition": {"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": list(log_group_arns)}},
    }
