"""Which configuration a Kubernetes workload reads: the ConfigMaps and Secrets its pods mount or take their
environment from, those a Kafka config provider placeholder names, and the other members of a Strimzi
Connect cluster (which run in one worker, with one configuration). What that configuration names is read
by `lineage_code`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from residency_facts import ANY

from .attributes import is_kubernetes
from .locations import mechanism_key
from .model import Resource
from .values import Unknown, child, known_strings, value_at

if TYPE_CHECKING:
    from .lineage import Lineage


def kafka_connect_group(lineage: Lineage, resource: Resource) -> list[Resource]:
    """The other members of a Strimzi Kafka Connect cluster: the KafkaConnect and the KafkaConnectors
    assigned to it (label strimzi.io/cluster), in its namespace."""
    key = mechanism_key(resource.type)
    if key not in KAFKA_CONNECT_KINDS:
        return []
    namespace = value_at(resource.props, "metadata.namespace")
    if key == "kafka.strimzi.io:KafkaConnect":
        cluster = value_at(resource.props, "metadata.name")
    else:
        cluster = child(value_at(resource.props, "metadata.labels"), STRIMZI_CLUSTER_LABEL)
    found = []
    for member in lineage.stack.resources:
        member_key = mechanism_key(member.type)
        if member is resource or member_key not in KAFKA_CONNECT_KINDS:
            continue
        if member.provider_urn != resource.provider_urn:
            continue
        if value_at(member.props, "metadata.namespace") != namespace:
            continue
        if member_key == "kafka.strimzi.io:KafkaConnect":
            name = value_at(member.props, "metadata.name")
        else:
            name = child(value_at(member.props, "metadata.labels"), STRIMZI_CLUSTER_LABEL)
        if name == cluster or isinstance(name, Unknown) or isinstance(cluster, Unknown):
            found.append(member)
    return found


def mounted_configuration(
    lineage: Lineage, workload: Resource, members: Iterable[Resource] = ()
) -> list[Resource]:
    """The stack's ConfigMaps and Secrets a Kubernetes workload's pods mount or take environment from, and
    those a Kafka config provider placeholder names (`${secrets:<namespace>/<name>:<key>}`) in it or in
    the other members of its configuration (a Connect cluster's connectors): for code's configuration, and
    for the rules that read a workload's configuration itself, such as a tunnel's routes."""
    if not is_kubernetes(workload):
        return []
    names = _referenced_names(workload)
    # A ConfigMap named by its output (autonamed, unknown at a first preview) is found by lineage.
    index = _configuration_index(lineage)
    computed = [
        (lineage.configuration_positions[d.urn], d)
        for d in lineage.stack.dependencies(workload, "**")
        if d.urn in lineage.configuration_positions and d.provider_urn == workload.provider_urn
    ]
    qualified: set[tuple[str, str]] = set()
    for owner in (workload, *members):
        qualified.update(_placeholders(owner))
    if not names and not computed and not qualified:
        return []
    namespace = value_at(workload.props, "metadata.namespace")
    found: list[tuple[int, Resource]] = list(computed)
    for name in names:
        try:
            found.extend(index.get((workload.provider_urn, namespace, name), ()))
        except TypeError:
            # A namespace that is a list or a map (never a valid one) names no ConfigMap.
            continue
    for other_namespace, name in qualified:
        found.extend(index.get((workload.provider_urn, other_namespace, name), ()))
    return [resource for _, resource in sorted(dict(found).items())]


def _referenced_names(workload: Resource) -> frozenset[str]:
    """The names of the ConfigMaps and Secrets a workload's pod spec references, read once per workload
    (every lineage and every rule that reads its configuration asks)."""
    if "configuration references" not in workload.memo:
        workload.memo["configuration references"] = frozenset(
            value
            for base in (*POD_SPEC_PATHS, "spec.externalConfiguration")
            for path in CONFIGURATION_REFERENCES
            for value in workload.values_at(f"{base}.{path}")
            if isinstance(value, str)
        )
    names: frozenset[str] = workload.memo["configuration references"]
    return names


def _placeholders(owner: Resource) -> frozenset[tuple[str, str]]:
    """The namespaced Secrets and ConfigMaps Kafka config provider placeholders in a resource's values
    name, read once per resource."""
    if "config provider placeholders" not in owner.memo:
        owner.memo["config provider placeholders"] = frozenset(
            found
            for text in known_strings(owner.values_at(ANY))
            for found in _CONFIG_PROVIDER_PLACEHOLDER.findall(text)
        )
    placeholders: frozenset[tuple[str, str]] = owner.memo["config provider placeholders"]
    return placeholders


def _configuration_index(lineage: Lineage) -> dict[tuple[Any, Any, Any], list[tuple[int, Resource]]]:
    """The stack's ConfigMaps and Secrets (and the ExternalSecrets that create Secrets, by their target's
    name) by provider, namespace and name (with their position in the stack), built once per lineage: every
    workload looked them up by a scan of the whole stack."""
    if lineage.configurations is None:
        lineage.configurations = {}
        for position, resource in enumerate(lineage.stack.resources):
            kind = mechanism_key(resource.type)
            if kind not in CONFIGURATION_KINDS and kind not in SECRET_COPIES:
                continue
            lineage.configuration_positions[resource.urn] = position
            namespace = value_at(resource.props, "metadata.namespace")
            name = value_at(resource.props, "metadata.name")
            if kind in SECRET_COPIES:
                # Indexed by the Secret it creates: `spec.target.name`, else its own name.
                name = value_at(resource.props, "spec.target.name") or name
            try:
                key = (resource.provider_urn, namespace, name)
                lineage.configurations.setdefault(key, []).append((position, resource))
            except TypeError:
                continue
    return lineage.configurations


POD_SPEC_PATHS = ("spec", "spec.template.spec", "spec.jobTemplate.spec.template.spec", "template.spec")
"""Where a Pod, a workload controller, a CronJob and a PodTemplate hold their pods' spec."""
CONFIGURATION_REFERENCES = (
    "volumes[].configMap.name",
    "volumes[].secret.secretName",
    "volumes[].projected.sources[].configMap.name",
    "volumes[].projected.sources[].secret.name",
    "containers[].envFrom[].configMapRef.name",
    "containers[].envFrom[].secretRef.name",
    "containers[].env[].valueFrom.configMapKeyRef.name",
    "containers[].env[].valueFrom.secretKeyRef.name",
    "initContainers[].envFrom[].configMapRef.name",
    "initContainers[].envFrom[].secretRef.name",
    "initContainers[].env[].valueFrom.configMapKeyRef.name",
    "initContainers[].env[].valueFrom.secretKeyRef.name",
)
"""Where a pod spec names the ConfigMaps and Secrets that configure its containers."""
CONFIGURATION_KINDS = ("core:ConfigMap", "core:Secret")
SECRET_COPIES = ("external-secrets.io:ExternalSecret",)
"""Kinds that create a Kubernetes Secret a workload may mount by name (the External Secrets Operator's)."""
KAFKA_CONNECT_KINDS = ("kafka.strimzi.io:KafkaConnect", "kafka.strimzi.io:KafkaConnector")
STRIMZI_CLUSTER_LABEL = "strimzi.io/cluster"
_CONFIG_PROVIDER_PLACEHOLDER = re.compile(r"\$\{[\w.-]+:([a-z0-9][a-z0-9.-]*)/([a-z0-9][a-z0-9.-]*):[^}]*\}")
"""A Kafka config provider placeholder that reads a namespaced Secret or ConfigMap (Strimzi's
KubernetesSecretConfigProvider and KubernetesConfigMapConfigProvider, under whatever alias)."""
