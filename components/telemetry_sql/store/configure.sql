-- Per-stack settings and roles of a telemetry store; run after the migrations on every deployment.
-- psql variables: region, services, metrics (comma-separated vocabularies); writers (optional, comma-separated
-- service labels). No password: the writers log in by client certificate only.
-- __init__.py puts hide_secrets.sql before this script (kept for any statement that may carry one).

BEGIN;

CALL telemetry_admin.configure(:'region', string_to_array(nullif(:'services', ''), ','),
                               string_to_array(nullif(:'metrics', ''), ','));

-- No shared writer: the group that holds the INSERT cannot log in and has no password (a store that had the
-- shared login before loses it here). Each service logs in as its own member role, by its certificate.
ALTER ROLE telemetry_writer NOLOGIN PASSWORD NULL;
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
