"""pii-encryption for RDS Proxy's debug logs (reviewer blind-compliant16 v03).

A proxy with `debugLogging` writes the SQL statements sent through it, with the values they carry, into
`/aws/rds/proxy/<name>`, which RDS creates with CloudWatch's default key and no expiry unless the stack
declares it: a copy of what the databases behind it hold, as a database's exported logs are. The baseline is
the region's PII database behind a proxy (`test_store_fronts._proxied`), debug logging off. Each test
changes one thing.
"""

from __future__ import annotations

from tests.policies.baseline import Region
from tests.policies.policy_harness import UNKNOWN, Res, messages, run_pack, violations
from tests.policies.test_store_fronts import Proxied, _proxied

POLICY = "pii-encryption"
GROUP = "/aws/rds/proxy/customers-proxy"


def _debugging(value: object = True) -> Proxied:
    proxied = _proxied()
    proxied.proxy.props["debugLogging"] = value
    return proxied


def _group(region: Region, **changes: object) -> Res:
    props: dict[str, object] = {
        "name": GROUP,
        "kmsKeyId": UNKNOWN,
        "retentionInDays": 30,
        "tags": {"data-classification": "pii"},
    }
    props.update(changes)
    return Res(
        "aws:cloudwatch/logGroup:LogGroup",
        "proxy-debug-logs",
        props,
        region.provider,
        deps={"kmsKeyId": [region.key]} if changes.get("kmsKeyId", UNKNOWN) is UNKNOWN else {},
    )


def test_a_proxy_without_debug_logging_writes_no_statements() -> None:
    proxied = _debugging(False)
    assert violations(proxied.resources, POLICY) == []


def test_debug_logging_in_front_of_a_pii_database_into_a_group_rds_creates_fails() -> None:
    proxied = _debugging()
    found = violations(proxied.resources, POLICY)
    assert [d.urn for d in found] == [proxied.proxy.urn], messages(found)
    assert GROUP in found[0].message and "debugLogging is true" in found[0].message


def test_debug_logging_unknown_at_preview_fails_closed() -> None:
    proxied = _debugging(UNKNOWN)
    found = violations(proxied.resources, POLICY)
    assert [d.urn for d in found] == [proxied.proxy.urn], messages(found)


def test_debug_logging_into_a_declared_group_under_the_stacks_key_with_a_retention_passes() -> None:
    proxied = _debugging()
    group = _group(proxied.region)
    resources = [*proxied.resources, group]
    assert violations(resources, POLICY) == []
    assert [d for d in run_pack(resources) if d.urn in (group.urn, proxied.proxy.urn)] == []


def test_a_declared_group_labelled_internal_without_the_stacks_key_holds_the_databases_pii() -> None:
    proxied = _debugging()
    group = _group(proxied.region, kmsKeyId=None, tags={"data-classification": "internal"})
    found = violations([*proxied.resources, group], POLICY)
    assert [d.urn for d in found] == [group.urn], messages(found)


def test_a_declared_group_kept_for_ever_fails() -> None:
    proxied = _debugging()
    group = _group(proxied.region, retentionInDays=None)
    found = violations([*proxied.resources, group], POLICY)
    assert [d.urn for d in found] == [group.urn], messages(found)
    assert "retentionInDays is not set" in found[0].message


def test_a_group_named_after_another_proxy_is_not_this_proxys() -> None:
    proxied = _debugging()
    group = _group(proxied.region, name="/aws/rds/proxy/other-proxy")
    found = violations([*proxied.resources, group], POLICY)
    assert [d.urn for d in found] == [proxied.proxy.urn], messages(found)


def test_debug_logging_in_front_of_a_database_that_holds_no_personal_data_passes() -> None:
    proxied = _debugging()
    proxied.region.database.props["tags"] = {"data-classification": "internal"}
    assert [d for d in violations(proxied.resources, POLICY) if d.urn == proxied.proxy.urn] == []


def test_debug_logging_of_a_proxy_whose_targets_are_not_declared_fails_closed() -> None:
    proxied = _debugging()
    resources = [r for r in proxied.resources if r is not proxied.target]
    found = violations(resources, POLICY)
    assert proxied.proxy.urn in [d.urn for d in found], messages(found)
