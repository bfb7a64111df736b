"""Rule 6, pii-not-public, for code behind a public front: a front anyone may call that invokes code
serves what the code reads (reviewer blind-access15 a36).

A function returns what it reads to whoever may invoke it (policies/README.md, "Grants"): a function URL
with authorisation `NONE` is a grant to everyone of what its code reads (`grants`). The same code behind
another front anyone may call is the same exposure, one hop further. The fronts, each followed to the code it
invokes and the code to what it reads (`Lineage.code_reads`):

- an API Gateway integration that invokes a function (a REST `AWS` or `AWS_PROXY` integration whose `uri`
  is the function's invoke ARN, an HTTP or WebSocket integration whose `integrationUri` names it) behind a
  method or route anyone may call (`api_callers.open_callers`: authorisation `NONE`, an authoriser whose
  identity provider signs in anyone, a WebSocket `$connect` that does, a REST method the stack lacks;
  never a PRIVATE REST API), an HTTP API's quick-create `target` (its `$default` route has no
  authorisation), and an operation of an OpenAPI body with no authoriser whose integration invokes one;
- a load balancer reachable from outside (`exposure_fronts.balancer_reach`: internet-facing, behind an
  open endpoint service or a public front door, or admitting sources beyond its VPC) whose listener or
  listener rule forwards to a Lambda target group, unless the listener authenticates first
  (`authenticate-oidc` or `authenticate-cognito` with an identity provider that does not sign in anyone, and
  `onUnauthenticatedRequest` not `allow`);
- a CloudFront distribution whose origin is a function URL (whatever the URL's authorisation: with an
  origin access control CloudFront signs every viewer's request) or whose cache behaviours run a function at
  the edge (Lambda@Edge): CloudFront serves every viewer on the internet.

Code that reads nothing protected is an application like any other: not judged. AppSync data sources are
judged in `exposure_apis`, function URLs and permissions as grants.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .api_callers import HTTP_INTEGRATION, REST_INTEGRATION, open_callers, private_definition
from .api_definitions import DEFINING_TYPES, HTTP_API, OPEN, operations
from .exposure_fronts import (
    LISTENER_RULES,
    LISTENERS,
    TARGET_GROUP_ATTACHMENTS,
    TARGET_GROUPS,
    balancer_reach,
)
from .exposure_network import LOAD_BALANCERS
from .identity_providers import issuer_admits_anyone, pools_admit_anyone
from .lineage import Lineage
from .model import Resource, Stack
from .settings import Settings
from .values import Unknown, child, elements, known_strings, leaves, value_at, values_at
from .violations import Violation, exposure_violation

FUNCTION = "aws:lambda/function:Function"
FUNCTION_URL = "aws:lambda/functionUrl:FunctionUrl"
FUNCTION_ALIAS = "aws:lambda/alias:Alias"
DISTRIBUTIONS = (
    "aws:cloudfront/distribution:Distribution",
    "aws:cloudfront/multitenantDistribution:MultitenantDistribution",
)
INVOKING_INTEGRATIONS = {
    REST_INTEGRATION: ("type", ("AWS", "AWS_PROXY"), "uri"),
    HTTP_INTEGRATION: ("integrationType", ("AWS", "AWS_PROXY"), "integrationUri"),
}
"""Per API Gateway integration type: its kind input, the kinds that invoke a Lambda function, and the input
that names it."""
EDGE_CODE = (
    "defaultCacheBehavior.lambdaFunctionAssociations[].lambdaArn",
    "orderedCacheBehaviors[].lambdaFunctionAssociations[].lambdaArn",
)
"""Where a distribution names the functions it runs at the edge on viewers' requests (Lambda@Edge)."""
AUTHENTICATING_ACTIONS = {
    "authenticate-oidc": ("authenticateOidc", "issuer"),
    "authenticate-cognito": ("authenticateCognito", "userPoolArn"),
}
"""A load balancer's authenticating actions: where each names its identity provider."""
_INVOKE_URI = re.compile(r"/functions/(arn:[^/]+)/invocations")
"""A Lambda invoke URI (`arn:aws:apigateway:<region>:lambda:path/2015-03-31/functions/<function ARN>/
invocations`): the function it invokes is the ARN inside it."""
FORWARDS = {
    "listener": (
        "defaultActions",
        ("defaultActions[].targetGroupArn", "defaultActions[].forward.targetGroups[].arn"),
    ),
    "rule": ("actions", ("actions[].targetGroupArn", "actions[].forward.targetGroups[].arn")),
}
"""Where a listener (its default actions) and a listener rule (its actions) hold their actions, and name the
target groups they forward to."""
_FIX = (
    "put an authoriser that admits only this deployment's users in front of the code (IAM, a user pool "
    "whose users only administrators create, the organisation's own OpenID Connect issuer, a Lambda "
    "authoriser), make the API PRIVATE or the load balancer internal, or let the code read no personal data."
)


def code_front_exposure(stack: Stack, lineage: Lineage, settings: Settings) -> list[Violation]:
    """Public fronts anyone may call in front of code that reads protected data."""
    found: list[Violation] = []
    for front, code, why in _fronts(stack, lineage, settings):
        protected = lineage.code_reads(code) & settings.protected_classifications
        if not protected:
            continue
        kinds = f"{', '.join(sorted(protected))} data"
        reads = lineage.code_read(lineage.locate(code), protected)
        found.append(
            exposure_violation(
                front,
                kinds,
                f"anyone may invoke {code.label}{reads} through {front.label}, and a function returns what "
                f"it reads to its caller: {why}",
                _FIX,
                settings,
            )
        )
    return found


def _fronts(stack: Stack, lineage: Lineage, settings: Settings) -> Iterator[tuple[Resource, Resource, str]]:
    """(front, code, why anyone may call it) for every public front of the stack's code."""
    for integration in stack.of_type(*INVOKING_INTEGRATIONS):
        kind_path, kinds, uri_path = INVOKING_INTEGRATIONS[integration.type]
        kind = value_at(integration.props, kind_path)
        if not (isinstance(kind, Unknown) or kind in kinds):
            continue
        functions = code_named(lineage, integration, uri_path)
        if not functions:
            continue
        for why in open_callers(integration, stack):
            yield from ((integration, function, why) for function in functions)
    for api in stack.of_type(HTTP_API):
        if value_at(api.props, "target") is None:
            continue
        for function in code_named(lineage, api, "target"):
            yield (
                api,
                function,
                f"{api.label} is a quick-create API whose `target` makes a $default route with no "
                "authorization",
            )
    for api in stack.of_type(*DEFINING_TYPES):
        yield from _definition_fronts(api, lineage)
    yield from _balancer_fronts(stack, lineage, settings)
    for distribution in stack.of_type(*DISTRIBUTIONS):
        origins = [
            url for url in _named(lineage, distribution, "origins[].domainName") if url.type == FUNCTION_URL
        ]
        for url in origins:
            for function in code_named(lineage, url, "functionName"):
                yield (
                    distribution,
                    function,
                    f"{distribution.label} serves every viewer on the internet from its origin {url.label} "
                    "(an origin access control signs the viewers' requests, whatever the URL's "
                    "authorizationType)",
                )
        for path in EDGE_CODE:
            for function in code_named(lineage, distribution, path):
                yield (
                    distribution,
                    function,
                    f"{distribution.label} runs it at the edge on every viewer's request (Lambda@Edge)",
                )


def _definition_fronts(api: Resource, lineage: Lineage) -> Iterator[tuple[Resource, Resource, str]]:
    """Operations of an OpenAPI body anyone may call whose integration invokes the stack's code."""
    defined = operations(api)
    if isinstance(defined, Unknown) or private_definition(api, lineage.stack):
        return
    for operation in defined:
        if operation.authorization != OPEN:
            continue
        kind = operation.integration.get("type")
        if not isinstance(kind, str) or kind.upper() not in ("AWS", "AWS_PROXY"):
            continue
        code: list[Resource] = []
        for value in leaves(operation.integration.get("uri")):
            if isinstance(value, str):
                code.extend(c for c in _code_of(lineage, _mentioned(lineage, value, api)) if c not in code)
        for found in code:
            yield (
                api,
                found,
                f"{operation.label} of {api.label}'s OpenAPI body invokes it and admits everyone (no "
                "authoriser in its security)",
            )


def _balancer_fronts(
    stack: Stack, lineage: Lineage, settings: Settings
) -> Iterator[tuple[Resource, Resource, str]]:
    """Load balancers reachable from outside whose unauthenticated listeners forward to a Lambda target."""
    for attachment in stack.of_type(*TARGET_GROUP_ATTACHMENTS):
        code = code_named(lineage, attachment, "targetId")
        if not code:
            continue
        groups = [
            g for g in stack.of_type(*TARGET_GROUPS) if stack.refers_to(attachment, "targetGroupArn", g)
        ]
        for owner, actions_path in _forwarding(stack, groups):
            authenticated = _authenticates(owner, actions_path, stack)
            if authenticated:
                continue
            for balancer in _balancers_of(owner, stack):
                for why, _ in balancer_reach(balancer, attachment.label, stack, settings.account_ids):
                    yield from (
                        (balancer, c, f"{why}; {owner.label} forwards without authenticating") for c in code
                    )


def _forwarding(stack: Stack, groups: list[Resource]) -> list[tuple[Resource, str]]:
    """The listeners and listener rules whose actions forward to one of the target groups, each with where
    it holds its actions."""
    found: list[tuple[Resource, str]] = []
    for owner in [*stack.of_type(*LISTENERS), *stack.of_type(*LISTENER_RULES)]:
        actions, paths = FORWARDS["listener" if owner.type in LISTENERS else "rule"]
        if any(stack.refers_to(owner, path, group) for path in paths for group in groups):
            found.append((owner, actions))
    return found


def _authenticates(owner: Resource, path: str, stack: Stack) -> bool:
    """Whether a listener or rule authenticates callers before it forwards, with an identity provider that
    does not sign in anyone (and sends the unauthenticated away)."""
    for action in elements(child(owner.props, path)):
        kind = child(action, "type")
        if kind not in AUTHENTICATING_ACTIONS:
            continue
        block, provider = AUTHENTICATING_ACTIONS[kind]
        config = child(action, block)
        if child(config, "onUnauthenticatedRequest") == "allow":
            return False
        if kind == "authenticate-oidc":
            open_ = issuer_admits_anyone(owner, f"{path}[].{block}.{provider}", stack)
        else:
            open_ = pools_admit_anyone(owner, f"{path}[].{block}.{provider}", stack)
        return not open_
    return False


def _balancers_of(owner: Resource, stack: Stack) -> list[Resource]:
    """The balancers of a listener, or of the listener a rule belongs to."""
    listeners = (
        [owner]
        if owner.type in LISTENERS
        else [lst for lst in stack.of_type(*LISTENERS) if stack.refers_to(owner, "listenerArn", lst)]
    )
    return [
        b
        for b in stack.of_type(*LOAD_BALANCERS)
        if any(stack.refers_to(lst, "loadBalancerArn", b) for lst in listeners)
    ]


def _named(lineage: Lineage, resource: Resource, path: str) -> list[Resource]:
    """The stack's resources a path names: by lineage, or by a literal that names them."""
    found = list(lineage.stack.dependencies(resource, path))
    for value in known_strings(values_at(resource.props, path)):
        found.extend(_mentioned(lineage, value, resource))
    return list(dict.fromkeys(found))


def _mentioned(lineage: Lineage, value: str, resource: Resource) -> list[Resource]:
    """The stack's resources a value names, the function of a Lambda invoke URI included."""
    invoked = _INVOKE_URI.search(value)
    return lineage.mentioned(invoked.group(1) if invoked else value, resource)


def code_named(lineage: Lineage, resource: Resource, path: str) -> list[Resource]:
    """The functions a path names (directly, or through an alias or function URL it names): code invoked with
    each request, which returns what it reads (a server behind a balancer is an application, out of
    reach)."""
    return _code_of(lineage, _named(lineage, resource, path))


def _code_of(lineage: Lineage, resources: list[Resource]) -> list[Resource]:
    found: list[Resource] = []
    for resource in resources:
        if resource.type in (FUNCTION_ALIAS, FUNCTION_URL):
            found.extend(
                c for c in _code_of(lineage, _named(lineage, resource, "functionName")) if c not in found
            )
        elif resource.type == FUNCTION and resource not in found:
            found.append(resource)
    return found
