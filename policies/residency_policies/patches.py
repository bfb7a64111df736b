"""A Kubernetes Patch is judged as the object it patches.

pulumi-kubernetes registers a Server-Side Apply patch of an existing object as its own type,
`<Kind>Patch` (`kubernetes:core/v1:ServiceAccountPatch`; `apiextensions.CustomResourcePatch` as
`kubernetes:<apiVersion>:<Kind>Patch`), with every field optional and `kind` the patched object's kind.
What it sets is part of the live object, so the model gives it the type of that object (`patched_type`)
and every rule judges it as one: an IRSA annotation on `default`, a container's variable, a ConfigMap's
key, a Service's type. Where the stack declares the patched object too (same provider, kind, namespace
and name), the patch is read as the object with the patch applied (`apply_patches`): maps merged key by
key, lists of named elements merged by `name` (containers, variables, volumes), any other list as the
union of both, never narrower than what Server-Side Apply makes of it (a keyed list merges, an atomic one
is replaced). The declared object is still judged as declared.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from residency_facts import placement

if TYPE_CHECKING:
    from .model import Resource

PATCH_SUFFIX = "Patch"


def patched_type(token: str, props: Any) -> str | None:
    """The type of the Kubernetes object a Patch type patches (`...:ServiceAccountPatch` ->
    `...:ServiceAccount`), or None when the token is no patch: a kind the triage places, or one whose `kind`
    input names it (a custom resource's patch; a custom kind that itself ends in Patch says so in `kind`)."""
    if not token.startswith("kubernetes:") or not token.endswith(PATCH_SUFFIX):
        return None
    base = token.removesuffix(PATCH_SUFFIX)
    kind = base.rsplit(":", 1)[-1]
    if not kind or base.count(":") != 2:
        return None
    declared_kind = props.get("kind") if isinstance(props, Mapping) else None
    if declared_kind == kind or (declared_kind is None and placement(base) is not None):
        return base
    return None


def apply_patches(resources: Iterable[Resource]) -> None:
    """Reads each patch whose object the stack declares as that object with the patch applied."""
    listed = list(resources)
    patches = [r for r in listed if r.declared_type != r.type]
    if not patches:
        return
    objects: dict[tuple[Any, ...], Resource] = {}
    for resource in listed:
        if resource.declared_type == resource.type:
            key = _object_key(resource)
            if key is not None:
                objects.setdefault(key, resource)
    for patch in patches:
        key = _object_key(patch)
        target = objects.get(key) if key is not None else None
        if target is None:
            continue
        patch.props = merged(target.props, patch.props)
        dependencies = {name: tuple(urns) for name, urns in target.property_dependencies.items()}
        for name, urns in patch.property_dependencies.items():
            dependencies[name] = tuple(dict.fromkeys((*dependencies.get(name, ()), *urns)))
        patch.property_dependencies = dependencies


def _object_key(resource: Resource) -> tuple[Any, ...] | None:
    """Which live object a Kubernetes resource is: its provider, type, namespace and name (a literal name)."""
    metadata = resource.props.get("metadata") if isinstance(resource.props, Mapping) else None
    if not isinstance(metadata, Mapping) or not isinstance(metadata.get("name"), str):
        return None
    namespace = metadata.get("namespace")
    # A namespaced object without a namespace is in the provider's default one (`default` unless set).
    namespace = "default" if namespace is None else namespace
    if not isinstance(namespace, str):
        return None
    return (resource.provider_urn, resource.type, namespace, metadata["name"])


def merged(base: Any, patch: Any) -> Any:
    """A value with a patch applied: maps key by key, named elements by name, other lists as a union."""
    if isinstance(base, Mapping) and isinstance(patch, Mapping):
        result = dict(base)
        for key, value in patch.items():
            result[key] = merged(base[key], value) if key in base else value
        return result
    if isinstance(base, list) and isinstance(patch, list):
        if _named(base) and _named(patch):
            by_name = {element["name"]: element for element in base}
            for element in patch:
                name = element["name"]
                by_name[name] = merged(by_name[name], element) if name in by_name else element
            return list(by_name.values())
        return [*base, *(element for element in patch if element not in base)]
    return patch


def _named(elements: list[Any]) -> bool:
    return all(isinstance(e, Mapping) and isinstance(e.get("name"), str) for e in elements)
