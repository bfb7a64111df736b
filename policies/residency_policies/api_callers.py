"""Who may call an API Gateway integration: the methods and routes that reach it, and their authorisation.

A REST integration is reached through its method (the same API, resource and HTTP method), an HTTP or
WebSocket integration through the routes whose `target` names it. A method or route admits everyone when
its authorisation is `NONE` (an API key identifies a client, it authenticates no one) or unknown at preview,
when its authoriser's identity provider signs in anyone (`identity_providers`: an HTTP API JWT authoriser
with a public issuer or the issuer of a user pool anyone may sign up to, a REST Cognito authoriser of such
a pool), and, on a WebSocket API, when its `$connect` route does (only `$connect` is authorised: every
other route is reached on a connection it admitted). A REST API whose endpoint is PRIVATE is reached only
through VPC endpoints; a REST method the stack does not declare cannot be shown to authorise. IAM, a Lambda
authoriser and an organisation's issuer are the deployment's own check.
"""

from __future__ import annotations

from .identity_providers import issuer_admits_anyone, pools_admit_anyone
from .model import Resource, Stack
from .values import Unknown, value_at, values_at

REST_API = "aws:apigateway/restApi:RestApi"
REST_METHOD = "aws:apigateway/method:Method"
REST_AUTHORIZER = "aws:apigateway/authorizer:Authorizer"
REST_INTEGRATION = "aws:apigateway/integration:Integration"
HTTP_API = "aws:apigatewayv2/api:Api"
HTTP_AUTHORIZER = "aws:apigatewayv2/authorizer:Authorizer"
HTTP_INTEGRATION = "aws:apigatewayv2/integration:Integration"
HTTP_ROUTE = "aws:apigatewayv2/route:Route"
OPEN_AUTHORISATIONS = ("NONE", "unknown at preview")


def open_callers(integration: Resource, stack: Stack) -> list[str]:
    """Why anyone may call the integration: its public method or route, or a method the stack lacks."""
    if integration.type == HTTP_INTEGRATION:
        routes = [r for r in stack.of_type(HTTP_ROUTE) if stack.refers_to(r, "target", integration)]
        return [why for route in routes for why in _open_route(route, stack)]
    if private_api(integration, stack):
        return []
    methods = [
        m
        for m in stack.of_type(REST_METHOD)
        if _same(stack, m, integration, "restApi")
        and _same(stack, m, integration, "resourceId")
        and value_at(m.props, "httpMethod") == value_at(integration.props, "httpMethod")
    ]
    if not methods:
        return ["its method is not in this stack, so its authorization cannot be shown"]
    found: list[str] = []
    for method in methods:
        authorization = _auth(method, "authorization")
        if authorization in OPEN_AUTHORISATIONS:
            found.append(f"{method.label} admits everyone (authorization {authorization})")
        elif authorization == "COGNITO_USER_POOLS":
            found.extend(
                f"{method.label} admits the users of its Cognito authoriser {authoriser.label}, and {why}"
                for authoriser in _authorisers(method, REST_AUTHORIZER, stack)
                for why in pools_admit_anyone(authoriser, "providerArns", stack)
            )
    return found


def _open_route(route: Resource, stack: Stack) -> list[str]:
    """Why anyone may call through an HTTP or WebSocket route (on a WebSocket API, its `$connect` route's
    authorisation decides)."""
    apis = [a for a in stack.dependencies(route, "apiId") if a.type == HTTP_API]
    if any(value_at(a.props, "protocolType") == "WEBSOCKET" for a in apis) and (
        value_at(route.props, "routeKey") != "$connect"
    ):
        connects = [
            r
            for r in stack.of_type(HTTP_ROUTE)
            if value_at(r.props, "routeKey") == "$connect"
            and any(stack.refers_to(r, "apiId", a) for a in apis)
        ]
        if not connects:
            return [
                f"{route.label} is a route of a WebSocket API without a $connect route, so anyone may "
                "connect and send to it"
            ]
        connect = connects[0]
        return [
            f"{route.label} is reached on any connection {connect.label} admits: {why}"
            for why in _open_route(connect, stack)
        ]
    authorization = _auth(route, "authorizationType")
    if authorization in OPEN_AUTHORISATIONS:
        return [f"{route.label} admits everyone (authorizationType {authorization})"]
    if authorization == "JWT":
        return [
            f"{route.label} admits the tokens of its JWT authoriser {authoriser.label}, and {why}"
            for authoriser in _authorisers(route, HTTP_AUTHORIZER, stack)
            for why in issuer_admits_anyone(authoriser, "jwtConfiguration.issuer", stack)
        ]
    return []


def _authorisers(caller: Resource, token: str, stack: Stack) -> list[Resource]:
    """The authorisers of the stack a method or route names (`authorizerId`)."""
    return [a for a in stack.of_type(token) if stack.refers_to(caller, "authorizerId", a)]


def _auth(resource: Resource, path: str) -> str:
    value = value_at(resource.props, path)
    if isinstance(value, Unknown):
        return "unknown at preview"
    return str(value) if isinstance(value, str) else "NONE"


def _same(stack: Stack, one: Resource, other: Resource, path: str) -> bool:
    """Whether two resources' inputs at a path name the same thing: the same dependency or the same value."""
    mine, theirs = stack.dependencies(one, path), stack.dependencies(other, path)
    if mine or theirs:
        return bool(set(r.urn for r in mine) & set(r.urn for r in theirs))
    return value_at(one.props, path) == value_at(other.props, path)


def private_api(integration: Resource, stack: Stack) -> bool:
    """Whether the REST API is PRIVATE: reachable only through interface VPC endpoints."""
    for api in stack.dependencies(integration, "restApi"):
        if api.type == REST_API:
            types = values_at(api.props, "endpointConfiguration.types")
            return bool(types) and all(t == "PRIVATE" for t in types)
    return False


def private_definition(api: Resource, stack: Stack) -> bool:
    """Whether the API a definition belongs to is PRIVATE (a RestApiPut's: the API its `restApiId` names)."""
    if api.type == HTTP_API:
        return False  # HTTP APIs have no private endpoint type
    apis = [api] if api.type == REST_API else stack.dependencies(api, "restApiId")
    for defined in apis:
        if defined.type == REST_API:
            types = values_at(defined.props, "endpointConfiguration.types")
            return bool(types) and all(t == "PRIVATE" for t in types)
    return False
