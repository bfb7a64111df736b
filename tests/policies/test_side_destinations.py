"""Destinations beside a delivery's main one: where undelivered messages, records to transform and
execution logs go.

Reviewer blind spots of issue #8 ("every destination path is read"): an SNS subscription's `redrivePolicy`
names a dead-letter queue (`deadLetterTargetArn`) where SNS puts every message it cannot deliver; a
Firehose delivery's Lambda processor (`processingConfiguration.processors[].parameters`, `LambdaArn`) is
sent every record to transform; an EventBridge pipe that logs its execution data
(`logConfiguration.includeExecutionDatas: ["ALL"]`) writes the payloads it moves into its log destinations.
The pack read only the subscription's endpoint and the delivery's own destinations, so a dead-letter
queue or a transforming function in Mumbai or in another account was no copy, and a pipe's log bucket
owned by another account (`s3LogDestination.bucketOwner`) was not read. Each test is one compliant
delivery of PII in eu-west-1, changed in one place.
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


def _on(found: list[Diagnostic], resource: Res) -> list[Diagnostic]:
    return [d for d in found if d.urn == resource.urn]


def _queue(region: Region, name: str, provider: Res | None = None) -> Res:
    queue = store(region, "aws:sqs/queue:Queue", name, {"name": name, "kmsMasterKeyId": UNKNOWN})
    queue.deps["kmsMasterKeyId"] = [region.key]
    if provider is not None:
        queue.provider = provider
    return queue


# SNS subscriptions' dead-letter queues ----------------------------------------------------------------


def _subscription(region: Region, redrive: Any = None, dead_letter: Res | None = None) -> list[Res]:
    topic = store(region, "aws:sns/topic:Topic", "signups", {"name": "signups", "kmsMasterKeyId": UNKNOWN})
    topic.deps["kmsMasterKeyId"] = [region.key]
    endpoint = _queue(region, "signups-processing")
    props: dict[str, Any] = {"topic": UNKNOWN, "protocol": "sqs", "endpoint": UNKNOWN}
    deps = {"topic": [topic], "endpoint": [endpoint]}
    if redrive is not None:
        props["redrivePolicy"] = redrive
    if dead_letter is not None:
        deps["redrivePolicy"] = [dead_letter]
    subscription = Res(
        "aws:sns/topicSubscription:TopicSubscription", "signups-processing", props, region.provider, deps=deps
    )
    return [*region.resources, topic, endpoint, *([dead_letter] if dead_letter else []), subscription]


def _dead_letter(arn: str) -> str:
    return json.dumps({"deadLetterTargetArn": arn})


@pytest.mark.parametrize("policy", RULES)
def test_a_subscription_whose_dead_letter_queue_is_in_its_region_and_account_copies_nothing_out(
    policy: str,
) -> None:
    stack = _subscription(eu_region(), _dead_letter("arn:aws:sqs:eu-west-1:123456789012:signups-dlq"))
    assert _on(violations(stack, policy), stack[-1]) == []


@pytest.mark.parametrize("policy", RULES)
def test_a_subscription_whose_dead_letter_queue_is_in_mumbai_copies_undelivered_pii_there(
    policy: str,
) -> None:
    stack = _subscription(eu_region(), _dead_letter("arn:aws:sqs:ap-south-1:123456789012:signups-dlq"))
    found = _on(violations(stack, policy), stack[-1])
    assert "ap-south-1" in messages(found), messages(found)


def test_a_subscription_whose_dead_letter_queue_is_in_another_account_copies_undelivered_pii_there() -> None:
    stack = _subscription(eu_region(), _dead_letter(f"arn:aws:sqs:eu-west-1:{OTHER_ACCOUNT}:signups-dlq"))
    found = _on(violations(stack, NO_PII), stack[-1])
    assert f"into account {OTHER_ACCOUNT}" in messages(found), messages(found)


@pytest.mark.preview_only(
    "a redrive policy computed from the queue's ARN is unknown only at preview; deployed it is the literal "
    "JSON the tests above judge (the harness cannot build that JSON from outputs)"
)
def test_a_dead_letter_queue_computed_from_a_queue_of_the_stack_in_mumbai_is_that_queue() -> None:
    region = eu_region()
    dead_letter = _queue(region, "signups-dlq", mumbai())
    stack = _subscription(region, UNKNOWN, dead_letter)
    found = _on(violations(stack, NO_PII), stack[-1])
    assert "ap-south-1" in messages(found), messages(found)


# Firehose Lambda processors ------------------------------------------------------------------------------


def _delivery(
    region: Region, processors: list[dict[str, Any]] | None, function: Res | None = None
) -> list[Res]:
    bucket = store(region, "aws:s3/bucket:Bucket", "signups-archive", {"bucket": "signups-archive-eu"})
    configuration: dict[str, Any] = {
        "bucketArn": UNKNOWN,
        "roleArn": "arn:aws:iam::123456789012:role/firehose",
    }
    if processors is not None:
        configuration["processingConfiguration"] = {"enabled": True, "processors": processors}
    delivery = Res(
        "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
        "signups",
        {
            "name": "signups",
            "destination": "extended_s3",
            "serverSideEncryption": {"enabled": True, "keyType": "CUSTOMER_MANAGED_CMK", "keyArn": UNKNOWN},
            "extendedS3Configuration": configuration,
            "tags": {"data-classification": "pii"},
        },
        region.provider,
        deps={
            "extendedS3Configuration": [bucket, *([function] if function else [])],
            "serverSideEncryption": [region.key],
        },
    )
    return [*region.resources, bucket, *([function] if function else []), delivery]


def _lambda_processor(arn: str, retries: str = "3") -> dict[str, Any]:
    return {
        "type": "Lambda",
        "parameters": [
            {"parameterName": "LambdaArn", "parameterValue": arn},
            {"parameterName": "NumberOfRetries", "parameterValue": retries},
            {"parameterName": "RoleArn", "parameterValue": "arn:aws:iam::123456789012:role/firehose-invoke"},
        ],
    }


@pytest.mark.parametrize("policy", RULES)
def test_a_delivery_transformed_by_a_function_in_its_region_and_account_copies_nothing_out(
    policy: str,
) -> None:
    stack = _delivery(
        eu_region(), [_lambda_processor("arn:aws:lambda:eu-west-1:123456789012:function:redact:$LATEST")]
    )
    assert _on(violations(stack, policy), stack[-1]) == []


@pytest.mark.parametrize("policy", RULES)
def test_a_delivery_whose_processors_name_no_function_copies_nothing_out(policy: str) -> None:
    delimiter = {
        "type": "AppendDelimiterToRecord",
        "parameters": [{"parameterName": "Delimiter", "parameterValue": "\\n"}],
    }
    stack = _delivery(eu_region(), [delimiter])
    assert _on(violations(stack, policy), stack[-1]) == []


@pytest.mark.parametrize("policy", RULES)
def test_a_delivery_transformed_by_a_function_in_mumbai_sends_every_record_there(policy: str) -> None:
    stack = _delivery(
        eu_region(), [_lambda_processor("arn:aws:lambda:ap-south-1:123456789012:function:redact:$LATEST")]
    )
    found = _on(violations(stack, policy), stack[-1])
    assert "ap-south-1" in messages(found) and "record transformation" in messages(found), messages(found)


def test_a_delivery_transformed_by_a_function_of_another_account_sends_every_record_there() -> None:
    stack = _delivery(
        eu_region(), [_lambda_processor(f"arn:aws:lambda:eu-west-1:{OTHER_ACCOUNT}:function:redact:$LATEST")]
    )
    found = _on(violations(stack, NO_PII), stack[-1])
    assert f"into account {OTHER_ACCOUNT}" in messages(found), messages(found)


def test_a_delivery_transformed_by_the_stacks_function_in_mumbai_sends_every_record_there() -> None:
    function = Res(
        "aws:lambda/function:Function",
        "redact",
        {
            "role": "arn:aws:iam::123456789012:role/redact",
            "runtime": "python3.12",
            "handler": "index.handler",
        },
        mumbai(),
    )
    stack = _delivery(eu_region(), [_lambda_processor(UNKNOWN)], function)
    found = _on(violations(stack, NO_PII), stack[-1])
    assert "ap-south-1" in messages(found), messages(found)


# EventBridge pipes' logs ---------------------------------------------------------------------------------


def _pipe(region: Region, logs: dict[str, Any] | None, log_bucket: Res | None = None) -> list[Res]:
    source, target = _queue(region, "signups"), _queue(region, "signups-processed")
    props: dict[str, Any] = {
        "source": UNKNOWN,
        "target": UNKNOWN,
        "roleArn": "arn:aws:iam::123456789012:role/signups-pipe",
    }
    deps = {"source": [source], "target": [target]}
    if logs is not None:
        props["logConfiguration"] = {"level": "TRACE", "includeExecutionDatas": ["ALL"], **logs}
    if log_bucket is not None:
        deps["logConfiguration"] = [log_bucket]
    pipe = Res("aws:pipes/pipe:Pipe", "signups", props, region.provider, deps=deps)
    return [*region.resources, source, target, *([log_bucket] if log_bucket else []), pipe]


def _log_bucket(region: Region) -> Res:
    return store(region, "aws:s3/bucket:Bucket", "pipe-logs", {"bucket": "pipe-logs-eu"})


@pytest.mark.parametrize("policy", RULES)
def test_a_pipe_logging_its_execution_data_into_the_stacks_bucket_copies_nothing_out(policy: str) -> None:
    region = eu_region()
    bucket = _log_bucket(region)
    logs = {
        "s3LogDestination": {"bucketName": UNKNOWN, "bucketOwner": "123456789012", "outputFormat": "json"}
    }
    stack = _pipe(region, logs, bucket)
    assert _on(violations(stack, policy), stack[-1]) == []


def test_a_pipe_logging_its_execution_data_into_another_accounts_bucket_copies_pii_there() -> None:
    region = eu_region()
    bucket = _log_bucket(region)
    logs = {"s3LogDestination": {"bucketName": UNKNOWN, "bucketOwner": OTHER_ACCOUNT, "outputFormat": "json"}}
    stack = _pipe(region, logs, bucket)
    found = _on(violations(stack, NO_PII), stack[-1])
    assert OTHER_ACCOUNT in messages(found), messages(found)


def test_a_pipe_logging_its_execution_data_into_a_bucket_the_stack_does_not_declare_fails_closed() -> None:
    logs = {"s3LogDestination": {"bucketName": "pipe-logs-central", "outputFormat": "json"}}
    stack = _pipe(eu_region(), logs)
    found = _on(violations(stack, NO_PII), stack[-1])
    assert "regions that cannot be traced" in messages(found), messages(found)


@pytest.mark.parametrize("policy", RULES)
def test_a_pipe_logging_its_execution_data_into_a_firehose_stream_in_mumbai_copies_pii_there(
    policy: str,
) -> None:
    logs = {
        "firehoseLogDestination": {
            "deliveryStreamArn": "arn:aws:firehose:ap-south-1:123456789012:deliverystream/pipe-logs"
        }
    }
    stack = _pipe(eu_region(), logs)
    found = _on(violations(stack, policy), stack[-1])
    assert "ap-south-1" in messages(found), messages(found)


def _stream_pipe(region: Region, dead_letter: str) -> list[Res]:
    stream = store(
        region, "aws:kinesis/stream:Stream", "signups", {"name": "signups", "encryptionType": "KMS"}
    )
    stream.props["kmsKeyId"] = UNKNOWN
    stream.deps["kmsKeyId"] = [region.key]
    target = _queue(region, "signups-processed")
    pipe = Res(
        "aws:pipes/pipe:Pipe",
        "signups",
        {
            "source": UNKNOWN,
            "target": UNKNOWN,
            "roleArn": "arn:aws:iam::123456789012:role/signups-pipe",
            "sourceParameters": {
                "kinesisStreamParameters": {
                    "startingPosition": "LATEST",
                    "deadLetterConfig": {"arn": dead_letter},
                }
            },
        },
        region.provider,
        deps={"source": [stream], "target": [target]},
    )
    return [*region.resources, stream, target, pipe]


@pytest.mark.parametrize("policy", RULES)
def test_a_stream_pipe_whose_dead_letter_queue_is_in_its_region_copies_nothing_out(policy: str) -> None:
    stack = _stream_pipe(eu_region(), "arn:aws:sqs:eu-west-1:123456789012:signups-dlq")
    assert _on(violations(stack, policy), stack[-1]) == []


@pytest.mark.parametrize("policy", RULES)
def test_a_stream_pipe_whose_dead_letter_queue_is_in_mumbai_copies_undelivered_records_there(
    policy: str,
) -> None:
    stack = _stream_pipe(eu_region(), "arn:aws:sqs:ap-south-1:123456789012:signups-dlq")
    found = _on(violations(stack, policy), stack[-1])
    assert "ap-south-1" in messages(found), messages(found)


# Kinesis Data Analytics input preprocessors ------------------------------------------------------------


def _analytics(region: Region, preprocessor: str) -> list[Res]:
    stream = store(
        region, "aws:kinesis/stream:Stream", "signups", {"name": "signups", "encryptionType": "KMS"}
    )
    stream.props["kmsKeyId"] = UNKNOWN
    stream.deps["kmsKeyId"] = [region.key]
    application = Res(
        "aws:kinesis/analyticsApplication:AnalyticsApplication",
        "signups",
        {
            "name": "signups",
            "inputs": {
                "namePrefix": "signups",
                "kinesisStream": {
                    "resourceArn": UNKNOWN,
                    "roleArn": "arn:aws:iam::123456789012:role/analytics",
                },
                "processingConfiguration": {
                    "lambda": {
                        "resourceArn": preprocessor,
                        "roleArn": "arn:aws:iam::123456789012:role/analytics",
                    }
                },
                "schema": {"recordColumns": [{"name": "id", "sqlType": "VARCHAR(64)"}], "recordFormat": {}},
            },
        },
        region.provider,
        deps={"inputs": [stream]},
    )
    return [*region.resources, stream, application]


@pytest.mark.parametrize("policy", RULES)
def test_an_analytics_input_preprocessed_in_its_region_copies_nothing_out(policy: str) -> None:
    stack = _analytics(eu_region(), "arn:aws:lambda:eu-west-1:123456789012:function:redact")
    assert _on(violations(stack, policy), stack[-1]) == []


@pytest.mark.parametrize("policy", RULES)
def test_an_analytics_input_preprocessed_by_a_function_in_mumbai_sends_every_record_there(
    policy: str,
) -> None:
    stack = _analytics(eu_region(), "arn:aws:lambda:ap-south-1:123456789012:function:redact")
    found = _on(violations(stack, policy), stack[-1])
    assert "ap-south-1" in messages(found), messages(found)
