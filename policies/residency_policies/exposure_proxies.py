"""Rule 6, pii-not-public, for store proxies: a published workload that relays a PII store's protocol.

A connection pooler or TCP forwarder (PgBouncer, socat, HAProxy) in front of a store answers nothing of its
own: whoever reaches it logs in to the store and queries it. A workload whose configuration names a PII store
(a reference to it, its host in its inputs or in the ConfigMaps and Secrets it reads, a Service of the PII
pods of its cluster) is a front door of that store when its image is a database proxy or TCP forwarder, or
when what publishes it exposes a database port (`residency_facts/store_proxies.py`, reviewer blind-k8s13
k03): its publication outside the VPC (`exposure_published.published_workloads`) publishes the store. An
application that reads the store behind the HTTPS load balancer answers its own requests and is not judged.
"""

from __future__ import annotations

from residency_facts import ANY
from residency_facts.store_proxies import DATABASE_PORTS, PROXY_IMAGES
from residency_facts.workloads import POD_SPEC_PATHS

from .classification import held
from .exposure_network import SECURITY_GROUP_INPUTS
from .exposure_published import published_workloads
from .exposure_tunnels import routed_services
from .lineage import Lineage
from .lineage_code import mounted_configuration
from .lineage_selections import backends
from .locations import mechanism_key
from .model import Resource, Stack
from .settings import Settings
from .values import child, known_strings, values_at
from .violations import Violation, exposure_violation

_FIX = (
    "publish an application that answers its own requests, not the store's protocol: keep the proxy behind a "
    "ClusterIP Service (or an internal load balancer that admits only this region's VPC) and reach the store "
    "from this region's networks only."
)


def proxy_exposure(
    stack: Stack, lineage: Lineage, protected_by_urn: dict[str, frozenset[str]], settings: Settings
) -> list[Violation]:
    """Published workloads that relay the protocol of a PII store their configuration names."""
    stores = {
        urn
        for urn in protected_by_urn
        if (s := stack.get(urn)) is not None and s.type in SECURITY_GROUP_INPUTS
    }
    found: list[Violation] = []
    seen: set[tuple[str, str, str]] = set()
    for publication in published_workloads(stack, lineage, settings):
        workload, publisher = publication.workload, publication.publisher
        images = proxy_images(workload)
        if not images and not _published_ports(publisher, workload):
            continue
        for store, protected in _relayed(lineage, workload, stores, settings):
            key = (publisher.urn, workload.urn, store.urn)
            if key in seen:
                continue
            seen.add(key)
            how = _how(images, _published_ports(publisher, workload), store)
            if how is None:
                continue
            found.append(
                exposure_violation(
                    publisher,
                    held(lineage, store, protected),
                    f"{publisher.label} publishes {workload.label}, which relays the protocol of "
                    f"{store.label} ({how}; its configuration names the store), so whoever reaches it "
                    f"reaches the store: {publication.why}",
                    _FIX,
                    settings,
                )
            )
    return found


def proxy_images(workload: Resource) -> list[str]:
    """The images of a workload's containers that are database proxies or TCP forwarders."""
    found = []
    for base in POD_SPEC_PATHS:
        for containers in ("containers", "initContainers"):
            for image in values_at(workload.props, f"{base}.{containers}[].image"):
                if isinstance(image, str) and _repository(image) in PROXY_IMAGES:
                    found.append(image)
    return found


def _repository(image: str) -> str:
    """The last path segment of an image reference, without its tag or digest."""
    return image.split("@", 1)[0].rsplit("/", 1)[-1].split(":", 1)[0].lower()


def _published_ports(publisher: Resource, workload: Resource) -> set[int]:
    """The ports a publication exposes: a Service's ports and target ports, else the workload's container
    ports (an Ingress, a binding, host ports)."""
    if mechanism_key(publisher.type) == "core:Service":
        values = [
            *values_at(publisher.props, "spec.ports[].port"),
            *values_at(publisher.props, "spec.ports[].targetPort"),
        ]
    else:
        values = [
            v
            for base in POD_SPEC_PATHS
            for v in values_at(workload.props, f"{base}.containers[].ports[].containerPort")
        ]
    return {int(v) for v in values if isinstance(v, (int, float)) or (isinstance(v, str) and v.isdigit())}


def _how(images: list[str], ports: set[int], store: Resource) -> str | None:
    """Why a workload naming the store relays its protocol, in words (None: it does not)."""
    if images:
        image = images[0]
        return f"{image} is {PROXY_IMAGES[_repository(image)]}"
    own = child(store.props, "port")
    store_ports = {int(own)} if isinstance(own, (int, float)) else set()
    for port in sorted(ports):
        if port in store_ports or port in DATABASE_PORTS:
            name = DATABASE_PORTS.get(port, "the store's own port")
            return f"it is published on port {port}, {name}'s"
    return None


def _relayed(
    lineage: Lineage, workload: Resource, stores: set[str], settings: Settings
) -> list[tuple[Resource, frozenset[str]]]:
    """The PII stores a workload's configuration names: by reference or by host in its inputs and the
    ConfigMaps and Secrets it reads, and the PII pods behind the Services of its cluster it names."""
    stack = lineage.stack
    found: dict[str, Resource] = {}
    for holder in [workload, *mounted_configuration(lineage, workload)]:
        for dependency in stack.dependencies(holder, ANY):
            if dependency.urn in stores:
                found.setdefault(dependency.urn, dependency)
        for text in known_strings(values_at(holder.props, ANY)):
            for named in stack.mentioned_in(text):
                if named.urn in stores:
                    found.setdefault(named.urn, named)
    relayed = [(s, lineage.effective(s) & settings.protected_classifications) for s in found.values()]
    for service, _ in routed_services(workload, stack, lineage):
        for backend in backends(lineage, service):
            protected = lineage.effective(backend) & settings.protected_classifications
            if protected and backend is not workload and backend.urn not in found:
                found[backend.urn] = backend
                relayed.append((backend, protected))
    return [(store, protected) for store, protected in relayed if protected]
