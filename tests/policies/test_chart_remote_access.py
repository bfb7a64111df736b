"""A release of a reviewed tunnel or remote-access chart lets its vendor's edge reach the cluster.

cloudflared, Teleport's kube agent, Twingate's connector, Tailscale's operator and ngrok's operator dial out
to their vendor, whose proxy then reaches the cluster by routes (or Kubernetes access) kept on the vendor's
side (`residency_facts/charts.py`): in a cluster that holds PII or whose pods read it, what they publish
cannot be seen, and they fail closed under pii-not-public, as the tunnel rule does for workloads. A chart that
keeps its routes in its values (cloudflared's locally managed tunnel) is judged by them, and a remote access
that is off unless switched on (Tailscale's API server proxy) only when it is on. Whatever the cluster holds,
values that route to a PII store or a Service of PII pods publish it.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import PII
from tests.policies.helm_releases import release
from tests.policies.operator_objects import pii_claim
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations
from tests.policies.test_cluster_access import _database_reader

PUBLIC = "pii-not-public"
TELEPORT = {"roles": "kube,app", "proxyAddr": "acme.teleport.sh:443", "kubeClusterName": "eu-prod"}


def _pii_pods(region: Region) -> list[Res]:
    """A StatefulSet of PII pods in namespace app and the Service `customers` that selects them."""
    labels = {"app": "customers"}
    pods = Res(
        "kubernetes:apps/v1:StatefulSet",
        "customers",
        {
            "metadata": {"name": "customers", "namespace": "app", "labels": dict(PII)},
            "spec": {
                "selector": {"matchLabels": labels},
                "template": {
                    "metadata": {"labels": labels},
                    "spec": {"containers": [{"name": "c", "image": "x"}]},
                },
            },
        },
        region.kubernetes,
    )
    service = Res(
        "kubernetes:core/v1:Service",
        "customers",
        {
            "metadata": {"name": "customers", "namespace": "app"},
            "spec": {"selector": labels, "ports": [{"port": 80}]},
        },
        region.kubernetes,
    )
    return [pods, service]


@pytest.mark.parametrize("cluster", ["holds-pii", "reads-pii"])
@pytest.mark.parametrize(
    ("chart", "values"),
    [
        ("teleport-kube-agent", TELEPORT),
        ("cloudflare-tunnel-remote", {"cloudflare": {"tunnel_token": "eyJhIjoiMTIzIn0="}}),
        ("connector", {"connector": {"network": "acme", "accessToken": "x", "refreshToken": "y"}}),
    ],
    ids=["teleport", "cloudflare-remote", "twingate"],
)
def test_a_remote_access_chart_in_a_cluster_that_holds_or_reads_pii_fails_closed(
    chart: str, values: dict[str, Any], cluster: str
) -> None:
    region = eu_region()
    # Only a cluster that holds PII is shown without the PII database: its reader needs it.
    stack = [*_without_pii(region), pii_claim(region)] if cluster == "holds-pii" else [*region.resources]
    agent = release(region, chart, values, "remote")
    found = violations(
        [*stack, *([] if cluster == "holds-pii" else [_database_reader(region)]), agent], PUBLIC
    )
    assert [d.urn for d in found] == [agent.urn], messages(found)
    assert f"the {chart} chart (a tunnel or remote-access agent)" in found[0].message


def _without_pii(region: Region) -> list[Res]:
    """The baseline without its PII database: its cluster holds telemetry only (not protected here)."""
    return [r for r in region.resources if r is not region.database]


def test_a_remote_access_chart_in_a_stack_whose_cluster_and_network_hold_no_pii_is_allowed() -> None:
    region = eu_region()
    agent = release(region, "teleport-kube-agent", TELEPORT, "teleport")
    assert violations([*_without_pii(region), agent], PUBLIC) == []


def test_a_remote_access_chart_beside_a_pii_database_on_the_network_fails_closed() -> None:
    # The agent's pods are on the cluster's network: the routes its vendor defines may reach the database.
    region = eu_region()
    agent = release(region, "connector", {"connector": {"network": "acme"}}, "remote")
    found = violations([*region.resources, agent], PUBLIC)
    assert [d.urn for d in found] == [agent.urn], messages(found)
    assert "pii data of aws:rds/instance:Instance 'pii-db' on the network" in found[0].message


def test_a_remote_access_chart_whose_values_are_computed_from_a_pii_store_publishes_it_anywhere() -> None:
    # Teleport's application service proxies the application its values name (here the PII bucket's
    # website), whatever the cluster holds and wherever the store is.
    region = eu_region()
    bucket = Res("aws:s3/bucket:Bucket", "exports", {"tags": dict(PII)}, region.provider)
    agent = release(
        region,
        "teleport-kube-agent",
        {**TELEPORT, "roles": "app", "apps": [{"name": "exports", "uri": UNKNOWN}]},
        "teleport",
        deps={"values": [bucket]},
    )
    blocked = Res(
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        "exports",
        {
            "bucket": UNKNOWN,
            "blockPublicAcls": True,
            "blockPublicPolicy": True,
            "ignorePublicAcls": True,
            "restrictPublicBuckets": True,
        },
        region.provider,
        deps={"bucket": [bucket]},
    )
    found = violations([*_without_pii(region), bucket, blocked, agent], PUBLIC)
    assert [d.urn for d in found] == [agent.urn], messages(found)
    assert "whose values are computed from aws:s3/bucket:Bucket 'exports'" in found[0].message


def _local_tunnel(region: Region, cloudflare: dict[str, Any]) -> Res:
    return release(
        region,
        "cloudflare-tunnel",
        {"cloudflare": {"account": "a", "tunnelName": "t", "tunnelId": "i", "secret": "s", **cloudflare}},
        "tunnel",
    )


@pytest.mark.parametrize(
    ("cloudflare", "blocked"),
    [
        ({"ingress": [{"hostname": "www.example.com", "service": "http://web.public.svc:80"}]}, False),
        ({"ingress": [{"hostname": "api.example.com", "service": "http://customers.app.svc:80"}]}, True),
        (
            {
                "ingress": [{"hostname": "www.example.com", "service": "http://web.public.svc:80"}],
                "enableWarp": True,
            },
            True,
        ),
        ({"ingress": []}, False),
        ({"ingress": UNKNOWN}, True),
    ],
    ids=["public-web", "pii-service", "warp", "no-routes", "unknown-routes"],
)
def test_a_tunnel_chart_that_keeps_its_routes_in_its_values_is_judged_by_them(
    cloudflare: dict[str, Any], blocked: bool
) -> None:
    region = eu_region()
    tunnel = _local_tunnel(region, cloudflare)
    found = violations([*region.resources, *_pii_pods(region), tunnel], PUBLIC)
    assert [d.urn for d in found] == ([tunnel.urn] if blocked else []), messages(found)


@pytest.mark.parametrize(
    ("switch", "blocked"),
    [(None, False), ("false", False), ("true", True), ("noauth", True), (UNKNOWN, True)],
    ids=["unset", "false", "true", "noauth", "unknown"],
)
def test_a_remote_access_chart_with_a_switch_fails_closed_only_when_it_is_on(
    switch: Any, blocked: bool
) -> None:
    # Tailscale's operator proxies the Kubernetes API to the tailnet only with apiServerProxyConfig.mode on;
    # the Services and Ingresses it publishes otherwise are declared objects the pack judges.
    region = eu_region()
    values: dict[str, Any] = {"oauth": {"clientId": "id", "clientSecret": "secret"}}
    if switch is not None:
        values["apiServerProxyConfig"] = {"mode": switch}
    operator = release(region, "tailscale-operator", values, "tailscale")
    found = violations([*region.resources, pii_claim(region), operator], PUBLIC)
    assert [d.urn for d in found] == ([operator.urn] if blocked else []), messages(found)


@pytest.mark.parametrize(
    "image",
    ["twingate/connector:1.70.0", "public.ecr.aws/gravitational/teleport-distroless:16.4.2"],
    ids=["twingate", "teleport"],
)
def test_a_remote_access_agent_workload_whose_routes_are_at_its_vendor_fails_closed_beside_pii(
    image: str,
) -> None:
    # The same agents as Deployments: their configuration names the vendor's host, never the routes.
    region = eu_region()
    labels = {"app": "agent"}
    agent = Res(
        "kubernetes:apps/v1:Deployment",
        "agent",
        {
            "metadata": {"name": "agent", "namespace": "access"},
            "spec": {
                "selector": {"matchLabels": labels},
                "template": {
                    "metadata": {"labels": labels},
                    "spec": {
                        "containers": [
                            {
                                "name": "agent",
                                "image": image,
                                "env": [{"name": "PROXY", "value": "acme.teleport.sh:443"}],
                            }
                        ]
                    },
                },
            },
        },
        region.kubernetes,
    )
    found = violations([*_without_pii(region), pii_claim(region), agent], PUBLIC)
    assert [d.urn for d in found] == [agent.urn], messages(found)
    assert "takes its routes from its vendor" in found[0].message
    assert violations([*_without_pii(region), agent], PUBLIC) == []
