"""The audit's inference attacks (issue 9), run against the release exactly as the peer region receives it.

Each test plays an attacker with the peer's access plus the power to write telemetry as subjects of its own,
with the production defaults of PrivacyParameters. Statistical tests repeat the release over R hours of
identical data and count "hits": releases from which the attacker recovers the victim's value to within a
quarter of the configured noise scale. On exact aggregates (the code before issue 9) every release is a hit.
Under the noise, hits are Binomial(R, p) with p at most P(|Z| < scale / 4) for a discrete Laplace Z (the
most an error can concentrate, whatever else the attacker knows), and the test allows the largest count
that such a binomial exceeds less than once in 10^6 runs.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

import psycopg
import pytest

import components.telemetry_sql as telemetry_sql
from tests.telemetry_sql.conftest import Mesh, Row, inbox_rows, insert_rows, ledger_rows, released
from tests.telemetry_sql.servers import EXCHANGE_DATABASE, STORE_DATABASE

REPEATS = 24
SPURIOUS_FAILURE = 1e-6
PRODUCTION = telemetry_sql.PrivacyParameters()
SCALES = {statistic: float(scale) for statistic, scale in PRODUCTION.noise_scales().items()}


def hits_bound(repeats: int, probability: float, spurious: float = SPURIOUS_FAILURE) -> int:
    """The smallest count that Binomial(repeats, probability) exceeds with probability below `spurious`."""
    tail = 0.0
    for hits in range(repeats, -1, -1):
        tail += math.comb(repeats, hits) * probability**hits * (1 - probability) ** (repeats - hits)
        if tail >= spurious:
            return hits
    return 0


def alpha(scale: float) -> float:
    """The discrete Laplace ratio exp(-1 / scale)."""
    return math.exp(-1 / scale)


def near_zero_probability(scale: float, width: float) -> float:
    """P(|Z| < width) for a discrete Laplace Z: the largest probability of any interval of that width."""
    a = alpha(scale)
    inside = math.ceil(width) - 1  # |z| <= inside
    return (1 - a) / (1 + a) * (1 + 2 * a * (1 - a**inside) / (1 - a))


def kept_probability(true_subjects: int) -> float:
    """P(a group of this many subjects passes the production threshold): P(Z >= threshold - subjects)."""
    margin = PRODUCTION.threshold() - true_subjects
    a = alpha(SCALES["subjects"])
    return a**margin / (1 + a) if margin > 0 else 1.0


def subjects(prefix: str, count: int) -> list[str]:
    """Distinct subject ids."""
    return [f"{prefix}-{number}" for number in range(count)]


def release(mesh: Mesh, first: datetime, hours: int) -> None:
    """eu releases [first, first + hours) with the production parameters."""
    assert mesh.regions["eu"].release_hours(first, hours, PRODUCTION) == hours


def test_the_attack_bounds_come_from_the_configured_scales() -> None:
    assert SCALES == {"subjects": 5.0, "events": 50.0, "errors": 50.0, "latency_ms_sum": 100_000.0}
    assert hits_bound(REPEATS, near_zero_probability(SCALES["events"], SCALES["events"] / 4)) < REPEATS
    assert hits_bound(REPEATS, kept_probability(10)) < REPEATS


def test_identifier_shaped_and_unknown_service_names_never_cross(mesh: Mesh) -> None:
    hour = mesh.hour(300)
    names = (
        "checkout",
        "Checkout ",
        "\uff23\uff28\uff25\uff23\uff2b\uff2f\uff35\uff34",
        "ip-198-51-100-77",
        "device-4f9c2a7e",
        "unknown-service",
    )
    rows: list[Row] = []
    for index, name in enumerate(names):
        rows += [
            (hour + timedelta(minutes=1), s, name, 100.0, False) for s in subjects(f"identifier-{index}", 400)
        ]
    insert_rows(mesh.regions["eu"], rows)
    release(mesh, hour, 1)
    crossed = {service for service, _ in released(mesh, "eu", hour)}
    assert crossed <= {*mesh.regions["eu"].vocabulary.services, "other"}, crossed
    text = repr(inbox_rows(mesh.regions["india"].exchange, "eu"))
    assert "198-51-100-77" not in text and "4f9c2a7e" not in text and "unknown-service" not in text
    # Spelling variants of a known service are that service; everything else is 'other'.
    exact = mesh.regions["eu"].store.query(
        STORE_DATABASE,
        "SELECT service, subjects FROM telemetry_admin.bounded_contributions(%s, 2, 5, 2000)"
        " ORDER BY service",
        [hour],
    )
    assert exact == [("checkout", 1200), ("other", 1200)]
    # And the receiving side refuses a value outside its own vocabulary, whoever sends it.
    with pytest.raises(psycopg.errors.CheckViolation, match="not in this exchange's vocabulary"):
        mesh.regions["india"].exchange.query(
            EXCHANGE_DATABASE,
            "INSERT INTO anonymised.telemetry_hourly_eu"
            " VALUES (%s, 'ip-198-51-100-77', 'request', 50, 50, 0, 1, 1)",
            [hour - timedelta(hours=1)],
        )


def test_differencing_a_total_and_its_parts_leaves_an_error_of_the_noise_scale(mesh: Mesh) -> None:
    first = mesh.hour(340)
    rows: list[Row] = []
    for offset in range(REPEATS):
        hour = first + timedelta(hours=offset)
        for subject in subjects(f"gateway-{offset}", 400):
            rows += [
                (hour + timedelta(minutes=2), subject, service, 100.0, False)
                for service in ("gateway", "checkout")
            ]
        # The victim's one-subject group is suppressed; the gateway total counts its three requests too.
        for event in range(3):
            moment = hour + timedelta(minutes=3, seconds=event)
            rows += [
                (moment, f"victim-{offset}", service, 900.0, event == 0) for service in ("gateway", "admin")
            ]
    insert_rows(mesh.regions["eu"], rows)
    release(mesh, first, REPEATS)
    hits = 0
    for offset in range(REPEATS):
        groups = released(mesh, "eu", first + timedelta(hours=offset))
        gateway, checkout = groups.get(("gateway", "request")), groups.get(("checkout", "request"))
        if gateway and checkout:
            estimate = gateway["event_count"] - checkout["event_count"]
            hits += abs(estimate - 3) < SCALES["events"] / 4
    assert hits <= hits_bound(REPEATS, near_zero_probability(SCALES["events"], SCALES["events"] / 4)), hits


def test_n_minus_one_attack_on_the_mean_leaves_an_error_of_the_noise_scale(mesh: Mesh) -> None:
    first = mesh.hour(380)
    attackers, known_latency, victim_latency = 399, 100.0, 1777.0
    rows: list[Row] = []
    for offset in range(REPEATS):
        hour = first + timedelta(hours=offset)
        rows += [
            (hour + timedelta(minutes=4), s, "search", known_latency, False)
            for s in subjects(f"mean-{offset}", attackers)
        ]
        rows.append((hour + timedelta(minutes=5), f"mean-victim-{offset}", "search", victim_latency, False))
    insert_rows(mesh.regions["eu"], rows)
    release(mesh, first, REPEATS)
    hits = 0
    for offset in range(REPEATS):
        group = released(mesh, "eu", first + timedelta(hours=offset)).get(("search", "request"))
        if group is not None:
            estimate = group["event_count"] * group["latency_ms_mean"] - attackers * known_latency
            hits += abs(estimate - victim_latency) < SCALES["latency_ms_sum"] / 4
    bound = hits_bound(REPEATS, near_zero_probability(SCALES["latency_ms_sum"], SCALES["latency_ms_sum"] / 4))
    assert hits <= bound, hits


def test_a_small_group_never_releases_one_subjects_value(mesh: Mesh) -> None:
    first = mesh.hour(420)
    rows: list[Row] = []
    for offset in range(REPEATS):
        hour = first + timedelta(hours=offset)
        rows += [
            (hour + timedelta(minutes=6), s, "maps", 100.0, False) for s in subjects(f"quantile-{offset}", 9)
        ]
        # The victim dominates the group's events: any order statistic of them is its value.
        rows += [
            (hour + timedelta(minutes=7, seconds=event), f"quantile-victim-{offset}", "maps", 1777.0, False)
            for event in range(50)
        ]
    insert_rows(mesh.regions["eu"], rows)
    release(mesh, first, REPEATS)
    assert not [column for column in telemetry_sql.RELEASE_COLUMNS if "p50" in column or "p95" in column]
    exact = 0
    for offset in range(REPEATS):
        group = released(mesh, "eu", first + timedelta(hours=offset)).get(("maps", "request"), {})
        exact += any(
            abs(float(v) - 1777.0) < 1 for column, v in group.items() if column.startswith("latency")
        )
    # A hit needs the ten-subject group to pass the threshold at all.
    assert exact <= hits_bound(REPEATS, kept_probability(10)), exact


def test_spelling_variants_of_one_subject_count_once(mesh: Mesh) -> None:
    hour = mesh.hour(460)
    spellings = [
        "alice",
        "Alice",
        "alice ",
        " ALICE",
        "\tAlice\n",
        "\uff41\uff4c\uff49\uff43\uff45",
        "alice\u200b",
        "ALICE",
        "aLiCe",
    ]
    spellings += ["\uff21\uff4c\uff49\uff43\uff45", "alice\u00a0", "\u200balice", "Alice\r\n"]
    rows: list[Row] = [
        (hour + timedelta(minutes=8, seconds=i), s, "feed", 10.0, False) for i, s in enumerate(spellings)
    ]
    insert_rows(mesh.regions["eu"], rows)
    counted = mesh.regions["eu"].store.query(
        STORE_DATABASE,
        "SELECT subjects, events FROM telemetry_admin.bounded_contributions(%s, 2, 5, 2000)"
        " WHERE service = 'feed'",
        [hour],
    )
    # One subject, and its 13 events capped at max_events_per_group.
    assert counted == [(1, PRODUCTION.max_events_per_group)], counted


def test_losing_the_exchanges_state_never_releases_an_hour_twice(mesh: Mesh) -> None:
    eu, india = mesh.regions["eu"], mesh.regions["india"]
    hour = mesh.hour(470)
    insert_rows(
        eu, [(hour + timedelta(minutes=9), s, "orders", 100.0, False) for s in subjects("first", 400)]
    )
    release(mesh, hour, 1)
    before = inbox_rows(india.exchange, "eu", hour, hour + timedelta(hours=1))
    # The peer's exchange is restored from a backup taken before the hour arrived; a late subject arrives.
    india.exchange.query(
        EXCHANGE_DATABASE, "DELETE FROM anonymised.telemetry_hourly_eu WHERE bucket_start = %s", [hour]
    )
    insert_rows(eu, [(hour + timedelta(minutes=10), "late-subject", "orders", 1777.0, False)])
    assert eu.release_hours(hour, 1, PRODUCTION) == 0
    assert inbox_rows(india.exchange, "eu", hour, hour + timedelta(hours=1)) == before
    assert ledger_rows(eu, hour, hour + timedelta(hours=1)) == before
    # The record of what was released cannot be lost by a prune either: it is append-only, on the store.
    with pytest.raises(psycopg.errors.ProhibitedSqlStatementAttempted):
        eu.store.query(
            STORE_DATABASE, "DELETE FROM telemetry_admin.released_hours WHERE bucket_start = %s", [hour]
        )


def test_the_peers_role_cannot_decode_or_copy_the_server_it_logs_in_to(mesh: Mesh) -> None:
    eu, india = mesh.regions["eu"], mesh.regions["india"]
    conninfo = eu.exchange.tcp_conninfo(
        EXCHANGE_DATABASE,
        telemetry_sql.inbox_role("india"),
        sslcert=str(india.store.directory / "client.crt"),
        sslkey=str(india.store.directory / "client.key"),
    )
    with psycopg.connect(conninfo, autocommit=True) as connection, pytest.raises(psycopg.Error):
        connection.execute("SELECT pg_create_logical_replication_slot('audit_decoding', 'test_decoding')")
    with pytest.raises(psycopg.Error):
        psycopg.connect(psycopg.conninfo.make_conninfo(conninfo, replication="database")).close()
