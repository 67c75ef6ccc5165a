-- Issue 25: stewards' publicity (seed 二(四)1) and clean-up days and other
-- activities (二(四)2). store/activities.go.

-- A steward's notice waiting for a coordinator (publicity.needs_approval).
CREATE TABLE publicity_requests (
    id           bigserial PRIMARY KEY,
    person_id    bigint NOT NULL REFERENCES people (id),
    community_id bigint NOT NULL REFERENCES communities (id),
    text         text NOT NULL,
    photo_id     bigint REFERENCES photos (id),
    status       text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    decided_by   bigint REFERENCES people (id),
    decided_at   timestamptz,
    created_at   timestamptz NOT NULL
);

-- An activity (a clean-up day, ...) posted to residents' groups.
CREATE TABLE activities (
    id            bigserial PRIMARY KEY,
    organiser_id  bigint NOT NULL REFERENCES people (id),
    title         text NOT NULL,
    starts_at     timestamptz NOT NULL,
    place         text NOT NULL,
    places        int NOT NULL CHECK (places > 0),
    communities   bigint[] NOT NULL,
    reminded_day  boolean NOT NULL DEFAULT false,
    reminded_hour boolean NOT NULL DEFAULT false,
    asked_attendance boolean NOT NULL DEFAULT false,
    attended      int CHECK (attended >= 0),
    created_at    timestamptz NOT NULL
);
CREATE INDEX activities_due_idx ON activities (starts_at) WHERE NOT asked_attendance;

-- A resident's sign-up (their messenger identity, no account). Those
-- beyond the places, in order, are the waiting list.
CREATE TABLE activity_signups (
    id           bigserial PRIMARY KEY,
    activity_id  bigint NOT NULL REFERENCES activities (id),
    platform     text NOT NULL,
    user_id      text NOT NULL,
    name         text NOT NULL,
    attended     boolean NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL,
    cancelled_at timestamptz
);
CREATE UNIQUE INDEX activity_signups_one ON activity_signups (activity_id, platform, user_id) WHERE cancelled_at IS NULL;
