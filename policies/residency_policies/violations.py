"""A broken rule, in a message saying what is wrong, on which resource, why it matters and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass

from .model import Resource


@dataclass(frozen=True)
class Violation:
    """One broken rule on one resource, or on the whole stack when urn is None."""

    urn: str | None
    message: str


def violation(resource: Resource | None, what: str, why: str, fix: str) -> Violation:
    """A violation whose message names the resource by type and name."""
    subject = f"{resource.label}: " if resource is not None else ""
    return Violation(
        urn=resource.urn if resource is not None else None,
        message=f"{subject}{what}. Why it matters: {why} How to fix: {fix}",
    )
