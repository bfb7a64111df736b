"""Rule 6, pii-not-public, for what a backup restore recreates: a Kasten TransformSet that rewrites how the
restored objects are published.

A restore (a RestoreAction, a restore policy) recreates the objects of a restore point in the cluster, none of
which the stack declares, after applying the JSON patches of the TransformSets it names. A transform that
rewrites a Service, an Ingress, a Gateway API object or a TargetGroupBinding, or sets host networking or a
host port on a pod template, may publish a restored copy of personal data that the original did not, and the
pack cannot see the objects it applies to: in a cluster that holds PII, it fails closed. Other transforms
(replicas, deadlines, resources) change no exposure (decision, policies/README.md).
"""

from __future__ import annotations

from typing import Any

from residency_facts.operators import KASTEN_TRANSFORMS

from .exposure_services import kind_tokens
from .lineage import Lineage
from .model import Stack
from .settings import Settings
from .values import Unknown, child, elements, value_at
from .violations import Violation, exposure_violation

PUBLISHING_RESOURCES = frozenset(
    {
        "services",
        "ingresses",
        "gateways",
        "httproutes",
        "grpcroutes",
        "tcproutes",
        "tlsroutes",
        "udproutes",
        "targetgroupbindings",
        "globalaccelerators",
    }
)
"""Resources (as a transform's `subject.resource` names them) that publish what they route to."""
HOST_FIELDS = ("hostNetwork", "hostPort")
"""Fields of a pod spec by which a restored pod listens on its node's addresses."""


def transform_exposure(stack: Stack, lineage: Lineage, settings: Settings) -> list[Violation]:
    """TransformSets that rewrite how restored objects are published, in a cluster that holds PII."""
    found: list[Violation] = []
    for transforms in stack.of_type(*kind_tokens(stack, (KASTEN_TRANSFORMS,))):
        holders = sorted(
            r.label
            for r in stack.resources
            if r.provider_urn == transforms.provider_urn
            and r.type.startswith("kubernetes:")
            and lineage.effective(r) & settings.protected_classifications
        )
        if not holders:
            continue
        rewrites = _publishing(value_at(transforms.props, "spec.transforms"))
        if not rewrites:
            continue
        found.append(
            exposure_violation(
                transforms,
                f"{', '.join(sorted(settings.protected_classifications))} data of its cluster",
                f"{transforms.label} rewrites how the objects a restore recreates are published "
                f"({'; '.join(rewrites)}), and those objects, copies of what the restore point holds, are "
                f"not declared in this stack, in a cluster that holds {', '.join(holders[:3])}",
                "restore without transforms that touch Services, Ingresses, routes, load balancer bindings "
                "or host networking (restore the objects as the stack declares them), or restore into a "
                "cluster that holds no personal data.",
                settings,
            )
        )
    return found


def _publishing(transforms: Any) -> list[str]:
    """The transforms that may publish a restored object, in words."""
    if isinstance(transforms, Unknown):
        return ["its transforms are unknown at preview"]
    found = []
    for transform in elements(transforms):
        name = child(transform, "name")
        shown = repr(name) if isinstance(name, str) else "a transform"
        resource = child(child(transform, "subject"), "resource")
        if isinstance(transform, Unknown) or isinstance(resource, Unknown):
            found.append(f"{shown}, whose subject is unknown at preview")
        elif resource in (None, "") or str(resource).lower() in PUBLISHING_RESOURCES:
            found.append(f"{shown} of {resource or 'every resource'}")
        else:
            paths = [child(op, "path") for op in elements(child(transform, "json"))]
            if any(isinstance(p, Unknown) for p in paths) or any(
                isinstance(p, str) and field in p for p in paths for field in HOST_FIELDS
            ):
                found.append(f"{shown} of {resource} ({', '.join(str(p) for p in paths)})")
    return found
