"""The offline preview's answers to AWS invokes are what the real provider would plausibly return.

`aws.iam.get_policy` (reviewer blind-access15 a10): a lookup by name of an AWS managed policy returns its ARN
under the path AWS publishes it at, any other name the account's own policy; a lookup by ARN returns that
ARN. The document is never invented.
"""

from __future__ import annotations

from typing import Any

import pulumi
import pytest

from offline_preview.cloud_mocks import ACCOUNT_ID, AWS_MANAGED_POLICY_PATHS, PlausibleCloudMocks
from residency_facts.principal_policies import AWS_MANAGED_POLICIES

GET_POLICY = "aws:iam/getPolicy:getPolicy"


def _get_policy(**args: Any) -> dict[str, Any]:
    answer, failures = PlausibleCloudMocks(preview=True).call(
        pulumi.runtime.MockCallArgs(GET_POLICY, args, "")
    )
    assert failures == []
    return answer


@pytest.mark.parametrize(
    ("name", "arn"),
    [
        ("AmazonDynamoDBReadOnlyAccess", "arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess"),
        ("AWSLambdaBasicExecutionRole", "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"),
        ("ViewOnlyAccess", "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"),
    ],
)
def test_a_lookup_by_name_of_an_aws_managed_policy_returns_its_arn(name: str, arn: str) -> None:
    answer = _get_policy(name=name)
    assert (answer["arn"], answer["name"]) == (arn, name)
    assert "policy" not in answer


def test_a_lookup_by_any_other_name_returns_the_accounts_own_policy_under_the_prefix() -> None:
    answer = _get_policy(name="vendor-read", pathPrefix="/partners/")
    assert answer["arn"] == f"arn:aws:iam::{ACCOUNT_ID}:policy/partners/vendor-read"
    assert (answer["name"], answer["path"]) == ("vendor-read", "/partners/")


def test_a_lookup_by_arn_returns_that_policy() -> None:
    arn = "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"
    answer = _get_policy(arn=arn)
    assert (answer["arn"], answer["name"], answer["path"]) == (
        arn,
        "AmazonEBSCSIDriverPolicy",
        "/service-role/",
    )


def test_every_aws_managed_policy_the_pack_judges_is_found_by_name_at_its_path() -> None:
    assert {name: AWS_MANAGED_POLICY_PATHS.get(name) for name in AWS_MANAGED_POLICIES} == {
        name: policy.path for name, policy in AWS_MANAGED_POLICIES.items()
    }
