"""A key path that only one configuration type has is demanded of that type only: a MANAGED Bedrock
knowledge base stores its data under the managed configuration's key; a VECTOR, KENDRA or SQL one keeps it in
the store it names (judged as a holder of what the knowledge base copies there), and has no such key."""

from __future__ import annotations

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import store
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

EMBEDDING_MODEL = "arn:aws:bedrock:eu-west-1::foundation-model/amazon.titan-embed-text-v2:0"


def _about(found: list, resource: Res) -> str:
    return messages([d for d in found if d.urn == resource.urn])


def _knowledge_base(region: Region, storage: dict) -> Res:
    return store(
        region,
        "aws:bedrock/agentKnowledgeBase:AgentKnowledgeBase",
        "customers-kb",
        {
            "name": "customers",
            "roleArn": "arn:aws:iam::123456789012:role/customers-kb",
            "knowledgeBaseConfiguration": {
                "type": "VECTOR",
                "vectorKnowledgeBaseConfiguration": {"embeddingModelArn": EMBEDDING_MODEL},
            },
            "storageConfiguration": storage,
        },
    )


def test_a_vector_knowledge_base_needs_no_key_of_its_own() -> None:
    """A VECTOR knowledge base keeps its chunks in its vector store (judged as a holder of them); only a
    MANAGED one has the managed configuration's key."""
    region = eu_region()
    kb = _knowledge_base(
        region,
        {
            "type": "S3_VECTORS",
            "s3VectorsConfiguration": {
                "indexArn": "arn:aws:s3vectors:eu-west-1:123456789012:bucket/kb/index/chunks"
            },
        },
    )
    assert _about(violations([*region.resources, kb], "pii-encryption"), kb) == ""


@pytest.mark.parametrize("kind", ["MANAGED", UNKNOWN])
def test_a_managed_knowledge_base_or_one_of_unknown_type_needs_a_customer_key(kind: str) -> None:
    region = eu_region()
    kb = _knowledge_base(region, {"type": "S3_VECTORS"})
    kb.props["knowledgeBaseConfiguration"] = {"type": kind}
    found = _about(violations([*region.resources, kb], "pii-encryption"), kb)
    assert "managedKnowledgeBaseConfiguration.serverSideEncryptionConfiguration.kmsKeyArn" in found
