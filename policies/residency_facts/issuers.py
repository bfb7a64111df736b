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

PUBLIC_ISSUERS: tuple[str, ...] = (
    "accounts.google.com",
    "login.microsoftonline.com/common",
    "login.microsoftonline.com/common/v2.0",
    "login.microsoftonline.com/organizations",
    "login.microsoftonline.com/organizations/v2.0",
    "login.microsoftonline.com/consumers",
    "login.microsoftonline.com/consumers/v2.0",
    "login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0",
    "appleid.apple.com",
    "token.actions.githubusercontent.com",
    "www.facebook.com",
    "gitlab.com",
)
"""OpenID Connect issuers (without `https://` and a trailing `/`) that sign in anyone with an account of a
public service, not one organisation's people: Google, Microsoft's multi-tenant endpoints (`common`,
`organizations`, `consumers`, and the personal-accounts tenant 9188040d-...), Apple, GitHub Actions,
Facebook, GitLab. A tenant's own issuer (an Entra tenant id, an Okta or Auth0 domain) is the deployment's
identity provider. An authoriser that trusts one of these admits anyone, whatever client id or audience it
pins: the client id names the application, and anyone with an account may sign in to it (decision, reviewer
blind-access15 a03; an OAuth client limited to an organisation is the provider's configuration, not the
stack's). Checked 2026-12-03."""

CALLER_VARIABLES: tuple[str, ...] = ("${cognito-identity.amazonaws.com:sub}",)
"""Policy variables that stand for each caller of a Cognito identity pool (its identity id): a statement
whose resources or keys are narrowed to one gives each caller only its own rows or objects (decision,
reviewer blind-access15 a34, c16)."""

CALLER_KEYS: frozenset[str] = frozenset({"dynamodb:leadingkeys", "s3:prefix"})
"""Condition keys (lower case) that narrow a statement to the items or objects under one key: a DynamoDB
partition key, an S3 prefix."""

KEYED_ACTIONS: frozenset[str] = frozenset(
    {
        "dynamodb:getitem",
        "dynamodb:batchgetitem",
        "dynamodb:query",
        "dynamodb:putitem",
        "dynamodb:updateitem",
        "dynamodb:deleteitem",
        "dynamodb:batchwriteitem",
        "dynamodb:conditioncheckitem",
        "s3:listbucket",
    }
)
"""Actions every request of which carries the key a `ForAllValues:` test of `CALLER_KEYS` checks. A Scan, a
PartiQL select or a wildcard has no partition key to test, and `ForAllValues:` holds for a request without
the key: such a statement is not narrowed to the caller (AWS's fine-grained access control examples grant
only these actions)."""
