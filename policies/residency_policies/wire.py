"""The stack's resources as the rules read them, converted once from the engine's AnalyzeStack request.

pulumi-policy's AnalyzeStack converts every resource of the request again for each stack policy (protobuf
Struct to a dict through `json_format`, then into unknown-checking proxies that the model turns back into
plain values): eight policies, eight conversions of the whole stack. The pack's analyzer converts the
request here once instead and every policy reads the same model. The values are those the SDK's path
gives, key order included: `tests/policies/test_wire.py` compares the two on the real stacks and on every
kind of value a Struct can carry.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from pulumi_policy.deserialize import deserialize_properties

from .model import Resource


def struct_to_dict(struct: Any) -> dict[str, Any]:
    """A protobuf Struct as `json_format.MessageToDict` gives it (numbers as floats, null as None)."""
    fields = struct.fields
    # The same iteration as json_format's, so that keys keep the order the SDK's path gives them.
    return {key: _value(fields[key]) for key in fields}


def _value(value: Any) -> Any:
    kind = value.WhichOneof("kind")
    if kind == "string_value":
        return value.string_value
    if kind == "struct_value":
        return struct_to_dict(value.struct_value)
    if kind == "list_value":
        return [_value(item) for item in value.list_value.values]
    if kind == "bool_value":
        return value.bool_value
    if kind == "number_value":
        number = value.number_value
        if math.isinf(number) or math.isnan(number):
            # json_format refuses these too: the SDK's AnalyzeStack would fail on them, and so does this.
            raise ValueError(f"a property holds {number}, which a policy cannot read from a Struct")
        return number
    return None


def properties(struct: Any) -> dict[str, Any]:
    """Resource properties as the SDK hands them to a policy: secrets unwrapped, assets and archives built."""
    return deserialize_properties(struct_to_dict(struct))


def resources(request_resources: Iterable[Any]) -> list[Resource]:
    """The model of every resource of an AnalyzeStack request, as `model.from_policy_resource` builds it.

    Parents and property dependencies name only resources of the request, as the SDK links them; a parent
    outside the request falls back to the resource's `parent` option, as there.
    """
    listed = list(request_resources)
    urns = {resource.urn for resource in listed}
    providers: dict[bytes, tuple[str, str, Mapping[str, Any]]] = {}
    found = []
    for resource in listed:
        provider_type = provider_urn = None
        provider_props: Mapping[str, Any] = {}
        if resource.HasField("provider"):
            provider = resource.provider
            # Every resource of a provider carries the same provider message: convert each one once. The
            # rules only read these values, so the resources of one provider can share them.
            key = provider.SerializeToString(deterministic=True)
            if key not in providers:
                providers[key] = (provider.type, provider.urn, properties(provider.properties))
            provider_type, provider_urn, provider_props = providers[key]
        parent = resource.parent if resource.parent in urns else resource.options.parent or None
        found.append(
            Resource(
                type=resource.type,
                name=resource.name,
                urn=resource.urn,
                props=properties(resource.properties),
                provider_type=provider_type,
                provider_urn=provider_urn,
                provider_props=provider_props,
                protect=bool(resource.options.protect),
                parent_urn=parent,
                property_dependencies={
                    prop: tuple(urn for urn in dependencies.urns if urn in urns)
                    for prop, dependencies in resource.propertyDependencies.items()
                },
            )
        )
    return found
