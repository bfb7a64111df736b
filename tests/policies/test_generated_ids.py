"""A literal id AWS generates (`tmt-0123...`, `fs-0123...`, a DataSync `location/loc-0123...` ARN) that the
stack does not declare proves no region or account for what it points to: as a copy's destination it is
untraceable (a first preview cannot match it to what the same preview creates; a deployed stack can, and
then it is the stack's resource). The source here is the PII host's own primary interface, named by the
instance's output: it stands for the instance."""

from __future__ import annotations

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import store
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

NO_PII = "no-pii-replication"
ANONYMISED_ONLY = "anonymised-only-replication"


def _mirror(region: Region, target: object, target_deps: list[Res]) -> list[Res]:
    host = store(
        region,
        "aws:ec2/instance:Instance",
        "customers-pg",
        {"ami": "ami-0a1b2c3d4e5f60001", "instanceType": "m7g.large", "subnetId": "subnet-0a1b2c3d4e5f60001"},
    )
    host.props["volumeTags"] = {"data-classification": "pii"}
    flt = Res("aws:ec2/trafficMirrorFilter:TrafficMirrorFilter", "mirror-filter", {}, region.provider)
    session = Res(
        "aws:ec2/trafficMirrorSession:TrafficMirrorSession",
        "customers-pg-mirror",
        {
            "networkInterfaceId": UNKNOWN,
            "trafficMirrorFilterId": UNKNOWN,
            "trafficMirrorTargetId": target,
            "sessionNumber": 1,
        },
        region.provider,
        deps={
            "networkInterfaceId": [host],
            "trafficMirrorFilterId": [flt],
            "trafficMirrorTargetId": target_deps,
        },
    )
    return [host, flt, session]


def test_a_mirror_of_the_pii_host_to_the_stacks_own_in_region_target_breaks_no_rule() -> None:
    region = eu_region()
    collector = store(
        region,
        "aws:ec2/networkInterface:NetworkInterface",
        "collector-eni",
        {"subnetId": "subnet-0a1b2c3d4e5f60001"},
    )
    target = Res(
        "aws:ec2/trafficMirrorTarget:TrafficMirrorTarget",
        "collector",
        {"networkInterfaceId": UNKNOWN},
        region.provider,
        deps={"networkInterfaceId": [collector]},
    )
    stack = [*region.resources, collector, target, *_mirror(region, UNKNOWN, [target])]
    assert violations(stack, NO_PII) == [] and violations(stack, ANONYMISED_ONLY) == []


def test_a_mirror_of_the_pii_hosts_primary_interface_to_a_target_outside_the_stack_is_judged() -> None:
    region = eu_region()
    extra = _mirror(region, "tmt-0a1b2c3d4e5f60099", [])
    found = messages(
        [d for d in violations([*region.resources, *extra], ANONYMISED_ONLY) if d.urn == extra[-1].urn]
    )
    assert "traffic mirroring" in found and "customers-pg" in found


def _datasync(region: Region, destination: object, deps: dict[str, list[Res]]) -> list[Res]:
    bucket = store(region, "aws:s3/bucketV2:BucketV2", "customers", {"bucket": "rt-pii-eu-west-1"})
    source = Res(
        "aws:datasync/s3Location:S3Location",
        "customers-location",
        {
            "s3BucketArn": UNKNOWN,
            "subdirectory": "/",
            "s3Config": {"bucketAccessRoleArn": "arn:aws:iam::123456789012:role/datasync"},
        },
        region.provider,
        deps={"s3BucketArn": [bucket]},
    )
    task = Res(
        "aws:datasync/task:Task",
        "customers-copy",
        {"sourceLocationArn": UNKNOWN, "destinationLocationArn": destination},
        region.provider,
        deps={"sourceLocationArn": [source], **deps},
    )
    return [bucket, source, task]


def test_a_datasync_task_into_the_stacks_own_in_region_location_breaks_no_rule() -> None:
    region = eu_region()
    archive = store(region, "aws:s3/bucketV2:BucketV2", "customers-archive", {"bucket": "rt-pii-archive"})
    archive.protect = True
    target = Res(
        "aws:datasync/s3Location:S3Location",
        "archive-location",
        {
            "s3BucketArn": UNKNOWN,
            "subdirectory": "/",
            "s3Config": {"bucketAccessRoleArn": "arn:aws:iam::123456789012:role/datasync"},
        },
        region.provider,
        deps={"s3BucketArn": [archive]},
    )
    stack = [
        *region.resources,
        archive,
        target,
        *_datasync(region, UNKNOWN, {"destinationLocationArn": [target]}),
    ]
    assert violations(stack, ANONYMISED_ONLY) == []


def test_a_datasync_task_into_a_literal_location_arn_outside_the_stack_is_untraceable() -> None:
    region = eu_region()
    literal = "arn:aws:datasync:eu-west-1:123456789012:location/loc-0a1b2c3d4e5f60002"
    extra = _datasync(region, literal, {})
    found = messages(
        [d for d in violations([*region.resources, *extra], ANONYMISED_ONLY) if d.urn == extra[-1].urn]
    )
    assert "loc-0a1b2c3d4e5f60002" in found and "an id AWS generates" in found


def test_a_file_system_link_to_the_pii_bucket_on_a_literal_file_system_id_is_untraceable() -> None:
    region = eu_region()
    bucket = store(region, "aws:s3/bucketV2:BucketV2", "customers", {"bucket": "rt-pii-eu-west-1"})
    link = Res(
        "aws:fsx/dataRepositoryAssociation:DataRepositoryAssociation",
        "analytics-link",
        {
            "fileSystemId": "fs-0a1b2c3d4e5f60001",
            "dataRepositoryPath": "s3://rt-pii-eu-west-1/",
            "fileSystemPath": "/pii",
        },
        region.provider,
    )
    found = messages(
        [d for d in violations([*region.resources, bucket, link], ANONYMISED_ONLY) if d.urn == link.urn]
    )
    assert "fs-0a1b2c3d4e5f60001" in found and "an id AWS generates" in found
