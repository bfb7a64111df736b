"""An AppSync API's field-level logs: with verbose content they hold every resolver's request and response
(the customer records it returns), written to `/aws/appsync/apis/<api id>`; a log group the stack does not
declare is created by AppSync under CloudWatch's default key, as a database's exported logs are.

Reviewer blind-aws12 (c19): a PII AppSync API logging at ALL with verbose content passed, though the pack
blocks the same for an RDS instance's `enabledCloudwatchLogsExports`. Each test changes one thing of a PII API
that logs nothing.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import PII, store
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

ENCRYPTION = "pii-encryption"


def _api(region: Region, log_config: dict[str, Any] | None, tags: dict[str, str] | None = PII) -> Res:
    props: dict[str, Any] = {"name": "customer-api", "authenticationType": "AMAZON_COGNITO_USER_POOLS"}
    if log_config is not None:
        props["logConfig"] = {"cloudwatchLogsRoleArn": "arn:aws:iam::123456789012:role/logs", **log_config}
    if tags is not None:
        props["tags"] = dict(tags)
    return Res("aws:appsync/graphQLApi:GraphQLApi", "customer-api", props, region.provider)


def _on(resources: list[Res], resource: Res) -> str:
    return messages([d for d in violations(resources, ENCRYPTION) if d.urn == resource.urn])


def test_a_pii_api_that_logs_no_fields_breaks_no_rule() -> None:
    region = eu_region()
    api = _api(region, {"fieldLogLevel": "NONE"})
    assert _on([*region.resources, api], api) == ""


@pytest.mark.parametrize("level", ["ALL", "INFO", "DEBUG", "ERROR"])
def test_a_pii_api_logging_fields_with_verbose_content_writes_pii_into_a_group_under_aws_key(
    level: str,
) -> None:
    region = eu_region()
    api = _api(region, {"fieldLogLevel": level, "excludeVerboseContent": False})
    found = _on([*region.resources, api], api)
    assert "/aws/appsync/apis/" in found and level in found, found


def test_a_pii_api_whose_log_level_is_unknown_at_preview_may_log_pii() -> None:
    region = eu_region()
    api = _api(region, {"fieldLogLevel": UNKNOWN})
    found = _on([*region.resources, api], api)
    assert "unknown at preview" in found, found


def test_a_pii_api_logging_all_without_verbose_content_breaks_no_rule() -> None:
    region = eu_region()
    api = _api(region, {"fieldLogLevel": "ALL", "excludeVerboseContent": True})
    assert _on([*region.resources, api], api) == ""


def test_a_pii_api_logging_all_into_a_group_the_stack_declares_leaves_it_to_that_group() -> None:
    region = eu_region()
    api = _api(region, {"fieldLogLevel": "ALL"})
    group = Res(
        "aws:cloudwatch/logGroup:LogGroup",
        "customer-api-logs",
        {"name": UNKNOWN, "kmsKeyId": UNKNOWN, "retentionInDays": 30, "tags": PII},
        region.provider,
        deps={"name": [api], "kmsKeyId": [region.key]},
    )
    assert _on([*region.resources, api, group], api) == ""


def _table_source(region: Region, api: Res) -> list[Res]:
    table = store(region, "aws:dynamodb/table:Table", "customers", {"name": "customers"})
    source = Res(
        "aws:appsync/dataSource:DataSource",
        "customers-source",
        {
            "apiId": UNKNOWN,
            "name": "customers",
            "type": "AMAZON_DYNAMODB",
            "dynamodbConfig": {"tableName": UNKNOWN},
        },
        region.provider,
        deps={"apiId": [api], "dynamodbConfig": [table]},
    )
    return [table, source]


def test_an_unlabelled_api_over_a_pii_table_logging_all_carries_the_tables_pii() -> None:
    region = eu_region()
    api = _api(region, {"fieldLogLevel": "ALL"}, tags=None)
    found = _on([*region.resources, api, *_table_source(region, api)], api)
    assert "/aws/appsync/apis/" in found, found


def test_an_unlabelled_api_over_no_personal_data_logging_all_breaks_no_rule() -> None:
    region = eu_region()
    api = _api(region, {"fieldLogLevel": "ALL"}, tags=None)
    assert _on([*region.resources, api], api) == ""


def test_a_pii_event_api_logging_all_writes_its_events_into_a_group_under_aws_key() -> None:
    region = eu_region()
    api = Res(
        "aws:appsync/api:Api",
        "customer-events",
        {
            "name": "customer-events",
            "eventConfig": {
                "authProviders": [{"authType": "AMAZON_COGNITO_USER_POOLS"}],
                "logConfig": {"logLevel": "ALL", "cloudwatchLogsRoleArn": "arn:aws:iam::123456789012:role/l"},
            },
            "tags": PII,
        },
        region.provider,
    )
    found = _on([*region.resources, api], api)
    assert "eventConfig.logConfig.logLevel" in found, found
