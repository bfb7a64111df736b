"""An EventBridge archive takes no tags (CreateArchive has no Tags parameter; pulumi-aws's EventArchive no
`tags` input): it is classified by lineage from the bus it archives (`eventSourceArn`), and then judged on
its encryption (`kmsKeyIdentifier`) as any holder of what it inherits."""

from __future__ import annotations

from tests.policies.baseline import Region, eu_region
from tests.policies.copies import store
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations


def _archive(region: Region, keyed: bool) -> list[Res]:
    # The bus keeps its events at rest too: under the stack's key, so that only the archive is judged here.
    bus = store(
        region,
        "aws:cloudwatch/eventBus:EventBus",
        "customer-events",
        {"name": "customer-events", "kmsKeyIdentifier": UNKNOWN},
    )
    bus.deps["kmsKeyIdentifier"] = [region.key]
    archive = Res(
        "aws:cloudwatch/eventArchive:EventArchive",
        "customer-events-archive",
        {"name": "customer-events", "eventSourceArn": UNKNOWN, "retentionDays": 365},
        region.provider,
        deps={"eventSourceArn": [bus]},
    )
    if keyed:
        archive.props["kmsKeyIdentifier"] = UNKNOWN
        archive.deps["kmsKeyIdentifier"] = [region.key]
    return [bus, archive]


def test_an_untagged_archive_of_a_pii_bus_under_the_stacks_key_breaks_no_rule() -> None:
    region = eu_region()
    stack = [*region.resources, *_archive(region, keyed=True)]
    for policy in ("data-classification-required", "pii-encryption"):
        assert violations(stack, policy) == [], policy


def test_an_archive_of_a_pii_bus_on_the_aws_owned_key_is_unencrypted_pii() -> None:
    region = eu_region()
    extra = _archive(region, keyed=False)
    found = [d for d in violations([*region.resources, *extra], "pii-encryption") if d.urn == extra[1].urn]
    assert "kmsKeyIdentifier" in messages(found) and "customer-events" in messages(found)


def test_an_archive_expires_its_events_by_design_and_needs_no_deletion_protection() -> None:
    """An archive keeps its bus's events for `retentionDays` (to replay them), as a log group keeps logs:
    pii-no-data-loss leaves it out, as it does log groups, while its encryption is judged."""
    region = eu_region()
    extra = _archive(region, keyed=True)
    assert [
        d for d in violations([*region.resources, *extra], "pii-no-data-loss") if d.urn == extra[1].urn
    ] == []
