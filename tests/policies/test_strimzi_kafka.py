"""Strimzi's Kafka clusters hold data on the claims of their node pools (reviewer blind-k8s12, c09).

A compliant in-cluster PII broker (a `Kafka` with an internal listener and a `KafkaNodePool` keeping its logs
on the stack's encrypted, retained class, with a `KafkaTopic` and a `KafkaUser`) was refused as untriaged.
Strimzi (kafka.strimzi.io/v1beta2, 0.45+; v1 at 1.x): a node pool's `spec.storage` is one
`persistent-claim` (its `class`) or a `jbod` of `volumes[]`, each a `persistent-claim` or an `ephemeral`
emptyDir; a Kafka without node pools keeps its brokers' claims at `spec.kafka.storage`. Its listeners
(`spec.kafka.listeners[].type`: `internal`, `cluster-ip`; `loadbalancer`, `nodeport`, `ingress`, `route`)
publish the brokers. Each test is that baseline and one change.
"""

from __future__ import annotations

import copy
from typing import Any

from tests.policies.baseline import eu_region
from tests.policies.operator_objects import custom_resource
from tests.policies.policy_harness import Res, messages, violations, violations_of_every_rule

PII = {"data-classification": "pii"}
STRIMZI = "kafka.strimzi.io/v1beta2"
CLASS = "telemetry-gp3"

POOL_SPEC: dict[str, Any] = {
    "replicas": 3,
    "roles": ["controller", "broker"],
    "storage": {
        "type": "jbod",
        "volumes": [
            {"id": 0, "type": "persistent-claim", "size": "200Gi", "class": CLASS, "deleteClaim": False}
        ],
    },
}
KAFKA_SPEC: dict[str, Any] = {
    "kafka": {
        "version": "3.9.0",
        "listeners": [{"name": "tls", "port": 9093, "type": "internal", "tls": True}],
    },
    "entityOperator": {"topicOperator": {}, "userOperator": {}},
}


def _kafka(
    pool_spec: dict[str, Any] = POOL_SPEC, kafka_spec: dict[str, Any] = KAFKA_SPEC, pool_labels: Any = PII
) -> tuple[list[Res], Res, Res]:
    region = eu_region()
    pool = custom_resource(
        region,
        STRIMZI,
        "KafkaNodePool",
        "brokers",
        copy.deepcopy(pool_spec),
        labels={"strimzi.io/cluster": "events", **pool_labels},
        protect=True,
    )
    kafka = custom_resource(
        region, STRIMZI, "Kafka", "events", copy.deepcopy(kafka_spec), labels=PII, protect=True
    )
    topic = custom_resource(
        region,
        STRIMZI,
        "KafkaTopic",
        "customers",
        {"partitions": 6, "replicas": 3},
        labels={"strimzi.io/cluster": "events"},
    )
    user = custom_resource(
        region,
        STRIMZI,
        "KafkaUser",
        "orders",
        {"authentication": {"type": "tls"}, "authorization": {"type": "simple", "acls": []}},
        labels={"strimzi.io/cluster": "events"},
    )
    return [*region.resources, pool, kafka, topic, user], pool, kafka


def test_an_in_cluster_pii_kafka_on_the_stacks_encrypted_retained_class_is_clean() -> None:
    resources, _, _ = _kafka()
    assert violations_of_every_rule(resources) == [], messages(violations_of_every_rule(resources))


def test_a_node_pool_volume_on_a_class_the_stack_does_not_declare_cannot_be_shown_encrypted() -> None:
    spec = copy.deepcopy(POOL_SPEC)
    spec["storage"]["volumes"][0]["class"] = "gp2"
    resources, pool, _ = _kafka(pool_spec=spec)
    found = [d for d in violations(resources, "pii-encryption") if d.urn == pool.urn]
    assert "gp2" in messages(found), messages(found)


def test_a_single_persistent_claim_pool_is_judged_by_its_class_too() -> None:
    spec = {**POOL_SPEC, "storage": {"type": "persistent-claim", "size": "200Gi", "class": "gp2"}}
    resources, pool, _ = _kafka(pool_spec=spec)
    found = [d for d in violations(resources, "pii-encryption") if d.urn == pool.urn]
    assert "gp2" in messages(found), messages(found)


def test_a_kafka_without_node_pools_is_judged_by_its_own_storage() -> None:
    kafka_spec = copy.deepcopy(KAFKA_SPEC)
    kafka_spec["kafka"]["storage"] = {"type": "persistent-claim", "size": "200Gi", "class": "gp2"}
    resources, _, kafka = _kafka(kafka_spec=kafka_spec)
    found = [d for d in violations(resources, "pii-encryption") if d.urn == kafka.urn]
    assert "gp2" in messages(found), messages(found)


def test_an_unclassified_node_pool_must_declare_what_it_holds() -> None:
    resources, pool, _ = _kafka(pool_labels={})
    found = [d for d in violations(resources, "data-classification-required") if d.urn == pool.urn]
    assert found, messages(violations_of_every_rule(resources))


def test_a_load_balancer_listener_publishes_the_pii_brokers() -> None:
    kafka_spec = copy.deepcopy(KAFKA_SPEC)
    kafka_spec["kafka"]["listeners"].append(
        {"name": "external", "port": 9094, "type": "loadbalancer", "tls": True}
    )
    resources, _, kafka = _kafka(kafka_spec=kafka_spec)
    found = [d for d in violations(resources, "pii-not-public") if d.urn == kafka.urn]
    assert "spec.kafka.listeners" in messages(found), messages(violations(resources, "pii-not-public"))


def test_an_internal_load_balancer_listener_is_not_public() -> None:
    kafka_spec = copy.deepcopy(KAFKA_SPEC)
    annotations = {
        "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
        "service.beta.kubernetes.io/aws-load-balancer-internal": "true",
    }
    kafka_spec["kafka"]["listeners"].append(
        {
            "name": "peers",
            "port": 9094,
            "type": "loadbalancer",
            "tls": True,
            "configuration": {
                "bootstrap": {"annotations": annotations},
                "brokers": [{"broker": 0, "annotations": annotations}],
                "loadBalancerSourceRanges": ["10.10.0.0/16"],
            },
        }
    )
    resources, _, kafka = _kafka(kafka_spec=kafka_spec)
    assert [d for d in violations(resources, "pii-not-public") if d.urn == kafka.urn] == []


def test_an_ingress_or_node_port_listener_fails_closed() -> None:
    for kind in ("ingress", "nodeport", "route"):
        kafka_spec = copy.deepcopy(KAFKA_SPEC)
        kafka_spec["kafka"]["listeners"].append({"name": "external", "port": 9094, "type": kind, "tls": True})
        resources, _, kafka = _kafka(kafka_spec=kafka_spec)
        found = [d for d in violations(resources, "pii-not-public") if d.urn == kafka.urn]
        assert found, kind


def test_an_internal_bootstrap_does_not_hide_internet_facing_broker_services() -> None:
    kafka_spec = copy.deepcopy(KAFKA_SPEC)
    annotations = {
        "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
        "service.beta.kubernetes.io/aws-load-balancer-internal": "true",
    }
    kafka_spec["kafka"]["listeners"].append(
        {
            "name": "peers",
            "port": 9094,
            "type": "loadbalancer",
            "tls": True,
            "configuration": {"bootstrap": {"annotations": annotations}},
        }
    )
    resources, _, kafka = _kafka(kafka_spec=kafka_spec)
    found = [d for d in violations(resources, "pii-not-public") if d.urn == kafka.urn]
    assert "broker Services" in messages(found), messages(violations(resources, "pii-not-public"))
