"""The wire constants the preview's own process reads without the SDK, and that it does without the SDK.

offline_preview/wire.py copies four of the SDK's special values so that a preview with no policy pack never
imports the Pulumi SDK or gRPC in its own process (the program's process imports them, as it must). If the
SDK changed a value, the copy would misread registrations: the first test fails instead.
"""

from __future__ import annotations

import json
import subprocess
import sys

from pulumi.output import Unknown
from pulumi.runtime import rpc

from offline_preview import wire

from .conftest import FIXTURES, REPOSITORY


def test_the_copied_wire_constants_are_the_installed_sdks() -> None:
    assert rpc._special_sig_key == wire.SIGNATURE_KEY
    assert rpc._special_secret_sig == wire.SECRET_SIGNATURE
    assert rpc._special_output_value_sig == wire.OUTPUT_VALUE_SIGNATURE
    assert wire.UNKNOWN == rpc.UNKNOWN


def test_an_in_process_unknown_is_recognised_once_the_sdk_is_loaded() -> None:
    assert wire.is_sdk_unknown(Unknown())
    assert not wire.is_sdk_unknown(wire.UNKNOWN)
    assert not wire.is_sdk_unknown({"value": 1})


_MODULES_AFTER_PREVIEW = """\
import json, sys
from offline_preview.cli import main
code = main(sys.argv[1:])
loaded = sorted(name for name in sys.modules if name.split(".")[0] in ("pulumi", "grpc", "jsonschema"))
print(json.dumps({"code": code, "loaded": loaded}))
"""


def test_a_preview_without_a_pack_loads_neither_the_sdk_nor_grpc_in_its_own_process() -> None:
    project = FIXTURES / "basic"
    result = subprocess.run(
        [sys.executable, "-c", _MODULES_AFTER_PREVIEW, "preview", "-s", "test", "-C", str(project)],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=300,
    )
    last = result.stdout.strip().splitlines()[-1]
    outcome = json.loads(last)
    assert outcome["code"] == 0, result.stdout + result.stderr
    assert outcome["loaded"] == []
