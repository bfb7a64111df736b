"""Rule 6, pii-not-public, for a cluster's API endpoint: RBAC bindings that anonymous requests pass.

A RoleBinding or ClusterRoleBinding whose subjects include the user `system:anonymous` or the group
`system:unauthenticated` gives its role to every request without credentials. On an EKS endpoint reachable
from the internet (`vpcConfig.endpointPublicAccess` is not false and `publicAccessCidrs` admit an address
beyond the private ranges, which they do by default), in a cluster whose objects hold PII or whose pods read
it, a role that reads objects (Secrets, pod specs, exec into the pods) puts that on the internet. An endpoint
unknown at preview, or a cluster the stack cannot trace, fails closed. Whether a Kubernetes version answers
anonymous requests only on its health endpoints is the API server's authentication configuration, which the
stack does not declare (decision: not read; a binding for anonymous requests is judged on every version).

The group `system:authenticated` is judged likewise where an EKS IdentityProviderConfig of the cluster
signs in a public OpenID Connect issuer's users (`residency_facts.issuers.PUBLIC_ISSUERS`: anyone with a
Google account, anyone's GitHub Actions workflow) or one unknown at preview, with no `requiredClaims`; on IAM
alone its members are the identities access entries and aws-auth map, judged as cluster access grants.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from .cluster_access import cluster_holds, clusters_of
from .exposure_services import kind_tokens
from .identity_providers import public_issuer
from .lineage import Lineage
from .model import Resource, Stack
from .settings import Settings
from .values import Unknown, as_bool, child, value_at, values_at
from .violations import Violation, exposure_violation

BINDING_KINDS = ("rbac.authorization.k8s.io:ClusterRoleBinding", "rbac.authorization.k8s.io:RoleBinding")
ANONYMOUS_SUBJECTS = {("User", "system:anonymous"), ("Group", "system:unauthenticated")}
"""The subjects every request without credentials is (kubernetes.io/docs/reference/access-authn-authz/
authentication/#anonymous-requests)."""
AUTHENTICATED = ("Group", "system:authenticated")
"""Every request the API server authenticates: with an EKS identity provider, every user its issuer admits."""
IDENTITY_PROVIDER = "aws:eks/identityProviderConfig:IdentityProviderConfig"
NO_OBJECT_ROLES = frozenset({"system:public-info-viewer", "system:discovery", "system:basic-user"})
"""Built-in ClusterRoles that read no object: discovery, version and health, and a user's own reviews."""
_PRIVATE = tuple(ipaddress.IPv4Network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))


def anonymous_access(stack: Stack, lineage: Lineage, settings: Settings) -> list[Violation]:
    """Bindings that give a role reading objects to anonymous requests on a public endpoint of a cluster
    that holds or reads PII."""
    found: list[Violation] = []
    for binding in stack.of_type(*kind_tokens(stack, BINDING_KINDS)):
        subjects = _anonymous_subjects(binding)
        everyone = "every request without credentials"
        if not subjects:
            subjects = _publicly_signed_in(binding, stack)
            everyone = "every user the cluster signs in"
        if not subjects:
            continue
        role = value_at(binding.props, "roleRef.name")
        if isinstance(role, str) and role in NO_OBJECT_ROLES:
            continue
        held, readers = cluster_holds(binding, stack, lineage, settings)
        protected = held & settings.protected_classifications
        read = {k: v for k, v in readers.items() if k in settings.protected_classifications}
        if not protected and not read:
            continue
        reach = _endpoint_reach(binding, stack)
        if reach is None:
            continue
        what = [f"that holds {', '.join(sorted(protected))} data"] if protected else []
        what += [
            f"whose pods read {kind} data ({', '.join(labels)})" for kind, labels in sorted(read.items())
        ]
        kinds = ", ".join(sorted(protected | set(read)))
        shown = role if isinstance(role, str) else "(unknown at preview)"
        found.append(
            exposure_violation(
                binding,
                f"{kinds} data",
                f"{binding.label} gives the role {shown} to {', '.join(subjects)}, {everyone}, in a cluster "
                f"{' and '.join(what)}: {reach}",
                "bind roles only to named users, groups and service accounts of the deployment (an identity "
                "provider of a public issuer needs requiredClaims that admit only the organisation, such as "
                "Google's hd), or make the endpoint private (vpcConfig.endpointPublicAccess false).",
                settings,
            )
        )
    return found


def _anonymous_subjects(binding: Resource) -> list[str]:
    subjects = value_at(binding.props, "subjects")
    if isinstance(subjects, Unknown):
        return ["subjects unknown at preview"]
    found = []
    for subject in values_at(binding.props, "subjects"):
        kind, name = child(subject, "kind"), child(subject, "name")
        if isinstance(kind, Unknown) or isinstance(name, Unknown):
            found.append("a subject unknown at preview")
        elif (kind, name) in ANONYMOUS_SUBJECTS:
            found.append(f"{kind} {name}")
    return found


def _publicly_signed_in(binding: Resource, stack: Stack) -> list[str]:
    """The group `system:authenticated` among a binding's subjects, with why anyone may be in it: an EKS
    identity provider of its cluster (every one of the stack when the cluster cannot be traced) whose issuer
    signs in anyone with an account of a public service, or is unknown at preview, and whose
    `requiredClaims` do not narrow it (any required claim is taken to admit only the organisation)."""
    if not any(
        (child(s, "kind"), child(s, "name")) == AUTHENTICATED for s in values_at(binding.props, "subjects")
    ):
        return []
    clusters = clusters_of(binding, stack)
    found = []
    for config in stack.of_type(IDENTITY_PROVIDER):
        if clusters and not any(stack.refers_to(config, "clusterName", c) for c in clusters):
            continue
        oidc = child(config.props, "oidc")
        required = child(oidc, "requiredClaims")
        if isinstance(required, dict) and required:
            continue
        issuer = child(oidc, "issuerUrl")
        if isinstance(issuer, Unknown):
            found.append(
                f"{AUTHENTICATED[0]} {AUTHENTICATED[1]} ({config.label}'s issuer is unknown at preview)"
            )
        elif isinstance(issuer, str) and public_issuer(issuer):
            found.append(
                f"{AUTHENTICATED[0]} {AUTHENTICATED[1]} ({config.label} signs in anyone with an account of "
                f"{issuer.rstrip('/')})"
            )
    return found


def _endpoint_reach(binding: Resource, stack: Stack) -> str | None:
    """Why anonymous requests reach the cluster's API from the internet, or None when they cannot."""
    clusters = clusters_of(binding, stack)
    if not clusters:
        return "its cluster cannot be traced from its provider's kubeconfig, so its endpoint cannot be seen"
    for cluster in clusters:
        why = _public_endpoint(cluster)
        if why is not None:
            return f"{cluster.label} {why}"
    return None


def _public_endpoint(cluster: Resource) -> str | None:
    public = as_bool(value_at(cluster.props, "vpcConfig.endpointPublicAccess"))
    if public is False:
        return None
    cidrs = values_at(cluster.props, "vpcConfig.publicAccessCidrs[]")
    if cidrs and all(_private(c) for c in cidrs):
        return None
    return (
        "has an API endpoint reachable from the internet (vpcConfig.endpointPublicAccess is not false, and "
        "publicAccessCidrs admit addresses beyond the private ranges)"
    )


def _private(cidr: Any) -> bool:
    try:
        network = ipaddress.ip_network(str(cidr), strict=False)
    except ValueError:
        return False
    return isinstance(network, ipaddress.IPv4Network) and any(network.subnet_of(p) for p in _PRIVATE)
