"""GitOps deployers (Flux's HelmRelease and Kustomization, Argo CD's Application and ApplicationSet) create
resources the pack cannot see, and a Flux HelmRelease's values may come from the stack's ConfigMaps and
Secrets (reviewer blind-k8s12, l12b).

A HelmRelease of the Fluent Bit chart (a node log shipper: every pod's logs) whose `spec.valuesFrom` names a
ConfigMap of the stack holding a cloudwatch_logs output in us-east-1 passed: the release was untriaged and its
own inputs named no region. Each test is the compliant baseline (the values ConfigMap ships in eu-west-1) and
one change.
"""

from __future__ import annotations

from tests.policies.baseline import Region, eu_region
from tests.policies.operator_objects import custom_resource
from tests.policies.policy_harness import Res, messages, violations

TRIAGED = "resource-type-triaged"


def _values(region: Region, aws_region: str, kind: str = "ConfigMap") -> Res:
    text = (
        "config:\n  outputs: |\n    [OUTPUT]\n        Name cloudwatch_logs\n        Match kube.*\n"
        f"        region {aws_region}\n        log_group_name /eks/app\n"
    )
    return Res(
        f"kubernetes:core/v1:{kind}",
        "fluent-bit-values",
        {
            "metadata": {"name": "fluent-bit-values", "namespace": "flux-system"},
            ("data" if kind == "ConfigMap" else "stringData"): {"values.yaml": text},
        },
        region.kubernetes,
    )


def _release(region: Region, kind: str = "ConfigMap") -> Res:
    spec = {
        "interval": "10m",
        "targetNamespace": "logging",
        "chart": {"spec": {"chart": "fluent-bit", "sourceRef": {"kind": "HelmRepository", "name": "fluent"}}},
        "valuesFrom": [{"kind": kind, "name": "fluent-bit-values", "valuesKey": "values.yaml"}],
    }
    return custom_resource(
        region, "helm.toolkit.fluxcd.io/v2", "HelmRelease", "fluent-bit", spec, "flux-system"
    )


def test_a_flux_release_whose_values_ship_in_region_is_clean() -> None:
    region = eu_region()
    release = _release(region)
    resources = [*region.resources, _values(region, "eu-west-1"), release]
    assert [d for d in violations(resources, TRIAGED) if d.urn == release.urn] == []


def test_a_flux_release_whose_values_configmap_names_another_region_fails_closed() -> None:
    for kind in ("ConfigMap", "Secret"):
        region = eu_region()
        release = _release(region, kind)
        resources = [*region.resources, _values(region, "us-east-1", kind), release]
        found = [d for d in violations(resources, TRIAGED) if d.urn == release.urn]
        assert "us-east-1" in messages(found), messages(violations(resources, TRIAGED))
