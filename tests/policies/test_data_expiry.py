"""pii-no-data-loss judges how long a holder keeps personal data when it deletes it on a schedule of its own.

Reviewer blind spot 1 of issue #8: the rule asked every PII store to keep backups for the minimum number of
days (`minimumBackupRetentionDays`), but a store that deletes the data itself passed: a PII log group
(declared, or the one a PII database exports its statements into) with `retentionInDays: 1`, a Timestream
table whose magnetic store keeps records a day, a Keyspaces table whose `defaultTimeToLive` expires every
row after a day (point-in-time recovery restores rows with their expiry, so an expired row stays lost).
Log groups stay out of the rule's other guards (decision, policies/README.md); their retention is judged.
Each test is the compliant baseline plus one holder, changed in one place.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.policies.baseline import eu_region
from tests.policies.copies import store
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

POLICY = "pii-no-data-loss"
KEYSPACES_GUARDS = {"pointInTimeRecovery": {"status": "ENABLED"}}


def _found(type_: str, props: dict[str, Any]) -> list[Any]:
    region = eu_region()
    holder = store(region, type_, "customers", props)
    holder.protect = True
    found = violations([*region.resources, holder], POLICY)
    assert {d.urn for d in found} <= {holder.urn}, messages(found)
    return found


LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
TIMESTREAM = "aws:timestreamwrite/table:Table"
KEYSPACES = "aws:keyspaces/table:Table"

SHORT = [
    (LOG_GROUP, {"retentionInDays": 1}, "1 days after it arrives (retentionInDays)"),
    (LOG_GROUP, {"retentionInDays": 5}, "5 days after it arrives"),
    (LOG_GROUP, {"retentionInDays": UNKNOWN}, "retentionInDays is unknown at preview"),
    (LOG_GROUP, {"retentionInDays": 30, "logGroupClass": "DELIVERY"}, "logGroupClass is DELIVERY"),
    (
        TIMESTREAM,
        {
            "retentionProperties": {
                "memoryStoreRetentionPeriodInHours": 24,
                "magneticStoreRetentionPeriodInDays": 1,
            }
        },
        "1 days after it arrives",
    ),
    (
        TIMESTREAM,
        {
            "retentionProperties": {
                "memoryStoreRetentionPeriodInHours": 72,
                "magneticStoreRetentionPeriodInDays": 2,
            }
        },
        "3 days after it arrives",
    ),
    (TIMESTREAM, {"retentionProperties": UNKNOWN}, "retentionProperties is unknown at preview"),
    (KEYSPACES, {**KEYSPACES_GUARDS, "ttl": {"status": "ENABLED"}, "defaultTimeToLive": 86400}, "1 days"),
    (
        KEYSPACES,
        {**KEYSPACES_GUARDS, "defaultTimeToLive": UNKNOWN},
        "defaultTimeToLive is unknown at preview",
    ),
]


@pytest.mark.parametrize(("type_", "props", "expected"), SHORT, ids=lambda v: str(v)[:50])
def test_a_pii_holder_that_deletes_its_data_before_the_minimum_loses_it(
    type_: str, props: dict[str, Any], expected: str
) -> None:
    found = _found(type_, props)
    assert expected in messages(found) and "minimum" in messages(found), messages(found)


KEPT = [
    (LOG_GROUP, {}),
    (LOG_GROUP, {"retentionInDays": 0}),
    (LOG_GROUP, {"retentionInDays": 7}),
    (LOG_GROUP, {"retentionInDays": 30, "logGroupClass": "INFREQUENT_ACCESS"}),
    (TIMESTREAM, {}),
    (
        TIMESTREAM,
        {
            "retentionProperties": {
                "memoryStoreRetentionPeriodInHours": 6,
                "magneticStoreRetentionPeriodInDays": 30,
            }
        },
    ),
    (
        TIMESTREAM,
        {
            "retentionProperties": {
                "memoryStoreRetentionPeriodInHours": 240,
                "magneticStoreRetentionPeriodInDays": 1,
            }
        },
    ),
    (KEYSPACES, KEYSPACES_GUARDS),
    (KEYSPACES, {**KEYSPACES_GUARDS, "ttl": {"status": "ENABLED"}}),
    (KEYSPACES, {**KEYSPACES_GUARDS, "ttl": {"status": "ENABLED"}, "defaultTimeToLive": 0}),
    (KEYSPACES, {**KEYSPACES_GUARDS, "ttl": {"status": "ENABLED"}, "defaultTimeToLive": 30 * 86400}),
]


@pytest.mark.parametrize(("type_", "props"), KEPT, ids=lambda v: str(v)[:50])
def test_a_pii_holder_that_keeps_its_data_for_the_minimum_breaks_no_rule(
    type_: str, props: dict[str, Any]
) -> None:
    found = _found(type_, props)
    assert found == [], messages(found)


def test_a_log_group_of_anonymised_data_may_expire_its_events_at_once() -> None:
    region = eu_region()
    group = Res(
        LOG_GROUP,
        "metrics",
        {"retentionInDays": 1, "tags": {"data-classification": "anonymised"}},
        region.provider,
    )
    assert violations([*region.resources, group], POLICY) == []


def _exporting(retention: int, label: str = "internal") -> list[Res]:
    region = eu_region()
    region.database.props["enabledCloudwatchLogsExports"] = ["postgresql"]
    group = Res(
        LOG_GROUP,
        "pii-db-postgresql",
        {
            "name": "/aws/rds/instance/pii-db/postgresql",
            "retentionInDays": retention,
            "kmsKeyId": UNKNOWN,
            "tags": {"data-classification": label},
        },
        region.provider,
        deps={"kmsKeyId": [region.key]},
    )
    return [*region.resources, group]


def test_the_log_group_a_pii_database_exports_its_statements_into_keeps_them_for_the_minimum() -> None:
    stack = _exporting(1)
    found = violations(stack, POLICY)
    shown = messages(found)
    assert [d.urn for d in found] == [stack[-1].urn], shown
    # The group holds the database's PII by lineage (`lineage_log_exports`), whatever its label.
    assert "aws:rds/instance:Instance 'pii-db' (pii) -> aws:cloudwatch/logGroup:LogGroup" in shown, shown
    assert "1 days" in shown, shown


def test_the_exported_log_group_of_a_pii_database_kept_for_a_month_breaks_no_rule() -> None:
    assert violations(_exporting(30), POLICY) == []


def test_an_exported_log_group_labelled_pii_is_judged_once() -> None:
    found = violations(_exporting(1, "pii"), POLICY)
    assert len(found) == 1, messages(found)
