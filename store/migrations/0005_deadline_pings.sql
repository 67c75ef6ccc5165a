-- Deadline pings (seed 三(五), the design card's "scheduler that pushes
-- deadlines to the exchange group"). next_ping_at is when a case's running
-- clock next needs a look; NULL when no clock runs. The scanner finds due
-- cases by this partial index, however many cases there are.
ALTER TABLE cases ADD COLUMN next_ping_at timestamptz;
CREATE INDEX cases_next_ping_idx ON cases (next_ping_at) WHERE next_ping_at IS NOT NULL;
UPDATE cases SET next_ping_at = now() WHERE status IN ('dispatched', 'verified');

-- Each ping sent, once: the key names the clock, its deadline and the
-- milestone, so an extension (a new deadline) has pings of its own.
CREATE TABLE case_pings (
    case_id bigint NOT NULL REFERENCES cases(id),
    key     text NOT NULL,
    at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (case_id, key)
);
