"""A workload acts in the account of the AWS credentials its own configuration gives the SDKs.

An AWS SDK's default chain reads the environment (AWS_ROLE_ARN with AWS_WEB_IDENTITY_TOKEN_FILE, static
keys AWS_ACCESS_KEY_ID, a container credential endpoint AWS_CONTAINER_CREDENTIALS_FULL_URI) and the shared
config files (a profile's `role_arn`, `aws_access_key_id`, `credential_process`) before the container
credentials IRSA or Pod Identity provide (docs.aws.amazon.com/sdkref/latest/guide/
standardized-credentials.html). A pod that reads PII and sets another account's role itself (IRSA without
the annotation, with a projected service account token of audience sts.amazonaws.com) writes into that
account. Each test is the compliant baseline plus a PII CronJob (given the database's address) whose
container's configuration changes in one place.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import OTHER_ACCOUNT, PII
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations

NO_PII = "no-pii-replication"
ANONYMISED_ONLY = "anonymised-only-replication"
OWN_ROLE = "arn:aws:iam::123456789012:role/customers-export"
PARTNER_ROLE = f"arn:aws:iam::{OTHER_ACCOUNT}:role/partner-ingest"
TOKEN_FILE = {"name": "AWS_WEB_IDENTITY_TOKEN_FILE", "value": "/var/run/secrets/sts/token"}


def _export(
    region: Region,
    env: list[dict[str, Any]],
    labels: dict[str, str] | None = None,
    deps: list[Res] | None = None,
    **pod: Any,
) -> Res:
    """A CronJob in namespace app whose container reads the PII database, with these extra variables."""
    container = {
        "name": "export",
        "image": "example/partner-export:1.1",
        "env": [{"name": "PGHOST", "value": UNKNOWN}, *env],
        "volumeMounts": [{"name": "sts", "mountPath": "/var/run/secrets/sts"}],
    }
    token = {
        "serviceAccountToken": {"audience": "sts.amazonaws.com", "expirationSeconds": 3600, "path": "token"}
    }
    spec = {
        "restartPolicy": "OnFailure",
        "containers": [container],
        "volumes": [{"name": "sts", "projected": {"sources": [token]}}],
        **pod,
    }
    template = {"metadata": {"labels": dict(labels or PII)}, "spec": spec}
    return Res(
        "kubernetes:batch/v1:CronJob",
        "partner-export",
        {
            "metadata": {"name": "partner-export", "namespace": "app", "labels": dict(labels or PII)},
            "spec": {"schedule": "0 2 * * *", "jobTemplate": {"spec": {"template": template}}},
        },
        region.kubernetes,
        deps={"spec": [region.database, *(deps or [])]},
    )


def _own(found: list[Any], resource: Res) -> list[Any]:
    return [d for d in found if d.urn == resource.urn]


@pytest.mark.parametrize(
    ("role", "shared"), [(OWN_ROLE, False), (PARTNER_ROLE, True)], ids=["own", "partner"]
)
@pytest.mark.parametrize("rule", [NO_PII, ANONYMISED_ONLY])
def test_a_pod_that_sets_another_accounts_role_itself_shares_what_it_reads(
    role: str, shared: bool, rule: str
) -> None:
    region = eu_region()
    export = _export(region, [{"name": "AWS_ROLE_ARN", "value": role}, TOKEN_FILE])
    found = _own(violations([*region.resources, export], rule), export)
    assert bool(found) is shared, messages(violations([*region.resources, export], rule))
    if shared:
        assert "AWS_ROLE_ARN" in found[0].message and OTHER_ACCOUNT in found[0].message


def test_another_accounts_role_on_a_pod_that_reads_no_resident_data_shares_nothing() -> None:
    region = eu_region()
    export = Res(
        "kubernetes:batch/v1:Job",
        "report",
        {
            "metadata": {
                "name": "report",
                "namespace": "app",
                "labels": {"data-classification": "anonymised"},
            },
            "spec": {
                "template": {
                    "spec": {
                        "restartPolicy": "Never",
                        "containers": [
                            {
                                "name": "report",
                                "image": "example/report:1.0",
                                "env": [{"name": "AWS_ROLE_ARN", "value": PARTNER_ROLE}, TOKEN_FILE],
                            }
                        ],
                    }
                }
            },
        },
        region.kubernetes,
    )
    assert _own(violations([*region.resources, export], ANONYMISED_ONLY), export) == []


def test_a_role_computed_from_the_stacks_own_role_stays_in_the_deployment() -> None:
    region = eu_region()
    role = Res("aws:iam/role:Role", "export", {"name": "export", "assumeRolePolicy": "{}"}, region.provider)
    export = _export(region, [{"name": "AWS_ROLE_ARN", "value": UNKNOWN}, TOKEN_FILE], deps=[role])
    assert _own(violations([*region.resources, role, export], NO_PII), export) == []


def _secret(region: Region, name: str, data: dict[str, Any], deps: list[Res] | None = None) -> Res:
    return Res(
        "kubernetes:core/v1:Secret",
        name,
        {"metadata": {"name": name, "namespace": "app"}, "stringData": data},
        region.kubernetes,
        deps={"stringData": deps or []},
    )


STATIC_KEYS = [
    {"name": "AWS_ACCESS_KEY_ID", "valueFrom": {"secretKeyRef": {"name": "aws-keys", "key": "id"}}},
    {"name": "AWS_SECRET_ACCESS_KEY", "valueFrom": {"secretKeyRef": {"name": "aws-keys", "key": "secret"}}},
]


def test_static_keys_of_an_account_the_pack_cannot_trace_fail_closed() -> None:
    region = eu_region()
    keys = _secret(region, "aws-keys", {"id": "AKIAEXAMPLEEXAMPLE00", "secret": "example"})
    export = _export(region, STATIC_KEYS)
    found = _own(violations([*region.resources, keys, export], NO_PII), export)
    assert found and "an untraceable account" in found[0].message, messages(found)
    assert "AWS_ACCESS_KEY_ID" in found[0].message


def test_static_keys_of_the_stacks_own_access_key_stay_in_the_deployment() -> None:
    region = eu_region()
    user = Res("aws:iam/user:User", "exporter", {"name": "exporter"}, region.provider)
    access_key = Res(
        "aws:iam/accessKey:AccessKey", "exporter", {"user": UNKNOWN}, region.provider, deps={"user": [user]}
    )
    keys = _secret(region, "aws-keys", {"id": UNKNOWN, "secret": UNKNOWN}, [access_key])
    export = _export(region, STATIC_KEYS)
    assert _own(violations([*region.resources, user, access_key, keys, export], NO_PII), export) == []


SHARED_CONFIGS = {
    "a profile's role": f"[default]\nrole_arn = {PARTNER_ROLE}\n"
    "web_identity_token_file = /var/run/secrets/sts/token\n",
    "a profile's static key": "[default]\naws_access_key_id = AKIAEXAMPLEEXAMPLE00\n"
    "aws_secret_access_key = x\n",
    "a credential process": "[profile partner]\ncredential_process = /usr/local/bin/fetch-creds --partner\n",
}


@pytest.mark.parametrize("text", SHARED_CONFIGS.values(), ids=SHARED_CONFIGS.keys())
def test_a_shared_config_file_the_pod_mounts_gives_it_credentials_of_its_account(text: str) -> None:
    region = eu_region()
    config = Res(
        "kubernetes:core/v1:ConfigMap",
        "aws-config",
        {"metadata": {"name": "aws-config", "namespace": "app"}, "data": {"config": text}},
        region.kubernetes,
    )
    export = _export(
        region,
        [{"name": "AWS_CONFIG_FILE", "value": "/etc/aws/config"}],
        volumes=[{"name": "aws", "configMap": {"name": "aws-config"}}],
    )
    found = _own(violations([*region.resources, config, export], NO_PII), export)
    assert found and "shared configuration" in found[0].message, messages(found)


def test_variables_taken_from_a_config_map_name_the_role_too() -> None:
    region = eu_region()
    config = Res(
        "kubernetes:core/v1:ConfigMap",
        "aws-env",
        {"metadata": {"name": "aws-env", "namespace": "app"}, "data": {"AWS_ROLE_ARN": PARTNER_ROLE}},
        region.kubernetes,
    )
    export = _export(region, [TOKEN_FILE])
    export.props["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["envFrom"] = [
        {"configMapRef": {"name": "aws-env"}}
    ]
    found = _own(violations([*region.resources, config, export], NO_PII), export)
    assert found and OTHER_ACCOUNT in found[0].message, messages(found)


@pytest.mark.parametrize(
    ("uri", "shared"),
    [
        ("http://169.254.170.23/v1/credentials", False),
        ("http://creds.partner-example.net/v1/credentials", True),
    ],
    ids=["pod-identity-agent", "another-server"],
)
def test_a_container_credential_endpoint_other_than_pod_identitys_agent_fails_closed(
    uri: str, shared: bool
) -> None:
    region = eu_region()
    export = _export(region, [{"name": "AWS_CONTAINER_CREDENTIALS_FULL_URI", "value": uri}])
    found = _own(violations([*region.resources, export], NO_PII), export)
    assert bool(found) is shared, messages(found)
