"""Deliveries into and out of code: an event source mapping, an invocation destination or an
EventBridge target whose other end is a function of the stack lands where that function runs, and the
data a function emits (its invocation records) is what it was fed, by lineage.

Reviewer blind-aws11 (c08, c19, c25, c33-c35): every event source mapping from a PII queue or stream into an
in-region function of the stack was refused as a copy "to regions that cannot be traced and into an account
that cannot be traced", as were a function's on-failure destination queue and a scheduled EventBridge rule's
target: a function holds no data, so following it found no place at all. Each test is one such delivery; the
compliant one stays in the PII queue's region, the change moves one end to Mumbai.
"""

from __future__ import annotations

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import mumbai, store
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

NO_PII = "no-pii-replication"
ANONYMISED_ONLY = "anonymised-only-replication"
RULES = (NO_PII, ANONYMISED_ONLY)


def _function(provider: Res, name: str = "consumer") -> Res:
    """An untagged function, as most programs declare them."""
    return Res(
        "aws:lambda/function:Function",
        name,
        {
            "role": "arn:aws:iam::123456789012:role/consumer",
            "runtime": "python3.12",
            "handler": "index.handler",
        },
        provider,
    )


def _queue(region: Region, name: str = "signups", provider: Res | None = None) -> Res:
    queue = store(region, "aws:sqs/queue:Queue", name, {"kmsMasterKeyId": UNKNOWN})
    queue.deps["kmsMasterKeyId"] = [region.key]
    if provider is not None:
        queue.provider = provider
    return queue


def _mapping(region: Region, source: Res, function: Res) -> Res:
    return Res(
        "aws:lambda/eventSourceMapping:EventSourceMapping",
        "signups-to-consumer",
        {"eventSourceArn": UNKNOWN, "functionName": UNKNOWN},
        region.provider,
        deps={"eventSourceArn": [source], "functionName": [function]},
    )


def _on(found: list, resource: Res) -> list:
    return [d for d in found if d.urn == resource.urn]


@pytest.mark.parametrize("policy", RULES)
def test_an_event_source_mapping_from_a_pii_queue_into_a_function_in_its_region_copies_nothing_out(
    policy: str,
) -> None:
    region = eu_region()
    queue, function = _queue(region), _function(region.provider)
    mapping = _mapping(region, queue, function)
    assert _on(violations([*region.resources, queue, function, mapping], policy), mapping) == []


@pytest.mark.parametrize("policy", RULES)
def test_an_event_source_mapping_from_a_pii_queue_into_a_function_in_mumbai_moves_it(policy: str) -> None:
    region = eu_region()
    queue, function = _queue(region), _function(mumbai())
    mapping = _mapping(region, queue, function)
    found = _on(violations([*region.resources, queue, function, mapping], policy), mapping)
    assert "ap-south-1" in messages(found), messages(found)


def _invoke_config(region: Region, function: Res, destination: Res) -> Res:
    return Res(
        "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
        "consumer-failures",
        {"functionName": UNKNOWN, "destinationConfig": {"onFailure": {"destination": UNKNOWN}}},
        region.provider,
        deps={"functionName": [function], "destinationConfig": [destination]},
    )


def _fed_function(region: Region, provider: Res | None = None) -> tuple[list[Res], Res]:
    """A function fed with the PII queue: what it emits carries personal data."""
    queue, function = _queue(region), _function(provider or region.provider)
    return [queue, function, _mapping(region, queue, function)], function


@pytest.mark.parametrize("policy", RULES)
def test_a_functions_on_failure_destination_in_its_region_copies_nothing_out(policy: str) -> None:
    region = eu_region()
    fed, function = _fed_function(region)
    failures = _queue(region, "failures")
    config = _invoke_config(region, function, failures)
    assert _on(violations([*region.resources, *fed, failures, config], policy), config) == []


@pytest.mark.parametrize("policy", RULES)
def test_a_pii_fed_functions_on_failure_destination_in_mumbai_moves_its_records(policy: str) -> None:
    region = eu_region()
    fed, function = _fed_function(region)
    failures = _queue(region, "failures", provider=mumbai())
    config = _invoke_config(region, function, failures)
    found = _on(violations([*region.resources, *fed, failures, config], policy), config)
    # The records carry what the function was fed: the chain names the PII queue.
    assert "ap-south-1" in messages(found) and "signups" in messages(found), messages(found)


def _scheduled_target(region: Region, target: Res, rule_props: dict) -> tuple[Res, Res]:
    rule = Res("aws:cloudwatch/eventRule:EventRule", "hourly", rule_props, region.provider)
    event_target = Res(
        "aws:cloudwatch/eventTarget:EventTarget",
        "hourly-consumer",
        {"rule": UNKNOWN, "arn": UNKNOWN},
        region.provider,
        deps={"rule": [rule], "arn": [target]},
    )
    return rule, event_target


@pytest.mark.parametrize("policy", RULES)
def test_a_scheduled_rules_target_carries_no_data(policy: str) -> None:
    """A schedule is a timer: its target receives a fixed event, whatever region it is in."""
    region = eu_region()
    function = _function(mumbai())
    rule, target = _scheduled_target(region, function, {"scheduleExpression": "rate(1 hour)"})
    assert _on(violations([*region.resources, function, rule, target], policy), target) == []


@pytest.mark.parametrize("policy", RULES)
def test_a_rule_on_the_default_bus_targeting_a_function_in_its_region_copies_nothing_out(policy: str) -> None:
    region = eu_region()
    function = _function(region.provider)
    rule, target = _scheduled_target(region, function, {"eventPattern": '{"source": ["aws.s3"]}'})
    assert _on(violations([*region.resources, function, rule, target], policy), target) == []


def test_a_rule_on_the_default_bus_targeting_a_function_in_mumbai_moves_unclassified_events() -> None:
    """The default bus carries whatever the account's services and code put on it: unclassified, so it may
    not cross a border."""
    region = eu_region()
    function = _function(mumbai())
    rule, target = _scheduled_target(region, function, {"eventPattern": '{"source": ["aws.s3"]}'})
    found = _on(violations([*region.resources, function, rule, target], ANONYMISED_ONLY), target)
    assert "default event bus" in messages(found), messages(found)


def test_a_rule_on_a_pii_bus_targeting_a_function_in_mumbai_moves_pii() -> None:
    region = eu_region()
    bus = store(region, "aws:cloudwatch/eventBus:EventBus", "signups-bus", {"name": "signups"})
    function = _function(mumbai())
    rule, target = _scheduled_target(region, function, {"eventPattern": '{"source": ["app"]}'})
    rule.props["eventBusName"] = UNKNOWN
    rule.deps["eventBusName"] = [bus]
    found = _on(violations([*region.resources, bus, function, rule, target], NO_PII), target)
    assert "signups-bus" in messages(found), messages(found)
