"""Shared facts of the residency model: jurisdictions, classifications, tag keys and resource types.

Everything that the program, the policy pack and the offline preview must agree on is defined here once.
This module imports nothing from Pulumi so that the policy pack can load it on every preview for free.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

CLASSIFICATION_TAG = "data-classification"
"""Tag (AWS) and label (Kubernetes) that states what kind of data a resource holds."""

JURISDICTION_TAG = "jurisdiction"
"""Tag naming the jurisdiction whose law governs the data in a resource."""

MANAGED_BY_TAG = "managed-by"
"""Tag naming the tool that owns a resource."""

MANAGED_BY = "pulumi"


class Classification(str, Enum):
    """What kind of data a resource holds; the residency rules key on it."""

    PII = "pii"
    TELEMETRY = "telemetry"
    ANONYMISED = "anonymised"
    INTERNAL = "internal"
    PUBLIC = "public"


CLASSIFICATIONS: frozenset[str] = frozenset(c.value for c in Classification)

RESIDENT_CLASSIFICATIONS: frozenset[str] = frozenset({Classification.PII.value, Classification.TELEMETRY.value})
"""Classifications whose data must stay inside the jurisdiction: personal data and raw telemetry."""


@dataclass(frozen=True)
class Jurisdiction:
    """A legal area whose personal data must stay in the cloud regions inside it."""

    code: str
    name: str
    law: str
    regions: frozenset[str]


JURISDICTIONS: dict[str, Jurisdiction] = {
    "EU": Jurisdiction(
        code="EU",
        name="European Union",
        law="GDPR",
        # Only regions physically inside the EU: London (eu-west-2) and Zurich (eu-central-2) are outside it.
        regions=frozenset({"eu-west-1", "eu-west-3", "eu-central-1", "eu-north-1", "eu-south-1", "eu-south-2"}),
    ),
    "IN": Jurisdiction(
        code="IN",
        name="India",
        law="Digital Personal Data Protection Act, 2023",
        regions=frozenset({"ap-south-1", "ap-south-2"}),
    ),
}
"""Known jurisdictions. A new region in one of them is configuration; a new jurisdiction is a reviewed entry here."""


def jurisdiction_of_region(region: str) -> Jurisdiction | None:
    """The jurisdiction that contains an AWS region, or None when no known jurisdiction does."""
    for jurisdiction in JURISDICTIONS.values():
        if region in jurisdiction.regions:
            return jurisdiction
    return None


GLOBAL_TYPE_PREFIXES: tuple[str, ...] = (
    "aws:route53/",
    "aws:iam/",
    "aws:cloudfront/",
    "aws:organizations/",
    "aws:globalaccelerator/",
    "aws:shield/",
)
"""AWS services that are global, not regional: the region rules do not apply to them."""

KUBERNETES_DATA_HOLDING_TYPES: frozenset[str] = frozenset(
    {
        "kubernetes:core/v1:PersistentVolumeClaim",
        "kubernetes:core/v1:PersistentVolume",
        "kubernetes:apps/v1:StatefulSet",
    }
)
"""Kubernetes objects that hold data (a StatefulSet through its volume claim templates)."""

AWS_DATA_HOLDING_TYPES: frozenset[str] = frozenset(
    {
        "aws:rds/instance:Instance",
        "aws:rds/cluster:Cluster",
        "aws:rds/snapshot:Snapshot",
        "aws:rds/clusterSnapshot:ClusterSnapshot",
        "aws:s3/bucket:Bucket",
        "aws:s3/bucketV2:BucketV2",
        "aws:dynamodb/table:Table",
        "aws:ebs/volume:Volume",
        "aws:ebs/snapshot:Snapshot",
        "aws:efs/fileSystem:FileSystem",
        "aws:elasticache/cluster:Cluster",
        "aws:elasticache/replicationGroup:ReplicationGroup",
        "aws:elasticache/serverlessCache:ServerlessCache",
        "aws:memorydb/cluster:Cluster",
        "aws:opensearch/domain:Domain",
        "aws:elasticsearch/domain:Domain",
        "aws:kinesis/stream:Stream",
        "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
        "aws:secretsmanager/secret:Secret",
        "aws:backup/vault:Vault",
        "aws:redshift/cluster:Cluster",
        "aws:docdb/cluster:Cluster",
        "aws:neptune/cluster:Cluster",
        "aws:sqs/queue:Queue",
        "aws:cloudwatch/logGroup:LogGroup",
    }
)
"""AWS resources that store data at rest and so must declare their classification."""

DATA_HOLDING_TYPES: frozenset[str] = AWS_DATA_HOLDING_TYPES | KUBERNETES_DATA_HOLDING_TYPES
