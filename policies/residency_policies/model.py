"""The small resource model the rules reason on, built from what pulumi-policy hands a policy."""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from pulumi_policy import PolicyResource, ResourceValidationArgs
from pulumi_policy.proxy import _DictProxy, _ListProxy

from residency_facts import Category, placement
from residency_facts.mechanisms import ENDPOINT_HOSTS, MESH_HOST_ALIASES
from residency_facts.operators import OPERATOR_SERVICES
from residency_facts.user_data import USER_DATA

from .patches import apply_patches, patched_type
from .release_values import HELM_RELEASE, release_props
from .user_data import MEMO as USER_DATA_MEMO
from .user_data import readable_props
from .values import as_number, child, known_strings, top_level, value_at, values_at

IDENTITY_PROPERTIES: tuple[str, ...] = (
    "id",
    "arn",
    "name",
    "identifier",
    "bucket",
    "domainName",
    "keyId",
    "address",
    "endpoint",
    "dnsName",
    "resourceId",
    "clusterResourceId",
    "streamArn",
    "latestStreamArn",
    "bucketDomainName",
    "bucketRegionalDomainName",
    "websiteEndpoint",
    "primaryEndpointAddress",
    "readerEndpointAddress",
    "configurationEndpointAddress",
    "readerEndpoint",
    "collectionEndpoint",
    "dashboardEndpoint",
    "url",
    "dbSnapshotArn",
    "dbSnapshotIdentifier",
    "dbClusterSnapshotArn",
    "dbClusterSnapshotIdentifier",
    "snapshotArn",
    "clusterNamespaceArn",
    "bootstrapBrokers",
    "bootstrapBrokersTls",
    "bootstrapBrokersSaslIam",
    "metadata.name",
)
"""Outputs (and inputs) that name the resource itself, never another resource: a copy may refer to it by any
of them instead of by lineage. Each type's own `<class>Id`, `<class>Arn`, `<class>Identifier` and
`<class>Name` count too (`clusterIdentifier` of a cluster, `replicationGroupId` of a replication group)."""

S3_BUCKET_TYPES = frozenset({"aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"})
"""General purpose buckets, which S3's global endpoint serves by virtual-hosted name."""

_OWN_SUFFIXES = ("Id", "Arn", "Identifier", "Name")
_IDENTITY_KEYS = frozenset(p for p in IDENTITY_PROPERTIES if "." not in p)
_TOKEN_SPLIT = re.compile(r"[\s/@?&=,;\"'()\[\]{}<>|\\]+")
_ARN_IN_TEXT = re.compile(r"arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:[0-9]*:[^\s\"',;)\]}]+")
_ENDPOINT_HOSTS = tuple((re.compile(pattern), frozenset(types)) for pattern, types in ENDPOINT_HOSTS)
_MIN_TOKEN = 6
_HOST_LIKE = re.compile(r"^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)+\.?$")
"""An identity or name that is a host name (DNS compares those in any case, absolute or not)."""
"""Shorter names ("db", "data") would match too much when looked for inside other values."""


@dataclass(eq=False)
class Resource:
    """One resource as the engine registered it, with its provider's inputs and its lineage."""

    type: str
    name: str
    urn: str
    props: Mapping[str, Any]
    provider_type: str | None = None
    provider_urn: str | None = None
    provider_props: Mapping[str, Any] = field(default_factory=dict)
    protect: bool = False
    parent_urn: str | None = None
    property_dependencies: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Top-level input name -> URNs of the resources its value was computed from."""
    memo: dict[str, Any] = field(default_factory=dict, repr=False)
    """What the attribute functions computed for this resource (its tags, classification, region)."""
    declared_type: str = ""
    """The type the engine registered it as; `type` is the patched object's for a Kubernetes Patch
    (`patches`), which every rule judges as that object."""

    def __post_init__(self) -> None:
        if not self.declared_type:
            self.declared_type = self.type
            self.type = patched_type(self.type, self.props) or self.type
        if self.type in USER_DATA:
            # An instance's boot script is read decoded, by what its commands do (`user_data`).
            self.props, self.memo[USER_DATA_MEMO] = readable_props(self.type, self.props)
        elif self.type == HELM_RELEASE:
            # A release's values files given as text are read as its values (`release_values`).
            self.props, self.property_dependencies = release_props(self.props, self.property_dependencies)

    def values_at(self, path: str) -> list[Any]:
        """`values.values_at` of the resource's properties, read once per path: lineage reads the same
        paths of the same resources for each rule's settings and each step that traces them (every value
        of a workload, `**`, five times a lineage)."""
        key = f"values at {path}"
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = tuple(values_at(self.props, path))
        return list(found)

    @property
    def label(self) -> str:
        """How violation messages name the resource."""
        return f"{self.declared_type} '{self.name}'"

    @cached_property
    def categories(self) -> frozenset[Category] | None:
        """What the triage table says the type does with data; None when the type is untriaged."""
        found = placement(self.type)
        return found.categories if found is not None else None

    def is_a(self, category: Category) -> bool:
        """Whether the triage places the type in a category."""
        return self.categories is not None and category in self.categories

    @cached_property
    def is_component(self) -> bool:
        """A component (a grouping of other resources): no provider and not a provider or the stack itself."""
        package = self.type.split(":")[0]
        return (
            self.provider_type is None
            # A dynamic resource's provider may not be sent (it is the SDK's own): it is still a resource.
            and package not in ("aws", "kubernetes", "pulumi", "random", "tls", "command")
            and package not in ("pulumi-python", "pulumi-nodejs")
            and not self.type.startswith("pulumi:")
        )

    @cached_property
    def identities(self) -> frozenset[str]:
        """Every known value that names this resource (its id, ARN, names, endpoints)."""
        found: set[str] = set()
        own = self.type.split(":")[-1]
        own = own[:1].lower() + own[1:]
        wanted = _IDENTITY_KEYS | {own + suffix for suffix in _OWN_SUFFIXES}
        props = self.props
        for key in props if isinstance(props, Mapping) else ():
            if key not in wanted:
                continue
            for value in known_strings(values_at(props, key)):
                found.add(value)
                if key in ("endpoint", "readerEndpoint") and ":" in value and "://" not in value:
                    found.add(value.rsplit(":", 1)[0])
        if self.type in S3_BUCKET_TYPES:
            # S3's global virtual-hosted name of the bucket (the provider's bucketDomainName output), known
            # as soon as the bucket's name is: code may name the bucket by it.
            found.update(f"{bucket}.s3.amazonaws.com" for bucket in known_strings(values_at(props, "bucket")))
        if self.type.startswith("kubernetes:"):
            metadata = child(props, "metadata")
            name, namespace = child(metadata, "name"), child(metadata, "namespace")
            if isinstance(name, str):
                found.add(name)
            if isinstance(name, str) and isinstance(namespace, str):
                found.update({f"{namespace}/{name}", f"{name}.{namespace}", f"{name}.{namespace}.svc"})
                found.add(f"{name}.{namespace}.svc.cluster.local")
            if self.type.endswith(":StatefulSet") and isinstance(name, str):
                found.update(_stateful_claim_names(props, name, namespace))
            group, kind = self.type.split(":")[1].split("/")[0], self.type.split(":")[-1]
            if isinstance(name, str) and isinstance(namespace, str):
                # The Services an operator creates for a database cluster are names of the cluster.
                for suffix in OPERATOR_SERVICES.get(f"{group}:{kind}", ()):
                    service = f"{name}{suffix}"
                    found.update({service, f"{service}.{namespace}", f"{service}.{namespace}.svc"})
                    found.add(f"{service}.{namespace}.svc.cluster.local")
            aliases = _mesh_host_path(self.type)
            if aliases is not None:
                found.update(h.lower() for h in known_strings(values_at(props, aliases)))
        return frozenset(found)


def _mesh_host_path(token: str) -> str | None:
    """Where a Kubernetes kind names the mesh hosts it gives (`MESH_HOST_ALIASES`), by group and kind."""
    parts = token.split(":")
    if len(parts) != 3:
        return None
    return MESH_HOST_ALIASES.get(f"{parts[1].split('/')[0]}:{parts[2]}")


STATEFUL_ORDINALS_WHEN_UNKNOWN = 100
"""How many of a StatefulSet's pods' claims are named when its replica count is unknown or unset."""
STATEFUL_ORDINALS_AT_MOST = 1000
"""How many are named at most (a replica count is not bounded by the API)."""


def _stateful_claim_names(props: Any, name: str, namespace: Any) -> set[str]:
    """The claims a StatefulSet's controller creates, `<template>-<statefulset>-<ordinal>`: a snapshot or a
    clone names one of those, never the StatefulSet itself."""
    replicas = as_number(value_at(props, "spec.replicas"))
    count = (
        min(int(replicas), STATEFUL_ORDINALS_AT_MOST)
        if isinstance(replicas, float) and replicas >= 1
        else STATEFUL_ORDINALS_WHEN_UNKNOWN
    )
    start = as_number(value_at(props, "spec.ordinals.start"))
    first = int(start) if isinstance(start, float) and start >= 0 else 0
    found: set[str] = set()
    for template in values_at(props, "spec.volumeClaimTemplates"):
        claim = child(child(template, "metadata"), "name")
        if not isinstance(claim, str):
            continue
        for ordinal in range(first, first + count):
            found.add(f"{claim}-{name}-{ordinal}")
            if isinstance(namespace, str):
                found.add(f"{namespace}/{claim}-{name}-{ordinal}")
    return found


def from_resource_args(args: ResourceValidationArgs) -> Resource:
    """The model of the resource a resource policy is validating."""
    return _model(args, parent_urn=args.opts.parent, property_dependencies={})


def from_policy_resource(resource: PolicyResource) -> Resource:
    """The model of one resource of the stack a stack policy is validating."""
    return _model(
        resource,
        parent_urn=resource.parent.urn if resource.parent else resource.opts.parent,
        property_dependencies={
            prop: tuple(dependency.urn for dependency in dependencies)
            for prop, dependencies in resource.property_dependencies.items()
        },
    )


def plain(value: Any) -> Any:
    """pulumi-policy's unknown-checking proxies turned back into the plain values they wrap.

    The rules read unknowns as the engine's sentinels themselves (`values`), so the proxies only slow every
    read down; the plain values can also be compared, which lets the policies of one request share a model.
    """
    kind = type(value)
    if kind is _DictProxy:
        return {key: plain(inner) for key, inner in value["__target"].items()}
    if kind is _ListProxy:
        return [plain(inner) for inner in value["__target"]]
    if kind is dict:
        return {key: plain(inner) for key, inner in value.items()}
    if kind is list:
        return [plain(inner) for inner in value]
    return value


def _model(
    source: ResourceValidationArgs | PolicyResource,
    parent_urn: str | None,
    property_dependencies: Mapping[str, tuple[str, ...]],
) -> Resource:
    provider = source.provider
    return Resource(
        type=source.resource_type,
        name=source.name,
        urn=source.urn,
        props=plain(source.props),
        provider_type=provider.resource_type if provider else None,
        provider_urn=provider.urn if provider else None,
        provider_props=plain(provider.props) if provider else {},
        protect=bool(source.opts.protect),
        parent_urn=parent_urn,
        property_dependencies=property_dependencies,
    )


def arns_in(text: str) -> list[str]:
    """The ARNs a text value holds (itself, or inside a policy, a connection string, a command)."""
    return _ARN_IN_TEXT.findall(text)


@functools.lru_cache(maxsize=1024)
def tokens(text: str) -> frozenset[str]:
    """The parts of a text value besides its ARNs that may name a resource: the text, its words and hosts.

    An ARN is never split: its last segment is a name only in its own region and account (see `arn_match`).
    Split once per text in a process: the same code and configuration texts come back in every stack.
    """
    found = {text} if not text.startswith("arn:") else set()
    rest = _ARN_IN_TEXT.sub(" ", text)
    for word in _TOKEN_SPLIT.split(rest):
        found.add(word)
        if ":" in word:
            # host:port, and the scheme-less host of `postgres://host:5432` or `s3://bucket`
            found.update(part for part in word.split(":") if part)
    return frozenset(t for t in found if len(t) >= _MIN_TOKEN)


@dataclass(frozen=True)
class Arn:
    """The parts of an Amazon Resource Name."""

    partition: str
    service: str
    region: str
    account: str
    resource: str

    @property
    def resource_name(self) -> str:
        """The last segment of the resource part: the name or id of the resource."""
        return re.split(r"[:/]", self.resource)[-1]

    @property
    def names(self) -> tuple[str, ...]:
        """Every name the resource part may give the resource: its last segment, what follows its resource
        type when the name itself holds separators (`log-group:/aws/rds/instance/pii-db/postgresql:*` names
        the group `/aws/rds/instance/pii-db/postgresql`), and an S3 object's bucket."""
        found = [self.resource_name]
        resource = self.resource.removesuffix("*").rstrip(":/")
        if self.service == "s3":
            found.append(resource.split("/")[0])
        elif self.service == "elasticloadbalancing":
            found.extend(_balancer_names(resource))
        else:
            match = re.match(r"^[a-zA-Z-]+[:/](.+)$", resource)
            if match:
                found.append(match.group(1))
        if self.service == "ssm" and resource.startswith("parameter/"):
            # `parameter/acme/eu/url` names the parameter `/acme/eu/url` (a path's leading slash is dropped).
            found.append(resource.removeprefix("parameter"))
        elif self.service == "secretsmanager" and resource.startswith("secret:"):
            # `secret:acme/db-AbCdEf` names the secret `acme/db`: AWS appends six characters of its own.
            name = resource.split(":")[1]
            found.extend([name, re.sub(r"-[A-Za-z0-9]{6}$", "", name)])
        return tuple(n for n in dict.fromkeys(found) if n)


_BALANCER_NAMED = re.compile(
    r"^(?:loadbalancer|listener|listener-rule)/(?:app|net|gwy)/([^/]+)/|^targetgroup/([^/]+)/"
)


def _balancer_names(resource: str) -> list[str]:
    """The name an Elastic Load Balancing ARN's resource part carries before AWS's id: the balancer's
    (`loadbalancer/net/<name>/<id>`, and its listeners' and rules'), or the target group's
    (`targetgroup/<name>/<id>`)."""
    match = _BALANCER_NAMED.match(resource)
    return [name for name in match.groups() if name] if match else []


def parse_arn(text: Any) -> Arn | None:
    """The parts of an ARN, or None when the text is not one."""
    if not isinstance(text, str) or not text.startswith("arn:"):
        return None
    parts = text.split(":", 5)
    if len(parts) < 6:
        return None
    return Arn(partition=parts[1], service=parts[2], region=parts[3], account=parts[4], resource=parts[5])


ARN_SERVICES: dict[str, tuple[str, ...]] = {
    "kinesis": ("kinesis", "firehose"),
    "opensearch": ("es", "aoss"),
    "elasticsearch": ("es",),
    "msk": ("kafka",),
    "cloudwatch": ("logs", "events"),
    "elasticache": ("elasticache",),
    "efs": ("elasticfilesystem",),
    "ebs": ("ec2",),
    "sfn": ("states",),
    "mq": ("mq",),
    "lambda": ("lambda",),
    "ecr": ("ecr",),
    "glue": ("glue",),
    "redshiftserverless": ("redshift-serverless",),
    "opensearchingest": ("osis",),
    "s3tables": ("s3tables",),
    "cognito": ("cognito-idp",),
    "docdb": ("rds",),
    "neptune": ("rds",),
    "dsql": ("dsql",),
    "memorydb": ("memorydb",),
    "dax": ("dax",),
    "keyspaces": ("cassandra",),
    "timestreamwrite": ("timestream",),
    "lb": ("elasticloadbalancing",),
    "alb": ("elasticloadbalancing",),
    "elb": ("elasticloadbalancing",),
}
"""The ARN service of a pulumi-aws module where it differs from the module name."""


def arn_services(token: str) -> tuple[str, ...]:
    """The ARN services a resource type's ARNs may carry."""
    module = token.split(":")[1].split("/")[0] if token.count(":") == 2 else ""
    return ARN_SERVICES.get(module, (module,))


KUBERNETES_PROVIDER = "pulumi:providers:kubernetes"
EKS_CLUSTER = "aws:eks/cluster:Cluster"


_SERVER = re.compile(r"""["']?\bserver["']?\s*:\s*["']?(https?://[^\s"',}]+)""")
_CLUSTER_NAME = re.compile(r"""--cluster-(?:name|id)["']?\s*[,=\s]\s*["']?([A-Za-z0-9][A-Za-z0-9_-]*)""")


def _cluster_keys(
    provider: Resource, clusters: Mapping[str, Resource], named: Mapping[str, list[str]]
) -> set[Any]:
    """What identifies the cluster a Kubernetes provider reaches: the EKS clusters its kubeconfig is computed
    from (and their endpoints, when known), the API server its kubeconfig text names, and the stack's EKS
    cluster whose token its exec plugin gets (`aws eks get-token --cluster-name NAME`)."""
    keys: set[Any] = set()
    for urn in provider.property_dependencies.get("kubeconfig", ()):
        if urn in clusters:
            keys.add(("cluster", urn))
            endpoint = child(clusters[urn].props, "endpoint")
            if isinstance(endpoint, str) and endpoint.startswith("https://"):
                keys.add(("server", endpoint.lower().rstrip("/")))
    kubeconfig = child(provider.props, "kubeconfig")
    if not isinstance(kubeconfig, str) or not kubeconfig:
        return keys
    servers = {m.lower().rstrip("/") for m in _SERVER.findall(kubeconfig)}
    names = set(_CLUSTER_NAME.findall(kubeconfig))
    # A kubeconfig of several clusters reaches the one its context picks, which is not read: no identity.
    if len(servers) == 1:
        keys.add(("server", next(iter(servers))))
    if len(names) == 1 and len(matches := named.get(next(iter(names)), [])) == 1:
        keys.add(("cluster", matches[0]))
    if not keys:
        keys.add(("text", kubeconfig))
    return keys


def one_provider_per_cluster(resources: list[Resource]) -> None:
    """Give every Kubernetes object the one provider URN of its cluster.

    The rules take the objects of one provider for one cluster's (an IngressGroup, the pods a Service
    selects, the Secrets a pod mounts). A program may declare several providers of one cluster (one per team
    or namespace): built from the same EKS cluster's kubeconfig (its property dependencies), from kubeconfig
    texts that name the same API server (each team's text with its own user and role, YAML or JSON), or
    whose exec plugin gets its token for the stack's EKS cluster of one name, they reach the same API server,
    so their objects are judged together under the first provider's URN; each object keeps its own
    provider's inputs. A kubeconfig unknown at preview, built from nothing the stack declares, is a cluster
    of its own.
    """
    clusters = {r.urn: r for r in resources if r.type == EKS_CLUSTER}
    named: dict[str, list[str]] = defaultdict(list)
    for cluster_urn, cluster in clusters.items():
        if isinstance(name := child(cluster.props, "name"), str):
            named[name].append(cluster_urn)
    owner: dict[Any, str] = {}
    canonical: dict[str, str] = {}
    for provider in sorted((r for r in resources if r.type == KUBERNETES_PROVIDER), key=lambda r: r.urn):
        keys = _cluster_keys(provider, clusters, named)
        if not keys:
            continue
        # The first provider that shares any key with this one's group (providers come in URN order).
        found = sorted({canonical[owner[k]] for k in keys if k in owner})
        group = found[0] if found else provider.urn
        for other in found[1:]:
            for member, first in canonical.items():
                if first == other:
                    canonical[member] = group
        canonical[provider.urn] = group
        for key in keys:
            owner.setdefault(key, provider.urn)
    if len(set(canonical.values())) == len(canonical):
        return
    for resource in resources:
        urn = resource.provider_urn
        if urn is not None and canonical.get(urn, urn) != urn and resource.type.startswith("kubernetes:"):
            resource.provider_urn = canonical[urn]


class Stack:
    """Every resource of a stack, indexed for lineage: by URN, dependency, parent and identity."""

    def __init__(self, resources: Iterable[Resource]) -> None:
        self.resources: list[Resource] = list(resources)
        apply_patches(self.resources)
        one_provider_per_cluster(self.resources)
        self.memo: dict[Any, Any] = {}
        """What the rules computed for the whole stack (its lineage under one settings)."""
        self._by_urn = {r.urn: r for r in self.resources}
        self._dependents: dict[str, list[tuple[Resource, str]]] = defaultdict(list)
        self._children: dict[str, list[Resource]] = defaultdict(list)
        self._by_identity: dict[str, list[Resource]] | None = None
        self._by_host: dict[str, list[Resource]] = {}
        self._mentions: dict[str, tuple[list[str], list[Resource], list[tuple[str, Resource]]]] = {}
        self._by_type: dict[str, list[Resource]] = defaultdict(list)
        for resource in self.resources:
            self._by_type[resource.type].append(resource)
            for prop, urns in resource.property_dependencies.items():
                for urn in urns:
                    self._dependents[urn].append((resource, prop))
            if resource.parent_urn:
                self._children[resource.parent_urn].append(resource)

    def fingerprint(self) -> str:
        """A digest of everything the rules read: equal digests, equal stacks (for sharing the analysis)."""
        described = [
            (
                r.urn,
                r.type,
                r.props,
                r.provider_urn,
                r.provider_props,
                r.parent_urn,
                r.protect,
                r.property_dependencies,
            )
            for r in self.resources
        ]
        text = json.dumps(described, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()

    def get(self, urn: str | None) -> Resource | None:
        """The resource with this URN, if it is in the stack."""
        return self._by_urn.get(urn) if urn else None

    def dependencies(self, resource: Resource, prop: str) -> list[Resource]:
        """The resources the top-level input of a path was computed from (every input's for `**`)."""
        first = top_level(prop)
        if first is None:
            # `**.bucketArn` shares the dependencies of the inputs it reaches into; `**` those of every input.
            rest = prop.split(".", 1)[1] if "." in prop else ""
            urns: Iterable[str] = dict.fromkeys(
                urn
                for name, found in resource.property_dependencies.items()
                if name not in ("tags", "tagsAll")
                and (not rest or values_at(child(resource.props, name), prop))
                for urn in found
            )
        else:
            urns = resource.property_dependencies.get(first, ())
        return [r for r in (self._by_urn.get(urn) for urn in urns) if r is not None]

    def dependents(self, resource: Resource, props: Iterable[str] | None = None) -> list[Resource]:
        """The resources with an input computed from this one (only those inputs, when props are given)."""
        wanted = set(props) if props is not None else None
        seen: dict[str, Resource] = {}
        for dependent, prop in self._dependents.get(resource.urn, []):
            if wanted is None or prop in wanted:
                seen.setdefault(dependent.urn, dependent)
        return list(seen.values())

    def children(self, resource: Resource) -> list[Resource]:
        """The resources parented to this one (a component's children)."""
        return list(self._children.get(resource.urn, []))

    def descendants(self, resource: Resource) -> list[Resource]:
        """A component's children, their children, and so on."""
        found: list[Resource] = []
        pending = self.children(resource)
        while pending:
            member = pending.pop()
            found.append(member)
            pending.extend(self.children(member))
        return found

    def named(self, name: str) -> list[Resource]:
        """The resources one of whose identities (id, ARN, name, endpoint, ...) is exactly this; a host name
        as DNS compares it, in any case and with or without the trailing dot of an absolute name
        (`pii.abc.eu-west-1.rds.amazonaws.com.`, reviewer blind-k8s16 v13)."""
        if self._by_identity is None:
            # Built on first use: most previews never name a resource instead of referencing it.
            self._by_identity = defaultdict(list)
            self._by_host = defaultdict(list)
            for resource in self.resources:
                for identity in resource.identities:
                    self._by_identity[identity].append(resource)
                    if _HOST_LIKE.match(identity):
                        self._by_host[identity.lower().rstrip(".")].append(resource)
        found = list(self._by_identity.get(name, []))
        if "." in name and _HOST_LIKE.match(name):
            found.extend(r for r in self._by_host.get(name.lower().rstrip("."), []) if r not in found)
        return found

    def arn_match(
        self,
        arn_text: str,
        region_of: Any = None,
        accounts: frozenset[str] | None = None,
        excluding: Resource | None = None,
    ) -> list[Resource]:
        """The stack's resources an ARN names: by the whole ARN, else by its name in its service, region and
        account.

        A vault with the same name in another region is another vault: the name only counts when the
        resource is of the ARN's service and, when `region_of` can tell, in the ARN's region. With
        `accounts` (the deployment's), a vault with the same name in another account is another vault too.
        The resource whose input holds the ARN (`excluding`) is never what it names, even when that input
        counts among its identities (an SNS subscription's `endpoint` is the queue's ARN).
        """
        exact = [r for r in self.named(arn_text) if r is not excluding]
        if exact:
            return exact
        arn = parse_arn(arn_text)
        if arn is None:
            return []
        found = []
        candidates = {r.urn: r for name in arn.names for r in self.named(name)}
        for resource in candidates.values():
            if resource is excluding or arn.service not in arn_services(resource.type):
                continue
            if arn.region and region_of is not None:
                region = region_of(resource)
                if isinstance(region, str) and region != arn.region:
                    continue
            if arn.account and accounts is not None and not _in_account(resource, arn.account, accounts):
                continue
            found.append(resource)
        return found

    def mentioned_in(
        self,
        text: str,
        region_of: Any = None,
        accounts: frozenset[str] | None = None,
        excluding: Resource | None = None,
    ) -> list[Resource]:
        """The resources a text value names: exactly, as an ARN inside it, or as a host or word inside it
        (never `excluding`, the resource whose input holds the text).

        What a text's words and hosts name does not depend on regions or accounts: it is worked out once per
        text and stack (lineage asks for the same value several times while it traces it); only its ARNs
        are matched again, against `region_of` and `accounts`.
        """
        parsed = self._mentions.get(text)
        if parsed is None:
            by_token: dict[str, Resource] = {}
            by_host: list[tuple[str, Resource]] = []
            for token in tokens(text):
                for resource in self.named(token):
                    by_token.setdefault(resource.urn, resource)
                by_host.extend(self._host_match(token))
            parsed = self._mentions[text] = (arns_in(text), list(by_token.values()), by_host)
        arns, named, hosts = parsed
        found: dict[str, Resource] = {}
        for arn in arns:
            for resource in self.arn_match(arn, region_of, accounts, excluding):
                found.setdefault(resource.urn, resource)
        for resource in named:
            if resource is not excluding:
                found.setdefault(resource.urn, resource)
        for region, resource in hosts:
            # The same identifier in another region is another holder (region_of cannot tell: it may be).
            own = region_of(resource) if region_of is not None else None
            if resource is not excluding and (not isinstance(own, str) or own == region):
                found.setdefault(resource.urn, resource)
        return list(found.values())

    def _host_match(self, token: str) -> list[tuple[str, Resource]]:
        """The stack's holders an endpoint host AWS generates names (`ENDPOINT_HOSTS`), with the host's
        region: by the identifier in the host, among the types that pattern serves."""
        token = token.lower().rstrip(".")
        if not token.endswith(".amazonaws.com"):
            return []
        found: list[tuple[str, Resource]] = []
        for pattern, types in _ENDPOINT_HOSTS:
            match = pattern.fullmatch(token)
            if match is None:
                continue
            for resource in self.named(match.group("name")):
                if resource.type in types:
                    found.append((match.group("region"), resource))
        return found

    def of_type(self, *types: str) -> list[Resource]:
        """The resources of these types."""
        return [r for t in dict.fromkeys(types) for r in self._by_type.get(t, [])]

    def refers_to(self, referrer: Resource, prop: str, target: Resource) -> bool:
        """Whether an input of referrer names target: by lineage, or by one of its identities.

        Lineage also counts when the input was computed from the target's component or from a resource
        whose outputs carry the target's identity (a rule built from `db.vpc_security_group_ids[0]`).
        """
        dependencies = self.dependencies(referrer, prop)
        if target in dependencies:
            return True
        for dependency in dependencies:
            if dependency.is_component and target in self.descendants(dependency):
                return True
        from .attributes import effective_region

        def region_of(resource: Resource) -> Any:
            return effective_region(resource, self)

        values = known_strings(values_at(referrer.props, prop))
        return any(target in self.mentioned_in(value, region_of, excluding=referrer) for value in values)


def _in_account(resource: Resource, account: str, accounts: frozenset[str]) -> bool:
    """Whether a resource may be in an account an ARN names: its provider's account, or for a provider that
    names none one of the deployment's accounts (any, when the config lists none)."""
    from .attributes import STACK_ACCOUNT, account_of

    owner = account_of(resource)
    if owner == STACK_ACCOUNT:
        return not accounts or account in accounts
    return owner is None or owner == account
