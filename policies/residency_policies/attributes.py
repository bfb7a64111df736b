"""What the rules need to know about any resource: its effective tags, classification and region."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from residency_facts import CLASSIFICATION_TAG, GLOBAL_TYPE_PREFIXES, JURISDICTION_TAG

from .model import Resource, Stack
from .values import UNKNOWN, Unknown, as_mapping, child, elements, value_at

AWS_PROVIDER = "pulumi:providers:aws"
KUBERNETES_PROVIDER = "pulumi:providers:kubernetes"
EKS_CLUSTER = "aws:eks/cluster:Cluster"
STATEFUL_SET = "kubernetes:apps/v1:StatefulSet"

DATA_REGION_INPUTS: dict[str, str] = {
    "aws:rds/snapshotCopy:SnapshotCopy": "destinationRegion",
    "aws:rds/clusterSnapshotCopy:ClusterSnapshotCopy": "destinationRegion",
}
"""Types whose data lands in a region named by an input, not where the resource is managed from."""

REGION_PATTERN = re.compile(r"\b([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d)\b")
"""An AWS region name (eu-west-1, ap-south-2, us-gov-west-1) inside a hostname or a command line."""


def is_aws(resource: Resource) -> bool:
    """Whether the resource is managed by the AWS provider."""
    return resource.type.startswith("aws:")


def is_kubernetes(resource: Resource) -> bool:
    """Whether the resource is a Kubernetes object."""
    return resource.type.startswith("kubernetes:")


def is_global(resource: Resource) -> bool:
    """Whether the resource belongs to a global AWS service, outside every region rule."""
    return resource.type.startswith(GLOBAL_TYPE_PREFIXES)


def is_component(resource: Resource) -> bool:
    """Whether the resource is a component (a grouping of other resources, holding nothing itself)."""
    package = resource.type.split(":")[0]
    return package not in ("aws", "kubernetes", "pulumi", "random", "tls", "command")


def _tag_map(value: Any) -> dict[str, Any] | Unknown | None:
    """A tag map with unknown values kept as UNKNOWN."""
    mapping = as_mapping(value)
    if mapping is None or isinstance(mapping, Unknown):
        return mapping
    return {str(key): child(mapping, key) for key in mapping}


def effective_tags(resource: Resource) -> dict[str, Any] | Unknown:
    """Provider default tags overlaid with the resource's own tags (and `tagsAll` when the engine has it)."""
    tags: dict[str, Any] = {}
    if resource.provider_type == AWS_PROVIDER:
        default_tags = as_mapping(child(resource.provider_props, "defaultTags"))
        defaults = (
            _tag_map(child(default_tags, "tags")) if isinstance(default_tags, Mapping) else default_tags
        )
        if isinstance(defaults, Unknown):
            return UNKNOWN
        tags.update(defaults or {})
    for prop in ("tagsAll", "tags"):
        own = _tag_map(child(resource.props, prop))
        if isinstance(own, Unknown):
            # tagsAll is computed by the provider and often unknown at preview; tags alone still decide.
            if prop == "tags":
                return UNKNOWN
            continue
        tags.update(own or {})
    return tags


def _labels(metadata: Any) -> Mapping[str, Any] | Unknown | None:
    return _tag_map(child(metadata, "labels"))


def classifications(resource: Resource) -> frozenset[str] | Unknown:
    """Every data-classification the resource declares: one tag, or a label per Kubernetes volume template.

    Empty when it declares none; UNKNOWN when the tags or labels are not known at preview.
    """
    found: set[str] = set()
    if is_kubernetes(resource):
        label_sets = [_labels(child(resource.props, "metadata"))]
        if resource.type == STATEFUL_SET:
            for template in elements(value_at(resource.props, "spec.volumeClaimTemplates")):
                label_sets.append(_labels(child(template, "metadata")))
        for labels in label_sets:
            if isinstance(labels, Unknown):
                return UNKNOWN
            value = (labels or {}).get(CLASSIFICATION_TAG)
            if isinstance(value, Unknown):
                return UNKNOWN
            if value is not None:
                found.add(str(value))
        return frozenset(found)
    tags = effective_tags(resource)
    if isinstance(tags, Unknown):
        return UNKNOWN
    value = tags.get(CLASSIFICATION_TAG)
    if isinstance(value, Unknown):
        return UNKNOWN
    return frozenset({str(value)}) if value is not None else frozenset()


def jurisdiction_tag(resource: Resource) -> str | Unknown | None:
    """The jurisdiction tag (AWS) or label (Kubernetes) the resource carries."""
    if is_kubernetes(resource):
        labels = _labels(child(resource.props, "metadata"))
        if isinstance(labels, Unknown):
            return UNKNOWN
        value = (labels or {}).get(JURISDICTION_TAG)
    else:
        tags = effective_tags(resource)
        if isinstance(tags, Unknown):
            return UNKNOWN
        value = tags.get(JURISDICTION_TAG)
    return value if value is None or isinstance(value, Unknown) else str(value)


@dataclass(frozen=True)
class Arn:
    """The parts of an Amazon Resource Name."""

    partition: str
    service: str
    region: str
    account: str
    resource: str

    @property
    def resource_name(self) -> str:
        """The last segment of the resource part: the name or id of the resource."""
        return re.split(r"[:/]", self.resource)[-1]


def parse_arn(text: Any) -> Arn | None:
    """The parts of an ARN, or None when the text is not one."""
    if not isinstance(text, str) or not text.startswith("arn:"):
        return None
    parts = text.split(":", 5)
    if len(parts) < 6:
        return None
    return Arn(partition=parts[1], service=parts[2], region=parts[3], account=parts[4], resource=parts[5])


def region_named_in(text: Any) -> str | None:
    """The region an ARN, endpoint hostname or URL names, if any."""
    arn = parse_arn(text)
    if arn is not None:
        return arn.region or None
    if isinstance(text, str):
        match = REGION_PATTERN.search(text)
        if match:
            return match.group(1)
    return None


def effective_region(resource: Resource, stack: Stack | None = None) -> str | Unknown | None:
    """Where the resource's data lives: its own `region` input, else its provider's region.

    Kubernetes objects live in the region of their cluster, found through the Kubernetes provider's
    kubeconfig: by lineage to the EKS cluster it was built from, else by the region its text names.
    None when there is no region to find (no provider, or not a regional resource).
    """
    if is_aws(resource):
        landing = DATA_REGION_INPUTS.get(resource.type)
        own = child(resource.props, landing) if landing else None
        if own is None or own == "":
            own = child(resource.props, "region")
        if own is not None and own != "":
            return own if isinstance(own, Unknown) else str(own)
        if resource.provider_type != AWS_PROVIDER:
            return None
        region = child(resource.provider_props, "region")
        if region is None or region == "":
            return None
        return region if isinstance(region, Unknown) else str(region)
    if is_kubernetes(resource):
        return kubernetes_cluster_region(resource, stack)
    return None


def kubernetes_cluster_region(resource: Resource, stack: Stack | None) -> str | Unknown | None:
    """The region of the EKS cluster a Kubernetes object is deployed to, through its provider."""
    if resource.provider_type != KUBERNETES_PROVIDER:
        return None
    provider = stack.get(resource.provider_urn) if stack is not None else None
    if provider is not None and stack is not None:
        regions: set[str] = set()
        unknown = False
        for source in stack.dependencies(provider, "kubeconfig"):
            clusters = [source] if source.type == EKS_CLUSTER else []
            if is_component(source):
                clusters = [c for c in stack.children(source) if c.type == EKS_CLUSTER]
            for cluster in clusters:
                region = effective_region(cluster, stack)
                if isinstance(region, str):
                    regions.add(region)
                else:
                    unknown = True
        if len(regions) == 1 and not unknown:
            return regions.pop()
        if regions or unknown:
            return UNKNOWN
    kubeconfig = child(resource.provider_props, "kubeconfig")
    if isinstance(kubeconfig, Unknown):
        return UNKNOWN
    if isinstance(kubeconfig, str):
        named = set(REGION_PATTERN.findall(kubeconfig))
        if len(named) == 1:
            return named.pop()
        return UNKNOWN if named else None
    return None
