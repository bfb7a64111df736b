"""How lineage reads the Prometheus Operator's Alertmanager and AlertmanagerConfig (decision, README).

Alerts carry the labels of the metrics they are computed from and the rules' annotations: an Alertmanager
notifies its receivers of what the cluster's Prometheus instances hold. So, as a Prometheus's remote write is
judged as a copy of its own data, an Alertmanager's and an AlertmanagerConfig's notifications are a copy of
the data of every Prometheus of its cluster (each by its own label, as remote write judges it) and of what it
declares itself, to where its receivers point (`residency_facts.alerting.VENDOR_RECEIVERS`: a vendor's
service or e-mail, outside AWS; a webhook by its URL, a cluster-local or unplaceable host being untraceable,
as a remote write's is; SNS by its topic). An Alertmanager reads its receivers from the
AlertmanagerConfig its `spec.alertmanagerConfiguration.name` names (judged there), else from the
`alertmanager.yaml` of its configuration Secret (`spec.configSecret`, default `alertmanager-<name>`); a Secret
the stack does not declare cannot be read (one made by hand or by a chart may hold any receiver): untraceable.
With no Prometheus of the stack in its cluster, its alerts come from one the stack does not declare there (a
chart's): in the cluster's region and account, holding data whose classification cannot be read.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import yaml

from residency_facts.alerting import (
    ALERT_CONFIG_SECRET_KEY,
    ALERT_SOURCES,
    ALERTMANAGER,
    ALERTMANAGER_CONFIG,
    VENDOR_RECEIVERS,
    WEBHOOK_RECEIVERS,
)

from .attributes import region_named_in
from .lineage_literals import literal_locations
from .lineage_names import objects_named, of_kinds, untraceable
from .lineage_sinks import receiver_kind
from .locations import Location, mechanism_key
from .model import Resource, parse_arn
from .values import Unknown, child, elements, value_at

if TYPE_CHECKING:
    from .lineage import Lineage

ALERT_KINDS = frozenset({ALERTMANAGER, ALERTMANAGER_CONFIG})


def alert_sources(lineage: Lineage, resource: Resource) -> list[Location]:
    """What an Alertmanager's notifications carry: the data of every Prometheus of its cluster, and what it
    declares itself."""
    found = [lineage.locate(resource)] if lineage.declared(resource) else []
    prometheus = [r for r in of_kinds(lineage, *ALERT_SOURCES) if r.provider_urn == resource.provider_urn]
    found.extend(lineage.locate(p) for p in prometheus)
    if not prometheus:
        # A chart's Prometheus in the same cluster: in its region and account, holding what cannot be read.
        found.append(
            Location(
                f"the metrics of the Prometheus whose alerts {resource.label} receives, which the stack does "
                "not declare in its cluster (declare it, labelled with what it scrapes)",
                lineage.own_region(resource),
                lineage.account(resource),
                review=True,
            )
        )
    return found


def alert_destinations(lineage: Lineage, resource: Resource) -> list[Location]:
    """Where an Alertmanager or an AlertmanagerConfig sends its notifications (none: it notifies no one)."""
    if mechanism_key(resource.type) == ALERTMANAGER_CONFIG:
        return _receivers(lineage, resource, value_at(resource.props, "spec.receivers"), True)
    named = value_at(resource.props, "spec.alertmanagerConfiguration.name")
    if named is not None:
        # Judged where it is declared (its own receivers); one the stack does not declare cannot be read.
        _, missing = objects_named(
            lineage, resource, ALERTMANAGER_CONFIG, [named], "spec.alertmanagerConfiguration.name", False
        )
        return missing
    name = value_at(resource.props, "spec.configSecret")
    if name in (None, ""):
        own = value_at(resource.props, "metadata.name")
        name = f"alertmanager-{own}" if isinstance(own, str) else own
    secrets, missing = objects_named(lineage, resource, "core:Secret", [name], "spec.configSecret", False)
    found = [
        untraceable(f"the receivers of {resource.label}: {m.description}") if m.review else m for m in missing
    ]
    for secret in secrets:
        text = _configuration_text(secret)
        if isinstance(text, Unknown):
            found.append(untraceable(f"the {ALERT_CONFIG_SECRET_KEY} of {secret.label} (unknown at preview)"))
            continue
        if text is None:
            continue  # The operator then configures one empty receiver: no notification.
        try:
            parsed = yaml.safe_load(text)
        except yaml.YAMLError:
            found.append(untraceable(f"the {ALERT_CONFIG_SECRET_KEY} of {secret.label} (not YAML)"))
            continue
        found.extend(_receivers(lineage, secret, child(parsed, "receivers"), False))
    return found


def _configuration_text(secret: Resource) -> str | Unknown | None:
    """The `alertmanager.yaml` of a Secret: its `stringData`, else its base64 `data`."""
    text = child(child(secret.props, "stringData"), ALERT_CONFIG_SECRET_KEY)
    if text is not None:
        return text if isinstance(text, (str, Unknown)) else None
    data = child(secret.props, "data")
    encoded = data if isinstance(data, Unknown) else child(data, ALERT_CONFIG_SECRET_KEY)
    if isinstance(encoded, Unknown):
        return encoded
    if not isinstance(encoded, str):
        return None
    try:
        return base64.b64decode(encoded, validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None


def _receivers(lineage: Lineage, owner: Resource, receivers: Any, typed: bool) -> list[Location]:
    """The places a list of receivers notifies (of an AlertmanagerConfig, `typed`, or of a configuration
    file kept in a Secret)."""
    if isinstance(receivers, Unknown):
        return [untraceable(f"the receivers of {owner.label} (unknown at preview)")]
    found: list[Location] = []
    for receiver in elements(receivers):
        if not isinstance(receiver, Mapping):
            found.append(untraceable(f"a receiver of {owner.label} (unknown at preview)"))
            continue
        name = child(receiver, "name")
        shown = (
            f"receiver {name!r} of {owner.label}" if isinstance(name, str) else f"a receiver of {owner.label}"
        )
        for key, configs in receiver.items():
            kind = receiver_kind(str(key))
            if kind is None or (not elements(configs) and not isinstance(configs, Unknown)):
                continue
            if kind in VENDOR_RECEIVERS:
                found.append(
                    Location(
                        f"{key} of {shown} ({VENDOR_RECEIVERS[kind]}, outside AWS)", None, None, outside=True
                    )
                )
            elif kind in WEBHOOK_RECEIVERS:
                for config in elements(configs) if not isinstance(configs, Unknown) else [configs]:
                    found.extend(_pointed(lineage, owner, kind, config, f"{key} of {shown}", typed))
            else:
                found.append(untraceable(f"{key} of {shown}, a receiver the pack has not reviewed"))
    return found


def _pointed(
    lineage: Lineage, owner: Resource, kind: str, config: Any, shown: str, typed: bool
) -> list[Location]:
    """Where a webhook or an SNS receiver points: its URL's or topic's place, else untraceable."""
    fields = WEBHOOK_RECEIVERS[kind]
    value: Any = next((child(config, f) for f in fields if child(config, f) is not None), None)
    if isinstance(config, Unknown) or isinstance(value, Unknown):
        if typed:
            traced = [
                location
                for d in lineage.stack.dependencies(owner, "spec")
                for location in lineage.follow(d, {owner.urn})
            ]
            if traced:
                return traced
        return [untraceable(f"where {shown} points (unknown at preview)")]
    if not isinstance(value, str) or not value:
        return [untraceable(f"where {shown} points (kept in a Secret or a file the pack does not read)")]
    own = lineage.own_region(owner)
    places = literal_locations(lineage, owner, value, "spec", False, own, False, True)
    if kind == "sns":
        region = child(child(config, "sigv4"), "region")
        arn = parse_arn(value)
        if not places and arn is not None:
            places = [
                Location(f"{value} ({shown})", arn.region or region_named_in(value), arn.account or None)
            ]
        if isinstance(region, str) and region:
            places.append(Location(f"sigv4.region={region} of {shown}", region, lineage.account(owner)))
    return places or [untraceable(f"{value} ({shown}: a host the pack cannot place)")]
