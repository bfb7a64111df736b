"""The private release's throughput next to a bare aggregate, and push lag: figures only, no assertions.

Loads 1,000,000 raw telemetry rows in time order (as telemetry arrives) over 48 closed hours into the eu
store (and, first, into a copy of raw_events without the rollup's trigger, to show what the trigger costs the
writers), then, on the same server and the same rows:
- the bare aggregate: INSERT ... SELECT ... GROUP BY hour, service HAVING count(DISTINCT subject) >= 10,
  run before and after the release (the faster of the two is reported, so the cache favours neither);
- the private release of the same 48 hours (contribution bounding, noise for every group of the closed
  domain, the ledger, and the push over verified TLS into india's inbox), with the production defaults;
and prints the ratio of the two. Then the lag of single-hour releases, as the CronJob makes them: from the
statement's start to the hour's rows being readable on india's exchange.

Stock PostgreSQL 15 here: the store's raw table is a plain table, not a TimescaleDB hypertable.

Run from the repository root: .venv/bin/python benchmarks/telemetry_replication.py [--rows N]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from components import telemetry_sql
from tests.telemetry_sql import servers as testing
from tests.telemetry_sql.servers import EXCHANGE_DATABASE, STORE_DATABASE, Region

HOURS = 48
SERVICES = (
    "checkout",
    "search",
    "profile",
    "payments",
    "orders",
    "maps",
    "kyc",
    "basket",
    "login",
    "feed",
    "support",
)

# Row i arrives at first_hour + i * (HOURS hours / rows): strictly in time order, so each hour's rows sit
# together on disk as they would in production.
LOAD = """
INSERT INTO telemetry.raw_events
    (observed_at, subject_id, device_id, ip_address, service, latency_ms, is_error)
SELECT '{first_hour}'::timestamptz + (i - 1) * (interval '{hours} hours' / {rows}),
       CASE WHEN i % 1000 = 0 THEN 'operator-' || (i % 7) ELSE 'subject-' || ((i * 2654435761) % 20000) END,
       'device-' || ((i * 40503) % 30000),
       ('10.' || (i % 250) || '.' || ((i / 250) % 250) || '.' || ((i * 31) % 250))::inet,
       CASE WHEN i % 1000 = 0 THEN 'admin'
            ELSE (ARRAY[{services}])[1 + (i % {service_count})] END,
       (i * 37 % 5000) / 10.0,
       i % 50 = 0
FROM generate_series(1::bigint, {rows}) AS i
"""

BARE = """
INSERT INTO benchmark_bare
SELECT date_trunc('hour', observed_at, 'UTC'), service, count(DISTINCT subject_id), count(*),
       count(*) FILTER (WHERE is_error), avg(latency_ms)
FROM telemetry.raw_events
GROUP BY 1, 2
HAVING count(DISTINCT subject_id) >= 10
"""


def cpu_model() -> str:
    """The CPU model name from /proc/cpuinfo, or the platform's processor string."""
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def bare_aggregate(region: Region) -> float:
    """Seconds for the bare aggregate over every raw row, into a scratch table."""
    with region.store.connect(STORE_DATABASE) as connection:
        connection.execute(
            "CREATE TABLE IF NOT EXISTS benchmark_bare (bucket_start timestamptz, service text,"
            " subject_count bigint, event_count bigint, error_count bigint, latency_ms_mean double precision)"
        )
        connection.execute("TRUNCATE benchmark_bare")
        started = time.perf_counter()
        connection.execute(BARE)
        return time.perf_counter() - started


def arrived(region: Region, hour: datetime) -> bool:
    """Whether the peer's inbox holds any row of eu's for that hour."""
    rows = region.exchange.query(
        EXCHANGE_DATABASE,
        "SELECT 1 FROM anonymised.telemetry_hourly_eu WHERE bucket_start = %s LIMIT 1",
        [hour],
    )
    return bool(rows)


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--single-hour-releases", type=int, default=20)
    arguments = parser.parse_args()
    privacy = telemetry_sql.PrivacyParameters()

    print(f"machine: {os.cpu_count()} CPUs, {cpu_model()}, {platform.system()} {platform.release()}")
    with testing.running_regions(["eu", "india"]) as regions:
        testing.provision(regions)
        eu, india = regions["eu"], regions["india"]
        version = eu.store.query("postgres", "SHOW server_version")[0][0]
        print(
            f"postgresql: {version} (stock, no TimescaleDB: raw_events is a plain table; fsync on, defaults)"
        )
        print(
            f"privacy: epsilon {privacy.epsilon_per_hour} per subject per hour,"
            f" threshold {privacy.threshold()},"
            f" domain {len(eu.vocabulary.services) + 1} services x {len(eu.vocabulary.metrics) + 1} metrics"
        )

        now = eu.store.query(STORE_DATABASE, "SELECT date_trunc('hour', now(), 'UTC')")[0][0]
        first_hour = now - timedelta(hours=HOURS + 2 + arguments.single_hour_releases)
        load = LOAD.format(
            first_hour=first_hour.isoformat(),
            hours=HOURS,
            rows=arguments.rows,
            services=", ".join(f"'{service}'" for service in SERVICES),
            service_count=len(SERVICES),
        )
        with eu.store.connect(STORE_DATABASE) as connection:
            # What the rollup's trigger costs the writers: the same rows into a copy of raw_events without it.
            connection.execute(
                "CREATE TABLE benchmark_untriggered (LIKE telemetry.raw_events INCLUDING DEFAULTS"
                " INCLUDING GENERATED INCLUDING CONSTRAINTS INCLUDING INDEXES)"
            )
            started = time.perf_counter()
            connection.execute(load.replace("telemetry.raw_events", "benchmark_untriggered").encode())
            untriggered = time.perf_counter() - started
            connection.execute("DROP TABLE benchmark_untriggered")
            started = time.perf_counter()
            connection.execute(load.encode())
            loaded = time.perf_counter() - started
            connection.execute("VACUUM ANALYZE telemetry.raw_events, telemetry.subject_hours")
        print(
            f"load: {arguments.rows:,} raw rows in time order over {HOURS} hours, one statement:"
            f" {loaded:.2f} s into raw_events with the rollup's trigger,"
            f" {untriggered:.2f} s into a copy without it (the trigger: {loaded - untriggered:+.2f} s)"
        )

        bare_before = bare_aggregate(eu)
        started = time.perf_counter()
        hours = eu.release_hours(first_hour, HOURS, privacy)
        release = time.perf_counter() - started
        bare_after = bare_aggregate(eu)
        bare = min(bare_before, bare_after)
        groups = eu.store.query(STORE_DATABASE, "SELECT count(*) FROM telemetry_admin.released_groups")[0][0]
        print(
            f"bare aggregate (GROUP BY ... HAVING count(DISTINCT subject) >= 10): {bare:.2f} s"
            f" = {arguments.rows / bare:,.0f} raw rows/s (runs: {bare_before:.2f} s, {bare_after:.2f} s)"
        )
        print(
            f"private release: {hours} hours, {groups} groups kept, ledger written and pushed to india,"
            f" in {release:.2f} s = {arguments.rows / release:,.0f} raw rows/s"
        )
        print(f"ratio, private release / bare aggregate: {release / bare:.2f}x (goal: at most 1.5x)")

        lags = []
        for offset in range(arguments.single_hour_releases):
            hour = first_hour + timedelta(hours=HOURS + offset)
            eu.store.query(
                STORE_DATABASE,
                "INSERT INTO telemetry.raw_events (observed_at, subject_id, device_id, service, latency_ms)"
                " SELECT %s + i * interval '1 second', 'late-subject-' || i, 'late-device-' || i,"
                " 'checkout', i"
                " FROM generate_series(1, 500) AS i",
                [hour],
            )
            started = time.perf_counter()
            eu.release_hours(hour, 1, privacy)
            testing.wait_until(partial(arrived, india, hour), 30, interval=0.002)
            lags.append((time.perf_counter() - started) * 1000)
        print(
            f"push lag, {len(lags)} single-hour releases (statement start to rows readable on india):"
            f" median {statistics.median(lags):.0f} ms, max {max(lags):.0f} ms"
        )


if __name__ == "__main__":
    main()
