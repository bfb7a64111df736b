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
