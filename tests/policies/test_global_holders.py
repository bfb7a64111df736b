"""A data holder of a global AWS service keeps its data outside every region.

The region rules skip global services (IAM, Route 53, CloudFront) because their resources hold no data of
a region. One does: a CloudFront KeyValueStore holds key-value pairs that CloudFront Functions read at
every edge location, so PII (or non-anonymised telemetry) put there, by its label or by lineage, is kept
worldwide. Each test is one store; the compliant one holds only routing data (no resident label).
"""

from __future__ import annotations

import pytest

from tests.policies.baseline import eu_region
from tests.policies.copies import store
from tests.policies.policy_harness import messages, violations

JURISDICTION = "pii-in-jurisdiction"
KEY_VALUE_STORE = "aws:cloudfront/keyValueStore:KeyValueStore"


def test_a_key_value_store_of_routing_data_is_no_concern_of_the_region_rules() -> None:
    region = eu_region()
    routes = store(
        region, KEY_VALUE_STORE, "routes", {"name": "routes"}, tags={"data-classification": "public"}
    )
    found = [d for d in violations([*region.resources, routes], JURISDICTION) if d.urn == routes.urn]
    assert found == [], messages(found)


@pytest.mark.parametrize("classification", ["pii", "telemetry"])
def test_a_key_value_store_of_resident_data_keeps_it_at_every_edge_location(classification: str) -> None:
    region = eu_region()
    profiles = store(
        region,
        KEY_VALUE_STORE,
        "profiles",
        {"name": "profiles"},
        tags={"data-classification": classification},
    )
    found = [d for d in violations([*region.resources, profiles], JURISDICTION) if d.urn == profiles.urn]
    assert found and "edge location" in messages(found), messages(found)
