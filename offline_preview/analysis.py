"""Drives a policy pack through Pulumi's Analyzer gRPC service, as `pulumi preview --policy-pack` does.

The pack runs as its own process exactly as the Python language host starts it (see `launch`) and prints its
port on the first line of its output. The driver then makes the
engine's calls: ConfigureStack, GetAnalyzerInfo, GetPluginInfo, Configure with the reconciled policy config
(schema defaults, then the pack's initial config, then the config file, validated against each policy's
schema), Remediate and Analyze for every registration in registration order, and AnalyzeStack once.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc
import jsonschema
import yaml
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime import rpc
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from offline_preview.launch import LaunchedPack, PolicyPackError
from offline_preview.project import StackSettings

ENFORCEMENT_LEVELS = ("advisory", "mandatory", "remediate", "disabled")
_LEVEL_TO_WIRE = {
    "advisory": analyzer_pb2.ADVISORY,
    "mandatory": analyzer_pb2.MANDATORY,
    "remediate": analyzer_pb2.REMEDIATE,
    "disabled": analyzer_pb2.DISABLED,
}
_WIRE_TO_LEVEL = {value: key for key, value in _LEVEL_TO_WIRE.items()}

RESOURCE_SIGNATURE = rpc._special_resource_sig
SIGNATURE_KEY = rpc._special_sig_key

_MAX_MESSAGE = 400 * 1024 * 1024
_CHANNEL_OPTIONS = [
    ("grpc.max_receive_message_length", _MAX_MESSAGE),
    ("grpc.max_send_message_length", _MAX_MESSAGE),
]


@dataclass(frozen=True)
class PolicyViolation:
    """One diagnostic a policy reported, as the CLI shows it."""

    policy_pack: str
    policy_pack_version: str
    policy_name: str
    enforcement_level: str
    urn: str
    message: str

    def to_json(self) -> dict[str, str]:
        """The issue's JSON shape for a violation."""
        return {
            "policyPack": self.policy_pack,
            "policyName": self.policy_name,
            "enforcementLevel": self.enforcement_level,
            "urn": self.urn,
            "message": self.message,
        }


@dataclass
class PackResult:
    """Everything one pack said about the stack."""

    name: str
    version: str
    path: Path
    violations: list[PolicyViolation] = field(default_factory=list)
    not_applicable: int = 0
    analyzed: int = 0
    cold_start_seconds: float = 0.0
    analyze_seconds: float = 0.0


# Policy config ---------------------------------------------------------------------------------------------


@dataclass
class PolicyConfig:
    """The engine's per-policy config: an enforcement level (may be empty) and properties."""

    enforcement_level: str = ""
    properties: dict[str, Any] | None = None


def _extract_enforcement_level(name: str, properties: dict[str, Any]) -> str:
    """Pop `enforcementLevel` from a policy's config object and check it, as the CLI does."""
    if "enforcementLevel" not in properties:
        return ""
    level = properties.pop("enforcementLevel")
    if not isinstance(level, str):
        raise PolicyPackError(
            f"parsing enforcement level for {name!r}: {level!r} is not a valid enforcement level"
        )
    if level not in ENFORCEMENT_LEVELS:
        raise PolicyPackError(
            f"parsing enforcement level for {name!r}: {level!r} is not a valid enforcement level"
        )
    return level


def parse_policy_config_file(path: Path) -> dict[str, PolicyConfig]:
    """Read a `--policy-pack-config` JSON file into per-policy config, with the CLI's rules and messages."""
    try:
        text = path.read_text()
    except OSError as error:
        raise PolicyPackError(f"reading policy config {path}: {error}") from error
    if not text.strip():
        return {}
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise PolicyPackError(f"policy config {path} is not valid JSON: {error}") from error
    if not isinstance(document, dict):
        raise PolicyPackError(f"policy config {path} must be a JSON object")
    document.pop("environments", None)
    result: dict[str, PolicyConfig] = {}
    for name, value in document.items():
        if isinstance(value, str):
            if value not in ENFORCEMENT_LEVELS:
                raise PolicyPackError(
                    f"parsing enforcement level for {name!r}: {value!r} is not a valid enforcement level"
                )
            config = PolicyConfig(value, None)
        elif isinstance(value, dict):
            properties = dict(value)
            level = _extract_enforcement_level(name, properties)
            config = PolicyConfig(level, properties or None)
        else:
            raise PolicyPackError(
                f"parsing {name!r}: {value!r} is not a valid value; must be a string or object"
            )
        if config.enforcement_level or config.properties:
            result[name] = config
    return result


def _apply_config(result: dict[str, PolicyConfig], given: dict[str, PolicyConfig]) -> None:
    """The CLI's applyConfig: `all` sets every level, then each policy's level and properties merge in."""
    every = given.get("all")
    if every is not None and every.enforcement_level in ENFORCEMENT_LEVELS:
        for config in result.values():
            config.enforcement_level = every.enforcement_level
    for name, config in given.items():
        current = result.get(name, PolicyConfig())
        level = (
            config.enforcement_level
            if config.enforcement_level in ENFORCEMENT_LEVELS
            else current.enforcement_level
        )
        properties = current.properties
        if config.properties and properties is None:
            properties = {}
        if config.properties:
            assert properties is not None
            properties.update(config.properties)
        result[name] = PolicyConfig(level, properties)


def reconcile_policy_config(
    info: analyzer_pb2.AnalyzerInfo, file_config: dict[str, PolicyConfig]
) -> dict[str, PolicyConfig]:
    """Schema defaults, then the pack's initial config, then the file; validated against each schema."""
    result: dict[str, PolicyConfig] = {}
    schemas: dict[str, dict[str, Any]] = {}
    for policy in info.policies:
        properties = json_format.MessageToDict(policy.configSchema.properties) if info.supportsConfig else {}
        schema_properties = dict(properties)
        schema_properties["enforcementLevel"] = {"type": "string", "enum": list(ENFORCEMENT_LEVELS)}
        schema: dict[str, Any] = {"type": "object", "properties": schema_properties}
        if policy.configSchema.required:
            schema["required"] = list(policy.configSchema.required)
        schemas[policy.name] = schema
        defaults = {
            key: value["default"]
            for key, value in properties.items()
            if isinstance(value, dict) and "default" in value
        }
        result[policy.name] = PolicyConfig(_WIRE_TO_LEVEL[policy.enforcementLevel], defaults or None)

    initial: dict[str, PolicyConfig] = {}
    for name, config in info.initialConfig.items():
        properties = json_format.MessageToDict(config.properties) if config.HasField("properties") else {}
        initial[name] = PolicyConfig(_WIRE_TO_LEVEL[config.enforcementLevel], properties or None)
    _apply_config(result, initial)
    _apply_config(result, file_config)

    errors: list[str] = []
    for name in sorted(schemas):
        properties = (result.get(name) or PolicyConfig()).properties or {}
        validator = jsonschema.Draft7Validator(schemas[name])
        for error in sorted(validator.iter_errors(properties), key=lambda e: list(e.absolute_path)):
            where = ".".join(str(part) for part in error.absolute_path)
            errors.append(f"{name}: {where + ': ' if where else ''}{error.message}")
    if errors:
        raise PolicyPackError(f"validating policy config for {info.name!r}: " + "; ".join(sorted(errors)))
    return result


# Properties as the engine marshals them for analyzers -------------------------------------------------------


def _downgrade_references(value: Any) -> Any:
    """Resource references become the referenced id (custom) or URN (component), as without KeepResources."""
    if isinstance(value, dict):
        if value.get(SIGNATURE_KEY) == RESOURCE_SIGNATURE:
            return value["id"] if "id" in value else value.get("urn", "")
        return {key: _downgrade_references(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [_downgrade_references(inner) for inner in value]
    return value


def analyzer_properties(wire: dict[str, Any]) -> struct_pb2.Struct:
    """Properties as `MarshalProperties(KeepUnknowns, KeepSecrets, SkipInternalKeys)` gives them."""
    struct = struct_pb2.Struct()
    struct.update(
        {key: _downgrade_references(value) for key, value in wire.items() if not key.startswith("__")}
    )
    return struct


def _options(registration: dict[str, Any]) -> analyzer_pb2.AnalyzerResourceOptions:
    """The engine's AnalyzerResourceOptions for a registration (a first preview has no alias matches)."""
    timeouts = registration.get("custom_timeouts") or {}
    delete_before_replace = registration.get("delete_before_replace")
    return analyzer_pb2.AnalyzerResourceOptions(
        protect=bool(registration.get("protect")),
        ignoreChanges=list(registration.get("ignore_changes") or []),
        deleteBeforeReplace=bool(delete_before_replace),
        deleteBeforeReplaceDefined=delete_before_replace is not None,
        additionalSecretOutputs=list(registration.get("additional_secret_outputs") or []),
        aliases=[],
        customTimeouts=analyzer_pb2.AnalyzerResourceOptions.CustomTimeouts(
            create=timeouts.get("create", 0.0),
            update=timeouts.get("update", 0.0),
            delete=timeouts.get("delete", 0.0),
            read=timeouts.get("read", 0.0),
        ),
        parent=registration.get("parent") or "",
    )


def provider_urn(reference: str) -> str:
    """The URN part of a provider reference `urn::id`."""
    return reference.rsplit("::", 1)[0] if reference else ""


def _provider(
    registration: dict[str, Any], by_urn: dict[str, dict[str, Any]]
) -> analyzer_pb2.AnalyzerProviderResource | None:
    """The resource's provider, with its (checked) inputs, as the engine attaches it."""
    provider = by_urn.get(provider_urn(registration.get("provider") or ""))
    if provider is None:
        return None
    return analyzer_pb2.AnalyzerProviderResource(
        type=provider["type"],
        properties=analyzer_properties(provider["inputs"]),
        urn=provider["urn"],
        name=provider["name"],
    )


def analyze_request(
    registration: dict[str, Any], by_urn: dict[str, dict[str, Any]]
) -> analyzer_pb2.AnalyzeRequest:
    """The AnalyzeRequest the engine sends for one registration: its inputs, options and provider."""
    return analyzer_pb2.AnalyzeRequest(
        type=registration["type"],
        properties=analyzer_properties(registration["inputs"]),
        urn=registration["urn"],
        name=registration["name"],
        options=_options(registration),
        provider=_provider(registration, by_urn),
    )


def analyze_stack_request(registrations: Iterable[dict[str, Any]]) -> analyzer_pb2.AnalyzeStackRequest:
    """The AnalyzeStackRequest: every resource's outputs, parent, dependencies and non-empty property deps."""
    registrations = list(registrations)
    by_urn = {registration["urn"]: registration for registration in registrations}
    resources = []
    for registration in registrations:
        resources.append(
            analyzer_pb2.AnalyzerResource(
                type=registration["type"],
                properties=analyzer_properties(registration.get("outputs") or {}),
                urn=registration["urn"],
                name=registration["name"],
                options=_options(registration),
                provider=_provider(registration, by_urn),
                parent=registration.get("parent") or "",
                dependencies=list(registration.get("dependencies") or []),
                propertyDependencies={
                    key: analyzer_pb2.AnalyzerPropertyDependencies(urns=list(urns))
                    for key, urns in (registration.get("property_dependencies") or {}).items()
                    if urns
                },
            )
        )
    return analyzer_pb2.AnalyzeStackRequest(resources=resources)


# The pack process ------------------------------------------------------------------------------------------


class PolicyPackProcess:
    """A started policy pack and a client for its Analyzer service."""

    def __init__(self, launched: LaunchedPack, startup_timeout: float = 60.0) -> None:
        self.launched = launched
        self.pack_dir = launched.pack_dir
        self.process = launched.process
        self.port = launched.port(startup_timeout)
        self.cold_start_seconds = launched.cold_start_seconds
        self.channel = grpc.insecure_channel(f"127.0.0.1:{self.port}", options=_CHANNEL_OPTIONS)
        self.stub = analyzer_pb2_grpc.AnalyzerStub(self.channel)

    @classmethod
    def start(cls, pack_dir: Path, settings: StackSettings) -> PolicyPackProcess:
        """Launch the pack and connect to it."""
        return cls(LaunchedPack(pack_dir, settings))

    def stop(self) -> str:
        """Close the channel, stop the pack process and return whatever it wrote to stderr."""
        self.channel.close()
        return self.launched.stop()

    def call(self, method: str, request: Any) -> Any:
        """Make one Analyzer RPC; a failure carries the pack's own error (its stderr) when it died."""
        try:
            return getattr(self.stub, method)(request)
        except grpc.RpcError as error:
            details = error.details() if hasattr(error, "details") else str(error)
            stderr = self.launched.stop() if self.process.poll() is not None else ""
            message = f"policy pack {self.pack_dir}: {method} failed: {details}\n{stderr}".strip()
            raise PolicyPackError(message) from error


def _violations(
    response: Any, urn: str, known: set[str], root: str, info: analyzer_pb2.AnalyzerInfo, version: str
) -> list[PolicyViolation]:
    """The diagnostics of one response, attributed as the engine attributes them."""
    violations = []
    for diagnostic in response.diagnostics:
        level = _WIRE_TO_LEVEL.get(diagnostic.enforcementLevel, "advisory")
        if level == "remediate":
            level = "mandatory"
        target = urn if urn else (diagnostic.urn if diagnostic.urn in known else root)
        violations.append(
            PolicyViolation(
                policy_pack=diagnostic.policyPackName or info.name,
                policy_pack_version=version or diagnostic.policyPackVersion,
                policy_name=diagnostic.policyName,
                enforcement_level=level,
                urn=target,
                message=diagnostic.message,
            )
        )
    return violations


def pack_version(pack_dir: Path, info: analyzer_pb2.AnalyzerInfo) -> str:
    """The version from PulumiPolicy.yaml, which the CLI prefers over the pack's own."""
    manifest = yaml.safe_load((pack_dir / "PulumiPolicy.yaml").read_text()) or {}
    return str(manifest.get("version") or info.version)


def configure_pack(
    pack: PolicyPackProcess, settings: StackSettings, config_path: Path | None
) -> tuple[analyzer_pb2.AnalyzerInfo, dict[str, PolicyConfig]]:
    """ConfigureStack, GetAnalyzerInfo, GetPluginInfo and Configure, in the CLI's order."""
    pack.call(
        "ConfigureStack",
        analyzer_pb2.AnalyzerStackConfigureRequest(
            stack=settings.stack,
            project=settings.project,
            organization=settings.organization,
            dry_run=True,
            config=settings.config,
            config_secret_keys=settings.secret_keys,
            tags={"pulumi:project": settings.project, "pulumi:runtime": settings.runtime.name},
        ),
    )
    info = pack.call("GetAnalyzerInfo", empty_pb2.Empty())
    pack.call("GetPluginInfo", empty_pb2.Empty())
    file_config = parse_policy_config_file(config_path) if config_path is not None else {}
    if not info.supportsConfig:
        if config_path is not None:
            raise PolicyPackError(f"policy pack {info.name!r} at {pack.pack_dir} does not support config")
        return info, {}
    config = reconcile_policy_config(info, file_config)
    policy_config = {}
    for name, value in config.items():
        if value.enforcement_level not in ENFORCEMENT_LEVELS:
            raise PolicyPackError(
                f"configuring policy pack {info.name!r}: "
                f"invalid enforcement level {value.enforcement_level!r} for {name!r}"
            )
        properties = struct_pb2.Struct()
        properties.update(value.properties or {})
        policy_config[name] = analyzer_pb2.PolicyConfig(
            enforcementLevel=_LEVEL_TO_WIRE[value.enforcement_level], properties=properties
        )
    if policy_config:
        pack.call("Configure", analyzer_pb2.ConfigureAnalyzerRequest(policyConfig=policy_config))
    return info, config


def _remediate(
    pack: PolicyPackProcess, registration: dict[str, Any], by_urn: dict[str, dict[str, Any]]
) -> tuple[dict[str, Any], list[Any]]:
    """The engine's first pass: each remediation rewrites the inputs; one that only explains is advisory."""
    inputs = registration["inputs"]
    struct = struct_pb2.Struct()
    struct.update({key: _downgrade_references(value) for key, value in inputs.items()})
    request = analyzer_pb2.AnalyzeRequest(
        type=registration["type"],
        properties=struct,
        urn=registration["urn"],
        name=registration["name"],
        options=_options(registration),
        provider=_provider(registration, by_urn),
    )
    response = pack.call("Remediate", request)
    advisories = []
    for remediation in response.remediations:
        if remediation.diagnostic:
            advisories.append(remediation)
        else:
            inputs = json_format.MessageToDict(remediation.properties)
    return inputs, advisories


def run_pack(
    pack: PolicyPackProcess,
    settings: StackSettings,
    config_path: Path | None,
    registrations: list[dict[str, Any]],
    workers: int = 4,
) -> PackResult:
    """Configure the pack, analyze every registration, then the whole stack; return what it reported."""
    info, config = configure_pack(pack, settings, config_path)
    version = pack_version(pack.pack_dir, info)
    result = PackResult(info.name, version, pack.pack_dir, cold_start_seconds=pack.cold_start_seconds)
    by_urn = {registration["urn"]: registration for registration in registrations}
    known = set(by_urn)
    root = next((r["urn"] for r in registrations if r["type"] == "pulumi:pulumi:Stack"), "")
    analyzed = [registration for registration in registrations if not registration.get("read")]
    started = time.perf_counter()
    # A pulumi-policy pack answers Remediate with nothing unless a policy is at the remediate level, so the
    # engine's remediation pass is only made when one is.
    if any(value.enforcement_level == "remediate" for value in config.values()):
        remediated = []
        for registration in analyzed:
            inputs, advisories = _remediate(pack, registration, by_urn)
            remediated.append({**registration, "inputs": inputs})
            for remediation in advisories:
                result.violations.append(
                    PolicyViolation(
                        remediation.policyPackName or info.name,
                        version,
                        remediation.policyName,
                        "advisory",
                        registration["urn"],
                        remediation.diagnostic,
                    )
                )
        analyzed = remediated
        by_urn.update({registration["urn"]: registration for registration in analyzed})
    requests = [analyze_request(registration, by_urn) for registration in analyzed]
    # The engine analyzes each registration as it arrives; requests are independent, so a few run at once.
    with ThreadPoolExecutor(max_workers=workers) as pool:
        responses = list(pool.map(lambda request: pack.call("Analyze", request), requests))
    for registration, response in zip(analyzed, responses, strict=True):
        result.violations.extend(_violations(response, registration["urn"], known, root, info, version))
        result.not_applicable += len(response.not_applicable)
    stack_response = pack.call("AnalyzeStack", analyze_stack_request(registrations))
    result.violations.extend(_violations(stack_response, "", known, root, info, version))
    result.analyze_seconds = time.perf_counter() - started
    result.analyzed = len(requests)
    return result


__all__ = [
    "PackResult",
    "PolicyPackError",
    "PolicyPackProcess",
    "PolicyViolation",
    "analyze_request",
    "analyze_stack_request",
    "reconcile_policy_config",
    "run_pack",
]
