"""Throwaway PostgreSQL servers and provisioned regions, shared by the tests and the benchmark.

Servers are created with initdb in a temporary directory, listen on 127.0.0.1 on free ports with their
unix sockets beside their data, and are stopped and removed on exit. initdb refuses to run as root, so when
this runs as root (CI) the servers run as the `postgres` user (or `nobody`) through runuser.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

import components.telemetry_sql as telemetry_sql

SUPERUSER = "postgres"
STORE_DATABASE = "telemetry"
EXCHANGE_DATABASE = "telemetry_exchange"

TEST_SERVER_SETTINGS: Mapping[str, str] = {
    "listen_addresses": "'127.0.0.1'",
    "max_connections": "40",
    "shared_buffers": "32MB",
    # Reconnect quickly after a restart so that catch-up is measured in seconds, not the default 5 s steps.
    "wal_retrieve_retry_interval": "500ms",
    "logging_collector": "off",
    "log_min_messages": "warning",
}


class PostgresNotFound(RuntimeError):
    """No PostgreSQL server binaries were found on this machine."""


def find_bindir() -> Path:
    """Directory of initdb, pg_ctl and psql: $POSTGRES_BINDIR, pg_config --bindir or the newest Debian one."""
    candidates: list[Path] = []
    if os.environ.get("POSTGRES_BINDIR"):
        candidates.append(Path(os.environ["POSTGRES_BINDIR"]))
    pg_config = shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(OSError, subprocess.CalledProcessError):
            output = subprocess.run(
                [pg_config, "--bindir"], check=True, capture_output=True, text=True
            ).stdout
            candidates.append(Path(output.strip()))
    debian = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"), key=lambda path: int(path.parent.name), reverse=True
    )
    candidates += debian
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(Path(initdb).parent)
    for candidate in candidates:
        if (
            (candidate / "initdb").is_file()
            and (candidate / "pg_ctl").is_file()
            and (candidate / "psql").is_file()
        ):
            return candidate
    raise PostgresNotFound(
        "PostgreSQL server binaries not found: install Debian's postgresql or set POSTGRES_BINDIR"
    )


def server_os_user() -> str | None:
    """The unprivileged user to run servers as when we are root, or None to run them as ourselves."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    raise RuntimeError("running as root and neither the postgres nor the nobody user exists")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def random_password() -> str:
    """A strong password with the characters that break naive quoting in SQL and connection strings."""
    return f"{secrets.token_urlsafe(18)}' \\\"x"


@dataclass
class PostgresServer:
    """One throwaway PostgreSQL server."""

    name: str
    directory: Path
    bindir: Path
    os_user: str | None
    settings: Mapping[str, str]
    hba_rules: Sequence[str]
    port: int = 0

    @property
    def data_directory(self) -> Path:
        """The server's data directory."""
        return self.directory / "data"

    @property
    def log_file(self) -> Path:
        """The server's log, outside its data directory."""
        return self.directory / "server.log"

    def _run_as_owner(self, command: Sequence[str]) -> subprocess.CompletedProcess[str]:
        prefix = ["runuser", "-u", self.os_user, "--"] if self.os_user else []
        return subprocess.run([*prefix, *command], check=False, capture_output=True, text=True)

    def _check(self, result: subprocess.CompletedProcess[str], what: str) -> None:
        if result.returncode != 0:
            log = self.log_file.read_text()[-3000:] if self.log_file.exists() else ""
            raise RuntimeError(f"{what} failed for {self.name}:\n{result.stdout}\n{result.stderr}\n{log}")

    def initialise(self) -> None:
        """initdb the data directory and write the configuration and pg_hba.conf."""
        self.directory.mkdir(mode=0o700)
        if self.os_user:
            shutil.chown(self.directory, user=self.os_user)
        self._check(
            self._run_as_owner(
                [
                    str(self.bindir / "initdb"),
                    "--pgdata",
                    str(self.data_directory),
                    "--username",
                    SUPERUSER,
                    "--auth",
                    "reject",
                    "--encoding",
                    "UTF8",
                    "--locale",
                    "C",
                    "--no-sync",
                ]
            ),
            "initdb",
        )
        self.port = free_port()
        settings = {
            **TEST_SERVER_SETTINGS,
            **self.settings,
            "port": str(self.port),
            "unix_socket_directories": f"'{self.directory}'",
        }
        with (self.data_directory / "postgresql.conf").open("a") as conf:
            conf.write("\n# throwaway test server\n")
            conf.writelines(f"{key} = {value}\n" for key, value in settings.items())
        # The superuser only over this server's own socket; everyone else by password, as in production.
        hba = [f"local all {SUPERUSER} trust", *self.hba_rules]
        (self.data_directory / "pg_hba.conf").write_text("\n".join(hba) + "\n")

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        command = [
            str(self.bindir / "pg_ctl"),
            "--pgdata",
            str(self.data_directory),
            "--log",
            str(self.log_file),
        ]
        if self.os_user and not self.log_file.exists():
            self.log_file.touch()
            shutil.chown(self.log_file, user=self.os_user)
        self._check(self._run_as_owner([*command, "--wait", "--timeout", "60", "start"]), "pg_ctl start")

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (fast: clean shutdown; immediate: as if it crashed)."""
        command = [
            str(self.bindir / "pg_ctl"),
            "--pgdata",
            str(self.data_directory),
            "--mode",
            mode,
            "--wait",
        ]
        self._check(self._run_as_owner([*command, "stop"]), "pg_ctl stop")

    def is_running(self) -> bool:
        """Whether pg_ctl sees a running server."""
        command = [str(self.bindir / "pg_ctl"), "--pgdata", str(self.data_directory), "status"]
        return self._run_as_owner(command).returncode == 0

    def superuser_conninfo(self, database: str = "postgres") -> str:
        """Connection string for the superuser over the unix socket."""
        return f"host={self.directory} port={self.port} dbname={database} user={SUPERUSER}"

    def tcp_conninfo(self, database: str, user: str, password: str) -> str:
        """Connection string for a password-authenticated role over TCP, as a peer or a service would use."""
        return psycopg.conninfo.make_conninfo(
            host="127.0.0.1", port=self.port, dbname=database, user=user, password=password, sslmode="disable"
        )

    def connect(self, database: str = "postgres") -> psycopg.Connection[tuple[Any, ...]]:
        """An autocommit superuser connection."""
        return psycopg.connect(self.superuser_conninfo(database), autocommit=True)

    def query(
        self, database: str, sql: str, parameters: Sequence[Any] | None = None
    ) -> list[tuple[Any, ...]]:
        """Run one statement as the superuser and return its rows."""
        with self.connect(database) as connection:
            cursor = connection.execute(sql.encode(), parameters)
            return cursor.fetchall() if cursor.description else []

    def psql(
        self,
        database: str,
        script: str,
        variables: Mapping[str, str] | None = None,
        environment: Mapping[str, str] | None = None,
    ) -> subprocess.CompletedProcess[str]:
        """Run a psql script as the superuser, as the Kubernetes Jobs do; raise with its output on failure."""
        with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as file:
            file.write(script)
        try:
            env = {
                key: value for key, value in os.environ.items() if not key.startswith(("PG", "TELEMETRY_"))
            }
            env.update(environment or {})
            env.update({"PGHOST": str(self.directory), "PGPORT": str(self.port), "PGUSER": SUPERUSER})
            env["PGDATABASE"] = database
            arguments = telemetry_sql.psql_arguments(file.name, variables or {})
            result = subprocess.run(
                [str(self.bindir / "psql"), *arguments], check=False, capture_output=True, text=True, env=env
            )
        finally:
            os.unlink(file.name)
        if result.returncode != 0:
            raise RuntimeError(f"psql on {self.name}/{database} failed:\n{result.stdout}\n{result.stderr}")
        return result


@contextlib.contextmanager
def postgres_servers(
    specifications: Mapping[str, tuple[Mapping[str, str], Sequence[str]]],
) -> Iterator[dict[str, PostgresServer]]:
    """Start one server per name with (settings, pg_hba rules); stop and delete them all afterwards."""
    bindir = find_bindir()
    os_user = server_os_user()
    root = Path(tempfile.mkdtemp(prefix="telemetry-sql-"))
    os.chmod(root, 0o755)
    servers: dict[str, PostgresServer] = {}
    try:
        for name, (settings, hba_rules) in specifications.items():
            server = PostgresServer(name, root / name, bindir, os_user, settings, hba_rules)
            servers[name] = server
            server.initialise()
            server.start()
        yield servers
    finally:
        for server in servers.values():
            with contextlib.suppress(Exception):
                if server.is_running():
                    server.stop("fast")
        shutil.rmtree(root, ignore_errors=True)


@dataclass
class Region:
    """A region's telemetry store and exchange servers, with the passwords its Secrets would hold."""

    name: str
    store: PostgresServer
    exchange: PostgresServer
    passwords: dict[str, str] = field(default_factory=dict)

    def apply_store(self) -> None:
        """Run the store Job: migrations and configuration."""
        variables = telemetry_sql.store_variables(
            self.name,
            exchange_host="127.0.0.1",
            exchange_port=self.exchange.port,
            exchange_database=EXCHANGE_DATABASE,
            exchange_sslmode="disable",
            require_timescaledb=False,
        )
        environment = {
            telemetry_sql.PUBLISHER_PASSWORD_ENV: self.passwords[telemetry_sql.PUBLISHER_ROLE],
            telemetry_sql.WRITER_PASSWORD_ENV: self.passwords[telemetry_sql.WRITER_ROLE],
        }
        self.store.psql(STORE_DATABASE, telemetry_sql.store_job_script(), variables, environment)

    def apply_exchange(self, peers: Sequence[str]) -> None:
        """Run the exchange Job: migrations and configuration."""
        environment = {
            telemetry_sql.REPLICATION_PASSWORD_ENV: self.passwords[telemetry_sql.REPLICATION_ROLE],
            telemetry_sql.PUBLISHER_PASSWORD_ENV: self.passwords[telemetry_sql.PUBLISHER_ROLE],
        }
        variables = telemetry_sql.exchange_variables(self.name, peers)
        self.exchange.psql(EXCHANGE_DATABASE, telemetry_sql.exchange_job_script(), variables, environment)

    def subscribe_to(self, peer: Region) -> None:
        """Run the subscription Job that makes this region receive the peer's anonymised table."""
        variables = telemetry_sql.subscription_variables(
            peer.name, "127.0.0.1", peer.exchange.port, EXCHANGE_DATABASE, peer_sslmode="disable"
        )
        environment = {
            telemetry_sql.PEER_REPLICATION_PASSWORD_ENV: peer.passwords[telemetry_sql.REPLICATION_ROLE]
        }
        self.exchange.psql(EXCHANGE_DATABASE, telemetry_sql.subscription_script(), variables, environment)

    def anonymise(
        self, min_subjects: int = telemetry_sql.DEFAULT_MIN_SUBJECTS, grace_minutes: int = 0
    ) -> int:
        """Run the CronJob's statement once and return the number of hours it published."""
        rows = self.store.query(
            STORE_DATABASE, telemetry_sql.anonymise_statement(min_subjects, grace_minutes)
        )
        return int(rows[0][0])


def region_specifications(
    names: Sequence[str], extra_settings: Mapping[str, str] | None = None
) -> dict[str, tuple[Mapping[str, str], Sequence[str]]]:
    """Specifications of a store and an exchange per region, with the production pg_hba rules on loopback."""
    loopback = ["127.0.0.1/32"]
    specifications: dict[str, tuple[Mapping[str, str], Sequence[str]]] = {}
    for name in names:
        specifications[f"{name}-store"] = (
            dict(extra_settings or {}),
            telemetry_sql.store_pg_hba_rules(STORE_DATABASE, loopback, require_tls=False),
        )
        specifications[f"{name}-exchange"] = (
            {**telemetry_sql.EXCHANGE_SERVER_SETTINGS, **(extra_settings or {})},
            telemetry_sql.exchange_pg_hba_rules(EXCHANGE_DATABASE, loopback, loopback, require_tls=False),
        )
    return specifications


def create_regions(servers: Mapping[str, PostgresServer], names: Sequence[str]) -> dict[str, Region]:
    """Create the databases of each region and pick its passwords; nothing is migrated yet."""
    regions = {}
    for name in names:
        store, exchange = servers[f"{name}-store"], servers[f"{name}-exchange"]
        for server, database in ((store, STORE_DATABASE), (exchange, EXCHANGE_DATABASE)):
            for _ in range(2):  # the second run must find the database and do nothing
                server.psql("postgres", telemetry_sql.database_script(), {"database": database})
        passwords = {
            role: random_password()
            for role in (
                telemetry_sql.REPLICATION_ROLE,
                telemetry_sql.PUBLISHER_ROLE,
                telemetry_sql.WRITER_ROLE,
            )
        }
        regions[name] = Region(name, store, exchange, passwords)
    return regions


def provision(regions: Mapping[str, Region]) -> None:
    """Apply every Job of the full mesh: each region publishes its own table and subscribes to every other."""
    for region in regions.values():
        peers = [name for name in regions if name != region.name]
        region.apply_exchange(peers)
        region.apply_store()
    for region in regions.values():
        for peer in regions.values():
            if peer.name != region.name:
                region.subscribe_to(peer)


def wait_until(condition: Callable[[], bool], timeout: float, interval: float = 0.1) -> float:
    """Poll until condition() holds and return the seconds it took; raise TimeoutError after timeout."""
    started = time.monotonic()
    while True:
        if condition():
            return time.monotonic() - started
        if time.monotonic() - started > timeout:
            raise TimeoutError(f"condition not met within {timeout} s")
        time.sleep(interval)
