-- What PUBLIC may still do on the store, cut to what a writer needs (red team 2, findings 1 and 5). Every
-- service logs in as telemetry_writer, and PostgreSQL hides another session's statement text only from other
-- roles: a compromised service read the last INSERT of every other service (raw subject ids, devices and
-- addresses where a driver interpolates parameters) from pg_stat_activity, and polled the exact, unnoised
-- n_tup_ins of raw_events. It could also write large objects, NOTIFY, take server-wide advisory locks and
-- create temporary tables.
--
-- Function and view privileges live in each database's own pg_catalog: revoked here, in the telemetry
-- database, which is the only one pg_hba lets a writer into. Monitoring keeps them through pg_read_all_stats
-- (pg_monitor is a member). LISTEN and NOTIFY (the commands) and ALTER ROLE CURRENT_USER SET have no privilege
-- to revoke: the deploy resets role settings (configure.sql), and notifications carry nothing of ours.

DO $migration$
DECLARE
    target record;
BEGIN
    -- Statistics: other sessions' activity (query text, client addresses) and per-table counters.
    FOR target IN
        SELECT c.oid::regclass AS relation FROM pg_class AS c
        WHERE c.relnamespace = 'pg_catalog'::regnamespace AND c.relkind = 'v'
          AND (c.relname LIKE 'pg\_stat\_%' OR c.relname LIKE 'pg\_statio\_%')
    LOOP
        EXECUTE format('REVOKE SELECT ON %s FROM PUBLIC', target.relation);
        EXECUTE format('GRANT SELECT ON %s TO pg_read_all_stats', target.relation);
    END LOOP;
    -- The functions behind those views, large objects, notifications and advisory locks (the release takes
    -- its advisory lock as the superuser).
    FOR target IN
        SELECT p.oid::regprocedure AS function FROM pg_proc AS p
        WHERE p.pronamespace = 'pg_catalog'::regnamespace
          AND (p.proname LIKE 'pg\_stat\_get\_%' OR p.proname LIKE 'lo\_%' OR p.proname IN ('loread', 'lowrite')
               OR p.proname LIKE 'pg\_%advisory\_%' OR p.proname = 'pg_notify')
    LOOP
        EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', target.function);
        IF target.function::text LIKE 'pg\_stat\_get\_%' THEN
            EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO pg_read_all_stats', target.function);
        END IF;
    END LOOP;
    EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
END
$migration$;

-- Settings a role gave itself (ALTER ROLE CURRENT_USER [IN DATABASE ...] SET ...) apply to every later session
-- of that role: with one role for every service, one service could make all the others' sessions read-only.
-- The deploy calls this for every login role it manages, then sets what it wants.
CREATE OR REPLACE PROCEDURE telemetry_admin.reset_role_settings(role_name name)
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $procedure$
DECLARE
    database_name name;
BEGIN
    EXECUTE format('ALTER ROLE %I RESET ALL', role_name);
    FOR database_name IN
        SELECT d.datname FROM pg_db_role_setting AS s JOIN pg_database AS d ON d.oid = s.setdatabase
        WHERE s.setrole = (SELECT r.oid FROM pg_roles AS r WHERE r.rolname = role_name)
    LOOP
        EXECUTE format('ALTER ROLE %I IN DATABASE %I RESET ALL', role_name, database_name);
    END LOOP;
END
$procedure$;
REVOKE ALL ON PROCEDURE telemetry_admin.reset_role_settings(name) FROM PUBLIC;
