"""Every destination path is read: zones imply regions, nested delivery paths count, pointers are followed
whatever their own tags say, an ARN resolves by the whole ARN, and telemetry with an unknown region is
refused as PII is."""

from __future__ import annotations

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import COPIES, PII, mumbai, store
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

NO_PII = "no-pii-replication"
ANONYMISED = {"data-classification": "anonymised"}


def test_the_baseline_has_no_destination_elsewhere() -> None:
    assert violations(eu_region().resources, NO_PII) == []


def _one_zone_replication(region: Region, zone: str) -> tuple[Res, list[Res]]:
    file_system = store(region, "aws:efs/fileSystem:FileSystem", "documents", {"encrypted": True})
    replication = Res(
        "aws:efs/replicationConfiguration:ReplicationConfiguration",
        "documents-one-zone",
        {"sourceFileSystemId": UNKNOWN, "destination": {"availabilityZoneName": zone}},
        region.provider,
        deps={"sourceFileSystemId": [file_system]},
    )
    return replication, [file_system, replication]


def test_an_availability_zone_of_another_region_is_that_region() -> None:
    region = eu_region()
    replication, extra = _one_zone_replication(region, "ap-south-1a")
    found = violations([*region.resources, *extra], NO_PII)
    assert [d.urn for d in found] == [replication.urn]
    assert "ap-south-1" in found[0].message


def test_an_availability_zone_of_the_same_region_stays() -> None:
    region = eu_region()
    _, extra = _one_zone_replication(region, "eu-west-1b")
    assert violations([*region.resources, *extra], NO_PII) == []


def _firehose(region: Region, extended: dict[str, object], deps: dict[str, list[Res]]) -> Res:
    stream = store(region, "aws:kinesis/stream:Stream", "events", {"name": "events"})
    return Res(
        "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
        "events-delivery",
        {
            "destination": "extended_s3",
            "kinesisSourceConfiguration": {"kinesisStreamArn": UNKNOWN, "roleArn": UNKNOWN},
            "extendedS3Configuration": extended,
            "tags": PII,
        },
        region.provider,
        deps={"kinesisSourceConfiguration": [stream], **deps},
    )


def test_a_firehose_backup_bucket_in_another_region_is_a_destination() -> None:
    region = eu_region()
    landing = store(region, "aws:s3/bucket:Bucket", "landing", {"bucket": "landing-eu"})
    backup = Res("aws:s3/bucket:Bucket", "backup", {"bucket": "backup-mumbai", "tags": PII}, mumbai())
    firehose = _firehose(
        region,
        {"bucketArn": UNKNOWN, "s3BackupMode": "Enabled", "s3BackupConfiguration": {"bucketArn": UNKNOWN}},
        {"extendedS3Configuration": [landing, backup]},
    )
    stream = firehose.deps["kinesisSourceConfiguration"][0]
    found = violations([*region.resources, stream, landing, backup, firehose], NO_PII)
    assert [d.urn for d in found] == [firehose.urn]
    assert "ap-south-1" in found[0].message


def test_a_firehose_backup_bucket_named_by_arn_in_another_account_is_a_destination() -> None:
    region = eu_region()
    landing = store(region, "aws:s3/bucket:Bucket", "landing", {"bucket": "landing-eu"})
    firehose = _firehose(
        region,
        {"bucketArn": UNKNOWN, "s3BackupConfiguration": {"bucketArn": "arn:aws:s3:::someone-elses-bucket"}},
        {"extendedS3Configuration": [landing]},
    )
    stream = firehose.deps["kinesisSourceConfiguration"][0]
    found = violations([*region.resources, stream, landing, firehose], NO_PII)
    assert [d.urn for d in found] == [firehose.urn]


def test_a_firehose_into_a_bucket_of_its_own_region_stays() -> None:
    region = eu_region()
    landing = store(region, "aws:s3/bucket:Bucket", "landing", {"bucket": "landing-eu"})
    firehose = _firehose(region, {"bucketArn": UNKNOWN}, {"extendedS3Configuration": [landing]})
    stream = firehose.deps["kinesisSourceConfiguration"][0]
    assert violations([*region.resources, stream, landing, firehose], NO_PII) == []


def test_a_dms_endpoint_tagged_anonymised_is_still_followed_to_the_pii_database() -> None:
    region = eu_region()
    task, extra = COPIES["dms_replication_task"](region)
    source = next(r for r in extra if r.name == "source")
    source.props["tags"] = ANONYMISED
    found = violations([*region.resources, *extra], NO_PII)
    assert [d.urn for d in found] == [task.urn]
    assert "aws:rds/instance:Instance 'pii-db' (pii)" in found[0].message


def test_a_datasync_location_tagged_anonymised_is_still_followed_to_the_pii_file_system() -> None:
    region = eu_region()
    task, extra = COPIES["datasync_task"](region)
    for location in extra:
        if location.type.startswith("aws:datasync/") and location is not task:
            location.props["tags"] = ANONYMISED
    found = violations([*region.resources, *extra], NO_PII)
    assert [d.urn for d in found] == [task.urn]


def test_a_vault_with_the_same_name_in_another_region_is_another_vault() -> None:
    region = eu_region()
    local = store(region, "aws:backup/vault:Vault", "second-vault", {"name": "second-vault"})
    plan, extra = COPIES["backup_copy_action_to_another_region"](region)
    plan.props["rules"][0]["copyActions"][0]["destinationVaultArn"] = (
        "arn:aws:backup:ap-south-1:123456789012:backup-vault:second-vault"
    )
    found = violations([*region.resources, local, *extra], NO_PII)
    assert [d.urn for d in found] == [plan.urn]
    assert "ap-south-1" in found[0].message


def test_a_vault_named_by_its_own_arn_is_the_stacks_vault() -> None:
    region = eu_region()
    local = store(region, "aws:backup/vault:Vault", "second-vault", {"name": "second-vault"})
    plan, extra = COPIES["backup_copy_action_to_another_region"](region)
    plan.props["rules"][0]["copyActions"][0]["destinationVaultArn"] = (
        "arn:aws:backup:eu-west-1:123456789012:backup-vault:second-vault"
    )
    assert violations([*region.resources, local, *extra], NO_PII) == []


def test_telemetry_whose_region_is_unknown_is_refused_as_pii_is() -> None:
    region = eu_region()
    stream = store(
        region,
        "aws:kinesis/stream:Stream",
        "raw",
        {"name": "raw", "region": UNKNOWN},
        {"data-classification": "telemetry"},
    )
    found = violations([*region.resources, stream], "pii-in-jurisdiction")
    assert [d.urn for d in found] == [stream.urn]
    assert "telemetry resource's region is unknown at preview" in found[0].message


def test_an_endpoint_hostname_in_another_region_is_that_region() -> None:
    region = eu_region()
    task, extra = COPIES["dms_replication_task"](region)
    found = violations([*region.resources, *extra], NO_PII)
    assert [d.urn for d in found] == [task.urn]
    assert "to ap-south-1" in messages(found)
