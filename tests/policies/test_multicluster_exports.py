"""Multi-cluster networks publish a cluster's pods to clusters the stack does not declare, which may be in any
region or account: a Multi-Cluster Services `ServiceExport` (the ClusterSet's other clusters; the AWS Cloud
Map MCS controller on EKS), Skupper's `skupper.io/proxy` annotation on a Service or a workload (v1: every
linked site) and Skupper's `Connector` (v2: the pods its selector picks, on every site of the network). Each
test is the baseline (the region's cluster with PII database pods behind a ClusterIP Service) and one change.
"""

from __future__ import annotations

from tests.policies.baseline import Region, eu_region
from tests.policies.operator_objects import custom_resource, pii_database_pods
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

POLICY = "pii-not-public"


def _service(region: Region, annotations: dict | None = None) -> Res:
    metadata: dict = {"name": "customers-db", "namespace": "app"}
    if annotations is not None:
        metadata["annotations"] = annotations
    return Res(
        "kubernetes:core/v1:Service",
        "customers-db",
        {"metadata": metadata, "spec": {"selector": {"app": "customers-db"}, "ports": [{"port": 5432}]}},
        region.kubernetes,
    )


def _baseline() -> tuple[Region, list[Res]]:
    region = eu_region()
    return region, [*region.resources, pii_database_pods(region), _service(region)]


def _export(region: Region, name: str = "customers-db", namespace: object = "app") -> Res:
    export = custom_resource(region, "multicluster.x-k8s.io/v1alpha1", "ServiceExport", name, None)
    export.props["metadata"]["namespace"] = namespace
    return export


def _connector(region: Region, selector: object) -> Res:
    spec = {"routingKey": "customers-db", "selector": selector, "port": 5432}
    return custom_resource(region, "skupper.io/v2alpha1", "Connector", "customers-db", spec)


def test_the_baseline_publishes_nothing() -> None:
    _, stack = _baseline()
    assert violations(stack, POLICY) == []


def test_a_service_export_of_the_pii_service_publishes_it_to_the_cluster_set() -> None:
    region, stack = _baseline()
    export = _export(region)
    found = violations([*stack, export], POLICY)
    assert [d.urn for d in found] == [export.urn], messages(found)
    assert "customers-db" in found[0].message and "ClusterSet" in found[0].message


def test_a_service_export_of_another_service_publishes_no_pii() -> None:
    region, stack = _baseline()
    other = Res(
        "kubernetes:core/v1:Service",
        "front",
        {"metadata": {"name": "front", "namespace": "app"}, "spec": {"selector": {"app": "front"}}},
        region.kubernetes,
    )
    front = Res(
        "kubernetes:apps/v1:Deployment",
        "front",
        {
            "metadata": {"name": "front", "namespace": "app", "labels": {"data-classification": "public"}},
            "spec": {
                "selector": {"matchLabels": {"app": "front"}},
                "template": {
                    "metadata": {"labels": {"app": "front"}},
                    "spec": {"containers": [{"name": "web"}]},
                },
            },
        },
        region.kubernetes,
    )
    assert violations([*stack, other, front, _export(region, "front")], POLICY) == []


def test_a_service_export_whose_namespace_is_unknown_fails_closed() -> None:
    region, stack = _baseline()
    export = _export(region, namespace=UNKNOWN)
    assert [d.urn for d in violations([*stack, export], POLICY)] == [export.urn]


def test_a_skupper_proxy_annotation_on_the_pii_service_publishes_it() -> None:
    region, stack = _baseline()
    annotated = _service(region, {"skupper.io/proxy": "tcp", "skupper.io/address": "customers-db"})
    stack = [r for r in stack if r.type != "kubernetes:core/v1:Service"] + [annotated]
    found = violations(stack, POLICY)
    assert [d.urn for d in found] == [annotated.urn], messages(found)
    assert "skupper.io/proxy" in found[0].message


def test_a_skupper_proxy_annotation_on_the_pii_workload_publishes_it() -> None:
    region, stack = _baseline()
    pods = pii_database_pods(region)
    pods.props["metadata"]["annotations"] = {"skupper.io/proxy": "tcp"}
    stack = [r for r in stack if r.type != "kubernetes:apps/v1:StatefulSet"] + [pods]
    found = violations(stack, POLICY)
    assert [d.urn for d in found] == [pods.urn], messages(found)


def test_a_skupper_connector_selecting_the_pii_pods_publishes_them() -> None:
    region, stack = _baseline()
    connector = _connector(region, "app=customers-db")
    found = violations([*stack, connector], POLICY)
    assert [d.urn for d in found] == [connector.urn], messages(found)
    assert "Skupper" in found[0].message and "selects kubernetes:apps/v1:StatefulSet" in found[0].message


def test_a_skupper_connector_selecting_other_pods_publishes_no_pii() -> None:
    region, stack = _baseline()
    assert violations([*stack, _connector(region, "app=front")], POLICY) == []


def test_a_skupper_connector_whose_selector_is_unknown_fails_closed() -> None:
    region, stack = _baseline()
    connector = _connector(region, UNKNOWN)
    assert [d.urn for d in violations([*stack, connector], POLICY)] == [connector.urn]


def _api(region: Region, classification: str = "pii") -> list[Res]:
    """An application Deployment that serves personal data (labelled `classification`) and its ClusterIP
    Service `customers-api`."""
    labels = {"app": "customers-api"}
    deployment = Res(
        "kubernetes:apps/v1:Deployment",
        "customers-api",
        {
            "metadata": {
                "name": "customers-api",
                "namespace": "app",
                "labels": {**labels, "data-classification": classification},
            },
            "spec": {
                "selector": {"matchLabels": labels},
                "template": {"metadata": {"labels": labels}, "spec": {"containers": [{"name": "api"}]}},
            },
        },
        region.kubernetes,
    )
    service = Res(
        "kubernetes:core/v1:Service",
        "customers-api",
        {"metadata": {"name": "customers-api", "namespace": "app"}, "spec": {"selector": labels}},
        region.kubernetes,
    )
    return [deployment, service]


def test_a_service_export_of_an_application_that_serves_pii_publishes_it_to_the_cluster_set() -> None:
    """Unlike the product's load balancer, a multi-cluster export joins other clusters' workloads to the
    callers the application trusts inside its cluster: an API that serves personal data is exported with
    it."""
    region, stack = _baseline()
    export = _export(region, "customers-api")
    found = violations([*stack, *_api(region), export], POLICY)
    assert [d.urn for d in found] == [export.urn], messages(found)
    assert "kubernetes:apps/v1:Deployment 'customers-api'" in found[0].message
    assert "ClusterSet" in found[0].message


def test_a_service_export_of_an_application_that_serves_anonymised_data_publishes_no_pii() -> None:
    region, stack = _baseline()
    assert violations([*stack, *_api(region, "anonymised"), _export(region, "customers-api")], POLICY) == []


def test_a_skupper_proxy_annotation_on_the_service_of_an_application_that_serves_pii_publishes_it() -> None:
    region, stack = _baseline()
    deployment, service = _api(region)
    service.props["metadata"]["annotations"] = {"skupper.io/proxy": "http"}
    found = violations([*stack, deployment, service], POLICY)
    assert [d.urn for d in found] == [service.urn], messages(found)
    assert "skupper.io/proxy" in found[0].message and "customers-api" in found[0].message


def test_a_cluster_mesh_global_service_of_an_application_that_serves_pii_publishes_it() -> None:
    region, stack = _baseline()
    deployment, service = _api(region)
    service.props["metadata"]["annotations"] = {"service.cilium.io/global": "true"}
    found = violations([*stack, deployment, service], POLICY)
    assert [d.urn for d in found] == [service.urn], messages(found)
    assert "Cilium ClusterMesh" in found[0].message


def test_an_internal_load_balancer_of_an_application_that_serves_pii_is_no_multi_cluster_export() -> None:
    """The product's own front: an application behind its Service is what the design publishes to its users
    (the residency of what the application returns is application code's, out of the pack's reach)."""
    region, stack = _baseline()
    deployment, service = _api(region)
    service.props["spec"]["type"] = "LoadBalancer"
    scheme = "service.beta.kubernetes.io/aws-load-balancer-scheme"
    service.props["metadata"]["annotations"] = {scheme: "internal"}
    assert violations([*stack, deployment, service], POLICY) == []
