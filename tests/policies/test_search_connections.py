"""OpenSearch cross-cluster connections: the local domain (the one whose owner creates the outbound
connection) searches, or replicates from, the remote domain, so the remote domain's data goes to the local
domain's region and account, and nothing of the local domain's index goes the other way. The remote
domain's owner accepts the connection (an InboundConnectionAccepter). Each test is a baseline and one
change (reviewer blind-full14 v05: the message said the data went to the remote, PII domain's region)."""

from __future__ import annotations

from typing import Any

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import mumbai, store
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

NO_PII = "no-pii-replication"
ANONYMISED_ONLY = "anonymised-only-replication"
ACCOUNT = "123456789012"


def _domain(region: Region, name: str, provider: Res | None = None, classification: str = "pii") -> Res:
    domain = store(
        region,
        "aws:opensearch/domain:Domain",
        name,
        {"domainName": name},
        {"data-classification": classification},
    )
    if provider is not None:
        domain.provider = provider
    return domain


def _connection(local: Res | str, remote: Res | str, provider: Res) -> Res:
    """An outbound connection from `local` to `remote` (a domain of the stack, or a literal name in India)."""
    props: dict[str, Any] = {"connectionAlias": "search", "connectionMode": "DIRECT"}
    deps: dict[str, list[Res]] = {}
    for side, domain in (("localDomainInfo", local), ("remoteDomainInfo", remote)):
        if isinstance(domain, Res):
            region = (
                "ap-south-1"
                if domain.provider is not None and domain.provider.name == "mumbai"
                else "eu-west-1"
            )
            props[side] = {"domainName": UNKNOWN, "ownerId": ACCOUNT, "region": region}
            deps[side] = [domain]
        else:
            props[side] = {"domainName": domain, "ownerId": ACCOUNT, "region": "ap-south-1"}
    return Res("aws:opensearch/outboundConnection:OutboundConnection", "search", props, provider, deps=deps)


def _accepter(region: Region, connection: Res) -> Res:
    return Res(
        "aws:opensearch/inboundConnectionAccepter:InboundConnectionAccepter",
        "accept-search",
        {"connectionId": UNKNOWN},
        region.provider,
        deps={"connectionId": [connection]},
    )


def test_a_domain_in_another_region_searching_the_pii_domain_copies_it_to_its_own_region() -> None:
    region = eu_region()
    customers = _domain(region, "customer-search")
    connection = _connection("support-search", customers, mumbai())
    accepter = _accepter(region, connection)
    found = violations([*region.resources, customers, connection, accepter], NO_PII)
    assert sorted(d.urn for d in found) == sorted([connection.urn, accepter.urn]), messages(found)
    for violation in found:
        assert "'customer-search' (pii)" in violation.message, violation.message
        assert "to ap-south-1" in violation.message and "to eu-west-1" not in violation.message, (
            violation.message
        )


def test_the_pii_domain_searching_an_anonymised_domain_elsewhere_copies_nothing_out() -> None:
    region = eu_region()
    customers = _domain(region, "customer-search")
    india = mumbai()
    aggregates = _domain(region, "demand-aggregates", india, "anonymised")
    connection = _connection(customers, aggregates, region.provider)
    stack = [*region.resources, customers, aggregates, connection]
    assert violations(stack, NO_PII) == []
    assert violations(stack, ANONYMISED_ONLY) == []


def test_a_cross_cluster_connection_in_the_region_is_allowed() -> None:
    region = eu_region()
    customers = _domain(region, "customer-search")
    support = _domain(region, "support-search")
    connection = _connection(support, customers, region.provider)
    accepter = _accepter(region, connection)
    assert violations([*region.resources, customers, support, connection, accepter], NO_PII) == []
