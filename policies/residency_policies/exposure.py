"""Rule 6, pii-not-public: no PII store is reachable from the internet or from outside its own VPC.

A store holds PII when it says so or when lineage says it received PII. Its security groups are found by
lineage (or any identity, such as a known id) from its own inputs (`vpcSecurityGroupIds`,
`securityGroupIds`, `vpcOptions.securityGroupIds`, an EFS file system's mount targets); a store that names
none uses its VPC's default security group. Their ingress rules are the groups' inline `ingress` blocks
plus every `aws.ec2.SecurityGroupRule` and `aws.vpc.SecurityGroupIngressRule` attached to them, by the
group's identity or through the store's own outputs. What a rule admits is judged: a CIDR must lie inside
the CIDR blocks of the group's VPC (a peered VPC in the other region is outside it); a referenced group
must be this stack's and this account's, and not the group of an internet-facing load balancer; a prefix
list is judged by its entries. A load balancer reachable from outside (internet-facing, behind an open
endpoint service, or behind a public front door such as an accelerator, a VPC link or a CloudFront VPC
origin, or an internal one whose own security groups admit sources beyond the VPC) that targets the
store exposes it. Kubernetes Services, Ingresses, Gateway API routes and the load
balancer controller's accelerators are judged by what they forward to, hand-made endpoints included, and
PII workloads reached on their nodes' own addresses by whether those nodes are private. Public
switches (`publiclyAccessible`, MSK public access,
Lightsail, Redshift Serverless, OpenSearch without a VPC) and grants to everyone (a bucket policy, a key
policy, a function URL, ... as `grants` reads them) are violations too.

This module is the rule: the public switches, S3 buckets' public access, Transfer Family servers and
grants to everyone. What it composes judges the rest: `exposure_network` (security groups, their sources
and prefix lists), `exposure_fronts` (load balancers and the public front doors before them),
`exposure_store_fronts` (a store's proxies and managed VPC endpoints, under security groups of their own),
`exposure_services` (Kubernetes Services and their endpoints), `exposure_operators` (the Services operators
create from templates in their custom resources), `exposure_nodes` (host networking, host
ports, external IPs and node groups' remote access), `exposure_tunnels` (tunnel agents' routes),
`exposure_apis` (AppSync APIs and Verified Access endpoints anyone may pass), `exposure_code_fronts` (API
Gateway routes and methods, load balancers and CloudFront distributions anyone may call in front of
functions that read PII) and `exposure_ingress`
(Ingresses, IngressGroups, Gateway API routes and the controller's accelerators).
"""

from __future__ import annotations

from . import sdk_calls
from .classification import held, protected_stores
from .exposure_apis import appsync_exposure, verified_access_exposure
from .exposure_bindings import binding_exposure
from .exposure_charts import chart_exposure
from .exposure_cluster_api import anonymous_access
from .exposure_code_fronts import code_front_exposure
from .exposure_credentials import credential_exposure
from .exposure_fronts import PUBLIC_FRONTS, load_balancer_exposure
from .exposure_ingress import accelerator_exposure, ingress_exposure
from .exposure_multicluster import multicluster_exposure
from .exposure_network import (
    SECURITY_GROUP_INPUTS,
    default_groups,
    group_exposure,
    security_groups,
    unmatched_group_rules,
)
from .exposure_nodes import node_exposure
from .exposure_operators import operator_service_exposure
from .exposure_proxies import proxy_exposure
from .exposure_published import published_readers
from .exposure_restores import transform_exposure
from .exposure_services import INTERNAL_FIX, public_service, selectorless_services, service_forwarding
from .exposure_store_fronts import store_front_problems, untraced_front_exposure
from .exposure_tunnels import tunnel_exposure
from .grants import granted_classes, public_shares, role_targets
from .lineage import Lineage
from .lineage_principals import ROLE, role_reach
from .lineage_selections import backends
from .locations import Location, mechanism_key
from .model import Resource, Stack
from .settings import Settings
from .values import Unknown, as_bool, child, value_at, values_at
from .violations import Violation, exposure_violation

NAME = "pii-not-public"
DESCRIPTION = (
    "PII stores are not publicly accessible, and no security-group rule opens them to 0.0.0.0/0, ::/0 or any "
    "CIDR outside their own VPC (such as a peered VPC in another region)."
)

TRANSFER_SERVER = "aws:transfer/server:Server"
TRANSFER_HOMES = {
    "aws:transfer/user:User": ("homeDirectory", "homeDirectoryMappings[].target"),
    "aws:transfer/access:Access": ("homeDirectory", "homeDirectoryMappings[].target"),
}
"""Transfer Family users and accesses, and the paths naming the data (a bucket or file system) they serve."""
CLUSTER_INSTANCES = {
    "aws:rds/cluster:Cluster": "aws:rds/clusterInstance:ClusterInstance",
    "aws:docdb/cluster:Cluster": "aws:docdb/clusterInstance:ClusterInstance",
    "aws:neptune/cluster:Cluster": "aws:neptune/clusterInstance:ClusterInstance",
}
"""Clusters whose instances carry their own publiclyAccessible switch."""
S3_BUCKETS = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
ACCOUNT_PUBLIC_ACCESS_BLOCK = "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock"
BUCKET_ACLS = ("aws:s3/bucketAcl:BucketAcl", "aws:s3/bucketAclV2:BucketAclV2")
PUBLIC_ACLS = frozenset({"public-read", "public-read-write", "authenticated-read"})
PUBLIC_ACCESS_FLAGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")

PUBLICLY_ACCESSIBLE = (
    "aws:rds/instance:Instance",
    "aws:rds/cluster:Cluster",
    "aws:redshift/cluster:Cluster",
    "aws:dms/replicationInstance:ReplicationInstance",
    "aws:lightsail/database:Database",
    "aws:mq/broker:Broker",
    "aws:timestreaminfluxdb/dbInstance:DbInstance",
    "aws:timestreaminfluxdb/dbCluster:DbCluster",
)
"""Types with a `publiclyAccessible` switch that gives them an internet-resolvable, public endpoint."""

OUTSIDE_VPC_SWITCHES: dict[str, tuple[str, str, str]] = {
    "aws:rds/cluster:Cluster": (
        "enableHttpEndpoint",
        "its RDS Data API (enableHttpEndpoint) runs SQL sent over a public HTTPS endpoint, from outside its "
        "VPC, by any principal that can read its secret",
        "set enableHttpEndpoint to false and reach the database from this region's VPC.",
    ),
}
"""(path, what it opens, how to fix): switches that answer the store's data outside its VPC when true."""

SEARCH_DOMAINS = ("aws:opensearch/domain:Domain", "aws:elasticsearch/domain:Domain")


def check(stack: Stack, settings: Settings) -> list[Violation]:
    """Violations of pii-not-public in a stack."""
    found: list[Violation] = []
    lineage = Lineage.of(stack, settings)
    protected_by_urn = {}
    for resource, protected in protected_stores(stack, settings, lineage):
        protected_by_urn[resource.urn] = protected
        kinds = held(lineage, resource, protected)
        for problem, fix in problems(resource, stack, settings.account_ids):
            found.append(exposure_violation(resource, kinds, problem, fix, settings))
    for service in stack.resources:
        if mechanism_key(service.type) != "core:Service":
            continue
        why = public_service(service, stack, settings.account_ids)
        if why is None:
            continue
        for backend in backends(lineage, service):
            protected = lineage.effective(backend) & settings.protected_classifications
            if protected:
                found.append(
                    exposure_violation(
                        service,
                        held(lineage, backend, protected),
                        f"{service.label} publishes {backend.label}: {why}",
                        "make the Service ClusterIP without externalIPs or exposing annotations, or make it "
                        f"{INTERNAL_FIX} and admit only this region's networks.",
                        settings,
                    )
                )
    found.extend(node_exposure(stack, lineage, settings))
    found.extend(anonymous_access(stack, lineage, settings))
    found.extend(credential_exposure(stack, lineage, settings))
    found.extend(published_readers(stack, lineage, settings))
    found.extend(transform_exposure(stack, lineage, settings))
    found.extend(tunnel_exposure(stack, lineage, protected_by_urn, settings))
    found.extend(proxy_exposure(stack, lineage, protected_by_urn, settings))
    found.extend(multicluster_exposure(stack, lineage, protected_by_urn, settings))
    found.extend(chart_exposure(stack, lineage, protected_by_urn, settings))
    found.extend(appsync_exposure(stack, lineage, settings))
    found.extend(code_front_exposure(stack, lineage, settings))
    found.extend(verified_access_exposure(stack, lineage, protected_by_urn, settings))
    found.extend(selectorless_services(stack, protected_by_urn, settings))
    found.extend(service_forwarding(stack, lineage, protected_by_urn, settings))
    found.extend(ingress_exposure(stack, lineage, protected_by_urn, settings))
    found.extend(accelerator_exposure(stack, lineage, protected_by_urn, settings))
    found.extend(binding_exposure(stack, lineage, protected_by_urn, settings))
    found.extend(operator_service_exposure(stack, lineage, settings))
    found.extend(unmatched_group_rules(stack, settings, protected_by_urn))
    found.extend(untraced_front_exposure(stack, lineage, settings))
    found.extend(_transfer_exposure(stack, lineage, settings))
    found.extend(sdk_calls.public_api_violations(stack, settings))
    for share in public_shares(stack, lineage, settings):
        protected = granted_classes(lineage, share) & settings.protected_classifications
        if protected:
            target = share.target.resource
            kinds = held(lineage, target, protected) if target is not None else ", ".join(sorted(protected))
            found.append(
                exposure_violation(
                    share.resource,
                    kinds,
                    f"{share.grant} opens {share.target.description}"
                    f"{lineage.code_read(share.target, protected)} to {share.principal}",
                    "grant access only to named principals of this deployment's accounts (no `*` without a "
                    "condition on aws:PrincipalAccount, aws:SourceAccount or aws:SourceVpce), and turn "
                    "public switches off.",
                    settings,
                )
            )
    return found


def problems(store: Resource, stack: Stack, accounts: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    """What exposes a data store beyond its own VPC, each with how to fix it."""
    found: list[tuple[str, str]] = []
    public = as_bool(child(store.props, "publiclyAccessible"))
    if store.type in PUBLICLY_ACCESSIBLE and (public is True or isinstance(public, Unknown)):
        state = (
            "publicly accessible" if public is True else "possibly publicly accessible (unknown at preview)"
        )
        found.append((f"it is {state}", "set publiclyAccessible to false."))
    if store.type in OUTSIDE_VPC_SWITCHES:
        path, opens, fix = OUTSIDE_VPC_SWITCHES[store.type]
        switch = as_bool(child(store.props, path))
        if switch is True or isinstance(switch, Unknown):
            unknown = " (possibly: unknown at preview)" if isinstance(switch, Unknown) else ""
            found.append((f"{opens}{unknown}", fix))
    if store.type in CLUSTER_INSTANCES:
        for instance in stack.of_type(CLUSTER_INSTANCES[store.type]):
            public_instance = as_bool(child(instance.props, "publiclyAccessible")) not in (False, None)
            if public_instance and stack.refers_to(instance, "clusterIdentifier", store):
                found.append((f"its instance {instance.label} is publicly accessible", "set it to false."))
    if store.type in SEARCH_DOMAINS and not values_at(store.props, "vpcOptions.subnetIds"):
        found.append(
            ("its endpoint is public (no vpcOptions)", "place the domain in the VPC's isolated subnets.")
        )
    if store.type in S3_BUCKETS:
        found.extend(_bucket_exposure(store, stack))
    if store.type == "aws:msk/cluster:Cluster":
        public_access = value_at(store.props, "brokerNodeGroupInfo.connectivityInfo.publicAccess.type")
        if public_access not in (None, "", "DISABLED"):
            found.append(
                (f"its brokers have public access ({public_access})", "set publicAccess.type to DISABLED.")
            )
    groups = security_groups(store, stack)
    if not groups and store.type in SECURITY_GROUP_INPUTS:
        groups = default_groups(store, stack)
    for group in groups:
        if isinstance(group, str):
            found.append(
                (
                    f"its security group {group} is not declared in this stack, so its rules cannot be seen",
                    "declare the security group in the stack that owns the store.",
                )
            )
            continue
        found.extend(group_exposure(group, store, stack, accounts))
    found.extend(store_front_problems(store, stack, accounts))
    found.extend(load_balancer_exposure(store, stack, accounts))
    for front_type, (paths, what) in PUBLIC_FRONTS.items():
        for front in stack.of_type(front_type):
            if any(stack.refers_to(front, path, store) for path in paths):
                found.append(
                    (
                        f"{front.label} is {what}",
                        "remove the public front door, or point it at an application that serves no "
                        "personal data, never at the store.",
                    )
                )
    return found


def _transfer_exposure(stack: Stack, lineage: Lineage, settings: Settings) -> list[Violation]:
    """A Transfer Family user or access whose home directory is PII, on a server reachable from the internet.

    The server's endpoint decides who can connect (PUBLIC, or VPC with public addresses); the user's home
    directory decides what they read. A server the stack cannot identify cannot be shown to be private.
    """
    found = []
    for user in stack.of_type(*TRANSFER_HOMES):
        servers = [d for d in stack.dependencies(user, "serverId") if d.type == TRANSFER_SERVER]
        server_id = child(user.props, "serverId")
        if not servers and isinstance(server_id, str):
            servers = [r for r in stack.named(server_id) if r.type == TRANSFER_SERVER]
        if servers:
            reasons = [r for r in (_public_transfer_endpoint(server) for server in servers) if r]
        else:
            reasons = [
                f"its server {server_id!r} is not declared in this stack, so its endpoint cannot be seen"
            ]
        if not reasons:
            continue
        region = lineage.own_region(user)
        served = [
            (target, "as its home directory")
            for path in TRANSFER_HOMES[user.type]
            for target in lineage.trace(user, path, True, region)
        ]
        # A PATH user may change to any directory its role may read, and a LOGICAL user's mappings sit on
        # the same role: what the role reaches is served, whatever the home directory.
        served.extend((target, "through its role") for target in role_reach(lineage, user, "role"))
        found.extend(_served(lineage, user, served, reasons[0], settings))
    found.extend(_custom_identities(stack, lineage, settings))
    return found


_CUSTOM_IDENTITY_PROVIDERS = ("AWS_LAMBDA", "API_GATEWAY")
"""Identity providers whose users a function or an API returns at login, with a role of its choosing."""
_TRANSFER_FIX = (
    "give the server a VPC endpoint without public addresses (endpointType VPC, no addressAllocationIds) "
    "reached only from this region's networks, or let its users' roles (declared in this stack) reach only "
    "data that is not personal."
)


def _served(
    lineage: Lineage,
    user: Resource,
    served: list[tuple[Location, str]],
    reason: str,
    settings: Settings,
) -> list[Violation]:
    """The violations of a Transfer Family user or server that serves what it reaches from a public endpoint;
    a role the stack cannot read fails closed in a stack that holds protected data."""
    found = []
    unseen = []
    judged: set[str] = set()
    for target, how in served:
        which = target.resource.urn if target.resource is not None else target.description
        if which in judged:
            continue
        judged.add(which)
        protected = lineage.classes(target) & settings.protected_classifications
        if not protected:
            if target.resource is None and not target.classifications and how != "as its home directory":
                unseen.append(target.description)
            continue
        kinds = held(lineage, target.resource, protected) if target.resource else ", ".join(protected)
        found.append(
            exposure_violation(
                user,
                kinds,
                f"{user.label} serves {target.description} {how} and {reason}",
                _TRANSFER_FIX,
                settings,
            )
        )
    if unseen and not found and lineage.holds_any(settings.protected_classifications):
        found.append(
            exposure_violation(
                user,
                "data the stack cannot trace",
                f"{user.label} serves what its role reaches, which cannot be seen ({'; '.join(unseen)}), "
                f"in a stack that holds {', '.join(sorted(settings.protected_classifications))} data, and "
                f"{reason}",
                _TRANSFER_FIX,
                settings,
            )
        )
    return found


def _custom_identities(stack: Stack, lineage: Lineage, settings: Settings) -> list[Violation]:
    """A public server whose users a Lambda function or an API returns: the users are not declared, and may
    be given any role Transfer Family may assume; those the stack declares are what they may reach."""
    found = []
    roles = [r for r in stack.of_type(ROLE) if _trusts_transfer(r)]
    for server in stack.of_type(TRANSFER_SERVER):
        provider = child(server.props, "identityProviderType")
        if not (isinstance(provider, Unknown) or provider in _CUSTOM_IDENTITY_PROVIDERS):
            continue
        reason = _public_transfer_endpoint(server)
        if reason is None:
            continue
        named = provider if isinstance(provider, str) else "unknown at preview"
        served = [
            (
                target,
                f"through the role {role.label}, which its users (identity provider {named}) may be given",
            )
            for role in roles
            for target in role_targets(lineage, role)
            if target.resource is not None
        ]
        found.extend(_served(lineage, server, served, reason, settings))
    return found


def _trusts_transfer(role: Resource) -> bool:
    """Whether Transfer Family may assume a role (a trust policy unknown at preview may let it)."""
    for value in values_at(role.props, "assumeRolePolicy"):
        if isinstance(value, Unknown):
            return True
        if isinstance(value, str) and "transfer.amazonaws.com" in value:
            return True
    return False


def _public_transfer_endpoint(server: Resource) -> str | None:
    """Why a Transfer Family server is reachable from the internet, or None when it is not."""
    kind = child(server.props, "endpointType")
    if isinstance(kind, Unknown):
        return f"the endpoint type of {server.label} is unknown at preview"
    if kind in (None, "PUBLIC"):
        return f"{server.label} has a public endpoint (endpointType {kind or 'PUBLIC, the default'})"
    addresses = values_at(server.props, "endpointDetails.addressAllocationIds")
    if addresses:
        return f"{server.label}'s VPC endpoint has public addresses (addressAllocationIds)"
    return None


def _bucket_exposure(bucket: Resource, stack: Stack) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    blocks = [b for b in stack.of_type(PUBLIC_ACCESS_BLOCK) if stack.refers_to(b, "bucket", bucket)]
    account_blocks = [
        b
        for b in stack.of_type(ACCOUNT_PUBLIC_ACCESS_BLOCK)
        if all(as_bool(child(b.props, flag)) is True for flag in PUBLIC_ACCESS_FLAGS)
    ]
    if account_blocks:
        # The account's block overrides every bucket's settings and ACLs: a bucket-level one adds nothing.
        return found
    if not blocks:
        found.append(
            (
                "it has no public access block",
                "add an aws.s3.BucketPublicAccessBlock with all four settings true.",
            )
        )
    for block in blocks:
        open_flags = [flag for flag in PUBLIC_ACCESS_FLAGS if as_bool(child(block.props, flag)) is not True]
        if open_flags:
            found.append((f"its {block.label} leaves {open_flags} off", "set all four settings to true."))
    acls = [value_at(bucket.props, "acl")]
    acls += [
        value_at(acl.props, "acl")
        for acl in stack.of_type(*BUCKET_ACLS)
        if stack.refers_to(acl, "bucket", bucket)
    ]
    for acl in acls:
        if acl in PUBLIC_ACLS:
            found.append(
                (f"it has the canned ACL {acl}", "use the private ACL (or none: bucket owner enforced).")
            )
    return found
