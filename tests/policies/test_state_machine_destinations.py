"""State machines that are fed personal data send it where their tasks' payloads say.

Reviewer blind spot of issue #8 ("every destination path is read"), case 1: a Step Functions state machine
started by an EventBridge pipe from a PII queue (its execution input is the queue's messages) whose
definition sends that input on with an SDK or optimised integration to a literal destination elsewhere
(`sqs:sendMessage` to a queue URL of Mumbai or of another account, `s3:putObject` into a bucket with an
`ExpectedBucketOwner` of another account or into a bucket the stack does not declare, `lambda:invoke` of a
function ARN in Mumbai, `events:putEvents` to another region's bus), or that logs its execution data
(`loggingConfiguration.includeExecutionData`) into a log group elsewhere, was no copy: the pack counted as
read only what the definition and the role name, not what the state machine is fed. Code that a service
feeds (a pipe's or an EventBridge rule's target, a mapping's function) now reads what it is fed, and a
delivering task's destination is read by its payload's fields (`lineage_documents.delivered_in_documents`).
Each test is the compliant pipe and state machine (or mapping and function) in eu-west-1, changed in one
place.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import OTHER_ACCOUNT, mumbai, store
from tests.policies.policy_harness import UNKNOWN, Diagnostic, Res, messages, violations

NO_PII = "no-pii-replication"
ANONYMISED_ONLY = "anonymised-only-replication"
RULES = (NO_PII, ANONYMISED_ONLY)
OWN_QUEUE = "https://sqs.eu-west-1.amazonaws.com/123456789012/signups-enriched"


def _on(found: list[Diagnostic], resource: Res) -> list[Diagnostic]:
    return [d for d in found if d.urn == resource.urn]


def _queue(region: Region, name: str) -> Res:
    queue = store(region, "aws:sqs/queue:Queue", name, {"name": name, "kmsMasterKeyId": UNKNOWN})
    queue.deps["kmsMasterKeyId"] = [region.key]
    return queue


def _send(resource: str, parameters: dict[str, Any]) -> dict[str, Any]:
    return {"Type": "Task", "Resource": resource, "Parameters": parameters, "End": True}


def _send_to_queue(url: str, integration: str = "arn:aws:states:::sqs:sendMessage") -> dict[str, Any]:
    return _send(integration, {"QueueUrl": url, "MessageBody.$": "$"})


def _fed(
    region: Region,
    state: dict[str, Any],
    extra: dict[str, Any] | None = None,
    feeder: str = "pipe",
    more: list[Res] | None = None,
) -> tuple[list[Res], Res]:
    """A state machine of one task, started with the messages of the PII queue `signups`."""
    source = _queue(region, "signups")
    definition = {"StartAt": "Forward", "States": {"Forward": state}}
    machine = Res(
        "aws:sfn/stateMachine:StateMachine",
        "forward",
        {
            "roleArn": "arn:aws:iam::123456789012:role/forward",
            "definition": json.dumps(definition),
            **(extra or {}),
        },
        region.provider,
    )
    if feeder == "pipe":
        feed = Res(
            "aws:pipes/pipe:Pipe",
            "signups-to-forward",
            {"source": UNKNOWN, "target": UNKNOWN, "roleArn": "arn:aws:iam::123456789012:role/pipe"},
            region.provider,
            deps={"source": [source], "target": [machine]},
        )
    else:
        bus = Res("aws:cloudwatch/eventBus:EventBus", "signups-bus", {"name": "signups-bus"}, region.provider)
        rule = Res(
            "aws:cloudwatch/eventRule:EventRule",
            "signups",
            {"eventBusName": UNKNOWN, "eventPattern": json.dumps({"source": ["signups"]})},
            region.provider,
            deps={"eventBusName": [bus]},
        )
        feed = Res(
            "aws:pipes/pipe:Pipe",
            "signups-to-bus",
            {"source": UNKNOWN, "target": UNKNOWN, "roleArn": "arn:aws:iam::123456789012:role/pipe"},
            region.provider,
            deps={"source": [source], "target": [bus]},
        )
        target = Res(
            "aws:cloudwatch/eventTarget:EventTarget",
            "signups-to-forward",
            {
                "rule": UNKNOWN,
                "eventBusName": UNKNOWN,
                "arn": UNKNOWN,
                "roleArn": "arn:aws:iam::123456789012:role/events",
            },
            region.provider,
            deps={"rule": [rule], "eventBusName": [bus], "arn": [machine]},
        )
        more = [*(more or []), bus, rule, target]
    return [*region.resources, source, machine, feed, *(more or [])], machine


def _judged(stack: list[Res], machine: Res, policy: str) -> str:
    return messages(_on(violations(stack, policy), machine))


@pytest.mark.parametrize("policy", RULES)
def test_a_fed_state_machine_that_forwards_to_a_queue_of_its_region_and_account_copies_nothing_out(
    policy: str,
) -> None:
    stack, machine = _fed(eu_region(), _send_to_queue(OWN_QUEUE))
    assert _judged(stack, machine, policy) == ""


@pytest.mark.parametrize("policy", RULES)
def test_a_fed_state_machine_that_forwards_to_a_queue_in_mumbai_copies_what_it_is_fed_there(
    policy: str,
) -> None:
    url = "https://sqs.ap-south-1.amazonaws.com/123456789012/signups-enriched"
    stack, machine = _fed(eu_region(), _send_to_queue(url))
    found = _judged(stack, machine, policy)
    assert "ap-south-1" in found, found


def test_the_violation_names_the_queue_the_state_machine_is_fed_from() -> None:
    url = "https://sqs.ap-south-1.amazonaws.com/123456789012/signups-enriched"
    stack, machine = _fed(eu_region(), _send_to_queue(url))
    found = _judged(stack, machine, NO_PII)
    assert "the data comes from aws:sqs/queue:Queue 'signups' (pii) -> aws:sfn/stateMachine" in found, found


def test_an_sdk_task_that_sends_to_a_queue_of_another_account_copies_what_it_is_fed_there() -> None:
    url = f"https://sqs.eu-west-1.amazonaws.com/{OTHER_ACCOUNT}/signups-enriched"
    stack, machine = _fed(eu_region(), _send_to_queue(url, "arn:aws:states:::aws-sdk:sqs:sendMessage"))
    found = _judged(stack, machine, NO_PII)
    assert OTHER_ACCOUNT in found, found


def test_a_state_machine_fed_through_an_event_rule_is_judged_as_one_fed_by_a_pipe() -> None:
    url = "https://sqs.ap-south-1.amazonaws.com/123456789012/signups-enriched"
    stack, machine = _fed(eu_region(), _send_to_queue(url), feeder="rule")
    found = _judged(stack, machine, NO_PII)
    assert "ap-south-1" in found, found
    compliant, machine = _fed(eu_region(), _send_to_queue(OWN_QUEUE), feeder="rule")
    assert _judged(compliant, machine, NO_PII) == ""


def test_an_object_put_into_a_bucket_owned_by_another_account_copies_what_it_is_fed_there() -> None:
    put = _send(
        "arn:aws:states:::aws-sdk:s3:putObject",
        {"Bucket": "signups-exchange", "Key.$": "$.id", "Body.$": "$", "ExpectedBucketOwner": OTHER_ACCOUNT},
    )
    stack, machine = _fed(eu_region(), put)
    found = _judged(stack, machine, NO_PII)
    assert OTHER_ACCOUNT in found, found


@pytest.mark.parametrize("policy", RULES)
def test_an_object_put_into_the_stacks_bucket_in_its_region_copies_nothing_out(policy: str) -> None:
    region = eu_region()
    bucket = store(region, "aws:s3/bucket:Bucket", "signups-exchange", {"bucket": "signups-exchange-eu"})
    put = _send("arn:aws:states:::aws-sdk:s3:putObject", {"Bucket": "signups-exchange-eu", "Key.$": "$.id"})
    stack, machine = _fed(region, put, more=[bucket])
    assert _judged(stack, machine, policy) == ""


def test_an_object_put_into_a_bucket_the_stack_does_not_declare_fails_closed() -> None:
    put = _send("arn:aws:states:::aws-sdk:s3:putObject", {"Bucket": "signups-exchange", "Key.$": "$.id"})
    stack, machine = _fed(eu_region(), put)
    found = _judged(stack, machine, NO_PII)
    assert "signups-exchange (Parameters.Bucket of s3:putObject" in found, found


def test_a_task_invoking_a_function_in_mumbai_hands_it_what_it_is_fed() -> None:
    invoke = _send(
        "arn:aws:states:::lambda:invoke",
        {"FunctionName": "arn:aws:lambda:ap-south-1:123456789012:function:enrich", "Payload.$": "$"},
    )
    stack, machine = _fed(eu_region(), invoke)
    found = _judged(stack, machine, NO_PII)
    assert "ap-south-1" in found, found


def test_a_task_invoking_the_stacks_function_in_mumbai_by_name_hands_it_what_it_is_fed() -> None:
    function = Res(
        "aws:lambda/function:Function",
        "enrich",
        {
            "name": "signups-enrich",
            "role": "arn:aws:iam::123456789012:role/enrich",
            "runtime": "python3.12",
            "handler": "index.handler",
        },
        mumbai(),
    )
    invoke = _send("arn:aws:states:::lambda:invoke", {"FunctionName": "signups-enrich", "Payload.$": "$"})
    stack, machine = _fed(eu_region(), invoke, more=[function])
    found = _judged(stack, machine, NO_PII)
    assert "ap-south-1" in found, found


def test_a_task_putting_events_on_a_bus_in_mumbai_copies_what_it_is_fed_there() -> None:
    put = _send(
        "arn:aws:states:::events:putEvents",
        {
            "Entries": [
                {
                    "EventBusName": "arn:aws:events:ap-south-1:123456789012:event-bus/partner-events",
                    "Source": "com.example.signups",
                    "DetailType": "signup",
                    "Detail.$": "$",
                }
            ]
        },
    )
    stack, machine = _fed(eu_region(), put)
    found = _judged(stack, machine, NO_PII)
    assert "ap-south-1" in found, found


def _logging(destination: str, execution_data: bool = True) -> dict[str, Any]:
    return {
        "loggingConfiguration": {
            "level": "ALL",
            "includeExecutionData": execution_data,
            "logDestination": destination,
        }
    }


@pytest.mark.parametrize("policy", RULES)
def test_a_fed_state_machine_logging_its_execution_data_in_its_region_copies_nothing_out(policy: str) -> None:
    logs = _logging("arn:aws:logs:eu-west-1:123456789012:log-group:/aws/states/forward:*")
    stack, machine = _fed(eu_region(), _send_to_queue(OWN_QUEUE), logs)
    assert _judged(stack, machine, policy) == ""


def test_a_fed_state_machine_logging_its_execution_data_into_mumbai_copies_what_it_is_fed_there() -> None:
    logs = _logging("arn:aws:logs:ap-south-1:123456789012:log-group:/aws/states/forward:*")
    stack, machine = _fed(eu_region(), _send_to_queue(OWN_QUEUE), logs)
    found = _judged(stack, machine, NO_PII)
    assert "ap-south-1" in found, found


def test_a_fed_state_machine_logging_its_execution_data_into_another_account_copies_it_there() -> None:
    logs = _logging(f"arn:aws:logs:eu-west-1:{OTHER_ACCOUNT}:log-group:/aws/states/forward:*")
    stack, machine = _fed(eu_region(), _send_to_queue(OWN_QUEUE), logs)
    found = _judged(stack, machine, NO_PII)
    assert OTHER_ACCOUNT in found, found


def _copy(parameters: dict[str, Any]) -> dict[str, Any]:
    return _send("arn:aws:states:::aws-sdk:s3:copyObject", parameters)


@pytest.mark.parametrize("policy", RULES)
def test_an_object_copy_picked_by_the_input_into_the_stacks_bucket_in_its_region_copies_nothing_out(
    policy: str,
) -> None:
    region = eu_region()
    bucket = store(region, "aws:s3/bucket:Bucket", "signups-copies", {"bucket": "signups-copies-eu"})
    copy = _copy({"Bucket": "signups-copies-eu", "Key.$": "$.id", "CopySource.$": "$.source"})
    stack, machine = _fed(region, copy, more=[bucket])
    assert _judged(stack, machine, policy) == ""


def test_an_object_copy_whose_source_the_input_picks_copies_what_the_state_machine_is_fed() -> None:
    copy = _copy({"Bucket": "partner-drop", "Key.$": "$.id", "CopySource.$": "$.source"})
    stack, machine = _fed(eu_region(), copy)
    found = _judged(stack, machine, NO_PII)
    assert "aws:sqs/queue:Queue 'signups' (pii) -> aws:sfn/stateMachine:StateMachine 'forward'" in found, (
        found
    )


def test_what_an_object_copy_picked_by_the_input_writes_into_the_stacks_bucket_holds_pii() -> None:
    region = eu_region()
    replica = Res(
        "aws:s3/bucket:Bucket",
        "signups-copies",
        {"bucket": "signups-copies-in", "tags": {"data-classification": "anonymised"}},
        mumbai(),
    )
    copy = _copy({"Bucket": "signups-copies-in", "Key.$": "$.id", "CopySource.$": "$.source"})
    stack, machine = _fed(region, copy, more=[replica])
    found = _judged(stack, machine, NO_PII)
    assert "ap-south-1" in found, found
    # The bucket holds what was copied into it, whatever its label says.
    located = messages(_on(violations(stack, "pii-in-jurisdiction"), replica))
    assert "pii" in located, located


def test_a_task_that_sends_as_a_role_of_another_account_sends_into_that_account() -> None:
    send = _send_to_queue("https://sqs.eu-west-1.amazonaws.com/123456789012/signups-enriched")
    send["Credentials"] = {"RoleArn": f"arn:aws:iam::{OTHER_ACCOUNT}:role/partner-writer"}
    stack, machine = _fed(eu_region(), send)
    found = _judged(stack, machine, NO_PII)
    assert OTHER_ACCOUNT in found, found


def _distributed_map(
    region: Region, results_bucket: str, language: str = "JSONPath", reader: str = "listObjectsV2"
) -> tuple[list[Res], Res]:
    """A state machine (fed nothing) whose Distributed Map reads the PII bucket and writes its results, in
    either query language (JSONPath `Parameters`, JSONata `Arguments`), listing the bucket's objects or
    reading a JSONL manifest from it (`getObject` with a `ReaderConfig`)."""
    source = store(region, "aws:s3/bucket:Bucket", "signups-archive", {"bucket": "signups-archive-eu"})
    results = store(region, "aws:s3/bucket:Bucket", "map-results", {"bucket": "map-results-eu"})
    payload = "Arguments" if language == "JSONata" else "Parameters"
    item_reader: dict[str, Any] = {
        "Resource": f"arn:aws:states:::s3:{reader}",
        payload: {"Bucket": "signups-archive-eu"},
    }
    if reader == "getObject":
        item_reader["ReaderConfig"] = {"InputType": "JSONL"}
        item_reader[payload]["Key"] = "manifests/signups.jsonl"
    prefix = "{% 'runs/' & $states.context.Execution.Name %}" if language == "JSONata" else "results"
    definition: dict[str, Any] = {
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "ItemReader": item_reader,
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                    "StartAt": "Pass",
                    "States": {"Pass": {"Type": "Pass", "End": True}},
                },
                "ResultWriter": {
                    "Resource": "arn:aws:states:::s3:putObject",
                    payload: {"Bucket": results_bucket, "Prefix": prefix},
                    "WriterConfig": {"OutputType": "JSONL", "Transformation": "FLATTEN"},
                },
                "End": True,
            }
        },
    }
    if language == "JSONata":
        definition["QueryLanguage"] = "JSONata"
    machine = Res(
        "aws:sfn/stateMachine:StateMachine",
        "archive-map",
        {"roleArn": "arn:aws:iam::123456789012:role/archive-map", "definition": json.dumps(definition)},
        region.provider,
    )
    return [*region.resources, source, results, machine], machine


MAP_FORMS = [
    ("JSONPath", "listObjectsV2"),
    ("JSONPath", "getObject"),
    ("JSONata", "listObjectsV2"),
    ("JSONata", "getObject"),
]
"""Reviewer blind-data15 a18: a JSONata Distributed Map reading a JSONL manifest of the PII bucket and writing
its results (`WriterConfig` JSONL, FLATTEN) with `Arguments`; and the JSONPath `Parameters` forms."""


@pytest.mark.parametrize("policy", RULES)
@pytest.mark.parametrize(("language", "reader"), MAP_FORMS)
def test_a_distributed_map_writing_its_results_into_the_stacks_bucket_copies_nothing_out(
    policy: str, language: str, reader: str
) -> None:
    stack, machine = _distributed_map(eu_region(), "map-results-eu", language, reader)
    assert _judged(stack, machine, policy) == ""


@pytest.mark.parametrize("policy", RULES)
@pytest.mark.parametrize(("language", "reader"), MAP_FORMS)
def test_a_distributed_map_writing_its_results_into_a_bucket_the_stack_lacks_fails_closed(
    policy: str, language: str, reader: str
) -> None:
    stack, machine = _distributed_map(eu_region(), "map-results-central", language, reader)
    found = _judged(stack, machine, policy)
    member = "Arguments" if language == "JSONata" else "Parameters"
    assert f"map-results-central ({member}.Bucket of s3:putObject" in found, found
    # What it copies is what its ItemReader reads: the PII bucket.
    assert "aws:s3/bucket:Bucket 'signups-archive' (pii" in found, found


def _unknown_definition(region: Region, *computed_from: Res) -> Res:
    """A state machine whose definition is computed with `apply` (unknown at a first preview)."""
    return Res(
        "aws:sfn/stateMachine:StateMachine",
        "archive-map",
        {"roleArn": "arn:aws:iam::123456789012:role/archive-map", "definition": UNKNOWN},
        region.provider,
        deps={"definition": list(computed_from)},
    )


@pytest.mark.preview_only("a definition computed from outputs is unknown only before the stack exists")
@pytest.mark.parametrize("policy", RULES)
def test_a_definition_unknown_at_preview_computed_from_a_pii_bucket_fails_closed(policy: str) -> None:
    region = eu_region()
    source = store(region, "aws:s3/bucket:Bucket", "signups-archive", {"bucket": "signups-archive-eu"})
    function = Res("aws:lambda/function:Function", "normalise", {"runtime": "python3.12"}, region.provider)
    machine = _unknown_definition(region, source, function)
    found = _judged([*region.resources, source, function, machine], machine, policy)
    assert "the definition of aws:sfn/stateMachine:StateMachine 'archive-map'" in found, found
    assert "computed from aws:s3/bucket:Bucket 'signups-archive'" in found, found
    assert "build the definition from values a preview knows" in found, found


@pytest.mark.parametrize("policy", RULES)
def test_a_definition_unknown_at_preview_computed_from_code_and_internal_stores_is_judged_by_them(
    policy: str,
) -> None:
    region = eu_region()
    internal = store(
        region,
        "aws:s3/bucket:Bucket",
        "ops-reports",
        {"bucket": "ops-reports-eu"},
        {"data-classification": "internal"},
    )
    # The function handles PII (it is labelled so), but it is code, not a store the definition names.
    function = Res(
        "aws:lambda/function:Function",
        "normalise",
        {"runtime": "python3.12", "tags": {"data-classification": "pii"}},
        region.provider,
    )
    machine = _unknown_definition(region, internal, function)
    assert _judged([*region.resources, internal, function, machine], machine, policy) == ""


def _fed_function(region: Region, bucket_arn: str) -> tuple[list[Res], Res]:
    """A function an event source mapping feeds the PII queue's messages, configured with a bucket."""
    source = _queue(region, "signups")
    function = Res(
        "aws:lambda/function:Function",
        "archive",
        {
            "role": "arn:aws:iam::123456789012:role/archive",
            "runtime": "python3.12",
            "handler": "index.handler",
            "environment": {"variables": {"ARCHIVE_BUCKET_ARN": bucket_arn}},
        },
        region.provider,
    )
    mapping = Res(
        "aws:lambda/eventSourceMapping:EventSourceMapping",
        "signups-to-archive",
        {"eventSourceArn": UNKNOWN, "functionName": UNKNOWN},
        region.provider,
        deps={"eventSourceArn": [source], "functionName": [function]},
    )
    return [*region.resources, source, function, mapping], function


@pytest.mark.parametrize("policy", RULES)
def test_a_fed_function_configured_with_a_place_in_its_region_copies_nothing_out(policy: str) -> None:
    stack, function = _fed_function(eu_region(), "arn:aws:s3:eu-west-1:123456789012:accesspoint/archive")
    assert _judged(stack, function, policy) == ""


def test_a_fed_function_configured_with_a_place_in_mumbai_copies_what_it_is_fed_there() -> None:
    stack, function = _fed_function(eu_region(), "arn:aws:s3:ap-south-1:123456789012:accesspoint/archive")
    found = _judged(stack, function, NO_PII)
    assert "ap-south-1" in found and "aws:sqs/queue:Queue 'signups' (pii) -> aws:lambda/function" in found, (
        found
    )
