"""An OpenSearch inbound connection accepter is judged by the connection it accepts (reviewer blind-aws13
c07).

The baseline is cross-cluster search between two PII domains of the same region and account: the stack's
outbound connection from the support domain to the orders domain, and the accepter that completes it,
computed from the connection's id. Same-region, same-account copies stay in the jurisdiction. Each test
changes one thing: the connection's remote domain in another region or account, or an accepter of a
connection the stack does not declare, which may join any region and account.
"""

from __future__ import annotations

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import OTHER_ACCOUNT, mumbai, store
from tests.policies.policy_harness import UNKNOWN, Res, computed_outputs, messages, violations

RULES = ("no-pii-replication", "anonymised-only-replication")
OWN = "123456789012"


def _found(resources: list[Res]) -> list:
    return [d for rule in RULES for d in violations(resources, rule)]


def _search(region: Region) -> tuple[Res, Res, Res, Res]:
    """The two domains, the outbound connection between them and its accepter."""
    support = store(
        region, "aws:opensearch/domain:Domain", "support-search", {"domainName": "support-search"}
    )
    orders = store(region, "aws:opensearch/domain:Domain", "orders-search", {"domainName": "orders-search"})
    connection = Res(
        "aws:opensearch/outboundConnection:OutboundConnection",
        "support-to-orders",
        {
            "connectionAlias": "orders",
            "connectionMode": "DIRECT",
            "localDomainInfo": {"domainName": UNKNOWN, "ownerId": OWN, "region": "eu-west-1"},
            "remoteDomainInfo": {"domainName": UNKNOWN, "ownerId": OWN, "region": "eu-west-1"},
        },
        region.provider,
        deps={"localDomainInfo": [support], "remoteDomainInfo": [orders]},
    )
    accepter = Res(
        "aws:opensearch/inboundConnectionAccepter:InboundConnectionAccepter",
        "accept-support",
        {"connectionId": UNKNOWN},
        region.provider,
        deps={"connectionId": [connection]},
    )
    return support, orders, connection, accepter


def test_accepting_the_stacks_connection_between_domains_of_one_region_and_account_is_allowed() -> None:
    region = eu_region()
    search = _search(region)
    assert _found([*region.resources, *search]) == []


@pytest.mark.deployed_only("the connection's id is known once deployed")
def test_an_accepter_naming_the_stacks_connection_by_its_known_id_is_judged_by_it() -> None:
    region = eu_region()
    *domains, connection, accepter = _search(region)
    accepter.props["connectionId"] = computed_outputs(connection)["id"]
    accepter.deps = {}
    assert _found([*region.resources, *domains, connection, accepter]) == []


def test_accepting_a_connection_to_a_domain_in_another_region_copies_its_pii_there() -> None:
    region = eu_region()
    support, _, connection, accepter = _search(region)
    analytics = Res(
        "aws:opensearch/domain:Domain",
        "analytics",
        {"domainName": "analytics", "tags": {"data-classification": "internal"}},
        mumbai(),
    )
    connection.props["remoteDomainInfo"]["region"] = "ap-south-1"
    connection.deps["remoteDomainInfo"] = [analytics]
    found = [
        d
        for d in _found([*region.resources, support, analytics, connection, accepter])
        if d.urn == accepter.urn
    ]
    assert found, messages(found)
    assert "ap-south-1" in messages(found)


def test_accepting_a_connection_from_another_accounts_domain_shares_with_it() -> None:
    """The connection's local domain searches its remote one: another account's domain searching the
    stack's PII domain takes what it finds into that account (the data flows remote -> local, blind-full14
    v05)."""
    region = eu_region()
    _, orders, connection, accepter = _search(region)
    connection.props["localDomainInfo"] = {
        "domainName": "partner-search",
        "ownerId": OTHER_ACCOUNT,
        "region": "eu-west-1",
    }
    del connection.deps["localDomainInfo"]
    stack = [*region.resources, orders, connection, accepter]
    found = [d for d in _found(stack) if d.urn in (connection.urn, accepter.urn)]
    assert found, messages(found)
    assert f"shared with {OTHER_ACCOUNT}" in messages(found)


def test_accepting_a_connection_the_stack_does_not_declare_is_untraceable() -> None:
    region = eu_region()
    *domains, _, accepter = _search(region)
    accepter.props["connectionId"] = "a1b2c3d4-partner-connection"
    accepter.deps = {}
    found = [d for d in _found([*region.resources, *domains, accepter]) if d.urn == accepter.urn]
    assert found, messages(found)
    assert "cannot be traced" in messages(found)
