"""Access to an EKS cluster is access to what the cluster holds.

The cluster's `aws-auth` ConfigMap (`mapRoles`, `mapUsers`, `mapAccounts`) and its access entries and
access policy associations (`aws.eks.AccessEntry`, `aws.eks.AccessPolicyAssociation`) map AWS principals to
Kubernetes users and groups. A principal of another account mapped into a cluster whose objects hold PII or
telemetry (its claims, StatefulSets, Secrets), or whose pods read them (their code's sources), may read them
(system:masters, a cluster-admin policy, or any group bound to a role that reads Secrets or execs into
pods; the bindings may come from charts the stack does not declare): it is a grant of that data to another
account, judged by rules 3 and 4 as a share. An account that cannot be traced (an ARN unknown at preview,
computed from nothing the stack declares) counts as foreign. A role of the stack mapped into the cluster
gives that access to whoever may become it: its trust policy, through role chains
(`grants.Principals.assumers`).

The other way round, a workload's AWS credentials decide the account it acts in: an EKS Pod Identity
association (`roleArn`, and `targetRoleArn`, the role it chains to) or an IRSA ServiceAccount annotation
(`eks.amazonaws.com/role-arn`) naming a role of another account makes every write of the pods of that
service account land in that account (`credential_accounts`). On a service account whose pods read
resident data it is a cross-account share of that data, judged by rules 3 and 4.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from typing import Any

from residency_facts import Classification
from residency_facts.issuers import WORKLOAD_ISSUERS
from residency_facts.operators import OPERATOR_SERVICE_ACCOUNT_DEFINITIONS, OPERATOR_SERVICE_ACCOUNTS

from .attributes import STACK_ACCOUNT, account_of, effective_region
from .charts import HELM_RELEASE, reading_chart_releases, release_namespace, reviewed_chart
from .exposure_services import same_cluster
from .grants import EKS_ISSUER, ROLE, Principals
from .lineage import Lineage
from .locations import mechanism_key
from .model import Resource, Stack, parse_arn
from .settings import Settings
from .values import Unknown, as_bool, child, elements, known_strings, leaves, value_at, values_at
from .violations import Violation, violation
from .workload_credentials import credential_violation, workloads_with_own_credentials

AWS_AUTH = "aws-auth"
ACCESS_ENTRY = "aws:eks/accessEntry:AccessEntry"
ACCESS_POLICY_ASSOCIATION = "aws:eks/accessPolicyAssociation:AccessPolicyAssociation"
CONFIG_MAP = "kubernetes:core/v1:ConfigMap"
CLUSTER = "aws:eks/cluster:Cluster"
_MAPPED_ARN = re.compile(r"(?:rolearn|userarn)[\"']?\s*:\s*[\"']?([^\s\"',}\]]+)", re.I)
"""A mapped principal in mapRoles / mapUsers, written as YAML (`- rolearn: arn:...`) or as JSON, which is
YAML too (`[{"rolearn": "arn:..."}]`)."""
_ACCOUNT = re.compile(r"(?<!\d)(\d{12})(?!\d)")


def _foreign(accounts: list[str], settings: Settings) -> list[str]:
    """The accounts that are not the deployment's (with no accountIds configured, only untraceable ones)."""
    untraceable = "an untraceable account"
    return sorted(
        {a for a in accounts if a == untraceable or (settings.account_ids and a not in settings.account_ids)}
    )


def _principal_accounts(resource: Resource, path: str, stack: Stack) -> list[str]:
    """The accounts of the principals a path names: by the stack's resource it was computed from, else by the
    literal ARN; untraceable when unknown at preview with nothing to trace it to."""
    dependencies = stack.dependencies(resource, path)
    found: list[str] = []
    for dependency in dependencies:
        if dependency.type == ACCESS_ENTRY:
            # An association names its entry's principal: the entry's principal is the grantee.
            found.extend(_principal_accounts(dependency, "principalArn", stack))
            continue
        owner = account_of(dependency)
        if owner is None:
            found.append("an untraceable account")
        elif owner != STACK_ACCOUNT:
            found.append(owner)
    if dependencies:
        return found
    for value in values_at(resource.props, path):
        if isinstance(value, Unknown):
            found.append("an untraceable account")
            continue
        arn = parse_arn(value)
        if arn is not None and arn.account:
            found.append(arn.account)
    return found


def _roles_mapped(resource: Resource, path: str, stack: Stack, principals: Principals) -> list[Resource]:
    """The stack's roles an access entry or association maps: by lineage, or by their ARN."""
    found: list[Resource] = []
    for dependency in stack.dependencies(resource, path):
        if dependency.type == ACCESS_ENTRY:
            found.extend(_roles_mapped(dependency, "principalArn", stack, principals))
        elif dependency.type == ROLE:
            found.append(dependency)
    for value in values_at(resource.props, path):
        if isinstance(value, str):
            found.extend(principals.roles(value))
    return list(dict.fromkeys(found))


def _aws_auth_roles(config_map: Resource, principals: Principals) -> list[Resource]:
    """The stack's roles the aws-auth ConfigMap maps (by their ARN)."""
    text = value_at(config_map.props, "data.mapRoles")
    if not isinstance(text, str):
        return []
    return list(dict.fromkeys(r for arn in _MAPPED_ARN.findall(text) for r in principals.roles(arn)))


def _aws_auth_accounts(config_map: Resource) -> list[str]:
    """The accounts of the principals and accounts the aws-auth ConfigMap maps into the cluster."""
    found: list[str] = []
    for key in ("mapRoles", "mapUsers"):
        text = value_at(config_map.props, f"data.{key}")
        if isinstance(text, Unknown):
            found.append("an untraceable account")
        elif isinstance(text, str):
            for arn_text in _MAPPED_ARN.findall(text):
                arn = parse_arn(arn_text)
                found.append(arn.account if arn is not None and arn.account else "an untraceable account")
    accounts = value_at(config_map.props, "data.mapAccounts")
    if isinstance(accounts, Unknown):
        found.append("an untraceable account")
    elif isinstance(accounts, str):
        found.extend(_ACCOUNT.findall(accounts))
    return found


def clusters_of(resource: Resource, stack: Stack) -> list[Resource]:
    """The EKS clusters an access entry or association names (by reference or name)."""
    if resource.type.startswith("kubernetes:"):
        provider = stack.get(resource.provider_urn)
        return (
            [c for c in stack.dependencies(provider, "kubeconfig") if c.type == CLUSTER] if provider else []
        )
    return [c for c in stack.of_type(CLUSTER) if stack.refers_to(resource, "clusterName", c)]


def cluster_holds(
    resource: Resource, stack: Stack, lineage: Lineage, settings: Settings
) -> tuple[frozenset[str], dict[str, list[str]]]:
    """What the cluster the access is granted to holds (resident classifications: its Kubernetes objects'
    data, and the cluster's own), and what its workloads' code reads, by classification with the workloads;
    every cluster's when the stack cannot tell which cluster it is.

    Access to a cluster whose pods read PII is access to that PII, even when nothing of the cluster holds
    it at rest: whoever may exec into the pods, read their Secrets or run a pod of their service account
    reads the store as they do.
    """
    clusters = clusters_of(resource, stack)
    providers = {
        p.urn
        for p in stack.resources
        if p.type == "pulumi:providers:kubernetes"
        and (not clusters or any(c in stack.dependencies(p, "kubeconfig") for c in clusters))
    }
    if resource.type.startswith("kubernetes:"):
        providers = {resource.provider_urn} if resource.provider_urn else providers
    found: set[str] = set()
    readers: dict[str, list[str]] = {}
    for member in stack.resources:
        if member.type.startswith("kubernetes:") and member.provider_urn in providers:
            found |= lineage.effective(member)
            for kind in sorted(lineage.code_reads(member) & settings.resident_classifications):
                readers.setdefault(kind, []).append(member.label)
    for cluster in clusters:
        found |= lineage.effective(cluster)
    return frozenset(found) & settings.resident_classifications, readers


def violations(stack: Stack, settings: Settings, rule: str) -> list[Violation]:
    """Cluster access given to another account while the cluster holds resident data, for rule 3 (PII) or
    rule 4 (any resident data)."""
    lineage = Lineage.of(stack, settings)
    principals = Principals(stack, settings, lineage)
    found: list[Violation] = []
    for resource in stack.resources:
        if resource.type == CONFIG_MAP and value_at(resource.props, "metadata.name") == AWS_AUTH:
            accounts = _aws_auth_accounts(resource)
            roles = _aws_auth_roles(resource, principals)
            how = "the aws-auth ConfigMap maps principals of"
        elif resource.type in (ACCESS_ENTRY, ACCESS_POLICY_ASSOCIATION):
            accounts = _principal_accounts(resource, "principalArn", stack)
            roles = _roles_mapped(resource, "principalArn", stack, principals)
            how = "it gives cluster access to a principal of"
        elif resource.type == IDENTITY_PROVIDER:
            outsiders = issuer_outsiders(resource, stack, settings)
            if not outsiders:
                continue
            accounts, roles = [], []
            how = "its OpenID Connect issuer signs in, as Kubernetes users that RBAC may bind,"
        elif mechanism_key(resource.type) in WEBHOOK_KINDS:
            served = _webhooks_served_outside(resource, stack)
            if not served:
                continue
            accounts, roles = [], []
            how = (
                f"its admission webhooks {', '.join(served)} are served outside the cluster "
                "(at a URL, or through a Service that forwards beyond the cluster), and the API server sends "
                "them every object their rules match "
                "(Secrets and pod specs included; a mutating webhook rewrites them, and may add a container "
                "to any pod); it gives that access to"
            )
            foreign = ["whoever runs that endpoint"]
        else:
            continue
        if resource.type == IDENTITY_PROVIDER:
            foreign = outsiders
        elif mechanism_key(resource.type) not in WEBHOOK_KINDS:
            foreign = _foreign(accounts, settings)
        through = principals.becoming(roles)
        if through:
            # A role of the deployment that someone outside may become: they get its cluster access.
            foreign.append(f"this deployment whose role others may become ({through})")
        if not foreign:
            continue
        holds = _held(resource, stack, lineage, settings, rule)
        if holds is None:
            continue
        kinds, what = holds
        found.append(
            violation(
                resource,
                f"{how} {', '.join(foreign)} into a cluster {what}, so "
                + (
                    "that endpoint is sent their Secrets and configuration and may change what they run"
                    if mechanism_key(resource.type) in WEBHOOK_KINDS
                    else "that account may read its Secrets and volumes, and exec into its pods"
                ),
                f"{kinds} data must stay in this deployment's accounts under {settings.law}; cluster "
                "access is a grant of everything the cluster holds.",
                WEBHOOK_FIX
                if mechanism_key(resource.type) in WEBHOOK_KINDS
                else IDENTITY_PROVIDER_FIX
                if resource.type == IDENTITY_PROVIDER
                else "map only principals of this deployment's accounts (accountIds); give a partner access "
                "through an application that serves only anonymised data.",
            )
        )
    found.extend(credential_violations(stack, settings, lineage, rule))
    found.extend(_credential_copies(stack, settings, lineage, rule))
    return found


def _held(
    resource: Resource, stack: Stack, lineage: Lineage, settings: Settings, rule: str
) -> tuple[str, str] | None:
    """What the cluster an access reaches holds and what its pods read, for the rule, in words: the kinds,
    and `that holds ... and whose pods read ...` (None: nothing the rule protects)."""
    held, readers = cluster_holds(resource, stack, lineage, settings)
    if rule == "no-pii-replication":
        held &= {Classification.PII.value}
        readers = {k: v for k, v in readers.items() if k == Classification.PII.value}
    read = {k: v for k, v in readers.items() if k not in held}
    if not held and not read:
        return None
    what = [f"that holds {', '.join(sorted(held))} data"] if held else []
    what += [f"whose pods read {kind} data ({', '.join(labels)})" for kind, labels in sorted(read.items())]
    return ", ".join(sorted(held | set(read))), " and ".join(what)


def _credential_copies(stack: Stack, settings: Settings, lineage: Lineage, rule: str) -> list[Violation]:
    """Credentials of a cluster that holds or reads resident data, computed into a resource of another
    region or account (`cluster_credentials`)."""
    # cluster_credentials reads the exposure modules' RBAC helpers, which import this module.
    from .cluster_credentials import cluster_credentials, credential_copies, credential_rights

    found: list[Violation] = []
    for credential, what in cluster_credentials(stack):
        copies = credential_copies(credential, stack, settings)
        if not copies:
            continue
        holds = _held(credential, stack, lineage, settings, rule)
        rights = credential_rights(credential, stack, lineage, settings) if holds is not None else []
        if holds is None or not rights:
            continue
        kinds, held = holds
        for copy, where in copies:
            found.append(
                violation(
                    copy,
                    f"its inputs are computed from {credential.label}, {what} of a cluster {held}, which may "
                    f"{'; '.join(rights)}: {where} is given that access, so whoever reads {copy.label} "
                    "there may read the cluster's Secrets and volumes, and exec into its pods",
                    f"{kinds} data must stay in this deployment's accounts and regions under {settings.law}; "
                    "cluster credentials are a grant of everything they reach.",
                    "keep the cluster's credentials in its own region and account (register it with a "
                    "management plane there, or let the hub reach it through an access entry of this "
                    "deployment's account), or give the credential's identity no right over personal data.",
                )
            )
    return found


IDENTITY_PROVIDER = "aws:eks/identityProviderConfig:IdentityProviderConfig"
_WORKLOAD_ISSUERS = tuple((re.compile(pattern, re.I), words) for pattern, words in WORKLOAD_ISSUERS)


def issuer_outsiders(config: Resource, stack: Stack, settings: Settings) -> list[str]:
    """Whom outside the deployment an EKS identity provider's issuer signs in (`residency_facts/issuers.py`):
    the service accounts of an EKS cluster the stack does not declare, or declares in a region the stack
    may not use (its issuer names the region), workloads of another platform, or an issuer unknown at
    preview that no cluster of the stack gives. An organisation's issuer signs in its people: none."""
    clusters = [d for d in stack.dependencies(config, "oidc") if d.type == CLUSTER]
    if clusters:
        found = []
        for cluster in clusters:
            region = effective_region(cluster, stack)
            if not isinstance(region, str) or region not in settings.allowed_regions:
                shown = region if isinstance(region, str) else "an untraceable region"
                found.append(f"the service accounts of {cluster.label} (in {shown})")
        return found
    issuer = value_at(config.props, "oidc.issuerUrl")
    if isinstance(issuer, Unknown):
        return ["the identities of an issuer unknown at preview that no EKS cluster of the stack gives"]
    if not isinstance(issuer, str):
        return []
    url = issuer.strip().removeprefix("https://").rstrip("/")
    eks = EKS_ISSUER.match(url.lower())
    if eks is not None:
        return [
            f"the service accounts of an EKS cluster in {eks.group(1)} that this stack does not declare, in "
            f"an account that cannot be traced (its issuer {url})"
        ]
    return [
        f"{words} (issuer {url}), outside AWS" for pattern, words in _WORKLOAD_ISSUERS if pattern.search(url)
    ]


IDENTITY_PROVIDER_FIX = (
    "sign in to a cluster that holds or reads personal data only the organisation's own people (its identity "
    "provider's tenant) and the service accounts of this deployment's clusters in its region; give another "
    "cluster's workloads an API that serves only anonymised data."
)


WEBHOOK_KINDS = frozenset(
    {
        "admissionregistration.k8s.io:MutatingWebhookConfiguration",
        "admissionregistration.k8s.io:ValidatingWebhookConfiguration",
    }
)
WEBHOOK_FIX = (
    "serve the webhook from the cluster (clientConfig.service, a Service of a workload the stack declares, "
    "whose own configuration is judged), or keep it out of clusters that hold or read personal data."
)


def _webhooks_served_outside(configuration: Resource, stack: Stack) -> list[str]:
    """The webhooks of an admission webhook configuration that the API server calls at a URL (or whose
    client configuration is unknown at preview) rather than through a Service of the cluster.

    A URL names no Service of the cluster; whatever its host, the pack cannot see what serves it (decision:
    policies/README.md), so every webhook at a URL counts, whichever objects its rules match.
    """
    webhooks = value_at(configuration.props, "webhooks")
    if isinstance(webhooks, Unknown):
        return ["(unknown at preview)"]
    found = []
    for webhook in values_at(configuration.props, "webhooks"):
        config = child(webhook, "clientConfig")
        name = child(webhook, "name")
        shown = repr(name) if isinstance(name, str) else "(unnamed)"
        # A URL, or no Service (the API server rejects that, but nothing the pack reads serves it).
        if (
            isinstance(config, Unknown)
            or child(config, "url") is not None
            or child(config, "service") is None
        ):
            found.append(shown)
        elif (external := _external_name(configuration, child(config, "service"), stack)) is not None:
            found.append(f"{shown} (its Service is an ExternalName for {external})")
        elif (outside := _hand_made_outside(configuration, child(config, "service"), stack)) is not None:
            found.append(f"{shown} ({outside})")
    return found


def _hand_made_outside(configuration: Resource, reference: Any, stack: Stack) -> str | None:
    """Why the stack's Service a webhook's clientConfig.service names sends outside the cluster's network,
    in words, or None: a Service without a selector forwards to the endpoints set by hand (EndpointSlice,
    Endpoints), judged as the URL form is (reviewer blind-k8s13 k17); none declared fails closed."""
    from .exposure_services import hand_made_endpoints  # exposure_services imports this module's users
    from .lineage_code import public_place
    from .private_networks import is_private, private_places

    for service in same_cluster(stack, configuration, ("core:Service",)):
        if value_at(service.props, "metadata.name") != child(reference, "name") or value_at(
            service.props, "metadata.namespace"
        ) != child(reference, "namespace"):
            continue
        selector = value_at(service.props, "spec.selector")
        if isinstance(selector, Unknown) or (isinstance(selector, Mapping) and selector):
            return None
        endpoints = [(holder, address) for holder, _, address in hand_made_endpoints(service, stack)]
        if not endpoints:
            return (
                f"its Service {service.label} has no selector and the stack declares no endpoints for it: "
                "where the API server sends cannot be seen"
            )
        region = effective_region(service, stack)
        own = region if isinstance(region, str) else None
        outside: list[str] = []
        for holder, address in endpoints:
            if isinstance(address, Unknown):
                outside.append(f"an address of {holder.label} unknown at preview")
            elif not isinstance(address, str):
                continue
            elif is_private(address):
                places = private_places(stack, address, own, holder.label)
                outside.extend(f"{address} ({p.where})" for p in places)
            elif (ip := _address(address)) is not None:
                if ip.is_global:
                    outside.append(address)
            elif public_place(address):
                outside.append(address)
            elif not address.rstrip(".").endswith((".svc", ".cluster.local")):
                outside.append(f"{address} (a host the pack cannot place)")
        if outside:
            return (
                f"its Service {service.label} has no selector; the endpoints set by hand send to "
                f"{', '.join(outside)}"
            )
        return None
    return None


def _external_name(configuration: Resource, service: Any, stack: Stack) -> str | None:
    """The external name of the stack's ExternalName Service a webhook's clientConfig.service names (the
    API server calls that host), or None."""
    for candidate in same_cluster(stack, configuration, ("core:Service",)):
        if (
            value_at(candidate.props, "metadata.name") == child(service, "name")
            and value_at(candidate.props, "metadata.namespace") == child(service, "namespace")
            and value_at(candidate.props, "spec.type") == "ExternalName"
        ):
            return str(value_at(candidate.props, "spec.externalName"))
    return None


POD_IDENTITY = "aws:eks/podIdentityAssociation:PodIdentityAssociation"
SERVICE_ACCOUNT = "kubernetes:core/v1:ServiceAccount"
IRSA_ANNOTATION = "eks.amazonaws.com/role-arn"
KUBE2IAM_ANNOTATION = "iam.amazonaws.com/role"
"""The pod annotation by which kube2iam (and kiam) gives a pod a role (Velero's chart documents it for its
`podAnnotations`): a role ARN names its account, a bare name the node's."""
POD_SPECS = {
    "kubernetes:core/v1:Pod": "spec",
    "kubernetes:apps/v1:Deployment": "spec.template.spec",
    "kubernetes:apps/v1:StatefulSet": "spec.template.spec",
    "kubernetes:apps/v1:DaemonSet": "spec.template.spec",
    "kubernetes:apps/v1:ReplicaSet": "spec.template.spec",
    "kubernetes:batch/v1:Job": "spec.template.spec",
    "kubernetes:batch/v1:CronJob": "spec.jobTemplate.spec.template.spec",
    "kubernetes:keda.sh/v1alpha1:ScaledJob": "spec.jobTargetRef.template.spec",
}
"""Where each workload kind keeps its pod spec (whose `serviceAccountName` names the pods' credentials)."""


def credential_accounts(resource: Resource, stack: Stack) -> list[str]:
    """The accounts a Pod Identity association's roles or an IRSA ServiceAccount's role belong to (the
    account its pods act in); `an untraceable account` when it cannot be told at preview."""
    if resource.type == POD_IDENTITY:
        accounts = _principal_accounts(resource, "roleArn", stack)
        if values_at(resource.props, "targetRoleArn"):
            accounts += _principal_accounts(resource, "targetRoleArn", stack)
        return accounts
    if resource.type == HELM_RELEASE:
        return _chart_credential_accounts(resource, stack)
    if resource.type == SERVICE_ACCOUNT:
        annotations = value_at(resource.props, "metadata.annotations")
        if isinstance(annotations, Unknown):
            return ["an untraceable account"]
        value = child(annotations, IRSA_ANNOTATION)
        if value is None:
            return []
        if isinstance(value, Unknown):
            owners = [account_of(d) for d in stack.dependencies(resource, "metadata")]
            return [
                o if o is not None else "an untraceable account" for o in owners if o != STACK_ACCOUNT
            ] or ([] if owners else ["an untraceable account"])
        arn = parse_arn(value)
        return [arn.account if arn is not None and arn.account else "an untraceable account"]
    return []


def _chart_credential_accounts(release: Resource, stack: Stack) -> list[str]:
    """The accounts of the roles a chart's values give its pods: an IRSA annotation of any ServiceAccount it
    creates, or a kube2iam annotation of its pods, anywhere in the values (each chart names the key its own
    way: `serviceAccount.server.annotations`, `serviceAccount.annotations`, `annotations.serviceAccount`)."""
    found: list[str] = []
    pending = [child(release.props, "values")]
    while pending:
        item = pending.pop()
        if isinstance(item, Mapping):
            for key in item:
                value = child(item, key)
                if key in (IRSA_ANNOTATION, KUBE2IAM_ANNOTATION):
                    found.extend(_role_value_accounts(release, value, stack, key == IRSA_ANNOTATION))
                else:
                    pending.append(value)
        elif isinstance(item, list):
            pending.extend(elements(item))
    chart = reviewed_chart(release)
    values = child(release.props, "values")
    if (
        chart is not None
        and chart.credentials
        and as_bool(value_at(values, chart.credentials_switch)) is not False
    ):
        for path in chart.credentials:
            given = [v for v in values_at(values, path) if v not in (None, "", {}, [])]
            if not given:
                continue
            # A credentials file: only a role it assumes (`role_arn`) names an account; keys name none.
            texts = known_strings(leaves(given))
            found.extend(
                [a for text in texts for a in _ROLE_ACCOUNT.findall(text)] or ["an untraceable account"]
            )
    return found


_ROLE_ACCOUNT = re.compile(r"arn:aws[a-z-]*:iam::(\d{12}):role/")


def _role_value_accounts(
    release: Resource, value: Any, stack: Stack, arn_only: bool, prop: str = "values"
) -> list[str]:
    """The account of a role a chart's values (or another input, `prop`) name: its ARN's, or, unknown at
    preview, that of the stack's roles the input was computed from; a kube2iam role named without an ARN is in
    the node's account."""
    if isinstance(value, Unknown):
        owners = [account_of(d) for d in stack.dependencies(release, prop) if d.type == ROLE]
        return [o if o is not None else "an untraceable account" for o in owners if o != STACK_ACCOUNT] or (
            [] if owners else ["an untraceable account"]
        )
    if not isinstance(value, str) or not value:
        return []
    arn = parse_arn(value)
    if arn is not None and arn.account:
        return [arn.account]
    return ["an untraceable account"] if arn_only else []


def _namespace(resource: Resource) -> Any:
    namespace = value_at(resource.props, "metadata.namespace")
    return "default" if namespace is None else namespace


def _pods_of(
    stack: Stack, resource: Resource, namespace: Any, account: Any, providers: set[str | None] | None
) -> list[Resource]:
    """The workloads whose pods run as a service account (`namespace`/`account`; unknown matches any)."""
    found = []
    for workload in stack.of_type(*POD_SPECS):
        if providers is not None and workload.provider_urn not in providers:
            continue
        spec = value_at(workload.props, POD_SPECS[workload.type])
        name = child(spec, "serviceAccountName")
        name = child(spec, "serviceAccount") if name is None else name
        name = "default" if name is None else name
        ours = _namespace(workload)
        if all(
            isinstance(a, Unknown) or isinstance(b, Unknown) or a == b
            for a, b in ((namespace, ours), (account, name))
        ):
            found.append(workload)
    for release in reading_chart_releases(stack):
        # A chart names its ServiceAccounts itself: any of its namespace may be its pods'.
        if providers is not None and release.provider_urn not in providers:
            continue
        ours = release_namespace(release)
        if isinstance(namespace, Unknown) or isinstance(ours, Unknown) or namespace == ours:
            found.append(release)
    return found


def _credential_subjects(stack: Stack, resource: Resource) -> tuple[str, list[Resource]]:
    """How a credential source is named in a message, and the workloads whose pods get its credentials."""
    chart = reviewed_chart(resource)
    if chart is not None:
        return (
            f"the values of the {chart.name} chart ({chart.role}) give its pods credentials (an IRSA or "
            "kube2iam role annotation) of",
            [resource],
        )
    if resource.type == SERVICE_ACCOUNT:
        name = value_at(resource.props, "metadata.name")
        namespace = _namespace(resource)
        return (
            f"the ServiceAccount's {IRSA_ANNOTATION} annotation (IRSA) gives the pods of {namespace}/{name} "
            "credentials of",
            _pods_of(stack, resource, namespace, name, {resource.provider_urn}),
        )
    clusters = clusters_of(resource, stack)
    providers: set[str | None] | None = None
    if clusters:
        providers = {
            p.urn
            for p in stack.resources
            if p.type == "pulumi:providers:kubernetes"
            and any(c in stack.dependencies(p, "kubeconfig") for c in clusters)
        }
    namespace = value_at(resource.props, "namespace")
    account = value_at(resource.props, "serviceAccount")
    return (
        f"the Pod Identity association gives the pods of {namespace}/{account} credentials (roleArn, "
        "targetRoleArn) of",
        _pods_of(stack, resource, namespace, account, providers),
    )


def credential_violations(stack: Stack, settings: Settings, lineage: Lineage, rule: str) -> list[Violation]:
    """Workloads that read resident data and act in another account through their credentials: their
    service account's (Pod Identity, IRSA) or those their own configuration gives the AWS SDKs."""
    found: list[Violation] = []
    for resource in (*stack.of_type(POD_IDENTITY, SERVICE_ACCOUNT), *reading_chart_releases(stack)):
        foreign = _foreign(credential_accounts(resource, stack), settings)
        if foreign:
            how, workloads = _credential_subjects(stack, resource)
            found.extend(credential_violation(resource, how, foreign, workloads, lineage, settings, rule))
    for resource, how, workloads, accounts in operator_credentials(stack):
        foreign = _foreign(accounts, settings)
        if foreign:
            found.extend(credential_violation(resource, how, foreign, workloads, lineage, settings, rule))
    for workload, own in workloads_with_own_credentials(lineage, settings):
        foreign = _foreign([account for account, _ in own], settings)
        if foreign:
            ways = "; ".join(dict.fromkeys(how for account, how in own if account in foreign))
            how = f"{ways} gives its pods AWS credentials (read before any service account's role) of"
            found.extend(credential_violation(workload, how, foreign, [workload], lineage, settings, rule))
    return found


_DEFINED_ROLE = re.compile(re.escape(IRSA_ANNOTATION) + r"[\"']?\s*:\s*[\"']?([^\s\"',}]+)")


def operator_credentials(stack: Stack) -> list[tuple[Resource, str, list[Resource], list[str]]]:
    """The IRSA roles operators give the pods of their custom resources through the ServiceAccounts they
    make (`operators.OPERATOR_SERVICE_ACCOUNTS`, `OPERATOR_SERVICE_ACCOUNT_DEFINITIONS`): each object that
    names one, how in words, the objects whose pods run as it, and the role's accounts."""
    found: list[tuple[Resource, str, list[Resource], list[str]]] = []
    for resource in stack.resources:
        if not resource.type.startswith("kubernetes:"):
            continue
        key = mechanism_key(resource.type)
        for path in OPERATOR_SERVICE_ACCOUNTS.get(key, ()):
            annotations = value_at(resource.props, path)
            value = annotations if isinstance(annotations, Unknown) else child(annotations, IRSA_ANNOTATION)
            accounts = _role_value_accounts(resource, value, stack, True, path.split(".", 1)[0])
            if accounts:
                how = (
                    f"its {path} {IRSA_ANNOTATION} annotation (IRSA, on the ServiceAccount the operator "
                    "makes for its pods) gives them credentials of"
                )
                found.append((resource, how, [resource], accounts))
        if key in OPERATOR_SERVICE_ACCOUNT_DEFINITIONS:
            path, kind = OPERATOR_SERVICE_ACCOUNT_DEFINITIONS[key]
            text = value_at(resource.props, path)
            if isinstance(text, Unknown):
                accounts = _role_value_accounts(resource, text, stack, True, path.split(".", 1)[0])
            elif isinstance(text, str):
                accounts = [
                    a
                    for arn in _DEFINED_ROLE.findall(text)
                    for a in _role_value_accounts(resource, arn, stack, True)
                ]
            else:
                continue
            runs = [r for r in same_cluster(stack, resource, (kind,))]
            if accounts and runs:
                how = f"its {path} gives the ServiceAccount of every {kind} its operator runs an IRSA role of"
                found.append((resource, how, runs, accounts))
    return found


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None
