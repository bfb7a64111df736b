"""LoadBalancer: the region's internet-facing ALB, as a child component of RegionalCluster.

The ALB sits in the public subnets behind its own security group (web ports in, the application port out to
the VPC only) and adds one ingress rule to the nodes' group. Without a certificate it listens on plain HTTP
only (trials; the global HTTPS health check then withdraws the region); with one, port 80 only redirects to
HTTPS. The target group is of type `ip`: the AWS Load Balancer Controller registers pods into it (it is not
installed here).
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.regional_cluster.args import RegionalClusterArgs
from components.regional_cluster.common import ClusterPart
from components.regional_cluster.network import Network
from components.regional_key import RegionalAccount


class LoadBalancer(ClusterPart):
    """The internet-facing ALB, its security group, listeners and the target group for the ingress."""

    load_balancer_arn: pulumi.Output[str]
    load_balancer_dns_name: pulumi.Output[str]
    load_balancer_zone_id: pulumi.Output[str]
    target_group_arn: pulumi.Output[str]

    def __init__(
        self,
        owner: pulumi.ComponentResource,
        prefix: str,
        args: RegionalClusterArgs,
        account: RegionalAccount,
        network: Network,
        node_security_group_id: pulumi.Output[str],
    ) -> None:
        super().__init__("LoadBalancer", owner, prefix, args, account)
        self._build(network, node_security_group_id)
        self.register_outputs(
            {
                "load_balancer_arn": self.load_balancer_arn,
                "load_balancer_dns_name": self.load_balancer_dns_name,
                "load_balancer_zone_id": self.load_balancer_zone_id,
                "target_group_arn": self.target_group_arn,
            }
        )

    def _build(self, network: Network, node_security_group_id: pulumi.Output[str]) -> None:
        """The internet-facing ALB, its security group, listeners and the target group for the ingress."""
        args, name = self._args, self._prefix
        security_group = aws.ec2.SecurityGroup(
            f"{name}-alb-sg",
            description="Regional load balancer: web traffic in, application port out to the VPC only",
            vpc_id=network.vpc_id,
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
            security_group_id=node_security_group_id,
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
            subnets=network.public_subnet_ids,
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
            vpc_id=network.vpc_id,
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
