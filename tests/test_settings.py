"""Stack settings: a bad value fails before any resource, naming the key, the stack file and what is allowed.

Each test starts from one valid baseline and changes exactly one thing.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pulumi
import pytest
import yaml

from components import telemetry_sql
from offline_preview.cloud_mocks import PlausibleCloudMocks
from residency import defaults
from residency import settings as settings_module
from residency.defaults import EKS_CALENDAR_CHECKED, EKS_STANDARD_SUPPORT, MIN_SUBJECTS_FLOOR
from residency.defaults import PII_POSTGRES_MAJOR as POSTGRES_MAJOR
from residency.defaults import TELEMETRY_IMAGE_TAG as DEFAULT_IMAGE_TAG
from residency.schema import SCHEMA
from residency.settings import (
    CALENDAR_DAY_VARIABLE,
    JURISDICTION_KEY,
    KNOWN_PROJECT_KEYS,
    PROJECT,
    SECRET_PLACEHOLDER,
    ConfigError,
    engine_config,
    load_settings,
    load_stack_settings,
    read_stack_files,
)
from residency_facts import JURISDICTIONS

PROJECT_DIR = Path(__file__).resolve().parent.parent

BASELINE: dict[str, Any] = {
    "aws:region": "eu-west-1",
    "residency:jurisdiction": "EU",
    "residency:network": {"vpcCidr": "10.10.0.0/16", "availabilityZones": 3, "natGateways": 3},
    "residency:cluster": {
        "kubernetesVersion": "1.35",
        "nodeInstanceTypes": ["m6i.large"],
        "minNodes": 2,
        "desiredNodes": 3,
        "maxNodes": 6,
        "apiPublicCidrs": ["203.0.113.0/24"],
    },
    "residency:loadBalancer": {"healthCheckPath": "/healthz"},
    "residency:dns": {"domain": "app.example.com", "hostedZone": "example.com", "regionLabel": "eu"},
    "residency:piiDatabase": {
        "instanceClass": "db.m7g.large",
        "allocatedStorageGib": 100,
        "maxAllocatedStorageGib": 500,
        "backupRetentionDays": 14,
        "engineVersion": POSTGRES_MAJOR,
    },
    "residency:telemetry": {
        "storageGib": 50,
        "exchangeStorageGib": 20,
        "imageTag": DEFAULT_IMAGE_TAG,
        "anonymisationK": 10,
        "anonymisationSchedule": "*/15 * * * *",
        "services": ["gateway", "checkout"],
        "metrics": ["request"],
    },
    "residency:peer": {"stack": "india", "region": "ap-south-1", "vpcCidr": "10.20.0.0/16"},
}

_DELETE = object()

TODAY = date(2026, 12, 1)
"""The day these tests judge the EKS version on, whatever the clock says."""

CLOCK_TODAY = settings_module.utc_today
"""The settings' clock, before `fixed_day` replaces it."""


@pytest.fixture(autouse=True)
def fixed_day(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every load_settings here runs on TODAY, so the EKS calendar cannot age the baseline."""
    monkeypatch.delenv(CALENDAR_DAY_VARIABLE, raising=False)
    monkeypatch.setattr(settings_module, "utc_today", lambda: TODAY)


def changed(path: str, value: Any) -> dict[str, Any]:
    """The baseline with one value changed (or deleted); `path` is `<namespaced key>[.<field>]`."""
    raw = copy.deepcopy(BASELINE)
    key, _, field = path.partition(".")
    target: dict[str, Any] = raw[key] if field else raw
    name = field or key
    if value is _DELETE:
        target.pop(name, None)
    else:
        target[name] = value
    return raw


def problems(raw: dict[str, Any], stack: str = "eu") -> list[str]:
    """The problems load_settings reports for `raw`; fails the test if it accepts it."""
    with pytest.raises(ConfigError) as raised:
        load_settings(raw, stack)
    return raised.value.problems


def only_problem(raw: dict[str, Any], stack: str = "eu") -> str:
    found = problems(raw, stack)
    assert len(found) == 1, found
    return found[0]


def only_problem_on(raw: dict[str, Any], today: date, stack: str = "eu") -> str:
    """The one problem load_settings reports for `raw` when judged on `today`."""
    with pytest.raises(ConfigError) as raised:
        load_settings(raw, stack, today=today)
    (found,) = raised.value.problems
    return found


def regions_of(code: str) -> str:
    return ", ".join(sorted(JURISDICTIONS[code].regions))


# --- the valid case ---


def test_baseline_builds_typed_frozen_settings() -> None:
    settings = load_settings(BASELINE, "eu")
    assert settings.region == "eu-west-1"
    assert settings.jurisdiction is JURISDICTIONS["EU"]
    assert settings.network.vpc_cidr == "10.10.0.0/16"
    assert settings.cluster.node_instance_types == ("m6i.large",)
    assert settings.dns.pinned_hostname == "eu.app.example.com"
    assert settings.peer.jurisdiction is JURISDICTIONS["IN"]
    assert settings.load_balancer.certificate_arn is None
    assert settings.default_tags == {"jurisdiction": "EU", "managed-by": "pulumi"}
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.region = "ap-south-1"  # type: ignore[misc]


def test_json_strings_from_the_engine_read_like_python_values() -> None:
    assert load_settings(engine_config(BASELINE), "eu") == load_settings(BASELINE, "eu")


def test_both_committed_stacks_are_valid_with_distinct_regions_and_ranges() -> None:
    eu = load_settings(read_stack_files(PROJECT_DIR, "eu")[0], "eu")
    india = load_settings(read_stack_files(PROJECT_DIR, "india")[0], "india")
    assert (eu.region, eu.jurisdiction.code) == ("eu-west-1", "EU")
    assert (india.region, india.jurisdiction.code) == ("ap-south-1", "IN")
    assert (eu.peer.vpc_cidr, india.peer.vpc_cidr) == (india.network.vpc_cidr, eu.network.vpc_cidr)
    assert (eu.peer.region, india.peer.region) == (india.region, eu.region)
    assert eu.dns.pinned_hostname != india.dns.pinned_hostname


def test_committed_stack_files_hold_no_secret_and_no_open_api() -> None:
    for stack in ("eu", "india"):
        values, secret_keys = read_stack_files(PROJECT_DIR, stack)
        assert secret_keys == set()
        assert "residency:peerReplicationPassword" not in values
        assert "0.0.0.0/0" not in json.dumps(values)


# --- region and jurisdiction ---


def test_missing_region_is_refused() -> None:
    message = only_problem(changed("aws:region", _DELETE))
    assert message.startswith("aws:region in Pulumi.eu.yaml: missing")
    assert regions_of("EU") in message


def test_unknown_region_is_refused_with_the_jurisdictions_regions() -> None:
    message = only_problem(changed("aws:region", "us-east-1"))
    assert "aws:region in Pulumi.eu.yaml" in message
    assert "'us-east-1', which lies in no known jurisdiction" in message
    assert f"allowed: a region of jurisdiction EU: {regions_of('EU')}" in message


def test_region_outside_the_jurisdiction_is_refused() -> None:
    message = only_problem(changed("aws:region", "ap-south-2"))
    assert "aws:region in Pulumi.eu.yaml" in message
    assert "in jurisdiction IN, not EU" in message
    assert regions_of("EU") in message


def test_unknown_jurisdiction_is_refused_with_the_known_codes() -> None:
    message = only_problem(changed("residency:jurisdiction", "US"))
    assert "residency:jurisdiction in Pulumi.eu.yaml" in message
    assert "policies/residency_facts" in message
    assert message.endswith(f"allowed: {', '.join(sorted(JURISDICTIONS))}")


def test_missing_jurisdiction_is_refused() -> None:
    assert "residency:jurisdiction in Pulumi.eu.yaml: missing" in " ".join(
        problems(changed("residency:jurisdiction", _DELETE))
    )


# --- network ---


@pytest.mark.parametrize(
    ("cidr", "reason"),
    [
        ("10.10.0.0/33", "not an IPv4 CIDR"),
        ("10.10.0.1/16", "not an IPv4 CIDR"),  # host bits set: probably a typo for the network
        ("ten.ten.0.0/16", "not an IPv4 CIDR"),
        ("10.10.0.0", "not an IPv4 CIDR"),
        ("8.8.0.0/16", "not a private (RFC 1918) range"),
        ("10.10.0.0/24", "prefix /24"),
    ],
)
def test_malformed_or_unusable_vpc_cidr_is_refused(cidr: str, reason: str) -> None:
    message = only_problem(changed("residency:network.vpcCidr", cidr))
    assert message.startswith("residency:network.vpcCidr in Pulumi.eu.yaml")
    assert reason in message
    assert "allowed: a private (RFC 1918) IPv4 CIDR from /16 to /20" in message


def test_more_nat_gateways_than_zones_is_refused() -> None:
    raw = changed("residency:network.availabilityZones", 2)
    message = only_problem(raw)
    assert "residency:network.natGateways in Pulumi.eu.yaml" in message
    assert "more than availabilityZones (2)" in message


def test_peer_cidr_overlapping_our_own_is_refused() -> None:
    message = only_problem(changed("residency:peer.vpcCidr", "10.10.128.0/17"))
    assert "residency:peer.vpcCidr in Pulumi.eu.yaml" in message
    assert "overlaps this stack's residency:network.vpcCidr 10.10.0.0/16" in message
    assert "allowed: the peer stack's residency:network.vpcCidr, not overlapping this one" in message


# --- peer ---


def test_peer_may_be_in_another_jurisdiction_or_the_same_one() -> None:
    assert load_settings(BASELINE, "eu").peer.jurisdiction.code == "IN"
    assert (
        load_settings(changed("residency:peer.region", "eu-central-1"), "eu").peer.jurisdiction.code == "EU"
    )


def test_peer_stack_name_the_telemetry_sql_cannot_use_is_refused() -> None:
    message = only_problem(changed("residency:peer.stack", "eu-2"))
    assert "residency:peer.stack in Pulumi.eu.yaml: got 'eu-2'" in message
    assert "lowercase letters and digits, starting with a letter, at most 20 characters" in message


def test_peer_in_our_own_region_is_refused() -> None:
    message = only_problem(changed("residency:peer.region", "eu-west-1"))
    assert "residency:peer.region in Pulumi.eu.yaml: got 'eu-west-1', this stack's own region" in message


def test_peer_region_outside_every_jurisdiction_is_refused() -> None:
    message = only_problem(changed("residency:peer.region", "us-east-1"))
    assert "residency:peer.region in Pulumi.eu.yaml" in message
    assert f"EU: {regions_of('EU')}; IN: {regions_of('IN')}" in message


PEER_HOST = "k8s-telemetr-indiatel-0123456789.elb.ap-south-1.amazonaws.com"
PEER_CA = (
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBdzCCAR2gAwIBAgIRAKcLd0yGZrOUW9O3Yk2rbJ4wCgYIKoZIzj0EAwIwGzEZ\n"
    "MBcGA1UEAxMQdGVsZW1ldHJ5IENBIGluZGlh\n"
    "-----END CERTIFICATE-----\n"
)
"""The shape of the peer's telemetryCaCertificate output (a public certificate, not a secret)."""


def test_optional_peer_keys_are_read_when_present() -> None:
    raw = changed("residency:peer.replicationHost", PEER_HOST)
    raw["residency:peer"]["vpcId"] = "vpc-0123456789abcdef0"
    raw["residency:peer"]["accountId"] = "210987654321"
    raw["residency:peer"]["caCertificate"] = "\n" + PEER_CA + "\n\n"
    peer = load_settings(raw, "eu").peer
    assert peer.replication_host == PEER_HOST
    assert peer.vpc_id == "vpc-0123456789abcdef0"
    assert peer.account_id == "210987654321"
    assert peer.ca_certificate == PEER_CA  # as a file holds it: one final newline
    assert load_settings(BASELINE, "eu").peer.ca_certificate is None


def test_the_peer_password_key_is_refused_as_removed() -> None:
    # The cross-region link has no password any more: a leftover secret must not be silently ignored.
    raw = changed("residency:peerReplicationPassword", "s3cret-value")
    message = only_problem(raw)
    assert message.startswith("residency:peerReplicationPassword in Pulumi.eu.yaml: removed:")
    assert "client certificate" in message and "pulumi config rm" in message
    assert "s3cret-value" not in message


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIB\n-----END EC PRIVATE KEY-----\n", "private key"),
        ("-----BEGIN PRIVATE KEY-----\nMIGHAgEA\n-----END PRIVATE KEY-----\n", "private key"),
        (PEER_CA + PEER_CA, "not exactly one PEM CERTIFICATE block"),
        ("MIIBdzCCAR2gAwIBAgIRAKcLd0yGZrOUW9O3", "not exactly one PEM CERTIFICATE block"),
        ("-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n", "not exactly one PEM"),
        ("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "holds no DER certificate"),
        (42, "not a PEM string"),
    ],
)
def test_a_peer_ca_certificate_that_is_not_one_pem_certificate_is_refused(value: Any, reason: str) -> None:
    message = only_problem(changed("residency:peer.caCertificate", value))
    assert message.startswith("residency:peer.caCertificate in Pulumi.eu.yaml: ")
    assert reason in message
    assert "allowed: the peer's public telemetry CA certificate" in message
    if isinstance(value, str) and "KEY" in value:
        assert value.splitlines()[1] not in message  # a pasted key is never echoed


@pytest.mark.parametrize(
    "host",
    [
        "telemetry-replication.in.internal.example.com",
        "k8s-telemetr-indiatel-0123456789.elb.eu-west-1.amazonaws.com",  # another region's
        "a.b.elb.ap-south-1.amazonaws.com",  # two labels: the certificate's wildcard matches one
    ],
)
def test_a_peer_endpoint_the_peers_certificate_cannot_name_is_refused(host: str) -> None:
    message = only_problem(changed("residency:peer.replicationHost", host))
    assert message.startswith(f"residency:peer.replicationHost in Pulumi.eu.yaml: got {host!r}")
    assert "<name>.elb.ap-south-1.amazonaws.com" in message and "verify-full" in message


def test_without_the_peers_vpc_no_peering_is_declared_yet() -> None:
    peer = load_settings(BASELINE, "eu").peer
    assert peer.vpc_id is None and peer.account_id is None


@pytest.mark.parametrize(("own", "other", "requests"), [("eu", "india", True), ("india", "eu", False)])
def test_the_stack_whose_name_sorts_first_requests_the_peering(own: str, other: str, requests: bool) -> None:
    """Derived, not configured: both stacks reach the same answer from their own config alone."""
    raw = changed("residency:peer.stack", other)
    assert load_settings(raw, own).peer.requests_peering is requests


def test_a_peer_with_this_stacks_own_name_is_refused() -> None:
    message = only_problem(changed("residency:peer.stack", "eu"))
    assert "residency:peer.stack in Pulumi.eu.yaml: got 'eu', this stack's own name" in message


@pytest.mark.parametrize("vpc_id", ["vpc-123", "pcx-0123456789abcdef0", "vpc-0123456789ABCDEF0"])
def test_malformed_peer_vpc_id_is_refused(vpc_id: str) -> None:
    message = only_problem(changed("residency:peer.vpcId", vpc_id))
    assert "residency:peer.vpcId in Pulumi.eu.yaml" in message
    assert "vpcId` stack output" in message


def test_a_peer_account_without_the_peers_vpc_is_refused() -> None:
    message = only_problem(changed("residency:peer.accountId", "210987654321"))
    assert "residency:peer.accountId in Pulumi.eu.yaml: set without peer.vpcId" in message


def test_the_removed_peering_connection_id_is_refused_as_an_unknown_key() -> None:
    """The connection is declared by the stacks now; a leftover id from the manual steps must not linger."""
    message = only_problem(changed("residency:peer.vpcPeeringConnectionId", "pcx-0123456789abcdef0"))
    assert "residency:peer.vpcPeeringConnectionId in Pulumi.eu.yaml: unknown key" in message


# --- cluster ---


def test_min_nodes_above_max_is_refused() -> None:
    raw = changed("residency:cluster.minNodes", 7)
    message = only_problem(raw)
    assert "residency:cluster.minNodes in Pulumi.eu.yaml: got 7, more than maxNodes (6)" in message
    assert "allowed: a whole number >= 1, <= maxNodes" in message


@pytest.mark.parametrize("desired", [1, 7])
def test_desired_nodes_outside_min_max_is_refused(desired: int) -> None:
    message = only_problem(changed("residency:cluster.desiredNodes", desired))
    assert "residency:cluster.desiredNodes in Pulumi.eu.yaml" in message
    assert "outside [minNodes, maxNodes] = [2, 6]" in message


@pytest.mark.parametrize("cidrs", [["0.0.0.0/0"], ["203.0.113.0/24", "0.0.0.0/0"]])
def test_api_open_to_the_whole_internet_is_refused(cidrs: list[str]) -> None:
    message = only_problem(changed("residency:cluster.apiPublicCidrs", cidrs))
    assert "residency:cluster.apiPublicCidrs in Pulumi.eu.yaml" in message
    assert "opens the Kubernetes API to the whole internet" in message
    assert "never 0.0.0.0/0" in message


def test_empty_api_cidr_list_means_a_private_only_endpoint() -> None:
    assert load_settings(changed("residency:cluster.apiPublicCidrs", []), "eu").cluster.api_public_cidrs == ()


def test_admin_principals_are_optional_iam_role_or_user_arns() -> None:
    assert load_settings(BASELINE, "eu").cluster.admin_principal_arns == ()
    role = "arn:aws:iam::123456789012:role/platform-admin"
    raw = changed("residency:cluster.adminPrincipalArns", [role])
    assert load_settings(raw, "eu").cluster.admin_principal_arns == (role,)
    session = "arn:aws:sts::123456789012:assumed-role/platform-admin/alice"
    message = only_problem(changed("residency:cluster.adminPrincipalArns", [session]))
    assert "residency:cluster.adminPrincipalArns in Pulumi.eu.yaml: item 0:" in message
    assert "allowed: a list of IAM role or user ARNs" in message


def test_floating_kubernetes_version_is_refused() -> None:
    message = only_problem(changed("residency:cluster.kubernetesVersion", "latest"))
    assert "residency:cluster.kubernetesVersion in Pulumi.eu.yaml" in message
    assert 'an EKS minor version in standard support, such as "1.35"' in message


def test_a_kubernetes_version_out_of_eks_standard_support_is_refused_with_the_supported_list() -> None:
    """1.33 left standard support on 2026-07-29: extended support is billed extra."""
    message = only_problem(changed("residency:cluster.kubernetesVersion", "1.33"))
    assert message.startswith(
        "residency:cluster.kubernetesVersion in Pulumi.eu.yaml: got '1.33', which left EKS standard support "
        "on 2026-07-29"
    )
    assert (
        "allowed: a version in EKS standard support on 2026-12-01: 1.34 (until 2026-12-02), "
        "1.35 (until 2027-03-27)"
    ) in message


def test_a_version_leaves_standard_support_on_its_end_date() -> None:
    raw = changed("residency:cluster.kubernetesVersion", "1.34")
    assert load_settings(raw, "eu", today=date(2026, 12, 1)).cluster.kubernetes_version == "1.34"
    message = only_problem_on(raw, date(2026, 12, 2))
    assert "got '1.34', which left EKS standard support on 2026-12-02" in message
    assert "on 2026-12-02: 1.35 (until 2027-03-27)" in message


def test_a_version_the_dated_calendar_does_not_list_is_refused() -> None:
    newest = max(int(minor.split(".")[1]) for minor in EKS_STANDARD_SUPPORT)
    message = only_problem(changed("residency:cluster.kubernetesVersion", f"1.{newest + 1}"))
    unlisted = f"got '1.{newest + 1}', which the dated EKS calendar in residency/defaults.py does not list"
    assert unlisted in message


def test_a_version_not_yet_released_on_eks_is_refused() -> None:
    message = only_problem_on(changed("residency:cluster.kubernetesVersion", "1.35"), date(2026, 1, 1))
    assert "got '1.35', which EKS releases only on 2026-01-27" in message


def test_the_committed_stacks_run_a_version_in_standard_support_on_the_day_the_calendar_was_checked() -> None:
    """On a fixed day, so the suite cannot turn red by itself; a real preview judges on today's date."""
    for stack in ("eu", "india"):
        values, _ = read_stack_files(PROJECT_DIR, stack)
        version = values["residency:cluster"]["kubernetesVersion"]
        released, end = EKS_STANDARD_SUPPORT[version]
        assert released <= EKS_CALENDAR_CHECKED < end, f"Pulumi.{stack}.yaml runs EKS {version}, until {end}"


class _Clock(datetime):
    """A clock stopped just after midnight UTC on the day the newest listed version leaves support."""

    @classmethod
    def now(cls, tz: Any = None) -> _Clock:
        end = max(end for _, end in EKS_STANDARD_SUPPORT.values())
        return cls(end.year, end.month, end.day, 0, 5, tzinfo=UTC)


def test_a_real_run_judges_the_version_on_todays_date_and_names_the_key_the_file_and_the_choices(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No override: once the clock passes the end of a stack's version, it is refused until upgraded."""
    monkeypatch.setattr(settings_module, "utc_today", CLOCK_TODAY)
    monkeypatch.setattr(settings_module, "datetime", _Clock)
    (version, (_, end)) = max(EKS_STANDARD_SUPPORT.items(), key=lambda row: row[1][1])
    message = only_problem(changed("residency:cluster.kubernetesVersion", version))
    assert message.startswith(
        f"residency:cluster.kubernetesVersion in Pulumi.eu.yaml: got '{version}', which left EKS standard "
        f"support on {end.isoformat()}"
    )
    assert f"allowed: a version in EKS standard support on {end.isoformat()}: none listed" in message


def test_the_suites_day_override_is_named_in_the_message_and_a_malformed_one_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(CALENDAR_DAY_VARIABLE, "2026-12-02")
    message = only_problem(changed("residency:cluster.kubernetesVersion", "1.34"))
    assert "left EKS standard support on 2026-12-02" in message
    assert f"on 2026-12-02 ({CALENDAR_DAY_VARIABLE}): 1.35 (until 2027-03-27)" in message
    monkeypatch.setenv(CALENDAR_DAY_VARIABLE, "tomorrow")
    malformed = f"{CALENDAR_DAY_VARIABLE}: got 'tomorrow', not a date in YYYY-MM-DD"
    with pytest.raises(ValueError, match=malformed):
        load_settings(BASELINE, "eu")


@pytest.mark.parametrize("value", ["3", True, 2.5])
def test_non_integer_node_count_is_refused(value: Any) -> None:
    message = only_problem(changed("residency:cluster.maxNodes", value))
    assert "residency:cluster.maxNodes in Pulumi.eu.yaml" in message
    assert "not a whole number" in message


# --- data stores ---


def test_backup_retention_under_seven_days_is_refused() -> None:
    message = only_problem(changed("residency:piiDatabase.backupRetentionDays", 6))
    assert "residency:piiDatabase.backupRetentionDays in Pulumi.eu.yaml: got 6; allowed: 7 to 35" in message
    assert load_settings(changed("residency:piiDatabase.backupRetentionDays", 7), "eu")


def test_anonymisation_k_under_ten_is_refused() -> None:
    message = only_problem(changed("residency:telemetry.anonymisationK", 9))
    assert (
        "residency:telemetry.anonymisationK in Pulumi.eu.yaml: got 9; allowed: a whole number >= 10"
        in message
    )
    assert load_settings(changed("residency:telemetry.anonymisationK", 10), "eu")


@pytest.mark.parametrize("tag", ["pg15", "latest", "pg17.5-ts2.21.0"])
def test_floating_or_other_major_telemetry_image_tag_is_refused(tag: str) -> None:
    message = only_problem(changed("residency:telemetry.imageTag", tag))
    assert "residency:telemetry.imageTag in Pulumi.eu.yaml" in message
    assert "no floating tags" in message


@pytest.mark.parametrize("ceiling", [50, 100])
def test_storage_ceiling_not_above_allocation_is_refused(ceiling: int) -> None:
    message = only_problem(changed("residency:piiDatabase.maxAllocatedStorageGib", ceiling))
    assert "residency:piiDatabase.maxAllocatedStorageGib in Pulumi.eu.yaml" in message
    assert "not more than allocatedStorageGib (100)" in message


@pytest.mark.parametrize("version", ["16", "16.4", "latest"])
def test_engine_version_outside_the_components_pinned_major_is_refused(version: str) -> None:
    message = only_problem(changed("residency:piiDatabase.engineVersion", version))
    assert "residency:piiDatabase.engineVersion in Pulumi.eu.yaml" in message
    assert f'allowed: the PostgreSQL major only, "{POSTGRES_MAJOR}"' in message


@pytest.mark.parametrize("version", ["17.7", "17.10"])
def test_a_pinned_minor_engine_version_is_refused_before_rds_upgrades_past_it(version: str) -> None:
    """With auto minor upgrade, a pinned minor makes the first up after RDS's upgrade ask for a downgrade."""
    message = only_problem(changed("residency:piiDatabase.engineVersion", version))
    assert f"got '{version}', a pinned minor" in message
    assert "asks RDS for a downgrade" in message


# --- load balancer and DNS ---


def test_certificate_from_another_region_is_refused() -> None:
    arn = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-0000-1111-2222-333344445555"
    message = only_problem(changed("residency:loadBalancer.certificateArn", arn))
    assert "residency:loadBalancer.certificateArn in Pulumi.eu.yaml" in message
    assert "allowed: an ACM certificate ARN in eu-west-1" in message


def test_domain_outside_its_hosted_zone_is_refused() -> None:
    message = only_problem(changed("residency:dns.domain", "app.example.org"))
    assert (
        "residency:dns.domain in Pulumi.eu.yaml: got 'app.example.org', outside hostedZone example.com"
        in message
    )


# --- structure and typos ---


def test_missing_structured_key_is_refused_with_its_fields() -> None:
    message = only_problem(changed("residency:network", _DELETE))
    assert message == (
        "residency:network in Pulumi.eu.yaml: missing; "
        "allowed: an object with keys vpcCidr, availabilityZones, natGateways"
    )


def test_missing_required_field_is_refused() -> None:
    message = only_problem(changed("residency:dns.regionLabel", _DELETE))
    assert message.startswith(
        "residency:dns.regionLabel in Pulumi.eu.yaml: missing; allowed: one lowercase DNS label"
    )


def test_unknown_field_inside_an_object_is_refused_with_the_allowed_fields() -> None:
    raw = changed("residency:network.vpcCdir", "10.10.0.0/16")
    message = only_problem(raw)
    assert message == (
        "residency:network.vpcCdir in Pulumi.eu.yaml: unknown key; "
        "allowed: vpcCidr, availabilityZones, natGateways"
    )


def test_unknown_residency_key_is_refused() -> None:
    message = only_problem(changed("residency:netwrok", {}))
    assert message.startswith("residency:netwrok in Pulumi.eu.yaml: unknown key; allowed: residency:cluster,")


def test_aws_keys_the_explicit_provider_would_ignore_are_refused() -> None:
    message = only_problem(changed("aws:profile", "production"))
    assert message == (
        "aws:profile in Pulumi.eu.yaml: the program's explicit AWS provider ignores it; "
        "allowed: only aws:region in the aws namespace"
    )


def test_object_given_as_a_plain_value_is_refused() -> None:
    message = only_problem(changed("residency:telemetry", "big"))
    assert "residency:telemetry in Pulumi.eu.yaml: got 'big', not an object" in message


def test_every_problem_is_reported_in_one_error_naming_the_stack_file() -> None:
    raw = changed("aws:region", "us-east-1")
    raw["residency:cluster"]["minNodes"] = 9
    raw["residency:piiDatabase"]["backupRetentionDays"] = 1
    with pytest.raises(ConfigError) as raised:
        load_settings(raw, "frankfurt")
    error = raised.value
    assert isinstance(error, pulumi.RunError)  # the CLI prints a RunError without a traceback
    assert len(error.problems) == 3
    text = str(error)
    assert text.startswith("Stack 'frankfurt' cannot be deployed: 3 problems in its configuration:")
    for key in ("aws:region", "residency:cluster.minNodes", "residency:piiDatabase.backupRetentionDays"):
        assert f"  - {key} in Pulumi.frankfurt.yaml: " in text


@pytest.mark.parametrize("stack", ["EU", "eu_1", "eu-west", "averyveryverylongstackname", "1eu"])
def test_stack_names_that_make_invalid_resource_names_are_refused(stack: str) -> None:
    message = only_problem(BASELINE, stack)
    assert message.startswith(f"the stack name in Pulumi.{stack}.yaml: got {stack!r}")
    assert "allowed: lowercase letters and digits, starting with a letter, at most 20 characters" in message


def test_the_privacy_parameters_default_to_the_documented_values() -> None:
    telemetry = load_settings(BASELINE, "eu").telemetry
    assert (telemetry.services, telemetry.metrics) == (("gateway", "checkout"), ("request",))
    assert telemetry.epsilon_per_hour == Decimal("1.0") and isinstance(telemetry.epsilon_per_hour, Decimal)
    assert (telemetry.max_groups_per_subject, telemetry.max_events_per_group) == (2, 5)
    assert (telemetry.latency_bound_ms, telemetry.small_group_probability) == (2000, 0.001)
    given = changed("residency:telemetry.epsilonPerHour", 0.3)
    given["residency:telemetry"].update(maxGroupsPerSubject=1, maxEventsPerGroup=3, latencyBoundMs=500)
    given["residency:telemetry"]["smallGroupProbability"] = 0.0001
    telemetry = load_settings(engine_config(given), "eu").telemetry
    assert telemetry.epsilon_per_hour == Decimal("0.3")  # the decimal written, not the float 0.299999...
    assert (telemetry.max_groups_per_subject, telemetry.max_events_per_group) == (1, 3)
    assert (telemetry.latency_bound_ms, telemetry.small_group_probability) == (500, 0.0001)


@pytest.mark.parametrize(
    ("field", "value", "reason", "allowed"),
    [
        ("epsilonPerHour", 2.5, "got 2.5", "a number from 0.1 to 2.0 in steps of 0.001"),
        ("epsilonPerHour", 0.05, "got 0.05", "a number from 0.1 to 2.0"),
        ("epsilonPerHour", 1.0005, "more than three decimal places", "a number from 0.1 to 2.0 in steps"),
        ("epsilonPerHour", "1.0", "not a number", "a number from 0.1 to 2.0"),
        ("epsilonPerHour", True, "not a number", "a number from 0.1 to 2.0"),
        ("maxGroupsPerSubject", 0, "got 0", "1 to 10"),
        ("maxGroupsPerSubject", 11, "got 11", "1 to 10"),
        ("maxEventsPerGroup", 101, "got 101", "1 to 100"),
        ("maxEventsPerGroup", 2.5, "not a whole number", "1 to 100"),
        ("latencyBoundMs", 0, "got 0", "1 to 60000"),
        ("latencyBoundMs", 60001, "got 60001", "1 to 60000"),
        ("smallGroupProbability", 0, "got 0", "a number above 0, at most 0.01"),
        ("smallGroupProbability", 0.02, "got 0.02", "a number above 0, at most 0.01"),
    ],
)
def test_privacy_parameters_outside_their_bounds_are_refused(
    field: str, value: Any, reason: str, allowed: str
) -> None:
    message = only_problem(changed(f"residency:telemetry.{field}", value))
    assert message.startswith(f"residency:telemetry.{field} in Pulumi.eu.yaml: got "), message
    assert reason in message.split("; allowed: ")[0], message
    assert f"allowed: {allowed}" in message


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("services", [], "got 0 items, need at least 1"),
        ("services", "checkout", "not a list"),
        ("services", ["checkout", "checkout"], "duplicates"),
        ("services", [f"service-{chr(97 + i // 26)}{chr(97 + i % 26)}" for i in range(201)], "got 201 items"),
        ("services", ["Checkout"], "item 0: got 'Checkout', not a lower-case name"),
        ("services", ["checkout", "ip-198-51-100-77"], "item 1: got 'ip-198-51-100-77', which looks like an"),
        ("services", ["device-cafebabe"], "looks like an identifier"),
        ("services", ["user-profile"], "looks like an identifier"),
        ("services", ["other"], "reserved for the values outside the vocabulary"),
        ("metrics", ["request", "session"], "item 1: got 'session', which looks like an identifier"),
        ("metrics", [], "need at least 1"),
    ],
)
def test_vocabularies_that_could_carry_an_identifier_are_refused(field: str, value: Any, reason: str) -> None:
    message = only_problem(changed(f"residency:telemetry.{field}", value))
    assert message.startswith(f"residency:telemetry.{field} in Pulumi.eu.yaml: "), message
    assert reason in message, message
    assert "allowed: 1 to 200 distinct lower-case" in message and "the same list in both stacks" in message


def test_both_committed_stacks_share_one_vocabulary_and_one_set_of_privacy_parameters() -> None:
    # Each exchange refuses rows whose names its own vocabulary lacks: the two stacks must agree.
    eu = load_settings(read_stack_files(PROJECT_DIR, "eu")[0], "eu").telemetry
    india = load_settings(read_stack_files(PROJECT_DIR, "india")[0], "india").telemetry
    assert (eu.services, eu.metrics) == (india.services, india.metrics)
    assert len(eu.services) >= 5 and "request" in eu.metrics
    assert eu == india


def test_values_defaulted_in_the_project_file_point_there_too() -> None:
    raw = changed("residency:telemetry.anonymisationK", 3)
    with pytest.raises(ConfigError) as raised:
        load_settings(raw, "eu", project_default_keys={"residency:telemetry"})
    assert raised.value.problems[0].startswith(
        "residency:telemetry.anonymisationK in Pulumi.eu.yaml (or its project default in Pulumi.yaml): got 3"
    )


# --- reading the stack files and the running program's config ---


def write_project(directory: Path, stack: str, stack_config: dict[str, Any]) -> None:
    (directory / "Pulumi.yaml").write_text((PROJECT_DIR / "Pulumi.yaml").read_text())
    (directory / f"Pulumi.{stack}.yaml").write_text(json.dumps({"config": stack_config}))


def test_stack_file_values_replace_project_defaults_whole(tmp_path: Path) -> None:
    override = {
        "storageGib": 5,
        "exchangeStorageGib": 5,
        "imageTag": DEFAULT_IMAGE_TAG,
        "anonymisationK": 50,
        "anonymisationSchedule": "0 * * * *",
        "services": ["checkout"],
        "metrics": ["request"],
    }
    write_project(tmp_path, "lab", {"residency:telemetry": override, "aws:region": "eu-west-3"})
    values, _ = read_stack_files(tmp_path, "lab")
    assert values["residency:telemetry"] == override
    assert values["residency:piiDatabase"]["backupRetentionDays"] >= 7  # from Pulumi.yaml
    assert values["pulumi:disable-default-providers"] == ["aws", "kubernetes"]


def test_secure_values_become_secret_placeholders(tmp_path: Path) -> None:
    write_project(tmp_path, "lab", {"residency:peerReplicationPassword": {"secure": "v1:abc"}})
    values, secret_keys = read_stack_files(tmp_path, "lab")
    assert values["residency:peerReplicationPassword"] == SECRET_PLACEHOLDER
    assert secret_keys == {"residency:peerReplicationPassword"}
    # The program reads no secret at all now: the placeholder is then refused as a removed key.
    raw = {**BASELINE, "residency:peerReplicationPassword": SECRET_PLACEHOLDER}
    assert "removed:" in only_problem(raw)


@pytest.fixture
def mocked_stack() -> Iterator[str]:
    pulumi.runtime.set_mocks(PlausibleCloudMocks(), project="residency", stack="eu", preview=False)
    yield "eu"
    pulumi.runtime.set_all_config({}, [])


def test_adapter_reads_config_set_by_the_mocks(mocked_stack: str) -> None:
    pulumi.runtime.set_all_config(engine_config(BASELINE))
    assert load_stack_settings(PROJECT_DIR) == load_settings(BASELINE, "eu")


def test_adapter_reads_config_passed_by_the_language_host(
    mocked_stack: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    pulumi.runtime.set_all_config({})
    monkeypatch.setenv("PULUMI_CONFIG", json.dumps(engine_config(BASELINE)))
    assert load_stack_settings(PROJECT_DIR) == load_settings(BASELINE, "eu")


def test_adapter_finds_mistyped_keys_and_points_at_project_defaults(mocked_stack: str) -> None:
    raw = changed("residency:telmetry", {"storageGib": 1})
    raw["residency:piiDatabase"]["backupRetentionDays"] = 3
    pulumi.runtime.set_all_config(engine_config(raw))
    with pytest.raises(ConfigError) as raised:
        load_stack_settings(PROJECT_DIR)
    found = raised.value.problems
    assert any(p.startswith("residency:telmetry in Pulumi.eu.yaml: unknown key") for p in found)
    assert any(
        p.startswith("residency:piiDatabase.backupRetentionDays in Pulumi.eu.yaml (or its project default")
        for p in found
    )


def test_adapter_finds_mistyped_keys_passed_by_the_language_host(
    mocked_stack: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    pulumi.runtime.set_all_config({})
    monkeypatch.setenv("PULUMI_CONFIG", json.dumps(engine_config(changed("residency:dsn", {}))))
    with pytest.raises(ConfigError) as raised:
        load_stack_settings(PROJECT_DIR)
    assert raised.value.problems[0].startswith("residency:dsn in Pulumi.eu.yaml: unknown key")


# --- the project file ---


def project_file() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((PROJECT_DIR / "Pulumi.yaml").read_text())
    return loaded


def test_the_project_file_declares_exactly_the_keys_the_settings_read() -> None:
    declared = {key for key in project_file()["config"] if key.startswith(f"{PROJECT}:")}
    assert declared == KNOWN_PROJECT_KEYS
    for key in declared:
        entry = project_file()["config"][key]
        assert entry["type"] == ("string" if key == JURISDICTION_KEY else "object"), key
        assert entry["description"], key


def test_the_project_runs_in_its_own_virtualenv_with_default_providers_disabled() -> None:
    project = project_file()
    assert project["name"] == PROJECT
    assert project["runtime"] == {"name": "python", "options": {"toolchain": "pip", "virtualenv": ".venv"}}
    assert "main" not in project
    assert project["config"]["pulumi:disable-default-providers"] == {"value": ["aws", "kubernetes"]}


# --- the schema itself ---


def test_the_settings_schema_is_a_valid_json_schema_naming_what_each_key_allows() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    for key, declared in SCHEMA["properties"].items():
        assert declared["x-allowed"], key
        for field, field_schema in declared.get("properties", {}).items():
            assert field_schema["x-allowed"], f"{key}.{field}"


@pytest.mark.parametrize(
    ("path", "value"),
    [("residency:network.natGateways", 2.0), ("residency:cluster.kubernetesVersion", "1.35\n")],
)
def test_values_json_schema_would_let_through_are_refused(path: str, value: Any) -> None:
    # Plain JSON Schema takes 2.0 for an integer, and Python's `$` matches before a trailing newline.
    message = only_problem(changed(path, value))
    assert message.startswith(f"{path} in Pulumi.eu.yaml: got ")


def test_the_k_floor_the_settings_enforce_is_the_one_the_telemetry_sql_enforces() -> None:
    # Defined once, in residency/defaults.py; the telemetry SQL's package imports it from there.
    assert MIN_SUBJECTS_FLOOR == telemetry_sql.MIN_SUBJECTS_FLOOR
    assert telemetry_sql.MIN_SUBJECTS_FLOOR is defaults.MIN_SUBJECTS_FLOOR
    with pytest.raises(ValueError):
        telemetry_sql.PrivacyParameters(min_subjects=MIN_SUBJECTS_FLOOR - 1)


def test_the_privacy_defaults_are_the_telemetry_sqls() -> None:
    sql = telemetry_sql.PrivacyParameters()
    assert (sql.epsilon_per_hour, sql.min_subjects) == (defaults.DEFAULT_EPSILON_PER_HOUR, MIN_SUBJECTS_FLOOR)
    assert (sql.max_groups_per_subject, sql.max_events_per_group) == (
        defaults.DEFAULT_MAX_GROUPS_PER_SUBJECT,
        defaults.DEFAULT_MAX_EVENTS_PER_GROUP,
    )
    assert (sql.latency_bound_ms, sql.small_group_probability) == (
        defaults.DEFAULT_LATENCY_BOUND_MS,
        defaults.DEFAULT_SMALL_GROUP_PROBABILITY,
    )
    assert (telemetry_sql.EPSILON_FLOOR, telemetry_sql.EPSILON_CEILING) == (
        defaults.EPSILON_FLOOR,
        defaults.EPSILON_CEILING,
    )
    assert telemetry_sql.MAX_VOCABULARY_SIZE == defaults.MAX_VOCABULARY_SIZE
    assert telemetry_sql.OTHER == defaults.RESERVED_VOCABULARY_NAME
    # Pulumi.yaml spells out the same defaults, so a reader of the project file sees what applies.
    spelled = project_file()["config"]["residency:telemetry"]["default"]
    assert Decimal(str(spelled["epsilonPerHour"])) == defaults.DEFAULT_EPSILON_PER_HOUR
    assert spelled["maxGroupsPerSubject"] == defaults.DEFAULT_MAX_GROUPS_PER_SUBJECT
    assert spelled["maxEventsPerGroup"] == defaults.DEFAULT_MAX_EVENTS_PER_GROUP
    assert spelled["latencyBoundMs"] == defaults.DEFAULT_LATENCY_BOUND_MS
    assert spelled["smallGroupProbability"] == defaults.DEFAULT_SMALL_GROUP_PROBABILITY


def _accepted_by_settings(field: str, value: Any) -> bool:
    config = changed(f"residency:telemetry.{field}", value)
    # The writers are listed, so a service name too long for a writer role is judged as a vocabulary name.
    config["residency:telemetry"]["writers"] = []
    try:
        load_settings(config, "eu")
    except ConfigError:
        return False
    return True


def _accepted_by_the_sql(build: Any) -> bool:
    try:
        build()
    except ValueError:
        return False
    return True


PRIVACY_FIELDS = {
    "epsilonPerHour": "epsilon_per_hour",
    "anonymisationK": "min_subjects",
    "maxGroupsPerSubject": "max_groups_per_subject",
    "maxEventsPerGroup": "max_events_per_group",
    "latencyBoundMs": "latency_bound_ms",
    "smallGroupProbability": "small_group_probability",
}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        *[("epsilonPerHour", v) for v in (0.09, 0.1, 0.101, 1, 1.0, 1.999, 2.0, 2.001, 1.0005, 0.3)],
        *[("anonymisationK", v) for v in (9, 10, 11, 1000)],
        *[("maxGroupsPerSubject", v) for v in (0, 1, 10, 11)],
        *[("maxEventsPerGroup", v) for v in (0, 1, 100, 101)],
        *[("latencyBoundMs", v) for v in (0, 1, 60000, 60001)],
        *[("smallGroupProbability", v) for v in (0, 1e-9, 0.001, 0.01, 0.0100001, 0.5)],
    ],
)
def test_the_settings_accept_exactly_the_privacy_parameters_the_telemetry_sql_accepts(
    field: str, value: Any
) -> None:
    # The component builds telemetry_sql.PrivacyParameters from the settings: a value only one side took
    # would fail at deploy time (or, the other way, be refused by the settings for no reason).
    argument: Any = Decimal(str(value)) if field == "epsilonPerHour" else value
    sql = _accepted_by_the_sql(lambda: telemetry_sql.PrivacyParameters(**{PRIVACY_FIELDS[field]: argument}))
    assert _accepted_by_settings(field, value) == sql, (field, value)


@pytest.mark.parametrize(
    "name",
    [
        "checkout",
        "background-job",
        "a",
        "x" * 63,
        "x" * 64,
        "Checkout",
        "check_out",
        "-checkout",
        "other",
        "ip-10-0-0-1",
        "service-123",
        "deadbeef",
        "device",
        "id",
        "session-store",
        "users",
        "user",
        "uuid",
        "ipsum",
        "orders2",
        "",
    ],
)
def test_the_settings_accept_exactly_the_vocabulary_names_the_telemetry_sql_accepts(name: str) -> None:
    for field in ("services", "metrics"):
        sql = _accepted_by_the_sql(
            lambda field=field: telemetry_sql.Vocabulary(
                services=(name,) if field == "services" else ("checkout",),
                metrics=(name,) if field == "metrics" else ("request",),
            )
        )
        assert _accepted_by_settings(field, [name]) == sql, (field, name)


# --- The writing services and the restore flag of the telemetry store ---


def test_the_writers_default_to_the_services_each_with_its_own_role() -> None:
    settings = load_settings(changed("residency:telemetry.services", ["gateway", "background-sync"]), "eu")
    assert settings.telemetry.writers == ("gateway", "background_sync")
    explicit = load_settings(changed("residency:telemetry.writers", ["checkout"]), "eu")
    assert explicit.telemetry.writers == ("checkout",)
    assert load_settings(changed("residency:telemetry.writers", []), "eu").telemetry.writers == ()
    # What the settings accept, the telemetry SQL names a role for.
    assert [telemetry_sql.writer_role(w) for w in settings.telemetry.writers] == [
        "telemetry_writer_gateway",
        "telemetry_writer_background_sync",
    ]


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (["check-out"], "item 0: got 'check-out'"),
        (["Checkout"], "item 0: got 'Checkout'"),
        (["checkout", "checkout"], "duplicates"),
        ("checkout", "not a list"),
        (["c" * 41], "item 0: got"),
    ],
)
def test_writers_that_cannot_name_a_role_are_refused(value: Any, reason: str) -> None:
    message = only_problem(changed("residency:telemetry.writers", value))
    assert message.startswith("residency:telemetry.writers in Pulumi.eu.yaml: "), message
    assert reason in message, message
    assert "allowed: 0 to 200 distinct service labels" in message


def test_a_service_too_long_to_name_a_role_needs_the_writers_listed() -> None:
    long_service = "search" * 8  # a valid vocabulary name of 48 characters
    config = changed("residency:telemetry.services", ["gateway", long_service])
    message = only_problem(config)
    assert message.startswith("residency:telemetry.writers in Pulumi.eu.yaml: not set"), message
    assert repr(long_service) in message, message
    assert "list the writers" in message, message
    config["residency:telemetry"]["writers"] = ["gateway", "search"]
    assert load_settings(config, "eu").telemetry.writers == ("gateway", "search")


def test_the_restore_flag_suspends_the_release_and_is_false_by_default() -> None:
    assert load_settings(copy.deepcopy(BASELINE), "eu").telemetry.restore_in_progress is False
    flagged = load_settings(changed("residency:telemetryRestore", {"inProgress": True}), "eu")
    assert flagged.telemetry.restore_in_progress is True
    message = only_problem(changed("residency:telemetryRestore", {"inProgress": "yes"}))
    assert message.startswith(
        "residency:telemetryRestore.inProgress in Pulumi.eu.yaml: got 'yes', not true"
    ), message
    assert "acknowledge_restore" in message
    found = problems(changed("residency:telemetryRestore", {"inprogress": True}))
    assert found[0].startswith("residency:telemetryRestore.inprogress in Pulumi.eu.yaml: unknown key"), found
    assert found[1].startswith("residency:telemetryRestore.inProgress in Pulumi.eu.yaml: missing"), found
