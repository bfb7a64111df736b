"""A binding to `system:authenticated` in a cluster that signs in a public OpenID Connect issuer's users.

`system:authenticated` is every request the API server authenticates. On EKS with IAM alone those are the
identities an access entry or the aws-auth ConfigMap maps (judged as cluster access grants). An EKS
IdentityProviderConfig adds every user its issuer signs in: Google's issuer signs in anyone with a Google
account, GitHub Actions' issuer anyone's workflow, whatever audience they ask for. Binding a role that reads
objects to that group, on a public endpoint of a cluster that holds or reads PII, gives it to anyone with
such an account (reviewer blind-k8s10). Each test is the compliant baseline with a Deployment that reads the
PII database, an identity provider and a binding; one change per test.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations
from tests.policies.test_anonymous_cluster_access import _binding
from tests.policies.test_cluster_access import _database_reader

POLICY = "pii-not-public"
AUTHENTICATED = {"kind": "Group", "name": "system:authenticated", "apiGroup": "rbac.authorization.k8s.io"}
COMPANY = "https://example.okta.com/oauth2/default"


def _identity_provider(region: Region, issuer: object, **oidc: Any) -> Res:
    return Res(
        "aws:eks/identityProviderConfig:IdentityProviderConfig",
        "sign-in",
        {
            "clusterName": UNKNOWN,
            "oidc": {
                "clientId": "residency-console",
                "identityProviderConfigName": "sign-in",
                "issuerUrl": issuer,
                **oidc,
            },
        },
        region.provider,
        deps={"clusterName": [region.cluster]},
    )


def _stack(
    issuer: object, subjects: list[dict[str, str]] | None = None, **oidc: Any
) -> tuple[list[Res], Res]:
    region = eu_region()
    binding = _binding(region, subjects or [AUTHENTICATED], "view")
    resources = [
        *region.resources,
        _database_reader(region),
        _identity_provider(region, issuer, **oidc),
        binding,
    ]
    return resources, binding


def test_authenticated_users_of_the_companys_own_issuer_are_the_deployments_users() -> None:
    resources, _ = _stack(COMPANY)
    assert violations(resources, POLICY) == []


@pytest.mark.parametrize(
    "issuer",
    ["https://accounts.google.com", "https://token.actions.githubusercontent.com/"],
    ids=["google", "github"],
)
def test_authenticated_users_of_a_public_issuer_are_anyone_with_an_account(issuer: str) -> None:
    resources, binding = _stack(issuer)
    found = violations(resources, POLICY)
    assert [d.urn for d in found] == [binding.urn], messages(found)
    assert "system:authenticated" in found[0].message and issuer.rstrip("/") in found[0].message


def test_an_issuer_unknown_at_preview_may_be_a_public_one() -> None:
    resources, binding = _stack(UNKNOWN)
    found = violations(resources, POLICY)
    assert [d.urn for d in found] == [binding.urn], messages(found)


def test_required_claims_narrow_a_public_issuer_to_the_organisations_users() -> None:
    """Google's `hd` claim is the account's Workspace domain: required, only the organisation signs in."""
    resources, _ = _stack("https://accounts.google.com", requiredClaims={"hd": "example.com"})
    assert violations(resources, POLICY) == []


def test_a_named_user_of_a_public_issuer_is_one_person() -> None:
    subject = {"kind": "User", "name": "oidc:alice@example.com", "apiGroup": "rbac.authorization.k8s.io"}
    resources, _ = _stack("https://accounts.google.com", [subject])
    assert violations(resources, POLICY) == []


def test_authenticated_users_of_a_public_issuer_on_a_private_endpoint_cannot_reach_it() -> None:
    resources, _ = _stack("https://accounts.google.com")
    cluster = next(r for r in resources if r.type == "aws:eks/cluster:Cluster")
    cluster.props["vpcConfig"] = {"endpointPublicAccess": False, "endpointPrivateAccess": True}
    assert violations(resources, POLICY) == []


# Whose identities the issuer vouches for (reviewer blind-k8s13 k11): a workload issuer signs in code that
# runs elsewhere, whatever the binding. Judged by no-pii-replication as cluster access given outside the
# deployment.

NO_PII = "no-pii-replication"
OTHER_REGION_CLUSTER = "https://oidc.eks.us-east-1.amazonaws.com/id/8F2C4B1D9E7A6C5B3A2D1E0F9C8B7A6D"
SERVICE_ACCOUNT = {
    "kind": "User",
    "name": "reporting:system:serviceaccount:reporting:exporter",
    "apiGroup": "rbac.authorization.k8s.io",
}


def _provider_of(resources: list[Res]) -> Res:
    return next(r for r in resources if r.type == "aws:eks/identityProviderConfig:IdentityProviderConfig")


def test_the_companys_own_issuer_gives_no_cluster_access_outside_the_deployment() -> None:
    resources, _ = _stack(COMPANY, [SERVICE_ACCOUNT])
    assert violations(resources, NO_PII) == []


@pytest.mark.parametrize(
    ("issuer", "said"),
    [
        (OTHER_REGION_CLUSTER, "us-east-1"),
        ("https://oidc.eks.eu-west-1.amazonaws.com/id/0A1B2C3D4E5F60718293A4B5C6D7E8F9", "cannot be traced"),
        ("https://token.actions.githubusercontent.com", "GitHub Actions"),
        ("https://container.googleapis.com/v1/projects/acme/locations/us-central1/clusters/etl", "GKE"),
    ],
    ids=["eks-other-region", "eks-not-the-stacks", "github-actions", "gke"],
)
def test_an_issuer_of_workloads_elsewhere_gives_them_access_to_the_cluster(issuer: str, said: str) -> None:
    resources, _ = _stack(issuer, [SERVICE_ACCOUNT], usernamePrefix="reporting:")
    provider = _provider_of(resources)
    found = violations(resources, NO_PII)
    assert [d.urn for d in found] == [provider.urn], messages(found)
    assert said in found[0].message


def test_the_issuer_of_the_stacks_own_cluster_in_its_region_is_the_deployments() -> None:
    resources, _ = _stack(UNKNOWN, [SERVICE_ACCOUNT])
    provider = _provider_of(resources)
    cluster = next(r for r in resources if r.type == "aws:eks/cluster:Cluster")
    provider.deps["oidc"] = [cluster]
    assert violations(resources, NO_PII) == []


def test_an_issuer_unknown_at_preview_that_no_cluster_of_the_stack_gives_fails_closed() -> None:
    resources, _ = _stack(UNKNOWN, [SERVICE_ACCOUNT])
    found = violations(resources, NO_PII)
    assert [d.urn for d in found] == [_provider_of(resources).urn], messages(found)
