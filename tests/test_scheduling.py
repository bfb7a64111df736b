"""The workers' schedule only reorders the suite: every test kept, each module together and in its order."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tests import scheduling

REPOSITORY = Path(__file__).resolve().parent.parent


@dataclass
class Item:
    """What order_by_cost reads of a pytest item."""

    nodeid: str


def test_every_listed_module_and_directory_exists() -> None:
    """A renamed or deleted module left in the table would silently lose its place at the front."""
    for entry in (*scheduling.EXPENSIVE, *scheduling.SHARED_DIRECTORIES):
        path = REPOSITORY / entry
        assert path.is_dir() if entry.endswith("/") else path.is_file(), entry


def test_the_order_keeps_every_test_and_each_modules_order_with_the_expensive_first() -> None:
    nodeids = [
        "tests/test_settings.py::test_a",
        "tests/preview/test_cli.py::test_b",
        "tests/test_settings.py::test_c",
        "tests/telemetry_sql/test_release_rollup.py::test_d",
        "tests/preview/test_cli.py::test_e",
        "tests/telemetry_sql/test_differential_privacy.py::test_f[1]",
        "tests/policies/test_triage.py::TestTable::test_g",
    ]
    items = [Item(nodeid) for nodeid in nodeids]
    scheduling.order_by_cost(items)  # type: ignore[arg-type]
    ordered = [item.nodeid for item in items]
    assert sorted(ordered) == sorted(nodeids)
    assert ordered == [
        "tests/telemetry_sql/test_release_rollup.py::test_d",
        "tests/telemetry_sql/test_differential_privacy.py::test_f[1]",
        "tests/preview/test_cli.py::test_b",
        "tests/preview/test_cli.py::test_e",
        "tests/test_settings.py::test_a",
        "tests/test_settings.py::test_c",
        "tests/policies/test_triage.py::TestTable::test_g",
    ]


@pytest.mark.parametrize(
    ("nodeid", "scope"),
    [
        ("tests/telemetry_sql/test_release_rollup.py::test_d", "tests/telemetry_sql/"),
        ("tests/preview/test_cli.py::test_b[eu]", "tests/preview/test_cli.py"),
        ("tests/policies/test_triage.py::TestTable::test_g", "tests/policies/test_triage.py::TestTable"),
    ],
)
def test_a_shared_directory_is_one_unit_and_any_other_module_its_own(nodeid: str, scope: str) -> None:
    assert scheduling.scope_of(nodeid) == scope


@dataclass
class _Config:
    """What the hooks read of a pytest config: `--dist`, and on a worker what the controller sent it."""

    dist: str
    workerinput: dict | None = None

    def getvalue(self, name: str) -> str:
        assert name == "dist"
        return self.dist


@dataclass
class _Node:
    """What pytest_configure_node reads of xdist's WorkerController."""

    config: _Config
    workerinput: dict


def test_a_worker_orders_its_collection_by_the_controllers_mode_not_its_own() -> None:
    """pytest-xdist sets every worker's `--dist` to `no`: the order must come from the controller, or the
    expensive modules are handed out last and one worker runs them alone."""
    from tests import conftest

    node = _Node(_Config("loadscope"), {})
    conftest.pytest_configure_node(node)
    worker = _Config("no", node.workerinput)
    items = [Item("tests/test_settings.py::test_a"), Item("tests/preview/test_cli.py::test_b")]
    conftest.pytest_collection_modifyitems(worker, items)  # type: ignore[arg-type]
    assert [item.nodeid for item in items] == [
        "tests/preview/test_cli.py::test_b",
        "tests/test_settings.py::test_a",
    ]
