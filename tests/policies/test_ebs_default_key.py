"""pii-encryption accepts a PII volume (or an instance's block device) encrypted with no `kmsKeyId` of its own
only when the stack sets the account's EBS default under the same provider (region and account): an
`aws.ebs.DefaultKmsKey` with the stack's in-region key and `aws.ebs.EncryptionByDefault` enabled. EC2 then
encrypts the volume with that key (AWS's documented behaviour); anything else keeps failing, since the
account's default is otherwise AWS's `aws/ebs` key or a key set outside the stack."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import mumbai, store
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

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
