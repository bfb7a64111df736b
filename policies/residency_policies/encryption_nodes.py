"""pii-encryption of the nodes Karpenter launches: the EBS volumes of an `EC2NodeClass`
(karpenter.k8s.aws/v1).

A node's volumes hold what its pods write (container layers, emptyDir volumes, logs), as a node group's do,
so in a cluster that holds PII every class's `spec.blockDeviceMappings[].ebs` must be encrypted with the
stack's key: `kmsKeyID` judged as any key, `encrypted` false fails, and a mapping that names no key is
under the account's EBS default key, accepted only when the stack sets it in the class's region and account
(`encryption_keys.account_default_key_problems`). A class with no mappings gets Karpenter's default (the
root volume, `encrypted: true`, no key: pkg/providers/amifamily/resolver.go `DefaultEBS`), except with
`amiFamily: Custom`, where the AMI's own mappings apply and cannot be seen. Field names:
aws/karpenter-provider-aws pkg/apis/crds/karpenter.k8s.aws_ec2nodeclasses.yaml.
"""

from __future__ import annotations

from .attributes import account_of, effective_region
from .encryption_keys import (
    KMS_ALIAS,
    KMS_KEY_TYPES,
    account_default_key_problems,
    key_resource_problems,
    literal_key_problems,
)
from .exposure_services import kind_tokens
from .lineage import Lineage
from .model import Resource, Stack
from .settings import Settings
from .values import UNKNOWN, Unknown, as_bool, child, value_at, values_at

EC2_NODE_CLASS = "karpenter.k8s.aws:EC2NodeClass"
NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
EKS_CLUSTER = "aws:eks/cluster:Cluster"
KUBERNETES_PROVIDER = "pulumi:providers:kubernetes"


def node_class_problems(
    stack: Stack, lineage: Lineage, settings: Settings
) -> list[tuple[Resource, str, frozenset[str]]]:
    """Karpenter node classes of a cluster that holds PII whose volumes are not under the stack's key, each
    with the problem and the classifications its cluster holds."""
    found: list[tuple[Resource, str, frozenset[str]]] = []
    for node_class in stack.of_type(*kind_tokens(stack, (EC2_NODE_CLASS,))):
        protected = cluster_classifications(node_class, stack, lineage, settings)
        if protected:
            found.extend((node_class, p, protected) for p in _volume_problems(node_class, stack))
    return found


def cluster_classifications(
    resource: Resource, stack: Stack, lineage: Lineage, settings: Settings
) -> frozenset[str]:
    """The protected classifications the objects of a Kubernetes object's cluster (its provider) hold."""
    return _provider_classifications(resource.provider_urn, stack, lineage, settings)


def _provider_classifications(
    provider_urn: str | None, stack: Stack, lineage: Lineage, settings: Settings
) -> frozenset[str]:
    memo_key = ("cluster classifications", provider_urn)
    cached: frozenset[str] | None = stack.memo.get(memo_key)
    if cached is None:
        cached = frozenset(
            c
            for r in stack.resources
            if r.provider_urn == provider_urn
            for c in lineage.effective(r) & settings.protected_classifications
        )
        stack.memo[memo_key] = cached
    return cached


def node_groups_of_protected_clusters(
    stack: Stack, lineage: Lineage, settings: Settings
) -> list[tuple[Resource, frozenset[str]]]:
    """The managed node groups of EKS clusters whose Kubernetes objects hold protected data (through any
    Kubernetes provider built from the cluster's kubeconfig), with what those objects hold: their disks
    (the root volume of their launch template, else EKS's default one) hold what the pods write."""
    found: list[tuple[Resource, frozenset[str]]] = []
    providers = stack.of_type(KUBERNETES_PROVIDER)
    if not providers:
        return found
    for group in stack.of_type(NODE_GROUP):
        protected: frozenset[str] = frozenset()
        for provider in providers:
            clusters = [c for c in stack.dependencies(provider, "kubeconfig") if c.type == EKS_CLUSTER]
            if any(stack.refers_to(group, "clusterName", c) for c in clusters):
                protected |= _provider_classifications(provider.urn, stack, lineage, settings)
        if protected:
            found.append((group, protected))
    return found


def default_root_volume_problems(group: Resource, stack: Stack) -> list[str]:
    """A node group without a launch template runs on EKS's default root volume (`diskSize`), which EKS
    does not encrypt: only the account's EBS encryption by default, set by the stack, covers it."""
    region = effective_region(group, stack)
    by_default = account_default_key_problems(stack, region, account_of(group, stack), region)
    if by_default is None:
        return [
            "it names no launch template, so its nodes run on EKS's default root volume, which EKS does not "
            "encrypt, and the stack does not set EBS encryption by default (aws.ebs.EncryptionByDefault "
            "with aws.ebs.DefaultKmsKey) in its region and account"
        ]
    return [f"EKS's default root volume (no launch template): {p}" for p in by_default]


def _volume_problems(node_class: Resource, stack: Stack) -> list[str]:
    """Why a node class's volumes are not under a customer-managed key of the stack in its region."""
    region = effective_region(node_class, stack)
    mappings = child(child(node_class.props, "spec"), "blockDeviceMappings")
    if isinstance(mappings, Unknown):
        return [
            "its spec.blockDeviceMappings are unknown at preview, so its volumes' encryption cannot be seen"
        ]
    devices = values_at(node_class.props, "spec.blockDeviceMappings[]")
    if not devices:
        family = value_at(node_class.props, "spec.amiFamily")
        if family == "Custom" or isinstance(family, Unknown):
            return [
                "it sets no blockDeviceMappings and its amiFamily is Custom (or unknown at preview): the "
                "AMI's own block device mappings apply, which the stack does not show"
            ]
        return _without_key(node_class, stack, region, True, "Karpenter's default root volume")
    found: list[str] = []
    for index, device in enumerate(devices):
        where = f"spec.blockDeviceMappings[{index}].ebs"
        ebs = child(device, "ebs")
        if isinstance(device, Unknown) or isinstance(ebs, Unknown):
            found.append(f"{where} is unknown at preview")
            continue
        encrypted = as_bool(child(ebs, "encrypted"))
        key = child(ebs, "kmsKeyID")
        if encrypted is False or isinstance(encrypted, Unknown):
            state = "false" if encrypted is False else "unknown at preview"
            found.append(f"{where}.encrypted is {state}")
        elif key in (None, ""):
            found.extend(_without_key(node_class, stack, region, encrypted is True, where))
        elif isinstance(key, str):
            # A key id, ARN, alias name or alias ARN, as EC2's launch templates take it.
            found.extend(f"{where}.kmsKeyID: {p}" for p in literal_key_problems(stack, key, region))
        else:
            found.extend(f"{where}.kmsKeyID: {p}" for p in _computed_key_problems(stack, node_class, region))
    return list(dict.fromkeys(found))


def _computed_key_problems(stack: Stack, node_class: Resource, region: object) -> list[str]:
    """A key unknown at preview: judged as the keys its spec was computed from (dependencies are the whole
    spec's), or untraceable when none is a key."""
    keys = [
        d for d in stack.dependencies(node_class, "spec") if d.type in KMS_KEY_TYPES or d.type == KMS_ALIAS
    ]
    if not keys:
        return literal_key_problems(stack, UNKNOWN, region)
    return [p for key in keys for p in key_resource_problems(stack, key, region, set())]


def _without_key(
    node_class: Resource, stack: Stack, region: object, encrypted: bool, where: str
) -> list[str]:
    """A volume that names no key: the account's EBS default key, when the stack sets it there."""
    by_default = account_default_key_problems(stack, region, account_of(node_class, stack), region)
    if by_default is not None:
        return [f"{where}: {p}" for p in by_default]
    if encrypted:
        return [
            f"{where} is encrypted with no kmsKeyID, so with the account's EBS default key (aws/ebs unless "
            "the stack sets aws.ebs.DefaultKmsKey and aws.ebs.EncryptionByDefault in its region and account)"
        ]
    return [f"{where} does not set encrypted, and the stack does not set EBS encryption by default"]
