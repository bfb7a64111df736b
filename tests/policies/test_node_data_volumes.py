"""A pod that keeps its data in a hostPath volume keeps it on its node's disk (reviewer blind-k8s14 a16).

A database whose data directory is a hostPath (or any writable hostPath of a workload that declares a
classification) holds data at rest as a claim on a node-local class does: under no KMS key of the stack
(pii-encryption), on premises where the cluster runs hybrid nodes (pii-in-jurisdiction), and lost when the
node is replaced (pii-no-data-loss). A database's data directory on an emptyDir or a generic ephemeral volume
is lost with its pod (reviewer blind-k8s15 k21). Each test is the compliant baseline plus a PII PostgreSQL
StatefulSet on a volume claim template of the stack's encrypted, retained class, and one change.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.policy_harness import Res, messages, violations

ENCRYPTION = "pii-encryption"
NO_LOSS = "pii-no-data-loss"
JURISDICTION = "pii-in-jurisdiction"
CLASSIFICATION = "data-classification-required"
DATA = "/var/lib/postgresql/data"


def _database(
    region: Region,
    volumes: list[dict[str, Any]] | None = None,
    mounts: list[dict[str, Any]] | None = None,
    labels: dict[str, str] | None = None,
    image: str = "postgres:17.6",
    kind: str = "StatefulSet",
    pod: dict[str, Any] | None = None,
) -> Res:
    """A PostgreSQL workload whose data is on a claim of the stack's class, or on the volumes given."""
    spec: dict[str, Any] = {
        "serviceName": "loyalty-db",
        "selector": {"matchLabels": {"app": "loyalty-db"}},
        "template": {
            "metadata": {"labels": {"app": "loyalty-db"}},
            "spec": {
                "containers": [
                    {
                        "name": "postgres",
                        "image": image,
                        "volumeMounts": mounts or [{"name": "data", "mountPath": DATA}],
                    }
                ],
                "volumes": volumes or [],
                **(pod or {}),
            },
        },
    }
    if volumes is None:
        spec["volumeClaimTemplates"] = [
            {
                "metadata": {"name": "data", "labels": {"data-classification": "pii"}},
                "spec": {
                    "storageClassName": "telemetry-gp3",
                    "accessModes": ["ReadWriteOnce"],
                    "resources": {"requests": {"storage": "100Gi"}},
                },
            }
        ]
        spec["persistentVolumeClaimRetentionPolicy"] = {"whenDeleted": "Retain"}
    if kind != "StatefulSet":
        del spec["serviceName"]
    return Res(
        f"kubernetes:apps/v1:{kind}",
        "loyalty-db",
        {
            "metadata": {"name": "loyalty-db", "namespace": "app", "labels": {"data-classification": "pii"}}
            if labels is None
            else {"name": "loyalty-db", "namespace": "app", "labels": labels},
            "spec": spec,
        },
        region.kubernetes,
        protect=True,
        deps={"spec": [region.storage_class]},
    )


def _on(resources: list[Res], policy: str, workload: Res) -> str:
    return messages([d for d in violations(resources, policy) if d.urn == workload.urn])


HOST_DATA = [{"name": "data", "hostPath": {"path": "/mnt/pgdata", "type": "DirectoryOrCreate"}}]


def test_a_pii_database_on_a_claim_of_the_stacks_class_passes() -> None:
    region = eu_region()
    database = _database(region)
    resources = [*region.resources, database]
    for policy in (ENCRYPTION, NO_LOSS, JURISDICTION, CLASSIFICATION):
        assert _on(resources, policy, database) == "", policy


def test_a_pii_database_whose_data_directory_is_a_host_path_is_unencrypted_and_lost_with_its_node() -> None:
    region = eu_region()
    database = _database(region, HOST_DATA)
    resources = [*region.resources, database]
    encryption = _on(resources, ENCRYPTION, database)
    assert (
        "the hostPath /mnt/pgdata" in encryption
        and "the data directory of the database postgres" in encryption
    )
    assert "no KMS key of the stack" in encryption
    loss = _on(resources, NO_LOSS, database)
    assert "lost when the node is replaced" in loss and "PersistentVolumeClaim" in loss


@pytest.mark.parametrize(
    ("volumes", "mounts"),
    [
        (
            [{"name": "certs", "hostPath": {"path": "/srv/pg-certs"}}],
            [{"name": "certs", "mountPath": "/etc/ssl/pg", "readOnly": True}],
        ),
        (
            [{"name": "socket", "hostPath": {"path": "/srv/pg.sock", "type": "Socket"}}],
            [{"name": "socket", "mountPath": "/var/run/postgresql/.s.PGSQL.5432"}],
        ),
        (
            [{"name": "run", "hostPath": {"path": "/var/run/postgresql"}}],
            [{"name": "run", "mountPath": "/var/run/postgresql"}],
        ),
    ],
    ids=["read-only", "socket", "node-run-directory"],
)
def test_a_host_path_beside_the_claim_that_keeps_no_data_passes(
    volumes: list[dict[str, Any]], mounts: list[dict[str, Any]]
) -> None:
    region = eu_region()
    database = _database(region)
    pod = database.props["spec"]["template"]["spec"]
    pod["volumes"] = volumes
    pod["containers"][0]["volumeMounts"].extend(mounts)
    resources = [*region.resources, database]
    for policy in (ENCRYPTION, NO_LOSS):
        assert _on(resources, policy, database) == "", policy


@pytest.mark.parametrize(
    ("image", "data"),
    [
        ("mysql:8.4", "/var/lib/mysql"),
        ("public.ecr.aws/docker/library/postgres:17", "/var/lib/postgresql"),
        ("docker.io/bitnami/mongodb:8.0@sha256:0123", "/bitnami/mongodb"),
    ],
)
def test_an_unlabelled_database_keeping_its_data_on_a_host_path_must_declare_its_classification(
    image: str, data: str
) -> None:
    # Its data directory is a store, as a claim is: it says what it holds.
    region = eu_region()
    database = _database(
        region, HOST_DATA, [{"name": "data", "mountPath": data}], labels={}, image=image, kind="Deployment"
    )
    assert "data-classification" in _on([*region.resources, database], CLASSIFICATION, database)
    database.props["metadata"]["labels"] = {"data-classification": "internal"}
    assert _on([*region.resources, database], CLASSIFICATION, database) == ""
    assert _on([*region.resources, database], ENCRYPTION, database) == ""


def test_an_unlabelled_workload_with_a_writable_host_path_outside_a_database_holds_nothing() -> None:
    # A node agent's state directory is no store the pack asks a label of.
    region = eu_region()
    agent = _database(
        region,
        [{"name": "state", "hostPath": {"path": "/var/lib/agent-state"}}],
        [{"name": "state", "mountPath": "/state"}],
        labels={},
        image="example/node-agent:1.0",
        kind="DaemonSet",
    )
    assert violations([*region.resources, agent], CLASSIFICATION) == []


@pytest.mark.parametrize(
    ("read_only", "blocked"), [(False, True), (True, False)], ids=["writable", "read-only"]
)
def test_a_pii_application_writing_to_a_host_path_keeps_pii_on_the_node(
    read_only: bool, blocked: bool
) -> None:
    region = eu_region()
    application = _database(
        region,
        [{"name": "cache", "hostPath": {"path": "/var/cache/loyalty"}}],
        [{"name": "cache", "mountPath": "/cache", "readOnly": read_only}],
        image="registry.example.com/loyalty-api:2.1",
        kind="Deployment",
    )
    found = _on([*region.resources, application], ENCRYPTION, application)
    assert bool(found) is blocked, found
    if blocked:
        assert "a writable directory of the node, of a workload labelled pii" in found


def _hybrid(region: Region) -> None:
    region.cluster.props["remoteNetworkConfig"] = {"remoteNodeNetworks": {"cidrs": ["10.200.0.0/16"]}}


@pytest.mark.parametrize(
    ("pod", "on_premises"),
    [
        ({}, True),
        ({"nodeSelector": {"eks.amazonaws.com/compute-type": "ec2"}}, False),
        (
            {
                "affinity": {
                    "nodeAffinity": {
                        "requiredDuringSchedulingIgnoredDuringExecution": {
                            "nodeSelectorTerms": [
                                {
                                    "matchExpressions": [
                                        {
                                            "key": "eks.amazonaws.com/compute-type",
                                            "operator": "NotIn",
                                            "values": ["hybrid"],
                                        }
                                    ]
                                }
                            ]
                        }
                    }
                }
            },
            False,
        ),
    ],
    ids=["anywhere", "node-selector", "node-affinity"],
)
def test_a_host_path_database_on_a_cluster_with_hybrid_nodes_may_be_on_premises(
    pod: dict[str, Any], on_premises: bool
) -> None:
    region = eu_region()
    _hybrid(region)
    database = _database(region, HOST_DATA, pod=pod)
    found = _on([*region.resources, database], JURISDICTION, database)
    assert ("on premises" in found) is on_premises, found


# A database's data directory on a volume that lives only as long as its pod (reviewer blind-k8s15 k21) ---

EMPTY_DIR = [{"name": "data", "emptyDir": {"sizeLimit": "50Gi"}}]
MEMORY = [{"name": "data", "emptyDir": {"medium": "Memory"}}]
EPHEMERAL = [
    {
        "name": "data",
        "ephemeral": {
            "volumeClaimTemplate": {
                "metadata": {"labels": {"data-classification": "pii"}},
                "spec": {
                    "storageClassName": "telemetry-gp3",
                    "accessModes": ["ReadWriteOnce"],
                    "resources": {"requests": {"storage": "100Gi"}},
                },
            }
        },
    }
]


@pytest.mark.parametrize("kind", ["StatefulSet", "Deployment"])
@pytest.mark.parametrize("volumes", [EMPTY_DIR, MEMORY], ids=["disk", "memory"])
def test_a_pii_database_whose_data_directory_is_an_empty_dir_is_lost_with_its_pod(
    volumes: list[dict[str, Any]], kind: str
) -> None:
    # Kubernetes deletes an emptyDir with its pod (any reschedule, eviction, drain or node replacement),
    # whatever its medium: a database kept there has no copy that outlives the pod.
    region = eu_region()
    database = _database(region, volumes, kind=kind)
    loss = _on([*region.resources, database], NO_LOSS, database)
    assert "emptyDir" in loss and "deletes it with the pod" in loss, loss
    assert "the data directory of the database postgres" in loss and "PersistentVolumeClaim" in loss


def test_a_database_empty_dir_on_disk_is_under_no_key_of_the_stack_and_in_memory_not_at_rest() -> None:
    region = eu_region()
    on_disk = _database(region, EMPTY_DIR)
    encryption = _on([*region.resources, on_disk], ENCRYPTION, on_disk)
    assert "the emptyDir" in encryption and "no KMS key of the stack" in encryption, encryption
    in_memory = _database(region, MEMORY)
    assert _on([*region.resources, in_memory], ENCRYPTION, in_memory) == ""


def test_a_pii_database_whose_data_directory_is_a_generic_ephemeral_volume_is_lost_with_its_pod() -> None:
    # A generic ephemeral volume's claim is deleted with its pod: the next pod starts on a new, empty one.
    region = eu_region()
    database = _database(region, EPHEMERAL, kind="Deployment")
    loss = _on([*region.resources, database], NO_LOSS, database)
    assert "generic ephemeral volume" in loss and "deletes its claim with the pod" in loss, loss


def test_the_data_directory_a_database_variable_names_is_its_data_directory() -> None:
    # PGDATA moves PostgreSQL's data directory: an emptyDir mounted where it points holds the database.
    region = eu_region()
    database = _database(region, EMPTY_DIR, [{"name": "data", "mountPath": "/pgdata"}])
    container = database.props["spec"]["template"]["spec"]["containers"][0]
    loss = _on([*region.resources, database], NO_LOSS, database)
    assert loss == ""
    container["env"] = [{"name": "PGDATA", "value": "/pgdata/17"}]
    assert "emptyDir" in _on([*region.resources, database], NO_LOSS, database)


SCRATCH = {
    "a socket directory": ("/var/run/postgresql", EMPTY_DIR),
    "temporary files": ("/tmp", EMPTY_DIR),
    "shared memory": ("/dev/shm", MEMORY),
    "an ephemeral scratch volume": ("/scratch", EPHEMERAL),
}


@pytest.mark.parametrize(("mount", "volumes"), SCRATCH.values(), ids=SCRATCH.keys())
def test_a_pod_scoped_volume_beside_the_claim_that_keeps_no_data_passes(
    mount: str, volumes: list[dict[str, Any]]
) -> None:
    region = eu_region()
    database = _database(region)
    pod = database.props["spec"]["template"]["spec"]
    pod["volumes"] = [{**volumes[0], "name": "scratch"}]
    pod["containers"][0]["volumeMounts"].append({"name": "scratch", "mountPath": mount})
    resources = [*region.resources, database]
    for policy in (ENCRYPTION, NO_LOSS, CLASSIFICATION):
        assert _on(resources, policy, database) == "", policy


def test_a_job_running_a_database_on_an_empty_dir_keeps_no_store() -> None:
    # A pod that runs to completion (a restore test, a migration check) keeps nothing past its run by design.
    region = eu_region()
    job = _database(region, EMPTY_DIR, kind="Deployment")
    job.type = "kubernetes:batch/v1:Job"
    spec = job.props["spec"]
    job.props["spec"] = {"template": {**spec["template"]}}
    job.props["spec"]["template"]["spec"]["restartPolicy"] = "Never"
    resources = [*region.resources, job]
    for policy in (ENCRYPTION, NO_LOSS, CLASSIFICATION):
        assert _on(resources, policy, job) == "", policy


def test_an_unlabelled_database_on_an_empty_dir_must_declare_its_classification() -> None:
    region = eu_region()
    database = _database(region, EMPTY_DIR, labels={}, kind="Deployment")
    assert "data-classification" in _on([*region.resources, database], CLASSIFICATION, database)
