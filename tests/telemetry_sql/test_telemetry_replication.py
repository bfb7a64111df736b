"""Anonymised telemetry replication between two regions, proven on four real PostgreSQL 15 servers.

Each region has a telemetry store (raw telemetry) and an exchange (anonymised tables only); the exchanges
replicate to each other. Tests share one mesh and keep apart by using their own hours and services.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest

import components.telemetry_sql as telemetry_sql
from tests.telemetry_sql import servers as testing
from tests.telemetry_sql.servers import EXCHANGE_DATABASE, STORE_DATABASE, PostgresServer, Region

REGIONS = ("eu", "india")
REPLICATION_WAIT_SECONDS = 30.0
IP_PREFIX = {"eu": "198.51.100.", "india": "203.0.113."}
# Log every statement and track utility statements, as a badly configured production server might, so that a
# password sent in a statement would be caught.
LOGGING_EVERYTHING = {
    "fsync": "off",
    "log_statement": "'all'",
    "shared_preload_libraries": "'pg_stat_statements'",
    "pg_stat_statements.track_utility": "on",
}
IDENTIFIER_COLUMN = re.compile(r"(subject_id|user|device|(^|_)ip($|_)|address|email|person|text|message)")


@dataclass
class Mesh:
    """Both regions provisioned twice, with what the first and second provisioning left behind."""

    regions: dict[str, Region]
    base_hour: datetime
    schema_after_first_run: dict[str, str]
    schema_after_second_run: dict[str, str]
    bookkeeping_after_first_run: dict[str, list[tuple[Any, ...]]]
    bookkeeping_after_second_run: dict[str, list[tuple[Any, ...]]]
    identifiers: dict[str, set[str]] = field(default_factory=lambda: {name: set() for name in REGIONS})

    def hour(self, hours_ago: int) -> datetime:
        """The start of the UTC hour that many hours before the current one."""
        return self.base_hour - timedelta(hours=hours_ago)


def _servers(regions: dict[str, Region]) -> list[tuple[PostgresServer, str]]:
    return [(server, database) for r in regions.values() for server, database in _region_servers(r)]


def _region_servers(region: Region) -> list[tuple[PostgresServer, str]]:
    return [(region.store, STORE_DATABASE), (region.exchange, EXCHANGE_DATABASE)]


def _schema(server: PostgresServer, database: str) -> str:
    def dump(*arguments: str) -> str:
        return subprocess.run(
            [str(server.bindir / arguments[0]), *arguments[1:]],
            check=True,
            capture_output=True,
            text=True,
            env={"PGHOST": str(server.directory), "PGPORT": str(server.port), "PGUSER": testing.SUPERUSER},
        ).stdout

    # Passwords are set again on every run, and SCRAM salts each verifier afresh: compare the roles without.
    text = dump("pg_dump", "--schema-only", database) + dump(
        "pg_dumpall", "--globals-only", "--no-role-passwords"
    )
    # Recent pg_dump fences its output with a key it draws afresh on every run.
    return re.sub(r"^\\(un)?restrict .*$", "", text, flags=re.MULTILINE)


def _bookkeeping(server: PostgresServer, database: str) -> list[tuple[Any, ...]]:
    schema = "telemetry_admin" if database == STORE_DATABASE else "exchange_admin"
    return server.query(
        database, f"SELECT version, name, checksum, applied_at FROM {schema}.schema_migrations"
    )


@pytest.fixture(scope="module")
def mesh() -> Iterator[Mesh]:
    """Two regions on four throwaway servers, every Job applied twice."""
    with testing.postgres_servers(testing.region_specifications(REGIONS, LOGGING_EVERYTHING)) as servers:
        regions = testing.create_regions(servers, REGIONS)
        testing.provision(regions)
        first = {f"{s.name}/{d}": _schema(s, d) for s, d in _servers(regions)}
        first_books = {f"{s.name}/{d}": _bookkeeping(s, d) for s, d in _servers(regions)}
        testing.provision(regions)
        second = {f"{s.name}/{d}": _schema(s, d) for s, d in _servers(regions)}
        second_books = {f"{s.name}/{d}": _bookkeeping(s, d) for s, d in _servers(regions)}
        base_hour = regions["eu"].store.query(STORE_DATABASE, "SELECT date_trunc('hour', now(), 'UTC')")[0][0]
        yield Mesh(regions, base_hour, first, second, first_books, second_books)


def insert_raw(
    mesh: Mesh, region: str, hour: datetime, service: str, subjects: int, events_per_subject: int = 3
) -> None:
    """Insert raw telemetry of distinct subjects into one hour of a region's store; remember identifiers."""
    rows = []
    for subject_number in range(subjects):
        tag = f"{service}-{hour:%d%H}-{subject_number}"
        subject, device = f"{region}-subject-{tag}", f"{region}-device-{tag}"
        ip_address = f"{IP_PREFIX[region]}{subject_number + 1}"
        mesh.identifiers[region].update({subject, device, ip_address})
        for event in range(events_per_subject):
            observed_at = hour + timedelta(minutes=(subject_number * 7 + event * 13) % 60, seconds=event)
            latency = float(10 * subject_number + event)
            rows.append((observed_at, subject, device, ip_address, service, latency, event == 0))
    with mesh.regions[region].store.connect(STORE_DATABASE) as connection:
        connection.cursor().executemany(
            b"INSERT INTO telemetry.raw_events"
            b" (observed_at, subject_id, device_id, ip_address, service, latency_ms, is_error)"
            b" VALUES (%s, %s, %s, %s, %s, %s, %s)",
            rows,
        )


def anonymised_rows(
    server: PostgresServer, source: str, since: datetime | None = None
) -> list[tuple[Any, ...]]:
    """Rows of a source region's anonymised table on an exchange, in a stable order."""
    columns = ", ".join(telemetry_sql.ANONYMISED_COLUMNS)
    return server.query(
        EXCHANGE_DATABASE,
        f"SELECT {columns} FROM anonymised.telemetry_hourly_{source}"
        " WHERE bucket_start >= coalesce(%s::timestamptz, '-infinity') ORDER BY bucket_start, service",
        [since],
    )


def wait_for_replica(mesh: Mesh, source: str, target: str, since: datetime | None = None) -> float:
    """Wait until the target exchange holds exactly the source's anonymised rows; return the seconds."""
    publisher, subscriber = mesh.regions[source].exchange, mesh.regions[target].exchange

    def caught_up() -> bool:
        return anonymised_rows(subscriber, source, since) == anonymised_rows(publisher, source, since)

    return testing.wait_until(caught_up, REPLICATION_WAIT_SECONDS)


def services_at(server: PostgresServer, source: str, hour: datetime) -> dict[str, int]:
    """Published services of one hour with their subject counts."""
    rows = server.query(
        EXCHANGE_DATABASE,
        f"SELECT service, subject_count FROM anonymised.telemetry_hourly_{source} WHERE bucket_start = %s",
        [hour],
    )
    return {service: count for service, count in rows}


def test_every_job_applied_twice_leaves_schema_and_bookkeeping_unchanged(mesh: Mesh) -> None:
    assert mesh.schema_after_second_run.keys() == mesh.schema_after_first_run.keys()
    for server, schema in mesh.schema_after_first_run.items():
        assert "CREATE TABLE" in schema, server
        assert mesh.schema_after_second_run[server] == schema, f"{server} changed on the second run"
    assert mesh.bookkeeping_after_second_run == mesh.bookkeeping_after_first_run
    store_versions = sorted(row[0] for row in mesh.bookkeeping_after_first_run[f"eu-store/{STORE_DATABASE}"])
    assert store_versions == [migration.version for migration in telemetry_sql.store_migrations()]
    exchange_versions = sorted(
        row[0] for row in mesh.bookkeeping_after_first_run[f"eu-exchange/{EXCHANGE_DATABASE}"]
    )
    assert exchange_versions == [migration.version for migration in telemetry_sql.exchange_migrations()]


def test_raw_telemetry_is_a_plain_table_on_stock_postgresql(mesh: Mesh) -> None:
    store = mesh.regions["eu"].store
    kind = store.query(
        STORE_DATABASE, "SELECT relkind FROM pg_class WHERE oid = 'telemetry.raw_events'::regclass"
    )
    assert kind == [("r",)]
    with pytest.raises(RuntimeError, match="TimescaleDB is required"):
        variables = {**_store_variables(mesh.regions["eu"]), "require_timescaledb": "true"}
        store.psql(
            STORE_DATABASE,
            telemetry_sql.store_job_script(),
            variables,
            _store_environment(mesh.regions["eu"]),
        )


def _store_variables(region: Region) -> dict[str, str]:
    return telemetry_sql.store_variables(
        region.name,
        "127.0.0.1",
        region.exchange.port,
        EXCHANGE_DATABASE,
        "disable",
        require_timescaledb=False,
    )


def _store_environment(region: Region) -> dict[str, str]:
    return {telemetry_sql.PUBLISHER_PASSWORD_ENV: region.passwords[telemetry_sql.PUBLISHER_ROLE]}


def test_a_migration_edited_after_it_was_applied_is_refused(mesh: Mesh) -> None:
    region = mesh.regions["eu"]
    store = region.store
    store.query(
        STORE_DATABASE,
        "UPDATE telemetry_admin.schema_migrations SET checksum = 'edited' WHERE version = '0002'",
    )
    try:
        with pytest.raises(RuntimeError, match=r"0002_anonymisation\.sql changed after it was applied"):
            store.psql(
                STORE_DATABASE,
                telemetry_sql.store_job_script(),
                _store_variables(region),
                _store_environment(region),
            )
    finally:
        checksum = telemetry_sql.store_migrations()[1].checksum
        store.query(
            STORE_DATABASE,
            "UPDATE telemetry_admin.schema_migrations SET checksum = %s WHERE version = '0002'",
            [checksum],
        )


def test_anonymised_hours_reach_the_peer_region_within_a_bounded_wait(mesh: Mesh) -> None:
    hour = mesh.hour(20)
    insert_raw(mesh, "eu", hour, "checkout", subjects=12, events_per_subject=4)
    insert_raw(mesh, "eu", hour + timedelta(hours=1), "checkout", subjects=15)

    assert mesh.regions["eu"].anonymise() >= 2
    wait_for_replica(mesh, "eu", "india", since=hour)

    received = anonymised_rows(mesh.regions["india"].exchange, "eu", since=hour)
    assert [(row[0], row[1], row[2], row[3]) for row in received[:2]] == [
        (hour, "checkout", 12, 48),
        (hour + timedelta(hours=1), "checkout", 15, 45),
    ]
    assert received[0][4] == 12  # the first event of every subject is an error


def test_groups_with_fewer_than_k_subjects_never_cross(mesh: Mesh) -> None:
    stricter = mesh.hour(32)
    insert_raw(mesh, "eu", stricter, "basket", subjects=11)
    insert_raw(mesh, "eu", stricter, "wishlist", subjects=12)
    mesh.regions["eu"].anonymise(min_subjects=12)

    hour, all_small = mesh.hour(30), mesh.hour(31)
    insert_raw(mesh, "eu", hour, "search", subjects=10)
    insert_raw(mesh, "eu", hour, "profile", subjects=9, events_per_subject=50)
    insert_raw(mesh, "eu", all_small, "admin", subjects=3)
    mesh.regions["eu"].anonymise()
    wait_for_replica(mesh, "eu", "india", since=stricter)

    india = mesh.regions["india"].exchange
    assert services_at(india, "eu", hour) == {"search": 10}
    assert services_at(india, "eu", all_small) == {}
    assert services_at(india, "eu", stricter) == {"wishlist": 12}
    assert all(row[2] >= telemetry_sql.MIN_SUBJECTS_FLOOR for row in anonymised_rows(india, "eu"))
    # The hour whose every group was suppressed is still final: its marker exists on the exchange.
    markers = mesh.regions["eu"].exchange.query(
        EXCHANGE_DATABASE,
        "SELECT group_count FROM exchange_admin.published_buckets WHERE bucket_start = %s",
        [all_small],
    )
    assert markers == [(0,)]


def test_k_below_the_floor_is_refused_by_the_store_and_by_both_exchanges(mesh: Mesh) -> None:
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="at least 10"):
        mesh.regions["eu"].store.query(
            STORE_DATABASE, "SELECT telemetry_admin.publish_closed_buckets(min_subjects => 9)"
        )
    with pytest.raises(psycopg.errors.InvalidParameterValue):
        mesh.regions["eu"].store.query(
            STORE_DATABASE, "SELECT * FROM telemetry_admin.anonymised_groups(now(), 2)"
        )
    for server in (mesh.regions["eu"].exchange, mesh.regions["india"].exchange):
        with pytest.raises(psycopg.errors.CheckViolation):
            server.query(
                EXCHANGE_DATABASE,
                "INSERT INTO anonymised.telemetry_hourly_eu VALUES"
                " (date_trunc('hour', now(), 'UTC') - interval '900 hours', 'leak', 9, 9, 0, 1, 1, 1)",
            )


def test_published_hours_are_final_and_late_rows_are_not_republished(mesh: Mesh) -> None:
    hour = mesh.hour(40)
    insert_raw(mesh, "eu", hour, "orders", subjects=11)
    assert mesh.regions["eu"].anonymise() >= 1
    published = anonymised_rows(mesh.regions["eu"].exchange, "eu", since=hour)

    # Late rows: more subjects for the published group and a new group that would now pass k.
    insert_raw(mesh, "eu", hour, "orders", subjects=20)
    insert_raw(mesh, "eu", hour, "payments", subjects=12)
    assert mesh.regions["eu"].anonymise() == 0
    assert anonymised_rows(mesh.regions["eu"].exchange, "eu", since=hour) == published
    wait_for_replica(mesh, "eu", "india", since=hour)


def test_an_hour_is_published_only_after_it_closed_and_its_grace_passed(mesh: Mesh) -> None:
    hour = mesh.hour(1)
    insert_raw(mesh, "eu", hour, "maps", subjects=10)
    mesh.regions["eu"].anonymise(grace_minutes=180)
    assert services_at(mesh.regions["eu"].exchange, "eu", hour) == {}
    future = mesh.base_hour + timedelta(hours=2)
    insert_raw(mesh, "eu", future, "maps", subjects=10)
    mesh.regions["eu"].anonymise()
    assert services_at(mesh.regions["eu"].exchange, "eu", hour) == {"maps": 10}
    assert services_at(mesh.regions["eu"].exchange, "eu", future) == {}


def test_india_publishes_its_own_anonymised_hours_to_eu(mesh: Mesh) -> None:
    hour = mesh.hour(50)
    insert_raw(mesh, "india", hour, "checkout", subjects=13)
    insert_raw(mesh, "india", hour, "kyc", subjects=4)
    assert mesh.regions["india"].anonymise() >= 1
    wait_for_replica(mesh, "india", "eu", since=hour)
    assert services_at(mesh.regions["eu"].exchange, "india", hour) == {"checkout": 13}


def test_subscriber_crash_mid_stream_loses_and_duplicates_nothing(mesh: Mesh) -> None:
    first = mesh.hour(100)
    for offset in range(24):
        insert_raw(mesh, "eu", first + timedelta(hours=offset), "stream", subjects=10, events_per_subject=1)
    india = mesh.regions["india"].exchange
    mesh.regions["eu"].anonymise()
    india.stop("immediate")
    try:
        for offset in range(24, 30):
            insert_raw(
                mesh, "eu", first + timedelta(hours=offset), "stream", subjects=10, events_per_subject=1
            )
        mesh.regions["eu"].anonymise()
    finally:
        india.start()
    wait_for_replica(mesh, "eu", "india")
    rows = anonymised_rows(india, "eu", since=first)
    stream_hours = [row[0] for row in rows if row[1] == "stream"]
    assert stream_hours == [first + timedelta(hours=offset) for offset in range(30)]


def test_exchange_outage_fails_the_push_and_the_next_run_catches_up(mesh: Mesh) -> None:
    first = mesh.hour(140)
    eu = mesh.regions["eu"]
    eu.exchange.stop("fast")
    try:
        for offset in range(3):
            insert_raw(mesh, "eu", first + timedelta(hours=offset), "outage", subjects=10)
        with pytest.raises(psycopg.errors.Error, match="could not establish connection"):
            eu.anonymise()
    finally:
        eu.exchange.start()
    eu.anonymise()
    wait_for_replica(mesh, "eu", "india")
    published = [
        row[0] for row in anonymised_rows(mesh.regions["india"].exchange, "eu") if row[1] == "outage"
    ]
    assert published == [first + timedelta(hours=offset) for offset in range(3)]


def test_the_replication_role_reads_its_own_anonymised_table_and_nothing_else(mesh: Mesh) -> None:
    eu = mesh.regions["eu"]
    password = eu.passwords[telemetry_sql.REPLICATION_ROLE]
    with psycopg.connect(
        eu.exchange.tcp_conninfo(EXCHANGE_DATABASE, telemetry_sql.REPLICATION_ROLE, password)
    ) as c:
        c.execute("SELECT count(*) FROM anonymised.telemetry_hourly_eu").fetchone()
        for forbidden in (
            "SELECT * FROM anonymised.telemetry_hourly_india",
            "SELECT * FROM exchange_admin.published_buckets",
            "SELECT * FROM exchange_admin.settings",
            "INSERT INTO anonymised.telemetry_hourly_eu SELECT * FROM anonymised.telemetry_hourly_eu",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                c.execute(forbidden.encode())
            c.rollback()
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(eu.exchange.tcp_conninfo(EXCHANGE_DATABASE, telemetry_sql.REPLICATION_ROLE, "wrong"))
    # No role can replicate from the store: it publishes nothing and the peer's role cannot even log in there.
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(eu.store.tcp_conninfo(STORE_DATABASE, telemetry_sql.REPLICATION_ROLE, password))
    assert (
        eu.store.query(STORE_DATABASE, "SELECT rolname FROM pg_roles WHERE rolreplication AND NOT rolsuper")
        == []
    )
    assert eu.store.query(STORE_DATABASE, "SELECT pubname FROM pg_publication") == []


def test_raw_telemetry_is_readable_by_no_ordinary_role(mesh: Mesh) -> None:
    eu = mesh.regions["eu"]
    password = eu.passwords[telemetry_sql.WRITER_ROLE]
    with psycopg.connect(
        eu.store.tcp_conninfo(STORE_DATABASE, telemetry_sql.WRITER_ROLE, password)
    ) as writer:
        writer.execute(
            "INSERT INTO telemetry.raw_events (observed_at, subject_id, device_id, service, latency_ms)"
            " VALUES (now() + interval '1 day', 'eu-subject-writer', 'eu-device-writer', 'writer', 1)"
        )
        writer.commit()
        for forbidden in (
            "SELECT * FROM telemetry.raw_events",
            "SELECT * FROM telemetry_admin.anonymised_groups(now(), 10)",
            "SELECT telemetry_admin.publish_closed_buckets()",
            "SELECT * FROM telemetry_admin.dblink('telemetry_exchange', 'SELECT 1') AS t (one integer)",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                writer.execute(forbidden.encode())
            writer.rollback()
        # The exchange password in the user mapping is hidden from everyone but superusers.
        assert writer.execute("SELECT umoptions FROM pg_user_mappings").fetchall() == [(None,)]
    mesh.identifiers["eu"].update({"eu-subject-writer", "eu-device-writer"})


def test_the_publication_carries_only_the_anonymised_table_and_its_listed_columns(mesh: Mesh) -> None:
    for region in mesh.regions.values():
        publications = region.exchange.query(
            EXCHANGE_DATABASE,
            "SELECT p.pubname, t.schemaname, t.tablename, t.attnames, p.pubinsert, p.pubupdate, p.pubdelete,"
            " p.pubtruncate FROM pg_publication AS p JOIN pg_publication_tables AS t USING (pubname)",
        )
        assert publications == [
            (
                f"telemetry_anonymised_{region.name}",
                "anonymised",
                f"telemetry_hourly_{region.name}",
                list(telemetry_sql.ANONYMISED_COLUMNS),
                True,
                False,
                False,
                False,
            )
        ]


def _text_of_every_row(server: PostgresServer) -> str:
    chunks: list[str] = []
    databases = server.query("postgres", "SELECT datname FROM pg_database WHERE datallowconn")
    for (database,) in databases:
        with server.connect(database) as connection:
            relations = connection.execute(
                "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class AS c"
                " JOIN pg_namespace AS n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'm')"
            ).fetchall()
            for (relation,) in relations:
                rows = connection.execute(f"SELECT t::text FROM {relation} AS t".encode()).fetchall()
                chunks.extend(row[0] for row in rows)
    return "\n".join(chunks)


def _leaks_in_files(directory: Path, pattern: re.Pattern[bytes]) -> list[str]:
    leaks = []
    for path in directory.rglob("*"):
        if path.is_file() and (match := pattern.search(path.read_bytes())):
            leaks.append(f"{path.relative_to(directory)}: {match.group().decode()}")
    return leaks


def _identifier_pattern(region: str) -> str:
    # Every identifier the tests give a region's subjects starts with one of these, tracked or not.
    return "|".join(
        re.escape(prefix) for prefix in (f"{region}-subject-", f"{region}-device-", IP_PREFIX[region])
    )


def test_no_identifier_column_or_value_from_eu_ever_appears_in_india(mesh: Mesh) -> None:
    hour = mesh.hour(60)
    insert_raw(mesh, "eu", hour, "identity", subjects=25)
    mesh.regions["eu"].anonymise()
    wait_for_replica(mesh, "eu", "india")
    india = mesh.regions["india"]
    eu_identifiers = sorted(mesh.identifiers["eu"])
    assert len(eu_identifiers) > 500

    columns = india.exchange.query(
        EXCHANGE_DATABASE,
        "SELECT table_schema, table_name, array_agg(column_name::text ORDER BY ordinal_position)"
        " FROM information_schema.columns WHERE table_schema NOT IN ('pg_catalog', 'information_schema')"
        " GROUP BY table_schema, table_name",
    )
    for schema, table, names in columns:
        assert not [name for name in names if IDENTIFIER_COLUMN.search(name)], f"{schema}.{table}: {names}"
        if schema == "anonymised":
            assert tuple(names) == telemetry_sql.ANONYMISED_COLUMNS

    # Everything the peer could ever hold or copy: every row of every database on both India servers, and
    # every file of their data directories (WAL included), and of the EU exchange the peer's role can copy.
    text_pattern = re.compile(rf"(?:{_identifier_pattern('eu')})[^\s,)\"]*")
    bytes_pattern = re.compile(_identifier_pattern("eu").encode() + rb"[^\s,)\"\x00]*")
    for server in (india.exchange, india.store, mesh.regions["eu"].exchange):
        assert text_pattern.findall(_text_of_every_row(server)) == [], server.name
        assert _leaks_in_files(server.data_directory, bytes_pattern) == [], server.name
    # The same scans do find identifiers where they belong, in EU's own store.
    eu_store = mesh.regions["eu"].store
    assert set(eu_identifiers) <= set(text_pattern.findall(_text_of_every_row(eu_store)))
    assert _leaks_in_files(eu_store.data_directory, bytes_pattern) != []


def test_hours_are_utc_hours_whatever_the_session_time_zone(mesh: Mesh) -> None:
    hour = mesh.hour(70)
    insert_raw(mesh, "india", hour, "timezone", subjects=10)
    with mesh.regions["india"].store.connect(STORE_DATABASE) as connection:
        connection.execute("SET timezone = 'Asia/Kolkata'")
        connection.execute(telemetry_sql.anonymise_statement(grace_minutes=0).encode())
    assert services_at(mesh.regions["india"].exchange, "india", hour) == {"timezone": 10}


def test_no_password_reaches_a_server_log_or_pg_stat_statements(mesh: Mesh) -> None:
    secrets = [password.split("'")[0] for r in mesh.regions.values() for password in r.passwords.values()]
    for server, _ in _servers(mesh.regions):
        log = server.log_file.read_text()
        assert "statement: CREATE TABLE" in log  # every statement is logged
        assert [secret for secret in secrets if secret in log] == [], server.name
        server.query("postgres", "CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        statements = "\n".join(
            row[0] for row in server.query("postgres", "SELECT query FROM pg_stat_statements")
        )
        assert "schema_migrations" in statements
        assert [secret for secret in secrets if secret in statements] == [], server.name


def test_jobs_fail_loudly_without_their_secret_or_with_a_wrong_peer(mesh: Mesh) -> None:
    eu = mesh.regions["eu"]
    variables = telemetry_sql.exchange_variables("eu", ["india"])
    with pytest.raises(RuntimeError, match="TELEMETRY_REPLICATION_PASSWORD is not set"):
        eu.exchange.psql(
            EXCHANGE_DATABASE,
            telemetry_sql.exchange_job_script(),
            variables,
            {telemetry_sql.PUBLISHER_PASSWORD_ENV: eu.passwords[telemetry_sql.PUBLISHER_ROLE]},
        )
    with pytest.raises(RuntimeError, match="belongs to region eu, not india"):
        eu.exchange.psql(
            EXCHANGE_DATABASE,
            telemetry_sql.exchange_job_script(),
            telemetry_sql.exchange_variables("india", []),
            {
                telemetry_sql.REPLICATION_PASSWORD_ENV: eu.passwords[telemetry_sql.REPLICATION_ROLE],
                telemetry_sql.PUBLISHER_PASSWORD_ENV: eu.passwords[telemetry_sql.PUBLISHER_ROLE],
            },
        )
    with pytest.raises(RuntimeError, match="subscribe only to another region"):
        eu.exchange.psql(
            EXCHANGE_DATABASE,
            telemetry_sql.subscription_script(),
            telemetry_sql.subscription_variables("eu", "127.0.0.1", eu.exchange.port, peer_sslmode="disable"),
            {telemetry_sql.PEER_REPLICATION_PASSWORD_ENV: eu.passwords[telemetry_sql.REPLICATION_ROLE]},
        )
    with pytest.raises(RuntimeError, match="psql variable exchange_host is not set"):
        variables = {k: v for k, v in _store_variables(eu).items() if k != "exchange_host"}
        eu.store.psql(STORE_DATABASE, telemetry_sql.store_job_script(), variables, _store_environment(eu))
