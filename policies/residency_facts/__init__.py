"""Shared facts of the residency model: jurisdictions, classifications, tag keys and resource types.

Everything that the program, the policy pack and the offline preview must agree on is defined here once.
This module imports nothing from Pulumi so that the policy pack can load it on every preview for free. The
triage of every resource type is in `triage`, how each type copies, points at or grants access to data in
`mechanisms`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from . import mechanisms, triage
from .mechanisms import ANY, GRANTS, POINTERS, SELF, SERVED_FROM, SERVED_THROUGH, CopyMechanism, Grant
from .triage import Category, Placement, categories_of, placement

CLASSIFICATION_TAG = "data-classification"
"""Tag (AWS) and label (Kubernetes) that states what kind of data a resource holds."""

JURISDICTION_TAG = "jurisdiction"
"""Tag naming the jurisdiction whose law governs the data in a resource."""

MANAGED_BY_TAG = "managed-by"
"""Tag naming the tool that owns a resource."""

MANAGED_BY = "pulumi"


class Classification(StrEnum):
    """What kind of data a resource holds; the residency rules key on it."""

    PII = "pii"
    TELEMETRY = "telemetry"
    ANONYMISED = "anonymised"
    INTERNAL = "internal"
    PUBLIC = "public"


CLASSIFICATIONS: frozenset[str] = frozenset(c.value for c in Classification)

RESIDENT_CLASSIFICATIONS: frozenset[str] = frozenset(
    {Classification.PII.value, Classification.TELEMETRY.value}
)
"""Classifications whose data must stay inside the jurisdiction: personal data and raw telemetry."""


@dataclass(frozen=True)
class Jurisdiction:
    """A legal area whose personal data must stay in the cloud regions inside it."""

    code: str
    name: str
    law: str
    regions: frozenset[str]


JURISDICTIONS: dict[str, Jurisdiction] = {
    "EU": Jurisdiction(
        code="EU",
        name="European Union",
        law="GDPR",
        # Only regions physically inside the EU: London (eu-west-2) and Zurich (eu-central-2) are outside it.
        regions=frozenset(
            {"eu-west-1", "eu-west-3", "eu-central-1", "eu-north-1", "eu-south-1", "eu-south-2"}
        ),
    ),
    "IN": Jurisdiction(
        code="IN",
        name="India",
        law="Digital Personal Data Protection Act, 2023",
        regions=frozenset({"ap-south-1", "ap-south-2"}),
    ),
}
"""Known jurisdictions: a new region in one is configuration; a new jurisdiction is a reviewed entry here."""


def jurisdiction_of_region(region: str) -> Jurisdiction | None:
    """The jurisdiction that contains an AWS region, or None when no known jurisdiction does."""
    for jurisdiction in JURISDICTIONS.values():
        if region in jurisdiction.regions:
            return jurisdiction
    return None


GLOBAL_TYPE_PREFIXES: tuple[str, ...] = (
    "aws:route53/",
    "aws:iam/",
    "aws:cloudfront/",
    "aws:organizations/",
    "aws:globalaccelerator/",
    "aws:shield/",
)
"""AWS services that are global, not regional: the region rules do not apply to their resources, except to
those that hold data (`GLOBAL_HOLDERS`)."""

GLOBAL_HOLDERS: Mapping[str, str] = MappingProxyType(
    {
        "aws:cloudfront/keyValueStore:KeyValueStore": (
            "CloudFront keeps a key value store at every edge location, where its functions read it"
        ),
    }
)
"""Where a holder of a global service keeps its data; any other type of a global service that the triage
places among the holders keeps it outside every region too, for a reason the message leaves general."""

LAUNCHING_TYPES: frozenset[str] = frozenset(
    {
        "aws:ec2/instance:Instance",
        "aws:ec2/launchTemplate:LaunchTemplate",
        "aws:ec2/launchConfiguration:LaunchConfiguration",
        "aws:ec2/spotInstanceRequest:SpotInstanceRequest",
        "aws:ec2/spotFleetRequest:SpotFleetRequest",
        "aws:ec2/fleet:Fleet",
        "aws:autoscaling/group:Group",
        "aws:eks/nodeGroup:NodeGroup",
    }
)
"""Data holders whose data lives on the EBS volumes they launch: their classification is declared on those
volumes (a launch template's volume tag specification, an instance's volume tags) or on the launch template
they use, and otherwise in their own tags."""

KUBERNETES_DATA_HOLDING_TYPES: frozenset[str] = frozenset(
    {
        "kubernetes:core/v1:PersistentVolumeClaim",
        "kubernetes:core/v1:PersistentVolume",
        "kubernetes:apps/v1:StatefulSet",
    }
)
"""The current versions of the Kubernetes objects that hold data (a StatefulSet through its volume claim
templates); `triage.KUBERNETES` places every version."""

AWS_DATA_HOLDING_TYPES: frozenset[str] = triage.types_in(Category.HOLDS) - LAUNCHING_TYPES
"""AWS resources that store data at rest and declare their classification in their own tags."""

DATA_HOLDING_TYPES: frozenset[str] = AWS_DATA_HOLDING_TYPES | LAUNCHING_TYPES | KUBERNETES_DATA_HOLDING_TYPES
"""Every data-holding type token of pulumi-aws, and the current Kubernetes ones."""

COPY_MECHANISMS = mechanisms.COPY_MECHANISMS
REPLICATING_TYPES: frozenset[str] = frozenset(COPY_MECHANISMS)
"""Resource types that can copy data somewhere else; the replication rules inspect each of them."""

ENDPOINT_LOCATIONS = mechanisms.POINTERS
"""Resources that only point at data held elsewhere, with the properties that say where that data lives."""

NON_DATA_ARN_SERVICES = frozenset(
    {
        "iam",
        "sts",
        "acm",
        "acm-pca",
        "kms",
        "ec2",
        "ssm",
        "secretsmanager",
        "cloudformation",
        "codebuild",
        "ecr",
    }
)
"""Services whose ARNs, when a resource merely mentions them in a free-form input (a role, a key, a subnet),
name no data."""

__all__ = [
    "ANY",
    "AWS_DATA_HOLDING_TYPES",
    "CLASSIFICATIONS",
    "CLASSIFICATION_TAG",
    "COPY_MECHANISMS",
    "DATA_HOLDING_TYPES",
    "ENDPOINT_LOCATIONS",
    "GLOBAL_HOLDERS",
    "GLOBAL_TYPE_PREFIXES",
    "GRANTS",
    "JURISDICTIONS",
    "JURISDICTION_TAG",
    "KUBERNETES_DATA_HOLDING_TYPES",
    "LAUNCHING_TYPES",
    "MANAGED_BY",
    "MANAGED_BY_TAG",
    "NON_DATA_ARN_SERVICES",
    "POINTERS",
    "REPLICATING_TYPES",
    "RESIDENT_CLASSIFICATIONS",
    "SELF",
    "SERVED_FROM",
    "SERVED_THROUGH",
    "Category",
    "Classification",
    "CopyMechanism",
    "Grant",
    "Jurisdiction",
    "Placement",
    "categories_of",
    "jurisdiction_of_region",
    "placement",
]
