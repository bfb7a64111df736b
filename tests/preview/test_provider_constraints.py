"""The provider-constraint table: each rule refuses one broken value and accepts its compliant baseline.

Each case starts from one compliant baseline registration per resource type and changes exactly one input
(or the resource name, for the names a provider would build). Inputs are wire values, as the recorder keeps
them: camelCase names, the unknown sentinel for computed values, the secret wrapper.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from offline_preview.provider_constraints import (
    RULES,
    Refusal,
    check_registrations,
    check_resource,
    report,
)
from tests.session_cache import recorded_registrations

from .conftest import FIXTURES, REPOSITORY, SECRET, UNKNOWN, preview

SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
DEFAULT_SECURITY_GROUP = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
SECURITY_GROUP_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
LOAD_BALANCER = "aws:lb/loadBalancer:LoadBalancer"
TARGET_GROUP = "aws:lb/targetGroup:TargetGroup"
ROLE = "aws:iam/role:Role"
POLICY = "aws:iam/policy:Policy"
RDS_INSTANCE = "aws:rds/instance:Instance"
SUBNET_GROUP = "aws:rds/subnetGroup:SubnetGroup"
PARAMETER_GROUP = "aws:rds/parameterGroup:ParameterGroup"
BUCKET = "aws:s3/bucket:Bucket"
ALIAS = "aws:kms/alias:Alias"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
RECORD = "aws:route53/record:Record"
CLUSTER = "aws:eks/cluster:Cluster"
NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
SECRET_TYPE = "aws:secretsmanager/secret:Secret"
VPC = "aws:ec2/vpc:Vpc"
AWS_PROVIDER = "pulumi:providers:aws"
NAMESPACE = "kubernetes:core/v1:Namespace"
SERVICE = "kubernetes:core/v1:Service"
CONFIG_MAP = "kubernetes:core/v1:ConfigMap"
STATEFUL_SET = "kubernetes:apps/v1:StatefulSet"
JOB = "kubernetes:batch/v1:Job"
CRON_JOB = "kubernetes:batch/v1:CronJob"

LABELS = {"app.kubernetes.io/name": "timescaledb", "data-classification": "telemetry"}

BASELINES: dict[str, tuple[str, dict[str, Any]]] = {
    SECURITY_GROUP: (
        "eu-node-sg",
        {
            "description": "Cluster nodes: load balancer ingress (egress through the EKS cluster group)",
            "vpcId": UNKNOWN,
            "ingress": [{"description": "HTTPS from the VPC", "fromPort": 443.0, "toPort": 443.0}],
            "tags": {"Name": "eu-node-sg"},
        },
    ),
    DEFAULT_SECURITY_GROUP: ("eu-default-sg", {"vpcId": UNKNOWN, "egress": [{"description": "none"}]}),
    SECURITY_GROUP_RULE: ("eu-rule", {"type": "ingress", "description": "PostgreSQL from the nodes"}),
    INGRESS_RULE: ("eu-alb-in-80", {"description": "Public web entry on 80", "securityGroupId": UNKNOWN}),
    LOAD_BALANCER: ("eu-alb", {"loadBalancerType": "application", "internal": False}),
    TARGET_GROUP: ("eu-tg", {"port": 8080.0, "protocol": "HTTP"}),
    ROLE: ("eu-node-role", {"assumeRolePolicy": "{}", "path": "/", "tags": {"Name": "eu-node-role"}}),
    POLICY: ("eu-read-logs", {"name": "eu-read-logs", "policy": "{}", "path": "/residency/"}),
    RDS_INSTANCE: (
        "eu-pii-instance",
        {"identifier": "eu-pii", "finalSnapshotIdentifier": "eu-pii-final-snapshot", "engine": "postgres"},
    ),
    SUBNET_GROUP: ("eu-pii-subnet-group", {"subnetIds": [UNKNOWN, UNKNOWN]}),
    PARAMETER_GROUP: ("eu-pii-parameter-group", {"family": "postgres17"}),
    BUCKET: ("archive", {"bucket": "residency-archive-eu-west-1"}),
    ALIAS: ("eu-pii-alias", {"name": "alias/eu-pii", "targetKeyId": UNKNOWN}),
    LOG_GROUP: ("eu-flow-logs", {"name": "/aws/vpc-flow-logs/eu", "retentionInDays": 90.0}),
    RECORD: (
        "eu-dns-latency",
        {"name": "app.example.com", "type": "A", "setIdentifier": "eu-west-1", "zoneId": "Z0123456789"},
    ),
    CLUSTER: ("eu-cluster", {"name": "eu-cluster", "version": "1.33"}),
    NODE_GROUP: ("eu-nodes", {"clusterName": "eu-cluster", "amiType": "AL2023_x86_64_STANDARD"}),
    LAUNCH_TEMPLATE: ("eu-nodes", {"description": "Encrypted root volume and IMDSv2 for eu-cluster nodes"}),
    SECRET_TYPE: ("eu-pii-credentials", {"kmsKeyId": UNKNOWN}),
    VPC: ("eu-vpc", {"cidrBlock": "10.10.0.0/16", "tags": {"Name": "eu-vpc", "team": "platform"}}),
    AWS_PROVIDER: (
        "aws-eu-west-1",
        {"region": "eu-west-1", "defaultTags": json.dumps({"tags": {"jurisdiction": "EU"}})},
    ),
    NAMESPACE: ("eu-telemetry", {"metadata": {"name": "telemetry", "labels": dict(LABELS)}}),
    SERVICE: ("eu-telemetry-store-service", {"metadata": {"name": "eu-telemetry-store"}}),
    CONFIG_MAP: (
        "eu-telemetry-sql",
        {"metadata": {"name": "eu-telemetry-sql"}, "data": {"a.sql": "select 1"}},
    ),
    STATEFUL_SET: (
        "eu-telemetry-store-statefulset",
        {
            "metadata": {"name": "eu-telemetry-store", "annotations": {"residency/pg-hba-sha256": "0a1b"}},
            "spec": {
                "selector": {"matchLabels": dict(LABELS)},
                "template": {"metadata": {"labels": dict(LABELS)}},
            },
        },
    ),
    JOB: ("eu-telemetry-store-schema-job", {"metadata": {"name": "eu-telemetry-store-schema"}}),
    CRON_JOB: ("eu-telemetry-anonymise-cron-job", {"metadata": {"name": "eu-telemetry-anonymise"}}),
}


def _registration(type_token: str, change: dict[str, Any], name: str | None = None) -> dict[str, Any]:
    """The baseline registration of a type with `change` merged into its inputs (None removes a key)."""
    baseline_name, inputs = BASELINES[type_token]
    merged = json.loads(json.dumps(inputs))
    for key, value in change.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    resource_name = name or baseline_name
    return {
        "urn": f"urn:pulumi:test::fixture::{type_token}::{resource_name}",
        "type": type_token,
        "name": resource_name,
        "custom": True,
        "inputs": merged,
    }


def _refusals(type_token: str, change: dict[str, Any], name: str | None = None) -> list[Refusal]:
    return check_registrations([_registration(type_token, change, name)])


def _statefulset_labels(labels: dict[str, str]) -> dict[str, Any]:
    """The StatefulSet baseline's spec with different pod template labels."""
    spec = json.loads(json.dumps(BASELINES[STATEFUL_SET][1]["spec"]))
    spec["template"]["metadata"]["labels"] = labels
    return {"spec": spec}


# (rule, type, change to the baseline's inputs, resource name or None, the property the refusal names)
BROKEN: list[tuple[str, str, dict[str, Any], str | None, str]] = [
    ("ec2-security-group-name", SECURITY_GROUP, {"name": "sg-web"}, None, "name"),
    ("ec2-security-group-name-characters", SECURITY_GROUP, {"name": "web|tier"}, None, "name"),
    ("ec2-security-group-name-prefix", SECURITY_GROUP, {"namePrefix": "sg-web"}, None, "namePrefix"),
    (
        "ec2-security-group-description-length",
        SECURITY_GROUP,
        {"description": "d" * 256},
        None,
        "description",
    ),
    (
        "ec2-security-group-description",
        SECURITY_GROUP,
        {"description": "Cluster nodes: load balancer ingress; egress is the EKS cluster group's"},
        None,
        "description",
    ),
    (
        "ec2-security-group-inline-rule-description",
        SECURITY_GROUP,
        {"ingress": [{"description": "SSH from the customer's office", "fromPort": 22.0, "toPort": 22.0}]},
        None,
        "ingress[0].description",
    ),
    (
        "ec2-security-group-rule-description",
        SECURITY_GROUP_RULE,
        {"description": "nodes -> database"},
        None,
        "description",
    ),
    (
        "vpc-security-group-rule-description",
        INGRESS_RULE,
        {"description": "web traffic > 80"},
        None,
        "description",
    ),
    ("elb-load-balancer-name", LOAD_BALANCER, {"name": "internal-web"}, None, "name"),
    ("elb-load-balancer-name-prefix", LOAD_BALANCER, {"namePrefix": "public1"}, None, "namePrefix"),
    ("elb-target-group-name", TARGET_GROUP, {"name": "web-"}, None, "name"),
    ("elb-target-group-name-prefix", TARGET_GROUP, {"namePrefix": "-web"}, None, "namePrefix"),
    ("iam-role-name", ROLE, {"name": "r" * 65}, None, "name"),
    ("iam-role-name-prefix", ROLE, {"namePrefix": "eu node"}, None, "namePrefix"),
    ("iam-policy-name", POLICY, {"name": "read:logs"}, None, "name"),
    ("iam-path", ROLE, {"path": "service-role"}, None, "path"),
    ("rds-instance-identifier", RDS_INSTANCE, {"identifier": "eu--pii"}, None, "identifier"),
    ("rds-instance-identifier-length", RDS_INSTANCE, {"identifier": "p" * 64}, None, "identifier"),
    (
        "rds-final-snapshot-identifier",
        RDS_INSTANCE,
        {"finalSnapshotIdentifier": "eu-pii-final-"},
        None,
        "finalSnapshotIdentifier",
    ),
    ("rds-subnet-group-name", SUBNET_GROUP, {"name": "default"}, None, "name"),
    ("rds-parameter-group-name", PARAMETER_GROUP, {"name": "17-tls-only"}, None, "name"),
    ("s3-bucket-name", BUCKET, {"bucket": "residency_archive"}, None, "bucket"),
    ("kms-alias-name", ALIAS, {"name": "alias/aws/eu-pii"}, None, "name"),
    ("logs-log-group-name", LOG_GROUP, {"name": "/aws/eks/eu cluster"}, None, "name"),
    ("logs-retention-in-days", LOG_GROUP, {"retentionInDays": 45.0}, None, "retentionInDays"),
    ("route53-record-name", RECORD, {"name": "app..example.com"}, None, "name"),
    ("route53-set-identifier", RECORD, {"setIdentifier": "s" * 129}, None, "setIdentifier"),
    ("eks-cluster-name", CLUSTER, {"name": "-eu-cluster"}, None, "name"),
    ("eks-node-group-name", NODE_GROUP, {"nodeGroupName": "n" * 64}, None, "nodeGroupName"),
    (
        "eks-node-group-name-prefix",
        NODE_GROUP,
        {"nodeGroupNamePrefix": "n" * 38},
        None,
        "nodeGroupNamePrefix",
    ),
    ("ec2-launch-template-name", LAUNCH_TEMPLATE, {"name": "eu nodes"}, None, "name"),
    ("ec2-launch-template-name-prefix", LAUNCH_TEMPLATE, {"namePrefix": "eu"}, None, "namePrefix"),
    ("ec2-launch-template-description", LAUNCH_TEMPLATE, {"description": "d" * 256}, None, "description"),
    ("secretsmanager-secret-name", SECRET_TYPE, {"name": "eu pii credentials"}, None, "name"),
    ("aws-tag-key", VPC, {"tags": {"Name": "eu-vpc", "aws:owner": "platform"}}, None, 'tags key "aws:owner"'),
    ("aws-tag-value", VPC, {"tags": {"Name": "eu-vpc", "team": "platform & data"}}, None, 'tags["team"]'),
    ("aws-tag-count", VPC, {"tags": {f"tag-{index}": "x" for index in range(51)}}, None, "tags"),
    ("kubernetes-namespace-name", NAMESPACE, {"metadata": {"name": "Telemetry"}}, None, "metadata.name"),
    ("kubernetes-service-name", SERVICE, {"metadata": {"name": "1-telemetry-store"}}, None, "metadata.name"),
    ("kubernetes-object-name", CONFIG_MAP, {"metadata": {"name": "telemetry_sql"}}, None, "metadata.name"),
    ("kubernetes-job-name", JOB, {"metadata": {"name": "j" * 64}}, None, "metadata.name"),
    ("kubernetes-cron-job-name", CRON_JOB, {"metadata": {"name": "c" * 53}}, None, "metadata.name"),
    (
        "kubernetes-label-key",
        STATEFUL_SET,
        _statefulset_labels({**LABELS, "residency/sql server": "store"}),
        None,
        'spec.template.metadata.labels key "residency/sql server"',
    ),
    (
        "kubernetes-label-value",
        STATEFUL_SET,
        _statefulset_labels({**LABELS, "app.kubernetes.io/name": "timescale db"}),
        None,
        'spec.template.metadata.labels["app.kubernetes.io/name"]',
    ),
    (
        "kubernetes-annotation-key",
        STATEFUL_SET,
        {"metadata": {"name": "eu-telemetry-store", "annotations": {"-residency": "x"}}},
        None,
        'metadata.annotations key "-residency"',
    ),
    ("pulumi-autoname-length", TARGET_GROUP, {}, "eu-telemetry-replication-tg", "name"),
]


@pytest.mark.parametrize("type_token", sorted(BASELINES))
def test_every_baseline_is_accepted(type_token: str) -> None:
    """The compliant baselines pass, so each case below fails only for its one change."""
    assert _refusals(type_token, {}) == []


@pytest.mark.parametrize(("rule", "type_token", "change", "name", "prop"), BROKEN, ids=[c[0] for c in BROKEN])
def test_the_rule_refuses_its_broken_value(
    rule: str, type_token: str, change: dict[str, Any], name: str | None, prop: str
) -> None:
    """One change to the baseline gives one refusal, of this rule, naming the resource and property."""
    refusals = _refusals(type_token, change, name)
    assert [(refusal.rule.name, refusal.property) for refusal in refusals] == [(rule, prop)], report(refusals)
    first_line = refusals[0].render().splitlines()[0]
    resource = name or BASELINES[type_token][0]
    assert first_line.startswith(f"error: {type_token} '{resource}': {prop}: {refusals[0].rule.code}: ")


def test_every_rule_in_the_table_is_broken_by_a_case() -> None:
    """A rule added to the table without a case here fails this test."""
    assert {rule.name for rule in RULES} | {"pulumi-autoname-length"} == {case[0] for case in BROKEN}


def test_every_rule_cites_its_source_and_says_when_it_fails() -> None:
    """Each rule names where it is written down and whether preview or update refuses it."""
    for rule in RULES:
        assert rule.source and rule.message and rule.code, rule.name
        assert rule.stage in ("preview", "update"), rule.name
        assert rule.types and rule.paths and rule.checks, rule.name


def test_the_node_security_group_description_fails_at_update_with_ec2s_own_message() -> None:
    """The apostrophe of issue 13: EC2 refuses it during `pulumi up`, with InvalidParameterValue."""
    description = "Cluster nodes: load balancer ingress; egress is the EKS cluster group's"
    [refusal] = _refusals(SECURITY_GROUP, {"description": description})
    text = refusal.render()
    assert "InvalidParameterValue: Invalid security group description." in text
    assert 'contains "\'"' in text
    assert "during `pulumi up`" in text
    assert refusal.urn in text


# Names the provider builds --------------------------------------------------------------------------------


def test_a_load_balancer_autonamed_from_a_long_resource_name_is_refused() -> None:
    """pulumi-aws autonames `<name>-<7 hex>` within 255; 25 characters of name give 33, over ELB's 32."""
    [refusal] = _refusals(LOAD_BALANCER, {}, name="eu-telemetry-regional-alb")
    assert (refusal.rule.name, refusal.property, refusal.autonamed) == (
        "elb-load-balancer-name",
        "name",
        True,
    )
    assert "is 33 characters long; at most 32" in refusal.finding


def test_a_name_prefix_replaces_the_autoname_so_the_resource_name_is_not_checked() -> None:
    """With `namePrefix` the provider builds the name from the prefix: only the prefix rule applies."""
    assert _refusals(LOAD_BALANCER, {"namePrefix": "eu"}, name="eu-telemetry-regional-alb") == []


def test_an_rds_identifier_autonamed_from_an_upper_case_resource_name_is_refused() -> None:
    """pulumi-aws does not lower-case the instance identifier it builds; the provider then refuses it."""
    [refusal] = _refusals(RDS_INSTANCE, {"identifier": None}, name="EuPii")
    assert (refusal.rule.name, refusal.autonamed) == ("rds-instance-identifier", True)


def test_a_kubernetes_object_autonamed_from_an_upper_case_resource_name_is_refused() -> None:
    """pulumi-kubernetes names the object `<name>-<8 hex>`, not lower-cased; the API server refuses it."""
    [refusal] = _refusals(CONFIG_MAP, {"metadata": {}}, name="TelemetrySql")
    assert (refusal.rule.name, refusal.property, refusal.autonamed) == (
        "kubernetes-object-name",
        "metadata.name",
        True,
    )


def test_an_autonamed_kms_alias_gets_the_alias_prefix_the_provider_adds() -> None:
    """pulumi-aws builds `alias/<name>-<7 hex>`, which KMS accepts (without the prefix it would not)."""
    assert _refusals(ALIAS, {"name": None}, name="eu-pii") == []


def test_an_autonamed_kms_alias_in_the_reserved_aws_namespace_is_refused() -> None:
    """A resource name already starting with alias/ keeps it, so alias/aws/... stays reserved."""
    [refusal] = _refusals(ALIAS, {"name": None}, name="alias/aws/eu-pii")
    assert (refusal.rule.name, refusal.autonamed) == ("kms-alias-name", True)


def test_generate_name_leaves_the_name_to_the_api_server() -> None:
    """`metadata.generateName` means neither the provider nor this check builds a name."""
    assert _refusals(CONFIG_MAP, {"metadata": {"generateName": "telemetry-sql-"}}, name="TelemetrySql") == []


# Wire values ---------------------------------------------------------------------------------------------


def test_unknown_values_are_skipped_and_do_not_count_as_left_out() -> None:
    """A computed name is unknown at preview: it is neither checked nor replaced by an autoname."""
    assert _refusals(SECURITY_GROUP, {"description": UNKNOWN, "name": UNKNOWN}, name="sg-web") == []


def test_deserialised_unknowns_of_the_test_harness_are_skipped() -> None:
    """Outside preview the SDK deserialises an unknown as None; it is skipped the same way."""
    assert check_resource(LOAD_BALANCER, "eu-telemetry-regional-alb", {"name": None}) == []


def test_a_secret_value_is_checked_but_never_printed() -> None:
    """The refusal names the tag but not its value."""
    value = "platform & data"
    [refusal] = _refusals(VPC, {"tags": {"Name": "eu-vpc", "team": {**SECRET, "value": value}}})
    assert refusal.rule.name == "aws-tag-value"
    assert value not in refusal.render()
    assert "a secret, not shown" in refusal.render()


def test_the_providers_default_tags_are_checked_in_the_json_the_sdk_sends() -> None:
    """Provider inputs travel as JSON strings; default tags reach every resource, so they are checked too."""
    default_tags = json.dumps({"tags": {"jurisdiction": "EU", "AWS:owner": "platform"}})
    [refusal] = _refusals(AWS_PROVIDER, {"defaultTags": default_tags})
    assert (refusal.rule.name, refusal.property) == ("aws-tag-key", 'defaultTags.tags key "AWS:owner"')


def test_json_held_in_a_config_map_is_data_not_the_objects_labels() -> None:
    """A file in a ConfigMap may mention `labels`; only the object's own label maps are checked."""
    document = json.dumps({"labels": {"not a label key": "not a label value!"}})
    change = {"metadata": {"name": "eu-telemetry-sql"}, "data": {"dashboard.json": document}}
    assert _refusals(CONFIG_MAP, change) == []


def test_components_and_reads_are_not_checked() -> None:
    """Only custom resources reach a provider; a read creates nothing."""
    component = {**_registration(SECURITY_GROUP, {"name": "sg-web"}), "custom": False}
    read = {**_registration(SECURITY_GROUP, {"name": "sg-web"}), "read": True}
    assert check_registrations([component, read]) == []


def test_the_report_lists_every_refusal_and_a_summary() -> None:
    """The preview prints this on stderr before exiting 2."""
    refusals = _refusals(SECURITY_GROUP, {"name": "sg-web", "description": "the group's"})
    text = report(refusals)
    assert text.count("\nerror: ") + text.startswith("error: ") == 3
    assert text.splitlines()[-1].startswith("error: 2 value(s) that the providers or AWS would refuse")


# The preview and the real stacks ----------------------------------------------------------------------------


def test_the_preview_exits_2_naming_each_refused_resource_and_property() -> None:
    """A program the mocks run happily fails the preview as pulumi would: exit 2, one error per value."""
    result = preview("-s", "test", "-C", str(FIXTURES / "refused"))
    assert result.returncode == 2, result.stdout + result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    heads = {": ".join(line.split(": ")[:4]) for line in errors[:-1]}
    assert heads == {
        "error: aws:ec2/securityGroup:SecurityGroup 'web': description: InvalidParameterValue",
        "error: aws:lb/loadBalancer:LoadBalancer 'regional-load-balancer-for-the-web': name: CheckFailure",
        "error: aws:dlm/lifecyclePolicy:LifecyclePolicy 'volumes-daily': "
        "policyDetails.schedules[0].share_rules: CheckFailure",
    }
    assert "did you mean `share_rule`" in result.stderr
    assert errors[-1].startswith("error: 3 value(s) that the providers or AWS would refuse")
    assert result.stdout == ""


@pytest.mark.parametrize("stack", ["eu", "india"])
def test_the_real_stacks_register_only_values_the_providers_accept(stack: str) -> None:
    """Both region stacks, recorded as the offline preview records them, pass every rule of the table."""
    refusals = check_registrations(recorded_registrations(REPOSITORY, stack))
    assert refusals == [], report(refusals)
