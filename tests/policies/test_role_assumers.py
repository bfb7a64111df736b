"""A principal of the deployment's own account is inside only when nobody outside may become it.

A resource policy, a KMS grant or an EKS access entry that names a role of the stack gives what it grants
to whoever may assume that role: whom the role's trust policy admits, and, through role chains, whoever may
become a role it trusts (by that role's ARN, or by the account's root when that role's identity policies
allow sts:AssumeRole on it). A same-account resource policy needs no identity policy of the role, so a role
with no policies at all still reads what a bucket policy grants it. A role of the deployment's account that
the stack does not declare (a literal ARN: the administrators' role) is taken as the account's own, since
its trust cannot be read (decision, policies/README.md "Who an identity provider of the deployment lets in").
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import OTHER_ACCOUNT, store
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

NO_PII = "no-pii-replication"
ANONYMISED_ONLY = "anonymised-only-replication"
OWN = "123456789012"
BUCKET = "customers-documents-eu"
BUCKET_ARN = f"arn:aws:s3:::{BUCKET}"
PARTNER_ROOT = {"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"}
LAMBDA = {"Service": "lambda.amazonaws.com"}
OWN_ROOT = {"AWS": f"arn:aws:iam::{OWN}:root"}


def _document(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _trust(principal: dict[str, Any]) -> str:
    return _document({"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"})


def _role(region: Region, name: str, trusted: dict[str, Any]) -> Res:
    return Res(
        "aws:iam/role:Role", name, {"name": name, "assumeRolePolicy": _trust(trusted)}, region.provider
    )


def _role_arn(name: str) -> str:
    return f"arn:aws:iam::{OWN}:role/{name}"


def _bucket_policy_for(region: Region, principal_arn: str) -> tuple[Res, list[Res]]:
    bucket = store(region, "aws:s3/bucket:Bucket", "documents", {"bucket": BUCKET})
    statement = {
        "Effect": "Allow",
        "Principal": {"AWS": principal_arn},
        "Action": ["s3:GetObject", "s3:ListBucket"],
        "Resource": [BUCKET_ARN, f"{BUCKET_ARN}/*"],
    }
    policy = Res(
        "aws:s3/bucketPolicy:BucketPolicy",
        "documents-policy",
        {"bucket": UNKNOWN, "policy": _document(statement)},
        region.provider,
        deps={"bucket": [bucket]},
    )
    return policy, [bucket, policy]


def _on(found: list[Any], resource: Res) -> list[Any]:
    return [d for d in found if d.urn == resource.urn]


# A grant to a role of the stack ------------------------------------------------------------------------


@pytest.mark.parametrize("rule", [NO_PII, ANONYMISED_ONLY])
def test_a_bucket_policy_for_a_role_only_a_service_may_assume_stays_inside(rule: str) -> None:
    region = eu_region()
    reader = _role(region, "documents-reader", LAMBDA)
    _, extra = _bucket_policy_for(region, _role_arn("documents-reader"))
    assert violations([*region.resources, reader, *extra], rule) == []


@pytest.mark.parametrize("rule", [NO_PII, ANONYMISED_ONLY])
def test_a_bucket_policy_for_a_role_another_account_may_assume_shares_the_bucket(rule: str) -> None:
    region = eu_region()
    reader = _role(region, "documents-reader", PARTNER_ROOT)
    policy, extra = _bucket_policy_for(region, _role_arn("documents-reader"))
    found = violations([*region.resources, reader, *extra], rule)
    ours = _on(found, policy)
    assert len(ours) == 1, messages(found)
    assert f"account {OTHER_ACCOUNT} by assuming" in ours[0].message
    assert "documents-reader" in ours[0].message


def _key_grant(region: Region, grantee: Res) -> Res:
    return Res(
        "aws:kms/grant:Grant",
        "reader-decrypt",
        {"keyId": UNKNOWN, "granteePrincipal": UNKNOWN, "operations": ["Decrypt", "DescribeKey"]},
        region.provider,
        deps={"keyId": [region.key], "granteePrincipal": [grantee]},
    )


def test_a_key_grant_to_a_role_computed_from_its_arn_is_inside_when_only_a_service_may_assume_it() -> None:
    region = eu_region()
    reader = _role(region, "documents-reader", LAMBDA)
    grant = _key_grant(region, reader)
    assert violations([*region.resources, reader, grant], NO_PII) == []


def test_a_key_grant_to_a_role_another_account_may_assume_shares_the_key() -> None:
    region = eu_region()
    reader = _role(region, "documents-reader", PARTNER_ROOT)
    grant = _key_grant(region, reader)
    found = violations([*region.resources, reader, grant], NO_PII)
    ours = _on(found, grant)
    assert ours, messages(found)
    assert f"account {OTHER_ACCOUNT} by assuming" in ours[0].message


# Role chains -------------------------------------------------------------------------------------------


def _reader_with_policy(region: Region, trusted: dict[str, Any]) -> tuple[Res, list[Res]]:
    """A role that reads the PII bucket (by a role policy) and trusts `trusted`."""
    bucket = store(region, "aws:s3/bucket:Bucket", "documents", {"bucket": BUCKET})
    reader = _role(region, "pii-reader", trusted)
    policy = Res(
        "aws:iam/rolePolicy:RolePolicy",
        "pii-reader-policy",
        {
            "role": UNKNOWN,
            "policy": _document({"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"{BUCKET_ARN}/*"}),
        },
        region.provider,
        deps={"role": [reader]},
    )
    return reader, [bucket, reader, policy]


def _broker(region: Region, trusted: dict[str, Any], may_assume: str) -> list[Res]:
    """A role trusted by `trusted` whose only permission is to assume `may_assume`."""
    broker = _role(region, "partner-broker", trusted)
    policy = Res(
        "aws:iam/rolePolicy:RolePolicy",
        "partner-broker-policy",
        {
            "role": UNKNOWN,
            "policy": _document({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": may_assume}),
        },
        region.provider,
        deps={"role": [broker]},
    )
    return [broker, policy]


def test_a_role_trusting_a_broker_only_a_service_may_assume_shares_nothing() -> None:
    region = eu_region()
    _, extra = _reader_with_policy(region, {"AWS": _role_arn("partner-broker")})
    broker = _broker(region, LAMBDA, _role_arn("pii-reader"))
    assert violations([*region.resources, *extra, *broker], NO_PII) == []


def test_a_role_trusting_a_broker_another_account_may_assume_shares_what_it_reads() -> None:
    region = eu_region()
    reader, extra = _reader_with_policy(region, {"AWS": _role_arn("partner-broker")})
    broker = _broker(region, PARTNER_ROOT, _role_arn("pii-reader"))
    found = violations([*region.resources, *extra, *broker], NO_PII)
    ours = _on(found, reader)
    assert ours, messages(found)
    assert f"account {OTHER_ACCOUNT} by assuming aws:iam/role:Role 'partner-broker'" in ours[0].message


def test_a_role_trusting_its_account_is_not_assumed_by_a_broker_allowed_only_another_role() -> None:
    region = eu_region()
    reader, extra = _reader_with_policy(region, OWN_ROOT)
    broker = _broker(region, PARTNER_ROOT, _role_arn("unrelated-role"))
    assert _on(violations([*region.resources, *extra, *broker], NO_PII), reader) == []


def test_a_role_trusting_its_account_is_assumed_by_a_broker_whose_policy_allows_it() -> None:
    region = eu_region()
    reader, extra = _reader_with_policy(region, OWN_ROOT)
    broker = _broker(region, PARTNER_ROOT, _role_arn("pii-*"))
    found = violations([*region.resources, *extra, *broker], NO_PII)
    ours = _on(found, reader)
    assert ours, messages(found)
    assert f"account {OTHER_ACCOUNT} by assuming aws:iam/role:Role 'partner-broker'" in ours[0].message


def test_roles_that_trust_each_other_and_nobody_outside_share_nothing() -> None:
    region = eu_region()
    _, extra = _reader_with_policy(region, {"AWS": _role_arn("partner-broker")})
    broker = _broker(region, {"AWS": _role_arn("pii-reader")}, _role_arn("pii-reader"))
    assert violations([*region.resources, *extra, *broker], NO_PII) == []


def test_a_role_of_the_account_the_stack_does_not_declare_is_taken_as_the_accounts_own() -> None:
    region = eu_region()
    _, extra = _bucket_policy_for(region, _role_arn("platform-admins"))
    assert violations([*region.resources, *extra], NO_PII) == []


# Cluster access ----------------------------------------------------------------------------------------


def _access_entry(region: Region, role: Res) -> Res:
    return Res(
        "aws:eks/accessEntry:AccessEntry",
        "operators-access",
        {"clusterName": UNKNOWN, "principalArn": UNKNOWN, "type": "STANDARD"},
        region.provider,
        deps={"clusterName": [region.cluster], "principalArn": [role]},
    )


def test_an_access_entry_for_a_role_only_ec2_may_assume_stays_inside() -> None:
    region = eu_region()
    operators = _role(region, "operators", {"Service": "ec2.amazonaws.com"})
    entry = _access_entry(region, operators)
    assert violations([*region.resources, operators, entry], ANONYMISED_ONLY) == []


def test_an_access_entry_for_a_role_another_account_may_assume_grants_the_cluster() -> None:
    region = eu_region()
    operators = _role(region, "operators", PARTNER_ROOT)
    entry = _access_entry(region, operators)
    found = violations([*region.resources, operators, entry], ANONYMISED_ONLY)
    ours = _on(found, entry)
    assert len(ours) == 1, messages(found)
    assert f"account {OTHER_ACCOUNT} by assuming aws:iam/role:Role 'operators'" in ours[0].message
