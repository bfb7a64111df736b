"""Strimzi Kafka Connect: the connectors of one Connect cluster are one worker's configuration.

A source connector takes the PII database's host from a Secret through Kafka's config provider
(`${secrets:<namespace>/<name>:<key>}`); a sink connector of the same Connect cluster (label
strimzi.io/cluster) ships the topics somewhere. The Secret is followed, and a sink's URL outside AWS is a
destination outside AWS, whatever its key.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

NO_PII = "no-pii-replication"
CONNECTORS = "kubernetes:kafka.strimzi.io/v1beta2:KafkaConnector"


def _connector(region: Region, name: str, connector_class: str, config: dict[str, Any]) -> Res:
    return Res(
        CONNECTORS,
        name,
        {
            "apiVersion": "kafka.strimzi.io/v1beta2",
            "kind": "KafkaConnector",
            "metadata": {"name": name, "namespace": "app", "labels": {"strimzi.io/cluster": "connect"}},
            "spec": {"class": connector_class, "tasksMax": 1, "config": config},
        },
        region.kubernetes,
    )


def _pipeline(region: Region, sink_class: str, sink_config: dict[str, Any]) -> list[Res]:
    secret = Res(
        "kubernetes:core/v1:Secret",
        "customers-db-conn",
        {
            "metadata": {
                "name": "customers-db-conn",
                "namespace": "app",
                "labels": {"data-classification": "internal"},
            },
            "stringData": {"host": UNKNOWN, "user": "debezium"},
        },
        region.kubernetes,
        deps={"stringData": [region.database]},
    )
    source = _connector(
        region,
        "customers-cdc",
        "io.debezium.connector.postgresql.PostgresConnector",
        {
            "database.hostname": "${secrets:app/customers-db-conn:host}",
            "database.user": "${secrets:app/customers-db-conn:user}",
            "database.dbname": "customers",
            "topic.prefix": "customers",
        },
    )
    sink = _connector(
        region, "customers-sink", sink_class, {"topics": "customers.public.customers", **sink_config}
    )
    return [*region.resources, secret, source, sink]


def test_connectors_that_keep_the_pii_topic_in_region_move_nothing_out() -> None:
    resources = _pipeline(
        eu_region(),
        "io.confluent.connect.s3.S3SinkConnector",
        {"s3.region": "eu-west-1", "s3.bucket.name": "customers-cdc-eu", "flush.size": "1000"},
    )
    assert violations(resources, NO_PII) == []


def test_a_sink_of_the_same_connect_cluster_shipping_pii_outside_aws_is_blocked() -> None:
    resources = _pipeline(
        eu_region(),
        "io.confluent.connect.http.HttpSinkConnector",
        {"http.api.url": "https://ingest.partner-analytics.example.com/v1"},
    )
    found = violations(resources, NO_PII)
    sink = next(r for r in resources if r.name == "customers-sink")
    about = messages([d for d in found if d.urn == sink.urn])
    assert "aws:rds/instance:Instance 'pii-db' (pii)" in about, messages(found)
    assert "outside AWS" in about


def test_a_sink_in_another_region_is_blocked_too() -> None:
    resources = _pipeline(
        eu_region(),
        "io.confluent.connect.s3.S3SinkConnector",
        {"s3.region": "us-east-1", "s3.bucket.name": "customers-cdc-us", "flush.size": "1000"},
    )
    assert "us-east-1" in messages(violations(resources, NO_PII))


# The Connect cluster's own mounts: the Secret reaches its connectors as a file or a variable ------------

HTTP_SINK = "io.confluent.connect.http.HttpSinkConnector"
OUTSIDE = {"http.api.url": "https://ingest.partner-analytics.example.com/v1"}
MOUNTS = {
    # Strimzi 1.x (kafka.strimzi.io/v1, packaging/install/cluster-operator/041-Crd-kafkaconnect.yaml, 1.2.0):
    # additional volumes and the Connect container's environment in the pod template.
    "a v1 pod template volume": (
        "v1",
        {"template": {"pod": {"volumes": [{"name": "db", "secret": {"secretName": "customers-db-conn"}}]}}},
    ),
    "a v1 Connect container variable": (
        "v1",
        {
            "template": {
                "connectContainer": {
                    "env": [
                        {
                            "name": "DB_HOST",
                            "valueFrom": {"secretKeyRef": {"name": "customers-db-conn", "key": "host"}},
                        }
                    ]
                }
            }
        },
    ),
    # Strimzi 0.4x (v1beta2, 041-Crd-kafkaconnect.yaml at 0.45.0): the deprecated externalConfiguration.
    "a v1beta2 external configuration variable": (
        "v1beta2",
        {
            "externalConfiguration": {
                "env": [
                    {
                        "name": "DB_HOST",
                        "valueFrom": {"secretKeyRef": {"name": "customers-db-conn", "key": "host"}},
                    }
                ]
            }
        },
    ),
    "a v1beta2 external configuration volume": (
        "v1beta2",
        {
            "externalConfiguration": {
                "volumes": [{"name": "db", "secret": {"secretName": "customers-db-conn"}}]
            }
        },
    ),
}


def _mounting_pipeline(region: Region, version: str, mounts: dict[str, Any]) -> tuple[list[Res], Res]:
    """A Connect cluster that mounts the PII database's connection Secret, whose connectors read it through
    the directory or environment config provider (no `${secrets:...}` placeholder names it)."""
    resources = _pipeline(region, HTTP_SINK, OUTSIDE)
    for connector in resources[-2:]:
        connector.type = f"kubernetes:kafka.strimzi.io/{version}:KafkaConnector"
        connector.props["apiVersion"] = f"kafka.strimzi.io/{version}"
    resources[-2].props["spec"]["config"] = {
        "database.hostname": "${env:DB_HOST}",
        "database.user": "${directory:/mnt/db:user}",
    }
    connect = Res(
        f"kubernetes:kafka.strimzi.io/{version}:KafkaConnect",
        "connect",
        {
            "apiVersion": f"kafka.strimzi.io/{version}",
            "kind": "KafkaConnect",
            "metadata": {"name": "connect", "namespace": "app"},
            "spec": {"bootstrapServers": "kafka-bootstrap:9092", "replicas": 1, **mounts},
        },
        region.kubernetes,
    )
    return [*resources, connect], connect


@pytest.mark.parametrize(("version", "mounts"), MOUNTS.values(), ids=MOUNTS.keys())
def test_a_connect_cluster_mounting_the_pii_databases_secret_ships_it_with_its_sinks(
    version: str, mounts: dict[str, Any]
) -> None:
    resources, connect = _mounting_pipeline(eu_region(), version, mounts)
    found = [d for d in violations(resources, NO_PII) if d.urn == connect.urn]
    assert found, messages(violations(resources, NO_PII))
    assert "aws:rds/instance:Instance 'pii-db' (pii)" in messages(found)


def test_a_connect_cluster_mounting_no_pii_secret_ships_nothing_personal() -> None:
    resources, connect = _mounting_pipeline(eu_region(), "v1", {})
    assert [d for d in violations(resources, NO_PII) if d.urn == connect.urn] == []


# The Connect cluster's own source: the Kafka its bootstrapServers names (reviewer blind-k8s14 a05) --------


def _archive(region: Region, region_config: dict[str, Any]) -> list[Res]:
    """A PII Strimzi Kafka `events` of namespace `kafka`, a Connect cluster on its bootstrap Service, and an
    S3 sink of its customer topics whose region is `region_config`'s."""
    kafka = Res(
        "kubernetes:kafka.strimzi.io/v1beta2:Kafka",
        "events",
        {
            "metadata": {"name": "events", "namespace": "kafka", "labels": {"data-classification": "pii"}},
            "spec": {
                "kafka": {"listeners": [{"name": "tls", "port": 9093, "type": "internal", "tls": True}]}
            },
        },
        region.kubernetes,
    )
    connect = Res(
        "kubernetes:kafka.strimzi.io/v1beta2:KafkaConnect",
        "archive",
        {
            "metadata": {"name": "archive", "namespace": "kafka"},
            "spec": {
                "bootstrapServers": "events-kafka-bootstrap.kafka.svc:9093",
                "config": {"config.providers": "configmaps"},
            },
        },
        region.kubernetes,
    )
    sink = Res(
        CONNECTORS,
        "customers-archive",
        {
            "metadata": {
                "name": "customers-archive",
                "namespace": "kafka",
                "labels": {"strimzi.io/cluster": "archive"},
            },
            "spec": {
                "class": "io.confluent.connect.s3.S3SinkConnector",
                "config": {"topics": "customers.profile", "s3.bucket.name": "acme-archive", **region_config},
            },
        },
        region.kubernetes,
    )
    return [*region.resources, kafka, connect, sink]


@pytest.mark.parametrize(("where", "blocked"), [("us-east-1", True), ("eu-west-1", False)])
def test_a_connect_cluster_on_a_pii_kafkas_bootstrap_service_ships_its_topics_where_its_sink_says(
    where: str, blocked: bool
) -> None:
    resources = _archive(eu_region(), {"s3.region": where})
    found = violations(resources, NO_PII)
    connect = next(r for r in resources if r.name == "archive")
    assert [d.urn for d in found] == ([connect.urn] if blocked else []), messages(found)
    if blocked:
        assert "kubernetes:kafka.strimzi.io/v1beta2:Kafka 'events' (pii)" in found[0].message
        assert "us-east-1" in found[0].message


def test_a_sink_region_read_through_the_config_map_provider_is_where_the_topics_go() -> None:
    region = eu_region()
    target = Res(
        "kubernetes:core/v1:ConfigMap",
        "sink-target",
        {"metadata": {"name": "sink-target", "namespace": "kafka"}, "data": {"region": "us-east-1"}},
        region.kubernetes,
    )
    resources = [*_archive(region, {"s3.region": "${configmaps:kafka/sink-target:region}"}), target]
    found = violations(resources, NO_PII)
    assert "us-east-1" in messages(found) and "'events' (pii)" in messages(found), messages(found)
