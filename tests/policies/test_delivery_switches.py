"""A copy mechanism that delivers only when a switch is set (a Pinpoint project's campaign hook) copies
nothing without it: a holder that merely has such a type is not a copy to an untraceable place.

Red-team round 8 (rt-aws8): a Pinpoint project in the pool's own region that receives a user pool client's
analytics holds PII by lineage; its campaign hook mechanism named no destination and no switch, so every
PII project was reported as a copy to regions and accounts that cannot be traced.
"""

from __future__ import annotations

import pytest

from residency_facts import COPY_MECHANISMS
from tests.policies.baseline import Region, eu_region
from tests.policies.copies import mumbai, store
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

NO_PII = "no-pii-replication"
ANONYMISED_ONLY = "anonymised-only-replication"


def _project(region: Region, hook: dict | None) -> Res:
    app = store(region, "aws:pinpoint/app:App", "analytics", {"name": "analytics"})
    app.protect = True
    if hook is not None:
        app.props["campaignHook"] = hook
    return app


def _analytics_in_region(region: Region, app: Res) -> list[Res]:
    pool = store(region, "aws:cognito/userPool:UserPool", "customers", {"name": "customers"})
    pool.protect = True
    client = Res(
        "aws:cognito/userPoolClient:UserPoolClient",
        "web",
        {"name": "web", "userPoolId": UNKNOWN, "analyticsConfiguration": {"applicationArn": UNKNOWN}},
        region.provider,
        deps={"userPoolId": [pool], "analyticsConfiguration": [app]},
    )
    return [pool, client, app]


@pytest.mark.parametrize("policy", [NO_PII, ANONYMISED_ONLY])
def test_a_pii_pinpoint_project_without_a_campaign_hook_copies_nothing(policy: str) -> None:
    region = eu_region()
    stack = [*region.resources, *_analytics_in_region(region, _project(region, None))]
    assert violations(stack, policy) == []


@pytest.mark.parametrize("policy", [NO_PII, ANONYMISED_ONLY])
def test_a_pii_pinpoint_project_whose_campaign_hook_calls_a_web_url_sends_it_outside_aws(policy: str) -> None:
    region = eu_region()
    app = _project(region, {"webUrl": "https://hooks.example.com/pinpoint"})
    found = messages([d for d in violations([*region.resources, app], policy) if d.urn == app.urn])
    assert "campaign hook" in found


@pytest.mark.mode_independent
def test_every_mechanism_says_where_it_lands_or_when_it_is_active() -> None:
    """A mechanism with no destination, region, account, role or member path, that does not land in the
    resource itself, can only deliver outside AWS: it must name the switch that makes it deliver, or it is
    taken to copy to an untraceable place whenever its resource holds resident data."""
    unswitched = [
        token
        for token, mechanisms in COPY_MECHANISMS.items()
        for m in mechanisms
        if not (
            m.destinations
            or m.destination_regions
            or m.shared_with
            or m.destinations_of
            or m.roles
            or m.source_roles
            or m.members
            or m.every_resource_of_type
            or m.spans_regions
            or m.lands_in_own_region
            or m.runs_code
            or m.active_when
            or m.active_values
        )
    ]
    assert unswitched == []


def test_an_event_source_mapping_into_a_function_elsewhere_still_moves_the_pii_table() -> None:
    """A destination scan that names no place (`destinationConfig.**`) does not make a mechanism deliver
    nothing while a named destination (the function) is set: the PII table's stream feeds a function in
    another region (red-team round 8: the scan rule for documents must not swallow it)."""
    region = eu_region()
    table = store(region, "aws:dynamodb/table:Table", "customers-table", {"name": "customers"})
    function = Res(
        "aws:lambda/function:Function",
        "sink",
        {"role": "arn:aws:iam::123456789012:role/sink", "runtime": "python3.12", "handler": "index.handler"},
        mumbai(),
    )
    mapping = Res(
        "aws:lambda/eventSourceMapping:EventSourceMapping",
        "stream",
        {"eventSourceArn": UNKNOWN, "functionName": UNKNOWN, "startingPosition": "LATEST"},
        region.provider,
        deps={"eventSourceArn": [table], "functionName": [function]},
    )
    found = violations([*region.resources, table, function, mapping], NO_PII)
    assert mapping.urn in [d.urn for d in found], messages(found)
