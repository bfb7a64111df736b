"""The claims a PostgreSQL operator creates for a cluster, at every place its schema lets a spec name their
StorageClass, and the volume snapshots it restores from.

CloudNativePG v1.30 (config/crd/bases/postgresql.cnpg.io_clusters.yaml, api/v1/cluster_types.go): the data,
WAL and every tablespace's claims (`spec.storage`, `spec.walStorage`, `spec.tablespaces[].storage`) take
`storageClass`, which is "applied after evaluating the PVC template", else their `pvcTemplate`'s
`storageClassName`; `bootstrap.recovery.volumeSnapshots` names a snapshot for the data, the WAL and each
tablespace (`tablespaceStorage.<name>`). Crunchy PGO v6.0.3 (its PostgresCluster CRD, v1 and v1beta1 alike):
each instance set's data, WAL and tablespace claims
(`instances[].tablespaceVolumes[].dataVolumeClaimSpec`). Each test is the compliant baseline (the operators'
clusters on the stack's encrypted, retained class) and one change: a StorageClass the stack does not declare,
which cannot be shown encrypted.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.policies.baseline import eu_region
from tests.policies.operator_objects import BACKUP_BUCKET, backup_bucket, custom_resource
from tests.policies.policy_harness import Res, messages, violations

ENCRYPTION = "pii-encryption"
NO_PII = "no-pii-replication"
PII = {"data-classification": "pii"}
ANONYMISED = {"data-classification": "anonymised"}
CNPG = "postgresql.cnpg.io/v1"
CRUNCHY = "postgres-operator.crunchydata.com/v1"
UNDECLARED = "StorageClass gp2 is not in this stack"
CLASS = "telemetry-gp3"

CNPG_SPEC: dict[str, Any] = {
    "instances": 3,
    "storage": {"size": "20Gi", "storageClass": CLASS},
    "walStorage": {"size": "5Gi", "storageClass": CLASS},
    "tablespaces": [{"name": "archive", "storage": {"size": "50Gi", "storageClass": CLASS}}],
    "backup": {"barmanObjectStore": {"destinationPath": f"s3://{BACKUP_BUCKET}/customers"}},
}
CRUNCHY_SPEC: dict[str, Any] = {
    "postgresVersion": 17,
    "instances": [
        {
            "name": "instance1",
            "dataVolumeClaimSpec": {"storageClassName": CLASS, "accessModes": ["ReadWriteOnce"]},
            "tablespaceVolumes": [
                {"name": "archive", "dataVolumeClaimSpec": {"storageClassName": CLASS}},
            ],
        }
    ],
    "backups": {"pgbackrest": {"repos": [{"name": "repo1", "volume": {"volumeClaimSpec": {}}}]}},
}


def _cluster(api_version: str, kind: str, spec: dict[str, Any]) -> tuple[list[Res], Res]:
    region = eu_region()
    cluster = custom_resource(region, api_version, kind, "customers", spec, labels=PII, protect=True)
    return [*region.resources, *backup_bucket(region), cluster], cluster


@pytest.mark.parametrize(
    ("api_version", "kind", "spec"),
    [(CNPG, "Cluster", CNPG_SPEC), (CRUNCHY, "PostgresCluster", CRUNCHY_SPEC)],
    ids=["CloudNativePG", "Crunchy PGO"],
)
def test_an_operator_cluster_on_the_stacks_class_everywhere_is_encrypted(
    api_version: str, kind: str, spec: dict[str, Any]
) -> None:
    resources, cluster = _cluster(api_version, kind, copy.deepcopy(spec))
    assert [d for d in violations(resources, ENCRYPTION) if d.urn == cluster.urn] == []


def _cnpg_with(path: str, value: dict[str, Any]) -> dict[str, Any]:
    """The CNPG baseline with one claim configuration replaced (`storage`, `walStorage`, `tablespaces`)."""
    spec = copy.deepcopy(CNPG_SPEC)
    if path == "tablespaces":
        spec["tablespaces"][0]["storage"] = value
    else:
        spec[path] = value
    return spec


ELSEWHERE = {
    "a data claim's PVC template": ("storage", {"size": "20Gi", "pvcTemplate": {"storageClassName": "gp2"}}),
    "a WAL claim's PVC template": ("walStorage", {"size": "5Gi", "pvcTemplate": {"storageClassName": "gp2"}}),
    "a tablespace's class": ("tablespaces", {"size": "50Gi", "storageClass": "gp2"}),
    "a tablespace's PVC template": (
        "tablespaces",
        {"size": "50Gi", "pvcTemplate": {"storageClassName": "gp2"}},
    ),
}


@pytest.mark.parametrize(("path", "value"), ELSEWHERE.values(), ids=ELSEWHERE.keys())
def test_a_cnpg_claim_on_a_class_the_stack_does_not_declare_cannot_be_shown_encrypted(
    path: str, value: dict[str, Any]
) -> None:
    resources, cluster = _cluster(CNPG, "Cluster", _cnpg_with(path, value))
    found = [d for d in violations(resources, ENCRYPTION) if d.urn == cluster.urn]
    assert UNDECLARED in messages(found), messages(violations(resources, ENCRYPTION))


def test_a_cnpg_claims_storage_class_wins_over_its_pvc_templates() -> None:
    storage = {"size": "20Gi", "storageClass": CLASS, "pvcTemplate": {"storageClassName": "gp2"}}
    resources, cluster = _cluster(CNPG, "Cluster", _cnpg_with("storage", storage))
    assert [d for d in violations(resources, ENCRYPTION) if d.urn == cluster.urn] == []


def test_a_crunchy_tablespace_on_a_class_the_stack_does_not_declare_cannot_be_shown_encrypted() -> None:
    spec = copy.deepcopy(CRUNCHY_SPEC)
    spec["instances"][0]["tablespaceVolumes"][0]["dataVolumeClaimSpec"]["storageClassName"] = "gp2"
    resources, cluster = _cluster(CRUNCHY, "PostgresCluster", spec)
    found = [d for d in violations(resources, ENCRYPTION) if d.urn == cluster.urn]
    assert UNDECLARED in messages(found), messages(violations(resources, ENCRYPTION))


def test_a_cnpg_cluster_restored_from_a_pii_tablespace_snapshot_holds_pii_whatever_its_label() -> None:
    resources, _ = _cluster(CNPG, "Cluster", copy.deepcopy(CNPG_SPEC))
    region = eu_region()
    snapshot = custom_resource(
        region,
        "snapshot.storage.k8s.io/v1",
        "VolumeSnapshot",
        "customers-archive-1",
        {
            "volumeSnapshotClassName": "ebs",
            "source": {"persistentVolumeClaimName": "customers-1-tbs-archive"},
        },
        labels=PII,
    )
    spec = copy.deepcopy(CNPG_SPEC)
    spec["backup"]["barmanObjectStore"]["endpointURL"] = "https://s3.us-east-1.amazonaws.com"
    spec["bootstrap"] = {
        "recovery": {"volumeSnapshots": {"tablespaceStorage": {"archive": {"name": "customers-archive-1"}}}}
    }
    restored = custom_resource(region, CNPG, "Cluster", "reporting", spec, labels=ANONYMISED, protect=True)
    found = violations([*resources, snapshot, restored], NO_PII)
    assert restored.urn in [d.urn for d in found], messages(found)
    assert "customers-archive-1" in messages([d for d in found if d.urn == restored.urn])
