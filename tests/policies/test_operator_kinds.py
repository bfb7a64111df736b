"""The operator kinds triaged in round 9: Crunchy PGO's PGAdmin and CrunchyBridgeCluster, Kasten K10's
actions, policy presets, imports and transform sets.

- PGAdmin (postgres-operator.crunchydata.com/v1beta1) reads the PostgresClusters its `spec.serverGroups[]`
  select (`postgresClusterName`, `postgresClusterSelector` over its namespace's clusters): it is code that
  reads them, and a UI that publishes them when a public Service selects its pods (labelled
  `postgres-operator.crunchydata.com/pgadmin: <name>`) or a public Ingress routes to its `spec.serviceName`.
- CrunchyBridgeCluster is a database in Crunchy Bridge, Crunchy Data's cloud (`spec.provider`, `spec.region`):
  what it holds is kept outside this deployment's accounts (and outside AWS unless the provider is aws), and
  code that takes its role Secret (`spec.roles[].secretName`) writes there.
- Kasten: an ExportAction copies a restore point of its subject's namespace to a profile; a BackupAction and a
  RestoreAction copy a namespace's data within the cluster; a Policy's `import` action pulls what a profile
  holds into the cluster; a Policy's `presetRef` takes the PolicyPreset's export profile; a TransformSet that
  rewrites how restored Services or pods are published, in a cluster that holds PII, fails closed.

Field names: CrunchyData/postgres-operator pkg/apis/postgres-operator.crunchydata.com/v1beta1
(standalone_pgadmin_types.go, crunchy_bridgecluster_types.go), internal/naming (the pgAdmin pod labels);
docs.kasten.io/latest/api/actions, /api/policies, /api/policypresets, /api/transformsets.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.operator_objects import backup_bucket, custom_resource, pii_claim
from tests.policies.policy_harness import RULES, UNKNOWN, Res, messages, run_pack, violations
from tests.policies.test_backup_selections import ELSEWHERE, IN_REGION, KASTEN

NO_PII = "no-pii-replication"
ANONYMISED_ONLY = "anonymised-only-replication"
JURISDICTION = "pii-in-jurisdiction"
PUBLIC = "pii-not-public"
TRIAGED = "resource-type-triaged"
PGO = "postgres-operator.crunchydata.com/v1beta1"
ACTIONS = "actions.kio.kasten.io/v1alpha1"
PII = {"data-classification": "pii"}


def _mandatory(resources: list[Res], urns: tuple[str, ...] | None = None) -> list[Any]:
    return [
        d
        for d in run_pack(resources)
        if d.level == "mandatory" and d.policy in RULES and (urns is None or d.urn in urns)
    ]


def _blocked(resources: list[Res], resource: Res, policy: str, *words: str) -> str:
    found = violations(resources, policy)
    assert [d.urn for d in found] == [resource.urn], messages(found)
    for word in words:
        assert word in found[0].message, found[0].message
    return found[0].message


# PGAdmin ------------------------------------------------------------------------------------------------


def _postgres(region: Region) -> Res:
    """A PII PostgresCluster of namespace app, its claims on the baseline's encrypted, retained class."""
    spec = {
        "postgresVersion": 17,
        "instances": [
            {
                "name": "main",
                "dataVolumeClaimSpec": {
                    "storageClassName": "telemetry-gp3",
                    "accessModes": ["ReadWriteOnce"],
                    "resources": {"requests": {"storage": "10Gi"}},
                },
            }
        ],
    }
    return custom_resource(
        region, PGO, "PostgresCluster", "customers", spec, labels={**PII, "team": "crm"}, protect=True
    )


def _pgadmin(region: Region, server_groups: list[dict[str, Any]] | None = None) -> Res:
    spec = {
        "dataVolumeClaimSpec": {
            "accessModes": ["ReadWriteOnce"],
            "resources": {"requests": {"storage": "1Gi"}},
        },
        "serverGroups": server_groups
        if server_groups is not None
        else [{"name": "crm", "postgresClusterName": "customers"}],
        "serviceName": "pgadmin",
    }
    return custom_resource(region, PGO, "PGAdmin", "admin", spec)


def _pgadmin_service(region: Region, kind: str = "LoadBalancer") -> Res:
    return Res(
        "kubernetes:core/v1:Service",
        f"pgadmin-{kind.lower()}",
        {
            "metadata": {"name": "pgadmin-public", "namespace": "app"},
            "spec": {
                "type": kind,
                "selector": {"postgres-operator.crunchydata.com/pgadmin": "admin"},
                "ports": [{"port": 80, "targetPort": 5050}],
            },
        },
        region.kubernetes,
    )


def test_an_internal_pgadmin_of_the_pii_cluster_breaks_no_rule() -> None:
    region = eu_region()
    pgadmin = _pgadmin(region)
    resources = [*region.resources, _postgres(region), pgadmin, _pgadmin_service(region, "ClusterIP")]
    assert _mandatory(resources, (pgadmin.urn,)) == []
    assert violations(resources, PUBLIC) == []


@pytest.mark.parametrize(
    "groups",
    [
        [{"name": "crm", "postgresClusterName": "customers"}],
        [{"name": "crm", "postgresClusterSelector": {"matchLabels": {"team": "crm"}}}],
        [{"name": "all", "postgresClusterSelector": {}}],
    ],
    ids=["by-name", "by-label", "every-cluster"],
)
def test_a_public_service_of_a_pgadmin_reading_pii_publishes_it(groups: list[dict[str, Any]]) -> None:
    region = eu_region()
    service = _pgadmin_service(region)
    resources = [*region.resources, _postgres(region), _pgadmin(region, groups), service]
    _blocked(resources, service, PUBLIC, "pgadmin", "customers")


def test_a_pgadmin_that_selects_no_pii_cluster_publishes_none() -> None:
    region = eu_region()
    groups = [{"name": "web", "postgresClusterSelector": {"matchLabels": {"team": "web"}}}]
    resources = [*region.resources, _postgres(region), _pgadmin(region, groups), _pgadmin_service(region)]
    assert violations(resources, PUBLIC) == []


def test_an_internet_facing_ingress_to_the_pgadmin_service_publishes_it() -> None:
    region = eu_region()
    ingress = Res(
        "kubernetes:networking.k8s.io/v1:Ingress",
        "pgadmin",
        {
            "metadata": {
                "name": "pgadmin",
                "namespace": "app",
                "annotations": {"alb.ingress.kubernetes.io/scheme": "internet-facing"},
            },
            "spec": {
                "ingressClassName": "alb",
                "rules": [
                    {
                        "http": {
                            "paths": [
                                {
                                    "path": "/",
                                    "pathType": "Prefix",
                                    "backend": {"service": {"name": "pgadmin", "port": {"number": 5050}}},
                                }
                            ]
                        }
                    }
                ],
            },
        },
        region.kubernetes,
    )
    _blocked([*region.resources, _postgres(region), _pgadmin(region), ingress], ingress, PUBLIC, "pgadmin")


# CrunchyBridgeCluster ---------------------------------------------------------------------------------


def _bridge(region: Region, provider: str = "aws", labels: dict[str, str] | None = None) -> Res:
    spec = {
        "clusterName": "customers-bridge",
        "isHa": True,
        "plan": "standard-8",
        "majorVersion": 17,
        "provider": provider,
        "region": "eu-west-1",
        "secret": "crunchy-bridge-api",
        "storage": "100Gi",
        "roles": [{"name": "application", "secretName": "bridge-app"}],
    }
    return custom_resource(region, PGO, "CrunchyBridgeCluster", "customers", spec, labels=labels)


@pytest.mark.parametrize("provider", ["aws", "gcp"])
def test_personal_data_in_crunchy_bridge_is_kept_outside_the_deployment(provider: str) -> None:
    region = eu_region()
    bridge = _bridge(region, provider, PII)
    message = _blocked([*region.resources, bridge], bridge, JURISDICTION, "Crunchy Bridge")
    assert ("outside AWS" in message) == (provider != "aws")


def test_a_bridge_cluster_of_data_that_is_not_resident_may_be_anywhere() -> None:
    region = eu_region()
    bridge = _bridge(region, "gcp", {"data-classification": "internal"})
    assert _mandatory([*region.resources, bridge], (bridge.urn,)) == []


def test_a_bridge_cluster_must_say_what_it_holds() -> None:
    region = eu_region()
    bridge = _bridge(region)
    _blocked([*region.resources, bridge], bridge, "data-classification-required")


def test_code_that_reads_pii_and_takes_a_bridge_role_secret_writes_it_there() -> None:
    region = eu_region()
    worker = Res(
        "kubernetes:apps/v1:Deployment",
        "sync",
        {
            "metadata": {"name": "sync", "namespace": "app"},
            "spec": {
                "template": {
                    "spec": {
                        "containers": [
                            {
                                "name": "sync",
                                "image": "example/sync:1",
                                "env": [{"name": "SOURCE_DB", "value": UNKNOWN}],
                                "envFrom": [{"secretRef": {"name": "bridge-app"}}],
                            }
                        ]
                    }
                }
            },
        },
        region.kubernetes,
        deps={"spec": [region.database]},
    )
    bridge = _bridge(region, labels={"data-classification": "internal"})
    _blocked([*region.resources, bridge, worker], worker, NO_PII, "Crunchy Bridge")


# Kasten actions, imports, presets and transform sets --------------------------------------------------


def _profile(region: Region, profile: dict[str, Any] | None = None) -> Res:
    return custom_resource(
        region, KASTEN, "Profile", "s3-eu", copy.deepcopy(profile or IN_REGION), namespace="kasten-io"
    )


def _export_action(region: Region) -> Res:
    spec = {
        "subject": {"kind": "RestorePoint", "name": "app-restore-point-2026-01-01", "namespace": "app"},
        "profile": {"name": "s3-eu", "namespace": "kasten-io"},
    }
    return custom_resource(region, ACTIONS, "ExportAction", "export-app", spec, namespace="kasten-io")


def _kasten(region: Region, *extra: Res, profile: dict[str, Any] | None = None) -> list[Res]:
    return [*region.resources, pii_claim(region), *backup_bucket(region), _profile(region, profile), *extra]


def test_an_export_action_of_the_pii_namespace_to_an_in_region_profile_breaks_no_rule() -> None:
    region = eu_region()
    action = _export_action(region)
    assert _mandatory(_kasten(region, action), (action.urn,)) == []


def test_an_export_action_to_another_region_copies_personal_data() -> None:
    region = eu_region()
    action = _export_action(region)
    _blocked(_kasten(region, action, profile=ELSEWHERE["another region"]), action, NO_PII, "us-east-1")


def test_backup_and_restore_actions_stay_in_the_cluster() -> None:
    region = eu_region()
    backup = custom_resource(
        region,
        ACTIONS,
        "BackupAction",
        "backup-app",
        {"subject": {"name": "app", "namespace": "app"}},
        namespace="app",
    )
    restore = custom_resource(
        region,
        ACTIONS,
        "RestoreAction",
        "restore-app",
        {
            "subject": {"kind": "RestorePoint", "name": "app-restore-point-2026-01-01", "namespace": "app"},
            "targetNamespace": "app-restored",
        },
        namespace="app",
    )
    assert _mandatory(_kasten(region, backup, restore), (backup.urn, restore.urn)) == []


def _import_policy(region: Region) -> Res:
    spec = {
        "frequency": "@hourly",
        "actions": [
            {
                "action": "import",
                "importParameters": {
                    "profile": {"name": "s3-eu", "namespace": "kasten-io"},
                    "receiveString": "bIzAPpoanmEU...",
                },
            }
        ],
    }
    return custom_resource(region, KASTEN, "Policy", "import-app", spec, namespace="kasten-io")


def test_an_import_from_a_profile_in_another_region_copies_into_the_cluster() -> None:
    region = eu_region()
    policy = _import_policy(region)
    assert violations(_kasten(region, policy), ANONYMISED_ONLY) == []
    _blocked(
        _kasten(region, policy, profile=ELSEWHERE["another region"]), policy, ANONYMISED_ONLY, "us-east-1"
    )


def test_a_policy_exports_where_its_preset_says() -> None:
    region = eu_region()
    preset = custom_resource(
        region,
        KASTEN,
        "PolicyPreset",
        "daily",
        {
            "backup": {"frequency": "@hourly", "retention": {"hourly": 24}},
            "export": {
                "frequency": "@daily",
                "exportData": {"enabled": True},
                "profile": {"name": "s3-eu", "namespace": "kasten-io"},
            },
        },
        namespace="kasten-io",
    )
    spec = {
        "presetRef": {"name": "daily", "namespace": "kasten-io"},
        "actions": [{"action": "backup"}, {"action": "export"}],
        "selector": {"matchLabels": {"k10.kasten.io/appNamespace": "app"}},
    }
    policy = custom_resource(region, KASTEN, "Policy", "app-preset", spec, namespace="kasten-io")
    assert _mandatory(_kasten(region, preset, policy), (policy.urn, preset.urn)) == []
    _blocked(
        _kasten(region, preset, policy, profile=ELSEWHERE["another region"]), policy, NO_PII, "us-east-1"
    )


def _transform_set(region: Region, transforms: list[dict[str, Any]]) -> Res:
    return custom_resource(
        region, KASTEN, "TransformSet", "restore-changes", {"transforms": transforms}, namespace="kasten-io"
    )


def test_a_transform_set_that_scales_restored_deployments_changes_no_exposure() -> None:
    region = eu_region()
    scale = [
        {
            "subject": {"resource": "deployments"},
            "name": "scale",
            "json": [{"op": "replace", "path": "/spec/replicas", "value": 3}],
        }
    ]
    transforms = _transform_set(region, scale)
    assert _mandatory(_kasten(region, transforms), (transforms.urn,)) == []


@pytest.mark.parametrize(
    "transform",
    [
        {
            "subject": {"resource": "services"},
            "name": "public",
            "json": [{"op": "replace", "path": "/spec/type", "value": "LoadBalancer"}],
        },
        {
            "subject": {"resource": "deployments"},
            "name": "host",
            "json": [{"op": "add", "path": "/spec/template/spec/hostNetwork", "value": True}],
        },
        {
            "subject": {"resource": "ingresses"},
            "name": "scheme",
            "json": [
                {
                    "op": "add",
                    "path": "/metadata/annotations/alb.ingress.kubernetes.io~1scheme",
                    "value": "internet-facing",
                }
            ],
        },
    ],
    ids=["service-type", "host-network", "ingress-scheme"],
)
def test_a_transform_set_that_publishes_restored_objects_fails_closed_in_a_pii_cluster(
    transform: dict[str, Any],
) -> None:
    region = eu_region()
    transforms = _transform_set(region, [transform])
    _blocked(_kasten(region, transforms), transforms, PUBLIC, "TransformSet")
