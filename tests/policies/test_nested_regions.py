"""A region nested in a data holder's own configuration is where the holder sends or keeps its data.

A Cognito user pool sends its SMS through SNS in `smsConfiguration.snsRegion`, its e-mail from the SES
identity `emailConfiguration.sourceArn` names and its users' attributes to its Lambda triggers; a Security
Lake keeps its lake in `configuration.region`; a DynamoDB table keeps a multi-Region strongly consistent
global table's witness in `globalTableWitness.regionName`. Each is judged as the holder's own region is.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import mumbai, store
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

POLICY = "pii-in-jurisdiction"
SNS_ROLE = "arn:aws:iam::123456789012:role/cognito-sms"


def _user_pool(region: Region, **changes: Any) -> Res:
    props: dict[str, Any] = {
        "name": "customers",
        "deletionProtection": "ACTIVE",
        "smsConfiguration": {
            "externalId": "customers-sms",
            "snsCallerArn": SNS_ROLE,
            "snsRegion": "eu-west-1",
        },
    }
    props.update(changes)
    pool = store(region, "aws:cognito/userPool:UserPool", "customers", props)
    pool.protect = True
    return pool


def _about(found: list, resource: Res) -> str:
    return messages([d for d in found if d.urn == resource.urn])


def test_a_user_pool_that_sends_its_sms_in_region_breaks_no_rule() -> None:
    region = eu_region()
    assert violations([*region.resources, _user_pool(region)], POLICY) == []


def test_a_user_pool_that_sends_its_sms_through_sns_in_another_region_is_blocked() -> None:
    region = eu_region()
    pool = _user_pool(region)
    pool.props["smsConfiguration"]["snsRegion"] = "us-east-1"
    found = _about(violations([*region.resources, pool], POLICY), pool)
    assert "sends its SMS messages (phone numbers, codes) through Amazon SNS in us-east-1" in found
    assert "(smsConfiguration.snsRegion), outside European Union" in found and "GDPR" in found


def test_a_user_pool_that_sends_its_email_from_an_ses_identity_elsewhere_is_blocked() -> None:
    region = eu_region()
    identity = "arn:aws:ses:eu-west-1:123456789012:identity/example.com"
    pool = _user_pool(region, emailConfiguration={"emailSendingAccount": "DEVELOPER", "sourceArn": identity})
    assert violations([*region.resources, pool], POLICY) == []
    pool.props["emailConfiguration"]["sourceArn"] = identity.replace("eu-west-1", "us-east-1")
    assert "from the Amazon SES identity this ARN names in us-east-1" in _about(
        violations([*region.resources, pool], POLICY), pool
    )


def _trigger(provider: Res) -> Res:
    return Res(
        "aws:lambda/function:Function",
        "pre-sign-up",
        {
            "runtime": "python3.13",
            "handler": "index.handler",
            "role": "arn:aws:iam::123456789012:role/pre-sign-up",
            "s3Bucket": "artifacts-eu-west-1",
            "s3Key": "pre-sign-up.zip",
        },
        provider,
    )


def test_a_user_pool_whose_lambda_trigger_runs_in_another_region_is_blocked() -> None:
    region = eu_region()
    trigger = _trigger(region.provider)
    pool = _user_pool(region, lambdaConfig={"preSignUp": UNKNOWN})
    pool.deps["lambdaConfig"] = [trigger]
    assert violations([*region.resources, trigger, pool], POLICY) == []
    elsewhere = _trigger(mumbai())
    pool.deps["lambdaConfig"] = [elsewhere]
    found = _about(violations([*region.resources, elsewhere, pool], POLICY), pool)
    assert "passes its users' attributes to the Lambda triggers" in found
    assert "ap-south-1" in found and "(lambdaConfig.**)" in found


@pytest.mark.preview_only("a value computed from nothing the stack declares is known once deployed")
def test_a_user_pool_whose_sns_region_is_unknown_fails_closed() -> None:
    region = eu_region()
    pool = _user_pool(region)
    pool.props["smsConfiguration"]["snsRegion"] = UNKNOWN
    assert "somewhere unknown at preview (smsConfiguration.snsRegion)" in _about(
        violations([*region.resources, pool], POLICY), pool
    )


def test_a_security_lake_kept_in_another_region_is_blocked() -> None:
    region = eu_region()
    lake = store(
        region,
        "aws:securitylake/dataLake:DataLake",
        "lake",
        {
            "metaStoreManagerRoleArn": "arn:aws:iam::123456789012:role/lake-manager",
            "configuration": {"region": "eu-west-1", "encryptionConfigurations": [{"kmsKeyId": UNKNOWN}]},
        },
    )
    lake.deps["configuration"] = [region.key]
    assert _about(violations([*region.resources, lake], POLICY), lake) == ""
    lake.props["configuration"]["region"] = "us-east-1"
    assert "keeps its lake (users' activity logs) in us-east-1 (configuration[].region)" in _about(
        violations([*region.resources, lake], POLICY), lake
    )


def test_a_security_lake_replicating_into_another_region_is_a_copy() -> None:
    region = eu_region()
    lake = store(
        region,
        "aws:securitylake/dataLake:DataLake",
        "lake",
        {
            "metaStoreManagerRoleArn": "arn:aws:iam::123456789012:role/lake-manager",
            "configuration": {"region": "eu-west-1"},
        },
    )
    assert violations([*region.resources, lake], "no-pii-replication") == []
    lake.props["configuration"]["replicationConfiguration"] = {
        "regions": ["us-east-1"],
        "roleArn": "arn:aws:iam::123456789012:role/lake-replication",
    }
    assert "us-east-1" in _about(violations([*region.resources, lake], "no-pii-replication"), lake)


def test_a_table_whose_global_table_witness_is_in_another_region_is_a_copy() -> None:
    """A multi-Region strongly consistent global table has one replica and a witness (the replicated
    change log); the witness's region is a destination as the replica's is."""
    region = eu_region()
    table = store(
        region,
        "aws:dynamodb/table:Table",
        "profiles",
        {
            "hashKey": "id",
            "attributes": [{"name": "id", "type": "S"}],
            "billingMode": "PAY_PER_REQUEST",
        },
    )
    assert violations([*region.resources, table], "no-pii-replication") == []
    table.props["streamEnabled"] = True
    table.props["streamViewType"] = "NEW_AND_OLD_IMAGES"
    table.props["replicas"] = [{"regionName": "eu-west-2", "consistencyMode": "STRONG"}]
    table.props["globalTableWitness"] = {"regionName": "us-east-2"}
    assert "us-east-2" in _about(violations([*region.resources, table], "no-pii-replication"), table)
