"""Where a Kubernetes volume keeps its bytes: the storage drivers and volume sources the pack has reviewed.

A claim is provisioned by its StorageClass's `provisioner`, or bound to a PersistentVolume whose source (a
`csi` driver, or an in-tree source such as `awsElasticBlockStore`, `nfs`, `hostPath`) says where its bytes
are. Each driver and source is placed here by kind, with the review: the kind says where the bytes land,
what names that place (a file system id, a bucket, a host) and whether the class's `encrypted` parameter
means anything. `residency_policies/volumes.py` reads these tables; a driver or provisioner not listed here
is unreviewed, and a volume of resident data on one fails closed, naming it.
"""

from __future__ import annotations

from typing import NamedTuple

EBS = "ebs"
"""An EBS volume in the node's zone, in the cluster's region and account: encrypted by the class's
`encrypted` and `kmsKeyId` parameters (dynamic), or as the volume a static PV names is."""
EFS = "efs"
"""An access point or mount of an EFS file system (or, `s3files`, an S3 Files file system): encrypted as the
file system is; in its region and account, or another account's through a cross-account mount."""
S3 = "s3"
"""Mountpoint for Amazon S3: the objects of the bucket `volumeAttributes.bucketName`, in the region its mount
options name (`region`, `endpoint-url`) or the bucket's; encrypted as the bucket's default, or with the key
`sse-kms-key-id` names."""
FSX_LUSTRE = "fsx-lustre"
"""An FSx for Lustre file system: created by the driver in the class's subnet (dynamic, `kmsKeyId`), or the
file system a static PV names (its `dnsname` names its region)."""
FSX_OPENZFS = "fsx-openzfs"
"""An FSx for OpenZFS file system or volume, created by the driver (dynamic, `KmsKeyId`), or the one a static
PV names (its `DNSName` names its region)."""
NODE = "node"
"""The disks of the node the pod runs on (hostPath, local volumes, local-path and LVM provisioners, Longhorn
and OpenEBS replicas): in AWS only on the cluster's EC2 nodes, and never under a KMS key of the stack."""
SERVER = "server"
"""A storage server the volume names by host (NFS, SMB, iSCSI, Ceph, GlusterFS): where it is is where its
host is, which the pack can place only when it is a file system of the stack or names an AWS region."""
OTHER_CLOUD = "other-cloud"
"""Another provider's disks or files (Azure, Google, OpenStack, vSphere): outside AWS by definition."""


class VolumeDriver(NamedTuple):
    """How one CSI driver, provisioner or in-tree source keeps a volume's bytes."""

    kind: str
    """One of the kinds above."""
    review: str
    """What it does with the bytes, from its documentation."""


_NODE_DISKS = "keeps the bytes on the disks of the nodes that run the pods, under no KMS key"
_NETWORK = "mounts a share or a block device from the server its parameters or source name"

VOLUME_DRIVERS: dict[str, VolumeDriver] = {
    "ebs.csi.aws.com": VolumeDriver(EBS, "the EBS CSI driver: encrypted, kmsKeyId (an EBS volume)"),
    "ebs.csi.eks.amazonaws.com": VolumeDriver(EBS, "EKS Auto Mode's EBS driver: the EBS CSI parameters"),
    "kubernetes.io/aws-ebs": VolumeDriver(EBS, "the legacy in-tree EBS provisioner: encrypted, kmsKeyId"),
    "efs.csi.aws.com": VolumeDriver(
        EFS,
        "the EFS CSI driver: access points of fileSystemId (efs-ap), or of an "
        "S3 Files file system (s3files-ap, handle s3files:fs-...); cross-account through a role in a secret",
    ),
    "s3.csi.aws.com": VolumeDriver(
        S3,
        "Mountpoint for Amazon S3: static volumes of bucketName, in the region "
        "its mount options name; cache and permission options (cache, allow-other, uid) are no place",
    ),
    "fsx.csi.aws.com": VolumeDriver(
        FSX_LUSTRE,
        "the FSx for Lustre CSI driver: a new file system in subnetId "
        "(kmsKeyId), or an existing one by volumeHandle and dnsname; s3ImportPath / s3ExportPath link a "
        "bucket",
    ),
    "fsx.openzfs.csi.aws.com": VolumeDriver(
        FSX_OPENZFS,
        "the FSx for OpenZFS CSI driver: a new file system "
        "(KmsKeyId) or volume of ParentVolumeId, or an existing one by volumeHandle and DNSName",
    ),
    **{
        name: VolumeDriver(NODE, f"{what}: {_NODE_DISKS}")
        for name, what in (
            ("kubernetes.io/no-provisioner", "local PersistentVolumes, bound by hand"),
            ("kubernetes.io/host-path", "the in-tree hostPath provisioner"),
            ("hostpath.csi.k8s.io", "the CSI hostpath driver"),
            ("rancher.io/local-path", "Rancher's local-path provisioner"),
            ("cluster.local/local-path-provisioner", "the local-path provisioner (chart name)"),
            ("openebs.io/local", "OpenEBS Local PV hostpath"),
            ("local.csi.openebs.io", "OpenEBS LVM local PV"),
            ("zfs.csi.openebs.io", "OpenEBS ZFS local PV"),
            ("cstor.csi.openebs.io", "OpenEBS cStor replicas on the nodes' disks"),
            ("io.openebs.csi-mayastor", "OpenEBS Mayastor replicas on the nodes' disks"),
            ("jiva.csi.openebs.io", "OpenEBS Jiva replicas on the nodes' disks"),
            ("driver.longhorn.io", "Longhorn replicas (its `encrypted` is LUKS with a key in a Secret)"),
            ("topolvm.io", "TopoLVM logical volumes"),
            ("lvm.csi.metal-stack.io", "csi-driver-lvm logical volumes"),
            ("rook-ceph.rbd.csi.ceph.com", "Rook Ceph block pools on the nodes' disks"),
            ("rook-ceph.cephfs.csi.ceph.com", "Rook CephFS on the nodes' disks"),
        )
    },
    **{
        name: VolumeDriver(SERVER, f"{what}: {_NETWORK}")
        for name, what in (
            ("nfs.csi.k8s.io", "the NFS CSI driver (parameters.server)"),
            ("k8s-sigs.io/nfs-subdir-external-provisioner", "the NFS subdirectory provisioner"),
            (
                "cluster.local/nfs-subdir-external-provisioner",
                "the NFS subdirectory provisioner (chart name)",
            ),
            ("smb.csi.k8s.io", "the SMB CSI driver (parameters.source)"),
            ("rbd.csi.ceph.com", "Ceph RBD on a Ceph cluster outside the pack's sight"),
            ("cephfs.csi.ceph.com", "CephFS on a Ceph cluster outside the pack's sight"),
            ("csi.trident.netapp.io", "NetApp Trident (ONTAP, FSx for NetApp ONTAP, Cloud Volumes) backends"),
        )
    },
    **{
        name: VolumeDriver(OTHER_CLOUD, f"{what}: another provider's storage, outside AWS")
        for name, what in (
            ("disk.csi.azure.com", "Azure Disk"),
            ("file.csi.azure.com", "Azure Files"),
            ("blob.csi.azure.com", "Azure Blob"),
            ("kubernetes.io/azure-disk", "Azure Disk (in-tree)"),
            ("kubernetes.io/azure-file", "Azure Files (in-tree)"),
            ("pd.csi.storage.gke.io", "Google persistent disks"),
            ("filestore.csi.storage.gke.io", "Google Filestore"),
            ("gcsfuse.csi.storage.gke.io", "Google Cloud Storage"),
            ("kubernetes.io/gce-pd", "Google persistent disks (in-tree)"),
            ("cinder.csi.openstack.org", "OpenStack Cinder"),
            ("kubernetes.io/cinder", "OpenStack Cinder (in-tree)"),
            ("csi.vsphere.vmware.com", "vSphere volumes"),
            ("kubernetes.io/vsphere-volume", "vSphere volumes (in-tree)"),
        )
    },
}
"""Every CSI driver and provisioner the pack has reviewed, by the name a StorageClass's `provisioner` or a
PersistentVolume's `csi.driver` gives it."""

IN_TREE_SOURCES: dict[str, tuple[str, str]] = {
    "awsElasticBlockStore": (EBS, "volumeID"),
    "nfs": (SERVER, "server"),
    "iscsi": (SERVER, "targetPortal"),
    "fc": (SERVER, "targetWWNs"),
    "rbd": (SERVER, "monitors"),
    "cephfs": (SERVER, "monitors"),
    "glusterfs": (SERVER, "endpoints"),
    "quobyte": (SERVER, "registry"),
    "storageos": (SERVER, "volumeName"),
    "scaleIO": (SERVER, "gateway"),
    "portworxVolume": (SERVER, "volumeID"),
    "flexVolume": (SERVER, "driver"),
    "flocker": (SERVER, "datasetName"),
    "hostPath": (NODE, "path"),
    "local": (NODE, "path"),
    "azureDisk": (OTHER_CLOUD, "diskURI"),
    "azureFile": (OTHER_CLOUD, "shareName"),
    "gcePersistentDisk": (OTHER_CLOUD, "pdName"),
    "cinder": (OTHER_CLOUD, "volumeID"),
    "vsphereVolume": (OTHER_CLOUD, "volumePath"),
    "photonPersistentDisk": (OTHER_CLOUD, "pdID"),
}
"""A PersistentVolume's in-tree sources (every one the core/v1 API defines besides `csi`): their kind and the
field that names the volume, for messages."""

EFS_CROSS_ACCOUNT_SECRETS = (
    "csi.storage.k8s.io/provisioner-secret",
    "csi.storage.k8s.io/node-publish-secret",
)
"""StorageClass parameters (`<prefix>-name`, `<prefix>-namespace`) naming the Secret whose `awsRoleArn` makes
the EFS CSI driver provision and mount in that role's account."""

EFS_ROLE_KEY = "awsRoleArn"
"""The key of the EFS CSI driver's cross-account Secret that names the role in the file system's account."""

HYBRID_COMPUTE_LABEL = "eks.amazonaws.com/compute-type"
"""The node label EKS gives its nodes' compute (`hybrid` on EKS Hybrid Nodes, on premises); a volume pinned by
node affinity away from `hybrid` (NotIn, or In without it) is on the cluster's EC2 nodes."""
HYBRID_COMPUTE_TYPE = "hybrid"
