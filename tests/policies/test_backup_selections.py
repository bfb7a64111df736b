"""Kasten K10: a Policy backs up and exports the namespaces its selector picks (all of them when it names
none) to the location Profile its actions name; a Profile is an object store placed by its type, region,
endpoint and bucket. Each test is the compliant baseline (a daily backup and export of the PII namespace
`app`, selected by Kasten's name label, to an S3 profile on the stack's eu-west-1 bucket) and one change.

Field names follow docs.kasten.io/latest/api/profiles and docs.kasten.io/latest/api/policies.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.operator_objects import BACKUP_BUCKET, backup_bucket, custom_resource, pii_claim
from tests.policies.policy_harness import RULES, Res, messages, run_pack, violations

NO_PII = "no-pii-replication"
ANONYMISED_ONLY = "anonymised-only-replication"
PII = {"data-classification": "pii"}
KASTEN = "config.kio.kasten.io/v1alpha1"

IN_REGION: dict[str, Any] = {
    "type": "Location",
    "locationSpec": {
        "type": "ObjectStore",
        "credential": {"secretType": "AwsAccessKey", "secret": {"name": "k10-s3", "namespace": "kasten-io"}},
        "objectStore": {"objectStoreType": "S3", "name": BACKUP_BUCKET, "region": "eu-west-1"},
    },
}
APP_ONLY: dict[str, Any] = {
    "matchExpressions": [{"key": "k10.kasten.io/appNamespace", "operator": "In", "values": ["app"]}]
}


def _policy(region: Region, selector: dict[str, Any] | None) -> Res:
    spec: dict[str, Any] = {
        "frequency": "@daily",
        "retention": {"daily": 14},
        "actions": [
            {"action": "backup"},
            {
                "action": "export",
                "exportParameters": {
                    "frequency": "@daily",
                    "profile": {"name": "s3-eu", "namespace": "kasten-io"},
                    "exportData": {"enabled": True},
                },
            },
        ],
    }
    if selector is not None:
        spec["selector"] = selector
    return custom_resource(region, KASTEN, "Policy", "app-daily", spec, namespace="kasten-io")


def _stack(
    profile: dict[str, Any] | None = None,
    selector: dict[str, Any] | None = APP_ONLY,
    namespace_labels: dict[str, str] | None = None,
) -> tuple[list[Res], Res]:
    region = eu_region()
    policy = _policy(region, copy.deepcopy(selector))
    namespaces = (
        [
            Res(
                "kubernetes:core/v1:Namespace",
                "app",
                {"metadata": {"name": "app", "labels": namespace_labels}},
                region.kubernetes,
            )
        ]
        if namespace_labels is not None
        else []
    )
    profile_resource = custom_resource(
        region, KASTEN, "Profile", "s3-eu", copy.deepcopy(profile or IN_REGION), namespace="kasten-io"
    )
    resources = [
        *region.resources,
        *namespaces,
        pii_claim(region),
        *backup_bucket(region),
        profile_resource,
        policy,
    ]
    return resources, policy


def _blocked(resources: list[Res], resource: Res, policy: str = NO_PII) -> str:
    found = violations(resources, policy)
    assert resource.urn in [d.urn for d in found], messages(found)
    return next(d.message for d in found if d.urn == resource.urn)


def test_a_kasten_export_of_the_pii_namespace_to_an_in_region_profile_breaks_no_rule() -> None:
    resources, policy = _stack()
    found = [
        d
        for d in run_pack(resources)
        if d.level == "mandatory" and d.policy in RULES and d.urn in (policy.urn, resources[-2].urn)
    ]
    assert found == [], messages(found)


ELSEWHERE = {
    "another region": {
        **IN_REGION,
        "locationSpec": {
            **IN_REGION["locationSpec"],
            "objectStore": {"objectStoreType": "S3", "name": "acme-k10-us", "region": "us-east-1"},
        },
    },
    "the us-east-1 endpoint on the stack's bucket": {
        **IN_REGION,
        "locationSpec": {
            **IN_REGION["locationSpec"],
            "objectStore": {
                "objectStoreType": "S3",
                "name": BACKUP_BUCKET,
                "endpoint": "https://s3.us-east-1.amazonaws.com",
            },
        },
    },
    "the earlier location field": {
        "type": "Location",
        "location": {
            "type": "ObjectStore",
            "objectStore": {"objectStoreType": "S3", "name": "acme-k10-us", "region": "us-east-1"},
        },
    },
}


@pytest.mark.parametrize("profile", ELSEWHERE.values(), ids=ELSEWHERE.keys())
def test_a_kasten_export_of_the_pii_namespace_to_another_region_copies_personal_data(
    profile: dict[str, Any],
) -> None:
    resources, policy = _stack(profile)
    assert "personal data" in _blocked(resources, policy)


OUTSIDE = {
    "Google Cloud Storage": {
        **IN_REGION,
        "locationSpec": {
            **IN_REGION["locationSpec"],
            "objectStore": {"objectStoreType": "GCS", "name": "acme-k10", "region": "europe-west1"},
        },
    },
    "an S3-compatible server on the internet": {
        **IN_REGION,
        "locationSpec": {
            **IN_REGION["locationSpec"],
            "objectStore": {
                "objectStoreType": "S3",
                "name": "k10",
                "endpoint": "https://minio.backup.example.net",
                "region": "eu-west-1",
            },
        },
    },
}


@pytest.mark.parametrize("profile", OUTSIDE.values(), ids=OUTSIDE.keys())
def test_a_kasten_export_outside_aws_is_blocked(profile: dict[str, Any]) -> None:
    resources, policy = _stack(profile)
    assert "outside AWS" in _blocked(resources, policy)


@pytest.mark.parametrize(
    "selector",
    [None, {}, {"matchLabels": {"team": "payments"}}],
    ids=["no selector", "an empty selector", "a label of namespaces the stack does not declare"],
)
def test_a_kasten_policy_that_does_not_exclude_the_pii_namespace_selects_it(selector: Any) -> None:
    resources, policy = _stack(ELSEWHERE["another region"], selector)
    assert "customers-data" in _blocked(resources, policy)


def test_a_kasten_policy_of_another_namespace_does_not_copy_the_pii_one() -> None:
    other = {"matchExpressions": [{"key": "k10.kasten.io/appNamespace", "operator": "In", "values": ["web"]}]}
    resources, _ = _stack(ELSEWHERE["another region"], other)
    assert violations(resources, NO_PII) == []


def test_a_kasten_policy_selecting_the_pii_namespace_by_its_label_copies_it() -> None:
    selector = {"matchLabels": {"backup": "offsite"}}
    resources, policy = _stack(ELSEWHERE["another region"], selector, {"backup": "offsite"})
    assert "customers-data" in _blocked(resources, policy)


def test_a_kasten_policy_whose_label_the_pii_namespace_does_not_carry_does_not_copy_it() -> None:
    selector = {"matchLabels": {"backup": "offsite"}}
    resources, _ = _stack(ELSEWHERE["another region"], selector, {"backup": "local"})
    assert violations(resources, NO_PII) == []


def test_a_kasten_export_to_a_profile_the_stack_does_not_declare_is_blocked() -> None:
    resources, policy = _stack()
    profile = resources[-2]
    resources.remove(profile)
    assert "does not declare" in _blocked(resources, policy, ANONYMISED_ONLY)


def _name_expression(operator: str, names: list[str]) -> dict[str, Any]:
    return {
        "matchExpressions": [{"key": "k10.kasten.io/appNamespace", "operator": operator, "values": names}]
    }


def test_a_kasten_policy_of_every_namespace_but_others_selects_the_pii_one() -> None:
    resources, policy = _stack(ELSEWHERE["another region"], _name_expression("NotIn", ["kube-system"]))
    assert "customers-data" in _blocked(resources, policy)


def test_a_kasten_policy_of_every_namespace_but_the_pii_one_does_not_copy_it() -> None:
    resources, _ = _stack(ELSEWHERE["another region"], _name_expression("NotIn", ["app"]))
    assert violations(resources, NO_PII) == []


NOT_AN_OBJECT_STORE = {
    # docs.kasten.io/latest/usage/configuration: location profiles are object stores, NFS/SMB file stores
    # (a claim of the cluster) or a Veeam Backup & Replication server; only the first is read.
    "an NFS file store": {
        "type": "Location",
        "locationSpec": {"type": "FileStore", "fileStore": {"claimName": "k10-nfs", "path": "/k10"}},
    },
    "a Veeam Backup & Replication server": {
        "type": "Location",
        "locationSpec": {"type": "VBR", "vbr": {"serverAddress": "vbr.example.net", "repoName": "k10"}},
    },
}


@pytest.mark.parametrize("profile", NOT_AN_OBJECT_STORE.values(), ids=NOT_AN_OBJECT_STORE.keys())
def test_a_kasten_export_to_a_profile_that_is_no_object_store_fails_closed(profile: dict[str, Any]) -> None:
    resources, policy = _stack(profile)
    assert "locationSpec.type" in _blocked(resources, policy, ANONYMISED_ONLY)


def test_a_kasten_policy_taking_its_profiles_from_a_preset_fails_closed() -> None:
    # A PolicyPreset (spec.presetRef) brings the schedule and the location profiles, which it does not show.
    resources, policy = _stack()
    policy.props["spec"]["presetRef"] = {"name": "offsite-daily", "namespace": "kasten-io"}
    for action in policy.props["spec"]["actions"]:
        action.pop("exportParameters", None)
    assert "presetRef" in _blocked(resources, policy, ANONYMISED_ONLY)
