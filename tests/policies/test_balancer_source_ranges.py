"""An internal load balancer that admits another network's CIDR is reachable from it (reviewer blind-k8s12,
l15).

A CloudNativePG PII cluster's additional Service (an internal NLB) admitted `loadBalancerSourceRanges:
[10.20.0.0/16]`, the peer region's VPC, reachable over a peering connection: it passed, as source ranges were
not read. A LoadBalancer Service's `spec.loadBalancerSourceRanges` (and the
`service.beta.kubernetes.io/load-balancer-source-ranges` annotation) must lie inside its cluster's VPC. Each
test is the baseline (the cluster in the region's VPC, 10.10.0.0/16, a PII cluster published by an internal
NLB template) and one change of the ranges.
"""

from __future__ import annotations

from typing import Any

from tests.policies.baseline import Region, eu_region
from tests.policies.operator_objects import custom_resource
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

POLICY = "pii-not-public"
PII = {"data-classification": "pii"}
INTERNAL = {
    "service.beta.kubernetes.io/aws-load-balancer-type": "external",
    "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
    "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
}


def _stack(ranges: list[str] | None, annotation: str | None = None) -> tuple[list[Res], Res]:
    region: Region = eu_region()
    subnet = Res(
        "aws:ec2/subnet:Subnet",
        "private-a",
        {"vpcId": UNKNOWN, "cidrBlock": "10.10.1.0/24", "mapPublicIpOnLaunch": False},
        region.provider,
        deps={"vpcId": [region.vpc]},
    )
    region.cluster.props["vpcConfig"] = {"subnetIds": [UNKNOWN], "endpointPublicAccess": False}
    region.cluster.deps = {**region.cluster.deps, "vpcConfig": [subnet]}
    annotations = dict(INTERNAL)
    if annotation is not None:
        annotations["service.beta.kubernetes.io/load-balancer-source-ranges"] = annotation
    spec: dict[str, Any] = {"type": "LoadBalancer"}
    if ranges is not None:
        spec["loadBalancerSourceRanges"] = ranges
    cluster = custom_resource(
        region,
        "postgresql.cnpg.io/v1",
        "Cluster",
        "customers",
        {
            "instances": 3,
            "storage": {"size": "20Gi", "storageClass": "telemetry-gp3"},
            "managed": {
                "services": {
                    "additional": [
                        {
                            "selectorType": "rw",
                            "serviceTemplate": {
                                "metadata": {"name": "customers-peer", "annotations": annotations},
                                "spec": spec,
                            },
                        }
                    ]
                }
            },
        },
        labels=PII,
        protect=True,
    )
    return [*region.resources, subnet, cluster], cluster


def test_an_internal_balancer_admitting_only_its_vpc_is_not_public() -> None:
    resources, cluster = _stack(["10.10.0.0/16"])
    assert [d for d in violations(resources, POLICY) if d.urn == cluster.urn] == []


def test_an_internal_balancer_admitting_another_network_is_reachable_from_it() -> None:
    for ranges, annotation in ((["10.20.0.0/16"], None), (None, "10.10.0.0/16, 10.20.0.0/16")):
        resources, cluster = _stack(ranges, annotation)
        found = [d for d in violations(resources, POLICY) if d.urn == cluster.urn]
        assert "10.20.0.0/16" in messages(found), messages(violations(resources, POLICY))
