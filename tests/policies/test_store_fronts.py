"""pii-not-public: the security groups of a store's network front doors count as the store's own.

The baseline puts the region's PII database behind an RDS Proxy (its target registers the database) and a
proxy endpoint, both under a group that admits only the node group. Each test opens one front door's group,
or makes the store it fronts untraceable: what a front door's group admits reaches the store (reviewer
blind-aws13 a11). The other front doors of `residency_facts/fronts.NETWORK_FRONTS` are judged the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from residency_facts.fronts import NETWORK_FRONTS
from tests.policies.baseline import Region, eu_region
from tests.policies.policy_harness import UNKNOWN, Res, messages, violations
from tests.policies.sdk_schema import input_schema, missing_step

POLICY = "pii-not-public"
OPEN = [{"protocol": "tcp", "fromPort": 5432, "toPort": 5432, "cidrBlocks": ["0.0.0.0/0"]}]


def _group(region: Region, name: str) -> Res:
    """A security group in the region's VPC admitting only the node group."""
    return Res(
        "aws:ec2/securityGroup:SecurityGroup",
        name,
        {
            "vpcId": UNKNOWN,
            "ingress": [{"protocol": "tcp", "fromPort": 5432, "toPort": 5432, "securityGroups": [UNKNOWN]}],
        },
        region.provider,
        deps={"vpcId": [region.vpc], "ingress": [region.node_group]},
    )


@dataclass
class Proxied:
    """The baseline region with its database behind a proxy and a proxy endpoint."""

    region: Region
    proxy_group: Res
    proxy: Res
    target: Res
    endpoint_group: Res
    endpoint: Res

    @property
    def resources(self) -> list[Res]:
        """Every resource of the stack."""
        return [
            *self.region.resources,
            self.proxy_group,
            self.proxy,
            self.target,
            self.endpoint_group,
            self.endpoint,
        ]


def _proxied() -> Proxied:
    region = eu_region()
    proxy_group = _group(region, "proxy")
    proxy = Res(
        "aws:rds/proxy:Proxy",
        "customers-proxy",
        {
            "name": "customers-proxy",
            "engineFamily": "POSTGRESQL",
            "roleArn": UNKNOWN,
            "requireTls": True,
            "vpcSubnetIds": ["subnet-1", "subnet-2"],
            "vpcSecurityGroupIds": [UNKNOWN],
        },
        region.provider,
        deps={"vpcSecurityGroupIds": [proxy_group]},
    )
    target = Res(
        "aws:rds/proxyTarget:ProxyTarget",
        "customers-proxy-target",
        {"dbProxyName": UNKNOWN, "targetGroupName": "default", "dbInstanceIdentifier": UNKNOWN},
        region.provider,
        deps={"dbProxyName": [proxy], "dbInstanceIdentifier": [region.database]},
    )
    endpoint_group = _group(region, "bi-endpoint")
    endpoint = Res(
        "aws:rds/proxyEndpoint:ProxyEndpoint",
        "bi-readonly",
        {
            "dbProxyName": UNKNOWN,
            "dbProxyEndpointName": "bi-readonly",
            "targetRole": "READ_ONLY",
            "vpcSubnetIds": ["subnet-1", "subnet-2"],
            "vpcSecurityGroupIds": [UNKNOWN],
        },
        region.provider,
        deps={"dbProxyName": [proxy], "vpcSecurityGroupIds": [endpoint_group]},
    )
    return Proxied(region, proxy_group, proxy, target, endpoint_group, endpoint)


def test_a_proxy_and_endpoint_admitting_only_the_stacks_groups_are_allowed() -> None:
    proxied = _proxied()
    assert violations(proxied.resources, POLICY) == []


def test_a_proxy_endpoint_whose_group_admits_the_internet_exposes_the_database() -> None:
    proxied = _proxied()
    proxied.endpoint_group.props["ingress"] = OPEN
    found = violations(proxied.resources, POLICY)
    assert [d.urn for d in found] == [proxied.region.database.urn]
    assert "'bi-readonly', a proxy endpoint in front of it" in found[0].message
    assert "admits 0.0.0.0/0, the whole internet" in found[0].message


def test_a_proxy_whose_group_admits_the_internet_exposes_the_database() -> None:
    proxied = _proxied()
    proxied.proxy_group.props["ingress"] = OPEN
    found = violations(proxied.resources, POLICY)
    assert [d.urn for d in found] == [proxied.region.database.urn]
    assert "'customers-proxy', a database proxy in front of it" in found[0].message
    assert "its target aws:rds/proxyTarget:ProxyTarget 'customers-proxy-target'" in found[0].message


def test_a_proxy_endpoint_whose_group_is_not_declared_exposes_the_database() -> None:
    proxied = _proxied()
    proxied.endpoint.props["vpcSecurityGroupIds"] = ["sg-0123456789abcdef0"]
    del proxied.endpoint.deps["vpcSecurityGroupIds"]
    found = violations(proxied.resources, POLICY)
    assert "its security group sg-0123456789abcdef0 is not declared in this stack" in messages(found)


def test_an_open_proxy_whose_targets_are_not_declared_fails_closed() -> None:
    proxied = _proxied()
    proxied.proxy_group.props["ingress"] = OPEN
    resources = [r for r in proxied.resources if r is not proxied.target]
    found = violations(resources, POLICY)
    assert [d.urn for d in found] == [proxied.proxy.urn]
    assert "its targets (aws:rds/proxyTarget:ProxyTarget) are not declared in this stack" in messages(found)


def test_a_closed_proxy_whose_targets_are_not_declared_is_allowed() -> None:
    proxied = _proxied()
    resources = [r for r in proxied.resources if r is not proxied.target]
    assert violations(resources, POLICY) == []


def test_an_open_endpoint_of_a_proxy_the_stack_does_not_declare_fails_closed() -> None:
    proxied = _proxied()
    proxied.endpoint_group.props["ingress"] = OPEN
    proxied.endpoint.props["dbProxyName"] = "shared-proxy"
    del proxied.endpoint.deps["dbProxyName"]
    found = violations(proxied.resources, POLICY)
    assert [d.urn for d in found] == [proxied.endpoint.urn]
    assert "dbProxyName names 'shared-proxy', which this stack does not declare" in found[0].message


def _redshift(region: Region) -> Res:
    return Res(
        "aws:redshift/cluster:Cluster",
        "warehouse",
        {
            "clusterIdentifier": "warehouse",
            "nodeType": "ra3.xlplus",
            "encrypted": True,
            "kmsKeyId": UNKNOWN,
            "publiclyAccessible": False,
            "vpcSecurityGroupIds": [UNKNOWN],
            "tags": {"data-classification": "pii"},
        },
        region.provider,
        protect=True,
        deps={"kmsKeyId": [region.key], "vpcSecurityGroupIds": [region.database_group]},
    )


def _domain(region: Region) -> Res:
    return Res(
        "aws:opensearch/domain:Domain",
        "search",
        {
            "domainName": "search",
            "encryptAtRest": {"enabled": True, "kmsKeyId": UNKNOWN},
            "vpcOptions": {"subnetIds": ["subnet-1"], "securityGroupIds": [UNKNOWN]},
            "tags": {"data-classification": "pii"},
        },
        region.provider,
        protect=True,
        deps={"encryptAtRest": [region.key], "vpcOptions": [region.database_group]},
    )


def _kafka(region: Region) -> Res:
    return Res(
        "aws:msk/cluster:Cluster",
        "events",
        {
            "clusterName": "events",
            "brokerNodeGroupInfo": {"clientSubnets": ["subnet-1"], "securityGroups": [UNKNOWN]},
            "tags": {"data-classification": "pii"},
        },
        region.provider,
        protect=True,
        deps={"brokerNodeGroupInfo": [region.database_group]},
    )


def _namespace(region: Region) -> Res:
    return Res(
        "aws:redshiftserverless/namespace:Namespace",
        "analytics",
        {"namespaceName": "analytics", "kmsKeyId": UNKNOWN, "tags": {"data-classification": "pii"}},
        region.provider,
        protect=True,
        deps={"kmsKeyId": [region.key]},
    )


def _file_system(region: Region) -> Res:
    return Res(
        "aws:s3/filesFileSystem:FilesFileSystem",
        "documents",
        {"bucket": "acme-documents", "kmsKeyId": UNKNOWN, "tags": {"data-classification": "pii"}},
        region.provider,
        protect=True,
        deps={"kmsKeyId": [region.key]},
    )


StoreFront = Callable[[Region, Res], tuple[Res, list[Res]]]


def _redshift_endpoint(region: Region, group: Res) -> tuple[Res, list[Res]]:
    store = _redshift(region)
    front = Res(
        "aws:redshift/endpointAccess:EndpointAccess",
        "warehouse-bi",
        {
            "endpointName": "warehouse-bi",
            "clusterIdentifier": UNKNOWN,
            "subnetGroupName": "bi",
            "vpcSecurityGroupIds": [UNKNOWN],
        },
        region.provider,
        deps={"clusterIdentifier": [store], "vpcSecurityGroupIds": [group]},
    )
    return store, [store, front]


def _workgroup_endpoint(region: Region, group: Res) -> tuple[Res, list[Res]]:
    store = _namespace(region)
    workgroup = Res(
        "aws:redshiftserverless/workgroup:Workgroup",
        "analytics",
        {
            "workgroupName": "analytics",
            "namespaceName": UNKNOWN,
            "publiclyAccessible": False,
            "securityGroupIds": [UNKNOWN],
        },
        region.provider,
        deps={"namespaceName": [store], "securityGroupIds": [region.database_group]},
    )
    front = Res(
        "aws:redshiftserverless/endpointAccess:EndpointAccess",
        "analytics-bi",
        {
            "endpointName": "analytics-bi",
            "workgroupName": UNKNOWN,
            "subnetIds": ["subnet-1"],
            "vpcSecurityGroupIds": [UNKNOWN],
        },
        region.provider,
        deps={"workgroupName": [workgroup], "vpcSecurityGroupIds": [group]},
    )
    return store, [store, workgroup, front]


def _workgroup(region: Region, group: Res) -> tuple[Res, list[Res]]:
    store = _namespace(region)
    front = Res(
        "aws:redshiftserverless/workgroup:Workgroup",
        "analytics",
        {
            "workgroupName": "analytics",
            "namespaceName": UNKNOWN,
            "publiclyAccessible": False,
            "securityGroupIds": [UNKNOWN],
        },
        region.provider,
        deps={"namespaceName": [store], "securityGroupIds": [group]},
    )
    return store, [store, front]


def _domain_endpoint(region: Region, group: Res) -> tuple[Res, list[Res]]:
    store = _domain(region)
    front = Res(
        "aws:opensearch/vpcEndpoint:VpcEndpoint",
        "search-bi",
        {"domainArn": UNKNOWN, "vpcOptions": {"subnetIds": ["subnet-1"], "securityGroupIds": [UNKNOWN]}},
        region.provider,
        deps={"domainArn": [store], "vpcOptions": [group]},
    )
    return store, [store, front]


def _kafka_connection(region: Region, group: Res) -> tuple[Res, list[Res]]:
    store = _kafka(region)
    front = Res(
        "aws:msk/vpcConnection:VpcConnection",
        "events-partner",
        {
            "authentication": "SASL_IAM",
            "targetClusterArn": UNKNOWN,
            "vpcId": UNKNOWN,
            "clientSubnets": ["subnet-1"],
            "securityGroups": [UNKNOWN],
        },
        region.provider,
        deps={"targetClusterArn": [store], "vpcId": [region.vpc], "securityGroups": [group]},
    )
    return store, [store, front]


def _files_mount_target(region: Region, group: Res) -> tuple[Res, list[Res]]:
    store = _file_system(region)
    front = Res(
        "aws:s3/filesMountTarget:FilesMountTarget",
        "documents-a",
        {"fileSystemId": UNKNOWN, "subnetId": "subnet-1", "securityGroups": [UNKNOWN]},
        region.provider,
        deps={"fileSystemId": [store], "securityGroups": [group]},
    )
    return store, [store, front]


OTHER_FRONTS: dict[str, StoreFront] = {
    "redshift endpoint access": _redshift_endpoint,
    "redshift serverless workgroup": _workgroup,
    "redshift serverless endpoint access": _workgroup_endpoint,
    "opensearch domain vpc endpoint": _domain_endpoint,
    "msk vpc connection": _kafka_connection,
    "s3 files mount target": _files_mount_target,
}


@pytest.mark.parametrize("front", sorted(OTHER_FRONTS))
def test_other_front_doors_admitting_only_the_stacks_groups_are_allowed(front: str) -> None:
    region = eu_region()
    group = _group(region, "front")
    _, resources = OTHER_FRONTS[front](region, group)
    assert violations([*region.resources, group, *resources], POLICY) == []


@pytest.mark.parametrize("front", sorted(OTHER_FRONTS))
def test_other_front_doors_whose_group_admits_the_internet_expose_their_store(front: str) -> None:
    region = eu_region()
    group = _group(region, "front")
    group.props["ingress"] = OPEN
    store, resources = OTHER_FRONTS[front](region, group)
    found = violations([*region.resources, group, *resources], POLICY)
    assert [d.urn for d in found] == [store.urn]
    assert "in front of it" in found[0].message and "admits 0.0.0.0/0" in found[0].message


@pytest.mark.mode_independent
@pytest.mark.parametrize("token", sorted(NETWORK_FRONTS))
def test_every_path_of_a_front_door_names_an_input_the_sdk_defines(token: str) -> None:
    front = NETWORK_FRONTS[token]
    paths = [*front.security_groups, *front.stores, *front.through]
    assert all(missing_step(input_schema(token), path) is None for path in paths)
    for registration, front_path, store_paths in front.registered_by:
        schema = input_schema(registration)
        assert all(missing_step(schema, path) is None for path in (front_path, *store_paths))
