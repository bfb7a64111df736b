"""RegionalClusterArgs: what a RegionalCluster is built from, checked before any resource; its subnet plan."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from dataclasses import dataclass

from components.cloudwatch_logs import LOG_RETENTION_DAYS

CONTROL_PLANE_LOG_TYPES: tuple[str, ...] = ("api", "audit", "authenticator", "controllerManager", "scheduler")
"""Every EKS control-plane log type; all are enabled."""

POSTGRES_PORT = 5432
POD_SECURITY_LEVELS: frozenset[str] = frozenset({"privileged", "baseline", "restricted"})
EBS_CSI_SERVICE_ACCOUNT = "system:serviceaccount:kube-system:ebs-csi-controller-sa"
MAX_AVAILABILITY_ZONES = 6
"""The subnet plan carves at most six private subnets out of the VPC range."""

FRONT_DOOR_SELECTOR: dict[str, str] = {
    "app.kubernetes.io/part-of": "microservices",
    "residency/front-door": "true",
}
"""The labels of the microservices' pods that take the load balancer's traffic (the front door).

The program deploys no microservice: a deployment whose pods carry these labels in the microservices
namespace, listening on the application port, is what the ALB reaches (Service `front-door`, bound to the
target group by the TargetGroupBinding `front-door`); no other pod is registered or admitted from the ALB.
"""

COMPONENT_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,19}$")
"""Short enough that autonamed load balancers and target groups stay within AWS's 32 characters."""
_KUBERNETES_VERSION = re.compile(r"^1\.\d{2}$")
_NAMESPACE = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
_PRINCIPAL_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:(role|user)/[\w+=,.@/-]+$")
_CERTIFICATE_ARN = re.compile(r"^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate/[0-9a-f-]+$")
_VPC_ID = re.compile(r"^vpc-(?:[0-9a-f]{8}|[0-9a-f]{17})$")
_ACCOUNT_ID = re.compile(r"^\d{12}$")
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")
_HOSTNAME = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
HTTPS_PORT = 443
"""The port the load balancer serves the application on, always over TLS; port 80 only redirects here."""


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
    peer_vpc_id: str | None = None
    """The peer's VPC: with it, this cluster declares its side of the peering connection and its routes."""
    peer_region: str | None = None
    """The peer VPC's region (needed with `peer_vpc_id`)."""
    peer_account_id: str | None = None
    """The peer VPC's account; None for this cluster's own account."""
    requests_peering: bool = True
    """True: this side requests the connection; False: it accepts the one the peer requested."""
    admin_principal_arns: Sequence[str] = ()
    certificate_arn: str | None = None
    """An ACM certificate in this region for the listener; None: the component issues one for
    `tls_hostnames`, validated by DNS in `hosted_zone`. The load balancer always serves HTTPS."""
    tls_hostnames: Sequence[str] = ()
    """The names the issued certificate covers (the latency-routed and the region-pinned hostname)."""
    hosted_zone: str | None = None
    """The public Route 53 zone the issued certificate is validated in."""
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
        if self.peer_vpc_id is not None:
            if not _VPC_ID.match(self.peer_vpc_id):
                raise ValueError(f"RegionalClusterArgs.peer_vpc_id: {self.peer_vpc_id!r} is not a VPC id")
            if self.peer_vpc_cidr is None or self.peer_region is None:
                raise ValueError(
                    "RegionalClusterArgs.peer_vpc_id needs peer_vpc_cidr (to route to) and peer_region"
                )
        if self.peer_region is not None and not _REGION.match(self.peer_region):
            raise ValueError(f"RegionalClusterArgs.peer_region: {self.peer_region!r} is not an AWS region")
        if self.peer_account_id is not None and not _ACCOUNT_ID.match(self.peer_account_id):
            raise ValueError(
                f"RegionalClusterArgs.peer_account_id: {self.peer_account_id!r} is not a 12-digit account id"
            )
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
        if isinstance(self.tls_hostnames, str):
            raise ValueError("RegionalClusterArgs.tls_hostnames: give a list of hostnames, not one string")
        # Without a certificate the load balancer would serve plain HTTP, and the HTTPS health check of the
        # latency record could never pass: the component issues one instead, so it needs its names.
        if self.certificate_arn is None and (not self.tls_hostnames or self.hosted_zone is None):
            raise ValueError(
                "RegionalClusterArgs: give certificate_arn, or tls_hostnames and hosted_zone for the "
                "component to issue a DNS-validated certificate; the load balancer never serves plain HTTP"
            )
        if self.tls_hostnames and self.hosted_zone is None:
            raise ValueError("RegionalClusterArgs.tls_hostnames needs hosted_zone to validate them in")
        for hostname in self.tls_hostnames:
            zone = self.hosted_zone or ""
            if not _HOSTNAME.match(hostname) or (hostname != zone and not hostname.endswith(f".{zone}")):
                raise ValueError(
                    f"RegionalClusterArgs.tls_hostnames: {hostname!r} is not a lower-case name inside "
                    f"hosted_zone {self.hosted_zone!r}"
                )
        if len(set(self.tls_hostnames)) != len(self.tls_hostnames):
            raise ValueError("RegionalClusterArgs.tls_hostnames: a name is listed twice")
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
