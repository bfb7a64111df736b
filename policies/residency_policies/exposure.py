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
origin) that targets the store exposes it. Kubernetes Services, Ingresses, Gateway API routes and the load
balancer controller's accelerators are judged by what they forward to, hand-made endpoints included. Public
switches (`publiclyAccessible`, MSK public access,
Lightsail, Redshift Serverless, OpenSearch without a VPC) and grants to everyone (a bucket policy, a key
policy, a function URL, ... as `grants` reads them) are violations too.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any

from residency_facts import Category

from . import sdk_calls
from .attributes import account_of, effective_region
from .classification import held, protected_stores
from .grants import ROLE, granted_classes, public_shares, role_targets
from .lineage import Lineage, Location, mechanism_key
from .model import Resource, Stack, parse_arn
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
    found.extend(_service_forwarding(stack, lineage, protected_by_urn, settings))
    found.extend(_ingress_exposure(stack, lineage, protected_by_urn, settings))
    found.extend(_accelerator_exposure(stack, lineage, protected_by_urn, settings))
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


ENDPOINT_SLICE_KIND = "discovery.k8s.io:EndpointSlice"
ENDPOINTS_KIND = "core:Endpoints"
SERVICE_NAME_LABEL = "kubernetes.io/service-name"
SERVICE_FIX = (
    "make the Service ClusterIP, or annotate it service.beta.kubernetes.io/aws-load-balancer-scheme: "
    "internal and admit only this region's networks; never point its endpoints at a store."
)


def _hand_made_endpoints(service: Resource, stack: Stack) -> list[tuple[Resource, str, Any]]:
    """The addresses the stack's EndpointSlices (labelled with the Service's name) and Endpoints (named as
    it) give a Service, and an ExternalName Service's external name, each with the object and the input that
    holds it: kube-proxy and the load balancer controllers forward to every one of them, whatever the
    Service's selector matches."""
    name = value_at(service.props, "metadata.name")
    namespace = value_at(service.props, "metadata.namespace")
    found: list[tuple[Resource, str, Any]] = []
    if value_at(service.props, "spec.type") == "ExternalName":
        # Its DNS name is a CNAME of the external name: a controller that follows it (ingress-nginx does)
        # forwards there.
        found.append((service, "spec", value_at(service.props, "spec.externalName")))
    for endpoint_slice in _same_cluster(stack, service, (ENDPOINT_SLICE_KIND,)):
        labels = child(child(endpoint_slice.props, "metadata"), "labels")
        # Labels unknown at preview may name the Service: the slice counts as its.
        label = labels if isinstance(labels, Unknown) else child(labels, SERVICE_NAME_LABEL)
        if value_at(endpoint_slice.props, "metadata.namespace") != namespace:
            continue
        if not (label == name or isinstance(label, Unknown)):
            continue
        addresses = values_at(endpoint_slice.props, "endpoints[].addresses[]")
        if isinstance(child(endpoint_slice.props, "endpoints"), Unknown):
            addresses = [UNKNOWN]
        found.extend((endpoint_slice, "endpoints", a) for a in addresses)
    for endpoints in _same_cluster(stack, service, (ENDPOINTS_KIND,)):
        if value_at(endpoints.props, "metadata.namespace") != namespace:
            continue
        if value_at(endpoints.props, "metadata.name") != name:
            continue
        addresses = [
            *values_at(endpoints.props, "subsets[].addresses[].ip"),
            *values_at(endpoints.props, "subsets[].notReadyAddresses[].ip"),
        ]
        if isinstance(child(endpoints.props, "subsets"), Unknown):
            addresses = [UNKNOWN]
        found.extend((endpoints, "subsets", a) for a in addresses)
    return found


def _network_stores(stack: Stack, protected_by_urn: dict[str, frozenset[str]]) -> list[Resource]:
    """The PII stores an address in the VPC may reach: the network-attached AWS ones."""
    return [
        r
        for r in stack.resources
        if r.urn in protected_by_urn
        and (r.type in SECURITY_GROUP_INPUTS or r.type == "aws:efs/fileSystem:FileSystem")
    ]


def _forwarded_to(
    service: Resource,
    publisher: Resource,
    why: str,
    stack: Stack,
    lineage: Lineage,
    protected_by_urn: dict[str, frozenset[str]],
    settings: Settings,
    fix: str,
) -> list[Violation]:
    """What the hand-made endpoints of a Service a publisher (the Service itself, an Ingress, a route)
    exposes reach: a PII store named by an address (its host name or an address in its subnets), or, in a
    stack that holds PII, an address the pack cannot show to be no store's."""
    if not protected_by_urn:
        return []
    stores = _network_stores(stack, protected_by_urn)
    in_cluster = [
        r for r in stack.resources if r.urn in protected_by_urn and r.provider_urn == service.provider_urn
    ]
    subnets = {store.urn: _store_subnet_cidrs(store, stack) for store in stores}
    found: list[Violation] = []
    lead = (
        f"{publisher.label} publishes {service.label}, which" if publisher is not service else service.label
    )
    for owner, prop, address in _hand_made_endpoints(service, stack):
        where = "its external name" if owner is service else f"{owner.label}, set by hand"
        if isinstance(address, Unknown):
            reached = [d for d in stack.dependencies(owner, prop) if d in stores]
        elif isinstance(address, str):
            reached = [r for r in stack.mentioned_in(address) if r in stores]
            reached += [
                store for store in stores if store not in reached and _address_in(address, subnets[store.urn])
            ]
        else:
            continue
        for store in reached:
            protected = protected_by_urn[store.urn]
            shown = (
                "an address unknown at preview computed from it" if isinstance(address, Unknown) else address
            )
            found.append(
                _violation(
                    publisher,
                    held(lineage, store, protected),
                    f"{lead} forwards to {store.label} at {shown} ({where}): {why}",
                    fix,
                    settings,
                )
            )
        if reached:
            continue
        if isinstance(address, str) and not in_cluster and _placed_outside(address, stores, subnets, stack):
            continue
        shown = address if isinstance(address, str) else "an address unknown at preview"
        stores_shown = ", ".join(sorted(r.label for r in stack.resources if r.urn in protected_by_urn))
        classes = ", ".join(sorted({c for found_classes in protected_by_urn.values() for c in found_classes}))
        found.append(
            _violation(
                publisher,
                f"{classes} data",
                f"{lead} forwards to {shown} ({where}), which the pack cannot show to be no PII store's "
                f"address (a host name or address it cannot place, or pods' addresses in a cluster that "
                f"holds PII), in a stack that holds {stores_shown}: {why}",
                fix,
                settings,
            )
        )
    return found


def _placed_outside(
    address: str, stores: list[Resource], subnets: dict[str, list[Any]], stack: Stack
) -> bool:
    """Whether an IP address is shown to be no network store's: for each store, outside its subnets (all
    known) or outside its VPC (its security groups' VPC, all known). A host name never is."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for store in stores:
        cidrs = subnets[store.urn]
        if cidrs and all(isinstance(c, str) for c in cidrs):
            continue
        groups = [g for g in _security_groups(store, stack) if not isinstance(g, str)]
        vpc_cidrs = [c for g in groups for c in _vpc_cidrs(g, stack)]
        if not vpc_cidrs or not all(isinstance(c, str) for c in vpc_cidrs):
            return False
        if any(ip in ipaddress.ip_network(c, strict=False) for c in vpc_cidrs if _is_network(c)):
            return False
    return True


def _is_network(text: str) -> bool:
    try:
        ipaddress.ip_network(text, strict=False)
    except ValueError:
        return False
    return True


def _service_forwarding(
    stack: Stack, lineage: Lineage, protected_by_urn: dict[str, frozenset[str]], settings: Settings
) -> list[Violation]:
    """Public Services judged by what they forward to besides selected PII pods: hand-made endpoints, and a
    selector that matches no pod the stack declares (in a stack that holds PII, those pods cannot be seen)."""
    found: list[Violation] = []
    why = "it is published through an internet-facing load balancer or a node port"
    for service in stack.of_type(*_kinds(stack, ("core:Service",))):
        if not _public_service(service):
            continue
        found.extend(
            _forwarded_to(service, service, why, stack, lineage, protected_by_urn, settings, SERVICE_FIX)
        )
        selector = as_mapping(value_at(service.props, "spec.selector"))
        if not (isinstance(selector, Mapping) and selector) or not protected_by_urn:
            continue
        if lineage.selected_workloads(service) or _hand_made_endpoints(service, stack):
            continue
        stores = ", ".join(sorted(r.label for r in stack.resources if r.urn in protected_by_urn))
        classes = ", ".join(sorted({c for found_classes in protected_by_urn.values() for c in found_classes}))
        found.append(
            _violation(
                service,
                f"{classes} data",
                f"{service.label} is published through an internet-facing load balancer or a node port and "
                f"selects no pod this stack declares (selector {dict(selector)}): its pods, or endpoints set "
                f"outside the stack, cannot be seen, in a stack that holds {stores}",
                "select pods this stack declares, or make the Service ClusterIP or internal (annotate "
                "service.beta.kubernetes.io/aws-load-balancer-scheme: internal).",
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
HELM_RELEASE_KIND = "helm.sh:Release"
CONTROLLER_CHART = "aws-load-balancer-controller"
INTERNET_FACING = "internet-facing"
INGRESS_BACKENDS = (
    "spec.defaultBackend.service.name",
    "spec.rules[].http.paths[].backend.service.name",
    "spec.backend.serviceName",
    "spec.rules[].http.paths[].backend.serviceName",
)
"""Where an Ingress (networking.k8s.io/v1, and the older v1beta1 forms) names the Services it routes to."""


def _same_cluster(stack: Stack, of: Resource, keys: tuple[str, ...]) -> list[Resource]:
    """The stack's Kubernetes objects of these kinds in the same cluster as another (the same provider)."""
    return [r for r in stack.of_type(*_kinds(stack, keys)) if r.provider_urn == of.provider_urn]


def _controller_releases(stack: Stack, of: Resource) -> list[Resource]:
    """The Helm releases of the AWS Load Balancer Controller's chart in the same cluster as an object."""
    found = []
    for release in _same_cluster(stack, of, (HELM_RELEASE_KIND,)):
        chart = child(release.props, "chart")
        if isinstance(chart, str) and chart.rstrip("/").rsplit("/", 1)[-1] == CONTROLLER_CHART:
            found.append(release)
    return found


def _release_classes(release: Resource) -> tuple[Any, Any, list[Any]] | None:
    """What a controller release's values say of the IngressClass it creates: (class name, IngressClassParams
    name, schemes), or None when it creates none. Values unknown at preview give UNKNOWN for each.

    The chart creates the class (`ingressClass`, default `alb`) unless `createIngressClassResource` is
    false, and the class's IngressClassParams (named `ingressClassParams.name`, default the class's name)
    unless `ingressClassParams.create` is false; any `scheme` anywhere in the values counts, so a key the
    chart adds later is read too.
    """
    values = child(release.props, "values")
    if isinstance(values, Unknown) or values_at(release.props, "valueYamlFiles"):
        return UNKNOWN, UNKNOWN, [UNKNOWN]
    if as_bool(child(values, "createIngressClassResource")) is False:
        return None
    name = child(values, "ingressClass")
    name = ALB_CLASS if name is None else name
    params = child(values, "ingressClassParams")
    created = as_bool(child(params, "create"))
    params_name = child(params, "name") if created is not False else None
    if created is not False and params_name is None:
        params_name = name
    return name, params_name, _schemes_in(values)


def _schemes_in(value: Any) -> list[Any]:
    """Every value under a key called `scheme` (any case), at any depth of a values map."""
    if isinstance(value, Unknown):
        return [UNKNOWN]
    found: list[Any] = []
    if isinstance(value, Mapping):
        for key, item in value.items():
            if isinstance(key, str) and key.lower().endswith("scheme"):
                found.append(item)
            else:
                found.extend(_schemes_in(item))
    elif isinstance(value, (list, tuple)):
        for item in value:
            found.extend(_schemes_in(item))
    return found


def _public_scheme(schemes: list[Any], where: str) -> str | None:
    """Why a set of scheme settings may put a load balancer on the internet, or None when none does."""
    for scheme in schemes:
        if isinstance(scheme, Unknown):
            return f"its load balancer scheme ({where}) is unknown at preview"
        if scheme == INTERNET_FACING:
            return f"its load balancer is internet-facing ({where})"
    return None


ALB_GROUP = "alb.ingress.kubernetes.io/group.name"


def _ingress_scheme(ingress: Resource, stack: Stack) -> str | None:
    """Why an Ingress is (or may be) on the internet, or None when it is internal: its own settings, or those
    of a member of its IngressGroup.

    The AWS Load Balancer Controller merges every Ingress of an IngressGroup (the `group.name` annotation,
    or the `spec.group.name` of their class's IngressClassParams) into one ALB: one member whose own settings
    ask for internet-facing puts every member on the internet. A group name unknown at preview may join any
    group of the cluster, also one of Ingresses this stack does not declare: it fails closed.
    """
    own = _own_ingress_scheme(ingress, stack)
    if own is not None:
        return own
    group = _ingress_group(ingress, stack)
    if group is None:
        return None
    if isinstance(group, Unknown):
        return (
            "its IngressGroup (group.name) is unknown at preview, so the load balancer it shares cannot be "
            "seen"
        )
    for other in _same_cluster(stack, ingress, INGRESS_KINDS):
        if other is ingress:
            continue
        theirs = _ingress_group(other, stack)
        if theirs != group and not isinstance(theirs, Unknown):
            continue
        why = _own_ingress_scheme(other, stack)
        if why is not None:
            return (
                f"it shares the load balancer of its IngressGroup {group!r} with {other.label}, where {why}"
            )
    return None


def _ingress_group(ingress: Resource, stack: Stack) -> str | Unknown | None:
    """The IngressGroup an Ingress joins: its class's IngressClassParams' `spec.group.name` (which the
    controller applies over the annotation), else its `group.name` annotation; None when it joins none."""
    annotations = child(child(ingress.props, "metadata"), "annotations")
    group: Any = child(annotations, ALB_GROUP)
    name = child(child(ingress.props, "spec"), "ingressClassName")
    if name is None:
        name = child(annotations, INGRESS_CLASS_ANNOTATION)
    for ingress_class in _same_cluster(stack, ingress, INGRESS_CLASS_KINDS):
        if value_at(ingress_class.props, "metadata.name") != name:
            continue
        params = value_at(ingress_class.props, "spec.parameters.name")
        for found in _same_cluster(stack, ingress, (INGRESS_CLASS_PARAMS_KIND,)):
            if value_at(found.props, "metadata.name") == params:
                from_params = value_at(found.props, "spec.group.name")
                if from_params is not None:
                    group = from_params
    if isinstance(group, Unknown):
        return group
    return group if isinstance(group, str) and group else None


def _own_ingress_scheme(ingress: Resource, stack: Stack) -> str | None:
    """Why an Ingress's own settings (class, params, annotation) put it on the internet, or None.

    The AWS Load Balancer Controller makes an ALB internal unless the Ingress or its class's
    IngressClassParams asks for internet-facing (the params win over the annotation). The class and its
    params are read from this cluster's objects (never another cluster's, whose provider differs), or from
    the values of the controller's Helm release in this cluster, which creates them. A class neither
    declares, or params the class names and neither declares, cannot be seen and fail closed. Any other
    controller publishes the Ingress as that controller's own Service is published, which the pack cannot see
    from the Ingress: it may be on the internet.
    """
    metadata = child(ingress.props, "metadata")
    annotations = child(metadata, "annotations")
    name = child(child(ingress.props, "spec"), "ingressClassName")
    if name is None:
        name = child(annotations, INGRESS_CLASS_ANNOTATION)
    if isinstance(name, Unknown):
        return "its ingress class is unknown at preview"
    shown = name if isinstance(name, str) else "(none)"
    classes = [
        c
        for c in _same_cluster(stack, ingress, INGRESS_CLASS_KINDS)
        if value_at(c.props, "metadata.name") == name
    ]
    releases = _controller_releases(stack, ingress)
    from_releases = [(r, found) for r in releases if (found := _release_classes(r)) is not None]
    schemes: list[tuple[list[Any], str]] = []
    if classes:
        for ingress_class in classes:
            controller = value_at(ingress_class.props, "spec.controller")
            if isinstance(controller, Unknown):
                return f"the controller of its ingress class {shown} is unknown at preview"
            if controller != ALB_CONTROLLER:
                return (
                    f"its ingress class {shown} is not the AWS Load Balancer Controller's (whose scheme the "
                    "pack reads), so its controller may publish it on the internet"
                )
            params = value_at(ingress_class.props, "spec.parameters.name")
            if params is None:
                continue
            if isinstance(params, Unknown):
                return f"the IngressClassParams of its ingress class {shown} are unknown at preview"
            declared = [
                p
                for p in _same_cluster(stack, ingress, (INGRESS_CLASS_PARAMS_KIND,))
                if value_at(p.props, "metadata.name") == params
            ]
            charted = [(r, f) for r, f in from_releases if f[1] == params or isinstance(f[1], Unknown)]
            if not declared and not charted:
                return (
                    f"its ingress class {shown} takes its scheme from IngressClassParams {params!r}, which "
                    "is not declared in this stack (nor created by a Helm release of the AWS Load Balancer "
                    "Controller it declares), so the scheme cannot be seen"
                )
            schemes.extend(([value_at(p.props, "spec.scheme")], p.label) for p in declared)
            schemes.extend((f[2], f"the values of {r.label}") for r, f in charted)
    else:
        charted = [(r, f) for r, f in from_releases if f[0] == name or isinstance(f[0], Unknown)]
        if not charted and name != ALB_CLASS:
            return (
                f"its ingress class {shown} is not declared in this stack (nor created by a Helm release of "
                "the AWS Load Balancer Controller it declares), so its controller may publish it on the "
                "internet"
            )
        # An `alb` class neither declares is the controller chart's default class, installed outside the
        # stack: taken to have no IngressClassParams, so the Ingress's own annotation decides (out of reach:
        # policies/README.md).
        schemes.extend((f[2], f"the values of {r.label}") for r, f in charted)
    for given, where in schemes:
        why = _public_scheme(given, where)
        if why is not None:
            return why
    scheme = child(annotations, ALB_SCHEME)
    if isinstance(scheme, Unknown):
        return "its load balancer scheme is unknown at preview"
    if scheme == INTERNET_FACING and not any(
        s for given, _ in schemes for s in given if s is not None and s != INTERNET_FACING
    ):
        return "its load balancer is internet-facing"
    return None


def _kinds(stack: Stack, keys: tuple[str, ...]) -> list[str]:
    """The stack's type tokens of Kubernetes kinds given by `group:Kind`, in every version."""
    index: dict[str, list[str]] | None = stack.memo.get(_KIND_INDEX)
    if index is None:
        # Built once per stack: the rules ask for kinds per Service, Ingress and route they follow.
        index = {}
        for token in dict.fromkeys(r.type for r in stack.resources):
            index.setdefault(mechanism_key(token), []).append(token)
        stack.memo[_KIND_INDEX] = index
    return [t for key in keys for t in index.get(key, ())]


_KIND_INDEX = ("exposure", "kinds")
"""The key of the stack's type tokens by `group:Kind` in `Stack.memo`."""


GATEWAY_API = "gateway.networking.k8s.io"
GATEWAY_KIND = f"{GATEWAY_API}:Gateway"
GATEWAY_CLASS_KIND = f"{GATEWAY_API}:GatewayClass"
ROUTE_KINDS = tuple(
    f"{GATEWAY_API}:{kind}" for kind in ("HTTPRoute", "GRPCRoute", "TCPRoute", "TLSRoute", "UDPRoute")
)
"""Gateway API routes (standard and experimental kinds): each forwards a Gateway's traffic to Services."""
GATEWAY_CONTROLLERS = ("gateway.k8s.aws/alb", "gateway.k8s.aws/nlb")
"""The AWS Load Balancer Controller's Gateway API controllers, whose scheme the pack reads."""
LOAD_BALANCER_CONFIGURATION_KIND = "gateway.k8s.aws:LoadBalancerConfiguration"


def _gateway_scheme(route: Resource, stack: Stack) -> str | None:
    """Why a Gateway API route is (or may be) reachable from outside its VPC, or None when it is internal.

    A route is published by the Gateways it attaches to (`parentRefs`, in its namespace unless named). A
    Gateway of the AWS Load Balancer Controller's classes is internal unless a LoadBalancerConfiguration its
    class or itself references says internet-facing (internal is the controller's default); one the stack
    does not declare, or any other controller (VPC Lattice's shares the route with every VPC and account of a
    service network), cannot be shown to be internal.
    """
    namespace = value_at(route.props, "metadata.namespace")
    parents = values_at(route.props, "spec.parentRefs")
    if not parents:
        return "it names no Gateway (parentRefs), so what publishes it cannot be seen"
    for parent in parents:
        if isinstance(parent, Unknown) or isinstance(child(parent, "name"), Unknown):
            return "its Gateway (parentRefs) is unknown at preview"
        kind = child(parent, "kind")
        name = child(parent, "name")
        if kind not in (None, "Gateway"):
            return f"it attaches to a {kind} {name!r}, which the pack does not read as a Gateway"
        where = child(parent, "namespace") or namespace
        gateways = [
            g
            for g in _same_cluster(stack, route, (GATEWAY_KIND,))
            if value_at(g.props, "metadata.name") == name and value_at(g.props, "metadata.namespace") == where
        ]
        if not gateways:
            return (
                f"its Gateway {name!r} is not declared in this stack, so how it is published cannot be seen"
            )
        for gateway in gateways:
            why = _gateway_reach(gateway, route, stack)
            if why is not None:
                return why
    return None


def _gateway_reach(gateway: Resource, route: Resource, stack: Stack) -> str | None:
    class_name = value_at(gateway.props, "spec.gatewayClassName")
    if isinstance(class_name, Unknown):
        return f"the class of {gateway.label} is unknown at preview"
    classes = [
        c
        for c in _same_cluster(stack, route, (GATEWAY_CLASS_KIND,))
        if value_at(c.props, "metadata.name") == class_name
    ]
    if not classes:
        return (
            f"the class {class_name!r} of {gateway.label} is not declared in this stack, so its controller "
            "cannot be seen"
        )
    references = [
        (gateway, value_at(gateway.props, "spec.infrastructure.parametersRef")),
        *((c, value_at(c.props, "spec.parametersRef")) for c in classes),
    ]
    for gateway_class in classes:
        controller = value_at(gateway_class.props, "spec.controllerName")
        if controller not in GATEWAY_CONTROLLERS:
            shown = "unknown at preview" if isinstance(controller, Unknown) else controller
            return (
                f"{gateway.label} is of class {class_name!r}, whose controller ({shown}) is not the AWS Load "
                "Balancer Controller's (whose scheme the pack reads), so it may publish the route beyond the "
                "VPC (on the internet, or to a service network's other VPCs and accounts)"
            )
    for owner, reference in references:
        if reference is None:
            continue
        name = child(reference, "name")
        if isinstance(reference, Unknown) or isinstance(name, Unknown):
            return f"the LoadBalancerConfiguration of {owner.label} is unknown at preview"
        if child(reference, "kind") != "LoadBalancerConfiguration":
            return f"{owner.label} takes parameters the pack does not read ({child(reference, 'kind')})"
        namespace = child(reference, "namespace") or value_at(owner.props, "metadata.namespace")
        configurations = [
            c
            for c in _same_cluster(stack, route, (LOAD_BALANCER_CONFIGURATION_KIND,))
            if value_at(c.props, "metadata.name") == name
            and (namespace is None or value_at(c.props, "metadata.namespace") == namespace)
        ]
        if not configurations:
            return (
                f"{owner.label} takes its scheme from LoadBalancerConfiguration {name!r}, which is not "
                "declared in this stack, so the scheme cannot be seen"
            )
        for configuration in configurations:
            why = _public_scheme([value_at(configuration.props, "spec.scheme")], configuration.label)
            if why is not None:
                return f"{gateway.label}: {why}"
    return None


def _route_backends(route: Resource) -> list[tuple[Any, Any]]:
    """The Services a Gateway API route forwards to, by (namespace, name); None for a backend the pack does
    not follow (a ServiceImport, another namespace's Service through a ReferenceGrant)."""
    namespace = value_at(route.props, "metadata.namespace")
    names: list[tuple[Any, Any]] = []
    for backend in values_at(route.props, "spec.rules[].backendRefs[]"):
        if isinstance(backend, Unknown):
            names.append((namespace, UNKNOWN))
        elif child(backend, "kind") not in (None, "Service") or child(backend, "namespace") not in (
            None,
            namespace,
        ):
            names.append((namespace, None))
        else:
            names.append((namespace, child(backend, "name")))
    return names


ACCELERATOR_KIND = "aga.k8s.aws:GlobalAccelerator"
ACCELERATOR_ENDPOINTS = "spec.listeners[].endpointGroups[].endpoints[]"


def _named_balancers(accelerator: Resource, endpoint_id: Any, stack: Stack) -> list[Resource]:
    """The stack's load balancers an accelerator endpoint's `endpointID` names (by lineage or its ARN)."""
    balancers = stack.of_type(*LOAD_BALANCERS)
    if isinstance(endpoint_id, Unknown):
        return [b for b in stack.dependencies(accelerator, "spec") if b in balancers]
    if isinstance(endpoint_id, str) and endpoint_id:
        return [b for b in stack.named(endpoint_id) if b in balancers]
    return []


def _named_in(objects: list[Resource], name: Any, namespace: Any) -> list[Resource]:
    """The objects with this name in this namespace."""
    return [
        o
        for o in objects
        if value_at(o.props, "metadata.name") == name and value_at(o.props, "metadata.namespace") == namespace
    ]


def _accelerator_endpoints(accelerator: Resource, stack: Stack) -> tuple[list[tuple[Any, Any]], list[Any]]:
    """The Services an accelerator's endpoints publish, by (namespace, name), and the `endpointID`s that name
    no load balancer of the stack."""
    own = value_at(accelerator.props, "metadata.namespace")
    names: list[tuple[Any, Any]] = []
    unmatched: list[Any] = []
    for endpoint in values_at(accelerator.props, ACCELERATOR_ENDPOINTS) or [UNKNOWN]:
        kind = child(endpoint, "type")
        name = child(endpoint, "name")
        namespace = child(endpoint, "namespace") or own
        if isinstance(endpoint, Unknown) or isinstance(kind, Unknown):
            names.append((own, UNKNOWN))
        elif kind == "Service":
            names.append((namespace, name))
        elif kind == "Ingress":
            ingresses = _named_in(_same_cluster(stack, accelerator, INGRESS_KINDS), name, namespace)
            names.extend(
                (namespace, v)
                for i in ingresses
                for path in INGRESS_BACKENDS
                for v in values_at(i.props, path)
            )
            if not ingresses:
                names.append((namespace, None))
        elif kind == "Gateway":
            routes = [
                r
                for r in _same_cluster(stack, accelerator, ROUTE_KINDS)
                if any(
                    child(p, "name") == name
                    and (child(p, "namespace") or value_at(r.props, "metadata.namespace")) == namespace
                    for p in values_at(r.props, "spec.parentRefs")
                )
            ]
            names.extend(n for r in routes for n in _route_backends(r))
        elif not _named_balancers(accelerator, child(endpoint, "endpointID"), stack):
            unmatched.append(child(endpoint, "endpointID"))
    return names, unmatched


def _accelerator_exposure(
    stack: Stack, lineage: Lineage, protected_by_urn: dict[str, frozenset[str]], settings: Settings
) -> list[Violation]:
    """The AWS Load Balancer Controller's GlobalAccelerator objects: what each endpoint's load balancer serves
    is put on the accelerator's public anycast addresses, whatever the balancer's own scheme.

    An Ingress, Service or Gateway endpoint publishes the Services it routes to (a Service publishes itself);
    an `EndpointID` endpoint (a balancer's ARN) is judged from the store's side (`PUBLIC_FRONTS`), and one
    that names no balancer of the stack, in a stack that holds PII, cannot be seen and fails closed.
    """
    found: list[Violation] = []
    classes = ", ".join(sorted({c for held_classes in protected_by_urn.values() for c in held_classes}))
    for accelerator in stack.of_type(*_kinds(stack, (ACCELERATOR_KIND,))):
        names, unmatched = _accelerator_endpoints(accelerator, stack)
        for shown in unmatched if protected_by_urn else []:
            found.append(
                _violation(
                    accelerator,
                    f"{classes} data",
                    f"{accelerator.label} puts endpoint {shown!r} on Global Accelerator's public anycast "
                    "addresses, and it names no load balancer of this stack, so what it serves cannot be "
                    "seen",
                    "name a load balancer of this stack (its ARN from the resource), or remove the endpoint.",
                    settings,
                )
            )
        found.extend(
            _published(
                accelerator,
                names,
                f"{accelerator.label} puts its load balancer on Global Accelerator's public anycast "
                "addresses",
                stack,
                lineage,
                protected_by_urn,
                settings,
                "remove the endpoint from the accelerator, or accelerate an application, never the store.",
            )
        )
    return found


def _ingress_exposure(
    stack: Stack, lineage: Lineage, protected_by_urn: dict[str, frozenset[str]], settings: Settings
) -> list[Violation]:
    """Internet-facing Ingresses and Gateway API routes that publish a PII store, or pods the stack does not
    declare in a cluster that holds PII (what they serve cannot be seen)."""
    found: list[Violation] = []
    for ingress in stack.of_type(*_kinds(stack, INGRESS_KINDS)):
        why = _ingress_scheme(ingress, stack)
        if why is None:
            continue
        namespace = value_at(ingress.props, "metadata.namespace")
        names = [(namespace, v) for path in INGRESS_BACKENDS for v in values_at(ingress.props, path)]
        found.extend(
            _published(
                ingress,
                names,
                why,
                stack,
                lineage,
                protected_by_urn,
                settings,
                f"annotate the Ingress {ALB_SCHEME}: internal (the AWS Load Balancer Controller's default, "
                "and no internet-facing IngressClassParams) and admit only this region's networks, or route "
                "it to an application, never to the store.",
            )
        )
    for route in stack.of_type(*_kinds(stack, ROUTE_KINDS)):
        why = _gateway_scheme(route, stack)
        if why is None:
            continue
        found.extend(
            _published(
                route,
                _route_backends(route),
                why,
                stack,
                lineage,
                protected_by_urn,
                settings,
                "publish the route only through a Gateway of the AWS Load Balancer Controller whose "
                "LoadBalancerConfiguration is internal (the default), or route it to an application, never "
                "to the store.",
            )
        )
    return found


def _published(
    publisher: Resource,
    names: list[tuple[Any, Any]],
    why: str,
    stack: Stack,
    lineage: Lineage,
    protected_by_urn: dict[str, frozenset[str]],
    settings: Settings,
    fix: str,
) -> list[Violation]:
    """What a publisher (Ingress, route) that may be reachable from outside exposes: the PII stores its
    Services (each named by namespace and name) select, or, in a cluster that holds PII, Services whose pods
    the stack does not declare."""
    found = []
    in_cluster = [
        r
        for r in stack.resources
        if r.urn in protected_by_urn
        and r.type.startswith("kubernetes:")
        and r.provider_urn == publisher.provider_urn
    ]
    for namespace, name in dict.fromkeys(names):
        services = [
            s
            for s in _same_cluster(stack, publisher, ("core:Service",))
            if name is not None
            and value_at(s.props, "metadata.name") == name
            and value_at(s.props, "metadata.namespace") == namespace
        ]
        backends = [b for s in services for b in lineage.backends(s)]
        selected = [b for s in services for b in lineage.selected_workloads(s)]
        for service in services:
            found.extend(
                _forwarded_to(service, publisher, why, stack, lineage, protected_by_urn, settings, fix)
            )
            if _hand_made_endpoints(service, stack):
                selected.append(service)
        for backend in backends:
            protected = lineage.effective(backend) & settings.protected_classifications
            if protected:
                found.append(
                    _violation(
                        publisher,
                        held(lineage, backend, protected),
                        f"{publisher.label} publishes {backend.label} (through Service {name!r}): {why}",
                        fix,
                        settings,
                    )
                )
        if not selected and in_cluster:
            stores = ", ".join(sorted(r.label for r in in_cluster))
            shown = (
                name if isinstance(name, str) else "(unknown at preview, or not a Service of its namespace)"
            )
            found.append(
                _violation(
                    publisher,
                    ", ".join(sorted({c for r in in_cluster for c in protected_by_urn[r.urn]})) + " data",
                    f"{publisher.label} routes to Service {shown}, whose pods this stack does not declare, "
                    f"in a cluster that holds {stores}: {why}, and what it publishes cannot be seen",
                    "declare the workload the Service selects in this stack (or the Service itself, with "
                    f"a selector), or {fix}",
                    settings,
                )
            )
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
                if not dependencies and UNTRACED_SOURCE not in found:
                    found.append(UNTRACED_SOURCE)
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
    balancer_groups = _internet_facing_groups(stack)
    for owner, rule in _ingress_rules(group, store, stack):
        where = f"{owner.label}" if owner is not group else f"an inline ingress rule of {group.label}"
        if isinstance(rule, Unknown):
            found.append((f"{where} is unknown at preview", "declare ingress rules with literal sources."))
            continue
        found.extend(_source_problems(owner, rule, where, stack, accounts, vpc_cidrs, balancer_groups))
    return found


def _internet_facing_groups(stack: Stack) -> dict[str, Resource]:
    """The security groups of internet-facing load balancers, by group URN, each with its balancer."""
    return {
        g.urn: balancer
        for balancer in stack.of_type(*LOAD_BALANCERS)
        if _internet_facing(balancer)
        for g in stack.of_type(*GROUP_TYPES)
        if stack.refers_to(balancer, "securityGroups", g)
    }


UNTRACED_SOURCE = "(unknown at preview)"
"""What `_referenced_groups` gives for a source group unknown at preview that no group of the stack
computes."""


def _source_problems(
    owner: Resource,
    rule: Any,
    where: str,
    stack: Stack,
    accounts: frozenset[str],
    vpc_cidrs: list[Any],
    balancer_groups: dict[str, Resource],
) -> list[tuple[str, str]]:
    """What an ingress rule admits beyond the store's VPC: each CIDR, source group and prefix list it names.

    A source must be traced to this deployment's own networks: a CIDR inside the VPC, a group of the stack
    in the deployment's accounts (not an internet-facing balancer's), a prefix list the stack declares whose
    entries all lie inside the VPC. Anything else, or anything the preview cannot trace, fails closed.
    """
    found = []
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
        if admitted == UNTRACED_SOURCE:
            found.append(
                (
                    f"{where} admits a security group unknown at preview that no security group of this "
                    "stack computes (another stack's output, or a value the pack cannot trace), so whose "
                    "members it admits cannot be seen",
                    "reference the source group declared in this stack (group.id).",
                )
            )
            continue
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
    found.extend(_prefix_list_problems(owner, rule, where, stack, vpc_cidrs))
    return found


MANAGED_PREFIX_LIST = "aws:ec2/managedPrefixList:ManagedPrefixList"
MANAGED_PREFIX_LIST_ENTRY = "aws:ec2/managedPrefixListEntry:ManagedPrefixListEntry"
PREFIX_LIST_PATHS = ("prefixListIds", "prefixListId")
"""Where an inline rule or `SecurityGroupRule` (`prefixListIds`) and a `SecurityGroupIngressRule`
(`prefixListId`) name the prefix lists they admit."""


def _prefix_list_problems(
    owner: Resource, rule: Any, where: str, stack: Stack, vpc_cidrs: list[Any]
) -> list[tuple[str, str]]:
    """What the prefix lists an ingress rule admits reach beyond the VPC, entry by entry.

    A list the stack declares is judged by its entries (its own `entries` and every `ManagedPrefixListEntry`
    added to it); one it does not declare (AWS-managed, as CloudFront's origin-facing list, or another
    stack's) or one unknown at preview that no list of the stack computes cannot be checked.
    """
    found: list[tuple[str, str]] = []
    fix = (
        "admit source security groups, or a prefix list declared in this stack whose entries lie inside "
        "the VPC."
    )
    prop_of = "ingress" if owner.type in GROUP_TYPES else None
    for path in PREFIX_LIST_PATHS:
        values = values_at(rule, path)
        if not values:
            continue
        dependencies = [
            d for d in stack.dependencies(owner, prop_of or path) if d.type == MANAGED_PREFIX_LIST
        ]
        lists: list[Resource] = []
        for value in values:
            if isinstance(value, Unknown):
                if not dependencies:
                    found.append(
                        (f"{where} admits a prefix list unknown at preview, whose CIDRs cannot be seen", fix)
                    )
                lists.extend(d for d in dependencies if d not in lists)
            elif isinstance(value, str) and value:
                named = [p for p in stack.named(value) if p.type == MANAGED_PREFIX_LIST] or dependencies
                if not named:
                    found.append(
                        (
                            f"{where} admits prefix list {value}, which this stack does not declare (an "
                            "AWS-managed list or another stack's), so its CIDRs cannot be checked",
                            fix,
                        )
                    )
                lists.extend(p for p in named if p not in lists)
        for prefix_list in lists:
            cidrs = [*values_at(prefix_list.props, "entries[].cidr")]
            if isinstance(child(prefix_list.props, "entries"), Unknown):
                cidrs.append(UNKNOWN)
            cidrs += [
                child(entry.props, "cidr")
                for entry in stack.of_type(MANAGED_PREFIX_LIST_ENTRY)
                if stack.refers_to(entry, "prefixListId", prefix_list)
            ]
            for cidr in cidrs:
                problem = _cidr_problem(cidr, vpc_cidrs)
                if problem:
                    found.append(
                        (f"{where} admits prefix list {prefix_list.label}, whose entry {problem}", fix)
                    )
    return found


def _load_balancer_exposure(store: Resource, stack: Stack, accounts: frozenset[str]) -> list[tuple[str, str]]:
    """A load balancer reachable from outside whose target group targets the store passes that to it.

    A target is the store when it names the store (lineage or identity), or when it is an IP address in one
    of the store's subnets (an RDS or cache endpoint resolves to an address there, which an NLB IP target
    accepts). A balancer is reachable from outside when it is internet-facing, when an endpoint service
    (PrivateLink) in front of it admits everyone or another account, or when something AWS serves from
    outside the VPC fronts it (`_fronts`): an internal balancer alone is fine, a public front door to it is
    exposure.
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
        for balancer in _forwarding_balancers(attachment, stack):
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
            for why in _fronts(balancer, stack, accounts, frozenset({balancer.urn})):
                found.append(
                    (
                        f"{balancer.label}, which forwards to it ({how}), is reachable from outside its VPC: "
                        f"{why}",
                        "remove the public front door (or point it at an application that serves no personal "
                        "data), or remove the store from the balancer's targets.",
                    )
                )
    return found


LISTENER_RULES = ("aws:lb/listenerRule:ListenerRule", "aws:alb/listenerRule:ListenerRule")
_FORWARDS = {
    "listener": ("defaultActions[].targetGroupArn", "defaultActions[].forward.targetGroups[].arn"),
    "rule": ("actions[].targetGroupArn", "actions[].forward.targetGroups[].arn"),
}
"""Where a listener (its default actions) and a listener rule (its actions) name the target groups they
forward to."""


def _forwarding_balancers(attachment: Resource, stack: Stack) -> list[Resource]:
    """The balancers whose listeners (default actions, or rules) forward to an attachment's target group."""
    listeners: list[Resource] = []
    for listener in stack.of_type(*LISTENERS):
        if any(_forwards_to(listener, path, attachment, stack) for path in _FORWARDS["listener"]):
            listeners.append(listener)
    for rule in stack.of_type(*LISTENER_RULES):
        if any(_forwards_to(rule, path, attachment, stack) for path in _FORWARDS["rule"]):
            listeners.extend(
                listener
                for listener in stack.of_type(*LISTENERS)
                if stack.refers_to(rule, "listenerArn", listener) and listener not in listeners
            )
    found: list[Resource] = []
    for listener in listeners:
        for balancer in stack.of_type(*LOAD_BALANCERS):
            if stack.refers_to(listener, "loadBalancerArn", balancer) and balancer not in found:
                found.append(balancer)
    return found


def _forwards_to(action_owner: Resource, path: str, attachment: Resource, stack: Stack) -> bool:
    """Whether a listener's or rule's actions name the target group an attachment registers in."""
    return any(
        stack.refers_to(attachment, "targetGroupArn", group)
        for group in [
            *stack.dependencies(action_owner, path),
            *(g for v in known_strings(values_at(action_owner.props, path)) for g in stack.named(v)),
        ]
    )


PUBLIC_FRONTS: dict[str, tuple[tuple[str, ...], str]] = {
    "aws:globalaccelerator/endpointGroup:EndpointGroup": (
        ("endpointConfigurations[].endpointId",),
        "a Global Accelerator endpoint group, which routes its accelerator's public anycast addresses to it",
    ),
    "aws:globalaccelerator/crossAccountAttachment:CrossAccountAttachment": (
        ("resources[].endpointId",),
        "a Global Accelerator cross-account attachment, which lets its principals' accelerators route the "
        "internet to it",
    ),
    "aws:apigateway/vpcLink:VpcLink": (
        ("targetArn", "targetArns"),
        "a REST API VPC link, through which API Gateway's endpoints forward requests to it",
    ),
    "aws:apigateway/integration:Integration": (
        ("integrationTarget",),
        "a REST API private integration (VPC link V2), through which the API's endpoint forwards requests "
        "to it",
    ),
    "aws:apigatewayv2/integration:Integration": (
        ("integrationUri",),
        "an HTTP API private integration (VPC link), through which the API's endpoint forwards requests "
        "to it",
    ),
    "aws:cloudfront/vpcOrigin:VpcOrigin": (
        ("vpcOriginEndpointConfig.arn",),
        "a CloudFront VPC origin, through which CloudFront's edge locations forward viewers' requests to it",
    ),
    "kubernetes:aga.k8s.aws/v1beta1:GlobalAccelerator": (
        (f"{ACCELERATOR_ENDPOINTS}.endpointID",),
        "a GlobalAccelerator of the AWS Load Balancer Controller, which routes its accelerator's public "
        "anycast addresses to it",
    ),
    "aws:vpclattice/targetGroupAttachment:TargetGroupAttachment": (
        ("target.id",),
        "a VPC Lattice target, which every VPC and account of its service's service networks reaches",
    ),
}
"""Resources AWS serves from outside a balancer's VPC that forward to the balancer or one of its listeners,
each with the paths that name it and what it is, in wire names."""

NOT_FRONTS = frozenset(
    {
        *(
            f"aws:{module}/{name}"
            for module in ("lb", "alb")
            for name in (
                "listener:Listener",
                "listenerRule:ListenerRule",
                "listenerCertificate:ListenerCertificate",
                "targetGroup:TargetGroup",
                "targetGroupAttachment:TargetGroupAttachment",
            )
        ),
        ENDPOINT_SERVICE,
        ENDPOINT_SERVICE_PRINCIPAL,
    }
)
"""Types that name a balancer without fronting it from outside (its own parts; endpoint services, judged by
the principals they admit)."""
NOT_FRONT_PREFIXES = ("aws:iam/",)
"""Services whose resources name a balancer to grant calls on it (IAM policies), never to carry traffic."""


def _fronts(balancer: Resource, stack: Stack, accounts: frozenset[str], seen: frozenset[str]) -> list[str]:
    """Why a balancer is reachable from outside its VPC through something in front of it, besides its own
    scheme and endpoint services.

    A known front (`PUBLIC_FRONTS`) that names the balancer or one of its listeners exposes it; so does a
    balancer reachable from outside that targets it (an NLB with an ALB target), through any number of
    balancers. Any other resource that is not neutral and names the balancer or a listener of it may front it
    in a way the pack does not read: it fails closed, naming the type to review.
    """
    parts = [
        balancer,
        *(lst for lst in stack.of_type(*LISTENERS) if stack.refers_to(lst, "loadBalancerArn", balancer)),
    ]
    found: list[str] = []
    judged: set[str] = set()
    for front_type, (paths, what) in PUBLIC_FRONTS.items():
        for front in stack.of_type(front_type):
            if any(stack.refers_to(front, path, part) for path in paths for part in parts):
                judged.add(front.urn)
                found.append(f"{front.label} is {what}")
    for attachment in stack.of_type(*TARGET_GROUP_ATTACHMENTS):
        if not stack.refers_to(attachment, "targetId", balancer):
            continue
        judged.add(attachment.urn)
        for outer in _forwarding_balancers(attachment, stack):
            if outer.urn in seen:
                continue
            if _internet_facing(outer):
                found.append(f"the internet-facing {outer.label} forwards to it ({attachment.label})")
            for service, principal in _endpoint_services(outer, stack, accounts):
                found.append(
                    f"{service.label} opens {outer.label}, which forwards to it ({attachment.label}), to "
                    f"{principal}"
                )
            found.extend(
                f"{outer.label} forwards to it ({attachment.label}), and {why}"
                for why in _fronts(outer, stack, accounts, seen | {outer.urn})
            )
    for part in parts:
        for dependent in stack.dependents(part):
            if dependent.urn in judged or dependent.type in NOT_FRONTS or dependent in parts:
                continue
            if dependent.type.startswith(NOT_FRONT_PREFIXES):
                continue
            categories = dependent.categories
            if categories is not None and categories <= {Category.NEUTRAL}:
                continue
            if dependent.type in PUBLIC_FRONTS:
                continue
            judged.add(dependent.urn)
            found.append(
                f"{dependent.label} names {part.label}, and the pack does not read whether that type serves "
                "it from outside the VPC (review the type's triage in policies/residency_facts)"
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
    arn = parse_arn(principal)
    account = arn.account if arn is not None else ""
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
    balancer_groups = _internet_facing_groups(stack)
    found = []
    rules = [r for r in stack.of_type(SECURITY_GROUP_RULE) if child(r.props, "type") == "ingress"]
    for rule in [*rules, *stack.of_type(INGRESS_RULE)]:
        group_id = child(rule.props, "securityGroupId")
        if stack.dependencies(rule, "securityGroupId"):
            continue
        if isinstance(group_id, str) and [g for g in stack.named(group_id) if g.type in GROUP_TYPES]:
            continue
        problems = _source_problems(
            rule, rule.props, rule.label, stack, settings.account_ids, vpc_cidrs, balancer_groups
        )
        if not problems:
            continue
        named = group_id if isinstance(group_id, str) else "a group unknown at preview"
        groups = ", ".join(dict.fromkeys(g.label for g in unmatched_groups))
        kinds = ", ".join(sorted(frozenset().union(*(protected_by_urn[s.urn] for s in stores))))
        admits = "; ".join(problem.removeprefix(f"{rule.label} admits ") for problem, _ in problems)
        found.append(
            violation(
                rule,
                f"{rule.label} admits {admits} into security group {named}, which this preview "
                f"cannot match to a group of the stack: it may be {groups}, which guards {kinds} data",
                f"personal data protected by {settings.law} must be reachable only by this region's "
                "services; a rule the pack cannot place may open a PII store to the internet or another "
                "region.",
                "name the group by a reference to the stack's resource (group.id), not a literal id AWS "
                "generated for a deployed stack, so the pack can see which store it opens; and admit only "
                "security groups of this stack, never a CIDR outside the VPC or a prefix list it cannot "
                "check.",
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
