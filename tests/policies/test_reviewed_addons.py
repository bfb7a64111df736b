"""resource-type-triaged for AWS's own EKS add-ons on a PII cluster (reviewer blind-compliant16 c09).

An add-on installs objects the pack cannot see (opaque). The add-ons reviewed in `residency_facts/addons.py`
(vpc-cni, coredns, kube-proxy, the Pod Identity agent, the EBS and EFS CSI drivers, ...) run in the cluster
and create what they create where it is: naming or depending on the PII cluster is no copy. An unreviewed
add-on name still fails closed, and so does a reviewed one whose configuration is unknown at preview or names
a place outside (a region, a role of another account). The baseline is the cluster tagged `pii`.
"""

from __future__ import annotations

import json

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

POLICY = "resource-type-triaged"
ACCOUNT = "123456789012"


def _pii_region() -> Region:
    region = eu_region()
    region.cluster.props["tags"] = {"data-classification": "pii"}
    return region


def _addon(region: Region, name: str, **props: object) -> Res:
    values: dict[str, object] = {"clusterName": UNKNOWN, "addonName": name, **props}
    return Res("aws:eks/addon:Addon", name, values, region.provider, deps={"clusterName": [region.cluster]})


def _blocked(resources: list[Res], addon: Res) -> list[str]:
    return [d.message for d in violations(resources, POLICY) if d.urn == addon.urn]


@pytest.mark.parametrize(
    "name",
    [
        "vpc-cni",
        "coredns",
        "kube-proxy",
        "eks-pod-identity-agent",
        "aws-ebs-csi-driver",
        "aws-efs-csi-driver",
        "snapshot-controller",
    ],
)
def test_a_reviewed_aws_add_on_on_a_pii_cluster_passes(name: str) -> None:
    region = _pii_region()
    addon = _addon(region, name)
    assert _blocked([*region.resources, addon], addon) == []


def test_the_ebs_driver_with_a_pod_identity_role_of_the_stacks_account_passes() -> None:
    region = _pii_region()
    role = f"arn:aws:iam::{ACCOUNT}:role/ebs-csi"
    addon = _addon(
        region,
        "aws-ebs-csi-driver",
        podIdentityAssociations=[{"roleArn": role, "serviceAccount": "ebs-csi-controller-sa"}],
        configurationValues=json.dumps({"controller": {"extraVolumeTags": {"team": "platform"}}}),
    )
    assert _blocked([*region.resources, addon], addon) == []


def test_an_unreviewed_add_on_on_a_pii_cluster_still_fails_closed() -> None:
    region = _pii_region()
    addon = _addon(region, "example-vendor-agent")
    found = _blocked([*region.resources, addon], addon)
    assert found, messages(violations([*region.resources, addon], POLICY))
    assert "creates resources the pack cannot see" in found[0]


def test_an_add_on_whose_name_is_unknown_at_preview_fails_closed() -> None:
    region = _pii_region()
    addon = _addon(region, "vpc-cni")
    addon.props["addonName"] = UNKNOWN
    assert _blocked([*region.resources, addon], addon)


def test_a_reviewed_add_on_whose_configuration_is_unknown_at_preview_fails_closed() -> None:
    region = _pii_region()
    addon = _addon(region, "aws-ebs-csi-driver", configurationValues=UNKNOWN)
    found = _blocked([*region.resources, addon], addon)
    assert found and "configurationValues are unknown at preview" in found[0], found


def test_a_reviewed_add_on_whose_configuration_names_another_region_fails() -> None:
    region = _pii_region()
    addon = _addon(
        region, "aws-ebs-csi-driver", configurationValues=json.dumps({"controller": {"region": "us-east-1"}})
    )
    found = _blocked([*region.resources, addon], addon)
    assert found and "us-east-1" in found[0], found


def test_a_reviewed_add_on_running_as_a_role_of_another_account_fails() -> None:
    region = _pii_region()
    addon = _addon(
        region,
        "aws-ebs-csi-driver",
        podIdentityAssociations=[
            {"roleArn": "arn:aws:iam::999999999999:role/ebs-csi", "serviceAccount": "ebs-csi-controller-sa"}
        ],
    )
    found = _blocked([*region.resources, addon], addon)
    assert found and "999999999999" in found[0], found
