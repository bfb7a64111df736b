"""A Kubernetes Patch type is judged as the object it patches.

pulumi-kubernetes registers a Server-Side Apply patch of an existing object as `<Kind>Patch`
(`kubernetes:core/v1:ServiceAccountPatch`; `apiextensions.CustomResourcePatch` as
`kubernetes:<apiVersion>:<Kind>Patch`), with `kind` the patched object's kind and every field optional.
What it sets is part of the live object: an IRSA annotation on the `default` ServiceAccount gives every
pod of the namespace that names no account the role's credentials, an environment variable added to a
Deployment is one of its containers' configuration, a ConfigMap's added key is read by the pods that mount
it. Where the stack declares the patched object too (same provider, kind, namespace and name), the patch
is judged as the object with the patch applied (maps merged, keyed lists merged by `name`, other lists as
the union of both, which is never narrower than what Server-Side Apply makes of them).

Each test is the compliant baseline (a PII Deployment of namespace `app` reading the baseline's database, with
no `serviceAccountName`: it runs as `default`) and one patch.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import OTHER_ACCOUNT, PII
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

NO_PII = "no-pii-replication"
ANONYMISED_ONLY = "anonymised-only-replication"
NOT_PUBLIC = "pii-not-public"
OWN_ROLE = "arn:aws:iam::123456789012:role/customers-api"
PARTNER_ROLE = f"arn:aws:iam::{OTHER_ACCOUNT}:role/shared-writer"
SAAS_ENDPOINT = "https://otlp.vendor-example.io:4318"


def _api(region: Region) -> Res:
    """The PII Deployment app/customers-api, given the database's address; it runs as `default`."""
    container = {
        "name": "api",
        "image": "example/customers-api:1.4",
        "env": [{"name": "PGHOST", "value": UNKNOWN}, {"name": "PGDATABASE", "value": "customers"}],
        "volumeMounts": [{"name": "conf", "mountPath": "/etc/api"}],
    }
    return Res(
        "kubernetes:apps/v1:Deployment",
        "customers-api",
        {
            "metadata": {
                "name": "customers-api",
                "namespace": "app",
                "labels": {"app": "customers-api", **PII},
            },
            "spec": {
                "selector": {"matchLabels": {"app": "customers-api"}},
                "template": {
                    "metadata": {"labels": {"app": "customers-api", **PII}},
                    "spec": {
                        "containers": [container],
                        "volumes": [{"name": "conf", "configMap": {"name": "api-config"}}],
                    },
                },
            },
        },
        region.kubernetes,
        deps={"spec": [region.database]},
    )


def _config(region: Region) -> Res:
    return Res(
        "kubernetes:core/v1:ConfigMap",
        "api-config",
        {"metadata": {"name": "api-config", "namespace": "app"}, "data": {"LOG_LEVEL": "info"}},
        region.kubernetes,
    )


def _stack(*patches: Res) -> tuple[Region, list[Res]]:
    region = eu_region()
    return region, [*region.resources, _api(region), _config(region), *patches]


def _patch(region: Region, kind_token: str, name: str, props: dict[str, Any]) -> Res:
    kind = kind_token.rsplit(":", 1)[-1]
    return Res(f"{kind_token}Patch", f"{name}-patch", {"kind": kind, **props}, region.kubernetes)


@pytest.mark.parametrize(
    ("role", "shared"), [(OWN_ROLE, False), (PARTNER_ROLE, True)], ids=["own", "partner"]
)
@pytest.mark.parametrize("rule", [NO_PII, ANONYMISED_ONLY])
def test_a_service_account_patch_giving_default_another_accounts_role_shares_what_its_pods_read(
    role: str, shared: bool, rule: str
) -> None:
    region = eu_region()
    patch = _patch(
        region,
        "kubernetes:core/v1:ServiceAccount",
        "default-sa-irsa",
        {
            "metadata": {
                "name": "default",
                "namespace": "app",
                "annotations": {"eks.amazonaws.com/role-arn": role},
            }
        },
    )
    stack = [*region.resources, _api(region), _config(region), patch]
    found = [d for d in violations(stack, rule) if d.urn == patch.urn]
    assert bool(found) is shared, messages(violations(stack, rule))
    if shared:
        assert "ServiceAccountPatch 'default-sa-irsa-patch'" in found[0].message
        assert OTHER_ACCOUNT in found[0].message and "customers-api" in found[0].message


def _deployment_patch(region: Region, env: list[dict[str, str]]) -> Res:
    """A patch of app/customers-api that only adds variables to its container."""
    return _patch(
        region,
        "kubernetes:apps/v1:Deployment",
        "customers-api",
        {
            "metadata": {"name": "customers-api", "namespace": "app"},
            "spec": {"template": {"spec": {"containers": [{"name": "api", "env": env}]}}},
        },
    )


def test_a_deployment_patch_adding_an_exporter_to_a_pii_deployment_copies_what_it_reads() -> None:
    region = eu_region()
    patch = _deployment_patch(region, [{"name": "OTEL_EXPORTER_OTLP_ENDPOINT", "value": SAAS_ENDPOINT}])
    stack = [*region.resources, _api(region), _config(region), patch]
    found = violations(stack, NO_PII)
    assert [d.urn for d in found] == [patch.urn], messages(found)
    assert "outside AWS" in found[0].message and "pii-db" in found[0].message


def test_a_deployment_patch_that_sends_nowhere_copies_nothing() -> None:
    region = eu_region()
    patch = _deployment_patch(region, [{"name": "LOG_LEVEL", "value": "debug"}])
    assert violations([*region.resources, _api(region), _config(region), patch], NO_PII) == []


def test_a_config_map_patch_adding_an_exporter_is_read_by_the_pods_that_mount_it() -> None:
    region = eu_region()
    api = _api(region)
    patch = _patch(
        region,
        "kubernetes:core/v1:ConfigMap",
        "api-config",
        {
            "metadata": {"name": "api-config", "namespace": "app"},
            "data": {"OTEL_EXPORTER_OTLP_ENDPOINT": SAAS_ENDPOINT},
        },
    )
    found = violations([*region.resources, api, _config(region), patch], NO_PII)
    assert [d.urn for d in found] == [api.urn], messages(found)


def test_a_service_patch_publishing_a_pii_stores_service_through_a_public_load_balancer_is_blocked() -> None:
    # The baseline's TimescaleDB StatefulSet, labelled PII, holds the data on its claims: a Service of it
    # patched from ClusterIP to LoadBalancer (no scheme annotation: internet-facing) publishes the store.
    region = eu_region()
    region.telemetry.props["spec"]["template"] = {"metadata": {"labels": {"app": "timescaledb"}}}
    region.telemetry.props["metadata"]["labels"] = dict(PII)
    region.telemetry.props["spec"]["volumeClaimTemplates"][0]["metadata"]["labels"] = dict(PII)
    service = Res(
        "kubernetes:core/v1:Service",
        "timescaledb",
        {
            "metadata": {"name": "timescaledb", "namespace": "telemetry"},
            "spec": {"selector": {"app": "timescaledb"}, "ports": [{"port": 5432}]},
        },
        region.kubernetes,
    )
    patch = _patch(
        region,
        "kubernetes:core/v1:Service",
        "timescaledb",
        {"metadata": {"name": "timescaledb", "namespace": "telemetry"}, "spec": {"type": "LoadBalancer"}},
    )
    stack = [*region.resources, service]
    assert violations(stack, NOT_PUBLIC) == []
    found = violations([*stack, patch], NOT_PUBLIC)
    assert [d.urn for d in found] == [patch.urn], messages(found)
    assert "timescaledb" in found[0].message


def test_a_custom_resource_patch_is_judged_as_its_kind() -> None:
    # apiextensions.CustomResourcePatch registers `kubernetes:<apiVersion>:<Kind>Patch` with `kind` <Kind>: a
    # Prometheus patched to remote-write its telemetry outside AWS copies it there.
    region = eu_region()
    prometheus = Res(
        "kubernetes:monitoring.coreos.com/v1:PrometheusPatch",
        "main-remote-write",
        {
            "apiVersion": "monitoring.coreos.com/v1",
            "kind": "Prometheus",
            "metadata": {
                "name": "main",
                "namespace": "monitoring",
                "labels": {"data-classification": "telemetry"},
            },
            "spec": {"remoteWrite": [{"url": "https://metrics.vendor-example.io/api/v1/push"}]},
        },
        region.kubernetes,
    )
    found = violations([*region.resources, prometheus], ANONYMISED_ONLY)
    assert [d.urn for d in found] == [prometheus.urn], messages(found)
