"""A Storage Gateway caches what its file shares and volumes serve on the host it runs on: activated at an
address that is not one of the stack's EC2 instances (an appliance on premises), or by an activation key
(obtained from the appliance by hand, wherever it runs), that cache is a copy outside AWS."""

from __future__ import annotations

from typing import Any

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import store
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

NO_PII = "no-pii-replication"
ON_PREMISES = "198.51.100.10"


def _gateway(region: Region, activation: dict[str, Any], deps: dict[str, list[Res]]) -> list[Res]:
    bucket = store(
        region, "aws:s3/bucketV2:BucketV2", "customer-documents", {"bucket": "rt-customer-documents"}
    )
    gateway = store(
        region,
        "aws:storagegateway/gateway:Gateway",
        "branch-gateway",
        {"gatewayName": "branch-office", "gatewayTimezone": "GMT", "gatewayType": "FILE_S3", **activation},
        # Labelled anonymised: what it holds comes from the PII bucket its file share serves, by lineage.
        {"data-classification": "anonymised"},
    )
    gateway.deps.update(deps)
    share = Res(
        "aws:storagegateway/nfsFileShare:NfsFileShare",
        "customers-nfs-share",
        {
            "clientLists": ["10.10.0.0/16"],
            "gatewayArn": UNKNOWN,
            "locationArn": UNKNOWN,
            "roleArn": "arn:aws:iam::123456789012:role/gateway-bucket-access",
        },
        region.provider,
        deps={"gatewayArn": [gateway], "locationArn": [bucket]},
    )
    return [bucket, gateway, share]


def _host(region: Region) -> Res:
    return Res(
        "aws:ec2/instance:Instance",
        "gateway-host",
        {"ami": "ami-0a1b2c3d4e5f60001", "instanceType": "m5.xlarge", "subnetId": "subnet-0a1b2c3d4e5f60001"},
        region.provider,
    )


def test_a_gateway_on_one_of_the_stacks_instances_breaks_no_replication_rule() -> None:
    region = eu_region()
    host = _host(region)
    extra = _gateway(region, {"gatewayIpAddress": UNKNOWN}, {"gatewayIpAddress": [host]})
    assert violations([*region.resources, host, *extra], NO_PII) == []


@pytest.mark.parametrize(
    "activation",
    [{"gatewayIpAddress": ON_PREMISES}, {"activationKey": "AB1CD-EF2GH-IJ3KL-MN4OP-QR5ST"}],
    ids=["address", "activation-key"],
)
def test_a_gateway_activated_outside_the_stack_caches_the_pii_bucket_outside_aws(
    activation: dict[str, Any],
) -> None:
    region = eu_region()
    extra = _gateway(region, activation, {})
    found = messages([d for d in violations([*region.resources, *extra], NO_PII) if d.urn == extra[1].urn])
    assert "a gateway's local cache" in found and "outside AWS" in found
    assert "customer-documents" in found
