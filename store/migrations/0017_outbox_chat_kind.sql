-- Issue 21: a queued chat's kind (private or group) travels with it, so the
-- outbox paces a group as a group without decoding the platform's chat id.
-- '' for the chats queued before: their platform's adapter answers.
ALTER TABLE outbox_chats ADD COLUMN kind text NOT NULL DEFAULT ''
	CHECK (kind IN ('', 'private', 'group'));
