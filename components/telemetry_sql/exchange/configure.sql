-- Per-stack settings and credentials of an exchange server; run after the migrations on every deployment.
-- psql variables: region, peer_regions (comma-separated, may be empty).
-- Environment (from Kubernetes Secrets, never on a command line): TELEMETRY_REPLICATION_PASSWORD and
-- TELEMETRY_PUBLISHER_PASSWORD.

\getenv replication_password TELEMETRY_REPLICATION_PASSWORD
\getenv publisher_password TELEMETRY_PUBLISHER_PASSWORD

-- Keep the statements that carry passwords out of the server log and pg_stat_statements.
SET log_statement = 'none';
SET log_min_duration_statement = -1;
SET log_min_error_statement = 'panic';
SET pg_stat_statements.track_utility = off;

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
