-- The anonymisation step: k-suppressed hourly aggregates of raw telemetry, pushed to the region's exchange
-- server, which is the only server the peer region can reach. Run by a CronJob with
-- SELECT telemetry_admin.publish_closed_buckets(...).

CREATE SCHEMA IF NOT EXISTS telemetry_admin;
REVOKE ALL ON SCHEMA telemetry_admin FROM PUBLIC;

-- dblink in a schema PUBLIC cannot use, so that no ordinary role can open connections from the server.
CREATE EXTENSION IF NOT EXISTS dblink SCHEMA telemetry_admin;

CREATE TABLE IF NOT EXISTS telemetry_admin.settings (
    singleton boolean PRIMARY KEY DEFAULT true CONSTRAINT settings_single_row CHECK (singleton),
    region text NOT NULL CONSTRAINT settings_region_is_a_label CHECK (region ~ '^[a-z][a-z0-9_]{0,19}$')
);
REVOKE ALL ON TABLE telemetry_admin.settings FROM PUBLIC;

CREATE OR REPLACE FUNCTION telemetry_admin.min_subjects_floor()
RETURNS integer
LANGUAGE sql IMMUTABLE
RETURN 10;
COMMENT ON FUNCTION telemetry_admin.min_subjects_floor() IS
    'No group with fewer distinct subjects than this is ever published, whatever k the caller passes.';

CREATE OR REPLACE FUNCTION telemetry_admin.anonymised_groups(bucket timestamptz, min_subjects integer)
RETURNS TABLE (
    bucket_start timestamptz,
    service text,
    subject_count integer,
    event_count bigint,
    error_count bigint,
    latency_ms_mean double precision,
    latency_ms_p50 double precision,
    latency_ms_p95 double precision
)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $function$
BEGIN
    IF min_subjects IS NULL OR min_subjects < telemetry_admin.min_subjects_floor() THEN
        RAISE EXCEPTION 'min_subjects must be at least %, got %', telemetry_admin.min_subjects_floor(), min_subjects
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN QUERY
    SELECT anonymised_groups.bucket,
           e.service,
           count(DISTINCT e.subject_id)::integer,
           count(*),
           count(*) FILTER (WHERE e.is_error),
           avg(e.latency_ms),
           percentile_cont(0.5) WITHIN GROUP (ORDER BY e.latency_ms),
           percentile_cont(0.95) WITHIN GROUP (ORDER BY e.latency_ms)
    FROM telemetry.raw_events AS e
    WHERE e.observed_at >= anonymised_groups.bucket
      AND e.observed_at < anonymised_groups.bucket + interval '1 hour'
    GROUP BY e.service
    -- Suppression, not generalisation: a group too small to hide its members is dropped whole.
    HAVING count(DISTINCT e.subject_id) >= anonymised_groups.min_subjects;
END
$function$;
REVOKE ALL ON FUNCTION telemetry_admin.anonymised_groups(timestamptz, integer) FROM PUBLIC;

CREATE OR REPLACE FUNCTION telemetry_admin.publish_closed_buckets(
    min_subjects integer DEFAULT 10,
    grace interval DEFAULT interval '15 minutes',
    lookback interval DEFAULT interval '7 days'
)
RETURNS integer
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
-- Fixed so that hour buckets are UTC hours (India is UTC+05:30) and literals sent to the exchange parse there.
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET extra_float_digits = 1
AS $function$
DECLARE
    connection constant text := 'telemetry_exchange_push';
    own_region text;
    horizon timestamptz;
    earliest timestamptz;
    already_published timestamptz[];
    bucket timestamptz;
    group_rows text;
    group_total integer;
    statement text;
    published integer := 0;
BEGIN
    IF min_subjects IS NULL OR min_subjects < telemetry_admin.min_subjects_floor() THEN
        RAISE EXCEPTION 'min_subjects must be at least %, got %', telemetry_admin.min_subjects_floor(), min_subjects
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF grace IS NULL OR grace < interval '0' OR lookback IS NULL OR lookback <= interval '0' THEN
        RAISE EXCEPTION 'grace must be non-negative and lookback positive' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT s.region INTO own_region FROM telemetry_admin.settings AS s;
    IF own_region IS NULL THEN
        RAISE EXCEPTION 'telemetry_admin.settings is empty: run the store configuration first';
    END IF;
    -- Two overlapping CronJob runs would race for the same buckets; the exchange would stop the second anyway.
    PERFORM pg_advisory_xact_lock(hashtext('telemetry_admin.publish_closed_buckets'));

    -- Only closed buckets: an hour is published once it ended at least `grace` ago, and never again.
    horizon := date_trunc('hour', now() - grace);
    earliest := date_trunc('hour', horizon - lookback);

    IF connection = ANY (coalesce(telemetry_admin.dblink_get_connections(), '{}'::text[])) THEN
        PERFORM telemetry_admin.dblink_disconnect(connection);
    END IF;
    PERFORM telemetry_admin.dblink_connect(connection, 'telemetry_exchange');

    SELECT coalesce(array_agg(t.bucket_start), '{}'::timestamptz[]) INTO already_published
    FROM telemetry_admin.dblink(
        connection,
        format('SELECT bucket_start FROM exchange_admin.published_buckets WHERE bucket_start >= %L', earliest)
    ) AS t (bucket_start timestamptz);

    FOR bucket IN
        SELECT g.bucket
        FROM generate_series(earliest, horizon - interval '1 hour', interval '1 hour') AS g (bucket)
        WHERE g.bucket <> ALL (already_published)
          AND EXISTS (
              SELECT 1 FROM telemetry.raw_events AS e
              WHERE e.observed_at >= g.bucket AND e.observed_at < g.bucket + interval '1 hour'
          )
        ORDER BY g.bucket
    LOOP
        SELECT string_agg(
                   format('(%L::timestamptz, %L::text, %L::integer, %L::bigint, %L::bigint, '
                          '%L::double precision, %L::double precision, %L::double precision)',
                          a.bucket_start, a.service, a.subject_count, a.event_count, a.error_count,
                          a.latency_ms_mean, a.latency_ms_p50, a.latency_ms_p95),
                   ', ' ORDER BY a.service),
               count(*)
        INTO group_rows, group_total
        FROM telemetry_admin.anonymised_groups(bucket, min_subjects) AS a;

        -- One statement, so one transaction on the exchange: the bucket marker and its groups land together,
        -- and a bucket whose marker exists is never written again (a later version would let a reader subtract
        -- the two and isolate the late rows).
        statement := format(
            'INSERT INTO exchange_admin.published_buckets (bucket_start, min_subjects, group_count) '
            'VALUES (%L, %s, %s) ON CONFLICT (bucket_start) DO NOTHING',
            bucket, min_subjects, group_total);
        IF group_rows IS NOT NULL THEN
            statement := format(
                'WITH marker AS (%s RETURNING bucket_start) '
                'INSERT INTO anonymised.%I (bucket_start, service, subject_count, event_count, error_count, '
                'latency_ms_mean, latency_ms_p50, latency_ms_p95) SELECT v.* FROM (VALUES %s) AS v '
                'WHERE EXISTS (SELECT 1 FROM marker)',
                statement, 'telemetry_hourly_' || own_region, group_rows);
        END IF;
        PERFORM telemetry_admin.dblink_exec(connection, statement);
        published := published + 1;
    END LOOP;

    PERFORM telemetry_admin.dblink_disconnect(connection);
    RETURN published;
END
$function$;
REVOKE ALL ON FUNCTION telemetry_admin.publish_closed_buckets(integer, interval, interval) FROM PUBLIC;
COMMENT ON FUNCTION telemetry_admin.publish_closed_buckets(integer, interval, interval) IS
    'Pushes k-suppressed hourly aggregates of every closed, unpublished hour to the exchange; returns the hours pushed.';

CREATE OR REPLACE PROCEDURE telemetry_admin.configure(
    region text,
    exchange_host text,
    exchange_port integer,
    exchange_database text,
    exchange_sslmode text
)
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $procedure$
DECLARE
    stored_region text;
BEGIN
    IF exchange_sslmode NOT IN ('disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full') THEN
        RAISE EXCEPTION 'unknown sslmode %', exchange_sslmode USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT s.region INTO stored_region FROM telemetry_admin.settings AS s;
    IF stored_region IS NULL THEN
        INSERT INTO telemetry_admin.settings (region) VALUES (configure.region);
    ELSIF stored_region <> configure.region THEN
        RAISE EXCEPTION 'this telemetry store belongs to region %, not %', stored_region, configure.region;
    END IF;

    IF NOT EXISTS (SELECT 1 FROM pg_foreign_server WHERE srvname = 'telemetry_exchange') THEN
        EXECUTE format(
            'CREATE SERVER telemetry_exchange FOREIGN DATA WRAPPER dblink_fdw '
            'OPTIONS (host %L, port %L, dbname %L, sslmode %L)',
            exchange_host, exchange_port::text, exchange_database, exchange_sslmode);
    ELSE
        EXECUTE format(
            'ALTER SERVER telemetry_exchange OPTIONS (SET host %L, SET port %L, SET dbname %L, SET sslmode %L)',
            exchange_host, exchange_port::text, exchange_database, exchange_sslmode);
    END IF;
    -- No role is granted USAGE on the server: only superusers can use it, and only they can read its mapping.
    REVOKE ALL ON FOREIGN SERVER telemetry_exchange FROM PUBLIC;
END
$procedure$;
REVOKE ALL ON PROCEDURE telemetry_admin.configure(text, text, integer, text, text) FROM PUBLIC;
