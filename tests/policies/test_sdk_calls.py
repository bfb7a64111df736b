"""Services that call an AWS API on your behalf with a payload you write, acting on personal data.

An EventBridge Scheduler universal target, a Step Functions `aws-sdk` task, an SSM Automation step and an API
Gateway service integration act on whatever their payload names. On PII, a payload that names another
account or region is a copy; an action that may copy, share or export fails closed; a service integration
behind a method or route anyone may call is exposure.
"""

from __future__ import annotations

import json
from typing import Any

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import store
from tests.policies.policy_harness import UNKNOWN, Diagnostic, Res, messages, violations

ROLE = "arn:aws:iam::123456789012:role/scheduler-rds"


def _about(found: list[Diagnostic], resource: Res) -> str:
    return messages([d for d in found if d.urn == resource.urn])


def _schedule(region: Region, action: str, payload: dict[str, Any]) -> Res:
    """A weekly schedule whose universal target calls an RDS API on the PII database."""
    return Res(
        "aws:scheduler/schedule:Schedule",
        "weekly",
        {
            "flexibleTimeWindow": {"mode": "OFF"},
            "scheduleExpression": "rate(7 days)",
            "target": {
                "arn": f"arn:aws:scheduler:::aws-sdk:rds:{action}",
                "roleArn": ROLE,
                "input": json.dumps(payload),
            },
        },
        region.provider,
    )


def test_a_schedule_that_stops_the_pii_database_moves_nothing() -> None:
    region = eu_region()
    schedule = _schedule(region, "stopDBInstance", {"DbInstanceIdentifier": "pii-db"})
    for rule in ("no-pii-replication", "anonymised-only-replication"):
        assert _about(violations([*region.resources, schedule], rule), schedule) == ""


def test_a_schedule_that_shares_the_pii_databases_snapshot_with_another_account_is_a_copy() -> None:
    region = eu_region()
    schedule = _schedule(
        region,
        "modifyDBSnapshotAttribute",
        {
            "DbSnapshotIdentifier": "pii-db-weekly",
            "AttributeName": "restore",
            "ValuesToAdd": ["999999999999"],
            "SourceDbInstanceIdentifier": "pii-db",
        },
    )
    found = _about(violations([*region.resources, schedule], "no-pii-replication"), schedule)
    assert (
        "it calls rds:modifyDBSnapshotAttribute on pii data with a payload that names account 999999999999"
        in (found)
    )
    assert "GDPR" in found and "aws.rds.Snapshot" in found
    # The one API call is judged once, here: lineage's copy mechanism of the universal target, which
    # names the same account, is not reported again under either rule.
    for rule in ("no-pii-replication", "anonymised-only-replication"):
        judged = violations([*region.resources, schedule], rule)
        assert [d.urn for d in judged] == [schedule.urn], messages(judged)
        assert "through an AWS API call made on your behalf" in judged[0].message, messages(judged)


def _state_machine(region: Region, resource: str) -> Res:
    definition = {
        "StartAt": "Act",
        "States": {
            "Act": {
                "Type": "Task",
                "Resource": resource,
                "Arguments": {"DbInstanceIdentifier": "pii-db"},
                "End": True,
            }
        },
    }
    return Res(
        "aws:sfn/stateMachine:StateMachine",
        "maintenance",
        {"roleArn": "arn:aws:iam::123456789012:role/maintenance", "definition": json.dumps(definition)},
        region.provider,
    )


def test_a_state_machine_that_snapshots_pii_through_an_sdk_task_fails_closed() -> None:
    region = eu_region()
    reading = _state_machine(region, "arn:aws:states:::aws-sdk:rds:describeDBInstances")
    assert _about(violations([*region.resources, reading], "no-pii-replication"), reading) == ""
    copying = _state_machine(region, "arn:aws:states:::aws-sdk:rds:createDBSnapshot")
    assert "it calls rds:createDBSnapshot (definition) on pii data" in _about(
        violations([*region.resources, copying], "no-pii-replication"), copying
    )


def test_an_automation_document_that_shares_pii_fails_closed() -> None:
    region = eu_region()
    content = {
        "schemaVersion": "0.3",
        "mainSteps": [
            {
                "name": "share",
                "action": "aws:executeAwsApi",
                "inputs": {
                    "Service": "rds",
                    "Api": "ModifyDBSnapshotAttribute",
                    "DBSnapshotIdentifier": "pii-db-weekly",
                    "DBInstanceIdentifier": "pii-db",
                    "AttributeName": "restore",
                },
            }
        ],
    }
    document = Res(
        "aws:ssm/document:Document",
        "share",
        {"documentType": "Automation", "documentFormat": "JSON", "content": json.dumps(content)},
        region.provider,
    )
    assert "it calls rds:ModifyDBSnapshotAttribute (content (aws:executeAwsApi)) on pii data" in _about(
        violations([*region.resources, document], "no-pii-replication"), document
    )


def _rest_proxy(region: Region, authorization: str) -> tuple[list[Res], Res]:
    """A REST API whose GET method proxies S3 objects of the PII bucket (an AWS service integration)."""
    bucket = store(region, "aws:s3/bucket:Bucket", "documents", {"bucket": "documents-eu"})
    api = Res("aws:apigateway/restApi:RestApi", "documents", {"name": "documents"}, region.provider)
    resource = Res(
        "aws:apigateway/resource:Resource",
        "key",
        {"restApi": UNKNOWN, "parentId": UNKNOWN, "pathPart": "{key}"},
        region.provider,
        deps={"restApi": [api], "parentId": [api]},
    )
    method = Res(
        "aws:apigateway/method:Method",
        "get-key",
        {"restApi": UNKNOWN, "resourceId": UNKNOWN, "httpMethod": "GET", "authorization": authorization},
        region.provider,
        deps={"restApi": [api], "resourceId": [resource]},
    )
    integration = Res(
        "aws:apigateway/integration:Integration",
        "get-key",
        {
            "restApi": UNKNOWN,
            "resourceId": UNKNOWN,
            "httpMethod": "GET",
            "type": "AWS",
            "integrationHttpMethod": "GET",
            "uri": "arn:aws:apigateway:eu-west-1:s3:path/documents-eu/{key}",
            "credentials": "arn:aws:iam::123456789012:role/documents-reader",
            "requestParameters": {"integration.request.path.key": "method.request.path.key"},
        },
        region.provider,
        deps={"restApi": [api], "resourceId": [resource]},
    )
    return [*region.resources, bucket, api, resource, method, integration], integration


def test_an_s3_proxy_behind_an_iam_authorised_method_is_not_public() -> None:
    resources, integration = _rest_proxy(eu_region(), "AWS_IAM")
    assert _about(violations(resources, "pii-not-public"), integration) == ""


def test_an_s3_proxy_of_the_pii_bucket_behind_a_public_method_is_exposure() -> None:
    resources, integration = _rest_proxy(eu_region(), "NONE")
    found = _about(violations(resources, "pii-not-public"), integration)
    assert "pii data is served to the internet" in found
    assert "calls s3:get documents-eu/{key}" in found and "admits everyone (authorization NONE)" in found


def test_a_proxy_whose_method_the_stack_lacks_fails_closed() -> None:
    resources, integration = _rest_proxy(eu_region(), "NONE")
    resources = [r for r in resources if r.type != "aws:apigateway/method:Method"]
    assert "its method is not in this stack" in _about(violations(resources, "pii-not-public"), integration)


def _http_receive(region: Region, authorization: str) -> tuple[list[Res], Res]:
    """An HTTP API route whose SQS-ReceiveMessage integration reads the PII queue."""
    queue = store(region, "aws:sqs/queue:Queue", "customers", {"kmsMasterKeyId": UNKNOWN})
    queue.deps["kmsMasterKeyId"] = [region.key]
    api = Res(
        "aws:apigatewayv2/api:Api", "messages", {"name": "messages", "protocolType": "HTTP"}, region.provider
    )
    integration = Res(
        "aws:apigatewayv2/integration:Integration",
        "receive",
        {
            "apiId": UNKNOWN,
            "integrationType": "AWS_PROXY",
            "integrationSubtype": "SQS-ReceiveMessage",
            "credentialsArn": "arn:aws:iam::123456789012:role/messages-reader",
            "payloadFormatVersion": "1.0",
            "requestParameters": {"QueueUrl": UNKNOWN},
        },
        region.provider,
        deps={"apiId": [api], "requestParameters": [queue]},
    )
    route = Res(
        "aws:apigatewayv2/route:Route",
        "receive",
        {
            "apiId": UNKNOWN,
            "routeKey": "GET /messages",
            "target": UNKNOWN,
            "authorizationType": authorization,
        },
        region.provider,
        deps={"apiId": [api], "target": [integration]},
    )
    return [*region.resources, queue, api, integration, route], integration


def test_an_sqs_receive_route_with_iam_authorisation_is_not_public() -> None:
    resources, integration = _http_receive(eu_region(), "AWS_IAM")
    assert _about(violations(resources, "pii-not-public"), integration) == ""


def test_an_sqs_receive_route_anyone_may_call_is_exposure() -> None:
    resources, integration = _http_receive(eu_region(), "NONE")
    found = _about(violations(resources, "pii-not-public"), integration)
    assert "calls sqs:ReceiveMessage on it" in found and "(authorizationType NONE)" in found
