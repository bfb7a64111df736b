"""The triage table places every resource type the pinned SDKs define, and says how each copying,
pointing and granting type does it, in inputs that exist.

An upgrade of pulumi-aws or pulumi-kubernetes that adds a type fails here until someone reviews it into
policies/residency_facts/triage.py: the pack cannot silently leave a new way to move data unguarded.
"""

from __future__ import annotations

import re

import pytest

from residency_facts import (
    COPY_MECHANISMS,
    GRANTS,
    POINTERS,
    SELF,
    Category,
    categories_of,
    placement,
    triage,
)
from residency_facts.mechanisms import (
    ANY,
    HOLDER_REGIONS,
    NESTED_PLACE,
    NOT_A_PLACE,
    PUBLIC_ENDPOINT_POINTERS,
    REVIEWED_HOLDER_REGION_FIELDS,
    REVIEWED_NESTED_PLACES,
)
from residency_facts.triage import OPAQUE_REMEDIES
from residency_policies.classification import CLASSIFIED_BY_LINEAGE, UNTAGGABLE_HOLDERS
from residency_policies.encryption_types import (
    AT_REST,
    INHERITED,
    KEPT_BY_SERVICE,
    NO_CUSTOMER_KEY,
    OTHER_KEYS,
    SPECIAL,
    WRITER_ENCRYPTION,
)
from residency_policies.locations import mechanism_key
from tests.policies.sdk_schema import input_schema, missing_step
from tests.policies.sdk_types import constructor_types, metadata_types, sdk_types

pytestmark = pytest.mark.mode_independent

PACKAGES = ("aws", "kubernetes")


@pytest.mark.parametrize("package", PACKAGES)
def test_both_sources_of_types_agree_that_the_sdk_defines_many(package: str) -> None:
    # The metadata lists every resource class; the constructors add only Python-side components.
    assert len(metadata_types(package)) > 500
    assert metadata_types(package) <= constructor_types(package)


@pytest.mark.parametrize("package", PACKAGES)
def test_every_type_of_the_installed_sdk_is_triaged(package: str) -> None:
    untriaged = sorted(token for token in sdk_types(package) if placement(token) is None)
    assert untriaged == [], f"{len(untriaged)} types need triage in policies/residency_facts/triage.py"


def test_the_table_names_no_type_the_sdk_lacks() -> None:
    aws = sdk_types("aws")
    stale = [
        f"aws:{service}/{name[:1].lower()}{name[1:]}:{name}"
        for service, entry in triage.AWS.items()
        for name in entry.placements()
        if f"aws:{service}/{name[:1].lower()}{name[1:]}:{name}" not in aws
    ]
    kinds = {(t.split(":")[1].split("/")[0], t.split(":")[2]) for t in sdk_types("kubernetes")}
    stale += [
        f"{group}:{kind}"
        for group, entry in triage.KUBERNETES.items()
        for kind in entry.placements()
        if (group, kind) not in kinds
    ]
    assert stale == []


def test_neutral_excludes_every_other_category() -> None:
    mixed = [
        (group, name)
        for table in (triage.AWS, triage.KUBERNETES, triage.KUBERNETES_OPERATORS)
        for group, entry in table.items()
        for name, categories in entry.placements().items()
        if Category.NEUTRAL in categories and len(categories) > 1
    ]
    assert mixed == []


def test_every_service_records_why_it_is_placed_so() -> None:
    for table in (triage.AWS, triage.KUBERNETES, triage.KUBERNETES_OPERATORS):
        for group, entry in table.items():
            assert entry.note.strip().endswith("."), group


def _keys(category: Category) -> set[str]:
    aws = set(triage.types_in(category, "aws"))
    kubernetes = set(triage.types_in(category, "kubernetes"))
    others = {
        f"{package}:{module}:{name}"
        for package, module in (("command", "local"), ("command", "remote"))
        for name, categories in triage.OTHER_PACKAGES[package].placements().items()
        if category in categories and (module, name) != ("local", "CopyToRemote")
    }
    return aws | kubernetes | others


def test_every_copying_type_has_a_copy_mechanism_and_no_other_type_does() -> None:
    assert _keys(Category.COPIES) == set(COPY_MECHANISMS)


def test_every_pointing_type_names_where_it_points_and_no_other_type_does() -> None:
    assert _keys(Category.POINTS) == set(POINTERS)


def test_every_granting_type_says_what_it_grants_and_no_other_type_does() -> None:
    assert _keys(Category.GRANTS) == set(GRANTS)


def test_every_aws_data_holder_says_how_it_is_encrypted() -> None:
    holders = triage.types_in(Category.HOLDS, "aws")
    reviewed = set(AT_REST) | INHERITED | set(NO_CUSTOMER_KEY) | SPECIAL
    assert sorted(holders - reviewed) == []


_KEY_INPUT = re.compile(
    r"kms|encryptionKey|customerManagedKey|cmk|^key(Id|Arn)$|sse(Algorithm|S3|Kms)|^sse$", re.IGNORECASE
)


def _key_inputs(token: str) -> list[str]:
    """The SDK inputs of a type that name a customer key (`kmsKeyId`, `encryptionKeyArn`, ...) or choose
    server-side encryption (`s3SseAlgorithm`, an inventory's `sseS3`), nested ones included."""
    found: list[str] = []
    pending = [("", input_schema(token))]
    while pending:
        prefix, schema = pending.pop()
        for name, nested in schema.items():
            if _KEY_INPUT.search(name):
                found.append(prefix + name)
            pending.append((f"{prefix}{name}.", nested))
    return sorted(found)


def _types_that_keep_move_or_open_data() -> list[str]:
    categories = (Category.HOLDS, Category.IN_TRANSIT, Category.COPIES, Category.POINTS, Category.GRANTS)
    return sorted(set().union(*(triage.types_in(category, "aws") for category in categories)))


def test_every_key_input_of_a_type_that_keeps_moves_or_opens_data_is_reviewed() -> None:
    # A type that offers a customer key for what it keeps (an Airflow environment's `kmsKey`, reviewer
    # blind-aws14 a18) is judged by AT_REST; a copy that chooses the encryption of what it writes into a
    # bucket (a DynamoDB export's `s3SseAlgorithm`, reviewer blind-data15 a01) by WRITER_ENCRYPTION; one
    # whose key protects nothing kept there says why.
    reviewed = set(AT_REST) | SPECIAL | set(WRITER_ENCRYPTION) | set(OTHER_KEYS)
    unreviewed = {
        token: keys
        for token in _types_that_keep_move_or_open_data()
        if token not in reviewed and (keys := _key_inputs(token))
    }
    assert unreviewed == {}


def test_the_reviewed_key_inputs_name_types_that_have_them() -> None:
    assert sorted(token for token in OTHER_KEYS if not _key_inputs(token)) == []
    assert set(AT_REST) >= KEPT_BY_SERVICE


def _paths(token: str) -> list[str]:
    found: list[str] = []
    for mechanism in COPY_MECHANISMS.get(token, ()):
        found += [
            *mechanism.sources,
            *mechanism.source_regions,
            *mechanism.destinations,
            *mechanism.destination_regions,
            *mechanism.shared_with,
            *mechanism.outside_aws,
            *mechanism.global_names,
            *mechanism.documents,
            *mechanism.active_when,
            *mechanism.roles,
            *mechanism.source_roles,
            *(
                path
                for path, _ in mechanism.outside_aws_unless
                + mechanism.outside_aws_when
                + mechanism.outside_aws_unless_from
                + mechanism.active_values
            ),
        ]
    for grant in GRANTS.get(token, ()):
        found += [*grant.targets, *grant.policies, *grant.principals, *(path for path, _ in grant.public)]
        found += [path for path, _ in grant.sources]
    found += POINTERS.get(token, ())
    if token in PUBLIC_ENDPOINT_POINTERS:
        found.append(PUBLIC_ENDPOINT_POINTERS[token])
    return [path for path in found if path not in (SELF, "**")]


@pytest.mark.parametrize(
    "token", sorted(t for t in {*COPY_MECHANISMS, *GRANTS, *POINTERS} if t.startswith("aws:"))
)
def test_every_path_of_a_mechanism_names_an_input_the_sdk_defines(token: str) -> None:
    schema = input_schema(token)
    paths = _paths(token)
    assert schema or not paths, f"the SDK has no inputs for {token}"
    missing = {path: missing_step(schema, path) for path in paths}
    assert {path: step for path, step in missing.items() if step} == {}


@pytest.mark.parametrize(
    ("token", "category"),
    [
        ("aws:organizations/policy:Policy", Category.COPIES),
        ("aws:glue/job:Job", Category.COPIES),
        ("aws:glue/connection:Connection", Category.POINTS),
        ("aws:appflow/flow:Flow", Category.COPIES),
        ("aws:pipes/pipe:Pipe", Category.COPIES),
        ("aws:cloudwatch/eventTarget:EventTarget", Category.COPIES),
        ("aws:sns/topicSubscription:TopicSubscription", Category.COPIES),
        ("aws:mskconnect/connector:Connector", Category.COPIES),
        ("aws:keyspaces/keyspace:Keyspace", Category.COPIES),
        ("aws:redshift/integration:Integration", Category.COPIES),
        ("aws:mq/broker:Broker", Category.COPIES),
        ("aws:ecr/replicationConfiguration:ReplicationConfiguration", Category.COPIES),
        ("aws:cloudfront/distribution:Distribution", Category.COPIES),
        ("aws:s3/bucketPolicy:BucketPolicy", Category.GRANTS),
        ("aws:kms/keyPolicy:KeyPolicy", Category.GRANTS),
        ("aws:ram/principalAssociation:PrincipalAssociation", Category.GRANTS),
        ("aws:lambda/permission:Permission", Category.GRANTS),
        ("aws:sqs/queuePolicy:QueuePolicy", Category.GRANTS),
        ("aws:sns/topicPolicy:TopicPolicy", Category.GRANTS),
        ("aws:cognito/userPool:UserPool", Category.HOLDS),
        ("aws:opensearch/serverlessCollection:ServerlessCollection", Category.HOLDS),
        ("aws:lightsail/database:Database", Category.HOLDS),
        ("aws:dax/cluster:Cluster", Category.HOLDS),
        ("aws:ec2/instance:Instance", Category.HOLDS),
        ("aws:fsx/backup:Backup", Category.HOLDS),
        ("kubernetes:helm.sh/v3:Release", Category.OPAQUE),
        ("kubernetes:core/v1:PersistentVolumeClaimPatch", Category.HOLDS),
        ("kubernetes:postgresql.cnpg.io/v1:Cluster", Category.HOLDS),
        ("kubernetes:postgresql.cnpg.io/v1:Cluster", Category.COPIES),
        ("kubernetes:postgresql.cnpg.io/v1:Subscription", Category.COPIES),
        ("kubernetes:acid.zalan.do/v1:postgresql", Category.COPIES),
        ("kubernetes:postgres-operator.crunchydata.com/v1beta1:PostgresCluster", Category.COPIES),
        ("kubernetes:config.kio.kasten.io/v1alpha1:Policy", Category.COPIES),
        ("kubernetes:external-secrets.io/v1beta1:ExternalSecret", Category.COPIES),
        ("kubernetes:external-secrets.io/v1:ClusterSecretStore", Category.POINTS),
    ],
)
def test_the_blind_spots_of_the_review_are_placed_where_they_belong(token: str, category: Category) -> None:
    categories = categories_of(token)
    assert categories is not None and category in categories


@pytest.mark.parametrize(
    "token",
    [
        "kubernetes:apiextensions.k8s.io:CustomResource",
        "kubernetes:example.com/v1:Backup",
        "kubernetes:actions.kio.kasten.io/v1alpha1:ImportAction",
        "kubernetes:monitoring.coreos.com/v1:ThanosRuler",
        "aws-native:s3:Bucket",
        "aws:s3/bucketFromTheFuture:BucketFromTheFuture",
        "aws:s3/bucket:bucket",
    ],
)
def test_a_type_no_review_placed_is_untriaged(token: str) -> None:
    assert placement(token) is None


def test_a_kubernetes_list_or_patch_type_is_placed_with_its_kind() -> None:
    assert mechanism_key("kubernetes:apps/v1:StatefulSetPatch") == "apps:StatefulSet"
    assert categories_of("kubernetes:batch/v1:JobList") == categories_of("kubernetes:batch/v1:Job")


DELIVERY_INPUTS = (
    "bucketArn",
    "domainArn",
    "clusterEndpoint",
    "collectionEndpoint",
    "catalogArn",
    "clusterJdbcurl",
)


def _paths_to(schema: dict, names: tuple[str, ...], prefix: str = "") -> list[str]:
    found = []
    for key, nested in schema.items():
        if key in names:
            found.append(prefix + key)
        if nested:
            found += _paths_to(nested, names, f"{prefix}{key}.")
    return found


def test_every_nested_delivery_path_of_firehose_is_a_destination() -> None:
    token = "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream"
    destinations = {path for mechanism in COPY_MECHANISMS[token] for path in mechanism.destinations}
    assert set(_paths_to(input_schema(token), DELIVERY_INPUTS)) <= destinations


def _nested_region_fields(schema: dict, prefix: str = "") -> list[str]:
    """The nested fields of an input schema whose name says they hold a region or a zone."""
    found = []
    for name, inner in schema.items():
        path = f"{prefix}.{name}" if prefix else name
        if prefix and re.search(r"[rR]egion|[zZ]one$", name):
            found.append(path)
        if inner:
            found.extend(_nested_region_fields(inner, path))
    return found


def test_every_region_field_nested_in_a_data_holder_is_judged_or_reviewed() -> None:
    """A region inside a holder's configuration (a user pool's SNS region) sends or keeps its data there:
    each is a holder region pii-in-jurisdiction judges, a copy mechanism's destination, or reviewed."""
    judged = {
        f"{token} {path.replace('[]', '')}"
        for token, entries in HOLDER_REGIONS.items()
        for entry in entries
        for path in (entry.path,)
    }
    copied = {
        f"{token} {path.replace('[]', '')}"
        for token, found in COPY_MECHANISMS.items()
        for mechanism in found
        for path in (*mechanism.destination_regions, *mechanism.sources, *mechanism.source_regions)
    }
    unjudged = []
    for token in sorted(sdk_types("aws")):
        if not {Category.HOLDS, Category.IN_TRANSIT} & (categories_of(token) or frozenset()):
            continue
        for path in _nested_region_fields(input_schema(token)):
            key = f"{token} {path}"
            covered = key in judged or key in copied or key in REVIEWED_HOLDER_REGION_FIELDS
            covered = covered or any(
                key.startswith(k.removesuffix(".**") + ".") for k in judged | copied if k.endswith(".**")
            )
            if not covered:
                unjudged.append(key)
    assert unjudged == [], "judge these in HOLDER_REGIONS, a copy mechanism, or REVIEWED_HOLDER_REGION_FIELDS"
    stale = [
        key
        for key in REVIEWED_HOLDER_REGION_FIELDS
        if missing_step(input_schema(key.split()[0]), key.split()[1])
    ]
    assert stale == []
    stale = [key for key in judged if missing_step(input_schema(key.split()[0]), key.split()[1])]
    assert stale == []


def _nested_places(schema: dict, prefix: str = "") -> list[str]:
    """The nested fields of an input schema whose name says they name a place (`mechanisms.NESTED_PLACE`)."""
    found = []
    for name, inner in schema.items():
        path = f"{prefix}.{name}" if prefix else name
        if prefix and re.search(NESTED_PLACE, name) and not re.match(NOT_A_PLACE, name):
            found.append(path)
        if inner:
            found.extend(_nested_places(inner, path))
    return found


def _holders_and_satellites() -> list[str]:
    """Every data holder of the SDK, and every other type that configures one by its id, ARN or name: an
    input of the same service named after a holder (`userPoolId` for a UserPool, `tableName`, `bucket`)."""
    types = sorted(sdk_types("aws"))
    holding = {Category.HOLDS, Category.IN_TRANSIT}
    holders: dict[str, set[str]] = {}
    for token in types:
        if holding & (categories_of(token) or frozenset()):
            name = token.split(":")[2]
            holders.setdefault(token.split(":")[1].split("/")[0], set()).add(name[:1].lower() + name[1:])
    found = []
    for token in types:
        categories = categories_of(token) or frozenset()
        if holding & categories:
            found.append(token)
            continue
        if {Category.COPIES, Category.POINTS, Category.OPAQUE} & categories:
            continue  # judged on every path its mechanism names
        names = holders.get(token.split(":")[1].split("/")[0], set())
        if any(re.fullmatch(f"({'|'.join(names)})(Id|Arn|Name|Identifier)?", i) for i in input_schema(token)):
            found.append(token)
    return found


def _judged_paths(token: str) -> tuple[set[str], bool]:
    """The paths of a type that a copy mechanism or a holder region judges, and whether it judges them all."""
    paths: set[str] = {entry.path for entry in HOLDER_REGIONS.get(token, ())}
    for mechanism in COPY_MECHANISMS.get(token, ()):
        paths.update(
            (
                *mechanism.sources,
                *mechanism.destinations,
                *mechanism.destination_regions,
                *mechanism.outside_aws,
                *mechanism.documents,
                *mechanism.source_regions,
            )
        )
    return {p.replace("[]", "").removesuffix(".**") for p in paths}, ANY in paths


def test_every_place_nested_in_a_holder_or_its_satellites_is_judged_or_reviewed() -> None:
    """A region, ARN, bucket, URL or endpoint nested in a data holder's inputs, or in a resource that
    configures a holder (a user pool client's Pinpoint analytics, a risk configuration's SES identity, a
    Timestream table's rejected-records bucket, a knowledge base's Pinecone connection string), may send the
    holder's data there: each is a copy mechanism's path, a holder region, or reviewed with why."""
    unjudged = []
    for token in _holders_and_satellites():
        judged, everything = _judged_paths(token)
        if everything:
            continue
        for path in _nested_places(input_schema(token)):
            key = f"{token} {path}"
            covered = key in REVIEWED_NESTED_PLACES or key in REVIEWED_HOLDER_REGION_FIELDS
            covered = covered or any(
                path == p or path.startswith(f"{p}.") or p.startswith(f"{path}.") for p in judged
            )
            if not covered:
                unjudged.append(key)
    assert unjudged == [], (
        "judge these in a copy mechanism or HOLDER_REGIONS, or review in REVIEWED_NESTED_PLACES"
    )
    stale = [
        key for key in REVIEWED_NESTED_PLACES if missing_step(input_schema(key.split()[0]), key.split()[1])
    ]
    assert stale == []


def test_the_satellites_of_a_holder_are_found_by_the_inputs_that_name_it() -> None:
    found = _holders_and_satellites()
    # A neutral type that configures a user pool by `userPoolId`, and a Kendra index by `indexId`.
    assert "aws:cognito/userPoolDomain:UserPoolDomain" in found
    assert "aws:kendra/thesaurus:Thesaurus" in found
    assert "aws:timestreamwrite/table:Table" in found


def test_every_holder_that_takes_no_tags_is_classified_by_lineage_or_reviewed() -> None:
    """An untaggable holder (an EventBridge archive) cannot carry a data-classification tag: it is classified
    by lineage from its source, or reviewed with how it is classified instead."""
    untaggable = {
        token
        for token in sdk_types("aws")
        if Category.HOLDS in (categories_of(token) or frozenset()) and "tags" not in input_schema(token)
    }
    assert sorted(untaggable - set(CLASSIFIED_BY_LINEAGE) - set(UNTAGGABLE_HOLDERS)) == []
    assert sorted(set(UNTAGGABLE_HOLDERS) - untaggable) == []
    for token in CLASSIFIED_BY_LINEAGE:
        assert any(m.sources for m in COPY_MECHANISMS.get(token, ())) or token.startswith("aws:dms/"), token


def test_every_remedy_for_an_opaque_type_names_a_type_triaged_opaque() -> None:
    assert OPAQUE_REMEDIES
    assert [t for t in OPAQUE_REMEDIES if Category.OPAQUE not in (categories_of(t) or ())] == []
