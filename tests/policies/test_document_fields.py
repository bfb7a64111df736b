"""Documents read by their fields: an AWS API call's payload (a Scheduler universal target's input, a state
machine's task) and an OpenSearch Ingestion pipeline's Data Prepper body.

A name written in such a document (`Bucket: crm`) is matched exactly among the resources of the field's
service, however short; read as plain text it was looked for only as a word of six characters or more, so a
state machine copying the PII bucket `crm` elsewhere, or a pipeline reading it, passed. Each test is the
baseline region, a PII bucket named `crm`, and one document; the compliant twins keep the data in place.
"""

from __future__ import annotations

import json
from typing import Any

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import PII, mumbai, store
from tests.policies.policy_harness import Res, messages, violations

NO_PII = "no-pii-replication"
ANONYMISED_ONLY = "anonymised-only-replication"
ROLE = "arn:aws:iam::123456789012:role/sfn"
COPY = "arn:aws:states:::aws-sdk:s3:copyObject"


def _crm(region: Region) -> Res:
    """The PII bucket, named by hand with a name shorter than a word lineage looks for inside text."""
    return store(region, "aws:s3/bucket:Bucket", "crm", {"bucket": "crm"})


def _machine(region: Region, states: dict[str, Any], **extra: Any) -> Res:
    definition = {"StartAt": next(iter(states)), "States": states, **extra}
    return Res(
        "aws:sfn/stateMachine:StateMachine",
        "mirror",
        {"roleArn": ROLE, "definition": json.dumps(definition)},
        region.provider,
    )


def _copy_task(bucket: str, **rest: Any) -> dict[str, Any]:
    return {
        "Type": "Task",
        "Resource": COPY,
        "Parameters": {
            "Bucket": bucket,
            "Key.$": "$.key",
            "CopySource.$": "States.Format('crm/{}', $.key)",
        },
        **rest,
    }


def _blocked(resources: list[Res], resource: Res, policy: str = NO_PII) -> str:
    found = violations(resources, policy)
    assert resource.urn in [d.urn for d in found], messages(found)
    return "\n".join(d.message for d in found if d.urn == resource.urn)


def test_a_state_machine_copying_the_short_named_pii_bucket_into_an_undeclared_bucket_is_blocked() -> None:
    region = eu_region()
    machine = _machine(region, {"Copy": _copy_task("crm-mirror", End=True)})
    resources = [*region.resources, _crm(region), machine]
    for policy in (NO_PII, ANONYMISED_ONLY):
        message = _blocked(resources, machine, policy)
        assert "aws:s3/bucket:Bucket 'crm'" in message
        assert "crm-mirror (Parameters.Bucket of s3:copyObject: an S3 bucket this stack does not declare" in (
            message
        )


def test_a_copy_in_a_parallel_branch_or_a_map_processor_is_read_too() -> None:
    region = eu_region()
    branch = {"StartAt": "Copy", "States": {"Copy": _copy_task("crm-mirror", End=True)}}
    nested = {
        "Fan": {"Type": "Parallel", "Branches": [branch], "Next": "Each"},
        "Each": {"Type": "Map", "ItemProcessor": branch, "End": True},
    }
    machine = _machine(region, nested)
    assert "aws:s3/bucket:Bucket 'crm'" in _blocked([*region.resources, _crm(region), machine], machine)


def test_a_jsonata_copy_names_its_bucket_in_a_quoted_literal() -> None:
    region = eu_region()
    task = {
        "Type": "Task",
        "Resource": COPY,
        "Arguments": {
            "Bucket": "crm-mirror",
            "Key": "{% $states.input.key %}",
            "CopySource": "{% 'crm/' & $states.input.key %}",
        },
        "End": True,
    }
    machine = _machine(region, {"Copy": task}, QueryLanguage="JSONata")
    assert "aws:s3/bucket:Bucket 'crm'" in _blocked([*region.resources, _crm(region), machine], machine)


def test_a_copy_into_the_stacks_bucket_in_the_same_region_stays_and_carries_the_pii() -> None:
    region = eu_region()
    reports = store(
        region,
        "aws:s3/bucket:Bucket",
        "reports",
        {"bucket": "reports"},
        {"data-classification": "anonymised"},
    )
    machine = _machine(region, {"Copy": _copy_task("reports", End=True)})
    resources = [*region.resources, _crm(region), reports, machine]
    assert violations(resources, NO_PII) == []
    # What the copy writes holds what it read: the bucket labelled anonymised now holds PII.
    lost = [d for d in violations(resources, "pii-no-data-loss") if d.urn == reports.urn]
    assert "aws:s3/bucket:Bucket 'crm' (pii) -> aws:s3/bucket:Bucket 'reports'" in messages(lost)


def test_a_state_machine_reading_the_short_named_pii_table_and_sending_to_another_region_is_blocked() -> None:
    region = eu_region()
    table = store(region, "aws:dynamodb/table:Table", "crm-table", {"name": "crm"})
    states = {
        "Read": {
            "Type": "Task",
            "Resource": "arn:aws:states:::dynamodb:getItem",
            "Parameters": {"TableName": "crm", "Key": {"id": {"S.$": "$.id"}}},
            "Next": "Send",
        },
        "Send": {
            "Type": "Task",
            "Resource": "arn:aws:states:::sqs:sendMessage",
            "Parameters": {
                "QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/mirror",
                "MessageBody.$": "$.Item",
            },
            "End": True,
        },
    }
    machine = _machine(region, states)
    assert "us-east-1" in _blocked([*region.resources, table, machine], machine)


def _schedule(region: Region, action: str, payload: dict[str, Any]) -> Res:
    return Res(
        "aws:scheduler/schedule:Schedule",
        "nightly",
        {
            "flexibleTimeWindow": {"mode": "OFF"},
            "scheduleExpression": "rate(1 day)",
            "target": {
                "arn": f"arn:aws:scheduler:::aws-sdk:{action}",
                "roleArn": ROLE,
                "input": json.dumps(payload),
            },
        },
        region.provider,
    )


def test_a_schedule_copying_the_short_named_pii_bucket_into_an_undeclared_bucket_is_blocked() -> None:
    region = eu_region()
    schedule = _schedule(
        region, "s3:copyObject", {"Bucket": "crm-mirror", "CopySource": "crm/today.csv", "Key": "x"}
    )
    message = _blocked([*region.resources, _crm(region), schedule], schedule)
    assert "aws:s3/bucket:Bucket 'crm'" in message and "crm-mirror (Bucket of s3:copyObject" in message


def test_a_schedule_sharing_the_pii_databases_snapshot_with_every_account_is_blocked() -> None:
    region = eu_region()
    payload = {"DbSnapshotIdentifier": "pii-db", "AttributeName": "restore", "ValuesToAdd": ["all"]}
    schedule = _schedule(region, "rds:modifyDBSnapshotAttribute", payload)
    message = _blocked([*region.resources, schedule], schedule)
    assert "every AWS account (ValuesToAdd 'all' of rds:modifyDBSnapshotAttribute)" in message


def test_a_schedule_creating_a_snapshot_of_the_pii_database_fails_closed_as_a_state_machine_does() -> None:
    # One judgement of SDK calls: an action that is neither reviewed as moving nothing nor as a copy the pack
    # traces fails closed, whichever of the two services calls it.
    region = eu_region()
    schedule = _schedule(
        region, "rds:createDBSnapshot", {"DbInstanceIdentifier": "pii-db", "DbSnapshotIdentifier": "x"}
    )
    message = _blocked([*region.resources, schedule], schedule)
    assert "it calls rds:createDBSnapshot (target.arn) on pii data" in message


def _pipeline(region: Region, body: str) -> Res:
    return Res(
        "aws:opensearchingest/pipeline:Pipeline",
        "crm",
        {"pipelineName": "crm", "minUnits": 1, "maxUnits": 2, "pipelineConfigurationBody": body},
        region.provider,
    )


def _scan_body(sink_region: str, host: str) -> str:
    return f"""version: "2"
crm-pipeline:
  source:
    s3:
      codec:
        newline:
      scan:
        buckets:
          - bucket:
              name: "crm"
      aws:
        region: "eu-west-1"
        sts_role_arn: "arn:aws:iam::123456789012:role/osis"
  sink:
    - opensearch:
        hosts: ["{host}"]
        index: "crm"
        aws:
          region: "{sink_region}"
          sts_role_arn: "arn:aws:iam::123456789012:role/osis"
"""


def test_a_pipeline_reading_the_short_named_pii_bucket_into_a_domain_in_another_region_is_blocked() -> None:
    region = eu_region()
    pipeline = _pipeline(
        region, _scan_body("us-east-1", "https://search-crm-abc123.us-east-1.es.amazonaws.com")
    )
    for policy in (NO_PII, ANONYMISED_ONLY):
        message = _blocked([*region.resources, _crm(region), pipeline], pipeline, policy)
        assert "aws:s3/bucket:Bucket 'crm'" in message and "us-east-1" in message


def test_a_pipeline_reading_the_pii_bucket_into_a_domain_in_its_own_region_stays() -> None:
    region = eu_region()
    pipeline = _pipeline(
        region, _scan_body("eu-west-1", "https://search-crm-abc123.eu-west-1.es.amazonaws.com")
    )
    assert violations([*region.resources, _crm(region), pipeline], NO_PII) == []


def test_a_pipeline_sinking_into_an_undeclared_bucket_with_no_region_fails_closed() -> None:
    region = eu_region()
    body = _scan_body("eu-west-1", "https://search-crm-abc123.eu-west-1.es.amazonaws.com")
    body += '    - s3:\n        bucket: "crm-archive"\n'
    pipeline = _pipeline(region, body)
    message = _blocked([*region.resources, _crm(region), pipeline], pipeline)
    assert "crm-archive (crm-pipeline sink s3.bucket of crm-pipeline sink s3: an S3 bucket" in message


def test_a_pipeline_body_that_does_not_parse_fails_closed() -> None:
    region = eu_region()
    broken = _scan_body("eu-west-1", "https://search-crm-abc123.eu-west-1.es.amazonaws.com").replace(
        "      codec:\n        newline:", "            codec:\n        newline:"
    )
    pipeline = _pipeline(region, broken)
    message = _blocked([*region.resources, _crm(region), pipeline], pipeline, ANONYMISED_ONLY)
    assert "does not parse as Data Prepper YAML" in message


# The same names in an input that names one resource: the whole value is the name, however short ----------


def test_a_read_replica_elsewhere_of_a_short_named_pii_database_named_by_hand_is_blocked() -> None:
    region = eu_region()
    crm = store(region, "aws:rds/instance:Instance", "crm-db", {"identifier": "crm", "engine": "postgres"})
    replica = Res("aws:rds/instance:Instance", "replica", {"replicateSourceDb": "crm", "tags": PII}, mumbai())
    message = _blocked([*region.resources, crm, replica], replica)
    assert "aws:rds/instance:Instance 'crm-db'" in message and "ap-south-1" in message
