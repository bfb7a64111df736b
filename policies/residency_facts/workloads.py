"""Where Kubernetes workloads hold their pods' spec and name the ConfigMaps and Secrets that configure them:
the core kinds' pod templates, read by the exposure rules for how pods are reached; the ConfigMaps and
Secrets code of any kind reads are found at any depth of its inputs (`residency_policies/lineage_code.py`).
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
"""Where a core pod spec names the ConfigMaps and Secrets that configure its containers (the Secrets a
hosted database's role credentials are read from). What code of any kind is configured with is read from
every such reference at any depth of its inputs (`environment.configuration_names_in`): a Strimzi Connect
cluster's `template.pod.volumes` and `externalConfiguration`, an operator's `spec.envFrom`, the containers a
custom resource embeds."""
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

PROGRAM_DOCUMENTS: dict[str, tuple[str, ...]] = {
    "aws:sfn/stateMachine:StateMachine": ("definition",),
    "aws:sagemaker/pipeline:Pipeline": ("pipelineDefinition",),
    "aws:ssm/document:Document": ("content",),
}
"""AWS code whose whole program is one document of its inputs (a state machine's Amazon States Language, a
SageMaker pipeline's JSON definition, a Systems Manager document's steps): its steps name what they read and
where they write, so one unknown at preview (computed with `apply`) and computed from a resident store names
where the code writes beside the store's name, among literals no preview can read (reviewer blind-data15 a18,
a11; `residency_policies/lineage_code.py`)."""
