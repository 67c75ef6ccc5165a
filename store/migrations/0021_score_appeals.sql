-- Issue 22 (seed 四(一)): a steward may appeal a period's scorecard once
-- (/appeal); the coordinators of the steward's community keep it (维持,
-- with an answer) or correct it (更正). A correction is an adjustment row,
-- never an edit of assessment_periods (append-only): the card's total is
-- the stored one plus the period's adjustments, the grade band recomputed
-- with the bands stored in the card's settings.
CREATE TABLE score_appeals (
    id            bigserial PRIMARY KEY,
    person_id     bigint NOT NULL REFERENCES people(id),
    period        text NOT NULL,
    assessment_id bigint NOT NULL REFERENCES assessment_periods(id), -- the revision appealed
    reason        text NOT NULL CHECK (btrim(reason) <> ''),
    status        text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'upheld', 'corrected')),
    answer        text NOT NULL DEFAULT '',
    answered_by   bigint REFERENCES people(id),
    answered_at   timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (person_id, period), -- one appeal per steward and period
    CHECK ((status = 'pending') = (answered_at IS NULL))
);

CREATE TABLE assessment_adjustments (
    id        bigserial PRIMARY KEY,
    person_id bigint NOT NULL REFERENCES people(id),
    period    text NOT NULL,
    appeal_id bigint NOT NULL UNIQUE REFERENCES score_appeals(id),
    delta     numeric(5,1) NOT NULL CHECK (delta <> 0),
    reason    text NOT NULL,
    by_person bigint REFERENCES people(id),
    at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX assessment_adjustments_period_idx ON assessment_adjustments (period, person_id);

CREATE FUNCTION assessment_adjustments_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'assessment_adjustments is append-only';
END $$;
CREATE TRIGGER assessment_adjustments_no_update BEFORE UPDATE OR DELETE ON assessment_adjustments
    FOR EACH ROW EXECUTE FUNCTION assessment_adjustments_append_only();
CREATE TRIGGER assessment_adjustments_no_truncate BEFORE TRUNCATE ON assessment_adjustments
    FOR EACH STATEMENT EXECUTE FUNCTION assessment_adjustments_append_only();
