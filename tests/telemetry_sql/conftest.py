"""One mesh of four real PostgreSQL 15 servers per test session (per pytest-xdist worker), and its helpers.

Each region has a telemetry store (raw telemetry, the release and its ledger) and an exchange (the inbox the
peer pushes its release into). Tests keep apart by using their own hours: every release in a test names its
window (as_of and lookback) except those on the last ten hours, which only the tests on "now" use.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pytest

import components.telemetry_sql as telemetry_sql
from tests.telemetry_sql import servers as testing
from tests.telemetry_sql.servers import EXCHANGE_DATABASE, STORE_DATABASE, PostgresServer, Region

REGIONS = ("eu", "india")
IP_PREFIX = {"eu": "198.51.100.", "india": "203.0.113."}
# Log every statement and track utility statements, as a badly configured production server might, so that a
# password sent in a statement would be caught.
LOGGING_EVERYTHING = {
    "fsync": "off",
    "log_statement": "'all'",
    "shared_preload_libraries": "'pg_stat_statements'",
    "pg_stat_statements.track_utility": "on",
}
EXACT = telemetry_sql.PrivacyParameters(small_group_probability=1e-9)
"""The defaults but a threshold margin so wide that an empty group is kept with probability 1e-9 per group and
hour, and a group of SURELY_KEPT subjects dropped with less than 1e-12: tests that assert which groups cross
use it, so they fail spuriously far less than once in 10^6 runs."""
SURELY_KEPT = 400


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


def all_servers(regions: dict[str, Region]) -> list[tuple[PostgresServer, str]]:
    """Every server of the mesh with its telemetry database."""
    return [
        (server, database)
        for region in regions.values()
        for server, database in ((region.store, STORE_DATABASE), (region.exchange, EXCHANGE_DATABASE))
    ]


def schema_dump(server: PostgresServer, database: str) -> str:
    """pg_dump of the schema plus the roles, without what differs on every run by design."""

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


def bookkeeping(server: PostgresServer, database: str) -> list[tuple[Any, ...]]:
    """The migrations a server recorded."""
    schema = "telemetry_admin" if database == STORE_DATABASE else "exchange_admin"
    return server.query(
        database, f"SELECT version, name, checksum, applied_at FROM {schema}.schema_migrations ORDER BY 1"
    )


@pytest.fixture(scope="session")
def mesh() -> Iterator[Mesh]:
    """Two regions on four throwaway servers, every Job applied twice."""
    with testing.running_regions(REGIONS, LOGGING_EVERYTHING) as regions:
        testing.provision(regions)
        first = {f"{s.name}/{d}": schema_dump(s, d) for s, d in all_servers(regions)}
        first_books = {f"{s.name}/{d}": bookkeeping(s, d) for s, d in all_servers(regions)}
        testing.provision(regions)
        second = {f"{s.name}/{d}": schema_dump(s, d) for s, d in all_servers(regions)}
        second_books = {f"{s.name}/{d}": bookkeeping(s, d) for s, d in all_servers(regions)}
        base_hour = regions["eu"].store.query(STORE_DATABASE, "SELECT date_trunc('hour', now(), 'UTC')")[0][0]
        yield Mesh(regions, base_hour, first, second, first_books, second_books)


Row = tuple[datetime, str, str, float, bool]
"""A raw row as the tests write it: observed_at, subject, service, latency, is_error."""


def insert_rows(region: Region, rows: Sequence[Row], metric: str = "request") -> None:
    """Raw rows, as a writer inserts them (device and address are fixed: these rows are about statistics)."""
    with region.store.connect(STORE_DATABASE) as connection:
        connection.cursor().executemany(
            b"INSERT INTO telemetry.raw_events"
            b" (observed_at, subject_id, device_id, service, metric, latency_ms, is_error)"
            b" VALUES (%s, %s, 'device', %s, %s, %s, %s)",
            [
                (observed, subject, service, metric, latency, error)
                for observed, subject, service, latency, error in rows
            ],
        )


def insert_raw(
    mesh: Mesh, region: str, hour: datetime, service: str, subjects: int, events_per_subject: int = 3
) -> None:
    """Insert raw telemetry of distinct subjects into one hour of a region's store; remember identifiers."""
    rows = []
    for subject_number in range(subjects):
        tag = f"{service}-{hour:%d%H}-{subject_number}"
        subject, device = f"{region}-subject-{tag}", f"{region}-device-{tag}"
        ip_address = f"{IP_PREFIX[region]}{subject_number % 250 + 1}"
        mesh.identifiers[region].update({subject, device, ip_address})
        for event in range(events_per_subject):
            observed_at = hour + timedelta(minutes=(subject_number * 7 + event * 13) % 60, seconds=event)
            latency = float(10 * (subject_number % 100) + event)
            rows.append((observed_at, subject, device, ip_address, service, latency, event == 0))
    with mesh.regions[region].store.connect(STORE_DATABASE) as connection:
        connection.cursor().executemany(
            b"INSERT INTO telemetry.raw_events"
            b" (observed_at, subject_id, device_id, ip_address, service, latency_ms, is_error)"
            b" VALUES (%s, %s, %s, %s, %s, %s, %s)",
            rows,
        )


def inbox_rows(
    server: PostgresServer, source: str, since: datetime | None = None, until: datetime | None = None
) -> list[tuple[Any, ...]]:
    """Rows of a source region's release in an exchange's inbox, in a stable order."""
    columns = ", ".join(telemetry_sql.RELEASE_COLUMNS)
    return server.query(
        EXCHANGE_DATABASE,
        f"SELECT {columns} FROM anonymised.telemetry_hourly_{source}"
        " WHERE bucket_start >= coalesce(%s::timestamptz, '-infinity')"
        "   AND bucket_start < coalesce(%s::timestamptz, 'infinity') ORDER BY bucket_start, service, metric",
        [since, until],
    )


def ledger_rows(
    region: Region, since: datetime | None = None, until: datetime | None = None
) -> list[tuple[Any, ...]]:
    """The region's released groups as its ledger holds them, in the inbox's order."""
    columns = ", ".join(telemetry_sql.RELEASE_COLUMNS)
    return region.store.query(
        STORE_DATABASE,
        f"SELECT {columns} FROM telemetry_admin.released_groups"
        " WHERE bucket_start >= coalesce(%s::timestamptz, '-infinity')"
        "   AND bucket_start < coalesce(%s::timestamptz, 'infinity') ORDER BY bucket_start, service, metric",
        [since, until],
    )


def released(mesh: Mesh, source: str, hour: datetime) -> dict[tuple[str, str], dict[str, Any]]:
    """What the peer received from a region for one hour, by (service, metric)."""
    target = next(name for name in REGIONS if name != source)
    rows = inbox_rows(mesh.regions[target].exchange, source, hour, hour + timedelta(hours=1))
    return {(row[1], row[2]): dict(zip(telemetry_sql.RELEASE_COLUMNS, row, strict=True)) for row in rows}


def services_at(mesh: Mesh, source: str, hour: datetime) -> dict[str, int]:
    """Services the peer received for one hour (metric 'request'), with their noisy subject counts."""
    return {
        service: group["subject_count"]
        for (service, metric), group in released(mesh, source, hour).items()
        if metric == "request"
    }
