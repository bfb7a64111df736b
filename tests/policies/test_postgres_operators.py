"""PostgreSQL operators whose backups copy the database: CloudNativePG, Zalando's postgres-operator and
Crunchy PGO. Each cluster is a PII holder (by its label, or by what it restores, clones or streams from) and
its backup repository is a copy destination, placed by its endpoint and region fields or by its bucket (the
stack's bucket is in the stack's region; a bucket the stack does not declare is in an account that cannot be
traced, and in a region only when a field says so). Each test is the compliant baseline (a PII cluster in
the namespace `app` backing up to the stack's eu-west-1 bucket under the stack's key) and one change.

Field names follow each operator's API reference: cloudnative-pg.io/documentation/current/
cloudnative-pg.v1/ (Cluster, Backup, ScheduledBackup, Subscription) and the barman-cloud plugin's ObjectStore
(cloudnative-pg.io/plugin-barman-cloud/docs/); Zalando postgres-operator docs/reference/cluster_manifest.md
(env, clone, standby); Crunchy PGO's PostgresCluster reference (spec.backups.pgbackrest.repos[].s3,
spec.standby, spec.dataSource).
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.operator_objects import (
    BACKUP_BUCKET,
    backup_bucket,
    custom_resource,
    kubernetes_elsewhere,
)
from tests.policies.policy_harness import RULES, UNKNOWN, Res, messages, run_pack, violations

NO_PII = "no-pii-replication"
ANONYMISED_ONLY = "anonymised-only-replication"
PII = {"data-classification": "pii"}
ANONYMISED = {"data-classification": "anonymised"}
CNPG = "postgresql.cnpg.io/v1"
BARMAN = "barmancloud.cnpg.io/v1"
ZALANDO = "acid.zalan.do/v1"
CRUNCHY = "postgres-operator.crunchydata.com/v1beta1"


def _every_rule(resources: list[Res], judged: list[Res]) -> list[str]:
    """The mandatory violations of every rule on the judged resources."""
    urns = {r.urn for r in judged}
    return [
        f"{d.policy}: {d.message}"
        for d in run_pack(resources)
        if d.level == "mandatory" and d.policy in RULES and d.urn in urns
    ]


def _blocked(resources: list[Res], resource: Res, policy: str = NO_PII) -> str:
    found = violations(resources, policy)
    assert resource.urn in [d.urn for d in found], messages(found)
    return next(d.message for d in found if d.urn == resource.urn)


# CloudNativePG --------------------------------------------------------------------------------------------

BARMAN_STORE: dict[str, Any] = {
    "destinationPath": f"s3://{BACKUP_BUCKET}/customers",
    "s3Credentials": {"inheritFromIAMRole": True},
    "wal": {"compression": "gzip"},
}


def _cnpg_spec(store: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "instances": 3,
        "storage": {"size": "20Gi", "storageClass": "telemetry-gp3"},
        "backup": {
            "barmanObjectStore": copy.deepcopy(store if store is not None else BARMAN_STORE),
            "retentionPolicy": "30d",
        },
    }


def _cnpg(region: Region, spec: dict[str, Any] | None = None, name: str = "customers", **kwargs: Any) -> Res:
    return custom_resource(
        region,
        CNPG,
        "Cluster",
        name,
        spec if spec is not None else _cnpg_spec(),
        labels=kwargs.pop("labels", PII),
        protect=True,
        **kwargs,
    )


def _cnpg_stack(spec: dict[str, Any] | None = None) -> tuple[Region, list[Res], Res]:
    region = eu_region()
    cluster = _cnpg(region, spec)
    return region, [*region.resources, *backup_bucket(region), cluster], cluster


def test_a_cnpg_cluster_backing_up_to_the_stacks_bucket_in_region_breaks_no_rule() -> None:
    region, resources, cluster = _cnpg_stack()
    scheduled = custom_resource(
        region,
        CNPG,
        "ScheduledBackup",
        "customers-nightly",
        {"schedule": "0 0 3 * * *", "cluster": {"name": "customers"}},
    )
    bucket = backup_bucket(region)[0]
    found = _every_rule([*resources, scheduled], [cluster, scheduled, bucket])
    assert found == [], found


def test_a_cnpg_cluster_on_the_regional_s3_endpoint_stays() -> None:
    _, resources, _ = _cnpg_stack(
        _cnpg_spec({**BARMAN_STORE, "endpointURL": "https://s3.eu-west-1.amazonaws.com"})
    )
    assert violations(resources, NO_PII) == []
    assert violations(resources, ANONYMISED_ONLY) == []


CNPG_ELSEWHERE = {
    "the us-east-1 endpoint": {**BARMAN_STORE, "endpointURL": "https://s3.us-east-1.amazonaws.com"},
    "a bucket named for another region": {
        **BARMAN_STORE,
        "destinationPath": "s3://acme-pg-us-east-1/customers",
    },
    "a bucket the stack does not declare": {**BARMAN_STORE, "destinationPath": "s3://acme-offsite/customers"},
}


@pytest.mark.parametrize("store", CNPG_ELSEWHERE.values(), ids=CNPG_ELSEWHERE.keys())
def test_a_cnpg_cluster_backing_up_elsewhere_copies_personal_data(store: dict[str, Any]) -> None:
    _, resources, cluster = _cnpg_stack(_cnpg_spec(store))
    message = _blocked(resources, cluster)
    assert "personal data" in message and "GDPR" in message
    _blocked(resources, cluster, ANONYMISED_ONLY)


CNPG_OUTSIDE = {
    "an S3-compatible server on the internet": {
        **BARMAN_STORE,
        "endpointURL": "https://minio.backup.example.net",
    },
    "Azure Blob Storage": {
        "destinationPath": "https://acmebackups.blob.core.windows.net/customers",
        "azureCredentials": {"storageAccount": {"name": "azure-creds", "key": "account"}},
    },
    "Google Cloud Storage": {
        "destinationPath": "gs://acme-pg/customers",
        "googleCredentials": {"applicationCredentials": {"name": "gcs-creds", "key": "gcsCredentials"}},
    },
}


@pytest.mark.parametrize("store", CNPG_OUTSIDE.values(), ids=CNPG_OUTSIDE.keys())
def test_a_cnpg_cluster_backing_up_outside_aws_is_blocked(store: dict[str, Any]) -> None:
    _, resources, cluster = _cnpg_stack(_cnpg_spec(store))
    assert "outside AWS" in _blocked(resources, cluster)


def _object_store(region: Region, configuration: dict[str, Any]) -> Res:
    return custom_resource(region, BARMAN, "ObjectStore", "customers-store", {"configuration": configuration})


def _plugin_spec() -> dict[str, Any]:
    spec = _cnpg_spec()
    del spec["backup"]
    spec["plugins"] = [
        {
            "name": "barman-cloud.cloudnative-pg.io",
            "isWALArchiver": True,
            "parameters": {"barmanObjectName": "customers-store"},
        }
    ]
    return spec


def test_a_cnpg_cluster_archiving_through_an_in_region_plugin_object_store_stays() -> None:
    region = eu_region()
    cluster = _cnpg(region, _plugin_spec())
    store = _object_store(region, BARMAN_STORE)
    resources = [*region.resources, *backup_bucket(region), store, cluster]
    assert _every_rule(resources, [cluster, store]) == []


def test_a_cnpg_cluster_archiving_through_a_plugin_object_store_elsewhere_is_blocked() -> None:
    region = eu_region()
    cluster = _cnpg(region, _plugin_spec())
    store = _object_store(region, CNPG_ELSEWHERE["the us-east-1 endpoint"])
    _blocked([*region.resources, *backup_bucket(region), store, cluster], cluster)


def test_a_cnpg_cluster_archiving_through_an_object_store_the_stack_does_not_declare_is_blocked() -> None:
    region = eu_region()
    cluster = _cnpg(region, _plugin_spec())
    assert "does not declare" in _blocked([*region.resources, cluster], cluster, ANONYMISED_ONLY)


def test_a_cnpg_cluster_archiving_through_a_plugin_the_pack_has_not_reviewed_fails_closed() -> None:
    # Reviewer blind-k8s12 l28b: a CNPG-I plugin (pgBackRest's) archives the WAL where its own objects say.
    region = eu_region()
    spec = _plugin_spec()
    spec["plugins"] = [
        {"name": "pgbackrest.dalibo.com", "isWALArchiver": True, "parameters": {"stanzaRef": "wal-archive"}}
    ]
    cluster = _cnpg(region, spec)
    assert "pgbackrest.dalibo.com" in _blocked([*region.resources, cluster], cluster)


def test_a_scheduled_backup_of_a_cnpg_cluster_whose_store_is_elsewhere_is_blocked() -> None:
    region, resources, _ = _cnpg_stack(_cnpg_spec(CNPG_ELSEWHERE["the us-east-1 endpoint"]))
    scheduled = custom_resource(
        region,
        CNPG,
        "ScheduledBackup",
        "customers-nightly",
        {"schedule": "0 0 3 * * *", "cluster": {"name": "customers"}},
    )
    _blocked([*resources, scheduled], scheduled)


def _replica_spec(source: dict[str, Any], store: dict[str, Any]) -> dict[str, Any]:
    spec = _cnpg_spec(store)
    spec["replica"] = {"enabled": True, "source": "origin"}
    spec["bootstrap"] = {"pg_basebackup": {"source": "origin"}}
    spec["externalClusters"] = [{"name": "origin", **source}]
    return spec


STREAMED = {"connectionParameters": {"host": "customers-rw.app.svc", "user": "streaming_replica"}}
RESTORED = {"barmanObjectStore": {**BARMAN_STORE, "serverName": "customers"}}


@pytest.mark.parametrize(
    "source", [STREAMED, RESTORED], ids=["streamed from", "restored from the backups of"]
)
def test_a_cnpg_replica_of_the_pii_cluster_holds_pii_whatever_its_label(source: dict[str, Any]) -> None:
    region, resources, _ = _cnpg_stack()
    replica = _cnpg(
        region,
        _replica_spec(source, CNPG_ELSEWHERE["the us-east-1 endpoint"]),
        name="reporting",
        labels=ANONYMISED,
    )
    message = _blocked([*resources, replica], replica)
    assert (
        "(pii) -> kubernetes:postgresql.cnpg.io/v1:Cluster 'cluster-reporting' (labelled anonymised)"
        in message
    )


def test_a_cnpg_replica_in_another_region_restored_from_the_pii_clusters_backups_is_blocked() -> None:
    _, resources, _ = _cnpg_stack()
    replica = custom_resource(
        kubernetes_elsewhere(),
        CNPG,
        "Cluster",
        "reporting",
        _replica_spec(RESTORED, {**BARMAN_STORE, "destinationPath": "s3://reporting-us-east-1/reporting"}),
        labels=ANONYMISED,
        protect=True,
    )
    _blocked([*resources, replica], replica)


def test_a_cnpg_replica_of_a_host_no_cluster_of_the_stack_serves_cannot_be_shown_anonymised() -> None:
    region, resources, _ = _cnpg_stack()
    replica = _cnpg(
        region,
        _replica_spec(
            {"connectionParameters": {"host": "legacy-rw.app.svc"}}, CNPG_ELSEWHERE["the us-east-1 endpoint"]
        ),
        name="reporting",
        labels=ANONYMISED,
    )
    assert "no database cluster of the stack serves" in _blocked(
        [*resources, replica], replica, ANONYMISED_ONLY
    )


def test_a_cnpg_subscription_to_the_pii_database_from_another_region_copies_it() -> None:
    """Logical replication from the baseline's PII RDS database (its address, computed from it) into a
    CloudNativePG cluster in us-east-1."""
    region, resources, _ = _cnpg_stack()
    elsewhere = kubernetes_elsewhere()
    reporting_spec = _cnpg_spec({**BARMAN_STORE, "destinationPath": "s3://reporting-us-east-1/reporting"})
    reporting_spec["externalClusters"] = [
        {"name": "customers-origin", "connectionParameters": {"host": UNKNOWN, "dbname": "app"}}
    ]
    reporting = custom_resource(
        elsewhere,
        CNPG,
        "Cluster",
        "reporting",
        reporting_spec,
        labels=ANONYMISED,
        protect=True,
        deps={"spec": [region.database]},
    )
    subscription = custom_resource(
        elsewhere,
        CNPG,
        "Subscription",
        "customers-sub",
        {
            "cluster": {"name": "reporting"},
            "name": "customers_sub",
            "dbname": "app",
            "publicationName": "customers_pub",
            "externalClusterName": "customers-origin",
        },
    )
    _blocked([*resources, reporting, subscription], subscription)


# Zalando postgres-operator ----------------------------------------------------------------------------------


def _zalando_spec(env: list[dict[str, Any]] | None = None, **extra: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "teamId": "acid",
        "numberOfInstances": 2,
        "volume": {"size": "20Gi", "storageClass": "telemetry-gp3"},
        "postgresql": {"version": "17"},
        "env": env
        if env is not None
        else [
            {"name": "WAL_S3_BUCKET", "value": BACKUP_BUCKET},
            {"name": "AWS_REGION", "value": "eu-west-1"},
        ],
    }
    spec.update(extra)
    return spec


def _zalando(
    region: Region | Res, spec: dict[str, Any], name: str = "acid-customers", labels: dict[str, str] = PII
) -> Res:
    return custom_resource(region, ZALANDO, "postgresql", name, spec, labels=labels, protect=True)


def test_a_zalando_cluster_archiving_to_the_stacks_bucket_in_region_breaks_no_rule() -> None:
    region = eu_region()
    cluster = _zalando(region, _zalando_spec())
    resources = [*region.resources, *backup_bucket(region), cluster]
    assert _every_rule(resources, [cluster]) == []


ZALANDO_ELSEWHERE = {
    "another region": [
        {"name": "WAL_S3_BUCKET", "value": BACKUP_BUCKET},
        {"name": "AWS_REGION", "value": "us-east-1"},
    ],
    "a WAL-G prefix on a bucket the stack does not declare": [
        {"name": "WALG_S3_PREFIX", "value": "s3://acme-offsite/spilo/acid-customers"},
    ],
    "an S3-compatible endpoint on the internet": [
        {"name": "WAL_S3_BUCKET", "value": BACKUP_BUCKET},
        {"name": "AWS_ENDPOINT", "value": "https://minio.backup.example.net"},
    ],
    "Google Cloud Storage": [{"name": "WAL_GS_BUCKET", "value": "acme-wal"}],
    "no bucket of its own (the operator's, which the stack does not declare)": [],
}


@pytest.mark.parametrize("env", ZALANDO_ELSEWHERE.values(), ids=ZALANDO_ELSEWHERE.keys())
def test_a_zalando_cluster_archiving_elsewhere_is_blocked(env: list[dict[str, str]]) -> None:
    region = eu_region()
    cluster = _zalando(region, _zalando_spec(env))
    _blocked([*region.resources, *backup_bucket(region), cluster], cluster, ANONYMISED_ONLY)


def _operator_configuration(region: Region, aws_or_gcp: dict[str, Any]) -> Res:
    """The postgres-operator's OperatorConfiguration (its `configuration` is a top-level input)."""
    return custom_resource(
        region,
        ZALANDO,
        "OperatorConfiguration",
        "postgres-operator",
        None,
        namespace="postgres-operator",
        configuration={"aws_or_gcp": aws_or_gcp, "logical_backup": {"logical_backup_provider": "s3"}},
    )


OPERATOR_WAL_IN_REGION = {"wal_s3_bucket": BACKUP_BUCKET, "aws_region": "eu-west-1"}


def test_a_zalando_cluster_archiving_to_the_operators_in_region_bucket_breaks_no_rule() -> None:
    region = eu_region()
    cluster = _zalando(region, _zalando_spec([]))
    configuration = _operator_configuration(region, OPERATOR_WAL_IN_REGION)
    resources = [*region.resources, *backup_bucket(region), configuration, cluster]
    assert _every_rule(resources, [cluster, configuration]) == []


@pytest.mark.parametrize(
    "aws_or_gcp",
    [
        {"wal_s3_bucket": "acme-wal-us-east-1"},
        {"wal_s3_bucket": "acme-wal"},
        {"wal_gs_bucket": "acme-wal"},
    ],
    ids=["a bucket named for another region", "a bucket the stack does not declare", "Google Cloud Storage"],
)
def test_a_zalando_cluster_archiving_to_the_operators_bucket_elsewhere_is_blocked(
    aws_or_gcp: dict[str, Any],
) -> None:
    region = eu_region()
    cluster = _zalando(region, _zalando_spec([]))
    configuration = _operator_configuration(region, aws_or_gcp)
    _blocked([*region.resources, *backup_bucket(region), configuration, cluster], cluster, ANONYMISED_ONLY)


def test_zalando_logical_backups_to_the_operators_bucket_in_another_region_are_blocked() -> None:
    region = eu_region()
    cluster = _zalando(region, {**_zalando_spec(), "enableLogicalBackup": True})
    configuration = _operator_configuration(region, OPERATOR_WAL_IN_REGION)
    configuration.props["configuration"]["logical_backup"].update(
        {"logical_backup_s3_bucket": "acme-dumps", "logical_backup_s3_region": "us-east-1"}
    )
    _blocked([*region.resources, *backup_bucket(region), configuration, cluster], cluster)


def test_a_zalando_standby_of_the_pii_clusters_wal_holds_pii() -> None:
    region = eu_region()
    primary = _zalando(region, _zalando_spec())
    standby = _zalando(
        region,
        _zalando_spec(
            ZALANDO_ELSEWHERE["another region"],
            standby={"s3_wal_path": f"s3://{BACKUP_BUCKET}/spilo/acid-customers/wal/17"},
        ),
        name="acid-reporting",
        labels=ANONYMISED,
    )
    message = _blocked([*region.resources, *backup_bucket(region), primary, standby], standby)
    assert "labelled anonymised" in message


def test_a_zalando_clone_into_another_region_copies_the_pii_cluster() -> None:
    region = eu_region()
    primary = _zalando(region, _zalando_spec())
    clone = _zalando(
        kubernetes_elsewhere(),
        _zalando_spec(
            clone={"cluster": "acid-customers", "s3_wal_path": f"s3://{BACKUP_BUCKET}/spilo/acid-customers"}
        ),
        name="acid-clone",
        labels=ANONYMISED,
    )
    _blocked([*region.resources, *backup_bucket(region), primary, clone], clone)


# Crunchy PGO ------------------------------------------------------------------------------------------------

REPO: dict[str, Any] = {
    "name": "repo1",
    "s3": {"bucket": BACKUP_BUCKET, "endpoint": "s3.eu-west-1.amazonaws.com", "region": "eu-west-1"},
}


def _crunchy_spec(repo: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "postgresVersion": 17,
        "instances": [
            {
                "name": "instance1",
                "replicas": 2,
                "dataVolumeClaimSpec": {
                    "storageClassName": "telemetry-gp3",
                    "accessModes": ["ReadWriteOnce"],
                    "resources": {"requests": {"storage": "20Gi"}},
                },
            }
        ],
        "backups": {"pgbackrest": {"repos": [copy.deepcopy(repo if repo is not None else REPO)]}},
    }
    spec.update(extra)
    return spec


def _crunchy(
    region: Region | Res, spec: dict[str, Any], name: str = "customers", labels: dict[str, str] = PII
) -> Res:
    return custom_resource(region, CRUNCHY, "PostgresCluster", name, spec, labels=labels, protect=True)


def test_a_crunchy_cluster_backing_up_to_the_stacks_bucket_in_region_breaks_no_rule() -> None:
    region = eu_region()
    cluster = _crunchy(region, _crunchy_spec())
    assert _every_rule([*region.resources, *backup_bucket(region), cluster], [cluster]) == []


CRUNCHY_ELSEWHERE = {
    "another region": {
        **REPO,
        "s3": {**REPO["s3"], "endpoint": "s3.us-east-1.amazonaws.com", "region": "us-east-1"},
    },
    "a bucket the stack does not declare": {**REPO, "s3": {**REPO["s3"], "bucket": "acme-offsite"}},
    "Google Cloud Storage": {"name": "repo2", "gcs": {"bucket": "acme-pgbackrest"}},
    "Azure Blob Storage": {"name": "repo3", "azure": {"container": "pgbackrest"}},
}


@pytest.mark.parametrize("repo", CRUNCHY_ELSEWHERE.values(), ids=CRUNCHY_ELSEWHERE.keys())
def test_a_crunchy_cluster_backing_up_elsewhere_is_blocked(repo: dict[str, Any]) -> None:
    region = eu_region()
    cluster = _crunchy(region, _crunchy_spec(repo))
    _blocked([*region.resources, *backup_bucket(region), cluster], cluster)


def test_a_crunchy_standby_of_the_pii_clusters_repository_holds_pii() -> None:
    region = eu_region()
    primary = _crunchy(region, _crunchy_spec())
    standby = _crunchy(
        region,
        _crunchy_spec(CRUNCHY_ELSEWHERE["another region"], standby={"enabled": True, "repoName": "repo1"}),
        name="reporting",
        labels=ANONYMISED,
    )
    standby.props["spec"]["backups"]["pgbackrest"]["repos"].append(copy.deepcopy(REPO))
    message = _blocked([*region.resources, *backup_bucket(region), primary, standby], standby)
    assert "labelled anonymised" in message


def test_a_crunchy_clone_of_the_pii_clusters_repository_into_another_region_is_blocked() -> None:
    region = eu_region()
    primary = _crunchy(region, _crunchy_spec())
    elsewhere = {
        **REPO,
        "s3": {
            "bucket": "reporting-us-east-1",
            "endpoint": "s3.us-east-1.amazonaws.com",
            "region": "us-east-1",
        },
    }
    clone = _crunchy(
        kubernetes_elsewhere(),
        _crunchy_spec(elsewhere, dataSource={"pgbackrest": {"stanza": "db", "repo": copy.deepcopy(REPO)}}),
        name="clone",
        labels=ANONYMISED,
    )
    _blocked([*region.resources, *backup_bucket(region), primary, clone], clone)


def test_a_crunchy_clone_of_the_pii_cluster_holds_pii_whatever_its_label() -> None:
    region = eu_region()
    primary = _crunchy(region, _crunchy_spec())
    clone = _crunchy(
        region,
        _crunchy_spec(
            CRUNCHY_ELSEWHERE["another region"],
            dataSource={
                "postgresCluster": {
                    "clusterName": "customers",
                    "clusterNamespace": "app",
                    "repoName": "repo1",
                }
            },
        ),
        name="clone",
        labels=ANONYMISED,
    )
    message = _blocked([*region.resources, *backup_bucket(region), primary, clone], clone)
    assert "'postgrescluster-customers' (pii) -> " in message


# An operator group the triage does not know fails closed ---------------------------------------------------


def test_a_custom_resource_of_an_unknown_operator_naming_the_pii_cluster_fails_closed() -> None:
    region, resources, _ = _cnpg_stack()
    unknown = custom_resource(
        region,
        "dumps.example.com/v1",
        "Dump",
        "customers-dump",
        {"host": "customers-rw.app.svc", "destination": "s3://acme-offsite/dumps"},
    )
    unknown.deps["spec"] = [resources[-1]]
    found = violations([*resources, unknown], "resource-type-triaged")
    assert [d.urn for d in found] == [unknown.urn], messages(found)


def test_a_custom_resource_of_an_unknown_operator_naming_the_pii_clusters_service_fails_closed() -> None:
    region, resources, _ = _cnpg_stack()
    unknown = custom_resource(
        region, "dumps.example.com/v1", "Dump", "customers-dump", {"host": "customers-rw.app.svc"}
    )
    found = violations([*resources, unknown], "resource-type-triaged")
    assert [d.urn for d in found] == [unknown.urn], messages(found)


SERVICE_HOSTS = {
    "CloudNativePG": ("postgresql.cnpg.io/v1", "Cluster", "customers-ro.app.svc.cluster.local"),
    "Zalando": ("acid.zalan.do/v1", "postgresql", "customers-repl.app"),
    "Crunchy PGO": (
        "postgres-operator.crunchydata.com/v1beta1",
        "PostgresCluster",
        "customers-primary.app.svc",
    ),
}


@pytest.mark.parametrize(("api_version", "kind", "host"), SERVICE_HOSTS.values(), ids=SERVICE_HOSTS.keys())
def test_code_reading_an_operator_cluster_by_its_service_host_reads_pii(
    api_version: str, kind: str, host: str
) -> None:
    region = eu_region()
    cluster = custom_resource(region, api_version, kind, "customers", {}, labels=PII, protect=True)
    job = Res(
        "kubernetes:batch/v1:Job",
        "export",
        {
            "metadata": {"name": "export", "namespace": "app"},
            "spec": {
                "template": {
                    "spec": {
                        "containers": [
                            {
                                "name": "export",
                                "image": "example/export:1.0",
                                "env": [
                                    {"name": "PGHOST", "value": host},
                                    {"name": "AWS_REGION", "value": "us-east-1"},
                                ],
                            }
                        ]
                    }
                }
            },
        },
        region.kubernetes,
    )
    assert "personal data" in _blocked([*region.resources, cluster, job], job)


@pytest.mark.parametrize(
    ("api_version", "kind", "spec"),
    [
        (CNPG, "Cluster", _cnpg_spec()),
        (ZALANDO, "postgresql", _zalando_spec()),
        (CRUNCHY, "PostgresCluster", _crunchy_spec()),
    ],
    ids=["CloudNativePG", "Zalando", "Crunchy PGO"],
)
def test_an_operator_cluster_on_a_storage_class_that_deletes_its_volumes_can_lose_pii(
    api_version: str, kind: str, spec: dict[str, Any]
) -> None:
    region = eu_region()
    region.storage_class.props["reclaimPolicy"] = "Delete"
    cluster = custom_resource(
        region, api_version, kind, "customers", copy.deepcopy(spec), labels=PII, protect=True
    )
    found = violations([*region.resources, *backup_bucket(region), cluster], "pii-no-data-loss")
    assert cluster.urn in [d.urn for d in found], messages(found)
    assert "deletes volumes when their claim is deleted" in next(
        d.message for d in found if d.urn == cluster.urn
    )


def test_an_operator_cluster_on_a_storage_class_the_stack_does_not_declare_cannot_be_shown_encrypted() -> (
    None
):
    region = eu_region()
    spec = _cnpg_spec()
    spec["storage"]["storageClass"] = "gp2"
    cluster = _cnpg(region, spec)
    found = violations([*region.resources, *backup_bucket(region), cluster], "pii-encryption")
    assert "StorageClass gp2 is not in this stack" in messages(found)


def test_a_cnpg_cluster_recovered_from_a_backup_of_the_pii_cluster_holds_pii_whatever_its_label() -> None:
    region, resources, _ = _cnpg_stack()
    backup = custom_resource(region, CNPG, "Backup", "customers-manual", {"cluster": {"name": "customers"}})
    spec = _cnpg_spec(CNPG_ELSEWHERE["the us-east-1 endpoint"])
    spec["bootstrap"] = {"recovery": {"backup": {"name": "customers-manual"}}}
    restored = _cnpg(region, spec, name="reporting", labels=ANONYMISED)
    message = _blocked([*resources, backup, restored], restored)
    assert "'cluster-customers' (pii) -> " in message and "(labelled anonymised)" in message


def test_a_crunchy_cluster_cloned_from_the_pii_clusters_volume_holds_pii_whatever_its_label() -> None:
    region = eu_region()
    claim = Res(
        "kubernetes:core/v1:PersistentVolumeClaim",
        "customers-pgdata",
        {
            "metadata": {"name": "customers-pgdata", "namespace": "app", "labels": PII},
            "spec": {"storageClassName": "telemetry-gp3", "resources": {"requests": {"storage": "20Gi"}}},
        },
        region.kubernetes,
        protect=True,
    )
    clone = _crunchy(
        region,
        _crunchy_spec(
            CRUNCHY_ELSEWHERE["another region"],
            dataSource={
                "volumes": {"pgDataVolume": {"pvcName": "customers-pgdata", "directory": "customers"}}
            },
        ),
        name="clone",
        labels=ANONYMISED,
    )
    message = _blocked([*region.resources, *backup_bucket(region), claim, clone], clone)
    assert "'customers-pgdata' (pii) -> " in message


@pytest.mark.parametrize("with_region", [True, False], ids=["with its region", "alone"])
def test_a_zalando_cluster_whose_wal_bucket_comes_from_a_config_map_is_not_shown_in_region(
    with_region: bool,
) -> None:
    region = eu_region()
    env: list[dict[str, Any]] = [
        {"name": "WAL_S3_BUCKET", "valueFrom": {"configMapKeyRef": {"name": "wal", "key": "bucket"}}}
    ]
    if with_region:
        env.append({"name": "AWS_REGION", "value": "eu-west-1"})
    cluster = _zalando(region, _zalando_spec(env))
    configuration = _operator_configuration(region, OPERATOR_WAL_IN_REGION)
    message = _blocked(
        [*region.resources, *backup_bucket(region), configuration, cluster], cluster, ANONYMISED_ONLY
    )
    assert "valueFrom" in message
