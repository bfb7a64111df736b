"""A multi-region access point copies nothing: it routes each request to one of its buckets, so what it is
sent lands in its buckets, each judged where it is (reviewer blind-access15 c12).

The baseline is the region's PII bucket behind a multi-region access point whose only bucket it is (named
by reference, in the deployment's account): nothing leaves the region. Each test changes one thing: a
second bucket in another region, a bucket the stack does not declare, a bucket of another account.
"""

from __future__ import annotations

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import OTHER_ACCOUNT, mumbai, store
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

RULES = ("no-pii-replication", "anonymised-only-replication")
OWN = "123456789012"


def _access_point(region: Region, *entries: tuple[dict[str, str], list[Res]]) -> Res:
    return Res(
        "aws:s3control/multiRegionAccessPoint:MultiRegionAccessPoint",
        "documents-everywhere",
        {"details": {"name": "documents", "regions": [entry for entry, _ in entries]}},
        region.provider,
        deps={"details": [d for _, deps in entries for d in deps]},
    )


def _case(region: Region) -> tuple[Res, list[Res]]:
    bucket = store(region, "aws:s3/bucket:Bucket", "documents", {"bucket": "documents-eu"})
    own = ({"bucket": UNKNOWN, "bucketAccountId": OWN}, [bucket])
    return bucket, [*region.resources, bucket, _access_point(region, own)]


def _on_access_point(found: list) -> list:
    return [d for d in found if "MultiRegionAccessPoint" in d.urn]


@pytest.mark.parametrize("rule", RULES)
def test_an_access_point_over_one_in_region_bucket_of_the_deployment_moves_nothing(rule: str) -> None:
    _, resources = _case(eu_region())
    assert _on_access_point(violations(resources, rule)) == [], messages(violations(resources, rule))


@pytest.mark.parametrize("rule", RULES)
def test_an_access_point_with_a_bucket_in_another_region_moves_data_there(rule: str) -> None:
    region = eu_region()
    bucket = store(region, "aws:s3/bucket:Bucket", "documents", {"bucket": "documents-eu"})
    other = Res("aws:s3/bucket:Bucket", "documents-in", {"bucket": "documents-in"}, mumbai())
    access_point = _access_point(region, ({"bucket": UNKNOWN}, [bucket]), ({"bucket": UNKNOWN}, [other]))
    found = _on_access_point(violations([*region.resources, bucket, other, access_point], rule))
    assert "ap-south-1" in messages(found), messages(found)


@pytest.mark.parametrize("rule", RULES)
def test_an_access_point_with_a_bucket_the_stack_does_not_declare_cannot_be_traced(rule: str) -> None:
    region = eu_region()
    bucket = store(region, "aws:s3/bucket:Bucket", "documents", {"bucket": "documents-eu"})
    access_point = _access_point(
        region, ({"bucket": UNKNOWN}, [bucket]), ({"bucket": "documents-elsewhere"}, [])
    )
    found = _on_access_point(violations([*region.resources, bucket, access_point], rule))
    assert "cannot be traced" in messages(found), messages(found)


@pytest.mark.parametrize("rule", RULES)
def test_an_access_point_over_a_bucket_of_another_account_moves_data_there(rule: str) -> None:
    region = eu_region()
    bucket = store(region, "aws:s3/bucket:Bucket", "documents", {"bucket": "documents-eu"})
    access_point = _access_point(
        region,
        ({"bucket": UNKNOWN}, [bucket]),
        ({"bucket": "partner-documents-eu", "bucketAccountId": OTHER_ACCOUNT}, []),
    )
    found = _on_access_point(violations([*region.resources, bucket, access_point], rule))
    assert found, messages(found)
