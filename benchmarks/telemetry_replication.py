"""Anonymisation throughput and replication lag on throwaway PostgreSQL servers: figures only, no assertions.

Loads 1,000,000 raw telemetry rows over 48 closed hours into the eu store, runs the CronJob's anonymisation
statement once, and measures how long the anonymised hours take to become visible on india's exchange; then
measures the lag of single-hour pushes, as the hourly CronJob would make them.

Run from the repository root: .venv/bin/python benchmarks/telemetry_replication.py [--rows N]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

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

LOAD = """
INSERT INTO telemetry.raw_events
    (observed_at, subject_id, device_id, ip_address, service, latency_ms, is_error)
SELECT date_trunc('hour', now(), 'UTC') - interval '{first_hour} hours'
           + (i % {hours}) * interval '1 hour' + ((i * 7919) % 3600) * interval '1 second',
       CASE WHEN i % 1000 = 0 THEN 'operator-' || (i % 7) ELSE 'subject-' || ((i * 2654435761) % 20000) END,
       'device-' || ((i * 40503) % 30000),
       ('10.' || (i % 250) || '.' || ((i / 250) % 250) || '.' || ((i * 31) % 250))::inet,
       CASE WHEN i % 1000 = 0 THEN 'admin'
            ELSE (ARRAY[{services}])[1 + (i % {service_count})] END,
       (i * 37 % 5000) / 10.0,
       i % 50 = 0
FROM generate_series(1::bigint, {rows}) AS i
"""


def count_at(region: Region, source: str) -> int:
    """Rows of the source region's anonymised table on a region's exchange."""
    rows = region.exchange.query(
        EXCHANGE_DATABASE, f"SELECT count(*) FROM anonymised.telemetry_hourly_{source}"
    )
    return int(rows[0][0])


def arrived(region: Region, expected: int) -> Callable[[], bool]:
    """A condition that holds once the region's exchange has the expected number of eu rows."""
    return lambda: count_at(region, "eu") == expected


def cpu_model() -> str:
    """The CPU model name from /proc/cpuinfo, or the platform's processor string."""
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--single-hour-pushes", type=int, default=20)
    arguments = parser.parse_args()

    print(f"machine: {os.cpu_count()} CPUs, {cpu_model()}, {platform.system()} {platform.release()}")
    with testing.postgres_servers(testing.region_specifications(["eu", "india"])) as servers:
        regions = testing.create_regions(servers, ["eu", "india"])
        testing.provision(regions)
        eu, india = regions["eu"], regions["india"]
        print(f"postgresql: {eu.store.query('postgres', 'SHOW server_version')[0][0]} (fsync on, defaults)")

        started = time.perf_counter()
        services = ", ".join(f"'{service}'" for service in SERVICES)
        load = LOAD.format(
            first_hour=HOURS + 2,
            hours=HOURS,
            services=services,
            service_count=len(SERVICES),
            rows=arguments.rows,
        )
        eu.store.query(STORE_DATABASE, load)
        eu.store.query(STORE_DATABASE, "VACUUM ANALYZE telemetry.raw_events")
        loaded = time.perf_counter() - started
        print(f"load: {arguments.rows:,} raw rows over {HOURS} hours in {loaded:.2f} s")

        started = time.perf_counter()
        hours = eu.anonymise()
        committed = time.perf_counter()
        elapsed = committed - started
        published = count_at(eu, "eu")
        print(
            f"anonymisation: {hours} hours, {published} groups published, in {elapsed:.2f} s"
            f" = {arguments.rows / elapsed:,.0f} raw rows/s"
        )
        testing.wait_until(lambda: count_at(india, "eu") == published, timeout=120, interval=0.005)
        lag = (time.perf_counter() - committed) * 1000
        print(f"replication lag, whole batch: {lag:.0f} ms after the last commit")

        lags = []
        for push in range(arguments.single_hour_pushes):
            hours_ago = HOURS + 3 + push
            eu.store.query(
                STORE_DATABASE,
                "INSERT INTO telemetry.raw_events (observed_at, subject_id, device_id, service, latency_ms)"
                " SELECT date_trunc('hour', now(), 'UTC') - %s * interval '1 hour' + i * interval '1 second',"
                " 'late-subject-' || i, 'late-device-' || i, 'checkout', i FROM generate_series(1, 50) AS i",
                [hours_ago],
            )
            expected = count_at(eu, "eu") + 1
            eu.anonymise()
            committed = time.perf_counter()
            testing.wait_until(arrived(india, expected), 30, interval=0.002)
            lags.append((time.perf_counter() - committed) * 1000)
        print(
            f"replication lag, {len(lags)} single-hour pushes: median {statistics.median(lags):.0f} ms,"
            f" max {max(lags):.0f} ms (polled every 2 ms)"
        )


if __name__ == "__main__":
    main()
