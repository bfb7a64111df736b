"""Code configured with resident data keeps what it reads where it runs: code whose region cannot be traced
(an explicit AWS provider without `region`, which takes the deployer's AWS_REGION or profile; a region
unknown at preview) may run anywhere, so it is judged as a copy to a region that cannot be traced, as a store
there already is by pii-in-jurisdiction (reviewer blind-program16 v14). The stack's default provider carries
the stack config's `aws:region` as its `region` input, so code on it is placed."""

from __future__ import annotations

import json

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.policy_harness import UNKNOWN, Res, aws_provider, messages, violations

NO_PII = "no-pii-replication"
ANONYMISED_ONLY = "anonymised-only-replication"


def _reporting(region: str | None) -> Res:
    """The reviewer's provider: a same-account role, and `region` as given (None: not set)."""
    provider = aws_provider("reporting", region)
    provider.props["assumeRoles"] = json.dumps(
        [{"roleArn": "arn:aws:iam::123456789012:role/reporting-deployer", "sessionName": "pulumi"}]
    )
    return provider


def _report_builder(stack: Region, provider: Res, **props: object) -> Res:
    """A Lambda whose environment holds the PII database's address and secret."""
    return Res(
        "aws:lambda/function:Function",
        "report-builder",
        {
            "runtime": "python3.12",
            "handler": "index.handler",
            "environment": {"variables": {"DB_HOST": UNKNOWN, "DB_SECRET_ARN": UNKNOWN}},
            **props,
        },
        provider,
        deps={"environment": [stack.database]},
    )


def _found(resources: list[Res], reader: Res, policy: str) -> list:
    return [d for d in violations(resources, policy) if d.urn == reader.urn]


@pytest.mark.parametrize("policy", [NO_PII, ANONYMISED_ONLY])
def test_code_reading_pii_on_a_provider_that_names_no_region_fails_closed(policy: str) -> None:
    region = eu_region()
    reader = _report_builder(region, _reporting(None))
    found = _found([*region.resources, reader], reader, policy)
    assert found, f"{policy} did not judge the reader"
    text = messages(found)
    assert "regions that cannot be traced" in text
    assert "whose provider names no `region`" in text
    assert "give aws:lambda/function:Function 'report-builder' a provider with a literal `region`" in text


def test_code_reading_pii_on_a_provider_whose_region_is_unknown_at_preview_fails_closed() -> None:
    region = eu_region()
    reader = _report_builder(region, _reporting(UNKNOWN))
    found = _found([*region.resources, reader], reader, NO_PII)
    assert "whose provider's `region` is unknown at preview" in messages(found)


def test_code_reading_pii_whose_own_region_input_is_unknown_at_preview_fails_closed() -> None:
    region = eu_region()
    reader = _report_builder(region, _reporting("eu-west-1"), region=UNKNOWN)
    found = _found([*region.resources, reader], reader, NO_PII)
    assert "whose `region` input is unknown at preview" in messages(found)


def test_code_reading_pii_on_a_provider_of_the_region_passes() -> None:
    region = eu_region()
    reader = _report_builder(region, _reporting("eu-west-1"))
    assert _found([*region.resources, reader], reader, NO_PII) == []
    assert _found([*region.resources, reader], reader, ANONYMISED_ONLY) == []


def test_code_reading_pii_placed_by_its_own_region_input_passes() -> None:
    """Reviewer blind-program16 c07: a us-east-1 provider, the resource's own `region` in the jurisdiction."""
    region = eu_region()
    reader = _report_builder(region, aws_provider("account", "us-east-1"), region="eu-west-1")
    assert _found([*region.resources, reader], reader, NO_PII) == []


def test_code_reading_pii_on_the_default_provider_of_the_stack_config_passes() -> None:
    """Reviewer blind-program16 c06: the engine gives the default provider the stack config's `aws:region`."""
    region = eu_region()
    default = Res(
        "pulumi:providers:aws",
        "default_7_51_1",
        {"region": "eu-west-1", "allowedAccountIds": json.dumps(["123456789012"])},
    )
    reader = _report_builder(region, default)
    assert _found([*region.resources, reader], reader, NO_PII) == []


def test_code_on_a_provider_that_names_no_region_reading_no_resident_data_passes() -> None:
    region = eu_region()
    reader = _report_builder(region, _reporting(None))
    reader.deps = {}
    reader.props["environment"] = {"variables": {"REPORT_TITLE": "weekly"}}
    assert _found([*region.resources, reader], reader, NO_PII) == []
    assert _found([*region.resources, reader], reader, ANONYMISED_ONLY) == []
