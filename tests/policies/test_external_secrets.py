"""The External Secrets Operator copies parameters and secrets into the cluster: an ExternalSecret's Secret
holds what the parameter it names holds, and the pods that mount that Secret read it; a SecretStore reads in
its provider's region and account, and a PushSecret writes a Kubernetes Secret into its stores. Each test
is the compliant baseline (an in-region Parameter Store SecretStore, read with a role of the stack, and an
ExternalSecret of a non-PII parameter mounted by a Deployment) and one change. The baseline must also pass
once deployed, when the role's ARN and the parameter's name are known.

The last tests hold the ExternalSecret's copy to where it lands (its cluster, never its store's place), its
literal keys to what its store can read (only an AWS store of the key's service, in its region and account,
reads the stack's parameters and secrets), and what it pulls from a place the stack does not declare to the
classification it declares for what it creates (internal, public or anonymised pass; a source the stack
declares keeps its own).

Field names follow external-secrets.io/latest/api/spec/ (ExternalSecret, SecretStore, PushSecret).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.operator_objects import custom_resource, kubernetes_elsewhere
from tests.policies.policy_harness import RULES, UNKNOWN, Res, aws_provider, messages, run_pack, violations

NO_PII = "no-pii-replication"
ANONYMISED_ONLY = "anonymised-only-replication"
ESO = "external-secrets.io/v1"
ESO_BETA = "external-secrets.io/v1beta1"


def _role(region: Region) -> Res:
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "pods.eks.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    return Res(
        "aws:iam/role:Role",
        "eso-reader",
        {"name": "eso-reader", "assumeRolePolicy": json.dumps(trust)},
        region.provider,
    )


def _parameter(region: Region, name: str, classification: str) -> Res:
    return Res(
        "aws:ssm/parameter:Parameter",
        f"parameter{name.replace('/', '-')}",
        {"name": name, "type": "String", "value": "x", "tags": {"data-classification": classification}},
        region.provider,
    )


def _store(
    region: Region | Res,
    role: Res,
    store_region: str = "eu-west-1",
    kind: str = "SecretStore",
    **provider: Any,
) -> Res:
    spec = {
        "provider": provider
        or {"aws": {"service": "ParameterStore", "region": store_region, "role": UNKNOWN}}
    }
    return custom_resource(
        region,
        ESO,
        kind,
        "aws-eu",
        spec,
        namespace=None if kind == "ClusterSecretStore" else "app",
        deps={"spec": [role]} if not provider else {},
    )


def _external_secret(
    region: Region | Res, key: Any, source: Res | None, version: str = ESO, store_kind: str = "SecretStore"
) -> Res:
    return custom_resource(
        region,
        version,
        "ExternalSecret",
        "app-config-sync",
        {
            "refreshInterval": "1h",
            "secretStoreRef": {"name": "aws-eu", "kind": store_kind},
            "target": {"name": "app-config", "creationPolicy": "Owner"},
            "data": [{"secretKey": "value", "remoteRef": {"key": key}}],
        },
        deps={"spec": [source]} if source is not None else {},
    )


def _deployment(region: Region, env: list[dict[str, str]]) -> Res:
    return Res(
        "kubernetes:apps/v1:Deployment",
        "web",
        {
            "metadata": {"name": "web", "namespace": "app"},
            "spec": {
                "selector": {"matchLabels": {"app": "web"}},
                "template": {
                    "metadata": {"labels": {"app": "web"}},
                    "spec": {
                        "containers": [
                            {
                                "name": "web",
                                "image": "example/web:1.0",
                                "envFrom": [{"secretRef": {"name": "app-config"}}],
                                "env": env,
                            }
                        ]
                    },
                },
            },
        },
        region.kubernetes,
    )


OUTSIDE_EXPORTER = [{"name": "OTEL_EXPORTER_OTLP_ENDPOINT", "value": "https://otlp.example-saas.com"}]


def _stack(
    classification: str = "internal", env: list[dict[str, str]] | None = None
) -> tuple[Region, list[Res], Res, Res]:
    region = eu_region()
    role = _role(region)
    parameter = _parameter(region, "/app/config", classification)
    store = _store(region, role)
    secret = _external_secret(region, UNKNOWN, parameter)
    deployment = _deployment(region, env if env is not None else OUTSIDE_EXPORTER)
    return region, [*region.resources, role, parameter, store, secret, deployment], secret, deployment


def test_an_in_region_store_and_an_external_secret_of_a_non_pii_parameter_break_no_rule() -> None:
    _, resources, _, _ = _stack()
    judged = {r.urn for r in resources[-5:]}
    found = [
        d for d in run_pack(resources) if d.level == "mandatory" and d.policy in RULES and d.urn in judged
    ]
    assert found == [], messages(found)


def test_an_external_secret_named_by_a_literal_key_of_a_non_pii_parameter_breaks_no_rule() -> None:
    region, resources, secret, _ = _stack()
    resources.remove(secret)
    resources.append(_external_secret(region, "/app/config", None, version=ESO_BETA))
    assert violations(resources, NO_PII) == []
    assert violations(resources, ANONYMISED_ONLY) == []


def test_pods_mounting_an_external_secret_of_a_pii_parameter_read_personal_data() -> None:
    _, resources, _, deployment = _stack("pii")
    message = _blocked(resources, deployment)
    assert (
        "personal data" in message and "aws:ssm/parameter:Parameter 'parameter-app-config' (pii)" in message
    )


def test_pods_mounting_the_rds_managed_master_secret_read_the_pii_database() -> None:
    region, resources, secret, deployment = _stack()
    resources.remove(secret)
    resources.append(_external_secret(region, UNKNOWN, region.database))
    assert "pii-db" in _blocked(resources, deployment)


def test_pods_mounting_an_external_secret_of_a_pii_parameter_in_region_stay() -> None:
    _, resources, _, _ = _stack(
        "pii", env=[{"name": "OTEL_EXPORTER_OTLP_ENDPOINT", "value": "http://collector.telemetry.svc:4317"}]
    )
    assert violations(resources, NO_PII) == []


def test_an_external_secret_copying_a_pii_parameter_into_a_cluster_in_another_region_is_blocked() -> None:
    region, resources, _, _ = _stack("pii")
    elsewhere = kubernetes_elsewhere()
    parameter = next(r for r in resources if r.type == "aws:ssm/parameter:Parameter")
    store = _store(elsewhere, resources[len(region.resources)])
    copied = _external_secret(elsewhere, UNKNOWN, parameter)
    store.name, copied.name = "secretstore-virginia", "externalsecret-virginia"
    assert "personal data" in _blocked([*resources, store, copied], copied)


def test_an_external_secret_through_a_store_in_another_region_moves_data() -> None:
    _, resources, secret, _ = _stack()
    store = next(r for r in resources if r.type.endswith(":SecretStore"))
    store.props["spec"]["provider"]["aws"]["region"] = "us-east-1"
    assert "us-east-1" in _blocked(resources, secret, ANONYMISED_ONLY)


def test_an_external_secret_through_a_store_of_another_account_is_blocked() -> None:
    _, resources, secret, _ = _stack()
    store = next(r for r in resources if r.type.endswith(":SecretStore"))
    store.props["spec"]["provider"]["aws"]["role"] = "arn:aws:iam::999988887777:role/reader"
    store.deps = {}
    assert "999988887777" in _blocked(resources, secret, ANONYMISED_ONLY)


def test_a_store_whose_role_chain_ends_in_another_account_is_that_accounts() -> None:
    # Reviewer blind-k8s12 l17: `additionalRoles` are assumed in order before `role`; with `role` unset the
    # last of them is the identity the store reads and writes as.
    _, resources, secret, _ = _stack()
    store = next(r for r in resources if r.type.endswith(":SecretStore"))
    store.props["spec"]["provider"]["aws"].pop("role", None)
    store.props["spec"]["provider"]["aws"]["additionalRoles"] = [
        "arn:aws:iam::123456789012:role/hop",
        "arn:aws:iam::999988887777:role/writer",
    ]
    store.deps = {}
    assert "999988887777" in _blocked(resources, secret, ANONYMISED_ONLY)


def test_an_external_secret_from_a_store_outside_aws_is_blocked() -> None:
    _, resources, secret, _ = _stack()
    store = next(r for r in resources if r.type.endswith(":SecretStore"))
    store.props["spec"]["provider"] = {"vault": {"server": "https://vault.example.net", "path": "secret"}}
    store.deps = {}
    assert "outside AWS" in _blocked(resources, secret, ANONYMISED_ONLY)


def test_an_external_secret_of_a_store_the_stack_does_not_declare_is_blocked() -> None:
    _, resources, secret, _ = _stack()
    resources.remove(next(r for r in resources if r.type.endswith(":SecretStore")))
    assert "does not declare" in _blocked(resources, secret, ANONYMISED_ONLY)


def _push(region: Region, secret_name: str, store: str = "aws-us") -> Res:
    return custom_resource(
        region,
        "external-secrets.io/v1alpha1",
        "PushSecret",
        "push-config",
        {
            "refreshInterval": "1h",
            "secretStoreRefs": [{"name": store, "kind": "SecretStore"}],
            "selector": {"secret": {"name": secret_name}},
            "data": [{"match": {"secretKey": "value", "remoteRef": {"remoteKey": "/mirror/config"}}}],
        },
    )


def _us_store(region: Region) -> Res:
    spec = {"provider": {"aws": {"service": "ParameterStore", "region": "us-east-1"}}}
    return custom_resource(region, ESO, "SecretStore", "aws-us", spec)


@pytest.mark.parametrize("origin", ["a labelled Secret", "an ExternalSecret of a PII parameter"])
def test_a_push_secret_of_pii_to_a_store_in_another_region_is_blocked(origin: str) -> None:
    region, resources, _, _ = _stack("pii")
    if origin == "a labelled Secret":
        secret = Res(
            "kubernetes:core/v1:Secret",
            "customers-token",
            {
                "metadata": {
                    "name": "customers-token",
                    "namespace": "app",
                    "labels": {"data-classification": "pii"},
                }
            },
            region.kubernetes,
        )
        resources.append(secret)
        name = "customers-token"
    else:
        name = "app-config"
    push = _push(region, name)
    assert "personal data" in _blocked([*resources, _us_store(region), push], push)


def test_a_push_secret_of_a_non_pii_secret_in_region_stays() -> None:
    region, resources, _, _ = _stack()
    push = _push(region, "app-config", store="aws-eu")
    assert violations([*resources, push], NO_PII) == []
    assert violations([*resources, push], ANONYMISED_ONLY) == []


def _blocked(resources: list[Res], resource: Res, policy: str = NO_PII) -> str:
    found = violations(resources, policy)
    assert resource.urn in [d.urn for d in found], messages(found)
    return next(d.message for d in found if d.urn == resource.urn)


@pytest.mark.parametrize(("store_region", "blocked"), [("eu-west-1", False), ("us-east-1", True)])
def test_a_cluster_external_secret_reads_through_its_cluster_store_in_its_region(
    store_region: str, blocked: bool
) -> None:
    region, resources, _, _ = _stack()
    role = resources[len(region.resources)]
    store = _store(region, role, store_region, kind="ClusterSecretStore")
    store.name = "clustersecretstore-aws"
    cluster_secret = custom_resource(
        region,
        ESO,
        "ClusterExternalSecret",
        "shared-config",
        {
            "namespaceSelectors": [{"matchLabels": {"shared-config": "true"}}],
            "externalSecretSpec": {
                "secretStoreRef": {"name": "aws-eu", "kind": "ClusterSecretStore"},
                "target": {"name": "shared-config"},
                "data": [{"secretKey": "value", "remoteRef": {"key": "/shared/config"}}],
            },
        },
        namespace=None,
    )
    found = violations([*resources, store, cluster_secret], ANONYMISED_ONLY)
    assert (cluster_secret.urn in [d.urn for d in found]) is blocked, messages(found)


def test_an_external_secret_entry_read_through_another_store_in_another_region_moves_data() -> None:
    region, resources, secret, _ = _stack()
    us_store = _us_store(region)
    secret.props["spec"]["data"].append(
        {
            "secretKey": "mirror",
            "remoteRef": {"key": "/mirror/config"},
            "sourceRef": {"storeRef": {"name": "aws-us", "kind": "SecretStore"}},
        }
    )
    assert "us-east-1" in _blocked([*resources, us_store], secret, ANONYMISED_ONLY)


@pytest.mark.parametrize(("account", "blocked"), [("123456789012", False), ("999988887777", True)])
def test_an_external_secret_through_a_store_authenticated_as_a_service_account_reads_in_its_roles_account(
    account: str, blocked: bool
) -> None:
    region, resources, secret, _ = _stack()
    store = next(r for r in resources if r.type.endswith(":SecretStore"))
    store.props["spec"]["provider"]["aws"] = {
        "service": "ParameterStore",
        "region": "eu-west-1",
        "auth": {"jwt": {"serviceAccountRef": {"name": "eso-reader"}}},
    }
    store.deps = {}
    service_account = Res(
        "kubernetes:core/v1:ServiceAccount",
        "eso-reader",
        {
            "metadata": {
                "name": "eso-reader",
                "namespace": "app",
                "annotations": {"eks.amazonaws.com/role-arn": f"arn:aws:iam::{account}:role/eso-reader"},
            }
        },
        region.kubernetes,
    )
    found = violations([*resources, service_account], ANONYMISED_ONLY)
    assert (secret.urn in [d.urn for d in found]) is blocked, messages(found)


@pytest.mark.parametrize(("store_region", "blocked"), [("eu-west-1", False), ("us-east-1", True)])
def test_a_cluster_push_secret_of_a_pii_secret_copies_it_into_its_store(
    store_region: str, blocked: bool
) -> None:
    region, resources, _, _ = _stack("pii")
    store = _store(region, resources[len(region.resources)], store_region, kind="ClusterSecretStore")
    store.name = "clustersecretstore-aws"
    push = custom_resource(
        region,
        "external-secrets.io/v1alpha1",
        "ClusterPushSecret",
        "mirror-config",
        {
            "namespaceSelectors": [{"matchLabels": {"mirror": "true"}}],
            "pushSecretName": "mirror-config",
            "pushSecretSpec": {
                "secretStoreRefs": [{"name": "aws-eu", "kind": "ClusterSecretStore"}],
                "selector": {"secret": {"name": "app-config"}},
                "data": [{"match": {"secretKey": "value", "remoteRef": {"remoteKey": "/mirror/config"}}}],
            },
        },
        namespace=None,
    )
    found = violations([*resources, store, push], NO_PII)
    assert (push.urn in [d.urn for d in found]) is blocked, messages(found)


# Where an ExternalSecret's copy lands, what its keys name, and what it may pull in -----------------------

VAULT = {"vault": {"server": "https://vault.example.net", "path": "secret", "version": "v2"}}
OTHER_ACCOUNT_ROLE = "arn:aws:iam::999988887777:role/reader"


def _store_of(resources: list[Res]) -> Res:
    return next(r for r in resources if r.type.endswith(":SecretStore"))


def _provider(resources: list[Res], provider: dict[str, Any]) -> None:
    """Point the baseline's store at another provider (its role dependency goes with the old one)."""
    store = _store_of(resources)
    store.props["spec"]["provider"] = provider
    store.deps = {}


def _literal(region: Region, resources: list[Res], secret: Res, key: str = "/app/config") -> Res:
    """The baseline's ExternalSecret naming its key by a literal, computed from nothing."""
    resources.remove(secret)
    literal = _external_secret(region, key, None)
    resources.append(literal)
    return literal


def _labelled(secret: Res, classification: str, where: str = "metadata") -> None:
    """Label what an ExternalSecret creates: on itself, or on its target's template."""
    if where == "metadata":
        secret.props["metadata"]["labels"] = {"data-classification": classification}
    else:
        secret.props["spec"]["target"]["template"] = {
            "metadata": {"labels": {"data-classification": classification}}
        }


def test_an_external_secret_from_a_store_outside_aws_lands_in_its_clusters_account() -> None:
    _, resources, secret, _ = _stack()
    _provider(resources, VAULT)
    message = _blocked(resources, secret, ANONYMISED_ONLY)
    # The Secret it creates is in its cluster (eu-west-1, this deployment's account); only its source is not.
    assert "to eu-west-1" in message and "from a place outside AWS" in message, message
    assert "into an account that cannot be traced" not in message, message


def test_a_push_secret_of_a_secret_pulled_from_outside_aws_into_an_in_region_store_stays() -> None:
    region, resources, _, _ = _stack()
    _provider(resources, VAULT)
    in_region = _us_store(region)
    in_region.props["spec"]["provider"]["aws"]["region"] = "eu-west-1"
    # The Secret the ExternalSecret created is in the cluster: the push copies it within eu-west-1.
    push = _push(region, "app-config")
    found = violations([*resources, in_region, push], ANONYMISED_ONLY)
    assert push.urn not in [d.urn for d in found], messages(found)


@pytest.mark.parametrize(
    ("provider", "parameter_type", "pii"),
    [
        (VAULT, "aws:ssm/parameter:Parameter", False),
        ({"gcpsm": {"projectID": "customers-eu"}}, "aws:ssm/parameter:Parameter", False),
        (
            {"webhook": {"url": "https://hooks.example.net/{{ .remoteRef.key }}"}},
            "aws:ssm/parameter:Parameter",
            False,
        ),
        ({"fake": {"data": [{"key": "/app/config", "value": "x"}]}}, "aws:ssm/parameter:Parameter", False),
        ({"aws": {"service": "SecretsManager", "region": "eu-west-1"}}, "aws:ssm/parameter:Parameter", False),
        (
            {"aws": {"service": "ParameterStore", "region": "eu-west-1"}},
            "aws:secretsmanager/secret:Secret",
            False,
        ),
        (
            {"aws": {"service": "ParameterStore", "region": "eu-west-1", "role": OTHER_ACCOUNT_ROLE}},
            "aws:ssm/parameter:Parameter",
            False,
        ),
        ({"aws": {"service": "ParameterStore", "region": "eu-west-1"}}, "aws:ssm/parameter:Parameter", True),
        (
            {"aws": {"service": "SecretsManager", "region": "eu-west-1"}},
            "aws:secretsmanager/secret:Secret",
            True,
        ),
    ],
    ids=[
        "vault",
        "google-secret-manager",
        "webhook",
        "fake",
        "secrets-manager-store-parameter",
        "parameter-store-secret",
        "another-accounts-parameter-store",
        "parameter-store-parameter",
        "secrets-manager-secret",
    ],
)
def test_a_literal_key_names_the_stacks_secret_only_through_an_aws_store_of_its_service_and_place(
    provider: dict[str, Any], parameter_type: str, pii: bool
) -> None:
    region, resources, secret, deployment = _stack("pii")
    held = next(r for r in resources if r.type == "aws:ssm/parameter:Parameter")
    held.type = parameter_type
    _provider(resources, provider)
    _literal(region, resources, secret)
    # The Deployment mounts the Secret and exports to a SaaS: it sends personal data only if the key is it.
    found = violations(resources, NO_PII)
    assert (deployment.urn in [d.urn for d in found]) is pii, messages(found)


_ELSEWHERE_STORES = {
    "vault": VAULT,
    "secrets-manager-of-another-account": {
        "aws": {"service": "SecretsManager", "region": "eu-west-1", "role": OTHER_ACCOUNT_ROLE}
    },
    "parameter-store-of-another-region": {"aws": {"service": "ParameterStore", "region": "us-east-1"}},
}


@pytest.mark.parametrize("store", sorted(_ELSEWHERE_STORES))
@pytest.mark.parametrize(
    ("classification", "where", "blocked"),
    [
        (None, "metadata", True),
        ("internal", "metadata", False),
        ("public", "metadata", False),
        ("anonymised", "metadata", False),
        ("internal", "template", False),
        ("pii", "metadata", True),
        ("telemetry", "template", True),
    ],
)
def test_an_external_secret_pulling_from_a_place_the_stack_does_not_declare_is_judged_by_its_label(
    store: str, classification: str | None, where: str, blocked: bool
) -> None:
    region, resources, secret, _ = _stack()
    _provider(resources, _ELSEWHERE_STORES[store])
    pulled = _literal(region, resources, secret, "ci/deploy-token")
    if classification is not None:
        _labelled(pulled, classification, where)
    found = violations(resources, ANONYMISED_ONLY)
    assert (pulled.urn in [d.urn for d in found]) is blocked, messages(found)
    if blocked:
        message = next(d.message for d in found if d.urn == pulled.urn)
        assert "data-classification: internal" in message and "in the stack's region and account" in message
        judged = f"{classification}, as the copy declares" if classification else "the copy declares nothing"
        assert judged in message, message


def test_a_label_never_relaxes_a_source_the_stack_declares() -> None:
    # The stack's PII parameter, pulled through a store outside AWS: lineage wins over the label.
    _, resources, secret, _ = _stack("pii")
    _provider(resources, VAULT)
    _labelled(secret, "internal")
    assert "personal data" in _blocked(resources, secret, NO_PII)
    assert secret.urn in [d.urn for d in violations(resources, ANONYMISED_ONLY)]


def test_a_label_does_not_relax_a_stack_parameter_pulled_through_a_store_in_another_region() -> None:
    _, resources, secret, _ = _stack()
    store = _store_of(resources)
    store.props["spec"]["provider"]["aws"]["region"] = "us-east-1"
    _labelled(secret, "internal")
    assert secret.urn in [d.urn for d in violations(resources, ANONYMISED_ONLY)]


def test_a_label_does_not_relax_a_pull_into_a_cluster_outside_the_jurisdiction() -> None:
    region, resources, _, _ = _stack()
    _provider(resources, VAULT)
    elsewhere = kubernetes_elsewhere()
    store = _store(elsewhere, resources[len(region.resources)], vault=VAULT["vault"])
    pulled = _external_secret(elsewhere, "ci/deploy-token", None)
    store.name, pulled.name = "secretstore-virginia", "externalsecret-virginia"
    _labelled(pulled, "internal")
    assert pulled.urn in [d.urn for d in violations([*resources, store, pulled], ANONYMISED_ONLY)]


def test_a_push_secret_of_a_labelled_pull_is_judged_as_any_push() -> None:
    region, resources, secret, _ = _stack()
    _provider(resources, VAULT)
    pulled = _literal(region, resources, secret, "ci/deploy-token")
    _labelled(pulled, "internal")
    push = _push(region, "app-config")
    # Outbound, into another region: internal data may not cross, whatever the pull's label allowed in.
    assert "us-east-1" in _blocked([*resources, _us_store(region), push], push, ANONYMISED_ONLY)


def test_a_literal_key_of_a_store_outside_aws_is_its_own_beside_a_template_computed_from_the_stack() -> None:
    # The template names the database's host (a dependency of the spec); the key is a path in Vault.
    region, resources, secret, deployment = _stack()
    _provider(resources, VAULT)
    pulled = _literal(region, resources, secret, "ci/deploy-token")
    pulled.props["spec"]["target"]["template"] = {"data": {"host": UNKNOWN, "token": "{{ .value }}"}}
    pulled.deps = {"spec": [region.database]}
    found = violations(resources, NO_PII)
    assert not {pulled.urn, deployment.urn} & {d.urn for d in found}, messages(found)


@pytest.mark.parametrize(("classification", "blocked"), [("internal", False), (None, True)])
def test_a_cluster_external_secret_pulling_from_vault_is_judged_by_its_templates_label(
    classification: str | None, blocked: bool
) -> None:
    region, resources, _, _ = _stack()
    store = _store(region, resources[len(region.resources)], kind="ClusterSecretStore", vault=VAULT["vault"])
    store.name = "clustersecretstore-vault"
    target: dict[str, Any] = {"name": "shared-token"}
    if classification is not None:
        target["template"] = {"metadata": {"labels": {"data-classification": classification}}}
    pulled = custom_resource(
        region,
        ESO,
        "ClusterExternalSecret",
        "shared-token",
        {
            "namespaceSelectors": [{"matchLabels": {"shared-token": "true"}}],
            "externalSecretSpec": {
                "secretStoreRef": {"name": "aws-eu", "kind": "ClusterSecretStore"},
                "target": target,
                "data": [{"secretKey": "token", "remoteRef": {"key": "ci/deploy-token"}}],
            },
        },
        namespace=None,
    )
    found = violations([*resources, store, pulled], ANONYMISED_ONLY)
    assert (pulled.urn in [d.urn for d in found]) is blocked, messages(found)


@pytest.mark.preview_only("a label computed from another resource is unknown only at a first preview")
def test_a_label_unknown_at_preview_does_not_let_a_pull_pass() -> None:
    region, resources, secret, _ = _stack()
    _provider(resources, VAULT)
    pulled = _literal(region, resources, secret, "ci/deploy-token")
    pulled.props["spec"]["target"]["template"] = {"metadata": {"labels": {"data-classification": UNKNOWN}}}
    pulled.props["metadata"]["labels"] = {"data-classification": "internal"}
    assert pulled.urn in [d.urn for d in violations(resources, ANONYMISED_ONLY)]


@pytest.mark.parametrize("unknown", ["account", "region"])
def test_a_literal_key_names_the_stacks_parameter_whose_place_cannot_be_traced(unknown: str) -> None:
    # The parameter's provider does not say its account (a named profile) or region: it may be the store's.
    region, resources, secret, deployment = _stack("pii")
    held = next(r for r in resources if r.type == "aws:ssm/parameter:Parameter")
    held.provider = aws_provider("partner", None if unknown == "region" else "eu-west-1")
    if unknown == "account":
        held.provider.props["profile"] = "partner"
    resources.insert(0, held.provider)
    _literal(region, resources, secret)
    found = violations(resources, NO_PII)
    assert deployment.urn in [d.urn for d in found], messages(found)
