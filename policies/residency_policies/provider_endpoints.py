"""Where a provider's `endpoints` overrides send a resource's API calls, and with them its data.

The keys the provider reads for a type's service, its aliases included, are the reviewed table's
(`residency_facts/endpoints.py`); a key the table does not know may be any service's, the resource's included,
so it counts as the resource's own.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import NamedTuple
from urllib.parse import urlparse

from residency_facts.endpoints import ENDPOINT_ALIASES, NO_RESOURCE_ENDPOINTS, SERVICE_TYPES

from .attributes import is_aws, region_named_in
from .model import Resource
from .settings import Settings
from .values import Unknown, as_list, child

_AWS_HOST = re.compile(r"^[a-z0-9.-]+\.(amazonaws\.com|amazonaws\.com\.cn|api\.aws)$")

_PREFIXES: tuple[tuple[str, str], ...] = tuple(
    sorted(
        ((prefix, service) for service, prefixes in SERVICE_TYPES.items() for prefix in prefixes),
        key=lambda entry: -len(entry[0]),
    )
)
"""(type prefix, service key), longest prefix first."""

OUTSIDE_AWS = "not an AWS endpoint"
"""Where an override leads whose host is no AWS endpoint."""

_REVIEWED = frozenset(SERVICE_TYPES) | frozenset(ENDPOINT_ALIASES) | NO_RESOURCE_ENDPOINTS


@functools.lru_cache(maxsize=2048)
def endpoint_keys(token: str) -> frozenset[str]:
    """The `endpoints` keys that redirect a type's API calls: the services of its longest matching prefix in
    the table, and their aliases; empty for a type the table does not place (and for a non-AWS type)."""
    if not token.startswith("aws:") or token.count(":") != 2:
        return frozenset()
    path = token.split(":")[1]
    matches = [(prefix, service) for prefix, service in _PREFIXES if path.startswith(prefix)]
    if not matches:
        return frozenset()
    longest = len(matches[0][0])
    services = {service for prefix, service in matches if len(prefix) == longest}
    aliases = {alias for alias, service in ENDPOINT_ALIASES.items() if service in services}
    return frozenset(services | aliases)


class Override(NamedTuple):
    """An `endpoints` override of the resource's provider for its service: where it sends the API calls."""

    key: str
    endpoint: str
    """The URL, or words for one unknown at preview."""
    where: str
    """Where it leads, in words."""
    reviewed: bool
    """Whether the table knows the key (else it may be any service's, this resource's included)."""
    region: str | None = None
    """The region of the AWS endpoint it leads to, when it names one."""

    @property
    def outside_aws(self) -> bool:
        """Whether its host is no AWS endpoint."""
        return self.where == OUTSIDE_AWS


def service_overrides(resource: Resource) -> list[Override]:
    """The provider endpoint overrides for the resource's service: by the table's keys, aliases included, or
    by a key the table does not know. An override for another service is not this resource's concern."""
    if not is_aws(resource):
        return []
    configured = as_list(child(resource.provider_props, "endpoints"))
    if isinstance(configured, Unknown):
        return [
            Override("endpoints", "an endpoint unknown at preview", "it cannot be shown to be in AWS", True)
        ]
    keys = endpoint_keys(resource.type) or frozenset({resource.type.split(":")[1].split("/")[0].lower()})
    found = []
    for entry in configured or []:
        for name, value in entry.items() if isinstance(entry, Mapping) else []:
            key = str(name).lower()
            reviewed = key in _REVIEWED
            if (reviewed and key not in keys) or value in (None, ""):
                continue
            url = str(value) if not isinstance(value, Unknown) else ""
            host = urlparse(url if "://" in url else f"https://{url}").hostname or ""
            region = region_named_in(host)
            if not _AWS_HOST.match(host):
                found.append(Override(key, url or "an endpoint unknown at preview", OUTSIDE_AWS, reviewed))
            else:
                where = f"in {region}" if region else "an AWS endpoint that names no region"
                found.append(Override(key, url, where, reviewed, region))
    return found


def endpoint_overrides(resource: Resource, settings: Settings) -> list[Override]:
    """The overrides for the resource's service (`service_overrides`) that do not lead to an allowed region
    of AWS."""
    return [
        override
        for override in service_overrides(resource)
        if override.region is None or override.region not in settings.allowed_regions
    ]


def endpoint_elsewhere(resource: Resource, own: str | None) -> Override | None:
    """The first override for the resource's service that leads elsewhere than its own region (outside AWS,
    to another region, or to an AWS endpoint that names none): where its provider creates it."""
    for override in service_overrides(resource):
        if override.region is None or override.region != own:
            return override
    return None
