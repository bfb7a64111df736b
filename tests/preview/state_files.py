"""State files in the format `pulumi stack export` writes (version 3), built from a program's own run.

The program runs under the mock runtime as a deployment (not a preview), so every computed output gets the
plausible value a deployment would have produced; each registration then becomes a state resource with its
id, inputs, outputs, parent, provider, dependencies and options. Secrets are written as the service's
ciphertext (which no offline tool can decrypt) or, as `pulumi stack export --show-secrets` writes them, as
plaintext.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

from offline_preview.program import run_program
from offline_preview.project import load_stack

SIGNATURE_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIGNATURE = "1b47061264138c4ac30d75fd1eb44270"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


def _provider_id(urn: str) -> str:
    """A stable, UUID-shaped provider id, as the engine gives a provider it created."""
    digest = hashlib.sha256(urn.encode()).hexdigest()
    return f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"


def _encode(value: Any, plaintext: bool) -> Any:
    """Wire values as the state stores them: secrets encrypted (or plaintext), everything else as is."""
    if isinstance(value, dict):
        if value.get(SIGNATURE_KEY) == SECRET_SIGNATURE:
            inner = json.dumps(_encode(value.get("value"), plaintext))
            if plaintext:
                return {SIGNATURE_KEY: SECRET_SIGNATURE, "plaintext": inner}
            return {
                SIGNATURE_KEY: SECRET_SIGNATURE,
                "ciphertext": base64.b64encode(b"v1:" + inner.encode()).decode(),
            }
        return {key: _encode(inner, plaintext) for key, inner in value.items()}
    if isinstance(value, list):
        return [_encode(inner, plaintext) for inner in value]
    return value


def _reference(reference: str) -> str:
    """A provider reference with the id the provider has in the state."""
    if not reference:
        return ""
    urn, _, provider_id = reference.rpartition("::")
    return f"{urn}::{_provider_id(urn) if provider_id in ('', UNKNOWN) else provider_id}"


def export(project_dir: Path, stack: str, plaintext: bool = False) -> dict[str, Any]:
    """The `pulumi stack export` document of the stack, as if it had just been deployed."""
    run = run_program(load_stack(project_dir, stack), dry_run=False)
    resources = []
    for registration in run.registrations:
        if registration.get("read"):
            continue
        urn = registration["urn"]
        is_provider = registration["type"].startswith("pulumi:providers:")
        resource: dict[str, Any] = {
            "urn": urn,
            "custom": registration["custom"],
            "type": registration["type"],
            "inputs": _encode(registration["inputs"], plaintext),
            "outputs": _encode(registration["outputs"], plaintext),
            "created": "2026-11-30T10:00:00.000000Z",
            "modified": "2026-11-30T10:00:00.000000Z",
        }
        if registration["custom"]:
            known = registration.get("id") and registration["id"] != UNKNOWN
            if known:
                resource["id"] = registration["id"]
            elif is_provider:
                resource["id"] = _provider_id(urn)
            else:
                resource["id"] = f"{registration['name']}-{hashlib.sha256(urn.encode()).hexdigest()[:7]}"
        for key, name in (("parent", "parent"), ("provider", "provider")):
            if registration.get(key):
                resource[name] = _reference(registration[key]) if key == "provider" else registration[key]
        if registration.get("protect"):
            resource["protect"] = True
        if registration.get("dependencies"):
            resource["dependencies"] = registration["dependencies"]
        if registration.get("property_dependencies"):
            resource["propertyDependencies"] = registration["property_dependencies"]
        for key, name in (
            ("ignore_changes", "ignoreChanges"),
            ("replace_on_changes", "replaceOnChanges"),
            ("additional_secret_outputs", "additionalSecretOutputs"),
        ):
            if registration.get(key):
                resource[name] = registration[key]
        resources.append(resource)
    return {
        "version": 3,
        "deployment": {
            "manifest": {"time": "2026-11-30T10:00:00.000000Z", "magic": "", "version": "v3.272.0"},
            "secrets_providers": {
                "type": "service",
                "state": {"url": "https://api.pulumi.com", "stack": stack},
            },
            "resources": resources,
        },
    }


def write_export(path: Path, document: dict[str, Any]) -> Path:
    """Write an export document as the CLI does (indented JSON)."""
    path.write_text(json.dumps(document, indent=4) + "\n")
    return path
