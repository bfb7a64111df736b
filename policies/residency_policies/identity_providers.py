"""Who an identity provider the stack names signs in: anyone on the internet, or the deployment's own people.

An authoriser admits whom its identity provider signs in: an AppSync API's OpenID Connect or user pool mode,
an API Gateway JWT or Cognito authoriser, a load balancer's `authenticate-oidc` or `authenticate-cognito`
action, a Cognito identity pool's logins. A public OpenID Connect issuer (`residency_facts.issuers.
PUBLIC_ISSUERS`: Google, Microsoft's multi-tenant endpoints, Apple, ...) signs in anyone with an account of
its service, whatever client id it pins. A Cognito user pool of the stack signs in anyone who registers when
it lets anyone sign up: `adminCreateUserConfig.allowAdminCreateUserOnly` not true (Cognito's default is
self-registration) and no pre sign-up trigger that decides who may (reviewer blind-access15 a34). An issuer
of an organisation's tenant, a pool that only administrators fill, a pre sign-up trigger's code, a Lambda
authoriser and a pool the stack does not declare are the deployment's own identity provider, whose users
are its own configuration (policies/README.md, "Who an identity provider of the deployment lets in").
"""

from __future__ import annotations

from residency_facts.issuers import PUBLIC_ISSUERS

from .model import Resource, Stack
from .values import Unknown, as_bool, is_set, known_strings, value_at, values_at

USER_POOL = "aws:cognito/userPool:UserPool"
USER_POOL_CLIENT = "aws:cognito/userPoolClient:UserPoolClient"


def public_issuer(issuer: str) -> bool:
    """Whether an OpenID Connect issuer URL is one that signs in anyone with an account of its service."""
    return issuer.strip().removeprefix("https://").rstrip("/").lower() in PUBLIC_ISSUERS


def open_sign_up(pool: Resource) -> str | None:
    """Why anyone may sign up to a user pool of the stack, or None when only its administrators (or a pre
    sign-up trigger's code) decide who is a user."""
    if is_set(value_at(pool.props, "lambdaConfig.preSignUp")):
        return None
    only_administrators = value_at(pool.props, "adminCreateUserConfig.allowAdminCreateUserOnly")
    if isinstance(only_administrators, Unknown):
        return (
            f"whether anyone may sign up to {pool.label} is unknown at preview "
            "(adminCreateUserConfig.allowAdminCreateUserOnly)"
        )
    if as_bool(only_administrators) is True:
        return None
    return (
        f"anyone may sign up to {pool.label} (adminCreateUserConfig.allowAdminCreateUserOnly is not true, "
        "so Cognito lets visitors register)"
    )


def user_pools(resource: Resource, path: str, stack: Stack) -> list[Resource]:
    """The stack's user pools a path names: by lineage (the pool, or a client of it) or by a literal id,
    ARN or provider name (`cognito-idp.<region>.amazonaws.com/<id>`)."""
    found: list[Resource] = []
    for dependency in stack.dependencies(resource, path):
        if dependency.type == USER_POOL:
            found.append(dependency)
        elif dependency.type == USER_POOL_CLIENT:
            found.extend(d for d in stack.dependencies(dependency, "userPoolId") if d.type == USER_POOL)
    for value in known_strings(values_at(resource.props, path)):
        for name in (value, value.rsplit("/", 1)[-1]):
            found.extend(p for p in stack.named(name) if p.type == USER_POOL)
    return list(dict.fromkeys(found))


def pools_admit_anyone(resource: Resource, path: str, stack: Stack) -> list[str]:
    """Why the user pools a path names sign in anyone: each pool of the stack that lets anyone sign up."""
    return [reason for pool in user_pools(resource, path, stack) if (reason := open_sign_up(pool))]


def issuer_admits_anyone(resource: Resource, path: str, stack: Stack) -> list[str]:
    """Why the OpenID Connect issuer a path holds signs in anyone: a public issuer, a user pool of the stack
    (its `https://cognito-idp.<region>.amazonaws.com/<id>` issuer, by lineage or literal) that lets anyone
    sign up, or an issuer unknown at preview that no user pool of the stack gives (which cannot be shown
    to be the organisation's)."""
    found: list[str] = []
    pools = user_pools(resource, path, stack)
    for issuer in values_at(resource.props, path):
        if isinstance(issuer, Unknown) and not pools:
            found.append(f"the issuer of {resource.label} ({path}) is unknown at preview")
        elif isinstance(issuer, str) and public_issuer(issuer):
            found.append(f"its issuer {issuer} signs in anyone with an account of that service")
    found.extend(reason for pool in pools if (reason := open_sign_up(pool)))
    return list(dict.fromkeys(found))
