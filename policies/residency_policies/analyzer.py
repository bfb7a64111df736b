"""The pack's analyzer: pulumi-policy's own, which also refuses, at Configure, a config the rules cannot use.

The Pulumi CLI validates a policy config file against each policy's JSON schema before it configures a pack,
but a schema cannot say everything the rules need (a region inside the stack's jurisdiction, no misspelled
key). Such a config is an error of the pack's configuration, not of any resource: the analyzer refuses it
at Configure with INVALID_ARGUMENT, and the CLI (or the offline preview) fails the preview with that error
before analysing anything, as it does for a schema error. Reporting it as a violation on every stack would
read as a verdict about the stack and would be silenced with the policy's enforcement level.
"""

from __future__ import annotations

from typing import Any

import grpc
import pulumi_policy.policy as sdk
from google.protobuf import json_format

from .registry import config_errors
from .settings import SettingsError


class ResidencyAnalyzer(sdk._PolicyAnalyzerServicer):
    """pulumi-policy's analyzer servicer; its Configure refuses a policy config the rules cannot run with."""

    def Configure(self, request: Any, context: Any) -> Any:
        """Check every policy's config as the rules parse it, then configure as pulumi-policy does."""
        config = {
            name: json_format.MessageToDict(request.policyConfig[name].properties)
            for name in request.policyConfig
        }
        errors = config_errors(config)
        if errors:
            message = "invalid policy config: " + "; ".join(errors)
            if context is None:
                # Called in process (the policy tests' harness), where there is no RPC to abort.
                raise SettingsError(message)
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, message)
        return super().Configure(request, context)


def install() -> None:
    """Make `PolicyPack` serve `ResidencyAnalyzer`: the SDK builds its servicer from this module attribute."""
    sdk._PolicyAnalyzerServicer = ResidencyAnalyzer  # type: ignore[misc]
