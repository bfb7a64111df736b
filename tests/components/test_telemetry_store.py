"""TelemetryStore under Pulumi mocks: raw telemetry stays in the cluster, only the exchange faces the peer."""

from __future__ import annotations

import dataclasses
import ipaddress
import json
import re
from typing import TYPE_CHECKING, Any

import psycopg
import pulumi
import pulumi_kubernetes as k8s
import pytest
from pulumi.runtime.mocks import MockMonitor, MockResourceArgs
from pulumi.runtime.sync_await import _sync_await

from components.telemetry_store import (
    DEFAULT_IMAGE_TAG,
    ServerResources,
    TelemetryStore,
    TelemetryStoreArgs,
    pg_hba,
)
from offline_preview.cloud_mocks import PlausibleCloudMocks
from residency.facts import CLASSIFICATION_TAG

if TYPE_CHECKING:
    from tests.components.conftest import MockCloud

REGION = "eu-west-1"
NAMESPACE = "telemetry"
PEER_CIDR = "10.20.0.0/16"
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
        exchange_hba_rules=[REPLICATOR_RULE],
        volume_tags={"jurisdiction": "EU"},
    )
    return dataclasses.replace(base, **overrides)


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


def test_pg_hba_rejects_the_peer_range_except_through_the_seams_rules(cloud: MockCloud) -> None:
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
        assert admitting == ([] if server == "store" else [REPLICATOR_RULE.split()]), server


def ip_network(address: str) -> ipaddress.IPv4Network:
    """An IPv4 network from a pg_hba address column (the tests use IPv4 only)."""
    network = ipaddress.ip_network(address)
    assert isinstance(network, ipaddress.IPv4Network)
    return network


@pytest.mark.parametrize(
    "rule",
    [
        f"host telemetry telemetry_replicator {PEER_CIDR} scram-sha-256",
        "host all all 10.20.5.0/24 md5",
        "hostssl all all 0.0.0.0/0 scram-sha-256",
        "host all all all trust",
    ],
)
def test_store_rules_that_would_admit_the_peer_are_refused(cloud: MockCloud, rule: str) -> None:
    with pytest.raises(ValueError, match="store_hba_rules"):
        deploy(cloud, valid_args(store_hba_rules=[rule]))


def test_credentials_are_held_only_in_secrets(cloud: MockCloud) -> None:
    deploy(cloud, valid_args(peer_replication_password="peer-password-from-config"))
    passwords = [cloud.outputs_of(r)["result"] for r in cloud.of_type(PASSWORD)] + [
        "peer-password-from-config"
    ]
    assert len(passwords) == 6
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


def test_every_child_is_parented_to_the_component_named_from_it_and_uses_the_given_providers(
    cloud: MockCloud,
) -> None:
    deploy(cloud)
    (component,) = cloud.of_type(COMPONENT_TYPE)
    aws_provider = cloud.one("pulumi:providers:aws", "aws-eu")
    kubernetes_provider = cloud.one("pulumi:providers:kubernetes", "eu-kubernetes")
    children = [r for r in cloud.registrations if r is not component and not r.type.startswith("pulumi:")]
    assert len(children) == 23
    for child in children:
        assert child.parent == component.urn, child.name
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
        (
            {"exchange_hba_rules": ["host all all 10.20.0.0/16 scram-sha-256\nhost all all all trust"]},
            "exchange_hba",
        ),
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


def test_rendered_pg_hba_lets_only_the_replicator_in_from_the_peer_on_real_servers() -> None:
    """Loopback plays the peer VPC; the exchange gets the telemetry SQL's own rules through the seam."""
    telemetry_sql = pytest.importorskip("components.telemetry_sql")
    testing = pytest.importorskip("components.telemetry_sql.testing")
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
