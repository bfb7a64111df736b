"""Hosts of SaaS ingestion services are destinations outside AWS under any key (`destinations.py`).

A PII worker that reports its exceptions (with request data and local variables) to Sentry names the ingest
host in `SENTRY_DSN`, not under an endpoint key; a log library's `url`, a New Relic host variable, a command
line's `--dsn=` likewise. Each test is the compliant baseline plus a PII Deployment given the database's
address and one such setting; a URL of a host that is no ingestion service, under a key that names no sink
(an identity provider's issuer), is still not read as a destination.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import PII
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

NO_PII = "no-pii-replication"
ANONYMISED_ONLY = "anonymised-only-replication"
SENTRY_DSN = "https://3f2a9c1b7e@o450123.ingest.us.sentry.io/4504123"


def _worker(
    region: Region, env: list[dict[str, Any]], args: list[str] | None = None, reads_pii: bool = True
) -> Res:
    labels = dict(PII) if reads_pii else {"data-classification": "internal"}
    base = [{"name": "PGHOST", "value": UNKNOWN}] if reads_pii else []
    container: dict[str, Any] = {
        "name": "worker",
        "image": "example/customers-worker:2.0",
        "env": [*base, *env],
    }
    if args is not None:
        container["args"] = args
    return Res(
        "kubernetes:apps/v1:Deployment",
        "customers-worker",
        {
            "metadata": {"name": "customers-worker", "namespace": "app", "labels": labels},
            "spec": {
                "selector": {"matchLabels": {"app": "customers-worker"}},
                "template": {
                    "metadata": {"labels": {"app": "customers-worker"}},
                    "spec": {"containers": [container]},
                },
            },
        },
        region.kubernetes,
        deps={"spec": [region.database]} if reads_pii else {},
    )


SETTINGS = {
    "a Sentry DSN": ([{"name": "SENTRY_DSN", "value": SENTRY_DSN}], None, "Sentry"),
    "a New Relic host": (
        [{"name": "NEW_RELIC_HOST", "value": "collector.eu01.nr-data.net"}],
        None,
        "New Relic",
    ),
    "a Bugsnag notify URL": (
        [{"name": "BUGSNAG_NOTIFY", "value": "https://notify.bugsnag.com"}],
        None,
        "Bugsnag",
    ),
    "a DSN on the command line": ([], [f"--sentry-dsn={SENTRY_DSN}", "--workers=4"], "Sentry"),
    "a log library's url": (
        [{"name": "LOG_SHIPPING_URL", "value": "https://listener-eu.logz.io:8071/?token=abc"}],
        None,
        "Logz.io",
    ),
}


@pytest.mark.parametrize(("env", "args", "vendor"), SETTINGS.values(), ids=SETTINGS.keys())
def test_pii_code_configured_with_a_saas_ingestion_host_under_any_key_sends_outside_aws(
    env: list[dict[str, Any]], args: list[str] | None, vendor: str
) -> None:
    region = eu_region()
    worker = _worker(region, env, args)
    found = [d for d in violations([*region.resources, worker], NO_PII) if d.urn == worker.urn]
    assert found, messages(violations([*region.resources, worker], NO_PII))
    assert "outside AWS (" in found[0].message and f"an ingestion service of {vendor}" in found[0].message


def test_a_url_of_another_host_under_a_key_that_names_no_sink_is_no_destination() -> None:
    region = eu_region()
    worker = _worker(region, [{"name": "OIDC_ISSUER", "value": "https://login.example-idp.com/tenant"}])
    assert [d for d in violations([*region.resources, worker], NO_PII) if d.urn == worker.urn] == []


def test_code_that_reads_no_resident_data_may_report_to_a_saas_service() -> None:
    region = eu_region()
    worker = _worker(region, [{"name": "SENTRY_DSN", "value": SENTRY_DSN}], reads_pii=False)
    assert [d for d in violations([*region.resources, worker], ANONYMISED_ONLY) if d.urn == worker.urn] == []


def test_a_config_file_naming_a_saas_ingestion_url_under_any_key_sends_outside_aws() -> None:
    # Promtail's `clients[].url` (grafana.com/docs/loki/latest/send-data/promtail/configuration/): no
    # endpoint key, a Grafana Cloud host.
    region = eu_region()
    config = Res(
        "kubernetes:core/v1:ConfigMap",
        "worker-config",
        {
            "metadata": {"name": "worker-config", "namespace": "app"},
            "data": {
                "promtail.yaml": "clients:\n  - url: https://logs-prod-eu-west-0.grafana.net/loki/api/v1/push\n"
            },
        },
        region.kubernetes,
    )
    worker = _worker(
        region, [{"name": "CONFIG", "valueFrom": {"configMapKeyRef": {"name": "worker-config", "key": "x"}}}]
    )
    found = [d for d in violations([*region.resources, config, worker], NO_PII) if d.urn == worker.urn]
    assert found and "Grafana Cloud" in found[0].message, messages(found)


def test_a_helm_release_whose_values_name_a_saas_ingestion_host_in_a_stack_with_pii_is_blocked() -> None:
    region = eu_region()
    release = Res(
        "kubernetes:helm.sh/v3:Release",
        "api",
        {"chart": "customers-api", "namespace": "app", "values": {"sentry": {"dsn": SENTRY_DSN}}},
        region.kubernetes,
    )
    found = violations([*region.resources, release], "resource-type-triaged")
    assert [d.urn for d in found] == [release.urn], messages(found)
    assert "Sentry" in found[0].message
