"""Where a Kubernetes workload's command lines connect when no reader of their tool judges it: the public URL
a tunnel's client dials (its server), and a public URL in the arguments of a tool the pack does not know
(reviewer blind-k8s16 v07).

The transfer tools (`lineage_commands`), the commands that only fetch, print or run a shell, and a dump's
tools are read by what they do. Any other program given a URL on the internet (`chisel client
https://support-gw.vendor.example R:...`, `/opt/agent --upstream https://ingest.partner.example`) may send
there what the code reads, and the pack cannot tell: decision, it fails closed, naming the tool and the
URL to review. Not a URL under an option whose name says it is no destination (`--oidc-issuer-url`, a
documentation link: `destinations.NOT_DESTINATION_URL_KEY_WORDS`), a registry or schema host, a SaaS
ingestion host (a destination already, under any key), nor a host of the stack or of AWS, the cluster or
the VPC.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from residency_facts.destinations import (
    NOT_DESTINATION_HOSTS,
    NOT_DESTINATION_URL_KEY_WORDS,
    NOT_DESTINATION_URL_SCHEMES,
    saas_vendor,
)

from .attributes import is_kubernetes
from .environment import environment, expanded
from .lineage_commands import tool_name
from .lineage_literals import endpoint_outside_aws
from .locations import Location
from .model import Resource
from .tunnel_commands import tunnel_tool
from .workload_commands import known_program, simple_commands

if TYPE_CHECKING:
    from .lineage import Lineage

_URL = re.compile(r"^([a-z][a-z0-9+.-]*)://(?:[^@/\s]*@)?(\[[^\]]+\]|[^/:?#\s]+)", re.IGNORECASE)
_WORDS = re.compile(r"[a-z]+", re.IGNORECASE)


def command_urls(lineage: Lineage, resource: Resource) -> list[Location]:
    """The public URLs a workload's command lines give a tunnel's client or a tool the pack does not know."""
    if not is_kubernetes(resource):
        return []
    commands = simple_commands(resource)
    if not any("://" in word for words in commands for word in words):
        return []
    from .lineage_code import mounted_configuration  # lineage_code imports this module

    variables = environment([resource.props], mounted_configuration(lineage, resource))
    found: dict[str, Location] = {}
    for words in commands:
        tool = tool_name(words[0])
        if known_program(tool) and not tunnel_tool(tool):
            continue
        tunnel = tunnel_tool(tool)
        for option, url in _urls([expanded(w, variables) for w in words[1:]]):
            if not _outside(lineage, option, url) or (url in found and not tunnel):
                continue
            if tunnel:
                why = (
                    f"where `{tool}` in the command line of {resource.label} connects: its tunnel's server, "
                    "outside AWS, which reaches what the tunnel forwards and receives what it carries"
                )
            else:
                why = (
                    f"a URL outside AWS in the command line of {resource.label}: the pack does not know what "
                    f"`{tool}` does with it, which may be to send there what the code reads, so it fails "
                    "closed; review it, and send through a tool the pack reads (or name the destination in "
                    "the workload's configuration) so that it can be judged"
                )
            found[url] = Location(f"{url} ({why})", None, None, outside=True)
    return list(found.values())


def _urls(arguments: list[Any]) -> list[tuple[str, str]]:
    """The URLs of a command's arguments, each with the option that gives it (`--upstream=URL`,
    `--upstream URL`; empty for a positional one)."""
    found: list[tuple[str, str]] = []
    for position, word in enumerate(arguments):
        if not isinstance(word, str) or "://" not in word:
            continue
        name, equals, value = word.partition("=") if word.startswith("-") else ("", "", word)
        if equals and _URL.match(value):
            found.append((name, value))
        elif _URL.match(word):
            before = arguments[position - 1] if position else ""
            found.append((before if isinstance(before, str) and before.startswith("-") else "", word))
    return found


def _outside(lineage: Lineage, option: str, url: str) -> bool:
    """Whether a URL a command is given is a place outside AWS it may send to."""
    match = _URL.match(url)
    if match is None or match.group(1).lower().rsplit("+", 1)[-1] in NOT_DESTINATION_URL_SCHEMES:
        return False
    if {w.lower() for w in _WORDS.findall(option)} & NOT_DESTINATION_URL_KEY_WORDS:
        return False
    host = match.group(2).strip("[]").lower().rstrip(".")
    if any(host == h or host.endswith("." + h) for h in NOT_DESTINATION_HOSTS):
        return False
    if saas_vendor(host) is not None or lineage.stack.named(host):
        return False
    return endpoint_outside_aws(f"{match.group(1)}://{match.group(2)}")
