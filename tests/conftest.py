"""Shared by every test: the day the committed stacks' EKS version is judged on, and the session's cache.

The settings refuse an EKS version out of standard support on the day the program runs. The tests run the
committed stacks (in this process and in the offline preview's program processes, which inherit the
environment), so they judge them on the day the calendar in residency/defaults.py was last checked: the
suite gives the same verdict on any later day, and moving that day is a reviewed change. A real preview or
`pulumi up` judges on today's date (tests/test_settings.py proves both).

The directory of `tests.session_cache` is created here, before pytest-xdist starts its workers (which inherit
its name), so that what several modules record alike is recorded once per session, not once per worker; and
`tests.scheduling` decides which worker runs what.
"""

from __future__ import annotations

import os
from typing import Any

import pytest

from residency.defaults import EKS_CALENDAR_CHECKED
from residency.settings import CALENDAR_DAY_VARIABLE
from tests import scheduling, session_cache


def pytest_configure(config: pytest.Config) -> None:
    """Before any test or worker starts a program: fix the day, unless the caller chose one."""
    os.environ.setdefault(CALENDAR_DAY_VARIABLE, EKS_CALENDAR_CHECKED.isoformat())
    session_cache.start_session()


def pytest_unconfigure(config: pytest.Config) -> None:
    """Remove the session's cache once the process that created it ends (the controller, under xdist)."""
    session_cache.end_session()


DIST_MODE = "residency_dist"
"""The controller's `--dist` mode, as its workers receive it: pytest-xdist sets each worker's own to `no`."""


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """Tell each worker how the controller distributes the tests (the worker's own `--dist` reads `no`)."""
    node.workerinput[DIST_MODE] = node.config.getvalue("dist")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under `--dist loadscope`, every worker orders its collection alike: the expensive modules first."""
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None and workerinput.get(DIST_MODE) == "loadscope":
        scheduling.order_by_cost(items)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Loadscope with the shared directories as one unit, in cost order (tests/scheduling.py)."""
    if config.getvalue("dist") != "loadscope":
        return None
    return scheduling.make_scheduler(config, log)
