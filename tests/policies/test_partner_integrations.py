"""A Redshift partner integration links a database to a SaaS partner outside AWS.

`aws.redshift.Partner` (Redshift's AddPartner) authorises a partner to report on a database that "receives
data from the partner"; the partner loads it, and reads what it is let read, through credentials set up on
its own website, which the stack does not declare. Decision (round 9): the integration is a copy between the
database and a place outside AWS, judged as any such copy, since nothing the stack declares says what the
partner reads or where it keeps it.
"""

from __future__ import annotations

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import store
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

NO_PII = "no-pii-replication"
ANONYMISED_ONLY = "anonymised-only-replication"


def _partner(region: Region, classification: str, by_name: bool = False) -> list[Res]:
    cluster = store(
        region,
        "aws:redshift/cluster:Cluster",
        "dwh",
        {"clusterIdentifier": "dwh", "databaseName": "dwh"},
        {"data-classification": classification},
    )
    partner = Res(
        "aws:redshift/partner:Partner",
        "fivetran",
        {
            "clusterIdentifier": "dwh" if by_name else UNKNOWN,
            "accountId": "123456789012",
            "databaseName": "dwh",
            "partnerName": "Fivetran",
        },
        region.provider,
        deps={} if by_name else {"clusterIdentifier": [cluster]},
    )
    return [cluster, partner]


@pytest.mark.parametrize("by_name", [False, True], ids=["by reference", "by its identifier"])
def test_a_partner_integration_on_a_pii_cluster_is_a_copy_outside_aws(by_name: bool) -> None:
    region = eu_region()
    stack = [*region.resources, *_partner(region, "pii", by_name)]
    for rule in (NO_PII, ANONYMISED_ONLY):
        found = [d for d in violations(stack, rule) if d.urn.endswith("Partner::fivetran")]
        assert found, messages(violations(stack, rule))
        assert "aws:redshift/cluster:Cluster 'dwh'" in found[0].message and "outside AWS" in found[0].message


def test_a_partner_integration_on_an_anonymised_cluster_passes() -> None:
    region = eu_region()
    stack = [*region.resources, *_partner(region, "anonymised")]
    for rule in (NO_PII, ANONYMISED_ONLY):
        assert violations(stack, rule) == [], rule
