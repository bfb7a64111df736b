"""The account facts an in-region key policy names, and the protected key a data store encrypts with."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws


@dataclass(frozen=True)
class RegionalAccount:
    """The partition, DNS suffix, region and account id that a component's AWS provider deploys into."""

    partition: pulumi.Output[str]
    dns_suffix: pulumi.Output[str]
    region: pulumi.Output[str]
    account_id: pulumi.Output[str]

    @classmethod
    def look_up(cls, opts: pulumi.InvokeOptions) -> RegionalAccount:
        """Ask the provider the options lead to: with `parent=component`, the component's own region."""
        partition = aws.get_partition_output(opts=opts)
        return cls(
            partition=partition.partition,
            dns_suffix=partition.dns_suffix,
            region=aws.get_region_output(opts=opts).region,
            account_id=aws.get_caller_identity_output(opts=opts).account_id,
        )

    def key_policy(self, render: Callable[..., str], *more: pulumi.Input[str]) -> pulumi.Output[str]:
        """`render(partition, dns_suffix, region, account_id, *more)` once every value is known."""
        return pulumi.Output.all(self.partition, self.dns_suffix, self.region, self.account_id, *more).apply(
            lambda values: render(*values)
        )


def protected_data_key(
    resource_name: str,
    description: str,
    policy: pulumi.Input[str],
    tags: dict[str, str],
    opts: pulumi.ResourceOptions,
) -> aws.kms.Key:
    """A data store's key: symmetric, single-region (no replica can leave), rotated yearly and protected."""
    # Protected: deleting the key makes the data, its backups and retained volumes unreadable.
    return aws.kms.Key(
        resource_name,
        description=description,
        key_usage="ENCRYPT_DECRYPT",
        customer_master_key_spec="SYMMETRIC_DEFAULT",
        multi_region=False,
        enable_key_rotation=True,
        deletion_window_in_days=30,
        policy=policy,
        tags=tags,
        opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(protect=True)),
    )
