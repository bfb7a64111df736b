"""KubernetesCluster: the region's EKS cluster and its nodes, as a child component of RegionalCluster.

The cluster's secrets are envelope-encrypted with its own in-region key (AWS's default key policy, see below),
every control-plane log type goes to an encrypted log group that exists before the cluster, the API endpoint
is private plus, when `public_access_cidrs` is set, public for those ranges only; access entries name the
extra admins. IRSA (the OIDC provider), the VPC CNI add-on with its network policy agent on, a managed node
group on an encrypted launch template with IMDSv2, and the EBS CSI add-on under a role bound to its service
account complete it. The kubeconfig it exports authenticates with `aws eks get-token` and is secret.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import pulumi
import pulumi_aws as aws

from components.regional_cluster.args import (
    CONTROL_PLANE_LOG_TYPES,
    EBS_CSI_SERVICE_ACCOUNT,
    RegionalClusterArgs,
)
from components.regional_cluster.common import (
    ClusterPart,
    cluster_key,
    control_plane_log_group_name,
    policy_document,
    service_trust,
)
from components.regional_cluster.network import Network
from components.regional_key import RegionalAccount
from residency_facts import Classification


class KubernetesCluster(ClusterPart):
    """EKS with encrypted secrets, full control-plane logging, IRSA, add-ons and a managed node group."""

    cluster_name: pulumi.Output[str]
    oidc_issuer_url: pulumi.Output[str]
    oidc_provider_arn: pulumi.Output[str]
    node_security_group_id: pulumi.Output[str]
    ebs_csi_role_arn: pulumi.Output[str]
    kubeconfig: pulumi.Output[str]
    node_group: aws.eks.NodeGroup
    """What in-cluster workloads wait for: nothing schedules before the nodes exist."""
    ebs_csi_addon: aws.eks.Addon
    """What workloads with volumes wait for too: the driver that provisions and attaches their EBS volumes."""

    def __init__(
        self,
        owner: pulumi.ComponentResource,
        prefix: str,
        args: RegionalClusterArgs,
        account: RegionalAccount,
        network: Network,
        logs_key: aws.kms.Key,
    ) -> None:
        super().__init__("KubernetesCluster", owner, prefix, args, account)
        self._build(network, logs_key)
        self.register_outputs(
            {
                "cluster_name": self.cluster_name,
                "oidc_issuer_url": self.oidc_issuer_url,
                "oidc_provider_arn": self.oidc_provider_arn,
                "node_security_group_id": self.node_security_group_id,
                "ebs_csi_role_arn": self.ebs_csi_role_arn,
                "kubeconfig": self.kubeconfig,
            }
        )

    def _build(self, network: Network, logs_key: aws.kms.Key) -> None:
        """EKS with encrypted secrets, full control-plane logging, IRSA, add-ons and a managed node group."""
        args, name = self._args, self._prefix
        cluster_name = f"{name}-cluster"

        # AWS's default key policy, unlike the other keys: EKS uses this key with the cluster role's IAM
        # permissions below (and the creating identity's, often an STS session no key policy can name), which
        # an administration-only key policy would not let IAM grant.
        secrets_key = cluster_key(
            name,
            "secrets-key",
            f"Envelope encryption of Kubernetes secrets in {cluster_name}",
            None,
            self._opts(),
        )
        control_plane_logs = self._log_group(
            "control-plane-logs", control_plane_log_group_name(self._prefix), logs_key
        )

        cluster_role = aws.iam.Role(
            f"{name}-cluster-role",
            assume_role_policy=service_trust("eks.amazonaws.com"),
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
                lambda arn: policy_document(
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
                "subnet_ids": network.private_subnet_ids,
                "endpoint_private_access": True,
                "endpoint_public_access": bool(args.public_access_cidrs),
                "public_access_cidrs": list(args.public_access_cidrs) if args.public_access_cidrs else None,
            },
            deletion_protection=args.deletion_protection,
            tags=self._tags("cluster"),
            opts=self._opts(depends_on=[control_plane_logs, cluster_policy, cluster_key_access]),
        )
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
            assume_role_policy=service_trust("ec2.amazonaws.com"),
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
            vpc_id=network.vpc_id,
            tags=self._tags("node-sg"),
            opts=self._opts(),
        )
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
            subnet_ids=network.private_subnet_ids,
            # The control plane's version: an upgrade of the cluster is followed by its nodes, in that order.
            version=cluster.version,
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

        self.node_group = node_group

        # Named, so that its ARN is known at preview: the telemetry volume key's policy names it, and the
        # residency pack refuses a key policy of telemetry data that it cannot read at preview.
        ebs_csi_role_name = f"{name}-ebs-csi"
        ebs_csi_role = aws.iam.Role(
            ebs_csi_role_name,
            name=ebs_csi_role_name,
            assume_role_policy=pulumi.Output.all(oidc_provider.arn, issuer).apply(
                lambda values: policy_document(
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
        self.ebs_csi_addon = aws.eks.Addon(
            f"{name}-ebs-csi",
            cluster_name=cluster.name,
            addon_name="aws-ebs-csi-driver",
            service_account_role_arn=ebs_csi_role.arn,
            resolve_conflicts_on_create="OVERWRITE",
            resolve_conflicts_on_update="OVERWRITE",
            tags=self._tags("ebs-csi"),
            opts=self._opts(depends_on=[node_group, ebs_csi_policy]),
        )
        # Built from the account's invokes (resolved at preview) and the role's name; the URN (known at
        # preview too) carries the dependency, so whatever names the ARN is created after the role.
        self.ebs_csi_role_arn = pulumi.Output.all(
            self._account.partition, self._account.account_id, ebs_csi_role.urn
        ).apply(lambda values: f"arn:{values[0]}:iam::{values[1]}:role/{ebs_csi_role_name}")

        self.kubeconfig = pulumi.Output.secret(
            pulumi.Output.all(
                cluster.name, cluster.endpoint, cluster.certificate_authority.data, self._account.region
            ).apply(lambda values: _kubeconfig(*values))
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
