"""Rule 6, pii-not-public: no PII store is reachable from the internet or from outside its own VPC.

A store holds PII when it says so or when lineage says it received PII. Its security groups are found by
lineage (or any identity, such as a known id) from its own inputs (`vpcSecurityGroupIds`,
`securityGroupIds`, `vpcOptions.securityGroupIds`, an EFS file system's mount targets); a store that names
none uses its VPC's default security group. Their ingress rules are the groups' inline `ingress` blocks
plus every `aws.ec2.SecurityGroupRule` and `aws.vpc.SecurityGroupIngressRule` attached to them, by the
group's identity or through the store's own outputs. What a rule admits is judged: a CIDR must lie inside
the CIDR blocks of the group's VPC (a peered VPC in the other region is outside it); a referenced group
must be this stack's and this account's, and not the group of an internet-facing load balancer; a load
balancer that targets the store exposes it. Public switches (`publiclyAccessible`, MSK public access,
Lightsail, Redshift Serverless, OpenSearch without a VPC) and grants to everyone (a bucket policy, a key
policy, a function URL, ... as `grants` reads them) are violations too.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any

from . import sdk_calls
from .attributes import account_of, effective_region
from .classification import held, protected_stores
from .grants import ROLE, granted_classes, public_shares, role_targets
from .lineage import Lineage, Location, mechanism_key
from .model import Resource, Stack
from .settings import Settings
from .values import UNKNOWN, Unknown, as_bool, as_mapping, child, elements, known_strings, value_at, values_at
from .violations import Violation, violation

NAME = "pii-not-public"
DESCRIPTION = (
    "PII stores are not publicly accessible, and no security-group rule opens them to 0.0.0.0/0, ::/0 or any "
    "CIDR outside their own VPC (such as a peered VPC in another region)."
)

SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
DEFAULT_SECURITY_GROUP = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
GROUP_TYPES = (SECURITY_GROUP, DEFAULT_SECURITY_GROUP)
LOAD_BALANCERS = ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")
TARGET_GROUP_ATTACHMENTS = (
    "aws:lb/targetGroupAttachment:TargetGroupAttachment",
    "aws:alb/targetGroupAttachment:TargetGroupAttachment",
)
LISTENERS = ("aws:lb/listener:Listener", "aws:alb/listener:Listener")
ENDPOINT_SERVICE = "aws:ec2/vpcEndpointService:VpcEndpointService"
ENDPOINT_SERVICE_PRINCIPAL = "aws:ec2/vpcEndpointServiceAllowedPrinciple:VpcEndpointServiceAllowedPrinciple"
SUBNET = "aws:ec2/subnet:Subnet"
TRANSFER_SERVER = "aws:transfer/server:Server"
TRANSFER_HOMES = {
    "aws:transfer/user:User": ("homeDirectory", "homeDirectoryMappings[].target"),
    "aws:transfer/access:Access": ("homeDirectory", "homeDirectoryMappings[].target"),
}
"""Transfer Family users and accesses, and the paths naming the data (a bucket or file system) they serve."""
SECURITY_GROUP_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
VPC = "aws:ec2/vpc:Vpc"
VPC_CIDR_ASSOCIATION = "aws:ec2/vpcIpv4CidrBlockAssociation:VpcIpv4CidrBlockAssociation"
MOUNT_TARGET = "aws:efs/mountTarget:MountTarget"
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

SECURITY_GROUP_INPUTS: dict[str, tuple[str, ...]] = {
    "aws:rds/instance:Instance": ("vpcSecurityGroupIds",),
    "aws:rds/cluster:Cluster": ("vpcSecurityGroupIds",),
    "aws:docdb/cluster:Cluster": ("vpcSecurityGroupIds",),
    "aws:neptune/cluster:Cluster": ("vpcSecurityGroupIds",),
    "aws:redshift/cluster:Cluster": ("vpcSecurityGroupIds",),
    "aws:elasticache/replicationGroup:ReplicationGroup": ("securityGroupIds",),
    "aws:elasticache/cluster:Cluster": ("securityGroupIds",),
    "aws:elasticache/serverlessCache:ServerlessCache": ("securityGroupIds",),
    "aws:memorydb/cluster:Cluster": ("securityGroupIds",),
    "aws:opensearch/domain:Domain": ("vpcOptions.securityGroupIds",),
    "aws:elasticsearch/domain:Domain": ("vpcOptions.securityGroupIds",),
    "aws:msk/cluster:Cluster": ("brokerNodeGroupInfo.securityGroups",),
    "aws:dax/cluster:Cluster": ("securityGroupIds",),
    "aws:mq/broker:Broker": ("securityGroups",),
    "aws:ec2/instance:Instance": ("vpcSecurityGroupIds", "securityGroups"),
    "aws:ec2/spotInstanceRequest:SpotInstanceRequest": ("vpcSecurityGroupIds", "securityGroups"),
    "aws:ec2/launchTemplate:LaunchTemplate": ("vpcSecurityGroupIds", "networkInterfaces[].securityGroups"),
    "aws:fsx/lustreFileSystem:LustreFileSystem": ("securityGroupIds",),
    "aws:fsx/ontapFileSystem:OntapFileSystem": ("securityGroupIds",),
    "aws:fsx/openZfsFileSystem:OpenZfsFileSystem": ("securityGroupIds",),
    "aws:fsx/windowsFileSystem:WindowsFileSystem": ("securityGroupIds",),
    "aws:docdb/elasticCluster:ElasticCluster": ("vpcSecurityGroupIds",),
    "aws:timestreaminfluxdb/dbInstance:DbInstance": ("vpcSecurityGroupIds",),
    "aws:timestreaminfluxdb/dbCluster:DbCluster": ("vpcSecurityGroupIds",),
    "aws:dms/replicationInstance:ReplicationInstance": ("vpcSecurityGroupIds",),
}
"""Where each network-attached data store names its security groups, in wire names."""

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

_OPEN = (ipaddress.ip_network("0.0.0.0/0"), ipaddress.ip_network("::/0"))


def check(stack: Stack, settings: Settings) -> list[Violation]:
    """Violations of pii-not-public in a stack."""
    found: list[Violation] = []
    lineage = Lineage.of(stack, settings)
    protected_by_urn = {}
    for resource, protected in protected_stores(stack, settings, lineage):
        protected_by_urn[resource.urn] = protected
        kinds = held(lineage, resource, protected)
        for problem, fix in problems(resource, stack, settings.account_ids):
            found.append(_violation(resource, kinds, problem, fix, settings))
    for service in stack.resources:
        if mechanism_key(service.type) == "core:Service" and _public_service(service):
            for backend in lineage.backends(service):
                protected = lineage.effective(backend) & settings.protected_classifications
                if protected:
                    found.append(
                        _violation(
                            service,
                            held(lineage, backend, protected),
                            f"{service.label} publishes {backend.label} through an internet-facing load "
                            "balancer",
                            "make the Service ClusterIP, or annotate it "
                            "service.beta.kubernetes.io/aws-load-balancer-scheme: internal and admit only "
                            "this region's networks.",
                            settings,
                        )
                    )
    found.extend(_selectorless_services(stack, protected_by_urn, settings))
    found.extend(_ingress_exposure(stack, lineage, protected_by_urn, settings))
    found.extend(_unmatched_group_rules(stack, settings, protected_by_urn))
    found.extend(_transfer_exposure(stack, lineage, settings))
    found.extend(sdk_calls.public_api_violations(stack, settings))
    for share in public_shares(stack, lineage, settings):
        protected = granted_classes(lineage, share) & settings.protected_classifications
        if protected:
            target = share.target.resource
            kinds = held(lineage, target, protected) if target is not None else ", ".join(sorted(protected))
            found.append(
                _violation(
                    share.resource,
                    kinds,
                    f"{share.grant} opens {share.target.description} to {share.principal}",
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
    groups = _security_groups(store, stack)
    if not groups and store.type in SECURITY_GROUP_INPUTS:
        groups = _default_groups(store, stack)
    for group in groups:
        if isinstance(group, str):
            found.append(
                (
                    f"its security group {group} is not declared in this stack, so its rules cannot be seen",
                    "declare the security group in the stack that owns the store.",
                )
            )
            continue
        found.extend(_group_exposure(group, store, stack, accounts))
    found.extend(_load_balancer_exposure(store, stack, accounts))
    return found


INTERNAL_ANNOTATIONS = {
    "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
    "service.beta.kubernetes.io/aws-load-balancer-internal": "true",
}
"""Annotations that make the AWS load balancer of a Kubernetes Service internal."""


def _public_service(service: Resource) -> bool:
    """A Kubernetes Service published through a load balancer that is not internal (or a node port)."""
    kind = value_at(service.props, "spec.type")
    if kind == "NodePort":
        return True
    if kind != "LoadBalancer":
        return False
    annotations = child(child(service.props, "metadata"), "annotations")
    internal = (str(child(annotations, key)).lower() == value for key, value in INTERNAL_ANNOTATIONS.items())
    return not any(internal)


def _selectorless_services(
    stack: Stack, protected_by_urn: dict[str, frozenset[str]], settings: Settings
) -> list[Violation]:
    """Public Kubernetes Services with no selector (or one unknown at preview), in a stack that holds PII.

    Such a Service's endpoints are set by hand (Endpoints, EndpointSlice, or a controller the stack does not
    declare) and may be any address the nodes reach, the PII database's included (it admits the nodes), so
    what it publishes cannot be shown to be no PII store: it fails closed.
    """
    if not protected_by_urn:
        return []
    classes = ", ".join(sorted({c for found in protected_by_urn.values() for c in found}))
    stores = ", ".join(sorted(r.label for r in stack.resources if r.urn in protected_by_urn))
    found = []
    for service in stack.resources:
        if mechanism_key(service.type) != "core:Service" or not _public_service(service):
            continue
        selector = as_mapping(value_at(service.props, "spec.selector"))
        if isinstance(selector, Mapping) and selector:
            continue
        shown = "is unknown at preview" if isinstance(selector, Unknown) else "is empty or missing"
        found.append(
            _violation(
                service,
                f"{classes} data",
                f"{service.label} is published through an internet-facing load balancer or a node port and "
                f"its selector {shown}: its endpoints are set outside it (Endpoints, EndpointSlice) and may "
                f"be any address the nodes reach, in a stack that holds {stores}, so what it publishes "
                "cannot be seen",
                "give the Service a selector for pods this stack declares, or make it ClusterIP or internal "
                "(annotate service.beta.kubernetes.io/aws-load-balancer-scheme: internal).",
                settings,
            )
        )
    return found


INGRESS_KINDS = ("networking.k8s.io:Ingress", "extensions:Ingress")
ALB_CLASS = "alb"
ALB_CONTROLLER = "ingress.k8s.aws/alb"
ALB_SCHEME = "alb.ingress.kubernetes.io/scheme"
INGRESS_CLASS_ANNOTATION = "kubernetes.io/ingress.class"
INGRESS_CLASS_KINDS = ("networking.k8s.io:IngressClass",)
INGRESS_CLASS_PARAMS_KIND = "elbv2.k8s.aws:IngressClassParams"
INGRESS_BACKENDS = (
    "spec.defaultBackend.service.name",
    "spec.rules[].http.paths[].backend.service.name",
    "spec.backend.serviceName",
    "spec.rules[].http.paths[].backend.serviceName",
)
"""Where an Ingress (networking.k8s.io/v1, and the older v1beta1 forms) names the Services it routes to."""


ALB_GROUP = "alb.ingress.kubernetes.io/group.name"


def _ingress_scheme(ingress: Resource, stack: Stack) -> str | None:
    """Why an Ingress is (or may be) on the internet, or None when it is internal: its own scheme, or that
    of a sibling in its IngressGroup.

    The AWS Load Balancer Controller merges every Ingress of an IngressGroup (the `group.name` annotation,
    or the `spec.group.name` of their class's IngressClassParams) into one ALB: one member that asks for
    internet-facing makes the group's balancer public (or the group cannot be reconciled), so a member is
    judged on the group's most open scheme. A group name unknown at preview may be any group of the cluster.
    """
    own = _own_ingress_scheme(ingress, stack)
    group = _ingress_group(ingress, stack)
    if own is not None or group is None:
        return own
    for sibling in stack.of_type(*_kinds(stack, INGRESS_KINDS)):
        if sibling is ingress or sibling.provider_urn != ingress.provider_urn:
            continue
        theirs = _ingress_group(sibling, stack)
        if theirs is None or not (
            isinstance(group, Unknown) or isinstance(theirs, Unknown) or theirs == group
        ):
            continue
        why = _own_ingress_scheme(sibling, stack)
        if why is not None:
            shown = "(unknown at preview)" if isinstance(group, Unknown) else repr(group)
            return (
                f"it shares the load balancer of its IngressGroup {shown} with {sibling.label}, where {why}"
            )
    return None


def _ingress_group(ingress: Resource, stack: Stack) -> str | Unknown | None:
    """The IngressGroup an Ingress joins: its `group.name` annotation, else its class's IngressClassParams'
    `spec.group.name` (which takes precedence in the controller when set); None when it joins none."""
    group: Any = child(child(child(ingress.props, "metadata"), "annotations"), ALB_GROUP)
    name = child(child(ingress.props, "spec"), "ingressClassName")
    if name is None:
        name = child(child(child(ingress.props, "metadata"), "annotations"), INGRESS_CLASS_ANNOTATION)
    for ingress_class in stack.of_type(*_kinds(stack, INGRESS_CLASS_KINDS)):
        if ingress_class.provider_urn != ingress.provider_urn:
            continue
        if value_at(ingress_class.props, "metadata.name") != name:
            continue
        params = value_at(ingress_class.props, "spec.parameters.name")
        for found in stack.of_type(*_kinds(stack, (INGRESS_CLASS_PARAMS_KIND,))):
            if value_at(found.props, "metadata.name") == params:
                from_params = value_at(found.props, "spec.group.name")
                if from_params is not None:
                    group = from_params
    if isinstance(group, Unknown):
        return group
    return group if isinstance(group, str) and group else None


def _own_ingress_scheme(ingress: Resource, stack: Stack) -> str | None:
    """Why an Ingress is (or may be) on the internet by its own class and annotations, or None.

    The AWS Load Balancer Controller makes an ALB internal unless the Ingress (or its class's
    IngressClassParams) asks for internet-facing; any other controller publishes it as that controller's
    own Service is published, which the pack cannot see from the Ingress: it may be on the internet.
    """
    metadata = child(ingress.props, "metadata")
    annotations = child(metadata, "annotations")
    name = child(child(ingress.props, "spec"), "ingressClassName")
    if name is None:
        name = child(annotations, INGRESS_CLASS_ANNOTATION)
    if isinstance(name, Unknown):
        return "its ingress class is unknown at preview"
    controller = ALB_CONTROLLER if name == ALB_CLASS else None
    params_scheme: Any = None
    for ingress_class in stack.of_type(*_kinds(stack, INGRESS_CLASS_KINDS)):
        if ingress_class.provider_urn != ingress.provider_urn:
            continue
        if value_at(ingress_class.props, "metadata.name") != name:
            continue
        controller = value_at(ingress_class.props, "spec.controller")
        params = value_at(ingress_class.props, "spec.parameters.name")
        for found in stack.of_type(*_kinds(stack, (INGRESS_CLASS_PARAMS_KIND,))):
            if value_at(found.props, "metadata.name") == params:
                params_scheme = value_at(found.props, "spec.scheme")
    if controller != ALB_CONTROLLER:
        shown = name if isinstance(name, str) else "(none)"
        return (
            f"its ingress class {shown} is not the AWS Load Balancer Controller's (whose scheme the pack "
            "reads), so its controller may publish it on the internet"
        )
    scheme = child(annotations, ALB_SCHEME)
    scheme = params_scheme if params_scheme is not None else scheme
    if isinstance(scheme, Unknown):
        return "its load balancer scheme is unknown at preview"
    if scheme == "internet-facing":
        return "its load balancer is internet-facing"
    return None


def _kinds(stack: Stack, keys: tuple[str, ...]) -> list[str]:
    """The stack's type tokens of Kubernetes kinds given by `group:Kind`, in every version."""
    return [t for t in {r.type for r in stack.resources} if mechanism_key(t) in keys]


def _ingress_exposure(
    stack: Stack, lineage: Lineage, protected_by_urn: dict[str, frozenset[str]], settings: Settings
) -> list[Violation]:
    """Internet-facing Ingresses that publish a PII store, or pods the stack does not declare in a cluster
    that holds PII (what they serve cannot be seen)."""
    found: list[Violation] = []
    for ingress in stack.of_type(*_kinds(stack, INGRESS_KINDS)):
        why = _ingress_scheme(ingress, stack)
        if why is None:
            continue
        namespace = value_at(ingress.props, "metadata.namespace")
        in_cluster = [
            r
            for r in stack.resources
            if r.urn in protected_by_urn
            and r.type.startswith("kubernetes:")
            and r.provider_urn == ingress.provider_urn
        ]
        for name in dict.fromkeys(v for path in INGRESS_BACKENDS for v in values_at(ingress.props, path)):
            services = [
                s
                for s in stack.of_type(*_kinds(stack, ("core:Service",)))
                if s.provider_urn == ingress.provider_urn
                and value_at(s.props, "metadata.name") == name
                and value_at(s.props, "metadata.namespace") == namespace
            ]
            backends = [b for s in services for b in lineage.backends(s)]
            selected = [b for s in services for b in _selected_workloads(s, stack)]
            for backend in backends:
                protected = lineage.effective(backend) & settings.protected_classifications
                if protected:
                    found.append(
                        _violation(
                            ingress,
                            held(lineage, backend, protected),
                            f"{ingress.label} publishes {backend.label} (through Service {name!r}): {why}",
                            f"annotate the Ingress {ALB_SCHEME}: internal (the AWS Load Balancer "
                            "Controller's default) and admit only this region's networks, or route it to an "
                            "application, never to the store.",
                            settings,
                        )
                    )
            if not selected and in_cluster:
                stores = ", ".join(sorted(r.label for r in in_cluster))
                shown = name if isinstance(name, str) else "(unknown at preview)"
                found.append(
                    _violation(
                        ingress,
                        ", ".join(sorted({c for r in in_cluster for c in protected_by_urn[r.urn]})) + " data",
                        f"{ingress.label} routes to Service {shown}, whose pods this stack does not declare, "
                        f"in a cluster that holds {stores}: {why}, and what it publishes cannot be seen",
                        "declare the workload the Service selects in this stack (or the Service itself, with "
                        f"a selector), or annotate the Ingress {ALB_SCHEME}: internal.",
                        settings,
                    )
                )
    return found


def _selected_workloads(service: Resource, stack: Stack) -> list[Resource]:
    """The stack's Kubernetes workloads a Service selects (data holders or not), in its namespace."""
    selector = child(child(service.props, "spec"), "selector")
    if not isinstance(selector, dict) or not selector:
        return []
    namespace = value_at(service.props, "metadata.namespace")
    found = []
    for workload in stack.resources:
        if workload is service or not workload.type.startswith("kubernetes:"):
            continue
        if workload.provider_urn != service.provider_urn:
            continue
        if value_at(workload.props, "metadata.namespace") != namespace:
            continue
        labels = value_at(workload.props, "spec.template.metadata.labels")
        if isinstance(labels, dict) and all(labels.get(k) == v for k, v in selector.items()):
            found.append(workload)
    return found


def _default_groups(store: Resource, stack: Stack) -> list[Resource | str]:
    """A store that names no security group is in its VPC's default group, judged as the stack declares it.

    Undeclared, the default group admits only its own members (AWS's default rule), which is not exposure.
    """
    return list(stack.of_type(DEFAULT_SECURITY_GROUP))


def _security_groups(store: Resource, stack: Stack) -> list[Resource | str]:
    """The store's security groups: the stack's resources, or the ids it names that are not in the stack."""
    groups: list[Resource | str] = []
    holders = [store]
    paths = SECURITY_GROUP_INPUTS.get(store.type, ())
    if store.type == "aws:efs/fileSystem:FileSystem":
        holders = [t for t in stack.of_type(MOUNT_TARGET) if stack.refers_to(t, "fileSystemId", store)]
        paths = ("securityGroups",)
    for holder in holders:
        for path in paths:
            found = [d for d in stack.dependencies(holder, path) if d.type in GROUP_TYPES]
            groups.extend(g for g in found if g not in groups)
            for value in values_at(holder.props, path):
                if isinstance(value, Unknown) and not found:
                    groups.append(f"({path} unknown at preview)")
                elif isinstance(value, str) and value:
                    named = [g for g in stack.named(value) if g.type in GROUP_TYPES]
                    if named:
                        groups.extend(g for g in named if g not in groups)
                    elif not found:
                        groups.append(value)
    return groups


def _ingress_rules(group: Resource, store: Resource, stack: Stack) -> list[tuple[Resource, Any]]:
    """Every ingress rule of a security group: inline blocks and separate rule resources.

    A separate rule belongs to the group when it names the group (by lineage or identity), or when it was
    computed from the store's own outputs (`db.vpc_security_group_ids[0]`).
    """
    rules: list[tuple[Resource, Any]] = [(group, rule) for rule in elements(child(group.props, "ingress"))]

    def attached(rule: Resource) -> bool:
        return stack.refers_to(rule, "securityGroupId", group) or store in stack.dependencies(
            rule, "securityGroupId"
        )

    for rule in stack.of_type(SECURITY_GROUP_RULE):
        if child(rule.props, "type") == "ingress" and attached(rule):
            rules.append((rule, rule.props))
    for rule in stack.of_type(INGRESS_RULE):
        if attached(rule):
            rules.append((rule, rule.props))
    return rules


def _internet_facing(balancer: Resource) -> bool:
    internal = as_bool(child(balancer.props, "internal"))
    return internal is not True


def _referenced_groups(owner: Resource, rule: Any, stack: Stack) -> list[Resource | str]:
    """The security groups an ingress rule admits: the stack's, or the ids it names that are not."""
    paths = ("securityGroups", "sourceSecurityGroupId", "referencedSecurityGroupId")
    found: list[Resource | str] = []
    for path in paths:
        values = values_at(rule, path)
        if not values:
            continue
        prop = path if owner.type != SECURITY_GROUP and owner.type != DEFAULT_SECURITY_GROUP else "ingress"
        dependencies = [d for d in stack.dependencies(owner, prop) if d.type in GROUP_TYPES]
        for value in values:
            if isinstance(value, Unknown):
                found.extend(g for g in dependencies if g not in found)
            elif isinstance(value, str) and value:
                named = [g for g in stack.named(value) if g.type in GROUP_TYPES]
                if not named and dependencies and "/" not in value:
                    # An id computed from a group of the stack (its state keeps the id beside the outputs):
                    # the property dependency wins over the literal.
                    named = dependencies
                admitted: list[Resource | str] = list(named) if named else [value]
                found.extend(g for g in admitted if g not in found)
    return found


def _group_exposure(
    group: Resource, store: Resource, stack: Stack, accounts: frozenset[str]
) -> list[tuple[str, str]]:
    found = []
    vpc_cidrs = _vpc_cidrs(group, stack)
    balancer_groups = {
        g.urn: balancer
        for balancer in stack.of_type(*LOAD_BALANCERS)
        if _internet_facing(balancer)
        for g in stack.of_type(*GROUP_TYPES)
        if stack.refers_to(balancer, "securityGroups", g)
    }
    for owner, rule in _ingress_rules(group, store, stack):
        where = f"{owner.label}" if owner is not group else f"an inline ingress rule of {group.label}"
        if isinstance(rule, Unknown):
            found.append((f"{where} is unknown at preview", "declare ingress rules with literal sources."))
            continue
        cidrs = [
            *values_at(rule, "cidrBlocks"),
            *values_at(rule, "ipv6CidrBlocks"),
            *values_at(rule, "cidrIpv4"),
            *values_at(rule, "cidrIpv6"),
        ]
        for cidr in cidrs:
            problem = _cidr_problem(cidr, vpc_cidrs)
            if problem:
                found.append(
                    (
                        f"{where} admits {problem}",
                        "admit only the security groups of the services that need the store (a source "
                        "security group, never a CIDR outside the VPC).",
                    )
                )
        for admitted in _referenced_groups(owner, rule, stack):
            if isinstance(admitted, str):
                account, _, _ = admitted.rpartition("/")
                if account and account not in accounts:
                    found.append(
                        (
                            f"{where} admits security group {admitted} of account {account}",
                            "admit only security groups of this deployment's accounts.",
                        )
                    )
                else:
                    found.append(
                        (
                            f"{where} admits security group {admitted}, which is not declared in this stack",
                            "admit only security groups declared in the stack, whose members it can see.",
                        )
                    )
                continue
            group_account = account_of(admitted)
            if group_account is None or (group_account.isdigit() and group_account not in accounts):
                found.append(
                    (
                        f"{where} admits {admitted.label}, in {group_account or 'an untraceable account'}",
                        "admit only security groups of this deployment's accounts.",
                    )
                )
            balancer = balancer_groups.get(admitted.urn)
            if balancer is not None:
                found.append(
                    (
                        f"{where} admits {admitted.label}, the group of the internet-facing {balancer.label}",
                        "admit only the groups of the services that read the store, never a public load "
                        "balancer's.",
                    )
                )
        prefix_lists = known_strings([*values_at(rule, "prefixListIds"), *values_at(rule, "prefixListId")])
        if prefix_lists:
            found.append(
                (
                    f"{where} admits prefix lists {prefix_lists}, whose CIDRs the stack cannot check",
                    "admit source security groups instead of prefix lists.",
                )
            )
    return found


def _load_balancer_exposure(store: Resource, stack: Stack, accounts: frozenset[str]) -> list[tuple[str, str]]:
    """A load balancer reachable from outside whose target group targets the store passes that to it.

    A target is the store when it names the store (lineage or identity), or when it is an IP address in one
    of the store's subnets (an RDS or cache endpoint resolves to an address there, which an NLB IP target
    accepts). A balancer is reachable from outside when it is internet-facing, or when an endpoint service
    (PrivateLink) in front of it admits everyone or another account.
    """
    found = []
    subnets: list[Any] | None = None
    for attachment in stack.of_type(*TARGET_GROUP_ATTACHMENTS):
        if stack.refers_to(attachment, "targetId", store):
            how = attachment.label
        else:
            if subnets is None:
                subnets = _store_subnet_cidrs(store, stack)
            address = _address_in(child(attachment.props, "targetId"), subnets)
            if address is None:
                continue
            how = f"{attachment.label}, an IP target in the store's subnet {address}"
        for listener in stack.of_type(*LISTENERS):
            targets = [
                t
                for t in stack.dependencies(listener, "defaultActions")
                if stack.refers_to(attachment, "targetGroupArn", t)
            ]
            if not targets:
                continue
            for balancer in stack.of_type(*LOAD_BALANCERS):
                if not stack.refers_to(listener, "loadBalancerArn", balancer):
                    continue
                if _internet_facing(balancer):
                    found.append(
                        (
                            f"the internet-facing {balancer.label} forwards to it ({how})",
                            "remove the target, or make the load balancer internal and admit only this "
                            "region's services.",
                        )
                    )
                for service, principal in _endpoint_services(balancer, stack, accounts):
                    found.append(
                        (
                            f"{service.label} opens {balancer.label}, which forwards to it ({how}), to "
                            f"{principal}",
                            "allow only principals of this deployment's accounts on the endpoint service "
                            "(never `*`), require acceptance, or remove the target.",
                        )
                    )
    return found


def _endpoint_services(
    balancer: Resource, stack: Stack, accounts: frozenset[str]
) -> list[tuple[Resource, str]]:
    """The endpoint services in front of a balancer, each with a principal outside the deployment."""
    found = []
    for service in stack.of_type(ENDPOINT_SERVICE):
        if not stack.refers_to(service, "networkLoadBalancerArns", balancer):
            continue
        principals: list[tuple[Any, bool]] = [
            (p, bool(stack.dependencies(service, "allowedPrincipals")))
            for p in values_at(service.props, "allowedPrincipals")
        ]
        for allowed in stack.of_type(ENDPOINT_SERVICE_PRINCIPAL):
            if stack.refers_to(allowed, "vpcEndpointServiceId", service):
                principals.append(
                    (child(allowed.props, "principalArn"), bool(stack.dependencies(allowed, "principalArn")))
                )
        for principal, computed in principals:
            outside = _outside_principal(principal, computed, stack, accounts)
            if outside:
                found.append((service, outside))
        # Cross-region PrivateLink: consumers in another region reach the balancer through the service.
        own = effective_region(service, stack)
        for region in values_at(service.props, "supportedRegions"):
            if isinstance(region, Unknown):
                found.append((service, "consumers in regions unknown at preview (supportedRegions)"))
            elif isinstance(region, str) and region and region != own:
                found.append((service, f"consumers in {region} (supportedRegions, cross-region PrivateLink)"))
    return found


def _outside_principal(principal: Any, computed: bool, stack: Stack, accounts: frozenset[str]) -> str | None:
    """How a principal an endpoint service admits is named when it is outside the deployment, else None."""
    if isinstance(principal, Unknown):
        return None if computed else "principals unknown at preview"
    if not isinstance(principal, str) or not principal:
        return None
    if principal == "*":
        return "everyone (*)"
    if stack.named(principal):
        return None
    account = principal.split(":")[4] if principal.startswith("arn:") and principal.count(":") >= 5 else ""
    if account and account in accounts:
        return None
    return f"account {account}" if account else f"{principal} (an account that cannot be traced)"


_SUBNET_HOLDERS = ("subnetGroup:SubnetGroup", "mountTarget:MountTarget")
"""Types between a store and its subnets: subnet groups, and an EFS file system's mount targets."""


def _store_subnet_cidrs(store: Resource, stack: Stack) -> list[Any]:
    """The CIDR blocks of the subnets a store is placed in (through its subnet group or mount targets)."""
    holders: list[Resource] = [store]
    for prop in store.props if isinstance(store.props, dict) else ():
        for dependency in stack.dependencies(store, prop):
            if dependency.type.endswith(_SUBNET_HOLDERS) and dependency not in holders:
                holders.append(dependency)
        value = child(store.props, prop)
        if isinstance(value, str) and value and "ubnetGroup" in prop:
            holders.extend(r for r in stack.named(value) if r.type.endswith(_SUBNET_HOLDERS))
    if store.type == "aws:efs/fileSystem:FileSystem":
        holders.extend(t for t in stack.of_type(MOUNT_TARGET) if stack.refers_to(t, "fileSystemId", store))
    subnets: list[Resource] = []
    for holder in holders:
        for prop in holder.props if isinstance(holder.props, dict) else ():
            if "ubnet" not in prop:
                continue
            named = [d for d in stack.dependencies(holder, prop) if d.type == SUBNET]
            for value in known_strings(values_at(holder.props, prop)):
                named.extend(r for r in stack.named(value) if r.type == SUBNET)
            subnets.extend(n for n in named if n not in subnets)
    return [child(subnet.props, "cidrBlock") for subnet in subnets]


def _address_in(target: Any, cidrs: list[Any]) -> str | None:
    """The subnet CIDR an IP target lies in, or None when it is no IP address or lies in none of them."""
    if not isinstance(target, str):
        return None
    try:
        address = ipaddress.ip_address(target)
    except ValueError:
        return None
    for cidr in cidrs:
        if not isinstance(cidr, str):
            continue
        try:
            if address in ipaddress.ip_network(cidr, strict=False):
                return cidr
        except ValueError:
            continue
    return None


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
        served.extend((target, "through its role") for target in lineage.role_reach(user, "role"))
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
            _violation(
                user,
                kinds,
                f"{user.label} serves {target.description} {how} and {reason}",
                _TRANSFER_FIX,
                settings,
            )
        )
    if unseen and not found and lineage.holds_any(settings.protected_classifications):
        found.append(
            _violation(
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


def _unmatched_group_rules(
    stack: Stack, settings: Settings, protected_by_urn: dict[str, frozenset[str]]
) -> list[Violation]:
    """Ingress rules that open a group a first preview cannot match, while a PII store's group id is unknown.

    A rule that names its group by a literal id (`sg-...`) cannot be matched to a group the same preview
    creates, whose id AWS has not generated yet: it may be the group of a PII store. It is judged as the
    store's would be: a CIDR beyond every VPC of the stack's PII stores is a violation on the rule.
    """
    stores = [s for s in stack.resources if s.urn in protected_by_urn]
    unmatched_groups = [
        group
        for store in stores
        for group in _security_groups(store, stack)
        if not isinstance(group, str) and not any(i.startswith("sg-") for i in group.identities)
    ]
    if not unmatched_groups:
        return []
    vpc_cidrs = [cidr for group in unmatched_groups for cidr in _vpc_cidrs(group, stack)]
    found = []
    rules = [r for r in stack.of_type(SECURITY_GROUP_RULE) if child(r.props, "type") == "ingress"]
    for rule in [*rules, *stack.of_type(INGRESS_RULE)]:
        group_id = child(rule.props, "securityGroupId")
        if stack.dependencies(rule, "securityGroupId"):
            continue
        if isinstance(group_id, str) and [g for g in stack.named(group_id) if g.type in GROUP_TYPES]:
            continue
        cidrs = [*values_at(rule.props, "cidrBlocks"), *values_at(rule.props, "ipv6CidrBlocks")]
        cidrs += [*values_at(rule.props, "cidrIpv4"), *values_at(rule.props, "cidrIpv6")]
        problems = [p for p in (_cidr_problem(c, vpc_cidrs) for c in cidrs) if p]
        if not problems:
            continue
        named = group_id if isinstance(group_id, str) else "a group unknown at preview"
        groups = ", ".join(dict.fromkeys(g.label for g in unmatched_groups))
        kinds = ", ".join(sorted(frozenset().union(*(protected_by_urn[s.urn] for s in stores))))
        found.append(
            violation(
                rule,
                f"{rule.label} admits {'; '.join(problems)} into security group {named}, which this preview "
                f"cannot match to a group of the stack: it may be {groups}, which guards {kinds} data",
                f"personal data protected by {settings.law} must be reachable only by this region's "
                "services; a rule the pack cannot place may open a PII store to the internet or another "
                "region.",
                "name the group by a reference to the stack's resource (group.id), not a literal id AWS "
                "generated for a deployed stack, so the pack can see which store it opens; and admit only "
                "security groups, never a CIDR outside the VPC.",
            )
        )
    return found


def _vpc_cidrs(group: Resource, stack: Stack) -> list[Any]:
    """The IPv4 and IPv6 CIDR blocks of a security group's VPC (UNKNOWN entries where they are unknown)."""
    vpcs = [d for d in stack.dependencies(group, "vpcId") if d.type == VPC]
    vpc_id = child(group.props, "vpcId")
    if not vpcs and isinstance(vpc_id, str):
        vpcs = [v for v in stack.named(vpc_id) if v.type == VPC]
    cidrs: list[Any] = []
    for vpc in vpcs:
        cidrs.append(child(vpc.props, "cidrBlock"))
        ipv6 = child(vpc.props, "ipv6CidrBlock")
        if ipv6 is not None:
            cidrs.append(ipv6)
        for association in stack.of_type(VPC_CIDR_ASSOCIATION):
            if stack.refers_to(association, "vpcId", vpc):
                cidrs.append(child(association.props, "cidrBlock"))
    return cidrs


def _cidr_problem(cidr: Any, vpc_cidrs: list[Any]) -> str | None:
    """Why an ingress CIDR reaches beyond the VPC, or None when it lies inside one of its CIDR blocks."""
    if isinstance(cidr, Unknown):
        return "a CIDR that is unknown at preview"
    if not isinstance(cidr, str) or not cidr:
        return None
    try:
        network = ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return f"{cidr!r}, which is not a CIDR"
    if network in _OPEN:
        return f"{cidr}, the whole internet"
    known = []
    for block in vpc_cidrs:
        if block is UNKNOWN or isinstance(block, Unknown):
            continue
        try:
            known.append(ipaddress.ip_network(str(block), strict=False))
        except ValueError:
            continue
    if any(network.version == block.version and network.subnet_of(block) for block in known):  # type: ignore[arg-type]
        return None
    if not known:
        return f"{cidr}, which cannot be shown to lie inside the store's VPC (its CIDR is unknown)"
    return f"{cidr}, which lies outside the store's VPC ({', '.join(str(b) for b in known)})"


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


def _violation(resource: Resource, kinds: str, problem: str, fix: str, settings: Settings) -> Violation:
    return violation(
        resource,
        f"{kinds} is reachable from outside its store's own VPC: {problem}",
        f"personal data protected by {settings.law} must be reachable only by this region's services; a "
        "public endpoint or a CIDR outside the VPC (the internet, or a peered VPC in another region) lets it "
        "be read from elsewhere.",
        fix,
    )
