"""An RBAC binding to the anonymous user (system:anonymous) or to the system:unauthenticated group lets anyone
who reaches the cluster's API endpoint act with the bound role without credentials.

EKS's endpoint is public unless `vpcConfig.endpointPublicAccess` is false (or its `publicAccessCidrs` admit
only private ranges). A binding of a role that reads objects, in a cluster that holds or reads PII, puts what
the role reads (Secrets, the pods' configuration, exec into them) on the internet. Each test is the compliant
baseline plus a Deployment reading the PII database and one change.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.policy_harness import Res, messages, violations
from tests.policies.test_cluster_access import _database_reader

POLICY = "pii-not-public"
ANONYMOUS = {"kind": "User", "name": "system:anonymous", "apiGroup": "rbac.authorization.k8s.io"}
UNAUTHENTICATED = {"kind": "Group", "name": "system:unauthenticated", "apiGroup": "rbac.authorization.k8s.io"}


def _binding(region: Region, subjects: list[dict[str, str]], role: str = "cluster-admin") -> Res:
    return Res(
        "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
        "open",
        {
            "metadata": {"name": "open"},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role},
            "subjects": subjects,
        },
        region.kubernetes,
    )


def _cluster(region: Region, vpc_config: dict[str, Any] | None = None) -> Region:
    if vpc_config is not None:
        region.cluster.props["vpcConfig"] = vpc_config
    return region


@pytest.mark.parametrize("subjects", [[ANONYMOUS], [UNAUTHENTICATED]], ids=["anonymous", "unauthenticated"])
def test_a_binding_for_anonymous_requests_on_a_public_endpoint_exposes_what_the_pods_read(
    subjects: list[dict[str, str]],
) -> None:
    region = _cluster(eu_region())
    binding = _binding(region, subjects)
    found = [d for d in violations([*region.resources, _database_reader(region), binding], POLICY)]
    assert [d.urn for d in found] == [binding.urn], messages(found)
    assert "cluster-admin" in found[0].message and subjects[0]["name"] in found[0].message


@pytest.mark.parametrize(
    "vpc_config",
    [
        {"endpointPublicAccess": False, "endpointPrivateAccess": True},
        {"endpointPublicAccess": True, "publicAccessCidrs": ["10.0.0.0/8"]},
    ],
    ids=["private-endpoint", "private-cidrs"],
)
def test_a_binding_for_anonymous_requests_the_endpoint_does_not_take_exposes_nothing(
    vpc_config: dict[str, Any],
) -> None:
    region = _cluster(eu_region(), vpc_config)
    binding = _binding(region, [ANONYMOUS])
    assert violations([*region.resources, _database_reader(region), binding], POLICY) == []


def test_a_binding_of_a_role_that_reads_no_object_or_in_a_cluster_without_pii_exposes_nothing() -> None:
    region = _cluster(eu_region())
    discovery = _binding(region, [UNAUTHENTICATED], "system:public-info-viewer")
    assert violations([*region.resources, _database_reader(region), discovery], POLICY) == []
    reader = _database_reader(region)
    reader.deps = {}
    assert violations([*region.resources, reader, _binding(region, [ANONYMOUS])], POLICY) == []


def test_a_named_user_is_no_anonymous_request() -> None:
    region = _cluster(eu_region())
    binding = _binding(region, [{"kind": "User", "name": "ops", "apiGroup": "rbac.authorization.k8s.io"}])
    assert violations([*region.resources, _database_reader(region), binding], POLICY) == []
