"""How to write a resource policy that a first preview can read, for the resources it was computed from.

A policy document built with `apply` from other resources' outputs is unknown at a first preview, so the
pack cannot read whom it grants and fails closed on resident data (decision, policies/README.md, "Computed
policy documents"). The fix depends on what the document was computed from: an ARN AWS builds from a name
the program chooses can be written from that name and the account id (an invoke, resolved at preview); an id
AWS generates (a VPC endpoint's, a VPC's) cannot be known before the resource exists.
"""

from __future__ import annotations

from .model import Resource, Stack

ACCOUNT = "the account id from aws.get_caller_identity()"
_BUCKET = "write its ARNs from its fixed bucket name, arn:aws:s3:::<bucket> and arn:aws:s3:::<bucket>/*"
_GENERATED = (
    "AWS generates its id, which no preview before it exists can read: create it in one deployment and add "
    "the policy in the next (that preview reads the id, and a condition on the stack's own {what} is "
    "inside), or narrow the statements by account instead (aws:PrincipalAccount or aws:SourceAccount with "
    f"{ACCOUNT})"
)
HINTS: dict[str, str] = {
    "aws:iam/role:Role": "give it a fixed name and write its ARN as arn:aws:iam::<account>:role/<name>",
    "aws:iam/user:User": "give it a fixed name and write its ARN as arn:aws:iam::<account>:user/<name>",
    "aws:s3/bucket:Bucket": _BUCKET,
    "aws:s3/bucketV2:BucketV2": _BUCKET,
    "aws:sqs/queue:Queue": "give it a fixed name and write its ARN as arn:aws:sqs:<region>:<account>:<name> "
    "(the region from aws.get_region())",
    "aws:sns/topic:Topic": "give it a fixed name and write its ARN as arn:aws:sns:<region>:<account>:<name>",
    "aws:dynamodb/table:Table": "give it a fixed name and write its ARN as "
    "arn:aws:dynamodb:<region>:<account>:table/<name>",
    "aws:kms/key:Key": 'a key policy\'s "Resource": "*" is the key itself: write that, not its ARN',
    "aws:secretsmanager/secret:Secret": 'a secret\'s policy\'s "Resource": "*" is the secret itself',
    "aws:ec2/vpcEndpoint:VpcEndpoint": _GENERATED.format(what="endpoint (aws:SourceVpce)"),
    "aws:ec2/vpc:Vpc": _GENERATED.format(what="VPC (aws:SourceVpc)"),
}
"""How to name a resource a policy was computed from with values a preview knows, by type."""


def unreadable_fix(resource: Resource, path: str, stack: Stack) -> str:
    """How to make a grant whose document at `path` is unknown at preview readable, naming each resource it
    was computed from."""
    hints = []
    for dependency in stack.dependencies(resource, path):
        hint = HINTS.get(
            dependency.type, "use a value of it that a preview knows (an input you set, such as its name)"
        )
        hints.append(f"for {dependency.label}, {hint}")
    named = f" ({'; '.join(hints)})" if hints else ""
    return (
        f"build {resource.label}'s {path} from values a preview knows, so the pack can read whom it grants"
        f"{named}; or build the whole document with aws.iam.get_policy_document() from literal values (an "
        f"invoke whose arguments are known resolves at preview, as aws.get_caller_identity() and "
        "aws.get_region() do); and grant only principals of this deployment's accounts."
    )
