"""Shared facts of the residency model: jurisdictions, classifications, tag keys and resource types.

Everything that the program, the policy pack and the offline preview must agree on is defined here once.
This module imports nothing from Pulumi so that the policy pack can load it on every preview for free.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

CLASSIFICATION_TAG = "data-classification"
"""Tag (AWS) and label (Kubernetes) that states what kind of data a resource holds."""

JURISDICTION_TAG = "jurisdiction"
"""Tag naming the jurisdiction whose law governs the data in a resource."""

MANAGED_BY_TAG = "managed-by"
"""Tag naming the tool that owns a resource."""

MANAGED_BY = "pulumi"


class Classification(StrEnum):
    """What kind of data a resource holds; the residency rules key on it."""

    PII = "pii"
    TELEMETRY = "telemetry"
    ANONYMISED = "anonymised"
    INTERNAL = "internal"
    PUBLIC = "public"


CLASSIFICATIONS: frozenset[str] = frozenset(c.value for c in Classification)

RESIDENT_CLASSIFICATIONS: frozenset[str] = frozenset(
    {Classification.PII.value, Classification.TELEMETRY.value}
)
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
        regions=frozenset(
            {"eu-west-1", "eu-west-3", "eu-central-1", "eu-north-1", "eu-south-1", "eu-south-2"}
        ),
    ),
    "IN": Jurisdiction(
        code="IN",
        name="India",
        law="Digital Personal Data Protection Act, 2023",
        regions=frozenset({"ap-south-1", "ap-south-2"}),
    ),
}
"""Known jurisdictions: a new region in one is configuration; a new jurisdiction is a reviewed entry here."""


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
        # Copies and replicas hold the same data as their source.
        "aws:rds/snapshotCopy:SnapshotCopy",
        "aws:rds/clusterSnapshotCopy:ClusterSnapshotCopy",
        "aws:ebs/snapshotCopy:SnapshotCopy",
        "aws:ebs/volumeCopy:VolumeCopy",
        "aws:dynamodb/tableReplica:TableReplica",
        "aws:backup/logicallyAirGappedVault:LogicallyAirGappedVault",
        "aws:dsql/cluster:Cluster",
        "aws:docdb/elasticCluster:ElasticCluster",
        "aws:fsx/lustreFileSystem:LustreFileSystem",
        "aws:fsx/ontapFileSystem:OntapFileSystem",
        "aws:fsx/openZfsFileSystem:OpenZfsFileSystem",
        "aws:fsx/windowsFileSystem:WindowsFileSystem",
        "aws:glacier/vault:Vault",
        "aws:keyspaces/table:Table",
        "aws:memorydb/multiRegionCluster:MultiRegionCluster",
        "aws:msk/cluster:Cluster",
        "aws:msk/serverlessCluster:ServerlessCluster",
        "aws:redshiftserverless/namespace:Namespace",
        "aws:s3/directoryBucket:DirectoryBucket",
        "aws:s3tables/tableBucket:TableBucket",
        "aws:timestreamwrite/table:Table",
    }
)
"""AWS resources that store data at rest and so must declare their classification."""

DATA_HOLDING_TYPES: frozenset[str] = AWS_DATA_HOLDING_TYPES | KUBERNETES_DATA_HOLDING_TYPES

SELF = "."
"""In a copy mechanism's property paths: the resource itself (its own data, or its own region)."""


@dataclass(frozen=True)
class CopyMechanism:
    """How a pulumi-aws resource type copies, replicates, shares or exports data, in wire (camelCase) names.

    Property paths are dotted wire names; `[]` steps into every element of a list
    (`rules[].destination.bucket`) and SELF stands for the resource itself.
    """

    moves: str
    """What it does, in words for a violation message ("a read replica")."""

    sources: tuple[str, ...] = ()
    """Paths naming the data that is copied: an ARN, identifier or name, followed back by lineage."""

    source_regions: tuple[str, ...] = ()
    """Paths holding the source's region, for APIs that take it apart from the source identifier."""

    destinations: tuple[str, ...] = ()
    """Paths naming where the copy lands: an ARN or name of a bucket, vault, stream, endpoint, ..."""

    destination_regions: tuple[str, ...] = ()
    """Paths holding the regions the copy lands in."""

    shared_with: tuple[str, ...] = ()
    """Paths holding the accounts, organisations or groups the data is shared with."""

    outside_aws: tuple[str, ...] = ()
    """Paths that, when set, deliver the data outside AWS (an HTTP endpoint, Splunk, Snowflake)."""

    global_names: tuple[str, ...] = ()
    """Paths whose plain values are globally unique names (S3 buckets) that do not pin a region."""

    active_when: tuple[str, ...] = ()
    """Paths of which one must be set for the resource to copy anything; empty means any source path."""

    lands_in_own_region: bool = True
    """The copy lands in the resource's own region unless a destination region says otherwise."""

    spans_regions: bool = False
    """The resource exists to spread data over several regions (a global database or table)."""

    every_resource_of_type: str | None = None
    """The resource copies every resource of this type in the account (account-wide log subscriptions)."""


_RDS_RESTORE = CopyMechanism(
    "a restore from a snapshot or an automated backup",
    sources=(
        "snapshotIdentifier",
        "restoreToPointInTime.sourceDbInstanceIdentifier",
        "restoreToPointInTime.sourceDbiResourceId",
        "restoreToPointInTime.sourceDbInstanceAutomatedBackupsArn",
    ),
)
_CLUSTER_RESTORE = CopyMechanism(
    "a restore from a snapshot or a point in time",
    sources=("snapshotIdentifier", "restoreToPointInTime.sourceClusterIdentifier"),
)
_S3_IMPORT = CopyMechanism(
    "an import from S3", sources=("s3Import.bucketName",), global_names=("s3Import.bucketName",)
)
_GLOBAL_MEMBER = CopyMechanism(
    "membership of a global database", sources=("globalClusterIdentifier",), spans_regions=True
)
_GLOBAL_DATABASE = CopyMechanism(
    "a global database", sources=("sourceDbClusterIdentifier",), spans_regions=True, lands_in_own_region=False
)
_MULTI_REGION_KEY = CopyMechanism(
    "a multi-region key", sources=(SELF,), active_when=("multiRegion",), spans_regions=True
)
_DMS_TASK = CopyMechanism(
    "a DMS replication",
    sources=("sourceEndpointArn",),
    destinations=("targetEndpointArn",),
    lands_in_own_region=False,
)

COPY_MECHANISMS: dict[str, tuple[CopyMechanism, ...]] = {
    # RDS, Aurora, DocumentDB, Neptune, Redshift
    "aws:rds/instance:Instance": (
        CopyMechanism("a read replica", sources=("replicateSourceDb",)),
        _RDS_RESTORE,
        _S3_IMPORT,
    ),
    "aws:rds/cluster:Cluster": (
        CopyMechanism(
            "a cross-region read replica cluster",
            sources=("replicationSourceIdentifier",),
            source_regions=("sourceRegion",),
        ),
        _GLOBAL_MEMBER,
        _CLUSTER_RESTORE,
        _S3_IMPORT,
    ),
    "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication": (
        CopyMechanism("automated backup replication", sources=("sourceDbInstanceArn",)),
    ),
    "aws:rds/snapshot:Snapshot": (
        CopyMechanism(
            "a snapshot share",
            sources=(SELF, "dbInstanceIdentifier"),
            shared_with=("sharedAccounts",),
            active_when=("sharedAccounts",),
        ),
    ),
    "aws:rds/clusterSnapshot:ClusterSnapshot": (
        CopyMechanism(
            "a snapshot share",
            sources=(SELF, "dbClusterIdentifier"),
            shared_with=("sharedAccounts",),
            active_when=("sharedAccounts",),
        ),
    ),
    "aws:rds/snapshotCopy:SnapshotCopy": (
        CopyMechanism(
            "a snapshot copy",
            sources=("sourceDbSnapshotIdentifier",),
            destination_regions=("destinationRegion",),
            shared_with=("sharedAccounts",),
        ),
    ),
    "aws:rds/clusterSnapshotCopy:ClusterSnapshotCopy": (
        CopyMechanism(
            "a snapshot copy",
            sources=("sourceDbClusterSnapshotIdentifier",),
            destination_regions=("destinationRegion",),
            shared_with=("sharedAccounts",),
        ),
    ),
    "aws:rds/exportTask:ExportTask": (
        CopyMechanism(
            "an export to S3",
            sources=("sourceArn",),
            destinations=("s3BucketName",),
            global_names=("s3BucketName",),
        ),
    ),
    "aws:rds/globalCluster:GlobalCluster": (_GLOBAL_DATABASE,),
    "aws:rds/integration:Integration": (
        CopyMechanism(
            "a zero-ETL integration",
            sources=("sourceArn",),
            destinations=("targetArn",),
            lands_in_own_region=False,
        ),
    ),
    "aws:docdb/cluster:Cluster": (_GLOBAL_MEMBER, _CLUSTER_RESTORE),
    "aws:docdb/globalCluster:GlobalCluster": (_GLOBAL_DATABASE,),
    "aws:neptune/cluster:Cluster": (
        CopyMechanism("a cross-region read replica cluster", sources=("replicationSourceIdentifier",)),
        _GLOBAL_MEMBER,
        CopyMechanism("a restore from a snapshot", sources=("snapshotIdentifier",)),
    ),
    "aws:neptune/globalCluster:GlobalCluster": (_GLOBAL_DATABASE,),
    "aws:redshift/cluster:Cluster": (
        CopyMechanism(
            "a restore from a snapshot",
            sources=("snapshotIdentifier", "snapshotArn", "snapshotClusterIdentifier"),
        ),
    ),
    "aws:redshift/snapshotCopy:SnapshotCopy": (
        CopyMechanism(
            "a cross-region snapshot copy",
            sources=("clusterIdentifier",),
            destination_regions=("destinationRegion",),
            lands_in_own_region=False,
        ),
    ),
    "aws:redshift/dataShareAuthorization:DataShareAuthorization": (
        CopyMechanism("a datashare", sources=("dataShareArn",), shared_with=("consumerIdentifier",)),
    ),
    # DynamoDB
    "aws:dynamodb/table:Table": (
        CopyMechanism(
            "a global table replica",
            sources=(SELF,),
            destination_regions=("replicas[].regionName",),
            active_when=("replicas",),
        ),
        CopyMechanism(
            "a restore from another table or a backup",
            sources=("restoreSourceTableArn", "restoreSourceName", "restoreBackupArn"),
        ),
        CopyMechanism(
            "an import from S3",
            sources=("importTable.s3BucketSource.bucket",),
            global_names=("importTable.s3BucketSource.bucket",),
        ),
    ),
    "aws:dynamodb/tableReplica:TableReplica": (
        CopyMechanism("a global table replica", sources=("globalTableArn",)),
    ),
    "aws:dynamodb/globalTable:GlobalTable": (
        CopyMechanism(
            "a global table",
            sources=("name",),
            destination_regions=("replicas[].regionName",),
            lands_in_own_region=False,
        ),
    ),
    "aws:dynamodb/kinesisStreamingDestination:KinesisStreamingDestination": (
        CopyMechanism(
            "streaming to Kinesis",
            sources=("tableName",),
            destinations=("streamArn",),
            lands_in_own_region=False,
        ),
    ),
    "aws:dynamodb/tableExport:TableExport": (
        CopyMechanism(
            "an export to S3",
            sources=("tableArn",),
            destinations=("s3Bucket",),
            shared_with=("s3BucketOwner",),
            global_names=("s3Bucket",),
            lands_in_own_region=False,
        ),
    ),
    # S3
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig": (
        CopyMechanism(
            "S3 replication",
            sources=("bucket",),
            destinations=("rules[].destination.bucket",),
            shared_with=("rules[].destination.account",),
            lands_in_own_region=False,
        ),
    ),
    "aws:s3/bucket:Bucket": (
        CopyMechanism(
            "S3 replication",
            sources=(SELF,),
            destinations=("replicationConfiguration.rules[].destination.bucket",),
            shared_with=("replicationConfiguration.rules[].destination.accountId",),
            active_when=("replicationConfiguration",),
            lands_in_own_region=False,
        ),
    ),
    "aws:s3/bucketV2:BucketV2": (
        CopyMechanism(
            "S3 replication",
            sources=(SELF,),
            destinations=("replicationConfigurations[].rules[].destinations[].bucket",),
            shared_with=("replicationConfigurations[].rules[].destinations[].accountId",),
            active_when=("replicationConfigurations",),
            lands_in_own_region=False,
        ),
    ),
    "aws:s3/objectCopy:ObjectCopy": (
        CopyMechanism(
            "an object copy",
            sources=("source",),
            destinations=("bucket",),
            global_names=("source", "bucket"),
        ),
    ),
    "aws:s3control/multiRegionAccessPoint:MultiRegionAccessPoint": (
        CopyMechanism(
            "a multi-region access point",
            sources=("details.regions[].bucket",),
            destination_regions=("details.regions[].region",),
            shared_with=("details.regions[].bucketAccountId",),
            lands_in_own_region=False,
        ),
    ),
    "aws:s3tables/tableBucketReplication:TableBucketReplication": (
        CopyMechanism(
            "S3 Tables replication",
            sources=("tableBucketArn",),
            destinations=("rule.destinations[].destinationTableBucketArn",),
            lands_in_own_region=False,
        ),
    ),
    "aws:s3tables/tableReplication:TableReplication": (
        CopyMechanism(
            "S3 Tables replication",
            sources=("tableArn",),
            destinations=("rule.destinations[].destinationTableBucketArn",),
            lands_in_own_region=False,
        ),
    ),
    # EBS, AMIs and Data Lifecycle Manager
    "aws:ebs/snapshotCopy:SnapshotCopy": (
        CopyMechanism("a snapshot copy", sources=("sourceSnapshotId",), source_regions=("sourceRegion",)),
    ),
    "aws:ebs/volumeCopy:VolumeCopy": (CopyMechanism("a volume copy", sources=("sourceVolumeId",)),),
    "aws:ec2/snapshotCreateVolumePermission:SnapshotCreateVolumePermission": (
        CopyMechanism("a snapshot share", sources=("snapshotId",), shared_with=("accountId",)),
    ),
    "aws:ec2/amiCopy:AmiCopy": (
        CopyMechanism("an AMI copy", sources=("sourceAmiId",), source_regions=("sourceAmiRegion",)),
    ),
    "aws:ec2/amiLaunchPermission:AmiLaunchPermission": (
        CopyMechanism(
            "an AMI share",
            sources=("imageId",),
            shared_with=("accountId", "group", "organizationArn", "organizationalUnitArn"),
        ),
    ),
    "aws:dlm/lifecyclePolicy:LifecyclePolicy": (
        CopyMechanism(
            "a snapshot lifecycle copy or share",
            sources=("policyDetails.targetTags",),
            destination_regions=(
                "policyDetails.schedules[].crossRegionCopyRules[].target",
                "policyDetails.schedules[].crossRegionCopyRules[].targetRegion",
                "policyDetails.action.crossRegionCopies[].target",
            ),
            shared_with=("policyDetails.schedules[].shareRule.targetAccounts",),
            active_when=(
                "policyDetails.schedules[].crossRegionCopyRules",
                "policyDetails.schedules[].shareRule",
                "policyDetails.action.crossRegionCopies",
            ),
        ),
    ),
    # AWS Backup: the sources are the resources its selections assign to the plan.
    "aws:backup/plan:Plan": (
        CopyMechanism(
            "a backup copy",
            destinations=("rules[].copyActions[].destinationVaultArn",),
            active_when=("rules[].copyActions",),
            lands_in_own_region=False,
        ),
    ),
    # Migration and transfer services
    "aws:dms/replicationTask:ReplicationTask": (_DMS_TASK,),
    "aws:dms/replicationConfig:ReplicationConfig": (_DMS_TASK,),
    "aws:datasync/task:Task": (
        CopyMechanism(
            "a DataSync transfer",
            sources=("sourceLocationArn",),
            destinations=("destinationLocationArn",),
            lands_in_own_region=False,
        ),
    ),
    "aws:drs/replicationConfigurationTemplate:ReplicationConfigurationTemplate": (
        CopyMechanism("Elastic Disaster Recovery replication of servers from elsewhere", active_when=(SELF,)),
    ),
    # Secrets and keys
    "aws:secretsmanager/secret:Secret": (
        CopyMechanism(
            "a secret replica",
            sources=(SELF,),
            destination_regions=("replicas[].region",),
            active_when=("replicas",),
        ),
    ),
    "aws:kms/key:Key": (_MULTI_REGION_KEY,),
    "aws:kms/externalKey:ExternalKey": (_MULTI_REGION_KEY,),
    "aws:kms/replicaKey:ReplicaKey": (CopyMechanism("a key replica", sources=("primaryKeyArn",)),),
    "aws:kms/replicaExternalKey:ReplicaExternalKey": (
        CopyMechanism("a key replica", sources=("primaryKeyArn",)),
    ),
    # Streams and logs
    "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": (
        CopyMechanism(
            "a Firehose delivery",
            sources=(
                SELF,
                "kinesisSourceConfiguration.kinesisStreamArn",
                "mskSourceConfiguration.mskClusterArn",
            ),
            destinations=(
                "extendedS3Configuration.bucketArn",
                "redshiftConfiguration.clusterJdbcurl",
                "elasticsearchConfiguration.domainArn",
                "opensearchConfiguration.domainArn",
                "opensearchserverlessConfiguration.collectionEndpoint",
                "icebergConfiguration.catalogArn",
            ),
            outside_aws=("httpEndpointConfiguration", "splunkConfiguration", "snowflakeConfiguration"),
            lands_in_own_region=False,
        ),
    ),
    "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter": (
        CopyMechanism(
            "a log subscription",
            sources=("logGroup",),
            destinations=("destinationArn",),
            lands_in_own_region=False,
        ),
    ),
    "aws:cloudwatch/logAccountPolicy:LogAccountPolicy": (
        CopyMechanism(
            "an account-wide log subscription",
            destinations=("policyDocument",),
            lands_in_own_region=False,
            every_resource_of_type="aws:cloudwatch/logGroup:LogGroup",
        ),
    ),
    "aws:cloudwatch/logDelivery:LogDelivery": (
        CopyMechanism(
            "a log delivery",
            sources=("deliverySourceName",),
            destinations=("deliveryDestinationArn",),
            lands_in_own_region=False,
        ),
    ),
    "aws:oam/link:Link": (
        CopyMechanism(
            "sharing logs with a monitoring account",
            destinations=("sinkIdentifier",),
            lands_in_own_region=False,
            every_resource_of_type="aws:cloudwatch/logGroup:LogGroup",
        ),
    ),
    "aws:msk/replicator:Replicator": (
        CopyMechanism(
            "Kafka topic replication",
            sources=("replicationInfoList[].sourceKafkaClusterArn",),
            destinations=("replicationInfoList[].targetKafkaClusterArn",),
            lands_in_own_region=False,
        ),
    ),
    # Caches, search and file systems
    "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup": (
        CopyMechanism(
            "a global datastore",
            sources=("primaryReplicationGroupId",),
            spans_regions=True,
            lands_in_own_region=False,
        ),
    ),
    "aws:elasticache/replicationGroup:ReplicationGroup": (
        CopyMechanism(
            "membership of a global datastore", sources=("globalReplicationGroupId",), spans_regions=True
        ),
        CopyMechanism(
            "a restore from a snapshot",
            sources=("snapshotArns", "snapshotName"),
            global_names=("snapshotArns",),
        ),
    ),
    "aws:memorydb/multiRegionCluster:MultiRegionCluster": (
        CopyMechanism("a multi-region cluster", sources=(SELF,), active_when=(SELF,), spans_regions=True),
    ),
    "aws:memorydb/cluster:Cluster": (
        CopyMechanism(
            "membership of a multi-region cluster", sources=("multiRegionClusterName",), spans_regions=True
        ),
        CopyMechanism(
            "a restore from a snapshot",
            sources=("snapshotArns", "snapshotName"),
            global_names=("snapshotArns",),
        ),
    ),
    "aws:dsql/cluster:Cluster": (
        CopyMechanism(
            "a multi-region cluster",
            sources=(SELF,),
            destination_regions=("multiRegionProperties.witnessRegion",),
            active_when=("multiRegionProperties",),
            spans_regions=True,
        ),
    ),
    "aws:dsql/clusterPeering:ClusterPeering": (
        CopyMechanism(
            "a multi-region cluster peering",
            sources=("identifier", "clusters"),
            destination_regions=("witnessRegion",),
            spans_regions=True,
        ),
    ),
    "aws:efs/replicationConfiguration:ReplicationConfiguration": (
        CopyMechanism(
            "EFS replication",
            sources=("sourceFileSystemId",),
            destinations=("destination.fileSystemId",),
            destination_regions=("destination.region",),
        ),
    ),
    "aws:opensearch/outboundConnection:OutboundConnection": (
        CopyMechanism(
            "a cross-cluster connection",
            sources=("localDomainInfo.domainName", "remoteDomainInfo.domainName"),
            destination_regions=("remoteDomainInfo.region",),
            shared_with=("remoteDomainInfo.ownerId",),
            global_names=("remoteDomainInfo.domainName",),
            lands_in_own_region=False,
        ),
    ),
    "aws:opensearch/inboundConnectionAccepter:InboundConnectionAccepter": (
        CopyMechanism(
            "an accepted cross-cluster connection",
            sources=("connectionId",),
            global_names=("connectionId",),
            spans_regions=True,
        ),
    ),
    # Resource Access Manager shares any shareable resource (Aurora clusters among them) with other accounts.
    "aws:ram/resourceAssociation:ResourceAssociation": (
        CopyMechanism("a resource share", sources=("resourceArn",), shared_with=("resourceShareArn",)),
    ),
}
"""Every pulumi-aws resource that copies, replicates, shares or exports data, and how, in wire names.

Not covered, because they run arbitrary code or carry no stored data: Glue jobs, AppFlow flows, EventBridge
Pipes and rules, Lambda event source mappings, ECR image replication.
"""

REPLICATING_TYPES: frozenset[str] = frozenset(COPY_MECHANISMS)
"""Resource types that can copy data somewhere else; the replication rules inspect each of them."""

ENDPOINT_LOCATIONS: dict[str, tuple[str, ...]] = {
    "aws:dms/endpoint:Endpoint": (
        "serverName",
        "s3Settings.bucketName",
        "kinesisSettings.streamArn",
        "kafkaSettings.broker",
        "elasticsearchSettings.endpointUri",
        "redshiftSettings.bucketName",
    ),
    "aws:dms/s3Endpoint:S3Endpoint": ("bucketName",),
    "aws:datasync/s3Location:S3Location": ("s3BucketArn",),
    "aws:datasync/efsLocation:EfsLocation": ("efsFileSystemArn",),
    "aws:datasync/nfsLocation:NfsLocation": ("serverHostname",),
    "aws:datasync/locationSmb:LocationSmb": ("serverHostname",),
    "aws:datasync/locationObjectStorage:LocationObjectStorage": ("serverHostname",),
    "aws:datasync/locationAzureBlob:LocationAzureBlob": ("containerUrl",),
    "aws:datasync/locationHdfs:LocationHdfs": ("nameNodes[].hostname",),
    "aws:datasync/locationFsxLustre:LocationFsxLustre": ("fsxFilesystemArn",),
    "aws:datasync/locationFsxWindows:LocationFsxWindows": ("fsxFilesystemArn",),
    "aws:datasync/locationFsxOntapFileSystem:LocationFsxOntapFileSystem": ("storageVirtualMachineArn",),
    "aws:datasync/fsxOpenZfsFileSystem:FsxOpenZfsFileSystem": ("fsxFilesystemArn",),
    "aws:cloudwatch/logDeliverySource:LogDeliverySource": ("resourceArn",),
    "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination": (
        "deliveryDestinationConfiguration.destinationResourceArn",
    ),
    "aws:cloudwatch/logDestination:LogDestination": ("targetArn",),
}
"""Resources that only point at data held elsewhere, with the properties that say where that data lives."""
