-- The role the microservices write raw telemetry with: it can append rows and nothing else, not even read them.

DO $migration$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'telemetry_writer') THEN
        CREATE ROLE telemetry_writer NOLOGIN;
    END IF;
END
$migration$;
ALTER ROLE telemetry_writer NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;

GRANT USAGE ON SCHEMA telemetry TO telemetry_writer;
GRANT INSERT ON TABLE telemetry.raw_events TO telemetry_writer;
