"""How identity policies reach a principal (a role, a user, a group, a permission set), and what the AWS
managed policies the pack knows grant.

Every resource type that gives a principal identity policies is listed in `POLICY_ATTACHMENTS` with the input
that names the principal and the inputs that hold what it gives: policy documents, the ARNs of managed
policies, the names of inline policies it keeps, a permissions boundary. `residency_policies/grants.py` reads
a role's from it (reviewer blind-access15 a09: `RolePolicyAttachmentsExclusive` attaches as
`RolePolicyAttachment` does); `tests/policies/test_principal_policies.py` fails on an SDK type with an input
of a policy attachment's shape that neither `POLICY_ATTACHMENTS` nor `NOT_ATTACHMENTS` reviews, so a new
attachment type cannot stay unread.

`AWS_MANAGED_POLICIES` records, for the AWS managed policies a program commonly attaches, what their
published documents let a principal read and write, by the ARN services whose stores their actions reach
(reviewed from each policy's default version in the AWS Managed Policy Reference, 2026-12-03). A policy
whose document the pack cannot read (an AWS managed one not listed, a customer managed one the stack does not
declare) fails closed where what it grants matters (reviewer blind-access15 a10).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple

ROLE = "aws:iam/role:Role"
USER = "aws:iam/user:User"
GROUP = "aws:iam/group:Group"
PERMISSION_SET = "aws:ssoadmin/permissionSet:PermissionSet"


class PolicyAttachment(NamedTuple):
    """How a type gives principals of one type identity policies, in wire names."""

    principal_type: str
    """The type of the principal it gives them to."""

    principal: str = ""
    """The input that names the principal (by reference, name or ARN); empty: the resource itself."""

    documents: tuple[str, ...] = ()
    """Paths holding policy documents (JSON) it gives."""

    arns: tuple[str, ...] = ()
    """Paths holding the ARNs of managed policies it attaches."""

    names: tuple[str, ...] = ()
    """Paths holding the names of inline policies it keeps (an exclusive resource creates none: each is the
    principal's inline policy of that name, declared elsewhere)."""

    references: tuple[str, ...] = ()
    """Paths holding references to customer managed policies by name and path (an Identity Center permission
    set's, resolved in each account it is assigned to)."""

    boundaries: tuple[str, ...] = ()
    """Paths holding the permissions boundary it sets (an ARN, or a reference by name)."""


POLICY_ATTACHMENTS: Mapping[str, tuple[PolicyAttachment, ...]] = MappingProxyType(
    {
        ROLE: (
            PolicyAttachment(
                ROLE,
                documents=("inlinePolicies[].policy",),
                arns=("managedPolicyArns",),
                boundaries=("permissionsBoundary",),
            ),
        ),
        "aws:iam/rolePolicy:RolePolicy": (PolicyAttachment(ROLE, "role", documents=("policy",)),),
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment": (
            PolicyAttachment(ROLE, "role", arns=("policyArn",)),
        ),
        "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive": (
            PolicyAttachment(ROLE, "roleName", arns=("policyArns",)),
        ),
        "aws:iam/rolePoliciesExclusive:RolePoliciesExclusive": (
            PolicyAttachment(ROLE, "roleName", names=("policyNames",)),
        ),
        "aws:iam/policyAttachment:PolicyAttachment": (
            PolicyAttachment(ROLE, "roles", arns=("policyArn",)),
            PolicyAttachment(USER, "users", arns=("policyArn",)),
            PolicyAttachment(GROUP, "groups", arns=("policyArn",)),
        ),
        USER: (PolicyAttachment(USER, boundaries=("permissionsBoundary",)),),
        "aws:iam/userPolicy:UserPolicy": (PolicyAttachment(USER, "user", documents=("policy",)),),
        "aws:iam/userPolicyAttachment:UserPolicyAttachment": (
            PolicyAttachment(USER, "user", arns=("policyArn",)),
        ),
        "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive": (
            PolicyAttachment(USER, "userName", arns=("policyArns",)),
        ),
        "aws:iam/userPoliciesExclusive:UserPoliciesExclusive": (
            PolicyAttachment(USER, "userName", names=("policyNames",)),
        ),
        "aws:iam/groupPolicy:GroupPolicy": (PolicyAttachment(GROUP, "group", documents=("policy",)),),
        "aws:iam/groupPolicyAttachment:GroupPolicyAttachment": (
            PolicyAttachment(GROUP, "group", arns=("policyArn",)),
        ),
        "aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive": (
            PolicyAttachment(GROUP, "groupName", arns=("policyArns",)),
        ),
        "aws:iam/groupPoliciesExclusive:GroupPoliciesExclusive": (
            PolicyAttachment(GROUP, "groupName", names=("policyNames",)),
        ),
        "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy": (
            PolicyAttachment(PERMISSION_SET, "permissionSetArn", documents=("inlinePolicy",)),
        ),
        "aws:ssoadmin/managedPolicyAttachment:ManagedPolicyAttachment": (
            PolicyAttachment(PERMISSION_SET, "permissionSetArn", arns=("managedPolicyArn",)),
        ),
        "aws:ssoadmin/managedPolicyAttachmentsExclusive:ManagedPolicyAttachmentsExclusive": (
            PolicyAttachment(PERMISSION_SET, "permissionSetArn", arns=("managedPolicyArns",)),
        ),
        "aws:ssoadmin/customerManagedPolicyAttachment:CustomerManagedPolicyAttachment": (
            PolicyAttachment(
                PERMISSION_SET, "permissionSetArn", references=("customerManagedPolicyReference",)
            ),
        ),
        "aws:ssoadmin/customerManagedPolicyAttachmentsExclusive:CustomerManagedPolicyAttachmentsExclusive": (
            PolicyAttachment(
                PERMISSION_SET, "permissionSetArn", references=("customerManagedPolicyReferences[]",)
            ),
        ),
        "aws:ssoadmin/permissionsBoundaryAttachment:PermissionsBoundaryAttachment": (
            PolicyAttachment(
                PERMISSION_SET,
                "permissionSetArn",
                boundaries=(
                    "permissionsBoundary.managedPolicyArn",
                    "permissionsBoundary.customerManagedPolicyReference",
                ),
            ),
        ),
    }
)
"""Every type that gives a principal identity policies. A role's are what whoever may become it reaches
(another account, code, a service: `grants.role_targets`). A user's, a group's and a permission set's are
read the same way but judged by no rule (decision, reviewer blind-access15 a09): users and groups the stack
declares are the account's own, a permission set's users are the organisation's workforce signed in by its
Identity Center, and a permission set assigned to an account outside the deployment reaches this account's
data only through a resource policy, which is judged as a grant."""

NOT_ATTACHMENTS: Mapping[str, str] = MappingProxyType(
    {
        "aws:cloudwatch/logAccountPolicy:LogAccountPolicy": "an account-wide logs policy (judged as a copy)",
        "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": "a resource policy (judged as a grant)",
        "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": (
            "an EKS access policy, cluster access judged by residency_policies/cluster_access.py"
        ),
        "aws:elb/listenerPolicy:ListenerPolicy": "a Classic Load Balancer's TLS and stickiness policies",
        "aws:elb/loadBalancerBackendServerPolicy:LoadBalancerBackendServerPolicy": (
            "a Classic Load Balancer's back-end authentication policies"
        ),
        "aws:elb/loadBalancerPolicy:LoadBalancerPolicy": "a Classic Load Balancer policy",
        "aws:quicksight/iamPolicyAssignment:IamPolicyAssignment": (
            "limits what QuickSight users of the account may do in QuickSight; they are the account's own"
        ),
        "aws:resiliencehub/v2Service:V2Service": "a Resilience Hub resiliency policy (recovery objectives)",
        "aws:resiliencehub/v2UserJourney:V2UserJourney": "a Resilience Hub resiliency policy",
        "aws:rolesanywhere/profile:Profile": (
            "session policies of a Roles Anywhere profile only narrow the roles it names (their sessions get "
            "the intersection); not read, which errs towards what the roles' own policies reach"
        ),
        "aws:sesv2/emailIdentityPolicy:EmailIdentityPolicy": "a resource policy (judged as a grant)",
        "aws:xray/resourcePolicy:ResourcePolicy": "a resource policy (judged as a grant)",
    }
)
"""Types with an input shaped like a policy attachment's (`policyArn`, `policyNames`, ...) that give no
principal identity policies, each with what it is instead."""


JOB_FUNCTION = "/job-function/"
SERVICE_ROLE = "/service-role/"

EVERY_STORE = "*"
"""In `ManagedPolicy.reads` / `writes`: every store of the account, whatever its service."""


class ManagedPolicy(NamedTuple):
    """What an AWS managed policy lets a principal do with stored data, as its published document says."""

    reads: tuple[str, ...]
    """The ARN services whose stores its actions return data from (`EVERY_STORE`: any); actions that
    return only configuration, metrics or metadata (Describe*, List* of resources, GetQueueAttributes) read
    nothing a store holds."""

    writes: tuple[str, ...]
    """The ARN services whose stores its actions put data into (`EVERY_STORE`: any)."""

    document: str
    """What the document grants, in a few words."""

    path: str = "/"
    """The policy's path: its ARN is `arn:aws:iam::aws:policy<path><name>`."""


AWS_MANAGED_POLICIES: Mapping[str, ManagedPolicy] = MappingProxyType(
    {
        "AdministratorAccess": ManagedPolicy((EVERY_STORE,), (EVERY_STORE,), "`*` on `*`"),
        "PowerUserAccess": ManagedPolicy(
            (EVERY_STORE,), (EVERY_STORE,), "NotAction iam, organizations and account on `*`"
        ),
        "ReadOnlyAccess": ManagedPolicy(
            (EVERY_STORE,), (), "Get*, List*, Describe* and reads of every service"
        ),
        "ViewOnlyAccess": ManagedPolicy(
            (EVERY_STORE,),
            (),
            "List* and Describe* of every service (object keys, item names)",
            JOB_FUNCTION,
        ),
        "DataScientist": ManagedPolicy(
            (EVERY_STORE,), (EVERY_STORE,), "data and analytics services, S3, notebooks", JOB_FUNCTION
        ),
        "DatabaseAdministrator": ManagedPolicy(
            (EVERY_STORE,), (EVERY_STORE,), "every database service, backups, S3", JOB_FUNCTION
        ),
        "AmazonDynamoDBReadOnlyAccess": ManagedPolicy(
            ("dynamodb", "dax"),
            (),
            "dynamodb and dax GetItem, BatchGetItem, Query, Scan, PartiQLSelect on `*`; metadata of "
            "CloudWatch, Data Pipeline, EC2, IAM, KMS, SNS, Lambda and Kinesis",
        ),
        "AmazonDynamoDBFullAccess": ManagedPolicy(
            ("dynamodb", "dax"), ("dynamodb", "dax"), "dynamodb:* and dax:* on `*`"
        ),
        "AmazonS3ReadOnlyAccess": ManagedPolicy(
            ("s3", "s3-object-lambda"), (), "s3:Get*, List*, Describe*, s3-object-lambda:Get*, List* on `*`"
        ),
        "AmazonS3FullAccess": ManagedPolicy(
            ("s3", "s3-object-lambda"), ("s3", "s3-object-lambda"), "s3:*, s3-object-lambda:* on `*`"
        ),
        "AmazonKinesisReadOnlyAccess": ManagedPolicy(
            ("kinesis",), (), "kinesis:Get*, List*, Describe* on `*` (GetRecords included)"
        ),
        "AmazonRDSReadOnlyAccess": ManagedPolicy(
            ("logs",),
            (),
            "rds:Describe*, EC2 and CloudWatch metadata; logs:GetLogEvents on `*` (the databases' exported "
            "logs, and every other log group)",
        ),
        "CloudWatchReadOnlyAccess": ManagedPolicy(
            ("logs", "xray", "rum", "sns"),
            (),
            "cloudwatch:Get*, logs:Get*, FilterLogEvents, StartQuery, StartLiveTail, xray:BatchGet*, Get*, "
            "rum:Get*, sns:Get* on `*`",
        ),
        "CloudWatchLogsReadOnlyAccess": ManagedPolicy(
            ("logs",), (), "logs:Get*, FilterLogEvents, StartQuery, StartLiveTail on `*`"
        ),
        "AmazonSQSReadOnlyAccess": ManagedPolicy(
            (), (), "sqs:GetQueueAttributes, GetQueueUrl, List* on `*` (no ReceiveMessage)"
        ),
        "AmazonSNSReadOnlyAccess": ManagedPolicy((), (), "sns:GetTopicAttributes, List* on `*`"),
        "AmazonSSMReadOnlyAccess": ManagedPolicy(
            ("ssm",), (), "ssm:Get*, Describe*, List* on `*` (GetParameter included)"
        ),
        "AmazonEC2ContainerRegistryReadOnly": ManagedPolicy(
            ("ecr",), (), "ecr:BatchGetImage, GetDownloadUrlForLayer and metadata on `*`"
        ),
        "AmazonEC2ContainerRegistryPullOnly": ManagedPolicy(
            ("ecr",), (), "ecr:BatchGetImage, GetDownloadUrlForLayer, BatchImportUpstreamImage on `*`"
        ),
        "AWSLambdaBasicExecutionRole": ManagedPolicy(
            (), (), "logs:CreateLogGroup, CreateLogStream, PutLogEvents on `*`", SERVICE_ROLE
        ),
        "AWSLambdaVPCAccessExecutionRole": ManagedPolicy(
            (),
            (),
            "the basic execution role's logs actions, the function's network interfaces, ec2:DescribeSubnets",
            SERVICE_ROLE,
        ),
        "AWSXRayDaemonWriteAccess": ManagedPolicy(
            (), (), "xray:PutTraceSegments, PutTelemetryRecords and sampling rules on `*`"
        ),
        "AmazonEKSWorkerNodePolicy": ManagedPolicy(
            (), (), "EC2 and EKS Describe* of the cluster's network and instances; Pod Identity credentials"
        ),
        "AmazonEKS_CNI_Policy": ManagedPolicy((), (), "the nodes' network interfaces and addresses"),
    }
)
"""The AWS managed policies the pack knows, by name (the last part of the ARN, after its path). Any other AWS
managed policy cannot be read: where what it grants matters it fails closed (a read-only one, named
`...ReadOnly...` or `...ViewOnly...`, still writes nothing)."""
