"""Both real region stacks pass the real policy pack through the offline preview."""

from __future__ import annotations

import json

import pytest

from .conftest import REPOSITORY, preview


@pytest.mark.parametrize(("stack", "region"), [("eu", "eu-west-1"), ("india", "ap-south-1")])
def test_the_real_stack_has_no_mandatory_violation(stack: str, region: str) -> None:
    """Exit 0 with the default pack (policies/) and config (policies/config/<stack>.json)."""
    result = preview("-s", stack, "-C", str(REPOSITORY), "--json")
    assert result.returncode in (0, 1), result.stderr
    document = json.loads(result.stdout)
    mandatory = [v for v in document["policyViolations"] if v["enforcementLevel"] == "mandatory"]
    assert mandatory == [], json.dumps(mandatory, indent=2)
    assert result.returncode == 0
    regional = [r for r in document["resources"] if r["type"].startswith("aws:") and r["region"] != "global"]
    assert regional
    assert {r["region"] for r in regional} == {region}


def test_the_real_stacks_pii_stores_are_classified_and_in_region() -> None:
    """The residency facts the preview reports agree with the design: PII in eu-west-1 only."""
    result = preview("-s", "eu", "-C", str(REPOSITORY), "--json")
    assert result.returncode in (0, 1), result.stderr
    resources = json.loads(result.stdout)["resources"]
    pii = [r for r in resources if r["classification"] == "pii" and not r["type"].startswith("kubernetes:")]
    assert any(r["type"] == "aws:rds/instance:Instance" for r in pii)
    assert {r["region"] for r in pii} == {"eu-west-1"}
