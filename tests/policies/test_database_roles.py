"""A database's IAM roles are where its SQL may copy its data: Redshift's UNLOAD, RDS's s3Export and S3
integration, Aurora's SELECT INTO OUTFILE S3, Neptune's exports. Whatever associates a role with a PII data
holder (the holder's own `iamRoles` / default role, Redshift's ClusterIamRoles, RDS role associations of any
feature) copies the holder's data wherever the role may write. Each test is a compliant baseline (a role that
writes only the stack's in-region bucket, or only reads) and one change."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import store
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

NO_PII = "no-pii-replication"
IN_REGION = "arn:aws:s3:::pii-unload-eu/*"
ELSEWHERE = "arn:aws:s3:::pii-unload-us/*"


def _role(region: Region, actions: list[str], resource: str, managed: list[str] | None = None) -> Res:
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": ["redshift.amazonaws.com", "rds.amazonaws.com"]},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": actions, "Resource": resource}],
    }
    props: dict[str, Any] = {
        "name": "database-s3",
        "assumeRolePolicy": json.dumps(trust),
        "inlinePolicies": [{"name": "s3", "policy": json.dumps(policy)}],
    }
    if managed:
        props["managedPolicyArns"] = managed
    return Res("aws:iam/role:Role", "database-s3", props, region.provider)


def _landing(region: Region) -> Res:
    return store(region, "aws:s3/bucketV2:BucketV2", "unload", {"bucket": "pii-unload-eu"})


def _warehouse(region: Region, roles: dict[str, list[Res]]) -> Res:
    """A PII Redshift cluster encrypted with the stack's key, given IAM roles on the paths named."""
    props: dict[str, Any] = {
        "clusterIdentifier": "pii-warehouse",
        "nodeType": "ra3.xlplus",
        "numberOfNodes": 2,
        "masterUsername": "admin",
        "manageMasterPassword": True,
        "encrypted": True,
        "kmsKeyId": UNKNOWN,
        "publiclyAccessible": False,
    }
    for path, named in roles.items():
        props[path] = [UNKNOWN] * len(named) if path == "iamRoles" else UNKNOWN
    warehouse = store(region, "aws:redshift/cluster:Cluster", "warehouse", props)
    warehouse.deps = {"kmsKeyId": [region.key], **roles}
    return warehouse


HOLDER_PATHS = {"iam roles": "iamRoles", "default role": "defaultIamRoleArn"}


@pytest.mark.parametrize("path", HOLDER_PATHS.values(), ids=list(HOLDER_PATHS))
def test_a_warehouse_whose_role_unloads_into_the_stacks_bucket_stays(path: str) -> None:
    region = eu_region()
    role = _role(region, ["s3:PutObject", "s3:GetBucketLocation"], IN_REGION)
    warehouse = _warehouse(region, {path: [role]})
    assert violations([*region.resources, _landing(region), role, warehouse], NO_PII) == []


def test_a_warehouse_whose_role_only_reads_elsewhere_copies_nothing_out() -> None:
    # COPY loads from a bucket anywhere the role may read: data comes in, none goes out.
    region = eu_region()
    role = _role(region, ["s3:GetObject", "s3:ListBucket"], "arn:aws:s3:::vendor-feeds-us/*")
    warehouse = _warehouse(region, {"iamRoles": [role]})
    assert violations([*region.resources, role, warehouse], NO_PII) == []


@pytest.mark.parametrize("path", HOLDER_PATHS.values(), ids=list(HOLDER_PATHS))
def test_a_warehouse_whose_role_may_unload_into_a_bucket_elsewhere_is_blocked(path: str) -> None:
    region = eu_region()
    role = _role(region, ["s3:PutObject", "s3:GetBucketLocation"], ELSEWHERE)
    warehouse = _warehouse(region, {path: [role]})
    found = violations([*region.resources, _landing(region), role, warehouse], NO_PII)
    assert warehouse.urn in [d.urn for d in found], messages(found)
    assert "pii-unload-us" in messages(found) or "cannot be traced" in messages(found)


def test_a_warehouse_whose_role_may_write_everywhere_is_blocked() -> None:
    region = eu_region()
    role = _role(region, ["s3:*"], "*")
    warehouse = _warehouse(region, {"iamRoles": [role]})
    found = violations([*region.resources, role, warehouse], NO_PII)
    assert warehouse.urn in [d.urn for d in found], messages(found)


def test_a_warehouse_whose_role_has_a_read_only_managed_policy_stays() -> None:
    region = eu_region()
    role = _role(region, ["s3:PutObject"], IN_REGION, ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"])
    warehouse = _warehouse(region, {"iamRoles": [role]})
    assert violations([*region.resources, _landing(region), role, warehouse], NO_PII) == []


def test_a_warehouse_whose_role_has_a_full_access_managed_policy_is_blocked() -> None:
    region = eu_region()
    role = _role(region, ["s3:PutObject"], IN_REGION, ["arn:aws:iam::aws:policy/AmazonS3FullAccess"])
    warehouse = _warehouse(region, {"iamRoles": [role]})
    found = violations([*region.resources, _landing(region), role, warehouse], NO_PII)
    assert warehouse.urn in [d.urn for d in found], messages(found)


def test_a_warehouse_given_a_role_the_stack_does_not_declare_fails_closed() -> None:
    region = eu_region()
    warehouse = _warehouse(region, {})
    warehouse.props["iamRoles"] = ["arn:aws:iam::123456789012:role/legacy-unload"]
    found = violations([*region.resources, warehouse], NO_PII)
    assert warehouse.urn in [d.urn for d in found], messages(found)
    assert "legacy-unload" in messages(found)


# The same roles associated by another resource, or held by another kind of database ------------------------


def _associated(region: Region, role: Res) -> list[Res]:
    """A Redshift ClusterIamRoles that associates the role with the baseline's PII warehouse."""
    warehouse = _warehouse(region, {})
    association = Res(
        "aws:redshift/clusterIamRoles:ClusterIamRoles",
        "warehouse-roles",
        {"clusterIdentifier": UNKNOWN, "iamRoleArns": [UNKNOWN], "defaultIamRoleArn": UNKNOWN},
        region.provider,
        deps={"clusterIdentifier": [warehouse], "iamRoleArns": [role], "defaultIamRoleArn": [role]},
    )
    return [warehouse, association]


def _namespace(region: Region, role: Res) -> list[Res]:
    namespace = store(
        region,
        "aws:redshiftserverless/namespace:Namespace",
        "analytics",
        {
            "namespaceName": "pii-analytics",
            "kmsKeyId": UNKNOWN,
            "iamRoles": [UNKNOWN],
            "defaultIamRoleArn": UNKNOWN,
        },
    )
    namespace.deps = {"kmsKeyId": [region.key], "iamRoles": [role], "defaultIamRoleArn": [role]}
    return [namespace]


def _aurora(region: Region, role: Res) -> list[Res]:
    aurora = store(
        region,
        "aws:rds/cluster:Cluster",
        "aurora",
        {
            "clusterIdentifier": "pii-aurora",
            "engine": "aurora-mysql",
            "storageEncrypted": True,
            "kmsKeyId": UNKNOWN,
            "iamRoles": [UNKNOWN],
        },
    )
    aurora.deps = {"kmsKeyId": [region.key], "iamRoles": [role]}
    return [aurora]


def _neptune(region: Region, role: Res) -> list[Res]:
    graph = store(
        region,
        "aws:neptune/cluster:Cluster",
        "graph",
        {
            "clusterIdentifier": "pii-graph",
            "engine": "neptune",
            "storageEncrypted": True,
            "kmsKeyArn": UNKNOWN,
            "iamRoles": [UNKNOWN],
        },
    )
    graph.deps = {"kmsKeyArn": [region.key], "iamRoles": [role]}
    return [graph]


def _rds_feature(feature: str) -> Any:
    def build(region: Region, role: Res) -> list[Res]:
        association = Res(
            "aws:rds/roleAssociation:RoleAssociation",
            "pii-db-feature",
            {"dbInstanceIdentifier": UNKNOWN, "featureName": feature, "roleArn": UNKNOWN},
            region.provider,
            deps={"dbInstanceIdentifier": [region.database], "roleArn": [role]},
        )
        return [association]

    return build


HOLDERS = {
    "redshift cluster iam roles": _associated,
    "redshift serverless namespace": _namespace,
    "aurora mysql cluster": _aurora,
    "neptune cluster": _neptune,
    "rds s3Export": _rds_feature("s3Export"),
    "rds Lambda feature": _rds_feature("Lambda"),
}


@pytest.mark.parametrize("build", HOLDERS.values(), ids=list(HOLDERS))
def test_a_pii_database_role_writing_only_the_stacks_in_region_bucket_stays(build: Any) -> None:
    region = eu_region()
    role = _role(region, ["s3:PutObject"], IN_REGION)
    assert violations([*region.resources, _landing(region), role, *build(region, role)], NO_PII) == []


@pytest.mark.parametrize("build", HOLDERS.values(), ids=list(HOLDERS))
def test_a_pii_database_role_that_may_write_elsewhere_is_blocked(build: Any) -> None:
    region = eu_region()
    role = _role(region, ["s3:PutObject"], ELSEWHERE)
    extra = build(region, role)
    found = violations([*region.resources, _landing(region), role, *extra], NO_PII)
    assert extra[-1].urn in [d.urn for d in found], messages(found)


def test_an_rds_import_role_that_only_reads_copies_nothing_out() -> None:
    region = eu_region()
    role = _role(region, ["s3:GetObject", "s3:ListBucket"], "arn:aws:s3:::vendor-feeds-us/*")
    assert violations([*region.resources, role, *_rds_feature("s3Import")(region, role)], NO_PII) == []


def test_an_rds_lambda_feature_whose_role_invokes_a_function_in_another_region_is_blocked() -> None:
    region = eu_region()
    role = _role(region, ["lambda:InvokeFunction"], "arn:aws:lambda:us-east-1:123456789012:function:sync")
    extra = _rds_feature("Lambda")(region, role)
    found = violations([*region.resources, role, *extra], NO_PII)
    assert extra[0].urn in [d.urn for d in found], messages(found)
    assert "us-east-1" in messages(found)
