"""GitHubRoles: the account's GitHub OIDC provider (or a reference to it) and the region's two CI roles.

- **preview** (`<prefix>-preview`): trusted only for `pull_request` jobs of the configured repository; reads
  state, decrypts, looks up; explicitly denied every state write and every encryption with the bootstrap keys.
- **deploy** (`<prefix>-deploy`): trusted only for jobs in the region's GitHub environment (which admits only
  `main`, see the README); writes state and deploys the region stack's own names in its region.

IAM holds one OIDC provider per issuer URL and account, so exactly one bootstrap stack per account declares it
(`github.createOidcProvider: true`); the others name it by the ARN IAM derives from its URL.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from .documents import (
    AUDIENCE,
    Account,
    StateBackendArns,
    deploy_permissions,
    deploy_subject,
    github_trust,
    preview_permissions,
    preview_subject,
)
from .settings import OIDC_HOST

MAX_SESSION_SECONDS = 3600
"""One hour: a deployment longer than that refreshes its credentials (configure-aws-credentials does)."""


@dataclass(frozen=True)
class GitHubRolesArgs:
    """Who may assume the roles and what they act on."""

    account: pulumi.Output[Account]
    repository: str
    deploy_environment: str
    create_oidc_provider: bool
    name_prefix: str
    region_stack: str
    state: pulumi.Output[StateBackendArns]
    peer_account_ids: tuple[str, ...] = ()
    """Accounts besides this one whose VPCs the region stack may peer with."""


class GitHubRoles(pulumi.ComponentResource):
    """The OIDC provider (when this stack owns it) and the preview and deploy roles."""

    oidc_provider_arn: pulumi.Output[str]
    preview_role_arn: pulumi.Output[str]
    deploy_role_arn: pulumi.Output[str]

    def __init__(self, name: str, args: GitHubRolesArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("residency:bootstrap:GitHubRoles", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        if args.create_oidc_provider:
            provider = aws.iam.OpenIdConnectProvider(
                f"{name}-github",
                url=f"https://{OIDC_HOST}",
                client_id_lists=[AUDIENCE],
                # No thumbprint: IAM verifies GitHub's issuer through its own library of trusted CAs.
                opts=child,
            )
            provider_arn: pulumi.Output[str] = provider.arn
        else:
            provider_arn = args.account.apply(lambda account: account.oidc_provider_arn)

        bootstrap_roles = args.account.apply(lambda account: account.iam("role/residency-*"))

        preview = aws.iam.Role(
            f"{name}-preview",
            name=f"{args.name_prefix}-preview",
            description=f"Pull-request previews of {args.repository} (read-only, no state write)",
            assume_role_policy=provider_arn.apply(
                lambda arn: json.dumps(github_trust(arn, preview_subject(args.repository)))
            ),
            max_session_duration=MAX_SESSION_SECONDS,
            opts=child,
        )
        aws.iam.RolePolicy(
            f"{name}-preview",
            role=preview.id,
            policy=pulumi.Output.all(args.account, args.state, bootstrap_roles).apply(
                lambda values: json.dumps(preview_permissions(values[0], values[1], values[2]))
            ),
            opts=child,
        )

        deploy = aws.iam.Role(
            f"{name}-deploy",
            name=f"{args.name_prefix}-deploy",
            description=f"Deployments of {args.repository} from the {args.deploy_environment} environment",
            assume_role_policy=provider_arn.apply(
                lambda arn: json.dumps(
                    github_trust(arn, deploy_subject(args.repository, args.deploy_environment))
                )
            ),
            max_session_duration=MAX_SESSION_SECONDS,
            opts=child,
        )
        aws.iam.RolePolicy(
            f"{name}-deploy",
            role=deploy.id,
            policy=pulumi.Output.all(args.account, args.state, bootstrap_roles).apply(
                lambda values: json.dumps(
                    deploy_permissions(
                        values[0], values[1], args.region_stack, values[2], args.peer_account_ids
                    )
                )
            ),
            opts=child,
        )

        self.oidc_provider_arn = provider_arn
        self.preview_role_arn = preview.arn
        self.deploy_role_arn = deploy.arn
        self.register_outputs(
            {
                "oidcProviderArn": self.oidc_provider_arn,
                "previewRoleArn": self.preview_role_arn,
                "deployRoleArn": self.deploy_role_arn,
            }
        )
