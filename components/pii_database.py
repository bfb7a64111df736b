"""PiiDatabase: the region's PostgreSQL (Amazon RDS) that holds personal data and never leaves the region."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.cloudwatch_logs import LOG_RETENTION_DAYS
from components.kms_key_policy import (
    account_root_arn,
    administration_statement,
    cloudwatch_logs_statement,
    key_policy_document,
    log_group_arn,
    service_endpoint,
    use_through_services_statement,
)
from components.regional_key import RegionalAccount, protected_data_key
from residency.defaults import (
    MAXIMUM_BACKUP_RETENTION_DAYS,
    MINIMUM_BACKUP_RETENTION_DAYS,
    PII_POSTGRES_MAJOR,
)
from residency_facts import CLASSIFICATION_TAG, Classification

POSTGRES_MAJOR = PII_POSTGRES_MAJOR
"""The pinned PostgreSQL major (residency/defaults.py): parameter group family and engine version agree."""

DEFAULT_ENGINE_VERSION = POSTGRES_MAJOR
"""The engine version the instance declares: the major alone, never a minor.

With `auto_minor_version_upgrade` RDS moves the instance to newer minors in its maintenance window. A declared
minor ("17.7") then no longer matches: pulumi-aws reads the running version back into `engine_version` on a
refresh (terraform-provider-aws internal/service/rds, compareActualEngineVersion), and the next `pulumi up`
asks RDS to go back to 17.7, which it refuses. A prefix of the running version ("17" of "17.9") is kept as
declared, so no diff arises, and RDS creates the instance with its default 17.x minor (the provider documents
a major-only `engine_version` for exactly this). The running minor is `engine_version_actual`. A major upgrade
stays a reviewed change: POSTGRES_MAJOR, the parameter group family, `allow_major_version_upgrade`.
"""

POSTGRES_PORT = 5432

_RDS_IDENTIFIER = re.compile(r"^[a-z](?:[a-z0-9]|-(?!-))*[a-z0-9]$")
_POSTGRES_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
_MAXIMUM_NAME_LENGTH = 48
"""Leaves room in RDS's 63-character identifiers for the suffixes derived from the name."""


# Personal data must not leave the region, so no field can ask the component to copy it anywhere.
@dataclass(frozen=True, kw_only=True)
class PiiDatabaseArgs:
    """Inputs of a PiiDatabase; none asks for a replica, backup replication, snapshot copy or global DB."""

    vpc_id: pulumi.Input[str]
    """The region's VPC."""
    subnet_ids: Sequence[pulumi.Input[str]]
    """The isolated database subnets (no route to the internet), in at least two availability zones."""
    client_security_group_ids: Sequence[pulumi.Input[str]]
    """Security groups allowed to open PostgreSQL connections: the cluster's node security group."""
    backup_retention_days: int = 14
    """Days RDS keeps automated backups (in this region only); at least 7."""
    instance_class: str = "db.m7g.large"
    allocated_storage_gb: int = 100
    max_allocated_storage_gb: int = 500
    """Upper bound for storage autoscaling."""
    engine_version: str = DEFAULT_ENGINE_VERSION
    database_name: str = "app"
    master_username: str = "dbadmin"
    """The master user; RDS generates and rotates its password in Secrets Manager."""
    log_retention_days: int = 30
    """Days CloudWatch keeps the PostgreSQL log, which may quote personal data in error messages."""

    def validate(self, name: str) -> None:
        """Raise ValueError naming the first field whose value would deploy an unsafe or invalid database."""
        if len(name) > _MAXIMUM_NAME_LENGTH or not _RDS_IDENTIFIER.match(name):
            raise ValueError(
                f"PiiDatabase name {name!r} must be at most {_MAXIMUM_NAME_LENGTH} lowercase letters, digits "
                "and single hyphens, starting with a letter: it becomes the RDS instance identifier"
            )
        if len(self.subnet_ids) < 2:
            raise ValueError("subnet_ids: RDS needs database subnets in at least two availability zones")
        if not self.client_security_group_ids:
            raise ValueError("client_security_group_ids: name at least the cluster's node security group")
        if not MINIMUM_BACKUP_RETENTION_DAYS <= self.backup_retention_days <= MAXIMUM_BACKUP_RETENTION_DAYS:
            raise ValueError(
                f"backup_retention_days is {self.backup_retention_days}; allowed: "
                f"{MINIMUM_BACKUP_RETENTION_DAYS} to {MAXIMUM_BACKUP_RETENTION_DAYS}"
            )
        if not self.instance_class.startswith("db."):
            raise ValueError(f"instance_class {self.instance_class!r} is not an RDS class (db.*)")
        if not 20 <= self.allocated_storage_gb <= 65536:
            raise ValueError(f"allocated_storage_gb is {self.allocated_storage_gb}; gp3 allows 20 to 65536")
        if self.max_allocated_storage_gb <= self.allocated_storage_gb:
            raise ValueError(
                "max_allocated_storage_gb must exceed allocated_storage_gb (storage autoscaling)"
            )
        if self.engine_version != POSTGRES_MAJOR:
            raise ValueError(
                f"engine_version {self.engine_version!r} must be the major {POSTGRES_MAJOR!r} alone: RDS "
                "upgrades the minor itself, and a pinned minor would make a later `pulumi up` ask for a "
                f"downgrade (the parameter group family is postgres{POSTGRES_MAJOR})"
            )
        identifiers = {"database_name": self.database_name, "master_username": self.master_username}
        for field, value in identifiers.items():
            if not _POSTGRES_IDENTIFIER.match(value):
                raise ValueError(f"{field} {value!r} must be a lowercase PostgreSQL identifier")
        if self.log_retention_days not in LOG_RETENTION_DAYS:
            raise ValueError(
                f"log_retention_days is {self.log_retention_days}; "
                f"CloudWatch accepts {sorted(LOG_RETENTION_DAYS)}"
            )


# Parameters: TLS only, modern password hashing, no logical replication out of this database, and logs that
# record who connected without echoing statements (their literals can be personal data).
_PARAMETERS: tuple[tuple[str, str, str], ...] = (
    ("rds.force_ssl", "1", "immediate"),
    ("ssl_min_protocol_version", "TLSv1.2", "immediate"),
    ("password_encryption", "scram-sha-256", "immediate"),
    ("rds.logical_replication", "0", "pending-reboot"),
    ("log_connections", "1", "immediate"),
    ("log_disconnections", "1", "immediate"),
    ("log_lock_waits", "1", "immediate"),
    ("log_statement", "ddl", "immediate"),
    ("log_min_duration_statement", "-1", "immediate"),
    ("log_min_error_statement", "panic", "immediate"),
)


class PiiDatabase(pulumi.ComponentResource):
    """Multi-AZ RDS PostgreSQL for personal data: own in-region key, TLS from the nodes only, no copies."""

    endpoint: pulumi.Output[str]
    address: pulumi.Output[str]
    port: pulumi.Output[int]
    instance_arn: pulumi.Output[str]
    instance_id: pulumi.Output[str]
    key_arn: pulumi.Output[str]
    security_group_id: pulumi.Output[str]
    master_user_secret_arn: pulumi.Output[str]

    def __init__(self, name: str, args: PiiDatabaseArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        args.validate(name)
        super().__init__("residency:components:PiiDatabase", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        # The instance and its key are protected: deleting either destroys personal data irrecoverably.
        protected_child = pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(protect=True))
        invoke = pulumi.InvokeOptions(parent=self)
        tags = {CLASSIFICATION_TAG: Classification.PII.value}

        identifier = name
        log_group_name = f"/aws/rds/instance/{identifier}/postgresql"
        account = RegionalAccount.look_up(invoke)
        key = protected_data_key(
            f"{name}-key",
            f"Personal data of RDS instance {identifier}: storage, backups, secret and logs",
            account.key_policy(lambda *values: _database_key_policy(*values, log_group_name=log_group_name)),
            tags,
            child,
        )

        subnet_group = aws.rds.SubnetGroup(
            f"{name}-subnet-group",
            description=f"Isolated database subnets of {identifier}",
            subnet_ids=list(args.subnet_ids),
            tags=tags,
            opts=child,
        )

        # No egress rules: the provider removes AWS's default allow-all egress, and RDS needs none to serve.
        security_group = aws.ec2.SecurityGroup(
            f"{name}-security-group",
            vpc_id=args.vpc_id,
            description=f"PostgreSQL {identifier}: port {POSTGRES_PORT} from the cluster nodes only",
            tags=tags,
            opts=child,
        )
        for index, source_security_group_id in enumerate(args.client_security_group_ids):
            aws.vpc.SecurityGroupIngressRule(
                f"{name}-ingress-{index}",
                security_group_id=security_group.id,
                referenced_security_group_id=source_security_group_id,
                ip_protocol="tcp",
                from_port=POSTGRES_PORT,
                to_port=POSTGRES_PORT,
                description="PostgreSQL from the cluster nodes",
                tags=tags,
                opts=child,
            )

        parameter_group = aws.rds.ParameterGroup(
            f"{name}-parameter-group",
            family=f"postgres{POSTGRES_MAJOR}",
            description=f"TLS-only PostgreSQL {POSTGRES_MAJOR} for {identifier}",
            parameters=[
                aws.rds.ParameterGroupParameterArgs(name=parameter, value=value, apply_method=apply_method)
                for parameter, value, apply_method in _PARAMETERS
            ],
            tags=tags,
            opts=child,
        )

        # Created before the instance so that RDS exports into an encrypted, expiring, classified log group
        # instead of creating an unencrypted one that is kept forever.
        log_group = aws.cloudwatch.LogGroup(
            f"{name}-postgresql-logs",
            name=log_group_name,
            retention_in_days=args.log_retention_days,
            kms_key_id=key.arn,
            tags=tags,
            opts=child,
        )

        instance = aws.rds.Instance(
            f"{name}-instance",
            identifier=identifier,
            engine="postgres",
            engine_version=args.engine_version,
            auto_minor_version_upgrade=True,
            allow_major_version_upgrade=False,
            instance_class=args.instance_class,
            db_name=args.database_name,
            username=args.master_username,
            manage_master_user_password=True,
            master_user_secret_kms_key_id=key.arn,
            iam_database_authentication_enabled=True,
            storage_type="gp3",
            allocated_storage=args.allocated_storage_gb,
            max_allocated_storage=args.max_allocated_storage_gb,
            storage_encrypted=True,
            kms_key_id=key.arn,
            multi_az=True,
            db_subnet_group_name=subnet_group.name,
            vpc_security_group_ids=[security_group.id],
            publicly_accessible=False,
            port=POSTGRES_PORT,
            parameter_group_name=parameter_group.name,
            ca_cert_identifier="rds-ca-rsa2048-g1",
            backup_retention_period=args.backup_retention_days,
            copy_tags_to_snapshot=True,
            delete_automated_backups=False,
            deletion_protection=True,
            skip_final_snapshot=False,
            final_snapshot_identifier=f"{identifier}-final-snapshot",
            performance_insights_enabled=True,
            performance_insights_kms_key_id=key.arn,
            performance_insights_retention_period=7,
            enabled_cloudwatch_logs_exports=["postgresql"],
            tags=tags,
            opts=pulumi.ResourceOptions.merge(protected_child, pulumi.ResourceOptions(depends_on=log_group)),
        )

        self.endpoint = instance.endpoint
        self.address = instance.address
        self.port = instance.port
        self.instance_arn = instance.arn
        self.instance_id = instance.id
        self.key_arn = key.arn
        self.security_group_id = security_group.id
        self.master_user_secret_arn = instance.master_user_secrets.apply(_managed_secret_arn)
        self.register_outputs(
            {
                "endpoint": self.endpoint,
                "address": self.address,
                "port": self.port,
                "instance_arn": self.instance_arn,
                "instance_id": self.instance_id,
                "key_arn": self.key_arn,
                "security_group_id": self.security_group_id,
                "master_user_secret_arn": self.master_user_secret_arn,
            }
        )


def _managed_secret_arn(secrets: Sequence[aws.rds.outputs.InstanceMasterUserSecret]) -> str:
    """The ARN of the master user secret RDS manages; its absence means RDS did not honour the request."""
    if not secrets or not secrets[0].secret_arn:
        raise ValueError(
            "RDS reported no managed master user secret although manage_master_user_password is set"
        )
    return secrets[0].secret_arn


def _database_key_policy(
    partition: str, dns_suffix: str, region: str, account_id: str, *, log_group_name: str
) -> str:
    """Key policy: the account administers; RDS, Secrets Manager and CloudWatch Logs use it in the region."""
    return key_policy_document(
        [
            administration_statement(partition, account_id),
            use_through_services_statement(
                "UseThroughRdsAndItsSecretInRegion",
                account_root_arn(partition, account_id),
                [
                    service_endpoint("rds", region, dns_suffix),
                    service_endpoint("secretsmanager", region, dns_suffix),
                ],
            ),
            cloudwatch_logs_statement(
                "CloudWatchLogsEncryptsThisDatabaseLog",
                region,
                dns_suffix,
                [log_group_arn(partition, region, account_id, log_group_name)],
            ),
        ]
    )
