-- Issue 24: the web desk of the acceptance center and the departments.
-- A login link (/web in a private chat) is usable once, for ten minutes,
-- by the person it was made for; only its SHA-256 is kept. A session is
-- server-side: the cookie holds a random id whose SHA-256 is the key here;
-- it ends on 退出, after idle_timeout without a request, after its
-- absolute lifetime, or at once when the person is deactivated in the
-- roster or loses every desk role (checked on each request).
CREATE TABLE desk_logins (
    token_hash  text PRIMARY KEY CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    person_id   bigint NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz
);
CREATE INDEX desk_logins_expires_idx ON desk_logins (expires_at);

CREATE TABLE desk_sessions (
    id_hash      text PRIMARY KEY CHECK (id_hash ~ '^[0-9a-f]{64}$'),
    person_id    bigint NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    csrf         text NOT NULL,
    created_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    ended_at     timestamptz,
    end_reason   text NOT NULL DEFAULT ''
);
CREATE INDEX desk_sessions_person_idx ON desk_sessions (person_id) WHERE ended_at IS NULL;
