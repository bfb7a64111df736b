"""How each type that copies, points at or grants access to data does so, in wire (camelCase) property paths.

The triage table (`triage`) says what a type does; this module says how, for every type it places under
copies (`COPY_MECHANISMS`), points (`POINTERS`) and grants (`GRANTS`). `tests/policies/test_triage.py` checks
that the two agree, type for type.

Paths are dotted wire names. `[]` steps into every element of a list (optional: lists are always stepped
into); `*` steps into every value of a map; `**` into every value at any depth (as the last step: every
leaf value, tags and labels excepted); `{json}` parses JSON text (a policy document, a redrive policy);
`{spark-locations}` yields the URLs a Spark `--conf` text sets, `{network-connectors}` the broker URIs of an
ActiveMQ configuration's network connectors, `{bootstrap-servers}` the brokers (as `kafka://host:port`) of a
Kafka client's properties; `key[name=value]` keeps, of the objects at `key`, those whose
member `name` holds the value (case-insensitive: an option setting named `IAM_ROLE_ARN`), or one unknown at
preview;
SELF stands for the resource itself and ANY for every value it is configured with.
"""

from __future__ import annotations

from typing import NamedTuple

from .operators import OPERATOR_MECHANISMS, OPERATOR_POINTERS
from .shapes import ANY as ANY
from .shapes import SELF as SELF
from .shapes import CopyMechanism as CopyMechanism
from .shapes import NamedObject


def _references(moves: str, lands_in_itself: bool = True) -> CopyMechanism:
    """A service that moves data between everything it is configured with, and its own data."""
    return CopyMechanism(moves, sources=(SELF, ANY), destinations=(ANY,), lands_in_own_region=lands_in_itself)


_CONFIGURED_TABLE = "aws:cleanrooms/configuredTable:ConfiguredTable"
"""A Clean Rooms configured table: a pointer at the Glue table it exposes to collaborations."""


def _references_writing(moves: str, *outputs: str) -> CopyMechanism:
    """A service that moves data between everything it is configured with and writes its results (captured
    requests, outputs) to the S3 locations at `outputs`: each is a destination of its own, so a bucket the
    stack does not declare is untraceable (S3's namespace is global), as for any named destination."""
    return CopyMechanism(
        moves,
        sources=(SELF, ANY),
        destinations=(ANY, *outputs),
        global_names=outputs,
        lands_in_own_region=False,
    )


def _code(moves: str) -> CopyMechanism:
    """Code that runs with everything it is configured with."""
    return CopyMechanism(moves, sources=(ANY,), destinations=(ANY,), runs_code=True)


_FIREHOSE_LAMBDAS = tuple(
    f"{configuration}.processingConfiguration.processors[].parameters[parameterName=LambdaArn].parameterValue"
    for configuration in (
        "extendedS3Configuration",
        "redshiftConfiguration",
        "elasticsearchConfiguration",
        "opensearchConfiguration",
        "opensearchserverlessConfiguration",
        "splunkConfiguration",
        "httpEndpointConfiguration",
        "icebergConfiguration",
        "snowflakeConfiguration",
    )
)
"""The functions a Firehose delivery's Lambda processors name (`LambdaArn`), in each destination's
configuration."""

SHARING_SDK_ACTIONS = (
    "rds:modifyDBSnapshotAttribute",
    "rds:modifyDBClusterSnapshotAttribute",
    "rds:copyDBSnapshot",
    "rds:copyDBClusterSnapshot",
    "rds:startExportTask",
    "dynamodb:exportTableToPointInTime",
    "dynamodb:putResourcePolicy",
    "ec2:modifySnapshotAttribute",
    "ec2:copySnapshot",
    "ec2:modifyImageAttribute",
    "ec2:copyImage",
    "s3:putBucketPolicy",
    "s3:putBucketReplication",
    "s3:copyObject",
    "kms:putKeyPolicy",
    "kms:createGrant",
    "backup:startCopyJob",
    "redshift:authorizeSnapshotAccess",
    "redshift:copyClusterSnapshot",
    "secretsmanager:putResourcePolicy",
    "secretsmanager:replicateSecretToRegions",
    "ram:createResourceShare",
    "ram:associateResourceShare",
)
"""AWS API actions (`service:action`, as the SDK integrations name them) that share, copy or export what their
payload names: called by a Scheduler universal target or a state machine's task, each is a copy of what the
payload names into what it names (`residency_policies/lineage_documents.py`), judged as any copy; an action
that is neither one of these nor one that moves nothing fails closed (`residency_policies/sdk_calls.py`)."""

SHARING_UNIVERSAL_TARGETS = tuple(f"arn:aws:scheduler:::aws-sdk:{action}" for action in SHARING_SDK_ACTIONS)
"""EventBridge Scheduler universal targets (any SDK action, called with the schedule's input) whose action
shares, copies or exports what the input names: an input unknown at preview names its destination among
literals no preview can read."""


def _database_roles(moves: str, *roles: str, source: str = SELF) -> CopyMechanism:
    """A data holder's IAM roles (or an association of one with its holder): SQL and the holder's features
    copy its data wherever the roles may write."""
    return CopyMechanism(
        moves,
        sources=(source,),
        roles=roles,
        active_when=roles if source == SELF else (),
        lands_in_own_region=False,
    )


def _derived(moves: str, *sources: str, global_names: tuple[str, ...] = ()) -> CopyMechanism:
    """A resource made from another one's data, in its own region: a snapshot, a restore, an image."""
    return CopyMechanism(moves, sources=sources, global_names=global_names)


_MQ_CONNECTORS = "data.{network-connectors}"
"""The broker URIs of an ActiveMQ configuration's `<networkConnector uri="static:(ssl://...)">` elements."""

_OPTION_SETTING = "options[].optionSettings[name={name}].value"
"""The value of a named setting of an RDS option group's options."""

_GLUE_WRITTEN = (
    "defaultArguments.--TempDir",
    "defaultArguments.--spark-event-logs-path",
    "defaultArguments.--conf.{spark-locations}",
)
"""Where Glue itself writes a job's data, by its special parameters: the temporary directory (Redshift and
DynamoDB staging, and the shuffle files of `--write-shuffle-files-to-s3` by default), the Spark UI's event
logs, and every location a `--conf` setting names (`spark.shuffle.glue.s3ShuffleBucket`, a warehouse, an
event log directory). The job's own code is judged as code; these are written by the service."""

_AI_DATA_SHARING = CopyMechanism(
    "an opt-in to AWS's use of the content its AI services process",
    lands_in_own_region=False,
)
"""Content handed to AWS for its own use (decision, reviewer blind-aws13 a31): AWS stores it and uses it to
improve its services, outside the deployment's accounts and, as AWS's service terms allow, outside the region
where the service is used; it names no destination, so where it lands cannot be traced."""

_IOT_BUCKETS = ("s3[].bucketName", "errorAction.s3.bucketName")
_IOT_PLACES = (
    "kafkas[].clientProperties.{bootstrap-servers}",
    "errorAction.kafka.clientProperties.{bootstrap-servers}",
    "elasticsearch[].endpoint",
    "errorAction.elasticsearch.endpoint",
    *_IOT_BUCKETS,
)
"""The IoT rule actions that name where they deliver by a host, an endpoint or a bucket's global name."""

_EMR_ON_EKS_MONITORING = "jobTemplateData.configurationOverrides.monitoringConfiguration"


def _emr_logs(runs: str, sources: tuple[str, ...], log_uri: str, *log_groups: str) -> CopyMechanism:
    """EMR's uploads of a job's or cluster's logs (its driver's, executors' and steps' output, which holds
    what the job prints of what it reads) to the S3 log URI and log group its monitoring configuration
    names: written by the service, as a Glue job's temporary directory is, so a bucket the stack does not
    declare is untraceable (S3's namespace is global); a log group's bare name is in the job's region."""
    return CopyMechanism(
        f"EMR's log upload for {runs} (what it prints of what it reads)",
        sources=sources,
        destinations=(log_uri, *log_groups),
        global_names=(log_uri,),
        active_when=(log_uri, *log_groups),
        lands_in_own_region=False,
        may_target_source=True,
    )


_API_BODY = "body.{json}.**"
"""Every value of a REST API's OpenAPI body (JSON): its integrations' URIs, roles and request templates."""
_API_BODY_ROLES = "body.{json}.paths.*.*.x-amazon-apigateway-integration.credentials"
_API_BODY_POLICY = "body.{json}.x-amazon-apigateway-policy"

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
_DMS_SERVERLESS = CopyMechanism(
    "a DMS replication",
    sources=("sourceEndpointArn",),
    destinations=("targetEndpointArn",),
    lands_in_own_region=False,
)
_DMS_TASK = CopyMechanism(
    "a DMS replication",
    sources=("sourceEndpointArn",),
    # The replication instance holds the data in flight (cached changes, task logs) on its own storage.
    destinations=("targetEndpointArn", "replicationInstanceArn"),
    lands_in_own_region=False,
)

_ORIGINAL_MECHANISMS: dict[str, tuple[CopyMechanism, ...]] = {
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
        _database_roles(
            "SQL writing through the cluster's IAM roles (SELECT INTO OUTFILE S3, s3Export)", "iamRoles"
        ),
    ),
    "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication": (
        CopyMechanism("automated backup replication", sources=("sourceDbInstanceArn",)),
    ),
    "aws:rds/snapshot:Snapshot": (
        _derived("a snapshot", "dbInstanceIdentifier"),
        CopyMechanism(
            "a snapshot share",
            sources=(SELF, "dbInstanceIdentifier"),
            shared_with=("sharedAccounts",),
            active_when=("sharedAccounts",),
        ),
    ),
    "aws:rds/clusterSnapshot:ClusterSnapshot": (
        _derived("a snapshot", "dbClusterIdentifier"),
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
        _database_roles(
            "a feature writing through the cluster's IAM roles (Neptune ML, exports)", "iamRoles"
        ),
    ),
    "aws:neptune/globalCluster:GlobalCluster": (_GLOBAL_DATABASE,),
    "aws:redshift/cluster:Cluster": (
        CopyMechanism(
            "a restore from a snapshot",
            sources=("snapshotIdentifier", "snapshotArn", "snapshotClusterIdentifier"),
        ),
        _database_roles(
            "SQL writing through the cluster's IAM roles (UNLOAD)", "iamRoles", "defaultIamRoleArn"
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
            "a global table replica (or the witness of a multi-Region strongly consistent one)",
            sources=(SELF,),
            destination_regions=("replicas[].regionName", "globalTableWitness.regionName"),
            active_when=("replicas", "globalTableWitness"),
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
        # It copies nothing: it routes each request to one of its buckets (a write lands in the bucket
        # nearest the caller), so its buckets are where what it is sent lands, judged where each one is
        # (reviewer blind-access15 c12: one in-region bucket of the deployment moves nothing).
        CopyMechanism(
            "a multi-region access point",
            sources=("details.regions[].bucket",),
            destinations=("details.regions[].bucket",),
            destination_regions=("details.regions[].region",),
            global_names=("details.regions[].bucket",),
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
    "aws:dms/replicationConfig:ReplicationConfig": (_DMS_SERVERLESS,),
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
            # Every delivery path counts, nested backup and staging buckets included (test_triage checks
            # that every bucket, domain, cluster and catalog input of the SDK is listed).
            destinations=(
                "extendedS3Configuration.bucketArn",
                "extendedS3Configuration.s3BackupConfiguration.bucketArn",
                "redshiftConfiguration.clusterJdbcurl",
                "redshiftConfiguration.s3Configuration.bucketArn",
                "redshiftConfiguration.s3BackupConfiguration.bucketArn",
                "elasticsearchConfiguration.domainArn",
                "elasticsearchConfiguration.clusterEndpoint",
                "elasticsearchConfiguration.s3Configuration.bucketArn",
                "opensearchConfiguration.domainArn",
                "opensearchConfiguration.clusterEndpoint",
                "opensearchConfiguration.s3Configuration.bucketArn",
                "opensearchserverlessConfiguration.collectionEndpoint",
                "opensearchserverlessConfiguration.s3Configuration.bucketArn",
                "icebergConfiguration.catalogArn",
                "icebergConfiguration.s3Configuration.bucketArn",
                "httpEndpointConfiguration.s3Configuration.bucketArn",
                "splunkConfiguration.s3Configuration.bucketArn",
                "snowflakeConfiguration.s3Configuration.bucketArn",
            ),
            outside_aws=("httpEndpointConfiguration", "splunkConfiguration", "snowflakeConfiguration"),
            lands_in_own_region=False,
        ),
        # A Lambda processor is sent every record to transform (`LambdaArn`, in the function's region and
        # account); other parameters (retries, buffering, the role it is invoked as) name no place.
        CopyMechanism(
            "a Firehose delivery's record transformation",
            sources=(
                SELF,
                "kinesisSourceConfiguration.kinesisStreamArn",
                "mskSourceConfiguration.mskClusterArn",
            ),
            destinations=_FIREHOSE_LAMBDAS,
            active_when=_FIREHOSE_LAMBDAS,
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
            destinations=("policyDocument.{json}.DestinationArn",),
            active_values=(("policyType", ("SUBSCRIPTION_FILTER_POLICY",)),),
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
            active_values=(("resourceTypes", ("AWS::Logs::LogGroup",)),),
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
            destination_regions=("destination.region", "destination.availabilityZoneName"),
        ),
    ),
    # Cross-cluster search and replication: the local domain (whose owner creates the outbound connection)
    # queries, or follows the indices of, the remote one, so the remote domain's data lands in the local
    # domain's region and account; the local domain's index is not sent (reviewer blind-full14 v05).
    "aws:opensearch/outboundConnection:OutboundConnection": (
        CopyMechanism(
            "a cross-cluster connection (its local domain searches or replicates the remote one's indices)",
            sources=("remoteDomainInfo.domainName",),
            destination_regions=("localDomainInfo.region",),
            shared_with=("localDomainInfo.ownerId",),
            global_names=("remoteDomainInfo.domainName",),
            lands_in_own_region=False,
        ),
    ),
    # An accepter completes a connection: the stack's own is judged by the two domains it joins (reviewer
    # blind-aws13 c07); one the stack does not declare may join any region and account.
    "aws:opensearch/inboundConnectionAccepter:InboundConnectionAccepter": (
        CopyMechanism(
            "an accepted cross-cluster connection (its local domain reads the accepting one)",
            sources=("connectionId",),
            destinations_of=("connectionId",),
            global_names=("connectionId",),
            lands_in_own_region=False,
        ),
    ),
    # Resource Access Manager shares any shareable resource (Aurora clusters among them) with other accounts.
    "aws:ram/resourceAssociation:ResourceAssociation": (
        CopyMechanism("a resource share", sources=("resourceArn",), shared_with=("resourceShareArn",)),
    ),
}
"""The copy mechanisms the pack started with (rule 3 of the residency rules)."""

_AWS_DESTINATION_CONNECTORS = ("S3", "Redshift", "EventBridge", "CustomerProfiles", "LookoutMetrics")
"""AppFlow connector types that deliver into AWS; every other connector is a SaaS application outside it."""

_TIMESTREAM_REJECTS = (
    "magneticStoreWriteProperties.magneticStoreRejectedDataLocation.s3Configuration.bucketName"
)
_PROFILES_EXPORTS = tuple(
    f"{matching}.exportingConfig.s3Exporting.s3BucketName" for matching in ("matching", "ruleBasedMatching")
)

NETWORK_SPACES: dict[str, str] = {
    "aws:ec2/subnet:Subnet": (
        "a subnet: the account it is shared with (a VPC participant) launches its own resources into it, "
        "beside what the stack places there (a database through its subnet group, a file system through its "
        "mount target, an instance, a node group); the subnet itself holds no data"
    ),
}
"""Shareable resources that are network space, not data: a resource share of one shares the data holders the
stack places in it, through any number of resources in between (a subnet group; a mount target; a network
interface and its attachment), and one that hosts no data holder shares nothing."""

NETWORK_CONNECTORS: dict[str, str] = {
    "aws:ec2transitgateway/transitGateway:TransitGateway": (
        "a transit gateway: the account it is shared with attaches its own VPCs to it"
    ),
    "aws:ec2/managedPrefixList:ManagedPrefixList": "a prefix list: a list of address ranges",
    "aws:route53/resolverRule:ResolverRule": "a resolver rule: where DNS queries for a domain are forwarded",
    "aws:ec2/vpcIpamPool:VpcIpamPool": "an IPAM pool: address space to allocate from",
}
"""Shareable resources that connect or describe networks and hold no data: a resource share of one shares no
data. What another account's networks then reach through them is judged from the stores' side (pii-not-public:
a security group that admits a network beyond the store's VPC, a peered or transit network)."""

_SNS_AWS_PROTOCOLS = ("sqs", "lambda", "firehose")
"""SNS protocols whose endpoint is an AWS resource (an ARN); the rest deliver outside AWS."""

CODE_ASSOCIATIONS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "aws:bedrock/agentAgent:AgentAgent": (
        (
            "aws:bedrock/agentAgentKnowledgeBaseAssociation:AgentAgentKnowledgeBaseAssociation",
            "agentId",
            "knowledgeBaseId",
        ),
    ),
    "aws:sagemaker/notebookInstanceLifecycleConfiguration:NotebookInstanceLifecycleConfiguration": (
        ("aws:sagemaker/notebookInstance:NotebookInstance", "lifecycleConfigName", SELF),
    ),
    "aws:sagemaker/studioLifecycleConfig:StudioLifecycleConfig": (
        ("aws:sagemaker/domain:Domain", "defaultUserSettings.**", SELF),
        ("aws:sagemaker/domain:Domain", "defaultSpaceSettings.**", SELF),
        ("aws:sagemaker/userProfile:UserProfile", "userSettings.**", SELF),
        ("aws:sagemaker/space:Space", "spaceSettings.**", SELF),
        ("aws:sagemaker/app:App", "resourceSpec.**", SELF),
    ),
}
"""Code that reads what a separate association resource links it to: (the association's type, its path naming
the code, its path naming what the code reads; SELF: the association itself). An agent puts what its
knowledge bases retrieve into the prompts it sends its model, wherever that model is served (reviewer
blind-aws12 c03). A SageMaker lifecycle script runs on the notebook instance, or in the apps of the domain,
user profile, space or app, whose settings name it, and reads what they hold (`residency_facts/user_data.py`,
reviewer blind-data15 a10)."""

CHILD_HOLDERS: dict[str, tuple[str, str]] = {
    "aws:appsync/apiCache:ApiCache": ("apiId", "a cache of its API (the results its resolvers return)"),
    "aws:cognito/user:User": ("userPoolId", "a user of its user pool (its attributes are kept there)"),
    "aws:customerprofiles/profile:Profile": ("domainName", "a profile of its domain"),
    "aws:directoryservicedata/user:User": ("directoryId", "a user of its directory"),
    "aws:dynamodb/tableItem:TableItem": ("tableName", "an item of its table"),
    "aws:emr/instanceFleet:InstanceFleet": ("clusterId", "an instance fleet of its cluster (its volumes)"),
    "aws:emr/instanceGroup:InstanceGroup": ("clusterId", "an instance group of its cluster (its volumes)"),
    "aws:kinesisanalyticsv2/applicationSnapshot:ApplicationSnapshot": (
        "applicationName",
        "a snapshot of its application's state",
    ),
    "aws:secretsmanager/secretVersion:SecretVersion": ("secretId", "a version of its secret"),
    "aws:storagegateway/cache:Cache": ("gatewayArn", "a cache disk of its gateway"),
    "aws:storagegateway/uploadBuffer:UploadBuffer": ("gatewayArn", "an upload buffer of its gateway"),
    "aws:storagegateway/workingStorage:WorkingStorage": ("gatewayArn", "working storage of its gateway"),
    "aws:workmail/user:User": ("organizationId", "a mailbox of its organisation"),
    "aws:docdb/clusterSnapshot:ClusterSnapshot": ("dbClusterIdentifier", "a snapshot"),
    "aws:neptune/clusterSnapshot:ClusterSnapshot": ("dbClusterIdentifier", "a snapshot"),
    "aws:redshiftserverless/snapshot:Snapshot": ("namespaceName", "a snapshot"),
}
"""Holders that take no tags and live in a parent: (the path naming the parent, what the child is). Each
holds what its parent holds (a `_derived` copy from that path, in the child's own region), so lineage
classifies it from the parent whatever its provider's `defaultTags` say
(`classification.CLASSIFIED_BY_PARENT`)."""

DELETION_KEEPS_VALUE: dict[str, str] = {
    "aws:secretsmanager/secretVersion:SecretVersion": (
        "a new secretString (ForceNew in terraform-provider-aws's secret_version.go, as secretBinary and "
        "secretStringWoVersion are) replaces the version: PutSecretValue writes a new version and moves "
        "AWSCURRENT to it, and deleting the old one only removes its staging labels (never AWSCURRENT); "
        "the values stay in the secret until the secret itself is deleted, which its protect and recovery "
        "window guard. protect=True on the version would refuse every change of the value."
    ),
}
"""Child holders (`CHILD_HOLDERS`) whose deletion or replacement destroys nothing of their parent's data, with
the review: they need no `protect=True` of their own, pii-no-data-loss judges their parent. A child whose
deletion deletes what it holds (a table's item, a pool's user, a profile, a snapshot) is not one."""

CONFIGURATION_VALUES: dict[str, tuple[str, ...]] = {
    "aws:ssm/parameter:Parameter": ("value", "insecureValue"),
    "aws:secretsmanager/secretVersion:SecretVersion": ("secretString",),
    "aws:appconfig/hostedConfigurationVersion:HostedConfigurationVersion": ("content",),
}
"""Holders of configuration that code reads at run time (a parameter, a secret's version, an AppConfig
version): the inputs that hold the value. Code that reads one reads what its value names too (a database's
address or ARN kept in a parameter), as a Kubernetes workload reads what its ConfigMaps name."""
CONFIGURATION_PARENTS: dict[str, tuple[str, str]] = {
    "aws:secretsmanager/secret:Secret": ("aws:secretsmanager/secretVersion:SecretVersion", "secretId"),
    "aws:appconfig/configurationProfile:ConfigurationProfile": (
        "aws:appconfig/hostedConfigurationVersion:HostedConfigurationVersion",
        "configurationProfileId",
    ),
}
"""Configuration read by its parent's name (a secret's ARN, a profile's id), whose values are kept in child
resources: (the child type, the child's input that names the parent)."""


ADDED_MECHANISMS: dict[str, tuple[CopyMechanism, ...]] = {
    # Every feature of a role association may carry the database's data where the role may write: s3Export
    # (aws_s3.query_export_to_s3) to any bucket in any region, Oracle's and SQL Server's S3_INTEGRATION, the
    # Lambda feature to a function; s3Import's role only reads, and a role that may write nothing copies
    # nothing. Lineage takes the role's policies' writing statements as the destinations.
    "aws:redshift/clusterIamRoles:ClusterIamRoles": (
        _database_roles(
            "SQL writing through the IAM roles associated with a cluster (UNLOAD)",
            "iamRoleArns",
            "defaultIamRoleArn",
            source="clusterIdentifier",
        ),
    ),
    "aws:redshiftserverless/namespace:Namespace": (
        _database_roles(
            "SQL writing through the namespace's IAM roles (UNLOAD)", "iamRoles", "defaultIamRoleArn"
        ),
    ),
    # An option group gives every database that uses it (`optionGroupName`) the roles of its options'
    # IAM_ROLE_ARN settings: SQL Server's native backups (rds_backup_database: whole .bak copies) and its
    # audit
    # logs (every audited statement) are written wherever those roles may write; SQLSERVER_AUDIT's
    # S3_BUCKET_ARN names the bucket. Oracle's and SQL Server's S3_INTEGRATION take their role from a role
    # association (below).
    "aws:rds/optionGroup:OptionGroup": (
        CopyMechanism(
            "backups and audit logs written by the options of the databases' option group (IAM_ROLE_ARN, "
            "S3_BUCKET_ARN)",
            destinations=(_OPTION_SETTING.format(name="S3_BUCKET_ARN"),),
            roles=(_OPTION_SETTING.format(name="IAM_ROLE_ARN"),),
            members=(("aws:rds/instance:Instance", "optionGroupName"),),
            active_when=(
                _OPTION_SETTING.format(name="IAM_ROLE_ARN"),
                _OPTION_SETTING.format(name="S3_BUCKET_ARN"),
            ),
            lands_in_own_region=False,
        ),
    ),
    "aws:rds/roleAssociation:RoleAssociation": (
        _database_roles(
            "SQL or a feature writing through a role associated with the database (s3Export, "
            "S3_INTEGRATION, Lambda)",
            "roleArn",
            source="dbInstanceIdentifier",
        ),
    ),
    "aws:rds/clusterRoleAssociation:ClusterRoleAssociation": (
        _database_roles(
            "SQL or a feature writing through a role associated with the cluster (s3Export, Lambda)",
            "roleArn",
            source="dbClusterIdentifier",
        ),
    ),
    # Snapshots, images and restores: the copy holds its source's data in its own region.
    "aws:ebs/snapshot:Snapshot": (_derived("a snapshot", "volumeId"),),
    "aws:ebs/volume:Volume": (_derived("a volume restored from a snapshot", "snapshotId"),),
    "aws:ec2/ami:Ami": (_derived("an image of snapshots", "ebsBlockDevices[].snapshotId", "imageLocation"),),
    "aws:ec2/amiFromInstance:AmiFromInstance": (_derived("an image of an instance", "sourceInstanceId"),),
    "aws:docdb/clusterSnapshot:ClusterSnapshot": (_derived("a snapshot", "dbClusterIdentifier"),),
    "aws:neptune/clusterSnapshot:ClusterSnapshot": (_derived("a snapshot", "dbClusterIdentifier"),),
    "aws:memorydb/snapshot:Snapshot": (_derived("a snapshot", "clusterName"),),
    "aws:redshiftserverless/snapshot:Snapshot": (_derived("a snapshot", "namespaceName"),),
    "aws:elasticache/cluster:Cluster": (
        _derived("a restore from a snapshot", "snapshotArns", "snapshotName", global_names=("snapshotArns",)),
        _derived("membership of a replication group", "replicationGroupId"),
    ),
    "aws:fsx/backup:Backup": (_derived("a backup", "fileSystemId", "volumeId"),),
    "aws:fsx/lustreFileSystem:LustreFileSystem": (
        _derived("a restore from a backup", "backupId"),
        CopyMechanism(
            "a link to an S3 data repository",
            sources=("importPath",),
            destinations=("exportPath",),
            global_names=("importPath", "exportPath"),
        ),
    ),
    "aws:fsx/openZfsFileSystem:OpenZfsFileSystem": (_derived("a restore from a backup", "backupId"),),
    "aws:fsx/windowsFileSystem:WindowsFileSystem": (_derived("a restore from a backup", "backupId"),),
    "aws:fsx/openZfsVolume:OpenZfsVolume": (_derived("a clone of a snapshot", "originSnapshot.snapshotArn"),),
    "aws:fsx/fileCache:FileCache": (
        CopyMechanism(
            "a cache of data repositories",
            sources=("dataRepositoryAssociations[].dataRepositoryPath",),
            global_names=("dataRepositoryAssociations[].dataRepositoryPath",),
        ),
    ),
    "aws:fsx/dataRepositoryAssociation:DataRepositoryAssociation": (
        CopyMechanism(
            "a link between a file system and an S3 data repository",
            sources=("fileSystemId", "dataRepositoryPath"),
            destinations=("fileSystemId", "dataRepositoryPath"),
            global_names=("dataRepositoryPath",),
            lands_in_own_region=False,
        ),
    ),
    # Queues, topics, buses, pipes and streams.
    "aws:sns/topicSubscription:TopicSubscription": (
        CopyMechanism(
            "an SNS subscription",
            sources=("topic",),
            # Messages SNS cannot deliver go to the subscription's dead-letter queue, wherever it is.
            destinations=("endpoint", "redrivePolicy.{json}.deadLetterTargetArn"),
            outside_aws_unless=(("protocol", _SNS_AWS_PROTOCOLS),),
            lands_in_own_region=False,
        ),
    ),
    "aws:sqs/queue:Queue": (
        CopyMechanism(
            "a dead-letter queue",
            sources=(SELF,),
            destinations=("redrivePolicy.{json}.deadLetterTargetArn",),
            active_when=("redrivePolicy",),
            lands_in_own_region=False,
        ),
    ),
    "aws:sqs/redrivePolicy:RedrivePolicy": (
        CopyMechanism(
            "a dead-letter queue",
            sources=("queueUrl",),
            destinations=("redrivePolicy.{json}.deadLetterTargetArn",),
            lands_in_own_region=False,
        ),
    ),
    "aws:cloudwatch/eventTarget:EventTarget": (
        CopyMechanism(
            "an EventBridge target",
            sources=("rule", "eventBusName"),
            destinations=("arn", "deadLetterConfig.arn"),
            lands_in_own_region=False,
        ),
    ),
    "aws:cloudwatch/eventEndpoint:EventEndpoint": (
        CopyMechanism(
            "a global endpoint replicating events",
            sources=("eventBuses[].eventBusArn",),
            destinations=("eventBuses[].eventBusArn",),
            destination_regions=("routingConfig.failoverConfig.secondary.route",),
            lands_in_own_region=False,
        ),
    ),
    "aws:pipes/pipe:Pipe": (
        CopyMechanism(
            "an EventBridge pipe",
            sources=("source",),
            # Its logs carry the payloads it moves when they include execution data (and its errors may
            # quote them when they do not): every log destination is one, the bucket's owner an account.
            destinations=(
                "target",
                "enrichment",
                "logConfiguration.cloudwatchLogsLogDestination.logGroupArn",
                "logConfiguration.s3LogDestination.bucketName",
                "logConfiguration.firehoseLogDestination.deliveryStreamArn",
                # A stream source's records the pipe cannot deliver go to its dead-letter queue.
                "sourceParameters.dynamodbStreamParameters.deadLetterConfig.arn",
                "sourceParameters.kinesisStreamParameters.deadLetterConfig.arn",
            ),
            shared_with=("logConfiguration.s3LogDestination.bucketOwner",),
            global_names=("logConfiguration.s3LogDestination.bucketName",),
            lands_in_own_region=False,
        ),
    ),
    "aws:cloudwatch/metricStream:MetricStream": (
        CopyMechanism(
            "a metric stream", sources=(SELF,), destinations=("firehoseArn",), lands_in_own_region=False
        ),
    ),
    "aws:cloudwatch/logS3TableIntegrationSource:LogS3TableIntegrationSource": (
        _references("a log copy into S3 Tables", lands_in_itself=False),
    ),
    "aws:mq/broker:Broker": (
        CopyMechanism(
            "cross-region data replication from a primary broker",
            sources=("dataReplicationPrimaryBrokerArn",),
            active_when=("dataReplicationPrimaryBrokerArn",),
        ),
    ),
    # A network of brokers: an ActiveMQ configuration's networkConnectors forward the messages of every
    # broker that uses it (`configuration.id`) to the brokers their URIs name, wherever those are.
    "aws:mq/configuration:Configuration": (
        CopyMechanism(
            "a network of brokers (the configuration's networkConnectors forward the messages of the brokers "
            "that use it to the brokers they name)",
            sources=(SELF,),
            destinations=(_MQ_CONNECTORS,),
            members=(("aws:mq/broker:Broker", "configuration.id"),),
            active_when=(_MQ_CONNECTORS,),
            lands_in_own_region=False,
        ),
    ),
    "aws:mskconnect/connector:Connector": (
        CopyMechanism(
            "a Kafka Connect connector",
            sources=("kafkaCluster.apacheKafkaCluster.bootstrapServers", "connectorConfiguration.*"),
            destinations=("connectorConfiguration.*", "logDelivery.**"),
            global_names=("connectorConfiguration.*",),
            lands_in_own_region=False,
        ),
    ),
    "aws:kinesis/analyticsApplication:AnalyticsApplication": (
        CopyMechanism(
            "a streaming analytics application",
            sources=("inputs.**.resourceArn", "referenceDataSources.s3.bucketArn"),
            # Its input's Lambda preprocessor is sent every record to transform.
            destinations=(
                "outputs.**.resourceArn",
                "cloudwatchLoggingOptions.logStreamArn",
                "inputs.processingConfiguration.lambda.resourceArn",
            ),
            lands_in_own_region=False,
        ),
    ),
    "aws:rds/clusterActivityStream:ClusterActivityStream": (
        CopyMechanism("a database activity stream", sources=("resourceArn",), lands_in_own_region=True),
    ),
    "aws:qldb/stream:Stream": (
        CopyMechanism(
            "a journal stream",
            sources=("ledgerName",),
            destinations=("kinesisConfiguration.streamArn",),
            lands_in_own_region=False,
        ),
    ),
    "aws:iot/topicRule:TopicRule": (
        # The HTTPS action (and the error action's) posts every message the rule selects to a URL: outside
        # AWS, whatever else the rule forwards to. The actions that name their destination by a host or a
        # global name are destinations of their own (reviewer blind-aws13 a27): a Kafka action's brokers
        # (`bootstrap.servers`: a host on the internet is outside AWS, an AWS host is in the region it names),
        # an OpenSearch action's endpoint, an S3 action's bucket (one the stack does not declare may be in any
        # region or account). The others name a resource by a bare name (a Firehose stream, a Kinesis stream,
        # a Timestream table, a log group, a state machine), which IoT resolves in the rule's own region and
        # account, or by an ARN (SNS, Lambda) or queue URL that says where it is.
        CopyMechanism(
            "an IoT topic rule",
            sources=(SELF, ANY),
            destinations=(ANY, *_IOT_PLACES),
            outside_aws=("https[].url", "errorAction.http.url"),
            global_names=_IOT_BUCKETS,
            lands_in_own_region=False,
        ),
    ),
    # Integrations and zero-ETL.
    "aws:redshift/integration:Integration": (
        CopyMechanism(
            "a zero-ETL integration",
            sources=("sourceArn",),
            destinations=("targetArn",),
            lands_in_own_region=False,
        ),
    ),
    "aws:redshift/dataShareConsumerAssociation:DataShareConsumerAssociation": (
        CopyMechanism(
            "a datashare consumed from a producer",
            sources=("dataShareArn",),
            destination_regions=("consumerRegion",),
        ),
    ),
    "aws:redshift/logging:Logging": (
        CopyMechanism(
            "audit logging of queries",
            sources=("clusterIdentifier",),
            destinations=("bucketName",),
            global_names=("bucketName",),
            lands_in_own_region=False,
        ),
    ),
    "aws:keyspaces/keyspace:Keyspace": (
        CopyMechanism(
            "a multi-region keyspace",
            members=(("aws:keyspaces/table:Table", "keyspaceName"),),
            destination_regions=("replicationSpecification.regionLists",),
            active_values=(("replicationSpecification.replicationStrategy", ("MULTI_REGION",)),),
        ),
    ),
    "aws:ecr/replicationConfiguration:ReplicationConfiguration": (
        CopyMechanism(
            "ECR replication of every repository",
            destination_regions=("replicationConfiguration.rules[].destinations[].region",),
            shared_with=("replicationConfiguration.rules[].destinations[].registryId",),
            lands_in_own_region=False,
            every_resource_of_type="aws:ecr/repository:Repository",
        ),
    ),
    "aws:appflow/flow:Flow": (
        CopyMechanism(
            "an AppFlow flow",
            sources=("sourceFlowConfig.**",),
            destinations=("destinationFlowConfigs[].**",),
            outside_aws_unless=(("destinationFlowConfigs[].connectorType", _AWS_DESTINATION_CONNECTORS),),
            global_names=("sourceFlowConfig.**", "destinationFlowConfigs[].**"),
            lands_in_own_region=False,
        ),
    ),
    "aws:appintegrations/dataIntegration:DataIntegration": (
        CopyMechanism(
            "a data integration from a SaaS application",
            sources=("sourceUri",),
            outside_aws=("sourceUri",),
        ),
    ),
    # Edge caches are outside every jurisdiction: a distribution copies its origins everywhere.
    "aws:cloudfront/distribution:Distribution": (
        CopyMechanism(
            "a CloudFront distribution (edge caches worldwide)",
            sources=("origins[].domainName",),
            spans_regions=True,
            lands_in_own_region=False,
            serves_applications=True,
            publishes=True,
        ),
        CopyMechanism(
            "CloudFront access logging",
            sources=(SELF,),
            destinations=("loggingConfig.bucket",),
            global_names=("loggingConfig.bucket",),
            active_when=("loggingConfig.bucket",),
            lands_in_own_region=False,
        ),
    ),
    "aws:cloudfront/multitenantDistribution:MultitenantDistribution": (
        CopyMechanism(
            "a CloudFront distribution (edge caches worldwide)",
            sources=("origins[].domainName",),
            spans_regions=True,
            lands_in_own_region=False,
            serves_applications=True,
            publishes=True,
        ),
    ),
    "aws:cloudfront/distributionTenant:DistributionTenant": (
        _references("a CloudFront tenant", lands_in_itself=False),
    ),
    "aws:cloudfront/continuousDeploymentPolicy:ContinuousDeploymentPolicy": (
        _references("a staging distribution", lands_in_itself=False),
    ),
    "aws:cloudfront/realtimeLogConfig:RealtimeLogConfig": (
        CopyMechanism(
            "real-time viewer logs",
            sources=(SELF,),
            destinations=("endpoint.kinesisStreamConfig.streamArn",),
            lands_in_own_region=False,
        ),
    ),
    "aws:lightsail/distribution:Distribution": (
        CopyMechanism(
            "a Lightsail distribution (edge caches worldwide)",
            sources=("origin.name",),
            source_regions=("origin.regionName",),
            spans_regions=True,
            lands_in_own_region=False,
            serves_applications=True,
            publishes=True,
        ),
    ),
    # S3 copies besides replication.
    "aws:s3/bucketNotification:BucketNotification": (
        CopyMechanism(
            "S3 event notifications (object keys and metadata)",
            sources=("bucket",),
            destinations=("queues[].queueArn", "topics[].topicArn", "lambdaFunctions[].lambdaFunctionArn"),
            global_names=("bucket",),
            lands_in_own_region=False,
        ),
    ),
    "aws:s3/inventory:Inventory": (
        CopyMechanism(
            "an S3 inventory (object keys and metadata)",
            sources=("bucket",),
            destinations=("destination.bucket.bucketArn",),
            shared_with=("destination.bucket.accountId",),
            global_names=("bucket",),
            lands_in_own_region=False,
            may_target_source=True,
        ),
    ),
    "aws:s3/analyticsConfiguration:AnalyticsConfiguration": (
        CopyMechanism(
            "an S3 analytics export",
            sources=("bucket",),
            destinations=("storageClassAnalysis.**.bucketArn",),
            shared_with=("storageClassAnalysis.**.bucketAccountId",),
            global_names=("bucket",),
            lands_in_own_region=False,
            may_target_source=True,
        ),
    ),
    "aws:s3/bucketLogging:BucketLogging": (
        CopyMechanism(
            "S3 server access logging (requesters and object keys)",
            sources=("bucket",),
            destinations=("targetBucket",),
            global_names=("bucket", "targetBucket"),
            lands_in_own_region=False,
            may_target_source=True,
        ),
    ),
    "aws:s3/bucketLoggingV2:BucketLoggingV2": (
        CopyMechanism(
            "S3 server access logging (requesters and object keys)",
            sources=("bucket",),
            destinations=("targetBucket",),
            global_names=("bucket", "targetBucket"),
            lands_in_own_region=False,
            may_target_source=True,
        ),
    ),
    "aws:s3/bucketMetadataConfiguration:BucketMetadataConfiguration": (
        _references("S3 metadata tables (object keys and metadata)", lands_in_itself=False),
    ),
    "aws:s3/filesSynchronizationConfiguration:FilesSynchronizationConfiguration": (
        _references("S3 Files synchronisation", lands_in_itself=False),
    ),
    "aws:s3control/multiRegionAccessPointRoutes:MultiRegionAccessPointRoutes": (
        CopyMechanism(
            "multi-region access point routing",
            sources=("mrap",),
            destination_regions=("routes[].region",),
            lands_in_own_region=False,
        ),
    ),
    # Functions, event source mappings and their destinations.
    "aws:lambda/eventSourceMapping:EventSourceMapping": (
        CopyMechanism(
            "an event source mapping",
            sources=("eventSourceArn", "selfManagedEventSource.**"),
            destinations=("functionName", "destinationConfig.**"),
            lands_in_own_region=False,
        ),
    ),
    "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig": (
        CopyMechanism(
            "a function's invocation destinations",
            sources=("functionName",),
            destinations=("destinationConfig.**",),
            lands_in_own_region=False,
        ),
    ),
    "aws:lambda/function:Function": (_code("a function"),),
    "aws:lambda/invocation:Invocation": (_code("a function invocation"),),
    "aws:lambdamicrovms/microvm:Microvm": (_code("a MicroVM"),),
    # Orchestration and analytics that run code or SQL over data.
    "aws:glue/job:Job": (
        CopyMechanism(
            "a Glue job",
            sources=("connections", "defaultArguments.*", "command.scriptLocation"),
            destinations=("connections", "defaultArguments.*"),
            global_names=("defaultArguments.*", "command.scriptLocation"),
            runs_code=True,
        ),
        CopyMechanism(
            "a Glue job's temporary directory, shuffle files and Spark event logs (intermediate rows of what "
            "it reads, written where its arguments say)",
            sources=(SELF, "connections", "defaultArguments.*"),
            destinations=_GLUE_WRITTEN,
            global_names=_GLUE_WRITTEN,
            active_when=_GLUE_WRITTEN,
            lands_in_own_region=False,
            # Its temporary directory is often a prefix of the bucket it reads.
            may_target_source=True,
        ),
    ),
    "aws:glue/devEndpoint:DevEndpoint": (_code("a Glue development endpoint"),),
    "aws:glue/mLTransform:MLTransform": (_code("a Glue ML transform"),),
    "aws:glue/crawler:Crawler": (_references("a Glue crawler (schemas and samples)", lands_in_itself=False),),
    "aws:athena/namedQuery:NamedQuery": (_code("a saved Athena query"),),
    "aws:athena/preparedStatement:PreparedStatement": (_code("a prepared Athena statement"),),
    "aws:athena/workgroup:Workgroup": (
        # Queries read any table of the account's catalog in the workgroup's region (lineage adds the
        # stack's catalog tables); results land in the output location, in the bucket owner's account.
        CopyMechanism(
            "Athena query results",
            sources=(SELF, ANY),
            destinations=("configuration.resultConfiguration.outputLocation", ANY),
            shared_with=("configuration.resultConfiguration.expectedBucketOwner",),
            global_names=("configuration.resultConfiguration.outputLocation",),
            lands_in_own_region=False,
        ),
    ),
    "aws:redshiftdata/statement:Statement": (_code("a Redshift SQL statement"),),
    "aws:redshift/scheduledAction:ScheduledAction": (_references("a scheduled Redshift action", False),),
    "aws:redshift/partner:Partner": (
        # AddPartner authorises a partner to report on a database that "receives data from the partner"; it
        # loads it, and reads what it is let read, with credentials set up on its website (out of reach).
        CopyMechanism(
            "a Redshift partner integration (a SaaS partner outside AWS that loads the database and reads "
            "what the credentials set up on its website let it read)",
            sources=("clusterIdentifier",),
            outside_aws=("partnerName",),
            active_when=("partnerName",),
            lands_in_own_region=False,
        ),
    ),
    "aws:timestreamquery/scheduledQuery:ScheduledQuery": (_code("a scheduled query"),),
    "aws:sfn/stateMachine:StateMachine": (
        # An HTTP task (arn:aws:states:::http:invoke) sends its request body to an API endpoint outside AWS.
        _code("a state machine")._replace(
            outside_aws_when=(("definition.{json}.**", ("arn:aws:states:::http:invoke",)),)
        ),
        CopyMechanism(
            "a state machine task calling an AWS API that shares, copies or exports",
            sources=("definition",),
            destinations=("definition",),
            active_calls=SHARING_SDK_ACTIONS,
            lands_in_own_region=False,
        ),
    ),
    "aws:scheduler/schedule:Schedule": (
        _code("a schedule invoking a target"),
        CopyMechanism(
            "a schedule calling an AWS API that shares, copies or exports (a universal target)",
            sources=("target.input",),
            destinations=("target.input",),
            documents=("target.input",),
            active_values=(("target.arn", SHARING_UNIVERSAL_TARGETS),),
            lands_in_own_region=False,
        ),
    ),
    "aws:datapipeline/pipelineDefinition:PipelineDefinition": (_code("a data pipeline"),),
    "aws:batch/jobDefinition:JobDefinition": (_code("a batch job"),),
    "aws:ecs/taskDefinition:TaskDefinition": (_code("a container task"),),
    "aws:ecs/daemonTaskDefinition:DaemonTaskDefinition": (_code("a container daemon"),),
    "aws:ecs/expressGatewayService:ExpressGatewayService": (_code("a container service"),),
    "aws:apprunner/service:Service": (_code("an App Runner service"),),
    "aws:elasticbeanstalk/environment:Environment": (_code("a Beanstalk environment"),),
    "aws:appstream/fleet:Fleet": (_code("an AppStream fleet"),),
    "aws:appstream/imageBuilder:ImageBuilder": (_code("an AppStream image builder"),),
    "aws:appsync/function:Function": (_code("an AppSync function"),),
    "aws:appsync/resolver:Resolver": (_code("an AppSync resolver"),),
    "aws:apigateway/integration:Integration": (_references("an API integration", lands_in_itself=False),),
    # An OpenAPI body declares the API's integrations (`api_definitions`): what they name is what they move.
    **{
        token: (
            CopyMechanism(
                "an API defined by its OpenAPI body (its integrations call the services it names)",
                sources=(SELF, _API_BODY),
                destinations=(_API_BODY,),
                active_when=("body",),
                lands_in_own_region=False,
            ),
        )
        for token in (
            "aws:apigateway/restApi:RestApi",
            "aws:apigateway/restApiPut:RestApiPut",
            "aws:apigatewayv2/api:Api",
        )
    },
    "aws:apigatewayv2/integration:Integration": (_references("an API integration", lands_in_itself=False),),
    "aws:codebuild/project:Project": (_code("a build project"),),
    "aws:ec2/instance:Instance": (_code("an instance"),),
    # What launches instances runs its user data on each of them, with its instance profile's role; with no
    # user data it runs nothing of the stack's (the AMI's own code is out of reach, as an image's is).
    "aws:ec2/launchTemplate:LaunchTemplate": (
        CopyMechanism(
            "the instances a launch template launches",
            sources=(ANY,),
            destinations=(ANY,),
            runs_code=True,
            active_when=("userData",),
        ),
    ),
    "aws:ec2/launchConfiguration:LaunchConfiguration": (
        CopyMechanism(
            "the instances a launch configuration launches",
            sources=(ANY,),
            destinations=(ANY,),
            runs_code=True,
            active_when=("userData", "userDataBase64"),
        ),
    ),
    "aws:ec2/spotInstanceRequest:SpotInstanceRequest": (_code("a spot instance"),),
    "aws:lightsail/instance:Instance": (_code("a Lightsail instance"),),
    # A deployment runs its containers (image, command, environment) on its container service, in the
    # service's region (reviewer blind-aws14 a10, a21).
    "aws:lightsail/containerServiceDeploymentVersion:ContainerServiceDeploymentVersion": (
        _code("a Lightsail container deployment"),
    ),
    "aws:emr/cluster:Cluster": (_code("an EMR cluster"), _emr_logs("an EMR cluster", (SELF, ANY), "logUri")),
    "aws:emr/studio:Studio": (_code("an EMR studio"),),
    "aws:emrcontainers/jobTemplate:JobTemplate": (
        _code("an EMR on EKS job"),
        _emr_logs(
            "an EMR on EKS job",
            (SELF, "jobTemplateData.jobDriver.**", "jobTemplateData.configurationOverrides.**"),
            f"{_EMR_ON_EKS_MONITORING}.s3MonitoringConfiguration.logUri",
            f"{_EMR_ON_EKS_MONITORING}.cloudWatchMonitoringConfiguration.logGroupName",
        ),
    ),
    "aws:emrserverless/application:Application": (
        _code("an EMR Serverless application"),
        _emr_logs(
            "an EMR Serverless application",
            (SELF, ANY),
            "monitoringConfiguration.s3MonitoringConfiguration.logUri",
            "monitoringConfiguration.cloudwatchLoggingConfiguration.logGroupName",
        ),
    ),
    "aws:finspace/kxCluster:KxCluster": (_code("a kdb cluster"),),
    "aws:kinesisanalyticsv2/application:Application": (_code("a Flink application"),),
    "aws:mwaa/environment:Environment": (_code("an Airflow environment"),),
    "aws:m2/application:Application": (_code("a mainframe application"),),
    "aws:m2/environment:Environment": (_code("a mainframe environment"),),
    "aws:ssm/association:Association": (_code("a Systems Manager association"),),
    "aws:ssm/document:Document": (_code("a Systems Manager document"),),
    "aws:cfg/remediationConfiguration:RemediationConfiguration": (
        _code("a Config remediation running an Automation document on the resources its rule flags"),
    ),
    "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask": (_code("a maintenance window task"),),
    "aws:synthetics/canary:Canary": (_code("a canary"),),
    "aws:sagemaker/app:App": (_code("a SageMaker app"),),
    "aws:sagemaker/notebookInstance:NotebookInstance": (_code("a notebook instance"),),
    "aws:sagemaker/notebookInstanceLifecycleConfiguration:NotebookInstanceLifecycleConfiguration": (
        _code("a notebook lifecycle script"),
    ),
    "aws:sagemaker/studioLifecycleConfig:StudioLifecycleConfig": (_code("a Studio lifecycle script"),),
    "aws:sagemaker/pipeline:Pipeline": (
        _code("a SageMaker pipeline"),
        # Its steps read and write what their fields name (`residency_policies/pipeline_steps.py`).
        CopyMechanism(
            "a SageMaker pipeline (its steps)",
            sources=("pipelineDefinition",),
            destinations=("pipelineDefinition",),
            lands_in_own_region=False,
        ),
    ),
    "aws:sagemaker/trainingJob:TrainingJob": (_code("a training job"),),
    "aws:sagemaker/model:Model": (_code("a model"),),
    "aws:sagemaker/endpoint:Endpoint": (_code("an inference endpoint"),),
    "aws:sagemaker/endpointConfiguration:EndpointConfiguration": (
        _references_writing(
            "an endpoint's data capture, asynchronous results and core dumps (the requests and responses it "
            "serves)",
            "dataCaptureConfig.destinationS3Uri",
            "asyncInferenceConfig.outputConfig.s3OutputPath",
            "asyncInferenceConfig.outputConfig.s3FailurePath",
            "productionVariants[].coreDumpConfig.destinationS3Uri",
            "shadowProductionVariants[].coreDumpConfig.destinationS3Uri",
        ),
    ),
    "aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition": (
        _references_writing(
            "a data quality job (a model monitor's reports on the captured data)",
            "dataQualityJobOutputConfig.monitoringOutputs.s3Output.s3Uri",
        ),
    ),
    "aws:sagemaker/flowDefinition:FlowDefinition": (
        _references_writing("a human review flow", "outputConfig.s3OutputPath"),
    ),
    "aws:sagemaker/hyperParameterTuningJob:HyperParameterTuningJob": (_references("a tuning job", False),),
    "aws:sagemaker/labelingJob:LabelingJob": (
        _references("a labelling job"),
        _references_writing("a labelling job's output (the labelled records)", "outputConfig.s3OutputPath"),
    ),
    "aws:sagemaker/modelCardExportJob:ModelCardExportJob": (
        _references_writing("a model card export", "outputConfig.s3OutputPath"),
    ),
    "aws:sagemaker/monitoringSchedule:MonitoringSchedule": (_references("a model monitor", False),),
    "aws:bedrock/agentAgent:AgentAgent": (_code("a Bedrock agent"),),
    "aws:bedrock/agentAgentActionGroup:AgentAgentActionGroup": (_code("an agent action group"),),
    "aws:bedrock/agentFlow:AgentFlow": (_code("a Bedrock flow"),),
    "aws:bedrock/agentcoreAgentRuntime:AgentcoreAgentRuntime": (_code("an agent runtime"),),
    "aws:bedrock/agentcoreBrowser:AgentcoreBrowser": (_code("an agent browser"),),
    "aws:bedrock/agentcoreCodeInterpreter:AgentcoreCodeInterpreter": (_code("an agent code interpreter"),),
    "aws:bedrock/agentcoreHarness:AgentcoreHarness": (_code("an agent harness"),),
    "aws:bedrock/agentcoreGatewayTarget:AgentcoreGatewayTarget": (
        _references("an agent gateway target", False),
    ),
    "aws:bedrock/agentDataSource:AgentDataSource": (_references("a knowledge base data source", False),),
    # A custom strategy sends the memory's conversations to the models of its extraction, consolidation and
    # reflection steps, served where their ids route (`residency_policies/lineage_profiles.py`).
    "aws:bedrock/agentcoreMemoryStrategy:AgentcoreMemoryStrategy": (
        CopyMechanism(
            "a memory strategy's extraction and consolidation (the memory's conversations, sent to its "
            "models)",
            sources=("memoryId",),
            destinations=("configuration.**", "reflectionConfiguration.**"),
            lands_in_own_region=False,
        ),
    ),
    "aws:bedrock/evaluationJob:EvaluationJob": (
        _references_writing("a model evaluation job (prompts, answers and scores)", "outputDataConfig.s3Uri"),
    ),
    "aws:bedrock/inferenceProfile:InferenceProfile": (
        CopyMechanism(
            "an inference profile (prompts routed to the model's regions)",
            sources=(SELF,),
            destinations=("modelSource.copyFrom",),
            lands_in_own_region=False,
        ),
    ),
    "aws:bedrockmodel/invocationJob:InvocationJob": (
        _references_writing(
            "a batch model invocation (its prompts and answers)", "outputDataConfig.s3OutputDataConfig.s3Uri"
        ),
    ),
    "aws:bedrockmodel/invocationLoggingConfiguration:InvocationLoggingConfiguration": (
        _references_writing(
            "model invocation logging (every prompt and response of the region's invocations)",
            "loggingConfig.s3Config.bucketName",
            "loggingConfig.cloudwatchConfig.largeDataDeliveryS3Config.bucketName",
        ),
    ),
    "aws:comprehend/documentClassifier:DocumentClassifier": (
        _references("a classifier trained on documents"),
    ),
    "aws:comprehend/entityRecognizer:EntityRecognizer": (_references("a recogniser trained on documents"),),
    "aws:transcribe/languageModel:LanguageModel": (_references("a language model trained on text"),),
    "aws:rekognition/project:Project": (_references("a custom labels project"),),
    "aws:rekognition/streamProcessor:StreamProcessor": (
        _references("a video stream processor", False),
        _AI_DATA_SHARING._replace(
            moves="data sharing with AWS (dataSharingPreference.optIn: Rekognition stores and uses the video "
            "it analyses to improve AWS's services, which AWS's terms allow outside the region)",
            sources=(SELF, "input.**", "settings.**"),
            active_values=(("dataSharingPreference.optIn", (True,)),),
        ),
    ),
    "aws:kendra/dataSource:DataSource": (_references("a search index data source", False),),
    # A data set reads its tables (SPICE keeps a copy in the data set's region; a direct-query one reads
    # them at each query, there too); its permissions name QuickSight users and groups, whose ARNs carry
    # the account's identity region, not a place of the data: they are grants (GRANTS).
    "aws:quicksight/dataSet:DataSet": (
        CopyMechanism(
            "a QuickSight data set (SPICE import or direct query)",
            sources=("physicalTableMaps[].**", "logicalTableMaps[].**", "rowLevelPermissionDataSet.**"),
        ),
    ),
    "aws:quicksight/ingestion:Ingestion": (_references("a SPICE ingestion", False),),
    "aws:quicksight/refreshSchedule:RefreshSchedule": (_references("a SPICE refresh", False),),
    "aws:opensearchingest/pipeline:Pipeline": (
        CopyMechanism(
            "an ingestion pipeline",
            sources=("pipelineConfigurationBody",),
            destinations=("pipelineConfigurationBody", "logPublishingOptions.**"),
            documents=("pipelineConfigurationBody",),
            global_names=("pipelineConfigurationBody",),
            lands_in_own_region=False,
        ),
    ),
    "aws:elastictranscoder/pipeline:Pipeline": (_references("a transcoding pipeline", False),),
    "aws:medialive/channel:Channel": (_references("a live video channel", False),),
    "aws:ivs/recordingConfiguration:RecordingConfiguration": (_references("stream recording", False),),
    "aws:ivschat/loggingConfiguration:LoggingConfiguration": (_references("chat message logging", False),),
    "aws:chime/voiceConnectorStreaming:VoiceConnectorStreaming": (
        _references("call audio streaming", False),
    ),
    "aws:chime/voiceConnectorLogging:VoiceConnectorLogging": (_references("SIP message logging", False),),
    "aws:chimesdkmediapipelines/mediaInsightsPipelineConfiguration:MediaInsightsPipelineConfiguration": (
        _references("call analytics delivery", False),
    ),
    # Each storage type is a destination of its own (reviewer blind-aws13 a06): a bucket the stack does not
    # declare may be in any region or account (Connect documents no limit), a stream or delivery stream is
    # where its ARN says; Kinesis Video Streams are created by Connect in the instance's own region and
    # account (their key is judged by pii-encryption, `encryption_service_storage`).
    "aws:connect/instanceStorageConfig:InstanceStorageConfig": (
        CopyMechanism(
            "contact centre recordings and transcripts",
            sources=("instanceId",),
            destinations=(
                "storageConfig.s3Config.bucketName",
                "storageConfig.kinesisStreamConfig.streamArn",
                "storageConfig.kinesisFirehoseConfig.firehoseArn",
            ),
            global_names=("storageConfig.s3Config.bucketName",),
        ),
    ),
    "aws:connect/lambdaFunctionAssociation:LambdaFunctionAssociation": (
        CopyMechanism(
            "a contact flow function",
            sources=("instanceId",),
            destinations=("functionArn",),
            lands_in_own_region=False,
        ),
    ),
    "aws:connect/botAssociation:BotAssociation": (
        CopyMechanism(
            "a contact flow bot",
            sources=("instanceId",),
            destination_regions=("lexBot.lexRegion",),
            lands_in_own_region=False,
        ),
    ),
    "aws:lex/botAlias:BotAlias": (_references("conversation logs", False),),
    "aws:lex/v2modelsBot:V2modelsBot": (_references("a bot's conversation data", False),),
    "aws:location/trackerAssociation:TrackerAssociation": (
        CopyMechanism(
            "device positions evaluated against geofences",
            sources=("trackerName",),
            destinations=("consumerArn",),
            lands_in_own_region=False,
        ),
    ),
    # Clean Rooms: no pulumi-aws resource associates a configured table with a membership, so every
    # configured table of the account and region may be in the collaboration (reviewer blind-full14 v12).
    "aws:cleanrooms/collaboration:Collaboration": (
        CopyMechanism(
            "a clean rooms collaboration (its members query the configured tables associated with it)",
            sources=(SELF,),
            shared_with=("members[].accountId",),
            account_members=(_CONFIGURED_TABLE,),
        ),
    ),
    "aws:cleanrooms/membership:Membership": (
        CopyMechanism(
            "a clean rooms membership (the configured tables associated with it are queried by the "
            "collaboration's members)",
            destinations_of=("collaborationId",),
            account_members=(_CONFIGURED_TABLE,),
            lands_in_own_region=False,
        ),
    ),
    "aws:dataexchange/revisionAssets:RevisionAssets": (
        _references("assets imported into a data set revision"),
    ),
    "aws:dataexchange/eventAction:EventAction": (_references("an export of new revisions", False),),
    "aws:appfabric/ingestion:Ingestion": (_references("an audit log ingestion", False),),
    "aws:appfabric/ingestionDestination:IngestionDestination": (_references("an audit log delivery", False),),
    "aws:amp/scraper:Scraper": (_references("a metrics scraper", False),),
    "aws:arcregionswitch/plan:Plan": (
        CopyMechanism(
            "a Region switch plan (failover of a workload, its data included)",
            sources=(SELF, ANY),
            destination_regions=("regions",),
            lands_in_own_region=False,
        ),
    ),
    "aws:auditmanager/assessment:Assessment": (_references("assessment evidence", False),),
    "aws:auditmanager/assessmentReport:AssessmentReport": (_references("an assessment report", False),),
    "aws:backup/restoreTestingPlan:RestoreTestingPlan": (_references("restore testing", False),),
    "aws:backup/restoreTestingSelection:RestoreTestingSelection": (_references("restore testing", False),),
    # Logs and telemetry of services (users' addresses, queries, activity) delivered elsewhere.
    "aws:cloudtrail/trail:Trail": (
        CopyMechanism(
            "a CloudTrail trail (API activity)",
            sources=(SELF, "eventSelectors[].dataResources[].values", "advancedEventSelectors[].**"),
            destinations=("s3BucketName", "cloudWatchLogsGroupArn", "snsTopicName"),
            global_names=("s3BucketName",),
            lands_in_own_region=False,
        ),
    ),
    # A data-event store holds (parts of) the requests of what its selectors select (reviewer blind-aws13
    # a26): every region's when multi-region (the default), every account's of the organisation when
    # organisation-wide; `residency_policies/lineage_event_selectors.py` reads the selectors.
    "aws:cloudtrail/eventDataStore:EventDataStore": (
        CopyMechanism(
            "a CloudTrail Lake event data store (data events, with their request parameters)",
            sources=("advancedEventSelectors[].**",),
            active_when=("advancedEventSelectors",),
        ),
    ),
    "aws:ec2/flowLog:FlowLog": (
        CopyMechanism(
            "VPC flow logs (client addresses)",
            sources=(SELF,),
            destinations=("logDestination",),
            shared_with=("deliverCrossAccountRole",),
            lands_in_own_region=False,
        ),
    ),
    "aws:ec2/trafficMirrorSession:TrafficMirrorSession": (
        CopyMechanism(
            "traffic mirroring (every packet)",
            sources=("networkInterfaceId",),
            destinations=("trafficMirrorTargetId",),
            lands_in_own_region=False,
        ),
    ),
    "aws:ec2/spotDatafeedSubscription:SpotDatafeedSubscription": (
        CopyMechanism(
            "the spot data feed",
            sources=(SELF,),
            destinations=("bucket",),
            global_names=("bucket",),
            lands_in_own_region=False,
        ),
    ),
    "aws:route53/queryLog:QueryLog": (
        CopyMechanism(
            "DNS query logging",
            sources=(SELF,),
            destinations=("cloudwatchLogGroupArn",),
            lands_in_own_region=False,
        ),
    ),
    "aws:route53/resolverQueryLogConfig:ResolverQueryLogConfig": (
        CopyMechanism(
            "resolver query logging",
            sources=(SELF,),
            destinations=("destinationArn",),
            lands_in_own_region=False,
        ),
    ),
    "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration": (
        CopyMechanism(
            "web ACL logging (requests)",
            sources=(SELF,),
            destinations=("logDestinationConfigs",),
            lands_in_own_region=False,
        ),
    ),
    "aws:networkfirewall/loggingConfiguration:LoggingConfiguration": (
        _references("firewall logging", False),
    ),
    "aws:vpclattice/accessLogSubscription:AccessLogSubscription": (
        CopyMechanism(
            "access logging", sources=(SELF,), destinations=("destinationArn",), lands_in_own_region=False
        ),
    ),
    "aws:workspacesweb/sessionLogger:SessionLogger": (_references("browser session logging", False),),
    "aws:workspacesweb/userAccessLoggingSettings:UserAccessLoggingSettings": (
        _references("user access logging", False),
    ),
    "aws:cognito/logDeliveryConfiguration:LogDeliveryConfiguration": (
        CopyMechanism(
            "user pool activity logging",
            sources=("userPoolId",),
            destinations=("logConfigurations[].**",),
            lands_in_own_region=False,
        ),
    ),
    "aws:directoryservice/logSubscription:LogSubscription": (
        CopyMechanism(
            "directory logging",
            sources=("directoryId",),
            destinations=("logGroupName",),
            lands_in_own_region=False,
        ),
    ),
    "aws:directoryservice/serviceRegion:ServiceRegion": (
        CopyMechanism("directory replication", sources=("directoryId",), destination_regions=("regionName",)),
    ),
    "aws:directoryservice/sharedDirectory:SharedDirectory": (
        CopyMechanism("a directory share", sources=("directoryId",), shared_with=("target.id",)),
    ),
    "aws:guardduty/publishingDestination:PublishingDestination": (_references("findings export", False),),
    "aws:macie2/classificationExportConfiguration:ClassificationExportConfiguration": (
        _references("sensitive data findings export", False),
    ),
    "aws:macie2/classificationJob:ClassificationJob": (_references("a sensitive data discovery job", False),),
    "aws:securitylake/awsLogSource:AwsLogSource": (
        CopyMechanism(
            "log collection into Security Lake",
            sources=(SELF,),
            destination_regions=("source.regions",),
            shared_with=("source.accounts",),
            lands_in_own_region=False,
        ),
    ),
    "aws:securitylake/customLogSource:CustomLogSource": (_references("custom log collection", False),),
    "aws:odb/autonomousDatabase:AutonomousDatabase": (
        _derived(
            "a database made from another one (a clone, a cross-region Data Guard standby or disaster "
            "recovery peer)",
            "sourceConfiguration.**",
        ),
    ),
    "aws:securitylake/dataLake:DataLake": (
        CopyMechanism(
            "a Security Lake replication into rollup regions",
            sources=(SELF,),
            destination_regions=("configuration[].replicationConfiguration.regions",),
            active_when=("configuration[].replicationConfiguration.regions",),
            lands_in_own_region=False,
        ),
    ),
    "aws:observabilityadmin/centralizationRuleForOrganization:CentralizationRuleForOrganization": (
        CopyMechanism(
            "centralisation of telemetry across accounts and regions",
            sources=(SELF, "rule.source.**"),
            destinations=("rule.destination.**",),
            destination_regions=("rule.destination.region",),
            shared_with=("rule.destination.account",),
            lands_in_own_region=False,
        ),
    ),
    "aws:observabilityadmin/s3TableIntegration:S3TableIntegration": (
        _references("telemetry copy to S3 Tables", False),
    ),
    "aws:observabilityadmin/telemetryPipeline:TelemetryPipeline": (
        _references("a telemetry pipeline", False),
    ),
    "aws:observabilityadmin/telemetryRule:TelemetryRule": (_references("a telemetry rule", False),),
    "aws:observabilityadmin/telemetryRuleForOrganization:TelemetryRuleForOrganization": (
        _references("an organisation telemetry rule", False),
    ),
    "aws:pinpoint/eventStream:EventStream": (
        CopyMechanism(
            "an engagement event stream",
            sources=("applicationId",),
            destinations=("destinationStreamArn",),
            lands_in_own_region=False,
        ),
    ),
    "aws:pinpoint/smsvoicev2EventDestination:Smsvoicev2EventDestination": (
        _references("SMS and voice events", False),
    ),
    "aws:rum/metricsDestination:MetricsDestination": (_references("end-user telemetry metrics", False),),
    # Received mail is written into the buckets of S3 actions (S3's namespace is global: one the stack does
    # not declare is untraceable) by SES, or by the role an action names, in that role's account.
    "aws:ses/receiptRule:ReceiptRule": (
        _references_writing("received e-mail", "s3Actions[].bucketName")._replace(
            shared_with=("s3Actions[].iamRoleArn",)
        ),
    ),
    "aws:ses/eventDestination:EventDestination": (_references("sending events", False),),
    "aws:ses/identityNotificationTopic:IdentityNotificationTopic": (
        _references("bounce and complaint notices", False),
    ),
    "aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination": (
        _references("sending events", False),
    ),
    "aws:sesv2/multiRegionEndpoint:MultiRegionEndpoint": (
        CopyMechanism(
            "a multi-region sending endpoint",
            sources=(SELF,),
            destination_regions=("details.routesDetails[].region",),
        ),
    ),
    "aws:mailmanager/relay:Relay": (
        CopyMechanism(
            "an e-mail relay",
            sources=(SELF,),
            destinations=("serverName",),
            outside_aws=("serverName",),
            lands_in_own_region=False,
        ),
    ),
    "aws:mailmanager/ruleSet:RuleSet": (
        _references_writing(
            "e-mail rules (archive, deliver, relay)", "rules[].actions[].writeToS3.s3Bucket"
        )._replace(
            shared_with=tuple(
                f"rules[].actions[].{action}.roleArn"
                for action in (
                    "writeToS3",
                    "deliverToMailbox",
                    "deliverToQBusiness",
                    "invokeLambda",
                    "publishToSns",
                )
            )
        ),
    ),
    "aws:ssm/resourceDataSync:ResourceDataSync": (
        CopyMechanism(
            "inventory data sync",
            sources=(SELF,),
            destinations=("s3Destination.bucketName",),
            destination_regions=("s3Destination.region",),
            global_names=("s3Destination.bucketName",),
            lands_in_own_region=False,
        ),
    ),
    "aws:ssmincidents/replicationSet:ReplicationSet": (
        CopyMechanism("incident data replication", sources=(SELF,), destination_regions=("regions[].name",)),
    ),
    "aws:controltower/landingZone:LandingZone": (
        CopyMechanism(
            "a landing zone's log archive",
            sources=(SELF,),
            destination_regions=("manifestJson.{json}.governedRegions",),
            lands_in_own_region=False,
        ),
    ),
    # An image is shared by copying it into other accounts (targetAccountIds) and by launch permissions on
    # it (accounts, organisations, organisational units, the group `all`), and exported as a disk image.
    "aws:imagebuilder/distributionConfiguration:DistributionConfiguration": (
        CopyMechanism(
            "image distribution",
            sources=(SELF,),
            destinations=("distributions[].s3ExportConfiguration.s3Bucket",),
            destination_regions=("distributions[].region",),
            shared_with=(
                "distributions[].amiDistributionConfiguration.targetAccountIds",
                "distributions[].amiDistributionConfiguration.launchPermission.userIds",
                "distributions[].amiDistributionConfiguration.launchPermission.userGroups",
                "distributions[].amiDistributionConfiguration.launchPermission.organizationArns",
                "distributions[].amiDistributionConfiguration.launchPermission.organizationalUnitArns",
                "distributions[].fastLaunchConfigurations[].accountId",
                "distributions[].launchTemplateConfigurations[].accountId",
            ),
            global_names=("distributions[].s3ExportConfiguration.s3Bucket",),
            lands_in_own_region=False,
        ),
    ),
    # File transfer and hybrid storage.
    # A gateway keeps a local cache of everything its file shares and volumes serve on the host it runs on:
    # on premises (or anywhere) unless it is activated at the address of one of the stack's EC2 instances.
    # An activation key is obtained from the appliance by hand: where it runs cannot be told.
    "aws:storagegateway/gateway:Gateway": (
        CopyMechanism(
            "a gateway's local cache (what its file shares and volumes serve, kept on the disks of the host "
            "it runs on)",
            sources=(SELF,),
            outside_aws_unless_from=(
                ("gatewayIpAddress", ("aws:ec2/instance:Instance",)),
                ("activationKey", ("aws:ec2/instance:Instance",)),
            ),
            active_when=("gatewayIpAddress", "activationKey"),
        ),
    ),
    "aws:storagegateway/nfsFileShare:NfsFileShare": (_references("an NFS file share of a bucket", False),),
    "aws:storagegateway/smbFileShare:SmbFileShare": (_references("an SMB file share of a bucket", False),),
    "aws:storagegateway/fileSystemAssociation:FileSystemAssociation": (
        _references("an FSx file share", False),
    ),
    "aws:storagegateway/cachesIscsiVolume:CachesIscsiVolume": (_references("a cached volume", False),),
    "aws:storagegateway/storedIscsiVolume:StoredIscsiVolume": (_references("a stored volume", False),),
    "aws:transfer/connector:Connector": (
        CopyMechanism(
            "a transfer connector to a partner",
            source_roles=("accessRole",),
            logins=("sftpConfig.userSecretId",),
            destinations=("url",),
            outside_aws=("url",),
            lands_in_own_region=False,
        ),
    ),
    "aws:transfer/agreement:Agreement": (_references("an AS2 agreement with a partner", False),),
    "aws:transfer/workflow:Workflow": (_references("a transfer workflow (copy, tag, custom steps)", False),),
    # Organisations: a backup policy copies the resources it selects in every attached account; an AI
    # services opt-out policy that opts in (or may) hands AWS the content of the services it names
    # (`AI_SERVICE_MODULES`; `residency_policies/lineage_selections.ai_opt_in_sources`).
    # A server hands every file uploaded to it to its workflows, whose steps read it with the execution role
    # (reviewer blind-aws14 a05): what that role may read is what the workflow is fed.
    "aws:transfer/server:Server": (
        CopyMechanism(
            "a transfer server's upload workflows (each uploaded file, handed to the workflow's steps)",
            source_roles=(
                "workflowDetails.onUpload.executionRole",
                "workflowDetails.onPartialUpload.executionRole",
            ),
            destinations=(
                "workflowDetails.onUpload.workflowId",
                "workflowDetails.onPartialUpload.workflowId",
            ),
            active_when=("workflowDetails.onUpload.workflowId", "workflowDetails.onPartialUpload.workflowId"),
            source_roles_in_stack=True,
        ),
    ),
    # Organisations: a backup policy copies the resources it selects in every attached account.
    "aws:organizations/policy:Policy": (
        CopyMechanism(
            "an organisation backup policy with copy actions",
            destinations=("content.{json}.plans.*.rules.*.copy_actions.*.target_backup_vault_arn.@@assign",),
            active_values=(("type", ("BACKUP_POLICY",)),),
            active_when=("content.{json}.plans.*.rules.*.copy_actions",),
            lands_in_own_region=False,
        ),
        _AI_DATA_SHARING._replace(
            moves="an AI services opt-out policy that opts in (AWS stores and uses the content its AI "
            "services process to improve them, which AWS's terms allow outside the region)",
            active_values=(("type", ("AISERVICES_OPT_OUT_POLICY",)),),
        ),
    ),
    # Programs run by pulumi-command.
    "command:local:Command": (_code("a local command"),),
    "command:remote:Command": (_code("a remote command"),),
    "command:remote:CopyToRemote": (_code("a copy to a remote host"),),
    # An archive keeps the events of the bus it archives: it takes no tags, so lineage classifies it.
    "aws:cloudwatch/eventArchive:EventArchive": (
        _derived("an event archive (the events of its bus that its pattern selects)", "eventSourceArn"),
    ),
    # A child that takes no tags holds what its parent holds, in its own region (a snapshot's are above).
    **{
        token: (_derived(what, path),)
        for token, (path, what) in CHILD_HOLDERS.items()
        if not token.endswith(("/clusterSnapshot:ClusterSnapshot", "/snapshot:Snapshot"))
    },
    # Places nested in a holder's own configuration, or in a satellite that configures a holder by its id,
    # that send the holder's data there (`NESTED_PLACE_FIELDS` and the triage test list what is not one).
    **{
        token: (
            CopyMechanism(
                "a user pool client's analytics (its users' attributes and sign-in events, sent to the "
                "Amazon Pinpoint project the ARN, or the application id with its role, names)",
                sources=("userPoolId",),
                # The SDK's two forms: the project's ARN, or its id with an external id and a role.
                destinations=(
                    "analyticsConfiguration.applicationArn",
                    "analyticsConfiguration.applicationId",
                ),
                active_when=("analyticsConfiguration.applicationArn", "analyticsConfiguration.applicationId"),
                lands_in_own_region=False,
            ),
        )
        for token in (
            "aws:cognito/userPoolClient:UserPoolClient",
            "aws:cognito/managedUserPoolClient:ManagedUserPoolClient",
        )
    },
    "aws:cognito/riskConfiguration:RiskConfiguration": (
        CopyMechanism(
            "a user pool's risk notifications (its users' e-mail addresses, sign-in IP addresses and "
            "devices, sent through the Amazon SES identity the ARN names)",
            sources=("userPoolId",),
            destinations=("accountTakeoverRiskConfiguration.notifyConfiguration.sourceArn",),
            active_when=("accountTakeoverRiskConfiguration.notifyConfiguration.sourceArn",),
            lands_in_own_region=False,
        ),
    ),
    "aws:timestreamwrite/table:Table": (
        CopyMechanism(
            "a table's rejected-records report (the records its magnetic store rejects)",
            sources=(SELF,),
            destinations=(_TIMESTREAM_REJECTS,),
            global_names=(_TIMESTREAM_REJECTS,),
            active_when=(_TIMESTREAM_REJECTS,),
            lands_in_own_region=False,
        ),
    ),
    "aws:bedrock/agentKnowledgeBase:AgentKnowledgeBase": (
        CopyMechanism(
            "a knowledge base's vector store (the chunks of its data sources' documents and their "
            "embeddings)",
            sources=(SELF,),
            destinations=(
                "storageConfiguration.opensearchServerlessConfiguration.collectionArn",
                "storageConfiguration.opensearchManagedClusterConfiguration.domainArn",
                "storageConfiguration.opensearchManagedClusterConfiguration.domainEndpoint",
                "storageConfiguration.rdsConfiguration.resourceArn",
                "storageConfiguration.neptuneAnalyticsConfiguration.graphArn",
                "storageConfiguration.s3VectorsConfiguration.vectorBucketArn",
                "storageConfiguration.s3VectorsConfiguration.indexArn",
                "knowledgeBaseConfiguration.vectorKnowledgeBaseConfiguration.supplementalDataStorageConfiguration"
                ".storageLocations[].s3Location.uri",
                # Every chunk is sent to the embedding model, served where its ARN (or profile) routes.
                "knowledgeBaseConfiguration.vectorKnowledgeBaseConfiguration.embeddingModelArn",
            ),
            # SaaS vector stores: the chunks are written to the vendor's service, outside the deployment's
            # AWS accounts (MongoDB Atlas reached through PrivateLink too: its cluster is MongoDB's).
            outside_aws=(
                "storageConfiguration.pineconeConfiguration",
                "storageConfiguration.mongoDbAtlasConfiguration",
                "storageConfiguration.redisEnterpriseCloudConfiguration",
            ),
            lands_in_own_region=False,
        ),
    ),
    "aws:bedrock/agentcoreMemory:AgentcoreMemory": (
        CopyMechanism(
            "a memory's stream delivery (its conversation records, sent to the Kinesis stream)",
            sources=(SELF,),
            destinations=("streamDeliveryResources.resource.kinesis.dataStreamArn",),
            active_when=("streamDeliveryResources",),
            lands_in_own_region=False,
        ),
    ),
    "aws:bedrock/customModel:CustomModel": (
        CopyMechanism(
            "a custom model trained on data in S3 (its training output written back to S3)",
            sources=(SELF, "trainingDataConfig.s3Uri", "validationDataConfig.validators[].s3Uri"),
            destinations=("outputDataConfig.s3Uri",),
            lands_in_own_region=False,
        ),
    ),
    "aws:customerprofiles/domain:Domain": (
        CopyMechanism(
            "a domain's identity resolution export (the matched profiles, written to S3)",
            sources=(SELF,),
            destinations=_PROFILES_EXPORTS,
            global_names=_PROFILES_EXPORTS,
            active_when=_PROFILES_EXPORTS,
            lands_in_own_region=False,
        ),
    ),
    "aws:kendra/faq:Faq": (
        _derived("an FAQ read into the index from S3", "s3Path.bucket", global_names=("s3Path.bucket",)),
    ),
    "aws:pinpoint/app:App": (
        CopyMechanism(
            "a campaign hook (each message's segment endpoints: addresses, attributes, sent to the web URL "
            "or the Lambda function it names)",
            sources=(SELF,),
            destinations=("campaignHook.lambdaFunctionName",),
            outside_aws=("campaignHook.webUrl",),
            # Without a hook a project delivers its campaigns itself (in its region): nothing is copied.
            active_when=("campaignHook.webUrl", "campaignHook.lambdaFunctionName"),
            lands_in_own_region=False,
        ),
    ),
    "aws:sagemaker/featureGroup:FeatureGroup": (
        CopyMechanism(
            "a feature group's offline store (every record, written to S3)",
            sources=(SELF,),
            destinations=("offlineStoreConfig.s3StorageConfig.s3Uri",),
            active_when=("offlineStoreConfig",),
            lands_in_own_region=False,
        ),
    ),
    "aws:msk/channel:Channel": (
        CopyMechanism(
            "a channel's delivery of a topic's records into S3 or an Iceberg table",
            sources=(SELF, "clusterArn", "topicConfiguration.topicArn"),
            destinations=(
                "s3Destination.storage.bucketArn",
                "s3Destination.deadLetterQueueS3.bucketArn",
                "icebergDestination.deadLetterQueueS3.bucketArn",
                "icebergDestination.catalog.catalogArn",
                "icebergDestination.catalog.warehouseLocation",
            ),
            lands_in_own_region=False,
        ),
    ),
    "aws:chime/sdkvoiceGlobalSettings:SdkvoiceGlobalSettings": (
        CopyMechanism(
            "call detail records of every voice connector (callers' phone numbers), put in the bucket",
            destinations=("voiceConnector.cdrBucket",),
            global_names=("voiceConnector.cdrBucket",),
            every_resource_of_type="aws:chime/voiceConnector:VoiceConnector",
            lands_in_own_region=False,
        ),
    ),
    "aws:ebs/snapshotImport:SnapshotImport": (
        _derived(
            "a snapshot imported from a disk image in S3",
            "diskContainer.userBucket.s3Bucket",
            global_names=("diskContainer.userBucket.s3Bucket",),
        ),
    ),
}
"""Copy mechanisms of the types the triage added (the issue-8 review), beside the original ones."""

_WORKLOAD = _code("a Kubernetes workload")
_CLAIM_SOURCES = ("dataSource.name", "dataSourceRef.name")
"""Where a claim spec names the snapshot or claim its volume is restored or cloned from."""
_POD_VOLUME_CLAIMS = "volumes[].ephemeral.volumeClaimTemplate.spec"
"""Where a pod spec declares the claims of its generic ephemeral volumes."""


def _restored_volumes(*claim_specs: str) -> CopyMechanism:
    """Volumes restored from a VolumeSnapshot or cloned from a claim (`dataSource`, `dataSourceRef`): each
    starts with its source's data, so it holds what its source holds."""
    return _derived(
        "a volume restored or cloned from a snapshot or claim",
        *(f"{spec}.{source}" for spec in claim_specs for source in _CLAIM_SOURCES),
    )


def _remote_write(kind: str) -> CopyMechanism:
    """A Prometheus Operator kind's remote write of what it scrapes (prometheus-operator v0.93 CRDs)."""
    return CopyMechanism(
        f"a {kind}'s remote write of the metrics it scrapes",
        sources=(SELF,),
        destinations=("spec.remoteWrite[].url",),
        active_when=("spec.remoteWrite[].url",),
        lands_in_own_region=False,
    )


_FLUENT_BIT_VENDORS = ("datadog", "stackdriver", "azureBlob", "azureLogAnalytics")
"""Fluent Bit output plugins that are another provider's service by definition (Datadog's intake, Google
Cloud Logging, Azure Blob Storage and Log Analytics: fluent-operator v3.10.0 ClusterOutput spec)."""
NODE_LOG_SHIPPERS: dict[str, str] = {
    **{
        f"fluentbit.fluent.io:{kind}": (
            "the pods' logs the Fluent Operator's Fluent Bit collects on every node"
        )
        for kind in ("ClusterOutput", "Output")
    },
    **{
        f"fluentd.fluent.io:{kind}": (
            "the pods' logs the Fluent Operator's Fluent Bit collects on every node and forwards to Fluentd"
        )
        for kind in ("ClusterOutput", "Output")
    },
    "datadoghq.com:DatadogAgent": (
        "every container's metrics, traces and logs the Datadog Operator's agent collects on every node"
    ),
}
"""Kinds that ship the nodes' pod logs by definition, without mounting them themselves (an operator's
output, whose agent runs as a DaemonSet the operator creates): read as node log readers (`lineage_nodes`)."""
_SENSOR_TRIGGERS = ("spec.triggers[].template", "spec.triggers[].dlqTrigger.template")
"""An Argo Events Sensor's trigger templates, its dead-letter trigger's included (argo-events 0d62919,
pkg/apis/events/v1alpha1/sensor_types.go: Trigger.Template, Trigger.DlqTrigger)."""
_KNATIVE_DEAD_LETTERS = ("spec.delivery.deadLetterSink.uri",)
"""Where a Knative Broker, Trigger or Subscription sends the events it cannot deliver (knative/eventing
8cf4c4b, pkg/apis/duck/v1/delivery_types.go: DeliverySpec.DeadLetterSink, a Destination)."""
DELIVERY_ENDPOINTS: dict[str, tuple[str, ...]] = {
    "eventing.knative.dev:Broker": _KNATIVE_DEAD_LETTERS,
    "eventing.knative.dev:Trigger": ("spec.subscriber.uri", *_KNATIVE_DEAD_LETTERS),
    "messaging.knative.dev:Subscription": ("spec.subscriber.uri", "spec.reply.uri", *_KNATIVE_DEAD_LETTERS),
    "argoproj.io:Sensor": tuple(
        f"{template}.{field}"
        for template in _SENSOR_TRIGGERS
        for field in (
            "http.url",
            "kafka.url",
            "pulsar.url",
            "nats.url",
            "openWhisk.host",
            "custom.serverURL",
            "email.host",
        )
    ),
}
"""Paths of code kinds whose value is where the code delivers what it handles (a URL, a `host:port`, a
comma-separated broker list): a host on the internet is outside AWS, one unknown at preview is untraceable,
a cluster-local or private one is the cluster's (`lineage_code.delivery_places`). An Istio Telemetry's
providers are read from the mesh configuration instead (`lineage_mesh`)."""
MESH_TELEMETRY: dict[str, str] = {
    "telemetry.istio.io:Telemetry": (
        "the requests the mesh's sidecar and gateway proxies handle, which its access logs, traces and "
        "metrics carry (paths, headers, addresses)"
    ),
}
"""Kinds whose code sees every request of the mesh's workloads (Istio's proxies, configured by a
Telemetry): read as node log readers are (`lineage_nodes`), what every other workload of its cluster
reads."""
_POD_TEMPLATE_RESTORES = _restored_volumes(f"spec.template.spec.{_POD_VOLUME_CLAIMS}")
_SCALED_JOB_TEMPLATE = f"spec.jobTargetRef.{ANY}"
"""A KEDA ScaledJob's Job spec: its pods' code and configuration (its triggers are KEDA's: a number)."""
KUBERNETES_MECHANISMS: dict[str, tuple[CopyMechanism, ...]] = {
    **{
        f"{group}:{kind}": (_WORKLOAD, _POD_TEMPLATE_RESTORES)
        for group, kinds in (
            ("core", ("PodTemplate", "ReplicationController")),
            ("apps", ("DaemonSet", "Deployment", "ReplicaSet")),
            ("extensions", ("DaemonSet", "Deployment", "ReplicaSet")),
            ("batch", ("Job",)),
        )
        for kind in kinds
    },
    "core:Pod": (_WORKLOAD, _restored_volumes(f"spec.{_POD_VOLUME_CLAIMS}")),
    "core:PersistentVolumeClaim": (_restored_volumes("spec"),),
    "apps:StatefulSet": (
        _WORKLOAD,
        _restored_volumes("spec.volumeClaimTemplates[].spec", f"spec.template.spec.{_POD_VOLUME_CLAIMS}"),
    ),
    "batch:CronJob": (
        _WORKLOAD,
        _restored_volumes(f"spec.jobTemplate.spec.template.spec.{_POD_VOLUME_CLAIMS}"),
    ),
    "velero.io:Backup": (
        CopyMechanism(
            "a Velero backup of namespaces",
            sources=("spec.includedNamespaces",),
            destinations=("spec.storageLocation",),
            active_when=(SELF,),
            lands_in_own_region=False,
        ),
    ),
    "velero.io:Schedule": (
        CopyMechanism(
            "scheduled Velero backups of namespaces",
            sources=("spec.template.includedNamespaces",),
            destinations=("spec.template.storageLocation",),
            active_when=(SELF,),
            lands_in_own_region=False,
        ),
    ),
    "velero.io:Restore": (
        CopyMechanism(
            "a Velero restore",
            sources=("spec.backupName", "spec.scheduleName"),
            destinations=("spec.includedNamespaces",),
        ),
    ),
    "monitoring.coreos.com:Prometheus": (
        _remote_write("Prometheus"),
        CopyMechanism(
            "a Prometheus's Thanos sidecar uploading its blocks to an object store",
            sources=(SELF,),
            unread_destinations=tuple(
                (f"spec.thanos.{path}", "the object store of the Thanos sidecar's objstore configuration")
                for path in ("objectStorageConfig", "objectStorageConfigFile")
            ),
            active_when=("spec.thanos.objectStorageConfig", "spec.thanos.objectStorageConfigFile"),
            lands_in_own_region=False,
        ),
    ),
    "monitoring.coreos.com:PrometheusAgent": (_remote_write("PrometheusAgent"),),
    "keda.sh:ScaledJob": (
        CopyMechanism(
            "a KEDA ScaledJob's Jobs",
            sources=(_SCALED_JOB_TEMPLATE,),
            destinations=(_SCALED_JOB_TEMPLATE,),
            runs_code=True,
        ),
        _restored_volumes(f"spec.jobTargetRef.template.spec.{_POD_VOLUME_CLAIMS}"),
    ),
    "kafka.strimzi.io:KafkaConnect": (_code("a Kafka Connect cluster"),),
    "kafka.strimzi.io:KafkaConnector": (_code("a Kafka Connect connector"),),
    "kafka.strimzi.io:KafkaMirrorMaker2": (_code("a MirrorMaker 2 replication between Kafka clusters"),),
    "opentelemetry.io:OpenTelemetryCollector": (_code("an OpenTelemetry collector the operator runs"),),
    "eventing.knative.dev:Broker": (
        _code("a Knative Broker, handing the events it is sent to its Triggers and dead-letter sink"),
    ),
    "eventing.knative.dev:Trigger": (_code("a Knative Trigger delivering the events its Broker is sent"),),
    "messaging.knative.dev:Subscription": (
        _code("a Knative Subscription delivering the events its channel is sent"),
    ),
    "argoproj.io:EventSource": (_code("an Argo Events event source, publishing what it reads onto its bus"),),
    "argoproj.io:Sensor": (
        CopyMechanism(
            "an Argo Events sensor's triggers, fed the events of its event sources",
            sources=(ANY,),
            destinations=(ANY,),
            outside_aws=tuple(
                f"{template}.{trigger}"
                for template in _SENSOR_TRIGGERS
                for trigger in ("slack", "azureEventHubs", "azureServiceBus")
            ),
            named=(
                NamedObject("spec.dependencies[].eventSourceName", "argoproj.io:EventSource", "sources_of"),
            ),
            runs_code=True,
        ),
    ),
    "telemetry.istio.io:Telemetry": (
        CopyMechanism(
            "an Istio Telemetry's access logs, traces and metrics of the mesh's requests",
            sources=(ANY,),
            destinations=(ANY,),
            runs_code=True,
        ),
    ),
    "opentelemetry.io:Instrumentation": (
        _code("an OpenTelemetry SDK the operator injects into the pods that ask for it"),
    ),
    "datadoghq.com:DatadogAgent": (
        CopyMechanism(
            "the Datadog Operator's node agent shipping what it collects to Datadog's site",
            sources=(ANY,),
            destinations=(ANY,),
            # Every DatadogAgent ships to Datadog's site (`spec.global.site`, datadoghq.com when unset): the
            # kind itself, whatever its value, is the switch.
            outside_aws_unless=(("kind", ()),),
            runs_code=True,
        ),
    ),
    **{
        f"fluentbit.fluent.io:{kind}": (
            CopyMechanism(
                "a Fluent Operator output shipping the logs its Fluent Bit collects on every node",
                sources=(ANY,),
                destinations=(ANY,),
                outside_aws=tuple(f"spec.{plugin}" for plugin in _FLUENT_BIT_VENDORS),
                runs_code=True,
            ),
        )
        for kind in ("ClusterOutput", "Output")
    },
    **{
        f"fluentd.fluent.io:{kind}": (
            CopyMechanism(
                "a Fluent Operator Fluentd output shipping the logs its Fluent Bit forwards",
                sources=(ANY,),
                destinations=(ANY,),
                outside_aws=("spec.outputs[].datadog",),
                runs_code=True,
            ),
        )
        for kind in ("ClusterOutput", "Output")
    },
    "snapshot.storage.k8s.io:VolumeSnapshot": (
        _derived(
            "a volume snapshot",
            "spec.source.persistentVolumeClaimName",
            "spec.source.volumeSnapshotContentName",
        ),
    ),
    "snapshot.storage.k8s.io:VolumeSnapshotContent": (
        _derived("a volume snapshot", "spec.source.volumeHandle", "spec.source.snapshotHandle"),
    ),
    **OPERATOR_MECHANISMS,
}
"""Copy mechanisms of Kubernetes kinds, by API group and kind (every version, their List and Patch types)."""

COPY_MECHANISMS: dict[str, tuple[CopyMechanism, ...]] = {
    **_ORIGINAL_MECHANISMS,
    **{token: _ORIGINAL_MECHANISMS.get(token, ()) + added for token, added in ADDED_MECHANISMS.items()},
    **KUBERNETES_MECHANISMS,
}
"""Every type the triage table places under copies, and how it copies, in wire names."""


AI_SERVICE_MODULES: dict[str, tuple[str, ...]] = {
    "rekognition": ("rekognition",),
    "comprehend": ("comprehend",),
    "lex": ("lex",),
    "transcribe": ("transcribe",),
    "contactlens": ("connect",),
    "connectamd": ("connect",),
    "codeguruprofiler": ("codeguruprofiler",),
    "chimesdkvoiceanalytics": ("chimesdkmediapipelines", "chimesdkvoice"),
    "quicksightq": ("quicksight",),
}
"""The AI services an organisation's AI services opt-out policy names (`services.<name>`; `default` names them
all) whose content the stack's resources of these Pulumi modules hold or process: opted in (`optIn`), AWS may
store it and use it to improve its services (reviewer blind-aws13 a31). Services with no resources in the SDK
(Textract, Polly, Translate) name nothing the stack declares."""

DATA_EVENT_TYPES: dict[str, tuple[str, ...]] = {
    "AWS::S3::Object": ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"),
    "AWS::S3Express::Object": ("aws:s3/directoryBucket:DirectoryBucket",),
    "AWS::DynamoDB::Table": ("aws:dynamodb/table:Table",),
    "AWS::DynamoDB::Stream": ("aws:dynamodb/table:Table",),
    "AWS::Kinesis::Stream": ("aws:kinesis/stream:Stream",),
    "AWS::SQS::Queue": ("aws:sqs/queue:Queue",),
    "AWS::SNS::Topic": ("aws:sns/topic:Topic",),
    "AWS::SecretsManager::Secret": ("aws:secretsmanager/secret:Secret",),
    "AWS::Glue::Table": ("aws:glue/catalogTable:CatalogTable",),
    "AWS::S3Tables::Table": ("aws:s3tables/table:Table",),
}
"""The holders whose data events (`resources.type` of a CloudTrail advanced event selector, or a basic
selector's `dataResources[].type`) record requests that name what they hold (an object's key, an item's key,
a record's partition key, a secret's name): a selector of the type that names no ARN exactly selects every
holder of the type in its scope (`residency_policies/lineage_event_selectors.py`)."""

LOG_EXPORTS: dict[str, tuple[str, str]] = {
    "aws:rds/instance:Instance": ("identifier", "/aws/rds/instance/{name}/{log}"),
    "aws:rds/cluster:Cluster": ("clusterIdentifier", "/aws/rds/cluster/{name}/{log}"),
    "aws:docdb/cluster:Cluster": ("clusterIdentifier", "/aws/docdb/{name}/{log}"),
    "aws:neptune/cluster:Cluster": ("clusterIdentifier", "/aws/neptune/{name}/{log}"),
}
"""Stores whose `enabledCloudwatchLogsExports` write their logs (statements, with the values they carry) into
a log group of this name, in their own region and account: (the input holding the store's name, the log
group's name). The service creates the group when the stack declares none; a declared one holds what the
store holds (lineage), whatever its label."""


ADDON_LOG_GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "amazon-cloudwatch-observability": (
        "containerLogs.enabled",
        ("/aws/containerinsights/{cluster}/application",),
    ),
}
"""EKS add-ons that ship every pod's standard output and error into log groups of their own naming, in their
cluster's region and account: (the switch in `configurationValues` that turns the container logs off, on
unless false; the log groups, by the cluster's name). The Amazon CloudWatch Observability add-on's Fluent Bit
(or OpenTelemetry collector) writes every container's logs to `/aws/containerinsights/<cluster>/application`
and creates it, with CloudWatch's default key and no expiry, when the stack declares none (docs.aws.amazon.com
AmazonCloudWatch/latest/monitoring/Container-Insights-setup-EKS-addon.html, container-insights-eks-otel-logs
.html, checked 2026-12-03; reviewer blind-k8s13 k13)."""

INBOUND_ACTIONS: frozenset[str] = frozenset(
    {
        "backup:copyintobackupvault",
        "events:putevents",
        "sqs:sendmessage",
        "sqs:sendmessagebatch",
        "sns:publish",
        "kinesis:putrecord",
        "kinesis:putrecords",
        "firehose:putrecord",
        "firehose:putrecordbatch",
        "logs:createlogstream",
        "logs:putlogevents",
        "kms:generatedatakey",
        "kms:generatedatakeywithoutplaintext",
        "kms:generatedatakeypair",
        "kms:generatedatakeypairwithoutplaintext",
        "kms:encrypt",
    }
)
"""Actions that only put data into a holder and return nothing it holds (a copy of a recovery point into a
vault, an event into a bus, a message into a queue or topic, a record into a stream or log group), and the
KMS actions a producer into an encrypted holder needs: a new data key (or pair) is random, and encrypting
returns only ciphertext, so neither decrypts anything the key already protects (that takes kms:Decrypt, a
ReEncrypt or a grant). A grant of nothing else to another account reads none of its data. Lower case, exact:
a wildcard may match an action that reads or routes out (`events:Put*` matches PutRule and PutTargets,
`kms:*` Decrypt). Not listed because they return what the holder keeps: DynamoDB's PutItem and UpdateItem
(`ReturnValues`), Lambda's InvokeFunction, S3's PutObject (its object ownership may leave the writer an
owner's rights)."""

KEY_SERVICES: frozenset[str] = frozenset({"kms"})
"""IAM services (action prefixes, lower case) whose actions reach no data store through a role's policies:
a KMS permission decrypts, encrypts or manages keys, and what it decrypts is read through the store's own
actions (`s3:GetObject`, `secretsmanager:GetSecretValue`, `rds-data:ExecuteStatement`, ...), which the role
needs besides and which are judged themselves; alone it reads and writes nothing (reviewer blind-full14
c14: `kms:Decrypt` on `*`). A key's own policy and grants are judged apart, as grants of what it encrypts."""

NON_READING_ACTIONS: frozenset[str] = INBOUND_ACTIONS | frozenset(
    {
        "logs:createloggroup",
        "cloudwatch:putmetricdata",
        "cloudwatch:getmetricdata",
        "cloudwatch:getmetricstatistics",
        "cloudwatch:listmetrics",
        "xray:puttracesegments",
        "xray:puttelemetryrecords",
        "ec2:createnetworkinterface",
        "ec2:describenetworkinterfaces",
        "ec2:deletenetworkinterface",
        "ec2:assignprivateipaddresses",
        "ec2:unassignprivateipaddresses",
        "sts:getcalleridentity",
    }
)
"""Actions, besides those of `KEY_SERVICES`, that return nothing a store holds: putting data in
(`INBOUND_ACTIONS`), a function's own log group, metrics and traces, reading CloudWatch metrics (numbers
about systems, which no holder of the stack keeps: reviewer blind-access15 c03), the network interfaces of a
function in a VPC, the caller's identity. A role's statement of nothing else reads no store, whatever its
`Resource` (a `*` among them reaches nothing). Lower case, exact: a wildcard (`logs:*`, `ec2:Describe*`) may
match an action that reads (`logs:GetLogEvents`, `ec2:GetConsoleOutput`), and is judged as a read."""


DATABASE_LOGIN_ARNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "rds-db": (
        "dbuser:",
        ("aws:rds/instance:Instance", "aws:rds/cluster:Cluster", "aws:rds/proxy:Proxy"),
    ),
    "neptune-db": ("", ("aws:neptune/cluster:Cluster",)),
}
"""IAM database authentication (decision, reviewer blind-whole15 w08): `rds-db:connect` on
`arn:aws:rds-db:<region>:<account>:dbuser:<resource id>/<user>` logs in to the database whose resource id
(an instance's `resourceId`, `db-...`; a cluster's `clusterResourceId`, `cluster-...`; a proxy's
`prx-...`) it names, and `neptune-db:*` on `arn:aws:neptune-db:<region>:<account>:<cluster resource
id>/*` to a Neptune cluster: a read of what the database holds (the RDS and Neptune user guides' IAM
policy examples). Service -> (the prefix of the ARN's resource before the id, the types it may name)."""


class Grant(NamedTuple):
    """How a resource type grants or exposes access to data, in wire names."""

    grants: str
    """What it does, in words for a violation message ("a bucket policy")."""

    targets: tuple[str, ...] = (SELF,)
    """Paths naming what access is granted to (SELF: the resource itself)."""

    policies: tuple[str, ...] = ()
    """Paths holding IAM-style policy documents (JSON) whose Allow statements name principals."""

    principals: tuple[str, ...] = ()
    """Paths holding principals directly: `*`, account ids, ARNs, organisation or unit ids."""

    public: tuple[tuple[str, tuple[object, ...]], ...] = ()
    """(path, values): the target is open to everyone when the path holds one of these values."""

    judged_by: str = ""
    """Exposure through the network (security groups, load balancers) or account switches (public access
    blocks), which pii-not-public judges from the store's side; empty when the fields above say it all."""

    sources: tuple[tuple[str, str], ...] = ()
    """(path, condition key): inputs that tie a service principal of `principals` to the account or resource
    it acts for, as the condition key does in a policy (a function permission's `sourceArn`)."""

    when: tuple[tuple[str, tuple[object, ...]], ...] = ()
    """(path, values): the resource grants this way only when each path holds one of the values (or is
    unknown at preview, which fails closed); an OpenSearch Serverless security policy is a network policy
    only when its `type` is `network` (an `encryption` one chooses its collections' key)."""

    statement_targets: bool = False
    """An account-wide policy with no target input (a Data Catalog's): each statement grants what its own
    `Resource` entries name, to its own principals (`residency_policies/grants_catalog.py`)."""

    public_as: str = ""
    """Whom a public switch admits, when it is not everyone: a resource share's `allowExternalPrincipals`
    admits principals outside the organisation, still only those it is shared with (a grant to other
    accounts, not exposure to the internet)."""
    catalog_wide: bool = False
    """Account-wide settings with no target input (Lake Formation's data lake settings): the principals are
    granted every table of the Data Catalog of the resource's region (`grants_catalog.every_table`)."""


_NETWORK = "pii-not-public, from the store's security groups and the load balancers that reach it"
_CLUSTER_ACCESS = "rules 3 and 4, as a grant of what the cluster holds (residency_policies/cluster_access.py)"
_BLOCKS = "pii-not-public, as the account's or bucket's block on public access"
_MULTICLUSTER = (
    "pii-not-public, as a publisher to clusters the stack does not declare "
    "(residency_policies/exposure_multicluster.py)"
)


def _policy(grants: str, document: str, *targets: str) -> Grant:
    return Grant(grants, targets=targets or (SELF,), policies=(document,))


def _principal(grants: str, principal: str, *targets: str) -> Grant:
    return Grant(grants, targets=targets or (SELF,), principals=(principal,))


def _network(grants: str) -> Grant:
    return Grant(grants, targets=(), judged_by=_NETWORK)


def _permission_set(grants: str, *targets: str) -> Grant:
    """A permission set's policy: the organisation's workforce its assignments sign in (decision, reviewer
    blind-access15 a09: `principal_policies.POLICY_ATTACHMENTS`)."""
    return Grant(grants, targets=targets, judged_by="the permission set's assignments")


_PUBLIC_ACLS = ("public-read", "public-read-write", "authenticated-read")
_LB_GRANTS = {
    "loadBalancer:LoadBalancer": _network("a load balancer"),
    "listener:Listener": _network("a listener"),
    "listenerRule:ListenerRule": _network("a listener rule"),
    "targetGroup:TargetGroup": _network("a target group"),
    "targetGroupAttachment:TargetGroupAttachment": _network("a load balancer target"),
}

GRANTS: dict[str, tuple[Grant, ...]] = {
    "aws:eks/accessEntry:AccessEntry": (Grant("an EKS access entry", targets=(), judged_by=_CLUSTER_ACCESS),),
    "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": (
        Grant("an EKS access policy association", targets=(), judged_by=_CLUSTER_ACCESS),
    ),
    **{f"aws:{module}/{name}": (grant,) for module in ("lb", "alb") for name, grant in _LB_GRANTS.items()},
    "aws:amp/resourcePolicy:ResourcePolicy": (
        _policy("a workspace policy", "policyDocument", "workspaceId"),
    ),
    "aws:apigateway/integration:Integration": (_network("a private integration's target"),),
    "aws:apigateway/restApiPolicy:RestApiPolicy": (_policy("an API policy", "policy", "restApiId"),),
    # An API's own policy input, or its OpenAPI body's, is the RestApiPolicy it stands for.
    "aws:apigateway/restApi:RestApi": (
        Grant("an API policy", targets=(SELF,), policies=("policy", _API_BODY_POLICY)),
    ),
    "aws:apigateway/restApiPut:RestApiPut": (_policy("an API policy", _API_BODY_POLICY, "restApiId"),),
    "aws:apigateway/vpcLink:VpcLink": (_network("a REST API VPC link"),),
    "aws:apigatewayv2/integration:Integration": (_network("an HTTP API private integration"),),
    "aws:backup/vaultPolicy:VaultPolicy": (_policy("a backup vault policy", "policy", "backupVaultName"),),
    "aws:bedrock/agentcoreResourcePolicy:AgentcoreResourcePolicy": (
        _policy("an agent resource policy", "policy", "resourceArn"),
    ),
    "aws:cleanrooms/configuredTable:ConfiguredTable": (
        Grant("a table configured for a collaboration", targets=("tableReference.**",)),
    ),
    "aws:cleanrooms/membership:Membership": (
        Grant(
            "a collaboration membership",
            targets=("collaborationId",),
            principals=("defaultResultConfiguration.**",),
        ),
    ),
    "aws:cloudfront/vpcOrigin:VpcOrigin": (_network("a CloudFront VPC origin"),),
    "aws:cloudsearch/domainServiceAccessPolicy:DomainServiceAccessPolicy": (
        _policy("a search domain access policy", "accessPolicy", "domainName"),
    ),
    "aws:cloudwatch/eventBusPolicy:EventBusPolicy": (
        _policy("an event bus policy", "policy", "eventBusName"),
    ),
    "aws:cloudwatch/eventPermission:EventPermission": (
        _principal("an event bus permission", "principal", "eventBusName"),
    ),
    "aws:cloudwatch/logDeliveryDestinationPolicy:LogDeliveryDestinationPolicy": (
        _policy("a log delivery destination policy", "deliveryDestinationPolicy", "deliveryDestinationName"),
    ),
    "aws:cloudwatch/logDestinationPolicy:LogDestinationPolicy": (
        _policy("a log destination policy", "accessPolicy", "destinationName"),
    ),
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": (
        _policy("a CloudWatch Logs resource policy", "policyDocument", "resourceArn"),
    ),
    "aws:codebuild/resourcePolicy:ResourcePolicy": (
        _policy("a CodeBuild resource policy", "policy", "resourceArn"),
    ),
    "aws:dataexchange/dataSet:DataSet": (
        Grant("a data set published to subscribers", principals=("assetType",)),
    ),
    "aws:datazone/environment:Environment": (_principal("a DataZone environment", "accountIdentifier"),),
    "aws:datazone/policyGrant:PolicyGrant": (
        _principal("a DataZone policy grant", "principal.**", "entityIdentifier"),
    ),
    "aws:docdb/clusterInstance:ClusterInstance": (_network("a cluster instance"),),
    "aws:dsql/clusterPolicy:ClusterPolicy": (_policy("a cluster policy", "policy", "identifier"),),
    "aws:dynamodb/resourcePolicy:ResourcePolicy": (_policy("a table policy", "policy", "resourceArn"),),
    "aws:ebs/snapshotBlockPublicAccess:SnapshotBlockPublicAccess": (
        Grant("the account's block on public snapshots", targets=(), judged_by=_BLOCKS),
    ),
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": (_network("the VPC's default security group"),),
    "aws:ec2/eip:Eip": (_network("an elastic IP address"),),
    "aws:ec2/eipAssociation:EipAssociation": (_network("an elastic IP association"),),
    "aws:ec2/imageBlockPublicAccess:ImageBlockPublicAccess": (
        Grant("the account's block on public images", targets=(), judged_by=_BLOCKS),
    ),
    "aws:ec2/networkInterfacePermission:NetworkInterfacePermission": (
        _principal("a network interface permission", "awsAccountId", "networkInterfaceId"),
    ),
    "aws:ec2/networkInterfaceSecurityGroupAttachment:NetworkInterfaceSecurityGroupAttachment": (
        _network("a security group attachment"),
    ),
    "aws:ec2/peeringConnectionOptions:PeeringConnectionOptions": (_network("peering options"),),
    "aws:ec2/securityGroup:SecurityGroup": (_network("a security group"),),
    "aws:ec2/securityGroupAssociation:SecurityGroupAssociation": (_network("a security group association"),),
    "aws:ec2/securityGroupRule:SecurityGroupRule": (_network("a security group rule"),),
    "aws:ec2/vpcEndpointService:VpcEndpointService": (
        _principal(
            "an endpoint service", "allowedPrincipals", "networkLoadBalancerArns", "gatewayLoadBalancerArns"
        ),
    ),
    "aws:ec2/vpcEndpointServiceAllowedPrinciple:VpcEndpointServiceAllowedPrinciple": (
        _principal("an endpoint service principal", "principalArn", "vpcEndpointServiceId"),
    ),
    "aws:ec2/vpcPeeringConnection:VpcPeeringConnection": (
        Grant("a VPC peering", targets=("vpcId",), principals=("peerOwnerId",), judged_by=_NETWORK),
    ),
    "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter": (
        _network("an accepted VPC peering"),
    ),
    "aws:ec2/vpcSecurityGroupRulesExclusive:VpcSecurityGroupRulesExclusive": (
        _network("a group's exclusive rules"),
    ),
    "aws:ec2clientvpn/authorizationRule:AuthorizationRule": (_network("a Client VPN authorisation"),),
    "aws:ecr/registryPolicy:RegistryPolicy": (_policy("a registry policy", "policy"),),
    "aws:ecr/repositoryPolicy:RepositoryPolicy": (_policy("a repository policy", "policy", "repository"),),
    "aws:ecrpublic/repository:Repository": (Grant("a public repository", public=(("repositoryName", ()),)),),
    "aws:ecrpublic/repositoryPolicy:RepositoryPolicy": (
        _policy("a repository policy", "policy", "repositoryName"),
    ),
    "aws:efs/accessPoint:AccessPoint": (_network("an access point"),),
    "aws:efs/fileSystemPolicy:FileSystemPolicy": (_policy("a file system policy", "policy", "fileSystemId"),),
    "aws:efs/mountTarget:MountTarget": (_network("a mount target"),),
    "aws:elasticsearch/domainPolicy:DomainPolicy": (
        _policy("a domain policy", "accessPolicies", "domainName"),
    ),
    "aws:elasticsearch/vpcEndpoint:VpcEndpoint": (_network("a domain VPC endpoint"),),
    "aws:elb/attachment:Attachment": (_network("a load balancer attachment"),),
    "aws:elb/loadBalancer:LoadBalancer": (_network("a classic load balancer"),),
    "aws:emr/blockPublicAccessConfiguration:BlockPublicAccessConfiguration": (
        Grant("the account's block on public EMR clusters", targets=(), judged_by=_BLOCKS),
    ),
    "aws:fsx/s3AccessPointAttachment:S3AccessPointAttachment": (
        _policy("an S3 access point to a file system", "s3AccessPoint.policy", "openzfsConfiguration.**"),
    ),
    "aws:glacier/vault:Vault": (_policy("a vault access policy", "accessPolicy"),),
    "aws:globalaccelerator/accelerator:Accelerator": (_network("an accelerator"),),
    "aws:globalaccelerator/crossAccountAttachment:CrossAccountAttachment": (
        _principal("a cross-account attachment", "principals", "resources[].endpointId"),
    ),
    "aws:globalaccelerator/customRoutingAccelerator:CustomRoutingAccelerator": (_network("an accelerator"),),
    "aws:globalaccelerator/customRoutingEndpointGroup:CustomRoutingEndpointGroup": (
        _network("an endpoint group"),
    ),
    "aws:globalaccelerator/endpointGroup:EndpointGroup": (_network("an endpoint group"),),
    "aws:glue/resourcePolicy:ResourcePolicy": (
        Grant(
            "a Data Catalog policy (a table it grants opens the data the table points at)",
            targets=(),
            policies=("policy",),
            statement_targets=True,
        ),
    ),
    "aws:iam/accessKey:AccessKey": (
        Grant("an access key", targets=("user",), judged_by="the user's policies"),
    ),
    "aws:iam/group:Group": (Grant("a group", judged_by="the group's policies"),),
    "aws:iam/groupPolicy:GroupPolicy": (
        Grant(
            "a group policy", targets=("policy.{json}.Statement[].Resource",), judged_by="the group's members"
        ),
    ),
    "aws:iam/groupPolicyAttachment:GroupPolicyAttachment": (
        Grant("a group policy attachment", targets=("policyArn",), judged_by="the group's members"),
    ),
    "aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive": (
        Grant("a group's policy attachments", targets=("policyArns",), judged_by="the group's members"),
    ),
    "aws:iam/groupPoliciesExclusive:GroupPoliciesExclusive": (
        Grant("a group's inline policies", targets=(), judged_by="the group's members"),
    ),
    "aws:iam/policy:Policy": (
        Grant(
            "a managed policy",
            targets=("policy.{json}.Statement[].Resource",),
            judged_by="what it is attached to",
        ),
    ),
    "aws:iam/policyAttachment:PolicyAttachment": (
        Grant("a policy attachment", targets=("policyArn",), judged_by="the roles it attaches to"),
    ),
    "aws:iam/role:Role": (
        Grant(
            "a role's trust policy",
            targets=("inlinePolicies[].policy.{json}.Statement[].Resource", "managedPolicyArns"),
            policies=("assumeRolePolicy",),
        ),
    ),
    "aws:iam/rolePolicy:RolePolicy": (
        Grant(
            "a role policy",
            targets=("policy.{json}.Statement[].Resource",),
            judged_by="the role's trust policy",
        ),
    ),
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": (
        Grant("a role policy attachment", targets=("policyArn",), judged_by="the role's trust policy"),
    ),
    "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive": (
        Grant("a role's policy attachments", targets=("policyArns",), judged_by="the role's trust policy"),
    ),
    "aws:iam/rolePoliciesExclusive:RolePoliciesExclusive": (
        Grant("a role's inline policies", targets=(), judged_by="the role's trust policy"),
    ),
    "aws:iam/user:User": (Grant("a user", judged_by="the user's policies"),),
    "aws:iam/userPolicy:UserPolicy": (
        Grant(
            "a user policy",
            targets=("policy.{json}.Statement[].Resource",),
            judged_by="the user's credentials",
        ),
    ),
    "aws:iam/userPolicyAttachment:UserPolicyAttachment": (
        Grant("a user policy attachment", targets=("policyArn",), judged_by="the user's credentials"),
    ),
    "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive": (
        Grant("a user's policy attachments", targets=("policyArns",), judged_by="the user's credentials"),
    ),
    "aws:iam/userPoliciesExclusive:UserPoliciesExclusive": (
        Grant("a user's inline policies", targets=(), judged_by="the user's credentials"),
    ),
    "aws:kinesis/resourcePolicy:ResourcePolicy": (_policy("a stream policy", "policy", "resourceArn"),),
    "aws:kms/externalKey:ExternalKey": (_policy("a key policy", "policy"),),
    "aws:kms/grant:Grant": (
        Grant("a key grant", targets=("keyId",), principals=("granteePrincipal", "retiringPrincipal")),
    ),
    "aws:kms/key:Key": (_policy("a key policy", "policy"),),
    "aws:kms/keyPolicy:KeyPolicy": (_policy("a key policy", "policy", "keyId"),),
    "aws:lakeformation/dataCellsFilter:DataCellsFilter": (
        Grant("a data cells filter", targets=("tableData.**",), judged_by="the permissions that use it"),
    ),
    # Each opens the whole catalog (reviewer blind-data15 a22): an administrator may grant itself any table,
    # a read-only one sees every table's schema and location, default permissions give every new database
    # and table to their principals (`IAM_ALLOWED_PRINCIPALS`: this account's IAM), and the accounts allowed
    # external data
    # filtering run engines (EMR, third-party query engines) that Lake Formation trusts to filter the
    # catalog's governed tables and vends credentials for their data to.
    "aws:lakeformation/dataLakeSettings:DataLakeSettings": (
        Grant("data lake administrators", targets=(), principals=("admins",), catalog_wide=True),
        Grant(
            "read-only data lake administrators",
            targets=(),
            principals=("readOnlyAdmins",),
            catalog_wide=True,
        ),
        Grant(
            "Lake Formation default permissions on new databases and tables",
            targets=(),
            principals=(
                "createDatabaseDefaultPermissions[].principal",
                "createTableDefaultPermissions[].principal",
            ),
            catalog_wide=True,
        ),
        Grant(
            "Lake Formation external data filtering (the allow-listed accounts' engines filter and read the "
            "catalog's tables)",
            targets=(),
            principals=("externalDataFilteringAllowLists",),
            when=(("allowExternalDataFiltering", (True,)),),
            catalog_wide=True,
        ),
    ),
    "aws:lakeformation/lfTag:LfTag": (Grant("an LF-tag", targets=(), judged_by="the permissions on it"),),
    "aws:lakeformation/lfTagExpression:LfTagExpression": (
        Grant("an LF-tag expression", targets=(), judged_by="the permissions on it"),
    ),
    "aws:lakeformation/optIn:OptIn": (
        _principal("a Lake Formation opt-in", "principals.**", "resourceDatas.**"),
    ),
    "aws:lakeformation/permissions:Permissions": (
        _principal(
            "Lake Formation permissions",
            "principal",
            "table.**",
            "tableWithColumns.**",
            "database.**",
            "dataLocation.arn",
            "dataCellsFilter.**",
            "lfTagPolicy",
        ),
    ),
    "aws:lakeformation/resourceLfTag:ResourceLfTag": (
        Grant(
            "a resource's LF-tag", targets=("table.**", "database.**"), judged_by="the permissions on the tag"
        ),
    ),
    "aws:lakeformation/resourceLfTags:ResourceLfTags": (
        Grant(
            "a resource's LF-tags",
            targets=("table.**", "database.**"),
            judged_by="the permissions on the tags",
        ),
    ),
    "aws:lambda/functionUrl:FunctionUrl": (
        Grant("a function URL", targets=("functionName",), public=(("authorizationType", ("NONE",)),)),
    ),
    "aws:lambda/layerVersionPermission:LayerVersionPermission": (
        _principal("a layer permission", "principal", "layerName"),
    ),
    "aws:lambda/permission:Permission": (
        Grant(
            "a function permission",
            targets=("function",),
            principals=("principal", "principalOrgId"),
            sources=(("sourceAccount", "aws:SourceAccount"), ("sourceArn", "aws:SourceArn")),
        ),
    ),
    "aws:lambda/resourcePolicy:ResourcePolicy": (_policy("a function policy", "policy", "resourceArn"),),
    "aws:lightsail/bucket:Bucket": (Grant("a Lightsail bucket", judged_by=_BLOCKS),),
    "aws:lightsail/bucketAccessKey:BucketAccessKey": (
        Grant("a bucket access key", targets=("bucketName",), judged_by="the key's holder"),
    ),
    "aws:lightsail/bucketResourceAccess:BucketResourceAccess": (
        Grant("instance access to a bucket", targets=("bucketName",), judged_by="the instance"),
    ),
    "aws:lightsail/database:Database": (
        Grant("a Lightsail database", public=(("publiclyAccessible", (True, "true")),)),
    ),
    "aws:lightsail/instancePublicPorts:InstancePublicPorts": (
        Grant(
            "public ports of an instance",
            targets=("instanceName",),
            public=(("portInfos[].cidrs", ("0.0.0.0/0",)),),
        ),
    ),
    "aws:lightsail/lb:Lb": (_network("a Lightsail load balancer"),),
    "aws:lightsail/lbAttachment:LbAttachment": (_network("a Lightsail load balancer attachment"),),
    "aws:lightsail/staticIp:StaticIp": (_network("a static IP address"),),
    "aws:lightsail/staticIpAttachment:StaticIpAttachment": (_network("a static IP attachment"),),
    "aws:mediastore/containerPolicy:ContainerPolicy": (
        _policy("a container policy", "policy", "containerName"),
    ),
    "aws:mq/broker:Broker": (Grant("a message broker", public=(("publiclyAccessible", (True, "true")),)),),
    "aws:msk/cluster:Cluster": (
        Grant(
            "a Kafka cluster",
            public=(("brokerNodeGroupInfo.connectivityInfo.publicAccess.type", ("SERVICE_PROVIDED_EIPS",)),),
        ),
    ),
    "aws:msk/clusterPolicy:ClusterPolicy": (_policy("a cluster policy", "policy", "clusterArn"),),
    "aws:msk/vpcConnection:VpcConnection": (_network("a multi-VPC connection"),),
    "aws:neptune/clusterInstance:ClusterInstance": (_network("a cluster instance"),),
    "aws:neptunegraph/graph:Graph": (Grant("a graph", public=(("publicConnectivity", (True, "true")),)),),
    "aws:oam/sinkPolicy:SinkPolicy": (_policy("a monitoring sink policy", "policy", "sinkIdentifier"),),
    "aws:opensearch/authorizeVpcEndpointAccess:AuthorizeVpcEndpointAccess": (
        _principal("VPC endpoint access to a domain", "account", "domainName"),
    ),
    "aws:opensearch/domain:Domain": (_policy("a domain access policy", "accessPolicies"),),
    "aws:opensearch/domainPolicy:DomainPolicy": (
        _policy("a domain access policy", "accessPolicies", "domainName"),
    ),
    "aws:opensearch/serverlessAccessPolicy:ServerlessAccessPolicy": (
        Grant(
            "a collection data access policy",
            targets=("policy.{json}[].Rules[].Resource",),
            principals=("policy.{json}[].Principal",),
        ),
    ),
    "aws:opensearch/serverlessSecurityPolicy:ServerlessSecurityPolicy": (
        Grant(
            "a collection network policy",
            targets=("policy.{json}[].Rules[].Resource",),
            public=(("policy.{json}[].AllowFromPublic", (True,)),),
            when=(("type", ("network",)),),
        ),
    ),
    "aws:opensearch/serverlessVpcEndpoint:ServerlessVpcEndpoint": (_network("a collection VPC endpoint"),),
    "aws:opensearch/vpcEndpoint:VpcEndpoint": (_network("a domain VPC endpoint"),),
    "aws:opensearchingest/pipelineEndpoint:PipelineEndpoint": (_network("a pipeline endpoint"),),
    "aws:opensearchingest/resourcePolicy:ResourcePolicy": (
        _policy("a pipeline policy", "policy", "resourceArn"),
    ),
    "aws:organizations/resourcePolicy:ResourcePolicy": (
        _policy("the organisation's resource policy", "content"),
    ),
    "aws:pinpoint/smsvoicev2ResourcePolicy:Smsvoicev2ResourcePolicy": (
        _policy("an SMS resource policy", "policy", "resourceArn"),
    ),
    **{
        f"aws:quicksight/{name}": (_principal(f"QuickSight {words} permissions", "permissions[].principal"),)
        for name, words in (
            ("analysis:Analysis", "analysis"),
            ("dashboard:Dashboard", "dashboard"),
            ("dataSet:DataSet", "data set"),
            ("dataSource:DataSource", "data source"),
            ("folder:Folder", "folder"),
            ("template:Template", "template"),
            ("theme:Theme", "theme"),
        )
    },
    "aws:quicksight/accountSettings:AccountSettings": (
        Grant("QuickSight account settings", targets=(), judged_by="the per-asset permissions"),
    ),
    "aws:ram/permission:Permission": (
        Grant("a RAM permission", targets=(), judged_by="the shares that use it"),
    ),
    "aws:ram/principalAssociation:PrincipalAssociation": (
        _principal("a resource share with a principal", "principal", "resourceShareArn"),
    ),
    "aws:ram/resourceShare:ResourceShare": (
        Grant(
            "a resource share",
            public=(("allowExternalPrincipals", (True, "true")),),
            judged_by="its principals",
            public_as="principals outside the organisation (allowExternalPrincipals)",
        ),
    ),
    "aws:ram/resourceShareAccepter:ResourceShareAccepter": (
        Grant("an accepted share", targets=("shareArn",), judged_by="the sharing account"),
    ),
    "aws:ram/resourceShareAssociationsExclusive:ResourceShareAssociationsExclusive": (
        _principal("a resource share's associations", "principals", "resourceArns"),
    ),
    "aws:ram/sharingWithOrganization:SharingWithOrganization": (
        Grant("sharing with the organisation", targets=(), judged_by="the shares"),
    ),
    "aws:rds/clusterInstance:ClusterInstance": (_network("a cluster instance"),),
    "aws:rds/proxy:Proxy": (_network("a database proxy"),),
    "aws:rds/proxyEndpoint:ProxyEndpoint": (_network("a proxy endpoint"),),
    "aws:redshift/endpointAccess:EndpointAccess": (
        _principal("a cluster endpoint", "resourceOwner", "clusterIdentifier"),
    ),
    "aws:redshift/endpointAuthorization:EndpointAuthorization": (
        _principal("an endpoint authorisation", "account", "clusterIdentifier"),
    ),
    "aws:redshift/namespaceRegistration:NamespaceRegistration": (
        _principal(
            "a namespace registration",
            "consumerIdentifier",
            "provisionedClusterIdentifier",
            "serverlessNamespaceIdentifier",
        ),
    ),
    "aws:redshift/resourcePolicy:ResourcePolicy": (
        _policy("a Redshift resource policy", "policy", "resourceArn"),
    ),
    "aws:redshift/snapshotCopyGrant:SnapshotCopyGrant": (
        Grant("a snapshot copy grant", targets=("kmsKeyId",), judged_by="the snapshot copy"),
    ),
    "aws:redshiftserverless/endpointAccess:EndpointAccess": (
        _principal("a workgroup endpoint", "ownerAccount", "workgroupName"),
    ),
    "aws:redshiftserverless/resourcePolicy:ResourcePolicy": (
        _policy("a snapshot policy", "policy", "resourceArn"),
    ),
    "aws:redshiftserverless/workgroup:Workgroup": (
        Grant("a workgroup", targets=("namespaceName",), public=(("publiclyAccessible", (True, "true")),)),
    ),
    "aws:s3/accessPoint:AccessPoint": (_policy("an access point policy", "policy", "bucket"),),
    "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock": (
        Grant("the account's public access block", targets=(), judged_by=_BLOCKS),
    ),
    "aws:s3/bucketAcl:BucketAcl": (
        Grant(
            "a bucket ACL",
            targets=("bucket",),
            principals=(
                "accessControlPolicy.grants[].grantee.id",
                "accessControlPolicy.grants[].grantee.uri",
            ),
            public=(("acl", _PUBLIC_ACLS),),
        ),
    ),
    "aws:s3/bucketAclV2:BucketAclV2": (
        Grant(
            "a bucket ACL",
            targets=("bucket",),
            principals=(
                "accessControlPolicy.grants[].grantee.id",
                "accessControlPolicy.grants[].grantee.uri",
            ),
            public=(("acl", _PUBLIC_ACLS),),
        ),
    ),
    "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration": (
        Grant(
            "a bucket's CORS rules", targets=("bucket",), judged_by="the bucket policy (CORS admits no one)"
        ),
    ),
    "aws:s3/bucketCorsConfigurationV2:BucketCorsConfigurationV2": (
        Grant(
            "a bucket's CORS rules", targets=("bucket",), judged_by="the bucket policy (CORS admits no one)"
        ),
    ),
    "aws:s3/bucketObject:BucketObject": (
        Grant("an object ACL", targets=("bucket",), public=(("acl", _PUBLIC_ACLS),)),
    ),
    "aws:s3/bucketObjectv2:BucketObjectv2": (
        Grant("an object ACL", targets=("bucket",), public=(("acl", _PUBLIC_ACLS),)),
    ),
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": (
        Grant("bucket ownership controls", targets=("bucket",), judged_by="the bucket's ACLs"),
    ),
    "aws:s3/bucketPolicy:BucketPolicy": (_policy("a bucket policy", "policy", "bucket"),),
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": (
        Grant("a bucket's public access block", targets=("bucket",), judged_by=_BLOCKS),
    ),
    "aws:s3/bucketWebsiteConfiguration:BucketWebsiteConfiguration": (
        Grant("a bucket website", targets=("bucket",), judged_by="the bucket policy and public access block"),
    ),
    "aws:s3/bucketWebsiteConfigurationV2:BucketWebsiteConfigurationV2": (
        Grant("a bucket website", targets=("bucket",), judged_by="the bucket policy and public access block"),
    ),
    "aws:s3/filesAccessPoint:FilesAccessPoint": (_network("an S3 Files access point"),),
    "aws:s3/filesFileSystemPolicy:FilesFileSystemPolicy": (
        _policy("a file system policy", "policy", "fileSystemId"),
    ),
    "aws:s3/filesMountTarget:FilesMountTarget": (_network("an S3 Files mount target"),),
    "aws:s3/vectorsVectorBucketPolicy:VectorsVectorBucketPolicy": (
        _policy("a vector bucket policy", "policy", "vectorBucketArn"),
    ),
    "aws:s3control/accessGrant:AccessGrant": (
        _principal("an S3 access grant", "grantee.granteeIdentifier", "accessGrantsLocationId"),
    ),
    "aws:s3control/accessGrantsInstanceResourcePolicy:AccessGrantsInstanceResourcePolicy": (
        _policy("an access grants policy", "policy"),
    ),
    "aws:s3control/accessGrantsLocation:AccessGrantsLocation": (
        Grant("an access grants location", targets=("locationScope",), judged_by="its grants"),
    ),
    "aws:s3control/accessPointPolicy:AccessPointPolicy": (
        _policy("an access point policy", "policy", "accessPointArn"),
    ),
    "aws:s3control/bucketPolicy:BucketPolicy": (_policy("an Outposts bucket policy", "policy", "bucket"),),
    "aws:s3control/directoryBucketAccessPointScope:DirectoryBucketAccessPointScope": (
        Grant("an access point scope", targets=(), judged_by="the access point's policy"),
    ),
    "aws:s3control/multiRegionAccessPointPolicy:MultiRegionAccessPointPolicy": (
        _policy("a multi-region access point policy", "details.policy", "details.name"),
    ),
    "aws:s3control/objectLambdaAccessPoint:ObjectLambdaAccessPoint": (
        Grant(
            "an Object Lambda access point",
            targets=("configuration.supportingAccessPoint",),
            judged_by="its policy",
        ),
    ),
    "aws:s3control/objectLambdaAccessPointPolicy:ObjectLambdaAccessPointPolicy": (
        _policy("an Object Lambda access point policy", "policy", "name"),
    ),
    "aws:s3tables/tableBucketPolicy:TableBucketPolicy": (
        _policy("a table bucket policy", "resourcePolicy", "tableBucketArn"),
    ),
    "aws:s3tables/tablePolicy:TablePolicy": (_policy("a table policy", "resourcePolicy", "tableBucketArn"),),
    "aws:sagemaker/modelPackageGroupPolicy:ModelPackageGroupPolicy": (
        _policy("a model package group policy", "resourcePolicy", "modelPackageGroupName"),
    ),
    "aws:sagemaker/workforce:Workforce": (
        Grant("a labelling workforce", targets=(), judged_by="its work teams"),
    ),
    "aws:sagemaker/workteam:Workteam": (
        Grant("a labelling work team", targets=(), judged_by="the labelling jobs"),
    ),
    "aws:secretsmanager/secretPolicy:SecretPolicy": (_policy("a secret policy", "policy", "secretArn"),),
    "aws:securitylake/subscriber:Subscriber": (
        _principal("a Security Lake subscriber", "subscriberIdentity.principal", "sources.**"),
    ),
    "aws:securitylake/subscriberNotification:SubscriberNotification": (
        Grant("a subscriber notification", targets=("subscriberId",), judged_by="the subscriber"),
    ),
    "aws:ses/identityPolicy:IdentityPolicy": (
        _policy("a sending authorisation policy", "policy", "identity"),
    ),
    "aws:sesv2/emailIdentityPolicy:EmailIdentityPolicy": (
        _policy("a sending authorisation policy", "policy", "emailIdentity"),
    ),
    "aws:shield/drtAccessLogBucketAssociation:DrtAccessLogBucketAssociation": (
        Grant("the Shield Response Team's access to log buckets", targets=("logBucket",), principals=()),
    ),
    "aws:sns/topic:Topic": (_policy("a topic policy", "policy"),),
    "aws:sns/topicPolicy:TopicPolicy": (_policy("a topic policy", "policy", "arn"),),
    "aws:sqs/queue:Queue": (_policy("a queue policy", "policy"),),
    "aws:sqs/queuePolicy:QueuePolicy": (_policy("a queue policy", "policy", "queueUrl"),),
    "aws:ssoadmin/customerManagedPolicyAttachment:CustomerManagedPolicyAttachment": (
        _permission_set("a permission set's customer managed policy"),
    ),
    "aws:ssoadmin/customerManagedPolicyAttachmentsExclusive:CustomerManagedPolicyAttachmentsExclusive": (
        _permission_set("a permission set's customer managed policies"),
    ),
    "aws:ssoadmin/managedPolicyAttachment:ManagedPolicyAttachment": (
        _permission_set("a permission set's managed policy", "managedPolicyArn"),
    ),
    "aws:ssoadmin/managedPolicyAttachmentsExclusive:ManagedPolicyAttachmentsExclusive": (
        _permission_set("a permission set's managed policies", "managedPolicyArns"),
    ),
    "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy": (
        _permission_set("a permission set's inline policy", "inlinePolicy.{json}.Statement[].Resource"),
    ),
    "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy": (
        Grant(
            "a redrive allow policy",
            targets=("queueUrl",),
            principals=("redriveAllowPolicy.{json}.sourceQueueArns",),
        ),
    ),
    "aws:timestreaminfluxdb/dbCluster:DbCluster": (
        Grant("an InfluxDB cluster", public=(("publiclyAccessible", (True, "true")),)),
    ),
    "aws:timestreaminfluxdb/dbInstance:DbInstance": (
        Grant("an InfluxDB instance", public=(("publiclyAccessible", (True, "true")),)),
    ),
    "aws:transfer/access:Access": (
        Grant(
            "a Transfer Family access",
            targets=("homeDirectory", "homeDirectoryMappings[].target"),
            judged_by="the server's endpoint",
        ),
    ),
    "aws:transfer/server:Server": (
        Grant(
            "a Transfer Family server",
            targets=(),
            public=(("endpointType", ("PUBLIC",)),),
            judged_by="its users' home directories",
        ),
    ),
    "aws:transfer/user:User": (
        Grant(
            "a Transfer Family user",
            targets=("homeDirectory", "homeDirectoryMappings[].target"),
            judged_by="the server's endpoint",
        ),
    ),
    "aws:transfer/webApp:WebApp": (
        Grant("a Transfer Family web app", targets=(), judged_by="its access grants"),
    ),
    "aws:verifiedaccess/endpoint:Endpoint": (_network("a Verified Access endpoint"),),
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": (_network("an egress rule"),),
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": (_network("an ingress rule"),),
    "aws:vpc/securityGroupVpcAssociation:SecurityGroupVpcAssociation": (
        _network("a security group association"),
    ),
    "aws:vpclattice/authPolicy:AuthPolicy": (
        _policy("a Lattice auth policy", "policy", "resourceIdentifier"),
    ),
    "aws:vpclattice/resourceConfiguration:ResourceConfiguration": (
        Grant(
            "a Lattice resource configuration",
            targets=("resourceConfigurationDefinition.**",),
            judged_by="the service networks it is associated with",
        ),
    ),
    "aws:vpclattice/targetGroupAttachment:TargetGroupAttachment": (_network("a VPC Lattice target"),),
    "aws:vpclattice/resourcePolicy:ResourcePolicy": (
        _policy("a Lattice resource policy", "policy", "resourceArn"),
    ),
    "aws:vpclattice/serviceNetworkResourceAssociation:ServiceNetworkResourceAssociation": (
        _network("a resource in a service network"),
    ),
    "aws:vpclattice/serviceNetworkServiceAssociation:ServiceNetworkServiceAssociation": (
        _network("a service in a service network"),
    ),
    "aws:vpclattice/serviceNetworkVpcAssociation:ServiceNetworkVpcAssociation": (
        _network("a VPC in a service network"),
    ),
    "core:Service": (_network("a Kubernetes Service"),),
    "elbv2.k8s.aws:TargetGroupBinding": (_network("a load balancer target group binding"),),
    "extensions:Ingress": (_network("a Kubernetes Ingress"),),
    "extensions:NetworkPolicy": (_network("a Kubernetes NetworkPolicy"),),
    "networking.k8s.io:Ingress": (_network("a Kubernetes Ingress"),),
    "gateway.networking.k8s.io:Gateway": (_network("a Gateway API gateway"),),
    **{
        f"gateway.networking.k8s.io:{kind}": (_network("a Gateway API route"),)
        for kind in ("HTTPRoute", "GRPCRoute", "TCPRoute", "TLSRoute", "UDPRoute")
    },
    "aga.k8s.aws:GlobalAccelerator": (_network("an accelerator of the AWS Load Balancer Controller"),),
    # What a restore recreates is judged by pii-not-public on the transforms that rewrite its publishers.
    "config.kio.kasten.io:TransformSet": (
        _network("a Kasten transform set of the objects restores recreate"),
    ),
    "networking.k8s.io:NetworkPolicy": (_network("a Kubernetes NetworkPolicy"),),
    "multicluster.x-k8s.io:ServiceExport": (
        Grant("a Multi-Cluster Services export", targets=(), judged_by=_MULTICLUSTER),
    ),
    "skupper.io:Connector": (Grant("a Skupper connector", targets=(), judged_by=_MULTICLUSTER),),
    "networking.istio.io:Gateway": (
        Grant(
            "an Istio gateway (east-west: to the mesh's other clusters)", targets=(), judged_by=_MULTICLUSTER
        ),
    ),
    **{
        f"postgresql.cnpg.io:{kind}": (
            Grant(
                "the Services CloudNativePG creates from its templates",
                targets=(),
                judged_by="pii-not-public, as Services publishing the cluster "
                "(residency_policies/exposure_operators.py)",
            ),
        )
        for kind in ("Cluster", "Pooler")
    },
    "kafka.strimzi.io:Kafka": (
        Grant(
            "the Services and routes Strimzi makes of a Kafka cluster's listeners",
            targets=(),
            judged_by="pii-not-public, as Services publishing the brokers "
            "(residency_policies/exposure_operators.py)",
        ),
    ),
    **{
        f"rbac.authorization.k8s.io:{kind}": (
            Grant(
                "an RBAC binding",
                targets=(),
                judged_by="pii-not-public, for a binding that anonymous requests pass "
                "(residency_policies/exposure_cluster_api.py)",
            ),
        )
        for kind in ("ClusterRoleBinding", "RoleBinding")
    },
    **{
        f"admissionregistration.k8s.io:{kind}": (
            Grant("an admission webhook", targets=(), judged_by=_CLUSTER_ACCESS),
        )
        for kind in ("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration")
    },
}
"""Every type the triage table places under grants, and what it grants to whom, in wire names."""

MESH_HOST_ALIASES: dict[str, str] = {"networking.istio.io:ServiceEntry": "spec.hosts[]"}
"""Kinds that give a service mesh a host name (`archive.ns.internal`) for where they point: code that names
one of those hosts sends to what the kind points at (`POINTERS`), as code naming an ExternalName Service's
cluster-local name does (istio.io/latest/docs/reference/config/networking/service-entry/)."""

SERVED_FROM: dict[str, tuple[str, ...]] = {
    "aws:s3/accessPoint:AccessPoint": ("bucket",),
    "aws:s3control/objectLambdaAccessPoint:ObjectLambdaAccessPoint": (
        "configuration.supportingAccessPoint",
        "configuration.transformationConfigurations[].contentTransformation.awsLambda.functionArn",
    ),
    "aws:s3control/multiRegionAccessPoint:MultiRegionAccessPoint": ("details.regions[].bucket",),
    "aws:s3control/accessGrantsLocation:AccessGrantsLocation": ("locationScope",),
    "aws:s3control/accessGrantsInstanceResourcePolicy:AccessGrantsInstanceResourcePolicy": (),
    "aws:kinesis/streamConsumer:StreamConsumer": ("streamArn",),
    "aws:apigateway/restApi:RestApi": (_API_BODY_ROLES,),
    "aws:apigateway/restApiPut:RestApiPut": (_API_BODY_ROLES,),
    # A VPC Lattice service network serves what its services (and resource configurations) serve, a service
    # what its listeners and rules forward to, a target group what its targets serve: a function target
    # what its code reads (reviewer blind-access15 a11b).
    "aws:vpclattice/serviceNetworkServiceAssociation:ServiceNetworkServiceAssociation": (
        "serviceIdentifier",
    ),
    "aws:vpclattice/serviceNetworkResourceAssociation:ServiceNetworkResourceAssociation": (
        "resourceConfigurationIdentifier",
    ),
    "aws:vpclattice/listener:Listener": ("defaultAction.forwards[].targetGroups[].targetGroupIdentifier",),
    "aws:vpclattice/listenerRule:ListenerRule": ("action.forward.targetGroups[].targetGroupIdentifier",),
    "aws:vpclattice/targetGroupAttachment:TargetGroupAttachment": ("target.id",),
}
"""What a grant on something that serves data held elsewhere opens (`grants._served`): an access point serves
its bucket, an Object Lambda access point its supporting access point (and what its transform function
reads), an access grants location its scope, an enhanced fan-out consumer its stream. A grant on X that
serves Y is a grant on Y, followed to the holder; a path that names nothing the stack can trace is
untraceable (fails closed in a stack that holds PII). Types served through other resources that name them:
an access grants instance's policy through the instance's locations, a REST API through its integrations
(`SERVED_THROUGH`)."""

SERVED_BY_SOURCES = frozenset({"aws:ram/resourceAssociation:ResourceAssociation"})
"""Copies that serve what lineage traces as their sources: a resource share's association serves what it
shares (the holders a shared subnet hosts, nothing for a network connector, what a resource configuration
points at, a service network), each followed further as any served target (`SERVED_THROUGH`)."""

SERVED_THROUGH: dict[str, tuple[tuple[str, str], ...]] = {
    "aws:s3control/accessGrantsInstanceResourcePolicy:AccessGrantsInstanceResourcePolicy": (
        ("aws:s3control/accessGrantsLocation:AccessGrantsLocation", ""),
    ),
    "aws:apigateway/restApi:RestApi": (
        ("aws:apigateway/integration:Integration", "restApi"),
        ("aws:apigateway/restApiPut:RestApiPut", "restApiId"),
    ),
    "aws:ram/resourceShare:ResourceShare": (
        ("aws:ram/resourceAssociation:ResourceAssociation", "resourceShareArn"),
    ),
    "aws:vpclattice/serviceNetwork:ServiceNetwork": (
        (
            "aws:vpclattice/serviceNetworkServiceAssociation:ServiceNetworkServiceAssociation",
            "serviceNetworkIdentifier",
        ),
        (
            "aws:vpclattice/serviceNetworkResourceAssociation:ServiceNetworkResourceAssociation",
            "serviceNetworkIdentifier",
        ),
    ),
    "aws:vpclattice/service:Service": (
        ("aws:vpclattice/listener:Listener", "serviceIdentifier"),
        ("aws:vpclattice/listener:Listener", "serviceArn"),
        ("aws:vpclattice/listenerRule:ListenerRule", "serviceIdentifier"),
    ),
    "aws:vpclattice/targetGroup:TargetGroup": (
        ("aws:vpclattice/targetGroupAttachment:TargetGroupAttachment", "targetGroupIdentifier"),
    ),
}
"""(type, path naming the served resource): the resources through which a type serves data, each judged as
what it serves. An account has one access grants instance per region, which names no location: its policy
serves every location of the stack in its region and account (path empty)."""


_REGION = r"(?P<region>[a-z]{2}(?:-[a-z]+)+-\d+)"
_LABEL = r"(?P<name>[a-z][a-z0-9-]*)"
ENDPOINT_HOSTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        # An instance `<id>.<hash>.<region>.rds...`, a cluster's `<id>.cluster-[ro-|custom-]<hash>...`, a
        # proxy's `<name>.proxy-<hash>...` and a proxy endpoint's `<name>.endpoint.proxy-<hash>...`.
        _LABEL
        + r"\.(?:endpoint\.)?(?:cluster-(?:ro-|custom-)?|proxy-)?[a-z0-9]+\."
        + _REGION
        + r"\.rds\.amazonaws\.com",
        (
            "aws:rds/instance:Instance",
            "aws:rds/clusterInstance:ClusterInstance",
            "aws:rds/cluster:Cluster",
            "aws:rds/clusterEndpoint:ClusterEndpoint",
            "aws:rds/proxy:Proxy",
            "aws:rds/proxyEndpoint:ProxyEndpoint",
        ),
    ),
    (
        _LABEL + r"\.(?:cluster-(?:ro-)?)?[a-z0-9]+\." + _REGION + r"\.docdb\.amazonaws\.com",
        ("aws:docdb/cluster:Cluster", "aws:docdb/clusterInstance:ClusterInstance"),
    ),
    (
        _LABEL + r"\.(?:cluster-(?:ro-|custom-)?)?[a-z0-9]+\." + _REGION + r"\.neptune\.amazonaws\.com",
        (
            "aws:neptune/cluster:Cluster",
            "aws:neptune/clusterInstance:ClusterInstance",
            "aws:neptune/clusterEndpoint:ClusterEndpoint",
        ),
    ),
    (_LABEL + r"\.[a-z0-9]+\." + _REGION + r"\.redshift\.amazonaws\.com", ("aws:redshift/cluster:Cluster",)),
    (
        _LABEL + r"\.[0-9]{12}\." + _REGION + r"\.redshift-serverless\.amazonaws\.com",
        ("aws:redshiftserverless/workgroup:Workgroup",),
    ),
    (
        r"(?:search|vpc)-" + _LABEL + r"-[a-z0-9]+\." + _REGION + r"\.es\.amazonaws\.com",
        ("aws:opensearch/domain:Domain", "aws:elasticsearch/domain:Domain"),
    ),
    (
        r"clustercfg\." + _LABEL + r"\.[a-z0-9]+\.memorydb\." + _REGION + r"\.amazonaws\.com",
        ("aws:memorydb/cluster:Cluster",),
    ),
    (
        r"b-\d+(?:-public)?\."
        + _LABEL
        + r"\.[a-z0-9]+\.c\d+\.kafka(?:-serverless)?\."
        + _REGION
        + r"\.amazonaws\.com",
        ("aws:msk/cluster:Cluster", "aws:msk/serverlessCluster:ServerlessCluster"),
    ),
)
"""Endpoint hosts AWS generates from the identifier the user chose and the region (a pattern whose `name`
and `region` groups say which, and the types whose identifier it is): a host written by hand in code or
configuration names the stack's holder with that identifier in that region, known at a first preview when
the holder's address is not (ElastiCache's hosts abbreviate the region, `euw1`, and are not read)."""


POINTERS: dict[str, tuple[str, ...]] = {
    "aws:dms/endpoint:Endpoint": (
        "serverName",
        "kinesisSettings.streamArn",
        "kafkaSettings.broker",
        "elasticsearchSettings.endpointUri",
        "redshiftSettings.bucketName",
        "redisSettings.serverName",
    ),
    "aws:dms/s3Endpoint:S3Endpoint": ("bucketName",),
    "aws:dms/dataProvider:DataProvider": ("settings.**",),
    "aws:datasync/s3Location:S3Location": ("s3BucketArn",),
    # Its consumers (the service networks it is associated with, the accounts it is shared with) reach the
    # resource it defines: a database by ARN, an address, a domain name.
    "aws:vpclattice/resourceConfiguration:ResourceConfiguration": ("resourceConfigurationDefinition.**",),
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
    "aws:cloudwatch/eventApiDestination:EventApiDestination": ("invocationEndpoint",),
    "aws:cloudwatch/eventConnection:EventConnection": ("invocationConnectivityParameters.**",),
    "aws:appflow/connectorProfile:ConnectorProfile": ("connectorProfileConfig.**",),
    "aws:appsync/dataSource:DataSource": (
        "dynamodbConfig.tableName",
        "relationalDatabaseConfig.httpEndpointConfig.dbClusterIdentifier",
        "elasticsearchConfig.endpoint",
        "opensearchserviceConfig.endpoint",
        "httpConfig.endpoint",
        "lambdaConfig.functionArn",
        "eventBridgeConfig.eventBusArn",
    ),
    "aws:athena/dataCatalog:DataCatalog": ("parameters.*",),
    "aws:athena/database:Database": ("bucket",),
    "aws:ec2/trafficMirrorTarget:TrafficMirrorTarget": (
        "networkInterfaceId",
        "networkLoadBalancerArn",
        "gatewayLoadBalancerEndpointId",
    ),
    "aws:glue/catalog:Catalog": ("**",),
    "aws:glue/catalogDatabase:CatalogDatabase": ("locationUri", "targetDatabase.**", "federatedDatabase.**"),
    "aws:glue/catalogTable:CatalogTable": (
        "storageDescriptor.location",
        "storageDescriptor.additionalLocations",
        "targetTable.**",
    ),
    "aws:glue/connection:Connection": ("connectionProperties.*", "athenaProperties.*"),
    "aws:glue/partition:Partition": ("storageDescriptor.location",),
    _CONFIGURED_TABLE: ("tableReference.**",),
    "aws:iot/topicRuleDestination:TopicRuleDestination": ("vpcConfiguration.**",),
    "aws:lakeformation/resource:Resource": ("arn",),
    "aws:quicksight/dataSource:DataSource": ("parameters.**",),
    "aws:rds/clusterEndpoint:ClusterEndpoint": ("clusterIdentifier",),
    "aws:rds/proxyTarget:ProxyTarget": ("dbInstanceIdentifier", "dbClusterIdentifier"),
    "core:Endpoints": ("subsets[].addresses[].ip", "subsets[].addresses[].hostname"),
    "networking.istio.io:ServiceEntry": ("spec.endpoints[].address",),
    "discovery.k8s.io:EndpointSlice": ("endpoints[].addresses", "endpoints[].hostname"),
    "velero.io:BackupStorageLocation": (
        "spec.objectStorage.bucket",
        "spec.config.region",
        "spec.config.s3Url",
    ),
    "velero.io:VolumeSnapshotLocation": ("spec.config.region",),
    # What an agent, a flow or code sends through a guardrail or an application inference profile is served
    # where the profile it was made with routes (`residency_policies/lineage_profiles.py`).
    "aws:bedrock/guardrail:Guardrail": ("crossRegionConfig.guardrailProfileIdentifier",),
    "aws:bedrock/guardrailVersion:GuardrailVersion": ("guardrailArn",),
    "aws:bedrock/inferenceProfile:InferenceProfile": ("modelSource.copyFrom",),
    **OPERATOR_POINTERS,
}
"""Every type the triage table places under points: the paths naming the data it points at, which lineage
follows whatever the pointer's own tags say."""

READ_WHERE_DECLARED: dict[str, str] = {
    "aws:quicksight/dataSource:DataSource": "QuickSight queries it directly and imports it (SPICE) there",
    "aws:glue/catalog:Catalog": "Athena, Redshift Spectrum and EMR query the catalog's tables there",
    "aws:glue/catalogDatabase:CatalogDatabase": "the engines of its region query its tables there",
    "aws:glue/catalogTable:CatalogTable": "Athena, Redshift Spectrum and EMR query it there",
    "aws:glue/partition:Partition": "the engines of its region query it there",
    "aws:glue/connection:Connection": "Glue jobs, crawlers and federated queries connect through it there",
    "aws:athena/dataCatalog:DataCatalog": "Athena queries the catalog it names there",
    "aws:athena/database:Database": "Athena writes the results of its queries from there",
    "aws:appsync/dataSource:DataSource": "AppSync resolves its API's requests against it from there",
    "aws:lakeformation/resource:Resource": "Lake Formation vends the location to the engines of its region",
}
"""Pointers that services of their own region read through directly (queries, dashboards, resolvers), each
with what reads it: declared in another region than the data they point at, they take it there
(`residency_policies/lineage_pointers.py`). The other pointers (DataSync locations, DMS endpoints, AppFlow
profiles, EventBridge connections, log destinations, ...) are read only by the copies that name them, which
are judged themselves."""

_QUICKSIGHT_TYPES = (
    "accountSettings:AccountSettings accountSubscription:AccountSubscription analysis:Analysis "
    "customPermissions:CustomPermissions dashboard:Dashboard dataSet:DataSet dataSource:DataSource "
    "folder:Folder folderMembership:FolderMembership group:Group groupMembership:GroupMembership "
    "iamPolicyAssignment:IamPolicyAssignment ingestion:Ingestion ipRestriction:IpRestriction "
    "keyRegistration:KeyRegistration namespace:Namespace refreshSchedule:RefreshSchedule "
    "roleCustomPermission:RoleCustomPermission roleMembership:RoleMembership template:Template "
    "templateAlias:TemplateAlias theme:Theme user:User userCustomPermission:UserCustomPermission "
    "vpcConnection:VpcConnection"
)

DECLARED_IN_ACCOUNT: dict[str, str] = {
    **{
        f"aws:glue/{name}": "catalogId"
        for name in (
            "catalogDatabase:CatalogDatabase",
            "catalogTable:CatalogTable",
            "partition:Partition",
            "connection:Connection",
            "partitionIndex:PartitionIndex",
            "userDefinedFunction:UserDefinedFunction",
            "catalogTableOptimizer:CatalogTableOptimizer",
            "dataCatalogEncryptionSettings:DataCatalogEncryptionSettings",
        )
    },
    **{f"aws:quicksight/{name}": "awsAccountId" for name in _QUICKSIGHT_TYPES.split()},
}
"""Types created in the account an input names rather than in their provider's (reviewer blind-data15 a04):
a Glue catalog entry in the Data Catalog `catalogId` names (another account's, where its resource policy
allows it), a QuickSight resource in the account `awsAccountId` names. That account owns the entry, its
engines read through it, and it keeps what they read: the entry is in that account for every rule. Unset,
the provider's account; a literal, that account (one of the deployment's when listed in `accountIds`);
computed from other resources, theirs; else untraceable."""

REVIEWED_ACCOUNT_INPUTS: dict[str, str] = {
    "aws:lakeformation/dataLakeSettings:DataLakeSettings": "the settings of that account's lake",
    "aws:lakeformation/identityCenterConfiguration:IdentityCenterConfiguration": "that catalog's sign-in",
    "aws:lakeformation/lfTag:LfTag": "a tag of that catalog, judged by the permissions on it",
    "aws:lakeformation/lfTagExpression:LfTagExpression": "a tag expression of that catalog",
    "aws:lakeformation/permissions:Permissions": "the catalog the granted resources are in, judged as a "
    "grant of them to its principal",
    "aws:lakeformation/resourceLfTag:ResourceLfTag": "the catalog of the tagged resource",
    "aws:lakeformation/resourceLfTags:ResourceLfTags": "the catalog of the tagged resource",
}
"""Types whose `catalogId` or `awsAccountId` input names an account without placing the resource there."""

PUBLIC_ENDPOINT_POINTERS: dict[str, str] = {
    "aws:cloudwatch/eventConnection:EventConnection": "invocationConnectivityParameters",
}
"""Pointers at HTTP endpoints on the internet unless the path names a private resource: code or a service
given one (a state machine's HTTP task, an API destination) can send what it reads outside AWS."""


class NestedRegion(NamedTuple):
    """A field inside a data holder's own configuration that sends its data, or keeps it, in a region: a
    region name, an availability zone, or an ARN (or a reference to a resource) whose region counts."""

    path: str
    does: str
    """What the holder does there, in words ("sends its SMS messages (phone numbers, codes) through SNS")."""


HOLDER_REGIONS: dict[str, tuple[NestedRegion, ...]] = {
    "aws:cognito/userPool:UserPool": (
        NestedRegion(
            "smsConfiguration.snsRegion", "sends its SMS messages (phone numbers, codes) through Amazon SNS"
        ),
        NestedRegion(
            "emailConfiguration.sourceArn",
            "sends its e-mail (addresses, codes) from the Amazon SES identity this ARN names",
        ),
        NestedRegion("lambdaConfig.**", "passes its users' attributes to the Lambda triggers"),
    ),
    "aws:securitylake/dataLake:DataLake": (
        NestedRegion("configuration[].region", "keeps its lake (users' activity logs)"),
    ),
}
"""The region-bearing fields nested in data holders' own configuration that pii-in-jurisdiction judges
beside the holder's own region (a value elsewhere, or unknown at preview, is a violation). Fields that copy
the data away are copy mechanisms' destination regions instead; `tests/policies/test_triage.py` fails on a
region-bearing field of a data holder that neither lists nor `REVIEWED_HOLDER_REGION_FIELDS` explains."""

REVIEWED_HOLDER_REGION_FIELDS: dict[str, str] = {
    **{
        f"{token} {path}": "an availability zone the instances, nodes or replicas are placed in: AWS accepts "
        "only a zone of the resource's own region, which pii-in-jurisdiction judges"
        for token, path in (
            ("aws:ec2/fleet:Fleet", "launchTemplateConfigs.overrides.availabilityZone"),
            ("aws:ec2/fleet:Fleet", "onDemandOptions.singleAvailabilityZone"),
            ("aws:ec2/fleet:Fleet", "spotOptions.singleAvailabilityZone"),
            ("aws:ec2/launchTemplate:LaunchTemplate", "placement.availabilityZone"),
            ("aws:ec2/spotFleetRequest:SpotFleetRequest", "launchSpecifications.availabilityZone"),
            ("aws:ec2/spotFleetRequest:SpotFleetRequest", "launchTemplateConfigs.overrides.availabilityZone"),
            (
                "aws:elasticache/replicationGroup:ReplicationGroup",
                "nodeGroupConfigurations.primaryAvailabilityZone",
            ),
        )
    },
    **{
        f"{token} {path}": "a time zone (of a maintenance window or of S3 key prefixes), not a region"
        for token, path in (
            (
                "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
                "extendedS3Configuration.customTimeZone",
            ),
            ("aws:mq/broker:Broker", "maintenanceWindowStartTime.timeZone"),
            ("aws:timestreaminfluxdb/dbCluster:DbCluster", "maintenanceSchedule.timezone"),
            ("aws:timestreaminfluxdb/dbInstance:DbInstance", "maintenanceSchedule.timezone"),
        )
    },
    "aws:identitystore/user:User addresses.region": "a user's postal address (its region, a state or "
    "province), not an AWS region",
    "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream "
    "extendedS3Configuration.dataFormatConversionConfiguration.schemaConfiguration.region": "the region of "
    "the Glue table whose schema the stream reads to convert records; records are not sent there",
    "aws:odb/autonomousDatabase:AutonomousDatabase sourceConfiguration.crossRegionDataGuard": "the block "
    "that makes the database a cross-region Data Guard standby of the database its ARN names: a copy "
    "mechanism's source, in the source's region",
    "aws:odb/autonomousDatabase:AutonomousDatabase sourceConfiguration.crossRegionDisasterRecovery": "the "
    "block that makes the database a disaster recovery peer of the database its ARN names: a copy "
    "mechanism's source, in the source's region",
}
"""Region-bearing fields of data holders that are not judged as a region the data goes to, each with why."""

NESTED_PLACE = r"(Region|[bB]ucket|[bB]ucketName|[bB]ucketArn|Url|Uri|[eE]ndpoint|[cC]onnectionString|Arn)$"
"""How a nested input field that names a place is spelled (a region, an ARN, a bucket, a URL or URI, an
endpoint, a connection string): in a data holder, or in a satellite that configures one by its id, ARN or
name (a user pool client's `userPoolId`), such a field may send the holder's data there. Roles, keys,
certificates and secrets (`roleArn`, `kmsKeyArn`, `certificateArn`, `credentialsSecretArn`) are not places."""

NOT_A_PLACE = (
    r"(?i)^(\w*kms\w*|\w*certificate\w*|\w*secrets?\w*Arn|\w*(?<!log)GroupArn|"
    r"\w*(role|key|caller|user|principal|profile|license|licenseConfiguration|model|image|imageVersion|"
    r"lifecycleConfig|gsr)Arn)$"
)
"""Nested fields the NESTED_PLACE spelling matches that name who acts (a role, a user, a principal), what
protects (a key, a certificate, a secret) or what runs (a model, an image, a licence, a resource group of
hosts), not where data goes."""

REVIEWED_NESTED_PLACES: dict[str, str] = {
    **{
        f"{token} {path}": "an instance metadata switch (`enabled` / `disabled`), not a place"
        for token in (
            "aws:ec2/instance:Instance",
            "aws:ec2/launchConfiguration:LaunchConfiguration",
            "aws:ec2/launchTemplate:LaunchTemplate",
            "aws:ec2/spotInstanceRequest:SpotInstanceRequest",
        )
        for path in ("metadataOptions.httpEndpoint",)
    },
    **{
        f"{token} domainEndpointOptions.customEndpoint": "the domain's own custom host name (a DNS name for "
        "its endpoint), not where its data goes"
        for token in ("aws:elasticsearch/domain:Domain", "aws:opensearch/domain:Domain")
    },
    "aws:opensearch/domain:Domain advancedSecurityOptions.jwtOptions.jwksUrl": "where the domain fetches "
    "the public keys that verify callers' tokens; it sends no data there",
    **{
        f"{token} logDeliveryConfiguration.s3Configuration.bucketName": "the InfluxDB engine's own logs "
        "(its operations, not the series it stores)"
        for token in (
            "aws:timestreaminfluxdb/dbCluster:DbCluster",
            "aws:timestreaminfluxdb/dbInstance:DbInstance",
        )
    },
    "aws:msk/cluster:Cluster loggingInfo.brokerLogs.s3.bucket": "the brokers' own logs (their operations, "
    "not the topics' records)",
    "aws:msk/channel:Channel loggingInfo.s3.bucket": "the channel's own delivery logs (errors and progress, "
    "not the records)",
    "aws:s3/bucket:Bucket logging.targetBucket": "server access logs (requests: keys, callers, times), "
    "not the objects; the target bucket is judged as a holder of its own",
    "aws:s3/bucketV2:BucketV2 loggings.targetBucket": "server access logs (requests: keys, callers, "
    "times), not the objects; the target bucket is judged as a holder of its own",
    "aws:autoscaling/group:Group initialLifecycleHooks.notificationTargetArn": "lifecycle notifications "
    "(instance ids and the hook's metadata), not the instances' data",
    "aws:odb/autonomousDatabase:AutonomousDatabase transportableTablespace.ttsBundleUrl": "where the "
    "database imports a transportable tablespace from: data coming in, not going out",
    **{
        f"aws:sagemaker/{token} {settings}.{app}.codeRepositories.repositoryUrl": "a Git repository the "
        "app clones code from, not a destination of data"
        for token, settings in (
            ("domain:Domain", "defaultUserSettings"),
            ("domain:Domain", "defaultSpaceSettings"),
            ("space:Space", "spaceSettings"),
            ("userProfile:UserProfile", "userSettings"),
        )
        for app in ("jupyterLabAppSettings", "jupyterServerAppSettings")
    },
    **{
        f"aws:sagemaker/{token} {path}": "the page or the RStudio servers the studio opens (configuration "
        "of its user interface), not a destination of data"
        for token, path in (
            ("domain:Domain", "defaultUserSettings.defaultLandingUri"),
            ("userProfile:UserProfile", "userSettings.defaultLandingUri"),
            ("domain:Domain", "domainSettings.rStudioServerProDomainSettings.rStudioConnectUrl"),
            ("domain:Domain", "domainSettings.rStudioServerProDomainSettings.rStudioPackageManagerUrl"),
        )
    },
    **{
        f"{token} {path}": "the holder's own logs (slow queries, errors, audit: requests and callers), in a "
        "log group the stack judges as a holder of its own; not its documents or samples"
        for token, path in (
            ("aws:amp/workspace:Workspace", "loggingConfiguration.logGroupArn"),
            ("aws:elasticsearch/domain:Domain", "logPublishingOptions.cloudwatchLogGroupArn"),
            ("aws:opensearch/domain:Domain", "logPublishingOptions.cloudwatchLogGroupArn"),
        )
    },
    "aws:opensearch/domain:Domain identityCenterOptions.identityCenterInstanceArn": "the IAM Identity Center "
    "instance that signs users in to the domain: who may read, judged as access, not a destination",
    **{
        f"aws:bedrock/agentKnowledgeBase:AgentKnowledgeBase knowledgeBaseConfiguration.{path}": "the index "
        "or "
        "Redshift workgroup a KENDRA or SQL knowledge base queries: the store it reads from, a holder judged "
        "on its own; the knowledge base keeps nothing of it"
        for path in (
            "kendraKnowledgeBaseConfiguration.kendraIndexArn",
            "sqlKnowledgeBaseConfiguration.redshiftConfiguration.queryEngineConfiguration.serverlessConfiguration"
            ".workgroupArn",
        )
    },
    "aws:dynamodb/table:Table replicas.streamArn": "the replica's stream, which AWS fills in (the replica's "
    "own `regionName` is the copy mechanism's destination)",
    "aws:fsx/fileCache:FileCache dataRepositoryAssociations.resourceArn": "the association's own ARN, which "
    "AWS fills in; the association's `dataRepositoryPath` is what the cache reads",
    **{
        f"{token} {path}": "an AWS Outpost (AWS hardware at the customer's own site): where that site is "
        "cannot be read from the ARN, whose region is the Outpost's parent region; out of reach "
        '(policies/README.md, "What remains out of reach")'
        for token, path in (
            ("aws:ec2/ami:Ami", "ebsBlockDevices.outpostArn"),
            ("aws:ec2/amiCopy:AmiCopy", "ebsBlockDevices.outpostArn"),
            ("aws:ec2/amiFromInstance:AmiFromInstance", "ebsBlockDevices.outpostArn"),
            (
                "aws:elasticache/replicationGroup:ReplicationGroup",
                "nodeGroupConfigurations.primaryOutpostArn",
            ),
        )
    },
    "aws:sagemaker/featureGroup:FeatureGroup offlineStoreConfig.s3StorageConfig.resolvedOutputS3Uri": "an "
    "output AWS computes from `s3Uri` (the copy mechanism's destination)",
    "aws:amp/queryLoggingConfiguration:QueryLoggingConfiguration destinations.cloudwatchLogs.logGroupArn": (
        "query logs (the PromQL queries and their statistics), not the workspace's samples"
    ),
    "aws:appfabric/appAuthorizationConnection:AppAuthorizationConnection authRequest.redirectUri": "the "
    "OAuth redirect of the authorisation flow, not a destination of data",
    "aws:connect/routingProfile:RoutingProfile queueConfigs.queueArn": "the instance's own contact queues "
    "(Amazon Connect queues of the same instance), not a destination elsewhere",
    **{
        f"aws:kendra/{token} sourceS3Path.bucket": "the file the index reads its word list from: "
        "configuration coming in, not the index's documents going out"
        for token in ("querySuggestionsBlockList:QuerySuggestionsBlockList", "thesaurus:Thesaurus")
    },
}
"""Nested place fields of data holders and their satellites (`NESTED_PLACE`) that send none of the holder's
data there, each with why. `tests/policies/test_triage.py` fails on a place field the SDK defines that is
neither a copy mechanism's, a holder region's nor reviewed here, so a provider upgrade cannot add one
silently."""
