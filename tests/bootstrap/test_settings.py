"""The bootstrap's settings: the committed stack files load, and every bad value is refused with its key."""

from __future__ import annotations

from typing import Any

import pytest

from residency.settings import read_stack_files
from residency_bootstrap.settings import PROJECT, ConfigError, load_settings
from tests.bootstrap.harness import BOOTSTRAP_DIR


def _config(stack: str = "eu") -> dict[str, Any]:
    values, _ = read_stack_files(BOOTSTRAP_DIR, stack)
    return values


def _problems(raw: dict[str, Any], stack: str = "eu") -> list[str]:
    with pytest.raises(ConfigError) as raised:
        load_settings(raw, stack)
    return raised.value.problems


def test_both_committed_stacks_load() -> None:
    """eu in eu-west-1 (EU) and india in ap-south-1 (IN), each serving the region stack of its name."""
    eu = load_settings(_config("eu"), "eu")
    india = load_settings(_config("india"), "india")
    assert (eu.region, eu.jurisdiction.code, eu.region_stack) == ("eu-west-1", "EU", "eu")
    assert (india.region, india.jurisdiction.code, india.region_stack) == ("ap-south-1", "IN", "india")
    assert eu.github.deploy_environment == "eu" and india.github.deploy_environment == "india"
    assert eu.default_tags == {"jurisdiction": "EU", "managed-by": "pulumi"}


def test_exactly_one_committed_stack_declares_the_accounts_oidc_provider() -> None:
    """IAM holds one GitHub provider per account: the eu stack declares it, india refers to it."""
    stacks = {stack: load_settings(_config(stack), stack) for stack in ("eu", "india")}
    assert [s for s, settings in stacks.items() if settings.github.create_oidc_provider] == ["eu"]


def test_the_two_stacks_name_distinct_buckets_and_runner_networks() -> None:
    """Global S3 names and the two runners' addresses never collide."""
    eu, india = (load_settings(_config(stack), stack) for stack in ("eu", "india"))
    assert eu.state_bucket_name != india.state_bucket_name
    assert eu.runner.vpc_cidr != india.runner.vpc_cidr


def test_a_region_outside_the_jurisdiction_is_refused() -> None:
    """An EU bootstrap's state must stay in the EU: us-east-1 is named, with the allowed regions."""
    problems = _problems({**_config(), "aws:region": "us-east-1"})
    assert any(
        p.startswith("aws:region in Pulumi.eu.yaml: 'us-east-1'") and "eu-west-1" in p for p in problems
    )


@pytest.mark.parametrize(
    "name",
    ["Upper-Case-Bucket", "ab", "192.168.10.20", "xn--bucket", "bucket-s3alias", "a..b", "-leading-hyphen"],
)
def test_an_invalid_state_bucket_name_is_refused(name: str) -> None:
    """S3's naming rules, checked before any request."""
    problems = _problems({**_config(), f"{PROJECT}:stateBucketName": name})
    assert any(p.startswith(f"{PROJECT}:stateBucketName in Pulumi.eu.yaml") for p in problems), problems


@pytest.mark.parametrize("repository", ["residency", "example-org/", "example org/residency", "a/b/c"])
def test_a_repository_that_is_not_owner_slash_name_is_refused(repository: str) -> None:
    """The trust policies name exactly one repository: it must be well formed."""
    raw = _config()
    raw[f"{PROJECT}:github"] = {**raw[f"{PROJECT}:github"], "repository": repository}
    assert any(p.startswith(f"{PROJECT}:github.repository") for p in _problems(raw))


def test_the_oidc_provider_choice_must_be_explicit() -> None:
    """Missing or not a boolean: refused, since a wrong default either conflicts or leaves roles untrusted."""
    raw = _config()
    raw[f"{PROJECT}:github"] = {
        k: v for k, v in raw[f"{PROJECT}:github"].items() if k != "createOidcProvider"
    }
    assert any(p.startswith(f"{PROJECT}:github.createOidcProvider") for p in _problems(raw))
    raw[f"{PROJECT}:github"]["createOidcProvider"] = "yes"
    assert any(p.startswith(f"{PROJECT}:github.createOidcProvider") for p in _problems(raw))


@pytest.mark.parametrize("cidr", ["8.8.8.0/24", "10.0.0.0/8", "10.250.0.0/28", "not-a-cidr", "10.250.0.1/24"])
def test_a_runner_network_that_is_public_or_out_of_range_is_refused(cidr: str) -> None:
    """A private /16 to /24, so four subnets of at least /26 fit."""
    raw = _config()
    raw[f"{PROJECT}:runner"] = {**raw[f"{PROJECT}:runner"], "vpcCidr": cidr}
    assert any(p.startswith(f"{PROJECT}:runner.vpcCidr") for p in _problems(raw))


def test_unknown_keys_are_refused_with_the_allowed_list() -> None:
    """A typo (`stateBucket`) or an `aws:*` key the explicit provider would ignore."""
    problems = _problems({**_config(), f"{PROJECT}:stateBucket": "x", "aws:profile": "admin"})
    assert any(f"{PROJECT}:stateBucket in Pulumi.eu.yaml is not a setting" in p for p in problems)
    assert any("aws:profile" in p and "ignore" in p for p in problems)
    raw = _config()
    raw[f"{PROJECT}:runner"] = {**raw[f"{PROJECT}:runner"], "size": "large"}
    assert any(f"{PROJECT}:runner.size" in p for p in _problems(raw))


def test_every_problem_is_reported_at_once() -> None:
    """Three independent mistakes, three problems in one error."""
    raw = {**_config(), "aws:region": "mars-east-1", f"{PROJECT}:stateBucketName": "NO"}
    raw[f"{PROJECT}:runner"] = {**raw[f"{PROJECT}:runner"], "computeType": "BUILD_GENERAL1_2XLARGE"}
    problems = _problems(raw)
    assert len(problems) == 3, problems


def test_an_empty_github_token_is_refused() -> None:
    """An empty secret would register a runner credential that GitHub rejects."""
    assert any(
        p.startswith(f"{PROJECT}:githubToken")
        for p in _problems({**_config(), f"{PROJECT}:githubToken": " "})
    )


def test_peer_accounts_default_to_none_and_are_read_as_account_ids() -> None:
    """Without them the deploy role peers only within this account."""
    assert load_settings(_config(), "eu").peer_account_ids == ()
    raw = {**_config(), f"{PROJECT}:peerAccountIds": ["444455556666"]}
    assert load_settings(raw, "eu").peer_account_ids == ("444455556666",)


@pytest.mark.parametrize("accounts", [["4444"], "444455556666", [444455556666]])
def test_a_peer_account_that_is_not_an_account_id_is_refused(accounts: Any) -> None:
    (problem,) = _problems({**_config(), f"{PROJECT}:peerAccountIds": accounts})
    assert problem.startswith(f"{PROJECT}:peerAccountIds in Pulumi.eu.yaml")
    assert "12-digit AWS account ids" in problem
