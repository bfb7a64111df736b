-- Per-stack settings of an exchange server; run after the migrations on every deployment.
-- psql variables: region, peer_regions, services, metrics (comma-separated; peer_regions may be empty).
-- No credential: each peer's inbox role logs in with a client certificate from that peer's CA, which the
-- server's ssl_ca_file holds (server_tls_settings() in __init__.py).

BEGIN;
CALL exchange_admin.configure(:'region', string_to_array(nullif(:'peer_regions', ''), ','),
                              string_to_array(nullif(:'services', ''), ','), string_to_array(nullif(:'metrics', ''), ','));
COMMIT;
