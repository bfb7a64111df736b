"""Code may write where the roles it runs as may write: a place those roles' policies name by a literal ARN
that the stack does not declare is one of its destinations.

A PII worker's EKS Pod Identity role (or IRSA role, or a function's execution role) whose policy allows
`s3:PutObject` on `arn:aws:s3:::partner-ingest-999999999999/*` may write what the worker reads into a
bucket the stack does not declare: S3 ARNs name no account or region, so where it lands cannot be traced
(fail closed); an ARN naming another region or account is there. A wildcard over every bucket (`*`,
`arn:aws:s3:::*`) names no place: code is judged on what it is definitely configured with, and a role
allowed to write metrics anywhere (`cloudwatch:PutMetricData` on `*`) is no copy. Each test is the
compliant baseline plus a PII worker and the role it runs as.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import PII
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

NO_PII = "no-pii-replication"
PARTNER_BUCKET = "arn:aws:s3:::partner-ingest-999999999999/*"
OWN_BUCKET = "customers-exports-eu"


def _role(region: Region, statements: list[dict[str, Any]], trust: str = "pods.eks.amazonaws.com") -> Res:
    policy = json.dumps({"Version": "2012-10-17", "Statement": statements})
    assume = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": trust}, "Action": ["sts:AssumeRole"]}],
        }
    )
    return Res(
        "aws:iam/role:Role",
        "worker-role",
        {
            "name": "worker-role",
            "assumeRolePolicy": assume,
            "inlinePolicies": [{"name": "w", "policy": policy}],
        },
        region.provider,
    )


def _worker(region: Region, account: str = "customers-worker") -> Res:
    container = {
        "name": "worker",
        "image": "example/worker:2.0",
        "env": [{"name": "PGHOST", "value": UNKNOWN}],
    }
    return Res(
        "kubernetes:apps/v1:Deployment",
        "customers-worker",
        {
            "metadata": {"name": "customers-worker", "namespace": "app", "labels": dict(PII)},
            "spec": {
                "selector": {"matchLabels": {"app": "customers-worker"}},
                "template": {
                    "metadata": {"labels": {"app": "customers-worker"}},
                    "spec": {"serviceAccountName": account, "containers": [container]},
                },
            },
        },
        region.kubernetes,
        deps={"spec": [region.database]},
    )


def _association(region: Region, role: Res) -> Res:
    return Res(
        "aws:eks/podIdentityAssociation:PodIdentityAssociation",
        "worker-pia",
        {
            "clusterName": UNKNOWN,
            "namespace": "app",
            "serviceAccount": "customers-worker",
            "roleArn": UNKNOWN,
        },
        region.provider,
        deps={"clusterName": [region.cluster], "roleArn": [role]},
    )


def _write(resource: str, action: str = "s3:PutObject") -> dict[str, Any]:
    return {"Effect": "Allow", "Action": [action], "Resource": resource}


def _own_bucket(region: Region) -> Res:
    return Res("aws:s3/bucket:Bucket", OWN_BUCKET, {"bucket": OWN_BUCKET, "tags": dict(PII)}, region.provider)


def _found(stack: list[Res], worker: Res) -> list[Any]:
    return [d for d in violations(stack, NO_PII) if d.urn == worker.urn]


@pytest.mark.parametrize(
    ("statement", "shown"),
    [
        (_write(PARTNER_BUCKET), PARTNER_BUCKET),
        (_write("arn:aws:sqs:us-east-1:123456789012:exports", "sqs:SendMessage"), "us-east-1"),
    ],
    ids=["a bucket the stack does not declare", "a queue in another region"],
)
def test_a_pod_identity_role_that_may_write_to_a_place_elsewhere_takes_the_workloads_data_there(
    statement: dict[str, Any], shown: str
) -> None:
    region = eu_region()
    role = _role(region, [statement])
    worker = _worker(region)
    found = _found([*region.resources, role, _association(region, role), worker], worker)
    assert found and shown in found[0].message, messages(found)


@pytest.mark.parametrize(
    "statement",
    [
        _write(f"arn:aws:s3:::{OWN_BUCKET}/*"),
        _write("*", "cloudwatch:PutMetricData"),
        _write("arn:aws:s3:::*"),
        _write(PARTNER_BUCKET, "s3:GetObject"),
    ],
    ids=["the stack's bucket", "metrics anywhere", "a wildcard over every bucket", "a read"],
)
def test_a_role_that_may_write_only_to_the_stacks_places_or_nowhere_in_particular_adds_no_destination(
    statement: dict[str, Any],
) -> None:
    region = eu_region()
    role = _role(region, [statement])
    worker = _worker(region)
    stack = [*region.resources, _own_bucket(region), role, _association(region, role), worker]
    assert _found(stack, worker) == [], messages(_found(stack, worker))


def test_an_irsa_role_of_the_stack_named_by_its_arn_is_the_role_the_pods_run_as() -> None:
    region = eu_region()
    role = _role(region, [_write(PARTNER_BUCKET)], trust="eks.amazonaws.com")
    account = Res(
        "kubernetes:core/v1:ServiceAccount",
        "worker-sa",
        {
            "metadata": {
                "name": "customers-worker",
                "namespace": "app",
                "annotations": {"eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/worker-role"},
            }
        },
        region.kubernetes,
    )
    worker = _worker(region)
    found = _found([*region.resources, role, account, worker], worker)
    assert found and PARTNER_BUCKET in found[0].message, messages(found)


def test_a_function_whose_role_may_write_to_a_bucket_the_stack_does_not_declare_takes_its_data_there() -> (
    None
):
    region = eu_region()
    role = _role(region, [_write(PARTNER_BUCKET)], trust="lambda.amazonaws.com")
    function = Res(
        "aws:lambda/function:Function",
        "lookup",
        {
            "runtime": "python3.12",
            "handler": "a.b",
            "role": UNKNOWN,
            "environment": {"variables": {"DATABASE_HOST": UNKNOWN}},
        },
        region.provider,
        deps={"environment": [region.database], "role": [role]},
    )
    found = _found([*region.resources, role, function], function)
    assert found and PARTNER_BUCKET in found[0].message, messages(found)
