"""Who a grant admits is judged by what its principal and its conditions admit, not by their form.

- A service principal acts for whichever account configures the service: in a resource policy or a
  permission it stays inside the deployment only when a condition (or the permission's `sourceAccount` /
  `sourceArn`) ties it to this deployment's accounts or resources; else every account's CloudFront, SNS or
  S3 may use the grant (the confused deputy).
- In a role's trust policy a service acts only for whoever passes it the role (iam:PassRole, which only the
  role's account grants), except IAM Roles Anywhere, which hands the role to any holder of a certificate of
  a trust anchor: inside only through an anchor of the stack on a private CA of the deployment.
- A federated principal admits whom its identity provider vouches for: an OIDC provider only with the
  subject pinned (or the stack's own EKS cluster's issuer), a Cognito identity pool only for authenticated
  identities of pools whose logins are the stack's own user pools.
- A condition restricts a grant only when its operator requires the key to match (no negation, no
  IfExists, no set operator, no Null) and the key is one the pack knows; a VPC endpoint or VPC that the
  stack does not declare is not private.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import OTHER_ACCOUNT, PII, store
from tests.policies.policy_harness import (
    MODE,
    PREVIEW,
    UNKNOWN,
    Res,
    computed_outputs,
    messages,
    violations,
)

NO_PII = "no-pii-replication"
ANONYMISED_ONLY = "anonymised-only-replication"
NOT_PUBLIC = "pii-not-public"
OWN = "123456789012"
BUCKET = "customers-documents-eu"
BUCKET_ARN = f"arn:aws:s3:::{BUCKET}"
DISTRIBUTION_ARN = f"arn:aws:cloudfront::{OWN}:distribution/EDFDVBD6EXAMPLE"
PARTNER_ENDPOINT = "vpce-0fedcba9876543210"


def _computed(render: Callable[[str], dict[str, Any]], source: Res, output: str = "arn") -> str:
    """A document built with `apply` from a resource's output: unknown at a first preview, known deployed."""
    if MODE.get() == PREVIEW:
        return UNKNOWN
    return json.dumps(render(computed_outputs(source)[output]))


def _document(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _bucket_policy(region: Region, statement: dict[str, Any]) -> tuple[Res, list[Res]]:
    bucket = store(region, "aws:s3/bucket:Bucket", "documents", {"bucket": BUCKET})
    policy = Res(
        "aws:s3/bucketPolicy:BucketPolicy",
        "documents-policy",
        {"bucket": UNKNOWN, "policy": _document(statement)},
        region.provider,
        deps={"bucket": [bucket]},
    )
    return policy, [bucket, policy]


def _cloudfront_reads(condition: dict[str, Any] | None) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "Sid": "AllowCloudFrontServicePrincipalReadOnly",
        "Effect": "Allow",
        "Principal": {"Service": "cloudfront.amazonaws.com"},
        "Action": "s3:GetObject",
        "Resource": f"{BUCKET_ARN}/*",
    }
    if condition is not None:
        statement["Condition"] = condition
    return statement


def _ours(region: Region, policy: Res, extra: list[Res], rule: str) -> list[Any]:
    return [d for d in violations([*region.resources, *extra], rule) if d.urn == policy.urn]


# Service principals in resource policies ---------------------------------------------------------------


def test_a_service_principal_tied_to_this_deployments_distribution_is_inside() -> None:
    region = eu_region()
    policy, extra = _bucket_policy(
        region, _cloudfront_reads({"StringEquals": {"AWS:SourceArn": DISTRIBUTION_ARN}})
    )
    assert _ours(region, policy, extra, NO_PII) == []
    assert _ours(region, policy, extra, ANONYMISED_ONLY) == []


def test_a_service_principal_with_no_source_condition_admits_every_accounts_service() -> None:
    region = eu_region()
    policy, extra = _bucket_policy(region, _cloudfront_reads(None))
    found = _ours(region, policy, extra, NO_PII)
    assert len(found) == 1, messages(found)
    assert "cloudfront.amazonaws.com" in found[0].message
    assert "aws:SourceArn" in found[0].message and "aws:SourceAccount" in found[0].message


@pytest.mark.parametrize(
    "condition",
    [
        {"StringEquals": {"aws:SourceAccount": OTHER_ACCOUNT}},
        {"ArnLike": {"aws:SourceArn": "arn:aws:cloudfront::*:distribution/*"}},
        {"StringNotEquals": {"aws:SourceAccount": OWN}},
        {"StringEqualsIfExists": {"aws:SourceAccount": OWN}},
        {"Null": {"aws:SourceArn": "false"}},
    ],
    ids=["another-account", "any-account-wildcard", "negated", "if-exists", "null"],
)
def test_a_service_principal_tied_to_another_or_any_account_is_outside(condition: dict[str, Any]) -> None:
    region = eu_region()
    policy, extra = _bucket_policy(region, _cloudfront_reads(condition))
    found = _ours(region, policy, extra, NO_PII)
    assert len(found) == 1, messages(found)
    assert "cloudfront.amazonaws.com" in found[0].message


def _queue_with_policy(region: Region, condition: dict[str, Any] | None) -> tuple[Res, list[Res]]:
    queue = store(region, "aws:sqs/queue:Queue", "signups", {"name": "signups", "kmsMasterKeyId": UNKNOWN})
    queue.deps["kmsMasterKeyId"] = [region.key]
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"Service": "sns.amazonaws.com"},
        "Action": "sqs:SendMessage",
        "Resource": f"arn:aws:sqs:eu-west-1:{OWN}:signups",
    }
    if condition is not None:
        statement["Condition"] = condition
    policy = Res(
        "aws:sqs/queuePolicy:QueuePolicy",
        "signups-policy",
        {"queueUrl": UNKNOWN, "policy": _document(statement)},
        region.provider,
        deps={"queueUrl": [queue]},
    )
    return policy, [queue, policy]


def test_a_queue_policy_for_sns_of_this_accounts_topic_is_inside() -> None:
    region = eu_region()
    policy, extra = _queue_with_policy(
        region, {"ArnEquals": {"aws:SourceArn": f"arn:aws:sns:eu-west-1:{OWN}:signups-events"}}
    )
    assert _ours(region, policy, extra, NO_PII) == []


def test_a_queue_policy_for_sns_with_no_source_lets_every_accounts_topic_in_but_out_nothing() -> None:
    """Any account's topic may send messages in (no aws:SourceArn), which reads nothing the queue holds:
    `sqs:SendMessage` alone is an inbound action (`mechanisms.INBOUND_ACTIONS`; reviewer blind-aws12 c27)."""
    region = eu_region()
    policy, extra = _queue_with_policy(region, None)
    assert _ours(region, policy, extra, NO_PII) == []


def test_a_queue_policy_for_sns_with_no_source_that_also_receives_lets_every_accounts_topic_read() -> None:
    region = eu_region()
    policy, extra = _queue_with_policy(region, None)
    document = json.loads(policy.props["policy"])
    document["Statement"][0]["Action"] = ["sqs:SendMessage", "sqs:ReceiveMessage"]
    policy.props["policy"] = json.dumps(document)
    found = _ours(region, policy, extra, NO_PII)
    assert len(found) == 1 and "sns.amazonaws.com" in found[0].message, messages(found)


def _logs_key_statement(log_group_arn: str) -> dict[str, Any]:
    return {
        "Effect": "Allow",
        "Principal": {"Service": "logs.eu-west-1.amazonaws.com"},
        "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        "Resource": "*",
        "Condition": {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": log_group_arn}},
    }


def test_a_key_policy_for_logs_of_this_accounts_log_groups_is_inside() -> None:
    region = eu_region()
    region.key.props["policy"] = _document(
        _logs_key_statement(f"arn:aws:logs:eu-west-1:{OWN}:log-group:/aws/rds/instance/pii-db/*")
    )
    assert violations(region.resources, NO_PII) == []


def test_a_key_policy_for_logs_of_any_accounts_log_groups_shares_the_key() -> None:
    region = eu_region()
    region.key.props["policy"] = _document(_logs_key_statement("arn:aws:logs:eu-west-1:*:log-group:*"))
    found = violations(region.resources, NO_PII)
    assert [d.urn for d in found] == [region.key.urn], messages(found)
    assert "logs.eu-west-1.amazonaws.com" in found[0].message


def _function_reading_the_database(region: Region) -> Res:
    return Res(
        "aws:lambda/function:Function",
        "lookup",
        {"runtime": "python3.12", "handler": "a.b", "environment": {"variables": {"DATABASE_HOST": UNKNOWN}}},
        region.provider,
        deps={"environment": [region.database]},
    )


def _s3_permission(region: Region, function: Res, source: Res | None) -> Res:
    props: dict[str, Any] = {
        "action": "lambda:InvokeFunction",
        "function": UNKNOWN,
        "principal": "s3.amazonaws.com",
    }
    deps: dict[str, list[Res]] = {"function": [function]}
    if source is not None:
        props["sourceArn"] = UNKNOWN
        deps["sourceArn"] = [source]
    return Res("aws:lambda/permission:Permission", "uploads-invoke", props, region.provider, deps=deps)


def test_a_permission_for_s3_events_of_the_stacks_bucket_is_inside() -> None:
    region = eu_region()
    function = _function_reading_the_database(region)
    uploads = store(region, "aws:s3/bucket:Bucket", "uploads", {"bucket": "customers-uploads-eu"})
    permission = _s3_permission(region, function, uploads)
    assert violations([*region.resources, function, uploads, permission], NO_PII) == []


def test_a_permission_for_s3_with_no_source_lets_any_accounts_bucket_invoke_code_reading_pii() -> None:
    region = eu_region()
    function = _function_reading_the_database(region)
    permission = _s3_permission(region, function, None)
    found = violations([*region.resources, function, permission], NO_PII)
    assert [d.urn for d in found] == [permission.urn], messages(found)
    assert "s3.amazonaws.com" in found[0].message and "sourceArn" in found[0].message


# Roles: service and federated principals in trust policies ---------------------------------------------


def _reader(region: Region, name: str, trust: Any, trust_deps: list[Res] | None = None) -> list[Res]:
    """A role that reads the PII bucket, trusted as given; with the bucket it reads."""
    bucket = store(region, "aws:s3/bucket:Bucket", "documents", {"bucket": BUCKET})
    role = Res(
        "aws:iam/role:Role",
        name,
        {"name": name, "assumeRolePolicy": trust},
        region.provider,
        deps={"assumeRolePolicy": trust_deps} if trust_deps else {},
    )
    policy = Res(
        "aws:iam/rolePolicy:RolePolicy",
        f"{name}-read",
        {
            "role": UNKNOWN,
            "policy": _document({"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"{BUCKET_ARN}/*"}),
        },
        region.provider,
        deps={"role": [role]},
    )
    return [bucket, role, policy]


def _role_found(region: Region, extra: list[Res]) -> list[Any]:
    role = extra[1]
    return [d for d in violations([*region.resources, *extra], NO_PII) if d.urn == role.urn]


def _trust(principal: dict[str, Any], action: str, condition: dict[str, Any] | None = None) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": "Allow", "Principal": principal, "Action": action}
    if condition is not None:
        statement["Condition"] = condition
    return statement


def test_a_role_a_service_of_this_account_assumes_is_inside() -> None:
    region = eu_region()
    extra = _reader(
        region, "uploads-worker", _document(_trust({"Service": "lambda.amazonaws.com"}, "sts:AssumeRole"))
    )
    assert _role_found(region, extra) == []


def _anchor(region: Region, source_type: str) -> list[Res]:
    authority = Res(
        "aws:acmpca/certificateAuthority:CertificateAuthority",
        "workloads-ca",
        {
            "type": "ROOT",
            "certificateAuthorityConfiguration": {
                "keyAlgorithm": "EC_prime256v1",
                "signingAlgorithm": "SHA256WITHECDSA",
                "subject": {"commonName": "workloads.example.com"},
            },
        },
        region.provider,
    )
    source_data = (
        {"acmPcaArn": UNKNOWN}
        if source_type == "AWS_ACM_PCA"
        else {"x509CertificateData": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"}
    )
    anchor = Res(
        "aws:rolesanywhere/trustAnchor:TrustAnchor",
        "workloads",
        {
            "name": "workloads",
            "enabled": True,
            "source": {"sourceType": source_type, "sourceData": source_data},
        },
        region.provider,
        deps={"source": [authority]} if source_type == "AWS_ACM_PCA" else {},
    )
    return [authority, anchor] if source_type == "AWS_ACM_PCA" else [anchor]


def _roles_anywhere_trust(anchor_arn: str | None) -> dict[str, Any]:
    condition = {"ArnEquals": {"aws:SourceArn": anchor_arn}} if anchor_arn else None
    return _trust(
        {"Service": "rolesanywhere.amazonaws.com"},
        "sts:AssumeRole",
        condition,
    )


def test_roles_anywhere_through_the_stacks_anchor_on_its_private_ca_is_inside() -> None:
    region = eu_region()
    anchors = _anchor(region, "AWS_ACM_PCA")
    anchor = anchors[-1]
    trust = _computed(lambda arn: json.loads(_document(_roles_anywhere_trust(arn))), anchor)
    extra = _reader(region, "onprem-reader", trust, [anchor])
    assert _role_found(region, [*extra, *anchors]) == []


def test_roles_anywhere_through_an_anchor_on_an_outside_ca_admits_any_certificate_holder() -> None:
    region = eu_region()
    anchors = _anchor(region, "CERTIFICATE_BUNDLE")
    anchor = anchors[-1]
    trust = _computed(lambda arn: json.loads(_document(_roles_anywhere_trust(arn))), anchor)
    extra = _reader(region, "onprem-reader", trust, [anchor])
    found = _role_found(region, [*extra, *anchors])
    assert len(found) == 1, messages(found)
    assert "IAM Roles Anywhere" in found[0].message


def test_roles_anywhere_with_no_anchor_condition_admits_any_anchor_of_the_account() -> None:
    region = eu_region()
    anchors = _anchor(region, "AWS_ACM_PCA")
    extra = _reader(region, "onprem-reader", _document(_roles_anywhere_trust(None)))
    found = _role_found(region, [*extra, *anchors])
    assert len(found) == 1, messages(found)
    assert "aws:SourceArn" in found[0].message


GITHUB = "token.actions.githubusercontent.com"


def _github(region: Region, subject_test: dict[str, Any]) -> list[Res]:
    provider = Res(
        "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
        "github",
        {"url": f"https://{GITHUB}", "clientIdLists": ["sts.amazonaws.com"]},
        region.provider,
    )
    trust = _trust(
        {"Federated": f"arn:aws:iam::{OWN}:oidc-provider/{GITHUB}"},
        "sts:AssumeRoleWithWebIdentity",
        {"StringEquals": {f"{GITHUB}:aud": "sts.amazonaws.com"}, **subject_test},
    )
    return [*_reader(region, "ci-reader", _document(trust)), provider]


def test_an_oidc_trust_pinned_to_one_repository_branch_is_inside() -> None:
    region = eu_region()
    extra = _github(
        region, {"StringLike": {f"{GITHUB}:sub": "repo:example-org/customers-api:ref:refs/heads/main"}}
    )
    assert _role_found(region, extra) == []


@pytest.mark.parametrize(
    "subject_test",
    [
        {"StringLike": {f"{GITHUB}:sub": "repo:*"}},
        {"StringNotEquals": {f"{GITHUB}:sub": "repo:example-org/customers-api:ref:refs/heads/main"}},
        {},
    ],
    ids=["wildcard", "negated", "no-subject"],
)
def test_an_oidc_trust_that_does_not_pin_the_subject_admits_the_providers_other_identities(
    subject_test: dict[str, Any],
) -> None:
    region = eu_region()
    found = _role_found(region, _github(region, subject_test))
    assert len(found) == 1, messages(found)
    assert f"{GITHUB}:sub" in found[0].message


def _eks_issuer_trust(region: Region, cluster_region: str) -> list[Res]:
    issuer = f"oidc.eks.{cluster_region}.amazonaws.com/id/5C1D7A2B9E4F6A8B0C3D5E7F9A1B3C5D"
    provider = Res(
        "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
        "analytics-oidc",
        {"url": f"https://{issuer}", "clientIdLists": ["sts.amazonaws.com"]},
        region.provider,
    )
    trust = _trust(
        {"Federated": f"arn:aws:iam::{OWN}:oidc-provider/{issuer}"},
        "sts:AssumeRoleWithWebIdentity",
        {"StringEquals": {f"{issuer}:sub": "system:serviceaccount:analytics:reader"}},
    )
    return [*_reader(region, "analytics-reader", _document(trust)), provider]


def test_a_pinned_trust_in_an_eks_issuer_of_the_stacks_region_is_inside() -> None:
    region = eu_region()
    assert _role_found(region, _eks_issuer_trust(region, "eu-west-1")) == []


def test_a_pinned_trust_in_an_eks_issuer_of_another_region_admits_that_clusters_pods() -> None:
    # Reviewer blind-k8s12 l14: the issuer URL names the cluster's region; its pods read the data there.
    region = eu_region()
    found = _role_found(region, _eks_issuer_trust(region, "us-east-1"))
    assert len(found) == 1, messages(found)
    assert "us-east-1" in found[0].message


def test_a_computed_trust_in_the_stacks_eks_issuer_is_inside_whatever_the_subject() -> None:
    region = eu_region()
    issuer = Res(
        "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
        "cluster-oidc",
        {"url": UNKNOWN, "clientIdLists": ["sts.amazonaws.com"]},
        region.provider,
        deps={"url": [region.cluster]},
    )
    trust = _computed(
        lambda arn: json.loads(_document(_trust({"Federated": arn}, "sts:AssumeRoleWithWebIdentity"))),
        issuer,
    )
    extra = _reader(region, "customers-api", trust, [issuer])
    assert _role_found(region, [*extra, issuer]) == []


def test_a_computed_trust_in_an_issuer_outside_the_cluster_fails_closed_at_preview() -> None:
    region = eu_region()
    github = Res(
        "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
        "github",
        {"url": f"https://{GITHUB}", "clientIdLists": ["sts.amazonaws.com"]},
        region.provider,
    )
    trust = _computed(
        lambda arn: json.loads(_document(_trust({"Federated": arn}, "sts:AssumeRoleWithWebIdentity"))),
        github,
    )
    extra = _reader(region, "ci-reader", trust, [github])
    found = _role_found(region, [*extra, github])
    assert len(found) == 1, messages(found)
    if MODE.get() == PREVIEW:
        assert "cannot be judged at preview" in found[0].message
    else:
        assert f"{GITHUB}:sub" in found[0].message


def _identity_pool(region: Region, unauthenticated: bool, logins: dict[str, Any]) -> Res:
    return Res(
        "aws:cognito/identityPool:IdentityPool",
        "customers",
        {
            "identityPoolName": "customers",
            "allowUnauthenticatedIdentities": unauthenticated,
            "allowClassicFlow": False,
            **logins,
        },
        region.provider,
    )


def _cognito_trust(pool: Res, amr: str) -> str:
    return _computed(
        lambda pool_id: json.loads(
            _document(
                _trust(
                    {"Federated": "cognito-identity.amazonaws.com"},
                    "sts:AssumeRoleWithWebIdentity",
                    {
                        "StringEquals": {"cognito-identity.amazonaws.com:aud": pool_id},
                        "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": amr},
                    },
                )
            )
        ),
        pool,
        "id",
    )


def _user_pool_logins(region: Region, sign_up: bool = False) -> tuple[Res, Res, dict[str, Any]]:
    """A user pool (only its administrators create users, unless `sign_up`), its app client, and the
    identity pool logins through them."""
    users = Res(
        "aws:cognito/userPool:UserPool",
        "customers",
        {
            "name": "customers",
            "deletionProtection": "ACTIVE",
            "adminCreateUserConfig": {"allowAdminCreateUserOnly": not sign_up},
            "tags": PII,
        },
        region.provider,
    )
    client = Res(
        "aws:cognito/userPoolClient:UserPoolClient",
        "customers-app",
        {"name": "customers-app", "userPoolId": UNKNOWN},
        region.provider,
        deps={"userPoolId": [users]},
    )
    logins = {
        "cognitoIdentityProviders": [
            {"clientId": UNKNOWN, "providerName": UNKNOWN, "serverSideTokenCheck": True}
        ]
    }
    return users, client, logins


def test_authenticated_identities_of_the_stacks_user_pool_are_inside() -> None:
    region = eu_region()
    users, client, logins = _user_pool_logins(region)
    pool = _identity_pool(region, False, logins)
    pool.deps["cognitoIdentityProviders"] = [users, client]
    extra = _reader(region, "customers-app", _cognito_trust(pool, "authenticated"), [pool])
    assert _role_found(region, [*extra, pool, users, client]) == []


def test_unauthenticated_identities_of_an_identity_pool_are_everyone() -> None:
    region = eu_region()
    users, client, logins = _user_pool_logins(region)
    pool = _identity_pool(region, True, logins)
    pool.deps["cognitoIdentityProviders"] = [users, client]
    extra = _reader(region, "guest-reader", _cognito_trust(pool, "unauthenticated"), [pool])
    found = _role_found(region, [*extra, pool, users, client])
    assert len(found) == 1, messages(found)
    assert "unauthenticated" in found[0].message


def test_identities_of_a_user_pool_anyone_may_sign_up_to_are_everyone() -> None:
    """Reviewer blind-access15 a34: self-registration is on, so anyone registers and gets the role."""
    region = eu_region()
    users, client, logins = _user_pool_logins(region, sign_up=True)
    pool = _identity_pool(region, False, logins)
    pool.deps["cognitoIdentityProviders"] = [users, client]
    extra = _reader(region, "customers-app", _cognito_trust(pool, "authenticated"), [pool])
    found = _role_found(region, [*extra, pool, users, client])
    assert len(found) == 1, messages(found)
    assert "anyone may sign up to aws:cognito/userPool:UserPool 'customers'" in found[0].message


def test_a_user_pool_whose_sign_up_is_left_to_cognitos_default_lets_anyone_sign_up() -> None:
    region = eu_region()
    users, client, logins = _user_pool_logins(region)
    users.props.pop("adminCreateUserConfig")
    pool = _identity_pool(region, False, logins)
    pool.deps["cognitoIdentityProviders"] = [users, client]
    extra = _reader(region, "customers-app", _cognito_trust(pool, "authenticated"), [pool])
    assert len(_role_found(region, [*extra, pool, users, client])) == 1


def test_a_pre_sign_up_trigger_decides_who_may_sign_up() -> None:
    """The trigger's code admits whom it admits (an e-mail domain, an invitation): the deployment's own
    identity provider, as a Lambda authoriser is."""
    region = eu_region()
    users, client, logins = _user_pool_logins(region, sign_up=True)
    users.props["lambdaConfig"] = {"preSignUp": "arn:aws:lambda:eu-west-1:123456789012:function:invited"}
    pool = _identity_pool(region, False, logins)
    pool.deps["cognitoIdentityProviders"] = [users, client]
    extra = _reader(region, "customers-app", _cognito_trust(pool, "authenticated"), [pool])
    assert _role_found(region, [*extra, pool, users, client]) == []


def _own_items(region: Region, actions: list[str], operator: str) -> Res:
    """The reader's policy, narrowed to the caller's own items of the PII table."""
    return Res(
        "aws:iam/rolePolicy:RolePolicy",
        "customers-app-own",
        {
            "role": UNKNOWN,
            "policy": _document(
                {
                    "Effect": "Allow",
                    "Action": actions,
                    "Resource": f"arn:aws:dynamodb:eu-west-1:{OWN}:table/customers",
                    "Condition": {
                        operator: {"dynamodb:LeadingKeys": ["${cognito-identity.amazonaws.com:sub}"]}
                    },
                }
            ),
        },
        region.provider,
    )


@pytest.mark.parametrize(
    ("actions", "operator", "narrowed"),
    [
        (["dynamodb:GetItem", "dynamodb:Query"], "ForAllValues:StringEquals", True),
        (["dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan"], "ForAllValues:StringEquals", False),
        (["dynamodb:*"], "ForAllValues:StringEquals", False),
        (["dynamodb:Scan"], "StringEquals", True),
    ],
    ids=["own-items", "scan-passes-forallvalues", "wildcard", "key-required"],
)
def test_a_statement_narrowed_to_each_callers_own_items_shares_only_those(
    actions: list[str], operator: str, narrowed: bool
) -> None:
    """c16: with per-user rows (`dynamodb:LeadingKeys` = the caller's identity) each registered user reads
    only its own items; `ForAllValues:` holds for a request without the key (a Scan), so a statement that
    allows one is not narrowed."""
    region = eu_region()
    table = store(region, "aws:dynamodb/table:Table", "customers", {"name": "customers", "hashKey": "id"})
    users, client, logins = _user_pool_logins(region, sign_up=True)
    pool = _identity_pool(region, False, logins)
    pool.deps["cognitoIdentityProviders"] = [users, client]
    bucket, role, _ = _reader(region, "customers-app", _cognito_trust(pool, "authenticated"), [pool])
    policy = _own_items(region, actions, operator)
    policy.deps["role"] = [role]
    found = _role_found(region, [bucket, role, policy, table, pool, users, client])
    assert (found == []) == narrowed, messages(found)


def test_identities_a_social_login_vouches_for_are_outside() -> None:
    region = eu_region()
    pool = _identity_pool(
        region,
        False,
        {"supportedLoginProviders": {"accounts.google.com": "123456789012.apps.googleusercontent.com"}},
    )
    extra = _reader(region, "customers-app", _cognito_trust(pool, "authenticated"), [pool])
    found = _role_found(region, [*extra, pool])
    assert len(found) == 1, messages(found)
    assert "accounts.google.com" in found[0].message


def test_identities_an_oidc_login_of_the_pool_vouches_for_are_outside() -> None:
    region = eu_region()
    github = Res(
        "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
        "github",
        {"url": f"https://{GITHUB}", "clientIdLists": ["sts.amazonaws.com"]},
        region.provider,
    )
    pool = _identity_pool(region, False, {"openidConnectProviderArns": [UNKNOWN]})
    pool.deps["openidConnectProviderArns"] = [github]
    extra = _reader(region, "customers-app", _cognito_trust(pool, "authenticated"), [pool])
    found = _role_found(region, [*extra, pool, github])
    assert len(found) == 1, messages(found)
    assert "OpenIdConnectProvider 'github'" in found[0].message


# Conditions judged by what they admit ------------------------------------------------------------------


def _everyone_reads_the_queue(region: Region, condition: dict[str, Any]) -> tuple[Res, list[Res]]:
    queue = store(region, "aws:sqs/queue:Queue", "requests", {"name": "requests", "kmsMasterKeyId": UNKNOWN})
    queue.deps["kmsMasterKeyId"] = [region.key]
    policy = Res(
        "aws:sqs/queuePolicy:QueuePolicy",
        "requests-policy",
        {
            "queueUrl": UNKNOWN,
            "policy": _document(
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage"],
                    "Resource": f"arn:aws:sqs:eu-west-1:{OWN}:requests",
                    "Condition": condition,
                }
            ),
        },
        region.provider,
        deps={"queueUrl": [queue]},
    )
    return policy, [queue, policy]


def _judged(region: Region, policy: Res, extra: list[Res]) -> list[Any]:
    return [
        d
        for rule in (NO_PII, NOT_PUBLIC)
        for d in violations([*region.resources, *extra], rule)
        if d.urn == policy.urn
    ]


def test_everyone_limited_to_this_account_may_read_the_queue() -> None:
    region = eu_region()
    policy, extra = _everyone_reads_the_queue(region, {"StringEquals": {"aws:PrincipalAccount": OWN}})
    assert _judged(region, policy, extra) == []


@pytest.mark.parametrize(
    "condition",
    [
        {"StringNotEquals": {"aws:PrincipalAccount": OWN}},
        {"StringEqualsIfExists": {"aws:PrincipalAccount": OWN}},
        {"ForAllValues:StringEquals": {"aws:PrincipalAccount": [OWN]}},
        {"Null": {"aws:SourceVpce": "false"}},
        {"StringEquals": {"aws:ResourceAccount": OWN}},
        {"StringEquals": {"aws:PrincipalTag/team": "customers"}},
    ],
    ids=["negated", "if-exists", "for-all-values", "null", "resource-account", "unknown-key"],
)
def test_a_condition_that_does_not_require_this_account_leaves_the_queue_to_everyone(
    condition: dict[str, Any],
) -> None:
    region = eu_region()
    policy, extra = _everyone_reads_the_queue(region, condition)
    found = [d for d in violations([*region.resources, *extra], NOT_PUBLIC) if d.urn == policy.urn]
    assert len(found) == 1, messages(found)
    assert "everyone" in found[0].message


def test_an_account_wildcard_admits_the_accounts_it_matches() -> None:
    region = eu_region()
    policy, extra = _everyone_reads_the_queue(region, {"StringLike": {"aws:PrincipalAccount": "1234567890*"}})
    found = _judged(region, policy, extra)
    assert len(found) == 1, messages(found)
    assert "accounts matching 1234567890*" in found[0].message


def _endpoint(region: Region) -> Res:
    return Res(
        "aws:ec2/vpcEndpoint:VpcEndpoint",
        "sqs",
        {"vpcId": UNKNOWN, "serviceName": "com.amazonaws.eu-west-1.sqs", "vpcEndpointType": "Interface"},
        region.provider,
        deps={"vpcId": [region.vpc]},
    )


def test_everyone_through_the_stacks_vpc_endpoint_is_private_once_it_can_be_read() -> None:
    region = eu_region()
    endpoint = _endpoint(region)
    policy, extra = _everyone_reads_the_queue(region, {})
    policy.props["policy"] = _computed(
        lambda vpce: json.loads(
            _document(
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "sqs:ReceiveMessage",
                    "Resource": f"arn:aws:sqs:eu-west-1:{OWN}:requests",
                    "Condition": {"StringEquals": {"aws:SourceVpce": vpce}},
                }
            )
        ),
        endpoint,
        "id",
    )
    policy.deps["policy"] = [endpoint]
    found = _judged(region, policy, [*extra, endpoint])
    if MODE.get() == PREVIEW:
        # The endpoint's id is unknown until it exists: the document cannot be read (see grants.py).
        assert [d.message for d in found if "cannot be judged at preview" in d.message], messages(found)
    else:
        assert found == []


@pytest.mark.parametrize("key", ["aws:SourceVpce", "aws:SourceVpc"])
def test_everyone_through_a_network_the_stack_does_not_declare_is_not_private(key: str) -> None:
    region = eu_region()
    value = PARTNER_ENDPOINT if key == "aws:SourceVpce" else "vpc-0fedcba9876543210"
    policy, extra = _everyone_reads_the_queue(region, {"StringEquals": {key: value}})
    found = _judged(region, policy, [*extra, _endpoint(region)])
    assert len(found) == 1, messages(found)
    assert value in found[0].message and "does not declare" in found[0].message
