"""The bootstrap's policy documents: who may assume each role, and what each role can and cannot do.

Built from real-format ARNs and read by `tests.bootstrap.iam`, which takes every Allow condition as met, so a
"cannot" here holds whatever the conditions say.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from residency_bootstrap.documents import (
    Account,
    StateBackendArns,
    codebuild_trust,
    deploy_permissions,
    deploy_subject,
    github_trust,
    key_policy,
    preview_permissions,
    preview_subject,
    runner_permissions,
    state_bucket_policy,
)
from tests.bootstrap.iam import allow_actions, allowed, matching

ACCOUNT = Account(partition="aws", account_id="111122223333", region="eu-west-1")
STATE = StateBackendArns(
    bucket="arn:aws:s3:::example-org-residency-state-eu",
    state_key="arn:aws:kms:eu-west-1:111122223333:key/1111aaaa-2222-bbbb-3333-cccc4444dddd",
    secrets_key="arn:aws:kms:eu-west-1:111122223333:key/5555eeee-6666-ffff-7777-000088889999",
)
BOOTSTRAP_ROLES = "arn:aws:iam::111122223333:role/residency-*"
STATE_OBJECT = f"{STATE.bucket}/.pulumi/stacks/residency/eu.json"
REPOSITORY = "example-org/residency"
PROVIDER = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"

PREVIEW = preview_permissions(ACCOUNT, STATE, BOOTSTRAP_ROLES)
DEPLOY = deploy_permissions(ACCOUNT, STATE, "eu", BOOTSTRAP_ROLES)
SUBNETS = [
    "arn:aws:ec2:eu-west-1:111122223333:subnet/subnet-0a",
    "arn:aws:ec2:eu-west-1:111122223333:subnet/subnet-0b",
]
RUNNER = runner_permissions(
    ACCOUNT, "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/codebuild/x", SUBNETS
)
ENCRYPTING = (
    "kms:Encrypt",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
)


def _trust_condition(document: dict[str, Any]) -> dict[str, Any]:
    (statement,) = document["Statement"]
    assert statement["Effect"] == "Allow"
    assert statement["Principal"] == {"Federated": PROVIDER}
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    condition: dict[str, Any] = statement["Condition"]
    return condition


def test_the_preview_role_trusts_only_pull_request_tokens_of_the_repository() -> None:
    """aud = sts.amazonaws.com and sub = repo:<org>/<repo>:pull_request, exact matches, nothing else."""
    assert _trust_condition(github_trust(PROVIDER, preview_subject(REPOSITORY))) == {
        "StringEquals": {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": "repo:example-org/residency:pull_request",
        }
    }


def test_the_deploy_role_trusts_only_the_region_environment_of_the_repository() -> None:
    """sub = repo:<org>/<repo>:environment:eu: a branch, a pull request or another environment is refused."""
    assert _trust_condition(github_trust(PROVIDER, deploy_subject(REPOSITORY, "eu"))) == {
        "StringEquals": {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": "repo:example-org/residency:environment:eu",
        }
    }


def test_the_runner_role_trusts_codebuild_for_its_one_project_only() -> None:
    """aws:SourceAccount and aws:SourceArn pin the service principal to this account's runner project."""
    project = ACCOUNT.codebuild_project_arn("residency-eu-runner")
    (statement,) = codebuild_trust(ACCOUNT, project)["Statement"]
    assert statement["Principal"] == {"Service": "codebuild.amazonaws.com"}
    assert statement["Condition"] == {
        "StringEquals": {"aws:SourceAccount": "111122223333"},
        "ArnEquals": {
            "aws:SourceArn": "arn:aws:codebuild:eu-west-1:111122223333:project/residency-eu-runner"
        },
    }


@pytest.mark.parametrize("document", [PREVIEW, DEPLOY, RUNNER], ids=["preview", "deploy", "runner"])
def test_no_allow_names_every_action_or_a_whole_service(document: dict[str, Any]) -> None:
    """No `*`, no `*:*` and no `service:*` in any Allow: each names the actions it grants."""
    for action in allow_actions(document):
        assert action != "*" and not action.endswith(":*"), action


@pytest.mark.parametrize("document", [PREVIEW, DEPLOY, RUNNER], ids=["preview", "deploy", "runner"])
def test_every_statement_says_what_it_is_for(document: dict[str, Any]) -> None:
    """A unique, descriptive Sid on every statement (the README's tables explain each one)."""
    sids = [statement.get("Sid", "") for statement in document["Statement"]]
    assert all(re.fullmatch(r"[A-Z][A-Za-z0-9]{5,}", sid) for sid in sids), sids
    assert len(set(sids)) == len(sids)


def test_the_preview_role_reads_state_and_decrypts_secrets() -> None:
    """What `pulumi preview` needs of the backend: list, read, decrypt (state via S3, secrets directly)."""
    assert allowed(PREVIEW, "s3:ListBucket", STATE.bucket)
    assert allowed(PREVIEW, "s3:GetObject", STATE_OBJECT)
    assert allowed(PREVIEW, "kms:Decrypt", STATE.state_key)
    assert allowed(PREVIEW, "kms:Decrypt", STATE.secrets_key)
    (via_s3,) = matching(PREVIEW, "Allow", "kms:Decrypt", STATE.state_key)
    assert via_s3["Condition"] == {"StringEquals": {"kms:ViaService": "s3.eu-west-1.amazonaws.com"}}


@pytest.mark.parametrize(
    "action", ["s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutObjectAcl"]
)
def test_the_preview_role_cannot_write_state(action: str) -> None:
    """No Allow covers a state write, and an explicit Deny stands against any later broad Allow."""
    assert not matching(PREVIEW, "Allow", action, STATE_OBJECT)
    assert matching(PREVIEW, "Deny", action, STATE_OBJECT)


@pytest.mark.parametrize("action", ENCRYPTING)
@pytest.mark.parametrize("key", [STATE.state_key, STATE.secrets_key], ids=["state-key", "secrets-key"])
def test_the_preview_role_cannot_encrypt_with_the_bootstrap_keys(action: str, key: str) -> None:
    """Decrypt only: no Encrypt, GenerateDataKey or ReEncrypt allowed, and each explicitly denied."""
    assert not matching(PREVIEW, "Allow", action, key)
    assert matching(PREVIEW, "Deny", action, key)


def test_the_preview_role_can_deploy_nothing() -> None:
    """No create, change or delete of any resource, in any service."""
    writes = [
        a for a in allow_actions(PREVIEW) if re.search(r":(Create|Delete|Put|Update|Modify|Attach|Pass)", a)
    ]
    assert writes == []


def test_the_deploy_role_writes_state_but_never_erases_its_history() -> None:
    """Checkpoints and locks are written and deleted; versions, the bucket and its policy are out of reach."""
    assert allowed(DEPLOY, "s3:PutObject", STATE_OBJECT)
    assert allowed(DEPLOY, "s3:DeleteObject", f"{STATE.bucket}/.pulumi/locks/eu/lock.json")
    assert allowed(DEPLOY, "kms:GenerateDataKey", STATE.state_key)
    for action in (
        "s3:DeleteObjectVersion",
        "s3:PutBucketPolicy",
        "s3:DeleteBucket",
        "s3:PutBucketVersioning",
    ):
        assert not allowed(DEPLOY, action, STATE.bucket) and not allowed(DEPLOY, action, STATE_OBJECT), action


def test_the_deploy_role_decrypts_secrets_but_never_encrypts_with_the_secrets_key() -> None:
    """The stack's data key is encrypted once, by whoever runs `pulumi stack init`; CI only decrypts it."""
    assert allowed(DEPLOY, "kms:Decrypt", STATE.secrets_key)
    for action in ENCRYPTING:
        assert matching(DEPLOY, "Deny", action, STATE.secrets_key), action
        assert not allowed(DEPLOY, action, STATE.secrets_key), action


@pytest.mark.parametrize(
    "action", ["kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:PutKeyPolicy", "kms:CreateGrant"]
)
def test_the_deploy_role_cannot_hand_out_or_destroy_the_bootstrap_keys(action: str) -> None:
    """The region program manages its own keys; the state and secrets keys are denied to it."""
    for key in (STATE.state_key, STATE.secrets_key):
        assert matching(DEPLOY, "Deny", action, key)
        assert not allowed(DEPLOY, action, key)


def test_the_deploy_role_manages_only_the_region_stacks_own_roles() -> None:
    """`eu-*` roles yes; the other region's, the bootstrap's own (including itself) and any other, no."""
    assert allowed(DEPLOY, "iam:CreateRole", "arn:aws:iam::111122223333:role/eu-cluster-role-1a2b3c4")
    for role in ("india-cluster-role-1a2b3c4", "residency-eu-deploy", "residency-eu-preview", "admin"):
        arn = f"arn:aws:iam::111122223333:role/{role}"
        for action in (
            "iam:CreateRole",
            "iam:PutRolePolicy",
            "iam:UpdateAssumeRolePolicy",
            "iam:AttachRolePolicy",
        ):
            assert not allowed(DEPLOY, action, arn), (action, role)


def test_the_deploy_role_attaches_only_the_managed_policies_the_program_uses() -> None:
    """AttachRolePolicy is conditioned on the policy ARN: never AdministratorAccess."""
    (attach,) = matching(DEPLOY, "Allow", "iam:AttachRolePolicy", "arn:aws:iam::111122223333:role/eu-nodes")
    policies = attach["Condition"]["ArnEquals"]["iam:PolicyARN"]
    assert "arn:aws:iam::aws:policy/AdministratorAccess" not in policies
    assert "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy" in policies


def test_the_deploy_role_passes_roles_only_to_the_services_that_use_them() -> None:
    """iam:PassRole on the stack's roles, to EKS, EC2 and flow logs only."""
    (passing,) = matching(DEPLOY, "Allow", "iam:PassRole", "arn:aws:iam::111122223333:role/eu-node-role-1")
    assert passing["Condition"] == {
        "StringEquals": {
            "iam:PassedToService": ["eks.amazonaws.com", "ec2.amazonaws.com", "vpc-flow-logs.amazonaws.com"]
        }
    }


def test_every_regional_allow_of_the_deploy_role_is_pinned_to_its_region() -> None:
    """EC2, EKS, RDS, ELB, Logs and KMS actions on `*` carry aws:RequestedRegion = the stack's region."""
    for statement in DEPLOY["Statement"]:
        if statement["Effect"] != "Allow" or statement.get("Resource") != "*":
            continue
        services = {action.split(":")[0] for action in statement["Action"]}
        if services & {"ec2", "eks", "rds", "elasticloadbalancing", "logs", "kms", "secretsmanager"}:
            condition = statement.get("Condition", {})
            assert condition.get("StringEquals", {}).get("aws:RequestedRegion") == "eu-west-1", statement[
                "Sid"
            ]


def test_the_runner_role_has_nothing_a_job_could_deploy_or_read_state_with() -> None:
    """Its logs and its network interfaces: no state, no key, no role to assume."""
    for action, resource in (
        ("s3:GetObject", STATE_OBJECT),
        ("kms:Decrypt", STATE.secrets_key),
        ("sts:AssumeRole", "arn:aws:iam::111122223333:role/residency-eu-deploy"),
        ("iam:PassRole", "arn:aws:iam::111122223333:role/eu-x"),
    ):
        assert not allowed(RUNNER, action, resource), action
    (interfaces,) = matching(
        RUNNER,
        "Allow",
        "ec2:CreateNetworkInterfacePermission",
        "arn:aws:ec2:eu-west-1:111122223333:network-interface/eni-0a",
    )
    assert interfaces["Condition"]["ArnEquals"]["ec2:Subnet"] == SUBNETS


def test_the_state_bucket_refuses_every_request_without_tls() -> None:
    """A Deny on every S3 action, bucket and objects, when aws:SecureTransport is false."""
    policy = state_bucket_policy(STATE.bucket, STATE.state_key)
    (tls,) = [s for s in policy["Statement"] if s["Sid"] == "DenyInsecureTransport"]
    assert tls["Effect"] == "Deny" and tls["Principal"] == "*" and tls["Action"] == "s3:*"
    assert tls["Resource"] == [STATE.bucket, f"{STATE.bucket}/*"]
    assert tls["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_the_state_bucket_refuses_objects_under_another_key() -> None:
    """Uploads naming another algorithm or another KMS key are denied; the default is the state key."""
    policy = state_bucket_policy(STATE.bucket, STATE.state_key)
    conditions = [s["Condition"] for s in policy["Statement"] if s["Action"] == "s3:PutObject"]
    assert {"StringNotEqualsIfExists": {"s3:x-amz-server-side-encryption": "aws:kms"}} in conditions
    assert {
        "StringNotEqualsIfExists": {"s3:x-amz-server-side-encryption-aws-kms-key-id": STATE.state_key}
    } in conditions


def test_key_policies_delegate_use_without_granting_kms_star() -> None:
    """The account administers and delegates; the state key's use is limited to requests through S3."""
    for policy in (key_policy(ACCOUNT, "State", service="s3"), key_policy(ACCOUNT, "StackSecrets")):
        assert all(action != "kms:*" for action in allow_actions(policy))
        for statement in policy["Statement"]:
            assert statement["Principal"] == {"AWS": "arn:aws:iam::111122223333:root"}
    (use,) = [
        s for s in key_policy(ACCOUNT, "State", service="s3")["Statement"] if "kms:Decrypt" in s["Action"]
    ]
    assert use["Condition"] == {"StringEquals": {"kms:ViaService": "s3.eu-west-1.amazonaws.com"}}


CONNECTION = "arn:aws:ec2:eu-west-1:111122223333:vpc-peering-connection/pcx-0123456789abcdef0"


def test_the_deploy_role_declares_its_side_of_the_peering_connection_in_its_region() -> None:
    """The request (ec2:Create*) and the acceptance, both pinned to the stack's region."""
    for action in ("ec2:CreateVpcPeeringConnection", "ec2:AcceptVpcPeeringConnection"):
        (allow,) = matching(DEPLOY, "Allow", action, CONNECTION)
        assert allow["Condition"] == {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}
    assert not matching(DEPLOY, "Allow", "ec2:AcceptTransitGatewayPeeringAttachment", "*")


@pytest.mark.parametrize(
    ("peers", "vpcs"),
    [
        ((), ["arn:aws:ec2:*:111122223333:vpc/*"]),
        (("444455556666",), ["arn:aws:ec2:*:111122223333:vpc/*", "arn:aws:ec2:*:444455556666:vpc/*"]),
    ],
)
def test_the_deploy_role_peers_only_with_vpcs_of_this_or_a_configured_peer_account(
    peers: tuple[str, ...], vpcs: list[str]
) -> None:
    """A compromised deployment cannot link the PII VPC to a VPC in an account nobody configured."""
    deploy = deploy_permissions(ACCOUNT, STATE, "eu", BOOTSTRAP_ROLES, peers)
    for action, key in (
        ("ec2:CreateVpcPeeringConnection", "ec2:AccepterVpc"),
        ("ec2:AcceptVpcPeeringConnection", "ec2:RequesterVpc"),
    ):
        # The accepting side's connection is the peer's (its region, maybe its account): any ARN is covered.
        for connection in (CONNECTION, "arn:aws:ec2:ap-south-1:444455556666:vpc-peering-connection/pcx-1"):
            (deny,) = matching(deploy, "Deny", action, connection)
            assert deny["Condition"] == {"ArnNotLike": {key: vpcs}}


def test_the_deploy_role_issues_certificates_in_its_region_only() -> None:
    (allow,) = matching(DEPLOY, "Allow", "acm:RequestCertificate", "*")
    assert allow["Condition"] == {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}
    assert not matching(DEPLOY, "Allow", "acm:ExportCertificate", "*")
    assert not matching(DEPLOY, "Allow", "acm:ImportCertificate", "*")


def test_the_load_balancer_controllers_policy_needs_no_new_iam_power() -> None:
    """Its policy is inline on its `eu-*` role (iam:PutRolePolicy): the deploy role creates no managed one."""
    controller_role = "arn:aws:iam::111122223333:role/eu-load-balancer-controller-1a2b3c4"
    assert allowed(DEPLOY, "iam:CreateRole", controller_role)
    assert allowed(DEPLOY, "iam:PutRolePolicy", controller_role)
    for action in ("iam:CreatePolicy", "iam:CreatePolicyVersion"):
        policy = "arn:aws:iam::111122223333:policy/eu-load-balancer-controller"
        assert not allowed(DEPLOY, action, policy), action


def test_the_preview_role_looks_up_the_requested_peering_connection_in_its_region() -> None:
    (allow,) = matching(PREVIEW, "Allow", "ec2:DescribeVpcPeeringConnections", "*")
    assert allow["Condition"] == {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}
