-- Per-stack settings of an exchange server; run after the migrations on every deployment.
-- psql variables: region, peer_regions, services, metrics (comma-separated; peer_regions may be empty).
-- No credential: each peer's inbox role logs in with a client certificate from that peer's CA, which the
-- server's ssl_ca_file holds (server_tls_settings() in __init__.py).

BEGIN;
CALL exchange_admin.configure(:'region', string_to_array(nullif(:'peer_regions', ''), ','),
                              string_to_array(nullif(:'services', ''), ','), string_to_array(nullif(:'metrics', ''), ','));
-- Settings an inbox role gave itself go, and so does any large object (none belongs on the exchange: one can only
-- have been written by a peer before 0002_least_privilege revoked the functions).
DO $reset$
DECLARE
    role_name name;
BEGIN
    FOR role_name IN SELECT r.rolname FROM pg_roles AS r WHERE r.rolname LIKE 'telemetry\_inbox\_%' LOOP
        CALL exchange_admin.reset_role_settings(role_name);
    END LOOP;
    PERFORM pg_catalog.lo_unlink(m.oid) FROM pg_catalog.pg_largeobject_metadata AS m;
END
$reset$;
COMMIT;
