"""What the telemetry SQL module hands the Kubernetes Jobs, checked without a server."""

from __future__ import annotations

import ast
import re
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


def test_no_sql_file_holds_a_password_or_a_literal_credential() -> None:
    for path in telemetry_sql.SQL_DIRECTORY.rglob("*.sql"):
        text = re.sub(r"--.*$", "", path.read_text(), flags=re.MULTILINE)
        for match in re.finditer(r"\bPASSWORD\s+(\S+)", text, flags=re.IGNORECASE):
            assert match.group(1).startswith(":'"), f"{path.name}: {match.group()}"
        assert not re.search(r"\bpassword\s*'[^']", text, flags=re.IGNORECASE), path.name


@pytest.mark.parametrize("k", [9, 0, -1, True])
def test_k_below_the_floor_is_refused_before_any_sql_runs(k: int) -> None:
    with pytest.raises(ValueError, match="at least 10"):
        telemetry_sql.anonymise_statement(min_subjects=k)


def test_the_anonymisation_statement_carries_k_grace_and_lookback() -> None:
    statement = telemetry_sql.anonymise_statement(min_subjects=25, grace_minutes=20, lookback_hours=48)
    assert statement == (
        "SELECT telemetry_admin.publish_closed_buckets(min_subjects => 25, "
        "grace => interval '20 minutes', lookback => interval '48 hours');"
    )


@pytest.mark.parametrize("region", ["EU", "eu-west-1", "1eu", "", "a" * 21, "eu;drop"])
def test_region_labels_that_cannot_name_sql_objects_are_refused(region: str) -> None:
    with pytest.raises(ValueError, match="region label"):
        telemetry_sql.store_variables(region, "exchange.telemetry.svc")


def test_a_region_cannot_be_its_own_peer() -> None:
    with pytest.raises(ValueError, match="own peer"):
        telemetry_sql.exchange_variables("eu", ["india", "eu"])
    assert telemetry_sql.exchange_variables("eu", ["india"]) == {"region": "eu", "peer_regions": "india"}


def test_production_defaults_require_tls_and_timescaledb() -> None:
    store = telemetry_sql.store_variables("eu", "exchange.telemetry.svc")
    assert store["exchange_sslmode"] == "require"
    assert store["require_timescaledb"] == "true"
    assert telemetry_sql.subscription_variables("india", "10.20.0.5")["peer_sslmode"] == "require"
    with pytest.raises(ValueError, match="sslmode"):
        telemetry_sql.subscription_variables("india", "10.20.0.5", peer_sslmode="none")


def test_psql_arguments_stop_on_the_first_error_and_pass_no_secret() -> None:
    arguments = telemetry_sql.psql_arguments("/sql/job.sql", {"region": "eu"})
    assert arguments[:5] == ["--no-psqlrc", "--set", "ON_ERROR_STOP=1", "--file", "/sql/job.sql"]
    assert arguments[5:] == ["--set", "region=eu"]


def test_exchange_pg_hba_admits_the_replication_role_only_from_the_peer_to_the_exchange_database() -> None:
    rules = telemetry_sql.exchange_pg_hba_rules("telemetry_exchange", ["10.20.0.0/16"], ["10.10.0.0/16"])
    assert rules[0] == "hostssl telemetry_exchange telemetry_replicator 10.20.0.0/16 scram-sha-256"
    assert rules[1] == "hostssl telemetry_exchange telemetry_publisher 10.10.0.0/16 scram-sha-256"
    # Physical replication (pg_basebackup) and every other database are rejected for both roles.
    assert "host replication telemetry_replicator all reject" in rules
    assert "host all telemetry_replicator all reject" in rules
    accepting = [rule for rule in rules if not rule.endswith("reject")]
    assert all(" telemetry_exchange " in rule and "scram-sha-256" in rule for rule in accepting)
    with pytest.raises(ValueError):
        telemetry_sql.exchange_pg_hba_rules("telemetry_exchange", ["10.20.0.1/16"], [])


def test_the_module_imports_nothing_from_pulumi() -> None:
    source = Path(telemetry_sql.__file__).read_text()
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in (node.names if isinstance(node, ast.Import) else [ast.alias(node.module or "")])
    }
    assert not {name for name in imported if name.startswith("pulumi")}
