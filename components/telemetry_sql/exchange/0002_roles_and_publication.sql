-- Roles of the exchange server and the procedure that points them, and the publication, at this region's table.

DO $migration$
BEGIN
    -- Passwords are set by configure.sql from Kubernetes Secrets; until then neither role can authenticate.
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'telemetry_replicator') THEN
        CREATE ROLE telemetry_replicator LOGIN REPLICATION;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'telemetry_publisher') THEN
        CREATE ROLE telemetry_publisher LOGIN;
    END IF;
END
$migration$;
-- The peer region's subscriptions: one walsender and at most one table-sync worker each.
ALTER ROLE telemetry_replicator LOGIN REPLICATION NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOINHERIT
    CONNECTION LIMIT 10;
-- The region's telemetry store pushing its anonymised hours over dblink.
ALTER ROLE telemetry_publisher LOGIN NOREPLICATION NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOINHERIT
    CONNECTION LIMIT 4;

CREATE OR REPLACE PROCEDURE exchange_admin.configure(region text, peer_regions text[])
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $procedure$
DECLARE
    stored_region text;
    own_table text := exchange_admin.anonymised_table(region);
    publication text := 'telemetry_anonymised_' || region;
    columns constant text := 'bucket_start, service, subject_count, event_count, error_count, '
                             'latency_ms_mean, latency_ms_p50, latency_ms_p95';
    peer text;
BEGIN
    SELECT s.region INTO stored_region FROM exchange_admin.settings AS s;
    IF stored_region IS NULL THEN
        INSERT INTO exchange_admin.settings (region) VALUES (configure.region);
    ELSIF stored_region <> configure.region THEN
        RAISE EXCEPTION 'this exchange belongs to region %, not %', stored_region, configure.region;
    END IF;

    CALL exchange_admin.ensure_anonymised_table(region);
    FOREACH peer IN ARRAY coalesce(peer_regions, '{}'::text[]) LOOP
        IF peer = region THEN
            RAISE EXCEPTION 'region % cannot be its own peer', region USING ERRCODE = 'invalid_parameter_value';
        END IF;
        CALL exchange_admin.ensure_anonymised_table(peer);
    END LOOP;

    -- Reset, then grant exactly what each role needs, so that a grant added by hand does not survive a deploy.
    REVOKE ALL ON ALL TABLES IN SCHEMA anonymised, exchange_admin FROM telemetry_replicator, telemetry_publisher;
    GRANT USAGE ON SCHEMA anonymised TO telemetry_replicator, telemetry_publisher;
    GRANT USAGE ON SCHEMA exchange_admin TO telemetry_publisher;
    -- The initial table synchronisation of a subscription reads the table with the replication role.
    EXECUTE format('GRANT SELECT ON TABLE anonymised.%I TO telemetry_replicator', own_table);
    EXECUTE format('GRANT INSERT ON TABLE anonymised.%I TO telemetry_publisher', own_table);
    GRANT SELECT, INSERT ON TABLE exchange_admin.published_buckets TO telemetry_publisher;

    -- Inserts only: a published hour is final, and the peer keeps what it received when this side prunes.
    IF NOT EXISTS (SELECT 1 FROM pg_publication WHERE pubname = publication) THEN
        EXECUTE format('CREATE PUBLICATION %I FOR TABLE anonymised.%I (%s) WITH (publish = %L)',
                       publication, own_table, columns, 'insert');
    ELSIF (SELECT array_agg(format('%I.%I(%s)', t.schemaname, t.tablename, array_to_string(t.attnames, ', ')))
           FROM pg_publication_tables AS t WHERE t.pubname = publication)
          IS DISTINCT FROM ARRAY[format('anonymised.%I(%s)', own_table, columns)]
       OR EXISTS (SELECT 1 FROM pg_publication AS p
                  WHERE p.pubname = publication
                    AND (p.puballtables OR NOT p.pubinsert OR p.pubupdate OR p.pubdelete OR p.pubtruncate))
       OR EXISTS (SELECT 1 FROM pg_publication_namespace AS n JOIN pg_publication AS p ON p.oid = n.pnpubid
                  WHERE p.pubname = publication) THEN
        -- Converge a publication that someone widened by hand back to this one table and column list.
        EXECUTE format('ALTER PUBLICATION %I SET TABLE anonymised.%I (%s)', publication, own_table, columns);
        EXECUTE format('ALTER PUBLICATION %I SET (publish = %L)', publication, 'insert');
    END IF;
END
$procedure$;
REVOKE ALL ON PROCEDURE exchange_admin.configure(text, text[]) FROM PUBLIC;
