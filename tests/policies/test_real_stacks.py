"""Both real region stacks pass every rule, previewed before they exist and after they are deployed.

The offline preview's recorder runs the stack's program (its `Pulumi.<stack>.yaml`) and records each
registration as the engine would see it; the requests built from it go through the pack as the engine sends
them. Two recordings per stack: the first preview (computed values unknown) and a preview of the deployed
stack (`deployed_stack`: ids and outputs known, as for unchanged resources). A clean result only counts if
the pack really looks at the recorded resources, so each rule is also shown to fire when one property of
the recorded PII database is changed.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from offline_preview.analysis import analyze_request, analyze_stack_request
from offline_preview.project import load_stack
from tests.policies.deployed_stack import record_deployed
from tests.policies.policy_harness import (
    EU_CONFIG,
    INDIA_CONFIG,
    POLICIES_DIR,
    UNKNOWN,
    Diagnostic,
    configured_servicer,
    diagnostics,
)
from tests.session_cache import recorded_registrations, shared

Registration = dict[str, Any]


pytestmark = pytest.mark.mode_independent

RECORDINGS = ("preview", "deployed")


def _recorded(stack: str, recording: str = "preview") -> tuple[Registration, ...]:
    """The stack's recording, once a session (the preview recording is the one the preview tests read)."""
    if recording == "deployed":
        return shared(
            ("tests.policies.deployed_stack.record_deployed", str(POLICIES_DIR.parent), stack),
            lambda: tuple(record_deployed(load_stack(POLICIES_DIR.parent, stack))),
        )
    return recorded_registrations(POLICIES_DIR.parent, stack)


def _pack(registrations: list[Registration], config: dict[str, Any]) -> list[Diagnostic]:
    servicer = configured_servicer(config)
    by_urn = {r["urn"]: r for r in registrations}
    responses = [
        servicer.Analyze(analyze_request(r, by_urn), None) for r in registrations if r.get("custom", True)
    ]
    responses.append(servicer.AnalyzeStack(analyze_stack_request(registrations), None))
    return diagnostics(responses)


def _database(registrations: list[Registration]) -> Registration:
    [database] = [r for r in registrations if r["type"] == "aws:rds/instance:Instance"]
    return database


@pytest.mark.parametrize("recording", RECORDINGS)
@pytest.mark.parametrize(("stack", "config"), [("eu", EU_CONFIG), ("india", INDIA_CONFIG)])
def test_the_real_stack_has_no_mandatory_violation(
    stack: str, config: dict[str, Any], recording: str
) -> None:
    registrations = list(_recorded(stack, recording))
    assert _database(registrations)["inputs"]["tags"]["data-classification"] == "pii"
    mandatory = [d for d in _pack(registrations, config) if d.level == "mandatory"]
    assert mandatory == [], "\n".join(f"{d.policy}: {d.message}" for d in mandatory)


def _set(prop: str, value: Any) -> Callable[[Registration, list[Registration]], None]:
    def change(database: Registration, registrations: list[Registration]) -> None:
        for state in ("inputs", "outputs"):
            database[state][prop] = value

    return change


def _unprotect(database: Registration, registrations: list[Registration]) -> None:
    database["protect"] = False


def _replicate_backups_to_mumbai(database: Registration, registrations: list[Registration]) -> None:
    provider = {
        "urn": "urn:pulumi:eu::residency::pulumi:providers:aws::mumbai",
        "type": "pulumi:providers:aws",
        "name": "mumbai",
        "custom": True,
        "inputs": {"region": "ap-south-1"},
        "outputs": {"region": "ap-south-1"},
    }
    replication = {
        "urn": "urn:pulumi:eu::residency::aws:rds/instanceAutomatedBackupsReplication:"
        "InstanceAutomatedBackupsReplication::backups",
        "type": "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",
        "name": "backups",
        "custom": True,
        "provider": f"{provider['urn']}::{UNKNOWN}",
        "inputs": {"sourceDbInstanceArn": UNKNOWN},
        "outputs": {"sourceDbInstanceArn": UNKNOWN},
        "property_dependencies": {"sourceDbInstanceArn": [database["urn"]]},
    }
    registrations.extend([provider, replication])


def _custom_resource_reading_the_database(database: Registration, registrations: list[Registration]) -> None:
    provider = next(r for r in registrations if r["type"] == "pulumi:providers:kubernetes")
    registrations.append(
        {
            "urn": "urn:pulumi:eu::residency::kubernetes:example.com/v1:Exporter::customers",
            "type": "kubernetes:example.com/v1:Exporter",
            "name": "customers",
            "custom": True,
            "provider": f"{provider['urn']}::{UNKNOWN}",
            "inputs": {"spec": {"host": UNKNOWN}},
            "outputs": {"spec": {"host": UNKNOWN}},
            "property_dependencies": {"spec": [database["urn"]]},
        }
    )


CHANGES: dict[str, tuple[str, Callable[[Registration, list[Registration]], None]]] = {
    "data-classification-required": ("data-classification-required", _set("tags", {})),
    "pii-in-jurisdiction": ("pii-in-jurisdiction", _set("region", "us-east-1")),
    "no-pii-replication": ("no-pii-replication", _replicate_backups_to_mumbai),
    "anonymised-only-replication": ("anonymised-only-replication", _replicate_backups_to_mumbai),
    "pii-encryption": ("pii-encryption", _set("storageEncrypted", False)),
    "pii-not-public": ("pii-not-public", _set("publiclyAccessible", True)),
    "pii-no-data-loss": ("pii-no-data-loss", _unprotect),
    "resource-type-triaged": ("resource-type-triaged", _custom_resource_reading_the_database),
}


@pytest.mark.parametrize("recording", RECORDINGS)
@pytest.mark.parametrize("rule", sorted(CHANGES))
def test_each_rule_sees_the_recorded_pii_database(rule: str, recording: str) -> None:
    registrations = copy.deepcopy(list(_recorded("eu", recording)))
    policy, change = CHANGES[rule]
    change(_database(registrations), registrations)
    found = [d for d in _pack(registrations, EU_CONFIG) if d.level == "mandatory"]
    assert policy in {d.policy for d in found}, [d.policy for d in found]


def test_the_recorded_telemetry_and_pii_namespaces_resolve_to_the_cluster_region() -> None:
    registrations = copy.deepcopy(list(_recorded("eu")))
    clusters = [r for r in registrations if r["type"] == "aws:eks/cluster:Cluster"]
    assert clusters, "the recording has no EKS cluster"
    for cluster in clusters:
        cluster["inputs"]["region"] = cluster["outputs"]["region"] = "us-east-1"
    found = [d for d in _pack(registrations, EU_CONFIG) if d.policy == "pii-in-jurisdiction"]
    assert any("kubernetes:" in d.message and "us-east-1" in d.message for d in found), [
        d.message for d in found
    ]


def _connected() -> tuple[Registration, ...]:
    """The eu stack once connected to india (`tests.urn_fixtures.connected_stack_config`: the peer's VPC,
    replication host and CA, as "Deploying for real", section 6, sets them), recorded as a first preview."""
    import tempfile
    from pathlib import Path

    import yaml

    from offline_preview.program import run_program
    from tests.urn_fixtures import PROGRAM_DIR, connected_stack_config

    def record() -> tuple[Registration, ...]:
        with tempfile.TemporaryDirectory() as scratch:
            directory = Path(scratch)
            for name in ("Pulumi.yaml", "__main__.py"):
                (directory / name).write_text((PROGRAM_DIR / name).read_text())
            for package in ("components", "residency"):
                (directory / package).symlink_to(PROGRAM_DIR / package)
            (directory / ".venv").symlink_to(PROGRAM_DIR / ".venv")
            (directory / "Pulumi.eu.yaml").write_text(yaml.safe_dump({"config": connected_stack_config()}))
            return tuple(run_program(load_stack(directory, "eu")).registrations)

    return shared(("tests.policies.test_real_stacks._connected", str(PROGRAM_DIR)), record)


def test_the_connected_eu_stack_has_no_mandatory_violation() -> None:
    """Once connected, the peer-link Job names india's exchange and runs psql against the telemetry store:
    code that reads telemetry and names another region. It runs only the reviewed peer-link SQL
    (`residency_facts.reviewed_code`), so it sends what the review says: the anonymised release (the
    connected stack failed the pack before the review was recorded)."""
    registrations = list(_connected())
    assert any(r["name"] == "eu-telemetry-peer-link-job" for r in registrations)
    mandatory = [d for d in _pack(registrations, EU_CONFIG) if d.level == "mandatory"]
    assert mandatory == [], "\n".join(f"{d.policy}: {d.message}" for d in mandatory)


def test_a_changed_peer_link_sql_is_judged_as_code_again() -> None:
    registrations = copy.deepcopy(list(_connected()))
    [sql] = [
        r
        for r in registrations
        if r["type"] == "kubernetes:core/v1:ConfigMap" and "peer-link.sql" in (r["inputs"].get("data") or {})
    ]
    for state in ("inputs", "outputs"):
        if "data" in sql.get(state, {}):
            sql[state]["data"]["peer-link.sql"] += "\n-- a change nobody reviewed\n"
    mandatory = [d for d in _pack(registrations, EU_CONFIG) if d.level == "mandatory"]
    assert any("eu-telemetry-peer-link-job" in d.message and "ap-south-1" in d.message for d in mandatory), (
        "\n".join(f"{d.policy}: {d.message}" for d in mandatory)
    )


def test_the_reviewed_digest_is_the_programs_peer_link_sql() -> None:
    """The review names the SQL the program ships: a change to components/telemetry_sql's peer-link script
    fails this test, and the review must be redone (policies/residency_facts/reviewed_code.py)."""
    import hashlib

    from components.telemetry_sql import peer_link_script
    from residency_facts.reviewed_code import REVIEWED_SQL

    assert hashlib.sha256(peer_link_script().encode()).hexdigest() in REVIEWED_SQL


# Every SQL text run on the linked store is reviewed, or may send through the link (reviewer blind-whole15
# w01, w02) -----------------------------------------------------------------------------------------------


def _sql_files(registrations: list[Registration]) -> dict[str, str]:
    [sql] = [
        r
        for r in registrations
        if r["type"] == "kubernetes:core/v1:ConfigMap" and "push.sql" in (r["inputs"].get("data") or {})
    ]
    files: dict[str, str] = sql["inputs"]["data"]
    return files


def _change_sql(registrations: list[Registration], file: str, change: Callable[[str], str]) -> None:
    for r in registrations:
        if r["type"] == "kubernetes:core/v1:ConfigMap" and file in (r["inputs"].get("data") or {}):
            for state in ("inputs", "outputs"):
                if file in (r.get(state, {}).get("data") or {}):
                    r[state]["data"][file] = change(r[state]["data"][file])


def _mandatory_of_connected(change: Callable[[list[Registration]], None]) -> list[Diagnostic]:
    registrations = copy.deepcopy(list(_connected()))
    change(registrations)
    return [d for d in _pack(registrations, EU_CONFIG) if d.level == "mandatory"]


@pytest.mark.parametrize("stack", ["eu", "india", "connected eu"])
def test_every_sql_file_the_program_ships_for_the_telemetry_store_is_reviewed(stack: str) -> None:
    """The review table names every script of the component's SQL ConfigMap, as recorded from the program:
    a change to a migration, the push or the release fails this test until it is reviewed again and its
    digest recorded (policies/residency_facts/reviewed_code.py)."""
    from residency_policies.lineage_reviewed import review_of

    registrations = list(_connected()) if stack == "connected eu" else list(_recorded(stack))
    files = _sql_files(registrations)
    assert set(files) >= {"store.sql", "exchange.sql", "peer-link.sql", "push.sql", "anonymise.sql"}
    unreviewed = sorted(name for name, text in files.items() if review_of(text) is None)
    assert unreviewed == [], unreviewed


def test_the_reviewed_digests_are_the_programs_sql() -> None:
    """Each SQL text components/telemetry_sql builds for the Jobs and CronJobs is reviewed, the release's
    whatever its privacy parameters (numbers only)."""
    from components import telemetry_sql
    from components.telemetry_sql import PrivacyParameters
    from components.telemetry_store.sql_jobs import PUSH_TIMEOUT_SECONDS
    from residency_policies.lineage_reviewed import review_of

    texts = [
        telemetry_sql.database_script(),
        telemetry_sql.exchange_job_script(),
        telemetry_sql.store_job_script(),
        telemetry_sql.peer_link_script(),
        telemetry_sql.push_statement(timeout_seconds=PUSH_TIMEOUT_SECONDS) + "\n",
        telemetry_sql.release_statement(PrivacyParameters(), push=False) + "\n",
        telemetry_sql.release_statement(
            PrivacyParameters(epsilon_per_hour=Decimal("0.5"), min_subjects=20, small_group_probability=1e-5),
            push=False,
        )
        + "\n",
    ]
    assert [review_of(text) is not None for text in texts] == [True] * len(texts)


RAW_PUSH = """
CREATE OR REPLACE FUNCTION telemetry_admin.release_insert(region text, buckets timestamptz[])
RETURNS text LANGUAGE sql AS $$
    SELECT format('INSERT INTO anonymised.telemetry_hourly_%s SELECT %L', region,
                  (SELECT string_agg(concat_ws(',', observed_at, subject_id, device_id, ip_address), ';')
                   FROM telemetry.raw_events WHERE date_trunc('hour', observed_at) = ANY (buckets)))
$$;
"""


def test_a_migration_that_changes_what_the_push_sends_is_judged_as_code_sending_over_the_link() -> None:
    """w01: a new store migration redefines release_insert, which builds what the push sends to the
    peer's exchange; the push and the peer-link SQL are untouched."""
    found = _mandatory_of_connected(
        lambda registrations: _change_sql(registrations, "store.sql", lambda text: text + RAW_PUSH)
    )
    assert any(
        "eu-telemetry-store-schema-job" in d.message
        and "ap-south-1" in d.message
        and "reviewed_code.py" in d.message
        for d in found
    ), "\n".join(f"{d.policy}: {d.message}" for d in found)


def test_a_push_statement_that_sends_raw_rows_over_the_link_is_judged_as_code_sending_over_it() -> None:
    """w02: the push CronJob's own statement gains a dblink_exec of raw rows into the peer's inbox."""
    raw_copy = (
        "SELECT telemetry_admin.dblink_exec('telemetry_peer_' || p.region, format('INSERT INTO "
        "anonymised.incident_events_%s VALUES %s', s.region, string_agg(e.subject_id, ','))) FROM "
        "telemetry_admin.peers AS p, telemetry_admin.settings AS s, telemetry.raw_events AS e "
        "GROUP BY 1, 2;\n"
    )
    found = _mandatory_of_connected(
        lambda registrations: _change_sql(registrations, "push.sql", lambda text: text + raw_copy)
    )
    assert any("eu-telemetry-push-cron-job" in d.message and "ap-south-1" in d.message for d in found), (
        "\n".join(f"{d.policy}: {d.message}" for d in found)
    )


def test_other_privacy_parameters_in_the_release_statement_are_still_the_reviewed_release() -> None:
    """The release's numbers are its privacy parameters, which the store's reviewed SQL bounds (c05)."""
    found = _mandatory_of_connected(
        lambda registrations: _change_sql(
            registrations,
            "anonymise.sql",
            lambda text: text.replace("min_subjects => 10", "min_subjects => 20").replace("1.0", "0.5"),
        )
    )
    assert found == [], "\n".join(f"{d.policy}: {d.message}" for d in found)


def test_a_release_statement_that_calls_another_procedure_is_not_the_reviewed_release() -> None:
    found = _mandatory_of_connected(
        lambda registrations: _change_sql(
            registrations,
            "anonymise.sql",
            lambda text: text.replace("release_to_ledger", "release_closed_hours"),
        )
    )
    assert any("eu-telemetry-anonymise-cron-job" in d.message and "ap-south-1" in d.message for d in found)


def _store_client(user: str) -> Callable[[list[Registration]], None]:
    """A service of the telemetry namespace that connects to the store (its host in the environment, as the
    push CronJob's) as `user`, running code of its own rather than psql."""

    def add(registrations: list[Registration]) -> None:
        [push] = [r for r in registrations if r["name"] == "eu-telemetry-push-cron-job"]
        client = copy.deepcopy(push)
        client["name"] = "eu-telemetry-reporter"
        client["urn"] = client["urn"].replace("eu-telemetry-push-cron-job", "eu-telemetry-reporter")
        for state in ("inputs", "outputs"):
            if "spec" not in client.get(state, {}):
                continue
            [container] = client[state]["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"]
            container["command"], container["args"] = ["python3", "/app/report.py"], []
            for variable in container["env"]:
                if variable["name"] == "PGUSER":
                    variable["value"] = user
        registrations.append(client)

    return add


def test_code_that_runs_sql_on_the_linked_store_as_its_superuser_may_send_over_the_link() -> None:
    found = _mandatory_of_connected(_store_client("postgres"))
    assert any("eu-telemetry-reporter" in d.message and "ap-south-1" in d.message for d in found), "\n".join(
        f"{d.policy}: {d.message}" for d in found
    )


def test_code_that_logs_in_to_the_linked_store_as_another_role_cannot_use_the_link() -> None:
    """The reviewed store SQL revokes the peer's foreign server from PUBLIC: a writer's login cannot use
    it."""
    found = _mandatory_of_connected(_store_client("telemetry_writer_checkout"))
    assert found == [], "\n".join(f"{d.policy}: {d.message}" for d in found)
