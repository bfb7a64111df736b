"""pii-not-public judges what a rule admits, not only its CIDR: groups of other accounts or of internet-facing
load balancers, load balancers that target the store, the default group of a store that names none, rules
that reach the store's group by id or through the store's outputs, and every service's public switch."""

from __future__ import annotations

import json

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import OTHER_ACCOUNT, PII, store
from tests.policies.policy_harness import MODE, UNKNOWN, Res, computed_outputs, messages, violations

POLICY = "pii-not-public"


def _about(found: list, resource: Res) -> str:
    return messages([d for d in found if d.urn == resource.urn])


def _rule(region: Region, name: str, **props: object) -> Res:
    return Res(
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        name,
        {"ipProtocol": "tcp", "fromPort": 5432, "toPort": 5432, "securityGroupId": UNKNOWN, **props},
        region.provider,
        deps={"securityGroupId": [region.database_group]},
    )


def test_the_baseline_is_private() -> None:
    assert violations(eu_region().resources, POLICY) == []


def test_a_group_of_another_account_admitted_by_the_store_is_blocked() -> None:
    region = eu_region()
    rule = _rule(region, "from-partner", referencedSecurityGroupId=f"{OTHER_ACCOUNT}/sg-0a1b2c3d4e5f60718")
    found = violations([*region.resources, rule], POLICY)
    assert [d.urn for d in found] == [region.database.urn]
    assert f"of account {OTHER_ACCOUNT}" in found[0].message


def test_a_group_the_stack_does_not_declare_admitted_by_the_store_is_blocked() -> None:
    region = eu_region()
    rule = _rule(region, "from-elsewhere", referencedSecurityGroupId="sg-0a1b2c3d4e5f60718")
    assert "sg-0a1b2c3d4e5f60718, which is not declared in this stack" in _about(
        violations([*region.resources, rule], POLICY), region.database
    )


def test_a_group_declared_in_another_account_is_blocked() -> None:
    region = eu_region()
    partner = Res("aws:ec2/securityGroup:SecurityGroup", "partner", {"vpcId": UNKNOWN}, _partner_provider())
    rule = _rule(region, "from-partner", referencedSecurityGroupId=UNKNOWN)
    rule.deps["referencedSecurityGroupId"] = [partner]
    assert f"in {OTHER_ACCOUNT}" in _about(
        violations([*region.resources, partner, rule], POLICY), region.database
    )


def _partner_provider() -> Res:
    provider = Res("pulumi:providers:aws", "partner", {"region": "eu-west-1"})
    provider.props["assumeRoles"] = json.dumps([{"roleArn": f"arn:aws:iam::{OTHER_ACCOUNT}:role/deployer"}])
    return provider


def _balancer(region: Region, internal: bool, kind: str = "application") -> tuple[Res, Res]:
    group = Res(
        "aws:ec2/securityGroup:SecurityGroup",
        "lb",
        {"vpcId": UNKNOWN},
        region.provider,
        deps={"vpcId": [region.vpc]},
    )
    balancer = Res(
        "aws:lb/loadBalancer:LoadBalancer",
        "edge",
        {
            "internal": internal,
            "loadBalancerType": kind,
            "securityGroups": [UNKNOWN],
            "subnets": ["subnet-1"],
        },
        region.provider,
        deps={"securityGroups": [group]},
    )
    return group, balancer


def test_the_group_of_an_internet_facing_load_balancer_admitted_by_the_store_is_blocked() -> None:
    region = eu_region()
    group, balancer = _balancer(region, internal=False)
    rule = _rule(region, "from-edge", referencedSecurityGroupId=UNKNOWN)
    rule.deps["referencedSecurityGroupId"] = [group]
    found = violations([*region.resources, group, balancer, rule], POLICY)
    assert "the group of the internet-facing aws:lb/loadBalancer:LoadBalancer 'edge'" in _about(
        found, region.database
    )


def test_the_group_of_an_internal_load_balancer_is_allowed() -> None:
    region = eu_region()
    group, balancer = _balancer(region, internal=True)
    rule = _rule(region, "from-internal", referencedSecurityGroupId=UNKNOWN)
    rule.deps["referencedSecurityGroupId"] = [group]
    assert violations([*region.resources, group, balancer, rule], POLICY) == []


def test_an_internet_facing_network_load_balancer_targeting_the_store_is_blocked() -> None:
    region = eu_region()
    _, balancer = _balancer(region, internal=False, kind="network")
    target_group = Res(
        "aws:lb/targetGroup:TargetGroup",
        "postgres",
        {"port": 5432, "protocol": "TCP", "targetType": "ip", "vpcId": UNKNOWN},
        region.provider,
        deps={"vpcId": [region.vpc]},
    )
    attachment = Res(
        "aws:lb/targetGroupAttachment:TargetGroupAttachment",
        "postgres-target",
        {"targetGroupArn": UNKNOWN, "targetId": UNKNOWN, "port": 5432},
        region.provider,
        deps={"targetGroupArn": [target_group], "targetId": [region.database]},
    )
    listener = Res(
        "aws:lb/listener:Listener",
        "postgres",
        {
            "loadBalancerArn": UNKNOWN,
            "port": 5432,
            "protocol": "TCP",
            "defaultActions": [{"type": "forward", "targetGroupArn": UNKNOWN}],
        },
        region.provider,
        deps={"loadBalancerArn": [balancer], "defaultActions": [target_group]},
    )
    found = violations([*region.resources, balancer, target_group, attachment, listener], POLICY)
    assert "the internet-facing aws:lb/loadBalancer:LoadBalancer 'edge' forwards to it" in _about(
        found, region.database
    )


def test_a_store_without_groups_is_judged_by_the_default_group_the_stack_declares() -> None:
    region = eu_region()
    region.database.props.pop("vpcSecurityGroupIds")
    region.database.deps.pop("vpcSecurityGroupIds")
    default = Res(
        "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
        "default",
        {"vpcId": UNKNOWN, "ingress": []},
        region.provider,
        deps={"vpcId": [region.vpc]},
    )
    assert violations([*region.resources, default], POLICY) == []
    default.props["ingress"] = [{"protocol": "-1", "fromPort": 0, "toPort": 0, "cidrBlocks": ["0.0.0.0/0"]}]
    found = violations([*region.resources, default], POLICY)
    assert "0.0.0.0/0, the whole internet" in _about(found, region.database)


def test_a_rule_computed_from_the_stores_own_outputs_reaches_its_group() -> None:
    region = eu_region()
    rule = Res(
        "aws:ec2/securityGroupRule:SecurityGroupRule",
        "debug",
        {
            "type": "ingress",
            "protocol": "tcp",
            "fromPort": 5432,
            "toPort": 5432,
            "cidrBlocks": ["0.0.0.0/0"],
            "securityGroupId": UNKNOWN,
        },
        region.provider,
        deps={"securityGroupId": [region.database]},
    )
    assert "0.0.0.0/0, the whole internet" in _about(
        violations([*region.resources, rule], POLICY), region.database
    )


@pytest.mark.deployed_only("a group's id is known only once it exists")
def test_a_rule_naming_the_stores_group_by_its_known_id_reaches_it() -> None:
    region = eu_region()
    group_id = computed_outputs(region.database_group)["id"]
    rule = Res(
        "aws:ec2/securityGroupRule:SecurityGroupRule",
        "debug",
        {
            "type": "ingress",
            "protocol": "tcp",
            "fromPort": 5432,
            "toPort": 5432,
            "cidrBlocks": ["0.0.0.0/0"],
            "securityGroupId": group_id,
        },
        region.provider,
    )
    assert MODE.get() == "deployed"
    assert "0.0.0.0/0, the whole internet" in _about(
        violations([*region.resources, rule], POLICY), region.database
    )


def test_public_access_to_a_pii_kafka_cluster_is_blocked() -> None:
    region = eu_region()
    cluster = store(
        region,
        "aws:msk/cluster:Cluster",
        "events",
        {
            "clusterName": "events",
            "kafkaVersion": "3.6.0",
            "numberOfBrokerNodes": 3,
            "brokerNodeGroupInfo": {
                "instanceType": "kafka.m5.large",
                "clientSubnets": ["subnet-1"],
                "securityGroups": [UNKNOWN],
                "connectivityInfo": {"publicAccess": {"type": "SERVICE_PROVIDED_EIPS"}},
            },
        },
    )
    cluster.deps["brokerNodeGroupInfo"] = [region.database_group]
    assert "public access (SERVICE_PROVIDED_EIPS)" in _about(
        violations([*region.resources, cluster], POLICY), cluster
    )


def test_a_publicly_accessible_serverless_workgroup_of_a_pii_namespace_is_blocked() -> None:
    region = eu_region()
    namespace = store(
        region, "aws:redshiftserverless/namespace:Namespace", "warehouse", {"namespaceName": "warehouse"}
    )
    workgroup = Res(
        "aws:redshiftserverless/workgroup:Workgroup",
        "warehouse",
        {"namespaceName": UNKNOWN, "workgroupName": "warehouse", "publiclyAccessible": True},
        region.provider,
        deps={"namespaceName": [namespace]},
    )
    found = violations([*region.resources, namespace, workgroup], POLICY)
    assert "everyone" in _about(found, workgroup)


def test_a_publicly_accessible_lightsail_database_is_blocked() -> None:
    region = eu_region()
    database = store(
        region,
        "aws:lightsail/database:Database",
        "customers",
        {"relationalDatabaseName": "customers", "publiclyAccessible": True, "blueprintId": "postgres_16"},
    )
    assert "publicly accessible" in _about(violations([*region.resources, database], POLICY), database)


def test_an_opensearch_domain_open_to_everyone_is_blocked() -> None:
    region = eu_region()
    domain = store(
        region,
        "aws:opensearch/domain:Domain",
        "search",
        {
            "domainName": "search",
            "accessPolicies": json.dumps(
                {"Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "es:*"}]}
            ),
        },
    )
    found = violations([*region.resources, domain], POLICY)
    assert "everyone" in _about(found, domain) and "its endpoint is public" in _about(found, domain)


def test_an_unauthenticated_function_url_of_a_function_holding_no_data_is_not_this_rules_concern() -> None:
    region = eu_region()
    function = Res(
        "aws:lambda/function:Function", "site", {"runtime": "python3.12", "handler": "a.b"}, region.provider
    )
    url = Res(
        "aws:lambda/functionUrl:FunctionUrl",
        "site",
        {"functionName": UNKNOWN, "authorizationType": "NONE"},
        region.provider,
        deps={"functionName": [function]},
    )
    assert violations([*region.resources, function, url], POLICY) == []


def test_a_pii_bucket_behind_an_account_level_public_access_block_needs_no_bucket_level_one() -> None:
    region = eu_region()
    bucket = store(region, "aws:s3/bucket:Bucket", "documents", {"bucket": "documents-eu"})
    account_block = Res(
        "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock",
        "account",
        {
            "blockPublicAcls": True,
            "blockPublicPolicy": True,
            "ignorePublicAcls": True,
            "restrictPublicBuckets": True,
        },
        region.provider,
    )
    assert "no public access block" in _about(violations([*region.resources, bucket], POLICY), bucket)
    assert violations([*region.resources, bucket, account_block], POLICY) == []


PII_TAGS = PII


def _service(region: Region, annotations: dict[str, str]) -> Res:
    region.telemetry.props["spec"]["template"] = {"metadata": {"labels": {"app": "timescaledb"}}}
    region.telemetry.props["metadata"]["labels"]["data-classification"] = "pii"
    region.telemetry.props["spec"]["volumeClaimTemplates"][0]["metadata"]["labels"]["data-classification"] = (
        "pii"
    )
    return Res(
        "kubernetes:core/v1:Service",
        "timescaledb-public",
        {
            "metadata": {"namespace": "telemetry", "annotations": annotations},
            "spec": {"type": "LoadBalancer", "selector": {"app": "timescaledb"}, "ports": [{"port": 5432}]},
        },
        region.kubernetes,
    )


def test_a_kubernetes_service_publishing_pii_pods_through_a_public_load_balancer_is_blocked() -> None:
    region = eu_region()
    service = _service(region, {})
    found = violations([*region.resources, service], POLICY)
    assert "publishes kubernetes:apps/v1:StatefulSet 'timescaledb'" in _about(found, service)


SCHEME = "service.beta.kubernetes.io/aws-load-balancer-scheme"
INTERNAL = "service.beta.kubernetes.io/aws-load-balancer-internal"
LB_TYPE = "service.beta.kubernetes.io/aws-load-balancer-type"


@pytest.mark.parametrize(
    ("annotations", "load_balancer_class"),
    [
        ({SCHEME: "internal"}, "service.k8s.aws/nlb"),
        ({SCHEME: "internal", LB_TYPE: "external"}, None),
        ({INTERNAL: "true"}, "service.k8s.aws/nlb"),
        ({INTERNAL: "true"}, None),
        ({INTERNAL: "true", SCHEME: "internal", LB_TYPE: "nlb"}, None),
        # EKS Auto Mode's class reads the scheme annotation (docs.aws.amazon.com/eks/latest/userguide/
        # auto-configure-nlb.html).
        ({SCHEME: "internal"}, "eks.amazonaws.com/nlb"),
    ],
    ids=[
        "class-scheme",
        "external-type-scheme",
        "class-legacy",
        "in-tree",
        "in-tree-and-controller",
        "auto-mode",
    ],
)
def test_a_kubernetes_service_behind_an_internal_load_balancer_is_allowed(
    annotations: dict[str, str], load_balancer_class: str | None
) -> None:
    region = eu_region()
    service = _service(region, annotations)
    if load_balancer_class is not None:
        service.props["spec"]["loadBalancerClass"] = load_balancer_class
    assert _about(violations([*region.resources, service], POLICY), service) == ""


@pytest.mark.parametrize(
    ("annotations", "load_balancer_class", "why"),
    [
        # The AWS Load Balancer Controller reads the scheme annotation first: it wins over the legacy one.
        (
            {INTERNAL: "true", SCHEME: "internet-facing", LB_TYPE: "external"},
            "service.k8s.aws/nlb",
            "the AWS Load Balancer Controller makes it internet-facing",
        ),
        (
            {INTERNAL: "true", "service.kubernetes.io/aws-load-balancer-scheme": "internet-facing"},
            "service.k8s.aws/nlb",
            "the AWS Load Balancer Controller makes it internet-facing",
        ),
        # With no class the in-tree cloud provider may publish it, and it never reads the scheme annotation.
        ({SCHEME: "internal"}, None, "the in-tree cloud provider makes it internet-facing"),
        ({SCHEME: "internal", LB_TYPE: "nlb"}, None, "the in-tree cloud provider makes it internet-facing"),
        (
            {INTERNAL: "false", SCHEME: "internal"},
            None,
            "the in-tree cloud provider makes it internet-facing",
        ),
        ({SCHEME: "internet-facing"}, "eks.amazonaws.com/nlb", "EKS Auto Mode makes it internet-facing"),
        # Auto Mode documents the scheme annotation only: the legacy one is not shown to make it internal.
        ({INTERNAL: "true"}, "eks.amazonaws.com/nlb", "EKS Auto Mode makes it internet-facing"),
    ],
    ids=[
        "scheme-over-legacy",
        "other-prefix",
        "in-tree-scheme-only",
        "in-tree-nlb",
        "in-tree-false",
        "auto-mode-public",
        "auto-mode-legacy",
    ],
)
def test_a_kubernetes_service_internal_only_for_a_controller_that_does_not_publish_it_is_blocked(
    annotations: dict[str, str], load_balancer_class: str | None, why: str
) -> None:
    region = eu_region()
    service = _service(region, annotations)
    if load_balancer_class is not None:
        service.props["spec"]["loadBalancerClass"] = load_balancer_class
    found = _about(violations([*region.resources, service], POLICY), service)
    assert "publishes kubernetes:apps/v1:StatefulSet 'timescaledb'" in found
    assert why in found
