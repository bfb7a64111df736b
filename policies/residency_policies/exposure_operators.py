"""Rule 6, pii-not-public, for the Services an operator creates from a template in its custom resource.

An operator that publishes a database through a Service it creates takes that Service's metadata and spec
from a template in its custom resource: CloudNativePG's Pooler (`spec.serviceTemplate`, the PgBouncer
Service in front of its Cluster) and Cluster (`spec.managed.services.additional[].serviceTemplate`, more
Services for the primary or the replicas, by `selectorType`). The stack never declares those Services, so
each template is judged as the pack judges a declared Service (`exposure_services.public_service`, on a
Service built from the template: a LoadBalancer that is not internal for every controller that may publish
it, a NodePort, an exposing annotation or class, external IPs on nodes not shown private), and what it
publishes is the database the operator puts behind it: the custom resource itself, or the cluster it names
(`OperatorService.serves`). A cluster it names that the stack does not declare (or whose name is unknown)
fails closed in a cluster that holds PII; a template unknown at preview is taken to be published. Field
names: cloudnative-pg/cloudnative-pg config/crd/bases (postgresql.cnpg.io_poolers.yaml, _clusters.yaml).
"""

from __future__ import annotations

from typing import Any, NamedTuple

from .classification import held
from .exposure_services import INTERNAL_FIX, kind_tokens, public_service, same_cluster
from .lineage import Lineage
from .model import Resource, Stack
from .settings import Settings
from .values import Unknown, child, value_at, values_at
from .violations import Violation, exposure_violation


class OperatorService(NamedTuple):
    """A Service template of an operator's custom resource, and what the operator publishes through it."""

    template: str
    """Where the templates are (a path; `[]` steps into a list): each a Service's `metadata` and `spec`."""
    what: str
    """The Service in words."""
    serves: str = ""
    """Where the custom resource names the database behind it (by name, in its own namespace); empty: the
    custom resource itself holds it."""
    serves_kind: str = ""
    """The `group:Kind` of that database."""


CNPG_CLUSTER = "postgresql.cnpg.io:Cluster"
OPERATOR_SERVICES: dict[str, tuple[OperatorService, ...]] = {
    "postgresql.cnpg.io:Pooler": (
        OperatorService(
            "spec.serviceTemplate",
            "the PgBouncer Service CloudNativePG creates for the Pooler (spec.serviceTemplate)",
            serves="spec.cluster.name",
            serves_kind=CNPG_CLUSTER,
        ),
    ),
    CNPG_CLUSTER: (
        OperatorService(
            "spec.managed.services.additional[].serviceTemplate",
            "a Service CloudNativePG creates for the cluster's instances "
            "(spec.managed.services.additional[].serviceTemplate)",
        ),
    ),
}
"""Custom resources whose operator creates Services from templates in them, by `group:Kind`."""

_FIX = (
    "leave the operator's Service ClusterIP (drop the template's type LoadBalancer or NodePort, its "
    f"externalIPs and exposing annotations), or make it {INTERNAL_FIX}, and admit only this region's "
    "networks."
)


def operator_service_exposure(
    stack: Stack, lineage: Lineage, protected_by_urn: dict[str, frozenset[str]], settings: Settings
) -> list[Violation]:
    """Operators' custom resources whose templated Services publish a PII database beyond its VPC."""
    found: list[Violation] = []
    for key, services in OPERATOR_SERVICES.items():
        for owner in stack.of_type(*kind_tokens(stack, (key,))):
            for service in services:
                for template in values_at(owner.props, service.template):
                    why = _published(owner, template, stack, settings)
                    if why is not None:
                        found.extend(_served(owner, service, why, stack, lineage, protected_by_urn, settings))
    return found


def _published(owner: Resource, template: Any, stack: Stack, settings: Settings) -> str | None:
    """Why the Service a template makes is published beyond the VPC (None: it is not)."""
    spec = child(template, "spec")
    if isinstance(template, Unknown) or isinstance(spec, Unknown) or isinstance(child(spec, "type"), Unknown):
        return (
            "its service template is unknown at preview, so whether its Service is published cannot be seen"
        )
    metadata = child(template, "metadata")
    namespace = value_at(owner.props, "metadata.namespace")
    service = Resource(
        type="kubernetes:core/v1:Service",
        name=f"{owner.name} (templated Service)",
        urn=f"{owner.urn}$templated-service",
        props={"metadata": {**(metadata or {}), "namespace": namespace}, "spec": spec or {}},
        provider_type=owner.provider_type,
        provider_urn=owner.provider_urn,
        provider_props=owner.provider_props,
    )
    return public_service(service, stack, settings.account_ids)


def _served(
    owner: Resource,
    service: OperatorService,
    why: str,
    stack: Stack,
    lineage: Lineage,
    protected_by_urn: dict[str, frozenset[str]],
    settings: Settings,
) -> list[Violation]:
    """The violations of a published templated Service: the PII database behind it, or, in a cluster that
    holds PII, a database the pack cannot find."""
    databases, unseen = [owner], ""
    if service.serves:
        name = value_at(owner.props, service.serves)
        namespace = value_at(owner.props, "metadata.namespace")
        databases = [
            d
            for d in same_cluster(stack, owner, (service.serves_kind,))
            if isinstance(name, str)
            and value_at(d.props, "metadata.name") == name
            and value_at(d.props, "metadata.namespace") == namespace
        ]
        if isinstance(name, Unknown):
            tokens = set(kind_tokens(stack, (service.serves_kind,)))
            databases = [d for d in stack.dependencies(owner, "spec") if d.type in tokens]
        if not databases:
            shown = "unknown at preview" if isinstance(name, Unknown) else repr(name)
            unseen = f"the cluster it names ({service.serves} {shown}) is not declared in this stack"
    found = []
    for database in databases:
        protected = (
            lineage.effective(database) | lineage.effective(owner)
        ) & settings.protected_classifications
        if protected:
            found.append(
                exposure_violation(
                    owner,
                    held(lineage, database, protected),
                    f"{service.what} publishes {'it' if database is owner else database.label}: {why}",
                    _FIX,
                    settings,
                )
            )
    if found or not unseen:
        return found
    in_cluster = [
        r for r in stack.resources if r.urn in protected_by_urn and r.provider_urn == owner.provider_urn
    ]
    if not in_cluster:
        return found
    kinds = ", ".join(sorted({c for r in in_cluster for c in protected_by_urn[r.urn]}))
    stores = ", ".join(sorted(r.label for r in in_cluster))
    return [
        exposure_violation(
            owner,
            f"{kinds} data",
            f"{service.what} is published ({why}) and {unseen}, in a cluster that holds {stores}, so what "
            "it publishes cannot be seen",
            _FIX,
            settings,
        )
    ]
