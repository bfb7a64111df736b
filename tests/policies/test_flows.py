"""Where data flows that the pack read only in part: literals that name a resource and a place elsewhere, an
ARN of another account that shares a stack resource's name, a literal computed from a dependency it does not
name, and delivery paths outside AWS. Each test is a baseline that passes and one change that is blocked."""

from __future__ import annotations

import json
from collections.abc import Mapping

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import COPIES, PII, function_given_the_database, store
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

NO_PII = "no-pii-replication"
ANONYMISED_ONLY = "anonymised-only-replication"
ANONYMISED = {"data-classification": "anonymised"}
TELEMETRY = {"data-classification": "telemetry"}
OTHER_ACCOUNT = "999988887777"


def _blocked(resources: list[Res], copying: Res, policy: str = NO_PII) -> str:
    found = violations(resources, policy)
    assert copying.urn in [d.urn for d in found], messages(found)
    return next(d.message for d in found if d.urn == copying.urn)


# An ARN names a resource of the stack only in that resource's own account -----------------------------------


def _vault_copy(region: Region, account: str) -> tuple[Res, list[Res]]:
    vault = store(region, "aws:backup/vault:Vault", "pii-vault", {"name": "pii-vault"})
    plan, extra = COPIES["backup_copy_action_to_another_region"](region)
    plan.props["rules"][0]["copyActions"][0]["destinationVaultArn"] = (
        f"arn:aws:backup:eu-west-1:{account}:backup-vault:pii-vault"
    )
    return plan, [vault, *extra]


def test_a_copy_to_the_stacks_vault_by_its_arn_stays_in_the_account() -> None:
    region = eu_region()
    _, extra = _vault_copy(region, "123456789012")
    assert violations([*region.resources, *extra], NO_PII) == []


def test_a_vault_with_the_same_name_in_another_account_is_another_vault() -> None:
    region = eu_region()
    plan, extra = _vault_copy(region, OTHER_ACCOUNT)
    message = _blocked([*region.resources, *extra], plan)
    assert f"into account {OTHER_ACCOUNT}" in message


# A free-form value (a command line, a pipeline document) naming a stack resource and a region elsewhere -----


DUMP = "pg_dump -h $PGHOST | aws s3 cp -"


def _dump_job(region: Region, command: str) -> Res:
    return Res(
        "kubernetes:batch/v1:CronJob",
        "dump",
        {
            "metadata": {"name": "dump", "namespace": "app"},
            "spec": {
                "schedule": "0 1 * * *",
                "jobTemplate": {
                    "spec": {
                        "template": {
                            "spec": {
                                "restartPolicy": "OnFailure",
                                "containers": [
                                    {
                                        "name": "dump",
                                        "image": "example/pg-dump-awscli:17",
                                        "command": ["/bin/sh", "-c"],
                                        "args": [command],
                                        "env": [{"name": "PGHOST", "value": UNKNOWN}],
                                    }
                                ],
                            }
                        }
                    }
                },
            },
        },
        region.kubernetes,
        deps={"spec": [region.database]},
    )


def test_a_dump_job_writing_in_its_own_region_is_out_of_reach() -> None:
    region = eu_region()
    job = _dump_job(region, f"{DUMP} s3://dumps-eu/pii-db/today.dump --region eu-west-1")
    assert violations([*region.resources, job], NO_PII) == []


def test_a_dump_job_whose_command_names_the_database_and_a_region_elsewhere_is_blocked() -> None:
    region = eu_region()
    job = _dump_job(region, f"{DUMP} s3://dumps-us/pii-db/today.dump --region us-east-1")
    message = _blocked([*region.resources, job], job)
    assert "us-east-1" in message


def _ingestion(region: Region, sink_region: str) -> tuple[Res, list[Res]]:
    table = store(region, "aws:dynamodb/table:Table", "customers", {"name": "customers-table"})
    body = (
        'version: "2"\ncustomers:\n  source:\n    dynamodb:\n      tables:\n'
        '        - table_arn: "arn:aws:dynamodb:eu-west-1:123456789012:table/customers-table"\n'
        f'  sink:\n    - s3:\n        bucket: "archive"\n        aws:\n          region: "{sink_region}"\n'
    )
    pipeline = Res(
        "aws:opensearchingest/pipeline:Pipeline",
        "archive",
        {"pipelineName": "archive", "minUnits": 1, "maxUnits": 2, "pipelineConfigurationBody": body},
        region.provider,
        deps={"pipelineConfigurationBody": [table]},
    )
    return pipeline, [table, pipeline]


def test_an_ingestion_pipeline_sinking_in_its_own_region_stays() -> None:
    region = eu_region()
    _, extra = _ingestion(region, "eu-west-1")
    assert violations([*region.resources, *extra], NO_PII) == []


def test_an_ingestion_pipeline_naming_the_table_and_a_sink_region_elsewhere_is_blocked() -> None:
    region = eu_region()
    pipeline, extra = _ingestion(region, "us-east-1")
    message = _blocked([*region.resources, *extra], pipeline)
    assert "us-east-1" in message


# A literal computed from a dependency stands for it even when it names none of its known outputs ------------


def _warehouse(region: Region) -> tuple[Res, list[Res]]:
    aurora = store(region, "aws:rds/cluster:Cluster", "aurora", {"clusterIdentifier": "pii-aurora"})
    warehouse = store(
        region,
        "aws:redshift/cluster:Cluster",
        "warehouse",
        {"clusterIdentifier": "warehouse", "encrypted": True},
        tags=ANONYMISED,
    )
    copy = Res(
        "aws:redshift/snapshotCopy:SnapshotCopy",
        "warehouse-dr",
        {"clusterIdentifier": UNKNOWN, "destinationRegion": "us-east-1"},
        region.provider,
        deps={"clusterIdentifier": [warehouse]},
    )
    return copy, [aurora, warehouse, copy]


NAMESPACE = "8f1c7a2e-0000-4000-8000-000000000001"


def _integration(aurora: Res, warehouse: Res, region: Region) -> Res:
    # The namespace ARN is an output of the warehouse no state lists among its identities: only lineage says
    # that the integration writes into the warehouse.
    return Res(
        "aws:rds/integration:Integration",
        "zero-etl",
        {
            "integrationName": "zero-etl",
            "sourceArn": UNKNOWN,
            "targetArn": f"arn:aws:redshift:eu-west-1:123456789012:namespace:{NAMESPACE}",
        },
        region.provider,
        deps={"sourceArn": [aurora], "targetArn": [warehouse]},
    )


def test_an_anonymised_warehouse_may_copy_its_snapshots_abroad() -> None:
    region = eu_region()
    _, extra = _warehouse(region)
    assert violations([*region.resources, *extra], ANONYMISED_ONLY) == []


def test_a_warehouse_fed_by_a_zero_etl_integration_named_by_a_literal_arn_holds_pii() -> None:
    region = eu_region()
    copy, extra = _warehouse(region)
    aurora, warehouse = extra[0], extra[1]
    integration = _integration(aurora, warehouse, region)
    message = _blocked([*region.resources, *extra, integration], copy)
    assert "'aurora' (pii) -> aws:redshift/cluster:Cluster 'warehouse' (labelled anonymised)" in message


# Delivery outside AWS: an IoT rule's HTTPS action, code given a connection to an HTTP endpoint --------------


def _topic_rule(region: Region, actions: dict[str, object]) -> Res:
    return Res(
        "aws:iot/topicRule:TopicRule",
        "telemetry-out",
        {
            "name": "telemetry_out",
            "enabled": True,
            "sql": "SELECT * FROM 'devices/+/telemetry'",
            "sqlVersion": "2016-03-23",
            **actions,
            "tags": TELEMETRY,
        },
        region.provider,
    )


def test_an_iot_rule_forwarding_telemetry_to_an_in_region_stream_stays() -> None:
    region = eu_region()
    stream = store(region, "aws:kinesis/stream:Stream", "raw", {"name": "raw-telemetry"}, tags=TELEMETRY)
    rule = _topic_rule(
        region,
        {"kineses": [{"streamName": UNKNOWN, "roleArn": "arn:aws:iam::123456789012:role/iot"}]},
    )
    rule.deps = {"kineses": [stream]}
    assert violations([*region.resources, stream, rule], ANONYMISED_ONLY) == []


def test_an_iot_rule_forwarding_telemetry_to_an_https_endpoint_outside_aws_is_blocked() -> None:
    region = eu_region()
    rule = _topic_rule(region, {"https": [{"url": "https://ingest.us1.observability.example.com/v1/events"}]})
    message = _blocked([*region.resources, rule], rule, ANONYMISED_ONLY)
    assert "outside AWS" in message


def _state_machine(region: Region, table: Res, extra_deps: list[Res], definition: str) -> Res:
    return Res(
        "aws:sfn/stateMachine:StateMachine",
        "sync",
        {"name": "sync", "roleArn": "arn:aws:iam::123456789012:role/sfn", "definition": definition},
        region.provider,
        deps={"definition": [table, *extra_deps]},
    )


def _scan_then(table_name: str, post: Mapping[str, object]) -> str:
    return json.dumps(
        {
            "StartAt": "Scan",
            "States": {
                "Scan": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::aws-sdk:dynamodb:scan",
                    "Parameters": {"TableName": table_name},
                    "Next": "Post",
                },
                "Post": {"Type": "Task", "End": True, **post},
            },
        }
    )


def _connection(region: Region) -> Res:
    return Res(
        "aws:cloudwatch/eventConnection:EventConnection",
        "crm",
        {
            "name": "crm",
            "authorizationType": "API_KEY",
            "authParameters": {"apiKey": {"key": "x-api-key", "value": "placeholder"}},
        },
        region.provider,
    )


def test_a_state_machine_scanning_the_table_into_an_in_region_queue_stays() -> None:
    region = eu_region()
    table = store(region, "aws:dynamodb/table:Table", "customers", {"name": "customers-table"})
    queue = store(region, "aws:sqs/queue:Queue", "changes", {"name": "customer-changes"})
    post = {
        "Resource": "arn:aws:states:::sqs:sendMessage",
        "Parameters": {"QueueUrl": "https://sqs.eu-west-1.amazonaws.com/123456789012/customer-changes"},
    }
    machine = _state_machine(region, table, [queue], _scan_then("customers-table", post))
    assert violations([*region.resources, table, queue, machine], NO_PII) == []


@pytest.mark.preview_only("a definition computed from outputs is unknown only before the stack exists")
def test_a_state_machine_given_the_table_and_a_queue_fails_closed_before_its_definition_is_known() -> None:
    # Reviewer blind-data15 a18: a definition computed from the PII table names where its tasks write beside
    # the table's name, among literals no preview can read (it was judged on its references alone).
    region = eu_region()
    table = store(region, "aws:dynamodb/table:Table", "customers", {"name": "customers-table"})
    queue = store(region, "aws:sqs/queue:Queue", "changes", {"name": "customer-changes"})
    machine = _state_machine(region, table, [queue], UNKNOWN)
    message = _blocked([*region.resources, table, queue, machine], machine)
    assert "computed from aws:dynamodb/table:Table 'customers'" in message, message


def test_a_state_machine_posting_the_table_to_an_http_endpoint_is_blocked() -> None:
    region = eu_region()
    table = store(region, "aws:dynamodb/table:Table", "customers", {"name": "customers-table"})
    connection = _connection(region)
    post = {
        "Resource": "arn:aws:states:::http:invoke",
        "Parameters": {
            "ApiEndpoint": "https://api.crm.example.com/v1/customers",
            "Method": "POST",
            "Authentication": {"ConnectionArn": "arn:aws:events:eu-west-1:123456789012:connection/crm/1"},
        },
    }
    machine = _state_machine(region, table, [connection], _scan_then("customers-table", post))
    message = _blocked([*region.resources, table, connection, machine], machine)
    assert "outside AWS" in message


def test_a_state_machine_posting_to_a_url_from_its_input_through_a_connection_elsewhere_is_blocked() -> None:
    region = eu_region()
    table = store(region, "aws:dynamodb/table:Table", "customers", {"name": "customers-table"})
    post = {
        "Resource": "arn:aws:states:::http:invoke",
        "Parameters": {
            "ApiEndpoint.$": "$.target",
            "Method": "POST",
            "Authentication": {"ConnectionArn": "arn:aws:events:eu-west-1:123456789012:connection/crm/1"},
        },
    }
    machine = _state_machine(region, table, [], _scan_then("customers-table", post))
    message = _blocked([*region.resources, table, machine], machine)
    assert "outside AWS" in message


def test_a_state_machine_given_the_table_and_an_http_connection_is_blocked_before_it_is_known() -> None:
    region = eu_region()
    table = store(region, "aws:dynamodb/table:Table", "customers", {"name": "customers-table"})
    connection = _connection(region)
    machine = _state_machine(region, table, [connection], UNKNOWN)
    message = _blocked([*region.resources, table, connection, machine], machine)
    assert "outside AWS" in message


# Kubernetes: an internet-facing Ingress publishes what its Services select ----------------------------------

EXPOSED = "pii-not-public"


def _pii_database_in_the_cluster(region: Region) -> Res:
    labels = {"app": "customers-db", **PII}
    return Res(
        "kubernetes:apps/v1:StatefulSet",
        "customers-db",
        {
            "metadata": {"name": "customers-db", "namespace": "app", "labels": labels},
            "spec": {
                "serviceName": "customers-db",
                "selector": {"matchLabels": {"app": "customers-db"}},
                "persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Retain", "whenScaled": "Retain"},
                "template": {"metadata": {"labels": labels}},
                "volumeClaimTemplates": [
                    {
                        "metadata": {"name": "data", "labels": PII},
                        "spec": {
                            "storageClassName": "telemetry-gp3",
                            "accessModes": ["ReadWriteOnce"],
                            "resources": {"requests": {"storage": "100Gi"}},
                        },
                    }
                ],
            },
        },
        region.kubernetes,
        protect=True,
    )


def _service(region: Region, name: str, app: str) -> Res:
    return Res(
        "kubernetes:core/v1:Service",
        name,
        {
            "metadata": {"name": name, "namespace": "app"},
            "spec": {"selector": {"app": app}, "ports": [{"port": 80, "targetPort": 8080}]},
        },
        region.kubernetes,
    )


def _ingress(region: Region, service: str, scheme: str) -> Res:
    return Res(
        "kubernetes:networking.k8s.io/v1:Ingress",
        "front",
        {
            "metadata": {
                "name": "front",
                "namespace": "app",
                "annotations": {"alb.ingress.kubernetes.io/scheme": scheme},
            },
            "spec": {
                "ingressClassName": "alb",
                "rules": [
                    {
                        "http": {
                            "paths": [
                                {
                                    "path": "/",
                                    "pathType": "Prefix",
                                    "backend": {"service": {"name": service, "port": {"number": 80}}},
                                }
                            ]
                        }
                    }
                ],
            },
        },
        region.kubernetes,
    )


def _deployment(region: Region, app: str) -> Res:
    return Res(
        "kubernetes:apps/v1:Deployment",
        app,
        {
            "metadata": {"name": app, "namespace": "app"},
            "spec": {
                "selector": {"matchLabels": {"app": app}},
                "template": {
                    "metadata": {"labels": {"app": app}},
                    "spec": {"containers": [{"name": app, "image": f"example/{app}:1.0"}]},
                },
            },
        },
        region.kubernetes,
    )


def test_an_internal_ingress_to_the_pii_database_stays_private() -> None:
    region = eu_region()
    database = _pii_database_in_the_cluster(region)
    service = _service(region, "customers-db", "customers-db")
    ingress = _ingress(region, "customers-db", "internal")
    assert violations([*region.resources, database, service, ingress], EXPOSED) == []


def test_an_internet_facing_ingress_to_the_pii_database_is_blocked() -> None:
    region = eu_region()
    database = _pii_database_in_the_cluster(region)
    service = _service(region, "customers-db", "customers-db")
    ingress = _ingress(region, "customers-db", "internet-facing")
    message = _blocked([*region.resources, database, service, ingress], ingress, EXPOSED)
    assert "StatefulSet 'customers-db'" in message


def test_an_internet_facing_ingress_to_an_application_the_stack_declares_is_out_of_reach() -> None:
    region = eu_region()
    database = _pii_database_in_the_cluster(region)
    app = _deployment(region, "api")
    service = _service(region, "api", "api")
    ingress = _ingress(region, "api", "internet-facing")
    assert violations([*region.resources, database, app, service, ingress], EXPOSED) == []


def test_an_internet_facing_ingress_to_pods_the_stack_does_not_declare_fails_closed() -> None:
    region = eu_region()
    database = _pii_database_in_the_cluster(region)
    service = _service(region, "pgweb", "pgweb")
    ingress = _ingress(region, "pgweb", "internet-facing")
    message = _blocked([*region.resources, database, service, ingress], ingress, EXPOSED)
    assert "cannot be seen" in message


def _database_door(region: Region, scheme: str, selector: object) -> list[Res]:
    """A LoadBalancer Service whose endpoints are set by hand (an EndpointSlice to an address in the VPC)."""
    spec: dict[str, object] = {
        "type": "LoadBalancer",
        "loadBalancerClass": "service.k8s.aws/nlb",
        "ports": [{"port": 5432, "targetPort": 5432}],
    }
    if selector is not None:
        spec["selector"] = selector
    service = Res(
        "kubernetes:core/v1:Service",
        "db-door",
        {
            "metadata": {
                "name": "db-door",
                "namespace": "app",
                "annotations": {"service.beta.kubernetes.io/aws-load-balancer-scheme": scheme},
            },
            "spec": spec,
        },
        region.kubernetes,
    )
    endpoints = Res(
        "kubernetes:discovery.k8s.io/v1:EndpointSlice",
        "db-door-1",
        {
            "metadata": {
                "name": "db-door-1",
                "namespace": "app",
                "labels": {"kubernetes.io/service-name": "db-door"},
            },
            "addressType": "IPv4",
            "endpoints": [{"addresses": ["10.0.20.15"]}],
            "ports": [{"port": 5432}],
        },
        region.kubernetes,
    )
    return [service, endpoints]


def test_an_internal_service_without_a_selector_stays_private() -> None:
    region = eu_region()
    extra = _database_door(region, "internal", None)
    assert violations([*region.resources, *extra], EXPOSED) == []


def test_an_internet_facing_service_with_a_selector_for_declared_pods_is_out_of_reach() -> None:
    region = eu_region()
    extra = _database_door(region, "internet-facing", {"app": "api"})
    assert violations([*region.resources, _deployment(region, "api"), *extra], EXPOSED) == []


def test_an_internet_facing_service_without_a_selector_fails_closed_in_a_stack_with_pii() -> None:
    # Its EndpointSlice may name the PII database's address, which admits the nodes the balancer reaches.
    region = eu_region()
    extra = _database_door(region, "internet-facing", None)
    message = _blocked([*region.resources, *extra], extra[0], EXPOSED)
    assert "cannot be seen" in message and "selector is empty or missing" in message


@pytest.mark.preview_only("a selector computed from other resources is unknown only at a first preview")
def test_an_internet_facing_service_whose_selector_is_unknown_fails_closed() -> None:
    region = eu_region()
    extra = _database_door(region, "internet-facing", UNKNOWN)
    message = _blocked([*region.resources, *extra], extra[0], EXPOSED)
    assert "unknown at preview" in message


# Kubernetes: a generic ephemeral volume is a claim the pod template creates ---------------------------------


def _plain_class(region: Region) -> Res:
    return Res(
        "kubernetes:storage.k8s.io/v1:StorageClass",
        "gp2-plain",
        {"metadata": {"name": "gp2-plain"}, "provisioner": "ebs.csi.aws.com", "parameters": {"type": "gp2"}},
        region.kubernetes,
    )


def _worker_with_scratch(region: Region, storage_class: str, labels: dict[str, str] | None) -> Res:
    template: dict[str, object] = {
        "spec": {
            "accessModes": ["ReadWriteOnce"],
            "storageClassName": storage_class,
            "resources": {"requests": {"storage": "200Gi"}},
        }
    }
    if labels is not None:
        template["metadata"] = {"labels": labels}
    return Res(
        "kubernetes:apps/v1:Deployment",
        "export-worker",
        {
            "metadata": {"name": "export-worker", "namespace": "app", "labels": {"app": "export-worker"}},
            "spec": {
                "selector": {"matchLabels": {"app": "export-worker"}},
                "template": {
                    "metadata": {"labels": {"app": "export-worker"}},
                    "spec": {
                        "containers": [
                            {
                                "name": "worker",
                                "image": "example/export-worker:1.4.2",
                                "volumeMounts": [{"name": "scratch", "mountPath": "/scratch"}],
                            }
                        ],
                        "volumes": [{"name": "scratch", "ephemeral": {"volumeClaimTemplate": template}}],
                    },
                },
            },
        },
        region.kubernetes,
    )


def test_an_ephemeral_pii_volume_on_the_encrypted_class_is_allowed() -> None:
    region = eu_region()
    worker = _worker_with_scratch(region, "telemetry-gp3", PII)
    assert violations([*region.resources, worker], "pii-encryption") == []
    assert violations([*region.resources, worker], "data-classification-required") == []
    assert violations([*region.resources, worker], "pii-no-data-loss") == []


def test_an_ephemeral_pii_volume_on_an_unencrypted_class_is_blocked() -> None:
    region = eu_region()
    worker = _worker_with_scratch(region, "gp2-plain", PII)
    message = _blocked([*region.resources, _plain_class(region), worker], worker, "pii-encryption")
    assert "parameters.encrypted" in message


def test_an_unlabelled_ephemeral_volume_is_an_unclassified_data_holder() -> None:
    region = eu_region()
    worker = _worker_with_scratch(region, "telemetry-gp3", None)
    message = _blocked([*region.resources, worker], worker, "data-classification-required")
    assert "ephemeral volume 'scratch'" in message


# Kubernetes: a workload is configured by the ConfigMaps it mounts, and a resident label says what it reads --


def _collector(region: Region, exporters: dict[str, object]) -> list[Res]:
    config = {
        "receivers": {"otlp": {"protocols": {"grpc": {}, "http": {}}}},
        "exporters": exporters,
        "service": {"pipelines": {"traces": {"receivers": ["otlp"], "exporters": sorted(exporters)}}},
    }
    config_map = Res(
        "kubernetes:core/v1:ConfigMap",
        "collector-config",
        {
            "metadata": {"name": "collector-config", "namespace": "observability"},
            "data": {"config.yaml": json.dumps(config)},
        },
        region.kubernetes,
    )
    labels = {"app": "collector", **TELEMETRY}
    collector = Res(
        "kubernetes:apps/v1:DaemonSet",
        "collector",
        {
            "metadata": {"name": "collector", "namespace": "observability", "labels": labels},
            "spec": {
                "selector": {"matchLabels": {"app": "collector"}},
                "template": {
                    "metadata": {"labels": labels},
                    "spec": {
                        "containers": [
                            {
                                "name": "collector",
                                "image": "otel/opentelemetry-collector-contrib:0.120.0",
                                "args": ["--config=/conf/config.yaml"],
                                "volumeMounts": [{"name": "conf", "mountPath": "/conf"}],
                            }
                        ],
                        "volumes": [{"name": "conf", "configMap": {"name": "collector-config"}}],
                    },
                },
            },
        },
        region.kubernetes,
    )
    return [config_map, collector]


IN_REGION_EXPORTERS = {
    "awss3": {"s3uploader": {"region": "eu-west-1", "s3_bucket": "telemetry-eu"}},
    "otlphttp": {"endpoint": "http://timescaledb.telemetry.svc.cluster.local:4318"},
}


def test_a_telemetry_collector_exporting_in_its_region_stays() -> None:
    region = eu_region()
    extra = _collector(region, IN_REGION_EXPORTERS)
    assert violations([*region.resources, *extra], ANONYMISED_ONLY) == []


def test_a_telemetry_collector_whose_mounted_config_exports_to_another_region_is_blocked() -> None:
    region = eu_region()
    exporters = {**IN_REGION_EXPORTERS, "awss3": {"s3uploader": {"region": "us-east-1", "s3_bucket": "t-us"}}}
    extra = _collector(region, exporters)
    message = _blocked([*region.resources, *extra], extra[1], ANONYMISED_ONLY)
    assert "us-east-1" in message


def test_a_telemetry_collector_exporting_to_an_endpoint_outside_aws_is_blocked() -> None:
    region = eu_region()
    exporters = {
        **IN_REGION_EXPORTERS,
        "otlphttp": {"endpoint": "https://otlp.us1.observability.example.com"},
    }
    extra = _collector(region, exporters)
    message = _blocked([*region.resources, *extra], extra[1], ANONYMISED_ONLY)
    assert "outside AWS" in message


def test_a_telemetry_collector_exporting_to_a_host_and_port_outside_aws_without_a_scheme_is_blocked() -> None:
    # The otlp (gRPC) exporter's endpoint is usually written host:port, with no scheme.
    region = eu_region()
    exporters = {**IN_REGION_EXPORTERS, "otlp": {"endpoint": "ingest.vendor.example.com:4317"}}
    extra = _collector(region, exporters)
    message = _blocked([*region.resources, *extra], extra[1], ANONYMISED_ONLY)
    assert "outside AWS" in message


def test_a_telemetry_collector_exporting_to_a_host_and_port_in_the_cluster_without_a_scheme_stays() -> None:
    region = eu_region()
    exporters = {**IN_REGION_EXPORTERS, "otlp": {"endpoint": "collector.telemetry.svc.cluster.local:4317"}}
    extra = _collector(region, exporters)
    assert violations([*region.resources, *extra], ANONYMISED_ONLY) == []


@pytest.mark.preview_only("a document computed from other resources is unknown only at a first preview")
def test_an_ingestion_pipeline_whose_document_is_unknown_at_preview_fails_closed() -> None:
    region = eu_region()
    pipeline, extra = _ingestion(region, "eu-west-1")
    pipeline.props["pipelineConfigurationBody"] = UNKNOWN
    message = _blocked([*region.resources, *extra], pipeline)
    assert "unknown at preview" in message


def _literal_integration(aurora: Res, region: Region) -> Res:
    integration = _integration(aurora, aurora, region)
    integration.deps = {"sourceArn": [aurora]}
    return integration


def test_a_zero_etl_integration_into_a_namespace_outside_the_stack_leaves_the_warehouse_as_labelled() -> None:
    region = eu_region()
    _, extra = _warehouse(region)
    aurora, warehouse = extra[0], extra[1]
    warehouse.props["clusterNamespaceArn"] = "arn:aws:redshift:eu-west-1:123456789012:namespace:0000"
    integration = _literal_integration(aurora, region)
    assert violations([*region.resources, *extra, integration], ANONYMISED_ONLY) == []


def test_a_literal_namespace_arn_names_the_warehouse_whose_namespace_it_is() -> None:
    region = eu_region()
    copy, extra = _warehouse(region)
    aurora, warehouse = extra[0], extra[1]
    warehouse.props["clusterNamespaceArn"] = f"arn:aws:redshift:eu-west-1:123456789012:namespace:{NAMESPACE}"
    integration = _literal_integration(aurora, region)
    _blocked([*region.resources, *extra, integration], copy)


@pytest.mark.preview_only(
    "a first preview knows no generated ARN; once deployed the namespace ARN is an output"
)
def test_a_literal_generated_arn_may_name_the_stacks_warehouse_while_its_arn_is_unknown() -> None:
    region = eu_region()
    copy, extra = _warehouse(region)
    aurora = extra[0]
    integration = _literal_integration(aurora, region)
    message = _blocked([*region.resources, *extra, integration], copy)
    assert "(labelled anonymised)" in message


def _role(region: Region, reads: str) -> Res:
    trust = {"Effect": "Allow", "Principal": {"Service": "states.amazonaws.com"}, "Action": "sts:AssumeRole"}
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": reads}]}
    return Res(
        "aws:iam/role:Role",
        "sync",
        {
            "assumeRolePolicy": json.dumps({"Version": "2012-10-17", "Statement": [trust]}),
            "inlinePolicies": [{"name": "read", "policy": json.dumps(policy)}],
        },
        region.provider,
    )


TABLE_ARN = "arn:aws:dynamodb:eu-west-1:123456789012:table/customers-table"
CONNECTION_SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:events!connection/crm/*"


def _machine_with_role(region: Region, table: Res, role: Res) -> Res:
    connection = _connection(region)
    machine = _state_machine(region, table, [connection], UNKNOWN)
    machine.props["roleArn"] = UNKNOWN
    machine.deps = {"definition": [connection], "roleArn": [role]}
    return machine


def test_a_state_machine_whose_role_reads_nothing_resident_may_post_to_http() -> None:
    region = eu_region()
    table = store(region, "aws:dynamodb/table:Table", "customers", {"name": "customers-table"})
    role = _role(region, CONNECTION_SECRET)
    machine = _machine_with_role(region, table, role)
    assert violations([*region.resources, table, role, machine], NO_PII) == []


def test_a_state_machine_whose_role_reads_the_pii_table_and_posts_to_http_is_blocked() -> None:
    region = eu_region()
    table = store(region, "aws:dynamodb/table:Table", "customers", {"name": "customers-table"})
    role = _role(region, TABLE_ARN)
    machine = _machine_with_role(region, table, role)
    message = _blocked([*region.resources, table, role, machine], machine)
    assert "outside AWS" in message


def test_a_function_given_the_pii_database_and_an_identity_provider_url_is_out_of_reach() -> None:
    region = eu_region()
    function = function_given_the_database(region, {"OIDC_ISSUER": "https://login.example.com/"})
    assert violations([*region.resources, function], NO_PII) == []


def test_a_function_given_the_pii_database_and_a_webhook_outside_aws_is_blocked() -> None:
    region = eu_region()
    function = function_given_the_database(
        region, {"WEBHOOK_URL": "https://hooks.example.com/services/T000/B000"}
    )
    message = _blocked([*region.resources, function], function)
    assert "outside AWS" in message


def test_a_state_machine_whose_role_reads_every_store_and_posts_to_http_is_blocked() -> None:
    region = eu_region()
    table = store(region, "aws:dynamodb/table:Table", "customers", {"name": "customers-table"})
    role = _role(region, "*")
    machine = _machine_with_role(region, table, role)
    message = _blocked([*region.resources, table, role, machine], machine)
    assert "outside AWS" in message


# An API Gateway service integration calls an AWS service's API in the region its URI names -----------------


def _table_integration(region: Region, uri_region: str) -> tuple[Res, list[Res]]:
    table = store(region, "aws:dynamodb/table:Table", "customers", {"name": "customers-table"})
    api = Res("aws:apigateway/restApi:RestApi", "customers-api", {"name": "customers-api"}, region.provider)
    integration = Res(
        "aws:apigateway/integration:Integration",
        "customers-get",
        {
            "restApi": UNKNOWN,
            "resourceId": UNKNOWN,
            "httpMethod": "GET",
            "type": "AWS",
            "integrationHttpMethod": "POST",
            "uri": f"arn:aws:apigateway:{uri_region}:dynamodb:action/GetItem",
            "credentials": "arn:aws:iam::123456789012:role/customers-api",
            "requestTemplates": {
                "application/json": json.dumps(
                    {"TableName": "customers-table", "Key": {"id": {"S": "$input.params('id')"}}}
                )
            },
        },
        region.provider,
        deps={"restApi": [api], "resourceId": [api]},
    )
    return integration, [table, api, integration]


def test_an_api_integration_calling_the_service_api_in_its_own_region_stays_in_the_account() -> None:
    # The ARN's fifth field is the service (dynamodb), not an account: the call is in the caller's account.
    region = eu_region()
    _, extra = _table_integration(region, "eu-west-1")
    assert violations([*region.resources, *extra], NO_PII) == []
    assert violations([*region.resources, *extra], ANONYMISED_ONLY) == []


def test_an_api_integration_calling_the_service_api_of_another_region_is_blocked() -> None:
    region = eu_region()
    integration, extra = _table_integration(region, "us-east-1")
    message = _blocked([*region.resources, *extra], integration)
    assert "us-east-1" in message and "into account dynamodb" not in message


# Code's configuration naming another account by a bare id: an SDK call may share or write there ---------


def _nightly_export(region: Region, bucket_owner: str) -> tuple[Res, list[Res]]:
    table = store(region, "aws:dynamodb/table:Table", "customers", {"name": "customers-table"})
    schedule = Res(
        "aws:scheduler/schedule:Schedule",
        "nightly-export",
        {
            "name": "nightly-export",
            "scheduleExpression": "cron(0 2 * * ? *)",
            "flexibleTimeWindow": {"mode": "OFF"},
            "target": {
                "arn": "arn:aws:scheduler:::aws-sdk:dynamodb:exportTableToPointInTime",
                "roleArn": "arn:aws:iam::123456789012:role/nightly-export",
                "input": json.dumps(
                    {
                        "TableArn": TABLE_ARN,
                        "S3Bucket": "customers-exports-eu",
                        "S3BucketOwner": bucket_owner,
                        "ExportFormat": "DYNAMODB_JSON",
                    }
                ),
            },
        },
        region.provider,
    )
    return schedule, [table, schedule]


def test_a_schedule_exporting_the_table_into_the_stacks_bucket_stays() -> None:
    region = eu_region()
    _, extra = _nightly_export(region, "123456789012")
    exports = store(region, "aws:s3/bucket:Bucket", "exports", {"bucket": "customers-exports-eu"})
    assert violations([*region.resources, *extra, exports], NO_PII) == []


def test_a_schedule_exporting_the_table_into_a_bucket_the_stack_does_not_declare_fails_closed() -> None:
    # S3's namespace is global and the export names no region: the bucket may be anywhere, whatever its
    # owner (S3BucketOwner pins the account, not the region).
    region = eu_region()
    schedule, extra = _nightly_export(region, "123456789012")
    message = _blocked([*region.resources, *extra], schedule)
    assert "customers-exports-eu (S3Bucket of dynamodb:exportTableToPointInTime: an S3 bucket this stack" in (
        message
    )


def test_a_schedule_exporting_the_table_into_another_accounts_bucket_is_blocked() -> None:
    region = eu_region()
    schedule, extra = _nightly_export(region, OTHER_ACCOUNT)
    message = _blocked([*region.resources, *extra], schedule)
    assert f"account {OTHER_ACCOUNT}" in message


@pytest.mark.preview_only("an input computed from other resources is unknown only at a first preview")
def test_a_schedule_sharing_a_snapshot_with_an_input_unknown_at_preview_fails_closed() -> None:
    region = eu_region()
    snapshot = _weekly_snapshot(region)
    schedule, _ = _nightly_export(region, "123456789012")
    schedule.props["target"]["arn"] = "arn:aws:scheduler:::aws-sdk:rds:modifyDBSnapshotAttribute"
    schedule.props["target"]["input"] = UNKNOWN
    schedule.deps = {"target": [snapshot]}
    message = _blocked([*region.resources, snapshot, schedule], schedule)
    assert "unknown at preview" in message


def test_a_schedule_stopping_the_database_at_night_moves_nothing() -> None:
    region = eu_region()
    schedule, _ = _nightly_export(region, "123456789012")
    schedule.props["target"]["arn"] = "arn:aws:scheduler:::aws-sdk:rds:stopDBInstance"
    schedule.props["target"]["input"] = UNKNOWN
    schedule.deps = {"target": [region.database]}
    assert violations([*region.resources, schedule], NO_PII) == []


def _weekly_snapshot(region: Region) -> Res:
    return Res(
        "aws:rds/snapshot:Snapshot",
        "pii-db-weekly",
        {"dbInstanceIdentifier": UNKNOWN, "dbSnapshotIdentifier": "pii-db-weekly", "tags": dict(PII)},
        region.provider,
        protect=True,
        deps={"dbInstanceIdentifier": [region.database]},
    )


@pytest.mark.parametrize("account", ["123456789012", OTHER_ACCOUNT])
def test_a_schedule_whose_input_is_computed_from_the_snapshot_is_judged_on_the_account_it_names(
    account: str,
) -> None:
    # The input names the snapshot it was computed from and, beside it, the account it shares it with.
    region = eu_region()
    snapshot = _weekly_snapshot(region)
    schedule, _ = _nightly_export(region, "123456789012")
    schedule.props["target"]["arn"] = "arn:aws:scheduler:::aws-sdk:rds:modifyDBSnapshotAttribute"
    schedule.props["target"]["input"] = json.dumps(
        {"DbSnapshotIdentifier": "pii-db-weekly", "AttributeName": "restore", "ValuesToAdd": [account]}
    )
    schedule.deps = {"target": [snapshot]}
    if account == OTHER_ACCOUNT:
        assert f"account {OTHER_ACCOUNT}" in _blocked([*region.resources, snapshot, schedule], schedule)
    else:
        assert violations([*region.resources, snapshot, schedule], NO_PII) == []
