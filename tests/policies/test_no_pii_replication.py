"""no-pii-replication: nothing copies, replicates, shares or exports PII out of its region or account."""

from __future__ import annotations

import copy

import pytest

from residency_facts import COPY_MECHANISMS, REPLICATING_TYPES
from residency_facts.mechanisms import ADDED_MECHANISMS, KUBERNETES_MECHANISMS
from tests.policies.baseline import eu_region
from tests.policies.copies import COPIES, PII, mumbai, store
from tests.policies.policy_harness import EU_CONFIG, UNKNOWN, Res, messages, violations
from tests.policies.synthesis import moving_pii

POLICY = "no-pii-replication"


def test_compliant_baseline_has_no_violation() -> None:
    assert violations(eu_region().resources, POLICY) == []


@pytest.mark.parametrize("mechanism", sorted(COPIES))
def test_every_copy_mechanism_moving_pii_out_is_blocked(mechanism: str) -> None:
    region = eu_region()
    copying, extra = COPIES[mechanism](region)
    found = violations([*region.resources, *extra], POLICY)
    assert copying.urn in [d.urn for d in found], messages(found)
    message = next(d.message for d in found if d.urn == copying.urn)
    assert "personal data" in message and "GDPR" in message and "How to fix" in message


UNTRACEABLE_BY_DESIGN = {
    # Their source is never a classified resource (an AMI, servers outside AWS, another domain's connection):
    # anonymised-only-replication blocks them as untraceable.
    "aws:ec2/amiCopy:AmiCopy",
    "aws:ec2/amiLaunchPermission:AmiLaunchPermission",
    "aws:drs/replicationConfigurationTemplate:ReplicationConfigurationTemplate",
    "aws:opensearch/inboundConnectionAccepter:InboundConnectionAccepter",
    # A volume copy lands next to its source: AWS offers no way to copy a volume out of its region.
    "aws:ebs/volumeCopy:VolumeCopy",
}

SELECTED_BY_THEIR_OWN_RULES = {
    # Their sources are what a selection, a tag filter or a policy document picks: the hand-built cases of
    # `copies` (backup plans, lifecycle policies) and test_organization_backup_policies cover them.
    "aws:backup/plan:Plan",
    "aws:dlm/lifecyclePolicy:LifecyclePolicy",
    "aws:organizations/policy:Policy",
    "aws:drs/replicationConfigurationTemplate:ReplicationConfigurationTemplate",
    # A Kasten policy copies the namespaces its label selector picks: test_backup_selections covers it.
    "config.kio.kasten.io:Policy",
    # An Alertmanager notifies its receivers of what the Prometheus instances of its cluster hold, read from
    # its receivers rather than paths: test_alerting covers both.
    "monitoring.coreos.com:Alertmanager",
    "monitoring.coreos.com:AlertmanagerConfig",
    # An option group copies the instances that name it (members) where its option settings' roles write,
    # and an ActiveMQ configuration to the brokers its XML's network connectors name (read by path steps
    # the synthesis cannot fill): test_option_group_roles and test_broker_networks cover them.
    "aws:rds/optionGroup:OptionGroup",
    "aws:mq/configuration:Configuration",
    # A Kasten action copies the namespace its subject names: test_operator_kinds covers them.
    "actions.kio.kasten.io:BackupAction",
    "actions.kio.kasten.io:ExportAction",
    "actions.kio.kasten.io:RestoreAction",
}

MECHANISMS = [
    (token, index)
    for token, mechanisms in sorted(COPY_MECHANISMS.items())
    for index in range(len(mechanisms))
    if token not in SELECTED_BY_THEIR_OWN_RULES
]


@pytest.mark.parametrize(("token", "index"), MECHANISMS)
def test_every_copy_mechanism_of_the_triage_blocks_pii_it_moves_out(token: str, index: int) -> None:
    region = eu_region()
    copying, extra = moving_pii(token, COPY_MECHANISMS[token][index], region)
    found = violations([*region.resources, *extra], POLICY)
    assert copying.urn in [d.urn for d in found], messages(found)


def test_every_original_copy_mechanism_has_a_hand_built_blocking_case() -> None:
    region = eu_region()
    covered = {COPIES[name](region)[0].type for name in COPIES}
    original = {token for token in REPLICATING_TYPES if token not in ADDED_MECHANISMS and ":" in token}
    original -= set(KUBERNETES_MECHANISMS)
    assert original - covered == UNTRACEABLE_BY_DESIGN


def test_lineage_finds_pii_even_when_every_identifier_is_unknown_at_preview() -> None:
    region = eu_region()
    copying, extra = COPIES["snapshot_copy_in_another_region"](region)
    assert copying.props["sourceDbSnapshotIdentifier"] == UNKNOWN
    found = violations([*region.resources, *extra], POLICY)
    assert "aws:rds/snapshot:Snapshot 'snapshot' (pii) in eu-west-1" in messages(found)


def test_same_region_read_replica_for_availability_is_allowed() -> None:
    region = eu_region()
    replica = Res(
        "aws:rds/instance:Instance",
        "replica",
        {"replicateSourceDb": UNKNOWN, "tags": PII},
        region.provider,
        deps={"replicateSourceDb": [region.database]},
    )
    assert violations([*region.resources, replica], POLICY) == []


def test_same_region_snapshot_and_copy_are_allowed() -> None:
    region = eu_region()
    copying, extra = COPIES["snapshot_copy_in_another_region"](region)
    copying.provider = region.provider
    assert violations([*region.resources, *extra], POLICY) == []


def test_same_region_backup_copy_to_a_vault_of_this_stack_is_allowed() -> None:
    region = eu_region()
    vault = store(region, "aws:backup/vault:Vault", "second-vault", {"name": "second-vault"})
    plan, extra = COPIES["backup_copy_action_to_another_region"](region)
    plan.props["rules"][0]["copyActions"][0]["destinationVaultArn"] = UNKNOWN
    plan.deps = {"rules": [vault]}
    assert violations([*region.resources, vault, *extra], POLICY) == []


def test_copies_of_data_that_is_not_pii_are_not_this_rules_concern() -> None:
    region = eu_region()
    secret = store(
        region, "aws:secretsmanager/secret:Secret", "feature-flags", tags={"data-classification": "internal"}
    )
    secret.props["replicas"] = [{"region": "ap-south-1"}]
    assert violations([*region.resources, secret], POLICY) == []


def test_a_share_with_an_account_of_this_deployment_stays_in_the_account() -> None:
    region = eu_region()
    _, extra = COPIES["snapshot_shared_with_another_account"](region)
    assert violations([*region.resources, *extra], POLICY) != []
    config = copy.deepcopy(EU_CONFIG)
    config[POLICY]["accountIds"] = ["999988887777"]
    assert violations([*region.resources, *extra], POLICY, config) == []


def test_pii_copy_into_another_region_through_a_second_provider_names_both_regions() -> None:
    region = eu_region()
    replica, extra = COPIES["read_replica_in_another_region"](region)
    found = violations([*region.resources, *extra], POLICY)
    assert [d.urn for d in found] == [replica.urn]
    assert "eu-west-1" in found[0].message and "ap-south-1" in found[0].message
    assert mumbai().props["region"] == "ap-south-1"
