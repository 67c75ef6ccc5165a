-- Issue 22 item 5 (seed 六(二)1): a steward's monthly allowance (工作补贴),
-- proposed from the month's stored scorecard by the config's rule when the
-- scheduler stores it, one row per steward and period; the coordinators
-- confirm a community's proposals for the period (who and when recorded).
-- Amounts are whole fen, never a float. A confirmed allowance is what the
-- ledger (the fund, issue 23) will pay: it is never changed or deleted.
CREATE TABLE allowances (
    id           bigserial PRIMARY KEY,
    period       text NOT NULL,                       -- a month, 2026-11
    person_id    bigint NOT NULL REFERENCES people(id),
    community_id bigint REFERENCES communities(id),   -- the steward's, from the scorecard
    amount_fen   bigint NOT NULL CHECK (amount_fen >= 0),
    detail       jsonb NOT NULL,                      -- the counts used, the rule and the lines
    status       text NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'confirmed')),
    confirmed_by bigint REFERENCES people(id),
    confirmed_at timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (period, person_id),
    CHECK ((status = 'confirmed') = (confirmed_by IS NOT NULL AND confirmed_at IS NOT NULL))
);
CREATE INDEX allowances_period_community ON allowances (period, community_id);

CREATE FUNCTION allowances_confirmed_stay() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'confirmed' THEN
        RAISE EXCEPTION 'allowance % is confirmed: it is not changed', OLD.id;
    END IF;
    IF TG_OP = 'UPDATE' AND (NEW.amount_fen <> OLD.amount_fen OR NEW.person_id <> OLD.person_id OR NEW.period <> OLD.period) THEN
        RAISE EXCEPTION 'allowance %: only its confirmation changes', OLD.id;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER allowances_confirmed_stay BEFORE UPDATE OR DELETE ON allowances
    FOR EACH ROW EXECUTE FUNCTION allowances_confirmed_stay();
