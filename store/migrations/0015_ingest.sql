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
