"""pii-encryption accepts a PII volume (or an instance's block device) encrypted with no `kmsKeyId` of its own
only when the stack sets the account's EBS default under the same provider (region and account): an
`aws.ebs.DefaultKmsKey` with the stack's in-region key and `aws.ebs.EncryptionByDefault` enabled. EC2 then
encrypts the volume with that key (AWS's documented behaviour); anything else keeps failing, since the
account's default is otherwise AWS's `aws/ebs` key or a key set outside the stack. The same holds for the EBS
volumes an EBS CSI StorageClass creates for a PII claim: they are the cluster's account's volumes in its
region, so a class that names no `kmsKeyId` (and omits `encrypted`, or sets it "true") is covered by the
default set under the AWS provider of the claim's EKS cluster."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import OTHER_ACCOUNT, mumbai, store
from tests.policies.operator_objects import pii_claim
from tests.policies.policy_harness import UNKNOWN, Res, aws_provider, messages, violations

POLICY = "pii-encryption"
ELSEWHERE_KEY = "arn:aws:kms:us-east-1:123456789012:key/0b7e8a52-8a3c-4f27-9f5a-1c2d3e4f5a6b"


def _volume(region: Region) -> Res:
    return store(
        region,
        "aws:ebs/volume:Volume",
        "data",
        {"availabilityZone": "eu-west-1a", "size": 20, "encrypted": True},
    )


def _instance(region: Region) -> Res:
    return store(
        region,
        "aws:ec2/instance:Instance",
        "worker",
        {"ami": "ami-0123456789abcdef0", "instanceType": "m7g.large", "rootBlockDevice": {"encrypted": True}},
    )


def _account_default(region: Region, provider: Res | None = None, enabled: bool = True) -> list[Res]:
    provider = provider or region.provider
    default_key = Res(
        "aws:ebs/defaultKmsKey:DefaultKmsKey",
        "ebs-default",
        {"keyArn": UNKNOWN},
        provider,
        deps={"keyArn": [region.key]},
    )
    by_default = Res(
        "aws:ebs/encryptionByDefault:EncryptionByDefault", "ebs-encrypted", {"enabled": enabled}, provider
    )
    return [default_key, by_default]


@pytest.mark.parametrize("holder", [_volume, _instance], ids=["volume", "instance"])
def test_a_pii_volume_without_a_key_under_the_stacks_account_default_is_allowed(
    holder: Callable[[Region], Res],
) -> None:
    region = eu_region()
    assert violations([*region.resources, holder(region), *_account_default(region)], POLICY) == []


@pytest.mark.parametrize("holder", [_volume, _instance], ids=["volume", "instance"])
def test_a_pii_volume_without_a_key_and_no_account_default_is_blocked(
    holder: Callable[[Region], Res],
) -> None:
    region = eu_region()
    volume = holder(region)
    found = violations([*region.resources, volume], POLICY)
    assert [d.urn for d in found] == [volume.urn], messages(found)


def test_a_pii_volume_without_a_key_when_encryption_by_default_is_off_is_blocked() -> None:
    region = eu_region()
    volume = _volume(region)
    found = violations([*region.resources, volume, *_account_default(region, enabled=False)], POLICY)
    assert [d.urn for d in found] == [volume.urn], messages(found)


def test_a_pii_volume_without_a_key_and_only_the_default_key_is_blocked() -> None:
    region = eu_region()
    volume = _volume(region)
    found = violations([*region.resources, volume, _account_default(region)[0]], POLICY)
    assert [d.urn for d in found] == [volume.urn], messages(found)


@pytest.mark.parametrize("moved", [0, 1], ids=["default-key", "encryption-by-default"])
def test_an_account_default_under_another_provider_does_not_cover_the_volume(moved: int) -> None:
    region = eu_region()
    volume = _volume(region)
    other = mumbai()
    default = _account_default(region)
    default[moved].provider = other
    found = violations([*region.resources, other, volume, *default], POLICY)
    assert volume.urn in [d.urn for d in found], messages(found)


def test_an_account_default_key_elsewhere_does_not_cover_the_volume() -> None:
    region = eu_region()
    volume = _volume(region)
    default = _account_default(region)
    default[0].props["keyArn"] = ELSEWHERE_KEY
    default[0].deps = {}
    found = violations([*region.resources, volume, *default], POLICY)
    assert [d.urn for d in found] == [volume.urn], messages(found)
    assert "us-east-1" in found[0].message


def _class_without_key(region: Region, parameters: dict | None = None) -> list[Res]:
    """The baseline with its StorageClass naming no key (only the volume type, unless told), and a PII claim
    of that class."""
    region.storage_class.props["parameters"] = parameters if parameters is not None else {"type": "gp3"}
    region.storage_class.deps = {}
    return [*region.resources, pii_claim(region)]


@pytest.mark.parametrize(
    "parameters", [{"type": "gp3"}, {"type": "gp3", "encrypted": "true"}], ids=["omitted", "encrypted"]
)
def test_a_pii_claims_class_without_a_key_under_the_clusters_account_default_is_allowed(
    parameters: dict,
) -> None:
    region = eu_region()
    stack = _class_without_key(region, parameters)
    assert violations([*stack, *_account_default(region)], POLICY) == []


def test_a_pii_claims_class_without_a_key_and_no_account_default_is_blocked() -> None:
    region = eu_region()
    stack = _class_without_key(region)
    found = violations(stack, POLICY)
    assert [d.urn for d in found] == [stack[-1].urn], messages(found)
    assert "parameters.encrypted" in found[0].message


def test_a_pii_claims_class_that_disables_encryption_is_blocked_despite_the_account_default() -> None:
    region = eu_region()
    stack = _class_without_key(region, {"type": "gp3", "encrypted": "false"})
    found = violations([*stack, *_account_default(region)], POLICY)
    assert [d.urn for d in found] == [stack[-1].urn], messages(found)


def test_a_pii_claims_class_without_a_key_when_encryption_by_default_is_off_is_blocked() -> None:
    region = eu_region()
    stack = _class_without_key(region)
    found = violations([*stack, *_account_default(region, enabled=False)], POLICY)
    assert [d.urn for d in found] == [stack[-1].urn], messages(found)


@pytest.mark.parametrize("moved", [0, 1], ids=["default-key", "encryption-by-default"])
def test_an_account_default_under_another_provider_than_the_clusters_does_not_cover_the_class(
    moved: int,
) -> None:
    region = eu_region()
    stack = _class_without_key(region)
    other = mumbai()
    default = _account_default(region)
    default[moved].provider = other
    found = violations([*stack, other, *default], POLICY)
    assert stack[-1].urn in [d.urn for d in found], messages(found)


def test_an_account_default_key_elsewhere_does_not_cover_the_class() -> None:
    region = eu_region()
    stack = _class_without_key(region)
    default = _account_default(region)
    default[0].props["keyArn"] = ELSEWHERE_KEY
    default[0].deps = {}
    found = violations([*stack, *default], POLICY)
    assert [d.urn for d in found] == [stack[-1].urn], messages(found)
    assert "us-east-1" in found[0].message


def test_a_class_of_a_cluster_found_by_its_kubeconfigs_text_is_covered_by_the_default_of_its_region() -> None:
    """A provider built from a literal kubeconfig (the cluster only in `depends_on`) is in the region its text
    names and the deployment's account: the default set there covers the class."""
    region = eu_region()
    stack = _class_without_key(region)
    region.kubernetes.deps = {}
    region.kubernetes.props["kubeconfig"] = (
        "clusters: [{cluster: {server: 'https://ABCDEF0123456789.gr7.eu-west-1.eks.amazonaws.com'}}]"
    )
    assert violations([*stack, *_account_default(region)], POLICY) == []


def test_an_account_default_in_another_account_of_the_region_does_not_cover_the_class() -> None:
    region = eu_region()
    stack = _class_without_key(region)
    other = aws_provider("audit")
    other.props["assumeRoles"] = json.dumps(
        [{"roleArn": f"arn:aws:iam::{OTHER_ACCOUNT}:role/deployer", "sessionName": "pulumi"}]
    )
    found = violations([*stack, other, *_account_default(region, other)], POLICY)
    assert [d.urn for d in found] == [stack[-1].urn], messages(found)
