"""An OpenSearch Serverless security policy of type `encryption` grants nothing: it chooses the key of the
collections its rules name (exactly or by a prefix pattern), which pii-encryption judges.

AWS refuses to create a collection no encryption policy matches, so a collection that sets no
`encryptionConfigs` has the key of the stack's encryption policies that cover it; with none in the stack a
policy outside it chooses (possibly an AWS-owned key), which fails closed. Network and data access policies
stay grants, judged as before (`test_data_holders`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import store
from tests.policies.policy_harness import MODE, PREVIEW, UNKNOWN, Res, computed_outputs, messages, violations

ANONYMISED_ONLY = "anonymised-only-replication"
NOT_PUBLIC = "pii-not-public"
ENCRYPTION = "pii-encryption"


def _on(found: list[Any], resource: Res) -> list[Any]:
    return [d for d in found if d.urn == resource.urn]


def _computed(render: Callable[[str], str], source: Res) -> str:
    if MODE.get() == PREVIEW:
        return UNKNOWN
    return render(computed_outputs(source)["arn"])


# OpenSearch Serverless encryption policies -------------------------------------------------------------


def _collection(region: Region) -> Res:
    return store(
        region,
        "aws:opensearch/serverlessCollection:ServerlessCollection",
        "customers-search",
        {"name": "customers", "type": "SEARCH"},
    )


def _encryption_policy(region: Region, pattern: str, owned: bool = False) -> Res:
    def render(arn: str) -> str:
        document: dict[str, Any] = {
            "Rules": [{"ResourceType": "collection", "Resource": [pattern]}],
            "AWSOwnedKey": owned,
        }
        if not owned:
            document["KmsARN"] = arn
        return json.dumps(document)

    return Res(
        "aws:opensearch/serverlessSecurityPolicy:ServerlessSecurityPolicy",
        "customers-encryption",
        {
            "name": "customers-encryption",
            "type": "encryption",
            "policy": _computed(render, region.key) if not owned else render(""),
        },
        region.provider,
        deps={"policy": [region.key]} if not owned else {},
    )


@pytest.mark.parametrize("pattern", ["collection/customers", "collection/cust*"])
def test_an_encryption_policy_with_the_stacks_key_encrypts_the_collection_and_grants_nothing(
    pattern: str,
) -> None:
    region = eu_region()
    collection = _collection(region)
    policy = _encryption_policy(region, pattern)
    stack = [*region.resources, collection, policy]
    for rule in (ENCRYPTION, NOT_PUBLIC, ANONYMISED_ONLY):
        assert violations(stack, rule) == [], (rule, messages(violations(stack, rule)))


def test_an_encryption_policy_with_an_aws_owned_key_leaves_the_collection_without_a_customer_key() -> None:
    region = eu_region()
    collection = _collection(region)
    policy = _encryption_policy(region, "collection/customers", owned=True)
    found = violations([*region.resources, collection, policy], ENCRYPTION)
    ours = _on(found, collection)
    assert ours and "AWS-owned key" in ours[0].message, messages(found)


def test_a_collection_no_encryption_policy_of_the_stack_covers_fails_closed() -> None:
    region = eu_region()
    collection = _collection(region)
    found = violations([*region.resources, collection], ENCRYPTION)
    ours = _on(found, collection)
    assert ours and "no encryption security policy" in ours[0].message, messages(found)
