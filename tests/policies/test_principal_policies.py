"""No type that gives a principal identity policies can stay unread: the review of the attachment types
(`residency_facts/principal_policies.py`) covers every type of the installed SDK with an input shaped like a
policy attachment's, names inputs the SDK defines, and agrees with the triage (reviewer blind-access15 a09:
`RolePolicyAttachmentsExclusive` was triaged neutral and never read).
"""

from __future__ import annotations

import pytest

from residency_facts import Category, categories_of
from residency_facts.principal_policies import (
    AWS_MANAGED_POLICIES,
    EVERY_STORE,
    NOT_ATTACHMENTS,
    POLICY_ATTACHMENTS,
)
from tests.policies.sdk_schema import input_schema, missing_step
from tests.policies.sdk_types import sdk_types

ATTACHMENT_INPUTS = frozenset(
    {
        "policyArn",
        "policyArns",
        "managedPolicyArn",
        "managedPolicyArns",
        "policyName",
        "policyNames",
        "inlinePolicy",
        "inlinePolicies",
        "customerManagedPolicyReference",
        "customerManagedPolicyReferences",
        "permissionsBoundary",
        "sessionPolicy",
    }
)
"""Inputs that give a principal policies (or name policies) wherever they appear."""


def _shaped_like_attachments() -> set[str]:
    return {t for t in sdk_types("aws") if set(input_schema(t)) & ATTACHMENT_INPUTS}


def test_every_type_with_an_input_shaped_like_a_policy_attachment_is_reviewed() -> None:
    reviewed = set(POLICY_ATTACHMENTS) | set(NOT_ATTACHMENTS)
    assert sorted(_shaped_like_attachments() - reviewed) == []


def test_the_review_names_only_types_the_sdk_defines_and_none_twice() -> None:
    assert sorted((set(POLICY_ATTACHMENTS) | set(NOT_ATTACHMENTS)) - sdk_types("aws")) == []
    assert sorted(set(POLICY_ATTACHMENTS) & set(NOT_ATTACHMENTS)) == []


@pytest.mark.parametrize("token", sorted(POLICY_ATTACHMENTS))
def test_every_path_of_an_attachment_names_an_input_the_sdk_defines(token: str) -> None:
    schema = input_schema(token)
    paths = [
        path
        for entry in POLICY_ATTACHMENTS[token]
        for path in (
            entry.principal,
            *entry.documents,
            *entry.arns,
            *entry.names,
            *entry.references,
            *entry.boundaries,
        )
        if path
    ]
    assert paths
    assert {path: missing_step(schema, path) for path in paths if missing_step(schema, path)} == {}


@pytest.mark.parametrize("token", sorted(POLICY_ATTACHMENTS))
def test_every_type_that_gives_a_principal_policies_is_triaged_as_granting(token: str) -> None:
    """A type that only sets a boundary (which narrows) need not grant; one that gives policies must."""
    categories = categories_of(token)
    assert categories is not None
    if any(e.documents or e.arns or e.names or e.references for e in POLICY_ATTACHMENTS[token]):
        assert Category.GRANTS in categories


def test_every_aws_managed_policy_the_pack_knows_says_what_it_reads_and_writes() -> None:
    for name, policy in AWS_MANAGED_POLICIES.items():
        assert policy.document, name
        assert policy.path.startswith("/") and policy.path.endswith("/"), name
        for services in (policy.reads, policy.writes):
            assert all(s == EVERY_STORE or (s and s.islower() and ":" not in s) for s in services), name
