"""The bootstrap previewed offline by the same tool and judged by the same pack as the region stacks."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.bootstrap.harness import BOOTSTRAP_DIR

REPOSITORY = BOOTSTRAP_DIR.parent


def _preview(project: Path, stack: str) -> tuple[int, dict[str, Any], str]:
    """`python -m offline_preview preview -C <project> --stack <stack> --policy-pack <pack> --json`."""
    result = subprocess.run(
        [sys.executable, "-m", "offline_preview", "preview", "-C", str(project), "--stack", stack,
         "--policy-pack", str(REPOSITORY / "policies"), "--json"],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    document = json.loads(result.stdout) if result.stdout.strip().startswith("{") else {}
    return result.returncode, document, result.stderr


@pytest.mark.parametrize("stack", ["eu", "india"])
def test_each_bootstrap_stack_previews_with_no_mandatory_violation(stack: str) -> None:
    """Exit 0, every regional resource in the stack's region, the state bucket classified."""
    code, document, stderr = _preview(BOOTSTRAP_DIR, stack)
    assert code == 0, stderr
    assert document["policyViolations"] == []
    region = {"eu": "eu-west-1", "india": "ap-south-1"}[stack]
    buckets = [r for r in document["resources"] if r["type"] == "aws:s3/bucket:Bucket"]
    assert [(b["region"], b["classification"]) for b in buckets] == [(region, "internal")]


def test_the_pack_judges_the_bootstrap_an_unclassified_bucket_fails(tmp_path: Path) -> None:
    """The check can fail: the same program with its state bucket's classification removed exits 1."""
    project = tmp_path / "bootstrap"
    shutil.copytree(BOOTSTRAP_DIR, project, ignore=shutil.ignore_patterns("__pycache__"))
    manifest = project / "Pulumi.yaml"
    manifest.write_text(
        manifest.read_text().replace("virtualenv: ../.venv", f"virtualenv: {REPOSITORY / '.venv'}")
    )
    backend = project / "residency_bootstrap" / "state_backend.py"
    source = backend.read_text()
    assert "tags={CLASSIFICATION_TAG: Classification.INTERNAL.value}," in source
    backend.write_text(source.replace("tags={CLASSIFICATION_TAG: Classification.INTERNAL.value},", "", 1))
    code, document, stderr = _preview(project, "eu")
    assert code == 1, stderr
    assert {v["policyName"] for v in document["policyViolations"]} == {"data-classification-required"}
