"""A managed node group's disks hold what the pods of its cluster write, as a Karpenter node class's do
(reviewer blind-k8s12, l19).

In a cluster whose Kubernetes objects hold PII (a claim of the PII StatefulSet), a node group without a
launch template gets EKS's default root volume (`diskSize`), unencrypted unless the account encrypts EBS by
default: it was judged only when the group itself was labelled PII. Each test is the baseline (the cluster
with a PII claim and a node group whose launch template encrypts its root volume with the stack's key) and
one change.
"""

from __future__ import annotations

from typing import Any

from tests.policies.baseline import Region, eu_region
from tests.policies.operator_objects import pii_claim
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

POLICY = "pii-encryption"
INTERNAL = {"data-classification": "internal"}


def _template(region: Region) -> Res:
    return Res(
        "aws:ec2/launchTemplate:LaunchTemplate",
        "nodes",
        {
            "blockDeviceMappings": [
                {
                    "deviceName": "/dev/xvda",
                    "ebs": {"encrypted": "true", "kmsKeyId": UNKNOWN, "volumeSize": 50},
                }
            ],
            "tagSpecifications": [{"resourceType": "volume", "tags": INTERNAL}],
        },
        region.provider,
        deps={"blockDeviceMappings": [region.key]},
    )


def _group(region: Region, template: Res | None, **props: Any) -> Res:
    body: dict[str, Any] = {
        "clusterName": UNKNOWN,
        "nodeRoleArn": UNKNOWN,
        "subnetIds": [UNKNOWN],
        "scalingConfig": {"minSize": 1, "desiredSize": 2, "maxSize": 3},
        "tags": INTERNAL,
        **props,
    }
    deps: dict[str, list[Res]] = {"clusterName": [region.cluster]}
    if template is not None:
        body["launchTemplate"] = {"id": UNKNOWN, "version": UNKNOWN}
        deps["launchTemplate"] = [template]
    return Res("aws:eks/nodeGroup:NodeGroup", "batch-nodes", body, region.provider, deps=deps)


def _stack(with_template: bool, pii: bool = True) -> tuple[list[Res], Res]:
    region = eu_region()
    template = _template(region) if with_template else None
    group = _group(region, template, **({} if with_template else {"diskSize": 100}))
    resources = [
        *region.resources,
        *([pii_claim(region)] if pii else []),
        *([template] if template else []),
        group,
    ]
    return resources, group


def test_a_node_group_whose_launch_template_encrypts_its_disk_with_the_stacks_key_is_clean() -> None:
    resources, group = _stack(with_template=True)
    assert [d for d in violations(resources, POLICY) if d.urn == group.urn] == []


def test_a_node_group_on_eks_default_root_volume_in_a_pii_cluster_is_blocked() -> None:
    resources, group = _stack(with_template=False)
    found = [d for d in violations(resources, POLICY) if d.urn == group.urn]
    assert "launch template" in messages(found), messages(violations(resources, POLICY))


def test_the_same_node_group_in_a_cluster_without_pii_is_not_judged() -> None:
    resources, group = _stack(with_template=False, pii=False)
    assert [d for d in violations(resources, POLICY) if d.urn == group.urn] == []


def test_a_launch_template_that_does_not_encrypt_the_root_volume_is_blocked() -> None:
    resources, group = _stack(with_template=True)
    template = next(r for r in resources if r.type == "aws:ec2/launchTemplate:LaunchTemplate")
    template.props["blockDeviceMappings"][0]["ebs"] = {"encrypted": "false", "volumeSize": 50}
    template.deps = {}
    found = [d for d in violations(resources, POLICY) if d.urn == group.urn]
    assert "must be true" in messages(found), messages(violations(resources, POLICY))


def test_a_launch_template_encrypting_under_the_aws_managed_key_is_accepted_for_node_disks() -> None:
    # Decision (see encryption._node_group_disks): a node's disk must be encrypted, not under the stack's key.
    resources, group = _stack(with_template=True)
    template = next(r for r in resources if r.type == "aws:ec2/launchTemplate:LaunchTemplate")
    template.props["blockDeviceMappings"][0]["ebs"] = {"encrypted": "true", "volumeSize": 50}
    template.deps = {}
    assert [d for d in violations(resources, POLICY) if d.urn == group.urn] == []
