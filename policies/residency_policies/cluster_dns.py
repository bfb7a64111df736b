"""How a pod's resolver reads a host name inside its cluster: the Services, and the pods under them, a name
answers for (`residency_facts.relays.SEARCH_PATH`).

The pack's one reader of cluster-local names, for what code sends to (relays, `lineage_relays`) and what a
tunnel routes to (`exposure_tunnels`). DNS compares names in any case, and an absolute name (with its
trailing dot) is tried as it is, never under the search path: `fluentd.logging.svc.cluster.local.` is the
Service, `fluentd.logging.` is no name of the cluster.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from residency_facts.relays import CLUSTER_DOMAIN, SEARCH_PATH

LABEL = r"[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?"
"""One label of a Kubernetes object's DNS name (RFC 1123)."""
_HOST = re.compile(rf"(?<![\w.-])((?:{LABEL}\.)*{LABEL}\.?)(?![\w-]|\.[\w-])", re.IGNORECASE)
"""A host name inside a text, with the trailing dot of an absolute name."""
_WHOLE_HOST = re.compile(rf"^(?:[a-z][a-z0-9+.-]*://)?({LABEL}\.?)(?::\d{{1,5}})?/?$", re.IGNORECASE)
"""A whole value naming a single-label host (`fluentd`, `fluentd:24224`, `http://fluentd/`)."""
_SERVICES = f".svc.{CLUSTER_DOMAIN}"


def normalised_host(host: str) -> str:
    """A host name as DNS compares it: in lower case, without the trailing dot of an absolute name."""
    return host.strip().lower().rstrip(".")


@functools.lru_cache(maxsize=4096)
def resolved_services(host: str, namespace: str) -> tuple[tuple[str, str], ...]:
    """The (namespace, Service) pairs a name resolves to from a pod of `namespace`: the Service's own record
    or a pod's record under it, trying the name under each suffix of the search path and as it is (an
    absolute name only as it is)."""
    host = host.strip().lower()
    absolute = host.endswith(".")
    host = host.rstrip(".")
    if not host:
        return ()
    names = [host] if absolute else [f"{host}.{s.format(namespace=namespace)}" for s in SEARCH_PATH] + [host]
    found: list[tuple[str, str]] = []
    for name in names:
        if not name.endswith(_SERVICES):
            continue
        labels = name.removesuffix(_SERVICES).split(".")
        if len(labels) == 2:
            found.append((labels[1], labels[0]))
        elif len(labels) == 3:
            # `<pod>.<service>.<namespace>`: a pod's record under its headless Service.
            found.append((labels[2], labels[1]))
    return tuple(dict.fromkeys(found))


@functools.lru_cache(maxsize=1024)
def hosts_in(text: str) -> tuple[str, ...]:
    """The names a text may resolve inside its cluster, as it writes them: every dotted host name, and a
    URL's single-label host (`http://fluentd:24224`), once per text."""
    found: list[str] = []
    for match in _HOST.finditer(text):
        host = match.group(1)
        if "." in host.rstrip(".") or text.startswith("://", match.start() - 3):
            found.append(host)
    return tuple(dict.fromkeys(found))


def whole_host(value: str) -> str | None:
    """The single-label host a whole value names (`fluentd`, `fluentd:24224`), or None."""
    match = _WHOLE_HOST.match(value.strip())
    return match.group(1) if match else None


def namespace_of(value: Any) -> str:
    """A namespace as names resolve in it: unset is `default`."""
    return value if isinstance(value, str) and value else "default"
