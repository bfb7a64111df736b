-- The push: the ledger's rows go, over verified TLS with a client certificate, into each peer region's inbox on
-- its exchange, where this region's role may INSERT into its own table and do nothing else. The peer never
-- connects to this region for telemetry at all, and no role anywhere has the REPLICATION attribute.

-- The statement the peer's exchange runs: exactly the ledger's rows of the given hours, so a push repeated
-- after a failure or a restore of the peer's exchange carries the same values and adds nothing.
CREATE OR REPLACE FUNCTION telemetry_admin.release_insert(region text, buckets timestamptz[])
RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
-- Literals must parse on the peer exactly as written here, whatever the session's settings.
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET extra_float_digits = 1
BEGIN ATOMIC
    SELECT format('INSERT INTO anonymised.%I (bucket_start, service, metric, subject_count, event_count, '
                  'error_count, latency_ms_sum, latency_ms_mean) VALUES %s ON CONFLICT DO NOTHING',
                  'telemetry_hourly_' || region,
                  string_agg(format('(%L::timestamptz, %L, %L, %s, %s, %s, %s, %L::double precision)',
                                    g.bucket_start, g.service, g.metric, g.subject_count, g.event_count,
                                    g.error_count, g.latency_ms_sum, g.latency_ms_mean),
                             ', ' ORDER BY g.bucket_start, g.service, g.metric))
    FROM telemetry_admin.released_groups AS g
    WHERE g.bucket_start = ANY (buckets)
    HAVING count(*) > 0;
END;
REVOKE ALL ON FUNCTION telemetry_admin.release_insert(text, timestamptz[]) FROM PUBLIC;

-- Pushes every released hour from `earliest` on (so a restored peer exchange is refilled with the same values)
-- and every hour the peer never acknowledged; returns the hours pushed.
CREATE OR REPLACE FUNCTION telemetry_admin.push_to_peer(peer text, earliest timestamptz)
RETURNS integer
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
AS $function$
DECLARE
    connection constant text := 'telemetry_peer_' || peer;
    own_region text;
    buckets timestamptz[];
    statement text;
BEGIN
    SELECT s.region INTO own_region FROM telemetry_admin.settings AS s;
    SELECT coalesce(array_agg(h.bucket_start ORDER BY h.bucket_start), '{}') INTO buckets
    FROM telemetry_admin.released_hours AS h
    WHERE h.bucket_start >= earliest
       OR NOT EXISTS (SELECT 1 FROM telemetry_admin.deliveries AS d
                      WHERE d.bucket_start = h.bucket_start AND d.peer = push_to_peer.peer);
    IF cardinality(buckets) = 0 THEN
        RETURN 0;
    END IF;
    statement := telemetry_admin.release_insert(own_region, buckets);
    IF statement IS NOT NULL THEN
        IF connection = ANY (coalesce(telemetry_admin.dblink_get_connections(), '{}'::text[])) THEN
            PERFORM telemetry_admin.dblink_disconnect(connection);
        END IF;
        PERFORM telemetry_admin.dblink_connect(connection, 'telemetry_peer_' || peer);
        PERFORM telemetry_admin.dblink_exec(connection, statement);
        PERFORM telemetry_admin.dblink_disconnect(connection);
    END IF;
    -- Recorded only once the peer committed; a crash in between means the same values are pushed again.
    INSERT INTO telemetry_admin.deliveries (bucket_start, peer)
    SELECT b, peer FROM unnest(buckets) AS b
    ON CONFLICT DO NOTHING;
    RETURN cardinality(buckets);
END
$function$;
REVOKE ALL ON FUNCTION telemetry_admin.push_to_peer(text, timestamptz) FROM PUBLIC;

-- The CronJob's statement. Releases every closed hour of the window that the ledger does not hold yet (an hour
-- without rows too, so that when a release happens never depends on the data), one transaction per hour, then
-- pushes to every peer. `as_of` (default now) lets an operator or a test release a past window; it cannot lie
-- in the future, where it would close hours that are still receiving rows.
CREATE OR REPLACE PROCEDURE telemetry_admin.release_closed_hours(
    min_subjects integer DEFAULT 10,
    epsilon_per_hour numeric DEFAULT 1.0,
    max_groups_per_subject integer DEFAULT 2,
    max_events_per_group integer DEFAULT 5,
    latency_bound_ms integer DEFAULT 2000,
    small_group_probability double precision DEFAULT 0.001,
    grace interval DEFAULT interval '15 minutes',
    lookback interval DEFAULT interval '7 days',
    as_of timestamptz DEFAULT NULL,
    INOUT released integer DEFAULT NULL
)
LANGUAGE plpgsql
-- No SET clauses: a procedure that commits cannot have them. Every name here is schema-qualified and the work
-- is done by functions that fix their own search_path and time zone.
AS $procedure$
DECLARE
    horizon timestamptz;
    earliest timestamptz;
    bucket timestamptz;
    peer text;
    detail text;
    failures text[] := '{}';
BEGIN
    PERFORM telemetry_admin.check_privacy_parameters(min_subjects, epsilon_per_hour, max_groups_per_subject,
                                                     max_events_per_group, latency_bound_ms, small_group_probability);
    IF grace IS NULL OR grace < interval '0' OR lookback IS NULL OR lookback < interval '1 hour' THEN
        RAISE EXCEPTION 'grace must be non-negative and lookback at least an hour' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF as_of IS NULL THEN
        as_of := pg_catalog.now();
    ELSIF as_of > pg_catalog.now() THEN
        RAISE EXCEPTION 'as_of % lies in the future: it would release hours that still receive rows', as_of
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM telemetry_admin.settings) THEN
        RAISE EXCEPTION 'telemetry_admin.settings is empty: run the store configuration first';
    END IF;
    horizon := pg_catalog.date_trunc('hour', as_of - grace, 'UTC');
    earliest := pg_catalog.date_trunc('hour', horizon - lookback, 'UTC');
    released := 0;
    FOR bucket IN
        SELECT g.bucket
        FROM pg_catalog.generate_series(earliest, horizon - interval '1 hour', interval '1 hour') AS g (bucket)
        WHERE NOT EXISTS (SELECT 1 FROM telemetry_admin.released_hours AS r WHERE r.bucket_start = g.bucket)
        ORDER BY g.bucket
    LOOP
        IF telemetry_admin.release_hour(bucket, min_subjects, epsilon_per_hour, max_groups_per_subject,
                                        max_events_per_group, latency_bound_ms, small_group_probability) IS NOT NULL THEN
            released := released + 1;
        END IF;
        COMMIT;
    END LOOP;
    FOR peer IN SELECT p.region FROM telemetry_admin.peers AS p ORDER BY p.region LOOP
        BEGIN
            PERFORM telemetry_admin.push_to_peer(peer, earliest);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
            failures := failures || pg_catalog.concat_ws(': ', peer, SQLERRM, NULLIF(detail, ''));
        END;
        COMMIT;
    END LOOP;
    IF pg_catalog.cardinality(failures) > 0 THEN
        RAISE EXCEPTION 'released % hours but could not push to every peer; the next run pushes the same values again: %',
            released, pg_catalog.array_to_string(failures, '; ') USING ERRCODE = 'connection_exception';
    END IF;
END
$procedure$;
REVOKE ALL ON PROCEDURE telemetry_admin.release_closed_hours(integer, numeric, integer, integer, integer,
    double precision, interval, interval, timestamptz, integer) FROM PUBLIC;

CREATE OR REPLACE PROCEDURE telemetry_admin.configure(region text, services text[], metrics text[])
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $procedure$
DECLARE
    stored_region text;
BEGIN
    SELECT s.region INTO stored_region FROM telemetry_admin.settings AS s;
    IF stored_region IS NULL THEN
        INSERT INTO telemetry_admin.settings (region) VALUES (configure.region);
    ELSIF stored_region <> configure.region THEN
        RAISE EXCEPTION 'this telemetry store belongs to region %, not %', stored_region, configure.region;
    END IF;
    IF 'other' = ANY (services) OR 'other' = ANY (metrics) THEN
        RAISE EXCEPTION '''other'' is reserved for values outside the vocabulary' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- A changed vocabulary applies from the next released hour on; released hours keep what they had.
    DELETE FROM telemetry_admin.vocabulary;
    INSERT INTO telemetry_admin.vocabulary (dimension, name)
    SELECT 'service', name FROM unnest(services) AS name
    UNION SELECT 'metric', name FROM unnest(metrics) AS name;
END
$procedure$;
REVOKE ALL ON PROCEDURE telemetry_admin.configure(text, text[], text[]) FROM PUBLIC;

-- Points this store at one peer region's exchange. Only TLS with the peer's CA (verify-full) and this region's
-- client certificate: no password exists for this link, so none is ever copied between the stacks.
CREATE OR REPLACE PROCEDURE telemetry_admin.configure_peer(
    peer text,
    host text,
    port integer,
    database text,
    server_ca_file text,
    client_certificate_file text,
    client_key_file text
)
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $procedure$
DECLARE
    own_region text;
    server_name constant text := 'telemetry_peer_' || peer;
    options text;
    file text;
BEGIN
    SELECT s.region INTO own_region FROM telemetry_admin.settings AS s;
    IF own_region IS NULL THEN
        RAISE EXCEPTION 'run the store configuration before linking a peer';
    END IF;
    IF peer IS NULL OR peer !~ '^[a-z][a-z0-9_]{0,19}$' OR peer = own_region THEN
        RAISE EXCEPTION 'peer % must be another region''s label', peer USING ERRCODE = 'invalid_parameter_value';
    END IF;
    FOREACH file IN ARRAY ARRAY[server_ca_file, client_certificate_file, client_key_file] LOOP
        IF file IS NULL OR file !~ '^/' THEN
            RAISE EXCEPTION 'TLS file % must be an absolute path on the store server', file
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        -- Fails here, naming the file, rather than at the first push.
        PERFORM pg_stat_file(file);
    END LOOP;
    options := format('host %L, port %L, dbname %L, sslmode %L, sslrootcert %L, sslcert %L, sslkey %L, '
                      'ssl_min_protocol_version %L, connect_timeout %L, application_name %L',
                      host, port::text, database, 'verify-full', server_ca_file, client_certificate_file,
                      client_key_file, 'TLSv1.3', '10', 'telemetry_release_' || own_region);
    IF EXISTS (SELECT 1 FROM pg_foreign_server WHERE srvname = server_name) THEN
        EXECUTE format('DROP SERVER %I CASCADE', server_name);
    END IF;
    EXECUTE format('CREATE SERVER %I FOREIGN DATA WRAPPER dblink_fdw OPTIONS (%s)', server_name, options);
    -- Superusers only (no USAGE grant); the mapping names the role the peer's pg_hba admits by certificate.
    EXECUTE format('REVOKE ALL ON FOREIGN SERVER %I FROM PUBLIC', server_name);
    EXECUTE format('CREATE USER MAPPING FOR PUBLIC SERVER %I OPTIONS (user %L)', server_name,
                   'telemetry_inbox_' || own_region);
    INSERT INTO telemetry_admin.peers (region) VALUES (peer) ON CONFLICT DO NOTHING;
END
$procedure$;
REVOKE ALL ON PROCEDURE telemetry_admin.configure_peer(text, text, integer, text, text, text, text) FROM PUBLIC;
