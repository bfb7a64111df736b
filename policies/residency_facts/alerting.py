"""What the Prometheus Operator's Alertmanager notifies, and which receivers send where: the facts
`residency_policies/lineage_alerts.py` reads (their copy mechanisms are in `operators`).

Field names: prometheus-operator.dev/docs/api-reference/api/ (Alertmanager `spec.configSecret`, the
Secret whose `alertmanager.yaml` configures it, default `alertmanager-<name>`, "if either the secret or the
alertmanager.yaml key is missing, the operator provisions an Alertmanager configuration with one empty
receiver"; `spec.alertmanagerConfiguration.name`, an AlertmanagerConfig of its namespace that "takes
precedence over the configSecret field"; AlertmanagerConfig `spec.receivers[]` {webhookConfigs[] {url,
urlSecret}, snsConfigs[] {topicARN, sigv4.region}, slackConfigs, pagerdutyConfigs, opsgenieConfigs,
emailConfigs, ...}, pkg/apis/monitoring/v1alpha1/alertmanager_config_types.go) and Alertmanager's own
configuration file (prometheus.io/docs/alerting/latest/configuration/: `receivers[]` {webhook_configs[]
{url, url_file}, sns_configs[] {topic_arn, sigv4.region}, slack_configs, email_configs, ...}).
"""

from __future__ import annotations

ALERTMANAGER = "monitoring.coreos.com:Alertmanager"
ALERTMANAGER_CONFIG = "monitoring.coreos.com:AlertmanagerConfig"
ALERT_SOURCES = ("monitoring.coreos.com:Prometheus",)
"""What computes the alerts an Alertmanager of the cluster notifies about: a Prometheus evaluates its rules on
the metrics it scrapes and sends the alerts, with the metrics' labels and the rules' annotations, to the
Alertmanagers of its cluster (a PrometheusAgent evaluates no rules)."""
ALERT_CONFIG_SECRET_KEY = "alertmanager.yaml"
VENDOR_RECEIVERS: dict[str, str] = {
    "slack": "Slack",
    "pagerduty": "PagerDuty",
    "opsgenie": "Opsgenie",
    "pushover": "Pushover",
    "victorops": "VictorOps (Splunk On-Call)",
    "wechat": "WeChat",
    "telegram": "Telegram",
    "webex": "Webex",
    "discord": "Discord",
    "msteams": "Microsoft Teams",
    "msteamsv2": "Microsoft Teams",
    "rocketchat": "Rocket.Chat",
    "jira": "Jira",
    "incidentio": "incident.io",
    "email": "e-mail, delivered to its recipients' mailboxes",
}
"""Alertmanager receivers (`<kind>Configs` in an AlertmanagerConfig, `<kind>_configs` in a configuration file)
that notify a vendor's service, or mailboxes, outside AWS by definition, whatever URL they name (decision: a
self-hosted instance of the vendor's software is not told apart)."""
WEBHOOK_RECEIVERS = {"webhook": ("url", "urlSecret", "url_file"), "sns": ("topicARN", "topic_arn")}
"""Receivers judged by where they point: a webhook by its URL (a URL kept in a Secret or a file cannot be
read: untraceable), an SNS notification by its topic's ARN (and `sigv4.region`)."""
