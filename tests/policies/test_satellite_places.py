"""A place nested in a data holder's configuration, or in a resource that configures a holder by its id, is
where the holder's data goes: a user pool client's Pinpoint analytics, a risk configuration's SES identity, a
Timestream table's rejected-records bucket, a knowledge base's vector store (a SaaS one outside AWS).

`tests/policies/test_triage.py` enumerates every such field the SDK defines; these tests show that the
fields it names as copy mechanisms are judged, each with a compliant neighbour as the baseline.
"""

from __future__ import annotations

from typing import Any

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import PII, mumbai, store
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

NO_PII = "no-pii-replication"
ANONYMISED_ONLY = "anonymised-only-replication"
ANONYMISED = {"data-classification": "anonymised"}
TELEMETRY = {"data-classification": "telemetry"}
PINPOINT_APP = "arn:aws:mobiletargeting:{region}:123456789012:apps/0123456789abcdef0123456789abcdef"
SES_IDENTITY = "arn:aws:ses:{region}:123456789012:identity/security@example.com"

EMBEDDING_MODEL = "arn:aws:bedrock:eu-west-1::foundation-model/amazon.titan-embed-text-v2:0"


def _about(found: list, resource: Res) -> str:
    return messages([d for d in found if d.urn == resource.urn])


def _user_pool(region: Region) -> Res:
    pool = store(region, "aws:cognito/userPool:UserPool", "customers", {"name": "customers"})
    pool.protect = True
    return pool


def _client(region: Region, pool: Res, app_region: str) -> Res:
    return Res(
        "aws:cognito/userPoolClient:UserPoolClient",
        "customers-web-client",
        {
            "name": "web",
            "userPoolId": UNKNOWN,
            "analyticsConfiguration": {
                "applicationArn": PINPOINT_APP.format(region=app_region),
                "roleArn": "arn:aws:iam::123456789012:role/cognito-analytics",
                "userDataShared": True,
            },
        },
        region.provider,
        deps={"userPoolId": [pool]},
    )


def test_a_user_pool_client_with_analytics_in_region_breaks_no_rule() -> None:
    region = eu_region()
    pool = _user_pool(region)
    client = _client(region, pool, "eu-west-1")
    assert violations([*region.resources, pool, client], NO_PII) == []


def test_a_user_pool_client_whose_analytics_go_to_another_region_is_a_copy() -> None:
    region = eu_region()
    pool = _user_pool(region)
    client = _client(region, pool, "us-east-1")
    found = _about(violations([*region.resources, pool, client], NO_PII), client)
    assert "a user pool client's analytics" in found and "us-east-1" in found
    assert "customers" in found


def _risk(region: Region, pool: Res, ses_region: str) -> Res:
    return Res(
        "aws:cognito/riskConfiguration:RiskConfiguration",
        "customers-risk",
        {
            "userPoolId": UNKNOWN,
            "accountTakeoverRiskConfiguration": {
                "actions": {"highAction": {"eventAction": "BLOCK", "notify": True}},
                "notifyConfiguration": {
                    "sourceArn": SES_IDENTITY.format(region=ses_region),
                    "from": "security@example.com",
                },
            },
        },
        region.provider,
        deps={"userPoolId": [pool]},
    )


def test_a_risk_configuration_that_notifies_through_ses_in_region_breaks_no_rule() -> None:
    region = eu_region()
    pool = _user_pool(region)
    risk = _risk(region, pool, "eu-west-1")
    assert violations([*region.resources, pool, risk], NO_PII) == []


def test_a_risk_configuration_that_notifies_through_ses_elsewhere_is_a_copy() -> None:
    region = eu_region()
    pool = _user_pool(region)
    risk = _risk(region, pool, "us-east-1")
    found = _about(violations([*region.resources, pool, risk], NO_PII), risk)
    assert "risk notifications" in found and "us-east-1" in found


def _timestream(region: Region, replicated_to: Res | None) -> list[Res]:
    rejects = store(
        region, "aws:s3/bucketV2:BucketV2", "telemetry-rejects", {"bucket": "rt-rejects"}, ANONYMISED
    )
    rejects.protect = True
    table = store(
        region,
        "aws:timestreamwrite/table:Table",
        "telemetry-table",
        {
            "databaseName": "telemetry",
            "tableName": "events",
            "magneticStoreWriteProperties": {
                "enableMagneticStoreWrites": True,
                "magneticStoreRejectedDataLocation": {"s3Configuration": {"bucketName": UNKNOWN}},
            },
        },
        TELEMETRY,
    )
    table.protect = True
    table.deps["magneticStoreWriteProperties"] = [rejects]
    found = [rejects, table]
    if replicated_to is not None:
        replica = store(
            region, "aws:s3/bucketV2:BucketV2", "rejects-replica", {"bucket": "rt-replica"}, ANONYMISED
        )
        replica.provider = replicated_to
        replica.protect = True
        replication = Res(
            "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
            "rejects-replication",
            {
                "bucket": UNKNOWN,
                "role": "arn:aws:iam::123456789012:role/replication",
                "rules": [{"status": "Enabled", "destination": {"bucket": UNKNOWN}}],
            },
            region.provider,
            deps={"bucket": [rejects], "rules": [replica]},
        )
        found += [replica, replication]
    return found


def test_a_timestream_table_rejecting_into_an_anonymised_bucket_that_stays_breaks_no_rule() -> None:
    region = eu_region()
    assert violations([*region.resources, *_timestream(region, None)], ANONYMISED_ONLY) == []


def test_a_timestream_tables_rejected_records_carry_telemetry_through_the_bucket_replication() -> None:
    region = eu_region()
    extra = _timestream(region, mumbai())
    found = violations([*region.resources, *extra], ANONYMISED_ONLY)
    assert "telemetry-table" in _about(found, extra[-1]) and "ap-south-1" in _about(found, extra[-1])


def _knowledge_base(region: Region, storage: dict[str, Any]) -> Res:
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


_FIELDS = {"metadataField": "metadata", "textField": "text", "vectorField": "vector"}
SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:vector-store-AbCdEf"


def test_a_knowledge_base_on_the_stacks_own_collection_breaks_no_replication_rule() -> None:
    region = eu_region()
    collection = store(
        region,
        "aws:opensearch/serverlessCollection:ServerlessCollection",
        "kb-vectors",
        {"type": "VECTORSEARCH"},
    )
    kb = _knowledge_base(
        region,
        {
            "type": "OPENSEARCH_SERVERLESS",
            "opensearchServerlessConfiguration": {
                "collectionArn": UNKNOWN,
                "vectorIndexName": "customers",
                "fieldMapping": _FIELDS,
            },
        },
    )
    kb.deps["storageConfiguration"] = [collection]
    stack = [*region.resources, collection, kb]
    assert violations(stack, NO_PII) == [] and violations(stack, ANONYMISED_ONLY) == []


def test_a_knowledge_base_whose_vectors_are_in_pinecone_is_a_copy_outside_aws() -> None:
    region = eu_region()
    kb = _knowledge_base(
        region,
        {
            "type": "PINECONE",
            "pineconeConfiguration": {
                "connectionString": "https://customers-abc1234.svc.aped-4627-b74a.pinecone.io",
                "credentialsSecretArn": SECRET,
                "fieldMapping": {"metadataField": "metadata", "textField": "text"},
            },
        },
    )
    found = _about(violations([*region.resources, kb], NO_PII), kb)
    assert "vector store" in found and "outside AWS" in found


def test_a_knowledge_base_on_mongodb_atlas_is_a_copy_outside_aws() -> None:
    region = eu_region()
    kb = _knowledge_base(
        region,
        {
            "type": "MONGO_DB_ATLAS",
            "mongoDbAtlasConfiguration": {
                "endpoint": "customers.abcde.mongodb.net",
                "databaseName": "kb",
                "collectionName": "chunks",
                "vectorIndexName": "vectors",
                "credentialsSecretArn": SECRET,
                "fieldMapping": _FIELDS,
            },
        },
    )
    assert "outside AWS" in _about(violations([*region.resources, kb], NO_PII), kb)


def _client_by_application_id(region: Region, pool: Res, app: Res | None) -> Res:
    """A client whose analytics name the Pinpoint project by its id, with an external id and a role (the
    SDK's other form), computed from a project of the stack or written by hand."""
    return Res(
        "aws:cognito/userPoolClient:UserPoolClient",
        "customers-web-client",
        {
            "name": "web",
            "userPoolId": UNKNOWN,
            "analyticsConfiguration": {
                "applicationId": UNKNOWN if app is not None else "0123456789abcdef0123456789abcdef",
                "externalId": "web-analytics",
                "roleArn": "arn:aws:iam::123456789012:role/cognito-analytics",
                "userDataShared": True,
            },
        },
        region.provider,
        deps={"userPoolId": [pool], **({"analyticsConfiguration": [app]} if app is not None else {})},
    )


def _pinpoint_project(provider: Res) -> Res:
    app = Res("aws:pinpoint/app:App", "analytics", {"name": "analytics", "tags": dict(PII)}, provider)
    app.protect = True
    return app


def test_a_user_pool_client_with_analytics_by_application_id_in_region_breaks_no_rule() -> None:
    region = eu_region()
    pool = _user_pool(region)
    app = _pinpoint_project(region.provider)
    client = _client_by_application_id(region, pool, app)
    assert violations([*region.resources, pool, app, client], NO_PII) == []


def test_a_user_pool_client_whose_analytics_name_a_project_elsewhere_by_its_id_is_a_copy() -> None:
    region = eu_region()
    pool = _user_pool(region)
    app = _pinpoint_project(mumbai())
    client = _client_by_application_id(region, pool, app)
    found = _about(violations([*region.resources, pool, app, client], NO_PII), client)
    assert "a user pool client's analytics" in found and "ap-south-1" in found


def test_a_user_pool_client_whose_analytics_name_a_literal_application_id_fails_closed() -> None:
    region = eu_region()
    pool = _user_pool(region)
    client = _client_by_application_id(region, pool, None)
    found = _about(violations([*region.resources, pool, client], ANONYMISED_ONLY), client)
    assert "0123456789abcdef0123456789abcdef" in found and "cannot be traced" in found
