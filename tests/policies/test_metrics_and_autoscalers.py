"""Operators that read numbers, not data: a KEDA autoscaler's trigger on the PII database reads a count, and
a Prometheus Operator ServiceMonitor on the PII pods' metrics port scrapes metrics into the cluster's
Prometheus; neither copies the data. A Prometheus that remote-writes is judged as a copy of what it holds,
and an operator kind the triage has not reviewed still fails closed. Each test is a compliant baseline and
one change.

Field names follow KEDA's ScaledObject spec (keda.sh/docs/2.17/reference/scaledobject-spec/, the
postgresql scaler's `host`, `query`, `targetQueryValue`) and the Prometheus Operator's API
(prometheus-operator.dev/docs/api-reference/api/: ServiceMonitor `selector`, `namespaceSelector`,
`endpoints[].port`; Prometheus `remoteWrite[].url`).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.operator_objects import pii_claim
from tests.policies.policy_harness import RULES, UNKNOWN, Res, messages, violations

TRIAGED = "resource-type-triaged"
ANONYMISED_ONLY = "anonymised-only-replication"
TELEMETRY = {"data-classification": "telemetry"}


def _custom(region: Region, group_version: str, kind: str, name: str, spec: dict[str, Any], **kw: Any) -> Res:
    return Res(
        f"kubernetes:{group_version}:{kind}",
        name,
        {
            "apiVersion": group_version,
            "kind": kind,
            "metadata": {"name": name, "namespace": kw.pop("namespace", "app"), **kw.pop("metadata", {})},
            "spec": spec,
        },
        region.kubernetes,
        **kw,
    )


def _scaler(region: Region, group_version: str = "keda.sh/v1alpha1", kind: str = "ScaledObject") -> Res:
    """A KEDA ScaledObject scaling a worker on the count of pending jobs in the PII database."""
    trigger = {
        "type": "postgresql",
        "metadata": {
            "host": UNKNOWN,
            "port": "5432",
            "dbName": "app",
            "userName": "keda",
            "sslmode": "require",
            "query": "SELECT count(*) FROM jobs WHERE state = 'pending'",
            "targetQueryValue": "50",
        },
        "authenticationRef": {"name": "pg-keda"},
    }
    return _custom(
        region,
        group_version,
        kind,
        "customers-worker",
        {"scaleTargetRef": {"name": "customers-worker"}, "maxReplicaCount": 20, "triggers": [trigger]},
        deps={"spec": [region.database]},
    )


def test_an_autoscaler_reading_a_count_from_the_pii_database_copies_nothing() -> None:
    region = eu_region()
    found = [d for rule in RULES for d in violations([*region.resources, _scaler(region)], rule)]
    assert found == [], messages(found)


def _scaled_job(region: Region, container: dict[str, Any], volumes: list[dict[str, Any]]) -> Res:
    """A KEDA ScaledJob (keda v2.20 config/crd/bases/keda.sh_scaledjobs.yaml): Jobs of `spec.jobTargetRef`
    (a batch JobSpec) started as the PII database's pending count grows."""
    job = _scaler(region, kind="ScaledJob")
    job.props["spec"] = {
        "jobTargetRef": {
            "template": {
                "spec": {
                    "containers": [{"name": "export", "image": "example/export:1.0", **container}],
                    "volumes": volumes,
                    "restartPolicy": "Never",
                }
            }
        },
        "maxReplicaCount": 5,
        "triggers": job.props["spec"]["triggers"],
    }
    return job


def test_a_scaled_job_counting_the_pii_database_whose_jobs_touch_nothing_personal_copies_nothing() -> None:
    region = eu_region()
    job = _scaled_job(region, {"command": ["/bin/export", "--dry-run"]}, [])
    found = [d for rule in RULES for d in violations([*region.resources, job], rule)]
    assert found == [], messages(found)


def test_a_scaled_job_whose_jobs_ship_the_pii_claim_outside_aws_is_blocked() -> None:
    # KEDA runs the ScaledJob's pod template as Jobs: they are code with what they mount and are told.
    region = eu_region()
    claim = pii_claim(region)
    job = _scaled_job(
        region,
        {
            "env": [{"name": "EXPORT_ENDPOINT", "value": "https://ingest.partner-analytics.example.com/v1"}],
            "volumeMounts": [{"name": "data", "mountPath": "/data"}],
        },
        [{"name": "data", "persistentVolumeClaim": {"claimName": "customers-data"}}],
    )
    found = violations([*region.resources, claim, job], "no-pii-replication")
    assert [d.urn for d in found] == [job.urn], messages(found)
    assert "outside AWS" in found[0].message


def test_an_untriaged_operator_kind_naming_the_pii_database_still_fails_closed() -> None:
    # KEDA's CloudEventSource sends KEDA's events to an HTTP sink: not reviewed, so not neutral.
    region = eu_region()
    source = _scaler(region, "eventing.keda.sh/v1alpha1", "CloudEventSource")
    found = violations([*region.resources, source], TRIAGED)
    assert [d.urn for d in found] == [source.urn], messages(found)


def _service_monitor(region: Region) -> Res:
    """A ServiceMonitor selecting the telemetry StatefulSet's metrics Service in its namespace."""
    return _custom(
        region,
        "monitoring.coreos.com/v1",
        "ServiceMonitor",
        "timescaledb",
        {
            "selector": {"matchLabels": {"app": "timescaledb"}},
            "namespaceSelector": {"matchNames": ["telemetry"]},
            "endpoints": [{"port": "metrics", "interval": "30s"}],
        },
        namespace="monitoring",
        metadata={"labels": TELEMETRY},
    )


def _prometheus(region: Region, remote_write: list[dict[str, Any]], deps: list[Res] | None = None) -> Res:
    return _custom(
        region,
        "monitoring.coreos.com/v1",
        "Prometheus",
        "cluster-metrics",
        {"serviceMonitorSelector": {}, "retention": "15d", "remoteWrite": remote_write},
        namespace="monitoring",
        metadata={"labels": TELEMETRY},
        deps={"spec": deps} if deps else {},
    )


def _workspace(region: Region) -> Res:
    return Res(
        "aws:amp/workspace:Workspace", "metrics", {"alias": "metrics", "tags": TELEMETRY}, region.provider
    )


def test_a_service_monitor_and_a_prometheus_writing_to_the_stacks_workspace_stay() -> None:
    region = eu_region()
    workspace = _workspace(region)
    prometheus = _prometheus(region, [{"url": UNKNOWN}], [workspace])
    resources = [*region.resources, workspace, _service_monitor(region), prometheus]
    found = [
        d for rule in (TRIAGED, ANONYMISED_ONLY, "pii-in-jurisdiction") for d in violations(resources, rule)
    ]
    assert found == [], messages(found)


@pytest.mark.parametrize(
    "url",
    [
        "https://prometheus-prod-01-eu-west-0.grafana.net/api/prom/push",
        "https://aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-0a1b2c3d/api/v1/remote_write",
    ],
    ids=["a SaaS outside AWS", "a workspace in another region"],
)
def test_a_prometheus_remote_writing_telemetry_elsewhere_is_blocked(url: str) -> None:
    region = eu_region()
    prometheus = _prometheus(region, [{"url": url}])
    resources = [*region.resources, _service_monitor(region), prometheus]
    found = violations(resources, ANONYMISED_ONLY)
    assert [d.urn for d in found] == [prometheus.urn], messages(found)


def test_a_prometheus_whose_thanos_sidecar_uploads_to_an_object_store_it_does_not_show_fails_closed() -> None:
    # prometheus-operator v0.93 Prometheus `spec.thanos.objectStorageConfig`: a Secret key holding Thanos's
    # objstore configuration (type, bucket, endpoint, region), to which the sidecar uploads every TSDB block.
    region = eu_region()
    prometheus = _prometheus(region, [])
    prometheus.props["spec"]["thanos"] = {
        "objectStorageConfig": {"name": "thanos-objstore", "key": "objstore.yml"}
    }
    found = violations([*region.resources, _service_monitor(region), prometheus], ANONYMISED_ONLY)
    assert [d.urn for d in found] == [prometheus.urn], messages(found)
    assert "objectStorageConfig" in found[0].message
