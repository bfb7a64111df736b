"""What the rules need to know about any resource: its effective tags, classification and region."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlparse

from residency_facts import CLASSIFICATION_TAG, GLOBAL_TYPE_PREFIXES, JURISDICTION_TAG
from residency_facts.mechanisms import DECLARED_IN_ACCOUNT
from residency_facts.region_codes import ELASTICACHE_REGION_CODES

from .kubeconfigs import Kubeconfig, read_kubeconfig
from .model import Resource, Stack, parse_arn
from .values import UNKNOWN, Unknown, as_list, as_mapping, child, is_set, values_at

AWS_PROVIDER = "pulumi:providers:aws"
KUBERNETES_PROVIDER = "pulumi:providers:kubernetes"
EKS_CLUSTER = "aws:eks/cluster:Cluster"
STATEFUL_SET = "kubernetes:apps/v1:StatefulSet"

DATA_REGION_INPUTS: dict[str, str] = {
    "aws:rds/snapshotCopy:SnapshotCopy": "destinationRegion",
    "aws:rds/clusterSnapshotCopy:ClusterSnapshotCopy": "destinationRegion",
}
"""Types whose data lands in a region named by an input, not where the resource is managed from."""

REGION_PATTERN = re.compile(r"\b([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d)(?:[a-z]\b|\b)")
"""An AWS region name (eu-west-1, ap-south-2, us-gov-west-1), or the region of an availability zone name
(ap-south-1a), inside a hostname or a command line."""
REGION_HINT = re.compile(r"-[a-z]+-\d")
"""What every match of REGION_PATTERN holds (`-west-1`): a long text without it (the telemetry SQL) names no
region, found far quicker than by the pattern, which tries every position of the text."""
_LONG_TEXT = 256
"""Texts at least this long are tested for REGION_HINT before REGION_PATTERN scans them."""

CACHE_HOST_CODE = re.compile(
    r"\.([a-z]{3,5}\d)\.cache\.amazonaws\.com(?![a-z0-9.-]*[a-z0-9-])", re.IGNORECASE
)
"""An ElastiCache host's short region code (`master.cdc.x1y2z3.use1.cache.amazonaws.com`):
`residency_facts/region_codes.py`."""
CACHE_HOST_HINT = ".cache.amazonaws.com"
"""What every match of CACHE_HOST_CODE holds."""


def cache_regions(text: str) -> list[str]:
    """The regions the ElastiCache hosts of a text name by their short code, in order (a code the table does
    not know names none)."""
    if CACHE_HOST_HINT not in text.lower():
        return []
    found = (ELASTICACHE_REGION_CODES.get(code.lower()) for code in CACHE_HOST_CODE.findall(text))
    return [region for region in found if region is not None]


ZONE_PATTERN = re.compile(r"^([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d)[a-z]$")
"""An availability zone name: its region followed by a letter."""

STACK_ACCOUNT = "this stack's account"
"""The account of a resource whose provider names none: the account the deployment's credentials are in."""


def is_aws(resource: Resource) -> bool:
    """Whether the resource is managed by the AWS provider."""
    return resource.type.startswith("aws:")


def is_kubernetes(resource: Resource) -> bool:
    """Whether the resource is a Kubernetes object."""
    return resource.type.startswith("kubernetes:")


def is_global(resource: Resource) -> bool:
    """Whether the resource belongs to a global AWS service, outside every region rule."""
    return resource.type.startswith(GLOBAL_TYPE_PREFIXES)


def is_component(resource: Resource) -> bool:
    """Whether the resource is a component (a grouping of other resources, holding nothing itself)."""
    package = resource.type.split(":")[0]
    return package not in ("aws", "kubernetes", "pulumi", "random", "tls", "command")


def _tag_map(value: Any) -> dict[str, Any] | Unknown | None:
    """A tag map with unknown values kept as UNKNOWN."""
    mapping = as_mapping(value)
    if mapping is None or isinstance(mapping, Unknown):
        return mapping
    return {str(key): child(mapping, key) for key in mapping}


def effective_tags(resource: Resource) -> dict[str, Any] | Unknown:
    """Provider default tags overlaid with the resource's own tags (and `tagsAll` when the engine has it)."""
    if "tags" not in resource.memo:
        resource.memo["tags"] = _effective_tags(resource)
    found: dict[str, Any] | Unknown = resource.memo["tags"]
    return found


def _effective_tags(resource: Resource) -> dict[str, Any] | Unknown:
    tags: dict[str, Any] = {}
    if resource.provider_type == AWS_PROVIDER:
        default_tags = as_mapping(child(resource.provider_props, "defaultTags"))
        defaults = (
            _tag_map(child(default_tags, "tags")) if isinstance(default_tags, Mapping) else default_tags
        )
        if isinstance(defaults, Unknown):
            return UNKNOWN
        tags.update(defaults or {})
    for prop in ("tagsAll", "tags"):
        own = _tag_map(child(resource.props, prop))
        if isinstance(own, Unknown):
            # tagsAll is computed by the provider and often unknown at preview; tags alone still decide.
            if prop == "tags":
                return UNKNOWN
            continue
        tags.update(own or {})
    return tags


def _labels(metadata: Any) -> Mapping[str, Any] | Unknown | None:
    return _tag_map(child(metadata, "labels"))


POD_VOLUME_PATHS = (
    "spec.volumes",
    "spec.template.spec.volumes",
    "spec.jobTemplate.spec.template.spec.volumes",
    "template.spec.volumes",
    "spec.jobTargetRef.template.spec.volumes",
)
"""Where a Pod, a workload controller, a CronJob, a PodTemplate and a KEDA ScaledJob list their pods'
volumes."""


def ephemeral_claim_templates(resource: Resource) -> list[tuple[str, Any]]:
    """The generic ephemeral volumes of a Kubernetes object's pods: (volume name, claim template).

    Kubernetes creates a real claim from each template for every pod (`volumes[].ephemeral`), on the
    template's StorageClass: data at rest, deleted with the pod.
    """
    if not is_kubernetes(resource):
        return []
    found = []
    for path in POD_VOLUME_PATHS:
        for volume in values_at(resource.props, path):
            template = child(child(volume, "ephemeral"), "volumeClaimTemplate")
            if template is not None:
                found.append((str(child(volume, "name")), template))
    return found


def classifications(resource: Resource) -> frozenset[str] | Unknown:
    """Every data-classification the resource declares: one tag, or a label per Kubernetes volume template.

    Empty when it declares none; UNKNOWN when the tags or labels are not known at preview.
    """
    if "classifications" not in resource.memo:
        resource.memo["classifications"] = _classifications(resource)
    found: frozenset[str] | Unknown = resource.memo["classifications"]
    return found


def _classifications(resource: Resource) -> frozenset[str] | Unknown:
    found: set[str] = set()
    if is_kubernetes(resource):
        label_sets = [_labels(child(resource.props, "metadata"))]
        if resource.type.endswith(":StatefulSet"):
            for template in values_at(resource.props, "spec.volumeClaimTemplates"):
                label_sets.append(_labels(child(template, "metadata")))
        for _, template in ephemeral_claim_templates(resource):
            label_sets.append(_labels(child(template, "metadata")))
        for labels in label_sets:
            if isinstance(labels, Unknown):
                return UNKNOWN
            value = (labels or {}).get(CLASSIFICATION_TAG)
            if isinstance(value, Unknown):
                return UNKNOWN
            if value is not None:
                found.add(str(value))
        return frozenset(found)
    for volume_tags in _volume_tag_maps(resource):
        if isinstance(volume_tags, Unknown):
            return UNKNOWN
        value = (volume_tags or {}).get(CLASSIFICATION_TAG)
        if isinstance(value, Unknown):
            return UNKNOWN
        if value is not None:
            found.add(str(value))
    if found:
        return frozenset(found)
    tags = effective_tags(resource)
    if isinstance(tags, Unknown):
        return UNKNOWN
    value = tags.get(CLASSIFICATION_TAG)
    if isinstance(value, Unknown):
        return UNKNOWN
    return frozenset({str(value)}) if value is not None else frozenset()


def _volume_tag_maps(resource: Resource) -> list[Any]:
    """The tags a resource that launches instances puts on their volumes (launch templates, instances)."""
    if resource.type == "aws:ec2/launchTemplate:LaunchTemplate":
        return [
            _tag_map(child(spec, "tags"))
            for spec in values_at(resource.props, "tagSpecifications")
            if child(spec, "resourceType") in ("volume", UNKNOWN)
        ]
    if resource.type in ("aws:ec2/instance:Instance", "aws:ec2/spotInstanceRequest:SpotInstanceRequest"):
        return [_tag_map(child(resource.props, "volumeTags"))]
    return []


def jurisdiction_tag(resource: Resource) -> str | Unknown | None:
    """The jurisdiction tag (AWS) or label (Kubernetes) the resource carries."""
    if is_kubernetes(resource):
        labels = _labels(child(resource.props, "metadata"))
        if isinstance(labels, Unknown):
            return UNKNOWN
        value = (labels or {}).get(JURISDICTION_TAG)
    else:
        tags = effective_tags(resource)
        if isinstance(tags, Unknown):
            return UNKNOWN
        value = tags.get(JURISDICTION_TAG)
    return value if value is None or isinstance(value, Unknown) else str(value)


def region_of_zone_or_region(text: str) -> str:
    """A region name, or the region of an availability zone name (ap-south-1a -> ap-south-1)."""
    match = ZONE_PATTERN.match(text)
    return match.group(1) if match else text


def region_named_in(text: Any) -> str | None:
    """The region an ARN, endpoint hostname or URL names, if any."""
    arn = parse_arn(text)
    if arn is not None:
        return arn.region or None
    if isinstance(text, str):
        cached = cache_regions(text)
        if len(text) >= _LONG_TEXT and not REGION_HINT.search(text):
            return cached[0] if cached else None
        match = REGION_PATTERN.search(text)
        if match:
            return match.group(1)
        if cached:
            return cached[0]
    return None


CREDENTIAL_INPUTS = (
    "profile",
    "sharedConfigFiles",
    "sharedCredentialsFiles",
    "accessKey",
    "secretKey",
    "token",
)
"""Provider inputs that give it credentials of its own instead of the deployment's: whose account they are
in, nothing in the program says."""

DEFAULT_METADATA_ENDPOINTS = ("http://169.254.169.254", "http://[fd00:ec2::254]")
"""The EC2 instance metadata service's own addresses: credentials from there are the machine's, as the
deployment's ambient credentials are; any other metadata endpoint hands out someone else's."""


def _given(value: Any) -> bool:
    """Whether a provider input is set: a list input counts only when it lists something (`[]` as JSON)."""
    listed = as_list(value) if isinstance(value, str) and value.startswith("[") else None
    return bool(listed) if listed is not None else is_set(value)


def account_of(resource: Resource, stack: Stack | None = None) -> str | None:
    """The account a resource is deployed to, by its provider; STACK_ACCOUNT when the provider deploys with
    the deployment's own credentials and names no account; None when the account cannot be traced.

    A Kubernetes object is kept in the account of the EKS cluster its provider's kubeconfig was built from
    (`kubernetes_cluster_account`), as it is in that cluster's region.

    Every account-bearing input of the AWS provider counts: the last role of `assumeRoles` (the chain starts
    from whatever credentials the provider has, a web identity included), else the role
    `assumeRoleWithWebIdentity` assumes, else the only account `allowedAccountIds` allows. Without those, a
    provider with credentials of its own (a profile, shared config or credentials files, keys, another
    metadata endpoint) or that only forbids accounts (`forbiddenAccountIds` says where it is not, never
    where it is) is in an account that cannot be traced.
    """
    # Cached as the region is (lineage asks for the account of every location it builds).
    key = "account" if stack is not None else "account-alone"
    if key not in resource.memo:
        resource.memo[key] = _account_of(resource, stack)
    found: str | None = resource.memo[key]
    return found


def _account_of(resource: Resource, stack: Stack | None) -> str | None:
    path = DECLARED_IN_ACCOUNT.get(resource.type)
    if path is not None and resource.provider_type == AWS_PROVIDER:
        named = _named_account(resource, stack, path)
        if named is not False:
            return named if isinstance(named, str) else None
    if resource.provider_type == KUBERNETES_PROVIDER:
        return kubernetes_cluster_account(resource, stack)
    if resource.provider_type != AWS_PROVIDER:
        return STACK_ACCOUNT
    props = resource.provider_props
    roles = as_list(child(props, "assumeRoles"))
    single = as_mapping(child(props, "assumeRole"))
    if isinstance(roles, Unknown) or isinstance(single, Unknown):
        return None
    chain = [*(roles or []), *([single] if isinstance(single, Mapping) else [])]
    web_identity = as_mapping(child(props, "assumeRoleWithWebIdentity"))
    if isinstance(web_identity, Unknown):
        return None
    if not chain and isinstance(web_identity, Mapping):
        chain = [web_identity]
    if chain:
        # A dict (the SDK's TypedDict form) reaches the provider as JSON with its Python key, `role_arn`;
        # only the Args class is sent as `roleArn`.
        role = child(chain[-1], "roleArn") or child(chain[-1], "role_arn")
        arn = parse_arn(role)
        return arn.account if arn is not None and arn.account else None
    allowed = as_list(child(props, "allowedAccountIds"))
    if isinstance(allowed, Unknown):
        return None
    accounts = [str(a) for a in allowed or [] if isinstance(a, str | int)]
    if len(accounts) == 1:
        return accounts[0]
    if accounts:
        return None
    metadata = child(props, "ec2MetadataServiceEndpoint")
    own_credentials = any(_given(child(props, key)) for key in CREDENTIAL_INPUTS) or (
        is_set(metadata) and str(metadata).rstrip("/") not in DEFAULT_METADATA_ENDPOINTS
    )
    forbidden = as_list(child(props, "forbiddenAccountIds"))
    if own_credentials or isinstance(forbidden, Unknown) or forbidden:
        return None
    return STACK_ACCOUNT


def _named_account(resource: Resource, stack: Stack | None, path: str) -> str | bool | None:
    """The account an input places a resource in (`DECLARED_IN_ACCOUNT`): a literal, or the account of the
    resources it was computed from (a table's `catalogId` from its database's); False when unset (the
    provider's account applies)."""
    value = child(resource.props, path)
    if value is None or value == "":
        return False
    if isinstance(value, str | int) and not isinstance(value, bool):
        return str(value)
    sources = stack.dependencies(resource, path) if stack is not None else []
    accounts = {account_of(source, stack) for source in sources}
    return accounts.pop() if len(accounts) == 1 else None


_EKS_CLUSTER_ACCOUNT = re.compile(r"arn:aws[a-z-]*:eks:[a-z0-9-]*:([0-9]{12}):cluster/")
"""The account of an EKS cluster's ARN, as a kubeconfig names its cluster and context."""


def kubernetes_cluster_account(resource: Resource, stack: Stack | None) -> str | None:
    """The account of the EKS cluster a Kubernetes object is deployed to, through its provider.

    Followed as its region is: by lineage to the clusters the kubeconfig was built from (their AWS provider's
    account; clusters of different accounts: untraceable), else by the text's entry the provider picks
    (`kubeconfigs`): the account of the EKS cluster ARN naming it and of the role its exec plugin gets a token
    as (two accounts: untraceable); with neither, a user with credentials of its own (a profile, keys, a
    token) cannot be traced, one whose token comes from the deployment's credentials is in its account. A
    file path is untraceable; a kubeconfig unknown at a first preview with no lineage, or none (in-cluster),
    leaves the deployment's own account, whose credentials the provider then uses.
    """
    if stack is not None:
        accounts = {account_of(cluster, stack) for cluster in kubeconfig_clusters(resource, stack)}
        if len(accounts) == 1:
            return accounts.pop()
        if accounts:
            return None
    picked = picked_kubeconfig(resource)
    if not isinstance(picked, Kubeconfig):
        return STACK_ACCOUNT
    if not picked.readable or picked.missing:
        return None
    named = {account for text in picked.texts for account in _EKS_CLUSTER_ACCOUNT.findall(text)}
    for role in picked.roles:
        arn = parse_arn(role)
        if arn is None or not arn.account:
            return None
        named.add(arn.account)
    if len(named) == 1:
        return named.pop()
    return None if named or picked.own_credentials else STACK_ACCOUNT


def kubeconfig_clusters(resource: Resource, stack: Stack) -> list[Resource]:
    """The EKS clusters a Kubernetes object's provider's kubeconfig was computed from (a component's)."""
    provider = stack.get(resource.provider_urn)
    found: list[Resource] = []
    for source in stack.dependencies(provider, "kubeconfig") if provider is not None else []:
        if source.type == EKS_CLUSTER:
            found.append(source)
        elif is_component(source):
            found.extend(c for c in stack.children(source) if c.type == EKS_CLUSTER)
    return found


def picked_kubeconfig(resource: Resource) -> Kubeconfig | Unknown | None:
    """The entry of its provider's literal kubeconfig text a Kubernetes object is deployed through; UNKNOWN
    when the text, or the `context` or `cluster` input that picks its entry, is unknown at preview; None
    without a text."""
    props = resource.provider_props
    text, context, cluster = (child(props, key) for key in ("kubeconfig", "context", "cluster"))
    if isinstance(text, Unknown) or isinstance(context, Unknown) or isinstance(cluster, Unknown):
        return UNKNOWN
    if not isinstance(text, str) or not text:
        return None
    return read_kubeconfig(text, str(context) if context else None, str(cluster) if cluster else None)


_EKS_HOST = (".eks.amazonaws.com", ".eks.amazonaws.com.cn")


def kubeconfig_region(picked: Kubeconfig) -> str | Unknown | None:
    """The region of the entry a kubeconfig text's provider reaches: its EKS API server's, else (a server of
    EKS that names none, or none given) the one region its names and exec arguments name; None for a file
    path, an entry the text lacks, or an API server that is no EKS endpoint (on premises, another cloud)."""
    if not picked.readable or picked.missing:
        return None
    if picked.server:
        host = (urlparse(picked.server).hostname or "").lower()
        if not host.endswith(_EKS_HOST):
            return None
        if match := REGION_PATTERN.search(host):
            return match.group(1)
    named = {region for text in picked.texts for region in REGION_PATTERN.findall(text)}
    if len(named) == 1:
        return named.pop()
    return UNKNOWN if named else None


def effective_region(resource: Resource, stack: Stack | None = None) -> str | Unknown | None:
    """Where the resource's data lives: its own `region` input, else its provider's region.

    Kubernetes objects live in the region of their cluster, found through the Kubernetes provider's
    kubeconfig: by lineage to the EKS cluster it was built from, else by the region its text names.
    None when there is no region to find (no provider, or not a regional resource).
    """
    key = "region" if stack is not None else "region-alone"
    if key not in resource.memo:
        resource.memo[key] = _effective_region(resource, stack)
    found: str | Unknown | None = resource.memo[key]
    return found


def _effective_region(resource: Resource, stack: Stack | None) -> str | Unknown | None:
    if is_aws(resource):
        landing = DATA_REGION_INPUTS.get(resource.type)
        own = child(resource.props, landing) if landing else None
        if own is None or own == "":
            own = child(resource.props, "region")
        if own is not None and own != "":
            return own if isinstance(own, Unknown) else region_of_zone_or_region(str(own))
        if resource.provider_type != AWS_PROVIDER:
            return None
        region = child(resource.provider_props, "region")
        if region is None or region == "":
            return None
        return region if isinstance(region, Unknown) else str(region)
    if is_kubernetes(resource):
        return kubernetes_cluster_region(resource, stack)
    return None


def kubernetes_cluster_region(resource: Resource, stack: Stack | None) -> str | Unknown | None:
    """The region of the EKS cluster a Kubernetes object is deployed to, through its provider."""
    if resource.provider_type != KUBERNETES_PROVIDER:
        return None
    if stack is not None:
        regions: set[str] = set()
        unknown = False
        for cluster in kubeconfig_clusters(resource, stack):
            region = effective_region(cluster, stack)
            if isinstance(region, str):
                regions.add(region)
            else:
                unknown = True
        if len(regions) == 1 and not unknown:
            region = regions.pop()
            # The kubeconfig built from the cluster may hold other clusters too, and `context` or `cluster`
            # may pick one of them: lineage says where the text came from, not which entry is used.
            text = child(resource.provider_props, "kubeconfig")
            named = set(REGION_PATTERN.findall(text)) if isinstance(text, str) else set()
            selects = any(is_set(child(resource.provider_props, key)) for key in ("context", "cluster"))
            picked = picked_kubeconfig(resource)
            elsewhere = isinstance(picked, Kubeconfig) and (
                picked.missing or (picked.server and kubeconfig_region(picked) != region)
            )
            if named - {region} or (selects and not isinstance(text, str)) or elsewhere:
                return UNKNOWN
            return region
        if regions or unknown:
            return UNKNOWN
    picked = picked_kubeconfig(resource)
    return kubeconfig_region(picked) if isinstance(picked, Kubeconfig) else picked
