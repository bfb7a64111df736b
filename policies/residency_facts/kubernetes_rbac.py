"""What Kubernetes RBAC rights give a workload's credentials over its cluster's data, and the rules of the
built-in ClusterRoles a binding may name, as data.

A workload published outside its VPC answers whoever reaches it; when it relays requests to the API server (a
`kubectl proxy --address=0.0.0.0`, or a flaw in it), its ServiceAccount's rights are what it publishes.
`residency_policies/cluster_rights.py` reads what the stack's bindings give an account from these tables and
`residency_policies/exposure_credentials.py` judges it (pii-not-public).

Checked against kubernetes.io/docs/reference/access-authn-authz/rbac/ (default roles and aggregation labels,
subjects, `*` and `*/subresource`, a RoleBinding granting a ClusterRole in its namespace only) and the
bootstrap policy of kube-apiserver, plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go (the rules of
admin, edit, view, system:aggregate-to-*, cluster-admin, system:kubelet-api-admin, and the roles that read no
object). Exec over a websocket and a `kubectl proxy` of the kubelet use GET, which the built-in `edit`
grants on `pods/exec` ("Allow read on escalating resources"): any verb on a proxy, exec, attach or
port-forward subresource counts.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import NamedTuple

READ = ("get", "list", "watch")
WRITE = ("create", "update", "patch", "delete", "deletecollection")
CHANGE = ("create", "update", "patch")

IN_NAMESPACE = "namespace"
"""A right over the objects of the namespaces the binding reaches: it matters where the stack places objects
that hold or read personal data (their Secrets, their pods)."""
CLUSTER = "cluster"
"""A right that reaches past any namespace: a node's kubelet, or a way to become someone else (create a pod
as any account of its namespace, on any node, with the node's disks mounted; mint a token; impersonate;
rewrite RBAC or admission). It matters in any cluster that holds or reads personal data."""


class Right(NamedTuple):
    """A right over the data of a cluster, as RBAC names it."""

    what: str
    """In words, for a violation message."""
    group: str
    """The API group (`""`: the core group)."""
    resource: str
    """The resource, or `resource/subresource`."""
    verbs: tuple[str, ...]
    """The verbs that give it (empty: any verb)."""
    reach: str
    """IN_NAMESPACE or CLUSTER."""
    namespaced: bool = True
    """False for a cluster-scoped resource (nodes, users, cluster roles), which a RoleBinding cannot grant."""


_WORKLOADS = (
    ("apps", ("deployments", "daemonsets", "statefulsets", "replicasets")),
    ("extensions", ("deployments", "daemonsets", "replicasets")),
    ("batch", ("jobs", "cronjobs")),
    ("", ("replicationcontrollers",)),
)
"""Workload controllers: whoever may create or change one runs pods of his choosing through it."""

RIGHTS: tuple[Right, ...] = (
    Right("read Secrets", "", "secrets", READ, IN_NAMESPACE),
    Right("exec into pods", "", "pods/exec", (), IN_NAMESPACE),
    Right("attach to pods", "", "pods/attach", (), IN_NAMESPACE),
    Right("port-forward to pods", "", "pods/portforward", (), IN_NAMESPACE),
    Right("proxy to pods", "", "pods/proxy", (), IN_NAMESPACE),
    Right("read pods' logs", "", "pods/log", ("get",), IN_NAMESPACE),
    Right("proxy to Services", "", "services/proxy", (), IN_NAMESPACE),
    Right(
        "proxy to nodes (the kubelet API, which execs into any pod of the node)",
        "",
        "nodes/proxy",
        (),
        CLUSTER,
        namespaced=False,
    ),
    Right("create or change pods", "", "pods", CHANGE, CLUSTER),
    *(
        Right(f"create or change {resource} ({group or 'core'})", group, resource, CHANGE, CLUSTER)
        for group, resources in _WORKLOADS
        for resource in resources
    ),
    Right("mint tokens of service accounts", "", "serviceaccounts/token", ("create",), CLUSTER),
    Right("impersonate service accounts", "", "serviceaccounts", ("impersonate",), CLUSTER),
    *(
        Right(f"impersonate {resource}", group, resource, ("impersonate",), CLUSTER, namespaced=False)
        for group, resource in (
            ("", "users"),
            ("", "groups"),
            ("authentication.k8s.io", "uids"),
            ("authentication.k8s.io", "userextras"),
        )
    ),
    *(
        Right(
            f"write {resource}", "rbac.authorization.k8s.io", resource, (*CHANGE, "bind", "escalate"), CLUSTER
        )
        for resource in ("roles", "rolebindings")
    ),
    *(
        Right(
            f"write {resource}",
            "rbac.authorization.k8s.io",
            resource,
            (*CHANGE, "bind", "escalate"),
            CLUSTER,
            namespaced=False,
        )
        for resource in ("clusterroles", "clusterrolebindings")
    ),
    *(
        Right(
            f"write {resource} (the API server sends them objects, Secrets included, and a mutating one "
            "rewrites pods)",
            "admissionregistration.k8s.io",
            resource,
            CHANGE,
            CLUSTER,
            namespaced=False,
        )
        for resource in ("mutatingwebhookconfigurations", "validatingwebhookconfigurations")
    ),
)
"""The rights whose holder reads or may come to read what the cluster's pods hold and read. Not read as such:
ConfigMaps (configuration), the objects' specs (`view`), certificate signing (approving a request and the
signer's `approve` are both needed; a rule of `*` covers them), persistent volumes."""


class Rule(NamedTuple):
    """One RBAC policy rule of a built-in role."""

    groups: tuple[str, ...]
    resources: tuple[str, ...]
    verbs: tuple[str, ...]


class BuiltInRole(NamedTuple):
    """A ClusterRole kube-apiserver creates: its labels, its aggregation selectors, its own rules."""

    labels: MappingProxyType[str, str] = MappingProxyType({})
    aggregates: tuple[MappingProxyType[str, str], ...] = ()
    """The matchLabels of its aggregationRule: it holds the rules of every ClusterRole they match."""
    rules: tuple[Rule, ...] = ()


def _labels(**pairs: str) -> MappingProxyType[str, str]:
    return MappingProxyType(
        {f"rbac.authorization.k8s.io/{key.replace('_', '-')}": v for key, v in pairs.items()}
    )


_TRUE = "true"
_ESCALATING_READS = (
    "pods/attach",
    "pods/proxy",
    "pods/exec",
    "pods/portforward",
    "secrets",
    "services/proxy",
)

BUILT_IN_ROLES: MappingProxyType[str, BuiltInRole] = MappingProxyType(
    {
        "cluster-admin": BuiltInRole(rules=(Rule(("*",), ("*",), ("*",)),)),
        "admin": BuiltInRole(aggregates=(_labels(aggregate_to_admin=_TRUE),)),
        "edit": BuiltInRole(
            labels=_labels(aggregate_to_admin=_TRUE), aggregates=(_labels(aggregate_to_edit=_TRUE),)
        ),
        "view": BuiltInRole(
            labels=_labels(aggregate_to_edit=_TRUE), aggregates=(_labels(aggregate_to_view=_TRUE),)
        ),
        "system:aggregate-to-admin": BuiltInRole(
            labels=_labels(aggregate_to_admin=_TRUE),
            rules=(
                Rule(("authorization.k8s.io",), ("localsubjectaccessreviews",), ("create",)),
                Rule(("rbac.authorization.k8s.io",), ("roles", "rolebindings"), (*READ, *WRITE)),
            ),
        ),
        "system:aggregate-to-edit": BuiltInRole(
            labels=_labels(aggregate_to_edit=_TRUE),
            rules=(
                Rule(("",), _ESCALATING_READS, READ),
                Rule(("",), ("serviceaccounts",), ("impersonate",)),
                Rule(("",), ("pods", "pods/attach", "pods/proxy", "pods/exec", "pods/portforward"), WRITE),
                Rule(
                    ("",),
                    (
                        "replicationcontrollers",
                        "replicationcontrollers/scale",
                        "serviceaccounts",
                        "services",
                        "services/proxy",
                        "endpoints",
                        "persistentvolumeclaims",
                        "configmaps",
                        "secrets",
                    ),
                    WRITE,
                ),
                Rule(("",), ("serviceaccounts/token",), ("create",)),
                Rule(
                    ("apps",),
                    (
                        "statefulsets",
                        "statefulsets/scale",
                        "daemonsets",
                        "deployments",
                        "deployments/scale",
                        "replicasets",
                    ),
                    WRITE,
                ),
                Rule(("batch",), ("jobs", "cronjobs"), WRITE),
                Rule(("extensions",), ("daemonsets", "deployments", "ingresses", "replicasets"), WRITE),
                Rule(("networking.k8s.io",), ("networkpolicies", "ingresses"), WRITE),
            ),
        ),
        "system:aggregate-to-view": BuiltInRole(
            labels=_labels(aggregate_to_view=_TRUE),
            rules=(
                Rule(
                    ("",),
                    (
                        "pods",
                        "replicationcontrollers",
                        "serviceaccounts",
                        "services",
                        "endpoints",
                        "persistentvolumeclaims",
                        "configmaps",
                    ),
                    READ,
                ),
                Rule(
                    ("",),
                    ("limitranges", "resourcequotas", "bindings", "events", "pods/status", "pods/log"),
                    READ,
                ),
                Rule(("",), ("namespaces",), READ),
                Rule(
                    ("apps",),
                    ("controllerrevisions", "statefulsets", "daemonsets", "deployments", "replicasets"),
                    READ,
                ),
                Rule(("batch",), ("jobs", "cronjobs"), READ),
                Rule(("networking.k8s.io",), ("networkpolicies", "ingresses"), READ),
            ),
        ),
        "system:kubelet-api-admin": BuiltInRole(
            rules=(
                Rule(("",), ("nodes",), (*READ, "proxy")),
                Rule(
                    ("",), ("nodes/proxy", "nodes/metrics", "nodes/spec", "nodes/stats", "nodes/log"), ("*",)
                ),
            ),
        ),
        # Discovery, version and health, a user's own access reviews, and delegated authentication: no object.
        "system:public-info-viewer": BuiltInRole(),
        "system:discovery": BuiltInRole(),
        "system:basic-user": BuiltInRole(),
        "system:auth-delegator": BuiltInRole(),
    }
)
"""The built-in ClusterRoles a binding may name without the stack declaring them, by name. Their rules are
kept where they bear on `RIGHTS` (the read-only rules of `view` on objects that hold no data are shortened);
any other built-in role (`system:node`, the controllers' roles) is not encoded, and a binding to it fails
closed as a role the stack does not declare. A ClusterRole of the stack labelled with an aggregation label
(`rbac.authorization.k8s.io/aggregate-to-view: "true"`) joins the role that selects it: `view`, which is
itself labelled to join `edit`, which joins `admin`."""

SERVICE_ACCOUNT_USER = "system:serviceaccount:{namespace}:{name}"
SERVICE_ACCOUNT_GROUPS = (
    "system:serviceaccounts",
    "system:serviceaccounts:{namespace}",
    "system:authenticated",
)
"""The user name and the groups a ServiceAccount's token authenticates as (kubernetes.io/docs/reference/
access-authn-authz/service-accounts-admin/, authentication: system:authenticated is every authenticated
request)."""
ANONYMOUS_SUBJECTS = frozenset({("User", "system:anonymous"), ("Group", "system:unauthenticated")})
"""What a request without a token is: a published workload may send its requests without one."""
SERVICE_ACCOUNT_TOKEN_SECRET = "kubernetes.io/service-account-token"
SERVICE_ACCOUNT_NAME_ANNOTATION = "kubernetes.io/service-account.name"
"""A Secret of this type holds a long-lived token of the account its annotation names, which the token
controller fills in: a pod that mounts it acts as that account whatever its own."""
CLUSTER_CREDENTIAL_KINDS = ("certificates.k8s.io:CertificateSigningRequest",)
"""Kinds whose outputs are credentials of their cluster besides a token Secret: a CertificateSigningRequest's
`status.certificate` signs a client in as whom its request names (not read: taken to have every right)."""
