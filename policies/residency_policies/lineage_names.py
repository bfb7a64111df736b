"""How lineage reads the Kubernetes objects an operator's custom resource names by their Kubernetes names.

A custom resource names another object of its cluster by `metadata.name` (in its own namespace unless the
kind may be elsewhere): a cluster, an ObjectStore, a Kasten profile, a secret store. A name the stack does
not declare cannot be traced, and a value computed from a resource of the stack is that resource. Shared by
`lineage_operators` (object stores, hosts, selectors) and `lineage_secrets` (the External Secrets Operator).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from residency_facts.shapes import CopyMechanism, NamedObject

from .attributes import is_kubernetes
from .locations import Location, mechanism_key
from .model import Resource
from .values import Unknown, is_set, known_strings, value_at, values_at

if TYPE_CHECKING:
    from .lineage import Lineage


def of_kinds(lineage: Lineage, *kinds: str) -> list[Resource]:
    """The stack's Kubernetes objects of these `group:Kind` keys, in the stack's order: indexed once per
    stack (each reference by name would otherwise scan the whole stack)."""
    index: dict[str, list[Resource]] | None = lineage.stack.memo.get("operator-kinds")
    if index is None:
        index = {}
        for resource in lineage.stack.resources:
            if is_kubernetes(resource):
                index.setdefault(mechanism_key(resource.type), []).append(resource)
        lineage.stack.memo["operator-kinds"] = index
    if len(kinds) == 1:
        return list(index.get(kinds[0], ()))
    positions = {r.urn: i for i, r in enumerate(lineage.stack.resources)}
    return sorted((r for k in dict.fromkeys(kinds) for r in index.get(k, ())), key=lambda r: positions[r.urn])


def untraceable(description: str) -> Location:
    """A place whose region, account and classification cannot be traced, and whose description says what
    to review (violations name it)."""
    return Location(description=description, region=None, account=None, review=True)


def computed_from(lineage: Lineage, resource: Resource, path: str, value: str) -> list[Location] | None:
    """The data of the resources a known value was computed from (a property dependency of its input that
    it names), which win over the literal; None when it names none of them."""
    dependencies = lineage.stack.dependencies(resource, path.split(".")[0])
    if not dependencies:
        return None
    computed = [d for d in lineage.mentioned(value, resource) if d in dependencies]
    if not computed:
        return None
    return [location for d in computed for location in lineage.follow(d, {resource.urn})]


def traced(lineage: Lineage, resource: Resource, path: str) -> list[Location]:
    """What a value unknown at preview was computed from, else untraceable."""
    found = lineage.trace(resource, path, True, lineage.own_region(resource))
    return found or [untraceable(f"{path} of {resource.label} (unknown at preview, no lineage)")]


def named_objects(
    lineage: Lineage, resource: Resource, named: NamedObject
) -> tuple[list[Resource], list[Location]]:
    """The stack's objects a resource names at a path, in its cluster (and namespace), and what cannot be
    traced: a name the stack does not declare, or a value unknown at preview with no lineage."""
    values = [v for v in values_at(resource.props, named.path) if is_set(v)]
    return objects_named(lineage, resource, named.kind, values, named.path, named.any_namespace)


def objects_named(
    lineage: Lineage, resource: Resource, kind: str, values: list[Any], path: str, any_namespace: bool
) -> tuple[list[Resource], list[Location]]:
    """The stack's objects of a kind (`group:Kind`) that these values name by their Kubernetes names."""
    if not values:
        return [], []
    found: list[Resource] = []
    missing: list[Location] = []
    if any(isinstance(v, Unknown) for v in values):
        top = path.split(".")[0]
        of_kind = [d for d in lineage.stack.dependencies(resource, top) if mechanism_key(d.type) == kind]
        found.extend(of_kind)
        if not of_kind:
            # A name computed from another resource names what that resource holds.
            missing.extend(traced(lineage, resource, path))
    namespace = value_at(resource.props, "metadata.namespace")
    for name in known_strings(values):
        computed = computed_from(lineage, resource, path, name)
        if computed is not None:
            missing.extend(computed)
            continue
        matching = [
            r
            for r in of_kinds(lineage, kind)
            if r.provider_urn == resource.provider_urn
            and value_at(r.props, "metadata.name") == name
            and (any_namespace or value_at(r.props, "metadata.namespace") == namespace)
        ]
        if not matching:
            missing.append(
                untraceable(
                    f"the {kind.split(':')[-1]} {name!r} that {resource.label} names ({path}), which the "
                    "stack does not declare in its cluster: what it holds or where it keeps it cannot be "
                    "read; declare it in the stack"
                )
            )
        found.extend(matching)
    if not found and not missing:
        missing.append(untraceable(f"{path} of {resource.label} (unknown at preview, no lineage)"))
    return list(dict.fromkeys(found)), missing


def named_locations(
    lineage: Lineage, resource: Resource, mechanism: CopyMechanism, roles: tuple[str, ...]
) -> list[Location]:
    """The data (or places) of the objects a mechanism names in these roles."""
    found: list[Location] = []
    for named in mechanism.named:
        if named.role not in roles:
            continue
        objects, missing = named_objects(lineage, resource, named)
        found.extend(missing)
        for other in objects:
            if named.role in ("source", "destination"):
                found.extend(lineage.follow(other, {resource.urn}))
            else:
                for movement in lineage.movements_of(other):
                    found.extend(
                        movement.destinations if named.role == "destinations_of" else movement.sources
                    )
    return found
