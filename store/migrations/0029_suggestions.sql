-- Residents' suggestions (seed 二(三)1, issue 25): a resident's 建议 in a
-- residents' group or privately, put before the alley's stewards and the
-- coordinators, who turn it into a case, answer it or record it. The
-- resident's account is kept to answer them, never shown to others.
CREATE TABLE suggestion_counters (
    year integer PRIMARY KEY,
    last integer NOT NULL
);

CREATE TABLE suggestions (
    id            bigserial PRIMARY KEY,
    number        text NOT NULL UNIQUE,              -- J2026-000001
    text          text NOT NULL,
    platform      text NOT NULL,
    user_id       text NOT NULL,
    chat_id       text NOT NULL,                     -- where the resident is answered (the group, or privately)
    resident_name text NOT NULL DEFAULT '',
    community_id  bigint REFERENCES communities(id),
    alley_id      bigint REFERENCES alleys(id),
    status        text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'converted', 'answered', 'recorded')),
    case_id       bigint REFERENCES cases(id),
    answer        text NOT NULL DEFAULT '',
    handled_by    bigint REFERENCES people(id),
    handled_at    timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX suggestions_created_idx ON suggestions (created_at);
