"""A Helm release's values files (`valueYamlFiles`) are its values as Helm merges them (blind-k8s15 k12).

The SDK sends a StringAsset's text: its values are read as the release's, with `values` over them and later
files over earlier ones. A FileAsset is sent as a path relative to a program directory the analyzer is not
told: a release whose chart reads its cluster's data (a log shipper) or that the review does not place fails
closed on it in a stack holding PII, saying to pass the values inline or as a StringAsset. Each test is the
compliant baseline plus a Deployment reading the PII database and one release.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from tests.policies.baseline import eu_region
from tests.policies.helm_releases import release
from tests.policies.policy_harness import Res, messages, violations
from tests.policies.test_cluster_access import _database_reader

NO_PII = "no-pii-replication"
TRIAGED = "resource-type-triaged"
SIGNATURE = "4dabf18193072939515e22adb298388d"
ASSET = "c44067f5952c0a294b673a41bacd8c17"
"""How the engine sends an asset (`pulumi_policy.deserialize`: the asset signature under the special key)."""

ELASTIC_CLOUD = {
    "config": {
        "outputs": "[OUTPUT]\n    Name es\n    Match kube.*\n"
        "    Host acme-logs.es.us-central1.gcp.cloud.es.io\n    Port 443\n    tls On\n"
    }
}
"""Fluent Bit's chart values shipping the pods' logs to Elastic Cloud on Google Cloud (outside AWS)."""
IN_REGION = {"cloudWatchLogs": {"logGroupName": "/eks/eu/containers", "region": "eu-west-1"}}
"""aws-for-fluent-bit's values writing to CloudWatch Logs in the stack's region."""


def _text(values: dict[str, Any]) -> dict[str, str]:
    return {SIGNATURE: ASSET, "text": yaml.safe_dump(values)}


def _file(path: str) -> dict[str, str]:
    return {SIGNATURE: ASSET, "path": path}


def _shipper(
    chart: str,
    files: list[dict[str, str]],
    values: dict[str, Any] | None = None,
    repository: str | None = None,
) -> Res:
    """A release of the chart into `logging`, its values files given as `valueYamlFiles`."""
    shipper = release(eu_region(), chart, values or {}, "logging", repository)
    shipper.props["valueYamlFiles"] = files
    return shipper


def _judged(shipper: Res, policy: str) -> list[Any]:
    """The policy's violations in a fresh baseline, a Deployment reading the PII database and the release."""
    region = eu_region()
    shipper.provider = region.kubernetes
    return violations([*region.resources, _database_reader(region), shipper], policy)


@pytest.mark.parametrize("inline", [True, False], ids=["values", "string-asset"])
def test_a_values_file_given_as_text_is_read_as_the_releases_values(inline: bool) -> None:
    shipper = _shipper(
        "fluent-bit", [] if inline else [_text(ELASTIC_CLOUD)], ELASTIC_CLOUD if inline else None
    )
    found = _judged(shipper, NO_PII)
    assert [d.urn for d in found] == [shipper.urn], messages(found)
    assert "acme-logs.es.us-central1.gcp.cloud.es.io" in found[0].message


def test_an_in_region_values_file_given_as_text_passes() -> None:
    shipper = _shipper("aws-for-fluent-bit", [_text(IN_REGION)])
    assert _judged(shipper, NO_PII) == [] and _judged(shipper, TRIAGED) == []


@pytest.mark.parametrize(
    ("files", "values", "blocked"),
    [
        ([{"cloudWatchLogs": {"region": "us-east-1"}}], IN_REGION, False),
        ([IN_REGION], {"cloudWatchLogs": {"region": "us-east-1"}}, True),
        ([{"cloudWatchLogs": {"region": "us-east-1"}}, IN_REGION], None, False),
        ([IN_REGION, {"cloudWatchLogs": {"region": "us-east-1"}}], None, True),
    ],
    ids=[
        "values-over-a-file",
        "values-over-an-in-region-file",
        "a-later-file-over-an-earlier",
        "later-elsewhere",
    ],
)
def test_values_files_merge_as_helm_merges_them(
    files: list[dict[str, Any]], values: dict[str, Any] | None, blocked: bool
) -> None:
    # `values` take precedence over the files, a later file over an earlier one, map key by key.
    shipper = _shipper("aws-for-fluent-bit", [_text(f) for f in files], values)
    found = _judged(shipper, NO_PII)
    assert [d.urn for d in found] == ([shipper.urn] if blocked else []), messages(found)


def test_a_log_shipper_whose_values_file_cannot_be_read_fails_closed() -> None:
    # A FileAsset is sent as its path, relative to a program directory the analyzer is not told.
    shipper = _shipper("fluent-bit", [_file("values.yaml")])
    for policy in (NO_PII, TRIAGED):
        found = _judged(shipper, policy)
        assert [d.urn for d in found] == [shipper.urn], (policy, messages(found))
        assert "the FileAsset 'values.yaml'" in found[0].message, policy
        assert "pulumi.StringAsset" in found[0].message, policy


def test_a_readable_values_file_beside_an_unreadable_one_still_fails_closed() -> None:
    shipper = _shipper("aws-for-fluent-bit", [_text(IN_REGION), _file("extra.yaml")])
    found = _judged(shipper, NO_PII)
    assert [d.urn for d in found] == [shipper.urn], messages(found)
    assert "'extra.yaml'" in found[0].message


def test_an_unreviewed_chart_whose_values_file_cannot_be_read_fails_closed() -> None:
    shipper = _shipper("acme-log-forwarder", [_file("values.yaml")], repository="https://charts.acme.example")
    found = _judged(shipper, TRIAGED)
    assert [d.urn for d in found] == [shipper.urn], messages(found)
    assert "valueYamlFiles" in found[0].message


def test_a_controller_chart_whose_values_file_cannot_be_read_reads_no_data() -> None:
    # A controller reads no data (its review): what a values file configures cannot move the stack's data.
    controller = _shipper("aws-load-balancer-controller", [_file("values.yaml")], {"clusterName": "eu"})
    assert _judged(controller, TRIAGED) == [] and _judged(controller, NO_PII) == []
