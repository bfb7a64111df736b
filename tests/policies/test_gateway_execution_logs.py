"""API Gateway's execution logs with data tracing: every request and response of a stage, in full, written to
`API-Gateway-Execution-Logs_<api id>/<stage>` (REST) or `/aws/apigateway/<api id>/<stage>` (WebSocket).

Reviewer blind-aws13 (a19): a REST API whose DynamoDB service integration returns customer items, with
method settings `dataTraceEnabled` and `loggingLevel` INFO, passed, though the pack blocks AppSync's field
logs of the same records (blind-aws12 c19): API Gateway creates the group with CloudWatch's default key and
no expiry. A group the stack declares under the name holds what the API serves, and is judged as a PII log
group. Each test changes one thing of a REST API over the PII table whose stage does not trace data.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import PII, store
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

ENCRYPTION = "pii-encryption"
LOSS = "pii-no-data-loss"
TABLE_ARN = "arn:aws:dynamodb:eu-west-1:123456789012:table/customers"


def _rest_api(region: Region, tags: dict[str, str] | None = None) -> list[Res]:
    table = store(region, "aws:dynamodb/table:Table", "customers", {"name": "customers"})
    role = Res(
        "aws:iam/role:Role",
        "apigw-dynamodb",
        {
            "name": "apigw-dynamodb",
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
            "inlinePolicies": [
                {
                    "name": "read",
                    "policy": json.dumps(
                        {
                            "Version": "2012-10-17",
                            "Statement": [
                                {"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": TABLE_ARN}
                            ],
                        }
                    ),
                }
            ],
        },
        region.provider,
    )
    props: dict[str, Any] = {"name": "customers-api", "endpointConfiguration": {"types": "REGIONAL"}}
    if tags is not None:
        props["tags"] = dict(tags)
    api = Res("aws:apigateway/restApi:RestApi", "customers-api", props, region.provider)
    integration = Res(
        "aws:apigateway/integration:Integration",
        "get-customer",
        {
            "restApi": UNKNOWN,
            "resourceId": UNKNOWN,
            "httpMethod": "POST",
            "type": "AWS",
            "integrationHttpMethod": "POST",
            "uri": "arn:aws:apigateway:eu-west-1:dynamodb:action/GetItem",
            "credentials": UNKNOWN,
        },
        region.provider,
        deps={"restApi": [api], "credentials": [role]},
    )
    stage = Res(
        "aws:apigateway/stage:Stage",
        "prod",
        {"restApi": UNKNOWN, "deployment": UNKNOWN, "stageName": "prod"},
        region.provider,
        deps={"restApi": [api]},
    )
    return [table, role, api, integration, stage]


def _method_settings(api: Res, stage: Res, settings: dict[str, Any]) -> Res:
    return Res(
        "aws:apigateway/methodSettings:MethodSettings",
        "all-methods",
        {"restApi": UNKNOWN, "stageName": UNKNOWN, "methodPath": "*/*", "settings": settings},
        api.provider,
        deps={"restApi": [api], "stageName": [stage]},
    )


def _on(resources: list[Res], policy: str, resource: Res) -> str:
    return messages([d for d in violations(resources, policy) if d.urn == resource.urn])


TRACING = {"loggingLevel": "INFO", "dataTraceEnabled": True, "metricsEnabled": True}


def test_a_stage_that_logs_without_data_tracing_breaks_no_rule() -> None:
    region = eu_region()
    rest = _rest_api(region)
    settings = _method_settings(rest[2], rest[4], {"loggingLevel": "INFO", "dataTraceEnabled": False})
    assert _on([*region.resources, *rest, settings], ENCRYPTION, settings) == ""


@pytest.mark.parametrize("trace", [True, UNKNOWN], ids=["on", "unknown"])
def test_data_tracing_of_an_api_serving_pii_writes_it_into_a_group_under_aws_key(trace: Any) -> None:
    region = eu_region()
    rest = _rest_api(region)
    settings = _method_settings(rest[2], rest[4], {**TRACING, "dataTraceEnabled": trace})
    found = _on([*region.resources, *rest, settings], ENCRYPTION, settings)
    assert "API-Gateway-Execution-Logs_<api id>/prod" in found and "dataTraceEnabled" in found, found


def test_data_tracing_with_logging_off_writes_nothing() -> None:
    region = eu_region()
    rest = _rest_api(region)
    settings = _method_settings(rest[2], rest[4], {**TRACING, "loggingLevel": "OFF"})
    assert _on([*region.resources, *rest, settings], ENCRYPTION, settings) == ""


def test_data_tracing_of_an_api_labelled_pii_writes_it_into_a_group_under_aws_key() -> None:
    region = eu_region()
    rest = _rest_api(region, tags=PII)
    rest[3].props["type"] = "MOCK"
    settings = _method_settings(rest[2], rest[4], TRACING)
    assert "API-Gateway-Execution-Logs_" in _on([*region.resources, *rest, settings], ENCRYPTION, settings)


def test_data_tracing_of_an_api_that_serves_no_personal_data_breaks_no_rule() -> None:
    region = eu_region()
    rest = _rest_api(region)
    rest[3].props["type"] = "MOCK"
    settings = _method_settings(rest[2], rest[4], TRACING)
    assert _on([*region.resources, *rest, settings], ENCRYPTION, settings) == ""


def _execution_group(region: Region, api: Res, key: Res | None, tags: dict[str, str] | None) -> Res:
    props: dict[str, Any] = {"name": UNKNOWN, "retentionInDays": 30}
    deps: dict[str, list[Res]] = {"name": [api]}
    if key is not None:
        props["kmsKeyId"] = UNKNOWN
        deps["kmsKeyId"] = [key]
    if tags is not None:
        props["tags"] = dict(tags)
    return Res(
        "aws:cloudwatch/logGroup:LogGroup",
        "prod-execution-logs",
        props,
        region.provider,
        deps=deps,
        protect=True,
    )


@pytest.mark.parametrize("policy", [ENCRYPTION, LOSS])
def test_data_tracing_into_a_declared_group_under_the_stacks_key_breaks_no_rule(policy: str) -> None:
    region = eu_region()
    rest = _rest_api(region)
    settings = _method_settings(rest[2], rest[4], TRACING)
    group = _execution_group(region, rest[2], region.key, PII)
    stack = [*region.resources, *rest, settings, group]
    assert [d for d in violations(stack, policy) if d.urn in (settings.urn, group.urn)] == []


def test_a_declared_execution_log_group_labelled_internal_without_a_key_holds_the_apis_pii() -> None:
    region = eu_region()
    rest = _rest_api(region)
    settings = _method_settings(rest[2], rest[4], TRACING)
    group = _execution_group(region, rest[2], None, {"data-classification": "internal"})
    found = _on([*region.resources, *rest, settings, group], ENCRYPTION, group)
    assert "inherited through lineage" in found and "customers" in found, found


def _websocket(region: Region, protocol: str, route_settings: dict[str, Any]) -> list[Res]:
    rest = _rest_api(region)
    table, role = rest[0], rest[1]
    api = Res(
        "aws:apigatewayv2/api:Api",
        "customer-socket",
        {
            "name": "customer-socket",
            "protocolType": protocol,
            "routeSelectionExpression": "$request.body.action",
        },
        region.provider,
    )
    integration = Res(
        "aws:apigatewayv2/integration:Integration",
        "get-customer-ws",
        {
            "apiId": UNKNOWN,
            "integrationType": "AWS",
            "integrationMethod": "POST",
            "integrationUri": "arn:aws:apigateway:eu-west-1:dynamodb:action/GetItem",
            "credentialsArn": UNKNOWN,
        },
        region.provider,
        deps={"apiId": [api], "credentialsArn": [role]},
    )
    stage = Res(
        "aws:apigatewayv2/stage:Stage",
        "socket-prod",
        {"apiId": UNKNOWN, "name": "prod", "defaultRouteSettings": route_settings},
        region.provider,
        deps={"apiId": [api]},
    )
    return [table, role, api, integration, stage]


def test_a_websocket_stage_tracing_data_of_an_api_serving_pii_writes_it_into_a_group_under_aws_key() -> None:
    region = eu_region()
    socket = _websocket(region, "WEBSOCKET", {"dataTraceEnabled": True, "loggingLevel": "INFO"})
    found = _on([*region.resources, *socket], ENCRYPTION, socket[4])
    assert "/aws/apigateway/<api id>/prod" in found, found


def test_an_http_api_stage_writes_no_execution_logs() -> None:
    region = eu_region()
    socket = _websocket(region, "HTTP", {"dataTraceEnabled": True, "loggingLevel": "INFO"})
    assert _on([*region.resources, *socket], ENCRYPTION, socket[4]) == ""
