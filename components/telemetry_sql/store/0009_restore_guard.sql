-- The ledger refuses to grow on a store that was restored or failed over until an operator says what may
-- already have been released (red team 2, finding 3). The ledger lives in the database it protects, so a
-- restore of the store rolls it back with the raw rows, and the next run released again, with fresh noise,
-- every hour of the lookback the backup had not yet released: k restores, k releases of an hour.
--
-- A restore or failover shows in the store's incarnation: a pg_dump restored gets a new database OID, a cluster
-- restored with archive recovery (PITR, a base backup) or a promoted standby writes on a new timeline, and a new
-- cluster (initdb, pg_upgrade, another image) has a new system identifier. The ledger records the incarnations it
-- may grow on; a release on any other is refused, naming the runbook step, until telemetry_admin.
-- acknowledge_restore() writes a tombstone for every hour the operator says may have been released and records
-- the new incarnation. Not detected: a copy of the data directory that comes back without recovery to a new
-- timeline (a volume or file-system snapshot of a stopped or crashed server): the runbook step applies to those
-- too (README.md, "After a restore").

CREATE TABLE IF NOT EXISTS telemetry_admin.store_incarnations (
    system_identifier bigint NOT NULL,
    timeline integer NOT NULL,
    database_oid oid NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    -- What the operator asserted when acknowledging a restore (NULL for the first incarnation).
    released_through timestamptz,
    PRIMARY KEY (system_identifier, timeline, database_oid)
);
REVOKE ALL ON TABLE telemetry_admin.store_incarnations FROM PUBLIC;

-- A tombstone is an hour recorded as released without a group: it is never released, so nothing crosses for it.
ALTER TABLE telemetry_admin.released_hours ADD COLUMN IF NOT EXISTS tombstone boolean NOT NULL DEFAULT false;

-- The timeline WAL is written on now (pg_control_checkpoint() lags a promotion until its first checkpoint).
CREATE OR REPLACE FUNCTION telemetry_admin.current_incarnation(
    OUT system_identifier bigint, OUT timeline integer, OUT database_oid oid)
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT s.system_identifier,
           ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::integer,
           (SELECT d.oid FROM pg_database AS d WHERE d.datname = current_database())
    FROM pg_control_system() AS s;
END;
REVOKE ALL ON FUNCTION telemetry_admin.current_incarnation() FROM PUBLIC;

CREATE OR REPLACE FUNCTION telemetry_admin.refuse_release_on_unknown_incarnation()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $function$
DECLARE
    current record;
BEGIN
    IF NEW.tombstone THEN
        RETURN NEW;
    END IF;
    SELECT * INTO current FROM telemetry_admin.current_incarnation();
    IF NOT EXISTS (SELECT 1 FROM telemetry_admin.store_incarnations AS i
                   WHERE (i.system_identifier, i.timeline, i.database_oid)
                         = (current.system_identifier, current.timeline, current.database_oid)) THEN
        RAISE EXCEPTION 'this telemetry store was restored or failed over (system %, timeline %, database OID %): '
                        'its ledger may have lost hours that were released, and releasing them again would '
                        'spend their privacy budget twice', current.system_identifier, current.timeline,
                        current.database_oid
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Follow "After a restore" in components/telemetry_sql/README.md: CALL '
                         'telemetry_admin.acknowledge_restore(released_through => <the end of the last hour that '
                         'may have been released before the incident>).';
    END IF;
    RETURN NEW;
END
$function$;
REVOKE ALL ON FUNCTION telemetry_admin.refuse_release_on_unknown_incarnation() FROM PUBLIC;
DROP TRIGGER IF EXISTS released_hours_on_a_known_incarnation ON telemetry_admin.released_hours;
CREATE TRIGGER released_hours_on_a_known_incarnation BEFORE INSERT ON telemetry_admin.released_hours
    FOR EACH ROW EXECUTE FUNCTION telemetry_admin.refuse_release_on_unknown_incarnation();

-- The runbook step: every hour in [released_through - lookback, released_through) not in the ledger becomes a
-- tombstone (its data is never released), and this incarnation may grow the ledger again. Choose
-- released_through no earlier than the end of the last hour any run before the incident may have released (the
-- newest hour in the peers' inboxes, or the incident's time rounded up, when in doubt later: a tombstone
-- loses an hour of statistics, a gap re-releases one).
CREATE OR REPLACE PROCEDURE telemetry_admin.acknowledge_restore(
    released_through timestamptz,
    lookback interval DEFAULT interval '7 days'
)
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
AS $procedure$
DECLARE
    current record;
BEGIN
    IF released_through IS NULL OR released_through <> date_trunc('hour', released_through) THEN
        RAISE EXCEPTION 'released_through must be the start of a UTC hour, got %', released_through
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF lookback IS NULL OR lookback < interval '1 hour' THEN
        RAISE EXCEPTION 'lookback must be at least an hour' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('telemetry_admin.release'));
    INSERT INTO telemetry_admin.released_hours (bucket_start, epsilon, max_groups_per_subject, max_events_per_group,
                                                latency_bound_ms, min_subjects, threshold, tombstone)
    SELECT g.bucket, 0, 0, 0, 0, 10, 10, true
    FROM generate_series(date_trunc('hour', released_through - lookback), released_through - interval '1 hour',
                         interval '1 hour') AS g (bucket)
    WHERE NOT EXISTS (SELECT 1 FROM telemetry_admin.released_hours AS r WHERE r.bucket_start = g.bucket);
    SELECT * INTO current FROM telemetry_admin.current_incarnation();
    INSERT INTO telemetry_admin.store_incarnations (system_identifier, timeline, database_oid, released_through)
    VALUES (current.system_identifier, current.timeline, current.database_oid, acknowledge_restore.released_through)
    ON CONFLICT DO NOTHING;
END
$procedure$;
REVOKE ALL ON PROCEDURE telemetry_admin.acknowledge_restore(timestamptz, interval) FROM PUBLIC;

-- A store that never recorded an incarnation (new, or from before this migration) records the one it runs on.
INSERT INTO telemetry_admin.store_incarnations (system_identifier, timeline, database_oid)
SELECT i.system_identifier, i.timeline, i.database_oid FROM telemetry_admin.current_incarnation() AS i
WHERE NOT EXISTS (SELECT 1 FROM telemetry_admin.store_incarnations);
