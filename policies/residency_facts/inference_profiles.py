"""Where Amazon Bedrock's cross-region profiles send the requests they serve, by the geography in their ids.

A system-defined cross-region inference profile (`eu.anthropic.claude-3-7-sonnet-20250219-v1:0`, or its ARN
`arn:aws:bedrock:<region>:<account>:inference-profile/eu.anthropic...`), a guardrail profile
(`guardrail-profile/eu.guardrail.v1:0`) and a Data Automation profile (`data-automation-profile/us.data-
automation-v1`) are named by a geography prefix: Bedrock routes each request (the prompt, with whatever a
knowledge base retrieved into it, and the answer) from the region it is made in to any destination region
of that geography. The region an ARN names is only the source region.

Decision (round 10, reviewer blind-aws12 c03, c05, c20): AWS documents the destination regions per model and
source region and changes them as it adds capacity ("the destination Regions in a cross-Region inference
profile can change"), so a geography stands for every region AWS has listed as a destination of that
geography for any model (Bedrock user guide, "Supported Regions and models for inference profiles" and
"Supported Regions for cross-Region guardrail inference"; the CDK's `CrossRegionInferenceProfileRegion`):
`global.` is every commercial region, which no region list can hold. A prefix not reviewed here fails closed
(its regions cannot be traced).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

GLOBAL_GEOGRAPHY = "global"
"""The prefix of profiles whose destinations are every commercial region."""

GEOGRAPHY_REGIONS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "us": ("us-east-1", "us-east-2", "us-west-1", "us-west-2"),
        "us-gov": ("us-gov-east-1", "us-gov-west-1"),
        # Europe, not the EU: some models' EU profiles route to London and Zurich as well.
        "eu": (
            "eu-central-1",
            "eu-central-2",
            "eu-north-1",
            "eu-south-1",
            "eu-south-2",
            "eu-west-1",
            "eu-west-2",
            "eu-west-3",
        ),
        "apac": (
            "ap-east-2",
            "ap-northeast-1",
            "ap-northeast-2",
            "ap-northeast-3",
            "ap-south-1",
            "ap-south-2",
            "ap-southeast-1",
            "ap-southeast-2",
            "ap-southeast-3",
            "ap-southeast-4",
            "ap-southeast-5",
            "ap-southeast-7",
            "me-central-1",
        ),
        "jp": ("ap-northeast-1", "ap-northeast-3"),
        "au": ("ap-southeast-2", "ap-southeast-4"),
    }
)
"""The destination regions of each reviewed geography prefix (besides `global`)."""

PROFILE_ARN_TYPES = frozenset({"inference-profile", "guardrail-profile", "data-automation-profile"})
"""Bedrock ARN resource types of system-defined cross-region profiles, whose ids start with a geography."""

FOUNDATION_MODEL_ARN_TYPE = "foundation-model"
"""A foundation model (`arn:aws:bedrock:<region>::foundation-model/<id>`), served in its ARN's region."""

APPLICATION_PROFILE_ARN_TYPE = "application-inference-profile"
"""An application inference profile: it routes as the profile or model it was copied from (`modelSource`)."""

MODEL_PROVIDERS = frozenset(
    {
        "ai21",
        "amazon",
        "anthropic",
        "cohere",
        "deepseek",
        "google",
        "guardrail",
        "luma",
        "meta",
        "minimax",
        "mistral",
        "moonshot",
        "moonshotai",
        "nvidia",
        "openai",
        "qwen",
        "stability",
        "twelvelabs",
        "writer",
    }
)
"""The providers (and `guardrail`) whose model ids follow a geography in a bare profile id: a bare value
`<prefix>.<provider>.<model>` is read as a profile only with one of these, or a versioned model
(`...-v1:0`), so that a host name such as `eu.example.com` is not taken for one."""
