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
