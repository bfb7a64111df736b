"""A mock resource monitor that records every registration as the Pulumi engine would see it in a preview.

Pulumi's `MockMonitor` answers the program's RPCs through `Mocks`; this subclass adds what the engine itself
does between the program and the providers, so that a policy pack sees what it would see in `pulumi preview`:

- URNs as the engine makes them (the root stack's type is not part of a child's qualified type);
- the provider of every custom resource resolved as the engine resolves it (explicit reference, the
  `providers` map, a parent component's providers), and for the rest a default provider synthesized from the
  stack's `<package>:*` config, named `default_<major>_<minor>_<patch>` after the requested plugin version,
  registered (and analysed) before its first user, with the unknown id a preview gives new providers;
  `pulumi:disable-default-providers` is honoured as the engine honours it;
- provider inputs gain the plugin `version`, as the engine adds it;
- resource transforms (the resource's own, its ancestors', then the stack's) are run through the SDK's own
  callback servicer, as the engine calls back into it; invoke transforms are refused loudly;
- component and stack outputs registered with `register_outputs` are kept (they are what `AnalyzeStack` sees).

Not done, because it needs the real provider plugins: the provider's `Check` (autonaming, defaults, `tagsAll`)
and its preview of computed outputs, which stay unknown or absent instead.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any

import pulumi
from google.protobuf import empty_pb2, json_format, struct_pb2
from google.protobuf.message import Message
from pulumi.runtime import rpc
from pulumi.runtime._callbacks import _CallbackServicer
from pulumi.runtime.mocks import MockCallArgs, MockMonitor, MockResourceArgs
from pulumi.runtime.proto import provider_pb2, resource_pb2
from pulumi.runtime.sync_await import _ensure_event_loop, _sync_await

from offline_preview.state import classify

ROOT_STACK_TYPE = "pulumi:pulumi:Stack"
PROVIDER_TYPE_PREFIX = "pulumi:providers:"
UNKNOWN_ID = rpc.UNKNOWN
"""The id a preview gives a provider it would create."""

SECRET_SIGNATURE = {rpc._special_sig_key: rpc._special_secret_sig}

DYNAMIC_PROVIDER_PACKAGES = ("pulumi-nodejs", "pulumi-python")
"""The packages of dynamic providers, whose default provider gets the stack's whole config."""


class EngineError(Exception):
    """A registration the engine itself would refuse, with the engine's message."""


def package_of(token: str) -> str:
    """The package a type or function token belongs to: `aws:ec2/vpc:Vpc` -> `aws`."""
    if token.startswith(PROVIDER_TYPE_PREFIX):
        return token[len(PROVIDER_TYPE_PREFIX) :]
    return token.split(":", 1)[0]


def default_provider_name(version: str) -> str:
    """The engine's name for a default provider: `default`, or `default_7_51_1` after the plugin version."""
    if not version:
        return "default"
    core, _, build = version.partition("+")
    core, _, prerelease = core.partition("-")
    name = "default_" + "_".join(core.split("."))
    for part in [p for p in prerelease.split(".") if p] + [p for p in build.split(".") if p]:
        name += "_" + part
    return name


RESOURCE_SIGNATURE = rpc._special_resource_sig


def _downgrade_references(value: Any) -> Any:
    """Resource references as a provider without reference support gets them: the id, or a component's URN."""
    if isinstance(value, dict):
        if value.get(rpc._special_sig_key) == RESOURCE_SIGNATURE:
            return value["id"] if value.get("id") else value.get("urn", "")
        return {key: _downgrade_references(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [_downgrade_references(inner) for inner in value]
    return value


def _has_reference(value: Any) -> bool:
    """Whether a wire value holds a resource reference anywhere."""
    if isinstance(value, dict):
        if value.get(rpc._special_sig_key) == RESOURCE_SIGNATURE:
            return True
        return any(_has_reference(inner) for inner in value.values())
    if isinstance(value, list):
        return any(_has_reference(inner) for inner in value)
    return False


def without_references(
    struct: struct_pb2.Struct, data: dict[str, Any] | None = None
) -> struct_pb2.Struct | None:
    """The struct with resource references downgraded, or None when it holds none.

    The SDK's MockMonitor deserialises a request's properties, and a resource reference deserialises into a
    new resource object that registers itself through the monitor, from inside the monitor's own call: the
    program deadlocks. The engine never rehydrates references; the mocks (which stand in for the provider)
    get the referenced id instead. The recorded inputs keep the reference, as the engine's do.
    """
    if data is None:
        data = json_format.MessageToDict(struct)
    if not _has_reference(data):
        return None
    downgraded = _downgrade_references(data)
    result = struct_pb2.Struct()
    result.update(downgraded)
    return result


def struct_to_dict(struct: struct_pb2.Struct | None) -> dict[str, Any]:
    """A protobuf Struct as plain JSON data, keeping the wire sentinels for unknowns and secrets."""
    if struct is None:
        return {}
    return dict(json_format.MessageToDict(struct))


@dataclass
class Registration:
    """One resource registration, as the engine's step generator sees it."""

    urn: str
    type: str
    name: str
    custom: bool
    id: str = ""
    parent: str = ""
    provider: str = ""
    providers: dict[str, str] = field(default_factory=dict)
    dependencies: list[str] = field(default_factory=list)
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)
    inputs: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)
    protect: bool = False
    ignore_changes: list[str] = field(default_factory=list)
    delete_before_replace: bool | None = None
    additional_secret_outputs: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    custom_timeouts: dict[str, float] = field(default_factory=dict)
    retain_on_delete: bool | None = None
    deleted_with: str = ""
    replace_on_changes: list[str] = field(default_factory=list)
    import_id: str = ""
    version: str = ""
    default_provider: bool = False
    read: bool = False

    def to_json(self) -> dict[str, Any]:
        """The registration as JSON data for the parent process."""
        return dict(self.__dict__)


_TIMEOUT_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def timeout_seconds(duration: str) -> float:
    """A Go duration (`5m`, `1h30m`, `90s`) in seconds, as the engine stores custom timeouts."""
    total, number = 0.0, ""
    index = 0
    while index < len(duration):
        char = duration[index]
        if char.isdigit() or char == ".":
            number += char
            index += 1
            continue
        unit = next(
            (u for u in sorted(_TIMEOUT_UNITS, key=len, reverse=True) if duration.startswith(u, index)), None
        )
        if unit is None or not number:
            raise ValueError(f"invalid custom timeout {duration!r}")
        total += float(number) * _TIMEOUT_UNITS[unit]
        number = ""
        index += len(unit)
    if number:
        raise ValueError(f"invalid custom timeout {duration!r}: missing unit")
    return total


class RecordingMonitor(MockMonitor):
    """MockMonitor that records registrations, synthesizes default providers and runs transforms."""

    def __init__(
        self,
        mocks: pulumi.runtime.Mocks,
        package_config: dict[str, dict[str, str]],
        secret_keys: set[str],
        disabled_default_providers: list[str],
        state: dict[str, dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(mocks)
        self.state = state or {}
        self.package_config = package_config
        self.secret_keys = secret_keys
        self.disabled_default_providers = disabled_default_providers
        self.registrations: list[Registration] = []
        self.by_urn: dict[str, Registration] = {}
        self.invokes: list[dict[str, str]] = []
        self.unanswered_invokes: set[str] = set()
        self._default_providers: dict[tuple[str, str], str] = {}
        self._component_providers: dict[str, dict[str, str]] = {}
        self._own_transforms: dict[str, list[str]] = {}
        self._parents: dict[str, str] = {}
        self._stack_transform_tokens: list[str] = []
        self._lock = threading.RLock()

    # URNs ------------------------------------------------------------------------------------------------

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        """The engine's URN: the parent's qualified type prefixes the type, except the root stack's."""
        if parent:
            parent_type = parent.split("::")[2]
            if parent_type != ROOT_STACK_TYPE:
                type_ = parent_type + "$" + type_
        return "urn:pulumi:" + "::".join([pulumi.get_stack(), pulumi.get_project(), type_, name])

    def _record(self, registration: Registration) -> None:
        """Keep a registration in the order the engine would have received it."""
        with self._lock:
            if registration.urn in self.by_urn:
                raise EngineError(f"Duplicate resource URN '{registration.urn}'; try giving it a unique name")
            self.registrations.append(registration)
            self.by_urn[registration.urn] = registration

    # Providers -------------------------------------------------------------------------------------------

    def _resolve_provider(self, provider: str, providers: dict[str, str], parent: str, package: str) -> str:
        """The engine's provider resolution for a custom resource that names no provider directly."""
        if provider:
            return provider
        if package in providers:
            return providers[package]
        return self._component_providers.get(parent, {}).get(package, "")

    def _default_provider(self, package: str, version: str, user: str) -> str:
        """The package's default provider reference, registering the provider on its first use."""
        if "*" in self.disabled_default_providers or package in self.disabled_default_providers:
            raise EngineError(
                f"Default provider for '{package}' disabled. '{user}' must use an explicit provider."
            )
        with self._lock:
            key = (package, version)
            if key in self._default_providers:
                return self._default_providers[key]
            provider_type = PROVIDER_TYPE_PREFIX + package
            name = default_provider_name(version)
            urn = self.make_urn("", provider_type, name)
            inputs: dict[str, Any] = {}
            # Followed: Target.GetPackageConfig in pkg/resource/deploy/target.go: a provider gets its own
            # package's keys without the namespace, a dynamic provider the whole config, namespace kept.
            dynamic = package in DYNAMIC_PROVIDER_PACKAGES
            for config_package, names in self.package_config.items():
                if not dynamic and config_package != package:
                    continue
                for config_name, value in names.items():
                    full = f"{config_package}:{config_name}"
                    secret = full in self.secret_keys
                    inputs[full if dynamic else config_name] = (
                        {**SECRET_SIGNATURE, "value": value} if secret else value
                    )
            if version:
                inputs["version"] = version
            # The mocks learn the provider's region from its inputs, as a provider learns it from its config.
            self.mocks.new_resource(
                MockResourceArgs(
                    typ=provider_type,
                    name=name,
                    inputs={k: (v["value"] if isinstance(v, dict) else v) for k, v in inputs.items()},
                    custom=True,
                )
            )
            registration = Registration(
                urn=urn,
                type=provider_type,
                name=name,
                custom=True,
                inputs=inputs,
                outputs=dict(inputs),
                version=version,
                default_provider=True,
            )
            self._record(registration)
            reference = f"{urn}::{UNKNOWN_ID}"
            self._default_providers[key] = reference
            return reference

    # Transforms ------------------------------------------------------------------------------------------

    def RegisterStackTransform(self, request: Any) -> Any:
        """Keep the stack transform's token so that registrations can call it back as the engine does."""
        self._stack_transform_tokens.append(request.token)
        return super().RegisterStackTransform(request)

    def RegisterStackInvokeTransform(self, request: Any) -> Any:
        """Invoke transforms are not run offline: refuse them instead of previewing something else."""
        raise EngineError(
            "the offline preview does not run invoke transforms (pulumi.runtime.register_invoke_transform); "
            "preview this program with the Pulumi CLI"
        )

    def _transforms_for(self, request: Any) -> list[str]:
        """Callback tokens to run: the resource's own transforms, then its ancestors', then the stack's."""
        tokens = [callback.token for callback in request.transforms]
        current = request.parent
        while current:
            tokens.extend(self._own_transforms.get(current, []))
            current = self._parents.get(current, "")
        return tokens + self._stack_transform_tokens

    @staticmethod
    def _call_back(token: str, payload: bytes) -> bytes:
        """Run a registered callback on the program's event loop, as the engine calls the callback server."""
        for servicer in _CallbackServicer._servicers:
            callback = servicer._callbacks.get(token)
            if callback is not None:
                coroutine: Coroutine[Any, Any, Message] = callback(payload)  # type: ignore[assignment]
                future = asyncio.run_coroutine_threadsafe(coroutine, servicer._loop)
                response: bytes = future.result().SerializeToString()
                return response
        raise Exception(f"transform callback {token} is not registered")

    def _apply_transforms(self, request: Any, provider: str) -> Any:
        """Return a copy of the request with every transform's new properties and options applied."""
        tokens = self._transforms_for(request)
        if not tokens:
            return request
        transformed = resource_pb2.RegisterResourceRequest()
        transformed.CopyFrom(request)
        options = resource_pb2.TransformResourceOptions(
            depends_on=list(request.dependencies),
            protect=request.protect if request.HasField("protect") else None,
            ignore_changes=list(request.ignoreChanges),
            replace_on_changes=list(request.replaceOnChanges),
            version=request.version,
            provider=provider,
            providers=dict(request.providers),
            plugin_download_url=request.pluginDownloadURL,
            retain_on_delete=request.retainOnDelete if request.HasField("retainOnDelete") else None,
            deleted_with=request.deletedWith,
            delete_before_replace=request.deleteBeforeReplace if request.deleteBeforeReplaceDefined else None,
            additional_secret_outputs=list(request.additionalSecretOutputs),
            aliases=list(request.aliases),
            custom_timeouts=request.customTimeouts if request.HasField("customTimeouts") else None,
            **{"import": request.importId},
        )
        properties = request.object
        for token in tokens:
            call = resource_pb2.TransformRequest(
                type=request.type,
                name=request.name,
                custom=request.custom,
                parent=request.parent,
                properties=properties,
                options=options,
            )
            response = resource_pb2.TransformResponse.FromString(
                self._call_back(token, call.SerializeToString())
            )
            properties = response.properties
            if response.HasField("options"):
                options = response.options
        transformed.object.CopyFrom(properties)
        transformed.provider = options.provider
        transformed.providers.clear()
        transformed.providers.update(dict(options.providers))
        del transformed.dependencies[:]
        transformed.dependencies.extend(options.depends_on)
        if options.HasField("protect"):
            transformed.protect = options.protect
        del transformed.ignoreChanges[:]
        transformed.ignoreChanges.extend(options.ignore_changes)
        del transformed.additionalSecretOutputs[:]
        transformed.additionalSecretOutputs.extend(options.additional_secret_outputs)
        transformed.deleteBeforeReplaceDefined = options.HasField("delete_before_replace")
        transformed.deleteBeforeReplace = options.delete_before_replace
        if options.HasField("retain_on_delete"):
            transformed.retainOnDelete = options.retain_on_delete
        if options.HasField("custom_timeouts"):
            transformed.customTimeouts.CopyFrom(options.custom_timeouts)
        transformed.deletedWith = options.deleted_with
        transformed.importId = getattr(options, "import")
        transformed.version = options.version
        return transformed

    # RPCs ------------------------------------------------------------------------------------------------

    def RegisterResource(self, request: Any) -> Any:
        """Register through the mocks as the engine would, and record what the engine would see."""
        if request.type == ROOT_STACK_TYPE:
            urn = self.make_urn(request.parent, request.type, request.name)
            self._record(Registration(urn=urn, type=request.type, name=request.name, custom=False))
            return resource_pb2.RegisterResourceResponse(urn=urn)

        if request.remote:
            # The engine calls the component provider's Construct, which registers the children; the mocks
            # would record one childless resource and every policy would pass what it never saw.
            raise EngineError(
                f"the offline preview cannot run the multi-language (remote) component {request.type} "
                f"'{request.name}': its child resources are created by the {package_of(request.type)} "
                "provider plugin's Construct, which is not available offline, so no policy would see them "
                "and the verdict would be incomplete. Preview this stack with the Pulumi CLI "
                "(`pulumi preview --policy-pack ...`)."
            )
        package = package_of(request.type)
        is_provider = request.type.startswith(PROVIDER_TYPE_PREFIX)
        provider = ""
        if request.custom and not is_provider:
            provider = self._resolve_provider(
                request.provider, dict(request.providers), request.parent, package
            )
        request = self._apply_transforms(request, provider)
        if request.custom and not is_provider:
            provider = self._resolve_provider(
                request.provider, dict(request.providers), request.parent, package
            ) or self._default_provider(package, request.version, request.type)
            if provider != request.provider:
                resolved = resource_pb2.RegisterResourceRequest()
                resolved.CopyFrom(request)
                resolved.provider = provider
                request = resolved

        inputs = struct_to_dict(request.object)
        plain = without_references(request.object, inputs)
        if plain is None:
            response = super().RegisterResource(request)
        else:
            for_mocks = resource_pb2.RegisterResourceRequest()
            for_mocks.CopyFrom(request)
            for_mocks.object.CopyFrom(plain)
            response = super().RegisterResource(for_mocks)

        if request.custom and response.urn in self.state:
            self._answer_from_state(request, response, inputs, provider)
        if is_provider:
            if request.version:
                inputs["version"] = request.version
            if request.pluginDownloadURL:
                inputs["pluginDownloadURL"] = request.pluginDownloadURL
        property_dependencies = {key: list(deps.urns) for key, deps in request.propertyDependencies.items()}
        if not property_dependencies and not request.remote:
            # The engine's backfill for SDKs that send no per-property dependencies.
            property_dependencies = {key: list(request.dependencies) for key in inputs}
        timeouts = {}
        if request.HasField("customTimeouts"):
            for phase in ("create", "update", "delete", "read"):
                value = getattr(request.customTimeouts, phase, "")
                if value:
                    timeouts[phase] = timeout_seconds(value)
        registration = Registration(
            urn=response.urn,
            type=request.type,
            name=request.name,
            custom=bool(request.custom),
            id=response.id,
            parent=request.parent,
            provider=provider,
            providers=dict(request.providers),
            dependencies=list(request.dependencies),
            property_dependencies=property_dependencies,
            inputs=inputs,
            outputs=struct_to_dict(response.object) if response.HasField("object") else {},
            protect=bool(request.protect),
            ignore_changes=list(request.ignoreChanges),
            delete_before_replace=request.deleteBeforeReplace if request.deleteBeforeReplaceDefined else None,
            additional_secret_outputs=list(request.additionalSecretOutputs),
            aliases=[alias.urn for alias in request.aliases if alias.urn] + list(request.aliasURNs),
            custom_timeouts=timeouts,
            retain_on_delete=request.retainOnDelete if request.HasField("retainOnDelete") else None,
            deleted_with=request.deletedWith,
            replace_on_changes=list(request.replaceOnChanges),
            import_id=request.importId,
            version=request.version,
        )
        if is_provider:
            registration.outputs = dict(inputs)
        self._record(registration)
        with self._lock:
            self._parents[response.urn] = request.parent
            self._own_transforms[response.urn] = [callback.token for callback in request.transforms]
            if not request.custom:
                providers = dict(request.providers)
                for key, value in self._component_providers.get(request.parent, {}).items():
                    providers.setdefault(key, value)
                self._component_providers[response.urn] = providers
        return response

    def _answer_from_state(self, request: Any, response: Any, inputs: dict[str, Any], provider: str) -> None:
        """A resource the deployed state holds keeps its id, and its outputs when its inputs did not change.

        As the engine's preview: a `same` step reads its outputs from the old state; an `update` keeps the id
        and the old outputs, with the new inputs over them (the provider would recompute what depends on
        them); a `replace` gets a new, unknown id, as a create.
        """
        old = self.state[response.urn]
        new = {
            "inputs": inputs,
            "ignore_changes": list(request.ignoreChanges),
            "replace_on_changes": list(request.replaceOnChanges),
        }
        provider_changed = (
            not request.type.startswith(PROVIDER_TYPE_PREFIX)
            and provider.rsplit("::", 1)[0] != str(old.get("provider") or "").rsplit("::", 1)[0]
        )
        operation, _ = classify(new, old, provider_changed)
        if operation not in ("same", "update"):
            return
        outputs = dict(old.get("outputs") or {})
        if operation == "update":
            outputs.update(inputs)
        response.id = str(old.get("id") or "")
        response.object.Clear()
        response.object.update(outputs)

    def RegisterResourceOutputs(self, request: Any) -> Any:
        """Keep a component's (or the stack's) registered outputs."""
        with self._lock:
            registration = self.by_urn.get(request.urn)
            if registration is not None:
                registration.outputs = struct_to_dict(request.outputs)
        return empty_pb2.Empty()

    def ReadResource(self, request: Any) -> Any:
        """Read an existing resource through the mocks and keep it (reads are not analysed, only stacked)."""
        response = super().ReadResource(request)
        self._record(
            Registration(
                urn=response.urn,
                type=request.type,
                name=request.name,
                custom=True,
                parent=request.parent,
                provider=request.provider,
                dependencies=list(request.dependencies),
                inputs=struct_to_dict(request.properties),
                outputs=struct_to_dict(response.properties),
                read=True,
            )
        )
        return response

    def Invoke(self, request: Any) -> Any:
        """Answer a provider function through the mocks, with the default provider when none is named."""
        if request.tok == "pulumi:pulumi:getResource":
            return super().Invoke(request)
        provider = request.provider or self._default_provider(
            package_of(request.tok), request.version, request.tok
        )
        self.invokes.append({"token": request.tok, "provider": provider})
        _ensure_event_loop()
        args = rpc.deserialize_properties(without_references(request.args) or request.args)
        result = self.mocks.call(MockCallArgs(token=request.tok, args=args, provider=provider))
        values, failures = (result, []) if isinstance(result, dict) else (result[0], result[1] or [])
        if not values:
            self.unanswered_invokes.add(request.tok)
        response = resource_pb2.ResourceInvokeResponse(
            failures=[provider_pb2.CheckFailure(property=prop, reason=reason) for prop, reason in failures]
        )
        # `return` is a Python keyword, so the field is reached by name.
        getattr(response, "return").CopyFrom(_sync_await(rpc.serialize_properties(values, {})))
        return response
