"""Rule 6, pii-not-public, for outbound tunnels: a tunnel agent in the cluster publishes what it routes to.

A tunnel agent (cloudflared, ngrok, frp's client, Tailscale, inlets, chisel, ...:
`residency_facts/tunnels.py`) dials out to its vendor's edge, which then serves a public host name (or a
tailnet address) from what the agent forwards to: no load balancer, no open security group. So does any
reverse tunnel a container's command line opens, whatever its image (`tunnel_commands`: `ssh -R`, chisel's
`R:` remotes, socat joining a connection outside to one inside; reviewer blind-k8s16 v07). The pack cannot
read the vendor's side, so a tunnel is judged by the routes its configuration names: its own inputs
(arguments, environment) and the ConfigMaps and Secrets its pods mount or take environment from. A route to a
Service of the same cluster that selects PII pods (by any name its resolver answers for the Service,
`cluster_dns`: `name`, `name.namespace`, `name.namespace.svc[.cluster.local]`, absolute or not, or a pod's
name under it), or to a host the stack's PII store answers on, publishes that data. A tunnel container in a
PII workload publishes that workload itself. In a cluster that holds PII, a tunnel whose configuration names
no route the pack can read (routes managed on the vendor's side with a token, a configuration the stack does
not declare) fails closed: what it publishes cannot be seen. A tunnel whose configuration is computed from a
PII store (its address, unknown at preview) reaches that store, and one that lets its server reach whatever
the pod's network reaches (a reverse SOCKS proxy, a shell joined to the connection) is judged as an agent
whose routes its vendor defines.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from residency_facts import ANY
from residency_facts.tunnels import TUNNEL_IMAGES, VENDOR_ROUTED_IMAGES
from residency_facts.workloads import POD_SPEC_PATHS

from .classification import held
from .cluster_dns import namespace_of, resolved_services
from .environment import environment, expanded
from .exposure_network import SECURITY_GROUP_INPUTS
from .exposure_services import kind_tokens
from .lineage import Lineage
from .lineage_code import mounted_configuration
from .lineage_selections import backends
from .model import Resource, Stack
from .settings import Settings
from .tunnel_commands import reverse_tunnels
from .values import Unknown, known_strings, value_at, values_at
from .violations import Violation, exposure_violation

_HOST = re.compile(
    r"(?:[a-z][a-z0-9+.-]*://)([a-z0-9](?:[a-z0-9.-]*[a-z0-9])?)"
    r"|(?<![\w./-])([a-z0-9](?:[a-z0-9.-]*[a-z0-9])?)\.?:\d{1,5}(?![\w.])",
    re.IGNORECASE,
)
"""A host a route names: the host of a URL (`tcp://db.app.svc:5432`, `http://web`), or a `host:port`."""
_FIX = (
    "do not route a tunnel to personal data: publish only an application that serves no personal data, "
    "declare the tunnel's routes in a ConfigMap of this stack, and reach PII stores from this region's "
    "networks only."
)


@functools.lru_cache(maxsize=1024)
def hosts_in_text(text: str) -> tuple[str, ...]:
    """The hosts a configuration text routes to, once per text (a 100 KB ConfigMap is scanned once)."""
    return tuple(dict.fromkeys(h.lower() for pair in _HOST.findall(text) for h in pair if h))


def tunnel_containers(resource: Resource) -> list[str]:
    """The images of a Kubernetes object's containers that are tunnel or remote-access agents, and the
    reverse tunnels its command lines open (`tunnel_commands`), as messages show them."""
    found = []
    for base in POD_SPEC_PATHS:
        for containers in ("containers", "initContainers"):
            for image in values_at(resource.props, f"{base}.{containers}[].image"):
                if isinstance(image, str) and (_repository(image) in TUNNEL_IMAGES or vendor_routed(image)):
                    found.append(image)
    found.extend(tunnel.shown for tunnel in reverse_tunnels(resource))
    return found


def vendor_routed(image: str) -> bool:
    """Whether an image is a remote-access agent whose routes are defined on its vendor's side."""
    parts = image.split("@", 1)[0].split("/")
    if len(parts) > 1 and ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"):
        parts = parts[1:]
    path = "/".join(parts).rsplit(":", 1)[0].lower() if ":" in parts[-1] else "/".join(parts).lower()
    return any(path == entry or path.endswith("/" + entry) for entry in VENDOR_ROUTED_IMAGES)


def _repository(image: str) -> str:
    """The last path segment of an image reference, without its tag or digest."""
    name = image.split("@", 1)[0].rsplit("/", 1)[-1]
    return name.split(":", 1)[0].lower()


def _named(service: Resource, hosts: set[str], namespace: str) -> list[str]:
    """The hosts of a tunnel's routes that name a Service, from the tunnel's namespace: by any of its
    cluster-local names, or a pod's under it (`cluster_dns`)."""
    name = value_at(service.props, "metadata.name")
    if not isinstance(name, str):
        return []
    key = (namespace_of(value_at(service.props, "metadata.namespace")), name)
    return sorted(host for host in hosts if key in resolved_services(host, namespace))


def tunnel_exposure(
    stack: Stack, lineage: Lineage, protected_by_urn: dict[str, frozenset[str]], settings: Settings
) -> list[Violation]:
    """Tunnel agents that route to PII, or whose routes cannot be read in a cluster that holds PII."""
    found: list[Violation] = []
    for tunnel in stack.resources:
        if not tunnel.type.startswith("kubernetes:"):
            continue
        images = tunnel_containers(tunnel)
        if not images:
            continue
        what = f"{tunnel.label} runs a tunnel agent ({', '.join(sorted(set(images)))})"
        own = lineage.effective(tunnel) & settings.protected_classifications
        if own:
            found.append(
                exposure_violation(
                    tunnel,
                    held(lineage, tunnel, own),
                    f"{what} in the pods that hold the data: its vendor's edge serves what they listen on",
                    _FIX,
                    settings,
                )
            )
            continue
        found.extend(_routes(tunnel, what, stack, lineage, protected_by_urn, settings))
    return found


def _routes(
    tunnel: Resource,
    what: str,
    stack: Stack,
    lineage: Lineage,
    protected_by_urn: dict[str, frozenset[str]],
    settings: Settings,
) -> list[Violation]:
    texts: list[Any] = [tunnel.props]
    configs = mounted_configuration(lineage, tunnel)
    texts.extend(config.props for config in configs)
    unknown = any(isinstance(v, Unknown) for value in texts for v in values_at(value, ANY))
    namespace = namespace_of(value_at(tunnel.props, "metadata.namespace"))
    # Routes are read as the agent reads them: `R:15432:$(DB_HOST):5432` with the variables it is given.
    variables = environment(texts, configs)
    found, hosts = route_violations(
        tunnel,
        what,
        [expanded(t, variables) for t in texts],
        namespace,
        stack,
        lineage,
        protected_by_urn,
        settings,
    )
    found.extend(_computed_from_protected(tunnel, configs, what, lineage, settings))
    vendor = [image for image in tunnel_containers(tunnel) if vendor_routed(image)]
    unbounded = [t.shown for t in reverse_tunnels(tunnel) if t.unbounded]
    if (vendor or unbounded) and not found:
        reached = agent_reach(tunnel, stack, lineage, protected_by_urn, settings)
        if not reached:
            return found
        why = (
            f"{', '.join(vendor)} takes its routes from its vendor, whatever its configuration names"
            if vendor
            else f"{', '.join(unbounded)} lets its server reach whatever the pod's network reaches (a "
            "reverse SOCKS proxy, a shell)"
        )
        return [
            exposure_violation(
                tunnel,
                reached,
                f"{what}: {why}, so what its vendor's edge reaches cannot be seen",
                _FIX,
                settings,
            )
        ]
    if found or not _cluster_holds(tunnel, stack, protected_by_urn):
        return found
    if hosts and not unknown:
        return found
    why = "its configuration is unknown at preview" if unknown else "its configuration names no route"
    return [
        exposure_violation(
            tunnel,
            "personal data of its cluster",
            f"{what} and {why} (routes kept on the vendor's side with a token, or in a configuration this "
            "stack does not declare), in a cluster that holds PII, so what it publishes cannot be seen",
            _FIX,
            settings,
        )
    ]


def _computed_from_protected(
    tunnel: Resource, configs: list[Resource], what: str, lineage: Lineage, settings: Settings
) -> list[Violation]:
    """A tunnel whose configuration (its inputs, the ConfigMaps and Secrets it reads) is computed from a PII
    store (`R:15432:$(DB_HOST):5432`, the database's address unknown at preview): its server reaches it."""
    found: list[Violation] = []
    for owner in (tunnel, *configs):
        for dependency in lineage.stack.dependencies(owner, "**"):
            for location in lineage.follow(dependency, {tunnel.urn}):
                protected = lineage.classes(location) & settings.protected_classifications
                if protected and location.resource is not None:
                    found.append(
                        exposure_violation(
                            tunnel,
                            f"{', '.join(sorted(protected))} data of {location.resource.label}",
                            f"{what} whose configuration is computed from {location.resource.label} "
                            f"({owner.label}): the tunnel's server reaches what it names",
                            _FIX,
                            settings,
                        )
                    )
    return found


def route_violations(
    tunnel: Resource,
    what: str,
    texts: list[Any],
    namespace: str,
    stack: Stack,
    lineage: Lineage,
    protected_by_urn: dict[str, frozenset[str]],
    settings: Settings,
) -> tuple[list[Violation], set[str]]:
    """The routes a tunnel's configuration texts name to a Service of PII pods in its cluster (by any of the
    Service's cluster-local names, a bare one in the tunnel's namespace) or to a host a PII store answers on,
    each a violation; and every host the texts name."""
    strings = [s for value in texts for s in known_strings(values_at(value, ANY))]
    hosts = {h for text in strings for h in hosts_in_text(text)}
    found: list[Violation] = []
    for service in stack.of_type(*kind_tokens(stack, ("core:Service",))):
        if service.provider_urn != tunnel.provider_urn:
            continue
        named = _named(service, hosts, namespace)
        if not named:
            continue
        for backend in backends(lineage, service):
            protected = lineage.effective(backend) & settings.protected_classifications
            if protected:
                found.append(
                    exposure_violation(
                        tunnel,
                        held(lineage, backend, protected),
                        f"{what} whose configuration routes to {named[0]}, the Service {service.label} of "
                        f"{backend.label}: the tunnel's edge publishes it",
                        _FIX,
                        settings,
                    )
                )
    stores = [r for r in stack.resources if r.urn in protected_by_urn and r.type in SECURITY_GROUP_INPUTS]
    for host in sorted(hosts):
        for store in (r for r in stack.mentioned_in(host) if r in stores):
            found.append(
                exposure_violation(
                    tunnel,
                    held(lineage, store, protected_by_urn[store.urn]),
                    f"{what} whose configuration routes to {host}, {store.label}: the tunnel's edge "
                    "publishes it",
                    _FIX,
                    settings,
                )
            )
    return found, hosts


def agent_reach(
    agent: Resource,
    stack: Stack,
    lineage: Lineage,
    protected_by_urn: dict[str, frozenset[str]],
    settings: Settings,
) -> str:
    """What protected data a remote-access agent whose routes its vendor defines may reach, in words (empty:
    none): what its cluster holds, what its cluster's pods read, and the stack's PII stores on a network (a
    database, a cache: the agent's pods are on the cluster's network, whose reach the pack does not narrow to
    one VPC)."""
    from .cluster_access import cluster_holds  # cluster_access imports the exposure modules' helpers

    held, readers = cluster_holds(agent, stack, lineage, settings)
    parts = [f"{kind} data of its cluster" for kind in sorted(held & settings.protected_classifications)]
    parts += [
        f"{kind} data its cluster's pods read ({', '.join(sorted(set(labels)))})"
        for kind, labels in sorted(readers.items())
        if kind in settings.protected_classifications
    ]
    parts += [
        f"{', '.join(sorted(protected_by_urn[r.urn]))} data of {r.label} on the network"
        for r in stack.resources
        if r.urn in protected_by_urn and r.type in SECURITY_GROUP_INPUTS
    ]
    return "; ".join(parts)


def _route_hosts(tunnel: Resource, lineage: Lineage) -> tuple[set[str], bool]:
    """The hosts a tunnel's configuration (its inputs, the ConfigMaps and Secrets it mounts) routes to, and
    whether part of it is unknown at preview."""
    texts: list[Any] = [tunnel.props]
    texts.extend(config.props for config in mounted_configuration(lineage, tunnel))
    strings = [s for value in texts for s in known_strings(values_at(value, ANY))]
    unknown = any(isinstance(v, Unknown) for value in texts for v in values_at(value, ANY))
    return {h for text in strings for h in hosts_in_text(text)}, unknown


def routed_services(
    tunnel: Resource, stack: Stack, lineage: Lineage, hosts: set[str] | None = None
) -> list[tuple[Resource, str]]:
    """The Services of its cluster a tunnel's configuration routes to, each with the name it uses."""
    if hosts is None:
        hosts, _ = _route_hosts(tunnel, lineage)
    namespace = namespace_of(value_at(tunnel.props, "metadata.namespace"))
    found = []
    for service in stack.of_type(*kind_tokens(stack, ("core:Service",))):
        if service.provider_urn != tunnel.provider_urn:
            continue
        named = _named(service, hosts, namespace)
        if named:
            found.append((service, named[0]))
    return found


def _cluster_holds(tunnel: Resource, stack: Stack, protected_by_urn: dict[str, frozenset[str]]) -> bool:
    """Whether the tunnel's cluster (its provider) has objects that hold protected data."""
    return any(r.provider_urn == tunnel.provider_urn for r in stack.resources if r.urn in protected_by_urn)
