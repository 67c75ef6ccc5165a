-- The case lifecycle of seed clause 三(四)–(五): dispatch, two clocks,
-- verification and plan, progress, extensions, fix, re-check, close, feedback.

ALTER TABLE cases
    ADD COLUMN dispatched_at timestamptz,
    ADD COLUMN verified_at   timestamptz,
    ADD COLUMN fixed_at      timestamptz,
    ADD COLUMN fix_limit     timestamptz,   -- the category's limit, set at dispatch
    ADD COLUMN plan          text NOT NULL DEFAULT '' CHECK (plan IN ('', 'now', 'by_date')),
    ADD COLUMN merged_into   bigint REFERENCES cases(id),
    ADD COLUMN escalated     boolean NOT NULL DEFAULT false,
    ADD CONSTRAINT cases_status_check CHECK (status IN
        ('submitted', 'dispatched', 'verified', 'fixed', 'closed', 'returned', 'merged'));

-- Open clocks: the scheduler issue finds due ones with these indexes.
CREATE INDEX cases_verify_clock_idx ON cases (verify_by) WHERE status = 'dispatched';
CREATE INDEX cases_fix_clock_idx ON cases (fix_by) WHERE status = 'verified';

-- Departments a case went to besides the lead (cases.department_id).
CREATE TABLE case_departments (
    case_id       bigint NOT NULL REFERENCES cases(id),
    department_id bigint NOT NULL REFERENCES departments(id),
    PRIMARY KEY (case_id, department_id)
);

-- People who follow a case they did not report (a merged duplicate's reporter).
CREATE TABLE case_subscribers (
    case_id   bigint NOT NULL REFERENCES cases(id),
    person_id bigint NOT NULL REFERENCES people(id),
    PRIMARY KEY (case_id, person_id)
);

CREATE TABLE case_extensions (
    id           bigserial PRIMARY KEY,
    case_id      bigint NOT NULL REFERENCES cases(id),
    requested_by bigint NOT NULL REFERENCES people(id),
    until        timestamptz NOT NULL,
    reason       text NOT NULL,
    status       text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'refused')),
    decided_by   bigint REFERENCES people(id),
    decided_at   timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX case_extensions_one_pending ON case_extensions (case_id) WHERE status = 'pending';

-- Residents' satisfaction (1–5) or "still a problem", one answer per account.
CREATE TABLE case_ratings (
    case_id       bigint NOT NULL REFERENCES cases(id),
    platform      text NOT NULL,
    user_id       text NOT NULL,
    score         smallint CHECK (score BETWEEN 1 AND 5),
    still_problem boolean NOT NULL DEFAULT false,
    at            timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (case_id, platform, user_id)
);

-- The input that found an old draft (and was answered with "continue?") is
-- kept, and handled after 继续 instead of being lost.
ALTER TABLE conversation_states ADD COLUMN pending jsonb;
