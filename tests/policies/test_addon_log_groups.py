"""pii-encryption for the log groups an EKS add-on ships a cluster's pod logs to (reviewer blind-k8s13 k13).

The Amazon CloudWatch Observability add-on writes every container's output to
`/aws/containerinsights/<cluster>/application` and creates it with CloudWatch's default key and no expiry
when the stack does not declare it. The baseline is the cluster (named `eu-cluster`) with a Deployment that
reads the PII database, the add-on with container logs on, and that log group declared with the stack's key
and a 30-day retention. Each test changes one thing.
"""

from __future__ import annotations

import json

from tests.policies.baseline import Region, eu_region
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations
from tests.policies.test_cluster_access import _database_reader

POLICY = "pii-encryption"
GROUP = "/aws/containerinsights/eu-cluster/application"


def _addon(region: Region, configuration: dict[str, object] | None = None) -> Res:
    props: dict[str, object] = {"clusterName": UNKNOWN, "addonName": "amazon-cloudwatch-observability"}
    if configuration is not None:
        props["configurationValues"] = json.dumps(configuration)
    return Res(
        "aws:eks/addon:Addon", "observability", props, region.provider, deps={"clusterName": [region.cluster]}
    )


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
        "application-logs",
        props,
        region.provider,
        deps={"kmsKeyId": [region.key]},
    )


def _stack(*extra: Res, region: Region | None = None) -> list[Res]:
    region = region or eu_region()
    region.cluster.props["name"] = "eu-cluster"
    return [*region.resources, _database_reader(region), *extra]


def test_the_add_on_with_its_log_group_declared_under_the_stacks_key_passes() -> None:
    region = eu_region()
    assert violations(_stack(_addon(region), _group(region), region=region), POLICY) == []


def test_the_add_on_shipping_pii_pods_logs_into_a_group_it_creates_itself_fails() -> None:
    region = eu_region()
    addon = _addon(region)
    found = violations(_stack(addon, region=region), POLICY)
    assert [d.urn for d in found] == [addon.urn], messages(found)
    assert GROUP in found[0].message


def test_a_declared_group_without_the_stacks_key_fails() -> None:
    region = eu_region()
    group = _group(region, kmsKeyId=None)
    group.deps = {}
    found = violations(_stack(_addon(region), group, region=region), POLICY)
    assert group.urn in [d.urn for d in found], messages(found)


def test_a_declared_group_kept_for_ever_fails() -> None:
    region = eu_region()
    group = _group(region, retentionInDays=None)
    found = violations(_stack(_addon(region), group, region=region), POLICY)
    assert [d.urn for d in found] == [group.urn], messages(found)
    assert "retentionInDays" in found[0].message


def test_the_add_on_with_container_logs_off_passes() -> None:
    region = eu_region()
    addon = _addon(region, {"containerLogs": {"enabled": False}})
    assert violations(_stack(addon, region=region), POLICY) == []


def test_the_add_on_of_a_cluster_whose_pods_read_no_pii_passes() -> None:
    region = eu_region()
    region.cluster.props["name"] = "eu-cluster"
    reader = _database_reader(region)
    reader.deps = {}
    assert violations([*region.resources, reader, _addon(region)], POLICY) == []
