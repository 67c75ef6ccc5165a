-- WeCom and WeChat customer service push updates that must be answered
-- within 5 seconds: each is stored here first (acknowledged only once it
-- is), then handled by the serve processes' inbox workers, one person's in
-- order. A handled row is deleted; processed_updates still dedupes it.
CREATE TABLE inbox (
    id          bigserial PRIMARY KEY,
    platform    text NOT NULL,
    update_key  text NOT NULL,
    chat_id     text NOT NULL,
    user_id     text NOT NULL,
    body        jsonb NOT NULL,
    attempts    integer NOT NULL DEFAULT 0,
    next_at     timestamptz NOT NULL DEFAULT now(),
    lease_owner text,
    lease_until timestamptz,
    received_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (platform, update_key)
);
CREATE INDEX inbox_person ON inbox (platform, chat_id, user_id, id);

-- Short-lived values shared by every serve process: platform access
-- tokens (the wechat library's cache interface), uploaded media ids.
CREATE TABLE kv_cache (
    key        text PRIMARY KEY,
    value      text NOT NULL,
    expires_at timestamptz NOT NULL
);

-- How far WeChat customer service's sync_msg has been read, per account:
-- moved in the transaction that stores the messages it returned.
CREATE TABLE kf_cursors (
    open_kfid  text PRIMARY KEY,
    cursor     text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
