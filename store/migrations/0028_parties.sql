-- Issue 25 item 1 (seed 二(三)2): property managers (物业公司) and volunteers.
-- A property manager is a department row of kind 'property' with the alleys
-- it manages, so the whole case lifecycle (派单, 核实, 限期整改, 已整改) works
-- for it unchanged; its contacts hold the role 'department' (and 'property')
-- scoped to that row. Volunteers hold the role 'volunteer' and help in alleys.
ALTER TABLE departments ADD COLUMN kind text NOT NULL DEFAULT 'department'
    CHECK (kind IN ('department', 'property'));

CREATE TABLE property_alleys (
    department_id bigint NOT NULL REFERENCES departments(id) ON DELETE CASCADE,
    alley_id      bigint NOT NULL REFERENCES alleys(id) ON DELETE CASCADE,
    PRIMARY KEY (department_id, alley_id)
);
CREATE INDEX property_alleys_alley_idx ON property_alleys (alley_id);

INSERT INTO roles (code, name, name_en, sort) VALUES
    ('property',  '物业公司联系人', 'Property manager contact', 20),
    ('volunteer', '志愿者',         'Volunteer', 21)
ON CONFLICT (code) DO NOTHING;

CREATE TABLE volunteer_alleys (
    person_id bigint NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    alley_id  bigint NOT NULL REFERENCES alleys(id) ON DELETE CASCADE,
    PRIMARY KEY (person_id, alley_id)
);
CREATE INDEX volunteer_alleys_alley_idx ON volunteer_alleys (alley_id);

-- One ask for help (a case's, or an activity's: subject) and each volunteer's answer.
CREATE TABLE volunteer_asks (
    id         bigserial PRIMARY KEY,
    alley_id   bigint NOT NULL REFERENCES alleys(id),
    case_id    bigint REFERENCES cases(id),
    subject    text NOT NULL,
    asked_by   bigint REFERENCES people(id),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE volunteer_answers (
    ask_id      bigint NOT NULL REFERENCES volunteer_asks(id) ON DELETE CASCADE,
    person_id   bigint NOT NULL REFERENCES people(id),
    answer      text CHECK (answer IN ('yes', 'no')),
    answered_at timestamptz,
    PRIMARY KEY (ask_id, person_id)
);
