"""Query APIs whose effect is read from the query's text: a statement that only reads copies nothing.

An SDK call that starts a query (a state machine's task, a Scheduler universal target, an Automation step)
moves data only where the statement writes (Athena's UNLOAD, CTAS, INSERT: docs.aws.amazon.com/athena/latest/
ug/unload.html, ctas.html, insert-into.html) and where the engine keeps the results (the workgroup's result
location, or one the request sets when the workgroup does not enforce its own: athena/latest/ug/
workgroups-settings-override.html). Decision (reviewer blind-data15 c03, a02 kept): a literal statement that
only reads, run in a workgroup of the stack whose results go to the stack's bucket, copies nothing
elsewhere; anything else is judged as the action is (fails closed).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple


class QueryCall(NamedTuple):
    """Where a query API's request holds the statement and where its results go."""

    text: str
    """The request member that holds the statement's text."""
    workgroup: str
    """The member naming the workgroup whose configuration says where the results go."""
    own_results: str
    """The member in which the request sets a result location of its own."""


QUERY_CALLS: Mapping[str, QueryCall] = MappingProxyType(
    {"athena:startqueryexecution": QueryCall("QueryString", "WorkGroup", "ResultConfiguration")}
)
"""Query actions (`service:action` in lower case) whose statement is read (Athena StartQueryExecution's
request: QueryString, WorkGroup, ResultConfiguration)."""

READING_STATEMENTS = frozenset({"select", "with", "values"})
"""The first keywords of a statement that only reads (a parenthesised SELECT included)."""

WRITING_KEYWORDS = frozenset(
    {
        "unload",
        "insert",
        "create",
        "merge",
        "update",
        "delete",
        "drop",
        "alter",
        "msck",
        "vacuum",
        "optimize",
        "grant",
        "revoke",
        "call",
        "execute",
        "prepare",
        "deallocate",
        "truncate",
        "copy",
        "export",
    }
)
"""Keywords of statements that write, change or run something else (Athena's DDL and DML, Trino's
procedures): a statement holding one, outside string literals, quoted identifiers and comments, is not
read-only."""
