"""The stack's own networks and the routes it declares beyond them: where a private address code names lies.

A private address (RFC 1918 or the shared CGNAT range) says nothing by itself about where its server is: it is
in one of the stack's VPCs only inside one of their CIDR blocks (or the service range of one of its EKS
clusters); inside a block the stack routes through a VPC peering connection, a transit gateway, a VPN or
another gateway, it is in the network that route leads to (a peered VPC of another region or account, an
on-premises network); any other private address may be anywhere the VPCs route and cannot be traced
(reviewers blind-k8s13 k04 and k05). `residency_policies/private_networks.py` reads these tables.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

PRIVATE_RANGES = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10")
"""Ranges whose addresses are placed by the stack's networks and routes (RFC 1918, RFC 6598)."""

LOCAL_RANGES = ("127.0.0.0/8", "169.254.0.0/16")
"""Loopback and link-local: the host itself (instance and task metadata, a node's local agents)."""

OWN_NETWORKS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "aws:ec2/vpc:Vpc": ("cidrBlock", "ipv6CidrBlock"),
        "aws:ec2/vpcIpv4CidrBlockAssociation:VpcIpv4CidrBlockAssociation": ("cidrBlock",),
        "aws:ec2/vpcIpv6CidrBlockAssociation:VpcIpv6CidrBlockAssociation": ("ipv6CidrBlock",),
        "aws:eks/cluster:Cluster": (
            "kubernetesNetworkConfig.serviceIpv4Cidr",
            "kubernetesNetworkConfig.serviceIpv6Cidr",
        ),
    }
)
"""Where each type holds a network of the stack's own (a VPC's blocks, an EKS cluster's service range; the
pods of the VPC CNI take the VPC's addresses)."""

FIXED_NETWORKS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        # docs.aws.amazon.com/vpc/latest/userguide/default-vpc-components.html: always 172.31.0.0/16.
        "aws:ec2/defaultVpc:DefaultVpc": ("172.31.0.0/16",),
    }
)
"""Networks a type always has, whatever its inputs."""

EKS_DEFAULT_SERVICE_RANGES = ("10.100.0.0/16", "172.20.0.0/16")
"""The service ranges EKS picks when a cluster names none (`kubernetesNetworkConfig.serviceIpv4Cidr`)."""


@dataclass(frozen=True)
class RouteShape:
    """Where a type declares routes: the path of its routes (empty: the resource is one), their destination
    keys and whether a route leads beyond the VPC's first hop (a transit gateway's own table)."""

    routes: str
    destinations: tuple[str, ...]
    onward: bool = False


ROUTES: Mapping[str, RouteShape] = MappingProxyType(
    {
        "aws:ec2/route:Route": RouteShape("", ("destinationCidrBlock", "destinationIpv6CidrBlock")),
        "aws:ec2/routeTable:RouteTable": RouteShape("routes", ("cidrBlock", "ipv6CidrBlock")),
        "aws:ec2/defaultRouteTable:DefaultRouteTable": RouteShape("routes", ("cidrBlock", "ipv6CidrBlock")),
        "aws:ec2transitgateway/route:Route": RouteShape("", ("destinationCidrBlock",), onward=True),
        "aws:ec2/vpnConnectionRoute:VpnConnectionRoute": RouteShape(
            "", ("destinationCidrBlock",), onward=True
        ),
    }
)
"""The route resources of the AWS provider, by type."""

_VPC_PEERINGS = (
    "aws:ec2/vpcPeeringConnection:VpcPeeringConnection",
    "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter",
)
_ATTACHMENTS = (
    "aws:ec2transitgateway/peeringAttachment:PeeringAttachment",
    "aws:ec2transitgateway/peeringAttachmentAccepter:PeeringAttachmentAccepter",
    "aws:ec2transitgateway/vpcAttachment:VpcAttachment",
    "aws:ec2/vpnConnection:VpnConnection",
)


@dataclass(frozen=True)
class RouteTarget:
    """What a route's target key leads to, in words, and the types of the stack that place it."""

    words: str
    placed_by: tuple[str, ...] = ()


ROUTE_TARGETS: Mapping[str, RouteTarget] = MappingProxyType(
    {
        "vpcPeeringConnectionId": RouteTarget("a VPC peering connection", _VPC_PEERINGS),
        "transitGatewayAttachmentId": RouteTarget("a transit gateway attachment", _ATTACHMENTS),
        "transitGatewayId": RouteTarget("a transit gateway"),
        "vpnConnectionId": RouteTarget(
            "a Site-to-Site VPN connection", ("aws:ec2/vpnConnection:VpnConnection",)
        ),
        "gatewayId": RouteTarget(
            "a gateway (a virtual private gateway leads to a VPN or Direct Connect network)",
            ("aws:ec2/vpnGateway:VpnGateway",),
        ),
        "coreNetworkArn": RouteTarget("a Cloud WAN core network"),
        "localGatewayId": RouteTarget("an Outposts local gateway (an on-premises network)"),
        "natGatewayId": RouteTarget("a NAT gateway"),
        "networkInterfaceId": RouteTarget("a network interface (an appliance that forwards)"),
        "vpcEndpointId": RouteTarget("a Gateway Load Balancer endpoint"),
        "carrierGatewayId": RouteTarget("a Wavelength carrier gateway"),
        "egressOnlyGatewayId": RouteTarget("an egress-only internet gateway"),
    }
)
"""A route's target keys, in the order they are read. A target the types of `placed_by` do not place (a
transit gateway whose own routes the stack does not declare, a NAT gateway, an appliance) leaves the route's
network untraceable."""


ON_PREMISES: Mapping[str, str] = MappingProxyType(
    {
        "aws:ec2/vpnConnection:VpnConnection": "a Site-to-Site VPN connection",
        "aws:ec2/vpnGateway:VpnGateway": "a virtual private gateway (a VPN or Direct Connect network)",
        "aws:ec2/customerGateway:CustomerGateway": "a customer gateway",
        "aws:directconnect/gateway:Gateway": "a Direct Connect gateway",
    }
)
"""Route targets that lead to a network outside AWS (a data centre, an office), in words."""


@dataclass(frozen=True)
class PeerShape:
    """Where a peering names the other side's region and account; `requester`: an absent key is the
    peering's own region or account (the requester's inputs), else it cannot be told at preview (an
    accepter's outputs)."""

    region: str
    account: str
    requester: bool
    connection: str = ""
    """The input naming the connection an accepter accepts (its requester, when the stack declares it)."""


PEERINGS: Mapping[str, PeerShape] = MappingProxyType(
    {
        "aws:ec2/vpcPeeringConnection:VpcPeeringConnection": PeerShape("peerRegion", "peerOwnerId", True),
        "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter": PeerShape(
            "peerRegion", "peerOwnerId", False, "vpcPeeringConnectionId"
        ),
        "aws:ec2transitgateway/peeringAttachment:PeeringAttachment": PeerShape(
            "peerRegion", "peerAccountId", True
        ),
        "aws:ec2transitgateway/peeringAttachmentAccepter:PeeringAttachmentAccepter": PeerShape(
            "peerRegion", "peerAccountId", False, "transitGatewayAttachmentId"
        ),
    }
)
"""The peerings of VPCs and transit gateways: a route through one leads to the other side's network."""

ATTACHED_VPCS: Mapping[str, str] = MappingProxyType(
    {"aws:ec2transitgateway/vpcAttachment:VpcAttachment": "vpcId"}
)
"""Transit gateway attachments of a VPC, with the input naming it: a route through one leads to that VPC."""
