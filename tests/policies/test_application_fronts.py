"""An application behind an internet-facing Ingress serves what it chooses: it publishes no store it reads.

The product's front door is exactly this: an internet-facing ALB in front of pods that connect to the PII
database. What an application returns to its callers is application code (policies/README.md, "What remains
out of reach"); the pack judges the stores it can see: a Service whose pods are a store (an in-cluster
PostgreSQL) is the store on the internet, pods that only read a store are not. Reviewer blind-k8s12 (c12):
an api Deployment whose environment names the RDS instance's address (`DB_HOST: db.address`) was reported as
publishing the database. Each test is the baseline with the api, its Service and an internet-facing Ingress.
"""

from __future__ import annotations

from tests.policies.baseline import Region, eu_region
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations
from tests.policies.test_flows import _deployment, _ingress, _pii_database_in_the_cluster, _service

EXPOSED = "pii-not-public"


def _api(region: Region) -> Res:
    api = _deployment(region, "api")
    api.props["spec"]["template"]["spec"]["containers"][0]["env"] = [
        {"name": "DB_HOST", "value": UNKNOWN},
        {"name": "DB_NAME", "value": "app"},
    ]
    api.deps = {"spec": [region.database]}
    return api


def test_an_internet_facing_ingress_to_an_api_that_reads_the_database_publishes_no_store() -> None:
    region = eu_region()
    stack = [
        *region.resources,
        _api(region),
        _service(region, "api", "api"),
        _ingress(region, "api", "internet-facing"),
    ]
    found = violations(stack, EXPOSED)
    assert found == [], messages(found)


def test_an_internet_facing_ingress_to_the_in_cluster_pii_database_publishes_it() -> None:
    region = eu_region()
    database = _pii_database_in_the_cluster(region)
    ingress = _ingress(region, "customers-db", "internet-facing")
    stack = [*region.resources, database, _service(region, "customers-db", "customers-db"), ingress]
    found = [d for d in violations(stack, EXPOSED) if d.urn == ingress.urn]
    assert found and "customers-db" in messages(found), messages(found)
