"""What the telemetry SQL module hands the Kubernetes Jobs, checked without a server."""

from __future__ import annotations

import ast
import re
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

import components.telemetry_sql as telemetry_sql


def test_migrations_are_numbered_without_gaps_in_apply_order() -> None:
    for migrations in (telemetry_sql.store_migrations(), telemetry_sql.exchange_migrations()):
        assert [migration.version for migration in migrations] == [
            f"{number:04d}" for number in range(1, len(migrations) + 1)
        ]
        assert all(migration.sql.strip() for migration in migrations)


def test_job_scripts_run_every_migration_in_order_with_its_checksum() -> None:
    script = telemetry_sql.store_job_script()
    positions = [script.index(migration.sql.strip()) for migration in telemetry_sql.store_migrations()]
    assert positions == sorted(positions)
    for migration in telemetry_sql.store_migrations():
        assert script.count(f"'{migration.checksum}'") == 2  # the guard and the bookkeeping row
    assert script.index("CALL telemetry_admin.configure(") > positions[-1]
    assert "psql variable services is not set" in script


def test_no_sql_file_holds_a_password_or_a_literal_credential() -> None:
    for path in telemetry_sql.SQL_DIRECTORY.rglob("*.sql"):
        text = re.sub(r"--.*$", "", path.read_text(), flags=re.MULTILINE)
        for match in re.finditer(r"\bPASSWORD\s+(\S+)", text, flags=re.IGNORECASE):
            # A psql variable filled from a Secret, or NULL: the inbox roles have no password at all.
            assert match.group(1).startswith((":'", "NULL")), f"{path.name}: {match.group()}"
        assert not re.search(r"\bpassword\s*'[^']", text, flags=re.IGNORECASE), path.name


@pytest.mark.parametrize("k", [9, 0, -1, True])
def test_k_below_the_floor_is_refused_before_any_sql_runs(k: int) -> None:
    with pytest.raises(ValueError, match="at least 10"):
        telemetry_sql.anonymise_statement(min_subjects=k)
    with pytest.raises(ValueError, match="at least 10"):
        telemetry_sql.PrivacyParameters(min_subjects=k)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("epsilon_per_hour", Decimal("2.001"), "epsilon_per_hour must lie in"),
        ("epsilon_per_hour", Decimal("0.09"), "epsilon_per_hour must lie in"),
        ("epsilon_per_hour", Decimal("0.1234"), "steps of 0.001"),
        ("max_groups_per_subject", 0, "max_groups_per_subject"),
        ("max_events_per_group", 101, "max_events_per_group"),
        ("latency_bound_ms", 0, "latency_bound_ms"),
        ("small_group_probability", 0.0, "small_group_probability"),
        ("small_group_probability", 0.02, "small_group_probability"),
    ],
)
def test_privacy_parameters_outside_their_bounds_are_refused(field: str, value: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        telemetry_sql.PrivacyParameters(**{field: value})  # type: ignore[arg-type]


def test_the_defaults_and_their_consequences_are_the_documented_ones() -> None:
    privacy = telemetry_sql.PrivacyParameters()
    assert privacy.epsilon_per_hour == Decimal("1.0")
    assert privacy.epsilon_per_day == Decimal("24.0")
    assert privacy.noise_scales() == {
        "subjects": Fraction(5),
        "events": Fraction(50),
        "errors": Fraction(50),
        "latency_ms_sum": Fraction(100_000),
    }
    assert privacy.threshold() == 42
    assert (Decimal("0.1"), Decimal("2.0")) == (telemetry_sql.EPSILON_FLOOR, telemetry_sql.EPSILON_CEILING)


def test_the_release_statement_carries_every_parameter() -> None:
    privacy = telemetry_sql.PrivacyParameters(epsilon_per_hour=Decimal("0.5"), min_subjects=25)
    statement = telemetry_sql.release_statement(privacy, grace_minutes=20, lookback_hours=48)
    assert statement == (
        "CALL telemetry_admin.release_closed_hours(min_subjects => 25, epsilon_per_hour => 0.5, "
        "max_groups_per_subject => 2, max_events_per_group => 5, latency_bound_ms => 2000, "
        "small_group_probability => 0.001, grace => interval '20 minutes', lookback => interval '48 hours');"
    )
    assert telemetry_sql.anonymise_statement(25).startswith(
        "CALL telemetry_admin.release_closed_hours(min_subjects => 25, epsilon_per_hour => 1.0,"
    )


@pytest.mark.parametrize(
    "services",
    [("ip-198-51-100-77",), ("device-4f9c2a7e",), ("user-alice",), ("Checkout",), ("other",), ("a", "a"), ()],
)
def test_vocabularies_refuse_identifier_shaped_reserved_and_malformed_names(
    services: tuple[str, ...],
) -> None:
    with pytest.raises(ValueError):
        telemetry_sql.Vocabulary(services=services)


def test_a_vocabulary_becomes_the_job_variables() -> None:
    vocabulary = telemetry_sql.Vocabulary(services=("checkout", "search"), metrics=("request", "query"))
    assert telemetry_sql.store_job_variables("eu", vocabulary) == {
        "region": "eu",
        "services": "checkout,search",
        "metrics": "request,query",
        "require_timescaledb": "true",
    }
    assert telemetry_sql.exchange_variables("eu", ["india"], vocabulary)["services"] == "checkout,search"


@pytest.mark.parametrize("region", ["EU", "eu-west-1", "1eu", "", "a" * 21, "eu;drop"])
def test_region_labels_that_cannot_name_sql_objects_are_refused(region: str) -> None:
    with pytest.raises(ValueError, match="region label"):
        telemetry_sql.store_job_variables(region, telemetry_sql.Vocabulary(("checkout",)))


def test_a_region_cannot_be_its_own_peer() -> None:
    with pytest.raises(ValueError, match="own peer"):
        telemetry_sql.exchange_variables("eu", ["india", "eu"])
    assert telemetry_sql.exchange_variables("eu", ["india"]) == {"region": "eu", "peer_regions": "india"}


def test_every_client_verifies_the_server_and_no_prefer_or_plain_path_exists() -> None:
    assert telemetry_sql.client_tls_environment("/tls/ca.crt")["PGSSLMODE"] == "verify-full"
    writer = telemetry_sql.writer_conninfo(
        "store", "telemetry", "/tls/ca.crt", 5432, "checkout", "/tls/tls.crt", "/tls/tls.key"
    )
    assert "sslmode='verify-full'" in writer and "user='telemetry_writer_checkout'" in writer
    push = (telemetry_sql.SQL_DIRECTORY / "store" / "0004_push_to_peers.sql").read_text()
    assert "'verify-full'" in push
    for path in telemetry_sql.SQL_DIRECTORY.rglob("*.sql"):
        text = path.read_text()
        assert "prefer" not in text and "sslmode=disable" not in text, path.name
    settings = telemetry_sql.server_tls_settings("/tls/server.crt", "/tls/server.key", "/tls/peers.crt")
    assert settings["ssl"] == "on"
    assert settings["ssl_min_protocol_version"] == "'TLSv1.3'"
    with pytest.raises(ValueError):
        telemetry_sql.PeerLink("india", "exchange.example", "relative/ca.crt", "/c.crt", "/c.key")


def test_store_pg_hba_refuses_plaintext_before_anything_else() -> None:
    rules = telemetry_sql.store_pg_hba_rules("telemetry", ["10.10.0.0/16"])
    assert rules[0] == "hostnossl all all all reject"
    assert not [rule for rule in rules if rule.startswith("host ") and not rule.endswith("reject")]


def test_store_pg_hba_admits_writers_only_by_certificate_and_never_the_shared_role() -> None:
    rules = telemetry_sql.store_pg_hba_rules("telemetry", ["10.10.0.0/16", "10.10.0.0/16"])
    accepting = [rule for rule in rules if not rule.endswith("reject")]
    assert accepting == ["hostssl telemetry +telemetry_writer 10.10.0.0/16 cert"]
    # The group itself is refused before the certificate line could match it (a role is its own member).
    assert rules.index("host all telemetry_writer all reject") < rules.index(accepting[0])
    assert not [rule for rule in rules if "scram" in rule or "md5" in rule or "password" in rule]


def test_a_writer_conninfo_without_its_service_and_certificate_is_refused() -> None:
    with pytest.raises(ValueError, match="shared telemetry_writer role has no login"):
        telemetry_sql.writer_conninfo("store", "telemetry", "/tls/ca.crt")
    with pytest.raises(ValueError, match="certificate"):
        telemetry_sql.writer_conninfo("store", "telemetry", "/tls/ca.crt", 5432, "checkout")
    assert not hasattr(telemetry_sql, "WRITER_PASSWORD_ENV")


def test_psql_arguments_stop_on_the_first_error_and_pass_no_secret() -> None:
    arguments = telemetry_sql.psql_arguments("/sql/job.sql", {"region": "eu"})
    assert arguments[:5] == ["--no-psqlrc", "--set", "ON_ERROR_STOP=1", "--file", "/sql/job.sql"]
    assert arguments[5:] == ["--set", "region=eu"]


def test_exchange_pg_hba_admits_each_peer_only_by_certificate_over_tls_to_the_exchange_database() -> None:
    rules = telemetry_sql.exchange_pg_hba_rules("telemetry_exchange", {"india": ["10.20.0.0/16"]})
    assert rules[:2] == ["hostnossl all all all reject", "host replication all all reject"]
    assert "host all telemetry_inbox_india all reject" in rules
    accepting = [rule for rule in rules if not rule.endswith("reject")]
    assert accepting == ["hostssl telemetry_exchange telemetry_inbox_india 10.20.0.0/16 cert"]
    with pytest.raises(ValueError):
        telemetry_sql.exchange_pg_hba_rules("telemetry_exchange", {"india": ["10.20.0.1/16"]})


def test_the_package_imports_nothing_from_pulumi() -> None:
    modules = sorted(Path(telemetry_sql.__file__).parent.glob("*.py"))
    assert {m.name for m in modules} >= {"__init__.py", "privacy.py", "connections.py", "scripts.py"}
    for module in modules:
        imported = {
            alias.name.split(".")[0]
            for node in ast.walk(ast.parse(module.read_text()))
            if isinstance(node, ast.Import | ast.ImportFrom)
            for alias in (node.names if isinstance(node, ast.Import) else [ast.alias(node.module or "")])
        }
        assert not {name for name in imported if name.startswith("pulumi")}, module.name


def test_every_module_of_the_package_stays_small_and_the_public_names_stay_importable() -> None:
    for module in Path(telemetry_sql.__file__).parent.glob("*.py"):
        assert len(module.read_text().splitlines()) <= 500, module.name
    for name in (
        "PrivacyParameters",
        "Vocabulary",
        "PeerLink",
        "release_statement",
        "push_statement",
        "store_job_script",
        "store_pg_hba_rules",
        "writer_conninfo",
        "writer_role",
        "SQL_DIRECTORY",
        "MIN_SUBJECTS_FLOOR",
    ):
        assert hasattr(telemetry_sql, name), name
