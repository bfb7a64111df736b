"""AWS Clean Rooms: a configured table exposes a Glue table (and the data under it) to the collaborations
its account's memberships associate it with; the association is no pulumi-aws resource, so every configured
table of the collaboration's account and region counts as shared with its members, and the configured
table's data (followed to the bucket under its Glue table) is what the other members' accounts query and
receive. Each test is a baseline and one change (reviewer blind-full14 v12: the collaboration was caught
only as unclassified, the PII table it exposes never named)."""

from __future__ import annotations

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import store
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

NO_PII = "no-pii-replication"
ANONYMISED_ONLY = "anonymised-only-replication"
PARTNER = "246813579024"
ANONYMISED = {"data-classification": "anonymised"}


def _configured_table(region: Region, classification: str = "pii") -> list[Res]:
    """A bucket, a Glue table over it and a Clean Rooms configured table of that Glue table."""
    bucket = store(
        region,
        "aws:s3/bucket:Bucket",
        f"customers-{classification}",
        {"bucket": f"customers-{classification}"},
        {"data-classification": classification},
    )
    database = Res(
        "aws:glue/catalogDatabase:CatalogDatabase", "marketing", {"name": "marketing"}, region.provider
    )
    table = Res(
        "aws:glue/catalogTable:CatalogTable",
        "customers",
        {"name": "customers", "databaseName": UNKNOWN, "storageDescriptor": {"location": UNKNOWN}},
        region.provider,
        deps={"databaseName": [database], "storageDescriptor": [bucket]},
    )
    configured = Res(
        "aws:cleanrooms/configuredTable:ConfiguredTable",
        "customers",
        {
            "name": "customers",
            "analysisMethod": "DIRECT_QUERY",
            "allowedColumns": ["email", "phone", "city"],
            "tableReference": {"databaseName": UNKNOWN, "tableName": UNKNOWN},
        },
        region.provider,
        deps={"tableReference": [database, table]},
    )
    return [bucket, database, table, configured]


def _collaboration(region: Region, member: str = PARTNER, tags: dict[str, str] | None = None) -> Res:
    return Res(
        "aws:cleanrooms/collaboration:Collaboration",
        "audience-match",
        {
            "name": "audience-match",
            "creatorDisplayName": "Acme",
            "creatorMemberAbilities": ["CAN_RECEIVE_RESULTS"],
            "queryLogStatus": "ENABLED",
            "members": [
                {
                    "accountId": member,
                    "displayName": "AdPartner",
                    "memberAbilities": ["CAN_QUERY", "CAN_RECEIVE_RESULTS"],
                }
            ],
            **({"tags": tags} if tags else {}),
        },
        region.provider,
    )


def _membership(region: Region, collaboration: Res | str) -> Res:
    if isinstance(collaboration, Res):
        return Res(
            "aws:cleanrooms/membership:Membership",
            "audience-match",
            {"collaborationId": UNKNOWN, "queryLogStatus": "ENABLED"},
            region.provider,
            deps={"collaborationId": [collaboration]},
        )
    return Res(
        "aws:cleanrooms/membership:Membership",
        "audience-match",
        {"collaborationId": collaboration, "queryLogStatus": "ENABLED"},
        region.provider,
    )


def test_a_collaboration_with_another_account_shares_the_pii_table_configured_in_its_account() -> None:
    region = eu_region()
    collaboration = _collaboration(region)
    stack = [*region.resources, *_configured_table(region), collaboration]
    for rule in (NO_PII, ANONYMISED_ONLY):
        found = violations(stack, rule)
        assert [d.urn for d in found] == [collaboration.urn], messages(found)
        message = found[0].message
        assert "'customers-pii'" in message and "configuredTable:ConfiguredTable 'customers'" in message, (
            message
        )
        assert PARTNER in message, message


def test_a_membership_in_another_accounts_collaboration_shares_the_pii_table_configured_beside_it() -> None:
    region = eu_region()
    membership = _membership(region, "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111")
    found = violations([*region.resources, *_configured_table(region), membership], NO_PII)
    assert [d.urn for d in found] == [membership.urn], messages(found)
    assert "'customers-pii'" in found[0].message and "ConfiguredTable 'customers'" in found[0].message


def test_an_anonymised_collaboration_of_anonymised_tables_is_allowed() -> None:
    region = eu_region()
    collaboration = _collaboration(region, tags=ANONYMISED)
    membership = _membership(region, collaboration)
    stack = [*region.resources, *_configured_table(region, "anonymised"), collaboration, membership]
    assert violations(stack, NO_PII) == []
    assert violations(stack, ANONYMISED_ONLY) == []


def test_a_membership_with_no_configured_table_in_the_stack_shares_nothing() -> None:
    region = eu_region()
    membership = _membership(region, "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111")
    assert violations([*region.resources, membership], NO_PII) == []
    assert violations([*region.resources, membership], ANONYMISED_ONLY) == []
