"""StateBackend: the region's Pulumi state bucket and the two keys behind it, all in the region.

- the **state key** encrypts the bucket's objects (SSE-KMS, S3 Bucket Keys on), usable only through S3;
- the **secrets key** is the stack's `awskms://` secrets provider: the CLI encrypts the stack's data key with
  it once (`pulumi stack init`) and decrypts it on every run;
- the **bucket**: versioned (every checkpoint recoverable), public access blocked, ACLs disabled, TLS only, no
  object under another key, `protect=True` with the keys, never force-destroyed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from residency_facts import CLASSIFICATION_TAG, Classification

from .documents import Account, key_policy, state_bucket_policy

KEY_DELETION_WINDOW_DAYS = 30
"""The longest window KMS allows: a scheduled deletion of a bootstrap key can be cancelled for 30 days."""


@dataclass(frozen=True)
class StateBackendArgs:
    """What the state backend is named and where it lives."""

    account: pulumi.Output[Account]
    bucket_name: str
    name_prefix: str
    """Prefix of the key aliases: `alias/<prefix>-state`, `alias/<prefix>-secrets`."""


class StateBackend(pulumi.ComponentResource):
    """The state bucket, the state key and the secrets-provider key of one region stack."""

    bucket_arn: pulumi.Output[str]
    bucket_name: pulumi.Output[str]
    state_key_arn: pulumi.Output[str]
    secrets_key_arn: pulumi.Output[str]
    secrets_key_alias: pulumi.Output[str]

    def __init__(self, name: str, args: StateBackendArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("residency:bootstrap:StateBackend", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        # Losing either key loses the state or every secret in it: Pulumi must never delete them.
        kept = pulumi.ResourceOptions(parent=self, protect=True)

        state_key = aws.kms.Key(
            f"{name}-state-key",
            description=f"Encrypts the Pulumi state in s3://{args.bucket_name} (used through S3 only)",
            enable_key_rotation=True,
            multi_region=False,
            deletion_window_in_days=KEY_DELETION_WINDOW_DAYS,
            policy=args.account.apply(lambda account: json.dumps(key_policy(account, "State", service="s3"))),
            opts=kept,
        )
        aws.kms.Alias(
            f"{name}-state-key",
            name=f"alias/{args.name_prefix}-state",
            target_key_id=state_key.key_id,
            opts=child,
        )
        secrets_key = aws.kms.Key(
            f"{name}-secrets-key",
            description="The awskms:// secrets provider of the region stack (encrypts its data key)",
            enable_key_rotation=True,
            multi_region=False,
            deletion_window_in_days=KEY_DELETION_WINDOW_DAYS,
            policy=args.account.apply(lambda account: json.dumps(key_policy(account, "StackSecrets"))),
            opts=kept,
        )
        secrets_alias = aws.kms.Alias(
            f"{name}-secrets-key",
            name=f"alias/{args.name_prefix}-secrets",
            target_key_id=secrets_key.key_id,
            opts=child,
        )

        bucket = aws.s3.Bucket(
            f"{name}-state",
            bucket=args.bucket_name,
            force_destroy=False,
            # The state holds resource inputs and outputs of the infrastructure and the stack's secrets only
            # as ciphertext under the secrets key; no data subject's personal data enters it.
            tags={CLASSIFICATION_TAG: Classification.INTERNAL.value},
            opts=kept,
        )
        bucket_in = pulumi.ResourceOptions(parent=self, depends_on=[bucket])
        aws.s3.BucketVersioning(
            f"{name}-state",
            bucket=bucket.id,
            versioning_configuration={"status": "Enabled"},
            opts=bucket_in,
        )
        aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-state",
            bucket=bucket.id,
            rules=[
                {
                    "apply_server_side_encryption_by_default": {
                        "sse_algorithm": "aws:kms",
                        "kms_master_key_id": state_key.arn,
                    },
                    # One data key per bucket instead of one KMS call per object.
                    "bucket_key_enabled": True,
                }
            ],
            opts=bucket_in,
        )
        public_access = aws.s3.BucketPublicAccessBlock(
            f"{name}-state",
            bucket=bucket.id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=bucket_in,
        )
        aws.s3.BucketOwnershipControls(
            f"{name}-state",
            bucket=bucket.id,
            rule={"object_ownership": "BucketOwnerEnforced"},
            opts=bucket_in,
        )
        aws.s3.BucketPolicy(
            f"{name}-state",
            bucket=bucket.id,
            policy=pulumi.Output.all(bucket.arn, state_key.arn).apply(
                lambda values: json.dumps(state_bucket_policy(values[0], values[1]))
            ),
            # S3 evaluates a new policy against the public access block: put the block first.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[bucket, public_access]),
        )

        self.bucket_arn = bucket.arn
        self.bucket_name = bucket.bucket
        self.state_key_arn = state_key.arn
        self.secrets_key_arn = secrets_key.arn
        self.secrets_key_alias = secrets_alias.name
        self.register_outputs(
            {
                "bucketName": self.bucket_name,
                "stateKeyArn": self.state_key_arn,
                "secretsKeyArn": self.secrets_key_arn,
            }
        )
