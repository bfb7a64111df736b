"""Against a deployed stack: `analyze --file` (as `pulumi policy analyze --file`) and `preview --state`.

The state files are `pulumi stack export` documents (version 3) generated from the programs themselves
(`state_files.export`): the two real stacks and the basic fixture, each as if just deployed.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from offline_preview.project import ProjectError
from offline_preview.state import REDACTED, read_state

from .conftest import FIXTURES, REPOSITORY, preview
from .state_files import SECRET_SIGNATURE, SIGNATURE_KEY, export, write_export

BASIC = FIXTURES / "basic"
PACK = str(FIXTURES / "pack")
KEY = "urn:pulumi:test::fixture::fixture:components:Store$aws:kms/key:Key::records-key"
ARCHIVE = "urn:pulumi:test::fixture::aws:s3/bucket:Bucket::archive"


@pytest.fixture(scope="module")
def basic_export() -> dict[str, Any]:
    """The basic fixture's export, secrets as ciphertext."""
    return export(BASIC, "test")


@pytest.fixture(scope="module")
def real_exports() -> dict[str, dict[str, Any]]:
    """Both real stacks' exports."""
    return {stack: export(REPOSITORY, stack) for stack in ("eu", "india")}


def _resources(document: dict[str, Any]) -> list[dict[str, Any]]:
    resources: list[dict[str, Any]] = document["deployment"]["resources"]
    return resources


def _analyze(*arguments: str) -> tuple[int, dict[str, Any], str]:
    result = preview(*arguments, "--json", command="analyze", timeout=180)
    return result.returncode, json.loads(result.stdout), result.stderr


# analyze --file ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("stack", ["eu", "india"])
def test_analyze_a_real_stacks_export_with_the_real_pack_passes(
    stack: str, real_exports: dict[str, dict[str, Any]], tmp_path: Path
) -> None:
    """The deployed real stack passes its own pack and config: exit 0, every live resource analyzed."""
    path = write_export(tmp_path / f"{stack}.json", real_exports[stack])
    code, document, stderr = _analyze(
        "--file",
        str(path),
        "--policy-pack",
        str(REPOSITORY / "policies"),
        "--policy-pack-config",
        str(REPOSITORY / "policies" / "config" / f"{stack}.json"),
    )
    assert code == 0, (
        stderr,
        [v for v in document["policyViolations"] if v["enforcementLevel"] == "mandatory"],
    )
    assert document["stack"] == stack
    assert len(document["resources"]) == len(_resources(real_exports[stack]))
    assert "warning: could not decrypt secrets" in stderr


def test_analyze_exits_1_on_a_mandatory_violation_and_names_it(
    basic_export: dict[str, Any], tmp_path: Path
) -> None:
    """The PII key in eu-west-1 against a config allowing only ap-south-1."""
    path = write_export(tmp_path / "basic.json", basic_export)
    config = tmp_path / "india.json"
    config.write_text(json.dumps({"fixture-region": {"allowedRegions": ["ap-south-1"]}}))
    code, document, _ = _analyze(
        "--file", str(path), "--policy-pack", PACK, "--policy-pack-config", str(config)
    )
    assert code == 1
    assert ("fixture-region", KEY) in {
        (v["policyName"], v["urn"])
        for v in document["policyViolations"]
        if v["enforcementLevel"] == "mandatory"
    }


def test_analyze_sends_inputs_to_analyze_and_skips_resources_pending_deletion(
    basic_export: dict[str, Any], tmp_path: Path
) -> None:
    """The echo policy sees the state's inputs; a `delete: true` resource is skipped (AnalyzeSnapshot)."""
    document = copy.deepcopy(basic_export)
    for resource in _resources(document):
        if resource["urn"] == ARCHIVE:
            resource["delete"] = True
    path = write_export(tmp_path / "basic.json", document)
    config = tmp_path / "echo.json"
    config.write_text(
        json.dumps({"fixture-echo": "advisory", "fixture-region": {"allowedRegions": ["eu-west-1"]}})
    )
    code, result, _ = _analyze(
        "--file", str(path), "--policy-pack", PACK, "--policy-pack-config", str(config)
    )
    assert code == 0
    echoes = {}
    for violation in result["policyViolations"]:
        if violation["policyName"] == "fixture-echo" and violation["message"].startswith("Echo.\n{"):
            echoed = json.loads(violation["message"].split("\n", 1)[1])
            echoes[echoed["urn"]] = echoed
    assert ARCHIVE not in echoes
    assert echoes[KEY]["props"] == {"enableKeyRotation": True, "tags": {"data-classification": "pii"}}
    assert echoes[KEY]["protect"] is True
    assert echoes[KEY]["provider"]["props"]["region"] == "eu-west-1"


def test_undecryptable_secrets_read_as_redacted_and_plaintext_exports_keep_their_value(
    basic_export: dict[str, Any], tmp_path: Path
) -> None:
    """Ciphertext -> `[secret]` (still a secret); `--show-secrets` plaintext -> the value."""
    version = (
        "urn:pulumi:test::fixture::fixture:components:Store$aws:secretsmanager/secretVersion:SecretVersion"
    )
    state = read_state(write_export(tmp_path / "cipher.json", basic_export))
    secret = state.by_urn()[version + "::records-secret-value"]["inputs"]["secretString"]
    assert secret == {SIGNATURE_KEY: SECRET_SIGNATURE, "value": REDACTED}
    assert state.notes == [
        f"warning: could not decrypt secrets in {tmp_path / 'cipher.json'}; "
        "analyzing with secret values redacted"
    ]
    plain = read_state(write_export(tmp_path / "plain.json", export(BASIC, "test", plaintext=True)))
    secret = plain.by_urn()[version + "::records-secret-value"]["inputs"]["secretString"]
    assert secret == {SIGNATURE_KEY: SECRET_SIGNATURE, "value": "[secret]"}
    assert plain.notes == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "reading deployment from"),
        ('{"version": 2, "deployment": {}}', "deployment version 2 is not supported offline"),
        (
            '{"version": 3, "deployment": {"resources": [{"urn": "nope"}]}}',
            "contains a resource with an invalid URN 'nope'",
        ),
    ],
)
def test_a_file_that_is_not_a_version_3_export_is_refused_naming_it(
    tmp_path: Path, content: str, message: str
) -> None:
    """Exit 2 with the CLI's wording, never a traceback or an empty pass."""
    path = tmp_path / "export.json"
    path.write_text(content)
    with pytest.raises(ProjectError, match=message):
        read_state(path)
    code, document, _ = _analyze("--file", str(path), "--policy-pack", PACK)
    assert code == 2
    assert message in document["error"]


def test_analyze_needs_a_policy_pack() -> None:
    """As the CLI: `at least one --policy-pack path must be specified`."""
    result = preview("--file", "x.json", command="analyze", timeout=60)
    assert result.returncode == 2
    assert "at least one --policy-pack path must be specified" in result.stderr


# preview --state --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("stack", ["eu", "india"])
def test_a_real_stack_previewed_against_its_own_state_changes_nothing_and_has_real_outputs(
    stack: str, real_exports: dict[str, dict[str, Any]], tmp_path: Path
) -> None:
    """Every resource `same`; outputs are the deployed ids, not unknowns."""
    path = write_export(tmp_path / f"{stack}.json", real_exports[stack])
    result = preview("-s", stack, "-C", str(REPOSITORY), "--state", str(path), "--json", timeout=300)
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    operations = document["changes"]
    assert operations and set(operations.values()) == {"same"}, {
        u: o for u, o in operations.items() if o != "same"
    }
    deployed = next(r for r in _resources(real_exports[stack]) if r["type"] == "pulumi:pulumi:Stack")[
        "outputs"
    ]
    # Every output the state holds comes back as deployed (secrets redacted); one the state lacks (the mocks
    # give a Kubernetes Service no load-balancer status) stays unknown, as the engine would show it.
    for name, value in deployed.items():
        shown = document["outputs"][name]
        assert shown == ("[secret]" if isinstance(value, dict) and SIGNATURE_KEY in value else value), name
    assert document["outputs"]["vpcId"] == f"{stack}-vpc-id"
    assert [name for name, value in document["outputs"].items() if value == "output<string>"] == [
        name for name in document["outputs"] if name not in deployed
    ]


def test_changes_against_the_state_are_create_update_delete_and_same(
    basic_export: dict[str, Any], tmp_path: Path
) -> None:
    """One input changed (update), one resource missing from the state (create), one extra in it (delete)."""
    document = copy.deepcopy(basic_export)
    resources = _resources(document)
    archive = next(r for r in resources if r["urn"] == ARCHIVE)
    archive["inputs"]["tags"] = {"data-classification": "telemetry"}
    suffix = next(r for r in resources if r["urn"].endswith("::suffix"))
    resources.remove(suffix)
    extra = copy.deepcopy(archive)
    extra["urn"] = ARCHIVE.replace("::archive", "::old-archive")
    extra["id"] = "old-archive-id"
    resources.append(extra)
    path = write_export(tmp_path / "basic.json", document)
    result = preview("-s", "test", "-C", str(BASIC), "--state", str(path), "--json", timeout=180)
    assert result.returncode == 0, result.stderr
    operations = json.loads(result.stdout)["changes"]
    assert operations[ARCHIVE] == "update"
    assert operations[suffix["urn"]] == "create"
    assert operations[extra["urn"]] == "delete"
    assert operations[KEY] == "same"
    text = preview("-s", "test", "-C", str(BASIC), "--state", str(path), timeout=180)
    assert " ~   ├─ aws:s3:Bucket" in text.stdout and "archive" in text.stdout
    assert " -   ├─ aws:s3:Bucket" in text.stdout and "old-archive" in text.stdout
    assert "    ~ 1 to update" in text.stdout and "    - 1 to delete" in text.stdout


def test_deleting_a_protected_resource_is_an_error_as_in_the_engine(
    basic_export: dict[str, Any], tmp_path: Path
) -> None:
    """A protected resource the program no longer declares: exit 2 with deleteProtectedError's message."""
    document = copy.deepcopy(basic_export)
    key = next(r for r in _resources(document) if r["urn"] == KEY)
    gone = copy.deepcopy(key)
    gone["urn"] = KEY.replace("::records-key", "::retired-key")
    _resources(document).append(gone)
    path = write_export(tmp_path / "basic.json", document)
    result = preview("-s", "test", "-C", str(BASIC), "--state", str(path), "--json", timeout=180)
    assert result.returncode == 2
    error = json.loads(result.stdout)["error"]
    assert f"resource '{gone['urn']}' cannot be deleted\nbecause it is protected." in error
    assert f"`pulumi state unprotect '{gone['urn']}'`" in error


def test_replacing_a_protected_resource_is_an_error_as_in_the_engine(
    basic_export: dict[str, Any], tmp_path: Path
) -> None:
    """The key's provider changes (the engine replaces it): refused while both old and new are protected."""
    document = copy.deepcopy(basic_export)
    key = next(r for r in _resources(document) if r["urn"] == KEY)
    key["provider"] = "urn:pulumi:test::fixture::pulumi:providers:aws::retired::retired-provider-id"
    path = write_export(tmp_path / "basic.json", document)
    result = preview("-s", "test", "-C", str(BASIC), "--state", str(path), "--json", timeout=180)
    assert result.returncode == 2
    document = json.loads(result.stdout)
    assert document["changes"][KEY] == "replace"
    assert (
        f"unable to replace resource '{KEY}'\nas it is currently marked for protection." in document["error"]
    )
