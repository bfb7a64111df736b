"""TelemetryNetworkPolicies: who reaches each telemetry server, a child component of TelemetryStore.

RegionalCluster leaves the telemetry namespace at deny-all but DNS; these policies open PostgreSQL's port
only, and only along the paths the servers, their SQL Jobs and the peer need: the writer namespaces and the
store's Jobs to the store; the exchange's Jobs to the exchange; each Job to its own server; the store out to
the peer VPC range (it pushes its release into the peer's inbox); and the peer VPC range in to the exchange
pods (the peer pushes into ours), nothing else. The store and its exchange never talk to each other, and
nothing from the peer reaches the store. The policies are kept by the server whose Jobs must wait for them
(`by_server`: store, exchange, peer).
"""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pulumi_kubernetes as k8s

from components.telemetry_store.args import POSTGRES_PORT, TelemetryStoreArgs
from components.telemetry_store.common import PART_OF, PostgresServer, StorePart, sql_clients_of


class TelemetryNetworkPolicies(StorePart):
    """The NetworkPolicies of the store's and the exchange's pods and of the Jobs that run SQL on them."""

    by_server: dict[str, list[k8s.networking.v1.NetworkPolicy]]
    """The policies by the server whose Jobs depend on them (store, exchange) and the peer's."""

    def __init__(
        self,
        owner: pulumi.ComponentResource,
        prefix: str,
        args: TelemetryStoreArgs,
        store: PostgresServer,
        exchange: PostgresServer,
    ) -> None:
        super().__init__("TelemetryNetworkPolicies", f"{prefix}-network-policies", owner, prefix, args)
        self._build(store, exchange)
        self.register_outputs({})

    def _build(self, store: PostgresServer, exchange: PostgresServer) -> None:
        """Who reaches each server, on 5432 only; the peer region reaches the exchange pods alone."""
        args = self._args
        store_pods, exchange_pods = dict(store.pod_labels), dict(exchange.pod_labels)
        store_clients = sql_clients_of(self._prefix, "store")
        exchange_clients = sql_clients_of(self._prefix, "exchange")
        postgres = [k8s.networking.v1.NetworkPolicyPortArgs(protocol="TCP", port=POSTGRES_PORT)]

        def pods(labels: Mapping[str, str]) -> k8s.networking.v1.NetworkPolicyPeerArgs:
            return k8s.networking.v1.NetworkPolicyPeerArgs(
                pod_selector=k8s.meta.v1.LabelSelectorArgs(match_labels=dict(labels))
            )

        def namespace(name: pulumi.Input[str]) -> k8s.networking.v1.NetworkPolicyPeerArgs:
            return k8s.networking.v1.NetworkPolicyPeerArgs(
                namespace_selector=k8s.meta.v1.LabelSelectorArgs(
                    match_labels={"kubernetes.io/metadata.name": name}
                )
            )

        peer_region = k8s.networking.v1.NetworkPolicyPeerArgs(
            ip_block=k8s.networking.v1.IPBlockArgs(cidr=args.peer_vpc_cidr)
        )

        def ingress(
            *sources: k8s.networking.v1.NetworkPolicyPeerArgs,
        ) -> k8s.networking.v1.NetworkPolicyIngressRuleArgs:
            return k8s.networking.v1.NetworkPolicyIngressRuleArgs(from_=list(sources), ports=postgres)

        def egress(
            *targets: k8s.networking.v1.NetworkPolicyPeerArgs,
        ) -> k8s.networking.v1.NetworkPolicyEgressRuleArgs:
            return k8s.networking.v1.NetworkPolicyEgressRuleArgs(to=list(targets), ports=postgres)

        store_policies = [
            # Services write raw telemetry and the store's Jobs migrate it; the store itself connects out
            # only to push its release into the peer's inbox (verify-full, client certificate).
            self._network_policy(
                "store",
                store_pods,
                ingress=[ingress(*(namespace(name) for name in args.writer_namespaces), pods(store_clients))],
                egress=[egress(peer_region)],
            ),
            self._network_policy("store-sql-jobs", store_clients, egress=[egress(pods(store_pods))]),
        ]
        exchange_policies = [
            self._network_policy("exchange", exchange_pods, ingress=[ingress(pods(exchange_clients))]),
            self._network_policy("exchange-sql-jobs", exchange_clients, egress=[egress(pods(exchange_pods))]),
        ]
        # The only path in from the other region: the peer's store pushing into its inbox on our exchange.
        peer = [self._network_policy("exchange-peer", exchange_pods, ingress=[ingress(peer_region)])]
        self.by_server = {"store": store_policies, "exchange": exchange_policies, "peer": peer}

    def _network_policy(
        self,
        purpose: str,
        selected: Mapping[str, str],
        ingress: list[k8s.networking.v1.NetworkPolicyIngressRuleArgs] | None = None,
        egress: list[k8s.networking.v1.NetworkPolicyEgressRuleArgs] | None = None,
    ) -> k8s.networking.v1.NetworkPolicy:
        """A NetworkPolicy for the pods with these labels, adding to the namespace's default deny."""
        object_name = f"{self._prefix}-{purpose}"
        types = (["Ingress"] if ingress else []) + (["Egress"] if egress else [])
        return k8s.networking.v1.NetworkPolicy(
            f"{object_name}-network-policy",
            metadata=self._metadata(object_name, PART_OF),
            spec=k8s.networking.v1.NetworkPolicySpecArgs(
                pod_selector=k8s.meta.v1.LabelSelectorArgs(match_labels=dict(selected)),
                policy_types=types,
                ingress=ingress,
                egress=egress,
            ),
            opts=self._opts(),
        )
