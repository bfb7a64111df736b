-- Per-stack settings and credentials of an exchange server; run after the migrations on every deployment.
-- psql variables: region, peer_regions (comma-separated, may be empty).
-- Environment (from Kubernetes Secrets, never on a command line): TELEMETRY_REPLICATION_PASSWORD and
-- TELEMETRY_PUBLISHER_PASSWORD.
-- __init__.py puts hide_secrets.sql before this script, so no password here reaches a log.

\getenv replication_password TELEMETRY_REPLICATION_PASSWORD
\getenv publisher_password TELEMETRY_PUBLISHER_PASSWORD

BEGIN;

CALL exchange_admin.configure(:'region', string_to_array(nullif(:'peer_regions', ''), ','));

\if :{?replication_password}
ALTER ROLE telemetry_replicator PASSWORD :'replication_password';
\else
DO $configure$ BEGIN RAISE EXCEPTION 'TELEMETRY_REPLICATION_PASSWORD is not set'; END $configure$;
\endif

\if :{?publisher_password}
ALTER ROLE telemetry_publisher PASSWORD :'publisher_password';
\else
DO $configure$ BEGIN RAISE EXCEPTION 'TELEMETRY_PUBLISHER_PASSWORD is not set'; END $configure$;
\endif

COMMIT;
