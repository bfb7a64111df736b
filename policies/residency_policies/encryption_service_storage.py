"""Copies a service keeps in storage of its own, under the key the stack registers for it, or AWS's.

Athena's managed query results (`configuration.managedQueryResultsConfiguration.enabled`) keep the results of
a workgroup's queries in Athena-owned storage, under the workgroup's `encryptionConfiguration.kmsKey`, else a
key AWS owns; QuickSight's SPICE keeps what a data set imports (`importMode` SPICE) under the account's
default key registered for its region (`aws.quicksight.KeyRegistration`, a `keyRegistrations` entry with
`defaultKey`), else an AWS-managed key. Neither is a bucket of the stack's, so the writers' checks
(`encryption_writers`) never see them (reviewer blind-aws12 c09, c10). Each is judged where what it copies
is protected: what the workgroup's queries may read (the catalog's tables of its region and account, what it
is configured with) and what the data set holds by lineage.

Amazon Connect streams a contact's live media (`kinesisVideoStreamConfig` of an instance storage config) into
Kinesis video streams it creates itself, named from the config's `prefix`, in the instance's region and
account, under the config's `encryptionConfig.keyId`, kept `retentionPeriodHours` (0 keeps nothing): a
store the stack cannot declare, judged here on the instance's classification (reviewer blind-aws13 a06).

S3 Metadata (`aws.s3.BucketMetadataConfiguration`) keeps a journal of every change to a bucket's objects and,
when enabled, a live inventory of them (their keys, user metadata, tags) as tables in the AWS-managed table
bucket `aws-s3` of the bucket's own account and region, under each table's `encryptionConfiguration`
(unset: `AES256`, S3-managed keys). Decision (reviewer blind-aws13 a23): an object's key and metadata are
personal data where the application puts identifiers in them (`customers/<email>/passport.pdf`), which the
pack cannot tell from the bucket, so the tables of a PII bucket are PII at rest and need the stack's key.
"""

from __future__ import annotations

from collections.abc import Iterator

from .attributes import effective_region
from .encryption_keys import key_problems
from .lineage import CATALOG_TABLES, Lineage
from .model import Resource, Stack
from .settings import Settings
from .values import Unknown, as_bool, is_set, value_at

ATHENA_WORKGROUP = "aws:athena/workgroup:Workgroup"
MANAGED_RESULTS = "configuration.managedQueryResultsConfiguration"
MANAGED_RESULTS_KEY = f"{MANAGED_RESULTS}.encryptionConfiguration.kmsKey"
QUICKSIGHT_DATA_SET = "aws:quicksight/dataSet:DataSet"
KEY_REGISTRATION = "aws:quicksight/keyRegistration:KeyRegistration"
DEFAULT_REGISTERED_KEY = "keyRegistrations[defaultKey=true].keyArn"
METADATA_CONFIGURATION = "aws:s3/bucketMetadataConfiguration:BucketMetadataConfiguration"
METADATA_TABLES = (
    ("metadataConfiguration.journalTableConfiguration", None),
    ("metadataConfiguration.inventoryTableConfiguration", "configurationState"),
)
"""S3 Metadata's tables: (configuration, the switch that turns it on, if it has one)."""
CONNECT_STORAGE = "aws:connect/instanceStorageConfig:InstanceStorageConfig"
CONNECT_VIDEO = "storageConfig.kinesisVideoStreamConfig"
CONNECT_VIDEO_KEY = f"{CONNECT_VIDEO}.encryptionConfig.keyId"


def service_storage_problems(
    stack: Stack, lineage: Lineage, settings: Settings
) -> Iterator[tuple[Resource, str, frozenset[str]]]:
    """(resource, problem, protected classifications) for protected data a service keeps under its own key."""
    for workgroup in stack.of_type(ATHENA_WORKGROUP):
        enabled = value_at(workgroup.props, f"{MANAGED_RESULTS}.enabled")
        if not (isinstance(enabled, Unknown) or as_bool(enabled) is True):
            continue
        protected = _read(workgroup, lineage) & settings.protected_classifications
        if not protected:
            continue
        region = effective_region(workgroup, stack)
        if not is_set(value_at(workgroup.props, MANAGED_RESULTS_KEY)):
            yield (
                workgroup,
                f"{MANAGED_RESULTS}.enabled keeps the results of its queries in Athena's own storage, and "
                f"{MANAGED_RESULTS_KEY} is not set: they are under a key AWS owns (set it to the stack's "
                "key, "
                "or write the results to the stack's bucket with resultConfiguration)",
                protected,
            )
            continue
        for problem in key_problems(stack, workgroup, MANAGED_RESULTS_KEY, region):
            yield workgroup, f"{MANAGED_RESULTS_KEY}: {problem}", protected
    for data_set in stack.of_type(QUICKSIGHT_DATA_SET):
        mode = value_at(data_set.props, "importMode")
        if not (isinstance(mode, Unknown) or mode == "SPICE"):
            continue
        protected = _read(data_set, lineage) & settings.protected_classifications
        if not protected:
            continue
        yield from ((data_set, p, protected) for p in _spice_key_problems(data_set, stack, lineage))
    for configuration in stack.of_type(METADATA_CONFIGURATION):
        protected = _read(configuration, lineage) & settings.protected_classifications
        if protected:
            for problem in _metadata_table_problems(configuration, stack):
                yield configuration, problem, protected
    for config in stack.of_type(CONNECT_STORAGE):
        if not is_set(value_at(config.props, CONNECT_VIDEO)):
            continue
        if value_at(config.props, f"{CONNECT_VIDEO}.retentionPeriodHours") == 0:
            continue  # The streams keep no media at rest.
        protected = _read(config, lineage) & settings.protected_classifications
        if not protected:
            continue
        region = effective_region(config, stack)
        for problem in key_problems(stack, config, CONNECT_VIDEO_KEY, region):
            yield (
                config,
                f"the Kinesis video streams Connect creates for its contacts' media: {CONNECT_VIDEO_KEY}: "
                f"{problem}",
                protected,
            )


def _read(resource: Resource, lineage: Lineage) -> frozenset[str]:
    """What a resource holds or copies: its own classification (a data set's includes what it imports, by
    lineage), its copies' sources, and, for a workgroup, every catalog table of its region and account (its
    queries may read any; a workgroup whose results stay in Athena delivers nowhere, so its copy mechanism
    names no sources)."""
    found = set(lineage.effective(resource))
    for source in lineage.sources_of(resource):
        found |= lineage.classes(source)
    if resource.type == ATHENA_WORKGROUP:
        for table in lineage.stack.of_type(*CATALOG_TABLES):
            if lineage.own_region(table) == lineage.own_region(resource) and lineage.account(
                table
            ) == lineage.account(resource):
                for location in lineage.follow(table, {resource.urn}):
                    found |= lineage.classes(location)
    return frozenset(found)


def _spice_key_problems(data_set: Resource, stack: Stack, lineage: Lineage) -> list[str]:
    """Why SPICE's copy of a data set is not under the stack's key: the account's default registered key in
    the data set's region and account, which only a KeyRegistration of the stack can show."""
    region = effective_region(data_set, stack)
    registrations = [
        r
        for r in stack.of_type(KEY_REGISTRATION)
        if lineage.own_region(r) == lineage.own_region(data_set)
        and lineage.account(r) == lineage.account(data_set)
        and r.values_at(DEFAULT_REGISTERED_KEY)
    ]
    if not registrations:
        return [
            "importMode SPICE keeps a copy of what it imports in SPICE, and no "
            "aws.quicksight.KeyRegistration of this stack registers a default customer-managed key for the "
            "account in its region: SPICE keeps it under an AWS-managed key (register the stack's key with "
            "defaultKey true, or use DIRECT_QUERY)"
        ]
    return [
        f"its SPICE copy is under {registration.label}'s default key: {problem}"
        for registration in registrations
        for problem in key_problems(stack, registration, DEFAULT_REGISTERED_KEY, region)
    ]


def _metadata_table_problems(configuration: Resource, stack: Stack) -> list[str]:
    """Why S3 Metadata's journal and inventory tables of a bucket are not under the stack's key."""
    region = effective_region(configuration, stack)
    found: list[str] = []
    for table, switch in METADATA_TABLES:
        if switch is not None and value_at(configuration.props, f"{table}.{switch}") in (None, "DISABLED"):
            continue
        algorithm_path = f"{table}.encryptionConfiguration.sseAlgorithm"
        algorithm = value_at(configuration.props, algorithm_path)
        if isinstance(algorithm, Unknown):
            found.append(f"{algorithm_path} is unknown at preview, and chooses the key of the table")
        elif algorithm != "aws:kms":
            shown = "not set (S3 then uses AES256)" if algorithm is None else repr(algorithm)
            found.append(
                f"{algorithm_path} is {shown}: S3 keeps the table of the bucket's object keys and metadata "
                "under S3-managed keys in its AWS-managed table bucket (set aws:kms with kmsKeyArn the "
                "stack's key)"
            )
        else:
            key_path = f"{table}.encryptionConfiguration.kmsKeyArn"
            found.extend(
                f"{key_path}: {problem}" for problem in key_problems(stack, configuration, key_path, region)
            )
    return found
