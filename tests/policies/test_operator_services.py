"""pii-not-public judges the Services an operator creates from templates in its custom resources as declared
Services publishing the database behind them: CloudNativePG's Pooler (`spec.serviceTemplate`, PgBouncer in
front of its Cluster) and a Cluster's `spec.managed.services.additional[].serviceTemplate` (field names from
cloudnative-pg config/crd/bases). Each test is the baseline (a PII CloudNativePG cluster `customers` in the
namespace `app`, backing up to the stack's bucket, and a Pooler with the default ClusterIP Service) and one
change.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.policies.baseline import eu_region
from tests.policies.copies import PII
from tests.policies.operator_objects import BACKUP_BUCKET, backup_bucket, custom_resource
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

POLICY = "pii-not-public"
CNPG = "postgresql.cnpg.io/v1"
INTERNET_FACING = {
    "metadata": {
        "annotations": {
            "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
            "service.beta.kubernetes.io/aws-load-balancer-type": "external",
            "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
        }
    },
    "spec": {"type": "LoadBalancer"},
}
INTERNAL = {
    "metadata": {"annotations": {"service.beta.kubernetes.io/aws-load-balancer-scheme": "internal"}},
    "spec": {"type": "LoadBalancer", "loadBalancerClass": "service.k8s.aws/nlb"},
}
NODE_PORT = {"spec": {"type": "NodePort"}}


def _cluster_spec(**extra: Any) -> dict[str, Any]:
    return {
        "instances": 3,
        "storage": {"size": "20Gi", "storageClass": "telemetry-gp3"},
        "backup": {
            "barmanObjectStore": {
                "destinationPath": f"s3://{BACKUP_BUCKET}/customers",
                "s3Credentials": {"inheritFromIAMRole": True},
            },
            "retentionPolicy": "30d",
        },
        **extra,
    }


def _stack(
    pooler_template: dict[str, Any] | str | None = None,
    cluster_name: Any = "customers",
    labels: dict[str, str] | None = None,
    **cluster_spec: Any,
) -> tuple[list[Res], Res, Res]:
    region = eu_region()
    cluster = custom_resource(
        region,
        CNPG,
        "Cluster",
        "customers",
        _cluster_spec(**cluster_spec),
        labels=labels or PII,
        protect=True,
    )
    pooler_spec: dict[str, Any] = {"cluster": {"name": cluster_name}, "instances": 2, "type": "rw"}
    if pooler_template is not None:
        pooler_spec["serviceTemplate"] = pooler_template
    pooler = custom_resource(region, CNPG, "Pooler", "customers-rw", pooler_spec)
    return [*region.resources, *backup_bucket(region), cluster, pooler], cluster, pooler


def _additional(template: dict[str, Any] | str) -> dict[str, Any]:
    return {"services": {"additional": [{"selectorType": "rw", "serviceTemplate": template}]}}


def test_the_baseline_publishes_nothing() -> None:
    stack, _, _ = _stack()
    assert violations(stack, POLICY) == []


@pytest.mark.parametrize("template", [INTERNET_FACING, NODE_PORT], ids=["internet-facing", "node-port"])
def test_a_pooler_whose_service_template_is_public_publishes_the_pii_cluster(template: dict) -> None:
    stack, cluster, pooler = _stack(template)
    found = violations(stack, POLICY)
    assert [d.urn for d in found] == [pooler.urn], messages(found)
    assert cluster.name in found[0].message and "serviceTemplate" in found[0].message


def test_a_pooler_whose_service_template_is_internal_publishes_nothing() -> None:
    stack, _, _ = _stack(INTERNAL)
    assert violations(stack, POLICY) == []


def test_a_public_pooler_of_a_cluster_that_holds_no_pii_publishes_no_pii() -> None:
    stack, _, _ = _stack(INTERNET_FACING, labels={"data-classification": "internal"})
    stack = [r for r in stack if r.type != "aws:rds/instance:Instance"]
    assert violations(stack, POLICY) == []


@pytest.mark.preview_only("a cluster name unknown at preview is known once deployed")
def test_a_public_pooler_of_a_cluster_whose_name_is_unknown_fails_closed_where_pii_is_held() -> None:
    stack, _, pooler = _stack(INTERNET_FACING, cluster_name=UNKNOWN)
    found = violations(stack, POLICY)
    assert [d.urn for d in found] == [pooler.urn], messages(found)
    assert "not declared in this stack" in found[0].message


def test_a_public_pooler_of_a_cluster_the_stack_does_not_declare_fails_closed_where_pii_is_held() -> None:
    stack, _, pooler = _stack(INTERNET_FACING, cluster_name="customers-elsewhere")
    found = violations(stack, POLICY)
    assert [d.urn for d in found] == [pooler.urn], messages(found)


@pytest.mark.preview_only("a template unknown at preview is known once deployed")
def test_a_pooler_whose_service_template_is_unknown_fails_closed() -> None:
    stack, _, pooler = _stack(UNKNOWN)
    found = violations(stack, POLICY)
    assert [d.urn for d in found] == [pooler.urn], messages(found)
    assert "unknown at preview" in found[0].message


@pytest.mark.parametrize("template", [INTERNET_FACING, NODE_PORT], ids=["internet-facing", "node-port"])
def test_a_clusters_public_managed_service_publishes_it(template: dict) -> None:
    stack, cluster, _ = _stack(managed=_additional(template))
    found = violations(stack, POLICY)
    assert [d.urn for d in found] == [cluster.urn], messages(found)
    assert "managed.services.additional" in found[0].message


def test_a_clusters_internal_managed_service_publishes_nothing() -> None:
    stack, _, _ = _stack(managed=_additional(INTERNAL))
    assert violations(stack, POLICY) == []


def test_a_class_less_managed_service_with_only_the_scheme_annotation_is_public() -> None:
    """With no class the in-tree cloud provider may publish it, and it never reads the scheme annotation."""
    template = {"metadata": INTERNAL["metadata"], "spec": {"type": "LoadBalancer"}}
    stack, cluster, _ = _stack(managed=_additional(template))
    found = violations(stack, POLICY)
    assert [d.urn for d in found] == [cluster.urn], messages(found)
