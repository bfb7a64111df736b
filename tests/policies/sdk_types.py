"""The resource type tokens the installed pulumi-aws and pulumi-kubernetes define, read from their sources.

Tests may import the SDKs; the pack may not. Two sources, so that neither can hide a type: the SDK's own
metadata (the `resource_modules` JSON each package's `__init__.py` registers, one entry per resource class)
and the type tokens its classes pass to `super().__init__` (components such as Helm v3 `Chart` and the
`yaml` v1 groups register only there).
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pulumi_aws
import pulumi_kubernetes

PACKAGES = {"aws": Path(pulumi_aws.__file__).parent, "kubernetes": Path(pulumi_kubernetes.__file__).parent}

_METADATA = re.compile(r'resource_modules="""(.*?)"""', re.S)
_CONSTRUCTOR = re.compile(r"super\(\w+, \w+\)\.__init__\(\s*['\"]((?:aws|kubernetes):[^'\"{}]+)['\"]")


@cache
def metadata_types(package: str) -> frozenset[str]:
    """The type tokens in a package's registered resource modules."""
    text = (PACKAGES[package] / "__init__.py").read_text()
    match = _METADATA.search(text)
    assert match, f"no resource_modules metadata in {PACKAGES[package]}"
    modules = json.loads(match.group(1))
    return frozenset(token for module in modules for token in module["classes"])


@cache
def constructor_types(package: str) -> frozenset[str]:
    """The type tokens a package's classes register themselves with."""
    found: set[str] = set()
    for path in PACKAGES[package].rglob("*.py"):
        found.update(_CONSTRUCTOR.findall(path.read_text()))
    return frozenset(found)


@cache
def sdk_types(package: str) -> frozenset[str]:
    """Every resource type token a package defines."""
    return metadata_types(package) | constructor_types(package)
