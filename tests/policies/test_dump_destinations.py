"""A dump piped into `aws s3 cp` lands where its destination says, however the script writes it (reviewer
blind-k8s16 f08).

A nightly CronJob runs `pg_dump ... | aws s3 cp - s3://$DUMP_BUCKET/customers/$(date +%F).dump --region
$AWS_REGION`, with `DUMP_BUCKET` and `AWS_REGION` from a ConfigMap whose data is computed from the stack's own
bucket (unknown at preview). The shell's command substitution inside the object key (`$(date +%F)`, a
backquote) is part of the key, not the end of the command, so `--region` after it is read; and the bucket is
the one the variable's ConfigMap is computed from, judged where it is, whatever `--region` says. The baseline
is the PII database and the stack's CMK-encrypted pii bucket in eu-west-1.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import PII, mumbai
from tests.policies.policy_harness import UNKNOWN, Res, aws_provider, messages, violations

NO_PII = "no-pii-replication"
ANONYMISED_ONLY = "anonymised-only-replication"
DUMP = "pg_dump -h $DB_HOST -d customers -Fc"
COPY = "{dump} | aws s3 cp - s3://$DUMP_BUCKET/customers/{key}.dump --region $AWS_REGION --sse aws:kms"


def _bucket(region: Region, provider: Res | None = None, tags: dict[str, str] | None = None) -> Res:
    return Res(
        "aws:s3/bucket:Bucket",
        "pg-dumps",
        {"tags": dict(tags if tags is not None else PII)},
        provider or region.provider,
        protect=True,
    )


def _dump_stack(
    key: str = "$(date +%F)",
    bucket: Res | None = None,
    region_name: str = "eu-west-1",
    script: str | None = None,
    defined: str = "envFrom",
) -> tuple[list[Res], Res]:
    """The region, a bucket, the ConfigMap naming it, and the CronJob that dumps the database into it; the
    CronJob takes `DUMP_BUCKET` by `envFrom`, by a `configMapKeyRef`, or as its own value (`env`)."""
    region = eu_region()
    bucket = bucket if bucket is not None else _bucket(region)
    target = Res(
        "kubernetes:core/v1:ConfigMap",
        "dump-target",
        {
            "metadata": {"name": "dump-target", "namespace": "payments"},
            "data": {"DUMP_BUCKET": UNKNOWN, "AWS_REGION": region_name},
        },
        region.kubernetes,
        deps={"data": [bucket]},
    )
    container: dict[str, Any] = {
        "name": "dump",
        "image": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/pg-tools:17",
        "env": [{"name": "DB_HOST", "value": UNKNOWN}, *_bucket_variable(defined)],
        "envFrom": [{"configMapRef": {"name": "dump-target"}}] if defined == "envFrom" else [],
        "command": ["/bin/sh", "-c"],
        "args": [script if script is not None else COPY.format(dump=DUMP, key=key)],
    }
    job = Res(
        "kubernetes:batch/v1:CronJob",
        "pg-dump",
        {
            "metadata": {"name": "pg-dump", "namespace": "payments"},
            "spec": {
                "schedule": "15 1 * * *",
                "jobTemplate": {
                    "spec": {"template": {"spec": {"restartPolicy": "OnFailure", "containers": [container]}}}
                },
            },
        },
        region.kubernetes,
        deps={"spec": [region.database, *([bucket] if defined == "env" else [])]},
    )
    if defined == "env":
        del target.props["data"]["DUMP_BUCKET"]
        target.deps = {}
        container["env"].append({"name": "AWS_REGION", "value": region_name})
    return [*region.resources, bucket, target, job], job


def _bucket_variable(defined: str) -> list[dict[str, object]]:
    if defined == "configMapKeyRef":
        return [
            {"name": name, "valueFrom": {"configMapKeyRef": {"name": "dump-target", "key": name}}}
            for name in ("DUMP_BUCKET", "AWS_REGION")
        ]
    return [{"name": "DUMP_BUCKET", "value": UNKNOWN}] if defined == "env" else []


def _about(resources: list[Res], resource: Res, rule: str = NO_PII) -> str:
    return messages([d for d in violations(resources, rule) if d.urn == resource.urn])


KEYS = {
    "a command substitution": "$(date +%F)",
    "a backquote": "`date +%F`",
    "two substitutions": "$(date +%Y/%m/%d)/$(hostname)",
    "a nested substitution": '$(date -d "$(cat /etc/epoch)" +%F)',
}


@pytest.mark.parametrize("key", KEYS.values(), ids=list(KEYS))
def test_a_dump_into_the_stacks_own_bucket_named_by_a_configmap_is_clean(key: str) -> None:
    resources, job = _dump_stack(key)
    for rule in (NO_PII, ANONYMISED_ONLY):
        assert _about(resources, job, rule) == "", rule


@pytest.mark.parametrize("key", ["latest", "$(date +%F)"], ids=["a literal key", "a substituted key"])
def test_a_dump_into_the_stacks_bucket_in_another_region_is_blocked_whatever_region_it_names(
    key: str,
) -> None:
    region = eu_region()
    elsewhere = _bucket(region, mumbai(), {"data-classification": "internal"})
    resources, job = _dump_stack(key, bucket=elsewhere)
    assert "ap-south-1" in _about(resources, job), messages(violations(resources, NO_PII))


def test_a_dump_into_the_stacks_bucket_in_another_account_is_blocked() -> None:
    region = eu_region()
    provider = aws_provider("audit")
    provider.props["assumeRoles"] = json.dumps(
        [{"roleArn": "arn:aws:iam::999988887777:role/deployer", "sessionName": "pulumi"}]
    )
    resources, job = _dump_stack(bucket=_bucket(region, provider, {"data-classification": "internal"}))
    about = _about(resources, job)
    assert about and "999988887777" in about, messages(violations(resources, NO_PII))


@pytest.mark.parametrize("defined", ["envFrom", "configMapKeyRef", "env"])
def test_the_bucket_a_variable_is_computed_from_holds_the_dump_at_preview_too(defined: str) -> None:
    # The dump lands in the stack's bucket labelled internal: it holds PII, so it needs the rules of PII
    # (here its encryption), whether the variable's value is known or not yet.
    region = eu_region()
    internal = _bucket(region, tags={"data-classification": "internal"})
    resources, _ = _dump_stack(bucket=internal, defined=defined)
    bucket = next(r for r in resources if r.name == "pg-dumps")
    found = violations(resources, "pii-encryption")
    assert [d for d in found if d.urn == bucket.urn], messages(found)


def test_the_region_after_a_substitution_in_the_key_is_read() -> None:
    # A bucket the stack does not declare: judged by the region the command names after the key.
    script = f"{DUMP} | aws s3 cp - s3://dumps-elsewhere/customers/$(date +%F).dump --region ap-south-1"
    resources, job = _dump_stack(script=script)
    about = _about(resources, job)
    assert "ap-south-1" in about and "region the command does not name" not in about, about


def test_a_substitution_in_the_key_of_an_undeclared_bucket_with_no_region_still_fails_closed() -> None:
    script = f"{DUMP} | aws s3 cp - s3://dumps-elsewhere/customers/$(date +%F).dump"
    resources, job = _dump_stack(script=script)
    assert "region the command does not name" in _about(resources, job)


def test_a_command_inside_a_substitution_is_still_read() -> None:
    # What the substituted command sends is judged as any command's (an upload inside `$(...)`).
    script = f"{DUMP} > /tmp/d.sql; echo $(curl -sS -T /tmp/d.sql https://uploads.partner.example/d)"
    resources, job = _dump_stack(script=script)
    assert "uploads.partner.example" in _about(resources, job)
