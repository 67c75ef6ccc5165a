package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/lib/pq"

	"github.com/alleybot/alleybot/model"
)

// LockCase reads a case and locks its row until the transaction ends: of
// two people pressing the same button, the second waits here and then sees
// the state the first left.
func (q *Queries) LockCase(ctx context.Context, id int64) (CaseView, error) {
	var c CaseView
	err := q.db.GetContext(ctx, &c, caseViewSelect+` WHERE c.id = $1 FOR UPDATE OF c`, id)
	return c, wrap("lock case", notFound(err))
}

// cancelPendingExtensions drops a request for more time that nobody
// decided before the case moved on.
func (q *Queries) cancelPendingExtensions(ctx context.Context, caseID int64) error {
	_, err := q.db.ExecContext(ctx, `UPDATE case_extensions SET status = $2, decided_at = now()
		WHERE case_id = $1 AND status = 'pending'`, caseID, model.ExtensionCancelled)
	return wrap("cancel pending extensions", err)
}

// Dispatch routes a case to its lead department (and copies), starting both clocks.
func (q *Queries) Dispatch(ctx context.Context, caseID, deptID int64, copies []int64, now, verifyBy, fixBy time.Time) error {
	if err := q.cancelPendingExtensions(ctx, caseID); err != nil {
		return err
	}
	if _, err := q.db.ExecContext(ctx, `UPDATE cases SET status = $6, department_id = $2, dispatched_at = $5,
		verify_by = $3, fix_by = $4, fix_limit = $4, verified_at = NULL, fixed_at = NULL, plan = '', next_ping_at = '1970-01-01', updated_at = now()
		WHERE id = $1`, caseID, deptID, verifyBy, fixBy, now, model.Lifecycle[model.ActDispatch].To); err != nil {
		return wrap("dispatch", err)
	}
	if _, err := q.db.ExecContext(ctx, `DELETE FROM case_departments WHERE case_id = $1`, caseID); err != nil {
		return wrap("clear copies", err)
	}
	for _, d := range copies {
		if d == deptID {
			continue
		}
		if _, err := q.db.ExecContext(ctx, `INSERT INTO case_departments (case_id, department_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, caseID, d); err != nil {
			return wrap("copy department", err)
		}
	}
	return nil
}

// SetVerified stops the verify clock and records the plan and fix-by.
func (q *Queries) SetVerified(ctx context.Context, caseID int64, plan model.Plan, now, fixBy time.Time) error {
	_, err := q.db.ExecContext(ctx, `UPDATE cases SET status = $5, verified_at = $4, plan = $2, fix_by = $3, next_ping_at = '1970-01-01', updated_at = now()
		WHERE id = $1`, caseID, plan, fixBy, now, model.Lifecycle[model.ActVerify].To)
	return wrap("verify", err)
}

// SetFixBy moves the fix clock (an approved extension, a send-back).
func (q *Queries) SetFixBy(ctx context.Context, caseID int64, fixBy time.Time) error {
	_, err := q.db.ExecContext(ctx, `UPDATE cases SET fix_by = $2, next_ping_at = '1970-01-01', updated_at = now() WHERE id = $1`, caseID, fixBy)
	return wrap("set fix-by", err)
}

// SetFixed stops the fix clock: the case waits for the steward's re-check.
func (q *Queries) SetFixed(ctx context.Context, caseID int64, now time.Time) error {
	if err := q.cancelPendingExtensions(ctx, caseID); err != nil {
		return err
	}
	_, err := q.db.ExecContext(ctx, `UPDATE cases SET status = $3, fixed_at = $2, next_ping_at = NULL, updated_at = now() WHERE id = $1`,
		caseID, now, model.Lifecycle[model.ActFixed].To)
	return wrap("fixed", err)
}

// SendBack returns a case to its department after a failed re-check and
// returns the new send-back count.
func (q *Queries) SendBack(ctx context.Context, caseID int64) (int, error) {
	var n int
	err := q.db.GetContext(ctx, &n, `UPDATE cases SET status = $2, fixed_at = NULL, sendback_count = sendback_count + 1,
		next_ping_at = '1970-01-01', updated_at = now() WHERE id = $1 RETURNING sendback_count`, caseID, model.Lifecycle[model.ActFail].To)
	return n, wrap("send back", err)
}

// SetEscalated marks a case the supervisors were told about.
func (q *Queries) SetEscalated(ctx context.Context, caseID int64) error {
	_, err := q.db.ExecContext(ctx, `UPDATE cases SET escalated = true, updated_at = now() WHERE id = $1`, caseID)
	return wrap("escalate", err)
}

// SetStatus moves a case to status with no clock of its own: closed sets
// closed_at; submitted (a reopened or handed-back case) clears the clocks
// and closed_at. A pending extension request is cancelled.
func (q *Queries) SetStatus(ctx context.Context, caseID int64, status model.Status) error {
	if err := q.cancelPendingExtensions(ctx, caseID); err != nil {
		return err
	}
	closes, reopens := status == model.StatusClosed || status == model.StatusMerged, status == model.StatusSubmitted
	_, err := q.db.ExecContext(ctx, `UPDATE cases SET status = $2,
		closed_at = CASE WHEN $3 THEN now() WHEN $4 THEN NULL ELSE closed_at END,
		verify_by = CASE WHEN $4 THEN NULL ELSE verify_by END,
		fix_by = CASE WHEN $4 THEN NULL ELSE fix_by END,
		next_ping_at = NULL, updated_at = now() WHERE id = $1`, caseID, status, closes, reopens)
	return wrap("set status", err)
}

// SetMerged closes a duplicate into another case.
func (q *Queries) SetMerged(ctx context.Context, caseID, into int64) error {
	_, err := q.db.ExecContext(ctx, `UPDATE cases SET status = $3, merged_into = $2, closed_at = now(), next_ping_at = NULL, updated_at = now() WHERE id = $1`,
		caseID, into, model.Lifecycle[model.ActMerge].To)
	return wrap("merge", err)
}

// AppendDescription adds a steward's supplement to a returned case.
func (q *Queries) AppendDescription(ctx context.Context, caseID int64, text string) error {
	_, err := q.db.ExecContext(ctx, `UPDATE cases SET description = description || E'\n' || $2, updated_at = now() WHERE id = $1`, caseID, text)
	return wrap("append description", err)
}

// CaseNumber is a case's public number (2026-000123).
func (q *Queries) CaseNumber(ctx context.Context, caseID int64) (string, error) {
	var n string
	err := q.db.GetContext(ctx, &n, `SELECT number FROM cases WHERE id = $1`, caseID)
	return n, wrap("case number", notFound(err))
}

// Deadlines are a case's fix clock and the latest fix-by its category allows.
type Deadlines struct {
	FixBy    time.Time
	FixLimit time.Time
}

// CaseDeadlines reads a case's fix-by and fix limit.
func (q *Queries) CaseDeadlines(ctx context.Context, caseID int64) (Deadlines, error) {
	var row struct {
		FixBy    sql.NullTime `db:"fix_by"`
		FixLimit sql.NullTime `db:"fix_limit"`
	}
	err := q.db.GetContext(ctx, &row, `SELECT fix_by, fix_limit FROM cases WHERE id = $1`, caseID)
	return Deadlines{FixBy: row.FixBy.Time, FixLimit: row.FixLimit.Time}, wrap("case deadlines", notFound(err))
}

// LeadCategory is the category that sets a case's clocks: the lead one.
func (q *Queries) LeadCategory(ctx context.Context, caseID int64) (Category, error) {
	var c Category
	err := q.db.GetContext(ctx, &c, `SELECT g.id, g.code, g.name, g.name_en, g.department_id, g.verify_within_minutes, g.fix_within_minutes, g.sort
		FROM case_categories cc JOIN categories g ON g.id = cc.category_id
		WHERE cc.case_id = $1 ORDER BY cc.lead DESC, cc.category_id LIMIT 1`, caseID)
	return c, wrap("lead category", notFound(err))
}

// Subscribe makes a person a follower of a case (told of its progress).
func (q *Queries) Subscribe(ctx context.Context, caseID, personID int64) error {
	_, err := q.db.ExecContext(ctx, `INSERT INTO case_subscribers (case_id, person_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, caseID, personID)
	return wrap("subscribe", err)
}

// Followers are the reporter and the subscribers of a case.
func (q *Queries) Followers(ctx context.Context, caseID int64) ([]int64, error) {
	var ids []int64
	err := q.db.SelectContext(ctx, &ids, `SELECT reporter_id FROM cases WHERE id = $1 AND reporter_id IS NOT NULL
		UNION SELECT person_id FROM case_subscribers WHERE case_id = $1`, caseID)
	return ids, wrap("followers", err)
}

// CopiedDepartments are the departments a case was copied to.
func (q *Queries) CopiedDepartments(ctx context.Context, caseID int64) ([]Department, error) {
	var ds []Department
	err := q.db.SelectContext(ctx, &ds, `SELECT d.id, d.code, d.name, d.name_en FROM departments d
		JOIN case_departments cd ON cd.department_id = d.id WHERE cd.case_id = $1 ORDER BY d.id`, caseID)
	return ds, wrap("copied departments", err)
}

// Departments lists every department, in roster order.
func (q *Queries) Departments(ctx context.Context) ([]Department, error) {
	var ds []Department
	err := q.db.SelectContext(ctx, &ds, `SELECT id, code, name, name_en FROM departments ORDER BY id`)
	return ds, wrap("departments", err)
}

// DepartmentByID reads one department.
func (q *Queries) DepartmentByID(ctx context.Context, id int64) (Department, error) {
	var d Department
	err := q.db.GetContext(ctx, &d, `SELECT id, code, name, name_en FROM departments WHERE id = $1`, id)
	return d, wrap("department", notFound(err))
}

// InDepartment reports whether a person is a member of a department.
func (q *Queries) InDepartment(ctx context.Context, personID, deptID int64) (bool, error) {
	var ok bool
	err := q.db.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM person_roles WHERE person_id = $1 AND role = $3 AND department_id = $2)`, personID, deptID, model.RoleDepartment)
	return ok, wrap("in department", err)
}

// PatrolsAlley reports whether a steward patrols an alley.
func (q *Queries) PatrolsAlley(ctx context.Context, personID, alleyID int64) (bool, error) {
	var ok bool
	err := q.db.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM patrol_schedules WHERE person_id = $1 AND alley_id = $2)`, personID, alleyID)
	return ok, wrap("patrols alley", err)
}

// LastActedOn is the one of cases the person last acted on (a step of its
// timeline), 0 when none.
func (q *Queries) LastActedOn(ctx context.Context, personID int64, cases []int64) (int64, error) {
	var id int64
	err := q.db.GetContext(ctx, &id, `SELECT coalesce((SELECT case_id FROM case_events WHERE case_id = ANY($2) AND actor_id = $1
		ORDER BY id DESC LIMIT 1), 0)`, personID, pq.Int64Array(cases))
	return id, wrap("last acted on", err)
}

// PeopleWithRole lists the active holders of a role.
func (q *Queries) PeopleWithRole(ctx context.Context, role model.Role) ([]Person, error) {
	var ps []Person
	err := q.db.SelectContext(ctx, &ps, `SELECT `+prefixed("p", personCols)+` FROM people p
		WHERE p.active AND EXISTS (SELECT 1 FROM person_roles r WHERE r.person_id = p.id AND r.role = $1) ORDER BY p.code`, role)
	return ps, wrap("people with role", err)
}

// Identity is where a person can be reached.
type Identity struct {
	Platform   string `db:"platform"`
	ExternalID string `db:"external_id"`
}

// IdentitiesOf lists a person's accounts, by platform.
func (q *Queries) IdentitiesOf(ctx context.Context, personID int64) ([]Identity, error) {
	var ids []Identity
	err := q.db.SelectContext(ctx, &ids, `SELECT platform, external_id FROM identities WHERE person_id = $1 ORDER BY platform`, personID)
	return ids, wrap("identities", err)
}

// Extension is a department's request for more time.
type Extension struct {
	ID          int64                 `db:"id"`
	CaseID      int64                 `db:"case_id"`
	RequestedBy int64                 `db:"requested_by"`
	Until       time.Time             `db:"until"`
	Reason      string                `db:"reason"`
	Status      model.ExtensionStatus `db:"status"`
}

// ErrPendingExtension means a case already has a request waiting.
var ErrPendingExtension = errors.New("an extension request is already pending")

// RequestExtension records a department's request for more time;
// ErrPendingExtension when one is waiting already.
func (q *Queries) RequestExtension(ctx context.Context, caseID, personID int64, until time.Time, reason string) (int64, error) {
	var id int64
	// ON CONFLICT rather than a caught unique violation: a failed statement
	// would abort the whole update's transaction.
	err := q.db.GetContext(ctx, &id, `INSERT INTO case_extensions (case_id, requested_by, until, reason) VALUES ($1, $2, $3, $4)
		ON CONFLICT (case_id) WHERE status = 'pending' DO NOTHING RETURNING id`, caseID, personID, until, reason)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrPendingExtension
	}
	return id, wrap("request extension", err)
}

// LockExtension reads and locks an extension request.
func (q *Queries) LockExtension(ctx context.Context, id int64) (Extension, error) {
	var e Extension
	err := q.db.GetContext(ctx, &e, `SELECT id, case_id, requested_by, until, reason, status FROM case_extensions WHERE id = $1 FOR UPDATE`, id)
	return e, wrap("extension", notFound(err))
}

// DecideExtension records a coordinator's answer to a request.
func (q *Queries) DecideExtension(ctx context.Context, id int64, status model.ExtensionStatus, by int64) error {
	_, err := q.db.ExecContext(ctx, `UPDATE case_extensions SET status = $2, decided_by = $3, decided_at = now() WHERE id = $1`, id, status, by)
	return wrap("decide extension", err)
}

// Rate records a resident's answer, one per account per closing (the
// closing is the case's closed_at; the caller has checked the state); a
// second answer replaces the first. It reports whether this was the
// account's first answer to this closing.
func (q *Queries) Rate(ctx context.Context, caseID int64, platform, userID string, score int, still bool) (bool, error) {
	first, _, err := q.RateAnswer(ctx, caseID, platform, userID, score, still)
	return first, err
}

// RateAnswer is Rate telling also whether the answer changed anything: the
// same answer pressed again writes nothing (changed false), so it is
// neither a new event nor a new message.
func (q *Queries) RateAnswer(ctx context.Context, caseID int64, platform, userID string, score int, still bool) (first, changed bool, err error) {
	sc := sql.NullInt64{Int64: int64(score), Valid: score > 0}
	var rows []bool
	err = q.db.SelectContext(ctx, &rows, `INSERT INTO case_ratings AS r (case_id, closing, platform, user_id, score, still_problem)
		SELECT id, closed_at, $2, $3, $4, $5 FROM cases WHERE id = $1 AND closed_at IS NOT NULL
		ON CONFLICT (case_id, closing, platform, user_id) DO UPDATE SET score = EXCLUDED.score,
			still_problem = EXCLUDED.still_problem, at = now()
			WHERE r.score IS DISTINCT FROM EXCLUDED.score OR r.still_problem IS DISTINCT FROM EXCLUDED.still_problem
		RETURNING (xmax = 0)`, caseID, platform, userID, sc, still)
	if err != nil {
		return false, false, wrap("rate", err)
	}
	return len(rows) == 1 && rows[0], len(rows) == 1, nil
}

// CaseQuery selects cases for the queues.
type CaseQuery struct {
	Statuses     []model.Status
	DepartmentID int64     // 0: any
	OverdueAt    time.Time // non-zero: only cases with a running clock past its time
	Limit        int
}

// FindCases lists cases for /queue, /dept and /overdue, oldest first.
func (q *Queries) FindCases(ctx context.Context, f CaseQuery) ([]CaseView, error) {
	if f.Limit == 0 {
		f.Limit = 50
	}
	var over sql.NullTime
	if !f.OverdueAt.IsZero() {
		over = sql.NullTime{Time: f.OverdueAt, Valid: true}
	}
	var cs []CaseView
	err := q.db.SelectContext(ctx, &cs, caseViewSelect+`
		WHERE c.status = ANY($1)
			AND ($2 = 0 OR c.department_id = $2 OR EXISTS (SELECT 1 FROM case_departments cd WHERE cd.case_id = c.id AND cd.department_id = $2))
			AND ($3::timestamptz IS NULL OR (c.status = $5 AND c.verify_by < $3) OR (c.status = $6 AND c.fix_by < $3))
		ORDER BY c.created_at LIMIT $4`, textArray(f.Statuses), f.DepartmentID, over, f.Limit, model.StatusDispatched, model.StatusVerified)
	return cs, wrap("find cases", err)
}

// StewardsOfAlley lists the active stewards who patrol an alley.
func (q *Queries) StewardsOfAlley(ctx context.Context, alleyID int64) ([]Person, error) {
	var ps []Person
	err := q.db.SelectContext(ctx, &ps, `SELECT `+prefixed("p", personCols)+` FROM people p
		WHERE p.active AND EXISTS (SELECT 1 FROM patrol_schedules ps WHERE ps.person_id = p.id AND ps.alley_id = $1)
		ORDER BY p.code`, alleyID)
	return ps, wrap("stewards of alley", err)
}

// DueClocks locks up to limit cases whose clock needs a look now; another
// process scanning at the same moment skips them (SKIP LOCKED).
func (q *Queries) DueClocks(ctx context.Context, now time.Time, limit int) ([]CaseView, error) {
	var cs []CaseView
	// The lock is on the outer query, so the rows read are the versions
	// locked (a case verified a moment ago is seen verified).
	err := q.db.SelectContext(ctx, &cs, caseViewSelect+`
		WHERE c.next_ping_at <= $1 ORDER BY c.next_ping_at LIMIT $2 FOR UPDATE OF c SKIP LOCKED`, now, limit)
	return cs, wrap("due clocks", err)
}

// RecordPing notes a ping; false when it was sent already.
func (q *Queries) RecordPing(ctx context.Context, caseID int64, key string) (bool, error) {
	res, err := q.db.ExecContext(ctx, `INSERT INTO case_pings (case_id, key) VALUES ($1, $2) ON CONFLICT DO NOTHING`, caseID, key)
	if err != nil {
		return false, wrap("record ping", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// PingsOf lists the pings a case has had.
func (q *Queries) PingsOf(ctx context.Context, caseID int64) ([]string, error) {
	var keys []string
	err := q.db.SelectContext(ctx, &keys, `SELECT key FROM case_pings WHERE case_id = $1 ORDER BY at, key`, caseID)
	return keys, wrap("pings", err)
}

// SetNextPing sets when the case's clock next needs a look (nil: never).
func (q *Queries) SetNextPing(ctx context.Context, caseID int64, at *time.Time) error {
	_, err := q.db.ExecContext(ctx, `UPDATE cases SET next_ping_at = $2 WHERE id = $1`, caseID, at)
	return wrap("set next ping", err)
}

// ClearDepartment forgets a case's department (it refused the case).
func (q *Queries) ClearDepartment(ctx context.Context, caseID int64) error {
	_, err := q.db.ExecContext(ctx, `UPDATE cases SET department_id = NULL WHERE id = $1`, caseID)
	return wrap("clear department", err)
}

// textArray is a list of words of the vocabulary as a text[] parameter.
func textArray[T ~string](ss []T) pq.StringArray {
	out := make(pq.StringArray, len(ss))
	for i, s := range ss {
		out[i] = string(s)
	}
	return out
}

// CaseCategories lists a case's categories, the lead one first.
func (q *Queries) CaseCategories(ctx context.Context, caseID int64) ([]Category, error) {
	var cs []Category
	err := q.db.SelectContext(ctx, &cs, `SELECT g.id, g.code, g.name, g.name_en, g.department_id, g.verify_within_minutes, g.fix_within_minutes, g.sort
		FROM case_categories cc JOIN categories g ON g.id = cc.category_id
		WHERE cc.case_id = $1 ORDER BY cc.lead DESC, g.sort, g.id`, caseID)
	return cs, wrap("case categories", err)
}

// CategoryByCode finds a category by its roster code (ErrNotFound: none).
func (q *Queries) CategoryByCode(ctx context.Context, code string) (Category, error) {
	var c Category
	err := q.db.GetContext(ctx, &c, `SELECT id, code, name, name_en, department_id, verify_within_minutes, fix_within_minutes, sort
		FROM categories WHERE code = $1`, code)
	return c, wrap("category by code", notFound(err))
}
