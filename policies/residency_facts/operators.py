"""How the operators' custom resources that copy data do so: PostgreSQL operators' backups, replicas and
clones (CloudNativePG, Zalando's postgres-operator, Crunchy PGO), Kasten K10's policies and profiles, and the
External Secrets Operator's secrets and stores.

Field names are those of each operator's API reference:
- CloudNativePG: cloudnative-pg.io/documentation/current/cloudnative-pg.v1/ (Cluster `spec.backup.
  barmanObjectStore` {destinationPath, endpointURL, s3Credentials, azureCredentials, googleCredentials},
  `spec.externalClusters[]` {connectionParameters, barmanObjectStore, plugin}, `spec.plugins[]`; Backup and
  ScheduledBackup `spec.cluster.name`; Subscription `spec.cluster.name`, `spec.externalClusterName`) and the
  barman-cloud plugin's ObjectStore `spec.configuration` (cloudnative-pg.io/plugin-barman-cloud/docs/).
- Zalando: github.com/zalando/postgres-operator docs/reference/cluster_manifest.md (`spec.env`, `clone`
  {cluster, s3_wal_path, s3_endpoint}, `standby` {s3_wal_path, gs_wal_path, standby_host},
  `enableLogicalBackup`) and Spilo's WAL variables (WAL_S3_BUCKET, WALG_S3_PREFIX, AWS_ENDPOINT, AWS_REGION,
  WAL_GS_BUCKET, ...: github.com/zalando/spilo ENVIRONMENT.rst).
- Crunchy PGO: access.crunchydata.com/documentation/postgres-operator/latest/references/crd/
  (PostgresCluster `spec.backups.pgbackrest.repos[]` {s3 {bucket, endpoint, region}, gcs, azure, volume},
  `spec.standby` {enabled, repoName, host}, `spec.dataSource` {postgresCluster, pgbackrest}).
- Crunchy PGO's PGAdmin and CrunchyBridgeCluster: pkg/apis/postgres-operator.crunchydata.com/v1beta1/
  standalone_pgadmin_types.go (`spec.serverGroups[]` {postgresClusterName, postgresClusterSelector: "an empty
  selector like {} will select ALL clusters in the namespace"}, `spec.serviceName`, "a ClusterIP service
  pointing to the pgAdmin pod"), internal/naming (its pods' labels `postgres-operator.crunchydata.com/pgadmin:
  <name>`, `postgres-operator.crunchydata.com/role: pgadmin`) and crunchy_bridgecluster_types.go
  (`spec.provider` aws, azure or gcp, `spec.region`, `spec.roles[].secretName`, the Secret of a role's
  credentials).
- Kasten K10: docs.kasten.io/latest/api/profiles and /api/policies (Profile `spec.locationSpec` {type,
  objectStore {objectStoreType, name, region, endpoint}}, earlier `spec.location`; Policy `spec.actions[]`
  {action, backupParameters.profile, exportParameters.profile, importParameters.profile}, `spec.selector`,
  `spec.presetRef`), /api/policypresets (PolicyPreset `spec.export.profile`), /api/actions (BackupAction
  `spec.subject` {name, namespace}, the application of a namespace; ExportAction `spec.subject` {kind
  RestorePoint, name, namespace} and `spec.profile`; RestoreAction `spec.subject`, `spec.targetNamespace`) and
  /api/transformsets (TransformSet `spec.transforms[]` {subject.resource, json[] {op, path, value}}). Not
  verified against a published schema (the API pages show examples, not every field): a BackupAction's and a
  RestoreAction's fields beyond these, and whether a PolicyPreset names a profile elsewhere than under
  `spec.export`.
- Prometheus Operator: `alerting` (Alertmanager and AlertmanagerConfig).
- External Secrets Operator: external-secrets.io/latest/api/spec/ (ExternalSecret `spec.secretStoreRef`,
  `spec.target.name`, `spec.target.template.metadata.labels`, `spec.data[].remoteRef.key`,
  `spec.data[].sourceRef.storeRef`, `spec.dataFrom[]` {extract, find, sourceRef}; SecretStore and
  ClusterSecretStore `spec.provider.aws` {service, region, role}; PushSecret `spec.secretStoreRefs[]`,
  `spec.selector.secret.name`; ClusterExternalSecret `spec.externalSecretSpec`).
"""

from __future__ import annotations

from typing import NamedTuple

from .alerting import ALERTMANAGER, ALERTMANAGER_CONFIG
from .shapes import ANY, SELF, CopyMechanism, NamedObject, ObjectStore

CNPG_CLUSTER = "postgresql.cnpg.io:Cluster"
CNPG_BACKUP = "postgresql.cnpg.io:Backup"
VOLUME_SNAPSHOT = "snapshot.storage.k8s.io:VolumeSnapshot"
PERSISTENT_VOLUME_CLAIM = "core:PersistentVolumeClaim"
BARMAN_OBJECT_STORE = "barmancloud.cnpg.io:ObjectStore"
ZALANDO_CLUSTER = "acid.zalan.do:postgresql"
ZALANDO_CONFIGURATION = "acid.zalan.do:OperatorConfiguration"
CRUNCHY_CLUSTER = "postgres-operator.crunchydata.com:PostgresCluster"
PGADMIN = "postgres-operator.crunchydata.com:PGAdmin"
CRUNCHY_BRIDGE = "postgres-operator.crunchydata.com:CrunchyBridgeCluster"
KASTEN_PROFILE = "config.kio.kasten.io:Profile"
KASTEN_PRESET = "config.kio.kasten.io:PolicyPreset"
KASTEN_TRANSFORMS = "config.kio.kasten.io:TransformSet"
SECRET_STORE = "external-secrets.io:SecretStore"
CLUSTER_SECRET_STORE = "external-secrets.io:ClusterSecretStore"
EXTERNAL_SECRET = "external-secrets.io:ExternalSecret"
CLUSTER_EXTERNAL_SECRET = "external-secrets.io:ClusterExternalSecret"
PUSH_SECRET = "external-secrets.io:PushSecret"
CLUSTER_PUSH_SECRET = "external-secrets.io:ClusterPushSecret"
SECRET_STORES = (SECRET_STORE, CLUSTER_SECRET_STORE)
AWS_STORE_SERVICES: dict[str, tuple[str, ...]] = {
    "ParameterStore": ("aws:ssm/parameter:Parameter",),
    "SecretsManager": ("aws:secretsmanager/secret:Secret",),
}
"""What a SecretStore's `spec.provider.aws.service` reads its keys from: the only stores whose keys name
the stack's parameters and secrets (any other provider, Vault, another cloud's vault, a webhook, the fake
provider, reads its own)."""

_BARMAN_OUTSIDE = ("azureCredentials", "googleCredentials")


def _barman(base: str, each: str = "") -> ObjectStore:
    """A Barman Cloud object store (`barmanObjectStore`, an ObjectStore's `configuration`) at a path."""
    prefix = f"{base}." if base else ""
    return ObjectStore(
        bucket=f"{prefix}destinationPath",
        endpoint=f"{prefix}endpointURL",
        outside_aws=tuple(f"{prefix}{path}" for path in _BARMAN_OUTSIDE),
        each=each,
    )


_SPILO_OUTSIDE = (
    "WAL_GS_BUCKET",
    "WALG_GS_PREFIX",
    "WALE_GS_PREFIX",
    "WALG_AZ_PREFIX",
    "WALE_WABS_PREFIX",
    "AZURE_STORAGE_ACCOUNT",
)
"""Spilo's variables that archive to Google Cloud Storage or Azure."""

_PGBACKREST_REPO = ObjectStore(
    bucket="s3.bucket", endpoint="s3.endpoint", region="s3.region", outside_aws=("gcs", "azure")
)


def _kasten(base: str) -> ObjectStore:
    return ObjectStore(
        bucket=f"{base}.objectStore.name",
        endpoint=f"{base}.objectStore.endpoint",
        region=f"{base}.objectStore.region",
        outside_aws_unless=((f"{base}.objectStore.objectStoreType", ("S3",)),),
    )


def _external_secret(base: str) -> CopyMechanism:
    return CopyMechanism(
        "an External Secrets Operator secret copied into the cluster from its store",
        sources=(f"{base}.data[].remoteRef.key", f"{base}.dataFrom[].extract.key", f"{base}.dataFrom[].find"),
        active_when=(f"{base}.data", f"{base}.dataFrom"),
        pulled_classification=(SELF, f"{base}.target.template.metadata.labels"),
    )


OPERATOR_MECHANISMS: dict[str, tuple[CopyMechanism, ...]] = {
    CNPG_CLUSTER: (
        CopyMechanism(
            "a CloudNativePG cluster's base backups and WAL archive",
            sources=(SELF,),
            object_stores=(_barman("spec.backup.barmanObjectStore"),),
            named=(
                NamedObject("spec.plugins[].parameters.barmanObjectName", BARMAN_OBJECT_STORE, "destination"),
            ),
            active_when=("spec.backup.barmanObjectStore", "spec.plugins[].parameters.barmanObjectName"),
        ),
        CopyMechanism(
            "a CloudNativePG cluster restored, cloned or replicated from its external clusters, a Backup or "
            "volume snapshots",
            cluster_hosts=("spec.externalClusters[].connectionParameters.host",),
            source_stores=(_barman("barmanObjectStore", each="spec.externalClusters"),),
            named=(
                NamedObject(
                    "spec.externalClusters[].plugin.parameters.barmanObjectName",
                    BARMAN_OBJECT_STORE,
                    "source",
                ),
                NamedObject("spec.bootstrap.recovery.backup.name", CNPG_BACKUP, "source"),
                *(
                    NamedObject(
                        f"spec.bootstrap.recovery.volumeSnapshots.{volume}.name", VOLUME_SNAPSHOT, "source"
                    )
                    for volume in ("storage", "walStorage")
                ),
            ),
            active_when=("spec.externalClusters", "spec.bootstrap.recovery"),
        ),
    ),
    **{
        f"postgresql.cnpg.io:{kind}": (
            CopyMechanism(
                f"a CloudNativePG {what} of its cluster into the cluster's backup destination",
                named=(
                    NamedObject("spec.cluster.name", CNPG_CLUSTER, "source"),
                    NamedObject("spec.cluster.name", CNPG_CLUSTER, "destinations_of"),
                    NamedObject(
                        "spec.pluginConfiguration.parameters.barmanObjectName",
                        BARMAN_OBJECT_STORE,
                        "destination",
                    ),
                ),
                active_when=("spec.cluster.name",),
            ),
        )
        for kind, what in (("Backup", "backup"), ("ScheduledBackup", "scheduled backup"))
    },
    "postgresql.cnpg.io:Subscription": (
        CopyMechanism(
            "a CloudNativePG logical replication subscription from an external cluster into its cluster",
            # The subscribing cluster is in the Subscription's own Kubernetes cluster: it lands there.
            named=(NamedObject("spec.cluster.name", CNPG_CLUSTER, "sources_of"),),
            active_when=("spec.cluster.name",),
        ),
    ),
    ZALANDO_CLUSTER: (
        CopyMechanism(
            "a Zalando postgres-operator cluster's WAL archive and base backups (Spilo's WAL-E / WAL-G)",
            sources=(SELF,),
            object_stores=(
                ObjectStore(
                    bucket="WAL_S3_BUCKET",
                    endpoint="AWS_ENDPOINT",
                    region="AWS_REGION",
                    outside_aws=_SPILO_OUTSIDE,
                    env="spec.env",
                ),
                ObjectStore(
                    bucket="WALG_S3_PREFIX", endpoint="AWS_ENDPOINT", region="AWS_REGION", env="spec.env"
                ),
                ObjectStore(
                    bucket="WALE_S3_PREFIX", endpoint="WALE_S3_ENDPOINT", region="AWS_REGION", env="spec.env"
                ),
            ),
            defaults_from=ZALANDO_CONFIGURATION,
            default_store="the WAL bucket of the postgres-operator's own configuration (its ConfigMap or "
            "OperatorConfiguration, aws_or_gcp.wal_s3_bucket), which the cluster's manifest does not name "
            "and the stack does not declare; declare the OperatorConfiguration, or set WAL_S3_BUCKET and "
            "AWS_REGION (the stack's bucket and region) in the cluster's spec.env",
            active_when=(SELF,),
        ),
        CopyMechanism(
            "a Zalando postgres-operator cluster's logical backups (pg_dumpall to the operator's bucket)",
            sources=(SELF,),
            active_values=(("spec.enableLogicalBackup", (True, "true")),),
            defaults_from=ZALANDO_CONFIGURATION,
            default_store="the logical backup bucket of the postgres-operator's configuration "
            "(logical_backup.logical_backup_s3_bucket), which the stack does not declare",
        ),
        CopyMechanism(
            "a Zalando postgres-operator standby or clone of another cluster",
            cluster_hosts=("spec.standby.standby_host",),
            source_stores=(
                ObjectStore(bucket="spec.standby.s3_wal_path"),
                ObjectStore(bucket="spec.clone.s3_wal_path", endpoint="spec.clone.s3_endpoint"),
                ObjectStore(outside_aws=("spec.standby.gs_wal_path",)),
            ),
            named=(NamedObject("spec.clone.cluster", ZALANDO_CLUSTER, "source"),),
            active_when=("spec.standby", "spec.clone"),
        ),
    ),
    CRUNCHY_CLUSTER: (
        CopyMechanism(
            "a Crunchy PGO cluster's pgBackRest backups and WAL archive",
            sources=(SELF,),
            object_stores=(_PGBACKREST_REPO._replace(each="spec.backups.pgbackrest.repos"),),
            active_when=("spec.backups.pgbackrest.repos",),
        ),
        CopyMechanism(
            "a Crunchy PGO standby streaming or replaying another cluster's repository",
            cluster_hosts=("spec.standby.host",),
            source_stores=(_PGBACKREST_REPO._replace(each="spec.backups.pgbackrest.repos"),),
            active_values=(("spec.standby.enabled", (True, "true")),),
        ),
        CopyMechanism(
            "a Crunchy PGO cluster cloned from another cluster or a pgBackRest repository",
            source_stores=(
                _PGBACKREST_REPO._replace(
                    each="",
                    bucket="spec.dataSource.pgbackrest.repo.s3.bucket",
                    endpoint="spec.dataSource.pgbackrest.repo.s3.endpoint",
                    region="spec.dataSource.pgbackrest.repo.s3.region",
                    outside_aws=(
                        "spec.dataSource.pgbackrest.repo.gcs",
                        "spec.dataSource.pgbackrest.repo.azure",
                    ),
                ),
            ),
            named=(
                NamedObject(
                    "spec.dataSource.postgresCluster.clusterName",
                    CRUNCHY_CLUSTER,
                    "source",
                    any_namespace=True,
                ),
                *(
                    NamedObject(
                        f"spec.dataSource.volumes.{volume}.pvcName", PERSISTENT_VOLUME_CLAIM, "source"
                    )
                    for volume in ("pgDataVolume", "pgWALVolume", "pgBackRestVolume")
                ),
            ),
            active_when=("spec.dataSource",),
        ),
    ),
    "config.kio.kasten.io:Policy": (
        CopyMechanism(
            "a Kasten K10 policy's backups and exports of the namespaces it selects",
            namespace_selector="spec.selector",
            named=(
                *(
                    NamedObject(
                        f"spec.actions[].{parameters}.profile.name",
                        KASTEN_PROFILE,
                        "destination",
                        any_namespace=True,
                    )
                    for parameters in ("backupParameters", "exportParameters")
                ),
                # A preset's export profile, for the policies that name it.
                NamedObject("spec.presetRef.name", KASTEN_PRESET, "destination", any_namespace=True),
            ),
            # An import or restore policy backs nothing up; an action unknown at preview may.
            active_values=(("spec.actions[].action", ("backup", "export")),),
        ),
        CopyMechanism(
            "a Kasten K10 policy's imports of what a profile holds into the cluster",
            named=(
                NamedObject(
                    "spec.actions[].importParameters.profile.name",
                    KASTEN_PROFILE,
                    "source",
                    any_namespace=True,
                ),
            ),
            active_when=("spec.actions[].importParameters.profile.name",),
        ),
    ),
    "actions.kio.kasten.io:BackupAction": (
        CopyMechanism(
            "a Kasten K10 backup action's restore points of its application's namespace, in the cluster",
            namespaces=("spec.subject.namespace",),
            active_when=(SELF,),
        ),
    ),
    "actions.kio.kasten.io:RestoreAction": (
        CopyMechanism(
            "a Kasten K10 restore of a restore point of its subject's namespace into the cluster",
            namespaces=("spec.subject.namespace",),
            active_when=(SELF,),
        ),
    ),
    "actions.kio.kasten.io:ExportAction": (
        CopyMechanism(
            "a Kasten K10 export of a restore point of its subject's namespace to a profile",
            namespaces=("spec.subject.namespace",),
            named=(NamedObject("spec.profile.name", KASTEN_PROFILE, "destination", any_namespace=True),),
            active_when=(SELF,),
            lands_in_own_region=False,
        ),
    ),
    PGADMIN: (
        CopyMechanism(
            "a pgAdmin that reads the PostgresClusters its server groups select",
            named=(NamedObject("spec.serverGroups[].postgresClusterName", CRUNCHY_CLUSTER, "source"),),
            object_selectors=(("spec.serverGroups[].postgresClusterSelector", CRUNCHY_CLUSTER),),
            active_when=("spec.serverGroups",),
            runs_code=True,
        ),
    ),
    **{
        kind: (
            CopyMechanism(
                f"an {what}'s notifications of the alerts it receives (labels and annotations of the metrics "
                "they are computed from)",
                # Receivers anywhere in its configuration: read by `lineage_alerts`, not as plain paths.
                destinations=(ANY,),
                active_when=(SELF,),
                lands_in_own_region=False,
            ),
        )
        for kind, what in ((ALERTMANAGER, "Alertmanager"), (ALERTMANAGER_CONFIG, "AlertmanagerConfig"))
    },
    EXTERNAL_SECRET: (_external_secret("spec"),),
    CLUSTER_EXTERNAL_SECRET: (_external_secret("spec.externalSecretSpec"),),
    **{
        kind: (
            CopyMechanism(
                "an External Secrets Operator push of a Kubernetes Secret into its stores",
                sources=(f"{base}.selector.secret.name",),
                active_when=(f"{base}.selector.secret.name",),
                lands_in_own_region=False,
            ),
        )
        for kind, base in ((PUSH_SECRET, "spec"), (CLUSTER_PUSH_SECRET, "spec.pushSecretSpec"))
    },
}
"""Copy mechanisms of the operators' custom resources, by API group and kind."""

OBJECT_STORE_POINTERS: dict[str, tuple[ObjectStore, ...]] = {
    BARMAN_OBJECT_STORE: (_barman("spec.configuration"),),
    KASTEN_PROFILE: (_kasten("spec.locationSpec"), _kasten("spec.location")),
    ZALANDO_CONFIGURATION: (
        ObjectStore(
            bucket="configuration.aws_or_gcp.wal_s3_bucket",
            endpoint="configuration.aws_or_gcp.aws_endpoint",
            region="configuration.aws_or_gcp.aws_region",
            outside_aws=(
                "configuration.aws_or_gcp.wal_gs_bucket",
                "configuration.aws_or_gcp.wal_az_storage_account",
            ),
        ),
        ObjectStore(
            bucket="configuration.logical_backup.logical_backup_s3_bucket",
            endpoint="configuration.logical_backup.logical_backup_s3_endpoint",
            region="configuration.logical_backup.logical_backup_s3_region",
            outside_aws_unless=(("configuration.logical_backup.logical_backup_provider", ("s3",)),),
        ),
    ),
}
"""Pointers at an object store, placed as a copy's object store is (`lineage_operators`)."""

NAMED_POINTERS: dict[str, tuple[NamedObject, ...]] = {
    KASTEN_PRESET: (
        NamedObject("spec.export.profile.name", KASTEN_PROFILE, "destination", any_namespace=True),
    ),
}
"""Pointers at what other objects of the cluster point at: a Kasten PolicyPreset's export profile is where
the policies that use it export (none: they keep their backups in the cluster)."""

OPERATOR_POINTERS: dict[str, tuple[str, ...]] = {
    **{
        kind: tuple(path for store in stores for path in (store.bucket, store.endpoint, store.region) if path)
        for kind, stores in OBJECT_STORE_POINTERS.items()
    },
    **{kind: ("spec.provider.aws.region", "spec.provider.aws.role") for kind in SECRET_STORES},
    **{kind: tuple(named.path for named in objects) for kind, objects in NAMED_POINTERS.items()},
}
"""Every operator kind the triage places under points: the paths naming what it points at."""

OPERATOR_SERVICES: dict[str, tuple[str, ...]] = {
    CNPG_CLUSTER: ("-rw", "-ro", "-r"),
    ZALANDO_CLUSTER: ("", "-repl"),
    CRUNCHY_CLUSTER: ("-primary", "-replicas", "-ha"),
}
"""The Services each operator creates for a database cluster, as suffixes of the cluster's name: a host
`<name><suffix>.<namespace>.svc` is that cluster (CNPG's `-rw`/`-ro`/`-r`, Zalando's own name and `-repl`,
PGO's `-primary`/`-replicas`/`-ha`)."""

OPERATOR_VOLUME_CLAIMS: dict[str, tuple[tuple[str, str], ...]] = {
    CNPG_CLUSTER: (("spec.storage", "storageClass"), ("spec.walStorage", "storageClass")),
    ZALANDO_CLUSTER: (("spec.volume", "storageClass"),),
    CRUNCHY_CLUSTER: (
        ("spec.instances[].dataVolumeClaimSpec", "storageClassName"),
        ("spec.instances[].walVolumeClaimSpec", "storageClassName"),
        ("spec.backups.pgbackrest.repos[].volume.volumeClaimSpec", "storageClassName"),
    ),
}
"""(path of a volume claim spec, its StorageClass key): the claims an operator creates for a database
cluster, whose StorageClass encrypts and retains them. The first path is always a claim (unset: the
cluster's default class); the others only when set."""

OPERATOR_PODS: dict[str, tuple[dict[str, str], str]] = {
    PGADMIN: (
        {
            "postgres-operator.crunchydata.com/pgadmin": "{name}",
            "postgres-operator.crunchydata.com/role": "pgadmin",
        },
        "spec.serviceName",
    ),
}
"""Operator objects whose pods the stack does not declare but whose labels are known: (the labels the operator
gives the pods, `{name}` the object's name; the path of the Service the operator creates for them). A Service
that selects those labels, or a publisher that names that Service, reaches the object's pods."""


class HostedHolder(NamedTuple):
    """A data holder the operator creates in another company's cloud: where its `spec` says it is."""

    service: str
    provider: str
    """The path of its cloud provider (`aws`, `gcp`, `azure`)."""
    region: str
    owner: str
    """Whose account holds it."""
    credentials: str
    """The path of the names of the Secrets the operator fills with its credentials (code that takes one
    writes there)."""


HOSTED_HOLDERS: dict[str, HostedHolder] = {
    CRUNCHY_BRIDGE: HostedHolder(
        "Crunchy Bridge (Crunchy Data's managed PostgreSQL)",
        "spec.provider",
        "spec.region",
        "Crunchy Data's account",
        "spec.roles[].secretName",
    ),
}
"""Kubernetes objects that hold data outside the cluster: a CrunchyBridgeCluster is a database in Crunchy
Bridge, in Crunchy Data's account of the provider its spec names; whatever it holds is outside this
deployment's accounts, and outside AWS unless the provider is `aws`."""
