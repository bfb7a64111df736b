"""Each residency rule of the real pack (policies/) stops a program that breaks it, in the offline preview."""

from __future__ import annotations

import json

import pytest

from .conftest import FIXTURES, REPOSITORY, preview

RULES = (
    "data-classification-required",
    "pii-in-jurisdiction",
    "no-pii-replication",
    "anonymised-only-replication",
    "pii-encryption",
    "pii-not-public",
    "pii-no-data-loss",
)
PACK = REPOSITORY / "policies"


def _violations(stack: str) -> tuple[int, list[dict[str, str]], str]:
    """Preview the violations fixture's stack with the real pack and the EU policy config."""
    result = preview(
        "-s",
        stack,
        "-C",
        str(FIXTURES / "violations"),
        "--policy-pack",
        str(PACK),
        "--policy-pack-config",
        str(PACK / "config" / "eu.json"),
        "--json",
    )
    violations = json.loads(result.stdout)["policyViolations"] if result.returncode in (0, 1) else []
    return result.returncode, violations, result.stderr


def test_the_compliant_baseline_passes_every_rule() -> None:
    """The PII database the variants start from breaks no rule: each failure below is the variant's own."""
    code, violations, stderr = _violations("baseline")
    assert code == 0, stderr
    assert [v for v in violations if v["enforcementLevel"] == "mandatory"] == []


@pytest.mark.parametrize("rule", RULES)
def test_a_program_that_breaks_the_rule_fails_with_its_name(rule: str) -> None:
    """Exit 1, and a mandatory violation reported under the rule's name."""
    code, violations, stderr = _violations(rule)
    assert code == 1, stderr
    assert rule in {v["policyName"] for v in violations if v["enforcementLevel"] == "mandatory"}
