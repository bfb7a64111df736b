"""RegionalCluster under Pulumi mocks: isolated database tier, encrypted in-region EKS, locked-down ALB."""

from __future__ import annotations

import dataclasses
import ipaddress
import json
from typing import Any

import pulumi
import pytest

from components.regional_cluster import (
    CONTROL_PLANE_LOG_TYPES,
    FRONT_DOOR_SELECTOR,
    RegionalCluster,
    RegionalClusterArgs,
    plan_subnets,
)
from residency_facts import CLASSIFICATION_TAG
from tests.components.conftest import MockCloud
from tests.recording import Registration

REGION = "eu-west-1"
NAME = "eu"
COMPONENT_TYPE = "residency:components:RegionalCluster"
VPC_CIDR = "10.10.0.0/16"
PEER_CIDR = "10.20.0.0/16"
PEER_VPC = "vpc-0fedcba9876543210"
PEER_REGION = "ap-south-1"
CERTIFICATE = "arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c-4b5a-6789-abcd-ef0123456789"
ADMIN = "arn:aws:iam::123456789012:role/platform-admins"

BASELINE = RegionalClusterArgs(
    vpc_cidr=VPC_CIDR,
    kubernetes_version="1.35",
    node_instance_types=("m6i.large",),
    node_min_size=2,
    node_desired_size=3,
    node_max_size=6,
    public_access_cidrs=("203.0.113.0/24",),
    peer_vpc_cidr=PEER_CIDR,
    peer_vpc_id=PEER_VPC,
    peer_region=PEER_REGION,
    certificate_arn=CERTIFICATE,
)

EKS = "aws:eks/cluster:Cluster"
KMS_KEY = "aws:kms/key:Key"
ROUTE = "aws:ec2/route:Route"
ASSOCIATION = "aws:ec2/routeTableAssociation:RouteTableAssociation"
LISTENER = "aws:lb/listener:Listener"
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS_RULE = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"


def deploy(cloud: MockCloud, **changes: Any) -> RegionalCluster:
    """Run a RegionalCluster from the baseline args with some fields changed, behind an eu-west-1 provider.

    One run per distinct args in this module, which the tests that build from those args read (run_shared).
    """
    args = dataclasses.replace(BASELINE, **changes)

    def program() -> RegionalCluster:
        provider = cloud.aws_provider(REGION)
        return RegionalCluster(NAME, args, opts=pulumi.ResourceOptions(providers=[provider]))

    return cloud.run_shared((NAME, REGION, repr(args)), program)


def resource_id(cloud: MockCloud, type_token: str, name: str) -> str:
    """The physical id the mocked cloud gave a resource."""
    return cloud.id_of(cloud.one(type_token, name))


def policy_spec(cloud: MockCloud, namespace: str, policy_name: str) -> dict[str, Any]:
    """The spec of the NetworkPolicy with this Kubernetes name in this namespace."""
    matches = [
        r
        for r in cloud.of_type(NETWORK_POLICY)
        if r.inputs["metadata"]["namespace"] == namespace and r.inputs["metadata"]["name"] == policy_name
    ]
    assert len(matches) == 1, f"expected one NetworkPolicy {namespace}/{policy_name}, found {len(matches)}"
    return dict(matches[0].inputs["spec"])


def tcp(port: int) -> list[dict[str, Any]]:
    """A NetworkPolicy port list as registered (numbers arrive as floats over the wire)."""
    return [{"protocol": "TCP", "port": float(port)}]


def attached_policies(cloud: MockCloud, role_name: str) -> set[str]:
    """Managed policy names attached to the role with this logical name."""
    role = cloud.one("aws:iam/role:Role", role_name)
    physical_name = cloud.outputs_of(role)["name"]
    return {
        str(r.inputs["policyArn"]).rsplit("policy/", 1)[-1]
        for r in cloud.of_type(ATTACHMENT)
        if r.inputs["role"] == physical_name
    }


# --- Validation at construction ---


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"node_min_size": 4, "node_desired_size": 3}, "node_min_size <= node_desired_size"),
        ({"node_desired_size": 7}, "node_desired_size <= node_max_size"),
        ({"node_max_size": 0, "node_min_size": 0, "node_desired_size": 0}, "node_max_size"),
        ({"nat_gateway_count": 0}, "nat_gateway_count"),
        ({"nat_gateway_count": 4}, "nat_gateway_count"),
        ({"availability_zone_count": 1}, "availability_zone_count"),
        ({"vpc_cidr": "10.10.0.0/33"}, "vpc_cidr"),
        ({"vpc_cidr": "10.10.0.1/16"}, "vpc_cidr"),
        ({"vpc_cidr": "8.8.0.0/16"}, "private"),
        ({"vpc_cidr": "10.10.0.0/24"}, "/16 to /20"),
        ({"public_access_cidrs": ("0.0.0.0/0",)}, "whole internet"),
        ({"peer_vpc_cidr": "10.10.128.0/17"}, "overlaps"),
        ({"peer_vpc_cidr": None}, "needs peer_vpc_cidr"),
        ({"admin_principal_arns": ("arn:aws:sts::123456789012:assumed-role/x/y",)}, "admin_principal_arns"),
        ({"certificate_arn": "not-an-arn"}, "certificate_arn"),
        ({"kubernetes_version": "latest"}, "kubernetes_version"),
        ({"node_instance_types": ()}, "node_instance_types"),
        ({"log_retention_days": 10}, "log_retention_days"),
        ({"telemetry_namespace": "microservices"}, "must differ"),
        ({"pod_security_level": "relaxed"}, "pod_security_level"),
        ({"health_check_path": "healthz"}, "health_check_path"),
    ],
)
def test_invalid_args_are_rejected_with_the_field_named(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        dataclasses.replace(BASELINE, **changes)


def test_nat_gateway_count_defaults_to_one_per_zone() -> None:
    assert BASELINE.nat_gateways == 3
    assert dataclasses.replace(BASELINE, nat_gateway_count=1).nat_gateways == 1


@pytest.mark.parametrize("prefix", [16, 18, 20])
@pytest.mark.parametrize("zones", [2, 3, 6])
def test_subnet_plan_stays_inside_the_vpc_without_overlap(prefix: int, zones: int) -> None:
    vpc = ipaddress.IPv4Network(f"10.0.0.0/{prefix}")
    plan = plan_subnets(str(vpc), zones)
    blocks = [ipaddress.IPv4Network(c) for c in plan.public + plan.private + plan.database]
    assert len(plan.public) == len(plan.private) == len(plan.database) == zones
    assert all(block.subnet_of(vpc) for block in blocks)
    for index, block in enumerate(blocks):
        assert not any(block.overlaps(other) for other in blocks[index + 1 :])


# --- Encryption, keys and logging ---


def test_secrets_are_encrypted_with_a_rotated_single_region_key_in_the_cluster_region(
    cloud: MockCloud,
) -> None:
    deploy(cloud)
    key = cloud.one(KMS_KEY, f"{NAME}-secrets-key")
    assert key.inputs["enableKeyRotation"] is True
    assert key.inputs["multiRegion"] is False
    assert cloud.region_of(key) == REGION
    cluster = cloud.one(EKS, f"{NAME}-cluster")
    assert cloud.region_of(cluster) == REGION
    key_arn = cloud.outputs_of(key)["arn"]
    assert key_arn.split(":")[3] == REGION
    assert cluster.inputs["encryptionConfig"] == {"provider": {"keyArn": key_arn}, "resources": ["secrets"]}


def test_cluster_role_may_use_only_the_secrets_key(cloud: MockCloud) -> None:
    deploy(cloud)
    key_arn = cloud.outputs_of(cloud.one(KMS_KEY, f"{NAME}-secrets-key"))["arn"]
    document = json.loads(
        cloud.one("aws:iam/rolePolicy:RolePolicy", f"{NAME}-cluster-secrets-key").inputs["policy"]
    )
    assert [statement["Resource"] for statement in document["Statement"]] == [key_arn]
    assert not any("*" in action for statement in document["Statement"] for action in statement["Action"])


def test_every_control_plane_log_type_goes_to_an_encrypted_log_group_created_first(cloud: MockCloud) -> None:
    deploy(cloud)
    cluster = cloud.one(EKS, f"{NAME}-cluster")
    assert sorted(cluster.inputs["enabledClusterLogTypes"]) == sorted(CONTROL_PLANE_LOG_TYPES)
    assert set(CONTROL_PLANE_LOG_TYPES) == {"api", "audit", "authenticator", "controllerManager", "scheduler"}
    log_group = cloud.one("aws:cloudwatch/logGroup:LogGroup", f"{NAME}-control-plane-logs")
    assert log_group.inputs["name"] == f"/aws/eks/{cluster.inputs['name']}/cluster"
    assert log_group.inputs["retentionInDays"] == 90
    assert log_group.inputs["tags"][CLASSIFICATION_TAG] == "internal"
    logs_key = cloud.one(KMS_KEY, f"{NAME}-logs-key")
    assert log_group.inputs["kmsKeyId"] == cloud.outputs_of(logs_key)["arn"]
    assert logs_key.inputs["enableKeyRotation"] is True
    assert logs_key.inputs["multiRegion"] is False


def test_logs_key_lets_only_this_regions_cloudwatch_logs_use_it_for_the_clusters_log_groups(
    cloud: MockCloud,
) -> None:
    deploy(cloud)
    policy = json.loads(cloud.one(KMS_KEY, f"{NAME}-logs-key").inputs["policy"])
    services = [s for s in policy["Statement"] if "Service" in s["Principal"]]
    assert [s["Principal"]["Service"] for s in services] == [f"logs.{REGION}.amazonaws.com"]
    log_group_names = sorted(r.inputs["name"] for r in cloud.of_type("aws:cloudwatch/logGroup:LogGroup"))
    assert services[0]["Condition"] == {
        "ArnEquals": {
            "kms:EncryptionContext:aws:logs:arn": [
                f"arn:aws:logs:{REGION}:123456789012:log-group:{name}"
                for name in (f"/aws/eks/{NAME}-cluster/cluster", f"/aws/vpc-flow-logs/{NAME}")
            ]
        }
    }
    assert log_group_names == sorted([f"/aws/eks/{NAME}-cluster/cluster", f"/aws/vpc-flow-logs/{NAME}"])


def test_logs_key_is_administered_by_the_account_which_cannot_use_it_directly(cloud: MockCloud) -> None:
    deploy(cloud)
    policy = json.loads(cloud.one(KMS_KEY, f"{NAME}-logs-key").inputs["policy"])
    (account,) = [s for s in policy["Statement"] if "AWS" in s["Principal"]]
    assert account["Principal"] == {"AWS": "arn:aws:iam::123456789012:root"}
    assert "kms:*" not in account["Action"]
    actions = set(account["Action"])
    assert not {"kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*", "kms:CreateGrant"} & actions
    assert {"kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:EnableKeyRotation"} <= actions


def test_vpc_flow_logs_go_to_an_encrypted_log_group(cloud: MockCloud) -> None:
    deploy(cloud)
    flow_log = cloud.one("aws:ec2/flowLog:FlowLog", f"{NAME}-flow-logs")
    log_group = cloud.one("aws:cloudwatch/logGroup:LogGroup", f"{NAME}-flow-logs")
    assert flow_log.inputs["vpcId"] == resource_id(cloud, "aws:ec2/vpc:Vpc", f"{NAME}-vpc")
    assert flow_log.inputs["logDestination"] == cloud.outputs_of(log_group)["arn"]
    assert flow_log.inputs["trafficType"] == "ALL"
    assert log_group.inputs["kmsKeyId"] == cloud.outputs_of(cloud.one(KMS_KEY, f"{NAME}-logs-key"))["arn"]


# --- API endpoint and access ---


def test_api_endpoint_is_private_and_public_only_for_configured_cidrs(cloud: MockCloud) -> None:
    deploy(cloud)
    vpc_config = cloud.one(EKS, f"{NAME}-cluster").inputs["vpcConfig"]
    assert vpc_config["endpointPrivateAccess"] is True
    assert vpc_config["endpointPublicAccess"] is True
    assert vpc_config["publicAccessCidrs"] == ["203.0.113.0/24"]


def test_public_api_endpoint_is_off_without_cidrs(cloud: MockCloud) -> None:
    deploy(cloud, public_access_cidrs=())
    vpc_config = cloud.one(EKS, f"{NAME}-cluster").inputs["vpcConfig"]
    assert vpc_config["endpointPrivateAccess"] is True
    assert vpc_config["endpointPublicAccess"] is False
    assert "publicAccessCidrs" not in vpc_config


def test_access_is_by_api_access_entries_with_admins_scoped_to_the_cluster(cloud: MockCloud) -> None:
    deploy(cloud, admin_principal_arns=(ADMIN,))
    access = cloud.one(EKS, f"{NAME}-cluster").inputs["accessConfig"]
    assert access == {"authenticationMode": "API", "bootstrapClusterCreatorAdminPermissions": True}
    entry = cloud.one("aws:eks/accessEntry:AccessEntry", f"{NAME}-admin-0")
    assert entry.inputs["principalArn"] == ADMIN
    association = cloud.one("aws:eks/accessPolicyAssociation:AccessPolicyAssociation", f"{NAME}-admin-0")
    assert association.inputs["policyArn"].endswith(":cluster-access-policy/AmazonEKSClusterAdminPolicy")
    assert association.inputs["accessScope"] == {"type": "cluster"}
    assert association.inputs["clusterName"] == entry.inputs["clusterName"] == f"{NAME}-cluster"


def test_no_access_entries_without_configured_admins(cloud: MockCloud) -> None:
    deploy(cloud)
    assert cloud.of_type("aws:eks/accessEntry:AccessEntry") == []


# --- IAM: least privilege ---


def test_cluster_and_node_roles_carry_only_the_managed_policies_eks_requires(cloud: MockCloud) -> None:
    deploy(cloud)
    assert attached_policies(cloud, f"{NAME}-cluster-role") == {"AmazonEKSClusterPolicy"}
    assert attached_policies(cloud, f"{NAME}-node-role") == {
        "AmazonEKSWorkerNodePolicy",
        "AmazonEKS_CNI_Policy",
        "AmazonEC2ContainerRegistryPullOnly",
    }
    cluster_trust = json.loads(
        cloud.one("aws:iam/role:Role", f"{NAME}-cluster-role").inputs["assumeRolePolicy"]
    )
    assert [s["Principal"] for s in cluster_trust["Statement"]] == [{"Service": "eks.amazonaws.com"}]
    node_trust = json.loads(cloud.one("aws:iam/role:Role", f"{NAME}-node-role").inputs["assumeRolePolicy"])
    assert [s["Principal"] for s in node_trust["Statement"]] == [{"Service": "ec2.amazonaws.com"}]


def test_oidc_provider_trusts_the_cluster_issuer_for_sts(cloud: MockCloud) -> None:
    component = deploy(cloud)
    cluster_identities = cloud.outputs_of(cloud.one(EKS, f"{NAME}-cluster"))["identities"]
    issuer = cluster_identities[0]["oidcs"][0]["issuer"]
    provider = cloud.one("aws:iam/openIdConnectProvider:OpenIdConnectProvider", f"{NAME}-oidc")
    assert provider.inputs["url"] == issuer
    assert provider.inputs["clientIdLists"] == ["sts.amazonaws.com"]
    assert cloud.resolve(component.oidc_issuer_url) == issuer


def test_ebs_csi_addon_runs_as_an_irsa_role_bound_to_its_service_account(cloud: MockCloud) -> None:
    deploy(cloud)
    role = cloud.one("aws:iam/role:Role", f"{NAME}-ebs-csi")
    addon = cloud.one("aws:eks/addon:Addon", f"{NAME}-ebs-csi")
    assert addon.inputs["addonName"] == "aws-ebs-csi-driver"
    assert addon.inputs["serviceAccountRoleArn"] == cloud.outputs_of(role)["arn"]
    trust = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
    oidc_arn = cloud.outputs_of(
        cloud.one("aws:iam/openIdConnectProvider:OpenIdConnectProvider", f"{NAME}-oidc")
    )
    assert [s["Principal"] for s in trust] == [{"Federated": oidc_arn["arn"]}]
    conditions = trust[0]["Condition"]["StringEquals"]
    assert sorted(conditions.values()) == [
        "sts.amazonaws.com",
        "system:serviceaccount:kube-system:ebs-csi-controller-sa",
    ]
    assert attached_policies(cloud, f"{NAME}-ebs-csi") == {"service-role/AmazonEBSCSIDriverPolicy"}


def test_ebs_csi_role_arn_is_built_from_the_account_and_the_roles_name_so_a_preview_knows_it(
    cloud: MockCloud,
) -> None:
    # The telemetry volume key's policy names this ARN; the residency pack refuses a key policy of
    # telemetry data that a first preview cannot read, and resource outputs (role.arn) are unknown there.
    component = deploy(cloud)
    role = cloud.one("aws:iam/role:Role", f"{NAME}-ebs-csi")
    assert role.inputs["name"] == f"{NAME}-ebs-csi"
    account = cloud.outputs_of(role)["arn"].split(":")[4]
    assert cloud.resolve(component.ebs_csi_role_arn) == f"arn:aws:iam::{account}:role/{NAME}-ebs-csi"


def test_vpc_cni_addon_enforces_network_policies(cloud: MockCloud) -> None:
    deploy(cloud)
    addon = cloud.one("aws:eks/addon:Addon", f"{NAME}-vpc-cni")
    assert addon.inputs["addonName"] == "vpc-cni"
    assert json.loads(addon.inputs["configurationValues"]) == {"enableNetworkPolicy": "true"}


# --- Nodes ---


def test_node_group_runs_in_the_private_subnets_sized_from_args(cloud: MockCloud) -> None:
    deploy(cloud)
    node_group = cloud.one("aws:eks/nodeGroup:NodeGroup", f"{NAME}-nodes")
    private = [resource_id(cloud, "aws:ec2/subnet:Subnet", f"{NAME}-private-{i}") for i in range(3)]
    assert node_group.inputs["subnetIds"] == private
    assert node_group.inputs["scalingConfig"] == {"minSize": 2, "desiredSize": 3, "maxSize": 6}
    assert node_group.inputs["instanceTypes"] == ["m6i.large"]
    assert node_group.inputs["launchTemplate"]["id"] == resource_id(
        cloud, "aws:ec2/launchTemplate:LaunchTemplate", f"{NAME}-nodes"
    )


def test_node_launch_template_encrypts_disks_and_requires_imdsv2(cloud: MockCloud) -> None:
    deploy(cloud)
    template = cloud.one("aws:ec2/launchTemplate:LaunchTemplate", f"{NAME}-nodes")
    assert [m["ebs"]["encrypted"] for m in template.inputs["blockDeviceMappings"]] == ["true"]
    assert template.inputs["metadataOptions"]["httpTokens"] == "required"
    cluster_group = cloud.outputs_of(cloud.one(EKS, f"{NAME}-cluster"))["vpcConfig"]["clusterSecurityGroupId"]
    node_group = resource_id(cloud, "aws:ec2/securityGroup:SecurityGroup", f"{NAME}-node-sg")
    assert template.inputs["vpcSecurityGroupIds"] == [cluster_group, node_group]


def test_node_security_group_admits_only_the_load_balancer_on_the_application_port(cloud: MockCloud) -> None:
    component = deploy(cloud)
    node_group = resource_id(cloud, "aws:ec2/securityGroup:SecurityGroup", f"{NAME}-node-sg")
    assert cloud.resolve(component.node_security_group_id) == node_group
    rules = [r for r in cloud.of_type(INGRESS_RULE) if r.inputs["securityGroupId"] == node_group]
    assert [(r.inputs["fromPort"], r.inputs["toPort"], r.inputs.get("cidrIpv4")) for r in rules] == [
        (8080, 8080, None)
    ]
    alb_group = resource_id(cloud, "aws:ec2/securityGroup:SecurityGroup", f"{NAME}-alb-sg")
    assert rules[0].inputs["referencedSecurityGroupId"] == alb_group
    assert [r for r in cloud.of_type(EGRESS_RULE) if r.inputs["securityGroupId"] == node_group] == []


# --- Network isolation ---


def database_route_table(cloud: MockCloud) -> str:
    return resource_id(cloud, "aws:ec2/routeTable:RouteTable", f"{NAME}-database-rt")


def routes_of(cloud: MockCloud, route_table_id: str) -> list[Registration]:
    return [r for r in cloud.of_type(ROUTE) if r.inputs["routeTableId"] == route_table_id]


def test_database_subnets_have_no_route_to_the_internet(cloud: MockCloud) -> None:
    deploy(cloud)
    table = database_route_table(cloud)
    routes = routes_of(cloud, table)
    assert not any(r.inputs.get("destinationCidrBlock") == "0.0.0.0/0" for r in routes)
    assert not any(r.inputs.get(key) for r in routes for key in ("gatewayId", "natGatewayId"))
    database_subnets = {resource_id(cloud, "aws:ec2/subnet:Subnet", f"{NAME}-database-{i}") for i in range(3)}
    tables_of_database_subnets = {
        r.inputs["routeTableId"]
        for r in cloud.of_type(ASSOCIATION)
        if r.inputs["subnetId"] in database_subnets
    }
    assert tables_of_database_subnets == {table}
    assert {
        r.inputs["subnetId"] for r in cloud.of_type(ASSOCIATION) if r.inputs["routeTableId"] == table
    } == (database_subnets)


@pytest.mark.parametrize("requests_peering", [True, False])
def test_the_pii_database_tier_has_no_route_to_the_peer_even_when_peered(
    cloud: MockCloud, requests_peering: bool
) -> None:
    """Only the implicit local route: personal data has no path to the other jurisdiction."""
    deploy(cloud, requests_peering=requests_peering)
    assert routes_of(cloud, database_route_table(cloud)) == []


PEERING = "aws:ec2/vpcPeeringConnection:VpcPeeringConnection"
ACCEPTER = "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter"
LOOKUP = "aws:ec2/getVpcPeeringConnections:getVpcPeeringConnections"


def peer_routes(cloud: MockCloud) -> list[Registration]:
    return [r for r in cloud.of_type(ROUTE) if r.inputs.get("vpcPeeringConnectionId")]


def private_route_tables(cloud: MockCloud) -> set[str]:
    return {resource_id(cloud, "aws:ec2/routeTable:RouteTable", f"{NAME}-private-{i}") for i in range(3)}


def test_the_requesting_side_declares_the_connection_and_routes_its_private_tiers_through_it(
    cloud: MockCloud,
) -> None:
    component = deploy(cloud)
    (connection,) = cloud.of_type(PEERING)
    assert cloud.of_type(ACCEPTER) == [] and cloud.invocations_of(LOOKUP) == []
    assert connection.inputs["vpcId"] == resource_id(cloud, "aws:ec2/vpc:Vpc", f"{NAME}-vpc")
    assert connection.inputs["peerVpcId"] == PEER_VPC
    assert connection.inputs["peerRegion"] == PEER_REGION
    # Cross-region: AWS refuses auto_accept, and the peer's owner defaults to this account.
    assert "autoAccept" not in connection.inputs and "peerOwnerId" not in connection.inputs
    connection_id = cloud.id_of(connection)
    assert cloud.resolve(component.peering_connection_id) == connection_id
    routes = peer_routes(cloud)
    assert {r.inputs["routeTableId"] for r in routes} == private_route_tables(cloud)
    assert {(r.inputs["destinationCidrBlock"], r.inputs["vpcPeeringConnectionId"]) for r in routes} == {
        (PEER_CIDR, connection_id)
    }
    assert all(connection.urn in r.dependencies for r in routes)


def test_a_peer_in_another_account_is_named_as_the_connections_owner(cloud: MockCloud) -> None:
    deploy(cloud, peer_account_id="210987654321")
    (connection,) = cloud.of_type(PEERING)
    assert connection.inputs["peerOwnerId"] == "210987654321"


@pytest.mark.parametrize("peer_account", [None, "210987654321"])
def test_the_accepting_side_accepts_the_request_it_finds_for_its_own_vpc(
    cloud: MockCloud, peer_account: str | None
) -> None:
    component = deploy(cloud, requests_peering=False, peer_account_id=peer_account)
    assert cloud.of_type(PEERING) == []
    (lookup,) = cloud.invocations_of(LOOKUP)
    filters = {f["name"]: f["values"] for f in lookup.args["filters"]}
    assert filters == {
        "requester-vpc-info.vpc-id": [PEER_VPC],
        "requester-vpc-info.owner-id": [peer_account or "123456789012"],
        "accepter-vpc-info.vpc-id": [resource_id(cloud, "aws:ec2/vpc:Vpc", f"{NAME}-vpc")],
        "status-code": ["pending-acceptance", "provisioning", "active"],
    }
    (accepter,) = cloud.of_type(ACCEPTER)
    assert accepter.inputs["autoAccept"] is True
    assert accepter.inputs["vpcPeeringConnectionId"].startswith("pcx-")
    routes = peer_routes(cloud)
    assert {r.inputs["routeTableId"] for r in routes} == private_route_tables(cloud)
    # The routes follow the acceptance, so they never point at a connection this side has not accepted.
    assert {r.inputs["vpcPeeringConnectionId"] for r in routes} == {cloud.id_of(accepter)}
    assert all(accepter.urn in r.dependencies for r in routes)
    assert cloud.resolve(component.peering_connection_id) == cloud.id_of(accepter)


@pytest.mark.parametrize(
    ("found", "message"),
    [
        (
            [],
            r"no peering connection from vpc-0fedcba9876543210 \(ap-south-1\) to this VPC.*run its",
        ),
        (["pcx-11111111", "pcx-22222222"], r"2 peering connections from vpc-0fedcba9876543210.*pcx-11111111"),
    ],
)
def test_the_accepting_side_stops_with_what_to_do_unless_it_finds_exactly_one_request(
    found: list[str], message: str
) -> None:
    """Accepting a guess would route personal-data-free but cross-border traffic to an unknown VPC."""
    from components.regional_cluster.network import _the_requested_connection

    with pytest.raises(ValueError, match=message):
        _the_requested_connection(found, PEER_VPC, PEER_REGION)
    assert _the_requested_connection(["pcx-33333333"], PEER_VPC, PEER_REGION) == "pcx-33333333"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"peer_vpc_id": "vpc-12"}, "peer_vpc_id"),
        ({"peer_region": None}, "peer_vpc_id needs peer_vpc_cidr"),
        ({"peer_account_id": "1234"}, "peer_account_id"),
    ],
)
def test_invalid_peering_args_are_refused(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        dataclasses.replace(BASELINE, **changes)


def test_database_subnets_are_not_public_and_outputs_name_their_cidrs(cloud: MockCloud) -> None:
    component = deploy(cloud)
    subnets = [cloud.one("aws:ec2/subnet:Subnet", f"{NAME}-database-{i}") for i in range(3)]
    assert component.database_subnet_cidrs == [s.inputs["cidrBlock"] for s in subnets]
    assert not any(s.inputs.get("mapPublicIpOnLaunch") for s in subnets)


@pytest.mark.parametrize(("nat_gateway_count", "expected"), [(None, 3), (1, 1)])
def test_private_subnets_reach_the_internet_only_through_nat(
    cloud: MockCloud, nat_gateway_count: int | None, expected: int
) -> None:
    deploy(cloud, nat_gateway_count=nat_gateway_count)
    nats = cloud.of_type("aws:ec2/natGateway:NatGateway")
    assert len(nats) == expected
    public_subnets = {resource_id(cloud, "aws:ec2/subnet:Subnet", f"{NAME}-public-{i}") for i in range(3)}
    assert {n.inputs["subnetId"] for n in nats} <= public_subnets
    nat_ids = {resource_id(cloud, "aws:ec2/natGateway:NatGateway", n.name) for n in nats}
    for index in range(3):
        table = resource_id(cloud, "aws:ec2/routeTable:RouteTable", f"{NAME}-private-{index}")
        defaults = [r for r in routes_of(cloud, table) if r.inputs["destinationCidrBlock"] == "0.0.0.0/0"]
        assert len(defaults) == 1
        assert defaults[0].inputs["natGatewayId"] in nat_ids
        assert not defaults[0].inputs.get("gatewayId")


def test_subnet_tiers_are_tagged_for_the_load_balancers_they_host(cloud: MockCloud) -> None:
    deploy(cloud)
    for index in range(3):
        public = cloud.one("aws:ec2/subnet:Subnet", f"{NAME}-public-{index}").inputs
        private = cloud.one("aws:ec2/subnet:Subnet", f"{NAME}-private-{index}").inputs
        assert public["tags"]["kubernetes.io/role/elb"] == "1"
        assert public["mapPublicIpOnLaunch"] is False
        assert private["tags"]["kubernetes.io/role/internal-elb"] == "1"
    vpc = cloud.one("aws:ec2/vpc:Vpc", f"{NAME}-vpc").inputs
    assert vpc["cidrBlock"] == VPC_CIDR
    assert vpc["enableDnsSupport"] is True


def test_default_security_group_is_stripped_of_rules(cloud: MockCloud) -> None:
    deploy(cloud)
    default = cloud.one("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", f"{NAME}-default-sg").inputs
    assert not default.get("ingress") and not default.get("egress")


# --- Regional load balancer ---


def test_load_balancer_is_internet_facing_protected_and_drops_invalid_headers(cloud: MockCloud) -> None:
    component = deploy(cloud)
    alb = cloud.one("aws:lb/loadBalancer:LoadBalancer", f"{NAME}-alb")
    assert alb.inputs["internal"] is False
    assert alb.inputs["loadBalancerType"] == "application"
    assert alb.inputs["enableDeletionProtection"] is True
    assert alb.inputs["dropInvalidHeaderFields"] is True
    public = [resource_id(cloud, "aws:ec2/subnet:Subnet", f"{NAME}-public-{i}") for i in range(3)]
    assert alb.inputs["subnets"] == public
    assert alb.inputs["securityGroups"] == [
        resource_id(cloud, "aws:ec2/securityGroup:SecurityGroup", f"{NAME}-alb-sg")
    ]
    outputs = cloud.outputs_of(alb)
    assert cloud.resolve(component.load_balancer_dns_name) == outputs["dnsName"]
    assert cloud.resolve(component.load_balancer_zone_id) == outputs["zoneId"]


def test_load_balancer_security_group_admits_web_traffic_and_forwards_only_into_the_vpc(
    cloud: MockCloud,
) -> None:
    deploy(cloud)
    group = resource_id(cloud, "aws:ec2/securityGroup:SecurityGroup", f"{NAME}-alb-sg")
    ingress = [r.inputs for r in cloud.of_type(INGRESS_RULE) if r.inputs["securityGroupId"] == group]
    assert sorted((r["fromPort"], r["toPort"], r["cidrIpv4"], r["ipProtocol"]) for r in ingress) == [
        (80, 80, "0.0.0.0/0", "tcp"),
        (443, 443, "0.0.0.0/0", "tcp"),
    ]
    egress = [r.inputs for r in cloud.of_type(EGRESS_RULE) if r.inputs["securityGroupId"] == group]
    assert [(r["fromPort"], r["toPort"], r["cidrIpv4"], r["ipProtocol"]) for r in egress] == [
        (8080, 8080, VPC_CIDR, "tcp")
    ]


def test_https_listener_with_modern_tls_and_http_redirect_when_a_certificate_is_given(
    cloud: MockCloud,
) -> None:
    deploy(cloud)
    https = cloud.one(LISTENER, f"{NAME}-https").inputs
    assert (https["port"], https["protocol"], https["certificateArn"]) == (443, "HTTPS", CERTIFICATE)
    assert https["sslPolicy"].startswith("ELBSecurityPolicy-TLS13-")
    target_group = cloud.outputs_of(cloud.one("aws:lb/targetGroup:TargetGroup", f"{NAME}-tg"))["arn"]
    assert https["defaultActions"] == [{"type": "forward", "targetGroupArn": target_group}]
    http = cloud.one(LISTENER, f"{NAME}-http").inputs
    assert [a["type"] for a in http["defaultActions"]] == ["redirect"]
    assert http["defaultActions"][0]["redirect"] == {
        "port": "443",
        "protocol": "HTTPS",
        "statusCode": "HTTP_301",
    }


HOSTNAMES = ("app.example.com", "eu.app.example.com")


def test_without_a_certificate_arn_the_component_issues_one_validated_by_dns_in_the_zone(
    cloud: MockCloud,
) -> None:
    deploy(cloud, certificate_arn=None, tls_hostnames=HOSTNAMES, hosted_zone="example.com")
    certificate = cloud.one("aws:acm/certificate:Certificate", f"{NAME}-certificate")
    assert certificate.inputs["domainName"] == "app.example.com"
    assert certificate.inputs["subjectAlternativeNames"] == ["eu.app.example.com"]
    assert certificate.inputs["validationMethod"] == "DNS"
    (zone_lookup,) = cloud.invocations_of("aws:route53/getZone:getZone")
    assert zone_lookup.args == {"name": "example.com", "privateZone": False}
    options = {o["domainName"]: o for o in cloud.outputs_of(certificate)["domainValidationOptions"]}
    records = [cloud.one("aws:route53/record:Record", f"{NAME}-certificate-validation-{i}") for i in range(2)]
    for record, hostname in zip(records, HOSTNAMES, strict=True):
        assert record.inputs["name"] == options[hostname]["resourceRecordName"]
        assert record.inputs["type"] == "CNAME"
        assert record.inputs["records"] == [options[hostname]["resourceRecordValue"]]
        assert record.inputs["zoneId"] == "Z0123456789EXAMPLE"
        # The other region's stack writes the same record for the shared name; neither removes it.
        assert record.inputs["allowOverwrite"] is True
        assert record.options.get("retainOnDelete") is True
    validation = cloud.one("aws:acm/certificateValidation:CertificateValidation", f"{NAME}-certificate")
    assert validation.inputs["certificateArn"] == cloud.outputs_of(certificate)["arn"]
    assert validation.inputs["validationRecordFqdns"] == [r.inputs["name"] for r in records]
    https = cloud.one(LISTENER, f"{NAME}-https")
    # The listener waits for the validated certificate, not just the requested one.
    assert https.inputs["certificateArn"] == cloud.outputs_of(certificate)["arn"]
    assert validation.urn in https.dependencies
    assert cloud.one(LISTENER, f"{NAME}-http").inputs["defaultActions"][0]["type"] == "redirect"


def test_with_a_certificate_arn_no_certificate_is_issued(cloud: MockCloud) -> None:
    deploy(cloud)
    assert cloud.of_type("aws:acm/certificate:Certificate") == []
    assert cloud.of_type("aws:route53/record:Record") == []


@pytest.mark.parametrize(
    "changes",
    [
        {"certificate_arn": None},
        {"certificate_arn": None, "tls_hostnames": HOSTNAMES},
        {"certificate_arn": None, "hosted_zone": "example.com"},
    ],
)
def test_a_load_balancer_serving_plain_http_cannot_be_configured(changes: dict[str, Any]) -> None:
    """Without a certificate the HTTPS health check could never pass: the combination does not exist."""
    with pytest.raises(ValueError, match=r"never serves plain HTTP|needs hosted_zone"):
        dataclasses.replace(BASELINE, **changes)


def test_certificate_hostnames_must_lie_in_the_hosted_zone() -> None:
    with pytest.raises(ValueError, match="not a lower-case name inside hosted_zone"):
        dataclasses.replace(
            BASELINE, certificate_arn=None, tls_hostnames=("app.example.org",), hosted_zone="example.com"
        )


def test_the_load_balancer_serves_https_on_the_port_it_reports(cloud: MockCloud) -> None:
    component = deploy(cloud, certificate_arn=None, tls_hostnames=HOSTNAMES, hosted_zone="example.com")
    served = [
        (r.inputs["protocol"], r.inputs["port"])
        for r in cloud.of_type(LISTENER)
        if r.inputs["defaultActions"][0]["type"] == "forward"
    ]
    assert served == [("HTTPS", component.https_port)]


def test_target_group_takes_pod_ips_and_checks_the_configured_path(cloud: MockCloud) -> None:
    component = deploy(cloud, health_check_path="/ready")
    target_group = cloud.one("aws:lb/targetGroup:TargetGroup", f"{NAME}-tg")
    assert target_group.inputs["targetType"] == "ip"
    assert target_group.inputs["port"] == 8080
    assert target_group.inputs["vpcId"] == resource_id(cloud, "aws:ec2/vpc:Vpc", f"{NAME}-vpc")
    assert target_group.inputs["healthCheck"]["path"] == "/ready"
    assert cloud.resolve(component.target_group_arn) == cloud.outputs_of(target_group)["arn"]


# --- Kubernetes access and baseline ---


def test_kubeconfig_is_secret_and_authenticates_with_aws_eks_get_token(cloud: MockCloud) -> None:
    component = deploy(cloud)
    assert cloud.is_secret(component.kubeconfig)
    kubeconfig = json.loads(cloud.resolve(component.kubeconfig))
    cluster = cloud.outputs_of(cloud.one(EKS, f"{NAME}-cluster"))
    assert kubeconfig["clusters"][0]["cluster"]["server"] == cluster["endpoint"]
    exec_config = kubeconfig["users"][0]["user"]["exec"]
    assert exec_config["command"] == "aws"
    assert exec_config["args"][:2] == ["eks", "get-token"]
    assert exec_config["args"][exec_config["args"].index("--cluster-name") + 1] == f"{NAME}-cluster"
    assert exec_config["args"][exec_config["args"].index("--region") + 1] == REGION
    assert "token" not in kubeconfig["users"][0]["user"]


def test_kubernetes_resources_use_the_clusters_provider(cloud: MockCloud) -> None:
    deploy(cloud)
    provider = cloud.one("pulumi:providers:kubernetes", f"{NAME}-kubernetes")
    kubernetes = [r for r in cloud.registrations if r.type.startswith("kubernetes:")]
    assert kubernetes
    assert {r.provider.rsplit("::", 1)[0] for r in kubernetes} == {provider.urn}


def test_namespaces_enforce_restricted_pod_security_and_state_their_classification(cloud: MockCloud) -> None:
    deploy(cloud)
    labels = {
        r.inputs["metadata"]["name"]: r.inputs["metadata"]["labels"]
        for r in cloud.of_type("kubernetes:core/v1:Namespace")
    }
    assert set(labels) == {"microservices", "telemetry"}
    assert labels["microservices"][CLASSIFICATION_TAG] == "pii"
    assert labels["telemetry"][CLASSIFICATION_TAG] == "telemetry"
    assert all(ls["pod-security.kubernetes.io/enforce"] == "restricted" for ls in labels.values())


@pytest.mark.parametrize("namespace", ["microservices", "telemetry"])
def test_each_namespace_denies_all_traffic_by_default_except_dns(cloud: MockCloud, namespace: str) -> None:
    deploy(cloud)
    deny = policy_spec(cloud, namespace, "default-deny")
    assert deny["podSelector"] == {}
    assert sorted(deny["policyTypes"]) == ["Egress", "Ingress"]
    assert "ingress" not in deny and "egress" not in deny
    dns = policy_spec(cloud, namespace, "allow-dns-egress")
    assert dns["policyTypes"] == ["Egress"]
    (rule,) = dns["egress"]
    assert rule["to"] == [
        {
            "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
            "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}},
        }
    ]
    assert sorted((p["protocol"], p["port"]) for p in rule["ports"]) == [("TCP", 53), ("UDP", 53)]


def test_microservices_allowances_are_the_load_balancer_telemetry_and_the_pii_database(
    cloud: MockCloud,
) -> None:
    component = deploy(cloud)
    from_alb = policy_spec(cloud, "microservices", "allow-ingress-from-load-balancer")
    public_cidrs = [
        cloud.one("aws:ec2/subnet:Subnet", f"{NAME}-public-{i}").inputs["cidrBlock"] for i in range(3)
    ]
    assert from_alb["ingress"] == [
        {"from": [{"ipBlock": {"cidr": c}} for c in public_cidrs], "ports": tcp(8080)}
    ]
    # Only the front door takes traffic from the load balancer's subnets; the other pods stay closed.
    assert from_alb["podSelector"] == {"matchLabels": FRONT_DOOR_SELECTOR}
    to_telemetry = policy_spec(cloud, "microservices", "allow-egress-to-telemetry")
    assert to_telemetry["egress"] == [
        {
            "to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "telemetry"}}}],
            "ports": tcp(5432),
        }
    ]
    to_database = policy_spec(cloud, "microservices", "allow-egress-to-pii-database")
    assert to_database["egress"] == [
        {"to": [{"ipBlock": {"cidr": c}} for c in component.database_subnet_cidrs], "ports": tcp(5432)}
    ]
    names = {
        r.inputs["metadata"]["name"]
        for r in cloud.of_type(NETWORK_POLICY)
        if r.inputs["metadata"]["namespace"] == "microservices"
    }
    assert names == {
        "default-deny",
        "allow-dns-egress",
        "allow-ingress-from-load-balancer",
        "allow-egress-to-telemetry",
        "allow-egress-to-pii-database",
        "allow-application-within-namespace",
    }


def test_the_telemetry_namespace_allows_nothing_but_dns_until_the_telemetry_store_selects_its_pods(
    cloud: MockCloud,
) -> None:
    deploy(cloud)
    telemetry = [r for r in cloud.of_type(NETWORK_POLICY) if r.inputs["metadata"]["namespace"] == "telemetry"]
    assert sorted(r.inputs["metadata"]["name"] for r in telemetry) == ["allow-dns-egress", "default-deny"]


def test_pods_of_the_microservices_namespace_reach_each_other_only_on_the_application_port(
    cloud: MockCloud,
) -> None:
    deploy(cloud)
    spec = policy_spec(cloud, "microservices", "allow-application-within-namespace")
    # A peer with only an empty pod selector means "any pod in this namespace", never another namespace.
    assert spec["ingress"] == [{"from": [{"podSelector": {}}], "ports": tcp(8080)}]
    assert spec["egress"] == [{"to": [{"podSelector": {}}], "ports": tcp(8080)}]


def test_no_cluster_policy_admits_the_peer_region(cloud: MockCloud) -> None:
    deploy(cloud)
    rendered = json.dumps([r.inputs for r in cloud.of_type(NETWORK_POLICY)])
    assert PEER_CIDR not in rendered


@pytest.mark.parametrize("peer_cidr", [None, PEER_CIDR])
def test_no_peering_and_no_route_to_the_peer_until_its_vpc_is_known(
    cloud: MockCloud, peer_cidr: str | None
) -> None:
    component = deploy(cloud, peer_vpc_cidr=peer_cidr, peer_vpc_id=None, peer_region=None)
    assert not any(r.inputs.get("vpcPeeringConnectionId") for r in cloud.of_type(ROUTE))
    assert cloud.of_type(PEERING) == cloud.of_type(ACCEPTER) == []
    assert component.peering_connection_id is None


def test_no_security_rule_of_the_cluster_admits_the_peer_region(cloud: MockCloud) -> None:
    """The peer reaches only the telemetry exchange, which TelemetryStore admits; nothing here opens to it."""
    deploy(cloud)
    rules = cloud.of_type(INGRESS_RULE) + cloud.of_type(EGRESS_RULE)
    assert rules and PEER_CIDR not in json.dumps([r.inputs for r in rules])


# --- Component shape ---


PARTS = {
    "residency:regionalCluster:Network": "network",
    "residency:regionalCluster:KubernetesCluster": "kubernetes-cluster",
    "residency:regionalCluster:LoadBalancer": "load-balancer",
    "residency:regionalCluster:ClusterBaseline": "cluster-baseline",
    "residency:regionalCluster:LoadBalancerController": "load-balancer-controller",
}
"""The child components, one concern each, and the suffix each is named with after the RegionalCluster."""


def test_every_child_is_parented_to_the_component_named_from_it_and_in_its_region(cloud: MockCloud) -> None:
    deploy(cloud)
    component = cloud.one(COMPONENT_TYPE, NAME)
    parts = {r.urn: r for r in cloud.registrations if r.type in PARTS}
    assert {(r.type, r.name) for r in parts.values()} == {(t, f"{NAME}-{s}") for t, s in PARTS.items()}
    assert all(part.parent == component.urn for part in parts.values())
    children = [r for r in cloud.registrations if r.urn not in (component.urn,) and r.name != f"aws-{REGION}"]
    assert len(children) > 50
    for child in children:
        # Directly, or through one of its parts, which are its children themselves.
        assert child.parent == component.urn or child.parent in parts, (
            f"{child.type} {child.name} is not parented to the component"
        )
        assert child.name.startswith(f"{NAME}-"), f"{child.type} {child.name} is not named from the component"
        owner_chain = (
            component.urn.split("::")[2]
            if child.parent == component.urn
            else parts[child.parent].urn.split("::")[2]
        )
        assert f"::{owner_chain}${child.type}::" in child.urn
        if child.type.startswith("aws:"):
            assert cloud.region_of(child) == REGION, f"{child.type} {child.name} is outside {REGION}"


def test_what_the_parts_share_stays_with_the_component_and_each_part_holds_its_own_concern(
    cloud: MockCloud,
) -> None:
    deploy(cloud)
    component = cloud.one(COMPONENT_TYPE, NAME)
    parts = {r.urn: PARTS[r.type] for r in cloud.registrations if r.type in PARTS}
    owner = {r.name: parts.get(r.parent, "component") for r in cloud.registrations if r.urn != component.urn}
    # The logs key serves the network's flow logs and the cluster's control-plane logs; every Kubernetes
    # object names the provider.
    assert owner[f"{NAME}-logs-key"] == owner[f"{NAME}-kubernetes"] == "component"
    assert owner[f"{NAME}-vpc"] == owner[f"{NAME}-flow-logs"] == owner[f"{NAME}-nat-0"] == "network"
    assert (
        owner[f"{NAME}-cluster"]
        == owner[f"{NAME}-nodes"]
        == owner[f"{NAME}-secrets-key"]
        == "kubernetes-cluster"
    )
    assert owner[f"{NAME}-alb"] == owner[f"{NAME}-tg"] == owner[f"{NAME}-https"] == "load-balancer"
    assert owner[f"{NAME}-microservices"] == owner[f"{NAME}-telemetry-default-deny"] == "cluster-baseline"


def test_data_holding_log_groups_state_their_classification(cloud: MockCloud) -> None:
    deploy(cloud)
    log_groups = cloud.of_type("aws:cloudwatch/logGroup:LogGroup")
    assert len(log_groups) == 2
    assert all(r.inputs["tags"][CLASSIFICATION_TAG] == "internal" for r in log_groups)


@pytest.mark.parametrize("name", ["eu west", "EU", "a-name-longer-than-twenty"])
def test_component_name_must_fit_the_cluster_and_load_balancer_names(name: str) -> None:
    with pytest.raises(ValueError, match="1-20 lower-case"):
        RegionalCluster(name, BASELINE)


# --- The path from the load balancer to the pods ---

RELEASE = "kubernetes:helm.sh/v3:Release"
BINDING = "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding"
SERVICE = "kubernetes:core/v1:Service"


def test_the_controller_is_a_pinned_eks_charts_release_in_kube_system(cloud: MockCloud) -> None:
    deploy(cloud)
    release = cloud.one(RELEASE, f"{NAME}-load-balancer-controller")
    assert release.inputs["chart"] == "aws-load-balancer-controller"
    assert release.inputs["version"] == "3.5.0"
    assert release.inputs["repositoryOpts"] == {"repo": "https://aws.github.io/eks-charts"}
    assert release.inputs["namespace"] == "kube-system"
    assert release.inputs["atomic"] is True
    provider = cloud.one("pulumi:providers:kubernetes", f"{NAME}-kubernetes")
    assert release.provider_urn == provider.urn


def test_the_controller_only_binds_target_groups(cloud: MockCloud) -> None:
    """No Service, Gateway or Ingress handling: it can create no load balancer, here or for the telemetry."""
    deploy(cloud)
    values = cloud.one(RELEASE, f"{NAME}-load-balancer-controller").inputs["values"]
    assert values["enableServiceMutatorWebhook"] is False
    assert values["createIngressClassResource"] is False
    assert values["ingressClassParams"] == {"create": False}
    assert values["disableIngressClassAnnotation"] is True
    assert values["controllerConfig"]["featureGates"] == {
        "EnableServiceController": False,
        "ALBGatewayAPI": False,
        "NLBGatewayAPI": False,
    }
    assert (values["enableShield"], values["enableWaf"], values["enableWafv2"]) == (False, False, False)
    # Two replicas and a budget of one: a node drain evicts one controller pod and goes on.
    assert values["replicaCount"] == 2 and values["podDisruptionBudget"] == {"maxUnavailable": 1}
    assert values["clusterName"] == f"{NAME}-cluster"
    assert values["region"] == REGION
    assert values["vpcId"] == resource_id(cloud, "aws:ec2/vpc:Vpc", f"{NAME}-vpc")


def test_the_controller_runs_as_its_own_irsa_role_bound_to_its_service_account(cloud: MockCloud) -> None:
    deploy(cloud)
    role = cloud.one("aws:iam/role:Role", f"{NAME}-load-balancer-controller")
    values = cloud.one(RELEASE, f"{NAME}-load-balancer-controller").inputs["values"]
    assert values["serviceAccount"]["name"] == "aws-load-balancer-controller"
    assert values["serviceAccount"]["annotations"] == {
        "eks.amazonaws.com/role-arn": cloud.outputs_of(role)["arn"]
    }
    (trust,) = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
    oidc = cloud.outputs_of(cloud.one("aws:iam/openIdConnectProvider:OpenIdConnectProvider", f"{NAME}-oidc"))
    assert trust["Principal"] == {"Federated": oidc["arn"]}
    assert trust["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert sorted(trust["Condition"]["StringEquals"].values()) == [
        "sts.amazonaws.com",
        "system:serviceaccount:kube-system:aws-load-balancer-controller",
    ]
    assert attached_policies(cloud, f"{NAME}-load-balancer-controller") == set()


def test_the_controllers_policy_registers_targets_in_the_front_door_target_group_only(
    cloud: MockCloud,
) -> None:
    deploy(cloud)
    policy = json.loads(
        cloud.one("aws:iam/rolePolicy:RolePolicy", f"{NAME}-load-balancer-controller").inputs["policy"]
    )
    target_group = cloud.outputs_of(cloud.one("aws:lb/targetGroup:TargetGroup", f"{NAME}-tg"))["arn"]
    by_sid = {s["Sid"]: s for s in policy["Statement"]}
    assert all(s["Effect"] == "Allow" for s in policy["Statement"])
    writes = by_sid["RegisterPodsInTheFrontDoorTargetGroupOnly"]
    assert writes["Action"] == [
        "elasticloadbalancing:RegisterTargets",
        "elasticloadbalancing:DeregisterTargets",
    ]
    assert writes["Resource"] == target_group
    actions = {
        a
        for s in policy["Statement"]
        for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])
    }
    assert actions == {
        "elasticloadbalancing:DescribeTargetGroups",
        "elasticloadbalancing:DescribeTargetHealth",
        "ec2:DescribeVpcs",
        "elasticloadbalancing:RegisterTargets",
        "elasticloadbalancing:DeregisterTargets",
    }
    for statement in policy["Statement"]:
        if statement["Resource"] == "*":
            assert statement["Condition"] == {"StringEquals": {"aws:RequestedRegion": REGION}}


def test_the_binding_ties_the_target_group_to_the_front_door_service_and_its_pods(cloud: MockCloud) -> None:
    deploy(cloud)
    (service,) = cloud.of_type(SERVICE)
    assert service.inputs["metadata"]["namespace"] == "microservices"
    assert service.inputs["spec"]["type"] == "ClusterIP"
    assert service.inputs["spec"]["selector"] == FRONT_DOOR_SELECTOR
    assert service.inputs["spec"]["ports"] == [
        {"name": "http", "protocol": "TCP", "port": 8080, "targetPort": 8080}
    ]
    (binding,) = cloud.of_type(BINDING)
    spec = binding.inputs["spec"]
    assert binding.inputs["metadata"]["namespace"] == "microservices"
    assert spec["serviceRef"] == {"name": service.inputs["metadata"]["name"], "port": 8080}
    target_group = cloud.one("aws:lb/targetGroup:TargetGroup", f"{NAME}-tg")
    assert spec["targetGroupARN"] == cloud.outputs_of(target_group)["arn"]
    assert spec["targetType"] == target_group.inputs["targetType"] == "ip"
    assert spec["vpcID"] == resource_id(cloud, "aws:ec2/vpc:Vpc", f"{NAME}-vpc")
    # No `networking`: the controller changes no security group; the nodes' group admits the ALB's.
    assert "networking" not in spec


def test_in_cluster_ordering_waits_for_the_node_group(cloud: MockCloud) -> None:
    """Add-ons that run pods, and the controller, start after the nodes; the binding after the controller."""
    deploy(cloud)
    node_group = cloud.one("aws:eks/nodeGroup:NodeGroup", f"{NAME}-nodes")
    release = cloud.one(RELEASE, f"{NAME}-load-balancer-controller")
    permissions = cloud.one("aws:iam/rolePolicy:RolePolicy", f"{NAME}-load-balancer-controller")
    assert {node_group.urn, permissions.urn} <= set(release.dependencies)
    assert node_group.urn in cloud.one("aws:eks/addon:Addon", f"{NAME}-ebs-csi").dependencies
    # The VPC CNI goes first, so the nodes start with its network policy agent on.
    assert cloud.one("aws:eks/addon:Addon", f"{NAME}-vpc-cni").urn in node_group.dependencies
    assert release.urn in cloud.one(BINDING, f"{NAME}-front-door-binding").dependencies


def test_the_node_group_follows_the_control_planes_version(cloud: MockCloud) -> None:
    deploy(cloud)
    cluster = cloud.one(EKS, f"{NAME}-cluster")
    node_group = cloud.one("aws:eks/nodeGroup:NodeGroup", f"{NAME}-nodes")
    assert node_group.inputs["version"] == cloud.outputs_of(cluster)["version"] == "1.35"
    assert cluster.urn in node_group.dependencies
