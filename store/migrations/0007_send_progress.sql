-- How far a send job got: a retried or snoozed job resumes after the last
-- message that went out, so nothing is sent twice by a retry.
CREATE TABLE send_progress (
    job_id bigint PRIMARY KEY,
    sent   integer NOT NULL
);

-- An extension request still pending when its case leaves "verified" (fixed,
-- handed back, reopened) is cancelled: it can no longer be decided.
ALTER TABLE case_extensions DROP CONSTRAINT case_extensions_status_check;
ALTER TABLE case_extensions ADD CONSTRAINT case_extensions_status_check
    CHECK (status IN ('pending', 'approved', 'refused', 'cancelled'));

-- A platform's retry_after for a chat (or the platform): no send before it,
-- even one whose slot was booked earlier.
ALTER TABLE send_pacing ADD COLUMN held_until timestamptz;
