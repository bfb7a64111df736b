"""Classification comes from lineage, not only from labels: what receives PII holds PII, through any hops.

Each test starts from the compliant baseline region and adds one chain of copies; the violation must name
the chain, from the PII source through every relabelled hop to where the data lands.
"""

from __future__ import annotations

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import PII, mumbai, store
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

NO_PII = "no-pii-replication"
ANONYMISED = {"data-classification": "anonymised"}
PUBLIC = {"data-classification": "public"}


def _replica(
    region: Region, source: Res, name: str, tags: dict[str, str], provider: Res | None = None
) -> Res:
    return Res(
        "aws:rds/instance:Instance",
        name,
        {"replicateSourceDb": UNKNOWN, "tags": tags},
        provider or region.provider,
        deps={"replicateSourceDb": [source]},
    )


def test_the_baseline_moves_no_pii() -> None:
    assert violations(eu_region().resources, NO_PII) == []


def test_a_replica_of_a_replica_relabelled_anonymised_still_holds_pii() -> None:
    region = eu_region()
    relabelled = _replica(region, region.database, "reporting", ANONYMISED)
    abroad = _replica(region, relabelled, "reporting-mumbai", ANONYMISED, mumbai())
    found = violations([*region.resources, relabelled, abroad], NO_PII)
    assert [d.urn for d in found] == [abroad.urn]
    assert (
        "aws:rds/instance:Instance 'pii-db' (pii) -> "
        "aws:rds/instance:Instance 'reporting' (labelled anonymised)" in found[0].message
    )
    assert "ap-south-1" in found[0].message


def test_a_copy_of_a_snapshot_of_a_replica_names_every_hop() -> None:
    region = eu_region()
    relabelled = _replica(region, region.database, "analytics", PUBLIC)
    snapshot = Res(
        "aws:rds/snapshot:Snapshot",
        "analytics-snapshot",
        {"dbInstanceIdentifier": UNKNOWN, "dbSnapshotIdentifier": "analytics-1", "tags": ANONYMISED},
        region.provider,
        deps={"dbInstanceIdentifier": [relabelled]},
    )
    copy = Res(
        "aws:rds/snapshotCopy:SnapshotCopy",
        "analytics-copy",
        {
            "sourceDbSnapshotIdentifier": UNKNOWN,
            "targetDbSnapshotIdentifier": "analytics-1",
            "tags": ANONYMISED,
        },
        mumbai(),
        deps={"sourceDbSnapshotIdentifier": [snapshot]},
    )
    found = violations([*region.resources, relabelled, snapshot, copy], NO_PII)
    assert [d.urn for d in found] == [copy.urn]
    assert (
        "'pii-db' (pii) -> aws:rds/instance:Instance 'analytics' (labelled public) -> "
        "aws:rds/snapshot:Snapshot 'analytics-snapshot' (labelled anonymised)" in found[0].message
    )


def _export_and_replicate(region: Region) -> tuple[Res, list[Res]]:
    """An export of the PII database's snapshot into an 'anonymised' staging bucket, replicated to Mumbai."""
    snapshot = Res(
        "aws:rds/snapshot:Snapshot",
        "nightly",
        {"dbInstanceIdentifier": UNKNOWN, "dbSnapshotIdentifier": "nightly", "tags": PII},
        region.provider,
        deps={"dbInstanceIdentifier": [region.database]},
    )
    staging = store(region, "aws:s3/bucket:Bucket", "staging", {"bucket": "exports-staging"}, ANONYMISED)
    export = Res(
        "aws:rds/exportTask:ExportTask",
        "export",
        {
            "sourceArn": UNKNOWN,
            "s3BucketName": UNKNOWN,
            "exportTaskIdentifier": "nightly",
            "iamRoleArn": "arn:aws:iam::123456789012:role/export",
            "kmsKeyId": UNKNOWN,
        },
        region.provider,
        deps={"sourceArn": [snapshot], "s3BucketName": [staging], "kmsKeyId": [region.key]},
    )
    replica = Res(
        "aws:s3/bucket:Bucket", "staging-replica", {"bucket": "exports-mumbai", "tags": ANONYMISED}, mumbai()
    )
    replication = Res(
        "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
        "staging-replication",
        {
            "bucket": UNKNOWN,
            "role": "arn:aws:iam::123456789012:role/replication",
            "rules": [{"status": "Enabled", "destination": {"bucket": UNKNOWN}}],
        },
        region.provider,
        deps={"bucket": [staging], "rules": [replica]},
    )
    return replication, [snapshot, staging, export, replica, replication]


def test_an_export_into_a_staging_bucket_then_its_replication_carries_pii_abroad() -> None:
    region = eu_region()
    replication, extra = _export_and_replicate(region)
    found = violations([*region.resources, *extra], NO_PII)
    assert replication.urn in [d.urn for d in found], messages(found)
    message = next(d.message for d in found if d.urn == replication.urn)
    assert "'nightly' (pii) -> aws:s3/bucket:Bucket 'staging' (labelled anonymised)" in message
    assert "ap-south-1" in message


def test_a_restore_from_a_pii_snapshot_holds_pii_and_must_be_protected() -> None:
    region = eu_region()
    snapshot = Res(
        "aws:rds/snapshot:Snapshot",
        "nightly",
        {"dbInstanceIdentifier": UNKNOWN, "dbSnapshotIdentifier": "nightly", "tags": PII},
        region.provider,
        deps={"dbInstanceIdentifier": [region.database]},
    )
    restored = Res(
        "aws:rds/instance:Instance",
        "sandbox",
        {
            "snapshotIdentifier": UNKNOWN,
            "instanceClass": "db.t4g.medium",
            "publiclyAccessible": True,
            "storageEncrypted": False,
            "tags": ANONYMISED,
        },
        region.provider,
        deps={"snapshotIdentifier": [snapshot]},
    )
    resources = [*region.resources, snapshot, restored]
    for rule, wanted in (
        ("pii-not-public", "it is publicly accessible"),
        ("pii-encryption", "encryption at rest is not on"),
        ("pii-no-data-loss", "protect=True"),
    ):
        found = [d for d in violations(resources, rule) if d.urn == restored.urn]
        assert found, rule
        assert (
            "inherited through lineage: aws:rds/snapshot:Snapshot 'nightly' (pii) -> "
            "aws:rds/instance:Instance 'sandbox' (labelled anonymised)" in found[0].message
        )
        assert wanted in found[0].message
    assert violations(resources, NO_PII) == []


def test_a_firehose_staging_bucket_of_a_pii_stream_holds_pii() -> None:
    region = eu_region()
    stream = store(region, "aws:kinesis/stream:Stream", "events", {"name": "events"})
    staging = store(
        region,
        "aws:s3/bucket:Bucket",
        "landing",
        {"bucket": "events-landing"},
        {"data-classification": "internal"},
    )
    firehose = Res(
        "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
        "events-delivery",
        {
            "destination": "extended_s3",
            "kinesisSourceConfiguration": {
                "kinesisStreamArn": UNKNOWN,
                "roleArn": "arn:aws:iam::123456789012:role/f",
            },
            "extendedS3Configuration": {"bucketArn": UNKNOWN, "roleArn": "arn:aws:iam::123456789012:role/f"},
            "tags": {"data-classification": "internal"},
        },
        region.provider,
        deps={"kinesisSourceConfiguration": [stream], "extendedS3Configuration": [staging]},
    )
    found = violations([*region.resources, stream, staging, firehose], "pii-not-public")
    assert staging.urn in [d.urn for d in found]
    message = next(d.message for d in found if d.urn == staging.urn)
    assert "aws:kinesis/stream:Stream 'events' (pii) -> " in message and "no public access block" in message


def test_a_component_between_the_source_and_the_copy_is_followed() -> None:
    region = eu_region()
    component = Res("acme:data:ReportingStore", "reporting")
    region.database.parent = component
    replica = Res(
        "aws:rds/instance:Instance",
        "reporting-mumbai",
        {"replicateSourceDb": UNKNOWN, "tags": ANONYMISED},
        mumbai(),
        deps={"replicateSourceDb": [component]},
    )
    found = violations([*region.resources, component, replica], NO_PII)
    assert [d.urn for d in found] == [replica.urn]


def test_a_same_region_chain_stays_in_the_jurisdiction() -> None:
    region = eu_region()
    relabelled = _replica(region, region.database, "reporting", PII)
    relabelled.protect = True
    assert violations([*region.resources, relabelled], NO_PII) == []


def test_lineage_carries_telemetry_too() -> None:
    region = eu_region()
    raw = store(
        region,
        "aws:s3/bucket:Bucket",
        "raw",
        {"bucket": "raw-telemetry"},
        {"data-classification": "telemetry"},
    )
    aggregated = store(region, "aws:s3/bucket:Bucket", "aggregated", {"bucket": "aggregated"}, ANONYMISED)
    copy_in_region = Res(
        "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
        "raw-to-aggregated",
        {
            "bucket": UNKNOWN,
            "role": "arn:aws:iam::123456789012:role/r",
            "rules": [{"destination": {"bucket": UNKNOWN}}],
        },
        region.provider,
        deps={"bucket": [raw], "rules": [aggregated]},
    )
    abroad = Res(
        "aws:s3/bucket:Bucket",
        "aggregated-mumbai",
        {"bucket": "aggregated-mumbai", "tags": ANONYMISED},
        mumbai(),
    )
    onwards = Res(
        "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
        "aggregated-to-mumbai",
        {
            "bucket": UNKNOWN,
            "role": "arn:aws:iam::123456789012:role/r",
            "rules": [{"destination": {"bucket": UNKNOWN}}],
        },
        region.provider,
        deps={"bucket": [aggregated], "rules": [abroad]},
    )
    resources = [*region.resources, raw, aggregated, copy_in_region, abroad, onwards]
    found = violations(resources, "anonymised-only-replication")
    assert [d.urn for d in found] == [onwards.urn]
    assert "'raw' (telemetry) -> aws:s3/bucket:Bucket 'aggregated' (labelled anonymised)" in found[0].message


def _exported_log_shipped_abroad(exports: list[str] | None) -> tuple[list[Res], Res, Res]:
    """The PII database's PostgreSQL log group, declared and labelled anonymised, whose subscription filter
    ships it to a delivery stream in us-east-1 (reviewer blind-lineage13 a38)."""
    region = eu_region()
    if exports is not None:
        region.database.props["enabledCloudwatchLogsExports"] = exports
    group = store(
        region,
        "aws:cloudwatch/logGroup:LogGroup",
        "pii-db-postgresql",
        {"name": "/aws/rds/instance/pii-db/postgresql", "retentionInDays": 30},
        ANONYMISED,
    )
    ship = Res(
        "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter",
        "ship-db-logs",
        {
            "logGroup": UNKNOWN,
            "filterPattern": "",
            "destinationArn": "arn:aws:firehose:us-east-1:123456789012:deliverystream/observability",
        },
        region.provider,
        deps={"logGroup": [group]},
    )
    return [*region.resources, group, ship], group, ship


def test_the_log_group_a_pii_database_exports_into_holds_pii_whatever_its_label() -> None:
    """RDS writes the database's log (its statements, with the values they carry) into the log group named
    after it: the group holds PII, so shipping it abroad is a PII copy, and the chain names the database."""
    resources, _, ship = _exported_log_shipped_abroad(["postgresql"])
    found = [d for d in violations(resources, NO_PII) if d.urn == ship.urn]
    assert found, messages(violations(resources, NO_PII))
    assert "pii-db" in found[0].message and "pii-db-postgresql" in found[0].message, found[0].message


def test_a_log_group_the_database_does_not_export_into_keeps_its_label() -> None:
    resources, _, ship = _exported_log_shipped_abroad(["upgrade"])
    assert [d for d in violations(resources, NO_PII) if d.urn == ship.urn] == []
    resources, _, ship = _exported_log_shipped_abroad(None)
    assert [d for d in violations(resources, NO_PII) if d.urn == ship.urn] == []
