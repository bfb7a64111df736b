"""A Pulumi dynamic resource runs its provider's code at `pulumi up` with the deployer's credentials: in a
stack that holds personal data or telemetry it fails closed until that code is reviewed (its `__provider`
input's digest in `REVIEWED_DYNAMIC_PROVIDERS`), whatever its inputs name."""

from __future__ import annotations

import hashlib
from types import MappingProxyType

import pytest

from residency_policies import triaged
from tests.policies.baseline import eu_region
from tests.policies.policy_harness import Res, aws_provider, messages, violations

POLICY = "resource-type-triaged"
# What the Python SDK sends: the provider instance serialised by dill, base64-encoded (the text is opaque).
PROVIDER_CODE = "gASVKAAAAAAAAACMCF9fbWFpbl9flIwQX1NuYXBzaG90Q29waWVylJOUKYGULg=="


def _dynamic(token: str = "pulumi-python:dynamic:Resource") -> Res:
    return Res(token, "nightly-dr-copy", {"schedule": "nightly", "__provider": PROVIDER_CODE})


def test_a_dynamic_resource_in_a_stack_without_resident_data_breaks_no_rule() -> None:
    vpc = Res("aws:ec2/vpc:Vpc", "vpc", {"cidrBlock": "10.10.0.0/16"}, aws_provider())
    assert violations([vpc, _dynamic()], POLICY) == []


@pytest.mark.parametrize("token", ["pulumi-python:dynamic:Resource", "pulumi-nodejs:dynamic:Resource"])
def test_a_dynamic_resource_in_a_stack_that_holds_pii_fails_closed(token: str) -> None:
    region = eu_region()
    dynamic = _dynamic(token)
    found = messages(violations([*region.resources, dynamic], POLICY))
    assert "Pulumi dynamic resource" in found and "deployer's credentials" in found
    assert hashlib.sha256(PROVIDER_CODE.encode()).hexdigest() in found
    assert "REVIEWED_DYNAMIC_PROVIDERS" in found


def test_a_reviewed_dynamic_provider_passes_and_a_changed_one_fails_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    region = eu_region()
    digest = hashlib.sha256(PROVIDER_CODE.encode()).hexdigest()
    monkeypatch.setattr(
        triaged, "REVIEWED_DYNAMIC_PROVIDERS", MappingProxyType({digest: "tags snapshots; copies nothing"})
    )
    assert violations([*region.resources, _dynamic()], POLICY) == []
    changed = _dynamic()
    changed.props["__provider"] = PROVIDER_CODE.replace("gASV", "gASW")
    assert violations([*region.resources, changed], POLICY) != []
