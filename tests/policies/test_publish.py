"""`pulumi policy publish` + install, simulated: the published pack installs from its own files and runs.

What the CLI does (pulumi/pulumi, read for this test):
- publish (`pkg/backend/httpstate/policypack.go`, `Publish`): for a Python pack, `archive.TGZ(<pack dir>,
  "package", useDefaultExcludes=true)` (`sdk/go/common/util/archive`): every regular file under the pack
  directory (symlinks followed), under `package/`, minus files matched by a `.gitignore` in the pack
  directory, its subdirectories or any directory above it, and minus `.git`;
- install (`installRequiredPolicy`): extract into a temporary directory beside
  `~/.pulumi/policies/<org>/<name>/<version>`, rename `package/` to that directory, load `PulumiPolicy.yaml`;
  a Python pack without a `virtualenv` option gets `virtualenv: venv` written into it; then the Python
  language host installs the dependencies (`sdk/python/toolchain/pip.go`, `InstallDependencies`):
  `python -m venv <dir>/<virtualenv>`, `pip install --upgrade pip setuptools wheel`, then
  `pip install -r requirements.txt` from the pack directory;
- run (`sdk/python/dist/pulumi-analyzer-policy-python`, started in the pack directory with `<engine> .` and
  `-virtualenv=<option>`): `$PWD/<virtualenv>/bin/python -u -m pulumi.policy <engine> .` with that
  virtualenv's `bin` first on PATH and PYTHONHOME unset; the pack prints its port and serves the Analyzer
  service.

The simulation does each step (the pip/setuptools/wheel upgrade aside: it changes the installer, not what the
pack's requirements install), with nothing from this repository on the pack's path.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import grpc
import pathspec
import pytest
import yaml
from google.protobuf import empty_pb2
from pulumi.runtime import proto
from pulumi.runtime.proto import analyzer_pb2_grpc

from tests.policies.policy_harness import POLICIES_DIR, RULES

# Publishing and installing the pack runs no rule on a stack: the deployed mode ran each test again, alike
# (among them a second pip install of the editable-install attack).
pytestmark = pytest.mark.mode_independent

REPOSITORY = POLICIES_DIR.parent
TAR_PREFIX = "package"
ORGANIZATION = "example-org"
PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[A-Za-z0-9.+!-]+)$")


class PublishError(Exception):
    """The pack cannot be published or installed as the CLI would; the message says what to fix."""


def _ignore_specs(pack_dir: Path) -> list[tuple[Path, pathspec.GitIgnoreSpec]]:
    """Every .gitignore the CLI applies to the pack: in it, below it, and in every directory above it."""
    files = [parent / ".gitignore" for parent in pack_dir.resolve().parents]
    files += sorted(pack_dir.resolve().rglob(".gitignore"))
    return [
        (file.parent, pathspec.GitIgnoreSpec.from_lines(file.read_text().splitlines()))
        for file in files
        if file.is_file()
    ]


def published_files(pack_dir: Path) -> list[Path]:
    """The files `pulumi policy publish` puts in the tarball, relative to the pack directory."""
    specs = _ignore_specs(pack_dir)
    root = pack_dir.resolve()
    chosen: list[Path] = []
    for directory, subdirectories, names in os.walk(root, followlinks=True):
        subdirectories[:] = sorted(d for d in subdirectories if d != ".git")
        for name in sorted(names):
            path = Path(directory) / name
            if not path.is_file():
                continue
            ignored = any(
                path.is_relative_to(base) and spec.match_file(str(path.relative_to(base)))
                for base, spec in specs
            )
            if not ignored:
                chosen.append(path.relative_to(root))
    return chosen


def publish_tarball(pack_dir: Path) -> bytes:
    """The .tgz the CLI uploads: the published files under `package/`."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for relative in published_files(pack_dir):
            archive.add(pack_dir / relative, arcname=f"{TAR_PREFIX}/{relative.as_posix()}", recursive=False)
    return buffer.getvalue()


def unpack(tarball: bytes, final_dir: Path) -> Path:
    """Extract as `installRequiredPolicy` does: into a temporary sibling, then move `package/` into place."""
    final_dir.parent.mkdir(parents=True, exist_ok=True)
    temporary = final_dir.parent / f"{final_dir.name}.tmp"
    temporary.mkdir()
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        archive.extractall(temporary, filter="data")
    (temporary / TAR_PREFIX).rename(final_dir)
    shutil.rmtree(temporary)
    return final_dir


def installed_virtualenv(pack_dir: Path) -> Path:
    """The virtualenv the CLI installs an unpacked Python pack into, with its defaulting of `venv`.

    Refuses a virtualenv outside the unpacked directory: `../.venv` would land beside the pack's versions in
    the CLI's policy directory, shared by every installed version, and would not be what the pack declares.
    """
    manifest_path = pack_dir / "PulumiPolicy.yaml"
    manifest = yaml.safe_load(manifest_path.read_text()) or {}
    runtime = manifest.get("runtime")
    if isinstance(runtime, str):
        runtime = {"name": runtime}
    if not isinstance(runtime, dict) or runtime.get("name") != "python":
        raise PublishError(f"{manifest_path}: runtime must be python, found {runtime!r}")
    options = runtime.setdefault("options", {})
    if "virtualenv" not in options:
        options["virtualenv"] = "venv"
        manifest["runtime"] = runtime
        manifest_path.write_text(yaml.safe_dump(manifest))
    virtualenv = (pack_dir / str(options["virtualenv"])).resolve()
    if not virtualenv.is_relative_to(pack_dir.resolve()):
        raise PublishError(
            f"{manifest_path}: virtualenv {options['virtualenv']!r} resolves to {virtualenv}, outside the "
            "unpacked pack: a published pack must name a virtualenv inside its own directory (e.g. .venv)"
        )
    return virtualenv


def _activated(virtualenv: Path) -> dict[str, str]:
    """The environment the language host runs pip and the pack in: the virtualenv first, no leaked paths."""
    environment = {
        k: v for k, v in os.environ.items() if k not in ("PYTHONHOME", "PYTHONPATH", "VIRTUAL_ENV")
    }
    environment["VIRTUAL_ENV"] = str(virtualenv)
    environment["PATH"] = f"{virtualenv / 'bin'}{os.pathsep}{environment.get('PATH', '')}"
    return environment


def install_dependencies(pack_dir: Path, virtualenv: Path) -> subprocess.CompletedProcess[str]:
    """`python -m venv`, then `pip install -r requirements.txt` in the pack directory, as the CLI does."""
    subprocess.run([sys.executable, "-m", "venv", str(virtualenv)], check=True, capture_output=True)
    return subprocess.run(
        [
            str(virtualenv / "bin" / "python"),
            "-m",
            "pip",
            "install",
            "--disable-pip-version-check",
            "-q",
            "-r",
            "requirements.txt",
        ],
        cwd=pack_dir,
        env=_activated(virtualenv),
        capture_output=True,
        text=True,
    )


@dataclass
class InstalledPack:
    """A published pack unpacked and installed as the CLI installs it."""

    directory: Path
    virtualenv: Path


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> InstalledPack:
    version = yaml.safe_load((POLICIES_DIR / "PulumiPolicy.yaml").read_text())["version"]
    policies_home = tmp_path_factory.mktemp("pulumi-home") / "policies" / ORGANIZATION / "residency"
    directory = unpack(publish_tarball(POLICIES_DIR), policies_home / str(version))
    virtualenv = installed_virtualenv(directory)
    result = install_dependencies(directory, virtualenv)
    if result.returncode != 0:
        pytest.fail(f"pip could not install the published pack's requirements.txt:\n{result.stderr[-3000:]}")
    return InstalledPack(directory, virtualenv)


@pytest.fixture(scope="module")
def served(installed: InstalledPack) -> Iterator[analyzer_pb2_grpc.AnalyzerStub]:
    """The installed pack started as pulumi-analyzer-policy-python starts it, reached over gRPC."""
    process = subprocess.Popen(
        [str(installed.virtualenv / "bin" / "python"), "-u", "-m", "pulumi.policy", "127.0.0.1:0", "."],
        cwd=installed.directory,
        env=_activated(installed.virtualenv),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert process.stdout is not None and process.stderr is not None
        first_line = process.stdout.readline().decode().strip()
        if not first_line.isdigit():
            process.kill()
            pytest.fail(
                f"the installed pack did not print its port: {first_line!r}\n{process.stderr.read()!r}"
            )
        channel = grpc.insecure_channel(f"127.0.0.1:{int(first_line)}")
        yield analyzer_pb2_grpc.AnalyzerStub(channel)
        channel.close()
    finally:
        process.terminate()
        process.communicate(timeout=30)


def test_the_installed_pack_reports_every_rule_over_grpc(served: analyzer_pb2_grpc.AnalyzerStub) -> None:
    """Started from its own virtualenv in the unpacked directory, the pack serves each of its policies."""
    info = served.GetAnalyzerInfo(empty_pb2.Empty(), timeout=30)
    assert info.name == "residency"
    assert sorted(policy.name for policy in info.policies) == sorted(RULES)
    assert info.supportsConfig
    assert all(policy.enforcementLevel == proto.MANDATORY for policy in info.policies)


def test_the_installed_pack_imports_its_facts_from_its_own_directory(installed: InstalledPack) -> None:
    """residency_facts and residency_policies come from the unpacked files, not from an installed project."""
    result = subprocess.run(
        [
            str(installed.virtualenv / "bin" / "python"),
            "-c",
            "import residency_facts, residency_policies; print(residency_facts.__file__); "
            "print(residency_policies.__file__)",
        ],
        cwd=installed.directory,
        env=_activated(installed.virtualenv),
        capture_output=True,
        text=True,
        check=True,
    )
    for line in result.stdout.split():
        assert Path(line).resolve().is_relative_to(installed.directory.resolve()), line
    frozen = subprocess.run(
        [str(installed.virtualenv / "bin" / "python"), "-m", "pip", "freeze"],
        env=_activated(installed.virtualenv),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "residency" not in frozen.lower(), frozen


def test_the_tarball_holds_the_pack_and_leaves_out_local_virtualenvs_and_caches() -> None:
    """What the CLI uploads: manifest, entry point, requirements, rules, facts and config; never .venv."""
    files = {path.as_posix() for path in published_files(POLICIES_DIR)}
    for required in (
        "PulumiPolicy.yaml",
        "__main__.py",
        "requirements.txt",
        "residency_facts/__init__.py",
        "residency_policies/registry.py",
        "config/eu.json",
    ):
        assert required in files, f"{required} would be missing from the published pack"
    assert not [f for f in files if f.startswith((".venv/", "venv/")) or "__pycache__" in f], files


def test_requirements_pin_only_real_distributions_as_the_repository_lock_does() -> None:
    """No `-e`, path, URL or option: `name==version` lines, each the version ../requirements.txt pins."""
    lock = {}
    for line in (REPOSITORY / "requirements.txt").read_text().splitlines():
        match = PIN.match(line.strip())
        if match:
            lock[_normalised(match["name"])] = match["version"]
    pins = [
        line.strip()
        for line in (POLICIES_DIR / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    assert pins
    for pin in pins:
        match = PIN.match(pin)
        assert match, (
            f"policies/requirements.txt: {pin!r} is not `name==version` (a published pack has no ..)"
        )
        name = _normalised(match["name"])
        assert lock.get(name) == match["version"], f"{pin} differs from requirements.txt ({lock.get(name)})"
    assert {"pulumi", "pulumi-policy"} <= {_normalised(PIN.match(pin)["name"]) for pin in pins}  # type: ignore[index]


def _normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_an_editable_install_of_the_project_fails_in_the_published_form(tmp_path: Path) -> None:
    """The attack the issue found: `-e ..` in requirements.txt cannot install once the pack is unpacked."""
    directory = unpack(
        publish_tarball(POLICIES_DIR), tmp_path / "policies" / ORGANIZATION / "residency" / "0"
    )
    requirements = directory / "requirements.txt"
    requirements.write_text(requirements.read_text() + "-e ..\n")
    result = install_dependencies(directory, installed_virtualenv(directory))
    assert result.returncode != 0
    assert "does not appear to be a Python project" in result.stderr, result.stderr


def test_a_virtualenv_outside_the_pack_is_refused_for_the_published_form(tmp_path: Path) -> None:
    """`virtualenv: ../.venv` names a directory that is not part of an unpacked published pack."""
    directory = unpack(
        publish_tarball(POLICIES_DIR), tmp_path / "policies" / ORGANIZATION / "residency" / "0"
    )
    manifest = directory / "PulumiPolicy.yaml"
    manifest.write_text(manifest.read_text().replace("virtualenv: .venv", "virtualenv: ../.venv"))
    with pytest.raises(PublishError, match="outside the unpacked pack"):
        installed_virtualenv(directory)


def test_a_pack_without_a_virtualenv_gets_venv_as_the_cli_writes_it(tmp_path: Path) -> None:
    """The CLI's default for a Python pack that names no virtualenv: `venv`, saved into the manifest."""
    directory = unpack(
        publish_tarball(POLICIES_DIR), tmp_path / "policies" / ORGANIZATION / "residency" / "0"
    )
    manifest = directory / "PulumiPolicy.yaml"
    manifest.write_text(manifest.read_text().replace("    virtualenv: .venv\n", ""))
    assert installed_virtualenv(directory) == (directory / "venv").resolve()
    assert yaml.safe_load(manifest.read_text())["runtime"]["options"]["virtualenv"] == "venv"
