"""CSI volume snapshots and the claims restored from them (`dataSource`, `dataSourceRef`).

A VolumeSnapshot has no StorageClass: the EBS snapshot keeps the key of the volume it was taken from, so it is
judged by its source claim (encryption) and by its VolumeSnapshotClass's deletionPolicy (data loss). A claim
restored from a snapshot, or cloned from another claim, starts with its source's data and holds what the
source holds, whatever its own label says: encryption, exposure and data-loss rules apply to it.
"""

from __future__ import annotations

from typing import Any

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import PII
from tests.policies.policy_harness import RULES, UNKNOWN, Diagnostic, Res, messages, run_pack

ANONYMISED = {"data-classification": "anonymised"}
SNAPSHOTS = "kubernetes:snapshot.storage.k8s.io/v1"


def _mandatory(resources: list[Res], policy: str | None = None) -> list[Diagnostic]:
    return [
        d
        for d in run_pack(resources)
        if d.level == "mandatory" and d.policy in RULES and (policy is None or d.policy == policy)
    ]


def _storage_class(region: Region, name: str, encrypted: bool, reclaim: str) -> Res:
    parameters: dict[str, Any] = {"type": "gp3", "encrypted": "true" if encrypted else "false"}
    deps: dict[str, list[Res]] = {}
    if encrypted:
        parameters["kmsKeyId"] = UNKNOWN
        deps["parameters"] = [region.key]
    return Res(
        "kubernetes:storage.k8s.io/v1:StorageClass",
        name,
        {
            "metadata": {"name": name},
            "provisioner": "ebs.csi.aws.com",
            "parameters": parameters,
            "reclaimPolicy": reclaim,
            "volumeBindingMode": "WaitForFirstConsumer",
        },
        region.kubernetes,
        deps=deps,
    )


def _claim(region: Region, name: str, storage_class: str, labels: dict[str, str], **spec: Any) -> Res:
    return Res(
        "kubernetes:core/v1:PersistentVolumeClaim",
        name,
        {
            "metadata": {"name": name, "namespace": "app", "labels": dict(labels)},
            "spec": {
                "accessModes": ["ReadWriteOnce"],
                "storageClassName": storage_class,
                "resources": {"requests": {"storage": "20Gi"}},
                **spec,
            },
        },
        region.kubernetes,
        protect=True,
    )


def _snapshot_class(region: Region, deletion_policy: str) -> Res:
    return Res(
        f"{SNAPSHOTS}:VolumeSnapshotClass",
        "ebs-snapshots",
        {
            "apiVersion": "snapshot.storage.k8s.io/v1",
            "kind": "VolumeSnapshotClass",
            "metadata": {"name": "ebs-snapshots"},
            "driver": "ebs.csi.aws.com",
            "deletionPolicy": deletion_policy,
        },
        region.kubernetes,
    )


def _snapshot(region: Region, source: Res | str, labels: dict[str, str] | None = None) -> Res:
    """A VolumeSnapshot of a claim: by reference (unknown at preview) or by the claim's name."""
    snapshot = Res(
        f"{SNAPSHOTS}:VolumeSnapshot",
        "customers-snap",
        {
            "apiVersion": "snapshot.storage.k8s.io/v1",
            "kind": "VolumeSnapshot",
            "metadata": {"name": "customers-snap", "namespace": "app", "labels": dict(labels or PII)},
            "spec": {
                "volumeSnapshotClassName": "ebs-snapshots",
                "source": {"persistentVolumeClaimName": source if isinstance(source, str) else UNKNOWN},
            },
        },
        region.kubernetes,
        protect=True,
    )
    if not isinstance(source, str):
        snapshot.deps["spec"] = [source]
    return snapshot


def _restored(region: Region, snapshot: Res, storage_class: str, labels: dict[str, str]) -> Res:
    claim = _claim(
        region,
        "customers-rehearsal",
        storage_class,
        labels,
        dataSource={"apiGroup": "snapshot.storage.k8s.io", "kind": "VolumeSnapshot", "name": UNKNOWN},
    )
    claim.deps["spec"] = [snapshot]
    return claim


def _setup() -> tuple[Region, list[Res], Res]:
    """The baseline, an encrypted retained class for PII, a PII claim on it, a retaining snapshot class."""
    region = eu_region()
    pii_class = _storage_class(region, "pii-gp3", encrypted=True, reclaim="Retain")
    plain = _storage_class(region, "plain-gp3", encrypted=False, reclaim="Delete")
    claim = _claim(region, "customers-data", "pii-gp3", PII)
    return region, [*region.resources, pii_class, plain, claim, _snapshot_class(region, "Retain")], claim


def test_a_snapshot_of_a_pii_claim_on_the_encrypted_class_breaks_no_rule() -> None:
    region, resources, claim = _setup()
    found = _mandatory([*resources, _snapshot(region, claim)])
    assert found == [], messages(found)
    found = _mandatory([*resources, _snapshot(region, "customers-data")])
    assert found == [], messages(found)


def test_a_snapshot_keeps_the_encryption_of_its_source_claim() -> None:
    region, resources, claim = _setup()
    claim.props["spec"]["storageClassName"] = "plain-gp3"
    snapshot = _snapshot(region, claim)
    found = [d for d in _mandatory([*resources, snapshot], "pii-encryption") if d.urn == snapshot.urn]
    assert found, "the snapshot of a claim on an unencrypted class is not judged"
    assert "it keeps the encryption of kubernetes:core/v1:PersistentVolumeClaim 'customers-data'" in (
        found[0].message
    )
    assert 'does not set parameters.encrypted to "true"' in found[0].message


def test_a_snapshot_of_a_claim_the_stack_does_not_declare_fails_closed() -> None:
    region, resources, _ = _setup()
    snapshot = _snapshot(region, "orders-data")
    found = messages(_mandatory([*resources, snapshot], "pii-encryption"))
    assert "its source (orders-data) is not a claim, volume or snapshot of this stack" in found


def test_a_snapshot_whose_class_deletes_it_can_be_lost() -> None:
    region, resources, claim = _setup()
    resources = [r for r in resources if not r.type.endswith(":VolumeSnapshotClass")]
    snapshot = _snapshot(region, claim)
    found = _mandatory([*resources, _snapshot_class(region, "Delete"), snapshot], "pii-no-data-loss")
    assert [d.urn for d in found] == [snapshot.urn]
    assert (
        "has deletionPolicy Delete, so deleting the VolumeSnapshot deletes the snapshot" in found[0].message
    )


def test_a_claim_restored_from_a_pii_snapshot_holds_pii_whatever_its_label() -> None:
    region, resources, claim = _setup()
    snapshot = _snapshot(region, claim)
    restored = _restored(region, snapshot, "pii-gp3", PII)
    found = _mandatory([*resources, snapshot, restored])
    assert found == [], messages(found)
    restored = _restored(region, snapshot, "plain-gp3", ANONYMISED)
    restored.protect = False
    found = [d for d in _mandatory([*resources, snapshot, restored]) if d.urn == restored.urn]
    assert {d.policy for d in found} >= {"pii-encryption", "pii-no-data-loss"}, messages(found)
    assert "VolumeSnapshot 'customers-snap' (pii) -> kubernetes:core/v1:PersistentVolumeClaim " in (
        messages(found)
    )
    assert "'customers-rehearsal' (labelled anonymised)" in messages(found)


def test_a_claim_cloned_from_a_pii_claim_by_data_source_ref_holds_pii() -> None:
    region, resources, _ = _setup()
    clone = _claim(
        region,
        "customers-clone",
        "plain-gp3",
        ANONYMISED,
        dataSourceRef={"kind": "PersistentVolumeClaim", "name": "customers-data"},
    )
    found = [d for d in _mandatory([*resources, clone], "pii-encryption") if d.urn == clone.urn]
    assert found and "(labelled anonymised)" in found[0].message


def test_a_snapshot_of_a_stateful_sets_claim_is_traced_to_the_stateful_set() -> None:
    """A StatefulSet's controller names its claims `<template>-<statefulset>-<ordinal>`."""
    region, resources, _ = _setup()
    region.telemetry.props["metadata"]["name"] = "timescaledb"
    region.telemetry.props["spec"]["volumeClaimTemplates"][0]["metadata"]["labels"] = dict(PII)
    region.telemetry.protect = True
    snapshot = _snapshot(region, "data-timescaledb-0", ANONYMISED)
    restored = _restored(region, snapshot, "pii-gp3", PII)
    assert _mandatory([*resources, snapshot, restored]) == []
    restored = _restored(region, snapshot, "plain-gp3", ANONYMISED)
    found = [
        d for d in _mandatory([*resources, snapshot, restored], "pii-encryption") if d.urn == restored.urn
    ]
    assert found and "kubernetes:apps/v1:StatefulSet 'timescaledb' (pii)" in found[0].message
