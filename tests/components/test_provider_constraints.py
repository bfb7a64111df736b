"""The components register only values the providers and AWS accept, which the mocks never check."""

from __future__ import annotations

import pulumi

from components.regional_cluster import RegionalCluster, RegionalClusterArgs
from offline_preview.provider_constraints import check_resource, report
from tests.components.conftest import MockCloud

REGION = "eu-west-1"
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"


def test_the_node_security_group_description_is_one_ec2_accepts(cloud: MockCloud) -> None:
    """EC2 refuses an apostrophe in a group description; the node group and its rules would fail behind it."""
    args = RegionalClusterArgs(
        vpc_cidr="10.10.0.0/16",
        kubernetes_version="1.35",
        node_instance_types=("m6i.large",),
        node_min_size=2,
        node_desired_size=3,
        node_max_size=6,
        tls_hostnames=("app.example.com", "eu.app.example.com"),
        hosted_zone="example.com",
    )

    def program() -> RegionalCluster:
        provider = cloud.aws_provider(REGION)
        return RegionalCluster("eu", args, opts=pulumi.ResourceOptions(providers=[provider]))

    cloud.run(program)
    node_group = cloud.one(SECURITY_GROUP, "eu-node-sg")
    refusals = check_resource(node_group.type, node_group.name, node_group.inputs, node_group.urn)
    assert refusals == [], report(refusals)
