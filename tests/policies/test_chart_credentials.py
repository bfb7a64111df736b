"""A release of a reviewed chart whose code reads its cluster's data acts in the account its credentials name.

Velero's chart (a backup tool: its server backs up every object and, through its node agent, every pod volume
of its cluster) and the log shippers' charts read what the cluster holds and its pods write
(`residency_facts/charts.py`). An IRSA role its values give the chart's ServiceAccount
(`serviceAccount.server.annotations`, `serviceAccount.annotations`, ...), a kube2iam role of its pods, or an
EKS Pod Identity association or ServiceAccount of the stack in the release's namespace, in another account,
makes what it writes land in that account: a cross-account share of what it reads (rules 3 and 4), as for a
workload the stack declares (`test_workload_credentials.py`).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import PII
from tests.policies.helm_releases import release
from tests.policies.operator_objects import pii_claim
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations
from tests.policies.test_cluster_access import _database_reader

NO_PII = "no-pii-replication"
ANONYMISED = "anonymised-only-replication"
PARTNER_ROLE = "arn:aws:iam::999999999999:role/velero-backup-writer"
OWN_ROLE = "arn:aws:iam::123456789012:role/velero-backup-writer"


def _velero(region: Region, role: Any, deps: dict[str, list[Res]] | None = None, **values: Any) -> Res:
    """The velero chart backing up every namespace to a bucket in eu-west-1 with the AWS plugin, as the IRSA
    role its values give its server's ServiceAccount."""
    return release(
        region,
        "velero",
        {
            "initContainers": [
                {
                    "name": "velero-plugin-for-aws",
                    "image": "velero/velero-plugin-for-aws:v1.13.1",
                    "volumeMounts": [{"mountPath": "/target", "name": "plugins"}],
                }
            ],
            "deployNodeAgent": True,
            "credentials": {"useSecret": False},
            "serviceAccount": {"server": {"annotations": {"eks.amazonaws.com/role-arn": role}}},
            "configuration": {
                "defaultVolumesToFsBackup": True,
                "backupStorageLocation": [
                    {
                        "name": "default",
                        "provider": "aws",
                        "bucket": "acme-velero",
                        "config": {"region": "eu-west-1"},
                    }
                ],
            },
            "schedules": {"nightly": {"schedule": "0 1 * * *", "template": {"ttl": "720h"}}},
            **values,
        },
        "velero",
        deps=deps,
    )


def test_a_backup_chart_writing_with_another_accounts_role_shares_what_its_cluster_holds() -> None:
    region = eu_region()
    velero = _velero(region, PARTNER_ROLE)
    found = violations([*region.resources, pii_claim(region), velero], NO_PII)
    assert [d.urn for d in found] == [velero.urn], messages(found)
    assert "999999999999" in found[0].message
    assert "they read pii data (kubernetes:helm.sh/v3:Release 'velero')" in found[0].message


@pytest.mark.parametrize("own", ["literal", "stack-role"])
def test_a_backup_chart_writing_with_a_role_of_this_account_stays(own: str) -> None:
    region = eu_region()
    role = Res("aws:iam/role:Role", "velero", {"assumeRolePolicy": UNKNOWN}, region.provider)
    velero = (
        _velero(region, OWN_ROLE) if own == "literal" else _velero(region, UNKNOWN, deps={"values": [role]})
    )
    found = violations([*region.resources, pii_claim(region), role, velero], NO_PII)
    assert found == [], messages(found)


def test_a_backup_chart_in_a_cluster_that_holds_only_telemetry_shares_it_with_another_account() -> None:
    # The baseline cluster's TimescaleDB holds telemetry: no PII leaves, but a cross-account copy of it does.
    region = eu_region()
    velero = _velero(region, PARTNER_ROLE)
    assert violations([*region.resources, velero], NO_PII) == []
    found = violations([*region.resources, velero], ANONYMISED)
    assert [d.urn for d in found] == [velero.urn], messages(found)


def test_a_backup_chart_whose_pods_assume_another_accounts_role_through_kube2iam_shares_it() -> None:
    region = eu_region()
    velero = _velero(region, OWN_ROLE, podAnnotations={"iam.amazonaws.com/role": PARTNER_ROLE})
    found = violations([*region.resources, pii_claim(region), velero], NO_PII)
    assert [d.urn for d in found] == [velero.urn], messages(found)


def _association(region: Region, namespace: str, role: str) -> Res:
    return Res(
        "aws:eks/podIdentityAssociation:PodIdentityAssociation",
        "velero",
        {"clusterName": UNKNOWN, "namespace": namespace, "serviceAccount": "velero-server", "roleArn": role},
        region.provider,
        deps={"clusterName": [region.cluster]},
    )


def test_a_pod_identity_association_in_a_backup_charts_namespace_gives_its_pods_that_accounts_role() -> None:
    # The chart names its ServiceAccount itself: an association of the release's namespace may be its.
    region = eu_region()
    velero = _velero(region, None)
    association = _association(region, "velero", PARTNER_ROLE)
    found = violations([*region.resources, pii_claim(region), velero, association], NO_PII)
    assert [d.urn for d in found] == [association.urn], messages(found)
    assert "kubernetes:helm.sh/v3:Release 'velero'" in found[0].message
    elsewhere = _association(region, "other", PARTNER_ROLE)
    assert violations([*region.resources, pii_claim(region), velero, elsewhere], NO_PII) == []


def test_a_log_shipper_chart_writing_with_another_accounts_role_shares_what_the_pods_log() -> None:
    region = eu_region()
    shipper = release(
        region,
        "fluent-bit",
        {
            "serviceAccount": {"annotations": {"eks.amazonaws.com/role-arn": PARTNER_ROLE}},
            "config": {"outputs": "[OUTPUT]\n    Name cloudwatch_logs\n    region eu-west-1\n"},
        },
        "logging",
    )
    found = violations([*region.resources, _database_reader(region), shipper], NO_PII)
    assert [d.urn for d in found] == [shipper.urn], messages(found)


def test_a_backup_chart_to_the_stacks_pii_bucket_in_the_region_is_judged_by_its_review() -> None:
    # Naming the stack's PII bucket is where its backups go, not a reason to fail closed.
    region = eu_region()
    bucket = Res("aws:s3/bucket:Bucket", "velero-backups", {"tags": dict(PII)}, region.provider, protect=True)
    velero = _velero(region, OWN_ROLE)
    velero.props["values"]["configuration"]["backupStorageLocation"][0]["bucket"] = UNKNOWN
    velero.deps = {"values": [bucket]}
    stack = [*region.resources, pii_claim(region), bucket, velero]
    assert violations(stack, "resource-type-triaged") == [], messages(
        violations(stack, "resource-type-triaged")
    )
    assert violations(stack, NO_PII) == [], messages(violations(stack, NO_PII))


@pytest.mark.parametrize(
    ("credentials", "blocked"),
    [
        ({"useSecret": True, "secretContents": {"cloud": "[default]\naws_access_key_id=AKIA...\n"}}, True),
        ({"existingSecret": "velero-credentials"}, True),
        ({"secretContents": {"cloud": "[default]\nrole_arn = " + OWN_ROLE + "\n"}}, False),
        ({"secretContents": {"cloud": "[default]\nrole_arn = " + PARTNER_ROLE + "\n"}}, True),
        ({"useSecret": False, "existingSecret": "velero-credentials"}, False),
    ],
    ids=["access-keys", "existing-secret", "own-role", "partner-role", "secret-off"],
)
def test_a_backup_chart_reading_a_credentials_file_acts_in_the_account_only_a_role_in_it_names(
    credentials: dict[str, Any], blocked: bool
) -> None:
    # With credentials.useSecret (true by default) Velero's pods read AWS_SHARED_CREDENTIALS_FILE from the
    # Secret the chart makes of secretContents, or the one existingSecret names: access keys name no account.
    region = eu_region()
    velero = _velero(region, OWN_ROLE, credentials=credentials)
    found = violations([*region.resources, pii_claim(region), velero], NO_PII)
    assert [d.urn for d in found] == ([velero.urn] if blocked else []), messages(found)
