"""A holder that takes no tags and lives inside a parent (a Cognito user in its pool, an item in its table, a
version of its secret) holds what its parent holds: lineage classifies it from the parent, whatever its
provider's `defaultTags` say, and it needs no label of its own when its parent is in the stack.

Red-team round 8 (rt-aws8): such children were classified only by their provider's `defaultTags`, so a
provider defaulting to `anonymised` placed a PII table's item in us-east-1 unjudged, and a user of a PII pool
created through the stack's own provider (no classification default) was reported as unclassified.
"""

from __future__ import annotations

import pytest

from residency_facts.mechanisms import CHILD_HOLDERS, DELETION_KEEPS_VALUE
from tests.policies.baseline import Region, eu_region
from tests.policies.copies import store
from tests.policies.policy_harness import UNKNOWN, Res, aws_provider, messages, violations

CLASSIFICATION = "data-classification-required"
JURISDICTION = "pii-in-jurisdiction"
DATA_LOSS = "pii-no-data-loss"
ANONYMISED_DEFAULTS = {"jurisdiction": "EU", "managed-by": "pulumi", "data-classification": "anonymised"}


def _pool(region: Region) -> Res:
    pool = store(
        region,
        "aws:cognito/userPool:UserPool",
        "customers",
        {"name": "customers", "deletionProtection": "ACTIVE"},
    )
    pool.protect = True
    return pool


def _user(provider: Res, pool: Res | None) -> Res:
    return Res(
        "aws:cognito/user:User",
        "alice",
        {
            "userPoolId": UNKNOWN if pool is not None else "eu-west-1_AbCdEfGhI",
            "username": "alice",
            "attributes": {"email": "alice@example.com"},
        },
        provider,
        protect=True,
        deps={"userPoolId": [pool]} if pool is not None else {},
    )


def _table(region: Region) -> Res:
    table = store(
        region,
        "aws:dynamodb/table:Table",
        "customers-table",
        {"name": "customers", "hashKey": "email", "deletionProtectionEnabled": True},
    )
    table.protect = True
    return table


def test_a_user_of_a_pii_pool_needs_no_label_of_its_own() -> None:
    region = eu_region()
    pool = _pool(region)
    user = _user(region.provider, pool)
    found = [d for d in violations([*region.resources, pool, user], CLASSIFICATION) if d.urn == user.urn]
    assert found == [], messages(found)


def test_a_user_of_a_pool_the_stack_does_not_declare_still_needs_a_label() -> None:
    region = eu_region()
    user = _user(region.provider, None)
    found = messages([d for d in violations([*region.resources, user], CLASSIFICATION) if d.urn == user.urn])
    assert "no data-classification" in found


def test_an_item_of_a_pii_table_in_another_region_is_pii_there_whatever_its_defaults_say() -> None:
    region = eu_region()
    table = _table(region)
    item = Res(
        "aws:dynamodb/tableItem:TableItem",
        "alice",
        {"tableName": UNKNOWN, "hashKey": "email", "item": '{"email": {"S": "alice@example.com"}}'},
        aws_provider("us-anonymised", "us-east-1", ANONYMISED_DEFAULTS),
        protect=True,
        deps={"tableName": [table]},
    )
    found = messages(
        [d for d in violations([*region.resources, table, item], JURISDICTION) if d.urn == item.urn]
    )
    assert "pii resource is placed in us-east-1" in found


def test_a_version_of_a_pii_secret_written_elsewhere_is_pii_there() -> None:
    region = eu_region()
    secret = store(region, "aws:secretsmanager/secret:Secret", "customer-tokens", {"name": "customer-tokens"})
    secret.protect = True
    version = Res(
        "aws:secretsmanager/secretVersion:SecretVersion",
        "tokens-v1",
        {"secretId": UNKNOWN, "secretString": UNKNOWN},
        aws_provider("mumbai-anonymised", "ap-south-1", ANONYMISED_DEFAULTS),
        protect=True,
        deps={"secretId": [secret]},
    )
    found = violations([*region.resources, secret, version], JURISDICTION)
    assert "ap-south-1" in messages([d for d in found if d.urn == version.urn])


def test_a_user_of_a_pii_pool_is_pii_and_must_not_be_lost() -> None:
    region = eu_region()
    pool = _pool(region)
    user = _user(aws_provider("eu-anonymised", "eu-west-1", ANONYMISED_DEFAULTS), pool)
    user.protect = False
    found = messages([d for d in violations([*region.resources, pool, user], DATA_LOSS) if d.urn == user.urn])
    assert "protect=True" in found and "customers" in found


def test_a_user_of_a_pii_pool_in_its_region_breaks_no_residency_rule() -> None:
    region = eu_region()
    pool = _pool(region)
    user = _user(region.provider, pool)
    for policy in (JURISDICTION, "no-pii-replication", "anonymised-only-replication", DATA_LOSS):
        assert violations([*region.resources, pool, user], policy) == [], policy


# Round 9: a child whose deletion or replacement keeps its value in its parent needs no protect ------------


def _secret_version(region: Region) -> tuple[Res, Res]:
    secret = store(
        region,
        "aws:secretsmanager/secret:Secret",
        "partner",
        {"name": "partner", "kmsKeyId": UNKNOWN, "recoveryWindowInDays": 30},
    )
    secret.deps["kmsKeyId"] = [region.key]
    secret.protect = True
    version = Res(
        "aws:secretsmanager/secretVersion:SecretVersion",
        "partner",
        {"secretId": UNKNOWN, "secretString": "placeholder"},
        region.provider,
        deps={"secretId": [secret]},
    )
    return secret, version


def test_a_version_of_a_protected_pii_secret_needs_no_protect_of_its_own() -> None:
    # secret_string is ForceNew: a new value replaces the version, and deleting a version only moves its
    # staging labels; the value stays in its secret, whose protect and recovery window keep it.
    region = eu_region()
    secret, version = _secret_version(region)
    assert violations([*region.resources, secret, version], DATA_LOSS) == []


def test_the_secret_of_a_version_still_needs_protect() -> None:
    region = eu_region()
    secret, version = _secret_version(region)
    secret.protect = False
    found = violations([*region.resources, secret, version], DATA_LOSS)
    assert [d.urn for d in found] == [secret.urn], messages(found)


def test_an_item_of_a_pii_table_without_protect_can_be_lost() -> None:
    # Deleting a table item deletes the item: it keeps the rule.
    region = eu_region()
    table = _table(region)
    item = Res(
        "aws:dynamodb/tableItem:TableItem",
        "alice",
        {"tableName": UNKNOWN, "hashKey": "email", "item": '{"email": {"S": "alice@example.com"}}'},
        region.provider,
        deps={"tableName": [table]},
    )
    found = messages(
        [d for d in violations([*region.resources, table, item], DATA_LOSS) if d.urn == item.urn]
    )
    assert "protect=True" in found


@pytest.mark.mode_independent
def test_every_child_whose_deletion_keeps_its_value_is_a_reviewed_child_holder() -> None:
    assert set(DELETION_KEEPS_VALUE) <= set(CHILD_HOLDERS)


def _api_cache(region: Region, at_rest: bool) -> tuple[Res, list[Res]]:
    """A PII AppSync API and its cache (which takes no tags), created through the stack's own provider."""
    api = store(region, "aws:appsync/graphQLApi:GraphQLApi", "customer-api", {"name": "customer-api"})
    cache = Res(
        "aws:appsync/apiCache:ApiCache",
        "customer-api-cache",
        {
            "apiId": UNKNOWN,
            "apiCachingBehavior": "PER_RESOLVER_CACHING",
            "type": "SMALL",
            "ttl": 300,
            "atRestEncryptionEnabled": at_rest,
            "transitEncryptionEnabled": True,
        },
        region.provider,
        deps={"apiId": [api]},
    )
    return cache, [api, cache]


def test_a_cache_of_a_pii_api_needs_no_label_of_its_own() -> None:
    # Reviewer blind-aws12 (c18): the cache was judged only by its provider's defaultTags.
    region = eu_region()
    cache, added = _api_cache(region, at_rest=True)
    found = [d for d in violations([*region.resources, *added], CLASSIFICATION) if d.urn == cache.urn]
    assert found == [], messages(found)


def test_an_unencrypted_cache_of_a_pii_api_holds_its_pii_unencrypted() -> None:
    region = eu_region()
    cache, added = _api_cache(region, at_rest=False)
    found = messages(
        [d for d in violations([*region.resources, *added], "pii-encryption") if d.urn == cache.urn]
    )
    assert "atRestEncryptionEnabled" in found, found
