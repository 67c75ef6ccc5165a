-- The append-only timeline must survive TRUNCATE too (a statement trigger;
-- the row trigger of 0001 only sees UPDATE and DELETE).
CREATE TRIGGER case_events_no_truncate BEFORE TRUNCATE ON case_events
    FOR EACH STATEMENT EXECUTE FUNCTION case_events_append_only();
