"""pii-encryption judges what writes objects into a PII bucket with an encryption of its own choosing, which
overrides the bucket's default (as an object's own `serverSideEncryption` does): a DMS S3 target endpoint
(SSE_S3 by default), an Athena workgroup's query results."""

from __future__ import annotations

import pytest

from residency_policies.encryption_types import AT_REST, WRITER_ENCRYPTION
from tests.policies.baseline import Region, eu_region
from tests.policies.copies import store
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations
from tests.policies.sdk_schema import input_schema, missing_step

POLICY = "pii-encryption"
DMS_S3 = "aws:dms/s3Endpoint:S3Endpoint"
WORKGROUP = "aws:athena/workgroup:Workgroup"


def _bucket(region: Region) -> list[Res]:
    bucket = store(region, "aws:s3/bucket:Bucket", "exports", {"bucket": "exports-eu"})
    encryption = Res(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "exports-sse",
        {
            "bucket": UNKNOWN,
            "rules": [
                {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": UNKNOWN}}
            ],
        },
        region.provider,
        deps={"bucket": [bucket], "rules": [region.key]},
    )
    return [bucket, encryption]


def _endpoint(region: Region, bucket: Res, encryption: dict) -> Res:
    return Res(
        DMS_S3,
        "exports",
        {"endpointId": "exports", "endpointType": "target", "bucketName": UNKNOWN, **encryption},
        region.provider,
        deps={
            "bucketName": [bucket],
            **({"serverSideEncryptionKmsKeyId": [region.key]} if encryption else {}),
        },
    )


@pytest.mark.parametrize("encryption", [{}, {"encryptionMode": "SSE_S3"}], ids=["default", "sse-s3"])
def test_a_dms_target_writing_s3_managed_keys_into_a_pii_bucket_is_blocked(encryption: dict) -> None:
    region = eu_region()
    bucket = _bucket(region)
    endpoint = Res(
        DMS_S3,
        "exports",
        {"endpointId": "exports", "endpointType": "target", "bucketName": UNKNOWN, **encryption},
        region.provider,
        deps={"bucketName": [bucket[0]]},
    )
    found = violations([*region.resources, *bucket, endpoint], POLICY)
    assert [d.urn for d in found] == [endpoint.urn], messages(found)
    assert "SSE_S3" in found[0].message and "exports" in found[0].message


def test_a_dms_target_writing_with_the_stacks_key_is_allowed() -> None:
    region = eu_region()
    bucket = _bucket(region)
    endpoint = _endpoint(
        region, bucket[0], {"encryptionMode": "SSE_KMS", "serverSideEncryptionKmsKeyId": UNKNOWN}
    )
    assert violations([*region.resources, *bucket, endpoint], POLICY) == []


def _workgroup(region: Region, bucket: Res, encryption: dict | None) -> Res:
    result: dict = {"outputLocation": UNKNOWN}
    if encryption is not None:
        result["encryptionConfiguration"] = encryption
    return Res(
        WORKGROUP,
        "analysts",
        {"name": "analysts", "configuration": {"resultConfiguration": result}},
        region.provider,
        deps={"configuration": [bucket]},
    )


def test_athena_results_under_s3_managed_keys_in_a_pii_bucket_are_blocked() -> None:
    region = eu_region()
    bucket = _bucket(region)
    workgroup = _workgroup(region, bucket[0], {"encryptionOption": "SSE_S3"})
    found = violations([*region.resources, *bucket, workgroup], POLICY)
    assert [d.urn for d in found] == [workgroup.urn], messages(found)


def test_athena_results_under_the_buckets_default_encryption_are_allowed() -> None:
    region = eu_region()
    bucket = _bucket(region)
    assert violations([*region.resources, *bucket, _workgroup(region, bucket[0], None)], POLICY) == []


def test_a_writer_into_a_bucket_that_holds_no_pii_is_not_judged() -> None:
    region = eu_region()
    bucket = _bucket(region)
    bucket[0].props["tags"] = {"data-classification": "anonymised"}
    workgroup = _workgroup(region, bucket[0], {"encryptionOption": "SSE_S3"})
    assert violations([*region.resources, *bucket, workgroup], POLICY) == []


def _paths(token: str) -> list[str]:
    """Every input path the encryption facts name for a type (array steps as the SDK schema spells them)."""
    spec = AT_REST.get(token)
    found: list[str] = []
    if spec is not None:
        found += [path for path, _ in spec.enabled] + list(spec.keys)
        found += [path for pair in spec.keys_when for path in pair]
        found += [spec.only_for[0]] if spec.only_for else []
    writer = WRITER_ENCRYPTION.get(token)
    if writer is not None:
        found += [writer.bucket, writer.algorithm, writer.key]
        found += [writer.writes_when[0]] if writer.writes_when else []
    return found


@pytest.mark.mode_independent
@pytest.mark.parametrize("token", sorted({*WRITER_ENCRYPTION, *AT_REST}))
def test_every_path_of_the_encryption_facts_names_an_input_the_sdk_defines(token: str) -> None:
    schema = input_schema(token)
    missing = {path: missing_step(schema, path) for path in _paths(token)}
    assert {path: step for path, step in missing.items() if step} == {}


@pytest.mark.mode_independent
@pytest.mark.parametrize(
    ("token", "member", "paths"),
    [(t, m, paths) for t, spec in sorted(AT_REST.items()) for m, *paths in spec.members],
)
def test_every_path_of_a_member_names_an_input_of_the_member(token: str, member: str, paths: list) -> None:
    schema = input_schema(member)
    assert {path: missing_step(schema, path) for path in paths} == dict.fromkeys(paths)
