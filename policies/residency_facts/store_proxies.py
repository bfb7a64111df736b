"""Workloads that relay a data store's own wire protocol: a published one publishes the store.

A connection pooler or TCP proxy (PgBouncer in front of RDS, socat forwarding 5432) answers nothing of its
own: every login and query it accepts reaches the store it names. Decision (reviewer blind-k8s13 k03): a
workload whose configuration names a PII store (its endpoint, by reference or by its host, in its inputs or
the ConfigMaps and Secrets it reads) is a front door of that store when its image is a database proxy or TCP
forwarder below, or when what publishes it exposes a database port (below, or the store's own `port`);
pii-not-public then judges its publication as the store's (`residency_policies/exposure_proxies.py`). An
application that reads the store and answers its own requests (an API behind the HTTPS load balancer) is
not a relay: what it serves is its own business.

Images by the last segment of their repository, without tag: bitnami/pgbouncer, edoburu/pgbouncer,
bitnami/pgpool, pgpool/pgpool, postgresml/pgcat, yandex/odyssey, supabase/supavisor, proxysql/proxysql,
mariadb/maxscale, mysql/mysql-router, haproxy and haproxytech/haproxy-*, envoyproxy/envoy and its
distroless build, alpine/socat, cloud-sql-connectors/cloud-sql-proxy (and the older cloudsql-proxy),
alloydb-auth-proxy, dweomer/stunnel, ghostunnel/ghostunnel, twemproxy (nutcracker), predixy.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

PROXY_IMAGES: Mapping[str, str] = MappingProxyType(
    {
        "pgbouncer": "PgBouncer, a PostgreSQL connection pooler",
        "pgpool": "Pgpool-II, a PostgreSQL proxy",
        "pgpool2": "Pgpool-II, a PostgreSQL proxy",
        "pgcat": "PgCat, a PostgreSQL pooler",
        "odyssey": "Odyssey, a PostgreSQL pooler",
        "supavisor": "Supavisor, a PostgreSQL pooler",
        "proxysql": "ProxySQL, a MySQL proxy",
        "maxscale": "MaxScale, a MariaDB and MySQL proxy",
        "mysql-router": "MySQL Router",
        "haproxy": "HAProxy, a TCP proxy",
        "haproxy-alpine": "HAProxy, a TCP proxy",
        "haproxy-debian": "HAProxy, a TCP proxy",
        "envoy": "Envoy, a TCP proxy",
        "envoy-distroless": "Envoy, a TCP proxy",
        "socat": "socat, a TCP forwarder",
        "stunnel": "stunnel, a TLS forwarder",
        "ghostunnel": "ghostunnel, a TLS forwarder",
        "twemproxy": "twemproxy, a Redis and Memcached proxy",
        "nutcracker": "twemproxy, a Redis and Memcached proxy",
        "predixy": "Predixy, a Redis proxy",
        "cloud-sql-proxy": "a database auth proxy",
        "cloudsql-proxy": "a database auth proxy",
        "alloydb-auth-proxy": "a database auth proxy",
    }
)
"""Images that relay a store's protocol to whatever their configuration names, with what they are."""

DATABASE_PORTS: Mapping[int, str] = MappingProxyType(
    {
        5432: "PostgreSQL",
        6432: "PgBouncer",
        3306: "MySQL",
        33060: "MySQL X",
        1433: "SQL Server",
        1521: "Oracle",
        5439: "Redshift",
        6379: "Redis",
        11211: "Memcached",
        27017: "MongoDB (DocumentDB)",
        9042: "Cassandra (Keyspaces)",
        8182: "Neptune (Gremlin)",
        8111: "DAX",
        9092: "Kafka",
        9094: "Kafka (TLS)",
        9096: "Kafka (SASL/SCRAM)",
        9098: "Kafka (IAM)",
    }
)
"""Ports of the data stores' wire protocols (engine defaults): a published port among them, or the store's own
`port`, carries the protocol of the store the workload names."""
