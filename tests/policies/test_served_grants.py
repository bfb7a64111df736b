"""A grant on something that serves data held elsewhere is a grant on that data.

- An access point serves its bucket, an Object Lambda access point its supporting access point, an access
  grants location its scope, an enhanced fan-out consumer its stream, a REST API what its integrations'
  roles reach, a Lake Formation LF-tag expression the tables whose tags match: the grant is followed to the
  holder (`mechanisms.SERVED_FROM`, `SERVED_THROUGH`), and what cannot be followed is untraceable.
- A bucket policy for everyone narrowed by `s3:DataAccessPointAccount` (AWS's documented delegation to the
  account's access points) admits only the account's access points, each judged by its own policy.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import OTHER_ACCOUNT, store
from tests.policies.policy_harness import (
    MODE,
    PREVIEW,
    UNKNOWN,
    Res,
    computed_outputs,
    messages,
    violations,
)

NO_PII = "no-pii-replication"
ANONYMISED_ONLY = "anonymised-only-replication"
NOT_PUBLIC = "pii-not-public"
OWN = "123456789012"
BUCKET = "customers-documents-eu"
BUCKET_ARN = f"arn:aws:s3:::{BUCKET}"
PARTNER = {"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"}
ANONYMISED = {"data-classification": "anonymised"}


def _document(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _allow(principal: Any, action: str | list[str], resource: str) -> dict[str, Any]:
    return {"Effect": "Allow", "Principal": principal, "Action": action, "Resource": resource}


def _on(found: list[Any], resource: Res) -> list[Any]:
    return [d for d in found if d.urn == resource.urn]


def _bucket(region: Region, tags: dict[str, str] | None = None) -> Res:
    return store(region, "aws:s3/bucket:Bucket", "documents", {"bucket": BUCKET}, tags)


CLASSES = pytest.mark.parametrize(
    ("tags", "shared"), [(ANONYMISED, False), (None, True)], ids=["anonymised-bucket", "pii-bucket"]
)


# Access points -----------------------------------------------------------------------------------------


def _access_point(region: Region, bucket: Res) -> Res:
    return Res(
        "aws:s3/accessPoint:AccessPoint",
        "documents-ap",
        {"bucket": UNKNOWN, "name": "documents-ap"},
        region.provider,
        deps={"bucket": [bucket]},
    )


@CLASSES
def test_an_access_point_policy_for_another_account_is_a_grant_of_its_bucket(
    tags: dict[str, str] | None, shared: bool
) -> None:
    region = eu_region()
    bucket = _bucket(region, tags)
    point = _access_point(region, bucket)
    arn = f"arn:aws:s3:eu-west-1:{OWN}:accesspoint/documents-ap"
    policy = Res(
        "aws:s3control/accessPointPolicy:AccessPointPolicy",
        "documents-ap-policy",
        {"accessPointArn": UNKNOWN, "policy": _document(_allow(PARTNER, "s3:GetObject", f"{arn}/object/*"))},
        region.provider,
        deps={"accessPointArn": [point]},
    )
    found = violations([*region.resources, bucket, point, policy], ANONYMISED_ONLY)
    assert bool(_on(found, policy)) is shared, messages(found)


@CLASSES
def test_an_object_lambda_access_point_policy_is_a_grant_of_the_bucket_it_transforms(
    tags: dict[str, str] | None, shared: bool
) -> None:
    region = eu_region()
    bucket = _bucket(region, tags)
    point = _access_point(region, bucket)
    redact = Res(
        "aws:lambda/function:Function",
        "redact",
        {"name": "redact", "runtime": "python3.12", "handler": "index.handler", "role": UNKNOWN},
        region.provider,
    )
    olap = Res(
        "aws:s3control/objectLambdaAccessPoint:ObjectLambdaAccessPoint",
        "documents-olap",
        {
            "name": "documents-olap",
            "configuration": {
                "supportingAccessPoint": UNKNOWN,
                "transformationConfigurations": [
                    {
                        "actions": ["GetObject"],
                        "contentTransformation": {
                            "awsLambda": {"functionArn": f"arn:aws:lambda:eu-west-1:{OWN}:function:redact"}
                        },
                    }
                ],
            },
        },
        region.provider,
        deps={"configuration": [point]},
    )
    policy = Res(
        "aws:s3control/objectLambdaAccessPointPolicy:ObjectLambdaAccessPointPolicy",
        "documents-olap-policy",
        {
            "name": UNKNOWN,
            "policy": _document(
                _allow(
                    PARTNER,
                    "s3-object-lambda:GetObject",
                    f"arn:aws:s3-object-lambda:eu-west-1:{OWN}:accesspoint/documents-olap",
                )
            ),
        },
        region.provider,
        deps={"name": [olap]},
    )
    found = violations([*region.resources, bucket, point, redact, olap, policy], ANONYMISED_ONLY)
    assert bool(_on(found, policy)) is shared, messages(found)


# Access grants, stream consumers -----------------------------------------------------------------------


@CLASSES
def test_an_access_grant_to_another_account_is_a_grant_of_its_locations_scope(
    tags: dict[str, str] | None, shared: bool
) -> None:
    region = eu_region()
    bucket = _bucket(region, tags)
    location = Res(
        "aws:s3control/accessGrantsLocation:AccessGrantsLocation",
        "documents-location",
        {"iamRoleArn": f"arn:aws:iam::{OWN}:role/access-grants-location", "locationScope": UNKNOWN},
        region.provider,
        deps={"locationScope": [bucket]},
    )
    if MODE.get() != PREVIEW:
        location.props["locationScope"] = f"s3://{BUCKET}/*"
    grant = Res(
        "aws:s3control/accessGrant:AccessGrant",
        "partner-grant",
        {
            "accessGrantsLocationId": UNKNOWN,
            "permission": "READ",
            "grantee": {
                "granteeType": "IAM",
                "granteeIdentifier": f"arn:aws:iam::{OTHER_ACCOUNT}:role/analyst",
            },
        },
        region.provider,
        deps={"accessGrantsLocationId": [location]},
    )
    found = violations([*region.resources, bucket, location, grant], ANONYMISED_ONLY)
    assert bool(_on(found, grant)) is shared, messages(found)


def _computed(render: Callable[[str], str], source: Res) -> str:
    if MODE.get() == PREVIEW:
        return UNKNOWN
    return render(computed_outputs(source)["arn"])


@pytest.mark.parametrize(("tags", "shared"), [(ANONYMISED, False), (None, True)], ids=["anonymised", "pii"])
def test_a_policy_on_a_stream_consumer_is_a_grant_of_its_stream(
    tags: dict[str, str] | None, shared: bool
) -> None:
    region = eu_region()
    stream = store(
        region,
        "aws:kinesis/stream:Stream",
        "changes",
        {"name": "changes", "encryptionType": "KMS", "kmsKeyId": UNKNOWN},
        tags,
    )
    stream.deps["kmsKeyId"] = [region.key]
    consumer = Res(
        "aws:kinesis/streamConsumer:StreamConsumer",
        "changes-consumer",
        {"name": "partner", "streamArn": UNKNOWN},
        region.provider,
        deps={"streamArn": [stream]},
    )
    policy = Res(
        "aws:kinesis/resourcePolicy:ResourcePolicy",
        "changes-consumer-policy",
        {
            "resourceArn": UNKNOWN,
            "policy": _document(
                _allow(PARTNER, "kinesis:SubscribeToShard", f"arn:aws:kinesis:eu-west-1:{OWN}:stream/x")
            ),
        },
        region.provider,
        deps={"resourceArn": [consumer]},
    )
    found = violations([*region.resources, stream, consumer, policy], ANONYMISED_ONLY)
    assert bool(_on(found, policy)) is shared, messages(found)


# REST API policies -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("tags", "shared"), [(ANONYMISED, False), (None, True)], ids=["anonymised", "pii"])
def test_a_rest_api_policy_is_a_grant_of_what_its_service_integrations_role_reads(
    tags: dict[str, str] | None, shared: bool
) -> None:
    region = eu_region()
    table = store(region, "aws:dynamodb/table:Table", "customers", {"name": "customers"}, tags)
    role = Res(
        "aws:iam/role:Role",
        "api-table-reader",
        {
            "name": "api-table-reader",
            "assumeRolePolicy": _document(
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "apigateway.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ),
            "inlinePolicies": [
                {
                    "name": "read",
                    "policy": _document(
                        {
                            "Effect": "Allow",
                            "Action": "dynamodb:GetItem",
                            "Resource": f"arn:aws:dynamodb:eu-west-1:{OWN}:table/customers",
                        }
                    ),
                }
            ],
        },
        region.provider,
    )
    api = Res("aws:apigateway/restApi:RestApi", "customers-api", {"name": "customers-api"}, region.provider)
    integration = Res(
        "aws:apigateway/integration:Integration",
        "customers-get",
        {
            "restApi": UNKNOWN,
            "resourceId": "abc123",
            "httpMethod": "GET",
            "type": "AWS",
            "integrationHttpMethod": "POST",
            "uri": "arn:aws:apigateway:eu-west-1:dynamodb:action/GetItem",
            "credentials": UNKNOWN,
        },
        region.provider,
        deps={"restApi": [api], "credentials": [role]},
    )
    policy = Res(
        "aws:apigateway/restApiPolicy:RestApiPolicy",
        "customers-api-policy",
        {
            "restApiId": UNKNOWN,
            "policy": _document(
                _allow(PARTNER, "execute-api:Invoke", f"arn:aws:execute-api:eu-west-1:{OWN}:abc/*")
            ),
        },
        region.provider,
        deps={"restApiId": [api]},
    )
    found = violations([*region.resources, table, role, api, integration, policy], ANONYMISED_ONLY)
    assert bool(_on(found, policy)) is shared, messages(found)


# Lake Formation tag expressions ------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "shared"), [("anonymised", False), ("pii", True)])
def test_a_lake_formation_tag_grant_opens_the_tables_whose_tags_match(value: str, shared: bool) -> None:
    region = eu_region()
    pii_bucket = _bucket(region)
    anonymised = store(region, "aws:s3/bucket:Bucket", "aggregates", {"bucket": "aggregates-eu"}, ANONYMISED)
    tables, taggings = [], []
    for name, bucket, tag in (("customers", BUCKET, "pii"), ("aggregates", "aggregates-eu", "anonymised")):
        table = Res(
            "aws:glue/catalogTable:CatalogTable",
            f"{name}-table",
            {
                "name": name,
                "databaseName": "lake",
                "tableType": "EXTERNAL_TABLE",
                "storageDescriptor": {"location": f"s3://{bucket}/{name}/"},
            },
            region.provider,
        )
        tagging = Res(
            "aws:lakeformation/resourceLfTags:ResourceLfTags",
            f"{name}-tags",
            {
                "table": {"databaseName": "lake", "name": UNKNOWN},
                "lfTags": [{"key": "classification", "value": tag}],
            },
            region.provider,
            deps={"table": [table]},
        )
        tables.append(table)
        taggings.append(tagging)
    grant = Res(
        "aws:lakeformation/permissions:Permissions",
        "partner-lf-grant",
        {
            "principal": OTHER_ACCOUNT,
            "permissions": ["SELECT", "DESCRIBE"],
            "lfTagPolicy": {
                "resourceType": "TABLE",
                "expressions": [{"key": "classification", "values": [value]}],
            },
        },
        region.provider,
    )
    stack = [*region.resources, pii_bucket, anonymised, *tables, *taggings, grant]
    found = violations(stack, ANONYMISED_ONLY)
    assert bool(_on(found, grant)) is shared, messages(found)


# Delegation to the account's access points -------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "shared"),
    [
        ("s3:DataAccessPointAccount", OWN, False),
        ("s3:DataAccessPointArn", f"arn:aws:s3:eu-west-1:{OWN}:accesspoint/*", False),
        ("s3:DataAccessPointAccount", OTHER_ACCOUNT, True),
    ],
    ids=["own-account", "own-access-points", "another-account"],
)
@pytest.mark.parametrize("rule", [NOT_PUBLIC, ANONYMISED_ONLY])
def test_a_bucket_policy_that_delegates_to_access_points_admits_only_their_account(
    key: str, value: str, shared: bool, rule: str
) -> None:
    """Narrowed to another account's access points it is a share (rule 4), not a publication (rule 6)."""
    shared = shared and rule == ANONYMISED_ONLY
    region = eu_region()
    bucket = _bucket(region)
    statement = {
        **_allow("*", "*", f"{BUCKET_ARN}/*"),
        "Condition": {"StringEquals": {key: value}},
    }
    policy = Res(
        "aws:s3/bucketPolicy:BucketPolicy",
        "documents-delegates",
        {"bucket": UNKNOWN, "policy": _document(statement)},
        region.provider,
        deps={"bucket": [bucket]},
    )
    found = violations([*region.resources, bucket, policy], rule)
    assert bool(_on(found, policy)) is shared, messages(found)
