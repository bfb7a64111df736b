"""Network: the region's VPC over its availability zones, as a child component of RegionalCluster.

Three tiers per zone: public subnets (the load balancer, NAT gateways), private subnets (the nodes and, with
the VPC CNI, their pods) and isolated database subnets with no route to or from the internet. The VPC's flow
logs go to an encrypted log group written by a role scoped to that group.

Peering with the peer region, from configuration only (`peer_vpc_id`, `peer_region`, `peer_account_id`):
the requesting side declares the `VpcPeeringConnection` to the peer's VPC; the accepting side finds that
request (requester VPC = the peer's, accepter VPC = this one, requested by the peer's account, pending or
active) and declares its `VpcPeeringConnectionAccepter`. Which side is which is decided outside (the settings
derive it from the two stack names), so both sides agree without exchanging anything but VPC ids. Each side
then routes the peer's range from its private route tables (the nodes, where the telemetry exchange runs)
through the connection. The database tier gets no route to the peer: personal data has no path across.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.regional_cluster.args import RegionalClusterArgs, SubnetPlan, plan_subnets
from components.regional_cluster.common import (
    ClusterPart,
    flow_log_group_name,
    policy_document,
    service_trust,
)
from components.regional_key import RegionalAccount

_PEERING_STATES = ("pending-acceptance", "provisioning", "active")
"""The states of a peering connection the accepting side may find: requested, being accepted, accepted."""


class Network(ClusterPart):
    """The VPC, its three subnet tiers per zone, internet and NAT gateways, route tables and flow logs."""

    vpc_id: pulumi.Output[str]
    peering_connection_id: pulumi.Output[str] | None
    """The peering connection to the peer's VPC, once `peer_vpc_id` is configured (requested or accepted)."""
    vpc_cidr_block: str
    public_subnet_ids: list[pulumi.Output[str]]
    private_subnet_ids: list[pulumi.Output[str]]
    database_subnet_ids: list[pulumi.Output[str]]
    database_subnet_cidrs: list[str]
    plan: SubnetPlan

    def __init__(
        self,
        owner: pulumi.ComponentResource,
        prefix: str,
        args: RegionalClusterArgs,
        account: RegionalAccount,
        logs_key: aws.kms.Key,
    ) -> None:
        super().__init__("Network", owner, prefix, args, account)
        self.plan = plan_subnets(args.vpc_cidr, args.availability_zone_count)
        self._plan = self.plan
        self._build(logs_key)
        self.register_outputs(
            {
                "vpc_id": self.vpc_id,
                "public_subnet_ids": self.public_subnet_ids,
                "private_subnet_ids": self.private_subnet_ids,
                "database_subnet_ids": self.database_subnet_ids,
            }
        )

    def _build(self, logs_key: aws.kms.Key) -> None:
        """VPC with public, private and isolated database subnets in each availability zone."""
        args, name, plan = self._args, self._prefix, self._plan
        cluster_tag = f"kubernetes.io/cluster/{name}-cluster"
        zones = aws.get_availability_zones_output(
            state="available",
            # Local and Wavelength zones are opt-in and cannot host EKS control-plane interfaces.
            filters=[{"name": "opt-in-status", "values": ["opt-in-not-required"]}],
            opts=pulumi.InvokeOptions(parent=self),
        )

        def zone(index: int) -> pulumi.Output[str]:
            def pick(names: list[str]) -> str:
                if index >= len(names):
                    raise ValueError(
                        f"RegionalClusterArgs.availability_zone_count: {args.availability_zone_count} zones "
                        f"requested, the region offers {len(names)}"
                    )
                return names[index]

            return zones.names.apply(pick)

        vpc = aws.ec2.Vpc(
            f"{name}-vpc",
            cidr_block=args.vpc_cidr,
            enable_dns_support=True,
            enable_dns_hostnames=True,
            tags=self._tags("vpc"),
            opts=self._opts(),
        )
        # Strip the default security group of its allow-all rules so nothing can fall back on it.
        aws.ec2.DefaultSecurityGroup(
            f"{name}-default-sg", vpc_id=vpc.id, tags=self._tags("default-sg"), opts=self._opts()
        )
        internet_gateway = aws.ec2.InternetGateway(
            f"{name}-igw", vpc_id=vpc.id, tags=self._tags("igw"), opts=self._opts()
        )
        self.peering_connection_id = self._peering(vpc)

        def tier_subnet(
            tier: str,
            index: int,
            cidr_block: str,
            load_balancer_role: str | None = None,
            map_public_ip_on_launch: bool | None = None,
        ) -> aws.ec2.Subnet:
            """One tier's subnet in the index-th zone, named and tagged after the tier."""
            tags = self._tags(f"{tier}-{index}")
            if load_balancer_role is not None:
                # The AWS Load Balancer Controller picks the subnets for its load balancers by these tags.
                tags.update({f"kubernetes.io/role/{load_balancer_role}": "1", cluster_tag: "shared"})
            return aws.ec2.Subnet(
                f"{name}-{tier}-{index}",
                vpc_id=vpc.id,
                cidr_block=cidr_block,
                availability_zone=zone(index),
                map_public_ip_on_launch=map_public_ip_on_launch,
                tags=tags,
                opts=self._opts(),
            )

        public_subnets: list[aws.ec2.Subnet] = []
        private_subnets: list[aws.ec2.Subnet] = []
        database_subnets: list[aws.ec2.Subnet] = []
        for index in range(args.availability_zone_count):
            public_subnets.append(
                tier_subnet("public", index, plan.public[index], "elb", map_public_ip_on_launch=False)
            )
            private_subnets.append(tier_subnet("private", index, plan.private[index], "internal-elb"))
            database_subnets.append(tier_subnet("database", index, plan.database[index]))

        public_routes = aws.ec2.RouteTable(
            f"{name}-public-rt", vpc_id=vpc.id, tags=self._tags("public-rt"), opts=self._opts()
        )
        aws.ec2.Route(
            f"{name}-public-internet",
            route_table_id=public_routes.id,
            destination_cidr_block="0.0.0.0/0",
            gateway_id=internet_gateway.id,
            opts=self._opts(),
        )
        for index, subnet in enumerate(public_subnets):
            aws.ec2.RouteTableAssociation(
                f"{name}-public-{index}",
                subnet_id=subnet.id,
                route_table_id=public_routes.id,
                opts=self._opts(),
            )

        nat_gateways: list[aws.ec2.NatGateway] = []
        for index in range(args.nat_gateways):
            address = aws.ec2.Eip(
                f"{name}-nat-{index}", domain="vpc", tags=self._tags(f"nat-{index}"), opts=self._opts()
            )
            nat_gateways.append(
                aws.ec2.NatGateway(
                    f"{name}-nat-{index}",
                    allocation_id=address.id,
                    subnet_id=public_subnets[index].id,
                    tags=self._tags(f"nat-{index}"),
                    opts=self._opts(depends_on=[internet_gateway]),
                )
            )

        for index, subnet in enumerate(private_subnets):
            table = aws.ec2.RouteTable(
                f"{name}-private-{index}",
                vpc_id=vpc.id,
                tags=self._tags(f"private-{index}"),
                opts=self._opts(),
            )
            aws.ec2.Route(
                f"{name}-private-{index}-internet",
                route_table_id=table.id,
                destination_cidr_block="0.0.0.0/0",
                nat_gateway_id=nat_gateways[index % len(nat_gateways)].id,
                opts=self._opts(),
            )
            # The telemetry exchange runs on these nodes; the peer's store pushes into it from there.
            self._peer_route(f"{name}-private-{index}-peer", table)
            aws.ec2.RouteTableAssociation(
                f"{name}-private-{index}", subnet_id=subnet.id, route_table_id=table.id, opts=self._opts()
            )

        # The database tier has only the implicit local route: no internet gateway, no NAT and no route to the
        # peer region, so nothing placed there can reach or be reached from the internet or the other
        # jurisdiction, whatever a security group later admits.
        database_routes = aws.ec2.RouteTable(
            f"{name}-database-rt", vpc_id=vpc.id, tags=self._tags("database-rt"), opts=self._opts()
        )
        for index, subnet in enumerate(database_subnets):
            aws.ec2.RouteTableAssociation(
                f"{name}-database-{index}",
                subnet_id=subnet.id,
                route_table_id=database_routes.id,
                opts=self._opts(),
            )

        if args.flow_logs:
            self._flow_logs(vpc, logs_key)

        self.vpc_id = vpc.id
        self.vpc_cidr_block = args.vpc_cidr
        self.public_subnet_ids = [subnet.id for subnet in public_subnets]
        self.private_subnet_ids = [subnet.id for subnet in private_subnets]
        self.database_subnet_ids = [subnet.id for subnet in database_subnets]
        self.database_subnet_cidrs = list(plan.database)

    def _peering(self, vpc: aws.ec2.Vpc) -> pulumi.Output[str] | None:
        """This side of the peering connection to the peer's VPC: the request, or its acceptance."""
        args, name = self._args, self._prefix
        if args.peer_vpc_id is None:
            return None
        if args.requests_peering:
            # Cross-region: AWS refuses auto_accept here; the peer's stack accepts. peer_owner_id defaults to
            # this account. DNS resolution across the link stays off (the requester options are left unset).
            connection = aws.ec2.VpcPeeringConnection(
                f"{name}-peering",
                vpc_id=vpc.id,
                peer_vpc_id=args.peer_vpc_id,
                peer_region=args.peer_region,
                peer_owner_id=args.peer_account_id,
                tags=self._tags("peering"),
                opts=self._new_opts(),
            )
            return connection.id
        requester_account = (
            pulumi.Output.from_input(args.peer_account_id)
            if args.peer_account_id is not None
            else self._account.account_id
        )
        peer_vpc_id = args.peer_vpc_id

        def filters(values: list[str]) -> list[aws.ec2.GetVpcPeeringConnectionsFilterArgsDict]:
            requester_owner, own_vpc = values
            return [
                {"name": "requester-vpc-info.vpc-id", "values": [peer_vpc_id]},
                {"name": "requester-vpc-info.owner-id", "values": [requester_owner]},
                {"name": "accepter-vpc-info.vpc-id", "values": [own_vpc]},
                {"name": "status-code", "values": list(_PEERING_STATES)},
            ]

        found = aws.ec2.get_vpc_peering_connections_output(
            filters=pulumi.Output.all(requester_account, vpc.id).apply(filters),
            opts=pulumi.InvokeOptions(parent=self),
        )
        accepter = aws.ec2.VpcPeeringConnectionAccepter(
            f"{name}-peering",
            vpc_peering_connection_id=found.ids.apply(
                lambda ids: _the_requested_connection(ids, args.peer_vpc_id or "", args.peer_region or "")
            ),
            auto_accept=True,
            tags=self._tags("peering"),
            opts=self._new_opts(),
        )
        return accepter.id

    def _peer_route(self, resource_name: str, table: aws.ec2.RouteTable) -> None:
        """Route the peer region's range through the peering connection, when one is configured."""
        if self.peering_connection_id is None or self._args.peer_vpc_cidr is None:
            return
        aws.ec2.Route(
            resource_name,
            route_table_id=table.id,
            destination_cidr_block=self._args.peer_vpc_cidr,
            vpc_peering_connection_id=self.peering_connection_id,
            opts=self._opts(),
        )

    def _flow_logs(self, vpc: aws.ec2.Vpc, logs_key: aws.kms.Key) -> None:
        """VPC flow logs into an encrypted log group, written by a role scoped to that group."""
        name = self._prefix
        log_group = self._log_group("flow-logs", flow_log_group_name(self._prefix), logs_key)
        role = aws.iam.Role(
            f"{name}-flow-logs",
            assume_role_policy=self._account.account_id.apply(
                lambda account: service_trust("vpc-flow-logs.amazonaws.com", account)
            ),
            tags=self._tags("flow-logs"),
            opts=self._opts(),
        )
        aws.iam.RolePolicy(
            f"{name}-flow-logs",
            role=role.id,
            policy=log_group.arn.apply(
                lambda arn: policy_document(
                    [
                        {
                            "Effect": "Allow",
                            "Action": [
                                "logs:CreateLogStream",
                                "logs:PutLogEvents",
                                "logs:DescribeLogGroups",
                                "logs:DescribeLogStreams",
                            ],
                            "Resource": [arn, f"{arn}:*"],
                        }
                    ]
                )
            ),
            opts=self._opts(),
        )
        aws.ec2.FlowLog(
            f"{name}-flow-logs",
            vpc_id=vpc.id,
            traffic_type="ALL",
            log_destination_type="cloud-watch-logs",
            log_destination=log_group.arn,
            iam_role_arn=role.arn,
            max_aggregation_interval=600,
            tags=self._tags("flow-logs"),
            opts=self._opts(),
        )


def _the_requested_connection(ids: list[str] | None, peer_vpc_id: str, peer_region: str) -> str:
    """The one connection the peer requested to this VPC; none or several is an error saying what to do."""
    found = sorted(ids or [])
    if len(found) == 1:
        return found[0]
    if not found:
        raise ValueError(
            f"RegionalCluster peering: no peering connection from {peer_vpc_id} ({peer_region}) to this VPC "
            "is pending acceptance or active. The peer stack (the one whose name sorts first) requests "
            "it: run its `pulumi up` first, then this stack's; check residency:peer.vpcId (and "
            "peer.accountId) here"
        )
    raise ValueError(
        f"RegionalCluster peering: {len(found)} peering connections from {peer_vpc_id} to this VPC "
        f"({', '.join(found)}); delete or reject the ones the peer stack does not hold, then run again"
    )
