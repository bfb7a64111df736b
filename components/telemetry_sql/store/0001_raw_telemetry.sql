-- Raw telemetry: personal data (subject, device, IP address) that never leaves its region.
-- A TimescaleDB hypertable where the extension is available, a plain table otherwise, so the same file runs on
-- stock PostgreSQL in the tests.

CREATE SCHEMA IF NOT EXISTS telemetry;
-- Nobody but the owner and explicitly granted roles may even look up names in the raw schema.
REVOKE ALL ON SCHEMA telemetry FROM PUBLIC;

CREATE TABLE IF NOT EXISTS telemetry.raw_events (
    observed_at timestamptz NOT NULL,
    subject_id text NOT NULL,
    device_id text NOT NULL,
    ip_address inet,
    -- A service name from the operators' closed vocabulary, never text a user typed: the anonymised table
    -- groups by it, so it must not be able to carry an identifier.
    service text NOT NULL CONSTRAINT raw_events_service_is_a_name CHECK (service ~ '^[a-z][a-z0-9-]{0,62}$'),
    latency_ms double precision NOT NULL CONSTRAINT raw_events_latency_not_negative CHECK (latency_ms >= 0),
    is_error boolean NOT NULL DEFAULT false
);
REVOKE ALL ON TABLE telemetry.raw_events FROM PUBLIC;

-- The anonymisation step probes and scans one hour at a time by observed_at.
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
