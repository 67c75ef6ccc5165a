-- Issue 22 (seed 四(二)): the monthly recognition. Once a month's scorecards
-- are stored, the stewards graded 优秀 (at most assessment.recognition_top,
-- best total first) are proposed to the coordinators, per community; a
-- coordinator edits the list and confirms it once, which records each
-- included steward's commendation in steward_record.
CREATE TABLE recognition_proposals (
    id           bigserial PRIMARY KEY,
    period       text NOT NULL,                      -- 2026-11
    community_id bigint REFERENCES communities(id),  -- NULL: stewards of no community
    created_at   timestamptz NOT NULL DEFAULT now(),
    status       text NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'confirmed')),
    confirmed_by bigint REFERENCES people(id),
    confirmed_at timestamptz,
    CHECK ((status = 'confirmed') = (confirmed_at IS NOT NULL))
);
-- One proposal a period and community, however often the scan runs.
CREATE UNIQUE INDEX recognition_proposals_once ON recognition_proposals (period, coalesce(community_id, 0));

CREATE TABLE recognition_candidates (
    proposal_id bigint NOT NULL REFERENCES recognition_proposals(id),
    person_id   bigint NOT NULL REFERENCES people(id),
    total       numeric(5,1),            -- NULL: added by a coordinator, no scorecard
    grade       text NOT NULL DEFAULT '', -- the scorecard's grade ('' with no scorecard)
    included    boolean NOT NULL DEFAULT true,
    PRIMARY KEY (proposal_id, person_id)
);
