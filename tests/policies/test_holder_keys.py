"""pii-encryption follows every key a PII holder's data is under: an alias named by its ARN is the stack's
alias only in that ARN's region and account; a cluster's instances keep their Performance Insights under a
key of their own; a Redis cluster outside a replication group is not encrypted at rest at all."""

from __future__ import annotations

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import PII, store
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

POLICY = "pii-encryption"


def _alias(region: Region) -> Res:
    return Res(
        "aws:kms/alias:Alias",
        "pii-db-alias",
        {"name": "alias/pii-db", "targetKeyId": UNKNOWN},
        region.provider,
        deps={"targetKeyId": [region.key]},
    )


def _named_by(region: Region, text: str) -> list[Res]:
    region.database.props["kmsKeyId"] = text
    region.database.deps.pop("kmsKeyId")
    return [*region.resources, _alias(region)]


@pytest.mark.parametrize(
    "text",
    ["arn:aws:kms:us-east-1:123456789012:alias/pii-db", "arn:aws:kms:eu-west-1:999988887777:alias/pii-db"],
    ids=["another-region", "another-account"],
)
def test_an_alias_arn_elsewhere_is_not_the_stacks_alias_of_the_same_name(text: str) -> None:
    region = eu_region()
    found = violations(_named_by(region, text), POLICY)
    assert [d.urn for d in found] == [region.database.urn]
    assert "cannot be traced to a key" in found[0].message


@pytest.mark.parametrize("text", ["arn:aws:kms:eu-west-1:123456789012:alias/pii-db", "alias/pii-db"])
def test_the_stacks_alias_by_its_arn_or_name_is_its_key(text: str) -> None:
    region = eu_region()
    assert violations(_named_by(region, text), POLICY) == []


CLUSTERS = {
    "aws:rds/clusterInstance:ClusterInstance": ("aws:rds/cluster:Cluster", "performanceInsightsEnabled"),
    "aws:docdb/clusterInstance:ClusterInstance": ("aws:docdb/cluster:Cluster", "enablePerformanceInsights"),
}


def _cluster_with_instance(region: Region, instance_type: str, keyed: bool) -> tuple[Res, Res]:
    cluster_type, switch = CLUSTERS[instance_type]
    cluster = store(
        region,
        cluster_type,
        "customers",
        {"clusterIdentifier": "customers", "storageEncrypted": True, "kmsKeyId": UNKNOWN},
    )
    cluster.deps["kmsKeyId"] = [region.key]
    instance = Res(
        instance_type,
        "customers-1",
        {"clusterIdentifier": UNKNOWN, switch: True, "tags": PII},
        region.provider,
        deps={"clusterIdentifier": [cluster]},
    )
    if keyed:
        instance.props["performanceInsightsKmsKeyId"] = UNKNOWN
        instance.deps["performanceInsightsKmsKeyId"] = [region.key]
    return cluster, instance


@pytest.mark.parametrize("instance_type", sorted(CLUSTERS))
def test_a_cluster_instances_performance_insights_under_the_aws_managed_key_is_blocked(
    instance_type: str,
) -> None:
    region = eu_region()
    cluster, instance = _cluster_with_instance(region, instance_type, keyed=False)
    found = violations([*region.resources, cluster, instance], POLICY)
    assert [d.urn for d in found] == [cluster.urn], messages(found)
    assert "performanceInsightsKmsKeyId" in found[0].message and "customers-1" in found[0].message


@pytest.mark.parametrize("instance_type", sorted(CLUSTERS))
def test_a_cluster_instances_performance_insights_under_the_stacks_key_is_allowed(instance_type: str) -> None:
    region = eu_region()
    cluster, instance = _cluster_with_instance(region, instance_type, keyed=True)
    assert violations([*region.resources, cluster, instance], POLICY) == []


def test_a_redshift_serverless_namespaces_managed_admin_secret_needs_the_stacks_key() -> None:
    region = eu_region()
    namespace = store(
        region,
        "aws:redshiftserverless/namespace:Namespace",
        "warehouse",
        {"namespaceName": "warehouse", "kmsKeyId": UNKNOWN, "manageAdminPassword": True},
    )
    namespace.deps["kmsKeyId"] = [region.key]
    found = violations([*region.resources, namespace], POLICY)
    assert "adminPasswordSecretKmsKeyId: no customer-managed key" in messages(found)


def _cache(region: Region, props: dict) -> Res:
    return store(region, "aws:elasticache/cluster:Cluster", "sessions", {"clusterId": "sessions", **props})


@pytest.mark.parametrize("engine", ["redis", "valkey"])
def test_a_redis_cluster_outside_a_replication_group_is_not_encrypted_at_rest(engine: str) -> None:
    region = eu_region()
    cache = _cache(region, {"engine": engine})
    found = violations([*region.resources, cache], POLICY)
    assert [d.urn for d in found] == [cache.urn]
    assert "replication group" in found[0].message


def test_a_member_of_a_replication_group_is_encrypted_as_its_group() -> None:
    region = eu_region()
    group = store(
        region,
        "aws:elasticache/replicationGroup:ReplicationGroup",
        "sessions",
        {"atRestEncryptionEnabled": True, "kmsKeyId": UNKNOWN},
    )
    group.deps["kmsKeyId"] = [region.key]
    member = _cache(region, {"replicationGroupId": UNKNOWN})
    member.deps["replicationGroupId"] = [group]
    assert violations([*region.resources, group, member], POLICY) == []


def test_a_memcached_cluster_keeps_nothing_at_rest() -> None:
    region = eu_region()
    assert violations([*region.resources, _cache(region, {"engine": "memcached"})], POLICY) == []
