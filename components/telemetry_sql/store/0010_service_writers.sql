-- One login role per service, each a member of the NOLOGIN-able group telemetry_writer that holds the INSERT
-- (red team 2, finding 1): PostgreSQL shows a session's statement text and lets a role change its own settings
-- only for that role, so separate roles keep one compromised service from reading or steering the others'
-- sessions. The roles have no password: pg_hba must admit them by a client certificate whose common name is
-- the role (`hostssl telemetry +telemetry_writer <cidr> cert`), issued by the component (README.md, "For the
-- component wiring").

CREATE OR REPLACE FUNCTION telemetry_admin.writer_role(service text)
RETURNS text
LANGUAGE plpgsql IMMUTABLE
AS $function$
BEGIN
    IF service IS NULL OR service !~ '^[a-z][a-z0-9_]{0,39}$' THEN
        RAISE EXCEPTION 'writer % must be a lower-case label of at most 40 characters (letters, digits, _)', service
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN 'telemetry_writer_' || service;
END
$function$;

-- Makes exactly the given services' writer roles able to log in and insert; any other telemetry_writer_* role
-- loses its login and its membership (a service removed from the list stops writing at the next deploy).
CREATE OR REPLACE PROCEDURE telemetry_admin.configure_writers(services text[])
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $procedure$
DECLARE
    wanted text[];
    role_name text;
BEGIN
    SELECT coalesce(array_agg(telemetry_admin.writer_role(s)), '{}') INTO wanted
    FROM unnest(coalesce(services, '{}'::text[])) AS s;
    FOR role_name IN
        SELECT r.rolname FROM pg_roles AS r
        WHERE r.rolname LIKE 'telemetry\_writer\_%' AND NOT r.rolname = ANY (wanted)
    LOOP
        EXECUTE format('ALTER ROLE %I NOLOGIN', role_name);
        EXECUTE format('REVOKE telemetry_writer FROM %I', role_name);
    END LOOP;
    FOREACH role_name IN ARRAY wanted LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles AS r WHERE r.rolname = role_name) THEN
            EXECUTE format('CREATE ROLE %I', role_name);
        END IF;
        EXECUTE format('ALTER ROLE %I LOGIN INHERIT PASSWORD NULL NOSUPERUSER NOCREATEDB NOCREATEROLE '
                       'NOREPLICATION NOBYPASSRLS', role_name);
        EXECUTE format('GRANT telemetry_writer TO %I', role_name);
        CALL telemetry_admin.reset_role_settings(role_name);
        EXECUTE format('ALTER ROLE %I SET track_activities = off', role_name);
    END LOOP;
END
$procedure$;
REVOKE ALL ON PROCEDURE telemetry_admin.configure_writers(text[]) FROM PUBLIC;
