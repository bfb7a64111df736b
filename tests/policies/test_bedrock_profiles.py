"""Bedrock cross-region profiles: a model id, an inference profile ARN, an application inference profile
copied from one, or a guardrail profile whose id starts with a geography (`eu.`, `us.`, `apac.`, `global.`)
sends every request (the prompt, with the personal data a knowledge base retrieved into it, and the answer)
to any region of that geography, whatever region its ARN names.

Reviewer blind-aws12 (c03, c05, c20): a PII agent on `global.anthropic...`, a knowledge base data source
parsing PII documents with an `eu.` profile's ARN in eu-west-1, and an in-region agent whose guardrail uses
`eu.guardrail.v1:0` were all read as staying in eu-west-1. Each test is one such reference on a PII agent or
data source; the compliant baseline names an in-region foundation model.
"""

from __future__ import annotations

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import PII, store
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

NO_PII = "no-pii-replication"
ANONYMISED_ONLY = "anonymised-only-replication"
RULES = (NO_PII, ANONYMISED_ONLY)

IN_REGION_MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
PROFILE_ARN = "arn:aws:bedrock:eu-west-1:123456789012:inference-profile/{id}"


def _agent(region: Region, model: str, **extra: object) -> Res:
    """A support agent labelled pii (it answers with customers' tickets) on the given model."""
    return Res(
        "aws:bedrock/agentAgent:AgentAgent",
        "support-agent",
        {
            "agentName": "support-agent",
            "agentResourceRoleArn": "arn:aws:iam::123456789012:role/support-agent",
            "foundationModel": model,
            "instruction": "Answer customer support questions using the ticket history.",
            "tags": PII,
            **extra,
        },
        region.provider,
    )


def _on(found: list, resource: Res) -> str:
    return messages([d for d in found if d.urn == resource.urn])


@pytest.mark.parametrize("policy", RULES)
def test_a_pii_agent_on_an_in_region_foundation_model_copies_nothing_out(policy: str) -> None:
    region = eu_region()
    agent = _agent(region, IN_REGION_MODEL)
    assert _on(violations([*region.resources, agent], policy), agent) == ""


@pytest.mark.parametrize("policy", RULES)
def test_a_pii_agent_on_a_global_profile_is_served_in_any_region(policy: str) -> None:
    region = eu_region()
    agent = _agent(region, "global.anthropic.claude-sonnet-4-20250514-v1:0")
    found = _on(violations([*region.resources, agent], policy), agent)
    assert "global cross-region profile" in found, found


@pytest.mark.parametrize("policy", RULES)
def test_a_pii_agent_on_an_eu_profile_is_served_in_other_eu_regions(policy: str) -> None:
    region = eu_region()
    agent = _agent(region, PROFILE_ARN.format(id="eu.anthropic.claude-3-7-sonnet-20250219-v1:0"))
    found = _on(violations([*region.resources, agent], policy), agent)
    assert "eu-central-1" in found and "eu geography" in found, found


@pytest.mark.parametrize("policy", RULES)
def test_a_profile_of_a_geography_not_reviewed_fails_closed(policy: str) -> None:
    region = eu_region()
    agent = _agent(region, "xx.anthropic.claude-3-7-sonnet-20250219-v1:0")
    found = _on(violations([*region.resources, agent], policy), agent)
    assert "has not reviewed" in found, found


@pytest.mark.parametrize("policy", RULES)
def test_a_host_name_with_a_geography_prefix_is_no_profile(policy: str) -> None:
    region = eu_region()
    agent = _agent(region, IN_REGION_MODEL, description="eu.example.com")
    # The host is a place outside AWS for its own reasons; it is not read as a Bedrock profile.
    assert "cross-region profile" not in _on(violations([*region.resources, agent], policy), agent)


def _data_source(region: Region, parsing_model: str) -> tuple[Res, list[Res]]:
    bucket = store(region, "aws:s3/bucket:Bucket", "tickets", {"bucket": "acme-eu-support-tickets"})
    source = Res(
        "aws:bedrock/agentDataSource:AgentDataSource",
        "tickets-source",
        {
            "name": "tickets",
            "knowledgeBaseId": "KB12345678",
            "dataSourceConfiguration": {"type": "S3", "s3Configuration": {"bucketArn": UNKNOWN}},
            "vectorIngestionConfiguration": {
                "parsingConfiguration": {
                    "parsingStrategy": "BEDROCK_FOUNDATION_MODEL",
                    "bedrockFoundationModelConfiguration": {"modelArn": parsing_model},
                }
            },
        },
        region.provider,
        deps={"dataSourceConfiguration": [bucket]},
    )
    return source, [bucket, source]


@pytest.mark.parametrize("policy", RULES)
def test_a_data_source_parsing_pii_with_an_in_region_model_copies_nothing_out(policy: str) -> None:
    region = eu_region()
    source, added = _data_source(region, f"arn:aws:bedrock:eu-west-1::foundation-model/{IN_REGION_MODEL}")
    assert _on(violations([*region.resources, *added], policy), source) == ""


@pytest.mark.parametrize("policy", RULES)
def test_a_data_source_parsing_pii_with_an_eu_profile_sends_it_to_other_regions(policy: str) -> None:
    region = eu_region()
    source, added = _data_source(
        region, PROFILE_ARN.format(id="eu.anthropic.claude-3-7-sonnet-20250219-v1:0")
    )
    found = _on(violations([*region.resources, *added], policy), source)
    assert "eu-north-1" in found, found


def _guardrail(region: Region, profile: str | None) -> Res:
    props: dict[str, object] = {"name": "support-guardrail", "blockedInputMessaging": "no"}
    if profile is not None:
        props["crossRegionConfig"] = {"guardrailProfileIdentifier": profile}
    return Res("aws:bedrock/guardrail:Guardrail", "support-guardrail", props, region.provider)


def _guarded_agent(region: Region, guardrail: Res) -> tuple[Res, list[Res]]:
    version = Res(
        "aws:bedrock/guardrailVersion:GuardrailVersion",
        "support-guardrail-v1",
        {"guardrailArn": UNKNOWN},
        region.provider,
        deps={"guardrailArn": [guardrail]},
    )
    agent = _agent(
        region,
        IN_REGION_MODEL,
        guardrailConfigurations=[{"guardrailIdentifier": UNKNOWN, "guardrailVersion": UNKNOWN}],
    )
    agent.deps["guardrailConfigurations"] = [guardrail, version]
    return agent, [guardrail, version, agent]


@pytest.mark.parametrize("policy", RULES)
def test_a_pii_agent_with_an_in_region_guardrail_copies_nothing_out(policy: str) -> None:
    region = eu_region()
    agent, added = _guarded_agent(region, _guardrail(region, None))
    assert _on(violations([*region.resources, *added], policy), agent) == ""


@pytest.mark.parametrize("policy", RULES)
def test_a_pii_agent_whose_guardrail_uses_an_eu_profile_is_evaluated_in_other_regions(policy: str) -> None:
    region = eu_region()
    guardrail = _guardrail(
        region, "arn:aws:bedrock:eu-west-1:123456789012:guardrail-profile/eu.guardrail.v1:0"
    )
    agent, added = _guarded_agent(region, guardrail)
    found = _on(violations([*region.resources, *added], policy), agent)
    assert "eu.guardrail.v1:0" in found and "eu-west-3" in found, found


def _application_profile(region: Region, copied_from: str) -> Res:
    return Res(
        "aws:bedrock/inferenceProfile:InferenceProfile",
        "support-profile",
        {"name": "support", "modelSource": {"copyFrom": copied_from}},
        region.provider,
    )


@pytest.mark.parametrize("policy", RULES)
def test_a_pii_agent_on_an_application_profile_of_an_in_region_model_copies_nothing_out(
    policy: str,
) -> None:
    region = eu_region()
    profile = _application_profile(region, f"arn:aws:bedrock:eu-west-1::foundation-model/{IN_REGION_MODEL}")
    agent = _agent(region, UNKNOWN)
    agent.deps["foundationModel"] = [profile]
    assert _on(violations([*region.resources, profile, agent], policy), agent) == ""


@pytest.mark.parametrize("policy", RULES)
def test_a_pii_agent_on_an_application_profile_copied_from_a_us_profile_is_served_in_the_us(
    policy: str,
) -> None:
    region = eu_region()
    profile = _application_profile(
        region, PROFILE_ARN.format(id="us.anthropic.claude-3-7-sonnet-20250219-v1:0")
    )
    agent = _agent(region, UNKNOWN)
    agent.deps["foundationModel"] = [profile]
    found = _on(violations([*region.resources, profile, agent], policy), agent)
    assert "us-east-1" in found, found


@pytest.mark.parametrize("policy", RULES)
def test_a_pii_agent_on_an_application_profile_the_stack_does_not_declare_fails_closed(policy: str) -> None:
    region = eu_region()
    agent = _agent(
        region, "arn:aws:bedrock:eu-west-1:123456789012:application-inference-profile/a1b2c3d4e5f6"
    )
    found = _on(violations([*region.resources, agent], policy), agent)
    assert "application inference profile this stack does not declare" in found, found


def _knowledge_base(region: Region) -> Res:
    return store(
        region, "aws:bedrock/agentKnowledgeBase:AgentKnowledgeBase", "tickets-kb", {"name": "tickets"}
    )


def _association(region: Region, agent: Res, knowledge_base: Res) -> Res:
    return Res(
        "aws:bedrock/agentAgentKnowledgeBaseAssociation:AgentAgentKnowledgeBaseAssociation",
        "agent-kb",
        {"agentId": UNKNOWN, "knowledgeBaseId": UNKNOWN, "knowledgeBaseState": "ENABLED"},
        region.provider,
        deps={"agentId": [agent], "knowledgeBaseId": [knowledge_base]},
    )


@pytest.mark.parametrize("policy", RULES)
def test_an_unlabelled_agent_over_a_pii_knowledge_base_on_an_in_region_model_copies_nothing_out(
    policy: str,
) -> None:
    region = eu_region()
    agent = _agent(region, IN_REGION_MODEL)
    del agent.props["tags"]
    knowledge_base = _knowledge_base(region)
    stack = [*region.resources, agent, knowledge_base, _association(region, agent, knowledge_base)]
    assert _on(violations(stack, policy), agent) == ""


@pytest.mark.parametrize("policy", RULES)
def test_an_unlabelled_agent_over_a_pii_knowledge_base_on_a_global_profile_sends_its_pii_anywhere(
    policy: str,
) -> None:
    # The agent reads what its associated knowledge bases retrieve into its prompts, whatever its own tags.
    region = eu_region()
    agent = _agent(region, "global.anthropic.claude-sonnet-4-20250514-v1:0")
    del agent.props["tags"]
    knowledge_base = _knowledge_base(region)
    stack = [*region.resources, agent, knowledge_base, _association(region, agent, knowledge_base)]
    found = _on(violations(stack, policy), agent)
    assert "tickets-kb" in found and "global cross-region profile" in found, found


def _vector_knowledge_base(region: Region, embedding_model: str) -> tuple[Res, list[Res]]:
    """A PII knowledge base whose vectors are in the stack's in-region index."""
    index = store(region, "aws:s3/vectorsIndex:VectorsIndex", "tickets-index", {"indexName": "tickets"})
    knowledge_base = store(
        region,
        "aws:bedrock/agentKnowledgeBase:AgentKnowledgeBase",
        "tickets-kb",
        {
            "name": "tickets",
            "knowledgeBaseConfiguration": {
                "type": "VECTOR",
                "vectorKnowledgeBaseConfiguration": {"embeddingModelArn": embedding_model},
            },
            "storageConfiguration": {"type": "S3_VECTORS", "s3VectorsConfiguration": {"indexArn": UNKNOWN}},
        },
    )
    knowledge_base.deps["storageConfiguration"] = [index]
    return knowledge_base, [index, knowledge_base]


@pytest.mark.parametrize("policy", RULES)
def test_a_pii_knowledge_base_embedding_with_an_in_region_model_copies_nothing_out(policy: str) -> None:
    region = eu_region()
    knowledge_base, added = _vector_knowledge_base(
        region, "arn:aws:bedrock:eu-west-1::foundation-model/amazon.titan-embed-text-v2:0"
    )
    assert _on(violations([*region.resources, *added], policy), knowledge_base) == ""


@pytest.mark.parametrize("policy", RULES)
def test_a_pii_knowledge_base_embedding_with_an_eu_profile_sends_its_chunks_to_other_regions(
    policy: str,
) -> None:
    region = eu_region()
    knowledge_base, added = _vector_knowledge_base(region, PROFILE_ARN.format(id="eu.cohere.embed-v4:0"))
    found = _on(violations([*region.resources, *added], policy), knowledge_base)
    assert "eu-central-1" in found, found


def _memory_strategy(region: Region, model: str) -> tuple[Res, list[Res]]:
    memory = store(
        region, "aws:bedrock/agentcoreMemory:AgentcoreMemory", "support-memory", {"name": "support"}
    )
    strategy = Res(
        "aws:bedrock/agentcoreMemoryStrategy:AgentcoreMemoryStrategy",
        "support-semantic",
        {
            "name": "support-semantic",
            "memoryId": UNKNOWN,
            "type": "CUSTOM",
            "configuration": {
                "type": "SEMANTIC_OVERRIDE",
                "extraction": {"appendToPrompt": "Extract the customer's facts", "modelId": model},
            },
        },
        region.provider,
        deps={"memoryId": [memory]},
    )
    return strategy, [memory, strategy]


@pytest.mark.parametrize("policy", RULES)
def test_a_memory_strategy_extracting_with_an_in_region_model_copies_nothing_out(policy: str) -> None:
    region = eu_region()
    strategy, added = _memory_strategy(region, IN_REGION_MODEL)
    assert _on(violations([*region.resources, *added], policy), strategy) == ""


@pytest.mark.parametrize("policy", RULES)
def test_a_memory_strategy_extracting_with_a_global_profile_sends_the_conversations_anywhere(
    policy: str,
) -> None:
    region = eu_region()
    strategy, added = _memory_strategy(region, "global.anthropic.claude-sonnet-4-20250514-v1:0")
    found = _on(violations([*region.resources, *added], policy), strategy)
    assert "support-memory" in found and "global cross-region profile" in found, found
