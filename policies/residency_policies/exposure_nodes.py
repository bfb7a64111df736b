"""Rule 6, pii-not-public, on the cluster's nodes: PII reachable on the nodes' own addresses.

A pod with `hostNetwork`, a container port with `hostPort`, and a Service with `spec.externalIPs` (kube-proxy
answers on those addresses on every node) are reached on the addresses of the nodes they run on, without any
load balancer. Such a PII workload is public unless the nodes it may run on are shown to be private: every
managed node group of its cluster in subnets that give no public address (`mapPublicIpOnLaunch` false, no
launch template interface with `associatePublicIpAddress`), and every security group its launch template puts
on the nodes admitting only the stack's own networks (judged as a store's groups are), and every Karpenter
`EC2NodeClass` of its cluster giving no public address (`associatePublicIPAddress`, else its subnets') and
selecting (`subnetSelectorTerms`, `securityGroupSelectorTerms`, by id, tags or name) only subnets and groups
of the stack that are so. A cluster the stack does not declare, one with neither a declared node group nor
a node class (self-managed groups), a subnet or group the stack does not declare or a selector term that
selects none of the stack's: the nodes cannot be shown private, and the workload fails closed. A managed node
group's `remoteAccess` with an SSH key and no `sourceSecurityGroupIds` makes EKS open port 22 to 0.0.0.0/0 on
its nodes: root on a node reads every volume and pod on it, so it is exposure of every PII object of its
cluster. Any pod of a cluster may run on any of its node groups (a node selector is a scheduling hint the
pack does not follow), so every node group of the cluster counts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from residency_facts.workloads import POD_SPEC_PATHS

from .attributes import effective_tags
from .classification import held
from .exposure_network import SECURITY_GROUP_INPUTS, group_exposure, security_groups, vpc_cidrs
from .lineage import Lineage
from .locations import mechanism_key
from .model import Resource, Stack
from .settings import Settings
from .values import Unknown, as_bool, child, value_at, values_at
from .violations import Violation, exposure_violation

NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
CLUSTER = "aws:eks/cluster:Cluster"
SUBNET = "aws:ec2/subnet:Subnet"
VPC = "aws:ec2/vpc:Vpc"
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
KUBERNETES_PROVIDER = "pulumi:providers:kubernetes"
_NODE_FIX = (
    "run the workload without hostNetwork and hostPort (reach it through a ClusterIP Service), or keep "
    "the cluster's nodes private: every node group in subnets with mapPublicIpOnLaunch false, its security "
    "groups admitting only this region's networks, and no remoteAccess without sourceSecurityGroupIds."
)


def clusters_of(resource: Resource, stack: Stack) -> list[Resource]:
    """The EKS clusters a Kubernetes object's provider was built from (its kubeconfig's dependencies)."""
    provider = stack.get(resource.provider_urn)
    if provider is None or provider.type != KUBERNETES_PROVIDER:
        return []
    return [c for c in stack.dependencies(provider, "kubeconfig") if c.type == CLUSTER]


def cluster_vpc_cidrs(resource: Resource, stack: Stack) -> list[Any]:
    """The CIDR blocks of the VPC of a Kubernetes object's EKS cluster (its `vpcConfig` subnets' VPC)."""
    found: list[Any] = []
    for cluster in clusters_of(resource, stack):
        for subnet in stack.dependencies(cluster, "vpcConfig"):
            if subnet.type == SUBNET:
                for vpc in stack.dependencies(subnet, "vpcId"):
                    if vpc.type == VPC:
                        found.extend(c for c in vpc_cidrs(vpc, stack) if c not in found)
    return found


def node_groups(cluster: Resource, stack: Stack) -> list[Resource]:
    """The managed node groups of a cluster (by reference or name)."""
    return [g for g in stack.of_type(NODE_GROUP) if stack.refers_to(g, "clusterName", cluster)]


def open_ssh(group: Resource) -> bool:
    """Whether a managed node group's remote access opens SSH to 0.0.0.0/0: an SSH key (or one unknown at
    preview) with no source security groups, which EKS then fills with a group open to everyone."""
    key = value_at(group.props, "remoteAccess.ec2SshKey")
    if key in (None, ""):
        return False
    sources = child(child(group.props, "remoteAccess"), "sourceSecurityGroupIds")
    return not isinstance(sources, Unknown) and not values_at(
        group.props, "remoteAccess.sourceSecurityGroupIds"
    )


def _launch_templates(group: Resource, stack: Stack) -> list[Resource] | None:
    """The launch templates a node group names (None: it names one the stack does not declare)."""
    if child(group.props, "launchTemplate") in (None, {}):
        return []
    found = [d for d in stack.dependencies(group, "launchTemplate") if d.type == LAUNCH_TEMPLATE]
    for path in ("launchTemplate.id", "launchTemplate.name"):
        for value in values_at(group.props, path):
            if isinstance(value, str) and value:
                found.extend(t for t in stack.named(value) if t.type == LAUNCH_TEMPLATE and t not in found)
    return found or None


def _subnet_problems(group: Resource, stack: Stack, templates: list[Resource]) -> list[str]:
    """Why a node group's nodes may have public addresses (its subnets, its launch templates' interfaces)."""
    found = []
    for template in templates:
        for public in values_at(template.props, "networkInterfaces[].associatePublicIpAddress"):
            if as_bool(public) is not False:
                found.append(f"its launch template {template.label} gives the nodes public addresses")
    subnets = [d for d in stack.dependencies(group, "subnetIds") if d.type == SUBNET]
    for value in values_at(group.props, "subnetIds"):
        if isinstance(value, str) and value:
            named = [s for s in stack.named(value) if s.type == SUBNET]
            if not named and not subnets:
                found.append(f"its subnet {value} is not declared in this stack")
            subnets.extend(s for s in named if s not in subnets)
        elif isinstance(value, Unknown) and not subnets:
            found.append("its subnets are unknown at preview and computed from no subnet of the stack")
    if not values_at(group.props, "subnetIds"):
        found.append("its subnets are not set")
    for subnet in subnets:
        public = as_bool(child(subnet.props, "mapPublicIpOnLaunch"))
        if public is True:
            found.append(f"its subnet {subnet.label} gives nodes public addresses (mapPublicIpOnLaunch)")
        elif isinstance(public, Unknown):
            found.append(f"whether its subnet {subnet.label} gives public addresses is unknown at preview")
    return found


def _group_problems(
    group: Resource, stack: Stack, templates: list[Resource], accounts: frozenset[str]
) -> list[str]:
    """What the security groups on a node group's nodes admit beyond the stack's networks."""
    found = []
    for template in templates:
        if template.type not in SECURITY_GROUP_INPUTS:
            continue
        for security_group in security_groups(template, stack):
            if isinstance(security_group, str):
                if security_group.startswith("("):
                    found.append(f"its launch template's security groups {security_group}")
                # A literal id the stack does not declare (the EKS cluster group's id once deployed) keeps
                # EKS's own rules: members of the cluster only.
                continue
            found.extend(problem for problem, _ in group_exposure(security_group, template, stack, accounts))
    return found


def node_reach(resource: Resource, stack: Stack, accounts: frozenset[str]) -> list[str]:
    """Why the nodes a Kubernetes object's pods may run on cannot be shown private (empty: they are)."""
    memo_key = ("exposure", "node-reach", resource.provider_urn)
    cached: list[str] | None = stack.memo.get(memo_key)
    if cached is not None:
        return cached
    found: list[str] = []
    clusters = clusters_of(resource, stack)
    if not clusters:
        found.append("its cluster is not declared in this stack, so its nodes cannot be seen")
    for cluster in clusters:
        groups = node_groups(cluster, stack)
        classes = [
            c for c in stack.of_type(*_node_class_tokens(stack)) if c.provider_urn == resource.provider_urn
        ]
        if not groups and not classes:
            found.append(
                f"{cluster.label} declares no managed node group or Karpenter EC2NodeClass in this stack, so "
                "whether its nodes are private cannot be seen"
            )
        for node_class in classes:
            found.extend(
                f"Karpenter {node_class.label}: {problem}"
                for problem in _node_class_problems(node_class, stack, accounts)
            )
        for group in groups:
            templates = _launch_templates(group, stack)
            if templates is None:
                found.append(f"{group.label} names a launch template this stack does not declare")
                templates = []
            problems = _subnet_problems(group, stack, templates) + _group_problems(
                group, stack, templates, accounts
            )
            if open_ssh(group):
                problems.append(
                    "its remoteAccess opens SSH to 0.0.0.0/0 (an SSH key, no sourceSecurityGroupIds)"
                )
            found.extend(f"node group {group.label}: {problem}" for problem in problems)
    stack.memo[memo_key] = found
    return found


def declares_nodes(resource: Resource, stack: Stack) -> bool:
    """Whether the stack declares the nodes of a Kubernetes object's cluster: a managed node group or a
    Karpenter EC2NodeClass of a cluster its provider was built from."""
    for cluster in clusters_of(resource, stack):
        if node_groups(cluster, stack) or any(
            c.provider_urn == resource.provider_urn for c in stack.of_type(*_node_class_tokens(stack))
        ):
            return True
    return False


EC2_NODE_CLASS = "karpenter.k8s.aws:EC2NodeClass"


def _node_class_tokens(stack: Stack) -> list[str]:
    """The stack's type tokens of Karpenter's EC2NodeClass, in every version."""
    return sorted({r.type for r in stack.resources if mechanism_key(r.type) == EC2_NODE_CLASS})


def _node_class_problems(node_class: Resource, stack: Stack, accounts: frozenset[str]) -> list[str]:
    """Why the nodes a Karpenter EC2NodeClass launches may be reached from outside the stack's networks: a
    public address (`associatePublicIPAddress`, else a selected subnet's `mapPublicIpOnLaunch`), or a selected
    security group that admits more; subnets and groups are selected by id or by tags (the stack's own that
    carry every tag of a term), and a term that selects none of the stack's cannot be seen."""
    found = []
    public = as_bool(value_at(node_class.props, "spec.associatePublicIPAddress"))
    if public is True or isinstance(public, Unknown):
        state = "" if public is True else " (unknown at preview)"
        found.append(f"its nodes get public addresses (associatePublicIPAddress{state})")
    subnets, unseen = _selected(node_class, "spec.subnetSelectorTerms", SUBNET, stack)
    found.extend(f"its subnets: {problem}" for problem in unseen)
    if public is not False:
        for subnet in subnets:
            mapped = as_bool(child(subnet.props, "mapPublicIpOnLaunch"))
            if mapped is True or isinstance(mapped, Unknown):
                state = "" if mapped is True else " (unknown at preview)"
                found.append(
                    f"its subnet {subnet.label} gives nodes public addresses (mapPublicIpOnLaunch{state})"
                )
    groups, unseen = _selected(node_class, "spec.securityGroupSelectorTerms", SECURITY_GROUP, stack)
    found.extend(f"its security groups: {problem}" for problem in unseen)
    for group in groups:
        found.extend(problem for problem, _ in group_exposure(group, node_class, stack, accounts))
    return found


def _selected(node_class: Resource, path: str, kind: str, stack: Stack) -> tuple[list[Resource], list[str]]:
    """The stack's resources of a kind a node class's selector terms select, and the terms that select none
    of them (or cannot be read)."""
    terms = values_at(node_class.props, f"{path}[]")
    if not terms or any(isinstance(t, Unknown) for t in terms):
        return [], [f"{path} is unknown at preview or not set"]
    found: list[Resource] = []
    unseen: list[str] = []
    candidates = stack.of_type(kind)
    for term in terms:
        identifier, tags, name = child(term, "id"), child(term, "tags"), child(term, "name")
        if isinstance(identifier, str) and identifier:
            matched = [r for r in stack.named(identifier) if r.type == kind]
            shown = f"id {identifier}"
        elif isinstance(tags, Mapping) and tags and not any(isinstance(v, Unknown) for v in tags.values()):
            matched = [r for r in candidates if _carries(r, tags)]
            shown = f"tags {dict(tags)}"
        elif isinstance(name, str) and name:
            matched = [r for r in candidates if child(r.props, "name") == name]
            shown = f"name {name}"
        else:
            unseen.append("a selector term unknown at preview")
            continue
        if not matched:
            unseen.append(
                f"the term selecting {shown} selects nothing this stack declares, so it cannot be seen"
            )
        found.extend(r for r in matched if r not in found)
    return found, unseen


def _carries(resource: Resource, tags: Mapping[str, Any]) -> bool:
    """Whether a resource carries every tag of a selector term (its own or its provider's default tags)."""
    own = effective_tags(resource)
    return isinstance(own, Mapping) and all(own.get(k) == v for k, v in tags.items())


def host_listeners(resource: Resource) -> list[str]:
    """How a workload's pods listen on their node's addresses: hostNetwork, or a container's hostPort."""
    found = []
    for base in POD_SPEC_PATHS:
        host_network = as_bool(value_at(resource.props, f"{base}.hostNetwork"))
        if host_network is True or isinstance(host_network, Unknown):
            state = "" if host_network is True else " (unknown at preview)"
            found.append(f"its pods use hostNetwork{state}")
        for containers in ("containers", "initContainers"):
            for port in values_at(resource.props, f"{base}.{containers}[].ports[].hostPort"):
                if port not in (None, 0):
                    found.append(f"a container port is mapped on the node (hostPort {_shown(port)})")
    return found


def _shown(value: Any) -> str:
    return "unknown at preview" if isinstance(value, Unknown) else str(value)


def external_ips(service: Resource) -> bool:
    """Whether a Service lists externalIPs (or a list unknown at preview), which every node answers on."""
    ips = child(child(service.props, "spec"), "externalIPs")
    return isinstance(ips, Unknown) or bool(values_at(service.props, "spec.externalIPs"))


def node_exposure(stack: Stack, lineage: Lineage, settings: Settings) -> list[Violation]:
    """PII workloads listening on their nodes' addresses on nodes not shown private, and node groups that
    open SSH to everyone in a cluster that holds PII."""
    found: list[Violation] = []
    for resource in stack.resources:
        if not resource.type.startswith("kubernetes:"):
            continue
        how = host_listeners(resource)
        if not how:
            continue
        protected = lineage.effective(resource) & settings.protected_classifications
        if not protected:
            continue
        reach = node_reach(resource, stack, settings.account_ids)
        if reach:
            found.append(
                exposure_violation(
                    resource,
                    held(lineage, resource, protected),
                    f"{'; '.join(how)}, so it is reached on its nodes' addresses, and its nodes cannot "
                    f"be shown private: {'; '.join(reach)}",
                    _NODE_FIX,
                    settings,
                )
            )
    found.extend(_open_ssh(stack, lineage, settings))
    return found


def _open_ssh(stack: Stack, lineage: Lineage, settings: Settings) -> list[Violation]:
    """Node groups whose remote access opens SSH to everyone, in a cluster whose objects hold PII."""
    found = []
    for group in stack.of_type(NODE_GROUP):
        if not open_ssh(group):
            continue
        clusters = [c for c in stack.of_type(CLUSTER) if stack.refers_to(group, "clusterName", c)]
        providers = {
            p.urn
            for p in stack.of_type(KUBERNETES_PROVIDER)
            if not clusters or any(c in stack.dependencies(p, "kubeconfig") for c in clusters)
        }
        holders = [
            r
            for r in stack.resources
            if r.provider_urn in providers and lineage.effective(r) & settings.protected_classifications
        ]
        if not holders:
            continue
        protected = (
            frozenset().union(*(lineage.effective(r) for r in holders)) & settings.protected_classifications
        )
        shown = ", ".join(sorted(r.label for r in holders)[:3])
        found.append(
            exposure_violation(
                group,
                f"{', '.join(sorted(protected))} data ({shown})",
                f"{group.label} sets remoteAccess with an SSH key and no sourceSecurityGroupIds, so EKS "
                "opens port 22 of its nodes to 0.0.0.0/0; root on a node reads every pod and volume of its "
                "cluster, which holds personal data",
                "set remoteAccess.sourceSecurityGroupIds to this region's bastion or administrators' group, "
                "or drop remoteAccess and reach nodes through SSM Session Manager.",
                settings,
            )
        )
    return found
