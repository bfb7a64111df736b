"""What a role's identity policies give whoever may become it, however they are attached.

Every type that gives a role policies is read (`residency_facts/principal_policies.POLICY_ATTACHMENTS`): the
role's own inputs, RolePolicy, RolePolicyAttachment, the legacy PolicyAttachment and the exclusive
RolePolicyAttachmentsExclusive and RolePoliciesExclusive (reviewer blind-access15 a09). An AWS managed policy
the pack knows is judged by what it grants (`AWS_MANAGED_POLICIES`: the stores of the services it reads); a
policy whose document the pack cannot read (another AWS managed one, a customer managed one the stack does
not declare, an ARN unknown at preview, an inline policy the stack does not declare) on a role another account
may assume fails closed, saying what to review (a10). A permissions boundary the pack can read bounds what the
policies give: IAM grants their intersection (c03); one it cannot read narrows nothing.
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
TABLE = "customers"
TABLE_ARN = f"arn:aws:dynamodb:eu-west-1:{OWN}:table/{TABLE}"
DYNAMODB_READ = "arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess"
PARTNER = {"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"}
LAMBDA = {"Service": "lambda.amazonaws.com"}
ROLE = "partner-reader"


def _document(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _allow(actions: list[str], resource: Any = "*") -> dict[str, Any]:
    return {"Effect": "Allow", "Action": actions, "Resource": resource}


METRICS_ONLY = _document(_allow(["cloudwatch:GetMetricData", "cloudwatch:ListMetrics"]))
READS_TABLE = _document(_allow(["dynamodb:Scan", "dynamodb:GetItem"], TABLE_ARN))


def _role(region: Region, trusted: dict[str, Any] = PARTNER, **props: Any) -> Res:
    trust = _document({"Effect": "Allow", "Principal": trusted, "Action": "sts:AssumeRole"})
    return Res("aws:iam/role:Role", ROLE, {"name": ROLE, "assumeRolePolicy": trust, **props}, region.provider)


def _table(region: Region) -> Res:
    return store(region, "aws:dynamodb/table:Table", TABLE, {"name": TABLE})


def _policy(region: Region, name: str, document: str) -> Res:
    return Res("aws:iam/policy:Policy", name, {"name": name, "policy": document}, region.provider)


def _on(found: list[Any], resource: Res) -> list[Any]:
    return [d for d in found if d.urn == resource.urn]


def _shares_table(region: Region, role: Res, *extra: Res, rule: str = ANONYMISED_ONLY) -> bool:
    found = _on(violations([*region.resources, _table(region), role, *extra], rule), role)
    return any(f"Table '{TABLE}'" in d.message for d in found)


# Every way of attaching a managed policy ------------------------------------------------------------------


def _managed_policy_arns(region: Region, role: Res, arn: str) -> list[Res]:
    role.props["managedPolicyArns"] = [arn]
    return []


def _role_policy_attachment(region: Region, role: Res, arn: str) -> list[Res]:
    props = {"role": UNKNOWN, "policyArn": arn}
    return [
        Res(
            "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
            "ro",
            props,
            region.provider,
            deps={"role": [role]},
        )
    ]


def _exclusive_attachments(region: Region, role: Res, arn: str) -> list[Res]:
    props = {"roleName": UNKNOWN, "policyArns": [arn]}
    token = "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive"
    return [Res(token, "policies", props, region.provider, deps={"roleName": [role]})]


def _exclusive_attachments_by_name(region: Region, role: Res, arn: str) -> list[Res]:
    token = "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive"
    return [Res(token, "policies", {"roleName": ROLE, "policyArns": [arn]}, region.provider)]


def _legacy_policy_attachment(region: Region, role: Res, arn: str) -> list[Res]:
    props = {"name": "ro", "roles": [UNKNOWN], "policyArn": arn}
    return [
        Res("aws:iam/policyAttachment:PolicyAttachment", "ro", props, region.provider, deps={"roles": [role]})
    ]


ATTACHMENTS = [
    _managed_policy_arns,
    _role_policy_attachment,
    _exclusive_attachments,
    _exclusive_attachments_by_name,
    _legacy_policy_attachment,
]


@pytest.mark.parametrize("attach", ATTACHMENTS, ids=lambda f: f.__name__.strip("_"))
@pytest.mark.parametrize("rule", [NO_PII, ANONYMISED_ONLY])
def test_an_aws_managed_read_policy_attached_to_a_role_another_account_assumes_shares_its_service(
    attach: Any, rule: str
) -> None:
    region = eu_region()
    role = _role(region)
    assert _shares_table(region, role, *attach(region, role, DYNAMODB_READ), rule=rule)


@pytest.mark.parametrize("attach", ATTACHMENTS, ids=lambda f: f.__name__.strip("_"))
def test_the_same_attachment_to_a_role_only_a_service_assumes_shares_nothing(attach: Any) -> None:
    region = eu_region()
    role = _role(region, LAMBDA)
    extra = attach(region, role, DYNAMODB_READ)
    found = violations([*region.resources, _table(region), role, *extra], ANONYMISED_ONLY)
    assert _on(found, role) == [], messages(found)


def test_an_aws_managed_policy_reaches_only_the_stores_of_the_services_it_reads() -> None:
    """AmazonS3ReadOnlyAccess reads no table: the partner's role gets no DynamoDB data."""
    region = eu_region()
    role = _role(region, managedPolicyArns=["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"])
    assert not _shares_table(region, role)


def test_an_aws_managed_policy_that_reads_no_store_shares_nothing() -> None:
    region = eu_region()
    role = _role(
        region, managedPolicyArns=["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]
    )
    found = violations([*region.resources, _table(region), role], ANONYMISED_ONLY)
    assert _on(found, role) == [], messages(found)


# Policies the pack cannot read fail closed --------------------------------------------------------------


def _cannot_be_read(region: Region, role: Res, *extra: Res) -> list[Any]:
    found = _on(violations([*region.resources, _table(region), role, *extra], ANONYMISED_ONLY), role)
    return [d for d in found if "which the pack cannot read" in d.message]


def test_a_policy_arn_unknown_at_preview_that_no_policy_of_the_stack_gives_fails_closed() -> None:
    """The ARN of `aws.iam.get_policy_output(...)` (an invoke): what it grants the partner cannot be read."""
    region = eu_region()
    role = _role(region)
    found = _cannot_be_read(region, role, *_role_policy_attachment(region, role, UNKNOWN))
    assert found
    assert f"account {OTHER_ACCOUNT}" in found[0].message
    assert "policy.arn" in found[0].message


def test_a_policy_arn_computed_from_the_stacks_policy_is_judged_by_its_document() -> None:
    region = eu_region()
    role = _role(region)
    metrics = _policy(region, "metrics", METRICS_ONLY)
    attachment = _role_policy_attachment(region, role, UNKNOWN)[0]
    attachment.deps["policyArn"] = [metrics]
    found = violations([*region.resources, _table(region), role, metrics, attachment], ANONYMISED_ONLY)
    assert _on(found, role) == [], messages(found)


def test_a_customer_managed_policy_the_stack_does_not_declare_fails_closed() -> None:
    region = eu_region()
    role = _role(region, managedPolicyArns=[f"arn:aws:iam::{OWN}:policy/vendor-support"])
    found = _cannot_be_read(region, role)
    assert found and "the stack does not declare that policy" in found[0].message


def test_a_literal_arn_of_the_stacks_own_policy_is_judged_by_its_document() -> None:
    region = eu_region()
    metrics = _policy(region, "metrics", METRICS_ONLY)
    role = _role(region, managedPolicyArns=[f"arn:aws:iam::{OWN}:policy/metrics"])
    found = violations([*region.resources, _table(region), role, metrics], ANONYMISED_ONLY)
    assert _on(found, role) == [], messages(found)


def test_an_aws_managed_policy_the_pack_does_not_know_fails_closed() -> None:
    region = eu_region()
    role = _role(region, managedPolicyArns=["arn:aws:iam::aws:policy/AmazonRedshiftReadOnlyAccess"])
    found = _cannot_be_read(region, role)
    assert found and "AmazonRedshiftReadOnlyAccess" in found[0].message


def test_an_unreadable_policy_on_a_role_only_a_service_assumes_is_not_a_share() -> None:
    region = eu_region()
    role = _role(region, LAMBDA, managedPolicyArns=[f"arn:aws:iam::{OWN}:policy/vendor-support"])
    assert _cannot_be_read(region, role) == []


def _kept(region: Region, role: Res, *names: str) -> Res:
    token = "aws:iam/rolePoliciesExclusive:RolePoliciesExclusive"
    props = {"roleName": UNKNOWN, "policyNames": list(names)}
    return Res(token, "inline", props, region.provider, deps={"roleName": [role]})


def test_an_inline_policy_kept_by_name_that_the_stack_does_not_declare_fails_closed() -> None:
    region = eu_region()
    role = _role(region)
    found = _cannot_be_read(region, role, _kept(region, role, "console-added"))
    assert found and "'console-added'" in found[0].message


def test_an_inline_policy_kept_by_name_that_the_stack_declares_is_judged_by_its_document() -> None:
    region = eu_region()
    role = _role(region)
    props = {"name": "metrics", "role": UNKNOWN, "policy": METRICS_ONLY}
    inline = Res("aws:iam/rolePolicy:RolePolicy", "metrics", props, region.provider, deps={"role": [role]})
    kept = _kept(region, role, "metrics")
    found = violations([*region.resources, _table(region), role, inline, kept], ANONYMISED_ONLY)
    assert _on(found, role) == [], messages(found)


# Permissions boundaries -------------------------------------------------------------------------------


def test_reading_cloudwatch_metrics_reads_no_store() -> None:
    region = eu_region()
    role = _role(region, inlinePolicies=[{"name": "metrics", "policy": METRICS_ONLY}])
    found = violations([*region.resources, _table(region), role], ANONYMISED_ONLY)
    assert _on(found, role) == [], messages(found)


def _bounded(region: Region, boundary: Res | str) -> tuple[Res, list[Res]]:
    """The partner's role reading the table by its inline policy, under a boundary."""
    role = _role(region, inlinePolicies=[{"name": "template", "policy": READS_TABLE}])
    if isinstance(boundary, str):
        role.props["permissionsBoundary"] = boundary
        return role, []
    role.props["permissionsBoundary"] = UNKNOWN
    role.deps["permissionsBoundary"] = [boundary]
    return role, [boundary]


@pytest.mark.parametrize("rule", [NO_PII, ANONYMISED_ONLY])
def test_a_boundary_that_allows_only_metric_reads_keeps_the_table_from_the_partner(rule: str) -> None:
    """Reviewer blind-access15 c03: IAM grants the intersection of the identity policy and the boundary."""
    region = eu_region()
    role, extra = _bounded(region, _policy(region, "metrics-only", METRICS_ONLY))
    assert not _shares_table(region, role, *extra, rule=rule)


def test_a_boundary_that_allows_the_tables_reads_lets_the_partner_read_it() -> None:
    region = eu_region()
    role, extra = _bounded(region, _policy(region, "dynamodb", _document(_allow(["dynamodb:*"]))))
    assert _shares_table(region, role, *extra)


def test_a_boundary_narrows_to_the_resources_it_names() -> None:
    region = eu_region()
    other_table = f"arn:aws:dynamodb:eu-west-1:{OWN}:table/other"
    role, extra = _bounded(region, _policy(region, "other", _document(_allow(["dynamodb:*"], other_table))))
    assert not _shares_table(region, role, *extra)


def test_a_known_aws_managed_boundary_bounds_by_the_services_it_reads() -> None:
    region = eu_region()
    role, extra = _bounded(region, "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")
    assert not _shares_table(region, role, *extra)


def test_a_boundary_the_pack_cannot_read_narrows_nothing() -> None:
    region = eu_region()
    role, extra = _bounded(region, f"arn:aws:iam::{OWN}:policy/platform-boundary")
    assert _shares_table(region, role, *extra)


def test_a_boundary_that_allows_no_read_bounds_a_policy_the_pack_cannot_read() -> None:
    region = eu_region()
    boundary = _policy(region, "metrics-only", METRICS_ONLY)
    role = _role(
        region,
        managedPolicyArns=[f"arn:aws:iam::{OWN}:policy/vendor-support"],
        permissionsBoundary=UNKNOWN,
    )
    role.deps["permissionsBoundary"] = [boundary]
    found = violations([*region.resources, _table(region), role, boundary], ANONYMISED_ONLY)
    assert _on(found, role) == [], messages(found)


def test_a_policy_document_unknown_at_preview_computed_from_nothing_the_stack_declares_fails_closed() -> None:
    region = eu_region()
    role = _role(region)
    props = {"role": UNKNOWN, "policy": UNKNOWN}
    inline = Res("aws:iam/rolePolicy:RolePolicy", "looked-up", props, region.provider, deps={"role": [role]})
    found = _cannot_be_read(region, role, inline)
    assert found and "is unknown at preview" in found[0].message
