-- Issue 13: trainings (五) — a trainer's notice to an audience of stewards,
-- their answers (报名 / 已读 / 请假), course-link opens, reminders and
-- attendance; questions to the exchange group; publicity notices.
CREATE TABLE trainings (
    id           bigserial PRIMARY KEY,
    title        text NOT NULL,
    kind         text NOT NULL CHECK (kind IN ('lecture', 'visit', 'online')),
    starts_at    timestamptz NOT NULL,
    minutes      integer NOT NULL CHECK (minutes > 0),
    place        text NOT NULL DEFAULT '',
    link         text NOT NULL DEFAULT '',
    capacity     integer CHECK (capacity > 0),
    note         text NOT NULL DEFAULT '',
    status       text NOT NULL DEFAULT 'published' CHECK (status IN ('published', 'cancelled')),
    created_by   bigint REFERENCES people(id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    sent_total   integer NOT NULL DEFAULT 0,
    progress_done boolean NOT NULL DEFAULT false
);

-- One row per person the notice went to: their answer and what they did.
-- token makes their course link (/l/<token>): unguessable, theirs alone.
CREATE TABLE training_invites (
    training_id bigint NOT NULL REFERENCES trainings(id) ON DELETE CASCADE,
    person_id   bigint NOT NULL REFERENCES people(id),
    token       text NOT NULL UNIQUE,
    answer      text NOT NULL DEFAULT 'none' CHECK (answer IN ('none', 'read', 'signed', 'waitlist', 'leave')),
    reason      text NOT NULL DEFAULT '',
    answered_at timestamptz,
    opened_at   timestamptz,
    attended    boolean,
    PRIMARY KEY (training_id, person_id)
);
CREATE INDEX training_invites_answer ON training_invites (training_id, answer);

-- Questions a steward posts to the exchange group, and their answer.
CREATE TABLE questions (
    id          bigserial PRIMARY KEY,
    person_id   bigint NOT NULL REFERENCES people(id),
    text        text NOT NULL,
    answer      text NOT NULL DEFAULT '',
    answered_by bigint REFERENCES people(id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    answered_at timestamptz
);

-- A broadcast's messages carry its name ("training:12"), so its progress
-- is counted from the outbox.
CREATE INDEX outbox_broadcast ON outbox ((message->>'Broadcast')) WHERE message ? 'Broadcast';
