"""The IRSA role an operator gives the pods of its custom resource, through the ServiceAccount it makes for
them (reviewer blind-k8s13 k15): a role of another account is workload credentials in that account, as the
same annotation on a ServiceAccount the stack declares is. Each test is one operator object labelled pii
whose ServiceAccount annotations (`eks.amazonaws.com/role-arn`) name a role of this account (passes) or
another's.

Paths as the operators read them (`residency_facts/operators.OPERATOR_SERVICE_ACCOUNTS`): CloudNativePG
`spec.serviceAccountTemplate.metadata.annotations`; Crunchy PGO `spec.metadata.annotations` and
`spec.backups.pgbackrest.metadata.annotations`; Strimzi `spec.kafka.template.serviceAccount.metadata.
annotations`; Zalando's OperatorConfiguration `configuration.kubernetes.pod_service_account_definition`.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import PII
from tests.policies.operator_objects import custom_resource
from tests.policies.policy_harness import Res, messages, violations

NO_PII = "no-pii-replication"
OWN_ROLE = "arn:aws:iam::123456789012:role/pg-backup-writer"
FOREIGN_ROLE = "arn:aws:iam::999999999999:role/central-pg-backup-writer"


def _annotations(role: str) -> dict[str, Any]:
    return {"metadata": {"annotations": {"eks.amazonaws.com/role-arn": role}}}


def _cnpg(region: Region, role: str) -> list[Res]:
    spec = {"instances": 3, "storage": {"size": "10Gi"}, "serviceAccountTemplate": _annotations(role)}
    return [custom_resource(region, "postgresql.cnpg.io/v1", "Cluster", "pg", spec, labels=PII)]


def _crunchy(region: Region, role: str) -> list[Res]:
    spec = {"postgresVersion": 17, "backups": {"pgbackrest": _annotations(role)}}
    return [
        custom_resource(
            region, "postgres-operator.crunchydata.com/v1beta1", "PostgresCluster", "pg", spec, labels=PII
        )
    ]


def _strimzi(region: Region, role: str) -> list[Res]:
    spec = {"kafka": {"template": {"serviceAccount": _annotations(role)}}}
    return [custom_resource(region, "kafka.strimzi.io/v1", "Kafka", "events", spec, labels=PII)]


def _zalando(region: Region, role: str) -> list[Res]:
    definition = (
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: postgres-pod\n  annotations:\n"
        f"    eks.amazonaws.com/role-arn: {role}\n"
    )
    configuration = custom_resource(
        region,
        "acid.zalan.do/v1",
        "OperatorConfiguration",
        "postgres-operator",
        None,
        configuration={"kubernetes": {"pod_service_account_definition": definition}},
    )
    cluster = custom_resource(
        region, "acid.zalan.do/v1", "postgresql", "pg", {"numberOfInstances": 2}, labels=PII
    )
    return [configuration, cluster]


OPERATORS = {"cnpg": _cnpg, "crunchy": _crunchy, "strimzi": _strimzi, "zalando": _zalando}


@pytest.mark.parametrize("build", OPERATORS.values(), ids=OPERATORS.keys())
def test_an_operators_service_account_role_of_this_account_passes(build: Any) -> None:
    region = eu_region()
    assert violations([*region.resources, *build(region, OWN_ROLE)], NO_PII) == []


@pytest.mark.parametrize("build", OPERATORS.values(), ids=OPERATORS.keys())
def test_an_operators_service_account_role_of_another_account_is_a_share(build: Any) -> None:
    region = eu_region()
    objects = build(region, FOREIGN_ROLE)
    found = violations([*region.resources, *objects], NO_PII)
    assert [d.urn for d in found] == [objects[0].urn], messages(found)
    assert "999999999999" in found[0].message
