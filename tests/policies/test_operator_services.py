"""pii-not-public for the Services a PostgreSQL operator creates from its custom resources' templates.

The stack declares no Service for them: the operator makes one from a template in the custom resource, which
publishes the database as a Service the stack declared would (a LoadBalancer is internet-facing unless its
annotations make it internal, a NodePort opens every node). CloudNativePG v1.30 (cloudnative-pg a95a534):
a Cluster's `spec.managed.services.additional[].serviceTemplate` and a Pooler's `spec.serviceTemplate` (the
PgBouncer in front of `spec.cluster.name`), each a ServiceTemplateSpec {metadata, spec}; Crunchy PGO v6.0.3
(postgres-operator 0fbac30): `spec.service`, `spec.replicaService`, `spec.proxy.pgBouncer.service`, each a
ServiceSpec {metadata, type, nodePort, ...}. Each test is the compliant baseline (a PII cluster whose
operator Services are internal) and one change.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.policies.baseline import eu_region
from tests.policies.operator_objects import BACKUP_BUCKET, backup_bucket, custom_resource
from tests.policies.policy_harness import Res, messages, violations

POLICY = "pii-not-public"
PII = {"data-classification": "pii"}
CNPG = "postgresql.cnpg.io/v1"
CRUNCHY = "postgres-operator.crunchydata.com/v1beta1"
INTERNAL = {
    "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
    "service.beta.kubernetes.io/aws-load-balancer-internal": "true",
}


def _template(kind: str, annotations: dict[str, str] | None = None) -> dict[str, Any]:
    return {"metadata": {"annotations": dict(annotations or {})}, "spec": {"type": kind}}


def _cnpg(additional: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "instances": 3,
        "storage": {"size": "20Gi", "storageClass": "telemetry-gp3"},
        "backup": {"barmanObjectStore": {"destinationPath": f"s3://{BACKUP_BUCKET}/customers"}},
    }
    if additional is not None:
        spec["managed"] = {"services": {"additional": additional}}
    return spec


def _stack(*extra: Res, kind: str = "Cluster", spec: dict[str, Any] | None = None) -> tuple[list[Res], Res]:
    region = eu_region()
    version = CNPG if kind == "Cluster" else CRUNCHY
    cluster = custom_resource(
        region, version, kind, "customers", spec if spec is not None else _cnpg(), labels=PII, protect=True
    )
    return [*region.resources, *backup_bucket(region), cluster, *extra], cluster


def _about(resources: list[Res], resource: Res) -> str:
    found = violations(resources, POLICY)
    assert resource.urn in [d.urn for d in found], messages(found)
    return messages([d for d in found if d.urn == resource.urn])


def test_a_cnpg_cluster_whose_additional_service_is_an_internal_load_balancer_stays_private() -> None:
    additional = [{"selectorType": "rw", "serviceTemplate": _template("LoadBalancer", INTERNAL)}]
    resources, _ = _stack(spec=_cnpg(additional))
    assert violations(resources, POLICY) == []


@pytest.mark.parametrize("service_type", ["LoadBalancer", "NodePort"])
def test_a_cnpg_cluster_whose_additional_service_is_public_is_blocked(service_type: str) -> None:
    additional = [{"selectorType": "rw", "serviceTemplate": _template(service_type)}]
    resources, cluster = _stack(spec=_cnpg(additional))
    assert "managed.services.additional" in _about(resources, cluster)


def test_a_cnpg_pooler_whose_service_is_public_publishes_its_cluster() -> None:
    region = eu_region()
    pooler = custom_resource(
        region,
        CNPG,
        "Pooler",
        "customers-pooler-rw",
        {
            "cluster": {"name": "customers"},
            "instances": 2,
            "type": "rw",
            "pgbouncer": {"poolMode": "session"},
            "serviceTemplate": _template("LoadBalancer"),
        },
    )
    resources, _ = _stack(pooler)
    assert "'cluster-customers'" in _about(resources, pooler)


CRUNCHY_SPEC: dict[str, Any] = {
    "postgresVersion": 17,
    "instances": [{"name": "instance1", "dataVolumeClaimSpec": {"storageClassName": "telemetry-gp3"}}],
    "backups": {"pgbackrest": {"repos": [{"name": "repo1", "volume": {"volumeClaimSpec": {}}}]}},
}
CRUNCHY_SERVICES = {
    "the primary Service": ("service",),
    "the replica Service": ("replicaService",),
    "PgBouncer's Service": ("proxy", "pgBouncer", "service"),
}


@pytest.mark.parametrize("where", CRUNCHY_SERVICES.values(), ids=CRUNCHY_SERVICES.keys())
def test_a_crunchy_cluster_whose_service_is_a_public_load_balancer_is_blocked(where: tuple[str, ...]) -> None:
    spec = copy.deepcopy(CRUNCHY_SPEC)
    parent = spec
    for key in where[:-1]:
        parent = parent.setdefault(key, {})
    parent[where[-1]] = {"type": "LoadBalancer"}
    resources, cluster = _stack(kind="PostgresCluster", spec=spec)
    assert where[-1] in _about(resources, cluster)


def test_a_crunchy_cluster_whose_service_is_an_internal_load_balancer_stays_private() -> None:
    spec = copy.deepcopy(CRUNCHY_SPEC)
    spec["service"] = {"type": "LoadBalancer", "metadata": {"annotations": dict(INTERNAL)}}
    resources, _ = _stack(kind="PostgresCluster", spec=spec)
    assert violations(resources, POLICY) == []


# Zalando postgres-operator v2.0.1 (postgres-operator a7aaad0, pkg/cluster/k8sres.go generateService and
# connection_pooler.go): a cluster's Services are ClusterIP unless a switch of its manifest, else of the
# OperatorConfiguration's `load_balancer` section, makes them a NodePort or a LoadBalancer, annotated with the
# configuration's `custom_service_annotations`, then the manifest's `serviceAnnotations` and the role's.

ZALANDO = "acid.zalan.do/v1"


def _zalando(**spec: Any) -> dict[str, Any]:
    return {
        "teamId": "acid",
        "numberOfInstances": 2,
        "volume": {"size": "20Gi", "storageClass": "telemetry-gp3"},
        "postgresql": {"version": "17"},
        "env": [
            {"name": "WAL_S3_BUCKET", "value": BACKUP_BUCKET},
            {"name": "AWS_REGION", "value": "eu-west-1"},
        ],
        **spec,
    }


def _zalando_stack(
    spec: dict[str, Any], load_balancer: dict[str, Any] | None = None
) -> tuple[list[Res], Res]:
    region = eu_region()
    cluster = custom_resource(region, ZALANDO, "postgresql", "acid-customers", spec, labels=PII, protect=True)
    resources = [*region.resources, *backup_bucket(region), cluster]
    if load_balancer is not None:
        resources.append(
            custom_resource(
                region,
                ZALANDO,
                "OperatorConfiguration",
                "postgres-operator",
                None,
                namespace="postgres-operator",
                configuration={"load_balancer": load_balancer},
            )
        )
    return resources, cluster


ZALANDO_PUBLIC = {
    "the master's load balancer": ({"enableMasterLoadBalancer": True}, None),
    "the replicas' node port": ({"enableReplicaNodePort": True}, None),
    "the operator's default load balancer": ({}, {"enable_master_load_balancer": True}),
    "the master pooler's load balancer": (
        {"enableConnectionPooler": True, "enableMasterPoolerLoadBalancer": True},
        None,
    ),
}


@pytest.mark.parametrize(("spec", "load_balancer"), ZALANDO_PUBLIC.values(), ids=ZALANDO_PUBLIC.keys())
def test_a_zalando_cluster_whose_service_is_switched_public_is_blocked(
    spec: dict[str, Any], load_balancer: dict[str, Any] | None
) -> None:
    resources, cluster = _zalando_stack(_zalando(**spec), load_balancer)
    assert "Service" in _about(resources, cluster)


def test_a_zalando_clusters_internal_load_balancer_stays_private() -> None:
    spec = _zalando(enableMasterLoadBalancer=True, masterServiceAnnotations=dict(INTERNAL))
    resources, _ = _zalando_stack(spec, {"enable_master_load_balancer": False})
    assert violations(resources, POLICY) == []


def test_a_zalando_manifest_switch_wins_over_the_operators_default() -> None:
    spec = _zalando(enableMasterLoadBalancer=False)
    resources, _ = _zalando_stack(spec, {"enable_master_load_balancer": True})
    assert violations(resources, POLICY) == []
