"""The accounts a Kubernetes workload acts in through AWS credentials its own configuration gives the SDKs.

IRSA and EKS Pod Identity hand a pod its service account's role (`cluster_access`), but an AWS SDK reads
the process's environment and shared config files first (`residency_facts/credentials.py`): a container that
sets AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE itself (IRSA without the annotation, with a projected
token), static keys, another credential endpoint, or mounts a shared config file naming a `role_arn` acts in
the account they name. Decision (round 9): the variables are read from the containers' `env` (a literal, a
value computed from the stack's role or access key, or a key of the stack's ConfigMap or Secret through
`valueFrom`) and from the data of the ConfigMaps and Secrets the pods take variables or files from; a role
named by its ARN is in the ARN's account; static keys, a credential process, a credential endpoint that is
not the Pod Identity agent, and anything the pack cannot read are in an account that cannot be traced
(unless the stack's own `aws.iam.AccessKey` computes the keys: its user's account).
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Any

from residency_facts import Classification
from residency_facts.credentials import (
    CONTAINER_CREDENTIAL_VARIABLES,
    POD_IDENTITY_AGENT_HOSTS,
    ROLE_VARIABLE,
    SHARED_CONFIG_ROLE,
    SHARED_CONFIG_UNTRACEABLE,
    STATIC_KEY_VARIABLES,
)
from residency_facts.workloads import POD_SPEC_PATHS

from .attributes import STACK_ACCOUNT, account_of
from .environment import configuration_texts, referenced_value, value_reference
from .lineage_code import mounted_configuration
from .model import Resource, parse_arn
from .settings import Settings
from .values import Unknown, child, values_at
from .violations import Violation, violation

if TYPE_CHECKING:
    from .lineage import Lineage

UNTRACEABLE = "an untraceable account"
ROLE = "aws:iam/role:Role"
ACCESS_KEY = "aws:iam/accessKey:AccessKey"
_VARIABLES = (ROLE_VARIABLE, *STATIC_KEY_VARIABLES, *CONTAINER_CREDENTIAL_VARIABLES)
_ROLE_IN_CONFIG = re.compile(SHARED_CONFIG_ROLE)
_UNTRACEABLE_IN_CONFIG = re.compile(SHARED_CONFIG_UNTRACEABLE)


def workloads_with_own_credentials(
    lineage: Lineage, settings: Settings
) -> list[tuple[Resource, list[tuple[str, str]]]]:
    """The Kubernetes objects whose pods read resident data, with the accounts their own configuration gives
    their AWS SDKs credentials of (`own_credentials`); a workload that reads none is not read."""
    found = []
    for workload in lineage.stack.resources:
        if not workload.type.startswith("kubernetes:") or not containers_of(workload):
            continue
        read = lineage.code_reads(workload) | lineage.effective(workload)
        if not read & settings.resident_classifications:
            continue
        own = own_credentials(lineage, workload)
        if own:
            found.append((workload, own))
    return found


def containers_of(workload: Resource) -> list[Any]:
    """The containers and init containers of a Kubernetes object's pods, wherever its kind keeps their spec
    (`residency_facts.workloads.POD_SPEC_PATHS`)."""
    return [
        container
        for base in POD_SPEC_PATHS
        for field in ("containers", "initContainers")
        for container in values_at(workload.props, f"{base}.{field}[]")
    ]


def service_account_names(workload: Resource) -> list[Any]:
    """The service accounts a Kubernetes object's pods run as: `serviceAccountName` (or the deprecated
    `serviceAccount`) of each pod spec that holds containers, `default` when it names none."""
    found: list[Any] = []
    for base in POD_SPEC_PATHS:
        if not values_at(workload.props, f"{base}.containers[]"):
            continue
        names = values_at(workload.props, f"{base}.serviceAccountName") or values_at(
            workload.props, f"{base}.serviceAccount"
        )
        found.extend(names or ["default"])
    return found


def own_credentials(lineage: Lineage, workload: Resource) -> list[tuple[str, str]]:
    """The accounts (or `an untraceable account`) a workload's own configuration gives its AWS SDKs
    credentials of, each with how, for a message."""
    found: list[tuple[str, str]] = []
    configurations = mounted_configuration(lineage, workload)
    for container in containers_of(workload):
        for variable in _list(child(container, "env")):
            name = child(variable, "name")
            if name not in _VARIABLES:
                continue
            reference = value_reference(child(variable, "valueFrom"))
            if reference is not None:
                value, owner = referenced_value(configurations, *reference)
            else:
                value, owner = child(variable, "value"), workload
            found.extend(_accounts(lineage, str(name), value, owner))
    for config in configurations:
        for key, text in configuration_texts(config):
            if key in _VARIABLES:
                found.extend(_accounts(lineage, key, text, config))
            if isinstance(text, str):
                found.extend(_shared_config(config, key, text))
    return list(dict.fromkeys(found))


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _accounts(lineage: Lineage, variable: str, value: Any, owner: Resource | None) -> list[tuple[str, str]]:
    how = f"{variable} in its containers' environment"
    if owner is None or value is None:
        return [(UNTRACEABLE, f"{how}, from a ConfigMap or Secret the stack does not declare")]
    if variable == ROLE_VARIABLE:
        if isinstance(value, str):
            # A value computed from the stack's role is that role, whatever identity of it the text is.
            roles = [r for r in lineage.stack.arn_match(value) if r.type == ROLE]
            if roles:
                return _computed(lineage, owner, ROLE, how, roles)
            arn = parse_arn(value)
            return [(arn.account if arn is not None and arn.account else UNTRACEABLE, f"{how} ({value})")]
        return _computed(lineage, owner, ROLE, how)
    if variable in STATIC_KEY_VARIABLES:
        return _computed(lineage, owner, ACCESS_KEY, f"{how} (static keys)")
    if isinstance(value, str) and any(host in value for host in POD_IDENTITY_AGENT_HOSTS):
        # The Pod Identity agent: its association's role (`cluster_access`).
        return []
    return [(UNTRACEABLE, f"{how} (a credential endpoint that is not EKS Pod Identity's agent)")]


def _computed(
    lineage: Lineage, owner: Resource, kind: str, how: str, named: list[Resource] | None = None
) -> list[tuple[str, str]]:
    """The accounts of the stack's roles or access keys a value is computed from (or that it names)."""
    sources = named or [d for d in lineage.stack.dependencies(owner, "**") if d.type == kind]
    if not sources:
        return [(UNTRACEABLE, f"{how}, computed from no {kind} of the stack")]
    found = []
    for source in sources:
        account = account_of(source, lineage.stack)
        if account != STACK_ACCOUNT:
            found.append((account or UNTRACEABLE, f"{how} (computed from {source.label})"))
    return found


def _shared_config(config: Resource, key: str, text: str) -> list[tuple[str, str]]:
    """The accounts an AWS shared config or credentials file names (`role_arn`; static keys and credential
    processes cannot be traced)."""
    where = f"the AWS shared configuration {key} of {config.label} its pods read"
    return [(account, f"{where} ({what})") for account, what in _shared_config_accounts(text)]


@functools.lru_cache(maxsize=1024)
def _shared_config_accounts(text: str) -> tuple[tuple[str, str], ...]:
    """(account, setting) of each credential a shared config text names, once per text."""
    found = []
    for value in _ROLE_IN_CONFIG.findall(text):
        arn = parse_arn(value)
        found.append((arn.account if arn is not None and arn.account else UNTRACEABLE, value))
    found.extend((UNTRACEABLE, setting) for setting in _UNTRACEABLE_IN_CONFIG.findall(text))
    return tuple(found)


def credential_violation(
    resource: Resource,
    how: str,
    foreign: list[str],
    workloads: list[Resource],
    lineage: Lineage,
    settings: Settings,
    rule: str,
) -> list[Violation]:
    """The violation of credentials in another account given to workloads, when they read resident data."""
    read: dict[str, list[str]] = {}
    resident = settings.resident_classifications
    for workload in workloads:
        held = (lineage.code_reads(workload) | lineage.effective(workload)) & resident
        if rule == "no-pii-replication":
            held &= {Classification.PII.value}
        for kind in held:
            read.setdefault(kind, []).append(workload.label)
    if not read:
        return []
    kinds = ", ".join(sorted(read))
    readers = ", ".join(sorted({label for labels in read.values() for label in labels}))
    return [
        violation(
            resource,
            f"{how} {', '.join(foreign)}, and they read {kinds} data ({readers}): what they write with "
            "those credentials lands in that account",
            f"{kinds} data must stay in this deployment's accounts under {settings.law}; a workload that "
            "acts in another account copies what it reads there.",
            "give the service account a role of this deployment's accounts (no targetRoleArn or IRSA role "
            "elsewhere, no AWS_ROLE_ARN, static keys or shared config of another account in the pods' own "
            "configuration); hand a partner only anonymised data through a reviewed export.",
        )
    ]


POD_IDENTITY = "aws:eks/podIdentityAssociation:PodIdentityAssociation"
SERVICE_ACCOUNT = "kubernetes:core/v1:ServiceAccount"
IRSA_ANNOTATION = "eks.amazonaws.com/role-arn"


def workload_roles(lineage: Lineage, workload: Resource) -> list[Resource]:
    """The stack's IAM roles a Kubernetes workload's pods run as: those of the EKS Pod Identity associations
    and the IRSA annotations of the service accounts they run as (by lineage, or by the role's ARN)."""
    stack = lineage.stack
    namespace = child(child(workload.props, "metadata"), "namespace") or "default"
    accounts = service_account_names(workload)
    found: list[Resource] = []
    for association in stack.of_type(POD_IDENTITY):
        pair = (child(association.props, "namespace"), child(association.props, "serviceAccount"))
        if not _matches(pair, namespace, accounts):
            continue
        for path in ("roleArn", "targetRoleArn"):
            found.extend(_roles_named(lineage, association, path))
    for account in stack.of_type(SERVICE_ACCOUNT):
        metadata = child(account.props, "metadata")
        if account.provider_urn != workload.provider_urn:
            continue
        pair = (child(metadata, "namespace") or "default", child(metadata, "name"))
        if _matches(pair, namespace, accounts):
            found.extend(_roles_named(lineage, account, "metadata"))
    return list(dict.fromkeys(found))


def _matches(pair: tuple[Any, Any], namespace: Any, accounts: list[Any]) -> bool:
    """Whether a (namespace, service account) pair is the workload's (unknown at preview matches any)."""
    theirs, name = pair
    same_namespace = isinstance(theirs, Unknown) or isinstance(namespace, Unknown) or theirs == namespace
    return same_namespace and any(
        isinstance(name, Unknown) or isinstance(a, Unknown) or name == a for a in accounts
    )


def _roles_named(lineage: Lineage, owner: Resource, path: str) -> list[Resource]:
    """The stack's roles an input names: computed from them, or by their ARN (an IRSA annotation's)."""
    roles = [d for d in lineage.stack.dependencies(owner, path) if d.type == ROLE]
    values = [child(child(owner.props, "metadata"), "annotations")] if path == "metadata" else [owner.props]
    for value in values:
        text = child(value, IRSA_ANNOTATION if path == "metadata" else path)
        if isinstance(text, str):
            roles.extend(r for r in lineage.stack.arn_match(text) if r.type == ROLE)
    return roles
