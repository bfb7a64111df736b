"""Input keys a bridged provider does not know, found against the program's own SDK, as its Check finds them.

The Python SDK translates the keys of a nested argument (a dict for `LifecyclePolicyPolicyDetailsArgs`, say)
from snake_case to the provider's camelCase only when it knows them; a key it does not know travels as
written. Pulumi's mocks keep it, and so would a policy pack reading the inputs, but pulumi-aws's Check does
not: the bridge validates every nested block against the Terraform schema and fails the preview with
`<type> resource '<name>' has a problem: Invalid or unknown key. Examine values at '<name>.<path>'`
(pulumi-terraform-bridge pkg/tfbridge, `formatCheckFailures`; keys that start with `__` are the bridge's
own and are skipped, pulumi-terraform-bridge#2173). A misspelt `share_rules` (the input is `share_rule`)
therefore deploys nothing, and the offline preview must not report a verdict on it either.

The schema is the SDK the program runs with: each resource type's `<Class>Args` input type and the input
types its properties name (`pulumi._types.input_type_types`), read in the program's process, where the
program has already imported those modules. Only pulumi-aws is checked: it is a bridged provider whose
Check refuses unknown keys. Kubernetes objects are not checked here: the API server's default field
validation for the provider's requests warns about an unknown field and drops it rather than failing.
Free-form values (maps, `Any`, JSON strings such as policies) are not descended into.
"""

from __future__ import annotations

import functools
import importlib
import keyword
import sys
import typing
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from offline_preview import wire

CHECKED_PACKAGES = {"aws": "pulumi_aws"}
"""Package name in a type token -> the Python SDK module whose input types describe its schema."""


@dataclass(frozen=True)
class UnknownKey:
    """One key of one resource's inputs that the provider's schema does not have."""

    urn: str
    type: str
    name: str
    path: str
    """Where the key is, in wire (camelCase) names: `policyDetails.schedules[0].share_rules`."""
    known: tuple[str, ...]
    """The keys the schema has at that level, to suggest the intended one."""


@functools.cache
def _args_class(type_token: str) -> type | None:
    """The SDK's input type for a resource type token (`aws:dlm/lifecyclePolicy:LifecyclePolicy`), if any."""
    package, _, rest = type_token.partition(":")
    root = CHECKED_PACKAGES.get(package)
    module_path, _, class_name = rest.partition(":")
    if root is None or not class_name:
        return None
    module_name = module_path.split("/")[0]
    # The SDK generator appends `_` to a module that is a Python keyword (`pulumi_aws.lambda_`).
    module_name = f"{module_name}_" if keyword.iskeyword(module_name) else module_name
    try:
        package_module = importlib.import_module(root if module_name == "index" else f"{root}.{module_name}")
    except ImportError:
        return None
    resource = getattr(package_module, class_name, None)
    home = sys.modules.get(getattr(resource, "__module__", ""))
    if home is None:
        return None
    # The resource's own module defines its args; `<Class>InitArgs` where a nested type took `<Class>Args`
    # (s3 BucketVersioning's args beside Bucket's `versioning` block, `BucketVersioningArgs`).
    for candidate in (f"{class_name}InitArgs", f"{class_name}Args"):
        args = getattr(home, candidate, None)
        if isinstance(args, type) and _is_input_type(args) and args.__module__ == home.__name__:
            return args
    return None


def _is_input_type(candidate: Any) -> bool:
    from pulumi import _types

    return isinstance(candidate, type) and _types.is_input_type(candidate)


@functools.cache
def _properties(input_type: type) -> Mapping[str, Any]:
    """Wire name -> declared type of every property of an SDK input type."""
    from pulumi import _types

    return _types.input_type_types(input_type)


def _plain(value: Any) -> Any:
    """A wire value without its secret or output-value wrapper; None when it is unknown at preview."""
    while True:
        if value is None or value == wire.UNKNOWN or wire.is_sdk_unknown(value):
            return None
        if isinstance(value, Mapping) and value.get(wire.SIGNATURE_KEY) == wire.SECRET_SIGNATURE:
            value = value.get("value")
            continue
        if isinstance(value, Mapping) and value.get(wire.SIGNATURE_KEY) == wire.OUTPUT_VALUE_SIGNATURE:
            value = value.get("value")
            continue
        return value


def _shapes(declared: Any) -> list[Any]:
    """The declared type without Input/Optional/Awaitable/Output, split into the members of a union."""
    from pulumi import _types

    declared = _types.unwrap_type(declared)
    if typing.get_origin(declared) is typing.Union:
        return [member for arg in typing.get_args(declared) for member in _shapes(arg)]
    return [declared]


def _unknown(value: Any, declared: Any, path: str) -> Iterator[tuple[str, tuple[str, ...]]]:
    """(path, known keys) of every key below `value` that its declared type does not have."""
    value = _plain(value)
    if value is None:
        return
    shapes = _shapes(declared)
    objects = [shape for shape in shapes if _is_input_type(shape)]
    if isinstance(value, Mapping) and objects:
        # A union of several object shapes: the value fits the one with the fewest unknown keys.
        found = min((list(_object_unknown(value, shape, path)) for shape in objects), key=len)
        yield from found
        return
    for shape in shapes:
        origin = typing.get_origin(shape)
        arguments = typing.get_args(shape)
        if isinstance(value, list) and origin in (list, Sequence, typing.Sequence) and arguments:
            for index, item in enumerate(value):
                yield from _unknown(item, arguments[0], f"{path}[{index}]")
            return
        if isinstance(value, Mapping) and origin in (dict, Mapping, typing.Mapping) and len(arguments) == 2:
            for key, item in value.items():
                yield from _unknown(item, arguments[1], f"{path}[{key!r}]")
            return


def _object_unknown(
    value: Mapping[str, Any], input_type: type, path: str
) -> Iterator[tuple[str, tuple[str, ...]]]:
    """Unknown keys of one object value against one SDK input type, then those of its known properties."""
    properties = _properties(input_type)
    for key, item in value.items():
        here = f"{path}.{key}" if path else str(key)
        if str(key).startswith("__"):
            continue
        if key not in properties:
            yield here, tuple(sorted(properties))
            continue
        yield from _unknown(item, properties[key], here)


def unknown_keys(registrations: Sequence[Mapping[str, Any]]) -> list[UnknownKey]:
    """Every unknown input key of every custom resource a program registered (reads carry no inputs)."""
    found: list[UnknownKey] = []
    for registration in registrations:
        if not registration.get("custom", True) or registration.get("read"):
            continue
        type_token = str(registration["type"])
        args = _args_class(type_token)
        if args is None:
            continue
        for path, known in _object_unknown(registration.get("inputs") or {}, args, ""):
            found.append(
                UnknownKey(
                    str(registration.get("urn", "")), type_token, str(registration["name"]), path, known
                )
            )
    return found
