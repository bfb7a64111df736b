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
-- Settings the writer gave itself go (every service shares the role: one must not set them for all), and its
-- sessions publish no statement text, not even to other sessions of the same role (a superuser-only setting
-- the writer cannot turn back on): an INSERT with its values inlined is raw telemetry.
CALL telemetry_admin.reset_role_settings('telemetry_writer');
ALTER ROLE telemetry_writer SET track_activities = off;
-- psql variable writers (optional, comma-separated labels): one login role per service, telemetry_writer_<label>,
-- admitted by client certificate only; the services not listed lose their role's login.
\if :{?writers}
CALL telemetry_admin.configure_writers(string_to_array(nullif(:'writers', ''), ','));
\endif

COMMIT;
