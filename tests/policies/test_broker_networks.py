"""A network of brokers: an ActiveMQ configuration's `<networkConnector uri="static:(ssl://...)">` elements
forward the messages of every broker that uses the configuration to the brokers they name.

Reviewer blind-aws12 (c02): a PII broker bridged to a broker in us-east-1 by its configuration's XML passed;
the configuration's text was never read for places. The compliant baseline's configuration has no connector.
"""

from __future__ import annotations

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import store
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

NO_PII = "no-pii-replication"
ANONYMISED_ONLY = "anonymised-only-replication"
RULES = (NO_PII, ANONYMISED_ONLY)
US_BROKER = "ssl://b-1234abcd-5678-90ef-1234-567890abcdef-1.mq.us-east-1.amazonaws.com:61617"


def _configuration(region: Region, connectors: str) -> Res:
    data = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<broker xmlns="http://activemq.apache.org/schema/core">'
        f"{connectors}</broker>"
    )
    return Res(
        "aws:mq/configuration:Configuration",
        "orders-config",
        {"name": "orders-config", "engineType": "ActiveMQ", "engineVersion": "5.18", "data": data},
        region.provider,
    )


def _broker(region: Region, configuration: Res) -> Res:
    broker = store(
        region,
        "aws:mq/broker:Broker",
        "orders",
        {
            "brokerName": "orders",
            "engineType": "ActiveMQ",
            "publiclyAccessible": False,
            "configuration": {"id": UNKNOWN, "revision": UNKNOWN},
            "encryptionOptions": {"useAwsOwnedKey": False, "kmsKeyId": UNKNOWN},
        },
    )
    broker.deps = {"configuration": [configuration], "encryptionOptions": [region.key]}
    return broker


def _on(resources: list[Res], policy: str, resource: Res) -> str:
    return messages([d for d in violations(resources, policy) if d.urn == resource.urn])


@pytest.mark.parametrize("policy", RULES)
def test_a_pii_broker_whose_configuration_has_no_network_connector_copies_nothing(policy: str) -> None:
    region = eu_region()
    configuration = _configuration(region, "<plugins/>")
    stack = [*region.resources, configuration, _broker(region, configuration)]
    assert _on(stack, policy, configuration) == ""


@pytest.mark.parametrize(
    "uri",
    [f"static:({US_BROKER})", f"masterslave:({US_BROKER},{US_BROKER.replace('-1.mq', '-2.mq')})"],
    ids=["static", "masterslave"],
)
@pytest.mark.parametrize("policy", RULES)
def test_a_network_connector_to_a_broker_in_another_region_forwards_the_pii_brokers_messages(
    policy: str, uri: str
) -> None:
    region = eu_region()
    configuration = _configuration(
        region,
        f'<networkConnectors><networkConnector name="dr" duplex="true" uri="{uri}"/></networkConnectors>',
    )
    found = _on([*region.resources, configuration, _broker(region, configuration)], policy, configuration)
    assert "network of brokers" in found and "us-east-1" in found and "orders" in found, found
