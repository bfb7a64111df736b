"""External Secrets Operator: a PushSecret that picks its Secrets, or its stores, by labels.

A PushSecret's `spec.selector.secret` names one Secret (`name`) or picks every Secret of its namespace whose
labels match a label selector (`selector`); each of its `spec.secretStoreRefs` names a store (`name`) or
picks the stores whose labels match (`labelSelector`), of its `kind` (SecretStore in the namespace, or
ClusterSecretStore): external-secrets v2.9.0 apis/externalsecrets/v1alpha1/pushsecret_types.go
(PushSecretSecret, PushSecretStoreRef) and config/crds/bases/external-secrets.io_pushsecrets.yaml. Each
test is the compliant baseline (a PII Secret pushed into a store of the stack in eu-west-1) and one change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.policies.baseline import Region, eu_region
from tests.policies.operator_objects import custom_resource
from tests.policies.policy_harness import RULES, Res, messages, run_pack, violations

NO_PII = "no-pii-replication"
ANONYMISED_ONLY = "anonymised-only-replication"
PII = {"data-classification": "pii"}
ESO = "external-secrets.io/v1"
PUSH = "external-secrets.io/v1alpha1"


def _secret(region: Region, name: str = "customers-token", labels: dict[str, str] = PII) -> Res:
    return Res(
        "kubernetes:core/v1:Secret",
        name,
        {
            "metadata": {"name": name, "namespace": "app", "labels": dict(labels)},
            "stringData": {"token": "x"},
        },
        region.kubernetes,
    )


def _store(region: Region, name: str, store_region: str, labels: dict[str, str] | None = None) -> Res:
    spec = {"provider": {"aws": {"service": "SecretsManager", "region": store_region}}}
    return custom_resource(region, ESO, "SecretStore", name, spec, labels=labels)


def _push(region: Region, selector: dict[str, Any], stores: list[dict[str, Any]]) -> Res:
    return custom_resource(
        region,
        PUSH,
        "PushSecret",
        "push-tokens",
        {
            "refreshInterval": "1h",
            "secretStoreRefs": stores,
            "selector": {"secret": selector},
            "data": [{"match": {"secretKey": "token", "remoteRef": {"remoteKey": "customers/token"}}}],
        },
    )


EU_STORE = [{"name": "aws-eu", "kind": "SecretStore"}]
BY_NAME = {"name": "customers-token"}
BY_LABEL = {"selector": {"matchLabels": {"data-classification": "pii"}}}


def _stack(
    selector: dict[str, Any] = BY_NAME,
    stores: list[dict[str, Any]] = EU_STORE,
    extra: Callable[[Region], list[Res]] = lambda region: [],
) -> tuple[list[Res], Res]:
    region = eu_region()
    push = _push(region, selector, stores)
    eu = _store(region, "aws-eu", "eu-west-1")
    us = _store(region, "aws-us", "us-east-1", labels={"mirror": "offsite"})
    return [*region.resources, _secret(region), eu, us, *extra(region), push], push


def _blocked(resources: list[Res], resource: Res, policy: str = NO_PII) -> str:
    found = violations(resources, policy)
    assert resource.urn in [d.urn for d in found], messages(found)
    return next(d.message for d in found if d.urn == resource.urn)


def test_a_push_of_a_pii_secret_into_an_in_region_store_breaks_no_rule() -> None:
    resources, push = _stack(BY_LABEL)
    found = [
        d for d in run_pack(resources) if d.level == "mandatory" and d.policy in RULES and d.urn == push.urn
    ]
    assert found == [], messages(found)


def test_a_push_of_the_secrets_a_label_selector_picks_into_another_region_is_blocked() -> None:
    resources, push = _stack(BY_LABEL, [{"name": "aws-us", "kind": "SecretStore"}])
    assert "customers-token" in _blocked(resources, push)


def test_a_label_selector_that_picks_no_secret_the_stack_declares_fails_closed() -> None:
    resources, push = _stack(
        {"selector": {"matchLabels": {"team": "billing"}}}, [{"name": "aws-us", "kind": "SecretStore"}]
    )
    _blocked(resources, push, ANONYMISED_ONLY)


def test_a_label_selector_that_picks_no_pii_secret_pushes_none() -> None:
    resources, _ = _stack(
        {"selector": {"matchLabels": {"team": "web"}}},
        [{"name": "aws-us", "kind": "SecretStore"}],
        lambda region: [_secret(region, "web-token", {"data-classification": "internal", "team": "web"})],
    )
    assert violations(resources, NO_PII) == []


def test_a_store_a_label_selector_picks_beside_an_in_region_one_is_judged_too() -> None:
    stores: list[dict[str, Any]] = [
        *EU_STORE,
        {"kind": "SecretStore", "labelSelector": {"matchLabels": {"mirror": "offsite"}}},
    ]
    resources, push = _stack(BY_NAME, stores)
    assert "us-east-1" in _blocked(resources, push)


def test_a_store_label_selector_that_picks_no_store_the_stack_declares_fails_closed() -> None:
    stores: list[dict[str, Any]] = [
        *EU_STORE,
        {"kind": "ClusterSecretStore", "labelSelector": {"matchLabels": {"mirror": "dr"}}},
    ]
    resources, push = _stack(BY_NAME, stores)
    assert "labelSelector" in _blocked(resources, push, ANONYMISED_ONLY)
