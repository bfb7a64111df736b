"""Rule 6, pii-not-public, for AppSync APIs and Verified Access endpoints: public fronts with callers'
checks, judged by who passes them.

AppSync: a public API whose data sources reach PII serves it to anyone.

An AppSync GraphQL API (or Event API) answers its callers with what its resolvers read from its data
sources (a DynamoDB table, an Aurora cluster through the RDS Data API, an OpenSearch domain, an HTTP
endpoint, a Lambda function, an EventBridge bus). Who may call it is its authorisation: an API key is no
authentication (AWS: keys are for public APIs; it ships in the web client), and `AWS_IAM` admits the
unauthenticated identities of a Cognito identity pool that allows them (any visitor gets credentials). An
API with either, or an authorisation unknown at preview, whose visibility is not PRIVATE (reachable only
through the VPC's interface endpoints), serves every data source on it: a data source whose inputs reach
PII (a store by lineage or identity, a function whose code reads PII) is exposure. The resolvers' code is
not read: a data source on an open API counts as served, whatever a resolver selects.
OpenID Connect with a public issuer (Google, ...) and a user pool of the stack that lets anyone sign up admit
anyone too (`identity_providers`, reviewer blind-access15 a03); users of the organisation's issuer, of a pool
only its administrators fill, or of a Lambda authoriser are who the deployment's identity provider lets in
(README: out of reach).

Verified Access: an endpoint is served from the internet to whoever its group's (and its own) Cedar policy
and its instance's trust providers admit. A policy with no `when`/`unless` condition admits every principal
a trust provider signs in; a trust provider of a public OpenID Connect issuer (`identity_providers.
public_issuer`: Google, Microsoft's common tenant, ...) signs in anyone, and one unknown at preview or not
declared cannot be shown not to. Such an endpoint on a PII store (an RDS instance, cluster or proxy, a
network interface, a CIDR over the store's subnets) exposes it. A condition on the claims is the
deployment's own rule, not judged further.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from typing import Any

from .classification import held
from .exposure_network import SECURITY_GROUP_INPUTS, store_subnet_cidrs
from .identity_providers import issuer_admits_anyone, pools_admit_anyone, public_issuer
from .lineage import Lineage
from .model import Resource, Stack
from .settings import Settings
from .values import Unknown, as_bool, child, value_at, values_at
from .violations import Violation, exposure_violation

GRAPHQL_API = "aws:appsync/graphQLApi:GraphQLApi"
EVENT_API = "aws:appsync/api:Api"
DATA_SOURCE = "aws:appsync/dataSource:DataSource"
IDENTITY_POOL = "aws:cognito/identityPool:IdentityPool"
AUTHORISATION_PATHS = {
    GRAPHQL_API: (
        ("", "authenticationType", "userPoolConfig.userPoolId"),
        (
            "additionalAuthenticationProviders[].",
            "authenticationType",
            "userPoolConfig.userPoolId",
        ),
    ),
    EVENT_API: (("eventConfig.authProviders[].", "authType", "cognitoConfig.userPoolId"),),
}
"""Where each AppSync API names the authorisation modes its callers may use: (the providers' path, a
provider's mode, its user pool), an OpenID Connect provider's issuer being `openidConnectConfig.issuer`
beside its mode."""
ISSUER = "openidConnectConfig.issuer"
DATA_SOURCE_PATHS = (
    "dynamodbConfig.tableName",
    "relationalDatabaseConfig.httpEndpointConfig.dbClusterIdentifier",
    "elasticsearchConfig.endpoint",
    "opensearchserviceConfig.endpoint",
    "httpConfig.endpoint",
    "lambdaConfig.functionArn",
    "eventBridgeConfig.eventBusArn",
)
"""What an AppSync data source reads from (mechanisms' pointer paths of the type)."""
_FIX = (
    "authorise the API with Cognito user pools, OpenID Connect or IAM without unauthenticated identities "
    "(no API_KEY), or make it PRIVATE (visibility PRIVATE, reached through this region's VPC endpoints)."
)


def _open_modes(api: Resource, stack: Stack) -> list[str]:
    """Why anyone may call an AppSync API: an API key, IAM with an identity pool that gives anyone
    credentials, OpenID Connect with a public issuer, a user pool anyone may sign up to, or a mode or
    visibility unknown at preview (empty: only the deployment's users, or the API is PRIVATE)."""
    visibility = child(api.props, "visibility")
    if visibility == "PRIVATE":
        return []
    found = []
    anyone = [
        (pool, why) for pool in stack.of_type(IDENTITY_POOL) for why in _credentials_for_anyone(pool, stack)
    ]
    for providers, mode_path, pool_path in AUTHORISATION_PATHS[api.type]:
        for mode in values_at(api.props, providers + mode_path):
            if isinstance(mode, Unknown):
                found.append(f"an authorisation mode of {api.label} is unknown at preview")
            elif mode == "API_KEY":
                found.append(
                    f"{api.label} admits callers with an API key (API_KEY), which is no authentication"
                )
            elif mode == "AWS_IAM" and anyone:
                found.append(f"{api.label} admits AWS_IAM callers and {anyone[0]}")
            elif mode == "OPENID_CONNECT":
                found.extend(
                    f"{api.label} admits OPENID_CONNECT callers and {why}"
                    for why in issuer_admits_anyone(api, providers + ISSUER, stack)
                )
            elif mode == "AMAZON_COGNITO_USER_POOLS":
                found.extend(
                    f"{api.label} admits AMAZON_COGNITO_USER_POOLS callers and {why}"
                    for why in pools_admit_anyone(api, providers + pool_path, stack)
                )
    if found and isinstance(visibility, Unknown):
        found.append(f"the visibility of {api.label} is unknown at preview")
    return found


def _credentials_for_anyone(pool: Resource, stack: Stack) -> list[str]:
    """Why a Cognito identity pool gives AWS credentials to anyone: unauthenticated identities, a social
    login (`supportedLoginProviders`: Google, Facebook, Amazon, Apple, X sign in anyone with an account), or
    a user pool of the stack anyone may sign up to."""
    found = []
    unauthenticated = child(pool.props, "allowUnauthenticatedIdentities")
    if unauthenticated is not None and as_bool(unauthenticated) is not False:
        found.append(f"{pool.label} gives credentials to unauthenticated identities")
    logins = child(pool.props, "supportedLoginProviders")
    if isinstance(logins, Mapping) and logins:
        found.append(
            f"{pool.label} gives credentials to anyone who signs in with {', '.join(sorted(logins))}"
        )
    found.extend(
        f"{pool.label} gives credentials to its users: {why}"
        for why in pools_admit_anyone(pool, "cognitoIdentityProviders[].providerName", stack)
    )
    return found


def appsync_exposure(stack: Stack, lineage: Lineage, settings: Settings) -> list[Violation]:
    """Data sources on PII of AppSync APIs anyone may call."""
    found: list[Violation] = []
    for source in stack.of_type(DATA_SOURCE):
        apis = [a for a in stack.of_type(*AUTHORISATION_PATHS) if stack.refers_to(source, "apiId", a)]
        api_id = value_at(source.props, "apiId")
        reasons = [r for api in apis for r in _open_modes(api, stack)]
        if not apis:
            reasons = [
                f"its API {api_id if isinstance(api_id, str) else '(unknown)'} is not declared in this stack"
            ]
        if not reasons:
            continue
        served = [
            (f"{target.description}", lineage.classes(target), target.resource)
            for path in DATA_SOURCE_PATHS
            for target in lineage.trace(source, path, False, lineage.own_region(source))
        ]
        served.extend(
            (f"what the code of {runner.label} reads", lineage.code_reads(runner), None)
            for runner in code_sources(source, stack)
        )
        for what, classes, holder in served:
            protected = classes & settings.protected_classifications
            if not protected:
                continue
            kinds = held(lineage, holder, protected) if holder else f"{', '.join(sorted(protected))} data"
            found.append(
                exposure_violation(
                    source,
                    kinds,
                    f"{source.label} serves {what} through an AppSync API anyone may call: "
                    f"{'; '.join(reasons)}",
                    _FIX,
                    settings,
                )
            )
    return found


def code_sources(source: Resource, stack: Stack) -> list[Resource]:
    """The functions a data source invokes (by lineage or by ARN): what their code reads is served."""
    found = list(stack.dependencies(source, "lambdaConfig"))
    for value in values_at(source.props, "lambdaConfig.functionArn"):
        if isinstance(value, str):
            found.extend(r for r in stack.mentioned_in(value, excluding=source) if r not in found)
    return found


VERIFIED_ACCESS_ENDPOINT = "aws:verifiedaccess/endpoint:Endpoint"
VERIFIED_ACCESS_GROUP = "aws:verifiedaccess/group:Group"
VERIFIED_ACCESS_ATTACHMENT = (
    "aws:verifiedaccess/instanceTrustProviderAttachment:InstanceTrustProviderAttachment"
)
VERIFIED_ACCESS_TRUST_PROVIDER = "aws:verifiedaccess/trustProvider:TrustProvider"
VERIFIED_ACCESS_TARGETS = (
    "rdsOptions.rdsDbInstanceArn",
    "rdsOptions.rdsDbClusterArn",
    "rdsOptions.rdsDbProxyArn",
    "rdsOptions.rdsEndpoint",
    "networkInterfaceOptions.networkInterfaceId",
)
"""What a Verified Access endpoint forwards to by name (a load balancer endpoint is judged as a front of
its balancer, `exposure_fronts`)."""
_CONDITION = re.compile(r"\b(when|unless)\s*\{")
_VA_FIX = (
    "give the Verified Access group a policy with a condition on the trust provider's claims (`when { "
    "context.<provider>.groups.contains(...) }`), and trust an identity provider of this organisation (IAM "
    "Identity Center, the organisation's own OIDC tenant), never a public issuer."
)


def _verified_access_open(endpoint: Resource, stack: Stack) -> list[str]:
    """Why anyone may pass a Verified Access endpoint's checks: its (and its group's) policies have no
    condition, and a trust provider of its instance signs in the public (or cannot be seen)."""
    groups = [
        g
        for g in stack.of_type(VERIFIED_ACCESS_GROUP)
        if stack.refers_to(endpoint, "verifiedAccessGroupId", g)
    ]
    if not groups:
        return ["its Verified Access group is not declared in this stack, so its policy cannot be seen"]
    policies = [child(endpoint.props, "policyDocument"), *(child(g.props, "policyDocument") for g in groups)]
    known = [p for p in policies if isinstance(p, str) and p.strip()]
    if any(_CONDITION.search(p) for p in known):
        return []
    if not known and not any(isinstance(p, Unknown) for p in policies):
        return []  # No policy: Verified Access denies every request.
    found = [
        "its policy is unknown at preview"
        if not known
        else f"its policy admits every principal the trust provider signs in ({known[0].strip()!r})"
    ]
    instances = [d for g in groups for d in stack.dependencies(g, "verifiedaccessInstanceId")]
    attachments = [
        a
        for a in stack.of_type(VERIFIED_ACCESS_ATTACHMENT)
        if any(stack.refers_to(a, "verifiedaccessInstanceId", i) for i in instances)
    ]
    providers = [
        p
        for p in stack.of_type(VERIFIED_ACCESS_TRUST_PROVIDER)
        if any(stack.refers_to(a, "verifiedaccessTrustProviderId", p) for a in attachments)
    ]
    if not providers:
        return [*found, "its instance's trust providers are not declared in this stack"]
    public = []
    for provider in providers:
        for path in ("oidcOptions.issuer", "nativeApplicationOidcOptions.issuer"):
            for issuer in values_at(provider.props, path):
                if isinstance(issuer, Unknown):
                    public.append(f"the issuer of {provider.label} is unknown at preview")
                elif isinstance(issuer, str) and public_issuer(issuer):
                    public.append(f"{provider.label} signs in anyone with an account of {issuer}")
    return [*found, *public] if public else []


def verified_access_exposure(
    stack: Stack, lineage: Lineage, protected_by_urn: dict[str, frozenset[str]], settings: Settings
) -> list[Violation]:
    """Verified Access endpoints, reachable from the internet, that anyone may pass, on PII stores."""
    found: list[Violation] = []
    stores = [r for r in stack.resources if r.urn in protected_by_urn and r.type in SECURITY_GROUP_INPUTS]
    for endpoint in stack.of_type(VERIFIED_ACCESS_ENDPOINT):
        reasons = _verified_access_open(endpoint, stack)
        if not reasons:
            continue
        reached: dict[str, Resource] = {}
        region = lineage.own_region(endpoint)
        for path in VERIFIED_ACCESS_TARGETS:
            for target in lineage.trace(endpoint, path, False, region):
                if target.resource is not None and target.resource.urn in protected_by_urn:
                    reached.setdefault(target.resource.urn, target.resource)
        for cidr in values_at(endpoint.props, "cidrOptions.cidr"):
            for store in stores:
                if isinstance(cidr, str) and _overlaps(cidr, store_subnet_cidrs(store, stack)):
                    reached.setdefault(store.urn, store)
        for store in reached.values():
            found.append(
                exposure_violation(
                    endpoint,
                    held(lineage, store, protected_by_urn[store.urn]),
                    f"{endpoint.label} serves {store.label} from the internet through Verified Access and "
                    f"anyone may pass it: {'; '.join(reasons)}",
                    _VA_FIX,
                    settings,
                )
            )
    return found


def _overlaps(cidr: str, cidrs: list[Any]) -> bool:
    """Whether a CIDR overlaps any of the known CIDRs."""
    try:
        network = ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return False
    for other in cidrs:
        try:
            if isinstance(other, str) and network.overlaps(ipaddress.ip_network(other, strict=False)):
                return True
        except (ValueError, TypeError):
            continue
    return False
