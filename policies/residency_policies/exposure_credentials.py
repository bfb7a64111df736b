"""Rule 6, pii-not-public, for what a published workload may do with its own credentials.

A workload published outside its VPC (`exposure_published`) answers whoever reaches it. One that relays
requests to the Kubernetes API (the reference attack: `kubectl proxy --address=0.0.0.0` behind an
internet-facing Service; any flaw that lets a client make it call the API) exposes its ServiceAccount's RBAC
rights (`cluster_rights`): in a cluster that holds or reads PII, a right of `kubernetes_rbac.RIGHTS` fails.

Where a right matters (decision, policies/README.md):
- Over a namespace's objects (read Secrets, exec, attach, port-forward or proxy into pods, read their logs,
  proxy to Services): in a namespace where the stack places a Kubernetes object that holds PII or whose code
  reads it (its pods run there; its credentials and the operators' Secrets for it live there). A binding
  reaches its RoleBinding's namespace, or every namespace for a ClusterRoleBinding; a namespace unknown at
  preview may be any. Secrets a rule names (`resourceNames`) count unless each is a Secret the stack declares
  there that holds no PII and that no object holding or reading PII mounts.
- Past any namespace (proxy to nodes, create or change pods or their controllers, mint tokens, impersonate,
  write RBAC or admission webhooks): whenever the cluster holds or reads PII anywhere, wherever the binding
  grants it. A pod created in any namespace may run as any of its accounts, mount any of its Secrets, or
  ask for a node by name with the node's disks mounted; a token or an impersonated identity has rights the
  stack may not declare.
"""

from __future__ import annotations

from typing import Any

from residency_facts.kubernetes_rbac import CLUSTER

from .cluster_access import cluster_holds
from .cluster_rights import Granted, granted
from .exposure_published import Publication, published_workloads
from .lineage import Lineage
from .lineage_code import mounted_configuration
from .locations import mechanism_key
from .model import Resource, Stack
from .settings import Settings
from .values import Unknown, value_at
from .violations import Violation, exposure_violation

CLUSTER_SCOPED = frozenset(
    {
        "core:Namespace",
        "core:PersistentVolume",
        "core:Node",
        "storage.k8s.io:StorageClass",
        "snapshot.storage.k8s.io:VolumeSnapshotContent",
        "snapshot.storage.k8s.io:VolumeSnapshotClass",
    }
)
"""Kinds that live in no namespace: they hold no Secrets and run no pods of a namespace."""
_FIX = (
    "give a published workload a ServiceAccount bound to no role that reads Secrets, execs into, attaches "
    "to, proxies or port-forwards to pods, proxies to Services or nodes, creates or changes pods, mints "
    "tokens, impersonates or writes RBAC or admission webhooks (or set automountServiceAccountToken: false "
    "on its pods), and run what needs such rights behind a ClusterIP Service; or do not publish it outside "
    "the VPC."
)


def credential_exposure(stack: Stack, lineage: Lineage, settings: Settings) -> list[Violation]:
    """Published workloads whose credentials reach the PII of their cluster through the Kubernetes API."""
    found: list[Violation] = []
    by_workload: dict[str, list[Publication]] = {}
    for publication in published_workloads(stack, lineage, settings):
        by_workload.setdefault(publication.workload.urn, []).append(publication)
    for publications in by_workload.values():
        workload = publications[0].workload
        exposed = _exposed(workload, stack, lineage, settings)
        if not exposed:
            continue
        kinds = ", ".join(sorted(settings.protected_classifications))
        via = "; ".join(dict.fromkeys(p.why for p in publications))
        found.append(
            exposure_violation(
                workload,
                f"{kinds} data of its cluster",
                f"{workload.label} is published outside its VPC ({via}), and its pods reach the Kubernetes "
                f"API with rights over that data: {'; '.join(exposed)}. Whoever reaches the published "
                "workload (a `kubectl proxy` in it, or a flaw in it) acts with those rights",
                _FIX,
                settings,
            )
        )
    return found


def _exposed(workload: Resource, stack: Stack, lineage: Lineage, settings: Settings) -> list[str]:
    """The rights a workload's credentials have over the PII of its cluster, in words."""
    protected = settings.protected_classifications
    places = pii_namespaces(workload, stack, lineage, settings)
    held, readers = cluster_holds(workload, stack, lineage, settings)
    anywhere = sorted(
        {label for labels in places.values() for label in labels}
        | {label for kind, labels in readers.items() if kind in protected for label in labels}
    )
    if not anywhere and not (held & protected):
        return []
    by_reach: dict[tuple[str, str, str, str], list[str]] = {}
    for grant in granted(workload, stack, lineage):
        where = _where(grant, places, anywhere, stack, workload, lineage, settings)
        if where is None:
            continue
        scope = "cluster-wide" if grant.namespace is None else f"in namespace {_shown(grant.namespace)}"
        through = f"{grant.binding.label} ({grant.role}, {scope})"
        rights = by_reach.setdefault((grant.identity.how, through, where, grant.right.reach), [])
        if grant.right.what not in rights:
            rights.append(grant.right.what)
    return [
        f"{who} may {', '.join(rights)} {where}, through {through}"
        for (who, through, where, _), rights in by_reach.items()
    ]


def _where(
    grant: Granted,
    places: dict[Any, list[str]],
    anywhere: list[str],
    stack: Stack,
    workload: Resource,
    lineage: Lineage,
    settings: Settings,
) -> str | None:
    """Where a right reaches PII, in words, or None when it reaches none."""
    if grant.right.reach == CLUSTER:
        return f"anywhere in a cluster that holds or reads PII ({', '.join(anywhere[:3]) or 'its objects'})"
    namespaces = [
        n
        for n in places
        if grant.namespace is None
        or isinstance(grant.namespace, Unknown)
        or isinstance(n, Unknown)
        or n == grant.namespace
    ]
    reached: list[str] = []
    for namespace in namespaces:
        shown = f"namespace {_shown(namespace)}, where {', '.join(places[namespace][:3])} hold or read PII"
        if grant.names is None or grant.right.resource != "secrets":
            reached.append(shown)
            continue
        risky = _risky_secrets(grant.names, namespace, stack, workload, lineage, settings)
        if risky:
            reached.append(f"{', '.join(sorted(risky))} in {shown}")
    return "; ".join(reached) if reached else None


def pii_namespaces(
    workload: Resource, stack: Stack, lineage: Lineage, settings: Settings
) -> dict[Any, list[str]]:
    """The namespaces of a workload's cluster where the stack places objects that hold or read PII."""
    memo_key = ("exposure", "pii-namespaces", workload.provider_urn, settings.protected_classifications)
    cached: dict[Any, list[str]] | None = stack.memo.get(memo_key)
    if cached is not None:
        return cached
    found: dict[Any, list[str]] = {}
    for resource in stack.resources:
        if not resource.type.startswith("kubernetes:") or resource.provider_urn != workload.provider_urn:
            continue
        if mechanism_key(resource.type) in CLUSTER_SCOPED:
            continue
        if (
            not (lineage.effective(resource) | lineage.code_reads(resource))
            & settings.protected_classifications
        ):
            continue
        namespace = value_at(resource.props, "metadata.namespace")
        found.setdefault("default" if namespace is None else namespace, []).append(resource.label)
    stack.memo[memo_key] = found
    return found


def _risky_secrets(
    names: frozenset[str],
    namespace: Any,
    stack: Stack,
    workload: Resource,
    lineage: Lineage,
    settings: Settings,
) -> list[str]:
    """The named Secrets of a PII namespace that may hold PII or its credentials: any the stack does not
    declare there, one that holds PII, and one an object holding or reading PII mounts."""
    protected = settings.protected_classifications
    users = [
        r
        for r in stack.resources
        if r.provider_urn == workload.provider_urn
        and r.type.startswith("kubernetes:")
        and value_at(r.props, "metadata.namespace") == namespace
        and (lineage.effective(r) | lineage.code_reads(r)) & protected
    ]
    used = {config.urn for user in users for config in mounted_configuration(lineage, user)}
    found = []
    for name in names:
        declared = [
            s
            for s in stack.resources
            if mechanism_key(s.type) == "core:Secret"
            and s.provider_urn == workload.provider_urn
            and value_at(s.props, "metadata.name") == name
            and value_at(s.props, "metadata.namespace") == namespace
        ]
        if not declared:
            found.append(f"the Secret {name!r}, which the stack does not declare")
        elif any(s.urn in used or lineage.effective(s) & protected for s in declared):
            found.append(f"the Secret {name!r}")
    return found


def _shown(value: Any) -> str:
    return "(unknown at preview)" if isinstance(value, Unknown) else str(value)
