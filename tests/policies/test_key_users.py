"""A key is the key of the data it encrypts, wherever the holder names it: directly, through an alias, through
a separate encryption setting that names the holder (an S3 bucket's default encryption), or on a parent the
holder names (a Timestream table's database); and it holds what those holders hold, lineage included. So an
unprotected key of such a holder can be lost (pii-no-data-loss) and a key policy that admits another account
shares its data (no-pii-replication)."""

from __future__ import annotations

import json

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import OTHER_ACCOUNT, PII
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

NO_DATA_LOSS = "pii-no-data-loss"
NO_PII = "no-pii-replication"
SSE_CONFIGURATION = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"


def _key(region: Region, name: str, protect: bool = True, statements: tuple[dict, ...] = ()) -> Res:
    """A single-region key of the region; with `statements` added to a policy for the account's root."""
    policy = {
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*"},
            *statements,
        ]
    }
    return Res(
        "aws:kms/key:Key",
        name,
        {"enableKeyRotation": True, "multiRegion": False, "policy": json.dumps(policy)},
        region.provider,
        protect=protect,
    )


SHARED = {
    "Effect": "Allow",
    "Principal": {"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"},
    "Action": "kms:Decrypt",
}
"""A statement that lets another account decrypt with the key."""


def _bucket(region: Region, name: str, key: Res, tags: dict, by_name: bool = False) -> list[Res]:
    """A bucket with its default encryption in a separate resource naming `key`; the configuration names
    the bucket by reference, or by its literal name."""
    bucket = Res(
        "aws:s3/bucket:Bucket",
        name,
        {"bucket": f"{name}-eu", "tags": dict(tags)},
        region.provider,
        protect=True,
    )
    versioning = Res(
        "aws:s3/bucketVersioning:BucketVersioning",
        f"{name}-versioning",
        {"bucket": UNKNOWN, "versioningConfiguration": {"status": "Enabled"}},
        region.provider,
        deps={"bucket": [bucket]},
    )
    encryption = Res(
        SSE_CONFIGURATION,
        f"{name}-sse",
        {
            "bucket": f"{name}-eu" if by_name else UNKNOWN,
            "rules": [
                {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": UNKNOWN}}
            ],
        },
        region.provider,
        deps={"rules": [key], **({} if by_name else {"bucket": [bucket]})},
    )
    return [bucket, versioning, encryption]


@pytest.mark.parametrize("by_name", [False, True], ids=["by-reference", "by-literal-name"])
def test_the_unprotected_key_of_a_buckets_default_encryption_can_lose_its_pii(by_name: bool) -> None:
    region = eu_region()
    key = _key(region, "documents-key", protect=False)
    found = violations(
        [*region.resources, key, *_bucket(region, "documents", key, PII, by_name)], NO_DATA_LOSS
    )
    assert [d.urn for d in found] == [key.urn]
    assert "the key of aws:s3/bucket:Bucket 'documents' (pii)" in found[0].message


def test_a_key_policy_sharing_the_key_of_a_buckets_default_encryption_shares_its_pii() -> None:
    region = eu_region()
    key = _key(region, "documents-key", statements=(SHARED,))
    found = violations([*region.resources, key, *_bucket(region, "documents", key, PII)], NO_PII)
    assert [d.urn for d in found] == [key.urn], messages(found)


def test_a_key_policy_sharing_the_key_of_an_anonymised_replica_of_pii_shares_that_pii() -> None:
    region = eu_region()
    source_key = _key(region, "documents-key")
    replica_key = _key(region, "replica-key", statements=(SHARED,))
    source = _bucket(region, "documents", source_key, PII)
    replica = _bucket(region, "documents-copy", replica_key, {"data-classification": "anonymised"})
    replication = Res(
        "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
        "replication",
        {
            "bucket": UNKNOWN,
            "role": UNKNOWN,
            "rules": [{"status": "Enabled", "destination": {"bucket": UNKNOWN}}],
        },
        region.provider,
        deps={"bucket": [source[0]], "rules": [replica[0]]},
    )
    stack = [*region.resources, source_key, replica_key, *source, *replica, replication]
    found = violations(stack, NO_PII)
    assert [d.urn for d in found] == [replica_key.urn], messages(found)


def test_a_key_policy_for_the_account_only_on_a_buckets_default_encryption_shares_nothing() -> None:
    region = eu_region()
    key = _key(region, "documents-key")
    assert violations([*region.resources, key, *_bucket(region, "documents", key, PII)], NO_PII) == []


def test_the_unprotected_key_of_a_timestream_tables_database_can_lose_its_pii() -> None:
    region = eu_region()
    key = _key(region, "metrics-key", protect=False)
    database = Res(
        "aws:timestreamwrite/database:Database",
        "metrics",
        {"databaseName": "metrics", "kmsKeyId": UNKNOWN},
        region.provider,
        deps={"kmsKeyId": [key]},
    )
    table = Res(
        "aws:timestreamwrite/table:Table",
        "readings",
        {"databaseName": UNKNOWN, "tableName": "readings", "tags": PII},
        region.provider,
        protect=True,
        deps={"databaseName": [database]},
    )
    found = violations([*region.resources, key, database, table], NO_DATA_LOSS)
    assert [d.urn for d in found] == [key.urn]
    assert "aws:timestreamwrite/table:Table 'readings' (pii)" in found[0].message


@pytest.mark.parametrize("enabled", [False, UNKNOWN], ids=["disabled", "unknown"])
def test_a_disabled_key_of_pii_leaves_it_unreadable(enabled: object) -> None:
    region = eu_region()
    region.key.props["isEnabled"] = enabled
    found = violations(region.resources, NO_DATA_LOSS)
    assert [d.urn for d in found] == [region.key.urn]
    assert "isEnabled" in found[0].message


def test_an_enabled_key_of_pii_is_kept() -> None:
    region = eu_region()
    region.key.props["isEnabled"] = True
    assert violations(region.resources, NO_DATA_LOSS) == []
