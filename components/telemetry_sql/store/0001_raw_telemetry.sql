-- Raw telemetry: personal data (subject, device, IP address) that never leaves its region.
-- A TimescaleDB hypertable where the extension is available, a plain table otherwise, so the same file runs on
-- stock PostgreSQL in the tests.

CREATE SCHEMA IF NOT EXISTS telemetry;
-- Nobody but the owner and explicitly granted roles may even look up names in the raw schema.
REVOKE ALL ON SCHEMA telemetry FROM PUBLIC;

-- One spelling per person: NFKC folds full-width and compatibility forms and maps no-break and other Unicode
-- spaces to a plain space, lower() (ICU, so beyond ASCII) folds case, invisible format characters (zero-width
-- space and joiners, word joiner, byte-order mark, soft hyphen) are removed, and surrounding whitespace trimmed.
-- PostgreSQL 15 has no full Unicode case folding (casefold() arrives in 18): 'STRASSE' and 'straße' stay apart.
CREATE OR REPLACE FUNCTION telemetry.subject_key(subject_id text)
RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN pg_catalog.btrim(
    pg_catalog.regexp_replace(
        pg_catalog.lower(pg_catalog.normalize(subject_id, 'NFKC') COLLATE "und-x-icu"),
        '[\u00ad\u200b-\u200f\u2060\ufeff]', '', 'g'),
    E' \t\r\n\f\v');

CREATE TABLE IF NOT EXISTS telemetry.raw_events (
    observed_at timestamptz NOT NULL,
    subject_id text NOT NULL,
    -- Counted, capped and bounded by this key, never by the spelling a service sent.
    subject_key text NOT NULL GENERATED ALWAYS AS (telemetry.subject_key(subject_id)) STORED
        CONSTRAINT raw_events_subject_key_not_empty CHECK (subject_key <> ''),
    device_id text NOT NULL,
    ip_address inet,
    -- Free text as the service sent it; the release maps it onto the configured vocabulary or counts it under
    -- 'other', so no value that is not in the vocabulary can ever leave the store.
    service text NOT NULL CONSTRAINT raw_events_service_length CHECK (length(service) <= 200),
    metric text NOT NULL DEFAULT 'request' CONSTRAINT raw_events_metric_length CHECK (length(metric) <= 200),
    latency_ms double precision NOT NULL CONSTRAINT raw_events_latency_not_negative CHECK (latency_ms >= 0),
    is_error boolean NOT NULL DEFAULT false
);
REVOKE ALL ON TABLE telemetry.raw_events FROM PUBLIC;

-- The release scans one hour at a time by observed_at, in time order as telemetry arrives.
CREATE INDEX IF NOT EXISTS raw_events_observed_at_idx ON telemetry.raw_events (observed_at);

DO $migration$
DECLARE
    required boolean := coalesce(nullif(current_setting('telemetry_sql.require_timescaledb', true), ''), 'false')::boolean;
    preloaded boolean := current_setting('shared_preload_libraries') ~ '(^|[ ,])timescaledb([ ,]|$)';
    extension_schema name;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb') OR NOT preloaded THEN
        IF required THEN
            RAISE EXCEPTION 'TimescaleDB is required but is not available and preloaded on this server';
        END IF;
        RAISE NOTICE 'timescaledb is not available: telemetry.raw_events stays a plain table';
        RETURN;
    END IF;
    CREATE EXTENSION IF NOT EXISTS timescaledb;
    SELECT extnamespace::regnamespace::name INTO extension_schema FROM pg_extension WHERE extname = 'timescaledb';
    -- The pre-2.13 interface: still present in every 2.x release, unlike by_range() which needs 2.13.
    EXECUTE format(
        'SELECT %I.create_hypertable(relation => %L::regclass, time_column_name => %L, '
        'chunk_time_interval => interval %L, create_default_indexes => false, if_not_exists => true, '
        'migrate_data => true)',
        extension_schema, 'telemetry.raw_events', 'observed_at', '1 day');
END
$migration$;
