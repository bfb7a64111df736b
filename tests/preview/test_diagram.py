"""The residency map: what it draws for the real stacks, for every copy the pack traces, for violations and
for a change against a deployed state. Each test reads the Mermaid text back (tests/preview/map_text.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from offline_preview.analysis import PolicyViolation
from offline_preview.diagram import ResidencyMap
from offline_preview.inventory import Inventory
from tests.policies.baseline import eu_region
from tests.policies.copies import COPIES
from tests.policies.policy_harness import Res, run_pack, stack_of

from .conftest import FIXTURES, REPOSITORY, UNKNOWN
from .map_text import REAL_STACKS, DrawnMap, read_map, real_stack_registrations

PEERS = {"eu": "india", "india": "eu"}
SERVICE = "kubernetes:core/v1:Service"
NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy"


def _map(stack: str, **options: Any) -> tuple[ResidencyMap, DrawnMap]:
    residency = ResidencyMap(stack, REPOSITORY, list(real_stack_registrations(stack)), **options)
    return residency, read_map(residency.markdown())


def _urn(stack: str, name: str) -> str:
    return next(r["urn"] for r in real_stack_registrations(stack) if r["name"] == name)


def _violation(urn: str, policy: str, level: str = "mandatory") -> PolicyViolation:
    return PolicyViolation("residency", "0.1.0", policy, level, urn, f"{policy} is broken on {urn}")


# The real stacks --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("stack", REAL_STACKS)
def test_the_peer_links_leave_from_the_exchange_and_the_store_not_from_a_service_or_network_policy(
    stack: str,
) -> None:
    """Two thick arrows cross the border, both to the peer stack's region: the exchange, reachable from the
    peer (its inbox), and the store, which may connect there (its push). The map draws the store's path with
    what the store holds, telemetry: the network lets it connect to the peer's exchange, and that only the
    release crosses is the telemetry SQL's guarantee, which no network rule shows."""
    residency, drawn = _map(stack)
    exchange = drawn.named(f"{stack}-telemetry-exchange-statefulset")
    store = drawn.named(f"{stack}-telemetry-store-statefulset")
    crossing = [edge for edge in drawn.edges if edge.thick]
    assert sorted((edge.source, edge.label) for edge in crossing) == sorted(
        [(exchange.id, "anonymised"), (store.id, "telemetry")]
    ), drawn.text
    assert len({edge.target for edge in crossing}) == 1
    peer = drawn.nodes[crossing[0].target]
    assert peer.lines == [
        f"stack {PEERS[stack]}",
        f"VPC {'10.20.0.0/16' if stack == 'eu' else '10.10.0.0/16'}",
    ]
    assert peer.box.startswith(REAL_STACKS[PEERS[stack]]) and peer.shape == "outside"
    # The Service and the NetworkPolicy open the path; they are what makes the flow, not its end.
    assert not any(
        line.startswith(("Service", "NetworkPolicy")) for n in drawn.nodes.values() for line in n.lines
    )
    flows = {
        f.source.rsplit("::", 1)[-1]: f
        for f in residency.flows()
        if f.target == peer_key(residency, peer.lines)
    }
    assert set(flows) == {f"{stack}-telemetry-exchange-statefulset", f"{stack}-telemetry-store-statefulset"}
    inbox = flows[f"{stack}-telemetry-exchange-statefulset"]
    assert inbox.how == "reachable from there"
    assert {residency.index.type_of(urn) for urn in inbox.via} == {SERVICE, NETWORK_POLICY}
    assert _urn(stack, f"{stack}-telemetry-replication-service") in inbox.via
    push = flows[f"{stack}-telemetry-store-statefulset"]
    assert push.how == "may connect there"
    assert push.via == (_urn(stack, f"{stack}-telemetry-store-network-policy"),)


def peer_key(residency: ResidencyMap, lines: list[str]) -> str:
    """The node key of the outside end drawn with these lines."""
    _, nodes, _ = residency.graph()
    return next(node.key for node in nodes if node.lines == lines)


@pytest.mark.parametrize("stack", REAL_STACKS)
def test_the_store_and_its_exchange_never_talk_and_nothing_flows_into_the_store(stack: str) -> None:
    """The store pushes to the peer's exchange, not its own; no arrow reaches the store."""
    _, drawn = _map(stack)
    store = drawn.named(f"{stack}-telemetry-store-statefulset")
    exchange = drawn.named(f"{stack}-telemetry-exchange-statefulset")
    assert "telemetry" in store.classes and "anonymised" in exchange.classes
    (push,) = drawn.edges_from(store)
    assert push.thick and push.target != exchange.id
    assert drawn.edges_to(store) == []
    assert drawn.edges_to(exchange) == []
    assert store.box == exchange.box and store.box.startswith(f"{REAL_STACKS[stack]} · ")


@pytest.mark.parametrize("stack", REAL_STACKS)
def test_every_pii_store_is_its_own_node_with_the_pii_class_and_nothing_leaves_it(stack: str) -> None:
    """PII is visibly distinct: each PII data store has a box of its own, class pii, and no arrow out."""
    _, drawn = _map(stack)
    views = Inventory(list(real_stack_registrations(stack))).views()
    pii = [view.name for view in views if view.data_holding and view.classification == "pii"]
    assert {f"{stack}-pii-instance", f"{stack}-pii-postgresql-logs"} <= set(pii)
    for name in pii:
        node = drawn.named(name)
        assert "pii" in node.classes and node.shape == "store"
        assert node.lines[0] == "PII" and node.lines[1] in ("rds Instance", "cloudwatch LogGroup")
        assert drawn.edges_from(node) == []
    marked = {n.id for n in drawn.nodes.values() if "pii" in n.classes and not n.box.startswith("Legend")}
    assert marked == {drawn.named(name).id for name in pii}
    region = f"{REAL_STACKS[stack]} · {'EU · GDPR' if stack == 'eu' else 'IN · Digital Personal'}"
    assert all(drawn.named(name).box.startswith(region) for name in pii)


@pytest.mark.parametrize("stack", REAL_STACKS)
def test_the_real_maps_stay_small_enough_for_one_screen(stack: str) -> None:
    """At most 10 boxes of the stack and 4 regions or places: the rendered height is checked in
    test_diagram_render.py; this bound keeps a growing stack from getting there unnoticed."""
    residency, drawn = _map(stack)
    places, nodes, flows = residency.graph()
    assert len(nodes) <= 10 and len(places) <= 4 and len(flows) <= 8, drawn.text
    assert len([n for n in drawn.nodes.values() if not n.box.startswith("Legend")]) == len(nodes)


def test_the_legend_is_drawn_below_the_map_with_every_class_and_mark() -> None:
    """One legend subgraph, in a Mermaid block of its own right after the map's (so that it cannot widen
    the map): every classification, the outside shape, the violation mark and the arrows."""
    residency, drawn = _map("eu")
    markdown = residency.markdown()
    between = markdown.split("```mermaid\n")[1].split("\n```", 1)[1].split("```mermaid\n")[0]
    assert between.strip() == "", f"the legend must follow the map directly, not after {between!r}"
    legend = [n for n in drawn.nodes.values() if n.box.startswith("Legend")]
    assert drawn.boxes["legend"].startswith("Legend: a thick arrow leaves the region or account")
    assert {line for n in legend for line in n.lines} == {
        "PII",
        "telemetry",
        "anonymised",
        "internal, public",
        "unclassified",
        "outside this stack",
        "⚠ mandatory violation",
    }
    assert {next(iter(n.classes)) for n in legend if n.classes} >= {"pii", "violation", "outside"}


# Copies the pack traces -------------------------------------------------------------------------------------


def _registration(resource: Res) -> dict[str, Any]:
    """A harness resource as the offline preview's recorder registers it."""
    return {
        "urn": resource.urn,
        "type": resource.type,
        "name": resource.name,
        "custom": not resource.type.startswith("residency:components:"),
        "parent": resource.parent.urn if resource.parent else "",
        "provider": f"{resource.provider.urn}::id" if resource.provider else "",
        "inputs": resource.props,
        "property_dependencies": {key: [d.urn for d in deps] for key, deps in resource.deps.items()},
        "dependencies": [d.urn for deps in resource.deps.values() for d in deps],
        "protect": resource.protect,
    }


@pytest.mark.parametrize("mechanism", sorted(COPIES))
def test_every_copy_the_pack_traces_is_drawn_leaving_with_the_packs_violations(mechanism: str) -> None:
    """Each way pulumi-aws can copy PII out of the region: a thick arrow through the copying resource, from
    PII or an untraceable source, and every mandatory violation the real pack reports drawn on its node."""
    region = eu_region()
    copying, extra = COPIES[mechanism](region)
    resources = stack_of([*region.resources, *extra])
    reported = [
        PolicyViolation("residency", "0.1.0", d.policy, d.level, d.urn, d.message)
        for d in run_pack([*region.resources, *extra])
    ]
    mandatory = [v for v in reported if v.enforcement_level == "mandatory"]
    assert copying.urn in {v.urn for v in mandatory}
    residency = ResidencyMap(
        "eu", FIXTURES / "no-such-project", [_registration(r) for r in resources], reported
    )
    drawn = read_map(residency.markdown())
    copier = drawn.named(copying.name) if copying.name != region.database.name else None
    leaving = [
        edge
        for edge in drawn.edges
        if edge.thick and copier is not None and copier.id in (edge.source, edge.target)
    ]
    if copier is None:  # the PII database itself copies (a global member): its own node carries the marks
        copier = next(n for n in drawn.nodes.values() if any(copying.name == line for line in n.lines))
        leaving = [edge for edge in drawn.edges if edge.thick and copier.id == edge.source]
    assert leaving, drawn.text
    assert any(edge.label.startswith(("PII", "UNTRACEABLE")) for edge in leaving), drawn.text
    for violation in mandatory:
        node = _node_of(residency, drawn, violation.urn)
        assert f"⚠ {violation.policy_name}" in node.lines and "violation" in node.classes, drawn.text


def _node_of(residency: ResidencyMap, drawn: DrawnMap, urn: str) -> Any:
    """The drawn node of the graph node that holds a URN."""
    _, nodes, _ = residency.graph()
    index = next(i for i, node in enumerate(nodes) if urn in node.urns or node.key == urn)
    return drawn.nodes[f"n{index}"]


# Violations -------------------------------------------------------------------------------------------------


def test_every_mandatory_violation_is_drawn_on_what_it_names_and_advisory_ones_are_not() -> None:
    """On a data store, on a resource that holds no data (added to the map for it), and on the stack."""
    store = _urn("eu", "eu-pii-instance")
    group = _urn("eu", "eu-pii-security-group")
    flow_logs = _urn("eu", "eu-flow-logs")
    stack = _urn("eu", "residency-eu")
    violations = [
        _violation(store, "pii-encryption"),
        _violation(store, "pii-no-data-loss"),
        _violation(group, "pii-not-public"),
        _violation(stack, "stack-wide-rule"),
        _violation(flow_logs, "advisory-rule", "advisory"),
    ]
    residency, drawn = _map("eu", violations=violations)
    database = drawn.named("eu-pii-instance")
    assert database.lines[-2:] == ["⚠ pii-encryption", "⚠ pii-no-data-loss"]
    assert {"pii", "violation"} <= database.classes
    security_group = drawn.named("eu-pii-security-group")
    assert security_group.lines[-1] == "⚠ pii-not-public" and "violation" in security_group.classes
    (whole,) = [n for n in drawn.nodes.values() if "⚠ stack-wide-rule" in n.lines]
    assert whole.lines[:2] == ["stack", "residency-eu"] and whole.box.startswith("eu-west-1")
    assert not any("advisory-rule" in line for n in drawn.nodes.values() for line in n.lines)
    logs = next(n for n in drawn.nodes.values() if "eu-flow-logs" in n.lines)
    assert "violation" not in logs.classes
    markdown = residency.markdown()
    assert "| pii-not-public | eu-pii-security-group |" in markdown
    assert "4 mandatory violation(s)" in markdown


def test_a_violation_on_a_urn_the_preview_never_registered_is_still_drawn() -> None:
    """Fail closed: a violation is never dropped because its resource is not on the map."""
    ghost = "urn:pulumi:eu::residency::aws:s3/bucket:Bucket::ghost"
    _, drawn = _map("eu", violations=[_violation(ghost, "data-classification-required")])
    node = drawn.named("ghost")
    assert node.lines == ["s3 Bucket", "ghost", "⚠ data-classification-required"]
    assert "violation" in node.classes


# Network paths ----------------------------------------------------------------------------------------------


def _aws(
    name: str, kind: str, inputs: dict[str, Any], deps: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    return {
        "urn": f"urn:pulumi:test::p::{kind}::{name}",
        "type": kind,
        "name": name,
        "custom": True,
        "provider": "urn:pulumi:test::p::pulumi:providers:aws::eu::x",
        "inputs": inputs,
        "property_dependencies": deps or {},
        "dependencies": [u for urns in (deps or {}).values() for u in urns],
    }


def _peer_exposed(ingress: list[dict[str, Any]]) -> list[dict[str, Any]]:
    provider = {
        "urn": "urn:pulumi:test::p::pulumi:providers:aws::eu",
        "type": "pulumi:providers:aws",
        "name": "eu",
        "custom": True,
        "inputs": {"region": "eu-west-1"},
    }
    group = _aws("db", "aws:ec2/securityGroup:SecurityGroup", {"ingress": ingress})
    return [
        provider,
        _aws("vpc", "aws:ec2/vpc:Vpc", {"cidrBlock": "10.10.0.0/16"}),
        group,
        _aws(
            "pii",
            "aws:rds/instance:Instance",
            {"tags": {"data-classification": "pii"}},
            {"vpcSecurityGroupIds": [group["urn"]]},
        ),
    ]


def test_a_pii_database_reachable_from_the_peer_stack_and_the_internet_is_drawn_leaving() -> None:
    """A CIDR another stack of the project declares is named after it and drawn in its region; the internet
    is a place of its own; the stack's own VPC is not a flow."""
    registrations = _peer_exposed([{"cidrBlocks": ["10.10.0.0/16", "10.20.0.0/16", "0.0.0.0/0"]}])
    drawn = read_map(ResidencyMap("test", FIXTURES / "peers", registrations).markdown())
    database = drawn.named("pii")
    targets = {drawn.nodes[e.target].box: (e.thick, e.label) for e in drawn.edges_from(database)}
    assert targets == {
        "ap-south-1 · IN · Digital Personal Data Protection Act, 2023 · stack india": (True, "PII"),
        "the internet": (True, "PII"),
    }
    assert any(edge.style.startswith("stroke:#b00020") for edge in drawn.edges_from(database))


def test_an_unclassified_store_and_an_untraceable_source_are_drawn_as_such() -> None:
    """Neither is shown as harmless: the store gets the unclassified class, the copy a dashed purple arrow."""
    region = eu_region()
    copying, extra = COPIES["s3_object_copy_into_a_bucket_elsewhere"](region)
    registrations = [_registration(r) for r in stack_of([*region.resources, *extra])]
    registrations.append(_aws("loose", "aws:s3/bucket:Bucket", {}))
    registrations[-1]["provider"] = f"{region.provider.urn}::id"
    drawn = read_map(ResidencyMap("eu", FIXTURES / "no-such-project", registrations).markdown())
    assert "unclassified" in drawn.named("loose").classes
    assert drawn.named("loose").lines[:2] == ["UNCLASSIFIED", "s3 Bucket"]
    (into,) = drawn.edges_to(drawn.named(copying.name))
    assert into.label.startswith("UNTRACEABLE") and "stroke-dasharray" in into.style
    assert drawn.nodes[into.source].box == "region not traceable at preview"


# The path steps of the pack's mechanisms: `{json}`, `*` and `**` --------------------------------------------


def _eu_provider() -> dict[str, Any]:
    return {
        "urn": "urn:pulumi:test::p::pulumi:providers:aws::eu",
        "type": "pulumi:providers:aws",
        "name": "eu",
        "custom": True,
        "inputs": {"region": "eu-west-1"},
    }


def _boxes_reached(registrations: list[dict[str, Any]], name: str) -> dict[str, str]:
    """Where the arrows leaving a node go (box of the target -> what crosses)."""
    drawn = read_map(ResidencyMap("test", FIXTURES / "no-such-project", registrations).markdown())
    return {drawn.nodes[e.target].box: e.label for e in drawn.edges_from(drawn.named(name))}


def test_a_destination_inside_json_text_is_followed_to_its_region() -> None:
    """`redrivePolicy.{json}.deadLetterTargetArn`: the dead-letter queue is read out of the policy's text."""
    dead_letters = "arn:aws:sqs:us-east-1:123456789012:far-dead-letters"
    queue = _aws(
        "orders",
        "aws:sqs/queue:Queue",
        {
            "tags": {"data-classification": "pii"},
            "redrivePolicy": json.dumps({"deadLetterTargetArn": dead_letters, "maxReceiveCount": 3}),
        },
    )
    reached = _boxes_reached([_eu_provider(), queue], "orders")
    assert any(box.startswith("us-east-1") for box in reached), reached
    assert "region not traceable at preview" not in reached, reached


def test_a_destination_under_every_value_of_a_map_is_followed_to_its_region() -> None:
    """`content.{json}.plans.*.rules.*.copy_actions.*...`: an organisation backup policy's copy action, keyed
    by plan, rule and vault names the program chooses."""
    vault = "arn:aws:backup:us-east-1:123456789012:backup-vault:far-vault"
    content = {
        "plans": {
            "pii-daily": {
                "rules": {
                    "nightly": {
                        "target_backup_vault_name": {"@@assign": "local-vault"},
                        "copy_actions": {vault: {"target_backup_vault_arn": {"@@assign": vault}}},
                    }
                },
            }
        }
    }
    policy = _aws(
        "org-backups",
        "aws:organizations/policy:Policy",
        {"type": "BACKUP_POLICY", "content": json.dumps(content)},
    )
    reached = _boxes_reached([_eu_provider(), policy], "org-backups")
    assert any(box.startswith("us-east-1") for box in reached), reached


def test_a_source_and_a_destination_at_any_depth_are_followed() -> None:
    """`inputs.**.resourceArn` / `outputs.**.resourceArn`: a streaming application reads the PII stream it
    depends on and writes to a delivery stream elsewhere; its other free-form values name no place."""
    stream = _aws("clicks", "aws:kinesis/stream:Stream", {"tags": {"data-classification": "pii"}})
    application = _aws(
        "enrich",
        "aws:kinesis/analyticsApplication:AnalyticsApplication",
        {
            "inputs": {"namePrefix": "clicks", "kinesisStream": {"resourceArn": UNKNOWN, "roleArn": UNKNOWN}},
            "outputs": [
                {
                    "name": "enriched",
                    "kinesisFirehose": {
                        "resourceArn": "arn:aws:firehose:us-east-1:123456789012:deliverystream/far",
                        "roleArn": "arn:aws:iam::123456789012:role/writer",
                    },
                }
            ],
        },
        {"inputs": [stream["urn"]]},
    )
    registrations = [_eu_provider(), stream, application]
    drawn = read_map(ResidencyMap("test", FIXTURES / "no-such-project", registrations).markdown())
    into = drawn.edges_to(drawn.named("enrich"))
    assert [drawn.nodes[e.source].lines[-1] for e in into] == ["clicks"], drawn.text
    assert into[0].label.startswith("PII"), drawn.text
    reached = _boxes_reached(registrations, "enrich")
    assert [box for box in reached if box.startswith("us-east-1")], reached
    assert reached[next(box for box in reached if box.startswith("us-east-1"))].startswith("PII"), reached
    assert "region not traceable at preview" not in reached and "other AWS accounts" not in reached, reached


# A change against a deployed state --------------------------------------------------------------------------


def test_the_map_marks_what_a_change_adds_alters_and_deletes() -> None:
    """The exchange and its peer path are new, the store is updated, a deleted bucket is drawn as deleted."""
    registrations = real_stack_registrations("eu")
    changes = {registration["urn"]: "same" for registration in registrations}
    exchange = _urn("eu", "eu-telemetry-exchange-statefulset")
    changes[exchange] = "create"
    changes[_urn("eu", "eu-telemetry-exchange-peer-network-policy")] = "create"
    changes[_urn("eu", "eu-telemetry-store-statefulset")] = "update"
    deleted = "urn:pulumi:eu::residency::aws:s3/bucket:Bucket::old-exports"
    changes[deleted] = "delete"
    residency, drawn = _map("eu", changes=changes)
    node = drawn.named("eu-telemetry-exchange-statefulset")
    assert node.lines[0] == "✚ added" and "added" in node.classes
    store = drawn.named("eu-telemetry-store-statefulset")
    assert store.lines[0] == "✎ updated" and "changed" in store.classes
    assert sorted(edge.label for edge in drawn.edges if edge.thick) == ["✎ telemetry", "✚ anonymised"]
    pii = drawn.named("eu-pii-instance")
    assert pii.lines[0].startswith("PII") and not ({"added", "changed"} & pii.classes)
    gone = drawn.named("old-exports")
    assert gone.lines[0] == "✖ deleted" and gone.box == "deleted by this change"
    legend = {line for n in drawn.nodes.values() if n.box.startswith("Legend") for line in n.lines}
    assert {"✚ added by this change", "✎ updated by this change"} <= legend
    assert "(create)" in residency.markdown()
    # Unchanged stores are grouped as without a state: the change adds one box only, the deleted bucket.
    plain, _ = _map("eu")
    assert len(residency.graph()[1]) == len(plain.graph()[1]) + 1


def test_an_unknown_change_operation_is_refused_with_the_allowed_ones() -> None:
    with pytest.raises(ValueError, match=r"unknown change operation\(s\) \['created'\].*'create'"):
        ResidencyMap("eu", REPOSITORY, list(real_stack_registrations("eu")), changes={"urn:x": "created"})


def test_the_map_never_imports_pulumi_aws() -> None:
    """The map runs in the preview's own process, which must stay light (the program imports pulumi_aws)."""
    import subprocess
    import sys

    code = (
        "import json, sys, offline_preview.diagram; "
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('pulumi_'))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(REPOSITORY),
    )
    assert json.loads(result.stdout) == []
