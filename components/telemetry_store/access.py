"""Who may log in to the telemetry servers: each server's pg_hba.conf and whether connections need TLS.

TelemetryStore derives both from its arguments, so the program wires no pg_hba rules itself. The telemetry
SQL's rules (components/telemetry_sql) come first: the store admits its writer role from this region's VPC,
the exchange admits the replication role from the peer's VPC and the publisher role from this VPC. A baseline
follows that rejects the peer range on both servers, so the peer reaches nothing but the replication role on
the exchange. Rules that would admit the peer range to the store are refused, whatever produced them.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from dataclasses import dataclass

from components import telemetry_sql
from components.telemetry_store.args import TelemetryStoreArgs

SERVERS_HAVE_CERTIFICATES = False
"""The servers have no TLS certificates yet: rules are `host`, not `hostssl`, and clients use `prefer`.

The peer's traffic crosses only the private VPC peering link meanwhile. Whoever gives the servers
certificates derives this from them (then `hostssl` and `sslmode=require`); it is not a stack setting.
"""

SUPERUSER = "postgres"
"""The image's superuser; the entrypoint initialises each server as this role."""

_HBA_RULE = re.compile(r"(local|host|hostssl|hostnossl|hostgssenc|hostnogssenc)([ \t]+[^\s#]+){2,}")


@dataclass(frozen=True)
class TelemetryAccess:
    """The pg_hba.conf rules placed before each server's baseline, and libpq's sslmode for every client."""

    require_tls: bool
    store_rules: tuple[str, ...]
    exchange_rules: tuple[str, ...]

    @property
    def sslmode(self) -> str:
        """libpq's sslmode for every SQL connection: `prefer` uses TLS once a server offers it."""
        return "require" if self.require_tls else "prefer"

    @classmethod
    def of(cls, args: TelemetryStoreArgs, require_tls: bool) -> TelemetryAccess:
        """The rules for a store built from `args`; raises ValueError if the store would admit the peer."""
        access = cls(
            require_tls=require_tls,
            store_rules=tuple(
                telemetry_sql.store_pg_hba_rules(args.database_name, [args.vpc_cidr], require_tls=require_tls)
            ),
            exchange_rules=tuple(
                telemetry_sql.exchange_pg_hba_rules(
                    args.exchange_database_name,
                    [args.peer_vpc_cidr],
                    [args.vpc_cidr],
                    require_tls=require_tls,
                )
            ),
        )
        for server, rules in (("store", access.store_rules), ("exchange", access.exchange_rules)):
            for rule in rules:
                if not _HBA_RULE.fullmatch(rule):
                    raise ValueError(
                        f"the {server}'s pg_hba rules: {rule!r} is not a single pg_hba.conf line"
                    )
        peer = ipaddress.ip_network(args.peer_vpc_cidr, strict=True)
        for rule in access.store_rules:
            if _admits_from(rule, peer):
                raise ValueError(
                    f"vpc_cidr {args.vpc_cidr}: the store's pg_hba rule {rule!r} admits the peer region "
                    f"({args.peer_vpc_cidr}) to raw telemetry; only the exchange may be reachable from it"
                )
        return access


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


def pg_hba(leading_rules: Sequence[str], peer_vpc_cidr: str) -> str:
    """A server's pg_hba.conf: the seam's rules first, then a baseline that rejects the peer range."""
    baseline = [
        f"local  all  {SUPERUSER}  peer",
        "local  all  all  scram-sha-256",
        f"host   all  all  {peer_vpc_cidr}  reject",
        "host   all  all  0.0.0.0/0  scram-sha-256",
        "host   all  all  ::/0  scram-sha-256",
    ]
    lines = ["# Written by the TelemetryStore component; the first matching line decides.", *leading_rules]
    return "\n".join([*lines, *baseline]) + "\n"
