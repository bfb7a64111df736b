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


# What a dump carries is the server it reads (reviewer blind-whole15 c07) --------------------------------

EXPORT = (
    'psql --no-psqlrc -v ON_ERROR_STOP=1 -c "\\copy (SELECT * FROM anonymised.telemetry_hourly_india) '
    'TO STDOUT WITH CSV HEADER" | aws s3 cp - s3://anon-staging/daily/export.csv --region eu-west-1'
)
INTERNAL = {"data-classification": "internal"}


def _server(region: Region, name: str, classification: str) -> list[Res]:
    """A PostgreSQL StatefulSet of the telemetry namespace labelled with a classification, and its Service."""
    labels = {"app.kubernetes.io/name": name}
    statefulset = Res(
        "kubernetes:apps/v1:StatefulSet",
        name,
        {
            "metadata": {
                "name": name,
                "namespace": "telemetry",
                "labels": {"data-classification": classification},
            },
            "spec": {
                "serviceName": name,
                "selector": {"matchLabels": labels},
                "template": {
                    "metadata": {"labels": labels},
                    "spec": {"containers": [{"name": "postgres", "image": "postgres:17"}]},
                },
                "volumeClaimTemplates": [
                    {
                        "metadata": {"name": "data", "labels": {"data-classification": classification}},
                        "spec": {
                            "storageClassName": "telemetry-gp3",
                            "accessModes": ["ReadWriteOnce"],
                            "resources": {"requests": {"storage": "10Gi"}},
                        },
                    }
                ],
            },
        },
        region.kubernetes,
        deps={"spec": [region.storage_class]},
    )
    service = Res(
        "kubernetes:core/v1:Service",
        f"{name}-service",
        {
            "metadata": {"name": name, "namespace": "telemetry"},
            "spec": {"selector": labels, "ports": [{"port": 5432}]},
        },
        region.kubernetes,
    )
    return [statefulset, service]


def _export_of(server: str) -> tuple[list[Res], Res]:
    """The connected region's exchange (anonymised) and store (raw telemetry) in the telemetry namespace
    (labelled telemetry), and a nightly CronJob there that runs a script from a ConfigMap (internal), logs in
    with a password from a Secret (internal) and exports what the server `server` answers into the bucket
    labelled anonymised, which replicates to ap-south-1 (the replication is returned)."""
    region = eu_region()
    resources, replication = _stack(region, "true")
    resources = [r for r in resources if r.type != "kubernetes:batch/v1:Job"]
    namespace = Res(
        "kubernetes:core/v1:Namespace",
        "telemetry",
        {"metadata": {"name": "telemetry", "labels": {"data-classification": "telemetry"}}},
        region.kubernetes,
    )
    script = Res(
        "kubernetes:core/v1:ConfigMap",
        "export-script",
        {
            "metadata": {"name": "export", "namespace": UNKNOWN, "labels": INTERNAL},
            "data": {"export.sh": f"#!/bin/sh\nset -eu\n{EXPORT}\n"},
        },
        region.kubernetes,
        deps={"metadata": [namespace]},
    )
    password = Res(
        "kubernetes:core/v1:Secret",
        "exchange-password",
        {
            "metadata": {"name": "exchange-password", "namespace": UNKNOWN, "labels": INTERNAL},
            "stringData": {"password": "not-a-real-password"},
        },
        region.kubernetes,
        deps={"metadata": [namespace]},
    )
    container = {
        "name": "export",
        "image": "example/psql-awscli:17",
        "command": ["/bin/sh", "/scripts/export.sh"],
        "env": [
            {"name": "PGHOST", "value": f"{server}.telemetry.svc.cluster.local"},
            {"name": "PGUSER", "value": "postgres"},
            {
                "name": "PGPASSWORD",
                "valueFrom": {"secretKeyRef": {"name": "exchange-password", "key": "password"}},
            },
        ],
        "volumeMounts": [{"name": "scripts", "mountPath": "/scripts"}],
    }
    cron_job = Res(
        "kubernetes:batch/v1:CronJob",
        "export",
        {
            "metadata": {"name": "export", "namespace": UNKNOWN},
            "spec": {
                "schedule": "30 1 * * *",
                "jobTemplate": {
                    "spec": {
                        "template": {
                            "spec": {
                                "restartPolicy": "Never",
                                "containers": [container],
                                "volumes": [{"name": "scripts", "configMap": {"name": "export"}}],
                            }
                        }
                    }
                },
            },
        },
        region.kubernetes,
        deps={"metadata": [namespace]},
    )
    servers = [*_server(region, "exchange", "anonymised"), *_server(region, "store", "telemetry")]
    return [*resources, namespace, *servers, script, password, cron_job], replication


@pytest.mark.parametrize("policy", [NO_PII, "anonymised-only-replication", "pii-in-jurisdiction"])
def test_an_export_of_the_anonymised_exchange_carries_what_the_exchange_holds(policy: str) -> None:
    """The job's script (a ConfigMap), the password it logs in with (a Secret) and its namespace's label
    are not what it copies: the bucket holds what the server its psql connects to holds."""
    resources, _ = _export_of("exchange")
    assert violations(resources, policy) == [], messages(violations(resources, policy))


def test_an_export_of_the_raw_telemetry_store_carries_raw_telemetry_abroad() -> None:
    resources, replication = _export_of("store")
    found = [d for d in violations(resources, "anonymised-only-replication") if d.urn == replication.urn]
    assert found and "telemetry" in messages(found) and "export" in messages(found), messages(found)


def test_an_export_of_a_server_the_command_does_not_name_carries_everything_the_job_reads() -> None:
    resources, replication = _export_of("exchange")
    [cron_job] = [r for r in resources if r.type == "kubernetes:batch/v1:CronJob"]
    env = cron_job.props["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["env"]
    env[0]["value"] = "$(EXPORT_SERVER)"
    found = [d for d in violations(resources, "anonymised-only-replication") if d.urn == replication.urn]
    assert found, messages(violations(resources, "anonymised-only-replication"))


@pytest.mark.parametrize(
    ("tool", "arguments", "variables", "host"),
    [
        ("pg_dump", ["-h", "db.example", "app"], {}, "db.example"),
        ("pg_dump", ["--host=db.example", "app"], {"PGHOST": "other"}, "db.example"),
        ("mysqldump", ["-hdb.example", "app"], {}, "db.example"),
        ("pg_dump", ["--dbname=host=db.example dbname=app user=backup"], {}, "db.example"),
        ("pg_dump", ["postgresql://backup@db.example:5432/app"], {}, "db.example"),
        ("mongodump", ["--uri", "mongodb://db.example:27017/app"], {}, "db.example"),
        ("psql", ["-c", "\\copy (SELECT * FROM hosts WHERE host = 'x') TO STDOUT"], {"PGHOST": "db"}, "db"),
        ("psql", ["-c", "\\copy t TO STDOUT"], {}, None),
    ],
)
def test_the_server_a_dump_reads_is_the_one_its_command_or_environment_names(
    tool: str, arguments: list[str], variables: dict[str, str], host: str | None
) -> None:
    from residency_policies.lineage_commands import dump_host

    assert dump_host(tool, arguments, variables) == host
