"""The audit's inference attacks (issue 9), run against the release as the peer region receives it.

Each test plays an attacker with the peer's access plus the power to write telemetry as a few subjects of
its own. Statistical tests repeat the release over R hours of identical data and count "hits": releases
from which the attacker recovers the victim's value to within a quarter of the configured noise scale. On
exact aggregates every release is a hit; under the noise the number of hits is Binomial(R, p) with p at most
P(|Z| < scale / 4) for a discrete Laplace Z, and the bound is chosen so that it is exceeded less than once in
10^6 runs.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import psycopg
import pytest

from tests.telemetry_sql import servers as testing
from tests.telemetry_sql.servers import EXCHANGE_DATABASE, STORE_DATABASE, Region

REGIONS = ("eu", "india")
REPEATS = 24
SPURIOUS_FAILURE = 1e-6
# The noise scales the default privacy parameters give (1.0 per subject per hour, at most 2 groups per
# subject, 5 events per group, latencies clamped to 2,000 ms); the release computes them itself.
EVENT_SCALE = 50.0
LATENCY_SUM_SCALE = 100_000.0


def hits_bound(repeats: int, probability: float, spurious: float = SPURIOUS_FAILURE) -> int:
    """The largest number of hits that Binomial(repeats, probability) exceeds with probability < spurious."""
    tail = 0.0
    for hits in range(repeats, -1, -1):
        tail += math.comb(repeats, hits) * probability**hits * (1 - probability) ** (repeats - hits)
        if tail >= spurious:
            return hits
    return 0


def near_zero_probability(scale: float, width: float) -> float:
    """P(|Z| < width) for a discrete Laplace Z of this scale: the most an attacker's error can concentrate."""
    alpha = math.exp(-1 / scale)
    inside = math.ceil(width) - 1  # |z| <= inside
    return (1 - alpha) / (1 + alpha) * (1 + 2 * alpha * (1 - alpha**inside) / (1 - alpha))


@pytest.fixture(scope="module")
def mesh() -> Iterator[dict[str, Region]]:
    """Two regions, four servers, every Job applied."""
    with testing.postgres_servers(testing.region_specifications(REGIONS, {"fsync": "off"})) as servers:
        regions = testing.create_regions(servers, REGIONS)
        testing.provision(regions)
        yield regions


def base_hour(regions: dict[str, Region]) -> datetime:
    """The current UTC hour on the eu store."""
    hour: datetime = regions["eu"].store.query(STORE_DATABASE, "SELECT date_trunc('hour', now(), 'UTC')")[0][
        0
    ]
    return hour


def insert(region: Region, rows: list[tuple[datetime, str, str, float, bool]]) -> None:
    """Raw rows (observed_at, subject, service, latency, is_error), as a writer inserts them."""
    with region.store.connect(STORE_DATABASE) as connection:
        connection.cursor().executemany(
            b"INSERT INTO telemetry.raw_events (observed_at, subject_id, device_id, service, latency_ms, is_error)"
            b" VALUES (%s, %s, 'device', %s, %s, %s)",
            rows,
        )


def received(regions: dict[str, Region], hour: datetime) -> dict[str, dict[str, Any]]:
    """What india received from eu for one hour, by service, once replication caught up."""

    def rows(server: testing.PostgresServer) -> list[tuple[Any, ...]]:
        return server.query(
            EXCHANGE_DATABASE,
            "SELECT row_to_json(t)::text FROM anonymised.telemetry_hourly_eu AS t WHERE bucket_start = %s"
            " ORDER BY service",
            [hour],
        )

    testing.wait_until(lambda: rows(regions["india"].exchange) == rows(regions["eu"].exchange), 30)
    import json

    return {row["service"]: row for row in (json.loads(r[0]) for r in rows(regions["india"].exchange))}


def release(regions: dict[str, Region]) -> None:
    """Run the anonymisation CronJob's statement once on eu."""
    regions["eu"].anonymise(grace_minutes=0)


def subjects(prefix: str, count: int) -> list[str]:
    """Distinct subject ids."""
    return [f"{prefix}-{number}" for number in range(count)]


def test_identifier_shaped_and_unknown_service_names_never_cross(mesh: dict[str, Region]) -> None:
    hour = base_hour(mesh) - timedelta(hours=60)
    rows = []
    for service in ("checkout", "ip-198-51-100-77", "device-4f9c2a7e", "unknown-service"):
        for subject in subjects(f"identifier-{service.strip()}", 400):
            rows.append((hour + timedelta(minutes=1), subject, service, 100.0, False))
    insert(mesh["eu"], rows)
    release(mesh)
    crossed = set(received(mesh, hour))
    assert crossed <= {"checkout", "other"}, crossed


def test_differencing_a_total_and_its_parts_does_not_reveal_a_suppressed_group(
    mesh: dict[str, Region],
) -> None:
    first = base_hour(mesh) - timedelta(hours=160)
    rows = []
    for offset in range(REPEATS):
        hour = first + timedelta(hours=offset)
        crowd = subjects(f"gateway-{offset}", 400)
        for subject in crowd:
            for service in ("gateway", "checkout"):
                rows.append((hour + timedelta(minutes=2), subject, service, 100.0, False))
        # The victim's one-subject group is suppressed; the gateway row counts its requests too.
        for event in range(3):
            rows.append(
                (hour + timedelta(minutes=3, seconds=event), f"victim-{offset}", "gateway", 900.0, event == 0)
            )
            rows.append(
                (hour + timedelta(minutes=3, seconds=event), f"victim-{offset}", "admin", 900.0, event == 0)
            )
    insert(mesh["eu"], rows)
    release(mesh)
    hits = 0
    for offset in range(REPEATS):
        groups = received(mesh, first + timedelta(hours=offset))
        assert "admin" not in groups
        if "gateway" in groups and "checkout" in groups:
            estimate = groups["gateway"]["event_count"] - groups["checkout"]["event_count"]
            hits += abs(estimate - 3) < EVENT_SCALE / 4
    assert hits <= hits_bound(REPEATS, near_zero_probability(EVENT_SCALE, EVENT_SCALE / 4)), hits


def test_n_minus_one_attack_on_the_mean_leaves_an_error_of_the_noise_scale(mesh: dict[str, Region]) -> None:
    first = base_hour(mesh) - timedelta(hours=130)
    attackers, known_latency, victim_latency = 399, 100.0, 1777.0
    rows = []
    for offset in range(REPEATS):
        hour = first + timedelta(hours=offset)
        for subject in subjects(f"mean-{offset}", attackers):
            rows.append((hour + timedelta(minutes=4), subject, "search", known_latency, False))
        rows.append((hour + timedelta(minutes=5), f"mean-victim-{offset}", "search", victim_latency, False))
    insert(mesh["eu"], rows)
    release(mesh)
    hits = 0
    for offset in range(REPEATS):
        group = received(mesh, first + timedelta(hours=offset)).get("search")
        if group is not None:
            estimate = group["event_count"] * group["latency_ms_mean"] - attackers * known_latency
            hits += abs(estimate - victim_latency) < LATENCY_SUM_SCALE / 4
    assert hits <= hits_bound(REPEATS, near_zero_probability(LATENCY_SUM_SCALE, LATENCY_SUM_SCALE / 4)), hits


def test_small_groups_release_no_order_statistic_equal_to_one_subjects_value(mesh: dict[str, Region]) -> None:
    first = base_hour(mesh) - timedelta(hours=100)
    rows = []
    for offset in range(REPEATS):
        hour = first + timedelta(hours=offset)
        for subject in subjects(f"quantile-{offset}", 9):
            rows.append((hour + timedelta(minutes=6), subject, "maps", 100.0, False))
        for event in range(50):  # the victim dominates the group's events
            rows.append(
                (
                    hour + timedelta(minutes=7, seconds=event),
                    f"quantile-victim-{offset}",
                    "maps",
                    1777.0,
                    False,
                )
            )
    insert(mesh["eu"], rows)
    release(mesh)
    exact = 0
    for offset in range(REPEATS):
        group = received(mesh, first + timedelta(hours=offset)).get("maps", {})
        exact += any(
            abs(float(value) - 1777.0) < 1 for column, value in group.items() if column.startswith("latency")
        )
    # Even one release carrying the victim's value is a disclosure.
    assert exact == 0


def test_spelling_variants_of_one_subject_count_once(mesh: dict[str, Region]) -> None:
    hour = base_hour(mesh) - timedelta(hours=55)
    spellings = [
        "alice",
        "Alice",
        "alice ",
        " ALICE",
        "\tAlice\n",
        "ａｌｉｃｅ",
        "alice\u200b",
        "ALICE",
        "aLiCe",
    ]
    spellings += ["Ａｌｉｃｅ", "alice\u00a0", "\u200balice", "Alice\r\n"]
    rows = [(hour + timedelta(minutes=8, seconds=i), s, "feed", 10.0, False) for i, s in enumerate(spellings)]
    insert(mesh["eu"], rows)
    counted = mesh["eu"].store.query(
        STORE_DATABASE,
        "SELECT subject_count FROM telemetry_admin.anonymised_groups(%s, 10) WHERE service = 'feed'",
        [hour],
    )
    assert counted == [(1,)], counted


def test_losing_the_exchanges_state_never_releases_an_hour_twice(mesh: dict[str, Region]) -> None:
    hour = base_hour(mesh) - timedelta(hours=50)
    insert(
        mesh["eu"], [(hour + timedelta(minutes=9), s, "orders", 100.0, False) for s in subjects("first", 400)]
    )
    release(mesh)
    before = received(mesh, hour)
    # The exchange is restored from a backup taken before the hour was pushed; late rows arrive meanwhile.
    mesh["eu"].exchange.query(
        EXCHANGE_DATABASE, "DELETE FROM anonymised.telemetry_hourly_eu WHERE bucket_start = %s", [hour]
    )
    mesh["eu"].exchange.query(
        EXCHANGE_DATABASE, "DELETE FROM exchange_admin.published_buckets WHERE bucket_start = %s", [hour]
    )
    insert(mesh["eu"], [(hour + timedelta(minutes=10), "late-subject", "orders", 1777.0, False)])
    release(mesh)
    after = mesh["eu"].exchange.query(
        EXCHANGE_DATABASE,
        "SELECT row_to_json(t)::text FROM anonymised.telemetry_hourly_eu AS t WHERE bucket_start = %s",
        [hour],
    )
    # Nothing the peer can read may differ from what it received first.
    import json

    assert {json.loads(r[0])["service"]: json.loads(r[0]) for r in after} in ({}, before)


def test_the_peers_role_cannot_decode_or_copy_the_server_it_logs_in_to(mesh: dict[str, Region]) -> None:
    from components import telemetry_sql

    eu = mesh["eu"]
    password = eu.passwords[telemetry_sql.REPLICATION_ROLE]
    conninfo = eu.exchange.tcp_conninfo(EXCHANGE_DATABASE, telemetry_sql.REPLICATION_ROLE, password)
    with psycopg.connect(conninfo, autocommit=True) as connection, pytest.raises(psycopg.Error):
        connection.execute("SELECT pg_create_logical_replication_slot('audit_decoding', 'test_decoding')")
    with pytest.raises(psycopg.Error):
        psycopg.connect(psycopg.conninfo.make_conninfo(conninfo, replication="database")).close()
