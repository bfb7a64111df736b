"""Reverse tunnels in a workload's command lines (`residency_facts/tunnels.py`; reviewer blind-k8s16 v07).

A tunnel is known by its image (`exposure_tunnels`) and, whatever the image, by the command it runs: a tunnel
client (`TUNNEL_TOOLS`), an SSH client with a remote forward, chisel's client with an `R:` remote, bore's
`local`, wstunnel's client with `-R`, gost with an `rtcp://` or `rudp://` listener, socat joining a
connection to a server outside to another (neither address listening), ncat or netcat running a program on
a connection it opens. A reverse SOCKS remote or a shell joined to the connection reaches whatever the
pod's network reaches: unbounded.
"""

from __future__ import annotations

import re
import shlex
from typing import NamedTuple

from residency_facts.commands import SHELLS
from residency_facts.tunnels import (
    CHISEL_REVERSE,
    NETCAT_LISTEN_OPTIONS,
    NETCAT_PROGRAM_OPTIONS,
    NETCATS,
    RELAYS,
    REVERSE_OPTIONS,
    REVERSE_SUBCOMMANDS,
    SHELL_ADDRESSES,
    SOCKS,
    SSH_CLIENTS,
    TUNNEL_TOOLS,
)

from .lineage_commands import tool_name
from .lineage_literals import endpoint_outside_aws
from .model import Resource
from .workload_commands import simple_commands


class Tunnel(NamedTuple):
    """A reverse tunnel a command line opens: the command as shown in messages, its tool, and whether it
    reaches whatever the pod's network reaches."""

    shown: str
    tool: str
    unbounded: bool = False


def reverse_tunnels(resource: Resource) -> list[Tunnel]:
    """The reverse tunnels a workload's containers open by their command lines."""
    found: list[Tunnel] = []
    for words in simple_commands(resource):
        tunnel = _tunnel(list(words))
        if tunnel is not None and tunnel not in found:
            found.append(tunnel)
    return found


def tunnel_tool(tool: str) -> bool:
    """Whether a command may open a tunnel (its server's URL is where what it forwards goes)."""
    return (
        tool in TUNNEL_TOOLS or tool in SSH_CLIENTS or tool in REVERSE_SUBCOMMANDS or tool in REVERSE_OPTIONS
    )


def _tunnel(words: list[str]) -> Tunnel | None:
    tool, arguments = tool_name(words[0]), words[1:]
    shown = shlex.join(words)
    shown = shown if len(shown) <= 160 else shown[:157] + "..."
    lowered = [w.lower() for w in arguments]
    if tool in TUNNEL_TOOLS:
        return Tunnel(f"`{shown}` ({TUNNEL_TOOLS[tool]}, a tunnel client)", tool)
    if tool in SSH_CLIENTS:
        forwards = _ssh_remote_forwards(arguments)
        if forwards is None:
            return None
        # `-R port` alone is a reverse SOCKS proxy (ssh(1)).
        socks = any(re.fullmatch(r"(?:[\w.*-]+:)?\d+", f) for f in forwards)
        return Tunnel(f"`{shown}` (an SSH remote forward)", tool, socks)
    if tool in REVERSE_SUBCOMMANDS and any(w in REVERSE_SUBCOMMANDS[tool] for w in lowered[:1]):
        if tool == "chisel":
            remotes = [w for w in lowered if w.startswith(CHISEL_REVERSE.lower())]
            if not remotes:
                return None
            return Tunnel(f"`{shown}` (chisel's reverse remote)", tool, any(SOCKS in r for r in remotes))
        if tool == "wstunnel":
            options = REVERSE_OPTIONS["wstunnel"]
            values = [
                (arguments[i + 1] if w in options and i + 1 < len(arguments) else w.partition("=")[2])
                for i, w in enumerate(lowered)
                if w in options or w.partition("=")[0] in options
            ]
            if not values:
                return None
            return Tunnel(f"`{shown}` (wstunnel's reverse tunnel)", tool, any("socks" in v for v in values))
        return Tunnel(f"`{shown}` ({tool}'s remote port)", tool)
    if tool == "gost":
        listeners = [
            (arguments[i + 1] if w == "-l" and i + 1 < len(arguments) else w.partition("=")[2]).lower()
            for i, w in enumerate(lowered)
            if w == "-l" or w.startswith("-l=")
        ]
        if any(listener.startswith(REVERSE_OPTIONS["gost"]) for listener in listeners):
            return Tunnel(f"`{shown}` (gost's reverse listener)", tool)
        return None
    if tool in RELAYS:
        return _socat(shown, tool, arguments)
    if tool in NETCATS:
        return _netcat(shown, tool, arguments)
    return None


def outside_host(word: str) -> bool:
    """Whether a word that names a host (a socat address's, ncat's) names one outside AWS and the stack's
    networks: a host name not of AWS, the cluster or the VPC, or a public address."""
    return "/" not in word and endpoint_outside_aws(f"tcp://{word}")


def _ssh_remote_forwards(arguments: list[str]) -> list[str] | None:
    """The remote forwards an SSH client's options open (`-R spec`, a clustered `-fNR spec`, `-o
    RemoteForward spec`), or None when it opens none."""
    found: list[str] = []
    for position, word in enumerate(arguments):
        following = arguments[position + 1] if position + 1 < len(arguments) else ""
        if word.startswith("-") and not word.startswith("--") and "R" in word[1:]:
            before, _, inline = word[1:].partition("R")
            if not before or before.isalpha():
                # `-R spec`, `-Rspec`, or flags clustered before it (`-fNR spec`).
                found.append(inline or following)
                continue
        option = following if word == "-o" else (word[2:] if word.startswith("-o") else "")
        name, _, value = option.replace("=", " ", 1).partition(" ")
        if name.lower() == "remoteforward":
            found.append(value.strip())
    return found or None


def _socat(shown: str, tool: str, arguments: list[str]) -> Tunnel | None:
    """socat joining a connection to a server outside to another, neither listening."""
    addresses = [w for w in arguments if not w.startswith("-")]
    if len(addresses) < 2 or any("-listen" in a.lower() or "-recv" in a.lower() for a in addresses):
        return None
    outside = [a for a in addresses if any(outside_host(part) for part in re.split(r"[:,]", a)[1:2])]
    if not outside:
        return None
    unbounded = any(a.lower().startswith(SHELL_ADDRESSES) for a in addresses)
    return Tunnel(f"`{shown}` (socat joining a connection outside to another)", tool, unbounded)


def _netcat(shown: str, tool: str, arguments: list[str]) -> Tunnel | None:
    """ncat or netcat running a program on a connection it opens to a server outside (not listening)."""
    if any(w.partition("=")[0] in NETCAT_LISTEN_OPTIONS or re.fullmatch(r"-\w*l\w*", w) for w in arguments):
        return None
    program = None
    for position, word in enumerate(arguments):
        name, equals, inline = word.partition("=")
        if name in NETCAT_PROGRAM_OPTIONS:
            program = inline if equals else (arguments[position + 1] if position + 1 < len(arguments) else "")
    if program is None or not any(outside_host(w) for w in arguments if not w.startswith("-")):
        return None
    unbounded = tool_name(program.split()[0] if program.split() else "") in SHELLS
    return Tunnel(f"`{shown}` ({tool} running {program!r} on a connection outside)", tool, unbounded)
