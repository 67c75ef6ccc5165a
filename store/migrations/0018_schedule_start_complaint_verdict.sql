-- Issue 22: the facts the assessment rests on.
-- A patrol window counts from when the schedule existed (valid_from): a
-- steward imported today has missed nothing before. Set at import, kept on
-- a re-import that leaves the window unchanged; the rows already there
-- began with their person.
ALTER TABLE patrol_schedules ADD COLUMN valid_from timestamptz NOT NULL DEFAULT now();
UPDATE patrol_schedules s SET valid_from = p.created_at FROM people p WHERE p.id = s.person_id;

-- A supervisor's outcome of a complaint about the staff names the person
-- (about_person) and says whether it is upheld.
ALTER TABLE complaints ADD COLUMN verdict text CHECK (verdict IN ('upheld', 'not_upheld'));
CREATE INDEX complaints_about_idx ON complaints (about_person, handled_at) WHERE verdict = 'upheld';
