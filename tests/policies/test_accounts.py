"""Accounts are traced: a provider's assumed role or allowed account places its resources in that account, a
key or principal of another account is not this deployment's, and an account that cannot be traced counts
as foreign. `accountIds` (policies/config/*.json) lists the deployment's accounts."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import OTHER_ACCOUNT, PII, _volume_and_snapshot, store
from tests.policies.policy_harness import EU_CONFIG, UNKNOWN, Res, aws_provider, messages, violations

NO_PII = "no-pii-replication"
ANONYMISED_ONLY = "anonymised-only-replication"
OWN = "123456789012"


def _provider_in(account: str | None, how: str = "assumeRoles") -> Res:
    provider = aws_provider("audit")
    if how == "assumeRoles":
        role = UNKNOWN if account is None else f"arn:aws:iam::{account}:role/deployer"
        provider.props["assumeRoles"] = json.dumps([{"roleArn": role, "sessionName": "pulumi"}])
    else:
        provider.props["allowedAccountIds"] = json.dumps([account])
    return provider


def _replica_in(region: Region, provider: Res) -> Res:
    return Res(
        "aws:rds/instance:Instance",
        "audit-replica",
        {"replicateSourceDb": UNKNOWN, "tags": PII},
        provider,
        deps={"replicateSourceDb": [region.database]},
    )


def test_the_baseline_shares_nothing() -> None:
    region = eu_region()
    assert violations(region.resources, NO_PII) == []
    assert violations(region.resources, ANONYMISED_ONLY) == []


def test_a_replica_through_a_provider_that_assumes_a_role_in_another_account_is_a_cross_account_copy() -> (
    None
):
    region = eu_region()
    replica = _replica_in(region, _provider_in(OTHER_ACCOUNT))
    found = violations([*region.resources, replica], NO_PII)
    assert [d.urn for d in found] == [replica.urn]
    assert f"into account {OTHER_ACCOUNT}" in found[0].message


def test_a_provider_limited_to_another_account_places_its_resources_there() -> None:
    region = eu_region()
    replica = _replica_in(region, _provider_in(OTHER_ACCOUNT, "allowedAccountIds"))
    assert [d.urn for d in violations([*region.resources, replica], NO_PII)] == [replica.urn]


def test_an_account_that_cannot_be_traced_counts_as_foreign() -> None:
    region = eu_region()
    replica = _replica_in(region, _provider_in(None))
    found = violations([*region.resources, replica], NO_PII)
    assert [d.urn for d in found] == [replica.urn]
    assert "account that cannot be traced" in found[0].message


def test_a_provider_in_one_of_the_deployments_accounts_stays_inside() -> None:
    region = eu_region()
    replica = _replica_in(region, _provider_in(OWN))
    assert violations([*region.resources, replica], NO_PII) == []
    config = copy.deepcopy(EU_CONFIG)
    config[NO_PII]["accountIds"] = []
    assert violations([*region.resources, replica], NO_PII, config) != []


@pytest.mark.parametrize("account", [OWN, OTHER_ACCOUNT])
def test_an_assumed_role_written_as_a_python_dict_places_the_providers_resources_in_its_account(
    account: str,
) -> None:
    # `assume_roles=[{"role_arn": ...}]` (the SDK's TypedDict form) reaches the provider as JSON with the
    # Python key; only ProviderAssumeRoleArgs is sent as `roleArn`.
    region = eu_region()
    provider = aws_provider("audit")
    provider.props["assumeRoles"] = json.dumps([{"role_arn": f"arn:aws:iam::{account}:role/deployer"}])
    replica = _replica_in(region, provider)
    found = violations([*region.resources, replica], NO_PII)
    if account == OWN:
        assert found == [], messages(found)
    else:
        assert [d.urn for d in found] == [replica.urn]
        assert f"into account {OTHER_ACCOUNT}" in found[0].message


def _provider_with(name: str, props: dict[str, object]) -> Res:
    provider = aws_provider(name)
    provider.props.update(props)
    return provider


def _web_identity(account: str) -> str:
    return json.dumps(
        {
            "roleArn": f"arn:aws:iam::{account}:role/replica-writer",
            "sessionName": "pulumi",
            "webIdentityTokenFile": "/var/run/secrets/eks.amazonaws.com/serviceaccount/token",
        }
    )


def test_a_provider_that_assumes_a_role_of_this_account_with_a_web_identity_stays_inside() -> None:
    region = eu_region()
    provider = _provider_with("ci", {"assumeRoleWithWebIdentity": _web_identity(OWN)})
    assert violations([*region.resources, _replica_in(region, provider)], NO_PII) == []


def test_a_web_identity_role_of_another_account_places_the_providers_resources_there() -> None:
    region = eu_region()
    replica = _replica_in(
        region, _provider_with("ci", {"assumeRoleWithWebIdentity": _web_identity(OTHER_ACCOUNT)})
    )
    found = violations([*region.resources, replica], NO_PII)
    assert [d.urn for d in found] == [replica.urn], messages(found)
    assert f"into account {OTHER_ACCOUNT}" in found[0].message


def test_the_last_assumed_role_wins_over_the_web_identity_it_starts_from() -> None:
    region = eu_region()
    provider = _provider_with(
        "ci",
        {
            "assumeRoleWithWebIdentity": _web_identity(OWN),
            "assumeRoles": json.dumps([{"roleArn": f"arn:aws:iam::{OTHER_ACCOUNT}:role/deployer"}]),
        },
    )
    found = violations([*region.resources, _replica_in(region, provider)], NO_PII)
    assert found and f"into account {OTHER_ACCOUNT}" in found[0].message, messages(found)


@pytest.mark.parametrize(
    "credentials",
    [
        {"profile": "partner-analytics"},
        {"sharedConfigFiles": json.dumps(["/home/ci/.aws/partner-config"])},
        {"sharedCredentialsFiles": json.dumps(["/home/ci/.aws/partner-credentials"])},
        {"accessKey": "AKIAIOSFODNN7EXAMPLE", "secretKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"},
        {"ec2MetadataServiceEndpoint": "http://127.0.0.1:1338"},
        {"forbiddenAccountIds": json.dumps([OWN])},
    ],
    ids=["profile", "shared-config", "shared-credentials", "access-key", "metadata-endpoint", "forbidden"],
)
def test_a_provider_whose_credentials_do_not_say_their_account_counts_as_foreign(
    credentials: dict[str, object],
) -> None:
    region = eu_region()
    replica = _replica_in(region, _provider_with("partner", credentials))
    found = violations([*region.resources, replica], NO_PII)
    assert [d.urn for d in found] == [replica.urn], messages(found)
    assert "account that cannot be traced" in found[0].message


def test_a_provider_with_its_own_credentials_limited_to_this_account_stays_inside() -> None:
    region = eu_region()
    provider = _provider_with("ops", {"profile": "ops", "allowedAccountIds": json.dumps([OWN])})
    assert violations([*region.resources, _replica_in(region, provider)], NO_PII) == []


def test_a_kms_key_of_another_account_is_not_the_stacks_key() -> None:
    region = eu_region()
    region.database.props["kmsKeyId"] = (
        f"arn:aws:kms:eu-west-1:{OTHER_ACCOUNT}:key/0b7c1f6e-2f43-4b1d-9b35-1d7b0c2a5e11"
    )
    region.database.deps.pop("kmsKeyId")
    found = violations(region.resources, "pii-encryption")
    assert [d.urn for d in found] == [region.database.urn]
    assert f"a key of account {OTHER_ACCOUNT}" in found[0].message


def test_a_key_declared_through_a_provider_in_another_account_is_not_the_stacks_key() -> None:
    region = eu_region()
    region.key.provider = _provider_in(OTHER_ACCOUNT)
    found = violations(region.resources, "pii-encryption")
    assert found and f"account {OTHER_ACCOUNT}" in messages(found)


def _bucket_with_policy(region: Region, statement: dict[str, object]) -> tuple[Res, Res]:
    bucket = store(region, "aws:s3/bucket:Bucket", "documents", {"bucket": "documents-eu"})
    policy = Res(
        "aws:s3/bucketPolicy:BucketPolicy",
        "documents-policy",
        {"bucket": UNKNOWN, "policy": json.dumps({"Version": "2012-10-17", "Statement": [statement]})},
        region.provider,
        deps={"bucket": [bucket]},
    )
    return bucket, policy


def test_a_bucket_policy_that_grants_another_account_shares_pii() -> None:
    region = eu_region()
    _, policy = _bucket_with_policy(
        region,
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"},
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::documents-eu/*",
        },
    )
    found = violations([*region.resources, *_with(policy)], NO_PII)
    assert [d.urn for d in found] == [policy.urn]
    assert f"with account {OTHER_ACCOUNT}" in found[0].message


def test_a_bucket_policy_for_this_account_only_shares_nothing() -> None:
    region = eu_region()
    _, policy = _bucket_with_policy(
        region,
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{OWN}:root"},
            "Action": "s3:*",
            "Resource": "*",
        },
    )
    assert violations([*region.resources, *_with(policy)], NO_PII) == []


def test_everyone_restricted_by_a_principal_account_condition_is_this_account() -> None:
    region = eu_region()
    _, policy = _bucket_with_policy(
        region,
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:PrincipalAccount": OWN}},
        },
    )
    resources = [*region.resources, *_with(policy)]
    assert violations(resources, NO_PII) == []
    assert [d for d in violations(resources, "pii-not-public") if d.urn == policy.urn] == []


def test_a_bucket_policy_for_everyone_makes_pii_public() -> None:
    region = eu_region()
    _, policy = _bucket_with_policy(
        region, {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}
    )
    found = [
        d for d in violations([*region.resources, *_with(policy)], "pii-not-public") if d.urn == policy.urn
    ]
    assert found and "everyone" in found[0].message


def test_a_key_policy_that_lets_another_account_decrypt_shares_the_pii_it_protects() -> None:
    region = eu_region()
    region.key.props["policy"] = json.dumps(
        {
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{OWN}:root"},
                    "Action": "kms:*",
                    "Resource": "*",
                },
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": [f"arn:aws:iam::{OTHER_ACCOUNT}:root"]},
                    "Action": ["kms:Decrypt", "kms:CreateGrant"],
                    "Resource": "*",
                },
            ]
        }
    )
    found = violations(region.resources, NO_PII)
    assert [d.urn for d in found] == [region.key.urn]
    assert f"account {OTHER_ACCOUNT}" in found[0].message


def _shared_cluster(region: Region, principal: str) -> tuple[Res, list[Res]]:
    cluster = store(region, "aws:rds/cluster:Cluster", "aurora", {"engine": "aurora-postgresql"})
    share = Res("aws:ram/resourceShare:ResourceShare", "aurora-share", {"name": "aurora"}, region.provider)
    association = Res(
        "aws:ram/resourceAssociation:ResourceAssociation",
        "aurora-association",
        {"resourceArn": UNKNOWN, "resourceShareArn": UNKNOWN},
        region.provider,
        deps={"resourceArn": [cluster], "resourceShareArn": [share]},
    )
    principal_association = Res(
        "aws:ram/principalAssociation:PrincipalAssociation",
        "aurora-principal",
        {"principal": principal, "resourceShareArn": UNKNOWN},
        region.provider,
        deps={"resourceShareArn": [share]},
    )
    return association, [cluster, share, association, principal_association]


def test_a_resource_share_with_another_account_shares_pii() -> None:
    region = eu_region()
    association, extra = _shared_cluster(region, OTHER_ACCOUNT)
    found = violations([*region.resources, *extra], NO_PII)
    assert association.urn in [d.urn for d in found]


def test_a_resource_share_within_the_deployment_shares_nothing() -> None:
    region = eu_region()
    _, extra = _shared_cluster(region, OWN)
    assert violations([*region.resources, *extra], NO_PII) == []


def test_a_role_another_account_may_assume_shares_what_its_policies_reach() -> None:
    region = eu_region()
    bucket = store(region, "aws:s3/bucket:Bucket", "documents", {"bucket": "documents-eu"})
    role = Res(
        "aws:iam/role:Role",
        "partner",
        {
            "assumeRolePolicy": json.dumps(
                {
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"},
                            "Action": "sts:AssumeRole",
                        }
                    ]
                }
            )
        },
        region.provider,
    )
    policy = Res(
        "aws:iam/rolePolicy:RolePolicy",
        "partner-read",
        {
            "role": UNKNOWN,
            "policy": json.dumps(
                {
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": "s3:GetObject",
                            "Resource": "arn:aws:s3:::documents-eu/*",
                        }
                    ]
                }
            ),
        },
        region.provider,
        deps={"role": [role]},
    )
    found = violations([*region.resources, bucket, role, policy], NO_PII)
    assert [d.urn for d in found] == [role.urn]
    assert "aws:s3/bucket:Bucket 'documents'" in found[0].message


def test_a_queue_policy_for_everyone_makes_a_pii_queue_public() -> None:
    region = eu_region()
    queue = store(region, "aws:sqs/queue:Queue", "signups", {"name": "signups", "kmsMasterKeyId": UNKNOWN})
    queue.deps["kmsMasterKeyId"] = [region.key]
    policy = Res(
        "aws:sqs/queuePolicy:QueuePolicy",
        "signups-policy",
        {
            "queueUrl": UNKNOWN,
            "policy": json.dumps(
                {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sqs:ReceiveMessage"}]}
            ),
        },
        region.provider,
        deps={"queueUrl": [queue]},
    )
    found = violations([*region.resources, queue, policy], "pii-not-public")
    assert policy.urn in [d.urn for d in found]


def test_a_snapshot_shared_with_all_accounts_is_public() -> None:
    region = eu_region()
    snapshot = Res(
        "aws:rds/snapshot:Snapshot",
        "shared",
        {
            "dbInstanceIdentifier": UNKNOWN,
            "dbSnapshotIdentifier": "shared",
            "sharedAccounts": ["all"],
            "tags": PII,
        },
        region.provider,
        deps={"dbInstanceIdentifier": [region.database]},
    )
    assert snapshot.urn in [d.urn for d in violations([*region.resources, snapshot], NO_PII)]


def _with(policy: Res) -> list[Res]:
    return [*policy.deps.get("bucket", []), policy]


def _function_reading_the_database(region: Region) -> Res:
    return Res(
        "aws:lambda/function:Function",
        "lookup",
        {"runtime": "python3.12", "handler": "a.b", "environment": {"variables": {"DATABASE_HOST": UNKNOWN}}},
        region.provider,
        deps={"environment": [region.database]},
    )


def test_a_permission_for_another_account_on_a_function_reading_pii_shares_that_pii() -> None:
    region = eu_region()
    function = _function_reading_the_database(region)
    permission = Res(
        "aws:lambda/permission:Permission",
        "partner-invoke",
        {"action": "lambda:InvokeFunction", "function": UNKNOWN, "principal": OTHER_ACCOUNT},
        region.provider,
        deps={"function": [function]},
    )
    found = violations([*region.resources, function, permission], NO_PII)
    assert [d.urn for d in found] == [permission.urn]


def test_a_permission_for_another_account_on_a_function_with_a_role_reading_pii_shares_that_pii() -> None:
    """What code reads is cached on first use, which tracing the function's own role (`Resource: *` reaches
    every holder) asks for before the function's movement is in the graph: it is built again from the whole
    graph (reviewer blind-aws13 a14)."""
    region = eu_region()
    table = Res("aws:dynamodb/table:Table", "customers", {"name": "customers", "tags": PII}, region.provider)
    role = Res(
        "aws:iam/role:Role",
        "lookup-role",
        {
            "name": "customer-lookup",
            "inlinePolicies": [
                {
                    "name": "read",
                    "policy": json.dumps(
                        {
                            "Version": "2012-10-17",
                            "Statement": [
                                {
                                    "Effect": "Allow",
                                    "Action": "dynamodb:GetItem",
                                    "Resource": "arn:aws:dynamodb:eu-west-1:123456789012:table/customers",
                                },
                                {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"},
                            ],
                        }
                    ),
                }
            ],
        },
        region.provider,
    )
    function = Res(
        "aws:lambda/function:Function",
        "lookup",
        {
            "runtime": "python3.12",
            "handler": "index.handler",
            "role": UNKNOWN,
            "environment": {"variables": {"TABLE": UNKNOWN}},
        },
        region.provider,
        deps={"role": [role], "environment": [table]},
    )
    permission = Res(
        "aws:lambda/permission:Permission",
        "partner-invoke",
        {"action": "lambda:InvokeFunction", "function": UNKNOWN, "principal": OTHER_ACCOUNT},
        region.provider,
        deps={"function": [function]},
    )
    found = violations([*region.resources, table, role, function, permission], NO_PII)
    assert [d.urn for d in found] == [permission.urn], messages(found)


def test_a_permission_for_a_service_of_this_account_shares_nothing() -> None:
    region = eu_region()
    function = _function_reading_the_database(region)
    permission = Res(
        "aws:lambda/permission:Permission",
        "events-invoke",
        {
            "action": "lambda:InvokeFunction",
            "function": UNKNOWN,
            "principal": "events.amazonaws.com",
            "sourceAccount": OWN,
        },
        region.provider,
        deps={"function": [function]},
    )
    assert violations([*region.resources, function, permission], NO_PII) == []


def _reader_of_the_database(region: Region) -> Res:
    """A Deployment on the region's cluster whose environment names the PII database's address."""
    return Res(
        "kubernetes:apps/v1:Deployment",
        "customers-api",
        {
            "metadata": {"name": "customers-api", "namespace": "app"},
            "spec": {
                "selector": {"matchLabels": {"app": "customers-api"}},
                "template": {
                    "metadata": {"labels": {"app": "customers-api"}},
                    "spec": {
                        "containers": [
                            {
                                "name": "api",
                                "image": "example/customers-api:1.0",
                                "env": [{"name": "DB_HOST", "value": UNKNOWN}],
                            }
                        ]
                    },
                },
            },
        },
        region.kubernetes,
        deps={"spec": [region.database]},
    )


def test_code_on_the_stacks_cluster_reading_pii_shares_nothing() -> None:
    region = eu_region()
    reader = _reader_of_the_database(region)
    assert violations([*region.resources, reader], NO_PII) == []
    assert violations([*region.resources, reader], ANONYMISED_ONLY) == []


def test_code_on_a_cluster_created_in_another_account_reading_pii_copies_it_into_that_account() -> None:
    # The pods run, and keep what they read, in the account of the cluster their provider was built from.
    region = eu_region()
    region.cluster.provider = _provider_in(OTHER_ACCOUNT)
    reader = _reader_of_the_database(region)
    found = violations([*region.resources, reader], NO_PII)
    assert reader.urn in [d.urn for d in found], messages(found)
    assert f"into account {OTHER_ACCOUNT}" in next(d.message for d in found if d.urn == reader.urn)


ORGANISATION = f"arn:aws:organizations::{OWN}:organization/o-abcd1234ef"
"""The deployment's own organisation, whose ARN names the deployment's (management) account."""
ORGANISATIONAL_UNIT = f"arn:aws:organizations::{OWN}:ou/o-abcd1234ef/ou-ab12-cdef3456"


def _pii_image(region: Region) -> tuple[Res, list[Res]]:
    volume, snapshot = _volume_and_snapshot(region)
    image = Res(
        "aws:ec2/ami:Ami",
        "uploads-image",
        {
            "name": "uploads-image",
            "rootDeviceName": "/dev/xvda",
            "ebsBlockDevices": [{"deviceName": "/dev/xvda", "snapshotId": UNKNOWN, "encrypted": True}],
            "tags": PII,
        },
        region.provider,
        deps={"ebsBlockDevices": [snapshot]},
    )
    return image, [volume, snapshot, image]


def _launch_permission(region: Region, image: Res, principal: dict[str, str]) -> Res:
    return Res(
        "aws:ec2/amiLaunchPermission:AmiLaunchPermission",
        "image-launch",
        {"imageId": UNKNOWN, **principal},
        region.provider,
        deps={"imageId": [image]},
    )


def test_launching_an_image_of_pii_from_the_deployments_own_account_shares_nothing() -> None:
    region = eu_region()
    image, extra = _pii_image(region)
    permission = _launch_permission(region, image, {"accountId": OWN})
    assert violations([*region.resources, *extra, permission], NO_PII) == []


@pytest.mark.parametrize(
    ("principal", "value"),
    [("organizationArn", ORGANISATION), ("organizationalUnitArn", ORGANISATIONAL_UNIT)],
)
def test_an_image_of_pii_launchable_by_an_organisation_is_shared_outside_the_deployment(
    principal: str, value: str
) -> None:
    # Every account of the organisation, not the management account its ARN names (reviewer blind-aws13 a16).
    region = eu_region()
    image, extra = _pii_image(region)
    permission = _launch_permission(region, image, {principal: value})
    found = violations([*region.resources, *extra, permission], NO_PII)
    assert [d.urn for d in found] == [permission.urn]
    assert f"shared with the organisation {value}" in found[0].message


@pytest.mark.parametrize("principal", [ORGANISATION, ORGANISATIONAL_UNIT, "o-abcd1234ef"])
def test_a_resource_share_with_an_organisation_shares_pii(principal: str) -> None:
    region = eu_region()
    association, extra = _shared_cluster(region, principal)
    found = violations([*region.resources, *extra], NO_PII)
    assert association.urn in [d.urn for d in found]
    assert f"the organisation {principal}" in messages(found)


def _distribution(region: Region, launch_permission: dict[str, list[str]]) -> Res:
    return Res(
        "aws:imagebuilder/distributionConfiguration:DistributionConfiguration",
        "worker-images",
        {
            "name": "worker-images",
            "distributions": [
                {
                    "region": "eu-west-1",
                    "amiDistributionConfiguration": {"launchPermission": launch_permission},
                }
            ],
            "tags": PII,
        },
        region.provider,
    )


def test_an_image_distribution_launchable_by_the_deployments_own_account_shares_nothing() -> None:
    region = eu_region()
    distribution = _distribution(region, {"userIds": [OWN]})
    assert violations([*region.resources, distribution], NO_PII) == []


@pytest.mark.parametrize(
    ("field", "value", "shown"),
    [
        ("organizationArns", ORGANISATION, f"the organisation {ORGANISATION}"),
        ("organizationalUnitArns", ORGANISATIONAL_UNIT, f"the organisation {ORGANISATIONAL_UNIT}"),
        ("userIds", OTHER_ACCOUNT, OTHER_ACCOUNT),
        ("userGroups", "all", "all"),
    ],
)
def test_an_image_distribution_launchable_outside_the_deployment_shares_what_it_holds(
    field: str, value: str, shown: str
) -> None:
    region = eu_region()
    distribution = _distribution(region, {field: [value]})
    found = violations([*region.resources, distribution], NO_PII)
    assert [d.urn for d in found] == [distribution.urn]
    assert f"shared with {shown}" in found[0].message


def test_an_image_distribution_exporting_to_a_bucket_the_stack_does_not_declare_is_untraceable() -> None:
    region = eu_region()
    distribution = _distribution(region, {"userIds": [OWN]})
    distribution.props["distributions"][0]["s3ExportConfiguration"] = {
        "diskImageFormat": "RAW",
        "roleName": "image-export",
        "s3Bucket": "acme-image-exports",
    }
    found = violations([*region.resources, distribution], NO_PII)
    assert [d.urn for d in found] == [distribution.urn]
    assert "regions that cannot be traced" in found[0].message


def _daily_snapshots(region: Region, share_rule: dict[str, Any]) -> Res:
    """A lifecycle policy snapshotting the volumes tagged pii daily, as reviewer blind-aws13 a24 wrote it,
    with the schedule's share in the provider's spelling (`share_rule`, wire `shareRule`)."""
    return Res(
        "aws:dlm/lifecyclePolicy:LifecyclePolicy",
        "pii-volumes-daily",
        {
            "description": "Daily snapshots of PII volumes, shared with DR",
            "executionRoleArn": UNKNOWN,
            "state": "ENABLED",
            "policyDetails": {
                "resourceTypes": ["VOLUME"],
                "targetTags": {"data-classification": "pii"},
                "schedules": [
                    {
                        "name": "daily",
                        "createRule": {"interval": 24, "intervalUnit": "HOURS", "times": "03:00"},
                        "retainRule": {"count": 14},
                        "copyTags": True,
                        "shareRule": share_rule,
                    }
                ],
            },
        },
        region.provider,
    )


def test_lifecycle_snapshots_shared_within_the_deployment_share_nothing() -> None:
    region = eu_region()
    policy = _daily_snapshots(region, {"targetAccounts": [OWN]})
    assert violations([*region.resources, policy], NO_PII) == []


def test_lifecycle_snapshots_shared_with_another_account_are_a_share_of_the_tagged_volumes() -> None:
    region = eu_region()
    policy = _daily_snapshots(region, {"targetAccounts": [OTHER_ACCOUNT], "unshareInterval": 7})
    found = violations([*region.resources, policy], NO_PII)
    assert [d.urn for d in found] == [policy.urn]
    assert f"shared with {OTHER_ACCOUNT}" in found[0].message
