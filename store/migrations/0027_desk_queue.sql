-- The desk's queue and its counts (issue 24; store/desk_queue.go), measured
-- on 1,000,000 cases of which 100,000 open (store/desk_bench_test.go).

-- Ordered by the running clock's deadline: the verify-by of a dispatched
-- case, the fix-by of a verified one, none for the others (last, by id).
-- One index over the open cases walks the deadlines in order, the overdue
-- ones first, and the cases without a clock after them; without it every
-- open case was sorted for a page.
CREATE INDEX cases_open_due_idx ON cases
    ((CASE status WHEN 'dispatched' THEN verify_by WHEN 'verified' THEN fix_by END), id)
    WHERE closed_at IS NULL;

-- The counts per status, in a department's scope too, read from the index
-- alone (a department's lead cases by department_id, its copies by id).
CREATE INDEX cases_status_dept_idx ON cases (status, department_id, id);

-- The cases copied to a department (its scope on the desk).
CREATE INDEX case_departments_dept_idx ON case_departments (department_id, case_id);

-- The filters of the open cases (community, alley, department, overdue,
-- dates, a department's scope) and their counts per status, read from the
-- open cases alone: spread over the whole table, their rows cost a disk
-- read each (counting the overdue: 1.0 s → 37 ms; one community's one
-- category: 2.0 s → 0.2 s at 1,000,000 cases, 100,000 open).
CREATE INDEX cases_open_desk_idx ON cases (status, community_id, alley_id, department_id)
    INCLUDE (id, verify_by, fix_by, created_at, reporter_id) WHERE closed_at IS NULL;
