"""The AWS API calls a Scheduler universal target, a state machine or an Automation document makes, and what
their payloads name.

An EventBridge Scheduler universal target (`target.arn` `arn:aws:scheduler:::aws-sdk:<service>:<action>`)
calls the action with the schedule's `target.input`. A Step Functions state machine calls one for every
state of its Amazon States Language definition that names an integration (`Resource`
`arn:aws:states:::aws-sdk:<service>:<action>`, or an optimised `arn:aws:states:::<service>:<action>`, with
or without a `.sync` or `.waitForTaskToken` pattern): a Task state, in any Parallel branch (`Branches`) or
Map processor (`ItemProcessor`, the older `Iterator`), and a Distributed Map's `ItemReader` and
`ResultWriter`, each with its payload in `Parameters` (JSONPath) or `Arguments` (JSONata). A Systems Manager
Automation document (JSON or YAML `content`) calls one for every `aws:executeAwsApi` step of its
`mainSteps`: `Service`, `Api`, and the other inputs as the request.

A payload is the API's request, so its members name what the call acts on exactly as written (`Bucket: crm`,
`TableName: customers`), however short the name: a name is looked for among the stack's resources of the
call's own service only (`payload_names`), never as a word inside other text. JSONPath references
(`"Key.$": "$.key"`) and JSONata expressions (`{% ... %}`) name nothing but their quoted literals
(`States.Format('crm/{}', $.key)` names `crm/{}`). An S3 bucket named by a member (`Bucket`, `S3Bucket`,
`...BucketName`), by a `CopySource` (`<bucket>/<key>`) or by an `s3://` URI is a bucket of S3's global
namespace, which may be in any region and account unless the stack declares it (`Named.global_name`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from .model import Resource, arn_services
from .values import Unknown, elements, value_at, values_at

SCHEDULE = "aws:scheduler/schedule:Schedule"
STATE_MACHINE = "aws:sfn/stateMachine:StateMachine"
SSM_DOCUMENT = "aws:ssm/document:Document"

_SCHEDULER_TARGET = re.compile(r"^arn:aws[\w-]*:scheduler:::aws-sdk:([\w-]+):(\w+)$")
_STATES_TASK = re.compile(r"^arn:aws[\w-]*:states:::(?:aws-sdk:)?([\w-]+):(\w+)(?:\.\w+(?::\d+)?)?$")
_PAYLOAD_KEYS = ("Parameters", "Arguments")
_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'|\"((?:[^\"\\]|\\.)*)\"")
_JSONATA = re.compile(r"^\s*\{%.*%\}\s*$", re.S)
_S3_URI = re.compile(r"^s3a?n?://([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:/|$)")
_BUCKET_MEMBER = re.compile(r"bucket(?:name)?$", re.IGNORECASE)
"""Request members that name an S3 bucket: `Bucket`, `S3Bucket`, `S3BucketName`, `DestinationBucketName`;
not `S3BucketOwner` or `BucketKeyEnabled`."""
_EVERYONE = frozenset({"all"})
"""The value that shares a snapshot or image with every AWS account (`ValuesToAdd`, a `Group`)."""

READ_ONLY_VERBS = ("describe", "get", "list", "head", "query", "scan", "batchget", "receive", "select")
"""Action name prefixes that only read: the result goes to the caller (judged as exposure for an API)."""
RUN_STATE_ACTIONS = frozenset(
    {
        "ec2:startinstances",
        "ec2:stopinstances",
        "ec2:rebootinstances",
        "rds:startdbinstance",
        "rds:stopdbinstance",
        "rds:rebootdbinstance",
        "rds:startdbcluster",
        "rds:stopdbcluster",
        "rds:rebootdbcluster",
        "lambda:invoke",
        "states:startexecution",
        "http:invoke",
        "glue:startjobrun",
        "ecs:runtask",
        "batch:submitjob",
        "codebuild:startbuild",
    }
)
"""Actions that change whether something runs, not where its data is (a Lambda, a state machine, a job or a
task is judged as code itself; an HTTP task as a delivery outside AWS)."""
DELIVERY_ACTIONS = frozenset(
    {
        "sqs:sendmessage",
        "sqs:sendmessagebatch",
        "sns:publish",
        "sns:publishbatch",
        "kinesis:putrecord",
        "kinesis:putrecords",
        "firehose:putrecord",
        "firehose:putrecordbatch",
        "events:putevents",
        "eventbridge:putevents",
        "dynamodb:putitem",
        "dynamodb:updateitem",
        "dynamodb:deleteitem",
        "dynamodb:batchwriteitem",
        "s3:putobject",
        "s3:deleteobject",
    }
)
"""Data-plane writes into the destination their payload names (a queue, a topic, a table, an object): where
that destination is, is judged as code's destinations are (a stack resource elsewhere, an ARN or a region
elsewhere, an endpoint outside AWS); they share, export or copy nothing else."""
HANDING_ACTIONS = frozenset(
    {
        "lambda:invoke",
        "lambda:invokeasync",
        "states:startexecution",
        "states:startsyncexecution",
        "sfn:startexecution",
        "sfn:startsyncexecution",
    }
)
"""Run-state actions that hand their payload to code (a function's `Payload`, a state machine's `Input`): the
code they name runs where it is, and what it is handed is there."""


@dataclass(frozen=True)
class SdkCall:
    """One AWS API call a resource makes on the user's behalf."""

    service: str
    action: str
    where: str
    """Where it is written, for messages (the input path)."""
    payload: Any = field(default=None, compare=False, hash=False)
    """The request it sends (a mapping; UNKNOWN when unknown at preview; None when not read)."""

    @property
    def name(self) -> str:
        """`service:action`, as IAM names it."""
        return f"{self.service}:{self.action}"

    @property
    def moves_nothing(self) -> bool:
        """Whether the action only reads, changes run state or writes into the destination it names."""
        action = self.action.lower()
        name = f"{self.service}:{action}".lower()
        return action.startswith(READ_ONLY_VERBS) or name in RUN_STATE_ACTIONS or name in DELIVERY_ACTIONS

    @property
    def delivers(self) -> bool:
        """Whether the action writes its payload into the destination it names, or hands it to code there."""
        name = self.name.lower()
        return name in DELIVERY_ACTIONS or name in HANDING_ACTIONS

    @property
    def takes_input(self) -> bool:
        """Whether a member of its payload is taken from the execution's input or state (a JSONPath `Key.$`,
        a JSONata `{% ... %}` expression): what the call acts on is then picked by what it is fed."""
        pending: list[Any] = [self.payload]
        while pending:
            value = pending.pop()
            if isinstance(value, Mapping):
                if any(str(k).endswith(".$") for k in value):
                    return True
                pending.extend(value.values())
            elif isinstance(value, list):
                pending.extend(value)
            elif isinstance(value, str) and _JSONATA.match(value):
                return True
        return False

    def is_one_of(self, actions: frozenset[str]) -> bool:
        """Whether the call is one of these `service:action` names (compared in lower case)."""
        return self.name.lower() in actions


@dataclass(frozen=True)
class Named:
    """A value a call's payload names a resource by."""

    value: str
    services: tuple[str, ...]
    """The services among whose resources it is looked for (the call's own; `s3` for a bucket)."""
    member: str
    """The payload member that holds it, for messages (`Parameters.Bucket`)."""
    global_name: bool = False
    """An S3 bucket name: S3's namespace is global, so one the stack does not declare may be anywhere."""
    everyone: bool = False
    """`all`: a snapshot or image shared with every AWS account."""


def payload_calls(resource: Resource) -> list[SdkCall]:
    """The calls a Scheduler universal target or a state machine makes, each with its payload."""
    if resource.type == SCHEDULE:
        found = []
        for target in values_at(resource.props, "target"):
            arn = value_at(target, "arn")
            match = _SCHEDULER_TARGET.match(arn) if isinstance(arn, str) else None
            if match:
                payload = _parsed(value_at(target, "input"))
                found.append(SdkCall(match.group(1), match.group(2), "target.arn", payload))
        return found
    if resource.type == STATE_MACHINE:
        definition = _parsed(value_at(resource.props, "definition"))
        return _state_calls(definition, "definition") if isinstance(definition, Mapping) else []
    if resource.type == SSM_DOCUMENT:
        return _automation_calls(ssm_content(resource))
    return []


def ssm_content(resource: Resource) -> Any:
    """A Systems Manager document's content, parsed (JSON or YAML); None when unknown or unreadable."""
    content = value_at(resource.props, "content")
    if not isinstance(content, str) or isinstance(content, Unknown):
        return None
    try:
        return yaml.safe_load(content)  # JSON is YAML
    except yaml.YAMLError:
        return None


def _automation_calls(content: Any) -> list[SdkCall]:
    """The `aws:executeAwsApi` steps of an Automation document: `Service` and `Api`, the other inputs being
    the request (`{{ parameter }}` references name nothing)."""
    found: list[SdkCall] = []
    steps = content.get("mainSteps") if isinstance(content, Mapping) else None
    for step in steps if isinstance(steps, list) else []:
        if not isinstance(step, Mapping) or step.get("action") != "aws:executeAwsApi":
            continue
        inputs = step.get("inputs")
        if not isinstance(inputs, Mapping):
            continue
        service, api = inputs.get("Service"), inputs.get("Api")
        if isinstance(service, str) and isinstance(api, str):
            payload = {f"inputs.{k}": v for k, v in inputs.items() if k not in ("Service", "Api")}
            found.append(SdkCall(service.lower(), api, "content (aws:executeAwsApi)", payload))
    return found


def definition_unreadable(resource: Resource) -> bool:
    """Whether a state machine's definition is known but not JSON (so its states cannot be read)."""
    definition = value_at(resource.props, "definition")
    return isinstance(definition, str) and not isinstance(_parsed(definition), Mapping)


def _parsed(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return value


def _state_calls(value: Any, where: str) -> list[SdkCall]:
    """Every mapping of a definition with an integration `Resource`: Task states at any depth (Parallel
    branches, Map processors) and a Distributed Map's ItemReader and ResultWriter."""
    found: list[SdkCall] = []
    if isinstance(value, Mapping):
        resource = value.get("Resource")
        match = _STATES_TASK.match(resource) if isinstance(resource, str) else None
        if match:
            payload: dict[str, Any] = {}
            for key in _PAYLOAD_KEYS:
                member = value.get(key)
                if isinstance(member, Mapping):
                    payload.update({f"{key}.{k}": v for k, v in member.items()})
            credentials = value.get("Credentials")
            if credentials is not None:
                payload["Credentials"] = credentials
            found.append(SdkCall(match.group(1), match.group(2), where, payload))
        for key, item in value.items():
            if key not in _PAYLOAD_KEYS:
                found.extend(_state_calls(item, f"{where} ({key})" if key in _STATE_PARTS else where))
    elif isinstance(value, list):
        for item in value:
            found.extend(_state_calls(item, where))
    return found


_STATE_PARTS = frozenset({"ItemReader", "ResultWriter"})


def payload_names(call: SdkCall) -> list[Named]:
    """The values a call's payload names resources by (see the module's docstring)."""
    found: list[Named] = []
    _names(call.payload, "", call.service, found)
    return found


def _names(value: Any, member: str, service: str, found: list[Named]) -> None:
    if isinstance(value, Unknown) or value is None:
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            _names(item, f"{member}.{key}" if member else str(key), service, found)
        return
    if isinstance(value, list):
        for item in elements(value):
            _names(item, member, service, found)
        return
    if not isinstance(value, str) or not value:
        return
    nested = _parsed(value) if value.lstrip().startswith(("{", "[")) else None
    if isinstance(nested, Mapping | list):
        # A document inside the payload (a bucket policy's text, a redrive policy): its members name too.
        _names(nested, member, service, found)
        return
    if "{{" in value:
        # An Automation document's `{{ parameter }}` reference names nothing; the text before it may.
        value = value.split("{{", 1)[0]
        if not value.strip():
            return
    # A JSONPath member is written `Key.$`; its value is a path or an intrinsic function.
    expression = member.endswith(".$") or bool(_JSONATA.match(value))
    key = member.removesuffix(".$").rsplit(".", 1)[-1]
    pieces = _literals(value) if expression else [value]
    for piece in pieces:
        uri = _S3_URI.match(piece)
        if uri:
            found.append(Named(uri.group(1), ("s3",), member, global_name=True))
        elif key == "CopySource" or key.endswith("CopySource"):
            bucket = piece.lstrip("/").split("/", 1)[0]
            if bucket and not piece.startswith("arn:"):
                found.append(Named(bucket, ("s3",), member, global_name=True))
        elif _BUCKET_MEMBER.search(key) and not piece.startswith("arn:"):
            found.append(Named(piece, ("s3",), member, global_name=True))
        elif piece.lower() in _EVERYONE:
            found.append(Named(piece, (), member, everyone=True))
        elif piece and "{}" not in piece:
            found.append(Named(piece, (service,), member))


def _literals(expression: str) -> list[str]:
    """The quoted literals of a JSONPath intrinsic function or a JSONata expression, `{}` placeholders cut."""
    found = []
    for match in _QUOTED.finditer(expression):
        text = match.group(1) if match.group(1) is not None else match.group(2) or ""
        literal = text.split("{}", 1)[0] if "{}" in text else text
        if literal:
            found.append(literal)
    return found


def of_service(resource: Resource, services: tuple[str, ...]) -> bool:
    """Whether a resource is of one of these services (a pulumi-aws module, or the ARN service it carries)."""
    if not resource.type.startswith("aws:"):
        return False
    module = resource.type.split(":")[1].split("/")[0]
    return any(s in (module, *arn_services(resource.type)) for s in services)
