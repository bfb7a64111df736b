"""Karpenter's EC2NodeClass (karpenter.k8s.aws/v1) builds the nodes it launches: their EBS volumes hold what
the pods write, so in a cluster that holds PII pii-encryption judges `spec.blockDeviceMappings[].ebs`
(`encrypted`, `kmsKeyID`; none: Karpenter's default root volume, encrypted with no key) as it judges a node
group's; NodePool and NodeClaim only pick a class (neutral). Each test is the baseline (the region's cluster
with a PII claim, a node class whose root volume is under the stack's key, and a NodePool using it) and one
change. Field names: aws/karpenter-provider-aws pkg/apis/crds.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.operator_objects import custom_resource, pii_claim
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations, violations_of_every_rule

POLICY = "pii-encryption"
ELSEWHERE_KEY = "arn:aws:kms:us-east-1:123456789012:key/0b7e8a52-8a3c-4f27-9f5a-1c2d3e4f5a6b"


def _root(**ebs: Any) -> list[dict[str, Any]]:
    volume = {"volumeSize": "50Gi", "volumeType": "gp3", "encrypted": True, "kmsKeyID": UNKNOWN, **ebs}
    return [{"deviceName": "/dev/xvda", "ebs": {k: v for k, v in volume.items() if v is not None}}]


def _node_class(region: Region, mappings: Any = None, **spec: Any) -> Res:
    body: dict[str, Any] = {
        "role": "eks-nodes",
        "amiSelectorTerms": [{"alias": "al2023@latest"}],
        "subnetSelectorTerms": [{"tags": {"karpenter.sh/discovery": "cluster"}}],
        "securityGroupSelectorTerms": [{"tags": {"karpenter.sh/discovery": "cluster"}}],
        "metadataOptions": {"httpTokens": "required"},
        **spec,
    }
    if mappings is not None:
        body["blockDeviceMappings"] = mappings
    uses_key = mappings is not None and any(
        m.get("ebs", {}).get("kmsKeyID") == UNKNOWN for m in mappings if isinstance(m, dict)
    )
    return custom_resource(
        region,
        "karpenter.k8s.aws/v1",
        "EC2NodeClass",
        "default",
        body,
        namespace=None,
        labels={"data-classification": "internal"},
        deps={"spec": [region.key]} if uses_key else None,
    )


def _stack(mappings: Any = "root", pii: bool = True, **spec: Any) -> tuple[Region, list[Res], Res]:
    region = eu_region()
    node_class = _node_class(region, _root() if mappings == "root" else mappings, **spec)
    pool = custom_resource(
        region,
        "karpenter.sh/v1",
        "NodePool",
        "default",
        {
            "template": {
                "spec": {
                    "nodeClassRef": {"group": "karpenter.k8s.aws", "kind": "EC2NodeClass", "name": "default"},
                    "requirements": [
                        {"key": "karpenter.sh/capacity-type", "operator": "In", "values": ["on-demand"]}
                    ],
                }
            },
            "limits": {"cpu": "200"},
        },
        namespace=None,
    )
    claims = [pii_claim(region)] if pii else []
    return region, [*region.resources, *claims, node_class, pool], node_class


def _account_default(region: Region, key: Res | None = None) -> list[Res]:
    return [
        Res(
            "aws:ebs/defaultKmsKey:DefaultKmsKey",
            "ebs-default",
            {"keyArn": UNKNOWN},
            region.provider,
            deps={"keyArn": [key or region.key]},
        ),
        Res(
            "aws:ebs/encryptionByDefault:EncryptionByDefault",
            "ebs-encrypted",
            {"enabled": True},
            region.provider,
        ),
    ]


def test_a_node_class_under_the_stacks_key_and_its_node_pool_break_no_rule() -> None:
    _, stack, _ = _stack()
    assert violations_of_every_rule(stack) == [], messages(violations_of_every_rule(stack))


@pytest.mark.parametrize(
    "mappings",
    [_root(encrypted=False, kmsKeyID=None), _root(kmsKeyID=ELSEWHERE_KEY), _root(kmsKeyID=None)],
    ids=["unencrypted", "key-elsewhere", "no-key"],
)
def test_a_node_class_whose_volumes_are_not_under_the_stacks_key_is_blocked_in_a_pii_cluster(
    mappings: list,
) -> None:
    _, stack, node_class = _stack(mappings)
    found = violations(stack, POLICY)
    assert [d.urn for d in found] == [node_class.urn], messages(found)
    assert "blockDeviceMappings[0].ebs" in found[0].message


def test_a_node_class_without_mappings_gets_karpenters_default_root_volume_under_no_key_of_the_stack() -> (
    None
):
    _, stack, node_class = _stack(None)
    found = violations(stack, POLICY)
    assert [d.urn for d in found] == [node_class.urn], messages(found)
    assert "Karpenter's default root volume" in found[0].message


@pytest.mark.parametrize(
    "mappings",
    [None, _root(kmsKeyID=None), _root(kmsKeyID=None, encrypted=None)],
    ids=["default", "no-key", "unset"],
)
def test_a_node_class_whose_volumes_name_no_key_is_allowed_under_the_stacks_account_default(
    mappings: list | None,
) -> None:
    region, stack, _ = _stack(mappings)
    assert violations([*stack, *_account_default(region)], POLICY) == []


def test_a_custom_ami_node_class_without_mappings_cannot_be_shown_encrypted() -> None:
    region, stack, node_class = _stack(None, amiFamily="Custom")
    found = violations([*stack, *_account_default(region)], POLICY)
    assert [d.urn for d in found] == [node_class.urn], messages(found)
    assert "Custom" in found[0].message


def test_an_unencrypted_node_class_of_a_cluster_that_holds_no_pii_is_not_judged() -> None:
    _, stack, _ = _stack(_root(encrypted=False, kmsKeyID=None), pii=False)
    assert violations(stack, POLICY) == []


def _alias(region: Region, name: str = "alias/eu-eks-nodes") -> Res:
    return Res(
        "aws:kms/alias:Alias",
        "eu-eks-nodes",
        {"name": name, "targetKeyId": UNKNOWN},
        region.provider,
        deps={"targetKeyId": [region.key]},
    )


def test_a_node_class_naming_the_stacks_key_by_its_alias_name_is_under_that_key() -> None:
    """Karpenter's kmsKeyID takes a key id, ARN or alias, as EC2's launch templates do (reviewer blind-k8s12,
    c14: an alias of the stack's key was refused, and the message printed the whole spec for the key)."""
    region, stack, node_class = _stack(_root(kmsKeyID="alias/eu-eks-nodes"))
    node_class.deps = {}
    found = violations([*stack, _alias(region)], POLICY)
    assert found == [], messages(found)


def test_a_node_class_naming_an_alias_the_stack_does_not_declare_names_that_alias() -> None:
    _, stack, node_class = _stack(_root(kmsKeyID="alias/somebody-elses"))
    node_class.deps = {}
    found = [d for d in violations(stack, POLICY) if d.urn == node_class.urn]
    assert found and "alias/somebody-elses" in messages(found), messages(found)
    assert "subnetSelectorTerms" not in messages(found)
