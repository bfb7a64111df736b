"""Why a resource's region cannot be traced, and how to make it traceable, in words for a message.

Code configured with resident data keeps what it reads where it runs (lineage's destination "itself"): code
whose region cannot be traced (an explicit AWS provider without `region`, which takes the deployer's
AWS_REGION or profile; a Kubernetes provider whose kubeconfig is a file path, unknown at preview, or picks a
cluster that is no EKS cluster) may run anywhere, and is judged as a copy to a region that cannot be traced,
as a store there is judged by pii-in-jurisdiction.
"""

from __future__ import annotations

from urllib.parse import urlparse

from .attributes import (
    AWS_PROVIDER,
    Kubeconfig,
    effective_region,
    is_kubernetes,
    kubeconfig_clusters,
    kubeconfig_region,
    picked_kubeconfig,
)
from .locations import Location, Movement
from .model import Resource, Stack
from .provider_endpoints import endpoint_elsewhere
from .settings import Settings
from .values import Unknown, child


def untraced_region(resource: Resource, stack: Stack) -> str:
    """Why the resource's region cannot be traced: `whose provider names no region ...`."""
    if is_kubernetes(resource):
        return _untraced_cluster(resource, stack)
    if isinstance(child(resource.props, "region"), Unknown):
        return "whose `region` input is unknown at preview"
    if resource.provider_type != AWS_PROVIDER:
        return "which has no AWS provider to place it"
    if isinstance(child(resource.provider_props, "region"), Unknown):
        return "whose provider's `region` is unknown at preview"
    return (
        "whose provider names no `region` (an explicit provider does not read the stack's aws:region: it "
        "runs in whatever region the deployer's AWS_REGION or profile gives)"
    )


def _untraced_cluster(resource: Resource, stack: Stack) -> str:
    clusters = kubeconfig_clusters(resource, stack)
    picked = picked_kubeconfig(resource)
    if clusters:
        names = ", ".join(sorted(c.label for c in clusters))
        regions = {effective_region(cluster, stack) for cluster in clusters}
        if not all(isinstance(region, str) for region in regions) or len(regions) > 1:
            return f"whose provider's kubeconfig is built from {names}, not all in one known region"
        if not isinstance(picked, Kubeconfig) or not (picked.missing or picked.server):
            return (
                f"whose provider's kubeconfig, built from {names}, may reach another cluster: its `context` "
                "or `cluster` input is unknown at preview, or its text names clusters of other regions"
            )
    if isinstance(picked, Unknown):
        sources = _kubeconfig_sources(resource, stack)
        return (
            "whose provider's kubeconfig (or the context it picks) is unknown at preview and computed from "
            f"{sources + ', ' if sources else ''}no EKS cluster of the stack (another stack's output, a file "
            "read at run time)"
        )
    if not isinstance(picked, Kubeconfig):
        return "whose provider has no kubeconfig (it uses the deployer's own, or the cluster it runs in)"
    if not picked.readable:
        return f"whose provider's kubeconfig is a file path ({_shown(resource)}), which a preview cannot read"
    if picked.missing:
        return f"whose provider picks {picked.missing}, which its kubeconfig does not hold"
    if picked.server and kubeconfig_region(picked) is None:
        host = urlparse(picked.server).hostname or picked.server
        return (
            f"whose provider reaches the API server {host}, which is no EKS endpoint (a cluster on premises "
            "or in another cloud)"
        )
    return "whose provider's kubeconfig names no region of the cluster it reaches"


def _kubeconfig_sources(resource: Resource, stack: Stack) -> str:
    """What a provider's kubeconfig was computed from, other than EKS clusters (a StackReference)."""
    provider = stack.get(resource.provider_urn)
    sources = stack.dependencies(provider, "kubeconfig") if provider is not None else []
    return ", ".join(sorted(source.label for source in sources))


def _shown(resource: Resource) -> str:
    text = str(child(resource.provider_props, "kubeconfig"))
    return text if len(text) <= 80 else f"{text[:77]}..."


def cluster_account_note(resource: Resource, stack: Stack) -> str:
    """How a Kubernetes object's provider's literal kubeconfig places its cluster in an account (the role its
    exec plugin gets a token as, credentials of its own), in words; empty when lineage places it, or the
    text says nothing of credentials."""
    if not is_kubernetes(resource) or kubeconfig_clusters(resource, stack):
        return ""
    picked = picked_kubeconfig(resource)
    if not isinstance(picked, Kubeconfig):
        return ""
    if not picked.readable:
        return f"whose provider's kubeconfig is a file path ({_shown(resource)}), which a preview cannot read"
    if picked.roles:
        return f"whose provider's kubeconfig gets its token as {', '.join(picked.roles)}"
    if picked.own_credentials:
        return f"whose provider's kubeconfig uses credentials of its own: {picked.own_credentials}"
    return ""


def traceable_fix(resource: Resource, settings: Settings) -> str:
    """How to give a resource a region a preview can read."""
    allowed = ", ".join(sorted(settings.allowed_regions))
    if is_kubernetes(resource):
        return (
            f"deploy {resource.label} through a Kubernetes provider built from the stack's EKS cluster in "
            f"one of {allowed} (its kubeconfig computed from the cluster's outputs), or from a literal "
            "kubeconfig text whose picked context reaches that cluster's EKS endpoint "
            "(https://<id>.<zone>.<region>.eks.amazonaws.com)"
        )
    return (
        f"give {resource.label} a provider with a literal `region` in one of {allowed} (or a literal "
        "`region` input)"
    )


def untraced_code(movement: Movement) -> Location | None:
    """The code's own place, when the code's region cannot be traced or its provider's kubeconfig places it
    in another account (a place to review, `Lineage`)."""
    for destination in movement.destinations:
        if destination.resource is movement.resource and destination.review:
            return destination
    return None


def placed_fix(movement: Movement, settings: Settings) -> str | None:
    """How to fix code that reads resident data where its region or account is not the deployment's."""
    itself = untraced_code(movement)
    if itself is None:
        return None
    own = effective_region(movement.resource)
    override = endpoint_elsewhere(movement.resource, own if isinstance(own, str) else None)
    if override is not None and override.region == itself.region:
        return (
            f"remove the `{override.key}` endpoint override from the provider of {movement.resource.label}, "
            "or point it at the AWS endpoint of the region of the data the code reads "
            "(https://<service>.<region>.amazonaws.com, or a VPC endpoint there); or configure the code with "
            "no resident data."
        )
    if itself.region is not None:
        return (
            f"reach the cluster of {movement.resource.label} with the deployment's own credentials or a role "
            "of one of its accounts (`accountIds`), or add the cluster's account to `accountIds` if the "
            "deployment owns it; or configure the code with no resident data."
        )
    return (
        f"{traceable_fix(movement.resource, settings)}, so that a preview can show where the code runs and "
        "keeps what it reads; or configure it with no resident data."
    )
