"""mypy follows only the pulumi_aws and pulumi_kubernetes modules the code uses (pyproject.toml, for speed).

A module the code starts to use but mypy skips would read as Any and hide typing mistakes in the resources
declared with it, so this test fails until the module is added to the followed list.
"""

from __future__ import annotations

import importlib.util
import re
import tomllib
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parent.parent
SOURCES = ("__main__.py", "components", "residency", "offline_preview", "tests", "benchmarks", "policies")
PACKAGES = {"pulumi_aws": "aws", "pulumi_kubernetes": "k8s"}


def followed() -> set[str]:
    """The modules the overrides in pyproject.toml follow despite skipping the packages' others."""
    config = tomllib.loads((REPOSITORY / "pyproject.toml").read_text())
    return {
        module
        for override in config["tool"]["mypy"]["overrides"]
        if override.get("follow_imports") == "normal"
        for module in override["module"]
    }


def used_modules(package: str, alias: str) -> set[str]:
    """The package's submodules that the code reaches as `<alias>.<module>` where it imports it so."""
    spec = importlib.util.find_spec(package)
    assert spec is not None and spec.submodule_search_locations
    root = Path(next(iter(spec.submodule_search_locations)))
    used: set[str] = set()
    files = [REPOSITORY / s for s in SOURCES if (REPOSITORY / s).is_file()]
    files += [f for s in SOURCES if (REPOSITORY / s).is_dir() for f in (REPOSITORY / s).rglob("*.py")]
    for file in files:
        text = file.read_text()
        if f"import {package} as {alias}" not in text:
            continue
        for name in re.findall(rf"\b{alias}\.([a-z_][a-z0-9_]*)", text):
            module = name.removesuffix("_output")
            if (root / name).is_dir() or (root / f"{module}.py").is_file():
                used.add(f"{package}.{name if (root / name).is_dir() else module}")
    return used


@pytest.mark.parametrize(("package", "alias"), PACKAGES.items())
def test_every_module_the_code_uses_is_type_checked(package: str, alias: str) -> None:
    used = used_modules(package, alias)
    assert used, f"found no use of {package}: the scan is broken"
    assert sorted(used - followed()) == [], "add these to the followed modules in pyproject.toml"
