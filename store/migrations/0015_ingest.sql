-- Issue 15: ingest speed.
-- Open cases in the order they came, for the duplicate check at a report's
-- summary (the first few near the point, without reading every open case).
CREATE INDEX cases_open_created_idx ON cases (created_at) WHERE closed_at IS NULL;

-- Case numbers from a sequence per year (case_numbers_2026 …), not a row
-- every submit waits on; each continues its year's counter. The routine
-- makes next year's ahead of time (Queries.EnsureCaseNumbers); a year
-- without one still numbers from case_counters.
DO $$
DECLARE
    y int;
    done bigint;
BEGIN
    FOR y IN extract(year FROM now())::int .. extract(year FROM now())::int + 1 LOOP
        SELECT coalesce((SELECT c.last FROM case_counters c WHERE c.year = y), 0) INTO done;
        EXECUTE format('CREATE SEQUENCE IF NOT EXISTS case_numbers_%s START WITH %s', y, done + 1);
    END LOOP;
END $$;

-- A message sent changes its row (state, done_at) in place: no index names
-- those columns any more (the clean-up finds old rows by created_at: a
-- message done before a time was queued before it), and pages keep room
-- for the new version (a HOT update writes no index entry).
DROP INDEX outbox_done;
CREATE INDEX outbox_created ON outbox (created_at);
ALTER TABLE outbox SET (fillfactor = 70);
ALTER TABLE conversation_states SET (fillfactor = 70);

-- The roster's places, kinds and groups change rarely and are read on
-- almost every update: a process keeps them in memory, valid while this
-- number (read in an update's first statement) stays the same. Every
-- change to those tables moves it on.
CREATE TABLE roster_version (
    one boolean PRIMARY KEY DEFAULT true CHECK (one),
    v   bigint NOT NULL
);
INSERT INTO roster_version (v) VALUES (1);
CREATE FUNCTION roster_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE roster_version SET v = v + 1;
    RETURN NULL;
END $$;
CREATE TRIGGER roster_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON chats FOR EACH STATEMENT EXECUTE FUNCTION roster_changed();
CREATE TRIGGER roster_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON chat_bindings FOR EACH STATEMENT EXECUTE FUNCTION roster_changed();
CREATE TRIGGER roster_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON categories FOR EACH STATEMENT EXECUTE FUNCTION roster_changed();
CREATE TRIGGER roster_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON alleys FOR EACH STATEMENT EXECUTE FUNCTION roster_changed();
CREATE TRIGGER roster_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON patrol_schedules FOR EACH STATEMENT EXECUTE FUNCTION roster_changed();

-- An update's first statement takes the person-in-chat lock, then reads
-- the conversation through this VOLATILE function, called once the lock is
-- held: its query takes a snapshot of its own, after the lock, so it sees a
-- conversation the update it waited for has just started (the calling
-- statement's snapshot is older).
CREATE FUNCTION turn_conversation(p text, c text, u text) RETURNS SETOF conversation_states
LANGUAGE sql VOLATILE AS $$
    SELECT * FROM conversation_states s WHERE s.platform = p AND s.chat_id = c AND s.user_id = u FOR UPDATE
$$;
