"""LoadBalancer: the region's internet-facing ALB, as a child component of RegionalCluster.

The ALB sits in the public subnets behind its own security group (web ports in, the application port out to
the VPC only) and adds one ingress rule to the nodes' group. It always serves HTTPS on 443 (port 80 only
redirects there), with the given ACM certificate or, without one, a certificate it issues itself for the TLS
hostnames (the latency-routed and the region-pinned name), validated by DNS in the hosted zone: so the global
HTTPS health check probes what a listener serves. The target group is of type `ip`: the AWS Load Balancer
Controller (LoadBalancerController) registers the front-door pods into it.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import pulumi
import pulumi_aws as aws

from components.regional_cluster.args import HTTPS_PORT, RegionalClusterArgs
from components.regional_cluster.common import ClusterPart
from components.regional_cluster.network import Network
from components.regional_key import RegionalAccount


class LoadBalancer(ClusterPart):
    """The internet-facing ALB, its security group, listeners and the target group for the ingress."""

    load_balancer_arn: pulumi.Output[str]
    load_balancer_dns_name: pulumi.Output[str]
    load_balancer_zone_id: pulumi.Output[str]
    target_group_arn: pulumi.Output[str]
    security_group_id: pulumi.Output[str]
    certificate_arn: pulumi.Output[str]
    """The listener's certificate: the given one, or the issued one once ACM has validated it."""

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
        # Port 80 stays open only to redirect: a user typing the bare hostname is sent to HTTPS.
        for port in (80, HTTPS_PORT):
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
        # Pods take the VPC CNI's addresses on the nodes' interfaces, so the nodes' group is what admits the
        # load balancer to the pods of the target group: from its security group, on the target port only.
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
        certificate_arn = (
            pulumi.Output.from_input(args.certificate_arn)
            if args.certificate_arn is not None
            else self._issued_certificate()
        )
        aws.lb.Listener(
            f"{name}-https",
            load_balancer_arn=load_balancer.arn,
            port=HTTPS_PORT,
            protocol="HTTPS",
            ssl_policy=args.tls_policy,
            certificate_arn=certificate_arn,
            default_actions=[{"type": "forward", "target_group_arn": target_group.arn}],
            tags=self._tags("https"),
            opts=self._opts(),
        )
        aws.lb.Listener(
            f"{name}-http",
            load_balancer_arn=load_balancer.arn,
            port=80,
            protocol="HTTP",
            default_actions=[
                {
                    "type": "redirect",
                    "redirect": {"port": str(HTTPS_PORT), "protocol": "HTTPS", "status_code": "HTTP_301"},
                }
            ],
            tags=self._tags("http"),
            opts=self._opts(),
        )

        self.load_balancer_arn = load_balancer.arn
        self.load_balancer_dns_name = load_balancer.dns_name
        self.load_balancer_zone_id = load_balancer.zone_id
        self.target_group_arn = target_group.arn
        self.security_group_id = security_group.id
        self.certificate_arn = certificate_arn

    def _issued_certificate(self) -> pulumi.Output[str]:
        """An ACM certificate for the TLS hostnames, validated by DNS in the hosted zone; its ARN once issued.

        Renewal is ACM's, for as long as the validation records stay. ACM gives one account the same
        validation record for a name in every region, so the other region's stack writes the same record for
        the latency hostname: the records overwrite rather than fail, and stay when a stack is destroyed, so
        removing one region never breaks the other's renewal.
        """
        args, name = self._args, self._prefix
        hostnames = list(args.tls_hostnames)
        certificate = aws.acm.Certificate(
            f"{name}-certificate",
            domain_name=hostnames[0],
            subject_alternative_names=hostnames[1:] or None,
            validation_method="DNS",
            key_algorithm="RSA_2048",
            options={"certificate_transparency_logging_preference": "ENABLED"},
            tags=self._tags("certificate"),
            opts=self._new_opts(),
        )
        zone = aws.route53.get_zone_output(
            name=args.hosted_zone, private_zone=False, opts=pulumi.InvokeOptions(parent=self)
        )
        records = []
        for index, hostname in enumerate(hostnames):
            option = certificate.domain_validation_options.apply(
                functools.partial(_validation_option, hostname)
            )
            records.append(
                aws.route53.Record(
                    f"{name}-certificate-validation-{index}",
                    zone_id=zone.zone_id,
                    name=option.apply(lambda o: o.resource_record_name or ""),
                    type=option.apply(lambda o: o.resource_record_type or "CNAME"),
                    records=[option.apply(lambda o: o.resource_record_value or "")],
                    ttl=300,
                    allow_overwrite=True,
                    opts=self._new_opts(retain_on_delete=True),
                )
            )
        validation = aws.acm.CertificateValidation(
            f"{name}-certificate",
            certificate_arn=certificate.arn,
            validation_record_fqdns=[record.fqdn for record in records],
            opts=self._new_opts(),
        )
        return validation.certificate_arn


def _validation_option(
    hostname: str, options: Sequence[aws.acm.outputs.CertificateDomainValidationOption] | None
) -> aws.acm.outputs.CertificateDomainValidationOption:
    """ACM's DNS validation record for one of the certificate's names."""
    for option in options or []:
        if option.domain_name == hostname:
            return option
    raise ValueError(
        f"LoadBalancer certificate: ACM returned no DNS validation record for {hostname}; the certificate "
        "cannot be validated (check that the name is in the hosted zone and not a duplicate)"
    )
