"""An Athena query a state machine or a schedule starts is judged by its text and where its results go.

Reviewer blind-data15 c03 (false alarm): a state machine ran `athena:startQueryExecution` with a literal
`SELECT count(*)` in the stack's own workgroup, whose results land in the stack's CMK bucket, and was blocked
as an action "that may copy, share or export" PII. Decision: a query whose text is a literal that only reads
(`SELECT`, `WITH ... SELECT`, one statement) run in a workgroup of the stack whose results go to a bucket of
the stack (the request setting no other location, or the workgroup enforcing its own) copies nothing
elsewhere; the workgroup's results are judged there, as any Athena results are. Anything else stays blocked:
an UNLOAD (a02), a CTAS or INSERT, text taken from the execution's input, a workgroup the stack does not
declare or one whose results go to a bucket it does not declare, a request that sets its own output location
in a workgroup that does not enforce its configuration. Each test is the compliant query, changed in one
place.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import store
from tests.policies.policy_harness import UNKNOWN, Diagnostic, Res, messages, violations

RULES = ("no-pii-replication", "anonymised-only-replication")
SELECT = "SELECT count(*) AS signups FROM customers"
BLOCKED = "an action that may copy, share or export it"


def _on(found: list[Diagnostic], resource: Res) -> str:
    return messages([d for d in found if d.urn == resource.urn])


def _lake(region: Region, enforce: bool = True, output: str | None = None) -> list[Res]:
    """The PII lake bucket, a Glue table over it, a results bucket and the workgroup `crm` writing there."""
    lake = store(region, "aws:s3/bucket:Bucket", "crm-lake", {"bucket": "crm-lake-eu"})
    results = store(region, "aws:s3/bucket:Bucket", "crm-results", {"bucket": "crm-results-eu"})
    database = Res("aws:glue/catalogDatabase:CatalogDatabase", "crm-db", {"name": "crm_db"}, region.provider)
    table = Res(
        "aws:glue/catalogTable:CatalogTable",
        "customers",
        {
            "name": "customers",
            "databaseName": UNKNOWN,
            "tableType": "EXTERNAL_TABLE",
            "storageDescriptor": {"location": UNKNOWN},
        },
        region.provider,
        deps={"databaseName": [database], "storageDescriptor": [lake]},
    )
    result_configuration: dict[str, Any] = {
        "outputLocation": output if output is not None else UNKNOWN,
        "encryptionConfiguration": {"encryptionOption": "SSE_KMS", "kmsKeyArn": UNKNOWN},
    }
    workgroup = Res(
        "aws:athena/workgroup:Workgroup",
        "crm-wg",
        {
            "name": "crm",
            "configuration": {
                "enforceWorkgroupConfiguration": enforce,
                "resultConfiguration": result_configuration,
            },
        },
        region.provider,
        deps={"configuration": [region.key] if output is not None else [results, region.key]},
    )
    return [*region.resources, lake, results, database, table, workgroup]


def _query(region: Region, parameters: dict[str, Any], arguments: bool = False) -> Res:
    """A state machine that runs one Athena query in the stack's workgroup over its PII database."""
    request = {"WorkGroup": "crm", "QueryExecutionContext": {"Database": "crm_db"}, **parameters}
    state: dict[str, Any] = {
        "Type": "Task",
        "Resource": "arn:aws:states:::athena:startQueryExecution.sync",
        "Arguments" if arguments else "Parameters": request,
        "End": True,
    }
    definition: dict[str, Any] = {"StartAt": "Count", "States": {"Count": state}}
    if arguments:
        definition["QueryLanguage"] = "JSONata"
    return Res(
        "aws:sfn/stateMachine:StateMachine",
        "daily-report",
        {"roleArn": "arn:aws:iam::123456789012:role/report", "definition": json.dumps(definition)},
        region.provider,
    )


@pytest.mark.parametrize("policy", RULES)
@pytest.mark.parametrize(
    "text",
    [
        SELECT,
        "  -- the daily count\nWITH s AS (SELECT * FROM customers) SELECT count(*) FROM s;",
        "select email from customers where note = 'insert into x'",
        "(SELECT 1)",
    ],
)
def test_a_literal_select_in_the_stacks_workgroup_copies_nothing_out(policy: str, text: str) -> None:
    region = eu_region()
    machine = _query(region, {"QueryString": text})
    assert _on(violations([*_lake(region), machine], policy), machine) == ""


@pytest.mark.parametrize("policy", RULES)
def test_a_jsonata_select_in_the_stacks_workgroup_copies_nothing_out(policy: str) -> None:
    region = eu_region()
    machine = _query(region, {"QueryString": SELECT}, arguments=True)
    assert _on(violations([*_lake(region), machine], policy), machine) == ""


@pytest.mark.parametrize(
    "text",
    [
        "UNLOAD (SELECT email FROM customers) TO 's3://partner-feed/crm/' WITH (format = 'PARQUET')",
        "CREATE TABLE exported WITH (external_location = 's3://partner-feed/') AS SELECT * FROM customers",
        "INSERT INTO partner_copy SELECT * FROM customers",
        "WITH s AS (SELECT * FROM customers) INSERT INTO partner_copy SELECT * FROM s",
        "SELECT 1; DROP TABLE customers",
        "MERGE INTO partner_copy USING customers ON (true) WHEN MATCHED THEN DELETE",
        "SELECT 1 /* ; */ ; UNLOAD (SELECT 1) TO 's3://partner-feed/'",
    ],
)
def test_a_query_that_writes_stays_blocked(text: str) -> None:
    region = eu_region()
    machine = _query(region, {"QueryString": text})
    assert BLOCKED in _on(violations([*_lake(region), machine], "no-pii-replication"), machine)


def test_a_query_text_taken_from_the_input_stays_blocked() -> None:
    region = eu_region()
    machine = _query(region, {"QueryString.$": "$.sql"})
    assert BLOCKED in _on(violations([*_lake(region), machine], "no-pii-replication"), machine)


def test_a_jsonata_query_text_stays_blocked() -> None:
    region = eu_region()
    machine = _query(region, {"QueryString": "{% $states.input.sql %}"}, arguments=True)
    assert BLOCKED in _on(violations([*_lake(region), machine], "no-pii-replication"), machine)


def test_a_select_in_a_workgroup_the_stack_does_not_declare_stays_blocked() -> None:
    region = eu_region()
    machine = _query(region, {"QueryString": SELECT, "WorkGroup": "primary"})
    assert BLOCKED in _on(violations([*_lake(region), machine], "no-pii-replication"), machine)


def test_a_select_without_a_workgroup_stays_blocked() -> None:
    region = eu_region()
    machine = _query(region, {"QueryString": SELECT})
    definition = json.loads(machine.props["definition"])
    del definition["States"]["Count"]["Parameters"]["WorkGroup"]
    machine.props["definition"] = json.dumps(definition)
    assert BLOCKED in _on(violations([*_lake(region), machine], "no-pii-replication"), machine)


def test_a_select_in_a_workgroup_writing_to_a_bucket_the_stack_lacks_stays_blocked() -> None:
    region = eu_region()
    machine = _query(region, {"QueryString": SELECT})
    stack = [*_lake(region, output="s3://shared-athena-results/crm/"), machine]
    assert BLOCKED in _on(violations(stack, "no-pii-replication"), machine)


def test_a_select_that_sets_its_own_output_in_a_workgroup_that_does_not_enforce_stays_blocked() -> None:
    region = eu_region()
    own = {"OutputLocation": "s3://shared-athena-results/crm/"}
    machine = _query(region, {"QueryString": SELECT, "ResultConfiguration": own})
    assert BLOCKED in _on(violations([*_lake(region, enforce=False), machine], "no-pii-replication"), machine)


@pytest.mark.parametrize("policy", RULES)
def test_a_select_whose_output_the_enforcing_workgroup_overrides_copies_nothing_out(policy: str) -> None:
    region = eu_region()
    own = {"OutputLocation": "s3://shared-athena-results/crm/"}
    machine = _query(region, {"QueryString": SELECT, "ResultConfiguration": own})
    assert _on(violations([*_lake(region), machine], policy), machine) == ""
