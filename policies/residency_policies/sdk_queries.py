"""Whether a query an SDK call starts only reads and keeps its results in the stack (`residency_facts`).

Decision (reviewer blind-data15 c03): `athena:startQueryExecution` with a literal statement that only reads
(`SELECT`, `WITH ... SELECT`, `VALUES`, one statement with no writing keyword outside string literals, quoted
identifiers and comments), in a workgroup of the stack, in the caller's region, whose result location is a
bucket of the stack in that region and account (or Athena's managed results, kept in the workgroup's region),
with no result location of the request's own unless the workgroup enforces its configuration, copies nothing
elsewhere: its results are judged where the workgroup keeps them, as any Athena results are. A statement
taken from the execution's input (`QueryString.$`, a JSONata expression), an UNLOAD, a CTAS, an INSERT
(reviewer blind-data15 a02), a workgroup the stack does not declare (`primary`) or one writing elsewhere is
judged as the action is: it fails closed (`sdk_calls`; the facts are in `residency_facts/queries.py`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeGuard

from residency_facts.queries import QUERY_CALLS, READING_STATEMENTS, WRITING_KEYWORDS

from .lineage import KMS_KEY_TYPES, Lineage
from .values import Unknown, value_at

if TYPE_CHECKING:
    from .model import Resource
    from .sdk_payloads import SdkCall

WORKGROUP = "aws:athena/workgroup:Workgroup"
S3_BUCKET = "aws:s3/bucket:Bucket"
_PAYLOAD_PREFIXES = ("Parameters.", "Arguments.", "inputs.")
"""How a state machine's (`Parameters` / JSONata `Arguments`) and an Automation step's (`inputs`) payload
members are keyed (`sdk_payloads`); a universal target's are its input's own keys."""
_JSONATA = re.compile(r"^\s*\{%.*%\}\s*$", re.S)
_HIDDEN = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|`[^`]*`|--[^\n]*|/\*.*?\*/", re.S)
"""String literals, quoted identifiers and comments: words inside them are no keywords."""
_WORD = re.compile(r"[A-Za-z_]+")
_OUTPUT = "configuration.resultConfiguration.outputLocation"


def reads_into_the_stack(call: SdkCall, caller: Resource, lineage: Lineage) -> bool:
    """Whether the call starts a literal read-only query whose results stay in the stack (see the module)."""
    spec = QUERY_CALLS.get(call.name.lower())
    if spec is None or not isinstance(call.payload, Mapping):
        return False
    members = _members(call.payload)
    if f"{spec.text}.$" in members or f"{spec.workgroup}.$" in members or f"{spec.own_results}.$" in members:
        return False  # taken from the execution's input
    text, name = members.get(spec.text), members.get(spec.workgroup)
    if not _literal(text) or not _literal(name) or not read_only_statement(text):
        return False
    own = lineage.own_region(caller)
    workgroups = [
        w for w in lineage.stack.named(name) if w.type == WORKGROUP and lineage.own_region(w) == own
    ]
    if len(workgroups) != 1:
        return False  # a workgroup the stack does not declare (`primary`): where its results go is not shown
    workgroup = workgroups[0]
    # The provider enforces the workgroup's configuration unless told not to; unknown at preview, it may not.
    enforced = value_at(workgroup.props, "configuration.enforceWorkgroupConfiguration")
    if spec.own_results in members and enforced is not True and enforced is not None:
        return False  # the request's own result location wins over a workgroup that does not enforce
    return _results_in_the_stack(lineage, caller, workgroup, own)


def read_only_statement(text: str) -> bool:
    """Whether a SQL text is one statement that only reads (see the module)."""
    visible = _HIDDEN.sub(" ", text)
    statements = [s for s in visible.split(";") if s.strip()]
    if len(statements) != 1:
        return False
    words = [w.lower() for w in _WORD.findall(statements[0])]
    if not words or words[0] not in READING_STATEMENTS:
        return False
    return not any(w in WRITING_KEYWORDS for w in words)


def _members(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The request's members by their own names (`Parameters.QueryString` -> `QueryString`)."""
    found: dict[str, Any] = {}
    for key, value in payload.items():
        name = str(key)
        for prefix in _PAYLOAD_PREFIXES:
            if name.startswith(prefix):
                name = name[len(prefix) :]
                break
        found[name] = value
    return found


def _literal(value: Any) -> TypeGuard[str]:
    if not isinstance(value, str) or not value or isinstance(value, Unknown):
        return False
    return not _JSONATA.match(value)


def _results_in_the_stack(lineage: Lineage, caller: Resource, workgroup: Resource, own: str | None) -> bool:
    """Whether the workgroup keeps its results in a bucket of the stack in the caller's region and account,
    or as Athena's managed results (in the workgroup's region)."""
    if value_at(workgroup.props, "configuration.managedQueryResultsConfiguration.enabled") is True:
        return True
    if value_at(workgroup.props, _OUTPUT) is None:
        return False
    # The output's key is computed beside the location in one input (`configuration`): it is no place.
    places = [
        p
        for p in lineage.trace(workgroup, _OUTPUT, True, own, destination=True)
        if p.resource is None or p.resource.type not in KMS_KEY_TYPES
    ]
    account = lineage.account(caller)
    return bool(places) and all(
        p.resource is not None and p.resource.type == S3_BUCKET and p.region == own and p.account == account
        for p in places
    )
