"""Imported key material (an ExternalKey, origin EXTERNAL) that expires (`validTo`) is data loss for what the
key encrypts: at that time KMS deletes the material, and the PII database, its snapshots and backups stay
unreadable until the same material is imported again. Without an expiry the key is judged as any other
customer-managed key (decision in policies/README.md)."""

from __future__ import annotations

from typing import Any

from tests.policies.baseline import Region, eu_region
from tests.policies.policy_harness import messages, violations

# 32 bytes of AES-256 key material, base64 (a test value: imported material is the deployer's secret).
MATERIAL = "q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA="


def _external_key(region: Region, **changes: Any) -> Region:
    key = region.key
    key.type = "aws:kms/externalKey:ExternalKey"
    key.props = {
        "description": "PII database (imported material)",
        "keyMaterialBase64": MATERIAL,
        "multiRegion": False,
        "deletionWindowInDays": 30,
        **changes,
    }
    return region


def test_a_pii_database_under_imported_material_that_never_expires_breaks_no_rule() -> None:
    region = _external_key(eu_region())
    for policy in ("pii-no-data-loss", "pii-encryption"):
        assert violations(region.resources, policy) == [], policy


def test_imported_material_that_expires_is_data_loss_for_the_pii_under_the_key() -> None:
    region = _external_key(eu_region(), validTo="2027-06-30T00:00:00Z")
    found = [d for d in violations(region.resources, "pii-no-data-loss") if d.urn == region.key.urn]
    assert "imported key material expires (validTo is 2027-06-30T00:00:00Z)" in messages(found)
    assert "pii-db" in messages(found)
