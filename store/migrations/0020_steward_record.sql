-- Issue 22 (seed 四(二)–(三)): a steward's record — commendations (a reason,
-- an optional reward, announced or not), criticisms/warnings (a reason),
-- suspensions of the steward's role after repeated warnings, and
-- restorations (a reason, by an admin). Append-only, like case_events.
CREATE TABLE steward_record (
    id         bigserial PRIMARY KEY,
    person_id  bigint NOT NULL REFERENCES people(id),
    kind       text NOT NULL CHECK (kind IN ('commendation', 'warning', 'suspension', 'restoration')),
    reason     text NOT NULL CHECK (kind = 'suspension' OR btrim(reason) <> ''),
    reward     text NOT NULL DEFAULT '',
    announced  boolean NOT NULL DEFAULT false,
    by_person  bigint REFERENCES people(id), -- NULL: the bot (a suspension), or the command line
    at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX steward_record_person ON steward_record (person_id, id);

CREATE FUNCTION steward_record_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'steward_record is append-only';
END $$;
CREATE TRIGGER steward_record_no_update BEFORE UPDATE OR DELETE ON steward_record
    FOR EACH ROW EXECUTE FUNCTION steward_record_append_only();
CREATE TRIGGER steward_record_no_truncate BEFORE TRUNCATE ON steward_record
    FOR EACH STATEMENT EXECUTE FUNCTION steward_record_append_only();

-- The stewards whose role is suspended now: their last suspension or
-- restoration is a suspension.
CREATE VIEW suspended_stewards AS
    SELECT person_id, since FROM (
        SELECT DISTINCT ON (person_id) person_id, kind, at AS since
        FROM steward_record WHERE kind IN ('suspension', 'restoration')
        ORDER BY person_id, id DESC) last
    WHERE kind = 'suspension';
