"""Where code of a Kubernetes cluster hands what it reads to other code of the cluster (the OpenTelemetry
Operator's Services and injections, Knative Eventing's brokers and channels), read by
`residency_policies/lineage_relays.py`.

OpenTelemetry Operator (github.com/open-telemetry/opentelemetry-operator, v0.129; docs at
opentelemetry.io/docs/platforms/kubernetes/operator/): an OpenTelemetryCollector `<name>` gets the Services
`<name>-collector` and `<name>-collector-headless` in its namespace; one in `spec.mode: sidecar` is injected
into the pods annotated `sidecar.opentelemetry.io/inject` (`true`, its name, or `<namespace>/<name>`; on the
pod or its Namespace); an Instrumentation is injected into the pods annotated
`instrumentation.opentelemetry.io/inject-<language>` (java, nodejs, python, dotnet, go, apache-httpd, nginx,
sdk) the same way, and the SDK it injects exports where its `spec.exporter.endpoint` (and `OTEL_*`
variables of its `spec.env` and per-language `env`) say.
"""

from __future__ import annotations

COLLECTOR = "opentelemetry.io:OpenTelemetryCollector"
INSTRUMENTATION = "opentelemetry.io:Instrumentation"
COLLECTOR_SERVICE_SUFFIXES = ("-collector", "-collector-headless")
"""The Services the operator makes for a collector, as suffixes of its name (the `-monitoring` one serves
the collector's own metrics, not what it receives)."""
SIDECAR_ANNOTATION = "sidecar.opentelemetry.io/inject"
INSTRUMENTATION_ANNOTATION_PREFIX = "instrumentation.opentelemetry.io/inject-"

KNATIVE_BROKER = "eventing.knative.dev:Broker"
KNATIVE_TRIGGER = "eventing.knative.dev:Trigger"
KNATIVE_SUBSCRIPTION = "messaging.knative.dev:Subscription"
KNATIVE_BROKER_INGRESSES = ("broker-ingress", "kafka-broker-ingress")
"""The Services of the system namespace that receive every Broker's events, at the path `/<namespace>/<name>`
of the Broker (knative/eventing 8cf4c4b, pkg/reconciler/broker/broker.go httpAddress; the Kafka broker of
knative-extensions/eventing-kafka-broker likewise): code whose configuration names that address sends to the
Broker and to every Trigger on it (`spec.broker`, or `spec.brokerRef.name` and `namespace`)."""
KNATIVE_CHANNEL_SUFFIX = "-kn-channel"
"""The Service `<channel>-kn-channel.<namespace>` a channel receives its events at
(pkg/channel/references.go): code that names it sends to every Subscription on the channel
(`spec.channel.name`)."""

CLUSTER_DOMAIN = "cluster.local"
"""The cluster domain of an EKS cluster's CoreDNS and kubelets (`clusterDomain`)."""
SEARCH_PATH = ("{namespace}.svc." + CLUSTER_DOMAIN, "svc." + CLUSTER_DOMAIN, CLUSTER_DOMAIN)
"""The search path of a pod's resolver (`dnsPolicy: ClusterFirst`, the default), before its node's own
domains: a name that is not absolute is tried under each (Kubernetes DNS-based service discovery
specification, github.com/kubernetes/dns docs/specification.md; kubelet's resolv.conf). So `fluentd`, from a
pod of `app`, is `fluentd.app.svc.cluster.local`; `fluentd.logging` is `fluentd.logging.svc.cluster.local`.
A Service's record is `<service>.<namespace>.svc.<domain>`; a pod's under the headless Service that governs
it (a StatefulSet's `serviceName`, a pod's `hostname` and `subdomain`, an endpoint's dashed address) is
`<pod>.<service>.<namespace>.svc.<domain>` (spec §2.4.1, §2.4.2)."""

NODE_ADDRESS_FIELDS = ("status.hostIP", "status.hostIPs", "spec.nodeName")
"""Downward API fields (`env[].valueFrom.fieldRef.fieldPath`) whose value is the address of the pod's own
node: its primary address, all of them, and its name, which the VPC's DNS resolves to it on EKS
(`ip-10-0-1-2.eu-west-1.compute.internal`). Code that sends to one of them at a port sends to whatever listens
on that port of every node: the agent-mode collector of the OpenTelemetry docs
(`OTEL_EXPORTER_OTLP_ENDPOINT=http://$(HOST_IP):4317`), Datadog's `DD_AGENT_HOST`, the X-Ray daemon's
`AWS_XRAY_DAEMON_ADDRESS=$(HOST_IP):2000`."""
