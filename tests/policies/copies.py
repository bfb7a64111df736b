"""Every way pulumi-aws can copy data out of the baseline region, built as the engine would see it at preview.

Each builder takes the baseline region and returns the copying resource and every resource it needs; the
copied data is personal data (classified pii) unless a test reclassifies it. Values the engine only knows
after creation (ARNs, ids) are unknown, and lineage (property dependencies) says where they come from.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from tests.policies.baseline import Region
from tests.policies.policy_harness import UNKNOWN, Res, aws_provider

PII = {"data-classification": "pii"}
OTHER_ACCOUNT = "999988887777"
REPLICA_TABLE_BUCKET = "arn:aws:s3tables:ap-south-1:123456789012:bucket/lake-replica"


def mumbai() -> Res:
    """A second AWS provider, in a region outside the EU."""
    return aws_provider("mumbai", "ap-south-1", {"jurisdiction": "IN", "managed-by": "pulumi"})


def store(region: Region, type_: str, name: str, props: dict | None = None, tags: dict | None = None) -> Res:
    """A data store in the baseline region, classified pii unless told otherwise."""
    return Res(
        type_, name, {**(props or {}), "tags": dict(tags if tags is not None else PII)}, region.provider
    )


Copy = tuple[Res, list[Res]]


def read_replica_in_another_region(region: Region) -> Copy:
    replica = Res(
        "aws:rds/instance:Instance",
        "replica",
        {"replicateSourceDb": UNKNOWN, "tags": PII},
        mumbai(),
        deps={"replicateSourceDb": [region.database]},
    )
    return replica, [replica]


def read_replica_of_a_source_named_by_arn(region: Region) -> Copy:
    replica = Res(
        "aws:rds/instance:Instance",
        "replica",
        {"replicateSourceDb": "arn:aws:rds:eu-west-1:123456789012:db:pii-db", "tags": PII},
        mumbai(),
    )
    return replica, [replica]


def aurora_replica_cluster_in_another_region(region: Region) -> Copy:
    primary = store(region, "aws:rds/cluster:Cluster", "aurora", {"engine": "aurora-postgresql"})
    replica = Res(
        "aws:rds/cluster:Cluster",
        "aurora-replica",
        {"replicationSourceIdentifier": UNKNOWN, "tags": PII},
        mumbai(),
        deps={"replicationSourceIdentifier": [primary]},
    )
    return replica, [primary, replica]


def automated_backup_replication(region: Region) -> Copy:
    replication = Res(
        "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",
        "backups",
        {"sourceDbInstanceArn": UNKNOWN, "retentionPeriod": 7},
        mumbai(),
        deps={"sourceDbInstanceArn": [region.database]},
    )
    return replication, [replication]


def _snapshot(region: Region) -> Res:
    return Res(
        "aws:rds/snapshot:Snapshot",
        "snapshot",
        {"dbInstanceIdentifier": UNKNOWN, "dbSnapshotIdentifier": "pii-db-manual", "tags": PII},
        region.provider,
        deps={"dbInstanceIdentifier": [region.database]},
    )


def snapshot_copy_in_another_region(region: Region) -> Copy:
    snapshot = _snapshot(region)
    copy = Res(
        "aws:rds/snapshotCopy:SnapshotCopy",
        "copy",
        {"sourceDbSnapshotIdentifier": UNKNOWN, "targetDbSnapshotIdentifier": "copy", "tags": PII},
        mumbai(),
        deps={"sourceDbSnapshotIdentifier": [snapshot]},
    )
    return copy, [snapshot, copy]


def snapshot_copy_to_a_destination_region(region: Region) -> Copy:
    snapshot = _snapshot(region)
    copy = Res(
        "aws:rds/snapshotCopy:SnapshotCopy",
        "copy",
        {"sourceDbSnapshotIdentifier": UNKNOWN, "destinationRegion": "ap-south-1", "tags": PII},
        region.provider,
        deps={"sourceDbSnapshotIdentifier": [snapshot]},
    )
    return copy, [snapshot, copy]


def cluster_snapshot_copy_in_another_region(region: Region) -> Copy:
    cluster = store(region, "aws:rds/cluster:Cluster", "aurora", {"engine": "aurora-postgresql"})
    snapshot = Res(
        "aws:rds/clusterSnapshot:ClusterSnapshot",
        "cluster-snapshot",
        {"dbClusterIdentifier": UNKNOWN, "tags": PII},
        region.provider,
        deps={"dbClusterIdentifier": [cluster]},
    )
    copy = Res(
        "aws:rds/clusterSnapshotCopy:ClusterSnapshotCopy",
        "cluster-copy",
        {"sourceDbClusterSnapshotIdentifier": UNKNOWN, "tags": PII},
        mumbai(),
        deps={"sourceDbClusterSnapshotIdentifier": [snapshot]},
    )
    return copy, [cluster, snapshot, copy]


def snapshot_shared_with_another_account(region: Region) -> Copy:
    snapshot = _snapshot(region)
    snapshot.props["sharedAccounts"] = [OTHER_ACCOUNT]
    return snapshot, [snapshot]


def cluster_snapshot_shared_with_another_account(region: Region) -> Copy:
    cluster = store(region, "aws:rds/cluster:Cluster", "aurora", {"engine": "aurora-postgresql"})
    snapshot = Res(
        "aws:rds/clusterSnapshot:ClusterSnapshot",
        "cluster-snapshot",
        {"dbClusterIdentifier": UNKNOWN, "sharedAccounts": [OTHER_ACCOUNT], "tags": PII},
        region.provider,
        deps={"dbClusterIdentifier": [cluster]},
    )
    return snapshot, [cluster, snapshot]


def restore_from_a_pii_snapshot_in_another_region(region: Region) -> Copy:
    snapshot = _snapshot(region)
    restored = Res(
        "aws:rds/instance:Instance",
        "restored",
        {"snapshotIdentifier": UNKNOWN, "tags": PII},
        mumbai(),
        deps={"snapshotIdentifier": [snapshot]},
    )
    return restored, [snapshot, restored]


def point_in_time_restore_from_replicated_backups(region: Region) -> Copy:
    restored = Res(
        "aws:rds/instance:Instance",
        "restored",
        {"restoreToPointInTime": {"sourceDbInstanceAutomatedBackupsArn": UNKNOWN}, "tags": PII},
        mumbai(),
        deps={"restoreToPointInTime": [region.database]},
    )
    return restored, [restored]


def export_task_to_an_untraceable_bucket(region: Region) -> Copy:
    snapshot = _snapshot(region)
    export = Res(
        "aws:rds/exportTask:ExportTask",
        "export",
        {
            "sourceArn": UNKNOWN,
            "s3BucketName": "partner-landing-zone",
            "iamRoleArn": UNKNOWN,
            "kmsKeyId": UNKNOWN,
        },
        region.provider,
        deps={"sourceArn": [snapshot]},
    )
    return export, [snapshot, export]


def aurora_global_database(region: Region) -> Copy:
    cluster = store(region, "aws:rds/cluster:Cluster", "aurora", {"engine": "aurora-postgresql"})
    global_cluster = Res(
        "aws:rds/globalCluster:GlobalCluster",
        "global",
        {"globalClusterIdentifier": "global", "sourceDbClusterIdentifier": UNKNOWN},
        region.provider,
        deps={"sourceDbClusterIdentifier": [cluster]},
    )
    return global_cluster, [cluster, global_cluster]


def secondary_cluster_of_a_global_database(region: Region) -> Copy:
    global_cluster, resources = aurora_global_database(region)
    secondary = Res(
        "aws:rds/cluster:Cluster",
        "secondary",
        {"globalClusterIdentifier": UNKNOWN, "tags": PII},
        mumbai(),
        deps={"globalClusterIdentifier": [global_cluster]},
    )
    return secondary, [*resources, secondary]


def dynamodb_global_table_replica_region(region: Region) -> Copy:
    table = store(region, "aws:dynamodb/table:Table", "profiles", {"name": "profiles"})
    table.props["replicas"] = [{"regionName": "ap-south-1"}]
    return table, [table]


def dynamodb_table_replica_resource(region: Region) -> Copy:
    table = store(region, "aws:dynamodb/table:Table", "profiles", {"name": "profiles"})
    replica = Res(
        "aws:dynamodb/tableReplica:TableReplica",
        "profiles-replica",
        {"globalTableArn": UNKNOWN, "tags": PII},
        mumbai(),
        deps={"globalTableArn": [table]},
    )
    return replica, [table, replica]


def dynamodb_legacy_global_table(region: Region) -> Copy:
    table = store(region, "aws:dynamodb/table:Table", "profiles", {"name": "profiles"})
    global_table = Res(
        "aws:dynamodb/globalTable:GlobalTable",
        "profiles-global",
        {"name": "profiles", "replicas": [{"regionName": "eu-west-1"}, {"regionName": "ap-south-1"}]},
        region.provider,
    )
    return global_table, [table, global_table]


def dynamodb_export_to_s3(region: Region) -> Copy:
    table = store(region, "aws:dynamodb/table:Table", "profiles", {"name": "profiles"})
    export = Res(
        "aws:dynamodb/tableExport:TableExport",
        "profiles-export",
        {"tableArn": UNKNOWN, "s3Bucket": "analytics-landing", "s3BucketOwner": OTHER_ACCOUNT},
        region.provider,
        deps={"tableArn": [table]},
    )
    return export, [table, export]


def dynamodb_streaming_to_kinesis_elsewhere(region: Region) -> Copy:
    table = store(region, "aws:dynamodb/table:Table", "profiles", {"name": "profiles"})
    streaming = Res(
        "aws:dynamodb/kinesisStreamingDestination:KinesisStreamingDestination",
        "profiles-stream",
        {"tableName": UNKNOWN, "streamArn": "arn:aws:kinesis:ap-south-1:123456789012:stream/changes"},
        region.provider,
        deps={"tableName": [table]},
    )
    return streaming, [table, streaming]


def _backup_plan(region: Region, vault_arn: str) -> Res:
    return Res(
        "aws:backup/plan:Plan",
        "plan",
        {
            "name": "daily",
            "rules": [
                {
                    "ruleName": "daily",
                    "targetVaultName": "local",
                    "schedule": "cron(0 3 * * ? *)",
                    "copyActions": [{"destinationVaultArn": vault_arn}],
                }
            ],
        },
        region.provider,
    )


def backup_copy_action_to_another_region(region: Region) -> Copy:
    plan = _backup_plan(region, "arn:aws:backup:ap-south-1:123456789012:backup-vault:disaster-recovery")
    selection = Res(
        "aws:backup/selection:Selection",
        "selection",
        {"planId": UNKNOWN, "resources": [UNKNOWN], "iamRoleArn": UNKNOWN, "name": "pii"},
        region.provider,
        deps={"planId": [plan], "resources": [region.database]},
    )
    return plan, [plan, selection]


def backup_copy_action_selecting_pii_by_tag(region: Region) -> Copy:
    plan = _backup_plan(region, "arn:aws:backup:ap-south-1:123456789012:backup-vault:disaster-recovery")
    selection = Res(
        "aws:backup/selection:Selection",
        "by-tag",
        {
            "planId": UNKNOWN,
            "iamRoleArn": UNKNOWN,
            "name": "pii",
            "selectionTags": [{"type": "STRINGEQUALS", "key": "data-classification", "value": "pii"}],
        },
        region.provider,
        deps={"planId": [plan]},
    )
    return plan, [plan, selection]


def _volume_and_snapshot(region: Region) -> tuple[Res, Res]:
    volume = store(
        region, "aws:ebs/volume:Volume", "uploads", {"availabilityZone": "eu-west-1a", "size": 100}
    )
    snapshot = Res(
        "aws:ebs/snapshot:Snapshot",
        "uploads-snapshot",
        {"volumeId": UNKNOWN, "tags": PII},
        region.provider,
        deps={"volumeId": [volume]},
    )
    return volume, snapshot


def ebs_snapshot_copy_to_another_region(region: Region) -> Copy:
    volume, snapshot = _volume_and_snapshot(region)
    copy = Res(
        "aws:ebs/snapshotCopy:SnapshotCopy",
        "uploads-copy",
        {"sourceSnapshotId": UNKNOWN, "sourceRegion": "eu-west-1", "encrypted": True, "tags": PII},
        mumbai(),
        deps={"sourceSnapshotId": [snapshot]},
    )
    return copy, [volume, snapshot, copy]


def ebs_snapshot_shared_with_another_account(region: Region) -> Copy:
    volume, snapshot = _volume_and_snapshot(region)
    permission = Res(
        "aws:ec2/snapshotCreateVolumePermission:SnapshotCreateVolumePermission",
        "share",
        {"snapshotId": UNKNOWN, "accountId": OTHER_ACCOUNT},
        region.provider,
        deps={"snapshotId": [snapshot]},
    )
    return permission, [volume, snapshot, permission]


def _lifecycle_policy(region: Region, schedule: dict) -> Res:
    return Res(
        "aws:dlm/lifecyclePolicy:LifecyclePolicy",
        "lifecycle",
        {
            "description": "PII volume snapshots",
            "executionRoleArn": UNKNOWN,
            "state": "ENABLED",
            "policyDetails": {
                "resourceTypes": ["VOLUME"],
                "targetTags": {"data-classification": "pii"},
                "schedules": [
                    {"name": "daily", "createRule": {"interval": 24}, "retainRule": {"count": 7}, **schedule}
                ],
            },
        },
        region.provider,
    )


def dlm_cross_region_copy(region: Region) -> Copy:
    policy = _lifecycle_policy(
        region, {"crossRegionCopyRules": [{"target": "ap-south-1", "encrypted": True}]}
    )
    return policy, [policy]


def dlm_share_with_another_account(region: Region) -> Copy:
    policy = _lifecycle_policy(region, {"shareRule": {"targetAccounts": [OTHER_ACCOUNT]}})
    return policy, [policy]


def _dms_endpoints(region: Region) -> tuple[Res, Res]:
    source = Res(
        "aws:dms/endpoint:Endpoint",
        "source",
        {"endpointId": "source", "endpointType": "source", "engineName": "postgres", "serverName": UNKNOWN},
        region.provider,
        deps={"serverName": [region.database]},
    )
    target = Res(
        "aws:dms/endpoint:Endpoint",
        "target",
        {
            "endpointId": "target",
            "endpointType": "target",
            "engineName": "postgres",
            "serverName": "analytics.c9akciq32.ap-south-1.rds.amazonaws.com",
        },
        region.provider,
    )
    return source, target


def dms_replication_task(region: Region) -> Copy:
    source, target = _dms_endpoints(region)
    task = Res(
        "aws:dms/replicationTask:ReplicationTask",
        "task",
        {"migrationType": "full-load-and-cdc", "sourceEndpointArn": UNKNOWN, "targetEndpointArn": UNKNOWN},
        region.provider,
        deps={"sourceEndpointArn": [source], "targetEndpointArn": [target]},
    )
    return task, [source, target, task]


def dms_serverless_replication(region: Region) -> Copy:
    source, target = _dms_endpoints(region)
    config = Res(
        "aws:dms/replicationConfig:ReplicationConfig",
        "serverless",
        {"replicationType": "cdc", "sourceEndpointArn": UNKNOWN, "targetEndpointArn": UNKNOWN},
        region.provider,
        deps={"sourceEndpointArn": [source], "targetEndpointArn": [target]},
    )
    return config, [source, target, config]


def datasync_task(region: Region) -> Copy:
    file_system = store(region, "aws:efs/fileSystem:FileSystem", "documents", {"encrypted": True})
    source = Res(
        "aws:datasync/efsLocation:EfsLocation",
        "from",
        {"efsFileSystemArn": UNKNOWN, "ec2Config": {"subnetArn": UNKNOWN}},
        region.provider,
        deps={"efsFileSystemArn": [file_system]},
    )
    bucket = Res("aws:s3/bucket:Bucket", "archive", {"tags": PII}, mumbai())
    destination = Res(
        "aws:datasync/s3Location:S3Location",
        "to",
        {"s3BucketArn": UNKNOWN, "subdirectory": "/"},
        region.provider,
        deps={"s3BucketArn": [bucket]},
    )
    task = Res(
        "aws:datasync/task:Task",
        "sync",
        {"sourceLocationArn": UNKNOWN, "destinationLocationArn": UNKNOWN},
        region.provider,
        deps={"sourceLocationArn": [source], "destinationLocationArn": [destination]},
    )
    return task, [file_system, source, bucket, destination, task]


def s3_replication(region: Region) -> Copy:
    source = store(region, "aws:s3/bucket:Bucket", "documents", {"bucket": "documents-eu"})
    destination = Res("aws:s3/bucket:Bucket", "documents-replica", {"tags": PII}, mumbai())
    replication = Res(
        "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
        "replication",
        {
            "bucket": UNKNOWN,
            "role": UNKNOWN,
            "rules": [{"id": "all", "status": "Enabled", "destination": {"bucket": UNKNOWN}}],
        },
        region.provider,
        deps={"bucket": [source], "rules": [destination]},
    )
    return replication, [source, destination, replication]


def s3_inline_replication_of_a_deprecated_bucket(region: Region) -> Copy:
    bucket = store(
        region,
        "aws:s3/bucketV2:BucketV2",
        "documents",
        {
            "replicationConfigurations": [
                {"role": UNKNOWN, "rules": [{"status": "Enabled", "destinations": [{"bucket": UNKNOWN}]}]}
            ]
        },
    )
    bucket.deps = {
        "replicationConfigurations": [Res("aws:s3/bucket:Bucket", "replica", {"tags": PII}, mumbai())]
    }
    return bucket, [bucket]


def secret_replica(region: Region) -> Copy:
    secret = store(region, "aws:secretsmanager/secret:Secret", "customer-api-tokens")
    secret.props["replicas"] = [{"region": "ap-south-1"}]
    return secret, [secret]


def multi_region_key_protecting_pii(region: Region) -> Copy:
    region.key.props["multiRegion"] = True
    return region.key, []


def replica_of_the_key_protecting_pii(region: Region) -> Copy:
    replica = Res(
        "aws:kms/replicaKey:ReplicaKey",
        "key-replica",
        {"primaryKeyArn": UNKNOWN},
        mumbai(),
        deps={"primaryKeyArn": [region.key]},
    )
    return replica, [replica]


def firehose_from_a_pii_stream_to_a_bucket_elsewhere(region: Region) -> Copy:
    stream = store(region, "aws:kinesis/stream:Stream", "clicks", {"name": "clicks"})
    bucket = Res("aws:s3/bucket:Bucket", "lake", {"tags": PII}, mumbai())
    firehose = Res(
        "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
        "delivery",
        {
            "destination": "extended_s3",
            "kinesisSourceConfiguration": {"kinesisStreamArn": UNKNOWN, "roleArn": UNKNOWN},
            "extendedS3Configuration": {"bucketArn": UNKNOWN, "roleArn": UNKNOWN},
            "tags": PII,
        },
        region.provider,
        deps={"kinesisSourceConfiguration": [stream], "extendedS3Configuration": [bucket]},
    )
    return firehose, [stream, bucket, firehose]


def firehose_to_an_http_endpoint(region: Region) -> Copy:
    firehose = store(
        region,
        "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
        "delivery",
        {
            "destination": "http_endpoint",
            "httpEndpointConfiguration": {"url": "https://collector.example.com"},
        },
    )
    return firehose, [firehose]


def log_subscription_to_another_account(region: Region) -> Copy:
    logs = store(region, "aws:cloudwatch/logGroup:LogGroup", "audit", {"name": "/pii/audit"})
    subscription = Res(
        "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter",
        "ship",
        {
            "logGroup": UNKNOWN,
            "filterPattern": "",
            "destinationArn": f"arn:aws:logs:eu-west-1:{OTHER_ACCOUNT}:destination:central",
        },
        region.provider,
        deps={"logGroup": [logs]},
    )
    return subscription, [logs, subscription]


def account_wide_log_subscription(region: Region) -> Copy:
    logs = store(region, "aws:cloudwatch/logGroup:LogGroup", "audit", {"name": "/pii/audit"})
    document = {"DestinationArn": "arn:aws:firehose:us-east-1:123456789012:deliverystream/central"}
    policy = Res(
        "aws:cloudwatch/logAccountPolicy:LogAccountPolicy",
        "subscribe-all",
        {
            "policyName": "all",
            "policyType": "SUBSCRIPTION_FILTER_POLICY",
            "policyDocument": json.dumps(document),
        },
        region.provider,
    )
    return policy, [logs, policy]


def observability_link_sharing_logs(region: Region) -> Copy:
    logs = store(region, "aws:cloudwatch/logGroup:LogGroup", "audit", {"name": "/pii/audit"})
    link = Res(
        "aws:oam/link:Link",
        "monitoring",
        {
            "labelTemplate": "$AccountName",
            "resourceTypes": ["AWS::CloudWatch::Metric", "AWS::Logs::LogGroup"],
            "sinkIdentifier": f"arn:aws:oam:eu-west-1:{OTHER_ACCOUNT}:sink/central",
        },
        region.provider,
    )
    return link, [logs, link]


def elasticache_global_datastore(region: Region) -> Copy:
    group = store(
        region, "aws:elasticache/replicationGroup:ReplicationGroup", "sessions", {"description": "s"}
    )
    global_group = Res(
        "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup",
        "sessions-global",
        {"globalReplicationGroupIdSuffix": "sessions", "primaryReplicationGroupId": UNKNOWN},
        region.provider,
        deps={"primaryReplicationGroupId": [group]},
    )
    return global_group, [group, global_group]


def efs_replication_to_another_region(region: Region) -> Copy:
    file_system = store(region, "aws:efs/fileSystem:FileSystem", "documents", {"encrypted": True})
    replication = Res(
        "aws:efs/replicationConfiguration:ReplicationConfiguration",
        "documents-replication",
        {"sourceFileSystemId": UNKNOWN, "destination": {"region": "ap-south-1"}},
        region.provider,
        deps={"sourceFileSystemId": [file_system]},
    )
    return replication, [file_system, replication]


def opensearch_cross_cluster_connection(region: Region) -> Copy:
    # The local domain, in another region, searches the remote PII domain: its data goes to ap-south-1.
    domain = store(region, "aws:opensearch/domain:Domain", "search", {"domainName": "search"})
    connection = Res(
        "aws:opensearch/outboundConnection:OutboundConnection",
        "from-analytics",
        {
            "connectionAlias": "customers",
            "localDomainInfo": {"domainName": "analytics", "ownerId": "123456789012", "region": "ap-south-1"},
            "remoteDomainInfo": {"domainName": UNKNOWN, "ownerId": "123456789012", "region": "eu-west-1"},
        },
        mumbai(),
        deps={"remoteDomainInfo": [domain]},
    )
    return connection, [domain, connection]


def resource_access_manager_share(region: Region) -> Copy:
    cluster = store(region, "aws:rds/cluster:Cluster", "aurora", {"engine": "aurora-postgresql"})
    association = Res(
        "aws:ram/resourceAssociation:ResourceAssociation",
        "share-aurora",
        {"resourceArn": UNKNOWN, "resourceShareArn": UNKNOWN},
        region.provider,
        deps={"resourceArn": [cluster]},
    )
    return association, [cluster, association]


def kafka_topic_replication(region: Region) -> Copy:
    cluster = store(region, "aws:msk/cluster:Cluster", "events", {"clusterName": "events"})
    replicator = Res(
        "aws:msk/replicator:Replicator",
        "events-replicator",
        {
            "replicatorName": "events",
            "replicationInfoList": [
                {
                    "sourceKafkaClusterArn": UNKNOWN,
                    "targetKafkaClusterArn": "arn:aws:kafka:ap-south-1:123456789012:cluster/events/0a1b2c3d",
                }
            ],
        },
        region.provider,
        deps={"replicationInfoList": [cluster]},
    )
    return replicator, [cluster, replicator]


def redshift_cross_region_snapshot_copy(region: Region) -> Copy:
    warehouse = store(region, "aws:redshift/cluster:Cluster", "warehouse", {"clusterIdentifier": "warehouse"})
    copy = Res(
        "aws:redshift/snapshotCopy:SnapshotCopy",
        "warehouse-copy",
        {"clusterIdentifier": UNKNOWN, "destinationRegion": "ap-south-1"},
        region.provider,
        deps={"clusterIdentifier": [warehouse]},
    )
    return copy, [warehouse, copy]


def multi_region_distributed_sql_cluster(region: Region) -> Copy:
    cluster = store(
        region,
        "aws:dsql/cluster:Cluster",
        "ledger",
        {"multiRegionProperties": {"witnessRegion": "eu-central-1"}},
    )
    return cluster, [cluster]


def memorydb_multi_region_cluster(region: Region) -> Copy:
    cluster = store(
        region, "aws:memorydb/multiRegionCluster:MultiRegionCluster", "sessions", {"nodeType": "db.r7g"}
    )
    return cluster, [cluster]


def zero_etl_integration_to_another_region(region: Region) -> Copy:
    cluster = store(region, "aws:rds/cluster:Cluster", "aurora", {"engine": "aurora-mysql"})
    integration = Res(
        "aws:rds/integration:Integration",
        "to-warehouse",
        {
            "integrationName": "to-warehouse",
            "sourceArn": UNKNOWN,
            "targetArn": "arn:aws:redshift-serverless:ap-south-1:123456789012:namespace/0a1b2c3d",
        },
        region.provider,
        deps={"sourceArn": [cluster]},
    )
    return integration, [cluster, integration]


def documentdb_global_cluster(region: Region) -> Copy:
    cluster = store(region, "aws:docdb/cluster:Cluster", "documents", {"engine": "docdb"})
    global_cluster = Res(
        "aws:docdb/globalCluster:GlobalCluster",
        "documents-global",
        {"globalClusterIdentifier": "documents", "sourceDbClusterIdentifier": UNKNOWN},
        region.provider,
        deps={"sourceDbClusterIdentifier": [cluster]},
    )
    return global_cluster, [cluster, global_cluster]


def documentdb_secondary_cluster(region: Region) -> Copy:
    global_cluster, extra = documentdb_global_cluster(region)
    secondary = Res(
        "aws:docdb/cluster:Cluster",
        "documents-secondary",
        {"globalClusterIdentifier": UNKNOWN, "tags": PII},
        mumbai(),
        deps={"globalClusterIdentifier": [global_cluster]},
    )
    return secondary, [*extra, secondary]


def neptune_global_database(region: Region) -> Copy:
    cluster = store(region, "aws:neptune/cluster:Cluster", "graph", {"engine": "neptune"})
    global_cluster = Res(
        "aws:neptune/globalCluster:GlobalCluster",
        "graph-global",
        {"globalClusterIdentifier": "graph", "sourceDbClusterIdentifier": UNKNOWN},
        region.provider,
        deps={"sourceDbClusterIdentifier": [cluster]},
    )
    return global_cluster, [cluster, global_cluster]


def neptune_replica_cluster_in_another_region(region: Region) -> Copy:
    cluster = store(region, "aws:neptune/cluster:Cluster", "graph", {"engine": "neptune"})
    replica = Res(
        "aws:neptune/cluster:Cluster",
        "graph-replica",
        {"replicationSourceIdentifier": UNKNOWN, "tags": PII},
        mumbai(),
        deps={"replicationSourceIdentifier": [cluster]},
    )
    return replica, [cluster, replica]


def redshift_restore_in_another_region(region: Region) -> Copy:
    warehouse = store(region, "aws:redshift/cluster:Cluster", "warehouse", {"clusterIdentifier": "warehouse"})
    restored = Res(
        "aws:redshift/cluster:Cluster",
        "restored",
        {"clusterIdentifier": "restored", "snapshotClusterIdentifier": "warehouse", "tags": PII},
        mumbai(),
    )
    return restored, [warehouse, restored]


def redshift_datashare_with_another_account(region: Region) -> Copy:
    namespace = store(
        region, "aws:redshiftserverless/namespace:Namespace", "warehouse", {"namespaceName": "w"}
    )
    authorization = Res(
        "aws:redshift/dataShareAuthorization:DataShareAuthorization",
        "share",
        {"dataShareArn": UNKNOWN, "consumerIdentifier": OTHER_ACCOUNT},
        region.provider,
        deps={"dataShareArn": [namespace]},
    )
    return authorization, [namespace, authorization]


def s3_object_copy_into_a_bucket_elsewhere(region: Region) -> Copy:
    source = store(region, "aws:s3/bucket:Bucket", "documents", {"bucket": "documents-eu"})
    copy = Res(
        "aws:s3/objectCopy:ObjectCopy",
        "copy-object",
        {"bucket": "documents-archive-mumbai", "key": "export.csv", "source": "documents-eu/export.csv"},
        mumbai(),
    )
    return copy, [source, copy]


def multi_region_access_point(region: Region) -> Copy:
    source = store(region, "aws:s3/bucket:Bucket", "documents", {"bucket": "documents-eu"})
    access_point = Res(
        "aws:s3control/multiRegionAccessPoint:MultiRegionAccessPoint",
        "documents-everywhere",
        {
            "details": {
                "name": "documents",
                "regions": [{"bucket": "documents-eu"}, {"bucket": "documents-in", "region": "ap-south-1"}],
            }
        },
        region.provider,
    )
    return access_point, [source, access_point]


def s3_tables_bucket_replication(region: Region) -> Copy:
    tables = store(region, "aws:s3tables/tableBucket:TableBucket", "lake", {"name": "lake"})
    replication = Res(
        "aws:s3tables/tableBucketReplication:TableBucketReplication",
        "lake-replication",
        {
            "tableBucketArn": UNKNOWN,
            "role": UNKNOWN,
            "rule": {"destinations": [{"destinationTableBucketArn": REPLICA_TABLE_BUCKET}]},
        },
        region.provider,
        deps={"tableBucketArn": [tables]},
    )
    return replication, [tables, replication]


def s3_tables_table_replication(region: Region) -> Copy:
    tables = store(region, "aws:s3tables/tableBucket:TableBucket", "lake", {"name": "lake"})
    replication = Res(
        "aws:s3tables/tableReplication:TableReplication",
        "table-replication",
        {
            "tableArn": UNKNOWN,
            "role": UNKNOWN,
            "rule": {"destinations": [{"destinationTableBucketArn": REPLICA_TABLE_BUCKET}]},
        },
        region.provider,
        deps={"tableArn": [tables]},
    )
    return replication, [tables, replication]


def s3_inline_replication_of_a_bucket(region: Region) -> Copy:
    bucket = store(
        region,
        "aws:s3/bucket:Bucket",
        "documents",
        {
            "replicationConfiguration": {
                "role": UNKNOWN,
                "rules": [
                    {"status": "Enabled", "destination": {"bucket": "arn:aws:s3:::documents-anywhere"}}
                ],
            }
        },
    )
    return bucket, [bucket]


def multi_region_external_key_protecting_pii(region: Region) -> Copy:
    key = Res("aws:kms/externalKey:ExternalKey", "imported", {"multiRegion": True}, region.provider)
    volume = store(region, "aws:ebs/volume:Volume", "uploads", {"encrypted": True, "kmsKeyId": UNKNOWN})
    volume.deps = {"kmsKeyId": [key]}
    return key, [key, volume]


def replica_of_an_external_key_protecting_pii(region: Region) -> Copy:
    key, extra = multi_region_external_key_protecting_pii(region)
    replica = Res(
        "aws:kms/replicaExternalKey:ReplicaExternalKey",
        "imported-replica",
        {"primaryKeyArn": UNKNOWN},
        mumbai(),
        deps={"primaryKeyArn": [key]},
    )
    return replica, [*extra, replica]


def vended_log_delivery_to_another_region(region: Region) -> Copy:
    table = store(region, "aws:dynamodb/table:Table", "profiles", {"name": "profiles"})
    source = Res(
        "aws:cloudwatch/logDeliverySource:LogDeliverySource",
        "profiles-logs",
        {"name": "profiles", "logType": "APPLICATION_LOGS", "resourceArn": UNKNOWN},
        region.provider,
        deps={"resourceArn": [table]},
    )
    destination = Res(
        "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination",
        "central",
        {
            "deliveryDestinationConfiguration": {
                "destinationResourceArn": "arn:aws:logs:us-east-1:123456789012:log-group:central"
            }
        },
        region.provider,
    )
    delivery = Res(
        "aws:cloudwatch/logDelivery:LogDelivery",
        "delivery",
        {"deliverySourceName": UNKNOWN, "deliveryDestinationArn": UNKNOWN},
        region.provider,
        deps={"deliverySourceName": [source], "deliveryDestinationArn": [destination]},
    )
    return delivery, [table, source, destination, delivery]


def elasticache_member_of_a_global_datastore(region: Region) -> Copy:
    global_group, extra = elasticache_global_datastore(region)
    secondary = Res(
        "aws:elasticache/replicationGroup:ReplicationGroup",
        "sessions-secondary",
        {"description": "secondary", "globalReplicationGroupId": UNKNOWN, "tags": PII},
        mumbai(),
        deps={"globalReplicationGroupId": [global_group]},
    )
    return secondary, [*extra, secondary]


def memorydb_member_of_a_multi_region_cluster(region: Region) -> Copy:
    multi_region = store(region, "aws:memorydb/multiRegionCluster:MultiRegionCluster", "sessions", {})
    member = Res(
        "aws:memorydb/cluster:Cluster",
        "sessions-member",
        {"multiRegionClusterName": UNKNOWN, "tags": PII},
        mumbai(),
        deps={"multiRegionClusterName": [multi_region]},
    )
    return member, [multi_region, member]


def distributed_sql_cluster_peering(region: Region) -> Copy:
    cluster = store(region, "aws:dsql/cluster:Cluster", "ledger", {})
    peering = Res(
        "aws:dsql/clusterPeering:ClusterPeering",
        "ledger-peering",
        {"identifier": UNKNOWN, "clusters": [UNKNOWN], "witnessRegion": "eu-central-1"},
        region.provider,
        deps={"identifier": [cluster]},
    )
    return peering, [cluster, peering]


COPIES: dict[str, Callable[[Region], Copy]] = {
    builder.__name__: builder
    for builder in (
        read_replica_in_another_region,
        read_replica_of_a_source_named_by_arn,
        aurora_replica_cluster_in_another_region,
        automated_backup_replication,
        snapshot_copy_in_another_region,
        snapshot_copy_to_a_destination_region,
        cluster_snapshot_copy_in_another_region,
        snapshot_shared_with_another_account,
        cluster_snapshot_shared_with_another_account,
        restore_from_a_pii_snapshot_in_another_region,
        point_in_time_restore_from_replicated_backups,
        export_task_to_an_untraceable_bucket,
        aurora_global_database,
        secondary_cluster_of_a_global_database,
        dynamodb_global_table_replica_region,
        dynamodb_table_replica_resource,
        dynamodb_legacy_global_table,
        dynamodb_export_to_s3,
        dynamodb_streaming_to_kinesis_elsewhere,
        backup_copy_action_to_another_region,
        backup_copy_action_selecting_pii_by_tag,
        ebs_snapshot_copy_to_another_region,
        ebs_snapshot_shared_with_another_account,
        dlm_cross_region_copy,
        dlm_share_with_another_account,
        dms_replication_task,
        dms_serverless_replication,
        datasync_task,
        s3_replication,
        s3_inline_replication_of_a_deprecated_bucket,
        secret_replica,
        multi_region_key_protecting_pii,
        replica_of_the_key_protecting_pii,
        firehose_from_a_pii_stream_to_a_bucket_elsewhere,
        firehose_to_an_http_endpoint,
        log_subscription_to_another_account,
        account_wide_log_subscription,
        observability_link_sharing_logs,
        elasticache_global_datastore,
        efs_replication_to_another_region,
        opensearch_cross_cluster_connection,
        resource_access_manager_share,
        kafka_topic_replication,
        redshift_cross_region_snapshot_copy,
        multi_region_distributed_sql_cluster,
        memorydb_multi_region_cluster,
        zero_etl_integration_to_another_region,
        documentdb_global_cluster,
        documentdb_secondary_cluster,
        neptune_global_database,
        neptune_replica_cluster_in_another_region,
        redshift_restore_in_another_region,
        redshift_datashare_with_another_account,
        s3_object_copy_into_a_bucket_elsewhere,
        multi_region_access_point,
        s3_tables_bucket_replication,
        s3_tables_table_replication,
        s3_inline_replication_of_a_bucket,
        multi_region_external_key_protecting_pii,
        replica_of_an_external_key_protecting_pii,
        vended_log_delivery_to_another_region,
        elasticache_member_of_a_global_datastore,
        memorydb_member_of_a_multi_region_cluster,
        distributed_sql_cluster_peering,
    )
}
"""Every copy mechanism of rule 3, each moving personal data out of eu-west-1 or out of the account."""


def function_given_the_database(region: Region, environment: dict[str, object]) -> Res:
    """A Lambda function whose environment holds the PII database's host (unknown at preview) and more."""
    return Res(
        "aws:lambda/function:Function",
        "export",
        {
            "runtime": "python3.12",
            "handler": "export.handler",
            "role": "arn:aws:iam::123456789012:role/export",
            "environment": {"variables": {"DATABASE_HOST": UNKNOWN, **environment}},
        },
        region.provider,
        deps={"environment": [region.database]},
    )
