"""Who may log in to the telemetry servers: each server's pg_hba.conf, over TLS only.

TelemetryStore derives both servers' rules from its arguments, so the program wires no pg_hba rules itself.
The telemetry SQL's rules (components/telemetry_sql) come first: they refuse every TCP connection without TLS
(`hostnossl all all all reject`), admit each writing service's own role to the store from this region's VPC
by a client certificate from the region's CA (`cert`; no shared writer password), and admit the
peer's inbox role to the exchange from the peer's VPC by client certificate only (`cert`), once the peer's
CA certificate is known. A baseline follows that rejects the peer range on both servers and admits the
superuser (the SQL Jobs) by password over TLS, so the peer reaches nothing but its own inbox on the exchange.
Rules that would admit the peer range to the store, or admit anyone over plain TCP, are refused whatever
produced them.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from dataclasses import dataclass

from components import telemetry_sql
from components.telemetry_store.args import TelemetryStoreArgs

SUPERUSER = "postgres"
"""The image's superuser; the entrypoint initialises each server as this role."""

_HBA_RULE = re.compile(r"(local|host|hostssl|hostnossl|hostgssenc|hostnogssenc)([ \t]+[^\s#]+){2,}")


@dataclass(frozen=True)
class TelemetryAccess:
    """The pg_hba.conf rules placed before each server's baseline."""

    store_rules: tuple[str, ...]
    exchange_rules: tuple[str, ...]

    @classmethod
    def of(cls, args: TelemetryStoreArgs) -> TelemetryAccess:
        """The rules for a store built from `args`; ValueError if a server would admit what it must not."""
        # The exchange's `cert` rule needs a CA to check client certificates against (ssl_ca_file): without
        # the peer's CA certificate PostgreSQL would refuse the whole pg_hba.conf: no inbox is admitted yet.
        peers = {args.peer_region: [args.peer_vpc_cidr]} if args.peer_ca_certificate is not None else {}
        access = cls(
            # No shared writer password: each listed service's own role, by its client certificate, from
            # where the services run (this region's VPC: pods take their addresses from its subnets).
            store_rules=tuple(
                telemetry_sql.store_pg_hba_rules(args.database_name, [args.vpc_cidr] if args.writers else [])
            ),
            exchange_rules=tuple(telemetry_sql.exchange_pg_hba_rules(args.exchange_database_name, peers)),
        )
        for server, rules in (("store", access.store_rules), ("exchange", access.exchange_rules)):
            for rule in (*rules, *baseline(args.peer_vpc_cidr)):
                if not _HBA_RULE.fullmatch(rule):
                    raise ValueError(
                        f"the {server}'s pg_hba rules: {rule!r} is not a single pg_hba.conf line"
                    )
                if _admits_without_tls(rule):
                    raise ValueError(
                        f"the {server}'s pg_hba rule {rule!r} admits a TCP connection without TLS; "
                        "every TCP rule that admits must be hostssl"
                    )
        peer = ipaddress.ip_network(args.peer_vpc_cidr, strict=True)
        for rule in access.store_rules:
            if _admits_from(rule, peer):
                raise ValueError(
                    f"vpc_cidr {args.vpc_cidr}: the store's pg_hba rule {rule!r} admits the peer region "
                    f"({args.peer_vpc_cidr}) to raw telemetry; only the exchange may be reachable from it"
                )
        return access


def _admits_without_tls(rule: str) -> bool:
    """Whether a TCP rule lets a client authenticate over a connection that need not be encrypted."""
    columns = rule.split()
    return columns[0] in ("host", "hostnossl", "hostgssenc", "hostnogssenc") and columns[-1] != "reject"


def _admits_from(rule: str, network: ipaddress.IPv4Network | ipaddress.IPv6Network) -> bool:
    """Whether a host rule lets clients from (part of) a network authenticate."""
    columns = rule.split()
    if columns[0] == "local" or len(columns) < 5 or columns[4] == "reject":
        return False
    address = columns[3]
    if address in ("all", "samehost", "samenet"):
        return True
    try:
        admitted = ipaddress.ip_network(address, strict=False)
    except ValueError:
        return True  # a host name could resolve into the peer range: treat it as admitting
    return admitted.version == network.version and admitted.overlaps(network)


def baseline(peer_vpc_cidr: str) -> list[str]:
    """The lines after the seam's: the peer range refused, anyone else by password over TLS (the Jobs)."""
    return [
        f"local  all  {SUPERUSER}  peer",
        "local  all  all  scram-sha-256",
        f"host   all  all  {peer_vpc_cidr}  reject",
        "hostssl  all  all  0.0.0.0/0  scram-sha-256",
        "hostssl  all  all  ::/0  scram-sha-256",
    ]


def pg_hba(leading_rules: Sequence[str], peer_vpc_cidr: str) -> str:
    """A server's pg_hba.conf: the seam's rules first, then a baseline that rejects the peer range."""
    lines = ["# Written by the TelemetryStore component; the first matching line decides.", *leading_rules]
    return "\n".join([*lines, *baseline(peer_vpc_cidr)]) + "\n"
