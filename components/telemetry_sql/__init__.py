"""SQL that keeps raw telemetry in its region and replicates only anonymised hourly aggregates to the peers.

Each region runs two PostgreSQL servers. The telemetry store (TimescaleDB) holds raw telemetry with its
subject identifiers and computes k-suppressed hourly aggregates; it is never reachable from another region.
The exchange (a small plain PostgreSQL) receives those aggregates, publishes them to the peer regions by
logical replication and subscribes to theirs. The peer's replication role can copy the exchange whole (a
REPLICATION role can run BASE_BACKUP and decode every change of the database it connects to, whatever its
table privileges), which is why the exchange holds nothing but anonymised data. README.md beside this file
explains the data flow.

This module gives the Kubernetes Jobs and CronJob what they run: psql scripts, the psql variables and
environment variables each needs, the anonymisation statement and the pg_hba rules. It imports nothing from
Pulumi.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

SQL_DIRECTORY = Path(__file__).resolve().parent

MIN_SUBJECTS_FLOOR = 10
"""No group with fewer distinct subjects is ever published; the SQL enforces the same floor."""

DEFAULT_MIN_SUBJECTS = 10
DEFAULT_GRACE_MINUTES = 15
DEFAULT_LOOKBACK_HOURS = 7 * 24

REPLICATION_ROLE = "telemetry_replicator"
PUBLISHER_ROLE = "telemetry_publisher"
WRITER_ROLE = "telemetry_writer"

ANONYMISED_COLUMNS: tuple[str, ...] = (
    "bucket_start",
    "service",
    "subject_count",
    "event_count",
    "error_count",
    "latency_ms_mean",
    "latency_ms_p50",
    "latency_ms_p95",
)
"""Columns of every anonymised table and of the publication's column list, in table order."""

SSL_MODES: frozenset[str] = frozenset({"disable", "allow", "prefer", "require", "verify-ca", "verify-full"})

REPLICATION_PASSWORD_ENV = "TELEMETRY_REPLICATION_PASSWORD"
PUBLISHER_PASSWORD_ENV = "TELEMETRY_PUBLISHER_PASSWORD"
WRITER_PASSWORD_ENV = "TELEMETRY_WRITER_PASSWORD"
PEER_REPLICATION_PASSWORD_ENV = "TELEMETRY_PEER_REPLICATION_PASSWORD"

STORE_PASSWORD_ENVIRONMENT: Mapping[str, str] = {
    PUBLISHER_PASSWORD_ENV: "password of telemetry_publisher on this region's exchange (required)",
    WRITER_PASSWORD_ENV: "password of telemetry_writer, the role services insert raw rows with (optional)",
}
"""Environment variables the store job script reads, from Kubernetes Secrets."""

EXCHANGE_PASSWORD_ENVIRONMENT: Mapping[str, str] = {
    REPLICATION_PASSWORD_ENV: "password of telemetry_replicator, the peers' subscriptions log in with it",
    PUBLISHER_PASSWORD_ENV: "password of telemetry_publisher, the region's store pushes with it",
}
"""Environment variables the exchange job script reads, from Kubernetes Secrets."""

SUBSCRIPTION_PASSWORD_ENVIRONMENT: Mapping[str, str] = {
    PEER_REPLICATION_PASSWORD_ENV: "password of telemetry_replicator on the peer region's exchange",
}
"""Environment variables the subscription script reads, from a Kubernetes Secret."""

EXCHANGE_SERVER_SETTINGS: Mapping[str, str] = {
    "wal_level": "logical",
    "max_wal_senders": "10",
    "max_replication_slots": "10",
    # A peer that stays away must not fill the exchange's disk with retained WAL; past this its slot is
    # invalidated and the subscription has to be recreated.
    "max_slot_wal_keep_size": "2GB",
    "password_encryption": "scram-sha-256",
}
"""postgresql.conf settings the exchange server needs (the store needs none beyond its image's defaults)."""

_REGION_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,19}$")
_MIGRATION_PATTERN = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True)
class Migration:
    """One numbered SQL migration file."""

    version: str
    path: Path
    sql: str

    @property
    def name(self) -> str:
        """The file name, recorded in the bookkeeping table."""
        return self.path.name

    @property
    def checksum(self) -> str:
        """SHA-256 of the file; an applied migration whose checksum changes is refused."""
        return hashlib.sha256(self.sql.encode()).hexdigest()


def validate_region(region: str) -> str:
    """Return the region label (the stack name, e.g. eu or india) or raise ValueError if it is not one."""
    if not _REGION_PATTERN.fullmatch(region):
        raise ValueError(
            f"region label {region!r} must match {_REGION_PATTERN.pattern} (it names SQL objects)"
        )
    return region


def validate_min_subjects(min_subjects: int) -> int:
    """Return k or raise ValueError when it is below the floor the SQL enforces anyway."""
    if (
        isinstance(min_subjects, bool)
        or not isinstance(min_subjects, int)
        or min_subjects < MIN_SUBJECTS_FLOOR
    ):
        raise ValueError(
            f"min_subjects (k) must be an integer of at least {MIN_SUBJECTS_FLOOR}, got {min_subjects!r}"
        )
    return min_subjects


def _validate_sslmode(sslmode: str) -> str:
    if sslmode not in SSL_MODES:
        raise ValueError(f"sslmode {sslmode!r} is not one of {sorted(SSL_MODES)}")
    return sslmode


def _validate_port(port: int) -> str:
    if not 0 < port < 65536:
        raise ValueError(f"port {port} is out of range")
    return str(port)


def _migrations(kind: str) -> tuple[Migration, ...]:
    found = []
    for path in sorted((SQL_DIRECTORY / kind).glob("*.sql")):
        match = _MIGRATION_PATTERN.fullmatch(path.name)
        if match:
            found.append(Migration(version=match.group(1), path=path, sql=path.read_text()))
    versions = [migration.version for migration in found]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"two {kind} migrations share a version: {versions}")
    return tuple(found)


def store_migrations() -> tuple[Migration, ...]:
    """The telemetry store's migrations in the order they apply."""
    return _migrations("store")


def exchange_migrations() -> tuple[Migration, ...]:
    """The exchange server's migrations in the order they apply."""
    return _migrations("exchange")


def _job_script(
    admin_schema: str,
    migrations: Sequence[Migration],
    required_variables: Sequence[str],
    configure: str,
    prelude: str,
) -> str:
    parts = ["\\set ON_ERROR_STOP on", "SET client_min_messages = warning;"]
    for variable in required_variables:
        parts.append(
            f"\\if :{{?{variable}}}\n\\else\n"
            f"DO $missing$ BEGIN RAISE EXCEPTION 'psql variable {variable} is not set'; END $missing$;\n"
            "\\endif"
        )
    parts.append(prelude)
    parts.append(
        f"CREATE SCHEMA IF NOT EXISTS {admin_schema};\n"
        f"REVOKE ALL ON SCHEMA {admin_schema} FROM PUBLIC;\n"
        f"CREATE TABLE IF NOT EXISTS {admin_schema}.schema_migrations (\n"
        "    version text PRIMARY KEY,\n"
        "    name text NOT NULL,\n"
        "    checksum text NOT NULL,\n"
        "    applied_at timestamptz NOT NULL DEFAULT now()\n"
        ");"
    )
    for migration in migrations:
        # Every migration is idempotent and re-runs on every deployment, so objects that depend on the stack
        # converge; the bookkeeping records the first run and refuses a file edited after it was applied.
        parts.append(
            f"\\echo migration {migration.name}\n"
            "BEGIN;\n"
            "DO $guard$ BEGIN\n"
            f"    IF EXISTS (SELECT 1 FROM {admin_schema}.schema_migrations\n"
            f"               WHERE version = '{migration.version}'\n"
            f"                 AND checksum <> '{migration.checksum}') THEN\n"
            f"        RAISE EXCEPTION 'migration {migration.name} changed after it was applied: '\n"
            "                        'add a new migration instead';\n"
            "    END IF;\n"
            "END $guard$;\n"
            f"{migration.sql.rstrip()}\n"
            f"INSERT INTO {admin_schema}.schema_migrations (version, name, checksum)\n"
            f"VALUES ('{migration.version}', '{migration.name}', '{migration.checksum}')\n"
            "ON CONFLICT (version) DO NOTHING;\n"
            "COMMIT;"
        )
    parts.append("\\echo configure\n" + configure.rstrip())
    return "\n\n".join(parts) + "\n"


def _carrying_passwords(kind: str, name: str) -> str:
    """A script whose statements carry passwords, after the settings that keep them out of every log."""
    return (SQL_DIRECTORY / "hide_secrets.sql").read_text() + "\n" + (SQL_DIRECTORY / kind / name).read_text()


def store_job_script() -> str:
    """The psql script a Job runs on the telemetry store as its superuser: migrations, then configure.sql."""
    return _job_script(
        "telemetry_admin",
        store_migrations(),
        (
            "region",
            "exchange_host",
            "exchange_port",
            "exchange_database",
            "exchange_sslmode",
            "require_timescaledb",
        ),
        _carrying_passwords("store", "configure.sql"),
        "SELECT set_config('telemetry_sql.require_timescaledb', :'require_timescaledb', false) \\g /dev/null",
    )


def exchange_job_script() -> str:
    """The psql script a Job runs on the exchange as its superuser: migrations, then configure.sql."""
    return _job_script(
        "exchange_admin",
        exchange_migrations(),
        ("region", "peer_regions"),
        _carrying_passwords("exchange", "configure.sql"),
        "",
    )


def subscription_script() -> str:
    """The psql script a Job runs on the exchange, once per peer, after exchange_job_script()."""
    return "\\set ON_ERROR_STOP on\nSET client_min_messages = warning;\n\n" + _carrying_passwords(
        "exchange", "subscribe.sql"
    )


def database_script() -> str:
    """A psql script, run in the `postgres` database, that creates the database named :database if missing.

    Run it before the store or exchange script, with the variable database=telemetry (store) or
    database=telemetry_exchange (exchange); CREATE DATABASE cannot run in a transaction, hence \\gexec.
    """
    return (
        "\\set ON_ERROR_STOP on\n"
        "SELECT format('CREATE DATABASE %I', :'database')\n"
        "WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'database')\n"
        "\\gexec\n"
    )


def store_variables(
    region: str,
    exchange_host: str,
    exchange_port: int = 5432,
    exchange_database: str = "telemetry_exchange",
    exchange_sslmode: str = "require",
    require_timescaledb: bool = True,
) -> dict[str, str]:
    """psql variables for store_job_script(): the region and where its exchange listens.

    require_timescaledb=True (production) fails the Job when raw telemetry cannot become a hypertable; the
    tests run stock PostgreSQL and pass False.
    """
    return {
        "region": validate_region(region),
        "exchange_host": exchange_host,
        "exchange_port": _validate_port(exchange_port),
        "exchange_database": exchange_database,
        "exchange_sslmode": _validate_sslmode(exchange_sslmode),
        "require_timescaledb": "true" if require_timescaledb else "false",
    }


def exchange_variables(region: str, peer_regions: Sequence[str]) -> dict[str, str]:
    """psql variables for exchange_job_script(): the region and the regions it receives data from."""
    peers = [validate_region(peer) for peer in peer_regions]
    if validate_region(region) in peers:
        raise ValueError(f"region {region!r} cannot be its own peer")
    return {"region": region, "peer_regions": ",".join(peers)}


def subscription_variables(
    source_region: str,
    peer_host: str,
    peer_port: int = 5432,
    peer_database: str = "telemetry_exchange",
    peer_sslmode: str = "require",
    peer_sslrootcert: str | None = None,
) -> dict[str, str]:
    """psql variables for subscription_script(): the peer region and its exchange's replication endpoint.

    Production uses sslmode require or, with peer_sslrootcert (a CA file mounted on the exchange pod),
    verify-full; the loopback tests use disable.
    """
    variables = {
        "source_region": validate_region(source_region),
        "peer_host": peer_host,
        "peer_port": _validate_port(peer_port),
        "peer_database": peer_database,
        "peer_sslmode": _validate_sslmode(peer_sslmode),
    }
    if peer_sslrootcert:
        variables["peer_sslrootcert"] = peer_sslrootcert
    return variables


def psql_arguments(script_path: str, variables: Mapping[str, str]) -> list[str]:
    """Arguments after `psql` to run a script with its variables; the connection comes from PG* variables."""
    arguments = ["--no-psqlrc", "--set", "ON_ERROR_STOP=1", "--file", script_path]
    for name, value in variables.items():
        arguments += ["--set", f"{name}={value}"]
    return arguments


def anonymise_statement(
    min_subjects: int = DEFAULT_MIN_SUBJECTS,
    grace_minutes: int = DEFAULT_GRACE_MINUTES,
    lookback_hours: int = DEFAULT_LOOKBACK_HOURS,
) -> str:
    """The SQL the anonymisation CronJob runs on the telemetry store, as its superuser.

    It publishes every hour that closed at least grace_minutes ago, lies within lookback_hours and has not
    been published before; run it hourly (concurrencyPolicy Forbid) a little after the hour.
    """
    validate_min_subjects(min_subjects)
    if grace_minutes < 0 or lookback_hours < 1:
        raise ValueError("grace_minutes must be non-negative and lookback_hours positive")
    return (
        f"SELECT telemetry_admin.publish_closed_buckets(min_subjects => {min_subjects}, "
        f"grace => interval '{grace_minutes} minutes', lookback => interval '{lookback_hours} hours');"
    )


def _cidr(cidr: str) -> str:
    return str(ipaddress.ip_network(cidr, strict=True))


def exchange_pg_hba_rules(
    database: str, peer_cidrs: Sequence[str], store_cidrs: Sequence[str], require_tls: bool = True
) -> list[str]:
    """pg_hba.conf lines for the exchange, to precede the image's own lines (the first match wins).

    The replication role may connect to the exchange database only, from the peer regions only; the rejects
    close every other path, the physical replication pseudo-database included.
    """
    connection = "hostssl" if require_tls else "host"
    rules = [f"{connection} {database} {REPLICATION_ROLE} {_cidr(cidr)} scram-sha-256" for cidr in peer_cidrs]
    rules += [f"{connection} {database} {PUBLISHER_ROLE} {_cidr(cidr)} scram-sha-256" for cidr in store_cidrs]
    for role in (REPLICATION_ROLE, PUBLISHER_ROLE):
        rules += [
            f"host all {role} all reject",
            f"host replication {role} all reject",
            f"local all {role} reject",
        ]
    return rules


def store_pg_hba_rules(database: str, writer_cidrs: Sequence[str], require_tls: bool = True) -> list[str]:
    """pg_hba.conf lines for the telemetry store, to precede the image's own lines."""
    connection = "hostssl" if require_tls else "host"
    rules = [f"{connection} {database} {WRITER_ROLE} {_cidr(cidr)} scram-sha-256" for cidr in writer_cidrs]
    rules += [f"host all {WRITER_ROLE} all reject", f"host replication {WRITER_ROLE} all reject"]
    return rules
