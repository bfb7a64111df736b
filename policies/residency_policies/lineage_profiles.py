"""The regions a literal Bedrock cross-region profile id or ARN sends its requests to.

A model id, an inference profile, a guardrail profile or a Data Automation profile whose id starts with a
geography (`eu.`, `us.`, `apac.`, `global.`: `residency_facts/inference_profiles.py`) is served in any
destination region of that geography, whatever region its ARN names (only the source region). An application
inference profile the stack does not declare routes as whatever it was copied from, which cannot be read.
"""

from __future__ import annotations

import re

from residency_facts.inference_profiles import (
    APPLICATION_PROFILE_ARN_TYPE,
    FOUNDATION_MODEL_ARN_TYPE,
    GEOGRAPHY_REGIONS,
    GLOBAL_GEOGRAPHY,
    MODEL_PROVIDERS,
    PROFILE_ARN_TYPES,
)

from .locations import Location

_BARE_PROFILE = re.compile(r"^([a-z]{2,6}(?:-gov)?)\.([a-z0-9]+)\.([a-z0-9][a-z0-9.-]*(?::[0-9]+)?)$")
"""`<geography>.<provider>.<model>`: a system-defined profile's id (`eu.anthropic.claude-...-v1:0`)."""

_VERSIONED_MODEL = re.compile(r"-v[0-9]+(?::[0-9]+)?$")
_PROFILE_ARN = re.compile(r"^arn:aws[a-z-]*:bedrock:([a-z0-9-]*):([0-9]*):([a-z-]+)/([^/\s]+)$")


def profile_locations(value: str, account: str | None) -> list[Location] | None:
    """Where a Bedrock profile named by a literal sends the requests made through it, or None when the value
    names no Bedrock model or profile; a foundation model is served in its ARN's region, in the caller's
    account (its ARN names none: the model is AWS's)."""
    arn = _PROFILE_ARN.match(value)
    if arn is not None:
        arn_account = arn.group(2) or account
        kind, identifier = arn.group(3), arn.group(4)
        if kind == FOUNDATION_MODEL_ARN_TYPE:
            # AWS's own model, named with no account: Bedrock serves it in the ARN's region for the caller.
            return [Location(value, arn.group(1) or None, account)]
        if kind == APPLICATION_PROFILE_ARN_TYPE:
            return [
                Location(
                    f"{value} (an application inference profile this stack does not declare: it routes "
                    "requests as the profile or model it was copied from, possibly to other regions; declare "
                    "it, or name the in-region foundation model)",
                    None,
                    arn_account,
                    host=True,
                )
            ]
        if kind not in PROFILE_ARN_TYPES:
            return None
        geography = identifier.split(".", 1)[0] if "." in identifier else ""
        return _geography_locations(value, geography, arn_account)
    bare = _BARE_PROFILE.match(value)
    if bare is None:
        return None
    geography, provider, model = bare.groups()
    known = geography in GEOGRAPHY_REGIONS or geography == GLOBAL_GEOGRAPHY
    if provider not in MODEL_PROVIDERS and not (known and _VERSIONED_MODEL.search(model)):
        return None
    return _geography_locations(value, geography, account)


def _geography_locations(value: str, geography: str, account: str | None) -> list[Location]:
    if geography == GLOBAL_GEOGRAPHY:
        why = "a global cross-region profile: Bedrock serves its requests in any commercial region"
        return [Location(f"{value} ({why})", None, account, host=True)]
    regions = GEOGRAPHY_REGIONS.get(geography)
    if regions is None:
        why = (
            f"a cross-region profile of the geography {geography!r}, which the pack has not reviewed: its "
            "destination regions cannot be traced"
        )
        return [Location(f"{value} ({why})", None, account, host=True)]
    why = (
        f"a cross-region profile: Bedrock may serve its requests in any region of its {geography} geography, "
        f"{', '.join(regions)}"
    )
    return [Location(f"{value} ({why})", region, account, host=True) for region in regions]
