"""RDS Proxy's debug logs: the SQL statements sent through a proxy, in a log group named after it.

An `aws:rds/proxy:Proxy` with `debugLogging` true (or unknown at preview) writes the text of the SQL
statements its clients send, with the literal values they carry (emails, names), into
`/aws/rds/proxy/<name>` (`residency_facts.fronts.RDS_PROXY_DEBUG_LOG_GROUP`). They are a copy of what the
databases behind it hold, as a database's exported logs are (`lineage_log_exports`): a log group of that
name the stack declares receives the data of the proxy's targets (`aws:rds/proxyTarget:ProxyTarget`), in the
proxy's region and account, whatever its own label says, and is judged as a PII log group (its key; its
`retentionInDays`, here); a group the stack does not declare is created by RDS with CloudWatch's default key
and no expiry, so pii-encryption fails on the proxy (reviewer blind-compliant16 v03). A proxy whose targets
the stack does not declare, in a stack that holds protected data, is taken to front it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from residency_facts import SELF, CopyMechanism
from residency_facts.fronts import RDS_PROXY, RDS_PROXY_DEBUG_LOG_GROUP, RDS_PROXY_TARGET

from .locations import Movement
from .model import Resource, Stack
from .values import Unknown, as_bool, child, known_strings, value_at, values_at

if TYPE_CHECKING:
    from .lineage import Lineage
    from .settings import Settings

LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
DEBUG_LOGS = CopyMechanism(
    "an RDS Proxy's debug logs (the SQL statements sent through it, with their values)", sources=(SELF,)
)
_TARGET_PATHS = ("dbInstanceIdentifier", "dbClusterIdentifier")


def debug_logging(proxy: Resource) -> str | None:
    """How a proxy's debug logging is on, in words ("true", "unknown at preview"); None when it is off."""
    value = as_bool(child(proxy.props, "debugLogging"))
    if isinstance(child(proxy.props, "debugLogging"), Unknown) or isinstance(value, Unknown):
        return "unknown at preview"
    return "true" if value is True else None


def proxied_stores(proxy: Resource, stack: Stack) -> tuple[list[Resource], bool]:
    """The stack's databases a proxy's targets register with it, and whether some target cannot be traced
    (none declared, or one naming a database the stack does not declare)."""
    stores: list[Resource] = []
    untraced = False
    targets = [t for t in stack.of_type(RDS_PROXY_TARGET) if stack.refers_to(t, "dbProxyName", proxy)]
    if not targets:
        return [], True
    for target in targets:
        for path in _TARGET_PATHS:
            values = values_at(target.props, path)
            if not any(values):
                continue
            named = [d for d in stack.dependencies(target, path) if d is not target]
            if not named:
                named = [r for v in known_strings(values) for r in stack.named(v) if r is not target]
            if not named:
                untraced = True
            stores.extend(n for n in named if n not in stores)
    return stores, untraced


def debug_log_groups(proxy: Resource, stack: Stack) -> list[Resource]:
    """The stack's log groups of a proxy's debug logs: named `/aws/rds/proxy/<name>`, or named from the proxy
    (unknown at preview)."""
    name = value_at(proxy.props, "name")
    wanted = RDS_PROXY_DEBUG_LOG_GROUP.format(name=name) if isinstance(name, str) and name else None
    found = []
    for group in stack.of_type(LOG_GROUP):
        group_name = value_at(group.props, "name")
        if (wanted is not None and group_name == wanted) or (
            isinstance(group_name, Unknown) and stack.refers_to(group, "name", proxy)
        ):
            found.append(group)
    return found


def debug_log_movements(lineage: Lineage) -> list[Movement]:
    """Each debug-logging proxy's statements, from the databases behind it into its declared log group."""
    stack = lineage.stack
    if not stack.of_type(LOG_GROUP):
        return []
    found: list[Movement] = []
    for proxy in stack.of_type(RDS_PROXY):
        if debug_logging(proxy) is None:
            continue
        groups = debug_log_groups(proxy, stack)
        stores, _ = proxied_stores(proxy, stack)
        if groups and stores:
            found.append(
                Movement(
                    proxy,
                    DEBUG_LOGS,
                    [lineage.locate(s) for s in stores],
                    [lineage.locate(g) for g in groups],
                )
            )
    return found


def debug_log_problems(
    stack: Stack, lineage: Lineage, settings: Settings
) -> Iterator[tuple[Resource, str, frozenset[str]]]:
    """(proxy or log group, problem, protected classifications) for each proxy that writes PII statements
    into a log group RDS creates, or into a declared one kept for ever."""
    for proxy in stack.of_type(RDS_PROXY):
        switch = debug_logging(proxy)
        if switch is None:
            continue
        stores, untraced = proxied_stores(proxy, stack)
        protected = (
            frozenset().union(*(lineage.effective(s) for s in stores)) & settings.protected_classifications
        )
        if untraced and lineage.holds_any(settings.protected_classifications):
            protected |= settings.protected_classifications
        if not protected:
            continue
        name = value_at(proxy.props, "name")
        groups = debug_log_groups(proxy, stack)
        fix_off = "or set debugLogging false (turn it on only while troubleshooting, in a stack without PII)"
        if not groups:
            where = (
                RDS_PROXY_DEBUG_LOG_GROUP.format(name=name)
                if isinstance(name, str) and name
                else "/aws/rds/proxy/<name>"
            )
            known = (
                ""
                if isinstance(name, str) and name
                else " (its name is unknown at preview: set name, or name the group from proxy.name)"
            )
            yield (
                proxy,
                f"debugLogging is {switch}: the proxy writes the SQL statements sent through it, with the "
                f"personal data they carry, to {where}{known}, a log group this stack does not declare, "
                "which RDS creates with CloudWatch's default key and no expiry: declare it "
                f"(aws.cloudwatch.LogGroup named {where}, kmsKeyId the stack's key, retentionInDays set, "
                f"data-classification pii), {fix_off}",
                protected,
            )
            continue
        for group in groups:
            retention = value_at(group.props, "retentionInDays")
            if not isinstance(retention, Unknown) and not retention:
                yield (
                    group,
                    f"{proxy.label} writes the SQL statements sent through it (debugLogging {switch}), with "
                    "the personal data they carry, here and retentionInDays is not set: they are kept for "
                    f"ever; set a retention, {fix_off}",
                    protected,
                )
