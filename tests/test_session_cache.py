"""The session cache builds each result once across processes, and never serves one from another session."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests import session_cache

REPOSITORY = Path(__file__).resolve().parent.parent

_WORKER = """
import json, sys, time
from pathlib import Path
from tests import session_cache

log = Path(sys.argv[1])

def build():
    with log.open("a") as out:
        out.write("built\\n")
    time.sleep(1)  # long enough for the other worker to ask while this one builds
    return {"stack": "eu", "registrations": list(range(5))}

print(json.dumps(session_cache.shared(("test", "eu"), build)))
"""


@pytest.fixture
def session(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A session directory of this test's own, as a worker sees its controller's."""
    directory = tmp_path / "session"
    directory.mkdir()
    monkeypatch.setenv(session_cache.SESSION_DIRECTORY, str(directory))
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw0")
    monkeypatch.setattr(session_cache, "_created", [])
    session_cache._cached.cache_clear()
    return directory


def test_two_workers_asking_at_once_build_once_and_read_the_same_result(
    session: Path, tmp_path: Path
) -> None:
    log = tmp_path / "builds.log"
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", _WORKER, str(log)],
            cwd=REPOSITORY,
            env={**os.environ, "PYTEST_XDIST_WORKER": f"gw{index}", "PYTHONPATH": str(REPOSITORY)},
            stdout=subprocess.PIPE,
            text=True,
        )
        for index in range(2)
    ]
    results = [json.loads(worker.communicate(timeout=120)[0]) for worker in workers]
    assert all(worker.returncode == 0 for worker in workers)
    assert log.read_text() == "built\n"
    assert results[0] == results[1] == {"stack": "eu", "registrations": [0, 1, 2, 3, 4]}


def test_a_key_is_built_once_and_another_key_builds_again(session: Path) -> None:
    builds: list[str] = []

    def build(stack: str) -> str:
        builds.append(stack)
        return f"recording of {stack}"

    assert session_cache.shared(("record", "eu"), lambda: build("eu")) == "recording of eu"
    assert session_cache.shared(("record", "eu"), lambda: build("eu")) == "recording of eu"
    assert session_cache.shared(("record", "india"), lambda: build("india")) == "recording of india"
    assert builds == ["eu", "india"]


def test_a_build_that_fails_stores_nothing_and_the_next_caller_builds_again(session: Path) -> None:
    def fail() -> str:
        raise RuntimeError("the program failed")

    with pytest.raises(RuntimeError, match="the program failed"):
        session_cache.shared(("record", "eu"), fail)
    assert session_cache.shared(("record", "eu"), lambda: "recorded") == "recorded"


def test_a_new_session_never_reads_a_directory_left_in_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only an xdist worker trusts the directory it inherits: a session started anywhere else starts empty,
    so a result recorded from other sources (an earlier run, another checkout) is never read."""
    stale = tmp_path / "stale"
    stale.mkdir()
    monkeypatch.setenv(session_cache.SESSION_DIRECTORY, str(stale))
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
    monkeypatch.setattr(session_cache, "_created", [])
    session_cache._cached.cache_clear()
    session_cache.start_session()
    try:
        fresh = Path(os.environ[session_cache.SESSION_DIRECTORY])
        assert fresh != stale and list(fresh.iterdir()) == []
        assert session_cache.shared(("record", "eu"), lambda: "from these sources") == "from these sources"
        assert list(stale.iterdir()) == []
    finally:
        session_cache.end_session()
    assert not fresh.exists()
