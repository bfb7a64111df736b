"""What an API Gateway OpenAPI definition declares: a REST API's, a RestApiPut's or an HTTP API's `body`, read
as the Integration and Method (or Route) resources its operations stand for.

API Gateway imports the body into the API: each operation's `x-amazon-apigateway-integration` is an
integration (an AWS service integration calls the service its `uri`, or an HTTP API's `integrationSubtype`,
names with its `credentials`), and the
operation's `security` (else the definition's own) names the schemes that authorise it. A scheme authorises
only with an API Gateway authoriser (`x-amazon-apigateway-authtype` `awsSigv4`, `cognito_user_pools`,
`custom`, or an `x-amazon-apigateway-authorizer`); a plain `apiKey` scheme is an API key, which identifies a
client without authenticating anyone, as a method with authorization NONE and an API key is. A body the pack
cannot read (unknown at preview, or neither JSON nor YAML) declares what no preview can see.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .model import Resource
from .values import UNKNOWN, Unknown, elements, value_at

REST_API = "aws:apigateway/restApi:RestApi"
REST_API_PUT = "aws:apigateway/restApiPut:RestApiPut"
HTTP_API = "aws:apigatewayv2/api:Api"
DEFINING_TYPES = (REST_API, REST_API_PUT, HTTP_API)
"""Types whose `body` defines an API: a REST API, a RestApiPut that replaces an API's body, an HTTP API."""

INTEGRATION = "x-amazon-apigateway-integration"
OPERATIONS = frozenset(
    {"get", "put", "post", "delete", "options", "head", "patch", "x-amazon-apigateway-any-method"}
)
AUTHORISING_TYPES = frozenset({"awssigv4", "cognito_user_pools", "custom", "request", "token"})
"""`x-amazon-apigateway-authtype` values of schemes API Gateway authorises with (IAM, a user pool, a Lambda
authoriser)."""
OPEN = "NONE"


@dataclass(frozen=True)
class Operation:
    """One operation of a definition that has an integration."""

    path: str
    method: str
    integration: Mapping[str, Any]
    authorization: str
    """`NONE` when anyone may call it, else the schemes that authorise it."""

    @property
    def label(self) -> str:
        """How messages name it: `GET /customers`."""
        return f"{self.method.upper()} {self.path}"


def definition(resource: Resource) -> Mapping[str, Any] | Unknown | None:
    """The OpenAPI document of a `body`: UNKNOWN when a preview cannot read it, None when there is none."""
    body = value_at(resource.props, "body")
    if isinstance(body, Unknown):
        return UNKNOWN
    if not isinstance(body, str) or not body.strip():
        return None
    try:
        parsed = json.loads(body)
    except ValueError:
        try:
            # A YAML body is rare: its parser is loaded only for one.
            import yaml

            parsed = yaml.safe_load(body)
        except Exception:  # any text YAML cannot parse declares nothing a preview can read
            return UNKNOWN
    return parsed if isinstance(parsed, Mapping) else UNKNOWN


def operations(resource: Resource) -> list[Operation] | Unknown:
    """The operations of a resource's definition that have an integration; UNKNOWN when it cannot be read."""
    document = definition(resource)
    if isinstance(document, Unknown):
        return UNKNOWN
    if document is None:
        return []
    schemes = _schemes(document)
    default = document.get("security")
    found: list[Operation] = []
    paths = document.get("paths")
    for path, item in paths.items() if isinstance(paths, Mapping) else ():
        if not isinstance(item, Mapping):
            continue
        for method, operation in item.items():
            if str(method).lower() not in OPERATIONS or not isinstance(operation, Mapping):
                continue
            integration = operation.get(INTEGRATION)
            if not isinstance(integration, Mapping):
                continue
            security = operation.get("security", default)
            found.append(
                Operation(str(path), str(method), integration, _authorization(operation, security, schemes))
            )
    return found


def _schemes(document: Mapping[str, Any]) -> Mapping[str, Any]:
    """The security schemes a definition declares (OpenAPI 3 `components.securitySchemes`, Swagger 2
    `securityDefinitions`)."""
    components = document.get("components")
    found: dict[str, Any] = {}
    if isinstance(components, Mapping) and isinstance(components.get("securitySchemes"), Mapping):
        found.update(components["securitySchemes"])
    if isinstance(document.get("securityDefinitions"), Mapping):
        found.update(document["securityDefinitions"])
    return found


def _authorization(operation: Mapping[str, Any], security: Any, schemes: Mapping[str, Any]) -> str:
    """Who may call an operation: `NONE`, or the schemes of a requirement that all authorise (any one
    requirement of the list admits a caller, so each must authorise)."""
    auth = operation.get("x-amazon-apigateway-auth")
    if isinstance(auth, Mapping) and str(auth.get("type", "")).upper() not in ("", OPEN):
        return str(auth["type"])
    requirements = [r for r in elements(security) if isinstance(r, Mapping)]
    if not requirements:
        return OPEN
    names: list[str] = []
    for requirement in requirements:
        if not requirement or not all(_authorises(schemes.get(name)) for name in requirement):
            return OPEN
        names.extend(str(name) for name in requirement)
    return ", ".join(dict.fromkeys(names))


def _authorises(scheme: Any) -> bool:
    if not isinstance(scheme, Mapping):
        return False
    kind = str(scheme.get("x-amazon-apigateway-authtype", "")).lower()
    return kind in AUTHORISING_TYPES or isinstance(scheme.get("x-amazon-apigateway-authorizer"), Mapping)
