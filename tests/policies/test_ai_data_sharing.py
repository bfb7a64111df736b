"""Opting into AWS's use of the content its AI services process: AWS stores it and uses it to improve its
services, outside the deployment's accounts and, as its service terms allow, outside the region of use.

Reviewer blind-aws13 (a31): a face-search stream processor over a PII video stream with
`dataSharingPreference.optIn` passed. Decision: the opt-in hands personal data to AWS for its own purposes, a
copy to a place that cannot be traced; so does an organisation's AI services opt-out policy that opts a
service in (or whose choice is unknown at preview) for the content of the stack's resources of that service.
Each test changes one thing of a PII stream processor that does not share, or of a policy that opts out.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import PII, store
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

NO_PII = "no-pii-replication"
ANONYMISED_ONLY = "anonymised-only-replication"
RULES = (NO_PII, ANONYMISED_ONLY)


def _video(region: Region) -> Res:
    return store(region, "aws:kinesis/videoStream:VideoStream", "shop-floor", {"name": "shop-floor"})


def _processor(region: Region, video: Res, opt_in: Any, tags: dict[str, str] | None = PII) -> Res:
    props: dict[str, Any] = {
        "name": "face-search",
        "roleArn": "arn:aws:iam::123456789012:role/rekognition",
        "kmsKeyId": UNKNOWN,
        "input": {"kinesisVideoStream": {"arn": UNKNOWN}},
        "settings": {"faceSearch": {"collectionId": "known-customers", "faceMatchThreshold": 90}},
        "dataSharingPreference": {"optIn": opt_in},
    }
    if tags is not None:
        props["tags"] = dict(tags)
    return Res(
        "aws:rekognition/streamProcessor:StreamProcessor",
        "face-search",
        props,
        region.provider,
        deps={"input": [video], "kmsKeyId": [region.key]},
    )


def _on(resources: list[Res], policy: str, resource: Res) -> str:
    return messages([d for d in violations(resources, policy) if d.urn == resource.urn])


@pytest.mark.parametrize("policy", RULES)
def test_a_stream_processor_that_shares_no_data_with_aws_stays(policy: str) -> None:
    region = eu_region()
    video = _video(region)
    processor = _processor(region, video, False)
    assert _on([*region.resources, video, processor], policy, processor) == ""


@pytest.mark.parametrize("opt_in", [True, UNKNOWN], ids=["opted-in", "unknown"])
@pytest.mark.parametrize("policy", RULES)
def test_a_pii_stream_processor_opted_into_data_sharing_hands_the_video_to_aws(
    policy: str, opt_in: Any
) -> None:
    region = eu_region()
    video = _video(region)
    processor = _processor(region, video, opt_in)
    found = _on([*region.resources, video, processor], policy, processor)
    assert "data sharing with AWS" in found and "cannot be traced" in found, found


def test_an_unlabelled_stream_processor_opted_in_hands_its_pii_streams_video_to_aws() -> None:
    region = eu_region()
    video = _video(region)
    processor = _processor(region, video, True, tags=None)
    found = _on([*region.resources, video, processor], NO_PII, processor)
    assert "shop-floor" in found, found


def _collection(region: Region) -> Res:
    return store(region, "aws:rekognition/collection:Collection", "faces", {"collectionId": "faces"})


def _ai_policy(region: Region, content: Any) -> Res:
    return Res(
        "aws:organizations/policy:Policy",
        "ai-services",
        {
            "name": "ai-services",
            "type": "AISERVICES_OPT_OUT_POLICY",
            "content": content if content == UNKNOWN else json.dumps({"services": content}),
        },
        region.provider,
    )


def _choice(value: str) -> dict[str, Any]:
    return {"opt_out_policy": {"@@assign": value}}


@pytest.mark.parametrize("policy", RULES)
def test_an_ai_services_policy_that_opts_out_shares_nothing(policy: str) -> None:
    region = eu_region()
    collection = _collection(region)
    ai = _ai_policy(region, {"default": _choice("optOut")})
    assert _on([*region.resources, collection, ai], policy, ai) == ""


@pytest.mark.parametrize(
    "content",
    [{"default": _choice("optOut"), "rekognition": _choice("optIn")}, {"default": _choice("optIn")}, UNKNOWN],
    ids=["rekognition", "default", "unknown"],
)
def test_an_ai_services_policy_that_opts_rekognition_in_hands_aws_the_pii_collection(content: Any) -> None:
    region = eu_region()
    collection = _collection(region)
    ai = _ai_policy(region, content)
    found = _on([*region.resources, collection, ai], NO_PII, ai)
    assert "faces" in found and "AI services opt-out policy" in found, found


@pytest.mark.parametrize("policy", RULES)
def test_an_ai_services_policy_opting_in_a_service_the_stack_does_not_use_shares_nothing(policy: str) -> None:
    region = eu_region()
    collection = _collection(region)
    ai = _ai_policy(region, {"default": _choice("optOut"), "transcribe": _choice("optIn")})
    assert _on([*region.resources, collection, ai], policy, ai) == ""
