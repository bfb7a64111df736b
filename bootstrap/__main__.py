"""Bootstrap of one region: `pulumi up -C bootstrap -s eu` (eu-west-1) or `-s india` (ap-south-1).

Declares what the region stack's delivery stands on, in the region: the Pulumi state bucket and its key,
the `awskms://` secrets key, the GitHub OIDC provider (in one stack per account), the preview and deploy
roles, and the in-region CodeBuild runner whose one NAT address is the region stack's `apiPublicCidrs`.
Stack config -> one validated settings object -> components -> exports, as in the region program.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from residency_bootstrap.documents import Account, StateBackendArns
from residency_bootstrap.github_roles import GitHubRoles, GitHubRolesArgs
from residency_bootstrap.runner import DeployRunner, DeployRunnerArgs
from residency_bootstrap.settings import load_stack_settings
from residency_bootstrap.state_backend import StateBackend, StateBackendArgs

settings = load_stack_settings()
name = settings.name_prefix

aws_provider = aws.Provider(
    f"aws-{settings.region}",
    region=settings.region,
    default_tags={"tags": settings.default_tags},
)
in_region = pulumi.ResourceOptions(providers=[aws_provider])
invoke_in_region = pulumi.InvokeOutputOptions(provider=aws_provider)

identity = aws.get_caller_identity_output(opts=invoke_in_region)
partition = aws.get_partition_output(opts=invoke_in_region)
account = pulumi.Output.all(partition.partition, identity.account_id).apply(
    lambda values: Account(partition=values[0], account_id=values[1], region=settings.region)
)

state = StateBackend(
    name,
    StateBackendArgs(account=account, bucket_name=settings.state_bucket_name, name_prefix=name),
    opts=in_region,
)
roles = GitHubRoles(
    name,
    GitHubRolesArgs(
        account=account,
        repository=settings.github.repository,
        deploy_environment=settings.github.deploy_environment,
        create_oidc_provider=settings.github.create_oidc_provider,
        name_prefix=name,
        region_stack=settings.region_stack,
        peer_account_ids=settings.peer_account_ids,
        state=pulumi.Output.all(state.bucket_arn, state.state_key_arn, state.secrets_key_arn).apply(
            lambda values: StateBackendArns(bucket=values[0], state_key=values[1], secrets_key=values[2])
        ),
    ),
    opts=in_region,
)
runner = DeployRunner(
    name,
    DeployRunnerArgs(
        account=account,
        repository=settings.github.repository,
        project_name=f"{name}-runner",
        vpc_cidr=settings.runner.vpc_cidr,
        compute_type=settings.runner.compute_type,
        build_timeout_minutes=settings.runner.build_timeout_minutes,
        github_token=pulumi.Output.secret(settings.github_token) if settings.github_token else None,
    ),
    opts=in_region,
)

# What the workflow and the region stack are configured with (README, Deploying for real).
pulumi.export("region", settings.region)
pulumi.export("stateBucket", state.bucket_name)
pulumi.export("backendUrl", state.bucket_name.apply(lambda bucket: f"s3://{bucket}?region={settings.region}"))
pulumi.export(
    "secretsProvider",
    state.secrets_key_alias.apply(lambda alias: f"awskms://{alias}?region={settings.region}"),
)
pulumi.export("previewRoleArn", roles.preview_role_arn)
pulumi.export("deployRoleArn", roles.deploy_role_arn)
pulumi.export("oidcProviderArn", roles.oidc_provider_arn)
pulumi.export("runnerProject", runner.project_name)
# The region stack's residency:cluster.apiPublicCidrs: the one address the EKS API admits.
pulumi.export("runnerEgressCidr", runner.egress_cidr)
