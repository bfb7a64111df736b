"""The Pulumi wire protocol's special values, as plain constants.

The preview's own process reads registrations as JSON and, without a policy pack, needs nothing else from
the Pulumi SDK: importing it only for these four strings costs about 0.3 s of CPU per preview. They are the
SDK's own values (pulumi/runtime/rpc.py); tests/preview/test_wire_constants.py checks them against the
installed SDK, so an SDK that changed one fails the suite instead of the preview.
"""

from __future__ import annotations

import sys
from typing import Any

SIGNATURE_KEY = "4dabf18193072939515e22adb298388d"
"""The key whose value says what a special object is (`rpc._special_sig_key`)."""
SECRET_SIGNATURE = "1b47061264138c4ac30d75fd1eb44270"
"""A secret's wrapper (`rpc._special_secret_sig`)."""
OUTPUT_VALUE_SIGNATURE = "d0e6a833031e9bbcd3f4e8bde6ca49a4"
"""An output value's wrapper (`rpc._special_output_value_sig`)."""
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
"""A value unknown at preview (`rpc.UNKNOWN`)."""


def is_sdk_unknown(value: Any) -> bool:
    """Whether `value` is the SDK's in-process `Unknown` (values recorded in the program's own process).

    A process that never imported the SDK holds no such value, so the SDK is not imported to ask.
    """
    output = sys.modules.get("pulumi.output")
    return output is not None and isinstance(value, output.Unknown)
