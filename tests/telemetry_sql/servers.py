"""Throwaway PostgreSQL servers and provisioned regions, shared by the tests and the benchmark.

Servers are created with initdb in their own temporary directory, listen on 127.0.0.1 on free ports with
their unix sockets beside their data, and are stopped and removed on exit. initdb refuses to run as root, so
when this runs as root (CI) the servers run as the `postgres` user (or `nobody`) through runuser.

Every region gets its own certificate authority, as each stack will: server certificates for its store and
exchange (for 127.0.0.1 and localhost), and the client certificate its store pushes to the peers with. TCP
connections use TLS 1.3, verified (verify-full). Nothing a server writes is shared between two calls, so test
sessions can run side by side (pytest-xdist): directories come from mkdtemp, ports are free ones.

initdb runs once per process: every server's data directory is a copy of that first, untouched cluster
(initdb's output depends only on its arguments, which are the same for every server here), made before the
server's own configuration is written. A copy takes milliseconds where initdb takes seconds of CPU. The copies
share initdb's system identifier: a test that needs two clusters told apart by it (the restore guard's
incarnations, migration 0009) must give one of them a cluster of its own.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime
import functools
import ipaddress
import os
import pwd
import secrets
import select
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, timedelta
from pathlib import Path
from typing import Any

import psycopg
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

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


TEST_WRITERS = ("checkout", "search", "feed")
"""The services whose writer roles the tests' store Job enables (each logs in by its certificate)."""
TEST_VOCABULARY = telemetry_sql.Vocabulary(
    services=(
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
        "wishlist",
        "gateway",
        "stream",
        "outage",
        "timezone",
        "identity",
        "writer",
    ),
    metrics=("request", "query"),
)
"""The services and metrics the test regions are configured with; everything else counts as 'other'."""


def pem(private_key: ec.EllipticCurvePrivateKey) -> bytes:
    """A private key as unencrypted PKCS#8 PEM, as PostgreSQL and libpq read it."""
    return private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


class CertificateAuthority:
    """A region's CA, as the program will create per stack (pulumi-tls); its key never leaves the object."""

    def __init__(self, name: str) -> None:
        self._key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        now = datetime.datetime.now(UTC)
        self.certificate = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(subject)
            .public_key(self._key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + timedelta(days=2))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=False,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .sign(self._key, hashes.SHA256())
        )

    @property
    def certificate_pem(self) -> bytes:
        """The CA certificate: public, the one thing a stack copies from its peer."""
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    def issue(self, common_name: str, *, server: bool, hosts: Sequence[str] = ()) -> tuple[bytes, bytes]:
        """A leaf certificate and its key (PEM); a server certificate names `hosts` (DNS names or IPs)."""
        key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.datetime.now(UTC)
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)]))
            .issuer_name(self.certificate.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.ExtendedKeyUsage(
                    [ExtendedKeyUsageOID.SERVER_AUTH if server else ExtendedKeyUsageOID.CLIENT_AUTH]
                ),
                critical=False,
            )
        )
        if hosts:
            names: list[x509.GeneralName] = []
            for host in hosts:
                try:
                    names.append(x509.IPAddress(ipaddress.ip_address(host)))
                except ValueError:
                    names.append(x509.DNSName(host))
            builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
        certificate = builder.sign(self._key, hashes.SHA256())
        return certificate.public_bytes(serialization.Encoding.PEM), pem(key)


SERVER_HOSTS = ("127.0.0.1", "localhost")


@dataclass(frozen=True)
class ServerSpecification:
    """What a throwaway server starts with; "{directory}" in a setting is the server's own directory."""

    settings: Mapping[str, str]
    hba_rules: Sequence[str]
    files: Mapping[str, bytes] = field(default_factory=dict)
    """Written into the server's directory before it starts, readable by the server's user only."""


def _run_as(os_user: str | None, command: Sequence[str]) -> subprocess.CompletedProcess[str]:
    prefix = ["runuser", "-u", os_user, "--"] if os_user else []
    return subprocess.run([*prefix, *command], check=False, capture_output=True, text=True)


@functools.cache
def initdb_cluster(bindir: Path, os_user: str | None) -> Path:
    """A fresh cluster from initdb, made once per process and removed at its exit; servers start from copies.

    The superuser, authentication, encoding and locale are the same for every server; each server then writes
    its own postgresql.conf settings, pg_hba.conf, port and files into its copy.
    """
    root = Path(tempfile.mkdtemp(prefix="telemetry-sql-initdb-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    os.chmod(root, 0o755)
    if os_user:
        shutil.chown(root, user=os_user)
    cluster = root / "data"
    command = [
        str(bindir / "initdb"),
        "--pgdata",
        str(cluster),
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
    result = _run_as(os_user, command)
    if result.returncode != 0:
        raise RuntimeError(f"initdb failed:\n{result.stdout}\n{result.stderr}")
    return cluster


@dataclass
class PostgresServer:
    """One throwaway PostgreSQL server."""

    name: str
    directory: Path
    bindir: Path
    os_user: str | None
    settings: Mapping[str, str]
    hba_rules: Sequence[str]
    files: Mapping[str, bytes] = field(default_factory=dict)
    port: int = 0

    @property
    def data_directory(self) -> Path:
        """The server's data directory."""
        return self.directory / "data"

    @property
    def log_file(self) -> Path:
        """The server's log, outside its data directory."""
        return self.directory / "server.log"

    @property
    def server_ca_file(self) -> Path:
        """The CA certificate that issued this server's certificate (what clients verify against)."""
        return self.directory / "ca.crt"

    def _run_as_owner(self, command: Sequence[str]) -> subprocess.CompletedProcess[str]:
        return _run_as(self.os_user, command)

    def _check(self, result: subprocess.CompletedProcess[str], what: str) -> None:
        if result.returncode != 0:
            log = self.log_file.read_text()[-3000:] if self.log_file.exists() else ""
            raise RuntimeError(f"{what} failed for {self.name}:\n{result.stdout}\n{result.stderr}\n{log}")

    def write_file(self, name: str, content: bytes) -> Path:
        """A file in the server's directory that only the server's user can read (keys need exactly that)."""
        path = self.directory / name
        path.write_bytes(content)
        os.chmod(path, 0o600)
        if self.os_user:
            shutil.chown(path, user=self.os_user)
        return path

    def initialise(self) -> None:
        """initdb the data directory and write the configuration, pg_hba.conf and the server's files."""
        self.directory.mkdir(mode=0o700)
        if self.os_user:
            shutil.chown(self.directory, user=self.os_user)
        # The test process (root in CI) reads the CA certificates to verify servers; keys stay 0600.
        os.chmod(self.directory, 0o755)
        for name, content in self.files.items():
            self.write_file(name, content)
        template = initdb_cluster(self.bindir, self.os_user)
        copy = ["cp", "-a", str(template), str(self.data_directory)]
        self._check(self._run_as_owner(copy), "copying the initdb cluster")
        self.port = free_port()
        settings = {
            **TEST_SERVER_SETTINGS,
            **{
                key: value.replace("{directory}", str(self.directory)) for key, value in self.settings.items()
            },
            "port": str(self.port),
            "unix_socket_directories": f"'{self.directory}'",
        }
        with (self.data_directory / "postgresql.conf").open("a") as conf:
            conf.write("\n# throwaway test server\n")
            conf.writelines(f"{key} = {value}\n" for key, value in settings.items())
        # The superuser over this server's own socket; every TCP connection as the rules say.
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

    def tcp_conninfo(self, database: str, user: str, password: str | None = None, **options: str) -> str:
        """A TCP connection string as a service or a peer uses it: TLS 1.3, the server verified."""
        settings: dict[str, Any] = {
            "host": "127.0.0.1",
            "port": self.port,
            "dbname": database,
            "user": user,
            "sslmode": "verify-full",
            "sslrootcert": str(self.server_ca_file),
            "ssl_min_protocol_version": telemetry_sql.TLS_MIN_PROTOCOL,
            "connect_timeout": "10",
            **options,
        }
        if password is not None:
            settings["password"] = password
        return psycopg.conninfo.make_conninfo(**settings)

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
        over_tls: bool = False,
    ) -> subprocess.CompletedProcess[str]:
        """Run a psql script as the superuser, as the Kubernetes Jobs do; raise with its output on failure.

        over_tls connects as the Jobs do in the cluster, over TCP with the client TLS environment the SQL
        layer prescribes (PGPASSWORD then comes from `environment`); otherwise over the server's own socket.
        """
        with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as file:
            file.write(script)
        try:
            env = {
                key: value for key, value in os.environ.items() if not key.startswith(("PG", "TELEMETRY_"))
            }
            if over_tls:
                env.update(telemetry_sql.client_tls_environment(str(self.server_ca_file)))
                env.update({"PGHOST": "127.0.0.1", "PGPORT": str(self.port), "PGUSER": SUPERUSER})
            else:
                env.update({"PGHOST": str(self.directory), "PGPORT": str(self.port), "PGUSER": SUPERUSER})
            env["PGDATABASE"] = database
            # Last, so that a test can replace any of the above (a wrong CA, say).
            env.update(environment or {})
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
    specifications: Mapping[str, ServerSpecification | tuple[Mapping[str, str], Sequence[str]]],
) -> Iterator[dict[str, PostgresServer]]:
    """Start one server per name; stop and delete them all afterwards."""
    bindir = find_bindir()
    os_user = server_os_user()
    root = Path(tempfile.mkdtemp(prefix="telemetry-sql-"))
    os.chmod(root, 0o755)
    servers: dict[str, PostgresServer] = {}
    try:
        for name, given in specifications.items():
            specification = given if isinstance(given, ServerSpecification) else ServerSpecification(*given)
            server = PostgresServer(
                name,
                root / name,
                bindir,
                os_user,
                specification.settings,
                specification.hba_rules,
                specification.files,
            )
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
    """A region's telemetry store and exchange servers, its CA, and the passwords its Secrets would hold."""

    name: str
    store: PostgresServer
    exchange: PostgresServer
    authority: CertificateAuthority
    vocabulary: telemetry_sql.Vocabulary = TEST_VOCABULARY
    passwords: dict[str, str] = field(default_factory=dict)

    def apply_store(self, writers: Sequence[str] = TEST_WRITERS) -> None:
        """Run the store Job: migrations and configuration, with these services' writer roles."""
        variables = telemetry_sql.store_job_variables(
            self.name, self.vocabulary, require_timescaledb=False, writers=writers
        )
        self.store.psql(STORE_DATABASE, telemetry_sql.store_job_script(), variables)

    def writer_files(self, service: str, authority: CertificateAuthority | None = None) -> tuple[Path, Path]:
        """A service's client certificate and key (from the region's CA unless another is given), as files."""
        role = telemetry_sql.writer_role(service)
        issuer = authority or self.authority
        certificate, key = issuer.issue(role, server=False)
        # Beside the servers' directories, removed with them.
        directory = Path(
            tempfile.mkdtemp(prefix=f"{self.name}-writer-{service}-", dir=self.store.directory.parent)
        )
        certificate_file, key_file = directory / "tls.crt", directory / "tls.key"
        certificate_file.write_bytes(certificate)
        key_file.write_bytes(key)
        key_file.chmod(0o600)
        return certificate_file, key_file

    def writer_conninfo(self, service: str, authority: CertificateAuthority | None = None) -> str:
        """How a service connects to this region's store: its own role, its certificate, verify-full."""
        certificate_file, key_file = self.writer_files(service, authority)
        return telemetry_sql.writer_conninfo(
            "127.0.0.1",
            STORE_DATABASE,
            str(self.store.server_ca_file),
            self.store.port,
            service,
            str(certificate_file),
            str(key_file),
        )

    def writer(self, service: str = "checkout") -> psycopg.Connection[tuple[Any, ...]]:
        """A session of one service's writer role, logged in by its client certificate."""
        return psycopg.connect(self.writer_conninfo(service))

    def apply_exchange(self, peers: Sequence[str]) -> None:
        """Run the exchange Job: migrations and configuration."""
        variables = telemetry_sql.exchange_variables(self.name, peers, self.vocabulary)
        self.exchange.psql(EXCHANGE_DATABASE, telemetry_sql.exchange_job_script(), variables)

    def peer_link(
        self, peer: Region, port: int | None = None, host: str = "127.0.0.1"
    ) -> telemetry_sql.PeerLink:
        """Where this region's store pushes to the peer: its exchange (or a proxy in front of it)."""
        return telemetry_sql.PeerLink(
            peer_region=peer.name,
            host=host,
            port=port or peer.exchange.port,
            database=EXCHANGE_DATABASE,
            server_ca_file=str(self.store.directory / f"peer-ca-{peer.name}.crt"),
            client_certificate_file=str(self.store.directory / "client.crt"),
            client_key_file=str(self.store.directory / "client.key"),
        )

    def link_to(self, peer: Region, port: int | None = None, host: str = "127.0.0.1") -> None:
        """Run the peer-link Job on this region's store: push to the peer's exchange (or through a proxy)."""
        variables = telemetry_sql.peer_link_variables(self.peer_link(peer, port, host))
        self.store.psql(STORE_DATABASE, telemetry_sql.peer_link_script(), variables)

    def release(
        self,
        privacy: telemetry_sql.PrivacyParameters | None = None,
        as_of: datetime.datetime | None = None,
        lookback_hours: int = telemetry_sql.DEFAULT_LOOKBACK_HOURS,
        grace_minutes: int = 0,
        push: bool = True,
    ) -> int:
        """Run the release once (at `as_of`, default now) and return the hours it released.

        push=True is the combined statement (release, then push); push=False what the release CronJob runs.
        """
        statement = telemetry_sql.release_statement(privacy, grace_minutes, lookback_hours, push=push)
        if as_of is not None:
            statement = statement.replace(");", ", as_of => %s);")
        with self.store.connect(STORE_DATABASE) as connection:
            row = connection.execute(statement.encode(), [as_of] if as_of is not None else None).fetchone()
        assert row is not None
        return int(row[0])

    def release_hours(
        self,
        first_hour: datetime.datetime,
        hours: int = 1,
        privacy: telemetry_sql.PrivacyParameters | None = None,
        push: bool = True,
    ) -> int:
        """Release exactly the closed hours [first_hour, first_hour + hours), as a run right after them."""
        return self.release(
            privacy, as_of=first_hour + timedelta(hours=hours), lookback_hours=hours, push=push
        )

    def push(self, lookback_hours: int = telemetry_sql.DEFAULT_LOOKBACK_HOURS) -> None:
        """Run the push CronJob's statement once: the ledger's hours to every linked peer."""
        with self.store.connect(STORE_DATABASE) as connection:
            connection.execute(telemetry_sql.push_statement(lookback_hours).encode())


def region_authorities(names: Sequence[str]) -> dict[str, CertificateAuthority]:
    """One CA per region, as each stack creates its own."""
    return {name: CertificateAuthority(f"telemetry CA {name}") for name in names}


def region_specifications(
    names: Sequence[str],
    extra_settings: Mapping[str, str] | None = None,
    authorities: Mapping[str, CertificateAuthority] | None = None,
) -> dict[str, ServerSpecification]:
    """A store and an exchange per region, with the production pg_hba rules and TLS settings on loopback."""
    authorities = authorities or region_authorities(names)
    loopback = ["127.0.0.1/32"]
    # In tests the superuser may also come over TCP, with TLS and a password, as the Jobs do in the cluster.
    superuser_tcp = f"hostssl all {SUPERUSER} 127.0.0.1/32 scram-sha-256"
    specifications: dict[str, ServerSpecification] = {}
    for name in names:
        authority = authorities[name]
        peers = [peer for peer in names if peer != name]
        store_certificate, store_key = authority.issue(f"{name} store", server=True, hosts=SERVER_HOSTS)
        client_certificate, client_key = authority.issue(telemetry_sql.inbox_role(name), server=False)
        specifications[f"{name}-store"] = ServerSpecification(
            {
                **telemetry_sql.STORE_SERVER_SETTINGS,
                # The region's own CA: services' writer roles log in with certificates it issues.
                **telemetry_sql.server_tls_settings(
                    "{directory}/server.crt", "{directory}/server.key", "{directory}/ca.crt"
                ),
                **(extra_settings or {}),
            },
            [
                *telemetry_sql.store_pg_hba_rules(STORE_DATABASE, loopback),
                superuser_tcp,
            ],
            {
                "server.crt": store_certificate,
                "server.key": store_key,
                "ca.crt": authority.certificate_pem,
                "client.crt": client_certificate,
                "client.key": client_key,
                **{f"peer-ca-{peer}.crt": authorities[peer].certificate_pem for peer in peers},
            },
        )
        exchange_certificate, exchange_key = authority.issue(
            f"{name} exchange", server=True, hosts=SERVER_HOSTS
        )
        specifications[f"{name}-exchange"] = ServerSpecification(
            {
                **telemetry_sql.EXCHANGE_SERVER_SETTINGS,
                # A region without peers trusts no client certificate at all.
                **telemetry_sql.server_tls_settings(
                    "{directory}/server.crt",
                    "{directory}/server.key",
                    "{directory}/peer-cas.crt" if peers else None,
                ),
                **(extra_settings or {}),
            },
            [
                *telemetry_sql.exchange_pg_hba_rules(EXCHANGE_DATABASE, {peer: loopback for peer in peers}),
                superuser_tcp,
            ],
            {
                "server.crt": exchange_certificate,
                "server.key": exchange_key,
                "ca.crt": authority.certificate_pem,
                "peer-cas.crt": b"".join(authorities[peer].certificate_pem for peer in peers),
            },
        )
    return specifications


def create_regions(
    servers: Mapping[str, PostgresServer],
    names: Sequence[str],
    authorities: Mapping[str, CertificateAuthority] | None = None,
    vocabulary: telemetry_sql.Vocabulary = TEST_VOCABULARY,
) -> dict[str, Region]:
    """Create the databases of each region and pick its passwords; nothing is migrated yet."""
    authorities = authorities or region_authorities(names)
    regions = {}
    for name in names:
        store, exchange = servers[f"{name}-store"], servers[f"{name}-exchange"]
        for server, database in ((store, STORE_DATABASE), (exchange, EXCHANGE_DATABASE)):
            for _ in range(2):  # the second run must find the database and do nothing
                server.psql("postgres", telemetry_sql.database_script(), {"database": database})
        passwords = {SUPERUSER: random_password()}
        for server in (store, exchange):
            with server.connect() as connection:
                # As the Jobs do (hide_secrets.sql): a statement carrying a password never reaches the log.
                connection.execute((telemetry_sql.SQL_DIRECTORY / "hide_secrets.sql").read_text().encode())
                connection.execute(
                    psycopg.sql.SQL("ALTER ROLE {} PASSWORD {}").format(
                        psycopg.sql.Identifier(SUPERUSER), psycopg.sql.Literal(passwords[SUPERUSER])
                    )
                )
        regions[name] = Region(name, store, exchange, authorities[name], vocabulary, passwords)
    return regions


@contextlib.contextmanager
def running_regions(
    names: Sequence[str],
    extra_settings: Mapping[str, str] | None = None,
    vocabulary: telemetry_sql.Vocabulary = TEST_VOCABULARY,
) -> Iterator[dict[str, Region]]:
    """Each region's CA and both its servers, started, with their databases; nothing migrated yet."""
    authorities = region_authorities(names)
    specifications = region_specifications(names, extra_settings, authorities)
    with postgres_servers(specifications) as servers:
        yield create_regions(servers, names, authorities, vocabulary)


def provision(regions: Mapping[str, Region]) -> None:
    """Apply every Job of the full mesh: each exchange receives from every other region, each store pushes."""
    for region in regions.values():
        peers = [name for name in regions if name != region.name]
        region.apply_exchange(peers)
        region.apply_store()
    for region in regions.values():
        for peer in regions.values():
            if peer.name != region.name:
                region.link_to(peer)


def wait_until(condition: Callable[[], bool], timeout: float, interval: float = 0.1) -> float:
    """Poll until condition() holds and return the seconds it took; raise TimeoutError after timeout."""
    started = time.monotonic()
    while True:
        if condition():
            return time.monotonic() - started
        if time.monotonic() - started > timeout:
            raise TimeoutError(f"condition not met within {timeout} s")
        time.sleep(interval)


SSL_REQUEST = (8).to_bytes(4, "big") + (80877103).to_bytes(4, "big")
"""The first 8 bytes a libpq client sends when it wants TLS."""


class RecordingProxy:
    """A TCP proxy on loopback in front of a server that records every byte, as an attacker on the path would.

    mode "forward" relays both ways untouched. "refuse_tls" answers a client's SSLRequest with 'N' (no TLS
    here), the downgrade a path attacker can always attempt, then relays in the clear. "impostor" answers 'S'
    and completes TLS itself with a certificate from its own CA, as an attacker who intercepts the connection.
    """

    def __init__(self, target_port: int, mode: str = "forward") -> None:
        if mode not in ("forward", "refuse_tls", "impostor"):
            raise ValueError(f"unknown proxy mode {mode!r}")
        self.target_port = target_port
        self.mode = mode
        self.client_bytes = bytearray()
        self.server_bytes = bytearray()
        self.connections = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self.port = int(self._listener.getsockname()[1])
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        if mode == "impostor":
            impostor = CertificateAuthority("impostor CA")
            certificate, key = impostor.issue("impostor", server=True, hosts=SERVER_HOSTS)
            self._directory = Path(tempfile.mkdtemp(prefix="telemetry-proxy-"))
            (self._directory / "server.crt").write_bytes(certificate)
            (self._directory / "server.key").write_bytes(key)
            self._tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self._tls.load_cert_chain(self._directory / "server.crt", self._directory / "server.key")

    def __enter__(self) -> RecordingProxy:
        thread = threading.Thread(target=self._accept, daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stopping.set()
        for thread in self._threads:
            thread.join(timeout=5)
        self._listener.close()
        if self.mode == "impostor":
            shutil.rmtree(self._directory, ignore_errors=True)

    @property
    def recorded(self) -> bytes:
        """Everything that crossed the proxy, both directions."""
        with self._lock:
            return bytes(self.client_bytes) + bytes(self.server_bytes)

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            thread = threading.Thread(target=self._serve, args=(client,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _serve(self, client: socket.socket) -> None:
        with contextlib.suppress(OSError, ssl.SSLError), client:
            client.settimeout(10)
            if self.mode != "forward":
                first = client.recv(8)
                self._record(self.client_bytes, first)
                if first == SSL_REQUEST:
                    if self.mode == "refuse_tls":
                        client.sendall(b"N")
                    else:
                        client.sendall(b"S")
                        with self._tls.wrap_socket(client, server_side=True) as tls:
                            tls.recv(1024)
                        return
                with socket.create_connection(("127.0.0.1", self.target_port), timeout=10) as server:
                    self._relay(client, server)
                return
            with socket.create_connection(("127.0.0.1", self.target_port), timeout=10) as server:
                self._relay(client, server)

    def _relay(self, client: socket.socket, server: socket.socket) -> None:
        deadline = time.monotonic() + 60
        while not self._stopping.is_set() and time.monotonic() < deadline:
            readable, _, _ = select.select([client, server], [], [], 0.2)
            for source in readable:
                data = source.recv(65536)
                if not data:
                    return
                if source is client:
                    self._record(self.client_bytes, data)
                    server.sendall(data)
                else:
                    self._record(self.server_bytes, data)
                    client.sendall(data)

    def _record(self, buffer: bytearray, data: bytes) -> None:
        with self._lock:
            buffer.extend(data)
