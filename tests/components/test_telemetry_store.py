"""TelemetryStore under Pulumi mocks: raw telemetry stays in the cluster, only the exchange faces the peer."""

from __future__ import annotations

import dataclasses
import hashlib
import ipaddress
import json
import logging
import os
import re
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pulumi
import pulumi_kubernetes as k8s
import pytest
from google.protobuf import json_format
from pulumi.runtime.mocks import MockMonitor, MockResourceArgs
from pulumi.runtime.sync_await import _sync_await

from components import telemetry_sql
from components.telemetry_store import (
    DEFAULT_IMAGE_TAG,
    ServerResources,
    TelemetryStore,
    TelemetryStoreArgs,
    access,
    pg_hba,
)
from offline_preview.cloud_mocks import PlausibleCloudMocks
from residency_facts import CLASSIFICATION_TAG
from tests.components.conftest import ComponentMocks, MockCloud
from tests.recording import RecordingMonitor

REGION = "eu-west-1"
NAMESPACE = "telemetry"
PEER_CIDR = "10.20.0.0/16"
VPC_CIDR = "10.10.0.0/16"
CSI_ROLE = "arn:aws:iam::123456789012:role/eu-ebs-csi"
LOAD_BALANCER_HOSTNAME = "k8s-telemetry-replicat-0123456789.elb.eu-west-1.amazonaws.com"
REPLICATOR_RULE = f"host telemetry_exchange telemetry_replicator {PEER_CIDR} scram-sha-256"

COMPONENT_TYPE = "residency:components:TelemetryStore"
STATEFULSET = "kubernetes:apps/v1:StatefulSet"
SERVICE = "kubernetes:core/v1:Service"
SECRET = "kubernetes:core/v1:Secret"
CONFIG_MAP = "kubernetes:core/v1:ConfigMap"
KEY = "aws:kms/key:Key"
PASSWORD = "random:index/randomPassword:RandomPassword"
JOB = "kubernetes:batch/v1:Job"
CRON_JOB = "kubernetes:batch/v1:CronJob"
NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
PEER_HOST = "k8s-india-replicat-0123456789.elb.ap-south-1.amazonaws.com"
PEER_PASSWORD = "peer-password-from-config"

# Expected to fail until TelemetryStore is wired to the new telemetry SQL API (strict: passing fails too).
PENDING_TELEMETRY_WIRING = (
    "issue 9: the telemetry SQL now pushes into the peer's inbox over verified TLS with client certificates; "
    "TelemetryStore is wired to that API in a follow-up, which removes this mark"
)


@pytest.fixture
def cloud(cloud: MockCloud, monkeypatch: pytest.MonkeyPatch) -> MockCloud:
    """The shared mock cloud, where a load balancer controller publishes LoadBalancer Services' hostnames."""
    answer = cloud.mocks.new_resource

    def new_resource(args: MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        resource_id, state = answer(args)
        if args.typ == SERVICE and (state.get("spec") or {}).get("type") == "LoadBalancer":
            state = {**state, "status": {"loadBalancer": {"ingress": [{"hostname": LOAD_BALANCER_HOSTNAME}]}}}
        return resource_id, state

    monkeypatch.setattr(cloud.mocks, "new_resource", new_resource)
    return cloud


def valid_args(**overrides: Any) -> TelemetryStoreArgs:
    """Arguments a region stack would pass, with some fields replaced."""
    base = TelemetryStoreArgs(
        namespace=NAMESPACE,
        peer_vpc_cidr=PEER_CIDR,
        ebs_csi_role_arn=CSI_ROLE,
        region="eu",
        peer_region="india",
        vpc_cidr=VPC_CIDR,
        volume_tags={"jurisdiction": "EU"},
    )
    return dataclasses.replace(base, **overrides)


def with_peer(**overrides: Any) -> TelemetryStoreArgs:
    """Arguments once the peer region is deployed: its replication endpoint and password are known."""
    return valid_args(peer_replication_host=PEER_HOST, peer_replication_password=PEER_PASSWORD, **overrides)


def providers() -> list[pulumi.ProviderResource]:
    """The explicit providers a region stack passes: AWS in REGION and the cluster's Kubernetes."""
    import pulumi_aws as aws

    return [aws.Provider("aws-eu", region=REGION), k8s.Provider("eu-kubernetes", kubeconfig="{}")]


def deploy(
    cloud: MockCloud, args: TelemetryStoreArgs | None = None, name: str = "telemetry"
) -> TelemetryStore:
    """Run the component alone, with explicit providers, until every registration settles."""
    return cloud.run(
        lambda: TelemetryStore(name, args or valid_args(), pulumi.ResourceOptions(providers=providers()))
    )


def statefulset(cloud: MockCloud, server: str) -> dict[str, Any]:
    """The inputs of a server's StatefulSet."""
    return cloud.one(STATEFULSET, f"telemetry-{server}-statefulset").inputs


def container(cloud: MockCloud, server: str) -> dict[str, Any]:
    """The PostgreSQL container of a server's pod template."""
    (only,) = statefulset(cloud, server)["spec"]["template"]["spec"]["containers"]
    return dict(only)


def hba_lines(cloud: MockCloud, server: str) -> list[list[str]]:
    """A server's pg_hba.conf as columns, comments left out."""
    text = cloud.one(CONFIG_MAP, f"telemetry-{server}-pg-hba").inputs["data"]["pg_hba.conf"]
    return [line.split() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def revealed(value: Any) -> Any:
    """A value with Pulumi's secret wrappers removed, as the provider would receive it."""
    if isinstance(value, dict):
        if value.get(pulumi.runtime.rpc._special_sig_key) == pulumi.runtime.rpc._special_secret_sig:
            return revealed(value["value"])
        return {key: revealed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [revealed(item) for item in value]
    return value


def selects(selector: dict[str, str], labels: dict[str, str]) -> bool:
    """Whether a label selector picks pods with these labels."""
    return all(labels.get(key) == value for key, value in selector.items())


def test_storage_class_encrypts_every_volume_with_the_components_key(cloud: MockCloud) -> None:
    store = deploy(cloud)
    storage_class = cloud.one("kubernetes:storage.k8s.io/v1:StorageClass", "telemetry-storage-class").inputs
    key_arn = cloud.outputs_of(cloud.one(KEY, "telemetry-volume-key"))["arn"]
    parameters = storage_class["parameters"]
    assert storage_class["provisioner"] == "ebs.csi.aws.com"
    assert (parameters["type"], parameters["encrypted"], parameters["kmsKeyId"]) == ("gp3", "true", key_arn)
    assert storage_class["reclaimPolicy"] == "Retain"
    assert storage_class["volumeBindingMode"] == "WaitForFirstConsumer"
    assert storage_class["allowVolumeExpansion"] is True
    volume_tags = {v for k, v in parameters.items() if k.startswith("tagSpecification_")}
    assert volume_tags == {f"{CLASSIFICATION_TAG}=telemetry", "jurisdiction=EU"}
    assert cloud.resolve(store.key_arn) == key_arn
    assert cloud.resolve(store.storage_class_name) == storage_class["metadata"]["name"]


def test_volume_key_is_single_region_rotating_protected_and_in_the_stack_region(cloud: MockCloud) -> None:
    deploy(cloud)
    key = cloud.one(KEY, "telemetry-volume-key")
    assert key.inputs["multiRegion"] is False
    assert key.inputs["enableKeyRotation"] is True
    assert key.protect is True
    assert "region" not in key.inputs and cloud.region_of(key) == REGION
    assert cloud.outputs_of(key)["arn"].split(":")[3] == REGION
    assert key.inputs["tags"][CLASSIFICATION_TAG] == "telemetry"


def test_volume_key_is_used_only_by_the_csi_driver_through_ec2_in_region(cloud: MockCloud) -> None:
    deploy(cloud)
    policy = json.loads(cloud.one(KEY, "telemetry-volume-key").inputs["policy"])
    use_actions = {"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*", "kms:CreateGrant"}
    (user,) = [s for s in policy["Statement"] if use_actions & set(s["Action"])]
    assert user["Principal"] == {"AWS": CSI_ROLE}
    assert user["Condition"] == {"StringEquals": {"kms:ViaService": [f"ec2.{REGION}.amazonaws.com"]}}
    administration = next(s for s in policy["Statement"] if s["Sid"] == "AccountAdministersKey")
    assert administration["Principal"] == {"AWS": "arn:aws:iam::123456789012:root"}


@pytest.mark.parametrize(("server", "classification"), [("store", "telemetry"), ("exchange", "anonymised")])
def test_servers_claim_encrypted_retained_volumes_labelled_with_their_classification(
    cloud: MockCloud, server: str, classification: str
) -> None:
    deploy(cloud)
    spec = statefulset(cloud, server)["spec"]
    storage_class = cloud.one("kubernetes:storage.k8s.io/v1:StorageClass", "telemetry-storage-class").inputs
    (claim,) = spec["volumeClaimTemplates"]
    assert statefulset(cloud, server)["metadata"]["labels"][CLASSIFICATION_TAG] == classification
    assert spec["template"]["metadata"]["labels"][CLASSIFICATION_TAG] == classification
    assert claim["metadata"]["labels"][CLASSIFICATION_TAG] == classification
    assert claim["spec"]["storageClassName"] == storage_class["metadata"]["name"]
    assert spec["persistentVolumeClaimRetentionPolicy"] == {"whenDeleted": "Retain", "whenScaled": "Retain"}


def test_volume_sizes_come_from_the_arguments(cloud: MockCloud) -> None:
    deploy(cloud, valid_args(storage_size_gb=250, exchange_storage_size_gb=30))
    for server, size in (("store", "250Gi"), ("exchange", "30Gi")):
        (claim,) = statefulset(cloud, server)["spec"]["volumeClaimTemplates"]
        assert claim["spec"]["resources"]["requests"]["storage"] == size


def test_replication_endpoint_is_an_internal_load_balancer_admitting_only_the_peer(cloud: MockCloud) -> None:
    deploy(cloud)
    service = cloud.one(SERVICE, "telemetry-replication-service").inputs
    annotations = service["metadata"]["annotations"]
    assert service["spec"]["type"] == "LoadBalancer"
    assert service["spec"]["loadBalancerSourceRanges"] == [PEER_CIDR]
    assert annotations["service.beta.kubernetes.io/aws-load-balancer-scheme"] == "internal"
    assert annotations["service.beta.kubernetes.io/aws-load-balancer-internal"] == "true"
    assert annotations["service.beta.kubernetes.io/aws-load-balancer-type"] == "nlb"
    assert [port["port"] for port in service["spec"]["ports"]] == [5432]
    assert service["spec"]["externalTrafficPolicy"] == "Local"
    assert service["metadata"]["labels"][CLASSIFICATION_TAG] == "anonymised"


def test_replication_endpoint_reaches_the_exchange_and_never_the_store(cloud: MockCloud) -> None:
    deploy(cloud)
    selector = cloud.one(SERVICE, "telemetry-replication-service").inputs["spec"]["selector"]
    assert selects(selector, statefulset(cloud, "exchange")["spec"]["template"]["metadata"]["labels"])
    assert not selects(selector, statefulset(cloud, "store")["spec"]["template"]["metadata"]["labels"])


def test_raw_telemetry_is_reachable_only_inside_the_cluster(cloud: MockCloud) -> None:
    deploy(cloud)
    store_pods = statefulset(cloud, "store")["spec"]["template"]["metadata"]["labels"]
    store_services = [
        s.inputs["spec"] for s in cloud.of_type(SERVICE) if selects(s.inputs["spec"]["selector"], store_pods)
    ]
    assert len(store_services) == 2
    for spec in store_services:
        assert spec.get("type", "ClusterIP") == "ClusterIP"
        assert "loadBalancerSourceRanges" not in spec and "externalIPs" not in spec


def test_only_the_exchange_runs_logical_decoding(cloud: MockCloud) -> None:
    deploy(cloud)
    exchange_args = container(cloud, "exchange")["args"]
    store_args = container(cloud, "store")["args"]
    assert "wal_level=logical" in exchange_args
    assert not [argument for argument in store_args if argument.startswith("wal_level")]
    for server_args in (exchange_args, store_args):
        assert "hba_file=/etc/residency/pg_hba.conf" in server_args


def test_pg_hba_rejects_the_peer_range_except_through_the_telemetry_sql_rules(cloud: MockCloud) -> None:
    deploy(cloud)
    peer = ip_network(PEER_CIDR)
    for server in ("store", "exchange"):
        lines = [line for line in hba_lines(cloud, server) if line[0] != "local"]
        # The first line that rejects the whole peer range for everyone; later lines never see the peer.
        cutoff = next(
            index
            for index, line in enumerate(lines)
            if line[1:3] == ["all", "all"] and line[-1] == "reject" and ip_network(line[3]).supernet_of(peer)
        )
        admitting = [
            line for line in lines[:cutoff] if line[-1] != "reject" and ip_network(line[3]).overlaps(peer)
        ]
        # The exchange admits the peer's inbox role once TelemetryStore is wired to the telemetry SQL's inbox
        # API (issue 9 follow-up); until then the SQL's rules name no peer role, so nothing admits the peer.
        assert admitting == [], server


def ip_network(address: str) -> ipaddress.IPv4Network:
    """An IPv4 network from a pg_hba address column (the tests use IPv4 only; `all` is every address)."""
    network = ipaddress.ip_network("0.0.0.0/0" if address == "all" else address)
    assert isinstance(network, ipaddress.IPv4Network)
    return network


def test_the_writers_come_only_from_this_regions_vpc(cloud: MockCloud) -> None:
    deploy(cloud)
    writers = [
        line for line in hba_lines(cloud, "store") if line[2] == "telemetry_writer" and line[-1] != "reject"
    ]
    assert [(line[1], line[3]) for line in writers] == [("telemetry", VPC_CIDR)]


@pytest.mark.parametrize(
    "rule",
    [
        f"host telemetry telemetry_replicator {PEER_CIDR} scram-sha-256",
        "host all all 10.20.5.0/24 md5",
        "hostssl all all 0.0.0.0/0 scram-sha-256",
        "host all all all trust",
        "host all all peer.example.internal scram-sha-256",
    ],
)
def test_store_rules_that_would_admit_the_peer_are_recognised(rule: str) -> None:
    assert access._admits_from(rule, ipaddress.ip_network(PEER_CIDR))


@pytest.mark.parametrize(
    "rule", [f"host all all {PEER_CIDR} reject", f"host telemetry telemetry_writer {VPC_CIDR} scram-sha-256"]
)
def test_rules_that_reject_or_admit_elsewhere_are_not_taken_for_admitting_the_peer(rule: str) -> None:
    assert not access._admits_from(rule, ipaddress.ip_network(PEER_CIDR))


@pytest.mark.parametrize("vpc_cidr", [PEER_CIDR, "10.20.5.0/24", "10.0.0.0/8"])
def test_store_rules_that_would_admit_the_peer_are_refused(cloud: MockCloud, vpc_cidr: str) -> None:
    # The store admits its writers from this VPC: a range overlapping the peer's would admit the peer.
    with pytest.raises(ValueError, match=r"admits the peer region .* to raw telemetry"):
        deploy(cloud, valid_args(vpc_cidr=vpc_cidr))
    assert not cloud.of_type(STATEFULSET)


def test_credentials_are_held_only_in_secrets(cloud: MockCloud) -> None:
    deploy(cloud, with_peer())
    passwords = [cloud.outputs_of(r)["result"] for r in cloud.of_type(PASSWORD)] + [PEER_PASSWORD]
    assert len(passwords) == 6
    # The Jobs, the CronJob and the SQL ConfigMap are among the resources scanned.
    assert (len(cloud.of_type(JOB)), len(cloud.of_type(CRON_JOB)), len(cloud.of_type(CONFIG_MAP))) == (
        5,
        1,
        3,
    )
    for registration in cloud.registrations:
        if registration.type in (SECRET, PASSWORD):
            continue
        rendered = json.dumps(registration.inputs)
        assert not [p for p in passwords if p in rendered], registration.name
    secrets = {r.inputs["metadata"]["name"]: revealed(r.inputs) for r in cloud.of_type(SECRET)}
    assert len(secrets) == 6
    assert sorted(s["stringData"]["password"] for s in secrets.values()) == sorted(passwords)
    for secret in secrets.values():
        assert secret["type"] == "Opaque" and secret["metadata"]["namespace"] == NAMESPACE


@pytest.mark.parametrize("server", ["store", "exchange"])
def test_superuser_password_reaches_the_server_only_by_secret_reference(
    cloud: MockCloud, server: str
) -> None:
    store = deploy(cloud)
    env = {variable["name"]: variable for variable in container(cloud, server)["env"]}
    reference = env["POSTGRES_PASSWORD"]["valueFrom"]["secretKeyRef"]
    assert "value" not in env["POSTGRES_PASSWORD"]
    assert reference == {
        "name": cloud.resolve(getattr(store, server).superuser_secret_name),
        "key": "password",
    }
    assert reference["name"] == f"telemetry-{server}-superuser-password"
    for name, variable in env.items():
        if "PASSWORD" in name:
            assert "value" not in variable and "secretKeyRef" in variable["valueFrom"], name


def test_generated_passwords_are_long_and_exported_only_as_secrets(cloud: MockCloud) -> None:
    store = deploy(cloud)
    for registration in cloud.of_type(PASSWORD):
        assert registration.inputs["length"] >= 32
    assert cloud.is_secret(store.replication_password)
    replication = revealed(cloud.one(SECRET, "telemetry-replication-password").inputs)
    assert cloud.resolve(store.replication_password) == replication["stringData"]["password"]


def test_no_peer_password_secret_without_a_peer_password(cloud: MockCloud) -> None:
    store = deploy(cloud)
    assert store.peer_replication_secret_name is None
    assert not [r for r in cloud.of_type(SECRET) if "peer" in r.name]


@pytest.mark.parametrize("server", ["store", "exchange"])
def test_pods_meet_the_restricted_pod_security_standard(cloud: MockCloud, server: str) -> None:
    deploy(cloud)
    pod = statefulset(cloud, server)["spec"]["template"]["spec"]
    security = container(cloud, server)["securityContext"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["fsGroup"] == 1000
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert pod["automountServiceAccountToken"] is False
    assert security["allowPrivilegeEscalation"] is False
    assert security["privileged"] is False
    assert security["readOnlyRootFilesystem"] is True
    assert security["capabilities"] == {"drop": ["ALL"]}
    assert security["runAsNonRoot"] is True


def test_servers_have_probes_requests_and_limits(cloud: MockCloud) -> None:
    resources = ServerResources("1", "3", "4Gi", "6Gi")
    deploy(cloud, valid_args(store_resources=resources))
    store = container(cloud, "store")
    assert store["resources"] == {
        "requests": {"cpu": "1", "memory": "4Gi"},
        "limits": {"cpu": "3", "memory": "6Gi"},
    }
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert store[probe]["exec"]["command"][0] == "pg_isready", probe
    assert container(cloud, "exchange")["resources"]["limits"] == {"cpu": "1", "memory": "1Gi"}


def test_image_pins_postgres_fifteen(cloud: MockCloud) -> None:
    deploy(cloud)
    for server in ("store", "exchange"):
        assert container(cloud, server)["image"] == f"docker.io/timescale/timescaledb-ha:{DEFAULT_IMAGE_TAG}"
    assert DEFAULT_IMAGE_TAG.startswith("pg15.")


@pytest.mark.parametrize(
    "tag", ["latest", "pg15", "pg15-all", "pg15-ts2.28", "pg16.14-ts2.28.2", "pg17.10-ts2.28.2"]
)
def test_floating_or_other_major_image_tags_are_refused(cloud: MockCloud, tag: str) -> None:
    with pytest.raises(ValueError, match="image_tag"):
        deploy(cloud, valid_args(image_tag=tag))


@pytest.mark.parametrize("server", ["store", "exchange"])
def test_disruption_budget_keeps_the_single_primary(cloud: MockCloud, server: str) -> None:
    deploy(cloud)
    budget = cloud.one(
        "kubernetes:policy/v1:PodDisruptionBudget", f"telemetry-{server}-disruption-budget"
    ).inputs
    spec = statefulset(cloud, server)["spec"]
    assert spec["replicas"] == 1
    assert budget["spec"]["minAvailable"] == 1
    assert budget["spec"]["selector"] == spec["selector"]


def test_invokes_go_through_the_stacks_aws_provider(cloud: MockCloud) -> None:
    deploy(cloud)
    provider = cloud.one("pulumi:providers:aws", "aws-eu")
    assert len(cloud.monitor.invocations) == 3
    for invocation in cloud.monitor.invocations:
        assert invocation.provider.startswith(provider.urn), invocation.token


PARTS = {
    "residency:telemetryStore:TelemetryServer": ("store", "exchange"),
    "residency:telemetryStore:TelemetryNetworkPolicies": ("network-policies",),
    "residency:telemetryStore:SqlJobs": ("sql-jobs",),
}
"""The child components, one concern each, and the suffixes they are named with after the TelemetryStore."""


def test_each_part_holds_its_own_concern_and_the_shared_resources_stay_with_the_component(
    cloud: MockCloud,
) -> None:
    deploy(cloud, with_peer())
    parts = {r.urn: r.name for r in cloud.registrations if r.type in PARTS}

    def owners(name: str) -> set[str]:
        """Where the resources with this name (a password and its Secret share one) are declared."""
        found = {
            parts.get(r.parent, "component") for r in cloud.registrations if r.name == f"telemetry-{name}"
        }
        assert found, name
        return found

    # The parts share the volume key, the StorageClass and the passwords; the endpoint faces the peer.
    for shared in ("volume-key", "storage-class", "writer-password", "replication-service"):
        assert owners(shared) == {"component"}, shared
    for server in ("store", "exchange"):
        for suffix in ("pg-hba", "headless-service", "statefulset", "disruption-budget", "service"):
            assert owners(f"{server}-{suffix}") == {f"telemetry-{server}"}, (server, suffix)
    assert {parts[r.parent] for r in cloud.of_type(NETWORK_POLICY)} == {"telemetry-network-policies"}
    assert {parts[r.parent] for r in cloud.of_type(JOB) + cloud.of_type(CRON_JOB)} == {"telemetry-sql-jobs"}
    assert owners("sql") == {"telemetry-sql-jobs"}


def test_every_child_is_parented_to_the_component_named_from_it_and_uses_the_given_providers(
    cloud: MockCloud,
) -> None:
    deploy(cloud)
    (component,) = cloud.of_type(COMPONENT_TYPE)
    aws_provider = cloud.one("pulumi:providers:aws", "aws-eu")
    kubernetes_provider = cloud.one("pulumi:providers:kubernetes", "eu-kubernetes")
    parts = {r.urn: r for r in cloud.registrations if r.type in PARTS}
    assert sorted((r.type, r.name) for r in parts.values()) == sorted(
        (type_token, f"telemetry-{suffix}") for type_token, suffixes in PARTS.items() for suffix in suffixes
    )
    assert all(part.parent == component.urn for part in parts.values())
    children = [
        r
        for r in cloud.registrations
        if r is not component and r.urn not in parts and not r.type.startswith("pulumi:")
    ]
    assert len(children) == 34  # 23 for the servers, 5 NetworkPolicies, the SQL ConfigMap, 4 Jobs, 1 CronJob
    for child in children:
        # Directly, or through one of its parts, which are its children themselves.
        assert child.parent == component.urn or child.parent in parts, child.name
        assert child.name.startswith("telemetry-"), child.name
        if child.type.startswith("kubernetes:"):
            assert child.provider.startswith(kubernetes_provider.urn), child.name
            metadata = child.inputs["metadata"]
            assert metadata["name"].startswith("telemetry-"), child.name
            if child.type != "kubernetes:storage.k8s.io/v1:StorageClass":
                assert metadata["namespace"] == NAMESPACE, child.name
        elif child.type.startswith("aws:"):
            assert child.provider.startswith(aws_provider.urn), child.name


def test_outputs_tell_the_jobs_and_the_peer_where_to_connect(cloud: MockCloud) -> None:
    store = deploy(cloud)
    assert cloud.resolve(store.store.host) == "telemetry-store.telemetry.svc.cluster.local"
    assert cloud.resolve(store.exchange.host) == "telemetry-exchange.telemetry.svc.cluster.local"
    assert (store.store.port, store.store.database_name) == (5432, "telemetry")
    assert store.exchange.database_name == "telemetry_exchange"
    assert cloud.resolve(store.replication_hostname) == LOAD_BALANCER_HOSTNAME
    assert cloud.resolve(store.writer_secret_name) == "telemetry-writer-password"
    assert cloud.resolve(store.publisher_secret_name) == "telemetry-publisher-password"
    assert cloud.resolve(store.replication_secret_name) == "telemetry-replication-password"


def test_replication_hostname_is_unknown_until_the_load_balancer_exists() -> None:
    mocks = PlausibleCloudMocks(preview=True)
    pulumi.runtime.set_mocks(
        mocks, project="residency", stack="test", preview=True, monitor=MockMonitor(mocks)
    )
    created: list[TelemetryStore] = []

    @pulumi.runtime.test
    def program() -> None:
        created.append(
            TelemetryStore("telemetry", valid_args(), pulumi.ResourceOptions(providers=providers()))
        )

    program()
    assert _sync_await(created[0].replication_hostname.is_known()) is False


@pytest.mark.parametrize(
    ("overrides", "field_name"),
    [
        ({"peer_vpc_cidr": "0.0.0.0/0"}, "peer_vpc_cidr"),
        ({"peer_vpc_cidr": "8.8.8.0/24"}, "peer_vpc_cidr"),
        ({"peer_vpc_cidr": "10.20.0.1/16"}, "peer_vpc_cidr"),
        ({"peer_vpc_cidr": "10.20.0.0/33"}, "peer_vpc_cidr"),
        ({"storage_size_gb": 0}, "storage_size_gb"),
        ({"exchange_storage_size_gb": 20000}, "exchange_storage_size_gb"),
        ({"store_resources": ServerResources("2", "1", "1Gi", "1Gi")}, "store_resources"),
        ({"exchange_resources": ServerResources("1", "1", "1GB", "1Gi")}, "exchange_resources"),
        ({"database_name": "Telemetry"}, "database_name"),
        ({"exchange_database_name": "telemetry"}, "exchange_database_name"),
        ({"vpc_cidr": "10.10.0.0/33"}, "vpc_cidr"),
        ({"vpc_cidr": "10.10.0.1/16"}, "vpc_cidr"),
        ({"volume_tags": {CLASSIFICATION_TAG: "public"}}, "volume_tags"),
    ],
)
def test_invalid_arguments_are_refused_naming_the_field(
    cloud: MockCloud, overrides: dict[str, Any], field_name: str
) -> None:
    with pytest.raises(ValueError, match=field_name):
        deploy(cloud, valid_args(**overrides))
    assert not cloud.of_type(STATEFULSET)


@pytest.mark.parametrize("name", ["Telemetry", "telemetry-", "1telemetry", "t" * 41])
def test_names_that_cannot_name_kubernetes_objects_are_refused(cloud: MockCloud, name: str) -> None:
    with pytest.raises(ValueError, match="TelemetryStore name"):
        deploy(cloud, name=name)


@pytest.mark.xfail(strict=True, reason=PENDING_TELEMETRY_WIRING)
def test_rendered_pg_hba_lets_only_the_replicator_in_from_the_peer_on_real_servers() -> None:
    """Loopback plays the peer VPC; the exchange gets the telemetry SQL's own rules through the seam."""
    telemetry_sql = pytest.importorskip("components.telemetry_sql")
    testing = pytest.importorskip("tests.telemetry_sql.servers")
    try:
        testing.find_bindir()
    except testing.PostgresNotFound as error:
        pytest.skip(str(error))
    peer = "127.0.0.0/8"
    seam_rules = telemetry_sql.exchange_pg_hba_rules("telemetry_exchange", [peer], [], require_tls=False)

    def rules(leading: list[str]) -> list[str]:
        return [line for line in pg_hba(leading, peer).splitlines() if line and not line.startswith("#")]

    # pg_hba.conf decides before PostgreSQL looks at the database or the password, so only the connections
    # that must succeed need a database and a role.
    fast = {"fsync": "off", "synchronous_commit": "off"}
    servers_wanted = {
        "store": (fast, rules([])),
        "exchange": ({**fast, "wal_level": "logical"}, rules(seam_rules)),
    }
    with testing.postgres_servers(servers_wanted) as servers:
        servers["exchange"].query("postgres", "CREATE DATABASE telemetry_exchange")
        servers["exchange"].query(
            "postgres", "CREATE ROLE telemetry_replicator LOGIN REPLICATION PASSWORD 'replicate'"
        )

        def connects(server: str, database: str, user: str, password: str, **options: str) -> bool:
            conninfo = servers[server].tcp_conninfo(database, user, password)
            try:
                psycopg.connect(psycopg.conninfo.make_conninfo(conninfo, **options)).close()
            except psycopg.OperationalError as error:
                assert re.search(r"pg_hba\.conf rejects (replication )?connection", str(error)), error
                return False
            return True

        assert connects("exchange", "telemetry_exchange", "telemetry_replicator", "replicate")
        assert connects(
            "exchange", "telemetry_exchange", "telemetry_replicator", "replicate", replication="database"
        )
        assert not connects(
            "exchange", "telemetry_exchange", "telemetry_replicator", "replicate", replication="true"
        )
        assert not connects("exchange", "telemetry", "telemetry_replicator", "replicate")
        assert not connects("exchange", "telemetry_exchange", "postgres", "superuser")
        assert not connects("exchange", "telemetry_exchange", "telemetry_writer", "write")
        for database, user, password in (
            ("telemetry", "telemetry_replicator", "replicate"),
            ("telemetry_exchange", "telemetry_replicator", "replicate"),
            ("telemetry", "postgres", "superuser"),
            ("telemetry", "telemetry_writer", "write"),
        ):
            assert not connects("store", database, user, password), (database, user)


# --- The telemetry SQL: Jobs in order, the anonymisation CronJob, and who may reach which server ---


@dataclasses.dataclass(frozen=True)
class Options:
    """What a registration asked of the engine beyond its inputs."""

    dependencies: list[str]
    delete_before_replace: bool
    timeouts: tuple[str, str]
    replacement_trigger: Any


@pytest.fixture
def options(cloud: MockCloud, monkeypatch: pytest.MonkeyPatch) -> dict[str, Options]:
    """Resource options of every registration, by logical name, as the engine receives them."""
    recorded: dict[str, Options] = {}
    register = cloud.monitor.RegisterResource

    def recording(request: Any) -> Any:
        response = register(request)
        trigger = (
            json_format.MessageToDict(request.replacement_trigger)
            if request.HasField("replacement_trigger")
            else None
        )
        recorded[request.name] = Options(
            dependencies=list(request.dependencies),
            delete_before_replace=request.deleteBeforeReplace,
            timeouts=(request.customTimeouts.create, request.customTimeouts.update),
            replacement_trigger=trigger,
        )
        return response

    monkeypatch.setattr(cloud.monitor, "RegisterResource", recording)
    return recorded


def job(cloud: MockCloud, purpose: str) -> dict[str, Any]:
    """The inputs of one of the component's Jobs."""
    return cloud.one(JOB, f"telemetry-{purpose}-job").inputs


def job_container(inputs: dict[str, Any]) -> dict[str, Any]:
    """The only container of a Job's (or a CronJob's) pod template."""
    spec = inputs["spec"]
    spec = spec.get("jobTemplate", {}).get("spec", spec)
    (only,) = spec["template"]["spec"]["containers"]
    return dict(only)


def environment(inputs: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """A Job container's environment variables by name."""
    return {variable["name"]: variable for variable in job_container(inputs)["env"]}


def secret_of(variable: dict[str, Any]) -> str:
    """The Secret an environment variable is filled from; fails if it has a literal value."""
    assert "value" not in variable, variable["name"]
    reference = variable["valueFrom"]["secretKeyRef"]
    assert reference["key"] == "password"
    return str(reference["name"])


def urn(cloud: MockCloud, type_token: str, name: str) -> str:
    return cloud.one(type_token, name).urn


def pod_labels(inputs: dict[str, Any]) -> dict[str, str]:
    """The labels of the pods a StatefulSet, Job or CronJob creates."""
    spec = inputs["spec"]
    spec = spec.get("jobTemplate", {}).get("spec", spec)
    return dict(spec["template"]["metadata"]["labels"])


def policies_selecting(cloud: MockCloud, labels: dict[str, str]) -> list[dict[str, Any]]:
    """The specs of the NetworkPolicies that apply to pods with these labels."""
    return [
        r.inputs["spec"]
        for r in cloud.of_type(NETWORK_POLICY)
        if selects(r.inputs["spec"]["podSelector"].get("matchLabels", {}), labels)
    ]


def test_jobs_run_in_order_databases_exchange_store_then_the_subscription(
    cloud: MockCloud, options: dict[str, Options]
) -> None:
    deploy(cloud, with_peer())
    jobs = {r.name.removeprefix("telemetry-").removesuffix("-job"): r.urn for r in cloud.of_type(JOB)}
    assert set(jobs) == {
        "store-database",
        "exchange-database",
        "exchange-schema",
        "store-schema",
        "subscription",
    }

    def after(name: str) -> set[str]:
        return set(options[name].dependencies)

    for server in ("store", "exchange"):
        # pulumi-kubernetes reports a StatefulSet created only once its pod is ready.
        statefulset_urn = urn(cloud, STATEFULSET, f"telemetry-{server}-statefulset")
        assert statefulset_urn in after(f"telemetry-{server}-database-job")
    assert jobs["exchange-database"] in after("telemetry-exchange-schema-job")
    assert {jobs["store-database"], jobs["exchange-schema"]} <= after("telemetry-store-schema-job")
    assert jobs["exchange-schema"] in after("telemetry-subscription-job")
    assert jobs["store-schema"] in after("telemetry-anonymise-cron-job")
    # Nothing runs on a server before the NetworkPolicies that let the Job reach it exist.
    policy_urns = {r.name: r.urn for r in cloud.of_type(NETWORK_POLICY)}
    assert {
        policy_urns["telemetry-store-network-policy"],
        policy_urns["telemetry-store-sql-jobs-network-policy"],
    } <= after("telemetry-store-database-job")
    assert policy_urns["telemetry-exchange-sql-jobs-network-policy"] in after(
        "telemetry-exchange-database-job"
    )
    assert policy_urns["telemetry-exchange-peer-network-policy"] in after("telemetry-subscription-job")


def test_each_job_runs_its_shipped_script_with_psql_stopping_at_the_first_error(cloud: MockCloud) -> None:
    deploy(cloud, with_peer(anonymisation_k=25))
    (config_map,) = [r for r in cloud.of_type(CONFIG_MAP) if r.name == "telemetry-sql"]
    scripts = config_map.inputs["data"]
    assert scripts == {
        "database.sql": telemetry_sql.database_script(),
        "exchange.sql": telemetry_sql.exchange_job_script(),
        "store.sql": telemetry_sql.store_job_script(),
        "subscription.sql": telemetry_sql.subscription_script(),
        "anonymise.sql": telemetry_sql.anonymise_statement(25) + "\n",
    }
    assert config_map.inputs["metadata"]["labels"][CLASSIFICATION_TAG] == "internal"
    exchange_host = "telemetry-exchange.telemetry.svc.cluster.local"
    expected = {
        "store-database": ("database.sql", {"database": "telemetry"}),
        "exchange-database": ("database.sql", {"database": "telemetry_exchange"}),
        "exchange-schema": ("exchange.sql", telemetry_sql.exchange_variables("eu", ["india"])),
        "store-schema": (
            "store.sql",
            telemetry_sql.store_variables("eu", exchange_host, 5432, "telemetry_exchange", "prefer", True),
        ),
        "subscription": (
            "subscription.sql",
            telemetry_sql.subscription_variables("india", PEER_HOST, 5432, "telemetry_exchange", "prefer"),
        ),
    }
    for purpose, (script, variables) in expected.items():
        inputs = job(cloud, purpose)
        container = job_container(inputs)
        assert container["command"] == ["psql"], purpose
        assert container["args"] == telemetry_sql.psql_arguments(f"/sql/{script}", variables), purpose
        assert container["args"][:3] == ["--no-psqlrc", "--set", "ON_ERROR_STOP=1"], purpose
        (mount,) = [m for m in container["volumeMounts"] if m["mountPath"] == "/sql"]
        assert mount["readOnly"] is True
        pod = inputs["spec"]["template"]
        (volume,) = [v for v in pod["spec"]["volumes"] if v["name"] == mount["name"]]
        assert volume["configMap"]["name"] == "telemetry-sql"
        # The script's digest is in the pod template, so an edited script runs the Job again.
        digest = hashlib.sha256(scripts[script].encode()).hexdigest()
        assert pod["metadata"]["annotations"]["residency/sql-sha256"] == digest
    assert environment(job(cloud, "store-database"))["PGDATABASE"]["value"] == "postgres"
    assert environment(job(cloud, "store-schema"))["PGDATABASE"]["value"] == "telemetry"
    assert environment(job(cloud, "subscription"))["PGDATABASE"]["value"] == "telemetry_exchange"


def test_clients_prefer_tls_until_the_servers_have_certificates(cloud: MockCloud) -> None:
    deploy(cloud, with_peer())
    workloads = [r.inputs for r in cloud.of_type(JOB)] + [
        cloud.one(CRON_JOB, "telemetry-anonymise-cron-job").inputs
    ]
    assert {environment(inputs)["PGSSLMODE"]["value"] for inputs in workloads} == {"prefer"}


def test_every_sql_connection_requires_tls_once_the_servers_have_certificates(
    cloud: MockCloud, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The switch is the component's own (no argument, no setting): whoever adds certificates sets it.
    monkeypatch.setattr(access, "SERVERS_HAVE_CERTIFICATES", True)
    deploy(cloud, with_peer())
    admitting = [
        line for line in hba_lines(cloud, "store") if line[2] == "telemetry_writer" and line[-1] != "reject"
    ]
    assert admitting and all(line[0] == "hostssl" for line in admitting)
    expected = {"store-schema": "exchange_sslmode=require", "subscription": "peer_sslmode=require"}
    for purpose, sslmode in expected.items():
        arguments = job_container(job(cloud, purpose))["args"]
        assert [a for a in arguments if "sslmode=" in a] == [sslmode], purpose
    workloads = [r.inputs for r in cloud.of_type(JOB)] + [
        cloud.one(CRON_JOB, "telemetry-anonymise-cron-job").inputs
    ]
    assert {environment(inputs)["PGSSLMODE"]["value"] for inputs in workloads} == {"require"}


def test_passwords_reach_the_jobs_only_from_their_secrets(cloud: MockCloud) -> None:
    store = deploy(cloud, with_peer())
    names = {
        "store-superuser": cloud.resolve(store.store.superuser_secret_name),
        "exchange-superuser": cloud.resolve(store.exchange.superuser_secret_name),
        "writer": cloud.resolve(store.writer_secret_name),
        "publisher": cloud.resolve(store.publisher_secret_name),
        "replication": cloud.resolve(store.replication_secret_name),
        "peer": cloud.resolve(store.peer_replication_secret_name),
    }
    expected = {
        "store-database": {"PGPASSWORD": names["store-superuser"]},
        "exchange-database": {"PGPASSWORD": names["exchange-superuser"]},
        "exchange-schema": {
            "PGPASSWORD": names["exchange-superuser"],
            telemetry_sql.REPLICATION_PASSWORD_ENV: names["replication"],
            telemetry_sql.PUBLISHER_PASSWORD_ENV: names["publisher"],
        },
        # The same publisher Secret on both sides: the store logs in to its exchange with what it was given.
        "store-schema": {
            "PGPASSWORD": names["store-superuser"],
            telemetry_sql.PUBLISHER_PASSWORD_ENV: names["publisher"],
            telemetry_sql.WRITER_PASSWORD_ENV: names["writer"],
        },
        "subscription": {
            "PGPASSWORD": names["exchange-superuser"],
            telemetry_sql.PEER_REPLICATION_PASSWORD_ENV: names["peer"],
        },
    }
    for purpose, wanted in expected.items():
        env = environment(job(cloud, purpose))
        secret_backed = {
            name: secret_of(variable) for name, variable in env.items() if "valueFrom" in variable
        }
        assert secret_backed == wanted, purpose
        assert not [name for name in env if "PASSWORD" in name and name not in secret_backed], purpose
    assert set(telemetry_sql.EXCHANGE_PASSWORD_ENVIRONMENT) < set(expected["exchange-schema"])
    assert set(telemetry_sql.STORE_PASSWORD_ENVIRONMENT) < set(expected["store-schema"])
    assert set(telemetry_sql.SUBSCRIPTION_PASSWORD_ENVIRONMENT) < set(expected["subscription"])
    cron_env = environment(cloud.one(CRON_JOB, "telemetry-anonymise-cron-job").inputs)
    assert {name: secret_of(v) for name, v in cron_env.items() if "valueFrom" in v} == {
        "PGPASSWORD": names["store-superuser"]
    }


def test_jobs_talk_to_their_own_server_as_its_superuser(cloud: MockCloud) -> None:
    deploy(cloud, with_peer())
    for purpose, server in (
        ("store-database", "store"),
        ("store-schema", "store"),
        ("exchange-database", "exchange"),
        ("exchange-schema", "exchange"),
        ("subscription", "exchange"),
    ):
        env = environment(job(cloud, purpose))
        assert env["PGHOST"]["value"] == f"telemetry-{server}.telemetry.svc.cluster.local", purpose
        assert (env["PGPORT"]["value"], env["PGUSER"]["value"]) == ("5432", "postgres"), purpose


def test_anonymisation_cron_job_runs_on_schedule_never_overlapping(cloud: MockCloud) -> None:
    deploy(cloud, valid_args(anonymisation_k=25, anonymisation_schedule="*/15 * * * *"))
    cron_job = cloud.one(CRON_JOB, "telemetry-anonymise-cron-job").inputs
    spec = cron_job["spec"]
    assert spec["schedule"] == "*/15 * * * *"
    assert spec["concurrencyPolicy"] == "Forbid"
    assert spec["timeZone"] == "Etc/UTC"
    container = job_container(cron_job)
    assert container["command"] == ["psql"]
    assert container["args"] == telemetry_sql.psql_arguments("/sql/anonymise.sql", {})
    env = environment(cron_job)
    assert (env["PGHOST"]["value"], env["PGDATABASE"]["value"]) == (
        "telemetry-store.telemetry.svc.cluster.local",
        "telemetry",
    )
    (config_map,) = [r for r in cloud.of_type(CONFIG_MAP) if r.name == "telemetry-sql"]
    assert "min_subjects => 25" in config_map.inputs["data"]["anonymise.sql"]


def test_failed_jobs_retry_then_run_again_on_the_next_update(
    cloud: MockCloud, options: dict[str, Options]
) -> None:
    deploy(cloud, with_peer())
    for registration in cloud.of_type(JOB):
        spec = registration.inputs["spec"]
        assert 1 <= spec["backoffLimit"] <= 6, registration.name
        assert spec["activeDeadlineSeconds"] <= 900, registration.name
        assert spec["template"]["spec"]["restartPolicy"] == "Never", registration.name
        assert "ttlSecondsAfterFinished" not in spec, registration.name  # a vanished Job would be re-created
        assert registration.inputs["metadata"]["annotations"] == {"pulumi.com/replaceUnready": "true"}
        recorded = options[registration.name]
        assert recorded.delete_before_replace is True, registration.name
        # Pulumi waits past the Job's own deadline, so Kubernetes' verdict decides.
        for timeout in recorded.timeouts:
            assert int(timeout.removesuffix("m")) * 60 > spec["activeDeadlineSeconds"], registration.name
    subscription = job(cloud, "subscription")["spec"]
    assert subscription["backoffLimit"] >= 6 and subscription["activeDeadlineSeconds"] >= 600


def test_a_rotated_password_runs_the_jobs_that_hold_it_again(
    cloud: MockCloud, options: dict[str, Options]
) -> None:
    store = deploy(cloud, with_peer())
    password = {
        purpose: revealed(cloud.one(SECRET, f"telemetry-{purpose}-password").inputs)["stringData"]["password"]
        for purpose in ("writer", "publisher", "replication")
    }
    assert cloud.resolve(store.replication_password) == password["replication"]
    expected = {
        "telemetry-exchange-schema-job": [password["replication"], password["publisher"]],
        "telemetry-store-schema-job": [password["publisher"], password["writer"]],
        "telemetry-subscription-job": [PEER_PASSWORD],
    }
    for name, values in expected.items():
        trigger = options[name].replacement_trigger
        assert trigger[pulumi.runtime.rpc._special_sig_key] == pulumi.runtime.rpc._special_secret_sig, name
        assert trigger["value"] == values, name
    assert options["telemetry-store-database-job"].replacement_trigger is None


def test_sql_job_pods_meet_the_restricted_pod_security_standard(cloud: MockCloud) -> None:
    deploy(cloud, with_peer())
    workloads = [r.inputs for r in cloud.of_type(JOB)] + [
        cloud.one(CRON_JOB, "telemetry-anonymise-cron-job").inputs
    ]
    for inputs in workloads:
        spec = inputs["spec"]
        pod = spec.get("jobTemplate", {}).get("spec", spec)["template"]["spec"]
        security = job_container(inputs)["securityContext"]
        assert pod["automountServiceAccountToken"] is False
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
        assert security["allowPrivilegeEscalation"] is False
        assert security["readOnlyRootFilesystem"] is True
        assert security["capabilities"] == {"drop": ["ALL"]}
        assert job_container(inputs)["image"] == f"docker.io/timescale/timescaledb-ha:{DEFAULT_IMAGE_TAG}"


@pytest.mark.parametrize(
    "missing",
    [
        {"peer_replication_host": None},
        {"peer_replication_password": None},
        {"peer_replication_host": None, "peer_replication_password": None},
    ],
)
def test_no_subscription_until_the_peers_endpoint_and_password_are_both_known_and_it_says_so(
    cloud: MockCloud, caplog: pytest.LogCaptureFixture, missing: dict[str, Any]
) -> None:
    with caplog.at_level(logging.WARNING):
        deploy(cloud, dataclasses.replace(with_peer(), **missing))
    assert not [r for r in cloud.of_type(JOB) if "subscription" in r.name]
    assert len(cloud.of_type(JOB)) == 4
    (warning,) = [r.getMessage() for r in caplog.records if "no subscription" in r.getMessage()]
    assert "region india" in warning
    for field_name in missing:
        assert field_name in warning


def test_the_peer_region_reaches_the_exchange_pods_and_nothing_else(cloud: MockCloud) -> None:
    deploy(cloud, with_peer(writer_namespaces=["microservices"]))
    workloads = {
        "store": statefulset(cloud, "store"),
        "exchange": statefulset(cloud, "exchange"),
        **{r.name: r.inputs for r in cloud.of_type(JOB)},
        "anonymise": cloud.one(CRON_JOB, "telemetry-anonymise-cron-job").inputs,
    }
    peer_block = {"ipBlock": {"cidr": PEER_CIDR}}
    admits_peer = {
        name
        for name, inputs in workloads.items()
        for spec in policies_selecting(cloud, pod_labels(inputs))
        for rule in spec.get("ingress", [])
        if peer_block in rule["from"]
    }
    assert admits_peer == {"exchange"}
    sends_to_peer = {
        name
        for name, inputs in workloads.items()
        for spec in policies_selecting(cloud, pod_labels(inputs))
        for rule in spec.get("egress", [])
        if peer_block in rule["to"]
    }
    assert sends_to_peer == {"exchange"}
    # No policy admits any address range but the peer's, and only on PostgreSQL's port.
    for registration in cloud.of_type(NETWORK_POLICY):
        spec = registration.inputs["spec"]
        for rule in spec.get("ingress", []) + spec.get("egress", []):
            assert rule["ports"] == [{"protocol": "TCP", "port": 5432.0}], registration.name
            blocks = [peer["ipBlock"] for peer in rule.get("from", rule.get("to", [])) if "ipBlock" in peer]
            assert blocks in ([], [{"cidr": PEER_CIDR}]), registration.name


def test_the_store_admits_only_its_writers_and_its_jobs_and_pushes_only_to_the_exchange(
    cloud: MockCloud,
) -> None:
    deploy(cloud, with_peer(writer_namespaces=["microservices"]))
    store_pods, exchange_pods = (pod_labels(statefulset(cloud, server)) for server in ("store", "exchange"))
    (store_policy,) = policies_selecting(cloud, store_pods)
    (ingress,) = store_policy["ingress"]
    namespaces = [peer for peer in ingress["from"] if "namespaceSelector" in peer]
    assert namespaces == [
        {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "microservices"}}}
    ]
    (jobs,) = [peer["podSelector"]["matchLabels"] for peer in ingress["from"] if "podSelector" in peer]
    store_jobs = {r.name for r in cloud.of_type(JOB) if selects(jobs, pod_labels(r.inputs))}
    assert store_jobs == {"telemetry-store-database-job", "telemetry-store-schema-job"}
    assert selects(jobs, pod_labels(cloud.one(CRON_JOB, "telemetry-anonymise-cron-job").inputs))
    (egress,) = store_policy["egress"]
    assert egress["to"] == [{"podSelector": {"matchLabels": server_selector(cloud, "exchange")}}]
    # Only the store and the exchange's own Jobs reach the exchange inside the cluster.
    internal = [
        peer["podSelector"]["matchLabels"]
        for spec in policies_selecting(cloud, exchange_pods)
        for rule in spec.get("ingress", [])
        for peer in rule["from"]
        if "podSelector" in peer
    ]
    reaching = {
        name
        for name, inputs in [("store", statefulset(cloud, "store"))]
        + [(r.name, r.inputs) for r in cloud.of_type(JOB)]
        if any(selects(selector, pod_labels(inputs)) for selector in internal)
    }
    assert reaching == {
        "store",
        "telemetry-exchange-database-job",
        "telemetry-exchange-schema-job",
        "telemetry-subscription-job",
    }


def test_each_sql_job_may_reach_only_the_server_it_runs_on(cloud: MockCloud) -> None:
    deploy(cloud, with_peer())
    workloads = [(r.name, r.inputs) for r in cloud.of_type(JOB)]
    workloads.append(
        ("telemetry-store-anonymise", cloud.one(CRON_JOB, "telemetry-anonymise-cron-job").inputs)
    )
    for name, inputs in workloads:
        server = "store" if name.startswith("telemetry-store") else "exchange"
        specs = policies_selecting(cloud, pod_labels(inputs))
        assert not [spec for spec in specs if spec.get("ingress")], name
        targets = [peer for spec in specs for rule in spec.get("egress", []) for peer in rule["to"]]
        assert targets == [{"podSelector": {"matchLabels": server_selector(cloud, server)}}], name


def server_selector(cloud: MockCloud, server: str) -> dict[str, str]:
    """The label selector of a server's pods."""
    return dict(statefulset(cloud, server)["spec"]["selector"]["matchLabels"])


# --- The declared Jobs, run as Kubernetes would run them, against real PostgreSQL ---


@dataclasses.dataclass
class DeclaredRegion:
    """What one region's TelemetryStore declared for its SQL, read back from the recorded registrations."""

    region: str
    jobs: list[dict[str, Any]]
    """The Jobs' inputs, in an order their recorded dependencies allow."""
    cron_job: dict[str, Any]
    scripts: dict[str, str]
    passwords: dict[str, str]
    """Secret name -> password."""
    replication_password: str


def declare(region: str, peer: str, **overrides: Any) -> DeclaredRegion:
    """Run one region's TelemetryStore under fresh mocks and collect its SQL workloads and Secrets."""
    mocks = ComponentMocks(preview=False)
    monitor = RecordingMonitor(mocks)
    pulumi.runtime.set_mocks(mocks, project="residency", stack=region, preview=False, monitor=monitor)
    cloud = MockCloud(mocks=mocks, monitor=monitor)
    dependencies: dict[str, list[str]] = {}
    register = monitor.RegisterResource

    def recording(request: Any) -> Any:
        response = register(request)
        dependencies[response.urn] = list(request.dependencies)
        return response

    monitor.RegisterResource = recording  # type: ignore[method-assign]
    args = valid_args(region=region, peer_region=peer, require_timescaledb=False, **overrides)
    store = cloud.run(
        lambda: TelemetryStore(f"{region}-telemetry", args, pulumi.ResourceOptions(providers=providers()))
    )
    jobs = {r.urn: r.inputs for r in cloud.of_type(JOB)}
    ordered: list[str] = []
    while len(ordered) < len(jobs):
        ready = [u for u in jobs if u not in ordered and set(dependencies[u]) & set(jobs) <= set(ordered)]
        assert ready, "the Jobs' dependencies form a cycle"
        ordered += sorted(ready)
    (config_map,) = [r for r in cloud.of_type(CONFIG_MAP) if r.name == f"{region}-telemetry-sql"]
    secrets = [revealed(r.inputs) for r in cloud.of_type(SECRET)]
    return DeclaredRegion(
        region=region,
        jobs=[jobs[u] for u in ordered],
        cron_job=cloud.of_type(CRON_JOB)[0].inputs,
        scripts=dict(config_map.inputs["data"]),
        passwords={s["metadata"]["name"]: s["stringData"]["password"] for s in secrets},
        replication_password=cloud.resolve(store.replication_password),
    )


def run_as_kubernetes_would(
    workload: dict[str, Any],
    declared: DeclaredRegion,
    servers: dict[str, Any],
    scripts_directory: Path,
    bindir: Path,
) -> None:
    """Run a Job's container command on this machine: Secrets resolved, Service names pointed at loopback."""
    container = job_container(workload)
    env: dict[str, str] = {}
    for variable in container["env"]:
        if "valueFrom" in variable:
            env[variable["name"]] = declared.passwords[variable["valueFrom"]["secretKeyRef"]["name"]]
        else:
            env[variable["name"]] = variable["value"]
    server_of_host = {
        f"{declared.region}-telemetry-{kind}.telemetry.svc.cluster.local": servers[
            f"{declared.region}-{kind}"
        ]
        for kind in ("store", "exchange")
    }
    server = server_of_host[env["PGHOST"]]
    # The superuser reaches a throwaway server over its own socket, as tests/telemetry_sql/servers.py
    # sets them up.
    env.update(PGHOST=str(server.directory), PGPORT=str(server.port))
    for name, script in declared.scripts.items():
        (scripts_directory / name).write_text(script)
    arguments = []
    for argument in container["args"]:
        name = argument.partition("=")[0]
        if argument.startswith("/sql/"):
            argument = str(scripts_directory / argument.removeprefix("/sql/"))
        elif name in ("exchange_host", "peer_host"):
            argument = f"{name}=127.0.0.1"
        elif name == "exchange_port":
            argument = f"{name}={servers[f'{declared.region}-exchange'].port}"
        elif name == "peer_port":
            (peer,) = [n for n in servers if n.endswith("-exchange") and not n.startswith(declared.region)]
            argument = f"{name}={servers[peer].port}"
        arguments.append(argument)
    clean = {key: value for key, value in os.environ.items() if not key.startswith(("PG", "TELEMETRY_"))}
    result = subprocess.run(
        [str(bindir / container["command"][0]), *arguments],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"{workload['metadata']['name']}:\n{result.stdout}\n{result.stderr}"


@pytest.mark.xfail(strict=True, reason=PENDING_TELEMETRY_WIRING)
def test_the_declared_jobs_and_cron_job_replicate_only_anonymised_hours_between_real_servers(
    tmp_path: Path,
) -> None:
    """eu deploys first; india, knowing eu's endpoint and replication password, subscribes to it."""
    testing = pytest.importorskip("tests.telemetry_sql.servers")
    try:
        bindir = testing.find_bindir()
    except testing.PostgresNotFound as error:
        pytest.skip(str(error))
    eu = declare("eu", "india")
    india = declare(
        "india",
        "eu",
        peer_replication_host="eu-replication.example.internal",
        peer_replication_password=eu.replication_password,
    )
    assert [job["metadata"]["name"] for job in india.jobs][-1] == "india-telemetry-subscription"
    with testing.postgres_servers(testing.region_specifications(["eu", "india"])) as servers:
        for declared in (eu, india, eu, india):  # a later `pulumi up` that replaces every Job changes nothing
            for workload in declared.jobs:
                run_as_kubernetes_would(workload, declared, servers, tmp_path, bindir)
        hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=2)
        rows = [
            (
                hour + timedelta(minutes=subject),
                f"subject-{service}-{subject}",
                f"device-{subject}",
                service,
                12.5,
            )
            for service, subjects in (("checkout", 12), ("search", 9))  # k is 10: search is too small
            for subject in range(subjects)
        ]
        with servers["eu-store"].connect("telemetry") as connection:
            connection.cursor().executemany(
                b"INSERT INTO telemetry.raw_events (observed_at, subject_id, device_id, service, latency_ms)"
                b" VALUES (%s, %s, %s, %s, %s)",
                rows,
            )
        run_as_kubernetes_would(eu.cron_job, eu, servers, tmp_path, bindir)
        received = "SELECT service, subject_count FROM anonymised.telemetry_hourly_eu ORDER BY service"
        testing.wait_until(lambda: bool(servers["india-exchange"].query("telemetry_exchange", received)), 30)
        assert servers["india-exchange"].query("telemetry_exchange", received) == [("checkout", 12)]
