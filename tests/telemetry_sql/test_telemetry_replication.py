"""The private release between two regions, proven on four real PostgreSQL 15 servers (conftest.py).

Delivery, finality, the ledger, restarts and outages, what each role can reach, and what lands where.
"""

from __future__ import annotations

import dataclasses
import re
import threading
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest

import components.telemetry_sql as telemetry_sql
from tests.telemetry_sql import servers as testing
from tests.telemetry_sql.conftest import (
    EXACT,
    IP_PREFIX,
    SURELY_KEPT,
    Mesh,
    all_servers,
    inbox_rows,
    insert_raw,
    ledger_rows,
    released,
    services_at,
)
from tests.telemetry_sql.servers import EXCHANGE_DATABASE, STORE_DATABASE, PostgresServer, Region

IDENTIFIER_COLUMN = re.compile(
    r"(subject_(id|key)|user|device|(^|_)ip($|_)|address|email|person|text|message)"
)


def test_every_job_applied_twice_leaves_schema_and_bookkeeping_unchanged(mesh: Mesh) -> None:
    assert mesh.schema_after_second_run.keys() == mesh.schema_after_first_run.keys()
    for server, schema in mesh.schema_after_first_run.items():
        assert "CREATE TABLE" in schema, server
        assert mesh.schema_after_second_run[server] == schema, f"{server} changed on the second run"
    assert mesh.bookkeeping_after_second_run == mesh.bookkeeping_after_first_run
    store_versions = [row[0] for row in mesh.bookkeeping_after_first_run[f"eu-store/{STORE_DATABASE}"]]
    assert store_versions == [migration.version for migration in telemetry_sql.store_migrations()]
    exchange_versions = [
        row[0] for row in mesh.bookkeeping_after_first_run[f"eu-exchange/{EXCHANGE_DATABASE}"]
    ]
    assert exchange_versions == [migration.version for migration in telemetry_sql.exchange_migrations()]


@pytest.mark.parametrize("attempt", range(2))
def test_migrators_started_together_on_one_database_run_one_after_the_other(mesh: Mesh, attempt: int) -> None:
    """A deadlock in 0001's CREATE INDEX was seen once: two store Jobs on one server at once (a Job replaced
    while its old pod still runs). Four started together on a new database must all succeed, each migration
    recorded once, the schema as one run leaves it."""
    store = mesh.regions["eu"].store
    database = f"migration_race_{attempt}"
    store.query("postgres", f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
    store.query("postgres", f"CREATE DATABASE {database}")
    try:
        script = telemetry_sql.store_job_script()
        variables = _store_variables(mesh.regions["eu"])
        failures: list[str] = []

        def migrate() -> None:
            try:
                store.psql(database, script, variables)
            except RuntimeError as error:
                failures.append(str(error)[-600:])

        threads = [threading.Thread(target=migrate) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert failures == []
        recorded = store.query(
            database, "SELECT version, count(*) FROM telemetry_admin.schema_migrations GROUP BY 1 ORDER BY 1"
        )
        assert recorded == [(m.version, 1) for m in telemetry_sql.store_migrations()]
    finally:
        store.query("postgres", f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


def _store_variables(region: Region) -> dict[str, str]:
    return telemetry_sql.store_job_variables(
        region.name, region.vocabulary, require_timescaledb=False, writers=testing.TEST_WRITERS
    )


def _store_environment(region: Region) -> dict[str, str]:
    return {}  # the store Job needs no secret: writers log in by certificate


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


def test_a_migration_edited_after_it_was_applied_is_refused(mesh: Mesh) -> None:
    region = mesh.regions["eu"]
    store = region.store
    store.query(
        STORE_DATABASE,
        "UPDATE telemetry_admin.schema_migrations SET checksum = 'edited' WHERE version = '0002'",
    )
    try:
        with pytest.raises(RuntimeError, match=r"0002_private_release\.sql changed after it was applied"):
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


def test_released_hours_reach_the_peer_in_the_run_that_releases_them(mesh: Mesh) -> None:
    hour = mesh.hour(20)
    insert_raw(mesh, "eu", hour, "checkout", subjects=SURELY_KEPT, events_per_subject=4)
    insert_raw(mesh, "eu", hour + timedelta(hours=1), "checkout", subjects=SURELY_KEPT + 100)

    assert mesh.regions["eu"].release_hours(hour, 2, EXACT) == 2
    # The push is part of the run: the peer holds exactly the ledger's rows once the statement returns.
    received = inbox_rows(mesh.regions["india"].exchange, "eu", hour, hour + timedelta(hours=2))
    assert received == ledger_rows(mesh.regions["eu"], hour, hour + timedelta(hours=2))
    assert [(row[0], row[1], row[2]) for row in received] == [
        (hour, "checkout", "request"),
        (hour + timedelta(hours=1), "checkout", "request"),
    ]
    # Noisy, but within a scale of a few units of the truth (400 subjects; events capped at 4 < 5).
    scales = EXACT.noise_scales()
    assert abs(received[0][3] - SURELY_KEPT) < 30 * scales["subjects"]
    assert abs(received[0][4] - 4 * SURELY_KEPT) < 30 * scales["events"]


def test_groups_whose_noisy_count_misses_the_threshold_never_cross(mesh: Mesh) -> None:
    hour = mesh.hour(30)
    threshold = EXACT.threshold()
    insert_raw(mesh, "eu", hour, "search", subjects=SURELY_KEPT)
    insert_raw(mesh, "eu", hour, "profile", subjects=9, events_per_subject=50)
    insert_raw(mesh, "eu", hour + timedelta(hours=1), "basket", subjects=3)
    mesh.regions["eu"].release_hours(hour, 2, EXACT)

    assert services_at(mesh, "eu", hour).keys() == {"search"}
    assert released(mesh, "eu", hour + timedelta(hours=1)) == {}
    # Every domain group of both hours got a noisy count, the empty ones too, and only one passed.
    thresholds = mesh.regions["eu"].store.query(
        STORE_DATABASE,
        "SELECT threshold FROM telemetry_admin.released_hours WHERE bucket_start IN (%s, %s)",
        [hour, hour + timedelta(hours=1)],
    )
    assert thresholds == [(threshold,), (threshold,)]
    # Nothing at all crosses for the hour whose every group was suppressed: no marker, no empty row.
    everything = mesh.regions["india"].exchange.query(
        EXCHANGE_DATABASE,
        "SELECT count(*) FROM anonymised.telemetry_hourly_eu WHERE bucket_start = %s",
        [hour + timedelta(hours=1)],
    )
    assert everything == [(0,)]


def test_k_and_epsilon_outside_their_bounds_are_refused_by_the_store_and_both_exchanges(mesh: Mesh) -> None:
    store = mesh.regions["eu"].store
    for arguments, message in (
        ("min_subjects => 9", "at least 10"),
        ("epsilon_per_hour => 2.5", "epsilon_per_hour must lie in"),
        ("epsilon_per_hour => 0.05", "epsilon_per_hour must lie in"),
        ("epsilon_per_hour => 0.0001", "epsilon_per_hour must lie in"),
        ("max_events_per_group => 0", "max_events_per_group"),
        ("small_group_probability => 0.5", "small_group_probability"),
        ("as_of => now() + interval '1 hour'", "lies in the future"),
    ):
        with pytest.raises(psycopg.errors.InvalidParameterValue, match=message):
            store.query(STORE_DATABASE, f"CALL telemetry_admin.release_closed_hours({arguments})")
    for server, source in ((mesh.regions["eu"].exchange, "india"), (mesh.regions["india"].exchange, "eu")):
        with pytest.raises(psycopg.errors.CheckViolation):
            server.query(
                EXCHANGE_DATABASE,
                f"INSERT INTO anonymised.telemetry_hourly_{source} VALUES"
                " (date_trunc('hour', now(), 'UTC') - interval '900 hours',"
                " 'checkout', 'request', 9, 9, 0, 1, 1)",
            )


def test_released_hours_are_final_and_late_rows_revise_nothing(mesh: Mesh) -> None:
    hour = mesh.hour(40)
    insert_raw(mesh, "eu", hour, "orders", subjects=SURELY_KEPT)
    assert mesh.regions["eu"].release_hours(hour, 1, EXACT) == 1
    first = inbox_rows(mesh.regions["india"].exchange, "eu", hour, hour + timedelta(hours=1))

    # Late rows: more subjects for the released group and a new group that would now pass the threshold.
    insert_raw(mesh, "eu", hour, "orders", subjects=SURELY_KEPT)
    insert_raw(mesh, "eu", hour, "payments", subjects=SURELY_KEPT)
    assert mesh.regions["eu"].release_hours(hour, 1, EXACT) == 0
    assert inbox_rows(mesh.regions["india"].exchange, "eu", hour, hour + timedelta(hours=1)) == first
    assert ledger_rows(mesh.regions["eu"], hour, hour + timedelta(hours=1)) == first


def test_the_ledger_on_the_store_is_append_only(mesh: Mesh) -> None:
    store = mesh.regions["eu"].store
    for statement in (
        "DELETE FROM telemetry_admin.released_hours",
        "UPDATE telemetry_admin.released_groups SET subject_count = subject_count + 1",
        "TRUNCATE telemetry_admin.released_groups CASCADE",
        "TRUNCATE telemetry_admin.released_hours CASCADE",
    ):
        with pytest.raises(psycopg.errors.ProhibitedSqlStatementAttempted, match="append-only"):
            store.query(STORE_DATABASE, statement)


def test_an_hour_is_released_only_after_it_closed_and_its_grace_passed(mesh: Mesh) -> None:
    eu = mesh.regions["eu"]
    hour = mesh.hour(1)
    insert_raw(mesh, "eu", hour, "maps", subjects=SURELY_KEPT)
    eu.release(EXACT, lookback_hours=3, grace_minutes=180)
    assert services_at(mesh, "eu", hour) == {}
    current = mesh.base_hour
    insert_raw(mesh, "eu", current, "maps", subjects=SURELY_KEPT)
    eu.release(EXACT, lookback_hours=3)
    assert services_at(mesh, "eu", hour).keys() == {"maps"}
    assert services_at(mesh, "eu", current) == {}


def test_india_releases_its_own_hours_to_eu(mesh: Mesh) -> None:
    hour = mesh.hour(50)
    insert_raw(mesh, "india", hour, "checkout", subjects=SURELY_KEPT)
    insert_raw(mesh, "india", hour, "kyc", subjects=4)
    assert mesh.regions["india"].release_hours(hour, 1, EXACT) == 1
    assert services_at(mesh, "india", hour).keys() == {"checkout"}


def test_a_peer_exchange_crash_mid_push_loses_and_duplicates_nothing(mesh: Mesh) -> None:
    eu, india = mesh.regions["eu"], mesh.regions["india"]
    first = mesh.hour(130)
    for offset in range(24):
        insert_raw(
            mesh, "eu", first + timedelta(hours=offset), "stream", subjects=SURELY_KEPT, events_per_subject=1
        )
    assert eu.release_hours(first, 12, EXACT) == 12
    india.exchange.stop("immediate")
    try:
        # The hours are released (in the ledger) even though the push fails; the run says so.
        with pytest.raises(psycopg.errors.ConnectionException, match="could not push to every peer"):
            eu.release_hours(first + timedelta(hours=12), 12, EXACT)
    finally:
        india.exchange.start()
    undelivered = eu.store.query(
        STORE_DATABASE,
        "SELECT count(*) FROM telemetry_admin.released_hours AS h WHERE h.bucket_start >= %s"
        " AND NOT EXISTS (SELECT 1 FROM telemetry_admin.deliveries AS d"
        "                 WHERE d.bucket_start = h.bucket_start)",
        [first],
    )
    assert undelivered == [(12,)]
    # The next run, whatever its window, pushes what the peer never acknowledged, with the same values.
    assert eu.release_hours(mesh.hour(200), 1, EXACT) == 1
    until = first + timedelta(hours=24)
    rows = inbox_rows(india.exchange, "eu", first, until)
    assert rows == ledger_rows(eu, first, until)
    assert [row[0] for row in rows if row[1] == "stream"] == [first + timedelta(hours=h) for h in range(24)]


def test_a_restored_peer_exchange_gets_the_same_values_back_and_nothing_new(mesh: Mesh) -> None:
    eu, india = mesh.regions["eu"], mesh.regions["india"]
    hour = mesh.hour(60)
    insert_raw(mesh, "eu", hour, "outage", subjects=SURELY_KEPT)
    eu.release_hours(hour, 1, EXACT)
    before = inbox_rows(india.exchange, "eu", hour, hour + timedelta(hours=1))
    # The peer's exchange is restored from a backup taken before the hour arrived; late rows come meanwhile.
    india.exchange.query(
        EXCHANGE_DATABASE, "DELETE FROM anonymised.telemetry_hourly_eu WHERE bucket_start = %s", [hour]
    )
    insert_raw(mesh, "eu", hour, "outage", subjects=50)
    assert eu.release_hours(hour, 1, EXACT) == 0
    assert inbox_rows(india.exchange, "eu", hour, hour + timedelta(hours=1)) == before


def _inbox_connection(
    pusher: Region, target: Region, **options: str
) -> psycopg.Connection[tuple[object, ...]]:
    """Log in to the target's exchange as the pusher's inbox role, with the pusher's client certificate."""
    return psycopg.connect(
        target.exchange.tcp_conninfo(
            EXCHANGE_DATABASE,
            telemetry_sql.inbox_role(pusher.name),
            sslcert=str(pusher.store.directory / "client.crt"),
            sslkey=str(pusher.store.directory / "client.key"),
            **options,
        )
    )


def test_the_peers_role_can_insert_its_own_release_and_read_nothing(mesh: Mesh) -> None:
    eu, india = mesh.regions["eu"], mesh.regions["india"]
    # India's role on eu's exchange: INSERT into india's own inbox, nothing else, not even a SELECT of it.
    with _inbox_connection(india, eu) as connection:
        for forbidden in (
            "SELECT count(*) FROM anonymised.telemetry_hourly_india",
            "SELECT * FROM exchange_admin.vocabulary",
            "SELECT * FROM exchange_admin.settings",
            "SELECT * FROM exchange_admin.schema_migrations",
            "CREATE TABLE anonymised.extra (x int)",
            "CREATE TEMPORARY TABLE extra (x int)",
            "SELECT pg_create_logical_replication_slot('peer_decoding', 'test_decoding')",
            "SELECT pg_create_physical_replication_slot('peer_backup')",
            "UPDATE anonymised.telemetry_hourly_india SET subject_count = 10",
            "DELETE FROM anonymised.telemetry_hourly_india",
        ):
            with pytest.raises(
                (psycopg.errors.InsufficientPrivilege, psycopg.errors.ObjectNotInPrerequisiteState)
            ):
                connection.execute(forbidden.encode())
            connection.rollback()
    # No replication connection at all: pg_hba rejects it and the exchange runs no walsender.
    with pytest.raises(
        psycopg.OperationalError, match=r"exceeds max_wal_senders|pg_hba\.conf rejects replication"
    ):
        _inbox_connection(india, eu, replication="database").close()
    # The certificate from india's CA is worth nothing on india's own servers or on eu's store.
    for server, database in ((india.exchange, EXCHANGE_DATABASE), (eu.store, STORE_DATABASE)):
        with pytest.raises(psycopg.OperationalError):
            psycopg.connect(
                server.tcp_conninfo(
                    database,
                    telemetry_sql.inbox_role("india"),
                    sslcert=str(india.store.directory / "client.crt"),
                    sslkey=str(india.store.directory / "client.key"),
                )
            ).close()
    # A client certificate for the role's name from a CA the exchange does not trust is refused.
    stranger = testing.CertificateAuthority("stranger CA")
    certificate, key = stranger.issue(telemetry_sql.inbox_role("india"), server=False)
    eu.store.write_file("stranger.crt", certificate)
    key_file = eu.store.write_file("stranger.key", key)
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(
            eu.exchange.tcp_conninfo(
                EXCHANGE_DATABASE,
                telemetry_sql.inbox_role("india"),
                sslcert=str(eu.store.directory / "stranger.crt"),
                sslkey=str(key_file),
            )
        ).close()
    for server, database in all_servers(mesh.regions):
        assert (
            server.query(database, "SELECT rolname FROM pg_roles WHERE rolreplication AND NOT rolsuper") == []
        )
        assert server.query(database, "SELECT pubname FROM pg_publication") == []
        assert server.query(database, "SELECT subname FROM pg_subscription") == []
        assert server.query(database, "SELECT slot_name FROM pg_replication_slots") == []
    assert eu.exchange.query("postgres", "SHOW max_wal_senders") == [("0",)]


EXCHANGE_SCHEMA = {
    ("anonymised", "telemetry_hourly_india"): list(telemetry_sql.RELEASE_COLUMNS),
    ("exchange_admin", "schema_migrations"): ["version", "name", "checksum", "applied_at"],
    ("exchange_admin", "settings"): ["singleton", "region"],
    ("exchange_admin", "vocabulary"): ["dimension", "name"],
}
"""Everything eu's exchange may hold. Only the first table takes rows from outside, and only from india."""


def test_the_exchange_holds_the_peers_release_and_nothing_else(mesh: Mesh) -> None:
    exchange = mesh.regions["eu"].exchange
    tables = exchange.query(
        EXCHANGE_DATABASE,
        "SELECT n.nspname, c.relname, array_agg(a.attname::text ORDER BY a.attnum)"
        " FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace"
        " JOIN pg_attribute AS a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
        " WHERE c.relkind IN ('r', 'p', 'm', 'v', 'f')"
        " AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
        " AND n.nspname NOT LIKE 'pg_toast%' GROUP BY 1, 2 ORDER BY 1, 2",
    )
    assert {(schema, table): columns for schema, table, columns in tables} == EXCHANGE_SCHEMA
    for database in ("postgres", EXCHANGE_DATABASE):
        others = exchange.query(
            database,
            "SELECT n.nspname || '.' || c.relname FROM pg_class AS c"
            " JOIN pg_namespace AS n ON n.oid = c.relnamespace"
            " WHERE c.relkind IN ('r', 'p', 'm', 'v', 'f') AND n.nspname = 'public'",
        )
        assert others == [], database
    databases = exchange.query(
        "postgres", "SELECT datname FROM pg_database WHERE NOT datistemplate ORDER BY 1"
    )
    assert databases == [("postgres",), (EXCHANGE_DATABASE,)]
    # What the push writes is exactly the release's columns.
    statement = mesh.regions["india"].store.query(
        STORE_DATABASE,
        "SELECT telemetry_admin.release_insert('india',"
        " ARRAY(SELECT bucket_start FROM telemetry_admin.released_groups))",
    )[0][0]
    assert statement.startswith(
        f"INSERT INTO anonymised.telemetry_hourly_india ({', '.join(telemetry_sql.RELEASE_COLUMNS)}) VALUES "
    )


def test_raw_telemetry_is_readable_by_no_ordinary_role(mesh: Mesh) -> None:
    eu = mesh.regions["eu"]
    with eu.writer("feed") as writer:
        writer.execute(
            "INSERT INTO telemetry.raw_events (observed_at, subject_id, device_id, service, latency_ms)"
            " VALUES (now() + interval '1 day', 'eu-subject-writer', 'eu-device-writer', 'writer', 1)"
        )
        writer.commit()
        for forbidden in (
            "SELECT * FROM telemetry.raw_events",
            "SELECT * FROM telemetry_admin.released_groups",
            "SELECT * FROM telemetry_admin.bounded_contributions(now(), 2, 5, 2000)",
            "SELECT telemetry_admin.discrete_laplace(1, 1)",
            "CALL telemetry_admin.release_closed_hours()",
            "SELECT * FROM telemetry_admin.dblink('telemetry_peer_india', 'SELECT 1') AS t (one integer)",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                writer.execute(forbidden.encode())
            writer.rollback()
        # The peer link holds no password, and its options are hidden from everyone but superusers.
        assert writer.execute("SELECT umoptions FROM pg_user_mappings").fetchall() == [(None,)]
    mesh.identifiers["eu"].update({"eu-subject-writer", "eu-device-writer"})


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
    hour = mesh.hour(70)
    insert_raw(mesh, "eu", hour, "identity", subjects=SURELY_KEPT)
    mesh.regions["eu"].release_hours(hour, 1, EXACT)
    assert services_at(mesh, "eu", hour).keys() == {"identity"}
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
            assert tuple(names) == telemetry_sql.RELEASE_COLUMNS

    # Everything the peer could ever hold: every row of every database on both India servers, and every file
    # of their data directories (WAL included).
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
    hour = mesh.hour(80)
    insert_raw(mesh, "india", hour, "timezone", subjects=SURELY_KEPT)
    statement = telemetry_sql.release_statement(EXACT, grace_minutes=0, lookback_hours=1)
    with mesh.regions["india"].store.connect(STORE_DATABASE) as connection:
        connection.execute("SET timezone = 'Asia/Kolkata'")
        connection.execute(statement.replace(");", ", as_of => %s);").encode(), [hour + timedelta(hours=1)])
    assert services_at(mesh, "india", hour).keys() == {"timezone"}


def test_no_password_reaches_a_server_log_or_pg_stat_statements(mesh: Mesh) -> None:
    secrets = [password.split("'")[0] for r in mesh.regions.values() for password in r.passwords.values()]
    for server, _ in all_servers(mesh.regions):
        log = server.log_file.read_text()
        assert "statement: CREATE TABLE" in log  # every statement is logged
        assert [secret for secret in secrets if secret in log] == [], server.name
        server.query("postgres", "CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        statements = "\n".join(
            row[0] for row in server.query("postgres", "SELECT query FROM pg_stat_statements")
        )
        assert "schema_migrations" in statements
        assert [secret for secret in secrets if secret in statements] == [], server.name


def test_jobs_fail_loudly_without_their_variables_or_with_a_wrong_region(mesh: Mesh) -> None:
    eu, india = mesh.regions["eu"], mesh.regions["india"]
    with pytest.raises(RuntimeError, match="belongs to region eu, not india"):
        eu.exchange.psql(
            EXCHANGE_DATABASE,
            telemetry_sql.exchange_job_script(),
            telemetry_sql.exchange_variables("india", [], eu.vocabulary),
        )
    # A Job rendered without the vocabulary stops at its first line.
    with pytest.raises(RuntimeError, match="psql variable services is not set"):
        eu.exchange.psql(
            EXCHANGE_DATABASE,
            telemetry_sql.exchange_job_script(),
            telemetry_sql.exchange_variables("eu", ["india"]),
        )
    with pytest.raises(RuntimeError, match="peer eu must be another region"):
        eu.store.psql(
            STORE_DATABASE,
            telemetry_sql.peer_link_script(),
            telemetry_sql.peer_link_variables(eu.peer_link(eu)),
        )
    missing = telemetry_sql.peer_link_variables(
        dataclasses.replace(eu.peer_link(india), server_ca_file="/nonexistent/peer-ca.crt")
    )
    with pytest.raises(RuntimeError, match=r"/nonexistent/peer-ca\.crt"):
        eu.store.psql(STORE_DATABASE, telemetry_sql.peer_link_script(), missing)
    with pytest.raises(RuntimeError, match="psql variable peer_host is not set"):
        variables = {
            k: v
            for k, v in telemetry_sql.peer_link_variables(eu.peer_link(india)).items()
            if k != "peer_host"
        }
        eu.store.psql(STORE_DATABASE, telemetry_sql.peer_link_script(), variables)
