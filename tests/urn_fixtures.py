"""The URNs a deployed region stack holds, and the engine's way of finding a resource in them again.

`tests/fixtures/urns/<stack>.txt` records, for every resource the program registers, the URN under which a
deployed stack holds it, with digests of its inputs, its options and its dependencies. A restructuring that
moves a resource under another parent changes its URN; the resource must then carry an alias that leads the
engine back to the recorded URN, or `pulumi up` deletes the deployed resource and creates a new one.
`match_state` replays the engine's step generator (pkg/resource/deploy/step_generator.go: generateURN,
generateAliases, collapseAliasToUrn, inheritedChildAlias and the old-state look-up in generateSteps) over
the recorded URNs, so a test can show that every registration finds exactly one recorded resource.

Write the fixtures with `.venv/bin/python -m tests.urn_fixtures` (eu, india and eu-connected). Rewriting
keeps every resource the current fixture already holds under its recorded URN (found as the engine finds it,
through its aliases) and adds new resources under their own URN: regenerate after adding or deliberately
changing resources, and review the diff, which names every resource whose URN, inputs, options or
dependencies changed. The type aliases the provider SDKs attach to every resource (old API versions, renamed
modules) are aliases like any other, which is why a resource's identity is found by matching and not read
off its first alias.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from residency.defaults import EKS_CALENDAR_CHECKED
from residency.settings import CALENDAR_DAY_VARIABLE, PROJECT
from tests.recording import ROOT_STACK_TYPE, AliasSpec, Registration
from tests.session_cache import shared
from tests.stack_harness import PROGRAM_DIR, StackRun, committed_run, run_stack

FIXTURE_DIRECTORY = Path(__file__).resolve().parent / "fixtures" / "urns"


def qualified_type(urn: str) -> str:
    """The type part of a URN, with its parents' types: `a:b:C$d:e:F`."""
    return urn.split("::")[2]


def urn_type(urn: str) -> str:
    """The resource's own type: the last element of the qualified type."""
    return qualified_type(urn).split("$")[-1]


def urn_name(urn: str) -> str:
    """The name part of a URN (names may contain `::`)."""
    return urn.split("::", 3)[3]


def create_urn(name: str, type_: str, parent: str, project: str, stack: str) -> str:
    """The engine's resource.CreateURN: the parent's URN without its name, then `$type::name`."""
    if not parent:
        return f"urn:pulumi:{stack}::{project}::{type_}::{name}"
    return f"{parent[: parent.rindex('::')]}${type_}::{name}"


def new_urn(stack: str, project: str, parent_type: str, type_: str, name: str) -> str:
    """The engine's resource.NewURN: the parent's qualified type prefixes the type, unless it is the stack."""
    qualified = type_ if not parent_type or parent_type == ROOT_STACK_TYPE else f"{parent_type}${type_}"
    return f"urn:pulumi:{stack}::{project}::{qualified}::{name}"


@dataclass
class EngineAliases:
    """The step generator's alias bookkeeping for one deployment (its `aliases` and `aliased` maps)."""

    stack: str
    project: str = PROJECT
    matched_by_alias: dict[str, str] = field(default_factory=dict)
    """New URN -> the old URN it was found under, for resources found through an alias (`sg.aliases`)."""

    def collapse(self, registration: Registration, alias: AliasSpec) -> str:
        """collapseAliasToUrn: the old URN one alias names, unset parts taken from the registration."""
        if alias.urn:
            return alias.urn
        name = alias.name or registration.name
        type_ = alias.type or registration.type
        if alias.parent_urn:
            # A parent that was itself found through an alias: its old URN is the one the child was under.
            parent = self.matched_by_alias.get(alias.parent_urn, alias.parent_urn)
        else:
            parent = registration.parent
        if alias.no_parent or (parent and qualified_type(parent) == ROOT_STACK_TYPE):
            parent = ""
        return create_urn(name, type_, parent, alias.project or self.project, alias.stack or self.stack)

    def inherited(self, type_: str, name: str, parent_name: str, parent_alias: str) -> str:
        """inheritedChildAlias: a child's old URN under its parent's old URN (and old name prefix)."""
        alias_name = name
        if name.startswith(parent_name):
            alias_name = urn_name(parent_alias) + name[len(parent_name) :]
        return new_urn(self.stack, self.project, qualified_type(parent_alias), type_, alias_name)

    def generate(self, registration: Registration) -> list[str]:
        """generateAliases: every old URN the engine tries for a registration after its own, in order."""
        result: list[str] = []

        def add(urn: str) -> None:
            if urn not in result:
                result.append(urn)

        for alias in registration.aliases:
            add(self.collapse(registration, alias))
        parent_alias = self.matched_by_alias.get(registration.parent)
        if registration.parent and parent_alias is not None:
            parent_name = urn_name(registration.parent)
            add(self.inherited(registration.type, registration.name, parent_name, parent_alias))
            for alias in registration.aliases:
                collapsed = self.collapse(registration, alias)
                add(self.inherited(urn_type(collapsed), urn_name(collapsed), parent_name, parent_alias))
        return result


@dataclass
class StateMatch:
    """What the engine would do with each registration against a recorded state."""

    found: dict[str, str]
    """New URN -> the recorded URN the engine finds it under (its own, or an alias)."""
    created: list[Registration]
    """Registrations that find no recorded resource: the engine creates them."""
    deleted: list[str]
    """Recorded URNs no registration claims: the engine deletes them."""
    errors: list[str]
    """What the engine refuses: two resources claiming one recorded resource."""


def match_state(registrations: Sequence[Registration], recorded: Iterable[str], stack: str) -> StateMatch:
    """Replay the engine's old-state look-up: own URN first, then each alias; the first recorded one wins."""
    olds = set(recorded)
    engine = EngineAliases(stack=stack)
    seen_urns: set[str] = set()
    aliased: dict[str, str] = {}
    found: dict[str, str] = {}
    created: list[Registration] = []
    errors: list[str] = []
    for registration in registrations:
        urn = registration.urn
        if urn in aliased:
            errors.append(f"{urn} is registered, but {aliased[urn]} already claimed it as an alias")
        seen_urns.add(urn)
        for candidate in [urn, *engine.generate(registration)]:
            if candidate not in olds:
                continue
            if candidate != urn:
                if candidate in seen_urns:
                    errors.append(f"{urn} claims {candidate} as an alias, but a resource has that URN")
                if candidate in aliased:
                    errors.append(f"{urn} and {aliased[candidate]} both claim {candidate} as an alias")
                aliased[candidate] = urn
                engine.matched_by_alias[urn] = candidate
            found[urn] = candidate
            break
        else:
            created.append(registration)
    deleted = sorted(olds - set(found.values()))
    return StateMatch(found=found, created=created, deleted=deleted, errors=errors)


def _digest(value: Any) -> str:
    """A short, stable digest of a JSON-shaped value."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class RecordedResource:
    """One line of a fixture: where a deployed stack holds a resource, and what it was declared with."""

    urn: str
    inputs: str
    options: str
    dependencies: str

    def line(self) -> str:
        """The fixture line."""
        return f"{self.urn} inputs={self.inputs} options={self.options} dependencies={self.dependencies}"

    @classmethod
    def parse(cls, line: str) -> RecordedResource:
        """A fixture line back."""
        urn, inputs, options, dependencies = line.rsplit(" ", 3)
        return cls(
            urn=urn,
            inputs=inputs.removeprefix("inputs="),
            options=options.removeprefix("options="),
            dependencies=dependencies.removeprefix("dependencies="),
        )


def describe(registration: Registration, identity: Callable[[str], str]) -> RecordedResource:
    """A registration as a fixture records it; every URN it refers to is mapped through `identity`."""
    return RecordedResource(
        urn=identity(registration.urn),
        inputs=_digest(registration.inputs),
        options=_digest(
            {
                "custom": registration.custom,
                "protect": registration.protect,
                "provider": identity(registration.provider_urn) if registration.provider_urn else "",
                **registration.options,
                "deletedWith": identity(registration.options["deletedWith"])
                if registration.options.get("deletedWith")
                else "",
            }
        ),
        dependencies=_digest(
            {
                "dependencies": sorted(identity(urn) for urn in registration.dependencies),
                "properties": {
                    key: sorted(identity(urn) for urn in urns)
                    for key, urns in registration.property_dependencies.items()
                },
            }
        ),
    )


def fixture_path(name: str) -> Path:
    """Where one configuration's recorded URNs live."""
    return FIXTURE_DIRECTORY / f"{name}.txt"


def read_fixture(name: str) -> dict[str, RecordedResource]:
    """One configuration's recorded resources by URN."""
    lines = fixture_path(name).read_text().splitlines()
    recorded = [RecordedResource.parse(line) for line in lines if line and not line.startswith("#")]
    return {resource.urn: resource for resource in recorded}


def fixture_text(name: str, registrations: Sequence[Registration], identities: Mapping[str, str]) -> str:
    """The fixture for one run; `identities` maps a URN to the one the deployed stack holds it under."""
    lines = sorted(describe(r, lambda urn: identities.get(urn, urn)).line() for r in registrations)
    header = [
        f"# The resources of {name} as a deployed stack holds them: URN, then digests of the inputs, the",
        "# options and the dependencies. Written by `python -m tests.urn_fixtures`; see its docstring.",
    ]
    return "\n".join([*header, *lines]) + "\n"


CERTIFICATE_ARN = "arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c-4b5a-6789-abcd-ef0123456789"
CONNECTED = "eu-connected"
"""The eu stack once both regions are connected, with every optional key set: the peering connection (eu
requests it) and its routes, the peer-link Job and the peer's CA certificate in the servers' TLS Secrets, the
given certificate on the HTTPS listener and the admin access entries exist only then, and a deployed stack
will hold them too."""
CONNECTED_PEER_HOST = "k8s-india-replicat-0123456789.elb.ap-south-1.amazonaws.com"
CONNECTED_PEER_CA = (
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBZzCCAQ2gAwIBAgIBATAKBggqhkjOPQQDAjAxMRIwEAYDVQQKDAlyZXNpZGVu\n"
    "Y3kxGzAZBgNVBAMMEnRlbGVtZXRyeSBDQSBpbmRpYTAeFw0yNjEyMDEwMDAwMDBa\n"
    "Fw0zNjExMjgwMDAwMDBaMDExEjAQBgNVBAoMCXJlc2lkZW5jeTEbMBkGA1UEAwwS\n"
    "dGVsZW1ldHJ5IENBIGluZGlhMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEenJd\n"
    "mLY3j5yUY/YnNzCtmvo3vx0uzOWjzCEXoRkzj6dkU0NX7K43qX1fwOZv6bC9IQOu\n"
    "asPCG0RpeLj1L0v0MaMWMBQwEgYDVR0TAQH/BAgwBgEB/wIBADAKBggqhkjOPQQD\n"
    "AgNIADBFAiAr1nl91dXCa+KDnQ+CSE/SKUvSfet3FvCSEwvNJILhbwIhAPfzz+BW\n"
    "qqaq7J3YYKHjQHgx8vMQDfdKXMj6V6QbkjEM\n"
    "-----END CERTIFICATE-----\n"
)
"""india's telemetryCaCertificate output as eu's `residency:peer.caCertificate` holds it (a real, public CA
certificate, fixed so that the fixture's digests are)."""


CONNECTED_PEERS = {
    "eu": ("vpc-0123456789abcdef0", CONNECTED_PEER_HOST),
    "india": ("vpc-0f1e2d3c4b5a69788", "k8s-eu-replicat-0123456789.elb.eu-west-1.amazonaws.com"),
}
"""By stack: the peer's VPC and replication host a connected stack names (india accepts eu's peering)."""


def connected_stack_config(stack: str = "eu") -> dict[str, Any]:
    """A committed stack file with every optional key a connected, production stack sets."""
    stack_file = PROGRAM_DIR / f"Pulumi.{stack}.yaml"
    config: dict[str, Any] = (yaml.safe_load(stack_file.read_text()) or {})["config"]
    vpc_id, host = CONNECTED_PEERS[stack]
    config["residency:peer"] = {
        **config["residency:peer"],
        "vpcId": vpc_id,
        "replicationHost": host,
        "caCertificate": CONNECTED_PEER_CA,
    }
    config["residency:loadBalancer"] = {
        **config["residency:loadBalancer"],
        "certificateArn": CERTIFICATE_ARN.replace(":eu-west-1:", f":{config['aws:region']}:"),
    }
    config["residency:cluster"] = {
        **config["residency:cluster"],
        "adminPrincipalArns": ["arn:aws:iam::123456789012:role/platform-admins"],
    }
    return config


def run_configuration(name: str, scratch: Path) -> StackRun:
    """One run of the program for a fixture: a committed stack, or the connected eu stack in `scratch`."""
    if name != CONNECTED:
        return committed_run(name)
    shutil.copy(PROGRAM_DIR / "Pulumi.yaml", scratch / "Pulumi.yaml")
    (scratch / "Pulumi.eu.yaml").write_text(yaml.safe_dump({"config": connected_stack_config()}))
    return run_stack("eu", scratch)


def connected_run() -> StackRun:
    """The connected eu stack, run from its config in a scratch project directory, once a test session.

    The stack tests and the URN tests read the same run (tests.session_cache).
    """

    def run() -> StackRun:
        with tempfile.TemporaryDirectory() as scratch:
            return run_configuration(CONNECTED, Path(scratch))

    return shared(("tests.urn_fixtures.connected_run", str(PROGRAM_DIR)), run)


def session_run(name: str) -> StackRun:
    """The run of a fixture's configuration the tests share: one per session (`main` always runs afresh)."""
    return connected_run() if name == CONNECTED else committed_run(name)


def main(names: Sequence[str]) -> None:
    """Run the program for each fixture and write it."""
    FIXTURE_DIRECTORY.mkdir(parents=True, exist_ok=True)
    for name in names:
        with tempfile.TemporaryDirectory() as scratch:
            run = run_configuration(name, Path(scratch))
        recorded = read_fixture(name) if fixture_path(name).is_file() else {}
        identities = match_state(run.registrations, recorded, run.stack).found
        fixture_path(name).write_text(fixture_text(name, run.registrations, identities))
        print(f"{fixture_path(name)}: {len(run.registrations)} resources")


def mapping_problems(
    registrations: Sequence[Registration],
    recorded: Mapping[str, RecordedResource],
    stack: str,
    new_component_types: frozenset[str] = frozenset(),
) -> list[str]:
    """Every way the program's registrations fail to map one to one onto the recorded resources."""
    match = match_state(registrations, recorded, stack)
    problems = list(match.errors)
    for registration in match.created:
        if registration.custom or registration.type not in new_component_types:
            problems.append(
                f"{registration.urn} matches no recorded resource (tried its aliases "
                f"{EngineAliases(stack=stack).generate(registration)}): `pulumi up` would create it"
            )
    problems.extend(
        f"{urn} is recorded but claimed by no resource: `pulumi up` would delete it" for urn in match.deleted
    )
    identities = dict(match.found)
    for registration in registrations:
        old = match.found.get(registration.urn)
        if old is None:
            continue
        if urn_type(old) != registration.type:
            problems.append(f"{registration.urn} has type {registration.type}, recorded {old} has another")
        now = describe(registration, lambda urn: identities.get(urn, urn))
        then = recorded[old]
        for part in ("inputs", "options", "dependencies"):
            if getattr(now, part) != getattr(then, part):
                problems.append(f"{registration.urn} (recorded as {old}): its {part} changed")
    return problems


if __name__ == "__main__":
    # The day the tests judge the EKS version on (tests/conftest.py): recording does not depend on the clock.
    os.environ.setdefault(CALENDAR_DAY_VARIABLE, EKS_CALENDAR_CHECKED.isoformat())
    main(sys.argv[1:] or ["eu", "india", CONNECTED])
