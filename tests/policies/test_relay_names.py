"""A PII reader names the relay it sends to by any name the cluster's DNS answers for the relay's Service
(reviewer blind-k8s16: v06, v13, v17).

A pod resolves a name through its search path (`<namespace>.svc.cluster.local`, `svc.cluster.local`,
`cluster.local`): the bare name of a Service of its own namespace (`fluentd`, the fluent-logger convention,
v06), `<service>.<namespace>[.svc[.cluster.local]]`, an absolute name with its trailing dot (the ndots
optimisation, v13), in any case, and a pod's name under the headless Service that governs it
(`fluentd-0.fluentd-headless.logging.svc.cluster.local`, a StatefulSet's pod, v17). Each names the Service,
and the relay behind it reads what the sender reads. The baseline is a PII Deployment in namespace `app`
and a fluentd aggregator behind a Service, keeping what it is sent in its CloudWatch region.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import PII
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

NO_PII = "no-pii-replication"


def _reader(region: Region, value: str, variable: str = "FLUENTD_HOST", **container: Any) -> Res:
    """A PII Deployment of namespace `app` whose environment names the aggregator."""
    return Res(
        "kubernetes:apps/v1:Deployment",
        "checkout",
        {
            "metadata": {"name": "checkout", "namespace": "app", "labels": dict(PII)},
            "spec": {
                "selector": {"matchLabels": {"app": "checkout"}},
                "template": {
                    "metadata": {"labels": {"app": "checkout"}},
                    "spec": {
                        "containers": [
                            {
                                "name": "checkout",
                                "image": "example/checkout:5.1",
                                "env": [
                                    {"name": "PGHOST", "value": UNKNOWN},
                                    {"name": variable, "value": value},
                                ],
                                **container,
                            }
                        ]
                    },
                },
            },
        },
        region.kubernetes,
        deps={"spec": [region.database]},
    )


def _aggregator(
    region: Region,
    region_name: str,
    namespace: str = "logging",
    service: str = "fluentd",
    kind: str = "Deployment",
) -> list[Res]:
    """A fluentd aggregator in a namespace, behind a Service, sending to CloudWatch Logs in a region."""
    config = Res(
        "kubernetes:core/v1:ConfigMap",
        "fluentd-config",
        {
            "metadata": {"name": "fluentd-config", "namespace": namespace},
            "data": {
                "fluent.conf": "<source>\n  @type forward\n  port 24224\n</source>\n<match **>\n"
                f"  @type cloudwatch_logs\n  region {region_name}\n  log_group_name /eks/app\n</match>\n"
            },
        },
        region.kubernetes,
    )
    spec: dict[str, Any] = {
        "selector": {"matchLabels": {"app": "fluentd"}},
        "template": {
            "metadata": {"labels": {"app": "fluentd"}},
            "spec": {
                "containers": [
                    {
                        "name": "fluentd",
                        "image": "fluent/fluentd-kubernetes-daemonset:v1-debian-cloudwatch",
                        "volumeMounts": [{"name": "config", "mountPath": "/fluentd/etc"}],
                    }
                ],
                "volumes": [{"name": "config", "configMap": {"name": "fluentd-config"}}],
            },
        },
    }
    if kind == "StatefulSet":
        spec["serviceName"] = service
    fluentd = Res(
        f"kubernetes:apps/v1:{kind}",
        "fluentd",
        {"metadata": {"name": "fluentd", "namespace": namespace}, "spec": spec},
        region.kubernetes,
    )
    service_spec: dict[str, Any] = {"selector": {"app": "fluentd"}, "ports": [{"port": 24224}]}
    if kind == "StatefulSet":
        service_spec["clusterIP"] = "None"
    front = Res(
        "kubernetes:core/v1:Service",
        "fluentd-svc",
        {"metadata": {"name": service, "namespace": namespace}, "spec": service_spec},
        region.kubernetes,
    )
    return [config, fluentd, front]


def _relayed(resources: list[Res], relay: Res) -> str:
    """The messages about the relay: it is blocked for what the PII reader sends it."""
    found = violations(resources, NO_PII)
    about = messages([d for d in found if d.urn == relay.urn])
    assert "pii" in about and "us-east-1" in about, messages(found)
    return about


def _clean(resources: list[Res]) -> None:
    found = violations(resources, NO_PII)
    assert found == [], messages(found)


# The bare name of a Service of the sender's own namespace (v06) ---------------------------------------------

BARE = {"the name": "fluentd", "the name and port": "fluentd:24224", "in upper case": "Fluentd"}


@pytest.mark.parametrize("value", BARE.values(), ids=list(BARE))
def test_a_bare_service_name_of_the_senders_namespace_is_a_relay(value: str) -> None:
    region = eu_region()
    aggregator = _aggregator(region, "us-east-1", namespace="app")
    _relayed([*region.resources, _reader(region, value), *aggregator], aggregator[1])


@pytest.mark.parametrize("value", BARE.values(), ids=list(BARE))
def test_a_bare_service_name_of_an_in_region_relay_is_clean(value: str) -> None:
    region = eu_region()
    _clean([*region.resources, _reader(region, value), *_aggregator(region, "eu-west-1", namespace="app")])


def test_a_bare_name_resolves_in_the_senders_namespace_only() -> None:
    # `fluentd` from namespace `app` is `fluentd.app.svc.cluster.local`: not the Service of `logging`.
    region = eu_region()
    _clean([*region.resources, _reader(region, "fluentd"), *_aggregator(region, "us-east-1")])


def test_a_value_that_names_an_object_or_a_label_is_no_relay() -> None:
    # A container, a ConfigMap and a variable called `fluentd` name Kubernetes objects, not the Service.
    region = eu_region()
    reader = _reader(
        region,
        "payments",
        variable="OTEL_SERVICE_NAME",
        envFrom=[{"configMapRef": {"name": "fluentd"}}],
    )
    template = reader.props["spec"]["template"]
    template["metadata"]["labels"]["component"] = "fluentd"
    template["spec"]["containers"][0]["name"] = "fluentd"
    template["spec"]["containers"][0]["env"].append({"name": "LOGGER_NAME", "value": "fluentd"})
    settings = Res(
        "kubernetes:core/v1:ConfigMap",
        "reader-settings",
        {"metadata": {"name": "fluentd", "namespace": "app"}, "data": {"LEVEL": "info"}},
        region.kubernetes,
    )
    _clean([*region.resources, reader, settings, *_aggregator(region, "us-east-1", namespace="app")])


# Absolute names and case (v13) ------------------------------------------------------------------------------

WRITTEN = {
    "a trailing dot": "http://fluentd.logging.svc.cluster.local.:24224",
    "a trailing dot, no port": "fluentd.logging.svc.cluster.local.",
    "upper case": "FLUENTD.LOGGING.SVC.CLUSTER.LOCAL:24224",
}


@pytest.mark.parametrize("value", WRITTEN.values(), ids=list(WRITTEN))
def test_an_absolute_or_upper_case_service_name_is_a_relay(value: str) -> None:
    region = eu_region()
    aggregator = _aggregator(region, "us-east-1")
    _relayed([*region.resources, _reader(region, value, "LOG_FORWARD"), *aggregator], aggregator[1])


# A pod's name under its headless Service (v17) --------------------------------------------------------------

POD_NAMES = {
    "fully qualified": ("fluentd-0.fluentd-headless.logging.svc.cluster.local", "logging"),
    "absolute": ("fluentd-0.fluentd-headless.logging.svc.cluster.local.", "logging"),
    "under svc": ("fluentd-0.fluentd-headless.logging.svc", "logging"),
    "namespace-qualified": ("fluentd-0.fluentd-headless.logging", "logging"),
    "in the senders namespace": ("fluentd-0.fluentd-headless:24224", "app"),
}


@pytest.mark.parametrize(("value", "namespace"), POD_NAMES.values(), ids=list(POD_NAMES))
def test_a_stateful_pods_dns_name_is_a_relay_to_its_service(value: str, namespace: str) -> None:
    region = eu_region()
    aggregator = _aggregator(region, "us-east-1", namespace, "fluentd-headless", "StatefulSet")
    about = _relayed([*region.resources, _reader(region, value, "LOG_FORWARD"), *aggregator], aggregator[1])
    assert "fluentd-headless" in about


def test_a_stateful_pods_dns_name_of_an_in_region_relay_is_clean() -> None:
    region = eu_region()
    aggregator = _aggregator(region, "eu-west-1", "logging", "fluentd-headless", "StatefulSet")
    value = "fluentd-0.fluentd-headless.logging.svc.cluster.local"
    _clean([*region.resources, _reader(region, value, "LOG_FORWARD"), *aggregator])


def test_a_public_host_whose_labels_look_like_a_pod_name_is_no_relay() -> None:
    # `fluentd-0.fluentd-headless.logging.example.com` is on the internet (judged as such), not the pod.
    region = eu_region()
    aggregator = _aggregator(region, "us-east-1", "logging", "fluentd-headless", "StatefulSet")
    reader = _reader(region, "fluentd-0.fluentd-headless.logging.example.com", "LOG_FORWARD")
    found = violations([*region.resources, reader, *aggregator], NO_PII)
    assert [d for d in found if d.urn == aggregator[1].urn] == [], messages(found)
