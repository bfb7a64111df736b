"""TLS everywhere, verified, with no shared secret between the stacks: a path attacker on loopback.

Each region has its own CA (tests/telemetry_sql/servers.py). A recording proxy between eu's store and india's
exchange plays the attacker on the cross-region path: it sees only ciphertext, a downgrade ('N' to the TLS
request) stops the push before a byte of the release is sent, and an impostor with its own certificate is
refused. The Jobs, the writers and any client that skips TLS are held to the same rules.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import psycopg
import pytest

import components.telemetry_sql as telemetry_sql
from tests.telemetry_sql import servers as testing
from tests.telemetry_sql.conftest import EXACT, SURELY_KEPT, Mesh, inbox_rows, insert_raw
from tests.telemetry_sql.servers import EXCHANGE_DATABASE, STORE_DATABASE


@pytest.fixture
def relinked(mesh: Mesh) -> Iterator[Mesh]:
    """Give the test the mesh, and point eu's push straight at india's exchange again afterwards."""
    try:
        yield mesh
    finally:
        mesh.regions["eu"].link_to(mesh.regions["india"])


def test_a_recording_proxy_on_the_cross_region_path_sees_no_plaintext(relinked: Mesh) -> None:
    mesh = relinked
    eu, india = mesh.regions["eu"], mesh.regions["india"]
    hour = mesh.hour(600)
    insert_raw(mesh, "eu", hour, "checkout", subjects=SURELY_KEPT)
    with testing.RecordingProxy(india.exchange.port) as proxy:
        eu.link_to(india, port=proxy.port)
        assert eu.release_hours(hour, 1, EXACT) == 1
    received = inbox_rows(india.exchange, "eu", hour, hour + timedelta(hours=1))
    assert len(received) == 1
    recorded = proxy.recorded
    assert proxy.connections >= 1 and len(recorded) > 1000
    assert recorded.startswith(testing.SSL_REQUEST)
    # Not the statement, the table, the role, the database, a group's name or any of its values.
    values = [str(value).encode() for value in received[0][3:7]]
    for plaintext in (
        b"INSERT",
        b"telemetry_hourly",
        b"telemetry_inbox",
        b"telemetry_exchange",
        b"checkout",
        *values,
    ):
        assert plaintext not in recorded, plaintext


def test_a_downgrade_to_plaintext_stops_the_push_before_anything_is_sent(relinked: Mesh) -> None:
    mesh = relinked
    eu, india = mesh.regions["eu"], mesh.regions["india"]
    hour = mesh.hour(601)
    insert_raw(mesh, "eu", hour, "checkout", subjects=SURELY_KEPT)
    with testing.RecordingProxy(india.exchange.port, mode="refuse_tls") as proxy:
        eu.link_to(india, port=proxy.port)
        with pytest.raises(psycopg.errors.ConnectionException, match="server does not support SSL"):
            eu.release_hours(hour, 1, EXACT)
    assert proxy.connections >= 1
    # The client asked for TLS, was told no, and hung up: no startup packet, no role, no statement.
    assert proxy.recorded == testing.SSL_REQUEST * proxy.connections
    assert inbox_rows(india.exchange, "eu", hour, hour + timedelta(hours=1)) == []


def test_an_impostor_with_its_own_certificate_is_refused(relinked: Mesh) -> None:
    mesh = relinked
    eu, india = mesh.regions["eu"], mesh.regions["india"]
    hour = mesh.hour(602)
    insert_raw(mesh, "eu", hour, "checkout", subjects=SURELY_KEPT)
    with testing.RecordingProxy(india.exchange.port, mode="impostor") as proxy:
        eu.link_to(india, port=proxy.port)
        with pytest.raises(psycopg.errors.ConnectionException, match="certificate verify failed"):
            eu.release_hours(hour, 1, EXACT)
    assert proxy.connections >= 1
    assert b"INSERT" not in proxy.recorded and b"checkout" not in proxy.recorded
    # Once the real exchange answers again, the same values go through.
    eu.link_to(india)
    eu.release_hours(mesh.hour(603), 1, EXACT)
    assert len(inbox_rows(india.exchange, "eu", hour, hour + timedelta(hours=1))) == 1


def test_the_push_is_configured_for_verify_full_with_files_and_no_password(mesh: Mesh) -> None:
    options = mesh.regions["eu"].store.query(
        STORE_DATABASE,
        "SELECT s.srvoptions, m.umoptions FROM pg_foreign_server AS s"
        " JOIN pg_user_mappings AS m ON m.srvid = s.oid"
        " WHERE s.srvname = 'telemetry_peer_india'",
    )
    ((server_options, mapping_options),) = options
    settings = dict(option.split("=", 1) for option in server_options)
    assert settings["sslmode"] == "verify-full"
    assert settings["ssl_min_protocol_version"] == telemetry_sql.TLS_MIN_PROTOCOL
    assert {"sslrootcert", "sslcert", "sslkey"} <= settings.keys()
    assert mapping_options == ["user=telemetry_inbox_eu"]


def test_clients_refuse_a_server_whose_certificate_they_cannot_verify(mesh: Mesh) -> None:
    eu, india = mesh.regions["eu"], mesh.regions["india"]
    # india's CA did not issue eu's server certificate.
    with pytest.raises(psycopg.OperationalError, match="certificate verify failed"):
        psycopg.connect(
            eu.store.tcp_conninfo(
                STORE_DATABASE,
                telemetry_sql.writer_role("checkout"),
                sslrootcert=str(india.store.server_ca_file),
            )
        ).close()
    # The certificate names 127.0.0.1 and localhost, not another host.
    with pytest.raises(psycopg.OperationalError, match="does not match host name"):
        certificate_file, key_file = eu.writer_files("checkout")
        psycopg.connect(
            eu.store.tcp_conninfo(
                STORE_DATABASE,
                telemetry_sql.writer_role("checkout"),
                hostaddr="127.0.0.1",
                host="store.example",
                sslcert=str(certificate_file),
                sslkey=str(key_file),
            )
        ).close()
    # And a server without TLS: the writer's connection string never falls back to plaintext.
    with testing.RecordingProxy(eu.store.port, mode="refuse_tls") as proxy:
        certificate_file, key_file = eu.writer_files("checkout")
        conninfo = telemetry_sql.writer_conninfo(
            "127.0.0.1",
            STORE_DATABASE,
            str(eu.store.server_ca_file),
            proxy.port,
            "checkout",
            str(certificate_file),
            str(key_file),
        )
        with pytest.raises(psycopg.OperationalError, match="server does not support SSL"):
            psycopg.connect(conninfo).close()
    assert proxy.recorded == testing.SSL_REQUEST


def test_servers_refuse_every_connection_without_tls(mesh: Mesh) -> None:
    eu = mesh.regions["eu"]
    attempts = (
        (eu.store, STORE_DATABASE, telemetry_sql.writer_role("checkout"), "none"),
        (eu.store, STORE_DATABASE, testing.SUPERUSER, eu.passwords[testing.SUPERUSER]),
        (eu.exchange, EXCHANGE_DATABASE, telemetry_sql.inbox_role("india"), "none"),
        (eu.exchange, EXCHANGE_DATABASE, testing.SUPERUSER, eu.passwords[testing.SUPERUSER]),
    )
    for server, database, user, password in attempts:
        with pytest.raises(psycopg.OperationalError, match="no encryption"):
            psycopg.connect(server.tcp_conninfo(database, user, password, sslmode="disable")).close()
    # With TLS the writer gets in, through the connection string the SQL layer gives services.
    conninfo = eu.writer_conninfo("checkout")
    assert "sslmode='verify-full'" in conninfo and "password" not in conninfo
    with psycopg.connect(conninfo) as writer:
        # The server's view of the writer's connection (the writer itself may not read pg_stat_ssl: it lists
        # every session's TLS state).
        tls = eu.store.query(
            STORE_DATABASE, "SELECT ssl, version FROM pg_stat_ssl WHERE pid = %s", [writer.info.backend_pid]
        )
        assert tls == [(True, telemetry_sql.TLS_MIN_PROTOCOL)]


def test_the_jobs_run_over_verified_tls_and_stop_on_an_unverifiable_server(mesh: Mesh) -> None:
    eu, india = mesh.regions["eu"], mesh.regions["india"]
    environment = {"PGPASSWORD": eu.passwords[testing.SUPERUSER]}
    variables = telemetry_sql.store_job_variables(
        "eu", eu.vocabulary, require_timescaledb=False, writers=testing.TEST_WRITERS
    )
    eu.store.psql(STORE_DATABASE, telemetry_sql.store_job_script(), variables, environment, over_tls=True)
    wrong_ca = {**environment, "PGSSLROOTCERT": str(india.store.server_ca_file)}
    with pytest.raises(RuntimeError, match="certificate verify failed"):
        eu.store.psql(STORE_DATABASE, "SELECT 1;", {}, wrong_ca, over_tls=True)
    assert telemetry_sql.client_tls_environment("/ca.crt") == {
        "PGSSLMODE": "verify-full",
        "PGSSLROOTCERT": "/ca.crt",
        "PGSSLMINPROTOCOLVERSION": telemetry_sql.TLS_MIN_PROTOCOL,
    }
