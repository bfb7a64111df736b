"""What each recorded resource means for residency: its effective region and its data classification.

Effective region, as the policy pack reasons: a resource's own `region` input (pulumi-aws v7), else its
provider's `region`. Global services (Route 53, IAM, ...) are `global`. A Kubernetes object lives where its
cluster lives: the region of the EKS cluster that its Kubernetes provider's kubeconfig was built from, found
through the provider's property dependencies. Classification: the `data-classification` tag (provider default
tags merged under the resource's own tags) or Kubernetes label (a StatefulSet's volume claim templates count).
"""

from __future__ import annotations

import json
from collections import deque
from dataclasses import dataclass
from typing import Any

from offline_preview import wire
from offline_preview.wire import SECRET_SIGNATURE, SIGNATURE_KEY
from residency_facts import CLASSIFICATION_TAG, DATA_HOLDING_TYPES, GLOBAL_TYPE_PREFIXES

UNKNOWN_SENTINELS = frozenset(
    {
        wire.UNKNOWN,
        "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
        "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
        "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
        "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
    }
)
UNKNOWN = "unknown"
"""What a region or classification reads as when it is computed and so not known at preview."""

EKS_CLUSTER = "aws:eks/cluster:Cluster"


def plain(value: Any) -> Any:
    """A wire value without secret wrappers (the residency facts of a secret are not themselves secret)."""
    if isinstance(value, dict):
        if value.get(SIGNATURE_KEY) == SECRET_SIGNATURE:
            return plain(value.get("value"))
        return {key: plain(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [plain(inner) for inner in value]
    return value


def is_unknown(value: Any) -> bool:
    """Whether a wire value is a preview unknown."""
    return isinstance(value, str) and value in UNKNOWN_SENTINELS


@dataclass(frozen=True)
class ResourceView:
    """One resource in the preview, with its residency facts."""

    urn: str
    type: str
    name: str
    parent: str | None
    provider: str | None
    region: str | None
    region_note: str
    classification: str | None
    custom: bool
    data_holding: bool

    def to_json(self) -> dict[str, Any]:
        """The issue's JSON shape for a resource."""
        return {
            "urn": self.urn,
            "type": self.type,
            "name": self.name,
            "parent": self.parent,
            "provider": self.provider,
            "region": self.region,
            "classification": self.classification,
        }


def _provider_urn(reference: str) -> str:
    """The URN part of a provider reference `urn::id`."""
    return reference.rsplit("::", 1)[0] if reference else ""


def _region_input(registration: dict[str, Any]) -> str | None:
    """The registration's own `region` input: the value, `unknown`, or None when it has none."""
    value = plain(registration.get("inputs", {}).get("region"))
    if value is None or value == "":
        return None
    return UNKNOWN if is_unknown(value) else str(value)


def _tags(value: Any) -> dict[str, Any] | str | None:
    """A tags map from the wire; `unknown` when the whole map is computed."""
    value = plain(value)
    if is_unknown(value):
        return UNKNOWN
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            return None
    return value if isinstance(value, dict) else None


class Inventory:
    """Residency facts for every recorded registration."""

    def __init__(self, registrations: list[dict[str, Any]]) -> None:
        self.registrations = registrations
        self.by_urn = {registration["urn"]: registration for registration in registrations}

    def provider_of(self, registration: dict[str, Any]) -> dict[str, Any] | None:
        """The provider registration a custom resource uses."""
        return self.by_urn.get(_provider_urn(registration.get("provider") or ""))

    def cluster_of(self, registration: dict[str, Any]) -> dict[str, Any] | None:
        """The EKS cluster a Kubernetes provider's kubeconfig derives from, through its dependencies."""
        seen: set[str] = set()
        queue: deque[str] = deque()
        for urns in (registration.get("property_dependencies") or {}).values():
            queue.extend(urns)
        queue.extend(registration.get("dependencies") or [])
        while queue:
            urn = queue.popleft()
            if urn in seen:
                continue
            seen.add(urn)
            candidate = self.by_urn.get(urn)
            if candidate is None:
                continue
            if candidate["type"] == EKS_CLUSTER:
                return candidate
            queue.extend(candidate.get("dependencies") or [])
        return None

    def region(self, registration: dict[str, Any]) -> tuple[str | None, str]:
        """The effective region and a note on where it came from."""
        resource_type = registration["type"]
        if resource_type.startswith(GLOBAL_TYPE_PREFIXES):
            return "global", "global service"
        if resource_type == "pulumi:providers:kubernetes":
            cluster = self.cluster_of(registration)
            if cluster is None:
                return None, "k8s (cluster region)"
            region, _ = self.region(cluster)
            return region, f"k8s cluster {cluster['name']}"
        if resource_type.startswith("pulumi:providers:"):
            own = _region_input(registration)
            return (own, "provider config") if own else (None, "")
        if not registration.get("custom"):
            return None, ""
        own = _region_input(registration)
        if own is not None:
            return own, "resource region"
        provider = self.provider_of(registration)
        if provider is None:
            return None, ""
        region, note = self.region(provider)
        if resource_type.startswith("kubernetes:"):
            return region, note or "k8s (cluster region)"
        if region is None:
            return None, ""
        return region, (
            "default provider" if provider.get("default_provider") else f"provider {provider['name']}"
        )

    def classification(self, registration: dict[str, Any]) -> str | None:
        """The `data-classification` tag or label, `unknown` when computed, None when absent."""
        inputs = plain(registration.get("inputs") or {})
        resource_type = registration["type"]
        if resource_type.startswith("kubernetes:"):
            candidates = [((inputs.get("metadata") or {}).get("labels"))]
            for template in (inputs.get("spec") or {}).get("volumeClaimTemplates") or []:
                if isinstance(template, dict):
                    candidates.append((template.get("metadata") or {}).get("labels"))
            for labels in candidates:
                labels = _tags(labels)
                if labels == UNKNOWN:
                    return UNKNOWN
                if isinstance(labels, dict) and CLASSIFICATION_TAG in labels:
                    return (
                        UNKNOWN if is_unknown(labels[CLASSIFICATION_TAG]) else str(labels[CLASSIFICATION_TAG])
                    )
            return None
        effective: dict[str, Any] = {}
        provider = self.provider_of(registration)
        if provider is not None:
            default_tags = _tags(provider.get("inputs", {}).get("defaultTags"))
            if isinstance(default_tags, dict):
                provider_tags = _tags(default_tags.get("tags"))
                if isinstance(provider_tags, dict):
                    effective.update(provider_tags)
        tags = _tags(inputs.get("tags"))
        if tags == UNKNOWN:
            return UNKNOWN
        if isinstance(tags, dict):
            effective.update(tags)
        value = effective.get(CLASSIFICATION_TAG)
        if value is None:
            return None
        return UNKNOWN if is_unknown(value) else str(value)

    def views(self) -> list[ResourceView]:
        """Every registration with its residency facts, in registration order."""
        result = []
        for registration in self.registrations:
            region, note = self.region(registration)
            provider = _provider_urn(registration.get("provider") or "") or None
            result.append(
                ResourceView(
                    urn=registration["urn"],
                    type=registration["type"],
                    name=registration["name"],
                    parent=registration.get("parent") or None,
                    provider=provider,
                    region=region,
                    region_note=note,
                    classification=self.classification(registration),
                    custom=bool(registration.get("custom")),
                    data_holding=registration["type"] in DATA_HOLDING_TYPES,
                )
            )
        return result
