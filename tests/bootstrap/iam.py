"""A small reader of IAM policy documents for tests: which statements match an action on a resource.

Conditions are not evaluated: an Allow is taken to apply whatever its condition, so "no Allow matches" is the
strong form of "cannot" (a condition can only narrow an Allow). Documents that use NotAction, NotResource or
NotPrincipal are refused, since this reader would misjudge them.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any


def _listed(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def statements(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The document's statements; refuses the negated forms this reader cannot judge."""
    found: list[dict[str, Any]] = document["Statement"]
    if isinstance(found, dict):
        found = [found]
    for statement in found:
        negated = {"NotAction", "NotResource", "NotPrincipal"} & set(statement)
        assert not negated, f"statement {statement.get('Sid')} uses {negated}: not judged by this reader"
    return list(found)


def _action_matches(pattern: str, action: str) -> bool:
    # IAM action names are case-insensitive.
    return fnmatchcase(action.lower(), pattern.lower())


def matching(document: dict[str, Any], effect: str, action: str, resource: str) -> list[dict[str, Any]]:
    """The statements of `effect` whose Action and Resource cover `action` on `resource`."""
    return [
        statement
        for statement in statements(document)
        if statement["Effect"] == effect
        and any(_action_matches(pattern, action) for pattern in _listed(statement["Action"]))
        and any(fnmatchcase(resource, pattern) for pattern in _listed(statement.get("Resource", "*")))
    ]


def allowed(document: dict[str, Any], action: str, resource: str) -> bool:
    """Some Allow covers it (conditions taken as met) and no Deny does."""
    return bool(matching(document, "Allow", action, resource)) and not matching(
        document, "Deny", action, resource
    )


def allow_actions(document: dict[str, Any]) -> list[str]:
    """Every action pattern any Allow statement names."""
    return [a for s in statements(document) if s["Effect"] == "Allow" for a in _listed(s["Action"])]
