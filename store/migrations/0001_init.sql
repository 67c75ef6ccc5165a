-- alleybot's first schema: the domain of the seed's clauses 二 and 三.

CREATE TABLE communities (
    id         bigserial PRIMARY KEY,
    code       text NOT NULL UNIQUE,
    name       text NOT NULL,
    name_en    text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE alleys (
    id           bigserial PRIMARY KEY,
    code         text NOT NULL UNIQUE,
    community_id bigint NOT NULL REFERENCES communities(id),
    name         text NOT NULL,
    lat          double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lon          double precision NOT NULL CHECK (lon BETWEEN -180 AND 180),
    radius_m     integer NOT NULL CHECK (radius_m > 0),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX alleys_community_idx ON alleys (community_id);

CREATE TABLE departments (
    id         bigserial PRIMARY KEY,
    code       text NOT NULL UNIQUE,
    name       text NOT NULL,
    name_en    text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE categories (
    id                    bigserial PRIMARY KEY,
    code                  text NOT NULL UNIQUE,
    name                  text NOT NULL,
    name_en               text NOT NULL,
    department_id         bigint REFERENCES departments(id),
    verify_within_minutes integer NOT NULL CHECK (verify_within_minutes > 0),
    fix_within_minutes    integer NOT NULL CHECK (fix_within_minutes > 0),
    sort                  integer NOT NULL DEFAULT 0,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now()
);

-- The seed's four classes (三(一)). A roster may change their departments and
-- limits, or add more; the limits are in working minutes.
INSERT INTO categories (code, name, name_en, verify_within_minutes, fix_within_minutes, sort) VALUES
    ('sanitation', '环境卫生', 'Sanitation',  120,  1440, 1),
    ('facilities', '设施维护', 'Facilities',  480,  4800, 2),
    ('order',      '秩序管理', 'Public order', 240, 1440, 3),
    ('safety',     '安全隐患', 'Safety hazard', 60,  480, 4);

CREATE TABLE roles (
    code    text PRIMARY KEY,
    name    text NOT NULL,
    name_en text NOT NULL,
    sort    integer NOT NULL
);
INSERT INTO roles (code, name, name_en, sort) VALUES
    ('steward',     '小巷管家',          'Alley steward', 1),
    ('coordinator', '问题受理中心',      'Acceptance center coordinator', 2),
    ('department',  '职能部门',          'Department member', 3),
    ('trainer',     '培训员',            'Trainer', 4),
    ('supervisor',  '督导',              'Supervisor', 5),
    ('admin',       '管理员',            'Administrator', 6);

CREATE TABLE people (
    id           bigserial PRIMARY KEY,
    code         text NOT NULL UNIQUE,
    name         text NOT NULL,
    phone        text NOT NULL DEFAULT '',
    wecom_userid text UNIQUE,
    lang         text NOT NULL DEFAULT 'zh' CHECK (lang IN ('zh', 'en')),
    active       boolean NOT NULL DEFAULT true,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX people_name_idx ON people (name);

-- department_id and community_id scope a role: a department member belongs
-- to one department, a coordinator or supervisor may be limited to a community.
CREATE TABLE person_roles (
    id            bigserial PRIMARY KEY,
    person_id     bigint NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    role          text NOT NULL REFERENCES roles(code),
    department_id bigint REFERENCES departments(id),
    community_id  bigint REFERENCES communities(id),
    CHECK (role <> 'department' OR department_id IS NOT NULL)
);
CREATE UNIQUE INDEX person_roles_uniq ON person_roles
    (person_id, role, coalesce(department_id, 0), coalesce(community_id, 0));

-- A steward's alleys and patrol windows (二(一)). weekdays: 1=Monday … 7=Sunday.
CREATE TABLE patrol_schedules (
    id         bigserial PRIMARY KEY,
    person_id  bigint NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    alley_id   bigint NOT NULL REFERENCES alleys(id),
    weekdays   smallint[] NOT NULL,
    starts_at  time NOT NULL,
    ends_at    time NOT NULL CHECK (ends_at > starts_at),
    UNIQUE (person_id, alley_id, starts_at)
);

CREATE TABLE identities (
    platform    text NOT NULL,
    external_id text NOT NULL,
    person_id   bigint NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    username    text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (platform, external_id)
);
CREATE UNIQUE INDEX identities_person_platform ON identities (person_id, platform);

CREATE TABLE invites (
    code        text PRIMARY KEY,
    person_id   bigint NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    used_by     text
);

-- Group chats the bot posts to. kind: exchange (工作交流群), resident,
-- department, coordinators, committee (居委会).
CREATE TABLE chats (
    id            bigserial PRIMARY KEY,
    code          text NOT NULL UNIQUE,
    kind          text NOT NULL CHECK (kind IN ('exchange', 'resident', 'department', 'coordinators', 'committee')),
    title         text NOT NULL,
    community_id  bigint REFERENCES communities(id),
    alley_id      bigint REFERENCES alleys(id),
    department_id bigint REFERENCES departments(id),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);

-- Where a chat lives on each platform (a Telegram group id, a WeCom chat id).
CREATE TABLE chat_bindings (
    platform    text NOT NULL,
    external_id text NOT NULL,
    chat_id     bigint NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
    PRIMARY KEY (platform, external_id),
    UNIQUE (chat_id, platform)
);

CREATE TABLE case_counters (
    year integer PRIMARY KEY,
    last integer NOT NULL
);

CREATE TABLE cases (
    id               bigserial PRIMARY KEY,
    number           text NOT NULL UNIQUE,
    alley_id         bigint REFERENCES alleys(id),
    community_id     bigint REFERENCES communities(id),
    lat              double precision,
    lon              double precision,
    description      text NOT NULL,
    impact           text NOT NULL,
    status           text NOT NULL,
    reporter_id      bigint REFERENCES people(id),
    source           text NOT NULL,
    department_id    bigint REFERENCES departments(id),
    fixed_on_spot    boolean NOT NULL DEFAULT false,
    verify_by        timestamptz,
    fix_by           timestamptz,
    sendback_count   integer NOT NULL DEFAULT 0,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    closed_at        timestamptz
);
CREATE INDEX cases_open_idx ON cases (status) WHERE closed_at IS NULL;
CREATE INDEX cases_reporter_idx ON cases (reporter_id, created_at DESC);

-- A case may carry several classes (三(二)); the first is the lead.
CREATE TABLE case_categories (
    case_id     bigint NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    category_id bigint NOT NULL REFERENCES categories(id),
    lead        boolean NOT NULL DEFAULT false,
    PRIMARY KEY (case_id, category_id)
);

-- The timeline. Append-only: the trigger below refuses UPDATE and DELETE.
CREATE TABLE case_events (
    id         bigserial PRIMARY KEY,
    case_id    bigint NOT NULL REFERENCES cases(id),
    at         timestamptz NOT NULL DEFAULT now(),
    actor_id   bigint REFERENCES people(id),
    kind       text NOT NULL,
    note       text NOT NULL DEFAULT '',
    data       jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX case_events_case_idx ON case_events (case_id, id);

CREATE FUNCTION case_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'case_events is append-only';
END $$;
CREATE TRIGGER case_events_no_update BEFORE UPDATE OR DELETE ON case_events
    FOR EACH ROW EXECUTE FUNCTION case_events_append_only();

-- Photo bytes are stored once per content (sha256); a photo not yet
-- downloaded keeps only its platform file reference.
CREATE TABLE photo_blobs (
    sha256     bytea PRIMARY KEY,
    bytes      bytea NOT NULL,
    mime       text NOT NULL,
    size       integer NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE photos (
    id          bigserial PRIMARY KEY,
    case_id     bigint REFERENCES cases(id),
    event_id    bigint REFERENCES case_events(id),
    kind        text NOT NULL DEFAULT 'before' CHECK (kind IN ('before', 'after', 'check', 'progress')),
    platform    text NOT NULL,
    file_ref    text NOT NULL,
    file_size   integer,
    sha256      bytea REFERENCES photo_blobs(sha256),
    fetch_error text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX photos_case_idx ON photos (case_id);

-- Durable conversation state, one per (platform, chat, user), so two
-- stewards in one group never share a draft and a restart loses nothing.
CREATE TABLE conversation_states (
    platform   text NOT NULL,
    chat_id    text NOT NULL,
    user_id    text NOT NULL,
    flow       text NOT NULL,
    step       text NOT NULL,
    data       jsonb NOT NULL DEFAULT '{}',
    history    text[] NOT NULL DEFAULT '{}',
    started_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (platform, chat_id, user_id)
);

-- An update's key is stored in the same transaction as its effects, so an
-- update delivered twice changes nothing the second time.
CREATE TABLE processed_updates (
    platform     text NOT NULL,
    update_key   text NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (platform, update_key)
);
