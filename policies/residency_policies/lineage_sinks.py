"""Where metrics, logs and traces pipelines keep or send what they collect, in the shapes their
configuration files take beyond an endpoint key: a Grafana Alloy (River) block's `url`, object-store
backends of another cloud (Thanos `objstoreConfig.type`, Loki `storage.type`, Mimir and Tempo `backend`), and
Alertmanager receivers of a vendor's service (`slack_configs`, `pagerdutyConfigs`, ...).

Read from charts' values, add-ons' configuration and code's configuration files alike; a remote write's
`url` under a `remoteWrite` / `remote_write` key (Prometheus, kube-prometheus-stack, Grafana Agent) is an
endpoint key of `lineage_code`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any

import yaml

from residency_facts.alerting import VENDOR_RECEIVERS

from .lineage_literals import endpoint_outside_aws, may_name
from .values import is_mapping

_BLOCK_URL = re.compile(
    r"""\b(?:remote_write|write|endpoint|exporter|sink|client)\b[^{}\n]*\{[^{}]*?\burl\s*=\s*"""
    r"""["']([a-z][a-z0-9+.-]*://[^"']+)["']""",
    re.IGNORECASE,
)
"""A URL in an Alloy (River) or HCL block that sends:
`prometheus.remote_write "x" { endpoint { url = ... } }`, `loki.write`'s `endpoint`, an exporter's `client`
(grafana.com/docs/alloy/latest/reference/components/)."""

_STORE_SECTION = re.compile(r"objstore|storage|backend", re.IGNORECASE)
_STORE_TYPE = re.compile(r"\b(?:type|backend)\s*:")
_STORE_TYPE_HINT = re.compile(r"(?:type|backend)\s*:")
"""What every match of `_STORE_TYPE` holds, found far quicker than by its leading word boundary."""
_STORE_WORDS = ("objstore", "storage", "backend")
"""What every match of `_STORE_SECTION` holds (`may_name`)."""
_STORE_TYPE_KEYS = frozenset({"type", "backend"})
OTHER_CLOUD_STORES = frozenset(
    {
        "gcs",
        "azure",
        "swift",
        "cos",
        "aliyunoss",
        "alibabacloud",
        "oss",
        "bos",
        "oci",
        "obs",
    }
)
"""Object-store backends that keep the data in another provider's cloud by definition: Thanos objstore
types (thanos.io/tip/thanos/storage.md: GCS, AZURE, SWIFT, COS, ALIYUNOSS, BOS, OCI, OBS), Loki's
`storage.type` (gcs, azure, swift, alibabacloud, bos, cos), Mimir's and Tempo's `backend` (gcs, azure,
swift). `s3` is judged by the endpoint and region it names, `filesystem` stays on the pods' volumes."""


def block_urls(text: str) -> list[str]:
    """The URLs outside AWS that the sending blocks of an Alloy or HCL configuration text name."""
    return [url for url in _block_urls(text) if endpoint_outside_aws(url)]


@functools.lru_cache(maxsize=1024)
def _block_urls(text: str) -> tuple[str, ...]:
    if "{" not in text or "url" not in text or "://" not in text:
        # What every match holds: a long text without them (the telemetry SQL) is not scanned.
        return ()
    return tuple(_BLOCK_URL.findall(text))


def other_cloud_stores(value: Any, section: bool = False) -> list[str]:
    """The object-store backends of another cloud a configuration names (`objstoreConfig: {type: GCS}`,
    `storage: {type: gcs}`, `blocks_storage: {backend: azure}`), in structures and in the YAML texts they
    embed, each as `key=value`."""
    found: list[str] = []
    if is_mapping(value):
        # A Thanos objstore file is itself a store's configuration: `type` beside `config`.
        section = section or ("type" in value and isinstance(value.get("config"), Mapping))
        for key, inner in value.items():
            name = str(key)
            if (
                section
                and name.lower() in _STORE_TYPE_KEYS
                and isinstance(inner, str)
                and inner.strip().lower() in OTHER_CLOUD_STORES
            ):
                found.append(f"{name}={inner.strip()}")
            elif name not in ("tags", "tagsAll", "labels", "annotations"):
                found.extend(other_cloud_stores(inner, section or bool(_STORE_SECTION.search(name))))
    elif isinstance(value, list):
        for inner in value:
            found.extend(other_cloud_stores(inner, section))
    elif isinstance(value, str) and "\n" in value.strip():
        found.extend(_stores_in_text(value, section))
    return found


@functools.lru_cache(maxsize=1024)
def _stores_in_text(text: str, section: bool) -> tuple[str, ...]:
    """A YAML text's other-cloud backends, once per text: a section key or a top-level `type` of a text that
    is itself a store's configuration (Thanos's objstore file)."""
    if not _STORE_TYPE_HINT.search(text) or not _STORE_TYPE.search(text):
        return ()
    if not (
        section
        or (may_name(text, _STORE_WORDS) and _STORE_SECTION.search(text))
        or re.search(r"^config\s*:", text, re.MULTILINE)
    ):
        return ()
    try:
        parsed = yaml.safe_load(text)
    except yaml.YAMLError:
        return ()
    if not isinstance(parsed, Mapping | list):
        return ()
    return tuple(other_cloud_stores(parsed, section))


def receiver_kind(key: str) -> str | None:
    """The integration an Alertmanager receiver's key configures (`slackConfigs`, `slack_configs`: slack)."""
    for suffix in ("Configs", "_configs"):
        if key.endswith(suffix) and len(key) > len(suffix):
            return key.removesuffix(suffix).lower()
    return None


def vendor_receivers(value: Any) -> list[str]:
    """The Alertmanager receivers of a vendor's service (or e-mail) a configuration sets, in structures and
    in the YAML texts they embed (an `alertmanager.yaml`, a chart's `alertmanager.config`), each as
    `key (vendor)`: outside AWS by definition (`residency_facts.alerting.VENDOR_RECEIVERS`)."""
    found: list[str] = []
    if is_mapping(value):
        for key, inner in value.items():
            kind = receiver_kind(str(key))
            if kind in VENDOR_RECEIVERS and inner:
                found.append(f"{key} ({VENDOR_RECEIVERS[kind]})")
            elif str(key) not in ("tags", "tagsAll", "labels", "annotations"):
                found.extend(vendor_receivers(inner))
    elif isinstance(value, list):
        for inner in value:
            found.extend(vendor_receivers(inner))
    elif isinstance(value, str) and "\n" in value.strip():
        found.extend(_receivers_in_text(value))
    return list(dict.fromkeys(found))


@functools.lru_cache(maxsize=1024)
def _receivers_in_text(text: str) -> tuple[str, ...]:
    if "configs" not in text.lower() or "receivers" not in text:
        return ()
    try:
        parsed = yaml.safe_load(text)
    except yaml.YAMLError:
        return ()
    return tuple(vendor_receivers(parsed)) if isinstance(parsed, Mapping | list) else ()
