"""One region of the residency system: `pulumi up -s eu` (eu-west-1, GDPR) or `-s india` (ap-south-1, DPDP).

Stack config -> one validated settings object -> components -> exports; nothing else happens here. Every AWS
and Kubernetes resource and invoke goes through the explicit providers below (Pulumi.yaml disables the
default ones), so nothing can land outside the stack's region or miss the jurisdiction tag.
"""

from __future__ import annotations

from pathlib import Path

import pulumi
import pulumi_aws as aws

from components.global_dns import GlobalDns, GlobalDnsArgs
from components.pii_database import PiiDatabase, PiiDatabaseArgs
from components.regional_cluster import RegionalCluster, RegionalClusterArgs
from components.telemetry_store import TelemetryStore, TelemetryStoreArgs
from residency.settings import load_stack_settings

settings = load_stack_settings(Path(__file__).resolve().parent)
name = settings.stack

aws_provider = aws.Provider(
    f"aws-{settings.region}",
    region=settings.region,
    default_tags={"tags": settings.default_tags},
)
in_region = pulumi.ResourceOptions(providers=[aws_provider])

cluster = RegionalCluster(
    name,
    RegionalClusterArgs(
        vpc_cidr=settings.network.vpc_cidr,
        availability_zone_count=settings.network.availability_zones,
        nat_gateway_count=settings.network.nat_gateways,
        kubernetes_version=settings.cluster.kubernetes_version,
        node_instance_types=settings.cluster.node_instance_types,
        node_min_size=settings.cluster.min_nodes,
        node_desired_size=settings.cluster.desired_nodes,
        node_max_size=settings.cluster.max_nodes,
        public_access_cidrs=settings.cluster.api_public_cidrs,
        admin_principal_arns=settings.cluster.admin_principal_arns,
        certificate_arn=settings.load_balancer.certificate_arn,
        # Without a certificate ARN the cluster issues one for both hostnames: the ALB always serves HTTPS.
        tls_hostnames=(settings.dns.domain, settings.dns.pinned_hostname),
        hosted_zone=settings.dns.hosted_zone,
        health_check_path=settings.load_balancer.health_check_path,
        peer_vpc_cidr=settings.peer.vpc_cidr,
        peer_vpc_id=settings.peer.vpc_id,
        peer_region=settings.peer.region,
        peer_account_id=settings.peer.account_id,
        requests_peering=settings.peer.requests_peering,
    ),
    opts=in_region,
)

pii_database = PiiDatabase(
    f"{name}-pii",
    PiiDatabaseArgs(
        vpc_id=cluster.vpc_id,
        subnet_ids=cluster.database_subnet_ids,
        client_security_group_ids=[cluster.node_security_group_id],
        instance_class=settings.pii_database.instance_class,
        allocated_storage_gb=settings.pii_database.allocated_storage_gib,
        max_allocated_storage_gb=settings.pii_database.max_allocated_storage_gib,
        backup_retention_days=settings.pii_database.backup_retention_days,
        engine_version=settings.pii_database.engine_version,
    ),
    opts=in_region,
)

# Telemetry: raw rows stay in the store; only the differentially private hourly release crosses, pushed into
# the peer's inbox over verified TLS with a client certificate.
telemetry = TelemetryStore(
    f"{name}-telemetry",
    TelemetryStoreArgs(
        namespace=cluster.telemetry_namespace,
        vpc_cidr=settings.network.vpc_cidr,
        peer_vpc_cidr=settings.peer.vpc_cidr,
        ebs_csi_role_arn=cluster.ebs_csi_role_arn,
        # The SQL names each region's inbox and role after its stack.
        region=settings.stack,
        peer_region=settings.peer.stack,
        # The privacy parameters, vocabularies, schedule, writers, restore flag, image and volumes, whole.
        telemetry=settings.telemetry,
        # Both absent until the peer stack is deployed: then no push and no inbox login yet, and it says so.
        peer_replication_host=settings.peer.replication_host,
        peer_ca_certificate=settings.peer.ca_certificate,
        # Each writing service logs in with its own certificate, from a Secret in the services' namespace.
        writer_namespaces=[cluster.microservices_namespace],
        # Pods start only once there are nodes and a storage driver (issue 13).
        workload_dependencies=cluster.workload_dependencies,
        # The EBS CSI driver creates the volumes outside Pulumi, so the provider's default tags miss them.
        volume_tags=settings.default_tags,
    ),
    opts=pulumi.ResourceOptions(providers=[aws_provider, cluster.kubernetes_provider]),
)

dns = GlobalDns(
    f"{name}-dns",
    GlobalDnsArgs(
        hosted_zone=settings.dns.hosted_zone,
        hostname=settings.dns.domain,
        region=settings.region,
        region_label=settings.dns.region_label,
        load_balancer_dns_name=cluster.load_balancer_dns_name,
        load_balancer_zone_id=cluster.load_balancer_zone_id,
        health_check_path=settings.load_balancer.health_check_path,
        # The HTTPS listener's port: the health check probes what the load balancer serves.
        health_check_port=cluster.https_port,
    ),
    opts=in_region,
)

pulumi.export("region", settings.region)
pulumi.export("jurisdiction", settings.jurisdiction.code)
# The peer stack sets vpcId as its residency:peer.vpcId; then both declare their side of the peering.
pulumi.export("vpcId", cluster.vpc_id)
pulumi.export("vpcCidr", settings.network.vpc_cidr)
pulumi.export("vpcPeeringConnectionId", cluster.peering_connection_id)
pulumi.export("clusterName", cluster.cluster_name)
pulumi.export("kubeconfig", pulumi.Output.secret(cluster.kubeconfig))
pulumi.export("loadBalancerDnsName", cluster.load_balancer_dns_name)
pulumi.export("latencyHostname", dns.latency_hostname)
pulumi.export("regionPinnedHostname", dns.region_pinned_hostname)
pulumi.export("healthCheckId", dns.health_check_id)
pulumi.export("piiDatabaseEndpoint", pii_database.endpoint)
pulumi.export("piiDatabaseSecretArn", pii_database.master_user_secret_arn)
pulumi.export("telemetryReplicationEndpoint", telemetry.replication_hostname)
# Public: the peer stack sets it as its `residency:peer.caCertificate`, the one value copied between stacks.
pulumi.export("telemetryCaCertificate", telemetry.ca_certificate)
# Per writing service: its conninfo (no secret; its certificate and key come from its Secret).
pulumi.export("telemetryWriterConnections", telemetry.writer_conninfos)
