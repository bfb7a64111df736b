"""pii-in-jurisdiction reads a provider's `endpoints` overrides by the keys pulumi-aws accepts for a service:
its own name and every alias (`s3api` for S3, `cloudwatchlogs` for CloudWatch Logs), and the service of a
type whose module is named otherwise (EBS volumes are EC2's API, a log group CloudWatch Logs'). An override
that sends a resident store's service outside AWS, or to another region, places the store there; a key the
reviewed table (`residency_facts/endpoints.py`) does not know fails closed.

The table is checked against the installed SDK: every key `ProviderEndpointArgs` accepts is reviewed, and
every resource type of the SDK is served by a key, so an upgrade that adds either fails here.
"""

from __future__ import annotations

import inspect
import json
import re

import pulumi_aws
import pytest

from residency_facts.endpoints import ENDPOINT_ALIASES, NO_RESOURCE_ENDPOINTS, SERVICE_TYPES
from residency_policies.provider_endpoints import endpoint_keys
from tests.policies.baseline import Region, eu_region
from tests.policies.copies import store
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations
from tests.policies.sdk_types import sdk_types

POLICY = "pii-in-jurisdiction"
NO_PII = "no-pii-replication"
ON_PREMISES = "https://minio.dc1.acme.example:9000"


def _through(region: Region, endpoints: dict[str, str]) -> None:
    region.provider.props["endpoints"] = json.dumps([endpoints])


STORES = [
    # (endpoint key, type of a resident store whose API calls it redirects)
    ("s3api", "aws:s3/bucket:Bucket"),
    ("s3", "aws:s3/bucketV2:BucketV2"),
    ("logs", "aws:cloudwatch/logGroup:LogGroup"),
    ("cloudwatchlogs", "aws:cloudwatch/logGroup:LogGroup"),
    ("cloudwatchlog", "aws:cloudwatch/logGroup:LogGroup"),
    ("ec2", "aws:ebs/volume:Volume"),
    ("firehose", "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream"),
    ("cognitoidp", "aws:cognito/userPool:UserPool"),
    ("cognitoidentityprovider", "aws:cognito/userPool:UserPool"),
    ("kafka", "aws:msk/cluster:Cluster"),
    ("es", "aws:elasticsearch/domain:Domain"),
    ("opensearchserverless", "aws:opensearch/serverlessCollection:ServerlessCollection"),
    ("dynamodb", "aws:dynamodb/table:Table"),
]


@pytest.mark.parametrize(("key", "type_"), STORES)
def test_an_endpoint_key_of_the_stores_service_that_leads_outside_aws_places_the_store_there(
    key: str, type_: str
) -> None:
    region = eu_region()
    holder = store(region, type_, "resident-store")
    _through(region, {key: ON_PREMISES})
    found = [d for d in violations([*region.resources, holder], POLICY) if d.urn == holder.urn]
    assert found, f"{key} -> {ON_PREMISES} not read for {type_}"
    assert f"to {ON_PREMISES} (not an AWS endpoint)" in messages(found)
    assert f"remove the `{key}` endpoint override" in messages(found)


@pytest.mark.parametrize(("key", "type_"), STORES)
def test_an_endpoint_key_of_the_stores_service_in_the_region_is_accepted(key: str, type_: str) -> None:
    region = eu_region()
    holder = store(region, type_, "resident-store")
    _through(region, {key: "https://vpce-0a1b2c3d.s3.eu-west-1.vpce.amazonaws.com"})
    found = [d for d in violations([*region.resources, holder], POLICY) if d.urn == holder.urn]
    assert "endpoints" not in messages(found)


@pytest.mark.parametrize(
    ("key", "type_"),
    [
        # Keys of other services than the store's: their calls do not carry its data.
        ("events", "aws:cloudwatch/logGroup:LogGroup"),
        ("cloudwatch", "aws:cloudwatch/logGroup:LogGroup"),
        ("s3control", "aws:s3/bucket:Bucket"),
        ("cognitoidentity", "aws:cognito/userPool:UserPool"),
        ("kinesis", "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream"),
        ("sts", "aws:s3/bucket:Bucket"),
    ],
)
def test_an_endpoint_key_of_another_service_does_not_place_the_store(key: str, type_: str) -> None:
    region = eu_region()
    holder = store(region, type_, "resident-store")
    _through(region, {key: ON_PREMISES})
    found = [d for d in violations([*region.resources, holder], POLICY) if d.urn == holder.urn]
    assert "endpoints" not in messages(found)


def test_an_endpoint_key_the_table_does_not_know_fails_closed_on_a_resident_store() -> None:
    region = eu_region()
    _through(region, {"s3express": ON_PREMISES})
    found = violations(region.resources, POLICY)
    assert [d.urn for d in found] == [region.database.urn], messages(found)
    assert "`s3express`, a key residency_facts/endpoints.py has not reviewed" in found[0].message


def test_an_unknown_endpoint_key_that_leads_to_an_aws_endpoint_of_the_region_is_accepted() -> None:
    region = eu_region()
    _through(region, {"s3express": "https://s3express-control.eu-west-1.amazonaws.com"})
    assert violations(region.resources, POLICY) == []


def test_an_endpoint_key_given_in_another_case_is_read_as_the_same_key() -> None:
    region = eu_region()
    _through(region, {"RDS": ON_PREMISES})
    found = violations(region.resources, POLICY)
    assert [d.urn for d in found] == [region.database.urn], messages(found)


# The table against the installed SDK -----------------------------------------------------------------------


def _sdk_endpoint_keys() -> frozenset[str]:
    """Every key `ProviderEndpointArgs` accepts: its Python names (a dict reaches the provider with them) and
    the wire names its getters give (`lambda_` is sent as `lambda`)."""
    parameters = inspect.signature(pulumi_aws.ProviderEndpointArgs.__init__).parameters
    python = {name for name in parameters if name not in ("self", "__self__")}
    source = inspect.getsource(pulumi_aws.ProviderEndpointArgs)
    renamed = dict(re.findall(r'@pulumi\.getter\(name="(\w+)"\)\n\s+def (\w+)\(', source))
    return frozenset(python | set(renamed))


@pytest.mark.mode_independent
def test_every_endpoint_key_of_the_pinned_sdk_is_reviewed_and_no_other() -> None:
    reviewed = frozenset(SERVICE_TYPES) | frozenset(ENDPOINT_ALIASES) | NO_RESOURCE_ENDPOINTS
    sdk = _sdk_endpoint_keys()
    assert sorted(sdk - reviewed) == [], "endpoint keys to review in residency_facts/endpoints.py"
    assert sorted(reviewed - sdk) == [], "keys the SDK no longer accepts"
    assert not set(SERVICE_TYPES) & set(ENDPOINT_ALIASES), "a key is a service and an alias"
    assert not (set(SERVICE_TYPES) | set(ENDPOINT_ALIASES)) & NO_RESOURCE_ENDPOINTS
    assert set(ENDPOINT_ALIASES.values()) <= set(SERVICE_TYPES), "an alias of no service"


@pytest.mark.mode_independent
def test_every_resource_type_of_the_sdk_is_served_by_a_reviewed_endpoint_key() -> None:
    unserved = sorted(token for token in sdk_types("aws") if not endpoint_keys(token))
    assert unserved == [], "types whose service's endpoint key residency_facts/endpoints.py does not name"


@pytest.mark.mode_independent
def test_every_type_prefix_of_the_table_names_types_of_the_sdk() -> None:
    paths = {token.split(":")[1] for token in sdk_types("aws")}
    stale = sorted(
        prefix
        for prefixes in SERVICE_TYPES.values()
        for prefix in prefixes
        if not any(path.startswith(prefix) for path in paths)
    )
    assert stale == [], "prefixes that match no type of the SDK"


@pytest.mark.mode_independent
@pytest.mark.parametrize(
    ("token", "keys"),
    [
        ("aws:s3/bucket:Bucket", {"s3", "s3api"}),
        ("aws:s3/accessPoint:AccessPoint", {"s3control"}),
        ("aws:cloudwatch/logGroup:LogGroup", {"logs", "cloudwatchlog", "cloudwatchlogs"}),
        (
            "aws:cloudwatch/eventRule:EventRule",
            {"events", "eventbridge", "cloudwatchevents", "eventbridgev2"},
        ),
        ("aws:cloudwatch/metricAlarm:MetricAlarm", {"cloudwatch"}),
        ("aws:ebs/volume:Volume", {"ec2"}),
        ("aws:ec2/launchConfiguration:LaunchConfiguration", {"autoscaling"}),
        ("aws:lb/loadBalancer:LoadBalancer", {"elbv2", "elasticloadbalancingv2"}),
        ("aws:cognito/identityPool:IdentityPool", {"cognitoidentity"}),
        ("aws:lambda/function:Function", {"lambda", "lambda_", "lambdacore", "lambdaweb"}),
    ],
)
def test_a_types_endpoint_keys_are_its_services_names_and_aliases(token: str, keys: set[str]) -> None:
    assert endpoint_keys(token) == frozenset(keys)


def test_the_bucket_of_the_reviewers_case_through_the_s3api_alias_is_outside_aws() -> None:
    """Reviewer blind-program16 v01: a raw telemetry bucket through a provider that sends `s3api` to MinIO."""
    region = eu_region()
    provider = Res(
        "pulumi:providers:aws",
        "dc1-object-store",
        {
            "region": "eu-west-1",
            "s3UsePathStyle": True,
            "skipCredentialsValidation": True,
            "endpoints": json.dumps([{"s3api": ON_PREMISES}]),
        },
    )
    bucket = Res(
        "aws:s3/bucket:Bucket", "usage-events-raw", {"tags": {"data-classification": "telemetry"}}, provider
    )
    found = violations([*region.resources, bucket], POLICY)
    assert [d.urn for d in found] == [bucket.urn], messages(found)
    assert "telemetry resource is created through a provider whose `endpoints`" in found[0].message


# Code is created, and runs, where its service's endpoint override leads ----------------------------------


def _reader(region: Region) -> Res:
    """A Lambda whose environment holds the PII database's address, on the region's provider."""
    return Res(
        "aws:lambda/function:Function",
        "report-builder",
        {"runtime": "python3.12", "handler": "index.handler", "environment": {"variables": {"DB": UNKNOWN}}},
        region.provider,
        deps={"environment": [region.database]},
    )


@pytest.mark.parametrize("key", ["lambda", "lambda_"])
def test_code_reading_pii_created_through_an_endpoint_outside_aws_copies_it_there(key: str) -> None:
    region = eu_region()
    reader = _reader(region)
    _through(region, {key: "http://localstack.dc1.acme.example:4566"})
    found = [d for d in violations([*region.resources, reader], NO_PII) if d.urn == reader.urn]
    text = messages(found)
    assert "outside AWS" in text and "created through its provider's" in text, text
    assert f"remove the `{key}` endpoint override from the provider of" in text


def test_code_reading_pii_created_through_an_endpoint_of_another_region_copies_it_there() -> None:
    region = eu_region()
    reader = _reader(region)
    _through(region, {"lambda": "https://lambda.us-east-1.amazonaws.com"})
    found = [d for d in violations([*region.resources, reader], NO_PII) if d.urn == reader.urn]
    text = messages(found)
    assert "to eu-west-1, us-east-1 (" in text, text
    assert "created through its provider's `lambda` endpoint https://lambda.us-east-1.amazonaws.com" in text


@pytest.mark.parametrize(
    "endpoints",
    [
        {"lambda": "https://vpce-0a1b2c3d-lambda.lambda.eu-west-1.vpce.amazonaws.com"},
        {"s3": ON_PREMISES},
    ],
)
def test_code_reading_pii_through_an_endpoint_of_its_region_or_of_another_service_passes(
    endpoints: dict[str, str],
) -> None:
    region = eu_region()
    reader = _reader(region)
    _through(region, endpoints)
    assert [d for d in violations([*region.resources, reader], NO_PII) if d.urn == reader.urn] == []
