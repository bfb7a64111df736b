"""SQL that keeps raw telemetry in its region and sends the peers only a differentially private release.

Each region runs two PostgreSQL servers. The telemetry store (TimescaleDB) holds raw telemetry with its
subject identifiers; once an hour has closed it releases it: contributions bounded per subject, discrete
Laplace noise from pgcrypto, groups kept by a noisy threshold over a closed vocabulary, and the result written
to a ledger on the store before it is pushed, over verified TLS with a client certificate, into each peer's
inbox. The exchange is that inbox: it holds the peers' releases and nothing else, and each peer's role may
only INSERT into its own table. No role has the REPLICATION attribute anywhere. README.md beside this file
states the guarantee and explains the design.

This module gives the Kubernetes Jobs and CronJob what they run (psql scripts, their variables, the release
statement), the pg_hba rules and TLS settings of both servers and the connection settings of every client.
It imports nothing from Pulumi.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from residency.defaults import MIN_SUBJECTS_FLOOR

SQL_DIRECTORY = Path(__file__).resolve().parent

# --- Privacy parameters: defaults and the bounds the SQL enforces as well ---

# MIN_SUBJECTS_FLOOR (k's floor) comes from residency/defaults.py, which the stack settings hold k to as well.
DEFAULT_MIN_SUBJECTS = 10

DEFAULT_EPSILON_PER_HOUR = Decimal("1.0")
EPSILON_CEILING = Decimal("2.0")
"""The privacy-protecting bound: a larger epsilon per subject per hour is refused."""
EPSILON_FLOOR = Decimal("0.1")
"""Below this the noise drowns every statistic (and the sampler's integers grow past their range)."""
DEFAULT_MAX_GROUPS_PER_SUBJECT = 2
DEFAULT_MAX_EVENTS_PER_GROUP = 5
DEFAULT_LATENCY_BOUND_MS = 2000
DEFAULT_SMALL_GROUP_PROBABILITY = 0.001
DEFAULT_GRACE_MINUTES = 15
DEFAULT_LOOKBACK_HOURS = 7 * 24

STATISTIC_WEIGHTS: Mapping[str, int] = {"subjects": 2, "events": 1, "errors": 1, "latency_ms_sum": 1}
"""How each group's share of epsilon is split over its noisy statistics (fifths, as in the SQL)."""

RELEASE_COLUMNS: tuple[str, ...] = (
    "bucket_start",
    "service",
    "metric",
    "subject_count",
    "event_count",
    "error_count",
    "latency_ms_sum",
    "latency_ms_mean",
)
"""Columns of every released table (the ledger on the store and each inbox on a peer's exchange), in order."""
ANONYMISED_COLUMNS = RELEASE_COLUMNS

WRITER_ROLE = "telemetry_writer"
"""The group that holds INSERT on raw_events; it cannot log in. Each service writes as its member role."""
OTHER = "other"
"""The group every dimension value outside the vocabulary is counted under."""

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

_REGION_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,19}$")
_LABEL_PATTERN = re.compile(r"^[a-z][a-z0-9-]{0,62}$")
# A vocabulary entry that holds a number or a long hexadecimal run is far more likely an address, a device or
# a request id than a service or metric name; refusing it keeps identifiers out of the closed dimensions.
_IDENTIFIER_SHAPED = re.compile(r"[0-9]{3,}|[0-9a-f]{8,}|(^|-)(ip|id|user|device|session|uuid)(-|$)")
_MIGRATION_PATTERN = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
MAX_VOCABULARY_SIZE = 200


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


def _bounded_integer(name: str, value: int, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{name} must be an integer from {low} to {high}, got {value!r}")


@dataclass(frozen=True)
class PrivacyParameters:
    """The release's differential privacy parameters; validated at construction, as the SQL does again."""

    epsilon_per_hour: Decimal = DEFAULT_EPSILON_PER_HOUR
    """Privacy loss per subject per released hour, over every group and statistic of the hour."""
    min_subjects: int = DEFAULT_MIN_SUBJECTS
    """k: a group of at most k distinct subjects is kept with probability at most small_group_probability."""
    max_groups_per_subject: int = DEFAULT_MAX_GROUPS_PER_SUBJECT
    """A subject counts in at most this many (service, metric) groups per hour: its most active ones."""
    max_events_per_group: int = DEFAULT_MAX_EVENTS_PER_GROUP
    """A subject's events, errors and latency sum in a group count as if it had at most this many events."""
    latency_bound_ms: int = DEFAULT_LATENCY_BOUND_MS
    """Latencies are clamped to [0, latency_bound_ms] before summing."""
    small_group_probability: float = DEFAULT_SMALL_GROUP_PROBABILITY
    """Sets the threshold's margin above k; the threshold acts on noisy counts, so it costs no privacy."""

    def __post_init__(self) -> None:
        """Refuse parameters the SQL would refuse, naming the parameter and its allowed range."""
        epsilon = Decimal(self.epsilon_per_hour)
        if (
            not EPSILON_FLOOR <= epsilon <= EPSILON_CEILING
            or (epsilon * 1000) != (epsilon * 1000).to_integral_value()
        ):
            raise ValueError(
                f"epsilon_per_hour must lie in [{EPSILON_FLOOR}, {EPSILON_CEILING}] in steps of 0.001, "
                f"got {self.epsilon_per_hour!r}"
            )
        object.__setattr__(self, "epsilon_per_hour", epsilon)
        validate_min_subjects(self.min_subjects)
        _bounded_integer("max_groups_per_subject", self.max_groups_per_subject, 1, 10)
        _bounded_integer("max_events_per_group", self.max_events_per_group, 1, 100)
        _bounded_integer("latency_bound_ms", self.latency_bound_ms, 1, 60000)
        if not 0 < self.small_group_probability <= 0.01:
            raise ValueError(
                f"small_group_probability must lie in (0, 0.01], got {self.small_group_probability!r}"
            )

    @property
    def epsilon_per_day(self) -> Decimal:
        """Privacy loss per subject per UTC day: 24 releases, composed (basic composition)."""
        return 24 * self.epsilon_per_hour

    def sensitivities(self) -> dict[str, int]:
        """How much one subject can change each statistic of one group it counts in."""
        return {
            "subjects": 1,
            "events": self.max_events_per_group,
            "errors": self.max_events_per_group,
            "latency_ms_sum": self.max_events_per_group * self.latency_bound_ms,
        }

    def noise_scales(self) -> dict[str, Fraction]:
        """The discrete Laplace scale of each statistic, exactly as telemetry_admin.noise_scales has it."""
        total = sum(STATISTIC_WEIGHTS.values())
        epsilon = Fraction(self.epsilon_per_hour)
        return {
            statistic: Fraction(self.max_groups_per_subject * sensitivity)
            / (epsilon * Fraction(STATISTIC_WEIGHTS[statistic], total))
            for statistic, sensitivity in self.sensitivities().items()
        }

    def threshold(self) -> int:
        """The noisy distinct-subject count a group needs to be kept (telemetry_admin.release_threshold)."""
        scale = float(self.noise_scales()["subjects"])
        alpha = math.exp(-1 / scale)
        margin = math.ceil(-scale * math.log(self.small_group_probability * (1 + alpha)) - 1e-9)
        return self.min_subjects + max(0, margin)


@dataclass(frozen=True)
class Vocabulary:
    """The closed vocabularies of the grouping dimensions; any other value is counted under 'other'."""

    services: tuple[str, ...]
    metrics: tuple[str, ...] = ("request",)

    def __post_init__(self) -> None:
        """Refuse labels that are not lower-case names, duplicates, 'other', and identifier-shaped values."""
        for dimension, names in (("services", self.services), ("metrics", self.metrics)):
            if isinstance(names, str) or not 1 <= len(names) <= MAX_VOCABULARY_SIZE:
                raise ValueError(f"{dimension} must be a list of 1 to {MAX_VOCABULARY_SIZE} names")
            if len(set(names)) != len(names):
                raise ValueError(f"{dimension} lists a name twice: {sorted(names)}")
            for name in names:
                if not _LABEL_PATTERN.fullmatch(name):
                    raise ValueError(f"{dimension}: {name!r} must match {_LABEL_PATTERN.pattern}")
                if name == OTHER:
                    raise ValueError(f"{dimension}: {OTHER!r} is reserved for values outside the vocabulary")
                if _IDENTIFIER_SHAPED.search(name):
                    raise ValueError(
                        f"{dimension}: {name!r} looks like an identifier (a number, a hexadecimal run or an "
                        "ip/id/user/device/session/uuid part); a grouping value must name a kind of thing, "
                        "never one person, device or address"
                    )
            object.__setattr__(self, dimension, tuple(names))

    def variables(self) -> dict[str, str]:
        """The psql variables both job scripts take."""
        return {"services": ",".join(self.services), "metrics": ",".join(self.metrics)}


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


def _validate_port(port: int) -> str:
    if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
        raise ValueError(f"port {port!r} is out of range")
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


# --- TLS and pg_hba: hostssl only, verify-full on every client ---


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
