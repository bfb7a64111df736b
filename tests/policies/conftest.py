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


@pytest.fixture(params=MODES, autouse=True)
def mode(request: pytest.FixtureRequest) -> Iterator[str]:
    """Run the test in one of the two modes (a preview_only test in preview mode alone)."""
    if request.param != PREVIEW and request.node.get_closest_marker("preview_only") is not None:
        pytest.skip("needs values that are unknown at preview")
    if request.param == PREVIEW and request.node.get_closest_marker("deployed_only") is not None:
        pytest.skip("needs values that are known only once the stack is deployed")
    if request.param != PREVIEW and request.node.get_closest_marker("mode_independent") is not None:
        pytest.skip("runs the same in both modes")
    token = MODE.set(request.param)
    try:
        yield request.param
    finally:
        MODE.reset(token)
