"""Restructuring the program moves no deployed resource: each registration finds its recorded URN once.

The fixtures (tests/fixtures/urns/) hold the URNs of both committed stacks and of the eu stack once
connected to its peer, recorded from the program as deployed. `match_state` looks every registration up the
way the engine does (its own URN, then the aliases the engine computes from the alias specs the SDK sends),
so a resource moved under a child component without an alias, a lost or a doubled resource, or a changed
input fails here, before a `pulumi up` would replace a database.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from tests.recording import AliasSpec, Registration
from tests.stack_harness import StackRun
from tests.urn_fixtures import (
    CONNECTED,
    EngineAliases,
    create_urn,
    mapping_problems,
    match_state,
    read_fixture,
    session_run,
)

CONFIGURATIONS = ("eu", "india", CONNECTED)

NEW_COMPONENT_TYPES: frozenset[str] = frozenset(
    {
        "residency:regionalCluster:Network",
        "residency:regionalCluster:KubernetesCluster",
        "residency:regionalCluster:LoadBalancer",
        "residency:regionalCluster:ClusterBaseline",
        "residency:telemetryStore:TelemetryServer",
        "residency:telemetryStore:TelemetryNetworkPolicies",
        "residency:telemetryStore:SqlJobs",
    }
)
"""Child components the restructuring added: they hold no cloud resource, so they may be new to a state."""


@pytest.fixture(scope="module", params=CONFIGURATIONS)
def configuration(request: pytest.FixtureRequest) -> tuple[str, StackRun]:
    """One run of the program per recorded configuration (once a session: the stack tests read them too)."""
    name = str(request.param)
    return name, session_run(name)


def test_every_recorded_resource_is_found_again_once_with_its_inputs_options_and_dependencies(
    configuration: tuple[str, StackRun],
) -> None:
    name, run = configuration
    recorded = read_fixture(name)
    assert len(recorded) > 100, f"{name}: the fixture lost its resources"
    problems = mapping_problems(run.registrations, recorded, run.stack, NEW_COMPONENT_TYPES)
    assert problems == [], "\n".join(problems)


def test_the_moved_resources_are_found_only_through_their_alias_and_dropping_it_would_recreate_them(
    configuration: tuple[str, StackRun],
) -> None:
    name, run = configuration
    recorded = read_fixture(name)
    found = match_state(run.registrations, recorded, run.stack).found
    moved = [r for r in run.registrations if found.get(r.urn, r.urn) != r.urn]
    # The child components took most resources over from the public components.
    assert len(moved) > 80, f"{name}: only {len(moved)} resources moved under child components"
    for registration in moved:
        dropped = dataclasses.replace(
            registration, aliases=tuple(a for a in registration.aliases if not a.parent_urn)
        )
        without = [dropped if r is registration else r for r in run.registrations]
        match = match_state(without, recorded, run.stack)
        assert match.deleted == [found[registration.urn]], registration.urn
        assert registration.urn in {r.urn for r in match.created}, registration.urn


# --- the engine's alias resolution, on small cases whose URNs are worked out by hand ---

STACK_URN = "urn:pulumi:eu::residency::pulumi:pulumi:Stack::residency-eu"
OUTER = "urn:pulumi:eu::residency::acme:index:Outer::eu"
INNER = "urn:pulumi:eu::residency::acme:index:Outer$acme:index:Inner::eu-inner"
KEY_UNDER_OUTER = "urn:pulumi:eu::residency::acme:index:Outer$aws:kms/key:Key::eu-key"
KEY_UNDER_INNER = "urn:pulumi:eu::residency::acme:index:Outer$acme:index:Inner$aws:kms/key:Key::eu-key"


def registration(urn: str, parent: str, *aliases: AliasSpec, custom: bool = True) -> Registration:
    """A registration as the recording monitor would keep it."""
    chain, name = urn.split("::")[2], urn.split("::", 3)[3]
    return Registration(
        type=chain.split("$")[-1],
        name=name,
        urn=urn,
        parent=parent,
        custom=custom,
        provider="",
        inputs={},
        protect=False,
        aliases=aliases,
    )


def test_an_alias_naming_the_old_parent_gives_the_old_urn_with_the_whole_parent_type_chain() -> None:
    moved = registration(KEY_UNDER_INNER, INNER, AliasSpec(parent_urn=OUTER))
    assert EngineAliases(stack="eu").generate(moved) == [KEY_UNDER_OUTER]
    grandchild = registration(
        "urn:pulumi:eu::residency::acme:index:Outer$acme:index:Inner$acme:index:Deep$aws:kms/key:Key::eu-key",
        "urn:pulumi:eu::residency::acme:index:Outer$acme:index:Inner$acme:index:Deep::eu-deep",
        AliasSpec(parent_urn=INNER),
    )
    assert EngineAliases(stack="eu").generate(grandchild) == [KEY_UNDER_INNER]


def test_an_alias_to_the_root_stack_or_to_no_parent_leaves_the_stack_type_out() -> None:
    top = "urn:pulumi:eu::residency::aws:kms/key:Key::eu-key"
    assert EngineAliases(stack="eu").generate(
        registration(KEY_UNDER_OUTER, OUTER, AliasSpec(parent_urn=STACK_URN))
    ) == [top]
    assert EngineAliases(stack="eu").generate(
        registration(KEY_UNDER_OUTER, OUTER, AliasSpec(no_parent=True))
    ) == [top]
    assert create_urn("eu-key", "aws:kms/key:Key", "", "residency", "eu") == top


def test_a_child_inherits_its_parents_alias_renamed_with_the_parents_old_name() -> None:
    old_inner = "urn:pulumi:eu::residency::acme:index:Inner::old"
    engine = EngineAliases(stack="eu", matched_by_alias={INNER: old_inner})
    child = registration(KEY_UNDER_INNER, INNER)
    # The child is named after its parent's new name (eu-inner is not a prefix of eu-key): name unchanged.
    assert engine.generate(child) == ["urn:pulumi:eu::residency::acme:index:Inner$aws:kms/key:Key::eu-key"]
    named_after = registration(
        "urn:pulumi:eu::residency::acme:index:Outer$acme:index:Inner$aws:kms/key:Key::eu-inner-key", INNER
    )
    assert engine.generate(named_after) == [
        "urn:pulumi:eu::residency::acme:index:Inner$aws:kms/key:Key::old-key"
    ]


def test_a_moved_resource_without_its_alias_is_a_delete_and_a_create() -> None:
    recorded = {OUTER, KEY_UNDER_OUTER}
    components = [registration(OUTER, "", custom=False), registration(INNER, OUTER, custom=False)]
    with_alias = [*components, registration(KEY_UNDER_INNER, INNER, AliasSpec(parent_urn=OUTER))]
    found = match_state(with_alias, recorded, "eu")
    assert found.found[KEY_UNDER_INNER] == KEY_UNDER_OUTER and found.deleted == [] and found.errors == []
    assert [r.urn for r in found.created] == [INNER]
    without = match_state([*components, registration(KEY_UNDER_INNER, INNER)], recorded, "eu")
    assert without.deleted == [KEY_UNDER_OUTER]
    assert [r.urn for r in without.created] == [INNER, KEY_UNDER_INNER]


def test_two_resources_claiming_one_recorded_resource_are_refused() -> None:
    recorded = {KEY_UNDER_OUTER}
    first = registration(KEY_UNDER_INNER, INNER, AliasSpec(parent_urn=OUTER))
    second = dataclasses.replace(
        first, urn=KEY_UNDER_INNER.replace("acme:index:Inner$", "acme:index:Other$"), parent="x::y::z::w"
    )
    match = match_state([first, second], recorded, "eu")
    assert len(match.errors) == 1 and "both claim" in match.errors[0]


def test_the_fixtures_are_the_committed_ones() -> None:
    directory = Path(__file__).resolve().parent / "fixtures" / "urns"
    assert sorted(path.stem for path in directory.glob("*.txt")) == sorted(CONFIGURATIONS)
