"""The residency map: a Mermaid flowchart, one subgraph per region, its data stores and cross-region flows.

Flows are derived from the recorded resources by two rules, stated in the map's legend so a reviewer knows
what it can and cannot show:

1. Region references. A resource whose inputs name another AWS region (a `destinationRegion`, a replica's
   region, a peer region, or an ARN in another region) moves something between its own region and that one.
   Inputs whose key names a source (`source...`, `replicateSourceDb`) point into the resource's region; the
   rest point out of it. What crosses is the resource's classification, or that of the resource it copies
   (followed through property dependencies).
2. Network reach. An ingress rule (security group, security group rule, Kubernetes Service source ranges or
   NetworkPolicy ipBlock) that admits a CIDR outside every VPC of this stack, other than the internet, is a
   flow from that CIDR into the region. The CIDR is named after the stack of the same project whose config
   declares it (keys that mention `peer` are ignored, they describe the other side). What crosses is the
   classification of what the rule exposes: a security group's users, the workloads a NetworkPolicy's pod
   selector or a Service's selector picks (an empty pod selector picks every workload in the namespace).

A flow the program expresses any other way (application code, SQL replication set up at run time) is not
visible in a preview and so not on the map.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from offline_preview.inventory import Inventory, ResourceView, is_unknown, plain
from residency_facts import jurisdiction_of_region

REGION_PATTERN = re.compile(
    r"^(?:us|eu|ap|sa|ca|me|af|il|mx|cn|us-gov|us-iso|us-isob)-"
    r"(?:north|south|east|west|central|northeast|northwest|southeast|southwest)-\d{1,2}$"
)
ARN_PATTERN = re.compile(r"^arn:aws[\w-]*:[\w-]+:([a-z0-9-]*):")
INTERNET = {"0.0.0.0/0", "::/0"}
WORKLOAD_TYPES = frozenset(
    {
        "kubernetes:apps/v1:StatefulSet",
        "kubernetes:apps/v1:Deployment",
        "kubernetes:apps/v1:DaemonSet",
        "kubernetes:apps/v1:ReplicaSet",
        "kubernetes:batch/v1:Job",
        "kubernetes:batch/v1:CronJob",
    }
)
SOURCE_KEY = re.compile(r"source|replicatesourcedb", re.IGNORECASE)


@dataclass(frozen=True)
class Flow:
    """Data moving between a resource in this stack and another region (or an outside network)."""

    resource: str
    other_region: str | None
    other: str
    inbound: bool
    what: str
    network: bool = False
    other_urn: str | None = None


def _strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string leaf of a wire value, with its key path."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _strings(inner, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _strings(inner, f"{path}[{index}]")
    elif isinstance(value, str) and not is_unknown(value):
        yield path, value


def _networks(value: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """The network a string names, if it is a CIDR."""
    if "/" not in value:
        return []
    try:
        return [ipaddress.ip_network(value, strict=False)]
    except ValueError:
        return []


def peer_networks(
    project_dir: Path, stack: str
) -> list[tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, str, str]]:
    """CIDRs that other stacks of the project declare as their own, with that stack's name and region."""
    result = []
    for path in sorted(project_dir.glob("Pulumi.*.yaml")):
        other = path.name[len("Pulumi.") : -len(".yaml")]
        if other == stack:
            continue
        try:
            config = (yaml.safe_load(path.read_text()) or {}).get("config") or {}
        except yaml.YAMLError:
            continue
        region = str(config.get("aws:region", ""))
        for key_path, value in _strings(config):
            if "peer" in key_path.lower():
                continue
            for network in _networks(value):
                result.append((network, other, region))
    return result


def _ingress_cidrs(registration: dict[str, Any]) -> list[str]:
    """CIDRs an ingress rule admits, for the rule types the map understands."""
    inputs = plain(registration.get("inputs") or {})
    resource_type = registration["type"]
    cidrs: list[str] = []
    if resource_type == "aws:ec2/securityGroup:SecurityGroup":
        for rule in inputs.get("ingress") or []:
            cidrs += list(rule.get("cidrBlocks") or []) + list(rule.get("ipv6CidrBlocks") or [])
    elif resource_type == "aws:ec2/securityGroupRule:SecurityGroupRule" and inputs.get("type") == "ingress":
        cidrs += list(inputs.get("cidrBlocks") or []) + list(inputs.get("ipv6CidrBlocks") or [])
    elif resource_type == "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule":
        cidrs += [inputs[key] for key in ("cidrIpv4", "cidrIpv6") if inputs.get(key)]
    elif resource_type == "kubernetes:core/v1:Service":
        cidrs += list((inputs.get("spec") or {}).get("loadBalancerSourceRanges") or [])
    elif resource_type == "kubernetes:networking.k8s.io/v1:NetworkPolicy":
        for rule in (inputs.get("spec") or {}).get("ingress") or []:
            for peer in rule.get("from") or []:
                block = peer.get("ipBlock") or {}
                if block.get("cidr"):
                    cidrs.append(block["cidr"])
    return [cidr for cidr in cidrs if isinstance(cidr, str) and not is_unknown(cidr)]


class ResidencyMap:
    """Builds the Mermaid residency map of one stack's preview."""

    def __init__(self, stack: str, project_dir: Path, registrations: list[dict[str, Any]]) -> None:
        self.stack = stack
        self.project_dir = project_dir
        self.inventory = Inventory(registrations)
        self.views = {view.urn: view for view in self.inventory.views()}

    def _what(self, urns: list[str], fallback: ResourceView) -> str:
        """The classification(s) of the given resources, else the fallback's, else `unclassified`."""
        classes = sorted({c for urn in urns if urn in self.views and (c := self.views[urn].classification)})
        if not classes and fallback.classification:
            classes = [fallback.classification]
        return ", ".join(c for c in classes if c) or "unclassified"

    def _dependents(self, urn: str) -> list[str]:
        """Resources that depend on the given one (what a security group protects, say)."""
        return [
            registration["urn"]
            for registration in self.inventory.registrations
            if urn in (registration.get("dependencies") or [])
            or any(urn in deps for deps in (registration.get("property_dependencies") or {}).values())
        ]

    def _behind(self, registration: dict[str, Any]) -> list[str]:
        """What an ingress rule exposes: a security group's users, a NetworkPolicy's namespace, a Service."""
        deps = registration.get("property_dependencies") or {}
        resource_type = registration["type"]
        if resource_type == "aws:ec2/securityGroup:SecurityGroup":
            return self._dependents(registration["urn"])
        if resource_type.startswith(("aws:vpc/securityGroupIngressRule", "aws:ec2/securityGroupRule")):
            return [urn for group in deps.get("securityGroupId", []) for urn in self._dependents(group)]
        inputs = plain(registration.get("inputs") or {})
        namespace = (inputs.get("metadata") or {}).get("namespace")
        spec = inputs.get("spec") or {}
        if resource_type == "kubernetes:networking.k8s.io/v1:NetworkPolicy":
            selector = (spec.get("podSelector") or {}).get("matchLabels") or {}
            return self._workloads(namespace, selector) or list(deps.get("metadata", []))
        if resource_type == "kubernetes:core/v1:Service" and spec.get("selector"):
            return self._workloads(namespace, spec["selector"]) or [registration["urn"]]
        return [registration["urn"]]

    def _workloads(self, namespace: Any, selector: dict[str, Any]) -> list[str]:
        """Workloads in the namespace whose pod template labels match the selector (`{}` selects all)."""
        found = []
        for registration in self.inventory.registrations:
            if registration["type"] not in WORKLOAD_TYPES:
                continue
            inputs = plain(registration.get("inputs") or {})
            if namespace and (inputs.get("metadata") or {}).get("namespace") not in (namespace, None):
                continue
            template = ((inputs.get("spec") or {}).get("template") or {}).get("metadata") or {}
            labels = template.get("labels") or {}
            if all(labels.get(key) == value for key, value in selector.items()):
                found.append(registration["urn"])
        return found

    def _region_flows(self, registration: dict[str, Any], view: ResourceView) -> list[Flow]:
        """Rule 1: inputs that name another region, literally (a region, an ARN) or through lineage."""
        region = view.region
        if region is None or not REGION_PATTERN.match(region):
            return []
        dependencies: dict[str, list[str]] = registration.get("property_dependencies") or {}
        candidates: list[tuple[str, str, str | None]] = []
        for key_path, value in _strings(plain(registration.get("inputs") or {})):
            if key_path == "region":
                continue
            arn = ARN_PATTERN.match(value)
            named = arn.group(1) if arn and arn.group(1) else (value if REGION_PATTERN.match(value) else None)
            if named and named != region:
                candidates.append((named, key_path.split(".")[0].split("[")[0], None))
        for key, urns in dependencies.items():
            for urn in urns:
                dependency = self.views.get(urn)
                where = dependency.region if dependency else None
                if where and where != region and REGION_PATTERN.match(where):
                    candidates.append((where, key, urn))
        # What leaves: the resources this one reads in its own region, else its own classification.
        local = [
            u
            for urns in dependencies.values()
            for u in urns
            if u in self.views and self.views[u].region == region
        ]
        flows: list[Flow] = []
        seen: set[tuple[str, bool, str | None]] = set()
        for other, key, known in candidates:
            inbound = bool(SOURCE_KEY.search(key))
            if (other, inbound, known) in seen:
                continue
            seen.add((other, inbound, known))
            sources = [
                u for u in dependencies.get(key, []) if u in self.views and self.views[u].region == other
            ]
            what = self._what(sources, view) if inbound else self._what(local, view)
            flows.append(Flow(view.urn, other, known or other, inbound, what, other_urn=known))
        return flows

    def flows(self) -> list[Flow]:
        """Every cross-region flow the two rules find."""
        flows: list[Flow] = []
        own_networks = [
            network
            for registration in self.inventory.registrations
            if registration["type"] == "aws:ec2/vpc:Vpc"
            for network in _networks(str(plain((registration.get("inputs") or {}).get("cidrBlock", ""))))
        ]
        peers = peer_networks(self.project_dir, self.stack)
        for registration in self.inventory.registrations:
            view = self.views[registration["urn"]]
            if not view.custom or view.type.startswith("pulumi:providers:"):
                continue
            flows.extend(self._region_flows(registration, view))
            for cidr in _ingress_cidrs(registration):
                if cidr in INTERNET:
                    continue
                networks = _networks(cidr)
                if not networks or any(
                    network.version == own.version and network.subnet_of(own)  # type: ignore[arg-type]
                    for network in networks
                    for own in own_networks
                ):
                    continue
                source, source_region = f"network {cidr} (not in this project)", None
                for peer, other_stack, other_region in peers:
                    if networks[0].version == peer.version and networks[0].subnet_of(peer):  # type: ignore[arg-type]
                        source, source_region = f"{other_stack} stack {cidr}", other_region or None
                        break
                what = self._what(self._behind(registration), view)
                flows.append(Flow(view.urn, source_region, source, True, what, True))
        return flows

    def mermaid(self, flows: list[Flow]) -> str:
        """The map as a Mermaid block, ready for a pull-request comment."""
        endpoints = {flow.resource for flow in flows} | {flow.other_urn for flow in flows if flow.other_urn}
        shown = [view for view in self.views.values() if view.data_holding or view.urn in endpoints]
        # Identifiers follow URN order so that the same stack always gives the same map.
        ids = {urn: f"r{index}" for index, urn in enumerate(sorted(self.views))}
        regions: dict[str, list[str]] = {}
        for view in sorted(shown, key=lambda v: v.name):
            if view.data_holding:
                node = f'{ids[view.urn]}[("{_escape(_short(view.type) + " " + view.name)}<br/>'
                node += f'{_escape(view.classification or "unclassified")}")]'
            else:
                node = f'{ids[view.urn]}["{_escape(_short(view.type) + " " + view.name)}"]'
            regions.setdefault(view.region or "unknown region", []).append(node)
        outside: dict[str, str] = {}
        for flow in flows:
            if flow.other_urn is not None or flow.other in outside:
                continue
            if flow.other not in outside:
                outside[flow.other] = f"x{len(outside)}"
                node = f'{outside[flow.other]}(["{_escape(flow.other)}"])'
                regions.setdefault(flow.other_region or "outside this project", []).append(node)

        lines = ["```mermaid", "flowchart LR"]
        for region in sorted(regions):
            jurisdiction = jurisdiction_of_region(region)
            title = f"{region} · {jurisdiction.code} · {jurisdiction.law}" if jurisdiction else region
            lines.append(f'  subgraph {_id(region)}["{_escape(title)}"]')
            lines.extend(f"    {node}" for node in regions[region])
            lines.append("  end")
        for flow in flows:
            here, label = ids[flow.resource], _escape(flow.what)
            there = ids[flow.other_urn] if flow.other_urn else outside[flow.other]
            if flow.network:
                lines.append(f'  {there} <-- "network reach: {label}" --> {here}')
            elif flow.inbound:
                lines.append(f'  {there} -- "{label}" --> {here}')
            else:
                lines.append(f'  {here} -- "{label}" --> {there}')
        lines.append("```")
        return "\n".join(lines)

    def markdown(self) -> str:
        """Heading, the map and its legend."""
        flows = self.flows()
        summary = (
            f"{len(flows)} cross-region flow(s) found."
            if flows
            else "No cross-region data flow found in this stack's resources."
        )
        return "\n".join(
            [
                f"### Residency map: stack `{self.stack}`",
                "",
                self.mermaid(flows),
                "",
                summary,
                "",
                "<details><summary>How this map is drawn</summary>",
                "",
                "Each box is a region (the resource's own `region` input, else its provider's; Kubernetes",
                "objects sit in their cluster's region). Cylinders are data stores with their",
                "`data-classification`. An arrow is a cross-region flow found by two rules: an input that",
                "names another region (replication destination, replica or peer region, an ARN in another",
                "region), or an ingress rule admitting a CIDR outside this stack's VPCs (named after the",
                "stack that declares it). Its label is the classification of the data that crosses.",
                "Flows set up at run time (application code, SQL replication) are not visible here.",
                "",
                "</details>",
            ]
        )


def _id(text: str) -> str:
    """A Mermaid-safe identifier."""
    return "g_" + re.sub(r"[^A-Za-z0-9_]", "_", text)


def _escape(text: str) -> str:
    """Text safe inside a quoted Mermaid label."""
    return text.replace('"', "#quot;")


def _short(resource_type: str) -> str:
    """`aws:rds/instance:Instance` -> `rds Instance`; `kubernetes:apps/v1:StatefulSet` -> `StatefulSet`."""
    parts = resource_type.split(":")
    if len(parts) != 3:
        return resource_type
    module = parts[1].split("/")[0]
    return parts[2] if parts[0] == "kubernetes" else f"{module} {parts[2]}"
