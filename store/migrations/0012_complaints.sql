-- Issue 12: residents' complaints (七(二)). A resident has no account: a
-- complaint names the platform account it came from and the private chat
-- the answers go to. A complaint about a steward, a coordinator or a
-- department (about_staff) is seen by the supervisors only.
CREATE TABLE complaint_counters (
    year integer PRIMARY KEY,
    last integer NOT NULL
);

CREATE TABLE complaints (
    id            bigserial PRIMARY KEY,
    number        text NOT NULL UNIQUE,              -- T2026-000042
    platform      text NOT NULL,
    user_id       text NOT NULL,
    chat_id       text NOT NULL,                     -- where the resident is answered
    resident_name text NOT NULL DEFAULT '',
    anonymous     boolean NOT NULL DEFAULT false,
    about_staff   boolean NOT NULL DEFAULT false,
    about_text    text NOT NULL DEFAULT '',          -- whom it is about, as the resident wrote it
    about_person  bigint REFERENCES people(id),
    description   text NOT NULL,
    alley_id      bigint REFERENCES alleys(id),
    community_id  bigint REFERENCES communities(id),
    lat           double precision,
    lon           double precision,
    status        text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'case', 'answered', 'rejected', 'settled')),
    case_id       bigint REFERENCES cases(id),
    answer        text NOT NULL DEFAULT '',
    handled_by    bigint REFERENCES people(id),
    handled_at    timestamptz,
    answer_by     timestamptz,                       -- complaints.answer_within, in working time
    pinged        boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX complaints_sender_idx ON complaints (platform, user_id, created_at);
CREATE INDEX complaints_case_idx ON complaints (case_id) WHERE case_id IS NOT NULL;
CREATE INDEX complaints_due_idx ON complaints (answer_by) WHERE status = 'open' AND NOT pinged;

ALTER TABLE photos ADD COLUMN complaint_id bigint REFERENCES complaints(id);

-- A deep link from a group's acknowledgement to the private complaint
-- flow: for the resident who asked, for a day.
CREATE TABLE complaint_links (
    token        text PRIMARY KEY,
    platform     text NOT NULL,
    user_id      text NOT NULL,
    community_id bigint REFERENCES communities(id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL
);

-- Senders who may not complain (abuse), until a time.
CREATE TABLE complaint_bans (
    platform text NOT NULL,
    user_id  text NOT NULL,
    until    timestamptz NOT NULL,
    reason   text NOT NULL DEFAULT '',
    PRIMARY KEY (platform, user_id)
);
