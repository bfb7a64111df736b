"""The data holders the review found missing are data holders under every rule: they must be classified,
and when they hold PII they are encrypted, private and kept."""

from __future__ import annotations

import json

import pytest

from tests.policies.baseline import Region, eu_region, pii_instance
from tests.policies.copies import mumbai, store
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations, violations_of_every_rule

CLASSIFIED = "data-classification-required"


def _about(found: list, resource: Res) -> str:
    return messages([d for d in found if d.urn == resource.urn])


def _user_pool(region: Region, **props: object) -> Res:
    pool = store(region, "aws:cognito/userPool:UserPool", "customers", {"name": "customers", **props})
    pool.protect = True
    return pool


def test_a_compliant_cognito_user_pool_breaks_no_rule() -> None:
    region = eu_region()
    pool = _user_pool(region, deletionProtection="ACTIVE")
    found = [d for d in violations_of_every_rule([*region.resources, pool]) if d.urn == pool.urn]
    assert found == []


@pytest.mark.parametrize(
    ("type_", "props"),
    [
        ("aws:cognito/userPool:UserPool", {"name": "customers"}),
        ("aws:opensearch/serverlessCollection:ServerlessCollection", {"name": "search"}),
        (
            "aws:lightsail/database:Database",
            {"relationalDatabaseName": "customers", "blueprintId": "postgres_16"},
        ),
        (
            "aws:dax/cluster:Cluster",
            {"clusterName": "cache", "nodeType": "dax.r5.large", "replicationFactor": 3},
        ),
        ("aws:ec2/instance:Instance", {"instanceType": "m7g.large", "ami": "ami-0123456789abcdef0"}),
        ("aws:fsx/backup:Backup", {"fileSystemId": "fs-0123456789abcdef0"}),
        ("aws:fsx/lustreFileSystem:LustreFileSystem", {"storageCapacity": 1200, "subnetIds": ["subnet-1"]}),
    ],
)
def test_an_unclassified_data_holder_is_blocked(type_: str, props: dict[str, object]) -> None:
    region = eu_region()
    holder = Res(type_, "holder", props, region.provider)
    assert "has no data-classification tag" in _about(
        violations([*region.resources, holder], CLASSIFIED), holder
    )


def test_a_pii_user_pool_outside_the_jurisdiction_is_blocked() -> None:
    region = eu_region()
    pool = _user_pool(region, deletionProtection="ACTIVE")
    pool.provider = mumbai()
    assert "placed in ap-south-1" in _about(
        violations([*region.resources, pool], "pii-in-jurisdiction"), pool
    )


def test_a_pii_user_pool_without_deletion_protection_is_blocked() -> None:
    region = eu_region()
    pool = _user_pool(region)
    assert "deletionProtection is not ACTIVE" in _about(
        violations([*region.resources, pool], "pii-no-data-loss"), pool
    )


def test_a_pii_serverless_collection_open_to_the_internet_is_blocked() -> None:
    region = eu_region()
    collection = store(
        region,
        "aws:opensearch/serverlessCollection:ServerlessCollection",
        "search",
        {"name": "search", "encryptionConfigs": [{"kmsKeyArn": UNKNOWN}]},
    )
    network = Res(
        "aws:opensearch/serverlessSecurityPolicy:ServerlessSecurityPolicy",
        "search-network",
        {
            "type": "network",
            "name": "search-network",
            "policy": json.dumps(
                [
                    {
                        "Rules": [{"ResourceType": "collection", "Resource": ["collection/search"]}],
                        "AllowFromPublic": True,
                    }
                ]
            ),
        },
        region.provider,
    )
    found = violations([*region.resources, collection, network], "pii-not-public")
    assert network.urn in [d.urn for d in found], messages(found)


def test_a_pii_dax_cluster_without_encryption_at_rest_is_blocked() -> None:
    region = eu_region()
    cache = store(region, "aws:dax/cluster:Cluster", "cache", {"clusterName": "cache"})
    assert "serverSideEncryption.enabled" in _about(
        violations([*region.resources, cache], "pii-encryption"), cache
    )
    cache.props["serverSideEncryption"] = {"enabled": True}
    assert _about(violations([*region.resources, cache], "pii-encryption"), cache) == ""


def test_a_compliant_instance_holding_pii_on_its_volumes_breaks_no_rule() -> None:
    region = eu_region()
    instance = pii_instance(region)
    assert [d for d in violations_of_every_rule([*region.resources, instance]) if d.urn == instance.urn] == []


def test_an_instance_holding_pii_on_an_unencrypted_volume_is_blocked() -> None:
    region = eu_region()
    instance = pii_instance(region, encrypted=False)
    assert "rootBlockDevice.encrypted is False" in _about(
        violations([*region.resources, instance], "pii-encryption"), instance
    )


def _launch_template(region: Region, classification: str) -> Res:
    return Res(
        "aws:ec2/launchTemplate:LaunchTemplate",
        "nodes",
        {
            "tagSpecifications": [
                {"resourceType": "volume", "tags": {"data-classification": classification}}
            ],
            "blockDeviceMappings": [
                {"deviceName": "/dev/xvda", "ebs": {"encrypted": "true", "kmsKeyId": UNKNOWN}}
            ],
        },
        region.provider,
        deps={"blockDeviceMappings": [region.key]},
    )


def test_a_node_group_is_classified_by_its_launch_templates_volumes() -> None:
    region = eu_region()
    template = _launch_template(region, "internal")
    nodes = Res(
        "aws:eks/nodeGroup:NodeGroup",
        "nodes",
        {"clusterName": UNKNOWN, "launchTemplate": {"id": UNKNOWN, "version": "1"}},
        region.provider,
        deps={"clusterName": [region.cluster], "launchTemplate": [template]},
    )
    assert violations([*region.resources, template, nodes], CLASSIFIED) == []
    nodes.props.pop("launchTemplate")
    nodes.deps.pop("launchTemplate")
    assert "has no data-classification tag" in _about(
        violations([*region.resources, template, nodes], CLASSIFIED), nodes
    )


def test_an_fsx_file_system_holding_pii_without_backups_is_blocked() -> None:
    region = eu_region()
    lustre = store(
        region,
        "aws:fsx/lustreFileSystem:LustreFileSystem",
        "scratch",
        {"storageCapacity": 1200, "subnetIds": ["subnet-1"], "automaticBackupRetentionDays": 0},
    )
    lustre.protect = True
    assert "backups are kept for 0 days" in _about(
        violations([*region.resources, lustre], "pii-no-data-loss"), lustre
    )


def test_an_fsx_backup_of_a_pii_file_system_holds_pii() -> None:
    region = eu_region()
    lustre = store(region, "aws:fsx/lustreFileSystem:LustreFileSystem", "scratch", {"storageCapacity": 1200})
    backup = Res(
        "aws:fsx/backup:Backup",
        "scratch-backup",
        {"fileSystemId": UNKNOWN, "tags": {"data-classification": "internal"}},
        mumbai(),
        deps={"fileSystemId": [lustre]},
    )
    found = violations([*region.resources, lustre, backup], "pii-in-jurisdiction")
    assert "placed in ap-south-1" in _about(found, backup)


def _versioned_bucket(region: Region, noncurrent_days: int) -> list[Res]:
    bucket = store(region, "aws:s3/bucket:Bucket", "documents", {"bucket": "documents-eu"})
    bucket.protect = True
    versioning = Res(
        "aws:s3/bucketVersioning:BucketVersioning",
        "documents-versioning",
        {"bucket": UNKNOWN, "versioningConfiguration": {"status": "Enabled"}},
        region.provider,
        deps={"bucket": [bucket]},
    )
    lifecycle = Res(
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
        "documents-lifecycle",
        {
            "bucket": UNKNOWN,
            "rules": [
                {
                    "id": "old-versions",
                    "status": "Enabled",
                    "noncurrentVersionExpiration": {"noncurrentDays": noncurrent_days},
                }
            ],
        },
        region.provider,
        deps={"bucket": [bucket]},
    )
    return [bucket, versioning, lifecycle]


def test_versioning_whose_noncurrent_versions_expire_too_soon_is_blocked() -> None:
    region = eu_region()
    bucket, *rest = _versioned_bucket(region, noncurrent_days=1)
    found = violations([*region.resources, bucket, *rest], "pii-no-data-loss")
    assert "expires noncurrent versions after 1 days, below the minimum of 7 days" in _about(found, bucket)


def test_versioning_whose_noncurrent_versions_outlive_the_minimum_is_allowed() -> None:
    region = eu_region()
    bucket, *rest = _versioned_bucket(region, noncurrent_days=30)
    assert _about(violations([*region.resources, bucket, *rest], "pii-no-data-loss"), bucket) == ""


def test_a_second_lifecycle_rule_that_expires_noncurrent_versions_early_is_blocked_too() -> None:
    """S3 applies every rule whose filter matches: a prefix rule keeping old versions 1 day beside one keeping
    them 30 days loses the prefix's versions after a day (reviewer blind-full14 v08: only the first rule of
    the list was read)."""
    region = eu_region()
    bucket, versioning, lifecycle = _versioned_bucket(region, noncurrent_days=30)
    lifecycle.props["rules"].append(
        {
            "id": "rescans",
            "status": "Enabled",
            "filter": {"prefix": "kyc/rescans/"},
            "noncurrentVersionExpiration": {"noncurrentDays": 1},
        }
    )
    found = violations([*region.resources, bucket, versioning, lifecycle], "pii-no-data-loss")
    assert "expires noncurrent versions after 1 days, below the minimum of 7 days" in _about(found, bucket)
