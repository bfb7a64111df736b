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
import yaml
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime import rpc
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from offline_preview.launch import LaunchedPack, PolicyPackError
from offline_preview.policy_schema import validation_errors
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
    remediations: list[Remediation] = field(default_factory=list)
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
    info: analyzer_pb2.AnalyzerInfo, file_config: dict[str, PolicyConfig], source: str = "the policy config"
) -> dict[str, PolicyConfig]:
    """Schema defaults, then the pack's initial config, then the file; validated against each schema.

    As `ReconcilePolicyPackConfig` and `validatePolicyPackConfig` in pkg/resource/analyzer/config.go, with
    the errors worded as pkg/engine/update.go reports them (`validating policy config: <pack> <version>
    <policy>: <error>`, one line each, sorted). A config entry that names no policy of the pack is refused:
    the CLI refuses one without an enforcement level (`invalid enforcement level ""` from the analyzer's
    Configure) and would silently ignore one with a level, which hides a typo; here both are refused.
    """
    result: dict[str, PolicyConfig] = {}
    schemas: dict[str, dict[str, Any]] = {}
    for policy in info.policies:
        properties = json_format.MessageToDict(policy.configSchema.properties) if info.supportsConfig else {}
        if policy.HasField("configSchema"):
            schema: dict[str, Any] = {"type": "object"}
            if properties:
                schema["properties"] = properties
            if policy.configSchema.required:
                schema["required"] = list(policy.configSchema.required)
            schemas[policy.name] = schema
        defaults = {
            key: value["default"]
            for key, value in properties.items()
            if isinstance(value, dict) and "default" in value
        }
        result[policy.name] = PolicyConfig(_WIRE_TO_LEVEL[policy.enforcementLevel], defaults or None)

    unknown = sorted(name for name in file_config if name != "all" and name not in result)
    if unknown:
        raise PolicyPackError(
            f"{source}: "
            + ", ".join(repr(name) for name in unknown)
            + (" is not a policy" if len(unknown) == 1 else " are not policies")
            + f" of policy pack {info.name!r}; "
            + "its policies are: "
            + ", ".join(sorted(result))
            + " (or `all`). Fix the spelling: a misspelled entry would leave its policy unconfigured."
        )

    initial: dict[str, PolicyConfig] = {}
    for name, config in info.initialConfig.items():
        properties = json_format.MessageToDict(config.properties) if config.HasField("properties") else {}
        initial[name] = PolicyConfig(_WIRE_TO_LEVEL[config.enforcementLevel], properties or None)
    _apply_config(result, initial)
    _apply_config(result, file_config)

    errors: list[str] = []
    for name in sorted(schemas):
        properties = (result.get(name) or PolicyConfig()).properties or {}
        for error in validation_errors(schemas[name], properties):
            errors.append(f"validating policy config: {info.name} {info.version}  {name}: {error}")
        # Stricter than the CLI, which cannot say it: a pulumi-policy schema carries only `properties` and
        # `required`, so a misspelled key in the file would silently leave its tunable at the default.
        declared = set(schemas[name].get("properties") or {})
        given = (file_config.get(name) or PolicyConfig()).properties or {}
        for key in sorted(set(given) - declared):
            errors.append(
                f"validating policy config: {info.name} {info.version}  {name}: Additional property {key} is "
                f"not allowed (the policy's keys are: {', '.join(sorted(declared)) or 'none'})"
            )
    if errors:
        raise PolicyConfigError(sorted(errors))
    return result


class PolicyConfigError(PolicyPackError):
    """The reconciled policy config breaks a policy's schema: one CLI-worded line per error."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


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


DEFAULT_CALL_TIMEOUT = 60.0
"""The time limit of one Analyzer call by default (`--policy-timeout`); real packs answer in milliseconds."""


class PolicyPackProcess:
    """A started policy pack and a client for its Analyzer service; every call has a time limit."""

    def __init__(
        self,
        launched: LaunchedPack,
        startup_timeout: float = 60.0,
        call_timeout: float = DEFAULT_CALL_TIMEOUT,
    ) -> None:
        self.launched = launched
        self.pack_dir = launched.pack_dir
        self.process = launched.process
        self.name = ""
        self.call_timeout = call_timeout
        self.port = launched.port(startup_timeout)
        self.cold_start_seconds = launched.cold_start_seconds
        self.channel = grpc.insecure_channel(f"127.0.0.1:{self.port}", options=_CHANNEL_OPTIONS)
        self.stub = analyzer_pb2_grpc.AnalyzerStub(self.channel)

    @classmethod
    def start(cls, pack_dir: Path, settings: StackSettings) -> PolicyPackProcess:
        """Launch the pack and connect to it."""
        return cls(LaunchedPack(pack_dir, settings))

    @property
    def label(self) -> str:
        """`policy pack <name> (<dir>)`, or the directory alone before the pack has said its name."""
        return f"policy pack {self.name} ({self.pack_dir})" if self.name else f"policy pack {self.pack_dir}"

    def stop(self) -> str:
        """Close the channel, stop the pack process and return what it printed besides its port."""
        self.channel.close()
        return self.launched.stop()

    def call(self, method: str, request: Any, subject: str = "") -> Any:
        """Make one Analyzer RPC within the time limit; a failure names the pack, the call and its subject."""
        about = f" for {subject}" if subject else ""
        try:
            return getattr(self.stub, method)(request, timeout=self.call_timeout)
        except grpc.RpcError as error:
            code = error.code() if hasattr(error, "code") else None
            if code == grpc.StatusCode.DEADLINE_EXCEEDED:
                message = (
                    f"{self.label}: {method}{about} did not answer within {self.call_timeout:g} s; "
                    "the pack is stuck or too slow (raise the limit with --policy-timeout if it is only slow)"
                )
            else:
                details = error.details() if hasattr(error, "details") else str(error)
                message = f"{self.label}: {method}{about} failed: {details}"
            if self.process.poll() is not None:
                message += f"\nThe pack exited with code {self.process.returncode}:\n{self.launched.stop()}"
            raise PolicyPackError(message.strip()) from error


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
    pack: PolicyPackProcess, settings: StackSettings | None, config_path: Path | None
) -> tuple[analyzer_pb2.AnalyzerInfo, dict[str, PolicyConfig]]:
    """ConfigureStack, GetAnalyzerInfo, GetPluginInfo and Configure, in the CLI's order.

    Followed: LoadLocalPolicyPackAnalyzers and loadPolicyPlugins in pkg/engine/update.go. Without stack
    settings (`analyze --file`: no program, no stack) there is no ConfigureStack, as in
    pkg/cmd/pulumi/policy/policy_analyze.go, which loads the packs with no analyzer options.
    """
    if settings is not None:
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
    pack.name = info.name
    # The CLI's analyzer plugin reports the version of PulumiPolicy.yaml (pulumi-policy's own is "0.0.1").
    info.version = pack_version(pack.pack_dir, info)
    pack.call("GetPluginInfo", empty_pb2.Empty())
    file_config = parse_policy_config_file(config_path) if config_path is not None else {}
    if not info.supportsConfig:
        if config_path is not None:
            raise PolicyPackError(f"policy pack {info.name!r} at {pack.pack_dir} does not support config")
        return info, {}
    config = reconcile_policy_config(info, file_config, str(config_path) if config_path else "policy config")
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
        try:
            pack.call("Configure", analyzer_pb2.ConfigureAnalyzerRequest(policyConfig=policy_config))
        except PolicyPackError as error:
            # The pack refused its config (a check its schema cannot express): name the file to fix.
            source = f"the policy config file {config_path}" if config_path else "the default policy config"
            raise PolicyPackError(f"{error}\n(configured from {source})") from error
    return info, config


@dataclass
class ConfiguredPack:
    """A pack after Configure: its process, what it said about itself, its reconciled config."""

    process: PolicyPackProcess
    info: analyzer_pb2.AnalyzerInfo
    config: dict[str, PolicyConfig]
    result: PackResult

    @property
    def remediates(self) -> bool:
        """Whether a policy is at the remediate level: a pulumi-policy pack answers Remediate only then."""
        return any(value.enforcement_level == "remediate" for value in self.config.values())


@dataclass(frozen=True)
class Remediation:
    """One remediation a pack applied before analysis, as the CLI's `[remediate]` lines count them."""

    policy_pack: str
    policy_pack_version: str
    policy_name: str
    urn: str
    changed: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        """The `--json` shape of a remediation."""
        return {
            "policyPack": self.policy_pack,
            "policyName": self.policy_name,
            "urn": self.urn,
            "changedProperties": list(self.changed),
        }


def configure(
    pack: PolicyPackProcess, settings: StackSettings | None, config_path: Path | None
) -> ConfiguredPack:
    """Configure one pack and start its result."""
    info, config = configure_pack(pack, settings, config_path)
    version = pack_version(pack.pack_dir, info)
    result = PackResult(info.name, version, pack.pack_dir, cold_start_seconds=pack.cold_start_seconds)
    return ConfiguredPack(pack, info, config, result)


def _remediate_all(
    packs: list[ConfiguredPack], registrations: list[dict[str, Any]], by_urn: dict[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    """The engine's first pass: every pack's remediations, in pack order, before any analysis.

    Followed: the remediation loop of `stepGenerator` in pkg/resource/deploy/step_generator.go: each
    remediation's properties replace the inputs the next pack (and then every Analyze) sees; a remediation
    that could only explain itself (an unknown at preview) is an advisory violation.
    """
    remediating = [pack for pack in packs if pack.remediates]
    if not remediating:
        return registrations
    result = []
    for registration in registrations:
        inputs = registration["inputs"]
        for pack in remediating:
            request = analyzer_pb2.AnalyzeRequest(
                type=registration["type"],
                properties=analyzer_properties(inputs),
                urn=registration["urn"],
                name=registration["name"],
                options=_options(registration),
                provider=_provider(registration, by_urn),
            )
            response = pack.process.call("Remediate", request, registration["urn"])
            for remediation in response.remediations:
                if remediation.diagnostic:
                    pack.result.violations.append(
                        PolicyViolation(
                            remediation.policyPackName or pack.info.name,
                            pack.result.version,
                            remediation.policyName,
                            "advisory",
                            registration["urn"],
                            remediation.diagnostic,
                        )
                    )
                elif remediation.HasField("properties"):
                    new_inputs = json_format.MessageToDict(remediation.properties)
                    changed = tuple(
                        sorted(
                            key
                            for key in set(inputs) | set(new_inputs)
                            if not key.startswith("__")
                            and _plain(inputs.get(key)) != _plain(new_inputs.get(key))
                        )
                    )
                    if changed:
                        pack.result.remediations.append(
                            Remediation(
                                remediation.policyPackName or pack.info.name,
                                pack.result.version,
                                remediation.policyName,
                                registration["urn"],
                                changed,
                            )
                        )
                    inputs = new_inputs
        if inputs is not registration["inputs"]:
            # In a preview the new state's outputs are its (remediated) inputs.
            registration = {
                **registration,
                "inputs": inputs,
                "outputs": {**registration.get("outputs", {}), **inputs},
            }
        result.append(registration)
    return result


def _plain(value: Any) -> Any:
    """A wire value with references downgraded, for comparing a remediation's before and after."""
    return json.loads(json.dumps(_downgrade_references(value), sort_keys=True)) if value is not None else None


def _analyze(
    pack: ConfiguredPack,
    registrations: list[dict[str, Any]],
    by_urn: dict[str, dict[str, Any]],
    known: set[str],
    root: str,
    workers: int,
) -> None:
    """Analyze every registration (a few at once: requests are independent), then AnalyzeStack once."""
    started = time.perf_counter()
    result, info = pack.result, pack.info
    analyzed = [registration for registration in registrations if not registration.get("read")]
    pool = ThreadPoolExecutor(max_workers=workers)
    try:
        futures = [
            pool.submit(
                pack.process.call, "Analyze", analyze_request(registration, by_urn), registration["urn"]
            )
            for registration in analyzed
        ]
        for registration, future in zip(analyzed, futures, strict=True):
            response = future.result()
            result.violations.extend(
                _violations(response, registration["urn"], known, root, info, result.version)
            )
            result.not_applicable += len(response.not_applicable)
    finally:
        # A failed or stuck call ends the run: the calls not yet made are not made.
        # Calls in flight end within their time limit, or at once when the channel closes.
        pool.shutdown(wait=False, cancel_futures=True)
    stack_response = pack.process.call("AnalyzeStack", analyze_stack_request(registrations), "the stack")
    result.violations.extend(_violations(stack_response, "", known, root, info, result.version))
    result.analyze_seconds = time.perf_counter() - started
    result.analyzed = len(analyzed)


def run_packs(
    packs: list[ConfiguredPack], registrations: list[dict[str, Any]], workers: int = 4
) -> list[PackResult]:
    """Remediate through every pack, then analyze with every pack; return what each reported."""
    by_urn = {registration["urn"]: registration for registration in registrations}
    known = set(by_urn)
    root = next((r["urn"] for r in registrations if r["type"] == "pulumi:pulumi:Stack"), "")
    remediated = _remediate_all(packs, registrations, by_urn)
    by_urn.update({registration["urn"]: registration for registration in remediated})
    for pack in packs:
        _analyze(pack, remediated, by_urn, known, root, workers)
    return [pack.result for pack in packs]


def run_pack(
    pack: PolicyPackProcess,
    settings: StackSettings,
    config_path: Path | None,
    registrations: list[dict[str, Any]],
    workers: int = 4,
) -> PackResult:
    """Configure one pack, analyze every registration, then the whole stack; return what it reported."""
    return run_packs([configure(pack, settings, config_path)], registrations, workers)[0]


__all__ = [
    "ConfiguredPack",
    "PackResult",
    "PolicyConfigError",
    "PolicyPackError",
    "PolicyPackProcess",
    "PolicyViolation",
    "Remediation",
    "analyze_request",
    "analyze_stack_request",
    "configure",
    "reconcile_policy_config",
    "run_pack",
    "run_packs",
]
