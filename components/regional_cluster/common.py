"""What the parts of a RegionalCluster share: tags, IAM policy documents, keys and log groups."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pulumi_aws as aws

from components.child_component import ChildComponent
from components.regional_cluster.args import RegionalClusterArgs
from components.regional_key import RegionalAccount
from residency_facts import CLASSIFICATION_TAG, Classification


def tags(prefix: str, suffix: str, classification: Classification | None = None) -> dict[str, str]:
    """A Name tag derived from the component name, plus the classification of data-holding resources."""
    result = {"Name": f"{prefix}-{suffix}"}
    if classification is not None:
        result[CLASSIFICATION_TAG] = classification.value
    return result


def policy_document(statements: list[dict[str, Any]]) -> str:
    """An IAM policy document as JSON."""
    return json.dumps({"Version": "2012-10-17", "Statement": statements}, sort_keys=True)


def service_trust(service: str, source_account: str | None = None) -> str:
    """A trust policy that lets one AWS service assume the role, optionally only for this account."""
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"Service": service},
        "Action": ["sts:AssumeRole", "sts:TagSession"]
        if service == "eks.amazonaws.com"
        else "sts:AssumeRole",
    }
    if source_account is not None:
        # Confused-deputy guard: the service may act only on behalf of this account.
        statement["Condition"] = {"StringEquals": {"aws:SourceAccount": source_account}}
    return policy_document([statement])


def control_plane_log_group_name(prefix: str) -> str:
    """The group EKS writes control-plane logs to; it must exist, with its key, before the cluster."""
    return f"/aws/eks/{prefix}-cluster/cluster"


def flow_log_group_name(prefix: str) -> str:
    """The group VPC flow logs are delivered to."""
    return f"/aws/vpc-flow-logs/{prefix}"


def cluster_key(
    prefix: str,
    suffix: str,
    description: str,
    policy: pulumi.Input[str] | None,
    opts: pulumi.ResourceOptions,
) -> aws.kms.Key:
    """A customer-managed, single-region key in this region's provider, rotated yearly."""
    return aws.kms.Key(
        f"{prefix}-{suffix}",
        description=description,
        enable_key_rotation=True,
        multi_region=False,
        deletion_window_in_days=30,
        policy=policy,
        tags=tags(prefix, suffix),
        opts=opts,
    )


class ClusterPart(ChildComponent):
    """One concern of a RegionalCluster (network, EKS, load balancer, in-cluster baseline) as a child."""

    def __init__(
        self,
        part: str,
        owner: pulumi.ComponentResource,
        prefix: str,
        args: RegionalClusterArgs,
        account: RegionalAccount,
    ) -> None:
        # The type's module names the public component; the child's name derives from the owner's name.
        super().__init__(f"residency:regionalCluster:{part}", f"{prefix}-{_kebab(part)}", owner, prefix)
        self._args = args
        self._account = account

    def _tags(self, suffix: str, classification: Classification | None = None) -> dict[str, str]:
        """The tags of a resource of this part, named from the RegionalCluster."""
        return tags(self._prefix, suffix, classification)

    def _managed_policy(self, policy: str) -> pulumi.Output[str]:
        """The ARN of an AWS managed policy in this partition."""
        return self._account.partition.apply(lambda partition: f"arn:{partition}:iam::aws:policy/{policy}")

    def _log_group(self, suffix: str, log_group_name: str, key: aws.kms.Key) -> aws.cloudwatch.LogGroup:
        """An encrypted log group with bounded retention."""
        return aws.cloudwatch.LogGroup(
            f"{self._prefix}-{suffix}",
            name=log_group_name,
            retention_in_days=self._args.log_retention_days,
            kms_key_id=key.arn,
            tags=self._tags(suffix, Classification.INTERNAL),
            opts=self._opts(),
        )


def _kebab(part: str) -> str:
    """`KubernetesCluster` -> `kubernetes-cluster`."""
    return "".join(f"-{c.lower()}" if c.isupper() and i else c.lower() for i, c in enumerate(part))
