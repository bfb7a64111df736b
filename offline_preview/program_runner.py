"""Runs a Pulumi Python program under the mock runtime in preview mode, in a process of its own.

Usage (by the preview driver, not by hand): `python -c <bootstrap> SPEC.json RESULT.json`. The spec names the
program, its stack and its config; the result holds every registration the engine would have seen, or the
program's error. A fresh process per run matters: the SDK's settings, config and root stack are process-wide,
and programs keep module-level state.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import os
import runpy
import sys
import traceback
from pathlib import Path
from typing import Any


class _Diagnostics(logging.Handler):
    """Collects what the program logs through `pulumi.log`, as the engine collects diagnostics."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.messages: list[dict[str, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Keep the message and its severity."""
        self.messages.append({"severity": record.levelname.lower(), "message": record.getMessage()})


def _user_traceback(error: BaseException, program_dir: Path) -> str:
    """The error with only the program's own frames, as the language host reports an unhandled exception."""
    frames = traceback.extract_tb(error.__traceback__)
    own = [
        frame
        for frame in frames
        if Path(frame.filename).is_file() and Path(frame.filename).resolve().is_relative_to(program_dir)
    ]
    lines = traceback.format_list(own or frames)
    lines += traceback.format_exception_only(type(error), error)
    return "Traceback (most recent call last):\n" + "".join(lines)


async def run_then_let_registrations_start(main: Path) -> None:
    """Run the program's module, then yield to the event loop once before `run_in_stack` waits for the RPCs.

    Every resource the program declares queues a registration task that only starts when the loop next runs,
    and a task enlists with the SDK's RPC manager only once it has started. `run_in_stack` calls
    `wait_for_rpcs` right after the program returns, without yielding: it then finds no RPC to wait for and
    falls through to waiting on every pending output at once (`asyncio.wait(..., FIRST_COMPLETED)`), again
    for what is still pending after each wake-up. Each round visits every pending output (about 36 per bucket;
    about 10 rounds at 500 and at 1,000 buckets), which cost the program's process 1.4x the CPU of the same
    mocks under `set_mocks`. After this one yield every registration has enlisted, and `wait_for_rpcs` awaits
    the RPCs one by one, as it does under `set_mocks`. What is registered, with which inputs, outputs and
    dependencies, is the same (tests/preview/test_scale.py); only the SDK's wait is cheaper.
    """
    runpy.run_path(str(main), run_name="__main__")
    await asyncio.sleep(0)


def run(spec: dict[str, Any]) -> dict[str, Any]:
    """Run the program the spec names and return its registrations (or its error) as JSON data."""
    import pulumi
    from google.protobuf import empty_pb2
    from pulumi.runtime import mocks, settings
    from pulumi.runtime.stack import run_in_stack

    from offline_preview.cloud_mocks import PlausibleCloudMocks
    from offline_preview.recorder import EngineError, RecordingMonitor

    program_dir = Path(spec["program_dir"]).resolve()
    config: dict[str, str] = spec["config"]
    secret_keys: list[str] = spec["secret_keys"]
    package_config: dict[str, dict[str, str]] = {}
    for key, value in config.items():
        package, _, name = key.partition(":")
        package_config.setdefault(package, {})[name] = value

    pulumi.runtime.set_all_config(config, secret_keys)
    dry_run = bool(spec.get("dry_run", True))
    cloud = PlausibleCloudMocks(preview=dry_run, default_region=config.get("aws:region", "us-east-1"))
    monitor = RecordingMonitor(
        cloud, package_config, set(secret_keys), spec["disabled_default_providers"], spec.get("state") or {}
    )
    diagnostics = _Diagnostics()
    logger = logging.getLogger("offline_preview.program")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    logger.addHandler(diagnostics)
    settings.configure(
        mocks.MockSettings(
            monitor=monitor,
            monitor_features=set(monitor.GetDeploymentInfo(empty_pb2.Empty()).supportedFeatures),
            engine=mocks.MockEngine(logger),
            project=spec["project"],
            stack=spec["stack"],
            dry_run=dry_run,
            organization=spec.get("organization", "organization"),
            root_directory=str(program_dir),
            callbacks=None,
        )
    )

    main = Path(spec["main"]).resolve()
    os.chdir(program_dir)
    sys.path.insert(0, str(main if main.is_dir() else main.parent))
    sys.argv = [str(main)]
    # The language host silences asyncio's complaints about futures a failed program leaves behind.
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    error: str | None = None
    try:
        loop.run_until_complete(run_in_stack(lambda: run_then_let_registrations_start(main)))
    except (pulumi.RunError, EngineError) as run_error:
        error = str(run_error)
    except Exception as exception:
        error = "Program failed with an unhandled exception:\n" + _user_traceback(exception, program_dir)
    finally:
        loop.close()

    registrations = [registration.to_json() for registration in monitor.registrations]
    # Checked here, against the SDK the program runs with (its modules are imported already).
    from offline_preview.input_keys import unknown_keys

    unknown = [dataclasses.asdict(key) for key in unknown_keys(registrations)] if error is None else []
    logged_errors = [d["message"] for d in diagnostics.messages if d["severity"] in ("error", "critical")]
    if error is None and logged_errors:
        # The engine fails an update whose program logged an error, even if the program then returned.
        error = "The program logged errors:\n" + "\n".join(logged_errors)
    return {
        "ok": error is None,
        "error": error,
        "registrations": registrations,
        "unknown_input_keys": unknown,
        "invokes": monitor.invokes,
        "diagnostics": diagnostics.messages
        + [
            {
                "severity": "warning",
                "message": f"no plausible offline answer for invoke {token}: it returned nothing",
            }
            for token in sorted(monitor.unanswered_invokes)
        ],
    }


def main(arguments: list[str]) -> int:
    """Read the spec, run the program, write the result; exit 0 when a result was written."""
    spec_path, result_path = arguments
    spec = json.loads(Path(spec_path).read_text())
    try:
        result = run(spec)
    except Exception as exception:
        result = {
            "ok": False,
            "error": "The offline preview could not start the program:\n" + traceback.format_exc(),
            "registrations": [],
            "invokes": [],
            "diagnostics": [],
        }
        del exception
    Path(result_path).write_text(json.dumps(result))
    sys.stdout.flush()
    # Skip interpreter teardown: gRPC threads and the program's pending futures only slow the exit down.
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
