"""Where Kubernetes objects copy the requests an application answers, read by
`residency_policies/lineage_requests.py`.

Gateway API v1.3 (gateway-api apis/v1 httproute_types.go, grpcroute_types.go): a rule's `filters[]` and a
backendRef's own `filters[]` of `type: RequestMirror` name `requestMirror.backendRef` {group, kind, name,
namespace, port}; a mesh (GAMMA) route's `parentRefs` of kind Service attach it to that Service's traffic.
AWS Load Balancer Controller v3.5 (docs/guide/ingress/annotations.md, service/annotations.md): an Ingress's
`alb.ingress.kubernetes.io/load-balancer-attributes` and a Service's
`service.beta.kubernetes.io/aws-load-balancer-attributes` take `access_logs.s3.enabled=true` and
`access_logs.s3.bucket=<name>`; the in-tree provider's `service.beta.kubernetes.io/aws-load-balancer-access-
log-enabled` and `...-access-log-s3-bucket-name` do the same.
"""

from __future__ import annotations

MIRROR_FILTER_PATHS = (
    "spec.rules[].filters[type=RequestMirror].requestMirror.backendRef",
    "spec.rules[].backendRefs[].filters[type=RequestMirror].requestMirror.backendRef",
)
ROUTE_BACKEND_PATHS = ("spec.rules[].backendRefs[]", "spec.parentRefs[]")
ISTIO_MIRROR_HOSTS = ("spec.http[].mirror.host", "spec.http[].mirrors[].destination.host")
ISTIO_ROUTED_HOSTS = ("spec.http[].route[].destination.host", "spec.hosts[]")
"""An Istio VirtualService (istio/api networking/v1 virtual_service.proto): an HTTP route's `mirror` (and
`mirrors[]`, 1.18+) copies its requests to another host; the hosts it routes are its `route[].destination`
and its own `hosts`."""
ACCESS_LOG_ATTRIBUTES = (
    "alb.ingress.kubernetes.io/load-balancer-attributes",
    "service.beta.kubernetes.io/aws-load-balancer-attributes",
)
ACCESS_LOG_SWITCH = "service.beta.kubernetes.io/aws-load-balancer-access-log-enabled"
ACCESS_LOG_BUCKET = "service.beta.kubernetes.io/aws-load-balancer-access-log-s3-bucket-name"
