"""Tunnel agents and reverse tunnels: code in the cluster that lets a server outside it in.

A tunnel agent dials out to a server (its vendor's edge, or a server a vendor or anyone runs) and that server
then reaches what the agent forwards to: no load balancer, no open security group. The same is true of every
remote port forward and reverse tunnel, whatever tool opens it: `ssh -R` (and autossh, dropbear's dbclient,
`RemoteForward`), chisel's `R:` remotes, bore's `local`, wstunnel's `-R`, gost's `rtcp://` and `rudp://`
listeners, frp's client, rathole, ngrok, cloudflared, inlets, zrok's `share`, localtunnel; and socat or ncat
joining a connection they open to a server outside to a connection inside, or to a shell (a reverse shell).
`residency_policies/exposure_tunnels.py` judges what each publishes; `residency_policies/tunnel_commands.py`
finds them in command lines (each tool's manual or README: ssh(1) `-R` and `RemoteForward`, chisel's `client
--help`, bore's, wstunnel's and gost's READMEs, socat(1) and ncat(1)).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

TUNNEL_IMAGES = (
    "cloudflared",
    "ngrok",
    "frpc",
    "tailscale",
    "inlets",
    "inlets-pro",
    "chisel",
    "bore",
    "rathole",
    "wstunnel",
    "gost",
    "zrok",
    "pgrok",
    "netbird",
    "zerotier",
    "nebula",
)
"""The last path segment of the images of tunnel agents (cloudflare/cloudflared, ngrok/ngrok,
fatedier/frpc and snowdreamtech/frpc, tailscale/tailscale, inlets/inlets-pro, jpillora/chisel, ekzhang/bore,
rapiz1/rathole, erebe/wstunnel, gogost/gost, openziti/zrok, jerson/pgrok) and of overlay network agents that
join the pod to a network of peers outside the cluster (netbirdio/netbird, zerotier/zerotier,
slackhq/nebula): their routes are what their configuration names."""

VENDOR_ROUTED_IMAGES = (
    "twingate/connector",
    "gravitational/teleport",
    "gravitational/teleport-distroless",
    "gravitational/teleport-ent-distroless",
)
"""The repositories (without registry) of remote-access agents whose routes are defined on the vendor's side
whatever their configuration names: Twingate's connector (its resources are set in Twingate's admin console;
the Twingate/helm-charts connector chart runs twingate/connector), Teleport's agent (its proxy grants
Kubernetes, application and database access by its own roles; teleport-kube-agent runs public.ecr.aws/
gravitational/teleport-distroless). The hosts their configuration names are the vendor's, not routes."""

TUNNEL_TOOLS: Mapping[str, str] = MappingProxyType(
    {
        "frpc": "frp's client",
        "rathole": "rathole",
        "ngrok": "ngrok",
        "cloudflared": "cloudflared",
        "inlets": "inlets",
        "inlets-pro": "inlets",
        "zrok": "zrok",
        "pgrok": "pgrok",
        "lt": "localtunnel",
        "localtunnel": "localtunnel",
        "tmole": "tunnelmole",
        "loophole": "loophole",
    }
)
"""Commands that are a tunnel client whenever they run (what they forward is in their arguments or their
configuration file), with what they are."""

SSH_CLIENTS = frozenset({"ssh", "autossh", "dbclient"})
"""SSH clients, a reverse tunnel with a remote forward: `-R [bind:]port:host:hostport` (also clustered,
`-fNR`), `-o RemoteForward=...`; `-L` and `-D` listen in the pod and let nothing in."""
REVERSE_SUBCOMMANDS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {"chisel": ("client",), "bore": ("local",), "wstunnel": ("client",)}
)
"""Tools whose subcommand opens a tunnel: chisel's `client` with an `R:` remote, bore's `local` (always a
remote port on its `--to` server), wstunnel's `client` with `-R` / `--remote-to-local`."""
REVERSE_OPTIONS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {"wstunnel": ("-R", "--remote-to-local"), "gost": ("rtcp://", "rudp://")}
)
"""The options (wstunnel) or listener schemes of `-L` (gost) that open a port on the remote side."""
CHISEL_REVERSE = "R:"
"""chisel's prefix of a reverse remote (`R:[remote-host:]remote-port:local-host:local-port`, `R:socks`)."""
SOCKS = "socks"
"""A reverse SOCKS remote (chisel's `R:socks`, `R:5000:socks`): the server reaches the whole network."""

RELAYS = frozenset({"socat"})
"""Tools that join two connections: with neither listening (`TCP-LISTEN`, `UNIX-LISTEN`, ...) and one of them
to a server outside, the server reaches the other (socat's `OPENSSL:vendor:443 TCP:db:5432`)."""
SHELL_ADDRESSES = ("exec:", "system:")
"""socat addresses that run a program: joined to a connection outside, a reverse shell."""
NETCATS = frozenset({"nc", "ncat", "netcat"})
"""netcat's variants, a reverse relay or shell with a program to run and no `-l` / `--listen`."""
NETCAT_PROGRAM_OPTIONS = frozenset({"-e", "-c", "--exec", "--sh-exec", "--lua-exec"})
"""ncat(1)'s and netcat's options that run a program on the connection they open."""
NETCAT_LISTEN_OPTIONS = frozenset({"-l", "--listen"})

OFFLINE_COMMANDS = frozenset(
    {
        "echo",
        "printf",
        "test",
        "[",
        "[[",
        "true",
        "false",
        "sleep",
        "set",
        "cd",
        "mkdir",
        "exit",
        "trap",
        "wait",
        "read",
        "shift",
        "logger",
    }
)
"""Shell builtins and commands that connect to nothing: a URL they print or test is no destination."""
