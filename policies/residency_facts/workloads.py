"""Where Kubernetes workloads hold their pods' spec and name the ConfigMaps and Secrets that configure them:
the core kinds' pod templates, and the operators' kinds that run pods of their own (Strimzi's Connect
clusters). `residency_policies/lineage_code.py` reads these tables for what code is configured with, and the
exposure rules for how pods are reached.
"""

from __future__ import annotations

POD_SPEC_PATHS = (
    "spec",
    "spec.template.spec",
    "spec.jobTemplate.spec.template.spec",
    "template.spec",
    "spec.jobTargetRef.template.spec",
)
"""Where a Pod, a workload controller, a CronJob, a PodTemplate and a KEDA ScaledJob (`jobTargetRef`, a
batch JobSpec) hold their pods' spec."""
CONFIGURATION_REFERENCES = (
    "volumes[].configMap.name",
    "volumes[].secret.secretName",
    "volumes[].projected.sources[].configMap.name",
    "volumes[].projected.sources[].secret.name",
    "containers[].envFrom[].configMapRef.name",
    "containers[].envFrom[].secretRef.name",
    "containers[].env[].valueFrom.configMapKeyRef.name",
    "containers[].env[].valueFrom.secretKeyRef.name",
    "initContainers[].envFrom[].configMapRef.name",
    "initContainers[].envFrom[].secretRef.name",
    "initContainers[].env[].valueFrom.configMapKeyRef.name",
    "initContainers[].env[].valueFrom.secretKeyRef.name",
)
"""Where a pod spec names the ConfigMaps and Secrets that configure its containers."""
STRIMZI_CONFIGURATION_REFERENCES = (
    "spec.template.pod.volumes[].configMap.name",
    "spec.template.pod.volumes[].secret.secretName",
    "spec.template.connectContainer.env[].valueFrom.configMapKeyRef.name",
    "spec.template.connectContainer.env[].valueFrom.secretKeyRef.name",
    "spec.externalConfiguration.volumes[].configMap.name",
    "spec.externalConfiguration.volumes[].secret.secretName",
    "spec.externalConfiguration.env[].valueFrom.configMapKeyRef.name",
    "spec.externalConfiguration.env[].valueFrom.secretKeyRef.name",
)
"""Where a Strimzi KafkaConnect or KafkaMirrorMaker2 names the ConfigMaps and Secrets its Connect pods mount
or take variables from, for its connectors' config providers (`${directory:...}`, `${env:...}`): Strimzi
1.x's pod template (`template.pod.volumes`, `template.connectContainer.env`: kafka.strimzi.io/v1 at 1.2.0)
and 0.4x's deprecated `externalConfiguration` (`volumes`, `env`: v1beta2 at 0.45.0)."""
CONFIGURATION_KINDS = ("core:ConfigMap", "core:Secret")
SECRET_COPIES = ("external-secrets.io:ExternalSecret",)
"""Kinds that create a Kubernetes Secret a workload may mount by name (the External Secrets Operator's)."""
KAFKA_CONNECT_KINDS = ("kafka.strimzi.io:KafkaConnect", "kafka.strimzi.io:KafkaConnector")
STRIMZI_CLUSTER_LABEL = "strimzi.io/cluster"
CODE_DOCUMENTS: dict[str, tuple[str, ...]] = {
    "opentelemetry.io:OpenTelemetryCollector": ("spec.config",),
    "opentelemetry.io:Instrumentation": ("spec.exporter",),
    "kafka.strimzi.io:KafkaConnect": ("spec.config",),
    "kafka.strimzi.io:KafkaConnector": ("spec.config",),
    "kafka.strimzi.io:KafkaMirrorMaker2": ("spec.clusters", "spec.mirrors", "spec.target"),
    "argoproj.io:Sensor": ("spec.triggers",),
}
"""Where an operator's custom resource that runs code holds the document the operator makes its configuration
from (a collector's receivers, processors and exporters: a structure in opentelemetry.io/v1beta1, a YAML text
in v1alpha1; a connector's properties; MirrorMaker 2's clusters and mirrors; a Sensor's triggers): a document,
not a single value, so one unknown at preview hides where the code sends. Any such kind's whole `spec` is one
too (`residency_policies/lineage_code.py`, reviewer blind-k8s14 a14)."""
