-- The exchange server holds anonymised telemetry only: its own region's hourly aggregates (published to the
-- peers) and one table per peer region (filled by subscriptions). The peer's replication role can copy this
-- whole server, so nothing else may ever be stored here.

CREATE SCHEMA IF NOT EXISTS anonymised;
REVOKE ALL ON SCHEMA anonymised FROM PUBLIC;
CREATE SCHEMA IF NOT EXISTS exchange_admin;
REVOKE ALL ON SCHEMA exchange_admin FROM PUBLIC;

CREATE TABLE IF NOT EXISTS exchange_admin.settings (
    singleton boolean PRIMARY KEY DEFAULT true CONSTRAINT settings_single_row CHECK (singleton),
    region text NOT NULL CONSTRAINT settings_region_is_a_label CHECK (region ~ '^[a-z][a-z0-9_]{0,19}$')
);

-- One row per hour pushed by the region's telemetry store, even an hour whose groups were all suppressed:
-- a bucket is final once its marker exists.
CREATE TABLE IF NOT EXISTS exchange_admin.published_buckets (
    bucket_start timestamptz PRIMARY KEY,
    min_subjects integer NOT NULL CONSTRAINT published_buckets_min_subjects_floor CHECK (min_subjects >= 10),
    group_count integer NOT NULL CONSTRAINT published_buckets_group_count_not_negative CHECK (group_count >= 0),
    published_at timestamptz NOT NULL DEFAULT now()
);

CREATE OR REPLACE FUNCTION exchange_admin.anonymised_table(region text)
RETURNS text
LANGUAGE plpgsql IMMUTABLE
AS $function$
BEGIN
    IF region IS NULL OR region !~ '^[a-z][a-z0-9_]{0,19}$' THEN
        RAISE EXCEPTION 'region must be a lower-case label, got %', region USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN 'telemetry_hourly_' || region;
END
$function$;

CREATE OR REPLACE PROCEDURE exchange_admin.ensure_anonymised_table(region text)
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $procedure$
BEGIN
    -- No subject, device, IP or free-text column; the CHECK repeats the suppression rule so that neither a
    -- faulty push nor a faulty peer can store a group smaller than the floor here.
    EXECUTE format(
        'CREATE TABLE IF NOT EXISTS anonymised.%I ('
        '    bucket_start timestamptz NOT NULL'
        '        CONSTRAINT %I CHECK (bucket_start = date_trunc(''hour'', bucket_start, ''UTC'')),'
        '    service text NOT NULL CONSTRAINT %I CHECK (service ~ ''^[a-z][a-z0-9-]{0,62}$''),'
        '    subject_count integer NOT NULL CONSTRAINT %I CHECK (subject_count >= 10),'
        '    event_count bigint NOT NULL,'
        '    error_count bigint NOT NULL,'
        '    latency_ms_mean double precision NOT NULL,'
        '    latency_ms_p50 double precision NOT NULL,'
        '    latency_ms_p95 double precision NOT NULL,'
        '    PRIMARY KEY (bucket_start, service)'
        ')',
        exchange_admin.anonymised_table(region),
        exchange_admin.anonymised_table(region) || '_bucket_is_an_hour',
        exchange_admin.anonymised_table(region) || '_service_is_a_name',
        exchange_admin.anonymised_table(region) || '_subject_count_floor');
    EXECUTE format('REVOKE ALL ON TABLE anonymised.%I FROM PUBLIC', exchange_admin.anonymised_table(region));
END
$procedure$;
REVOKE ALL ON PROCEDURE exchange_admin.ensure_anonymised_table(text) FROM PUBLIC;

-- Quotes a value for a libpq connection string (the subscription's), whatever characters a password holds.
CREATE OR REPLACE FUNCTION exchange_admin.conninfo_value(value text)
RETURNS text
LANGUAGE sql IMMUTABLE STRICT
RETURN '''' || replace(replace(value, '\', '\\'), '''', '\''') || '''';
