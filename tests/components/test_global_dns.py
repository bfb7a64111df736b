"""GlobalDns under mocks: latency routing behind a health check, a region-pinned name without failover."""

from __future__ import annotations

import dataclasses
from typing import Any

import pulumi
import pytest

from components.global_dns import GlobalDns, GlobalDnsArgs
from tests.components.conftest import MockCloud

COMPONENT_TYPE = "residency:components:GlobalDns"
RECORD = "aws:route53/record:Record"
HEALTH_CHECK = "aws:route53/healthCheck:HealthCheck"
GET_ZONE = "aws:route53/getZone:getZone"
ALB_DNS = "eu-alb-1234567890.eu-west-1.elb.amazonaws.com"
ALB_ZONE = "Z32O12XQLNTSW2"

BASELINE = GlobalDnsArgs(
    hosted_zone="example.com",
    hostname="app.example.com",
    region="eu-west-1",
    region_label="eu",
    load_balancer_dns_name=ALB_DNS,
    load_balancer_zone_id=ALB_ZONE,
)

ROUTING_POLICIES = (
    "latencyRoutingPolicies",
    "failoverRoutingPolicies",
    "geolocationRoutingPolicies",
    "geoproximityRoutingPolicy",
    "weightedRoutingPolicies",
    "cidrRoutingPolicy",
    "multivalueAnswerRoutingPolicy",
)


def deploy(cloud: MockCloud, name: str = "eu-dns", **changes: Any) -> GlobalDns:
    """Run a GlobalDns from the baseline args with some fields changed, behind that region's provider."""
    args = dataclasses.replace(BASELINE, **changes)

    def program() -> GlobalDns:
        provider = cloud.aws_provider(args.region)
        return GlobalDns(name, args, opts=pulumi.ResourceOptions(providers=[provider]))

    return cloud.run(program)


# --- Validation at construction ---


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"hostname": "app.example.org"}, "not inside the hosted zone"),
        ({"hostname": "notexample.com"}, "not inside the hosted zone"),
        ({"hosted_zone": "Example.com"}, "hosted_zone"),
        ({"region": "europe"}, "region"),
        ({"region_label": "EU"}, "region_label"),
        ({"health_check_regions": ("eu-west-1", "us-east-1")}, "at least three"),
        ({"health_check_regions": ("eu-west-1", "us-east-1", "ap-south-1")}, "unknown"),
        ({"health_check_path": "healthz"}, "health_check_path"),
        ({"failure_threshold": 0}, "failure_threshold"),
        ({"request_interval": 20}, "request_interval"),
    ],
)
def test_invalid_args_are_rejected_with_the_field_named(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        dataclasses.replace(BASELINE, **changes)


def test_the_zone_apex_may_be_the_latency_name() -> None:
    args = dataclasses.replace(BASELINE, hostname="example.com")
    assert args.region_pinned_hostname == "eu.example.com"


# --- Records and health check ---


def test_hosted_zone_is_looked_up_as_a_public_zone_not_created(cloud: MockCloud) -> None:
    component = deploy(cloud)
    (lookup,) = cloud.invocations_of(GET_ZONE)
    assert lookup.args["name"] == "example.com"
    assert lookup.args["privateZone"] is False
    assert cloud.of_type("aws:route53/zone:Zone") == []
    assert cloud.resolve(component.zone_id) == cloud.mocks.hosted_zone_id


@pytest.mark.parametrize(("region", "label"), [("eu-west-1", "eu"), ("ap-south-1", "in")])
def test_latency_record_is_identified_by_and_routed_to_this_region(
    cloud: MockCloud, region: str, label: str
) -> None:
    deploy(cloud, region=region, region_label=label)
    record = cloud.one(RECORD, "eu-dns-latency").inputs
    assert record["name"] == "app.example.com"
    assert record["type"] == "A"
    assert record["zoneId"] == cloud.mocks.hosted_zone_id
    assert record["setIdentifier"] == region
    assert record["latencyRoutingPolicies"] == [{"region": region}]
    assert record["aliases"] == [{"name": ALB_DNS, "zoneId": ALB_ZONE, "evaluateTargetHealth": True}]


def test_latency_record_is_withdrawn_by_its_health_check(cloud: MockCloud) -> None:
    component = deploy(cloud)
    health_check = cloud.one(HEALTH_CHECK, "eu-dns-health-check")
    health_check_id = cloud.id_of(health_check)
    assert cloud.one(RECORD, "eu-dns-latency").inputs["healthCheckId"] == health_check_id
    assert cloud.resolve(component.health_check_id) == health_check_id


def test_health_check_probes_the_load_balancer_over_https(cloud: MockCloud) -> None:
    deploy(cloud, health_check_path="/ready")
    check = cloud.one(HEALTH_CHECK, "eu-dns-health-check").inputs
    assert check["type"] == "HTTPS"
    assert check["fqdn"] == ALB_DNS
    assert check["port"] == 443
    assert check["resourcePath"] == "/ready"
    assert check["measureLatency"] is True
    assert check["failureThreshold"] == 3
    assert check["requestInterval"] == 30
    assert len(check["regions"]) >= 3


def test_region_pinned_record_has_no_routing_policy_health_check_or_failover(cloud: MockCloud) -> None:
    component = deploy(cloud)
    record = cloud.one(RECORD, "eu-dns-region-pinned").inputs
    assert record["name"] == "eu.app.example.com" == component.region_pinned_hostname
    assert record["zoneId"] == cloud.mocks.hosted_zone_id
    assert [key for key in ROUTING_POLICIES if record.get(key)] == []
    assert not record.get("setIdentifier")
    assert not record.get("healthCheckId")
    assert record["aliases"] == [{"name": ALB_DNS, "zoneId": ALB_ZONE, "evaluateTargetHealth": False}]


def test_only_the_two_records_and_one_health_check_are_created(cloud: MockCloud) -> None:
    deploy(cloud)
    component = cloud.one(COMPONENT_TYPE, "eu-dns")
    children = sorted((r.type, r.name) for r in cloud.registrations if r.parent == component.urn)
    assert children == [
        (HEALTH_CHECK, "eu-dns-health-check"),
        (RECORD, "eu-dns-latency"),
        (RECORD, "eu-dns-region-pinned"),
    ]


# --- Component shape ---


def test_every_child_is_parented_to_the_component_and_named_from_it(cloud: MockCloud) -> None:
    deploy(cloud, name="india-dns", region="ap-south-1", region_label="in")
    component = cloud.one(COMPONENT_TYPE, "india-dns")
    children = [
        r for r in cloud.registrations if r.type != COMPONENT_TYPE and not r.type.startswith("pulumi:")
    ]
    assert len(children) == 3
    for child in children:
        assert child.parent == component.urn, f"{child.type} {child.name} is not parented to the component"
        assert child.name.startswith("india-dns-"), (
            f"{child.type} {child.name} is not named from the component"
        )
        assert f"::{COMPONENT_TYPE}${child.type}::" in child.urn
        assert not child.inputs.get("region"), "Route 53 is global: no per-resource region"
    # The zone lookup goes through the stack's explicit provider, inherited from the component.
    (lookup,) = cloud.invocations_of(GET_ZONE)
    assert lookup.provider.rsplit("::", 1)[0] == cloud.one("pulumi:providers:aws", "aws-ap-south-1").urn
