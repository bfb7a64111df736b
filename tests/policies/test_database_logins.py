"""IAM database authentication is a read of the database (reviewer blind-whole15 w08).

With IAM database authentication on, `rds-db:connect` on `arn:aws:rds-db:<region>:<account>:dbuser:<resource
id>/<user>` lets whoever holds the role obtain a login token for that database user: the role reads what the
database holds. A role that another account may assume with that permission on the PII database gives that
account a login to it. The baseline: a partner role whose trust policy admits another account (with an
ExternalId) and whose inline policy allows `rds-db:connect` on the baseline's PII database by its resource id
(known once the database exists; a first preview cannot match an id yet, which fails closed). Each test
changes one thing.
"""

from __future__ import annotations

import json

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import OTHER_ACCOUNT
from tests.policies.policy_harness import (
    DEPLOYED,
    MODE,
    UNKNOWN,
    Res,
    messages,
    rds_resource_id,
    violations,
)

NO_PII = "no-pii-replication"
ANONYMISED_ONLY = "anonymised-only-replication"
OWN = "123456789012"


def _login(resource: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "rds-db:connect", "Resource": resource}],
        }
    )


def _role(region: Region, trusted: str, policy: str, deps: list[Res] | None = None) -> Res:
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{trusted}:root"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"sts:ExternalId": "partner-etl-7f3a"}},
            }
        ],
    }
    return Res(
        "aws:iam/role:Role",
        "partner-etl",
        {
            "assumeRolePolicy": json.dumps(trust),
            "inlinePolicies": [{"name": "rds-connect", "policy": policy}],
        },
        region.provider,
        deps={"inlinePolicies": deps} if deps else {},
    )


DATABASE_LOGIN = f"arn:aws:rds-db:eu-west-1:{OWN}:dbuser:{rds_resource_id('pii-db')}/partner_etl"


def _stack(trusted: str = OTHER_ACCOUNT, policy: str = _login(DATABASE_LOGIN)) -> tuple[list[Res], Res]:
    region = eu_region()
    region.database.props["iamDatabaseAuthenticationEnabled"] = True
    role = _role(region, trusted, policy)
    return [*region.resources, role], role


def test_a_login_to_the_pii_database_for_another_account_is_a_grant_of_it() -> None:
    resources, role = _stack()
    found = [d for d in violations(resources, ANONYMISED_ONLY) if d.urn == role.urn]
    assert found, messages(violations(resources, ANONYMISED_ONLY))
    if MODE.get() == DEPLOYED:
        # The database's resource id is known: the login names it, and it holds PII.
        found = [d for d in violations(resources, NO_PII) if d.urn == role.urn]
        assert found and "pii-db" in messages(found), messages(violations(resources, NO_PII))
    else:
        assert "rds-db" in messages(found) and "resource_id" in messages(found), messages(found)


def test_a_login_to_every_database_of_the_region_includes_the_pii_database() -> None:
    resources, role = _stack(policy=_login(f"arn:aws:rds-db:eu-west-1:{OWN}:dbuser:*/partner_etl"))
    found = [d for d in violations(resources, NO_PII) if d.urn == role.urn]
    assert found and "pii-db" in messages(found), messages(violations(resources, NO_PII))


def test_a_login_policy_built_by_an_invoke_cannot_be_read_and_fails_closed() -> None:
    """`get_policy_document_output` over the database's output is unknown at preview with no lineage."""
    resources, role = _stack(policy=UNKNOWN)
    found = [d for d in violations(resources, ANONYMISED_ONLY) if d.urn == role.urn]
    assert found and "unknown at preview" in messages(found), messages(violations(resources, ANONYMISED_ONLY))


@pytest.mark.parametrize("policy", [_login(DATABASE_LOGIN), UNKNOWN], ids=["the login", "an invoke's policy"])
def test_the_same_role_for_the_deployments_own_account_shares_nothing(policy: str) -> None:
    resources, _ = _stack(trusted=OWN, policy=policy)
    assert violations(resources, NO_PII) == [], messages(violations(resources, NO_PII))
    assert violations(resources, ANONYMISED_ONLY) == [], messages(violations(resources, ANONYMISED_ONLY))


def test_a_login_to_a_database_of_another_region_the_stack_does_not_declare_is_not_its_pii() -> None:
    resources, _ = _stack(policy=_login(f"arn:aws:rds-db:ap-south-1:{OWN}:dbuser:db-ABCDEFGHIJ/partner_etl"))
    assert violations(resources, NO_PII) == [], messages(violations(resources, NO_PII))
