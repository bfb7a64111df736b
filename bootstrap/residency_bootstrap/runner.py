"""DeployRunner: a CodeBuild-hosted GitHub Actions runner in a small in-region VPC with one NAT address.

The region stack's EKS API admits only `cluster.apiPublicCidrs`. GitHub-hosted runners have no fixed address,
so the jobs that talk to the cluster (the real preview and the deployment) run here instead: each job gets a
fresh CodeBuild container in a private subnet whose only way out is one NAT gateway, so its one Elastic IP
(exported as `runnerEgressCidr`) is the only address the region stack needs in `apiPublicCidrs`. The runner's
own role can write its logs and attach to the VPC, nothing else: the job still assumes its role by OIDC.
"""

from __future__ import annotations

import ipaddress
import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from residency_facts import CLASSIFICATION_TAG, Classification

from .documents import Account, codebuild_trust, runner_permissions

RUNNER_IMAGE = "aws/codebuild/standard:7.0"
"""CodeBuild's Ubuntu 22.04 image: actions/setup-python's prebuilt interpreters are built for Ubuntu."""

LOG_RETENTION_DAYS = 90
"""Build logs are kept for three months (a CloudWatch Logs retention value)."""

AVAILABILITY_ZONES = 2
"""Two private subnets so a zone outage does not stop deployments; one NAT keeps one egress address."""


@dataclass(frozen=True)
class DeployRunnerArgs:
    """Where the runner lives and whose workflow jobs it takes."""

    account: pulumi.Output[Account]
    repository: str
    project_name: str
    vpc_cidr: str
    compute_type: str
    build_timeout_minutes: int
    github_token: pulumi.Output[str] | None
    """The token CodeBuild uses to register runners; without it no webhook is declared (with a warning)."""


class DeployRunner(pulumi.ComponentResource):
    """VPC, NAT with one Elastic IP, the CodeBuild runner project, its role, log group and webhook."""

    egress_cidr: pulumi.Output[str]
    project_name: pulumi.Output[str]
    vpc_id: pulumi.Output[str]

    def __init__(self, name: str, args: DeployRunnerArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("residency:bootstrap:DeployRunner", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        zones = aws.get_availability_zones_output(
            state="available", opts=pulumi.InvokeOutputOptions(parent=self)
        )
        network = ipaddress.IPv4Network(args.vpc_cidr)
        # Four equal parts: two public subnets (NAT) and two private ones (the builds).
        quarters = [str(quarter) for quarter in network.subnets(prefixlen_diff=2)]
        public_ranges, private_ranges = quarters[:AVAILABILITY_ZONES], quarters[AVAILABILITY_ZONES:]

        vpc = aws.ec2.Vpc(
            f"{name}-vpc",
            cidr_block=args.vpc_cidr,
            enable_dns_hostnames=True,
            enable_dns_support=True,
            tags={"Name": f"{name}-runner"},
            opts=child,
        )
        internet = aws.ec2.InternetGateway(f"{name}-igw", vpc_id=vpc.id, opts=child)
        public_routes = aws.ec2.RouteTable(
            f"{name}-public",
            vpc_id=vpc.id,
            routes=[{"cidr_block": "0.0.0.0/0", "gateway_id": internet.id}],
            opts=child,
        )
        public_subnets: list[aws.ec2.Subnet] = []
        for index, cidr in enumerate(public_ranges):
            public = aws.ec2.Subnet(
                f"{name}-public-{index}",
                vpc_id=vpc.id,
                cidr_block=cidr,
                availability_zone=zones.names[index],
                map_public_ip_on_launch=False,
                tags={"Name": f"{name}-public-{index}"},
                opts=child,
            )
            aws.ec2.RouteTableAssociation(
                f"{name}-public-{index}", subnet_id=public.id, route_table_id=public_routes.id, opts=child
            )
            public_subnets.append(public)

        egress_address = aws.ec2.Eip(
            f"{name}-egress",
            domain="vpc",
            tags={"Name": f"{name}-runner-egress"},
            # The region stacks' apiPublicCidrs name this address: replacing it would lock the runner out.
            opts=pulumi.ResourceOptions(parent=self, protect=True),
        )
        nat = aws.ec2.NatGateway(
            f"{name}-nat",
            allocation_id=egress_address.allocation_id,
            subnet_id=public_subnets[0].id,
            tags={"Name": f"{name}-runner"},
            opts=pulumi.ResourceOptions(parent=self, depends_on=[internet]),
        )
        private_routes = aws.ec2.RouteTable(
            f"{name}-private",
            vpc_id=vpc.id,
            routes=[{"cidr_block": "0.0.0.0/0", "nat_gateway_id": nat.id}],
            opts=child,
        )
        private_subnets: list[aws.ec2.Subnet] = []
        for index, cidr in enumerate(private_ranges):
            private = aws.ec2.Subnet(
                f"{name}-private-{index}",
                vpc_id=vpc.id,
                cidr_block=cidr,
                availability_zone=zones.names[index],
                tags={"Name": f"{name}-private-{index}"},
                opts=child,
            )
            aws.ec2.RouteTableAssociation(
                f"{name}-private-{index}", subnet_id=private.id, route_table_id=private_routes.id, opts=child
            )
            private_subnets.append(private)

        # Jobs only call out over HTTPS (GitHub, the package index, AWS APIs, the EKS API); nothing calls in.
        runner_group = aws.ec2.SecurityGroup(
            f"{name}-runner",
            vpc_id=vpc.id,
            description="CodeBuild GitHub Actions runner: HTTPS out only, nothing in",
            egress=[
                {
                    "protocol": "tcp",
                    "from_port": 443,
                    "to_port": 443,
                    "cidr_blocks": ["0.0.0.0/0"],
                    "description": "HTTPS to GitHub, package index, AWS and EKS APIs",
                }
            ],
            opts=child,
        )

        log_group = aws.cloudwatch.LogGroup(
            f"{name}-runner",
            name=f"/aws/codebuild/{args.project_name}",
            retention_in_days=LOG_RETENTION_DAYS,
            # Build logs: commands and Pulumi's output, secrets masked; infrastructure metadata only.
            tags={CLASSIFICATION_TAG: Classification.INTERNAL.value},
            opts=child,
        )
        role = aws.iam.Role(
            f"{name}-runner",
            name=f"{args.project_name}-runner",
            description="CodeBuild runner: its logs and VPC attachment only; jobs assume their own roles",
            assume_role_policy=args.account.apply(
                lambda account: json.dumps(
                    codebuild_trust(account, account.codebuild_project_arn(args.project_name))
                )
            ),
            opts=child,
        )
        role_policy = aws.iam.RolePolicy(
            f"{name}-runner",
            role=role.id,
            policy=pulumi.Output.all(
                args.account, log_group.arn, *[subnet.arn for subnet in private_subnets]
            ).apply(lambda values: json.dumps(runner_permissions(values[0], values[1], values[2:]))),
            opts=child,
        )
        project = aws.codebuild.Project(
            f"{name}-runner",
            name=args.project_name,
            description=f"GitHub Actions runner for {args.repository}, egress through one NAT address",
            service_role=role.arn,
            build_timeout=args.build_timeout_minutes,
            source={
                "type": "GITHUB",
                "location": f"https://github.com/{args.repository}.git",
                # Checked out by the workflow itself (actions/checkout); CodeBuild only hosts the runner.
                "git_clone_depth": 1,
            },
            artifacts={"type": "NO_ARTIFACTS"},
            environment={
                "type": "LINUX_CONTAINER",
                "compute_type": args.compute_type,
                "image": RUNNER_IMAGE,
                "image_pull_credentials_type": "CODEBUILD",
                "privileged_mode": False,
            },
            vpc_config={
                "vpc_id": vpc.id,
                "subnets": [subnet.id for subnet in private_subnets],
                "security_group_ids": [runner_group.id],
            },
            logs_config={
                "cloudwatch_logs": {"status": "ENABLED", "group_name": log_group.name},
                "s3_logs": {"status": "DISABLED"},
            },
            opts=pulumi.ResourceOptions(parent=self, depends_on=[role_policy, nat]),
        )
        if args.github_token is not None:
            credential = aws.codebuild.SourceCredential(
                f"{name}-github",
                auth_type="PERSONAL_ACCESS_TOKEN",
                server_type="GITHUB",
                token=args.github_token,
                opts=child,
            )
            aws.codebuild.Webhook(
                f"{name}-runner",
                project_name=project.name,
                build_type="BUILD",
                # A queued workflow job whose `runs-on` names this project starts one ephemeral runner.
                filter_groups=[{"filters": [{"type": "EVENT", "pattern": "WORKFLOW_JOB_QUEUED"}]}],
                opts=pulumi.ResourceOptions(parent=self, depends_on=[credential]),
            )
        else:
            pulumi.log.warn(
                f"{name}: no residency-bootstrap:githubToken is set, so the runner project has no GitHub "
                "webhook and jobs that run on it stay queued; set it with `pulumi config set --secret "
                "githubToken` (see README, Deploying for real) and run `pulumi up` again",
                resource=self,
            )

        self.egress_cidr = egress_address.public_ip.apply(lambda address: f"{address}/32")
        self.project_name = project.name
        self.vpc_id = vpc.id
        self.register_outputs({"egressCidr": self.egress_cidr, "projectName": self.project_name})
