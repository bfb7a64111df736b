"""OpenID Connect issuers that vouch for workloads (another cluster's service accounts, CI jobs), not for an
organisation's people.

An EKS IdentityProviderConfig signs in to its cluster every identity its issuer vouches for. An issuer of the
organisation (an Okta or Entra ID tenant, a public issuer narrowed by `requiredClaims`) signs in its people:
the deployment's own users. An issuer of workloads signs in code that runs elsewhere: the service accounts of
another Kubernetes cluster (an EKS cluster's issuer, `oidc.eks.<region>.amazonaws.com/id/<id>`, names its
region; a GKE or AKS cluster's is another cloud), or the jobs of a CI service on its own infrastructure.
Decision (reviewer blind-k8s13 k11): cluster access given to such identities in a cluster that holds or reads
PII is cluster access given to a principal outside the deployment (`residency_policies/cluster_access.py`).
Issuer URLs as each service documents them (checked 2026-12-03).
"""

from __future__ import annotations

WORKLOAD_ISSUERS: tuple[tuple[str, str], ...] = (
    (
        r"^token\.actions\.githubusercontent\.com(/|$)",
        "GitHub Actions workflows, run on GitHub's infrastructure",
    ),
    (r"^container\.googleapis\.com/v1/projects/", "service accounts of a GKE cluster (Google Cloud)"),
    (r"(^|\.)oic\.prod-aks\.azure\.com/", "service accounts of an AKS cluster (Azure)"),
    (r"^app\.terraform\.io(/|$)", "HCP Terraform runs"),
    (r"^oidc\.circleci\.com/org/", "CircleCI jobs"),
    (r"^agent\.buildkite\.com(/|$)", "Buildkite jobs"),
    (r"^api\.bitbucket\.org/2\.0/workspaces/", "Bitbucket Pipelines jobs"),
    (r"^gitlab\.com(/|$)", "GitLab CI jobs (and every gitlab.com user)"),
    (r"^kubernetes\.default\.svc", "service accounts of a Kubernetes cluster (its in-cluster issuer)"),
)
"""(pattern over the issuer URL without `https://`, whom it vouches for): workloads outside the deployment."""
