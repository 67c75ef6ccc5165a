-- Issue 10: ratings per closing; queued messages follow a migrated chat.

-- A rating belongs to one closing of a case: a case reopened and closed
-- again asks its residents again, and each account answers once per
-- closing. The closing is named by the case's closed_at at the time.
ALTER TABLE case_ratings ADD COLUMN closing timestamptz;
UPDATE case_ratings r SET closing = COALESCE(c.closed_at, r.at) FROM cases c WHERE c.id = r.case_id;
UPDATE case_ratings SET closing = at WHERE closing IS NULL;
ALTER TABLE case_ratings ALTER COLUMN closing SET NOT NULL;
ALTER TABLE case_ratings DROP CONSTRAINT case_ratings_pkey;
ALTER TABLE case_ratings ADD PRIMARY KEY (case_id, closing, platform, user_id);

-- A photo sent "as a file" (a Telegram document): its file_id cannot be
-- sent with sendPhoto, so the sender must know.
ALTER TABLE photos ADD COLUMN document boolean NOT NULL DEFAULT false;

-- A group upgraded to a supergroup (a new Telegram chat id): its queued
-- messages move to the new id's queue and are marked moved in the old one.
ALTER TABLE outbox DROP CONSTRAINT outbox_state_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_state_check
    CHECK (state IN ('pending', 'sent', 'failed', 'dropped', 'moved'));
