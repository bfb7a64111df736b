"""The bootstrap program from its real stack files under Pulumi's mocks: what each stack declares.

The policy documents themselves are judged in test_documents.py; here: that the registered resources carry
them with this stack's ARNs, and the bucket, key, role, runner and provider properties.
"""

from __future__ import annotations

import json
from functools import cache

import pytest

from residency_bootstrap.documents import (
    Account,
    StateBackendArns,
    deploy_permissions,
    github_trust,
    preview_permissions,
)
from residency_bootstrap.settings import GITHUB_TOKEN_KEY
from tests.bootstrap.harness import ACCOUNT_ID, EGRESS_ADDRESS, BootstrapRun, run_bootstrap, unwrap

STACKS = {"eu": "eu-west-1", "india": "ap-south-1"}


@cache
def _run(stack: str) -> BootstrapRun:
    return run_bootstrap(stack)


@pytest.mark.parametrize("stack", STACKS)
def test_every_aws_resource_goes_through_the_one_region_pinned_provider(stack: str) -> None:
    """One explicit provider in the stack's region with the jurisdiction's default tags, for everything."""
    run = _run(stack)
    (provider,) = run.of_type("pulumi:providers:aws")
    assert provider.inputs["region"] == STACKS[stack]
    tags = (
        json.loads(provider.inputs["defaultTags"])
        if isinstance(provider.inputs["defaultTags"], str)
        else None
    )
    tags = tags or provider.inputs["defaultTags"]
    assert tags["tags"]["jurisdiction"] == {"eu": "EU", "india": "IN"}[stack]
    for registration in run.registrations:
        if registration.custom and registration.type.startswith("aws:"):
            assert registration.provider_urn == provider.urn, registration.name


@pytest.mark.parametrize("stack", STACKS)
def test_the_state_bucket_is_versioned_encrypted_in_region_private_tls_only_and_protected(stack: str) -> None:
    """Bucket, versioning, SSE-KMS with the in-region state key, public access block, ownership, policy."""
    run = _run(stack)
    bucket = run.one("aws:s3/bucket:Bucket")
    assert bucket.protect and bucket.inputs["forceDestroy"] is False
    assert bucket.inputs["bucket"] == f"example-org-residency-state-{stack}"
    assert bucket.inputs["tags"] == {"data-classification": "internal"}
    assert run.provider_region(bucket) == STACKS[stack]

    versioning = run.one("aws:s3/bucketVersioning:BucketVersioning")
    assert versioning.inputs["versioningConfiguration"] == {"status": "Enabled"}
    state_key = run.one("aws:kms/key:Key", "-state-key")
    (rule,) = run.one(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
    ).inputs["rules"]
    assert rule["applyServerSideEncryptionByDefault"] == {
        "sseAlgorithm": "aws:kms",
        "kmsMasterKeyId": f"arn:aws:kms:{STACKS[stack]}:{ACCOUNT_ID}:key/{state_key.name}-key-id",
    }
    assert rule["bucketKeyEnabled"] is True
    block = run.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs
    assert all(block[flag] is True for flag in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls",
                                                "restrictPublicBuckets"))  # fmt: skip
    ownership = run.one("aws:s3/bucketOwnershipControls:BucketOwnershipControls")
    assert ownership.inputs["rule"] == {"objectOwnership": "BucketOwnerEnforced"}
    policy = run.document(run.one("aws:s3/bucketPolicy:BucketPolicy"))
    tls = next(s for s in policy["Statement"] if s["Sid"] == "DenyInsecureTransport")
    assert tls["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    for part in (versioning, ownership, run.one("aws:s3/bucketPolicy:BucketPolicy")):
        assert part.inputs["bucket"] == f"{bucket.name}-id", part.type


@pytest.mark.parametrize("stack", STACKS)
def test_both_keys_are_single_region_rotated_protected_and_aliased_for_awskms(stack: str) -> None:
    """The state key and the secrets-provider key; the exported secrets provider names the alias."""
    run = _run(stack)
    keys = run.of_type("aws:kms/key:Key")
    assert {key.name for key in keys} == {f"residency-{stack}-state-key", f"residency-{stack}-secrets-key"}
    for key in keys:
        assert key.protect
        assert key.inputs["multiRegion"] is False and key.inputs["enableKeyRotation"] is True
        assert key.inputs["deletionWindowInDays"] == 30
        assert run.provider_region(key) == STACKS[stack]
        statements = run.document(key)["Statement"]
        assert all(s["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"} for s in statements)
    aliases = {alias.inputs["name"] for alias in run.of_type("aws:kms/alias:Alias")}
    assert aliases == {f"alias/residency-{stack}-state", f"alias/residency-{stack}-secrets"}
    assert (
        run.outputs["secretsProvider"] == f"awskms://alias/residency-{stack}-secrets?region={STACKS[stack]}"
    )
    assert run.outputs["backendUrl"] == f"s3://example-org-residency-state-{stack}?region={STACKS[stack]}"


def test_only_the_eu_stack_declares_the_github_oidc_provider() -> None:
    """The eu stack owns the account's provider (audience sts.amazonaws.com); india names its ARN."""
    (provider,) = _run("eu").of_type("aws:iam/openIdConnectProvider:OpenIdConnectProvider")
    assert provider.inputs["url"] == "https://token.actions.githubusercontent.com"
    assert provider.inputs["clientIdLists"] == ["sts.amazonaws.com"]
    india = _run("india")
    assert india.of_type("aws:iam/openIdConnectProvider:OpenIdConnectProvider") == []
    assert india.outputs["oidcProviderArn"] == (
        f"arn:aws:iam::{ACCOUNT_ID}:oidc-provider/token.actions.githubusercontent.com"
    )


@pytest.mark.parametrize("stack", STACKS)
def test_the_roles_carry_exactly_the_trust_of_their_event(stack: str) -> None:
    """preview: pull_request of the repository; deploy: the stack's environment; one role each."""
    run = _run(stack)
    provider_arn = unwrap(run.outputs["oidcProviderArn"])
    preview = run.one("aws:iam/role:Role", "-preview")
    deploy = run.one("aws:iam/role:Role", "-deploy")
    assert preview.inputs["name"] == f"residency-{stack}-preview"
    assert deploy.inputs["name"] == f"residency-{stack}-deploy"
    assert run.document(preview, "assumeRolePolicy") == github_trust(
        provider_arn, "repo:example-org/residency:pull_request"
    )
    assert run.document(deploy, "assumeRolePolicy") == github_trust(
        provider_arn, f"repo:example-org/residency:environment:{stack}"
    )


@pytest.mark.parametrize("stack", STACKS)
def test_the_roles_policies_name_this_stacks_bucket_and_keys(stack: str) -> None:
    """The registered inline policies are the documented ones, built from this stack's real ARNs."""
    run = _run(stack)
    region = STACKS[stack]
    account = Account("aws", ACCOUNT_ID, region)
    state = StateBackendArns(
        bucket=f"arn:aws:s3:{region}:{ACCOUNT_ID}:residency-{stack}-state",
        state_key=f"arn:aws:kms:{region}:{ACCOUNT_ID}:key/residency-{stack}-state-key-key-id",
        secrets_key=f"arn:aws:kms:{region}:{ACCOUNT_ID}:key/residency-{stack}-secrets-key-key-id",
    )
    roles = f"arn:aws:iam::{ACCOUNT_ID}:role/residency-*"
    assert run.document(run.one("aws:iam/rolePolicy:RolePolicy", "-preview")) == preview_permissions(
        account, state, roles
    )
    assert run.document(run.one("aws:iam/rolePolicy:RolePolicy", "-deploy")) == deploy_permissions(
        account, state, stack, roles
    )
    preview_policy = run.one("aws:iam/rolePolicy:RolePolicy", "-preview")
    assert preview_policy.inputs["role"] == f"residency-{stack}-preview-id"


@pytest.mark.parametrize("stack", STACKS)
def test_the_runner_leaves_the_region_through_one_nat_address_only(stack: str) -> None:
    """Builds in private subnets routed only to one NAT gateway whose protected Elastic IP is exported /32."""
    run = _run(stack)
    address = run.one("aws:ec2/eip:Eip")
    assert address.protect and address.inputs["domain"] == "vpc"
    (nat,) = run.of_type("aws:ec2/natGateway:NatGateway")
    assert nat.inputs["allocationId"] == f"eipalloc-{address.name}"
    private = run.one("aws:ec2/routeTable:RouteTable", "-private")
    assert private.inputs["routes"] == [{"cidrBlock": "0.0.0.0/0", "natGatewayId": f"{nat.name}-id"}]
    private_subnets = {s.name for s in run.of_type("aws:ec2/subnet:Subnet") if "-private-" in s.name}
    project = run.one("aws:codebuild/project:Project")
    assert set(project.inputs["vpcConfig"]["subnets"]) == {f"{name}-id" for name in private_subnets}
    assert len(private_subnets) == 2
    for subnet in run.of_type("aws:ec2/subnet:Subnet"):
        assert subnet.inputs.get("mapPublicIpOnLaunch") in (None, False), subnet.name
    assert run.outputs["runnerEgressCidr"] == f"{EGRESS_ADDRESS}/32"


@pytest.mark.parametrize("stack", STACKS)
def test_the_runner_accepts_nothing_and_sends_only_https(stack: str) -> None:
    """Its security group has no ingress and one egress rule: TCP 443."""
    group = _run(stack).one("aws:ec2/securityGroup:SecurityGroup").inputs
    assert not group.get("ingress")
    assert [(rule["protocol"], rule["fromPort"], rule["toPort"]) for rule in group["egress"]] == [
        ("tcp", 443, 443)
    ]


@pytest.mark.parametrize("stack", STACKS)
def test_the_runner_project_runs_as_its_own_weak_role_and_logs_in_region(stack: str) -> None:
    """Not privileged, the runner role (trusted for this project only), a log group with retention."""
    run = _run(stack)
    project = run.one("aws:codebuild/project:Project").inputs
    role = run.one("aws:iam/role:Role", "-runner")
    assert project["serviceRole"] == f"arn:aws:iam:{STACKS[stack]}:{ACCOUNT_ID}:{role.name}"
    assert project["environment"]["privilegedMode"] is False
    assert project["source"]["location"] == "https://github.com/example-org/residency.git"
    (trust,) = run.document(role, "assumeRolePolicy")["Statement"]
    assert trust["Condition"]["ArnEquals"]["aws:SourceArn"] == (
        f"arn:aws:codebuild:{STACKS[stack]}:{ACCOUNT_ID}:project/residency-{stack}-runner"
    )
    log_group = run.one("aws:cloudwatch/logGroup:LogGroup").inputs
    assert log_group["name"] == f"/aws/codebuild/residency-{stack}-runner"
    assert log_group["retentionInDays"] == 90
    assert project["logsConfig"]["cloudwatchLogs"]["groupName"] == log_group["name"]


def test_without_a_github_token_the_runner_gets_no_webhook_and_says_so() -> None:
    """Phase one (no secrets key yet): no credential, no webhook, and a warning that says why."""
    run = _run("eu")
    assert run.of_type("aws:codebuild/sourceCredential:SourceCredential") == []
    assert run.of_type("aws:codebuild/webhook:Webhook") == []
    assert any("githubToken" in warning for warning in run.warnings)


def test_with_a_github_token_the_runner_registers_for_queued_workflow_jobs() -> None:
    """The token is sent as a secret; the webhook fires on WORKFLOW_JOB_QUEUED for this project."""
    run = run_bootstrap("eu", secrets={GITHUB_TOKEN_KEY: "github_pat_example"})
    credential = run.one("aws:codebuild/sourceCredential:SourceCredential")
    assert credential.inputs["serverType"] == "GITHUB"
    assert credential.inputs["authType"] == "PERSONAL_ACCESS_TOKEN"
    webhook = run.one("aws:codebuild/webhook:Webhook").inputs
    assert webhook["projectName"] == "residency-eu-runner"
    assert webhook["filterGroups"] == [{"filters": [{"type": "EVENT", "pattern": "WORKFLOW_JOB_QUEUED"}]}]
    assert not run.warnings
