"""A workload published outside the VPC exposes the Kubernetes API with its ServiceAccount's RBAC rights.

The reference attack: a pod running `kubectl proxy --address=0.0.0.0` behind an internet-facing Service reads
no store by its inputs, yet anyone who reaches it talks to the API server as its ServiceAccount. When that
account may read Secrets or exec into pods where PII lives, proxy to nodes or Services, create pods or
impersonate, in a cluster that holds or reads PII, pii-not-public fails on the published workload.

Each test is the compliant baseline (eu_region, a Deployment of namespace `app` that reads the PII database,
and a published `kubectl proxy` Deployment of namespace `edge` whose ServiceAccount has no binding) plus one
change. RBAC semantics follow kubernetes.io/docs/reference/access-authn-authz/rbac/ (subjects, a RoleBinding
granting a ClusterRole in its namespace only, aggregated ClusterRoles, the `*` wildcard, `*/subresource`) and
the built-in roles of plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.policies.baseline import Region, eu_region, network_balancer
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations
from tests.policies.test_cluster_access import _database_reader

POLICY = "pii-not-public"
RBAC = "rbac.authorization.k8s.io"
PROXY_LABELS = {"app": "api-proxy"}
SECRETS_READER = [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "list"]}]


def _proxy(
    region: Region, namespace: str = "edge", account: str | None = "proxy", kind: str = "Deployment"
) -> Res:
    """A `kubectl proxy` listening on every address, as its ServiceAccount."""
    pod: dict[str, Any] = {
        "containers": [
            {
                "name": "proxy",
                "image": "bitnami/kubectl:1.33",
                "args": ["proxy", "--address=0.0.0.0", "--port=8001", "--accept-hosts=.*"],
                "ports": [{"containerPort": 8001}],
            }
        ]
    }
    if account is not None:
        pod["serviceAccountName"] = account
    if kind == "Pod":
        props = {"metadata": {"name": "api-proxy", "namespace": namespace, "labels": dict(PROXY_LABELS)}}
        props["spec"] = pod
        return Res("kubernetes:core/v1:Pod", "api-proxy", props, region.kubernetes)
    return Res(
        "kubernetes:apps/v1:Deployment",
        "api-proxy",
        {
            "metadata": {"name": "api-proxy", "namespace": namespace},
            "spec": {
                "selector": {"matchLabels": dict(PROXY_LABELS)},
                "template": {"metadata": {"labels": dict(PROXY_LABELS)}, "spec": pod},
            },
        },
        region.kubernetes,
    )


def _service_account(region: Region, name: str = "proxy", namespace: str = "edge", **top: Any) -> Res:
    return Res(
        "kubernetes:core/v1:ServiceAccount",
        f"sa-{namespace}-{name}",
        {"metadata": {"name": name, "namespace": namespace}, **top},
        region.kubernetes,
    )


def _service(region: Region, kind: str = "LoadBalancer", namespace: str = "edge") -> Res:
    """A Service of the proxy's pods: class-less LoadBalancer, internet-facing for the in-tree provider."""
    return Res(
        "kubernetes:core/v1:Service",
        f"api-proxy-{kind.lower()}",
        {
            "metadata": {"name": "api-proxy", "namespace": namespace},
            "spec": {
                "type": kind,
                "selector": dict(PROXY_LABELS),
                "ports": [{"port": 80, "targetPort": 8001}],
            },
        },
        region.kubernetes,
    )


def _subject(name: str = "proxy", namespace: str | None = "edge") -> dict[str, str]:
    subject = {"kind": "ServiceAccount", "name": name}
    if namespace is not None:
        subject["namespace"] = namespace
    return subject


def _binding(
    region: Region,
    role: str,
    role_kind: str = "ClusterRole",
    namespace: str | None = None,
    subjects: list[dict[str, str]] | None = None,
    name: str = "proxy-rights",
) -> Res:
    """A ClusterRoleBinding (no namespace) or a RoleBinding of a namespace, for the proxy's account."""
    kind = "ClusterRoleBinding" if namespace is None else "RoleBinding"
    metadata: dict[str, Any] = {"name": name}
    if namespace is not None:
        metadata["namespace"] = namespace
    return Res(
        f"kubernetes:{RBAC}/v1:{kind}",
        f"{name}-{namespace or 'cluster'}",
        {
            "metadata": metadata,
            "roleRef": {"apiGroup": RBAC, "kind": role_kind, "name": role},
            "subjects": subjects if subjects is not None else [_subject()],
        },
        region.kubernetes,
    )


def _role(
    region: Region,
    name: str,
    rules: list[dict[str, Any]] | None,
    namespace: str | None = None,
    labels: dict[str, str] | None = None,
    aggregation: dict[str, Any] | None = None,
) -> Res:
    """A ClusterRole (no namespace) or a Role of a namespace."""
    kind = "ClusterRole" if namespace is None else "Role"
    metadata: dict[str, Any] = {"name": name}
    if namespace is not None:
        metadata["namespace"] = namespace
    if labels is not None:
        metadata["labels"] = labels
    props: dict[str, Any] = {"metadata": metadata}
    if rules is not None:
        props["rules"] = rules
    if aggregation is not None:
        props["aggregationRule"] = aggregation
    return Res(f"kubernetes:{RBAC}/v1:{kind}", f"{kind.lower()}-{name}", props, region.kubernetes)


def _stack(region: Region, *extra: Res, proxy: Res | None = None, published: Res | None = None) -> list[Res]:
    """The baseline: the PII reader, the published proxy, its ServiceAccount, and what the test adds."""
    workload = proxy if proxy is not None else _proxy(region)
    publisher = published if published is not None else _service(region)
    return [
        *region.resources,
        _database_reader(region),
        workload,
        _service_account(region),
        publisher,
        *extra,
    ]


def _blocked(resources: list[Res], workload: Res, *words: str) -> str:
    found = violations(resources, POLICY)
    assert [d.urn for d in found] == [workload.urn], messages(found)
    for word in words:
        assert word in found[0].message, found[0].message
    assert "GDPR" in found[0].message and "How to fix" in found[0].message
    return found[0].message


# Compliant baselines ------------------------------------------------------------------------------------


def test_a_published_front_door_whose_account_has_no_binding_passes() -> None:
    region = eu_region()
    assert violations(_stack(region), POLICY) == []


def test_an_internal_pod_with_broad_rights_is_not_published() -> None:
    region = eu_region()
    resources = _stack(region, _binding(region, "cluster-admin"), published=_service(region, "ClusterIP"))
    assert violations(resources, POLICY) == []


def test_broad_rights_in_a_cluster_that_neither_holds_nor_reads_pii_pass() -> None:
    region = eu_region()
    resources = [r for r in _stack(region, _binding(region, "cluster-admin")) if r.name != "customer-api"]
    reader = _database_reader(region)
    reader.deps = {}
    assert violations([*resources, reader], POLICY) == []


# Bindings and roles ------------------------------------------------------------------------------------


def test_a_published_proxy_bound_to_cluster_admin_exposes_the_api() -> None:
    region = eu_region()
    proxy = _proxy(region)
    message = _blocked(
        _stack(region, _binding(region, "cluster-admin"), proxy=proxy),
        proxy,
        "cluster-admin",
        "edge/proxy",
        "Kubernetes API",
    )
    assert "read Secrets" in message and "Service 'api-proxy-loadbalancer'" in message


def test_a_cluster_role_of_the_stack_that_reads_secrets_exposes_them() -> None:
    region = eu_region()
    proxy = _proxy(region)
    extra = (_role(region, "secret-reader", SECRETS_READER), _binding(region, "secret-reader"))
    _blocked(_stack(region, *extra, proxy=proxy), proxy, "read Secrets", "secret-reader")


@pytest.mark.parametrize(
    "rule",
    [
        {"apiGroups": ["*"], "resources": ["*"], "verbs": ["get"]},
        {"apiGroups": [""], "resources": ["*"], "verbs": ["list"]},
        {"apiGroups": [""], "resources": ["secrets"], "verbs": ["*"]},
        {"apiGroups": [""], "resources": ["*/exec"], "verbs": ["create"]},
    ],
    ids=["every-group", "every-resource", "every-verb", "every-exec-subresource"],
)
def test_wildcards_in_a_role_grant_what_they_match(rule: dict[str, Any]) -> None:
    region = eu_region()
    proxy = _proxy(region)
    extra = (_role(region, "broad", [rule], "app"), _binding(region, "broad", "Role", "app"))
    _blocked(_stack(region, *extra, proxy=proxy), proxy, "RoleBinding", "namespace app")


def test_a_role_binding_of_edit_in_the_namespace_where_pii_pods_run_exposes_them() -> None:
    region = eu_region()
    proxy = _proxy(region)
    _blocked(_stack(region, _binding(region, "edit", namespace="app"), proxy=proxy), proxy, "edit", "exec")


def test_a_role_binding_in_a_namespace_without_pii_grants_only_there() -> None:
    region = eu_region()
    extra = (_role(region, "local", SECRETS_READER, "edge"), _binding(region, "local", "Role", "edge"))
    assert violations(_stack(region, *extra), POLICY) == []
    assert violations(_stack(region, _binding(region, "view", namespace="edge")), POLICY) == []


def test_a_role_binding_that_lets_it_create_pods_escapes_its_namespace() -> None:
    # A pod it creates may run as any account of its namespace, mount any of its Secrets, or ask for a node
    # by name with a hostPath: the namespace is no boundary.
    region = eu_region()
    proxy = _proxy(region)
    _blocked(
        _stack(region, _binding(region, "edit", namespace="edge"), proxy=proxy),
        proxy,
        "create or change pods",
    )


def test_nodes_proxy_is_granted_only_cluster_wide() -> None:
    region = eu_region()
    rule = [{"apiGroups": [""], "resources": ["nodes/proxy"], "verbs": ["get"]}]
    proxy = _proxy(region)
    cluster_wide = (_role(region, "kubelet", rule), _binding(region, "kubelet"))
    _blocked(_stack(region, *cluster_wide, proxy=proxy), proxy, "nodes")
    in_namespace = (_role(region, "kubelet", rule), _binding(region, "kubelet", namespace="app"))
    assert violations(_stack(region, *in_namespace), POLICY) == []


def test_impersonation_exposes_whatever_it_may_become() -> None:
    region = eu_region()
    rule = [{"apiGroups": [""], "resources": ["users", "groups"], "verbs": ["impersonate"]}]
    proxy = _proxy(region)
    extra = (_role(region, "impersonator", rule), _binding(region, "impersonator"))
    _blocked(_stack(region, *extra, proxy=proxy), proxy, "impersonate")


def test_a_stack_role_aggregated_into_view_gives_view_its_rules() -> None:
    region = eu_region()
    label = {"rbac.authorization.k8s.io/aggregate-to-view": "true"}
    creator = [{"apiGroups": [""], "resources": ["pods"], "verbs": ["create"]}]
    view = _binding(region, "view", namespace="edge")
    assert violations(_stack(region, view, _role(region, "extra", creator)), POLICY) == []
    proxy = _proxy(region)
    aggregated = _role(region, "extra", creator, labels=label)
    _blocked(_stack(region, view, aggregated, proxy=proxy), proxy, "view", "create or change pods")


def test_view_reads_the_logs_of_the_pods_that_read_pii() -> None:
    # Decision: a pod's log may carry what it reads, as the pack reads a log shipper's mounts.
    region = eu_region()
    proxy = _proxy(region)
    _blocked(_stack(region, _binding(region, "view"), proxy=proxy), proxy, "read pods' logs", "customer-api")


def test_an_aggregated_cluster_role_of_the_stack_has_the_rules_it_selects() -> None:
    region = eu_region()
    selector = {"clusterRoleSelectors": [{"matchLabels": {"example.com/aggregate-to-ops": "true"}}]}
    ops = _role(region, "ops", None, aggregation=selector)
    member = _role(region, "ops-secrets", SECRETS_READER, labels={"example.com/aggregate-to-ops": "true"})
    proxy = _proxy(region)
    _blocked(_stack(region, ops, member, _binding(region, "ops"), proxy=proxy), proxy, "read Secrets")
    assert violations(_stack(region, ops, _binding(region, "ops")), POLICY) == []


def test_a_binding_to_a_role_the_stack_does_not_declare_fails_closed() -> None:
    region = eu_region()
    proxy = _proxy(region)
    _blocked(
        _stack(region, _binding(region, "prometheus-server"), proxy=proxy),
        proxy,
        "prometheus-server",
        "not declare",
    )


def test_secrets_named_by_a_rule_count_only_when_they_may_hold_pii() -> None:
    region = eu_region()
    settings = Res(
        "kubernetes:core/v1:Secret",
        "proxy-settings",
        {
            "metadata": {
                "name": "proxy-settings",
                "namespace": "app",
                "labels": {"data-classification": "internal"},
            },
            "stringData": {"LOG_LEVEL": "info"},
        },
        region.kubernetes,
    )
    named = [
        {"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"], "resourceNames": ["proxy-settings"]}
    ]
    extra = (settings, _role(region, "own", named, "app"), _binding(region, "own", "Role", "app"))
    assert violations(_stack(region, *extra), POLICY) == []
    undeclared = [{**named[0], "resourceNames": ["customer-api-db"]}]
    proxy = _proxy(region)
    role, binding = _role(region, "own", undeclared, "app"), _binding(region, "own", "Role", "app")
    _blocked(_stack(region, role, binding, proxy=proxy), proxy, "customer-api-db")


# Subjects and tokens -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "subject",
    [
        {"kind": "Group", "name": "system:serviceaccounts"},
        {"kind": "Group", "name": "system:serviceaccounts:edge"},
        {"kind": "Group", "name": "system:authenticated"},
        {"kind": "User", "name": "system:serviceaccount:edge:proxy"},
    ],
    ids=["all-service-accounts", "the-namespace's-accounts", "authenticated", "the-account-as-user"],
)
def test_groups_and_user_names_that_include_the_account_count(subject: dict[str, str]) -> None:
    region = eu_region()
    proxy = _proxy(region)
    _blocked(_stack(region, _binding(region, "cluster-admin", subjects=[subject]), proxy=proxy), proxy)


def test_a_role_binding_subject_without_namespace_is_of_the_binding_namespace() -> None:
    region = eu_region()
    subject = [_subject(namespace=None)]
    assert (
        violations(_stack(region, _binding(region, "edit", namespace="app", subjects=subject)), POLICY) == []
    )
    proxy = _proxy(region)
    in_edge = _binding(region, "cluster-admin", "ClusterRole", "edge", subjects=subject)
    _blocked(_stack(region, in_edge, proxy=proxy), proxy)


def test_the_default_service_account_counts() -> None:
    region = eu_region()
    proxy = _proxy(region, account=None)
    binding = _binding(region, "edit", namespace="app", subjects=[_subject("default")])
    _blocked(_stack(region, binding, proxy=proxy), proxy, "edge/default")


def test_no_token_means_no_rights() -> None:
    region = eu_region()
    binding = _binding(region, "cluster-admin")
    proxy = _proxy(region)
    proxy.props["spec"]["template"]["spec"]["automountServiceAccountToken"] = False
    assert violations(_stack(region, binding, proxy=proxy), POLICY) == []
    account = _service_account(region, automountServiceAccountToken=False)
    resources = [r for r in _stack(region, binding) if r.name != "sa-edge-proxy"]
    assert violations([*resources, account], POLICY) == []


def test_the_pod_setting_wins_over_the_account_setting() -> None:
    region = eu_region()
    proxy = _proxy(region)
    proxy.props["spec"]["template"]["spec"]["automountServiceAccountToken"] = True
    account = _service_account(region, automountServiceAccountToken=False)
    resources = [
        r for r in _stack(region, _binding(region, "cluster-admin"), proxy=proxy) if r.name != "sa-edge-proxy"
    ]
    _blocked([*resources, account], proxy)


def test_a_projected_token_counts_whatever_automount_says() -> None:
    region = eu_region()
    proxy = _proxy(region)
    pod = proxy.props["spec"]["template"]["spec"]
    pod["automountServiceAccountToken"] = False
    pod["volumes"] = [
        {"name": "token", "projected": {"sources": [{"serviceAccountToken": {"path": "token"}}]}}
    ]
    _blocked(_stack(region, _binding(region, "cluster-admin"), proxy=proxy), proxy)


@pytest.mark.preview_only("a value unknown at preview is known once deployed")
def test_an_account_unknown_at_preview_may_be_any_of_its_namespace() -> None:
    region = eu_region()
    proxy = _proxy(region)
    proxy.props["spec"]["template"]["spec"]["serviceAccountName"] = UNKNOWN
    _blocked(_stack(region, _binding(region, "cluster-admin"), proxy=proxy), proxy)


# Publishers --------------------------------------------------------------------------------------------


def _ingress(region: Region) -> Res:
    return Res(
        "kubernetes:networking.k8s.io/v1:Ingress",
        "api-proxy",
        {
            "metadata": {
                "name": "api-proxy",
                "namespace": "edge",
                "annotations": {"alb.ingress.kubernetes.io/scheme": "internet-facing"},
            },
            "spec": {
                "ingressClassName": "alb",
                "rules": [
                    {
                        "http": {
                            "paths": [
                                {
                                    "path": "/",
                                    "pathType": "Prefix",
                                    "backend": {"service": {"name": "api-proxy", "port": {"number": 80}}},
                                }
                            ]
                        }
                    }
                ],
            },
        },
        region.kubernetes,
    )


def test_a_bare_pod_behind_a_public_service_is_published() -> None:
    region = eu_region()
    proxy = _proxy(region, kind="Pod")
    _blocked(_stack(region, _binding(region, "cluster-admin"), proxy=proxy), proxy)


def test_a_node_port_or_an_internet_facing_ingress_publishes_it() -> None:
    region = eu_region()
    proxy = _proxy(region)
    _blocked(
        _stack(
            region, _binding(region, "cluster-admin"), proxy=proxy, published=_service(region, "NodePort")
        ),
        proxy,
    )
    internal = _service(region, "ClusterIP")
    _blocked(
        _stack(region, _binding(region, "cluster-admin"), internal, proxy=proxy, published=_ingress(region)),
        proxy,
        "Ingress",
    )


def test_host_network_on_nodes_not_shown_private_publishes_it() -> None:
    region = eu_region()
    proxy = _proxy(region)
    proxy.props["spec"]["template"]["spec"]["hostNetwork"] = True
    _blocked(
        _stack(
            region, _binding(region, "cluster-admin"), proxy=proxy, published=_service(region, "ClusterIP")
        ),
        proxy,
        "hostNetwork",
    )


def test_a_tunnel_routed_to_its_service_publishes_it() -> None:
    region = eu_region()
    tunnel = Res(
        "kubernetes:apps/v1:Deployment",
        "cloudflared",
        {
            "metadata": {"name": "cloudflared", "namespace": "edge"},
            "spec": {
                "template": {
                    "spec": {
                        "containers": [
                            {
                                "name": "cloudflared",
                                "image": "cloudflare/cloudflared:2025.1.0",
                                "args": ["tunnel", "--url", "http://api-proxy.edge.svc:80", "run"],
                            }
                        ]
                    }
                }
            },
        },
        region.kubernetes,
    )
    proxy = _proxy(region)
    internal = _service(region, "ClusterIP")
    _blocked(
        _stack(region, _binding(region, "cluster-admin"), internal, proxy=proxy, published=tunnel),
        proxy,
        "tunnel",
    )


def _target_group_binding(region: Region, internal: bool) -> list[Res]:
    """A ClusterIP Service of the proxy bound by the AWS Load Balancer Controller to a balancer's target group
    (the real stacks' front door: ALB -> target group -> TargetGroupBinding -> Service -> pods)."""
    balancer, target_group, _, listener = network_balancer(region, "front", "10.10.9.9", internal=internal)
    binding = Res(
        "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding",
        "api-proxy-binding",
        {
            "apiVersion": "elbv2.k8s.aws/v1beta1",
            "kind": "TargetGroupBinding",
            "metadata": {"name": "api-proxy", "namespace": "edge"},
            "spec": {
                "serviceRef": {"name": "api-proxy", "port": 80},
                "targetGroupARN": UNKNOWN,
                "targetType": "ip",
            },
        },
        region.kubernetes,
        deps={"spec": [target_group]},
    )
    return [balancer, target_group, listener, binding]


def test_a_target_group_binding_of_an_internet_facing_balancer_publishes_it() -> None:
    region = eu_region()
    internal = _service(region, "ClusterIP")
    rights = _binding(region, "cluster-admin")
    assert (
        violations(_stack(region, rights, *_target_group_binding(region, True), published=internal), POLICY)
        == []
    )
    proxy = _proxy(region)
    bound = _target_group_binding(region, False)
    _blocked(_stack(region, rights, *bound, proxy=proxy, published=internal), proxy, "TargetGroupBinding")


def test_a_binding_for_requests_without_a_token_reaches_a_pod_without_one() -> None:
    # The published pod mounts no token, yet what it relays without one is an anonymous request: a binding
    # for system:unauthenticated gives it the role all the same.
    region = eu_region()
    proxy = _proxy(region)
    proxy.props["spec"]["template"]["spec"]["automountServiceAccountToken"] = False
    anonymous = _binding(
        region, "cluster-admin", subjects=[{"kind": "Group", "name": "system:unauthenticated"}]
    )
    found = violations(_stack(region, anonymous, proxy=proxy), POLICY)
    assert proxy.urn in [d.urn for d in found], messages(found)
    assert "a request without its token" in next(d.message for d in found if d.urn == proxy.urn)
