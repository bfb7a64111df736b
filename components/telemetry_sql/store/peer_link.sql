-- Links this region's store to one peer region's exchange, where the release is pushed; run on every
-- deployment, once per peer, after the store job script. No secret: verify-full against the peer's CA
-- certificate (public, the one thing copied between the stacks) and this region's client certificate.
-- psql variables: peer_region, peer_host, peer_port, peer_database, peer_server_ca_file,
-- client_certificate_file, client_key_file (files on the store server, readable by its postgres user only).

BEGIN;
CALL telemetry_admin.configure_peer(:'peer_region', :'peer_host', :'peer_port', :'peer_database',
                                    :'peer_server_ca_file', :'client_certificate_file', :'client_key_file');
COMMIT;
