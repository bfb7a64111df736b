"""pii-encryption: PII at rest is encrypted with a customer-managed, single-region key in the same region."""

from __future__ import annotations

import copy
from typing import Any

from tests.policies.baseline import eu_region
from tests.policies.copies import PII, mumbai, store
from tests.policies.policy_harness import EU_CONFIG, UNKNOWN, Res, messages, violations

POLICY = "pii-encryption"


def test_compliant_baseline_has_no_violation() -> None:
    assert violations(eu_region().resources, POLICY) == []


def test_unencrypted_storage_is_blocked() -> None:
    region = eu_region()
    region.database.props["storageEncrypted"] = False
    found = violations(region.resources, POLICY)
    assert [d.urn for d in found] == [region.database.urn]
    assert "storageEncrypted is False" in found[0].message
    assert "GDPR" in found[0].message and "How to fix" in found[0].message


def test_the_aws_managed_default_key_is_blocked() -> None:
    region = eu_region()
    region.database.props.pop("kmsKeyId")
    region.database.deps.pop("kmsKeyId")
    found = violations(region.resources, POLICY)
    assert [d.urn for d in found] == [region.database.urn]
    assert "no customer-managed key" in found[0].message


def test_an_aws_managed_key_alias_is_blocked() -> None:
    region = eu_region()
    region.database.props["kmsKeyId"] = "arn:aws:kms:eu-west-1:123456789012:alias/aws/rds"
    region.database.deps.pop("kmsKeyId")
    assert "AWS-managed key" in messages(violations(region.resources, POLICY))


def test_a_multi_region_key_is_blocked() -> None:
    region = eu_region()
    region.key.props["multiRegion"] = True
    found = violations(region.resources, POLICY)
    assert {d.urn for d in found} == {region.database.urn}
    assert "aws:kms/key:Key 'pii-db-key' is a multi-region key" in messages(found)


def test_a_key_in_another_region_is_blocked() -> None:
    region = eu_region()
    region.key.provider = mumbai()
    found = violations(region.resources, POLICY)
    assert "is in ap-south-1, not in the data's region eu-west-1" in messages(found)


def test_a_replica_key_is_blocked() -> None:
    region = eu_region()
    replica = Res("aws:kms/replicaKey:ReplicaKey", "replica", {"primaryKeyArn": UNKNOWN}, region.provider)
    region.database.deps["kmsKeyId"] = [replica]
    assert "is a replica of a multi-region key" in messages(violations(region.resources, POLICY))


def test_a_key_unknown_at_preview_without_lineage_is_blocked() -> None:
    region = eu_region()
    region.database.deps.pop("kmsKeyId")
    assert "cannot be traced to a key declared in this stack" in messages(
        violations(region.resources, POLICY)
    )


def test_a_literal_key_arn_is_checked_for_region_and_multi_region() -> None:
    region = eu_region()
    region.database.deps.pop("kmsKeyId")
    # In-region and of this account, but not declared: it may be the AWS-managed aws/rds key.
    region.database.props["kmsKeyId"] = (
        "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    )
    assert "is not a key this stack declares" in messages(violations(region.resources, POLICY))
    region.database.props["kmsKeyId"] = (
        "arn:aws:kms:ap-south-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    )
    assert "is in ap-south-1" in messages(violations(region.resources, POLICY))
    region.database.props["kmsKeyId"] = (
        "arn:aws:kms:eu-west-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab"
    )
    assert "is a multi-region key" in messages(violations(region.resources, POLICY))


def test_a_key_through_an_alias_of_this_stack_is_followed() -> None:
    region = eu_region()
    alias = Res(
        "aws:kms/alias:Alias",
        "alias",
        {"name": "alias/pii", "targetKeyId": UNKNOWN},
        region.provider,
        deps={"targetKeyId": [region.key]},
    )
    region.database.deps["kmsKeyId"] = [alias]
    assert violations([*region.resources, alias], POLICY) == []
    region.key.props["multiRegion"] = True
    assert "is a multi-region key" in messages(violations([*region.resources, alias], POLICY))


def test_performance_insights_needs_the_customer_managed_key_too() -> None:
    region = eu_region()
    region.database.props.pop("performanceInsightsKmsKeyId")
    region.database.deps.pop("performanceInsightsKmsKeyId")
    assert "performanceInsightsKmsKeyId: no customer-managed key" in messages(
        violations(region.resources, POLICY)
    )
    region.database.props["performanceInsightsEnabled"] = False
    assert violations(region.resources, POLICY) == []


def test_a_pii_bucket_needs_kms_default_encryption_with_the_stack_key() -> None:
    region = eu_region()
    bucket = store(region, "aws:s3/bucket:Bucket", "documents", {"bucket": "documents-eu"})
    assert "no default encryption" in messages(violations([*region.resources, bucket], POLICY))
    encryption = Res(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "documents-encryption",
        {
            "bucket": UNKNOWN,
            "rules": [
                {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": UNKNOWN}}
            ],
        },
        region.provider,
        deps={"bucket": [bucket], "rules": [region.key]},
    )
    assert violations([*region.resources, bucket, encryption], POLICY) == []
    encryption.props["rules"][0]["applyServerSideEncryptionByDefault"] = {"sseAlgorithm": "AES256"}
    assert "'AES256', not a KMS key" in messages(violations([*region.resources, bucket, encryption], POLICY))


def test_a_pii_table_with_the_aws_owned_key_is_blocked() -> None:
    region = eu_region()
    table = store(
        region, "aws:dynamodb/table:Table", "profiles", {"serverSideEncryption": {"enabled": False}}
    )
    found = violations([*region.resources, table], POLICY)
    assert [d.urn for d in found] == [table.urn, table.urn]
    assert "serverSideEncryption.enabled" in messages(found)


def test_pii_volumes_in_kubernetes_need_an_encrypted_storage_class_with_the_stack_key() -> None:
    region = eu_region()
    labels = region.telemetry.props["spec"]["volumeClaimTemplates"][0]["metadata"]["labels"]
    labels["data-classification"] = "pii"
    assert violations(region.resources, POLICY) == []
    region.storage_class.props["parameters"]["encrypted"] = "false"
    assert 'does not set parameters.encrypted to "true"' in messages(violations(region.resources, POLICY))


def test_pii_volumes_on_a_default_storage_class_the_stack_does_not_declare_are_blocked() -> None:
    region = eu_region()
    template = region.telemetry.props["spec"]["volumeClaimTemplates"][0]
    template["metadata"]["labels"]["data-classification"] = "pii"
    del template["spec"]["storageClassName"]
    assert "StorageClass (the cluster's default) is not in this stack" in messages(
        violations(region.resources, POLICY)
    )


def _claims_on_efs(file_system: Res | None, file_system_id: str = UNKNOWN) -> list[Res]:
    """The baseline's volume claims, classified pii, on an EFS CSI StorageClass (access points)."""
    region = eu_region()
    template = region.telemetry.props["spec"]["volumeClaimTemplates"][0]
    template["metadata"]["labels"]["data-classification"] = "pii"
    template["spec"]["storageClassName"] = "efs-pii"
    storage_class = Res(
        "kubernetes:storage.k8s.io/v1:StorageClass",
        "efs-pii",
        {
            "metadata": {"name": "efs-pii"},
            "provisioner": "efs.csi.aws.com",
            "parameters": {
                "provisioningMode": "efs-ap",
                "fileSystemId": file_system_id,
                "directoryPerms": "700",
            },
            "reclaimPolicy": "Retain",
        },
        region.kubernetes,
        deps={"parameters": [file_system] if file_system is not None else []},
    )
    return [*region.resources, *([file_system] if file_system is not None else []), storage_class]


def _file_system(encrypted: bool, tags: dict[str, str] = PII) -> Res:
    region = eu_region()
    file_system = store(region, "aws:efs/fileSystem:FileSystem", "documents", {"encrypted": encrypted}, tags)
    if encrypted:
        file_system.props["kmsKeyId"] = UNKNOWN
        file_system.deps["kmsKeyId"] = [region.key]
    return file_system


def _claim_problems(resources: list[Res]) -> str:
    return messages([d for d in violations(resources, POLICY) if d.urn.endswith("::timescaledb")])


def test_pii_volumes_on_an_efs_storage_class_are_encrypted_as_the_stacks_file_system() -> None:
    assert violations(_claims_on_efs(_file_system(encrypted=True)), POLICY) == []


def test_pii_volumes_on_an_efs_storage_class_of_an_unencrypted_file_system_are_blocked() -> None:
    # The file system's own label does not matter: the claims put personal data on it.
    internal = {"data-classification": "internal"}
    problems = _claim_problems(_claims_on_efs(_file_system(encrypted=False, tags=internal)))
    assert "'documents': encryption at rest is not on" in problems


def test_pii_volumes_on_an_efs_storage_class_of_a_file_system_the_stack_does_not_declare_are_blocked() -> (
    None
):
    problems = _claim_problems(_claims_on_efs(None, "fs-0123456789abcdef0"))
    assert "parameters.fileSystemId does not name an EFS file system of this stack" in problems


def test_protected_classifications_come_from_config() -> None:
    region = eu_region()
    region.storage_class.props["parameters"]["encrypted"] = "false"
    assert violations(region.resources, POLICY) == []
    config = copy.deepcopy(EU_CONFIG)
    config[POLICY]["protectedClassifications"] = ["pii", "telemetry"]
    assert [d.urn for d in violations(region.resources, POLICY, config)] == [region.telemetry.urn]


def test_pii_in_a_store_whose_encryption_the_pack_does_not_know_is_blocked() -> None:
    # Every type the triage holds has a reviewed encryption; a type a stack adds by config has none.
    region = eu_region()
    flags = store(
        region,
        "aws:appconfig/hostedConfigurationVersion:HostedConfigurationVersion",
        "flags",
        {"content": "{}"},
    )
    config = copy.deepcopy(EU_CONFIG)
    config["pii-encryption"]["additionalDataHoldingTypes"] = [flags.type]
    assert violations([*region.resources, flags], POLICY) == []
    assert "does not know how this type is encrypted" in messages(
        violations([*region.resources, flags], POLICY, config)
    )


def test_snapshots_are_encrypted_as_their_source() -> None:
    region = eu_region()
    snapshot = Res(
        "aws:rds/snapshot:Snapshot",
        "snapshot",
        {"dbInstanceIdentifier": UNKNOWN, "tags": PII},
        region.provider,
        deps={"dbInstanceIdentifier": [region.database]},
    )
    assert violations([*region.resources, snapshot], POLICY) == []


def _key_in_store(region: Any, store_type: str | None) -> Res:
    """The baseline's PII key, its material in a custom key store of the stack."""
    props: dict[str, Any] = {"customKeyStoreName": "keys"}
    if store_type is not None:
        props["customKeyStoreType"] = store_type
    if store_type == "EXTERNAL_KEY_STORE":
        props |= {
            "xksProxyUriEndpoint": "https://keys.example.com",
            "xksProxyConnectivity": "PUBLIC_ENDPOINT",
        }
    else:
        props["cloudHsmClusterId"] = "cluster-1234567890a"
    key_store = Res("aws:kms/customKeyStore:CustomKeyStore", "keys", props, region.provider)
    region.key.props["customKeyStoreId"] = UNKNOWN
    region.key.deps["customKeyStoreId"] = [key_store]
    return key_store


def test_a_key_in_an_in_region_cloudhsm_key_store_is_accepted() -> None:
    region = eu_region()
    key_store = _key_in_store(region, None)
    assert violations([*region.resources, key_store], POLICY) == []


def test_a_key_whose_material_is_in_an_external_key_store_is_blocked() -> None:
    region = eu_region()
    key_store = _key_in_store(region, "EXTERNAL_KEY_STORE")
    found = violations([*region.resources, key_store], POLICY)
    assert {d.urn for d in found} == {region.database.urn}
    assert "customKeyStoreType EXTERNAL_KEY_STORE), outside AWS KMS" in found[0].message


def test_a_key_in_a_custom_key_store_the_stack_does_not_declare_is_blocked() -> None:
    region = eu_region()
    region.key.props["customKeyStoreId"] = "cks-1234567890abcdef0"
    found = violations(region.resources, POLICY)
    assert {d.urn for d in found} == {region.database.urn}
    assert "a custom key store this stack does not declare ('cks-1234567890abcdef0')" in found[0].message


def test_logs_exported_to_a_log_group_the_service_creates_itself_are_blocked() -> None:
    """RDS creates /aws/rds/instance/<id>/<log> itself when the stack declares none, with AWS's key."""
    region = eu_region()
    region.database.props["enabledCloudwatchLogsExports"] = ["postgresql", "upgrade"]
    found = violations(region.resources, POLICY)
    assert [d.urn for d in found] == [region.database.urn, region.database.urn]
    assert "exports its postgresql log to /aws/rds/instance/pii-db/postgresql, a log group" in messages(found)
    assert "/aws/rds/instance/pii-db/upgrade" in messages(found)


def test_logs_exported_to_a_log_group_the_stack_declares_are_judged_there() -> None:
    region = eu_region()
    region.database.props["enabledCloudwatchLogsExports"] = ["postgresql"]
    group = Res(
        "aws:cloudwatch/logGroup:LogGroup",
        "pii-db-postgresql",
        {
            "name": "/aws/rds/instance/pii-db/postgresql",
            "kmsKeyId": UNKNOWN,
            "retentionInDays": 30,
            "tags": PII,
        },
        region.provider,
        deps={"kmsKeyId": [region.key]},
    )
    assert violations([*region.resources, group], POLICY) == []


def _object_in_a_pii_bucket(region: Any, **props: Any) -> list[Res]:
    bucket = store(region, "aws:s3/bucket:Bucket", "documents", {"bucket": "documents"})
    sse = Res(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "documents-sse",
        {
            "bucket": UNKNOWN,
            "rules": [
                {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": UNKNOWN}}
            ],
        },
        region.provider,
        deps={"bucket": [bucket], "rules": [region.key]},
    )
    item = Res(
        "aws:s3/bucketObjectv2:BucketObjectv2",
        "seed",
        {"bucket": UNKNOWN, "key": "seed/customers.csv", **props},
        region.provider,
        deps={"bucket": [bucket], **({"kmsKeyId": [region.key]} if props.get("kmsKeyId") == UNKNOWN else {})},
    )
    return [*region.resources, bucket, sse, item]


def test_an_object_in_a_pii_bucket_keeps_the_buckets_default_encryption() -> None:
    region = eu_region()
    assert violations(_object_in_a_pii_bucket(region), POLICY) == []
    region = eu_region()
    assert (
        violations(_object_in_a_pii_bucket(region, serverSideEncryption="aws:kms", kmsKeyId=UNKNOWN), POLICY)
        == []
    )


def test_an_object_that_overrides_its_pii_buckets_encryption_with_an_s3_key_is_blocked() -> None:
    """S3 honours the object's own header over the bucket default: this object is under an S3-managed key."""
    region = eu_region()
    resources = _object_in_a_pii_bucket(region, serverSideEncryption="AES256")
    found = violations(resources, POLICY)
    assert [d.urn.split("::")[-1] for d in found] == ["seed"]
    assert "serverSideEncryption is 'AES256', which overrides the bucket's default" in found[0].message


def test_an_object_under_the_aws_managed_s3_key_in_a_pii_bucket_is_blocked() -> None:
    region = eu_region()
    found = violations(_object_in_a_pii_bucket(region, serverSideEncryption="aws:kms"), POLICY)
    assert [d.urn.split("::")[-1] for d in found] == ["seed"]
    assert "no customer-managed key is set" in found[0].message
