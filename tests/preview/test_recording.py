"""The harness records exactly what the engine would see from a small program with known resources."""

from __future__ import annotations

from typing import Any

from offline_preview.inventory import Inventory
from offline_preview.program import run_program
from offline_preview.project import load_stack

from .conftest import FIXTURES, RESOURCE_SIGNATURE, SECRET, SIGNATURE_KEY, UNKNOWN, preview, record

PREFIX = "urn:pulumi:test::fixture::"
STACK = PREFIX + "pulumi:pulumi:Stack::fixture-test"
STORE = PREFIX + "fixture:components:Store::records"
EXPLICIT = PREFIX + "pulumi:providers:aws::explicit"
DEFAULT_AWS = PREFIX + "pulumi:providers:aws::default_7_51_1"
DEFAULT_RANDOM = PREFIX + "pulumi:providers:random::default_4_21_4"
VPC = PREFIX + "fixture:components:Store$aws:ec2/vpc:Vpc::records-vpc"
SUBNET = PREFIX + "fixture:components:Store$aws:ec2/subnet:Subnet::records-subnet"
KEY = PREFIX + "fixture:components:Store$aws:kms/key:Key::records-key"
SECRET_RESOURCE = PREFIX + "fixture:components:Store$aws:secretsmanager/secret:Secret::records-secret"
SECRET_VALUE = (
    PREFIX + "fixture:components:Store$aws:secretsmanager/secretVersion:SecretVersion::records-secret-value"
)
ARCHIVE = PREFIX + "aws:s3/bucket:Bucket::archive"
PINNED = PREFIX + "aws:s3/bucket:Bucket::pinned"
SUFFIX = PREFIX + "random:index/randomId:RandomId::suffix"


def test_every_registration_has_the_engines_urn_type_name_and_parent(
    basic: dict[str, dict[str, Any]],
) -> None:
    """Root stack type is not part of a child's URN; a component's type is (as the engine builds URNs)."""
    expected = {
        STACK: ("pulumi:pulumi:Stack", "fixture-test", ""),
        DEFAULT_AWS: ("pulumi:providers:aws", "default_7_51_1", ""),
        DEFAULT_RANDOM: ("pulumi:providers:random", "default_4_21_4", ""),
        EXPLICIT: ("pulumi:providers:aws", "explicit", STACK),
        STORE: ("fixture:components:Store", "records", STACK),
        VPC: ("aws:ec2/vpc:Vpc", "records-vpc", STORE),
        SUBNET: ("aws:ec2/subnet:Subnet", "records-subnet", STORE),
        KEY: ("aws:kms/key:Key", "records-key", STORE),
        SECRET_RESOURCE: ("aws:secretsmanager/secret:Secret", "records-secret", STORE),
        SECRET_VALUE: ("aws:secretsmanager/secretVersion:SecretVersion", "records-secret-value", STORE),
        ARCHIVE: ("aws:s3/bucket:Bucket", "archive", STACK),
        PINNED: ("aws:s3/bucket:Bucket", "pinned", STACK),
        SUFFIX: ("random:index/randomId:RandomId", "suffix", STACK),
    }
    actual = {urn: (r["type"], r["name"], r["parent"]) for urn, r in basic.items()}
    assert actual == expected


def test_children_of_a_component_use_the_provider_it_was_given(basic: dict[str, dict[str, Any]]) -> None:
    """`providers=[explicit]` on the component reaches every child through parent=self."""
    for urn in (VPC, SUBNET, KEY, SECRET_RESOURCE, SECRET_VALUE):
        assert basic[urn]["provider"] == f"{EXPLICIT}::{UNKNOWN}", urn
    assert basic[PINNED]["provider"] == f"{EXPLICIT}::{UNKNOWN}"


def test_resources_without_a_provider_get_the_default_provider_the_engine_would_create(
    basic: dict[str, dict[str, Any]],
) -> None:
    """Named after the plugin version, configured from the stack's `aws:*` keys as strings, id unknown."""
    assert basic[ARCHIVE]["provider"] == f"{DEFAULT_AWS}::{UNKNOWN}"
    assert basic[SUFFIX]["provider"] == f"{DEFAULT_RANDOM}::{UNKNOWN}"
    assert basic[DEFAULT_AWS]["inputs"] == {
        "region": "ap-south-1",
        "defaultTags": '{"tags":{"managed-by":"pulumi"}}',
        "skipMetadataApiCheck": "true",
        "version": "7.51.1",
    }
    assert basic[DEFAULT_AWS]["default_provider"] is True
    assert basic[DEFAULT_RANDOM]["inputs"] == {"version": "4.21.4"}


def test_explicit_provider_inputs_carry_the_plugin_version(basic: dict[str, dict[str, Any]]) -> None:
    """The engine adds `version` to a provider's inputs; the SDK JSON-encodes object inputs."""
    inputs = basic[EXPLICIT]["inputs"]
    assert inputs["region"] == "eu-west-1"
    assert inputs["version"] == "7.51.1"
    assert inputs["defaultTags"] == '{"tags": {"jurisdiction": "EU"}}'


def test_dependencies_and_property_dependencies_are_recorded(basic: dict[str, dict[str, Any]]) -> None:
    """`depends_on` lands in dependencies only; an input built from an output lands in both."""
    assert basic[SUBNET]["property_dependencies"]["vpcId"] == [VPC]
    assert basic[SUBNET]["dependencies"] == [VPC]
    assert basic[SECRET_RESOURCE]["property_dependencies"]["kmsKeyId"] == [KEY]
    assert sorted(basic[SECRET_RESOURCE]["dependencies"]) == sorted([SUBNET, KEY])
    assert basic[SECRET_RESOURCE]["property_dependencies"]["tags"] == []


def test_protect_is_recorded_only_where_the_program_sets_it(basic: dict[str, dict[str, Any]]) -> None:
    """The key is protected; nothing else is."""
    assert {urn for urn, r in basic.items() if r["protect"]} == {KEY}


def test_computed_values_stay_unknown_as_in_a_preview(basic: dict[str, dict[str, Any]]) -> None:
    """An id is not known before the resource exists, and no provider-computed output is invented."""
    assert basic[SUBNET]["inputs"]["vpcId"] == UNKNOWN
    assert basic[SECRET_RESOURCE]["inputs"]["kmsKeyId"] == UNKNOWN
    assert "arn" not in basic[KEY]["outputs"]
    assert basic[STACK]["outputs"]["vpcId"] == UNKNOWN


def test_secure_config_values_reach_resources_as_secrets(basic: dict[str, dict[str, Any]]) -> None:
    """A `secure:` stack value is a secret placeholder, wrapped as a secret on the wire."""
    assert basic[SECRET_VALUE]["inputs"]["secretString"] == {**SECRET, "value": "[secret]"}


def test_stack_and_component_outputs_are_recorded(basic: dict[str, dict[str, Any]]) -> None:
    """Exports (with the project's typed default applied) and register_outputs are what AnalyzeStack sees."""
    assert basic[STACK]["outputs"]["replicas"] == 2
    assert basic[STORE]["outputs"] == {"vpcId": UNKNOWN}


def test_effective_regions_explicit_default_and_per_resource(basic: dict[str, dict[str, Any]]) -> None:
    """Own `region` input first, else the provider's region, explicit or default."""
    views = {view.urn: view for view in Inventory(list(basic.values())).views()}
    assert views[VPC].region == "eu-west-1"
    assert views[ARCHIVE].region == "ap-south-1"
    assert views[PINNED].region == "eu-central-1"
    assert views[STORE].region is None
    assert views[SUFFIX].region is None


def test_classification_merges_provider_default_tags_under_resource_tags(
    basic: dict[str, dict[str, Any]],
) -> None:
    """The resource's own `data-classification` tag is read through the effective tags."""
    views = {view.urn: view for view in Inventory(list(basic.values())).views()}
    assert views[KEY].classification == "pii"
    assert views[ARCHIVE].classification == "anonymised"
    assert views[VPC].classification is None


def test_invokes_go_to_the_resources_provider_and_are_answered_for_its_region(
    basic: dict[str, dict[str, Any]],
) -> None:
    """get_availability_zones with parent=self uses the explicit provider, so zones are in eu-west-1."""
    assert basic[SUBNET]["inputs"]["availabilityZone"] == "eu-west-1a"


def test_invokes_are_recorded_with_their_provider() -> None:
    """The invoke log names the explicit provider, not a default one."""
    run = run_program(load_stack(FIXTURES / "basic", "test"))
    assert run.invokes == [
        {"token": "aws:index/getAvailabilityZones:getAvailabilityZones", "provider": f"{EXPLICIT}::{UNKNOWN}"}
    ]


def test_stack_and_resource_transforms_run_before_the_registration_is_recorded() -> None:
    """The engine runs transforms; the recorder does too, so their tags and options are what policies see."""
    registrations = record("transforms")
    raw = registrations["urn:pulumi:test::transforms::aws:s3/bucket:Bucket::raw"]
    kept = registrations["urn:pulumi:test::transforms::aws:s3/bucket:Bucket::kept"]
    assert raw["inputs"]["tags"] == {"data-classification": "telemetry"}
    assert raw["protect"] is False
    assert kept["inputs"]["tags"] == {"data-classification": "pii"}
    assert kept["protect"] is True


def test_resources_passed_as_inputs_are_recorded_as_references_without_deadlock() -> None:
    """A custom resource and a component as inputs: recorded as the engine's references, in bounded time."""
    registrations = record("references")
    suffix = registrations["urn:pulumi:test::references::random:index/randomId:RandomId::suffix"]
    keepers = suffix["inputs"]["keepers"]
    assert keepers["bucket"][SIGNATURE_KEY] == RESOURCE_SIGNATURE
    assert keepers["bucket"]["urn"].endswith(
        "fixture:components:Archive$aws:s3/bucket:Bucket::archive-bucket"
    )
    assert keepers["archive"][SIGNATURE_KEY] == RESOURCE_SIGNATURE
    assert keepers["archive"]["urn"] == "urn:pulumi:test::references::fixture:components:Archive::archive"
    # Only the program's resources: no second copy of a rehydrated reference.
    assert sum(1 for urn in registrations if urn.endswith("::archive-bucket")) == 1


def test_a_remote_component_fails_the_preview_naming_it() -> None:
    """awsx-style components are built by their plugin: refused, not recorded as one childless resource."""
    result = preview("-s", "test", "-C", str(FIXTURES / "remote"), timeout=120)
    assert result.returncode == 2
    assert "the offline preview cannot run the multi-language (remote) component awsx:ec2:Vpc 'network'" in (
        result.stderr
    )


def test_a_dynamic_providers_default_provider_gets_the_whole_namespaced_config() -> None:
    """Target.GetPackageConfig: every key keeps its namespace (`aws:region`); secrets stay secret."""
    registrations = record("dynamic")
    provider = next(r for r in registrations.values() if r["type"] == "pulumi:providers:pulumi-python")
    inputs = provider["inputs"]
    assert inputs["aws:region"] == "eu-west-1"
    assert inputs["dynamic:greeting"] == "hello"
    assert inputs["dynamic:token"] == {**SECRET, "value": "[secret]"}
    assert "region" not in inputs


def test_manifests_applied_as_yaml_are_decoded_and_registered_as_the_engine_would() -> None:
    """kubernetes.yaml.ConfigGroup decodes its text through the provider (`kubernetes:yaml:decode`): the mocks
    decode it as the provider does, so each object is registered, and judged, as a child of the group
    (reviewer blind-k8s13 k24: a CronJob applied as YAML registered nothing and passed unseen)."""
    registrations = record("manifests")
    types = sorted(r["type"] for r in registrations.values())
    assert "kubernetes:batch/v1:CronJob" in types and "kubernetes:core/v1:Namespace" in types, types
    cron = next(r for r in registrations.values() if r["type"] == "kubernetes:batch/v1:CronJob")
    assert cron["inputs"]["spec"]["schedule"] == "0 2 * * *"
    assert "kubernetes:yaml:ConfigGroup::manifests" in cron["parent"]
