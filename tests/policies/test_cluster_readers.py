"""A workload that may read the Secrets or exec into the pods of a PII namespace reads that PII (reviewer
blind-k8s13 k16).

Whoever may read a namespace's Secrets or exec into its pods reads the stores they read, as they do: the pack
already holds so for cluster access and for published workloads. A workload's own ServiceAccount with such a
right (a Role or ClusterRole of the stack bound to it), or its command line's `kubectl get secrets -n crm` /
`kubectl exec -n crm ...`, makes its code a reader of what that namespace holds or reads, wherever it
sends. The baseline: a Deployment of namespace `crm` reads the PII database; a CronJob of namespace `ops`
dumps Secrets with kubectl and uploads them to a public host, and its ServiceAccount has no binding. Each
test adds one binding or changes the CronJob's script.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations
from tests.policies.test_cluster_access import _database_reader
from tests.policies.test_published_credentials import RBAC, SECRETS_READER, _role

NO_PII = "no-pii-replication"
UPLOAD = "curl -sS -T /tmp/out.yaml.gz https://vault.offsite-backup.example/upload"
EXPORT = f"kubectl get secrets,configmaps -n ops -o yaml | gzip > /tmp/out.yaml.gz && {UPLOAD}"
"""The baseline script: it names only its own namespace, so only its rights can reach another."""


def _reader(region: Region) -> Res:
    """A Deployment of namespace `crm` whose pods read the PII database (its address in their environment)."""
    reader = _database_reader(region)
    reader.props["metadata"]["namespace"] = "crm"
    return reader


def _exporter(region: Region, script: str = EXPORT) -> Res:
    """A CronJob of namespace `ops` running as ServiceAccount `exporter`; its inputs name no store."""
    pod = {
        "serviceAccountName": "exporter",
        "restartPolicy": "OnFailure",
        "containers": [
            {"name": "backup", "image": "bitnami/kubectl:1.35", "command": ["/bin/sh", "-c", script]}
        ],
    }
    return Res(
        "kubernetes:batch/v1:CronJob",
        "config-backup",
        {
            "metadata": {"name": "config-backup", "namespace": "ops"},
            "spec": {"schedule": "0 0 * * *", "jobTemplate": {"spec": {"template": {"spec": pod}}}},
        },
        region.kubernetes,
    )


def _binding(region: Region, role: str, kind: str = "Role", namespace: str | None = "crm", **top: Any) -> Res:
    """A RoleBinding of a namespace (or a ClusterRoleBinding) of `role` to the exporter's account."""
    binding = "RoleBinding" if namespace is not None else "ClusterRoleBinding"
    metadata: dict[str, Any] = {"name": "exporter-reads"}
    if namespace is not None:
        metadata["namespace"] = namespace
    props: dict[str, Any] = {
        "metadata": metadata,
        "roleRef": {"apiGroup": RBAC, "kind": kind, "name": role},
        "subjects": [{"kind": "ServiceAccount", "name": "exporter", "namespace": "ops"}],
        **top,
    }
    return Res(
        f"kubernetes:{RBAC}/v1:{binding}",
        f"exporter-reads-{namespace or 'cluster'}",
        props,
        region.kubernetes,
    )


def _judged(resources: list[Res], job: Res) -> list[str]:
    return [d.message for d in violations(resources, NO_PII) if d.urn == job.urn]


def test_a_workload_whose_account_may_read_nothing_of_the_pii_namespace_reads_nothing() -> None:
    region = eu_region()
    job = _exporter(region)
    found = _judged([*region.resources, _reader(region), job], job)
    assert found == [], found


@pytest.mark.parametrize(
    ("roles", "role", "kind", "namespace"),
    [
        ([("reader", SECRETS_READER, "crm")], "reader", "Role", "crm"),
        ([("reader", SECRETS_READER, None)], "reader", "ClusterRole", "crm"),
        ([("reader", SECRETS_READER, None)], "reader", "ClusterRole", None),
        (
            [("shell", [{"apiGroups": [""], "resources": ["pods/exec"], "verbs": ["create"]}], "crm")],
            "shell",
            "Role",
            "crm",
        ),
        ([], "edit", "ClusterRole", "crm"),
        ([], "not-declared", "Role", "crm"),
    ],
    ids=["a Role", "a ClusterRole bound in crm", "cluster-wide", "exec", "built-in edit", "an unknown role"],
)
def test_a_workload_whose_account_may_read_the_pii_namespace_reads_its_pii(
    roles: list[tuple[str, Any, str | None]], role: str, kind: str, namespace: str | None
) -> None:
    region = eu_region()
    job = _exporter(region)
    rbac = [_role(region, name, rules, ns) for name, rules, ns in roles]
    resources = [*region.resources, _reader(region), *rbac, _binding(region, role, kind, namespace), job]
    found = "\n".join(_judged(resources, job))
    assert "vault.offsite-backup.example" in found and "namespace crm" in found, messages(
        violations(resources, NO_PII)
    )


def test_a_binding_whose_subjects_are_unknown_at_preview_may_be_the_workloads() -> None:
    region = eu_region()
    job = _exporter(region)
    binding = _binding(region, "reader", "ClusterRole", "crm")
    binding.props["subjects"] = UNKNOWN
    resources = [*region.resources, _reader(region), _role(region, "reader", SECRETS_READER), binding, job]
    assert any("namespace crm" in m for m in _judged(resources, job))


def test_a_right_in_a_namespace_that_neither_holds_nor_reads_pii_reads_none() -> None:
    region = eu_region()
    job = _exporter(region)
    rbac = [_role(region, "reader", SECRETS_READER, "ops"), _binding(region, "reader", "Role", "ops")]
    assert _judged([*region.resources, _reader(region), *rbac, job], job) == []


@pytest.mark.parametrize(
    "script",
    [
        f"kubectl get secrets -n crm -o yaml | gzip > /tmp/out.yaml.gz && {UPLOAD}",
        f"kubectl --namespace=crm get secret crm-db-conn -o yaml > /tmp/out.yaml.gz; {UPLOAD}",
        f"kubectl get cm,secrets --all-namespaces -o yaml > /tmp/out.yaml.gz; {UPLOAD}",
        f"kubectl exec -n crm deploy/customer-api -- env > /tmp/out.yaml.gz; {UPLOAD}",
        f'for n in $NAMESPACES; do kubectl get secrets -n "$n" -o yaml; done > /tmp/out.yaml.gz; {UPLOAD}',
    ],
    ids=["-n crm", "--namespace=crm", "every namespace", "exec", "a namespace the pack cannot read"],
)
def test_a_kubectl_command_that_names_the_pii_namespace_reads_its_pii(script: str) -> None:
    # `crm` is shorter than the names lineage looks for inside text: named as a namespace it counts.
    region = eu_region()
    job = _exporter(region, script)
    assert any("namespace crm" in m for m in _judged([*region.resources, _reader(region), job], job))


@pytest.mark.parametrize(
    "script",
    [
        f"kubectl get pods -n crm -o wide > /tmp/out.yaml.gz; {UPLOAD}",
        f"kubectl get secrets -n ops -o yaml > /tmp/out.yaml.gz; {UPLOAD}",
        f"kubectl rollout restart -n crm deploy/customer-api && {UPLOAD}",
    ],
    ids=["pod listing", "another namespace", "a restart"],
)
def test_a_kubectl_command_that_reads_no_pii_reads_none(script: str) -> None:
    region = eu_region()
    job = _exporter(region, script)
    assert _judged([*region.resources, _reader(region), job], job) == []
