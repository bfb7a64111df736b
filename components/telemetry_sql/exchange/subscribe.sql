-- Subscribes this exchange to a peer region's anonymised table; run on every deployment after configure.sql.
-- Creates the subscription when missing and points it at a changed endpoint or password otherwise.
-- psql variables: source_region, peer_host, peer_port, peer_database, peer_sslmode, and optionally
-- peer_sslrootcert (a CA file on this server, for sslmode verify-ca / verify-full).
-- Environment (from a Kubernetes Secret): TELEMETRY_PEER_REPLICATION_PASSWORD, the peer's replication password.
-- CREATE SUBSCRIPTION cannot run inside a transaction block, hence \gexec rather than a DO block.
-- __init__.py puts hide_secrets.sql before this script, so no password here reaches a log.

\getenv peer_replication_password TELEMETRY_PEER_REPLICATION_PASSWORD
\if :{?peer_replication_password}
\else
DO $subscribe$ BEGIN RAISE EXCEPTION 'TELEMETRY_PEER_REPLICATION_PASSWORD is not set'; END $subscribe$;
\endif
\if :{?peer_sslrootcert}
\else
\set peer_sslrootcert ''
\endif

-- Always one row; a NULL leaves its variable unset (psql's \gset), which the \if below reports.
SELECT exchange_admin.anonymised_table(:'source_region') AS source_table,
       'telemetry_anonymised_' || :'source_region' AS publication,
       'telemetry_anonymised_' || :'source_region' || '_to_' || s.region AS subscription
FROM (SELECT 1) AS one
LEFT JOIN exchange_admin.settings AS s ON s.region <> :'source_region'
\gset
\if :{?subscription}
\else
DO $subscribe$ BEGIN RAISE EXCEPTION 'run configure.sql first, and subscribe only to another region'; END $subscribe$;
\endif

SELECT CASE WHEN :'peer_sslmode' IN ('disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full') THEN
    concat_ws(' ',
        'host=' || exchange_admin.conninfo_value(:'peer_host'),
        'port=' || exchange_admin.conninfo_value(:'peer_port'),
        'dbname=' || exchange_admin.conninfo_value(:'peer_database'),
        'user=' || exchange_admin.conninfo_value('telemetry_replicator'),
        'password=' || exchange_admin.conninfo_value(:'peer_replication_password'),
        'sslmode=' || exchange_admin.conninfo_value(:'peer_sslmode'),
        'sslrootcert=' || exchange_admin.conninfo_value(nullif(:'peer_sslrootcert', '')),
        'application_name=' || exchange_admin.conninfo_value(:'subscription'),
        'connect_timeout=10')
END AS conninfo
\gset
\if :{?conninfo}
\else
DO $subscribe$ BEGIN RAISE EXCEPTION 'unknown peer_sslmode'; END $subscribe$;
\endif

CALL exchange_admin.ensure_anonymised_table(:'source_region');

SELECT format('CREATE SUBSCRIPTION %I CONNECTION %L PUBLICATION %I WITH (slot_name = %L, copy_data = true)',
              :'subscription', :'conninfo', :'publication', :'subscription')
WHERE NOT EXISTS (SELECT 1 FROM pg_subscription WHERE subname = :'subscription')
\gexec

SELECT format('ALTER SUBSCRIPTION %I CONNECTION %L', :'subscription', :'conninfo')
FROM pg_subscription
WHERE subname = :'subscription' AND subconninfo <> :'conninfo'
\gexec
