"""A release of a reviewed controller chart reads no data: naming the cluster or the stack's roles is no copy.

The AWS Load Balancer Controller, cert-manager, ExternalDNS and metrics-server are reviewed as controllers
that read no data (`residency_facts/charts.py`): their values name the cluster, its VPC and an IRSA role of
the stack, and a cluster labelled pii (its encrypted etcd holds PII Secrets) is no reason to fail. The places
their values name are still judged as any opaque resource's are, and a release the review does not cover
(another repository, an image of its own) stays opaque.
"""

from __future__ import annotations

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import PII
from tests.policies.helm_releases import RELEASE, release
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations, violations_of_every_rule

TRIAGED = "resource-type-triaged"


def _pii_cluster(region: Region) -> Region:
    """The baseline with its EKS cluster labelled pii."""
    region.cluster.props["tags"] = dict(PII)
    return region


def _role(region: Region) -> Res:
    return Res("aws:iam/role:Role", "lbc", {"assumeRolePolicy": UNKNOWN}, region.provider)


def _controller(region: Region, role: Res, values: dict[str, object] | None = None) -> Res:
    """The AWS Load Balancer Controller's chart naming the cluster, the region, the VPC and its IRSA role."""
    return release(
        region,
        "aws-load-balancer-controller",
        {
            "clusterName": UNKNOWN,
            "vpcId": UNKNOWN,
            "serviceAccount": {"annotations": {"eks.amazonaws.com/role-arn": UNKNOWN}},
            "region": "eu-west-1",
            **(values or {}),
        },
        "kube-system",
        deps={"values": [region.cluster, region.vpc, role]},
    )


def test_a_controller_chart_naming_a_pii_cluster_is_no_copy_of_its_data() -> None:
    region = _pii_cluster(eu_region())
    role = _role(region)
    controller = _controller(region, role)
    found = violations_of_every_rule([*region.resources, role, controller])
    assert found == [], messages(found)


def test_a_controller_chart_whose_values_name_another_region_is_still_judged_on_it() -> None:
    region = _pii_cluster(eu_region())
    role = _role(region)
    controller = _controller(region, role, {"region": "us-east-1"})
    found = violations([*region.resources, role, controller], TRIAGED)
    assert [d.urn for d in found] == [controller.urn], messages(found)
    assert "its inputs name us-east-1, outside European Union" in found[0].message


def test_a_controller_chart_the_review_does_not_cover_stays_opaque() -> None:
    region = _pii_cluster(eu_region())
    role = _role(region)
    controller = _controller(region, role, {"image": {"repository": "example/lb-controller"}})
    found = violations([*region.resources, role, controller], TRIAGED)
    assert [d.urn for d in found] == [controller.urn], messages(found)
    assert (
        "its values run the image example/lb-controller, which is not one of the chart's" in found[0].message
    )
    assert "aws:eks/cluster:Cluster 'cluster' (pii)" in found[0].message
    mirror = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/aws-load-balancer-controller"
    mirrored = _controller(region, role, {"image": {"repository": mirror}})
    assert violations([*region.resources, role, mirrored], TRIAGED) == []


def test_a_chart_installed_by_an_oci_reference_is_recognised_by_its_repository() -> None:
    region = _pii_cluster(eu_region())
    manager = Res(
        RELEASE,
        "cert-manager",
        {
            "chart": "oci://quay.io/jetstack/charts/cert-manager",
            "namespace": "cert-manager",
            "values": {"crds": {"enabled": True}, "clusterResourceNamespace": UNKNOWN},
        },
        region.kubernetes,
        deps={"values": [region.cluster]},
    )
    assert violations([*region.resources, manager], TRIAGED) == []
    manager.props["chart"] = "oci://registry.example.com/charts/cert-manager"
    found = violations([*region.resources, manager], TRIAGED)
    assert [d.urn for d in found] == [manager.urn], messages(found)
    assert "it is installed from oci://registry.example.com/charts" in found[0].message
