"""A compliant baseline region, as the engine sees it at preview, that each policy test changes in one place.

eu-west-1 behind an explicit provider with default tags: a VPC, an in-region single-region KMS key, a PII
PostgreSQL admitting only the node security group, an EKS cluster and, through a Kubernetes provider built
from it, a TimescaleDB StatefulSet for telemetry on an encrypted, retained StorageClass. Computed values
(ARNs, ids, the kubeconfig) are unknown, exactly as in `pulumi preview`; lineage says where they come from.
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.policies.policy_harness import UNKNOWN, Res, aws_provider, kubernetes_provider


@dataclass
class Region:
    """The baseline's resources, by role, so that a test can change one of them."""

    provider: Res
    vpc: Res
    key: Res
    node_group: Res
    database_group: Res
    database: Res
    cluster: Res
    kubernetes: Res
    telemetry_key: Res
    storage_class: Res
    telemetry: Res

    @property
    def resources(self) -> list[Res]:
        """Every resource of the region."""
        return [
            self.vpc,
            self.key,
            self.node_group,
            self.database_group,
            self.database,
            self.cluster,
            self.telemetry_key,
            self.storage_class,
            self.telemetry,
        ]


def eu_region() -> Region:
    """A fresh, compliant eu-west-1 region."""
    provider = aws_provider()
    vpc = Res("aws:ec2/vpc:Vpc", "vpc", {"cidrBlock": "10.10.0.0/16", "enableDnsHostnames": True}, provider)
    key = Res(
        "aws:kms/key:Key",
        "pii-db-key",
        {"enableKeyRotation": True, "multiRegion": False, "description": "PII database"},
        provider,
        protect=True,
    )
    node_group = Res(
        "aws:ec2/securityGroup:SecurityGroup", "nodes", {"vpcId": UNKNOWN}, provider, deps={"vpcId": [vpc]}
    )
    database_group = Res(
        "aws:ec2/securityGroup:SecurityGroup",
        "pii-db",
        {
            "vpcId": UNKNOWN,
            "ingress": [{"protocol": "tcp", "fromPort": 5432, "toPort": 5432, "securityGroups": [UNKNOWN]}],
        },
        provider,
        deps={"vpcId": [vpc], "ingress": [node_group]},
    )
    database = Res(
        "aws:rds/instance:Instance",
        "pii-db",
        {
            "identifier": "pii-db",
            "engine": "postgres",
            "engineVersion": "17.7",
            "instanceClass": "db.m7g.large",
            "multiAz": True,
            "storageEncrypted": True,
            "kmsKeyId": UNKNOWN,
            "publiclyAccessible": False,
            "vpcSecurityGroupIds": [UNKNOWN],
            "deletionProtection": True,
            "skipFinalSnapshot": False,
            "finalSnapshotIdentifier": "pii-db-final",
            "backupRetentionPeriod": 14,
            "performanceInsightsEnabled": True,
            "performanceInsightsKmsKeyId": UNKNOWN,
            "manageMasterUserPassword": True,
            "masterUserSecretKmsKeyId": UNKNOWN,
            "tags": {"data-classification": "pii"},
        },
        provider,
        protect=True,
        deps={
            "kmsKeyId": [key],
            "performanceInsightsKmsKeyId": [key],
            "masterUserSecretKmsKeyId": [key],
            "vpcSecurityGroupIds": [database_group],
        },
    )
    cluster = Res("aws:eks/cluster:Cluster", "cluster", {"version": "1.33", "roleArn": UNKNOWN}, provider)
    kubernetes = kubernetes_provider(cluster)
    telemetry_key = Res(
        "aws:kms/key:Key", "telemetry-key", {"enableKeyRotation": True, "multiRegion": False}, provider
    )
    storage_class = Res(
        "kubernetes:storage.k8s.io/v1:StorageClass",
        "telemetry-gp3",
        {
            "metadata": {"name": "telemetry-gp3"},
            "provisioner": "ebs.csi.aws.com",
            "parameters": {"type": "gp3", "encrypted": "true", "kmsKeyId": UNKNOWN},
            "reclaimPolicy": "Retain",
            "volumeBindingMode": "WaitForFirstConsumer",
        },
        kubernetes,
        deps={"parameters": [telemetry_key]},
    )
    telemetry = Res(
        "kubernetes:apps/v1:StatefulSet",
        "timescaledb",
        {
            "metadata": {"namespace": "telemetry", "labels": {"data-classification": "telemetry"}},
            "spec": {
                "serviceName": "timescaledb",
                "volumeClaimTemplates": [
                    {
                        "metadata": {"name": "data", "labels": {"data-classification": "telemetry"}},
                        "spec": {
                            "storageClassName": "telemetry-gp3",
                            "accessModes": ["ReadWriteOnce"],
                            "resources": {"requests": {"storage": "100Gi"}},
                        },
                    }
                ],
            },
        },
        kubernetes,
        deps={"spec": [storage_class]},
    )
    return Region(
        provider=provider,
        vpc=vpc,
        key=key,
        node_group=node_group,
        database_group=database_group,
        database=database,
        cluster=cluster,
        kubernetes=kubernetes,
        telemetry_key=telemetry_key,
        storage_class=storage_class,
        telemetry=telemetry,
    )


def in_database_subnets(region: Region, cidrs: tuple[str, ...] = ("10.10.1.0/24",)) -> list[Res]:
    """Places the region's database in subnets of these ranges (eu-west-1a, b, ...) by a subnet group.

    Returns the subnets, then the group: what exposure tests need to tell an address in the database's
    subnets from one elsewhere in the VPC.
    """
    subnets = [
        Res(
            "aws:ec2/subnet:Subnet",
            f"data-{zone}",
            {"vpcId": UNKNOWN, "cidrBlock": cidr, "availabilityZone": f"eu-west-1{zone}"},
            region.provider,
            deps={"vpcId": [region.vpc]},
        )
        for zone, cidr in zip("abc", cidrs, strict=False)
    ]
    group = Res(
        "aws:rds/subnetGroup:SubnetGroup",
        "pii-db",
        {"name": "pii-db", "subnetIds": [UNKNOWN] * len(subnets)},
        region.provider,
        deps={"subnetIds": subnets},
    )
    region.database.props["dbSubnetGroupName"] = UNKNOWN
    region.database.deps["dbSubnetGroupName"] = [group]
    return [*subnets, group]


def network_balancer(
    region: Region, name: str, target_id: str, internal: bool = True, subnet: Res | None = None
) -> list[Res]:
    """A network load balancer forwarding TCP 5432 to one IP target: the balancer, its target group, the
    target's attachment and the listener. In `subnet` when given, else in a literal subnet id."""
    balancer = Res(
        "aws:lb/loadBalancer:LoadBalancer",
        name,
        {
            "name": name,
            "loadBalancerType": "network",
            "internal": internal,
            "subnets": [UNKNOWN if subnet is not None else "subnet-1"],
        },
        region.provider,
        deps={"subnets": [subnet]} if subnet is not None else {},
    )
    target_group = Res(
        "aws:lb/targetGroup:TargetGroup",
        f"{name}-tg",
        {"name": f"{name}-tg", "port": 5432, "protocol": "TCP", "targetType": "ip", "vpcId": UNKNOWN},
        region.provider,
        deps={"vpcId": [region.vpc]},
    )
    attachment = Res(
        "aws:lb/targetGroupAttachment:TargetGroupAttachment",
        f"{name}-target",
        {"targetGroupArn": UNKNOWN, "targetId": target_id, "port": 5432},
        region.provider,
        deps={"targetGroupArn": [target_group]},
    )
    listener = Res(
        "aws:lb/listener:Listener",
        f"{name}-5432",
        {
            "loadBalancerArn": UNKNOWN,
            "port": 5432,
            "protocol": "TCP",
            "defaultActions": [{"type": "forward", "targetGroupArn": UNKNOWN}],
        },
        region.provider,
        deps={"loadBalancerArn": [balancer], "defaultActions": [target_group]},
    )
    return [balancer, target_group, attachment, listener]


def pii_instance(region: Region, **root: object) -> Res:
    """An EC2 instance keeping PII on its volumes, compliant: encrypted root volume under the region's key,
    termination protection, `protect`, the database's security group; `root` overrides root-device fields."""
    return Res(
        "aws:ec2/instance:Instance",
        "worker",
        {
            "instanceType": "m7g.large",
            "ami": "ami-0123456789abcdef0",
            "volumeTags": {"data-classification": "pii"},
            "disableApiTermination": True,
            "rootBlockDevice": {"encrypted": True, "kmsKeyId": UNKNOWN, **root},
            "vpcSecurityGroupIds": [UNKNOWN],
        },
        region.provider,
        protect=True,
        deps={"rootBlockDevice": [region.key], "vpcSecurityGroupIds": [region.database_group]},
    )
