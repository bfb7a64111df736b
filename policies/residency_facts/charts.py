"""Well-known Helm charts, reviewed: what each installs, so that a Helm release of it is judged by its role.

A `kubernetes:helm.sh/v3:Release` installs objects the pack never sees (triage: opaque). Unreviewed, it fails
closed as soon as its inputs name or declare resident data (`resource-type-triaged`). For the charts below the
review says what the chart runs, by its role:

- a controller that reads no data (the AWS Load Balancer Controller, cert-manager, ExternalDNS,
  metrics-server): neutral, apart from the places its values name (a region, a host outside AWS), which are
  judged as any opaque resource's are; naming the cluster or a role of the stack is no copy;
- a node log shipper (Fluent Bit, AWS for Fluent Bit, Vector, Promtail, the OpenTelemetry Collector): code
  that reads every pod's logs, as the node log readers the pack judges (`lineage_nodes`), sending them where
  its values say (environment references resolved from the chart's own environment values; a destination the
  chart writes to when its values name none is in `defaults`);
- a backup tool (Velero): code that reads what its cluster holds (objects, and pod volumes through its node
  agent) and writes it where its values say, with the credentials its values give its ServiceAccount;
- a tunnel or remote-access agent (cloudflared, Teleport, Twingate, Tailscale's operator, ngrok's operator):
  its vendor's edge reaches the cluster, by routes kept on the vendor's side: in a cluster that holds or reads
  PII it fails closed under pii-not-public, as the tunnel rule does for workloads; `routes` names the values
  that hold the routes when the chart keeps them locally, `access_switch` the value that turns the remote
  access on when the chart has one;
- a cluster UI or API proxy with broad rights (the Kubernetes Dashboard, Headlamp): published outside the VPC
  by its values (a load balancer the pack cannot show internal, a node port, an Ingress or route, host
  networking), it publishes every Secret and pod of a cluster that holds or reads PII (pii-not-public).

A chart is recognised by its name (the chart input's last path segment, OCI references included) for what its
role makes the rules check; its review relieves it of the opaque rule only when it also comes from one of the
reviewed repositories and its values run nothing the review does not cover (`images`: the last path segments
of the images the chart runs, for values that replace or add containers; extra objects, value files, a post-
renderer: `residency_policies/charts.py`). Each entry's `review` says where the facts were read.
"""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple


class ChartRole(StrEnum):
    """What a reviewed chart does with the data of its cluster."""

    CONTROLLER = "a controller that reads no data"
    NODE_LOG_SHIPPER = "a node log shipper"
    BACKUP = "a backup tool"
    REMOTE_ACCESS = "a tunnel or remote-access agent"
    CLUSTER_UI = "a cluster UI or API proxy"


READING_ROLES = frozenset({ChartRole.NODE_LOG_SHIPPER, ChartRole.BACKUP})
"""Roles whose code reads the cluster's data and writes it where its values say (judged as code)."""


class ChartDefault(NamedTuple):
    """A region a chart's output writes to when its values name none: the output (`section`) is on when
    `section.enabled` is true, or unset and `enabled_by_default`."""

    section: str
    region_key: str
    region: str
    enabled_by_default: bool


class ReviewedChart(NamedTuple):
    """One reviewed chart."""

    name: str
    repositories: tuple[str, ...]
    """Where the chart is published (`https://` dropped, no trailing slash; an OCI repository as `oci://host/
    path`), as its maintainers document it."""
    role: ChartRole
    images: tuple[str, ...]
    """The last path segments of the images the chart runs (its values may point them at a mirror)."""
    review: str
    defaults: tuple[ChartDefault, ...] = ()
    routes: str = ""
    """A tunnel chart's values path of the routes it keeps locally (empty: they are kept at the vendor)."""
    routes_everything: str = ""
    """A values path that, when true, routes the whole network of the cluster (cloudflared's WARP routing)."""
    credentials: tuple[str, ...] = ()
    """Values paths of credentials the chart's pods read from a file (a Secret it creates from the values, or
    one it is given by name), whose account only a role ARN in them names."""
    credentials_switch: str = ""
    """A values path that, false, turns those credentials off (unset: on)."""
    access_switch: tuple[str, tuple[str, ...]] | None = None
    """(values path, values that keep the remote access off, unset included): a remote-access chart that gives
    its vendor access to the cluster only when switched on (else its routes are the declared objects the pack
    judges, Services and Ingresses of its class)."""


_AWS_FOR_FLUENT_BIT_DEFAULTS = tuple(
    ChartDefault(section, key, "us-east-1", section == "cloudWatchLogs")
    for section, key in (
        ("cloudWatch", "region"),
        ("cloudWatchLogs", "region"),
        ("firehose", "region"),
        ("kinesis", "region"),
        ("kinesis_streams", "region"),
        ("s3", "region"),
        ("elasticsearch", "awsRegion"),
        ("opensearch", "awsRegion"),
    )
)
"""aws/eks-charts stable/aws-for-fluent-bit/values.yaml (chart 0.2.0, commit 2942cdce, 2026-02-03): every
output's region defaults to us-east-1, and `cloudWatchLogs` is enabled by default."""

REVIEWED_CHARTS: tuple[ReviewedChart, ...] = (
    ReviewedChart(
        "aws-load-balancer-controller",
        ("aws.github.io/eks-charts",),
        ChartRole.CONTROLLER,
        ("aws-load-balancer-controller",),
        "Creates load balancers for Services and Ingresses, which the pack judges as declared objects; reads "
        "no data (aws/eks-charts stable/aws-load-balancer-controller 3.5.0: image public.ecr.aws/eks/"
        "aws-load-balancer-controller).",
    ),
    ReviewedChart(
        "cert-manager",
        ("charts.jetstack.io", "oci://quay.io/jetstack/charts"),
        ChartRole.CONTROLLER,
        (
            "cert-manager-controller",
            "cert-manager-webhook",
            "cert-manager-cainjector",
            "cert-manager-acmesolver",
            "cert-manager-startupapicheck",
        ),
        "Issues TLS certificates into Secrets it owns; reads no data (cert-manager "
        "deploy/charts/cert-manager values.yaml: images quay.io/jetstack/<name>; the chart's README installs "
        "from oci://quay.io/jetstack/charts, cert-manager.io's docs from charts.jetstack.io).",
    ),
    ReviewedChart(
        "external-dns",
        ("kubernetes-sigs.github.io/external-dns",),
        ChartRole.CONTROLLER,
        ("external-dns",),
        "Writes DNS records for Services and Ingresses; reads no data (kubernetes-sigs/external-dns charts/"
        "external-dns 1.21.1: image registry.k8s.io/external-dns/external-dns).",
    ),
    ReviewedChart(
        "metrics-server",
        ("kubernetes-sigs.github.io/metrics-server",),
        ChartRole.CONTROLLER,
        ("metrics-server", "addon-resizer"),
        "Serves the kubelets' CPU and memory figures to the metrics API inside the cluster (kubernetes-sigs/"
        "metrics-server charts/metrics-server 3.13.1: images registry.k8s.io/metrics-server/metrics-server, "
        "registry.k8s.io/autoscaling/addon-resizer).",
    ),
    ReviewedChart(
        "fluent-bit",
        ("fluent.github.io/helm-charts",),
        ChartRole.NODE_LOG_SHIPPER,
        ("fluent-bit", "busybox", "configmap-reload"),
        "A DaemonSet tailing /var/log/containers on every node, sending to its `config.outputs` (fluent/"
        "helm-charts charts/fluent-bit 0.58.1: images cr.fluentbit.io/fluent/fluent-bit, busybox for its "
        "test, ghcr.io/jimmidyson/configmap-reload for hot reload; default output an Elasticsearch host of "
        "the cluster).",
    ),
    ReviewedChart(
        "aws-for-fluent-bit",
        ("aws.github.io/eks-charts",),
        ChartRole.NODE_LOG_SHIPPER,
        ("aws-for-fluent-bit",),
        "AWS's Fluent Bit DaemonSet tailing /var/log/containers, sending to the AWS outputs its values "
        "enable (aws/eks-charts stable/aws-for-fluent-bit 0.2.0: image public.ecr.aws/aws-observability/"
        "aws-for-fluent-bit).",
        defaults=_AWS_FOR_FLUENT_BIT_DEFAULTS,
    ),
    ReviewedChart(
        "vector",
        ("helm.vector.dev", "oci://ghcr.io/vectordotdev/helm-charts"),
        ChartRole.NODE_LOG_SHIPPER,
        ("vector", "haproxy-alpine"),
        "Vector as an Agent DaemonSet reading the pods' logs, or an Aggregator receiving them; sinks in "
        "`customConfig` (vectordotdev/helm-charts charts/vector 0.57.0: images docker.io/timberio/vector, "
        "haproxytech/haproxy-alpine for its optional load balancer; default sink stdout).",
    ),
    ReviewedChart(
        "promtail",
        ("grafana.github.io/helm-charts",),
        ChartRole.NODE_LOG_SHIPPER,
        ("promtail", "configmap-reload"),
        "A DaemonSet tailing the pods' logs, pushing to `config.clients[].url` (grafana/helm-charts charts/"
        "promtail 6.17.1: images docker.io/grafana/promtail, ghcr.io/jimmidyson/configmap-reload; default "
        "client http://loki-gateway in the cluster).",
    ),
    ReviewedChart(
        "opentelemetry-collector",
        ("open-telemetry.github.io/opentelemetry-helm-charts",),
        ChartRole.NODE_LOG_SHIPPER,
        (
            "opentelemetry-collector",
            "opentelemetry-collector-contrib",
            "opentelemetry-collector-k8s",
            "opentelemetry-collector-otlp",
            "opentelemetry-collector-ebpf-profiler",
        ),
        "The collector as a DaemonSet (its logsCollection preset tails every pod's log) or a gateway "
        "receiving what the cluster's pods send; exporters in `config`, `${env:X}` from `extraEnvs` "
        "(open-telemetry/opentelemetry-helm-charts charts/opentelemetry-collector 0.170.0: "
        "`image.repository` must be set to one of the community distributions its helpers list; default "
        "exporter debug). Judged as a log shipper whatever its mode.",
    ),
    ReviewedChart(
        "velero",
        ("vmware-tanzu.github.io/helm-charts",),
        ChartRole.BACKUP,
        (
            "velero",
            "velero-plugin-for-aws",
            "velero-plugin-for-csi",
            "velero-restore-helper",
            "velero-restic-restore-helper",
            "kubectl",
        ),
        "Velero's server (cluster-admin) backs up every namespace its schedules or its CLI ask for, and its "
        "node agent the pods' volumes, to `configuration.backupStorageLocation`, with the credentials of "
        "`serviceAccount.server.annotations` (IRSA) or `credentials` (vmware-tanzu/helm-charts charts/velero "
        "12.1.0: images docker.io/velero/velero, registry.k8s.io/kubectl; plugins added as initContainers; "
        "with `credentials.useSecret`, true by default, its pods read AWS_SHARED_CREDENTIALS_FILE from the "
        "Secret it makes of `credentials.secretContents` or the one `credentials.existingSecret` names: "
        "templates/deployment.yaml, secret.yaml).",
        credentials=("credentials.secretContents", "credentials.existingSecret"),
        credentials_switch="credentials.useSecret",
    ),
    ReviewedChart(
        "cloudflare-tunnel-remote",
        ("cloudflare.github.io/helm-charts",),
        ChartRole.REMOTE_ACCESS,
        ("cloudflared",),
        "cloudflared with a tunnel token: its routes are configured on Cloudflare's side (cloudflare/helm-"
        "charts charts/cloudflare-tunnel-remote 0.1.2: `cloudflare.tunnel_token`, image cloudflare/"
        "cloudflared).",
    ),
    ReviewedChart(
        "cloudflare-tunnel",
        ("cloudflare.github.io/helm-charts",),
        ChartRole.REMOTE_ACCESS,
        ("cloudflared",),
        "cloudflared with a locally managed tunnel: its routes are the values' `cloudflare.ingress` rules, "
        "and `cloudflare.enableWarp` routes the cluster's whole network (cloudflare/helm-charts charts/"
        "cloudflare-tunnel 0.3.2, templates/configmap.yaml).",
        routes="cloudflare.ingress",
        routes_everything="cloudflare.enableWarp",
    ),
    ReviewedChart(
        "teleport-kube-agent",
        ("charts.releases.teleport.dev",),
        ChartRole.REMOTE_ACCESS,
        ("teleport-distroless", "teleport-ent-distroless", "teleport-kube-agent-updater", "teleport"),
        "Joins the cluster (roles kube, app, db) to a Teleport proxy at `proxyAddr`, which then grants "
        "Kubernetes, application and database access by its own roles (gravitational/teleport examples/chart/"
        "teleport-kube-agent values.yaml: image public.ecr.aws/gravitational/teleport-distroless).",
    ),
    ReviewedChart(
        "connector",
        ("twingate.github.io/helm-charts",),
        ChartRole.REMOTE_ACCESS,
        ("connector",),
        "Twingate's connector: the resources it reaches are configured in Twingate's admin console (Twingate/"
        "helm-charts stable/connector 0.1.35: image twingate/connector).",
    ),
    ReviewedChart(
        "tailscale-operator",
        ("pkgs.tailscale.com/helmcharts", "pkgs.tailscale.com/unstable/helmcharts"),
        ChartRole.REMOTE_ACCESS,
        ("k8s-operator", "tailscale"),
        "Publishes the Services and Ingresses that ask for it (judged as declared objects), and with "
        "`apiServerProxyConfig.mode` true or noauth proxies the Kubernetes API to the tailnet (tailscale/"
        'tailscale cmd/k8s-operator/deploy/chart values.yaml: default "false"; images '
        "tailscale/k8s-operator, tailscale/tailscale; repository from tailscale.com/kb/1236).",
        access_switch=("apiServerProxyConfig.mode", ("false",)),
    ),
    ReviewedChart(
        "ngrok-operator",
        ("charts.ngrok.com",),
        ChartRole.REMOTE_ACCESS,
        ("ngrok-operator", "kubectl"),
        "ngrok's operator: endpoints configured in its custom resources and in ngrok's cloud forward the "
        "internet to the cluster (ngrok/ngrok-operator helm/ngrok-operator 0.24.0: image "
        "ngrok/ngrok-operator, bitnami/kubectl for its cleanup hook).",
    ),
    ReviewedChart(
        "kubernetes-dashboard",
        ("kubernetes.github.io/dashboard",),
        ChartRole.CLUSTER_UI,
        (
            "dashboard-api",
            "dashboard-web",
            "dashboard-auth",
            "dashboard-metrics-scraper",
            "dashboard",
            "kong",
        ),
        "A web UI over the Kubernetes API (Secrets, pods, exec) behind its Kong proxy (`kong.proxy`) or "
        "`app.ingress` (kubernetes/dashboard charts/kubernetes-dashboard 7.13.0: images "
        "docker.io/kubernetesui/dashboard-*, the kong subchart's kong; ClusterIP and no Ingress by default).",
    ),
    ReviewedChart(
        "headlamp",
        ("kubernetes-sigs.github.io/headlamp", "headlamp-k8s.github.io/headlamp"),
        ChartRole.CLUSTER_UI,
        ("headlamp",),
        "A web UI over the Kubernetes API, bound to cluster-admin by default (`clusterRoleBinding`), "
        "published by `service`, `ingress` or `httpRoute` (kubernetes-sigs/headlamp charts/headlamp 0.45.0: "
        "image ghcr.io/headlamp-k8s/headlamp; ClusterIP by default).",
    ),
)
"""The reviewed charts (chart versions and upstream files as read in each `review`)."""

CHARTS_BY_NAME: dict[str, tuple[ReviewedChart, ...]] = {}
for _chart in REVIEWED_CHARTS:
    CHARTS_BY_NAME[_chart.name] = (*CHARTS_BY_NAME.get(_chart.name, ()), _chart)
