"""Rule 1, data-classification-required: every data-holding resource says what kind of data it holds."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from residency_facts import CLASSIFICATION_TAG, CLASSIFICATIONS, DATA_HOLDING_TYPES

from .attributes import STATEFUL_SET, classifications, effective_tags, is_kubernetes
from .model import Resource, Stack
from .settings import Settings
from .values import Unknown, child, elements, value_at
from .violations import Violation, violation

NAME = "data-classification-required"
DESCRIPTION = (
    "Every data-holding resource (databases, buckets, volumes, snapshots, caches, streams, secrets, vaults, "
    "Kubernetes volume claims) carries a valid data-classification tag or label."
)


def is_data_holding(resource: Resource, settings: Settings | None = None) -> bool:
    """Whether the resource stores data at rest, by the shared list of types (and the configured extras)."""
    extra = settings.additional_data_holding_types if settings is not None else frozenset()
    return resource.type in DATA_HOLDING_TYPES or resource.type in extra


def protected_stores(stack: Stack, settings: Settings) -> Iterator[tuple[Resource, frozenset[str]]]:
    """The data-holding resources that declare a protected classification, each with those it declares."""
    for resource in stack.resources:
        if not is_data_holding(resource, settings):
            continue
        declared = classifications(resource)
        # A classification unknown at preview is reported by data-classification-required, not here.
        protected = declared & settings.protected_classifications if isinstance(declared, frozenset) else None
        if protected:
            yield resource, protected


def check(resource: Resource, settings: Settings) -> list[Violation]:
    """Violations of data-classification-required by one resource."""
    if not is_data_holding(resource, settings):
        return []
    if resource.type == STATEFUL_SET:
        templates = elements(value_at(resource.props, "spec.volumeClaimTemplates"))
        problems = []
        for index, template in enumerate(templates):
            metadata = child(template, "metadata")
            name = child(metadata, "name")
            where = (
                f"volume claim template '{name}'"
                if isinstance(name, str)
                else f"volume claim template {index}"
            )
            problem = _problem(child(metadata, "labels"), "label")
            if problem:
                problems.append(_violation(resource, f"{where} {problem}", "label", settings))
        return problems
    if is_kubernetes(resource):
        problem = _problem(child(child(resource.props, "metadata"), "labels"), "label")
        return [_violation(resource, problem, "label", settings)] if problem else []
    problem = _problem(effective_tags(resource), "tag")
    return [_violation(resource, problem, "tag", settings)] if problem else []


def _problem(tags: Any, kind: str) -> str | None:
    """What is wrong with the classification in a tag or label map, or None when it is valid."""
    if isinstance(tags, Unknown):
        return (
            f"has {kind}s that are unknown at preview, so its {CLASSIFICATION_TAG} {kind} cannot be verified"
        )
    value = child(tags, CLASSIFICATION_TAG) if tags is not None else None
    if value is None:
        return f"has no {CLASSIFICATION_TAG} {kind}"
    if isinstance(value, Unknown):
        return f"has a {CLASSIFICATION_TAG} {kind} that is unknown at preview"
    if value not in CLASSIFICATIONS:
        return f"has {CLASSIFICATION_TAG}={value!r}, which is not a known classification"
    return None


def _violation(resource: Resource, problem: str, kind: str, settings: Settings) -> Violation:
    return violation(
        resource,
        f"data-holding resource {problem}",
        f"the residency rules find personal data by its classification; an unclassified store could hold "
        f"personal data protected by {settings.law} and escape every rule that keeps it in its region.",
        f"give it the {kind} {CLASSIFICATION_TAG} with one of {sorted(CLASSIFICATIONS)} "
        f"(pii for personal data, anonymised only for data with identifiers removed).",
    )
