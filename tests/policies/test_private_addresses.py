"""Where a private address that code sends to lies (reviewer blind-k8s13 k04, k05): in one of the stack's VPCs
only inside one of their CIDR blocks (or an EKS cluster's service range); inside a block the stack routes
through a VPC peering connection, a transit gateway or a VPN, in the network that route leads to; anywhere
else, untraceable. Each test is the compliant baseline (a CronJob given the PII database's host that names
an address inside the VPC, 10.10.0.0/16) and one change.

Inputs as the AWS provider names them: `aws.ec2.VpcPeeringConnection` (`vpcId`, `peerVpcId`, `peerRegion`,
`peerOwnerId`), `aws.ec2.Route` (`routeTableId`, `destinationCidrBlock`, `vpcPeeringConnectionId`,
`transitGatewayId`), `aws.ec2.RouteTable` (`routes[]`: `cidrBlock`, `vpcPeeringConnectionId`),
`aws.ec2transitgateway.Route` (`destinationCidrBlock`, `transitGatewayAttachmentId`),
`aws.ec2transitgateway.PeeringAttachment` (`peerRegion`, `peerAccountId`), `aws.ec2.VpnConnectionRoute`
(`destinationCidrBlock`, `vpnConnectionId`).
"""

from __future__ import annotations

from tests.policies import copies
from tests.policies.baseline import Region, eu_region
from tests.policies.helm_releases import release
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

NO_PII = "no-pii-replication"
ANONYMISED_ONLY = "anonymised-only-replication"
IN_VPC = "10.10.1.20"


def _job(region: Region, address: str) -> Res:
    """A CronJob given the PII database's host, loading its dump into a PostgreSQL at `address`."""
    script = f'pg_dump -Fc -h "$PGHOST" app | pg_restore -d "host={address} port=5432 dbname=mirror"'
    container = {
        "name": "sync",
        "image": "postgres:17",
        "command": ["/bin/sh", "-c", script],
        "env": [{"name": "PGHOST", "value": UNKNOWN}],
    }
    return Res(
        "kubernetes:batch/v1:CronJob",
        "sync",
        {
            "metadata": {"name": "sync", "namespace": "app"},
            "spec": {
                "schedule": "0 2 * * *",
                "jobTemplate": {
                    "spec": {"template": {"spec": {"restartPolicy": "OnFailure", "containers": [container]}}}
                },
            },
        },
        region.kubernetes,
        deps={"spec": [region.database]},
    )


def _route_table(region: Region) -> Res:
    return Res(
        "aws:ec2/routeTable:RouteTable",
        "private",
        {"vpcId": UNKNOWN},
        region.provider,
        deps={"vpcId": [region.vpc]},
    )


def _peering(region: Region, **peer: str) -> list[Res]:
    """A peering connection of the VPC (its `peer` inputs) and a route of 10.20.0.0/16 through it."""
    peering = Res(
        "aws:ec2/vpcPeeringConnection:VpcPeeringConnection",
        "to-peer",
        {"vpcId": UNKNOWN, "peerVpcId": "vpc-0a1b2c3d4e5f60789", **peer},
        region.provider,
        deps={"vpcId": [region.vpc]},
    )
    table = _route_table(region)
    route = Res(
        "aws:ec2/route:Route",
        "to-peer",
        {"routeTableId": UNKNOWN, "destinationCidrBlock": "10.20.0.0/16", "vpcPeeringConnectionId": UNKNOWN},
        region.provider,
        deps={"routeTableId": [table], "vpcPeeringConnectionId": [peering]},
    )
    return [peering, table, route]


def _stack(address: str = IN_VPC, network: list[Res] | None = None) -> tuple[list[Res], Res]:
    region = eu_region()
    job = _job(region, address)
    return [*region.resources, *(network or []), job], job


def _blocked(resources: list[Res], job: Res, rule: str = NO_PII) -> str:
    found = violations(resources, rule)
    assert job.urn in [d.urn for d in found], messages(found)
    return next(d.message for d in found if d.urn == job.urn)


def test_an_address_inside_the_vpc_passes() -> None:
    resources, _ = _stack()
    assert violations(resources, NO_PII) == []


def test_an_address_the_vpc_routes_to_a_peered_vpc_of_another_region_is_in_that_region() -> None:
    region = eu_region()
    job = _job(region, "10.20.12.40")
    resources = [*region.resources, *_peering(region, peerRegion="ap-south-1"), job]
    message = _blocked(resources, job)
    assert "ap-south-1" in message


def test_an_address_the_vpc_routes_to_a_partner_accounts_vpc_is_in_that_account() -> None:
    region = eu_region()
    job = _job(region, "10.20.12.40")
    resources = [*region.resources, *_peering(region, peerOwnerId="999999999999"), job]
    message = _blocked(resources, job)
    assert "999999999999" in message


def test_an_address_of_a_peered_vpc_in_the_same_region_and_account_passes() -> None:
    region = eu_region()
    resources = [*region.resources, *_peering(region), _job(region, "10.20.12.40")]
    assert violations(resources, NO_PII) == []


def test_a_range_of_the_peered_vpc_is_no_server() -> None:
    # `10.20.0.0/16` in a script (an allow list, a pg_hba line) names a network, not where code sends.
    region = eu_region()
    job = _job(region, "10.10.1.20")
    container = job.props["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]
    container["command"][2] += " && echo 'host all all 10.20.0.0/16 reject' >> /tmp/hba"
    resources = [*region.resources, *_peering(region, peerRegion="ap-south-1"), job]
    assert violations(resources, NO_PII) == []


def test_a_private_address_no_network_of_the_stack_holds_is_untraceable() -> None:
    resources, job = _stack("172.31.40.17")
    message = _blocked(resources, job)
    assert "cannot be traced" in message and "172.31.40.17" in message


def test_an_address_of_the_clusters_default_service_range_passes() -> None:
    # The cluster names no serviceIpv4Cidr: EKS picks 10.100.0.0/16 or 172.20.0.0/16.
    resources, _ = _stack("172.20.0.10")
    assert violations(resources, NO_PII) == []


def test_an_inline_route_of_a_route_table_through_a_peering_counts() -> None:
    region = eu_region()
    peering, _, _ = _peering(region, peerRegion="ap-south-1")
    table = Res(
        "aws:ec2/routeTable:RouteTable",
        "private",
        {"vpcId": UNKNOWN, "routes": [{"cidrBlock": "10.20.0.0/16", "vpcPeeringConnectionId": UNKNOWN}]},
        region.provider,
        deps={"vpcId": [region.vpc], "routes": [peering]},
    )
    job = _job(region, "10.20.12.40")
    message = _blocked([*region.resources, peering, table, job], job)
    assert "ap-south-1" in message


def _transit(region: Region) -> list[Res]:
    """A transit gateway the VPC routes 10.0.0.0/8 to, peered with a transit gateway in us-east-1 that
    its own route sends 10.30.0.0/16 to."""
    gateway = Res("aws:ec2transitgateway/transitGateway:TransitGateway", "hub", {}, region.provider)
    attachment = Res(
        "aws:ec2transitgateway/peeringAttachment:PeeringAttachment",
        "to-us",
        {
            "transitGatewayId": UNKNOWN,
            "peerRegion": "us-east-1",
            "peerTransitGatewayId": "tgw-0123456789abcdef0",
        },
        region.provider,
        deps={"transitGatewayId": [gateway]},
    )
    table = _route_table(region)
    to_gateway = Res(
        "aws:ec2/route:Route",
        "to-hub",
        {"routeTableId": UNKNOWN, "destinationCidrBlock": "10.0.0.0/8", "transitGatewayId": UNKNOWN},
        region.provider,
        deps={"routeTableId": [table], "transitGatewayId": [gateway]},
    )
    onward = Res(
        "aws:ec2transitgateway/route:Route",
        "to-us",
        {
            "destinationCidrBlock": "10.30.0.0/16",
            "transitGatewayAttachmentId": UNKNOWN,
            "transitGatewayRouteTableId": "tgw-rtb-0123456789abcdef0",
        },
        region.provider,
        deps={"transitGatewayAttachmentId": [attachment]},
    )
    return [gateway, attachment, table, to_gateway, onward]


def test_an_address_a_transit_gateway_routes_to_its_peer_in_another_region_is_there() -> None:
    region = eu_region()
    job = _job(region, "10.30.1.5")
    message = _blocked([*region.resources, *_transit(region), job], job)
    assert "us-east-1" in message


def test_an_address_sent_to_a_transit_gateway_without_a_declared_onward_route_is_untraceable() -> None:
    region = eu_region()
    job = _job(region, "10.40.1.5")
    message = _blocked([*region.resources, *_transit(region), job], job)
    assert "transit gateway" in message and "cannot place" in message


def test_an_address_a_vpn_connection_routes_to_is_outside_aws() -> None:
    region = eu_region()
    vpn = Res(
        "aws:ec2/vpnConnection:VpnConnection",
        "office",
        {
            "customerGatewayId": "cgw-0123456789abcdef0",
            "type": "ipsec.1",
            "vpnGatewayId": "vgw-0123456789abcdef0",
        },
        region.provider,
    )
    route = Res(
        "aws:ec2/vpnConnectionRoute:VpnConnectionRoute",
        "office",
        {"destinationCidrBlock": "192.168.50.0/24", "vpnConnectionId": UNKNOWN},
        region.provider,
        deps={"vpnConnectionId": [vpn]},
    )
    job = _job(region, "192.168.50.10")
    message = _blocked([*region.resources, vpn, route, job], job)
    assert "on-premises" in message


def test_a_node_log_shipper_chart_writing_to_an_address_of_a_peered_region_is_blocked() -> None:
    # k04's shape: the reviewed fluent-bit chart, its OpenSearch output at the peered VPC's address.
    region = eu_region()
    app = Res(
        "kubernetes:apps/v1:Deployment",
        "api",
        {
            "metadata": {"name": "api", "namespace": "app", "labels": {"data-classification": "pii"}},
            "spec": {"template": {"spec": {"containers": [{"name": "api", "image": "api:1"}]}}},
        },
        region.kubernetes,
    )
    outputs = "[OUTPUT]\n    Name opensearch\n    Match kube.*\n    Host 10.20.12.40\n    Port 9200\n"
    shipper = release(region, "fluent-bit", {"config": {"outputs": outputs}}, namespace="logging")
    resources = [*region.resources, *_peering(region, peerRegion="ap-south-1"), app, shipper]
    found = violations(resources, ANONYMISED_ONLY)
    assert shipper.urn in [d.urn for d in found], messages(found)
    in_region = release(
        region,
        "fluent-bit",
        {"config": {"outputs": outputs.replace("10.20.12.40", IN_VPC)}},
        namespace="logging",
    )
    assert (
        violations(
            [*region.resources, *_peering(region, peerRegion="ap-south-1"), app, in_region], ANONYMISED_ONLY
        )
        == []
    )


def test_an_accepted_peering_of_the_stacks_own_request_in_another_region_leads_there() -> None:
    region = eu_region()
    mumbai = copies.mumbai()
    # Its block comes from an IPAM pool: only the accepted request tells where 10.20.0.0/16 is.
    peer_vpc = Res("aws:ec2/vpc:Vpc", "mumbai", {"ipv4IpamPoolId": "ipam-pool-0123456789abcdef0"}, mumbai)
    request = Res(
        "aws:ec2/vpcPeeringConnection:VpcPeeringConnection",
        "from-mumbai",
        {"vpcId": UNKNOWN, "peerVpcId": UNKNOWN, "peerRegion": "eu-west-1"},
        mumbai,
        deps={"vpcId": [peer_vpc], "peerVpcId": [region.vpc]},
    )
    accepter = Res(
        "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter",
        "from-mumbai",
        {"vpcPeeringConnectionId": UNKNOWN, "autoAccept": True},
        region.provider,
        deps={"vpcPeeringConnectionId": [request]},
    )
    table = _route_table(region)
    route = Res(
        "aws:ec2/route:Route",
        "to-mumbai",
        {"routeTableId": UNKNOWN, "destinationCidrBlock": "10.20.0.0/16", "vpcPeeringConnectionId": UNKNOWN},
        region.provider,
        deps={"routeTableId": [table], "vpcPeeringConnectionId": [accepter]},
    )
    job = _job(region, "10.20.12.40")
    message = _blocked([*region.resources, mumbai, peer_vpc, request, accepter, table, route, job], job)
    assert "ap-south-1" in message
