"""TelemetryStore under Pulumi mocks: raw telemetry stays in the cluster, only the exchange faces the peer."""

from __future__ import annotations

import dataclasses
import hashlib
import ipaddress
import json
import logging
import os
import re
import shutil
import subprocess
import tempfile
from datetime import UTC, datetime, timedelta
from decimal import Decimal
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
from components.telemetry_store import server as server_module
from offline_preview.cloud_mocks import PlausibleCloudMocks
from residency.settings import TelemetrySettings
from residency_facts import CLASSIFICATION_TAG
from tests.components.conftest import MockCloud
from tests.components.tls_mocks import RealTlsMocks
from tests.recording import RecordingMonitor

REGION = "eu-west-1"
NAMESPACE = "telemetry"
PEER_CIDR = "10.20.0.0/16"
VPC_CIDR = "10.10.0.0/16"
CSI_ROLE = "arn:aws:iam::123456789012:role/eu-ebs-csi"
LOAD_BALANCER_HOSTNAME = "k8s-telemetry-replicat-0123456789.elb.eu-west-1.amazonaws.com"
INBOX_RULE = f"hostssl telemetry_exchange telemetry_inbox_india {PEER_CIDR} cert"

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
PDB = "kubernetes:policy/v1:PodDisruptionBudget"
TLS_KEY = "tls:index/privateKey:PrivateKey"
SELF_SIGNED = "tls:index/selfSignedCert:SelfSignedCert"
CERT_REQUEST = "tls:index/certRequest:CertRequest"
SIGNED = "tls:index/locallySignedCert:LocallySignedCert"
PEER_HOST = "k8s-india-replicat-0123456789.elb.ap-south-1.amazonaws.com"
PEER_CA = (
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBdzCCAR2gAwIBAgIRAKcLd0yGZrOUW9O3Yk2rbJ4wCgYIKoZIzj0EAwIwGzEZ\n"
    "-----END CERTIFICATE-----\n"
)
"""The peer's public CA certificate as the peer stack's telemetryCaCertificate output gives it."""
SERVICES = ("checkout", "search", "payments")
WRITERS = ("checkout", "search", "payments")
"""The services that write raw telemetry, each with its own role and client certificate."""


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


TELEMETRY_FIELDS = {
    "services": "services",
    "metrics": "metrics",
    "anonymisation_k": "anonymisation_k",
    "epsilon_per_hour": "epsilon_per_hour",
    "max_groups_per_subject": "max_groups_per_subject",
    "max_events_per_group": "max_events_per_group",
    "latency_bound_ms": "latency_bound_ms",
    "small_group_probability": "small_group_probability",
    "anonymisation_schedule": "anonymisation_schedule",
    "image_tag": "image_tag",
    "storage_size_gb": "storage_gib",
    "exchange_storage_size_gb": "exchange_storage_gib",
    "writers": "writers",
    "release_suspended": "restore_in_progress",
}
"""Overrides of valid_args that are fields of the stack's TelemetrySettings (the component takes it whole)."""

TELEMETRY = TelemetrySettings(
    storage_gib=100,
    exchange_storage_gib=20,
    image_tag=DEFAULT_IMAGE_TAG,
    anonymisation_k=10,
    anonymisation_schedule="20 * * * *",
    services=SERVICES,
    metrics=("request",),
    writers=WRITERS,
)
"""The telemetry settings a stack would pass (residency/settings.py validates them before)."""


def valid_args(**overrides: Any) -> TelemetryStoreArgs:
    """Arguments a region stack would pass, with some fields (of the args or of its telemetry) replaced."""
    telemetry = {TELEMETRY_FIELDS[k]: overrides.pop(k) for k in list(overrides) if k in TELEMETRY_FIELDS}
    base = TelemetryStoreArgs(
        namespace=NAMESPACE,
        peer_vpc_cidr=PEER_CIDR,
        ebs_csi_role_arn=CSI_ROLE,
        region="eu",
        peer_region="india",
        vpc_cidr=VPC_CIDR,
        telemetry=dataclasses.replace(TELEMETRY, **telemetry),
        writer_namespaces=("microservices",),
        volume_tags={"jurisdiction": "EU"},
    )
    return dataclasses.replace(base, **overrides)


def with_peer(**overrides: Any) -> TelemetryStoreArgs:
    """Arguments once the peer region is deployed: its replication endpoint and CA certificate are known."""
    return valid_args(peer_replication_host=PEER_HOST, peer_ca_certificate=PEER_CA, **overrides)


def providers() -> list[pulumi.ProviderResource]:
    """The explicit providers a region stack passes: AWS in REGION and the cluster's Kubernetes."""
    import pulumi_aws as aws

    return [aws.Provider("aws-eu", region=REGION), k8s.Provider("eu-kubernetes", kubeconfig="{}")]


def deploy(
    cloud: MockCloud, args: TelemetryStoreArgs | None = None, name: str = "telemetry"
) -> TelemetryStore:
    """Run the component alone, with explicit providers, until every registration settles.

    One run per name and distinct args in this module, which the tests that build them read (run_shared).
    """
    args = args or valid_args()
    return cloud.run_shared(
        (name, repr(args)), lambda: TelemetryStore(name, args, pulumi.ResourceOptions(providers=providers()))
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


def server_settings(cloud: MockCloud, server: str) -> dict[str, str]:
    """The `-c key=value` settings a server's container passes to postgres."""
    arguments = container(cloud, server)["args"]
    assert arguments[0] == "postgres"
    pairs = arguments[1:]
    assert pairs[::2] == ["-c"] * (len(pairs) // 2)
    return dict(pair.split("=", 1) for pair in pairs[1::2])


def test_neither_server_can_stream_or_decode_and_both_run_tls_one_three(cloud: MockCloud) -> None:
    deploy(cloud, with_peer())
    store, exchange = server_settings(cloud, "store"), server_settings(cloud, "exchange")
    # No walsender on the exchange: no role can run BASE_BACKUP or a logical slot against it.
    assert (exchange["wal_level"], exchange["max_wal_senders"], exchange["max_replication_slots"]) == (
        "replica",
        "0",
        "0",
    )
    assert store.get("wal_level", "replica") == "replica"
    for settings in (store, exchange):
        assert settings["hba_file"] == "/etc/residency/pg_hba.conf"
        # On the command line, as postgres reads `-c`: no postgresql.conf quotes inside the values.
        assert settings["ssl"] == "on"
        assert settings["ssl_min_protocol_version"] == "TLSv1.3"
        assert (settings["ssl_cert_file"], settings["ssl_key_file"]) == ("/tls/server.crt", "/tls/server.key")
        assert settings["password_encryption"] == "scram-sha-256"
    # The exchange checks the peer's client certificates against the peer's CA; the store its writers'
    # against the region's own CA.
    assert exchange["ssl_ca_file"] == "/tls/peer-ca.crt"
    assert store["ssl_ca_file"] == "/tls/ca.crt"


def test_without_the_peers_ca_the_exchange_trusts_no_client_certificate(cloud: MockCloud) -> None:
    deploy(cloud, valid_args(peer_replication_host=PEER_HOST))
    assert "ssl_ca_file" not in server_settings(cloud, "exchange")
    # A `cert` line without ssl_ca_file would make PostgreSQL refuse the whole file at start.
    assert not [line for line in hba_lines(cloud, "exchange") if line[-1] == "cert"]
    for server in ("store", "exchange"):
        secret = revealed(cloud.one(SECRET, f"telemetry-{server}-tls").inputs)
        assert "peer-ca.crt" not in secret["stringData"], server


@pytest.mark.parametrize(
    ("value", "expected"),
    [("'/tls/server.crt'", "/tls/server.crt"), ("'TLSv1.3'", "TLSv1.3"), ("on", "on"), ("0", "0")],
)
def test_postgresql_conf_values_lose_their_quotes_on_the_command_line(value: str, expected: str) -> None:
    assert server_module.command_line_value(value) == expected


@pytest.mark.parametrize("value", ["'it''s'", "'a\\b'"])
def test_values_the_command_line_cannot_carry_are_refused(value: str) -> None:
    with pytest.raises(ValueError, match="command line"):
        server_module.command_line_value(value)


def admitting_the_peer(lines: list[list[str]]) -> list[list[str]]:
    """The lines before the first that rejects the whole peer range for everyone which admit part of it."""
    peer = ip_network(PEER_CIDR)
    tcp = [line for line in lines if line[0] != "local"]
    cutoff = next(
        index
        for index, line in enumerate(tcp)
        if line[0] != "hostnossl"  # refuses plaintext only: TLS connections go on to the next lines
        and line[1:3] == ["all", "all"]
        and line[-1] == "reject"
        and ip_network(line[3]).supernet_of(peer)
    )
    return [line for line in tcp[:cutoff] if line[-1] != "reject" and ip_network(line[3]).overlaps(peer)]


def test_pg_hba_admits_from_the_peer_only_its_inbox_role_by_certificate_on_the_exchange(
    cloud: MockCloud,
) -> None:
    deploy(cloud, with_peer())
    assert admitting_the_peer(hba_lines(cloud, "store")) == []
    assert admitting_the_peer(hba_lines(cloud, "exchange")) == [INBOX_RULE.split()]
    for server in ("store", "exchange"):
        lines = hba_lines(cloud, server)
        # No TCP connection without TLS gets past the first line; every TCP line that admits is hostssl.
        assert lines[0] == ["hostnossl", "all", "all", "all", "reject"], server
        admitting = [line for line in lines if line[0] != "local" and line[-1] != "reject"]
        assert admitting and {line[0] for line in admitting} == {"hostssl"}, server


def test_pg_hba_admits_nothing_from_the_peer_until_its_ca_is_known(cloud: MockCloud) -> None:
    deploy(cloud)
    for server in ("store", "exchange"):
        assert admitting_the_peer(hba_lines(cloud, server)) == [], server


def test_a_rule_admitting_plain_tcp_is_refused(cloud: MockCloud, monkeypatch: pytest.MonkeyPatch) -> None:
    plaintext = f"host telemetry telemetry_writer {VPC_CIDR} scram-sha-256"
    monkeypatch.setattr(access.telemetry_sql, "store_pg_hba_rules", lambda database, cidrs: [plaintext])
    with pytest.raises(ValueError, match="admits a TCP connection without TLS"):
        deploy(cloud)
    assert not cloud.of_type(STATEFULSET)


def ip_network(address: str) -> ipaddress.IPv4Network:
    """An IPv4 network from a pg_hba address column (the tests use IPv4 only; `all` is every address)."""
    network = ipaddress.ip_network("0.0.0.0/0" if address == "all" else address)
    assert isinstance(network, ipaddress.IPv4Network)
    return network


def test_the_writers_come_only_from_this_regions_vpc(cloud: MockCloud) -> None:
    deploy(cloud)
    lines = hba_lines(cloud, "store")
    writers = [line for line in lines if "telemetry_writer" in line[2] and line[-1] != "reject"]
    # Each service's own role, a member of the group, by its client certificate only: no password line.
    assert writers == [["hostssl", "telemetry", "+telemetry_writer", VPC_CIDR, "cert"]]
    # The group itself (a role is its own member) is refused before that line could admit it.
    assert lines.index(["host", "all", "telemetry_writer", "all", "reject"]) < lines.index(writers[0])


def test_without_writers_no_writer_is_admitted(cloud: MockCloud) -> None:
    deploy(cloud, valid_args(writers=()))
    lines = hba_lines(cloud, "store")
    assert not [line for line in lines if "telemetry_writer" in line[2] and line[-1] != "reject"]
    assert not [r for r in cloud.of_type(SECRET) if "writer" in r.name]


def test_the_store_trusts_the_regions_ca_for_client_certificates(cloud: MockCloud) -> None:
    deploy(cloud)
    settings = server_settings(cloud, "store")
    assert settings["ssl_ca_file"] == "/tls/ca.crt"
    store_tls = revealed(cloud.one(SECRET, "telemetry-store-tls").inputs)["stringData"]
    # The region's CA, never the peer's: a certificate the peer's CA issued names no writer here.
    assert store_tls["ca.crt"] == cloud.outputs_of(cloud.one(SELF_SIGNED, "telemetry-ca"))["certPem"]


@pytest.mark.parametrize(
    ("writers", "message"),
    [(("checkout", "checkout"), "twice"), (("check-out",), "writers"), (("Checkout",), "writers")],
)
def test_invalid_writers_are_refused(cloud: MockCloud, writers: tuple[str, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        deploy(cloud, valid_args(writers=writers))


def test_writers_without_a_namespace_are_refused(cloud: MockCloud) -> None:
    with pytest.raises(ValueError, match="writer_namespaces is empty"):
        deploy(cloud, valid_args(writer_namespaces=()))


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
    deploy(cloud, with_peer(writer_namespaces=["microservices"]))
    passwords = [cloud.outputs_of(r)["result"] for r in cloud.of_type(PASSWORD)]
    assert len(passwords) == 2  # the two superusers: the writers and the cross-region link have none
    # The Jobs, the CronJob and the ConfigMaps (SQL, pg_hba, CA, writer connection) are among those scanned.
    assert (len(cloud.of_type(JOB)), len(cloud.of_type(CRON_JOB)), len(cloud.of_type(CONFIG_MAP))) == (
        5,
        2,
        5,
    )
    for registration in cloud.registrations:
        if registration.type in (SECRET, PASSWORD):
            continue
        rendered = json.dumps(registration.inputs)
        assert not [p for p in passwords if p in rendered], registration.name
    secrets = {r.inputs["metadata"]["name"]: revealed(r.inputs) for r in cloud.of_type(SECRET)}
    password_secrets = {name: s for name, s in secrets.items() if name.endswith("-password")}
    assert len(password_secrets) == 2
    assert sorted(s["stringData"]["password"] for s in password_secrets.values()) == sorted(passwords)
    writer_secrets = {f"telemetry-writer-{service}-tls" for service in WRITERS}
    assert set(secrets) - set(password_secrets) == {
        "telemetry-store-tls",
        "telemetry-exchange-tls",
        *writer_secrets,
    }
    for name, secret in secrets.items():
        if name in writer_secrets:
            # In the service's namespace, as kubernetes.io/tls: its certificate, its key and the CA.
            assert (
                secret["type"] == "kubernetes.io/tls" and secret["metadata"]["namespace"] == "microservices"
            )
            assert set(secret["stringData"]) == {"tls.crt", "tls.key", "ca.crt"}
        else:
            assert secret["type"] == "Opaque" and secret["metadata"]["namespace"] == NAMESPACE


def test_private_keys_reach_only_their_servers_secrets_and_the_ca_key_none(cloud: MockCloud) -> None:
    deploy(cloud, with_peer(writer_namespaces=["microservices"]))
    keys = {r.name: cloud.outputs_of(r)["privateKeyPem"] for r in cloud.of_type(TLS_KEY)}
    writer_keys = {f"telemetry-writer-{service}-key" for service in WRITERS}
    assert set(keys) == {
        "telemetry-ca-key",
        "telemetry-store-key",
        "telemetry-exchange-key",
        "telemetry-client-key",
        *writer_keys,
    }
    holders = {
        name: {r.name for r in cloud.registrations if json.dumps(key)[1:-1] in json.dumps(revealed(r.inputs))}
        for name, key in keys.items()
    }
    # The CA key signs inside the stack's state only: no Kubernetes object, no output ever holds it.
    assert holders["telemetry-ca-key"] == {
        "telemetry-ca",
        "telemetry-store-certificate",
        "telemetry-exchange-certificate",
        "telemetry-client-certificate",
        *(f"telemetry-writer-{service}-certificate" for service in WRITERS),
    }
    # Each writer's key reaches its own Secret only: no other service's, no server's.
    for service in WRITERS:
        assert holders[f"telemetry-writer-{service}-key"] == {
            f"telemetry-writer-{service}-certificate-request",
            f"telemetry-writer-{service}-tls",
        }
        # The key is a secret in the state: the whole stringData, or the key's own value, is marked secret.
        string_data = cloud.one(SECRET, f"telemetry-writer-{service}-tls").inputs["stringData"]
        marked = [string_data, string_data.get("tls.key")]
        assert [
            v
            for v in marked
            if isinstance(v, dict)
            and v.get(pulumi.runtime.rpc._special_sig_key) == (pulumi.runtime.rpc._special_secret_sig)
        ], service
    assert holders["telemetry-store-key"] == {"telemetry-store-certificate-request", "telemetry-store-tls"}
    assert holders["telemetry-exchange-key"] == {
        "telemetry-exchange-certificate-request",
        "telemetry-exchange-tls",
    }
    # The push's client key lives on the store, which pushes; never on the exchange.
    assert holders["telemetry-client-key"] == {"telemetry-client-certificate-request", "telemetry-store-tls"}
    for secret in ("telemetry-store-tls", "telemetry-exchange-tls"):
        string_data = cloud.one(SECRET, secret).inputs["stringData"]
        for name in ("server.key", "client.key"):
            if name in string_data:
                assert string_data[name][pulumi.runtime.rpc._special_sig_key] == (
                    pulumi.runtime.rpc._special_secret_sig
                ), (secret, name)


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


def test_generated_passwords_are_long_and_none_is_an_output(cloud: MockCloud) -> None:
    store = deploy(cloud, with_peer())
    for registration in cloud.of_type(PASSWORD):
        assert registration.inputs["length"] >= 32
    assert not [name for name in vars(store) if "password" in name]
    # What the peer copies is public: the CA certificate, not a secret.
    assert not cloud.is_secret(store.ca_certificate)
    assert (
        cloud.resolve(store.ca_certificate)
        == cloud.outputs_of(cloud.one(SELF_SIGNED, "telemetry-ca"))["certPem"]
    )


def test_the_ca_may_sign_leaves_only_and_each_certificate_names_what_verify_full_checks(
    cloud: MockCloud,
) -> None:
    deploy(cloud, with_peer())
    for key in cloud.of_type(TLS_KEY):
        assert (key.inputs["algorithm"], key.inputs["ecdsaCurve"]) == ("ECDSA", "P256"), key.name
    ca = cloud.one(SELF_SIGNED, "telemetry-ca").inputs
    assert ca["isCaCertificate"] is True and ca["maxPathLength"] == 0
    assert sorted(ca["allowedUses"]) == ["cert_signing", "crl_signing"]
    assert ca["subject"]["commonName"] == "telemetry CA eu"
    requests = {r.name: r.inputs for r in cloud.of_type(CERT_REQUEST)}
    in_cluster = [
        f"telemetry-{{server}}.{NAMESPACE}.svc.cluster.local",
        f"telemetry-{{server}}.{NAMESPACE}.svc",
        f"telemetry-{{server}}.{NAMESPACE}",
    ]
    store = requests["telemetry-store-certificate-request"]
    assert store["dnsNames"] == [name.format(server="store") for name in in_cluster]
    exchange = requests["telemetry-exchange-certificate-request"]
    # The replication endpoint's name (the NLB's) is only known once it exists: one label of its domain.
    assert exchange["dnsNames"] == [
        *(name.format(server="exchange") for name in in_cluster),
        f"*.elb.{REGION}.amazonaws.com",
    ]
    assert LOAD_BALANCER_HOSTNAME.split(".", 1)[1] == f"elb.{REGION}.amazonaws.com"
    client = requests["telemetry-client-certificate-request"]
    assert client["subject"]["commonName"] == telemetry_sql.inbox_role("eu") == "telemetry_inbox_eu"
    assert "dnsNames" not in client
    signed = {r.name: r.inputs for r in cloud.of_type(SIGNED)}
    ca_pem = cloud.outputs_of(cloud.one(SELF_SIGNED, "telemetry-ca"))["certPem"]
    for name, inputs in signed.items():
        assert inputs["caCertPem"] == ca_pem, name
        assert inputs["earlyRenewalHours"] < inputs["validityPeriodHours"], name
    assert "server_auth" in signed["telemetry-store-certificate"]["allowedUses"]
    assert "server_auth" in signed["telemetry-exchange-certificate"]["allowedUses"]
    assert "client_auth" in signed["telemetry-client-certificate"]["allowedUses"]
    assert "server_auth" not in signed["telemetry-client-certificate"]["allowedUses"]


@pytest.mark.parametrize(
    ("server", "files"),
    [
        # ca.crt: the region's CA, the store's ssl_ca_file, which the writers' certificates must chain to.
        ("store", {"server.crt", "server.key", "client.crt", "client.key", "ca.crt", "peer-ca.crt"}),
        ("exchange", {"server.crt", "server.key", "peer-ca.crt"}),
    ],
)
def test_each_server_mounts_its_tls_files_with_owner_only_keys(
    cloud: MockCloud, server: str, files: set[str]
) -> None:
    deploy(cloud, with_peer())
    pod = statefulset(cloud, server)["spec"]["template"]
    (volume,) = [v for v in pod["spec"]["volumes"] if v["name"] == "tls"]
    secret = revealed(cloud.one(SECRET, f"telemetry-{server}-tls").inputs)
    assert volume["secret"]["secretName"] == secret["metadata"]["name"]
    assert set(secret["stringData"]) == files
    assert secret["stringData"]["peer-ca.crt"] == PEER_CA
    modes = {item["key"]: item["mode"] for item in volume["secret"]["items"]}
    assert set(modes) == files
    for name, mode in modes.items():
        assert mode == (0o600 if name.endswith(".key") else 0o644), name
    assert volume["secret"]["defaultMode"] == 0o600
    (mount,) = [m for m in container(cloud, server)["volumeMounts"] if m["name"] == "tls"]
    assert (mount["mountPath"], mount["readOnly"]) == ("/tls", True)
    # A renewed certificate (or a new peer CA) changes the template, so the server restarts with it.
    digest = pod["metadata"]["annotations"]["residency/tls-sha256"]
    certificates = "".join(secret["stringData"][name] for name in sorted(files) if not name.endswith(".key"))
    assert digest == hashlib.sha256(certificates.encode()).hexdigest()


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


def disruptions_allowed(budget: dict[str, Any], healthy: int, expected: int) -> int:
    """What the disruption controller allows for this budget (k8s.io/kubernetes pkg/controller/disruption)."""
    spec = budget["spec"]
    if "maxUnavailable" in spec:
        return max(0, healthy - (expected - int(spec["maxUnavailable"])))
    return max(0, healthy - int(spec["minAvailable"]))


@pytest.mark.parametrize("server", ["store", "exchange"])
def test_disruption_budget_lets_a_node_drain_evict_the_single_primary(cloud: MockCloud, server: str) -> None:
    deploy(cloud)
    budget = cloud.one(PDB, f"telemetry-{server}-disruption-budget").inputs
    spec = statefulset(cloud, server)["spec"]
    assert spec["replicas"] == 1
    assert budget["spec"]["selector"] == spec["selector"]
    # minAvailable 1 with one replica allows no eviction: every node-group update would time out its drain.
    assert "minAvailable" not in budget["spec"]
    assert disruptions_allowed(budget, healthy=1, expected=1) == 1
    # A budget still bounds voluntary disruptions: never more than the one pod there is.
    assert budget["spec"]["maxUnavailable"] == 1


def test_a_budget_of_min_available_one_would_block_the_drain() -> None:
    # The rule the test above protects, shown on the budget this component had before (issue 13).
    blocking = {"spec": {"minAvailable": 1}}
    assert disruptions_allowed(blocking, healthy=1, expected=1) == 0


def test_invokes_go_through_the_stacks_aws_provider(cloud: MockCloud) -> None:
    deploy(cloud)
    provider = cloud.one("pulumi:providers:aws", "aws-eu")
    assert len(cloud.monitor.invocations) == 3
    for invocation in cloud.monitor.invocations:
        assert invocation.provider.startswith(provider.urn), invocation.token


PARTS = {
    "residency:telemetryStore:TelemetryCertificates": ("certificates",),
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
    for shared in ("volume-key", "storage-class", "store-superuser-password", "replication-service"):
        assert owners(shared) == {"component"}, shared
    for tls_part in (
        "ca-key",
        "ca",
        "store-tls",
        "exchange-tls",
        "client-certificate",
        "writer-checkout-tls",
    ):
        assert owners(tls_part) == {"telemetry-certificates"}, tls_part
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
    # The component's 8 (key, StorageClass, 2 superuser passwords and their Secrets, the endpoint, the
    # writers' connection ConfigMap), the servers' 10, the certificates' 26 (4 keys, the CA, 3 requests and
    # certificates, 2 Secrets, the CA ConfigMap; per writer a key, a request, a certificate and a Secret),
    # 5 NetworkPolicies, the SQL ConfigMap, 4 Jobs and 2 CronJobs.
    assert len(children) == 8 + 10 + 14 + 4 * len(WRITERS) + 5 + 1 + 4 + 2
    for child in children:
        # Directly, or through one of its parts, which are its children themselves.
        assert child.parent == component.urn or child.parent in parts, child.name
        assert child.name.startswith("telemetry-"), child.name
        if child.type.startswith("kubernetes:"):
            assert child.provider.startswith(kubernetes_provider.urn), child.name
            metadata = child.inputs["metadata"]
            assert metadata["name"].startswith("telemetry-"), child.name
            if child.name.startswith("telemetry-writer-"):
                # What a writing service mounts lives in the namespace it runs in.
                assert metadata["namespace"] == "microservices", child.name
            elif child.type != "kubernetes:storage.k8s.io/v1:StorageClass":
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
    assert {s: cloud.resolve(n) for s, n in store.writer_secret_names.items()} == {
        service: f"telemetry-writer-{service}-tls" for service in WRITERS
    }
    conninfos = cloud.resolve(store.writer_conninfos)
    assert conninfos == {
        service: telemetry_sql.writer_conninfo(
            "telemetry-store.telemetry.svc.cluster.local",
            "telemetry",
            "/etc/telemetry-writer/ca.crt",
            5432,
            service,
            "/etc/telemetry-writer/tls.crt",
            "/etc/telemetry-writer/tls.key",
        )
        for service in WRITERS
    }
    for service, conninfo in conninfos.items():
        assert "sslmode='verify-full'" in conninfo and f"user='telemetry_writer_{service}'" in conninfo
        assert "password" not in conninfo


def test_each_writer_namespace_gets_the_ca_and_the_conninfo_and_no_secret(cloud: MockCloud) -> None:
    store = deploy(cloud, valid_args(writer_namespaces=["microservices", "batch"]))
    connections = [r.inputs for r in cloud.of_type(CONFIG_MAP) if "writer-connection" in r.name]
    assert sorted(c["metadata"]["namespace"] for c in connections) == ["batch", "microservices"]
    # Each service's certificate reaches every namespace writers run in, under the same name.
    for service in WRITERS:
        placed = [r.inputs["metadata"] for r in cloud.of_type(SECRET) if f"writer-{service}-tls" in r.name]
        assert sorted(m["namespace"] for m in placed) == ["batch", "microservices"]
        assert {m["name"] for m in placed} == {f"telemetry-writer-{service}-tls"}
    for connection in connections:
        assert connection["metadata"]["name"] == "telemetry-writer-connection"
        conninfos = cloud.resolve(store.writer_conninfos)
        assert connection["data"] == {
            "ca.crt": cloud.resolve(store.ca_certificate),
            **{f"{service}.conninfo": conninfos[service] for service in WRITERS},
        }
        assert connection["metadata"]["labels"][CLASSIFICATION_TAG] == "internal"


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
        ({"storage_size_gb": 0}, "telemetry.storage_gib"),
        ({"exchange_storage_size_gb": 20000}, "telemetry.exchange_storage_gib"),
        ({"store_resources": ServerResources("2", "1", "1Gi", "1Gi")}, "store_resources"),
        ({"exchange_resources": ServerResources("1", "1", "1GB", "1Gi")}, "exchange_resources"),
        ({"database_name": "Telemetry"}, "database_name"),
        ({"exchange_database_name": "telemetry"}, "exchange_database_name"),
        ({"vpc_cidr": "10.10.0.0/33"}, "vpc_cidr"),
        ({"vpc_cidr": "10.10.0.1/16"}, "vpc_cidr"),
        ({"volume_tags": {CLASSIFICATION_TAG: "public"}}, "volume_tags"),
        ({"services": ("checkout", "ip-198-51-100-77")}, "services"),
        ({"metrics": ("other",)}, "metrics"),
        ({"epsilon_per_hour": Decimal("2.5")}, "epsilon_per_hour"),
        ({"max_events_per_group": 0}, "max_events_per_group"),
        ({"anonymisation_k": 9}, "telemetry.anonymisation_k"),
        (
            {"peer_ca_certificate": "-----BEGIN PRIVATE KEY-----\nMIGH\n-----END PRIVATE KEY-----\n"},
            "peer_ca",
        ),
        ({"peer_replication_host": "Not A Host"}, "peer_replication_host"),
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


def test_rendered_pg_hba_lets_only_the_peers_inbox_role_in_from_the_peer_on_real_servers() -> None:
    """Loopback plays the peer VPC: every connection here comes from the peer's range."""
    testing = pytest.importorskip("tests.telemetry_sql.servers")
    try:
        testing.find_bindir()
    except testing.PostgresNotFound as error:
        pytest.skip(str(error))
    peer = "127.0.0.0/8"
    rules = access.TelemetryAccess.of(
        valid_args(peer_vpc_cidr=peer, vpc_cidr=VPC_CIDR, peer_ca_certificate=PEER_CA)
    )

    def lines(leading: tuple[str, ...]) -> list[str]:
        return [line for line in pg_hba(leading, peer).splitlines() if line and not line.startswith("#")]

    authorities = testing.region_authorities(["eu", "india"])
    eu, india = authorities["eu"], authorities["india"]
    server_hosts = testing.SERVER_HOSTS
    fast = {"fsync": "off", "synchronous_commit": "off"}
    specifications = {}
    for server in ("store", "exchange"):
        certificate, key = eu.issue(f"eu {server}", server=True, hosts=server_hosts)
        settings = {
            **fast,
            # The store's client CA is the region's own (its writers'), as the component configures it.
            **telemetry_sql.server_tls_settings(
                "{directory}/server.crt", "{directory}/server.key", "{directory}/ca.crt"
            ),
        }
        if server == "exchange":
            settings.update(telemetry_sql.EXCHANGE_SERVER_SETTINGS, ssl_ca_file="'{directory}/peer-ca.crt'")
        specifications[server] = testing.ServerSpecification(
            settings,
            lines(rules.store_rules if server == "store" else rules.exchange_rules),
            {
                "server.crt": certificate,
                "server.key": key,
                "ca.crt": eu.certificate_pem,
                "peer-ca.crt": india.certificate_pem,
            },
        )
    # The peer's client certificate, and one for the same role from a CA the exchange does not trust.
    client_certificate, client_key = india.issue(telemetry_sql.inbox_role("india"), server=False)
    impostor = testing.CertificateAuthority("impostor")
    forged_certificate, forged_key = impostor.issue(telemetry_sql.inbox_role("india"), server=False)
    with testing.postgres_servers(specifications) as servers:
        servers["exchange"].query("postgres", "CREATE DATABASE telemetry_exchange")
        for server in servers.values():
            server.query("postgres", "CREATE DATABASE telemetry")
            for role in ("telemetry_inbox_india", "telemetry_writer"):
                server.query("postgres", f"CREATE ROLE {role} LOGIN PASSWORD 'known'")
            server.query("postgres", "ALTER ROLE postgres PASSWORD 'known'")
        files = servers["exchange"].directory
        (files / "client.crt").write_bytes(client_certificate)
        (files / "client.key").write_bytes(client_key)
        (files / "forged.crt").write_bytes(forged_certificate)
        (files / "forged.key").write_bytes(forged_key)
        for name in ("client.key", "forged.key"):
            (files / name).chmod(0o600)
        certificate = {"sslcert": str(files / "client.crt"), "sslkey": str(files / "client.key")}
        forged = {"sslcert": str(files / "forged.crt"), "sslkey": str(files / "forged.key")}

        def connects(server: str, database: str, user: str, **options: str) -> bool:
            conninfo = servers[server].tcp_conninfo(database, user, "known", **options)
            try:
                psycopg.connect(conninfo).close()
            except psycopg.OperationalError as error:
                assert re.search(
                    r"pg_hba\.conf rejects|certificate authentication failed|"
                    r"connection requires a valid client certificate|certificate verify failed|unknown ca|"
                    # A logical replication connection names its database, so pg_hba lets it past; the
                    # exchange then refuses it (no REPLICATION attribute, and no walsender at all).
                    r"must be superuser or replication role to start walsender|exceeds max_wal_senders",
                    str(error),
                ), error
                return False
            return True

        assert connects("exchange", "telemetry_exchange", "telemetry_inbox_india", **certificate)
        # A password is no way in, nor a certificate for the right name from another CA.
        assert not connects("exchange", "telemetry_exchange", "telemetry_inbox_india")
        assert not connects("exchange", "telemetry_exchange", "telemetry_inbox_india", **forged)
        # Its role reaches its inbox database only, and never over a replication connection.
        assert not connects("exchange", "telemetry", "telemetry_inbox_india", **certificate)
        assert not connects("exchange", "postgres", "telemetry_inbox_india", **certificate)
        assert not connects(
            "exchange", "telemetry_exchange", "telemetry_inbox_india", replication="database", **certificate
        )
        for user in ("postgres", "telemetry_writer"):
            assert not connects("exchange", "telemetry_exchange", user, **certificate), user
        # Nothing from the peer's range reaches the store, whatever it presents.
        for database in ("telemetry", "postgres"):
            for user in ("telemetry_inbox_india", "postgres", "telemetry_writer"):
                assert not connects("store", database, user), (database, user)
                assert not connects("store", database, user, **certificate), (database, user)
        # And no server admits a client that does not speak TLS.
        for server in ("store", "exchange"):
            assert not connects(server, "postgres", "postgres", sslmode="disable"), server


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


def cron_job(cloud: MockCloud, purpose: str) -> dict[str, Any]:
    """The inputs of one of the store's CronJobs (anonymise: the release; push: the push to the peer)."""
    return cloud.one(CRON_JOB, f"telemetry-{purpose}-cron-job").inputs


CRON_JOBS = ("anonymise", "push")


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


def test_jobs_run_in_order_databases_schemas_then_the_peer_link(
    cloud: MockCloud, options: dict[str, Options]
) -> None:
    deploy(cloud, with_peer())
    jobs = {r.name.removeprefix("telemetry-").removesuffix("-job"): r.urn for r in cloud.of_type(JOB)}
    assert set(jobs) == {
        "store-database",
        "exchange-database",
        "exchange-schema",
        "store-schema",
        "peer-link",
    }

    def after(name: str) -> set[str]:
        return set(options[name].dependencies)

    for server in ("store", "exchange"):
        # pulumi-kubernetes reports a StatefulSet created only once its pod is ready.
        statefulset_urn = urn(cloud, STATEFULSET, f"telemetry-{server}-statefulset")
        assert statefulset_urn in after(f"telemetry-{server}-database-job")
    assert jobs["exchange-database"] in after("telemetry-exchange-schema-job")
    assert jobs["store-database"] in after("telemetry-store-schema-job")
    # The store no longer talks to its own exchange: its schema does not wait for the exchange's.
    assert jobs["exchange-schema"] not in after("telemetry-store-schema-job")
    assert jobs["store-schema"] in after("telemetry-peer-link-job")
    # The release needs the schema only; the push the peer link too.
    assert jobs["store-schema"] in after("telemetry-anonymise-cron-job")
    assert jobs["peer-link"] not in after("telemetry-anonymise-cron-job")
    assert {jobs["store-schema"], jobs["peer-link"]} <= after("telemetry-push-cron-job")
    # Nothing runs on a server before the NetworkPolicies that let the Job reach it exist.
    policy_urns = {r.name: r.urn for r in cloud.of_type(NETWORK_POLICY)}
    assert {
        policy_urns["telemetry-store-network-policy"],
        policy_urns["telemetry-store-sql-jobs-network-policy"],
    } <= after("telemetry-store-database-job")
    assert policy_urns["telemetry-exchange-sql-jobs-network-policy"] in after(
        "telemetry-exchange-database-job"
    )
    # The link is used by the store's own connections out: they need the store's egress to the peer.
    assert policy_urns["telemetry-store-network-policy"] in after("telemetry-peer-link-job")


def test_each_job_runs_its_shipped_script_with_psql_stopping_at_the_first_error(cloud: MockCloud) -> None:
    privacy = {
        "anonymisation_k": 25,
        "epsilon_per_hour": Decimal("0.5"),
        "max_groups_per_subject": 3,
        "max_events_per_group": 4,
        "latency_bound_ms": 1500,
        "small_group_probability": 0.0005,
    }
    deploy(cloud, with_peer(**privacy))
    (config_map,) = [r for r in cloud.of_type(CONFIG_MAP) if r.name == "telemetry-sql"]
    scripts = config_map.inputs["data"]
    release = telemetry_sql.release_statement(
        telemetry_sql.PrivacyParameters(
            epsilon_per_hour=Decimal("0.5"),
            min_subjects=25,
            max_groups_per_subject=3,
            max_events_per_group=4,
            latency_bound_ms=1500,
            small_group_probability=0.0005,
        ),
        push=False,
    )
    assert scripts == {
        "database.sql": telemetry_sql.database_script(),
        "exchange.sql": telemetry_sql.exchange_job_script(),
        "store.sql": telemetry_sql.store_job_script(),
        "peer-link.sql": telemetry_sql.peer_link_script(),
        "anonymise.sql": release + "\n",
        "push.sql": telemetry_sql.push_statement(timeout_seconds=30) + "\n",
    }
    assert config_map.inputs["metadata"]["labels"][CLASSIFICATION_TAG] == "internal"
    vocabulary = telemetry_sql.Vocabulary(services=SERVICES)
    link = telemetry_sql.PeerLink(
        peer_region="india",
        host=PEER_HOST,
        server_ca_file="/tls/peer-ca.crt",
        client_certificate_file="/tls/client.crt",
        client_key_file="/tls/client.key",
    )
    expected = {
        "store-database": ("database.sql", {"database": "telemetry"}),
        "exchange-database": ("database.sql", {"database": "telemetry_exchange"}),
        "exchange-schema": ("exchange.sql", telemetry_sql.exchange_variables("eu", ["india"], vocabulary)),
        "store-schema": (
            "store.sql",
            telemetry_sql.store_job_variables("eu", vocabulary, True, writers=list(WRITERS)),
        ),
        "peer-link": ("peer-link.sql", telemetry_sql.peer_link_variables(link)),
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
    assert environment(job(cloud, "peer-link"))["PGDATABASE"]["value"] == "telemetry"


def test_every_sql_connection_verifies_the_server_against_the_regions_ca(cloud: MockCloud) -> None:
    deploy(cloud, with_peer())
    workloads = [r.inputs for r in cloud.of_type(JOB)] + [cron_job(cloud, p) for p in CRON_JOBS]
    ca = cloud.one(CONFIG_MAP, "telemetry-ca").inputs
    assert ca["data"] == {"ca.crt": cloud.outputs_of(cloud.one(SELF_SIGNED, "telemetry-ca"))["certPem"]}
    assert len(workloads) == 7
    for inputs in workloads:
        env = {
            name: variable["value"] for name, variable in environment(inputs).items() if "value" in variable
        }
        assert env["PGSSLMODE"] == "verify-full", inputs["metadata"]["name"]
        assert env["PGSSLROOTCERT"] == "/tls-ca/ca.crt"
        assert env["PGSSLMINPROTOCOLVERSION"] == "TLSv1.3"
        spec = inputs["spec"]
        pod = spec.get("jobTemplate", {}).get("spec", spec)["template"]["spec"]
        (volume,) = [v for v in pod["volumes"] if v["name"] == "ca"]
        assert volume["configMap"]["name"] == ca["metadata"]["name"]
        (mount,) = [m for m in job_container(inputs)["volumeMounts"] if m["name"] == "ca"]
        assert (mount["mountPath"], mount["readOnly"]) == ("/tls-ca", True)
    # The push itself verifies too: the link names the peer's CA and this region's client certificate.
    arguments = job_container(job(cloud, "peer-link"))["args"]
    assert "peer_server_ca_file=/tls/peer-ca.crt" in arguments
    assert "client_certificate_file=/tls/client.crt" in arguments
    assert "client_key_file=/tls/client.key" in arguments
    assert not [a for a in arguments if "sslmode" in a or "password" in a.lower()]


def test_passwords_reach_the_jobs_only_from_their_secrets(cloud: MockCloud) -> None:
    store = deploy(cloud, with_peer())
    names = {
        "store-superuser": cloud.resolve(store.store.superuser_secret_name),
        "exchange-superuser": cloud.resolve(store.exchange.superuser_secret_name),
    }
    expected = {
        "store-database": {"PGPASSWORD": names["store-superuser"]},
        "exchange-database": {"PGPASSWORD": names["exchange-superuser"]},
        # The peer logs in with a client certificate: the exchange's Job holds no password but its own.
        "exchange-schema": {"PGPASSWORD": names["exchange-superuser"]},
        # The writers log in by certificate: no writer password reaches any Job.
        "store-schema": {"PGPASSWORD": names["store-superuser"]},
        "peer-link": {"PGPASSWORD": names["store-superuser"]},
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
    assert set(telemetry_sql.PEER_LINK_PASSWORD_ENVIRONMENT) < set(expected["peer-link"])
    for purpose in CRON_JOBS:
        cron_env = environment(cron_job(cloud, purpose))
        assert {name: secret_of(v) for name, v in cron_env.items() if "valueFrom" in v} == {
            "PGPASSWORD": names["store-superuser"]
        }, purpose


def test_jobs_talk_to_their_own_server_as_its_superuser(cloud: MockCloud) -> None:
    deploy(cloud, with_peer())
    for purpose, server in (
        ("store-database", "store"),
        ("store-schema", "store"),
        ("exchange-database", "exchange"),
        ("exchange-schema", "exchange"),
        ("peer-link", "store"),
    ):
        env = environment(job(cloud, purpose))
        assert env["PGHOST"]["value"] == f"telemetry-{server}.telemetry.svc.cluster.local", purpose
        assert (env["PGPORT"]["value"], env["PGUSER"]["value"]) == ("5432", "postgres"), purpose


def test_anonymisation_cron_job_runs_on_schedule_never_overlapping(cloud: MockCloud) -> None:
    deploy(cloud, valid_args(anonymisation_k=25, anonymisation_schedule="*/15 * * * *"))
    release = cron_job(cloud, "anonymise")
    spec = release["spec"]
    assert spec["schedule"] == "*/15 * * * *"
    assert spec["concurrencyPolicy"] == "Forbid"
    assert spec["timeZone"] == "Etc/UTC"
    assert spec["suspend"] is False
    container = job_container(release)
    assert container["command"] == ["psql"]
    assert container["args"] == telemetry_sql.psql_arguments("/sql/anonymise.sql", {})
    env = environment(release)
    assert (env["PGHOST"]["value"], env["PGDATABASE"]["value"]) == (
        "telemetry-store.telemetry.svc.cluster.local",
        "telemetry",
    )
    (config_map,) = [r for r in cloud.of_type(CONFIG_MAP) if r.name == "telemetry-sql"]
    assert "min_subjects => 25" in config_map.inputs["data"]["anonymise.sql"]


def test_the_release_writes_only_the_ledger_and_the_push_runs_apart_on_a_fixed_schedule(
    cloud: MockCloud, options: dict[str, Options]
) -> None:
    """Red team 2, finding 2: with release and push in one call, when the peer heard from this region
    depended on how long the release of the hour's raw rows took. The release must connect nowhere and a
    second CronJob, on a schedule of its own, push only what the ledger holds."""
    deploy(cloud, with_peer(anonymisation_schedule="*/15 * * * *"))
    (config_map,) = [r for r in cloud.of_type(CONFIG_MAP) if r.name == "telemetry-sql"]
    scripts = config_map.inputs["data"]
    assert (
        scripts["anonymise.sql"]
        == telemetry_sql.release_statement(telemetry_sql.PrivacyParameters(), push=False) + "\n"
    )
    assert "release_to_ledger(" in scripts["anonymise.sql"]
    assert "release_closed_hours" not in scripts["anonymise.sql"] + scripts["push.sql"]
    assert "push" not in scripts["anonymise.sql"]
    assert scripts["push.sql"] == telemetry_sql.push_statement(timeout_seconds=30) + "\n"
    push = cron_job(cloud, "push")
    spec = push["spec"]
    assert spec["schedule"] == "50 * * * *"  # once an hour, the same minute whatever the release did
    assert (spec["concurrencyPolicy"], spec["timeZone"], spec["suspend"]) == ("Forbid", "Etc/UTC", False)
    assert job_container(push)["args"] == telemetry_sql.psql_arguments("/sql/push.sql", {})
    # A run that hangs anyway is killed: a peer's timeout and connection, plus a minute, within the hour.
    push_deadline = spec["jobTemplate"]["spec"]["activeDeadlineSeconds"]
    assert 30 + 10 < push_deadline <= 30 + 10 + 60
    release_deadline = cron_job(cloud, "anonymise")["spec"]["jobTemplate"]["spec"]["activeDeadlineSeconds"]
    assert 600 <= release_deadline < 15 * 60 * 4
    # The push runs on the store, after the peer link exists; the release waits for nothing of the peer's.
    peer_link = urn(cloud, JOB, "telemetry-peer-link-job")
    assert peer_link in options["telemetry-push-cron-job"].dependencies
    assert peer_link not in options["telemetry-anonymise-cron-job"].dependencies
    assert environment(push)["PGHOST"]["value"] == "telemetry-store.telemetry.svc.cluster.local"


def test_during_a_restore_the_release_cron_job_is_declared_suspended_and_the_push_keeps_running(
    cloud: MockCloud,
) -> None:
    """Finding 3: a restored store releases again every hour its backup had not released, with fresh noise.
    With the restore flag the release CronJob is suspended before the restore (the runbook's SQL step, then
    the flag removed, resumes it); the push only re-sends the ledger's values, so it may keep running."""
    deploy(cloud, with_peer(release_suspended=True))
    assert cron_job(cloud, "anonymise")["spec"]["suspend"] is True
    assert cron_job(cloud, "push")["spec"]["suspend"] is False


@pytest.mark.parametrize("schedule", ["50 * * *", "every hour"])
def test_a_push_schedule_that_is_not_cron_is_refused(cloud: MockCloud, schedule: str) -> None:
    with pytest.raises(ValueError, match="push_schedule"):
        deploy(cloud, with_peer(push_schedule=schedule))


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
    assert options["telemetry-peer-link-job"].timeouts[0] == "15m"


def test_no_job_holds_a_writer_password_or_is_run_again_by_one(
    cloud: MockCloud, options: dict[str, Options]
) -> None:
    deploy(cloud, with_peer())
    assert not [r for r in cloud.of_type(SECRET) if r.name == "telemetry-writer-password"]
    assert not [r for r in cloud.of_type(PASSWORD) if "writer" in r.name]
    for registration in cloud.of_type(JOB):
        assert options[registration.name].replacement_trigger is None, registration.name
        variables = [a for a in job_container(registration.inputs)["args"] if a.startswith("writers=")]
        if registration.name == "telemetry-store-schema-job":
            # Exactly the listed services' roles may log in; any other loses its login on this deploy.
            assert variables == ["writers=checkout,search,payments"]
        else:
            assert variables == [], registration.name


def test_sql_job_pods_meet_the_restricted_pod_security_standard(cloud: MockCloud) -> None:
    deploy(cloud, with_peer())
    workloads = [r.inputs for r in cloud.of_type(JOB)] + [cron_job(cloud, p) for p in CRON_JOBS]
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
        {"peer_ca_certificate": None},
        {"peer_replication_host": None, "peer_ca_certificate": None},
    ],
)
def test_no_push_until_the_peers_endpoint_and_ca_are_both_known_and_it_says_so(
    cloud: MockCloud, caplog: pytest.LogCaptureFixture, missing: dict[str, Any]
) -> None:
    with caplog.at_level(logging.WARNING):
        deploy(cloud, dataclasses.replace(with_peer(), **missing))
    assert not [r for r in cloud.of_type(JOB) if "peer-link" in r.name]
    assert len(cloud.of_type(JOB)) == 4
    (warning,) = [r.getMessage() for r in caplog.records if "no push" in r.getMessage()]
    assert "region india" in warning and "ledger" in warning
    for field_name in missing:
        assert field_name in warning
    assert not [r for r in cloud.registrations if "subscription" in r.name]


def test_the_peer_region_reaches_the_exchange_pods_and_nothing_else(cloud: MockCloud) -> None:
    deploy(cloud, with_peer(writer_namespaces=["microservices"]))
    workloads = {
        "store": statefulset(cloud, "store"),
        "exchange": statefulset(cloud, "exchange"),
        **{r.name: r.inputs for r in cloud.of_type(JOB)},
        **{purpose: cron_job(cloud, purpose) for purpose in CRON_JOBS},
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
    # The push: the store connects out to the peer's exchange; nothing else sends to the peer.
    sends_to_peer = {
        name
        for name, inputs in workloads.items()
        for spec in policies_selecting(cloud, pod_labels(inputs))
        for rule in spec.get("egress", [])
        if peer_block in rule["to"]
    }
    assert sends_to_peer == {"store"}
    # No policy admits any address range but the peer's, and only on PostgreSQL's port.
    for registration in cloud.of_type(NETWORK_POLICY):
        spec = registration.inputs["spec"]
        for rule in spec.get("ingress", []) + spec.get("egress", []):
            assert rule["ports"] == [{"protocol": "TCP", "port": 5432.0}], registration.name
            blocks = [peer["ipBlock"] for peer in rule.get("from", rule.get("to", [])) if "ipBlock" in peer]
            assert blocks in ([], [{"cidr": PEER_CIDR}]), registration.name


def test_the_store_admits_only_its_writers_and_its_jobs_and_pushes_only_to_the_peer(
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
    assert store_jobs == {
        "telemetry-store-database-job",
        "telemetry-store-schema-job",
        "telemetry-peer-link-job",
    }
    for purpose in CRON_JOBS:
        assert selects(jobs, pod_labels(cron_job(cloud, purpose))), purpose
    (egress,) = store_policy["egress"]
    assert egress == {
        "to": [{"ipBlock": {"cidr": PEER_CIDR}}],
        "ports": [{"protocol": "TCP", "port": 5432.0}],
    }
    # Only the exchange's own Jobs reach the exchange inside the cluster: the store no longer does.
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
    assert reaching == {"telemetry-exchange-database-job", "telemetry-exchange-schema-job"}


def test_each_sql_job_may_reach_only_the_server_it_runs_on(cloud: MockCloud) -> None:
    deploy(cloud, with_peer())
    workloads = [(r.name, r.inputs) for r in cloud.of_type(JOB)]
    workloads += [(f"telemetry-store-{purpose}", cron_job(cloud, purpose)) for purpose in CRON_JOBS]
    for name, inputs in workloads:
        server = "store" if name.startswith(("telemetry-store", "telemetry-peer-link")) else "exchange"
        specs = policies_selecting(cloud, pod_labels(inputs))
        assert not [spec for spec in specs if spec.get("ingress")], name
        targets = [peer for spec in specs for rule in spec.get("egress", []) for peer in rule["to"]]
        assert targets == [{"podSelector": {"matchLabels": server_selector(cloud, server)}}], name


def server_selector(cloud: MockCloud, server: str) -> dict[str, str]:
    """The label selector of a server's pods."""
    return dict(statefulset(cloud, server)["spec"]["selector"]["matchLabels"])


# --- The declared servers, Jobs and CronJob, run as Kubernetes would run them, against real PostgreSQL ---

AWS_REGIONS = {"eu": "eu-west-1", "india": "ap-south-1"}
VPC_CIDRS = {"eu": "10.10.0.0/16", "india": "10.20.0.0/16"}


def replication_endpoint(region: str) -> str:
    """The name a region's NLB gets from the load balancer controller (what its stack exports)."""
    return f"k8s-{region}tele-{region}tele-0123456789.elb.{AWS_REGIONS[region]}.amazonaws.com"


@dataclasses.dataclass
class DeclaredRegion:
    """What one region's TelemetryStore declared, read back from the recorded registrations."""

    region: str
    jobs: list[dict[str, Any]]
    """The Jobs' inputs, in an order their recorded dependencies allow."""
    cron_jobs: dict[str, dict[str, Any]]
    """Purpose (anonymise, push) -> the CronJob's inputs."""
    statefulsets: dict[str, dict[str, Any]]
    """Server (store, exchange) -> its StatefulSet's inputs."""
    hba: dict[str, str]
    """Server -> its pg_hba.conf."""
    files: dict[str, dict[str, str]]
    """Secret or ConfigMap name -> its data (secrets revealed)."""
    ca_certificate: str


def declare(region: str, issued: dict[tuple[str, str], dict[str, Any]], **overrides: Any) -> DeclaredRegion:
    """Run one region's TelemetryStore under fresh mocks (real certificates) and collect what it declares."""
    import pulumi_aws as aws

    mocks = RealTlsMocks(issued)
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
    peer = next(other for other in AWS_REGIONS if other != region)
    args = valid_args(
        region=region,
        peer_region=peer,
        vpc_cidr=VPC_CIDRS[region],
        peer_vpc_cidr=VPC_CIDRS[peer],
        require_timescaledb=False,
        **overrides,
    )

    def program() -> TelemetryStore:
        aws_provider = aws.Provider(f"aws-{region}", region=AWS_REGIONS[region])
        kubernetes = k8s.Provider(f"{region}-kubernetes", kubeconfig="{}")
        options = pulumi.ResourceOptions(providers=[aws_provider, kubernetes])
        return TelemetryStore(f"{region}-telemetry", args, options)

    store = cloud.run(program)
    jobs = {r.urn: r.inputs for r in cloud.of_type(JOB)}
    ordered: list[str] = []
    while len(ordered) < len(jobs):
        ready = [u for u in jobs if u not in ordered and set(dependencies[u]) & set(jobs) <= set(ordered)]
        assert ready, "the Jobs' dependencies form a cycle"
        ordered += sorted(ready)
    files = {r.inputs["metadata"]["name"]: revealed(r.inputs)["stringData"] for r in cloud.of_type(SECRET)}
    files.update({r.inputs["metadata"]["name"]: r.inputs["data"] for r in cloud.of_type(CONFIG_MAP)})
    return DeclaredRegion(
        region=region,
        jobs=[jobs[u] for u in ordered],
        cron_jobs={
            r.name.removeprefix(f"{region}-telemetry-").removesuffix("-cron-job"): r.inputs
            for r in cloud.of_type(CRON_JOB)
        },
        statefulsets={
            server: cloud.one(STATEFULSET, f"{region}-telemetry-{server}-statefulset").inputs
            for server in ("store", "exchange")
        },
        hba={
            server: files[f"{region}-telemetry-{server}-pg-hba"]["pg_hba.conf"]
            for server in ("store", "exchange")
        },
        files=files,
        ca_certificate=cloud.resolve(store.ca_certificate),
    )


def mount_as_the_kubelet_does(
    directory: Path, data: dict[str, str], items: list[dict[str, Any]], os_user: str | None
) -> None:
    """A Secret volume's files as the kubelet leaves them with the pod's fsGroup set: root-owned, each item's
    mode with group read added (pkg/volume/volume_linux.go, SetVolumeOwnership on a read-only volume), in the
    postgres user's group. Without root, the files stay this process's own, with the item's mode."""
    directory.mkdir(mode=0o755)
    for item in items:
        path = directory / item["path"]
        path.write_text(data[item["key"]])
        if os.geteuid() == 0 and os_user is not None:
            import pwd

            os.chown(path, 0, pwd.getpwnam(os_user).pw_gid)
            path.chmod(int(item["mode"]) | 0o440)
        else:
            path.chmod(int(item["mode"]))


def conf_quoted(value: str) -> str:
    """A literal setting value (as `postgres -c` takes it) written for postgresql.conf."""
    return "'" + value.replace("'", "''") + "'"


def server_specification(
    testing: Any, declared: DeclaredRegion, server: str, directory: Path, os_user: str | None
) -> Any:
    """Start a local server as the pod would: its container's settings, its Secret's files, its pg_hba."""
    (only,) = declared.statefulsets[server]["spec"]["template"]["spec"]["containers"]
    pod = declared.statefulsets[server]["spec"]["template"]["spec"]
    (volume,) = [v for v in pod["volumes"] if v["name"] == "tls"]
    tls_directory = directory / f"{declared.region}-{server}-tls"
    mount_as_the_kubelet_does(
        tls_directory, declared.files[volume["secret"]["secretName"]], volume["secret"]["items"], os_user
    )
    settings = {}
    for pair in only["args"][2::2]:
        key, _, value = pair.partition("=")
        if key in ("hba_file", "listen_addresses"):
            continue  # the test's own pg_hba.conf (below) and loopback
        settings[key] = conf_quoted(value.replace("/tls/", f"{tls_directory}/"))
    rules = [line for line in declared.hba[server].splitlines() if line and not line.startswith("#")]
    return testing.ServerSpecification(settings, rules)


def run_as_kubernetes_would(
    workload: dict[str, Any],
    declared: DeclaredRegion,
    servers: dict[str, Any],
    directory: Path,
    bindir: Path,
) -> None:
    """Run a Job's container command here: Secrets resolved, Service names resolving to loopback."""
    container = job_container(workload)
    spec = workload["spec"]
    pod = spec.get("jobTemplate", {}).get("spec", spec)["template"]["spec"]
    mounts = {}
    for volume in pod["volumes"]:
        if "configMap" in volume:
            mounted = directory / f"{declared.region}-{volume['name']}"
            mounted.mkdir(exist_ok=True)
            for name, text in declared.files[volume["configMap"]["name"]].items():
                (mounted / name).write_text(text)
            (mount,) = [m for m in container["volumeMounts"] if m["name"] == volume["name"]]
            mounts[mount["mountPath"]] = mounted
    env: dict[str, str] = {}
    for variable in container["env"]:
        if "valueFrom" in variable:
            reference = variable["valueFrom"]["secretKeyRef"]
            env[variable["name"]] = declared.files[reference["name"]][reference["key"]]
        else:
            env[variable["name"]] = variable["value"]
    server = servers[env["PGHOST"].split(".")[0]]
    # PGHOST stays the Service's name, which verify-full checks against the certificate; the address is
    # loopback (libpq connects to hostaddr and verifies host), as the cluster's DNS would resolve it.
    env.update(PGHOSTADDR="127.0.0.1", PGPORT=str(server.port))
    for mount_path, mounted in mounts.items():
        env = {key: value.replace(f"{mount_path}/", f"{mounted}/") for key, value in env.items()}
    arguments = []
    for argument in container["args"]:
        name, _, value = argument.partition("=")
        for mount_path, mounted in mounts.items():
            argument = argument.replace(f"{mount_path}/", f"{mounted}/")
        if value.startswith("/tls/"):  # a file on the store server, where its Secret is mounted
            argument = f"{name}={directory / f'{declared.region}-store-tls' / value.removeprefix('/tls/')}"
        elif name == "peer_port":
            peer = next(other for other in AWS_REGIONS if other != declared.region)
            argument = f"{name}={servers[f'{peer}-telemetry-exchange'].port}"
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


def test_the_declared_servers_jobs_and_cron_job_push_only_the_private_release_between_real_servers(
    request: pytest.FixtureRequest,
) -> None:
    """Both regions deploy, copy each other's CA certificate and endpoint, deploy again; then india releases
    an hour and pushes it, over verify-full TLS with its client certificate, into eu's inbox."""
    testing = pytest.importorskip("tests.telemetry_sql.servers")
    try:
        bindir = testing.find_bindir()
    except testing.PostgresNotFound as error:
        pytest.skip(str(error))
    issued: dict[tuple[str, str], dict[str, Any]] = {}
    first = {region: declare(region, issued) for region in AWS_REGIONS}
    connected = {
        region: declare(
            region,
            issued,
            peer_replication_host=replication_endpoint(peer),
            peer_ca_certificate=first[peer].ca_certificate,
        )
        for region, peer in (("eu", "india"), ("india", "eu"))
    }
    # The second `pulumi up` keeps each region's CA: what the peer copied still verifies.
    assert {r: d.ca_certificate for r, d in connected.items()} == {
        r: d.ca_certificate for r, d in first.items()
    }
    india, eu = connected["india"], connected["eu"]
    assert [job["metadata"]["name"] for job in india.jobs][-1] == "india-telemetry-peer-link"
    os_user = testing.server_os_user()
    # The servers' user must reach the mounted files: pytest's own directories are root's only.
    tmp_path = Path(tempfile.mkdtemp(prefix="telemetry-pods-"))
    tmp_path.chmod(0o755)
    request.addfinalizer(lambda: shutil.rmtree(tmp_path, ignore_errors=True))
    specifications = {
        f"{declared.region}-telemetry-{server}": server_specification(
            testing, declared, server, tmp_path, os_user
        )
        for declared in connected.values()
        for server in ("store", "exchange")
    }
    with testing.postgres_servers(specifications) as servers:
        # As the image's entrypoint does at initdb: the superuser's password from the declared Secret.
        for declared in connected.values():
            for server in ("store", "exchange"):
                (only,) = declared.statefulsets[server]["spec"]["template"]["spec"]["containers"]
                (variable,) = [v for v in only["env"] if v["name"] == "POSTGRES_PASSWORD"]
                reference = variable["valueFrom"]["secretKeyRef"]
                password = declared.files[reference["name"]][reference["key"]]
                servers[f"{declared.region}-telemetry-{server}"].query(
                    "postgres", f"ALTER ROLE postgres PASSWORD '{password}'"
                )
        # In the cluster: the Jobs come from this region's pods (here loopback, neither VPC's range).
        for declared in (*connected.values(), *connected.values()):  # a later `pulumi up` changes nothing
            for workload in declared.jobs:
                run_as_kubernetes_would(workload, declared, servers, tmp_path, bindir)
        # The peer's push arrives from its VPC: loopback now plays india's range on eu's exchange.
        exchange = servers["eu-telemetry-exchange"]
        hba = eu.hba["exchange"].replace(VPC_CIDRS["india"], "127.0.0.1/32")
        assert hba != eu.hba["exchange"]
        (exchange.data_directory / "pg_hba.conf").write_text(f"local all postgres trust\n{hba}")
        exchange.query("postgres", "SELECT pg_reload_conf()")
        # The NLB's name resolves to the peer's exchange: the name still is what verify-full checks.
        servers["india-telemetry-store"].query(
            "telemetry", "ALTER SERVER telemetry_peer_eu OPTIONS (ADD hostaddr '127.0.0.1')"
        )
        hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=2)
        rows = [
            (
                hour + timedelta(seconds=subject),
                f"subject-{service}-{subject}",
                f"device-{subject}",
                service,
                12.5,
            )
            for service, subjects in (("checkout", 150), ("ip-198-51-100-77", 150))
            for subject in range(subjects)
        ]
        # The services write from india's VPC: loopback now plays it on india's store.
        store = servers["india-telemetry-store"]
        store_hba = india.hba["store"].replace(VPC_CIDRS["india"], "127.0.0.1/32")
        assert store_hba != india.hba["store"]
        (store.data_directory / "pg_hba.conf").write_text(f"local all postgres trust\n{store_hba}")
        store.query("postgres", "SELECT pg_reload_conf()")
        # checkout writes as its own role, with the files of its declared Secret and its declared conninfo.
        (writer_secret,) = [
            data for name, data in india.files.items() if name == "india-telemetry-writer-checkout-tls"
        ]
        writer_directory = tmp_path / "india-writer-checkout"
        writer_directory.mkdir()
        for file_name, text in writer_secret.items():
            (writer_directory / file_name).write_text(text)
            (writer_directory / file_name).chmod(0o600)
        conninfo = india.files["india-telemetry-writer-connection"]["checkout.conninfo"]
        conninfo = conninfo.replace("/etc/telemetry-writer/", f"{writer_directory}/")
        with psycopg.connect(f"{conninfo} hostaddr=127.0.0.1 port={store.port}") as writer:
            assert writer.info.parameter_status("session_authorization") == "telemetry_writer_checkout"
            writer.cursor().executemany(
                b"INSERT INTO telemetry.raw_events (observed_at, subject_id, device_id, service, latency_ms)"
                b" VALUES (%s, %s, %s, %s, %s)",
                rows,
            )
            tls = store.query(
                "telemetry", "SELECT ssl, version FROM pg_stat_ssl WHERE pid = %s", [writer.info.backend_pid]
            )
            assert tls == [(True, "TLSv1.3")]
        # No shared writer: the group role has no login, by password or otherwise.
        assert store.query(
            "telemetry",
            "SELECT rolcanlogin, rolpassword IS NULL FROM pg_authid WHERE rolname = 'telemetry_writer'",
        ) == [(False, True)]
        # Without its certificate, checkout's role gets nowhere.
        with pytest.raises(psycopg.OperationalError, match=r"rejects connection|certificate"):
            psycopg.connect(
                store.tcp_conninfo("telemetry", "telemetry_writer_checkout", "guess", host="127.0.0.1")
            ).close()
        # The release writes the ledger and connects nowhere: nothing has reached eu yet.
        run_as_kubernetes_would(india.cron_jobs["anonymise"], india, servers, tmp_path, bindir)
        assert exchange.query(
            "telemetry_exchange", "SELECT count(*) FROM anonymised.telemetry_hourly_india"
        ) == [(0,)]
        # The push, on its own schedule, sends what the ledger holds.
        run_as_kubernetes_would(india.cron_jobs["push"], india, servers, tmp_path, bindir)
        received = exchange.query(
            "telemetry_exchange",
            "SELECT bucket_start, service, metric, subject_count, event_count, error_count, latency_ms_sum"
            " FROM anonymised.telemetry_hourly_india WHERE bucket_start = %s ORDER BY service, metric",
            [hour],
        )
        ledger = servers["india-telemetry-store"].query(
            "telemetry",
            "SELECT bucket_start, service, metric, subject_count, event_count, error_count, latency_ms_sum"
            " FROM telemetry_admin.released_groups WHERE bucket_start = %s ORDER BY service, metric",
            [hour],
        )
        # Exactly the ledger's noisy rows crossed; the identifier-shaped service crossed only as `other`.
        assert received == ledger
        services = {row[1] for row in received}
        assert "checkout" in services and "other" in services
        assert services <= {*SERVICES, "other"}
        checkout = next(row for row in received if row[1:3] == ("checkout", "request"))
        assert checkout[3] != 150 or checkout[4] != 150  # noisy (both exact: probability below 10^-3)
        # No subject, device or identifier reached eu: only the vocabulary's names and noisy numbers.
        inbox = exchange.query("telemetry_exchange", "SELECT * FROM anonymised.telemetry_hourly_india")
        crossed = json.dumps([[str(value) for value in row] for row in inbox])
        assert inbox and not [word for word in ("subject-", "device-", "198-51-100") if word in crossed]
        # What india's push holds on eu's exchange, with the files its store mounts (the client certificate
        # its CA issued, eu's CA as it copied it), verify-full against eu's endpoint name: INSERT into its own
        # inbox, and nothing else; not even a look at what it sent.
        mounted = tmp_path / "india-store-tls"
        inbox_role = telemetry_sql.inbox_role("india")
        conninfo = psycopg.conninfo.make_conninfo(
            host=replication_endpoint("eu"),
            hostaddr="127.0.0.1",
            port=exchange.port,
            dbname="telemetry_exchange",
            user=inbox_role,
            sslmode="verify-full",
            sslrootcert=str(mounted / "peer-ca.crt"),
            sslcert=str(mounted / "client.crt"),
            sslkey=str(mounted / "client.key"),
        )
        with psycopg.connect(conninfo, autocommit=True) as peer:
            assert peer.info.parameter_status("session_authorization") == inbox_role
            granted = peer.execute(
                b"SELECT table_schema, table_name, privilege_type FROM information_schema.table_privileges"
                b" WHERE grantee = current_user ORDER BY 1, 2, 3"
            ).fetchall()
            assert granted == [("anonymised", "telemetry_hourly_india", "INSERT")]
            readable = peer.execute(
                b"SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                b" WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')"
                b" AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
                b" AND has_table_privilege(c.oid, 'SELECT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')"
            ).fetchall()
            assert readable == []
            for statement in (
                b"SELECT count(*) FROM anonymised.telemetry_hourly_india",
                b"DELETE FROM anonymised.telemetry_hourly_india",
                b"CREATE TEMPORARY TABLE kept (x int)",
            ):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    peer.execute(statement)


# --- Ordering: no pod waits out its readiness timeout for nodes, volumes or the image (issue 13) ---


def test_every_workload_waits_for_the_nodes_and_the_storage_driver(
    cloud: MockCloud, options: dict[str, Options]
) -> None:
    import pulumi_aws as aws

    def program() -> TelemetryStore:
        provider = aws.Provider("aws-eu", region=REGION)
        in_region = pulumi.ResourceOptions(provider=provider)
        nodes = aws.eks.NodeGroup(
            "eu-nodes",
            cluster_name="eu-cluster",
            node_role_arn="arn:aws:iam::123456789012:role/eu-nodes",
            subnet_ids=["subnet-0123456789abcdef0"],
            scaling_config={"min_size": 1, "desired_size": 1, "max_size": 1},
            opts=in_region,
        )
        driver = aws.eks.Addon(
            "eu-ebs-csi", cluster_name="eu-cluster", addon_name="aws-ebs-csi-driver", opts=in_region
        )
        kubernetes = k8s.Provider("eu-kubernetes", kubeconfig="{}")
        args = with_peer(workload_dependencies=[nodes, driver])
        return TelemetryStore("telemetry", args, pulumi.ResourceOptions(providers=[provider, kubernetes]))

    cloud.run(program)
    required = {
        urn(cloud, "aws:eks/nodeGroup:NodeGroup", "eu-nodes"),
        urn(cloud, "aws:eks/addon:Addon", "eu-ebs-csi"),
    }
    workloads = [
        r
        for r in cloud.registrations
        if r.type in (STATEFULSET, SERVICE, JOB, CRON_JOB) and r.name.startswith("telemetry-")
    ]
    assert len(workloads) == 2 + 5 + 5 + 2
    for registration in workloads:
        assert required <= set(options[registration.name].dependencies), registration.name
    # Sized for a first start (a node, a volume, a 1 to 2 GiB image, initdb), not pulumi-kubernetes' 10 min.
    for registration in cloud.of_type(STATEFULSET) + cloud.of_type(SERVICE):
        create, update = options[registration.name].timeouts
        assert create == update == "30m", registration.name
    # What does not run a pod does not wait for nodes.
    for registration in cloud.of_type(CONFIG_MAP) + cloud.of_type(SECRET) + cloud.of_type(NETWORK_POLICY):
        assert not required & set(options[registration.name].dependencies), registration.name


def test_the_component_takes_the_stacks_telemetry_settings_whole() -> None:
    """Issue 11: the entry point copied every privacy and vocabulary field one by one; a field added to the
    settings then had to be wired in two more places. The args hold the typed settings object instead."""
    fields = {field.name: field.type for field in dataclasses.fields(TelemetryStoreArgs)}
    assert fields["telemetry"] in (TelemetrySettings, "TelemetrySettings")
    assert not set(fields) & {*TELEMETRY_FIELDS, *(f.name for f in dataclasses.fields(TelemetrySettings))}
    args = valid_args(anonymisation_k=25, services=("checkout",), writers=("checkout",))
    assert args.privacy.min_subjects == 25 and args.vocabulary.services == ("checkout",)
    assert args.writers == ("checkout",)
