"""What several test modules compute alike, computed once per test session and shared by every xdist worker.

Recording a real stack (its program run in a fresh process under the mock runtime) takes seconds of CPU, and
the policy, preview and stack tests each read the same recordings. Under pytest-xdist each worker is its own
process, so a process-wide cache still records every stack once per worker. `shared` keeps one result per
key in a directory of this test session: the first worker to ask builds it while the others wait on a file
lock, then every worker reads the same pickle.

The directory lives only as long as the session (tests/conftest.py creates it before the workers start and
removes it at the end), so nothing built from one checkout's sources is ever read by a run on changed
sources. A build that raises stores nothing: the next caller builds again, and fails as loudly.
"""

from __future__ import annotations

import atexit
import fcntl
import functools
import hashlib
import os
import pickle
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

SESSION_DIRECTORY = "RESIDENCY_TEST_SESSION_CACHE"
"""The environment variable naming this session's directory (inherited by the workers from the controller)."""

_created: list[Path] = []


def start_session() -> None:
    """Create the session's directory; an xdist worker uses the one its controller created instead.

    Anywhere else a directory named in the environment is not trusted (it may be left from another run, on
    other sources): each session starts empty.
    """
    if os.environ.get("PYTEST_XDIST_WORKER") and os.environ.get(SESSION_DIRECTORY):
        return
    directory = Path(tempfile.mkdtemp(prefix="residency-test-session-"))
    os.environ[SESSION_DIRECTORY] = str(directory)
    _created.append(directory)


def end_session() -> None:
    """Remove the directory this process created (the workers leave the controller's alone)."""
    while _created:
        directory = _created.pop()
        shutil.rmtree(directory, ignore_errors=True)
        if os.environ.get(SESSION_DIRECTORY) == str(directory):
            del os.environ[SESSION_DIRECTORY]


def _directory() -> Path:
    if not _created and not os.environ.get("PYTEST_XDIST_WORKER"):
        # Outside a pytest session (a benchmark, a shell): a directory of this process only.
        start_session()
        atexit.register(end_session)
    return Path(os.environ[SESSION_DIRECTORY])


def shared(key: tuple[Any, ...], build: Callable[[], T]) -> T:
    """The result of `build` for `key`, built once per session by whichever worker asks first.

    `key` must name everything the result depends on besides the checkout's sources (stack, project
    directory, mode); its repr is hashed into the file name. Results are read back in this process once.
    """
    return _shared(repr(key), build)


@functools.cache
def _cached(name: str, path: str) -> Any:
    with open(path, "rb") as stored:
        return pickle.load(stored)


def _shared(name: str, build: Callable[[], Any]) -> Any:
    digest = hashlib.sha256(name.encode()).hexdigest()[:32]
    directory = _directory()
    result_path = directory / f"{digest}.pickle"
    if result_path.exists():
        return _cached(name, str(result_path))
    with open(directory / f"{digest}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not result_path.exists():
                value = build()
                partial = directory / f"{digest}.{os.getpid()}.partial"
                partial.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
                partial.replace(result_path)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return _cached(name, str(result_path))


def recorded_registrations(project_dir: Path, stack: str) -> tuple[dict[str, Any], ...]:
    """A stack's registrations as the offline preview records them at a first preview, once a session.

    The policy tests, the residency map tests and the provider-constraint tests all read the real stacks'
    recordings: the same program run in the same recorder, so one run serves them all.
    """
    from offline_preview.program import run_program
    from offline_preview.project import load_stack

    def record() -> tuple[dict[str, Any], ...]:
        return tuple(run_program(load_stack(project_dir, stack)).registrations)

    return shared(("offline_preview.program.run_program", str(project_dir.resolve()), stack), record)
