"""An ALB IngressGroup is one load balancer: a member is as public as the group's most open member.

The AWS Load Balancer Controller merges every Ingress that names the same
`alb.ingress.kubernetes.io/group.name` (or whose IngressClassParams set `spec.group.name`) into one ALB.
An Ingress to the PII database that asks for no scheme is internal on its own, but not when a sibling in
its group asks for internet-facing.
"""

from __future__ import annotations

import json

from tests.policies.baseline import Region, eu_region
from tests.policies.policy_harness import UNKNOWN, Res, kubernetes_provider, messages, violations
from tests.policies.test_flows import _deployment, _ingress, _pii_database_in_the_cluster, _service

EXPOSED = "pii-not-public"
GROUP = "alb.ingress.kubernetes.io/group.name"


def _group(region: Region, sibling_scheme: str, group: object = "shared") -> tuple[list[Res], Res]:
    """The PII database's admin Ingress (no scheme of its own) and an assets Ingress, both in one group."""
    database = _pii_database_in_the_cluster(region)
    admin = _ingress(region, "customers-db", "internal")
    del admin.props["metadata"]["annotations"]["alb.ingress.kubernetes.io/scheme"]
    admin.props["metadata"]["annotations"][GROUP] = group
    assets = _ingress(region, "assets", sibling_scheme)
    assets.name = "assets"
    assets.props["metadata"]["name"] = "assets"
    assets.props["metadata"]["annotations"][GROUP] = "shared"
    resources = [
        *region.resources,
        database,
        _service(region, "customers-db", "customers-db"),
        _deployment(region, "assets"),
        _service(region, "assets", "assets"),
        admin,
        assets,
    ]
    return resources, admin


def test_an_ingress_group_whose_members_are_all_internal_stays_private() -> None:
    resources, _ = _group(eu_region(), "internal")
    assert violations(resources, EXPOSED) == []


def test_a_sibling_that_asks_for_internet_facing_makes_the_groups_balancer_public() -> None:
    resources, admin = _group(eu_region(), "internet-facing")
    found = [d for d in violations(resources, EXPOSED) if d.urn == admin.urn]
    assert found, messages(violations(resources, EXPOSED))
    assert "StatefulSet 'customers-db'" in found[0].message
    assert "it shares the load balancer of its IngressGroup 'shared' with" in found[0].message
    assert "Ingress 'assets', where its load balancer is internet-facing" in found[0].message


def test_a_group_set_by_the_ingress_class_params_joins_the_group_too() -> None:
    region = eu_region()
    resources, admin = _group(region, "internet-facing")
    del admin.props["metadata"]["annotations"][GROUP]
    admin.props["spec"]["ingressClassName"] = "alb-shared"
    ingress_class = Res(
        "kubernetes:networking.k8s.io/v1:IngressClass",
        "alb-shared",
        {
            "metadata": {"name": "alb-shared"},
            "spec": {
                "controller": "ingress.k8s.aws/alb",
                "parameters": {"apiGroup": "elbv2.k8s.aws", "kind": "IngressClassParams", "name": "shared"},
            },
        },
        region.kubernetes,
    )
    params = Res(
        "kubernetes:elbv2.k8s.aws/v1beta1:IngressClassParams",
        "shared",
        {
            "apiVersion": "elbv2.k8s.aws/v1beta1",
            "kind": "IngressClassParams",
            "metadata": {"name": "shared"},
            "spec": {"group": {"name": "shared"}},
        },
        region.kubernetes,
    )
    found = [d for d in violations([*resources, ingress_class, params], EXPOSED) if d.urn == admin.urn]
    assert found and "IngressGroup 'shared'" in found[0].message


def test_a_group_name_unknown_at_preview_may_be_the_public_group() -> None:
    resources, admin = _group(eu_region(), "internet-facing", group=UNKNOWN)
    found = [d for d in violations(resources, EXPOSED) if d.urn == admin.urn]
    assert found and "IngressGroup" in found[0].message


def _through_a_second_provider(region: Region, resources: list[Res], sibling_name: str = "assets") -> Res:
    """Declare the group's sibling (and its backend) through a second provider of the same EKS cluster, as a
    program does that keeps one provider per team or namespace: both objects land in the one cluster."""
    second = kubernetes_provider(region.cluster, "eu-cluster-assets")
    for resource in resources:
        if resource.props.get("metadata", {}).get("name") == sibling_name:
            resource.provider = second
    resources.append(second)
    return second


def test_a_sibling_declared_through_another_provider_of_the_same_cluster_is_in_the_group() -> None:
    """The IngressGroup is the cluster's: a sibling that asks for internet-facing puts the PII database's
    Ingress on the internet whichever provider object declared it (reviewer blind-k8s10)."""
    region = eu_region()
    resources, admin = _group(region, "internet-facing")
    _through_a_second_provider(region, resources)
    found = [d for d in violations(resources, EXPOSED) if d.urn == admin.urn]
    assert found and "IngressGroup 'shared'" in found[0].message, messages(violations(resources, EXPOSED))


def test_an_internal_sibling_declared_through_another_provider_of_the_same_cluster_stays_private() -> None:
    region = eu_region()
    resources, _ = _group(region, "internal")
    _through_a_second_provider(region, resources)
    assert violations(resources, EXPOSED) == []


def test_a_sibling_in_another_cluster_is_in_another_group() -> None:
    """Group names are a cluster's: the same name on another cluster's Ingress is another load balancer."""
    region = eu_region()
    resources, admin = _group(region, "internet-facing")
    other_cluster = Res("aws:eks/cluster:Cluster", "eu-tools", {"name": "eu-tools"}, region.provider)
    resources.append(other_cluster)
    for resource in resources:
        if resource.props.get("metadata", {}).get("name") == "assets":
            resource.provider = kubernetes_provider(other_cluster, "eu-tools")
    resources.append(kubernetes_provider(other_cluster, "eu-tools"))
    found = [d for d in violations(resources, EXPOSED) if d.urn == admin.urn]
    assert found == [], messages(found)


def test_a_sibling_through_another_provider_whose_kubeconfig_is_unknown_is_in_another_cluster() -> None:
    """Two kubeconfigs unknown at preview, built from nothing the stack declares, are not one cluster."""
    region = eu_region()
    resources, admin = _group(region, "internet-facing")
    for resource in resources:
        if resource.props.get("metadata", {}).get("name") == "assets":
            resource.provider = Res("pulumi:providers:kubernetes", "elsewhere", {"kubeconfig": UNKNOWN})
    resources.append(Res("pulumi:providers:kubernetes", "elsewhere", {"kubeconfig": UNKNOWN}))
    region.kubernetes.deps = {}
    found = [d for d in violations(resources, EXPOSED) if d.urn == admin.urn]
    assert not any("IngressGroup 'shared' with" in d.message for d in found), messages(found)


ENDPOINT = "https://0123456789ABCDEF0123456789ABCDEF.gr7.eu-west-1.eks.amazonaws.com"
YAML_KUBECONFIG = f"""apiVersion: v1
kind: Config
clusters:
- cluster:
    server: {ENDPOINT}
    certificate-authority-data: LS0tLS1CRUdJTg==
  name: eu
contexts:
- context: {{cluster: eu, user: team-a}}
  name: team-a
current-context: team-a
users:
- name: team-a
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: aws
      args: [eks, get-token, --cluster-name, eu-cluster, --region, eu-west-1,
             --role-arn, arn:aws:iam::123456789012:role/team-a]
"""


def _json_kubeconfig(server: str, cluster_name: str = "eu-cluster") -> str:
    return json.dumps(
        {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [
                {"name": "eks", "cluster": {"server": server, "certificate-authority-data": "LS0t"}}
            ],
            "contexts": [{"name": "assets", "context": {"cluster": "eks", "user": "assets"}}],
            "current-context": "assets",
            "users": [
                {
                    "name": "assets",
                    "user": {
                        "exec": {
                            "apiVersion": "client.authentication.k8s.io/v1beta1",
                            "command": "aws",
                            "args": ["eks", "get-token", "--cluster-name", cluster_name],
                        }
                    },
                }
            ],
        }
    )


def _through_providers(
    region: Region, admin_kubeconfig: str | None, assets_kubeconfig: str
) -> tuple[list[Res], Res]:
    """The admin Ingress's objects through a provider with `admin_kubeconfig` (None: the baseline provider,
    built from the EKS cluster), the assets Ingress's through another with `assets_kubeconfig`."""
    resources, admin = _group(region, "internet-facing")
    if admin_kubeconfig is not None:
        region.kubernetes.props["kubeconfig"] = admin_kubeconfig
        region.kubernetes.deps = {}
    assets = Res("pulumi:providers:kubernetes", "assets", {"kubeconfig": assets_kubeconfig})
    for resource in resources:
        if resource.props.get("metadata", {}).get("name") == "assets":
            resource.provider = assets
    return [*resources, assets], admin


def test_two_kubeconfig_texts_that_name_one_api_server_are_one_cluster() -> None:
    """Each team's kubeconfig is its own text (YAML or JSON, its own user and role), but both reach the same
    API server: the sibling is in the PII Ingress's group."""
    resources, admin = _through_providers(eu_region(), YAML_KUBECONFIG, _json_kubeconfig(ENDPOINT))
    found = [d for d in violations(resources, EXPOSED) if d.urn == admin.urn]
    assert found and "IngressGroup 'shared'" in found[0].message, messages(violations(resources, EXPOSED))


def test_a_kubeconfig_text_that_gets_its_token_for_the_stacks_cluster_is_that_cluster() -> None:
    """`aws eks get-token --cluster-name eu-cluster` authenticates to the stack's cluster of that name: the
    same cluster as the provider built from its outputs, whatever server the text names."""
    region = eu_region()
    region.cluster.props["name"] = "eu-cluster"
    resources, admin = _through_providers(region, None, _json_kubeconfig("https://eu-cluster.internal:443"))
    found = [d for d in violations(resources, EXPOSED) if d.urn == admin.urn]
    assert found and "IngressGroup 'shared'" in found[0].message, messages(violations(resources, EXPOSED))


def test_kubeconfig_texts_of_two_api_servers_are_two_clusters() -> None:
    other = "https://FEDCBA9876543210FEDCBA9876543210.gr7.eu-west-1.eks.amazonaws.com"
    resources, admin = _through_providers(eu_region(), YAML_KUBECONFIG, _json_kubeconfig(other, "eu-tools"))
    found = [d for d in violations(resources, EXPOSED) if d.urn == admin.urn]
    assert found == [], messages(found)
