"""resource-type-triaged: where a controller creates an untriaged kind's resources, read from the objects it
takes that from, in a stack that holds personal data: an ACK Namespace's cross-account annotations and
default region (reviewer blind-k8s14 a03), a Crossplane managed resource's ProviderConfig (blind-k8s14 a17),
and a Dapr Component's type, which may be another cloud's service (blind-k8s14 a15)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.policy_harness import Res, messages, violations

POLICY = "resource-type-triaged"
OTHER = "999999999999"
OWN = "123456789012"


def _namespace(region: Region, annotations: dict[str, str]) -> Res:
    return Res(
        "kubernetes:core/v1:Namespace",
        "partner-exports",
        {"metadata": {"name": "partner-exports", "annotations": annotations}},
        region.kubernetes,
    )


def _ack_bucket(region: Region) -> Res:
    return Res(
        "kubernetes:s3.services.k8s.aws/v1alpha1:Bucket",
        "partner-drop",
        {
            "metadata": {"name": "partner-drop", "namespace": "partner-exports"},
            "spec": {"name": "partner-drop"},
        },
        region.kubernetes,
    )


def _team_map(region: Region, account: str) -> Res:
    return Res(
        "kubernetes:core/v1:ConfigMap",
        "ack-role-team-map",
        {
            "metadata": {"name": "ack-role-team-map", "namespace": "ack-system"},
            "data": {"partners": f"arn:aws:iam::{account}:role/ack-s3-controller"},
        },
        region.kubernetes,
    )


@pytest.mark.parametrize(("account", "blocked"), [(OTHER, True), (OWN, False)])
def test_an_ack_resource_of_a_namespace_owned_by_another_account_is_blocked(
    account: str, blocked: bool
) -> None:
    region = eu_region()
    namespace = _namespace(region, {"services.k8s.aws/owner-account-id": account})
    bucket = _ack_bucket(region)
    found = violations([*region.resources, namespace, bucket], POLICY)
    assert [d.urn for d in found] == ([bucket.urn] if blocked else []), messages(found)
    if blocked:
        assert f"account {OTHER}" in found[0].message
        assert "services.k8s.aws/owner-account-id" in found[0].message
        assert "outside this deployment's accounts" in found[0].message


@pytest.mark.parametrize(("account", "blocked"), [(OTHER, True), (OWN, False), (None, True)])
def test_an_ack_resource_of_a_team_mapped_to_another_account_is_blocked(
    account: str | None, blocked: bool
) -> None:
    region = eu_region()
    namespace = _namespace(region, {"services.k8s.aws/team-id": "partners"})
    bucket = _ack_bucket(region)
    team_map = [_team_map(region, account)] if account else []
    found = violations([*region.resources, namespace, *team_map, bucket], POLICY)
    assert [d.urn for d in found] == ([bucket.urn] if blocked else []), messages(found)
    if account == OTHER:
        assert f"account {OTHER}" in found[0].message
    elif account is None:
        assert "an account that cannot be traced" in found[0].message


def test_an_ack_owner_account_is_the_account_of_the_role_its_account_map_gives() -> None:
    region = eu_region()
    namespace = _namespace(region, {"services.k8s.aws/owner-account-id": OWN})
    account_map = Res(
        "kubernetes:core/v1:ConfigMap",
        "ack-role-account-map",
        {
            "metadata": {"name": "ack-role-account-map", "namespace": "ack-system"},
            "data": {f"s3.{OWN}": f"arn:aws:iam::{OTHER}:role/ack-s3-controller"},
        },
        region.kubernetes,
    )
    bucket = _ack_bucket(region)
    found = violations([*region.resources, namespace, account_map, bucket], POLICY)
    assert [d.urn for d in found] == [bucket.urn], messages(found)
    assert f"ack-role-account-map maps to arn:aws:iam::{OTHER}:role/ack-s3-controller" in found[0].message


@pytest.mark.parametrize(
    ("endpoint", "blocked"),
    [("http://localstack.dev.example.net:4566", True), ("https://s3.eu-west-1.amazonaws.com", False)],
)
def test_an_ack_resource_of_a_namespace_calling_an_endpoint_outside_aws_is_blocked(
    endpoint: str, blocked: bool
) -> None:
    region = eu_region()
    namespace = _namespace(region, {"services.k8s.aws/endpoint-url": endpoint})
    bucket = _ack_bucket(region)
    found = violations([*region.resources, namespace, bucket], POLICY)
    assert [d.urn for d in found] == ([bucket.urn] if blocked else []), messages(found)


@pytest.mark.parametrize(("region_name", "blocked"), [("us-east-1", True), ("eu-west-1", False)])
def test_an_ack_resource_of_a_namespace_defaulting_to_another_region_is_blocked(
    region_name: str, blocked: bool
) -> None:
    region = eu_region()
    namespace = _namespace(region, {"services.k8s.aws/default-region": region_name})
    bucket = _ack_bucket(region)
    found = violations([*region.resources, namespace, bucket], POLICY)
    assert [d.urn for d in found] == ([bucket.urn] if blocked else []), messages(found)


def _provider_config(region: Region, account: str, name: str = "partner") -> Res:
    return Res(
        "kubernetes:aws.upbound.io/v1beta1:ProviderConfig",
        name,
        {
            "metadata": {"name": name},
            "spec": {
                "credentials": {"source": "IRSA"},
                "assumeRoleChain": [{"roleARN": f"arn:aws:iam::{account}:role/crossplane-partner-drop"}],
            },
        },
        region.kubernetes,
    )


def _crossplane_bucket(region: Region, reference: str | None) -> Res:
    spec: dict[str, Any] = {"forProvider": {"region": "eu-west-1"}}
    if reference is not None:
        spec["providerConfigRef"] = {"name": reference}
    return Res(
        "kubernetes:s3.aws.upbound.io/v1beta1:Bucket",
        "partner-drop-eu",
        {"metadata": {"name": "partner-drop-eu"}, "spec": spec},
        region.kubernetes,
    )


@pytest.mark.parametrize(("account", "blocked"), [(OTHER, True), (OWN, False)])
def test_a_crossplane_provider_config_assuming_a_role_of_another_account_blocks_what_uses_it(
    account: str, blocked: bool
) -> None:
    region = eu_region()
    config = _provider_config(region, account)
    bucket = _crossplane_bucket(region, "partner")
    found = violations([*region.resources, config, bucket], POLICY)
    assert sorted(d.urn for d in found) == (sorted([config.urn, bucket.urn]) if blocked else []), messages(
        found
    )
    if blocked:
        on_bucket = next(d for d in found if d.urn == bucket.urn)
        assert f"a role of account {OTHER}" in on_bucket.message
        assert (
            "assumed through its ProviderConfig kubernetes:aws.upbound.io/v1beta1:ProviderConfig 'partner'"
            in (on_bucket.message)
        )


def test_a_crossplane_managed_resource_without_a_reference_uses_the_default_provider_config() -> None:
    region = eu_region()
    config = _provider_config(region, OTHER, name="default")
    bucket = _crossplane_bucket(region, None)
    found = violations([*region.resources, config, bucket], POLICY)
    assert bucket.urn in [d.urn for d in found], messages(found)


def _dapr_component(region: Region, kind: str, metadata: list[dict[str, Any]]) -> Res:
    return Res(
        "kubernetes:dapr.io/v1alpha1:Component",
        "statestore",
        {
            "metadata": {"name": "statestore", "namespace": "app"},
            "spec": {"type": kind, "version": "v1", "metadata": metadata},
        },
        region.kubernetes,
    )


@pytest.mark.parametrize(
    "kind", ["state.azure.cosmosdb", "bindings.gcp.bucket", "pubsub.gcp.pubsub", "secretstores.alicloud.kms"]
)
def test_a_dapr_component_of_another_clouds_service_is_blocked(kind: str) -> None:
    region = eu_region()
    component = _dapr_component(region, kind, [{"name": "url", "value": "https://acme.example.net/"}])
    found = violations([*region.resources, component], POLICY)
    assert [d.urn for d in found] == [component.urn], messages(found)
    assert f"the Dapr component type '{kind}'" in found[0].message
    assert "outside AWS" in found[0].message


def test_a_dapr_component_of_an_aws_service_in_the_region_passes() -> None:
    region = eu_region()
    component = _dapr_component(
        region,
        "state.aws.dynamodb",
        [{"name": "table", "value": "sessions"}, {"name": "region", "value": "eu-west-1"}],
    )
    assert violations([*region.resources, component], POLICY) == []
