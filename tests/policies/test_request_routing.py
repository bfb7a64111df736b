"""Requests the stack's application answers stay in its region: no DNS name or CDN origin group of the stack
sends them to another region's front when this one fails, or by weight, latency or location.

A user's request carries personal data (a sign-up form, a session, a profile update). The program's
region-pinned name (`GlobalDns`: `eu.app.example.com`) is a plain alias to this region's load balancer so it
always resolves into the jurisdiction. A Route 53 record set under one name (same zone, name and type) whose
members alias this region's balancer and another region's (a failover secondary, a weighted or latency
member), or a CloudFront origin group that fails over to another region's origin, answers those requests
there (reviewer blind-aws11). Each test is the PII baseline with the stack's internet-facing balancer and
one record set or distribution; the compliant ones keep every member in the region.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import mumbai
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

NO_PII = "no-pii-replication"
ZONE = "Z0123456789ABCDEFGHIJ"
INDIA_ALB = "dualstack.in-front-1234567890.ap-south-1.elb.amazonaws.com"
EU_MAINTENANCE = "maintenance.s3-website-eu-west-1.amazonaws.com"


def _front(region: Region, name: str = "front", provider: Res | None = None) -> Res:
    return Res(
        "aws:lb/loadBalancer:LoadBalancer",
        name,
        {"name": name, "loadBalancerType": "application", "internal": False, "subnets": ["subnet-1"]},
        provider or region.provider,
    )


def _record(region: Region, identifier: str, policy: dict[str, Any], alias: Any, front: Res | None) -> Res:
    record = Res(
        "aws:route53/record:Record",
        f"app-{identifier}",
        {
            "zoneId": ZONE,
            "name": "eu.app.example.com",
            "type": "A",
            "setIdentifier": identifier,
            **policy,
            "aliases": [{"name": alias, "zoneId": UNKNOWN, "evaluateTargetHealth": True}],
        },
        region.provider,
        deps={"aliases": [front]} if front is not None else {},
    )
    return record


def _failover(secondary: Any, secondary_front: Res | None = None) -> tuple[list[Res], Res]:
    region = eu_region()
    front = _front(region)
    primary = _record(region, "primary", {"failoverRoutingPolicies": [{"type": "PRIMARY"}]}, UNKNOWN, front)
    backup = _record(
        region, "secondary", {"failoverRoutingPolicies": [{"type": "SECONDARY"}]}, secondary, secondary_front
    )
    extra = [secondary_front] if secondary_front is not None and secondary_front is not front else []
    return [*region.resources, front, *extra, primary, backup], backup


def test_a_failover_to_a_maintenance_page_in_the_region_keeps_the_requests_in_it() -> None:
    resources, _ = _failover(EU_MAINTENANCE)
    assert violations(resources, NO_PII) == []


def test_a_failover_to_another_regions_balancer_by_its_host_name_sends_the_requests_there() -> None:
    resources, backup = _failover(INDIA_ALB)
    found = [d for d in violations(resources, NO_PII) if d.urn == backup.urn]
    assert found and "ap-south-1" in messages(found) and "eu.app.example.com" in messages(found), messages(
        violations(resources, NO_PII)
    )


def test_a_failover_to_a_balancer_the_stack_declares_in_another_region_sends_the_requests_there() -> None:
    region = eu_region()
    india = _front(region, "india-front", mumbai())
    resources, backup = _failover(UNKNOWN, india)
    found = [d for d in violations(resources, NO_PII) if d.urn == backup.urn]
    assert found and "ap-south-1" in messages(found), messages(violations(resources, NO_PII))


@pytest.mark.parametrize(
    "policy",
    [
        {"weightedRoutingPolicies": [{"weight": 10}]},
        {"latencyRoutingPolicies": [{"region": "ap-south-1"}]},
        {"geolocationRoutingPolicies": [{"continent": "AS"}]},
    ],
    ids=["weighted", "latency", "geolocation"],
)
def test_any_routing_policy_that_mixes_regions_under_one_name_sends_requests_out(policy: dict) -> None:
    region = eu_region()
    front = _front(region)
    mine = {k: [{**v[0], "region": "eu-west-1"} if "region" in v[0] else v[0]] for k, v in policy.items()}
    own = _record(region, "eu", mine, UNKNOWN, front)
    other = _record(region, "in", policy, INDIA_ALB, None)
    found = [d for d in violations([*region.resources, front, own, other], NO_PII) if d.urn == other.urn]
    assert found and "ap-south-1" in messages(found), messages(found)


def test_records_of_other_names_are_separate_record_sets() -> None:
    """The renamed record is a set of its own: answered only in India (a violation of its own since
    blind-full14 v14), never merged with the region's primary of another name."""
    resources, backup = _failover(INDIA_ALB)
    backup.props["name"] = "status.app.example.com"
    found = violations(resources, NO_PII)
    assert [d.urn for d in found] == [backup.urn], messages(found)
    assert (
        "status.app.example.com from" in found[0].message
        and "which this stack answers" not in found[0].message
    )


def _distribution(secondary_domain: Any, deps: dict | None = None) -> tuple[list[Res], Res]:
    region = eu_region()
    front = _front(region)
    distribution = Res(
        "aws:cloudfront/distribution:Distribution",
        "app",
        {
            "enabled": True,
            "origins": [
                {"originId": "eu", "domainName": UNKNOWN},
                {"originId": "standby", "domainName": secondary_domain},
            ],
            "originGroups": [
                {
                    "originId": "app",
                    "failoverCriteria": {"statusCodes": [500, 502, 503, 504]},
                    "members": [{"originId": "eu"}, {"originId": "standby"}],
                }
            ],
        },
        region.provider,
        deps={"origins": [front, *(deps or {}).get("origins", [])]},
    )
    return [*region.resources, front, distribution], distribution


def test_an_origin_group_failing_over_within_the_region_keeps_the_requests_in_it() -> None:
    resources, distribution = _distribution(EU_MAINTENANCE)
    found = [d for d in violations(resources, NO_PII) if d.urn == distribution.urn]
    assert found == [], messages(found)


def test_an_origin_group_failing_over_to_another_regions_balancer_sends_the_requests_there() -> None:
    resources, distribution = _distribution(INDIA_ALB)
    found = [d for d in violations(resources, NO_PII) if d.urn == distribution.urn]
    assert found and "ap-south-1" in messages(found), messages(found)


def _cdn(origin: Any, front: Res | None = None) -> Res:
    """A distribution with one origin, under a provider in us-east-1 (where CloudFront's API lives)."""
    return Res(
        "aws:cloudfront/distribution:Distribution",
        "cdn",
        {"enabled": True, "origins": [{"originId": "app", "domainName": origin}]},
        Res("pulumi:providers:aws", "global", {"region": "us-east-1"}),
        deps={"origins": [front]} if front is not None else {},
    )


def test_a_failover_to_a_distribution_in_front_of_another_regions_balancer_sends_the_requests_there() -> None:
    # A distribution is global: its requests are answered where its origins are (reviewer note: the secondary
    # was judged only by the distribution's own provider region).
    cdn = _cdn(INDIA_ALB)
    resources, backup = _failover(UNKNOWN, cdn)
    found = [d for d in violations(resources, NO_PII) if d.urn == backup.urn]
    assert found and "ap-south-1" in messages(found) and "cdn" in messages(found), messages(found)


def test_a_distribution_in_front_of_the_regions_own_balancer_answers_in_the_region() -> None:
    region = eu_region()
    front = _front(region)
    cdn = _cdn(UNKNOWN, front)
    primary = _record(region, "primary", {"failoverRoutingPolicies": [{"type": "PRIMARY"}]}, UNKNOWN, cdn)
    backup = _record(
        region, "secondary", {"failoverRoutingPolicies": [{"type": "SECONDARY"}]}, EU_MAINTENANCE, None
    )
    resources = [*region.resources, front, cdn, primary, backup]
    found = [d for d in violations(resources, NO_PII) if d.urn in (primary.urn, backup.urn)]
    assert found == [], messages(found)


def test_a_name_whose_only_record_targets_another_regions_balancer_sends_its_requests_there() -> None:
    """The stack's region-pinned name as a CNAME to another region's balancer: every request for it is
    answered there, with no member in this region (reviewer blind-full14 v14)."""
    region = eu_region()
    pinned = Res(
        "aws:route53/record:Record",
        "region-pinned",
        {"zoneId": ZONE, "name": "eu.app.example.com", "type": "CNAME", "ttl": 60, "records": [INDIA_ALB]},
        region.provider,
    )
    found = [d for d in violations([*region.resources, pinned], NO_PII) if d.urn == pinned.urn]
    assert found and "ap-south-1" in messages(found) and "eu.app.example.com" in messages(found), messages(
        found
    )


def test_records_that_route_no_requests_are_not_judged_by_where_their_values_point() -> None:
    """A TXT record's text names no front that answers requests, whatever region it mentions."""
    region = eu_region()
    text = Res(
        "aws:route53/record:Record",
        "verification",
        {"zoneId": ZONE, "name": "app.example.com", "type": "TXT", "ttl": 60, "records": [INDIA_ALB]},
        region.provider,
    )
    assert [d for d in violations([*region.resources, text], NO_PII) if d.urn == text.urn] == []


def _accelerator(other_region: str | None) -> tuple[list[Res], list[Res]]:
    """A Global Accelerator listener with an endpoint group on the region's balancer and, when given, one
    in another region (reviewer blind-full14 v06: India's front failing over to the EU's balancer)."""
    region = eu_region()
    front = _front(region)
    accelerator = Res(
        "aws:globalaccelerator/accelerator:Accelerator", "front", {"name": "app"}, region.provider
    )
    listener = Res(
        "aws:globalaccelerator/listener:Listener",
        "https",
        {"acceleratorArn": UNKNOWN, "protocol": "TCP", "portRanges": [{"fromPort": 443, "toPort": 443}]},
        region.provider,
        deps={"acceleratorArn": [accelerator]},
    )
    groups = [
        Res(
            "aws:globalaccelerator/endpointGroup:EndpointGroup",
            "eu-west-1",
            {
                "listenerArn": UNKNOWN,
                "endpointGroupRegion": "eu-west-1",
                "endpointConfigurations": [{"endpointId": UNKNOWN, "weight": 100}],
            },
            region.provider,
            deps={"listenerArn": [listener], "endpointConfigurations": [front]},
        )
    ]
    if other_region is not None:
        groups.append(
            Res(
                "aws:globalaccelerator/endpointGroup:EndpointGroup",
                "failover",
                {
                    "listenerArn": UNKNOWN,
                    "endpointGroupRegion": other_region,
                    "trafficDialPercentage": 100,
                    "endpointConfigurations": [
                        {
                            "endpointId": f"arn:aws:elasticloadbalancing:{other_region}:123456789012:"
                            "loadbalancer/app/in-front/50dc6c495c0c9188",
                            "weight": 100,
                        }
                    ],
                },
                region.provider,
                deps={"listenerArn": [listener]},
            )
        )
    return [*region.resources, front, accelerator, listener, *groups], groups


def test_an_accelerator_endpoint_group_in_another_region_answers_the_requests_there() -> None:
    resources, groups = _accelerator("ap-south-1")
    found = [d for d in violations(resources, NO_PII) if d.urn == groups[-1].urn]
    assert found and "ap-south-1" in messages(found), messages(violations(resources, NO_PII))


def test_an_accelerator_whose_endpoint_groups_are_all_in_the_region_keeps_the_requests_in_it() -> None:
    resources, groups = _accelerator(None)
    assert [d for d in violations(resources, NO_PII) if d.urn in {g.urn for g in groups}] == []
