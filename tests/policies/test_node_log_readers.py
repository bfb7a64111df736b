"""A workload that mounts the node's pod logs or pod volumes reads what every pod on its nodes writes.

Log shippers (Fluent Bit, Vector, the OpenTelemetry collector's filelog receiver) tail the container logs
the kubelet and the container runtime keep under /var/log/pods and /var/log/containers, mounted from the
node by a hostPath volume; a hostPath on /var/lib/kubelet/pods reads the pods' volumes. In a cluster whose
pods read PII, such a workload reads what they write, and is judged on where its configuration sends it.
Each test is the compliant baseline plus a Deployment reading the PII database and one change.
"""

from __future__ import annotations

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations
from tests.policies.test_cluster_access import _database_reader

NO_PII = "no-pii-replication"
TO_ELASTIC_CLOUD = (
    "[INPUT]\n    Name tail\n    Path /var/log/containers/*.log\n"
    "[OUTPUT]\n    Name es\n    Match *\n    Host logs-prod.es.europe-west1.gcp.cloud.es.io\n    Port 443\n"
)
TO_CLOUDWATCH_HERE = (
    "[INPUT]\n    Name tail\n    Path /var/log/containers/*.log\n"
    "[OUTPUT]\n    Name cloudwatch_logs\n    Match *\n    region eu-west-1\n"
    "    log_group_name /eks/eu-apps/containers\n"
)


def _log_shipper(
    region: Region, config: str, host_path: str = "/var/log", privileged: object = False
) -> list[Res]:
    """A Fluent Bit DaemonSet mounting a node directory and its configuration."""
    config_map = Res(
        "kubernetes:core/v1:ConfigMap",
        "fluent-bit",
        {"metadata": {"name": "fluent-bit", "namespace": "logging"}, "data": {"fluent-bit.conf": config}},
        region.kubernetes,
    )
    labels = {"app": "fluent-bit"}
    daemon_set = Res(
        "kubernetes:apps/v1:DaemonSet",
        "fluent-bit",
        {
            "metadata": {"name": "fluent-bit", "namespace": "logging"},
            "spec": {
                "selector": {"matchLabels": labels},
                "template": {
                    "metadata": {"labels": labels},
                    "spec": {
                        "containers": [
                            {
                                "name": "fluent-bit",
                                "image": "cr.fluentbit.io/fluent/fluent-bit:3.1",
                                "securityContext": {"privileged": privileged},
                                "volumeMounts": [
                                    {"name": "node", "mountPath": "/host", "readOnly": True},
                                    {"name": "config", "mountPath": "/fluent-bit/etc/"},
                                ],
                            }
                        ],
                        "volumes": [
                            {"name": "node", "hostPath": {"path": host_path}},
                            {"name": "config", "configMap": {"name": "fluent-bit"}},
                        ],
                    },
                },
            },
        },
        region.kubernetes,
    )
    return [config_map, daemon_set]


def test_a_log_shipper_sending_the_nodes_logs_outside_aws_ships_what_the_pii_pods_write() -> None:
    region = eu_region()
    shipper = _log_shipper(region, TO_ELASTIC_CLOUD)
    found = violations([*region.resources, _database_reader(region), *shipper], NO_PII)
    assert [d.urn for d in found] == [shipper[1].urn], messages(found)
    assert "the logs of kubernetes:apps/v1:Deployment 'customer-api'" in found[0].message
    assert "aws:rds/instance:Instance 'pii-db'" in found[0].message


def test_a_log_shipper_sending_the_nodes_logs_to_this_region_stays() -> None:
    region = eu_region()
    shipper = _log_shipper(region, TO_CLOUDWATCH_HERE)
    assert violations([*region.resources, _database_reader(region), *shipper], NO_PII) == []


def test_a_log_shipper_in_a_cluster_whose_pods_read_no_pii_ships_no_pii() -> None:
    region = eu_region()
    reader = _database_reader(region)
    reader.deps = {}
    assert violations([*region.resources, reader, *_log_shipper(region, TO_ELASTIC_CLOUD)], NO_PII) == []


@pytest.mark.parametrize(
    ("host_path", "reads"),
    [
        ("/var/log/pods", True),
        ("/var/log/containers/", True),
        ("/var/lib/docker/containers", True),
        ("/var/lib/kubelet/pods", True),
        ("/var/lib/kubelet/pods/", True),
        # The kubelet's staging of CSI volumes (globalmount) and block devices (reviewer blind-k8s14 a12).
        ("/var/lib/kubelet/plugins/kubernetes.io/csi", True),
        ("/var/lib/kubelet/plugins/kubernetes.io/csi/volumeDevices", True),
        ("/var/lib/kubelet/plugins", True),
        ("/var/lib/kubelet", True),
        ("/dev", True),
        ("/dev/nvme1n1", True),
        ("/var/lib", True),
        ("/", True),
        ("/etc/machine-id", False),
        ("/var/run/fluent-bit", False),
        ("/var/lib/kubelet/plugins_registry", False),
        ("/var/lib/kubelet/kubeconfig", False),
    ],
)
def test_what_a_host_path_reads_of_the_pods_on_the_node(host_path: str, reads: bool) -> None:
    region = eu_region()
    shipper = _log_shipper(region, TO_ELASTIC_CLOUD, host_path)
    found = violations([*region.resources, _database_reader(region), *shipper], NO_PII)
    assert bool(found) is reads, messages(found)


def test_a_volume_copier_of_the_kubelets_csi_staging_directory_ships_what_the_pii_volumes_hold() -> None:
    # The kubelet mounts every CSI volume of the node under plugins/kubernetes.io/csi before the pods' own
    # directories (reviewer blind-k8s14 a12): a DaemonSet mounting it reads the volumes of the PII pods.
    region = eu_region()
    shipper = _log_shipper(region, TO_ELASTIC_CLOUD, "/var/lib/kubelet/plugins/kubernetes.io/csi")
    found = violations([*region.resources, _database_reader(region), *shipper], NO_PII)
    assert [d.urn for d in found] == [shipper[1].urn], messages(found)
    assert "the volumes of kubernetes:apps/v1:Deployment 'customer-api'" in found[0].message
    assert "(/var/lib/kubelet/plugins/kubernetes.io/csi)" in found[0].message


def _pii_claim(region: Region) -> Res:
    """A PII claim of the stack's encrypted class that no workload of the stack is seen to mount."""
    return Res(
        "kubernetes:core/v1:PersistentVolumeClaim",
        "search-index",
        {
            "metadata": {
                "name": "search-index",
                "namespace": "app",
                "labels": {"data-classification": "pii"},
            },
            "spec": {
                "storageClassName": "telemetry-gp3",
                "accessModes": ["ReadWriteOnce"],
                "resources": {"requests": {"storage": "50Gi"}},
            },
        },
        region.kubernetes,
        deps={"spec": [region.storage_class]},
    )


@pytest.mark.parametrize(
    ("host_path", "reads"),
    [("/var/lib/kubelet/plugins/kubernetes.io/csi", True), ("/var/lib", True), ("/var/log/pods", False)],
)
def test_a_volume_copier_reads_the_pii_claims_of_its_cluster_whoever_mounts_them(
    host_path: str, reads: bool
) -> None:
    # The kubelet mounts each claim on the node of the pod that uses it, whatever pod that is; the nodes'
    # logs hold no volume.
    region = eu_region()
    claim = _pii_claim(region)
    shipper = _log_shipper(region, TO_ELASTIC_CLOUD, host_path)
    found = violations([*region.resources, claim, *shipper], NO_PII)
    assert [d.urn for d in found] == ([shipper[1].urn] if reads else []), messages(found)
    if reads:
        assert (
            "the volumes of kubernetes:core/v1:PersistentVolumeClaim 'search-index' (pii)" in found[0].message
        )


def test_a_volume_copier_of_the_kubelets_csi_staging_directory_to_this_region_stays() -> None:
    region = eu_region()
    shipper = _log_shipper(region, TO_CLOUDWATCH_HERE, "/var/lib/kubelet/plugins/kubernetes.io/csi")
    assert violations([*region.resources, _database_reader(region), *shipper], NO_PII) == []


@pytest.mark.parametrize(
    ("privileged", "reads"), [(True, True), (UNKNOWN, True), (False, False)], ids=["true", "unknown", "false"]
)
def test_a_privileged_container_reads_every_device_of_its_node(privileged: object, reads: bool) -> None:
    # A privileged container sees the node's disks and each volume attached to it with no hostPath.
    region = eu_region()
    shipper = _log_shipper(region, TO_ELASTIC_CLOUD, "/etc/machine-id", privileged)
    found = violations([*region.resources, _database_reader(region), *shipper], NO_PII)
    assert [d.urn for d in found] == ([shipper[1].urn] if reads else []), messages(found)
    if privileged is True:
        assert "a privileged container, which sees every device of its node" in found[0].message


def test_a_privileged_container_sending_to_this_region_stays() -> None:
    region = eu_region()
    shipper = _log_shipper(region, TO_CLOUDWATCH_HERE, "/etc/machine-id", True)
    assert violations([*region.resources, _database_reader(region), *shipper], NO_PII) == []


def _csi_node_plugin(region: Region) -> Res:
    """The EBS CSI driver's node DaemonSet as upstream ships it: privileged, the kubelet's directory
    (bidirectional), the driver's plugin directory, the node's devices; it sends nothing anywhere."""
    labels = {"app": "ebs-csi-node"}
    plugin_dir = "/var/lib/kubelet/plugins/ebs.csi.aws.com/"
    registrar = "public.ecr.aws/eks-distro/kubernetes-csi/node-driver-registrar:v2.13.0"
    return Res(
        "kubernetes:apps/v1:DaemonSet",
        "ebs-csi-node",
        {
            "metadata": {"name": "ebs-csi-node", "namespace": "kube-system"},
            "spec": {
                "selector": {"matchLabels": labels},
                "template": {
                    "metadata": {"labels": labels},
                    "spec": {
                        "containers": [
                            {
                                "name": "ebs-plugin",
                                "image": "public.ecr.aws/ebs-csi-driver/aws-ebs-csi-driver:v1.44.0",
                                "args": ["node", "--endpoint=unix:/csi/csi.sock", "--v=2"],
                                "securityContext": {"privileged": True},
                                "volumeMounts": [
                                    {"name": "kubelet", "mountPath": "/var/lib/kubelet"},
                                    {"name": "plugin", "mountPath": "/csi"},
                                    {"name": "dev", "mountPath": "/dev"},
                                ],
                            },
                            {
                                "name": "node-driver-registrar",
                                "image": registrar,
                                "args": [
                                    "--csi-address=/csi/csi.sock",
                                    f"--kubelet-registration-path={plugin_dir}csi.sock",
                                ],
                                "volumeMounts": [{"name": "plugin", "mountPath": "/csi"}],
                            },
                        ],
                        "volumes": [
                            {"name": "kubelet", "hostPath": {"path": "/var/lib/kubelet"}},
                            {"name": "plugin", "hostPath": {"path": plugin_dir}},
                            {"name": "dev", "hostPath": {"path": "/dev"}},
                        ],
                    },
                },
            },
        },
        region.kubernetes,
    )


def test_a_csi_node_plugin_that_mounts_the_nodes_volumes_and_sends_nowhere_stays() -> None:
    # It reads what the node's volumes hold, as the kubelet does, and names no place (reviewer blind-k8s14
    # c10): its plugin directory, named by the driver, is no host.
    region = eu_region()
    resources = [*region.resources, _database_reader(region), _csi_node_plugin(region)]
    assert violations(resources, NO_PII) == []
    assert violations(resources, "anonymised-only-replication") == []


def _operator_collector(region: Region, endpoint: str) -> Res:
    """An OpenTelemetry Operator collector in DaemonSet mode whose filelog receiver reads the pods' logs."""
    return Res(
        "kubernetes:opentelemetry.io/v1beta1:OpenTelemetryCollector",
        "logs-agent",
        {
            "metadata": {"name": "logs-agent", "namespace": "observability"},
            "spec": {
                "mode": "daemonset",
                "volumes": [{"name": "pods", "hostPath": {"path": "/var/log/pods"}}],
                "volumeMounts": [{"name": "pods", "mountPath": "/var/log/pods", "readOnly": True}],
                "config": {
                    "receivers": {"filelog": {"include": ["/var/log/pods/*/*/*.log"]}},
                    "exporters": {"otlphttp": {"endpoint": endpoint}},
                    "service": {"pipelines": {"logs": {"receivers": ["filelog"], "exporters": ["otlphttp"]}}},
                },
            },
        },
        region.kubernetes,
    )


@pytest.mark.parametrize(
    ("endpoint", "blocked"),
    [("https://otlp.eu01.nr-data.net", True), ("http://collector.observability.svc:4318", False)],
    ids=["vendor", "in-cluster"],
)
def test_an_operator_collector_reading_the_pods_logs_is_judged_on_its_exporters(
    endpoint: str, blocked: bool
) -> None:
    # The OpenTelemetry Operator runs the collector its custom resource configures: code, as a DaemonSet is.
    region = eu_region()
    collector = _operator_collector(region, endpoint)
    found = violations([*region.resources, _database_reader(region), collector], NO_PII)
    assert [d.urn for d in found] == ([collector.urn] if blocked else []), messages(found)
    assert violations([*region.resources, _database_reader(region), collector], "resource-type-triaged") == []
