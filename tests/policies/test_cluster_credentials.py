"""Credentials of a cluster whose pods read PII, computed into a resource of another region (reviewer
blind-k8s13 k12): an Argo CD hub in us-east-1 holding a cluster-admin token of the EU cluster may read its
Secrets and exec into its pods, as an access entry of another account may.

The baseline is the EU cluster with a Deployment that reads the PII database, a ServiceAccount `manager`
bound to cluster-admin, its long-lived token Secret (type `kubernetes.io/service-account-token`, annotation
`kubernetes.io/service-account.name`) and a Secret of the same cluster computed from that token. Each test
changes one thing.
"""

from __future__ import annotations

import json

from tests.policies import copies
from tests.policies.baseline import Region, eu_region
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations
from tests.policies.test_anonymous_cluster_access import _binding
from tests.policies.test_cluster_access import _database_reader

NO_PII = "no-pii-replication"
MANAGER = {"kind": "ServiceAccount", "name": "manager", "namespace": "kube-system"}
HUB_KUBECONFIG = json.dumps(
    {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [
            {"name": "hub", "cluster": {"server": "https://ABCDEF0123.gr7.us-east-1.eks.amazonaws.com"}}
        ],
        "users": [
            {
                "name": "hub",
                "user": {"exec": {"command": "aws", "args": ["eks", "get-token", "--region", "us-east-1"]}},
            }
        ],
    }
)


def _token(region: Region) -> Res:
    return Res(
        "kubernetes:core/v1:Secret",
        "manager-token",
        {
            "metadata": {
                "name": "manager-token",
                "namespace": "kube-system",
                "annotations": {"kubernetes.io/service-account.name": "manager"},
            },
            "type": "kubernetes.io/service-account-token",
        },
        region.kubernetes,
    )


def _copy(token: Res, provider: Res) -> Res:
    """An Argo CD cluster Secret whose config carries the token (computed from it)."""
    return Res(
        "kubernetes:core/v1:Secret",
        "cluster-eu",
        {
            "metadata": {
                "name": "cluster-eu",
                "namespace": "argocd",
                "labels": {"argocd.argoproj.io/secret-type": "cluster"},
            },
            "stringData": {"name": "eu", "config": UNKNOWN},
        },
        provider,
        deps={"stringData": [token]},
    )


def _stack(role: str = "cluster-admin") -> tuple[Region, list[Res], Res]:
    region = eu_region()
    token = _token(region)
    resources = [*region.resources, _database_reader(region), _binding(region, [MANAGER], role), token]
    return region, resources, token


def test_a_token_copied_within_its_own_cluster_passes() -> None:
    region, resources, token = _stack()
    assert violations([*resources, _copy(token, region.kubernetes)], NO_PII) == []


def test_a_cluster_admin_token_in_a_hub_cluster_of_another_region_is_cluster_access_there() -> None:
    _, resources, token = _stack()
    hub = Res("pulumi:providers:kubernetes", "hub", {"kubeconfig": HUB_KUBECONFIG})
    copy = _copy(token, hub)
    found = violations([*resources, hub, copy], NO_PII)
    assert [d.urn for d in found] == [copy.urn], messages(found)
    assert "us-east-1" in found[0].message and "manager-token" in found[0].message


def test_a_token_in_a_cluster_that_cannot_be_traced_fails_closed() -> None:
    _, resources, token = _stack()
    elsewhere = Res("pulumi:providers:kubernetes", "elsewhere", {"kubeconfig": UNKNOWN})
    copy = _copy(token, elsewhere)
    found = violations([*resources, elsewhere, copy], NO_PII)
    assert [d.urn for d in found] == [copy.urn], messages(found)


def test_a_token_kept_in_a_secret_of_another_regions_secrets_manager_is_cluster_access_there() -> None:
    _, resources, token = _stack()
    mumbai = copies.mumbai()
    secret = Res("aws:secretsmanager/secret:Secret", "eu-cluster", {"name": "eu-cluster"}, mumbai)
    version = Res(
        "aws:secretsmanager/secretVersion:SecretVersion",
        "eu-cluster",
        {"secretId": UNKNOWN, "secretString": UNKNOWN},
        mumbai,
        deps={"secretId": [secret], "secretString": [token]},
    )
    found = violations([*resources, mumbai, secret, version], NO_PII)
    assert version.urn in [d.urn for d in found], messages(found)


def test_a_token_whose_account_has_no_right_over_the_data_passes() -> None:
    # system:discovery reads no object: the hub can list the API's groups, nothing of the data.
    _, resources, token = _stack("system:discovery")
    hub = Res("pulumi:providers:kubernetes", "hub", {"kubeconfig": HUB_KUBECONFIG})
    assert violations([*resources, hub, _copy(token, hub)], NO_PII) == []
