"""A grant on a function is a grant of what its code reads: the function returns what it reads to whoever
may invoke it (reviewer blind-aws13 a14).

The baseline is a customer-lookup function configured with the PII database (its environment names it), run
by a role that may decrypt with every key (`kms:Decrypt` on `*`, as is common) and a permission that only
the stack's own account may invoke it through. Each test changes one thing: the permission's principal, or a
function URL's authorisation. The role comes first in the stack: what the code reads must be known when the
grants are judged, whatever the order in which lineage met the function (a role reaching `*` asks which
resources hold data while lineage is still tracing the movements).
"""

from __future__ import annotations

import json

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import OTHER_ACCOUNT
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

NO_PII = "no-pii-replication"
NOT_PUBLIC = "pii-not-public"
OWN = "123456789012"


def _lookup(region: Region) -> list[Res]:
    """The function's role (decrypt with any key), its policy and the function reading the database."""
    role = Res(
        "aws:iam/role:Role",
        "lookup",
        {
            "name": "customer-lookup",
            "assumeRolePolicy": json.dumps(
                {
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "lambda.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ]
                }
            ),
        },
        region.provider,
    )
    policy = Res(
        "aws:iam/rolePolicy:RolePolicy",
        "lookup-decrypt",
        {
            "role": UNKNOWN,
            "policy": json.dumps(
                {"Statement": [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}]}
            ),
        },
        region.provider,
        deps={"role": [role]},
    )
    function = Res(
        "aws:lambda/function:Function",
        "customer-lookup",
        {
            "name": "customer-lookup",
            "runtime": "python3.12",
            "handler": "index.handler",
            "role": UNKNOWN,
            "environment": {"variables": {"DATABASE_HOST": UNKNOWN}},
        },
        region.provider,
        deps={"role": [role], "environment": [region.database]},
    )
    return [role, policy, function]


def _permission(region: Region, function: Res, principal: str) -> Res:
    return Res(
        "aws:lambda/permission:Permission",
        "crm-invoke",
        {"action": "lambda:InvokeFunction", "function": UNKNOWN, "principal": principal},
        region.provider,
        deps={"function": [function]},
    )


def test_a_permission_for_the_deployments_own_account_shares_nothing() -> None:
    region = eu_region()
    lookup = _lookup(region)
    permission = _permission(region, lookup[-1], OWN)
    assert violations([*region.resources, *lookup, permission], NO_PII) == []


def test_a_permission_for_another_account_shares_what_the_function_reads() -> None:
    region = eu_region()
    lookup = _lookup(region)
    permission = _permission(region, lookup[-1], OTHER_ACCOUNT)
    found = violations([*region.resources, *lookup, permission], NO_PII)
    assert [d.urn for d in found] == [permission.urn], messages(found)
    # The message names what the code reads (reviewer blind-access15 a11: the store behind the function).
    assert (
        f"'customer-lookup' (unlabelled), whose code reads aws:rds/instance:Instance 'pii-db' (pii)) with "
        f"account {OTHER_ACCOUNT}"
    ) in found[0].message


def _url(region: Region, function: Res, authorization: str) -> Res:
    return Res(
        "aws:lambda/functionUrl:FunctionUrl",
        "lookup-url",
        {"functionName": UNKNOWN, "authorizationType": authorization},
        region.provider,
        deps={"functionName": [function]},
    )


def test_a_function_url_that_requires_iam_exposes_nothing() -> None:
    region = eu_region()
    lookup = _lookup(region)
    url = _url(region, lookup[-1], "AWS_IAM")
    assert violations([*region.resources, *lookup, url], NOT_PUBLIC) == []


@pytest.mark.parametrize("authorization", ["NONE", UNKNOWN])
def test_a_function_url_anyone_may_call_publishes_what_the_function_reads(authorization: str) -> None:
    region = eu_region()
    lookup = _lookup(region)
    url = _url(region, lookup[-1], authorization)
    found = violations([*region.resources, *lookup, url], NOT_PUBLIC)
    assert [d.urn for d in found] == [url.urn], messages(found)
    assert "'customer-lookup'" in found[0].message and "everyone" in found[0].message
