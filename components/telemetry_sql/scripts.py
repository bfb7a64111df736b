"""What the Kubernetes Jobs and CronJobs run: the versioned migrations, the psql job scripts and their
variables, and the release and push statements."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from components.telemetry_sql.connections import WRITER_ROLE, PeerLink, writer_role
from components.telemetry_sql.privacy import (
    DEFAULT_MIN_SUBJECTS,
    PrivacyParameters,
    Vocabulary,
    validate_min_subjects,
    validate_region,
)

__all__ = [
    "DEFAULT_GRACE_MINUTES",
    "DEFAULT_LOOKBACK_HOURS",
    "DEFAULT_PUSH_TIMEOUT_SECONDS",
    "SQL_DIRECTORY",
    "Migration",
    "anonymise_statement",
    "database_script",
    "exchange_job_script",
    "exchange_migrations",
    "exchange_variables",
    "peer_link_script",
    "peer_link_variables",
    "psql_arguments",
    "push_statement",
    "release_statement",
    "store_job_script",
    "store_job_variables",
    "store_migrations",
]

SQL_DIRECTORY = Path(__file__).resolve().parent
"""The package directory: store/ and exchange/ hold the migrations, beside the scripts they end with."""
DEFAULT_GRACE_MINUTES = 15
DEFAULT_LOOKBACK_HOURS = 7 * 24
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


def _required(variables: Sequence[str]) -> list[str]:
    return [
        f"\\if :{{?{variable}}}\n\\else\n"
        f"DO $missing$ BEGIN RAISE EXCEPTION 'psql variable {variable} is not set'; END $missing$;\n"
        "\\endif"
        for variable in variables
    ]


def _job_script(
    admin_schema: str,
    migrations: Sequence[Migration],
    required_variables: Sequence[str],
    configure: str,
    prelude: str,
) -> str:
    parts = ["\\set ON_ERROR_STOP on", "SET client_min_messages = warning;", *_required(required_variables)]
    # One migrator per database at a time: a Job replaced while its old pod still runs (delete_before_replace
    # deletes the Job, its pod goes in the background) would otherwise race this one through the same
    # CREATE ... IF NOT EXISTS and CREATE INDEX statements, and deadlock or fail on a duplicate catalog row. A
    # session lock, so it spans the migrations' own transactions; it goes with the session, even on failure.
    lock_key = f"pg_catalog.hashtext('{admin_schema}.schema_migrations')"
    parts.append(f"SELECT pg_catalog.pg_advisory_lock({lock_key}) \\g /dev/null")
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
        ("region", "services", "metrics", "require_timescaledb"),
        _carrying_passwords("store", "configure.sql"),
        "SELECT set_config('telemetry_sql.require_timescaledb', :'require_timescaledb', false) \\g /dev/null",
    )


def exchange_job_script() -> str:
    """The psql script a Job runs on the exchange as its superuser: migrations, then configure.sql."""
    return _job_script(
        "exchange_admin",
        exchange_migrations(),
        ("region", "peer_regions", "services", "metrics"),
        (SQL_DIRECTORY / "exchange" / "configure.sql").read_text(),
        "",
    )


def peer_link_script() -> str:
    """The psql script a Job runs on the store, once per peer region, after store_job_script()."""
    variables = (
        "peer_region",
        "peer_host",
        "peer_port",
        "peer_database",
        "peer_server_ca_file",
        "client_certificate_file",
        "client_key_file",
    )
    return "\n\n".join(
        [
            "\\set ON_ERROR_STOP on\nSET client_min_messages = warning;",
            *_required(variables),
            (SQL_DIRECTORY / "store" / "peer_link.sql").read_text(),
        ]
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


def store_job_variables(
    region: str,
    vocabulary: Vocabulary,
    require_timescaledb: bool = True,
    writers: Sequence[str] | None = None,
) -> dict[str, str]:
    """psql variables for store_job_script(): the region, its closed vocabularies and its writing services.

    require_timescaledb=True (production) fails the Job when raw telemetry cannot become a hypertable; the
    tests run stock PostgreSQL and pass False. writers (service labels) makes exactly those services' own
    writer roles able to log in (by client certificate) and takes the login from any other; None leaves them
    as they are. The shared telemetry_writer role never logs in.
    """
    variables = {
        "region": validate_region(region),
        **vocabulary.variables(),
        "require_timescaledb": "true" if require_timescaledb else "false",
    }
    if writers is not None:
        variables["writers"] = ",".join(
            writer_role(service).removeprefix(f"{WRITER_ROLE}_") for service in writers
        )
    return variables


def exchange_variables(
    region: str, peer_regions: Sequence[str], vocabulary: Vocabulary | None = None
) -> dict[str, str]:
    """psql variables for exchange_job_script(): the region, the regions it receives from, the vocabulary.

    Without a vocabulary (the component before its wiring) the script stops at once: `services` is not set.
    """
    peers = [validate_region(peer) for peer in peer_regions]
    if validate_region(region) in peers:
        raise ValueError(f"region {region!r} cannot be its own peer")
    variables = {"region": region, "peer_regions": ",".join(peers)}
    if vocabulary is not None:
        variables.update(vocabulary.variables())
    return variables


def peer_link_variables(link: PeerLink) -> dict[str, str]:
    """psql variables for peer_link_script()."""
    return {
        "peer_region": link.peer_region,
        "peer_host": link.host,
        "peer_port": str(link.port),
        "peer_database": link.database,
        "peer_server_ca_file": link.server_ca_file,
        "client_certificate_file": link.client_certificate_file,
        "client_key_file": link.client_key_file,
    }


def psql_arguments(script_path: str, variables: Mapping[str, str]) -> list[str]:
    """Arguments after `psql` to run a script with its variables; the connection comes from PG* variables."""
    arguments = ["--no-psqlrc", "--set", "ON_ERROR_STOP=1", "--file", script_path]
    for name, value in variables.items():
        arguments += ["--set", f"{name}={value}"]
    return arguments


def release_statement(
    privacy: PrivacyParameters | None = None,
    grace_minutes: int = DEFAULT_GRACE_MINUTES,
    lookback_hours: int = DEFAULT_LOOKBACK_HOURS,
    push: bool = True,
) -> str:
    """The SQL the release CronJob runs on the telemetry store, as its superuser.

    It releases every closed hour (ended at least grace_minutes ago, within lookback_hours) not in the ledger;
    with push=True it then pushes to every linked peer in the same call (run it often, e.g. every 15 minutes,
    concurrencyPolicy Forbid). push=False only writes the ledger: run push_statement() from a CronJob of its
    own on a fixed schedule, so that when a peer hears from this region never depends on how long the release
    of the hour's raw rows took (README.md, "Timing").
    """
    privacy = privacy or PrivacyParameters()
    if grace_minutes < 0 or lookback_hours < 1:
        raise ValueError("grace_minutes must be non-negative and lookback_hours positive")
    procedure = "release_closed_hours" if push else "release_to_ledger"
    # min_subjects first: the stack test reads it from the CronJob's script as `min_subjects => k,`.
    return (
        f"CALL telemetry_admin.{procedure}(min_subjects => {privacy.min_subjects}, "
        f"epsilon_per_hour => {privacy.epsilon_per_hour}, "
        f"max_groups_per_subject => {privacy.max_groups_per_subject}, "
        f"max_events_per_group => {privacy.max_events_per_group}, "
        f"latency_bound_ms => {privacy.latency_bound_ms}, "
        f"small_group_probability => {privacy.small_group_probability!r}, "
        f"grace => interval '{grace_minutes} minutes', lookback => interval '{lookback_hours} hours');"
    )


DEFAULT_PUSH_TIMEOUT_SECONDS = 30
"""How long the push waits for one peer's exchange to commit before it gives up on that peer for this run."""


def push_statement(
    lookback_hours: int = DEFAULT_LOOKBACK_HOURS, timeout_seconds: int = DEFAULT_PUSH_TIMEOUT_SECONDS
) -> str:
    """The SQL the push CronJob runs on the telemetry store, as its superuser, apart from the release.

    It reads the ledger only: every released hour of the last lookback_hours and every hour a peer never
    acknowledged go to each linked peer, one peer at a time, each bounded by timeout_seconds. Run it on a
    fixed schedule (e.g. at minute 50 of every hour, concurrencyPolicy Forbid, activeDeadlineSeconds above
    the peers' count times timeout_seconds plus the connection time).
    """
    if lookback_hours < 1 or not 1 <= timeout_seconds <= 3600:
        raise ValueError("lookback_hours must be positive and timeout_seconds lie in [1, 3600]")
    return (
        f"CALL telemetry_admin.push_released_hours(lookback => interval '{lookback_hours} hours', "
        f"timeout => interval '{timeout_seconds} seconds');"
    )


def anonymise_statement(
    min_subjects: int = DEFAULT_MIN_SUBJECTS,
    grace_minutes: int = DEFAULT_GRACE_MINUTES,
    lookback_hours: int = DEFAULT_LOOKBACK_HOURS,
    privacy: PrivacyParameters | None = None,
) -> str:
    """release_statement() with k given first, the form components/telemetry_store.py calls."""
    validate_min_subjects(min_subjects)
    base = privacy or PrivacyParameters()
    return release_statement(
        PrivacyParameters(
            epsilon_per_hour=base.epsilon_per_hour,
            min_subjects=min_subjects,
            max_groups_per_subject=base.max_groups_per_subject,
            max_events_per_group=base.max_events_per_group,
            latency_bound_ms=base.latency_bound_ms,
            small_group_probability=base.small_group_probability,
        ),
        grace_minutes,
        lookback_hours,
    )
