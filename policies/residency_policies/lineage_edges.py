"""What an edge cache keeps by its own label (reviewer blind-whole15 w14; `residency_facts/edge_caches`).

A distribution in front of an application (a load balancer) copies what the application serves, which the pack
cannot see; a distribution that the program labels says what that is. Its own classification is then a source
of the copy to every edge location, unless every behaviour caches nothing.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from residency_facts.edge_caches import (
    CACHE_POLICY,
    CACHE_POLICY_TTLS,
    CACHING_DISABLED_POLICIES,
    EDGE_BEHAVIOURS,
    LEGACY_TTLS,
    LIGHTSAIL_NO_CACHE,
)

from .locations import Location
from .model import Resource
from .values import Unknown, child, value_at, values_at

if TYPE_CHECKING:
    from .lineage import Lineage


def labelled_edge_cache(lineage: Lineage, resource: Resource) -> list[Location]:
    """The distribution itself, as what it caches at every edge location, when it declares a classification
    and caches anything."""
    if not lineage.declared(resource) or caching_disabled(lineage, resource):
        return []
    return [replace(lineage.locate(resource), via="what it caches at every edge location, by its own label")]


def caching_disabled(lineage: Lineage, resource: Resource) -> bool:
    """Whether every cache behaviour of a distribution caches nothing (see `residency_facts.edge_caches`)."""
    paths = EDGE_BEHAVIOURS.get(resource.type)
    if paths is None:
        return False
    default, ordered = paths
    behaviours = [(default, value_at(resource.props, default))]
    behaviours.extend((ordered, b) for b in values_at(resource.props, ordered))
    behaviours = [(path, b) for path, b in behaviours if b is not None]
    return bool(behaviours) and all(_caches_nothing(lineage, resource, path, b) for path, b in behaviours)


def _caches_nothing(lineage: Lineage, resource: Resource, path: str, behaviour: Any) -> bool:
    if resource.type.startswith("aws:lightsail/"):
        return child(behaviour, "behavior") == LIGHTSAIL_NO_CACHE
    policy = child(behaviour, "cachePolicyId")
    if isinstance(policy, str):
        if policy in CACHING_DISABLED_POLICIES:
            return True
        named = [p for p in lineage.stack.named(policy) if p.type == CACHE_POLICY]
        return bool(named) and all(_policy_caches_nothing(p) for p in named)
    if isinstance(policy, Unknown):
        computed = [d for d in lineage.stack.dependencies(resource, path) if d.type == CACHE_POLICY]
        return bool(computed) and all(_policy_caches_nothing(p) for p in computed)
    return all(_ttl(behaviour, key, LEGACY_TTLS) == 0 for key in ("defaultTtl", "maxTtl"))


def _policy_caches_nothing(policy: Resource) -> bool:
    return all(_ttl(policy.props, key, CACHE_POLICY_TTLS) == 0 for key in CACHE_POLICY_TTLS)


def _ttl(values: Any, key: str, defaults: Any) -> Any:
    value = child(values, key)
    return defaults[key] if value is None else value


__all__ = ["caching_disabled", "labelled_edge_cache"]
