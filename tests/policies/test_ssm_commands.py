"""What Systems Manager runs on instances that read personal data, and where it sends it.

Reviewer blind spot of issue #8 ("every destination path is read"), case 2: an SSM association that runs
`AWS-RunShellScript` on an instance whose role may read the PII database, with `parameters.commands` such as
`pg_dump ... | aws s3 cp - s3://<bucket elsewhere>/...` or `curl -T - https://<host outside AWS>`, or whose
Run Command output goes to a bucket in another region (`outputLocation`), was no copy: the pack did not read
what the targeted instances may read, nor an `s3://` URI or a URL in a command line as a destination. An
Automation document's `aws:executeAwsApi` steps were read as text, so a `PutObject` into a bucket the stack
does not declare was no destination either. Each test is one compliant association or document in eu-west-1,
changed in one place.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import OTHER_ACCOUNT, store
from tests.policies.policy_harness import UNKNOWN, Diagnostic, Res, messages, violations

NO_PII = "no-pii-replication"
ANONYMISED_ONLY = "anonymised-only-replication"
RULES = (NO_PII, ANONYMISED_ONLY)
DATABASE = "pii-db.abcdefghijkl.eu-west-1.rds.amazonaws.com"
DUMPS = "pii-db-dumps-eu"


def _on(found: list[Diagnostic], resource: Res) -> list[Diagnostic]:
    return [d for d in found if d.urn == resource.urn]


def _instance(region: Region) -> list[Res]:
    """An operations instance whose role may read the PII database (and nothing it holds is PII)."""
    assume = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["rds:DescribeDBInstances", "rds-db:connect"],
                "Resource": "arn:aws:rds:eu-west-1:123456789012:db:pii-db",
            }
        ],
    }
    role = Res(
        "aws:iam/role:Role",
        "operations",
        {"name": "operations", "assumeRolePolicy": json.dumps(assume)},
        region.provider,
    )
    role_policy = Res(
        "aws:iam/rolePolicy:RolePolicy",
        "operations-database",
        {"role": UNKNOWN, "policy": json.dumps(policy)},
        region.provider,
        deps={"role": [role]},
    )
    profile = Res(
        "aws:iam/instanceProfile:InstanceProfile",
        "operations",
        {"role": UNKNOWN},
        region.provider,
        deps={"role": [role]},
    )
    instance = Res(
        "aws:ec2/instance:Instance",
        "operations",
        {
            "ami": "ami-0abcdef1234567890",
            "instanceType": "t3.micro",
            "iamInstanceProfile": UNKNOWN,
            "rootBlockDevice": {"encrypted": True, "kmsKeyId": UNKNOWN},
            "tags": {"data-classification": "internal", "Role": "operations"},
        },
        region.provider,
        deps={"iamInstanceProfile": [profile], "rootBlockDevice": [region.key]},
    )
    return [role, role_policy, profile, instance]


def _dumps_bucket(region: Region) -> Res:
    return store(region, "aws:s3/bucket:Bucket", "pii-db-dumps", {"bucket": DUMPS})


def _association(
    region: Region,
    commands: str,
    output: dict[str, Any] | None = None,
    targets: list[dict[str, Any]] | None = None,
) -> tuple[list[Res], Res]:
    instance_resources = _instance(region)
    instance = instance_resources[-1]
    props: dict[str, Any] = {
        "name": "AWS-RunShellScript",
        "targets": targets or [{"key": "InstanceIds", "values": [UNKNOWN]}],
        "parameters": {"commands": commands},
        "scheduleExpression": "cron(0 2 * * ? *)",
    }
    if output is not None:
        props["outputLocation"] = output
    association = Res(
        "aws:ssm/association:Association",
        "nightly-dump",
        props,
        region.provider,
        deps={"targets": [instance]} if targets is None else {},
    )
    return [*region.resources, *instance_resources, _dumps_bucket(region), association], association


def _dump(to: str) -> str:
    return f"pg_dump -h {DATABASE} -U app app | {to}"


def _judged(stack: list[Res], resource: Res, policy: str) -> str:
    return messages(_on(violations(stack, policy), resource))


@pytest.mark.parametrize("policy", RULES)
def test_a_dump_into_the_stacks_bucket_in_its_region_copies_nothing_out(policy: str) -> None:
    stack, association = _association(eu_region(), _dump(f"aws s3 cp - s3://{DUMPS}/nightly.sql"))
    assert _judged(stack, association, policy) == ""


@pytest.mark.parametrize("policy", RULES)
def test_a_dump_into_a_bucket_the_stack_does_not_declare_fails_closed(policy: str) -> None:
    stack, association = _association(eu_region(), _dump("aws s3 cp - s3://partner-drop/nightly.sql"))
    found = _judged(stack, association, policy)
    assert "s3://partner-drop" in found, found


def test_a_dump_sent_by_curl_to_a_host_outside_aws_leaves_aws() -> None:
    stack, association = _association(eu_region(), _dump("curl -sS -T - https://backups.example.com/upload"))
    found = _judged(stack, association, NO_PII)
    assert "backups.example.com" in found, found


def test_what_the_targeted_instances_may_read_is_what_the_commands_read() -> None:
    # The command names no database: the instance's role reaches it.
    commands = "psql -c 'copy customers to stdout' | curl -sS -T - https://backups.example.com/upload"
    stack, association = _association(eu_region(), commands)
    found = _judged(stack, association, NO_PII)
    assert "aws:rds/instance:Instance 'pii-db' (pii)" in found and "backups.example.com" in found, found


def test_instances_targeted_by_tag_are_read_as_those_targeted_by_id() -> None:
    commands = "psql -c 'copy customers to stdout' | curl -sS -T - https://backups.example.com/upload"
    targets = [{"key": "tag:Role", "values": ["operations"]}]
    stack, association = _association(eu_region(), commands, targets=targets)
    found = _judged(stack, association, NO_PII)
    assert "aws:rds/instance:Instance 'pii-db' (pii)" in found, found
    untargeted = [{"key": "tag:Role", "values": ["bastion"]}]
    stack, association = _association(eu_region(), commands, targets=untargeted)
    assert _judged(stack, association, NO_PII) == ""


@pytest.mark.parametrize("policy", RULES)
def test_run_command_output_in_the_stacks_bucket_copies_nothing_out(policy: str) -> None:
    output = {"s3BucketName": DUMPS, "s3Region": "eu-west-1", "s3KeyPrefix": "nightly"}
    stack, association = _association(eu_region(), _dump("cat"), output)
    assert _judged(stack, association, policy) == ""


def test_run_command_output_in_a_bucket_of_mumbai_copies_what_the_commands_print_there() -> None:
    output = {"s3BucketName": "operations-output-in", "s3Region": "ap-south-1"}
    stack, association = _association(eu_region(), _dump("cat"), output)
    found = _judged(stack, association, NO_PII)
    assert "ap-south-1" in found, found


def test_run_command_output_in_a_bucket_the_stack_does_not_declare_fails_closed() -> None:
    output = {"s3BucketName": "operations-output-central"}
    stack, association = _association(eu_region(), _dump("cat"), output)
    found = _judged(stack, association, NO_PII)
    assert "operations-output-central" in found, found


# Automation documents ---------------------------------------------------------------------------------


def _automation(region: Region, put: dict[str, Any]) -> tuple[list[Res], Res]:
    content = {
        "schemaVersion": "0.3",
        "mainSteps": [
            {
                "name": "describe",
                "action": "aws:executeAwsApi",
                "inputs": {"Service": "rds", "Api": "DescribeDBInstances", "DBInstanceIdentifier": "pii-db"},
                "outputs": [
                    {"Name": "Endpoint", "Selector": "$.DBInstances[0].Endpoint", "Type": "StringMap"}
                ],
            },
            {
                "name": "put",
                "action": "aws:executeAwsApi",
                "inputs": {"Service": "s3", "Api": "PutObject", **put},
            },
        ],
    }
    document = Res(
        "aws:ssm/document:Document",
        "export-endpoint",
        {"documentType": "Automation", "documentFormat": "JSON", "content": json.dumps(content)},
        region.provider,
    )
    return [*region.resources, _dumps_bucket(region), document], document


@pytest.mark.parametrize("policy", RULES)
def test_an_automation_step_putting_into_the_stacks_bucket_copies_nothing_out(policy: str) -> None:
    stack, document = _automation(
        eu_region(), {"Bucket": DUMPS, "Key": "endpoint", "Body": "{{ describe.Endpoint }}"}
    )
    assert _judged(stack, document, policy) == ""


def test_an_automation_step_putting_into_a_bucket_the_stack_does_not_declare_fails_closed() -> None:
    stack, document = _automation(
        eu_region(), {"Bucket": "partner-drop", "Key": "endpoint", "Body": "{{ describe.Endpoint }}"}
    )
    found = _judged(stack, document, NO_PII)
    assert "partner-drop" in found, found


def test_an_automation_step_putting_into_a_bucket_of_another_account_copies_there() -> None:
    put = {
        "Bucket": DUMPS,
        "Key": "endpoint",
        "Body": "{{ describe.Endpoint }}",
        "ExpectedBucketOwner": OTHER_ACCOUNT,
    }
    stack, document = _automation(eu_region(), put)
    found = _judged(stack, document, NO_PII)
    assert OTHER_ACCOUNT in found, found


def test_an_automation_document_written_in_yaml_is_read_as_its_json() -> None:
    content = "\n".join(
        [
            "schemaVersion: '0.3'",
            "mainSteps:",
            "  - name: describe",
            "    action: aws:executeAwsApi",
            "    inputs: {Service: rds, Api: DescribeDBInstances, DBInstanceIdentifier: pii-db}",
            "  - name: put",
            "    action: aws:executeAwsApi",
            "    inputs: {Service: s3, Api: PutObject, Bucket: partner-drop, Key: endpoint}",
        ]
    )
    region = eu_region()
    document = Res(
        "aws:ssm/document:Document",
        "export-endpoint",
        {"documentType": "Automation", "documentFormat": "YAML", "content": content},
        region.provider,
    )
    found = _judged([*region.resources, document], document, NO_PII)
    assert "partner-drop" in found, found


def test_an_association_running_the_stacks_command_document_runs_its_commands() -> None:
    region = eu_region()
    content = {
        "schemaVersion": "2.2",
        "description": "Nightly export",
        "mainSteps": [
            {
                "action": "aws:runShellScript",
                "name": "export",
                "inputs": {"runCommand": [_dump("curl -sS -T - https://backups.example.com/upload")]},
            }
        ],
    }
    document = Res(
        "aws:ssm/document:Document",
        "nightly-export",
        {"name": "nightly-export", "documentType": "Command", "content": json.dumps(content)},
        region.provider,
    )
    stack, association = _association(region, "")
    association.props["name"] = UNKNOWN
    association.props.pop("parameters")
    association.deps["name"] = [document]
    found = _judged([*stack, document], association, NO_PII)
    assert "backups.example.com" in found, found


# Maintenance window tasks -----------------------------------------------------------------------------


def _window_task(region: Region, commands: str, tag: str = "operations") -> tuple[list[Res], Res]:
    instance_resources = _instance(region)
    window = Res(
        "aws:ssm/maintenanceWindow:MaintenanceWindow",
        "nightly",
        {"name": "nightly", "schedule": "cron(0 2 ? * * *)", "duration": 2, "cutoff": 1},
        region.provider,
    )
    target = Res(
        "aws:ssm/maintenanceWindowTarget:MaintenanceWindowTarget",
        "operations",
        {"windowId": UNKNOWN, "resourceType": "INSTANCE", "targets": [{"key": "tag:Role", "values": [tag]}]},
        region.provider,
        deps={"windowId": [window]},
    )
    task = Res(
        "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask",
        "nightly-dump",
        {
            "windowId": UNKNOWN,
            "taskType": "RUN_COMMAND",
            "taskArn": "AWS-RunShellScript",
            "targets": [{"key": "WindowTargetIds", "values": [UNKNOWN]}],
            "taskInvocationParameters": {
                "runCommandParameters": {"parameters": [{"name": "commands", "values": [commands]}]}
            },
        },
        region.provider,
        deps={"windowId": [window], "targets": [target]},
    )
    return [*region.resources, *instance_resources, _dumps_bucket(region), window, target, task], task


@pytest.mark.parametrize("policy", RULES)
def test_a_window_task_dumping_into_the_stacks_bucket_copies_nothing_out(policy: str) -> None:
    stack, task = _window_task(eu_region(), _dump(f"aws s3 cp - s3://{DUMPS}/nightly.sql"))
    assert _judged(stack, task, policy) == ""


def test_a_window_task_on_instances_that_read_pii_sending_outside_aws_leaves_aws() -> None:
    commands = "psql -c 'copy customers to stdout' | curl -sS -T - https://backups.example.com/upload"
    stack, task = _window_task(eu_region(), commands)
    found = _judged(stack, task, NO_PII)
    assert "aws:rds/instance:Instance 'pii-db' (pii)" in found and "backups.example.com" in found, found
    stack, task = _window_task(eu_region(), commands, tag="bastion")
    assert _judged(stack, task, NO_PII) == ""


def _run_command_step(region: Region, output: dict[str, Any]) -> tuple[list[Res], Res]:
    instance_resources = _instance(region)
    content = {
        "schemaVersion": "0.3",
        "mainSteps": [
            {
                "name": "dump",
                "action": "aws:runCommand",
                "inputs": {
                    "DocumentName": "AWS-RunShellScript",
                    "InstanceIds": ["i-0123456789abcdef0"],
                    "Parameters": {"commands": [_dump("cat")]},
                    **output,
                },
            }
        ],
    }
    document = Res(
        "aws:ssm/document:Document",
        "dump-now",
        {"documentType": "Automation", "documentFormat": "JSON", "content": json.dumps(content)},
        region.provider,
    )
    return [*region.resources, *instance_resources, _dumps_bucket(region), document], document


@pytest.mark.parametrize("policy", RULES)
def test_an_automation_run_command_step_writing_output_into_the_stacks_bucket_copies_nothing_out(
    policy: str,
) -> None:
    stack, document = _run_command_step(eu_region(), {"OutputS3BucketName": DUMPS})
    assert _judged(stack, document, policy) == ""


def test_an_automation_run_command_step_writing_output_into_a_bucket_the_stack_lacks_fails_closed() -> None:
    stack, document = _run_command_step(eu_region(), {"OutputS3BucketName": "operations-output-central"})
    found = _judged(stack, document, NO_PII)
    assert "operations-output-central (Run Command output" in found, found


# The commands read by the pack's one reader of command lines (reconciled with k8s-b and aws-b) -----------


@pytest.mark.parametrize(
    "commands",
    [
        "curl -fsSL https://tools.example.com/install.sh | sh && " + _dump("cat > /var/backups/app.sql"),
        "aws s3 cp s3://partner-drop/schema.sql /tmp/schema.sql && " + _dump("cat > /var/backups/app.sql"),
    ],
    ids=["curl download", "s3 download"],
)
@pytest.mark.parametrize("policy", RULES)
def test_a_download_from_outside_aws_or_a_bucket_elsewhere_is_no_destination(
    policy: str, commands: str
) -> None:
    # Decision (reconciled, as for containers and user data): a download is no destination; aws-a's first
    # reading counted any URL outside AWS in a command line, uploads and downloads alike.
    stack, association = _association(eu_region(), commands)
    assert _judged(stack, association, policy) == ""


def test_a_dump_copied_into_a_bucket_of_the_region_the_command_names_is_a_copy_there() -> None:
    stack, association = _association(
        eu_region(), _dump("aws s3 cp - s3://partner-drop/nightly.sql --region ap-south-1")
    )
    found = _judged(stack, association, NO_PII)
    assert "ap-south-1" in found and "s3://partner-drop/nightly.sql" in found, found


def test_a_powershell_upload_of_the_targeted_instances_data_leaves_aws() -> None:
    commands = (
        "Invoke-Sqlcmd -Query 'select * from customers' | Export-Csv C:\\out.csv; "
        "Invoke-RestMethod -Method Put -InFile C:\\out.csv -Uri https://backups.example.com/upload"
    )
    stack, association = _association(eu_region(), commands)
    association.props["name"] = "AWS-RunPowerShellScript"
    found = _judged(stack, association, NO_PII)
    assert "aws:rds/instance:Instance 'pii-db' (pii)" in found and "backups.example.com" in found, found


@pytest.mark.preview_only("a document computed from outputs is unknown only before the stack exists")
def test_a_document_whose_content_is_computed_from_the_pii_bucket_fails_closed_until_it_can_be_read() -> None:
    # Reviewer blind-data15 a18 (the same shape as a state machine's definition): its steps name where they
    # write beside the bucket's name, among literals no preview can read.
    region = eu_region()
    dumps = _dumps_bucket(region)
    document = Res(
        "aws:ssm/document:Document",
        "export-dumps",
        {"documentType": "Automation", "documentFormat": "JSON", "content": UNKNOWN},
        region.provider,
        deps={"content": [dumps]},
    )
    found = _judged([*region.resources, dumps, document], document, NO_PII)
    assert "the content of aws:ssm/document:Document 'export-dumps'" in found, found
