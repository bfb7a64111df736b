"""A REST API defined by an OpenAPI body declares in it what Integration, Method and RestApiPolicy resources
declare otherwise: its operations' integrations (`x-amazon-apigateway-integration`), their authorization
(`security` and the schemes it names) and the API's resource policy (`x-amazon-apigateway-policy`), and the
API's inline `policy` input is a RestApiPolicy. Each is judged as the resource it stands for.

Red-team round 8 (rt-aws8): the REST API type was neutral, so an unauthenticated Scan of the PII table
written in the body, a service integration in another region, and an inline policy open to every account
on a PRIVATE API all passed, while the same written as resources was blocked.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import store
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

NOT_PUBLIC = "pii-not-public"
NO_PII = "no-pii-replication"
ANONYMISED_ONLY = "anonymised-only-replication"
ROLE_ARN = "arn:aws:iam::123456789012:role/api-reader"
SIGV4 = {
    "sigv4": {
        "type": "apiKey",
        "name": "Authorization",
        "in": "header",
        "x-amazon-apigateway-authtype": "awsSigv4",
    }
}
OPEN_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*"}
    ],
}


def _table(region: Region) -> Res:
    table = store(
        region,
        "aws:dynamodb/table:Table",
        "customers-table",
        {"name": "customers", "hashKey": "email", "deletionProtectionEnabled": True},
    )
    table.protect = True
    return table


def _reader(region: Region) -> Res:
    """The role the integrations call DynamoDB with: it may scan the customers table."""
    role = Res(
        "aws:iam/role:Role",
        "api-reader",
        {
            "name": "api-reader",
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
                    "name": "scan",
                    "policy": json.dumps(
                        {
                            "Version": "2012-10-17",
                            "Statement": [
                                {
                                    "Effect": "Allow",
                                    "Action": "dynamodb:Scan",
                                    "Resource": "arn:aws:dynamodb:eu-west-1:123456789012:table/customers",
                                }
                            ],
                        }
                    ),
                }
            ],
        },
        region.provider,
    )
    return role


def _body(
    security: list | None = None,
    root_security: list | None = None,
    region: str = "eu-west-1",
    policy: dict | None = None,
) -> str:
    operation: dict[str, Any] = {
        "responses": {"200": {"description": "ok"}},
        "x-amazon-apigateway-integration": {
            "type": "aws",
            "httpMethod": "POST",
            "credentials": ROLE_ARN,
            "uri": f"arn:aws:apigateway:{region}:dynamodb:action/Scan",
            "requestTemplates": {"application/json": json.dumps({"TableName": "customers"})},
        },
    }
    if security is not None:
        operation["security"] = security
    document: dict[str, Any] = {
        "openapi": "3.0.1",
        "info": {"title": "customers", "version": "1"},
        "components": {"securitySchemes": SIGV4},
        "paths": {"/customers": {"get": operation}},
    }
    if root_security is not None:
        document["security"] = root_security
    if policy is not None:
        document["x-amazon-apigateway-policy"] = policy
    return json.dumps(document)


def _api(region: Region, body: Any, **props: Any) -> Res:
    return Res(
        "aws:apigateway/restApi:RestApi",
        "customers-api",
        {"name": "customers", "body": body, **props},
        region.provider,
    )


def _stack(region: Region, api: Res) -> list[Res]:
    return [*region.resources, _table(region), _reader(region), api]


def _about(found: list, resource: Res) -> str:
    return messages([d for d in found if d.urn == resource.urn])


def test_an_unauthenticated_operation_of_an_api_body_that_scans_the_pii_table_is_public() -> None:
    region = eu_region()
    api = _api(region, _body())
    found = _about(violations(_stack(region, api), NOT_PUBLIC), api)
    assert "dynamodb:Scan" in found and "/customers" in found


@pytest.mark.parametrize(
    ("security", "root_security"),
    [([{"sigv4": []}], None), (None, [{"sigv4": []}])],
    ids=["operation", "api"],
)
def test_an_api_body_whose_operation_requires_iam_breaks_no_rule(
    security: list | None, root_security: list | None
) -> None:
    region = eu_region()
    api = _api(region, _body(security, root_security))
    for policy in (NOT_PUBLIC, NO_PII, ANONYMISED_ONLY):
        assert violations(_stack(region, api), policy) == [], policy


def test_an_operation_that_drops_the_apis_security_is_public() -> None:
    region = eu_region()
    api = _api(region, _body(security=[], root_security=[{"sigv4": []}]))
    assert "dynamodb:Scan" in _about(violations(_stack(region, api), NOT_PUBLIC), api)


def test_a_private_api_body_breaks_no_exposure_rule() -> None:
    region = eu_region()
    api = _api(region, _body(), endpointConfiguration={"types": "PRIVATE"})
    assert violations(_stack(region, api), NOT_PUBLIC) == []


def test_an_api_body_that_calls_the_service_in_another_region_moves_the_pii_there() -> None:
    region = eu_region()
    api = _api(region, _body(security=[{"sigv4": []}], region="us-east-1"))
    found = _about(violations(_stack(region, api), NO_PII), api)
    assert "us-east-1" in found and "dynamodb:Scan" in found


@pytest.mark.preview_only("a body computed from outputs is known once the stack is deployed")
def test_an_api_body_computed_from_the_pii_table_fails_closed() -> None:
    region = eu_region()
    table = _table(region)
    api = Res(
        "aws:apigateway/restApi:RestApi",
        "customers-api",
        {"name": "customers", "body": UNKNOWN},
        region.provider,
        deps={"body": [table]},
    )
    found = _about(violations([*region.resources, table, _reader(region), api], NOT_PUBLIC), api)
    assert "unknown at preview" in found


@pytest.mark.parametrize("where", ["input", "body"])
def test_a_private_apis_own_policy_that_admits_everyone_opens_what_it_serves(where: str) -> None:
    region = eu_region()
    if where == "input":
        api = _api(
            region, _body(), endpointConfiguration={"types": "PRIVATE"}, policy=json.dumps(OPEN_POLICY)
        )
    else:
        api = _api(region, _body(policy=OPEN_POLICY), endpointConfiguration={"types": "PRIVATE"})
    found = _about(violations(_stack(region, api), NOT_PUBLIC), api)
    assert "everyone" in found and "customers-table" in found


def test_an_api_body_that_proxies_to_a_web_backend_and_names_no_holder_breaks_no_rule() -> None:
    """An HTTP proxy serves what an application returns (out of reach, as an Integration resource's); a body
    whose values name no place a copy could land in delivers nothing."""
    region = eu_region()
    body = {
        "openapi": "3.0.1",
        "info": {"title": "site", "version": "1"},
        "paths": {
            "/{proxy+}": {
                "x-amazon-apigateway-any-method": {
                    "x-amazon-apigateway-integration": {
                        "type": "http_proxy",
                        "httpMethod": "ANY",
                        "uri": "https://backend.example.com/{proxy}",
                    }
                }
            }
        },
    }
    api = _api(region, json.dumps(body))
    for policy in (NOT_PUBLIC, NO_PII, ANONYMISED_ONLY):
        assert violations([*region.resources, api], policy) == [], policy


def _http_api(region: Region, security: list | None) -> tuple[Res, list[Res]]:
    """An HTTP API imported from an OpenAPI body: a route that receives messages from the PII queue."""
    queue = store(region, "aws:sqs/queue:Queue", "customer-changes", {"name": "customer-changes"})
    operation: dict[str, Any] = {
        "x-amazon-apigateway-integration": {
            "type": "aws_proxy",
            "integrationSubtype": "SQS-ReceiveMessage",
            "credentials": ROLE_ARN,
            "payloadFormatVersion": "1.0",
            "requestParameters": {
                "QueueUrl": "https://sqs.eu-west-1.amazonaws.com/123456789012/customer-changes"
            },
        }
    }
    if security is not None:
        operation["security"] = security
    body = {
        "openapi": "3.0.1",
        "info": {"title": "changes", "version": "1"},
        "components": {
            "securitySchemes": {
                "jwt": {
                    "type": "oauth2",
                    "x-amazon-apigateway-authorizer": {
                        "type": "jwt",
                        "identitySource": "$request.header.Authorization",
                        "jwtConfiguration": {"issuer": "https://idp.example.com", "audience": ["changes"]},
                    },
                }
            }
        },
        "paths": {"/changes": {"get": operation}},
    }
    api = Res(
        "aws:apigatewayv2/api:Api",
        "changes-api",
        {"name": "changes", "protocolType": "HTTP", "body": json.dumps(body)},
        region.provider,
    )
    return api, [*region.resources, queue, api]


def test_an_unauthenticated_route_of_an_http_api_body_that_receives_from_the_pii_queue_is_public() -> None:
    region = eu_region()
    api, stack = _http_api(region, None)
    found = _about(violations(stack, NOT_PUBLIC), api)
    assert "sqs:ReceiveMessage" in found and "/changes" in found


def test_an_http_api_body_route_with_a_jwt_authoriser_breaks_no_exposure_rule() -> None:
    region = eu_region()
    _, stack = _http_api(region, [{"jwt": []}])
    assert violations(stack, NOT_PUBLIC) == []


@pytest.mark.parametrize(
    "extension",
    [{"types": ["PRIVATE"]}, {"vpcEndpointIds": ["vpce-0123456789abcdef0"]}],
    ids=["types", "vpc-endpoints"],
)
@pytest.mark.parametrize("put_mode", [None, "merge", "overwrite"])
def test_a_body_endpoint_configuration_does_not_make_the_api_private(
    extension: dict, put_mode: str | None
) -> None:
    # API Gateway imports a body "without changing its endpoint configuration" (import-to-update), and the
    # extension holds VPC endpoint ids, not the type: the `endpointConfiguration` input (EDGE unset) decides.
    region = eu_region()
    document = json.loads(_body())
    document["x-amazon-apigateway-endpoint-configuration"] = extension
    api = _api(region, json.dumps(document), **({"putRestApiMode": put_mode} if put_mode else {}))
    assert "dynamodb:Scan" in _about(violations(_stack(region, api), NOT_PUBLIC), api)


def _put(region: Region, api: Res | None) -> Res:
    """A RestApiPut that puts the open body onto an API: the stack's (by its id) or one named by a literal."""
    return Res(
        "aws:apigateway/restApiPut:RestApiPut",
        "customers-put",
        {"restApiId": UNKNOWN if api is not None else "a1b2c3d4e5", "body": _body()},
        region.provider,
        deps={"restApiId": [api]} if api is not None else {},
    )


@pytest.mark.parametrize("types", ["REGIONAL", "EDGE", None])
def test_a_body_put_onto_a_public_api_is_public(types: str | None) -> None:
    region = eu_region()
    api = _api(region, None, **({"endpointConfiguration": {"types": types}} if types else {}))
    del api.props["body"]
    put = _put(region, api)
    assert "dynamodb:Scan" in _about(violations([*_stack(region, api), put], NOT_PUBLIC), put)


def test_a_body_put_onto_an_api_outside_the_stack_fails_closed() -> None:
    region = eu_region()
    put = _put(region, None)
    stack = [*region.resources, _table(region), _reader(region), put]
    assert "dynamodb:Scan" in _about(violations(stack, NOT_PUBLIC), put)


def test_a_body_put_onto_a_private_api_breaks_no_exposure_rule() -> None:
    region = eu_region()
    api = _api(region, None, endpointConfiguration={"types": "PRIVATE"})
    del api.props["body"]
    assert violations([*_stack(region, api), _put(region, api)], NOT_PUBLIC) == []
