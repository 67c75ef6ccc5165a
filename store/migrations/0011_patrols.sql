-- Issue 12: a patrol check-in is a patrol: started with a location inside
-- (or, with a note, outside) the alley's radius, ended by the steward
-- (无问题, or the cases it produced) or by the scheduler at the end of its
-- window. Cases reported during a patrol name it.
ALTER TABLE patrol_checkins
    ADD COLUMN schedule_id bigint REFERENCES patrol_schedules(id) ON DELETE SET NULL,
    ADD COLUMN distance_m  integer,            -- from the alley's centre at check-in
    ADD COLUMN outside     boolean NOT NULL DEFAULT false,
    ADD COLUMN note        text NOT NULL DEFAULT '',
    ADD COLUMN ended_at    timestamptz,
    ADD COLUMN ended_by    text CHECK (ended_by IN ('steward', 'scheduler'));
-- Check-ins made before this version were single points: ended at once.
UPDATE patrol_checkins SET ended_at = at, ended_by = 'steward' WHERE ended_at IS NULL;
CREATE UNIQUE INDEX patrol_checkins_one_open ON patrol_checkins (person_id) WHERE ended_at IS NULL;

ALTER TABLE cases ADD COLUMN patrol_id bigint REFERENCES patrol_checkins(id);
CREATE INDEX cases_patrol_idx ON cases (patrol_id) WHERE patrol_id IS NOT NULL;
