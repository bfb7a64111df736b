"""Every IAM, KMS and S3 policy document the bootstrap declares, as plain functions of plain strings.

Kept apart from the resources so that each statement can be read, explained and tested on its own: the
components only resolve ARNs and pass them in. Each statement has a `Sid` that says what it is for. No Allow
names `*` or a whole service (`ec2:*`); an Allow on `Resource: "*"` is limited to the region or is on actions
that take no resource ARN (a key policy's `"*"` is the key itself).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .settings import OIDC_HOST

Document = dict[str, Any]
Statement = dict[str, Any]

AUDIENCE = "sts.amazonaws.com"
"""The audience aws-actions/configure-aws-credentials requests the GitHub token for."""

STATE_PREFIX = ".pulumi/"
"""Where Pulumi's S3 (DIY) backend keeps everything: stacks, history, backups, locks, meta.yaml."""

# Keys: the administrative actions AWS lists for key administrators (no use of the key for data).
KEY_ADMINISTRATION = [
    "kms:CancelKeyDeletion",
    "kms:Create*",
    "kms:Delete*",
    "kms:Describe*",
    "kms:Disable*",
    "kms:Enable*",
    "kms:Get*",
    "kms:List*",
    "kms:Put*",
    "kms:Revoke*",
    "kms:RotateKeyOnDemand",
    "kms:ScheduleKeyDeletion",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:Update*",
]
KEY_USE = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"]
KMS_ENCRYPTING = ["kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"]
"""What would let a principal produce ciphertext under a key: the preview role must have none of it."""

STATE_WRITES = [
    "s3:DeleteObject",
    "s3:DeleteObjectVersion",
    "s3:PutObject",
    "s3:PutObjectAcl",
    "s3:PutObjectRetention",
    "s3:PutObjectVersionAcl",
    "s3:RestoreObject",
]
"""Object writes on the state bucket: the preview role is denied all of them explicitly."""

BUCKET_GUARDS = [
    "s3:DeleteBucket",
    "s3:DeleteBucketPolicy",
    "s3:DeleteObjectVersion",
    "s3:PutBucketAcl",
    "s3:PutBucketOwnershipControls",
    "s3:PutBucketPolicy",
    "s3:PutBucketPublicAccessBlock",
    "s3:PutBucketVersioning",
    "s3:PutEncryptionConfiguration",
    "s3:PutLifecycleConfiguration",
    "s3:PutReplicationConfiguration",
]
"""What would weaken the state bucket or erase its history: no CI role may do any of it."""

KEY_GUARDS = [
    "kms:CreateGrant",
    "kms:DisableKey",
    "kms:PutKeyPolicy",
    "kms:ScheduleKeyDeletion",
    "kms:UpdatePrimaryRegion",
]
"""What would hand out, disable or destroy the bootstrap keys: no CI role may do any of it."""

MANAGED_POLICIES = (
    "AmazonEKSClusterPolicy",
    "AmazonEKSWorkerNodePolicy",
    "AmazonEKS_CNI_Policy",
    "AmazonEC2ContainerRegistryPullOnly",
    "service-role/AmazonEBSCSIDriverPolicy",
)
"""The AWS-managed policies RegionalCluster attaches; the deploy role may attach no other AWS-managed one."""

PASSED_TO_SERVICES = ("eks.amazonaws.com", "ec2.amazonaws.com", "vpc-flow-logs.amazonaws.com")
"""The services the region program passes its own roles to (cluster, nodes, flow logs)."""

SERVICE_LINKED_ROLES = (
    "eks.amazonaws.com",
    "eks-nodegroup.amazonaws.com",
    "elasticloadbalancing.amazonaws.com",
    "rds.amazonaws.com",
    "autoscaling.amazonaws.com",
)
"""Service-linked roles a first deployment in an empty account creates."""


@dataclass(frozen=True)
class Account:
    """Where the documents apply: the partition, the account and the region."""

    partition: str
    account_id: str
    region: str

    @property
    def root(self) -> str:
        """The account principal: names the account in a key policy so IAM policies can delegate."""
        return f"arn:{self.partition}:iam::{self.account_id}:root"

    def iam(self, resource: str) -> str:
        """An IAM ARN in this account."""
        return f"arn:{self.partition}:iam::{self.account_id}:{resource}"

    @property
    def oidc_provider_arn(self) -> str:
        """The GitHub OIDC provider's ARN, fixed by its URL: a stack that does not own it still knows it."""
        return self.iam(f"oidc-provider/{OIDC_HOST}")

    def codebuild_project_arn(self, name: str) -> str:
        """A CodeBuild project's ARN, fixed by its name: the runner role's trust names it before it exists."""
        return f"arn:{self.partition}:codebuild:{self.region}:{self.account_id}:project/{name}"


def document(statements: Sequence[Statement]) -> Document:
    """A policy document with the current policy language version."""
    return {"Version": "2012-10-17", "Statement": list(statements)}


def _in_region(account: Account) -> dict[str, Any]:
    return {"StringEquals": {"aws:RequestedRegion": account.region}}


# --- Trust policies ---


def preview_subject(repository: str) -> str:
    """The `sub` claim of a job triggered by a pull request of `repository` (GitHub's default format)."""
    return f"repo:{repository}:pull_request"


def deploy_subject(repository: str, environment: str) -> str:
    """The `sub` claim of a job that runs in a GitHub environment of `repository`."""
    return f"repo:{repository}:environment:{environment}"


def github_trust(provider_arn: str, subject: str) -> Document:
    """Trust GitHub's OIDC tokens issued for exactly this audience and subject, nothing wider."""
    return document(
        [
            {
                "Sid": "GitHubActionsOidc",
                "Effect": "Allow",
                "Principal": {"Federated": provider_arn},
                "Action": "sts:AssumeRoleWithWebIdentity",
                # StringEquals, never StringLike: a wildcard in `sub` would admit other branches, events or
                # repositories.
                "Condition": {
                    "StringEquals": {f"{OIDC_HOST}:aud": AUDIENCE, f"{OIDC_HOST}:sub": subject},
                },
            }
        ]
    )


def codebuild_trust(account: Account, project_arn: str) -> Document:
    """Trust CodeBuild only for builds of this one project in this account (no confused deputy)."""
    return document(
        [
            {
                "Sid": "CodeBuildProjectOnly",
                "Effect": "Allow",
                "Principal": {"Service": "codebuild.amazonaws.com"},
                "Action": "sts:AssumeRole",
                "Condition": {
                    "StringEquals": {"aws:SourceAccount": account.account_id},
                    "ArnEquals": {"aws:SourceArn": project_arn},
                },
            }
        ]
    )


# --- Resource policies ---


def key_policy(account: Account, purpose: str, service: str | None = None) -> Document:
    """A bootstrap key's policy: the account administers it and may delegate its use through IAM policies.

    `service` (e.g. "s3") limits that use to requests the service makes on a caller's behalf in this region.
    """
    use: Statement = {
        "Sid": f"UseFor{purpose}ThroughIamPolicies",
        "Effect": "Allow",
        "Principal": {"AWS": account.root},
        "Action": KEY_USE,
        "Resource": "*",
    }
    if service is not None:
        use["Condition"] = {"StringEquals": {"kms:ViaService": f"{service}.{account.region}.amazonaws.com"}}
    return document(
        [
            {
                # Without it nobody could ever change the policy again (KMS refuses a lock-out policy anyway).
                "Sid": "AccountAdministersKey",
                "Effect": "Allow",
                "Principal": {"AWS": account.root},
                "Action": KEY_ADMINISTRATION,
                "Resource": "*",
            },
            use,
        ]
    )


def state_bucket_policy(bucket_arn: str, state_key_arn: str) -> Document:
    """TLS only, and no object encrypted otherwise than with the state key."""
    return document(
        [
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [bucket_arn, f"{bucket_arn}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            },
            {
                # Uploads without an encryption header get the default (the state key); uploads that name
                # another algorithm or key are refused.
                "Sid": "DenyOtherEncryption",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:PutObject",
                "Resource": f"{bucket_arn}/*",
                "Condition": {
                    "StringNotEqualsIfExists": {"s3:x-amz-server-side-encryption": "aws:kms"},
                },
            },
            {
                "Sid": "DenyOtherKey",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:PutObject",
                "Resource": f"{bucket_arn}/*",
                "Condition": {
                    "StringNotEqualsIfExists": {
                        "s3:x-amz-server-side-encryption-aws-kms-key-id": state_key_arn
                    },
                },
            },
        ]
    )


# --- Role permissions ---


@dataclass(frozen=True)
class StateBackendArns:
    """The ARNs of what a CI role reads or writes: the state bucket and the two keys."""

    bucket: str
    state_key: str
    secrets_key: str


def _state_read(account: Account, state: StateBackendArns) -> list[Statement]:
    return [
        {
            # The backend lists `.pulumi/` to find stacks, history and locks.
            "Sid": "ListState",
            "Effect": "Allow",
            "Action": "s3:ListBucket",
            "Resource": state.bucket,
        },
        {
            "Sid": "ReadState",
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": f"{state.bucket}/{STATE_PREFIX}*",
        },
        {
            # S3 decrypts SSE-KMS objects with the caller's permission on the key; only through S3.
            "Sid": "DecryptStateThroughS3",
            "Effect": "Allow",
            "Action": "kms:Decrypt",
            "Resource": state.state_key,
            "Condition": {"StringEquals": {"kms:ViaService": f"s3.{account.region}.amazonaws.com"}},
        },
        {
            # `awskms://` secrets: the CLI decrypts the stack's data key once per run; it never encrypts.
            "Sid": "DecryptStackSecrets",
            "Effect": "Allow",
            "Action": "kms:Decrypt",
            "Resource": state.secrets_key,
        },
    ]


def _never_tamper(state: StateBackendArns, bootstrap_role_pattern: str) -> list[Statement]:
    return [
        {
            "Sid": "NeverWeakenStateBucket",
            "Effect": "Deny",
            "Action": BUCKET_GUARDS,
            "Resource": [state.bucket, f"{state.bucket}/*"],
        },
        {
            "Sid": "NeverHandOutOrDestroyBootstrapKeys",
            "Effect": "Deny",
            "Action": KEY_GUARDS,
            "Resource": [state.state_key, state.secrets_key],
        },
        {
            # The bootstrap's own roles (this one included) are changed by the bootstrap program only.
            "Sid": "NeverChangeBootstrapRoles",
            "Effect": "Deny",
            "Action": [
                "iam:AttachRolePolicy",
                "iam:DeleteRole",
                "iam:DeleteRolePermissionsBoundary",
                "iam:DeleteRolePolicy",
                "iam:DetachRolePolicy",
                "iam:PutRolePermissionsBoundary",
                "iam:PutRolePolicy",
                "iam:UpdateAssumeRolePolicy",
                "iam:UpdateRole",
            ],
            "Resource": bootstrap_role_pattern,
        },
    ]


def preview_permissions(account: Account, state: StateBackendArns, bootstrap_role_pattern: str) -> Document:
    """What `pulumi preview` of the region stack needs: read state, decrypt, look up; never write."""
    return document(
        [
            *_state_read(account, state),
            {
                # The program's invokes: aws.get_availability_zones (get_region answers from the provider),
                # and the accepting side's look-up of the peering connection its peer requested.
                "Sid": "RegionLookups",
                "Effect": "Allow",
                "Action": [
                    "ec2:DescribeAvailabilityZones",
                    "ec2:DescribeRegions",
                    "ec2:DescribeVpcPeeringConnections",
                ],
                "Resource": "*",
                "Condition": _in_region(account),
            },
            {
                # aws.route53.get_zone: Route 53 is global; a lookup by name takes no zone ARN.
                "Sid": "HostedZoneLookup",
                "Effect": "Allow",
                "Action": [
                    "route53:GetHostedZone",
                    "route53:ListHostedZones",
                    "route53:ListHostedZonesByName",
                    "route53:ListTagsForResource",
                ],
                "Resource": "*",
            },
            # Explicit denies: a later edit that adds a broad Allow still cannot make the preview role write.
            {
                "Sid": "NeverWriteState",
                "Effect": "Deny",
                "Action": STATE_WRITES,
                "Resource": [state.bucket, f"{state.bucket}/*"],
            },
            {
                "Sid": "NeverEncryptWithBootstrapKeys",
                "Effect": "Deny",
                "Action": KMS_ENCRYPTING,
                "Resource": [state.state_key, state.secrets_key],
            },
            *_never_tamper(state, bootstrap_role_pattern),
        ]
    )


def deploy_permissions(
    account: Account,
    state: StateBackendArns,
    region_stack: str,
    bootstrap_role_pattern: str,
    peer_account_ids: Sequence[str] = (),
) -> Document:
    """What `pulumi up` of the region stack needs, in its region and on its own names only.

    `peer_account_ids`: the accounts besides this one whose VPCs the region stack may peer with.
    """
    partition = account.partition
    own = f"{region_stack}-*"
    regional = _in_region(account)
    peer_vpcs = [
        f"arn:{partition}:ec2:*:{owner}:vpc/*"
        for owner in dict.fromkeys([account.account_id, *peer_account_ids])
    ]
    # Any region and owner: the Deny must hold for the accepting side too, where the connection is the peer's.
    connections = f"arn:{partition}:ec2:*:*:vpc-peering-connection/*"
    return document(
        [
            *_state_read(account, state),
            {
                # Checkpoints, history, backups and the update lock (deleted when the update ends).
                "Sid": "WriteState",
                "Effect": "Allow",
                "Action": ["s3:PutObject", "s3:DeleteObject"],
                "Resource": f"{state.bucket}/{STATE_PREFIX}*",
            },
            {
                # S3 encrypts new checkpoints with the state key on the caller's behalf.
                "Sid": "EncryptStateThroughS3",
                "Effect": "Allow",
                "Action": "kms:GenerateDataKey",
                "Resource": state.state_key,
                "Condition": {"StringEquals": {"kms:ViaService": f"s3.{account.region}.amazonaws.com"}},
            },
            {
                # RegionalCluster's VPC, subnets, NAT, routes, security groups, flow logs, launch template,
                # and its side of the peering connection (the request, or its acceptance).
                "Sid": "NetworkInRegion",
                "Effect": "Allow",
                "Action": [
                    "ec2:AcceptVpcPeeringConnection",
                    "ec2:Allocate*",
                    "ec2:Associate*",
                    "ec2:Attach*",
                    "ec2:Authorize*",
                    "ec2:Create*",
                    "ec2:Delete*",
                    "ec2:Describe*",
                    "ec2:Detach*",
                    "ec2:Disassociate*",
                    "ec2:Get*",
                    "ec2:Modify*",
                    "ec2:Release*",
                    "ec2:Replace*",
                    "ec2:Revoke*",
                ],
                "Resource": "*",
                "Condition": regional,
            },
            {
                # The cluster, its add-ons, access entries and managed node group.
                "Sid": "KubernetesClusterInRegion",
                "Effect": "Allow",
                "Action": [
                    "eks:Associate*",
                    "eks:Create*",
                    "eks:Delete*",
                    "eks:Describe*",
                    "eks:Disassociate*",
                    "eks:List*",
                    "eks:TagResource",
                    "eks:UntagResource",
                    "eks:Update*",
                ],
                "Resource": "*",
                "Condition": regional,
            },
            {
                # PiiDatabase: the instance, subnet group, parameter group; its master secret is RDS-managed.
                "Sid": "PiiDatabaseInRegion",
                "Effect": "Allow",
                "Action": [
                    "rds:AddTagsToResource",
                    "rds:Create*",
                    "rds:Delete*",
                    "rds:Describe*",
                    "rds:List*",
                    "rds:Modify*",
                    "rds:RemoveTagsFromResource",
                    "secretsmanager:CreateSecret",
                    "secretsmanager:DescribeSecret",
                    "secretsmanager:TagResource",
                ],
                "Resource": "*",
                "Condition": regional,
            },
            {
                # A peering connection links only to VPCs of this account or of a configured peer account,
                # whichever way it is made: never to a VPC elsewhere, whatever the Allows above permit.
                "Sid": "NeverRequestPeeringOutsideKnownAccounts",
                "Effect": "Deny",
                "Action": "ec2:CreateVpcPeeringConnection",
                "Resource": connections,
                "Condition": {"ArnNotLike": {"ec2:AccepterVpc": peer_vpcs}},
            },
            {
                "Sid": "NeverAcceptPeeringFromOutsideKnownAccounts",
                "Effect": "Deny",
                "Action": "ec2:AcceptVpcPeeringConnection",
                "Resource": connections,
                "Condition": {"ArnNotLike": {"ec2:RequesterVpc": peer_vpcs}},
            },
            {
                # LoadBalancer's certificate for the latency and region-pinned hostnames, validated by DNS.
                "Sid": "CertificatesInRegion",
                "Effect": "Allow",
                "Action": [
                    "acm:AddTagsToCertificate",
                    "acm:DeleteCertificate",
                    "acm:DescribeCertificate",
                    "acm:ListTagsForCertificate",
                    "acm:RemoveTagsFromCertificate",
                    "acm:RequestCertificate",
                    "acm:UpdateCertificateOptions",
                ],
                "Resource": "*",
                "Condition": regional,
            },
            {
                # The regional ALB, its listeners and target group.
                "Sid": "LoadBalancerInRegion",
                "Effect": "Allow",
                "Action": [
                    "elasticloadbalancing:Add*",
                    "elasticloadbalancing:Create*",
                    "elasticloadbalancing:Delete*",
                    "elasticloadbalancing:Describe*",
                    "elasticloadbalancing:Modify*",
                    "elasticloadbalancing:Remove*",
                    "elasticloadbalancing:Set*",
                ],
                "Resource": "*",
                "Condition": regional,
            },
            {
                # Control-plane, flow and database log groups with retention and their keys.
                "Sid": "LogGroupsInRegion",
                "Effect": "Allow",
                "Action": [
                    "logs:AssociateKmsKey",
                    "logs:CreateLogGroup",
                    "logs:DeleteLogGroup",
                    "logs:DeleteRetentionPolicy",
                    "logs:Describe*",
                    "logs:DisassociateKmsKey",
                    "logs:List*",
                    "logs:PutRetentionPolicy",
                    "logs:TagResource",
                    "logs:UntagResource",
                ],
                "Resource": "*",
                "Condition": regional,
            },
            {
                # The program's own single-region keys (cluster secrets, database, logs, volumes).
                "Sid": "ProgramKeysInRegion",
                "Effect": "Allow",
                "Action": [
                    "kms:CreateAlias",
                    "kms:CreateKey",
                    "kms:DeleteAlias",
                    "kms:Describe*",
                    "kms:EnableKeyRotation",
                    "kms:Get*",
                    "kms:List*",
                    "kms:PutKeyPolicy",
                    "kms:ScheduleKeyDeletion",
                    "kms:TagResource",
                    "kms:UntagResource",
                    "kms:UpdateAlias",
                ],
                "Resource": "*",
                "Condition": regional,
            },
            {
                # RDS, EBS and EKS use the program's keys on the caller's behalf, through grants they hold.
                "Sid": "ProgramKeysForAwsServices",
                "Effect": "Allow",
                "Action": ["kms:CreateGrant", "kms:Decrypt", "kms:GenerateDataKey*"],
                "Resource": "*",
                "Condition": {
                    "StringEquals": {"aws:RequestedRegion": account.region},
                    "StringLike": {
                        "kms:ViaService": [
                            f"rds.{account.region}.amazonaws.com",
                            f"ec2.{account.region}.amazonaws.com",
                            f"eks.{account.region}.amazonaws.com",
                            f"secretsmanager.{account.region}.amazonaws.com",
                        ]
                    },
                },
            },
            {
                # Roles, inline policies and the cluster's OIDC provider: only names the region stack gives.
                "Sid": "ProgramRolesByName",
                "Effect": "Allow",
                "Action": [
                    "iam:CreateRole",
                    "iam:DeleteRole",
                    "iam:DeleteRolePolicy",
                    "iam:GetRole",
                    "iam:GetRolePolicy",
                    "iam:ListAttachedRolePolicies",
                    "iam:ListInstanceProfilesForRole",
                    "iam:ListRolePolicies",
                    "iam:PutRolePolicy",
                    "iam:TagRole",
                    "iam:UntagRole",
                    "iam:UpdateAssumeRolePolicy",
                    "iam:CreateOpenIDConnectProvider",
                    "iam:DeleteOpenIDConnectProvider",
                    "iam:GetOpenIDConnectProvider",
                    "iam:TagOpenIDConnectProvider",
                    "iam:UntagOpenIDConnectProvider",
                ],
                "Resource": [
                    f"arn:{partition}:iam::{account.account_id}:role/{own}",
                    f"arn:{partition}:iam::{account.account_id}:oidc-provider/oidc.eks.{account.region}.amazonaws.com/id/*",
                ],
            },
            {
                # Only the managed policies RegionalCluster attaches, or the stack's own customer policies.
                "Sid": "AttachOnlyKnownPolicies",
                "Effect": "Allow",
                "Action": ["iam:AttachRolePolicy", "iam:DetachRolePolicy"],
                "Resource": f"arn:{partition}:iam::{account.account_id}:role/{own}",
                "Condition": {
                    "ArnEquals": {
                        "iam:PolicyARN": [
                            *(f"arn:{partition}:iam::aws:policy/{policy}" for policy in MANAGED_POLICIES),
                            f"arn:{partition}:iam::{account.account_id}:policy/{own}",
                        ]
                    }
                },
            },
            {
                # The program's roles go only to the services that use them.
                "Sid": "PassProgramRolesToTheirServices",
                "Effect": "Allow",
                "Action": "iam:PassRole",
                "Resource": f"arn:{partition}:iam::{account.account_id}:role/{own}",
                "Condition": {"StringEquals": {"iam:PassedToService": list(PASSED_TO_SERVICES)}},
            },
            {
                "Sid": "ServiceLinkedRolesOnFirstUse",
                "Effect": "Allow",
                "Action": "iam:CreateServiceLinkedRole",
                "Resource": f"arn:{partition}:iam::{account.account_id}:role/aws-service-role/*",
                "Condition": {"StringEquals": {"iam:AWSServiceName": list(SERVICE_LINKED_ROLES)}},
            },
            {
                # GlobalDns: the region's latency and pinned records and their health check. Route 53 is
                # global, and the zone's ID is looked up at deploy time, so this is not limited to one zone.
                "Sid": "RegionRecordsAndHealthCheck",
                "Effect": "Allow",
                "Action": [
                    "route53:ChangeResourceRecordSets",
                    "route53:ChangeTagsForResource",
                    "route53:CreateHealthCheck",
                    "route53:DeleteHealthCheck",
                    "route53:GetChange",
                    "route53:GetHealthCheck",
                    "route53:GetHostedZone",
                    "route53:ListHostedZones",
                    "route53:ListHostedZonesByName",
                    "route53:ListResourceRecordSets",
                    "route53:ListTagsForResource",
                    "route53:UpdateHealthCheck",
                ],
                "Resource": "*",
            },
            {
                # The stack's data key was encrypted at `pulumi stack init`; a deployment only decrypts it,
                # and the grants above must not let EBS or RDS put data under the secrets key.
                "Sid": "NeverEncryptWithSecretsKey",
                "Effect": "Deny",
                "Action": KMS_ENCRYPTING,
                "Resource": state.secrets_key,
            },
            *_never_tamper(state, bootstrap_role_pattern),
        ]
    )


def runner_permissions(account: Account, log_group_arn: str, subnet_arns: Sequence[str]) -> Document:
    """The CodeBuild runner's own role: its logs and network interfaces, nothing a job could deploy with."""
    return document(
        [
            {
                "Sid": "WriteOwnLogs",
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": [log_group_arn, f"{log_group_arn}:*"],
            },
            {
                # What CodeBuild needs to attach a build to the VPC; these actions take no resource ARN.
                "Sid": "AttachBuildsToVpc",
                "Effect": "Allow",
                "Action": [
                    "ec2:CreateNetworkInterface",
                    "ec2:DeleteNetworkInterface",
                    "ec2:DescribeDhcpOptions",
                    "ec2:DescribeNetworkInterfaces",
                    "ec2:DescribeSecurityGroups",
                    "ec2:DescribeSubnets",
                    "ec2:DescribeVpcs",
                ],
                "Resource": "*",
                "Condition": _in_region(account),
            },
            {
                "Sid": "NetworkInterfacesOnlyInRunnerSubnets",
                "Effect": "Allow",
                "Action": "ec2:CreateNetworkInterfacePermission",
                "Resource": (
                    f"arn:{account.partition}:ec2:{account.region}:{account.account_id}:network-interface/*"
                ),
                "Condition": {
                    "StringEquals": {"ec2:AuthorizedService": "codebuild.amazonaws.com"},
                    "ArnEquals": {"ec2:Subnet": list(subnet_arns)},
                },
            },
        ]
    )
