"""Where a Kubernetes node keeps what its pods write and hold: the directories a hostPath reads them through.

A workload whose pods mount one of these directories (a log shipper's /var/log/pods, a "volume backup"
DaemonSet's kubelet staging directory), a directory above one (/var/lib, the node's root `/`) or one inside
(`/var/lib/kubelet/plugins/kubernetes.io/csi/ebs.csi.aws.com/<volume>/globalmount`) reads what every pod of
its node writes there; `residency_policies/lineage_nodes.py` reads this table. Each entry says what the
directory holds of the pods, for a message. Paths from kubernetes.io/docs/concepts/cluster-administration/
logging/ (the kubelet's and the container runtime's logs), the kubelet's root directory layout
(`--root-dir`, /var/lib/kubelet: `pods/<uid>/volumes/<plugin>/<name>`, `plugins/kubernetes.io/csi/<driver>/
<volume hash>/globalmount` where a CSI driver stages a volume for the node, `plugins/kubernetes.io/csi/
volumeDevices/` for block volumes, `plugins/<driver>/` for a driver's own files) and the Linux device tree.
"""

from __future__ import annotations

LOGS = "logs"
VOLUMES = "volumes"
FILE_SYSTEMS = "logs and file systems"
EVERYTHING = "logs and volumes"
"""What a directory above several of the entries holds, or a mount the pack cannot read (for a message)."""

NODE_OUTPUT_PATHS: dict[str, str] = {
    "/var/log/pods": LOGS,
    "/var/log/containers": LOGS,
    "/var/lib/docker/containers": LOGS,
    "/var/lib/containerd": FILE_SYSTEMS,
    "/var/lib/kubelet/pods": VOLUMES,
    # The kubelet stages every CSI volume of the node under plugins/kubernetes.io/csi (globalmount) before
    # it bind-mounts it into the pods' directories, and in-tree plugins mount theirs under
    # plugins/kubernetes.io/<plugin>; a driver's own directory may hold what it mounts too (reviewer
    # blind-k8s14 a12).
    "/var/lib/kubelet/plugins": VOLUMES,
    # Every block device of the node: its root disk and each EBS volume attached to it, as the node reads
    # it (decrypted).
    "/dev": VOLUMES,
}
"""The node directories that hold what its pods write, and what of it each holds."""

PRIVILEGED_NODE_READ = (
    "a privileged container, which sees every device of its node: the node's disks and every volume "
    "attached to it"
)
"""Why a privileged container reads what its node holds of the other pods, with no hostPath (a message)."""

NODE_SYSTEM_PATHS = (
    "/run",
    "/var/run",
    "/sys",
    "/proc",
    "/etc",
    "/usr",
    "/lib",
    "/lib64",
    "/boot",
    "/opt/cni",
    "/var/lib/cni",
    "/var/lib/kubelet",
)
"""Node directories a pod mounts to talk to or configure its node (sockets, kernel interfaces, the CNI's and
the kubelet's own files), not to keep data in: a writable hostPath there is no store of the pod's data."""

HOST_PATH_DEVICE_TYPES = frozenset({"Socket", "CharDevice", "BlockDevice"})
"""hostPath `type`s that mount a socket or a device, never a directory a pod keeps data in."""

DATABASE_DATA_DIRECTORIES: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(
        ("postgres", "postgis/postgis", "timescale/timescaledb", "pgvector/pgvector"),
        ("/var/lib/postgresql/data", "/var/lib/postgresql"),
    ),
    "bitnami/postgresql": ("/bitnami/postgresql",),
    **dict.fromkeys(("mysql", "mariadb", "percona/percona-server"), ("/var/lib/mysql",)),
    "bitnami/mysql": ("/bitnami/mysql",),
    "bitnami/mariadb": ("/bitnami/mariadb",),
    "mongo": ("/data/db",),
    "bitnami/mongodb": ("/bitnami/mongodb",),
    **dict.fromkeys(("redis", "valkey/valkey", "redis/redis-stack-server"), ("/data",)),
    "bitnami/redis": ("/bitnami/redis",),
    "cassandra": ("/var/lib/cassandra",),
    **dict.fromkeys(
        ("elasticsearch", "elastic/elasticsearch", "elasticsearch/elasticsearch"),
        ("/usr/share/elasticsearch/data",),
    ),
    "opensearchproject/opensearch": ("/usr/share/opensearch/data",),
    "clickhouse/clickhouse-server": ("/var/lib/clickhouse",),
    "cockroachdb/cockroach": ("/cockroach/cockroach-data",),
    "neo4j": ("/data",),
    "couchdb": ("/opt/couchdb/data",),
    "influxdb": ("/var/lib/influxdb2", "/var/lib/influxdb"),
}
"""Where a database image keeps its data by default (the repository, without registry and tag, as Docker
Hub's official images and the vendors' own document their volumes: the postgres image's PGDATA under
/var/lib/postgresql, mysql's /var/lib/mysql, mongo's /data/db, ...): a hostPath mounted there, above or
inside is where the database keeps what it holds (reviewer blind-k8s14 a16)."""

DATABASE_DATA_VARIABLES: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(
        ("postgres", "postgis/postgis", "timescale/timescaledb", "pgvector/pgvector"), ("PGDATA",)
    ),
}
"""Environment variables that move a database image's data directory (the postgres image's `PGDATA`,
hub.docker.com/_/postgres, "Environment Variables: PGDATA"): a literal value given to the container is
a data directory too, besides the image's default."""

RUN_TO_COMPLETION_KINDS = frozenset({"Job", "CronJob", "ScaledJob"})
"""Kinds whose pods run to completion (a Job, a CronJob, a KEDA ScaledJob: a restore test, a migration
check): a database such a pod runs on an emptyDir or a generic ephemeral volume is scratch by design, kept
for no longer than the run."""
