"""RegionalCluster: one region's network, EKS cluster, regional load balancer and in-cluster baseline.

Wiring (`RegionalClusterArgs`, every value plain so the typed settings object can fill it):
    vpc_cidr, kubernetes_version, node_instance_types, node_min_size, node_desired_size, node_max_size
    (required); public_access_cidrs, availability_zone_count, nat_gateway_count, peer_vpc_cidr,
    peering_connection_id, admin_principal_arns, certificate_arn, tls_policy, application_port,
    health_check_path, microservices_namespace, telemetry_namespace, pod_security_level, node_ami_type,
    node_disk_size_gib, log_retention_days, flow_logs, deletion_protection (optional, secure defaults).

Attributes for consumers: vpc_id, vpc_cidr_block, public_subnet_ids, private_subnet_ids, database_subnet_ids,
database_subnet_cidrs, node_security_group_id, cluster_name, oidc_provider_arn, oidc_issuer_url,
ebs_csi_role_arn, kubernetes_provider, kubeconfig (secret), load_balancer_dns_name, load_balancer_zone_id,
load_balancer_arn, target_group_arn, microservices_namespace, telemetry_namespace.

Decisions a deployer must know:
- The deploying identity becomes cluster admin through EKS's `bootstrapClusterCreatorAdminPermissions`, not
  through an access entry we declare: Pulumi usually runs as an assumed role whose caller ARN is an STS
  session ARN that an access entry cannot name, and the Kubernetes provider needs admin the moment the
  cluster exists. Further admins are `admin_principal_arns` (IAM role or user ARNs, never the deployer).
- The EKS cluster's physical name is `<component name>-cluster`, fixed before creation because its
  control-plane log group (`/aws/eks/<cluster>/cluster`, retention and KMS set here) must exist first.
- Without `certificate_arn` the load balancer listens on plain HTTP only; that is for trials, and the
  global HTTPS health check then withdraws the region. With it, port 80 only redirects to HTTPS.
- The target group is of type `ip`; pods are registered into it by the AWS Load Balancer Controller's
  TargetGroupBinding (the controller is not installed by this component).
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

import ipaddress
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from components.cloudwatch_logs import LOG_RETENTION_DAYS
from components.kms_key_policy import (
    administration_statement,
    cloudwatch_logs_statement,
    key_policy_document,
    log_group_arn,
)
from components.regional_key import RegionalAccount
from residency_facts import CLASSIFICATION_TAG, Classification

CONTROL_PLANE_LOG_TYPES: tuple[str, ...] = ("api", "audit", "authenticator", "controllerManager", "scheduler")
"""Every EKS control-plane log type; all are enabled."""

POSTGRES_PORT = 5432
POD_SECURITY_LEVELS: frozenset[str] = frozenset({"privileged", "baseline", "restricted"})
EBS_CSI_SERVICE_ACCOUNT = "system:serviceaccount:kube-system:ebs-csi-controller-sa"
MAX_AVAILABILITY_ZONES = 6
"""The subnet plan carves at most six private subnets out of the VPC range."""

_COMPONENT_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,19}$")
"""Short enough that autonamed load balancers and target groups stay within AWS's 32 characters."""
_KUBERNETES_VERSION = re.compile(r"^1\.\d{2}$")
_NAMESPACE = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
_PRINCIPAL_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:(role|user)/[\w+=,.@/-]+$")
_CERTIFICATE_ARN = re.compile(r"^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate/[0-9a-f-]+$")


def _network(field: str, value: str) -> ipaddress.IPv4Network:
    """Parse an IPv4 CIDR, naming the field when it is malformed."""
    try:
        return ipaddress.IPv4Network(value, strict=True)
    except ValueError as error:
        raise ValueError(
            f"RegionalClusterArgs.{field}: {value!r} is not an IPv4 CIDR block ({error})"
        ) from None


@dataclass(frozen=True)
class RegionalClusterArgs:
    """Inputs of a RegionalCluster; validated on construction."""

    vpc_cidr: str
    kubernetes_version: str
    node_instance_types: Sequence[str]
    node_min_size: int
    node_desired_size: int
    node_max_size: int
    public_access_cidrs: Sequence[str] = ()
    """CIDRs allowed to reach the public Kubernetes API endpoint; empty turns the public endpoint off."""
    availability_zone_count: int = 3
    nat_gateway_count: int | None = None
    """NAT gateways, one per AZ when None; fewer saves cost at the price of zonal resilience."""
    peer_vpc_cidr: str | None = None
    """The other region's VPC range, for anonymised telemetry replication."""
    peering_connection_id: pulumi.Input[str] | None = None
    """An existing VPC peering connection to the peer region; adds routes to `peer_vpc_cidr` through it."""
    admin_principal_arns: Sequence[str] = ()
    certificate_arn: str | None = None
    tls_policy: str = "ELBSecurityPolicy-TLS13-1-2-2021-06"
    application_port: int = 8080
    health_check_path: str = "/healthz"
    microservices_namespace: str = "microservices"
    telemetry_namespace: str = "telemetry"
    pod_security_level: str = "restricted"
    node_ami_type: str = "AL2023_x86_64_STANDARD"
    node_disk_size_gib: int = 50
    log_retention_days: int = 90
    flow_logs: bool = True
    deletion_protection: bool = True
    """Deletion protection on the EKS cluster and the load balancer."""

    def __post_init__(self) -> None:
        """Reject values that could never deploy or would weaken the region's isolation."""
        vpc = _network("vpc_cidr", self.vpc_cidr)
        if not vpc.is_private:
            raise ValueError(
                f"RegionalClusterArgs.vpc_cidr: {self.vpc_cidr} is not a private (RFC 1918) range"
            )
        if not 16 <= vpc.prefixlen <= 20:
            raise ValueError(
                f"RegionalClusterArgs.vpc_cidr: /{vpc.prefixlen} is outside /16 to /20, "
                "the sizes the subnet plan can carve into three tiers"
            )
        if not _KUBERNETES_VERSION.match(self.kubernetes_version):
            raise ValueError(
                f"RegionalClusterArgs.kubernetes_version: {self.kubernetes_version!r} "
                "is not of the form '1.NN'"
            )
        if isinstance(self.node_instance_types, str) or not self.node_instance_types:
            raise ValueError(
                "RegionalClusterArgs.node_instance_types: give a non-empty list of instance types"
            )
        if self.node_max_size < 1:
            raise ValueError(f"RegionalClusterArgs.node_max_size: {self.node_max_size} must be at least 1")
        if not 0 <= self.node_min_size <= self.node_desired_size <= self.node_max_size:
            raise ValueError(
                "RegionalClusterArgs: node sizes must satisfy 0 <= node_min_size <= node_desired_size <= "
                f"node_max_size, got {self.node_min_size} / {self.node_desired_size} / {self.node_max_size}"
            )
        if not 2 <= self.availability_zone_count <= MAX_AVAILABILITY_ZONES:
            raise ValueError(
                f"RegionalClusterArgs.availability_zone_count: {self.availability_zone_count} "
                f"is outside 2 to {MAX_AVAILABILITY_ZONES} (EKS needs two zones)"
            )
        if (
            self.nat_gateway_count is not None
            and not 1 <= self.nat_gateway_count <= self.availability_zone_count
        ):
            raise ValueError(
                f"RegionalClusterArgs.nat_gateway_count: {self.nat_gateway_count} is outside 1 to "
                f"availability_zone_count ({self.availability_zone_count})"
            )
        for cidr in self.public_access_cidrs:
            if _network("public_access_cidrs", cidr).prefixlen == 0:
                raise ValueError(
                    f"RegionalClusterArgs.public_access_cidrs: {cidr} opens the Kubernetes API to the whole "
                    "internet; list the operators' ranges or leave it empty for a private-only endpoint"
                )
        if self.peer_vpc_cidr is not None and _network("peer_vpc_cidr", self.peer_vpc_cidr).overlaps(vpc):
            raise ValueError(
                f"RegionalClusterArgs.peer_vpc_cidr: {self.peer_vpc_cidr} overlaps vpc_cidr {self.vpc_cidr}"
            )
        if self.peering_connection_id is not None and self.peer_vpc_cidr is None:
            raise ValueError("RegionalClusterArgs.peering_connection_id needs peer_vpc_cidr to route to")
        for arn in self.admin_principal_arns:
            if not _PRINCIPAL_ARN.match(arn):
                raise ValueError(
                    f"RegionalClusterArgs.admin_principal_arns: {arn!r} is not an IAM role or user ARN "
                    "(STS assumed-role session ARNs cannot hold an EKS access entry)"
                )
        if self.certificate_arn is not None and not _CERTIFICATE_ARN.match(self.certificate_arn):
            raise ValueError(
                f"RegionalClusterArgs.certificate_arn: {self.certificate_arn!r} is not an ACM ARN"
            )
        if not 1 <= self.application_port <= 65535:
            raise ValueError(
                f"RegionalClusterArgs.application_port: {self.application_port} is not a TCP port"
            )
        if not self.health_check_path.startswith("/"):
            raise ValueError(
                f"RegionalClusterArgs.health_check_path: {self.health_check_path!r} must start with '/'"
            )
        for field in ("microservices_namespace", "telemetry_namespace"):
            if not _NAMESPACE.match(getattr(self, field)):
                raise ValueError(f"RegionalClusterArgs.{field}: {getattr(self, field)!r} is not a DNS label")
        if self.microservices_namespace == self.telemetry_namespace:
            raise ValueError(
                "RegionalClusterArgs: microservices_namespace and telemetry_namespace must differ"
            )
        if self.pod_security_level not in POD_SECURITY_LEVELS:
            raise ValueError(
                f"RegionalClusterArgs.pod_security_level: {self.pod_security_level!r} is not one of "
                f"{sorted(POD_SECURITY_LEVELS)}"
            )
        if not 20 <= self.node_disk_size_gib <= 16384:
            raise ValueError(
                f"RegionalClusterArgs.node_disk_size_gib: {self.node_disk_size_gib} is outside 20-16384"
            )
        if self.log_retention_days not in LOG_RETENTION_DAYS:
            raise ValueError(
                f"RegionalClusterArgs.log_retention_days: {self.log_retention_days} is not a CloudWatch "
                f"retention; allowed: {sorted(LOG_RETENTION_DAYS)}"
            )

    @property
    def nat_gateways(self) -> int:
        """How many NAT gateways the network gets."""
        return self.availability_zone_count if self.nat_gateway_count is None else self.nat_gateway_count


@dataclass(frozen=True)
class SubnetPlan:
    """The CIDR blocks of each subnet tier, one per availability zone."""

    public: list[str]
    private: list[str]
    database: list[str]


def plan_subnets(vpc_cidr: str, zones: int) -> SubnetPlan:
    """Carve the VPC: large private subnets for pods, small public and database subnets."""
    vpc = ipaddress.IPv4Network(vpc_cidr)
    eighths = list(vpc.subnets(prefixlen_diff=3))
    # Pods take VPC addresses (VPC CNI), so six eighths go to private subnets and the last two eighths are
    # split into sixty-fourths of the VPC for the load balancer and database tiers.
    public = list(eighths[6].subnets(prefixlen_diff=3))
    database = list(eighths[7].subnets(prefixlen_diff=3))
    return SubnetPlan(
        public=[str(n) for n in public[:zones]],
        private=[str(n) for n in eighths[:zones]],
        database=[str(n) for n in database[:zones]],
    )


def _policy(statements: list[dict[str, Any]]) -> str:
    """An IAM policy document as JSON."""
    return json.dumps({"Version": "2012-10-17", "Statement": statements}, sort_keys=True)


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


def _service_trust(service: str, source_account: str | None = None) -> str:
    """A trust policy that lets one AWS service assume the role, optionally only for this account."""
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"Service": service},
        "Action": ["sts:AssumeRole", "sts:TagSession"]
        if service == "eks.amazonaws.com"
        else "sts:AssumeRole",
    }
    if source_account is not None:
        # Confused-deputy guard: the service may act only on behalf of this account.
        statement["Condition"] = {"StringEquals": {"aws:SourceAccount": source_account}}
    return _policy([statement])


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
    microservices_namespace: pulumi.Output[str]
    telemetry_namespace: pulumi.Output[str]

    def __init__(
        self, name: str, args: RegionalClusterArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        if not _COMPONENT_NAME.match(name):
            raise ValueError(
                f"RegionalCluster name {name!r} must be 1-20 lower-case letters, digits or '-': it names "
                "the EKS cluster and prefixes load balancer and target group names, which AWS caps at 32"
            )
        super().__init__("residency:components:RegionalCluster", name, None, opts)
        self._name = name
        self._args = args
        self._child = pulumi.ResourceOptions(parent=self)
        self._account = RegionalAccount.look_up(pulumi.InvokeOptions(parent=self))
        self._plan = plan_subnets(args.vpc_cidr, args.availability_zone_count)

        logs_key = self._logs_key()
        self._build_network(logs_key)
        self._build_cluster(logs_key)
        self._build_load_balancer()
        self._build_kubernetes_baseline()

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

    def _opts(self, **kwargs: Any) -> pulumi.ResourceOptions:
        """Child options: always parented to this component."""
        return pulumi.ResourceOptions.merge(self._child, pulumi.ResourceOptions(**kwargs))

    def _tags(self, suffix: str, classification: Classification | None = None) -> dict[str, str]:
        """A Name tag derived from the component name, plus the classification of data-holding resources."""
        tags = {"Name": f"{self._name}-{suffix}"}
        if classification is not None:
            tags[CLASSIFICATION_TAG] = classification.value
        return tags

    def _key(self, suffix: str, description: str, policy: pulumi.Input[str] | None = None) -> aws.kms.Key:
        """A customer-managed, single-region key in this region's provider, rotated yearly."""
        return aws.kms.Key(
            f"{self._name}-{suffix}",
            description=description,
            enable_key_rotation=True,
            multi_region=False,
            deletion_window_in_days=30,
            policy=policy,
            tags=self._tags(suffix),
            opts=self._opts(),
        )

    def _logs_key(self) -> aws.kms.Key:
        """The key for this region's CloudWatch log groups (control plane and flow logs)."""
        log_groups = [self._control_plane_log_group_name(), self._flow_log_group_name()]
        policy = self._account.key_policy(
            lambda *values: _logs_key_policy(*values, log_group_names=log_groups)
        )
        return self._key("logs-key", "CloudWatch Logs encryption for the regional cluster", policy)

    def _control_plane_log_group_name(self) -> str:
        """The group EKS writes control-plane logs to; it must exist, with its key, before the cluster."""
        return f"/aws/eks/{self._name}-cluster/cluster"

    def _flow_log_group_name(self) -> str:
        """The group VPC flow logs are delivered to."""
        return f"/aws/vpc-flow-logs/{self._name}"

    def _log_group(self, suffix: str, log_group_name: str, key: aws.kms.Key) -> aws.cloudwatch.LogGroup:
        """An encrypted log group with bounded retention."""
        return aws.cloudwatch.LogGroup(
            f"{self._name}-{suffix}",
            name=log_group_name,
            retention_in_days=self._args.log_retention_days,
            kms_key_id=key.arn,
            tags=self._tags(suffix, Classification.INTERNAL),
            opts=self._opts(),
        )

    def _build_network(self, logs_key: aws.kms.Key) -> None:
        """VPC with public, private and isolated database subnets in each availability zone."""
        args, name, plan = self._args, self._name, self._plan
        cluster_tag = f"kubernetes.io/cluster/{name}-cluster"
        zones = aws.get_availability_zones_output(
            state="available",
            # Local and Wavelength zones are opt-in and cannot host EKS control-plane interfaces.
            filters=[{"name": "opt-in-status", "values": ["opt-in-not-required"]}],
            opts=pulumi.InvokeOptions(parent=self),
        )

        def zone(index: int) -> pulumi.Output[str]:
            def pick(names: list[str]) -> str:
                if index >= len(names):
                    raise ValueError(
                        f"RegionalClusterArgs.availability_zone_count: {args.availability_zone_count} zones "
                        f"requested, the region offers {len(names)}"
                    )
                return names[index]

            return zones.names.apply(pick)

        vpc = aws.ec2.Vpc(
            f"{name}-vpc",
            cidr_block=args.vpc_cidr,
            enable_dns_support=True,
            enable_dns_hostnames=True,
            tags=self._tags("vpc"),
            opts=self._opts(),
        )
        # Strip the default security group of its allow-all rules so nothing can fall back on it.
        aws.ec2.DefaultSecurityGroup(
            f"{name}-default-sg", vpc_id=vpc.id, tags=self._tags("default-sg"), opts=self._opts()
        )
        internet_gateway = aws.ec2.InternetGateway(
            f"{name}-igw", vpc_id=vpc.id, tags=self._tags("igw"), opts=self._opts()
        )

        def tier_subnet(
            tier: str,
            index: int,
            cidr_block: str,
            load_balancer_role: str | None = None,
            map_public_ip_on_launch: bool | None = None,
        ) -> aws.ec2.Subnet:
            """One tier's subnet in the index-th zone, named and tagged after the tier."""
            tags = self._tags(f"{tier}-{index}")
            if load_balancer_role is not None:
                # The AWS Load Balancer Controller picks the subnets for its load balancers by these tags.
                tags.update({f"kubernetes.io/role/{load_balancer_role}": "1", cluster_tag: "shared"})
            return aws.ec2.Subnet(
                f"{name}-{tier}-{index}",
                vpc_id=vpc.id,
                cidr_block=cidr_block,
                availability_zone=zone(index),
                map_public_ip_on_launch=map_public_ip_on_launch,
                tags=tags,
                opts=self._opts(),
            )

        public_subnets: list[aws.ec2.Subnet] = []
        private_subnets: list[aws.ec2.Subnet] = []
        database_subnets: list[aws.ec2.Subnet] = []
        for index in range(args.availability_zone_count):
            public_subnets.append(
                tier_subnet("public", index, plan.public[index], "elb", map_public_ip_on_launch=False)
            )
            private_subnets.append(tier_subnet("private", index, plan.private[index], "internal-elb"))
            database_subnets.append(tier_subnet("database", index, plan.database[index]))

        public_routes = aws.ec2.RouteTable(
            f"{name}-public-rt", vpc_id=vpc.id, tags=self._tags("public-rt"), opts=self._opts()
        )
        aws.ec2.Route(
            f"{name}-public-internet",
            route_table_id=public_routes.id,
            destination_cidr_block="0.0.0.0/0",
            gateway_id=internet_gateway.id,
            opts=self._opts(),
        )
        for index, subnet in enumerate(public_subnets):
            aws.ec2.RouteTableAssociation(
                f"{name}-public-{index}",
                subnet_id=subnet.id,
                route_table_id=public_routes.id,
                opts=self._opts(),
            )

        nat_gateways: list[aws.ec2.NatGateway] = []
        for index in range(args.nat_gateways):
            address = aws.ec2.Eip(
                f"{name}-nat-{index}", domain="vpc", tags=self._tags(f"nat-{index}"), opts=self._opts()
            )
            nat_gateways.append(
                aws.ec2.NatGateway(
                    f"{name}-nat-{index}",
                    allocation_id=address.id,
                    subnet_id=public_subnets[index].id,
                    tags=self._tags(f"nat-{index}"),
                    opts=self._opts(depends_on=[internet_gateway]),
                )
            )

        for index, subnet in enumerate(private_subnets):
            table = aws.ec2.RouteTable(
                f"{name}-private-{index}",
                vpc_id=vpc.id,
                tags=self._tags(f"private-{index}"),
                opts=self._opts(),
            )
            aws.ec2.Route(
                f"{name}-private-{index}-internet",
                route_table_id=table.id,
                destination_cidr_block="0.0.0.0/0",
                nat_gateway_id=nat_gateways[index % len(nat_gateways)].id,
                opts=self._opts(),
            )
            # Telemetry pods run on these nodes and replicate anonymised data to the peer region.
            self._peer_route(f"{name}-private-{index}-peer", table)
            aws.ec2.RouteTableAssociation(
                f"{name}-private-{index}", subnet_id=subnet.id, route_table_id=table.id, opts=self._opts()
            )

        # The database tier has only the implicit local route (and the peer range, when peered): no internet
        # gateway and no NAT, so nothing placed there can reach or be reached from the internet.
        database_routes = aws.ec2.RouteTable(
            f"{name}-database-rt", vpc_id=vpc.id, tags=self._tags("database-rt"), opts=self._opts()
        )
        self._peer_route(f"{name}-database-peer", database_routes)
        for index, subnet in enumerate(database_subnets):
            aws.ec2.RouteTableAssociation(
                f"{name}-database-{index}",
                subnet_id=subnet.id,
                route_table_id=database_routes.id,
                opts=self._opts(),
            )

        if args.flow_logs:
            self._flow_logs(vpc, logs_key)

        self._vpc = vpc
        self.vpc_id = vpc.id
        self.vpc_cidr_block = args.vpc_cidr
        self.public_subnet_ids = [subnet.id for subnet in public_subnets]
        self.private_subnet_ids = [subnet.id for subnet in private_subnets]
        self.database_subnet_ids = [subnet.id for subnet in database_subnets]
        self.database_subnet_cidrs = list(plan.database)

    def _peer_route(self, resource_name: str, table: aws.ec2.RouteTable) -> None:
        """Route the peer region's range through the peering connection, when one is configured."""
        if self._args.peering_connection_id is None or self._args.peer_vpc_cidr is None:
            return
        aws.ec2.Route(
            resource_name,
            route_table_id=table.id,
            destination_cidr_block=self._args.peer_vpc_cidr,
            vpc_peering_connection_id=self._args.peering_connection_id,
            opts=self._opts(),
        )

    def _flow_logs(self, vpc: aws.ec2.Vpc, logs_key: aws.kms.Key) -> None:
        """VPC flow logs into an encrypted log group, written by a role scoped to that group."""
        name = self._name
        log_group = self._log_group("flow-logs", self._flow_log_group_name(), logs_key)
        role = aws.iam.Role(
            f"{name}-flow-logs",
            assume_role_policy=self._account.account_id.apply(
                lambda account: _service_trust("vpc-flow-logs.amazonaws.com", account)
            ),
            tags=self._tags("flow-logs"),
            opts=self._opts(),
        )
        aws.iam.RolePolicy(
            f"{name}-flow-logs",
            role=role.id,
            policy=log_group.arn.apply(
                lambda arn: _policy(
                    [
                        {
                            "Effect": "Allow",
                            "Action": [
                                "logs:CreateLogStream",
                                "logs:PutLogEvents",
                                "logs:DescribeLogGroups",
                                "logs:DescribeLogStreams",
                            ],
                            "Resource": [arn, f"{arn}:*"],
                        }
                    ]
                )
            ),
            opts=self._opts(),
        )
        aws.ec2.FlowLog(
            f"{name}-flow-logs",
            vpc_id=vpc.id,
            traffic_type="ALL",
            log_destination_type="cloud-watch-logs",
            log_destination=log_group.arn,
            iam_role_arn=role.arn,
            max_aggregation_interval=600,
            tags=self._tags("flow-logs"),
            opts=self._opts(),
        )

    def _managed_policy(self, policy: str) -> pulumi.Output[str]:
        """The ARN of an AWS managed policy in this partition."""
        return self._account.partition.apply(lambda partition: f"arn:{partition}:iam::aws:policy/{policy}")

    def _build_cluster(self, logs_key: aws.kms.Key) -> None:
        """EKS with encrypted secrets, full control-plane logging, IRSA, add-ons and a managed node group."""
        args, name = self._args, self._name
        cluster_name = f"{name}-cluster"

        # AWS's default key policy, unlike the other keys: EKS uses this key with the cluster role's IAM
        # permissions below (and the creating identity's, often an STS session no key policy can name), which
        # an administration-only key policy would not let IAM grant.
        secrets_key = self._key("secrets-key", f"Envelope encryption of Kubernetes secrets in {cluster_name}")
        control_plane_logs = self._log_group(
            "control-plane-logs", self._control_plane_log_group_name(), logs_key
        )

        cluster_role = aws.iam.Role(
            f"{name}-cluster-role",
            assume_role_policy=_service_trust("eks.amazonaws.com"),
            tags=self._tags("cluster-role"),
            opts=self._opts(),
        )
        cluster_policy = aws.iam.RolePolicyAttachment(
            f"{name}-cluster-policy",
            role=cluster_role.name,
            policy_arn=self._managed_policy("AmazonEKSClusterPolicy"),
            opts=self._opts(),
        )
        # The control plane needs these four actions, on this key only, to envelope-encrypt secrets.
        cluster_key_access = aws.iam.RolePolicy(
            f"{name}-cluster-secrets-key",
            role=cluster_role.id,
            policy=secrets_key.arn.apply(
                lambda arn: _policy(
                    [
                        {
                            "Effect": "Allow",
                            "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"],
                            "Resource": arn,
                        }
                    ]
                )
            ),
            opts=self._opts(),
        )

        cluster = aws.eks.Cluster(
            f"{name}-cluster",
            name=cluster_name,
            version=args.kubernetes_version,
            role_arn=cluster_role.arn,
            access_config={
                "authentication_mode": "API",
                "bootstrap_cluster_creator_admin_permissions": True,
            },
            encryption_config={"provider": {"key_arn": secrets_key.arn}, "resources": ["secrets"]},
            enabled_cluster_log_types=list(CONTROL_PLANE_LOG_TYPES),
            vpc_config={
                "subnet_ids": self.private_subnet_ids,
                "endpoint_private_access": True,
                "endpoint_public_access": bool(args.public_access_cidrs),
                "public_access_cidrs": list(args.public_access_cidrs) if args.public_access_cidrs else None,
            },
            deletion_protection=args.deletion_protection,
            tags=self._tags("cluster"),
            opts=self._opts(depends_on=[control_plane_logs, cluster_policy, cluster_key_access]),
        )
        self._cluster = cluster
        self.cluster_name = cluster.name

        for index, principal in enumerate(args.admin_principal_arns):
            entry = aws.eks.AccessEntry(
                f"{name}-admin-{index}",
                cluster_name=cluster.name,
                principal_arn=principal,
                type="STANDARD",
                tags=self._tags(f"admin-{index}"),
                opts=self._opts(),
            )
            aws.eks.AccessPolicyAssociation(
                f"{name}-admin-{index}",
                cluster_name=cluster.name,
                principal_arn=entry.principal_arn,
                policy_arn=self._account.partition.apply(
                    lambda partition: (
                        f"arn:{partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
                    )
                ),
                access_scope={"type": "cluster"},
                opts=self._opts(),
            )

        issuer = cluster.identities.apply(_oidc_issuer)
        oidc_provider = aws.iam.OpenIdConnectProvider(
            f"{name}-oidc",
            url=issuer,
            client_id_lists=["sts.amazonaws.com"],
            tags=self._tags("oidc"),
            opts=self._opts(),
        )
        self.oidc_issuer_url = issuer
        self.oidc_provider_arn = oidc_provider.arn

        node_role = aws.iam.Role(
            f"{name}-node-role",
            assume_role_policy=_service_trust("ec2.amazonaws.com"),
            tags=self._tags("node-role"),
            opts=self._opts(),
        )
        # Exactly the managed policies EKS documents for managed node groups; ECR pull-only, not read-only.
        node_policies = [
            aws.iam.RolePolicyAttachment(
                f"{name}-node-{policy}",
                role=node_role.name,
                policy_arn=self._managed_policy(policy),
                opts=self._opts(),
            )
            for policy in (
                "AmazonEKSWorkerNodePolicy",
                "AmazonEKS_CNI_Policy",
                "AmazonEC2ContainerRegistryPullOnly",
            )
        ]

        node_security_group = aws.ec2.SecurityGroup(
            f"{name}-node-sg",
            description="Cluster nodes: load balancer ingress; egress comes from the EKS cluster group",
            vpc_id=self.vpc_id,
            tags=self._tags("node-sg"),
            opts=self._opts(),
        )
        self._node_security_group = node_security_group
        self.node_security_group_id = node_security_group.id
        cluster_security_group = cluster.vpc_config.apply(
            lambda config: config.cluster_security_group_id or ""
        )

        launch_template = aws.ec2.LaunchTemplate(
            f"{name}-nodes",
            description=f"Encrypted root volume and IMDSv2 for {cluster_name} nodes",
            update_default_version=True,
            block_device_mappings=[
                {
                    "device_name": "/dev/xvda",
                    "ebs": {
                        "volume_size": args.node_disk_size_gib,
                        "volume_type": "gp3",
                        "encrypted": "true",
                        "delete_on_termination": "true",
                    },
                }
            ],
            metadata_options={
                "http_endpoint": "enabled",
                "http_tokens": "required",
                # Two hops so that add-ons in pods (EBS CSI) can still learn their region from IMDS.
                "http_put_response_hop_limit": 2,
            },
            # Naming groups here replaces EKS's default, so the cluster group must be listed too.
            vpc_security_group_ids=[cluster_security_group, node_security_group.id],
            tag_specifications=[
                {"resource_type": "volume", "tags": self._tags("node-volume", Classification.INTERNAL)},
                {"resource_type": "instance", "tags": self._tags("node")},
            ],
            tags=self._tags("nodes"),
            opts=self._opts(),
        )

        # Managed here, with its network policy agent on, so the NetworkPolicies below are enforced.
        vpc_cni = aws.eks.Addon(
            f"{name}-vpc-cni",
            cluster_name=cluster.name,
            addon_name="vpc-cni",
            configuration_values=json.dumps({"enableNetworkPolicy": "true"}),
            resolve_conflicts_on_create="OVERWRITE",
            resolve_conflicts_on_update="OVERWRITE",
            tags=self._tags("vpc-cni"),
            opts=self._opts(),
        )

        node_group = aws.eks.NodeGroup(
            f"{name}-nodes",
            cluster_name=cluster.name,
            node_role_arn=node_role.arn,
            subnet_ids=self.private_subnet_ids,
            instance_types=list(args.node_instance_types),
            ami_type=args.node_ami_type,
            capacity_type="ON_DEMAND",
            scaling_config={
                "min_size": args.node_min_size,
                "desired_size": args.node_desired_size,
                "max_size": args.node_max_size,
            },
            update_config={"max_unavailable": 1},
            launch_template={
                "id": launch_template.id,
                "version": launch_template.latest_version.apply(str),
            },
            tags=self._tags("nodes"),
            opts=self._opts(depends_on=[*node_policies, vpc_cni]),
        )

        ebs_csi_role = aws.iam.Role(
            f"{name}-ebs-csi",
            assume_role_policy=pulumi.Output.all(oidc_provider.arn, issuer).apply(
                lambda values: _policy(
                    [
                        {
                            "Effect": "Allow",
                            "Principal": {"Federated": values[0]},
                            "Action": "sts:AssumeRoleWithWebIdentity",
                            "Condition": {
                                "StringEquals": {
                                    f"{values[1].removeprefix('https://')}:sub": EBS_CSI_SERVICE_ACCOUNT,
                                    f"{values[1].removeprefix('https://')}:aud": "sts.amazonaws.com",
                                }
                            },
                        }
                    ]
                )
            ),
            tags=self._tags("ebs-csi"),
            opts=self._opts(),
        )
        ebs_csi_policy = aws.iam.RolePolicyAttachment(
            f"{name}-ebs-csi",
            role=ebs_csi_role.name,
            policy_arn=self._managed_policy("service-role/AmazonEBSCSIDriverPolicy"),
            opts=self._opts(),
        )
        # The driver's controller pods need nodes to run on before the add-on can become active.
        aws.eks.Addon(
            f"{name}-ebs-csi",
            cluster_name=cluster.name,
            addon_name="aws-ebs-csi-driver",
            service_account_role_arn=ebs_csi_role.arn,
            resolve_conflicts_on_create="OVERWRITE",
            resolve_conflicts_on_update="OVERWRITE",
            tags=self._tags("ebs-csi"),
            opts=self._opts(depends_on=[node_group, ebs_csi_policy]),
        )
        self.ebs_csi_role_arn = ebs_csi_role.arn

        self.kubeconfig = pulumi.Output.secret(
            pulumi.Output.all(
                cluster.name, cluster.endpoint, cluster.certificate_authority.data, self._account.region
            ).apply(lambda values: _kubeconfig(*values))
        )
        self.kubernetes_provider = k8s.Provider(
            f"{name}-kubernetes",
            kubeconfig=self.kubeconfig,
            enable_server_side_apply=True,
            opts=self._opts(),
        )

    def _build_load_balancer(self) -> None:
        """The internet-facing ALB, its security group, listeners and the target group for the ingress."""
        args, name = self._args, self._name
        security_group = aws.ec2.SecurityGroup(
            f"{name}-alb-sg",
            description="Regional load balancer: web traffic in, application port out to the VPC only",
            vpc_id=self.vpc_id,
            tags=self._tags("alb-sg"),
            opts=self._opts(),
        )
        web_ports = [80, 443] if args.certificate_arn else [80]
        for port in web_ports:
            aws.vpc.SecurityGroupIngressRule(
                f"{name}-alb-in-{port}",
                security_group_id=security_group.id,
                description=f"Public web entry on {port}",
                ip_protocol="tcp",
                from_port=port,
                to_port=port,
                cidr_ipv4="0.0.0.0/0",
                opts=self._opts(),
            )
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-alb-out-app",
            security_group_id=security_group.id,
            description="Forward to pods on the application port inside the VPC",
            ip_protocol="tcp",
            from_port=args.application_port,
            to_port=args.application_port,
            cidr_ipv4=args.vpc_cidr,
            opts=self._opts(),
        )
        aws.vpc.SecurityGroupIngressRule(
            f"{name}-node-in-alb",
            security_group_id=self.node_security_group_id,
            description="Application port from the regional load balancer",
            ip_protocol="tcp",
            from_port=args.application_port,
            to_port=args.application_port,
            referenced_security_group_id=security_group.id,
            opts=self._opts(),
        )

        load_balancer = aws.lb.LoadBalancer(
            f"{name}-alb",
            load_balancer_type="application",
            internal=False,
            subnets=self.public_subnet_ids,
            security_groups=[security_group.id],
            drop_invalid_header_fields=True,
            enable_deletion_protection=args.deletion_protection,
            tags=self._tags("alb"),
            opts=self._opts(),
        )
        target_group = aws.lb.TargetGroup(
            f"{name}-tg",
            target_type="ip",
            port=args.application_port,
            protocol="HTTP",
            vpc_id=self.vpc_id,
            deregistration_delay=30,
            health_check={
                "enabled": True,
                "path": args.health_check_path,
                "protocol": "HTTP",
                "matcher": "200-399",
            },
            tags=self._tags("tg"),
            opts=self._opts(),
        )
        forward: list[aws.lb.ListenerDefaultActionArgsDict] = [
            {"type": "forward", "target_group_arn": target_group.arn}
        ]
        http_actions = forward
        if args.certificate_arn:
            aws.lb.Listener(
                f"{name}-https",
                load_balancer_arn=load_balancer.arn,
                port=443,
                protocol="HTTPS",
                ssl_policy=args.tls_policy,
                certificate_arn=args.certificate_arn,
                default_actions=forward,
                tags=self._tags("https"),
                opts=self._opts(),
            )
            http_actions = [
                {
                    "type": "redirect",
                    "redirect": {"port": "443", "protocol": "HTTPS", "status_code": "HTTP_301"},
                }
            ]
        aws.lb.Listener(
            f"{name}-http",
            load_balancer_arn=load_balancer.arn,
            port=80,
            protocol="HTTP",
            default_actions=http_actions,
            tags=self._tags("http"),
            opts=self._opts(),
        )

        self.load_balancer_arn = load_balancer.arn
        self.load_balancer_dns_name = load_balancer.dns_name
        self.load_balancer_zone_id = load_balancer.zone_id
        self.target_group_arn = target_group.arn

    def _build_kubernetes_baseline(self) -> None:
        """Namespaces under pod security admission and default-deny NetworkPolicies with named allowances."""
        args, name = self._args, self._name
        provider_opts = self._opts(provider=self.kubernetes_provider)

        def namespace(
            suffix: str, namespace_name: str, classification: Classification
        ) -> k8s.core.v1.Namespace:
            return k8s.core.v1.Namespace(
                f"{name}-{suffix}",
                metadata={
                    "name": namespace_name,
                    "labels": {
                        CLASSIFICATION_TAG: classification.value,
                        "pod-security.kubernetes.io/enforce": args.pod_security_level,
                        "pod-security.kubernetes.io/audit": args.pod_security_level,
                        "pod-security.kubernetes.io/warn": args.pod_security_level,
                    },
                },
                opts=provider_opts,
            )

        # Microservices handle personal data, so the namespace carries the strictest classification.
        microservices = namespace("microservices", args.microservices_namespace, Classification.PII)
        telemetry = namespace("telemetry", args.telemetry_namespace, Classification.TELEMETRY)
        self.microservices_namespace = microservices.metadata.name
        self.telemetry_namespace = telemetry.metadata.name

        def policy(
            suffix: str,
            in_namespace: k8s.core.v1.Namespace,
            policy_name: str,
            ingress: list[k8s.networking.v1.NetworkPolicyIngressRuleArgs] | None = None,
            egress: list[k8s.networking.v1.NetworkPolicyEgressRuleArgs] | None = None,
        ) -> None:
            types = (["Ingress"] if ingress is not None else []) + (["Egress"] if egress is not None else [])
            k8s.networking.v1.NetworkPolicy(
                f"{name}-{suffix}",
                metadata={"name": policy_name, "namespace": in_namespace.metadata.name},
                spec=k8s.networking.v1.NetworkPolicySpecArgs(
                    pod_selector=k8s.meta.v1.LabelSelectorArgs(),
                    policy_types=types,
                    ingress=ingress or None,
                    egress=egress or None,
                ),
                opts=provider_opts,
            )

        def tcp(port: int) -> list[k8s.networking.v1.NetworkPolicyPortArgs]:
            return [k8s.networking.v1.NetworkPolicyPortArgs(protocol="TCP", port=port)]

        def in_namespace(namespace_name: str) -> k8s.networking.v1.NetworkPolicyPeerArgs:
            return k8s.networking.v1.NetworkPolicyPeerArgs(
                namespace_selector=k8s.meta.v1.LabelSelectorArgs(
                    match_labels={"kubernetes.io/metadata.name": namespace_name}
                )
            )

        def cidr(block: str) -> k8s.networking.v1.NetworkPolicyPeerArgs:
            return k8s.networking.v1.NetworkPolicyPeerArgs(ip_block=k8s.networking.v1.IPBlockArgs(cidr=block))

        dns = k8s.networking.v1.NetworkPolicyEgressRuleArgs(
            to=[
                k8s.networking.v1.NetworkPolicyPeerArgs(
                    namespace_selector=k8s.meta.v1.LabelSelectorArgs(
                        match_labels={"kubernetes.io/metadata.name": "kube-system"}
                    ),
                    pod_selector=k8s.meta.v1.LabelSelectorArgs(match_labels={"k8s-app": "kube-dns"}),
                )
            ],
            ports=[
                k8s.networking.v1.NetworkPolicyPortArgs(protocol="UDP", port=53),
                k8s.networking.v1.NetworkPolicyPortArgs(protocol="TCP", port=53),
            ],
        )

        for suffix, target in (("microservices", microservices), ("telemetry", telemetry)):
            # An empty rule list for both directions denies everything not allowed by a later policy.
            policy(f"{suffix}-default-deny", target, "default-deny", ingress=[], egress=[])
            policy(f"{suffix}-allow-dns", target, "allow-dns-egress", egress=[dns])

        policy(
            "microservices-allow-load-balancer",
            microservices,
            "allow-ingress-from-load-balancer",
            ingress=[
                k8s.networking.v1.NetworkPolicyIngressRuleArgs(
                    from_=[cidr(block) for block in self._plan.public], ports=tcp(args.application_port)
                )
            ],
        )
        policy(
            "microservices-allow-telemetry",
            microservices,
            "allow-egress-to-telemetry",
            egress=[
                k8s.networking.v1.NetworkPolicyEgressRuleArgs(
                    to=[in_namespace(args.telemetry_namespace)], ports=tcp(POSTGRES_PORT)
                )
            ],
        )
        policy(
            "microservices-allow-pii-database",
            microservices,
            "allow-egress-to-pii-database",
            egress=[
                k8s.networking.v1.NetworkPolicyEgressRuleArgs(
                    to=[cidr(block) for block in self.database_subnet_cidrs], ports=tcp(POSTGRES_PORT)
                )
            ],
        )
        # Pods of the microservices namespace call each other on the application port. The telemetry namespace
        # gets no allowance here beyond DNS: the policies that admit clients, the SQL Jobs and the peer region
        # select particular telemetry pods, so TelemetryStore declares them beside those pods.
        same_namespace = [
            k8s.networking.v1.NetworkPolicyPeerArgs(pod_selector=k8s.meta.v1.LabelSelectorArgs())
        ]
        policy(
            "microservices-allow-within",
            microservices,
            "allow-application-within-namespace",
            ingress=[
                k8s.networking.v1.NetworkPolicyIngressRuleArgs(
                    from_=same_namespace, ports=tcp(args.application_port)
                )
            ],
            egress=[
                k8s.networking.v1.NetworkPolicyEgressRuleArgs(
                    to=same_namespace, ports=tcp(args.application_port)
                )
            ],
        )


def _oidc_issuer(identities: Sequence[aws.eks.outputs.ClusterIdentity]) -> str:
    """The cluster's OIDC issuer URL, which EKS reports once the cluster exists."""
    oidcs = identities[0].oidcs or []
    return (oidcs[0].issuer if oidcs else None) or ""


def _kubeconfig(cluster_name: str, endpoint: str, certificate_authority: str, region: str) -> str:
    """A kubeconfig that authenticates with `aws eks get-token`, so it holds no long-lived credential."""
    return json.dumps(
        {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [
                {
                    "name": cluster_name,
                    "cluster": {"server": endpoint, "certificate-authority-data": certificate_authority},
                }
            ],
            "contexts": [{"name": cluster_name, "context": {"cluster": cluster_name, "user": cluster_name}}],
            "current-context": cluster_name,
            "users": [
                {
                    "name": cluster_name,
                    "user": {
                        "exec": {
                            "apiVersion": "client.authentication.k8s.io/v1beta1",
                            "command": "aws",
                            "args": [
                                "eks",
                                "get-token",
                                "--cluster-name",
                                cluster_name,
                                "--region",
                                region,
                                "--output",
                                "json",
                            ],
                        }
                    },
                }
            ],
        },
        indent=2,
    )
