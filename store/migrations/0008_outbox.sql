-- The outbox: every message for a messenger, inserted in the transaction of
-- the change that caused it, sent in order per chat by the serve processes'
-- dispatchers. It replaces the River "send" jobs (and their pacing rows).

-- One row per chat: the queue's head and tail, its pacing and its lease.
-- next_seq is the last sequence number handed out (a writer takes a range
-- under this row's lock, so the numbers of one chat commit in order);
-- done_seq the last one delivered, refused or dropped. A chat has work when
-- done_seq < next_seq. A dispatcher serving the chat holds the lease; a
-- killed process's lease runs out and another takes the chat over.
CREATE TABLE outbox_chats (
    platform    text NOT NULL,
    chat_id     text NOT NULL,
    next_seq    bigint NOT NULL DEFAULT 0,
    done_seq    bigint NOT NULL DEFAULT 0,
    next_at     timestamptz NOT NULL DEFAULT '1970-01-01', -- pacing, retry_after, backoff: no send before
    lease_owner text,
    lease_until timestamptz,
    PRIMARY KEY (platform, chat_id)
);
CREATE INDEX outbox_chats_due ON outbox_chats (next_at) WHERE done_seq < next_seq;

-- One row per message. prompt_user and prompt_version mark a flow step's
-- question: it is dropped, not sent late, when that person's conversation
-- in the chat has moved on (conversation_states.version changed).
CREATE TABLE outbox (
    id             bigserial PRIMARY KEY,
    platform       text NOT NULL,
    chat_id        text NOT NULL,
    seq            bigint NOT NULL,
    message        jsonb NOT NULL,
    state          text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed', 'dropped')),
    attempts       integer NOT NULL DEFAULT 0,
    prompt_user    text,
    prompt_version bigint,
    created_at     timestamptz NOT NULL DEFAULT now(),
    done_at        timestamptz,
    UNIQUE (platform, chat_id, seq)
);
CREATE INDEX outbox_done ON outbox (done_at) WHERE state <> 'pending';

-- The live dispatchers (serve processes): each takes its share of a
-- platform's global rate, so no row is locked by every send.
CREATE TABLE outbox_senders (
    id      text PRIMARY KEY,
    seen_at timestamptz NOT NULL
);

-- A conversation's version: a new number at every save (from a sequence, so
-- a cancelled flow's numbers never come back), so a queued question knows
-- whether it is still the one being asked.
CREATE SEQUENCE conversation_versions;
ALTER TABLE conversation_states ADD COLUMN version bigint NOT NULL DEFAULT nextval('conversation_versions');

-- Messages still queued as River jobs by the previous version move into the
-- outbox, in order (River's tables exist only on an upgraded database).
DO $$
BEGIN
    IF to_regclass('river_job') IS NOT NULL THEN
        CREATE TEMP TABLE moved ON COMMIT DROP AS
            SELECT j.args->>'platform' AS platform, j.args->>'chat_id' AS chat_id, m.msg AS message,
                row_number() OVER (PARTITION BY j.args->>'platform', j.args->>'chat_id' ORDER BY j.id, m.n) AS seq
            FROM river_job j,
                jsonb_array_elements(j.args->'messages') WITH ORDINALITY AS m(msg, n)
            WHERE j.kind = 'send' AND j.state IN ('available', 'scheduled', 'retryable', 'running', 'pending')
                AND m.n > coalesce((SELECT sent FROM send_progress p WHERE p.job_id = j.id), 0);
        INSERT INTO outbox_chats (platform, chat_id, next_seq)
            SELECT platform, chat_id, max(seq) FROM moved GROUP BY platform, chat_id;
        INSERT INTO outbox (platform, chat_id, seq, message) SELECT platform, chat_id, seq, message FROM moved;
        DELETE FROM river_job WHERE kind = 'send';
    END IF;
END $$;

DROP TABLE send_progress;
DROP TABLE send_pacing;
