"""Shared by every test: the day the committed stacks' EKS version is judged on.

The settings refuse an EKS version out of standard support on the day the program runs. The tests run the
committed stacks (in this process and in the offline preview's program processes, which inherit the
environment), so they judge them on the day the calendar in residency/defaults.py was last checked: the
suite gives the same verdict on any later day, and moving that day is a reviewed change. A real preview or
`pulumi up` judges on today's date (tests/test_settings.py proves both).
"""

from __future__ import annotations

import os

import pytest

from residency.defaults import EKS_CALENDAR_CHECKED
from residency.settings import CALENDAR_DAY_VARIABLE


def pytest_configure(config: pytest.Config) -> None:
    """Before any test or worker starts a program: fix the day, unless the caller chose one."""
    os.environ.setdefault(CALENDAR_DAY_VARIABLE, EKS_CALENDAR_CHECKED.isoformat())
