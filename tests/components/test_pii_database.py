"""PiiDatabase under Pulumi mocks: personal data stays encrypted, private, protected and in its region."""

from __future__ import annotations

import dataclasses
import json
from typing import TYPE_CHECKING, Any

import pulumi
import pytest

from components.pii_database import PiiDatabase, PiiDatabaseArgs
from residency_facts import CLASSIFICATION_TAG

if TYPE_CHECKING:
    from tests.components.conftest import MockCloud

REGION = "eu-west-1"
NODE_SECURITY_GROUP = "sg-0123456789abcdef0"
COMPONENT_TYPE = "residency:components:PiiDatabase"
INSTANCE = "aws:rds/instance:Instance"
KEY = "aws:kms/key:Key"


def deploy(cloud: MockCloud, args: PiiDatabaseArgs | None = None, name: str = "pii") -> PiiDatabase:
    """Run the component alone, with an explicit provider in REGION, until every registration settles."""

    def program() -> PiiDatabase:
        provider = cloud.aws_provider(REGION)
        return PiiDatabase(name, args or valid_args(), pulumi.ResourceOptions(providers=[provider]))

    return cloud.run(program)


def valid_args(**overrides: Any) -> PiiDatabaseArgs:
    """Arguments a region stack would pass, with some fields replaced."""
    base = PiiDatabaseArgs(
        vpc_id="vpc-0123456789abcdef0",
        subnet_ids=["subnet-db-a", "subnet-db-b", "subnet-db-c"],
        client_security_group_ids=[NODE_SECURITY_GROUP],
        backup_retention_days=10,
    )
    return dataclasses.replace(base, **overrides)


def test_instance_is_encrypted_with_the_components_own_key(cloud: MockCloud) -> None:
    database = deploy(cloud)
    instance = cloud.one(INSTANCE, "pii-instance").inputs
    key_arn = cloud.outputs_of(cloud.one(KEY, "pii-key"))["arn"]
    assert instance["storageEncrypted"] is True
    assert instance["kmsKeyId"] == key_arn
    assert instance["performanceInsightsEnabled"] is True
    assert instance["performanceInsightsKmsKeyId"] == key_arn
    assert cloud.resolve(database.key_arn) == key_arn


def test_master_password_is_managed_by_rds_with_the_same_key(cloud: MockCloud) -> None:
    database = deploy(cloud)
    instance = cloud.one(INSTANCE, "pii-instance").inputs
    assert instance["manageMasterUserPassword"] is True
    assert instance["masterUserSecretKmsKeyId"] == cloud.outputs_of(cloud.one(KEY, "pii-key"))["arn"]
    assert "password" not in instance
    assert f":secretsmanager:{REGION}:" in cloud.resolve(database.master_user_secret_arn)


def test_key_is_single_region_rotating_and_in_the_stack_region(cloud: MockCloud) -> None:
    deploy(cloud)
    key = cloud.one(KEY, "pii-key")
    assert key.inputs["multiRegion"] is False
    assert key.inputs["enableKeyRotation"] is True
    assert "region" not in key.inputs, "the key must live in its provider's region"
    assert cloud.region_of(key) == REGION
    assert cloud.outputs_of(key)["arn"].split(":")[3] == REGION


def test_key_policy_lets_only_in_region_services_use_the_key(cloud: MockCloud) -> None:
    deploy(cloud)
    policy = json.loads(cloud.one(KEY, "pii-key").inputs["policy"])
    use_actions = {"kms:Decrypt", "kms:Decrypt*", "kms:Encrypt", "kms:Encrypt*", "kms:GenerateDataKey*"}
    use_actions |= {"kms:ReEncrypt*", "kms:CreateGrant"}
    users = [s for s in policy["Statement"] if use_actions & set(s["Action"])]
    assert len(users) == 2
    for statement in policy["Statement"]:
        assert statement["Effect"] == "Allow"
        assert "*" not in (statement["Principal"], statement["Principal"].get("AWS"))
    for statement in users:
        conditions = statement["Condition"]
        if "ArnEquals" in conditions:
            assert statement["Principal"] == {"Service": f"logs.{REGION}.amazonaws.com"}
            log_group_arns = conditions["ArnEquals"]["kms:EncryptionContext:aws:logs:arn"]
            assert log_group_arns == [
                f"arn:aws:logs:{REGION}:123456789012:log-group:/aws/rds/instance/pii/postgresql"
            ]
        else:
            via = conditions["StringEquals"]["kms:ViaService"]
            assert sorted(via) == [f"rds.{REGION}.amazonaws.com", f"secretsmanager.{REGION}.amazonaws.com"]
    administration = next(s for s in policy["Statement"] if s["Sid"] == "AccountAdministersKey")
    assert administration["Principal"] == {"AWS": "arn:aws:iam::123456789012:root"}
    assert not use_actions & set(administration["Action"])


def test_instance_and_key_are_protected(cloud: MockCloud) -> None:
    deploy(cloud)
    assert cloud.one(INSTANCE, "pii-instance").protect is True
    assert cloud.one(KEY, "pii-key").protect is True


def test_instance_is_private_multi_az_and_uses_iam_authentication(cloud: MockCloud) -> None:
    deploy(cloud)
    instance = cloud.one(INSTANCE, "pii-instance").inputs
    assert instance["publiclyAccessible"] is False
    assert instance["multiAz"] is True
    assert instance["iamDatabaseAuthenticationEnabled"] is True


def test_instance_lives_in_its_own_subnet_group_on_the_isolated_subnets(cloud: MockCloud) -> None:
    deploy(cloud)
    subnet_group = cloud.one("aws:rds/subnetGroup:SubnetGroup", "pii-subnet-group")
    assert subnet_group.inputs["subnetIds"] == ["subnet-db-a", "subnet-db-b", "subnet-db-c"]
    instance = cloud.one(INSTANCE, "pii-instance").inputs
    assert instance["dbSubnetGroupName"] == cloud.outputs_of(subnet_group)["name"]


def test_deletion_is_blocked_and_the_final_snapshot_kept(cloud: MockCloud) -> None:
    deploy(cloud)
    instance = cloud.one(INSTANCE, "pii-instance").inputs
    assert instance["deletionProtection"] is True
    assert instance["skipFinalSnapshot"] is False
    assert instance["finalSnapshotIdentifier"] == "pii-final-snapshot"
    assert instance["copyTagsToSnapshot"] is True
    assert instance["deleteAutomatedBackups"] is False


def test_backups_are_kept_for_the_configured_days(cloud: MockCloud) -> None:
    deploy(cloud)
    assert cloud.one(INSTANCE, "pii-instance").inputs["backupRetentionPeriod"] == 10


@pytest.mark.parametrize("days", [0, 1, 6, 36])
def test_backup_retention_outside_seven_to_thirty_five_days_is_refused(cloud: MockCloud, days: int) -> None:
    with pytest.raises(ValueError, match="backup_retention_days"):
        deploy(cloud, valid_args(backup_retention_days=days))


def test_security_group_admits_only_postgres_from_the_node_security_group(cloud: MockCloud) -> None:
    database = deploy(cloud)
    security_group = cloud.one("aws:ec2/securityGroup:SecurityGroup", "pii-security-group")
    security_group_id = cloud.id_of(security_group)
    assert "ingress" not in security_group.inputs and "egress" not in security_group.inputs
    (rule,) = cloud.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
    assert rule.inputs["securityGroupId"] == security_group_id
    assert rule.inputs["ipProtocol"] == "tcp"
    assert (rule.inputs["fromPort"], rule.inputs["toPort"]) == (5432, 5432)
    assert rule.inputs["referencedSecurityGroupId"] == NODE_SECURITY_GROUP
    assert not {"cidrIpv4", "cidrIpv6", "prefixListId"} & rule.inputs.keys()
    assert not cloud.of_type("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")
    assert not cloud.of_type("aws:ec2/securityGroupRule:SecurityGroupRule")
    assert cloud.one(INSTANCE, "pii-instance").inputs["vpcSecurityGroupIds"] == [security_group_id]
    assert cloud.resolve(database.security_group_id) == security_group_id


def test_parameter_group_forces_tls_and_forbids_logical_replication(cloud: MockCloud) -> None:
    deploy(cloud)
    parameter_group = cloud.one("aws:rds/parameterGroup:ParameterGroup", "pii-parameter-group")
    parameters = {p["name"]: p["value"] for p in parameter_group.inputs["parameters"]}
    assert parameter_group.inputs["family"] == "postgres17"
    assert parameters["rds.force_ssl"] == "1"
    assert parameters["rds.logical_replication"] == "0"
    instance = cloud.one(INSTANCE, "pii-instance").inputs
    assert instance["parameterGroupName"] == cloud.outputs_of(parameter_group)["name"]


def engine_version_after_refresh(declared: str, running: str) -> str:
    """What pulumi-aws reads back into `engine_version` when the instance runs `running` (a refresh).

    terraform-provider-aws internal/service/rds/engine_version.go, compareActualEngineVersion: the declared
    value is kept when it is a prefix of the running version up to a dot ("17" of "17.9"), else the running
    version replaces it, and the next `pulumi up` then diffs it against the declared one.
    """
    if declared != running and running.startswith(f"{declared}."):
        return declared
    return running


def test_engine_is_postgres_seventeen_with_rds_choosing_and_upgrading_the_minor(cloud: MockCloud) -> None:
    deploy(cloud)
    instance = cloud.one(INSTANCE, "pii-instance").inputs
    assert instance["engine"] == "postgres"
    assert instance["engineVersion"] == "17"
    assert instance["autoMinorVersionUpgrade"] is True
    assert instance["allowMajorVersionUpgrade"] is False
    assert instance["storageType"] == "gp3"
    assert instance["maxAllocatedStorage"] > instance["allocatedStorage"]


@pytest.mark.parametrize("running", ["17.7", "17.9", "17.10", "17.12"])
def test_a_minor_upgrade_by_rds_leaves_the_next_up_nothing_to_change(cloud: MockCloud, running: str) -> None:
    """After RDS upgrades the minor in its maintenance window, `pulumi up --refresh` asks for no downgrade."""
    deploy(cloud)
    declared = cloud.one(INSTANCE, "pii-instance").inputs["engineVersion"]
    assert engine_version_after_refresh(declared, running) == declared


def test_a_pinned_minor_would_ask_rds_for_a_downgrade_after_its_upgrade() -> None:
    """The rule above, on the value the component used to declare: why a minor is refused."""
    assert engine_version_after_refresh("17.7", "17.9") == "17.9"
    with pytest.raises(ValueError, match="must be the major '17' alone"):
        valid_args(engine_version="17.7").validate("pii")


def test_postgres_log_goes_to_an_encrypted_expiring_log_group(cloud: MockCloud) -> None:
    deploy(cloud)
    instance = cloud.one(INSTANCE, "pii-instance").inputs
    log_group = cloud.one("aws:cloudwatch/logGroup:LogGroup", "pii-postgresql-logs").inputs
    assert instance["enabledCloudwatchLogsExports"] == ["postgresql"]
    assert log_group["name"] == f"/aws/rds/instance/{instance['identifier']}/postgresql"
    assert log_group["kmsKeyId"] == cloud.outputs_of(cloud.one(KEY, "pii-key"))["arn"]
    assert log_group["retentionInDays"] == 30


def test_data_holding_resources_are_classified_pii(cloud: MockCloud) -> None:
    deploy(cloud)
    for type_token in (INSTANCE, KEY, "aws:cloudwatch/logGroup:LogGroup"):
        (registration,) = cloud.of_type(type_token)
        assert registration.inputs["tags"][CLASSIFICATION_TAG] == "pii", type_token


def test_no_resource_copies_data_out_of_the_instance_or_the_region(cloud: MockCloud) -> None:
    deploy(cloud)
    instance = cloud.one(INSTANCE, "pii-instance").inputs
    assert not {"replicateSourceDb", "replicaMode", "snapshotIdentifier", "restoreToPointInTime"} & set(
        instance
    )
    copying_types = {
        "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",
        "aws:rds/snapshotCopy:SnapshotCopy",
        "aws:rds/globalCluster:GlobalCluster",
    }
    assert not copying_types & {r.type for r in cloud.registrations}
    for registration in cloud.registrations:
        if registration.type.startswith("aws:"):
            assert cloud.region_of(registration) == REGION, registration.name


def test_args_offer_no_knob_that_could_replicate_or_copy() -> None:
    names = {f.name for f in dataclasses.fields(PiiDatabaseArgs)}
    for forbidden in ("replica", "replicat", "copy", "global", "region", "snapshot"):
        assert not [n for n in names if forbidden in n], forbidden


def test_invokes_go_through_the_stacks_provider(cloud: MockCloud) -> None:
    deploy(cloud)
    provider = cloud.one("pulumi:providers:aws", f"aws-{REGION}")
    assert {i.token for i in cloud.monitor.invocations} == {
        "aws:index/getRegion:getRegion",
        "aws:index/getPartition:getPartition",
        "aws:index/getCallerIdentity:getCallerIdentity",
    }
    for invocation in cloud.monitor.invocations:
        assert invocation.provider.startswith(provider.urn), invocation.token


def test_every_child_is_parented_to_the_component_and_named_from_it(cloud: MockCloud) -> None:
    deploy(cloud)
    (component,) = cloud.of_type(COMPONENT_TYPE)
    children = [r for r in cloud.registrations if r is not component and not r.type.startswith("pulumi:")]
    assert len(children) == 7
    for child in children:
        assert child.parent == component.urn, child.name
        assert child.name.startswith("pii-"), child.name


def test_outputs_name_the_instance_endpoint_in_the_region(cloud: MockCloud) -> None:
    database = deploy(cloud)
    address = cloud.resolve(database.address)
    assert cloud.resolve(database.port) == 5432
    assert cloud.resolve(database.endpoint) == f"{address}:5432"
    assert address.endswith(f".{REGION}.rds.amazonaws.com")
    assert cloud.resolve(database.instance_arn).split(":")[3] == REGION
    assert cloud.resolve(database.instance_id) == cloud.id_of(cloud.one(INSTANCE, "pii-instance"))


@pytest.mark.parametrize(
    ("overrides", "field_name"),
    [
        ({"subnet_ids": ["subnet-db-a"]}, "subnet_ids"),
        ({"client_security_group_ids": []}, "client_security_group_ids"),
        ({"engine_version": "16.9"}, "engine_version"),
        ({"engine_version": "17.7"}, "engine_version"),
        ({"max_allocated_storage_gb": 100}, "max_allocated_storage_gb"),
        ({"instance_class": "m7g.large"}, "instance_class"),
        ({"database_name": "App-DB"}, "database_name"),
        ({"log_retention_days": 31}, "log_retention_days"),
    ],
)
def test_invalid_arguments_are_refused_naming_the_field(
    cloud: MockCloud, overrides: dict[str, Any], field_name: str
) -> None:
    with pytest.raises(ValueError, match=field_name):
        deploy(cloud, valid_args(**overrides))
    assert not cloud.of_type(INSTANCE)


@pytest.mark.parametrize("name", ["PII", "pii--db", "pii-", "1pii", "p" * 49])
def test_names_that_cannot_be_rds_identifiers_are_refused(cloud: MockCloud, name: str) -> None:
    with pytest.raises(ValueError, match="identifier"):
        deploy(cloud, name=name)
