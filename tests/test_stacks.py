"""Both real stacks end to end: the real `__main__.py` run from the real `Pulumi.<stack>.yaml` under mocks."""

from __future__ import annotations

import ipaddress
import json
from collections import Counter

import pytest

from residency.settings import StackSettings, load_settings
from residency_facts import (
    AWS_DATA_HOLDING_TYPES,
    CLASSIFICATION_TAG,
    CLASSIFICATIONS,
    GLOBAL_TYPE_PREFIXES,
    JURISDICTION_TAG,
    KUBERNETES_DATA_HOLDING_TYPES,
    MANAGED_BY,
    MANAGED_BY_TAG,
)
from tests.stack_harness import Registration, StackRun, committed_run, is_secret, unwrap
from tests.urn_fixtures import CONNECTED_PEER_CA, CONNECTED_PEER_HOST, connected_run

STACKS = ("eu", "india")
WRITERS = 10
"""The writing services of both committed stacks: the ten services in Pulumi.yaml (the default)."""

EXPECTED_RESOURCES: dict[str, dict[str, int]] = {
    "pulumi:pulumi:Stack": {
        "pulumi:providers:aws": 1,
        "residency:components:GlobalDns": 1,
        "residency:components:PiiDatabase": 1,
        "residency:components:RegionalCluster": 1,
        "residency:components:TelemetryStore": 1,
    },
    "residency:components:GlobalDns": {
        "aws:route53/healthCheck:HealthCheck": 1,
        "aws:route53/record:Record": 2,
    },
    "residency:components:PiiDatabase": {
        "aws:cloudwatch/logGroup:LogGroup": 1,
        "aws:ec2/securityGroup:SecurityGroup": 1,
        "aws:kms/key:Key": 1,
        "aws:rds/instance:Instance": 1,
        "aws:rds/parameterGroup:ParameterGroup": 1,
        "aws:rds/subnetGroup:SubnetGroup": 1,
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": 1,
    },
    "residency:components:RegionalCluster": {
        "residency:regionalCluster:Network": 1,
        "residency:regionalCluster:KubernetesCluster": 1,
        "residency:regionalCluster:LoadBalancer": 1,
        "residency:regionalCluster:ClusterBaseline": 1,
        "residency:regionalCluster:LoadBalancerController": 1,
        "aws:acm/certificate:Certificate": 1,
        "aws:acm/certificateValidation:CertificateValidation": 1,
        "aws:cloudwatch/logGroup:LogGroup": 2,
        "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": 1,
        "aws:ec2/eip:Eip": 3,
        "aws:ec2/flowLog:FlowLog": 1,
        "aws:ec2/internetGateway:InternetGateway": 1,
        "aws:ec2/launchTemplate:LaunchTemplate": 1,
        "aws:ec2/natGateway:NatGateway": 3,
        "aws:ec2/route:Route": 4,
        "aws:ec2/routeTable:RouteTable": 5,
        "aws:ec2/routeTableAssociation:RouteTableAssociation": 9,
        "aws:ec2/securityGroup:SecurityGroup": 2,
        "aws:ec2/subnet:Subnet": 9,
        "aws:ec2/vpc:Vpc": 1,
        "aws:eks/addon:Addon": 2,
        "aws:eks/cluster:Cluster": 1,
        "aws:eks/nodeGroup:NodeGroup": 1,
        "aws:iam/openIdConnectProvider:OpenIdConnectProvider": 1,
        "aws:iam/role:Role": 5,
        "aws:iam/rolePolicy:RolePolicy": 3,
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment": 5,
        "aws:kms/key:Key": 2,
        "aws:lb/listener:Listener": 2,
        "aws:lb/loadBalancer:LoadBalancer": 1,
        "aws:lb/targetGroup:TargetGroup": 1,
        "aws:route53/record:Record": 2,
        "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": 1,
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": 3,
        "kubernetes:core/v1:Namespace": 2,
        "kubernetes:core/v1:Service": 1,
        "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding": 1,
        "kubernetes:helm.sh/v3:Release": 1,
        "kubernetes:networking.k8s.io/v1:NetworkPolicy": 8,
        "pulumi:providers:kubernetes": 1,
    },
    "residency:components:TelemetryStore": {
        "residency:telemetryStore:TelemetryCertificates": 1,
        "residency:telemetryStore:TelemetryServer": 2,
        "residency:telemetryStore:TelemetryNetworkPolicies": 1,
        "residency:telemetryStore:SqlJobs": 1,
        "aws:kms/key:Key": 1,
        "kubernetes:apps/v1:StatefulSet": 2,
        # The release and, on its own schedule, the push.
        "kubernetes:batch/v1:CronJob": 2,
        "kubernetes:batch/v1:Job": 4,
        # SQL scripts, two pg_hba.conf, the CA certificate, the writers' connection (microservices).
        "kubernetes:core/v1:ConfigMap": 5,
        # Two superuser passwords, the two servers' TLS files and one certificate per writing service (the
        # ten services of Pulumi.yaml's vocabulary): no writer password.
        "kubernetes:core/v1:Secret": 4 + WRITERS,
        "kubernetes:core/v1:Service": 5,
        "kubernetes:networking.k8s.io/v1:NetworkPolicy": 5,
        "kubernetes:policy/v1:PodDisruptionBudget": 2,
        "kubernetes:storage.k8s.io/v1:StorageClass": 1,
        "random:index/randomPassword:RandomPassword": 2,
        "tls:index/privateKey:PrivateKey": 4 + WRITERS,
        "tls:index/selfSignedCert:SelfSignedCert": 1,
        "tls:index/certRequest:CertRequest": 3 + WRITERS,
        "tls:index/locallySignedCert:LocallySignedCert": 3 + WRITERS,
    },
}
"""Every resource a committed region stack registers, by the public component (or stack) that owns it, its
child components and their resources included: type -> count.

Both committed stacks have the same shape (three zones, three NAT gateways, no peering connection, no peer
endpoint or CA certificate yet, so four SQL Jobs and no peer-link Job), so an accidental extra or missing
resource in either fails here.
"""


@pytest.fixture(scope="module", params=STACKS)
def run(request: pytest.FixtureRequest) -> StackRun:
    """One run of the program per committed stack, shared by this module's tests (and the process's)."""
    return committed_run(request.param)


def settings_of(run: StackRun) -> StackSettings:
    return load_settings(run.config, run.stack)


def managed(run: StackRun, package: str) -> list[Registration]:
    """Custom resources of one package (`aws`, `kubernetes`), provider resources excluded."""
    return [r for r in run.registrations if r.custom and r.type.startswith(f"{package}:")]


def provider_config(registration: Registration, key: str) -> object:
    """A provider input; structured provider inputs reach the engine as JSON strings."""
    value = registration.inputs.get(key)
    return json.loads(value) if isinstance(value, str) and value.startswith("{") else value


def effective_tags(run: StackRun, registration: Registration) -> dict[str, str]:
    """What AWS will tag a resource with: its provider's default tags, overridden by its own tags."""
    provider = run.provider_of(registration)
    assert provider is not None
    defaults = provider_config(provider, "defaultTags")
    default_tags = dict(defaults.get("tags") or {}) if isinstance(defaults, dict) else {}
    return {**default_tags, **dict(registration.inputs.get("tags") or {})}


def owner_type(registration: Registration) -> str:
    """The public component (or the stack) the resource belongs to, read from its URN's type chain.

    A public component's child components (one concern each) and their resources belong to it too.
    """
    ancestors = registration.urn.split("::")[2].split("$")[:-1]
    public = [token for token in ancestors if token.startswith("residency:components:")]
    return public[-1] if public else "pulumi:pulumi:Stack"


def test_resource_types_and_counts_are_exactly_the_expected_ones(run: StackRun) -> None:
    counts: dict[str, Counter[str]] = {}
    for registration in run.registrations:
        counts.setdefault(owner_type(registration), Counter())[registration.type] += 1
    assert {owner: dict(types) for owner, types in counts.items()} == EXPECTED_RESOURCES


def test_no_two_resources_share_a_urn(run: StackRun) -> None:
    # The mock monitor silently keeps the last of two equal URNs; the engine refuses the deployment.
    urns = [r.urn for r in run.registrations]
    assert [urn for urn, count in Counter(urns).items() if count > 1] == []


def test_the_program_declares_one_aws_provider_pinned_to_the_stacks_region_with_jurisdiction_tags(
    run: StackRun,
) -> None:
    settings = settings_of(run)
    providers = run.of_type("pulumi:providers:aws")
    assert len(providers) == 1
    assert providers[0].inputs["region"] == settings.region
    assert provider_config(providers[0], "defaultTags") == {
        "tags": {JURISDICTION_TAG: settings.jurisdiction.code, MANAGED_BY_TAG: MANAGED_BY}
    }


def test_default_providers_are_disabled_for_aws_and_kubernetes(run: StackRun) -> None:
    assert run.config["pulumi:disable-default-providers"] == ["aws", "kubernetes"]


def test_every_kubernetes_resource_goes_to_the_stacks_own_cluster(run: StackRun) -> None:
    (cluster_provider,) = run.of_type("pulumi:providers:kubernetes")
    (cluster,) = run.of_type("residency:components:RegionalCluster")
    assert cluster_provider.parent == cluster.urn
    for resource in managed(run, "kubernetes"):
        assert resource.provider_urn == cluster_provider.urn, resource.urn


@pytest.mark.parametrize("package", ["aws", "kubernetes"])
def test_every_resource_uses_an_explicit_provider_of_its_package(run: StackRun, package: str) -> None:
    resources = managed(run, package)
    assert resources, f"no {package} resources registered"
    for resource in resources:
        provider = run.provider_of(resource)
        assert provider is not None, f"{resource.urn} would use the disabled default {package} provider"
        assert provider.type == f"pulumi:providers:{package}", resource.urn


def test_every_invoke_uses_the_stacks_explicit_aws_provider(run: StackRun) -> None:
    (aws_provider,) = run.of_type("pulumi:providers:aws")
    assert run.invocations, "the program made no invokes"
    for invocation in run.invocations:
        assert invocation.token.startswith("aws:"), invocation.token
        assert invocation.provider.rsplit("::", 1)[0] == aws_provider.urn, invocation.token


def test_every_regional_aws_resource_is_in_the_stacks_region(run: StackRun) -> None:
    region = settings_of(run).region
    regional = [r for r in managed(run, "aws") if not r.type.startswith(GLOBAL_TYPE_PREFIXES)]
    assert regional
    for resource in regional:
        provider = run.provider_of(resource)
        assert provider is not None, resource.urn
        effective = resource.inputs.get("region") or provider.inputs.get("region")
        assert effective == region, f"{resource.urn} lands in {effective}, not {region}"


def test_every_aws_resource_carries_the_jurisdiction_and_managed_by_tags(run: StackRun) -> None:
    code = settings_of(run).jurisdiction.code
    for resource in managed(run, "aws"):
        tags = effective_tags(run, resource)
        assert tags.get(JURISDICTION_TAG) == code, resource.urn
        assert tags.get(MANAGED_BY_TAG) == MANAGED_BY, resource.urn


def test_every_data_holding_resource_declares_a_valid_classification(run: StackRun) -> None:
    holding = [
        r for r in run.registrations if r.type in AWS_DATA_HOLDING_TYPES | KUBERNETES_DATA_HOLDING_TYPES
    ]
    assert holding
    for resource in holding:
        if resource.type in AWS_DATA_HOLDING_TYPES:
            classification = effective_tags(run, resource).get(CLASSIFICATION_TAG)
        else:
            classification = ((resource.inputs.get("metadata") or {}).get("labels") or {}).get(
                CLASSIFICATION_TAG
            )
        assert classification in CLASSIFICATIONS, f"{resource.urn}: {classification!r}"


def test_the_pii_database_is_classified_pii_and_protected(run: StackRun) -> None:
    (instance,) = run.of_type("aws:rds/instance:Instance")
    assert instance.inputs["tags"][CLASSIFICATION_TAG] == "pii"
    assert instance.protect


def hba_method(lines: list[str], database: str, user: str, address: str, tls: bool = True) -> str:
    """The method of the first pg_hba.conf host rule that matches a TCP client; PostgreSQL stops there."""
    client = ipaddress.ip_address(address)
    for line in lines:
        columns = line.split()
        if not columns or columns[0].startswith("#") or not columns[0].startswith("host"):
            continue
        if (columns[0] == "hostssl" and not tls) or (columns[0] == "hostnossl" and tls):
            continue
        rule_database, rule_user, rule_address, method = columns[1], columns[2], columns[3], columns[4]
        if rule_database not in ("all", database) or rule_user not in ("all", user):
            continue
        if rule_address == "all" or client in ipaddress.ip_network(rule_address, strict=False):
            return method
    return "reject"  # no matching line: PostgreSQL refuses the connection


def telemetry_hba(run: StackRun) -> dict[str, list[str]]:
    """Each telemetry server's pg_hba.conf lines, by server (store, exchange)."""
    hba = {
        config_map.name.removeprefix(f"{run.stack}-telemetry-").removesuffix("-pg-hba"): config_map.inputs[
            "data"
        ]["pg_hba.conf"].splitlines()
        for config_map in run.of_type("kubernetes:core/v1:ConfigMap")
        if config_map.name.endswith("-pg-hba")
    }
    assert set(hba) == {"store", "exchange"}
    return hba


PEER_USERS = (
    "telemetry_inbox_india",
    "telemetry_inbox_eu",
    "telemetry_writer",
    "postgres",
    "telemetry_replicator",
)
PEER_DATABASES = ("telemetry", "telemetry_exchange", "replication", "postgres")


def admitted_from_the_peer(run: StackRun, peer_stack: str, *, tls: bool = True) -> set[tuple[str, str, str]]:
    """(server, database, user) the peer VPC may try to authenticate as, TLS or not."""
    settings = settings_of(run)
    peer_address = str(next(ipaddress.ip_network(settings.peer.vpc_cidr).hosts()))
    users = (*PEER_USERS, f"telemetry_inbox_{peer_stack}")
    return {
        (server, database, user)
        for server, lines in telemetry_hba(run).items()
        for database in PEER_DATABASES
        for user in users
        if hba_method(lines, database, user, peer_address, tls=tls) != "reject"
    }


def test_the_committed_stacks_admit_nothing_from_the_peer_until_its_ca_is_configured(run: StackRun) -> None:
    assert admitted_from_the_peer(run, settings_of(run).peer.stack) == set()


@pytest.fixture(scope="module")
def connected() -> StackRun:
    """The eu stack once connected: the peer's endpoint, CA certificate and peering connection configured."""
    return connected_run()


def test_the_peer_reaches_only_the_exchange_and_only_as_its_inbox_role_by_certificate(
    connected: StackRun,
) -> None:
    admitted = admitted_from_the_peer(connected, "india")
    assert admitted == {("exchange", "telemetry_exchange", "telemetry_inbox_india")}
    (line,) = [
        line
        for line in telemetry_hba(connected)["exchange"]
        if "telemetry_inbox_india" in line and line.split()[-1] != "reject"
    ]
    assert line.split() == ["hostssl", "telemetry_exchange", "telemetry_inbox_india", "10.20.0.0/16", "cert"]
    # Without TLS the peer reaches nothing at all, not even the first line that would admit it.
    assert admitted_from_the_peer(connected, "india", tls=False) == set()


def test_a_connected_stack_pushes_to_the_peers_endpoint_verified_by_its_ca(connected: StackRun) -> None:
    jobs = {
        job.name.removeprefix("eu-telemetry-"): job for job in connected.of_type("kubernetes:batch/v1:Job")
    }
    (container,) = jobs["peer-link-job"].inputs["spec"]["template"]["spec"]["containers"]
    assert f"peer_host={CONNECTED_PEER_HOST}" in container["args"]
    assert "peer_region=india" in container["args"]
    (secret,) = [
        s for s in connected.of_type("kubernetes:core/v1:Secret") if s.name == "eu-telemetry-store-tls"
    ]
    assert unwrap(secret.inputs["stringData"])["peer-ca.crt"] == CONNECTED_PEER_CA


EXPECTED_OUTPUTS = {
    "region",
    "jurisdiction",
    "vpcId",
    "vpcCidr",
    "clusterName",
    "kubeconfig",
    "loadBalancerDnsName",
    "latencyHostname",
    "regionPinnedHostname",
    "healthCheckId",
    "piiDatabaseEndpoint",
    "piiDatabaseSecretArn",
    "telemetryReplicationEndpoint",
    "telemetryCaCertificate",
    "telemetryWriterConnections",
}


def test_the_stack_exports_its_outputs(run: StackRun) -> None:
    settings = settings_of(run)
    outputs = run.outputs
    assert set(outputs) == EXPECTED_OUTPUTS
    assert outputs["region"] == settings.region
    assert outputs["jurisdiction"] == settings.jurisdiction.code
    assert outputs["vpcCidr"] == settings.network.vpc_cidr
    (vpc,) = run.of_type("aws:ec2/vpc:Vpc")
    assert outputs["vpcId"] == f"{vpc.name}-id"
    assert f".{settings.region}.elb.amazonaws.com" in outputs["loadBalancerDnsName"]
    assert f".{settings.region}.rds.amazonaws.com:5432" in outputs["piiDatabaseEndpoint"]
    assert f".elb.{settings.region}.amazonaws.com" in outputs["telemetryReplicationEndpoint"]
    assert outputs["latencyHostname"] == settings.dns.domain
    assert outputs["regionPinnedHostname"] == f"{settings.dns.region_label}.{settings.dns.domain}"
    (health_check,) = run.of_type("aws:route53/healthCheck:HealthCheck")
    assert outputs["healthCheckId"] == f"{health_check.name}-id"


def test_the_kubeconfig_is_exported_only_as_a_secret(run: StackRun) -> None:
    kubeconfig = run.outputs["kubeconfig"]
    assert is_secret(kubeconfig)
    assert settings_of(run).region in unwrap(kubeconfig)


def test_the_ca_certificate_is_exported_in_plain_and_no_password_or_key_is_exported(run: StackRun) -> None:
    # The one thing the peer copies is public: it must be readable with `pulumi stack output`, unencrypted.
    certificate = run.outputs["telemetryCaCertificate"]
    assert not is_secret(certificate)
    assert certificate.startswith("-----BEGIN CERTIFICATE-----")
    (ca,) = run.of_type("tls:index/selfSignedCert:SelfSignedCert")
    assert ca.inputs["isCaCertificate"] is True
    assert ca.inputs["subject"]["commonName"] == f"telemetry CA {run.stack}"
    connections = run.outputs["telemetryWriterConnections"]
    assert set(connections) == set(settings_of(run).telemetry.writers)
    for service, connection in connections.items():
        assert "sslmode='verify-full'" in connection and "password" not in connection
        assert f"user='telemetry_writer_{service}'" in connection and "sslcert=" in connection
    rendered = json.dumps({k: v for k, v in run.outputs.items() if k != "kubeconfig"})
    assert "PRIVATE KEY" not in rendered and "Password" not in rendered


def test_the_region_pinned_record_is_a_plain_alias_to_this_regions_load_balancer(run: StackRun) -> None:
    settings = settings_of(run)
    records = {r.inputs["name"]: r.inputs for r in run.of_type("aws:route53/record:Record")}
    pinned = records[settings.dns.pinned_hostname]
    assert "latencyRoutingPolicies" not in pinned and "setIdentifier" not in pinned
    latency = records[settings.dns.domain]
    assert latency["latencyRoutingPolicies"] == [{"region": settings.region}]
    for record in (pinned, latency):
        assert f".{settings.region}.elb.amazonaws.com" in record["aliases"][0]["name"]


WORKLOAD_TYPES = ("kubernetes:apps/v1:StatefulSet", "kubernetes:batch/v1:Job", "kubernetes:batch/v1:CronJob")


def pod_labels(workload: Registration) -> dict[str, str]:
    """The labels of the pods a StatefulSet, Job or CronJob creates."""
    spec = workload.inputs["spec"]
    spec = spec.get("jobTemplate", {}).get("spec", spec)
    return dict(spec["template"]["metadata"]["labels"])


def test_the_peer_vpc_reaches_only_the_exchange_pods_whatever_component_declares_the_policy(
    run: StackRun,
) -> None:
    peer = ipaddress.ip_network(settings_of(run).peer.vpc_cidr)
    workloads = [r for kind in WORKLOAD_TYPES for r in run.of_type(kind)]
    admitting_the_peer = set()
    for policy in run.of_type("kubernetes:networking.k8s.io/v1:NetworkPolicy"):
        spec, namespace = policy.inputs["spec"], policy.inputs["metadata"]["namespace"]
        sources = [source for rule in spec.get("ingress") or [] for source in rule.get("from") or []]
        blocks = [
            ipaddress.ip_network(source["ipBlock"]["cidr"]) for source in sources if "ipBlock" in source
        ]
        if not any(block.overlaps(peer) for block in blocks):
            continue
        selector = spec["podSelector"].get("matchLabels") or {}
        assert selector, f"{policy.name} admits the peer to every pod of its namespace"
        admitting_the_peer |= {
            workload.name
            for workload in workloads
            if workload.inputs["metadata"]["namespace"] == namespace
            and all(pod_labels(workload).get(key) == value for key, value in selector.items())
        }
    assert admitting_the_peer == {f"{run.stack}-telemetry-exchange-statefulset"}
    facing_the_peer = [
        service
        for service in run.of_type("kubernetes:core/v1:Service")
        if service.inputs["spec"].get("loadBalancerSourceRanges")
    ]
    assert [s.inputs["spec"]["loadBalancerSourceRanges"] for s in facing_the_peer] == [[str(peer)]]
    (exchange,) = [w for w in workloads if w.name == f"{run.stack}-telemetry-exchange-statefulset"]
    selector = facing_the_peer[0].inputs["spec"]["selector"]
    assert all(pod_labels(exchange).get(key) == value for key, value in selector.items())


def test_no_password_appears_in_any_resource_but_its_secret(run: StackRun) -> None:
    secrets = [s for s in run.of_type("kubernetes:core/v1:Secret") if s.name.endswith("-password")]
    passwords = {unwrap(secret.inputs["stringData"])["password"] for secret in secrets}
    assert len(passwords) == len(secrets) == 2  # the superusers': the writers log in by certificate
    assert all(len(password) >= 32 for password in passwords)
    for registration in run.registrations:
        if registration.type in ("kubernetes:core/v1:Secret", "random:index/randomPassword:RandomPassword"):
            continue
        rendered = json.dumps(registration.inputs)
        assert not [password for password in passwords if password in rendered], registration.urn


def test_the_telemetry_sql_runs_for_this_stack_and_its_peer_with_the_configured_k_and_schedule(
    run: StackRun,
) -> None:
    settings = settings_of(run)
    jobs = {
        job.name.removeprefix(f"{run.stack}-telemetry-"): job
        for job in run.of_type("kubernetes:batch/v1:Job")
    }
    # No replicationHost or peer CA certificate in the committed stack files yet: no peer link.
    assert set(jobs) == {
        "store-database-job",
        "exchange-database-job",
        "exchange-schema-job",
        "store-schema-job",
    }
    (exchange_container,) = jobs["exchange-schema-job"].inputs["spec"]["template"]["spec"]["containers"]
    assert f"region={settings.stack}" in exchange_container["args"]
    assert f"peer_regions={settings.peer.stack}" in exchange_container["args"]
    services = ",".join(settings.telemetry.services)
    assert f"services={services}" in exchange_container["args"]
    (store_container,) = jobs["store-schema-job"].inputs["spec"]["template"]["spec"]["containers"]
    assert "require_timescaledb=true" in store_container["args"]
    assert f"services={services}" in store_container["args"]
    for job in jobs.values():
        (container,) = job.inputs["spec"]["template"]["spec"]["containers"]
        environment = {variable["name"]: variable.get("value") for variable in container["env"]}
        assert environment["PGSSLMODE"] == "verify-full", job.name
    cron_jobs = {
        c.name.removeprefix(f"{run.stack}-telemetry-"): c for c in run.of_type("kubernetes:batch/v1:CronJob")
    }
    cron_job = cron_jobs["anonymise-cron-job"]
    assert cron_job.inputs["spec"]["schedule"] == settings.telemetry.anonymisation_schedule
    assert cron_job.inputs["spec"]["suspend"] is settings.telemetry.restore_in_progress
    for each in cron_jobs.values():
        assert each.inputs["spec"]["concurrencyPolicy"] == "Forbid"
    assert set(cron_jobs) == {"anonymise-cron-job", "push-cron-job"}
    (scripts,) = [c for c in run.of_type("kubernetes:core/v1:ConfigMap") if c.name.endswith("-telemetry-sql")]
    release = scripts.inputs["data"]["anonymise.sql"]
    assert f"min_subjects => {settings.telemetry.anonymisation_k}," in release
    assert f"epsilon_per_hour => {settings.telemetry.epsilon_per_hour}," in release
    assert f"max_events_per_group => {settings.telemetry.max_events_per_group}," in release


def forwarding_listeners(run: StackRun, load_balancer: Registration) -> list[Registration]:
    """The listeners of a load balancer that forward to a target group (not the redirecting one)."""
    arn = run.output(load_balancer, "arn")
    return [
        listener
        for listener in run.of_type("aws:lb/listener:Listener")
        if listener.inputs["loadBalancerArn"] == arn
        and listener.inputs["defaultActions"][0]["type"] == "forward"
    ]


def test_the_health_check_probes_what_a_listener_of_this_regions_load_balancer_serves(run: StackRun) -> None:
    """An HTTPS check against an HTTP-only load balancer would fail for ever and withdraw the region."""
    (load_balancer,) = run.of_type("aws:lb/loadBalancer:LoadBalancer")
    (health_check,) = run.of_type("aws:route53/healthCheck:HealthCheck")
    assert health_check.inputs["fqdn"] == run.output(load_balancer, "dnsName")
    served = {
        (listener.inputs["protocol"], listener.inputs["port"])
        for listener in forwarding_listeners(run, load_balancer)
    }
    assert (health_check.inputs["type"], health_check.inputs["port"]) in served
    assert served == {("HTTPS", 443)}
    (http,) = [r for r in run.of_type("aws:lb/listener:Listener") if r.inputs["port"] == 80]
    assert http.inputs["defaultActions"][0]["redirect"]["protocol"] == "HTTPS"


def test_the_listener_serves_a_certificate_for_both_hostnames_validated_in_the_zone(run: StackRun) -> None:
    settings = settings_of(run)
    (certificate,) = run.of_type("aws:acm/certificate:Certificate")
    names = [certificate.inputs["domainName"], *certificate.inputs["subjectAlternativeNames"]]
    assert names == [settings.dns.domain, settings.dns.pinned_hostname]
    (validation,) = run.of_type("aws:acm/certificateValidation:CertificateValidation")
    (https,) = [r for r in run.of_type("aws:lb/listener:Listener") if r.inputs["protocol"] == "HTTPS"]
    assert https.inputs["certificateArn"] == run.output(validation, "certificateArn")
    assert run.provider_of(certificate) is run.provider_of(https)


def test_the_path_from_the_load_balancer_to_the_front_door_pods_is_declared(run: StackRun) -> None:
    """ALB -> HTTPS listener -> target group -> TargetGroupBinding -> Service -> pods, and what admits it."""
    (load_balancer,) = run.of_type("aws:lb/loadBalancer:LoadBalancer")
    (listener,) = forwarding_listeners(run, load_balancer)
    (target_group,) = [
        r
        for r in run.of_type("aws:lb/targetGroup:TargetGroup")
        if run.output(r, "arn") == listener.inputs["defaultActions"][0]["targetGroupArn"]
    ]
    (binding,) = [
        r
        for r in run.of_type("kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding")
        if r.inputs["spec"]["targetGroupARN"] == run.output(target_group, "arn")
    ]
    namespace = binding.inputs["metadata"]["namespace"]
    reference = binding.inputs["spec"]["serviceRef"]
    (service,) = [
        r
        for r in run.of_type("kubernetes:core/v1:Service")
        if r.inputs["metadata"] == {**r.inputs["metadata"], "name": reference["name"], "namespace": namespace}
    ]
    (port,) = [p for p in service.inputs["spec"]["ports"] if p["port"] == reference["port"]]
    assert port["targetPort"] == target_group.inputs["port"]
    selector = service.inputs["spec"]["selector"]
    assert selector == {"app.kubernetes.io/part-of": "microservices", "residency/front-door": "true"}
    assert binding.inputs["spec"]["targetType"] == target_group.inputs["targetType"] == "ip"
    # The pods' NetworkPolicy admits the load balancer's subnets on the target port...
    # Sorted: the engine sees the subnets in the order their registrations arrive, not the plan's.
    public_subnets = sorted(
        r.inputs["cidrBlock"] for r in run.of_type("aws:ec2/subnet:Subnet") if "-public-" in r.name
    )
    assert {run.output(r, "id") for r in run.of_type("aws:ec2/subnet:Subnet") if "-public-" in r.name} == set(
        load_balancer.inputs["subnets"]
    )
    admitting = [
        r.inputs["spec"]
        for r in run.of_type("kubernetes:networking.k8s.io/v1:NetworkPolicy")
        if r.inputs["metadata"]["namespace"] == namespace
        and r.inputs["spec"]["podSelector"].get("matchLabels") == selector
    ]
    assert [
        (sorted(peer["ipBlock"]["cidr"] for peer in rule["from"]), rule["ports"])
        for spec in admitting
        for rule in spec["ingress"]
    ] == [(public_subnets, [{"protocol": "TCP", "port": port["targetPort"]}])]
    # ...and the nodes' security group admits the load balancer's group on that port only.
    (alb_group,) = load_balancer.inputs["securityGroups"]
    from_alb = [
        r.inputs
        for r in run.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
        if r.inputs.get("referencedSecurityGroupId") == alb_group
    ]
    (node_group_sg,) = [
        r for r in run.of_type("aws:ec2/securityGroup:SecurityGroup") if r.name.endswith("-node-sg")
    ]
    assert [(r["securityGroupId"], r["fromPort"], r["toPort"]) for r in from_alb] == [
        (run.output(node_group_sg, "id"), port["targetPort"], port["targetPort"])
    ]


def test_what_runs_in_the_cluster_waits_for_the_nodes_and_the_binding_for_the_controller(
    run: StackRun,
) -> None:
    """The ordering a first `pulumi up` needs, declared as dependencies (a refactor cannot drop them)."""
    (node_group,) = run.of_type("aws:eks/nodeGroup:NodeGroup")
    (release,) = run.of_type("kubernetes:helm.sh/v3:Release")
    (binding,) = run.of_type("kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding")
    ebs_csi = [r for r in run.of_type("aws:eks/addon:Addon") if r.inputs["addonName"] == "aws-ebs-csi-driver"]
    assert node_group.urn in release.dependencies
    assert [node_group.urn in addon.dependencies for addon in ebs_csi] == [True]
    assert release.urn in binding.dependencies
    assert release.inputs["version"] == "3.5.0"


POD_RUNNING_TYPES = (
    "kubernetes:apps/v1:StatefulSet",
    "kubernetes:core/v1:Service",
    "kubernetes:batch/v1:Job",
    "kubernetes:batch/v1:CronJob",
)


def test_every_telemetry_workload_waits_for_the_node_group_and_the_storage_driver(run: StackRun) -> None:
    """Issue 13: without these edges the first `pulumi up` starts its readiness waits before any node runs."""
    (node_group,) = run.of_type("aws:eks/nodeGroup:NodeGroup")
    (driver,) = [
        a for a in run.of_type("aws:eks/addon:Addon") if a.inputs["addonName"] == "aws-ebs-csi-driver"
    ]
    workloads = [
        r
        for kind in POD_RUNNING_TYPES
        for r in run.of_type(kind)
        if r.name.startswith(f"{run.stack}-telemetry-")
    ]
    assert len(workloads) == 2 + 5 + 4 + 2  # both CronJobs: the release and the push
    for workload in workloads:
        assert {node_group.urn, driver.urn} <= set(workload.dependencies), workload.name
    # The add-on itself needs nodes for its controller: the order is nodes, driver, then the workloads.
    assert node_group.urn in driver.dependencies


def test_the_telemetry_servers_wait_long_enough_for_a_first_start(run: StackRun) -> None:
    """pulumi-kubernetes' 10 minutes do not cover a new node, a volume, a 1 to 2 GiB image pull and initdb."""
    waiting = [
        r
        for kind in ("kubernetes:apps/v1:StatefulSet", "kubernetes:core/v1:Service")
        for r in run.of_type(kind)
        if r.name.startswith(f"{run.stack}-telemetry-")
    ]
    assert len(waiting) == 2 + 5
    for registration in waiting:
        timeouts = registration.options.get("customTimeouts", {})
        assert timeouts.get("create") == timeouts.get("update") == "30m", registration.name
    # A Job is waited for past its own deadline, so Kubernetes, not the engine, decides that it failed.
    for job in run.of_type("kubernetes:batch/v1:Job"):
        deadline = int(job.inputs["spec"]["activeDeadlineSeconds"])
        timeouts = job.options.get("customTimeouts", {})
        assert timeouts.get("create") == f"{deadline // 60 + 5}m", job.name
