"""pii-not-public judges every source an ingress rule on a store's group admits, whatever names it.

A managed prefix list is resolved to its entries (inline, and `ManagedPrefixListEntry` resources), each
judged as a CIDR; one the stack does not declare (an AWS-managed list such as CloudFront's origin-facing
one, another stack's) cannot be checked and fails closed. A source group of another account, one the stack
does not declare, or a source unknown at preview that no group of the stack computes, fails closed too;
and so does each of these on a rule that names the store's group by a literal id a first preview cannot
match.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import OTHER_ACCOUNT
from tests.policies.policy_harness import MODE, PREVIEW, UNKNOWN, Res, computed_outputs, messages, violations

POLICY = "pii-not-public"
CLOUDFRONT_ORIGIN_FACING = "pl-4fa04526"
"""An id of the form AWS gives managed prefix lists, standing for an AWS-managed list such as CloudFront's
origin-facing one (whose id differs per region), which no stack declares."""


def _prefix_list(region: Region, *cidrs: str) -> Res:
    return Res(
        "aws:ec2/managedPrefixList:ManagedPrefixList",
        "office",
        {
            "name": "office",
            "addressFamily": "IPv4",
            "maxEntries": 5,
            "entries": [{"cidr": cidr, "description": "admitted"} for cidr in cidrs],
        },
        region.provider,
    )


def _rule(region: Region, source: dict[str, Any], deps: list[Res] | None = None) -> Res:
    """An ingress rule on the database's group, admitting one source."""
    props = {"ipProtocol": "tcp", "fromPort": 5432, "toPort": 5432, "securityGroupId": UNKNOWN, **source}
    rule = Res(
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        "from-source",
        props,
        region.provider,
        deps={"securityGroupId": [region.database_group]},
    )
    for key in source:
        if deps:
            rule.deps[key] = deps
    return rule


def _about_database(found: list, region: Region) -> str:
    return messages([d for d in found if d.urn == region.database.urn])


def test_a_prefix_list_of_the_vpcs_own_networks_is_allowed() -> None:
    region = eu_region()
    prefix_list = _prefix_list(region, "10.10.0.0/24", "10.10.8.0/22")
    rule = _rule(region, {"prefixListId": UNKNOWN}, [prefix_list])
    assert violations([*region.resources, prefix_list, rule], POLICY) == []


def test_a_prefix_list_with_a_public_entry_is_blocked() -> None:
    region = eu_region()
    prefix_list = _prefix_list(region, "10.10.0.0/24", "203.0.113.0/24")
    rule = _rule(region, {"prefixListId": UNKNOWN}, [prefix_list])
    shown = _about_database(violations([*region.resources, prefix_list, rule], POLICY), region)
    assert "'office'" in shown and "203.0.113.0/24, which lies outside the store's VPC" in shown, shown


def test_a_public_entry_added_to_the_prefix_list_by_its_own_resource_is_blocked() -> None:
    region = eu_region()
    prefix_list = _prefix_list(region, "10.10.0.0/24")
    entry = Res(
        "aws:ec2/managedPrefixListEntry:ManagedPrefixListEntry",
        "partner",
        {"prefixListId": UNKNOWN, "cidr": "0.0.0.0/0", "description": "partner"},
        region.provider,
        deps={"prefixListId": [prefix_list]},
    )
    rule = _rule(region, {"prefixListId": UNKNOWN}, [prefix_list])
    shown = _about_database(violations([*region.resources, prefix_list, entry, rule], POLICY), region)
    assert "0.0.0.0/0, the whole internet" in shown, shown


def test_an_inline_rule_admitting_a_prefix_list_with_a_public_entry_is_blocked() -> None:
    region = eu_region()
    prefix_list = _prefix_list(region, "198.51.100.0/24")
    region.database_group.props["ingress"].append(
        {"protocol": "tcp", "fromPort": 5432, "toPort": 5432, "prefixListIds": [UNKNOWN]}
    )
    region.database_group.deps["ingress"].append(prefix_list)
    shown = _about_database(violations([*region.resources, prefix_list], POLICY), region)
    assert "198.51.100.0/24, which lies outside the store's VPC" in shown, shown


def test_a_prefix_list_the_stack_does_not_declare_is_blocked() -> None:
    region = eu_region()
    rule = _rule(region, {"prefixListId": CLOUDFRONT_ORIGIN_FACING})
    shown = _about_database(violations([*region.resources, rule], POLICY), region)
    assert f"prefix list {CLOUDFRONT_ORIGIN_FACING}, which this stack does not declare" in shown, shown


def test_a_source_group_unknown_at_preview_that_no_group_computes_is_blocked() -> None:
    region = eu_region()
    reference = Res("pulumi:pulumi:StackReference", "shared", {"name": "acme/network/eu"})
    rule = _rule(
        region,
        {"referencedSecurityGroupId": UNKNOWN if MODE.get() == PREVIEW else "sg-0a1b2c3d4e5f60718"},
        [reference],
    )
    shown = _about_database(violations([*region.resources, reference, rule], POLICY), region)
    if MODE.get() == PREVIEW:
        assert "a security group unknown at preview that no security group of this stack computes" in shown
    else:
        assert "sg-0a1b2c3d4e5f60718, which is not declared in this stack" in shown, shown


def _group_id(region: Region) -> str:
    """The database group's id as a rule names it by a literal: one a first preview cannot match, or the
    deployed group's own id."""
    return "sg-0f1e2d3c4b5a69788" if MODE.get() == PREVIEW else computed_outputs(region.database_group)["id"]


def _rule_on_literal_group(region: Region, source: dict[str, Any], deps: list[Res] | None = None) -> Res:
    rule = _rule(region, source, deps)
    rule.props["securityGroupId"] = _group_id(region)
    rule.deps.pop("securityGroupId")
    return rule


def test_a_rule_on_a_literal_group_admitting_the_nodes_is_allowed() -> None:
    region = eu_region()
    rule = _rule_on_literal_group(region, {"referencedSecurityGroupId": UNKNOWN}, [region.node_group])
    assert violations([*region.resources, rule], POLICY) == []


@pytest.mark.parametrize(
    "source",
    [
        {"referencedSecurityGroupId": f"{OTHER_ACCOUNT}/sg-0a1b2c3d4e5f60718"},
        {"referencedSecurityGroupId": "sg-0a1b2c3d4e5f60718"},
        {"prefixListId": CLOUDFRONT_ORIGIN_FACING},
    ],
    ids=["another account's group", "an undeclared group", "an undeclared prefix list"],
)
def test_a_rule_on_a_literal_group_admitting_an_untraceable_source_is_blocked(source: dict[str, Any]) -> None:
    region = eu_region()
    rule = _rule_on_literal_group(region, source)
    found = violations([*region.resources, rule], POLICY)
    assert found, "the rule may open the PII database's group to a source outside the VPC"
    assert next(iter(source.values())) in messages(found)


# Address blocks computed from a VPC ----------------------------------------------------------------------


def _dual_stack(region: Region) -> None:
    """The region's VPC with an Amazon-provided IPv6 block, known only once the VPC exists."""
    region.vpc.props["assignGeneratedIpv6CidrBlock"] = True


def test_a_rule_admitting_the_ipv6_block_of_the_stores_own_vpc_is_allowed() -> None:
    """Reviewer blind-access15 c14: `cidr_ipv6=vpc.ipv6_cidr_block` is the VPC's own block."""
    region = eu_region()
    _dual_stack(region)
    rule = _rule(region, {"cidrIpv6": UNKNOWN}, [region.vpc])
    found = violations([*region.resources, rule], POLICY)
    assert found == [], messages(found)


def test_a_rule_admitting_the_ipv6_block_of_another_vpc_is_blocked() -> None:
    """A peer's block is computed from a VPC that is not the store's: unknown at preview, outside once
    deployed."""
    region = eu_region()
    _dual_stack(region)
    peer = Res(
        "aws:ec2/vpc:Vpc",
        "peer",
        {"cidrBlock": "10.30.0.0/16", "assignGeneratedIpv6CidrBlock": True},
        region.provider,
    )
    rule = _rule(region, {"cidrIpv6": UNKNOWN}, [peer])
    shown = _about_database(violations([*region.resources, peer, rule], POLICY), region)
    expected = "unknown at preview" if MODE.get() == PREVIEW else "lies outside the store's VPC"
    assert expected in shown, shown


@pytest.mark.preview_only("once deployed the block is known, and judged as a literal")
def test_an_inline_block_computed_from_the_vpc_and_another_source_is_blocked_at_preview() -> None:
    """An inline rule's `ingress` is computed from every source of every block: which one gave the CIDR
    cannot be told, so a source group beside the VPC leaves it unknown."""
    region = eu_region()
    _dual_stack(region)
    region.database_group.props["ingress"].append(
        {"protocol": "tcp", "fromPort": 5432, "toPort": 5432, "ipv6CidrBlocks": [UNKNOWN]}
    )
    region.database_group.deps["ingress"] = [region.node_group, region.vpc]
    shown = _about_database(violations(region.resources, POLICY), region)
    assert "a CIDR that is unknown at preview" in shown, shown
