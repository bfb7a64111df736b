"""How pytest-xdist shares the suite between its workers: expensive modules first, shared fixtures built once.

`--dist loadscope` sends a module's tests to one worker (so a module-scoped fixture, a stack run or a set of
processes, is built once) and hands out modules in the order of their test counts, largest first. Test
counts say little here: the policy modules hold hundreds of tests that take milliseconds each, while a
module of four tests may start twenty processes. Handed out by count, the expensive modules came last and
one worker ran them alone while the other sat idle. So:

- the collection is put in the order of EXPENSIVE below (measured on a whole run, `--durations=0`), the
  modules not listed after them in their usual order, and xdist keeps that order. Only the order changes:
  every test still runs, each module's tests stay together and in their own order;
- the modules of a directory in SHARED_DIRECTORIES go to one worker together, because they share a session
  fixture too expensive to build on both workers (tests/telemetry_sql: the mesh of four PostgreSQL servers,
  provisioned twice).

A module missing from EXPENSIVE is only handed out later; when a new module turns out to be slow, add it.
"""

from __future__ import annotations

from typing import Any

import pytest

SHARED_DIRECTORIES = ("tests/telemetry_sql/",)
"""Directories whose modules run on one worker, sharing their session fixtures."""

EXPENSIVE = (
    "tests/telemetry_sql/",
    "tests/preview/test_cli.py",
    "tests/policies/test_publish.py",
    "tests/preview/test_state.py",
    "tests/policies/test_wire.py",
    "tests/preview/test_scale.py",
    "tests/policies/test_real_stacks.py",
    "tests/preview/test_robustness.py",
    "tests/components/test_regional_cluster.py",
    "tests/components/test_telemetry_store.py",
    "tests/preview/test_policy_rules.py",
    "tests/test_deployed_urns.py",
    "tests/policies/test_no_pii_replication.py",
    "tests/preview/test_diagram_render.py",
    "tests/test_third_region.py",
    "tests/preview/test_real_stacks.py",
    "tests/preview/test_recording.py",
    "tests/bootstrap/test_offline_preview.py",
    "tests/test_typecheck_config.py",
    "tests/preview/test_workflows.py",
    "tests/test_stacks.py",
    "tests/preview/test_provider_constraints.py",
    "tests/preview/test_diagram.py",
    "tests/policies/test_pack_process.py",
)
"""Modules (or shared directories) by their cost, the most expensive first: the sums of their tests' durations
in a `--durations=0` run (2026-12-01, load 12 to 16; the component modules at what they cost once each build
was shared); each module not listed took under about 25 s under that run's load."""


def scope_of(nodeid: str) -> str:
    """The unit of work a test belongs to: its shared directory, else its module (or class)."""
    for directory in SHARED_DIRECTORIES:
        if nodeid.startswith(directory):
            return directory
    return nodeid.rsplit("::", 1)[0]


def _rank(nodeid: str) -> int:
    scope = scope_of(nodeid)
    module = scope.split("::", 1)[0]
    for index, expensive in enumerate(EXPENSIVE):
        if module == expensive or scope == expensive:
            return index
    return len(EXPENSIVE)


def order_by_cost(items: list[pytest.Item]) -> None:
    """Put the expensive modules first, keeping each module's tests together and in their own order."""
    position = {id(item): index for index, item in enumerate(items)}
    items.sort(key=lambda item: (_rank(item.nodeid), position[id(item)]))


def make_scheduler(config: pytest.Config, log: Any) -> Any:
    """The loadscope scheduler with the units above, handed out in collection order."""
    from xdist.scheduler import LoadScopeScheduling  # type: ignore[import-untyped]

    class CostOrderedScopeScheduling(LoadScopeScheduling):
        """Loadscope with shared directories as one unit each, in the collection's (cost) order."""

        def _split_scope(self, nodeid: str) -> str:
            return scope_of(nodeid)

    # The collection is already in cost order: xdist's reordering by test count would undo it.
    config.option.loadscopereorder = False
    return CostOrderedScopeScheduling(config, log)
