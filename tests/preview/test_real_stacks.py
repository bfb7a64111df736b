"""Both real region stacks pass the real policy pack through the offline preview."""

from __future__ import annotations

import json
import subprocess
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from .conftest import REPOSITORY, preview

STACKS = {"eu": "eu-west-1", "india": "ap-south-1"}


@pytest.fixture(scope="module")
def previews() -> dict[str, subprocess.CompletedProcess[str]]:
    """Each real stack previewed once with the default pack and config, both at once."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = pool.map(lambda stack: preview("-s", stack, "-C", str(REPOSITORY), "--json"), STACKS)
        return dict(zip(STACKS, runs, strict=True))


def _document(result: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    """The JSON document of a preview that ran (exit 0 or 1)."""
    assert result.returncode in (0, 1), result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    return document


@pytest.mark.parametrize("stack", STACKS)
def test_the_real_stack_has_no_mandatory_violation(
    stack: str, previews: dict[str, subprocess.CompletedProcess[str]]
) -> None:
    """Exit 0 with the default pack (policies/) and config (policies/config/<stack>.json)."""
    document = _document(previews[stack])
    mandatory = [v for v in document["policyViolations"] if v["enforcementLevel"] == "mandatory"]
    assert mandatory == [], json.dumps(mandatory, indent=2)
    assert previews[stack].returncode == 0
    regional = [r for r in document["resources"] if r["type"].startswith("aws:") and r["region"] != "global"]
    assert regional
    assert {r["region"] for r in regional} == {STACKS[stack]}


@pytest.mark.parametrize("stack", STACKS)
def test_the_real_stacks_pii_stores_are_classified_and_in_region(
    stack: str, previews: dict[str, subprocess.CompletedProcess[str]]
) -> None:
    """The residency facts the preview reports agree with the design: PII in the stack's region only."""
    resources = _document(previews[stack])["resources"]
    pii = [r for r in resources if r["classification"] == "pii"]
    assert any(r["type"] == "aws:rds/instance:Instance" for r in pii)
    assert {r["region"] for r in pii} == {STACKS[stack]}
