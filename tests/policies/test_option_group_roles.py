"""An RDS option group's option settings give the databases that use it (`optionGroupName`) IAM roles and
buckets: SQLSERVER_BACKUP_RESTORE's `IAM_ROLE_ARN` lets `rds_backup_database` write whole `.bak` copies of a
database wherever the role may write, SQLSERVER_AUDIT's `IAM_ROLE_ARN` and `S3_BUCKET_ARN` send its audit logs
(every audited statement) to a bucket. Judged as the database's own IAM roles and role associations are.

Reviewer blind-aws12 (c35): a PII SQL Server instance whose option group enabled native backups with a role
that may write to a bucket the stack does not declare passed. The compliant baseline's role writes only the
stack's in-region bucket.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import store
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

NO_PII = "no-pii-replication"
ANONYMISED_ONLY = "anonymised-only-replication"
RULES = (NO_PII, ANONYMISED_ONLY)
IN_REGION = "arn:aws:s3:::pii-backups-eu/*"
ELSEWHERE = "arn:aws:s3:::acme-migration-landing/*"


def _role(region: Region, resource: str) -> Res:
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "rds.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["s3:PutObject", "s3:GetObject"], "Resource": resource}],
    }
    return Res(
        "aws:iam/role:Role",
        "mssql-native-backup",
        {
            "name": "mssql-native-backup",
            "assumeRolePolicy": json.dumps(trust),
            "inlinePolicies": [{"name": "s3", "policy": json.dumps(policy)}],
        },
        region.provider,
    )


def _backups(region: Region) -> Res:
    return store(region, "aws:s3/bucket:Bucket", "backups", {"bucket": "pii-backups-eu"})


def _option_group(region: Region, options: list[dict[str, Any]], deps: list[Res]) -> Res:
    return Res(
        "aws:rds/optionGroup:OptionGroup",
        "mssql-options",
        {
            "name": "crm-mssql-options",
            "engineName": "sqlserver-se",
            "majorEngineVersion": "16.00",
            "options": options,
        },
        region.provider,
        deps={"options": deps} if deps else {},
    )


def _backup_option(role: str = UNKNOWN) -> dict[str, Any]:
    return {
        "optionName": "SQLSERVER_BACKUP_RESTORE",
        "optionSettings": [{"name": "IAM_ROLE_ARN", "value": role}],
    }


def _sql_server(region: Region, group: Res) -> Res:
    database = store(
        region,
        "aws:rds/instance:Instance",
        "crm-mssql",
        {
            "identifier": "crm-mssql",
            "engine": "sqlserver-se",
            "optionGroupName": UNKNOWN,
            "storageEncrypted": True,
            "kmsKeyId": UNKNOWN,
        },
    )
    database.deps = {"optionGroupName": [group], "kmsKeyId": [region.key]}
    return database


def _on(resources: list[Res], policy: str, resource: Res) -> str:
    return messages([d for d in violations(resources, policy) if d.urn == resource.urn])


@pytest.mark.parametrize("policy", RULES)
def test_native_backups_through_a_role_writing_the_stacks_bucket_in_region_stay(policy: str) -> None:
    region = eu_region()
    role = _role(region, IN_REGION)
    group = _option_group(region, [_backup_option()], [role])
    stack = [*region.resources, _backups(region), role, group, _sql_server(region, group)]
    assert _on(stack, policy, group) == ""


@pytest.mark.parametrize("policy", RULES)
def test_options_without_a_role_or_bucket_copy_nothing(policy: str) -> None:
    region = eu_region()
    group = _option_group(
        region,
        [
            {"optionName": "MSDTC", "optionSettings": [{"name": "AUTHENTICATION", "value": "MUTUAL"}]},
            {"optionName": "TDE"},
        ],
        [],
    )
    assert _on([*region.resources, group, _sql_server(region, group)], policy, group) == ""


@pytest.mark.parametrize("policy", RULES)
def test_native_backups_through_a_role_that_may_write_elsewhere_copy_the_database_out(policy: str) -> None:
    region = eu_region()
    role = _role(region, ELSEWHERE)
    group = _option_group(region, [_backup_option()], [role])
    found = _on([*region.resources, role, group, _sql_server(region, group)], policy, group)
    assert "crm-mssql" in found and "acme-migration-landing" in found, found


@pytest.mark.parametrize("policy", RULES)
def test_native_backups_through_a_role_the_stack_does_not_declare_fail_closed(policy: str) -> None:
    region = eu_region()
    group = _option_group(region, [_backup_option("arn:aws:iam::123456789012:role/legacy-backup")], [])
    found = _on([*region.resources, group, _sql_server(region, group)], policy, group)
    assert "legacy-backup" in found, found


@pytest.mark.parametrize("policy", RULES)
def test_audit_logs_into_a_bucket_the_stack_does_not_declare_cannot_be_traced(policy: str) -> None:
    region = eu_region()
    role = _role(region, IN_REGION)
    audit = {
        "optionName": "SQLSERVER_AUDIT",
        "optionSettings": [
            {"name": "IAM_ROLE_ARN", "value": UNKNOWN},
            {"name": "S3_BUCKET_ARN", "value": "arn:aws:s3:::central-audit-logs/crm"},
        ],
    }
    group = _option_group(region, [audit], [role])
    found = _on([*region.resources, _backups(region), role, group, _sql_server(region, group)], policy, group)
    assert "central-audit-logs" in found or "cannot be traced" in found, found
