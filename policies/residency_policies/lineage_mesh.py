"""How lineage reads where an Istio Telemetry sends what the mesh's proxies see.

Decision (k8s-b, reviewer issue #8 case 2): a `telemetry.istio.io` Telemetry makes the proxies of the
workloads it applies to report every request they handle (paths, headers, client addresses: what a PII
application serves is in them) to the providers it names: `accessLogging[]`, `tracing[]` and `metrics[]`
`.providers[].name`, or, for an entry that names none (and is not `disabled`), the mesh's
`defaultProviders`. The mesh configuration defines the providers (`extensionProviders[]`, istio/api b8f8791
mesh/v1alpha1/config.proto), read wherever the stack declares it in the Telemetry's cluster: an
IstioOperator's `spec.meshConfig`, the values of a Helm release (`meshConfig`), the `mesh` text of the
`istio` ConfigMap. Each provider sends to its `service` (`[namespace/]host`): a host on the internet (a SaaS
vendor's ingestion host included) is outside AWS, an AWS host is in the region it names, a host an Istio
ServiceEntry gives the mesh is where it resolves, a cluster-local one is the cluster's collector (judged
as the code it is). Stackdriver is Google Cloud's service: outside AWS. `envoy` (the proxies' own standard
output, read by node log readers), `prometheus` (scraped in the cluster) and a file access log send
nowhere. A provider no mesh configuration of the stack defines cannot be placed: untraceable. What the
Telemetry carries is what every other workload of its cluster reads (`lineage_nodes`): the proxies of a
namespace-scoped Telemetry see its namespace's workloads, a mesh-wide one every workload; the pack does
not follow which namespaces are in the mesh (sidecar injection) and counts the cluster's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import yaml

from residency_facts.destinations import saas_vendor

from .attributes import region_named_in
from .lineage_literals import endpoint_outside_aws
from .locations import Location, mechanism_key
from .model import Resource
from .values import Unknown, as_bool, child, value_at, values_at

if TYPE_CHECKING:
    from .lineage import Lineage

TELEMETRY = "telemetry.istio.io:Telemetry"
SIGNALS = {"accessLogging": "accessLogging", "tracing": "tracing", "metrics": "metrics"}
"""A Telemetry's lists by the key of the mesh's `defaultProviders` their unnamed entries fall back to."""
BUILT_IN = frozenset({"envoy", "prometheus"})
"""Providers Istio defines itself: the proxies' standard output and Prometheus's scrape, in the cluster."""
_OUTSIDE_KINDS = {"stackdriver": "Google Cloud's Stackdriver (Cloud Logging and Trace)"}
_LOCAL_KINDS = frozenset({"prometheus", "envoyfileaccesslog"})
"""Provider kinds (keys normalised: lower case, no underscores) that send nowhere."""
MESH_CONFIG_SOURCES = (
    ("install.istio.io:IstioOperator", "spec.meshConfig"),
    ("helm.sh:Release", "values.meshConfig"),
)
"""Where the stack declares the mesh configuration: an IstioOperator, an istiod Helm release's values (and
the `istio` ConfigMap's `mesh` text, read below)."""


def telemetry_places(lineage: Lineage, telemetry: Resource) -> list[Location]:
    """Where a Telemetry's providers send the mesh's requests (see the module's docstring)."""
    providers, defaults = _mesh_providers(lineage, telemetry)
    found: list[Location] = []
    for signal, default_key in SIGNALS.items():
        for entry in values_at(telemetry.props, f"spec.{signal}[]"):
            if isinstance(entry, Unknown):
                found.append(_unplaced(telemetry, f"its {signal} (unknown at preview)"))
                continue
            if as_bool(child(entry, "disabled")) is True:
                continue
            names = [child(p, "name") for p in values_at(entry, "providers[]")]
            if not names:
                names = list(defaults.get(default_key, ()))
            for name in names:
                if isinstance(name, Unknown) or not isinstance(name, str):
                    found.append(_unplaced(telemetry, f"a {signal} provider unknown at preview"))
                elif name in providers:
                    found.extend(_provider_places(lineage, telemetry, name, providers[name]))
                elif name not in BUILT_IN:
                    found.append(
                        _unplaced(
                            telemetry,
                            f"its {signal} provider {name!r}, which no mesh configuration this stack "
                            "declares in its cluster defines (meshConfig.extensionProviders); declare the "
                            "mesh configuration (an IstioOperator, the istiod release's values or the "
                            "istio ConfigMap)",
                        )
                    )
    return found


def _unplaced(telemetry: Resource, why: str) -> Location:
    return Location(f"where {telemetry.label} sends the mesh's requests: {why}", None, None, host=True)


def _mesh_providers(lineage: Lineage, telemetry: Resource) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The extension providers by name, and the default providers by signal, of the mesh configurations
    the stack declares in the Telemetry's cluster."""
    providers: dict[str, Any] = {}
    defaults: dict[str, list[str]] = {}
    for config in _mesh_configs(lineage, telemetry):
        for provider in config.get("extensionProviders") or []:
            name = child(provider, "name")
            if isinstance(name, str):
                providers.setdefault(name, provider)
        for key, names in (as_mapping_or_empty(config.get("defaultProviders"))).items():
            if isinstance(names, list):
                defaults.setdefault(str(key), [str(n) for n in names if isinstance(n, str)])
    return providers, defaults


def as_mapping_or_empty(value: Any) -> Mapping[str, Any]:
    """A mapping, or an empty one."""
    return value if isinstance(value, Mapping) else {}


def _mesh_configs(lineage: Lineage, telemetry: Resource) -> list[Mapping[str, Any]]:
    found: list[Mapping[str, Any]] = []
    for resource in lineage.stack.resources:
        if resource.provider_urn != telemetry.provider_urn:
            continue
        key = mechanism_key(resource.type)
        for kind, path in MESH_CONFIG_SOURCES:
            if key == kind:
                config = value_at(resource.props, path)
                if isinstance(config, Mapping):
                    found.append(config)
        if key == "core:ConfigMap":
            name = value_at(resource.props, "metadata.name")
            text = value_at(resource.props, "data.mesh")
            if (
                isinstance(name, str)
                and (name == "istio" or name.startswith("istio-"))
                and isinstance(text, str)
            ):
                try:
                    parsed = yaml.safe_load(text)
                except yaml.YAMLError:
                    continue
                if isinstance(parsed, Mapping):
                    found.append(parsed)
    return found


def _provider_places(lineage: Lineage, telemetry: Resource, name: str, provider: Any) -> list[Location]:
    for key in provider if isinstance(provider, Mapping) else ():
        kind = str(key).replace("_", "").lower()
        if kind == "name":
            continue
        if kind in _OUTSIDE_KINDS:
            return [
                Location(
                    f"provider {name!r} of {telemetry.label}: {_OUTSIDE_KINDS[kind]}, outside AWS",
                    None,
                    None,
                    outside=True,
                )
            ]
        if kind in _LOCAL_KINDS:
            return []
        service = child(provider[key], "service")
        if isinstance(service, Unknown):
            return [_unplaced(telemetry, f"the service of its provider {name!r} (unknown at preview)")]
        if isinstance(service, str) and service:
            return _service_places(lineage, telemetry, name, service)
    return []


_LOCAL_SUFFIXES = (".svc", ".svc.cluster.local", ".cluster.local", ".local")


def _service_places(lineage: Lineage, telemetry: Resource, name: str, service: str) -> list[Location]:
    from .lineage_code import public_place  # lineage_code imports the module that imports this one
    from .lineage_selections import SERVICE_ENTRY_KIND, service_entry_places

    host = service.split("/", 1)[-1].strip().lower().rstrip(".")
    entries = [
        e
        for e in lineage.stack.resources
        if mechanism_key(e.type) == SERVICE_ENTRY_KIND
        and e.provider_urn == telemetry.provider_urn
        and host in [h for h in values_at(e.props, "spec.hosts[]") if isinstance(h, str)]
    ]
    if entries:
        return [p for e in entries for p in service_entry_places(lineage, e, {telemetry.urn})]
    if "." not in host or host.endswith(_LOCAL_SUFFIXES):
        return []
    vendor = saas_vendor(host)
    if vendor is not None or endpoint_outside_aws(f"tcp://{host}") or public_place(host):
        why = f"an ingestion service of {vendor}" if vendor else "a host on the internet"
        return [
            Location(
                f"{host} (provider {name!r} of {telemetry.label}: {why}, outside AWS)",
                None,
                None,
                outside=True,
            )
        ]
    region = region_named_in(host)
    if region is not None:
        return [
            Location(f"{host} (provider {name!r} of {telemetry.label})", region, lineage.account(telemetry))
        ]
    return []
