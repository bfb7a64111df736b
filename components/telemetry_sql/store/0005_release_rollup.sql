-- Each subject's hour, summed as raw rows arrive, so that the release reads one row per subject and hour instead
-- of grouping the raw rows again (benchmarks/telemetry_replication.py; components/telemetry_sql/README.md).
--
-- telemetry.subject_hours holds nothing raw_events does not (subject_key is a column there) and no longer than
-- raw_events: a DELETE or UPDATE of raw rows recounts the subjects it touched from raw_events in the same
-- transaction (GDPR erasure included, released hours too), a TRUNCATE empties it, rows for hours already
-- released are never added, and rows older than the oldest raw row go at the next release (TimescaleDB's
-- drop_chunks fires no trigger). Nobody but superusers can read it; writers reach it only through the trigger
-- (SECURITY DEFINER).
--
-- It changes nothing the release computes: telemetry_admin.bounded_contributions gives the values
-- bounded_contributions_from_raw (the reference, the body from before this migration) gives, and counts from
-- raw rows whenever the rollup does not hold exactly the hour's raw rows (tests/telemetry_sql/
-- test_release_rollup.py). The privacy bounds never depend on it: every subject's contribution is capped and
-- clamped at release time, whichever way it was summed.

DO $migration$
DECLARE
    version text;
BEGIN
    -- Statement triggers with transition tables on hypertables arrived in TimescaleDB 2.18 (timescale/
    -- timescaledb#6901); before that every INSERT into raw_events would fail. Refuse before any data arrives.
    SELECT e.extversion INTO version FROM pg_extension AS e WHERE e.extname = 'timescaledb';
    IF version IS NOT NULL
       AND string_to_array(split_part(version, '-', 1), '.')::integer[] < ARRAY[2, 18] THEN
        RAISE EXCEPTION 'TimescaleDB % is too old for the release rollup on telemetry.raw_events: statement '
                        'triggers with transition tables on hypertables need 2.18 or later', version
            USING HINT = 'ALTER EXTENSION timescaledb UPDATE, or use a newer image.';
    END IF;
END
$migration$;

CREATE TABLE IF NOT EXISTS telemetry.subject_hours (
    bucket_start timestamptz NOT NULL,
    subject_key text NOT NULL,
    -- The subject's spelling of (service, metric) while it has only one in the hour: then it is in exactly one
    -- group and the release bounds it from these totals. With several (or a latency above the release's bound,
    -- which must be clamped event by event) the release reads that subject's raw rows of the hour instead.
    service text NOT NULL,
    metric text NOT NULL,
    several_spellings boolean NOT NULL,
    events bigint NOT NULL,
    errors bigint NOT NULL,
    latency_ms_sum double precision NOT NULL,
    latency_ms_max double precision NOT NULL,
    PRIMARY KEY (bucket_start, subject_key)
) WITH (fillfactor = 70);  -- room for the upserts' new row versions on the same page (HOT: no index update)
REVOKE ALL ON TABLE telemetry.subject_hours FROM PUBLIC;

-- One upsert per subject and hour of the statement, in key order, so that concurrent writers queue on a
-- subject's row (ON CONFLICT re-reads it under its lock in READ COMMITTED) and never deadlock.
CREATE OR REPLACE FUNCTION telemetry.add_to_subject_hours()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $function$
BEGIN
    INSERT INTO telemetry.subject_hours AS h (bucket_start, subject_key, service, metric, several_spellings, events,
                                              errors, latency_ms_sum, latency_ms_max)
    SELECT b.*
    FROM (SELECT date_trunc('hour', n.observed_at, 'UTC') AS bucket_start, n.subject_key,
                 min(n.service COLLATE "C") AS service, min(n.metric COLLATE "C") AS metric,
                 min(n.service COLLATE "C") <> max(n.service COLLATE "C")
                     OR min(n.metric COLLATE "C") <> max(n.metric COLLATE "C") AS several_spellings,
                 count(*) AS events, count(*) FILTER (WHERE n.is_error) AS errors,
                 sum(n.latency_ms) AS latency_ms_sum, max(n.latency_ms) AS latency_ms_max
          FROM new_rows AS n
          GROUP BY 1, 2) AS b
    -- A released hour is never read again (late rows revise nothing): keep no copy of its rows.
    WHERE NOT EXISTS (SELECT 1 FROM telemetry_admin.released_hours AS r WHERE r.bucket_start = b.bucket_start)
    ORDER BY b.bucket_start, b.subject_key
    ON CONFLICT (bucket_start, subject_key) DO UPDATE
    SET several_spellings = h.several_spellings OR excluded.several_spellings
                            OR h.service <> excluded.service OR h.metric <> excluded.metric,
        events = h.events + excluded.events,
        errors = h.errors + excluded.errors,
        latency_ms_sum = h.latency_ms_sum + excluded.latency_ms_sum,
        latency_ms_max = greatest(h.latency_ms_max, excluded.latency_ms_max);
    RETURN NULL;
END
$function$;
REVOKE ALL ON FUNCTION telemetry.add_to_subject_hours() FROM PUBLIC;

-- The subjects and hours a DELETE or UPDATE touched, counted again from raw_events. The lock keeps writers'
-- upserts out until this transaction ends (they wait, they do not fail), so the count cannot miss or double a
-- row a writer adds meanwhile; erasures are rare, and writers only wait while one is in flight.
CREATE OR REPLACE FUNCTION telemetry.recount_subject_hours(buckets timestamptz[], subject_keys text[])
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $function$
BEGIN
    LOCK TABLE telemetry.subject_hours IN SHARE ROW EXCLUSIVE MODE;
    DELETE FROM telemetry.subject_hours AS h
    USING unnest(buckets, subject_keys) AS a (bucket_start, subject_key)
    WHERE h.bucket_start = a.bucket_start AND h.subject_key = a.subject_key;
    -- A new statement, hence a new snapshot: every raw row committed before the lock was granted is counted.
    INSERT INTO telemetry.subject_hours (bucket_start, subject_key, service, metric, several_spellings, events,
                                         errors, latency_ms_sum, latency_ms_max)
    SELECT b.bucket_start, e.subject_key, min(e.service COLLATE "C"), min(e.metric COLLATE "C"),
           min(e.service COLLATE "C") <> max(e.service COLLATE "C") OR min(e.metric COLLATE "C") <> max(e.metric COLLATE "C"),
           count(*), count(*) FILTER (WHERE e.is_error), sum(e.latency_ms), max(e.latency_ms)
    -- One range scan per hour touched, not per subject.
    FROM (SELECT DISTINCT a.bucket_start FROM unnest(buckets) AS a (bucket_start)
          WHERE NOT EXISTS (SELECT 1 FROM telemetry_admin.released_hours AS r WHERE r.bucket_start = a.bucket_start))
         AS b
    JOIN telemetry.raw_events AS e
      ON e.observed_at >= b.bucket_start AND e.observed_at < b.bucket_start + interval '1 hour'
    WHERE (b.bucket_start, e.subject_key) IN (SELECT a.bucket_start, a.subject_key
                                              FROM unnest(buckets, subject_keys) AS a (bucket_start, subject_key))
    GROUP BY b.bucket_start, e.subject_key;
END
$function$;
REVOKE ALL ON FUNCTION telemetry.recount_subject_hours(timestamptz[], text[]) FROM PUBLIC;

CREATE OR REPLACE FUNCTION telemetry.recount_deleted_subject_hours()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $function$
BEGIN
    PERFORM telemetry.recount_subject_hours(array_agg(a.bucket_start), array_agg(a.subject_key))
    FROM (SELECT DISTINCT date_trunc('hour', o.observed_at, 'UTC') AS bucket_start, o.subject_key
          FROM old_rows AS o) AS a;
    RETURN NULL;
END
$function$;
REVOKE ALL ON FUNCTION telemetry.recount_deleted_subject_hours() FROM PUBLIC;

CREATE OR REPLACE FUNCTION telemetry.recount_updated_subject_hours()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $function$
BEGIN
    PERFORM telemetry.recount_subject_hours(array_agg(a.bucket_start), array_agg(a.subject_key))
    FROM (SELECT date_trunc('hour', o.observed_at, 'UTC') AS bucket_start, o.subject_key FROM old_rows AS o
          UNION SELECT date_trunc('hour', n.observed_at, 'UTC'), n.subject_key FROM new_rows AS n) AS a;
    RETURN NULL;
END
$function$;
REVOKE ALL ON FUNCTION telemetry.recount_updated_subject_hours() FROM PUBLIC;

CREATE OR REPLACE FUNCTION telemetry.empty_subject_hours()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $function$
BEGIN
    TRUNCATE telemetry.subject_hours;
    RETURN NULL;
END
$function$;
REVOKE ALL ON FUNCTION telemetry.empty_subject_hours() FROM PUBLIC;

DROP TRIGGER IF EXISTS raw_events_add_to_subject_hours ON telemetry.raw_events;
CREATE TRIGGER raw_events_add_to_subject_hours AFTER INSERT ON telemetry.raw_events
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION telemetry.add_to_subject_hours();
DROP TRIGGER IF EXISTS raw_events_recount_deleted ON telemetry.raw_events;
CREATE TRIGGER raw_events_recount_deleted AFTER DELETE ON telemetry.raw_events
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION telemetry.recount_deleted_subject_hours();
DROP TRIGGER IF EXISTS raw_events_recount_updated ON telemetry.raw_events;
CREATE TRIGGER raw_events_recount_updated AFTER UPDATE ON telemetry.raw_events
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION telemetry.recount_updated_subject_hours();
DROP TRIGGER IF EXISTS raw_events_empty_subject_hours ON telemetry.raw_events;
CREATE TRIGGER raw_events_empty_subject_hours AFTER TRUNCATE ON telemetry.raw_events
    FOR EACH STATEMENT EXECUTE FUNCTION telemetry.empty_subject_hours();

-- Retention: raw_events may lose old rows without a DELETE trigger (TimescaleDB's drop_chunks); at the commit of
-- every released hour (deferred: after the release has read the rollup), the rollup's rows older than the oldest
-- raw row go too. Rows of released hours are otherwise kept as long as their raw rows (they are never read
-- again; deleting them at each release would cost the release a fifth of its time).
CREATE OR REPLACE FUNCTION telemetry.forget_dropped_subject_hours()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $function$
DECLARE
    oldest timestamptz;
BEGIN
    SELECT date_trunc('hour', min(e.observed_at), 'UTC') INTO oldest FROM telemetry.raw_events AS e;
    -- A constant, so that the primary key's range scan finds the few rows to delete.
    DELETE FROM telemetry.subject_hours AS h WHERE h.bucket_start < coalesce(oldest, 'infinity');
    RETURN NULL;
END
$function$;
REVOKE ALL ON FUNCTION telemetry.forget_dropped_subject_hours() FROM PUBLIC;
DROP TRIGGER IF EXISTS released_hours_forget_dropped_subject_hours ON telemetry_admin.released_hours;
CREATE CONSTRAINT TRIGGER released_hours_forget_dropped_subject_hours AFTER INSERT ON telemetry_admin.released_hours
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION telemetry.forget_dropped_subject_hours();

-- ---------------------------------------------------------------------------------------------------------
-- The reference: the bounded contributions counted from raw rows, exactly as before the rollup. The release
-- falls back to it, and the tests compare the rollup path with it.
CREATE OR REPLACE FUNCTION telemetry_admin.bounded_contributions_from_raw(
    bucket timestamptz,
    max_groups_per_subject integer,
    max_events_per_group integer,
    latency_bound_ms integer
)
RETURNS TABLE (service text, metric text, subjects bigint, events bigint, errors bigint, latency_ms_sum bigint)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    WITH labels AS MATERIALIZED (
        -- Each spelling seen in the hour, mapped once onto the vocabulary (a few dozen values, not every row).
        SELECT d.service AS raw_service, d.metric AS raw_metric,
               coalesce(s.name, 'other') AS service, coalesce(m.name, 'other') AS metric
        FROM (SELECT DISTINCT e.service, e.metric FROM telemetry.raw_events AS e
              WHERE e.observed_at >= bucket AND e.observed_at < bucket + interval '1 hour') AS d
        LEFT JOIN telemetry_admin.vocabulary AS s
               ON s.dimension = 'service' AND s.name = telemetry_admin.normalised_label(d.service)
        LEFT JOIN telemetry_admin.vocabulary AS m
               ON m.dimension = 'metric' AND m.name = telemetry_admin.normalised_label(d.metric)
    ), labelled AS (
        SELECT l.service, l.metric, e.subject_key,
               count(*) AS events,
               count(*) FILTER (WHERE e.is_error) AS errors,
               sum(least(e.latency_ms, latency_bound_ms)) AS latency
        FROM telemetry.raw_events AS e
        JOIN labels AS l ON l.raw_service = e.service AND l.raw_metric = e.metric
        WHERE e.observed_at >= bucket AND e.observed_at < bucket + interval '1 hour'
        GROUP BY l.service, l.metric, e.subject_key
    ), groups_per_subject AS (
        SELECT l.subject_key, count(*) AS groups FROM labelled AS l GROUP BY l.subject_key
    ), bounded AS (
        -- Most subjects touch few groups and are kept whole (hashing, no sort); only the others are ranked
        -- to keep their most active groups, chosen from their own rows alone.
        SELECT l.service, l.metric, l.events, l.errors, l.latency
        FROM labelled AS l JOIN groups_per_subject AS g USING (subject_key)
        WHERE g.groups <= max_groups_per_subject
        UNION ALL
        SELECT r.service, r.metric, r.events, r.errors, r.latency
        FROM (SELECT l.*, row_number() OVER (PARTITION BY l.subject_key
                                             ORDER BY l.events DESC, l.service, l.metric) AS rank
              FROM labelled AS l JOIN groups_per_subject AS g USING (subject_key)
              WHERE g.groups > max_groups_per_subject) AS r
        WHERE r.rank <= max_groups_per_subject
    )
    SELECT b.service, b.metric,
           count(*),
           sum(least(b.events, max_events_per_group))::bigint,
           sum(least(b.errors, max_events_per_group))::bigint,
           sum(least(round(b.latency * least(1.0, max_events_per_group::double precision / b.events)),
                     max_events_per_group::double precision * latency_bound_ms))::bigint
    FROM bounded AS b
    GROUP BY b.service, b.metric;
END;
REVOKE ALL ON FUNCTION telemetry_admin.bounded_contributions_from_raw(timestamptz, integer, integer, integer)
    FROM PUBLIC;

-- The same values from the rollup. A subject with one spelling and no latency above the bound is in exactly one
-- group: bounded from its totals and summed by spelling, with no further grouping by subject. The others (a few
-- per cent) are read from raw rows per spelling, clamped event by event, merged by group (two spellings of one
-- service are one group) and ranked exactly as the reference does. Spellings are mapped onto the vocabulary once
-- each. Nothing is returned unless the rollup holds exactly raw_rows events for the hour: the caller then counts
-- from raw rows (fail closed: never a release from a partial rollup).
CREATE OR REPLACE FUNCTION telemetry_admin.bounded_contributions_from_rollup(
    bucket timestamptz,
    max_groups_per_subject integer,
    max_events_per_group integer,
    latency_bound_ms integer,
    raw_rows bigint
)
RETURNS TABLE (service text, metric text, subjects bigint, events bigint, errors bigint, latency_ms_sum bigint)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
-- A few milliseconds of work per hour: parallel workers would cost more to start than they save.
SET max_parallel_workers_per_gather = 0
BEGIN ATOMIC
    WITH rolled AS MATERIALIZED (
        SELECT CASE WHEN h.several_spellings OR h.latency_ms_max > latency_bound_ms THEN h.subject_key END
                   AS read_raw,
               h.service AS raw_service, h.metric AS raw_metric,
               count(*) AS subjects,
               sum(h.events) AS total_events,
               sum(least(h.events, max_events_per_group)) AS events,
               sum(least(h.errors, max_events_per_group)) AS errors,
               sum(least(round(h.latency_ms_sum * least(1.0, max_events_per_group::double precision / h.events)),
                         max_events_per_group::double precision * latency_bound_ms)) AS latency
        FROM telemetry.subject_hours AS h
        WHERE h.bucket_start = bucket
        GROUP BY 1, 2, 3
    ), single AS (
        SELECT r.raw_service, r.raw_metric, r.subjects, r.events, r.errors, r.latency
        FROM rolled AS r WHERE r.read_raw IS NULL
    ), spelled AS MATERIALIZED (
        SELECT e.subject_key, e.service AS raw_service, e.metric AS raw_metric, count(*) AS events,
               count(*) FILTER (WHERE e.is_error) AS errors, sum(least(e.latency_ms, latency_bound_ms)) AS latency
        FROM telemetry.raw_events AS e
        WHERE e.observed_at >= bucket AND e.observed_at < bucket + interval '1 hour'
          AND e.subject_key IN (SELECT r.read_raw FROM rolled AS r WHERE r.read_raw IS NOT NULL)
        GROUP BY e.subject_key, e.service, e.metric
    ), labels AS MATERIALIZED (
        SELECT d.raw_service, d.raw_metric,
               coalesce(s.name, 'other') AS service, coalesce(m.name, 'other') AS metric
        FROM (SELECT g.raw_service, g.raw_metric FROM single AS g
              UNION SELECT v.raw_service, v.raw_metric FROM spelled AS v) AS d
        LEFT JOIN telemetry_admin.vocabulary AS s
               ON s.dimension = 'service' AND s.name = telemetry_admin.normalised_label(d.raw_service)
        LEFT JOIN telemetry_admin.vocabulary AS m
               ON m.dimension = 'metric' AND m.name = telemetry_admin.normalised_label(d.raw_metric)
    ), labelled AS (
        SELECT l.service, l.metric, v.subject_key,
               sum(v.events) AS events, sum(v.errors) AS errors, sum(v.latency) AS latency
        FROM spelled AS v JOIN labels AS l USING (raw_service, raw_metric)
        GROUP BY l.service, l.metric, v.subject_key
    ), ranked AS (
        -- The reference's order, so that the same groups are kept.
        SELECT r.service, r.metric,
               1 AS subjects,
               least(r.events, max_events_per_group) AS events,
               least(r.errors, max_events_per_group) AS errors,
               least(round(r.latency * least(1.0, max_events_per_group::double precision / r.events)),
                     max_events_per_group::double precision * latency_bound_ms) AS latency
        FROM (SELECT l.*, row_number() OVER (PARTITION BY l.subject_key
                                             ORDER BY l.events DESC, l.service, l.metric) AS rank
              FROM labelled AS l) AS r
        WHERE r.rank <= max_groups_per_subject
    )
    SELECT b.service, b.metric, sum(b.subjects)::bigint, sum(b.events)::bigint, sum(b.errors)::bigint,
           sum(b.latency)::bigint
    FROM (SELECT l.service, l.metric, g.subjects, g.events, g.errors, g.latency
          FROM single AS g JOIN labels AS l USING (raw_service, raw_metric)
          UNION ALL
          SELECT r.service, r.metric, r.subjects, r.events, r.errors, r.latency FROM ranked AS r) AS b
    -- The rollup holds every raw row of the hour, and the raw rows read for the others add up to their totals.
    WHERE (SELECT coalesce(sum(r.total_events), 0) FROM rolled AS r) = raw_rows
      AND (SELECT coalesce(sum(r.total_events), 0) FROM rolled AS r WHERE r.read_raw IS NOT NULL)
          = (SELECT coalesce(sum(v.events), 0) FROM spelled AS v)
    GROUP BY b.service, b.metric;
END;
REVOKE ALL ON FUNCTION telemetry_admin.bounded_contributions_from_rollup(timestamptz, integer, integer, integer, bigint)
    FROM PUBLIC;

-- What the release calls (same name and parameters as before): the rollup when it accounts for every raw row
-- of the hour, the raw rows otherwise, with a warning naming the hour.
CREATE OR REPLACE FUNCTION telemetry_admin.bounded_contributions(
    bucket timestamptz,
    max_groups_per_subject integer,
    max_events_per_group integer,
    latency_bound_ms integer
)
RETURNS TABLE (service text, metric text, subjects bigint, events bigint, errors bigint, latency_ms_sum bigint)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $function$
DECLARE
    raw_rows bigint;
BEGIN
    SELECT count(*) INTO raw_rows FROM telemetry.raw_events AS e
    WHERE e.observed_at >= bucket AND e.observed_at < bucket + interval '1 hour';
    IF raw_rows = 0 THEN
        RETURN;
    END IF;
    -- With raw rows, a consistent rollup yields at least one group.
    RETURN QUERY SELECT * FROM telemetry_admin.bounded_contributions_from_rollup(
        bucket, max_groups_per_subject, max_events_per_group, latency_bound_ms, raw_rows);
    IF NOT FOUND THEN
        RAISE WARNING 'telemetry.subject_hours does not account for the % raw rows of the hour %: counting from raw rows',
            raw_rows, bucket
            USING HINT = 'Raw telemetry was written before the rollup existed (migration 0005) or with its triggers '
                         'disabled; the release stays exact, only slower, for this hour.';
        RETURN QUERY SELECT * FROM telemetry_admin.bounded_contributions_from_raw(
            bucket, max_groups_per_subject, max_events_per_group, latency_bound_ms);
    END IF;
END
$function$;
REVOKE ALL ON FUNCTION telemetry_admin.bounded_contributions(timestamptz, integer, integer, integer) FROM PUBLIC;
