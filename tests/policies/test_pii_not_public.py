"""pii-not-public: PII stores are private and no security-group rule opens them beyond their own VPC."""

from __future__ import annotations

from tests.policies.baseline import eu_region
from tests.policies.copies import PII, store
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

POLICY = "pii-not-public"
PEER_VPC = "10.20.0.0/16"


def test_compliant_baseline_has_no_violation() -> None:
    assert violations(eu_region().resources, POLICY) == []


def test_a_publicly_accessible_database_is_blocked() -> None:
    region = eu_region()
    region.database.props["publiclyAccessible"] = True
    found = violations(region.resources, POLICY)
    assert [d.urn for d in found] == [region.database.urn]
    assert "it is publicly accessible" in found[0].message
    assert "GDPR" in found[0].message and "How to fix: set publiclyAccessible to false." in found[0].message


def test_public_accessibility_unknown_at_preview_is_blocked() -> None:
    region = eu_region()
    region.database.props["publiclyAccessible"] = UNKNOWN
    assert "possibly publicly accessible" in messages(violations(region.resources, POLICY))


def test_an_inline_rule_open_to_the_internet_is_blocked() -> None:
    region = eu_region()
    region.database_group.props["ingress"].append(
        {"protocol": "tcp", "fromPort": 5432, "toPort": 5432, "cidrBlocks": ["0.0.0.0/0"]}
    )
    found = violations(region.resources, POLICY)
    assert [d.urn for d in found] == [region.database.urn]
    assert "admits 0.0.0.0/0, the whole internet" in found[0].message


def test_an_inline_rule_open_to_the_ipv6_internet_is_blocked() -> None:
    region = eu_region()
    region.database_group.props["ingress"].append({"protocol": "-1", "ipv6CidrBlocks": ["::/0"]})
    assert "::/0, the whole internet" in messages(violations(region.resources, POLICY))


def test_a_separate_rule_admitting_the_peered_vpc_of_the_other_region_is_blocked() -> None:
    region = eu_region()
    rule = Res(
        "aws:ec2/securityGroupRule:SecurityGroupRule",
        "from-peer",
        {
            "type": "ingress",
            "protocol": "tcp",
            "fromPort": 5432,
            "toPort": 5432,
            "cidrBlocks": [PEER_VPC],
            "securityGroupId": UNKNOWN,
        },
        region.provider,
        deps={"securityGroupId": [region.database_group]},
    )
    found = violations([*region.resources, rule], POLICY)
    assert [d.urn for d in found] == [region.database.urn]
    assert f"admits {PEER_VPC}, which lies outside the store's VPC (10.10.0.0/16)" in found[0].message


def test_an_ingress_rule_inside_the_vpc_is_allowed() -> None:
    region = eu_region()
    rule = Res(
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        "from-private-subnet",
        {
            "ipProtocol": "tcp",
            "fromPort": 5432,
            "toPort": 5432,
            "cidrIpv4": "10.10.32.0/20",
            "securityGroupId": UNKNOWN,
        },
        region.provider,
        deps={"securityGroupId": [region.database_group]},
    )
    assert violations([*region.resources, rule], POLICY) == []
    rule.props["cidrIpv4"] = PEER_VPC
    assert [d.urn for d in violations([*region.resources, rule], POLICY)] == [region.database.urn]


def test_a_secondary_cidr_of_the_vpc_counts_as_inside() -> None:
    region = eu_region()
    association = Res(
        "aws:ec2/vpcIpv4CidrBlockAssociation:VpcIpv4CidrBlockAssociation",
        "secondary",
        {"vpcId": UNKNOWN, "cidrBlock": "100.64.0.0/16"},
        region.provider,
        deps={"vpcId": [region.vpc]},
    )
    region.database_group.props["ingress"].append({"protocol": "tcp", "cidrBlocks": ["100.64.8.0/24"]})
    assert violations([*region.resources, association], POLICY) == []


def test_a_security_group_the_stack_does_not_declare_is_blocked() -> None:
    region = eu_region()
    region.database.props["vpcSecurityGroupIds"] = ["sg-0123456789abcdef0"]
    region.database.deps.pop("vpcSecurityGroupIds")
    assert "sg-0123456789abcdef0 is not declared in this stack" in messages(
        violations(region.resources, POLICY)
    )


def test_a_prefix_list_is_blocked() -> None:
    region = eu_region()
    region.database_group.props["ingress"].append({"protocol": "tcp", "prefixListIds": ["pl-12345"]})
    assert "prefix list pl-12345, which this stack does not declare" in messages(
        violations(region.resources, POLICY)
    )


def test_a_publicly_accessible_instance_of_a_pii_cluster_is_blocked() -> None:
    region = eu_region()
    cluster = store(region, "aws:rds/cluster:Cluster", "aurora", {"engine": "aurora-postgresql"})
    instance = Res(
        "aws:rds/clusterInstance:ClusterInstance",
        "aurora-1",
        {"clusterIdentifier": UNKNOWN, "publiclyAccessible": True},
        region.provider,
        deps={"clusterIdentifier": [cluster]},
    )
    found = violations([*region.resources, cluster, instance], POLICY)
    assert [d.urn for d in found] == [cluster.urn]
    assert "aws:rds/clusterInstance:ClusterInstance 'aurora-1' is publicly accessible" in found[0].message


def _aurora(**props: object) -> list[Res]:
    region = eu_region()
    cluster = store(region, "aws:rds/cluster:Cluster", "aurora", {"engine": "aurora-postgresql", **props})
    return [*region.resources, cluster]


def test_a_pii_cluster_with_the_data_api_off_is_not_exposed_by_it() -> None:
    assert violations(_aurora(enableHttpEndpoint=False), POLICY) == []


def test_a_pii_cluster_with_the_data_api_on_is_blocked() -> None:
    found = violations(_aurora(enableHttpEndpoint=True), POLICY)
    assert "RDS Data API (enableHttpEndpoint)" in messages(found)


def test_a_pii_cluster_whose_data_api_switch_is_unknown_at_preview_is_blocked() -> None:
    found = violations(_aurora(enableHttpEndpoint=UNKNOWN), POLICY)
    assert "RDS Data API (enableHttpEndpoint)" in messages(found)


def test_a_search_domain_outside_the_vpc_is_blocked() -> None:
    region = eu_region()
    domain = store(region, "aws:opensearch/domain:Domain", "search", {"domainName": "search"})
    assert "its endpoint is public" in messages(violations([*region.resources, domain], POLICY))


def test_a_pii_bucket_needs_a_complete_public_access_block_and_no_public_acl() -> None:
    region = eu_region()
    bucket = store(region, "aws:s3/bucket:Bucket", "documents", {"bucket": "documents-eu"})
    assert "no public access block" in messages(violations([*region.resources, bucket], POLICY))
    block = Res(
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        "documents-block",
        {
            "bucket": UNKNOWN,
            "blockPublicAcls": True,
            "blockPublicPolicy": True,
            "ignorePublicAcls": True,
            "restrictPublicBuckets": True,
        },
        region.provider,
        deps={"bucket": [bucket]},
    )
    assert violations([*region.resources, bucket, block], POLICY) == []
    block.props["restrictPublicBuckets"] = False
    assert "['restrictPublicBuckets'] off" in messages(violations([*region.resources, bucket, block], POLICY))
    block.props["restrictPublicBuckets"] = True
    acl = Res(
        "aws:s3/bucketAcl:BucketAcl",
        "documents-acl",
        {"bucket": "documents-eu", "acl": "public-read"},
        region.provider,
    )
    assert "canned ACL public-read" in messages(violations([*region.resources, bucket, block, acl], POLICY))


def test_an_efs_mount_target_open_to_the_internet_is_blocked() -> None:
    region = eu_region()
    file_system = store(region, "aws:efs/fileSystem:FileSystem", "documents", {"encrypted": True})
    group = Res(
        "aws:ec2/securityGroup:SecurityGroup",
        "nfs",
        {
            "vpcId": UNKNOWN,
            "ingress": [{"protocol": "tcp", "fromPort": 2049, "toPort": 2049, "cidrBlocks": ["0.0.0.0/0"]}],
        },
        region.provider,
        deps={"vpcId": [region.vpc]},
    )
    target = Res(
        "aws:efs/mountTarget:MountTarget",
        "documents-a",
        {"fileSystemId": UNKNOWN, "subnetId": UNKNOWN, "securityGroups": [UNKNOWN]},
        region.provider,
        deps={"fileSystemId": [file_system], "securityGroups": [group]},
    )
    found = violations([*region.resources, file_system, group, target], POLICY)
    assert [d.urn for d in found] == [file_system.urn]


def test_telemetry_reachable_from_the_peer_region_is_not_this_rules_concern() -> None:
    region = eu_region()
    region.database.props["tags"] = {"data-classification": "telemetry"}
    region.database_group.props["ingress"].append({"protocol": "tcp", "cidrBlocks": [PEER_VPC]})
    assert violations(region.resources, POLICY) == []
    region.database.props["tags"] = dict(PII)
    assert violations(region.resources, POLICY) != []
