"""The release's rollup (telemetry.subject_hours, migration 0005) against a recount from raw rows.

The rollup is kept by triggers on telemetry.raw_events; the release reads it instead of grouping raw rows
again. Every test here compares it with what raw_events says: the rollup's rows with a GROUP BY over raw rows,
and the bounded contributions it yields with bounded_contributions_from_raw (the reviewed reference, the body
from before the rollup), after rows trickle in, arrive late, are updated, erased, truncated, written by
concurrent writers, written with the triggers disabled, and after release and retention. Latencies are whole
or half milliseconds, so that sums of doubles are exact in any order and values compare exactly.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from typing import Any

import psycopg
import pytest

from tests.telemetry_sql.conftest import Mesh, Row, insert_rows
from tests.telemetry_sql.servers import STORE_DATABASE, PostgresServer, wait_until

# (max_groups_per_subject, max_events_per_group, latency_bound_ms): the defaults, and bounds that make every
# branch of the bounding bite (one group, one event, a latency bound below most latencies).
BOUNDS = [(2, 5, 2000), (1, 1, 1), (1, 3, 250), (10, 100, 60000), (3, 2, 120)]
SERVICES = [
    "checkout",
    "Checkout ",
    "search",
    "payments",
    "ip-198-51-100-77",
    "feed",
    "\uff46\uff45\uff45\uff44",
]

RECOUNT = """
SELECT date_trunc('hour', e.observed_at, 'UTC'), e.subject_key,
       count(DISTINCT (e.service, e.metric)) > 1,
       CASE WHEN count(DISTINCT (e.service, e.metric)) = 1 THEN min(e.service) END,
       CASE WHEN count(DISTINCT (e.service, e.metric)) = 1 THEN min(e.metric) END,
       count(*), count(*) FILTER (WHERE e.is_error), sum(e.latency_ms), max(e.latency_ms)
FROM telemetry.raw_events AS e
WHERE e.observed_at >= %(first)s AND e.observed_at < %(first)s + %(hours)s * interval '1 hour'
  AND NOT EXISTS (SELECT 1 FROM telemetry_admin.released_hours AS r
                  WHERE r.bucket_start = date_trunc('hour', e.observed_at, 'UTC'))
GROUP BY 1, 2 ORDER BY 1, 2
"""
ROLLUP = """
SELECT h.bucket_start, h.subject_key, h.several_spellings,
       CASE WHEN NOT h.several_spellings THEN h.service END,
       CASE WHEN NOT h.several_spellings THEN h.metric END,
       h.events, h.errors, h.latency_ms_sum, h.latency_ms_max
FROM telemetry.subject_hours AS h
WHERE h.bucket_start >= %(first)s AND h.bucket_start < %(first)s + %(hours)s * interval '1 hour'
ORDER BY 1, 2
"""


def rollup_and_recount(store: PostgresServer, first: datetime, hours: int) -> tuple[list[Any], list[Any]]:
    """The rollup's rows for the hours, and the same rows recounted from raw_events."""
    parameters = {"first": first, "hours": hours}
    with store.connect(STORE_DATABASE) as connection:
        rollup = connection.execute(ROLLUP.encode(), parameters).fetchall()
        recount = connection.execute(RECOUNT.encode(), parameters).fetchall()
    return rollup, recount


def contributions(store: PostgresServer, function: str, hour: datetime, bounds: tuple[int, int, int]) -> Any:
    """One bounded-contributions function's rows for an hour, in a stable order."""
    return store.query(
        STORE_DATABASE,
        f"SELECT * FROM telemetry_admin.{function}(%s, %s, %s, %s) ORDER BY service, metric",
        [hour, *bounds],
    )


def from_rollup(store: PostgresServer, hour: datetime, bounds: tuple[int, int, int]) -> Any:
    """The rollup path alone (empty when the rollup does not account for every raw row of the hour)."""
    raw_rows = store.query(
        STORE_DATABASE,
        "SELECT count(*) FROM telemetry.raw_events WHERE observed_at >= %s AND observed_at < %s",
        [hour, hour + timedelta(hours=1)],
    )[0][0]
    return store.query(
        STORE_DATABASE,
        "SELECT * FROM telemetry_admin.bounded_contributions_from_rollup(%s, %s, %s, %s, %s)"
        " ORDER BY service, metric",
        [hour, *bounds, raw_rows],
    )


def assert_rollup_is_exact(store: PostgresServer, first: datetime, hours: int) -> None:
    """The rollup equals the recount, and every hour's contributions from it equal the reference's."""
    rollup, recount = rollup_and_recount(store, first, hours)
    assert rollup == recount
    for offset in range(hours):
        hour = first + timedelta(hours=offset)
        for bounds in BOUNDS:
            reference = contributions(store, "bounded_contributions_from_raw", hour, bounds)
            assert from_rollup(store, hour, bounds) == reference, (hour, bounds)
            assert contributions(store, "bounded_contributions", hour, bounds) == reference, (hour, bounds)


def mixed_rows(hour: datetime, tag: str, count: int) -> list[Row]:
    """Subjects with one spelling, several spellings of one group, several groups, unknown and
    identifier-shaped services, errors, latencies above every bound, and spelling variants of one id."""
    rows: list[Row] = []
    for number in range(count):
        subject = f"{tag}-{number}" if number % 7 else f" {tag.upper()}-{number}\u200b"
        spellings = SERVICES[: 1 + number % len(SERVICES)] if number % 3 == 0 else [SERVICES[number % 4]]
        for event in range(1 + number % 9):
            service = spellings[event % len(spellings)]
            latency = float((number * 37 + event * 101) % 3000) + (0.5 if event % 2 else 0.0)
            rows.append(
                (
                    hour + timedelta(minutes=(number + event) % 60, seconds=event),
                    subject,
                    service,
                    latency,
                    (number + event) % 4 == 0,
                )
            )
    return rows


def test_rows_trickling_in_one_by_one_and_in_batches_keep_the_rollup_exact(mesh: Mesh) -> None:
    eu = mesh.regions["eu"]
    first = mesh.hour(800)
    rows = mixed_rows(first, "trickle", 120) + mixed_rows(first + timedelta(hours=1), "trickle", 60)
    # One statement per row (executemany), then the same subjects again in one batch statement per hour, with
    # new spellings: a subject gains its second spelling in a later statement than its first.
    insert_rows(eu, rows[:200])
    for hour in (first, first + timedelta(hours=1)):
        with eu.store.connect(STORE_DATABASE) as connection:
            connection.execute(
                b"INSERT INTO telemetry.raw_events (observed_at, subject_id, device_id, service, metric,"
                b" latency_ms, is_error)"
                b" SELECT %s + i * interval '7 seconds', 'trickle-' || (i %% 40), 'device', "
                b" (ARRAY['search', 'checkout', 'maps'])[1 + i %% 3], CASE WHEN i %% 5 = 0 THEN 'login' ELSE"
                b" 'request' END, i * 11.5, i %% 6 = 0 FROM generate_series(1, 300) AS i",
                [hour],
            )
    insert_rows(eu, rows[200:], metric="login")
    assert_rollup_is_exact(eu.store, first, 2)


def test_late_rows_join_an_open_hour_and_never_a_released_one(mesh: Mesh) -> None:
    eu = mesh.regions["eu"]
    first = mesh.hour(810)
    insert_rows(eu, mixed_rows(first, "late", 80) + mixed_rows(first + timedelta(hours=1), "late", 80))
    assert_rollup_is_exact(eu.store, first, 2)
    assert eu.release_hours(first, 1) == 1
    released_rollup = eu.store.query(STORE_DATABASE, ROLLUP, {"first": first, "hours": 1})  # type: ignore[arg-type]
    assert released_rollup
    # Late rows: for the released hour (added to nothing) and for the open one (counted).
    insert_rows(eu, mixed_rows(first + timedelta(minutes=30), "late-again", 40))
    insert_rows(eu, mixed_rows(first + timedelta(hours=1, minutes=30), "late-again", 40))
    assert eu.store.query(STORE_DATABASE, ROLLUP, {"first": first, "hours": 1}) == released_rollup  # type: ignore[arg-type]
    assert_rollup_is_exact(eu.store, first + timedelta(hours=1), 1)


def test_erasure_and_updates_recount_the_subjects_they_touch(mesh: Mesh) -> None:
    eu = mesh.regions["eu"]
    first = mesh.hour(820)
    insert_rows(eu, mixed_rows(first, "erase", 90) + mixed_rows(first + timedelta(hours=1), "erase", 90))
    statements = [
        # GDPR erasure of one person, whatever spelling of its id the services sent.
        "DELETE FROM telemetry.raw_events WHERE subject_key = 'erase-0'",
        "DELETE FROM telemetry.raw_events WHERE subject_id = 'erase-5'"
        " AND observed_at < %(first)s + interval '1 hour'",
        # Corrections: a service renamed, a row moved to the next hour, a row given to another subject.
        "UPDATE telemetry.raw_events SET service = 'search'"
        " WHERE subject_id = 'erase-3' AND service = 'Checkout '",
        "UPDATE telemetry.raw_events SET observed_at = observed_at + interval '1 hour'"
        " WHERE subject_id = 'erase-4' AND observed_at < %(first)s + interval '1 hour'",
        "UPDATE telemetry.raw_events SET subject_id = 'erase-8', latency_ms = 5000"
        " WHERE subject_id = 'erase-10'",
        "UPDATE telemetry.raw_events SET is_error = NOT is_error"
        " WHERE observed_at >= %(first)s AND observed_at < %(first)s + interval '2 hours'"
        " AND latency_ms < 300",
    ]
    for statement in statements:
        eu.store.query(STORE_DATABASE, statement, {"first": first})  # type: ignore[arg-type]
        assert_rollup_is_exact(eu.store, first, 2)
    erased = eu.store.query(
        STORE_DATABASE,
        "SELECT count(*) FROM telemetry.subject_hours WHERE subject_key IN ('erase-0', 'erase-10')",
    )
    assert erased == [(0,)]


def test_a_truncate_empties_the_rollup(mesh: Mesh) -> None:
    eu = mesh.regions["eu"]
    first = mesh.hour(830)
    insert_rows(eu, mixed_rows(first, "truncate", 30))
    # Inside a transaction that is rolled back: the other tests' rows stay.
    with psycopg.connect(eu.store.superuser_conninfo(STORE_DATABASE)) as connection:
        connection.execute("TRUNCATE telemetry.raw_events")
        assert connection.execute("SELECT count(*) FROM telemetry.subject_hours").fetchall() == [(0,)]
        connection.rollback()
    assert_rollup_is_exact(eu.store, first, 1)


def test_concurrent_writers_and_an_erasure_keep_the_rollup_exact(mesh: Mesh) -> None:
    eu = mesh.regions["eu"]
    first = mesh.hour(840)
    failures: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            with eu.store.connect(STORE_DATABASE) as connection:
                for batch in range(25):
                    # Every writer writes the same 30 subjects in both hours, each with its own spellings,
                    # so that the upserts of different writers meet on the same rows.
                    connection.execute(
                        b"INSERT INTO telemetry.raw_events (observed_at, subject_id, device_id, service,"
                        b" latency_ms, is_error)"
                        b" SELECT %s + ((i * 13 + %s) %% 7200) * interval '1 second',"
                        b" CASE WHEN i %% 2 = 0 THEN 'Race-' ELSE 'race-' END || (i %% 30), 'device',"
                        b" (ARRAY['checkout', 'search', 'Checkout', 'other-thing'])[1 + (i + %s) %% 4],"
                        b" (i * 7 %% 2500) + 0.5, i %% 5 = 0 FROM generate_series(1, 40) AS i",
                        [first, batch * 40 + number, number],
                    )
        except BaseException as error:  # reported by the main thread
            failures.append(error)

    def eraser() -> None:
        try:
            with eu.store.connect(STORE_DATABASE) as connection:
                for _ in range(5):
                    connection.execute("DELETE FROM telemetry.raw_events WHERE subject_key = 'race-7'")
                    connection.execute(
                        "UPDATE telemetry.raw_events SET service = 'feed' WHERE subject_key = 'race-11'"
                        " AND observed_at >= %s AND observed_at < %s",
                        [first, first + timedelta(hours=2)],
                    )
        except BaseException as error:  # reported by the main thread
            failures.append(error)

    threads = [threading.Thread(target=writer, args=(number,)) for number in range(4)]
    threads.append(threading.Thread(target=eraser))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not failures, failures
    written = eu.store.query(
        STORE_DATABASE,
        "SELECT count(*) FROM telemetry.raw_events WHERE observed_at >= %s AND observed_at < %s",
        [first, first + timedelta(hours=2)],
    )[0][0]
    assert written > 3000
    assert_rollup_is_exact(eu.store, first, 2)


def test_rows_the_triggers_never_saw_make_the_release_count_from_raw_rows(mesh: Mesh) -> None:
    eu = mesh.regions["eu"]
    hour = mesh.hour(850)
    insert_rows(eu, mixed_rows(hour, "unseen", 50))
    # A superuser writes rows with every trigger off (as a restore or a replica apply would).
    with eu.store.connect(STORE_DATABASE) as connection:
        connection.execute("SET session_replication_role = replica")
        connection.execute(
            "INSERT INTO telemetry.raw_events (observed_at, subject_id, device_id, service, latency_ms)"
            " VALUES (%s, 'unseen-0', 'device', 'checkout', 10), (%s, 'unseen-new', 'device', 'search', 20)",
            [hour, hour],
        )
    warnings: list[str] = []
    with eu.store.connect(STORE_DATABASE) as connection:
        connection.add_notice_handler(lambda notice: warnings.append(notice.message_primary or ""))
        counted = connection.execute(
            "SELECT * FROM telemetry_admin.bounded_contributions(%s, 2, 5, 2000) ORDER BY service, metric",
            [hour],
        ).fetchall()
    assert counted == contributions(eu.store, "bounded_contributions_from_raw", hour, (2, 5, 2000))
    assert from_rollup(eu.store, hour, (2, 5, 2000)) == []
    assert any("does not account for the" in warning for warning in warnings), warnings


def test_rows_older_than_the_oldest_raw_row_leave_the_rollup_at_the_next_release(mesh: Mesh) -> None:
    eu = mesh.regions["eu"]
    oldest, released = mesh.hour(5000), mesh.hour(860)
    insert_rows(eu, mixed_rows(oldest, "retention", 20) + mixed_rows(released, "retention", 20))
    # Retention drops the oldest raw rows without firing a DELETE trigger (as TimescaleDB's drop_chunks does).
    with eu.store.connect(STORE_DATABASE) as connection, connection.transaction():
        connection.execute("ALTER TABLE telemetry.raw_events DISABLE TRIGGER raw_events_recount_deleted")
        connection.execute(
            "DELETE FROM telemetry.raw_events WHERE observed_at < %s", [oldest + timedelta(hours=1)]
        )
        connection.execute("ALTER TABLE telemetry.raw_events ENABLE TRIGGER raw_events_recount_deleted")
    assert rollup_and_recount(eu.store, oldest, 1)[0] != []
    assert eu.release_hours(released, 1) == 1
    assert rollup_and_recount(eu.store, oldest, 1) == ([], [])


def test_only_superusers_can_read_the_rollup_or_call_its_functions(mesh: Mesh) -> None:
    rows = mesh.regions["eu"].store.query(
        STORE_DATABASE,
        "SELECT p.proname FROM pg_proc AS p"
        " WHERE p.pronamespace IN ('telemetry'::regnamespace, 'telemetry_admin'::regnamespace)"
        "   AND (p.proname LIKE '%%subject_hours%%' OR p.proname LIKE 'bounded_contributions%%')"
        "   AND has_function_privilege('telemetry_writer', p.oid, 'EXECUTE')",
    )
    assert rows == []
    privileges = mesh.regions["eu"].store.query(
        STORE_DATABASE,
        "SELECT has_table_privilege(r.rolname, 'telemetry.subject_hours', 'SELECT, INSERT, UPDATE, DELETE')"
        # The predefined pg_read_all_data / pg_write_all_data read and write everything by design; nobody is
        # their member here, and membership is the superuser's to grant.
        " FROM pg_roles AS r WHERE NOT r.rolsuper AND r.rolname !~ '^pg_'",
    )
    assert privileges and not any(granted for (granted,) in privileges)


@pytest.mark.parametrize(
    "statement", ["SELECT * FROM telemetry.subject_hours", "TRUNCATE telemetry.subject_hours"]
)
def test_the_writer_role_reaches_the_rollup_only_through_its_trigger(mesh: Mesh, statement: str) -> None:
    eu = mesh.regions["eu"]
    with eu.store.connect(STORE_DATABASE) as connection:
        connection.execute("SET ROLE telemetry_writer")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            connection.execute(statement)


def test_the_writer_roles_inserts_reach_the_rollup(mesh: Mesh) -> None:
    eu = mesh.regions["eu"]
    hour = mesh.hour(870)
    with eu.store.connect(STORE_DATABASE) as connection:
        connection.execute("SET ROLE telemetry_writer")
        connection.execute(
            "INSERT INTO telemetry.raw_events (observed_at, subject_id, device_id, service, latency_ms)"
            " SELECT %s + i * interval '1 second', 'writer-' || (i %% 3), 'device', 'checkout', i"
            " FROM generate_series(1, 12) AS i",
            [hour],
        )
    assert len(rollup_and_recount(eu.store, hour, 1)[0]) == 3
    assert_rollup_is_exact(eu.store, hour, 1)


def test_an_update_racing_a_writer_on_the_same_subject_and_hour_waits_and_stays_exact(mesh: Mesh) -> None:
    eu = mesh.regions["eu"]
    first = mesh.hour(880)
    moved_to = first + timedelta(hours=1)
    insert_rows(eu, [(first + timedelta(minutes=1), "racer", "checkout", 10.0, False)])
    failures: list[BaseException] = []
    with psycopg.connect(eu.store.superuser_conninfo(STORE_DATABASE)) as writer:
        # The writer's first row of the subject in the next hour, not yet committed: its rollup row is new.
        writer.execute(
            "INSERT INTO telemetry.raw_events (observed_at, subject_id, device_id, service, latency_ms)"
            " VALUES (%s, 'racer', 'device', 'search', 20)",
            [moved_to + timedelta(minutes=2)],
        )

        def correction() -> None:
            try:
                # Moves the subject's row into that hour: the recount must count it beside the writer's row.
                eu.store.query(
                    STORE_DATABASE,
                    "UPDATE telemetry.raw_events SET observed_at = observed_at + interval '1 hour'"
                    " WHERE subject_id = 'racer' AND observed_at < %s",
                    [moved_to],
                )
            except BaseException as error:  # reported by the main thread
                failures.append(error)

        thread = threading.Thread(target=correction)
        thread.start()
        # Commit the writer only once the correction waits for it (on the rollup's lock, or on its row).
        waiting = (
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE wait_event_type = 'Lock' AND query LIKE 'UPDATE%%racer%%'"
        )
        wait_until(lambda: eu.store.query(STORE_DATABASE, waiting)[0][0] == 1, 30)
        writer.commit()
        thread.join(timeout=60)
    assert not failures, failures
    assert_rollup_is_exact(eu.store, first, 2)
    assert rollup_and_recount(eu.store, moved_to, 1)[0][0][5] == 2
