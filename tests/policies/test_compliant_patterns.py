"""Compliant patterns the review found refused: each is a change to the compliant baseline that breaks no
rule, in a first preview and in a preview of the deployed stack."""

from __future__ import annotations

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import COPIES, PII, mumbai, store
from tests.policies.policy_harness import (
    UNKNOWN,
    Res,
    messages,
    violations_of_every_rule,
)

ANONYMISED = {"data-classification": "anonymised"}


def test_the_baseline_breaks_no_rule() -> None:
    assert violations_of_every_rule(eu_region().resources) == []


def test_a_same_region_rds_snapshot_copy_keeps_its_sources_key() -> None:
    region = eu_region()
    copy, extra = COPIES["snapshot_copy_in_another_region"](region)
    copy.provider = region.provider
    for resource in extra:
        resource.protect = True
    found = violations_of_every_rule([*region.resources, *extra])
    assert found == [], messages(found)


def test_a_same_region_rds_snapshot_copy_with_a_key_of_its_own_is_checked() -> None:
    region = eu_region()
    copy, extra = COPIES["snapshot_copy_in_another_region"](region)
    copy.provider = region.provider
    copy.props["kmsKeyId"] = "alias/aws/rds"
    for resource in extra:
        resource.protect = True
    assert "AWS-managed key" in messages(violations_of_every_rule([*region.resources, *extra]))


def _firehose_from_stream(region: Region) -> list[Res]:
    stream = store(
        region,
        "aws:kinesis/stream:Stream",
        "events",
        {"name": "events", "encryptionType": "KMS", "kmsKeyId": UNKNOWN},
    )
    stream.deps["kmsKeyId"] = [region.key]
    landing = store(region, "aws:s3/bucket:Bucket", "landing", {"bucket": "landing-eu"})
    landing.protect = True
    encryption = Res(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "landing-encryption",
        {
            "bucket": UNKNOWN,
            "rules": [
                {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": UNKNOWN}}
            ],
        },
        region.provider,
        deps={"bucket": [landing], "rules": [region.key]},
    )
    block = Res(
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        "landing-block",
        {
            "bucket": UNKNOWN,
            "blockPublicAcls": True,
            "blockPublicPolicy": True,
            "ignorePublicAcls": True,
            "restrictPublicBuckets": True,
        },
        region.provider,
        deps={"bucket": [landing]},
    )
    versioning = Res(
        "aws:s3/bucketVersioning:BucketVersioning",
        "landing-versioning",
        {"bucket": UNKNOWN, "versioningConfiguration": {"status": "Enabled"}},
        region.provider,
        deps={"bucket": [landing]},
    )
    firehose = Res(
        "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
        "events-delivery",
        {
            "destination": "extended_s3",
            "kinesisSourceConfiguration": {"kinesisStreamArn": UNKNOWN, "roleArn": UNKNOWN},
            "extendedS3Configuration": {"bucketArn": UNKNOWN, "roleArn": UNKNOWN, "kmsKeyArn": UNKNOWN},
            "tags": PII,
        },
        region.provider,
        deps={"kinesisSourceConfiguration": [stream], "extendedS3Configuration": [landing, region.key]},
    )
    return [stream, landing, encryption, block, versioning, firehose]


def test_a_firehose_reading_a_stream_needs_no_server_side_key_of_its_own() -> None:
    region = eu_region()
    found = violations_of_every_rule([*region.resources, *_firehose_from_stream(region)])
    assert found == [], messages(found)


def test_a_direct_put_firehose_of_pii_still_needs_a_customer_key() -> None:
    region = eu_region()
    extra = _firehose_from_stream(region)
    firehose = extra[-1]
    firehose.props.pop("kinesisSourceConfiguration")
    firehose.deps.pop("kinesisSourceConfiguration")
    assert "serverSideEncryption" in messages(
        [d for d in violations_of_every_rule([*region.resources, *extra]) if d.urn == firehose.urn]
    )


def test_a_claim_on_the_stacks_default_storage_class_is_judged_by_that_class() -> None:
    region = eu_region()
    region.storage_class.props["metadata"]["annotations"] = {
        "storageclass.kubernetes.io/is-default-class": "true"
    }
    claim = Res(
        "kubernetes:core/v1:PersistentVolumeClaim",
        "uploads",
        {
            "metadata": {"namespace": "microservices", "labels": dict(PII)},
            "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "10Gi"}}},
        },
        region.kubernetes,
        protect=True,
    )
    found = violations_of_every_rule([*region.resources, claim])
    assert found == [], messages(found)
    region.storage_class.props["reclaimPolicy"] = "Delete"
    assert "deletes volumes when their claim is deleted" in messages(
        violations_of_every_rule([*region.resources, claim])
    )


def test_an_efs_file_system_covered_by_an_aws_backup_selection_has_backups() -> None:
    region = eu_region()
    file_system = store(
        region, "aws:efs/fileSystem:FileSystem", "documents", {"encrypted": True, "kmsKeyId": UNKNOWN}
    )
    file_system.deps["kmsKeyId"] = [region.key]
    file_system.protect = True
    vault = store(region, "aws:backup/vault:Vault", "vault", {"name": "vault", "kmsKeyArn": UNKNOWN})
    vault.deps["kmsKeyArn"] = [region.key]
    vault.protect = True
    plan = Res(
        "aws:backup/plan:Plan",
        "daily",
        {
            "name": "daily",
            "rules": [{"ruleName": "daily", "targetVaultName": UNKNOWN, "lifecycle": {"deleteAfter": 35}}],
        },
        region.provider,
        deps={"rules": [vault]},
    )
    selection = Res(
        "aws:backup/selection:Selection",
        "documents",
        {
            "planId": UNKNOWN,
            "resources": [UNKNOWN],
            "iamRoleArn": "arn:aws:iam::123456789012:role/backup",
            "name": "docs",
        },
        region.provider,
        deps={"planId": [plan], "resources": [file_system]},
    )
    resources = [*region.resources, file_system, vault, plan, selection]
    assert [d for d in violations_of_every_rule(resources) if d.policy == "pii-no-data-loss"] == []
    assert "automatic backups are off" in messages(
        violations_of_every_rule([*region.resources, file_system, vault])
    )


def _anonymised_replication(region: Region, type_: str) -> list[Res]:
    if type_ == "s3":
        source = store(region, "aws:s3/bucket:Bucket", "aggregates", {"bucket": "aggregates-eu"}, ANONYMISED)
        destination = Res(
            "aws:s3/bucket:Bucket",
            "aggregates-mumbai",
            {"bucket": "aggregates-in", "tags": ANONYMISED},
            mumbai(),
        )
        replication = Res(
            "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
            "aggregates",
            {
                "bucket": UNKNOWN,
                "role": "arn:aws:iam::123456789012:role/replication",
                "rules": [{"status": "Enabled", "destination": {"bucket": UNKNOWN}}],
            },
            region.provider,
            deps={"bucket": [source], "rules": [destination]},
        )
        return [source, destination, replication]
    source = store(region, "aws:efs/fileSystem:FileSystem", "aggregates", {"encrypted": True}, ANONYMISED)
    replication = Res(
        "aws:efs/replicationConfiguration:ReplicationConfiguration",
        "aggregates",
        {"sourceFileSystemId": UNKNOWN, "destination": {"region": "ap-south-1"}},
        region.provider,
        deps={"sourceFileSystemId": [source]},
    )
    return [source, replication]


def test_an_anonymised_s3_replication_to_india_is_allowed_whether_ids_are_known_or_not() -> None:
    region = eu_region()
    resources = [*region.resources, *_anonymised_replication(region, "s3")]
    replication_rules = [d for d in violations_of_every_rule(resources) if "replication" in d.policy]
    assert replication_rules == [], messages(replication_rules)


def test_an_anonymised_efs_replication_to_india_is_allowed_whether_ids_are_known_or_not() -> None:
    region = eu_region()
    resources = [*region.resources, *_anonymised_replication(region, "efs")]
    replication_rules = [d for d in violations_of_every_rule(resources) if "replication" in d.policy]
    assert replication_rules == [], messages(replication_rules)


def test_a_literal_that_names_a_dependency_by_its_known_id_is_that_dependency() -> None:
    region = eu_region()
    extra = _anonymised_replication(region, "efs")
    source, replication = extra
    replication.props["sourceFileSystemId"] = "fs-0123456789abcdef0"
    source.props["id"] = "fs-0123456789abcdef0"
    resources = [*region.resources, *extra]
    assert [d for d in violations_of_every_rule(resources) if "replication" in d.policy] == []
    source.props["tags"] = dict(PII)
    assert "no-pii-replication" in {d.policy for d in violations_of_every_rule(resources)}


def test_a_property_dependency_wins_over_what_its_literal_value_might_also_name() -> None:
    region = eu_region()
    anonymised = store(region, "aws:rds/instance:Instance", "reports", {"identifier": "reports"}, ANONYMISED)
    namesake = Res(
        "aws:rds/snapshot:Snapshot",
        "reports",
        {"dbSnapshotIdentifier": "reports", "tags": PII},
        region.provider,
    )
    replica = Res(
        "aws:rds/instance:Instance",
        "reports-mumbai",
        {"replicateSourceDb": "reports", "tags": ANONYMISED},
        mumbai(),
        deps={"replicateSourceDb": [anonymised]},
    )
    resources = [*region.resources, anonymised, namesake, replica]
    assert [d for d in violations_of_every_rule(resources) if "replication" in d.policy] == []
    replica.deps.pop("replicateSourceDb")
    assert "no-pii-replication" in {d.policy for d in violations_of_every_rule(resources)}


def test_a_bare_id_computed_from_a_dependency_is_that_dependency_even_when_the_state_lists_no_id() -> None:
    # A deployed stack's state keeps a resource's id beside its outputs: the literal id an input holds may
    # match none of the dependency's outputs, and the dependency still wins.
    region = eu_region()
    source, replication = _anonymised_replication(region, "efs")
    replication.props["sourceFileSystemId"] = "fs-0aaaaaaaaaaaaaaaa"
    resources = [*region.resources, source, replication]
    assert [d for d in violations_of_every_rule(resources) if "replication" in d.policy] == []
    source.props["tags"] = dict(PII)
    assert "no-pii-replication" in {d.policy for d in violations_of_every_rule(resources)}


def test_a_group_admitted_by_a_bare_id_computed_from_the_stacks_group_is_that_group() -> None:
    region = eu_region()
    rule = Res(
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        "from-nodes",
        {
            "ipProtocol": "tcp",
            "fromPort": 5432,
            "toPort": 5432,
            "securityGroupId": UNKNOWN,
            "referencedSecurityGroupId": "sg-0aaaaaaaaaaaaaaaa",
        },
        region.provider,
        deps={"securityGroupId": [region.database_group], "referencedSecurityGroupId": [region.node_group]},
    )
    assert violations_of_every_rule([*region.resources, rule]) == []


def _dms_load(
    region: Region, instance_provider: Res | None = None, **instance: object
) -> tuple[list[Res], Res]:
    """A DMS full load of the PII database back into the region's database, on an unlabelled instance."""
    replication_instance = Res(
        "aws:dms/replicationInstance:ReplicationInstance",
        "dms",
        {
            "replicationInstanceId": "dms",
            "replicationInstanceClass": "dms.t3.medium",
            "allocatedStorage": 50,
            "publiclyAccessible": False,
            "kmsKeyArn": UNKNOWN,
            **instance,
        },
        instance_provider or region.provider,
        deps={"kmsKeyArn": [region.key]} if "kmsKeyArn" not in instance else {},
    )
    endpoints = [
        Res(
            "aws:dms/endpoint:Endpoint",
            role,
            {"endpointId": role, "endpointType": role, "engineName": "postgres", "serverName": UNKNOWN},
            region.provider,
            deps={"serverName": [region.database]},
        )
        for role in ("source", "target")
    ]
    task = Res(
        "aws:dms/replicationTask:ReplicationTask",
        "load",
        {
            "replicationTaskId": "load",
            "migrationType": "full-load",
            "replicationInstanceArn": UNKNOWN,
            "sourceEndpointArn": UNKNOWN,
            "targetEndpointArn": UNKNOWN,
            "tableMappings": "{}",
        },
        region.provider,
        deps={
            "replicationInstanceArn": [replication_instance],
            "sourceEndpointArn": [endpoints[0]],
            "targetEndpointArn": [endpoints[1]],
        },
    )
    return [*region.resources, replication_instance, *endpoints, task], replication_instance


def test_an_in_region_dms_load_needs_no_label_on_its_replication_instance() -> None:
    resources, _ = _dms_load(eu_region())
    found = violations_of_every_rule(resources)
    assert found == [], messages(found)


def test_a_dms_replication_instance_holds_what_its_tasks_move_whatever_its_label() -> None:
    resources, instance = _dms_load(eu_region(), kmsKeyArn=None, tags={"data-classification": "internal"})
    found = [
        d
        for d in violations_of_every_rule(resources)
        if d.urn == instance.urn and d.policy == "pii-encryption"
    ]
    assert "inherited through lineage" in messages(found)


def test_a_dms_replication_instance_in_another_region_takes_the_data_there() -> None:
    resources, _ = _dms_load(eu_region(), mumbai())
    found = [d for d in violations_of_every_rule(resources) if d.policy == "no-pii-replication"]
    assert "'load'" in messages(found) and "ap-south-1" in messages(found)


def test_a_dms_replication_instance_with_a_label_unknown_at_preview_is_unclassified() -> None:
    resources, instance = _dms_load(eu_region(), tags={"data-classification": UNKNOWN})
    found = [d for d in violations_of_every_rule(resources) if d.policy == "data-classification-required"]
    assert instance.urn in [d.urn for d in found], messages(found)
