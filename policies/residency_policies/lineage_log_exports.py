"""Lineage of the logs a database exports: the log group it writes into holds what the database holds.

An RDS instance or cluster, a DocumentDB or Neptune cluster with `enabledCloudwatchLogsExports` writes each
log (its statements, with the values they carry; its errors, quoting rows) into the log group named after it
(`residency_facts.mechanisms.LOG_EXPORTS`: `/aws/rds/instance/<identifier>/<log>`). A log group of that name
that the stack declares receives the database's data, in the database's region and account, whatever its
own label says: a subscription filter or an export of it carries the database's classification on (reviewer
blind-lineage13 a38). A group the stack does not declare is created by the service (pii-encryption judges
that); a name unknown at preview matches no group.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from residency_facts import SELF, CopyMechanism
from residency_facts.mechanisms import LOG_EXPORTS

from .locations import Movement
from .values import child, known_strings, value_at, values_at

if TYPE_CHECKING:
    from .lineage import Lineage

LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
LOG_EXPORT = CopyMechanism("a database's exported logs (its statements, with their values)", sources=(SELF,))
"""What carries a database's data into the log group it exports its logs into: not a mechanism of the type's
own inputs (the group is named after the database, not named by it)."""


def log_export_movements(lineage: Lineage) -> list[Movement]:
    """Each database's exported logs, from the database into the stack's log group of the log's name."""
    stack = lineage.stack
    groups = stack.of_type(LOG_GROUP)
    if not groups:
        return []
    by_name = {name: group for group in groups for name in known_strings([child(group.props, "name")])}
    found: list[Movement] = []
    for database in stack.of_type(*LOG_EXPORTS):
        name_path, pattern = LOG_EXPORTS[database.type]
        name = value_at(database.props, name_path)
        if not isinstance(name, str) or not name:
            continue
        logs = known_strings(values_at(database.props, "enabledCloudwatchLogsExports"))
        targets = [g for log in logs if (g := by_name.get(pattern.format(name=name, log=log))) is not None]
        if targets:
            found.append(
                Movement(
                    database, LOG_EXPORT, [lineage.locate(database)], [lineage.locate(g) for g in targets]
                )
            )
    return found
