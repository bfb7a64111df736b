"""What a service keeps of what its code runs over, under the key the resource offers for it (else one AWS
owns): an Airflow environment's metadata database and logs (`kmsKey`), a state machine's execution history
(`encryptionConfiguration`); and a table of a table bucket that sets an encryption of its own.

Reviewer blind-aws14 a18: an MWAA environment labelled pii without `kmsKey` passed pii-encryption, as the
rule judged only holders and carriers. The compliant baselines use the stack's key.
"""

from __future__ import annotations

from typing import Any

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import PII, store
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

ENCRYPTION = "pii-encryption"


def _on(resources: list[Res], resource: Res) -> str:
    return messages([d for d in violations(resources, ENCRYPTION) if d.urn == resource.urn])


def _airflow(region: Region, keyed: bool, tags: dict[str, str] | None = PII) -> Res:
    environment = Res(
        "aws:mwaa/environment:Environment",
        "exports",
        {
            "name": "acme-eu-exports",
            "executionRoleArn": "arn:aws:iam::123456789012:role/acme-eu-mwaa",
            "sourceBucketArn": "arn:aws:s3:::acme-eu-airflow-dags",
            "dagS3Path": "dags/",
            "webserverAccessMode": "PRIVATE_ONLY",
            **({"tags": tags} if tags is not None else {}),
        },
        region.provider,
    )
    if keyed:
        environment.props["kmsKey"] = UNKNOWN
        environment.deps["kmsKey"] = [region.key]
    return environment


def test_an_airflow_environment_under_the_stacks_key_breaks_no_rule() -> None:
    region = eu_region()
    environment = _airflow(region, keyed=True)
    assert _on([*region.resources, environment], environment) == ""


def test_a_pii_airflow_environment_without_a_key_keeps_its_metadata_under_aws_key() -> None:
    region = eu_region()
    environment = _airflow(region, keyed=False)
    found = _on([*region.resources, environment], environment)
    assert "kmsKey" in found and "pii data at rest" in found, found


def test_an_airflow_environment_whose_dags_read_pii_is_judged_without_a_label() -> None:
    region = eu_region()
    environment = _airflow(region, keyed=False, tags={"data-classification": "internal"})
    environment.props["airflowConfigurationOptions"] = {"customers.database": UNKNOWN}
    environment.deps["airflowConfigurationOptions"] = [region.database]
    found = _on([*region.resources, environment], environment)
    assert "kmsKey" in found, found


def _state_machine(region: Region, encryption: dict[str, Any]) -> Res:
    machine = Res(
        "aws:sfn/stateMachine:StateMachine",
        "exports",
        {
            "name": "exports",
            "roleArn": "arn:aws:iam::123456789012:role/acme-eu-exports",
            "definition": '{"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}',
            "encryptionConfiguration": encryption,
            "tags": PII,
        },
        region.provider,
    )
    if encryption.get("kmsKeyId") is UNKNOWN:
        machine.deps["encryptionConfiguration"] = [region.key]
    return machine


def test_a_state_machine_under_the_stacks_key_breaks_no_rule() -> None:
    region = eu_region()
    machine = _state_machine(region, {"type": "CUSTOMER_MANAGED_KMS_KEY", "kmsKeyId": UNKNOWN})
    assert _on([*region.resources, machine], machine) == ""


def test_a_pii_state_machines_execution_history_under_an_aws_owned_key_is_blocked() -> None:
    region = eu_region()
    machine = _state_machine(region, {"type": "AWS_OWNED_KEY"})
    found = _on([*region.resources, machine], machine)
    assert "encryptionConfiguration.type" in found, found


def _lake(region: Region, table_encryption: dict[str, Any] | None) -> tuple[Res, Res]:
    bucket = store(
        region,
        "aws:s3tables/tableBucket:TableBucket",
        "lake",
        {"name": "lake", "encryptionConfiguration": {"sseAlgorithm": "aws:kms", "kmsKeyArn": UNKNOWN}},
    )
    bucket.deps["encryptionConfiguration"] = [region.key]
    table = Res(
        "aws:s3tables/table:Table",
        "customers",
        {
            "name": "customers",
            "namespace": "crm",
            "format": "ICEBERG",
            "tableBucketArn": UNKNOWN,
            "tags": PII,
        },
        region.provider,
        deps={"tableBucketArn": [bucket]},
    )
    if table_encryption is not None:
        table.props["encryptionConfiguration"] = table_encryption
    return bucket, table


def test_a_table_without_an_encryption_of_its_own_takes_its_buckets_key() -> None:
    region = eu_region()
    bucket, table = _lake(region, None)
    assert _on([*region.resources, bucket, table], table) == ""


def test_a_table_that_sets_s3_managed_keys_in_a_pii_table_bucket_is_blocked() -> None:
    region = eu_region()
    bucket, table = _lake(region, {"sseAlgorithm": "AES256"})
    found = _on([*region.resources, bucket, table], table)
    assert "encryptionConfiguration.kmsKeyArn" in found, found
