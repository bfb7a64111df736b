"""Where an ECS task's or a Batch job's containers send their output: their log drivers and environment.

Reviewer blind spot 2 of issue #8: a task definition's `containerDefinitions` (a Batch job definition's
`containerProperties`, `ecsProperties`, `nodeProperties`) is one JSON text. Regions it named were read, as
they are for a Lambda function, but a log driver's address under its own option (`gelf-address:
udp://...`, `syslog-address: tcp://...`, a self-hosted `splunk-url`) was a URL under a key that does not say
"endpoint", read as a link and not a destination; `logentries` and drivers the pack has not reviewed, and a
FireLens router loading a configuration file from S3, passed unread; and a container image from a registry
outside AWS (`registry.gitlab.com/...`) was taken for a host the task sends to. Each test is the compliant
baseline plus a task whose role reads a PII bucket, changed in one place.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import PII
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

NO_PII = "no-pii-replication"
ANONYMISED_ONLY = "anonymised-only-replication"
BUCKET = "customer-exports-eu"
IN_REGION_LOGS = {
    "logDriver": "awslogs",
    "options": {"awslogs-group": "/ecs/worker", "awslogs-region": "eu-west-1"},
}


def _reader(region: Region) -> tuple[Res, Res]:
    """A PII bucket and a task role that reads it."""
    bucket = Res("aws:s3/bucket:Bucket", BUCKET, {"bucket": BUCKET, "tags": dict(PII)}, region.provider)
    reads = {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": f"arn:aws:s3:::{BUCKET}/*"}
    trust = {
        "Effect": "Allow",
        "Principal": {"Service": "ecs-tasks.amazonaws.com"},
        "Action": "sts:AssumeRole",
    }
    role = Res(
        "aws:iam/role:Role",
        "task-role",
        {
            "name": "task-role",
            "assumeRolePolicy": json.dumps({"Version": "2012-10-17", "Statement": [trust]}),
            "inlinePolicies": [
                {"name": "reads", "policy": json.dumps({"Version": "2012-10-17", "Statement": [reads]})}
            ],
        },
        region.provider,
    )
    return bucket, role


def _container(log: dict[str, Any] | None = IN_REGION_LOGS, **more: Any) -> dict[str, Any]:
    container: dict[str, Any] = {"name": "worker", "image": "example/worker:2.0", **more}
    if log is not None:
        container["logConfiguration"] = log
    return container


def _task(region: Region, role: Res | None, *containers: dict[str, Any]) -> Res:
    props: dict[str, Any] = {"family": "worker", "containerDefinitions": json.dumps(list(containers))}
    deps = {}
    if role is not None:
        props["taskRoleArn"] = UNKNOWN
        deps["taskRoleArn"] = [role]
    return Res("aws:ecs/taskDefinition:TaskDefinition", "worker", props, region.provider, deps=deps)


def _job(region: Region, role: Res, form: str, container: dict[str, Any]) -> Res:
    """A Batch job definition whose role is named in its JSON (computed from the role at preview)."""
    container = dict(container)
    if form == "containerProperties":
        container.pop("name")
        document: Any = {**container, "jobRoleArn": UNKNOWN}
    elif form == "ecsProperties":
        document = {"taskProperties": [{"taskRoleArn": UNKNOWN, "containers": [container]}]}
    else:
        container.pop("name")
        document = {
            "mainNode": 0,
            "numNodes": 1,
            "nodeRangeProperties": [{"targetNodes": "0:", "container": {**container, "jobRoleArn": UNKNOWN}}],
        }
    kind = "multinode" if form == "nodeProperties" else "container"
    return Res(
        "aws:batch/jobDefinition:JobDefinition",
        "worker",
        {"name": "worker", "type": kind, form: json.dumps(document)},
        region.provider,
        deps={form: [role]},
    )


def _found(stack: list[Res], resource: Res, policy: str = NO_PII) -> list[Any]:
    return [d for d in violations(stack, policy) if d.urn == resource.urn]


def test_a_pii_task_logging_to_its_own_region_breaks_no_rule() -> None:
    region = eu_region()
    bucket, role = _reader(region)
    task = _task(region, role, _container())
    stack = [*region.resources, bucket, role, task]
    assert _found(stack, task) == [] and _found(stack, task, ANONYMISED_ONLY) == []


@pytest.mark.parametrize("image", ["registry.gitlab.com/acme/worker:1.4", "acme.jfrog.io/docker/worker:1.4"])
def test_a_container_image_from_a_registry_outside_aws_is_no_place_the_task_sends_to(image: str) -> None:
    region = eu_region()
    bucket, role = _reader(region)
    task = _task(region, role, {**_container(), "image": image})
    assert _found([*region.resources, bucket, role, task], task) == []


ADDRESSES = {
    "gelf": (
        {"logDriver": "gelf", "options": {"gelf-address": "udp://graylog.example.com:12201"}},
        "graylog",
    ),
    "syslog": (
        {"logDriver": "syslog", "options": {"syslog-address": "tcp+tls://logs.example.com:6514"}},
        "logs.example.com",
    ),
    "splunk": (
        {
            "logDriver": "splunk",
            "options": {"splunk-url": "https://splunk.corp.example.com:8088", "splunk-token": "t"},
        },
        "splunk.corp",
    ),
    "fluentd": (
        {"logDriver": "fluentd", "options": {"fluentd-address": "tcp://198.51.100.20:24224"}},
        "198.51.100.20",
    ),
    "awslogs endpoint": (
        {
            "logDriver": "awslogs",
            "options": {
                "awslogs-group": "g",
                "awslogs-region": "eu-west-1",
                "awslogs-endpoint": "https://logs.example.net",
            },
        },
        "logs.example.net",
    ),
    "logentries": ({"logDriver": "logentries", "options": {"logentries-token": "t"}}, "Logentries"),
}


@pytest.mark.parametrize("case", ADDRESSES)
def test_a_pii_task_whose_log_driver_sends_to_a_server_outside_aws_copies_it_there(case: str) -> None:
    region = eu_region()
    bucket, role = _reader(region)
    log, shown = ADDRESSES[case]
    task = _task(region, role, _container(log))
    found = _found([*region.resources, bucket, role, task], task)
    assert shown in messages(found) and "outside AWS" in messages(found), messages(found)


@pytest.mark.parametrize(
    "address", ["udp://10.10.4.7:12201", "unix:///var/run/fluent.sock", "tcp://graylog.internal:12201"]
)
def test_a_log_server_on_the_private_network_or_the_host_is_no_copy(address: str) -> None:
    region = eu_region()
    bucket, role = _reader(region)
    task = _task(region, role, _container({"logDriver": "gelf", "options": {"gelf-address": address}}))
    assert _found([*region.resources, bucket, role, task], task) == []


def test_a_task_that_reads_no_personal_data_may_log_anywhere() -> None:
    region = eu_region()
    log, _ = ADDRESSES["gelf"]
    task = _task(region, None, _container(log))
    assert _found([*region.resources, task], task) == []


def test_a_log_driver_the_pack_has_not_reviewed_fails_closed_on_a_pii_task() -> None:
    region = eu_region()
    bucket, role = _reader(region)
    task = _task(region, role, _container({"logDriver": "sumologic", "options": {"sumo-url": "x"}}))
    found = _found([*region.resources, bucket, role, task], task)
    assert "'sumologic'" in messages(found) and "not reviewed" in messages(found), messages(found)


def _router(options: dict[str, str]) -> dict[str, Any]:
    return {
        "name": "log-router",
        "image": "public.ecr.aws/aws-observability/aws-for-fluent-bit:stable",
        "essential": True,
        "firelensConfiguration": {"type": "fluentbit", "options": options},
    }


FIRELENS_OUT = {
    "logDriver": "awsfirelens",
    "options": {"Name": "cloudwatch_logs", "region": "eu-west-1", "log_group_name": "/ecs/worker"},
}


def test_a_firelens_router_loading_a_configuration_file_from_s3_fails_closed_on_a_pii_task() -> None:
    region = eu_region()
    bucket, role = _reader(region)
    router = _router({"config-file-type": "s3", "config-file-value": "arn:aws:s3:::ops-config/extra.conf"})
    task = _task(region, role, router, _container(FIRELENS_OUT))
    found = _found([*region.resources, bucket, role, task], task)
    assert "ops-config/extra.conf" in messages(found) and "cannot read" in messages(found), messages(found)


def test_a_firelens_router_loading_the_images_own_parser_file_sends_nowhere_else() -> None:
    region = eu_region()
    bucket, role = _reader(region)
    router = _router({"config-file-type": "file", "config-file-value": "/fluent-bit/configs/parse-json.conf"})
    task = _task(region, role, router, _container(FIRELENS_OUT))
    assert _found([*region.resources, bucket, role, task], task) == []


REGIONS = {
    "awslogs": {
        "logDriver": "awslogs",
        "options": {"awslogs-group": "/ecs/worker", "awslogs-region": "ap-south-1"},
    },
    "firelens firehose": {
        "logDriver": "awsfirelens",
        "options": {"Name": "kinesis_firehose", "region": "ap-south-1", "delivery_stream": "logs"},
    },
}


@pytest.mark.parametrize(
    "form", ["containerDefinitions", "containerProperties", "ecsProperties", "nodeProperties"]
)
@pytest.mark.parametrize("case", REGIONS)
def test_a_pii_task_or_job_logging_to_another_region_copies_it_there(form: str, case: str) -> None:
    region = eu_region()
    bucket, role = _reader(region)
    container = _container(REGIONS[case])
    resource = (
        _task(region, role, container)
        if form == "containerDefinitions"
        else _job(region, role, form, container)
    )
    found = _found([*region.resources, bucket, role, resource], resource)
    assert "ap-south-1" in messages(found), messages(found)


@pytest.mark.parametrize("form", ["containerProperties", "ecsProperties", "nodeProperties", "daemon"])
def test_a_pii_job_whose_log_driver_sends_outside_aws_copies_it_there(form: str) -> None:
    region = eu_region()
    bucket, role = _reader(region)
    log, shown = ADDRESSES["gelf"]
    if form == "daemon":
        # A daemon task definition's containers are objects, not JSON text.
        job = Res(
            "aws:ecs/daemonTaskDefinition:DaemonTaskDefinition",
            "worker",
            {"family": "worker", "taskRoleArn": UNKNOWN, "containerDefinitions": [_container(log)]},
            region.provider,
            deps={"taskRoleArn": [role]},
        )
    else:
        job = _job(region, role, form, _container(log))
    found = _found([*region.resources, bucket, role, job], job)
    assert shown in messages(found), messages(found)


@pytest.mark.parametrize(
    ("variable", "shown"),
    [
        ({"name": "EXPORT_QUEUE", "value": "arn:aws:sqs:ap-south-1:123456789012:exports"}, "ap-south-1"),
        ({"name": "UPLOAD_ENDPOINT", "value": "https://upload.example.com/in"}, "upload.example.com"),
        ({"name": "SENTRY_DSN", "value": "https://k@o1.ingest.sentry.io/2"}, "sentry.io"),
    ],
)
def test_a_pii_tasks_environment_naming_a_place_elsewhere_is_judged_as_a_functions(
    variable: dict[str, str], shown: str
) -> None:
    region = eu_region()
    bucket, role = _reader(region)
    task = _task(region, role, _container(environment=[variable]))
    found = _found([*region.resources, bucket, role, task], task)
    assert shown in messages(found), messages(found)


@pytest.mark.preview_only("once deployed the engine sends the container text itself, which is then read")
def test_a_container_text_computed_from_the_pii_database_fails_closed_until_it_can_be_read() -> None:
    region = eu_region()
    task = Res(
        "aws:ecs/taskDefinition:TaskDefinition",
        "worker",
        {"family": "worker", "containerDefinitions": UNKNOWN},
        region.provider,
        deps={"containerDefinitions": [region.database]},
    )
    found = _found([*region.resources, task], task)
    assert "containerDefinitions" in messages(found) and "secrets" in messages(found), messages(found)


def test_a_container_text_computed_from_the_role_alone_is_judged_once_it_can_be_read() -> None:
    region = eu_region()
    bucket, role = _reader(region)
    task = Res(
        "aws:ecs/taskDefinition:TaskDefinition",
        "worker",
        {"family": "worker", "containerDefinitions": UNKNOWN},
        region.provider,
        deps={"containerDefinitions": [role]},
    )
    assert _found([*region.resources, bucket, role, task], task) == []


# A log driver's address given through secretOptions (reviewer blind-aws14 a01) -----------------------------

PARAMETER_ARN = "arn:aws:ssm:eu-west-1:123456789012:parameter/acme/eu/logging/{name}"
SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:acme/eu/logging-AbCdEf"
SPLUNK_CLOUD = "https://http-inputs-acme.splunkcloud.com:443"


def _parameter(region: Region, name: str, value: Any) -> Res:
    return Res(
        "aws:ssm/parameter:Parameter",
        name,
        {
            "name": f"/acme/eu/logging/{name}",
            "type": "String",
            "value": value,
            "tags": {"data-classification": "internal"},
        },
        region.provider,
    )


def _secret(region: Region, document: dict[str, str]) -> list[Res]:
    secret = Res(
        "aws:secretsmanager/secret:Secret",
        "logging",
        {"name": "acme/eu/logging", "kmsKeyId": UNKNOWN, "tags": {"data-classification": "internal"}},
        region.provider,
        deps={"kmsKeyId": [region.key]},
    )
    version = Res(
        "aws:secretsmanager/secretVersion:SecretVersion",
        "logging",
        {"secretId": UNKNOWN, "secretString": json.dumps(document)},
        region.provider,
        deps={"secretId": [secret]},
    )
    return [secret, version]


def _secret_logs(driver: str, options: dict[str, str], secrets: dict[str, str]) -> dict[str, Any]:
    return {
        "logDriver": driver,
        "options": options,
        "secretOptions": [{"name": k, "valueFrom": v} for k, v in secrets.items()],
    }


SPLUNK_FROM = {
    "parameter": (
        lambda region: [_parameter(region, "splunk-url", SPLUNK_CLOUD)],
        PARAMETER_ARN.format(name="splunk-url"),
    ),
    "parameter by name": (
        lambda region: [_parameter(region, "splunk-url", SPLUNK_CLOUD)],
        "/acme/eu/logging/splunk-url",
    ),
    "secret's json key": (
        lambda region: _secret(region, {"url": SPLUNK_CLOUD, "token": "t"}),
        f"{SECRET_ARN}:url::",
    ),
}


@pytest.mark.preview_only("once deployed the engine sends the container text itself, which is then read")
def test_an_unreadable_container_text_says_how_to_write_one_a_first_preview_reads() -> None:
    """Reviewer blind-compliant16 c02: `Output.all(...).apply(json.dumps)` (or `pulumi.Output.json_dumps`,
    which discards its text when it meets an unknown value) gives the pack no text at a first preview; the
    message says to write it from literals and pass the stores' addresses through `secrets`."""
    region = eu_region()
    task = Res(
        "aws:ecs/taskDefinition:TaskDefinition",
        "worker",
        {"family": "worker", "containerDefinitions": UNKNOWN},
        region.provider,
        deps={"containerDefinitions": [region.database]},
    )
    for policy in (NO_PII, ANONYMISED_ONLY):
        shown = messages(_found([*region.resources, task], task, policy))
        assert "pulumi.Output.json_dumps" in shown and "not `parameter.arn`" in shown, shown
        assert "blind-compliant16 c02" in shown, shown


def test_the_readable_form_a_literal_text_with_the_stores_address_in_a_parameter_breaks_no_rule() -> None:
    """What that message asks for: a literal text whose `secrets` name, by a literal ARN, a parameter of the
    stack holding the PII database's address (computed from it), and log to the task's own region."""
    region = eu_region()
    parameter = _parameter(region, "db-host", UNKNOWN)
    parameter.deps = {"value": [region.database]}
    container = _container(secrets=[{"name": "DB_HOST", "valueFrom": PARAMETER_ARN.format(name="db-host")}])
    task = _task(region, None, container)
    stack = [*region.resources, parameter, task]
    assert _found(stack, task) == [] and _found(stack, task, ANONYMISED_ONLY) == []


@pytest.mark.parametrize("form", ["containerDefinitions", "containerProperties", "ecsProperties"])
@pytest.mark.parametrize("source", SPLUNK_FROM)
def test_a_log_drivers_address_kept_in_a_parameter_or_secret_is_read_through_it(
    form: str, source: str
) -> None:
    region = eu_region()
    bucket, role = _reader(region)
    holders, value_from = SPLUNK_FROM[source]
    log = _secret_logs("splunk", {"splunk-format": "json"}, {"splunk-url": value_from})
    resource = (
        _task(region, role, _container(log))
        if form == "containerDefinitions"
        else _job(region, role, form, _container(log))
    )
    found = _found([*region.resources, *holders(region), bucket, role, resource], resource)
    assert "splunkcloud.com" in messages(found) and "secretOptions" in messages(found), messages(found)


def test_a_log_drivers_address_in_a_parameter_the_stack_does_not_declare_cannot_be_read() -> None:
    region = eu_region()
    bucket, role = _reader(region)
    log = _secret_logs("splunk", {}, {"splunk-url": PARAMETER_ARN.format(name="splunk-url")})
    task = _task(region, role, _container(log))
    found = _found([*region.resources, bucket, role, task], task)
    assert "does not declare" in messages(found) and "splunk-url" in messages(found), messages(found)


@pytest.mark.parametrize(
    ("secrets", "value"),
    [({"Host": "logs.example.com"}, "logs.example.com"), ({"region": "ap-south-1"}, "ap-south-1")],
    ids=["host", "region"],
)
def test_a_firelens_outputs_place_kept_in_a_parameter_is_read_through_it(
    secrets: dict[str, str], value: str
) -> None:
    region = eu_region()
    bucket, role = _reader(region)
    (name,) = secrets
    log = _secret_logs("awsfirelens", {"Name": "http"}, {name: PARAMETER_ARN.format(name="out")})
    task = _task(region, role, _container(log))
    found = _found([*region.resources, _parameter(region, "out", value), bucket, role, task], task)
    assert value in messages(found), messages(found)


def test_secret_options_that_name_no_place_and_an_address_on_the_private_network_are_no_copy() -> None:
    region = eu_region()
    bucket, role = _reader(region)
    splunk = _secret_logs(
        "splunk",
        {},
        {
            "splunk-url": PARAMETER_ARN.format(name="splunk-url"),
            # A token, and a FireLens output's API key, name no place: an undeclared secret is fine there.
            "splunk-token": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:splunk-token-AbCdEf",
        },
    )
    firelens = _secret_logs(
        "awsfirelens",
        {"Name": "cloudwatch_logs", "region": "eu-west-1", "log_group_name": "/ecs/worker"},
        {"apikey": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:datadog-AbCdEf"},
    )
    task = _task(region, role, _container(splunk), {**_container(firelens), "name": "sidecar"})
    private = _parameter(region, "splunk-url", "https://10.10.4.7:8088")
    assert _found([*region.resources, private, bucket, role, task], task) == []


# ECS Exec session logs of a PII task (reviewer blind-aws14 a15) --------------------------------------------


def _exec_service(region: Region, task: Res, logging: dict[str, Any]) -> list[Res]:
    cluster = Res(
        "aws:ecs/cluster:Cluster",
        "apps",
        {"name": "apps", "configuration": {"executeCommandConfiguration": logging}},
        region.provider,
    )
    service = Res(
        "aws:ecs/service:Service",
        "worker",
        {"cluster": UNKNOWN, "taskDefinition": UNKNOWN, "enableExecuteCommand": True, "desiredCount": 1},
        region.provider,
        deps={"cluster": [cluster], "taskDefinition": [task]},
    )
    return [cluster, service]


def _sessions_to(bucket: str) -> dict[str, Any]:
    return {"logging": "OVERRIDE", "logConfiguration": {"s3BucketName": bucket, "s3KeyPrefix": "ecs-exec/"}}


def test_exec_sessions_into_a_pii_task_logged_to_an_undeclared_bucket_are_untraceable() -> None:
    region = eu_region()
    bucket, role = _reader(region)
    task = _task(region, role, _container())
    stack = [
        *region.resources,
        bucket,
        role,
        task,
        *_exec_service(region, task, _sessions_to("central-audit")),
    ]
    found = _found(stack, task)
    assert "ECS Exec session logs" in messages(found) and "central-audit" in messages(found), messages(found)


@pytest.mark.parametrize(
    "logging",
    [_sessions_to(BUCKET), {"logging": "DEFAULT"}, {"logging": "NONE"}],
    ids=["own", "default", "none"],
)
def test_exec_sessions_logged_in_the_stacks_bucket_or_as_the_task_logs_stay(logging: dict[str, Any]) -> None:
    region = eu_region()
    bucket, role = _reader(region)
    task = _task(region, role, _container())
    stack = [*region.resources, bucket, role, task, *_exec_service(region, task, logging)]
    assert _found(stack, task) == [] and _found(stack, task, ANONYMISED_ONLY) == []
