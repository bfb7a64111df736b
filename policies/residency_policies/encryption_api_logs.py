"""The log group an AppSync API writes its resolvers' requests and responses to, judged as a store's exports.

An AppSync API that logs at field level (`logConfig.fieldLogLevel` ERROR, INFO, DEBUG or ALL; an Event API's
`eventConfig.logConfig.logLevel`) with verbose content (`excludeVerboseContent` not true: headers, context and
the evaluated request and response of each resolver, the records it reads) writes them to the log group
`/aws/appsync/apis/<api id>`. When the stack does not declare that group, AppSync creates it with CloudWatch's
default key and no expiry, as RDS does for `enabledCloudwatchLogsExports` (`encryption._implicit_log_groups`):
personal data at rest under a key the stack does not own. Decision (round 10, reviewer blind-aws12 c19): an
API carries PII when it is labelled so or when a data source of it reaches PII (the data a resolver returns is
what its data source reads); ERROR counts too, since it logs the evaluated request and response of every field
in error; a level unknown at preview may be any of these.
"""

from __future__ import annotations

from collections.abc import Iterator

from .exposure_apis import DATA_SOURCE, DATA_SOURCE_PATHS, EVENT_API, GRAPHQL_API, code_sources
from .lineage import Lineage
from .model import Resource, Stack
from .settings import Settings
from .values import Unknown, as_bool, known_strings, value_at

LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
LOG_LEVELS = {GRAPHQL_API: "logConfig.fieldLogLevel", EVENT_API: "eventConfig.logConfig.logLevel"}
"""Where each kind of AppSync API sets how much it logs."""
VERBOSE_SWITCH = {GRAPHQL_API: "logConfig.excludeVerboseContent"}
"""Where an API may leave out the sections that hold the data (an Event API has no such switch)."""
QUIET_LEVELS = frozenset({"NONE"})
GROUP_PREFIX = "/aws/appsync/apis/"


def api_log_problems(
    stack: Stack, lineage: Lineage, settings: Settings
) -> Iterator[tuple[Resource, str, frozenset[str]]]:
    """(API, problem, protected classifications) for each API logging PII into a group the stack lacks."""
    for api in stack.of_type(*LOG_LEVELS):
        level = value_at(api.props, LOG_LEVELS[api.type])
        if level is None or level in QUIET_LEVELS:
            continue
        switch = VERBOSE_SWITCH.get(api.type)
        if switch is not None and as_bool(value_at(api.props, switch)) is True:
            continue
        protected = _carried(api, stack, lineage) & settings.protected_classifications
        if not protected or _declared_group(api, stack):
            continue
        shown = "unknown at preview" if isinstance(level, Unknown) else repr(level)
        verbose = f" and {switch} is not true" if switch else ""
        fix = f"set {switch} true, " if switch else ""
        yield (
            api,
            f"{LOG_LEVELS[api.type]} is {shown}{verbose}: AppSync writes each resolver's request and "
            "response "
            f"(the records it returns) to {GROUP_PREFIX}<api id>, a log group this stack does not declare, "
            "which AppSync creates with CloudWatch's default key and no expiry: declare it (aws.cloudwatch."
            f"LogGroup named {GROUP_PREFIX} + the API's id, kmsKeyId the stack's key, data-classification "
            f"pii), {fix}or log at NONE",
            protected,
        )


def _carried(api: Resource, stack: Stack, lineage: Lineage) -> frozenset[str]:
    """What an API serves: its own label and what its data sources (and the code they invoke) read."""
    found = set(lineage.effective(api))
    for source in stack.of_type(DATA_SOURCE):
        if not stack.refers_to(source, "apiId", api):
            continue
        for path in DATA_SOURCE_PATHS:
            for target in lineage.trace(source, path, False, lineage.own_region(source)):
                found |= lineage.classes(target)
        for runner in code_sources(source, stack):
            found |= lineage.code_reads(runner)
    return frozenset(found)


def _declared_group(api: Resource, stack: Stack) -> bool:
    """Whether the stack declares the API's log group: named from the API's id, by lineage or literally."""
    names = {f"{GROUP_PREFIX}{identity}" for identity in api.identities}
    for group in stack.of_type(LOG_GROUP):
        if stack.refers_to(group, "name", api):
            return True
        if names & set(known_strings([value_at(group.props, "name")])):
            return True
    return False
