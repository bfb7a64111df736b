"""Knative Eventing relays what it is sent: code that posts CloudEvents to a Broker's address
(`broker-ingress.<system namespace>.svc.cluster.local/<namespace>/<broker>`) or to a channel's Service
(`<channel>-kn-channel.<namespace>`) hands the Triggers on that Broker and the Subscriptions on that channel
what it reads, and each delivers it to its subscriber, reply or dead-letter sink (reviewer blind-k8s14 a07).
Each test is the compliant baseline, a PII Deployment posting to the Broker or channel, and one delivery."""

from __future__ import annotations

from typing import Any

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import PII
from tests.policies.operator_objects import custom_resource
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations, violations_of_every_rule

NO_PII = "no-pii-replication"
OUTSIDE = "https://hooks.crm-partner.example.net/knative/customers"
BROKER_ADDRESS = "http://broker-ingress.knative-eventing.svc.cluster.local/app/default"
CHANNEL_ADDRESS = "http://customers-kn-channel.app.svc.cluster.local"


def _sender(region: Region, sink: str) -> Res:
    """The PII service, reading the database and posting its events to `K_SINK`."""
    container = {
        "name": "accounts",
        "image": "registry.example.com/accounts:1.4.2",
        "env": [{"name": "DB_HOST", "value": UNKNOWN}, {"name": "K_SINK", "value": sink}],
    }
    return Res(
        "kubernetes:apps/v1:Deployment",
        "accounts",
        {
            "metadata": {"name": "accounts", "namespace": "app", "labels": dict(PII)},
            "spec": {
                "selector": {"matchLabels": {"app": "accounts"}},
                "template": {
                    "metadata": {"labels": {"app": "accounts"}},
                    "spec": {"containers": [container]},
                },
            },
        },
        region.kubernetes,
        deps={"spec": [region.database]},
    )


def _broker(region: Region, delivery: dict[str, Any] | None = None) -> Res:
    return custom_resource(
        region, "eventing.knative.dev/v1", "Broker", "default", {"delivery": delivery or {}}
    )


def _subscriber(uri: str | None) -> dict[str, Any]:
    if uri is None:
        return {"ref": {"apiVersion": "v1", "kind": "Service", "name": "crm-sync"}}
    return {"uri": uri}


def _trigger(region: Region, subscriber: dict[str, Any], broker: str = "default") -> Res:
    return custom_resource(
        region,
        "eventing.knative.dev/v1",
        "Trigger",
        "crm-sync",
        {
            "broker": broker,
            "filter": {"attributes": {"type": "com.acme.customer.created"}},
            "subscriber": subscriber,
        },
    )


def _blocked_on(resources: list[Res], relay: Res) -> str:
    found = violations(resources, NO_PII)
    assert [d.urn for d in found] == [relay.urn], messages(found)
    return found[0].message


def test_a_trigger_delivering_a_pii_senders_events_outside_aws_is_blocked() -> None:
    region = eu_region()
    trigger = _trigger(region, _subscriber(OUTSIDE))
    resources = [*region.resources, _broker(region), _sender(region, BROKER_ADDRESS), trigger]
    message = _blocked_on(resources, trigger)
    assert "what kubernetes:apps/v1:Deployment 'accounts' reads" in message
    assert "the Knative broker app/default" in message
    assert "hooks.crm-partner.example.net" in message


@pytest.mark.parametrize("uri", [None, "http://crm-sync.app.svc.cluster.local/events"])
def test_a_trigger_delivering_to_a_service_of_the_cluster_is_clean(uri: str | None) -> None:
    region = eu_region()
    resources = [*region.resources, _broker(region), _sender(region, BROKER_ADDRESS)]
    resources.append(_trigger(region, _subscriber(uri)))
    assert violations_of_every_rule(resources) == [], messages(violations_of_every_rule(resources))


def test_a_trigger_on_another_broker_is_not_sent_what_the_pii_sender_reads() -> None:
    region = eu_region()
    resources = [*region.resources, _broker(region), _sender(region, BROKER_ADDRESS)]
    resources.append(_trigger(region, _subscriber(OUTSIDE), broker="marketing"))
    assert violations(resources, NO_PII) == [], messages(violations(resources, NO_PII))


def test_a_trigger_whose_dead_letter_sink_is_outside_aws_is_blocked() -> None:
    region = eu_region()
    trigger = _trigger(region, _subscriber(None))
    trigger.props["spec"]["delivery"] = {"deadLetterSink": {"uri": OUTSIDE}}
    resources = [*region.resources, _broker(region), _sender(region, BROKER_ADDRESS), trigger]
    assert "spec.delivery.deadLetterSink.uri" in _blocked_on(resources, trigger)


def test_a_broker_whose_dead_letter_sink_is_outside_aws_is_blocked() -> None:
    region = eu_region()
    broker = _broker(region, {"deadLetterSink": {"uri": OUTSIDE}})
    resources = [*region.resources, broker, _sender(region, BROKER_ADDRESS)]
    assert "hooks.crm-partner.example.net" in _blocked_on(resources, broker)


@pytest.mark.parametrize(("uri", "blocked"), [(OUTSIDE, True), (None, False)])
def test_a_subscription_delivering_a_pii_senders_channel_events_outside_aws_is_blocked(
    uri: str | None, blocked: bool
) -> None:
    region = eu_region()
    subscription = custom_resource(
        region,
        "messaging.knative.dev/v1",
        "Subscription",
        "crm-sync",
        {
            "channel": {
                "apiVersion": "messaging.knative.dev/v1",
                "kind": "InMemoryChannel",
                "name": "customers",
            },
            "subscriber": _subscriber(uri),
        },
    )
    resources = [*region.resources, _sender(region, CHANNEL_ADDRESS), subscription]
    if blocked:
        assert "the Knative channel app/customers" in _blocked_on(resources, subscription)
    else:
        assert violations(resources, NO_PII) == [], messages(violations(resources, NO_PII))
