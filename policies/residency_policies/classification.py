"""Rule 1, data-classification-required: every data-holding resource says what kind of data it holds."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from residency_facts import CLASSIFICATION_TAG, CLASSIFICATIONS, LAUNCHING_TYPES, Category, mechanisms
from residency_facts.operators import CLAIM_TYPES, CLAIMS_ONLY_WHEN_SET, OPERATOR_VOLUME_CLAIMS

from .attributes import (
    STATEFUL_SET,
    classifications,
    effective_tags,
    ephemeral_claim_templates,
    is_kubernetes,
)
from .model import Resource, Stack
from .node_volumes import node_data_volumes
from .settings import Settings
from .values import Unknown, child, elements, is_set, value_at, values_at
from .violations import Violation, violation

NAME = "data-classification-required"
DESCRIPTION = (
    "Every data-holding resource (databases, buckets, volumes, snapshots, caches, streams, secrets, vaults, "
    "user directories, instances' volumes, Kubernetes volume claims: every type the triage places under "
    "holds data) carries a valid data-classification tag or label."
)

LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
LAUNCH_TEMPLATE_INPUTS = (
    "launchTemplate",
    "launchConfiguration",
    "mixedInstancesPolicy",
    "launchTemplateConfigs",
)
"""Where a resource that launches instances names the launch template that declares their volumes' tags."""


def is_data_holding(resource: Resource, settings: Settings | None = None) -> bool:
    """Whether the resource stores data at rest: by the triage table (and the configured extras)."""
    extra = settings.additional_data_holding_types if settings is not None else frozenset()
    return (
        resource.is_a(Category.HOLDS)
        or resource.type in extra
        or holds_ephemeral_volumes(resource)
        or bool(node_data_volumes(resource))
    )


def holds_ephemeral_volumes(resource: Resource) -> bool:
    """A workload whose pods get generic ephemeral volumes holds data at rest in the claims they create,
    whatever its kind (a Deployment, a DaemonSet, a Job, ...)."""
    if "ephemeral" not in resource.memo:
        resource.memo["ephemeral"] = bool(ephemeral_claim_templates(resource))
    holds: bool = resource.memo["ephemeral"]
    return holds


CLASSIFIED_BY_PARENT: dict[str, tuple[str, str]] = mechanisms.CHILD_HOLDERS
"""Holders that take no tags and live in a parent (path, what the child is): lineage classifies each from
its parent (a `mechanisms` copy from that path), whatever its provider's `defaultTags` say, and it needs no
label of its own when the parent is a resource of the stack; a parent the stack does not declare (a literal
id) leaves it to its provider's `defaultTags`, which must then classify it."""

CLASSIFIED_BY_LINEAGE: dict[str, str] = {
    "aws:dms/replicationInstance:ReplicationInstance": (
        "a replication instance holds only what the DMS tasks that run on it move (each task names it as "
        "where its data is in flight), so lineage classifies it and rules 5 to 7 judge what it inherits"
    ),
    "aws:cloudwatch/eventArchive:EventArchive": (
        "an archive takes no tags (CreateArchive has none, nor has the SDK's EventArchive) and keeps what "
        "its event bus (`eventSourceArn`) carries, so lineage classifies it from the bus"
    ),
    **{
        token: f"takes no tags and holds what its parent (`{path}`) holds: {what}"
        for token, (path, what) in CLASSIFIED_BY_PARENT.items()
    },
}
"""Data holders that hold only what the stack's copies put in them: they need no label of their own (one
they declare must still be valid; a child of `CLASSIFIED_BY_PARENT` needs one when its parent is not in the
stack). `tests/policies/test_triage.py` fails on a holder type the SDK gives no `tags` input that is neither
here nor in `UNTAGGABLE_HOLDERS`."""

UNTAGGABLE_HOLDERS: dict[str, str] = {
    **{
        token: "takes no tags and has no parent the stack can declare (an Identity Center store is AWS's), "
        "or none that holds its data (what it holds is written by code or is its own input): its "
        "classification is read from its provider's `defaultTags`"
        for token in (
            "aws:identitystore/user:User",
            "aws:cloudsearch/domain:Domain",
            "aws:cloudwatchomni/space:Space",
            "aws:iot/indexingConfiguration:IndexingConfiguration",
            "aws:kms/ciphertext:Ciphertext",
        )
    },
    "aws:ec2/launchConfiguration:LaunchConfiguration": "takes no tags: the groups that launch from it "
    "declare their instances' volumes' classification (`LAUNCHING_TYPES`)",
}
"""Data holders the SDK gives no `tags` input that are not classified by lineage, each with how they are
classified instead."""


def _parent_in_stack(resource: Resource, stack: Stack) -> bool:
    """Whether a child of `CLASSIFIED_BY_PARENT` names a parent the stack declares (by lineage or id)."""
    path = CLASSIFIED_BY_PARENT[resource.type][0]
    if stack.dependencies(resource, path):
        return True
    return any(stack.named(v) for v in values_at(resource.props, path) if isinstance(v, str))


def launch_templates(resource: Resource, stack: Stack) -> list[Resource] | None:
    """The stack's launch templates a resource launches instances from; None when it names none."""
    if resource.type not in LAUNCHING_TYPES or resource.type == LAUNCH_TEMPLATE:
        return None
    named = [path for path in LAUNCH_TEMPLATE_INPUTS if is_set(value_at(resource.props, path))]
    if not named:
        return None
    found: dict[str, Resource] = {}
    for path in named:
        for template in stack.dependencies(resource, path):
            if template.type in LAUNCHING_TYPES:
                found.setdefault(template.urn, template)
        if not found:
            for value in values_at(resource.props, path + ".id") + elements(
                value_at(resource.props, path + ".name")
            ):
                if isinstance(value, str):
                    for template in stack.named(value):
                        if template.type in LAUNCHING_TYPES:
                            found.setdefault(template.urn, template)
    return list(found.values())


def declared_classifications(resource: Resource, stack: Stack) -> frozenset[str] | Unknown:
    """What a resource declares it holds; for an instance launcher without its own, its launch template's."""
    declared = classifications(resource)
    if isinstance(declared, frozenset) and not declared:
        templates = launch_templates(resource, stack)
        if templates:
            found: set[str] = set()
            for template in templates:
                theirs = classifications(template)
                if isinstance(theirs, Unknown):
                    return theirs
                found |= theirs
            return frozenset(found)
    return declared


def protected_stores(
    stack: Stack, settings: Settings, effective: Any = None
) -> Iterator[tuple[Resource, frozenset[str]]]:
    """The data-holding resources that hold a protected classification, each with those it holds.

    With `effective` (a Lineage), what a store holds includes what it received from upstream, whatever its
    own label says; without it, only what it declares.
    """
    for resource in stack.resources:
        if not is_data_holding(resource, settings):
            continue
        if effective is not None:
            held: frozenset[str] | None = effective.effective(resource)
        else:
            declared = declared_classifications(resource, stack)
            # A classification unknown at preview is reported by data-classification-required, not here.
            held = declared if isinstance(declared, frozenset) else None
        protected = held & settings.protected_classifications if held is not None else None
        if protected:
            yield resource, protected


def held(lineage: Any, resource: Resource, protected: frozenset[str]) -> str:
    """What protected data a store holds, in words: `pii data`, or the chain it inherited it through."""
    kinds = ", ".join(sorted(protected))
    inherited = sorted(protected & lineage.inherited(resource))
    if not inherited:
        return f"{kinds} data"
    return (
        f"{kinds} data (inherited through lineage: {lineage.chain(lineage.locate(resource), inherited[0])})"
    )


def check(stack: Stack, settings: Settings) -> list[Violation]:
    """Violations of data-classification-required in a stack."""
    found: list[Violation] = []
    for resource in stack.resources:
        if is_data_holding(resource, settings):
            found.extend(check_resource(resource, stack, settings))
    return found


def check_resource(resource: Resource, stack: Stack, settings: Settings) -> list[Violation]:
    """Violations of data-classification-required by one data-holding resource."""
    ephemeral = ephemeral_claim_templates(resource)
    if resource.type == STATEFUL_SET or resource.type.split(":")[-1] == "StatefulSet" or ephemeral:
        templates = values_at(resource.props, "spec.volumeClaimTemplates")
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
        for volume, template in ephemeral:
            # The claim Kubernetes creates for each pod carries the template's labels, not the workload's.
            problem = _problem(child(child(template, "metadata"), "labels"), "label")
            if problem:
                where = f"ephemeral volume '{volume}' (its volumeClaimTemplate)"
                problems.append(_violation(resource, f"{where} {problem}", "label", settings))
        return problems
    if is_kubernetes(resource):
        problem = _problem(child(child(resource.props, "metadata"), "labels"), "label")
        return [_violation(resource, problem, "label", settings)] if problem else []
    declared = declared_classifications(resource, stack)
    if isinstance(declared, frozenset) and declared and declared <= CLASSIFICATIONS:
        return []
    unlabelled_child = resource.type in CLASSIFIED_BY_LINEAGE and declared == frozenset()
    if unlabelled_child and (resource.type not in CLASSIFIED_BY_PARENT or _parent_in_stack(resource, stack)):
        return []
    launchers = launch_templates(resource, stack)
    if launchers == [] and not is_set(child(effective_tags(resource), CLASSIFICATION_TAG)):
        return [
            _violation(
                resource,
                "launches instances from a launch template that is not in this stack, so its volumes' "
                f"{CLASSIFICATION_TAG} cannot be verified, and has no {CLASSIFICATION_TAG} tag of its own",
                "tag",
                settings,
            )
        ]
    problem = _problem(effective_tags(resource), "tag")
    if problem is None and resource.type in LAUNCHING_TYPES:
        return []
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
        f"(pii for personal data, anonymised only for data with identifiers removed); for instances, on "
        "their volumes (volume_tags, or a launch template's volume tag specification).",
    )


STORAGE_CLASSES = (
    "kubernetes:storage.k8s.io/v1:StorageClass",
    "kubernetes:storage.k8s.io/v1beta1:StorageClass",
)
DEFAULT_CLASS_ANNOTATIONS = (
    "storageclass.kubernetes.io/is-default-class",
    "storageclass.beta.kubernetes.io/is-default-class",
)
"""The annotations that make a StorageClass the one a claim without `storageClassName` gets."""


def claim_specs(resource: Resource) -> list[Any]:
    """The volume claim specs of a Kubernetes object: a claim's own, a StatefulSet's templates', or those of
    its pods' generic ephemeral volumes."""
    ephemeral = [child(template, "spec") for _, template in ephemeral_claim_templates(resource)]
    _, group_version, kind = [*resource.type.split(":"), "", ""][:3]
    key = f"{group_version.split('/')[0]}:{kind}"
    operator = OPERATOR_VOLUME_CLAIMS.get(key)
    if operator is not None:
        # An operator's database cluster: the claims it creates use the StorageClass its spec names.
        specs: list[Any] = []
        claim_type = CLAIM_TYPES.get(key)
        for index, (path, keys) in enumerate(operator):
            found = values_at(resource.props, path)
            specs.extend(
                {"storageClassName": next((c for k in keys if is_set(c := value_at(spec, k))), None)}
                for spec in found
                if is_set(spec) and (claim_type is None or _is_claim(spec, claim_type))
            )
            if index == 0 and not found and key not in CLAIMS_ONLY_WHEN_SET:
                specs.append({})
        return specs + ephemeral
    if resource.type.endswith(":StatefulSet"):
        templates = values_at(resource.props, "spec.volumeClaimTemplates")
        return [child(t, "spec") for t in templates] + ephemeral
    if ephemeral:
        return ephemeral
    return [child(resource.props, "spec")]


def _is_claim(spec: Any, claim_type: tuple[str, frozenset[str]]) -> bool:
    """Whether an operator's storage spec is a claim by its type field (unset or unknown: it may be)."""
    found = value_at(spec, claim_type[0])
    return not isinstance(found, str) or found in claim_type[1]


def storage_classes(spec: Any, resource: Resource, stack: Stack) -> tuple[list[Resource], str]:
    """The stack's StorageClasses a claim spec uses, and how it names its class (for messages).

    A claim that names none gets its cluster's default class: the one annotated is-default-class.
    """
    name = child(spec, "storageClassName")
    classes = [c for c in stack.of_type(*STORAGE_CLASSES) if c.provider_urn == resource.provider_urn]
    if isinstance(name, str):
        return [c for c in classes if value_at(c.props, "metadata.name") == name], name
    if isinstance(name, Unknown):
        return [c for c in stack.dependencies(resource, "spec") if c.type in STORAGE_CLASSES], "(unknown)"
    defaults = [
        c
        for c in classes
        if any(
            str(child(child(child(c.props, "metadata"), "annotations"), key)).lower() == "true"
            for key in DEFAULT_CLASS_ANNOTATIONS
        )
    ]
    return defaults, "(the cluster's default)"
