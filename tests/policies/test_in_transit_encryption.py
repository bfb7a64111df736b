"""pii-encryption judges what keeps data in transit at rest too: an SNS topic keeps its messages until they
are delivered (a FIFO topic archives them), an EventBridge bus its events, an ActiveMQ broker its persistent
messages on its storage. Each offers a customer-managed key; one that carries PII, declared or by lineage,
must use the stack's."""

from __future__ import annotations

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import store
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

POLICY = "pii-encryption"
TOPIC = "aws:sns/topic:Topic"
BUS = "aws:cloudwatch/eventBus:EventBus"
BROKER = "aws:mq/broker:Broker"
KEY_INPUTS = {TOPIC: "kmsMasterKeyId", BUS: "kmsKeyIdentifier"}


def _with_key(region: Region, resource: Res, path: str) -> Res:
    resource.props[path] = UNKNOWN
    resource.deps[path] = [region.key]
    return resource


@pytest.mark.parametrize("type_", [TOPIC, BUS])
def test_a_pii_topic_or_bus_without_a_customer_key_is_blocked(type_: str) -> None:
    region = eu_region()
    carrier = store(region, type_, "customer-events", {"name": "customer-events"})
    found = violations([*region.resources, carrier], POLICY)
    assert [d.urn for d in found] == [carrier.urn]
    assert "no customer-managed key is set" in found[0].message


def test_a_pii_topic_under_the_aws_managed_sns_key_is_blocked() -> None:
    region = eu_region()
    topic = store(
        region, TOPIC, "customer-events", {"name": "customer-events", "kmsMasterKeyId": "alias/aws/sns"}
    )
    assert "AWS-managed key" in messages(violations([*region.resources, topic], POLICY))


@pytest.mark.parametrize("type_", [TOPIC, BUS])
def test_a_pii_topic_or_bus_under_the_stacks_key_is_allowed(type_: str) -> None:
    region = eu_region()
    carrier = _with_key(region, store(region, type_, "customer-events", {"name": "x"}), KEY_INPUTS[type_])
    assert violations([*region.resources, carrier], POLICY) == []


def test_a_topic_labelled_anonymised_that_a_pipe_fills_from_a_pii_stream_is_judged_as_pii() -> None:
    region = eu_region()
    stream = _with_key(
        region, store(region, "aws:kinesis/stream:Stream", "orders", {"encryptionType": "KMS"}), "kmsKeyId"
    )
    topic = store(
        region, TOPIC, "order-events", {"name": "order-events"}, {"data-classification": "anonymised"}
    )
    pipe = Res(
        "aws:pipes/pipe:Pipe",
        "orders-to-topic",
        {"roleArn": UNKNOWN, "source": UNKNOWN, "target": UNKNOWN},
        region.provider,
        deps={"source": [stream], "target": [topic]},
    )
    found = violations([*region.resources, stream, topic, pipe], POLICY)
    assert [d.urn for d in found] == [topic.urn], messages(found)
    assert "inherited through lineage" in found[0].message


def _broker(region: Region, engine: str, encryption: dict | None) -> Res:
    props: dict = {"brokerName": "orders", "engineType": engine, "hostInstanceType": "mq.m5.large"}
    if encryption is not None:
        props["encryptionOptions"] = encryption
    return store(region, BROKER, "orders", props)


def test_an_activemq_broker_of_pii_under_the_aws_owned_key_is_blocked() -> None:
    region = eu_region()
    broker = _broker(region, "ActiveMQ", None)
    found = violations([*region.resources, broker], POLICY)
    assert {d.urn for d in found} == {broker.urn}
    assert "encryptionOptions.useAwsOwnedKey is None, must be False" in found[0].message


def test_an_activemq_broker_of_pii_under_the_stacks_key_is_allowed() -> None:
    region = eu_region()
    broker = _broker(region, "ActiveMQ", {"useAwsOwnedKey": False, "kmsKeyId": UNKNOWN})
    broker.deps["encryptionOptions"] = [region.key]
    assert violations([*region.resources, broker], POLICY) == []


def test_a_rabbitmq_broker_which_offers_no_customer_key_is_accepted() -> None:
    region = eu_region()
    assert violations([*region.resources, _broker(region, "RabbitMQ", None)], POLICY) == []
