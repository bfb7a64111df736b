"""A Kubernetes object is where the cluster its provider reaches is: with a literal kubeconfig text, the entry
the provider picks (`context`, else `current-context`; `cluster`, else the context's), in the region of that
entry's EKS API server and in the account of the role its user's exec plugin gets a token as. A text that
lists an EKS cluster and an on-premises one is not placed by the one region it names (reviewer
blind-program16 v04); a token got as a role of another account reaches a cluster of that account, and one got
with a profile or credentials of its own an account that cannot be traced (v03). A kubeconfig that is a file
path (v12), or unknown at preview with no lineage (v13), places nothing: code reading PII there fails closed.

The baseline is the compliant region, plus a Deployment whose environment names the PII database's address on
a second Kubernetes provider with a literal kubeconfig of the region's EKS cluster (reviewer case c03).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml

from tests.policies.baseline import Region, eu_region
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

JURISDICTION = "pii-in-jurisdiction"
NO_PII = "no-pii-replication"
OTHER_ACCOUNT = "999999999999"
PLATFORM_SERVER = "https://0A1B2C3D4E5F60718293A4B5C6D7E8F9.gr7.eu-west-1.eks.amazonaws.com"
DC1_SERVER = "https://k8s-api.dc1.example.com:6443"
CA = "LS0tLS1CRUdJTi1DRVJUSUZJQ0FURS0tLS0t"
GET_TOKEN = ["eks", "get-token", "--region", "eu-west-1", "--cluster-name", "platform"]


def _kubeconfig(
    exec_args: list[str] | None = None,
    env: list[dict[str, str]] | None = None,
    current: str = "platform",
    command: str = "aws",
    json_text: bool = False,
) -> str:
    """The platform team's kubeconfig: the eu-west-1 EKS cluster `platform` and the on-premises `dc1`."""
    plugin: dict[str, Any] = {
        "apiVersion": "client.authentication.k8s.io/v1beta1",
        "command": command,
        "args": exec_args if exec_args is not None else GET_TOKEN,
    }
    if env is not None:
        plugin["env"] = env
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [
            {"name": "platform", "cluster": {"server": PLATFORM_SERVER, "certificate-authority-data": CA}},
            {"name": "dc1", "cluster": {"server": DC1_SERVER, "certificate-authority-data": CA}},
        ],
        "contexts": [
            {"name": "platform", "context": {"cluster": "platform", "user": "platform"}},
            {"name": "dc1", "context": {"cluster": "dc1", "user": "dc1"}},
        ],
        "current-context": current,
        "users": [
            {"name": "platform", "user": {"exec": plugin}},
            {"name": "dc1", "user": {"client-certificate-data": "LS0t", "client-key-data": "LS0t"}},
        ],
    }
    return json.dumps(config) if json_text else yaml.safe_dump(config, sort_keys=False)


def _reader(region: Region, provider: Res) -> Res:
    """A Deployment whose environment names the PII database's address."""
    return Res(
        "kubernetes:apps/v1:Deployment",
        "customer-api",
        {
            "metadata": {"name": "customer-api", "namespace": "customers"},
            "spec": {
                "selector": {"matchLabels": {"app": "customer-api"}},
                "template": {
                    "metadata": {"labels": {"app": "customer-api"}},
                    "spec": {
                        "containers": [
                            {
                                "name": "api",
                                "image": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/customer-api:1.4.2",
                                "env": [{"name": "DB_HOST", "value": UNKNOWN}],
                            }
                        ]
                    },
                },
            },
        },
        provider,
        deps={"spec": [region.database]},
    )


def _platform(kubeconfig: Any, **props: Any) -> Res:
    return Res("pulumi:providers:kubernetes", "platform", {"kubeconfig": kubeconfig, **props})


def _reader_violations(kubeconfig: Any, policy: str = NO_PII, **props: Any) -> tuple[Res, list[Any]]:
    region = eu_region()
    reader = _reader(region, _platform(kubeconfig, **props))
    found = [d for d in violations([*region.resources, reader], policy) if d.urn == reader.urn]
    return reader, found


def test_code_reading_pii_on_the_literal_kubeconfigs_eks_cluster_of_the_region_passes() -> None:
    """Reviewer blind-program16 c03: the token comes from the deployment's own credentials."""
    for json_text in (False, True):
        _, found = _reader_violations(_kubeconfig(json_text=json_text))
        assert found == [], messages(found)


# v03: whose credentials reach the cluster ------------------------------------------------------------------

ROLE = f"arn:aws:iam::{OTHER_ACCOUNT}:role/tenant-deployer"


@pytest.mark.parametrize(
    ("exec_args", "env", "command"),
    [
        ([*GET_TOKEN, "--role-arn", ROLE], None, "aws"),
        ([*GET_TOKEN, f"--role-arn={ROLE}"], None, "aws"),
        (GET_TOKEN, [{"name": "AWS_ROLE_ARN", "value": ROLE}], "aws"),
        (["token", "-i", "platform", "-r", ROLE], None, "aws-iam-authenticator"),
        (["token", "-i", "platform", "--role", ROLE], None, "/usr/local/bin/aws-iam-authenticator"),
        ([*GET_TOKEN, "--profile", "tenant", "--role-arn", ROLE], None, "aws"),
    ],
)
def test_code_reading_pii_on_a_cluster_reached_as_a_role_of_another_account_copies_it_there(
    exec_args: list[str], env: list[dict[str, str]] | None, command: str
) -> None:
    _, found = _reader_violations(_kubeconfig(exec_args, env, command=command))
    text = messages(found)
    assert f"into account {OTHER_ACCOUNT}" in text, text
    assert f"whose provider's kubeconfig gets its token as {ROLE}" in text
    assert "with the deployment's own credentials or a role of one of its accounts" in text


@pytest.mark.parametrize(
    ("exec_args", "env", "command"),
    [
        ([*GET_TOKEN, "--profile", "tenant"], None, "aws"),
        (GET_TOKEN, [{"name": "AWS_PROFILE", "value": "tenant"}], "aws"),
        (GET_TOKEN, [{"name": "AWS_ACCESS_KEY_ID", "value": "AKIAEXAMPLE"}], "aws"),
        (["get-token", "--login", "azurecli"], None, "kubelogin"),
    ],
)
def test_code_reading_pii_on_a_cluster_reached_with_credentials_of_its_own_is_in_an_untraceable_account(
    exec_args: list[str], env: list[dict[str, str]] | None, command: str
) -> None:
    _, found = _reader_violations(_kubeconfig(exec_args, env, command=command))
    assert "into an account that cannot be traced" in messages(found), messages(found)
    assert "whose provider's kubeconfig uses credentials of its own" in messages(found)


def test_code_reading_pii_on_a_cluster_reached_as_a_role_of_the_deployment_passes() -> None:
    role = "arn:aws:iam::123456789012:role/platform-deployer"
    _, found = _reader_violations(_kubeconfig([*GET_TOKEN, "--role-arn", role]))
    assert found == [], messages(found)


def test_a_profile_for_a_cluster_its_arn_places_in_the_deployment_is_the_clusters_account() -> None:
    arn = "arn:aws:eks:eu-west-1:123456789012:cluster/platform"
    text = _kubeconfig([*GET_TOKEN, "--profile", "platform"]).replace("name: platform", f"name: {arn}")
    text = text.replace("cluster: platform", f"cluster: {arn}").replace("user: platform", f"user: {arn}")
    _, found = _reader_violations(text.replace("current-context: platform", f"current-context: {arn}"))
    assert found == [], messages(found)


def test_a_telemetry_store_on_a_cluster_reached_as_a_role_of_another_account_is_kept_there() -> None:
    region = eu_region()
    region.kubernetes.deps = {}
    region.kubernetes.props["kubeconfig"] = _kubeconfig([*GET_TOKEN, "--role-arn", ROLE])
    found = violations(region.resources, JURISDICTION)
    assert [d.urn for d in found] == [region.telemetry.urn], messages(found)
    assert f"placed in account {OTHER_ACCOUNT}" in found[0].message


# v04: which entry the provider picks ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "props"),
    [("platform", {"context": "dc1"}), ("dc1", {}), ("platform", {"cluster": "dc1"})],
)
def test_code_reading_pii_on_the_on_premises_cluster_the_provider_picks_fails_closed(
    current: str, props: dict[str, str]
) -> None:
    _, found = _reader_violations(_kubeconfig(current=current), **props)
    text = messages(found)
    assert "regions that cannot be traced" in text, text
    assert "reaches the API server k8s-api.dc1.example.com, which is no EKS endpoint" in text


def test_a_telemetry_store_on_the_on_premises_cluster_the_provider_picks_is_not_placed() -> None:
    region = eu_region()
    region.kubernetes.deps = {}
    region.kubernetes.props.update({"kubeconfig": _kubeconfig(), "context": "dc1"})
    found = violations(region.resources, JURISDICTION)
    assert region.telemetry.urn in [d.urn for d in found], messages(found)
    assert "which is no EKS endpoint" in messages(found)


def test_the_eks_context_picked_from_a_kubeconfig_that_also_lists_an_on_premises_cluster_passes() -> None:
    _, found = _reader_violations(_kubeconfig(current="dc1"), context="platform")
    assert found == [], messages(found)


def test_a_context_the_kubeconfig_does_not_hold_places_nothing() -> None:
    _, found = _reader_violations(_kubeconfig(), context="staging")
    assert "picks context staging, which its kubeconfig does not hold" in messages(found)


def test_a_kubeconfig_built_from_the_stacks_cluster_that_picks_an_on_premises_entry_is_not_placed() -> None:
    """Lineage says the text came from the cluster; the entry picked is dc1's, once the text can be read."""
    region = eu_region()
    region.kubernetes.props.update({"kubeconfig": _kubeconfig(), "context": "dc1"})
    found = violations(region.resources, JURISDICTION)
    assert region.telemetry.urn in [d.urn for d in found], messages(found)


# v12, v13: a kubeconfig that cannot be read ---------------------------------------------------------------


def test_code_reading_pii_through_a_kubeconfig_file_path_fails_closed() -> None:
    _, found = _reader_violations("/etc/acme/kubeconfigs/dc1.yaml")
    text = messages(found)
    assert "regions that cannot be traced" in text and "an account that cannot be traced" in text, text
    assert "kubeconfig is a file path (/etc/acme/kubeconfigs/dc1.yaml)" in text
    assert "through a Kubernetes provider built from the stack's EKS cluster" in text


def test_a_telemetry_store_through_a_kubeconfig_file_path_is_not_placed() -> None:
    region = eu_region()
    region.kubernetes.deps = {}
    region.kubernetes.props["kubeconfig"] = "~/.kube/dc1.yaml"
    found = violations(region.resources, JURISDICTION)
    assert region.telemetry.urn in [d.urn for d in found]
    assert "kubeconfig is a file path (~/.kube/dc1.yaml)" in messages(found)


def test_code_reading_pii_through_a_kubeconfig_unknown_at_preview_with_no_lineage_fails_closed() -> None:
    """Another stack's output (a StackReference) or a file read at run time: nothing to place it by."""
    _, found = _reader_violations(UNKNOWN)
    assert "kubeconfig (or the context it picks) is unknown at preview" in messages(found), messages(found)


def test_code_reading_no_resident_data_through_a_kubeconfig_file_path_passes() -> None:
    region = eu_region()
    reader = _reader(region, _platform("/etc/acme/kubeconfigs/dc1.yaml"))
    reader.deps = {}
    assert [d for d in violations([*region.resources, reader], NO_PII) if d.urn == reader.urn] == []


def test_an_api_server_that_is_no_eks_endpoint_is_not_placed_by_the_region_its_host_names() -> None:
    """A host naming a region is no EKS endpoint: a Rancher cluster there may run anywhere."""
    text = _kubeconfig(current="dc1").replace("k8s-api.dc1.example.com", "rancher.eu-west-1.acme.example")
    _, found = _reader_violations(text)
    assert "the API server rancher.eu-west-1.acme.example, which is no EKS endpoint" in messages(found)
