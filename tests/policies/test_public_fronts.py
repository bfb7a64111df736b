"""pii-not-public: an internal balancer that reaches a PII store is fine; a public front door to it is not.

The baseline adds to the compliant region an internal network load balancer whose target group holds the
database's address (an IP target in its subnet). Each test then gives that balancer one front that AWS
serves from outside the VPC: a Global Accelerator endpoint, an API Gateway VPC link (REST, or an HTTP API's
private integration with its listener), a CloudFront VPC origin, an internet-facing balancer that targets
it, a VPC Lattice target. Each is judged as the internet-facing balancer itself would be.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.policies.baseline import Region, eu_region, in_database_subnets, network_balancer
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

POLICY = "pii-not-public"
DATABASE_ADDRESS = "10.10.1.25"
"""An address in the database's subnet, as its endpoint resolves there."""


@dataclass
class Internal:
    """The baseline region with an internal NLB in front of the PII database."""

    region: Region
    subnet: Res
    balancer: Res
    listener: Res
    attachment: Res
    resources: list[Res]


def _internal_balancer(region: Region) -> Internal:
    subnet, subnet_group = in_database_subnets(region)
    balancer, target_group, attachment, listener = network_balancer(
        region, "postgres-internal", DATABASE_ADDRESS, subnet=subnet
    )
    resources = [*region.resources, subnet, subnet_group, balancer, target_group, attachment, listener]
    return Internal(region, subnet, balancer, listener, attachment, resources)


def _about_database(found: list, internal: Internal) -> str:
    return messages([d for d in found if d.urn == internal.region.database.urn])


def test_an_internal_balancer_in_front_of_the_store_alone_is_allowed() -> None:
    internal = _internal_balancer(eu_region())
    assert violations(internal.resources, POLICY) == []


def _accelerator_endpoint(internal: Internal) -> list[Res]:
    accelerator = Res(
        "aws:globalaccelerator/accelerator:Accelerator",
        "edge",
        {"name": "edge", "ipAddressType": "IPV4", "enabled": True},
        internal.region.provider,
    )
    listener = Res(
        "aws:globalaccelerator/listener:Listener",
        "postgres",
        {"acceleratorArn": UNKNOWN, "protocol": "TCP", "portRanges": [{"fromPort": 5432, "toPort": 5432}]},
        internal.region.provider,
        deps={"acceleratorArn": [accelerator]},
    )
    group = Res(
        "aws:globalaccelerator/endpointGroup:EndpointGroup",
        "postgres",
        {
            "listenerArn": UNKNOWN,
            "endpointGroupRegion": "eu-west-1",
            "endpointConfigurations": [{"endpointId": UNKNOWN, "weight": 100}],
        },
        internal.region.provider,
        deps={"listenerArn": [listener], "endpointConfigurations": [internal.balancer]},
    )
    return [accelerator, listener, group]


def _rest_vpc_link(internal: Internal) -> list[Res]:
    link = Res(
        "aws:apigateway/vpcLink:VpcLink",
        "postgres",
        {"name": "postgres", "targetArn": UNKNOWN},
        internal.region.provider,
        deps={"targetArn": [internal.balancer]},
    )
    return [link]


def _http_api_private_integration(internal: Internal) -> list[Res]:
    api = Res(
        "aws:apigatewayv2/api:Api", "edge", {"name": "edge", "protocolType": "HTTP"}, internal.region.provider
    )
    link = Res(
        "aws:apigatewayv2/vpcLink:VpcLink",
        "edge",
        {"name": "edge", "subnetIds": [UNKNOWN], "securityGroupIds": [UNKNOWN]},
        internal.region.provider,
        deps={"subnetIds": [internal.subnet], "securityGroupIds": [internal.region.node_group]},
    )
    integration = Res(
        "aws:apigatewayv2/integration:Integration",
        "postgres",
        {
            "apiId": UNKNOWN,
            "integrationType": "HTTP_PROXY",
            "integrationMethod": "ANY",
            "connectionType": "VPC_LINK",
            "connectionId": UNKNOWN,
            "integrationUri": UNKNOWN,
        },
        internal.region.provider,
        deps={"apiId": [api], "connectionId": [link], "integrationUri": [internal.listener]},
    )
    return [api, link, integration]


def _cloudfront_vpc_origin(internal: Internal) -> list[Res]:
    origin = Res(
        "aws:cloudfront/vpcOrigin:VpcOrigin",
        "postgres",
        {
            "vpcOriginEndpointConfig": {
                "name": "postgres",
                "arn": UNKNOWN,
                "httpPort": 80,
                "httpsPort": 443,
                "originProtocolPolicy": "https-only",
                "originSslProtocols": {"items": ["TLSv1.2"], "quantity": 1},
            }
        },
        internal.region.provider,
        deps={"vpcOriginEndpointConfig": [internal.balancer]},
    )
    return [origin]


def _internet_facing_balancer_in_front(internal: Internal) -> list[Res]:
    outer = Res(
        "aws:lb/loadBalancer:LoadBalancer",
        "edge",
        {"internal": False, "loadBalancerType": "network", "subnets": ["subnet-0a1b2c3d4e5f60718"]},
        internal.region.provider,
    )
    target_group = Res(
        "aws:lb/targetGroup:TargetGroup",
        "inner",
        {"port": 5432, "protocol": "TCP", "targetType": "alb", "vpcId": UNKNOWN},
        internal.region.provider,
        deps={"vpcId": [internal.region.vpc]},
    )
    attachment = Res(
        "aws:lb/targetGroupAttachment:TargetGroupAttachment",
        "inner",
        {"targetGroupArn": UNKNOWN, "targetId": UNKNOWN, "port": 5432},
        internal.region.provider,
        deps={"targetGroupArn": [target_group], "targetId": [internal.balancer]},
    )
    listener = Res(
        "aws:lb/listener:Listener",
        "edge",
        {
            "loadBalancerArn": UNKNOWN,
            "port": 5432,
            "protocol": "TCP",
            "defaultActions": [{"type": "forward", "targetGroupArn": UNKNOWN}],
        },
        internal.region.provider,
        deps={"loadBalancerArn": [outer], "defaultActions": [target_group]},
    )
    return [outer, target_group, attachment, listener]


def _controller_accelerator(internal: Internal) -> list[Res]:
    accelerator = Res(
        "kubernetes:aga.k8s.aws/v1beta1:GlobalAccelerator",
        "postgres",
        {
            "metadata": {"name": "postgres", "namespace": "default"},
            "spec": {
                "name": "postgres",
                "ipAddressType": "IPV4",
                "listeners": [
                    {
                        "protocol": "TCP",
                        "portRanges": [{"fromPort": 5432, "toPort": 5432}],
                        "endpointGroups": [{"endpoints": [{"type": "EndpointID", "endpointID": UNKNOWN}]}],
                    }
                ],
            },
        },
        internal.region.kubernetes,
        deps={"spec": [internal.balancer]},
    )
    return [accelerator]


FRONTS = {
    "a Global Accelerator endpoint group": (_accelerator_endpoint, "globalaccelerator/endpointGroup"),
    "a REST API VPC link": (_rest_vpc_link, "apigateway/vpcLink"),
    "an HTTP API private integration": (_http_api_private_integration, "apigatewayv2/integration"),
    "a CloudFront VPC origin": (_cloudfront_vpc_origin, "cloudfront/vpcOrigin"),
    "an internet-facing balancer that targets it": (_internet_facing_balancer_in_front, "'edge'"),
    "the load balancer controller's GlobalAccelerator": (_controller_accelerator, "GlobalAccelerator"),
}


@pytest.mark.parametrize("front", FRONTS)
def test_a_public_front_to_an_internal_balancer_that_reaches_the_store_is_blocked(front: str) -> None:
    internal = _internal_balancer(eu_region())
    build, named = FRONTS[front]
    found = violations([*internal.resources, *build(internal)], POLICY)
    shown = _about_database(found, internal)
    assert "postgres-internal" in shown and named in shown, messages(found)


def test_a_public_front_to_an_internal_balancer_that_reaches_no_store_is_allowed() -> None:
    internal = _internal_balancer(eu_region())
    internal.attachment.props["targetId"] = "10.10.2.40"
    assert violations([*internal.resources, *_accelerator_endpoint(internal)], POLICY) == []


def test_a_resource_the_pack_does_not_read_as_a_front_fails_closed() -> None:
    internal = _internal_balancer(eu_region())
    gateway = Res(
        "aws:vpclattice/resourceGateway:ResourceGateway",
        "data",
        {"name": "data", "vpcId": UNKNOWN, "subnetIds": [UNKNOWN], "securityGroupIds": [UNKNOWN]},
        internal.region.provider,
        deps={
            "vpcId": [internal.region.vpc],
            "subnetIds": [internal.subnet],
            "securityGroupIds": [internal.region.node_group],
        },
    )
    configuration = Res(
        "aws:vpclattice/resourceConfiguration:ResourceConfiguration",
        "postgres",
        {
            "name": "postgres",
            "resourceGatewayIdentifier": UNKNOWN,
            "portRanges": ["5432"],
            "protocol": "TCP",
            "resourceConfigurationDefinition": {
                "dnsResource": {"domainName": UNKNOWN, "ipAddressType": "IPV4"}
            },
        },
        internal.region.provider,
        deps={"resourceGatewayIdentifier": [gateway], "resourceConfigurationDefinition": [internal.balancer]},
    )
    found = violations([*internal.resources, gateway, configuration], POLICY)
    assert "vpclattice/resourceConfiguration" in _about_database(found, internal), messages(found)
    assert "review the type's triage" in _about_database(found, internal)


def test_a_public_front_to_a_pii_instance_itself_is_blocked() -> None:
    region = eu_region()
    host = Res(
        "aws:ec2/instance:Instance",
        "customers-host",
        {
            "ami": "ami-0123456789abcdef0",
            "instanceType": "m7g.large",
            "subnetId": "subnet-0a1b2c3d4e5f60718",
            "vpcSecurityGroupIds": [UNKNOWN],
            "volumeTags": {"data-classification": "pii"},
        },
        region.provider,
        deps={"vpcSecurityGroupIds": [region.database_group]},
    )
    assert violations([*region.resources, host], POLICY) == []
    accelerator = Res(
        "aws:globalaccelerator/accelerator:Accelerator",
        "edge",
        {"name": "edge", "enabled": True},
        region.provider,
    )
    listener = Res(
        "aws:globalaccelerator/listener:Listener",
        "postgres",
        {"acceleratorArn": UNKNOWN, "protocol": "TCP", "portRanges": [{"fromPort": 5432, "toPort": 5432}]},
        region.provider,
        deps={"acceleratorArn": [accelerator]},
    )
    group = Res(
        "aws:globalaccelerator/endpointGroup:EndpointGroup",
        "postgres",
        {"listenerArn": UNKNOWN, "endpointConfigurations": [{"endpointId": UNKNOWN, "weight": 100}]},
        region.provider,
        deps={"listenerArn": [listener], "endpointConfigurations": [host]},
    )
    found = violations([*region.resources, host, accelerator, listener, group], POLICY)
    assert "globalaccelerator/endpointGroup" in messages([d for d in found if d.urn == host.urn]), messages(
        found
    )


# The balancer's own security groups: what they admit reaches the store behind it -------------------------


def _balancer_group(internal: Internal, cidr: str) -> list[Res]:
    group = Res(
        "aws:ec2/securityGroup:SecurityGroup",
        "postgres-internal-lb",
        {"vpcId": UNKNOWN, "description": "reporting balancer"},
        internal.region.provider,
        deps={"vpcId": [internal.region.vpc]},
    )
    rule = Res(
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        "postgres-internal-lb-in",
        {"securityGroupId": UNKNOWN, "cidrIpv4": cidr, "ipProtocol": "tcp", "fromPort": 5432, "toPort": 5432},
        internal.region.provider,
        deps={"securityGroupId": [group]},
    )
    internal.balancer.props["securityGroups"] = [UNKNOWN]
    internal.balancer.deps["securityGroups"] = [group]
    return [group, rule]


def test_an_internal_balancer_whose_group_admits_only_the_vpc_is_allowed() -> None:
    internal = _internal_balancer(eu_region())
    assert violations([*internal.resources, *_balancer_group(internal, "10.10.0.0/16")], POLICY) == []


def test_an_internal_balancer_whose_group_admits_a_peered_network_exposes_the_store() -> None:
    internal = _internal_balancer(eu_region())
    found = violations([*internal.resources, *_balancer_group(internal, "10.20.0.0/16")], POLICY)
    about = _about_database(found, internal)
    assert "its security group admits a source beyond the store's VPC" in about and "10.20.0.0/16" in about, (
        messages(found)
    )


def test_an_internal_balancer_in_a_security_group_the_stack_does_not_declare_fails_closed() -> None:
    internal = _internal_balancer(eu_region())
    internal.balancer.props["securityGroups"] = ["sg-0a1b2c3d4e5f60001"]
    found = violations(internal.resources, POLICY)
    assert "sg-0a1b2c3d4e5f60001 is not declared" in _about_database(found, internal), messages(found)


NLB_ARN = (
    "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/net/postgres-internal/50dc6c495c0c9188"
)


def _literal_link(internal: Internal) -> Res:
    return Res(
        "aws:apigateway/vpcLink:VpcLink",
        "postgres",
        {"name": "postgres", "targetArn": NLB_ARN},
        internal.region.provider,
    )


def test_a_rest_vpc_link_naming_the_internal_balancer_by_a_literal_arn_is_its_public_front() -> None:
    """A literal ARN names the balancer by its name (`loadbalancer/net/<name>/<id>`) in its service and
    region, before its ARN is known (reviewer blind-aws11: only a reference was followed)."""
    internal = _internal_balancer(eu_region())
    found = violations([*internal.resources, _literal_link(internal)], POLICY)
    assert "apigateway/vpcLink" in _about_database(found, internal), messages(found)


def test_a_rest_vpc_link_naming_another_balancer_by_a_literal_arn_fronts_nothing_of_the_stack() -> None:
    internal = _internal_balancer(eu_region())
    link = _literal_link(internal)
    link.props["targetArn"] = NLB_ARN.replace("postgres-internal", "reports")
    assert violations([*internal.resources, link], POLICY) == []


@pytest.mark.preview_only("the autonamed balancer's ARN is known once deployed, and is not the literal")
def test_a_vpc_link_whose_literal_arn_may_be_an_autonamed_balancer_fails_closed_at_first_preview() -> None:
    internal = _internal_balancer(eu_region())
    del internal.balancer.props["name"]
    found = violations([*internal.resources, _literal_link(internal)], POLICY)
    shown = _about_database(found, internal)
    assert "apigateway/vpcLink" in shown and "first preview cannot tell" in shown, messages(found)


@pytest.mark.deployed_only("a first preview cannot tell the autonamed balancer's ARN")
def test_a_vpc_link_whose_literal_arn_is_not_the_autonamed_balancers_fronts_nothing_once_deployed() -> None:
    internal = _internal_balancer(eu_region())
    del internal.balancer.props["name"]
    assert violations([*internal.resources, _literal_link(internal)], POLICY) == []
