package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/lib/pq"
)

// Case statuses of the lifecycle (seed 三(四)–(五)).
const (
	StatusDispatched = "dispatched"
	StatusVerified   = "verified"
	StatusFixed      = "fixed"
	StatusReturned   = "returned"
	StatusMerged     = "merged"
)

// LockCase reads a case and locks its row until the transaction ends: of
// two people pressing the same button, the second waits here and then sees
// the state the first left.
func (s *Store) LockCase(ctx context.Context, q Queryer, id int64) (CaseView, error) {
	var c CaseView
	err := q.GetContext(ctx, &c, caseViewSelect+` WHERE c.id = $1 FOR UPDATE OF c`, id)
	return c, wrap("lock case", notFound(err))
}

// Dispatch routes a case to its lead department (and copies), starting both clocks.
func (s *Store) Dispatch(ctx context.Context, q Queryer, caseID, deptID int64, copies []int64, now, verifyBy, fixBy time.Time) error {
	if _, err := q.ExecContext(ctx, `UPDATE case_extensions SET status = 'cancelled', decided_at = now()
		WHERE case_id = $1 AND status = 'pending'`, caseID); err != nil {
		return wrap("cancel pending extensions", err)
	}
	if _, err := q.ExecContext(ctx, `UPDATE cases SET status = 'dispatched', department_id = $2, dispatched_at = $5,
		verify_by = $3, fix_by = $4, fix_limit = $4, verified_at = NULL, fixed_at = NULL, plan = '', next_ping_at = '1970-01-01', updated_at = now()
		WHERE id = $1`, caseID, deptID, verifyBy, fixBy, now); err != nil {
		return wrap("dispatch", err)
	}
	if _, err := q.ExecContext(ctx, `DELETE FROM case_departments WHERE case_id = $1`, caseID); err != nil {
		return wrap("clear copies", err)
	}
	for _, d := range copies {
		if d == deptID {
			continue
		}
		if _, err := q.ExecContext(ctx, `INSERT INTO case_departments (case_id, department_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, caseID, d); err != nil {
			return wrap("copy department", err)
		}
	}
	return nil
}

// SetVerified stops the verify clock and records the plan and fix-by.
func (s *Store) SetVerified(ctx context.Context, q Queryer, caseID int64, plan string, now, fixBy time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE cases SET status = 'verified', verified_at = $4, plan = $2, fix_by = $3, next_ping_at = '1970-01-01', updated_at = now()
		WHERE id = $1`, caseID, plan, fixBy, now)
	return wrap("verify", err)
}

// SetFixBy moves the fix clock (an approved extension).
func (s *Store) SetFixBy(ctx context.Context, q Queryer, caseID int64, fixBy time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE cases SET fix_by = $2, next_ping_at = '1970-01-01', updated_at = now() WHERE id = $1`, caseID, fixBy)
	return wrap("set fix-by", err)
}

// SetFixed stops the fix clock: the case waits for the steward's re-check.
func (s *Store) SetFixed(ctx context.Context, q Queryer, caseID int64, now time.Time) error {
	if _, err := q.ExecContext(ctx, `UPDATE case_extensions SET status = 'cancelled', decided_at = now()
		WHERE case_id = $1 AND status = 'pending'`, caseID); err != nil {
		return wrap("cancel pending extensions", err)
	}
	_, err := q.ExecContext(ctx, `UPDATE cases SET status = 'fixed', fixed_at = $2, next_ping_at = NULL, updated_at = now() WHERE id = $1`, caseID, now)
	return wrap("fixed", err)
}

// SendBack returns a case to its department after a failed re-check and
// returns the new send-back count.
func (s *Store) SendBack(ctx context.Context, q Queryer, caseID int64) (int, error) {
	var n int
	err := q.GetContext(ctx, &n, `UPDATE cases SET status = 'verified', fixed_at = NULL, sendback_count = sendback_count + 1,
		next_ping_at = '1970-01-01', updated_at = now() WHERE id = $1 RETURNING sendback_count`, caseID)
	return n, wrap("send back", err)
}

func (s *Store) SetEscalated(ctx context.Context, q Queryer, caseID int64) error {
	_, err := q.ExecContext(ctx, `UPDATE cases SET escalated = true, updated_at = now() WHERE id = $1`, caseID)
	return wrap("escalate", err)
}

// SetStatus moves a case to status (closed sets closed_at; submitted, for a
// reopened or handed-back case, clears the clocks).
func (s *Store) SetStatus(ctx context.Context, q Queryer, caseID int64, status string) error {
	if _, err := q.ExecContext(ctx, `UPDATE case_extensions SET status = 'cancelled', decided_at = now()
		WHERE case_id = $1 AND status = 'pending'`, caseID); err != nil {
		return wrap("cancel pending extensions", err)
	}
	_, err := q.ExecContext(ctx, `UPDATE cases SET status = $2::text,
		closed_at = CASE WHEN $2::text IN ('closed', 'merged') THEN now() WHEN $2::text = 'submitted' THEN NULL ELSE closed_at END,
		verify_by = CASE WHEN $2::text = 'submitted' THEN NULL ELSE verify_by END,
		fix_by = CASE WHEN $2::text = 'submitted' THEN NULL ELSE fix_by END,
		next_ping_at = NULL, updated_at = now() WHERE id = $1`, caseID, status)
	return wrap("set status", err)
}

// SetMerged closes a duplicate into another case.
func (s *Store) SetMerged(ctx context.Context, q Queryer, caseID, into int64) error {
	_, err := q.ExecContext(ctx, `UPDATE cases SET status = 'merged', merged_into = $2, closed_at = now(), next_ping_at = NULL, updated_at = now() WHERE id = $1`, caseID, into)
	return wrap("merge", err)
}

func (s *Store) Subscribe(ctx context.Context, q Queryer, caseID, personID int64) error {
	_, err := q.ExecContext(ctx, `INSERT INTO case_subscribers (case_id, person_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, caseID, personID)
	return wrap("subscribe", err)
}

// Followers are the reporter and the subscribers of a case.
func (s *Store) Followers(ctx context.Context, q Queryer, caseID int64) ([]int64, error) {
	var ids []int64
	err := q.SelectContext(ctx, &ids, `SELECT reporter_id FROM cases WHERE id = $1 AND reporter_id IS NOT NULL
		UNION SELECT person_id FROM case_subscribers WHERE case_id = $1`, caseID)
	return ids, wrap("followers", err)
}

// CopiedDepartments are the departments a case was copied to.
func (s *Store) CopiedDepartments(ctx context.Context, q Queryer, caseID int64) ([]Department, error) {
	var ds []Department
	err := q.SelectContext(ctx, &ds, `SELECT d.id, d.code, d.name, d.name_en FROM departments d
		JOIN case_departments cd ON cd.department_id = d.id WHERE cd.case_id = $1 ORDER BY d.id`, caseID)
	return ds, wrap("copied departments", err)
}

func (s *Store) Departments(ctx context.Context, q Queryer) ([]Department, error) {
	var ds []Department
	err := q.SelectContext(ctx, &ds, `SELECT id, code, name, name_en FROM departments ORDER BY id`)
	return ds, wrap("departments", err)
}

func (s *Store) DepartmentByID(ctx context.Context, q Queryer, id int64) (Department, error) {
	var d Department
	err := q.GetContext(ctx, &d, `SELECT id, code, name, name_en FROM departments WHERE id = $1`, id)
	return d, wrap("department", notFound(err))
}

// InDepartment reports whether a person is a member of a department.
func (s *Store) InDepartment(ctx context.Context, q Queryer, personID, deptID int64) (bool, error) {
	var ok bool
	err := q.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM person_roles WHERE person_id = $1 AND role = 'department' AND department_id = $2)`, personID, deptID)
	return ok, wrap("in department", err)
}

// PatrolsAlley reports whether a steward patrols an alley.
func (s *Store) PatrolsAlley(ctx context.Context, q Queryer, personID, alleyID int64) (bool, error) {
	var ok bool
	err := q.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM patrol_schedules WHERE person_id = $1 AND alley_id = $2)`, personID, alleyID)
	return ok, wrap("patrols alley", err)
}

// PeopleWithRole lists the active holders of a role.
func (s *Store) PeopleWithRole(ctx context.Context, q Queryer, role string) ([]Person, error) {
	var ps []Person
	err := q.SelectContext(ctx, &ps, `SELECT `+prefixed("p", personCols)+` FROM people p
		WHERE p.active AND EXISTS (SELECT 1 FROM person_roles r WHERE r.person_id = p.id AND r.role = $1) ORDER BY p.code`, role)
	return ps, wrap("people with role", err)
}

// Identity is where a person can be reached.
type Identity struct {
	Platform   string `db:"platform"`
	ExternalID string `db:"external_id"`
}

func (s *Store) IdentitiesOf(ctx context.Context, q Queryer, personID int64) ([]Identity, error) {
	var ids []Identity
	err := q.SelectContext(ctx, &ids, `SELECT platform, external_id FROM identities WHERE person_id = $1 ORDER BY platform`, personID)
	return ids, wrap("identities", err)
}

// Extension is a department's request for more time.
type Extension struct {
	ID          int64     `db:"id"`
	CaseID      int64     `db:"case_id"`
	RequestedBy int64     `db:"requested_by"`
	Until       time.Time `db:"until"`
	Reason      string    `db:"reason"`
	Status      string    `db:"status"`
}

// ErrPendingExtension means a case already has a request waiting.
var ErrPendingExtension = errors.New("an extension request is already pending")

func (s *Store) RequestExtension(ctx context.Context, q Queryer, caseID, personID int64, until time.Time, reason string) (int64, error) {
	var id int64
	// ON CONFLICT rather than a caught unique violation: a failed statement
	// would abort the whole update's transaction.
	err := q.GetContext(ctx, &id, `INSERT INTO case_extensions (case_id, requested_by, until, reason) VALUES ($1, $2, $3, $4)
		ON CONFLICT (case_id) WHERE status = 'pending' DO NOTHING RETURNING id`, caseID, personID, until, reason)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrPendingExtension
	}
	return id, wrap("request extension", err)
}

// LockExtension reads and locks an extension request.
func (s *Store) LockExtension(ctx context.Context, q Queryer, id int64) (Extension, error) {
	var e Extension
	err := q.GetContext(ctx, &e, `SELECT id, case_id, requested_by, until, reason, status FROM case_extensions WHERE id = $1 FOR UPDATE`, id)
	return e, wrap("extension", notFound(err))
}

func (s *Store) DecideExtension(ctx context.Context, q Queryer, id int64, status string, by int64) error {
	_, err := q.ExecContext(ctx, `UPDATE case_extensions SET status = $2, decided_by = $3, decided_at = now() WHERE id = $1`, id, status, by)
	return wrap("decide extension", err)
}

// Rate records a resident's answer; it reports false when this account
// has answered already.
func (s *Store) Rate(ctx context.Context, q Queryer, caseID int64, platform, userID string, score int, still bool) (bool, error) {
	sc := sql.NullInt64{Int64: int64(score), Valid: score > 0}
	res, err := q.ExecContext(ctx, `INSERT INTO case_ratings (case_id, platform, user_id, score, still_problem) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT DO NOTHING`, caseID, platform, userID, sc, still)
	if err != nil {
		return false, wrap("rate", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// CaseQuery selects cases for the queues.
type CaseQuery struct {
	Statuses     []string
	DepartmentID int64     // 0: any
	OverdueAt    time.Time // non-zero: only cases with a running clock past its time
	Limit        int
}

// FindCases lists cases for /queue, /dept and /overdue, oldest first.
func (s *Store) FindCases(ctx context.Context, q Queryer, f CaseQuery) ([]CaseView, error) {
	if f.Limit == 0 {
		f.Limit = 50
	}
	var over sql.NullTime
	if !f.OverdueAt.IsZero() {
		over = sql.NullTime{Time: f.OverdueAt, Valid: true}
	}
	var cs []CaseView
	err := q.SelectContext(ctx, &cs, caseViewSelect+`
		WHERE c.status = ANY($1)
			AND ($2 = 0 OR c.department_id = $2 OR EXISTS (SELECT 1 FROM case_departments cd WHERE cd.case_id = c.id AND cd.department_id = $2))
			AND ($3::timestamptz IS NULL OR (c.status = 'dispatched' AND c.verify_by < $3) OR (c.status = 'verified' AND c.fix_by < $3))
		ORDER BY c.created_at LIMIT $4`, pq.StringArray(f.Statuses), f.DepartmentID, over, f.Limit)
	return cs, wrap("find cases", err)
}

// StewardsOfAlley lists the active stewards who patrol an alley.
func (s *Store) StewardsOfAlley(ctx context.Context, q Queryer, alleyID int64) ([]Person, error) {
	var ps []Person
	err := q.SelectContext(ctx, &ps, `SELECT `+prefixed("p", personCols)+` FROM people p
		WHERE p.active AND EXISTS (SELECT 1 FROM patrol_schedules ps WHERE ps.person_id = p.id AND ps.alley_id = $1)
		ORDER BY p.code`, alleyID)
	return ps, wrap("stewards of alley", err)
}

// DueClocks locks up to limit cases whose clock needs a look now; another
// process scanning at the same moment skips them (SKIP LOCKED).
func (s *Store) DueClocks(ctx context.Context, q Queryer, now time.Time, limit int) ([]CaseView, error) {
	var cs []CaseView
	// The lock is on the outer query, so the rows read are the versions
	// locked (a case verified a moment ago is seen verified).
	err := q.SelectContext(ctx, &cs, caseViewSelect+`
		WHERE c.next_ping_at <= $1 ORDER BY c.next_ping_at LIMIT $2 FOR UPDATE OF c SKIP LOCKED`, now, limit)
	return cs, wrap("due clocks", err)
}

// RecordPing notes a ping; false when it was sent already.
func (s *Store) RecordPing(ctx context.Context, q Queryer, caseID int64, key string) (bool, error) {
	res, err := q.ExecContext(ctx, `INSERT INTO case_pings (case_id, key) VALUES ($1, $2) ON CONFLICT DO NOTHING`, caseID, key)
	if err != nil {
		return false, wrap("record ping", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// PingsOf lists the pings a case has had.
func (s *Store) PingsOf(ctx context.Context, q Queryer, caseID int64) ([]string, error) {
	var keys []string
	err := q.SelectContext(ctx, &keys, `SELECT key FROM case_pings WHERE case_id = $1 ORDER BY at, key`, caseID)
	return keys, wrap("pings", err)
}

// SetNextPing sets when the case's clock next needs a look (nil: never).
func (s *Store) SetNextPing(ctx context.Context, q Queryer, caseID int64, at *time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE cases SET next_ping_at = $2 WHERE id = $1`, caseID, at)
	return wrap("set next ping", err)
}

// ClearDepartment forgets a case's department (it refused the case).
func (s *Store) ClearDepartment(ctx context.Context, q Queryer, caseID int64) error {
	_, err := q.ExecContext(ctx, `UPDATE cases SET department_id = NULL WHERE id = $1`, caseID)
	return wrap("clear department", err)
}
