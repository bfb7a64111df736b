"""An internal LoadBalancer Service is also published on a node port of every node (reviewer issue #8,
Kubernetes case 3).

Kubernetes gives every LoadBalancer Service a node port on every node unless
`spec.allocateLoadBalancerNodePorts` is false, and kube-proxy answers on it whatever the balancer's scheme.
On nodes in public subnets, or whose security group admits the internet, the PII backend is reached there,
beside the internal balancer. The baseline is the node exposure tests' PII StatefulSet on private nodes,
behind an internal LoadBalancer Service (both controllers' internal annotations); each test changes one
thing: the subnet gives public addresses, the node group admits the internet on the node port range, its
subnet is not declared, the nodes are not declared (decision: judged by the balancer alone), or the Service
allocates no node ports.
"""

from __future__ import annotations

from tests.policies.policy_harness import UNKNOWN, Res, messages, violations
from tests.policies.test_node_exposure import Nodes, _nodes, _open_to_internet, _plain_service

POLICY = "pii-not-public"


def _internal_balancer(**spec: object) -> Nodes:
    case = _plain_service(_nodes())
    case.service.props["spec"].update({"type": "LoadBalancer", **spec})
    case.service.props["metadata"]["annotations"] = {
        "service.beta.kubernetes.io/aws-load-balancer-internal": "true",
        "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
    }
    return case


def _about_service(resources: list[Res], case: Nodes) -> str:
    found = violations(resources, POLICY)
    return messages([d for d in found if d.urn == case.service.urn])


def test_an_internal_balancer_on_private_nodes_is_allowed() -> None:
    assert violations(_internal_balancer().resources, POLICY) == []


def test_an_internal_balancers_node_ports_on_nodes_with_public_addresses_are_blocked() -> None:
    case = _internal_balancer()
    case.subnet.props["mapPublicIpOnLaunch"] = True
    shown = _about_service(case.resources, case)
    assert "node port" in shown and "mapPublicIpOnLaunch" in shown and "customers-db" in shown


def test_an_internal_balancers_node_ports_on_nodes_open_to_the_internet_are_blocked() -> None:
    case = _internal_balancer()
    shown = _about_service([*case.resources, _open_to_internet(case, 31000)], case)
    assert "node port" in shown and "0.0.0.0/0" in shown


def test_an_internal_balancer_in_a_cluster_whose_nodes_are_not_declared_is_judged_by_its_balancer() -> None:
    # Decision: nodes managed outside the stack are not judged for node ports (they are for hostPort).
    case = _internal_balancer()
    resources = [r for r in case.resources if r not in (case.node_group, case.template, case.subnet)]
    assert violations(resources, POLICY) == []


def test_an_internal_balancer_on_a_node_group_in_an_undeclared_subnet_fails_closed() -> None:
    case = _internal_balancer()
    case.node_group.props["subnetIds"] = ["subnet-0a1b2c3d4e5f60789"]
    case.node_group.deps.pop("subnetIds")
    resources = [r for r in case.resources if r is not case.subnet]
    assert "not declared in this stack" in _about_service(resources, case)


def test_an_internal_balancer_whose_node_ports_are_unknown_at_preview_is_judged_by_its_nodes() -> None:
    case = _internal_balancer(allocateLoadBalancerNodePorts=UNKNOWN)
    case.subnet.props["mapPublicIpOnLaunch"] = True
    assert "node port" in _about_service(case.resources, case)


def test_an_internal_balancer_that_allocates_no_node_ports_is_judged_by_its_balancer_alone() -> None:
    case = _internal_balancer(allocateLoadBalancerNodePorts=False)
    case.subnet.props["mapPublicIpOnLaunch"] = True
    assert violations(case.resources, POLICY) == []
