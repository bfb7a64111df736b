"""GlobalDns: this region's entries in the shared public hosted zone (Route 53 latency routing).

Wiring (`GlobalDnsArgs`): hosted_zone (the public zone's name, e.g. `example.com`), hostname (the
latency-routed name, the zone apex or a name inside it, e.g. `app.example.com`), region (this stack's AWS
region), region_label (e.g. `eu`, `in`), load_balancer_dns_name and load_balancer_zone_id (RegionalCluster
outputs); optional health_check_path, health_check_port, health_check_regions, failure_threshold,
request_interval. Attributes: zone_id, latency_hostname, region_pinned_hostname, health_check_id.

Which name to use when:
- `hostname` (latency-routed): each region stack adds one latency record for it (set identifier and latency
  region = its own region) behind an HTTPS health check, so users reach the nearest healthy region and an
  unhealthy region is withdrawn. Use it only for stateless or anonymous traffic (static assets, public
  pages, anonymous telemetry ingestion): latency routing and health-based failover may answer a user with
  the other jurisdiction's load balancer.
- `<region_label>.<hostname>` (region-pinned): a plain alias to this region's load balancer with no routing
  policy, no health check and no failover, so it always resolves into this jurisdiction. Use it for every
  endpoint that carries personal data (sign-in, profile, anything that reads or writes the PII database).

Route 53 is a global service: its records and health checks have no region, so the region rules of the
policy pack do not apply to them (`residency_facts.GLOBAL_TYPE_PREFIXES`). They hold no personal data,
only names that point at the regional load balancers. Neither stack owns the hosted zone; it is looked up.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

HEALTH_CHECKER_REGIONS: frozenset[str] = frozenset(
    {
        "us-east-1",
        "us-west-1",
        "us-west-2",
        "eu-west-1",
        "ap-southeast-1",
        "ap-southeast-2",
        "ap-northeast-1",
        "sa-east-1",
    }
)
"""Where Route 53 can run health checkers from; it needs at least three."""

_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")


def _is_domain(name: str) -> bool:
    """Whether a name is a valid lower-case DNS name with at least two labels."""
    labels = name.split(".")
    return len(labels) >= 2 and len(name) <= 253 and all(_LABEL.match(label) for label in labels)


@dataclass(frozen=True)
class GlobalDnsArgs:
    """Inputs of a GlobalDns; validated on construction."""

    hosted_zone: str
    hostname: str
    region: str
    region_label: str
    load_balancer_dns_name: pulumi.Input[str]
    load_balancer_zone_id: pulumi.Input[str]
    health_check_path: str = "/healthz"
    health_check_port: int = 443
    health_check_regions: Sequence[str] = ("eu-west-1", "ap-southeast-1", "us-east-1")
    failure_threshold: int = 3
    request_interval: int = 30

    def __post_init__(self) -> None:
        """Reject names outside the zone and health checks Route 53 would refuse."""
        if not _is_domain(self.hosted_zone):
            raise ValueError(f"GlobalDnsArgs.hosted_zone: {self.hosted_zone!r} is not a lower-case domain")
        if not _is_domain(self.hostname):
            raise ValueError(f"GlobalDnsArgs.hostname: {self.hostname!r} is not a lower-case domain")
        if self.hostname != self.hosted_zone and not self.hostname.endswith(f".{self.hosted_zone}"):
            raise ValueError(
                f"GlobalDnsArgs.hostname: {self.hostname} is not inside the hosted zone {self.hosted_zone}"
            )
        if not _REGION.match(self.region):
            raise ValueError(f"GlobalDnsArgs.region: {self.region!r} is not an AWS region name")
        if not _LABEL.match(self.region_label):
            raise ValueError(f"GlobalDnsArgs.region_label: {self.region_label!r} is not a DNS label")
        if not self.health_check_path.startswith("/"):
            raise ValueError(
                f"GlobalDnsArgs.health_check_path: {self.health_check_path!r} lacks a leading '/'"
            )
        if not 1 <= self.health_check_port <= 65535:
            raise ValueError(f"GlobalDnsArgs.health_check_port: {self.health_check_port} is not a TCP port")
        unknown = sorted(set(self.health_check_regions) - HEALTH_CHECKER_REGIONS)
        if isinstance(self.health_check_regions, str) or unknown or len(set(self.health_check_regions)) < 3:
            raise ValueError(
                f"GlobalDnsArgs.health_check_regions: give at least three of {sorted(HEALTH_CHECKER_REGIONS)}"
                + (f"; unknown: {unknown}" if unknown else "")
            )
        if not 1 <= self.failure_threshold <= 10:
            raise ValueError(f"GlobalDnsArgs.failure_threshold: {self.failure_threshold} is outside 1-10")
        if self.request_interval not in (10, 30):
            raise ValueError(
                f"GlobalDnsArgs.request_interval: {self.request_interval} is not 10 or 30 (seconds)"
            )

    @property
    def region_pinned_hostname(self) -> str:
        """The name that always resolves to this region."""
        return f"{self.region_label}.{self.hostname}"


class GlobalDns(pulumi.ComponentResource):
    """This region's latency record behind a health check, and its region-pinned name, in the shared zone."""

    zone_id: pulumi.Output[str]
    latency_hostname: str
    region_pinned_hostname: str
    health_check_id: pulumi.Output[str]

    def __init__(self, name: str, args: GlobalDnsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("residency:components:GlobalDns", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        zone = aws.route53.get_zone_output(
            name=args.hosted_zone, private_zone=False, opts=pulumi.InvokeOptions(parent=self)
        )

        # Checks the load balancer itself, not a name in the zone, so the check cannot depend on the records
        # it governs. Route 53 does not validate the certificate, so the load balancer's own name works.
        health_check = aws.route53.HealthCheck(
            f"{name}-health-check",
            type="HTTPS",
            fqdn=args.load_balancer_dns_name,
            port=args.health_check_port,
            resource_path=args.health_check_path,
            enable_sni=True,
            failure_threshold=args.failure_threshold,
            request_interval=args.request_interval,
            measure_latency=True,
            regions=sorted(set(args.health_check_regions)),
            tags={"Name": f"{name}-{args.region}"},
            opts=child,
        )

        aws.route53.Record(
            f"{name}-latency",
            zone_id=zone.zone_id,
            name=args.hostname,
            type="A",
            set_identifier=args.region,
            latency_routing_policies=[{"region": args.region}],
            health_check_id=health_check.id,
            aliases=[
                {
                    "name": args.load_balancer_dns_name,
                    "zone_id": args.load_balancer_zone_id,
                    "evaluate_target_health": True,
                }
            ],
            opts=child,
        )

        # No routing policy and no health check: if this region is down the name fails rather than
        # silently sending personal data to the other jurisdiction.
        aws.route53.Record(
            f"{name}-region-pinned",
            zone_id=zone.zone_id,
            name=args.region_pinned_hostname,
            type="A",
            aliases=[
                {
                    "name": args.load_balancer_dns_name,
                    "zone_id": args.load_balancer_zone_id,
                    "evaluate_target_health": False,
                }
            ],
            opts=child,
        )

        self.zone_id = zone.zone_id
        self.latency_hostname = args.hostname
        self.region_pinned_hostname = args.region_pinned_hostname
        self.health_check_id = health_check.id
        self.register_outputs(
            {
                "zone_id": self.zone_id,
                "latency_hostname": self.latency_hostname,
                "region_pinned_hostname": self.region_pinned_hostname,
                "health_check_id": self.health_check_id,
            }
        )
