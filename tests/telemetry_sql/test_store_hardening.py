"""Red team 2's attacks around the release (not on its mechanism): spellings, roles, timing, hangs, restores.

Each test plays what /work/redteam/telemetry2/FINDINGS.md describes, on the mesh's real servers, and failed on
the SQL before the fix it names.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import socket
import subprocess
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

import psycopg
import pytest

import components.telemetry_sql as telemetry_sql
from tests.telemetry_sql import servers as testing
from tests.telemetry_sql.conftest import EXACT, SURELY_KEPT, Mesh, Row, inbox_rows, insert_rows, ledger_rows
from tests.telemetry_sql.servers import EXCHANGE_DATABASE, STORE_DATABASE, PostgresServer, Region

INVISIBLE = (
    "\u202a",
    "\u202e",
    "\u2066",
    "\u2069",
    "\u034f",
    "\u061c",
    "\u180e",
    "\u2061",
    "\u2064",
    "\ufe00",
    "\ufe0f",
    "\U000e0001",
    "\U000e0061",
    "\U000e007f",
    "\u115f",
    "\u1160",
    "\u3164",
    "\uffa0",
    "\u17b4",
    "\U0001bca0",
    "\U0001d173",
    "\u00ad",
    "\u200b",
    "\u200d",
    "\u2060",
    "\ufeff",
    "\U000e0100",
)
"""Default_Ignorable_Code_Points from every range of the property (finding 4's list and more)."""


def test_invisible_characters_and_runs_of_spaces_give_one_subject_one_key(mesh: Mesh) -> None:
    hour = mesh.hour(900)
    spellings = ["alice martin"]
    spellings += [f"alice{mark} martin" for mark in INVISIBLE]
    spellings += [f"{mark}Alice Martin{mark}" for mark in INVISIBLE[:8]]
    spellings += [
        "alice  martin",
        "alice\t martin",
        "alice\u3000martin",
        "alice\u2003\u2003martin",
        "alice\u1680martin",
        "alice\u2028martin",
        " ALICE \n MARTIN ",
    ]
    rows: list[Row] = [
        (hour + timedelta(minutes=3, seconds=i), s, "feed", 10.0, False) for i, s in enumerate(spellings)
    ]
    insert_rows(mesh.regions["eu"], rows)
    keys = mesh.regions["eu"].store.query(
        STORE_DATABASE,
        "SELECT DISTINCT subject_key FROM telemetry.raw_events"
        " WHERE observed_at >= %s AND observed_at < %s + interval '1 hour'",
        [hour, hour],
    )
    assert keys == [("alice martin",)], keys
    counted = mesh.regions["eu"].store.query(
        STORE_DATABASE,
        "SELECT subjects, events FROM telemetry_admin.bounded_contributions(%s, 2, 5, 2000)"
        " WHERE service = 'feed'",
        [hour],
    )
    assert counted == [(1, telemetry_sql.DEFAULT_MAX_EVENTS_PER_GROUP)], counted


@pytest.mark.parametrize(
    "subject",
    [
        "alice\u0007",  # a control character
        "alice\u0600",  # a format character that is not default-ignorable (Arabic number sign)
        "alice\ue000",  # private use: a font may draw it as nothing
        "alice\U000f0001",  # supplementary private use
        "alice\U0010ffff",  # a noncharacter
        "alice\u0378",  # unassigned: its meaning may change with the next Unicode version
    ],
)
def test_a_subject_id_outside_the_strict_character_set_is_refused_at_insert(mesh: Mesh, subject: str) -> None:
    row: Row = (mesh.hour(901), subject, "feed", 10.0, False)
    with pytest.raises(psycopg.errors.CheckViolation, match="raw_events_subject_key_strict"):
        insert_rows(mesh.regions["eu"], [row])


def test_ordinary_ids_of_every_script_are_kept_as_they_are(mesh: Mesh) -> None:
    hour = mesh.hour(902)
    ids = ["Ananya.Sharma@example.in", "अनन्या शर्मा", "josé-maría_1983", "田中 太郎", "user+tag@example.org"]
    insert_rows(
        mesh.regions["eu"], [(hour + timedelta(minutes=i), s, "feed", 1.0, False) for i, s in enumerate(ids)]
    )
    keys = mesh.regions["eu"].store.query(
        STORE_DATABASE,
        "SELECT subject_key FROM telemetry.raw_events"
        " WHERE observed_at >= %s AND observed_at < %s + interval '1 hour' ORDER BY observed_at",
        [hour, hour],
    )
    assert [key for (key,) in keys] == [s.lower() for s in ids]


FORBIDDEN_TO_EVERY_ORDINARY_ROLE = (
    "SELECT query FROM pg_stat_activity",
    "SELECT pg_stat_get_backend_activity(s) FROM pg_stat_get_backend_idset() AS s",
    "SELECT relname, n_tup_ins FROM pg_stat_user_tables",
    "SELECT relname, n_tup_ins FROM pg_stat_xact_all_tables",
    "SELECT relname, heap_blks_read FROM pg_statio_user_tables",
    "SELECT lo_from_bytea(0, 'stored outside the release')",
    "SELECT lo_creat(-1)",
    "SELECT lo_create(0)",
    "SELECT pg_notify('channel', 'message')",
    "SELECT pg_advisory_lock(1)",
    "SELECT pg_try_advisory_xact_lock(1)",
    "CREATE TEMPORARY TABLE scratch (x integer)",
)
"""What a compromised service or a hostile peer did on our servers with the roles it logs in as."""


def _writer(region: Region, service: str = "checkout") -> psycopg.Connection[tuple[object, ...]]:
    return region.writer(service)


def _inbox(source: Region, target: Region) -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(
        target.exchange.tcp_conninfo(
            EXCHANGE_DATABASE,
            telemetry_sql.inbox_role(source.name),
            sslcert=str(source.store.directory / "client.crt"),
            sslkey=str(source.store.directory / "client.key"),
        )
    )


def test_a_writer_cannot_see_other_services_statements_or_the_raw_tables_counters(mesh: Mesh) -> None:
    eu = mesh.regions["eu"]
    with _writer(eu, "checkout") as victim, _writer(eu, "search") as attacker:
        # A driver that interpolates parameters sends the raw values as literals; the session then idles.
        victim.execute(
            "INSERT INTO telemetry.raw_events (observed_at, subject_id, device_id, service, latency_ms)"
            " VALUES (now() + interval '2 days', 'eu-subject-inlined', 'eu-device-inlined', 'feed', 1)"
        )
        victim.commit()
        mesh.identifiers["eu"].update({"eu-subject-inlined", "eu-device-inlined"})
        for forbidden in FORBIDDEN_TO_EVERY_ORDINARY_ROLE:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                attacker.execute(forbidden.encode())
            attacker.rollback()
        # Not even a superuser (or a monitoring role) sees the writer's statement text: it is never published.
        activity = eu.store.query(
            STORE_DATABASE, "SELECT coalesce(string_agg(query, ' '), '') FROM pg_stat_activity"
        )
        assert "eu-subject-inlined" not in activity[0][0]
        assert attacker.execute("SHOW track_activities").fetchall() == [("off",)]
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            attacker.execute("SET track_activities = on")


def test_settings_a_shared_role_gives_itself_are_gone_after_the_next_deploy(mesh: Mesh) -> None:
    eu, india = mesh.regions["eu"], mesh.regions["india"]
    with _writer(eu) as attacker:
        attacker.execute("ALTER ROLE CURRENT_USER SET default_transaction_read_only = on")
        attacker.execute(f"ALTER ROLE CURRENT_USER IN DATABASE {STORE_DATABASE} SET statement_timeout = 1")
        attacker.commit()
    with _inbox(india, eu) as peer:
        peer.execute("ALTER ROLE CURRENT_USER SET statement_timeout = 1")
        peer.commit()
    eu.apply_store()
    eu.apply_exchange(["india"])
    for server, database, role in (
        (eu.store, STORE_DATABASE, telemetry_sql.writer_role("checkout")),
        (eu.exchange, EXCHANGE_DATABASE, telemetry_sql.inbox_role("india")),
    ):
        settings = server.query(
            database,
            "SELECT s.setconfig FROM pg_db_role_setting AS s JOIN pg_roles AS r ON r.oid = s.setrole"
            " WHERE r.rolname = %s",
            [role],
        )
        expected = [(["track_activities=off"],)] if server is eu.store else []
        assert settings == expected, (server.name, settings)
    with _writer(eu) as writer:
        writer.execute(
            "INSERT INTO telemetry.raw_events (observed_at, subject_id, device_id, service, latency_ms)"
            " VALUES (now() + interval '2 days', 'eu-subject-after-reset', 'eu-device-after-reset',"
            " 'feed', 1)"
        )
        writer.commit()
    mesh.identifiers["eu"].update({"eu-subject-after-reset", "eu-device-after-reset"})


def test_the_peers_role_stores_nothing_and_signals_nothing_outside_its_inbox(mesh: Mesh) -> None:
    eu, india = mesh.regions["eu"], mesh.regions["india"]
    with _inbox(india, eu) as peer:
        for forbidden in FORBIDDEN_TO_EVERY_ORDINARY_ROLE:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                peer.execute(forbidden.encode())
            peer.rollback()
    # A large object left from before the revocation goes at the next deploy.
    eu.exchange.query(EXCHANGE_DATABASE, "SELECT lo_from_bytea(0, 'left behind')")
    eu.apply_exchange(["india"])
    assert eu.exchange.query(EXCHANGE_DATABASE, "SELECT count(*) FROM pg_largeobject_metadata") == [(0,)]


def _to_ledger(region: Region, hour: datetime) -> int:
    """The release CronJob split from the push: release exactly `hour` into the ledger, push nothing."""
    statement = telemetry_sql.release_statement(EXACT, 0, 1, push=False).replace(");", ", as_of => %s);")
    with region.store.connect(STORE_DATABASE) as connection:
        row = connection.execute(statement.encode(), [hour + timedelta(hours=1)]).fetchone()
    assert row is not None
    return int(row[0])


def _push(region: Region, timeout_seconds: int = 30, **session: str) -> None:
    """The push CronJob once, from a session with the given settings."""
    with region.store.connect(STORE_DATABASE) as connection:
        for name, value in session.items():
            connection.execute(b"SELECT set_config(%s, %s, false)", [name, value])
        connection.execute(telemetry_sql.push_statement(1, timeout_seconds).encode())


def _orders(mesh: Mesh, hour: datetime, prefix: str) -> None:
    insert_rows(
        mesh.regions["eu"],
        [(hour + timedelta(minutes=11), f"{prefix}-{n}", "orders", 100.0, False) for n in range(SURELY_KEPT)],
    )


def test_the_push_reads_only_the_ledger_and_runs_apart_from_the_release(mesh: Mesh) -> None:
    eu, india = mesh.regions["eu"], mesh.regions["india"]
    hour = mesh.hour(920)
    _orders(mesh, hour, "apart")
    assert _to_ledger(eu, hour) == 1
    # The release alone sends nothing: the peer hears from us only when the push runs, on its own schedule.
    assert inbox_rows(india.exchange, "eu", hour, hour + timedelta(hours=1)) == []
    # With every raw table locked, the push still completes: its work never touches a raw row, so how long it
    # takes cannot depend on them.
    with eu.store.connect(STORE_DATABASE) as locker:
        locker.execute("BEGIN")
        locker.execute("LOCK TABLE telemetry.raw_events, telemetry.subject_hours IN ACCESS EXCLUSIVE MODE")
        _push(eu, lock_timeout="5s")
        locker.execute("ROLLBACK")
    received = inbox_rows(india.exchange, "eu", hour, hour + timedelta(hours=1))
    assert received == ledger_rows(eu, hour, hour + timedelta(hours=1)) != []


HANG = """
CREATE OR REPLACE FUNCTION exchange_admin.hang() RETURNS trigger LANGUAGE plpgsql
AS $$ BEGIN PERFORM pg_sleep(600); RETURN NEW; END $$;
CREATE TRIGGER hang BEFORE INSERT ON anonymised.telemetry_hourly_eu
    FOR EACH ROW EXECUTE FUNCTION exchange_admin.hang();
"""
"""What a hostile peer does on its own exchange: accept our push and never commit it."""


def test_a_peer_that_never_answers_costs_the_push_its_timeout_and_nothing_more(mesh: Mesh) -> None:
    eu, india = mesh.regions["eu"], mesh.regions["india"]
    hour = mesh.hour(930)
    _orders(mesh, hour, "hang")
    assert _to_ledger(eu, hour) == 1
    india.exchange.query(EXCHANGE_DATABASE, HANG)
    try:
        # The session's own limit is far above the push's timeout: a push that hung would be cancelled by it
        # (QueryCanceled), not fail by itself.
        with pytest.raises(psycopg.errors.ConnectionException, match="india: peer india did not answer"):
            _push(eu, timeout_seconds=2, statement_timeout="40s")
        assert eu.store.query(
            STORE_DATABASE, "SELECT count(*) FROM telemetry_admin.deliveries WHERE bucket_start = %s", [hour]
        ) == [(0,)]
    finally:
        india.exchange.query(
            EXCHANGE_DATABASE,
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE application_name = 'telemetry_release_eu'",
        )
        india.exchange.query(
            EXCHANGE_DATABASE,
            "DROP TRIGGER hang ON anonymised.telemetry_hourly_eu; DROP FUNCTION exchange_admin.hang()",
        )
    # The next run delivers the same values.
    _push(eu)
    assert inbox_rows(india.exchange, "eu", hour, hour + timedelta(hours=1)) == ledger_rows(
        eu, hour, hour + timedelta(hours=1)
    )


def test_one_silent_peer_does_not_stop_the_push_to_the_others(mesh: Mesh) -> None:
    eu, india = mesh.regions["eu"], mesh.regions["india"]
    hour = mesh.hour(940)
    _orders(mesh, hour, "silent")
    assert _to_ledger(eu, hour) == 1
    # A peer whose address accepts TCP connections and never says a word; it sorts before india.
    with socket.create_server(("127.0.0.1", 0)) as silent:
        link = dataclasses.replace(eu.peer_link(india), peer_region="blackhole", port=silent.getsockname()[1])
        eu.store.psql(
            STORE_DATABASE, telemetry_sql.peer_link_script(), telemetry_sql.peer_link_variables(link)
        )
        # The silent peer costs the push libpq's connect_timeout (10 s as deployed); 2 s shows the same.
        eu.store.query(
            STORE_DATABASE, "ALTER SERVER telemetry_peer_blackhole OPTIONS (SET connect_timeout '2')"
        )
        try:
            with pytest.raises(psycopg.errors.ConnectionException, match="blackhole: ") as failure:
                _push(eu, statement_timeout="60s")
            assert "india" not in str(failure.value)
        finally:
            eu.store.query(
                STORE_DATABASE,
                "DELETE FROM telemetry_admin.peers WHERE region = 'blackhole';"
                " DROP SERVER telemetry_peer_blackhole CASCADE",
            )
    assert (
        inbox_rows(india.exchange, "eu", hour, hour + timedelta(hours=1))
        == ledger_rows(eu, hour, hour + timedelta(hours=1))
        != []
    )


def _run(server: PostgresServer, *arguments: str) -> None:
    subprocess.run(
        [str(server.bindir / arguments[0]), *arguments[1:]],
        check=True,
        capture_output=True,
        env={"PGHOST": str(server.directory), "PGPORT": str(server.port), "PGUSER": testing.SUPERUSER},
    )


RESTORED = "telemetry_restored"


def test_a_store_restored_from_a_backup_refuses_to_release_again_until_the_runbook_step(
    mesh: Mesh, tmp_path: Path
) -> None:
    eu = mesh.regions["eu"]
    hour = mesh.hour(950)
    _orders(mesh, hour, "restore")
    # The nightly backup runs after the hour closed and before the CronJob released it.
    backup = tmp_path / "store.dump"
    os.chmod(tmp_path, 0o777)
    _run(eu.store, "pg_dump", "--format=custom", f"--file={backup}", STORE_DATABASE)
    assert _to_ledger(eu, hour) == 1
    # Disaster recovery: the store's database comes back from that backup (a new database here, the same
    # server), without its peers so that this test pushes nowhere.
    _run(eu.store, "createdb", RESTORED)
    try:
        _run(eu.store, "pg_restore", "--exit-on-error", f"--dbname={RESTORED}", str(backup))
        eu.store.query(RESTORED, "DELETE FROM telemetry_admin.peers")
        statement = telemetry_sql.release_statement(EXACT, 0, 1, push=False).replace(");", ", as_of => %s);")
        with eu.store.connect(RESTORED) as restored:
            with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState, match="restored or failed over"):
                restored.execute(statement.encode(), [hour + timedelta(hours=1)])
            assert restored.execute(
                b"SELECT count(*) FROM telemetry_admin.released_groups WHERE bucket_start = %s", [hour]
            ).fetchall() == [(0,)]
            # The runbook step: every hour up to the incident may have been released.
            restored.execute(
                b"CALL telemetry_admin.acknowledge_restore(released_through => %s)",
                [hour + timedelta(hours=1)],
            )
            row = restored.execute(statement.encode(), [hour + timedelta(hours=1)]).fetchone()
            assert row == (0,)
            assert restored.execute(
                b"SELECT tombstone, (SELECT count(*) FROM telemetry_admin.released_groups AS g"
                b" WHERE g.bucket_start = h.bucket_start) FROM telemetry_admin.released_hours AS h"
                b" WHERE bucket_start = %s",
                [hour],
            ).fetchall() == [(True, 0)]
            # Later hours release as before on the acknowledged incarnation.
            later = hour + timedelta(hours=1)
            restored.execute(
                b"INSERT INTO telemetry.raw_events (observed_at, subject_id, device_id, service, latency_ms)"
                b" SELECT %s::timestamptz + interval '5 minutes', 'later-' || n, 'device', 'orders', 1"
                b" FROM generate_series(1, 400) AS n",
                [later],
            )
            row = restored.execute(statement.encode(), [later + timedelta(hours=1)]).fetchone()
            assert row == (1,)
    finally:
        eu.store.query("postgres", f"DROP DATABASE IF EXISTS {RESTORED} WITH (FORCE)")


def _service_writer(region: Region, service: str, tmp_path: Path) -> psycopg.Connection[tuple[object, ...]]:
    """A service's own writer session: a client certificate from the region's CA, named after its role."""
    role = telemetry_sql.writer_role(service)
    certificate_file, key_file = region.writer_files(service)
    shutil.copy(certificate_file, tmp_path / f"{role}.crt")
    shutil.copy(key_file, tmp_path / f"{role}.key")
    return psycopg.connect(region.writer_conninfo(service))


def test_each_service_writes_with_its_own_role_and_loses_it_when_unlisted(mesh: Mesh, tmp_path: Path) -> None:
    eu = mesh.regions["eu"]
    eu.apply_store(writers=["checkout", "search"])
    try:
        with _service_writer(eu, "checkout", tmp_path) as checkout:
            checkout.execute(
                "INSERT INTO telemetry.raw_events (observed_at, subject_id, device_id, service, latency_ms)"
                " VALUES (now() + interval '2 days', 'eu-subject-checkout', 'eu-device-checkout',"
                " 'checkout', 1)"
            )
            checkout.commit()
            assert checkout.execute("SHOW track_activities").fetchall() == [("off",)]
            for forbidden in (
                "SELECT * FROM telemetry.raw_events",
                "SELECT query FROM pg_stat_activity",
                f"ALTER ROLE {telemetry_sql.WRITER_ROLE} SET statement_timeout = 1",
            ):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    checkout.execute(forbidden.encode())
                checkout.rollback()
        mesh.identifiers["eu"].update({"eu-subject-checkout", "eu-device-checkout"})
        # A certificate for one service's role is no way into another's.
        with pytest.raises(psycopg.OperationalError, match="certificate authentication failed"):
            role = telemetry_sql.writer_role("search")
            psycopg.connect(
                eu.store.tcp_conninfo(
                    STORE_DATABASE,
                    role,
                    sslcert=str(tmp_path / f"{telemetry_sql.writer_role('checkout')}.crt"),
                    sslkey=str(tmp_path / f"{telemetry_sql.writer_role('checkout')}.key"),
                )
            ).close()
    finally:
        # Unlisted, a service's role loses its login at the next deploy.
        eu.apply_store(writers=["search"])
    try:
        # No longer a member, pg_hba's +telemetry_writer line no longer admits it either.
        with pytest.raises(psycopg.OperationalError, match=r"no pg_hba\.conf entry|not permitted to log in"):
            _service_writer(eu, "checkout", tmp_path).close()
        members = eu.store.query(
            STORE_DATABASE,
            "SELECT r.rolname, r.rolcanlogin FROM pg_auth_members AS m JOIN pg_roles AS r ON r.oid = m.member"
            " WHERE m.roleid = %s::regrole ORDER BY 1",
            [telemetry_sql.WRITER_ROLE],
        )
        assert members == [(telemetry_sql.writer_role("search"), True)]
    finally:
        eu.apply_store()  # the other tests' writers again


def test_no_shared_writer_logs_in_and_only_the_regions_ca_vouches_for_a_service(mesh: Mesh) -> None:
    """Finding 1 and issue 9's "no shared secret": a store deployed with the shared writer password keeps
    no login for it after the next deploy, by password or by a certificate named after it; and a writer
    certificate the peer's CA issued (a hostile or compromised peer) is no way in."""
    eu, india = mesh.regions["eu"], mesh.regions["india"]
    # As the store Job set it before, from TELEMETRY_WRITER_PASSWORD.
    shared_password = "shared-writer-password"
    eu.store.query(
        STORE_DATABASE, f"ALTER ROLE {telemetry_sql.WRITER_ROLE} LOGIN PASSWORD '{shared_password}'"
    )
    eu.apply_store()
    login = eu.store.query(
        STORE_DATABASE,
        "SELECT rolcanlogin, rolpassword IS NULL FROM pg_authid WHERE rolname = %s",
        [telemetry_sql.WRITER_ROLE],
    )
    assert login == [(False, True)]
    with pytest.raises(psycopg.OperationalError, match=r"rejects connection|password authentication failed"):
        psycopg.connect(
            eu.store.tcp_conninfo(STORE_DATABASE, telemetry_sql.WRITER_ROLE, shared_password)
        ).close()
    # A certificate named after the shared role, from the region's own CA: pg_hba refuses the role first.
    certificate = eu.authority.issue(telemetry_sql.WRITER_ROLE, server=False)
    directory = Path(tempfile.mkdtemp(dir=eu.store.directory.parent))
    (directory / "c.crt").write_bytes(certificate[0])
    (directory / "c.key").write_bytes(certificate[1])
    (directory / "c.key").chmod(0o600)
    with pytest.raises(psycopg.OperationalError, match="rejects connection"):
        psycopg.connect(
            eu.store.tcp_conninfo(
                STORE_DATABASE,
                telemetry_sql.WRITER_ROLE,
                sslcert=str(directory / "c.crt"),
                sslkey=str(directory / "c.key"),
            )
        ).close()
    # checkout's role with a certificate from india's CA: the store trusts only eu's CA for clients.
    with pytest.raises(psycopg.OperationalError, match="unknown ca"):
        psycopg.connect(eu.writer_conninfo("checkout", authority=india.authority)).close()
    # The same service with eu's certificate gets in, and may only INSERT.
    with eu.writer("checkout") as checkout:
        assert checkout.info.parameter_status("session_authorization") == telemetry_sql.writer_role(
            "checkout"
        )
        granted = checkout.execute(
            "SELECT table_schema, table_name, privilege_type FROM information_schema.table_privileges"
            " WHERE grantee IN (current_user, %s)"
            " AND table_schema NOT IN ('pg_catalog', 'information_schema')"
            " ORDER BY 1, 2, 3",
            [telemetry_sql.WRITER_ROLE],
        ).fetchall()
        assert granted == [("telemetry", "raw_events", "INSERT")]
