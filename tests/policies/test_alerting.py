"""Alertmanager's receivers get the alerts' labels and annotations, computed from the cluster's metrics.

Decision (policies/README.md, as a Prometheus's remote write is judged as a copy of its own data): an
Alertmanager's or AlertmanagerConfig's notifications are a copy of what the cluster's Prometheus instances
hold (each by its own label) to where its receivers point: a vendor's service or e-mail is outside AWS, a
webhook is judged by its URL, SNS by its topic. Each test is the compliant baseline (eu_region, a Prometheus
labelled telemetry in namespace monitoring, and an AlertmanagerConfig notifying an SNS topic of the stack in
eu-west-1) plus one change.

Field names: prometheus-operator.dev/docs/api-reference/api/ (AlertmanagerConfig `spec.receivers[]`
{slackConfigs, webhookConfigs[].url, snsConfigs[].topicARN, emailConfigs}; Alertmanager `spec.configSecret`,
`spec.alertmanagerConfiguration.name`) and prometheus.io/docs/alerting/latest/configuration/ (a file's
`receivers[]` {slack_configs, webhook_configs[].url, ...}).
"""

from __future__ import annotations

import base64
from typing import Any

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.operator_objects import custom_resource
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

ANONYMISED_ONLY = "anonymised-only-replication"
NO_PII = "no-pii-replication"
TRIAGED = "resource-type-triaged"
TELEMETRY = {"data-classification": "telemetry"}
SLACK = {"name": "team", "slackConfigs": [{"channel": "#alerts", "apiURL": {"name": "slack", "key": "url"}}]}


def _prometheus(region: Region, labels: dict[str, str] | None = None) -> Res:
    return custom_resource(
        region,
        "monitoring.coreos.com/v1",
        "Prometheus",
        "cluster-metrics",
        {
            "serviceMonitorSelector": {},
            "alerting": {
                "alertmanagers": [{"name": "alertmanager-operated", "namespace": "monitoring", "port": "web"}]
            },
        },
        namespace="monitoring",
        labels=TELEMETRY if labels is None else labels,
    )


def _topic(region: Region) -> Res:
    return Res(
        "aws:sns/topic:Topic",
        "alerts",
        {"name": "alerts", "kmsMasterKeyId": "alias/aws/sns"},
        region.provider,
    )


def _config(
    region: Region,
    receivers: list[dict[str, Any]],
    deps: list[Res] | None = None,
    name: str = "outside",
    **kw: Any,
) -> Res:
    return custom_resource(
        region,
        "monitoring.coreos.com/v1alpha1",
        "AlertmanagerConfig",
        name,
        {"route": {"receiver": receivers[0]["name"] if receivers else "null"}, "receivers": receivers},
        namespace="monitoring",
        deps={"spec": deps} if deps else {},
        **kw,
    )


def _sns_config(region: Region, topic: Res) -> Res:
    receiver = {"name": "ops", "snsConfigs": [{"topicARN": UNKNOWN, "sigv4": {"region": "eu-west-1"}}]}
    return _config(region, [receiver], [topic], name="team")


def _stack(region: Region, *extra: Res, prometheus: Res | None = None) -> list[Res]:
    topic = _topic(region)
    return [
        *region.resources,
        prometheus if prometheus is not None else _prometheus(region),
        topic,
        _sns_config(region, topic),
        *extra,
    ]


def _alertmanager(region: Region, spec: dict[str, Any] | None = None) -> Res:
    return custom_resource(
        region,
        "monitoring.coreos.com/v1",
        "Alertmanager",
        "main",
        {"replicas": 2, **(spec or {})},
        namespace="monitoring",
    )


def _config_secret(region: Region, text: str, name: str = "alertmanager-main") -> Res:
    return Res(
        "kubernetes:core/v1:Secret",
        name,
        {
            "metadata": {
                "name": name,
                "namespace": "monitoring",
                "labels": {"data-classification": "internal"},
            },
            "data": {"alertmanager.yaml": base64.b64encode(text.encode()).decode()},
        },
        region.kubernetes,
    )


def _blocked(resources: list[Res], copying: Res, policy: str = ANONYMISED_ONLY, *words: str) -> str:
    found = violations(resources, policy)
    assert [d.urn for d in found] == [copying.urn], messages(found)
    for word in words:
        assert word in found[0].message, found[0].message
    return found[0].message


# Compliant baselines ------------------------------------------------------------------------------------


def test_alerts_to_an_sns_topic_of_the_stack_in_the_region_stay() -> None:
    region = eu_region()
    resources = _stack(region)
    found = [
        d
        for rule in (ANONYMISED_ONLY, NO_PII, TRIAGED, "pii-in-jurisdiction")
        for d in violations(resources, rule)
    ]
    assert found == [], messages(found)


def test_an_alertmanager_whose_configuration_has_no_receiving_integration_notifies_no_one() -> None:
    region = eu_region()
    silent = "route:\n  receiver: 'null'\nreceivers:\n  - name: 'null'\n"
    resources = _stack(region, _alertmanager(region), _config_secret(region, silent))
    assert violations(resources, ANONYMISED_ONLY) == []


def test_slack_alerts_of_anonymised_metrics_may_leave_as_their_remote_write_may() -> None:
    region = eu_region()
    anonymised = _prometheus(region, {"data-classification": "anonymised"})
    assert violations(_stack(region, _config(region, [SLACK]), prometheus=anonymised), ANONYMISED_ONLY) == []


# Receivers ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "receiver",
    [
        SLACK,
        {"name": "pager", "pagerdutyConfigs": [{"routingKey": {"name": "pd", "key": "key"}}]},
        {"name": "mail", "emailConfigs": [{"to": "oncall@example.com", "smarthost": "smtp.example.com:587"}]},
        {"name": "hook", "webhookConfigs": [{"url": "https://alerts.vendor-example.io/hook"}]},
        {"name": "relay", "webhookConfigs": [{"url": "http://alert-relay.monitoring.svc:8080/"}]},
        {"name": "kept", "webhookConfigs": [{"urlSecret": {"name": "hook", "key": "url"}}]},
        {"name": "sns", "snsConfigs": [{"topicARN": "arn:aws:sns:us-east-1:123456789012:alerts"}]},
        {"name": "new", "someVendorConfigs": [{"url": "https://x"}]},
    ],
    ids=[
        "slack",
        "pagerduty",
        "email",
        "webhook-saas",
        "webhook-in-cluster",
        "webhook-in-a-secret",
        "sns-us-east-1",
        "unreviewed",
    ],
)
def test_an_alertmanager_config_notifying_outside_the_region_copies_the_metrics_labels(
    receiver: dict[str, Any],
) -> None:
    region = eu_region()
    config = _config(region, [receiver])
    _blocked(_stack(region, config), config)


def test_pii_metrics_make_it_a_pii_copy() -> None:
    region = eu_region()
    config = _config(region, [SLACK])
    _blocked(
        _stack(region, config, prometheus=_prometheus(region, {"data-classification": "pii"})),
        config,
        NO_PII,
        "Slack",
    )


def test_without_a_prometheus_of_the_stack_the_alerts_cannot_be_shown_anonymised() -> None:
    region = eu_region()
    config = _config(region, [SLACK], labels={"data-classification": "anonymised"})
    resources = [r for r in _stack(region, config) if "prometheus" not in r.name]
    _blocked(resources, config, ANONYMISED_ONLY, "Prometheus")


# Alertmanager's own configuration ----------------------------------------------------------------------


def test_an_alertmanager_configuration_secret_with_a_slack_receiver_is_read() -> None:
    region = eu_region()
    text = (
        "route:\n  receiver: team\nreceivers:\n  - name: team\n    slack_configs:\n"
        "      - api_url: https://hooks.slack.com/services/T0/B0/XXXX\n        channel: '#alerts'\n"
    )
    alertmanager = _alertmanager(region)
    _blocked(
        _stack(region, alertmanager, _config_secret(region, text)),
        alertmanager,
        ANONYMISED_ONLY,
        "slack_configs",
    )


def test_an_alertmanager_whose_configuration_secret_the_stack_does_not_declare_fails_closed() -> None:
    region = eu_region()
    alertmanager = _alertmanager(region, {"configSecret": "made-by-hand"})
    _blocked(_stack(region, alertmanager), alertmanager, ANONYMISED_ONLY, "made-by-hand")


def test_an_alertmanager_configured_by_an_alertmanager_config_is_judged_there() -> None:
    region = eu_region()
    alertmanager = _alertmanager(region, {"alertmanagerConfiguration": {"name": "team"}})
    assert violations(_stack(region, alertmanager), ANONYMISED_ONLY) == []
    missing = _alertmanager(region, {"alertmanagerConfiguration": {"name": "global"}})
    _blocked(_stack(region, missing), missing, ANONYMISED_ONLY, "global")


# Charts and code ---------------------------------------------------------------------------------------


def test_a_chart_whose_values_configure_a_slack_receiver_names_a_place_outside_aws() -> None:
    region = eu_region()
    values = {
        "alertmanager": {
            "config": {
                "route": {"receiver": "team"},
                "receivers": [
                    {"name": "team", "slack_configs": [{"channel": "#alerts", "api_url_file": "/etc/slack"}]}
                ],
            }
        }
    }
    release = Res(
        "kubernetes:helm.sh/v3:Release",
        "monitoring",
        {"chart": "kube-prometheus-stack", "namespace": "monitoring", "values": values},
        region.kubernetes,
    )
    found = violations([*region.resources, release], TRIAGED)
    assert [d.urn for d in found] == [release.urn], messages(found)
    assert "slack_configs" in found[0].message


def test_code_labelled_telemetry_that_mounts_a_receiver_configuration_sends_outside_aws() -> None:
    region = eu_region()
    text = "receivers:\n  - name: team\n    pagerduty_configs:\n      - routing_key_file: /etc/pd\n"
    config_map = Res(
        "kubernetes:core/v1:ConfigMap",
        "alerting",
        {"metadata": {"name": "alerting", "namespace": "monitoring"}, "data": {"alertmanager.yml": text}},
        region.kubernetes,
    )
    workload = Res(
        "kubernetes:apps/v1:Deployment",
        "alertmanager",
        {
            "metadata": {"name": "alertmanager", "namespace": "monitoring", "labels": dict(TELEMETRY)},
            "spec": {
                "template": {
                    "spec": {
                        "containers": [{"name": "alertmanager", "image": "prom/alertmanager:v0.28.1"}],
                        "volumes": [{"name": "config", "configMap": {"name": "alerting"}}],
                    }
                }
            },
        },
        region.kubernetes,
    )
    found = violations([*region.resources, config_map, workload], ANONYMISED_ONLY)
    assert [d.urn for d in found] == [workload.urn], messages(found)
    assert "pagerduty_configs" in found[0].message
