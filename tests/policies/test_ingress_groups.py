"""An ALB IngressGroup is one load balancer: a member is as public as the group's most open member.

The AWS Load Balancer Controller merges every Ingress that names the same
`alb.ingress.kubernetes.io/group.name` (or whose IngressClassParams set `spec.group.name`) into one ALB.
An Ingress to the PII database that asks for no scheme is internal on its own, but not when a sibling in
its group asks for internet-facing.
"""

from __future__ import annotations

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
