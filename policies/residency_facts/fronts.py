"""The network front doors of data stores that take connections under security groups of their own, read by
`residency_policies/exposure_store_fronts.py` (pii-not-public).

Each of these resources puts network interfaces of its own in a VPC, under its own security groups, and passes
the connections it takes to the store behind it (AWS documentation of each type: RDS Proxy and its
endpoints, "Accessing a Redshift cluster through a Redshift-managed VPC endpoint", Redshift Serverless
workgroups and their endpoints, OpenSearch Service's interface VPC endpoints of a domain, MSK multi-VPC
private connectivity, S3 Files mount targets). What its groups admit reaches the store, so they count as the
store's own. None of them has a public switch: RDS Proxy, Redshift-managed endpoints, domain VPC endpoints
and MSK VPC connections are reachable only on their VPC's network (a Redshift Serverless workgroup's
`publiclyAccessible` is judged as a grant to everyone, `mechanisms.GRANTS`).
"""

from __future__ import annotations

from typing import NamedTuple


class NetworkFront(NamedTuple):
    """How a front door names its security groups and the store (or the other front door) it passes to."""

    what: str
    """What it is, in words for a violation message ("a proxy endpoint")."""

    security_groups: tuple[str, ...]
    """Paths naming its security groups (none named: its VPC's default group)."""

    stores: tuple[str, ...] = ()
    """Paths naming the store it passes connections to (by lineage or identity)."""

    through: tuple[str, ...] = ()
    """Paths naming the front door of this table it belongs to, whose stores it reaches (a proxy endpoint's
    proxy)."""

    registered_by: tuple[tuple[str, str, tuple[str, ...]], ...] = ()
    """(type, path naming the front door, paths naming the store): the resources that register stores with it
    (an RDS Proxy's targets)."""


RDS_PROXY = "aws:rds/proxy:Proxy"
REDSHIFT_SERVERLESS_WORKGROUP = "aws:redshiftserverless/workgroup:Workgroup"
RDS_PROXY_TARGET = "aws:rds/proxyTarget:ProxyTarget"
RDS_PROXY_DEBUG_LOG_GROUP = "/aws/rds/proxy/{name}"
"""Where an RDS Proxy with `debugLogging` writes its debug logs, which include the text of the SQL statements
sent through it (with the literal values they carry): a log group of its `name`, in its region and account,
that RDS creates with CloudWatch's default key and no expiry when the stack declares none (docs.aws.amazon.com
AmazonRDS/latest/UserGuide/rds-proxy.troubleshooting.html, rds-proxy-monitoring.html, "Debug logging ... the
SQL statements"; checked 2026-12-03; reviewer blind-compliant16 v03)."""

NETWORK_FRONTS: dict[str, NetworkFront] = {
    RDS_PROXY: NetworkFront(
        "a database proxy",
        ("vpcSecurityGroupIds",),
        registered_by=(
            (
                RDS_PROXY_TARGET,
                "dbProxyName",
                ("dbInstanceIdentifier", "dbClusterIdentifier"),
            ),
        ),
    ),
    "aws:rds/proxyEndpoint:ProxyEndpoint": NetworkFront(
        "a proxy endpoint", ("vpcSecurityGroupIds",), through=("dbProxyName",)
    ),
    "aws:redshift/endpointAccess:EndpointAccess": NetworkFront(
        "a Redshift-managed VPC endpoint", ("vpcSecurityGroupIds",), stores=("clusterIdentifier",)
    ),
    REDSHIFT_SERVERLESS_WORKGROUP: NetworkFront(
        "a Redshift Serverless workgroup", ("securityGroupIds",), stores=("namespaceName",)
    ),
    "aws:redshiftserverless/endpointAccess:EndpointAccess": NetworkFront(
        "a workgroup endpoint", ("vpcSecurityGroupIds",), through=("workgroupName",)
    ),
    "aws:opensearch/vpcEndpoint:VpcEndpoint": NetworkFront(
        "a domain VPC endpoint", ("vpcOptions.securityGroupIds",), stores=("domainArn",)
    ),
    "aws:elasticsearch/vpcEndpoint:VpcEndpoint": NetworkFront(
        "a domain VPC endpoint", ("vpcOptions.securityGroupIds",), stores=("domainArn",)
    ),
    "aws:msk/vpcConnection:VpcConnection": NetworkFront(
        "a multi-VPC connection", ("securityGroups",), stores=("targetClusterArn",)
    ),
    "aws:s3/filesMountTarget:FilesMountTarget": NetworkFront(
        "an S3 Files mount target", ("securityGroups",), stores=("fileSystemId",)
    ),
}
"""Front door type -> how it names its security groups and what it fronts."""
