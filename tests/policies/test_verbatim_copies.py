"""A command that copies a store verbatim is a copy, not a transform (reviewer blind-k8s13 k18).

Code passes on no classification: it may transform what it reads (an anonymiser writes its output into a
bucket labelled anonymised). A dump tool (`pg_dump`, `mysqldump`, `mongodump`, psql's `COPY ... TO STDOUT`),
a bucket-to-bucket `aws s3 cp|sync`, an rclone copy between remotes or a `tar` of a PII volume, piped only
through compressors into the upload or written to a file that is uploaded, transforms nothing: the bucket it
writes into holds what the workload reads, whatever its label, and lineage continues through it. The
baseline: a Job configured with the PII database writes into a bucket of the stack labelled anonymised, in
its region, which replicates to ap-south-1; an anonymiser in the pipeline keeps it so. Each test changes the
Job's script.
"""

from __future__ import annotations

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import mumbai, store
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

NO_PII = "no-pii-replication"
ANONYMISED = {"data-classification": "anonymised"}
DUMP = "pg_dump -h $PGHOST -U app app"
UPLOAD = "aws s3 cp - s3://anon-staging/daily/app.dump --region eu-west-1"
ANONYMISING = f"{DUMP} | python3 /app/anonymise.py | gzip | {UPLOAD}"
"""The baseline script: what reaches the bucket is the anonymiser's output."""


def _stack(region: Region, script: str, volume: dict[str, object] | None = None) -> tuple[list[Res], Res]:
    """The region, the staging bucket and its replication abroad, and a Job running `sh -c SCRIPT`; the
    replication is returned (the copy the rule judges)."""
    staging = store(
        region, "aws:s3/bucketV2:BucketV2", "anon-staging", {"bucket": "anon-staging"}, ANONYMISED
    )
    abroad = Res("aws:s3/bucketV2:BucketV2", "anon-abroad", {"tags": ANONYMISED}, mumbai())
    replication = Res(
        "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
        "anon-staging-replication",
        {
            "bucket": UNKNOWN,
            "role": UNKNOWN,
            "rules": [{"status": "Enabled", "destination": {"bucket": UNKNOWN}}],
        },
        region.provider,
        deps={"bucket": [staging], "rules": [abroad]},
    )
    container: dict[str, object] = {
        "name": "feed",
        "image": "example/pg-tools:17",
        "command": ["/bin/sh", "-c", script],
        "env": [{"name": "PGHOST", "value": UNKNOWN}],
    }
    pod: dict[str, object] = {"containers": [container], "restartPolicy": "Never"}
    extra: list[Res] = []
    if volume is not None:
        container["volumeMounts"] = [{"name": "data", "mountPath": "/data"}]
        pod["volumes"] = [{"name": "data", **volume}]
        claim = Res(
            "kubernetes:core/v1:PersistentVolumeClaim",
            "documents",
            {
                "metadata": {
                    "name": "documents",
                    "namespace": "app",
                    "labels": {"data-classification": "pii"},
                },
                "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "10Gi"}}},
            },
            region.kubernetes,
        )
        extra.append(claim)
    job = Res(
        "kubernetes:batch/v1:Job",
        "feed",
        {"metadata": {"name": "feed", "namespace": "app"}, "spec": {"template": {"spec": pod}}},
        region.kubernetes,
        deps={"spec": [region.database]},
    )
    return [*region.resources, staging, abroad, replication, *extra, job], replication


def _replicated(resources: list[Res], replication: Res) -> str:
    found = [d for d in violations(resources, NO_PII) if d.urn == replication.urn]
    assert found, messages(violations(resources, NO_PII))
    return messages(found)


def _kept(resources: list[Res], replication: Res) -> None:
    found = [d for d in violations(resources, NO_PII) if d.urn == replication.urn]
    assert found == [], messages(found)


def test_an_anonymisers_output_in_a_bucket_labelled_anonymised_may_replicate() -> None:
    resources, replication = _stack(eu_region(), ANONYMISING)
    _kept(resources, replication)


VERBATIM = {
    "pg_dump piped into the upload": f"{DUMP} | {UPLOAD}",
    "through compressors": f"{DUMP} | gzip -9 | pv | {UPLOAD}",
    "pg_dump into a file, uploaded": f"{DUMP} -f /tmp/app.dump && aws s3 cp /tmp/app.dump s3://anon-staging/",
    "a redirect, compressed in place": (
        f"{DUMP} > /tmp/app.sql\ngzip /tmp/app.sql\naws s3 cp /tmp/app.sql.gz s3://anon-staging/d/"
    ),
    "mysqldump": f"mysqldump --single-transaction app | zstd | {UPLOAD}",
    "psql COPY TO STDOUT": f'psql -c "\\copy customers TO STDOUT WITH (FORMAT csv)" | {UPLOAD}',
    "a bucket-to-bucket sync": "aws s3 sync s3://pii-exports s3://anon-staging/exports/",
}


@pytest.mark.parametrize("script", VERBATIM.values(), ids=list(VERBATIM))
def test_a_verbatim_copy_makes_its_destination_hold_what_the_code_reads(script: str) -> None:
    region = eu_region()
    resources, replication = _stack(region, script)
    resources.append(store(region, "aws:s3/bucketV2:BucketV2", "pii-exports", {"bucket": "pii-exports"}))
    found = _replicated(resources, replication)
    assert "anon-staging" in found and "labelled anonymised" in found and "feed" in found, found


def test_a_tar_of_a_pii_volume_is_a_verbatim_copy() -> None:
    region = eu_region()
    resources, replication = _stack(
        region,
        f"tar czf - /data/scans | {UPLOAD}",
        {"persistentVolumeClaim": {"claimName": "documents"}},
    )
    assert "anon-staging" in _replicated(resources, replication)


@pytest.mark.parametrize(
    ("script", "volume"),
    [
        (ANONYMISING, None),
        (f"{DUMP} | sed -E 's/[^,]+@[^,]+/redacted/' | {UPLOAD}", None),
        (f"tar czf - /data/reports | {UPLOAD}", {"emptyDir": {}}),
        (
            f"{DUMP} > /tmp/app.sql && python3 /app/anonymise.py > /tmp/out.csv && "
            "aws s3 cp /tmp/out.csv s3://anon-staging/",
            None,
        ),
    ],
    ids=["an anonymiser", "a filter that rewrites", "a tar of a scratch volume", "another file uploaded"],
)
def test_code_that_transforms_or_copies_no_store_passes_on_no_classification(
    script: str, volume: dict[str, object] | None
) -> None:
    resources, replication = _stack(eu_region(), script, volume)
    _kept(resources, replication)
