"""Rule 6, pii-not-public, for the Services operators create from their custom resources.

The stack declares no such Service: the operator makes it from a template (`residency_facts.operators.
OPERATOR_SERVICE_TEMPLATES`: CNPG's additional managed Services and a Pooler's, PGO's primary, replica and
PgBouncer Services), or by switches (`OPERATOR_SERVICE_SWITCHES`: Zalando's NodePort and LoadBalancer
switches, the cluster's else its OperatorConfiguration's, with their annotations). Each is judged as the
Service it becomes would be (`exposure_services.public_service`: a LoadBalancer internal only as its
controllers read its annotations, a NodePort, an exposing annotation or class); a public one publishes the
database cluster it serves. A template or switch unknown at preview cannot be shown internal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from residency_facts.operators import (
    OPERATOR_SERVICE_SWITCHES,
    OPERATOR_SERVICE_TEMPLATES,
    STRIMZI_KAFKA,
    STRIMZI_LISTENERS,
    ZALANDO_CONFIGURATION,
)
from residency_facts.shapes import ServiceSwitch, ServiceTemplate

from .classification import held
from .exposure_services import public_service
from .lineage import Lineage
from .lineage_names import of_kinds
from .locations import mechanism_key
from .model import Resource, Stack
from .settings import Settings
from .values import UNKNOWN, Unknown, as_mapping, child, value_at, values_at
from .violations import Violation, exposure_violation

SERVICE = "kubernetes:core/v1:Service"
_FIX = (
    "make the template's Service ClusterIP (the operator's default), or a LoadBalancer its controllers make "
    "internal (service.beta.kubernetes.io/aws-load-balancer-scheme: internal, and for the in-tree provider "
    "service.beta.kubernetes.io/aws-load-balancer-internal: true), admitting only this region's networks."
)


def operator_service_exposure(stack: Stack, lineage: Lineage, settings: Settings) -> list[Violation]:
    """Operator Services, made from a custom resource's template, that publish a PII database cluster."""
    found: list[Violation] = []
    for resource in of_kinds(lineage, *OPERATOR_SERVICE_TEMPLATES):
        for template in OPERATOR_SERVICE_TEMPLATES[mechanism_key(resource.type)]:
            for value in values_at(resource.props, template.path):
                why = public_service(_as_service(resource, value, template.flat), stack, settings.account_ids)
                if why is None:
                    continue
                for cluster in _clusters(resource, template, lineage):
                    protected = lineage.effective(cluster) & settings.protected_classifications
                    if protected:
                        found.append(
                            exposure_violation(
                                resource,
                                held(lineage, cluster, protected),
                                f"{resource.label} publishes {cluster.label} through the Service its "
                                f"{template.path} makes: {why}",
                                _FIX,
                                settings,
                            )
                        )
    for cluster in of_kinds(lineage, *OPERATOR_SERVICE_SWITCHES):
        protected = lineage.effective(cluster) & settings.protected_classifications
        if not protected:
            continue
        configurations = [
            c for c in of_kinds(lineage, ZALANDO_CONFIGURATION) if c.provider_urn == cluster.provider_urn
        ]
        for switch in OPERATOR_SERVICE_SWITCHES[mechanism_key(cluster.type)]:
            service = _switched_service(cluster, switch, configurations)
            why = public_service(service, stack, settings.account_ids) if service is not None else None
            if why is not None:
                found.append(
                    exposure_violation(
                        cluster,
                        held(lineage, cluster, protected),
                        f"{cluster.label} publishes itself through {switch.what} its operator makes: {why}",
                        f"set {switch.load_balancer.split('.')[-1]} and {switch.node_port.split('.')[-1]} to "
                        f"false, or {_FIX}",
                        settings,
                    )
                )
    found.extend(_kafka_listener_exposure(stack, lineage, settings))
    return found


def _kafka_listener_exposure(stack: Stack, lineage: Lineage, settings: Settings) -> list[Violation]:
    """Strimzi Kafka clusters holding PII whose listeners publish their brokers beyond the cluster."""
    found: list[Violation] = []
    shape = STRIMZI_LISTENERS
    for kafka in of_kinds(lineage, STRIMZI_KAFKA):
        protected = lineage.effective(kafka) & settings.protected_classifications
        if not protected:
            continue
        for index, listener in enumerate(values_at(kafka.props, f"{shape.listeners}[]")):
            why = _listener_exposure(kafka, listener, stack, settings)
            if why is not None:
                found.append(
                    exposure_violation(
                        kafka,
                        held(lineage, kafka, protected),
                        f"{kafka.label} publishes its brokers through {shape.listeners}[{index}]: {why}",
                        "make the listener `internal` (or `cluster-ip`), or a `loadbalancer` whose bootstrap "
                        "and broker annotations (configuration.bootstrap / brokers[], or the Kafka's "
                        f"spec.kafka.template Services) make it internal: {_FIX}",
                        settings,
                    )
                )
    return found


def _listener_exposure(kafka: Resource, listener: Any, stack: Stack, settings: Settings) -> str | None:
    """Why one Strimzi listener publishes the brokers beyond their VPC (None: it does not)."""
    shape = STRIMZI_LISTENERS
    kind = child(listener, "type")
    if not isinstance(kind, str):
        return "its type is unknown at preview, so whether it leaves the cluster cannot be seen"
    if kind in shape.unread:
        return (
            f"a `{kind}` listener publishes them through {shape.unread[kind]}, which the pack does not judge"
        )
    service_type = shape.service_types.get(kind)
    if service_type is None:
        return f"its type `{kind}` is not one the pack has reviewed"
    if service_type == "ClusterIP":
        return None
    # The bootstrap Service, then each broker's: those listed in configuration.brokers[], else one with only
    # the Kafka's per-pod template annotations.
    brokers: list[Any] = values_at(listener, "configuration.brokers[]") or [{}]
    services = [(shape.bootstrap_annotations, None), *((shape.broker_annotations, b) for b in brokers)]
    for paths, broker in services:
        annotations = _listener_annotations(kafka, listener, paths, broker)
        template = {
            "metadata": {"annotations": annotations},
            "spec": {
                "type": service_type,
                "loadBalancerSourceRanges": value_at(listener, shape.source_ranges),
            },
        }
        why = public_service(_as_service(kafka, template, False), stack, settings.account_ids)
        if why is not None:
            return why if broker is None else f"its broker Services: {why}"
    return None


def _listener_annotations(kafka: Resource, listener: Any, paths: tuple[str, ...], broker: Any) -> Any:
    """A listener Service's annotations, merged from the Kafka's template and the listener's configuration
    (a broker's own entry for a broker Service); unknown when any of them is unknown at preview."""
    annotations: dict[str, Any] = {}
    for path in paths:
        if path.endswith("brokers[].annotations"):
            value = child(broker, "annotations")
        else:
            value = value_at(listener if path.startswith("configuration.") else kafka.props, path)
        found = as_mapping(value)
        if isinstance(found, Unknown):
            return UNKNOWN
        annotations.update(found or {})
    return annotations


def _switched_service(
    cluster: Resource, switch: ServiceSwitch, configurations: list[Resource]
) -> Resource | None:
    """The Service a switch makes (None: a ClusterIP, or none): NodePort, else LoadBalancer, by the
    cluster's switch, else the operator's configuration's (any of those declared)."""
    needed = value_at(cluster.props, switch.only_when) if switch.only_when else True
    if needed is not True and not isinstance(needed, Unknown):
        return None
    for kind, own, default in (
        ("NodePort", switch.node_port, switch.default_node_port),
        ("LoadBalancer", switch.load_balancer, switch.default_load_balancer),
    ):
        value = value_at(cluster.props, own)
        values = [value] if value is not None else [value_at(c.props, default) for c in configurations]
        if not any(v is True or isinstance(v, Unknown) for v in values):
            continue
        annotations: dict[str, Any] = {}
        sources = [
            *((c, switch.default_annotations) for c in configurations),
            *((cluster, path) for path in switch.annotations),
        ]
        for source, path in sources:
            found = as_mapping(value_at(source.props, path))
            if isinstance(found, Unknown):
                return _as_service(cluster, UNKNOWN, flat=False)
            annotations.update(found or {})
        return _as_service(cluster, {"metadata": {"annotations": annotations}, "spec": {"type": kind}}, False)
    return None


def _as_service(resource: Resource, template: Any, flat: bool) -> Resource:
    """The Service a template becomes, as the exposure rules read a Service of the stack."""
    if isinstance(template, Unknown):
        props: dict[str, Any] = {"metadata": {"annotations": UNKNOWN}, "spec": UNKNOWN}
    elif not isinstance(template, Mapping):
        props = {}
    elif flat:
        props = {
            "metadata": child(template, "metadata"),
            "spec": {k: v for k, v in template.items() if k != "metadata"},
        }
    else:
        props = {"metadata": child(template, "metadata"), "spec": child(template, "spec")}
    return replace(resource, type=SERVICE, urn=f"{resource.urn}$service", props=props, memo={})


def _clusters(resource: Resource, template: ServiceTemplate, lineage: Lineage) -> list[Resource]:
    """The database clusters a template's Service serves: the resource, or the cluster it names."""
    if not template.cluster:
        return [resource]
    name = value_at(resource.props, template.cluster)
    namespace = value_at(resource.props, "metadata.namespace")
    return [
        r
        for r in of_kinds(lineage, template.cluster_kind)
        if r.provider_urn == resource.provider_urn
        and value_at(r.props, "metadata.namespace") == namespace
        and (isinstance(name, Unknown) or value_at(r.props, "metadata.name") == name)
    ]
