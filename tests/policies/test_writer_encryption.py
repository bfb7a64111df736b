"""pii-encryption judges what writes objects into a PII bucket with an encryption of its own choosing, which
overrides the bucket's default (as an object's own `serverSideEncryption` does): a DMS S3 target endpoint
(SSE_S3 by default), an Athena workgroup's query results, a Glue job or EMR cluster by its security
configuration, a Firehose S3 destination or backup by its `kmsKeyArn`."""

from __future__ import annotations

import json

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


GLUE_JOB = "aws:glue/job:Job"
GLUE_SECURITY = "aws:glue/securityConfiguration:SecurityConfiguration"
EMR_CLUSTER = "aws:emr/cluster:Cluster"
EMR_SECURITY = "aws:emr/securityConfiguration:SecurityConfiguration"
FIREHOSE = "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream"
ELSEWHERE_KEY = "arn:aws:kms:us-east-1:123456789012:key/0b7e8a52-8a3c-4f27-9f5a-1c2d3e4f5a6b"


def _glue(region: Region, bucket: Res, s3_encryption: dict | None) -> list[Res]:
    """A Glue job configured with the bucket, under a security configuration with this S3 encryption."""
    job = Res(
        GLUE_JOB,
        "exports",
        {
            "name": "exports",
            "roleArn": UNKNOWN,
            "command": {"scriptLocation": "s3://scripts-eu/export.py"},
            "defaultArguments": {"--output": "s3://exports-eu/daily/"},
        },
        region.provider,
    )
    if s3_encryption is None:
        return [job]
    job.props["securityConfiguration"] = "exports"
    key_deps = {"encryptionConfiguration": [region.key]} if s3_encryption.get("kmsKeyArn") is UNKNOWN else {}
    configuration = Res(
        GLUE_SECURITY,
        "exports",
        {
            "name": "exports",
            "encryptionConfiguration": {
                "s3Encryption": s3_encryption,
                "cloudwatchEncryption": {"cloudwatchEncryptionMode": "DISABLED"},
                "jobBookmarksEncryption": {"jobBookmarksEncryptionMode": "DISABLED"},
            },
        },
        region.provider,
        deps=key_deps,
    )
    return [job, configuration]


@pytest.mark.parametrize(
    ("s3_encryption", "why"),
    [
        ({"s3EncryptionMode": "SSE-S3"}, "S3-managed keys"),
        ({"s3EncryptionMode": "SSE-KMS", "kmsKeyArn": ELSEWHERE_KEY}, "us-east-1"),
    ],
    ids=["sse-s3", "key-elsewhere"],
)
def test_a_glue_job_writing_into_a_pii_bucket_under_another_encryption_is_blocked(
    s3_encryption: dict, why: str
) -> None:
    region = eu_region()
    bucket = _bucket(region)
    job, configuration = _glue(region, bucket[0], s3_encryption)
    found = violations([*region.resources, *bucket, job, configuration], POLICY)
    assert [d.urn for d in found] == [job.urn], messages(found)
    assert "exports" in found[0].message and "s3Encryption" in found[0].message
    assert why in found[0].message


@pytest.mark.parametrize(
    "s3_encryption",
    [None, {"s3EncryptionMode": "DISABLED"}, {"s3EncryptionMode": "SSE-KMS", "kmsKeyArn": UNKNOWN}],
    ids=["none", "disabled", "stacks-key"],
)
def test_a_glue_job_writing_under_the_buckets_default_or_the_stacks_key_is_allowed(
    s3_encryption: dict | None,
) -> None:
    region = eu_region()
    bucket = _bucket(region)
    assert violations([*region.resources, *bucket, *_glue(region, bucket[0], s3_encryption)], POLICY) == []


def test_a_glue_job_under_a_security_configuration_outside_the_stack_fails_closed() -> None:
    region = eu_region()
    bucket = _bucket(region)
    job, _ = _glue(region, bucket[0], {"s3EncryptionMode": "DISABLED"})
    job.props["securityConfiguration"] = "made-by-hand"
    found = violations([*region.resources, *bucket, job], POLICY)
    assert [d.urn for d in found] == [job.urn], messages(found)


def _emr(region: Region, s3: dict | None) -> list[Res]:
    """An EMR cluster whose step writes into the bucket, under a security configuration (EMRFS at rest)."""
    cluster = Res(
        EMR_CLUSTER,
        "exports",
        {
            "name": "exports",
            "releaseLabel": "emr-7.5.0",
            "serviceRole": UNKNOWN,
            "steps": [
                {
                    "actionOnFailure": "CONTINUE",
                    "name": "export",
                    "hadoopJarStep": {
                        "jar": "command-runner.jar",
                        "args": ["s3-dist-cp", "--dest=s3://exports-eu/"],
                    },
                }
            ],
            "securityConfiguration": "exports",
        },
        region.provider,
    )
    encryption: dict = {"EnableInTransitEncryption": False, "EnableAtRestEncryption": s3 is not None}
    if s3 is not None:
        encryption["AtRestEncryptionConfiguration"] = {"S3EncryptionConfiguration": s3}
    configuration = Res(
        EMR_SECURITY,
        "exports",
        {"name": "exports", "configuration": json.dumps({"EncryptionConfiguration": encryption})},
        region.provider,
    )
    return [cluster, configuration]


@pytest.mark.parametrize(
    ("s3", "why"),
    [
        ({"EncryptionMode": "SSE-S3"}, "S3-managed keys"),
        ({"EncryptionMode": "SSE-KMS", "AwsKmsKey": ELSEWHERE_KEY}, "us-east-1"),
        (
            {
                "EncryptionMode": "CSE-Custom",
                "S3Object": "s3://keys-eu/provider.jar",
                "EncryptionKeyProviderClass": "x",
            },
            "not a KMS key this stack declares",
        ),
    ],
    ids=["sse-s3", "key-elsewhere", "custom-provider"],
)
def test_an_emr_cluster_writing_into_a_pii_bucket_under_another_encryption_is_blocked(
    s3: dict, why: str
) -> None:
    region = eu_region()
    bucket = _bucket(region)
    cluster, configuration = _emr(region, s3)
    found = violations([*region.resources, *bucket, cluster, configuration], POLICY)
    assert [d.urn for d in found] == [cluster.urn], messages(found)
    assert "S3EncryptionConfiguration" in found[0].message and why in found[0].message


def test_an_emr_cluster_without_emrfs_encryption_leaves_the_buckets_default() -> None:
    region = eu_region()
    bucket = _bucket(region)
    assert violations([*region.resources, *bucket, *_emr(region, None)], POLICY) == []


def _firehose(region: Region, bucket: Res, destination: str, key: str | None) -> Res:
    s3: dict = {"bucketArn": UNKNOWN, "roleArn": UNKNOWN}
    if key is not None:
        s3["kmsKeyArn"] = key
    if destination == "extended_s3":
        props: dict = {"destination": "extended_s3", "extendedS3Configuration": s3}
        top = "extendedS3Configuration"
    else:
        props = {
            "destination": "http_endpoint",
            "httpEndpointConfiguration": {"url": "https://ingest.example.eu", "s3Configuration": s3},
        }
        top = "httpEndpointConfiguration"
    props["name"] = "exports"
    props["serverSideEncryption"] = {"enabled": True, "keyType": "CUSTOMER_MANAGED_CMK", "keyArn": UNKNOWN}
    return Res(
        FIREHOSE,
        "exports",
        props,
        region.provider,
        deps={top: [bucket], "serverSideEncryption": [region.key]},
    )


@pytest.mark.parametrize("destination", ["extended_s3", "http_endpoint"])
def test_a_firehose_delivery_into_a_pii_bucket_under_a_key_elsewhere_is_blocked(destination: str) -> None:
    region = eu_region()
    bucket = _bucket(region)
    stream = _firehose(region, bucket[0], destination, ELSEWHERE_KEY)
    found = [d for d in violations([*region.resources, *bucket, stream], POLICY) if "kmsKeyArn" in d.message]
    assert [d.urn for d in found] == [stream.urn], messages(found)


def test_a_firehose_delivery_without_a_key_of_its_own_leaves_the_buckets_default() -> None:
    region = eu_region()
    bucket = _bucket(region)
    stream = _firehose(region, bucket[0], "extended_s3", None)
    found = [d for d in violations([*region.resources, *bucket, stream], POLICY) if "kmsKeyArn" in d.message]
    assert found == [], messages(found)


def _paths(token: str) -> list[str]:
    """Every input path the encryption facts name for a type (array steps as the SDK schema spells them)."""
    spec = AT_REST.get(token)
    found: list[str] = []
    if spec is not None:
        found += [path for path, _ in spec.enabled] + list(spec.keys)
        found += [path for pair in (*spec.keys_when, *spec.keys_unless) for path in pair]
        found += [spec.only_for[0]] if spec.only_for else []
    for writer in WRITER_ENCRYPTION.get(token, ()):
        found += [writer.bucket, writer.writes_when[0]] if writer.writes_when else [writer.bucket]
        found += [writer.configuration[0]] if writer.configuration else []
        if writer.configuration is None:
            found += [
                path for path in (writer.algorithm, writer.key, writer.s3_managed_when) if path is not None
            ]
    return found


def _configuration_paths(token: str) -> list[tuple[str, str]]:
    """(configuration type, path): the inputs a writer's separate configuration is read by."""
    return [
        (writer.configuration[1], path)
        for writer in WRITER_ENCRYPTION.get(token, ())
        if writer.configuration is not None
        for path in (writer.algorithm, writer.key)
        if path is not None
    ]


@pytest.mark.mode_independent
@pytest.mark.parametrize("token", sorted({*WRITER_ENCRYPTION, *AT_REST}))
def test_every_path_of_the_encryption_facts_names_an_input_the_sdk_defines(token: str) -> None:
    schema = input_schema(token)
    missing = {path: missing_step(schema, path) for path in _paths(token)}
    missing |= {path: missing_step(input_schema(kind), path) for kind, path in _configuration_paths(token)}
    assert {path: step for path, step in missing.items() if step} == {}


@pytest.mark.mode_independent
@pytest.mark.parametrize(
    ("token", "member", "paths"),
    [(t, m, paths) for t, spec in sorted(AT_REST.items()) for m, *paths in spec.members],
)
def test_every_path_of_a_member_names_an_input_of_the_member(token: str, member: str, paths: list) -> None:
    schema = input_schema(member)
    assert {path: missing_step(schema, path) for path in paths} == dict.fromkeys(paths)


# The key inputs of copying types, reviewed one by one (reviewer blind-data15 a01) ------------------------

ROLE = "arn:aws:iam::123456789012:role/writer"
EXPORTS = "arn:aws:s3:::exports-eu"


def _writer(region: Region, token: str, props: dict, key_input: str | None) -> Res:
    """A writer into the exports bucket (named by a literal), its key (if any) computed from the stack's."""
    deps = {key_input: [region.key]} if key_input is not None else {}
    return Res(token, "writer", props, region.provider, deps=deps)


def _table_export(encryption: dict) -> dict:
    return {
        "tableArn": "arn:aws:dynamodb:eu-west-1:123456789012:table/customers",
        "s3Bucket": "exports-eu",
    } | (encryption)


def _file_share(encryption: dict) -> dict:
    return {
        "gatewayArn": "arn:aws:storagegateway:eu-west-1:123456789012:gateway/sgw-12345678",
        "locationArn": EXPORTS,
        "roleArn": ROLE,
        "clientLists": ["10.10.0.0/16"],
    } | encryption


def _inventory(encryption: dict) -> dict:
    return {
        "bucket": "exports-eu",
        "name": "daily",
        "includedObjectVersions": "Current",
        "schedule": {"frequency": "Daily"},
        "destination": {"bucket": {"bucketArn": EXPORTS, "format": "CSV", "encryption": encryption}},
    }


def _tuning(output: dict) -> dict:
    return {
        "name": "tuning",
        "hyperParameterTuningJobConfig": {
            "strategy": "Bayesian",
            "resourceLimits": {"maxParallelTrainingJobs": 1},
        },
        "trainingJobDefinition": {
            "roleArn": ROLE,
            "algorithmSpecification": {"trainingInputMode": "File", "trainingImage": "image"},
            "outputDataConfig": {"s3OutputPath": "s3://exports-eu/tuning/"} | output,
            "stoppingCondition": {"maxRuntimeInSeconds": 3600},
        },
    }


def _call_analytics(settings: dict) -> dict:
    return {
        "name": "calls",
        "resourceAccessRoleArn": ROLE,
        "elements": [
            {
                "type": "AmazonTranscribeCallAnalyticsProcessor",
                "amazonTranscribeCallAnalyticsProcessorConfiguration": {
                    "languageCode": "en-US",
                    "postCallAnalyticsSettings": {
                        "outputLocation": "s3://exports-eu/calls/",
                        "dataAccessRoleArn": ROLE,
                    }
                    | settings,
                },
            }
        ],
    }


def _athena_database(encryption: dict) -> dict:
    return {"name": "exports", "bucket": "exports-eu", "encryptionConfiguration": encryption}


def _redshift_endpoint(settings: dict) -> dict:
    return {
        "endpointId": "warehouse",
        "endpointType": "target",
        "engineName": "redshift",
        "redshiftSettings": {"bucketName": "exports-eu"} | settings,
    }


def _exchange_export(encryption: dict) -> dict:
    return {
        "event": {"revisionPublished": {"dataSetId": "4f2d9a7c1b3e5d6f8a0b2c4d6e8f0a1b"}},
        "action": {
            "exportRevisionToS3": {"revisionDestination": {"bucket": "exports-eu"}, "encryption": encryption}
        },
    }


def _flow(key: dict) -> dict:
    return {
        "name": "crm",
        "sourceFlowConfig": {
            "connectorType": "Salesforce",
            "sourceConnectorProperties": {"salesforce": {"object": "Contact"}},
        },
        "destinationFlowConfigs": [
            {"connectorType": "S3", "destinationConnectorProperties": {"s3": {"bucketName": "exports-eu"}}}
        ],
        "tasks": [{"taskType": "Map_all", "sourceFields": []}],
        "triggerConfig": {"triggerType": "OnDemand"},
    } | key


def _replication(key: dict) -> dict:
    return {
        "bucket": "documents-eu",
        "role": ROLE,
        "rules": [
            {
                "id": "all",
                "status": "Enabled",
                "sourceSelectionCriteria": {"sseKmsEncryptedObjects": {"status": "Enabled"}},
                "destination": {"bucket": EXPORTS, "encryptionConfiguration": key},
            }
        ],
    }


STACKS_KEY = UNKNOWN
"""A key computed from the stack's own (the writer's key input depends on the baseline's key)."""

NEW_WRITERS = [
    # (token, props written with S3-managed keys or a key that is not the stack's, the same with the
    #  stack's key, the input the stack's key is computed into, what the message names)
    (
        "aws:dynamodb/tableExport:TableExport",
        _table_export({"s3SseAlgorithm": "AES256"}),
        _table_export({"s3SseAlgorithm": "KMS", "s3SseKmsKeyId": STACKS_KEY}),
        "s3SseKmsKeyId",
        "s3SseAlgorithm AES256",
    ),
    (
        "aws:dynamodb/tableExport:TableExport",
        _table_export({}),
        _table_export({"s3SseAlgorithm": "KMS", "s3SseKmsKeyId": STACKS_KEY}),
        "s3SseKmsKeyId",
        "AES256 (its default)",
    ),
    (
        "aws:dynamodb/tableExport:TableExport",
        _table_export({"s3SseAlgorithm": "KMS", "s3SseKmsKeyId": ELSEWHERE_KEY}),
        _table_export({"s3SseAlgorithm": "KMS", "s3SseKmsKeyId": STACKS_KEY}),
        "s3SseKmsKeyId",
        "s3SseKmsKeyId",
    ),
    (
        "aws:rds/exportTask:ExportTask",
        {"exportTaskIdentifier": "x", "sourceArn": "arn", "s3BucketName": "exports-eu", "iamRoleArn": ROLE}
        | {"kmsKeyId": ELSEWHERE_KEY},
        {"exportTaskIdentifier": "x", "sourceArn": "arn", "s3BucketName": "exports-eu", "iamRoleArn": ROLE}
        | {"kmsKeyId": STACKS_KEY},
        "kmsKeyId",
        "kmsKeyId",
    ),
    (
        "aws:storagegateway/nfsFileShare:NfsFileShare",
        _file_share({}),
        _file_share({"kmsEncrypted": True, "kmsKeyArn": STACKS_KEY}),
        "kmsKeyArn",
        "kmsEncrypted False (its default)",
    ),
    (
        "aws:s3/inventory:Inventory",
        _inventory({"sseS3": {}}),
        _inventory({"sseKms": {"keyId": STACKS_KEY}}),
        "destination",
        "sseS3",
    ),
    (
        "aws:sagemaker/hyperParameterTuningJob:HyperParameterTuningJob",
        _tuning({}),
        _tuning({"kmsKeyId": STACKS_KEY}),
        "trainingJobDefinition",
        "aws/s3",
    ),
    (
        "aws:chimesdkmediapipelines/mediaInsightsPipelineConfiguration:MediaInsightsPipelineConfiguration",
        _call_analytics({}),
        _call_analytics({"outputEncryptionKmsKeyId": STACKS_KEY}),
        "elements",
        "SSE-S3",
    ),
    (
        "aws:athena/database:Database",
        _athena_database({"encryptionOption": "SSE_S3"}),
        _athena_database({"encryptionOption": "SSE_KMS", "kmsKey": STACKS_KEY}),
        "encryptionConfiguration",
        "SSE_S3",
    ),
    (
        "aws:dms/endpoint:Endpoint",
        _redshift_endpoint({}),
        _redshift_endpoint({"encryptionMode": "SSE_KMS", "serverSideEncryptionKmsKeyId": STACKS_KEY}),
        "redshiftSettings",
        "SSE_S3 (its default)",
    ),
    (
        "aws:dataexchange/eventAction:EventAction",
        _exchange_export({"type": "AES256"}),
        _exchange_export({"type": "aws:kms", "kmsKeyArn": STACKS_KEY}),
        "action",
        "AES256",
    ),
    ("aws:appflow/flow:Flow", _flow({}), _flow({"kmsArn": STACKS_KEY}), "kmsArn", "AppFlow-managed"),
    (
        "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
        _replication({"replicaKmsKeyId": ELSEWHERE_KEY}),
        _replication({"replicaKmsKeyId": STACKS_KEY}),
        "rules",
        "replicaKmsKeyId",
    ),
]
NEW_WRITER_IDS = [
    "table-export-aes256",
    "table-export-default",
    "table-export-key-elsewhere",
    "rds-export-key-elsewhere",
    "file-share-default",
    "inventory-sse-s3",
    "tuning-job-default-key",
    "call-analytics-default",
    "athena-database-sse-s3",
    "dms-redshift-staging-default",
    "data-exchange-aes256",
    "appflow-default-key",
    "replica-key-elsewhere",
]


@pytest.mark.parametrize(("token", "bad", "good", "key_input", "why"), NEW_WRITERS, ids=NEW_WRITER_IDS)
def test_a_copy_writing_into_a_pii_bucket_under_its_own_other_encryption_is_blocked(
    token: str, bad: dict, good: dict, key_input: str, why: str
) -> None:
    region = eu_region()
    bucket = _bucket(region)
    writer = _writer(region, token, bad, None)
    found = violations([*region.resources, *bucket, writer], POLICY)
    assert [d.urn for d in found] == [writer.urn], messages(found)
    assert "exports" in found[0].message and why in found[0].message, found[0].message


@pytest.mark.parametrize(("token", "bad", "good", "key_input", "why"), NEW_WRITERS, ids=NEW_WRITER_IDS)
def test_a_copy_writing_into_a_pii_bucket_under_the_stacks_key_is_allowed(
    token: str, bad: dict, good: dict, key_input: str, why: str
) -> None:
    region = eu_region()
    bucket = _bucket(region)
    writer = _writer(region, token, good, key_input)
    assert violations([*region.resources, *bucket, writer], POLICY) == []


def test_a_table_export_into_a_bucket_that_holds_no_pii_is_not_judged_as_a_writer() -> None:
    region = eu_region()
    bucket = _bucket(region)
    bucket[0].props["tags"] = {"data-classification": "anonymised"}
    writer = _writer(region, "aws:dynamodb/tableExport:TableExport", _table_export({}), None)
    assert violations([*region.resources, *bucket, writer], POLICY) == []


EFS_REPLICATION = "aws:efs/replicationConfiguration:ReplicationConfiguration"


@pytest.mark.parametrize(
    ("destination", "blocked"),
    [
        ({"region": "eu-west-1"}, True),
        ({"region": "eu-west-1", "kmsKeyId": ELSEWHERE_KEY}, True),
        ({"region": "eu-west-1", "kmsKeyId": STACKS_KEY}, False),
        ({"fileSystemId": "fs-0123456789abcdef0"}, False),
    ],
    ids=[
        "new-replica-aws-managed-key",
        "new-replica-key-elsewhere",
        "new-replica-stacks-key",
        "existing-file-system",
    ],
)
def test_an_efs_replica_of_pii_that_efs_creates_takes_the_stacks_key(
    destination: dict, blocked: bool
) -> None:
    region = eu_region()
    source = store(
        region, "aws:efs/fileSystem:FileSystem", "documents", {"encrypted": True, "kmsKeyId": UNKNOWN}
    )
    source.deps = {"kmsKeyId": [region.key]}
    replication = Res(
        EFS_REPLICATION,
        "documents-replica",
        {"sourceFileSystemId": UNKNOWN, "destination": destination},
        region.provider,
        deps={
            "sourceFileSystemId": [source],
            **({"destination": [region.key]} if destination.get("kmsKeyId") is UNKNOWN else {}),
        },
    )
    found = violations([*region.resources, source, replication], POLICY)
    assert [d.urn for d in found] == ([replication.urn] if blocked else []), messages(found)


STATEMENT = "aws:redshiftdata/statement:Statement"
UNLOAD = "UNLOAD ('select * from customers') TO 's3://exports-eu/customers/' IAM_ROLE default "


def _statement(region: Region, options: str) -> Res:
    props = {"clusterIdentifier": "warehouse", "database": "crm", "sql": UNLOAD + options + ";"}
    return Res(STATEMENT, "unload", props, region.provider)


@pytest.mark.parametrize(
    ("options", "why"),
    [
        ("FORMAT PARQUET", "SSE-S3"),
        (f"KMS_KEY_ID '{ELSEWHERE_KEY}' ENCRYPTED", "us-east-1"),
        ("MASTER_SYMMETRIC_KEY 'c2VjcmV0' ENCRYPTED", "client-side"),
    ],
    ids=["no-encryption-clause", "key-elsewhere", "client-side-key"],
)
def test_a_redshift_unload_into_a_pii_bucket_without_the_buckets_or_the_stacks_key_is_blocked(
    options: str, why: str
) -> None:
    region = eu_region()
    bucket = _bucket(region)
    statement = _statement(region, options)
    found = violations([*region.resources, *bucket, statement], POLICY)
    assert [d.urn for d in found] == [statement.urn], messages(found)
    assert "exports" in found[0].message and why in found[0].message, found[0].message


@pytest.mark.parametrize("tags", [None, {"data-classification": "anonymised"}], ids=["pii", "anonymised"])
def test_a_redshift_unload_under_the_buckets_default_key_or_into_a_bucket_without_pii_is_allowed(
    tags: dict[str, str] | None,
) -> None:
    region = eu_region()
    bucket = _bucket(region)
    options = "ENCRYPTED AUTO FORMAT PARQUET"
    if tags is not None:
        bucket[0].props["tags"] = tags
        options = "FORMAT PARQUET"
    assert violations([*region.resources, *bucket, _statement(region, options)], POLICY) == []
