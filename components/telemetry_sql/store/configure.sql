-- Per-stack settings and credentials of a telemetry store; run after the migrations on every deployment.
-- psql variables: region, exchange_host, exchange_port, exchange_database, exchange_sslmode.
-- Environment (from Kubernetes Secrets, never on a command line): TELEMETRY_PUBLISHER_PASSWORD (required),
-- TELEMETRY_WRITER_PASSWORD (optional: without it the writer role cannot log in).
-- __init__.py puts hide_secrets.sql before this script, so no password here reaches a log.

\getenv publisher_password TELEMETRY_PUBLISHER_PASSWORD
\getenv writer_password TELEMETRY_WRITER_PASSWORD

BEGIN;

CALL telemetry_admin.configure(:'region', :'exchange_host', :'exchange_port', :'exchange_database', :'exchange_sslmode');

\if :{?publisher_password}
-- Recreated on every run so that a rotated Secret takes effect; PUBLIC with no USAGE grant means superusers only.
DROP USER MAPPING IF EXISTS FOR PUBLIC SERVER telemetry_exchange;
CREATE USER MAPPING FOR PUBLIC SERVER telemetry_exchange
    OPTIONS (user 'telemetry_publisher', password :'publisher_password');
\else
DO $configure$ BEGIN RAISE EXCEPTION 'TELEMETRY_PUBLISHER_PASSWORD is not set'; END $configure$;
\endif

\if :{?writer_password}
ALTER ROLE telemetry_writer LOGIN PASSWORD :'writer_password';
\endif

COMMIT;
