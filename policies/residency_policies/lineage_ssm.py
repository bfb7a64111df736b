"""What Systems Manager runs on instances: its targets, their roles, its command lines and output locations.

An SSM association (a document run on a schedule) and a maintenance window's Run Command task run their
document on the instances they target, as root, with the instances' credentials: the commands read what the
instances hold and what their instance profiles' roles may read (`lineage_principals.profile_roles`),
whether or not the command line names it (`psql -c 'copy customers to stdout'` names no database). Where
they send it is in the command lines and in the Run Command output location:

- the command lines (`ssm_command_texts`: an association's or a task's `commands`, a document's
  `runCommand`, a script step's `Script`, with those of the stack's document it runs) are read by the pack's
  one reader of command lines (`lineage_commands`, as a container's and user data's are): an upload's URL
  on the internet is outside AWS, an `s3://` destination of a write is the stack's bucket, the region
  `--region` names, else untraceable. Decision (reconciled with k8s-b and aws-b): a download is no
  destination (`curl -fsSL https://outside/...`, `aws s3 cp s3://bucket/x /tmp/x`), though aws-a's first
  reading counted any outside URL in a command line;
- Run Command output (an association's `outputLocation`, a task's `outputS3Bucket`, an Automation
  `aws:runCommand` step's `OutputS3BucketName`) holds what the commands print: the stack's bucket, else the
  bucket in the region `s3Region` names, else untraceable (`output_places`).

Instances are targeted by id (`InstanceIds`, `*` for all), by tag (`tag:<key>`, `tag-key`) or through a
maintenance window's targets (`WindowTargetIds`); a resource group or any other key is not followed (what it
selects is configured outside the stack).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .attributes import effective_tags
from .lineage_principals import profile_roles
from .locations import Location, untraceable
from .model import Resource
from .sdk_payloads import SSM_DOCUMENT, ssm_content
from .values import Unknown, known_strings, value_at, values_at

if TYPE_CHECKING:
    from .lineage import Lineage

ASSOCIATION = "aws:ssm/association:Association"
WINDOW_TASK = "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask"
WINDOW_TARGET = "aws:ssm/maintenanceWindowTarget:MaintenanceWindowTarget"
INSTANCE = "aws:ec2/instance:Instance"
RUNNERS = frozenset({ASSOCIATION, WINDOW_TASK, SSM_DOCUMENT})
COMMAND_PARAMETERS = frozenset({"commands", "commandline", "runcommand", "script"})
"""The parameters and step inputs (compared in lower case) that hold command lines or a script's text: an
`AWS-RunShellScript` / `AWS-RunPowerShellScript` `commands`, `AWS-RunRemoteScript`'s `commandLine`, a
document step's `runCommand`, an `aws:executeScript` step's `Script`."""


def ssm_command_texts(lineage: Lineage, resource: Resource) -> list[str]:
    """The command lines and scripts a Systems Manager resource runs (empty for any other type): its own,
    and those of the stack's document it runs (an association's `name`, a task's `taskArn`)."""
    found = _own_texts(resource)
    path = {ASSOCIATION: "name", WINDOW_TASK: "taskArn"}.get(resource.type)
    if path is not None:
        stack = lineage.stack
        documents = [d for d in stack.dependencies(resource, path) if d.type == SSM_DOCUMENT]
        documents += [
            r
            for v in known_strings(values_at(resource.props, path))
            for r in stack.named(v)
            if r.type == SSM_DOCUMENT
        ]
        for document in dict.fromkeys(documents):
            found.extend(_own_texts(document))
    return found


def _own_texts(resource: Resource) -> list[str]:
    if resource.type == ASSOCIATION:
        return _parameter_texts(value_at(resource.props, "parameters"))
    if resource.type == WINDOW_TASK:
        found: list[str] = []
        for path in (
            "taskInvocationParameters.runCommandParameters.parameters",
            "taskInvocationParameters.automationParameters.parameters",
        ):
            for parameter in values_at(resource.props, path):
                name = value_at(parameter, "name")
                if isinstance(name, str) and name.lower() in COMMAND_PARAMETERS:
                    found.extend(known_strings(values_at(parameter, "values")))
        return found
    if resource.type == SSM_DOCUMENT:
        return _document_texts(ssm_content(resource), False)
    return []


def _parameter_texts(parameters: Any) -> list[str]:
    if not isinstance(parameters, Mapping):
        return []
    return [
        text
        for key, value in parameters.items()
        if str(key).lower() in COMMAND_PARAMETERS
        for text in known_strings(value if isinstance(value, list) else [value])
    ]


def _document_texts(value: Any, inside: bool) -> list[str]:
    """The strings under command keys at any depth of a document's content."""
    if isinstance(value, Mapping):
        return [
            t
            for k, v in value.items()
            for t in _document_texts(v, inside or str(k).lower() in COMMAND_PARAMETERS)
        ]
    if isinstance(value, list):
        return [t for v in value for t in _document_texts(v, inside)]
    return [value] if inside and isinstance(value, str) else []


def output_places(lineage: Lineage, resource: Resource) -> list[Location]:
    """Where a Systems Manager resource's Run Command output puts what its commands print (see the module's
    docstring; its command lines are read with code's configuration, `lineage_code`)."""
    if resource.type not in RUNNERS:
        return []
    found: list[Location] = []
    outputs = [
        ("outputLocation.s3BucketName", "outputLocation.s3Region"),
        ("taskInvocationParameters.runCommandParameters.outputS3Bucket", None),
    ]
    for bucket_path, region_path in outputs:
        region = value_at(resource.props, region_path) if region_path else None
        for bucket in values_at(resource.props, bucket_path):
            if isinstance(bucket, Unknown):
                for dependency in lineage.stack.dependencies(resource, bucket_path):
                    found.extend(lineage.follow(dependency, {resource.urn}))
            elif isinstance(bucket, str) and bucket:
                found.extend(
                    bucket_place(
                        lineage,
                        resource,
                        bucket,
                        region if isinstance(region, str) else None,
                        "Run Command output",
                    )
                )
    if resource.type == SSM_DOCUMENT:
        # An Automation document's `aws:runCommand` steps name their own output bucket.
        for inputs in _step_inputs(ssm_content(resource)):
            bucket, region = inputs.get("OutputS3BucketName"), inputs.get("OutputS3Region")
            if isinstance(bucket, str) and bucket and "{{" not in bucket:
                region = region if isinstance(region, str) and "{{" not in region else None
                found.extend(bucket_place(lineage, resource, bucket, region, "Run Command output"))
    return found


def _step_inputs(content: Any) -> list[Mapping[str, Any]]:
    steps = content.get("mainSteps") if isinstance(content, Mapping) else None
    return [
        step["inputs"]
        for step in (steps if isinstance(steps, list) else [])
        if isinstance(step, Mapping) and isinstance(step.get("inputs"), Mapping)
    ]


def bucket_place(
    lineage: Lineage, resource: Resource, bucket: str, region: str | None, what: str
) -> list[Location]:
    """Where a service writes into a bucket named by its name: the stack's bucket of that name, else the
    region the configuration says, else untraceable (S3's namespace is global)."""
    held = [r for r in lineage.stack.named(bucket) if r.type.startswith("aws:s3")]
    if held:
        return [place for r in held for place in lineage.follow(r, {resource.urn})]
    if region:
        return [
            Location(f"{bucket} ({what} of {resource.label}, in {region})", region, lineage.account(resource))
        ]
    place = untraceable(
        f"{bucket} ({what} of {resource.label}: an S3 bucket this stack does not declare, which may be in "
        "any region and account; declare the bucket in the stack and name it by its output)"
    )
    # A place the data is definitely written to, whose region cannot be told (code keeps only such places).
    return [Location(place.description, None, None, host=True, review=True)]


def command_reads(lineage: Lineage, resource: Resource) -> list[Location]:
    """What the commands of an association or a maintenance window task read: what the instances they
    target hold, and what those instances' roles may read."""
    from .grants import role_targets  # grants builds on lineage

    if resource.type not in (ASSOCIATION, WINDOW_TASK):
        return []
    found: list[Location] = []
    for instance in _targeted(lineage, resource, set()):
        found.extend(lineage.follow(instance, {resource.urn}))
        for role in profile_roles(lineage, instance, "iamInstanceProfile"):
            found.extend(t for t in role_targets(lineage, role) if t.resource is not None)
    return found


def _targeted(lineage: Lineage, resource: Resource, seen: set[str]) -> list[Resource]:
    """The stack's instances a resource's `targets` select."""
    if resource.urn in seen:
        return []
    seen.add(resource.urn)
    stack = lineage.stack
    instances = stack.of_type(INSTANCE)
    found: dict[str, Resource] = {}
    for target in values_at(resource.props, "targets"):
        key, values = value_at(target, "key"), values_at(target, "values")
        if not isinstance(key, str):
            continue
        if key == "InstanceIds":
            if "*" in values:
                found.update((i.urn, i) for i in instances)
            named = [r for v in known_strings(values) for r in stack.named(v) if r.type == INSTANCE]
            found.update((i.urn, i) for i in named)
            if any(isinstance(v, Unknown) for v in values):
                found.update(
                    (d.urn, d) for d in stack.dependencies(resource, "targets") if d.type == INSTANCE
                )
        elif key.startswith("tag:") or key == "tag-key":
            for instance in instances:
                tags = effective_tags(instance)
                if not isinstance(tags, Mapping):
                    continue
                wanted = known_strings(values)
                selected = any(v in tags for v in wanted) if key == "tag-key" else tags.get(key[4:]) in wanted
                if selected:
                    found[instance.urn] = instance
        elif key == "WindowTargetIds":
            windows = [d for d in stack.dependencies(resource, "targets") if d.type == WINDOW_TARGET]
            windows += [r for v in known_strings(values) for r in stack.named(v) if r.type == WINDOW_TARGET]
            for window in windows:
                found.update((i.urn, i) for i in _targeted(lineage, window, seen))
    return list(found.values())
