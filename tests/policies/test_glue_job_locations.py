"""Where Glue itself writes a job's data: its temporary directory (`--TempDir`, where staging and, with
`--write-shuffle-files-to-s3`, the shuffle files go), the Spark UI's event logs (`--spark-event-logs-path`)
and every location a `--conf` setting names (`spark.shuffle.glue.s3ShuffleBucket=s3://...`). A bucket the
stack does not declare may be in any account or region.

Reviewer blind-aws12 (c22): a PII Glue job shuffling to `s3://acme-shared-glue-shuffle/` through `--conf`
passed; its arguments were read only as the job's code's configuration, where a bucket outside the stack says
nothing. The compliant baseline keeps every location in the stack's PII bucket.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import PII, store
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

NO_PII = "no-pii-replication"
ANONYMISED_ONLY = "anonymised-only-replication"
RULES = (NO_PII, ANONYMISED_ONLY)
OWN = "s3://acme-eu-customer-data"
SHARED = "s3://acme-shared-glue-shuffle/dedupe/"


def _bucket(region: Region) -> Res:
    return store(region, "aws:s3/bucket:Bucket", "customer-data", {"bucket": "acme-eu-customer-data"})


def _job(region: Region, **arguments: Any) -> Res:
    return Res(
        "aws:glue/job:Job",
        "dedupe-customers",
        {
            "name": "dedupe-customers",
            "roleArn": "arn:aws:iam::123456789012:role/glue-dedupe",
            "command": {"name": "glueetl", "scriptLocation": f"{OWN}/jobs/dedupe.py"},
            "defaultArguments": {
                "--source_path": f"{OWN}/customers/",
                "--TempDir": f"{OWN}/tmp/",
                "--write-shuffle-files-to-s3": "true",
                **arguments,
            },
            "tags": PII,
        },
        region.provider,
    )


def _on(resources: list[Res], policy: str, resource: Res) -> str:
    return messages([d for d in violations(resources, policy) if d.urn == resource.urn])


@pytest.mark.parametrize("policy", RULES)
def test_a_pii_job_writing_its_temporary_files_into_the_stacks_bucket_copies_nothing_out(policy: str) -> None:
    region = eu_region()
    job = _job(region, **{"--conf": "spark.sql.shuffle.partitions=200 --conf spark.serializer=org.x.Kryo"})
    assert _on([*region.resources, _bucket(region), job], policy, job) == ""


@pytest.mark.parametrize("policy", RULES)
def test_a_temporary_directory_in_the_accounts_glue_assets_bucket_of_its_region_stays_in_place(
    policy: str,
) -> None:
    region = eu_region()
    job = _job(region, **{"--TempDir": "s3://aws-glue-assets-123456789012-eu-west-1/temporary/"})
    assert _on([*region.resources, _bucket(region), job], policy, job) == ""


@pytest.mark.parametrize("policy", RULES)
def test_a_shuffle_bucket_the_stack_does_not_declare_cannot_be_traced(policy: str) -> None:
    region = eu_region()
    job = _job(
        region,
        **{"--conf": f"spark.sql.shuffle.partitions=200 --conf spark.shuffle.glue.s3ShuffleBucket={SHARED}"},
    )
    found = _on([*region.resources, _bucket(region), job], policy, job)
    assert "shuffle files" in found and "cannot be traced" in found, found


@pytest.mark.parametrize("argument", ["--TempDir", "--spark-event-logs-path"])
@pytest.mark.parametrize("policy", RULES)
def test_a_glue_written_location_the_stack_does_not_declare_cannot_be_traced(
    policy: str, argument: str
) -> None:
    region = eu_region()
    job = _job(region, **{argument: SHARED})
    found = _on([*region.resources, _bucket(region), job], policy, job)
    assert "cannot be traced" in found, found


@pytest.mark.parametrize("policy", RULES)
def test_a_shuffle_bucket_computed_from_the_stacks_bucket_stays_in_place(policy: str) -> None:
    region = eu_region()
    bucket = _bucket(region)
    job = _job(region, **{"--conf": UNKNOWN})
    job.deps["defaultArguments"] = [bucket]
    assert _on([*region.resources, bucket, job], policy, job) == ""
