"""Who connects how: the roles, the servers' TLS settings and pg_hba rules, and every client's connection.

hostssl only, `sslmode=verify-full` on every client, and no password for anything that crosses a trust
boundary: the peer's push logs in by a client certificate from the peer's CA, each writing service by a client
certificate from the region's CA (its own role; the shared telemetry_writer group cannot log in).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from components.telemetry_sql.privacy import validate_region

__all__ = [
    "EXCHANGE_PASSWORD_ENVIRONMENT",
    "EXCHANGE_SERVER_SETTINGS",
    "PEER_LINK_PASSWORD_ENVIRONMENT",
    "STORE_PASSWORD_ENVIRONMENT",
    "STORE_SERVER_SETTINGS",
    "TLS_MIN_PROTOCOL",
    "WRITER_ROLE",
    "PeerLink",
    "client_tls_environment",
    "exchange_pg_hba_rules",
    "inbox_role",
    "server_tls_settings",
    "store_pg_hba_rules",
    "writer_conninfo",
    "writer_role",
]

WRITER_ROLE = "telemetry_writer"
"""The group that holds INSERT on raw_events; it cannot log in. Each service writes as its member role."""

STORE_PASSWORD_ENVIRONMENT: Mapping[str, str] = {}
"""The store job needs no secret either: every writing service logs in with its own client certificate."""
EXCHANGE_PASSWORD_ENVIRONMENT: Mapping[str, str] = {}
"""The exchange job needs no secret: peers log in with client certificates."""
PEER_LINK_PASSWORD_ENVIRONMENT: Mapping[str, str] = {}
"""The peer link needs no secret either: the only thing copied between stacks is the peer's CA certificate."""

TLS_MIN_PROTOCOL = "TLSv1.3"

EXCHANGE_SERVER_SETTINGS: Mapping[str, str] = {
    # Nothing is decoded or streamed from the exchange: without walsenders no role, however privileged, can
    # run BASE_BACKUP or a logical slot against it over the network.
    "wal_level": "replica",
    "max_wal_senders": "0",
    "max_replication_slots": "0",
    "password_encryption": "scram-sha-256",
}
"""postgresql.conf settings of the exchange, besides server_tls_settings()."""
STORE_SERVER_SETTINGS: Mapping[str, str] = {"password_encryption": "scram-sha-256"}
"""postgresql.conf settings of the store, besides server_tls_settings()."""


def inbox_role(region: str) -> str:
    """The role a region's store pushes with on its peers' exchanges: its client certificate's common name."""
    return f"telemetry_inbox_{validate_region(region)}"


@dataclass(frozen=True)
class PeerLink:
    """Where this region's store pushes its release: a peer's exchange, verified, by client certificate."""

    peer_region: str
    host: str
    server_ca_file: str
    """The peer's CA certificate on the store server (public: the one thing copied between the stacks)."""
    client_certificate_file: str
    """This region's client certificate, common name inbox_role(this region), issued by this region's CA."""
    client_key_file: str
    """Its private key, on the store server, readable by the server's user only (mode 0600)."""
    port: int = 5432
    database: str = "telemetry_exchange"

    def __post_init__(self) -> None:
        """Refuse a link that could not verify both ends."""
        validate_region(self.peer_region)
        _validate_port(self.port)
        if not re.fullmatch(r"[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?", self.host):
            raise ValueError(f"host {self.host!r} must be a lower-case DNS name or an IP address")
        for name in ("server_ca_file", "client_certificate_file", "client_key_file"):
            if not str(getattr(self, name)).startswith("/"):
                raise ValueError(f"{name} must be an absolute path on the store server")


def _validate_port(port: int) -> str:
    if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
        raise ValueError(f"port {port!r} is out of range")
    return str(port)


def server_tls_settings(
    certificate_file: str, key_file: str, client_ca_file: str | None = None
) -> dict[str, str]:
    """postgresql.conf settings that turn TLS on with the region's server certificate.

    client_ca_file is what a client certificate must chain to: on the exchange the peers' CA certificates; on
    the store the region's own CA once services' writer roles log in by certificate (service_writer_cidrs of
    store_pg_hba_rules), none otherwise.
    """
    settings = {
        "ssl": "on",
        "ssl_cert_file": f"'{certificate_file}'",
        "ssl_key_file": f"'{key_file}'",
        "ssl_min_protocol_version": f"'{TLS_MIN_PROTOCOL}'",
    }
    if client_ca_file is not None:
        settings["ssl_ca_file"] = f"'{client_ca_file}'"
    for value in settings.values():
        if "\\" in value or value.count("'") not in (0, 2):
            raise ValueError(f"TLS file path {value} cannot be written to postgresql.conf")
    return settings


def client_tls_environment(server_ca_file: str) -> dict[str, str]:
    """libpq environment for the Jobs and the CronJob: verify the server's certificate and name."""
    return {
        "PGSSLMODE": "verify-full",
        "PGSSLROOTCERT": server_ca_file,
        "PGSSLMINPROTOCOLVERSION": TLS_MIN_PROTOCOL,
    }


def writer_conninfo(
    host: str,
    database: str,
    server_ca_file: str,
    port: int = 5432,
    service: str | None = None,
    client_certificate_file: str | None = None,
    client_key_file: str | None = None,
) -> str:
    """The connection string services write raw telemetry with.

    The service's own role (writer_role(service)), logged in by its client certificate and key; the shared
    role has no login, so a service, its certificate and its key are required.
    """
    if service is None:
        raise ValueError(
            "a writer logs in as its service's own role (writer_role(service)) with its client certificate: "
            "the shared telemetry_writer role has no login and no password"
        )
    parts = {
        "host": host,
        "port": _validate_port(port),
        "dbname": database,
        "user": writer_role(service),
        "sslmode": "verify-full",
        "sslrootcert": server_ca_file,
        "ssl_min_protocol_version": TLS_MIN_PROTOCOL,
    }
    if not client_certificate_file or not client_key_file:
        raise ValueError(
            f"writer {service!r} logs in by client certificate: give its certificate and key files"
        )
    parts |= {"sslcert": client_certificate_file, "sslkey": client_key_file}
    return " ".join(f"{key}='{_conninfo_escape(value)}'" for key, value in parts.items())


def _conninfo_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("'", "\\'")


def _cidr(cidr: str) -> str:
    return str(ipaddress.ip_network(cidr, strict=True))


_REFUSE_PLAINTEXT = "hostnossl all all all reject"


def store_pg_hba_rules(database: str, service_writer_cidrs: Sequence[str]) -> list[str]:
    """pg_hba.conf lines for the telemetry store, to precede the image's own lines (the first match wins).

    Every TCP connection without TLS is refused before any other line is read; the shared telemetry_writer
    role is refused everywhere (it holds the INSERT and never logs in); each service's own writer role
    (writer_role(service), a member of the group) may connect to the raw database only, from
    service_writer_cidrs, by a client certificate whose common name is the role (`cert`: the server's
    ssl_ca_file must hold the region's CA, and only it). There is no password path for writers.
    """
    rules = [_REFUSE_PLAINTEXT, f"host all {WRITER_ROLE} all reject"]
    rules += [
        f"hostssl {database} +{WRITER_ROLE} {_cidr(cidr)} cert"
        for cidr in dict.fromkeys(service_writer_cidrs)
    ]
    # `+role` matches nothing while the role does not exist yet (before the store Job ran).
    rules += [f"host all +{WRITER_ROLE} all reject", f"local all +{WRITER_ROLE} reject"]
    rules += ["host replication all all reject"]
    return rules


_WRITER_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def writer_role(service: str) -> str:
    """The login role one service writes raw telemetry with (store job variable `writers`)."""
    if not _WRITER_PATTERN.match(service):
        raise ValueError(
            f"writer {service!r} must be a lower-case label of at most 40 characters (letters, digits, _)"
        )
    return f"{WRITER_ROLE}_{service}"


def exchange_pg_hba_rules(database: str, peer_cidrs: Mapping[str, Sequence[str]]) -> list[str]:
    """pg_hba.conf lines for the exchange, to precede the image's own lines (the first match wins).

    peer_cidrs maps each peer region to its ranges: its inbox role may log in there, to the exchange database
    only, with a client certificate whose common name is the role (`cert`), over TLS. Plaintext, replication
    and every other use of an inbox role are refused.
    """
    rules = [_REFUSE_PLAINTEXT, "host replication all all reject"]
    for region, cidrs in peer_cidrs.items():
        role = inbox_role(region)
        rules += [f"hostssl {database} {role} {_cidr(cidr)} cert" for cidr in cidrs]
    for region in peer_cidrs:
        rules += [f"host all {inbox_role(region)} all reject", f"local all {inbox_role(region)} reject"]
    return rules
