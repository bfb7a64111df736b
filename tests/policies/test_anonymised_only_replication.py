"""anonymised-only-replication: a cross-region or cross-account copy may only carry anonymised data."""

from __future__ import annotations

from tests.policies.baseline import eu_region
from tests.policies.copies import COPIES, OTHER_ACCOUNT, mumbai, store
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

POLICY = "anonymised-only-replication"
ANONYMISED = {"data-classification": "anonymised"}
TELEMETRY = {"data-classification": "telemetry"}


def test_compliant_baseline_has_no_violation() -> None:
    assert violations(eu_region().resources, POLICY) == []


def test_anonymised_data_may_replicate_to_another_region() -> None:
    region = eu_region()
    source = store(region, "aws:s3/bucket:Bucket", "aggregates", {"bucket": "aggregates-eu"}, ANONYMISED)
    destination = Res("aws:s3/bucket:Bucket", "aggregates-in", {"tags": ANONYMISED}, mumbai())
    replication = Res(
        "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
        "aggregates-replication",
        {
            "bucket": UNKNOWN,
            "role": UNKNOWN,
            "rules": [{"status": "Enabled", "destination": {"bucket": UNKNOWN}}],
        },
        region.provider,
        deps={"bucket": [source], "rules": [destination]},
    )
    assert violations([*region.resources, source, destination, replication], POLICY) == []


def test_anonymised_data_may_be_shared_with_another_account() -> None:
    region = eu_region()
    secret = store(region, "aws:secretsmanager/secret:Secret", "aggregates-key", tags=ANONYMISED)
    secret.props["replicas"] = [{"region": "ap-south-1"}]
    snapshot = store(
        region, "aws:rds/snapshot:Snapshot", "aggregates", {"sharedAccounts": [OTHER_ACCOUNT]}, ANONYMISED
    )
    assert violations([*region.resources, secret, snapshot], POLICY) == []


def test_raw_telemetry_may_not_replicate() -> None:
    region = eu_region()
    secret = store(region, "aws:secretsmanager/secret:Secret", "telemetry-export", tags=TELEMETRY)
    secret.props["replicas"] = [{"region": "ap-south-1"}]
    found = violations([*region.resources, secret], POLICY)
    assert [d.urn for d in found] == [secret.urn]
    assert "telemetry, in eu-west-1" in found[0].message


def test_an_unclassified_source_is_blocked() -> None:
    region = eu_region()
    source = store(region, "aws:s3/bucket:Bucket", "scratch", {"bucket": "scratch"}, tags={})
    replication = Res(
        "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
        "scratch-replication",
        {"bucket": UNKNOWN, "rules": [{"destination": {"bucket": "arn:aws:s3:::scratch-in"}}]},
        region.provider,
        deps={"bucket": [source]},
    )
    found = violations([*region.resources, source, replication], POLICY)
    assert [d.urn for d in found] == [replication.urn]
    assert "unclassified" in found[0].message


def test_an_untraceable_source_is_blocked() -> None:
    region = eu_region()
    replica = Res(
        "aws:rds/instance:Instance", "replica", {"replicateSourceDb": UNKNOWN, "tags": ANONYMISED}, mumbai()
    )
    found = violations([*region.resources, replica], POLICY)
    assert [d.urn for d in found] == [replica.urn]
    assert "untraceable" in found[0].message


def test_a_source_outside_the_stack_named_by_arn_is_unclassified() -> None:
    region = eu_region()
    replica = Res(
        "aws:rds/instance:Instance",
        "replica",
        {"replicateSourceDb": "arn:aws:rds:eu-west-1:123456789012:db:elsewhere", "tags": ANONYMISED},
        mumbai(),
    )
    found = violations([*region.resources, replica], POLICY)
    assert [d.urn for d in found] == [replica.urn]
    assert "arn:aws:rds:eu-west-1:123456789012:db:elsewhere (unclassified" in found[0].message


def test_every_source_must_be_anonymised() -> None:
    region = eu_region()
    stream = store(region, "aws:kinesis/stream:Stream", "raw", {"name": "raw"}, TELEMETRY)
    bucket = Res("aws:s3/bucket:Bucket", "lake", {"tags": ANONYMISED}, mumbai())
    firehose = Res(
        "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
        "delivery",
        {
            "kinesisSourceConfiguration": {"kinesisStreamArn": UNKNOWN},
            "extendedS3Configuration": {"bucketArn": UNKNOWN},
            "tags": ANONYMISED,
        },
        region.provider,
        deps={"kinesisSourceConfiguration": [stream], "extendedS3Configuration": [bucket]},
    )
    found = violations([*region.resources, stream, bucket, firehose], POLICY)
    assert [d.urn for d in found] == [firehose.urn]
    assert "aws:kinesis/stream:Stream 'raw' (telemetry" in found[0].message


def test_copies_of_untraceable_origin_are_blocked() -> None:
    region = eu_region()
    image = Res(
        "aws:ec2/amiCopy:AmiCopy",
        "image",
        {"sourceAmiId": "ami-0abc", "sourceAmiRegion": "us-east-1"},
        region.provider,
    )
    disaster_recovery = Res(
        "aws:drs/replicationConfigurationTemplate:ReplicationConfigurationTemplate",
        "drs",
        {"stagingAreaSubnetId": UNKNOWN},
        region.provider,
    )
    accepted = Res(
        "aws:opensearch/inboundConnectionAccepter:InboundConnectionAccepter",
        "accept",
        {"connectionId": UNKNOWN},
        region.provider,
    )
    launch = Res(
        "aws:ec2/amiLaunchPermission:AmiLaunchPermission",
        "public-image",
        {"imageId": "ami-0abc", "group": "all"},
        region.provider,
    )
    found = violations([*region.resources, image, disaster_recovery, accepted, launch], POLICY)
    assert {d.urn for d in found} == {image.urn, disaster_recovery.urn, accepted.urn, launch.urn}, messages(
        found
    )


def test_lifecycle_copies_of_volumes_tagged_anonymised_are_allowed() -> None:
    region = eu_region()
    policy, extra = COPIES["dlm_cross_region_copy"](region)
    policy.props["policyDetails"]["targetTags"] = ANONYMISED
    assert violations([*region.resources, *extra], POLICY) == []
    policy.props["policyDetails"]["targetTags"] = {"team": "payments"}
    found = violations([*region.resources, *extra], POLICY)
    assert [d.urn for d in found] == [policy.urn]
    assert "untraceable" in found[0].message


def test_a_backup_plan_that_selects_everything_is_blocked() -> None:
    region = eu_region()
    plan, extra = COPIES["backup_copy_action_to_another_region"](region)
    selection = extra[1]
    selection.deps = {"planId": [plan]}
    selection.props["resources"] = ["*"]
    found = violations([*region.resources, *extra], POLICY)
    assert [d.urn for d in found] == [plan.urn]
    assert "every resource outside this stack" in found[0].message


def test_a_copy_that_stays_in_its_region_and_account_is_not_this_rules_concern() -> None:
    region = eu_region()
    internal = store(
        region, "aws:ebs/volume:Volume", "cache", {"size": 10}, {"data-classification": "internal"}
    )
    snapshot = Res(
        "aws:ebs/snapshot:Snapshot",
        "cache-snapshot",
        {"volumeId": UNKNOWN, "tags": {"data-classification": "internal"}},
        region.provider,
        deps={"volumeId": [internal]},
    )
    copy = Res(
        "aws:ebs/snapshotCopy:SnapshotCopy",
        "cache-copy",
        {
            "sourceSnapshotId": UNKNOWN,
            "sourceRegion": "eu-west-1",
            "tags": {"data-classification": "internal"},
        },
        region.provider,
        deps={"sourceSnapshotId": [snapshot]},
    )
    assert violations([*region.resources, internal, snapshot, copy], POLICY) == []


def test_pii_crossing_regions_breaks_this_rule_too() -> None:
    region = eu_region()
    replica, extra = COPIES["read_replica_in_another_region"](region)
    found = violations([*region.resources, *extra], POLICY)
    assert [d.urn for d in found] == [replica.urn]
    assert "(pii, in eu-west-1)" in found[0].message
