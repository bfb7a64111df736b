"""Where a Kubernetes backup operator writes: a Velero backup or schedule is judged by the location it
writes to, and a location is in AWS and in the region only when it says so (the AWS plugin's provider, AWS's
own S3 host, the stack's region); any other object store is outside AWS, and one the stack does not declare
cannot be traced. Each test is the compliant baseline (a nightly schedule of the PII namespace `app` into the
stack's eu-west-1 bucket) and one change.

Field names follow Velero's API (velero.io/docs/main/api-types/backupstoragelocation/, .../schedule/) and
the AWS plugin's location config (github.com/vmware-tanzu/velero-plugin-for-aws, backupstoragelocation.md).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.operator_objects import pii_claim
from tests.policies.policy_harness import Res, messages, violations

NO_PII = "no-pii-replication"
ANONYMISED_ONLY = "anonymised-only-replication"
PII = {"data-classification": "pii"}
BUCKET = "velero-backups-eu-west-1"


def _bucket(region: Region) -> Res:
    return Res("aws:s3/bucket:Bucket", "velero-backups", {"bucket": BUCKET, "tags": PII}, region.provider)


def _location(region: Region, spec: dict[str, Any], name: str = "eu") -> Res:
    return Res(
        "kubernetes:velero.io/v1:BackupStorageLocation",
        f"location-{name}",
        {
            "apiVersion": "velero.io/v1",
            "kind": "BackupStorageLocation",
            "metadata": {"name": name, "namespace": "velero"},
            "spec": spec,
        },
        region.kubernetes,
    )


def _schedule(region: Region, template: dict[str, Any]) -> Res:
    return Res(
        "kubernetes:velero.io/v1:Schedule",
        "app-nightly",
        {
            "apiVersion": "velero.io/v1",
            "kind": "Schedule",
            "metadata": {"name": "app-nightly", "namespace": "velero"},
            "spec": {"schedule": "0 3 * * *", "template": template},
        },
        region.kubernetes,
    )


IN_REGION: dict[str, Any] = {
    "provider": "aws",
    "objectStorage": {"bucket": BUCKET, "prefix": "eu"},
    "config": {"region": "eu-west-1"},
}
NIGHTLY: dict[str, Any] = {
    "includedNamespaces": ["app"],
    "storageLocation": "eu",
    "defaultVolumesToFsBackup": True,
    "ttl": "720h0m0s",
}


def _stack(
    location: dict[str, Any] | None = None, template: dict[str, Any] | None = None
) -> tuple[list[Res], Res]:
    region = eu_region()
    schedule = _schedule(region, template if template is not None else NIGHTLY)
    resources = [
        *region.resources,
        pii_claim(region),
        _bucket(region),
        _location(region, location if location is not None else IN_REGION),
        schedule,
    ]
    return resources, schedule


def _blocked(resources: list[Res], schedule: Res, policy: str) -> str:
    found = violations(resources, policy)
    assert schedule.urn in [d.urn for d in found], messages(found)
    return next(d.message for d in found if d.urn == schedule.urn)


@pytest.mark.parametrize("policy", [NO_PII, ANONYMISED_ONLY])
def test_a_schedule_of_the_pii_namespace_into_the_stacks_bucket_in_region_stays(policy: str) -> None:
    resources, _ = _stack()
    assert violations(resources, policy) == []


def test_a_location_on_the_regional_s3_endpoint_stays() -> None:
    config = {"region": "eu-west-1", "s3Url": "https://s3.eu-west-1.amazonaws.com"}
    resources, _ = _stack({**IN_REGION, "config": config})
    assert violations(resources, NO_PII) == []


def test_a_default_location_of_the_stack_in_region_stays() -> None:
    template = {k: v for k, v in NIGHTLY.items() if k != "storageLocation"}
    resources, _ = _stack({**IN_REGION, "default": True}, template)
    assert violations(resources, NO_PII) == []


OUTSIDE = {
    "another cloud's plugin": {
        "provider": "velero.io/gcp",
        "objectStorage": {"bucket": "acme-velero-offsite"},
    },
    "the azure plugin": {
        "provider": "velero.io/azure",
        "objectStorage": {"bucket": "velero"},
        "config": {"resourceGroup": "backups", "storageAccount": "acmebackups"},
    },
    "an S3-compatible server on the internet": {
        **IN_REGION,
        "config": {
            "region": "minio",
            "s3ForcePathStyle": "true",
            "s3Url": "https://minio.backup.example.net",
        },
    },
}


@pytest.mark.parametrize("spec", OUTSIDE.values(), ids=OUTSIDE.keys())
def test_a_schedule_into_a_location_outside_aws_is_blocked(spec: dict[str, Any]) -> None:
    resources, schedule = _stack(spec)
    message = _blocked(resources, schedule, NO_PII)
    assert "outside AWS" in message


ELSEWHERE = {
    "another region": {**IN_REGION, "config": {"region": "us-east-1"}},
    "an in-cluster server the pack cannot place": {
        **IN_REGION,
        "config": {"region": "eu-west-1", "s3Url": "http://minio.velero.svc:9000"},
    },
    "no region and a bucket outside the stack": {
        "provider": "aws",
        "objectStorage": {"bucket": "acme-offsite"},
    },
}


@pytest.mark.parametrize("spec", ELSEWHERE.values(), ids=ELSEWHERE.keys())
def test_a_schedule_into_a_location_not_shown_in_region_is_blocked(spec: dict[str, Any]) -> None:
    resources, schedule = _stack(spec)
    _blocked(resources, schedule, ANONYMISED_ONLY)


def test_a_schedule_into_a_location_the_stack_does_not_declare_is_blocked() -> None:
    resources, schedule = _stack(template={**NIGHTLY, "storageLocation": "offsite"})
    assert "cannot be traced" in _blocked(resources, schedule, NO_PII)


def test_a_schedule_into_the_default_location_outside_aws_is_blocked() -> None:
    template = {k: v for k, v in NIGHTLY.items() if k != "storageLocation"}
    resources, schedule = _stack({**OUTSIDE["another cloud's plugin"], "default": True}, template)
    assert "outside AWS" in _blocked(resources, schedule, NO_PII)


# The Velero chart's values declare its locations: a Helm release creates them unseen -----------------------

TRIAGED = "resource-type-triaged"


def _velero_release(region: Region, location: dict[str, Any]) -> Res:
    """A Helm release of the Velero chart (vmware-tanzu/helm-charts, charts/velero/values.yaml) whose values
    declare one backup location and a nightly schedule of every namespace."""
    return Res(
        "kubernetes:helm.sh/v3:Release",
        "velero",
        {
            "chart": "velero",
            "version": "10.0.10",
            "namespace": "velero",
            "repositoryOpts": {"repo": "https://vmware-tanzu.github.io/helm-charts"},
            "values": {
                "configuration": {"backupStorageLocation": [{"name": "default", **location}]},
                "schedules": {"nightly": {"schedule": "0 2 * * *", "template": {"ttl": "720h0m0s"}}},
            },
        },
        region.kubernetes,
    )


CHART_IN_REGION: dict[str, Any] = {"provider": "aws", "bucket": BUCKET, "config": {"region": "eu-west-1"}}


def test_a_velero_release_whose_location_is_in_region_stays() -> None:
    region = eu_region()
    release = _velero_release(region, CHART_IN_REGION)
    assert violations([*region.resources, pii_claim(region), release], TRIAGED) == []


CHART_OUTSIDE = {
    "another cloud's plugin": {"provider": "velero.io/gcp", "bucket": "acme-velero-offsite"},
    "an S3-compatible server on the internet": {
        **CHART_IN_REGION,
        "config": {"region": "minio", "s3Url": "https://minio.backup.example.net"},
    },
}


@pytest.mark.parametrize("location", CHART_OUTSIDE.values(), ids=CHART_OUTSIDE.keys())
def test_a_velero_release_whose_location_is_outside_aws_fails_closed(location: dict[str, Any]) -> None:
    region = eu_region()
    release = _velero_release(region, location)
    found = violations([*region.resources, pii_claim(region), release], TRIAGED)
    assert [d.urn for d in found] == [release.urn], messages(found)
    assert "outside AWS" in found[0].message
