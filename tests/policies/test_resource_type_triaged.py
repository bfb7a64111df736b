"""resource-type-triaged: a type the triage has not placed (a custom resource, another provider, a new SDK
type) or one that creates resources the pack cannot see may not touch personal data or telemetry."""

from __future__ import annotations

import json

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import PII, store
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

POLICY = "resource-type-triaged"


def _namespace(region: Region, name: str, classification: str) -> Res:
    return Res(
        "kubernetes:core/v1:Namespace",
        name,
        {"metadata": {"name": name, "labels": {"data-classification": classification}}},
        region.kubernetes,
    )


def test_the_baseline_has_only_triaged_types() -> None:
    assert violations(eu_region().resources, POLICY) == []


def test_a_custom_resource_naming_the_telemetry_namespace_is_blocked() -> None:
    region = eu_region()
    namespace = _namespace(region, "telemetry", "telemetry")
    backup = Res(
        "kubernetes:stash.appscode.com/v1beta1:BackupConfiguration",
        "telemetry-backup",
        {
            "metadata": {"namespace": "stash"},
            "spec": {"target": {"namespace": "telemetry"}, "repository": "offsite"},
        },
        region.kubernetes,
    )
    found = violations([*region.resources, namespace, backup], POLICY)
    assert [d.urn for d in found] == [backup.urn]
    assert "kubernetes:stash.appscode.com/v1beta1:BackupConfiguration is not triaged" in found[0].message
    assert "kubernetes:core/v1:Namespace 'telemetry' (telemetry)" in found[0].message


def test_a_custom_resource_computed_from_the_pii_database_is_blocked() -> None:
    region = eu_region()
    exporter = Res(
        "kubernetes:example.com/v1:DatabaseExporter",
        "customers",
        {"spec": {"host": UNKNOWN, "schedule": "@hourly"}},
        region.kubernetes,
        deps={"spec": [region.database]},
    )
    found = violations([*region.resources, exporter], POLICY)
    assert [d.urn for d in found] == [exporter.urn]
    assert "aws:rds/instance:Instance 'pii-db' (pii)" in found[0].message


def test_a_generic_custom_resource_touching_telemetry_is_blocked() -> None:
    region = eu_region()
    resource = Res(
        "kubernetes:apiextensions.k8s.io:CustomResource",
        "snapshotter",
        {"spec": {"target": UNKNOWN}},
        region.kubernetes,
        deps={"spec": [region.telemetry]},
    )
    assert [d.urn for d in violations([*region.resources, resource], POLICY)] == [resource.urn]


def test_a_custom_resource_that_touches_no_resident_data_is_allowed() -> None:
    region = eu_region()
    certificate = Res(
        "kubernetes:cert-manager.io/v1:Certificate",
        "api",
        {
            "spec": {
                "secretName": "api-tls",
                "dnsNames": ["api.example.com"],
                "issuerRef": {"name": "letsencrypt"},
            }
        },
        region.kubernetes,
    )
    assert violations([*region.resources, certificate], POLICY) == []


def test_a_helm_release_into_a_pii_namespace_is_blocked() -> None:
    region = eu_region()
    namespace = _namespace(region, "customers", "pii")
    release = Res(
        "kubernetes:helm.sh/v3:Release",
        "backup-agent",
        {"chart": "backup-agent", "namespace": UNKNOWN, "values": {"schedule": "@daily"}},
        region.kubernetes,
        deps={"namespace": [namespace]},
    )
    found = violations([*region.resources, namespace, release], POLICY)
    assert [d.urn for d in found] == [release.urn]
    assert "creates resources the pack cannot see" in found[0].message
    # The fix names the form whose objects the pack judges one by one.
    assert "kubernetes.helm.v4.Chart" in found[0].message


def test_a_helm_release_that_touches_no_resident_data_is_allowed() -> None:
    region = eu_region()
    release = Res(
        "kubernetes:helm.sh/v3:Release",
        "ingress",
        {"chart": "ingress-nginx", "namespace": "ingress", "values": {"controller": {"replicaCount": 2}}},
        region.kubernetes,
    )
    assert violations([*region.resources, release], POLICY) == []


def _release(region: Region, name: str, values: dict[str, object]) -> Res:
    return Res(
        "kubernetes:helm.sh/v3:Release",
        name,
        {"chart": name, "namespace": "tools", "values": values},
        region.kubernetes,
    )


def test_a_helm_release_whose_values_label_what_it_creates_pii_is_blocked() -> None:
    """A database chart whose values label its objects pii: the chart creates a store the pack never sees."""
    region = eu_region()
    release = _release(
        region, "postgresql", {"primary": {"persistence": {"storageClass": "gp2"}}, "commonLabels": PII}
    )
    found = violations([*region.resources, release], POLICY)
    assert [d.urn for d in found] == [release.urn]
    assert "it declares data-classification pii in its inputs" in found[0].message


def test_a_helm_release_naming_a_region_outside_the_jurisdiction_in_a_stack_with_pii_is_blocked() -> None:
    """A backup chart writing to us-east-1: whatever it backs up (the cluster's PII volumes) goes there."""
    region = eu_region()
    release = _release(
        region, "velero", {"configuration": {"backupStorageLocation": [{"config": {"region": "us-east-1"}}]}}
    )
    found = violations([*region.resources, release], POLICY)
    assert [d.urn for d in found] == [release.urn]
    assert "its inputs name us-east-1, outside European Union" in found[0].message
    in_region = _release(
        region, "velero", {"configuration": {"backupStorageLocation": [{"config": {"region": "eu-west-1"}}]}}
    )
    assert violations([*region.resources, in_region], POLICY) == []


@pytest.mark.parametrize(
    ("chart", "values", "shown"),
    [
        (
            "fluent-bit",
            {"config": {"outputs": "[OUTPUT]\n    Name es\n    Host logs-prod.es.example-cloud.io\n"}},
            "logs-prod.es.example-cloud.io",
        ),
        (
            "datadog",
            {"datadog": {"site": "datadoghq.com", "logs": {"containerCollectAll": True}}},
            "(chart 'datadog', outside AWS)",
        ),
        (
            "opentelemetry-collector",
            {"config": {"exporters": {"otlphttp": {"endpoint": "https://otlp.eu01.nr-data.net"}}}},
            "https://otlp.eu01.nr-data.net",
        ),
    ],
    ids=["fluent-bit-host", "datadog-site", "otel-exporter"],
)
def test_a_helm_release_whose_values_send_outside_aws_in_a_stack_with_pii_is_blocked(
    chart: str, values: dict[str, object], shown: str
) -> None:
    """A log or telemetry collector chart shipping to a vendor: what it collects (the cluster's pods' logs)
    goes outside AWS, and the pack cannot see the DaemonSet it creates."""
    region = eu_region()
    release = _release(region, chart, values)
    release.props["repositoryOpts"] = {"repo": "https://charts.example-vendor.io"}
    found = violations([*region.resources, release], POLICY)
    assert [d.urn for d in found] == [release.urn], messages(found)
    assert shown in found[0].message and "outside AWS" in found[0].message


def test_a_helm_release_whose_only_hosts_are_its_repository_and_images_is_allowed() -> None:
    region = eu_region()
    release = _release(
        region,
        "fluent-bit",
        {
            "image": {"repository": "cr.fluentbit.io/fluent/fluent-bit"},
            "ingress": {"hosts": ["fluent-bit.corp-example.com"]},
            "email": "platform@corp-example.com",
            "config": {"outputs": "[OUTPUT]\n    Name cloudwatch_logs\n    region eu-west-1\n"},
        },
    )
    release.props["repositoryOpts"] = {"repo": "https://fluent.github.io/helm-charts"}
    assert violations([*region.resources, release], POLICY) == []


def _addon(region: Region, name: str, configuration: dict[str, object] | None) -> Res:
    props: dict[str, object] = {"clusterName": UNKNOWN, "addonName": name}
    if configuration is not None:
        props["configurationValues"] = json.dumps(configuration)
    return Res("aws:eks/addon:Addon", name, props, region.provider, deps={"clusterName": [region.cluster]})


def test_an_eks_add_on_is_a_chart_the_pack_cannot_see_and_its_configuration_is_judged() -> None:
    """The CloudWatch observability add-on's Fluent Bit, configured to ship every container's log to
    us-east-1; the add-ons the real stacks use (vpc-cni, the EBS CSI driver) name no place."""
    region = eu_region()
    log_file = "[OUTPUT]\n    Name cloudwatch_logs\n    region us-east-1\n"
    addon = _addon(
        region,
        "amazon-cloudwatch-observability",
        {"containerLogs": {"fluentBit": {"config": {"extraFiles": {"application-log.conf": log_file}}}}},
    )
    found = violations([*region.resources, addon], POLICY)
    assert [d.urn for d in found] == [addon.urn], messages(found)
    assert "its inputs name us-east-1" in found[0].message
    plain = [
        _addon(region, "vpc-cni", {"enableNetworkPolicy": "true"}),
        _addon(region, "aws-ebs-csi-driver", None),
    ]
    assert violations([*region.resources, *plain], POLICY) == []


def test_a_resource_of_another_provider_naming_a_pii_bucket_is_blocked() -> None:
    region = eu_region()
    bucket = store(region, "aws:s3/bucket:Bucket", "documents", {"bucket": "documents-eu"})
    native = Res(
        "aws-native:s3:AccessPoint",
        "documents",
        {"bucket": "documents-eu", "name": "documents"},
        Res("pulumi:providers:aws-native", "native", {"region": "eu-west-1"}),
    )
    found = violations([*region.resources, bucket, native], POLICY)
    assert [d.urn for d in found] == [native.urn]
    assert "aws-native:s3:AccessPoint is not triaged" in found[0].message


def test_a_cloudformation_stack_whose_template_declares_pii_is_blocked() -> None:
    region = eu_region()
    template = {
        "Resources": {
            "Customers": {
                "Type": "AWS::DynamoDB::Table",
                "Properties": {"Tags": [{"Key": "data-classification", "Value": "pii"}]},
            }
        }
    }
    stack = Res(
        "aws:cloudformation/stack:Stack",
        "legacy",
        {"name": "legacy", "templateBody": json.dumps({"data-classification": "pii", **template})},
        region.provider,
    )
    found = violations([*region.resources, stack], POLICY)
    assert [d.urn for d in found] == [stack.urn]
    assert "declares data-classification pii" in found[0].message
    assert "declare the template's resources with the AWS provider" in found[0].message


def test_a_cloud_control_resource_tagged_pii_is_blocked() -> None:
    region = eu_region()
    resource = Res(
        "aws:cloudcontrol/resource:Resource",
        "orders",
        {
            "typeName": "AWS::RDS::DBInstance",
            "desiredState": json.dumps(
                {"Engine": "postgres", "Tags": [{"Key": "data-classification", "Value": "pii"}]}
            ),
        },
        region.provider,
    )
    found = violations([*region.resources, resource], POLICY)
    assert [d.urn for d in found] == [resource.urn]
    assert "declare it with the AWS provider's own resource type" in found[0].message


def _velero(region: Region, namespaces: list[str] | None) -> list[Res]:
    location = Res(
        "kubernetes:velero.io/v1:BackupStorageLocation",
        "offsite",
        {
            "metadata": {"name": "offsite", "namespace": "velero"},
            "spec": {
                "provider": "aws",
                "objectStorage": {"bucket": "backups"},
                "config": {"region": "ap-south-1"},
            },
        },
        region.kubernetes,
    )
    spec: dict[str, object] = {"storageLocation": "offsite"}
    if namespaces is not None:
        spec["includedNamespaces"] = namespaces
    backup = Res(
        "kubernetes:velero.io/v1:Backup",
        "nightly",
        {"metadata": {"namespace": "velero"}, "spec": spec},
        region.kubernetes,
        deps={"spec": [location]},
    )
    return [location, backup]


def test_a_velero_backup_of_every_namespace_to_another_region_copies_telemetry_away() -> None:
    region = eu_region()
    location, backup = _velero(region, None)
    found = violations([*region.resources, location, backup], "anonymised-only-replication")
    assert backup.urn in [d.urn for d in found], messages(found)


def test_a_velero_backup_of_a_pii_namespace_to_another_region_is_blocked() -> None:
    region = eu_region()
    namespace = _namespace(region, "customers", "pii")
    claim = Res(
        "kubernetes:core/v1:PersistentVolumeClaim",
        "uploads",
        {"metadata": {"name": "uploads", "namespace": "customers", "labels": dict(PII)}, "spec": {}},
        region.kubernetes,
    )
    location, backup = _velero(region, ["customers"])
    found = violations([*region.resources, namespace, claim, location, backup], "no-pii-replication")
    assert [d.urn for d in found] == [backup.urn]


def _load_balancer_controller_resource(region: Region, kind: str, namespace: Res) -> Res:
    return Res(
        f"kubernetes:elbv2.k8s.aws/v1beta1:{kind}",
        "front-door",
        {
            "metadata": {"name": "front-door", "namespace": UNKNOWN},
            "spec": {"serviceRef": {"name": "front-door", "port": 8080}, "targetGroupARN": UNKNOWN},
        },
        region.kubernetes,
        deps={"metadata": [namespace]},
    )


def test_a_target_group_binding_in_a_pii_namespace_is_triaged_as_a_network_grant() -> None:
    # The regional cluster binds the ALB's target group to the front-door Service of the PII namespace: the
    # binding exposes pods to a load balancer, whose reach pii-not-public judges, so it is no unknown type.
    region = eu_region()
    namespace = _namespace(region, "customers", "pii")
    binding = _load_balancer_controller_resource(region, "TargetGroupBinding", namespace)
    assert violations([*region.resources, namespace, binding], POLICY) == []


def test_a_kind_of_the_load_balancer_controller_the_table_does_not_place_stays_untriaged() -> None:
    # IngressClassParams are triaged (pii-not-public reads their scheme); a kind the table does not place,
    # in the same API group, still fails closed when it names resident data.
    region = eu_region()
    namespace = _namespace(region, "customers", "pii")
    unknown = _load_balancer_controller_resource(region, "TargetGroupPolicy", namespace)
    found = violations([*region.resources, namespace, unknown], POLICY)
    assert [d.urn for d in found] == [unknown.urn]
    assert "TargetGroupPolicy is not triaged" in found[0].message


VENDOR = "https://metrics.vendor-example.io/api/v1/push"
ALLOY = 'prometheus.remote_write "default" {\n  endpoint {\n    url = "%s"\n  }\n}\n'


@pytest.mark.parametrize(
    ("chart", "values"),
    [
        # kube-prometheus-stack: the Prometheus custom resource's spec, remoteWrite included.
        ("kube-prometheus-stack", {"prometheus": {"prometheusSpec": {"remoteWrite": [{"url": VENDOR}]}}}),
        # The prometheus chart: `server.remoteWrite`, the config file's `remote_write`.
        ("prometheus", {"server": {"remoteWrite": [{"url": VENDOR, "name": "vendor"}]}}),
        # Grafana Agent static mode: a YAML file whose metrics config remote-writes.
        (
            "grafana-agent",
            {
                "agent": {
                    "configMap": {
                        "content": "metrics:\n  configs:\n    - name: d\n      remote_write:\n"
                        f"        - url: {VENDOR}\n"
                    }
                }
            },
        ),
        # Grafana Alloy: a prometheus.remote_write component's endpoint block.
        ("alloy", {"alloy": {"configMap": {"content": ALLOY % VENDOR}}}),
        # Thanos: objstoreConfig on another cloud's object store, as a structure and as a YAML text.
        ("thanos", {"objstoreConfig": {"type": "GCS", "config": {"bucket": "metrics"}}}),
        (
            "thanos",
            {"objstoreConfig": "type: AZURE\nconfig:\n  container: metrics\n  storage_account: acct\n"},
        ),
        # Loki, Mimir and Tempo storage backends of another cloud.
        ("loki", {"loki": {"storage": {"type": "gcs", "bucketNames": {"chunks": "chunks"}}}}),
        ("mimir-distributed", {"mimir": {"structuredConfig": {"blocks_storage": {"backend": "azure"}}}}),
        ("tempo", {"tempo": {"storage": {"trace": {"backend": "gcs"}}}}),
    ],
    ids=[
        "kube-prometheus-stack",
        "prometheus-server",
        "grafana-agent",
        "alloy",
        "thanos-gcs",
        "thanos-text-azure",
        "loki-gcs",
        "mimir-azure",
        "tempo-gcs",
    ],
)
def test_helm_values_that_remote_write_or_store_outside_aws_are_blocked(
    chart: str, values: dict[str, object]
) -> None:
    """A metrics or logs chart whose values remote-write to a vendor or keep their blocks in another cloud:
    what it collects from the cluster's PII pods leaves AWS, as the Prometheus custom resource's
    `spec.remoteWrite[].url` does."""
    region = eu_region()
    release = _release(region, chart, values)
    found = violations([*region.resources, release], POLICY)
    assert [d.urn for d in found] == [release.urn], messages(found)
    assert "outside AWS" in found[0].message


@pytest.mark.parametrize(
    ("chart", "values"),
    [
        (
            "kube-prometheus-stack",
            {
                "prometheus": {
                    "prometheusSpec": {
                        "remoteWrite": [
                            {
                                "url": "https://aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-1/api/v1/remote_write"
                            }
                        ]
                    }
                }
            },
        ),
        (
            "alloy",
            {
                "alloy": {
                    "configMap": {
                        "content": ALLOY
                        % "https://aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-1/api/v1/remote_write"
                    }
                }
            },
        ),
        (
            "loki",
            {
                "loki": {
                    "storage": {"type": "s3", "s3": {"endpoint": "minio.storage-vendor.example.com:9000"}}
                }
            },
        ),
    ],
    ids=["amp-us-east-1", "alloy-amp-us-east-1", "loki-minio"],
)
def test_helm_values_that_remote_write_to_another_region_or_a_host_outside_aws_are_blocked(
    chart: str, values: dict[str, object]
) -> None:
    region = eu_region()
    release = _release(region, chart, values)
    found = violations([*region.resources, release], POLICY)
    assert [d.urn for d in found] == [release.urn], messages(found)


@pytest.mark.parametrize(
    "values",
    [
        {
            "prometheus": {
                "prometheusSpec": {
                    "remoteWrite": [
                        {
                            "url": "https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1/api/v1/remote_write"
                        }
                    ]
                }
            }
        },
        {
            "prometheus": {
                "prometheusSpec": {"remoteWrite": [{"url": "http://mimir-nginx.mimir.svc:80/api/v1/push"}]}
            }
        },
        {
            "alloy": {
                "configMap": {"content": ALLOY % "http://mimir-nginx.mimir.svc.cluster.local/api/v1/push"}
            }
        },
        {"loki": {"storage": {"type": "s3", "s3": {"region": "eu-west-1"}, "bucketNames": {"chunks": "c"}}}},
        {
            "objstoreConfig": {
                "type": "S3",
                "config": {"bucket": "m", "endpoint": "s3.eu-west-1.amazonaws.com"},
            }
        },
    ],
    ids=["amp-in-region", "in-cluster-mimir", "alloy-in-cluster", "loki-s3-in-region", "thanos-s3-in-region"],
)
def test_helm_values_that_remote_write_in_the_region_or_the_cluster_are_allowed(
    values: dict[str, object],
) -> None:
    region = eu_region()
    release = _release(region, "kube-prometheus-stack", values)
    assert violations([*region.resources, release], POLICY) == []


GENERATORS = "kubernetes:generators.external-secrets.io/v1alpha1"


@pytest.mark.parametrize(
    ("kind", "spec"),
    [
        ("Password", {"length": 32, "digits": 5, "symbols": 5, "noUpper": False, "allowRepeat": True}),
        ("UUID", {}),
        ("SSHKey", {"keyType": "ed25519"}),
        ("ECRAuthorizationToken", {"region": "eu-west-1", "role": UNKNOWN}),
    ],
    ids=["password", "uuid", "ssh-key", "ecr-token"],
)
def test_an_external_secrets_generator_that_only_makes_a_credential_is_allowed_beside_pii(
    kind: str, spec: dict[str, object]
) -> None:
    """A generator makes a value (a password, a key pair, a registry token) for an ExternalSecret of the PII
    namespace: it reads no data and sends none."""
    region = eu_region()
    namespace = _namespace(region, "customers", "pii")
    generator = Res(
        f"{GENERATORS}:{kind}",
        "db-password",
        {"metadata": {"name": "db-password", "namespace": "customers"}, "spec": spec},
        region.kubernetes,
        deps={"metadata": [namespace]},
    )
    assert violations([*region.resources, namespace, generator], POLICY) == []


def test_an_external_secrets_webhook_generator_computed_from_pii_stays_blocked() -> None:
    """The Webhook generator sends an HTTP request it builds (its body may carry what it is given) to a URL:
    it stays untriaged, failing closed when it touches resident data."""
    region = eu_region()
    generator = Res(
        f"{GENERATORS}:Webhook",
        "token",
        {"spec": {"url": "https://tokens.vendor-example.io/issue", "method": "POST", "body": UNKNOWN}},
        region.kubernetes,
        deps={"spec": [region.database]},
    )
    found = violations([*region.resources, generator], POLICY)
    assert [d.urn for d in found] == [generator.urn], messages(found)


def _mirror(region: Region, host: str) -> Res:
    """An Istio VirtualService (untriaged) that mirrors the traffic of a Service to another host."""
    return Res(
        "kubernetes:networking.istio.io/v1:VirtualService",
        "api-mirror",
        {
            "apiVersion": "networking.istio.io/v1",
            "kind": "VirtualService",
            "metadata": {"name": "api", "namespace": "app"},
            "spec": {
                "hosts": [host],
                "http": [
                    {
                        "route": [{"destination": {"host": host}}],
                        "mirror": {"host": "collector.example.net"},
                    }
                ],
            },
        },
        region.kubernetes,
    )


def _reader(region: Region, reads: bool) -> list[Res]:
    from tests.policies.test_flows import _deployment, _service

    api = _deployment(region, "api")
    if reads:
        api.props["spec"]["template"]["spec"]["containers"][0]["env"] = [
            {"name": "DB_HOST", "value": UNKNOWN}
        ]
        api.deps = {"spec": [region.database]}
    return [api, _service(region, "api", "api")]


def test_an_untriaged_kind_naming_a_service_whose_pods_read_pii_is_blocked() -> None:
    """What the pods behind a Service read is what an unknown kind that names the Service may move (a mirror
    of its requests): it fails closed naming the reader (reviewer blind-k8s12 l08)."""
    region = eu_region()
    mirror = _mirror(region, "api.app.svc.cluster.local")
    found = violations([*region.resources, *_reader(region, True), mirror], POLICY)
    assert [d.urn for d in found] == [mirror.urn], messages(found)
    assert "Deployment 'api'" in found[0].message


def test_an_untriaged_kind_naming_a_service_whose_pods_read_nothing_resident_is_allowed() -> None:
    region = eu_region()
    mirror = _mirror(region, "api.app.svc.cluster.local")
    assert violations([*region.resources, *_reader(region, False), mirror], POLICY) == []
