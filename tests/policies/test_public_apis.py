"""pii-not-public judges AppSync APIs by who may call them and what their data sources read.

The baseline is a PII DynamoDB table behind an AppSync GraphQL API authorised by a Cognito user pool, with a
DynamoDB data source on the table: only the pool's users call it, which is allowed. Each test changes one
thing: the API (or an additional provider) admits API keys, IAM with an identity pool's unauthenticated
identities, OpenID Connect with a public issuer, a user pool anyone may sign up to, the API is PRIVATE, the
data source is a Lambda function whose code reads the table, the API is an Event API.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import store
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

POLICY = "pii-not-public"
SCHEMA = "type Customer { customerId: ID! email: String }\ntype Query { customers: [Customer] }\n"


@dataclass
class Api:
    """The baseline region with a PII table served by an AppSync API."""

    region: Region
    table: Res
    api: Res
    source: Res
    extra: list[Res] = field(default_factory=list)

    @property
    def resources(self) -> list[Res]:
        """Every resource of the case."""
        return [*self.region.resources, self.table, self.api, self.source, *self.extra]


def _api() -> Api:
    region = eu_region()
    table = store(region, "aws:dynamodb/table:Table", "customers", {"name": "customers", "hashKey": "id"})
    api = Res(
        "aws:appsync/graphQLApi:GraphQLApi",
        "customers",
        {
            "name": "customers",
            "authenticationType": "AMAZON_COGNITO_USER_POOLS",
            "userPoolConfig": {"userPoolId": "eu-west-1_AbCdEfGhI", "defaultAction": "ALLOW"},
            "schema": SCHEMA,
        },
        region.provider,
    )
    source = Res(
        "aws:appsync/dataSource:DataSource",
        "customers",
        {
            "apiId": UNKNOWN,
            "name": "customers",
            "type": "AMAZON_DYNAMODB",
            "serviceRoleArn": "arn:aws:iam::123456789012:role/appsync-customers",
            "dynamodbConfig": {"tableName": UNKNOWN, "region": "eu-west-1"},
        },
        region.provider,
        deps={"apiId": [api], "dynamodbConfig": [table]},
    )
    return Api(region, table, api, source)


def _about(found: list, resource: Res) -> str:
    return messages([d for d in found if d.urn == resource.urn])


def test_an_api_for_a_user_pools_users_is_allowed() -> None:
    assert violations(_api().resources, POLICY) == []


def test_an_api_key_api_on_a_pii_table_is_blocked() -> None:
    case = _api()
    case.api.props["authenticationType"] = "API_KEY"
    found = violations(case.resources, POLICY)
    assert "API_KEY" in _about(found, case.source), messages(found)


def test_an_additional_api_key_provider_is_blocked() -> None:
    case = _api()
    case.api.props["additionalAuthenticationProviders"] = [{"authenticationType": "API_KEY"}]
    found = violations(case.resources, POLICY)
    assert "API_KEY" in _about(found, case.source), messages(found)


def test_a_private_api_key_api_is_allowed() -> None:
    case = _api()
    case.api.props.update(authenticationType="API_KEY", visibility="PRIVATE")
    assert violations(case.resources, POLICY) == []


@pytest.mark.parametrize("unauthenticated", [False, True])
def test_iam_authorisation_with_unauthenticated_identities_is_blocked(unauthenticated: bool) -> None:
    case = _api()
    case.api.props["authenticationType"] = "AWS_IAM"
    case.api.props.pop("userPoolConfig")
    pool = Res(
        "aws:cognito/identityPool:IdentityPool",
        "visitors",
        {"identityPoolName": "visitors", "allowUnauthenticatedIdentities": unauthenticated},
        case.region.provider,
    )
    case.extra.append(pool)
    found = violations(case.resources, POLICY)
    if unauthenticated:
        assert "unauthenticated identities" in _about(found, case.source), messages(found)
    else:
        assert found == [], messages(found)


@pytest.mark.parametrize(
    ("issuer", "public"),
    [
        ("https://accounts.google.com", True),
        ("https://login.microsoftonline.com/common/v2.0/", True),
        ("https://login.microsoftonline.com/0d4a2c1e-5b7f-4e1a-9c3d-8f6b2a1e4d7c/v2.0", False),
        ("https://acme.okta.com", False),
    ],
    ids=["google", "entra-common", "entra-tenant", "okta-tenant"],
)
def test_openid_connect_with_a_public_issuer_admits_anyone(issuer: str, public: bool) -> None:
    """Reviewer blind-access15 a03: anyone with a Google account gets a token the API accepts, whatever
    client id it pins; an organisation's own tenant signs in its people."""
    case = _api()
    case.api.props.update(authenticationType="OPENID_CONNECT", openidConnectConfig={"issuer": issuer})
    case.api.props.pop("userPoolConfig")
    found = violations(case.resources, POLICY)
    if public:
        assert f"its issuer {issuer} signs in anyone" in _about(found, case.source), messages(found)
    else:
        assert found == [], messages(found)


@pytest.mark.preview_only("once deployed the issuer is known and judged as a literal")
def test_openid_connect_with_an_issuer_unknown_at_preview_fails_closed() -> None:
    """An issuer read from another stack cannot be shown to be the organisation's at a first preview."""
    case = _api()
    reference = Res("pulumi:pulumi:StackReference", "identity", {"name": "acme/identity/eu"})
    case.api.props.update(authenticationType="OPENID_CONNECT", openidConnectConfig={"issuer": UNKNOWN})
    case.api.props.pop("userPoolConfig")
    case.api.deps["openidConnectConfig"] = [reference]
    case.extra.append(reference)
    found = violations(case.resources, POLICY)
    assert "openidConnectConfig.issuer) is unknown at preview" in _about(found, case.source), messages(found)


def test_an_additional_openid_connect_provider_with_a_public_issuer_admits_anyone() -> None:
    case = _api()
    case.api.props["additionalAuthenticationProviders"] = [
        {
            "authenticationType": "OPENID_CONNECT",
            "openidConnectConfig": {"issuer": "https://appleid.apple.com", "clientId": "com.example.app"},
        }
    ]
    found = violations(case.resources, POLICY)
    assert "appleid.apple.com signs in anyone" in _about(found, case.source), messages(found)


def _user_pool(case: Api, sign_up: bool) -> Res:
    """A user pool of the stack as the API's, only its administrators creating users unless `sign_up`."""
    users = Res(
        "aws:cognito/userPool:UserPool",
        "customers",
        {
            "name": "customers",
            "adminCreateUserConfig": {"allowAdminCreateUserOnly": not sign_up},
            "deletionProtection": "ACTIVE",
            "tags": {"data-classification": "pii"},
        },
        case.region.provider,
    )
    case.extra.append(users)
    return users


@pytest.mark.parametrize("sign_up", [False, True])
def test_a_user_pool_anyone_may_sign_up_to_admits_anyone(sign_up: bool) -> None:
    case = _api()
    users = _user_pool(case, sign_up)
    case.api.props["userPoolConfig"] = {"userPoolId": UNKNOWN, "defaultAction": "ALLOW"}
    case.api.deps["userPoolConfig"] = [users]
    found = [d for d in violations(case.resources, POLICY) if d.urn == case.source.urn]
    if sign_up:
        assert "anyone may sign up to aws:cognito/userPool:UserPool 'customers'" in messages(found)
    else:
        assert found == [], messages(found)


def test_iam_authorisation_with_an_identity_pool_of_a_user_pool_anyone_may_sign_up_to_is_blocked() -> None:
    case = _api()
    case.api.props["authenticationType"] = "AWS_IAM"
    case.api.props.pop("userPoolConfig")
    users = _user_pool(case, sign_up=True)
    pool = Res(
        "aws:cognito/identityPool:IdentityPool",
        "customers",
        {
            "identityPoolName": "customers",
            "allowUnauthenticatedIdentities": False,
            "cognitoIdentityProviders": [{"clientId": "abc123", "providerName": UNKNOWN}],
        },
        case.region.provider,
        deps={"cognitoIdentityProviders": [users]},
    )
    case.extra.append(pool)
    found = violations(case.resources, POLICY)
    assert "gives credentials to its users: anyone may sign up" in _about(found, case.source), messages(found)


def test_a_lambda_data_source_whose_code_reads_pii_on_an_api_key_api_is_blocked() -> None:
    case = _api()
    case.api.props["authenticationType"] = "API_KEY"
    function = Res(
        "aws:lambda/function:Function",
        "customers-resolver",
        {
            "runtime": "python3.13",
            "handler": "main.handler",
            "role": "arn:aws:iam::123456789012:role/resolver",
            "environment": {"variables": {"TABLE": UNKNOWN}},
        },
        case.region.provider,
        deps={"environment": [case.table]},
    )
    case.source.props.update(type="AWS_LAMBDA", lambdaConfig={"functionArn": UNKNOWN})
    case.source.props.pop("dynamodbConfig")
    case.source.deps = {"apiId": [case.api], "lambdaConfig": [function]}
    case.extra.append(function)
    found = violations(case.resources, POLICY)
    assert "customers-resolver" in _about(found, case.source), messages(found)


def test_an_event_api_with_an_api_key_provider_on_a_pii_table_is_blocked() -> None:
    case = _api()
    case.api = Res(
        "aws:appsync/api:Api",
        "customers-events",
        {"name": "customers-events", "eventConfig": {"authProviders": [{"authType": "API_KEY"}]}},
        case.region.provider,
    )
    case.source.deps["apiId"] = [case.api]
    found = violations(case.resources, POLICY)
    assert "API_KEY" in _about(found, case.source), messages(found)


# Verified Access endpoints -------------------------------------------------------------------------------

_CONDITIONAL = 'permit(principal, action, resource) when { context.idc.groups has "db-admins" };'
"""A Cedar group policy on the trust provider's claims (AWS Verified Access policy examples)."""


@dataclass
class Access:
    """The baseline region with a Verified Access RDS endpoint on the PII database."""

    region: Region
    provider: Res
    group: Res
    endpoint: Res
    others: list[Res]

    @property
    def resources(self) -> list[Res]:
        """Every resource of the case."""
        return [*self.region.resources, self.provider, self.group, self.endpoint, *self.others]


def _access() -> Access:
    region = eu_region()
    provider = Res(
        "aws:verifiedaccess/trustProvider:TrustProvider",
        "workforce",
        {
            "policyReferenceName": "idc",
            "trustProviderType": "user",
            "userTrustProviderType": "iam-identity-center",
        },
        region.provider,
    )
    instance = Res(
        "aws:verifiedaccess/instance:Instance", "va", {"description": "database access"}, region.provider
    )
    attachment = Res(
        "aws:verifiedaccess/instanceTrustProviderAttachment:InstanceTrustProviderAttachment",
        "va-workforce",
        {"verifiedaccessInstanceId": UNKNOWN, "verifiedaccessTrustProviderId": UNKNOWN},
        region.provider,
        deps={"verifiedaccessInstanceId": [instance], "verifiedaccessTrustProviderId": [provider]},
    )
    group = Res(
        "aws:verifiedaccess/group:Group",
        "db-admins",
        {"verifiedaccessInstanceId": UNKNOWN, "policyDocument": _CONDITIONAL},
        region.provider,
        deps={"verifiedaccessInstanceId": [instance]},
    )
    endpoint = Res(
        "aws:verifiedaccess/endpoint:Endpoint",
        "customers-db",
        {
            "attachmentType": "vpc",
            "endpointType": "rds",
            "verifiedAccessGroupId": UNKNOWN,
            "securityGroupIds": [UNKNOWN],
            "rdsOptions": {
                "port": 5432,
                "protocol": "tcp",
                "rdsDbInstanceArn": UNKNOWN,
                "subnetIds": [UNKNOWN],
            },
        },
        region.provider,
        deps={
            "verifiedAccessGroupId": [group],
            "securityGroupIds": [region.node_group],
            "rdsOptions": [region.database, region.vpc],
        },
    )
    return Access(region, provider, group, endpoint, [instance, attachment])


def _google(access: Access) -> None:
    access.provider.props = {
        "policyReferenceName": "google",
        "trustProviderType": "user",
        "userTrustProviderType": "oidc",
        "oidcOptions": {
            "issuer": "https://accounts.google.com",
            "authorizationEndpoint": "https://accounts.google.com/o/oauth2/v2/auth",
            "tokenEndpoint": "https://oauth2.googleapis.com/token",
            "userInfoEndpoint": "https://openidconnect.googleapis.com/v1/userinfo",
            "clientId": "123456789012-abc.apps.googleusercontent.com",
            "clientSecret": "GOCSPX-redacted",
            "scope": "openid email",
        },
    }


def test_a_verified_access_endpoint_with_a_conditional_policy_is_allowed() -> None:
    access = _access()
    _google(access)
    assert violations(access.resources, POLICY) == []


def test_an_unconditional_policy_for_the_organisations_workforce_is_allowed() -> None:
    access = _access()
    access.group.props["policyDocument"] = "permit(principal, action, resource);"
    assert violations(access.resources, POLICY) == []


def test_an_unconditional_policy_for_a_public_issuer_exposes_the_store() -> None:
    access = _access()
    _google(access)
    access.group.props["policyDocument"] = "permit(principal, action, resource);"
    found = violations(access.resources, POLICY)
    assert "signs in anyone with an account of https://accounts.google.com" in _about(
        found, access.endpoint
    ), messages(found)


def test_an_unconditional_policy_and_an_issuer_unknown_at_preview_fail_closed() -> None:
    access = _access()
    _google(access)
    access.provider.props["oidcOptions"]["issuer"] = UNKNOWN
    access.group.props["policyDocument"] = "permit(principal, action, resource);"
    found = violations(access.resources, POLICY)
    assert "issuer of" in _about(found, access.endpoint), messages(found)


def test_a_group_the_stack_does_not_declare_fails_closed() -> None:
    access = _access()
    access.endpoint.props["verifiedAccessGroupId"] = "vagr-0a1b2c3d4e5f60001"
    access.endpoint.deps.pop("verifiedAccessGroupId")
    found = violations(access.resources, POLICY)
    assert "group is not declared" in _about(found, access.endpoint), messages(found)
