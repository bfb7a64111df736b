"""Network paths: who can connect to (or from) the stack's data stores, across a border and inside a region.

Across a border: an ingress rule (security group, security group rule, Kubernetes Service
`loadBalancerSourceRanges`, NetworkPolicy `ipBlock`) that admits a network outside every VPC of this stack,
or an egress rule to one (not the internet: every server may send out). Whoever can connect can read what
the rule exposes, so the flow goes from what is exposed out to that network, and what crosses is its
classification. What a rule exposes is followed to the data it guards: a security group's users, the
workloads a Service or NetworkPolicy selects; a Service and a NetworkPolicy that open the same path are one
flow. A network is named after the stack of the project whose config declares it (keys that mention `peer`
are skipped: they describe the other side).

Inside a region: a NetworkPolicy (or a security group referencing another) that lets one data store's
workload connect to another's is a flow from the client to the server, labelled with what the receiving
store is classified to hold. Paths from workloads that hold no data (applications) are not drawn.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Any

import yaml

from offline_preview.diagram.graph import INTERNET, OUTSIDE_PROJECT, UNCLASSIFIED, Flow, Node, strings
from offline_preview.diagram.stack import StackIndex
from offline_preview.inventory import is_unknown

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

INTERNET_CIDRS = frozenset({"0.0.0.0/0", "::/0"})
WORKLOAD_TYPES = frozenset(
    {
        "kubernetes:apps/v1:StatefulSet",
        "kubernetes:apps/v1:Deployment",
        "kubernetes:apps/v1:DaemonSet",
        "kubernetes:apps/v1:ReplicaSet",
        "kubernetes:batch/v1:Job",
        "kubernetes:batch/v1:CronJob",
        "kubernetes:core/v1:Pod",
    }
)
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
SECURITY_GROUP_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS_RULE = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
SERVICE = "kubernetes:core/v1:Service"
NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
NAMESPACE = "kubernetes:core/v1:Namespace"
NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name"


def _network(value: str) -> Network | None:
    """The network a string names, if it is a CIDR."""
    if "/" not in value:
        return None
    try:
        return ipaddress.ip_network(value, strict=False)
    except ValueError:
        return None


def peer_networks(project_dir: Path, stack: str) -> list[tuple[Network, str, str]]:
    """CIDRs that other stacks of the project declare as their own, with that stack's name and region."""
    result = []
    for path in sorted(project_dir.glob("Pulumi.*.yaml")):
        other = path.name[len("Pulumi.") : -len(".yaml")]
        if other == stack:
            continue
        try:
            config = (yaml.safe_load(path.read_text()) or {}).get("config") or {}
        except (yaml.YAMLError, AttributeError):
            continue
        if not isinstance(config, dict):
            continue
        region = str(config.get("aws:region", ""))
        for key_path, value in strings(config):
            if "peer" in key_path.lower():
                continue
            network = _network(value)
            if network is not None:
                result.append((network, other, region))
    return result


def _within(network: Network, others: list[Network]) -> bool:
    return any(network.version == o.version and network.subnet_of(o) for o in others)  # type: ignore[arg-type]


class NetworkFinder:
    """Finds the network flows of a stack; ends outside it are added to `outside`."""

    def __init__(
        self, stack: StackIndex, project_dir: Path, stack_name: str, outside: dict[str, Node]
    ) -> None:
        self.stack = stack
        self.outside = outside
        self.peers = peer_networks(project_dir, stack_name)
        self.own = [
            network
            for urn in stack.by_urn
            if stack.type_of(urn) == "aws:ec2/vpc:Vpc"
            and (network := _network(str(stack.inputs(urn).get("cidrBlock", ""))))
        ]

    def flows(self) -> list[Flow]:
        """Every network flow, across a border and between the stack's data stores."""
        flows: list[Flow] = []
        for registration in self.stack.registrations:
            if not registration.get("custom"):
                continue
            urn = registration["urn"]
            for cidr, ingress in self._rule_cidrs(urn):
                flows.extend(self._border_flows(urn, cidr, ingress))
            flows.extend(self._local_flows(urn))
        return flows

    # Across a border ---------------------------------------------------------------------------------------

    def _rule_cidrs(self, urn: str) -> list[tuple[str, bool]]:
        """(CIDR, is ingress) for each CIDR a rule names, for the rule types the map understands."""
        inputs = self.stack.inputs(urn)
        kind = self.stack.type_of(urn)
        found: list[tuple[str, bool]] = []
        if kind == SECURITY_GROUP:
            for direction, ingress in (("ingress", True), ("egress", False)):
                for rule in inputs.get(direction) or []:
                    if isinstance(rule, dict):
                        for key in ("cidrBlocks", "ipv6CidrBlocks"):
                            found += [(c, ingress) for c in rule.get(key) or []]
        elif kind == SECURITY_GROUP_RULE and inputs.get("type") in ("ingress", "egress"):
            for key in ("cidrBlocks", "ipv6CidrBlocks"):
                found += [(c, inputs["type"] == "ingress") for c in inputs.get(key) or []]
        elif kind in (INGRESS_RULE, EGRESS_RULE):
            found += [(inputs[k], kind == INGRESS_RULE) for k in ("cidrIpv4", "cidrIpv6") if inputs.get(k)]
        elif kind == SERVICE:
            found += [(c, True) for c in (inputs.get("spec") or {}).get("loadBalancerSourceRanges") or []]
        elif kind == NETWORK_POLICY:
            spec = inputs.get("spec") or {}
            for direction, side, ingress in (("ingress", "from", True), ("egress", "to", False)):
                for rule in spec.get(direction) or []:
                    for peer in (rule.get(side) or []) if isinstance(rule, dict) else []:
                        block = (peer.get("ipBlock") or {}) if isinstance(peer, dict) else {}
                        if block.get("cidr"):
                            found.append((block["cidr"], ingress))
        return [(c, ingress) for c, ingress in found if isinstance(c, str) and not is_unknown(c)]

    def _border_flows(self, rule: str, cidr: str, ingress: bool) -> list[Flow]:
        network = _network(cidr)
        if network is None or (network.prefixlen > 0 and _within(network, self.own)):
            return []
        if cidr in INTERNET_CIDRS or network.prefixlen == 0:
            if not ingress:
                return []  # every server may send out; being reachable from the internet is what matters
            key, place, lines = "outside:internet", INTERNET, ["anyone on the internet", cidr]
        else:
            key, place, lines = (
                f"outside:network:{cidr}",
                OUTSIDE_PROJECT,
                [f"network {cidr}", "not in this project"],
            )
            for peer, other_stack, region in self.peers:
                if network.version == peer.version and network.subnet_of(peer):  # type: ignore[arg-type]
                    key, place = f"outside:stack:{other_stack}:{cidr}", region or OUTSIDE_PROJECT
                    lines = [f"stack {other_stack}", f"VPC {cidr}"]
                    break
        exposed = [u for u in self._behind(rule) if self.stack.holds_data(u) or self.stack.classification(u)]
        if not exposed:
            if place == INTERNET:
                return []  # a public load balancer in front of nothing classified
            exposed = [rule]
        self.outside.setdefault(key, Node(key, "outside", place, None, lines))
        how = "reachable from there" if ingress else "may connect there"
        return [
            Flow(urn, key, frozenset({self.stack.classification(urn) or UNCLASSIFIED}), how, (rule,), True)
            for urn in exposed
        ]

    def _behind(self, rule: str) -> list[str]:
        """What a rule exposes: a security group's users, the workloads a Service or NetworkPolicy selects."""
        kind = self.stack.type_of(rule)
        inputs = self.stack.inputs(rule)
        if kind == SECURITY_GROUP:
            return self._guarded_by(rule)
        if kind in (SECURITY_GROUP_RULE, INGRESS_RULE, EGRESS_RULE):
            return [
                u
                for group in self.stack.dependencies(rule, "securityGroupId")
                for u in self._guarded_by(group)
            ]
        namespace = (inputs.get("metadata") or {}).get("namespace")
        spec = inputs.get("spec") or {}
        if kind == NETWORK_POLICY:
            return self._workloads(self._namespace_set(namespace), spec.get("podSelector") or {})
        if kind == SERVICE and isinstance(spec.get("selector"), dict):
            return self._workloads(self._namespace_set(namespace), {"matchLabels": spec["selector"]})
        return []

    def _guarded_by(self, group: str) -> list[str]:
        """The resources a security group is attached to (its rules are not its users)."""
        rule_types = (SECURITY_GROUP, SECURITY_GROUP_RULE, INGRESS_RULE, EGRESS_RULE)
        return [u for u in self.stack.dependents(group) if self.stack.type_of(u) not in rule_types]

    # Inside a region ---------------------------------------------------------------------------------------

    def _local_flows(self, rule: str) -> list[Flow]:
        kind = self.stack.type_of(rule)
        pairs: list[tuple[str, str]] = []
        if kind == NETWORK_POLICY:
            inputs = self.stack.inputs(rule)
            namespace = self._namespace_set((inputs.get("metadata") or {}).get("namespace"))
            spec = inputs.get("spec") or {}
            selected = self._workloads(namespace, spec.get("podSelector") or {})
            for direction, side in (("ingress", "from"), ("egress", "to")):
                for entry in spec.get(direction) or []:
                    for peer in (entry.get(side) or []) if isinstance(entry, dict) else []:
                        if not isinstance(peer, dict) or peer.get("ipBlock"):
                            continue
                        namespaces = namespace
                        if "namespaceSelector" in peer:
                            namespaces = self._namespaces_selected(peer.get("namespaceSelector") or {})
                        others = self._workloads(namespaces, peer.get("podSelector") or {})
                        if direction == "ingress":
                            pairs += [(client, server) for client in others for server in selected]
                        else:
                            pairs += [(client, server) for client in selected for server in others]
        elif kind in (SECURITY_GROUP_RULE, INGRESS_RULE):
            inputs = self.stack.inputs(rule)
            if kind == SECURITY_GROUP_RULE and inputs.get("type") != "ingress":
                return []
            referenced = (
                "sourceSecurityGroupId" if kind == SECURITY_GROUP_RULE else "referencedSecurityGroupId"
            )
            servers = [
                u for g in self.stack.dependencies(rule, "securityGroupId") for u in self._guarded_by(g)
            ]
            clients = [u for g in self.stack.dependencies(rule, referenced) for u in self._guarded_by(g)]
            pairs += [(client, server) for client in clients for server in servers]
        holds = self.stack.holds_data
        return [
            Flow(
                client,
                server,
                frozenset({self.stack.classification(server) or UNCLASSIFIED}),
                "connects to it",
                (rule,),
                True,
            )
            for client, server in dict.fromkeys(pairs)
            if client != server and holds(client) and holds(server)
        ]

    # Kubernetes selectors ----------------------------------------------------------------------------------

    @staticmethod
    def _namespace_set(namespace: Any) -> set[str] | None:
        """The namespaces a namespaced object's own namespace names; None (any) when unknown."""
        if isinstance(namespace, str) and namespace and not is_unknown(namespace):
            return {namespace}
        return None if is_unknown(namespace) else {"default"}

    def _namespaces_selected(self, selector: dict[str, Any]) -> set[str] | None:
        """The namespaces a namespaceSelector picks; None (any namespace) for `{}` or what cannot be read."""
        labels = selector.get("matchLabels") or {}
        if selector.get("matchExpressions") or not isinstance(labels, dict) or not labels:
            return None
        if set(labels) == {NAMESPACE_NAME_LABEL} and isinstance(labels[NAMESPACE_NAME_LABEL], str):
            return {labels[NAMESPACE_NAME_LABEL]}
        found = set()
        for urn in self.stack.by_urn:
            if self.stack.type_of(urn) != NAMESPACE:
                continue
            metadata = self.stack.inputs(urn).get("metadata") or {}
            name = metadata.get("name")
            own = {**(metadata.get("labels") or {}), NAMESPACE_NAME_LABEL: name}
            if isinstance(name, str) and all(own.get(k) == v for k, v in labels.items()):
                found.add(name)
        return found

    def _workloads(self, namespaces: set[str] | None, selector: dict[str, Any]) -> list[str]:
        """Workloads in the namespaces whose pods the selector picks (`{}` picks all; expressions: all)."""
        wanted = selector.get("matchLabels") or {}
        everything = bool(selector.get("matchExpressions")) or not isinstance(wanted, dict)
        found = []
        for urn in self.stack.by_urn:
            if self.stack.type_of(urn) not in WORKLOAD_TYPES:
                continue
            inputs = self.stack.inputs(urn)
            namespace = (inputs.get("metadata") or {}).get("namespace") or "default"
            if namespaces is not None and not is_unknown(namespace) and namespace not in namespaces:
                continue
            labels = _pod_labels(self.stack.type_of(urn), inputs)
            if everything or all(labels.get(key) == value for key, value in wanted.items()):
                found.append(urn)
        return found


def _pod_labels(kind: str, inputs: dict[str, Any]) -> dict[str, Any]:
    """The labels a workload's pods carry."""
    spec = inputs.get("spec") or {}
    if kind == "kubernetes:core/v1:Pod":
        return (inputs.get("metadata") or {}).get("labels") or {}
    if kind == "kubernetes:batch/v1:CronJob":
        spec = (spec.get("jobTemplate") or {}).get("spec") or {}
    labels = ((spec.get("template") or {}).get("metadata") or {}).get("labels") or {}
    return labels if isinstance(labels, dict) else {}
