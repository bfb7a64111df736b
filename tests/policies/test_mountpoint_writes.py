"""What code that reads personal data writes into a Mountpoint for Amazon S3 volume (reviewer issue #8,
Kubernetes case 4).

The baseline is the exporter Deployment of `test_volume_places`, given the PII database's host, that mounts
a claim bound to a Mountpoint volume (`s3.csi.aws.com`, `volumeAttributes.bucketName`) of the stack's bucket,
encrypted under the region's key; claim and volume are labelled internal (what the exporter writes is its
own business), and the bucket's place is where the exporter sends what it reads. Each test changes one
thing: the bucket is in another account (the stack's, through a provider that assumes a role there; one
outside the stack by `expected-bucket-owner`; an access point ARN in another region or account), or the
volume is labelled PII on a bucket labelled anonymised without the stack's key (the bucket then holds PII
and is judged as a PII store). Decision: a bucket labelled anonymised that an anonymiser's volume, labelled
anonymised, writes into in the region and account stays: code passes on no classification.
"""

from __future__ import annotations

import json

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import OTHER_ACCOUNT, PII, store
from tests.policies.policy_harness import Res, aws_provider, messages, violations
from tests.policies.test_volume_places import _writer as writer
from tests.policies.test_volume_places import claim, encrypted_bucket, mountpoint

NO_PII = "no-pii-replication"
ENCRYPTION = "pii-encryption"
INTERNAL = {"data-classification": "internal"}


def _labelled(resource: Res, labels: dict[str, str]) -> Res:
    resource.props["metadata"]["labels"] = dict(labels)
    return resource


def _case(region: Region, bucket: Res | None, options: list[str], name: str = "") -> tuple[list[Res], Res]:
    pv = _labelled(mountpoint(region, bucket, ["sse aws:kms", *options], name or "exporter-drops"), INTERNAL)
    pvc = _labelled(claim(region), INTERNAL)
    code = writer(region)
    return [*region.resources, pv, pvc, code], code


def _about(resources: list[Res], resource: Res, policy: str = NO_PII) -> str:
    return messages([d for d in violations(resources, policy) if d.urn == resource.urn])


def test_an_exporter_writing_into_the_stacks_in_region_bucket_stays() -> None:
    region = eu_region()
    bucket, encryption = encrypted_bucket(region)
    resources, _ = _case(region, bucket, ["region eu-west-1"])
    assert violations([*resources, bucket, encryption], NO_PII) == []


def test_an_exporter_writing_into_the_stacks_bucket_in_another_account_is_blocked() -> None:
    region = eu_region()
    partner = aws_provider("partner", "eu-west-1")
    partner.props["assumeRoles"] = json.dumps([{"roleArn": f"arn:aws:iam::{OTHER_ACCOUNT}:role/deployer"}])
    bucket, encryption = encrypted_bucket(region, partner)
    resources, code = _case(region, bucket, ["region eu-west-1"])
    assert OTHER_ACCOUNT in _about([*resources, bucket, encryption], code)


def test_an_exporter_writing_into_a_bucket_another_account_owns_is_blocked() -> None:
    region = eu_region()
    resources, code = _case(region, None, ["region eu-west-1", f"expected-bucket-owner {OTHER_ACCOUNT}"])
    assert OTHER_ACCOUNT in _about(resources, code)


@pytest.mark.parametrize(
    ("arn", "shown"),
    [
        (f"arn:aws:s3:us-east-1:{OTHER_ACCOUNT}:accesspoint/drops", "us-east-1"),
        (f"arn:aws:s3:eu-west-1:{OTHER_ACCOUNT}:accesspoint/drops", OTHER_ACCOUNT),
    ],
    ids=["another region", "another account"],
)
def test_an_exporter_writing_through_an_access_point_arn_elsewhere_is_blocked(arn: str, shown: str) -> None:
    # The driver takes an access point ARN as bucketName: the ARN names its region and account.
    region = eu_region()
    resources, code = _case(region, None, ["region eu-west-1"], arn)
    assert shown in _about(resources, code)


def test_a_pii_volume_on_a_bucket_labelled_anonymised_is_judged_as_a_pii_store() -> None:
    region = eu_region()
    bucket = store(
        region,
        "aws:s3/bucket:Bucket",
        "drops",
        {"bucket": "exporter-drops"},
        {"data-classification": "anonymised"},
    )
    pv = _labelled(mountpoint(region, bucket, ["region eu-west-1"]), PII)
    pvc = _labelled(claim(region), PII)
    found = _about([*region.resources, bucket, pv, pvc], bucket, ENCRYPTION)
    assert "labelled anonymised" in found and "no default encryption" in found


def test_an_anonymiser_writing_into_an_anonymised_volume_in_the_region_stays() -> None:
    # Decision: code passes on no classification; its volume's label says what it writes there.
    region = eu_region()
    bucket = store(
        region,
        "aws:s3/bucket:Bucket",
        "drops",
        {"bucket": "exporter-drops"},
        {"data-classification": "anonymised"},
    )
    resources, _ = _case(region, bucket, ["region eu-west-1"])
    for resource in resources:
        if resource.type.endswith(("PersistentVolume", "PersistentVolumeClaim")):
            _labelled(resource, {"data-classification": "anonymised"})
    for policy in (NO_PII, ENCRYPTION, "anonymised-only-replication"):
        assert violations([*resources, bucket], policy) == [], policy
