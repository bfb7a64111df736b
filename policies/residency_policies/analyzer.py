"""The pack's analyzer: pulumi-policy's own, which refuses, at Configure, a config the rules cannot use, and
converts each AnalyzeStack request once for all of the pack's stack policies.

The Pulumi CLI validates a policy config file against each policy's JSON schema before it configures a pack,
but a schema cannot say everything the rules need (a region inside the stack's jurisdiction, no misspelled
key). Such a config is an error of the pack's configuration, not of any resource: the analyzer refuses it
at Configure with INVALID_ARGUMENT, and the CLI (or the offline preview) fails the preview with that error
before analysing anything, as it does for a schema error. Reporting it as a violation on every stack would
read as a verdict about the stack and would be silenced with the policy's enforcement level.

pulumi-policy's AnalyzeStack converts the whole stack from protobuf again for every stack policy; the pack
has eight, so most of an analysis went into converting. This analyzer builds the rules' model of the
request once (`wire`), and lets pulumi-policy run every policy on it (enforcement levels, diagnostics and
errors stay the SDK's).

The pack's rules are all stack policies, so pulumi-policy's Analyze, which the engine calls for every
resource, finds nothing to run; it configured the Pulumi runtime from the environment first (the stack's
config parsed from JSON, settings built) on each call. The analyzer answers it with no diagnostics at once
while the pack has no resource policy, as the SDK's would, and hands it to the SDK otherwise.

pulumi-policy has no public way to do any of this: `PolicyPack` builds the servicer from the private class
`_PolicyAnalyzerServicer`, which `install` replaces. `tests/policies/test_sdk_private.py` fails, naming it,
when an upgrade of pulumi-policy changes what this relies on.
"""

from __future__ import annotations

import gc
from typing import Any

import grpc
import pulumi_policy.policy as sdk
from google.protobuf import json_format
from pulumi.runtime import proto

from . import wire
from .model import Stack
from .registry import analysing, config_errors
from .settings import SettingsError

POLICIES_ATTRIBUTE = "_PolicyAnalyzerServicer__policies"
"""Where pulumi-policy's servicer keeps the pack's policies (its private `__policies`)."""


class ResidencyAnalyzer(sdk._PolicyAnalyzerServicer):
    """pulumi-policy's analyzer servicer; its Configure refuses a policy config the rules cannot run with, and
    its AnalyzeStack converts the stack once for every policy."""

    _validates_resources: bool | None = None
    """Whether any of the pack's policies validates resources one at a time (found on the first Analyze)."""

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

    def Analyze(self, request: Any, context: Any) -> Any:
        """The SDK's answer for one resource: no diagnostics when no policy of the pack validates resources
        (the SDK's loop would skip every policy, after configuring the runtime for nothing)."""
        if self._validates_resources is None:
            # The SDK keeps the pack's policies in a private attribute, set once by its constructor.
            policies = vars(self)[POLICIES_ATTRIBUTE]
            self._validates_resources = any(isinstance(p, sdk.ResourceValidationPolicy) for p in policies)
        if not self._validates_resources:
            return proto.AnalyzeResponse()
        return super().Analyze(request, context)

    def AnalyzeStack(self, request: Any, context: Any) -> Any:
        """Build the stack's model from the request once, then let the SDK run every stack policy on it."""
        stack = Stack(wire.resources(request.resources))
        # The SDK converts each resource of the request for each policy; the policies read `stack` instead
        # (registry._stack), so it gets the request without them, and everything else of it.
        rest = type(request)()
        if any(field.name != "resources" for field, _ in request.ListFields()):
            # Only a field besides the resources (none today) is worth copying the whole request for.
            rest.CopyFrom(request)
            rest.ClearField("resources")
        with analysing(stack):
            return super().AnalyzeStack(rest, context)


def install() -> None:
    """Make `PolicyPack` serve `ResidencyAnalyzer`: the SDK builds its servicer from this module attribute."""
    sdk._PolicyAnalyzerServicer = ResidencyAnalyzer  # type: ignore[misc]


def freeze_loaded() -> None:
    """Leave everything the pack's process has loaded so far out of the cyclic garbage collector's walks.

    The modules, classes and tables imported before the pack serves (the Pulumi SDK, gRPC, protobuf, the
    triage and the facts: about 46,000 tracked objects) live as long as the process, yet every full
    collection walked them all again: the one that fell in the first AnalyzeStack took 25 ms of its 105.
    Frozen (`gc.freeze`), a collection walks only what the analyses allocate; objects are still freed by
    their reference counts as before. Called by the pack's `__main__` once it has imported the rules, not
    by `install`, which tests call in a process that goes on allocating and dropping its fixtures.
    """
    gc.freeze()
