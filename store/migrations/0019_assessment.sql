-- Issue 22: the assessment group (四(一)1: the residents' committee with the
-- street office) has a role of its own; scorecards are stored per steward
-- and period, append-only: the scheduler writes revision 1 once the period
-- has ended, `alleybot assess recompute` adds the next revision with who
-- and why. The latest revision is the period's card; the earlier ones stay.
INSERT INTO roles (code, name, name_en, sort) VALUES
    ('assessor', '考核小组', 'Assessment group (residents'' committee and street office)', 7)
ON CONFLICT (code) DO NOTHING;

CREATE TABLE assessment_periods (
    id             bigserial PRIMARY KEY,
    person_id      bigint NOT NULL REFERENCES people(id),
    period         text NOT NULL,                 -- 2026-11, 2026-Q4, 2026
    revision       integer NOT NULL CHECK (revision >= 1),
    community_id   bigint REFERENCES communities(id), -- the steward's, when computed
    period_from    timestamptz NOT NULL,
    period_to      timestamptz NOT NULL,
    counts         jsonb NOT NULL,                -- the inputs' counts
    components     jsonb NOT NULL,                -- attendance, reports, efficiency, satisfaction
    settings       jsonb NOT NULL,                -- the weights and bands it was computed with
    total          numeric(5,1) NOT NULL,
    grade          text NOT NULL CHECK (grade IN ('excellent', 'good', 'pass', 'fail')),
    computed_at    timestamptz NOT NULL DEFAULT now(),
    computed_by    text NOT NULL,                 -- 'scheduler' or the admin's name
    computed_by_id bigint REFERENCES people(id),
    reason         text NOT NULL DEFAULT '',
    UNIQUE (person_id, period, revision)
);
CREATE INDEX assessment_periods_period_idx ON assessment_periods (period, person_id, revision DESC);

CREATE FUNCTION assessment_periods_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'assessment_periods is append-only: recompute adds a revision';
END $$;
CREATE TRIGGER assessment_periods_no_update BEFORE UPDATE OR DELETE ON assessment_periods
    FOR EACH ROW EXECUTE FUNCTION assessment_periods_append_only();
CREATE TRIGGER assessment_periods_no_truncate BEFORE TRUNCATE ON assessment_periods
    FOR EACH STATEMENT EXECUTE FUNCTION assessment_periods_append_only();
