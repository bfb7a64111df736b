"""LoadBalancerController: what connects the ALB's target group to the cluster, a child of RegionalCluster.

The ALB, its listeners and its `ip` target group are plain AWS resources (LoadBalancer); something must
register the front-door pods' addresses in that target group as pods come and go. That is the AWS Load
Balancer Controller, installed here as a pinned Helm release, and told by one TargetGroupBinding to keep the
target group in step with the endpoints of one Service:

    ALB -> HTTPS listener -> target group -> TargetGroupBinding `front-door` -> Service `front-door`
        -> the microservices pods labelled FRONT_DOOR_SELECTOR, on the application port.

The controller is used for that binding only, which lets its AWS permissions be a small part of its published
policy (docs/install/iam_policy.json): read target groups, their health and the VPC, and register or
deregister targets in this one target group (the published cross-account TargetGroupBinding policy in
docs/guide/targetgroupbinding). It can create no load balancer, target group, listener or security group:
its Service controller and the Gateway API controllers are switched off, it is not the default for
LoadBalancer Services (the telemetry exchange's NLB stays with whoever provisions it today), no IngressClass
is installed, and an Ingress asking for one fails on its IAM role. The binding has no `networking` section,
so the controller changes no security group either: the nodes' group admits the ALB's group on the
application port (LoadBalancer), which is how the traffic reaches the pods.

The controller runs under its own IRSA role (trusted only for its service account in kube-system) and is
installed after the node group exists, with two replicas and a disruption budget of one, so node drains
proceed. Not verifiable offline: the chart itself, the controller's behaviour, that this policy is all it
calls (CloudTrail's AccessDenied events name anything missing).
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from components.regional_cluster.args import FRONT_DOOR_SELECTOR, RegionalClusterArgs
from components.regional_cluster.common import ClusterPart, policy_document
from components.regional_key import RegionalAccount

CHART = "aws-load-balancer-controller"
CHART_REPOSITORY = "https://aws.github.io/eks-charts"
CHART_VERSION = "3.5.0"
"""The eks-charts release of the AWS Load Balancer Controller (appVersion v3.5.0, August 2026): pinned, so an
upgrade is a reviewed change. aws/eks-charts stable/aws-load-balancer-controller/Chart.yaml."""

CONTROLLER_NAMESPACE = "kube-system"
CONTROLLER_SERVICE_ACCOUNT = "aws-load-balancer-controller"
FRONT_DOOR = "front-door"
"""The name of the front-door Service and of the TargetGroupBinding that binds it."""


class LoadBalancerController(ClusterPart):
    """The AWS Load Balancer Controller (Helm, IRSA) and the binding of the ALB's target group to the pods."""

    role_arn: pulumi.Output[str]
    release_name: pulumi.Output[str | None]
    front_door_service: pulumi.Output[str]

    def __init__(
        self,
        owner: pulumi.ComponentResource,
        prefix: str,
        args: RegionalClusterArgs,
        account: RegionalAccount,
        *,
        cluster_name: pulumi.Output[str],
        vpc_id: pulumi.Output[str],
        oidc_provider_arn: pulumi.Output[str],
        oidc_issuer_url: pulumi.Output[str],
        node_group: aws.eks.NodeGroup,
        target_group_arn: pulumi.Output[str],
        microservices_namespace: pulumi.Output[str],
        kubernetes_provider: k8s.Provider,
    ) -> None:
        super().__init__("LoadBalancerController", owner, prefix, args, account)
        name = self._prefix
        role = aws.iam.Role(
            f"{name}-load-balancer-controller",
            assume_role_policy=pulumi.Output.all(oidc_provider_arn, oidc_issuer_url).apply(
                lambda values: _service_account_trust(values[0], values[1])
            ),
            tags=self._tags("load-balancer-controller"),
            opts=self._new_opts(),
        )
        # Inline, on its own role: the deploy role already writes `<stack>-*` roles' inline policies, and a
        # managed policy would need iam:CreatePolicy and its versions for a policy one role uses.
        permissions = aws.iam.RolePolicy(
            f"{name}-load-balancer-controller",
            role=role.id,
            policy=pulumi.Output.all(target_group_arn, self._account.region).apply(
                lambda values: controller_policy(values[0], values[1])
            ),
            opts=self._new_opts(),
        )
        release = k8s.helm.v3.Release(
            f"{name}-load-balancer-controller",
            name=CHART,
            chart=CHART,
            version=CHART_VERSION,
            repository_opts={"repo": CHART_REPOSITORY},
            namespace=CONTROLLER_NAMESPACE,
            values={
                "clusterName": cluster_name,
                "region": self._account.region,
                "vpcId": vpc_id,
                "serviceAccount": {
                    "create": True,
                    "name": CONTROLLER_SERVICE_ACCOUNT,
                    "annotations": {"eks.amazonaws.com/role-arn": role.arn},
                },
                "replicaCount": 2,
                # One controller pod at a time may be evicted, so a node drain never waits on it.
                "podDisruptionBudget": {"maxUnavailable": 1},
                "resources": {
                    "requests": {"cpu": "100m", "memory": "128Mi"},
                    "limits": {"memory": "256Mi"},
                },
                # TargetGroupBinding only: no default for LoadBalancer Services, no IngressClass, no Service
                # or Gateway controllers, no WAF or Shield calls.
                "enableServiceMutatorWebhook": False,
                "createIngressClassResource": False,
                "ingressClassParams": {"create": False},
                "disableIngressClassAnnotation": True,
                "enableShield": False,
                "enableWaf": False,
                "enableWafv2": False,
                "controllerConfig": {
                    "featureGates": {
                        "EnableServiceController": False,
                        "ALBGatewayAPI": False,
                        "NLBGatewayAPI": False,
                    }
                },
                # Reuse the webhook's certificate on upgrades instead of generating one per render.
                "keepTLSSecret": True,
            },
            atomic=True,
            cleanup_on_fail=True,
            max_history=5,
            # Seconds: the first install pulls the image onto fresh nodes.
            timeout=600,
            opts=self._new_opts(provider=kubernetes_provider, depends_on=[node_group, permissions]),
        )
        service = k8s.core.v1.Service(
            f"{name}-front-door",
            metadata={
                "name": FRONT_DOOR,
                "namespace": microservices_namespace,
                "labels": {
                    "app.kubernetes.io/part-of": "microservices",
                    "app.kubernetes.io/name": FRONT_DOOR,
                },
            },
            spec={
                "type": "ClusterIP",
                "selector": dict(FRONT_DOOR_SELECTOR),
                "ports": [
                    {
                        "name": "http",
                        "protocol": "TCP",
                        "port": self._args.application_port,
                        "target_port": self._args.application_port,
                    }
                ],
            },
            opts=self._new_opts(provider=kubernetes_provider),
        )
        k8s.apiextensions.CustomResource(
            f"{name}-front-door-binding",
            api_version="elbv2.k8s.aws/v1beta1",
            kind="TargetGroupBinding",
            metadata={
                "name": FRONT_DOOR,
                "namespace": microservices_namespace,
                "labels": {
                    "app.kubernetes.io/part-of": "microservices",
                    "app.kubernetes.io/name": FRONT_DOOR,
                },
            },
            spec={
                "serviceRef": {"name": service.metadata.name, "port": self._args.application_port},
                "targetGroupARN": target_group_arn,
                "targetType": "ip",
                "ipAddressType": "ipv4",
                "vpcID": vpc_id,
            },
            # The CRD and its admission webhook come with the release, which waits for the controller.
            opts=self._new_opts(provider=kubernetes_provider, depends_on=[release]),
        )
        self.role_arn = role.arn
        self.release_name = release.name
        self.front_door_service = service.metadata.name
        self.register_outputs(
            {
                "role_arn": self.role_arn,
                "release_name": self.release_name,
                "front_door_service": self.front_door_service,
            }
        )


def _service_account_trust(provider_arn: str, issuer_url: str) -> str:
    """Trust the cluster's OIDC tokens for the controller's service account, and for STS only."""
    issuer = issuer_url.removeprefix("https://")
    subject = f"system:serviceaccount:{CONTROLLER_NAMESPACE}:{CONTROLLER_SERVICE_ACCOUNT}"
    return policy_document(
        [
            {
                "Effect": "Allow",
                "Principal": {"Federated": provider_arn},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringEquals": {
                        f"{issuer}:sub": subject,
                        f"{issuer}:aud": "sts.amazonaws.com",
                    }
                },
            }
        ]
    )


def controller_policy(target_group_arn: str, region: str) -> str:
    """What the controller calls to keep one target group in step with a Service's endpoints, in its region.

    From the controller's source (v3.5.0): the TargetGroupBinding webhooks and reconciler describe the target
    group (DescribeTargetGroups), list its targets (DescribeTargetHealth), read the VPC's ranges to place pod
    addresses (ec2:DescribeVpcs) and register or deregister them. The describe calls take no resource ARN.
    """
    in_region = {"StringEquals": {"aws:RequestedRegion": region}}
    return policy_document(
        [
            {
                "Sid": "DescribeTargetGroupsAndTheirTargets",
                "Effect": "Allow",
                "Action": [
                    "elasticloadbalancing:DescribeTargetGroups",
                    "elasticloadbalancing:DescribeTargetHealth",
                ],
                "Resource": "*",
                "Condition": in_region,
            },
            {
                "Sid": "DescribeTheVpcOfThePods",
                "Effect": "Allow",
                "Action": "ec2:DescribeVpcs",
                "Resource": "*",
                "Condition": in_region,
            },
            {
                "Sid": "RegisterPodsInTheFrontDoorTargetGroupOnly",
                "Effect": "Allow",
                "Action": ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
                "Resource": target_group_arn,
            },
        ]
    )
