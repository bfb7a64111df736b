"""Code that reads a parameter or a secret reads what its value names: a database's address or ARN kept in
an SSM parameter or a Secrets Manager secret's version is read by the code configured with the parameter
(`mechanisms.CONFIGURATION_VALUES`), whatever the parameter's own label says."""

from __future__ import annotations

import pytest

from residency_facts.mechanisms import CONFIGURATION_PARENTS, CONFIGURATION_VALUES
from tests.policies.baseline import Region, eu_region
from tests.policies.copies import mumbai
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations
from tests.policies.sdk_schema import input_schema, missing_step

NO_PII = "no-pii-replication"
INTERNAL = {"data-classification": "internal"}


def _parameter_of_the_database(region: Region) -> Res:
    """An SSM parameter, labelled internal, holding the PII database's address."""
    return Res(
        "aws:ssm/parameter:Parameter",
        "db-host",
        {"name": "/app/db-host", "type": "String", "value": UNKNOWN, "tags": INTERNAL},
        region.provider,
        deps={"value": [region.database]},
    )


def _secret_of_the_database(region: Region) -> list[Res]:
    """A secret, labelled internal, whose version holds a connection string to the PII database."""
    secret = Res(
        "aws:secretsmanager/secret:Secret",
        "db-conn",
        {"name": "db-conn", "kmsKeyId": UNKNOWN, "tags": INTERNAL},
        region.provider,
        deps={"kmsKeyId": [region.key]},
    )
    version = Res(
        "aws:secretsmanager/secretVersion:SecretVersion",
        "db-conn-v1",
        {"secretId": UNKNOWN, "secretString": UNKNOWN},
        region.provider,
        deps={"secretId": [secret], "secretString": [region.database]},
    )
    return [secret, version]


def _function_reading(configuration: Res, provider: Res) -> Res:
    """A Lambda function given only the configuration's ARN."""
    return Res(
        "aws:lambda/function:Function",
        "exporter",
        {
            "runtime": "python3.12",
            "handler": "export.handler",
            "role": "arn:aws:iam::123456789012:role/export",
            "environment": {"variables": {"CONFIG_ARN": UNKNOWN}},
        },
        provider,
        deps={"environment": [configuration]},
    )


def test_code_in_another_region_reading_a_parameter_that_names_the_pii_database_copies_it_there() -> None:
    region = eu_region()
    parameter = _parameter_of_the_database(region)
    function = _function_reading(parameter, mumbai())
    found = violations([*region.resources, parameter, function], NO_PII)
    assert [d.urn for d in found] == [function.urn], messages(found)
    assert "'pii-db' (pii)" in found[0].message


def test_code_in_another_region_reading_a_secret_whose_version_names_the_pii_database_copies_it() -> None:
    region = eu_region()
    secret, version = _secret_of_the_database(region)
    function = _function_reading(secret, mumbai())
    found = violations([*region.resources, secret, version, function], NO_PII)
    assert [d.urn for d in found] == [function.urn], messages(found)
    assert "'pii-db' (pii)" in found[0].message


@pytest.mark.parametrize("where", ["parameter", "secret"])
def test_code_in_region_reading_configuration_that_names_the_pii_database_passes(where: str) -> None:
    region = eu_region()
    configuration = (
        [_parameter_of_the_database(region)] if where == "parameter" else _secret_of_the_database(region)
    )
    function = _function_reading(configuration[0], region.provider)
    assert violations([*region.resources, *configuration, function], NO_PII) == []


@pytest.mark.mode_independent
def test_every_configuration_path_names_an_input_the_sdk_defines() -> None:
    paths = [(token, path) for token, values in CONFIGURATION_VALUES.items() for path in values]
    paths += [(child, path) for child, path in CONFIGURATION_PARENTS.values()]
    assert all(child in CONFIGURATION_VALUES for child, _ in CONFIGURATION_PARENTS.values())
    missing = {(token, path): missing_step(input_schema(token), path) for token, path in paths}
    assert {where: step for where, step in missing.items() if step} == {}
