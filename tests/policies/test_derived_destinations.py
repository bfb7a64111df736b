"""A copy's destination computed from its own source (a replica bucket named after the source:
`Output.format("arn:aws:s3:::{}-replica", source.bucket)`) is unknown at a first preview and depends only on
the source: it names a place the stack does not declare, not the source itself. It is untraceable until
deployed, unless the mechanism may deliver into its own source (server access logs, an inventory or
analytics export written into the bucket they describe). Each test is a baseline and one change, in both
harness modes.
"""

from __future__ import annotations

import pytest

from tests.policies.baseline import eu_region
from tests.policies.copies import PII, s3_replication, store
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations_of_every_rule


@pytest.mark.preview_only("the destination's name is unknown only at a first preview")
def test_a_replica_bucket_named_after_its_source_is_untraceable() -> None:
    region = eu_region()
    replication, resources = s3_replication(region)
    source, destination = resources[0], resources[1]
    # Baseline: the rule names the destination bucket the stack declares, in its own region: it stays.
    destination.provider = region.provider
    assert [
        d for d in violations_of_every_rule([*region.resources, *resources]) if d.urn == replication.urn
    ] == []
    # The change: the destination is a name built from the source's, a bucket the stack does not declare.
    replication.deps["rules"] = [source]
    found = [
        d
        for d in violations_of_every_rule([*region.resources, source, replication])
        if d.urn == replication.urn
    ]
    assert found, "a destination computed from the source alone was read as the source"
    assert "computed from the source itself" in messages(found), messages(found)


def test_server_access_logs_written_into_the_bucket_they_describe_stay_in_it() -> None:
    region = eu_region()
    source = store(region, "aws:s3/bucket:Bucket", "documents", {"bucket": "documents-eu"})
    logging = Res(
        "aws:s3/bucketLogging:BucketLogging",
        "documents-logs",
        {"bucket": UNKNOWN, "targetBucket": UNKNOWN, "targetPrefix": "logs/"},
        region.provider,
        deps={"bucket": [source], "targetBucket": [source]},
    )
    found = [
        d for d in violations_of_every_rule([*region.resources, source, logging]) if d.urn == logging.urn
    ]
    assert found == [], messages(found)


def test_an_inventory_written_into_the_bucket_it_lists_stays_in_it() -> None:
    region = eu_region()
    source = store(region, "aws:s3/bucket:Bucket", "documents", {"bucket": "documents-eu"})
    inventory = Res(
        "aws:s3/inventory:Inventory",
        "documents-inventory",
        {
            "bucket": UNKNOWN,
            "name": "weekly",
            "includedObjectVersions": "Current",
            "schedule": {"frequency": "Weekly"},
            "destination": {"bucket": {"bucketArn": UNKNOWN, "format": "CSV"}},
        },
        region.provider,
        deps={"bucket": [source], "destination": [source]},
    )
    assert PII
    found = [
        d for d in violations_of_every_rule([*region.resources, source, inventory]) if d.urn == inventory.urn
    ]
    assert found == [], messages(found)


@pytest.mark.deployed_only("once deployed the destination's name is known")
def test_a_replica_bucket_named_after_its_source_is_untraceable_once_deployed() -> None:
    region = eu_region()
    replication, resources = s3_replication(region)
    source = resources[0]
    replication.deps["rules"] = [source]
    replication.props["rules"][0]["destination"]["bucket"] = "arn:aws:s3:::documents-eu-replica"
    found = [
        d
        for d in violations_of_every_rule([*region.resources, source, replication])
        if d.urn == replication.urn
    ]
    assert found, "a destination named after the source was read as the source"
