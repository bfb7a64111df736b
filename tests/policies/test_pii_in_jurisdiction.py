"""pii-in-jurisdiction: every PII and telemetry resource lives in an allowed region of its jurisdiction."""

from __future__ import annotations

import copy
import json

import pytest

from residency_policies.settings import SettingsError
from tests.policies.baseline import eu_region
from tests.policies.policy_harness import (
    EU_CONFIG,
    INDIA_CONFIG,
    UNKNOWN,
    Res,
    aws_provider,
    configured_servicer,
    messages,
    run_pack,
    violations,
)

POLICY = "pii-in-jurisdiction"


def test_compliant_baseline_has_no_violation() -> None:
    assert violations(eu_region().resources, POLICY) == []


def test_pii_through_a_provider_in_another_region_is_blocked() -> None:
    region = eu_region()
    region.database.provider = aws_provider("virginia", "us-east-1")
    found = violations(region.resources, POLICY)
    assert [d.urn for d in found] == [region.database.urn]
    assert "placed in us-east-1, outside European Union" in found[0].message
    assert "GDPR" in found[0].message


def test_own_region_input_overrides_the_provider_region() -> None:
    region = eu_region()
    region.database.props["region"] = "ap-south-1"
    found = violations(region.resources, POLICY)
    assert [d.urn for d in found] == [region.database.urn]
    assert "ap-south-1" in found[0].message


def test_own_region_input_in_the_jurisdiction_passes_whatever_the_provider() -> None:
    region = eu_region()
    region.database.provider = aws_provider("virginia", "us-east-1")
    region.database.props["region"] = "eu-west-1"
    assert violations(region.resources, POLICY) == []


def test_pii_whose_provider_has_no_region_is_blocked() -> None:
    region = eu_region()
    region.database.provider = aws_provider("ambient", None)
    found = violations(region.resources, POLICY)
    assert [d.urn for d in found] == [region.database.urn]
    assert "region is not set" in found[0].message


def test_pii_region_unknown_at_preview_is_a_mandatory_violation_not_an_advisory_note() -> None:
    region = eu_region()
    region.database.props["region"] = UNKNOWN
    found = [d for d in run_pack(region.resources) if d.policy == POLICY]
    assert [(d.urn, d.level) for d in found] == [(region.database.urn, "mandatory")]
    assert "unknown at preview" in found[0].message


def test_region_of_the_jurisdiction_outside_the_configured_regions_is_blocked() -> None:
    region = eu_region()
    region.database.props["region"] = "eu-central-1"
    found = violations(region.resources, POLICY)
    assert [d.urn for d in found] == [region.database.urn]
    # Frankfurt is in the EU: the message says the stack's config narrows it, not that it is outside the EU.
    assert "in eu-central-1, outside this stack's allowed regions (eu-west-1)" in found[0].message
    every_eu_region = copy.deepcopy(EU_CONFIG)
    every_eu_region[POLICY]["allowedRegions"] = []
    assert violations(region.resources, POLICY, every_eu_region) == []


def test_telemetry_on_a_cluster_in_another_region_is_blocked() -> None:
    region = eu_region()
    region.cluster.provider = aws_provider("virginia", "us-east-1")
    found = violations(region.resources, POLICY)
    assert region.telemetry.urn in [d.urn for d in found]
    assert "telemetry resource is placed in us-east-1" in "\n".join(d.message for d in found)


def test_kubernetes_region_read_from_the_kubeconfig_when_there_is_no_lineage() -> None:
    region = eu_region()
    region.kubernetes.deps = {}
    region.kubernetes.props["kubeconfig"] = (
        "users: [{user: {exec: {args: [eks, get-token, --region, us-east-1]}}}]"
    )
    assert region.telemetry.urn in [d.urn for d in violations(region.resources, POLICY)]
    region.kubernetes.props["kubeconfig"] = (
        "users: [{user: {exec: {args: [eks, get-token, --region, eu-west-1]}}}]"
    )
    assert violations(region.resources, POLICY) == []


def test_a_kubeconfig_from_the_cluster_that_also_names_a_cluster_elsewhere_is_not_the_clusters_region() -> (
    None
):
    """Lineage says where the kubeconfig came from, not which of its entries the provider uses."""
    region = eu_region()
    region.kubernetes.props["kubeconfig"] = (
        "clusters: [{name: eu, cluster: {server: 'https://A.gr7.eu-west-1.eks.amazonaws.com'}},"
        " {name: us, cluster: {server: 'https://B.gr7.us-east-1.eks.amazonaws.com'}}]"
    )
    found = violations(region.resources, POLICY)
    assert region.telemetry.urn in [d.urn for d in found]
    assert "telemetry resource's region is unknown at preview" in messages(found)


@pytest.mark.preview_only("once deployed the kubeconfig text is known and read instead")
def test_a_context_chosen_from_a_kubeconfig_unknown_at_preview_cannot_be_placed() -> None:
    region = eu_region()
    region.kubernetes.props["context"] = "us-cluster"
    found = violations(region.resources, POLICY)
    assert region.telemetry.urn in [d.urn for d in found]


def test_resource_tagged_for_another_jurisdiction_is_blocked() -> None:
    region = eu_region()
    region.database.props["tags"] = {"data-classification": "pii", "jurisdiction": "IN"}
    found = violations(region.resources, POLICY)
    assert [d.urn for d in found] == [region.database.urn]
    assert "jurisdiction=IN" in found[0].message


def test_global_services_are_exempt_but_the_regional_load_balancer_is_not() -> None:
    region = eu_region()
    virginia = aws_provider("virginia", "us-east-1")
    record = Res("aws:route53/record:Record", "latency", {"tags": {"data-classification": "pii"}}, virginia)
    balancer = Res(
        "aws:lb/loadBalancer:LoadBalancer", "alb", {"tags": {"data-classification": "pii"}}, virginia
    )
    assert [d.urn for d in violations([*region.resources, record, balancer], POLICY)] == [balancer.urn]


def test_data_that_is_not_resident_may_live_anywhere() -> None:
    region = eu_region()
    bucket = Res(
        "aws:s3/bucket:Bucket",
        "site",
        {"tags": {"data-classification": "public"}},
        aws_provider("v", "us-east-1"),
    )
    assert violations([*region.resources, bucket], POLICY) == []


def test_the_india_policy_config_blocks_a_region_outside_india() -> None:
    region = eu_region()
    found = violations(region.resources, POLICY, INDIA_CONFIG)
    assert region.database.urn in [d.urn for d in found]
    assert "Digital Personal Data Protection Act" in found[0].message


@pytest.mark.mode_independent
def test_a_missing_jurisdiction_fails_closed_before_any_analysis() -> None:
    config = copy.deepcopy(EU_CONFIG)
    del config[POLICY]["jurisdiction"]
    with pytest.raises(SettingsError, match=f"policy config for '{POLICY}' must set 'jurisdiction'"):
        configured_servicer(config)


@pytest.mark.mode_independent
def test_allowed_regions_outside_the_jurisdiction_are_refused_at_configure() -> None:
    config = copy.deepcopy(EU_CONFIG)
    config[POLICY]["allowedRegions"] = ["eu-west-1", "us-east-1"]
    with pytest.raises(SettingsError) as refused:
        configured_servicer(config)
    assert "'allowedRegions' lists ['us-east-1'], outside European Union" in str(refused.value)


def _with_endpoint(service: str, url: str) -> list[Res]:
    region = eu_region()
    region.provider.props["endpoints"] = json.dumps([{service: url}])
    return region.resources


def test_a_provider_endpoint_that_sends_the_stores_service_outside_aws_is_blocked() -> None:
    """The provider says eu-west-1, but the database API (and the data) goes to an S3-compatible host."""
    found = violations(_with_endpoint("rds", "https://rds.us-east-1.example-cloud.com"), POLICY)
    assert [d.urn.split("::")[-1] for d in found] == ["pii-db"]
    assert "to https://rds.us-east-1.example-cloud.com (not an AWS endpoint)" in found[0].message


def test_a_provider_endpoint_in_another_region_is_blocked() -> None:
    found = violations(_with_endpoint("rds", "https://rds.us-east-1.amazonaws.com"), POLICY)
    assert [d.urn.split("::")[-1] for d in found] == ["pii-db"]
    assert "(in us-east-1)" in found[0].message


def test_a_provider_endpoint_of_the_region_or_of_another_service_is_accepted() -> None:
    assert violations(_with_endpoint("rds", "https://rds.eu-west-1.amazonaws.com"), POLICY) == []
    assert violations(_with_endpoint("s3", "https://s3.us-east-1.example-cloud.com"), POLICY) == []


def _assuming(account: str | None) -> Res:
    """The stack's eu-west-1 provider, assuming a role in `account` (None: a role ARN unknown at preview)."""
    provider = aws_provider("shared-data")
    role = UNKNOWN if account is None else f"arn:aws:iam::{account}:role/deployer"
    provider.props["assumeRoles"] = json.dumps([{"roleArn": role, "sessionName": "pulumi"}])
    return provider


def _with_accounts(accounts: list[str]) -> dict:
    config = copy.deepcopy(EU_CONFIG)
    config[POLICY]["accountIds"] = accounts
    return config


def test_pii_created_in_one_of_the_deployments_accounts_passes() -> None:
    region = eu_region()
    region.database.provider = _assuming("123456789012")
    assert violations(region.resources, POLICY, _with_accounts(["123456789012"])) == []


@pytest.mark.parametrize("account", ["999999999999", None])
def test_pii_created_in_another_or_an_untraceable_account_is_blocked(account: str | None) -> None:
    # The region is right, but the data is kept in an account the deployment does not list: another owner.
    region = eu_region()
    region.database.provider = _assuming(account)
    found = violations(region.resources, POLICY, _with_accounts(["123456789012"]))
    assert [d.urn for d in found] == [region.database.urn]
    where = f"account {account}" if account else "an account that cannot be traced"
    assert f"placed in {where}, outside this deployment's accounts" in found[0].message, found[0].message


@pytest.mark.parametrize("account", ["999999999999", None])
def test_kubernetes_objects_on_a_cluster_created_in_another_or_an_untraceable_account_are_blocked(
    account: str | None,
) -> None:
    # The Kubernetes provider deploys with the cluster's credentials: its objects, and the volumes their
    # claims create, are kept in the account of the cluster it was built from, whatever the stack's own is.
    region = eu_region()
    region.cluster.provider = _assuming(account)
    found = violations(region.resources, POLICY, _with_accounts(["123456789012"]))
    assert [d.urn for d in found] == [region.telemetry.urn]
    where = f"account {account}" if account else "an account that cannot be traced"
    assert f"placed in {where}, outside this deployment's accounts" in found[0].message, found[0].message


def test_kubernetes_objects_on_a_cluster_created_in_one_of_the_deployments_accounts_pass() -> None:
    region = eu_region()
    region.cluster.provider = _assuming("123456789012")
    assert violations(region.resources, POLICY, _with_accounts(["123456789012"])) == []


def test_kubernetes_objects_through_a_literal_kubeconfig_of_another_accounts_cluster_are_blocked() -> None:
    # No lineage to the cluster: the kubeconfig's text names it, by the ARN of a cluster in another account.
    region = eu_region()
    cluster = "arn:aws:eks:eu-west-1:999999999999:cluster/shared"
    region.kubernetes.props["kubeconfig"] = json.dumps(
        {
            "clusters": [{"name": cluster, "cluster": {"server": "https://example.eks.amazonaws.com"}}],
            "contexts": [{"name": cluster, "context": {"cluster": cluster, "user": cluster}}],
            "current-context": cluster,
        }
    )
    region.kubernetes.deps = {}
    found = violations(region.resources, POLICY, _with_accounts(["123456789012"]))
    assert [d.urn for d in found] == [region.telemetry.urn]
    assert "placed in account 999999999999, outside this deployment's accounts" in found[0].message
