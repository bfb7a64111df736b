"""RegionalCluster: one region's network, EKS cluster, regional load balancer and in-cluster baseline.

One child component per concern, each in its own module and parented to the RegionalCluster:
    Network (network.py): VPC, subnet tiers, gateways, route tables, flow logs;
    KubernetesCluster (kubernetes_cluster.py): EKS, its keys and roles, add-ons, the node group;
    LoadBalancer (load_balancer.py): the internet-facing ALB, its certificate, listeners and target group;
    ClusterBaseline (cluster_baseline.py): namespaces and their default-deny NetworkPolicies;
    LoadBalancerController (load_balancer_controller.py): the AWS Load Balancer Controller and the binding of
    the target group to the front-door Service.
The RegionalCluster itself holds what they share: the CloudWatch Logs key (for the flow logs and the
control-plane logs) and the Kubernetes provider. args.py holds RegionalClusterArgs and the subnet plan,
common.py the helpers the parts share. Every resource keeps the name and, through an alias to the
RegionalCluster, the URN it had before the split.

Wiring (`RegionalClusterArgs`, every value plain so the typed settings object can fill it):
    vpc_cidr, kubernetes_version, node_instance_types, node_min_size, node_desired_size, node_max_size
    (required); public_access_cidrs, availability_zone_count, nat_gateway_count, peer_vpc_cidr, peer_vpc_id,
    peer_region, peer_account_id, requests_peering, admin_principal_arns, certificate_arn or tls_hostnames
    and hosted_zone, tls_policy, application_port,
    health_check_path, microservices_namespace, telemetry_namespace, pod_security_level, node_ami_type,
    node_disk_size_gib, log_retention_days, flow_logs, deletion_protection (optional, secure defaults).

Attributes for consumers: vpc_id, vpc_cidr_block, public_subnet_ids, private_subnet_ids, database_subnet_ids,
database_subnet_cidrs, node_security_group_id, cluster_name, oidc_provider_arn, oidc_issuer_url,
ebs_csi_role_arn, kubernetes_provider, kubeconfig (secret), load_balancer_dns_name, load_balancer_zone_id,
load_balancer_arn, target_group_arn, https_port, peering_connection_id, microservices_namespace,
telemetry_namespace.

Decisions a deployer must know:
- The deploying identity becomes cluster admin through EKS's `bootstrapClusterCreatorAdminPermissions`, not
  through an access entry we declare: Pulumi usually runs as an assumed role whose caller ARN is an STS
  session ARN that an access entry cannot name, and the Kubernetes provider needs admin the moment the
  cluster exists. Further admins are `admin_principal_arns` (IAM role or user ARNs, never the deployer).
- The EKS cluster's physical name is `<component name>-cluster`, fixed before creation because its
  control-plane log group (`/aws/eks/<cluster>/cluster`, retention and KMS set here) must exist first.
- The load balancer always serves HTTPS on `https_port` (port 80 only redirects): with `certificate_arn`,
  or with a certificate the component issues for `tls_hostnames`, validated by DNS in `hosted_zone`.
- The target group is of type `ip`; the AWS Load Balancer Controller, installed here after the node group,
  registers the front-door pods into it through a TargetGroupBinding on the Service `front-door`.
- Peering: with `peer_vpc_id`, the requesting side declares the connection, the accepting side finds and
  accepts it; both route the peer's range from the private tiers only (network.py).
- Nodes carry two security groups: the EKS cluster security group (control plane, node-to-node traffic
  and egress) and `node_security_group_id`, which only adds ingress (the load balancer on the application
  port) and is the source other components admit, e.g. PostgreSQL on 5432.
- NetworkPolicies are enforced because the VPC CNI is managed here as an EKS add-on with its network
  policy agent switched on; the default VPC CNI install ignores them. Both namespaces deny everything but
  DNS by default. Microservices may take traffic from the load balancer, call each other on the application
  port and reach the PII database and the telemetry namespace on 5432. The telemetry namespace gets no
  allowance here: TelemetryStore admits its clients, its SQL Jobs and the peer region to the pods that need
  them (the peer only to the exchange), because only it knows those pods' labels.
- The logs key is administered by the account but usable only by CloudWatch Logs in the region for the two
  log groups here (the shared helpers in kms_key_policy.py); the secrets key keeps AWS's default policy.
- Whoever runs `pulumi up` must reach the Kubernetes API to create the namespaces and policies: from an
  address in `public_access_cidrs`, or from inside the VPC when that list is empty (private-only API).

Not verifiable offline: the real AWS and EKS behaviour of all of the above; the unit tests check the
declared resources under Pulumi's mock runtime.
"""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
import pulumi_kubernetes as k8s

from components.kms_key_policy import (
    administration_statement,
    cloudwatch_logs_statement,
    key_policy_document,
    log_group_arn,
)
from components.regional_cluster.args import (
    COMPONENT_NAME,
    CONTROL_PLANE_LOG_TYPES,
    FRONT_DOOR_SELECTOR,
    HTTPS_PORT,
    MAX_AVAILABILITY_ZONES,
    POD_SECURITY_LEVELS,
    RegionalClusterArgs,
    SubnetPlan,
    plan_subnets,
)
from components.regional_cluster.cluster_baseline import ClusterBaseline
from components.regional_cluster.common import cluster_key, control_plane_log_group_name, flow_log_group_name
from components.regional_cluster.kubernetes_cluster import KubernetesCluster
from components.regional_cluster.load_balancer import LoadBalancer
from components.regional_cluster.load_balancer_controller import LoadBalancerController
from components.regional_cluster.network import Network
from components.regional_key import RegionalAccount

__all__ = [
    "CONTROL_PLANE_LOG_TYPES",
    "FRONT_DOOR_SELECTOR",
    "MAX_AVAILABILITY_ZONES",
    "POD_SECURITY_LEVELS",
    "ClusterBaseline",
    "KubernetesCluster",
    "LoadBalancer",
    "LoadBalancerController",
    "Network",
    "RegionalCluster",
    "RegionalClusterArgs",
    "SubnetPlan",
    "plan_subnets",
]


def _logs_key_policy(
    partition: str, dns_suffix: str, region: str, account_id: str, *, log_group_names: Sequence[str]
) -> str:
    """Key policy: the account administers the key; CloudWatch Logs here uses it for the cluster's groups."""
    return key_policy_document(
        [
            administration_statement(partition, account_id),
            cloudwatch_logs_statement(
                "CloudWatchLogsEncryptsTheClusterLogGroups",
                region,
                dns_suffix,
                [log_group_arn(partition, region, account_id, name) for name in log_group_names],
            ),
        ]
    )


class RegionalCluster(pulumi.ComponentResource):
    """The region's VPC, EKS cluster, internet-facing load balancer and in-cluster network baseline."""

    vpc_id: pulumi.Output[str]
    vpc_cidr_block: str
    public_subnet_ids: list[pulumi.Output[str]]
    private_subnet_ids: list[pulumi.Output[str]]
    database_subnet_ids: list[pulumi.Output[str]]
    database_subnet_cidrs: list[str]
    node_security_group_id: pulumi.Output[str]
    cluster_name: pulumi.Output[str]
    oidc_provider_arn: pulumi.Output[str]
    oidc_issuer_url: pulumi.Output[str]
    ebs_csi_role_arn: pulumi.Output[str]
    kubernetes_provider: k8s.Provider
    kubeconfig: pulumi.Output[str]
    load_balancer_dns_name: pulumi.Output[str]
    load_balancer_zone_id: pulumi.Output[str]
    load_balancer_arn: pulumi.Output[str]
    target_group_arn: pulumi.Output[str]
    https_port: int
    peering_connection_id: pulumi.Output[str] | None
    microservices_namespace: pulumi.Output[str]
    telemetry_namespace: pulumi.Output[str]

    def __init__(
        self, name: str, args: RegionalClusterArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        if not COMPONENT_NAME.match(name):
            raise ValueError(
                f"RegionalCluster name {name!r} must be 1-20 lower-case letters, digits or '-': it names "
                "the EKS cluster and prefixes load balancer and target group names, which AWS caps at 32"
            )
        super().__init__("residency:components:RegionalCluster", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        account = RegionalAccount.look_up(pulumi.InvokeOptions(parent=self))

        # Shared by the network's flow logs and the cluster's control-plane logs, so it stays here.
        log_groups = [control_plane_log_group_name(name), flow_log_group_name(name)]
        logs_key = cluster_key(
            name,
            "logs-key",
            "CloudWatch Logs encryption for the regional cluster",
            account.key_policy(lambda *values: _logs_key_policy(*values, log_group_names=log_groups)),
            child,
        )

        network = Network(self, name, args, account, logs_key)
        cluster = KubernetesCluster(self, name, args, account, network, logs_key)
        # Here rather than in KubernetesCluster: every Kubernetes object of the stack names this provider.
        self.kubernetes_provider = k8s.Provider(
            f"{name}-kubernetes",
            kubeconfig=cluster.kubeconfig,
            enable_server_side_apply=True,
            opts=child,
        )
        load_balancer = LoadBalancer(self, name, args, account, network, cluster.node_security_group_id)
        baseline = ClusterBaseline(self, name, args, account, network, self.kubernetes_provider)
        LoadBalancerController(
            self,
            name,
            args,
            account,
            cluster_name=cluster.cluster_name,
            vpc_id=network.vpc_id,
            oidc_provider_arn=cluster.oidc_provider_arn,
            oidc_issuer_url=cluster.oidc_issuer_url,
            node_group=cluster.node_group,
            target_group_arn=load_balancer.target_group_arn,
            microservices_namespace=baseline.microservices_namespace,
            kubernetes_provider=self.kubernetes_provider,
        )

        self.vpc_id = network.vpc_id
        self.vpc_cidr_block = network.vpc_cidr_block
        self.public_subnet_ids = network.public_subnet_ids
        self.private_subnet_ids = network.private_subnet_ids
        self.database_subnet_ids = network.database_subnet_ids
        self.database_subnet_cidrs = network.database_subnet_cidrs
        self.node_security_group_id = cluster.node_security_group_id
        self.cluster_name = cluster.cluster_name
        self.oidc_provider_arn = cluster.oidc_provider_arn
        self.oidc_issuer_url = cluster.oidc_issuer_url
        self.ebs_csi_role_arn = cluster.ebs_csi_role_arn
        # What a workload with a volume must wait for: nodes to run on and the driver that provisions volumes.
        self.workload_dependencies: list[pulumi.Resource] = [cluster.node_group, cluster.ebs_csi_addon]
        self.kubeconfig = cluster.kubeconfig
        self.load_balancer_dns_name = load_balancer.load_balancer_dns_name
        self.load_balancer_zone_id = load_balancer.load_balancer_zone_id
        self.load_balancer_arn = load_balancer.load_balancer_arn
        self.target_group_arn = load_balancer.target_group_arn
        self.https_port = HTTPS_PORT
        self.peering_connection_id = network.peering_connection_id
        self.microservices_namespace = baseline.microservices_namespace
        self.telemetry_namespace = baseline.telemetry_namespace

        self.register_outputs(
            {
                "vpc_id": self.vpc_id,
                "vpc_cidr_block": self.vpc_cidr_block,
                "public_subnet_ids": self.public_subnet_ids,
                "private_subnet_ids": self.private_subnet_ids,
                "database_subnet_ids": self.database_subnet_ids,
                "database_subnet_cidrs": self.database_subnet_cidrs,
                "node_security_group_id": self.node_security_group_id,
                "cluster_name": self.cluster_name,
                "oidc_provider_arn": self.oidc_provider_arn,
                "oidc_issuer_url": self.oidc_issuer_url,
                "ebs_csi_role_arn": self.ebs_csi_role_arn,
                "kubeconfig": self.kubeconfig,
                "load_balancer_dns_name": self.load_balancer_dns_name,
                "load_balancer_zone_id": self.load_balancer_zone_id,
                "load_balancer_arn": self.load_balancer_arn,
                "target_group_arn": self.target_group_arn,
                "microservices_namespace": self.microservices_namespace,
                "telemetry_namespace": self.telemetry_namespace,
            }
        )
