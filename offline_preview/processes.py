"""Child processes of the preview: each in its own process group, drained as it runs, stopped on every exit.

The program and every policy pack run as children. A child may start its own children (a pack's interpreter
can spawn helpers, a program can shell out), so each child leads a process group of its own and is stopped
by signalling the whole group: nothing is left running under init when the preview ends, however it ends
(normal exit, an error, SIGTERM from a CI cancel, Ctrl-C). Output is read by threads as it arrives, so a
child that writes more than a pipe holds (64 KiB on Linux) never blocks on a full pipe.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType
from typing import IO, Any

GRACE_SECONDS = 5.0
"""How long a child group has to exit after SIGTERM before it gets SIGKILL."""

MAX_KEPT_BYTES = 4 * 1024 * 1024
"""The most output kept per stream; past it the rest is counted and dropped (never left in the pipe)."""

_children: list[subprocess.Popen[bytes]] = []
_children_lock = threading.Lock()


class Cancelled(BaseException):
    """The preview was asked to stop (SIGTERM, SIGINT): unwinds like KeyboardInterrupt, cleaning up."""

    def __init__(self, signal_number: int) -> None:
        self.signal_number = signal_number
        super().__init__(signal.Signals(signal_number).name)

    @property
    def exit_code(self) -> int:
        """The shell's convention for a process ended by a signal: 128 + the signal number."""
        return 128 + self.signal_number


def spawn(
    arguments: Sequence[str],
    cwd: Path,
    environment: dict[str, str] | None = None,
    merge_stderr: bool = False,
) -> subprocess.Popen[bytes]:
    """Start a child in a new process group (session), stdin closed, stdout and stderr as pipes."""
    process = subprocess.Popen(
        list(arguments),
        cwd=cwd,
        env=environment,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT if merge_stderr else subprocess.PIPE,
        start_new_session=True,
    )
    with _children_lock:
        _children.append(process)
    return process


def _signal_group(process: subprocess.Popen[bytes], signal_number: int) -> None:
    """Signal the child's whole group; the group outlives its leader while any grandchild is in it."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal_number)


def stop(process: subprocess.Popen[bytes], grace: float = GRACE_SECONDS) -> None:
    """Stop a child and everything it started: SIGTERM to the group, SIGKILL after the grace period."""
    _signal_group(process, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=grace)
    # Grandchildren that ignored SIGTERM (or a leader that exited first) still get SIGKILL.
    _signal_group(process, signal.SIGKILL)
    if process.poll() is None:
        process.wait()
    with _children_lock:
        if process in _children:
            _children.remove(process)


def stop_all() -> None:
    """Stop every child still running, in parallel (each may take the grace period)."""
    with _children_lock:
        running = list(_children)
    threads = [threading.Thread(target=stop, args=(process,), daemon=True) for process in running]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


class Drain:
    """Reads one stream to its end on a thread, keeping lines; the first line can be waited for."""

    def __init__(self, stream: IO[bytes] | None, on_line: Callable[[bytes], None] | None = None) -> None:
        self.lines: list[bytes] = []
        self.dropped_bytes = 0
        self._kept = 0
        self._on_line = on_line
        self.first_line = threading.Event()
        self.finished = threading.Event()
        self._stream = stream
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        if self._stream is None:
            self.first_line.set()
            self.finished.set()
            return
        try:
            for line in iter(self._stream.readline, b""):
                if self._kept + len(line) <= MAX_KEPT_BYTES:
                    self.lines.append(line)
                    self._kept += len(line)
                else:
                    self.dropped_bytes += len(line)
                if self._on_line is not None:
                    self._on_line(line)
                self.first_line.set()
        except (OSError, ValueError):
            pass
        finally:
            self.first_line.set()
            self.finished.set()

    def join(self, timeout: float = 5.0) -> None:
        """Wait for the end of the stream (the child has exited or closed it)."""
        self._thread.join(timeout)

    def text(self, skip: int = 0) -> str:
        """Everything kept, decoded leniently (a child may print any bytes), noting what was dropped."""
        text = b"".join(self.lines[skip:]).decode("utf-8", errors="replace")
        if self.dropped_bytes:
            text += f"\n[{self.dropped_bytes} more bytes of output not kept]\n"
        return text


_installed: dict[int, Any] = {}


def _raise_cancelled(signal_number: int, _frame: FrameType | None) -> None:
    """The first SIGTERM or SIGINT unwinds the preview; a second one during clean-up is ignored."""
    for number in _installed:
        signal.signal(number, signal.SIG_IGN)
    raise Cancelled(signal_number)


def install_signal_handlers() -> None:
    """Turn SIGTERM and SIGINT into `Cancelled` in the main thread, so every `finally` and `with` runs."""
    for number in (signal.SIGTERM, signal.SIGINT):
        _installed[number] = signal.signal(number, _raise_cancelled)


def restore_signal_handlers() -> None:
    """Put back the handlers that were there before `install_signal_handlers`."""
    for number, handler in _installed.items():
        signal.signal(number, handler)
    _installed.clear()
