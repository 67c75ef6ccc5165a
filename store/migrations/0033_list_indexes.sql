-- The lists of issue 26 (a district's ten years), measured on 1,000,000
-- cases of which 100,000 open (bench/lists.sh): each reads an index of
-- what it shows, not the years of closed cases.

-- /mycases: a steward's open cases, newest first, and how many, from the
-- index alone (so it is chosen over walking every open case by arrival).
CREATE INDEX cases_reporter_open_idx ON cases (reporter_id, created_at DESC) INCLUDE (id) WHERE closed_at IS NULL;

-- /mycases: a steward's cases closed this month, newest first, counted
-- with those fixed on the spot from the index alone.
CREATE INDEX cases_reporter_closed_idx ON cases (reporter_id, closed_at) INCLUDE (fixed_on_spot, id)
    WHERE closed_at IS NOT NULL;

-- The daily digest: the day's closed cases by department, from the index
-- alone (it scanned the whole table: 330–405 ms at 1,000,000 cases).
CREATE INDEX cases_closed_at_idx ON cases (closed_at) INCLUDE (status, department_id)
    WHERE closed_at IS NOT NULL;

-- /patrols: the day's patrols of every steward (the index by person could
-- not serve a range of days alone).
CREATE INDEX patrol_checkins_at_idx ON patrol_checkins (at);

-- The digest's cases overdue now, by department, from the index alone: the
-- clock indexes of 0003 again, with the department (counting 7,500 overdue
-- cases read as many table pages).
DROP INDEX cases_verify_clock_idx;
CREATE INDEX cases_verify_clock_idx ON cases (verify_by) INCLUDE (department_id) WHERE status = 'dispatched';
DROP INDEX cases_fix_clock_idx;
CREATE INDEX cases_fix_clock_idx ON cases (fix_by) INCLUDE (department_id) WHERE status = 'verified';

-- /queue's and /complaints' open complaints, oldest first, and how many
-- (with the staff's, seen by the supervisors only), among the years of
-- answered ones.
CREATE INDEX complaints_open_idx ON complaints (created_at, id) INCLUDE (about_staff) WHERE status = 'open';

-- A complaint's photos (each complaint's card and list line names them):
-- without it every complaint listed read all the photos (/queue's count of
-- open complaints took 250–400 ms at 1,000,000 photos).
CREATE INDEX photos_complaint_idx ON photos (complaint_id) WHERE complaint_id IS NOT NULL;
