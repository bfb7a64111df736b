"""pii-not-public judges what is reached on a cluster's nodes' own addresses, and who reaches them.

The baseline is a PII PostgreSQL StatefulSet in the baseline cluster, whose one managed node group runs in a
private subnet (`mapPublicIpOnLaunch` false) with a launch template whose node security group admits only the
VPC. Its pods use `hostNetwork`, and a ClusterIP Service in front of it lists `externalIPs`: both are reached
on the nodes' addresses, which are private, so both are allowed. Each test changes one thing: the subnet gives
public addresses, the node group admits the internet, remote access opens SSH, the node group is not declared,
a container maps a `hostPort`, the Service is published by a controller that is not an AWS load balancer
(Tailscale's annotations and class, a class the pack has not reviewed).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import PII
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

POLICY = "pii-not-public"
NAMESPACE = "app"


@dataclass
class Nodes:
    """The baseline region with a PII database on host networking, its private node group and a Service."""

    region: Region
    subnet: Res
    template: Res
    node_group: Res
    database: Res
    service: Res
    extra: list[Res] = field(default_factory=list)

    @property
    def resources(self) -> list[Res]:
        """Every resource of the case."""
        return [
            *self.region.resources,
            self.subnet,
            self.template,
            self.node_group,
            self.database,
            self.service,
            *self.extra,
        ]


def _nodes(host_network: bool = True) -> Nodes:
    region = eu_region()
    subnet = Res(
        "aws:ec2/subnet:Subnet",
        "private-a",
        {
            "vpcId": UNKNOWN,
            "cidrBlock": "10.10.10.0/24",
            "availabilityZone": "eu-west-1a",
            "mapPublicIpOnLaunch": False,
        },
        region.provider,
        deps={"vpcId": [region.vpc]},
    )
    template = Res(
        "aws:ec2/launchTemplate:LaunchTemplate",
        "nodes",
        {"vpcSecurityGroupIds": [UNKNOWN], "updateDefaultVersion": True},
        region.provider,
        deps={"vpcSecurityGroupIds": [region.node_group]},
    )
    node_group = Res(
        "aws:eks/nodeGroup:NodeGroup",
        "nodes",
        {
            "clusterName": UNKNOWN,
            "nodeRoleArn": UNKNOWN,
            "subnetIds": [UNKNOWN],
            "scalingConfig": {"desiredSize": 3, "maxSize": 6, "minSize": 3},
            "launchTemplate": {"id": UNKNOWN, "version": UNKNOWN},
        },
        region.provider,
        deps={"clusterName": [region.cluster], "subnetIds": [subnet], "launchTemplate": [template]},
    )
    labels = {"app": "customers-db", **PII}
    pod_spec: dict[str, object] = {
        "containers": [
            {"name": "postgres", "image": "postgres:17.7", "ports": [{"containerPort": 5432}]},
        ],
    }
    if host_network:
        pod_spec["hostNetwork"] = True
    database = Res(
        "kubernetes:apps/v1:StatefulSet",
        "customers-db",
        {
            "metadata": {"name": "customers-db", "namespace": NAMESPACE, "labels": labels},
            "spec": {
                "serviceName": "customers-db",
                "selector": {"matchLabels": {"app": "customers-db"}},
                "template": {"metadata": {"labels": labels}, "spec": pod_spec},
                "volumeClaimTemplates": [
                    {
                        "metadata": {"name": "data", "labels": dict(PII)},
                        "spec": {
                            "storageClassName": "telemetry-gp3",
                            "accessModes": ["ReadWriteOnce"],
                            "resources": {"requests": {"storage": "50Gi"}},
                        },
                    }
                ],
            },
        },
        region.kubernetes,
        protect=True,
        deps={"spec": [region.storage_class]},
    )
    service = Res(
        "kubernetes:core/v1:Service",
        "customers-db",
        {
            "metadata": {"name": "customers-db", "namespace": NAMESPACE},
            "spec": {
                "type": "ClusterIP",
                "selector": {"app": "customers-db"},
                "ports": [{"name": "pg", "port": 5432, "targetPort": 5432, "protocol": "TCP"}],
                "externalIPs": ["10.10.10.25"],
            },
        },
        region.kubernetes,
    )
    return Nodes(region, subnet, template, node_group, database, service)


def _about(found: list, resource: Res) -> str:
    return messages([d for d in found if d.urn == resource.urn])


def _open_to_internet(case: Nodes, port: int) -> Res:
    return Res(
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        "nodes-open",
        {
            "securityGroupId": UNKNOWN,
            "cidrIpv4": "0.0.0.0/0",
            "ipProtocol": "tcp",
            "fromPort": port,
            "toPort": port,
        },
        case.region.provider,
        deps={"securityGroupId": [case.region.node_group]},
    )


def test_host_network_and_external_ips_on_private_nodes_are_allowed() -> None:
    assert violations(_nodes().resources, POLICY) == []


def test_host_network_on_nodes_with_public_addresses_is_blocked() -> None:
    case = _nodes()
    case.subnet.props["mapPublicIpOnLaunch"] = True
    found = violations(case.resources, POLICY)
    about = _about(found, case.database)
    assert "hostNetwork" in about and "mapPublicIpOnLaunch" in about, messages(found)


def test_external_ips_on_nodes_with_public_addresses_are_blocked() -> None:
    case = _nodes(host_network=False)
    case.subnet.props["mapPublicIpOnLaunch"] = True
    found = violations(case.resources, POLICY)
    assert "externalIPs" in _about(found, case.service), messages(found)


def test_host_network_on_nodes_whose_group_admits_the_internet_is_blocked() -> None:
    case = _nodes()
    case.extra.append(_open_to_internet(case, 5432))
    found = violations(case.resources, POLICY)
    assert "0.0.0.0/0" in _about(found, case.database), messages(found)


def test_a_host_port_on_nodes_whose_group_admits_the_internet_is_blocked() -> None:
    case = _nodes(host_network=False)
    case.service.props["spec"].pop("externalIPs")
    containers = case.database.props["spec"]["template"]["spec"]["containers"]
    containers[0]["ports"] = [{"containerPort": 5432, "hostPort": 15432, "protocol": "TCP"}]
    case.extra.append(_open_to_internet(case, 15432))
    found = violations(case.resources, POLICY)
    assert "hostPort 15432" in _about(found, case.database), messages(found)


def test_host_network_in_a_cluster_with_no_declared_node_group_fails_closed() -> None:
    case = _nodes()
    resources = [r for r in case.resources if r is not case.node_group]
    found = violations(resources, POLICY)
    assert "declares no managed node group" in _about(found, case.database), messages(found)


def test_a_node_group_in_a_subnet_the_stack_does_not_declare_fails_closed() -> None:
    case = _nodes()
    case.node_group.props["subnetIds"] = ["subnet-0a1b2c3d4e5f60001"]
    case.node_group.deps.pop("subnetIds")
    found = violations(case.resources, POLICY)
    assert "subnet-0a1b2c3d4e5f60001 is not declared" in _about(found, case.database), messages(found)


def test_remote_access_without_source_groups_opens_ssh_in_a_cluster_with_pii() -> None:
    case = _nodes(host_network=False)
    case.service.props["spec"].pop("externalIPs")
    case.node_group.props["remoteAccess"] = {"ec2SshKey": "platform-break-glass"}
    found = violations(case.resources, POLICY)
    assert "port 22 of its nodes to 0.0.0.0/0" in _about(found, case.node_group), messages(found)


def test_remote_access_limited_to_a_source_group_is_allowed() -> None:
    case = _nodes(host_network=False)
    case.service.props["spec"].pop("externalIPs")
    case.node_group.props["remoteAccess"] = {
        "ec2SshKey": "platform-break-glass",
        "sourceSecurityGroupIds": [UNKNOWN],
    }
    case.node_group.deps["remoteAccess"] = [case.region.node_group]
    assert violations(case.resources, POLICY) == []


# Publishers that are not AWS load balancers -------------------------------------------------------------


def _plain_service(case: Nodes) -> Nodes:
    case.database.props["spec"]["template"]["spec"].pop("hostNetwork")
    case.service.props["spec"].pop("externalIPs")
    return case


def test_a_plain_cluster_ip_service_is_allowed() -> None:
    assert violations(_plain_service(_nodes()).resources, POLICY) == []


@pytest.mark.parametrize("annotation", ["tailscale.com/expose", "tailscale.com/funnel"])
def test_a_cluster_ip_service_a_tailscale_annotation_exposes_is_blocked(annotation: str) -> None:
    case = _plain_service(_nodes())
    case.service.props["metadata"]["annotations"] = {annotation: "true"}
    found = violations(case.resources, POLICY)
    assert annotation in _about(found, case.service), messages(found)


@pytest.mark.parametrize(
    ("annotations", "labels", "exported"),
    [
        ({"service.cilium.io/global": "true"}, {}, True),
        ({"io.cilium/global-service": "true"}, {}, True),
        ({"service.cilium.io/global": "true", "service.cilium.io/shared": "false"}, {}, False),
        ({}, {"mirror.linkerd.io/exported": "true"}, True),
        ({}, {"mirror.linkerd.io/exported": "remote-discovery"}, True),
        ({}, {"mirror.linkerd.io/exported": "false"}, False),
    ],
    ids=["cilium", "cilium-legacy", "cilium-not-shared", "linkerd", "linkerd-remote-discovery", "linkerd-no"],
)
def test_a_service_a_mesh_exports_to_its_other_clusters_is_blocked(
    annotations: dict[str, str], labels: dict[str, str], exported: bool
) -> None:
    # Cilium ClusterMesh and Linkerd multicluster make the Service's pods reachable from every other cluster
    # of the mesh, which the stack does not declare (another region, another account).
    case = _plain_service(_nodes())
    case.service.props["metadata"]["annotations"] = annotations
    case.service.props["metadata"]["labels"] = labels
    found = _about(violations(case.resources, POLICY), case.service)
    assert bool(found) is exported, found
    if exported:
        assert "other clusters" in found


def test_an_aws_internal_annotation_does_not_make_another_controllers_balancer_internal() -> None:
    case = _plain_service(_nodes())
    case.service.props["metadata"]["annotations"] = {
        "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal"
    }
    case.service.props["spec"].update(type="LoadBalancer", loadBalancerClass="service.k8s.aws/nlb")
    assert violations(case.resources, POLICY) == []
    case.service.props["spec"]["loadBalancerClass"] = "tailscale"
    found = violations(case.resources, POLICY)
    assert "loadBalancerClass is tailscale" in _about(found, case.service), messages(found)


def test_a_load_balancer_class_the_pack_has_not_reviewed_fails_closed() -> None:
    case = _plain_service(_nodes())
    case.service.props["metadata"]["annotations"] = {
        "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal"
    }
    case.service.props["spec"].update(type="LoadBalancer", loadBalancerClass="ngrok")
    found = violations(case.resources, POLICY)
    assert "loadBalancerClass 'ngrok' is not one the pack has reviewed" in _about(found, case.service), (
        messages(found)
    )


def test_the_aws_load_balancer_controllers_class_reads_the_internal_annotation() -> None:
    case = _plain_service(_nodes())
    case.service.props["metadata"]["annotations"] = {
        "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal"
    }
    case.service.props["spec"].update(type="LoadBalancer", loadBalancerClass="service.k8s.aws/nlb")
    assert violations(case.resources, POLICY) == []


# Outbound tunnels ----------------------------------------------------------------------------------------

_TUNNEL_CONFIG = (
    "tunnel: 6ff42ae2-765d-4adf-8112-31c55c1551ef\n"
    "credentials-file: /etc/cloudflared/creds/credentials.json\n"
    "ingress:\n"
    "  - hostname: shop.example.com\n"
    "    service: {target}\n"
    "  - service: http_status:404\n"
)
"""cloudflared's locally managed configuration (https://developers.cloudflare.com/cloudflare-one/
connections/connect-networks/configure-tunnels/local-management/configuration-file/)."""


def _tunnel(case: Nodes, target: str = "http://web.app.svc.cluster.local:8080") -> Nodes:
    """The plain baseline plus a web application Service and a cloudflared Deployment that publishes it."""
    case = _plain_service(case)
    web = Res(
        "kubernetes:core/v1:Service",
        "web",
        {
            "metadata": {"name": "web", "namespace": NAMESPACE},
            "spec": {"selector": {"app": "web"}, "ports": [{"port": 8080, "targetPort": 8080}]},
        },
        case.region.kubernetes,
    )
    config = Res(
        "kubernetes:core/v1:ConfigMap",
        "cloudflared",
        {
            "metadata": {"name": "cloudflared", "namespace": NAMESPACE},
            "data": {"config.yaml": _TUNNEL_CONFIG.format(target=target)},
        },
        case.region.kubernetes,
    )
    agent = {
        "name": "cloudflared",
        "image": "cloudflare/cloudflared:2025.4.0",
        "args": ["tunnel", "--config", "/etc/cloudflared/config/config.yaml", "run"],
        "volumeMounts": [{"name": "config", "mountPath": "/etc/cloudflared/config"}],
    }
    tunnel = Res(
        "kubernetes:apps/v1:Deployment",
        "cloudflared",
        {
            "metadata": {"name": "cloudflared", "namespace": NAMESPACE, "labels": {"app": "cloudflared"}},
            "spec": {
                "replicas": 2,
                "selector": {"matchLabels": {"app": "cloudflared"}},
                "template": {
                    "metadata": {"labels": {"app": "cloudflared"}},
                    "spec": {
                        "containers": [agent],
                        "volumes": [{"name": "config", "configMap": {"name": "cloudflared"}}],
                    },
                },
            },
        },
        case.region.kubernetes,
    )
    case.extra.extend([web, config, tunnel])
    return case


def _agent(case: Nodes) -> Res:
    return case.extra[-1]


def test_a_tunnel_that_publishes_a_web_application_is_allowed() -> None:
    assert violations(_tunnel(_nodes()).resources, POLICY) == []


@pytest.mark.parametrize(
    "target",
    [
        "tcp://customers-db.app.svc.cluster.local:5432",
        "tcp://customers-db:5432",
        "tcp://customers-db.app:5432",
    ],
)
def test_a_tunnel_that_routes_to_a_pii_service_is_blocked(target: str) -> None:
    case = _tunnel(_nodes(), target)
    found = violations(case.resources, POLICY)
    assert "the Service kubernetes:core/v1:Service" in _about(found, _agent(case)), messages(found)


def test_a_tunnel_whose_routes_are_kept_on_the_vendors_side_fails_closed() -> None:
    case = _tunnel(_nodes())
    agent = _agent(case)
    spec = agent.props["spec"]["template"]["spec"]
    spec.pop("volumes")
    spec["containers"][0].pop("volumeMounts")
    spec["containers"][0]["args"] = ["tunnel", "--no-autoupdate", "run"]
    spec["containers"][0]["env"] = [
        {"name": "TUNNEL_TOKEN", "valueFrom": {"secretKeyRef": {"name": "cloudflared-token", "key": "token"}}}
    ]
    found = violations(case.resources, POLICY)
    assert "names no route" in _about(found, agent), messages(found)


def test_a_tunnel_sidecar_in_the_pii_pods_is_blocked() -> None:
    case = _plain_service(_nodes())
    containers = case.database.props["spec"]["template"]["spec"]["containers"]
    containers.append({"name": "ts", "image": "tailscale/tailscale:v1.84.3"})
    found = violations(case.resources, POLICY)
    assert "runs a tunnel agent (tailscale/tailscale:v1.84.3)" in _about(found, case.database), messages(
        found
    )


@pytest.mark.preview_only("annotations are known once the stack is deployed")
def test_a_pii_service_whose_annotations_are_unknown_fails_closed() -> None:
    case = _plain_service(_nodes())
    case.service.props["metadata"]["annotations"] = UNKNOWN
    found = violations(case.resources, POLICY)
    assert "its annotations are unknown at preview" in _about(found, case.service), messages(found)


# Karpenter: the nodes an EC2NodeClass launches count as the cluster's nodes -------------------------------


def _karpenter(case: Nodes, **spec: object) -> Nodes:
    """The case with its managed node group replaced by a Karpenter EC2NodeClass selecting the private subnet
    and the node security group by tags (the subnet and group carry `karpenter.sh/discovery`)."""
    discovery = {"karpenter.sh/discovery": "cluster"}
    case.subnet.props["tags"] = dict(discovery)
    case.region.node_group.props["tags"] = dict(discovery)
    body: dict[str, object] = {
        "role": "eks-nodes",
        "amiSelectorTerms": [{"alias": "al2023@latest"}],
        "subnetSelectorTerms": [{"tags": discovery}],
        "securityGroupSelectorTerms": [{"tags": discovery}],
        **spec,
    }
    node_class = Res(
        "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass",
        "default",
        {
            "apiVersion": "karpenter.k8s.aws/v1",
            "kind": "EC2NodeClass",
            "metadata": {"name": "default"},
            "spec": body,
        },
        case.region.kubernetes,
    )
    case.node_group = node_class
    return case


def test_a_host_network_pii_workload_on_private_karpenter_nodes_is_not_public() -> None:
    case = _karpenter(_nodes())
    assert violations(case.resources, POLICY) == [], messages(violations(case.resources, POLICY))


@pytest.mark.parametrize(
    "change",
    [
        {"associatePublicIPAddress": True},
        {"subnetSelectorTerms": [{"tags": {"karpenter.sh/discovery": "elsewhere"}}]},
        {"subnetSelectorTerms": [{"id": "subnet-0a1b2c3d4e5f60009"}]},
        {"securityGroupSelectorTerms": [{"id": "sg-0a1b2c3d4e5f60009"}]},
    ],
    ids=["public-address", "tags-select-no-subnet", "undeclared-subnet", "undeclared-group"],
)
def test_a_host_network_pii_workload_on_karpenter_nodes_not_shown_private_is_public(change: dict) -> None:
    case = _karpenter(_nodes(), **change)
    found = violations(case.resources, POLICY)
    assert case.database.urn in [d.urn for d in found], messages(found)
    assert "Karpenter" in _about(found, case.database)


def test_a_host_network_pii_workload_on_karpenter_nodes_in_a_public_subnet_is_public() -> None:
    case = _karpenter(_nodes())
    case.subnet.props["mapPublicIpOnLaunch"] = True
    found = violations(case.resources, POLICY)
    assert case.database.urn in [d.urn for d in found], messages(found)
    assert "mapPublicIpOnLaunch" in _about(found, case.database)


def test_karpenter_nodes_whose_selected_group_admits_the_internet_are_public() -> None:
    case = _karpenter(_nodes())
    case.region.node_group.props["ingress"] = [
        {"protocol": "tcp", "fromPort": 5432, "toPort": 5432, "cidrBlocks": ["0.0.0.0/0"]}
    ]
    found = violations(case.resources, POLICY)
    assert case.database.urn in [d.urn for d in found], messages(found)
