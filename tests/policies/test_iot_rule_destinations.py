"""Where an IoT topic rule's actions deliver when they name a host, an endpoint or a bucket, not an ARN.

Reviewer blind-aws13 (a27): a PII rule whose Apache Kafka action sent patients' vital signs to brokers on a
partner's domain (`clientProperties` `bootstrap.servers`) passed, while its HTTPS action was caught: the
brokers were read only as free text, where a host outside AWS names no place. The brokers (the error action's
too), an OpenSearch action's endpoint and an S3 action's bucket are destinations of their own. Each test
changes one action of a PII rule that forwards to the stack's own stream in its region.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import PII, store
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

NO_PII = "no-pii-replication"
ANONYMISED_ONLY = "anonymised-only-replication"
RULES = (NO_PII, ANONYMISED_ONLY)
ROLE = "arn:aws:iam::123456789012:role/iot-actions"
PARTNER_BROKERS = "b-1.kafka.partner-analytics.example.com:9094,b-2.kafka.partner-analytics.example.com:9094"


def _rule(region: Region, actions: dict[str, Any], deps: dict[str, list[Res]] | None = None) -> Res:
    return Res(
        "aws:iot/topicRule:TopicRule",
        "vitals",
        {
            "name": "vitals",
            "enabled": True,
            "sql": "SELECT patient_id, heart_rate FROM 'devices/+/vitals'",
            "sqlVersion": "2016-03-23",
            **actions,
            "tags": PII,
        },
        region.provider,
        deps=deps or {},
    )


def _kafka(servers: str) -> dict[str, Any]:
    return {
        "destinationArn": "arn:aws:iot:eu-west-1:123456789012:ruledestination/vpc/0f1e2d3c",
        "topic": "vitals",
        "clientProperties": {"bootstrap.servers": servers, "security.protocol": "SSL", "acks": "1"},
    }


def _on(resources: list[Res], policy: str, rule: Res) -> str:
    return messages([d for d in violations(resources, policy) if d.urn == rule.urn])


def _stream(region: Region) -> Res:
    return store(region, "aws:kinesis/stream:Stream", "vitals-raw", {"name": "vitals-raw"})


@pytest.mark.parametrize("policy", RULES)
def test_a_pii_rule_forwarding_to_the_stacks_stream_in_its_region_stays(policy: str) -> None:
    region = eu_region()
    stream = _stream(region)
    rule = _rule(region, {"kineses": [{"streamName": UNKNOWN, "roleArn": ROLE}]}, {"kineses": [stream]})
    assert _on([*region.resources, stream, rule], policy, rule) == ""


@pytest.mark.parametrize("path", ["kafkas", "errorAction"])
@pytest.mark.parametrize("policy", RULES)
def test_a_kafka_action_to_brokers_outside_aws_sends_the_pii_outside_aws(policy: str, path: str) -> None:
    region = eu_region()
    kafka = _kafka(PARTNER_BROKERS)
    rule = _rule(region, {"kafkas": [kafka]} if path == "kafkas" else {"errorAction": {"kafka": kafka}})
    found = _on([*region.resources, rule], policy, rule)
    assert "outside AWS" in found and "partner-analytics.example.com" in found, found


@pytest.mark.parametrize("policy", RULES)
def test_a_kafka_action_to_brokers_of_an_msk_cluster_in_another_region_copies_there(policy: str) -> None:
    region = eu_region()
    rule = _rule(region, {"kafkas": [_kafka("b-1.vitals.abc123.c2.kafka.us-east-1.amazonaws.com:9094")]})
    found = _on([*region.resources, rule], policy, rule)
    assert "us-east-1" in found, found


@pytest.mark.parametrize("policy", RULES)
def test_a_kafka_action_to_the_stacks_msk_cluster_stays(policy: str) -> None:
    region = eu_region()
    cluster = store(region, "aws:msk/cluster:Cluster", "vitals-kafka", {"clusterName": "vitals-kafka"})
    kafka = _kafka(UNKNOWN)
    rule = _rule(region, {"kafkas": [kafka]}, {"kafkas": [cluster]})
    assert _on([*region.resources, cluster, rule], policy, rule) == ""


@pytest.mark.parametrize("policy", RULES)
def test_a_kafka_action_whose_brokers_are_unknown_without_lineage_cannot_be_placed(policy: str) -> None:
    region = eu_region()
    rule = _rule(region, {"kafkas": [_kafka(UNKNOWN)]})
    assert _on([*region.resources, rule], policy, rule) != ""


@pytest.mark.parametrize("policy", RULES)
def test_an_opensearch_action_to_an_endpoint_outside_aws_sends_the_pii_outside_aws(policy: str) -> None:
    region = eu_region()
    action = {
        "endpoint": "https://search.partner.example.com",
        "id": "${newuuid()}",
        "index": "v",
        "type": "_doc",
        "roleArn": ROLE,
    }
    rule = _rule(region, {"elasticsearch": [action]})
    found = _on([*region.resources, rule], policy, rule)
    assert "outside AWS" in found, found


@pytest.mark.parametrize("path", ["s3", "errorAction"])
@pytest.mark.parametrize("policy", RULES)
def test_an_s3_action_into_a_bucket_the_stack_does_not_declare_cannot_be_placed(
    policy: str, path: str
) -> None:
    region = eu_region()
    action = {"bucketName": "partner-vitals-archive", "key": "${topic()}/${timestamp()}", "roleArn": ROLE}
    rule = _rule(region, {"s3": [action]} if path == "s3" else {"errorAction": {"s3": action}})
    found = _on([*region.resources, rule], policy, rule)
    assert "cannot be traced" in found, found


@pytest.mark.parametrize("policy", RULES)
def test_an_s3_action_into_the_stacks_bucket_in_its_region_stays(policy: str) -> None:
    region = eu_region()
    bucket = store(region, "aws:s3/bucket:Bucket", "vitals-archive", {"bucket": "vitals-archive"})
    action = {"bucketName": UNKNOWN, "key": "${topic()}/${timestamp()}", "roleArn": ROLE}
    rule = _rule(region, {"s3": [action]}, {"s3": [bucket]})
    assert _on([*region.resources, bucket, rule], policy, rule) == ""
