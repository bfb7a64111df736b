"""The execution logs API Gateway writes: every request and response of a stage, in a log group it names.

A REST API stage whose method settings turn data tracing on (`settings.dataTraceEnabled` true, or unknown at
preview) at a logging level that logs (`settings.loggingLevel` ERROR or INFO; unset keeps the stage's, which
another setting may have turned on) writes the full request and response of each call, the bodies its
integrations return included, into `API-Gateway-Execution-Logs_<api id>/<stage>`; a WebSocket API stage
whose default or per-route settings do so writes them into `/aws/apigateway/<api id>/<stage>`. API Gateway
names the group itself: one the stack declares under that name receives what the API serves (what its
integrations serve, `grants.api_serves`: an AWS service integration what its role reaches, a Lambda one what
its function reads), in the API's region and account, whatever its own label says; one the stack does not
declare is created by API Gateway with CloudWatch's default key and no expiry (pii-encryption judges that,
`encryption_gateway_logs`). Reviewer blind-aws13 a19; the twin of AppSync's field logs
(`encryption_api_logs`).

Access logs (a stage's `accessLogSettings`) log only the `$context` variables their format names (who called,
when, which route, the status): never a request's or response's body, so they are not a copy of what the
integrations return (decision, policies/README.md).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from residency_facts import CopyMechanism

from .locations import Location, Movement, runs_code
from .model import Resource
from .values import Unknown, as_bool, child, known_strings, value_at, values_at

if TYPE_CHECKING:
    from .lineage import Lineage

LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
REST_API = "aws:apigateway/restApi:RestApi"
REST_STAGE = "aws:apigateway/stage:Stage"
METHOD_SETTINGS = "aws:apigateway/methodSettings:MethodSettings"
HTTP_API = "aws:apigatewayv2/api:Api"
HTTP_STAGE = "aws:apigatewayv2/stage:Stage"
REST_GROUP = "API-Gateway-Execution-Logs_{api}/{stage}"
WEBSOCKET_GROUP = "/aws/apigateway/{api}/{stage}"
QUIET_LEVELS = frozenset({"OFF"})
EXECUTION_LOGS = CopyMechanism(
    "API Gateway's execution logs with data tracing (every request and response of the stage, in full)"
)


@dataclass(frozen=True)
class ExecutionLog:
    """A stage that logs its requests and responses in full: who turns it on, the API, the group's name."""

    setter: Resource
    """The method settings (REST) or the stage (WebSocket) that turn data tracing on."""
    api: Resource
    stage: str | None
    """The stage's name; None when unknown at preview."""
    pattern: str
    switch: str
    """The inputs that turn it on, in words for a message."""
    groups: tuple[Resource, ...]
    """The stack's log groups of the stage's execution logs (empty: API Gateway creates it)."""


def execution_logs(lineage: Lineage) -> list[ExecutionLog]:
    """Every stage of the stack's APIs that logs its requests and responses in full."""
    stack = lineage.stack
    found: list[ExecutionLog] = []
    for settings in stack.of_type(METHOD_SETTINGS):
        switch = _tracing(settings, "settings")
        if switch is None:
            continue
        stage = _stage_name(lineage, settings, "stageName", REST_STAGE, "stageName")
        for api in _apis(lineage, settings, "restApi", REST_API):
            found.append(_log(lineage, settings, api, stage, REST_GROUP, switch))
    for stage_resource in stack.of_type(HTTP_STAGE):
        switches = [
            s
            for base in ("defaultRouteSettings", "routeSettings[]")
            for s in [_tracing(stage_resource, base)]
            if s is not None
        ]
        if not switches:
            continue
        stage = value_at(stage_resource.props, "name")
        for api in _apis(lineage, stage_resource, "apiId", HTTP_API):
            protocol = value_at(api.props, "protocolType")
            if isinstance(protocol, str) and protocol != "WEBSOCKET":
                continue  # HTTP APIs write no execution logs (access logs only).
            name = stage if isinstance(stage, str) else None
            found.append(_log(lineage, stage_resource, api, name, WEBSOCKET_GROUP, "; ".join(switches)))
    return found


def served_classes(lineage: Lineage, log: ExecutionLog) -> tuple[list[Location], frozenset[str]]:
    """What a stage's execution logs hold: the places its API serves (code by what it reads) and their
    classifications, with the API's own."""
    from .grants import api_serves  # grants builds on lineage: imported when the lineage exists.

    sources = [lineage.locate(log.api)]
    for location in api_serves(lineage, log.api):
        holder = location.resource
        if holder is None or holder is log.api:
            continue
        if runs_code(holder):
            location = replace(
                location,
                description=f"what {holder.label} reads",
                resource=None,
                classifications=lineage.code_reads(holder),
            )
        sources.append(location)
    classes = frozenset(c for location in sources for c in lineage.classes(location))
    return sources, classes


def execution_log_movements(lineage: Lineage) -> list[Movement]:
    """What each stage logging in full writes into the stack's log group of its execution logs."""
    found: list[Movement] = []
    for log in execution_logs(lineage):
        if not log.groups:
            continue
        sources, _ = served_classes(lineage, log)
        found.append(Movement(log.setter, EXECUTION_LOGS, sources, [lineage.locate(g) for g in log.groups]))
    return found


def _tracing(resource: Resource, base: str) -> str | None:
    """How a settings block turns full request logging on, in words; None when it does not."""
    for block in values_at(resource.props, base):
        trace = child(block, "dataTraceEnabled")
        level = child(block, "loggingLevel")
        if not (isinstance(trace, Unknown) or as_bool(trace) is True):
            continue
        if isinstance(level, str) and level in QUIET_LEVELS:
            continue
        shown_trace = "unknown at preview" if isinstance(trace, Unknown) else "true"
        shown_level = (
            "unknown at preview"
            if isinstance(level, Unknown)
            else "not set (the stage's level applies)"
            if level is None
            else repr(level)
        )
        return f"{base}.dataTraceEnabled is {shown_trace} and {base}.loggingLevel is {shown_level}"
    return None


def _apis(lineage: Lineage, resource: Resource, path: str, api_type: str) -> list[Resource]:
    """The stack's API a stage or its settings name, by lineage or by a literal id."""
    stack = lineage.stack
    found = [d for d in stack.dependencies(resource, path) if d.type == api_type]
    for value in known_strings([value_at(resource.props, path)]):
        found.extend(a for a in stack.of_type(api_type) if value in a.identities and a not in found)
    return found


def _stage_name(
    lineage: Lineage, resource: Resource, path: str, stage_type: str, name_path: str
) -> str | None:
    """The stage a resource names: its literal name, else the name of the stage it is computed from."""
    value = value_at(resource.props, path)
    if isinstance(value, str) and value:
        return value
    for stage in lineage.stack.dependencies(resource, path):
        if stage.type == stage_type:
            name = value_at(stage.props, name_path)
            if isinstance(name, str) and name:
                return name
    return None


def _log(
    lineage: Lineage, setter: Resource, api: Resource, stage: str | None, pattern: str, switch: str
) -> ExecutionLog:
    groups = tuple(
        g for g in lineage.stack.of_type(LOG_GROUP) if _names_group(lineage, g, api, stage, pattern)
    )
    return ExecutionLog(setter, api, stage, pattern, switch, groups)


def _names_group(lineage: Lineage, group: Resource, api: Resource, stage: str | None, pattern: str) -> bool:
    """Whether a log group is the stage's execution log group: named so literally (any of the API's
    identities), or computed at preview from the API (its stage part cannot be read yet)."""
    name: Any = value_at(group.props, "name")
    prefix = pattern.split("{api}")[0]
    if isinstance(name, str) and name.startswith(prefix):
        if stage is None:
            return any(name.startswith(f"{prefix}{identity}/") for identity in api.identities)
        return any(name == pattern.format(api=identity, stage=stage) for identity in api.identities)
    return lineage.stack.refers_to(group, "name", api)
