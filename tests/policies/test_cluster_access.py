"""Access to an EKS cluster given to another account is a grant of what the cluster holds.

The aws-auth ConfigMap's `mapRoles` / `mapUsers` / `mapAccounts`, and EKS access entries and access policy
associations, map AWS principals into the cluster; one of another account, in a cluster whose objects hold
PII or telemetry, may read its Secrets and volumes.
"""

from __future__ import annotations

import json

import pytest

from tests.policies.baseline import Region, eu_region
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations
from tests.policies.test_flows import _pii_database_in_the_cluster

NO_PII = "no-pii-replication"
ANONYMISED_ONLY = "anonymised-only-replication"
NODES = "arn:aws:iam::123456789012:role/eu-nodes"
PARTNER = "arn:aws:iam::999999999999:role/partner-ops"


def _aws_auth(region: Region, role: str, groups: str = "system:masters") -> Res:
    map_roles = f"- rolearn: {role}\n  username: ops\n  groups:\n    - {groups}\n"
    return Res(
        "kubernetes:core/v1:ConfigMap",
        "aws-auth",
        {"metadata": {"name": "aws-auth", "namespace": "kube-system"}, "data": {"mapRoles": map_roles}},
        region.kubernetes,
    )


def test_aws_auth_mapping_only_the_deployments_roles_grants_nothing() -> None:
    region = eu_region()
    resources = [*region.resources, _pii_database_in_the_cluster(region), _aws_auth(region, NODES)]
    assert violations(resources, NO_PII) == []
    assert violations(resources, ANONYMISED_ONLY) == []


def test_aws_auth_mapping_another_accounts_role_into_a_pii_cluster_is_a_grant() -> None:
    region = eu_region()
    config_map = _aws_auth(region, PARTNER)
    found = violations([*region.resources, _pii_database_in_the_cluster(region), config_map], NO_PII)
    assert [d.urn for d in found] == [config_map.urn], messages(found)
    assert "the aws-auth ConfigMap maps principals of 999999999999 into a cluster that holds pii" in (
        found[0].message
    )
    assert "GDPR" in found[0].message and "accountIds" in found[0].message


def test_aws_auth_mappings_written_as_json_are_read_too() -> None:
    region = eu_region()
    config_map = _aws_auth(region, PARTNER)
    config_map.props["data"]["mapRoles"] = json.dumps(
        [{"rolearn": PARTNER, "username": "partner-ops", "groups": ["system:masters"]}]
    )
    found = violations([*region.resources, _pii_database_in_the_cluster(region), config_map], NO_PII)
    assert [d.urn for d in found] == [config_map.urn], messages(found)


def test_aws_auth_mapping_another_account_into_a_telemetry_cluster_is_a_grant_of_telemetry() -> None:
    region = eu_region()
    config_map = _aws_auth(region, PARTNER, "view")
    assert violations([*region.resources, config_map], NO_PII) == []
    found = violations([*region.resources, config_map], ANONYMISED_ONLY)
    assert [d.urn for d in found] == [config_map.urn]
    assert "holds telemetry data" in found[0].message


def _access_entry(region: Region, principal: str) -> Res:
    return Res(
        "aws:eks/accessEntry:AccessEntry",
        "ops",
        {"clusterName": UNKNOWN, "principalArn": principal, "type": "STANDARD"},
        region.provider,
        deps={"clusterName": [region.cluster]},
    )


def test_an_access_entry_for_another_accounts_role_into_a_pii_cluster_is_a_grant() -> None:
    region = eu_region()
    database = _pii_database_in_the_cluster(region)
    own = _access_entry(region, NODES)
    assert violations([*region.resources, database, own], NO_PII) == []
    partner = _access_entry(region, PARTNER)
    found = violations([*region.resources, database, partner], NO_PII)
    assert [d.urn for d in found] == [partner.urn]
    assert "it gives cluster access to a principal of 999999999999" in found[0].message


def test_an_access_policy_association_names_its_entrys_principal() -> None:
    region = eu_region()
    database = _pii_database_in_the_cluster(region)
    entry = _access_entry(region, PARTNER)
    association = Res(
        "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
        "ops-admin",
        {
            "clusterName": UNKNOWN,
            "principalArn": UNKNOWN,
            "policyArn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
            "accessScope": {"type": "cluster"},
        },
        region.provider,
        deps={"clusterName": [region.cluster], "principalArn": [entry]},
    )
    found = violations([*region.resources, database, entry, association], NO_PII)
    assert association.urn in [d.urn for d in found], messages(found)


def _database_reader(region: Region) -> Res:
    """A Deployment of the cluster whose pods read the PII database (its address in their environment)."""
    labels = {"app": "customer-api"}
    return Res(
        "kubernetes:apps/v1:Deployment",
        "customer-api",
        {
            "metadata": {"name": "customer-api", "namespace": "app"},
            "spec": {
                "selector": {"matchLabels": labels},
                "template": {
                    "metadata": {"labels": labels},
                    "spec": {
                        "containers": [
                            {
                                "name": "api",
                                "image": "example/customer-api:1.0",
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


def test_access_for_another_account_into_a_cluster_whose_pods_read_pii_is_a_grant() -> None:
    # Nothing of the cluster holds PII at rest, but its pods read the PII database: whoever may exec into
    # them or read their Secrets reads the database.
    region = eu_region()
    reader = _database_reader(region)
    assert violations([*region.resources, reader, _access_entry(region, NODES)], NO_PII) == []
    partner = _access_entry(region, PARTNER)
    found = violations([*region.resources, reader, partner], NO_PII)
    assert [d.urn for d in found] == [partner.urn], messages(found)
    assert "into a cluster whose pods read pii data (kubernetes:apps/v1:Deployment 'customer-api')" in (
        found[0].message
    )
    config_map = _aws_auth(region, PARTNER)
    assert [d.urn for d in violations([*region.resources, reader, config_map], NO_PII)] == [config_map.urn]


def test_access_into_a_cluster_whose_pods_read_no_pii_is_no_pii_grant() -> None:
    region = eu_region()
    reader = _database_reader(region)
    reader.deps = {}
    assert violations([*region.resources, reader, _access_entry(region, PARTNER)], NO_PII) == []


def _webhook(region: Region, kind: str, client_config: dict[str, object]) -> Res:
    """An admission webhook configuration on every object of the cluster, served as client_config says."""
    return Res(
        f"kubernetes:admissionregistration.k8s.io/v1:{kind}",
        "policy-saas",
        {
            "metadata": {"name": "policy-saas"},
            "webhooks": [
                {
                    "name": "objects.policy-saas.example.com",
                    "admissionReviewVersions": ["v1"],
                    "sideEffects": "None",
                    "clientConfig": client_config,
                    "rules": [
                        {
                            "apiGroups": ["*"],
                            "apiVersions": ["*"],
                            "operations": ["CREATE", "UPDATE"],
                            "resources": ["*"],
                        }
                    ],
                }
            ],
        },
        region.kubernetes,
    )


@pytest.mark.parametrize("kind", ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"])
@pytest.mark.parametrize(
    ("client_config", "sent"),
    [
        ({"url": "https://hooks.policy-saas.example.com/admit"}, True),
        ({"url": UNKNOWN}, True),
        ({"service": {"name": "gatekeeper-webhook", "namespace": "gatekeeper-system"}}, False),
    ],
    ids=["url", "unknown-url", "in-cluster-service"],
)
def test_an_admission_webhook_served_outside_the_cluster_is_given_what_its_pods_read(
    kind: str, client_config: dict[str, object], sent: bool
) -> None:
    # The API server sends such a webhook every object its rules match, Secrets and pod specs included,
    # and a mutating one rewrites the pods that read the PII database.
    region = eu_region()
    webhook = _webhook(region, kind, client_config)
    found = violations([*region.resources, _database_reader(region), webhook], NO_PII)
    assert bool([d for d in found if d.urn == webhook.urn]) is sent, messages(found)
    if sent:
        assert "objects.policy-saas.example.com" in found[0].message
        assert "clientConfig.service" in found[0].message


def test_an_admission_webhook_outside_a_cluster_that_reads_no_pii_is_no_pii_grant() -> None:
    region = eu_region()
    reader = _database_reader(region)
    reader.deps = {}
    webhook = _webhook(region, "MutatingWebhookConfiguration", {"url": "https://hooks.example.com/admit"})
    assert violations([*region.resources, reader, webhook], NO_PII) == []
    # The baseline's cluster holds telemetry: anonymised-only-replication still judges it.
    assert [d.urn for d in violations([*region.resources, reader, webhook], ANONYMISED_ONLY)] == [webhook.urn]


def test_an_admission_webhook_served_by_an_external_name_service_is_served_outside_the_cluster() -> None:
    # The API server resolves an ExternalName Service to its external name and calls that host.
    region = eu_region()
    service = Res(
        "kubernetes:core/v1:Service",
        "policy-saas",
        {
            "metadata": {"name": "policy-saas", "namespace": "kube-system"},
            "spec": {"type": "ExternalName", "externalName": "hooks.policy-saas.example.com"},
        },
        region.kubernetes,
    )
    webhook = _webhook(
        region,
        "MutatingWebhookConfiguration",
        {"service": {"name": "policy-saas", "namespace": "kube-system"}},
    )
    found = violations([*region.resources, _database_reader(region), service, webhook], NO_PII)
    assert [d.urn for d in found] == [webhook.urn], messages(found)
    assert "ExternalName" in found[0].message
    service.props["spec"] = {"selector": {"app": "policy-saas"}, "ports": [{"port": 443}]}
    assert violations([*region.resources, _database_reader(region), service, webhook], NO_PII) == []


def _selectorless(region: Region, addresses: list[str] | None) -> list[Res]:
    """A Service without a selector in kube-system, with an EndpointSlice of these addresses (None: none)."""
    service = Res(
        "kubernetes:core/v1:Service",
        "policy-saas",
        {
            "metadata": {"name": "policy-saas", "namespace": "kube-system"},
            "spec": {"type": "ClusterIP", "ports": [{"name": "https", "port": 443}]},
        },
        region.kubernetes,
    )
    if addresses is None:
        return [service]
    endpoint_slice = Res(
        "kubernetes:discovery.k8s.io/v1:EndpointSlice",
        "policy-saas-1",
        {
            "metadata": {
                "name": "policy-saas-1",
                "namespace": "kube-system",
                "labels": {"kubernetes.io/service-name": "policy-saas"},
            },
            "addressType": "IPv4",
            "endpoints": [{"addresses": [a]} for a in addresses],
            "ports": [{"name": "https", "port": 443}],
        },
        region.kubernetes,
    )
    return [service, endpoint_slice]


@pytest.mark.parametrize(
    ("addresses", "sent"),
    [
        (["52.16.201.44", "34.248.90.12"], True),
        (None, True),
        (["172.31.40.17"], True),
        (["10.10.7.20"], False),
    ],
    ids=["public-endpoints", "no-endpoints-declared", "address-outside-the-stacks-networks", "vpc-address"],
)
def test_an_admission_webhook_served_by_a_service_without_a_selector_is_sent_where_its_endpoints_are(
    addresses: list[str] | None, sent: bool
) -> None:
    # Reviewer blind-k8s13 k17: the API server calls the endpoints set by hand, as it calls a URL.
    region = eu_region()
    webhook = _webhook(
        region,
        "ValidatingWebhookConfiguration",
        {"service": {"name": "policy-saas", "namespace": "kube-system"}},
    )
    resources = [*region.resources, _database_reader(region), *_selectorless(region, addresses), webhook]
    found = violations(resources, NO_PII)
    assert [d.urn for d in found] == ([webhook.urn] if sent else []), messages(found)
    if sent:
        assert "no selector" in found[0].message
