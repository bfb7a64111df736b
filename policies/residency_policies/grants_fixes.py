"""How to write a resource policy that a first preview can read, for the resources it was computed from.

A policy document built with `apply` from other resources' outputs is unknown at a first preview, so the
pack cannot read whom it grants and fails closed on resident data (decision, policies/README.md, "Computed
policy documents"). The fix depends on what the document was computed from: an ARN AWS builds from a name
the program chooses can be written from that name and the account id (an invoke, resolved at preview); an id
AWS generates (a VPC endpoint's, a VPC's) cannot be known before the resource exists.
"""

from __future__ import annotations

from .model import Resource, Stack
from .values import child

ACCOUNT = "the account id from aws.get_caller_identity()"
_BUCKETS = frozenset({"aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"})
_GENERATED = (
    "AWS generates its id, which no preview before it exists can read: create it in one deployment and add "
    "the policy in the next (that preview reads the id, and a condition on the stack's own {what} is "
    "inside), or narrow the statements by account instead (aws:PrincipalAccount or aws:SourceAccount with "
    f"{ACCOUNT})"
)
HINTS: dict[str, str] = {
    "aws:iam/role:Role": "give it a fixed name and write its ARN as arn:aws:iam::<account>:role/<name>",
    "aws:iam/user:User": "give it a fixed name and write its ARN as arn:aws:iam::<account>:user/<name>",
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
        hint = _bucket_hint(dependency) or HINTS.get(
            dependency.type, "use a value of it that a preview knows (an input you set, such as its name)"
        )
        hints.append(f"for {dependency.label}, {hint}")
    named = f" ({'; '.join(hints)})" if hints else ""
    return (
        f"build {resource.label}'s {path} from values a preview knows, so the pack can read whom it grants"
        f"{named}; or build the whole document with aws.iam.get_policy_document() from literal values (an "
        f"invoke whose arguments are known resolves at preview, as aws.get_caller_identity() and "
        "aws.get_region() do); and grant only principals of this deployment's accounts. A document computed "
        "with apply is one unknown text at a first preview, whatever its statements: one that only denies (a "
        "TLS-only policy) counts too."
    )


def _bucket_hint(bucket: Resource) -> str | None:
    """How to write a bucket's ARNs: from its literal name, or from one to give it."""
    if bucket.type not in _BUCKETS:
        return None
    name = child(bucket.props, "bucket")
    if isinstance(name, str) and name:
        return f"write its ARNs from its bucket name: arn:aws:s3:::{name} and arn:aws:s3:::{name}/*"
    return (
        "give it a fixed name (its `bucket` input) and write its ARNs from it: arn:aws:s3:::<bucket> and "
        "arn:aws:s3:::<bucket>/*"
    )
