"""An Argo Events Sensor triggers with the events of its event sources (reviewer issue #8, Kubernetes case 5).

The baseline is a PII SQS queue of the stack that an Argo Events EventSource reads (`spec.sqs`), and a Sensor
that depends on it and posts each event to a notifier Service in the cluster. Both are code: the EventSource
reads the queue, the Sensor sends what its event sources read where its triggers say. Each test changes one
trigger: an HTTP URL, a Kafka broker or a dead-letter trigger on the internet, a Slack message, a Lambda
invocation in another region, a URL unknown at preview; and one changes the event source to one that reads
no personal data.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.policies.baseline import eu_region
from tests.policies.copies import store
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

NO_PII = "no-pii-replication"
TRIAGED = "resource-type-triaged"
EVENTS = "kubernetes:argoproj.io/v1alpha1"
IN_CLUSTER = {"http": {"url": "http://notifier.app.svc.cluster.local:8080/events", "method": "POST"}}


def _case(trigger: dict[str, Any] | None = None, reads_pii: bool = True) -> tuple[list[Res], Res]:
    region = eu_region()
    queue = store(region, "aws:sqs/queue:Queue", "customer-events", {"name": "customer-events"})
    source_spec: dict[str, Any] = (
        {
            "sqs": {
                "orders": {"region": "eu-west-1", "queue": UNKNOWN, "jsonBody": True, "waitTimeSeconds": 20}
            }
        }
        if reads_pii
        else {"webhook": {"orders": {"port": "12000", "endpoint": "/orders", "method": "POST"}}}
    )
    event_source = Res(
        f"{EVENTS}:EventSource",
        "orders",
        {"metadata": {"name": "orders", "namespace": "app"}, "spec": source_spec},
        region.kubernetes,
        deps={"spec": [queue]} if reads_pii else {},
    )
    template = {"name": "notify", **(trigger or IN_CLUSTER)}
    sensor = Res(
        f"{EVENTS}:Sensor",
        "orders",
        {
            "metadata": {"name": "orders", "namespace": "app"},
            "spec": {
                "dependencies": [{"name": "order", "eventSourceName": "orders", "eventName": "orders"}],
                "triggers": [
                    {
                        "template": template,
                        "parameters": [
                            {"src": {"dependencyName": "order", "dataKey": "body"}, "dest": "body"}
                        ],
                    }
                ],
            },
        },
        region.kubernetes,
    )
    return [*region.resources, queue, event_source, sensor], sensor


def _about(resources: list[Res], sensor: Res, policy: str = NO_PII) -> str:
    return messages([d for d in violations(resources, policy) if d.urn == sensor.urn])


def test_a_sensor_posting_the_events_to_a_service_of_its_cluster_stays() -> None:
    resources, _ = _case()
    assert violations(resources, NO_PII) == []
    assert violations(resources, TRIAGED) == []


OUTSIDE: dict[str, dict[str, Any]] = {
    "an HTTP trigger": {"http": {"url": "https://hooks.partner.example/orders", "method": "POST"}},
    "a Kafka trigger": {
        "kafka": {"url": "broker-1.partner.example:9092,broker-2.partner.example:9092", "topic": "orders"}
    },
    "a Slack trigger": {"slack": {"channel": "orders", "slackToken": {"name": "slack", "key": "token"}}},
    "an e-mail trigger": {
        "email": {"host": "smtp.mailer.example.com", "port": 587, "to": ["ops@example.com"]}
    },
}


@pytest.mark.parametrize("trigger", OUTSIDE.values(), ids=list(OUTSIDE))
def test_a_sensor_fed_personal_data_that_triggers_outside_aws_is_blocked(trigger: dict[str, Any]) -> None:
    resources, sensor = _case(trigger)
    shown = _about(resources, sensor)
    assert "outside AWS" in shown and "customer-events" in shown


def test_a_dead_letter_trigger_outside_aws_is_blocked() -> None:
    resources, sensor = _case()
    sensor.props["spec"]["triggers"][0]["dlqTrigger"] = {
        "template": {"name": "dlq", "http": {"url": "https://dlq.partner.example/in"}}
    }
    assert "dlq.partner.example" in _about(resources, sensor)


def test_a_lambda_trigger_in_another_region_is_blocked() -> None:
    resources, sensor = _case({"awsLambda": {"functionName": "notify", "region": "us-east-1"}})
    assert "us-east-1" in _about(resources, sensor)


@pytest.mark.preview_only("a URL computed from another resource is known once deployed")
def test_a_trigger_url_unknown_at_preview_fails_closed() -> None:
    resources, sensor = _case({"http": {"url": UNKNOWN}})
    assert "unknown at preview" in _about(resources, sensor)


def test_a_sensor_whose_event_source_reads_no_personal_data_may_trigger_anywhere() -> None:
    resources, _ = _case(OUTSIDE["an HTTP trigger"], reads_pii=False)
    assert violations(resources, NO_PII) == []
