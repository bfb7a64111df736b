"""Rule 6, pii-not-public, on the AWS network: what a PII store's security groups admit.

A store's security groups are found by lineage (or any identity, such as a known id) from its own inputs;
a store that names none uses its VPC's default security group. Their ingress rules are the groups' inline
`ingress` blocks plus every `aws.ec2.SecurityGroupRule` and `aws.vpc.SecurityGroupIngressRule` attached to
them, by the group's identity or through the store's own outputs. Each source is judged: a CIDR must lie
inside the CIDR blocks of the group's VPC, a referenced group must be this stack's and this account's and
not an internet-facing load balancer's, a managed prefix list is judged by its entries. Rules on a group
a first preview cannot match are judged as the store's would be. The subnets a store is placed in are
read here too, for IP targets and hand-made endpoints.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from .attributes import account_of
from .model import Resource, Stack
from .settings import Settings
from .values import UNKNOWN, Unknown, as_bool, child, elements, known_strings, values_at
from .violations import Violation, violation

SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
DEFAULT_SECURITY_GROUP = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
GROUP_TYPES = (SECURITY_GROUP, DEFAULT_SECURITY_GROUP)
LOAD_BALANCERS = ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")
SUBNET = "aws:ec2/subnet:Subnet"
SECURITY_GROUP_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
VPC = "aws:ec2/vpc:Vpc"
VPC_CIDR_ASSOCIATION = "aws:ec2/vpcIpv4CidrBlockAssociation:VpcIpv4CidrBlockAssociation"
VPC_IPV6_ASSOCIATION = "aws:ec2/vpcIpv6CidrBlockAssociation:VpcIpv6CidrBlockAssociation"
OWN_BLOCK_SOURCES = (VPC_CIDR_ASSOCIATION, VPC_IPV6_ASSOCIATION, SUBNET)
"""Resources of a VPC whose outputs are its own address blocks (a CIDR association's, a subnet's): a CIDR
computed from them, or from the VPC itself, lies inside the VPC."""
MOUNT_TARGET = "aws:efs/mountTarget:MountTarget"
SECURITY_GROUP_INPUTS: dict[str, tuple[str, ...]] = {
    "aws:rds/instance:Instance": ("vpcSecurityGroupIds",),
    "aws:rds/cluster:Cluster": ("vpcSecurityGroupIds",),
    "aws:docdb/cluster:Cluster": ("vpcSecurityGroupIds",),
    "aws:neptune/cluster:Cluster": ("vpcSecurityGroupIds",),
    "aws:redshift/cluster:Cluster": ("vpcSecurityGroupIds",),
    "aws:elasticache/replicationGroup:ReplicationGroup": ("securityGroupIds",),
    "aws:elasticache/cluster:Cluster": ("securityGroupIds",),
    "aws:elasticache/serverlessCache:ServerlessCache": ("securityGroupIds",),
    "aws:memorydb/cluster:Cluster": ("securityGroupIds",),
    "aws:opensearch/domain:Domain": ("vpcOptions.securityGroupIds",),
    "aws:elasticsearch/domain:Domain": ("vpcOptions.securityGroupIds",),
    "aws:msk/cluster:Cluster": ("brokerNodeGroupInfo.securityGroups",),
    "aws:dax/cluster:Cluster": ("securityGroupIds",),
    "aws:mq/broker:Broker": ("securityGroups",),
    "aws:ec2/instance:Instance": ("vpcSecurityGroupIds", "securityGroups"),
    "aws:ec2/spotInstanceRequest:SpotInstanceRequest": ("vpcSecurityGroupIds", "securityGroups"),
    "aws:ec2/launchTemplate:LaunchTemplate": ("vpcSecurityGroupIds", "networkInterfaces[].securityGroups"),
    "aws:fsx/lustreFileSystem:LustreFileSystem": ("securityGroupIds",),
    "aws:fsx/ontapFileSystem:OntapFileSystem": ("securityGroupIds",),
    "aws:fsx/openZfsFileSystem:OpenZfsFileSystem": ("securityGroupIds",),
    "aws:fsx/windowsFileSystem:WindowsFileSystem": ("securityGroupIds",),
    "aws:docdb/elasticCluster:ElasticCluster": ("vpcSecurityGroupIds",),
    "aws:timestreaminfluxdb/dbInstance:DbInstance": ("vpcSecurityGroupIds",),
    "aws:timestreaminfluxdb/dbCluster:DbCluster": ("vpcSecurityGroupIds",),
    "aws:dms/replicationInstance:ReplicationInstance": ("vpcSecurityGroupIds",),
}
"""Where each network-attached data store names its security groups, in wire names."""

_OPEN = (ipaddress.ip_network("0.0.0.0/0"), ipaddress.ip_network("::/0"))


def default_groups(store: Resource, stack: Stack) -> list[Resource | str]:
    """A store that names no security group is in its VPC's default group, judged as the stack declares it.

    Undeclared, the default group admits only its own members (AWS's default rule), which is not exposure.
    """
    return list(stack.of_type(DEFAULT_SECURITY_GROUP))


def security_groups(
    store: Resource, stack: Stack, paths: tuple[str, ...] | None = None
) -> list[Resource | str]:
    """The store's security groups: the stack's resources, or the ids it names that are not in the stack
    (named at `paths`, by default where the store's type names them)."""
    groups: list[Resource | str] = []
    holders = [store]
    paths = SECURITY_GROUP_INPUTS.get(store.type, ()) if paths is None else paths
    if store.type == "aws:efs/fileSystem:FileSystem":
        holders = [t for t in stack.of_type(MOUNT_TARGET) if stack.refers_to(t, "fileSystemId", store)]
        paths = ("securityGroups",)
    for holder in holders:
        for path in paths:
            found = [d for d in stack.dependencies(holder, path) if d.type in GROUP_TYPES]
            groups.extend(g for g in found if g not in groups)
            for value in values_at(holder.props, path):
                if isinstance(value, Unknown) and not found:
                    groups.append(f"({path} unknown at preview)")
                elif isinstance(value, str) and value:
                    named = [g for g in stack.named(value) if g.type in GROUP_TYPES]
                    if named:
                        groups.extend(g for g in named if g not in groups)
                    elif not found:
                        groups.append(value)
    return groups


def _ingress_rules(group: Resource, store: Resource, stack: Stack) -> list[tuple[Resource, Any]]:
    """Every ingress rule of a security group: inline blocks and separate rule resources.

    A separate rule belongs to the group when it names the group (by lineage or identity), or when it was
    computed from the store's own outputs (`db.vpc_security_group_ids[0]`).
    """
    rules: list[tuple[Resource, Any]] = [(group, rule) for rule in elements(child(group.props, "ingress"))]

    def attached(rule: Resource) -> bool:
        return stack.refers_to(rule, "securityGroupId", group) or store in stack.dependencies(
            rule, "securityGroupId"
        )

    for rule in stack.of_type(SECURITY_GROUP_RULE):
        if child(rule.props, "type") == "ingress" and attached(rule):
            rules.append((rule, rule.props))
    for rule in stack.of_type(INGRESS_RULE):
        if attached(rule):
            rules.append((rule, rule.props))
    return rules


def internet_facing(balancer: Resource) -> bool:
    """Whether a load balancer is internet-facing (`internal` not set true, unknown at preview included)."""
    internal = as_bool(child(balancer.props, "internal"))
    return internal is not True


def _referenced_groups(owner: Resource, rule: Any, stack: Stack) -> list[Resource | str]:
    """The security groups an ingress rule admits: the stack's, or the ids it names that are not."""
    paths = ("securityGroups", "sourceSecurityGroupId", "referencedSecurityGroupId")
    found: list[Resource | str] = []
    for path in paths:
        values = values_at(rule, path)
        if not values:
            continue
        prop = path if owner.type != SECURITY_GROUP and owner.type != DEFAULT_SECURITY_GROUP else "ingress"
        dependencies = [d for d in stack.dependencies(owner, prop) if d.type in GROUP_TYPES]
        for value in values:
            if isinstance(value, Unknown):
                found.extend(g for g in dependencies if g not in found)
                if not dependencies and UNTRACED_SOURCE not in found:
                    found.append(UNTRACED_SOURCE)
            elif isinstance(value, str) and value:
                named = [g for g in stack.named(value) if g.type in GROUP_TYPES]
                if not named and dependencies and "/" not in value:
                    # An id computed from a group of the stack (its state keeps the id beside the outputs):
                    # the property dependency wins over the literal.
                    named = dependencies
                admitted: list[Resource | str] = list(named) if named else [value]
                found.extend(g for g in admitted if g not in found)
    return found


def group_exposure(
    group: Resource, store: Resource, stack: Stack, accounts: frozenset[str]
) -> list[tuple[str, str]]:
    """What the ingress rules of one of a store's security groups admit beyond the store's VPC."""
    found = []
    vpcs = group_vpcs(group, stack)
    vpc_cidrs = group_vpc_cidrs(group, stack)
    balancer_groups = _internet_facing_groups(stack)
    for owner, rule in _ingress_rules(group, store, stack):
        where = f"{owner.label}" if owner is not group else f"an inline ingress rule of {group.label}"
        if isinstance(rule, Unknown):
            found.append((f"{where} is unknown at preview", "declare ingress rules with literal sources."))
            continue
        found.extend(_source_problems(owner, rule, where, stack, accounts, vpc_cidrs, balancer_groups, vpcs))
    return found


def _internet_facing_groups(stack: Stack) -> dict[str, Resource]:
    """The security groups of internet-facing load balancers, by group URN, each with its balancer."""
    return {
        g.urn: balancer
        for balancer in stack.of_type(*LOAD_BALANCERS)
        if internet_facing(balancer)
        for g in stack.of_type(*GROUP_TYPES)
        if stack.refers_to(balancer, "securityGroups", g)
    }


UNTRACED_SOURCE = "(unknown at preview)"
"""What `_referenced_groups` gives for a source group unknown at preview that no group of the stack
computes."""


def _source_problems(
    owner: Resource,
    rule: Any,
    where: str,
    stack: Stack,
    accounts: frozenset[str],
    vpc_cidrs: list[Any],
    balancer_groups: dict[str, Resource],
    vpcs: list[Resource],
) -> list[tuple[str, str]]:
    """What an ingress rule admits beyond the store's VPC: each CIDR, source group and prefix list it names.

    A source must be traced to this deployment's own networks: a CIDR inside the VPC (one unknown at preview
    that only the VPC's own blocks were computed from, `_own_block`), a group of the stack in the
    deployment's accounts (not an internet-facing balancer's), a prefix list the stack declares whose entries
    all lie inside the VPC. Anything else, or anything the preview cannot trace, fails closed.
    """
    found = []
    for path in ("cidrBlocks", "ipv6CidrBlocks", "cidrIpv4", "cidrIpv6"):
        for cidr in values_at(rule, path):
            if isinstance(cidr, Unknown) and _own_block(owner, path, vpcs, stack):
                continue
            problem = _cidr_problem(cidr, vpc_cidrs)
            if problem:
                found.append(
                    (
                        f"{where} admits {problem}",
                        "admit only the security groups of the services that need the store (a source "
                        "security group, never a CIDR outside the VPC).",
                    )
                )
    for admitted in _referenced_groups(owner, rule, stack):
        if admitted == UNTRACED_SOURCE:
            found.append(
                (
                    f"{where} admits a security group unknown at preview that no security group of this "
                    "stack computes (another stack's output, or a value the pack cannot trace), so whose "
                    "members it admits cannot be seen",
                    "reference the source group declared in this stack (group.id).",
                )
            )
            continue
        if isinstance(admitted, str):
            account, _, _ = admitted.rpartition("/")
            if account and account not in accounts:
                found.append(
                    (
                        f"{where} admits security group {admitted} of account {account}",
                        "admit only security groups of this deployment's accounts.",
                    )
                )
            else:
                found.append(
                    (
                        f"{where} admits security group {admitted}, which is not declared in this stack",
                        "admit only security groups declared in the stack, whose members it can see.",
                    )
                )
            continue
        group_account = account_of(admitted)
        if group_account is None or (group_account.isdigit() and group_account not in accounts):
            found.append(
                (
                    f"{where} admits {admitted.label}, in {group_account or 'an untraceable account'}",
                    "admit only security groups of this deployment's accounts.",
                )
            )
        balancer = balancer_groups.get(admitted.urn)
        if balancer is not None:
            found.append(
                (
                    f"{where} admits {admitted.label}, the group of the internet-facing {balancer.label}",
                    "admit only the groups of the services that read the store, never a public load "
                    "balancer's.",
                )
            )
    found.extend(_prefix_list_problems(owner, rule, where, stack, vpc_cidrs))
    return found


MANAGED_PREFIX_LIST = "aws:ec2/managedPrefixList:ManagedPrefixList"
MANAGED_PREFIX_LIST_ENTRY = "aws:ec2/managedPrefixListEntry:ManagedPrefixListEntry"
PREFIX_LIST_PATHS = ("prefixListIds", "prefixListId")
"""Where an inline rule or `SecurityGroupRule` (`prefixListIds`) and a `SecurityGroupIngressRule`
(`prefixListId`) name the prefix lists they admit."""


def _prefix_list_problems(
    owner: Resource, rule: Any, where: str, stack: Stack, vpc_cidrs: list[Any]
) -> list[tuple[str, str]]:
    """What the prefix lists an ingress rule admits reach beyond the VPC, entry by entry.

    A list the stack declares is judged by its entries (its own `entries` and every `ManagedPrefixListEntry`
    added to it); one it does not declare (AWS-managed, as CloudFront's origin-facing list, or another
    stack's) or one unknown at preview that no list of the stack computes cannot be checked.
    """
    found: list[tuple[str, str]] = []
    fix = (
        "admit source security groups, or a prefix list declared in this stack whose entries lie inside "
        "the VPC."
    )
    prop_of = "ingress" if owner.type in GROUP_TYPES else None
    for path in PREFIX_LIST_PATHS:
        values = values_at(rule, path)
        if not values:
            continue
        dependencies = [
            d for d in stack.dependencies(owner, prop_of or path) if d.type == MANAGED_PREFIX_LIST
        ]
        lists: list[Resource] = []
        for value in values:
            if isinstance(value, Unknown):
                if not dependencies:
                    found.append(
                        (f"{where} admits a prefix list unknown at preview, whose CIDRs cannot be seen", fix)
                    )
                lists.extend(d for d in dependencies if d not in lists)
            elif isinstance(value, str) and value:
                named = [p for p in stack.named(value) if p.type == MANAGED_PREFIX_LIST] or dependencies
                if not named:
                    found.append(
                        (
                            f"{where} admits prefix list {value}, which this stack does not declare (an "
                            "AWS-managed list or another stack's), so its CIDRs cannot be checked",
                            fix,
                        )
                    )
                lists.extend(p for p in named if p not in lists)
        for prefix_list in lists:
            cidrs = [*values_at(prefix_list.props, "entries[].cidr")]
            if isinstance(child(prefix_list.props, "entries"), Unknown):
                cidrs.append(UNKNOWN)
            cidrs += [
                child(entry.props, "cidr")
                for entry in stack.of_type(MANAGED_PREFIX_LIST_ENTRY)
                if stack.refers_to(entry, "prefixListId", prefix_list)
            ]
            for cidr in cidrs:
                problem = _cidr_problem(cidr, vpc_cidrs)
                if problem:
                    found.append(
                        (f"{where} admits prefix list {prefix_list.label}, whose entry {problem}", fix)
                    )
    return found


_SUBNET_HOLDERS = ("subnetGroup:SubnetGroup", "mountTarget:MountTarget")
"""Types between a store and its subnets: subnet groups, and an EFS file system's mount targets."""


def store_subnet_cidrs(store: Resource, stack: Stack) -> list[Any]:
    """The CIDR blocks of the subnets a store is placed in (through its subnet group or mount targets)."""
    holders: list[Resource] = [store]
    for prop in store.props if isinstance(store.props, dict) else ():
        for dependency in stack.dependencies(store, prop):
            if dependency.type.endswith(_SUBNET_HOLDERS) and dependency not in holders:
                holders.append(dependency)
        value = child(store.props, prop)
        if isinstance(value, str) and value and "ubnetGroup" in prop:
            holders.extend(r for r in stack.named(value) if r.type.endswith(_SUBNET_HOLDERS))
    if store.type == "aws:efs/fileSystem:FileSystem":
        holders.extend(t for t in stack.of_type(MOUNT_TARGET) if stack.refers_to(t, "fileSystemId", store))
    subnets: list[Resource] = []
    for holder in holders:
        for prop in holder.props if isinstance(holder.props, dict) else ():
            if "ubnet" not in prop:
                continue
            named = [d for d in stack.dependencies(holder, prop) if d.type == SUBNET]
            for value in known_strings(values_at(holder.props, prop)):
                named.extend(r for r in stack.named(value) if r.type == SUBNET)
            subnets.extend(n for n in named if n not in subnets)
    return [child(subnet.props, "cidrBlock") for subnet in subnets]


def address_in(target: Any, cidrs: list[Any]) -> str | None:
    """The subnet CIDR an IP target lies in, or None when it is no IP address or lies in none of them."""
    if not isinstance(target, str):
        return None
    try:
        address = ipaddress.ip_address(target)
    except ValueError:
        return None
    for cidr in cidrs:
        if not isinstance(cidr, str):
            continue
        try:
            if address in ipaddress.ip_network(cidr, strict=False):
                return cidr
        except ValueError:
            continue
    return None


def unmatched_group_rules(
    stack: Stack, settings: Settings, protected_by_urn: dict[str, frozenset[str]]
) -> list[Violation]:
    """Ingress rules that open a group a first preview cannot match, while a PII store's group id is unknown.

    A rule that names its group by a literal id (`sg-...`) cannot be matched to a group the same preview
    creates, whose id AWS has not generated yet: it may be the group of a PII store. It is judged as the
    store's would be: a CIDR beyond every VPC of the stack's PII stores is a violation on the rule.
    """
    stores = [s for s in stack.resources if s.urn in protected_by_urn]
    unmatched_groups = [
        group
        for store in stores
        for group in security_groups(store, stack)
        if not isinstance(group, str) and not any(i.startswith("sg-") for i in group.identities)
    ]
    if not unmatched_groups:
        return []
    vpcs = list(dict.fromkeys(vpc for group in unmatched_groups for vpc in group_vpcs(group, stack)))
    vpc_cidrs = [cidr for group in unmatched_groups for cidr in group_vpc_cidrs(group, stack)]
    balancer_groups = _internet_facing_groups(stack)
    found = []
    rules = [r for r in stack.of_type(SECURITY_GROUP_RULE) if child(r.props, "type") == "ingress"]
    for rule in [*rules, *stack.of_type(INGRESS_RULE)]:
        group_id = child(rule.props, "securityGroupId")
        if stack.dependencies(rule, "securityGroupId"):
            continue
        if isinstance(group_id, str) and [g for g in stack.named(group_id) if g.type in GROUP_TYPES]:
            continue
        problems = _source_problems(
            rule, rule.props, rule.label, stack, settings.account_ids, vpc_cidrs, balancer_groups, vpcs
        )
        if not problems:
            continue
        named = group_id if isinstance(group_id, str) else "a group unknown at preview"
        groups = ", ".join(dict.fromkeys(g.label for g in unmatched_groups))
        kinds = ", ".join(sorted(frozenset().union(*(protected_by_urn[s.urn] for s in stores))))
        admits = "; ".join(problem.removeprefix(f"{rule.label} admits ") for problem, _ in problems)
        found.append(
            violation(
                rule,
                f"{rule.label} admits {admits} into security group {named}, which this preview "
                f"cannot match to a group of the stack: it may be {groups}, which guards {kinds} data",
                f"personal data protected by {settings.law} must be reachable only by this region's "
                "services; a rule the pack cannot place may open a PII store to the internet or another "
                "region.",
                "name the group by a reference to the stack's resource (group.id), not a literal id AWS "
                "generated for a deployed stack, so the pack can see which store it opens; and admit only "
                "security groups of this stack, never a CIDR outside the VPC or a prefix list it cannot "
                "check.",
            )
        )
    return found


def group_vpcs(group: Resource, stack: Stack) -> list[Resource]:
    """The stack's VPC a security group is in (by lineage or by its id)."""
    vpcs = [d for d in stack.dependencies(group, "vpcId") if d.type == VPC]
    vpc_id = child(group.props, "vpcId")
    if not vpcs and isinstance(vpc_id, str):
        vpcs = [v for v in stack.named(vpc_id) if v.type == VPC]
    return vpcs


def group_vpc_cidrs(group: Resource, stack: Stack) -> list[Any]:
    """The IPv4 and IPv6 CIDR blocks of a security group's VPC (UNKNOWN entries where they are unknown)."""
    return [cidr for vpc in group_vpcs(group, stack) for cidr in vpc_cidrs(vpc, stack)]


def _own_block(owner: Resource, path: str, vpcs: list[Resource], stack: Stack) -> bool:
    """Whether a CIDR unknown at preview was computed only from the store's own VPC (its `cidrBlock` or
    `ipv6CidrBlock` output, a CIDR block association of it, one of its subnets): one of the VPC's own blocks
    (decision, reviewer blind-access15 c14: a dual-stack VPC's Amazon-provided IPv6 block is known only once
    the VPC exists). An inline rule's input (`ingress`) is computed from every source of every block, so a
    source group beside the VPC leaves it unknown; a value computed from anything else fails closed."""
    dependencies = stack.dependencies(owner, path if owner.type not in GROUP_TYPES else "ingress")
    if not dependencies or not vpcs:
        return False
    return all(
        d in vpcs or (d.type in OWN_BLOCK_SOURCES and any(stack.refers_to(d, "vpcId", v) for v in vpcs))
        for d in dependencies
    )


def vpc_cidrs(vpc: Resource, stack: Stack) -> list[Any]:
    """A VPC's IPv4 and IPv6 CIDR blocks, its associated ones included (UNKNOWN where unknown)."""
    cidrs: list[Any] = [child(vpc.props, "cidrBlock")]
    ipv6 = child(vpc.props, "ipv6CidrBlock")
    if ipv6 is not None:
        cidrs.append(ipv6)
    for association in stack.of_type(VPC_CIDR_ASSOCIATION):
        if stack.refers_to(association, "vpcId", vpc):
            cidrs.append(child(association.props, "cidrBlock"))
    return cidrs


def cidr_problem(cidr: Any, vpc_cidrs: list[Any]) -> str | None:
    """Why a CIDR reaches beyond the VPC's blocks, or None when it lies inside one of them."""
    return _cidr_problem(cidr, vpc_cidrs)


def _cidr_problem(cidr: Any, vpc_cidrs: list[Any]) -> str | None:
    """Why an ingress CIDR reaches beyond the VPC, or None when it lies inside one of its CIDR blocks."""
    if isinstance(cidr, Unknown):
        return "a CIDR that is unknown at preview"
    if not isinstance(cidr, str) or not cidr:
        return None
    try:
        network = ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return f"{cidr!r}, which is not a CIDR"
    if network in _OPEN:
        return f"{cidr}, the whole internet"
    known = []
    for block in vpc_cidrs:
        if block is UNKNOWN or isinstance(block, Unknown):
            continue
        try:
            known.append(ipaddress.ip_network(str(block), strict=False))
        except ValueError:
            continue
    if any(network.version == block.version and network.subnet_of(block) for block in known):  # type: ignore[arg-type]
        return None
    if not known:
        return f"{cidr}, which cannot be shown to lie inside the store's VPC (its CIDR is unknown)"
    return f"{cidr}, which lies outside the store's VPC ({', '.join(str(b) for b in known)})"
