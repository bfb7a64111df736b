"""The private release's throughput next to a bare aggregate, and push lag: figures only, no assertions.

Loads 1,000,000 raw telemetry rows in time order (as telemetry arrives) over 48 closed hours into the eu
store (and, first, into a copy of raw_events without the rollup's trigger, to show what the trigger costs the
writers), then, on the same server and the same rows:
- the bare aggregate: INSERT ... SELECT ... GROUP BY hour, service HAVING count(DISTINCT subject) >= 10,
  run before and after the release (the faster of the two is reported, so the cache favours neither);
- the private release of the same 48 hours as the release CronJob runs it (contribution bounding, noise for
  every group of the closed domain, the ledger; no connection out), with the production defaults;
- then the push CronJob's statement, which sends the ledger over verified TLS into india's inbox;
and prints the ratio of the release to the bare aggregate twice: in wall-clock time, and in the CPU time the
server's backend spent on each (read from /proc: the servers run on this machine). Under other jobs' load the
wall-clock ratio measures the scheduler as much as the SQL: the release is 48 transactions of short
statements, each a wake-up that queues for a CPU behind other processes, the bare aggregate one statement.
Then the lag of single-hour releases: from the push statement's start to the hour's rows being readable on
india's exchange.

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


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def backend_cpu_seconds(pid: int) -> float:
    """User and system CPU time a server backend has used so far (fields 14 and 15 of /proc/<pid>/stat)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def bare_aggregate(region: Region) -> tuple[float, float]:
    """Wall-clock and backend CPU seconds for the bare aggregate over every raw row, into a scratch table."""
    with region.store.connect(STORE_DATABASE) as connection:
        connection.execute(
            "CREATE TABLE IF NOT EXISTS benchmark_bare (bucket_start timestamptz, service text,"
            " subject_count bigint, event_count bigint, error_count bigint, latency_ms_mean double precision)"
        )
        connection.execute("TRUNCATE benchmark_bare")
        # One backend does all the work (the release's functions use no parallel workers either).
        connection.execute("SET max_parallel_workers_per_gather = 0")
        pid = connection.info.backend_pid
        cpu, started = backend_cpu_seconds(pid), time.perf_counter()
        connection.execute(BARE)
        return time.perf_counter() - started, backend_cpu_seconds(pid) - cpu


def release_window(
    region: Region, first_hour: datetime, hours: int, privacy: telemetry_sql.PrivacyParameters
) -> tuple[int, float, float]:
    """The release CronJob's statement over [first_hour, first_hour + hours): hours, wall and CPU seconds."""
    statement = telemetry_sql.release_statement(privacy, 0, hours, push=False).replace(
        ");", ", as_of => %s);"
    )
    with region.store.connect(STORE_DATABASE) as connection:
        pid = connection.info.backend_pid
        cpu, started = backend_cpu_seconds(pid), time.perf_counter()
        row = connection.execute(statement.encode(), [first_hour + timedelta(hours=hours)]).fetchone()
        wall, used = time.perf_counter() - started, backend_cpu_seconds(pid) - cpu
    assert row is not None
    return int(row[0]), wall, used


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
        hours, release, release_cpu = release_window(eu, first_hour, HOURS, privacy)
        bare_after = bare_aggregate(eu)
        # The mean of the runs just before and just after: the load the release ran under lies between them.
        bare = (bare_before[0] + bare_after[0]) / 2
        bare_cpu = (bare_before[1] + bare_after[1]) / 2
        groups = eu.store.query(STORE_DATABASE, "SELECT count(*) FROM telemetry_admin.released_groups")[0][0]
        started = time.perf_counter()
        eu.push(lookback_hours=HOURS + 24)
        push = time.perf_counter() - started
        print(
            f"bare aggregate (GROUP BY ... HAVING count(DISTINCT subject) >= 10): {bare:.2f} s wall,"
            f" {bare_cpu:.2f} s backend CPU = {arguments.rows / bare:,.0f} raw rows/s"
            f" (runs before and after the release: {bare_before[0]:.2f} s / {bare_before[1]:.2f} s CPU,"
            f" {bare_after[0]:.2f} s / {bare_after[1]:.2f} s CPU)"
        )
        print(
            f"private release (the release CronJob's statement): {hours} hours, {groups} groups kept,"
            f" into the ledger, in {release:.2f} s wall, {release_cpu:.2f} s backend CPU"
            f" = {arguments.rows / release:,.0f} raw rows/s; then the push of those hours to india:"
            f" {push:.2f} s"
        )
        print(
            f"ratio, private release / bare aggregate: {release_cpu / bare_cpu:.2f}x in backend CPU time,"
            f" {release / bare:.2f}x wall-clock (goal: at most 1.5x)"
        )
        print(f"load average while running: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")

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
            eu.release_hours(hour, 1, privacy, push=False)
            started = time.perf_counter()
            eu.push(lookback_hours=1)
            testing.wait_until(partial(arrived, india, hour), 30, interval=0.002)
            lags.append((time.perf_counter() - started) * 1000)
        print(
            f"push lag, {len(lags)} single-hour releases (push statement start to rows readable on india):"
            f" median {statistics.median(lags):.0f} ms, max {max(lags):.0f} ms"
        )


if __name__ == "__main__":
    main()
