-- The differentially private release of raw telemetry, and its ledger. Run by a CronJob with
-- CALL telemetry_admin.release_closed_hours(...); README.md beside this file states the guarantee.
--
-- Per closed UTC hour: every subject's contribution is bounded (at most max_groups_per_subject groups, at most
-- max_events_per_group events per group, latencies clamped to [0, latency_bound_ms]); every group of the closed
-- domain (configured services and metrics, plus 'other') gets discrete Laplace noise on its distinct-subject
-- count; a group is kept when that noisy count reaches the threshold; kept groups get noise on their event
-- count, error count and latency sum. Noise comes from pgcrypto's gen_random_bytes (the operating system's
-- cryptographic generator through OpenSSL) and is sampled exactly, in integer arithmetic. The values are written
-- to the ledger here, on the store, before a byte of them leaves; every push of an hour carries exactly those
-- values, so nothing can make an hour be released twice.

CREATE SCHEMA IF NOT EXISTS telemetry_admin;
REVOKE ALL ON SCHEMA telemetry_admin FROM PUBLIC;

-- In a schema PUBLIC cannot use: no ordinary role can draw randomness or open connections from the server.
CREATE EXTENSION IF NOT EXISTS pgcrypto SCHEMA telemetry_admin;
CREATE EXTENSION IF NOT EXISTS dblink SCHEMA telemetry_admin;

CREATE TABLE IF NOT EXISTS telemetry_admin.settings (
    singleton boolean PRIMARY KEY DEFAULT true CONSTRAINT settings_single_row CHECK (singleton),
    region text NOT NULL CONSTRAINT settings_region_is_a_label CHECK (region ~ '^[a-z][a-z0-9_]{0,19}$')
);
REVOKE ALL ON TABLE telemetry_admin.settings FROM PUBLIC;

-- The closed vocabularies of the grouping dimensions; anything else is counted under 'other'.
CREATE TABLE IF NOT EXISTS telemetry_admin.vocabulary (
    dimension text NOT NULL CONSTRAINT vocabulary_dimension_known CHECK (dimension IN ('service', 'metric')),
    name text NOT NULL CONSTRAINT vocabulary_name_is_a_label CHECK (name ~ '^[a-z][a-z0-9-]{0,62}$'),
    PRIMARY KEY (dimension, name)
);
REVOKE ALL ON TABLE telemetry_admin.vocabulary FROM PUBLIC;

-- The peer regions whose exchanges receive this region's release (one foreign server each, peer_link.sql).
CREATE TABLE IF NOT EXISTS telemetry_admin.peers (
    region text PRIMARY KEY CONSTRAINT peers_region_is_a_label CHECK (region ~ '^[a-z][a-z0-9_]{0,19}$')
);
REVOKE ALL ON TABLE telemetry_admin.peers FROM PUBLIC;

-- Bounds the module (components/telemetry_sql/__init__.py) repeats; the SQL enforces them whatever a caller
-- passes. The privacy-protecting bound on epsilon is the ceiling; the floor keeps the noise from drowning
-- every statistic (and the sampler's integers in range).
CREATE OR REPLACE FUNCTION telemetry_admin.min_subjects_floor() RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN 10;
CREATE OR REPLACE FUNCTION telemetry_admin.epsilon_floor() RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN 0.1;
CREATE OR REPLACE FUNCTION telemetry_admin.epsilon_ceiling() RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN 2.0;

-- ---------------------------------------------------------------------------------------------------------
-- Exact sampling from cryptographic random bytes (Canonne, Kamath and Steinke, "The Discrete Gaussian for
-- Differential Privacy", 2020, algorithms 1 and 2): integers and rationals only, no floating point.

-- Discrete Laplace with scale numerator/denominator: P(x) proportional to exp(-|x| * denominator / numerator).
-- CKS algorithm 2, with its Bernoulli and uniform draws written out in place (no function call per random
-- number: the release draws thousands per run). A uniform integer below n: 62 random bits, rejected at or
-- above the largest multiple of n, reduced modulo n.
CREATE OR REPLACE FUNCTION telemetry_admin.discrete_laplace(scale_numerator bigint, scale_denominator bigint)
RETURNS bigint
LANGUAGE plpgsql VOLATILE STRICT PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $function$
DECLARE
    two_62 constant bigint := 4611686018427387904;
    t constant bigint := scale_numerator;
    uniform bigint;
    bound bigint;
    candidate bigint;
    k bigint;
    geometric bigint;
    magnitude bigint;
    negative boolean;
BEGIN
    IF t < 1 OR scale_denominator < 1 OR t > 1099511627776 THEN
        RAISE EXCEPTION 'discrete_laplace: scale %/% is not positive with a numerator of at most 2^40',
            scale_numerator, scale_denominator USING ERRCODE = 'invalid_parameter_value';
    END IF;
    LOOP
        -- uniform = random_below(t)
        LOOP
            candidate := ('x' || encode(telemetry_admin.gen_random_bytes(8), 'hex'))::bit(64)::bigint & (two_62 - 1);
            EXIT WHEN candidate < two_62 - two_62 % t;
        END LOOP;
        uniform := candidate % t;
        -- Bernoulli(exp(-uniform / t)): k successive Bernoulli(uniform / (t k)) successes, accepted when k is odd.
        k := 1;
        LOOP
            bound := t * k;
            LOOP
                candidate := ('x' || encode(telemetry_admin.gen_random_bytes(8), 'hex'))::bit(64)::bigint & (two_62 - 1);
                EXIT WHEN candidate < two_62 - two_62 % bound;
            END LOOP;
            EXIT WHEN candidate % bound >= uniform;
            k := k + 1;
        END LOOP;
        CONTINUE WHEN k % 2 = 0;
        -- geometric = successes of Bernoulli(exp(-1)) before the first failure; Bernoulli(exp(-1)) is the same
        -- k-loop with Bernoulli(1 / k).
        geometric := 0;
        LOOP
            k := 1;
            LOOP
                LOOP
                    candidate := ('x' || encode(telemetry_admin.gen_random_bytes(8), 'hex'))::bit(64)::bigint
                                 & (two_62 - 1);
                    EXIT WHEN candidate < two_62 - two_62 % k;
                END LOOP;
                EXIT WHEN candidate % k <> 0;
                k := k + 1;
            END LOOP;
            EXIT WHEN k % 2 = 0;
            geometric := geometric + 1;
        END LOOP;
        magnitude := (uniform + t * geometric) / scale_denominator;
        negative := (('x' || encode(telemetry_admin.gen_random_bytes(1), 'hex'))::bit(8)::integer & 1) = 1;
        CONTINUE WHEN negative AND magnitude = 0;
        RETURN CASE WHEN negative THEN -magnitude ELSE magnitude END;
    END LOOP;
END
$function$;

REVOKE ALL ON FUNCTION telemetry_admin.discrete_laplace(bigint, bigint) FROM PUBLIC;

-- ---------------------------------------------------------------------------------------------------------
-- Calibration. Per hour a subject changes at most max_groups groups, and in each group its distinct-subject
-- count by 1, its event and error counts by max_events, its latency sum by max_events * latency_bound. The
-- hour's epsilon is split over the statistics by fixed weights (subjects 2/5, the others 1/5 each), so that
-- sum over groups and statistics of sensitivity / scale = epsilon_per_hour exactly.

CREATE OR REPLACE FUNCTION telemetry_admin.check_privacy_parameters(
    min_subjects integer,
    epsilon_per_hour numeric,
    max_groups_per_subject integer,
    max_events_per_group integer,
    latency_bound_ms integer,
    small_group_probability double precision
)
RETURNS void
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $function$
BEGIN
    IF min_subjects IS NULL OR min_subjects < telemetry_admin.min_subjects_floor() THEN
        RAISE EXCEPTION 'min_subjects must be at least %, got %', telemetry_admin.min_subjects_floor(), min_subjects
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF epsilon_per_hour IS NULL OR epsilon_per_hour < telemetry_admin.epsilon_floor()
       OR epsilon_per_hour > telemetry_admin.epsilon_ceiling() OR epsilon_per_hour * 1000 <> trunc(epsilon_per_hour * 1000) THEN
        RAISE EXCEPTION 'epsilon_per_hour must lie in [%, %] in steps of 0.001, got %',
            telemetry_admin.epsilon_floor(), telemetry_admin.epsilon_ceiling(), epsilon_per_hour
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF max_groups_per_subject IS NULL OR max_groups_per_subject NOT BETWEEN 1 AND 10 THEN
        RAISE EXCEPTION 'max_groups_per_subject must lie in [1, 10], got %', max_groups_per_subject
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF max_events_per_group IS NULL OR max_events_per_group NOT BETWEEN 1 AND 100 THEN
        RAISE EXCEPTION 'max_events_per_group must lie in [1, 100], got %', max_events_per_group
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF latency_bound_ms IS NULL OR latency_bound_ms NOT BETWEEN 1 AND 60000 THEN
        RAISE EXCEPTION 'latency_bound_ms must lie in [1, 60000], got %', latency_bound_ms
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF small_group_probability IS NULL OR NOT (small_group_probability > 0 AND small_group_probability <= 0.01) THEN
        RAISE EXCEPTION 'small_group_probability must lie in (0, 0.01], got %', small_group_probability
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
END
$function$;

CREATE OR REPLACE FUNCTION telemetry_admin.noise_scales(
    epsilon_per_hour numeric,
    max_groups_per_subject integer,
    max_events_per_group integer,
    latency_bound_ms integer
)
RETURNS TABLE (statistic text, sensitivity bigint, scale_numerator bigint, scale_denominator bigint)
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT s.statistic,
           s.sensitivity,
           -- scale = groups * sensitivity / (epsilon * weight / 5), with epsilon in thousandths
           (max_groups_per_subject::bigint * s.sensitivity * 5 * 1000) / gcd(max_groups_per_subject::bigint * s.sensitivity * 5 * 1000, (epsilon_per_hour * 1000)::bigint * s.weight),
           ((epsilon_per_hour * 1000)::bigint * s.weight) / gcd(max_groups_per_subject::bigint * s.sensitivity * 5 * 1000, (epsilon_per_hour * 1000)::bigint * s.weight)
    FROM (VALUES ('subjects', 1::bigint, 2::bigint, 1),
                 ('events', max_events_per_group::bigint, 1::bigint, 2),
                 ('errors', max_events_per_group::bigint, 1::bigint, 3),
                 ('latency_ms_sum', max_events_per_group::bigint * latency_bound_ms, 1::bigint, 4))
         AS s (statistic, sensitivity, weight, position)
    ORDER BY s.position;
END;

-- The noisy-count threshold: a group with at most min_subjects subjects is kept with probability at most
-- small_group_probability, since P(noise >= m) = alpha^m / (1 + alpha) with alpha = exp(-1 / scale).
-- It is applied to the noisy count over a domain fixed in advance, so it costs no privacy.
CREATE OR REPLACE FUNCTION telemetry_admin.release_threshold(
    min_subjects integer,
    epsilon_per_hour numeric,
    max_groups_per_subject integer,
    small_group_probability double precision
)
RETURNS integer
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT min_subjects + greatest(0, ceil(-scale * ln(small_group_probability * (1 + exp(-1 / scale))) - 1e-9))::integer
    FROM (SELECT s.scale_numerator::double precision / s.scale_denominator AS scale
          FROM telemetry_admin.noise_scales(epsilon_per_hour, max_groups_per_subject, 1, 1) AS s
          WHERE s.statistic = 'subjects') AS subjects;
END;

-- ---------------------------------------------------------------------------------------------------------
-- Contribution bounding: exact, before any noise; callable only by superusers (it reads raw telemetry).
-- Capping scales a subject's latency sum by max_events / its events rather than picking events, so every
-- bound follows from the subject's own rows alone and no per-event sort is needed.

CREATE OR REPLACE FUNCTION telemetry_admin.normalised_label(value text)
RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN pg_catalog.btrim(pg_catalog.lower(pg_catalog.normalize(value, 'NFKC') COLLATE "und-x-icu"), E' \t\r\n\f\v');

CREATE OR REPLACE FUNCTION telemetry_admin.bounded_contributions(
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
REVOKE ALL ON FUNCTION telemetry_admin.bounded_contributions(timestamptz, integer, integer, integer) FROM PUBLIC;

-- ---------------------------------------------------------------------------------------------------------
-- The ledger: what was released, on the store that holds the raw data. Never pruned: an hour missing from
-- it could be released again by a run with an earlier as_of.

CREATE TABLE IF NOT EXISTS telemetry_admin.released_hours (
    bucket_start timestamptz PRIMARY KEY
        CONSTRAINT released_hours_bucket_is_an_hour CHECK (bucket_start = date_trunc('hour', bucket_start, 'UTC')),
    released_at timestamptz NOT NULL DEFAULT now(),
    epsilon numeric NOT NULL,
    max_groups_per_subject integer NOT NULL,
    max_events_per_group integer NOT NULL,
    latency_bound_ms integer NOT NULL,
    min_subjects integer NOT NULL CONSTRAINT released_hours_min_subjects_floor CHECK (min_subjects >= 10),
    threshold integer NOT NULL CONSTRAINT released_hours_threshold_floor CHECK (threshold >= min_subjects)
);
REVOKE ALL ON TABLE telemetry_admin.released_hours FROM PUBLIC;

CREATE TABLE IF NOT EXISTS telemetry_admin.released_groups (
    bucket_start timestamptz NOT NULL REFERENCES telemetry_admin.released_hours,
    service text NOT NULL,
    metric text NOT NULL,
    subject_count integer NOT NULL CONSTRAINT released_groups_subject_count_floor CHECK (subject_count >= 10),
    event_count bigint NOT NULL CONSTRAINT released_groups_event_count_not_negative CHECK (event_count >= 0),
    error_count bigint NOT NULL CONSTRAINT released_groups_error_count_not_negative CHECK (error_count >= 0),
    latency_ms_sum bigint NOT NULL CONSTRAINT released_groups_latency_not_negative CHECK (latency_ms_sum >= 0),
    latency_ms_mean double precision NOT NULL,
    PRIMARY KEY (bucket_start, service, metric)
);
REVOKE ALL ON TABLE telemetry_admin.released_groups FROM PUBLIC;

-- When each peer first acknowledged an hour; an hour is pushed again (same values) until it has.
CREATE TABLE IF NOT EXISTS telemetry_admin.deliveries (
    bucket_start timestamptz NOT NULL REFERENCES telemetry_admin.released_hours,
    peer text NOT NULL,
    delivered_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (bucket_start, peer)
);
REVOKE ALL ON TABLE telemetry_admin.deliveries FROM PUBLIC;

CREATE OR REPLACE FUNCTION telemetry_admin.refuse_ledger_change()
RETURNS trigger
LANGUAGE plpgsql
AS $function$
BEGIN
    RAISE EXCEPTION 'the release ledger (%) is append-only: a released hour removed from it could be released again',
        TG_TABLE_NAME USING ERRCODE = 'prohibited_sql_statement_attempted';
END
$function$;
DROP TRIGGER IF EXISTS released_hours_append_only ON telemetry_admin.released_hours;
CREATE TRIGGER released_hours_append_only BEFORE UPDATE OR DELETE ON telemetry_admin.released_hours
    FOR EACH ROW EXECUTE FUNCTION telemetry_admin.refuse_ledger_change();
DROP TRIGGER IF EXISTS released_hours_no_truncate ON telemetry_admin.released_hours;
CREATE TRIGGER released_hours_no_truncate BEFORE TRUNCATE ON telemetry_admin.released_hours
    FOR EACH STATEMENT EXECUTE FUNCTION telemetry_admin.refuse_ledger_change();
DROP TRIGGER IF EXISTS released_groups_append_only ON telemetry_admin.released_groups;
CREATE TRIGGER released_groups_append_only BEFORE UPDATE OR DELETE ON telemetry_admin.released_groups
    FOR EACH ROW EXECUTE FUNCTION telemetry_admin.refuse_ledger_change();
DROP TRIGGER IF EXISTS released_groups_no_truncate ON telemetry_admin.released_groups;
CREATE TRIGGER released_groups_no_truncate BEFORE TRUNCATE ON telemetry_admin.released_groups
    FOR EACH STATEMENT EXECUTE FUNCTION telemetry_admin.refuse_ledger_change();

-- ---------------------------------------------------------------------------------------------------------
-- Releasing one hour: draws the noise once and records the result. Nothing is sent from here.

CREATE OR REPLACE FUNCTION telemetry_admin.release_hour(
    bucket timestamptz,
    min_subjects integer,
    epsilon_per_hour numeric,
    max_groups_per_subject integer,
    max_events_per_group integer,
    latency_bound_ms integer,
    small_group_probability double precision
)
RETURNS integer
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
AS $function$
DECLARE
    threshold integer;
    kept integer;
BEGIN
    PERFORM telemetry_admin.check_privacy_parameters(min_subjects, epsilon_per_hour, max_groups_per_subject,
                                                     max_events_per_group, latency_bound_ms, small_group_probability);
    IF bucket IS NULL OR bucket <> date_trunc('hour', bucket) THEN
        RAISE EXCEPTION 'release_hour: % is not the start of a UTC hour', bucket USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- Runs that overlap queue here; the second finds the hour in the ledger and leaves it.
    PERFORM pg_advisory_xact_lock(hashtext('telemetry_admin.release'));
    IF EXISTS (SELECT 1 FROM telemetry_admin.released_hours AS r WHERE r.bucket_start = bucket) THEN
        RETURN NULL;
    END IF;
    threshold := telemetry_admin.release_threshold(min_subjects, epsilon_per_hour, max_groups_per_subject,
                                                   small_group_probability);
    INSERT INTO telemetry_admin.released_hours (bucket_start, epsilon, max_groups_per_subject, max_events_per_group,
                                                latency_bound_ms, min_subjects, threshold)
    VALUES (bucket, epsilon_per_hour, max_groups_per_subject, max_events_per_group, latency_bound_ms, min_subjects,
            threshold);

    WITH scales AS MATERIALIZED (
        SELECT s.statistic, s.scale_numerator AS t, s.scale_denominator AS d
        FROM telemetry_admin.noise_scales(epsilon_per_hour, max_groups_per_subject, max_events_per_group,
                                          latency_bound_ms) AS s
    ), domain AS (
        -- Every group that could exist, fixed by configuration: an empty group is as noisy as a full one.
        SELECT s.name AS service, m.name AS metric
        FROM (SELECT v.name FROM telemetry_admin.vocabulary AS v WHERE v.dimension = 'service'
              UNION SELECT 'other') AS s (name)
        CROSS JOIN (SELECT v.name FROM telemetry_admin.vocabulary AS v WHERE v.dimension = 'metric'
                    UNION SELECT 'other') AS m (name)
    ), exact AS MATERIALIZED (
        SELECT d.service, d.metric, coalesce(b.subjects, 0) AS subjects, coalesce(b.events, 0) AS events,
               coalesce(b.errors, 0) AS errors, coalesce(b.latency_ms_sum, 0) AS latency_ms_sum
        FROM domain AS d
        LEFT JOIN telemetry_admin.bounded_contributions(bucket, max_groups_per_subject, max_events_per_group,
                                                        latency_bound_ms) AS b
               USING (service, metric)
    ), counted AS MATERIALIZED (
        SELECT x.*, x.subjects + telemetry_admin.discrete_laplace(n.t, n.d) AS noisy_subjects
        FROM exact AS x CROSS JOIN scales AS n
        WHERE n.statistic = 'subjects'
    ), noisy AS MATERIALIZED (
        -- Noise for the other statistics only of the groups kept: those of dropped groups are never seen.
        SELECT c.service, c.metric, c.noisy_subjects,
               greatest(0, c.events + telemetry_admin.discrete_laplace(e.t, e.d)) AS events,
               greatest(0, c.errors + telemetry_admin.discrete_laplace(r.t, r.d)) AS errors,
               greatest(0, c.latency_ms_sum + telemetry_admin.discrete_laplace(l.t, l.d)) AS latency_ms_sum
        FROM counted AS c
        CROSS JOIN scales AS e CROSS JOIN scales AS r CROSS JOIN scales AS l
        WHERE c.noisy_subjects >= threshold
          AND e.statistic = 'events' AND r.statistic = 'errors' AND l.statistic = 'latency_ms_sum'
    )
    INSERT INTO telemetry_admin.released_groups (bucket_start, service, metric, subject_count, event_count, error_count,
                                                 latency_ms_sum, latency_ms_mean)
    SELECT bucket, n.service, n.metric, n.noisy_subjects, n.events, least(n.errors, n.events), n.latency_ms_sum,
           -- Post-processing of the noisy sums: no further privacy cost.
           least(latency_bound_ms::double precision, n.latency_ms_sum::double precision / greatest(n.events, 1))
    FROM noisy AS n;
    GET DIAGNOSTICS kept = ROW_COUNT;
    RETURN kept;
END
$function$;
REVOKE ALL ON FUNCTION telemetry_admin.release_hour(timestamptz, integer, numeric, integer, integer, integer,
    double precision) FROM PUBLIC;
