"""The command end to end: a fresh process, a policy pack process over gRPC, the exit codes and outputs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .conftest import FIXTURES, REPOSITORY, UNKNOWN, preview
from .map_text import read_map

BASIC = str(FIXTURES / "basic")
PACK = str(FIXTURES / "pack")
KEY = "urn:pulumi:test::fixture::fixture:components:Store$aws:kms/key:Key::records-key"


def _json(arguments: list[str]) -> tuple[int, dict[str, Any]]:
    """Run the preview with --json and return its exit code and document."""
    result = preview(*arguments, "--json")
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


def test_a_compliant_stack_exits_0_with_the_json_shape_of_the_issue() -> None:
    """Default pack config (<pack>/config/test.json) allows eu-west-1: no mandatory violation."""
    code, document = _json(["-s", "test", "-C", BASIC, "--policy-pack", PACK])
    assert code == 0
    assert set(document) == {
        "stack",
        "resources",
        "policyViolations",
        "remediations",
        "outputs",
        "changes",
        "diagnostics",
        "programOutput",
        "notes",
        "error",
    }
    assert document["error"] is None and document["changes"] is None
    assert document["outputs"] == {"replicas": 2, "vpcId": "output<string>"}
    assert document["stack"] == "test"
    key = next(resource for resource in document["resources"] if resource["urn"] == KEY)
    assert key == {
        "urn": KEY,
        "type": "aws:kms/key:Key",
        "name": "records-key",
        "parent": "urn:pulumi:test::fixture::fixture:components:Store::records",
        "provider": "urn:pulumi:test::fixture::pulumi:providers:aws::explicit",
        "region": "eu-west-1",
        "classification": "pii",
    }
    levels = {(v["policyName"], v["enforcementLevel"]) for v in document["policyViolations"]}
    assert levels == {("fixture-count", "advisory")}
    count = document["policyViolations"][0]
    assert count["policyPack"] == "fixture-pack"
    assert count["urn"] == "urn:pulumi:test::fixture::pulumi:pulumi:Stack::fixture-test"
    assert count["message"].endswith("saw 13 resources")


def test_a_mandatory_violation_exits_1_naming_the_policy_and_resource(tmp_path: Path) -> None:
    """Config that allows only ap-south-1 makes the eu-west-1 PII key and secret violate fixture-region."""
    config = tmp_path / "only-india.json"
    config.write_text(json.dumps({"fixture-region": {"allowedRegions": ["ap-south-1"]}}))
    code, document = _json(
        ["-s", "test", "-C", BASIC, "--policy-pack", PACK, "--policy-pack-config", str(config)]
    )
    assert code == 1
    mandatory = {
        (v["policyName"], v["urn"])
        for v in document["policyViolations"]
        if v["enforcementLevel"] == "mandatory"
    }
    assert mandatory == {
        ("fixture-region", KEY),
        (
            "fixture-region",
            "urn:pulumi:test::fixture::fixture:components:Store$aws:secretsmanager/secret:Secret::records-secret",
        ),
    }
    text = preview("-s", "test", "-C", BASIC, "--policy-pack", PACK, "--policy-pack-config", str(config))
    assert text.returncode == 1
    assert "[mandatory]  fixture-region  (aws:kms:Key: records-key)" in text.stdout
    assert "records-key is in eu-west-1" in text.stdout


def test_the_pack_receives_what_the_engine_would_send(tmp_path: Path) -> None:
    """The echo policy reports its ResourceValidationArgs: props, provider, options and reconciled config."""
    config = tmp_path / "echo.json"
    config.write_text(
        json.dumps({"fixture-echo": "advisory", "fixture-region": {"allowedRegions": ["eu-west-1"]}})
    )
    _, document = _json(
        ["-s", "test", "-C", BASIC, "--policy-pack", PACK, "--policy-pack-config", str(config)]
    )
    echoes = {}
    for violation in document["policyViolations"]:
        if violation["policyName"] == "fixture-echo" and violation["message"].startswith("Echo.\n{"):
            echoed = json.loads(violation["message"].split("\n", 1)[1])
            echoes[echoed["urn"]] = echoed
    key = echoes[KEY]
    assert key["protect"] is True
    assert key["parent"] == "urn:pulumi:test::fixture::fixture:components:Store::records"
    assert key["props"]["enableKeyRotation"] is True
    assert key["provider"]["urn"] == "urn:pulumi:test::fixture::pulumi:providers:aws::explicit"
    assert key["provider"]["props"]["region"] == "eu-west-1"
    assert key["config"] == {"marker": "initial-config"}
    default = echoes["urn:pulumi:test::fixture::pulumi:providers:aws::default_7_51_1"]
    assert default["props"]["defaultTags"] == '{"tags":{"managed-by":"pulumi"}}'
    # Components and the stack are analysed too, as the engine analyses every registration.
    assert "urn:pulumi:test::fixture::fixture:components:Store::records" in echoes
    # An input that is unknown at preview makes the policy unable to run, as in a real preview.
    unknown = [
        v
        for v in document["policyViolations"]
        if v["policyName"] == "fixture-echo" and "can't be known during preview" in v["message"]
    ]
    assert {v["urn"].rsplit("::", 1)[1] for v in unknown} == {
        "records-subnet",
        "records-secret",
        "records-secret-value",
    }
    assert UNKNOWN not in json.dumps(key)


def test_a_failing_program_exits_2_and_shows_its_error() -> None:
    """The program's own traceback, not the preview's."""
    result = preview("-s", "test", "-C", str(FIXTURES / "failing"))
    assert result.returncode == 2
    assert "KeyError: 'customer-records'" in result.stderr
    assert "failing/__main__.py" in result.stderr


def test_a_resource_needing_a_disabled_default_provider_exits_2() -> None:
    """`pulumi:disable-default-providers` is enforced as the engine enforces it."""
    result = preview("-s", "nodefaults", "-C", BASIC)
    assert result.returncode == 2
    assert (
        "Default provider for 'aws' disabled. 'aws:s3/bucket:Bucket' must use an explicit provider."
        in result.stderr
    )


def test_a_failing_policy_pack_exits_2_and_shows_its_error() -> None:
    """A pack that cannot start is a failed preview, not a pass."""
    result = preview("-s", "test", "-C", BASIC, "--policy-pack", str(FIXTURES / "broken_pack"))
    assert result.returncode == 2
    assert "this policy pack is broken on purpose" in result.stderr


def test_invalid_policy_config_exits_2_naming_the_policy(tmp_path: Path) -> None:
    """The schema of fixture-region requires at least one region."""
    config = tmp_path / "empty.json"
    config.write_text(json.dumps({"fixture-region": {"allowedRegions": []}}))
    result = preview("-s", "test", "-C", BASIC, "--policy-pack", PACK, "--policy-pack-config", str(config))
    assert result.returncode == 2
    assert "fixture-region: allowedRegions" in result.stderr


def test_the_diagram_is_a_mermaid_residency_map(tmp_path: Path) -> None:
    """One subgraph per region, data stores with their classification (tests/preview/test_diagram.py)."""
    diagram = tmp_path / "map.md"
    result = preview("-s", "test", "-C", BASIC, "--diagram", str(diagram))
    assert result.returncode == 0, result.stderr
    drawn = read_map(diagram.read_text())
    assert drawn.named("records-secret").box.startswith("eu-west-1 · EU · GDPR")
    assert drawn.named("records-secret").lines[:2] == ["PII", "secretsmanager Secret"]
    assert drawn.named("archive").box.startswith("ap-south-1 · IN")
    assert "anonymised" in drawn.named("archive").classes


def test_an_invoke_without_a_plausible_answer_is_reported() -> None:
    """The program got an empty answer offline; the preview says which lookup, in text and JSON modes."""
    text = preview("-s", "test", "-C", str(FIXTURES / "transforms"))
    assert text.returncode == 0, text.stderr
    assert "no plausible offline answer for invoke aws:ec2/getVpc:getVpc" in text.stdout
    as_json = preview("-s", "test", "-C", str(FIXTURES / "transforms"), "--json")
    assert "no plausible offline answer for invoke aws:ec2/getVpc:getVpc" in as_json.stderr
    diagnostics = json.loads(as_json.stdout)["diagnostics"]
    assert {
        "severity": "warning",
        "message": "no plausible offline answer for invoke aws:ec2/getVpc:getVpc: it returned nothing",
    } in diagnostics


def test_the_map_draws_a_pii_copy_into_another_region_with_the_packs_violations(tmp_path: Path) -> None:
    """Backups of the PII database replicated to Frankfurt: a thick PII arrow from eu-west-1 to the copy,
    which carries the violations the pack reported (the CLI hands the pack's results to the map)."""
    diagram = tmp_path / "map.md"
    pack = REPOSITORY / "policies"
    result = preview(
        *("-s", "no-pii-replication", "-C", str(FIXTURES / "violations"), "--diagram", str(diagram)),
        *("--policy-pack", str(pack), "--policy-pack-config", str(pack / "config" / "eu.json")),
    )
    assert result.returncode == 1, result.stderr
    drawn = read_map(diagram.read_text())
    database, copy = drawn.named("pii"), drawn.named("pii-backups-frankfurt")
    assert database.box.startswith("eu-west-1") and copy.box.startswith("eu-central-1")
    assert [(e.target, e.thick, e.label) for e in drawn.edges_from(database)] == [
        (copy.id, True, "PII\nautomated backup replication")
    ]
    assert {"⚠ no-pii-replication", "⚠ anonymised-only-replication"} <= set(copy.lines)
    assert "violation" in copy.classes


def test_remediations_run_before_analysis_and_every_pack_sees_the_remediated_inputs(tmp_path: Path) -> None:
    """The engine's order: each pack's remediations first, then every pack analyzes what they produced."""
    config = tmp_path / "echo.json"
    config.write_text(
        json.dumps({"fixture-echo": "advisory", "fixture-region": {"allowedRegions": ["eu-west-1"]}})
    )
    remediating = str(FIXTURES / "remediating_pack")
    arguments = ["-s", "test", "-C", BASIC, "--policy-pack", remediating, "--policy-pack", PACK]
    empty = tmp_path / "remediating.json"
    empty.write_text("{}")
    arguments += ["--policy-pack-config", str(empty), "--policy-pack-config", str(config)]
    code, document = _json(arguments)
    assert code == 0
    remediated = {r["urn"].rsplit("::", 1)[1]: r for r in document["remediations"]}
    assert set(remediated) == {"archive", "pinned"}
    assert remediated["archive"]["changedProperties"] == ["tags"]
    echoed = [
        json.loads(v["message"].split("\n", 1)[1])
        for v in document["policyViolations"]
        if v["policyName"] == "fixture-echo"
        and v["urn"].endswith("::archive")
        and v["message"].startswith("Echo.")
    ]
    assert echoed[0]["props"]["tags"] == {
        "data-classification": "anonymised",
        "remediated-by": "fixture-remediation",
    }
    text = preview(*arguments)
    assert "        - [remediate]  fixture-tag-buckets  (2 resources)" in text.stdout


def test_fully_qualified_stack_names_are_accepted_as_the_cli_accepts_them() -> None:
    """`org/stack` and `org/project/stack` read Pulumi.<stack>.yaml; a wrong project is refused."""
    for name in ("acme/test", "acme/fixture/test"):
        code, document = _json(["-s", name, "-C", BASIC, "--policy-pack", PACK])
        assert code == 0 and document["stack"] == "test"
    wrong = preview("-s", "acme/shop/test", "-C", BASIC)
    assert wrong.returncode == 2
    assert "stack 'acme/shop/test' names project 'shop'" in wrong.stderr


def test_the_tree_shows_display_names_parentless_resources_under_the_stack_and_the_outputs() -> None:
    """As the CLI: `aws:s3:Bucket`, `random:index:RandomId`; top-level resources under the stack row."""
    result = preview("-s", "test", "-C", BASIC, "--policy-pack", PACK)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    stack = next(index for index, line in enumerate(lines) if "pulumi:pulumi:Stack" in line)
    assert lines[stack].startswith(" +   pulumi:pulumi:Stack")
    assert any(line.startswith(" +   ├─ aws:s3:Bucket") and " archive " in line for line in lines)
    assert any(line.startswith(" +   └─ random:index:RandomId") for line in lines)
    assert any(line.startswith(" +   │  ├─ aws:kms:Key") for line in lines)
    assert "aws:s3/bucket:Bucket" not in result.stdout
    outputs = lines.index("Outputs:")
    assert lines[outputs + 1 : outputs + 3] == ["    replicas: 2", "    vpcId: output<string>"]


def test_display_names_follow_the_clis_rule() -> None:
    """tokens.Type.DisplayName: only a module file named after the type in camelCase is dropped."""
    from offline_preview.render import display_name

    assert display_name("random:index/randomPassword:RandomPassword") == "random:index:RandomPassword"
    assert display_name("aws:ec2/vpc:Vpc") == "aws:ec2:Vpc"
    assert (
        display_name("kubernetes:networking.k8s.io/v1:NetworkPolicy")
        == "kubernetes:networking.k8s.io/v1:NetworkPolicy"
    )
    assert display_name("residency:components:PiiDatabase") == "residency:components:PiiDatabase"
    assert display_name("pulumi:pulumi:Stack") == "pulumi:pulumi:Stack"
