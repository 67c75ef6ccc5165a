-- Issue 26: no row that every report locks until its commit. A message is
-- queued unnumbered (seq NULL) and the chat's queue row is not touched
-- (only created, the first time a chat is queued to): two reports that
-- post to the same groups commit without waiting for each other. The
-- dispatcher that claims the chat numbers its unnumbered messages, under
-- the queue row's lock, after the ones numbered before (next_seq), in the
-- order they became visible to it, that is in the order their
-- transactions committed (those that committed between two claims in
-- queue order, by id). A chat has work when done_seq < next_seq or it has
-- an unnumbered message.
--
-- The messages pending today are numbered already, under the old rule
-- (their chat's next_seq): they stay as they are, and go first.
ALTER TABLE outbox ALTER COLUMN seq DROP NOT NULL;
CREATE INDEX outbox_unnumbered ON outbox (platform, chat_id, id) WHERE seq IS NULL AND state = 'pending';
