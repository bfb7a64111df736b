"""A resource share of a subnet gives another account the network space, not data: it shares what the stack
places in that subnet (a database through its subnet group, a file system through its mount target, an
instance, a node group), and a subnet that hosts no data holder shares nothing. Each test is the baseline
(the region's PII database in subnets of its own, a resource share with another account) and one change.
"""

from __future__ import annotations

from tests.policies.baseline import Region, eu_region, in_database_subnets, pii_instance
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

ANONYMISED_ONLY = "anonymised-only-replication"
NO_PII = "no-pii-replication"
OTHER_ACCOUNT = "999999999999"
OU = "arn:aws:organizations::123456789012:ou/o-abcdefghij/ou-ab12-cdef3456"


def _share(region: Region, subnet: Res, principal: str = OTHER_ACCOUNT) -> tuple[Res, list[Res]]:
    share = Res(
        "aws:ram/resourceShare:ResourceShare",
        "network-share",
        {"name": "network", "allowExternalPrincipals": True},
        region.provider,
    )
    association = Res(
        "aws:ram/resourceAssociation:ResourceAssociation",
        "network-share-subnet",
        {"resourceArn": UNKNOWN, "resourceShareArn": UNKNOWN},
        region.provider,
        deps={"resourceArn": [subnet], "resourceShareArn": [share]},
    )
    principal_association = Res(
        "aws:ram/principalAssociation:PrincipalAssociation",
        "network-share-principal",
        {"principal": principal, "resourceShareArn": UNKNOWN},
        region.provider,
        deps={"resourceShareArn": [share]},
    )
    return association, [share, association, principal_association]


def _plain_subnet(region: Region) -> Res:
    return Res(
        "aws:ec2/subnet:Subnet",
        "shared-a",
        {"vpcId": UNKNOWN, "cidrBlock": "10.10.64.0/20", "availabilityZone": "eu-west-1a"},
        region.provider,
        deps={"vpcId": [region.vpc]},
    )


def test_a_share_of_the_subnet_of_a_pii_database_shares_the_database() -> None:
    region = eu_region()
    placement = in_database_subnets(region)
    association, extra = _share(region, placement[0])
    found = violations([*region.resources, *placement, *extra], ANONYMISED_ONLY)
    assert association.urn in [d.urn for d in found], messages(found)
    assert "pii" in messages(found)


def test_a_share_of_a_subnet_that_hosts_no_data_shares_nothing() -> None:
    region = eu_region()
    subnet = _plain_subnet(region)
    for principal in (OTHER_ACCOUNT, OU):
        _, extra = _share(region, subnet, principal)
        found = violations([*region.resources, subnet, *extra], ANONYMISED_ONLY)
        assert not found, messages(found)


def test_a_share_of_the_subnet_of_a_pii_file_systems_mount_target_shares_the_file_system() -> None:
    region = eu_region()
    subnet = _plain_subnet(region)
    file_system = Res(
        "aws:efs/fileSystem:FileSystem",
        "pii-files",
        {"encrypted": True, "kmsKeyId": UNKNOWN, "tags": {"data-classification": "pii"}},
        region.provider,
        deps={"kmsKeyId": [region.key]},
        protect=True,
    )
    mount_target = Res(
        "aws:efs/mountTarget:MountTarget",
        "pii-files-a",
        {"fileSystemId": UNKNOWN, "subnetId": UNKNOWN},
        region.provider,
        deps={"fileSystemId": [file_system], "subnetId": [subnet]},
    )
    association, extra = _share(region, subnet)
    found = violations([*region.resources, subnet, file_system, mount_target, *extra], ANONYMISED_ONLY)
    assert association.urn in [d.urn for d in found], messages(found)
    assert "pii-files" in messages(found)


def test_a_share_of_a_subnet_the_stack_does_not_declare_is_untraceable() -> None:
    region = eu_region()
    association, extra = _share(region, _plain_subnet(region))
    association.deps["resourceArn"] = []
    association.props["resourceArn"] = "arn:aws:ec2:eu-west-1:123456789012:subnet/subnet-0123456789abcdef0"
    found = violations([*region.resources, *extra], ANONYMISED_ONLY)
    assert association.urn in [d.urn for d in found], messages(found)


def test_a_share_of_the_subnet_of_a_database_placed_by_its_subnet_groups_name_shares_the_database() -> None:
    region = eu_region()
    placement = in_database_subnets(region)
    # The database names its subnet group by the group's name, written by hand: no property dependency.
    region.database.props["dbSubnetGroupName"] = "pii-db"
    region.database.deps.pop("dbSubnetGroupName")
    association, extra = _share(region, placement[0])
    found = violations([*region.resources, *placement, *extra], ANONYMISED_ONLY)
    assert association.urn in [d.urn for d in found], messages(found)
    assert "pii" in messages(found)


def _attached_interface(region: Region, subnet: Res, instance: Res) -> list[Res]:
    """A network interface in the subnet and its attachment to the instance: two resources in between."""
    interface = Res(
        "aws:ec2/networkInterface:NetworkInterface",
        "worker-second-interface",
        {"subnetId": UNKNOWN, "securityGroups": [UNKNOWN]},
        region.provider,
        deps={"subnetId": [subnet], "securityGroups": [region.database_group]},
    )
    attachment = Res(
        "aws:ec2/networkInterfaceAttachment:NetworkInterfaceAttachment",
        "worker-second-interface",
        {"instanceId": UNKNOWN, "networkInterfaceId": UNKNOWN, "deviceIndex": 1},
        region.provider,
        deps={"instanceId": [instance], "networkInterfaceId": [interface]},
    )
    return [interface, attachment]


def test_a_share_of_a_subnet_a_pii_instance_is_attached_to_shares_the_instance() -> None:
    # Baseline: the instance's only interface is elsewhere; the shared subnet hosts nothing.
    region = eu_region()
    subnet = _plain_subnet(region)
    instance = pii_instance(region)
    association, extra = _share(region, subnet)
    assert not violations([*region.resources, subnet, instance, *extra], ANONYMISED_ONLY)
    # The change: a second interface in the shared subnet, attached to the instance.
    attached = _attached_interface(region, subnet, instance)
    found = violations([*region.resources, subnet, instance, *attached, *extra], ANONYMISED_ONLY)
    assert association.urn in [d.urn for d in found], messages(found)
    assert "worker" in messages(found)


def test_a_share_of_a_subnet_that_hosts_only_network_plumbing_shares_nothing() -> None:
    # A NAT gateway in the subnet, a route through it in a route table: what names them holds no data.
    region = eu_region()
    subnet = _plain_subnet(region)
    nat = Res(
        "aws:ec2/natGateway:NatGateway",
        "nat-a",
        {"subnetId": UNKNOWN},
        region.provider,
        deps={"subnetId": [subnet]},
    )
    table = Res(
        "aws:ec2/routeTable:RouteTable",
        "private-a",
        {"vpcId": UNKNOWN},
        region.provider,
        deps={"vpcId": [region.vpc]},
    )
    route = Res(
        "aws:ec2/route:Route",
        "private-a-default",
        {"routeTableId": UNKNOWN, "natGatewayId": UNKNOWN, "destinationCidrBlock": "0.0.0.0/0"},
        region.provider,
        deps={"routeTableId": [table], "natGatewayId": [nat]},
    )
    _, extra = _share(region, subnet)
    found = violations([*region.resources, subnet, nat, table, route, *extra], ANONYMISED_ONLY)
    assert not found, messages(found)


# Network connectors and served resources (reviewer blind-aws12 c30, c24) ---------------------------------


def _transit_gateway(region: Region) -> Res:
    return Res(
        "aws:ec2transitgateway/transitGateway:TransitGateway",
        "hub",
        {"autoAcceptSharedAttachments": "disable", "description": "network hub"},
        region.provider,
    )


def test_a_share_of_a_transit_gateway_shares_no_data() -> None:
    """Another account may attach its VPCs to the gateway; what they then reach is judged from the stores'
    side (pii-not-public: a security group that admits a network beyond the VPC), not as a copy."""
    region = eu_region()
    gateway = _transit_gateway(region)
    _, extra = _share(region, gateway)
    found = [
        d
        for rule in (ANONYMISED_ONLY, NO_PII)
        for d in violations([*region.resources, gateway, *extra], rule)
    ]
    assert found == [], messages(found)


def test_a_share_of_a_transit_gateway_the_stack_does_not_declare_is_untraceable() -> None:
    region = eu_region()
    association, extra = _share(region, _transit_gateway(region))
    association.props["resourceArn"] = (
        "arn:aws:ec2:eu-west-1:123456789012:transit-gateway/tgw-0123456789abcdef0"
    )
    association.deps = {"resourceShareArn": association.deps["resourceShareArn"]}
    found = violations([*region.resources, *extra], ANONYMISED_ONLY)
    assert association.urn in [d.urn for d in found], messages(found)


def _resource_configuration(region: Region) -> tuple[Res, Res]:
    gateway = Res(
        "aws:vpclattice/resourceGateway:ResourceGateway",
        "data",
        {"name": "data", "vpcId": UNKNOWN, "subnetIds": ["subnet-1"], "securityGroupIds": ["sg-1"]},
        region.provider,
        deps={"vpcId": [region.vpc]},
    )
    configuration = Res(
        "aws:vpclattice/resourceConfiguration:ResourceConfiguration",
        "pii-db",
        {
            "name": "pii-db",
            "type": "ARN",
            "resourceGatewayIdentifier": UNKNOWN,
            "resourceConfigurationDefinition": {"arnResource": {"arn": UNKNOWN}},
        },
        region.provider,
        deps={"resourceGatewayIdentifier": [gateway], "resourceConfigurationDefinition": [region.database]},
    )
    return configuration, gateway


def test_a_share_of_a_lattice_resource_configuration_shares_the_database_it_serves() -> None:
    """Its consumers reach the database through their resource endpoints: a share of the PII database."""
    region = eu_region()
    configuration, gateway = _resource_configuration(region)
    association, extra = _share(region, configuration)
    stack = [*region.resources, gateway, configuration, *extra]
    for rule in (NO_PII, ANONYMISED_ONLY):
        found = [d for d in violations(stack, rule) if d.urn == association.urn]
        assert found and region.database.name in messages(found), messages(violations(stack, rule))


# VPC Lattice service networks --------------------------------------------------------------------------


def _lattice_network(region: Region, reads: Res, tags: dict[str, str]) -> tuple[Res, list[Res]]:
    """A service network and its function (both labelled as given) whose one service forwards to a Lambda
    target group: the function is configured with `reads` (its environment names it)."""
    function = Res(
        "aws:lambda/function:Function",
        "lookup",
        {
            "name": "lookup",
            "runtime": "python3.12",
            "handler": "index.handler",
            "role": "arn:aws:iam::123456789012:role/lookup",
            "environment": {"variables": {"DATABASE_HOST": UNKNOWN}},
            "tags": tags,
        },
        region.provider,
        deps={"environment": [reads]},
    )
    network = Res(
        "aws:vpclattice/serviceNetwork:ServiceNetwork",
        "partners",
        {"name": "partners", "authType": "NONE", "tags": tags},
        region.provider,
    )
    service = Res(
        "aws:vpclattice/service:Service", "lookup", {"name": "lookup", "authType": "NONE"}, region.provider
    )
    group = Res(
        "aws:vpclattice/targetGroup:TargetGroup",
        "lookup-targets",
        {"name": "lookup-targets", "type": "LAMBDA"},
        region.provider,
    )
    attachment = Res(
        "aws:vpclattice/targetGroupAttachment:TargetGroupAttachment",
        "lookup-function",
        {"targetGroupIdentifier": UNKNOWN, "target": {"id": UNKNOWN}},
        region.provider,
        deps={"targetGroupIdentifier": [group], "target": [function]},
    )
    listener = Res(
        "aws:vpclattice/listener:Listener",
        "lookup-https",
        {
            "name": "https",
            "protocol": "HTTPS",
            "serviceIdentifier": UNKNOWN,
            "defaultAction": {"forwards": [{"targetGroups": [{"targetGroupIdentifier": UNKNOWN}]}]},
        },
        region.provider,
        deps={"serviceIdentifier": [service], "defaultAction": [group]},
    )
    association = Res(
        "aws:vpclattice/serviceNetworkServiceAssociation:ServiceNetworkServiceAssociation",
        "partners-lookup",
        {"serviceIdentifier": UNKNOWN, "serviceNetworkIdentifier": UNKNOWN},
        region.provider,
        deps={"serviceIdentifier": [service], "serviceNetworkIdentifier": [network]},
    )
    return network, [function, network, service, group, attachment, listener, association]


def test_a_share_of_a_lattice_network_labelled_anonymised_shares_what_its_services_code_reads() -> None:
    """Reviewer blind-access15 a11b: the network's label cannot make what its services serve anonymised;
    the partner associates its VPC and calls the function, which returns the database's rows."""
    region = eu_region()
    network, lattice = _lattice_network(region, region.database, {"data-classification": "anonymised"})
    _, extra = _share(region, network)
    principal = extra[-1]
    stack = [*region.resources, *lattice, *extra]
    for rule in (NO_PII, ANONYMISED_ONLY):
        found = [d for d in violations(stack, rule) if d.urn == principal.urn]
        assert found and region.database.name in messages(found), messages(violations(stack, rule))
    # A share open to principals outside the organisation is still a share with those it names, not
    # exposure to everyone.
    exposed = [d for d in violations(stack, "pii-not-public") if d.urn in {e.urn for e in extra}]
    assert exposed == [], messages(exposed)


def test_a_share_of_a_lattice_network_whose_services_read_only_anonymised_data_is_allowed() -> None:
    region = eu_region()
    anonymised = {"data-classification": "anonymised"}
    releases = Res(
        "aws:dynamodb/table:Table", "releases", {"name": "releases", "tags": anonymised}, region.provider
    )
    network, lattice = _lattice_network(region, releases, anonymised)
    _, extra = _share(region, network)
    extra[0].props["tags"] = anonymised
    stack = [*region.resources, releases, *lattice, *extra]
    for rule in (NO_PII, ANONYMISED_ONLY):
        found = [d for d in violations(stack, rule) if d.urn in {e.urn for e in extra}]
        assert found == [], messages(found)
