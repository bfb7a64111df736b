-- What PUBLIC may still do on the exchange, cut to what a peer's push needs (red team 2, finding 5): a peer's
-- inbox role wrote and read back large objects (persistent storage on our server outside its inbox), sent
-- notifications and took server-wide advisory locks. The same statements as the store's 0007_least_privilege:
-- privileges on pg_catalog objects are per database, and this is the only database pg_hba lets a peer into.
-- TEMPORARY and CONNECT were already revoked from PUBLIC (0001_inbox.sql).

DO $migration$
DECLARE
    target record;
BEGIN
    FOR target IN
        SELECT c.oid::regclass AS relation FROM pg_class AS c
        WHERE c.relnamespace = 'pg_catalog'::regnamespace AND c.relkind = 'v'
          AND (c.relname LIKE 'pg\_stat\_%' OR c.relname LIKE 'pg\_statio\_%')
    LOOP
        EXECUTE format('REVOKE SELECT ON %s FROM PUBLIC', target.relation);
        EXECUTE format('GRANT SELECT ON %s TO pg_read_all_stats', target.relation);
    END LOOP;
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
END
$migration$;

CREATE OR REPLACE PROCEDURE exchange_admin.reset_role_settings(role_name name)
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
REVOKE ALL ON PROCEDURE exchange_admin.reset_role_settings(name) FROM PUBLIC;
