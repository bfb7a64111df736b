"""pii-not-public judges a published workload that relays a PII store's own protocol as the store's
publication (reviewer blind-k8s13 k03): a connection pooler or TCP forwarder whose configuration names the
store, or any workload naming it that is published on a database port.

The baseline is a PgBouncer Deployment (bitnami/pgbouncer, `POSTGRESQL_HOST` the PII RDS instance's address)
behind a ClusterIP Service on 5432. Each test changes one thing. A LoadBalancer Service of the AWS Load
Balancer Controller (class `service.k8s.aws/nlb`) with scheme `internet-facing` is on the internet.
"""

from __future__ import annotations

from typing import Any

from tests.policies.baseline import Region, eu_region
from tests.policies.operator_objects import pii_database_pods
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

POLICY = "pii-not-public"
NAMESPACE = "app"
PUBLIC = {
    "service.beta.kubernetes.io/aws-load-balancer-type": "external",
    "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
    "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
}


def _proxy(
    region: Region,
    image: str = "docker.io/bitnami/pgbouncer:1.24.1",
    env: list[dict[str, Any]] | None = None,
    args: list[str] | None = None,
) -> Res:
    """A Deployment in front of the PII database: its host from the instance's address."""
    container: dict[str, Any] = {
        "name": "proxy",
        "image": image,
        "ports": [{"containerPort": 6432}],
        "env": env if env is not None else [{"name": "POSTGRESQL_HOST", "value": UNKNOWN}],
    }
    if args is not None:
        container["args"] = args
    return Res(
        "kubernetes:apps/v1:Deployment",
        "pooler",
        {
            "metadata": {
                "name": "pooler",
                "namespace": NAMESPACE,
                "labels": {"data-classification": "internal"},
            },
            "spec": {
                "selector": {"matchLabels": {"app": "pooler"}},
                "template": {"metadata": {"labels": {"app": "pooler"}}, "spec": {"containers": [container]}},
            },
        },
        region.kubernetes,
        deps={"spec": [region.database]} if env is None else {},
    )


def _service(region: Region, public: bool = False, port: int = 5432, target: int = 6432) -> Res:
    spec: dict[str, Any] = {
        "selector": {"app": "pooler"},
        "ports": [{"name": "pg", "port": port, "targetPort": target}],
    }
    annotations: dict[str, str] = {}
    if public:
        spec |= {"type": "LoadBalancer", "loadBalancerClass": "service.k8s.aws/nlb"}
        annotations = dict(PUBLIC)
    return Res(
        "kubernetes:core/v1:Service",
        "pooler",
        {"metadata": {"name": "pooler", "namespace": NAMESPACE, "annotations": annotations}, "spec": spec},
        region.kubernetes,
    )


def _blocked(resources: list[Res], service: Res) -> str:
    found = violations(resources, POLICY)
    assert [d.urn for d in found] == [service.urn], messages(found)
    return found[0].message


def test_a_pooler_of_the_pii_database_behind_a_cluster_ip_service_passes() -> None:
    region = eu_region()
    assert violations([*region.resources, _proxy(region), _service(region)], POLICY) == []


def test_a_pooler_of_the_pii_database_behind_an_internet_facing_balancer_publishes_the_database() -> None:
    region = eu_region()
    service = _service(region, public=True)
    message = _blocked([*region.resources, _proxy(region), service], service)
    assert "pii-db" in message and "PgBouncer" in message


def test_a_tcp_forwarder_naming_the_database_host_on_any_port_publishes_it() -> None:
    region = eu_region()
    address = "pii-db.c1a2b3c4d5e6.eu-west-1.rds.amazonaws.com"
    forwarder = _proxy(
        region, "docker.io/alpine/socat:1.8.0.1", env=[], args=["TCP-LISTEN:8443,fork", f"TCP:{address}:5432"]
    )
    region.database.props["address"] = address
    service = _service(region, public=True, port=8443, target=8443)
    message = _blocked([*region.resources, forwarder, service], service)
    assert "socat" in message


def test_any_workload_naming_the_database_published_on_a_database_port_publishes_it() -> None:
    region = eu_region()
    relay = _proxy(region, "123456789012.dkr.ecr.eu-west-1.amazonaws.com/tools/pg-relay:2")
    service = _service(region, public=True, port=5432, target=8080)
    message = _blocked([*region.resources, relay, service], service)
    assert "port 5432" in message


def test_an_application_reading_the_database_published_on_https_passes() -> None:
    # The application answers its own requests: what it serves is its own business.
    region = eu_region()
    application = _proxy(region, "123456789012.dkr.ecr.eu-west-1.amazonaws.com/crm/api:1.4.2")
    service = _service(region, public=True, port=443, target=8080)
    assert violations([*region.resources, application, service], POLICY) == []


def test_a_proxy_to_a_store_that_holds_no_pii_passes() -> None:
    region = eu_region()
    proxy = _proxy(region, env=[{"name": "POSTGRESQL_HOST", "value": "reports.internal.example"}])
    assert violations([*region.resources, proxy, _service(region, public=True)], POLICY) == []


def test_a_pooler_of_pii_database_pods_named_by_their_service_publishes_them() -> None:
    region = eu_region()
    database = pii_database_pods(region, NAMESPACE)
    database_service = Res(
        "kubernetes:core/v1:Service",
        "customers-db",
        {
            "metadata": {"name": "customers-db", "namespace": NAMESPACE},
            "spec": {"selector": {"app": "customers-db"}, "ports": [{"port": 5432}]},
        },
        region.kubernetes,
    )
    pooler = _proxy(region, env=[], args=["--upstream", "customers-db.app.svc.cluster.local:5432"])
    service = _service(region, public=True)
    message = _blocked([*region.resources, database, database_service, pooler, service], service)
    assert "customers-db" in message
