"""Every policy test runs twice: against a stack previewed before it exists, and after it was deployed.

A preview of a new stack knows no ids; a preview of a deployed stack knows them all (see `policy_harness`).
A rule that holds in one situation and not the other would fail closed in a new stack and leak, or raise
false alarms, in a deployed one. A test that only makes sense when values are unknown says so with
`@pytest.mark.preview_only(reason)`, one that needs known ids with `deployed_only(reason)`; a test of
something else than the rules (the pack's process, the triage table) with `mode_independent`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.policies.policy_harness import MODE, MODES, PREVIEW


def pytest_configure(config: pytest.Config) -> None:
    """Declare the marker of tests that only make sense at a first preview."""
    config.addinivalue_line("markers", "preview_only(reason): the test needs values unknown at preview")
    config.addinivalue_line("markers", "mode_independent: the test does not run the rules on a stack")
    config.addinivalue_line("markers", "deployed_only(reason): the test needs values known once deployed")


_ONLY_IN = {"preview_only": {PREVIEW}, "mode_independent": {PREVIEW}, "deployed_only": set(MODES) - {PREVIEW}}
"""The modes a marked test runs in; an unmarked test runs in both."""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Drop each marked test's run in the mode it does not apply to (deselected, not skipped: nothing ran)."""
    kept: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        callspec = getattr(item, "callspec", None)
        mode = callspec.params.get("mode") if callspec is not None else None
        if mode is not None and mode not in MODES:
            # A test's own parameter named `mode` overrides this fixture, and its runs would be dropped
            # below as runs of a mode that does not exist: never run, never failing.
            raise pytest.UsageError(
                f"{item.nodeid}: a parameter named 'mode' shadows the harness mode fixture; rename it"
            )
        wanted = set(MODES)
        for marker, modes in _ONLY_IN.items():
            if item.get_closest_marker(marker) is not None:
                wanted &= modes
        (kept if mode is None or mode in wanted else dropped).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(params=MODES, autouse=True)
def mode(request: pytest.FixtureRequest) -> Iterator[str]:
    """Run the test in one of the two modes."""
    token = MODE.set(request.param)
    try:
        yield request.param
    finally:
        MODE.reset(token)
