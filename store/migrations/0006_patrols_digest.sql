-- Patrol check-ins (the check-in flow comes later; until then none is
-- recorded and every patrol counts as missed) and the once-a-day notices.
CREATE TABLE patrol_checkins (
    id        bigserial PRIMARY KEY,
    person_id bigint NOT NULL REFERENCES people(id),
    alley_id  bigint NOT NULL REFERENCES alleys(id),
    at        timestamptz NOT NULL DEFAULT now(),
    lat       double precision,
    lon       double precision,
    nothing_found boolean NOT NULL DEFAULT false
);
CREATE INDEX patrol_checkins_person_idx ON patrol_checkins (person_id, at);

-- One row per notice actually sent: a patrol reminder or missed notice
-- (key "patrol:<schedule>:<date>:<kind>"), a daily summary or digest
-- ("digest:<date>"). The primary key makes each happen once, however many
-- serve processes scan.
CREATE TABLE notices (
    key text PRIMARY KEY,
    at  timestamptz NOT NULL DEFAULT now()
);
