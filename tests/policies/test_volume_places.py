"""Where a Kubernetes volume really keeps its bytes: pii-in-jurisdiction and pii-encryption judge the place.

A claim's bytes are where its class's provisioner or the PersistentVolume it binds to keeps them: an S3
bucket through Mountpoint, an EFS or S3 Files file system (perhaps another account's), an FSx file system,
a node's disk (perhaps on premises, on EKS Hybrid Nodes), another provider's storage, or a driver the pack
has not reviewed. Each test starts from a compliant PII volume and changes one thing.
"""

from __future__ import annotations

import base64

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import OTHER_ACCOUNT, PII, mumbai, store
from tests.policies.policy_harness import UNKNOWN, Res, aws_provider, messages, violations

JURISDICTION = "pii-in-jurisdiction"
ENCRYPTION = "pii-encryption"
PERSISTENT_VOLUME = "kubernetes:core/v1:PersistentVolume"
CLAIM = "kubernetes:core/v1:PersistentVolumeClaim"
STORAGE_CLASS = "kubernetes:storage.k8s.io/v1:StorageClass"


def virginia() -> Res:
    """An AWS provider in us-east-1, outside every jurisdiction of the pack."""
    return aws_provider("virginia", "us-east-1", {"jurisdiction": "EU", "managed-by": "pulumi"})


def encrypted_bucket(region: Region, provider: Res | None = None, name: str = "documents-eu") -> list[Res]:
    """A PII bucket with default encryption under the region's key (both in the provider's region)."""
    bucket = store(region, "aws:s3/bucket:Bucket", "documents", {"bucket": name})
    bucket.provider = provider or region.provider
    encryption = Res(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "documents-encryption",
        {
            "bucket": UNKNOWN,
            "rules": [
                {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": UNKNOWN}}
            ],
        },
        provider or region.provider,
        deps={"bucket": [bucket], "rules": [region.key]},
    )
    return [bucket, encryption]


def volume(region: Region, csi: dict, deps: list[Res] | None = None, **spec: object) -> Res:
    """A static PII PersistentVolume of a CSI driver, without a StorageClass."""
    return Res(
        PERSISTENT_VOLUME,
        "documents",
        {
            "metadata": {"name": "documents", "labels": dict(PII)},
            "spec": {
                "capacity": {"storage": "1200Gi"},
                "accessModes": ["ReadWriteMany"],
                "storageClassName": "",
                "persistentVolumeReclaimPolicy": "Retain",
                "csi": csi,
                **spec,
            },
        },
        region.kubernetes,
        deps={"spec": deps or []},
    )


def claim(region: Region, volume_name: str = "documents", class_name: str = "") -> Res:
    """A PII claim bound to the PersistentVolume of that name."""
    spec: dict[str, object] = {
        "storageClassName": class_name,
        "accessModes": ["ReadWriteMany"],
        "resources": {"requests": {"storage": "1200Gi"}},
    }
    if volume_name:
        spec["volumeName"] = volume_name
    return Res(
        CLAIM,
        "documents",
        {"metadata": {"name": "documents", "namespace": "app", "labels": dict(PII)}, "spec": spec},
        region.kubernetes,
    )


def mountpoint(region: Region, bucket: Res | None, options: list[str], bucket_name: str = UNKNOWN) -> Res:
    """A Mountpoint for Amazon S3 volume of a bucket (the stack's, or a literal name)."""
    return volume(
        region,
        {
            "driver": "s3.csi.aws.com",
            "volumeHandle": "documents-volume",
            "volumeAttributes": {"bucketName": bucket_name if bucket is None else UNKNOWN},
        },
        [bucket] if bucket is not None else [],
        mountOptions=options,
    )


def _found(resources: list[Res], policy: str, urns: tuple[str, ...]) -> str:
    return messages([d for d in violations(resources, policy) if d.urn in urns])


# Mountpoint for Amazon S3 -----------------------------------------------------------------------------------


def _mountpoint_stack(options: list[str], provider: Res | None = None) -> tuple[list[Res], tuple[str, ...]]:
    region = eu_region()
    bucket, encryption = encrypted_bucket(region, provider)
    pv = mountpoint(region, bucket, options)
    pvc = claim(region)
    return [*region.resources, bucket, encryption, pv, pvc], (pv.urn, pvc.urn)


def test_a_mountpoint_volume_on_an_in_region_stack_bucket_with_the_stack_key_passes() -> None:
    # Cache, permission and prefix options are no place: only region, endpoint and bucket matter.
    resources, _ = _mountpoint_stack(
        ["allow-delete", "allow-other", "cache /tmp/s3-cache", "region eu-west-1"]
    )
    assert violations(resources, JURISDICTION) == []
    assert violations(resources, ENCRYPTION) == []


def test_a_mountpoint_volume_on_a_stack_bucket_in_another_region_is_blocked() -> None:
    resources, urns = _mountpoint_stack(["allow-delete"], virginia())
    found = _found(resources, JURISDICTION, urns)
    assert "'documents'" in found and "us-east-1" in found


@pytest.mark.parametrize(
    "option",
    ["region us-east-1", "--region=us-east-1", "endpoint-url https://s3.us-east-1.amazonaws.com"],
)
def test_a_mountpoint_volume_whose_mount_options_name_another_region_is_blocked(option: str) -> None:
    region = eu_region()
    pv = mountpoint(region, None, ["allow-delete", option, "sse aws:kms"], "partner-uploads")
    found = _found([*region.resources, pv, claim(region)], JURISDICTION, (pv.urn,))
    assert "us-east-1" in found and "partner-uploads" in found


def test_a_mountpoint_volume_of_a_bucket_outside_the_stack_in_no_named_region_is_blocked() -> None:
    region = eu_region()
    pv = mountpoint(region, None, ["allow-delete"], "partner-uploads")
    resources = [*region.resources, pv, claim(region)]
    assert "in a region no mount option names" in _found(resources, JURISDICTION, (pv.urn,))
    assert "partner-uploads is not in this stack" in _found(resources, ENCRYPTION, (pv.urn,))


def test_a_mountpoint_volume_on_an_s3_compatible_endpoint_outside_aws_is_blocked() -> None:
    region = eu_region()
    pv = mountpoint(region, None, ["region eu-west-1", "endpoint-url https://minio.example.com"], "uploads")
    assert "outside AWS" in _found([*region.resources, pv, claim(region)], JURISDICTION, (pv.urn,))


def test_a_mountpoint_volume_writing_with_an_s3_managed_key_is_blocked() -> None:
    resources, urns = _mountpoint_stack(["sse AES256"])
    assert "S3-managed key" in _found(resources, ENCRYPTION, urns)


def test_a_claim_bound_to_a_mountpoint_volume_is_judged_by_the_volume() -> None:
    resources, urns = _mountpoint_stack(["region us-east-1"])
    found = violations(resources, JURISDICTION)
    assert urns[1] in {d.urn for d in found}


# EFS ------------------------------------------------------------------------------------------------------


def _efs(region: Region, provider: Res | None = None) -> Res:
    file_system = store(
        region, "aws:efs/fileSystem:FileSystem", "shared", {"encrypted": True, "kmsKeyId": UNKNOWN}
    )
    file_system.deps["kmsKeyId"] = [region.key]
    file_system.provider = provider or region.provider
    return file_system


def _efs_volume_stack(**csi: object) -> tuple[Region, Res, Res, list[Res]]:
    region = eu_region()
    file_system = _efs(region)
    pv = volume(
        region,
        {"driver": "efs.csi.aws.com", "volumeHandle": UNKNOWN, **csi},
        [file_system],
    )
    return region, file_system, pv, [*region.resources, file_system, pv, claim(region)]


def test_an_efs_volume_on_the_stacks_in_region_encrypted_file_system_passes() -> None:
    _, _, _, resources = _efs_volume_stack()
    assert violations(resources, JURISDICTION) == []
    assert violations(resources, ENCRYPTION) == []


def test_an_efs_volume_mounted_across_accounts_through_its_node_publish_secret_is_blocked() -> None:
    region, _, pv, resources = _efs_volume_stack(
        nodePublishSecretRef={"name": "x-account", "namespace": "kube-system"}
    )
    role = f"arn:aws:iam::{OTHER_ACCOUNT}:role/efs-mount"
    secret = Res(
        "kubernetes:core/v1:Secret",
        "x-account",
        {
            "metadata": {"name": "x-account", "namespace": "kube-system"},
            "data": {"awsRoleArn": base64.b64encode(role.encode()).decode()},
        },
        region.kubernetes,
    )
    assert OTHER_ACCOUNT in _found([*resources, secret], JURISDICTION, (pv.urn,))


def test_an_efs_volume_of_a_file_system_outside_the_stack_with_a_crossaccount_mount_is_blocked() -> None:
    region = eu_region()
    pv = volume(
        region,
        {
            "driver": "efs.csi.aws.com",
            "volumeHandle": "fs-0123456789abcdef0::fsap-0123456789abcdef0",
            "volumeAttributes": {"crossaccount": "true"},
        },
    )
    found = _found([*region.resources, pv, claim(region)], JURISDICTION, (pv.urn,))
    assert "fs-0123456789abcdef0" in found and "account that cannot be traced" in found


def _efs_class_stack(parameters: dict, provider: Res | None = None) -> tuple[Region, Res, list[Res]]:
    region = eu_region()
    file_system = _efs(region, provider)
    template = region.telemetry.props["spec"]["volumeClaimTemplates"][0]
    template["metadata"]["labels"]["data-classification"] = "pii"
    template["spec"]["storageClassName"] = "efs-pii"
    storage_class = Res(
        STORAGE_CLASS,
        "efs-pii",
        {
            "metadata": {"name": "efs-pii"},
            "provisioner": "efs.csi.aws.com",
            "parameters": {"provisioningMode": "efs-ap", "fileSystemId": UNKNOWN, **parameters},
            "reclaimPolicy": "Retain",
        },
        region.kubernetes,
        deps={"parameters": [file_system]},
    )
    return region, storage_class, [*region.resources, file_system, storage_class]


def test_claims_on_an_efs_class_of_a_file_system_in_another_region_are_blocked() -> None:
    region, _, resources = _efs_class_stack({}, virginia())
    assert "us-east-1" in _found(resources, JURISDICTION, (region.telemetry.urn,))


def test_claims_on_an_efs_class_mounting_in_another_regions_zone_are_blocked() -> None:
    region, _, resources = _efs_class_stack({"az": "us-east-1a"})
    assert "us-east-1" in _found(resources, JURISDICTION, (region.telemetry.urn,))


def test_claims_on_an_efs_class_provisioning_through_another_accounts_role_are_blocked() -> None:
    region, _, resources = _efs_class_stack(
        {
            "csi.storage.k8s.io/provisioner-secret-name": "x-account",
            "csi.storage.k8s.io/provisioner-secret-namespace": "kube-system",
        }
    )
    secret = Res(
        "kubernetes:core/v1:Secret",
        "x-account",
        {
            "metadata": {"name": "x-account", "namespace": "kube-system"},
            "stringData": {"awsRoleArn": f"arn:aws:iam::{OTHER_ACCOUNT}:role/efs"},
        },
        region.kubernetes,
    )
    assert OTHER_ACCOUNT in _found([*resources, secret], JURISDICTION, (region.telemetry.urn,))
    # A Secret the stack does not declare cannot show whose account the role is in.
    assert "account that cannot be traced" in _found(resources, JURISDICTION, (region.telemetry.urn,))


def test_an_s3_files_volume_is_judged_as_the_stacks_s3_files_file_system() -> None:
    region = eu_region()
    file_system = store(region, "aws:s3/filesFileSystem:FilesFileSystem", "files", {"kmsKeyId": UNKNOWN})
    file_system.deps["kmsKeyId"] = [region.key]
    file_system.provider = virginia()
    pv = volume(region, {"driver": "efs.csi.aws.com", "volumeHandle": UNKNOWN}, [file_system])
    assert "us-east-1" in _found([*region.resources, file_system, pv], JURISDICTION, (pv.urn,))


def test_an_s3_files_volume_of_a_file_system_outside_the_stack_cannot_show_its_encryption() -> None:
    region = eu_region()
    pv = volume(region, {"driver": "efs.csi.aws.com", "volumeHandle": "s3files:fs-0123456789abcdef0"})
    assert "fs-0123456789abcdef0 is not a file system" in _found(
        [*region.resources, pv], ENCRYPTION, (pv.urn,)
    )


# Nodes on premises ----------------------------------------------------------------------------------------


def _local_volume(region: Region, affinity: list[dict] | None = None) -> Res:
    terms = affinity or [
        {"matchExpressions": [{"key": "kubernetes.io/hostname", "operator": "In", "values": ["node-1"]}]}
    ]
    pv = volume(
        region, {}, local={"path": "/mnt/disks/ssd1"}, nodeAffinity={"required": {"nodeSelectorTerms": terms}}
    )
    del pv.props["spec"]["csi"]
    return pv


def _hybrid(region: Region) -> None:
    region.cluster.props["remoteNetworkConfig"] = {"remoteNodeNetworks": {"cidrs": ["10.200.0.0/16"]}}


def test_a_local_volume_in_a_cluster_without_hybrid_nodes_stays_in_the_region() -> None:
    region = eu_region()
    pv = _local_volume(region)
    assert _found([*region.resources, pv], JURISDICTION, (pv.urn,)) == ""


def test_a_local_volume_on_a_cluster_with_hybrid_nodes_may_be_on_premises() -> None:
    region = eu_region()
    _hybrid(region)
    pv = _local_volume(region)
    assert "on premises" in _found([*region.resources, pv], JURISDICTION, (pv.urn,))


def test_a_local_volume_pinned_away_from_hybrid_nodes_stays_in_the_region() -> None:
    region = eu_region()
    _hybrid(region)
    pinned = [
        {
            "matchExpressions": [
                {"key": "eks.amazonaws.com/compute-type", "operator": "NotIn", "values": ["hybrid"]}
            ]
        }
    ]
    pv = _local_volume(region, pinned)
    assert _found([*region.resources, pv], JURISDICTION, (pv.urn,)) == ""


def test_claims_on_a_local_path_class_of_a_cluster_with_hybrid_nodes_are_blocked() -> None:
    region = eu_region()
    _hybrid(region)
    region.storage_class.props["provisioner"] = "rancher.io/local-path"
    # Telemetry is resident too: its bytes may be on premises.
    assert "on premises" in _found(region.resources, JURISDICTION, (region.telemetry.urn,))


# Provisioners and encryption ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("provisioner", "why"),
    [
        ("rancher.io/local-path", "is no KMS key of the stack"),
        ("driver.longhorn.io", "is no KMS key of the stack"),
        ("openebs.io/local", "is no KMS key of the stack"),
        ("nfs.csi.k8s.io", "nothing shows the key its bytes are encrypted with"),
        ("kubernetes.io/no-provisioner", "provisions nothing"),
    ],
)
def test_pii_claims_on_a_class_whose_provisioner_ignores_encrypted_are_blocked(
    provisioner: str, why: str
) -> None:
    # The class still says encrypted: "true" and names the stack's key: only the EBS drivers honour them.
    region = eu_region()
    template = region.telemetry.props["spec"]["volumeClaimTemplates"][0]
    template["metadata"]["labels"]["data-classification"] = "pii"
    region.storage_class.props["provisioner"] = provisioner
    assert why in messages(violations(region.resources, ENCRYPTION))


def test_pii_claims_on_an_ebs_class_with_another_regions_key_are_blocked() -> None:
    region = eu_region()
    template = region.telemetry.props["spec"]["volumeClaimTemplates"][0]
    template["metadata"]["labels"]["data-classification"] = "pii"
    region.storage_class.props["parameters"]["kmsKeyId"] = (
        "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    )
    region.storage_class.deps = {}
    assert "us-east-1" in messages(violations(region.resources, ENCRYPTION))


@pytest.mark.parametrize("spelling", ["KmsKeyId", "KMSKEYID"])
def test_pii_claims_on_an_ebs_class_naming_another_regions_key_in_any_case_are_blocked(spelling: str) -> None:
    """The EBS CSI driver reads its parameters' keys in any case (it lowercases them), so `KmsKeyId` names
    the volumes' key as `kmsKeyId` does (reviewer blind-k8s10)."""
    region = eu_region()
    template = region.telemetry.props["spec"]["volumeClaimTemplates"][0]
    template["metadata"]["labels"]["data-classification"] = "pii"
    parameters = region.storage_class.props["parameters"]
    del parameters["kmsKeyId"]
    parameters[spelling] = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    region.storage_class.deps = {}
    assert "us-east-1" in messages(violations(region.resources, ENCRYPTION))


def test_pii_claims_on_an_ebs_class_naming_the_stacks_key_in_another_case_pass() -> None:
    region = eu_region()
    template = region.telemetry.props["spec"]["volumeClaimTemplates"][0]
    template["metadata"]["labels"]["data-classification"] = "pii"
    parameters = region.storage_class.props["parameters"]
    parameters["KmsKeyId"] = parameters.pop("kmsKeyId")
    parameters["Encrypted"] = parameters.pop("encrypted")
    assert violations(region.resources, ENCRYPTION) == []


def test_pii_claims_on_an_ebs_class_naming_two_keys_in_different_cases_are_blocked() -> None:
    """The driver keeps whichever spelling it reads last (map order): the pack cannot tell which key wins."""
    region = eu_region()
    template = region.telemetry.props["spec"]["volumeClaimTemplates"][0]
    template["metadata"]["labels"]["data-classification"] = "pii"
    region.storage_class.props["parameters"]["KMSKeyId"] = (
        "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    )
    found = messages(violations(region.resources, ENCRYPTION))
    assert "us-east-1" in found or "KMSKeyId" in found, found


def test_eks_auto_modes_ebs_class_is_an_ebs_class() -> None:
    region = eu_region()
    template = region.telemetry.props["spec"]["volumeClaimTemplates"][0]
    template["metadata"]["labels"]["data-classification"] = "pii"
    region.storage_class.props["provisioner"] = "ebs.csi.eks.amazonaws.com"
    assert violations(region.resources, ENCRYPTION) == []
    assert violations(region.resources, JURISDICTION) == []


# Drivers the pack does not know, other clouds, FSx --------------------------------------------------------


def test_a_pii_volume_of_a_csi_driver_the_pack_has_not_reviewed_fails_closed_naming_it() -> None:
    region = eu_region()
    pv = volume(region, {"driver": "csi.example.com", "volumeHandle": "vol-1"})
    resources = [*region.resources, pv]
    unreviewed = "the storage driver csi.example.com is not one the pack has reviewed"
    assert unreviewed in _found(resources, JURISDICTION, (pv.urn,))
    assert unreviewed in _found(resources, ENCRYPTION, (pv.urn,))


def test_pii_claims_on_a_class_of_a_provisioner_the_pack_has_not_reviewed_fail_closed_naming_it() -> None:
    region = eu_region()
    template = region.telemetry.props["spec"]["volumeClaimTemplates"][0]
    template["metadata"]["labels"]["data-classification"] = "pii"
    region.storage_class.props["provisioner"] = "storage.example.com/block"
    assert "the storage driver storage.example.com/block is not one the pack has reviewed" in messages(
        violations(region.resources, JURISDICTION)
    )


def test_a_pii_volume_on_another_providers_disk_is_outside_aws() -> None:
    region = eu_region()
    pv = volume(region, {"driver": "disk.csi.azure.com", "volumeHandle": "/subscriptions/x/disks/d"})
    assert "outside AWS" in _found([*region.resources, pv], JURISDICTION, (pv.urn,))


@pytest.mark.parametrize(
    ("driver", "attributes"),
    [
        (
            "fsx.csi.aws.com",
            {"dnsname": "fs-0123456789abcdef0.fsx.us-east-1.amazonaws.com", "mountname": "fsx"},
        ),
        (
            "fsx.openzfs.csi.aws.com",
            {"DNSName": "fs-0123456789abcdef0.fsx.us-east-1.amazonaws.com", "VolumePath": "/fsx"},
        ),
    ],
)
def test_a_pii_volume_of_an_fsx_file_system_in_another_region_is_blocked(
    driver: str, attributes: dict
) -> None:
    region = eu_region()
    pv = volume(
        region, {"driver": driver, "volumeHandle": "fs-0123456789abcdef0", "volumeAttributes": attributes}
    )
    assert "us-east-1" in _found([*region.resources, pv], JURISDICTION, (pv.urn,))


def test_a_pii_nfs_volume_of_a_server_the_pack_cannot_place_is_blocked() -> None:
    region = eu_region()
    pv = volume(region, {})
    del pv.props["spec"]["csi"]
    pv.props["spec"]["nfs"] = {"server": "10.20.30.40", "path": "/exports/documents"}
    assert "10.20.30.40" in _found([*region.resources, pv], JURISDICTION, (pv.urn,))


def test_the_stacks_bucket_a_pii_volume_keeps_its_bytes_in_holds_pii() -> None:
    region = eu_region()
    bucket, encryption = encrypted_bucket(region, virginia())
    bucket.props["tags"] = {"data-classification": "anonymised"}
    pv = mountpoint(region, bucket, [])
    # The bucket is judged as what it holds: personal data, in us-east-1.
    assert bucket.urn in {
        d.urn for d in violations([*region.resources, bucket, encryption, pv], JURISDICTION)
    }


def test_mumbai_is_outside_the_eu() -> None:
    region = eu_region()
    bucket, encryption = encrypted_bucket(region, mumbai())
    pv = mountpoint(region, bucket, [])
    assert "ap-south-1" in _found([*region.resources, bucket, encryption, pv], JURISDICTION, (pv.urn,))


# A workload that reads the PII database and writes to a volume ------------------------------------------


def _writer(region: Region, claim_name: str = "documents") -> Res:
    """A Deployment given the PII database's host that mounts a claim."""
    container = {
        "name": "exporter",
        "image": "example/exporter:2.1.0",
        "env": [{"name": "DATABASE_HOST", "value": UNKNOWN}],
        "volumeMounts": [{"name": "documents", "mountPath": "/data"}],
    }
    return Res(
        "kubernetes:apps/v1:Deployment",
        "exporter",
        {
            "metadata": {"name": "exporter", "namespace": "app", "labels": {"app": "exporter"}},
            "spec": {
                "selector": {"matchLabels": {"app": "exporter"}},
                "template": {
                    "metadata": {"labels": {"app": "exporter"}},
                    "spec": {
                        "containers": [container],
                        "volumes": [
                            {"name": "documents", "persistentVolumeClaim": {"claimName": claim_name}}
                        ],
                    },
                },
            },
        },
        region.kubernetes,
        deps={"spec": [region.database]},
    )


def _written_volume(options: list[str]) -> tuple[list[Res], Res]:
    # The claim and its volume are labelled internal: what the workload writes there is its own business,
    # but where the volume keeps its bytes is a place the workload sends what it reads.
    region = eu_region()
    pv = mountpoint(region, None, ["sse aws:kms", *options], "exporter-drops")
    pv.props["metadata"]["labels"] = {"data-classification": "internal"}
    pvc = claim(region)
    pvc.props["metadata"]["labels"] = {"data-classification": "internal"}
    writer = _writer(region)
    return [*region.resources, pv, pvc, writer], writer


def test_a_workload_reading_pii_that_mounts_a_volume_kept_in_another_region_is_blocked() -> None:
    resources, writer = _written_volume(["region us-east-1"])
    found = [d for d in violations(resources, "no-pii-replication") if d.urn == writer.urn]
    assert "us-east-1" in messages(found)


def test_a_workload_reading_pii_that_mounts_a_volume_kept_in_region_passes() -> None:
    # A bucket outside the stack is in the account its expected-bucket-owner names, else untraceable.
    resources, writer = _written_volume(["region eu-west-1", "expected-bucket-owner 123456789012"])
    assert [d for d in violations(resources, "no-pii-replication") if d.urn == writer.urn] == []


# Static EBS volumes, storage servers, FSx classes, binding -----------------------------------------------


def test_a_static_ebs_volume_the_stack_declares_is_judged_as_that_volume() -> None:
    region = eu_region()
    disk = store(
        region,
        "aws:ebs/volume:Volume",
        "documents-disk",
        {"availabilityZone": "eu-west-1a", "encrypted": True, "kmsKeyId": UNKNOWN},
    )
    disk.deps["kmsKeyId"] = [region.key]
    pv = volume(region, {"driver": "ebs.csi.aws.com", "volumeHandle": UNKNOWN, "fsType": "ext4"}, [disk])
    resources = [*region.resources, disk, pv]
    assert _found(resources, ENCRYPTION, (pv.urn,)) == ""
    disk.props["encrypted"] = False
    assert "'documents-disk'" in _found(resources, ENCRYPTION, (pv.urn,))


def test_a_static_ebs_volume_the_stack_does_not_declare_cannot_show_its_encryption() -> None:
    region = eu_region()
    pv = volume(region, {})
    del pv.props["spec"]["csi"]
    pv.props["spec"]["awsElasticBlockStore"] = {"volumeID": "aws://eu-west-1a/vol-0123456789abcdef0"}
    resources = [*region.resources, pv]
    assert "vol-0123456789abcdef0 is not an EBS volume this stack declares" in _found(
        resources, ENCRYPTION, (pv.urn,)
    )
    assert _found(resources, JURISDICTION, (pv.urn,)) == ""


def test_an_nfs_volume_of_the_stacks_efs_file_system_is_judged_as_that_file_system() -> None:
    region = eu_region()
    file_system = _efs(region, virginia())
    file_system.props["creationToken"] = "shared"
    pv = volume(region, {}, [file_system])
    del pv.props["spec"]["csi"]
    pv.props["spec"]["nfs"] = {"server": UNKNOWN, "path": "/"}
    assert "us-east-1" in _found([*region.resources, file_system, pv], JURISDICTION, (pv.urn,))


def test_claims_on_a_lustre_class_exporting_to_another_regions_bucket_are_blocked() -> None:
    region = eu_region()
    bucket, encryption = encrypted_bucket(region, virginia())
    region.storage_class.props["provisioner"] = "fsx.csi.aws.com"
    region.storage_class.props["parameters"] = {
        "subnetId": "subnet-0123",
        "deploymentType": "PERSISTENT_2",
        "kmsKeyId": UNKNOWN,
        "s3ExportPath": UNKNOWN,
    }
    region.storage_class.deps = {"parameters": [region.telemetry_key, bucket]}
    found = _found([*region.resources, bucket, encryption], JURISDICTION, (region.telemetry.urn,))
    assert "us-east-1" in found and "s3ExportPath" in found


def test_claims_on_a_lustre_class_without_a_key_are_under_fsxs_default_key() -> None:
    region = eu_region()
    template = region.telemetry.props["spec"]["volumeClaimTemplates"][0]
    template["metadata"]["labels"]["data-classification"] = "pii"
    region.storage_class.props["provisioner"] = "fsx.csi.aws.com"
    region.storage_class.props["parameters"] = {"subnetId": "subnet-0123", "deploymentType": "PERSISTENT_2"}
    region.storage_class.deps = {}
    assert "no customer-managed key is set" in messages(violations(region.resources, ENCRYPTION))


def test_a_pii_claim_bound_to_a_volume_the_stack_does_not_declare_is_blocked() -> None:
    region = eu_region()
    pvc = claim(region, "someone-elses-volume")
    resources = [*region.resources, pvc]
    assert "'someone-elses-volume'" in _found(resources, JURISDICTION, (pvc.urn,))
    assert "'someone-elses-volume'" in _found(resources, ENCRYPTION, (pvc.urn,))


def test_a_pii_claim_without_a_class_and_no_volume_of_the_stack_to_bind_is_blocked() -> None:
    region = eu_region()
    pvc = claim(region, "")
    assert 'its storageClassName is ""' in _found([*region.resources, pvc], ENCRYPTION, (pvc.urn,))


def test_a_pii_claim_reserved_by_a_volumes_claim_ref_is_judged_by_that_volume() -> None:
    region = eu_region()
    pv = mountpoint(region, None, ["region us-east-1"], "partner-uploads")
    pv.props["spec"]["claimRef"] = {"name": "documents", "namespace": "app"}
    pvc = claim(region, "")
    # The volume's claimRef reserves it, whatever the claim's class.
    del pvc.props["spec"]["storageClassName"]
    assert "us-east-1" in _found([*region.resources, pv, pvc], JURISDICTION, (pvc.urn,))


# What a bound claim keeps: its volume's reclaim policy ---------------------------------------------------


def test_a_claim_bound_to_a_retained_volume_of_the_stack_keeps_its_bytes() -> None:
    resources, (_, pvc) = _mountpoint_stack(["region eu-west-1"])
    assert _found(resources, "pii-no-data-loss", (pvc,)).count("can be lost") == 1  # protect=True only
    assert "protect=True" in _found(resources, "pii-no-data-loss", (pvc,))


def test_a_volume_that_deletes_its_bytes_when_released_is_blocked() -> None:
    resources, (pv, pvc) = _mountpoint_stack(["region eu-west-1"])
    volume_resource = next(r for r in resources if r.urn == pv)
    volume_resource.props["spec"]["persistentVolumeReclaimPolicy"] = "Delete"
    assert "persistentVolumeReclaimPolicy Delete" in _found(resources, "pii-no-data-loss", (pv,))
    assert "persistentVolumeReclaimPolicy Delete" in _found(resources, "pii-no-data-loss", (pvc,))


def test_a_claim_bound_by_name_keeps_what_its_volume_keeps_whatever_its_class_would_do() -> None:
    region = eu_region()
    region.storage_class.props["reclaimPolicy"] = "Delete"
    bucket, encryption = encrypted_bucket(region)
    pv = mountpoint(region, bucket, ["region eu-west-1"])
    pv.props["spec"]["storageClassName"] = "telemetry-gp3"
    pvc = claim(region, "documents", "telemetry-gp3")
    found = _found([*region.resources, bucket, encryption, pv, pvc], "pii-no-data-loss", (pvc.urn,))
    assert "deletes volumes" not in found and "protect=True" in found


def test_an_efs_volume_mounted_through_an_address_that_is_no_mount_target_of_the_stack_is_blocked() -> None:
    # A mount target's address in a peered network may be another region's file system.
    _, _, pv, resources = _efs_volume_stack(volumeAttributes={"mounttargetip": "10.77.1.10"})
    assert "10.77.1.10" in _found(resources, JURISDICTION, (pv.urn,))


def test_claims_on_an_efs_class_naming_its_file_system_through_a_config_map_are_blocked() -> None:
    region, storage_class, resources = _efs_class_stack({})
    storage_class.props["parameters"].pop("fileSystemId")
    storage_class.props["parameters"]["fileSystemIdConfigRef"] = "kube-system/efs-ids/documents"
    storage_class.deps = {}
    template = region.telemetry.props["spec"]["volumeClaimTemplates"][0]
    assert template["metadata"]["labels"]["data-classification"] == "pii"
    assert "fileSystemIdConfigRef" in _found(resources, ENCRYPTION, (region.telemetry.urn,))
    assert "fileSystemIdConfigRef" in _found(resources, JURISDICTION, (region.telemetry.urn,))


def test_pii_claims_on_an_openzfs_class_are_under_the_key_its_kms_key_id_names() -> None:
    region = eu_region()
    template = region.telemetry.props["spec"]["volumeClaimTemplates"][0]
    template["metadata"]["labels"]["data-classification"] = "pii"
    region.storage_class.props["provisioner"] = "fsx.openzfs.csi.aws.com"
    region.storage_class.props["parameters"] = {
        "ResourceType": "filesystem",
        "DeploymentType": '"SINGLE_AZ_HA_2"',
        "KmsKeyId": '"arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"',
    }
    region.storage_class.deps = {}
    assert "is in us-east-1, not in the data's region eu-west-1" in messages(
        violations(region.resources, ENCRYPTION)
    )


@pytest.mark.preview_only("mount options computed from another resource are unknown only at a first preview")
def test_a_mountpoint_volume_whose_mount_options_are_unknown_fails_closed() -> None:
    region = eu_region()
    pv = mountpoint(region, None, ["allow-delete", UNKNOWN], "partner-uploads")
    assert "mount options unknown at preview" in _found([*region.resources, pv], JURISDICTION, (pv.urn,))


@pytest.mark.preview_only("a bucket name unknown at preview may be any bucket its volume was computed from")
def test_a_volume_computed_from_several_buckets_is_judged_on_each() -> None:
    region = eu_region()
    bucket, encryption = encrypted_bucket(region)
    elsewhere = store(region, "aws:s3/bucket:Bucket", "archive", {"bucket": "archive-us"})
    elsewhere.provider = virginia()
    pv = mountpoint(region, bucket, [])
    pv.deps["spec"].append(elsewhere)
    assert "us-east-1" in _found(
        [*region.resources, bucket, encryption, elsewhere, pv], JURISDICTION, (pv.urn,)
    )
