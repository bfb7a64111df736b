-- The exchange is this region's inbox: it holds the releases the peer regions push to it, nothing else. Each
-- peer's role may INSERT into that peer's own table and cannot read a row, publish, replicate or create
-- anything. The exchange has no publication, no subscription and no replication slot, and runs with
-- max_wal_senders = 0, so no role, superusers included, can decode or base-backup it over the network.

CREATE SCHEMA IF NOT EXISTS anonymised;
REVOKE ALL ON SCHEMA anonymised FROM PUBLIC;
CREATE SCHEMA IF NOT EXISTS exchange_admin;
REVOKE ALL ON SCHEMA exchange_admin FROM PUBLIC;

DO $migration$
BEGIN
    -- Connecting and creating temporary tables are granted, per role, only to the peers' inbox roles.
    EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
END
$migration$;

CREATE TABLE IF NOT EXISTS exchange_admin.settings (
    singleton boolean PRIMARY KEY DEFAULT true CONSTRAINT settings_single_row CHECK (singleton),
    region text NOT NULL CONSTRAINT settings_region_is_a_label CHECK (region ~ '^[a-z][a-z0-9_]{0,19}$')
);
REVOKE ALL ON TABLE exchange_admin.settings FROM PUBLIC;

-- The closed vocabularies a received group must use ('other' is always accepted).
CREATE TABLE IF NOT EXISTS exchange_admin.vocabulary (
    dimension text NOT NULL CONSTRAINT vocabulary_dimension_known CHECK (dimension IN ('service', 'metric')),
    name text NOT NULL CONSTRAINT vocabulary_name_is_a_label CHECK (name ~ '^[a-z][a-z0-9-]{0,62}$'),
    PRIMARY KEY (dimension, name)
);
REVOKE ALL ON TABLE exchange_admin.vocabulary FROM PUBLIC;

CREATE OR REPLACE FUNCTION exchange_admin.inbox_table(region text)
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

CREATE OR REPLACE FUNCTION exchange_admin.inbox_role(region text)
RETURNS text
LANGUAGE sql IMMUTABLE
RETURN 'telemetry_inbox_' || substr(exchange_admin.inbox_table(region), length('telemetry_hourly_') + 1);

-- Runs as its owner so that the peer's role needs no SELECT on the vocabulary to be checked against it.
CREATE OR REPLACE FUNCTION exchange_admin.check_vocabulary()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $function$
BEGIN
    IF NEW.service <> 'other' AND NOT EXISTS (
           SELECT 1 FROM exchange_admin.vocabulary AS v WHERE v.dimension = 'service' AND v.name = NEW.service) THEN
        RAISE EXCEPTION 'service % in %.% is not in this exchange''s vocabulary', NEW.service, TG_TABLE_SCHEMA, TG_TABLE_NAME
            USING ERRCODE = 'check_violation',
                  HINT = 'a grouping value must come from the configured services of both stacks: add it there';
    END IF;
    IF NEW.metric <> 'other' AND NOT EXISTS (
           SELECT 1 FROM exchange_admin.vocabulary AS v WHERE v.dimension = 'metric' AND v.name = NEW.metric) THEN
        RAISE EXCEPTION 'metric % in %.% is not in this exchange''s vocabulary', NEW.metric, TG_TABLE_SCHEMA, TG_TABLE_NAME
            USING ERRCODE = 'check_violation',
                  HINT = 'a grouping value must come from the configured metrics of both stacks: add it there';
    END IF;
    RETURN NEW;
END
$function$;
REVOKE ALL ON FUNCTION exchange_admin.check_vocabulary() FROM PUBLIC;

CREATE OR REPLACE PROCEDURE exchange_admin.ensure_inbox(region text)
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $procedure$
DECLARE
    inbox constant text := exchange_admin.inbox_table(region);
BEGIN
    -- Exactly the release's columns; the CHECKs repeat the sender's rules, so a faulty or hostile peer cannot
    -- store a group below the floor or a value outside the vocabulary here.
    EXECUTE format(
        'CREATE TABLE IF NOT EXISTS anonymised.%I ('
        '    bucket_start timestamptz NOT NULL'
        '        CONSTRAINT %I CHECK (bucket_start = date_trunc(''hour'', bucket_start, ''UTC'')),'
        '    service text NOT NULL,'
        '    metric text NOT NULL,'
        '    subject_count integer NOT NULL CONSTRAINT %I CHECK (subject_count >= 10),'
        '    event_count bigint NOT NULL CONSTRAINT %I CHECK (event_count >= 0),'
        '    error_count bigint NOT NULL CONSTRAINT %I CHECK (error_count BETWEEN 0 AND event_count),'
        '    latency_ms_sum bigint NOT NULL CONSTRAINT %I CHECK (latency_ms_sum >= 0),'
        '    latency_ms_mean double precision NOT NULL CONSTRAINT %I CHECK (latency_ms_mean >= 0),'
        '    PRIMARY KEY (bucket_start, service, metric)'
        ')',
        inbox, inbox || '_bucket_is_an_hour', inbox || '_subject_count_floor', inbox || '_event_count_not_negative',
        inbox || '_error_count_within_events', inbox || '_latency_sum_not_negative', inbox || '_latency_mean_not_negative');
    EXECUTE format('REVOKE ALL ON TABLE anonymised.%I FROM PUBLIC', inbox);
    EXECUTE format('DROP TRIGGER IF EXISTS %I ON anonymised.%I', inbox || '_vocabulary', inbox);
    EXECUTE format('CREATE TRIGGER %I BEFORE INSERT ON anonymised.%I FOR EACH ROW '
                   'EXECUTE FUNCTION exchange_admin.check_vocabulary()', inbox || '_vocabulary', inbox);
END
$procedure$;
REVOKE ALL ON PROCEDURE exchange_admin.ensure_inbox(text) FROM PUBLIC;

CREATE OR REPLACE PROCEDURE exchange_admin.configure(region text, peer_regions text[], services text[], metrics text[])
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $procedure$
DECLARE
    stored_region text;
    peer text;
    role_name text;
    inbox_roles text[];
BEGIN
    SELECT s.region INTO stored_region FROM exchange_admin.settings AS s;
    IF stored_region IS NULL THEN
        INSERT INTO exchange_admin.settings (region) VALUES (configure.region);
    ELSIF stored_region <> configure.region THEN
        RAISE EXCEPTION 'this exchange belongs to region %, not %', stored_region, configure.region;
    END IF;
    -- Fail closed on anything that would let a role read more than it pushes.
    IF EXISTS (SELECT 1 FROM pg_publication) OR EXISTS (SELECT 1 FROM pg_subscription)
       OR EXISTS (SELECT 1 FROM pg_replication_slots) THEN
        RAISE EXCEPTION 'the exchange must have no publication, subscription or replication slot: drop them';
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolreplication AND NOT rolsuper) THEN
        RAISE EXCEPTION 'roles % have the REPLICATION attribute, which reads every change of this server: remove it',
            (SELECT array_agg(rolname) FROM pg_roles WHERE rolreplication AND NOT rolsuper);
    END IF;
    IF 'other' = ANY (services) OR 'other' = ANY (metrics) THEN
        RAISE EXCEPTION '''other'' is reserved for values outside the vocabulary' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    DELETE FROM exchange_admin.vocabulary;
    INSERT INTO exchange_admin.vocabulary (dimension, name)
    SELECT 'service', name FROM unnest(services) AS name
    UNION SELECT 'metric', name FROM unnest(metrics) AS name;

    SELECT coalesce(array_agg(r.rolname), '{}') INTO inbox_roles FROM pg_roles AS r WHERE r.rolname LIKE 'telemetry\_inbox\_%';
    FOREACH peer IN ARRAY coalesce(peer_regions, '{}'::text[]) LOOP
        IF peer = region THEN
            RAISE EXCEPTION 'region % cannot be its own peer', region USING ERRCODE = 'invalid_parameter_value';
        END IF;
        CALL exchange_admin.ensure_inbox(peer);
        role_name := exchange_admin.inbox_role(peer);
        IF NOT role_name = ANY (inbox_roles) THEN
            EXECUTE format('CREATE ROLE %I LOGIN', role_name);
            inbox_roles := inbox_roles || role_name;
        END IF;
        -- No password: pg_hba admits it by a client certificate from the peer's CA only. One push at a time.
        EXECUTE format('ALTER ROLE %I LOGIN PASSWORD NULL NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION '
                       'NOBYPASSRLS NOINHERIT CONNECTION LIMIT 4', role_name);
    END LOOP;
    -- Reset, then grant exactly one INSERT per peer, so that a grant added by hand does not survive a deploy.
    FOREACH role_name IN ARRAY inbox_roles LOOP
        EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA anonymised, exchange_admin FROM %I', role_name);
        EXECUTE format('REVOKE ALL ON SCHEMA anonymised, exchange_admin, public FROM %I', role_name);
        EXECUTE format('REVOKE ALL ON DATABASE %I FROM %I', current_database(), role_name);
    END LOOP;
    FOREACH peer IN ARRAY coalesce(peer_regions, '{}'::text[]) LOOP
        role_name := exchange_admin.inbox_role(peer);
        EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), role_name);
        EXECUTE format('GRANT USAGE ON SCHEMA anonymised TO %I', role_name);
        EXECUTE format('GRANT INSERT ON TABLE anonymised.%I TO %I', exchange_admin.inbox_table(peer), role_name);
    END LOOP;
END
$procedure$;
REVOKE ALL ON PROCEDURE exchange_admin.configure(text, text[], text[], text[]) FROM PUBLIC;
