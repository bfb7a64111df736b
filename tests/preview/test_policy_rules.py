"""Each residency rule of the real pack (policies/) stops a program that breaks it, in the offline preview."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

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


@pytest.fixture(scope="module")
def previews() -> dict[str, tuple[int, list[dict[str, str]], str]]:
    """Every stack of the violations fixture, previewed two at a time (each is a pair of processes)."""
    stacks = ("baseline", *RULES)
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(stacks, pool.map(_violations, stacks), strict=True))


def test_the_compliant_baseline_passes_every_rule(
    previews: dict[str, tuple[int, list[dict[str, str]], str]],
) -> None:
    """The PII database the variants start from breaks no rule: each failure below is the variant's own."""
    code, violations, stderr = previews["baseline"]
    assert code == 0, stderr
    assert [v for v in violations if v["enforcementLevel"] == "mandatory"] == []


@pytest.mark.parametrize("rule", RULES)
def test_a_program_that_breaks_the_rule_fails_with_its_name(
    rule: str, previews: dict[str, tuple[int, list[dict[str, str]], str]]
) -> None:
    """Exit 1, and a mandatory violation reported under the rule's name."""
    code, violations, stderr = previews[rule]
    assert code == 1, stderr
    assert rule in {v["policyName"] for v in violations if v["enforcementLevel"] == "mandatory"}


def test_a_policy_config_the_rules_cannot_use_fails_the_preview_naming_the_key_and_the_file(
    tmp_path: Path,
) -> None:
    """A region outside the stack's jurisdiction passes the schema but not the pack: exit 2 with the pack's
    error, which names the policy, the key and the config file, and no verdict on any resource."""
    config = json.loads((PACK / "config" / "eu.json").read_text())
    config["pii-in-jurisdiction"]["allowedRegions"] = ["ap-south-1"]
    config_file = tmp_path / "eu-outside.json"
    config_file.write_text(json.dumps(config))
    result = preview(
        "-s",
        "baseline",
        "-C",
        str(FIXTURES / "violations"),
        "--policy-pack",
        str(PACK),
        "--policy-pack-config",
        str(config_file),
        "--json",
    )
    assert result.returncode == 2, result.stderr
    assert "policy config for 'pii-in-jurisdiction': 'allowedRegions' lists ['ap-south-1']" in result.stderr
    assert str(config_file) in result.stderr
    assert json.loads(result.stdout).get("policyViolations", []) == []
