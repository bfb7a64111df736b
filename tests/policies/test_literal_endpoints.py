"""An endpoint host AWS generates names its resource by the identifier the user chose and by its region
(`pii-db.<hash>.eu-west-1.rds.amazonaws.com`): written by hand in code's configuration, it names the stack's
holder with that identifier in that region, even at a first preview, when the holder's address is unknown.

Red-team round 8 (rt-aws8): a function in us-east-1 configured with the PII database's endpoint written by
hand read it unjudged (the address output is unknown at a first preview, and the host was taken for an
unknown place in eu-west-1). The same holds for clusters, proxies, Redshift, OpenSearch, MemoryDB and MSK
hosts (`mechanisms.ENDPOINT_HOSTS`).
"""

from __future__ import annotations

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import mumbai, store
from tests.policies.policy_harness import Res, messages, violations

NO_PII = "no-pii-replication"
ANONYMISED_ONLY = "anonymised-only-replication"
LAMBDA_TRUST = "arn:aws:iam::123456789012:role/report"


def _function(region: Region, provider: Res, variables: dict[str, str]) -> Res:
    return Res(
        "aws:lambda/function:Function",
        "report",
        {
            "role": LAMBDA_TRUST,
            "runtime": "python3.12",
            "handler": "index.handler",
            "environment": {"variables": variables},
        },
        provider,
    )


@pytest.mark.parametrize(
    "variables",
    [
        {"DB_HOST": "pii-db.c9akciq32abc.eu-west-1.rds.amazonaws.com"},
        {"DATABASE_URL": "postgresql://app@pii-db.c9akciq32abc.eu-west-1.rds.amazonaws.com:5432/app"},
    ],
)
def test_code_elsewhere_that_names_the_pii_database_by_its_literal_endpoint_copies_it(
    variables: dict[str, str],
) -> None:
    region = eu_region()
    function = _function(region, mumbai(), variables)
    found = messages([d for d in violations([*region.resources, function], NO_PII) if d.urn == function.urn])
    assert "pii-db" in found and "ap-south-1" in found


def test_code_in_region_that_names_the_pii_database_by_its_literal_endpoint_breaks_no_rule() -> None:
    region = eu_region()
    function = _function(
        region, region.provider, {"DB_HOST": "pii-db.c9akciq32abc.eu-west-1.rds.amazonaws.com"}
    )
    assert violations([*region.resources, function], NO_PII) == []


def test_a_literal_endpoint_in_another_region_is_another_database() -> None:
    """The same identifier in another region is another account's or region's database, not the stack's."""
    region = eu_region()
    function = _function(region, mumbai(), {"DB_HOST": "pii-db.c9akciq32abc.us-west-2.rds.amazonaws.com"})
    found = [d for d in violations([*region.resources, function], NO_PII) if d.urn == function.urn]
    assert found == [], messages(found)


@pytest.mark.parametrize(
    ("type_", "props", "host"),
    [
        (
            "aws:rds/cluster:Cluster",
            {"clusterIdentifier": "customers", "engine": "aurora-postgresql"},
            "customers.cluster-ro-c9akciq32abc.eu-west-1.rds.amazonaws.com",
        ),
        (
            "aws:redshift/cluster:Cluster",
            {"clusterIdentifier": "warehouse"},
            "warehouse.c9akciq32abc.eu-west-1.redshift.amazonaws.com:5439",
        ),
        (
            "aws:opensearch/domain:Domain",
            {"domainName": "customers-search"},
            "https://vpc-customers-search-abcdefghijklmnop.eu-west-1.es.amazonaws.com",
        ),
        (
            "aws:memorydb/cluster:Cluster",
            {"name": "sessions"},
            "clustercfg.sessions.abc123.memorydb.eu-west-1.amazonaws.com:6379",
        ),
    ],
)
def test_code_elsewhere_that_names_a_pii_store_by_its_literal_host_copies_it(
    type_: str, props: dict, host: str
) -> None:
    region = eu_region()
    holder = store(region, type_, "customers-store", props)
    function = _function(region, mumbai(), {"STORE": host})
    found = violations([*region.resources, holder, function], ANONYMISED_ONLY)
    assert "customers-store" in messages([d for d in found if d.urn == function.urn])
