"""ClusterBaseline: the cluster's namespaces and default-deny NetworkPolicies, a child of RegionalCluster.

`microservices` (classified pii) and `telemetry` run under pod security admission at `pod_security_level`.
Both deny everything but DNS by default; the front-door pods (FRONT_DOOR_SELECTOR) may take traffic from the
load balancer's subnets, and microservices call each other on the application port and reach the PII
database and the telemetry namespace on 5432. The
telemetry namespace gets no allowance here: TelemetryStore admits its clients, its SQL Jobs and the peer
region to the pods that need them, because only it knows those pods' labels. The policies are enforced by the
VPC CNI's network policy agent, which KubernetesCluster switches on.
"""

from __future__ import annotations

import pulumi
import pulumi_kubernetes as k8s

from components.regional_cluster.args import FRONT_DOOR_SELECTOR, POSTGRES_PORT, RegionalClusterArgs
from components.regional_cluster.common import ClusterPart
from components.regional_cluster.network import Network
from components.regional_key import RegionalAccount
from residency_facts import CLASSIFICATION_TAG, Classification


class ClusterBaseline(ClusterPart):
    """Namespaces under pod security admission and default-deny NetworkPolicies with named allowances."""

    microservices_namespace: pulumi.Output[str]
    telemetry_namespace: pulumi.Output[str]

    def __init__(
        self,
        owner: pulumi.ComponentResource,
        prefix: str,
        args: RegionalClusterArgs,
        account: RegionalAccount,
        network: Network,
        kubernetes_provider: k8s.Provider,
    ) -> None:
        super().__init__("ClusterBaseline", owner, prefix, args, account)
        self._build(network, kubernetes_provider)
        self.register_outputs(
            {
                "microservices_namespace": self.microservices_namespace,
                "telemetry_namespace": self.telemetry_namespace,
            }
        )

    def _build(self, network: Network, kubernetes_provider: k8s.Provider) -> None:
        """Namespaces under pod security admission and default-deny NetworkPolicies with named allowances."""
        args, name = self._args, self._prefix
        provider_opts = self._opts(provider=kubernetes_provider)

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
            pods: dict[str, str] | None = None,
        ) -> None:
            types = (["Ingress"] if ingress is not None else []) + (["Egress"] if egress is not None else [])
            k8s.networking.v1.NetworkPolicy(
                f"{name}-{suffix}",
                metadata={"name": policy_name, "namespace": in_namespace.metadata.name},
                spec=k8s.networking.v1.NetworkPolicySpecArgs(
                    pod_selector=k8s.meta.v1.LabelSelectorArgs(match_labels=pods),
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
            # Only the front door: the target group holds no other pod, so no other pod needs the ALB.
            pods=dict(FRONT_DOOR_SELECTOR),
            ingress=[
                k8s.networking.v1.NetworkPolicyIngressRuleArgs(
                    from_=[cidr(block) for block in network.plan.public], ports=tcp(args.application_port)
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
                    to=[cidr(block) for block in network.database_subnet_cidrs], ports=tcp(POSTGRES_PORT)
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
