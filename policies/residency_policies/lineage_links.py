"""SQL that runs on a server which reviewed SQL has linked to another place (reviewer blind-whole15 w01, w02).

The peer-link SQL (`residency_facts.reviewed_code`, `links`) creates a foreign server on the telemetry store
for the peer region's exchange. It sends nothing itself: what crosses is decided by the SQL run on the store
afterwards (the migrations that define what the push sends, the push statement). So once a reviewed link
exists, every workload whose configuration connects to the linked server (its host, a name of its Service or
StatefulSet) as the login the link serves (the link workload's `PGUSER`; any login when the link names none,
or when the workload's cannot be read) is judged as code that may send what it reads to the link's far end,
unless it runs only reviewed SQL itself (`lineage_reviewed`): a changed migration or push statement that
sends raw rows through the link then fails closed, naming the SQL to review. A workload that logs in as
another role (a writer service by its certificate) is not: the reviewed SQL revokes the foreign server from
PUBLIC.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from .lineage_code import code_configuration
from .lineage_reviewed import connection
from .model import Resource

if TYPE_CHECKING:
    from .lineage import Lineage

SERVICE = "kubernetes:core/v1:Service"
_USER = re.compile(
    r"(?:^|\s)user\s*=\s*'?([\w.-]+)"  # a libpq conninfo's user=
    r"|://([\w.%-]+)(?::[^@/\s]*)?@"  # a connection URI's user
    r"|(?:^|\s)(?:-U\s*|--username[=\s]+)([\w.-]+)",  # psql's and pg_dump's -U / --username
    re.IGNORECASE,
)


def link_clients(lineage: Lineage) -> None:
    """Give every workload that runs unreviewed SQL on a linked server, as the link's login, the places the
    link reaches (see the module's docstring)."""
    links = [
        m for m in lineage.movements if (r := lineage.reviewed.get(m.resource.urn)) is not None and r.links
    ]
    for link in links:
        host, user = connection(link.resource)
        here = (lineage.own_region(link.resource), lineage.account(link.resource))
        far = [
            d
            for d in link.destinations
            if d.resource is None and (d.outside or (d.region is not None and (d.region, d.account) != here))
        ]
        if host is None or not far:
            continue
        server = _server(lineage, link.resource, host)
        serving = {r.urn for r in server}
        names = _names_pattern(host, server)
        for movement in lineage.movements:
            client = movement.resource
            if (
                not movement.mechanism.runs_code
                or client.urn in lineage.reviewed
                or client.urn in serving
                or not _connects(client, names, user)
            ):
                continue
            shown = next((r.label for r in server if r.type == SERVICE), host)
            movement.destinations.extend(
                replace(
                    place,
                    description=(
                        f"{place.description}, through the link {link.resource.label} gives {shown} "
                        f"(reviewed SQL): SQL {client.label} runs on {shown} may send what it reads "
                        "there; review that SQL and record its SHA-256, with what it sends, in "
                        "residency_facts/reviewed_code.py"
                    ),
                    review=True,
                )
                for place in far
            )


def _server(lineage: Lineage, link: Resource, host: str) -> list[Resource]:
    """The stack's resources the link's host names (a Service of its cluster, a database), and the workloads
    a Service selects (the server's pods)."""
    cluster = link.provider_urn if link.type.startswith("kubernetes:") else None
    named = [
        r
        for r in lineage.stack.named(host.lower().rstrip("."))
        if r is not link
        and (cluster is None or not r.type.startswith("kubernetes:") or r.provider_urn == cluster)
    ]
    behind = [
        location.resource
        for r in named
        for location in lineage.follow(r, {link.urn})
        if location.resource is not None
    ]
    return list({r.urn: r for r in [*named, *behind]}.values())


def _names_pattern(host: str, server: list[Resource]) -> re.Pattern[str]:
    """Any name of the server as a whole word of a text: its host, and its resources' names (`store`,
    `store.telemetry`, `store.telemetry.svc.cluster.local`), not their ARNs."""
    names = {host.lower(), *(i.lower() for r in server for i in r.identities if not i.startswith("arn:"))}
    names = {n for n in names if len(n) >= 3}
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE)


def _connects(client: Resource, names: re.Pattern[str], user: str | None) -> bool:
    """Whether code's configuration names the linked server and may log in as the link's login."""
    free, variables = code_configuration(client)
    texts = [*free, *variables.values()]
    if not any(names.search(text) for text in texts):
        return False
    if user is None:
        return True
    users = {variables["PGUSER"]} if "PGUSER" in variables else set()
    users.update(next(g for g in m.groups() if g) for text in free for m in _USER.finditer(text))
    return not users or user in users


__all__ = ["link_clients"]
