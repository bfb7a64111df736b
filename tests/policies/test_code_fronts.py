"""pii-not-public: a front anyone may call in front of a function that reads PII serves what the function
reads (reviewer blind-access15 a36).

The baseline is the region's PII database, a customer-lookup function configured with it (its environment
names the database) and an HTTP API whose `GET /customers/{id}` route proxies to the function with IAM
authorisation: only the deployment's principals call it, which is allowed. Each test changes one thing: the
route's authorisation, its authoriser's identity provider, the API's kind (WebSocket, REST, quick create, an
OpenAPI body), or another front (a load balancer, a CloudFront distribution) in front of the function.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

POLICY = "pii-not-public"
ANONYMISED = {"data-classification": "anonymised"}


@dataclass
class Front:
    """The baseline region, the function reading the database, and the API in front of it."""

    region: Region
    function: Res
    api: Res
    integration: Res
    route: Res
    extra: list[Res] = field(default_factory=list)

    @property
    def resources(self) -> list[Res]:
        """Every resource of the case."""
        return [*self.region.resources, self.function, self.api, self.integration, self.route, *self.extra]


def _function(region: Region, reads: Res) -> Res:
    return Res(
        "aws:lambda/function:Function",
        "customer-lookup",
        {
            "name": "customer-lookup",
            "runtime": "python3.12",
            "handler": "index.handler",
            "role": "arn:aws:iam::123456789012:role/customer-lookup",
            "environment": {"variables": {"DATABASE_HOST": UNKNOWN}},
        },
        region.provider,
        deps={"environment": [reads]},
    )


def _front(authorization: str = "AWS_IAM", protocol: str = "HTTP") -> Front:
    region = eu_region()
    function = _function(region, region.database)
    api = Res(
        "aws:apigatewayv2/api:Api",
        "customers",
        {"name": "customers", "protocolType": protocol},
        region.provider,
    )
    integration = Res(
        "aws:apigatewayv2/integration:Integration",
        "customer-lookup",
        {"apiId": UNKNOWN, "integrationType": "AWS_PROXY", "integrationUri": UNKNOWN},
        region.provider,
        deps={"apiId": [api], "integrationUri": [function]},
    )
    route = Res(
        "aws:apigatewayv2/route:Route",
        "get-customer",
        {
            "apiId": UNKNOWN,
            "routeKey": "GET /customers/{id}" if protocol == "HTTP" else "lookup",
            "target": UNKNOWN,
            "authorizationType": authorization,
        },
        region.provider,
        deps={"apiId": [api], "target": [integration]},
    )
    return Front(region, function, api, integration, route)


def _on(found: list, resource: Res) -> str:
    return messages([d for d in found if d.urn == resource.urn])


def test_an_iam_authorised_route_to_the_function_is_allowed() -> None:
    assert violations(_front().resources, POLICY) == []


def test_a_route_anyone_may_call_to_a_function_that_reads_pii_is_exposure() -> None:
    case = _front("NONE")
    shown = _on(violations(case.resources, POLICY), case.integration)
    assert "anyone may invoke aws:lambda/function:Function 'customer-lookup', whose code reads" in shown
    assert "aws:rds/instance:Instance 'pii-db' (pii)" in shown and "(authorizationType NONE)" in shown


def test_a_route_anyone_may_call_to_a_function_that_reads_only_anonymised_data_is_allowed() -> None:
    case = _front("NONE")
    releases = Res(
        "aws:dynamodb/table:Table", "releases", {"name": "releases", "tags": ANONYMISED}, case.region.provider
    )
    case.function.deps["environment"] = [releases]
    case.extra.append(releases)
    assert violations(case.resources, POLICY) == []


def _jwt(case: Front, issuer: str, deps: list[Res] | None = None) -> None:
    authoriser = Res(
        "aws:apigatewayv2/authorizer:Authorizer",
        "customers-jwt",
        {
            "apiId": UNKNOWN,
            "authorizerType": "JWT",
            "identitySources": ["$request.header.Authorization"],
            "jwtConfiguration": {"issuer": issuer, "audiences": ["customers-app"]},
        },
        case.region.provider,
        deps={"apiId": [case.api], **({"jwtConfiguration": deps} if deps else {})},
    )
    case.route.props.update(authorizationType="JWT", authorizerId=UNKNOWN)
    case.route.deps["authorizerId"] = [authoriser]
    case.extra.append(authoriser)


@pytest.mark.parametrize(
    ("issuer", "public"),
    [("https://accounts.google.com", True), ("https://acme.okta.com/oauth2/default", False)],
    ids=["google", "okta-tenant"],
)
def test_a_jwt_authoriser_with_a_public_issuer_admits_anyone(issuer: str, public: bool) -> None:
    case = _front()
    _jwt(case, issuer)
    found = violations(case.resources, POLICY)
    if public:
        assert f"its issuer {issuer} signs in anyone" in _on(found, case.integration), messages(found)
    else:
        assert found == [], messages(found)


def _user_pool(region: Region, sign_up: bool) -> Res:
    return Res(
        "aws:cognito/userPool:UserPool",
        "customers",
        {
            "name": "customers",
            "adminCreateUserConfig": {"allowAdminCreateUserOnly": not sign_up},
            "deletionProtection": "ACTIVE",
            "tags": {"data-classification": "pii"},
        },
        region.provider,
    )


@pytest.mark.parametrize("sign_up", [False, True])
def test_a_jwt_authoriser_of_a_user_pool_anyone_may_sign_up_to_admits_anyone(sign_up: bool) -> None:
    case = _front()
    users = _user_pool(case.region, sign_up)
    _jwt(case, UNKNOWN, [users])
    case.extra.append(users)
    found = [d for d in violations(case.resources, POLICY) if d.urn == case.integration.urn]
    assert bool(found) == sign_up, messages(found)


@pytest.mark.parametrize(("connect", "exposed"), [("AWS_IAM", False), ("NONE", True), (None, True)])
def test_a_websocket_route_is_as_open_as_its_connect_route(connect: str | None, exposed: bool) -> None:
    """Only `$connect` is authorised: every other route is reached on a connection it admitted."""
    case = _front("NONE", protocol="WEBSOCKET")
    if connect is not None:
        case.extra.append(
            Res(
                "aws:apigatewayv2/route:Route",
                "connect",
                {"apiId": UNKNOWN, "routeKey": "$connect", "authorizationType": connect},
                case.region.provider,
                deps={"apiId": [case.api]},
            )
        )
    found = _on(violations(case.resources, POLICY), case.integration)
    assert bool(found) == exposed, found


def test_a_quick_create_api_targeting_the_function_is_exposure() -> None:
    case = _front()
    case.api.props["target"] = UNKNOWN
    case.api.deps["target"] = [case.function]
    assert "quick-create" in _on(violations(case.resources, POLICY), case.api)


def _rest(region: Region, function: Res, authorization: str) -> tuple[Res, list[Res]]:
    api = Res("aws:apigateway/restApi:RestApi", "customers", {"name": "customers"}, region.provider)
    resource = Res(
        "aws:apigateway/resource:Resource",
        "customer",
        {"restApi": UNKNOWN, "parentId": UNKNOWN, "pathPart": "{id}"},
        region.provider,
        deps={"restApi": [api], "parentId": [api]},
    )
    method = Res(
        "aws:apigateway/method:Method",
        "get-customer",
        {"restApi": UNKNOWN, "resourceId": UNKNOWN, "httpMethod": "GET", "authorization": authorization},
        region.provider,
        deps={"restApi": [api], "resourceId": [resource]},
    )
    integration = Res(
        "aws:apigateway/integration:Integration",
        "get-customer",
        {
            "restApi": UNKNOWN,
            "resourceId": UNKNOWN,
            "httpMethod": "GET",
            "type": "AWS_PROXY",
            "integrationHttpMethod": "POST",
            "uri": UNKNOWN,
        },
        region.provider,
        deps={"restApi": [api], "resourceId": [resource], "uri": [function]},
    )
    return integration, [api, resource, method, integration]


@pytest.mark.parametrize(
    ("authorization", "types", "exposed"),
    [("NONE", None, True), ("AWS_IAM", None, False), ("NONE", ["PRIVATE"], False)],
    ids=["public", "iam", "private-api"],
)
def test_a_rest_method_to_the_function_is_judged_by_its_authorisation(
    authorization: str, types: list[str] | None, exposed: bool
) -> None:
    region = eu_region()
    function = _function(region, region.database)
    integration, rest = _rest(region, function, authorization)
    if types is not None:
        rest[0].props["endpointConfiguration"] = {"types": types}
    found = _on(violations([*region.resources, function, *rest], POLICY), integration)
    assert bool(found) == exposed, found


@pytest.mark.parametrize("sign_up", [False, True])
def test_a_rest_cognito_authoriser_of_a_user_pool_anyone_may_sign_up_to_admits_anyone(sign_up: bool) -> None:
    region = eu_region()
    function = _function(region, region.database)
    integration, rest = _rest(region, function, "COGNITO_USER_POOLS")
    users = _user_pool(region, sign_up)
    authoriser = Res(
        "aws:apigateway/authorizer:Authorizer",
        "customers",
        {"restApi": UNKNOWN, "type": "COGNITO_USER_POOLS", "providerArns": [UNKNOWN]},
        region.provider,
        deps={"restApi": [rest[0]], "providerArns": [users]},
    )
    method = rest[2]
    method.props["authorizerId"] = UNKNOWN
    method.deps["authorizerId"] = [authoriser]
    found = _on(violations([*region.resources, function, *rest, users, authoriser], POLICY), integration)
    assert ("anyone may sign up" in found) == sign_up, found


def test_an_openapi_operation_with_no_authoriser_invoking_the_function_is_exposure() -> None:
    region = eu_region()
    function = _function(region, region.database)
    uri = (
        "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/"
        "arn:aws:lambda:eu-west-1:123456789012:function:customer-lookup/invocations"
    )
    body = {
        "openapi": "3.0.1",
        "paths": {
            "/customers/{id}": {
                "get": {
                    "x-amazon-apigateway-integration": {"type": "aws_proxy", "httpMethod": "POST", "uri": uri}
                }
            }
        },
    }
    api = Res(
        "aws:apigateway/restApi:RestApi",
        "customers",
        {"name": "customers", "body": json.dumps(body)},
        region.provider,
    )
    found = _on(violations([*region.resources, function, api], POLICY), api)
    assert "GET /customers/{id}" in found and "customer-lookup" in found, found


# Load balancers ------------------------------------------------------------------------------------------


def _balancer(region: Region, function: Res, internal: bool, actions: list[dict]) -> tuple[Res, list[Res]]:
    balancer = Res(
        "aws:lb/loadBalancer:LoadBalancer",
        "customers",
        {"name": "customers", "internal": internal, "loadBalancerType": "application", "securityGroups": []},
        region.provider,
    )
    group = Res(
        "aws:lb/targetGroup:TargetGroup",
        "customer-lookup",
        {"name": "customer-lookup", "targetType": "lambda"},
        region.provider,
    )
    attachment = Res(
        "aws:lb/targetGroupAttachment:TargetGroupAttachment",
        "customer-lookup",
        {"targetGroupArn": UNKNOWN, "targetId": UNKNOWN},
        region.provider,
        deps={"targetGroupArn": [group], "targetId": [function]},
    )
    listener = Res(
        "aws:lb/listener:Listener",
        "https",
        {
            "loadBalancerArn": UNKNOWN,
            "port": 443,
            "protocol": "HTTPS",
            "defaultActions": [*actions, {"type": "forward", "targetGroupArn": UNKNOWN}],
        },
        region.provider,
        deps={"loadBalancerArn": [balancer], "defaultActions": [group]},
    )
    return balancer, [balancer, group, attachment, listener]


def _oidc(issuer: str, unauthenticated: str = "authenticate") -> dict:
    return {
        "type": "authenticate-oidc",
        "authenticateOidc": {
            "issuer": issuer,
            "clientId": "customers-app",
            "clientSecret": "secret",
            "authorizationEndpoint": f"{issuer}/authorize",
            "tokenEndpoint": f"{issuer}/token",
            "userInfoEndpoint": f"{issuer}/userinfo",
            "onUnauthenticatedRequest": unauthenticated,
        },
    }


@pytest.mark.parametrize(
    ("internal", "actions", "exposed"),
    [
        (False, [], True),
        (True, [], False),
        (False, [_oidc("https://acme.okta.com")], False),
        (False, [_oidc("https://accounts.google.com")], True),
        (False, [_oidc("https://acme.okta.com", "allow")], True),
    ],
    ids=["internet-facing", "internal", "organisation-oidc", "google-oidc", "unauthenticated-allowed"],
)
def test_a_load_balancer_forwarding_to_the_function_is_judged_by_its_reach_and_authentication(
    internal: bool, actions: list[dict], exposed: bool
) -> None:
    region = eu_region()
    function = _function(region, region.database)
    balancer, resources = _balancer(region, function, internal, actions)
    found = _on(violations([*region.resources, function, *resources], POLICY), balancer)
    assert bool(found) == exposed, found


# CloudFront ----------------------------------------------------------------------------------------------


def _distribution(
    region: Region, origins: list[Res], behaviour: dict | None = None, edge: list[Res] | None = None
) -> Res:
    deps = {"origins": origins}
    if edge:
        deps["defaultCacheBehavior"] = edge
    return Res(
        "aws:cloudfront/distribution:Distribution",
        "customers",
        {
            "enabled": True,
            "origins": [{"domainName": UNKNOWN, "originId": "lookup"}],
            "defaultCacheBehavior": {
                "targetOriginId": "lookup",
                "viewerProtocolPolicy": "https-only",
                "allowedMethods": ["GET", "HEAD"],
                "cachedMethods": ["GET", "HEAD"],
                **(behaviour or {}),
            },
            "restrictions": {"geoRestriction": {"restrictionType": "none"}},
            "viewerCertificate": {"cloudfrontDefaultCertificate": True},
            "tags": {"data-classification": "internal"},
        },
        region.provider,
        deps=deps,
    )


def test_a_distribution_in_front_of_an_iam_function_url_serves_the_function_to_everyone() -> None:
    """With an origin access control CloudFront signs every viewer's request: AWS_IAM keeps no one out."""
    region = eu_region()
    function = _function(region, region.database)
    url = Res(
        "aws:lambda/functionUrl:FunctionUrl",
        "customer-lookup",
        {"functionName": UNKNOWN, "authorizationType": "AWS_IAM"},
        region.provider,
        deps={"functionName": [function]},
    )
    distribution = _distribution(region, [url])
    found = _on(violations([*region.resources, function, url, distribution], POLICY), distribution)
    assert "serves every viewer on the internet from its origin" in found, found


def test_a_distribution_running_the_function_at_the_edge_serves_what_it_reads() -> None:
    region = eu_region()
    function = _function(region, region.database)
    bucket = Res(
        "aws:s3/bucket:Bucket",
        "site",
        {"bucket": "site", "tags": {"data-classification": "public"}},
        region.provider,
    )
    behaviour = {"lambdaFunctionAssociations": [{"eventType": "viewer-request", "lambdaArn": UNKNOWN}]}
    distribution = _distribution(region, [bucket], behaviour, [function])
    found = _on(violations([*region.resources, function, bucket, distribution], POLICY), distribution)
    assert "Lambda@Edge" in found, found


@pytest.mark.preview_only("once deployed the body is known and its operations are read")
def test_an_openapi_body_computed_from_the_function_fails_closed_at_preview() -> None:
    """A body built with `apply` from the function's invoke ARN cannot be read at a first preview: its
    operations may invoke the function for anyone."""
    region = eu_region()
    function = _function(region, region.database)
    api = Res(
        "aws:apigateway/restApi:RestApi",
        "customers",
        {"name": "customers", "body": UNKNOWN},
        region.provider,
        deps={"body": [function]},
    )
    found = _on(violations([*region.resources, function, api], POLICY), api)
    assert "unknown at preview" in found, found
