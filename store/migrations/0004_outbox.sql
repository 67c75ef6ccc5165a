-- Paced delivery (River jobs "send"): the next free moment per pacing key
-- (a chat, or a platform as a whole), shared by every serve process.
CREATE TABLE send_pacing (
    key     text PRIMARY KEY,
    next_at timestamptz NOT NULL
);

-- Messages a platform refused for good (chat not found, bot blocked): kept
-- for the operators, never retried.
CREATE TABLE send_failures (
    id       bigserial PRIMARY KEY,
    platform text NOT NULL,
    chat_id  text NOT NULL,
    text     text NOT NULL,
    error    text NOT NULL,
    at       timestamptz NOT NULL DEFAULT now()
);
