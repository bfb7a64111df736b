"""Literal ARNs resolve to what they name, whole, and service-integration URIs are read as what they are.

- A literal ARN whose parts a preview can derive (service, region, account, name: an SNS topic's, an SQS
  queue's) names the stack's resource even at a first preview, when the resource's ARN is not known yet,
  and even when the input that holds it counts among the referrer's own identities (an SNS subscription's
  `endpoint`): a subscription from the PII topic to the stack's queue, written with literal ARNs, passes
  the topic's PII on to the queue.
- An API Gateway integration URI `arn:aws:apigateway:<region>:<service>:action/...` (or `path/...`) is a
  service proxy in that region, called with the integration's own credentials: its fifth field is the
  service, not an account.
"""

from __future__ import annotations

import json
from typing import Any

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import PII, store
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

OWN = "123456789012"
ENCRYPTION = "pii-encryption"
NO_PII = "no-pii-replication"
ANONYMISED_ONLY = "anonymised-only-replication"


def _fan_out(region: Region, queue_props: dict[str, Any]) -> tuple[Res, list[Res]]:
    """The PII topic, an in-region queue labelled internal, and a subscription naming both by literal ARN."""
    topic = Res(
        "aws:sns/topic:Topic",
        "customers-events",
        {"name": "customers-events", "kmsMasterKeyId": UNKNOWN, "tags": PII},
        region.provider,
        deps={"kmsMasterKeyId": [region.key]},
    )
    queue = Res(
        "aws:sqs/queue:Queue",
        "crm-sync",
        {
            "name": "crm-sync",
            "messageRetentionSeconds": 1209600,
            **queue_props,
            "tags": {"data-classification": "internal"},
        },
        region.provider,
        deps={"kmsMasterKeyId": [region.key]} if queue_props.get("kmsMasterKeyId") == UNKNOWN else {},
    )
    subscription = Res(
        "aws:sns/topicSubscription:TopicSubscription",
        "crm-sync",
        {
            "topic": f"arn:aws:sns:eu-west-1:{OWN}:customers-events",
            "protocol": "sqs",
            "endpoint": f"arn:aws:sqs:eu-west-1:{OWN}:crm-sync",
            "rawMessageDelivery": True,
        },
        region.provider,
    )
    return queue, [topic, queue, subscription]


def test_a_queue_subscribed_by_literal_arn_to_the_pii_topic_on_the_stacks_key_passes() -> None:
    region = eu_region()
    _, extra = _fan_out(region, {"kmsMasterKeyId": UNKNOWN})
    assert violations([*region.resources, *extra], ENCRYPTION) == []


def test_a_queue_subscribed_by_literal_arn_to_the_pii_topic_inherits_its_pii() -> None:
    region = eu_region()
    queue, extra = _fan_out(region, {"sqsManagedSseEnabled": True})
    found = violations([*region.resources, *extra], ENCRYPTION)
    assert [d.urn for d in found] == [queue.urn], messages(found)
    assert (
        "aws:sns/topic:Topic 'customers-events' (pii) -> aws:sqs/queue:Queue 'crm-sync'" in found[0].message
    )


def _api_integration(region: Region, uri: str) -> list[Res]:
    """A REST API method whose integration calls a service in a region, on the PII table, with a role."""
    table = store(region, "aws:dynamodb/table:Table", "customers", {"name": "customers", "hashKey": "id"})
    role = Res(
        "aws:iam/role:Role",
        "api-dynamodb",
        {
            "name": "api-dynamodb",
            "assumeRolePolicy": json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "apigateway.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ],
                }
            ),
        },
        region.provider,
    )
    api = Res("aws:apigateway/restApi:RestApi", "customers-api", {"name": "customers-api"}, region.provider)
    integration = Res(
        "aws:apigateway/integration:Integration",
        "customers-get",
        {
            "restApi": UNKNOWN,
            "resourceId": UNKNOWN,
            "httpMethod": "GET",
            "type": "AWS",
            "integrationHttpMethod": "POST",
            "uri": uri,
            "credentials": UNKNOWN,
            "requestTemplates": {
                "application/json": json.dumps(
                    {"TableName": "customers", "Key": {"id": {"S": "$input.params('id')"}}}
                )
            },
        },
        region.provider,
        deps={"restApi": [api], "resourceId": [api], "credentials": [role]},
    )
    return [table, role, api, integration]


def _replication(resources: list[Res]) -> list[Any]:
    return [*violations(resources, NO_PII), *violations(resources, ANONYMISED_ONLY)]


def test_a_service_integration_in_the_tables_region_copies_nothing() -> None:
    region = eu_region()
    extra = _api_integration(region, "arn:aws:apigateway:eu-west-1:dynamodb:action/GetItem")
    assert _replication([*region.resources, *extra]) == []


def test_a_service_integration_in_another_region_moves_the_pii_there() -> None:
    region = eu_region()
    extra = _api_integration(region, "arn:aws:apigateway:us-east-1:dynamodb:action/GetItem")
    # One AWS API call made on your behalf, judged once, by sdk_calls (lineage's copy of the same call to
    # the URI's region is not reported again): it names the region, never "dynamodb" as an account.
    for rule in (NO_PII, ANONYMISED_ONLY):
        found = violations([*region.resources, *extra], rule)
        assert [d.urn for d in found] == [extra[-1].urn], messages(found)
        assert "through an AWS API call made on your behalf" in found[0].message, messages(found)
        assert "names region us-east-1" in found[0].message, messages(found)
        assert "into account dynamodb" not in found[0].message, messages(found)


def test_a_service_proxy_path_names_no_account() -> None:
    region = eu_region()
    extra = _api_integration(region, "arn:aws:apigateway:eu-west-1:s3:path/customers-exports-eu/{key}")
    assert "into account s3" not in messages(_replication([*region.resources, *extra]))


def _partner_reads_logs(region: Region, resource_arn: str) -> tuple[Res, list[Res]]:
    """The PII database's log group, and a role another account assumes that reads it by literal ARN."""
    group = Res(
        "aws:cloudwatch/logGroup:LogGroup",
        "pii-db-logs",
        {
            "name": "/aws/rds/instance/pii-db/postgresql",
            "retentionInDays": 30,
            "kmsKeyId": UNKNOWN,
            "tags": PII,
        },
        region.provider,
        deps={"kmsKeyId": [region.key]},
    )
    role = Res(
        "aws:iam/role:Role",
        "partner-logs",
        {
            "name": "partner-logs",
            "assumeRolePolicy": json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"AWS": "arn:aws:iam::999988887777:root"},
                            "Action": "sts:AssumeRole",
                        }
                    ],
                }
            ),
            "inlinePolicies": [
                {
                    "name": "read-logs",
                    "policy": json.dumps(
                        {
                            "Version": "2012-10-17",
                            "Statement": [
                                {
                                    "Effect": "Allow",
                                    "Action": ["logs:GetLogEvents", "logs:FilterLogEvents"],
                                    "Resource": resource_arn,
                                }
                            ],
                        }
                    ),
                }
            ],
        },
        region.provider,
    )
    return role, [group, role]


def test_a_role_of_another_account_reading_a_log_group_that_holds_nothing_resident_shares_no_pii() -> None:
    region = eu_region()
    role, extra = _partner_reads_logs(
        region, f"arn:aws:logs:eu-west-1:{OWN}:log-group:/aws/lambda/thumbnails:*"
    )
    assert [d for d in violations([*region.resources, *extra], NO_PII) if d.urn == role.urn] == []


def test_a_literal_log_group_arn_names_the_stacks_log_group_by_its_whole_name() -> None:
    region = eu_region()
    role, extra = _partner_reads_logs(
        region, f"arn:aws:logs:eu-west-1:{OWN}:log-group:/aws/rds/instance/pii-db/postgresql:*"
    )
    found = [d for d in violations([*region.resources, *extra], NO_PII) if d.urn == role.urn]
    assert len(found) == 1, messages(found)
    assert "aws:cloudwatch/logGroup:LogGroup 'pii-db-logs'" in found[0].message
