-- Per-stack settings and credentials of a telemetry store; run after the migrations on every deployment.
-- psql variables: region, services, metrics (comma-separated vocabularies).
-- Environment (from a Kubernetes Secret, never on a command line): TELEMETRY_WRITER_PASSWORD (optional: without
-- it the writer role cannot log in).
-- __init__.py puts hide_secrets.sql before this script, so no password here reaches a log.

\getenv writer_password TELEMETRY_WRITER_PASSWORD

BEGIN;

CALL telemetry_admin.configure(:'region', string_to_array(nullif(:'services', ''), ','),
                               string_to_array(nullif(:'metrics', ''), ','));

\if :{?writer_password}
ALTER ROLE telemetry_writer LOGIN PASSWORD :'writer_password';
\endif

COMMIT;
