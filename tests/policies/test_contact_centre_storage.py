"""Where an Amazon Connect instance's storage configs put its recordings, transcripts and media streams.

Reviewer blind-aws13 (a06): a PII contact centre storing its call recordings in a bucket the stack does not
declare (the group's shared bucket) passed: the storage config was read only as free text, where a bucket's
name outside the stack names no place. Each storage type is a destination of its own: a bucket the stack does
not declare may be in any region or account (Connect documents no limit), a stream is where its ARN says;
the media streams Connect creates itself stay in the instance's region and account, under the config's key.
Each test changes one storage config of a PII instance that keeps its recordings in the stack's bucket.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import PII, store
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

NO_PII = "no-pii-replication"
ANONYMISED_ONLY = "anonymised-only-replication"
ENCRYPTION = "pii-encryption"
RULES = (NO_PII, ANONYMISED_ONLY)
CONFIG = "aws:connect/instanceStorageConfig:InstanceStorageConfig"


def _instance(region: Region) -> Res:
    return Res(
        "aws:connect/instance:Instance",
        "contact-centre",
        {
            "identityManagementType": "CONNECT_MANAGED",
            "inboundCallsEnabled": True,
            "outboundCallsEnabled": True,
            "instanceAlias": "acme-eu-contact",
            "tags": PII,
        },
        region.provider,
        protect=True,
    )


def _config(
    region: Region, instance: Res, storage: dict[str, Any], deps: list[Res], kind: str = "CALL_RECORDINGS"
) -> Res:
    return Res(
        CONFIG,
        "call-recordings",
        {"instanceId": UNKNOWN, "resourceType": kind, "storageConfig": storage},
        region.provider,
        deps={"instanceId": [instance], "storageConfig": deps},
    )


def _s3(bucket: str, key: str | None = UNKNOWN) -> dict[str, Any]:
    config: dict[str, Any] = {"bucketName": bucket, "bucketPrefix": "eu/"}
    if key is not None:
        config["encryptionConfig"] = {"encryptionType": "KMS", "keyId": key}
    return {"storageType": "S3", "s3Config": config}


def _on(resources: list[Res], policy: str, resource: Res) -> str:
    return messages([d for d in violations(resources, policy) if d.urn == resource.urn])


def _recordings_bucket(region: Region) -> tuple[Res, Res]:
    bucket = store(region, "aws:s3/bucket:Bucket", "recordings", {"bucket": "acme-eu-recordings"})
    sse = Res(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "recordings-sse",
        {
            "bucket": UNKNOWN,
            "rules": [
                {
                    "applyServerSideEncryptionByDefault": {
                        "sseAlgorithm": "aws:kms",
                        "kmsMasterKeyId": UNKNOWN,
                    }
                }
            ],
        },
        region.provider,
        deps={"bucket": [bucket], "rules": [region.key]},
    )
    return bucket, sse


@pytest.mark.parametrize("policy", (*RULES, ENCRYPTION))
def test_recordings_in_the_stacks_bucket_under_the_stacks_key_stay(policy: str) -> None:
    region = eu_region()
    instance = _instance(region)
    bucket, sse = _recordings_bucket(region)
    config = _config(region, instance, _s3(UNKNOWN), [bucket, region.key])
    assert _on([*region.resources, instance, bucket, sse, config], policy, config) == ""


@pytest.mark.parametrize("policy", RULES)
def test_recordings_in_a_bucket_the_stack_does_not_declare_cannot_be_placed(policy: str) -> None:
    region = eu_region()
    instance = _instance(region)
    config = _config(region, instance, _s3("acme-group-call-recordings"), [region.key])
    found = _on([*region.resources, instance, config], policy, config)
    assert "cannot be traced" in found and "contact centre" in found, found


@pytest.mark.parametrize("policy", RULES)
def test_contact_records_streamed_to_another_accounts_stream_leave_the_account(policy: str) -> None:
    region = eu_region()
    instance = _instance(region)
    storage = {
        "storageType": "KINESIS_STREAM",
        "kinesisStreamConfig": {"streamArn": "arn:aws:kinesis:eu-west-1:999988887777:stream/ctr"},
    }
    config = _config(region, instance, storage, [], kind="CONTACT_TRACE_RECORDS")
    found = _on([*region.resources, instance, config], policy, config)
    assert "999988887777" in found, found


@pytest.mark.parametrize("policy", RULES)
def test_agent_events_delivered_to_a_firehose_in_another_region_leave_the_region(policy: str) -> None:
    region = eu_region()
    instance = _instance(region)
    storage = {
        "storageType": "KINESIS_FIREHOSE",
        "kinesisFirehoseConfig": {"firehoseArn": "arn:aws:firehose:us-east-1:123456789012:deliverystream/a"},
    }
    config = _config(region, instance, storage, [], kind="AGENT_EVENTS")
    found = _on([*region.resources, instance, config], policy, config)
    assert "us-east-1" in found, found


def test_recordings_written_with_a_key_the_stack_does_not_own_are_not_under_its_key() -> None:
    region = eu_region()
    instance = _instance(region)
    bucket, sse = _recordings_bucket(region)
    config = _config(
        region, instance, _s3(UNKNOWN, "arn:aws:kms:eu-west-1:123456789012:alias/aws/connect"), [bucket]
    )
    found = _on([*region.resources, instance, bucket, sse, config], ENCRYPTION, config)
    assert "keyId" in found, found


def _media(key: str, hours: int = 24) -> dict[str, Any]:
    return {
        "storageType": "KINESIS_VIDEO_STREAM",
        "kinesisVideoStreamConfig": {
            "prefix": "media",
            "retentionPeriodHours": hours,
            "encryptionConfig": {"encryptionType": "KMS", "keyId": key},
        },
    }


@pytest.mark.parametrize("policy", (*RULES, ENCRYPTION))
def test_media_streams_under_the_stacks_key_stay_in_the_instances_region(policy: str) -> None:
    region = eu_region()
    instance = _instance(region)
    config = _config(region, instance, _media(UNKNOWN), [region.key], kind="MEDIA_STREAMS")
    assert _on([*region.resources, instance, config], policy, config) == ""


def test_media_streams_under_an_aws_managed_key_are_not_under_the_stacks_key() -> None:
    region = eu_region()
    instance = _instance(region)
    config = _config(region, instance, _media("alias/aws/kinesisvideo"), [], kind="MEDIA_STREAMS")
    found = _on([*region.resources, instance, config], ENCRYPTION, config)
    assert "Kinesis video streams Connect creates" in found, found
