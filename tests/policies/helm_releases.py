"""Builders for Helm v3 releases of the reviewed charts (`residency_facts/charts.py`) on the baseline cluster.

A `kubernetes.helm.v3.Release` registers the token `kubernetes:helm.sh/v3:Release` with inputs `chart`,
`namespace`, `repositoryOpts` (`repo`) and `values`, as pulumi-kubernetes's `ReleaseArgs` names them.
"""

from __future__ import annotations

from typing import Any

from tests.policies.baseline import Region
from tests.policies.policy_harness import Res

RELEASE = "kubernetes:helm.sh/v3:Release"

REPOSITORIES = {
    "fluent-bit": "https://fluent.github.io/helm-charts",
    "aws-for-fluent-bit": "https://aws.github.io/eks-charts",
    "aws-load-balancer-controller": "https://aws.github.io/eks-charts",
    "opentelemetry-collector": "https://open-telemetry.github.io/opentelemetry-helm-charts",
    "metrics-server": "https://kubernetes-sigs.github.io/metrics-server/",
    "velero": "https://vmware-tanzu.github.io/helm-charts",
    "teleport-kube-agent": "https://charts.releases.teleport.dev",
    "cloudflare-tunnel": "https://cloudflare.github.io/helm-charts",
    "cloudflare-tunnel-remote": "https://cloudflare.github.io/helm-charts",
    "tailscale-operator": "https://pkgs.tailscale.com/helmcharts",
    "connector": "https://twingate.github.io/helm-charts",
    "kubernetes-dashboard": "https://kubernetes.github.io/dashboard/",
    "headlamp": "https://kubernetes-sigs.github.io/headlamp/",
}
"""Each chart's repository as its maintainers document it (the `helm repo add` URL)."""


def release(
    region: Region,
    chart: str,
    values: dict[str, Any],
    namespace: str = "tools",
    repository: str | None = None,
    deps: dict[str, list[Res]] | None = None,
    name: str | None = None,
) -> Res:
    """A release of a chart from its documented repository (or the one given) into a namespace."""
    return Res(
        RELEASE,
        name or chart,
        {
            "chart": chart,
            "namespace": namespace,
            "repositoryOpts": {"repo": repository or REPOSITORIES[chart]},
            "values": values,
        },
        region.kubernetes,
        deps=deps or {},
    )
