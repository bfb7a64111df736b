-- The push as a step of its own, bounded in time, one peer at a time (red team 2, findings 2 and 6).
--
-- Finding 6: a peer whose exchange accepted the push and never answered held the CronJob's CALL for good
-- (connect_timeout covers only the connection), so with concurrencyPolicy Forbid this region stopped releasing
-- and pushing to every peer. Now the statement is sent asynchronously and waited for against a deadline on the
-- store's own clock; past it the connection is dropped, that peer's push fails (its hours stay undelivered and
-- are pushed again, same values, next run), and the next peer is pushed to. TCP keepalives and tcp_user_timeout
-- drop a connection whose packets stop being acknowledged, which a deadline checked between polls cannot
-- interrupt while libpq is blocked in a send.
--
-- Finding 2: the release read the hour's raw rows and then pushed, so the push arrived later the more raw rows
-- the hour held (one heavy person moved it by a second). push_released_hours reads only the ledger; the
-- component runs it from a CronJob of its own on a fixed schedule, apart from release_to_ledger, so when the peer
-- hears from us no longer depends on how long the release took. release_closed_hours (both in one call) stays for
-- callers not yet split (README.md, "Timing").

-- The link to a peer, as configure_peer of 0004 made it, plus keepalives, a TCP user timeout and no GSSAPI
-- encryption (libpq would choose it over TLS if the server process ever held Kerberos credentials).
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
                      'ssl_min_protocol_version %L, gssencmode %L, connect_timeout %L, keepalives %L, '
                      'keepalives_idle %L, keepalives_interval %L, keepalives_count %L, tcp_user_timeout %L, '
                      'application_name %L',
                      host, port::text, database, 'verify-full', server_ca_file, client_certificate_file,
                      client_key_file, 'TLSv1.3', 'disable', '10', '1', '10', '5', '3', '30000',
                      'telemetry_release_' || own_region);
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

-- Pushes every released hour from `earliest` on and every hour the peer never acknowledged, waiting at most
-- `timeout` for the peer to commit; returns the hours pushed. Reads the ledger only.
CREATE OR REPLACE FUNCTION telemetry_admin.push_to_peer_within(peer text, earliest timestamptz, timeout interval)
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
    deadline timestamptz;
BEGIN
    IF timeout IS NULL OR timeout <= interval '0' OR timeout > interval '1 hour' THEN
        RAISE EXCEPTION 'the push timeout must lie in (0, 1 hour], got %', timeout USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT s.region INTO own_region FROM telemetry_admin.settings AS s;
    SELECT coalesce(array_agg(h.bucket_start ORDER BY h.bucket_start), '{}') INTO buckets
    FROM telemetry_admin.released_hours AS h
    WHERE h.bucket_start >= earliest
       OR NOT EXISTS (SELECT 1 FROM telemetry_admin.deliveries AS d
                      WHERE d.bucket_start = h.bucket_start AND d.peer = push_to_peer_within.peer);
    IF cardinality(buckets) = 0 THEN
        RETURN 0;
    END IF;
    statement := telemetry_admin.release_insert(own_region, buckets);
    IF statement IS NOT NULL THEN
        IF connection = ANY (coalesce(telemetry_admin.dblink_get_connections(), '{}'::text[])) THEN
            PERFORM telemetry_admin.dblink_disconnect(connection);
        END IF;
        deadline := clock_timestamp() + timeout;
        PERFORM telemetry_admin.dblink_connect(connection, 'telemetry_peer_' || peer);
        PERFORM telemetry_admin.dblink_send_query(connection, statement);
        WHILE telemetry_admin.dblink_is_busy(connection) = 1 LOOP
            IF clock_timestamp() >= deadline THEN
                -- Whether the peer commits what it has is its affair: the hours stay undelivered here and go
                -- again, with the same values, next run.
                PERFORM telemetry_admin.dblink_disconnect(connection);
                RAISE EXCEPTION 'peer % did not answer the push within %', peer, timeout
                    USING ERRCODE = 'connection_failure',
                          HINT = 'Its exchange accepted the connection but did not commit: check it; the hours are '
                                 'pushed again on the next run.';
            END IF;
            PERFORM pg_sleep(0.05);
        END LOOP;
        -- Raises the peer's error, if any; a command's result is its status line.
        PERFORM r.status FROM telemetry_admin.dblink_get_result(connection) AS r (status text);
        PERFORM telemetry_admin.dblink_disconnect(connection);
    END IF;
    -- Recorded only once the peer committed; a crash in between means the same values are pushed again.
    INSERT INTO telemetry_admin.deliveries (bucket_start, peer)
    SELECT b, peer FROM unnest(buckets) AS b
    ON CONFLICT DO NOTHING;
    RETURN cardinality(buckets);
END
$function$;
REVOKE ALL ON FUNCTION telemetry_admin.push_to_peer_within(text, timestamptz, interval) FROM PUBLIC;

-- 0004's signature, now with the deadline.
CREATE OR REPLACE FUNCTION telemetry_admin.push_to_peer(peer text, earliest timestamptz)
RETURNS integer
LANGUAGE sql
SET search_path = pg_catalog, pg_temp
RETURN telemetry_admin.push_to_peer_within(peer, earliest, interval '30 seconds');
REVOKE ALL ON FUNCTION telemetry_admin.push_to_peer(text, timestamptz) FROM PUBLIC;

-- The push CronJob's statement: every peer in turn, each in its own transaction and bounded by `timeout`, so one
-- peer's failure or silence delays the others by at most that and stops nothing. Raises at the end, naming
-- every peer that failed, so the Job fails visibly.
CREATE OR REPLACE PROCEDURE telemetry_admin.push_released_hours(
    lookback interval DEFAULT interval '7 days',
    timeout interval DEFAULT interval '30 seconds',
    INOUT pushed integer DEFAULT NULL
)
LANGUAGE plpgsql
AS $procedure$
DECLARE
    earliest timestamptz;
    peer text;
    detail text;
    failures text[] := '{}';
BEGIN
    IF lookback IS NULL OR lookback < interval '1 hour' THEN
        RAISE EXCEPTION 'lookback must be at least an hour' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM telemetry_admin.settings) THEN
        RAISE EXCEPTION 'telemetry_admin.settings is empty: run the store configuration first';
    END IF;
    earliest := pg_catalog.date_trunc('hour', pg_catalog.now() - lookback, 'UTC');
    pushed := 0;
    FOR peer IN SELECT p.region FROM telemetry_admin.peers AS p ORDER BY p.region LOOP
        BEGIN
            pushed := pushed + telemetry_admin.push_to_peer_within(peer, earliest, timeout);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
            failures := failures || pg_catalog.concat_ws(': ', peer, SQLERRM, NULLIF(detail, ''));
        END;
        COMMIT;
    END LOOP;
    IF pg_catalog.cardinality(failures) > 0 THEN
        RAISE EXCEPTION 'could not push to every peer; the next run pushes the same values again: %',
            pg_catalog.array_to_string(failures, '; ') USING ERRCODE = 'connection_exception';
    END IF;
END
$procedure$;
REVOKE ALL ON PROCEDURE telemetry_admin.push_released_hours(interval, interval, integer) FROM PUBLIC;

-- The release CronJob's statement once the push runs on its own: 0004's release without the push.
CREATE OR REPLACE PROCEDURE telemetry_admin.release_to_ledger(
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
END
$procedure$;
REVOKE ALL ON PROCEDURE telemetry_admin.release_to_ledger(integer, numeric, integer, integer, integer,
    double precision, interval, interval, timestamptz, integer) FROM PUBLIC;

-- 0004's statement, same parameters and result: the release, then the push of the same window (each peer
-- bounded by push_to_peer's 30 seconds). Its push still starts when the release ends: split it (README.md).
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
AS $procedure$
DECLARE
    earliest timestamptz;
    peer text;
    detail text;
    failures text[] := '{}';
BEGIN
    CALL telemetry_admin.release_to_ledger(min_subjects, epsilon_per_hour, max_groups_per_subject,
                                           max_events_per_group, latency_bound_ms, small_group_probability,
                                           grace, lookback, as_of, released);
    earliest := pg_catalog.date_trunc('hour', pg_catalog.date_trunc('hour', coalesce(as_of, pg_catalog.now()) - grace,
                                                                     'UTC') - lookback, 'UTC');
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
