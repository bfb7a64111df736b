"""A QuickSight data set copies what its tables read into SPICE in its own region; its permissions are
grants, not places.

Reviewer blind-aws12 (c36): a data set over the PII database, shared with an analysts group whose ARN
names QuickSight's identity region (us-east-1, where the account's users and groups are kept, whatever
region the data is in), was refused as a copy to us-east-1: every input, the permissions' principals
included, was read as a destination. Each test is the PII baseline with a QuickSight data source on the
database and one data set.
"""

from __future__ import annotations

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import OTHER_ACCOUNT, mumbai
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

RULES = ("no-pii-replication", "anonymised-only-replication")
GROUP = "arn:aws:quicksight:us-east-1:123456789012:group/default/eu-analysts"


def _source(region: Region) -> Res:
    return Res(
        "aws:quicksight/dataSource:DataSource",
        "customers-db",
        {
            "dataSourceId": "customers-db",
            "name": "customers-db",
            "type": "POSTGRESQL",
            "parameters": {"rds": {"database": "customers", "instanceId": UNKNOWN}},
        },
        region.provider,
        deps={"parameters": [region.database]},
    )


def _data_set(
    region: Region, source: Res, mode: str, principal: str = GROUP, provider: Res | None = None
) -> Res:
    return Res(
        "aws:quicksight/dataSet:DataSet",
        "customers-live",
        {
            "dataSetId": "customers-live",
            "name": "customers-live",
            "importMode": mode,
            "physicalTableMaps": [
                {
                    "physicalTableMapId": "customers",
                    "relationalTable": {
                        "dataSourceArn": UNKNOWN,
                        "schema": "public",
                        "name": "customers",
                        "inputColumns": [{"name": "customer_id", "type": "STRING"}],
                    },
                }
            ],
            "permissions": [{"principal": principal, "actions": ["quicksight:DescribeDataSet"]}],
            "tags": {"data-classification": "pii"},
        },
        provider or region.provider,
        deps={"physicalTableMaps": [source]},
    )


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("import_mode", ["SPICE", "DIRECT_QUERY"])
def test_a_data_set_shared_with_a_group_of_the_accounts_identity_region_copies_nothing_out(
    import_mode: str, rule: str
) -> None:
    region = eu_region()
    source = _source(region)
    data_set = _data_set(region, source, import_mode)
    found = [d for d in violations([*region.resources, source, data_set], rule) if d.urn == data_set.urn]
    assert found == [], messages(found)


@pytest.mark.parametrize("rule", RULES)
def test_a_data_set_in_mumbai_over_the_pii_database_copies_it_there(rule: str) -> None:
    region = eu_region()
    source = _source(region)
    data_set = _data_set(region, source, "SPICE", provider=mumbai())
    found = [d for d in violations([*region.resources, source, data_set], rule) if d.urn == data_set.urn]
    assert found and "ap-south-1" in messages(found), messages(found)


@pytest.mark.parametrize("rule", RULES)
def test_a_data_set_shared_with_another_accounts_group_shares_it(rule: str) -> None:
    region = eu_region()
    source = _source(region)
    data_set = _data_set(region, source, "SPICE", GROUP.replace("123456789012", OTHER_ACCOUNT))
    found = [d for d in violations([*region.resources, source, data_set], rule) if d.urn == data_set.urn]
    assert found and OTHER_ACCOUNT in messages(found), messages(found)
