"""The preview under stress: noisy and stuck packs, signals, exit codes, failures reported as JSON.

Every test bounds its own run (`timeout=`): a regression that hangs fails the test instead of blocking CI.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import FIXTURES, REPOSITORY, preview

BASIC = str(FIXTURES / "basic")
PACK = str(FIXTURES / "pack")


def _alive(pid: int) -> bool:
    """Whether a process exists and is not a zombie waiting to be reaped."""
    status = Path(f"/proc/{pid}/status")
    try:
        text = status.read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in text


def _processes_naming(marker: str) -> list[int]:
    """Pids of live processes whose command line contains `marker`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if marker in command and _alive(int(entry.name)):
            found.append(int(entry.name))
    return found


def _private_pack(tmp_path: Path) -> Path:
    """A copy of the fixture pack at a path no other test uses, so its processes can be found by path."""
    pack = tmp_path / "private-pack"
    shutil.copytree(FIXTURES / "pack", pack)
    manifest = (pack / "PulumiPolicy.yaml").read_text()
    (pack / "PulumiPolicy.yaml").write_text(manifest.replace("../../../../.venv", str(REPOSITORY / ".venv")))
    return pack


def test_a_pack_that_prints_more_than_a_pipe_holds_does_not_hang_and_its_output_is_shown() -> None:
    """128 KiB on stdout and stderr: drained as it arrives, shown as the CLI shows a plugin's output."""
    result = preview("-s", "test", "-C", BASIC, "--policy-pack", str(FIXTURES / "noisy_pack"), timeout=120)
    assert result.returncode == 0, result.stderr
    assert "info: policy pack noisy_pack: noisy pack: last stdout line" in result.stdout
    assert "info: policy pack noisy_pack: noisy pack: last stderr line" in result.stdout
    assert "stdout line 02047" in result.stdout and "stderr line 02047" in result.stdout


def test_a_pack_stuck_in_analyze_fails_within_the_time_limit_naming_the_pack_and_the_call() -> None:
    """A call that never answers is a failed preview (exit 2), with the pack, the call and the resource."""
    result = preview(
        "-s",
        "test",
        "-C",
        BASIC,
        "--policy-pack",
        str(FIXTURES / "slow_pack"),
        "--policy-timeout",
        "2",
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    assert "policy pack slow-pack (" in result.stderr
    assert "Analyze for urn:pulumi:test::fixture::" in result.stderr
    assert "did not answer within 2 s" in result.stderr


def _start_sleepy(tmp_path: Path, pack: Path) -> tuple[subprocess.Popen[str], Path]:
    """The preview of a program that hangs, with a pack, its temp files under `tmp_path`."""
    environment = {**os.environ, "TMPDIR": str(tmp_path), "SLEEPY_PIDS": str(tmp_path / "pids")}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "offline_preview",
            "preview",
            "-s",
            "test",
            "-C",
            str(FIXTURES / "sleepy"),
            "--policy-pack",
            str(pack),
        ],
        cwd=REPOSITORY,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 90
    while not (tmp_path / "pids").exists() or not _processes_naming(str(pack)):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the program never started its grandchild"
        time.sleep(0.2)
    return process, tmp_path / "pids"


@pytest.mark.parametrize(("signal_number", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_stops_every_child_and_grandchild_and_removes_the_temp_files(
    tmp_path: Path, signal_number: int, code: int
) -> None:
    """SIGTERM (a CI cancel) or Ctrl-C: program, its grandchild and the pack stop; one line on stderr."""
    pack = _private_pack(tmp_path)
    process, pids = _start_sleepy(tmp_path, pack)
    runner, grandchild = (int(pid) for pid in pids.read_text().split())
    assert list(tmp_path.glob("offline-preview-*"))
    process.send_signal(signal_number)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == code
    assert stderr.strip().count("\n") == 0, stderr
    assert stderr.startswith(f"error: cancelled by {signal.Signals(signal_number).name}")
    assert "Traceback" not in stdout + stderr
    deadline = time.monotonic() + 10
    while (
        _alive(runner) or _alive(grandchild) or _processes_naming(str(pack))
    ) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(runner) and not _alive(grandchild)
    assert _processes_naming(str(pack)) == []
    assert list(tmp_path.glob("offline-preview-*")) == []


def test_the_program_time_limit_is_a_flag_and_a_hung_program_exits_2(tmp_path: Path) -> None:
    """`--program-timeout 10`: the hung program and its grandchild are stopped, the run fails with exit 2.

    10 s, not less: the program must have started (imported the SDK and written its pids) before the limit,
    and on a loaded machine with no byte-code yet that alone took more than 3 s. The wait is a sleep, no CPU.
    """
    environment = {"SLEEPY_PIDS": str(tmp_path / "pids")}
    result = preview(
        "-s", "test", "-C", str(FIXTURES / "sleepy"), "--program-timeout", "10", env=environment, timeout=120
    )
    assert result.returncode == 2
    assert "the program did not finish within 10 s (--program-timeout)" in result.stderr
    runner, grandchild = (int(pid) for pid in (tmp_path / "pids").read_text().split())
    assert not _alive(runner) and not _alive(grandchild)


def test_a_program_printing_bytes_that_are_not_utf8_is_previewed_not_a_crash() -> None:
    """Invalid UTF-8 and 128 KiB of output: shown (replacement characters), verdict as usual (exit 0)."""
    result = preview("-s", "test", "-C", str(FIXTURES / "noisy_program"), timeout=120)
    assert result.returncode == 0, result.stderr
    assert "latin-1 output: caf\ufffd" in result.stdout
    assert "program line 02047" in result.stdout
    assert "after-the-noise" in result.stdout


def test_an_unwritable_diagram_path_exits_2_before_the_program_runs(tmp_path: Path) -> None:
    """Checked first: no preview is run (and paid for) only to fail on the last step."""
    pids = tmp_path / "pids"
    diagram = tmp_path / "missing" / "map.md"
    result = preview(
        "-s",
        "test",
        "-C",
        str(FIXTURES / "sleepy"),
        "--diagram",
        str(diagram),
        env={"SLEEPY_PIDS": str(pids)},
    )
    assert result.returncode == 2
    assert f"--diagram {diagram}: the directory {tmp_path / 'missing'} does not exist" in result.stderr
    assert "Previewing" not in result.stdout
    # The program (which would write its pids and then hang) never started.
    assert not pids.exists()


def test_a_stack_without_a_policy_config_gets_one_message_naming_the_file(tmp_path: Path) -> None:
    """No `<pack>/config/<stack>.json`: one error naming the file to create, not one line per policy."""
    pack = _private_pack(tmp_path)
    (pack / "config" / "test.json").unlink()
    result = preview("-s", "test", "-C", BASIC, "--policy-pack", str(pack), timeout=120)
    assert result.returncode == 2
    assert f"policy pack {pack} has no config for stack 'test': create {pack / 'config' / 'test.json'}" in (
        result.stderr
    )
    assert result.stderr.count("is required") == 1


def test_a_misspelled_policy_name_in_the_config_is_refused_naming_the_pack_s_policies(tmp_path: Path) -> None:
    """`fixture-regoin` configures nothing: refused (exit 2), with the names the pack has."""
    config = tmp_path / "typo.json"
    config.write_text(
        json.dumps(
            {
                "fixture-region": {"allowedRegions": ["eu-west-1"]},
                "fixture-regoin": {"enforcementLevel": "advisory"},
            }
        )
    )
    result = preview(
        "-s", "test", "-C", BASIC, "--policy-pack", PACK, "--policy-pack-config", str(config), timeout=120
    )
    assert result.returncode == 2
    assert f"{config}: 'fixture-regoin' is not a policy of policy pack 'fixture-pack'" in result.stderr
    assert "fixture-region" in result.stderr.split("its policies are:")[1]


def test_a_policy_config_that_breaks_the_schema_exits_2_in_the_clis_words(tmp_path: Path) -> None:
    """pkg/engine/update.go: `validating policy config: <pack> <version>  <policy>: <error>`."""
    config = tmp_path / "empty.json"
    config.write_text(json.dumps({"fixture-region": {"allowedRegions": [], "enforcementLevel": "mandatory"}}))
    result = preview(
        "-s", "test", "-C", BASIC, "--policy-pack", PACK, "--policy-pack-config", str(config), timeout=120
    )
    assert result.returncode == 2
    assert (
        "validating policy config: fixture-pack 0.3.0  fixture-region: allowedRegions: "
        "Array must have at least 1 items" in result.stderr
    )


def test_the_same_pack_twice_runs_once_with_a_note() -> None:
    """`--policy-pack P --policy-pack P`: one run, the same verdict, a note saying so."""
    result = preview(
        "-s", "test", "-C", BASIC, "--policy-pack", PACK, "--policy-pack", PACK, "--json", timeout=120
    )
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    counts = [v for v in document["policyViolations"] if v["policyName"] == "fixture-count"]
    assert len(counts) == 1
    assert document["notes"] == [f"--policy-pack {Path(PACK).resolve()} was given twice: it runs once"]


def test_the_same_pack_twice_with_different_configs_is_refused(tmp_path: Path) -> None:
    """Which config was meant is not guessed."""
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"fixture-region": {"allowedRegions": ["eu-west-1"]}}))
    default = str(Path(PACK) / "config" / "test.json")
    result = preview(
        "-s",
        "test",
        "-C",
        BASIC,
        *("--policy-pack", PACK, "--policy-pack-config", default),
        *("--policy-pack", PACK, "--policy-pack-config", str(other)),
        timeout=60,
    )
    assert result.returncode == 2
    assert "is given twice with different configs" in result.stderr


def test_json_is_valid_on_failure_and_carries_the_error_the_output_and_the_diagnostics() -> None:
    """A failing program: stdout is still one JSON document, with the program's traceback in `error`."""
    result = preview("-s", "test", "-C", str(FIXTURES / "failing"), "--json", timeout=120)
    assert result.returncode == 2
    document = json.loads(result.stdout)
    assert "KeyError: 'customer-records'" in document["error"]
    assert document["resources"] == [] and document["policyViolations"] == []
    assert isinstance(document["programOutput"], str)


def test_unanswered_invoke_warnings_still_show_when_the_program_then_fails(tmp_path: Path) -> None:
    """The empty answer is often why the program failed: the warning is shown with the error."""
    project = tmp_path / "lookup"
    project.mkdir()
    (project / "Pulumi.yaml").write_text("name: lookup\nruntime: python\n")
    (project / "Pulumi.test.yaml").write_text("config:\n  aws:region: eu-west-1\n")
    (project / "__main__.py").write_text(
        "import pulumi_aws as aws\n"
        "vpc = aws.ec2.get_vpc(default=True)\n"
        "raise RuntimeError('the lookup found no VPC: ' + str(vpc.id))\n"
    )
    text = preview("-s", "test", "-C", str(project), timeout=120)
    assert text.returncode == 2
    assert "warning: no plausible offline answer for invoke aws:ec2/getVpc:getVpc" in text.stdout
    as_json = preview("-s", "test", "-C", str(project), "--json", timeout=120)
    document = json.loads(as_json.stdout)
    assert any("aws:ec2/getVpc:getVpc" in d["message"] for d in document["diagnostics"])


@pytest.mark.parametrize(
    ("stack_file", "expected"),
    [
        ("config:\n  aws:region: eu-west-1\n  aws:region: eu-west-2\n", "duplicate key 'aws:region'"),
        ("config:\n  - aws:region\n", "`config` must be a mapping of keys to values"),
    ],
)
def test_malformed_stack_files_are_clear_errors_naming_the_file(
    tmp_path: Path, stack_file: str, expected: str
) -> None:
    """A duplicate key (YAML would silently keep the last) and a `config:` that is a list."""
    project = tmp_path / "project"
    shutil.copytree(FIXTURES / "failing", project)
    (project / "Pulumi.test.yaml").write_text(stack_file)
    result = preview("-s", "test", "-C", str(project), timeout=60)
    assert result.returncode == 2
    assert str(project / "Pulumi.test.yaml") in result.stderr
    assert expected in result.stderr


def test_an_unknown_key_in_a_policys_config_is_refused_naming_the_policy_and_its_keys(tmp_path: Path) -> None:
    """`allowedRegion` (typo of `allowedRegions`) would leave the real key at its default: exit 2."""
    config = tmp_path / "typo.json"
    config.write_text(
        json.dumps({"fixture-region": {"allowedRegions": ["eu-west-1"], "allowedRegion": ["x"]}})
    )
    result = preview(
        "-s", "test", "-C", BASIC, "--policy-pack", PACK, "--policy-pack-config", str(config), timeout=120
    )
    assert result.returncode == 2
    assert (
        "validating policy config: fixture-pack 0.3.0  fixture-region: Additional property allowedRegion "
        "is not "
        "allowed (the policy's keys are: allowedRegions)" in result.stderr
    )
