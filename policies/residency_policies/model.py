"""The small resource model the rules reason on, built from what pulumi-policy hands a policy."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pulumi_policy import PolicyResource, ResourceValidationArgs

from .values import known_strings, values_at

IDENTITY_PROPERTIES: tuple[str, ...] = (
    "identifier",
    "clusterIdentifier",
    "globalClusterIdentifier",
    "replicationGroupId",
    "dbSnapshotIdentifier",
    "dbClusterSnapshotIdentifier",
    "bucket",
    "name",
    "domainName",
    "metadata.name",
    "arn",
)
"""Inputs that carry a resource's physical name, by which a copy may refer to it instead of by lineage."""


@dataclass
class Resource:
    """One resource as the engine registered it, with its provider's inputs and its lineage."""

    type: str
    name: str
    urn: str
    props: Mapping[str, Any]
    provider_type: str | None = None
    provider_urn: str | None = None
    provider_props: Mapping[str, Any] = field(default_factory=dict)
    protect: bool = False
    parent_urn: str | None = None
    property_dependencies: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Top-level input name -> URNs of the resources its value was computed from."""

    @property
    def label(self) -> str:
        """How violation messages name the resource."""
        return f"{self.type} '{self.name}'"


def from_resource_args(args: ResourceValidationArgs) -> Resource:
    """The model of the resource a resource policy is validating."""
    return _model(args, parent_urn=args.opts.parent, property_dependencies={})


def from_policy_resource(resource: PolicyResource) -> Resource:
    """The model of one resource of the stack a stack policy is validating."""
    return _model(
        resource,
        parent_urn=resource.parent.urn if resource.parent else resource.opts.parent,
        property_dependencies={
            prop: tuple(dependency.urn for dependency in dependencies)
            for prop, dependencies in resource.property_dependencies.items()
        },
    )


def _model(
    source: ResourceValidationArgs | PolicyResource,
    parent_urn: str | None,
    property_dependencies: Mapping[str, tuple[str, ...]],
) -> Resource:
    provider = source.provider
    return Resource(
        type=source.resource_type,
        name=source.name,
        urn=source.urn,
        props=source.props,
        provider_type=provider.resource_type if provider else None,
        provider_urn=provider.urn if provider else None,
        provider_props=provider.props if provider else {},
        protect=bool(source.opts.protect),
        parent_urn=parent_urn,
        property_dependencies=property_dependencies,
    )


class Stack:
    """Every resource of a stack, indexed for lineage: by URN, dependency, parent and physical name."""

    def __init__(self, resources: Iterable[Resource]) -> None:
        self.resources: list[Resource] = list(resources)
        self._by_urn = {r.urn: r for r in self.resources}
        self._dependents: dict[str, list[tuple[Resource, str]]] = defaultdict(list)
        self._children: dict[str, list[Resource]] = defaultdict(list)
        self._by_name: dict[str, list[Resource]] | None = None
        self._by_type: dict[str, list[Resource]] = defaultdict(list)
        for resource in self.resources:
            self._by_type[resource.type].append(resource)
            for prop, urns in resource.property_dependencies.items():
                for urn in urns:
                    self._dependents[urn].append((resource, prop))
            if resource.parent_urn:
                self._children[resource.parent_urn].append(resource)

    def get(self, urn: str | None) -> Resource | None:
        """The resource with this URN, if it is in the stack."""
        return self._by_urn.get(urn) if urn else None

    def dependencies(self, resource: Resource, prop: str) -> list[Resource]:
        """The resources the value of a top-level input was computed from."""
        urns = resource.property_dependencies.get(prop.split(".")[0].removesuffix("[]"), ())
        return [r for r in (self._by_urn.get(urn) for urn in urns) if r is not None]

    def dependents(self, resource: Resource, props: Iterable[str] | None = None) -> list[Resource]:
        """The resources with an input computed from this one (only those inputs, when props are given)."""
        wanted = set(props) if props is not None else None
        seen: dict[str, Resource] = {}
        for dependent, prop in self._dependents.get(resource.urn, []):
            if wanted is None or prop in wanted:
                seen.setdefault(dependent.urn, dependent)
        return list(seen.values())

    def children(self, resource: Resource) -> list[Resource]:
        """The resources parented to this one (a component's children)."""
        return list(self._children.get(resource.urn, []))

    def named(self, name: str) -> list[Resource]:
        """The resources whose physical name (identifier, bucket, name, ...) is this."""
        if self._by_name is None:
            # Built on first use: most stacks never name a resource instead of referencing it.
            self._by_name = defaultdict(list)
            for resource in self.resources:
                for prop in IDENTITY_PROPERTIES:
                    for found in known_strings(values_at(resource.props, prop)):
                        self._by_name[found].append(resource)
        return list(self._by_name.get(name, []))

    def of_type(self, *types: str) -> list[Resource]:
        """The resources of these types."""
        return [r for t in dict.fromkeys(types) for r in self._by_type.get(t, [])]

    def refers_to(self, referrer: Resource, prop: str, target: Resource) -> bool:
        """Whether an input of referrer names target: by lineage, or by its physical name or ARN."""
        if target in self.dependencies(referrer, prop):
            return True
        target_names = set(
            known_strings([v for p in IDENTITY_PROPERTIES for v in values_at(target.props, p)])
        )
        values = known_strings(values_at(referrer.props, prop))
        return any(v in target_names or v.split(":")[-1].split("/")[-1] in target_names for v in values)
