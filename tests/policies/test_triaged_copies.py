"""The copies the review found no entry for, written as a platform engineer would write them, each moving
the baseline's PII (or an unclassified source) out of its region or account; and their compliant twins."""

from __future__ import annotations

import json

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import OTHER_ACCOUNT, PII, function_given_the_database, mumbai, store
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

NO_PII = "no-pii-replication"
ANONYMISED_ONLY = "anonymised-only-replication"
PUBLIC = {"data-classification": "public"}
INDIA_BUS = "arn:aws:events:ap-south-1:123456789012:event-bus/analytics"


def _blocked(resources: list[Res], copying: Res, policy: str = NO_PII) -> str:
    found = violations(resources, policy)
    assert copying.urn in [d.urn for d in found], messages(found)
    return next(d.message for d in found if d.urn == copying.urn)


def _backup_policy(tag_value: str) -> Res:
    content = {
        "plans": {
            "pii-daily": {
                "regions": {"@@assign": ["eu-west-1"]},
                "rules": {
                    "daily": {
                        "schedule_expression": {"@@assign": "cron(0 5 ? * * *)"},
                        "target_backup_vault_name": {"@@assign": "Default"},
                        "copy_actions": {
                            "arn:aws:backup:ap-south-1:$account:backup-vault:Default": {
                                "target_backup_vault_arn": {
                                    "@@assign": "arn:aws:backup:ap-south-1:$account:backup-vault:Default"
                                }
                            }
                        },
                    }
                },
                "selections": {
                    "tags": {
                        "by-classification": {
                            "iam_role_arn": {"@@assign": "arn:aws:iam::$account:role/backup"},
                            "tag_key": {"@@assign": "data-classification"},
                            "tag_value": {"@@assign": [tag_value]},
                        }
                    }
                },
            }
        }
    }
    return Res(
        "aws:organizations/policy:Policy",
        "pii-backups",
        {"name": "pii-backups", "type": "BACKUP_POLICY", "content": json.dumps(content)},
        Res("pulumi:providers:aws", "organization", {"region": "us-east-1"}),
    )


def test_an_organisation_backup_policy_copying_pii_to_another_region_is_blocked() -> None:
    region = eu_region()
    policy = _backup_policy("pii")
    message = _blocked([*region.resources, policy], policy)
    assert "aws:rds/instance:Instance 'pii-db'" in message


def test_an_organisation_backup_policy_copying_anonymised_data_is_allowed() -> None:
    region = eu_region()
    policy = _backup_policy("anonymised")
    assert violations([*region.resources, policy], ANONYMISED_ONLY) == []


def test_an_organisation_service_control_policy_copies_nothing() -> None:
    region = eu_region()
    policy = _backup_policy("pii")
    policy.props["type"] = "SERVICE_CONTROL_POLICY"
    assert violations([*region.resources, policy], NO_PII) == []


def _glue(region: Region, target: str) -> tuple[Res, list[Res]]:
    connection = Res(
        "aws:glue/connection:Connection",
        "customers",
        {
            "name": "customers",
            "connectionType": "JDBC",
            "connectionProperties": {"JDBC_CONNECTION_URL": UNKNOWN},
        },
        region.provider,
        deps={"connectionProperties": [region.database]},
    )
    job = Res(
        "aws:glue/job:Job",
        "export-customers",
        {
            "roleArn": "arn:aws:iam::123456789012:role/glue",
            "command": {"scriptLocation": "s3://scripts-eu/export.py", "name": "glueetl"},
            "connections": [UNKNOWN],
            "defaultArguments": {"--target": target, "--job-language": "python"},
        },
        region.provider,
        deps={"connections": [connection]},
    )
    return job, [connection, job]


def test_a_glue_job_reading_the_pii_database_into_a_bucket_abroad_is_blocked() -> None:
    region = eu_region()
    lake = Res("aws:s3/bucket:Bucket", "lake", {"bucket": "lake-mumbai", "tags": PII}, mumbai())
    job, extra = _glue(region, "s3://lake-mumbai/customers/")
    _blocked([*region.resources, lake, *extra], job)


def test_a_glue_job_writing_in_its_own_region_is_allowed() -> None:
    region = eu_region()
    lake = store(region, "aws:s3/bucket:Bucket", "lake", {"bucket": "lake-eu"})
    _, extra = _glue(region, "s3://lake-eu/customers/")
    assert violations([*region.resources, lake, *extra], NO_PII) == []


def test_an_appflow_flow_from_a_pii_bucket_to_a_saas_application_is_blocked() -> None:
    region = eu_region()
    bucket = store(region, "aws:s3/bucket:Bucket", "contacts", {"bucket": "contacts-eu"})
    flow = Res(
        "aws:appflow/flow:Flow",
        "contacts-to-crm",
        {
            "sourceFlowConfig": {
                "connectorType": "S3",
                "sourceConnectorProperties": {"s3": {"bucketName": UNKNOWN}},
            },
            "destinationFlowConfigs": [
                {
                    "connectorType": "Salesforce",
                    "destinationConnectorProperties": {"salesforce": {"object": "Contact"}},
                }
            ],
            "triggerConfig": {"triggerType": "OnDemand"},
            "tasks": [{"taskType": "Map_all", "sourceFields": []}],
        },
        region.provider,
        deps={"sourceFlowConfig": [bucket]},
    )
    assert "outside AWS" in _blocked([*region.resources, bucket, flow], flow)


def _table_with_stream(region: Region) -> Res:
    table = store(
        region,
        "aws:dynamodb/table:Table",
        "profiles",
        {"name": "profiles", "streamEnabled": True, "streamViewType": "NEW_AND_OLD_IMAGES"},
    )
    return table


def test_a_pipe_from_a_pii_table_stream_to_a_queue_in_another_region_is_blocked() -> None:
    region = eu_region()
    table = _table_with_stream(region)
    pipe = Res(
        "aws:pipes/pipe:Pipe",
        "profiles-out",
        {"roleArn": UNKNOWN, "source": UNKNOWN, "target": "arn:aws:sqs:ap-south-1:123456789012:profiles"},
        region.provider,
        deps={"source": [table]},
    )
    assert "ap-south-1" in _blocked([*region.resources, table, pipe], pipe)


def test_an_eventbridge_target_on_another_regions_bus_is_blocked_for_a_pii_bus() -> None:
    region = eu_region()
    bus = Res(
        "aws:cloudwatch/eventBus:EventBus", "signups", {"name": "signups", "tags": PII}, region.provider
    )
    rule = Res(
        "aws:cloudwatch/eventRule:EventRule",
        "all-signups",
        {"eventBusName": UNKNOWN, "eventPattern": json.dumps({"source": ["app.signups"]})},
        region.provider,
        deps={"eventBusName": [bus]},
    )
    target = Res(
        "aws:cloudwatch/eventTarget:EventTarget",
        "to-india",
        {"rule": UNKNOWN, "eventBusName": UNKNOWN, "arn": INDIA_BUS},
        region.provider,
        deps={"rule": [rule], "eventBusName": [bus]},
    )
    _blocked([*region.resources, bus, rule, target], target)


def test_an_eventbridge_target_on_another_regions_bus_is_blocked_for_an_unclassified_bus() -> None:
    region = eu_region()
    bus = Res("aws:cloudwatch/eventBus:EventBus", "orders", {"name": "orders"}, region.provider)
    target = Res(
        "aws:cloudwatch/eventTarget:EventTarget",
        "to-india",
        {"rule": "orders-rule", "eventBusName": UNKNOWN, "arn": INDIA_BUS},
        region.provider,
        deps={"eventBusName": [bus]},
    )
    _blocked([*region.resources, bus, target], target, ANONYMISED_ONLY)


def test_an_sns_subscription_of_a_pii_topic_to_a_queue_elsewhere_is_blocked() -> None:
    region = eu_region()
    topic = Res("aws:sns/topic:Topic", "signups", {"name": "signups", "tags": PII}, region.provider)
    subscription = Res(
        "aws:sns/topicSubscription:TopicSubscription",
        "to-india",
        {"topic": UNKNOWN, "protocol": "sqs", "endpoint": "arn:aws:sqs:ap-south-1:123456789012:signups"},
        region.provider,
        deps={"topic": [topic]},
    )
    _blocked([*region.resources, topic, subscription], subscription)


def test_an_sns_subscription_of_a_pii_topic_to_an_http_endpoint_leaves_aws() -> None:
    region = eu_region()
    topic = Res("aws:sns/topic:Topic", "signups", {"name": "signups", "tags": PII}, region.provider)
    subscription = Res(
        "aws:sns/topicSubscription:TopicSubscription",
        "to-crm",
        {"topic": UNKNOWN, "protocol": "https", "endpoint": "https://crm.example.com/hooks/signups"},
        region.provider,
        deps={"topic": [topic]},
    )
    assert "outside AWS" in _blocked([*region.resources, topic, subscription], subscription)


def test_an_msk_connect_sink_writing_pii_topics_to_another_region_is_blocked() -> None:
    region = eu_region()
    cluster = store(
        region, "aws:msk/cluster:Cluster", "events", {"clusterName": "events", "kafkaVersion": "3.6.0"}
    )
    connector = Res(
        "aws:mskconnect/connector:Connector",
        "s3-sink",
        {
            "kafkaconnectVersion": "2.7.1",
            "kafkaCluster": {
                "apacheKafkaCluster": {"bootstrapServers": UNKNOWN, "vpc": {"subnets": ["subnet-1"]}}
            },
            "connectorConfiguration": {
                "connector.class": "io.confluent.connect.s3.S3SinkConnector",
                "s3.region": "ap-south-1",
                "s3.bucket.name": "events-archive",
                "topics": "signups",
            },
            "serviceExecutionRoleArn": "arn:aws:iam::123456789012:role/connect",
        },
        region.provider,
        deps={"kafkaCluster": [cluster]},
    )
    assert "ap-south-1" in _blocked([*region.resources, cluster, connector], connector)


def test_a_multi_region_keyspace_replicates_its_pii_tables() -> None:
    region = eu_region()
    keyspace = Res(
        "aws:keyspaces/keyspace:Keyspace",
        "customers",
        {
            "name": "customers",
            "replicationSpecification": {
                "replicationStrategy": "MULTI_REGION",
                "regionLists": ["eu-west-1", "ap-south-1"],
            },
        },
        region.provider,
    )
    table = store(
        region, "aws:keyspaces/table:Table", "profiles", {"keyspaceName": UNKNOWN, "tableName": "profiles"}
    )
    table.deps["keyspaceName"] = [keyspace]
    assert "ap-south-1" in _blocked([*region.resources, keyspace, table], keyspace)
    keyspace.props["replicationSpecification"] = {"replicationStrategy": "SINGLE_REGION"}
    assert violations([*region.resources, keyspace, table], NO_PII) == []


def test_a_redshift_zero_etl_integration_into_another_account_is_blocked() -> None:
    region = eu_region()
    table = _table_with_stream(region)
    integration = Res(
        "aws:redshift/integration:Integration",
        "profiles-to-warehouse",
        {
            "integrationName": "profiles",
            "sourceArn": UNKNOWN,
            "targetArn": f"arn:aws:redshift-serverless:eu-west-1:{OTHER_ACCOUNT}:namespace/warehouse",
        },
        region.provider,
        deps={"sourceArn": [table]},
    )
    assert f"into account {OTHER_ACCOUNT}" in _blocked([*region.resources, table, integration], integration)


def test_an_mq_broker_replicating_a_pii_broker_from_another_region_is_blocked() -> None:
    region = eu_region()
    primary = Res(
        "aws:mq/broker:Broker",
        "orders",
        {"brokerName": "orders", "engineType": "ActiveMQ", "engineVersion": "5.18", "tags": PII},
        region.provider,
    )
    replica = Res(
        "aws:mq/broker:Broker",
        "orders-mumbai",
        {
            "brokerName": "orders-mumbai",
            "engineType": "ActiveMQ",
            "engineVersion": "5.18",
            "dataReplicationMode": "CRDR",
            "dataReplicationPrimaryBrokerArn": UNKNOWN,
        },
        mumbai(),
        deps={"dataReplicationPrimaryBrokerArn": [primary]},
    )
    _blocked([*region.resources, primary, replica], replica)


def test_ecr_replication_copies_a_pii_repository_to_another_region() -> None:
    region = eu_region()
    repository = store(region, "aws:ecr/repository:Repository", "models", {"name": "models"})
    replication = Res(
        "aws:ecr/replicationConfiguration:ReplicationConfiguration",
        "to-india",
        {
            "replicationConfiguration": {
                "rules": [{"destinations": [{"region": "ap-south-1", "registryId": "123456789012"}]}]
            }
        },
        region.provider,
    )
    _blocked([*region.resources, repository, replication], replication)


def test_a_cloudfront_distribution_of_a_pii_bucket_copies_it_to_every_edge() -> None:
    region = eu_region()
    bucket = store(region, "aws:s3/bucket:Bucket", "documents", {"bucket": "documents-eu"})
    distribution = _distribution(region, [bucket])
    assert "edge caches worldwide" in _blocked([*region.resources, bucket, distribution], distribution)


def test_a_cloudfront_distribution_of_the_regional_load_balancer_serves_an_application() -> None:
    region = eu_region()
    balancer = Res(
        "aws:lb/loadBalancer:LoadBalancer",
        "alb",
        {"internal": False, "loadBalancerType": "application"},
        region.provider,
    )
    distribution = _distribution(region, [balancer])
    resources = [*region.resources, balancer, distribution]
    assert violations(resources, NO_PII) == []
    assert violations(resources, ANONYMISED_ONLY) == []


CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"


def _labelled_edge(behaviour: dict[str, object], label: str = "pii") -> tuple[list[Res], Res]:
    """A distribution in front of the regional load balancer that the program labels (w14 of reviewer
    blind-whole15: the region-pinned hostname, which the project keeps for personal data)."""
    region = eu_region()
    balancer = Res(
        "aws:lb/loadBalancer:LoadBalancer",
        "alb",
        {"internal": False, "loadBalancerType": "application"},
        region.provider,
    )
    distribution = _distribution(region, [balancer])
    distribution.props["aliases"] = ["eu.app.example.com"]
    distribution.props["tags"] = {"data-classification": label}
    distribution.props["defaultCacheBehavior"] = {
        "targetOriginId": "origin",
        "viewerProtocolPolicy": "https-only",
        "allowedMethods": ["GET", "HEAD"],
        "cachedMethods": ["GET", "HEAD"],
        **behaviour,
    }
    return [*region.resources, balancer, distribution], distribution


def test_a_distribution_labelled_pii_caches_personal_data_at_every_edge() -> None:
    resources, distribution = _labelled_edge({"cachePolicyId": CACHING_OPTIMIZED})
    assert "edge caches worldwide" in _blocked(resources, distribution)
    message = _blocked(resources, distribution, ANONYMISED_ONLY)
    assert "'edge' (pii" in message and "by its own label" in message, message


def _cache_policy(ttl: int | None) -> Res:
    ttls = {} if ttl is None else {"minTtl": 0, "defaultTtl": ttl, "maxTtl": ttl}
    return Res(
        "aws:cloudfront/cachePolicy:CachePolicy",
        "no-store",
        {
            "name": "no-store",
            **ttls,
            "parametersInCacheKeyAndForwardedToOrigin": {
                "cookiesConfig": {"cookieBehavior": "none"},
                "headersConfig": {"headerBehavior": "none"},
                "queryStringsConfig": {"queryStringBehavior": "none"},
            },
        },
        Res("pulumi:providers:aws", "global", {"region": "us-east-1"}),
    )


@pytest.mark.parametrize(
    "behaviour",
    [
        {"cachePolicyId": CACHING_DISABLED},
        {
            "forwardedValues": {"queryString": True, "cookies": {"forward": "all"}},
            "defaultTtl": 0,
            "maxTtl": 0,
        },
        "a cache policy of the stack whose TTLs are 0",
    ],
    ids=["Managed-CachingDisabled", "legacy TTLs 0", "the stack's policy, TTLs 0"],
)
def test_a_distribution_labelled_pii_that_caches_nothing_copies_nothing(behaviour: object) -> None:
    if isinstance(behaviour, dict):
        resources, _ = _labelled_edge(behaviour)
    else:
        policy = _cache_policy(0)
        resources, distribution = _labelled_edge({"cachePolicyId": UNKNOWN})
        distribution.deps["defaultCacheBehavior"] = [policy]
        resources.append(policy)
    assert violations(resources, NO_PII) == [], messages(violations(resources, NO_PII))
    assert violations(resources, ANONYMISED_ONLY) == [], messages(violations(resources, ANONYMISED_ONLY))


def test_a_distribution_labelled_pii_whose_cache_policy_keeps_responses_caches_them() -> None:
    policy = _cache_policy(None)
    resources, distribution = _labelled_edge({"cachePolicyId": UNKNOWN})
    distribution.deps["defaultCacheBehavior"] = [policy]
    assert "edge caches worldwide" in _blocked([*resources, policy], distribution)


def test_a_distribution_labelled_pii_caches_on_any_behaviour_that_caches() -> None:
    resources, distribution = _labelled_edge({"cachePolicyId": CACHING_DISABLED})
    distribution.props["orderedCacheBehaviors"] = [
        {
            "pathPattern": "/profile/*",
            "targetOriginId": "origin",
            "viewerProtocolPolicy": "https-only",
            "allowedMethods": ["GET", "HEAD"],
            "cachedMethods": ["GET", "HEAD"],
            "cachePolicyId": CACHING_OPTIMIZED,
        }
    ]
    assert "edge caches worldwide" in _blocked(resources, distribution)


def test_a_distribution_labelled_public_in_front_of_the_balancer_publishes_what_may_be_published() -> None:
    resources, _ = _labelled_edge({"cachePolicyId": CACHING_OPTIMIZED}, label="public")
    assert violations(resources, NO_PII) == []
    assert violations(resources, ANONYMISED_ONLY) == []


def test_a_cloudfront_distribution_of_public_assets_publishes_what_may_be_published() -> None:
    region = eu_region()
    assets = store(region, "aws:s3/bucket:Bucket", "assets", {"bucket": "assets-eu"}, PUBLIC)
    distribution = _distribution(region, [assets])
    resources = [*region.resources, assets, distribution]
    assert violations(resources, NO_PII) == []
    assert violations(resources, ANONYMISED_ONLY) == []


def test_a_cloudfront_distribution_of_internal_data_is_still_a_copy_elsewhere() -> None:
    region = eu_region()
    internal = {"data-classification": "internal"}
    reports = store(region, "aws:s3/bucket:Bucket", "reports", {"bucket": "reports-eu"}, internal)
    distribution = _distribution(region, [reports])
    message = _blocked([*region.resources, reports, distribution], distribution, ANONYMISED_ONLY)
    assert "reports" in message and "internal" in message


def test_a_cloudfront_distribution_of_a_public_bucket_that_received_pii_is_blocked() -> None:
    region = eu_region()
    assets = store(region, "aws:s3/bucket:Bucket", "assets", {"bucket": "assets-eu"}, PUBLIC)
    snapshot = Res(
        "aws:rds/snapshot:Snapshot",
        "pii-db-snapshot",
        {"dbInstanceIdentifier": UNKNOWN, "dbSnapshotIdentifier": "pii-db-snapshot", "tags": PII},
        region.provider,
        deps={"dbInstanceIdentifier": [region.database]},
    )
    export = Res(
        "aws:rds/exportTask:ExportTask",
        "export",
        {"sourceArn": UNKNOWN, "s3BucketName": UNKNOWN, "iamRoleArn": UNKNOWN, "kmsKeyId": UNKNOWN},
        region.provider,
        deps={"sourceArn": [snapshot], "s3BucketName": [assets]},
    )
    distribution = _distribution(region, [assets])
    resources = [*region.resources, assets, snapshot, export, distribution]
    assert "edge caches worldwide" in _blocked(resources, distribution)
    assert "labelled public" in _blocked(resources, distribution, ANONYMISED_ONLY)


def _distribution(region: Region, origins: list[Res]) -> Res:
    return Res(
        "aws:cloudfront/distribution:Distribution",
        "edge",
        {
            "enabled": True,
            "origins": [{"domainName": UNKNOWN, "originId": "origin"}],
            "defaultCacheBehavior": {"targetOriginId": "origin", "viewerProtocolPolicy": "https-only"},
            "restrictions": {"geoRestriction": {"restrictionType": "none"}},
            "viewerCertificate": {"cloudfrontDefaultCertificate": True},
        },
        Res("pulumi:providers:aws", "global", {"region": "us-east-1"}),
        deps={"origins": origins},
    )


def test_a_function_configured_with_the_pii_database_and_a_region_elsewhere_is_blocked() -> None:
    region = eu_region()
    function = function_given_the_database(
        region, {"TARGET_REGION": "ap-south-1", "TARGET_BUCKET": "exports-in"}
    )
    message = _blocked([*region.resources, function], function)
    assert "code configured with personal data and with a place elsewhere" in message


def test_a_function_configured_with_the_pii_database_in_its_own_region_is_out_of_reach() -> None:
    region = eu_region()
    function = function_given_the_database(
        region, {"TARGET_REGION": "eu-west-1", "OIDC_ISSUER": "https://login.example.com/"}
    )
    assert violations([*region.resources, function], NO_PII) == []
    assert violations([*region.resources, function], ANONYMISED_ONLY) == []


def test_a_cron_job_copying_telemetry_to_a_bucket_elsewhere_is_blocked() -> None:
    region = eu_region()
    job = Res(
        "kubernetes:batch/v1:CronJob",
        "offsite",
        {
            "metadata": {"namespace": "telemetry"},
            "spec": {
                "schedule": "@daily",
                "jobTemplate": {
                    "spec": {
                        "template": {
                            "spec": {
                                "containers": [
                                    {
                                        "name": "dump",
                                        "image": "postgres:15",
                                        "command": [
                                            "sh",
                                            "-c",
                                            "pg_dump | aws s3 cp - s3://offsite/dump.sql",
                                        ],
                                        "env": [
                                            {"name": "PGHOST", "value": UNKNOWN},
                                            {"name": "AWS_REGION", "value": "us-east-1"},
                                        ],
                                    }
                                ]
                            }
                        }
                    }
                },
            },
        },
        region.kubernetes,
        deps={"spec": [region.telemetry]},
    )
    _blocked([*region.resources, job], job, ANONYMISED_ONLY)
