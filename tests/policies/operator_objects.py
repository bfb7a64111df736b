"""Builders for the operators' custom resources and the in-region stores they copy into.

A custom resource is registered as `kubernetes.apiextensions.CustomResource` registers it: the token
`kubernetes:<group>/<version>:<Kind>` and inputs `apiVersion`, `kind`, `metadata`, `spec` (or whatever
top-level inputs the kind has). The backup bucket is compliant under every rule: a PII bucket of the stack
in eu-west-1, under the stack's key, versioned, with public access blocked.
"""

from __future__ import annotations

from typing import Any

from tests.policies.baseline import Region
from tests.policies.copies import PII
from tests.policies.policy_harness import UNKNOWN, Res, aws_provider, kubernetes_provider

BACKUP_BUCKET = "pg-backups-eu-west-1"


def custom_resource(
    region: Region | Res,
    api_version: str,
    kind: str,
    name: str,
    spec: dict[str, Any] | None,
    namespace: str | None = "app",
    labels: dict[str, str] | None = None,
    protect: bool = False,
    deps: dict[str, list[Res]] | None = None,
    **top: Any,
) -> Res:
    """A custom resource of an operator, on the region's Kubernetes provider (or the provider given)."""
    metadata: dict[str, Any] = {"name": name}
    if namespace is not None:
        metadata["namespace"] = namespace
    if labels is not None:
        metadata["labels"] = dict(labels)
    props: dict[str, Any] = {"apiVersion": api_version, "kind": kind, "metadata": metadata, **top}
    if spec is not None:
        props["spec"] = spec
    provider = region.kubernetes if isinstance(region, Region) else region
    return Res(
        f"kubernetes:{api_version}:{kind}",
        f"{kind.lower()}-{name}",
        props,
        provider,
        protect=protect,
        deps=deps or {},
    )


def pii_database_pods(region: Region, namespace: str = "app") -> Res:
    """A PostgreSQL StatefulSet labelled pii (pods `app: customers-db`) on the baseline's StorageClass."""
    labels = {"app": "customers-db", **PII}
    return Res(
        "kubernetes:apps/v1:StatefulSet",
        "customers-db",
        {
            "metadata": {"name": "customers-db", "namespace": namespace, "labels": labels},
            "spec": {
                "serviceName": "customers-db",
                "selector": {"matchLabels": {"app": "customers-db"}},
                "template": {
                    "metadata": {"labels": {"app": "customers-db"}},
                    "spec": {"containers": [{"name": "postgres", "image": "postgres:17.7"}]},
                },
                "volumeClaimTemplates": [
                    {
                        "metadata": {"name": "data", "labels": dict(PII)},
                        "spec": {
                            "storageClassName": "telemetry-gp3",
                            "accessModes": ["ReadWriteOnce"],
                            "resources": {"requests": {"storage": "50Gi"}},
                        },
                    }
                ],
            },
        },
        region.kubernetes,
        protect=True,
        deps={"spec": [region.storage_class]},
    )


def pii_claim(region: Region) -> Res:
    """The PII claim of the namespace `app`, on the baseline's encrypted, retained StorageClass."""
    return Res(
        "kubernetes:core/v1:PersistentVolumeClaim",
        "customers-data",
        {
            "metadata": {"name": "customers-data", "namespace": "app", "labels": dict(PII)},
            "spec": {
                "storageClassName": "telemetry-gp3",
                "accessModes": ["ReadWriteOnce"],
                "resources": {"requests": {"storage": "10Gi"}},
            },
        },
        region.kubernetes,
        protect=True,
        deps={"spec": [region.storage_class]},
    )


def backup_bucket(region: Region, bucket: str = BACKUP_BUCKET) -> list[Res]:
    """A compliant PII bucket of the stack in the region: the bucket first, then its configuration."""
    landing = Res("aws:s3/bucket:Bucket", bucket, {"bucket": bucket, "tags": dict(PII)}, region.provider)
    landing.protect = True
    encryption = Res(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        f"{bucket}-encryption",
        {
            "bucket": UNKNOWN,
            "rules": [
                {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": UNKNOWN}}
            ],
        },
        region.provider,
        deps={"bucket": [landing], "rules": [region.key]},
    )
    block = Res(
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        f"{bucket}-block",
        {
            "bucket": UNKNOWN,
            "blockPublicAcls": True,
            "blockPublicPolicy": True,
            "ignorePublicAcls": True,
            "restrictPublicBuckets": True,
        },
        region.provider,
        deps={"bucket": [landing]},
    )
    versioning = Res(
        "aws:s3/bucketVersioning:BucketVersioning",
        f"{bucket}-versioning",
        {"bucket": UNKNOWN, "versioningConfiguration": {"status": "Enabled"}},
        region.provider,
        deps={"bucket": [landing]},
    )
    return [landing, encryption, block, versioning]


def kubernetes_elsewhere(name: str = "virginia") -> Res:
    """A Kubernetes provider of an EKS cluster in us-east-1."""
    provider = aws_provider(name, "us-east-1", {"jurisdiction": "US", "managed-by": "pulumi"})
    cluster = Res("aws:eks/cluster:Cluster", f"{name}-cluster", {"version": "1.33"}, provider)
    return kubernetes_provider(cluster, f"{name}-kubernetes")
