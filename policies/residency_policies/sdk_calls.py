"""Services that call an AWS API on your behalf with a payload you write.

An EventBridge Scheduler universal target (`arn:aws:scheduler:::aws-sdk:<service>:<action>`), a Step
Functions task (`arn:aws:states:::aws-sdk:<service>:<action>` or an optimised `arn:aws:states:::<service>:
<action>`), an SSM Automation step (`aws:executeAwsApi`), a Config remediation (the Automation document it
runs) and an API Gateway service integration (a REST `uri` `arn:aws:apigateway:<region>:<service>:...`, an
HTTP API `integrationSubtype` such as `SQS-ReceiveMessage`) are neither copies nor grants by their type: what
they do is the action. When one acts on personal data or telemetry (its inputs reach a resident holder, by
lineage or identity):

- a payload that names another account, or a region outside the allowed ones, takes the data there: a copy
  (rules 3 and 4);
- an action that only reads or changes run state (`sdk_payloads.READ_ONLY_VERBS`, `RUN_STATE_ACTIONS`)
  moves nothing by itself, and a data-plane write (`DELIVERY_ACTIONS`) is judged on where its destination
  is, as code's are; so does a query whose literal statement only reads, run in the stack's workgroup whose
  results stay in the stack's bucket (`sdk_queries`, reviewer blind-data15 c03);
- an action that shares, copies or exports (`mechanisms.SHARING_SDK_ACTIONS`), called by a Scheduler
  universal target or a state machine's task alike, is a copy mechanism of what its payload names, read by
  its fields (`lineage_documents`) and judged by lineage as any copy: into the stack's holders in the same
  region and account it stays, into a bucket the stack does not declare it cannot be traced;
- any other action (a snapshot, a policy change, anything not reviewed) cannot be judged from its payload
  and fails closed, naming the action to review, whichever of them calls it;
- an API Gateway service integration behind a method or route anyone may call (authorization `NONE`) serves
  the holder to the internet: exposure (pii-not-public).
"""

from __future__ import annotations

import json
import re

from residency_facts import Classification
from residency_facts.mechanisms import SHARING_SDK_ACTIONS

from .api_callers import HTTP_INTEGRATION, REST_INTEGRATION, open_callers, private_definition
from .api_definitions import DEFINING_TYPES, OPEN, Operation, operations
from .attributes import region_named_in
from .lineage import Lineage
from .model import Resource, Stack
from .sdk_payloads import SCHEDULE, SSM_DOCUMENT, STATE_MACHINE, SdkCall, payload_calls, ssm_content
from .sdk_queries import reads_into_the_stack
from .settings import Settings
from .values import Unknown, leaves, value_at
from .violations import Violation, violation

REMEDIATION = "aws:cfg/remediationConfiguration:RemediationConfiguration"

_AUTOMATION_API = re.compile(
    r"aws:executeAwsApi.*?[\"']?Service[\"']?\s*:\s*[\"']?([\w-]+).*?[\"']?Api[\"']?\s*:\s*[\"']?(\w+)", re.S
)
_SERVICE_URI = re.compile(r"^arn:aws[\w-]*:apigateway:([\w-]*):([\w.-]+):(action|path)/(.*)$")
_SHARING = frozenset(a.lower() for a in SHARING_SDK_ACTIONS)
_ACCOUNT = re.compile(r"(?<![\d])(\d{12})(?![\d])")


def calls(resource: Resource) -> list[SdkCall]:
    """The AWS API calls a resource makes on the user's behalf, read from its inputs."""
    found: list[SdkCall] = []
    if resource.type in (SCHEDULE, STATE_MACHINE):
        found.extend(payload_calls(resource))
    elif resource.type == SSM_DOCUMENT:
        found.extend(payload_calls(resource))
        content = value_at(resource.props, "content")
        if not found and isinstance(content, str) and ssm_content(resource) is None:
            # Content that does not parse is read as text: its steps may still be there.
            for match in _AUTOMATION_API.finditer(content):
                found.append(SdkCall(match.group(1).lower(), match.group(2), "content (aws:executeAwsApi)"))
    elif resource.type == REMEDIATION:
        document = value_at(resource.props, "targetId")
        if isinstance(document, str):
            found.append(SdkCall("ssm", f"automation document {document}", "targetId"))
    elif resource.type in (REST_INTEGRATION, HTTP_INTEGRATION):
        found.extend(_integration_calls(resource))
    elif resource.type in DEFINING_TYPES:
        for operation in _operations(resource):
            found.extend(_definition_calls(operation))
    return found


def _json_leaves(text: object) -> list[str]:
    if not isinstance(text, str):
        return []
    try:
        parsed = json.loads(text)
    except ValueError:
        return [text]
    return [v for v in leaves(parsed) if isinstance(v, str)]


def _integration_calls(integration: Resource) -> list[SdkCall]:
    """An API Gateway integration that calls an AWS service directly (not a Lambda function, which is
    application code, and not an HTTP backend)."""
    if integration.type == HTTP_INTEGRATION:
        subtype = value_at(integration.props, "integrationSubtype")
        if isinstance(subtype, str) and "-" in subtype:
            service, action = subtype.split("-", 1)
            return [SdkCall(service.lower(), action, "integrationSubtype")]
        return []
    props = integration.props
    return _service_calls(
        value_at(props, "type"), value_at(props, "uri"), value_at(props, "integrationHttpMethod"), "uri"
    )


def _definition_calls(operation: Operation) -> list[SdkCall]:
    """The AWS service an operation of an OpenAPI definition calls directly (as `_integration_calls`)."""
    integration = operation.integration
    subtype = integration.get("integrationSubtype")
    if isinstance(subtype, str) and "-" in subtype:
        service, action = subtype.split("-", 1)
        return [SdkCall(service.lower(), action, f"body ({operation.label})")]
    kind = integration.get("type")
    return _service_calls(
        kind.upper() if isinstance(kind, str) else kind,
        integration.get("uri"),
        integration.get("httpMethod"),
        f"body ({operation.label})",
    )


def _service_calls(kind: object, uri: object, method: object, where: str) -> list[SdkCall]:
    if kind not in ("AWS", "AWS_PROXY"):
        return []
    match = _SERVICE_URI.match(uri) if isinstance(uri, str) else None
    if match is None or match.group(2) == "lambda":
        return []
    service, form, rest = match.group(2), match.group(3), match.group(4)
    if form == "action":
        action = rest.split("&", 1)[0].split("/", 1)[0]
    else:
        action = f"{str(method).lower() if isinstance(method, str) else 'any'} {rest}"
        if isinstance(method, str) and method.upper() in ("GET", "HEAD"):
            action = f"get {rest}"
    return [SdkCall(service, action, where)]


def _operations(resource: Resource) -> list[Operation]:
    found = operations(resource)
    return found if isinstance(found, list) else []


def resident_sources(resource: Resource, lineage: Lineage, settings: Settings) -> frozenset[str]:
    """The resident classifications (PII, telemetry) the resource's inputs reach, by lineage or identity."""
    found: set[str] = set()
    for movement in lineage.movements:
        if movement.resource is resource:
            for source in movement.sources:
                found |= lineage.classes(source)
    return frozenset(found) & settings.resident_classifications


def _origins(resource: Resource, lineage: Lineage, reached: frozenset[str]) -> str:
    """Where the resident data a resource acts on comes from, as chains (`queue (pii) -> machine`): what its
    inputs name, what its roles reach, what a service feeds it."""
    chains: dict[str, None] = {}
    for movement in lineage.movements:
        if movement.resource is resource:
            for source in movement.sources:
                for classification in sorted(lineage.classes(source) & reached):
                    chains[lineage.chain(source, classification)] = None
    return ", ".join(list(chains)[:3])


def _elsewhere(resource: Resource, settings: Settings) -> list[str]:
    """The other accounts and regions the resource's inputs name (its payload, its URI), in words."""
    places: set[str] = set()
    for value in leaves(resource.props):
        if not isinstance(value, str) or isinstance(value, Unknown):
            continue
        for text in _json_leaves(value):
            for account in _ACCOUNT.findall(text):
                # With no accountIds configured, every account is the deployment's (as for key policies).
                if settings.account_ids and account not in settings.account_ids:
                    places.add(f"account {account}")
            region = region_named_in(text)
            if region is not None and region not in settings.allowed_regions:
                places.add(f"region {region}")
    return sorted(places)


def copy_violations(stack: Stack, settings: Settings, rule: str) -> list[Violation]:
    """The SDK calls on resident data that take it elsewhere or cannot be judged, for rule 3 (PII) or rule
    4 (anything resident that is not anonymised)."""
    lineage = Lineage.of(stack, settings)
    found: list[Violation] = []
    for resource in stack.resources:
        made = calls(resource)
        if not made:
            continue
        reached = resident_sources(resource, lineage, settings)
        if rule == "no-pii-replication":
            reached &= {Classification.PII.value}
        if not reached:
            continue
        kinds = ", ".join(sorted(reached))
        elsewhere = _elsewhere(resource, settings)
        # A sharing action of a Scheduler universal target or a state machine's task is a copy mechanism of
        # what its payload names (`mechanisms.SHARING_SDK_ACTIONS`), judged by lineage; any other action
        # that moves something fails closed, whichever of the two calls it.
        traced = resource.type in (SCHEDULE, STATE_MACHINE)
        unjudged = [
            c
            for c in made
            if not c.moves_nothing
            and not (traced and c.is_one_of(_SHARING))
            # A literal read-only query whose results stay in the stack's workgroup (`sdk_queries`).
            and not reads_into_the_stack(c, resource, lineage)
        ]
        if elsewhere:
            what = (
                f"it calls {', '.join(sorted({c.name for c in made}))} on {kinds} data with a payload that "
                f"names {', '.join(elsewhere)}"
            )
        elif unjudged:
            what = (
                f"it calls {', '.join(sorted({c.name for c in unjudged}))} ({unjudged[0].where}) on {kinds} "
                "data, an action that may copy, share or export it and whose effect the pack cannot read "
                "from the payload"
            )
        else:
            continue
        origins = _origins(resource, lineage, reached)
        if origins:
            what = f"{what}; the data comes from {origins}"
        found.append(
            violation(
                resource,
                f"{resource.label} acts on resident data through an AWS API call made on your behalf: {what}",
                f"{kinds} data must stay in its region and in this deployment's accounts under "
                f"{settings.law}; an API call that shares, exports or copies it takes it out as a replica "
                "would.",
                "use the service's own resource (an aws.rds.Snapshot, a backup plan, an export the pack "
                "judges) instead of an SDK call on the data, or review the action and move it into code "
                "that the stack does not configure with the data.",
            )
        )
    return found


def public_api_violations(stack: Stack, settings: Settings) -> list[Violation]:
    """API Gateway service integrations on protected data behind a method or route anyone may call."""
    lineage = Lineage.of(stack, settings)
    found: list[Violation] = []
    found.extend(_public_definitions(stack, lineage, settings))
    for integration in stack.of_type(REST_INTEGRATION, HTTP_INTEGRATION):
        made = calls(integration)
        protected = resident_sources(integration, lineage, settings) & settings.protected_classifications
        if not made or not protected:
            continue
        kinds = ", ".join(sorted(protected))
        for problem in open_callers(integration, stack):
            found.append(
                violation(
                    integration,
                    f"{kinds} data is served to the internet: {integration.label} calls "
                    f"{', '.join(c.name for c in made)} on it and {problem}",
                    f"{kinds} data under {settings.law} must not be publicly accessible; an AWS service "
                    "integration answers every caller the method admits with the holder's data.",
                    "require AWS_IAM or a Cognito/JWT/Lambda authorizer on the method or route (or make the "
                    "REST API PRIVATE), or put code that checks the caller between the API and the data.",
                )
            )
    return found


def _public_definitions(stack: Stack, lineage: Lineage, settings: Settings) -> list[Violation]:
    """Operations of REST APIs defined by an OpenAPI body that call an AWS service on protected data and
    that anyone may call; a body a preview cannot read, computed from protected data, fails closed."""
    found: list[Violation] = []
    fix = (
        "require an authoriser on the operation (`security` naming a scheme with "
        "`x-amazon-apigateway-authtype` awsSigv4 or cognito_user_pools, or a Lambda authoriser), or make the "
        "REST API PRIVATE; build the body from values a preview knows (names, invokes), not outputs."
    )
    why = (
        f"data under {settings.law} must not be publicly accessible; an AWS service integration answers "
        "every caller the operation admits with the holder's data."
    )
    for api in stack.of_type(*DEFINING_TYPES):
        if private_definition(api, stack):
            continue
        defined = operations(api)
        if isinstance(defined, Unknown):
            # Computed from a holder of protected data, or from code that reads it (a Lambda integration's
            # invoke ARN: the body's operations may invoke it for anyone).
            reached = {
                c
                for d in stack.dependencies(api, "body")
                for c in lineage.effective(d) | lineage.code_reads(d)
            }
            protected = frozenset(reached) & settings.protected_classifications
            if protected:
                kinds = ", ".join(sorted(protected))
                found.append(
                    violation(
                        api,
                        f"{kinds} data may be served to the internet: the OpenAPI body of {api.label} is "
                        "computed from it and unknown at preview (or cannot be parsed), so its integrations "
                        "and their authorization cannot be read",
                        f"{kinds} {why}",
                        fix,
                    )
                )
            continue
        for operation in defined:
            made = _definition_calls(operation)
            protected = _reached(api, operation, lineage) & settings.protected_classifications
            if not made or not protected or operation.authorization != OPEN:
                continue
            kinds = ", ".join(sorted(protected))
            found.append(
                violation(
                    api,
                    f"{kinds} data is served to the internet: {operation.label} of {api.label}'s OpenAPI "
                    f"body calls {', '.join(c.name for c in made)} on it and admits everyone (no "
                    "authoriser in its security)",
                    f"{kinds} {why}",
                    fix,
                )
            )
    return found


def _reached(api: Resource, operation: Operation, lineage: Lineage) -> frozenset[str]:
    """The classifications of the stack's holders an operation's integration names (its request templates,
    its URI, its role)."""
    found: set[str] = set()
    for value in leaves(operation.integration):
        if isinstance(value, str):
            for resource in lineage.mentioned(value, api):
                found |= lineage.effective(resource)
    return frozenset(found)
