"""A broken rule, in a message saying what is wrong, on which resource, why it matters and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass

from .model import Resource
from .settings import Settings


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


def exposure_violation(
    resource: Resource, kinds: str, problem: str, fix: str, settings: Settings
) -> Violation:
    """A pii-not-public violation: what is reachable from outside its store's VPC, and how (shared by the
    exposure modules, which judge the network, the front doors and the Kubernetes publishers)."""
    return violation(
        resource,
        f"{kinds} is reachable from outside its store's own VPC: {problem}",
        f"personal data protected by {settings.law} must be reachable only by this region's services; a "
        "public endpoint or a CIDR outside the VPC (the internet, or a peered VPC in another region) lets it "
        "be read from elsewhere.",
        fix,
    )
