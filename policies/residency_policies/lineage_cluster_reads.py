"""How lineage reads what a Kubernetes workload reads of its cluster through the Kubernetes API.

Whoever may read a namespace's Secrets or exec into its pods reads the stores they read, as they do
(decision, reviewer blind-k8s13 k16; the pack holds so for cluster access and published workloads). A
workload's code reads, besides what its configuration names, every namespace of its cluster where the stack
places an object that holds resident data or whose code reads it (its pods run there, their credentials and
the operators' Secrets for them live there), when:

- its ServiceAccount's rights (`cluster_rights.granted`: the stack's Roles and ClusterRoles, the built-in
  ones, through RoleBindings and ClusterRoleBindings) include a right over a namespace's objects
  (`kubernetes_rbac.RIGHTS` of reach IN_NAMESPACE: read Secrets, exec, attach, port-forward or proxy into
  pods, read their logs, proxy to Services) there; a RoleBinding reaches its namespace, a ClusterRoleBinding
  every one; a role, a rule or a subject unknown at preview, and a role the stack does not declare, grant
  every right (fail closed); Secrets a rule names count unless each is a Secret the stack declares there that
  holds no resident data and that no object holding or reading it mounts;
- its command lines run kubectl on such a namespace's data (`get|describe|edit` of Secrets or ConfigMaps,
  `exec`, `cp`, `logs`, `attach`, `port-forward`, `proxy`, `debug`: `lineage_commands`), named as a
  namespace (`-n crm`, `--namespace=crm`; a name shorter than the words lineage looks for inside text counts
  here), every namespace (`-A`), the pod's own (no `-n`), or any where the namespace is a reference the pack
  cannot read (`-n "$NS"`).

A request without a token (a binding to `system:anonymous`) is judged as cluster access and exposure, not
here: it would make every workload a reader. Code passes on no classification, so what these readers read
is final once the stack's own movements have carried theirs; each is then judged on its destinations.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from residency_facts.kubernetes_rbac import IN_NAMESPACE

from .attributes import is_kubernetes
from .lineage_code import code_scripts
from .lineage_commands import cluster_reads_in
from .locations import Location, Movement, mechanism_key
from .model import Resource
from .values import Unknown, value_at

if TYPE_CHECKING:
    from .lineage import Lineage

Places = dict[Any, tuple[list[str], frozenset[str]]]
"""A cluster's namespaces that hold or read resident data: the objects (labels) and their classifications."""


def cluster_readers(lineage: Lineage, movements: list[Movement]) -> list[Movement]:
    """Adds to each Kubernetes workload's code movement what it reads of its cluster (see the module), and
    returns the movements that read something so."""
    workloads = [m for m in movements if m.mechanism.runs_code and is_kubernetes(m.resource)]
    if not workloads:
        return []
    index = _namespaces(lineage, movements)
    found: list[Movement] = []
    for movement in workloads:
        places = index.get(movement.resource.provider_urn)
        if not places:
            continue
        read = _rights_reach(lineage, movement.resource, places) + _command_reach(
            lineage, movement.resource, places
        )
        if read:
            movement.sources.extend(read)
            found.append(movement)
    return found


def _namespaces(lineage: Lineage, movements: list[Movement]) -> dict[str | None, Places]:
    """The namespaces of each cluster where the stack places an object that holds or reads resident data,
    indexed once per lineage."""
    from .exposure_credentials import CLUSTER_SCOPED  # exposure_credentials reads lineage's types

    resident = lineage.settings.resident_classifications
    reads: dict[str, set[str]] = {}
    for movement in movements:
        if movement.mechanism.runs_code and is_kubernetes(movement.resource):
            read = reads.setdefault(movement.resource.urn, set())
            for source in movement.sources:
                read |= lineage.classes(source) & resident
    found: dict[str | None, dict[Any, tuple[list[str], set[str]]]] = {}
    for resource in lineage.stack.resources:
        if not is_kubernetes(resource):
            continue
        classes = (lineage.effective(resource) & resident) | frozenset(reads.get(resource.urn, ()))
        if not classes:
            continue
        key = mechanism_key(resource.type)
        if key == "core:Namespace":
            namespace = value_at(resource.props, "metadata.name")
        elif key in CLUSTER_SCOPED:
            # A cluster-scoped object holds no namespace's Secrets and runs no namespace's pods; a labelled
            # Namespace counts for its own name.
            continue
        else:
            namespace = value_at(resource.props, "metadata.namespace")
            namespace = "default" if namespace is None else namespace
        if not isinstance(namespace, str | Unknown):
            continue
        labels, held = found.setdefault(resource.provider_urn, {}).setdefault(namespace, ([], set()))
        labels.append(resource.label)
        held |= classes
    return {
        cluster: {n: (labels, frozenset(held)) for n, (labels, held) in places.items()}
        for cluster, places in found.items()
    }


def _rights_reach(lineage: Lineage, workload: Resource, places: Places) -> list[Location]:
    """What a workload's ServiceAccount may read of the namespaces that hold or read resident data."""
    from .cluster_rights import granted  # cluster_rights reads lineage's types
    from .exposure_credentials import _risky_secrets

    found: dict[tuple[Any, str], list[str]] = {}
    for grant in granted(workload, lineage.stack, lineage):
        if grant.right.reach != IN_NAMESPACE or grant.identity.anonymous:
            continue
        for namespace in _reached(grant.namespace, places):
            if grant.names is not None and grant.right.resource == "secrets":
                risky = _risky_secrets(
                    grant.names, namespace, lineage.stack, workload, lineage, lineage.settings
                )
                if not risky:
                    continue
            scope = "cluster-wide" if grant.namespace is None else f"in namespace {_shown(grant.namespace)}"
            through = f"{grant.binding.label} ({grant.role}, {scope})"
            rights = found.setdefault((namespace, through), [])
            if grant.right.what not in rights:
                rights.append(grant.right.what)
    return [
        _read(
            lineage,
            workload,
            namespace,
            places,
            f"which {workload.label}'s ServiceAccount may {', '.join(rights)} through {through}",
        )
        for (namespace, through), rights in found.items()
    ]


def _command_reach(lineage: Lineage, workload: Resource, places: Places) -> list[Location]:
    """What a workload's kubectl commands read of the namespaces that hold or read resident data."""
    own = value_at(workload.props, "metadata.namespace")
    found: dict[Any, list[str]] = {}
    for send in cluster_reads_in(list(code_scripts(workload))):
        if send.place == "*" or "$" in send.place:
            named: Any = None
        else:
            named = send.place or ("default" if own is None else own)
        for namespace in _reached(named, places):
            commands = found.setdefault(namespace, [])
            if send.target not in commands:
                commands.append(send.target)
    return [
        _read(
            lineage,
            workload,
            namespace,
            places,
            f"which `{'`, `'.join(commands)}` in the command line of {workload.label} reads",
        )
        for namespace, commands in found.items()
    ]


def _reached(namespace: Any, places: Places) -> list[Any]:
    """The namespaces of `places` a grant or command reaches: one, or every one (None, unknown at preview)."""
    if namespace is None or isinstance(namespace, Unknown):
        return list(places)
    return [n for n in places if n == namespace or isinstance(n, Unknown)]


def _read(lineage: Lineage, workload: Resource, namespace: Any, places: Places, how: str) -> Location:
    labels, classes = places[namespace]
    return Location(
        f"namespace {_shown(namespace)} of its cluster, where {', '.join(labels[:3])} hold or read "
        f"{', '.join(sorted(classes))}, {how}",
        lineage.own_region(workload),
        lineage.account(workload),
        classes,
    )


def _shown(value: Any) -> str:
    return "(unknown at preview)" if isinstance(value, Unknown) else str(value)
