"""A workload acts in the account its AWS credentials belong to.

An EKS Pod Identity association's `roleArn` (and `targetRoleArn`, the role it chains to) and an IRSA
ServiceAccount annotation `eks.amazonaws.com/role-arn` give the pods of a service account credentials of
that role's account: what they write lands there. On a service account whose pods read PII or telemetry, a
role of another account is a cross-account share of what they read.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import OTHER_ACCOUNT, PII
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

NO_PII = "no-pii-replication"
ANONYMISED_ONLY = "anonymised-only-replication"
OWN_ROLE = "arn:aws:iam::123456789012:role/customers-export"
PARTNER_ROLE = f"arn:aws:iam::{OTHER_ACCOUNT}:role/partner-ingest-writer"


def _exporter(region: Region, labels: dict[str, str]) -> Res:
    """A CronJob of the service account app/customers-export."""
    return Res(
        "kubernetes:batch/v1:CronJob",
        "customers-export",
        {
            "metadata": {"name": "customers-export", "namespace": "app", "labels": dict(labels)},
            "spec": {
                "schedule": "0 2 * * *",
                "jobTemplate": {
                    "spec": {
                        "template": {
                            "metadata": {"labels": dict(labels)},
                            "spec": {
                                "serviceAccountName": "customers-export",
                                "restartPolicy": "OnFailure",
                                "containers": [{"name": "export", "image": "example/export:1.0"}],
                            },
                        }
                    }
                },
            },
        },
        region.kubernetes,
    )


def _pod_role(region: Region) -> Res:
    trust = (
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": '
        '"pods.eks.amazonaws.com"}, "Action": ["sts:AssumeRole", "sts:TagSession"]}]}'
    )
    return Res(
        "aws:iam/role:Role",
        "customers-export",
        {"name": "customers-export", "assumeRolePolicy": trust},
        region.provider,
    )


def _association(region: Region, role: Res, target: str | None) -> Res:
    props: dict[str, Any] = {
        "clusterName": UNKNOWN,
        "namespace": "app",
        "serviceAccount": "customers-export",
        "roleArn": UNKNOWN,
    }
    if target is not None:
        props["targetRoleArn"] = target
    return Res(
        "aws:eks/podIdentityAssociation:PodIdentityAssociation",
        "customers-export",
        props,
        region.provider,
        deps={"clusterName": [region.cluster], "roleArn": [role]},
    )


@pytest.mark.parametrize(("target", "shared"), [(None, False), (PARTNER_ROLE, True)], ids=["own", "partner"])
def test_a_pod_identity_association_chaining_to_another_account_shares_what_its_pods_read(
    target: str | None, shared: bool
) -> None:
    region = eu_region()
    role = _pod_role(region)
    association = _association(region, role, target)
    stack = [*region.resources, role, association, _exporter(region, PII)]
    found = [d for d in violations(stack, NO_PII) if d.urn == association.urn]
    assert bool(found) is shared, messages(violations(stack, NO_PII))
    if shared:
        assert f"credentials (roleArn, targetRoleArn) of {OTHER_ACCOUNT}" in found[0].message
        assert "CronJob 'customers-export'" in found[0].message


def test_credentials_in_another_account_for_pods_that_read_no_resident_data_share_nothing() -> None:
    region = eu_region()
    role = _pod_role(region)
    association = _association(region, role, PARTNER_ROLE)
    stack = [*region.resources, role, association, _exporter(region, {"data-classification": "anonymised"})]
    assert [d for d in violations(stack, ANONYMISED_ONLY) if d.urn == association.urn] == []


def _service_account(region: Region, role_arn: str) -> Res:
    return Res(
        "kubernetes:core/v1:ServiceAccount",
        "customers-export-sa",
        {
            "metadata": {
                "name": "customers-export",
                "namespace": "app",
                "annotations": {"eks.amazonaws.com/role-arn": role_arn},
            }
        },
        region.kubernetes,
    )


@pytest.mark.parametrize(
    ("role", "shared"), [(OWN_ROLE, False), (PARTNER_ROLE, True)], ids=["own", "partner"]
)
@pytest.mark.parametrize("rule", [NO_PII, ANONYMISED_ONLY])
def test_an_irsa_role_of_another_account_shares_what_the_service_accounts_pods_read(
    role: str, shared: bool, rule: str
) -> None:
    region = eu_region()
    account = _service_account(region, role)
    stack = [*region.resources, account, _exporter(region, PII)]
    found = [d for d in violations(stack, rule) if d.urn == account.urn]
    assert bool(found) is shared, messages(violations(stack, rule))
    if shared:
        assert "IRSA" in found[0].message and OTHER_ACCOUNT in found[0].message
